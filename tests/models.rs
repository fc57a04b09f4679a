//! Every example model under `models/` loads, and its findings are exactly the ones a reviewer
//! would write down.

mod common;

use archdoc::model::{Limits, load_file};
use archdoc::report::ModelReport;

fn check(path: &str) -> ModelReport {
    let m = load_file(std::path::Path::new(path), path, &Limits::default()).unwrap_or_else(|e| {
        panic!(
            "{path}: {:?}",
            e.iter().map(ToString::to_string).collect::<Vec<_>>()
        )
    });
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
            "info missing-firewall server-1",
            "error single-point-of-failure server-1 [write]",
            "error single-point-of-failure haproxy [all,read,write]",
            "warning missing-health-checks haproxy",
            "error single-point-of-failure mysql-primary [write]",
            "error missing-https user",
            "warning stale-read-risk mysql-replica [write]",
        ]
    );
    // One fact, one finding: the two servers' missing firewall is one finding naming both.
    let fw = r
        .findings
        .iter()
        .find(|f| f.element == "server-1" && f.rule == "missing-firewall")
        .unwrap();
    assert!(
        fw.message.ends_with("(the same for `server-2`)"),
        "{}",
        fw.message
    );
    let spof = r
        .findings
        .iter()
        .find(|f| f.element == "server-1" && f.rule == "single-point-of-failure")
        .unwrap();
    assert!(
        spof.why
            .iter()
            .any(|s| s.contains("mysql-primary` runs on `server-1`")),
        "{:?}",
        spof.why
    );
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
            "warning database-without-replica mysql",
            "error single-point-of-failure mysql [read,write]",
            "error missing-https user",
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
            "warning plaintext-behind-tls haproxy",
            "warning plaintext-behind-tls haproxy",
            "error single-point-of-failure mysql-primary [write]",
            "warning plaintext-behind-tls app-1",
            "warning stale-read-risk mysql-replica [write]",
            "warning plaintext-behind-tls app-2",
        ]
    );
}

#[test]
fn scale_up_is_clean() {
    let r = check("models/scale-up.yaml");
    assert_eq!(common::summarize(&r), Vec::<String>::new());
    assert!(
        r.journeys
            .iter()
            .all(|j| j.single_points_of_failure.is_empty() && !j.broken)
    );
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
        let a = archdoc::report::json(&[check(&name)], &[], &Default::default());
        let b = archdoc::report::json(&[check(&name)], &[], &Default::default());
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
        ModelReport::check(&m)
            .findings
            .iter()
            .map(|f| f.fingerprint.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(fp(&src), fp(&moved));
    let mut unique = fp(&src);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fp(&src).len(), "fingerprints must be unique");
}

/// The schema published by `archdoc schema` lists exactly the fields the loader accepts: every
/// field of every section is probed with an unknown key and the loader's list of allowed keys
/// is compared with the schema's.
#[test]
fn schema_matches_the_loader() {
    let schema: serde_json::Value = serde_json::from_str(archdoc::model::schema_json()).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    let probes = [
        ("", "name: x\ncomponents: {a: {kind: other}}\nzzz: 1\n"),
        (
            "domain",
            "name: x\ndomains: {d: {kind: rack, zzz: 1}}\ncomponents: {a: {kind: other}}\n",
        ),
        (
            "host",
            "name: x\nhosts: {h: {zzz: 1}}\ncomponents: {a: {kind: other}}\n",
        ),
        (
            "component",
            "name: x\ncomponents: {a: {kind: other, zzz: 1}}\n",
        ),
        (
            "endpoint",
            "name: x\ncomponents: {a: {kind: other, pool: [b], backend: {zzz: 1}}, b: {kind: other}}\n",
        ),
        (
            "record",
            "name: x\ncomponents: {a: {kind: dns, records: [{name: n, target: a, zzz: 1}]}}\n",
        ),
        (
            "link",
            "name: x\ncomponents: {a: {kind: other}}\nlinks: [{from: a, to: a, zzz: 1}]\n",
        ),
        (
            "journey",
            "name: x\ncomponents: {a: {kind: other}}\njourneys: {j: {zzz: 1}}\n",
        ),
        (
            "ignore",
            "name: x\ncomponents: {a: {kind: other, ignore: [{rule: r, zzz: 1}]}}\n",
        ),
    ];
    for (def, src) in probes {
        let errs = archdoc::model::load_str(src, "p.yaml", &Limits::default()).unwrap_err();
        let help = errs[0].help.clone().unwrap_or_default();
        let list = help
            .split("allowed here: ")
            .nth(1)
            .unwrap_or_else(|| panic!("{def}: {help}"));
        let mut accepted: Vec<String> = list
            .trim_end_matches(')')
            .split(", ")
            .map(str::to_owned)
            .collect();
        accepted.sort();
        let node = if def.is_empty() {
            schema.clone()
        } else {
            schema["$defs"][def].clone()
        };
        assert_eq!(
            keys(&node),
            accepted,
            "schema and loader disagree on `{def}`"
        );
    }
}

