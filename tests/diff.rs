//! `archdoc diff`: pairs of models covering each kind of change, snapshots of the Markdown
//! and JSON a reviewer sees, and `--base` in a temporary git repository.

use std::path::{Path, PathBuf};

mod common;

use common::{all, archdoc_in};

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("models")).unwrap();
    d
}

fn seed() -> String {
    std::fs::read_to_string("models/foobar.yaml").unwrap()
}

/// The seed with its replica removed (and the links to it).
fn without_replica(src: &str) -> String {
    let start = src.find("  mysql-replica:\n").unwrap();
    let end = src[start..].find("\nlinks:").unwrap() + start;
    let mut s = format!("{}{}", &src[..start], &src[end + 1..]);
    s = s
        .lines()
        .filter(|l| !l.contains("to: mysql-replica"))
        .map(|l| format!("{l}\n"))
        .collect();
    s
}

/// The seed with a second load balancer behind a virtual IP.
fn with_second_balancer(src: &str) -> String {
    src.replace(
        "  lb-01:\n    label: Load Balancer\n",
        "  lb-01:\n    label: Load Balancer\n  lb-02:\n    label: Load Balancer 2\n",
    )
    .replace(
        "  haproxy:\n",
        "  vip:\n    kind: virtual_ip\n    members: [haproxy, haproxy-2]\n    failover: automatic\n  haproxy-2:\n    kind: load_balancer\n    software: HAProxy\n    host: lb-02\n    algorithm: round_robin\n    pool: [nginx-1, nginx-2]\n    backend: { protocol: http, port: 80 }\n  haproxy:\n",
    )
    .replace("target: haproxy", "target: vip")
    .replace("{ from: user, to: haproxy,", "{ from: user, to: vip,")
}

fn diff(old: &str, new: &str, format: &str) -> (i32, String) {
    let d = scratch(&format!("diff-{}", old.len() ^ new.len().rotate_left(7)));
    std::fs::write(d.join("models/old.yaml"), old).unwrap();
    std::fs::write(d.join("models/new.yaml"), new).unwrap();
    let o = archdoc_in(
        &d,
        &[
            "diff",
            "models/old.yaml",
            "models/new.yaml",
            "--format",
            format,
        ],
    );
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn removing_the_replica_adds_single_points_of_failure() {
    let (code, md) = diff(&seed(), &without_replica(&seed()), "markdown");
    assert_eq!(code, 1, "{md}");
    let first = md.lines().next().unwrap();
    assert!(
        first.contains("adds") && first.contains("single point"),
        "{first}"
    );
    assert!(md.contains("component `mysql-replica` removed"), "{md}");
    // The headline leads with the cause and its effect; the diagrams mark what changed.
    assert!(
        first.contains("Removing component `mysql-replica` makes `server-1` and `mysql-primary` single points of failure"),
        "{first}"
    );
    assert!(md.contains("class c_mysql_replica removed"), "{md}");
    // With an SLO, the headline says when a journey falls below it.
    let with_slo = |m: &str| m.replacen("\nhosts:", "\nslo: 99.9\nhosts:", 1);
    let (_, md_slo) = diff(
        &with_slo(&seed()),
        &with_slo(&without_replica(&seed())),
        "markdown",
    );
    let first_slo = md_slo.lines().next().unwrap();
    assert!(first_slo.contains("below the 99.9% SLO"), "{first_slo}");
    // One removal, one row for the single points of failure it makes.
    assert!(md.contains("| `server-1`, `mysql-primary` |"), "{md}");
    // Reads now depend on the primary alone: a SPOF that now breaks `read` too.
    assert!(md.contains("now also breaks read"), "{md}");
    assert!(
        md.contains("journey `read`: now fails when any one of `mysql-primary`, `server-1` fails"),
        "{md}"
    );
    insta::assert_snapshot!("replica_removed.md", md);
    let (_, json) = diff(&seed(), &without_replica(&seed()), "json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"]["new_single_points_of_failure"], 2);
    insta::assert_json_snapshot!("replica_removed.json", v);
}

#[test]
fn a_second_load_balancer_resolves_its_single_point_of_failure() {
    let (code, md) = diff(&seed(), &with_second_balancer(&seed()), "markdown");
    assert_eq!(code, 0, "{md}");
    let first = md.lines().next().unwrap();
    assert!(
        first.contains("removes 2 single points of failure (`lb-01`, `haproxy`)"),
        "{first}"
    );
    assert!(
        md.contains("component `haproxy-2` added") && md.contains("host `lb-02` added"),
        "{md}"
    );
    assert!(md.contains("```mermaid"), "{md}");
    assert!(
        md.contains("- journey `all`: availability 99.40% →"),
        "{md}"
    );
    insta::assert_snapshot!("second_balancer.md", md);
}

#[test]
fn moving_a_component_onto_its_replicas_host_and_dropping_tls() {
    let secured = std::fs::read_to_string("models/scale-up.yaml").unwrap();
    // The replica moves onto the primary's host: the host becomes a single point of failure
    // for writes and reads; the redundancy section names the journeys.
    let moved = secured.replace(
        "  mysql-replica:\n    kind: database\n    software: MySQL\n    host: db-2\n",
        "  mysql-replica:\n    kind: database\n    software: MySQL\n    host: db-1\n",
    );
    let (code, md) = diff(&secured, &moved, "markdown");
    assert_eq!(code, 1, "{md}");
    assert!(
        md.contains("component `mysql-replica`: host db-2 → db-1"),
        "{md}"
    );
    assert!(md.contains("`db-1`"), "{md}");
    assert!(md.contains("replicas-share-failure-domain"), "{md}");
    // TLS off on the user's link: the entry point is plain text now.
    let plain = secured.replace(
        "  - { from: user, to: vip, protocol: http, port: 443, tls: true, label: HTTPS }",
        "  - { from: user, to: vip, protocol: http, port: 80, label: HTTP }",
    );
    let (code, text) = diff(&secured, &plain, "human");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("link `user → vip`: label HTTPS → HTTP; port 443 → 80; tls true → (none)"),
        "{text}"
    );
    assert!(
        text.contains("+ models/new.yaml") && text.contains("missing-https"),
        "{text}"
    );
}

