//! `archdoc baseline create`: record today's findings so CI fails only on new ones.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use archdoc::lint::LintOptions;
use archdoc::policy::Baseline;
use archdoc::report::{self, HumanStyle};

use super::check::{check_files, collect_models, display_path, explicit_config};
use super::{EXIT_TROUBLE, err, use_color};

/// The file `baseline create` writes unless told otherwise.
pub(crate) const DEFAULT_FILE: &str = "archdoc-baseline.json";

#[derive(Debug, Args)]
pub(crate) struct BaselineArgs {
    #[command(subcommand)]
    command: BaselineCommand,
}

#[derive(Debug, Subcommand)]
enum BaselineCommand {
    /// Write the current findings of the models to a baseline file.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// Model files or directories of models (default: `models/`).
    paths: Vec<PathBuf>,
    /// Where to write the baseline.
    #[arg(long, short, default_value = DEFAULT_FILE)]
    output: PathBuf,
    /// The configuration file (default: `archdoc.yaml` next to the models or above them).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub(crate) fn run(args: &BaselineArgs) -> u8 {
    let BaselineCommand::Create(args) = &args.command;
    let style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let result = collect_models(&args.paths).and_then(|files| {
        let config = explicit_config(args.config.as_deref())?;
        check_files(&files, config.as_ref(), LintOptions::default())
    });
    let checked = match result {
        Ok(c) => c,
        Err(e) => {
            err(&report::human_error(&e, style));
            return EXIT_TROUBLE;
        }
    };
    if !checked.errors.is_empty() {
        for e in &checked.errors {
            err(&report::human_error(e, style));
        }
        err("error: no baseline written: fix the models first\n");
        return EXIT_TROUBLE;
    }
    let baseline = Baseline::of(&checked.reports);
    if let Err(e) = std::fs::write(&args.output, baseline.to_json()) {
        err(&format!(
            "error: cannot write `{}`: {e}\n",
            display_path(&args.output)
        ));
        return EXIT_TROUBLE;
    }
    err(&format!(
        "wrote {} finding{} of {} model{} to {}\n",
        baseline.entries.len(),
        if baseline.entries.len() == 1 { "" } else { "s" },
        checked.reports.len(),
        if checked.reports.len() == 1 { "" } else { "s" },
        display_path(&args.output)
    ));
    0
}