/// The schema is generated from the loader's own types; this checks that the two agree where it
/// matters to a user: every example model (and the reference's complete example) is valid under
/// both, and each refusal case below is refused by both (a wrong type, an unknown field or kind,
/// a port out of range, an empty pool, a bad id, a malformed date, a missing required field).
#[test]
fn schema_and_loader_accept_and_refuse_the_same_models() {
    let schema: serde_json::Value = serde_json::from_str(archdoc::model::schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let as_json = |src: &str| -> serde_json::Value {
        serde_saphyr::from_str(src).unwrap_or_else(|e| panic!("{e}: {src}"))
    };
    let loads = |src: &str| archdoc::model::load_str(src, "p.yaml", &Limits::default()).is_ok();
    let mut accepted = Vec::new();
    for entry in std::fs::read_dir("models").unwrap() {
        let path = entry.unwrap().path();
        accepted.push(std::fs::read_to_string(path).unwrap());
    }
    let reference = std::fs::read_to_string("site/model-reference.md").unwrap();
    let example = &reference[reference.find("## A complete example").unwrap()..];
    let start = example.find("```yaml\n").unwrap() + 8;
    let end = start + example[start..].find("```").unwrap();
    accepted.push(example[start..end].to_owned());
    accepted.push(
        "name: x\ndescription: ~\ncomponents:\n  a: {kind: web_server, label: ~, host: ~}\n".into(),
    );
    accepted.push("name: x\ncomponents:\n  fw: {kind: firewall, allow: [443, {port: 22, from: office}]}\n  office: {kind: client, network: internal}\n".into());
    for src in &accepted {
        assert!(loads(src), "the loader refuses {src}");
        let errors: Vec<String> = validator
            .iter_errors(&as_json(src))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "the schema refuses a valid model: {errors:?}\n{src}"
        );
    }
    let refused = [
        "components: {a: {kind: other}}\n",
        "name: x\n",
        "name: x\ncomponents: {a: {kind: other}}\nzzz: 1\n",
        "name: x\ncomponents: {a: {kind: mainframe}}\n",
        "name: x\ncomponents: {a: {label: no kind}}\n",
        "name: x\ncomponents: {a: {kind: other, zzz: 1}}\n",
        "name: x\ncomponents: {a: {kind: other, replicas: three}}\n",
        "name: x\ncomponents: {a: {kind: other, replicas: -1}}\n",
        "name: x\ncomponents: {a: {kind: other, health_checks: 3}}\n",
        "name: x\ncomponents: {a: {kind: load_balancer, pool: []}}\n",
        "name: x\ncomponents: {a: {kind: load_balancer, algorithm: random_walk, pool: [b]}, b: {kind: other}}\n",
        "name: x\ncomponents: {a: {kind: firewall, allow: [0]}}\n",
        "name: x\ncomponents: {a: {kind: firewall, allow: [70000]}}\n",
        "name: x\ncomponents: {a: {kind: firewall, allow: [{port: 22, zzz: 1}]}}\n",
        "name: x\ncomponents: {a: {kind: other}}\nlinks: [{from: a}]\n",
        "name: x\ncomponents: {a: {kind: other}}\nlinks: [{from: a, to: a, port: 0}]\n",
        "name: x\ncomponents: {a: {kind: other}}\nlinks: [{from: a, to: a, tls: maybe}]\n",
        "name: x\ncomponents: {a: {kind: dns, records: [{name: n, target: a, type: MX}]}}\n",
        "name: x\ncomponents: {-a: {kind: other}}\n",
        "name: x\ndomains: {d: {kind: planet}}\ncomponents: {a: {kind: other}}\n",
        "name: x\nhosts: {h: {availability: 120}}\ncomponents: {a: {kind: other}}\n",
        "name: x\nslo: 100\ncomponents: {a: {kind: other}}\n",
        "name: x\ncomponents: {a: {kind: other}}\njourneys: {j: {data: delete}}\n",
        "name: x\ncomponents: {a: {kind: other, ignore: [{reason: r}]}}\n",
        "name: x\ncomponents: {a: {kind: other, ignore: [{rule: r, reason: r, until: next week}]}}\n",
    ];
    for src in refused {
        assert!(!loads(src), "the loader accepts {src}");
        assert!(
            !validator.is_valid(&as_json(src)),
            "the schema accepts what the loader refuses: {src}"
        );
    }
}

