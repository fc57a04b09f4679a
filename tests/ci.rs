//! archdoc in CI: configuration, suppressions, baselines (file and git), and the formats CI
//! systems read, driven through the binary as a pipeline would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{all, archdoc_in};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A scratch copy of `models/` in its own directory.
fn workspace(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("models")).unwrap();
    for e in std::fs::read_dir("models").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.join("models").join(p.file_name().unwrap())).unwrap();
    }
    d
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", all(o)))
}

/// Adds a second load balancer host in front of the seed: one more SPOF (and its host).
fn add_a_spof(dir: &Path) {
    let p = dir.join("models/foobar.yaml");
    let src = std::fs::read_to_string(&p).unwrap();
    let src = src
        .replace(
            "  server-2:\n    label: Server 2\n",
            "  server-2:\n    label: Server 2\n  cache-host: {}\n",
        )
        .replace(
            "links:\n",
            "  cache:\n    kind: cache\n    host: cache-host\nlinks:\n  - { from: app-1, to: cache }\n  - { from: app-2, to: cache }\n",
        );
    std::fs::write(p, src).unwrap();
}

fn assert_valid_sarif(doc: &serde_json::Value) {
    // The published schema has one pattern that is not a valid regex (`run.language`, an
    // unbalanced `]`); the validator refuses to compile it, so that one pattern is corrected
    // here, in memory, to what it means: a two-letter language with an optional region.
    let text = std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json")
        .unwrap()
        .replace(
            r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
            r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
        );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_validates_against_the_published_schema() {
    let o = archdoc_in(Path::new("."), &["check", "models", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let doc = json(&o);
    assert_valid_sarif(&doc);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 12);
    for r in rules {
        assert!(
            r["help"]["text"].as_str().unwrap().contains("## Example"),
            "{r}"
        );
    }
    for r in run["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("models/")
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() > 0);
        assert!(r["partialFingerprints"]["archdocFingerprint/v1"].is_string());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
}

#[test]
fn a_baseline_fails_only_on_new_findings_and_reports_resolved_ones() {
    let d = workspace("ci-baseline");
    let o = archdoc_in(&d, &["baseline", "create", "models"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let file = d.join("archdoc-baseline.json");
    let first = std::fs::read_to_string(&file).unwrap();
    // Regenerating with nothing changed gives the same bytes.
    archdoc_in(&d, &["baseline", "create", "models"]);
    assert_eq!(first, std::fs::read_to_string(&file).unwrap());
    assert!(!first.contains("202"), "no timestamps: {first}");

    let o = archdoc_in(
        &d,
        &["check", "models", "--baseline", "archdoc-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));

    add_a_spof(&d);
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models",
            "--baseline",
            "archdoc-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let v = json(&o);
    let new: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["element"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        new,
        [
            (
                "single-point-of-failure".to_owned(),
                "cache-host".to_owned()
            ),
            ("single-point-of-failure".to_owned(), "cache".to_owned()),
        ],
        "only the new SPOFs count"
    );
    assert!(v["summary"]["baselined"].as_u64().unwrap() > 5);

    // Fixing an old finding: reported as resolved, never a failure.
    let p = d.join("models/simple-web-stack.yaml");
    std::fs::remove_file(&p).unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--baseline",
            "archdoc-baseline.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let src = std::fs::read_to_string(d.join("models/foobar.yaml")).unwrap();
    let fixed = src.replace(
        "  - { from: user, to: haproxy, protocol: http, port: 80, label: HTTP }",
        "  - { from: user, to: haproxy, protocol: http, port: 443, tls: true, label: HTTPS }",
    );
    std::fs::write(
        d.join("models/foobar.yaml"),
        fixed.replace(
            "  - { from: app-1, to: cache }\n  - { from: app-2, to: cache }\n",
            "",
        ),
    )
    .unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--baseline",
            "archdoc-baseline.json",
        ],
    );
    let text = all(&o);
    assert!(
        text.contains("resolved since the baseline") && text.contains("missing-https"),
        "{text}"
    );
}

#[test]
fn a_spof_that_breaks_a_new_journey_is_new() {
    let d = workspace("ci-journeys");
    // The baseline knows mysql-primary as a SPOF for writes only...
    archdoc_in(&d, &["baseline", "create", "models/foobar.yaml"]);
    // ...then reads go to the primary only: it now breaks reads too.
    let p = d.join("models/foobar.yaml");
    let src = std::fs::read_to_string(&p).unwrap();
    let src = src
        .replace(
            "  - { from: app-1, to: mysql-replica, protocol: mysql, port: 3306, label: reads }\n",
            "",
        )
        .replace(
            "  - { from: app-2, to: mysql-replica, protocol: mysql, port: 3306, label: reads }\n",
            "",
        );
    std::fs::write(&p, src).unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--baseline",
            "archdoc-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let v = json(&o);
    let primary = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["element"] == "mysql-primary" && f["rule"] == "single-point-of-failure")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        primary["why"][0]
            .as_str()
            .unwrap()
            .contains("now also breaks `read`"),
        "{primary}"
    );
}

#[test]
fn new_since_compares_with_the_merge_base_through_git() {
    if !common::has_git() {
        return;
    }
    let d = workspace("ci-git");
    let git = |args: &[&str]| common::git(&d, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    let o = archdoc_in(&d, &["check", "models", "--new-since", "HEAD"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    add_a_spof(&d);
    git(&["commit", "-q", "-am", "add a cache"]);
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models",
            "--new-since",
            "HEAD~1",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let out = stdout(&o);
    assert!(
        out.contains("`cache-host` (host) is a single point of failure"),
        "{out}"
    );
    assert!(
        !out.contains("`haproxy`"),
        "old findings must not count: {out}"
    );
    // Back to the base: nothing new.
    git(&["revert", "--no-edit", "HEAD"]);
    let o = archdoc_in(&d, &["check", "models", "--new-since", "HEAD~2"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    // A shallow clone has no history to compare with: exit 2, saying how to fetch it.
    let shallow = d.with_file_name("ci-git-shallow");
    let _ = std::fs::remove_dir_all(&shallow);
    let o = Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", d.display()))
        .arg(&shallow)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", all(&o));
    let o = archdoc_in(&shallow, &["check", "models", "--new-since", "HEAD~1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        all(&o).contains("shallow") && all(&o).contains("fetch-depth: 0"),
        "{}",
        all(&o)
    );
    // A ref that does not exist: exit 2 with a clear error.
    let o = archdoc_in(&d, &["check", "models", "--new-since", "no-such-branch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(all(&o).contains("merge-base"), "{}", all(&o));
}

#[test]
fn configuration_turns_rules_off_changes_severities_and_overrides_by_glob() {
    let d = workspace("ci-config");
    std::fs::write(
        d.join("archdoc.yaml"),
        "rules:\n  missing-https: warning\n  missing-monitoring: off\noverrides:\n  - files: [\"models/foo*.yaml\"]\n    elements: [\"lb-*\"]\n    rules:\n      missing-firewall: off\n      single-point-of-failure: info\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml", "--format", "json"]);
    let v = json(&o);
    let got: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["element"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        got.contains(&"warning missing-https user".to_owned()),
        "{got:?}"
    );
    assert!(
        got.contains(&"info single-point-of-failure lb-01".to_owned()),
        "{got:?}"
    );
    assert!(
        got.contains(&"error single-point-of-failure haproxy".to_owned()),
        "{got:?}"
    );
    assert!(
        !got.iter()
            .any(|g| g.contains("missing-monitoring") || g.contains("missing-firewall lb-")),
        "{got:?}"
    );
    // The override names only `lb-*`: the servers' own finding keeps the severity its rule gave.
    assert!(
        got.contains(&"info missing-firewall server-1".to_owned()),
        "{got:?}"
    );
    // The SARIF lists only the rules that run.
    let o = archdoc_in(&d, &["check", "models/foobar.yaml", "--format", "sarif"]);
    assert!(!stdout(&o).contains("\"id\": \"missing-monitoring\""));

    // Unknown rules and keys are errors with "did you mean".
    std::fs::write(
        d.join("archdoc.yaml"),
        "rules:\n  single-point-of-falure: off\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        all(&o).contains("did you mean `single-point-of-failure`"),
        "{}",
        all(&o)
    );
    std::fs::write(d.join("archdoc.yaml"), "rulez:\n  missing-https: off\n").unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(all(&o).contains("did you mean `rules`"), "{}", all(&o));
    std::fs::write(
        d.join("archdoc.yaml"),
        "rules:\n  missing-https: sometimes\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    // --config names another file; a missing one is an error.
    std::fs::write(
        d.join("strict.yaml"),
        "rules:\n  missing-monitoring: error\n",
    )
    .unwrap();
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--config",
            "strict.yaml",
            "--format",
            "concise",
        ],
    );
    assert!(
        stdout(&o).contains("error missing-monitoring"),
        "{}",
        all(&o)
    );
    let o = archdoc_in(
        &d,
        &["check", "models/foobar.yaml", "--config", "nope.yaml"],
    );
    assert_eq!(o.status.code(), Some(2));
}

/// Thousands of wildcard overrides are compiled once (in sets: one automaton for them all
/// outgrows the regex engine), and the last override that applies still wins.
#[test]
fn thousands_of_glob_overrides_apply_and_the_last_one_wins() {
    let d = workspace("ci-many-overrides");
    let mut config = String::from("overrides:\n");
    for i in 0..3000 {
        config.push_str(&format!(
            "  - files: [\"**/*legacy-{i}-*.yaml\"]\n    elements: [\"*w*e*b*-{i}-*\", \"*-{i}\"]\n    rules: {{ missing-firewall: off }}\n"
        ));
    }
    config.push_str("  - files: [\"models/*.yaml\"]\n    elements: [\"server-?\"]\n    rules: { missing-firewall: error }\n");
    config.push_str("  - elements: [\"*-2\"]\n    rules: { missing-firewall: off }\n");
    std::fs::write(d.join("archdoc.yaml"), config).unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml", "--format", "json"]);
    let v = json(&o);
    assert!(v["errors"].as_array().is_none_or(Vec::is_empty), "{v}");
    let firewall: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "missing-firewall")
        .map(|f| {
            format!(
                "{} {}",
                f["severity"].as_str().unwrap(),
                f["element"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        firewall.contains(&"error server-1".to_owned()),
        "{firewall:?}"
    );
    assert!(
        !firewall.iter().any(|f| f.ends_with("server-2")),
        "{firewall:?}"
    );
}

#[test]
fn suppressions_need_a_reason_expire_and_are_counted() {
    let d = workspace("ci-ignore");
    let p = d.join("models/foobar.yaml");
    let src = std::fs::read_to_string(&p).unwrap();
    let src = src
        .replace(
            "  lb-01:\n    label: Load Balancer\n",
            "  lb-01:\n    label: Load Balancer\n    ignore:\n      - { rule: missing-firewall, reason: \"the provider's security group filters\" }\n      - { rule: single-point-of-failure }\n",
        )
        .replace(
            "    role: primary\n    failover: none\n",
            "    role: primary\n    failover: none\n    ignore:\n      - { rule: single-point-of-failure, reason: \"until the new DB cluster\", until: 2026-01-31 }\n      - { rule: single-point-of-falure, reason: typo }\n      - { rule: missing-health-checks, reason: \"nothing to check\" }\n",
        );
    std::fs::write(&p, src).unwrap();
    let o = archdoc_in(&d, &["check", "models/foobar.yaml", "--format", "json"]);
    let v = json(&o);
    let rules = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["element"].as_str().unwrap()
                )
            })
            .collect()
    };
    let active = rules("findings");
    assert_eq!(rules("suppressed"), ["missing-firewall lb-01"]);
    assert_eq!(
        v["suppressed"][0]["reason"],
        "the provider's security group filters"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    // No reason: it does not apply, and says so.
    assert!(
        active.contains(&"single-point-of-failure lb-01".to_owned()),
        "{active:?}"
    );
    assert!(
        active.contains(&"invalid-suppression lb-01".to_owned()),
        "{active:?}"
    );
    // Expired: the finding is back, and the expiry is reported.
    assert!(
        active.contains(&"single-point-of-failure mysql-primary".to_owned()),
        "{active:?}"
    );
    assert!(
        active.contains(&"expired-suppression mysql-primary".to_owned()),
        "{active:?}"
    );
    // Unknown rule (with a suggestion) and an entry that accepts nothing.
    assert!(
        active.contains(&"invalid-suppression mysql-primary".to_owned()),
        "{active:?}"
    );
    assert!(stdout(&o).contains("did you mean `single-point-of-failure`"));
    assert!(
        active.contains(&"unused-suppression mysql-primary".to_owned()),
        "{active:?}"
    );
    // SARIF carries the suppression with its justification, and baselined results.
    archdoc_in(&d, &["baseline", "create", "models/simple-web-stack.yaml"]);
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models",
            "--format",
            "sarif",
            "--baseline",
            "archdoc-baseline.json",
        ],
    );
    let sarif = json(&o);
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["justification"]
                == "the provider's security group filters")
    );
    assert!(results.iter().any(|r| r["baselineState"] == "unchanged"));
    // --no-ignores: everything, and nothing about the entries.
    let o = archdoc_in(
        &d,
        &[
            "check",
            "models/foobar.yaml",
            "--format",
            "json",
            "--no-ignores",
        ],
    );
    let v = json(&o);
    assert_eq!(v["summary"]["suppressed"], 0);
    let text = stdout(&o);
    assert!(!text.contains("-suppression\""), "{text}");
    assert!(text.contains("\"missing-firewall\""));
    // The human summary counts the suppressed finding.
    let o = archdoc_in(&d, &["check", "models/foobar.yaml"]);
    assert!(all(&o).contains("(1 suppressed)"), "{}", all(&o));
}

#[test]
fn several_formats_at_once_each_to_its_own_file() {
    let d = workspace("ci-formats");
    let summary = d.join("step-summary.md");
    let o = Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args([
            "check",
            "models",
            "--format",
            "github",
            "--format",
            "sarif=out.sarif",
            "--format",
            "gitlab=gl.json",
            "--format",
            "junit=junit.xml",
            "--format",
            "markdown=comment.md",
        ])
        .current_dir(&d)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let gh = stdout(&o);
    assert!(
        gh.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{gh}"
    );
    assert!(
        gh.contains(
            "::error file=models/foobar.yaml,line=14,col=3,title=archdoc single-point-of-failure::"
        ),
        "{gh}"
    );
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("| severity | rule | where | finding |")
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let gl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("gl.json")).unwrap()).unwrap();
    let fps: Vec<&str> = gl
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    let mut unique = fps.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), fps.len(), "GitLab fingerprints are unique");
    for i in gl.as_array().unwrap() {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{i}");
        }
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() > 0);
    }
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert!(junit.starts_with("<?xml") && junit.contains("<testsuite name=\"models/foobar.yaml\""));
    assert!(junit.contains("<failure type=\"error\""));
    let md = std::fs::read_to_string(d.join("comment.md")).unwrap();
    assert!(md.starts_with("### archdoc: "), "{md}");
    assert!(md.contains("single points of failure"), "{md}");
    // An unknown format is a usage error.
    let o = archdoc_in(&d, &["check", "models", "--format", "sariff"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(all(&o).contains("did you mean `sarif`"));
}
