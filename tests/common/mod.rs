//! Helpers shared by the integration tests.
#![allow(dead_code)]

use archdoc::model::{Limits, ModelError, load_str};
use archdoc::report::ModelReport;

/// Loads a model from text, panicking with the errors when it does not load.
pub(crate) fn model(src: &str) -> archdoc::Model {
    match load_str(src, "test.yaml", &Limits::default()) {
        Ok(m) => m,
        Err(e) => panic!(
            "model did not load: {:#?}",
            e.iter().map(ToString::to_string).collect::<Vec<_>>()
        ),
    }
}

/// The load errors of a model that must not load.
pub(crate) fn errors(src: &str) -> Vec<ModelError> {
    match load_str(src, "test.yaml", &Limits::default()) {
        Ok(_) => panic!("model loaded but should not"),
        Err(e) => e,
    }
}

/// Findings as `severity rule element [journeys]` lines, in report order.
pub(crate) fn findings(src: &str) -> Vec<String> {
    let m = model(src);
    summarize(&ModelReport::check(&m))
}

pub(crate) fn summarize(r: &ModelReport) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| {
            let j = if f.journeys.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.journeys.join(","))
            };
            format!("{} {} {}{j}", f.severity.as_str(), f.rule, f.element)
        })
        .collect()
}

/// The single points of failure of each journey: `journey: a, b`.
pub(crate) fn spofs(src: &str) -> Vec<String> {
    let m = model(src);
    ModelReport::check(&m)
        .journeys
        .iter()
        .map(|j| format!("{}: {}", j.name, j.single_points_of_failure.join(", ")))
        .collect()
}

/// A small deterministic random generator (xorshift), so the test needs no dependency.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

/// A random but valid model: racks, hosts, balancers with pools, apps with links (some
/// optional, some back edges that make cycles), databases with replicas and failover.
#[allow(clippy::needless_range_loop)]
pub(crate) fn random_model(rng: &mut Rng) -> String {
    let racks = 1 + rng.below(3);
    let hosts = 2 + rng.below(6);
    let comps = 3 + rng.below(9);
    let mut s = String::from("name: random\ndomains:\n");
    for r in 0..racks {
        s.push_str(&format!("  rack{r}: {{ kind: rack }}\n"));
    }
    s.push_str("hosts:\n");
    for h in 0..hosts {
        if rng.chance(60) {
            s.push_str(&format!("  h{h}: {{ domain: rack{} }}\n", rng.below(racks)));
        } else {
            s.push_str(&format!("  h{h}: {{}}\n"));
        }
    }
    s.push_str("components:\n  user: { kind: client }\n");
    let mut kinds = Vec::new();
    let mut dbs = Vec::new();
    for c in 0..comps {
        let kind = match rng.below(5) {
            0 => "load_balancer",
            1 => "database",
            2 => "cache",
            _ => "app_server",
        };
        kinds.push(kind);
        let host = if rng.chance(85) {
            format!(", host: h{}", rng.below(hosts))
        } else {
            String::new()
        };
        let mut extra = String::new();
        if kind == "load_balancer" && c + 1 < comps {
            let mut pool: Vec<String> = Vec::new();
            for m in (c + 1)..comps {
                if rng.chance(50) && pool.len() < 3 {
                    pool.push(format!("c{m}"));
                }
            }
            if pool.is_empty() {
                pool.push(format!("c{}", c + 1));
            }
            extra = format!(", pool: [{}]", pool.join(", "));
            if pool.len() >= 2 && rng.chance(30) {
                // A quorum: at least k of the members (k-of-n).
                extra.push_str(&format!(", quorum: {}", 2 + rng.below(pool.len() - 1)));
            } else if rng.chance(20) {
                extra.push_str(", mode: active_passive, health_checks: false");
            }
        }
        let kind = if kind == "load_balancer" && extra.is_empty() {
            "app_server"
        } else {
            kind
        };
        let mut host = host;
        if kind == "app_server" && rng.chance(20) {
            // A replica group: n instances, k needed, placed on hosts or on none.
            let n = 2 + rng.below(3);
            let k = 1 + rng.below(n);
            extra = format!(", replicas: {n}, min_healthy: {k}");
            if rng.chance(60) {
                let a = rng.below(hosts);
                let b = rng.below(hosts);
                extra.push_str(&format!(", hosts: [h{a}, h{b}]"));
            }
            host = String::new();
        }
        if kind == "database" {
            if !dbs.is_empty() && rng.chance(50) {
                let p: usize = dbs[rng.below(dbs.len())];
                extra = format!(", replica_of: c{p}");
            } else {
                dbs.push(c);
                if rng.chance(40) {
                    extra = ", failover: automatic".to_owned();
                }
            }
        }
        s.push_str(&format!("  c{c}: {{ kind: {kind}{host}{extra} }}\n"));
    }
    s.push_str("links:\n  - { from: user, to: c0 }\n");
    let mut seen = std::collections::HashSet::new();
    for c in 0..comps {
        for _ in 0..rng.below(3) {
            let t = rng.below(comps);
            let backwards = t <= c;
            if t == c || (backwards && !rng.chance(25)) || !seen.insert((c, t)) {
                continue;
            }
            if kinds[c] == "load_balancer" {
                continue; // keep balancers' requirements to their pools
            }
            let opt = if rng.chance(15) {
                ", optional: true"
            } else {
                ""
            };
            s.push_str(&format!("  - {{ from: c{c}, to: c{t}{opt} }}\n"));
        }
    }
    s.push_str(
        "journeys:\n  browse: { data: none }\n  read: { data: read }\n  write: { data: write }\n",
    );
    s
}

/// Runs the binary in `dir` with a fixed date and no colour.
pub(crate) fn archdoc_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_archdoc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("ARCHDOC_TODAY", "2026-11-25")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run archdoc")
}

/// Stdout then stderr, as text.
pub(crate) fn all(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Whether git can be run here.
pub(crate) fn has_git() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs git in `dir` with a fixed identity, panicking when it fails.
pub(crate) fn git(dir: &std::path::Path, args: &[&str]) {
    let o = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", all(&o));
}

/// Whether the journey's gate is up when exactly the units in `failed` have failed: the
/// greatest fixed point of "up iff own event up, placement up, every group has an up
/// alternative", computed by propagating failures from an all-up start.
pub(crate) fn journey_up(jg: &archdoc::analysis::JourneyGraph, failed: &[u32]) -> bool {
    let n = jg.gates.len();
    let mut up = vec![true; n];
    for &f in failed {
        up[f as usize] = false;
    }
    loop {
        let mut changed = false;
        for i in 0..n {
            if !up[i] {
                continue;
            }
            let g = &jg.gates[i];
            let placed_down = g.placed.is_some_and(|p| !up[p as usize]);
            // A group needs `need` of its alternatives up (k-of-n; 1 for any-of).
            let group_down = g
                .groups
                .iter()
                .any(|grp| grp.alts.iter().filter(|&&a| up[a as usize]).count() < grp.need.max(1));
            if placed_down || group_down {
                up[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    up[jg.root as usize]
}
