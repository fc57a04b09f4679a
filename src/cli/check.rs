//! `archdoc check`: load models, lint them, report.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use archdoc::lint::{LintOptions, Severity, registry};
use archdoc::model::files::{foreign_format, is_model_file_name, project_files_under};
use archdoc::model::{Limits, ModelError, load_file};
use archdoc::policy::baseline::Comparison;
use archdoc::policy::{Baseline, Config, ConfigCache};
use archdoc::report::{self, HumanStyle, ModelReport};

use super::{EXIT_TROUBLE, err, out, use_color};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Model files or directories of models (default: `models/`).
    paths: Vec<PathBuf>,
    /// Output format, optionally to a file: `FORMAT` or `FORMAT=FILE`. Repeat for several
    /// (human, concise, json, sarif, github, gitlab, junit, markdown).
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "human")]
    format: Vec<String>,
    /// Exit 1 when a finding that counts is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Always exit 0 when the check ran (a 2 for bad input is never hidden).
    #[arg(long)]
    exit_zero: bool,
    /// The configuration file (default: `archdoc.yaml` next to the models or above them).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Disregard every `ignore:` entry in the models: report everything.
    #[arg(long)]
    no_ignores: bool,
    /// Fail only on findings this baseline (from `archdoc baseline create`) does not know.
    #[arg(long, value_name = "FILE", conflicts_with = "new_since")]
    baseline: Option<PathBuf>,
    /// Fail only on findings the same models did not have at the merge-base of this git ref.
    #[arg(long, value_name = "REF")]
    new_since: Option<String>,
    /// Check files of another format without writing a model: `compose`, `kubernetes`
    /// or `threagile` (what `archdoc import` reads). Findings point at the source files' lines.
    #[arg(long, value_name = "FORMAT", conflicts_with = "new_since")]
    from: Option<String>,
    /// Report only these rules (repeatable, or comma-separated).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    select: Vec<String>,
    /// Leave these rules out (repeatable, or comma-separated).
    #[arg(long = "ignore", value_name = "RULE", value_delimiter = ',')]
    ignore_rules: Vec<String>,
    /// Check again whenever a model changes (until interrupted).
    #[arg(long)]
    watch: bool,
    /// Print how many findings each rule has instead of the findings (human format).
    #[arg(long)]
    statistics: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
    Markdown,
}

