//! `archdoc import`: turn the files teams deploy (Docker Compose, Kubernetes manifests) into
//! an archdoc model. An importer builds a [`Draft`] (elements with the place in the source
//! they came from, assumptions as comments); the CLI writes it as YAML the user then owns, or
//! `check --from` loads it directly and points findings back at the source lines.
//!
//! What cannot be inferred is said (a comment, and in `check --from` the
//! `unspecified-behaviour` findings of the loaded model); what is not understood is listed in
//! [`Draft::skipped`], never dropped silently.

pub mod compose;
pub mod draft;
pub mod infer;
pub mod kubernetes;
pub mod terraform;
pub mod threagile;

use std::path::Path;
use std::sync::Arc;

pub use draft::{Draft, Origin, SourceFile};

use crate::lint::Finding;
use crate::model::files::{Foreign, display_path, foreign_format, read_bounded_text};
use crate::model::span::LineIndex;
use crate::model::{Limits, Model, ModelError, Span};

/// The formats `archdoc import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Docker Compose (`docker-compose.yml`, `compose.yaml`, with override files).
    Compose,
    /// Kubernetes manifests (files, a directory, or multi-document YAML from `helm template`).
    Kubernetes,
    /// A Threagile model (technical assets, communication links, trust boundaries).
    Threagile,
    /// A Terraform plan or state in JSON (`terraform show -json`), AWS resources.
    Terraform,
}

impl Format {
    /// Every format, with the name the command line uses.
    pub const ALL: [(&'static str, Format); 4] = [
        ("compose", Format::Compose),
        ("kubernetes", Format::Kubernetes),
        ("terraform", Format::Terraform),
        ("threagile", Format::Threagile),
    ];

    /// The format named `name` (`k8s` is accepted for `kubernetes`).
    #[must_use]
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "compose" | "docker-compose" => Some(Format::Compose),
            "kubernetes" | "k8s" => Some(Format::Kubernetes),
            "threagile" => Some(Format::Threagile),
            "terraform" | "tf" | "terraform-plan" => Some(Format::Terraform),
            _ => None,
        }
    }

    /// The name on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::Compose => "compose",
            Format::Kubernetes => "kubernetes",
            Format::Threagile => "threagile",
            Format::Terraform => "terraform",
        }
    }

    fn expects(self) -> Foreign {
        match self {
            Format::Compose => Foreign::Compose,
            Format::Kubernetes => Foreign::Kubernetes,
            Format::Threagile => Foreign::Threagile,
            Format::Terraform => Foreign::TerraformPlan,
        }
    }
}

/// How deep Threagile `includes:` may nest.
const MAX_INCLUDE_DEPTH: usize = 8;

/// The files one file includes, as it names them.
type Includes = fn(&SourceFile, &Limits) -> Result<Vec<String>, Box<ModelError>>;

/// Reads the files a Threagile model or a Compose file includes (and those they include),
/// each once, relative to the file naming it, after the files given: a model split over files
/// imports whole.
fn include_parts(
    files: &[std::path::PathBuf],
    sources: &mut Vec<SourceFile>,
    total: &mut usize,
    limits: &Limits,
    includes: Includes,
) -> Result<(), Box<ModelError>> {
    let mut queue: Vec<(std::path::PathBuf, usize)> =
        files.iter().map(|f| (f.clone(), 0)).collect();
    let mut seen: Vec<std::path::PathBuf> = files
        .iter()
        .map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()))
        .collect();
    let mut next = 0;
    while next < queue.len() {
        let (path, depth) = queue[next].clone();
        let list = includes(&sources[next], limits)?;
        let by = sources[next].display.clone();
        next += 1;
        for inc in list {
            // A model's parts live beside it.
            if Path::new(&inc).is_absolute() {
                return Err(Box::new(
                    ModelError::file(
                        "import::include",
                        &by,
                        format!("`{by}` includes `{inc}`, an absolute path"),
                    )
                    .with_help("include the other files by paths relative to the file naming them"),
                ));
            }
            let p = path.parent().unwrap_or(Path::new(".")).join(&inc);
            let canon = p.canonicalize().unwrap_or_else(|_| p.clone());
            if seen.contains(&canon) {
                continue;
            }
            let shown = display_path(&p);
            if depth + 1 > MAX_INCLUDE_DEPTH {
                return Err(Box::new(
                    ModelError::file(
                        "import::include",
                        &by,
                        format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files at `{shown}`"),
                    )
                    .with_help("include the parts from the main file"),
                ));
            }
            let text = read_bounded_text(&p, limits.max_file_bytes).map_err(|e| {
                ModelError::file(
                    "import::io",
                    &by,
                    format!("cannot read `{shown}`, which `{by}` includes: {e}"),
                )
                .with_help("fix the path in `includes:` (relative to the file that names it)")
            })?;
            *total += text.len();
            if *total > limits.max_file_bytes {
                return Err(Box::new(ModelError::file(
                    "import::too-large",
                    &shown,
                    format!(
                        "the model and its includes hold more than the {} archdoc reads",
                        crate::model::files::human_bytes(limits.max_file_bytes)
                    ),
                )));
            }
            seen.push(canon);
            sources.push(SourceFile {
                display: shown,
                text: Arc::from(text),
            });
            queue.push((p, depth + 1));
        }
    }
    Ok(())
}

