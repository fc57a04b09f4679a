//! Command-line interface: argument parsing and the commands. This is the only place that
//! prints or decides an exit code: 0 clean, 1 findings at or above `--fail-on`, 2 when archdoc
//! could not do its job (bad input, bad usage).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod baseline;
mod check;
mod diff;
mod draw;
mod git;
mod import;
mod lsp;
mod rule;
mod serve;
mod site;

use clap::{Parser, Subcommand};

/// Describe web infrastructure once, as a YAML model; lint it, draw it, document it.
#[derive(Debug, Parser)]
#[command(name = "archdoc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The `--color` choice, set once at start.
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint models: single points of failure, HTTPS, firewalls, monitoring.
    Check(check::CheckArgs),
    /// Record the current findings, so `check --baseline` fails only on new ones.
    Baseline(baseline::BaselineArgs),
    /// What a change does to the architecture: elements, findings, redundancy.
    Diff(diff::DiffArgs),
    /// Build the documentation site: pages, models, rules (default: site/ and models/ into public/).
    Build(site::BuildArgs),
    /// Build the site, serve it on 127.0.0.1 and rebuild and reload on every change.
    Serve(site::ServeArgs),
    /// Create a small working project: a configuration, a model and a page.
    Init(site::InitArgs),
    /// The site's theme.
    Theme(site::ThemeArgs),
    /// Draw a model: whiteboard text, SVG, DOT or Mermaid.
    Draw(draw::DrawArgs),
    /// Write an archdoc model from Docker Compose files or Kubernetes manifests.
    Import(import::ImportArgs),
    /// Print the JSON Schema of the model format (for editors).
    Schema,
    /// Print a rule's documentation, or list every rule.
    Rule(rule::RuleArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print archdoc's man page (roff).
    Man,
    /// Run the language server over stdio: diagnostics, hover, go to definition, references
    /// and completion for models in any LSP editor.
    Lsp,
}

/// Exit code: archdoc could not do its job.
pub(crate) const EXIT_TROUBLE: u8 = 2;

/// Runs the command line and returns the exit code.
pub(crate) fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_TROUBLE } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let _ = COLOR.set(cli.color);
    match cli.command {
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "archdoc", &mut buf);
            out(&String::from_utf8_lossy(&buf));
            0
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
                err(&format!("error: cannot render the man page: {e}\n"));
                return EXIT_TROUBLE;
            }
            out(&String::from_utf8_lossy(&buf));
            0
        }
        Command::Lsp => lsp::run(),
        Command::Check(args) => check::run(&args),
        Command::Draw(args) => draw::run(&args),
        Command::Build(args) => site::build(&args),
        Command::Serve(args) => site::serve(&args),
        Command::Init(args) => site::init(&args),
        Command::Theme(args) => site::theme(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Baseline(args) => baseline::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Schema => {
            out(archdoc::model::schema_json());
            0
        }
        Command::Rule(args) => rule::run(&args),
    }
}

/// Writes to stdout, ignoring a closed pipe (`archdoc check | head` must not panic). Control
/// characters from model strings are shown, never acted on (only archdoc's own colours pass,
/// and only when colouring).
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let text = archdoc::escape::terminal(text, use_color(&std::io::stdout()));
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// Writes to stderr, ignoring a closed pipe.
pub(crate) fn err(text: &str) {
    use std::io::Write;
    let text = archdoc::escape::terminal(text, use_color(&std::io::stderr()));
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Whether to colour output written to stdout/stderr.
pub(crate) fn use_color(stream: &impl std::io::IsTerminal) -> bool {
    match COLOR.get() {
        Some(ColorChoice::Always) => return true,
        Some(ColorChoice::Never) => return false,
        _ => {}
    }
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && stream.is_terminal()
}
