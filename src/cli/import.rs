//! `archdoc import FORMAT FILE...`: write an archdoc model from Compose files or Kubernetes
//! manifests, for the user to own and edit.

use std::path::PathBuf;

use clap::Args;

use archdoc::import::{self, Format};
use archdoc::model::files::display_path;
use archdoc::model::{Limits, ModelError};
use archdoc::report::{self, HumanStyle};

use super::{EXIT_TROUBLE, err, out, use_color};

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// What to read: `compose`, `kubernetes` or `threagile`.
    format: String,
    /// The files (or, for Kubernetes, directories) to import.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write the model here (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace `--output` when it exists.
    #[arg(long)]
    force: bool,
}

/// The format named on the command line, or an error naming the ones there are.
pub(crate) fn parse_format(name: &str) -> Result<Format, Box<ModelError>> {
    Format::named(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
        let hint = archdoc::model::suggest::did_you_mean(name, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Box::new(
            ModelError::file(
                "import::unknown-format",
                name,
                format!("archdoc cannot import `{name}`{hint}"),
            )
            .with_help(format!("formats: {}", names.join(", "))),
        )
    })
}

pub(crate) fn run(args: &ImportArgs) -> u8 {
    let style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let fail = |e: &ModelError| {
        err(&report::human_error(e, style));
        EXIT_TROUBLE
    };
    let format = match parse_format(&args.format) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let paths: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    let limits = Limits::default();
    let draft = match import::import(format, &paths, &limits) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let yaml = draft.to_yaml();
    // The written model must load: an importer bug is caught here, not by the user.
    if let Err(errors) = archdoc::model::load_str(&yaml, "imported model", &limits) {
        for e in &errors {
            err(&report::human_error(e, style));
        }
        err("error: the imported model does not load; this is a bug in archdoc's importer\n");
        return EXIT_TROUBLE;
    }
    match &args.output {
        Some(path) => {
            let shown = display_path(path);
            let cwd = std::env::current_dir().unwrap_or_default();
            let target = archdoc::site::output::resolve(&cwd, path);
            if args
                .files
                .iter()
                .any(|f| archdoc::site::output::resolve(&cwd, f) == target)
            {
                return fail(
                    &ModelError::file(
                        "import::output-is-input",
                        &shown,
                        format!("`{shown}` is a file being imported; writing the model there would overwrite it"),
                    )
                    .with_help("write the model to another file, e.g. `--output models/app.yaml`"),
                );
            }
            if path.exists() && !args.force {
                return fail(
                    &ModelError::file(
                        "import::output-exists",
                        &shown,
                        format!(
                            "`{shown}` exists; archdoc does not replace a model you may have edited"
                        ),
                    )
                    .with_help("pass `--force` to replace it, or choose another `--output`"),
                );
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                err(&format!(
                    "error: cannot create `{}`: {e}\n",
                    display_path(parent)
                ));
                return EXIT_TROUBLE;
            }
            // Written beside the target and renamed: an interrupted import leaves no half model.
            let tmp = path.with_file_name(format!(
                ".{}.archdoc-tmp-{}",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default(),
                std::process::id()
            ));
            let written = std::fs::write(&tmp, &yaml).and_then(|()| std::fs::rename(&tmp, path));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                err(&format!("error: cannot write `{shown}`: {e}\n"));
                return EXIT_TROUBLE;
            }
            err(&format!(
                "imported {} components and {} links into `{shown}`\n",
                draft.components.len(),
                draft.links.len()
            ));
        }
        None => out(&yaml),
    }
    if !draft.skipped.is_empty() {
        err(&format!("skipped {}:\n", draft.skipped.len()));
        for s in &draft.skipped {
            err(&format!("  - {s}\n"));
        }
    }
    0
}
