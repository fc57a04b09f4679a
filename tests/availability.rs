//! Journey availability: hand-checkable cases with their exact figures, and a property test
//! against brute-force enumeration of every failure combination on small random models
//! (availability, and the order-2 pairs).

mod common;

use archdoc::analysis::availability::unit_availability;
use archdoc::analysis::{Analysis, GateKind};
use archdoc::graph::ArchGraph;
use common::{Rng, journey_up, model, random_model};

fn availabilities(src: &str) -> Vec<(String, f64, String)> {
    let m = model(src);
    let g = ArchGraph::new(&m);
    let a = Analysis::new(&g);
    m.journeys
        .iter()
        .zip(&a.availability)
        .map(|(j, av)| (j.id.clone(), av.availability, av.method.describe()))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_series_chain_multiplies() {
    let av = availabilities(
        "name: chain\nhosts: {h1: {}, h2: {}}\ncomponents:\n  user: {kind: client}\n  a: {kind: web_server, host: h1}\n  b: {kind: app_server, host: h2}\nlinks:\n  - {from: user, to: a}\n  - {from: a, to: b}\n",
    );
    let want = 0.995f64.powi(2) * 0.999f64.powi(2);
    assert!(close(av[0].1, want), "{av:?} want {want}");
    assert!(av[0].2.starts_with("exact"), "{av:?}");
}

#[test]
fn a_parallel_pair_behind_a_balancer() {
    let av = availabilities(
        "name: pair\nhosts: {h1: {}, h2: {}}\ncomponents:\n  user: {kind: client}\n  lb: {kind: load_balancer, pool: [a, b], health_checks: true}\n  a: {kind: web_server, host: h1}\n  b: {kind: web_server, host: h2}\nlinks:\n  - {from: user, to: lb}\n",
    );
    let branch = 0.995 * 0.999;
    let want = 0.999 * (1.0 - (1.0f64 - branch).powi(2));
    assert!(close(av[0].1, want), "{av:?} want {want}");
}

#[test]
fn two_replicas_on_one_host_are_not_two_nines_better() {
    // The trap: the textbook formula says 1 - (1 - 0.995*0.999)^2 = 99.9974%; the shared host
    // fails once for both, so the truth is about 99.5%.
    let av = availabilities(
        "name: trap\nhosts: {h: {}}\ncomponents:\n  user: {kind: client}\n  lb: {kind: load_balancer, pool: [a, b], health_checks: true, availability: 100}\n  a: {kind: app_server, host: h}\n  b: {kind: app_server, host: h}\nlinks:\n  - {from: user, to: lb}\n",
    );
    let want = 0.995 * (1.0 - 0.001f64 * 0.001);
    assert!(close(av[0].1, want), "{av:?} want {want}");
    let naive = 1.0 - (1.0 - 0.995f64 * 0.999).powi(2);
    assert!(
        naive - av[0].1 > 0.004,
        "the naive formula is far too optimistic"
    );
}

#[test]
fn the_seed_and_the_seed_with_a_second_balancer() {
    let seed = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let av = availabilities(&seed);
    // Reads: the balancer and its host, in series with the two servers. Each server's web
    // and app (0.999 each; its files fail with the host) need one of the two databases;
    // exact by conditioning on the two hosts (0.995 each), which carry a server and a
    // database each.
    let up = |h1: bool, h2: bool| -> f64 {
        let web = |h: bool| if h { 0.999f64.powi(2) } else { 0.0 };
        let db = 1.0 - (1.0 - if h1 { 0.999 } else { 0.0 }) * (1.0 - if h2 { 0.999 } else { 0.0 });
        (1.0 - (1.0 - web(h1)) * (1.0 - web(h2))) * db
    };
    let reads = 0.995
        * 0.999
        * (0.995 * 0.995 * up(true, true)
            + 0.995 * 0.005 * up(true, false)
            + 0.005 * 0.995 * up(false, true));
    let read = av.iter().find(|a| a.0 == "read").unwrap();
    assert!(close(read.1, reads), "{read:?} want {reads}");
    // Writes need the primary and its server: about 98.80%.
    let write = av.iter().find(|a| a.0 == "write").unwrap();
    assert!((write.1 - 0.9880).abs() < 0.0005, "{write:?}");
    // A second balancer behind a virtual IP: all and read go past 99.95%.
    let two = seed
        .replace("  lb-01:\n    label: Load Balancer\n", "  lb-01:\n    label: Load Balancer\n  lb-02:\n    label: Load Balancer 2\n")
        .replace("  haproxy:\n", "  vip:\n    kind: virtual_ip\n    members: [haproxy, haproxy-2]\n    failover: automatic\n  haproxy-2:\n    kind: load_balancer\n    host: lb-02\n    pool: [nginx-1, nginx-2]\n  haproxy:\n")
        .replace("target: haproxy", "target: vip")
        .replace("{ from: user, to: haproxy,", "{ from: user, to: vip,");
    let av2 = availabilities(&two);
    let all2 = av2.iter().find(|a| a.0 == "all").unwrap();
    assert!(all2.1 > 0.9995, "{all2:?}");
}

#[test]
fn availability_and_pairs_match_brute_force_on_random_models() {
    let mut rng = Rng(0xa7a1_1ab1_1175_0042);
    let mut compared = 0;
    for _ in 0..300 {
        let src = random_model(&mut rng);
        let m = model(&src);
        let g = ArchGraph::new(&m);
        let a = Analysis::new(&g);
        for (jf, av) in a.journeys.iter().zip(&a.availability) {
            let jg = &jf.graph;
            let units: Vec<u32> = (0..jg.gates.len())
                .filter(|&i| jg.gates[i].unit)
                .map(|i| i as u32)
                .collect();
            if units.len() > 14 {
                continue;
            }
            let p: Vec<f64> = units
                .iter()
                .map(|&u| match jg.gates[u as usize].kind {
                    GateKind::Graph(n) => unit_availability(&g, n),
                    GateKind::Instance(c, _) => unit_availability(&g, g.component(c)),
                    _ => 1.0,
                })
                .collect();
            let mut total = 0.0;
            for mask in 0u32..(1 << units.len()) {
                let failed: Vec<u32> = (0..units.len())
                    .filter(|&i| mask & (1 << i) != 0)
                    .map(|i| units[i])
                    .collect();
                if journey_up(jg, &failed) {
                    let mut pr = 1.0;
                    for (i, &pi) in p.iter().enumerate() {
                        pr *= if mask & (1 << i) != 0 { 1.0 - pi } else { pi };
                    }
                    total += pr;
                }
            }
            assert!(
                (total - av.availability).abs() < 1e-9,
                "availability {} vs brute force {total}\n{src}",
                av.availability
            );
            // Order-2 pairs: neither alone breaks the journey, both together do.
            if !jf.broken {
                let single: Vec<u32> = units
                    .iter()
                    .copied()
                    .filter(|&u| !journey_up(jg, &[u]))
                    .collect();
                // Instances of a replica group stand for their component: two instances of
                // one group are that group, not a pair.
                let node = |u: u32| match jg.gates[u as usize].kind {
                    GateKind::Graph(n) => Some(n.index()),
                    GateKind::Instance(c, _) => Some(g.component(c).index()),
                    _ => None,
                };
                let mut want = Vec::new();
                for (i, &x) in units.iter().enumerate() {
                    for &y in &units[i + 1..] {
                        if !single.contains(&x)
                            && !single.contains(&y)
                            && !journey_up(jg, &[x, y])
                            && let (Some(a), Some(b)) = (node(x), node(y))
                            && a != b
                            && !want.contains(&(a, b))
                        {
                            want.push((a, b));
                        }
                    }
                }
                let got: Vec<(usize, usize)> = av
                    .pairs
                    .iter()
                    .map(|&(x, y)| (x.index(), y.index()))
                    .collect();
                assert_eq!(got, want, "pairs\n{src}");
            }
            compared += 1;
        }
    }
    assert!(compared > 300, "{compared} journeys compared");
}

#[test]
fn a_model_under_its_slo_fails_availability_below_slo() {
    let seed = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let with_slo = seed.replacen(
        "name: www.foobar.com\n",
        "name: www.foobar.com\nslo: 99.99\n",
        1,
    );
    let f = common::findings(&with_slo);
    assert!(
        f.iter()
            .any(|x| x.starts_with("error availability-below-slo")),
        "{f:?}"
    );
    let f = common::findings(&seed.replacen(
        "name: www.foobar.com\n",
        "name: www.foobar.com\nslo: 98\n",
        1,
    ));
    assert!(
        !f.iter().any(|x| x.contains("availability-below-slo")),
        "{f:?}"
    );
}

#[test]
fn pairs_say_what_the_two_share() {
    let seed = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let r = archdoc::report::ModelReport::check(&model(&seed));
    let read = r.journeys.iter().find(|j| j.name == "read").unwrap();
    let find = |a: &str, b: &str| {
        read.pairs
            .iter()
            .find(|p| p.a == a && p.b == b)
            .unwrap_or_else(|| panic!("no pair {{{a}, {b}}}"))
            .shared
            .clone()
    };
    assert_eq!(
        find("nginx-1", "nginx-2"),
        "redundant in the pool of `haproxy`"
    );
    assert_eq!(
        find("mysql-primary", "mysql-replica"),
        "redundant in the replication cluster of `mysql-primary`"
    );
    // Two web servers in one rack: the pair shares the rack.
    let racked = "name: r\ndomains: {rack-1: {kind: rack}}\nhosts: {w1: {domain: rack-1}, w2: {domain: rack-1}}\ncomponents:\n  user: {kind: client}\n  lb: {kind: load_balancer, pool: [a, b], health_checks: true}\n  a: {kind: web_server, host: w1}\n  b: {kind: web_server, host: w2}\nlinks:\n  - {from: user, to: lb}\n";
    let r = archdoc::report::ModelReport::check(&model(racked));
    let all = &r.journeys[0];
    assert!(
        all.pairs
            .iter()
            .any(|p| p.a == "w1" && p.b == "w2" && p.shared == "both in rack `rack-1`"),
        "{:?}",
        all.pairs
    );
    assert!(r.findings.iter().any(|f| f.rule == "shared-fate-pair"));
}

/// The exact budget is the model's, not each journey's: once it is spent, the remaining
/// journeys are estimated by sampling (and say so), whatever their number. Journeys with the
/// same requirements are computed once and get the same figures.
#[test]
fn the_exact_budget_is_shared_by_the_journeys_of_a_model() {
    let src = std::fs::read_to_string("models/foobar.yaml").unwrap();
    let m = model(&src);
    let g = ArchGraph::new(&m);
    let full = Analysis::new(&g);
    assert!(
        full.availability
            .iter()
            .all(|a| a.method.describe().starts_with("exact")),
        "{:?}",
        full.availability
    );
    // A budget that the first journey spends: the others are sampled.
    let first = match full.availability[0].method {
        archdoc::analysis::availability::Method::Exact { nodes } => nodes,
        archdoc::analysis::availability::Method::MonteCarlo { .. } => unreachable!(),
    };
    let tight = Analysis::with_bdd_budget(&g, first);
    assert!(tight.availability[0].method.describe().starts_with("exact"));
    assert!(
        tight
            .availability
            .iter()
            .any(|a| a.method.describe().starts_with("Monte Carlo")),
        "no journey was left to sampling"
    );
    for (j, a) in m.journeys.iter().zip(&tight.availability).skip(1) {
        let key = archdoc::analysis::journeys::requirements_key(&tight.journeys[0].graph);
        let same = archdoc::analysis::journeys::requirements_key(
            &tight.journeys[m.journeys.iter().position(|x| x.id == j.id).unwrap()].graph,
        ) == key;
        if same {
            assert_eq!(a.availability, tight.availability[0].availability);
        } else {
            assert!(
                a.method.describe().starts_with("Monte Carlo"),
                "{}: {}",
                j.id,
                a.method.describe()
            );
        }
    }
}

/// Two journeys with the same requirements (two names for one path) have equal requirement
/// keys, which is what makes the analysis compute them once, and get the same figures.
#[test]
fn journeys_with_the_same_requirements_are_computed_once_with_the_same_figures() {
    let src = "name: twins\nhosts: {h1: {}, h2: {}}\ncomponents:\n  user: {kind: client}\n  a: {kind: web_server, host: h1}\n  b: {kind: app_server, host: h2}\nlinks:\n  - {from: user, to: a, journeys: [browse, search]}\n  - {from: a, to: b, journeys: [browse, search]}\njourneys: {browse: {}, search: {}}\n";
    let m = model(src);
    let g = ArchGraph::new(&m);
    let analysis = Analysis::new(&g);
    let key = |j: usize| archdoc::analysis::journeys::requirements_key(&analysis.journeys[j].graph);
    assert_eq!(key(0), key(1), "the two journeys share one computation");
    let av = availabilities(
        "name: twins\nhosts: {h1: {}, h2: {}}\ncomponents:\n  user: {kind: client}\n  a: {kind: web_server, host: h1}\n  b: {kind: app_server, host: h2}\nlinks:\n  - {from: user, to: a, journeys: [browse, search]}\n  - {from: a, to: b, journeys: [browse, search]}\njourneys: {browse: {}, search: {}}\n",
    );
    assert_eq!(av.len(), 2);
    assert_eq!(av[0].1, av[1].1);
    assert_eq!(av[0].2, av[1].2);
}
