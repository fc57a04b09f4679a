//! Regression tests for "never lose a user's files, never fall over" (issue 13): each test
//! reproduces one of the reported attacks or accidents and asserts it no longer works.

mod common;

use std::path::{Path, PathBuf};

use common::{all, archdoc_in};

fn project(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("safety-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("models")).unwrap();
    std::fs::create_dir_all(d.join("site")).unwrap();
    std::fs::copy("models/foobar.yaml", d.join("models/foobar.yaml")).unwrap();
    d
}

const HOSTILE: &str = "name: \"evil \\e]0;pwned\\a \\e[2J\"\ndescription: \"x\"\nhosts: {h: {}}\ncomponents:\n  user: {kind: client}\n  web: {kind: web_server, host: h, label: \"\\e[31mred\\e[0m ![img](http://e.test/i.png) @everyone [l](http://e.test)\"}\nlinks: [{from: user, to: web}]\n";

#[test]
fn model_strings_reach_the_terminal_shown_not_interpreted() {
    let d = project("terminal");
    std::fs::write(d.join("evil.yaml"), HOSTILE).unwrap();
    for format in ["human", "concise", "github", "markdown", "json"] {
        let o = archdoc_in(&d, &["check", "evil.yaml", "--format", format]);
        let text = all(&o);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: raw escape sequence reached the terminal: {text:?}"
        );
    }
    // The diff, human and Markdown.
    std::fs::write(
        d.join("evil2.yaml"),
        HOSTILE.replace("web_server", "app_server"),
    )
    .unwrap();
    for format in ["human", "markdown"] {
        let o = archdoc_in(&d, &["diff", "evil.yaml", "evil2.yaml", "--format", format]);
        let text = all(&o);
        assert!(!text.contains('\u{1b}'), "diff {format}: {text:?}");
    }
}

#[test]
fn markdown_reports_neutralise_links_images_and_mentions() {
    let d = project("markdown");
    let src = HOSTILE.replace("\\e", "");
    std::fs::write(d.join("a.yaml"), &src).unwrap();
    std::fs::write(d.join("b.yaml"), src.replace("web_server", "app_server")).unwrap();
    let o = archdoc_in(&d, &["diff", "a.yaml", "b.yaml", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    // Outside the Mermaid block (whose labels use entity codes), nothing is active.
    let prose = md.split("```mermaid").next().unwrap_or_default();
    assert!(!prose.contains("![img]("), "{prose}");
    assert!(!prose.contains("[l](http"), "{prose}");
    assert!(!prose.contains("@everyone"), "{prose}");
}

#[test]
fn a_report_never_overwrites_the_model_it_checks() {
    let d = project("json-over-input");
    let before = std::fs::read(d.join("models/foobar.yaml")).unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--format",
            "json=models/foobar.yaml",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert!(all(&o).contains("input"), "{}", all(&o));
    assert_eq!(std::fs::read(d.join("models/foobar.yaml")).unwrap(), before);
    // Two reports into one file are refused too.
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models",
            "--format",
            "json=r.out",
            "--format",
            "sarif=r.out",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    // Nor the Compose file `check --from` reads.
    let compose = "services:\n  web: { image: nginx, ports: [\"80:80\"] }\n";
    std::fs::write(d.join("docker-compose.yml"), compose).unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "--from",
            "compose",
            "docker-compose.yml",
            "--format",
            "json=docker-compose.yml",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("docker-compose.yml")).unwrap(),
        compose
    );
}

#[test]
fn colliding_output_paths_name_both_sources() {
    for (a, b) in [
        ("a b.md", "a-b.md"),
        ("index.md", "README.md"),
        ("models/foobar.md", ""),
    ] {
        let d = project("collide");
        for name in [a, b].into_iter().filter(|n| !n.is_empty()) {
            let p = d.join("site").join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "# page\n").unwrap();
        }
        let o = archdoc_in(&d, &["build", "--out", "out"]);
        assert_eq!(o.status.code(), Some(2), "{a} / {b}: {}", all(&o));
        let text = all(&o);
        assert!(text.contains("site::collision"), "{text}");
        let other = if b.is_empty() {
            "models/foobar.yaml"
        } else {
            b
        };
        assert!(text.contains(a) && text.contains(other), "{text}");
    }
}

