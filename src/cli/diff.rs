//! `archdoc diff`: what a change does to the architecture, between two models (or two
//! directories of models), or between the working tree and the merge-base of a git ref.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use archdoc::Model;
use archdoc::diff::{self, Diff};
use archdoc::lint::{LintOptions, Severity};
use archdoc::model::{Limits, ModelError, load_file, load_str};
use archdoc::policy::{Config, ConfigCache};
use archdoc::report::{self, HumanStyle, ModelReport};

use super::check::{collect_models, display_path, explicit_config};
use super::{EXIT_TROUBLE, err, out, use_color};

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// `OLD NEW` (two model files or two directories); with `--base`, the model files or
    /// directories to compare (default: `models/`).
    paths: Vec<PathBuf>,
    /// Compare the working tree's models with the same paths at the merge-base of this ref.
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Exit 1 when the change adds a finding at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// The configuration file (default: `archdoc.yaml` next to the new models or above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

/// One side of a pair: a loaded model and its report.
type Side = Option<(Model, ModelReport)>;

fn check(model: Model, config: &Config) -> (Model, ModelReport) {
    let report = ModelReport::check_with(&model, LintOptions::default(), config);
    (model, report)
}

fn load(path: &Path, config: &Config) -> Result<(Model, ModelReport), Vec<ModelError>> {
    load_file(path, &display_path(path), &Limits::default()).map(|m| check(m, config))
}

/// Model files under `dir`, by their path relative to it.
fn by_relative_path(dir: &Path) -> Result<BTreeMap<String, PathBuf>, Box<ModelError>> {
    let files = collect_models(&[dir.to_path_buf()])?;
    Ok(files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(dir)
                .map_or_else(|_| display_path(&f), display_path);
            (rel, f)
        })
        .collect())
}

fn pairs_of_paths(
    old: &Path,
    new: &Path,
    configs: &mut ConfigCache,
    renamed: &mut BTreeSet<String>,
) -> Result<Vec<(Side, Side)>, Vec<ModelError>> {
    let one = |e: Box<ModelError>| vec![*e];
    match (old.is_dir(), new.is_dir()) {
        (false, false) => {
            let config = configs.for_model(new).map_err(one)?;
            let a = load(old, &config)?;
            let b = load(new, &config)?;
            Ok(vec![(Some(a), Some(b))])
        }
        (true, true) => {
            let (olds, news) = (
                by_relative_path(old).map_err(one)?,
                by_relative_path(new).map_err(one)?,
            );
            let keys: BTreeSet<&String> = olds.keys().chain(news.keys()).collect();
            let mut pairs = Vec::new();
            let mut errors = Vec::new();
            for k in keys {
                let mut side = |p: Option<&PathBuf>| -> Side {
                    let p = p?;
                    let config = match configs.for_model(p) {
                        Ok(c) => c,
                        Err(e) => {
                            errors.push(*e);
                            return None;
                        }
                    };
                    match load(p, &config) {
                        Ok(x) => Some(x),
                        Err(es) => {
                            errors.extend(es);
                            None
                        }
                    }
                };
                let a = side(olds.get(k));
                let b = side(news.get(k));
                pairs.push((a, b));
            }
            if errors.is_empty() {
                Ok(follow_renames(pairs, renamed))
            } else {
                Err(errors)
            }
        }
        _ => Err(vec![ModelError::file(
            "diff::usage",
            &display_path(new),
            "compare a file with a file, or a directory with a directory",
        )
        .with_help("`archdoc diff OLD.yaml NEW.yaml`, `archdoc diff old-models/ models/`, or `archdoc diff --base main`")]),
    }
}

/// A model removed from one path and added at another with the same `name:` was renamed:
/// the two become one pair, and its new file is recorded.
fn follow_renames(pairs: Vec<(Side, Side)>, renamed: &mut BTreeSet<String>) -> Vec<(Side, Side)> {
    let mut removed: Vec<(Side, Side)> = Vec::new();
    let mut rest: Vec<(Side, Side)> = Vec::new();
    for p in pairs {
        if p.0.is_some() && p.1.is_none() {
            removed.push(p);
        } else {
            rest.push(p);
        }
    }
    for r in removed {
        let name = r.0.as_ref().map(|(m, _)| m.name.clone());
        let matched = rest
            .iter_mut()
            .find(|p| p.0.is_none() && p.1.as_ref().map(|(m, _)| m.name.clone()) == name);
        match matched {
            Some(p) => {
                if let Some((m, _)) = &p.1 {
                    renamed.insert(m.file.clone());
                }
                p.0 = r.0;
            }
            None => rest.push(r),
        }
    }
    rest
}