/// The complete example at the end of the model reference loads, uses every field of the
/// schema, and has no single point of failure.
#[test]
fn the_reference_example_loads_and_covers_every_field() {
    let md = std::fs::read_to_string("site/model-reference.md").unwrap();
    let at = md.find("## A complete example").unwrap();
    let block = &md[at..];
    let start = block.find("```yaml\n").unwrap() + 8;
    let end = block[start..].find("```").unwrap();
    let yaml = &block[start..start + end];
    let m = archdoc::model::load_str(yaml, "site/model-reference.md", &Limits::default())
        .unwrap_or_else(|e| {
            panic!(
                "{:?}",
                e.iter().map(ToString::to_string).collect::<Vec<_>>()
            )
        });
    let r = ModelReport::check(&m);
    assert!(
        r.journeys
            .iter()
            .all(|j| j.single_points_of_failure.is_empty()),
        "{:?}",
        r.journeys
    );
    let schema: serde_json::Value = serde_json::from_str(archdoc::model::schema_json()).unwrap();
    let mut fields = Vec::new();
    for def in schema["$defs"]
        .as_object()
        .unwrap()
        .values()
        .chain(std::iter::once(&schema))
    {
        if let Some(properties) = def["properties"].as_object() {
            fields.extend(properties.keys().cloned());
        }
    }
    for f in fields {
        assert!(
            md.contains(&format!("{f}:")) || md.contains(&format!("`{f}`")),
            "the reference never shows `{f}`"
        );
    }
}

/// A field written on a kind it does not belong to is an error at that field's line.
#[test]
fn misplaced_fields_are_errors_at_their_line() {
    let cases = [
        ("user: {kind: client, host: h}", "runs on no host"),
        ("d: {kind: dns, pool: [w]}", "cannot have a `pool`"),
        (
            "w2: {kind: web_server, min_healthy: 2}",
            "has no `replicas`",
        ),
        ("w2: {kind: web_server, quorum: 2}", "has no `pool`"),
        (
            "w2: {kind: web_server, network: internal}",
            "where a client sits",
        ),
        ("w2: {kind: web_server, protects: [h]}", "protects nothing"),
        ("w2: {kind: web_server, allow: [80]}", "has no `allow` list"),
        (
            "w2: {kind: web_server, algorithm: round_robin}",
            "describes a pool",
        ),
        (
            "lb: {kind: load_balancer, members: [w]}",
            "has no `members`",
        ),
        (
            "r: {kind: database, replica_of: p, failover: automatic}",
            "does not take `failover`",
        ),
        (
            "p2: {kind: database, replication: async}",
            "has no `replica_of`",
        ),
        (
            "w2: {kind: web_server, records: [{name: n, target: w}]}",
            "holds no DNS records",
        ),
        ("w2: {kind: web_server, reports_to: w}", "does not report"),
        ("w2: {kind: web_server, monitors: [w]}", "does not monitor"),
    ];
    for (line, expect) in cases {
        let src = format!(
            "name: x\nhosts: {{h: {{}}}}\ncomponents:\n  w: {{kind: web_server}}\n  p: {{kind: database}}\n  {line}\n"
        );
        let errs = common::errors(&src);
        let e = errs
            .iter()
            .find(|e| e.message.contains(expect))
            .unwrap_or_else(|| panic!("`{line}`: no error containing `{expect}`: {errs:?}"));
        assert_eq!(e.code, "model::bad-field", "{line}");
        assert_eq!(e.line_col().map(|(l, _)| l), Some(6), "{line}");
    }
}

/// A cloud three-tier design: managed services across zones are counted at their SLA and
/// listed as provider dependencies, never as single points of failure; the region is the one
/// shared fate, said once.
#[test]
fn aws_three_tier_has_no_false_alarm() {
    let r = check("models/aws-three-tier.yaml");
    assert_eq!(
        common::summarize(&r),
        ["info single-region us-east-1 [browse,checkout]"]
    );
    for j in &r.journeys {
        assert!(j.single_points_of_failure.is_empty(), "{j:?}");
        for managed in [
            "us-east-1",
            "cloudfront",
            "alb",
            "postgres",
            "redis",
            "uploads",
        ] {
            assert!(
                j.provider_dependencies.iter().any(|d| d == managed),
                "{managed} missing from {:?}",
                j.provider_dependencies
            );
        }
        // The SLAs in series: CloudFront 99.9, ALB 99.99, RDS 99.95, ElastiCache 99.99, S3 99.9.
        let slas = 0.999 * 0.9999 * 0.9995 * 0.9999 * 0.999;
        let availability = j.availability / 100.0;
        assert!(
            availability < slas && availability > slas - 0.0005,
            "{} {}",
            j.availability,
            slas
        );
        // The app group needs 2 of its 3 instances: two zones down is fatal, one is not.
        assert!(
            j.pairs.iter().any(|p| p.a == "az-a" && p.b == "az-b"),
            "{:?}",
            j.pairs
        );
    }
}