#[test]
fn a_baseline_with_a_bom_loads() {
    let d = project("bom");
    let o = archdoc_in(&d, &["baseline", "create", "models", "--output", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(std::fs::read(d.join("b.json")).unwrap());
    std::fs::write(d.join("b.json"), bytes).unwrap();
    let o = archdoc_in(&d, &["check", "models", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
}

/// `bytes` as UTF-16 with a byte-order mark, as Windows PowerShell 5's `>` writes them.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn files_written_as_utf16_by_powershell_read_as_their_utf8_twins() {
    let d = project("utf16");
    let plan = "tests/fixtures/import/terraform/terraform-compliance/elb-asg.plan.json";
    let plan_text = std::fs::read_to_string(plan).unwrap();
    let model_text = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let json = |args: &[&str]| {
        let o = archdoc_in(&d, args);
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", all(&o)));
        (o.status.code(), v["findings"].as_array().map(Vec::len))
    };
    std::fs::copy(plan, d.join("plan.json")).unwrap();
    let want_plan = json(&[
        "check",
        "--from",
        "terraform",
        "plan.json",
        "--format",
        "json",
    ]);
    let want_model = json(&["check", "models/foobar.yaml", "--format", "json"]);
    assert!(want_plan.1.unwrap() > 0 && want_model.1.unwrap() > 0);
    for little in [true, false] {
        std::fs::write(d.join("plan16.json"), utf16(&plan_text, little)).unwrap();
        std::fs::write(d.join("models/foobar.yaml"), utf16(&model_text, little)).unwrap();
        let got = json(&[
            "check",
            "--from",
            "terraform",
            "plan16.json",
            "--format",
            "json",
        ]);
        assert_eq!(got, want_plan, "plan, little-endian {little}");
        let got = json(&["check", "models/foobar.yaml", "--format", "json"]);
        assert_eq!(got, want_model, "model, little-endian {little}");
    }
    // Broken UTF-16 is an error that says so, never a panic.
    for (bytes, says) in [
        (&b"\xff\xfe\x00\xd8a\x00"[..], "lone surrogate"),
        (&b"\xff\xfea"[..], "mid-character"),
    ] {
        std::fs::write(d.join("models/foobar.yaml"), bytes).unwrap();
        let o = archdoc_in(&d, &["check", "models/foobar.yaml"]);
        assert_eq!(o.status.code(), Some(2), "{}", all(&o));
        assert!(all(&o).contains(says), "{}", all(&o));
    }
}

#[test]
fn build_from_a_subdirectory_uses_the_project_and_outside_one_says_so() {
    let d = project("subdir");
    std::fs::write(d.join("archdoc.yaml"), "site:\n  out: public\n").unwrap();
    std::fs::create_dir_all(d.join("site/deep")).unwrap();
    let o = archdoc_in(&d.join("site/deep"), &["build"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(d.join("public/models/foobar.html").is_file(), "{}", all(&o));
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("safety-empty");
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(empty.join(".git")).unwrap();
    let o = archdoc_in(&empty, &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert!(all(&o).contains("no archdoc project"), "{}", all(&o));
}

#[test]
fn refs_that_look_like_options_are_refused() {
    if !common::has_git() {
        return;
    }
    let d = project("git-option");
    common::git(&d, &["init", "-q", "-b", "main"]);
    common::git(&d, &["add", "."]);
    common::git(&d, &["commit", "-q", "-m", "base"]);
    for flag in ["--new-since=--independent", "--new-since=-h"] {
        let o = archdoc_in(&d, &["check", "models", flag]);
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", all(&o));
        assert!(all(&o).contains("not a git ref"), "{}", all(&o));
    }
    let o = archdoc_in(&d, &["diff", "--base=--all"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
}

#[test]
fn diff_base_sees_removed_models_whose_names_git_quotes() {
    if !common::has_git() {
        return;
    }
    let d = project("git-quoted");
    std::fs::copy(
        d.join("models/foobar.yaml"),
        d.join("models/caf\u{e9} \"x\".yaml"),
    )
    .unwrap();
    common::git(&d, &["init", "-q", "-b", "main"]);
    common::git(&d, &["add", "."]);
    common::git(&d, &["commit", "-q", "-m", "base"]);
    std::fs::remove_file(d.join("models/caf\u{e9} \"x\".yaml")).unwrap();
    common::git(&d, &["commit", "-q", "-am", "remove"]);
    let o = archdoc_in(&d, &["diff", "--base", "HEAD~1", "--format", "json"]);
    let text = all(&o);
    assert!(text.contains("removed"), "{text}");
    assert!(text.contains("caf\u{e9}"), "{text}");
}

/// `--out newdir/..` named the project itself once `newdir` was made (the whole project,
/// `.git` included, was replaced); `site.out: x/../../victim` in a cloned `archdoc.yaml`
/// replaced a directory outside the project. Both are refused before anything is written, and
/// `--out built/.` is simply `built`.
#[test]
fn outputs_that_resolve_onto_the_project_or_outside_it_are_refused() {
    let d = project("out-dotdot");
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::write(d.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let o = archdoc_in(&d, &["build", "--out", "newdir/.."]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert!(d.join(".git/HEAD").is_file() && d.join("models/foobar.yaml").is_file());

    let victim = d.parent().unwrap().join("safety-victim");
    let _ = std::fs::remove_dir_all(&victim);
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("precious.txt"), "keep me").unwrap();
    std::fs::write(
        d.join("archdoc.yaml"),
        "site:\n  out: x/../../safety-victim\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["build"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert_eq!(
        std::fs::read_to_string(victim.join("precious.txt")).unwrap(),
        "keep me"
    );
    std::fs::remove_file(d.join("archdoc.yaml")).unwrap();

    let o = archdoc_in(&d, &["build", "--out", "built/."]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    assert!(d.join("built/index.html").is_file());
}

/// Two builds into one output at once (serve running while build runs) shared a temporary
/// directory and left an incomplete site; now each has its own and the output is locked, so
/// both end with a complete site and leave no temporary behind.
#[test]
fn concurrent_builds_into_one_output_both_end_complete() {
    let d = project("concurrent");
    for round in 0..5 {
        let bin = env!("CARGO_BIN_EXE_archdoc");
        let start = |_: usize| {
            std::process::Command::new(bin)
                .args(["build", "--out", "out"])
                .current_dir(&d)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let mut a = start(0);
        let mut b = start(1);
        assert!(
            a.wait().unwrap().success() && b.wait().unwrap().success(),
            "round {round}"
        );
        assert!(d.join("out/index.html").is_file(), "round {round}");
        assert!(d.join("out/models/foobar.html").is_file(), "round {round}");
        let strays: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("archdoc-tmp") || n.contains("archdoc-old"))
            .collect();
        assert!(strays.is_empty(), "round {round}: {strays:?}");
    }
}

/// `/dev/zero` as a model, a configuration or a baseline was read until memory ran out (the
/// size limit trusted the file's metadata); reads now stop at the limit and say so.
#[test]
fn endless_files_are_cut_at_the_size_limit() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let d = project("endless");
    for args in [
        vec!["check", "/dev/zero"],
        vec!["check", "models", "--config", "/dev/zero"],
        vec!["check", "models", "--baseline", "/dev/zero"],
    ] {
        let o = archdoc_in(&d, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", all(&o));
    }
}

/// `site.pages`, `models` and `theme` in `archdoc.yaml` pointing outside the project had their
/// files copied into the published site (`pages: /proc/self/` exhausted memory); a cloned
/// repository's configuration may not reach outside it. (A theme is a name under `themes/`;
/// `../` in it is what could leave.)
#[test]
fn configured_inputs_outside_the_project_are_refused() {
    let d = project("outside-inputs");
    for (key, value) in [
        ("pages", "/proc/self/"),
        ("models", "../"),
        ("theme", "../../../etc"),
    ] {
        std::fs::write(d.join("archdoc.yaml"), format!("site:\n  {key}: {value}\n")).unwrap();
        let o = archdoc_in(&d, &["build", "--out", "out"]);
        assert_eq!(o.status.code(), Some(2), "{key}: {}", all(&o));
        assert!(!d.join("out").exists(), "{key}: something was written");
    }
}
