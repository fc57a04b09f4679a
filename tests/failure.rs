//! The failure analysis on hand-checked cases, and against a brute-force oracle that fails each
//! unit in turn and re-evaluates every journey.
#![allow(clippy::needless_range_loop)] // the generator indexes several parallel vectors

mod common;

use archdoc::analysis::{Analysis, GateKind};
use archdoc::graph::ArchGraph;
use common::{Rng, findings, journey_up, model, random_model, spofs};

const SEED_HOSTS: &str = "
hosts:
  lb-host: {}
  srv1: {}
  srv2: {}
";

#[test]
fn seed_design_spofs() {
    let src = format!(
        "name: t1\n{SEED_HOSTS}
components:
  user: {{ kind: client }}
  dns: {{ kind: dns, records: [{{ name: www.example.com, target: lb }}] }}
  lb: {{ kind: load_balancer, host: lb-host, pool: [web1, web2] }}
  web1: {{ kind: web_server, host: srv1 }}
  web2: {{ kind: web_server, host: srv2 }}
  primary: {{ kind: database, host: srv1 }}
  replica: {{ kind: database, host: srv2, replica_of: primary }}
links:
  - {{ from: user, to: lb }}
  - {{ from: web1, to: primary }}
  - {{ from: web1, to: replica }}
  - {{ from: web2, to: primary }}
  - {{ from: web2, to: replica }}
"
    );
    assert_eq!(
        spofs(&src),
        [
            "all: lb-host, lb",
            "read: lb-host, lb",
            "write: lb-host, srv1, lb, primary"
        ]
    );
}

#[test]
fn automatic_failover_removes_the_write_spof_but_manual_does_not() {
    let base = |failover: &str| {
        format!(
            "name: t3\n{SEED_HOSTS}
components:
  user: {{ kind: client }}
  lb: {{ kind: load_balancer, host: lb-host, pool: [app1, app2] }}
  app1: {{ kind: app_server, host: srv1 }}
  app2: {{ kind: app_server, host: srv2 }}
  primary: {{ kind: database, host: srv1, failover: {failover} }}
  replica: {{ kind: database, host: srv2, replica_of: primary }}
links:
  - {{ from: user, to: lb }}
  - {{ from: app1, to: primary }}
  - {{ from: app2, to: primary }}
"
        )
    };
    assert_eq!(spofs(&base("automatic"))[2], "write: lb-host, lb");
    assert_eq!(
        spofs(&base("manual"))[2],
        "write: lb-host, srv1, lb, primary"
    );
    assert_eq!(spofs(&base("none"))[2], "write: lb-host, srv1, lb, primary");
}

#[test]
fn two_replicas_on_one_host_are_not_redundant_against_it() {
    // T6: the host is the single point of failure, neither app is.
    let src = "name: t6
hosts: { lb-host: {}, h: {} }
components:
  user: { kind: client }
  lb: { kind: load_balancer, host: lb-host, pool: [app1, app2] }
  app1: { kind: app_server, host: h }
  app2: { kind: app_server, host: h }
links: [{ from: user, to: lb }]
";
    assert_eq!(spofs(src), ["all: lb-host, h, lb"]);
    let f = findings(src);
    assert!(
        f.contains(&"error single-point-of-failure h [all]".to_owned()),
        "{f:?}"
    );
}

#[test]
fn all_of_dependencies_count_and_monitoring_is_not_on_the_path() {
    // T8: articulation points would flag monitoring and miss db and cache.
    let src = "name: t8
hosts: { h1: {}, h2: {}, h3: {}, h4: {}, h5: {}, h6: {} }
components:
  user: { kind: client }
  lb: { kind: load_balancer, host: h1, pool: [app] }
  app: { kind: app_server, host: h2 }
  db: { kind: database, host: h3 }
  cache: { kind: cache, host: h4 }
  monitoring: { kind: monitoring, host: h5, monitors: [lb, app, db, cache, metrics-db] }
  metrics-db: { kind: other, host: h6 }
links:
  - { from: user, to: lb }
  - { from: app, to: db }
  - { from: app, to: cache }
  - { from: monitoring, to: metrics-db }
  - { from: app, to: monitoring, protocol: statsd }
";
    assert_eq!(
        spofs(src),
        [
            "all: h1, h2, h4, lb, app, cache",
            "read: h1, h2, h3, h4, lb, app, db, cache",
            "write: h1, h2, h3, h4, lb, app, db, cache",
        ],
        "monitoring (h5) and what only monitoring uses (h6) are never single points of failure"
    );
}

#[test]
fn and_cycles_do_not_hang_and_are_reported() {
    // T7a: app and consul need each other.
    let src = "name: t7
hosts: { h1: {}, h2: {} }
components:
  user: { kind: client }
  app: { kind: app_server, host: h1 }
  consul: { kind: other, host: h2 }
links:
  - { from: user, to: app }
  - { from: app, to: consul }
  - { from: consul, to: app }
";
    assert_eq!(spofs(src), ["all: h1, h2, app, consul"]);
    assert!(findings(src).contains(&"warning dependency-cycle app".to_owned()));
}