impl Format {
    const ALL: [(&'static str, Format); 8] = [
        ("human", Format::Human),
        ("concise", Format::Concise),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
        ("gitlab", Format::Gitlab),
        ("junit", Format::Junit),
        ("markdown", Format::Markdown),
    ];
}

/// `FORMAT` or `FORMAT=FILE`.
fn parse_format(spec: &str) -> Result<(Format, Option<PathBuf>), String> {
    let (name, file) = match spec.split_once('=') {
        Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
        Some((n, _)) => (n, None),
        None => (spec, None),
    };
    match Format::ALL.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => Ok((*f, file)),
        None => {
            let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
            let hint = archdoc::model::suggest::did_you_mean(name, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(format!(
                "error: unknown format `{name}`{hint}\n  help: one of {}; add `=FILE` to write it to a file\n",
                names.join(", ")
            ))
        }
    }
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

pub(crate) use archdoc::model::files::display_path;

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
        if p.as_os_str() == "-" {
            out.push(p.clone()); // standard input
            continue;
        }
        let name = display_path(p);
        let meta = std::fs::metadata(p).map_err(|e| {
            ModelError::file("model::io", &name, format!("cannot read `{name}`: {e}"))
        })?;
        if meta.is_dir() {
            let before = out.len();
            for f in project_files_under(p) {
                if !f
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_model_file_name)
                {
                    continue;
                }
                // YAML that is clearly something else (Compose, Kubernetes, a workflow) is
                // passed over with one line, not reported as a broken model.
                let text =
                    archdoc::model::files::read_bounded_text(&f, 1024 * 1024).unwrap_or_default();
                if let Some(foreign) = foreign_format(&text) {
                    let shown = display_path(&f);
                    let how = match foreign.import_format() {
                        Some(fmt) => format!("; to check it: archdoc check --from {fmt} {shown}"),
                        None => String::new(),
                    };
                    err(&format!(
                        "skipped `{shown}`: {}, not an archdoc model{how}\n",
                        foreign.describe()
                    ));
                    continue;
                }
                out.push(f);
            }
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

/// Models checked: the reports, the loaded models (for code frames), the errors.
pub(crate) struct Checked {
    pub(crate) reports: Vec<ModelReport>,
    pub(crate) models: Vec<archdoc::Model>,
    pub(crate) errors: Vec<ModelError>,
    pub(crate) configs: Vec<Config>,
}

/// Loads the configuration named with `--config`, or none (then each model finds its own).
pub(crate) fn explicit_config(path: Option<&Path>) -> Result<Option<Config>, Box<ModelError>> {
    path.map(|p| Config::load(p, &display_path(p))).transpose()
}

/// Loads and checks every model file, each with its configuration.
pub(crate) fn check_files(
    files: &[PathBuf],
    config: Option<&Config>,
    options: LintOptions,
) -> Result<Checked, Box<ModelError>> {
    let limits = Limits::default();
    let mut configs = ConfigCache::new(config.cloned());
    let mut checked = Checked {
        reports: Vec::new(),
        models: Vec::new(),
        errors: Vec::new(),
        configs: Vec::new(),
    };
    for f in files {
        let from_stdin = f.as_os_str() == "-";
        let cfg = if from_stdin {
            config.cloned().unwrap_or_default()
        } else {
            configs.for_model(f)?
        };
        let loaded = if from_stdin {
            read_stdin(limits.max_file_bytes)
                .and_then(|text| archdoc::model::load_str(&text, "<stdin>", &limits))
        } else {
            load_file(f, &display_path(f), &limits)
        };
        match loaded {
            Ok(model) => {
                checked
                    .reports
                    .push(ModelReport::check_with(&model, options, &cfg));
                checked.models.push(model);
                checked.configs.push(cfg);
            }
            Err(errs) => {
                let text = archdoc::model::files::read_bounded_text(f, limits.max_file_bytes)
                    .unwrap_or_default();
                match foreign_format(&text).filter(|x| *x != archdoc::model::files::Foreign::Other)
                {
                    Some(foreign) => {
                        let shown = display_path(f);
                        let help = match foreign.import_format() {
                            Some(fmt) => format!(
                                "check it with `archdoc check --from {fmt} {shown}`, or write a model from it with `archdoc import {fmt} {shown} --output models/NAME.yaml`"
                            ),
                            None => "pass only archdoc models (YAML with `components:`)".to_owned(),
                        };
                        checked.errors.push(
                            ModelError::file(
                                "model::not-a-model",
                                &shown,
                                format!(
                                    "`{shown}` is {}, not an archdoc model",
                                    foreign.describe()
                                ),
                            )
                            .with_help(help),
                        );
                    }
                    None => checked.errors.extend(errs),
                }
            }
        }
    }
    Ok(checked)
}

/// A report written over a model, the configuration or the baseline would destroy the input
/// it reports on; two reports into one file would lose one. Both are refused before anything
/// is read or written.
fn outputs_are_not_inputs(
    formats: &[(Format, Option<PathBuf>)],
    files: &[PathBuf],
    args: &CheckArgs,
) -> Result<(), Box<ModelError>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let resolve = |p: &Path| archdoc::site::output::resolve(&cwd, p);
    let mut inputs: Vec<PathBuf> = files.iter().map(|f| resolve(f)).collect();
    inputs.extend(args.config.iter().map(|p| resolve(p)));
    inputs.extend(args.baseline.iter().map(|p| resolve(p)));
    inputs.extend(
        files
            .iter()
            .filter_map(|f| archdoc::policy::Config::discover(f))
            .map(|p| resolve(&p)),
    );
    let mut written: Vec<PathBuf> = Vec::new();
    for (_, file) in formats {
        let Some(file) = file else { continue };
        let target = resolve(file);
        let shown = display_path(file);
        if inputs.contains(&target) {
            return Err(Box::new(ModelError::file(
                "check::output-is-input",
                &shown,
                format!("`{shown}` is an input of this check; writing the report there would overwrite it"),
            )
            .with_help("write the report to another file, e.g. `--format json=report.json`")));
        }
        if written.contains(&target) {
            return Err(Box::new(
                ModelError::file(
                    "check::output-twice",
                    &shown,
                    format!("two reports would be written to `{shown}`"),
                )
                .with_help("give each `--format FORMAT=FILE` its own file"),
            ));
        }
        written.push(target);
    }
    Ok(())
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    for rule in args.select.iter().chain(&args.ignore_rules) {
        if archdoc::lint::registry::find(rule).is_none() {
            let ids = archdoc::lint::registry::ALL.iter().map(|r| r.meta().id);
            let hint = archdoc::model::suggest::did_you_mean(rule, ids)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            err(&format!(
                "error: no rule named `{rule}`{hint}; `archdoc rule --list` lists them\n"
            ));
            return EXIT_TROUBLE;
        }
    }
    if !args.watch {
        return run_once(args);
    }
    let mut code = run_once(args);
    let watched: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from("models")]
    } else {
        args.paths.clone()
    };
    let nowhere = PathBuf::from("/nonexistent-archdoc-output");
    let tmp = |n: &str| n.starts_with('.') || n.ends_with('~') || n.contains(".archdoc-tmp");
    let watching = super::serve::watch_changes(&watched, &nowhere, &tmp, |_| {
        err("\n--- change seen: checking again ---\n");
        code = run_once(args);
        true
    });
    if let Err(e) = watching {
        err(&format!("error: {e}\n"));
        return EXIT_TROUBLE;
    }
    code
}