#[test]
fn a_renamed_component_is_a_rename_not_a_new_risk() {
    let renamed = seed().replace("haproxy", "front-lb");
    let (code, text) = diff(&seed(), &renamed, "human");
    assert!(
        text.contains("component `haproxy` renamed to `front-lb`"),
        "{text}"
    );
    assert!(
        text.contains("no change to the single points of failure"),
        "{text}"
    );
    assert_eq!(code, 0, "{text}");
}

#[test]
fn directories_match_models_by_path_and_report_added_and_removed_ones() {
    let d = scratch("diff-dirs");
    std::fs::create_dir_all(d.join("old")).unwrap();
    std::fs::create_dir_all(d.join("new")).unwrap();
    std::fs::write(d.join("old/shop.yaml"), seed()).unwrap();
    std::fs::write(d.join("old/gone.yaml"), seed()).unwrap();
    std::fs::write(d.join("new/shop.yaml"), with_second_balancer(&seed())).unwrap();
    std::fs::write(
        d.join("new/fresh.yaml"),
        std::fs::read_to_string("models/scale-up.yaml").unwrap(),
    )
    .unwrap();
    // The same model under a new file name: renamed, not removed and added.
    let web = std::fs::read_to_string("models/simple-web-stack.yaml").unwrap();
    std::fs::write(d.join("old/web.yaml"), &web).unwrap();
    std::fs::write(d.join("new/web-stack.yaml"), &web).unwrap();
    let o = archdoc_in(&d, &["diff", "old", "new", "--format", "json"]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", all(&o)));
    let statuses: Vec<(String, String)> = v["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let f = m["new_file"]
                .as_str()
                .or(m["old_file"].as_str())
                .unwrap()
                .to_owned();
            (f, m["status"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("new/fresh.yaml".to_owned(), "added".to_owned()),
            ("new/shop.yaml".to_owned(), "compared".to_owned()),
            ("new/web-stack.yaml".to_owned(), "renamed".to_owned()),
            ("old/gone.yaml".to_owned(), "removed".to_owned()),
        ]
    );
    // Mixing a file and a directory, or a model that does not load: exit 2.
    let o = archdoc_in(&d, &["diff", "old", "new/shop.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    std::fs::write(
        d.join("bad.yaml"),
        "name: x\ncomponents:\n  a: { kind: nope }\n",
    )
    .unwrap();
    let o = archdoc_in(&d, &["diff", "old/shop.yaml", "bad.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
    assert!(all(&o).contains("help:"));
}

#[test]
fn diff_base_reads_the_merge_base_through_git() {
    if !common::has_git() {
        return;
    }
    let d = scratch("diff-git");
    let git = |args: &[&str]| common::git(&d, args);
    std::fs::write(d.join("models/foobar.yaml"), seed()).unwrap();
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "seed"]);
    // A commit that removes the replica: a new SPOF, exit 1, said in the first line.
    std::fs::write(d.join("models/foobar.yaml"), without_replica(&seed())).unwrap();
    git(&["commit", "-q", "-am", "drop the replica"]);
    let o = archdoc_in(&d, &["diff", "--base", "HEAD~1", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(1), "{}", all(&o));
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        md.lines()
            .next()
            .unwrap()
            .contains("adds 2 single points of failure"),
        "{md}"
    );
    // A commit that adds a second load balancer instead: exit 0.
    git(&["revert", "--no-edit", "HEAD"]);
    std::fs::write(d.join("models/foobar.yaml"), with_second_balancer(&seed())).unwrap();
    git(&["commit", "-q", "-am", "second balancer"]);
    let o = archdoc_in(&d, &["diff", "--base", "HEAD~1", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", all(&o));
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        md.lines()
            .next()
            .unwrap()
            .contains("removes 2 single points of failure"),
        "{md}"
    );
    // A model added since the base, and one removed.
    std::fs::write(d.join("models/extra.yaml"), seed()).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "extra"]);
    git(&["rm", "-q", "models/extra.yaml"]);
    git(&["commit", "-q", "-m", "no extra"]);
    let o = archdoc_in(&d, &["diff", "--base", "HEAD~1", "--format", "json"]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", all(&o)));
    assert!(
        v["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["status"] == "removed"),
        "{v:#}"
    );
    // No such ref: exit 2.
    let o = archdoc_in(&d, &["diff", "--base", "nope"]);
    assert_eq!(o.status.code(), Some(2), "{}", all(&o));
}

#[test]
fn the_comment_stays_under_the_size_limit_for_huge_changes() {
    #[path = "../bench/generate.rs"]
    #[allow(dead_code, unreachable_pub)]
    mod generate;
    let (_, md) = diff(&seed(), &generate::model(3000, 1), "markdown");
    assert!(md.len() < 65_000, "{} bytes", md.len());
    assert!(md.starts_with("### "), "{}", &md[..200]);
}
