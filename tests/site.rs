//! `archdoc build` and `serve`: the repository's own site builds the same bytes twice with
//! every internal link resolving; key pages are snapshotted; hostile models and pages execute
//! nothing and write nowhere else; the theme overrides file by file; `init` makes a project
//! that builds; `serve` rebuilds when a model changes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::{all, archdoc_in};

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Every attribute value of `attr` in `html`, with character references decoded as a
/// browser would.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap();
        out.push(
            rest[..end]
                .replace("&#x2f;", "/")
                .replace("&#x27;", "'")
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    out
}

/// Every internal href and src resolves to a file, and every #anchor to an id.
fn check_links(site: &BTreeMap<String, Vec<u8>>) -> usize {
    let ids: BTreeMap<&str, BTreeSet<String>> = site
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| {
            (
                k.as_str(),
                attrs(std::str::from_utf8(v).unwrap(), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let mut checked = 0;
    for (page, bytes) in site.iter().filter(|(k, _)| k.ends_with(".html")) {
        let html = std::str::from_utf8(bytes).unwrap();
        for link in attrs(html, "href").into_iter().chain(attrs(html, "src")) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                let mut parts: Vec<&str> = page.split('/').collect();
                parts.pop();
                for seg in path.split('/') {
                    match seg {
                        ".." => {
                            assert!(parts.pop().is_some(), "{page}: {link} leaves the site");
                        }
                        "." | "" => {}
                        s => parts.push(s),
                    }
                }
                parts.join("/")
            };
            assert!(
                site.contains_key(&target),
                "{page}: {link} -> missing {target}"
            );
            if !frag.is_empty() {
                assert!(
                    ids[target.as_str()].contains(frag),
                    "{page}: {link} -> no anchor"
                );
            }
            checked += 1;
        }
    }
    checked
}

/// The inside of every real tag (`<` followed by a letter, up to `>`).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest.find('>').unwrap_or(rest.len());
            out.push(&rest[..end]);
        }
    }
    out
}

/// The `<main>` of a page.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + 7;
    &html[start..end]
}

