//! `archdoc check`: load models, lint them, report.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use archdoc::lint::Severity;
use archdoc::model::{Limits, ModelError, load_file};
use archdoc::report::{self, HumanStyle, ModelReport};

use super::{EXIT_TROUBLE, err, out, use_color};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Model files or directories of models (default: `models/`).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Always exit 0 when the check ran (a 2 for bad input is never hidden).
    #[arg(long)]
    exit_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// Names a path as the user would: forward slashes, no leading `./`.
pub(crate) fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

/// The model files named by the arguments: files as given, directories searched for `.yaml`
/// and `.yml` files (sorted, skipping `archdoc.yaml` configuration files).
pub(crate) fn collect_models(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Box<ModelError>> {
    let default = [PathBuf::from("models")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        let name = display_path(p);
        let meta = std::fs::metadata(p).map_err(|e| {
            ModelError::file("model::io", &name, format!("cannot read `{name}`: {e}"))
        })?;
        if meta.is_dir() {
            let before = out.len();
            walk(p, &mut out, 0);
            if out.len() == before {
                return Err(Box::new(
                    ModelError::file(
                        "model::no-models",
                        &name,
                        format!("no model files (`*.yaml`, `*.yml`) in `{name}`"),
                    )
                    .with_help("pass a model file, or a directory that holds models"),
                ));
            }
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        let Ok(meta) = std::fs::symlink_metadata(&e) else {
            continue;
        };
        if meta.is_dir() {
            walk(&e, out, depth + 1);
        } else if meta.is_file() {
            let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
            let is_config = matches!(name, "archdoc.yaml" | "archdoc.yml" | ".archdoc.yaml");
            if is_yaml && !is_config {
                out.push(e);
            }
        }
    }
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let out_style = HumanStyle {
        color: use_color(&std::io::stdout()),
        width: 100,
    };
    let err_style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let files = match collect_models(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            if args.format == Format::Json {
                out(&report::json(&[], std::slice::from_ref(e.as_ref())));
            }
            err(&report::human_error(&e, err_style));
            return EXIT_TROUBLE;
        }
    };
    let limits = Limits::default();
    let mut reports = Vec::new();
    let mut models = Vec::new();
    let mut errors: Vec<ModelError> = Vec::new();
    for f in &files {
        match load_file(f, &display_path(f), &limits) {
            Ok(model) => {
                reports.push(ModelReport::check(&model));
                models.push(model);
            }
            Err(errs) => errors.extend(errs),
        }
    }
    let text = match args.format {
        Format::Json => report::json(&reports, &errors),
        Format::Concise => {
            let mut s = report::concise(&reports);
            for e in &errors {
                s.push_str(&format!("{e}\n"));
            }
            s
        }
        Format::Human => {
            let mut s = String::new();
            for (r, m) in reports.iter().zip(&models) {
                s.push_str(&report::human(r, m, out_style));
            }
            if !reports.is_empty() {
                s.push_str(&report::human_summary(&reports));
            }
            s
        }
    };
    out(&text);
    if !errors.is_empty() {
        for e in &errors {
            err(&report::human_error(e, err_style));
        }
        return EXIT_TROUBLE;
    }
    let threshold = args.fail_on.severity();
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= threshold);
    u8::from(failing && !args.exit_zero)
}
