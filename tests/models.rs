//! Every example model under `models/` loads, and its findings are exactly the ones a reviewer
//! would write down.

mod common;

use archdoc::model::{Limits, load_file};
use archdoc::report::ModelReport;

fn check(path: &str) -> ModelReport {
    let m = load_file(std::path::Path::new(path), path, &Limits::default())
        .unwrap_or_else(|e| panic!("{path}: {:?}", e.iter().map(ToString::to_string).collect::<Vec<_>>()));
    ModelReport::check(&m)
}

#[test]
fn foobar_is_judged_like_the_seed_review() {
    let r = check("models/foobar.yaml");
    assert_eq!(
        common::summarize(&r),
        [
            "warning missing-monitoring ",
            "warning missing-firewall lb-01",
            "error single-point-of-failure lb-01 [all,read,write]",
            "error single-point-of-failure server-1 [write]",
            "error single-point-of-failure haproxy [all,read,write]",
            "error single-point-of-failure mysql-primary [write]",
            "error missing-https haproxy",
        ]
    );
    let spof = r.findings.iter().find(|f| f.element == "server-1").unwrap();
    assert!(spof.why.iter().any(|s| s.contains("mysql-primary` runs on `server-1`")), "{:?}", spof.why);
    assert!(spof.line == 16 && spof.column == 3);
}

#[test]
fn simple_web_stack_has_one_of_everything() {
    assert_eq!(
        common::summarize(&check("models/simple-web-stack.yaml")),
        [
            "warning missing-monitoring ",
            "warning missing-firewall server",
            "error single-point-of-failure server [all,read,write]",
            "error single-point-of-failure nginx [all,read,write]",
            "error single-point-of-failure app [all,read,write]",
            "error single-point-of-failure files [all,read,write]",
            "error single-point-of-failure mysql [read,write]",
            "error missing-https nginx",
        ]
    );
}

#[test]
fn secured_and_monitored_keeps_the_spofs_and_plain_hops_behind_tls() {
    assert_eq!(
        common::summarize(&check("models/secured-and-monitored.yaml")),
        [
            "error single-point-of-failure lb-01 [all,read,write]",
            "error single-point-of-failure server-1 [write]",
            "error single-point-of-failure haproxy [all,read,write]",
            "warning missing-https haproxy",
            "warning missing-https haproxy",
            "error single-point-of-failure mysql-primary [write]",
            "warning missing-https app-1",
            "warning missing-https app-2",
        ]
    );
}

#[test]
fn scale_up_is_clean() {
    let r = check("models/scale-up.yaml");
    assert_eq!(common::summarize(&r), Vec::<String>::new());
    assert!(r.journeys.iter().all(|j| j.single_points_of_failure.is_empty() && !j.broken));
}

#[test]
fn every_model_loads_and_checks_deterministically() {
    let mut n = 0;
    for entry in std::fs::read_dir("models").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let name = p.to_string_lossy().into_owned();
        let a = archdoc::report::json(&[check(&name)], &[]);
        let b = archdoc::report::json(&[check(&name)], &[]);
        assert_eq!(a, b, "{name}: output differs between runs");
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn fingerprints_survive_moving_lines() {
    let src = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let moved = format!("# a comment\n# another\n{src}");
    let fp = |s: &str| {
        let m = archdoc::model::load_str(s, "models/foobar.yaml", &Limits::default()).unwrap();
        ModelReport::check(&m).findings.iter().map(|f| f.fingerprint.clone()).collect::<Vec<_>>()
    };
    assert_eq!(fp(&src), fp(&moved));
    let mut unique = fp(&src);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fp(&src).len(), "fingerprints must be unique");
}