#[test]
fn the_repository_site_builds_twice_the_same_and_every_link_resolves() {
    let d = scratch("site-repo");
    for out in ["a", "b"] {
        let o = archdoc_in(
            Path::new("."),
            &["build", "--out", d.join(out).to_str().unwrap()],
        );
        assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    }
    let (a, b) = (files(&d.join("a")), files(&d.join("b")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between two builds");
    }
    for page in [
        "index.html",
        "models/foobar.html",
        "foobar-design.html",
        "rules/index.html",
        "rules/single-point-of-failure.html",
        "model-reference.html",
        "ci.html",
        "diff.html",
    ] {
        assert!(a.contains_key(page), "no {page}");
    }
    let links = check_links(&a);
    assert!(links > 300, "{links} links");
    let foobar = std::str::from_utf8(&a["models/foobar.html"]).unwrap();
    for part in [
        "<svg",
        "[ Load Balancer: HAProxy ]",
        "User journey",
        "Round Robin",
        "single-point-of-failure",
        "Why",
        "archdoc-components",
    ] {
        assert!(
            foobar.contains(part) || foobar.to_lowercase().contains(&part.to_lowercase()),
            "foobar page lacks {part}"
        );
    }
    let index = std::str::from_utf8(&a["index.html"]).unwrap();
    insta::assert_snapshot!("index.main", main_of(index));
    let rule = std::str::from_utf8(&a["rules/single-point-of-failure.html"]).unwrap();
    insta::assert_snapshot!("rule.main", main_of(rule));
    let journey_start = foobar.find("<h2 id=\"journey\">").unwrap();
    let journey_end = foobar.find("<h2 id=\"components\">").unwrap();
    insta::assert_snapshot!("foobar.journey", &foobar[journey_start..journey_end]);
}

/// A model and a page that try every way in.
const EVIL_MODEL: &str = r#"name: "<script>document.documentElement.dataset.pwned=1</script>"
description: "<img src=x onerror=\"document.documentElement.dataset.pwned=1\"> [click](javascript:document.documentElement.dataset.pwned=1)"
hosts:
  h1: { label: "\"><script>document.documentElement.dataset.pwned=1</script>" }
components:
  user: { kind: client, label: "</script><script>document.documentElement.dataset.pwned=1</script>" }
  dns:
    kind: dns
    records: [{ name: "x\"><svg onload=document.documentElement.dataset.pwned=1>", target: web }]
  web: { kind: web_server, host: h1, software: "' onmouseover='document.documentElement.dataset.pwned=1", label: "<b onclick=alert(1)>web</b>" }
links:
  - { from: user, to: web, label: "javascript:document.documentElement.dataset.pwned=1", protocol: "<i>http</i>" }
"#;

const EVIL_PAGE: &str = "# Evil <script>document.documentElement.dataset.pwned=1</script>\n\n<img src=x onerror=\"document.documentElement.dataset.pwned=1\">\n\n[a](javascript:document.documentElement.dataset.pwned=1) [b]( JAVASCRIPT:x) [c](data:text/html,x)\n\n```archdoc diagram model=evil\n```\n\n```archdoc whiteboard model=evil\n```\n";

/// A project with the hostile model and page.
fn evil_project(name: &str) -> PathBuf {
    let d = scratch(name);
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::create_dir_all(d.join("site/sub")).unwrap();
    std::fs::write(d.join("models/evil.yaml"), EVIL_MODEL).unwrap();
    std::fs::write(
        d.join("models/we ird & <name>.yaml"),
        std::fs::read_to_string("models/foobar.yaml").unwrap(),
    )
    .unwrap();
    std::fs::write(d.join("site/evil.md"), EVIL_PAGE).unwrap();
    std::fs::write(
        d.join("site/sub/deep.md"),
        "# Deep\n\n[up](../evil.md)\n\n```archdoc journey model=evil\n```\n",
    )
    .unwrap();
    d
}

#[test]
fn hostile_models_and_pages_execute_nothing_and_stay_inside_the_output() {
    let d = evil_project("site-evil");
    let o = archdoc_in(&d, &["build", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let site = files(&d.join("out"));
    check_links(&site);
    for (name, bytes) in site.iter().filter(|(k, _)| k.ends_with(".html")) {
        let html = std::str::from_utf8(bytes).unwrap();
        let lower = html.to_lowercase();
        // Only archdoc's own scripts: the search index, the theme script, the component data.
        let scripts = lower.matches("<script").count();
        let ours = lower.matches("<script src=\"").count()
            + lower
                .matches("<script type=\"application/json\" id=\"archdoc-components\">")
                .count();
        assert_eq!(scripts, ours, "{name}: a script that is not archdoc's");
        // No real tag carries an event handler, and no tag the model or page wrote exists.
        for tag in tags(&lower) {
            for bad in [" onerror=", " onload=", " onclick=", " onmouseover="] {
                assert!(!tag.contains(bad), "{name}: `{bad}` in <{tag}>");
            }
            assert!(
                !tag.starts_with("img") && !tag.starts_with("b ") && !tag.starts_with("i>"),
                "{name}: <{tag}>"
            );
        }
        for href in attrs(html, "href") {
            let h = href.to_lowercase();
            assert!(
                !h.starts_with("javascript:")
                    && !h.trim_start().starts_with("javascript")
                    && !h.starts_with("data:"),
                "{name}: href {href}"
            );
        }
    }
    // Every output path is made of safe segments, inside the output directory.
    assert!(
        site.keys().any(|k| k.starts_with("models/we-ird")),
        "{:?}",
        site.keys().collect::<Vec<_>>()
    );
    assert!(
        site.keys()
            .all(|k| !k.contains("..") && !k.contains(' ') && !k.contains('<'))
    );
}

#[test]
fn a_foreign_directory_is_never_replaced_and_our_own_is() {
    let d = scratch("site-foreign");
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    std::fs::create_dir_all(d.join("public")).unwrap();
    std::fs::write(d.join("public/precious.txt"), "keep me").unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert!(all(&o).contains("refusing to replace"), "{}", all(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("public/precious.txt")).unwrap(),
        "keep me"
    );
    let o = archdoc_in(&d, &["build", "--out", "site-out"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    std::fs::write(d.join("site-out/stale.html"), "old").unwrap();
    let o = archdoc_in(&d, &["build", "--out", "site-out"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(
        !d.join("site-out/stale.html").exists(),
        "the old build is replaced whole"
    );
    assert!(d.join("site-out/models/foobar.html").is_file());
}

#[test]
fn errors_in_pages_models_and_themes_name_the_file_and_line() {
    let d = scratch("site-errors");
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::create_dir_all(d.join("site")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    std::fs::write(
        d.join("site/a.md"),
        "# A\n\ntext\n\n```archdoc diagram model=fobar\n```\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    let text = all(&o);
    assert!(
        text.contains("site/a.md:5") && text.contains("did you mean `foobar`"),
        "{text}"
    );
    std::fs::write(
        d.join("site/a.md"),
        "# A\n\n```archdoc diagrm model=foobar\n```\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert!(all(&o).contains("did you mean `diagram`"), "{}", all(&o));
    std::fs::write(d.join("site/a.md"), "# A\n").unwrap();
    // A model that does not load stops `build` with its error.
    std::fs::write(
        d.join("models/bad.yaml"),
        "name: x\ncomponents:\n  a: { kind: nope }\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(all(&o).contains("models/bad.yaml:3"), "{}", all(&o));
    std::fs::remove_file(d.join("models/bad.yaml")).unwrap();
    // A theme file overrides the built-in one; a broken template names its file and line.
    std::fs::create_dir_all(d.join("themes/default")).unwrap();
    std::fs::write(
        d.join("themes/default/page.html"),
        "{% extends \"base.html\" %}{% block content %}OVERRIDDEN {{ body }}{% endblock %}",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(
        std::fs::read_to_string(d.join("public/a.html"))
            .unwrap()
            .contains("OVERRIDDEN")
    );
    std::fs::write(
        d.join("themes/default/page.html"),
        "line one\n{{ body | nosuchfilter }}\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        all(&o).contains("themes/default/page.html:2"),
        "{}",
        all(&o)
    );
}

#[test]
fn init_makes_a_project_that_builds_and_the_theme_can_be_ejected() {
    let d = scratch("site-init");
    let o = archdoc_in(&d, &["init", "proj"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let p = d.join("proj");
    let o = archdoc_in(&p, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let index = std::fs::read_to_string(p.join("public/index.html")).unwrap();
    assert!(
        index.contains("<svg") && index.contains("My architecture"),
        "{index}"
    );
    // The base URL gives every page its canonical address.
    std::fs::write(
        p.join("archdoc.yaml"),
        "site:\n  title: My architecture\n  base_url: https://docs.example.com/arch\n",
    )
    .unwrap();
    let o = archdoc_in(&p, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let index = std::fs::read_to_string(p.join("public/index.html")).unwrap();
    let canonical = attrs(&index, "href")
        .into_iter()
        .find(|h| h.starts_with("https://docs.example.com"));
    assert_eq!(
        canonical.as_deref(),
        Some("https://docs.example.com/arch/index.html")
    );
    // init never overwrites.
    let o = archdoc_in(&d, &["init", "proj"]);
    assert_eq!(o.status.code(), Some(2));
    let o = archdoc_in(&p, &["theme", "eject"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(
        p.join("themes/default/model.html").is_file()
            && p.join("themes/default/style.css").is_file()
    );
    let o = archdoc_in(&p, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    Some(body)
}

/// A scratch project holding the seed model, and a free port on loopback to serve it on.
fn project_to_serve(name: &str) -> (PathBuf, u16) {
    let d = scratch(name);
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (d, port)
}

/// Connections that never send a request cannot lock real requests out: with every place
/// taken by idle connections (a file limit of 128 leaves 64 places), a new request closes
/// the oldest silent one and is answered, instead of waiting for the 10 s head timeout.
#[cfg(unix)]
#[test]
fn serve_answers_while_idle_connections_hold_every_place() {
    let (d, port) = project_to_serve("site-serve-idle");
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n 128 && exec \"$0\" serve --port {port}"))
        .arg(env!("CARGO_BIN_EXE_archdoc"))
        .current_dir(&d)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if get(port, "/").is_some_and(|b| b.starts_with("HTTP/1.1 200")) {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut idle = Vec::new();
    for _ in 0..100 {
        if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            idle.push(s);
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    // A real request, which gives up well before the idle ones would time out.
    let answered = (|| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .ok()?;
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        Some(body)
    })();
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "the server did not start");
    assert!(
        answered
            .as_deref()
            .is_some_and(|b| b.starts_with("HTTP/1.1 200")),
        "{answered:?} with {} idle connections open",
        idle.len()
    );
}

#[test]
fn serve_rebuilds_when_a_model_changes_and_shows_a_broken_model() {
    let (d, port) = project_to_serve("site-serve");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(&d)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |path: &str, want: &dyn Fn(&str) -> bool| {
        for _ in 0..100 {
            if let Some(body) = get(port, path)
                && want(&body)
            {
                return body;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("timed out waiting for {path}");
    };
    let page = wait_for("/models/foobar.html", &|b| b.starts_with("HTTP/1.1 200"));
    assert!(
        page.contains("__archdoc/events"),
        "the live-reload script is in served pages"
    );
    let v1 = wait_for("/__archdoc/version", &|b| b.starts_with("HTTP/1.1 200"));
    let v1 = v1.rsplit("\r\n").next().unwrap().to_owned();
    let escape = get(port, "/../../etc/passwd").unwrap();
    assert!(
        !escape.starts_with("HTTP/1.1 200") && !escape.contains("root:"),
        "{escape}"
    );
    // Edit the model: the site is rebuilt and the version changes.
    let src = std::fs::read_to_string(d.join("models/foobar.yaml")).unwrap();
    std::fs::write(
        d.join("models/foobar.yaml"),
        src.replace("name: www.foobar.com", "name: www.foobar.org"),
    )
    .unwrap();
    wait_for("/__archdoc/version", &|b| {
        !b.ends_with(&format!("\r\n{v1}"))
    });
    let page = wait_for("/models/foobar.html", &|b| b.contains("www.foobar.org"));
    assert!(page.contains("www.foobar.org"));
    // A model with errors shows them on its page; the server keeps running.
    std::fs::write(
        d.join("models/foobar.yaml"),
        "name: x\ncomponents:\n  a: { kind: nope }\n",
    )
    .unwrap();
    let page = wait_for("/models/foobar.html", &|b| b.contains("does not load"));
    assert!(page.contains("unknown value"), "{page}");
    let _ = child.kill();
    let _ = child.wait();
}

/// The headless browser to load pages with: `ARCHDOC_CHROMIUM`, else `chromium` or
/// `chromium-browser` on the PATH.
fn chromium() -> Option<String> {
    if let Ok(p) = std::env::var("ARCHDOC_CHROMIUM") {
        return Some(p);
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_owned)
}

/// Loads a page headless; returns the DOM after its scripts ran, and the console errors.
fn load_in_browser(browser: &str, page: &Path, screenshot: Option<&Path>) -> (String, Vec<String>) {
    load_url_in_browser(browser, &format!("file://{}", page.display()), screenshot)
}

/// [`load_in_browser`] for any URL (a page with a query).
fn load_url_in_browser(
    browser: &str,
    url: &str,
    screenshot: Option<&Path>,
) -> (String, Vec<String>) {
    let mut cmd = std::process::Command::new(browser);
    cmd.args([
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=3000",
        "--window-size=1280,1800",
    ]);
    if let Some(shot) = screenshot {
        cmd.arg(format!("--screenshot={}", shot.display()));
    } else {
        cmd.arg("--dump-dom");
    }
    let o = cmd.arg(url).output().expect("run the browser");
    let errors = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                && (l.contains("Uncaught") || l.contains("Error") || l.contains("Refused"))
        })
        .map(str::to_owned)
        .collect();
    (String::from_utf8_lossy(&o.stdout).into_owned(), errors)
}

/// The real-browser test: every page of the repository's site and of a hostile project loads
/// in headless Chromium with no JavaScript error, the SVG diagram of every model page is
/// present and visible, and nothing a model or page wrote runs. CI installs Chromium; without
/// one this test says so and passes unless `ARCHDOC_REQUIRE_BROWSER` is set.
#[test]
fn every_page_loads_in_a_real_browser_without_errors_and_runs_nothing_hostile() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("ARCHDOC_REQUIRE_BROWSER").is_none(),
            "ARCHDOC_REQUIRE_BROWSER is set but no Chromium was found"
        );
        return;
    };
    let repo = scratch("site-browser");
    let o = archdoc_in(
        Path::new("."),
        &["build", "--out", repo.join("site").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let evil = evil_project("site-browser-evil");
    let o = archdoc_in(&evil, &["build", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let mut pages: Vec<PathBuf> = Vec::new();
    for (root, skip_rules) in [(repo.join("site"), false), (evil.join("out"), true)] {
        for rel in files(&root).keys().filter(|k| k.ends_with(".html")) {
            if skip_rules && rel.starts_with("rules/") {
                continue;
            }
            pages.push(std::fs::canonicalize(root.join(rel)).unwrap());
        }
    }
    // Two at a time: the machine has two cores.
    let chunks: Vec<Vec<PathBuf>> = pages
        .chunks(pages.len().div_ceil(2))
        .map(<[PathBuf]>::to_vec)
        .collect();
    let problems: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let browser = browser.clone();
                s.spawn(move || {
                    let mut problems = Vec::new();
                    for page in chunk {
                        let (dom, errors) = load_in_browser(&browser, page, None);
                        let name = page.display().to_string();
                        let html_tag = dom
                            .find("<html")
                            .map(|i| &dom[i..i + dom[i..].find('>').unwrap_or(0)])
                            .unwrap_or("");
                        if !errors.is_empty() {
                            problems.push(format!("{name}: {errors:?}"));
                        }
                        if !html_tag.contains("data-archdoc-ready=\"1\"") {
                            problems.push(format!(
                                "{name}: the theme script did not finish: {html_tag}"
                            ));
                        }
                        if html_tag.contains("pwned") {
                            problems.push(format!("{name}: hostile content ran"));
                        }
                        if name.contains("/models/")
                            && !html_tag.contains("data-archdoc-diagram=\"visible\"")
                        {
                            problems.push(format!("{name}: the diagram is not visible"));
                        }
                        if name.contains("/models/") && !dom.contains("<svg") {
                            problems.push(format!("{name}: no SVG diagram"));
                        }
                    }
                    problems
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        problems.is_empty(),
        "{} pages, problems:\n{}",
        pages.len(),
        problems.join("\n")
    );
    // Keep a screenshot of the foobar page as an artefact.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("foobar.png");
    let _ = std::fs::remove_file(&shot);
    load_in_browser(
        &browser,
        &std::fs::canonicalize(repo.join("site/models/foobar.html")).unwrap(),
        Some(&shot),
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot at {}",
        shot.display()
    );
}

/// A single point of failure accepted with an `ignore:` entry is shown as accepted on the
/// index, never as "none"; finding messages set `ids` as code, escaped.
#[test]
fn accepted_spofs_and_inline_code_in_messages() {
    let dir = std::env::temp_dir().join(format!("archdoc-site-accepted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(
        dir.join("models/one.yaml"),
        "name: one\nhosts: { h: {} }\ncomponents:\n  user: { kind: client }\n  web:\n    kind: web_server\n    host: h\n    ignore: [{ rule: single-point-of-failure, reason: a single server is the plan for the pilot }]\nlinks:\n  - { from: user, to: web, protocol: https }\nignore:\n  - { rule: single-point-of-failure, element: h, reason: pilot }\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(["build", "--out", "public"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(index.contains("accepted: <code>"), "{index}");
    let page = std::fs::read_to_string(dir.join("public/models/one.html")).unwrap();
    let messages: Vec<&str> = page
        .lines()
        .filter(|l| l.contains("<p class=\"message\">"))
        .collect();
    assert!(!messages.is_empty(), "{page}");
    assert!(
        messages.iter().all(|l| !l.contains('`')),
        "backticks must render as code: {messages:?}"
    );
    assert!(
        messages.iter().any(|l| l.contains("<code>web</code>")),
        "{messages:?}"
    );
}

#[test]
fn broken_links_and_anchors_in_pages_stop_the_build_with_file_and_line() {
    let d = scratch("site-links");
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::create_dir_all(d.join("site/img")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    std::fs::write(d.join("site/img/a.png"), b"png").unwrap();
    std::fs::write(
        d.join("site/index.md"),
        "# Home\n\n[guide](guide.md#setup)\n",
    )
    .unwrap();
    let good = "# Guide\n\n## Setup\n\n[home](index.md) [setup](#setup) [model](models/foobar.html)\n[rule](rules/single-point-of-failure.md) ![a](img/a.png) [web](https://example.com/x.md)\n[mail](mailto:a@b.c) [top](./guide.html#setup)\n";
    std::fs::write(d.join("site/guide.md"), good).unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));

    let bad = format!(
        "{good}\n[missing](missing.md)\n[anchor](#nope)\n[other anchor](index.md#nowhere)\n![img](img/b.png)\n[out](../../etc/passwd)\n"
    );
    std::fs::write(d.join("site/guide.md"), bad).unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    let text = all(&o);
    for (line, what) in [
        (9, "`missing.md` names no page"),
        (10, "has no heading or element with the id `nope`"),
        (11, "`index.md#nowhere`"),
        (12, "`img/b.png` names no page"),
        (13, "`../../etc/passwd` points outside the site"),
    ] {
        assert!(
            text.contains(&format!("site/guide.md:{line}")) && text.contains(what),
            "line {line}: {what}\n{text}"
        );
    }
    assert_eq!(text.matches("site::broken-link").count(), 5, "{text}");
    // --no-link-check builds anyway.
    let o = archdoc_in(&d, &["build", "--no-link-check"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
}

/// The sidebar's page links, in order (Docs and any named sections), with their nesting.
fn sidebar(html: &str) -> Vec<String> {
    let nav = &html[html.find("<nav class=\"side\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    nav.lines()
        .map(str::trim)
        .filter_map(|l| {
            if let Some(t) = l.strip_prefix("<p class=\"nav-title\">") {
                return Some(format!("## {}", t.trim_end_matches("</p>")));
            }
            let depth = l.contains("class=\"depth-1\"");
            let a = l.find("<a ")?;
            let start = a + l[a..].find('>')? + 1;
            let text = &l[start..];
            let text = &text[..text.find("</a>")?];
            l.starts_with("<li")
                .then(|| format!("{}{text}", if depth { "  " } else { "" }))
        })
        .collect()
}

/// Builds the project in `d` (which must succeed) and returns its index page.
fn built_index(d: &Path) -> String {
    let o = archdoc_in(d, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    std::fs::read_to_string(d.join("public/index.html")).unwrap()
}

#[test]
fn page_order_and_sections_come_from_site_nav_or_summary_md() {
    let d = scratch("site-nav");
    std::fs::create_dir_all(d.join("site/how-to")).unwrap();
    for (f, t) in [
        ("alpha.md", "Alpha"),
        ("beta.md", "Beta"),
        ("gamma.md", "Gamma"),
        ("how-to/setup.md", "Setup"),
    ] {
        std::fs::write(d.join("site").join(f), format!("# {t}\n")).unwrap();
    }
    // Default: file name order.
    let index = built_index(&d);
    assert_eq!(
        sidebar(&index)[..6],
        ["## Docs", "Home", "Alpha", "Beta", "Gamma", "Setup"]
    );
    // site.nav: named pages first, in its order; sections; pages it leaves out still shown.
    std::fs::write(
        d.join("archdoc.yaml"),
        "site:\n  nav:\n    - gamma.md\n    - alpha.md\n    - title: How-to guides\n      pages: [how-to/setup.md]\n",
    )
    .unwrap();
    let index = built_index(&d);
    assert_eq!(
        sidebar(&index)[..7],
        [
            "## Docs",
            "Home",
            "Gamma",
            "Alpha",
            "Beta",
            "## How-to guides",
            "Setup"
        ]
    );
    // A page that does not exist is an error naming the configuration.
    std::fs::write(d.join("archdoc.yaml"), "site:\n  nav: [gama.md]\n").unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        all(&o).contains("archdoc.yaml") && all(&o).contains("`gama.md`"),
        "{}",
        all(&o)
    );
    // SUMMARY.md, as mdBook reads it: titles, nesting, sections; it is not a page itself.
    std::fs::remove_file(d.join("archdoc.yaml")).unwrap();
    std::fs::write(
        d.join("site/SUMMARY.md"),
        "# Summary\n\n- [Beta first](beta.md)\n  - [Set it up](how-to/setup.md)\n\n# More\n\n- [Alpha](alpha.md)\n- [Nowhere](nowhere.md)\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(all(&o).contains("site/SUMMARY.md:9"), "{}", all(&o));
    std::fs::write(
        d.join("site/SUMMARY.md"),
        "# Summary\n\n- [Beta first](beta.md)\n  - [Set it up](how-to/setup.md)\n\n# More\n\n- [Alpha](alpha.md)\n",
    )
    .unwrap();
    let index = built_index(&d);
    assert_eq!(
        sidebar(&index)[..7],
        [
            "## Docs",
            "Home",
            "Beta first",
            "  Set it up",
            "Gamma",
            "## More",
            "Alpha"
        ]
    );
    assert!(!d.join("public/SUMMARY.html").exists());
}

#[test]
fn search_finds_words_in_page_bodies_model_descriptions_and_findings_in_a_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("ARCHDOC_REQUIRE_BROWSER").is_none(),
            "ARCHDOC_REQUIRE_BROWSER is set but no Chromium was found"
        );
        return;
    };
    let d = scratch("site-search");
    std::fs::create_dir_all(d.join("site")).unwrap();
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::write(
        d.join("site/runbook.md"),
        "# Runbook\n\nWhen the zanzibar queue backs up, page the on-call.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("models/shop.yaml"),
        "name: Shop\ndescription: The quokka storefront.\nhosts: { h: {} }\ncomponents:\n  user: { kind: client }\n  web: { kind: web_server, host: h }\nlinks:\n  - { from: user, to: web, protocol: http }\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let results = |q: &str| -> String {
        let url = format!("file://{}?q={q}", d.join("public/index.html").display());
        let (dom, errors) = load_url_in_browser(&browser, &url, None);
        assert!(errors.is_empty(), "{errors:?}");
        let start = dom
            .find("<ul id=\"archdoc-results\"")
            .expect("results list");
        let end = start + dom[start..].find("</ul>").expect("end of list");
        dom[start..end].to_owned()
    };
    // A word only in a page's body, by its beginning.
    let r = results("zanzib");
    assert!(r.contains("runbook.html"), "{r}");
    // A word of a model's description, and two words of which one is in a finding.
    let r = results("quokka");
    assert!(r.contains("models/shop.html"), "{r}");
    let r = results("quokka+https");
    assert!(r.contains("models/shop.html"), "{r}");
    // Every word must match somewhere.
    let r = results("zanzibar+quokka");
    assert!(
        !r.contains("runbook.html") && !r.contains("models/shop.html"),
        "{r}"
    );
}

/// `serve`'s rebuilds reuse a model's check, drawings and search words while its bytes are
/// unchanged; what they write must be what a fresh `build` writes, byte for byte, after a
/// model is edited (its name in the navigation of every page changes), another one added and
/// the first edit undone.
#[test]
fn a_cached_rebuild_writes_what_a_fresh_build_writes() {
    use archdoc::site::{self, BuildCache, SiteOptions};
    let dir = scratch("cached-rebuild");
    std::fs::create_dir_all(dir.join("site")).unwrap();
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::write(dir.join("site/index.md"), "# Home\n\nThe models.\n").unwrap();
    for m in ["foobar", "scale-up", "workers-and-queue"] {
        std::fs::copy(
            format!("models/{m}.yaml"),
            dir.join(format!("models/{m}.yaml")),
        )
        .unwrap();
    }
    let opts = SiteOptions {
        title: "t".to_owned(),
        base_url: None,
        pages: dir.join("site"),
        models: dir.join("models"),
        theme: None,
        tolerant: true,
        extra_script: None,
        check_links: true,
        nav: Vec::new(),
        nav_file: String::new(),
    };
    let mut cache = BuildCache::default();
    let original = std::fs::read_to_string(dir.join("models/foobar.yaml")).unwrap();
    let edits = [
        original.replacen("name: ", "name: renamed ", 1),
        original.replacen("name: ", "name: renamed ", 1),
        original.clone(),
    ];
    site::build_with_cache(&opts, &mut cache).unwrap();
    for (i, text) in edits.iter().enumerate() {
        std::fs::write(dir.join("models/foobar.yaml"), text).unwrap();
        if i == 1 {
            std::fs::copy(
                "models/split-writes.yaml",
                dir.join("models/split-writes.yaml"),
            )
            .unwrap();
        }
        let warm = site::build_with_cache(&opts, &mut cache).unwrap();
        let cold = site::build(&opts).unwrap();
        assert_eq!(
            warm.files.keys().collect::<Vec<_>>(),
            cold.files.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &cold.files {
            assert!(warm.files[path] == *bytes, "edit {i}: {path} differs");
        }
    }
}