#[test]
fn virtual_ip_with_manual_failover_is_not_redundant() {
    let model = |failover: &str| {
        format!(
            "name: vip
hosts: {{ a: {{}}, b: {{}}, w1: {{}}, w2: {{}} }}
components:
  user: {{ kind: client }}
  vip: {{ kind: virtual_ip, members: [lb1, lb2], failover: {failover} }}
  lb1: {{ kind: load_balancer, host: a, pool: [web1, web2] }}
  lb2: {{ kind: load_balancer, host: b, pool: [web1, web2] }}
  web1: {{ kind: web_server, host: w1 }}
  web2: {{ kind: web_server, host: w2 }}
links: [{{ from: user, to: vip }}]
"
        )
    };
    assert_eq!(spofs(&model("automatic")), ["all: "]);
    assert_eq!(spofs(&model("manual")), ["all: a, lb1"]);
}

#[test]
fn active_passive_without_health_checks_never_promotes_the_standby() {
    let model = |hc: &str| {
        format!(
            "name: ap
hosts: {{ a: {{}}, w1: {{}}, w2: {{}} }}
components:
  user: {{ kind: client }}
  lb: {{ kind: load_balancer, host: a, mode: active_passive, health_checks: {hc}, pool: [web1, web2] }}
  web1: {{ kind: web_server, host: w1 }}
  web2: {{ kind: web_server, host: w2 }}
links: [{{ from: user, to: lb }}]
"
        )
    };
    assert_eq!(spofs(&model("true")), ["all: a, lb"]);
    assert_eq!(spofs(&model("false")), ["all: a, w1, lb, web1"]);
}

#[test]
fn failure_domains_and_dns() {
    // Both web servers in one rack: the rack is a SPOF. A self-hosted DNS server is a unit;
    // the client is not.
    let src = "name: dom
domains:
  zone-a: { kind: zone }
  rack-1: { kind: rack, parent: zone-a }
hosts:
  ns: {}
  lbh: { domain: zone-a }
  w1: { domain: rack-1 }
  w2: { domain: rack-1 }
components:
  user: { kind: client }
  dns: { kind: dns, host: ns, records: [{ name: example.com, target: lb }] }
  lb: { kind: load_balancer, host: lbh, pool: [web1, web2] }
  web1: { kind: web_server, host: w1 }
  web2: { kind: web_server, host: w2 }
links: [{ from: user, to: lb }]
";
    assert_eq!(spofs(src), ["all: zone-a, rack-1, ns, lbh, dns, lb"]);
}

#[test]
fn optional_links_and_journey_scoped_links() {
    let src = "name: opt
hosts: { h1: {}, h2: {}, h3: {} }
components:
  user: { kind: client }
  app: { kind: app_server, host: h1 }
  cache: { kind: cache, host: h2 }
  admin-api: { kind: other, host: h3 }
links:
  - { from: user, to: app }
  - { from: app, to: cache, optional: true }
  - { from: app, to: admin-api, journeys: [admin] }
journeys:
  browse: { data: none }
  admin: { data: none }
";
    assert_eq!(
        spofs(src),
        ["browse: h1, app", "admin: h1, h3, app, admin-api"]
    );
}

#[test]
fn an_app_wired_only_to_the_replica_cannot_write() {
    // Server 2's app reaches only the replica: writes can only go through server 1, so
    // server 1's components become single points of failure for writes.
    let src = format!(
        "name: half\n{SEED_HOSTS}
components:
  user: {{ kind: client }}
  lb: {{ kind: load_balancer, host: lb-host, pool: [app1, app2] }}
  app1: {{ kind: app_server, host: srv1 }}
  app2: {{ kind: app_server, host: srv2 }}
  primary: {{ kind: database, host: srv1 }}
  replica: {{ kind: database, host: srv2, replica_of: primary }}
links:
  - {{ from: user, to: lb }}
  - {{ from: app1, to: primary }}
  - {{ from: app2, to: replica }}
"
    );
    assert_eq!(spofs(&src)[2], "write: lb-host, srv1, lb, app1, primary");
    assert_eq!(spofs(&src)[1], "read: lb-host, lb");
}

// ---- the brute-force oracle -------------------------------------------------------------