fn pairs_against_base(
    git_ref: &str,
    paths: &[PathBuf],
    configs: &mut ConfigCache,
    renamed: &mut BTreeSet<String>,
) -> Result<Vec<(Side, Side)>, Vec<ModelError>> {
    let one = |e: Box<ModelError>| vec![*e];
    let (root, base) = super::git::root_and_merge_base(git_ref, "--base").map_err(one)?;
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from("models")]
    } else {
        paths.to_vec()
    };
    let limits = Limits::default();
    let mut pairs = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // Models in the working tree, each with its version at the base.
    let files: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| collect_models(std::slice::from_ref(p)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(one)?
        .into_iter()
        .flatten()
        .collect();
    for f in &files {
        let config = configs.for_model(f).map_err(one)?;
        let new = match load(f, &config) {
            Ok(x) => x,
            Err(es) => {
                errors.extend(es);
                continue;
            }
        };
        let rel = super::git::relative(&root, f);
        if let Some(rel) = &rel {
            seen.insert(rel.clone());
        }
        let old = rel
            .and_then(|rel| super::git::show(&root, &base, &rel))
            .and_then(|text| load_str(&text, &display_path(f), &limits).ok())
            .map(|m| check(m, &config));
        pairs.push((old, Some(new)));
    }
    // Models that were there at the base and are gone now.
    let here = std::env::current_dir().unwrap_or_default();
    for p in &paths {
        let abs = if p.is_absolute() {
            p.clone()
        } else {
            here.join(p)
        };
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        let Ok(rel_dir) = abs.strip_prefix(&root) else {
            continue;
        };
        let rel_dir = rel_dir.to_string_lossy().replace('\\', "/");
        let rel_dir = if rel_dir.is_empty() {
            ".".to_owned()
        } else {
            rel_dir
        };
        for rel in super::git::files_at(&root, &base, &rel_dir) {
            let name = rel.rsplit('/').next().unwrap_or("");
            if !archdoc::model::files::is_model_file_name(name)
                || seen.contains(&rel)
                || root.join(&rel).exists()
            {
                continue;
            }
            let display = display_path(
                &root
                    .join(&rel)
                    .strip_prefix(&here)
                    .map_or_else(|_| PathBuf::from(&rel), Path::to_path_buf),
            );
            let Some(text) = super::git::show(&root, &base, &rel) else {
                continue;
            };
            if let Ok(m) = load_str(&text, &display, &limits) {
                let config = configs.for_model(&root.join(&rel)).unwrap_or_default();
                pairs.push((Some(check(m, &config)), None));
            }
        }
    }
    if errors.is_empty() {
        Ok(follow_renames(pairs, renamed))
    } else {
        Err(errors)
    }
}

pub(crate) fn run(args: &DiffArgs) -> u8 {
    let style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let fail = |errors: &[ModelError]| {
        for e in errors {
            err(&report::human_error(e, style));
        }
        EXIT_TROUBLE
    };
    let explicit = match explicit_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&[*e]),
    };
    let mut configs = ConfigCache::new(explicit);
    let mut renamed: BTreeSet<String> = BTreeSet::new();
    let pairs = match (&args.base, &args.paths[..]) {
        (Some(r), paths) => pairs_against_base(r, paths, &mut configs, &mut renamed),
        (None, [old, new]) => pairs_of_paths(old, new, &mut configs, &mut renamed),
        (None, _) => {
            err(
                "error: `archdoc diff` compares two models: `archdoc diff OLD NEW`, or `archdoc diff --base REF [PATH ...]`\n",
            );
            return EXIT_TROUBLE;
        }
    };
    let pairs = match pairs {
        Ok(p) => p,
        Err(errors) => return fail(&errors),
    };
    let models = pairs
        .iter()
        .map(|(a, b)| {
            let mut d = diff::compare(
                a.as_ref().map(|(m, r)| (m, r)),
                b.as_ref().map(|(m, r)| (m, r)),
            );
            d.renamed = d.new_file.as_ref().is_some_and(|f| renamed.contains(f));
            d
        })
        .collect();
    let d = Diff { models };
    let text = match args.format {
        DiffFormat::Human => diff::human(&d),
        DiffFormat::Json => diff::json(&d),
        DiffFormat::Markdown => {
            // Rule names link to the project's documentation site when it says where it is.
            let site = d
                .models
                .iter()
                .find_map(|m| m.new_file.as_deref())
                .and_then(|f| configs.for_model(Path::new(f)).ok())
                .and_then(|c| c.site.base_url)
                .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
            diff::markdown_with(&d, site.as_deref())
        }
    };
    out(&text);
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    u8::from(d.new_findings().any(|f| f.finding.severity >= threshold))
}