fn run_once(args: &CheckArgs) -> u8 {
    let out_style = HumanStyle {
        color: use_color(&std::io::stdout()),
        width: 100,
    };
    let err_style = HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    };
    let mut formats = Vec::new();
    for spec in &args.format {
        match parse_format(spec) {
            Ok(f) => formats.push(f),
            Err(e) => {
                err(&e);
                return EXIT_TROUBLE;
            }
        }
    }
    let fail = |e: &ModelError| trouble(e, formats_want_json(&formats), err_style);
    if let Some(from) = &args.from {
        // The files read are inputs too: a report must not overwrite a Compose file.
        if let Err(e) = outputs_are_not_inputs(&formats, &args.paths, args) {
            return fail(&e);
        }
        return match check_imported(from, args) {
            Ok(checked) => {
                report_checked(args, &formats, checked, &args.paths, out_style, err_style)
            }
            Err(e) => fail(&e),
        };
    }
    let files = match collect_models(&args.paths) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    if let Err(e) = outputs_are_not_inputs(&formats, &files, args) {
        return fail(&e);
    }
    let config = match explicit_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let options = lint_options(args);
    let checked = match check_files(&files, config.as_ref(), options) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };

    report_checked(args, &formats, checked, &files, out_style, err_style)
}

/// Whether a JSON report goes to standard output, where an error must also be JSON.
fn formats_want_json(formats: &[(Format, Option<PathBuf>)]) -> bool {
    formats.iter().any(|(f, _)| *f == Format::Json)
}

/// Reports `e` (as JSON too when JSON was asked for) and gives the exit code for trouble.
fn trouble(e: &ModelError, json: bool, err_style: HumanStyle) -> u8 {
    if json {
        out(&report::json(
            &[],
            std::slice::from_ref(e),
            &Comparison::default(),
        ));
    }
    err(&report::human_error(e, err_style));
    EXIT_TROUBLE
}

/// The lint options the command line asks for.
fn lint_options(args: &CheckArgs) -> LintOptions {
    LintOptions {
        no_ignores: args.no_ignores,
        ..LintOptions::default()
    }
}

