//! `archdoc build`, `serve`, `init` and `theme eject`: the documentation site.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use archdoc::model::ModelError;
use archdoc::policy::Config;
use archdoc::report::{self, HumanStyle};
use archdoc::site::{self, BuildCache, SiteOptions, output};

use super::serve;

use super::check::display_path;
use super::{EXIT_TROUBLE, err, use_color};

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The output directory (default: `site.out` in archdoc.yaml, else `public`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The configuration file (default: `archdoc.yaml` here or above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Build even when a page links to a page, file or anchor the site does not have.
    #[arg(long)]
    no_link_check: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Where the served site is written (default: as for `build`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The configuration file (default: `archdoc.yaml` here or above).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Serve even when a page links to a page, file or anchor the site does not have.
    #[arg(long)]
    no_link_check: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The directory of the new project (created when missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ThemeArgs {
    #[command(subcommand)]
    command: ThemeCommand,
}

#[derive(Debug, Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme out for editing (then `themes/default/` overrides it).
    Eject {
        /// Where to write it.
        #[arg(long, default_value = "themes/default")]
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

fn style() -> HumanStyle {
    HumanStyle {
        color: use_color(&std::io::stderr()),
        width: 100,
    }
}

fn report_errors(errors: &[ModelError]) -> u8 {
    for e in errors {
        err(&report::human_error(e, style()));
    }
    EXIT_TROUBLE
}

/// A project to build: the site's settings, where it is written, and what must never be
/// overwritten.
struct Project {
    opts: SiteOptions,
    /// The output directory, resolved and checked.
    out: PathBuf,
    /// The output as named to the user (relative to where they ran archdoc).
    shown_out: String,
    /// The configuration file, if any (for the watcher).
    config: Option<PathBuf>,
    /// The project root (the working directory once [`project`] returns).
    root: PathBuf,
}

fn project_error(code: &'static str, file: &str, msg: String, help: &str) -> Box<ModelError> {
    Box::new(ModelError::file(code, file, msg).with_help(help.to_owned()))
}

/// The configuration of the project the working directory is in: walking up from `cwd`, the
/// first directory with a configuration file gives it; a directory with `site/` or `models/`
/// but no configuration is a project without one, and so is a repository root (`.git`), so a
/// nested project never borrows an enclosing one's settings.
fn discover_project_config(cwd: &Path) -> Option<PathBuf> {
    for dir in cwd.ancestors() {
        if let Some(p) = archdoc::model::files::CONFIG_FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            return Some(p);
        }
        if dir.join("site").is_dir() || dir.join("models").is_dir() || dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// The site's settings: the configuration's `site:` section over the defaults, with every
/// path resolved against the project root (the directory of `archdoc.yaml`, else the working
/// directory), which becomes the working directory. Paths from the configuration must stay
/// inside the project; `--out` may point anywhere that is not the project, an input, `$HOME`
/// or `/`.
fn project(
    config: Option<&Path>,
    out: Option<&Path>,
    tolerant: bool,
) -> Result<Project, Box<ModelError>> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .map_err(|e| {
            project_error(
                "site::cwd",
                ".",
                format!("cannot read the working directory: {e}"),
                "run archdoc from an existing directory",
            )
        })?;
    let config_path = match config {
        Some(p) => Some(output::resolve(&cwd, p)),
        None => discover_project_config(&cwd),
    };
    let config = match &config_path {
        Some(p) => Config::load(p, &display_path(p.strip_prefix(&cwd).unwrap_or(p)))?,
        None => Config::default(),
    };
    let config_name = config
        .file
        .clone()
        .unwrap_or_else(|| "archdoc.yaml".to_owned());
    let root = config_path
        .as_deref()
        .and_then(Path::parent)
        .map_or_else(|| cwd.clone(), Path::to_path_buf);
    let s = &config.site;
    // A path from the configuration, resolved; it must stay inside the project.
    let inside = |key: &str,
                  value: Option<&String>,
                  default: &str|
     -> Result<PathBuf, Box<ModelError>> {
        let written = value.map_or(default, String::as_str);
        let resolved = output::resolve(&root, Path::new(written));
        if !output::is_within(&resolved, &root) {
            return Err(project_error(
                "site::outside-project",
                &config_name,
                format!(
                    "`site.{key}: {written}` in `{config_name}` leaves the project `{}`",
                    root.display()
                ),
                "paths in the configuration stay inside the project; give a directory outside it on the command line (`--out DIR`)",
            ));
        }
        Ok(resolved)
    };
    let theme_name = s.theme.clone().unwrap_or_else(|| "default".to_owned());
    let pages = inside("pages", s.pages.as_ref(), "site")?;
    let models = inside("models", s.models.as_ref(), "models")?;
    let theme_dir = inside(
        "theme",
        Some(&format!("themes/{theme_name}")),
        "themes/default",
    )?;
    let out = match out {
        Some(o) => output::resolve(&cwd, o),
        None => inside("out", s.out.as_ref(), "public")?,
    };
    if config_path.is_none() && !pages.is_dir() && !models.is_dir() {
        return Err(project_error(
            "site::no-project",
            ".",
            format!(
                "no archdoc project here: no `archdoc.yaml` in `{}` or above, and no `site/` or `models/`",
                cwd.display()
            ),
            "run archdoc in the project's directory, or create one with `archdoc init`",
        ));
    }
    let mut protected = output::Protected {
        root: root.clone(),
        inputs: vec![
            ("pages".to_owned(), pages.clone()),
            ("models".to_owned(), models.clone()),
        ],
    };
    if theme_dir.is_dir() {
        protected
            .inputs
            .push(("theme".to_owned(), theme_dir.clone()));
    }
    // The output as the user would name it from where they stand.
    let shown = match out.strip_prefix(&cwd) {
        Ok(r) if !r.as_os_str().is_empty() => display_path(r),
        _ => out.display().to_string(),
    };
    output::check_output(&out, &shown, &protected).map_err(|msg| {
        project_error(
            "site::unsafe-output",
            &shown,
            msg,
            "choose an output directory of its own, such as `public` (the default)",
        )
    })?;
    std::env::set_current_dir(&root).map_err(|e| {
        project_error(
            "site::cwd",
            &root.display().to_string(),
            format!("cannot enter the project `{}`: {e}", root.display()),
            "check the directory's permissions",
        )
    })?;
    let rel = |p: &Path| -> PathBuf {
        match p.strip_prefix(&root) {
            Ok(r) if r.as_os_str().is_empty() => PathBuf::from("."),
            Ok(r) => r.to_path_buf(),
            Err(_) => p.to_path_buf(),
        }
    };
    let opts = SiteOptions {
        title: s.title.clone().unwrap_or_else(|| "Architecture".to_owned()),
        base_url: s.base_url.as_ref().map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        }),
        pages: rel(&pages),
        models: rel(&models),
        theme: theme_dir.is_dir().then(|| rel(&theme_dir)),
        tolerant,
        extra_script: None,
        check_links: true,
        nav: s.nav.clone(),
        nav_file: config_path
            .as_deref()
            .map_or_else(|| "archdoc.yaml".to_owned(), |p| display_path(&rel(p))),
    };
    Ok(Project {
        opts,
        out: rel(&out),
        shown_out: shown,
        config: config_path,
        root,
    })
}

pub(crate) fn build(args: &BuildArgs) -> u8 {
    let Project {
        mut opts,
        out,
        shown_out,
        ..
    } = match project(args.config.as_deref(), args.out.as_deref(), false) {
        Ok(x) => x,
        Err(e) => return report_errors(&[*e]),
    };
    opts.check_links = !args.no_link_check;
    let started = std::time::Instant::now();
    let built = match site::build(&opts) {
        Ok(s) => s,
        Err(errors) => return report_errors(&errors),
    };
    if let Err(e) = site::write(&built, &out) {
        return report_errors(&[*e]);
    }
    let pages = built.files.keys().filter(|k| k.ends_with(".html")).count();
    err(&format!(
        "built {pages} pages into {shown_out} in {} ms; open {shown_out}/index.html\n",
        started.elapsed().as_millis(),
    ));
    0
}

fn rebuild(opts: &SiteOptions, out: &Path, cache: &mut BuildCache) -> bool {
    match site::build_with_cache(opts, cache) {
        Ok(s) => match site::write(&s, out) {
            Ok(()) => {
                for f in &s.broken_models {
                    err(&format!(
                        "warning: {f} does not load; its page shows the errors\n"
                    ));
                }
                true
            }
            Err(e) => {
                report_errors(&[*e]);
                false
            }
        },
        Err(errors) => {
            report_errors(&errors);
            false
        }
    }
}

pub(crate) fn serve(args: &ServeArgs) -> u8 {
    let load = || -> Result<Project, u8> {
        let mut p = project(args.config.as_deref(), args.out.as_deref(), true)
            .map_err(|e| report_errors(&[*e]))?;
        p.opts.extra_script = Some(serve::RELOAD_SCRIPT.to_owned());
        p.opts.check_links = !args.no_link_check;
        Ok(p)
    };
    let mut p = match load() {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut cache = BuildCache::default();
    let started = std::time::Instant::now();
    if !rebuild(&p.opts, &p.out, &mut cache) && !p.out.join("index.html").is_file() {
        return EXIT_TROUBLE;
    }
    err(&format!(
        "built {} in {} ms\n",
        p.shown_out,
        started.elapsed().as_millis()
    ));
    let listener = match std::net::TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(l) => l,
        Err(e) => {
            err(&format!(
                "error: cannot listen on 127.0.0.1:{}: {e}\n  help: choose another port with `--port`\n",
                args.port
            ));
            return EXIT_TROUBLE;
        }
    };
    let (version_tx, version_rx) = tokio::sync::watch::channel(1u64);
    let served = p.root.join(&p.out);
    std::thread::spawn(move || {
        if let Err(e) = serve::run_server(listener, served, version_rx) {
            err(&format!("error: the server stopped: {e}\n"));
            std::process::exit(i32::from(EXIT_TROUBLE));
        }
    });
    err(&format!(
        "serving {} on http://127.0.0.1:{}/ (watching models, pages, theme and configuration; Ctrl-C stops)\n",
        p.shown_out, args.port
    ));
    // Watch until the configuration changes, then reload it (its paths may have moved) and
    // watch again.
    loop {
        let out_abs = p.root.join(&p.out);
        let out_base = out_abs
            .file_name()
            .map(|n| format!(".{}.archdoc-", n.to_string_lossy()))
            .unwrap_or_default();
        let mut watched = vec![
            p.root.join(&p.opts.models),
            p.root.join(&p.opts.pages),
            p.root.join("themes"),
        ];
        if let Some(c) = &p.config {
            watched.push(c.clone());
        }
        let mut reload_config = false;
        let config_file = p.config.clone();
        let theme_dir = p.root.join("themes");
        let result = serve::watch_changes(
            &watched,
            &out_abs,
            &|name: &str| !out_base.is_empty() && name.starts_with(&out_base),
            |paths| {
                let config_changed = paths.iter().any(|c| Some(c) == config_file.as_ref());
                if config_changed {
                    reload_config = true;
                    return false;
                }
                if paths.iter().any(|c| c.starts_with(&theme_dir)) {
                    cache.clear();
                }
                let t = std::time::Instant::now();
                if rebuild(&p.opts, &p.out, &mut cache) {
                    version_tx.send_modify(|v| *v += 1);
                    err(&format!("rebuilt in {} ms\n", t.elapsed().as_millis()));
                }
                true
            },
        );
        if let Err(e) = result {
            err(&format!("error: {e}\n"));
            return EXIT_TROUBLE;
        }
        if reload_config {
            match load() {
                Ok(next) => {
                    p = next;
                    cache.clear();
                    if rebuild(&p.opts, &p.out, &mut cache) {
                        version_tx.send_modify(|v| *v += 1);
                        err("configuration reloaded; rebuilt\n");
                    }
                }
                Err(_) => err("the configuration has errors; keeping the last good site\n"),
            }
        }
    }
}

const INIT_CONFIG: &str = "# archdoc configuration: see `archdoc rule --list` for the rules.\nsite:\n  title: My architecture\n# rules:\n#   missing-monitoring: warning\n";
const INIT_MODEL: &str = include_str!("../../models/simple-web-stack.yaml");
const INIT_PAGE: &str = "# My architecture\n\nThis site is built by `archdoc build` from the Markdown pages in `site/` and the\nmodels in `models/`.\n\n## The design\n\n```archdoc diagram model=web\n```\n\n## What is wrong with it\n\n```archdoc findings model=web\n```\n";

pub(crate) fn init(args: &InitArgs) -> u8 {
    // The modeline points yaml-language-server (VS Code's YAML extension, Neovim, Helix) at
    // the schema written beside the configuration: completion and checks with no set-up.
    let model = format!("# yaml-language-server: $schema=../archdoc.schema.json\n{INIT_MODEL}");
    let files = [
        ("archdoc.yaml", INIT_CONFIG),
        ("archdoc.schema.json", archdoc::model::schema_json()),
        ("models/web.yaml", model.as_str()),
        ("site/index.md", INIT_PAGE),
    ];
    for (rel, _) in files {
        let p = args.dir.join(rel);
        if p.exists() {
            err(&format!(
                "error: `{}` exists; archdoc init writes only into a new project\n",
                display_path(&p)
            ));
            return EXIT_TROUBLE;
        }
    }
    for (rel, text) in files {
        let p = args.dir.join(rel);
        if let Some(dir) = p.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            err(&format!(
                "error: cannot create `{}`: {e}\n",
                display_path(dir)
            ));
            return EXIT_TROUBLE;
        }
        if let Err(e) = std::fs::write(&p, text) {
            err(&format!(
                "error: cannot write `{}`: {e}\n",
                display_path(&p)
            ));
            return EXIT_TROUBLE;
        }
        err(&format!("created {}\n", display_path(&p)));
    }
    err("now run `archdoc build` there, and open public/index.html\n");
    0
}

pub(crate) fn theme(args: &ThemeArgs) -> u8 {
    let ThemeCommand::Eject { dir, force } = &args.command;
    for (name, text) in site::theme::DEFAULT_FILES {
        let p = dir.join(name);
        if p.exists() && !force {
            err(&format!(
                "error: `{}` exists (use --force to overwrite)\n",
                display_path(&p)
            ));
            return EXIT_TROUBLE;
        }
        if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&p, text)) {
            err(&format!(
                "error: cannot write `{}`: {e}\n",
                display_path(&p)
            ));
            return EXIT_TROUBLE;
        }
    }
    err(&format!(
        "wrote the built-in theme to {}; edit any file there to override it\n",
        display_path(dir)
    ));
    0
}
