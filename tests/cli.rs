//! The `archdoc` binary: exit codes, output formats, and a clear error (exit 2, a line number,
//! a help line, no panic) for every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn archdoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run archdoc")
}

fn tmpdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn foobar_fails_with_exit_1_and_json_has_the_documented_shape() {
    let o = archdoc(&["check", "models/foobar.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().unwrap();
    for f in findings {
        for key in [
            "rule",
            "severity",
            "element",
            "journeys",
            "message",
            "file",
            "line",
            "column",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
    }
    assert_eq!(v["summary"]["error"], 5);
    assert_eq!(v["summary"]["warning"], 4);
    assert_eq!(v["summary"]["info"], 1); // the two servers have no firewall: one finding
}

#[test]
fn fail_on_and_exit_zero() {
    assert_eq!(
        archdoc(&["check", "models/scale-up.yaml"]).status.code(),
        Some(0)
    );
    assert_eq!(
        archdoc(&["check", "models/foobar.yaml", "--exit-zero"])
            .status
            .code(),
        Some(0)
    );
    let warn_only = tmpdir("warn-only");
    let m = write(&warn_only, "m.yaml", b"name: w\nhosts: {h: {}}\ncomponents:\n  user: {kind: client}\n  web: {kind: web_server, host: h}\n  web2: {kind: web_server, host: h}\n  lb: {kind: load_balancer, pool: [web, web2], host: h}\nlinks: [{from: user, to: lb, tls: true}]\n");
    let o = archdoc(&["check", &m, "--format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn human_output_points_at_lines() {
    let o = archdoc(&["check", "models/foobar.yaml"]);
    let t = text(&o);
    assert!(t.contains("models/foobar.yaml:16:3"), "{t}");
    assert!(t.contains("single-point-of-failure"), "{t}");
    assert!(t.contains("help:"), "{t}");
    assert!(!t.contains('\u{1b}'), "NO_COLOR must turn colour off");
}

#[test]
fn default_path_is_models_dir() {
    let o = archdoc(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["models"].as_array().unwrap().len() >= 4);
}

/// (file name, content, text the error must contain)
fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut bomb = String::from(
        "name: x\ncomponents:\n  a:\n    kind: other\n    pool: &p0 [b,b,b,b,b,b,b,b,b]\n",
    );
    for i in 1..10 {
        bomb.push_str(&format!(
            "  c{i}:\n    kind: other\n    pool: &p{i} [{}]\n",
            vec![format!("*p{}", i - 1); 9].join(",")
        ));
    }
    vec![
        ("not-yaml.yaml", b"name: x\ncomponents:\n  a: [\n".to_vec(), ":3:"),
        ("missing-colon.yaml", b"name: x\ncomponents:\n  lb:\n    kind load_balancer\n".to_vec(), ":4:"),
        ("wrong-type.yaml", b"name: x\ncomponents:\n  a: {kind: other}\nlinks:\n  - {from: a, to: a, port: eighty}\n".to_vec(), ":5:"),
        ("unknown-field.yaml", b"name: x\ncomponents:\n  lb:\n    kind: load_balancer\n    pool: [w]\n    algoritm: round_robin\n  w: {kind: web_server}\n".to_vec(), "did you mean `algorithm`"),
        ("unknown-kind.yaml", b"name: x\ncomponents:\n  lb: {kind: loadbalancer}\n".to_vec(), "did you mean `load_balancer`"),
        ("unknown-ref.yaml", b"name: x\ncomponents:\n  a: {kind: web_server}\n  b: {kind: app_server}\nlinks:\n  - {from: a, to: bb}\n".to_vec(), "did you mean `b`"),
        ("undeclared-host.yaml", b"name: x\nhosts: {server-1: {}}\ncomponents:\n  web: {kind: web_server, host: server1}\n".to_vec(), "did you mean `server-1`"),
        ("duplicate-id.yaml", b"name: x\nhosts: {web: {}}\ncomponents:\n  web: {kind: web_server}\n".to_vec(), "duplicate id `web`"),
        ("duplicate-key.yaml", b"name: x\ncomponents:\n  a: {kind: other}\n  a: {kind: other}\n".to_vec(), "duplicate key"),
        ("empty.yaml", b"".to_vec(), "file is empty"),
        ("only-comments.yaml", b"# nothing\n".to_vec(), "file is empty"),
        ("no-components.yaml", b"name: x\n".to_vec(), "no components"),
        ("empty-pool.yaml", b"name: x\ncomponents:\n  lb: {kind: load_balancer, pool: []}\n".to_vec(), "empty pool"),
        ("replica-of-web.yaml", b"name: x\ncomponents:\n  w: {kind: web_server}\n  db: {kind: database, replica_of: w}\n".to_vec(), "not a database"),
        ("alias-bomb.yaml", bomb.into_bytes(), "alias-bomb.yaml:8:16"),
        ("deep.yaml", format!("name: x\ncomponents:\n  a:\n    kind: other\n    pool: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(), ":5:"),
        ("invalid-utf8.yaml", b"name: \xff\xfe\ncomponents: {}\n".to_vec(), "UTF-8"),
        ("nul.yaml", b"name: a\x00b\n".to_vec(), "NUL"),
        ("bad-id.yaml", b"name: x\ncomponents:\n  \"<script>\": {kind: other}\n".to_vec(), "characters ids may not contain"),
        ("long-id.yaml", format!("name: x\ncomponents:\n  {}: {{kind: other}}\n", "a".repeat(5000)).into_bytes(), "characters long"),
        ("big-string.yaml", format!("name: \"{}\"\ncomponents: {{a: {{kind: other}}}}\n", "x".repeat(10 * 1024 * 1024)).into_bytes(), "bytes long"),
        ("fifty-megabytes.yaml", format!("name: x\ncomponents: {{a: {{kind: other}}}}\n# {}\n", "x".repeat(50 * 1024 * 1024)).into_bytes(), "MiB"),
        ("tabs.yaml", b"name: x\ncomponents:\n\ta: {kind: other}\n".to_vec(), ":3:"),
        ("dotdot-id.yaml", b"name: x\ncomponents:\n  \"../../etc/passwd\": {kind: other}\n".to_vec(), "characters ids may not contain"),
        ("slash-id.yaml", b"name: x\ncomponents:\n  a/b: {kind: other}\n".to_vec(), "characters ids may not contain"),
        ("quote-id.yaml", b"name: x\ncomponents:\n  'a\"b': {kind: other}\n".to_vec(), "characters ids may not contain"),
    ]
}

#[test]
fn bad_input_is_a_clear_error_with_exit_2() {
    let dir = tmpdir("bad-input");
    for (name, content, expect) in bad_inputs() {
        let path = write(&dir, name, &content);
        let o = archdoc(&["check", &path]);
        let t = text(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{name}: {}",
            &t[..t.len().min(2000)]
        );
        assert!(!t.contains("panicked"), "{name} panicked");
        assert!(
            t.contains(expect),
            "{name}: expected `{expect}` in\n{}",
            &t[..t.len().min(2000)]
        );
        assert!(t.contains("help:"), "{name}: no help line");
        assert!(
            t.len() < 20_000,
            "{name}: the error is {} bytes long",
            t.len()
        );
    }
}

#[test]
fn a_directory_named_like_a_model_and_a_missing_file_are_errors() {
    let dir = tmpdir("dir-model");
    let d = dir.join("model.yaml");
    std::fs::create_dir_all(&d).unwrap();
    assert_eq!(
        archdoc(&["check", &d.to_string_lossy()]).status.code(),
        Some(2)
    );
    assert_eq!(
        archdoc(&["check", "no/such/file.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(archdoc(&["check", "--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn json_reports_load_errors_with_positions() {
    let dir = tmpdir("json-errors");
    let p = write(&dir, "m.yaml", b"name: x\ncomponents:\n  a: {kind: nope}\n");
    let o = archdoc(&["check", &p, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"][0]["line"], 3);
}

#[test]
fn rule_command() {
    let o = archdoc(&["rule", "single-point-of-failure"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o).contains("## Example"));
    let list = text(&archdoc(&["rule", "--list"]));
    assert!(list.contains("missing-https") && list.contains("security"));
    assert_eq!(
        archdoc(&["rule", "single-point-of-falure"]).status.code(),
        Some(2)
    );
}

#[test]
fn schema_is_json_and_knows_every_kind() {
    let o = archdoc(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = v.to_string();
    for kind in ["load_balancer", "virtual_ip", "app_files", "monitoring"] {
        assert!(s.contains(kind), "schema lacks {kind}");
    }
}

#[test]
fn draw_writes_every_format_to_stdout_or_a_file() {
    for format in ["ascii", "unicode", "svg", "dot", "mermaid"] {
        let o = archdoc(&["draw", "models/foobar.yaml", "--format", format]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("HAProxy"),
            "{format}"
        );
    }
    let d = tmpdir("draw-output");
    let out = d.join("foobar.svg");
    let o = archdoc(&[
        "draw",
        "models/foobar.yaml",
        "--format",
        "svg",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(o.stdout.is_empty());
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<svg"));
    // A narrower page is honoured by the text formats.
    let o = archdoc(&["draw", "models/scale-up.yaml", "--width", "60"]);
    assert_eq!(o.status.code(), Some(0));
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        assert!(line.chars().count() <= 60, "{line}");
    }
}

#[test]
fn draw_refuses_bad_input_with_exit_2() {
    let d = tmpdir("draw-bad");
    let bad = write(
        &d,
        "bad.yaml",
        b"name: x\ncomponents:\n  a: { kind: nope }\n",
    );
    let o = archdoc(&["draw", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("help:"), "{}", text(&o));
    let o = archdoc(&["draw", "models/foobar.yaml", "--format", "png"]);
    assert_eq!(o.status.code(), Some(2));
    let o = archdoc(&["draw", "models/foobar.yaml", "--width", "5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = archdoc(&[
        "draw",
        "models/foobar.yaml",
        "--output",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "writing over a directory");
    let o = archdoc(&["draw", "missing.yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn windows_line_endings_and_a_bom_load_like_the_original() {
    let d = tmpdir("crlf");
    let src = std::fs::read("models/foobar.yaml").unwrap();
    let crlf: Vec<u8> = String::from_utf8(src.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&src);
    let plain = archdoc(&["check", "models/foobar.yaml", "--format", "concise"]);
    for (name, bytes) in [("crlf.yaml", crlf), ("bom.yaml", bom)] {
        let p = write(&d, name, &bytes);
        let o = archdoc(&["check", &p, "--format", "concise"]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        // The same findings at the same lines and columns.
        let strip = |o: &Output| -> Vec<String> {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(|l| l.split_once(": ").map_or(l, |x| x.1).to_owned())
                .collect()
        };
        assert_eq!(strip(&o), strip(&plain), "{name}");
        let lines = |o: &Output| -> Vec<String> {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(|l| l.split(':').skip(1).take(2).collect::<Vec<_>>().join(":"))
                .collect()
        };
        assert_eq!(lines(&o), lines(&plain), "{name}: positions");
    }
}

#[test]
#[cfg(unix)]
fn symlinks_out_of_the_project_are_not_followed_by_the_site() {
    let d = tmpdir("symlinks");
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::create_dir_all(d.join("site")).unwrap();
    std::fs::create_dir_all(d.join("themes/default")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    let secret = d.join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    std::os::unix::fs::symlink(&secret, d.join("site/leak.md")).unwrap();
    std::os::unix::fs::symlink(&secret, d.join("models/leak.yaml")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(["build", "--out", "out"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut leaked = false;
    for e in walkdir(&d.join("out")) {
        if std::fs::read_to_string(&e).is_ok_and(|t| t.contains("TOP SECRET")) {
            leaked = true;
        }
    }
    assert!(!leaked, "a symlinked file's content reached the site");
    // A theme file that is a symlink is refused.
    std::os::unix::fs::symlink(&secret, d.join("themes/default/page.html")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(["build", "--out", "out"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("symlink"), "{}", text(&o));
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}