/// Applies the baseline, writes every format and decides the exit code.
fn report_checked(
    args: &CheckArgs,
    formats: &[(Format, Option<PathBuf>)],
    mut checked: Checked,
    files: &[PathBuf],
    out_style: HumanStyle,
    err_style: HumanStyle,
) -> u8 {
    let keep = |rule: &str| {
        (args.select.is_empty() || args.select.iter().any(|r| r == rule))
            && !args.ignore_rules.iter().any(|r| r == rule)
    };
    for r in &mut checked.reports {
        r.findings.retain(|f| keep(f.rule));
        r.suppressed.retain(|f| keep(f.rule));
    }
    let fail = |e: &ModelError| trouble(e, formats_want_json(formats), err_style);
    let options = lint_options(args);
    // What counts: everything, or only what the baseline (or the git base) did not have.
    let mut cmp = Comparison::default();
    if let Some(path) = &args.baseline {
        match Baseline::load(path, &display_path(path)) {
            Ok(b) => cmp = b.apply(&mut checked.reports),
            Err(e) => return fail(&e),
        }
    } else if let Some(git_ref) = &args.new_since {
        match super::git::baseline_at_merge_base(git_ref, files, &checked, options) {
            Ok(b) => cmp = b.apply(&mut checked.reports),
            Err(e) => return fail(&e),
        }
    }

    let rules: Vec<&'static archdoc::lint::RuleMeta> = registry::ALL
        .iter()
        .map(|r| r.meta())
        .filter(|m| checked.configs.is_empty() || checked.configs.iter().any(|c| c.enabled(m)))
        .collect();
    let sources = |file: &str| {
        checked
            .models
            .iter()
            .find(|m| m.file == file)
            .map(|m| std::sync::Arc::clone(&m.source))
    };
    let reports = &checked.reports;
    let errors = &checked.errors;
    for (format, file) in formats {
        let text = match format {
            Format::Json => report::json(reports, errors, &cmp),
            Format::Concise => {
                let mut s = report::concise(reports);
                for e in errors {
                    s.push_str(&format!("{e}\n"));
                }
                let all: Vec<&archdoc::lint::Finding> =
                    reports.iter().flat_map(|r| &r.findings).collect();
                let count = |sev| all.iter().filter(|f| f.severity == sev).count();
                let n = |k: usize, one: &str| {
                    if k == 1 {
                        format!("1 {one}")
                    } else {
                        format!("{k} {one}s")
                    }
                };
                s.push_str(&format!(
                    "{}: {}, {}, {}\n",
                    n(all.len(), "finding"),
                    n(count(Severity::Error), "error"),
                    n(count(Severity::Warning), "warning"),
                    n(count(Severity::Info), "info")
                ));
                s
            }
            Format::Human if args.statistics => {
                let mut counts: std::collections::BTreeMap<(&str, &str), usize> =
                    std::collections::BTreeMap::new();
                for f in reports.iter().flat_map(|r| &r.findings) {
                    *counts.entry((f.rule, f.severity.as_str())).or_default() += 1;
                }
                let mut rows: Vec<((&str, &str), usize)> = counts.into_iter().collect();
                rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let mut s = String::new();
                for ((rule, sev), n) in rows {
                    s.push_str(&format!("{n:>5}  {sev:<8} {rule}\n"));
                }
                if !reports.is_empty() {
                    s.push_str(&report::human_summary(reports, &cmp));
                }
                s
            }
            Format::Human => {
                let mut s = String::new();
                for (r, m) in reports.iter().zip(&checked.models) {
                    s.push_str(&report::human(r, m, out_style));
                }
                if !reports.is_empty() {
                    s.push_str(&report::human_summary(reports, &cmp));
                }
                s
            }
            Format::Sarif => report::sarif(reports, &rules, &sources),
            Format::Github => {
                if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
                    let md = report::markdown(reports, &cmp);
                    let appended = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&summary)
                        .and_then(|mut f| std::io::Write::write_all(&mut f, md.as_bytes()));
                    if let Err(e) = appended {
                        err(&format!(
                            "warning: cannot write the job summary to `{}`: {e}\n",
                            PathBuf::from(&summary).display()
                        ));
                    }
                }
                report::github(reports)
            }
            Format::Gitlab => report::gitlab(reports),
            Format::Junit => report::junit(reports),
            Format::Markdown => report::markdown(reports, &cmp),
        };
        match file {
            Some(path) => {
                if let Err(e) = std::fs::write(path, text) {
                    err(&format!(
                        "error: cannot write `{}`: {e}\n",
                        display_path(path)
                    ));
                    return EXIT_TROUBLE;
                }
            }
            None => out(&text),
        }
    }
    if !errors.is_empty() {
        for e in errors {
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

/// `check --from FORMAT FILE...`: imports the files and checks the model without writing it;
/// findings point at the source lines their elements came from.
fn check_imported(from: &str, args: &CheckArgs) -> Result<Checked, Box<ModelError>> {
    let format = super::import::parse_format(from)?;
    if args.paths.is_empty() {
        return Err(Box::new(
            ModelError::file(
                "import::no-files",
                from,
                format!("`--from {from}` needs the files to read"),
            )
            .with_help(format!(
                "e.g. `archdoc check --from {from} docker-compose.yml`"
            )),
        ));
    }
    let paths: Vec<&Path> = args.paths.iter().map(PathBuf::as_path).collect();
    let limits = Limits::default();
    let draft = archdoc::import::import(format, &paths, &limits)?;
    let model = match archdoc::import::load_draft(&draft, &limits) {
        Ok(m) => m,
        Err(mut errors) => {
            let first = errors.remove(0);
            return Err(Box::new(first));
        }
    };
    let config = match explicit_config(args.config.as_deref())? {
        Some(c) => c,
        None => match archdoc::policy::Config::discover(&args.paths[0]) {
            Some(p) => Config::load(&p, &display_path(&p))?,
            None => Config::default(),
        },
    };
    let options = lint_options(args);
    let mut report = ModelReport::check_with(&model, options, &config);
    archdoc::import::relocate(&mut report.findings, &draft);
    archdoc::import::relocate(&mut report.suppressed, &draft);
    for s in &draft.skipped {
        err(&format!("skipped: {s}\n"));
    }
    Ok(Checked {
        reports: vec![report],
        models: vec![model],
        errors: Vec::new(),
        configs: vec![config],
    })
}

/// A model from standard input (`archdoc check -`), bounded like a file.
fn read_stdin(limit: usize) -> Result<String, Vec<ModelError>> {
    use archdoc::model::files::{ReadError, read_bounded_from};
    let fail = |code, m: String| vec![ModelError::file(code, "<stdin>", m)];
    let bytes = read_bounded_from(std::io::stdin(), limit).map_err(|e| match e {
        ReadError::TooLarge { .. } => fail(
            "model::too-large",
            format!(
                "standard input holds more than the {} a model may be",
                archdoc::model::files::human_bytes(limit)
            ),
        ),
        ReadError::Io(e) => fail("model::io", format!("cannot read standard input: {e}")),
    })?;
    String::from_utf8(bytes)
        .map_err(|_| fail("model::io", "standard input is not UTF-8 text".to_owned()))
}