/// A quorum queue of three nodes survives one node, not two; the workers that consume it
/// are reachable, and the request journey does not wait for them.
#[test]
fn workers_and_queue_survive_one_queue_node() {
    let r = check("models/workers-and-queue.yaml");
    assert_eq!(common::summarize(&r), Vec::<String>::new());
    let names: Vec<&str> = r.journeys.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["requests", "jobs"]);
    for j in &r.journeys {
        assert!(j.single_points_of_failure.is_empty(), "{j:?}");
        assert!(
            j.pairs.iter().any(|p| p.a == "mq-1"
                && p.b == "mq-2"
                && p.shared.contains("quorum of `rabbitmq` (needs 2 of 3)")),
            "{:?}",
            j.pairs
        );
    }
    // Needing all three nodes makes each of them fatal.
    let src = std::fs::read_to_string("models/workers-and-queue.yaml").unwrap();
    let all_three = src.replace("    quorum: 2\n", "    quorum: 3\n");
    assert_ne!(src, all_three);
    let spofs = common::spofs(&all_three);
    assert!(
        spofs
            .iter()
            .all(|s| s.contains("mq-1") && s.contains("mq-3")),
        "{spofs:?}"
    );
    // Without the workers, only the jobs journey breaks: the enqueue is asynchronous.
    let no_workers = src
        .replace("    replicas: 4\n", "    replicas: 1\n")
        .replace("    hosts: [web-1, web-2]\n", "    hosts: [web-1]\n");
    let spofs = common::spofs(&no_workers);
    assert!(
        spofs[0].starts_with("requests: ") && !spofs[0].contains("web-1"),
        "{spofs:?}"
    );
    assert!(spofs[1].contains("web-1"), "{spofs:?}");
}

/// Round robin over two servers that each keep their own database: divergent data.
#[test]
fn split_writes_diverge() {
    let r = check("models/split-writes.yaml");
    assert_eq!(
        common::summarize(&r),
        [
            "warning missing-monitoring ",
            "warning missing-firewall lb-1",
            "error single-point-of-failure lb-1 [all,read,write]",
            "info missing-firewall server-1",
            "error single-point-of-failure haproxy [all,read,write]",
            "error divergent-data haproxy",
        ]
    );
}

/// A CNAME or ALIAS may point at another record's name; the chain ends at a component.
#[test]
fn cname_records_follow_names_to_a_component() {
    let src = "name: c\ncomponents:\n  user: { kind: client }\n  dns:\n    kind: dns\n    records:\n      - { name: www.example.com, type: CNAME, target: shop.example.net. }\n      - { name: shop.example.net, type: ALIAS, target: cdn }\n  cdn: { kind: cdn, managed: true, availability: 99.9 }\nlinks:\n  - { from: user, to: cdn, protocol: https }\n";
    let m = common::model(src);
    let dns = m.components.iter().find(|c| c.id == "dns").unwrap();
    let cdn = m.components.iter().position(|c| c.id == "cdn").unwrap();
    assert!(dns.records.iter().all(|r| r.target == cdn));
    let bad = src.replace(
        "target: shop.example.net. }",
        "target: nowhere.example.org }",
    );
    let errors = common::errors(&bad);
    assert!(
        errors[0]
            .message
            .contains("neither a component nor the name of a record"),
        "{}",
        errors[0].message
    );
}

/// A design that runs in one region hears it once (single-region), not as a shared-fate pair
/// per redundant pair plus replicas-share-failure-domain.
#[test]
fn one_region_is_one_finding() {
    let src = "name: reg\ndomains:\n  eu: { kind: region }\n  a: { kind: zone, parent: eu }\n  b: { kind: zone, parent: eu }\nhosts:\n  lb-a: { domain: a }\n  lb-b: { domain: b }\n  db-a: { domain: a }\n  db-b: { domain: b }\ncomponents:\n  user: { kind: client }\n  vip: { kind: virtual_ip, software: keepalived, members: [lb1, lb2], failover: automatic }\n  lb1: { kind: load_balancer, host: lb-a, pool: [app], health_checks: true }\n  lb2: { kind: load_balancer, host: lb-b, pool: [app], health_checks: true }\n  app: { kind: app_server, replicas: 2, spread: [a, b] }\n  pg1: { kind: database, host: db-a, role: primary, failover: manual, backup: true }\n  pg2: { kind: database, host: db-b, replica_of: pg1, replication: sync }\nlinks:\n  - { from: user, to: vip, protocol: https }\n  - { from: app, to: pg1, protocol: postgres, tls: true }\n";
    let f = common::findings(src);
    assert_eq!(
        f.iter().filter(|l| l.contains("single-region eu")).count(),
        1,
        "{f:?}"
    );
    assert!(
        !f.iter()
            .any(|l| l.contains("shared-fate-pair") || l.contains("replicas-share-failure-domain")),
        "{f:?}"
    );
}
