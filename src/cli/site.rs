//! `archdoc build`, `serve`, `init` and `theme eject`: the documentation site.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand};

use archdoc::model::ModelError;
use archdoc::policy::Config;
use archdoc::report::{self, HumanStyle};
use archdoc::site::{self, SiteOptions};

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

/// The site's settings: the configuration's `site:` section over the defaults.
fn options(
    config: Option<&Path>,
    tolerant: bool,
) -> Result<(SiteOptions, PathBuf), Box<ModelError>> {
    let config = match config {
        Some(p) => Config::load(p, &display_path(p))?,
        None => match Config::discover(Path::new(".")) {
            Some(p) => Config::load(&p, &display_path(&p))?,
            None => Config::default(),
        },
    };
    let s = &config.site;
    let theme_name = s.theme.clone().unwrap_or_else(|| "default".to_owned());
    let theme_dir = PathBuf::from("themes").join(&theme_name);
    let opts = SiteOptions {
        title: s.title.clone().unwrap_or_else(|| "Architecture".to_owned()),
        base_url: s.base_url.as_ref().map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        }),
        pages: PathBuf::from(s.pages.clone().unwrap_or_else(|| "site".to_owned())),
        models: PathBuf::from(s.models.clone().unwrap_or_else(|| "models".to_owned())),
        theme: theme_dir.is_dir().then_some(theme_dir),
        tolerant,
        extra_script: None,
    };
    let out = PathBuf::from(s.out.clone().unwrap_or_else(|| "public".to_owned()));
    Ok((opts, out))
}

pub(crate) fn build(args: &BuildArgs) -> u8 {
    let (opts, default_out) = match options(args.config.as_deref(), false) {
        Ok(x) => x,
        Err(e) => return report_errors(&[*e]),
    };
    let out = args.out.clone().unwrap_or(default_out);
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
        "built {pages} pages into {} in {} ms; open {}/index.html\n",
        display_path(&out),
        started.elapsed().as_millis(),
        display_path(&out)
    ));
    0
}

/// What the watcher compares: every file's path, size and modification time.
fn snapshot(dirs: &[PathBuf]) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut out: Vec<(PathBuf, u64, SystemTime)> = dirs
        .iter()
        .flat_map(|d| {
            if d.is_file() {
                vec![d.clone()]
            } else {
                archdoc::model::files::files_under(d, true)
            }
        })
        .filter_map(|p| {
            let meta = p.metadata().ok()?;
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            Some((p, meta.len(), modified))
        })
        .collect();
    out.sort();
    out
}

const RELOAD_SCRIPT: &str = "(function(){var v=null;function poll(){fetch('/__archdoc/version',{cache:'no-store'}).then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v){location.reload();}v=t;}).catch(function(){}).then(function(){setTimeout(poll,700);});}poll();})();";

pub(crate) fn serve(args: &ServeArgs) -> u8 {
    let (mut opts, default_out) = match options(args.config.as_deref(), true) {
        Ok(x) => x,
        Err(e) => return report_errors(&[*e]),
    };
    opts.extra_script = Some(RELOAD_SCRIPT.to_owned());
    let out = args.out.clone().unwrap_or(default_out);
    let rebuild = |opts: &SiteOptions| -> bool {
        match site::build(opts).map_err(|e| e.into_iter().map(Box::new).collect::<Vec<_>>()) {
            Ok(s) => match site::write(&s, &out) {
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
                for e in errors {
                    err(&report::human_error(&e, style()));
                }
                false
            }
        }
    };
    if !rebuild(&opts) && !out.join("index.html").is_file() {
        return EXIT_TROUBLE;
    }
    let listener = match TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(l) => l,
        Err(e) => {
            err(&format!(
                "error: cannot listen on 127.0.0.1:{}: {e}\n  help: choose another port with `--port`\n",
                args.port
            ));
            return EXIT_TROUBLE;
        }
    };
    let version = Arc::new(AtomicU64::new(1));
    {
        let version = Arc::clone(&version);
        let out = out.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let version = Arc::clone(&version);
                let out = out.clone();
                std::thread::spawn(move || respond(stream, &out, &version));
            }
        });
    }
    err(&format!(
        "serving {} on http://127.0.0.1:{}/ (watching models, pages and theme; Ctrl-C stops)\n",
        display_path(&out),
        args.port
    ));
    let mut watched = vec![
        opts.models.clone(),
        opts.pages.clone(),
        PathBuf::from("themes"),
    ];
    if let Some(c) = &args.config {
        watched.push(c.clone());
    } else {
        watched.push(PathBuf::from("archdoc.yaml"));
    }
    let mut last = snapshot(&watched);
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = snapshot(&watched);
        if now != last {
            last = now;
            if rebuild(&opts) {
                version.fetch_add(1, Ordering::SeqCst);
                err("rebuilt\n");
            }
        }
    }
}

fn respond(mut stream: TcpStream, out: &Path, version: &AtomicU64) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    if path == "/__archdoc/version" {
        let body = version.load(Ordering::SeqCst).to_string();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let decoded = percent_decode(path);
    let mut file = out.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg == ".." || seg.contains('\\') {
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        file.push(seg);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("json") => "application/json",
                _ => "text/plain; charset=utf-8",
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nCache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            let _ = stream.write_all(&bytes);
        }
        Err(_) => {
            let body = b"not found";
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(body);
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

const INIT_CONFIG: &str = "# archdoc configuration: see `archdoc rule --list` for the rules.\nsite:\n  title: My architecture\n# rules:\n#   missing-monitoring: warning\n";
const INIT_MODEL: &str = include_str!("../../models/simple-web-stack.yaml");
const INIT_PAGE: &str = "# My architecture\n\nThis site is built by `archdoc build` from the Markdown pages in `site/` and the\nmodels in `models/`.\n\n## The design\n\n```archdoc diagram model=web\n```\n\n## What is wrong with it\n\n```archdoc findings model=web\n```\n";

pub(crate) fn init(args: &InitArgs) -> u8 {
    let files = [
        ("archdoc.yaml", INIT_CONFIG),
        ("models/web.yaml", INIT_MODEL),
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