/// Reads the source files and builds the draft model.
///
/// # Errors
/// A file cannot be read, is too large, is not of the named format, or is not valid YAML.
pub fn import(format: Format, paths: &[&Path], limits: &Limits) -> Result<Draft, Box<ModelError>> {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let found: Vec<_> = crate::model::files::files_under(p, true)
                .into_iter()
                .filter(|f| {
                    f.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
                })
                .collect();
            if found.is_empty() {
                let shown = display_path(p);
                return Err(Box::new(
                    ModelError::file(
                        "import::no-files",
                        &shown,
                        format!("no YAML or JSON files in `{shown}`"),
                    )
                    .with_help("pass the files to import, or a directory that holds them"),
                ));
            }
            files.extend(found);
        } else {
            files.push(p.to_path_buf());
        }
    }
    if format == Format::Compose && files.len() == 1 {
        // Compose reads `docker-compose.override.yml` next to the file by default.
        if let Some(o) = compose::default_override(&files[0]) {
            files.push(o);
        }
    }
    let mut sources = Vec::new();
    let mut total = 0usize;
    for f in &files {
        let shown = display_path(f);
        let text = read_bounded_text(f, limits.max_file_bytes).map_err(|e| {
            ModelError::file("import::io", &shown, format!("cannot read `{shown}`: {e}"))
        })?;
        total += text.len();
        if total > limits.max_file_bytes {
            return Err(Box::new(
                ModelError::file(
                    "import::too-large",
                    &shown,
                    format!(
                        "the files to import hold more than the {} archdoc reads",
                        crate::model::files::human_bytes(limits.max_file_bytes)
                    ),
                )
                .with_help("import fewer files at once"),
            ));
        }
        let looks = foreign_format(&text);
        let is_dir_member = !paths.contains(&f.as_path());
        if looks != Some(format.expects()) {
            if is_dir_member && format == Format::Kubernetes {
                continue; // a directory may hold other YAML (values files, kustomization)
            }
            let what = match looks {
                None => "an archdoc model".to_owned(),
                Some(Foreign::Other) => {
                    "another kind of file, none of the formats archdoc imports".to_owned()
                }
                Some(other) => other.describe().to_owned(),
            };
            let help = match looks.and_then(Foreign::import_format) {
                Some(fmt) => format!("use `archdoc import {fmt} {shown}`"),
                None if looks.is_none() => format!("check it directly: `archdoc check {shown}`"),
                None => format!(
                    "`archdoc import {}` reads {}",
                    format.name(),
                    format.expects().describe()
                ),
            };
            return Err(Box::new(
                ModelError::file(
                    "import::wrong-format",
                    &shown,
                    format!(
                        "`{shown}` is not {}: this looks like {what}",
                        format.expects().describe()
                    ),
                )
                .with_help(help),
            ));
        }
        sources.push(SourceFile {
            display: shown,
            text: Arc::from(text),
        });
    }
    match format {
        Format::Threagile => {
            include_parts(
                &files,
                &mut sources,
                &mut total,
                limits,
                threagile::includes,
            )?;
        }
        Format::Compose => {
            include_parts(&files, &mut sources, &mut total, limits, compose::includes)?;
        }
        _ => {}
    }
    if sources.is_empty() {
        let shown = paths.first().map(|p| display_path(p)).unwrap_or_default();
        return Err(Box::new(
            ModelError::file(
                "import::no-files",
                &shown,
                format!("nothing in `{shown}` is {}", format.expects().describe()),
            )
            .with_help(
                "pass the manifests themselves, or render the chart first (`helm template`)",
            ),
        ));
    }
    let mut draft = match format {
        Format::Compose => compose::import(&sources, limits)?,
        Format::Kubernetes => kubernetes::import(&sources, limits)?,
        Format::Threagile => threagile::import(&sources, limits)?,
        Format::Terraform => terraform::import(&sources, limits)?,
    };
    draft.sources = sources;
    Ok(draft)
}

/// Loads a draft as a model, the way `check --from` sees it: the model's file is the first
/// source file, so a code frame shows the source.
///
/// # Errors
/// The draft does not load (an importer bug, reported as such).
pub fn load_draft(draft: &Draft, limits: &Limits) -> Result<Model, Vec<ModelError>> {
    let display = draft
        .sources
        .first()
        .map_or_else(|| "imported".to_owned(), |s| s.display.clone());
    let yaml = draft.to_yaml();
    let mut model = crate::model::load_str(&yaml, &display, limits)?;
    if let Some(first) = draft.sources.first() {
        model.source = Arc::clone(&first.text);
    }
    Ok(model)
}

/// Points findings of a loaded draft at the source lines their elements came from.
pub fn relocate(findings: &mut [Finding], draft: &Draft) {
    let origins = draft.origins();
    let lines: Vec<LineIndex> = draft
        .sources
        .iter()
        .map(|s| LineIndex::new(&s.text))
        .collect();
    for f in findings {
        let origin = origins.get(&f.element).copied().unwrap_or(Origin {
            file: 0,
            span: Span::new(0, 0),
        });
        let Some(src) = draft.sources.get(origin.file) else {
            continue;
        };
        let (line, column) = lines[origin.file].line_col(&src.text, origin.span.offset);
        f.file.clone_from(&src.display);
        // A code frame is drawn from the first file's text: a span into another file
        // would point at the wrong lines there.
        f.span = if origin.file == 0 {
            origin.span
        } else {
            Span::new(0, 0)
        };
        f.line = line;
        f.column = column;
    }
}