#[test]
fn kill_sets_match_brute_force_single_failures() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut cyclic = 0;
    for case in 0..400 {
        let src = random_model(&mut rng);
        let model = match archdoc::model::load_str(&src, "random.yaml", &Default::default()) {
            Ok(m) => m,
            Err(e) => panic!(
                "case {case} did not load: {:?}\n{src}",
                e.iter().map(ToString::to_string).collect::<Vec<_>>()
            ),
        };
        let g = ArchGraph::new(&model);
        let analysis = Analysis::new(&g);
        for (j, jf) in analysis.journeys.iter().enumerate() {
            let jg = &jf.graph;
            if !jf.cycles.is_empty() {
                cyclic += 1;
            }
            let healthy = journey_up(jg, &[]);
            assert_eq!(
                !healthy, jf.broken,
                "case {case} journey {j}: broken mismatch\n{src}"
            );
            if !healthy {
                continue;
            }
            // A unit whose loss alone breaks the journey; an instance of a replica group
            // stands for its component (k-of-n: min_healthy of replicas).
            let mut expected = Vec::new();
            for (i, gate) in jg.gates.iter().enumerate() {
                let node = match gate.kind {
                    GateKind::Graph(n) => Some(n.index()),
                    GateKind::Instance(c, _) => Some(g.component(c).index()),
                    _ => None,
                };
                if gate.unit
                    && let Some(n) = node
                    && !journey_up(jg, &[i as u32])
                    && !expected.contains(&n)
                {
                    expected.push(n);
                }
            }
            expected.sort_unstable();
            let mut got: Vec<usize> = jf.spofs.iter().map(|n| n.index()).collect();
            got.sort_unstable();
            assert_eq!(got, expected, "case {case} journey {j}\n{src}");
        }
    }
    assert!(
        cyclic > 20,
        "the generator should produce cycles ({cyclic})"
    );
}

/// The done-when of "designs that fail with nothing broken": server 2's app wired only to the
/// replica strands half of the writes; the seed itself reports none of these rules.
#[test]
fn a_pool_member_that_cannot_write_strands_half_of_the_writes() {
    let seed = std::fs::read_to_string("models/foobar.yaml").unwrap();
    for rule in [
        "journey-broken",
        "pool-member-cannot-serve",
        "tls-not-on-path",
        "firewall-blocks-path",
    ] {
        assert!(
            !findings(&seed).iter().any(|f| f.contains(rule)),
            "the seed reports {rule}"
        );
    }
    let half = seed.replace(
        "  - { from: app-2, to: mysql-primary, protocol: mysql, port: 3306, label: reads and writes }\n",
        "",
    );
    let m = common::model(&half);
    let r = archdoc::report::ModelReport::check(&m);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "pool-member-cannot-serve")
        .unwrap_or_else(|| panic!("{:?}", common::summarize(&r)));
    assert_eq!(f.element, "nginx-2");
    assert_eq!(f.journeys, ["write"]);
    assert!(
        f.message.contains("about 50% of `write` requests"),
        "{}",
        f.message
    );
    assert!(
        f.why
            .iter()
            .any(|w| w.contains("`app-2`: writes need the primary")),
        "{:?}",
        f.why
    );
    // Nothing at all reaches the primary: the write journey is broken outright.
    let none = half.replace(
        "  - { from: app-1, to: mysql-primary, protocol: mysql, port: 3306, label: reads and writes }\n",
        "",
    );
    let f = findings(&none);
    assert!(
        f.iter().any(|x| x.starts_with("error journey-broken")),
        "{f:?}"
    );
}

/// A journey's gates are what it needs, not the whole model: a model of 2,000 journeys over
/// 10,000 components took 1.6 GB when every journey held a gate per graph node; now each
/// journey holds a handful and the model is analysed in a few tens of MB.
#[test]
fn a_journey_holds_gates_for_what_it_needs_only() {
    use std::fmt::Write as _;
    let mut src = String::from("name: wide\ncomponents:\n  user: {kind: client}\n");
    for k in 0..5_000 {
        let _ = writeln!(src, "  c{k}: {{kind: app_server}}");
    }
    src.push_str("links:\n  - {from: user, to: c0}\njourneys:\n");
    for k in 0..50 {
        let _ = writeln!(src, "  j{k}: {{}}");
    }
    let m = model(&src);
    let g = ArchGraph::new(&m);
    let analysis = Analysis::new(&g);
    assert_eq!(analysis.journeys.len(), 50);
    for jf in &analysis.journeys {
        assert!(
            jf.graph.gates.len() <= 4,
            "{} gates for a journey that needs user and c0",
            jf.graph.gates.len()
        );
        assert_eq!(jf.spofs, vec![g.component(1)], "c0 is the one SPOF");
    }
}

/// A model with no way in at all (no client, no DNS name, nothing that answers requests: a
/// database alone, or monitoring alone) cannot be judged: its journeys read as broken, never
/// as "no single point of failure, 100% available".
#[test]
fn a_model_with_no_way_in_is_not_judged_available() {
    for src in [
        "name: t\ncomponents:\n  db: {kind: database}\n",
        "name: t\ncomponents:\n  prometheus: {kind: monitoring}\n  grafana: {kind: monitoring, monitors: [prometheus]}\n",
    ] {
        let r = archdoc::report::ModelReport::check(&model(src));
        let all = r.journeys.iter().find(|j| j.name == "all").unwrap();
        assert!(all.broken && all.availability == 0.0, "{src}");
        let f = findings(src);
        assert!(
            f.iter().any(|l| l.starts_with("error journey-broken")),
            "{f:?}"
        );
    }
}
