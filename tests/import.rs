//! `archdoc import`: real public Compose files and Kubernetes manifests (vendored under
//! `tests/fixtures/import/`, origins in its README) import to models that load, round-trip,
//! and get the findings an SRE would write down; hostile input gets an error, never a panic.

mod common;

use std::path::Path;

use archdoc::import::{self, Format};
use archdoc::model::{Limits, load_str};
use archdoc::report::ModelReport;

fn imported(format: Format, paths: &[&str]) -> (import::Draft, ModelReport) {
    let paths: Vec<&Path> = paths.iter().map(Path::new).collect();
    let draft =
        import::import(format, &paths, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
    let model = import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| {
        panic!(
            "{}\n{:?}",
            draft.to_yaml(),
            e.iter().map(ToString::to_string).collect::<Vec<_>>()
        )
    });
    let mut report = ModelReport::check(&model);
    import::relocate(&mut report.findings, &draft);
    (draft, report)
}

/// `rule element` for each finding, sorted.
fn verdict(r: &ModelReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.element))
        .collect();
    v.sort();
    v
}

fn spofs(r: &ModelReport, journey: &str) -> Vec<String> {
    r.journeys
        .iter()
        .find(|j| j.name == journey)
        .unwrap_or_else(|| panic!("no journey {journey}: {:?}", r.journeys))
        .single_points_of_failure
        .clone()
}

/// The written model loads on its own and gives the same findings as `check --from`.
fn round_trips(draft: &import::Draft, report: &ModelReport) {
    let yaml = draft.to_yaml();
    let m = load_str(&yaml, "written.yaml", &Limits::default()).unwrap();
    assert_eq!(verdict(&ModelReport::check(&m)), verdict(report));
}

#[test]
fn compose_voting_app() {
    let (draft, r) = imported(
        Format::Compose,
        &["tests/fixtures/import/compose/voting-app/docker-compose.yml"],
    );
    insta::assert_snapshot!("compose_voting_app", draft.to_yaml());
    round_trips(&draft, &r);
    // One Docker host runs everything; results need the single Postgres, votes the single Redis.
    assert!(spofs(&r, "via-result").contains(&"db".to_owned()));
    assert!(spofs(&r, "via-vote").contains(&"redis".to_owned()));
    assert!(spofs(&r, "jobs").contains(&"worker".to_owned()));
    assert!(spofs(&r, "via-vote").contains(&"docker-host".to_owned()));
    assert_eq!(
        draft.skipped,
        ["service `seed`: started only with profile seed"]
    );
    // Findings point at the Compose file's lines.
    let db = r.findings.iter().find(|f| f.element == "db").unwrap();
    assert_eq!(
        db.file,
        "tests/fixtures/import/compose/voting-app/docker-compose.yml"
    );
    assert_eq!((db.line, db.column), (64, 3));
}

#[test]
fn compose_react_express_mongodb() {
    let (draft, r) = imported(
        Format::Compose,
        &["tests/fixtures/import/compose/react-express-mongodb/compose.yaml"],
    );
    insta::assert_snapshot!("compose_react_express_mongodb", draft.to_yaml());
    round_trips(&draft, &r);
    assert!(spofs(&r, "write").contains(&"mongo".to_owned()));
    assert!(verdict(&r).contains(&"database-without-replica mongo".to_owned()));
}

#[test]
fn compose_nginx_flask_mysql() {
    let (draft, r) = imported(
        Format::Compose,
        &["tests/fixtures/import/compose/nginx-flask-mysql/compose.yaml"],
    );
    insta::assert_snapshot!("compose_nginx_flask_mysql", draft.to_yaml());
    round_trips(&draft, &r);
    assert!(verdict(&r).contains(&"database-without-replica db".to_owned()));
    assert!(verdict(&r).iter().any(|v| v.starts_with("missing-https")));
}

#[test]
fn kubernetes_online_boutique() {
    for path in [
        "tests/fixtures/import/kubernetes/online-boutique/kubernetes-manifests.yaml",
        "tests/fixtures/import/kubernetes/online-boutique-kustomize/rendered.yaml",
    ] {
        let (draft, r) = imported(Format::Kubernetes, &[path]);
        round_trips(&draft, &r);
        // Every service runs one replica: each one the frontend calls is fatal.
        let all = spofs(&r, "all");
        for s in ["frontend", "cartservice", "redis-cart", "checkoutservice"] {
            assert!(all.contains(&s.to_owned()), "{s} not in {all:?}");
        }
        assert!(
            draft.skipped.iter().any(|s| s.contains("ServiceAccount")),
            "{:?}",
            draft.skipped
        );
        // The load generator is test traffic, not a part of the shop.
        assert!(
            draft.skipped.iter().any(|s| s.contains("`loadgenerator`")),
            "{:?}",
            draft.skipped
        );
        let front = r.findings.iter().find(|f| f.element == "frontend").unwrap();
        assert_eq!(front.file, path);
    }
    let (draft, _) = imported(
        Format::Kubernetes,
        &["tests/fixtures/import/kubernetes/online-boutique/kubernetes-manifests.yaml"],
    );
    insta::assert_snapshot!("kubernetes_online_boutique", draft.to_yaml());
}

/// A real `helm template` output: the OpenTelemetry demo's generated manifests (84
/// documents, sidecars before the main containers, no Ingress, a load generator, Kafka
/// consumers). The way in is the proxy nothing but the load generator calls; the consumers
/// are workers; each single-replica service the shop calls is fatal to it.
#[test]
fn kubernetes_helm_rendered_opentelemetry_demo() {
    let path = "tests/fixtures/import/kubernetes/opentelemetry-demo-helm/opentelemetry-demo.yaml";
    let (draft, r) = imported(Format::Kubernetes, &[path]);
    insta::assert_snapshot!("kubernetes_opentelemetry_demo_helm", draft.to_yaml());
    round_trips(&draft, &r);
    let yaml = draft.to_yaml();
    assert!(
        yaml.contains("- { from: user, to: frontend-proxy"),
        "the proxy is the way in:\n{yaml}"
    );
    assert!(
        draft
            .skipped
            .iter()
            .any(|s| s.contains("`load-generator`: generates test traffic")),
        "{:?}",
        draft.skipped
    );
    let kind = |id: &str| {
        draft
            .components
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.get("kind").cloned())
    };
    use archdoc::import::draft::Value;
    for worker in ["accounting", "fraud-detection"] {
        assert_eq!(kind(worker), Some(Value::word("worker")), "{worker}");
    }
    // Grafana's container comes after two sidecars: its image still says what it is.
    assert_eq!(kind("grafana"), Some(Value::word("monitoring")));
    let all = spofs(&r, "all");
    for s in [
        "frontend-proxy",
        "frontend",
        "checkout",
        "cart",
        "valkey-cart",
        "kafka",
    ] {
        assert!(all.contains(&s.to_owned()), "{s} not in {all:?}");
    }
    // The accounting worker writes to PostgreSQL (an ADO.NET connection string says so).
    assert!(spofs(&r, "jobs").contains(&"postgresql".to_owned()));
    assert!(!verdict(&r).iter().any(|v| v.contains("load-generator")));
}

#[test]
fn kubernetes_voting_app_directory() {
    let (draft, r) = imported(
        Format::Kubernetes,
        &["tests/fixtures/import/kubernetes/voting-app"],
    );
    insta::assert_snapshot!("kubernetes_voting_app", draft.to_yaml());
    round_trips(&draft, &r);
    assert!(spofs(&r, "via-vote-lb").contains(&"vote".to_owned()));
    // The app finds Redis and Postgres by names in its code, not in the manifests: said, not guessed.
    assert!(verdict(&r).contains(&"unreachable-component db".to_owned()));
}

const SPREAD: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: example/web:1
          env: [{ name: DATABASE_URL, value: "postgres://app@pg:5432/app" }]
          readinessProbe: { httpGet: { path: /healthz, port: 8080 } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [{ port: 80 }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  tls: [{ hosts: [shop.example.com], secretName: tls }]
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec: { minAvailable: 2, selector: { matchLabels: { app: web } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: pg }
spec:
  replicas: 1
  selector: { matchLabels: { app: pg } }
  template:
    metadata: { labels: { app: pg } }
    spec: { containers: [{ name: pg, image: "postgres:16" }] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
"#;

fn write_tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("archdoc-import-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.yaml"));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn kubernetes_replicas_without_spread_share_a_node_and_spread_ones_do_not() {
    let p = write_tmp("unspread", SPREAD);
    let (draft, r) = imported(Format::Kubernetes, &[p.to_str().unwrap()]);
    let yaml = draft.to_yaml();
    assert!(yaml.contains("min_healthy: 2"), "{yaml}");
    assert!(yaml.contains("certificate: \"shop.example.com\""), "{yaml}");
    // Three replicas nothing keeps apart: the node they may share is fatal.
    assert!(
        spofs(&r, "write").contains(&"node-1".to_owned()),
        "{:?}",
        r.journeys
    );
    // The single-pod Postgres StatefulSet is a SPOF for writes.
    assert!(spofs(&r, "write").contains(&"pg".to_owned()));
    assert!(draft.skipped[0].contains("ClusterRole"));

    let spread = SPREAD.replace(
        "      containers:\n        - name: web",
        "      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule }]\n      containers:\n        - name: web",
    );
    let p = write_tmp("spread", &spread);
    let (draft, r) = imported(Format::Kubernetes, &[p.to_str().unwrap()]);
    assert!(draft.to_yaml().contains("spread: [zone-a, zone-b, zone-c]"));
    let write = spofs(&r, "write");
    assert!(
        !write.contains(&"web".to_owned()) && !write.iter().any(|s| s.starts_with("zone")),
        "{write:?}"
    );
}

#[test]
fn wrong_and_hostile_input_is_an_error_not_a_panic() {
    let compose = "tests/fixtures/import/compose/voting-app/docker-compose.yml";
    let e = import::import(
        Format::Kubernetes,
        &[Path::new(compose)],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("Docker Compose"), "{e}");
    let k8s = "tests/fixtures/import/kubernetes/voting-app/vote-deployment.yaml";
    let e = import::import(Format::Compose, &[Path::new(k8s)], &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("Kubernetes"), "{e}");

    let bomb = "services:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n  h: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let p = write_tmp("bomb", bomb);
    let limits = Limits {
        max_nodes: 100_000,
        ..Limits::default()
    };
    assert!(import::import(Format::Compose, &[p.as_path()], &limits).is_err());

    for junk in [
        "services: 3\n",
        "services:\n  a: [1, 2]\n",
        "apiVersion: v1\nkind: Deployment\nspec: 7\n",
        "",
    ] {
        let p = write_tmp("junk", junk);
        for f in [Format::Compose, Format::Kubernetes] {
            let _ = import::import(f, &[p.as_path()], &Limits::default());
        }
    }
}

#[test]
fn threagile_example_model() {
    let path = "tests/fixtures/import/threagile/threagile-example-model.yaml";
    let (draft, r) = imported(Format::Threagile, &[path]);
    insta::assert_snapshot!("threagile_example", draft.to_yaml());
    round_trips(&draft, &r);
    // One load balancer, one Apache, one SQL database in front of the customers: each fatal;
    // the ERP system is marked redundant and is not.
    let spofs = spofs(&r, "via-load-balancer");
    for s in ["load-balancer", "apache-webserver", "sql-database"] {
        assert!(spofs.contains(&s.to_owned()), "{s} not in {spofs:?}");
    }
    assert!(!spofs.contains(&"erp-system".to_owned()), "{spofs:?}");
    assert!(draft.skipped.iter().any(|s| s.contains("Dev Network")));
    let lb = r
        .findings
        .iter()
        .find(|f| f.element == "load-balancer")
        .unwrap();
    assert_eq!((lb.file.as_str(), lb.line), (path, 497));
}

/// The component `id` of an imported model.
fn component<'a>(draft: &'a import::Draft, id: &str) -> &'a import::draft::Element {
    draft
        .components
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

/// The links an imported model has, as `from>to`.
fn links_of(draft: &import::Draft) -> Vec<String> {
    draft
        .links
        .iter()
        .map(|l| format!("{}>{}", l.from, l.to))
        .collect()
}

#[test]
fn compose_nginx_balancing_two_services_built_alike() {
    let path = "tests/fixtures/import/compose/nginx-nodejs-redis/compose.yaml";
    let (draft, r) = imported(Format::Compose, &[path]);
    insta::assert_snapshot!("compose_nginx_nodejs_redis", draft.to_yaml());
    round_trips(&draft, &r);
    // nginx depends on web1 and web2, both `build: ./web`: a pool, not two needs.
    let nginx = component(&draft, "nginx");
    assert_eq!(
        nginx.get("pool"),
        Some(&import::draft::Value::words(["web1", "web2"]))
    );
    let s = spofs(&r, "via-nginx");
    assert!(s.contains(&"nginx".to_owned()), "{s:?}");
    assert!(
        !s.contains(&"web1".to_owned()) && !s.contains(&"web2".to_owned()),
        "{s:?}"
    );
    // Redis is linked by nothing in the file: the application services are assumed to use it.
    let l = links_of(&draft);
    assert!(l.contains(&"web1>redis".to_owned()), "{l:?}");
}

#[test]
fn compose_pool_members_are_not_also_needs_of_their_proxy() {
    let p = write_tmp(
        "unpublished-pool",
        "services:
  proxy: {image: 'nginx:1.27', ports: ['80:80'], depends_on: [app1, app2]}
  app1: {build: ./app}
  app2: {build: ./app}
  db: {image: 'postgres:16'}
",
    );
    let (draft, r) = imported(Format::Compose, &[p.to_str().unwrap()]);
    round_trips(&draft, &r);
    // The unpublished replicas are the proxy's pool, not front-end calls it must all make.
    let l = links_of(&draft);
    assert!(!l.iter().any(|l| l.starts_with("proxy>")), "{l:?}");
    let s = spofs(&r, "write");
    assert!(
        !s.contains(&"app1".to_owned()) && !s.contains(&"app2".to_owned()),
        "{s:?}"
    );
    // The one pool's replicas use the database nothing links to.
    assert!(l.contains(&"app1>db".to_owned()) && l.contains(&"app2>db".to_owned()));
    assert!(s.contains(&"db".to_owned()), "{s:?}");
}

#[test]
fn compose_include_and_extends_are_read() {
    let dir = std::env::temp_dir().join(format!("archdoc-compose-inc-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(
        dir.join("compose.yaml"),
        "include:
  - infra/db.yaml
  - path: [infra/cache.yaml]
services:
  base:
    image: example/app:1
    environment: {DATABASE_URL: 'postgres://app@db:5432/app', REDIS_URL: 'redis://cache:6379'}
  web: {extends: base, ports: ['80:8000']}
  worker: {extends: {service: base}, command: celery -A app worker}
  other: {extends: {file: common.yaml, service: x}, image: 'example/other:1'}
",
    )
    .unwrap();
    std::fs::write(
        dir.join("infra/db.yaml"),
        "services:\n  db: {image: 'postgres:16'}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("infra/cache.yaml"),
        "services:\n  cache: {image: 'redis:7'}\n",
    )
    .unwrap();
    let main = dir.join("compose.yaml");
    let (draft, r) = imported(Format::Compose, &[main.to_str().unwrap()]);
    round_trips(&draft, &r);
    // The included files' services are in the model, and findings point into those files.
    let l = links_of(&draft);
    assert!(
        l.contains(&"web>db".to_owned()) && l.contains(&"worker>cache".to_owned()),
        "{l:?}"
    );
    let db = r.findings.iter().find(|f| f.element == "db").unwrap();
    assert!(db.file.ends_with("infra/db.yaml"), "{}", db.file);
    // `extends` within the project carries the base's settings; from another file, said.
    assert_eq!(
        component(&draft, "worker").get("kind"),
        Some(&import::draft::Value::word("worker"))
    );
    assert!(
        draft
            .skipped
            .iter()
            .any(|s| s.contains("extends `x` of `common.yaml`")),
        "{:?}",
        draft.skipped
    );
    // An include that is missing is an error that names it.
    std::fs::write(
        dir.join("broken.yaml"),
        "include: [nowhere.yaml]\nservices:\n  a: {image: 'nginx:1'}\n",
    )
    .unwrap();
    let b = dir.join("broken.yaml");
    let e = import::import(Format::Compose, &[b.as_path()], &Limits::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("nowhere.yaml"), "{e}");
}

#[test]
fn compose_database_linked_by_nothing_is_assumed_used_by_the_application() {
    let path = "tests/fixtures/import/compose/sparkjava-mysql/compose.yaml";
    let (draft, r) = imported(Format::Compose, &[path]);
    insta::assert_snapshot!("compose_sparkjava_mysql", draft.to_yaml());
    round_trips(&draft, &r);
    // The backend reads its password from a secret and names no URL: assumed, and said.
    let link = draft
        .links
        .iter()
        .find(|l| l.from == "backend" && l.to == "db")
        .unwrap();
    assert!(link.comment.as_deref().unwrap().starts_with("assumed:"));
    assert!(spofs(&r, "write").contains(&"db".to_owned()));
    let v = verdict(&r);
    assert!(
        !v.iter().any(|f| f.starts_with("unreachable-component")),
        "{v:?}"
    );
}

#[test]
fn compose_database_and_its_web_console() {
    let path = "tests/fixtures/import/compose/postgresql-pgadmin/compose.yaml";
    let (draft, r) = imported(Format::Compose, &[path]);
    insta::assert_snapshot!("compose_postgresql_pgadmin", draft.to_yaml());
    round_trips(&draft, &r);
    // pgAdmin is a console, not the application; with nothing else published it is the way
    // in, and it reaches Postgres.
    let pgadmin = component(&draft, "pgadmin");
    assert_eq!(
        pgadmin.get("kind"),
        Some(&import::draft::Value::word("other"))
    );
    assert!(links_of(&draft).contains(&"pgadmin>postgres".to_owned()));
    let v = verdict(&r);
    assert!(!v.iter().any(|f| f.starts_with("journey-broken")), "{v:?}");
    assert!(v.contains(&"database-exposed postgres".to_owned()), "{v:?}");
}

#[test]
fn compose_pipeline_without_a_way_in_is_judged_on_its_jobs() {
    let path = "tests/fixtures/import/compose/wasmedge-kafka-mysql/compose.yml";
    let (draft, r) = imported(Format::Compose, &[path]);
    insta::assert_snapshot!("compose_wasmedge_kafka_mysql", draft.to_yaml());
    round_trips(&draft, &r);
    // `image: etl-kafka` names what `build:` makes, not Kafka: the service reads Kafka and
    // writes MariaDB, and nothing calls it: a worker.
    let etl = component(&draft, "etl");
    assert_eq!(etl.get("kind"), Some(&import::draft::Value::word("worker")));
    assert_eq!(r.journeys.len(), 1, "{:?}", r.journeys);
    let s = spofs(&r, "jobs");
    for c in ["redpanda", "etl", "db"] {
        assert!(s.contains(&c.to_owned()), "{c}: {s:?}");
    }
    assert!(!verdict(&r).iter().any(|f| f.starts_with("journey-broken")));
}

#[test]
fn kubernetes_guestbook_directory_with_repeated_resources() {
    let dir = "tests/fixtures/import/kubernetes/guestbook-all-in-one";
    let (draft, r) = imported(Format::Kubernetes, &[dir]);
    insta::assert_snapshot!("kubernetes_guestbook_all_in_one", draft.to_yaml());
    round_trips(&draft, &r);
    // The all-in-one file repeats the Deployments and Services of the two others: the later
    // definitions are used (the import used to write duplicate keys and fail to load).
    let again: Vec<&String> = draft
        .skipped
        .iter()
        .filter(|s| s.contains("defined again"))
        .collect();
    assert_eq!(again.len(), 4, "{:?}", draft.skipped);
    // The PHP front end finds Redis by DNS alone; it is the namespace's one application.
    let l = links_of(&draft);
    assert!(l.contains(&"frontend>redis-master".to_owned()), "{l:?}");
    assert!(spofs(&r, "all").contains(&"redis-master".to_owned()));
    assert!(
        !verdict(&r)
            .iter()
            .any(|f| f.starts_with("unreachable-component"))
    );
}

#[test]
fn kubernetes_bare_pods_are_workloads_on_one_node() {
    let p = write_tmp(
        "bare-pod",
        "apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: 'nginx:1.27', ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
",
    );
    let (draft, r) = imported(Format::Kubernetes, &[p.to_str().unwrap()]);
    round_trips(&draft, &r);
    // The Service selects the Pod by its own labels; nothing recreates the Pod elsewhere,
    // so it and its node are single points of failure.
    assert_eq!(
        component(&draft, "web-lb").get("pool"),
        Some(&import::draft::Value::words(["web"]))
    );
    let web = component(&draft, "web");
    assert_eq!(web.get("host"), Some(&import::draft::Value::word("node-1")));
    let s = spofs(&r, "all");
    assert!(
        s.contains(&"web".to_owned()) && s.contains(&"node-1".to_owned()),
        "{s:?}"
    );
}

#[test]
fn kubernetes_replication_controllers_are_workloads() {
    let dir = "tests/fixtures/import/kubernetes/nodejs-mongodb-rc";
    let (draft, r) = imported(Format::Kubernetes, &[dir]);
    insta::assert_snapshot!("kubernetes_nodejs_mongodb_rc", draft.to_yaml());
    round_trips(&draft, &r);
    let web = component(&draft, "web-controller");
    assert_eq!(web.get("replicas"), Some(&import::draft::Value::Int(2)));
    // One MongoDB pod, assumed used by the one application: the single point of failure
    // of reads and writes.
    let s = spofs(&r, "write");
    assert!(s.contains(&"mongo-controller".to_owned()), "{s:?}");
}

#[test]
fn threagile_model_split_with_includes_imports_whole() {
    // Threagile 1.0 splits a model over files with `includes:` (two levels deep here);
    // `main.yaml` holds no asset itself.
    let main = "tests/fixtures/import/threagile/split/main.yaml";
    let (draft, r) = imported(Format::Threagile, &[main]);
    round_trips(&draft, &r);
    let whole = "tests/fixtures/import/threagile/threagile-example-model.yaml";
    let (whole_draft, whole_r) = imported(Format::Threagile, &[whole]);
    // The same assets as the single-file example (the project's own merged copy), and findings
    // located in the file that holds each asset.
    let ids = |d: &import::Draft| {
        let mut v: Vec<String> = d.components.iter().map(|c| c.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&draft), ids(&whole_draft));
    assert_eq!(verdict(&r), verdict(&whole_r));
    let db = r
        .findings
        .iter()
        .find(|f| f.element == "sql-database")
        .unwrap();
    assert!(
        db.file
            .ends_with("threagile/split/technical_assets_databases.yaml"),
        "{}",
        db.file
    );
    assert!(draft.sources.len() > 10, "{}", draft.sources.len());
}

#[test]
fn threagile_includes_that_loop_or_go_missing_end_cleanly() {
    let dir = std::env::temp_dir().join(format!("archdoc-tg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // a includes b, b includes a: each read once.
    std::fs::write(
        dir.join("a.yaml"),
        "threagile_version: 1.0.0\nincludes: [b.yaml]\ntechnical_assets:\n  Web: {id: web, technology: web-server}\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.yaml"), "includes: [a.yaml]\n").unwrap();
    let a = dir.join("a.yaml");
    let d = import::import(Format::Threagile, &[a.as_path()], &Limits::default()).unwrap();
    assert_eq!(d.sources.len(), 2);
    // A missing include, an absolute one: errors that name them.
    for (inc, says) in [("gone.yaml", "gone.yaml"), ("/etc/passwd", "absolute path")] {
        std::fs::write(
            dir.join("c.yaml"),
            format!("threagile_version: 1.0.0\nincludes: ['{inc}']\ntechnical_assets:\n  Web: {{id: web}}\n"),
        )
        .unwrap();
        let c = dir.join("c.yaml");
        let e = import::import(Format::Threagile, &[c.as_path()], &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{e}");
    }
}

#[test]
fn terraform_alb_autoscaling_single_az_rds() {
    let path = "tests/fixtures/import/terraform/shop-alb-asg-rds.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_shop_alb_asg_rds", draft.to_yaml());
    round_trips(&draft, &r);
    // An RDS instance without multi_az is a single point of failure, and so is its zone.
    for journey in ["read", "write"] {
        let s = spofs(&r, journey);
        assert!(s.contains(&"aws_db_instance.main".to_owned()), "{s:?}");
        assert!(s.contains(&"us-east-1a".to_owned()), "{s:?}");
    }
    // The autoscaling group spread over two zones survives either one.
    assert!(spofs(&r, "all").is_empty(), "{:?}", spofs(&r, "all"));
    let v = verdict(&r);
    assert!(
        v.contains(&"admin-port-open aws_security_group.app".to_owned()),
        "{v:?}"
    );
    assert!(
        !v.iter().any(|f| f.starts_with("missing-health-checks")),
        "{v:?}"
    );
    assert_eq!(
        draft.skipped,
        [
            "1 resource of type aws_iam_instance_profile",
            "1 resource of type aws_iam_role"
        ]
    );
    // Findings point at the resource's address in the (one-line) plan.
    let db = r
        .findings
        .iter()
        .find(|f| f.element == "aws_db_instance.main")
        .unwrap();
    assert_eq!(db.file, path);
    let text = std::fs::read_to_string(path).unwrap();
    let at = text.find("\"address\":\"aws_db_instance.main\"").unwrap() + "\"address\":".len();
    assert_eq!((db.line, db.column), (1, at + 1));
}

#[test]
fn terraform_cloudfront_multi_az() {
    let path = "tests/fixtures/import/terraform/shop-cdn-multi-az.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_shop_cdn_multi_az", draft.to_yaml());
    round_trips(&draft, &r);
    // Multi-AZ RDS, ElastiCache with automatic failover, an autoscaling group over three
    // zones, all behind CloudFront: no single point of failure; the region is the one shared fate.
    for journey in ["all", "read", "write"] {
        assert!(
            spofs(&r, journey).is_empty(),
            "{journey}: {:?}",
            spofs(&r, journey)
        );
    }
    let v = verdict(&r);
    assert!(v.contains(&"single-region us-east-1".to_owned()), "{v:?}");
    assert!(!v.iter().any(|f| f.starts_with("admin-port-open")), "{v:?}");
    // Users come in through CloudFront, not straight to the load balancer.
    assert!(
        draft
            .links
            .iter()
            .any(|l| l.from == "user" && l.to == "aws_cloudfront_distribution.www")
    );
    assert!(
        !draft
            .links
            .iter()
            .any(|l| l.from == "user" && l.to == "aws_lb.web")
    );
}

/// The column of a resource's `"address"` in a one-line plan (where its findings point).
fn column_of_address(path: &str, address: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let planned = text.find("\"planned_values\"").unwrap();
    let quoted = format!("\"{address}\"");
    planned + text[planned..].find(&quoted).unwrap() + 1
}

#[test]
fn terraform_real_alb_and_autoscaling_group_across_modules() {
    let path = "tests/fixtures/import/terraform/terraform-compliance/alb-asg-in-modules.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_real_alb_asg_in_modules", draft.to_yaml());
    round_trips(&draft, &r);
    // The target group (in `module.alb`) reaches the autoscaling group (in
    // `module.myapp-asg`) only through a module output passed in as a module variable.
    let alb = component(&draft, "module.alb.aws_alb.alb");
    assert_eq!(
        alb.get("pool"),
        Some(&import::draft::Value::words(vec![
            "module.myapp-asg.aws_autoscaling_group.asg".to_owned()
        ]))
    );
    assert!(alb.get("certificate").is_some(), "an HTTPS listener");
    // One instance (desired 1, max 1) behind the balancer: the single point of failure.
    assert_eq!(
        spofs(&r, "all"),
        ["module.myapp-asg.aws_autoscaling_group.asg"]
    );
    let v = verdict(&r);
    assert!(
        v.contains(&"single-backend-pool module.alb.aws_alb.alb".to_owned()),
        "{v:?}"
    );
    assert!(
        !v.iter().any(|f| f.starts_with("model-inconsistency")),
        "{v:?}"
    );
    assert_eq!(
        draft.skipped,
        [
            "security group `aws_security_group.lambda_sg`: attached to nothing in the plan",
            "2 resources of type aws_iam_instance_profile",
            "3 resources of type aws_iam_role",
            "2 resources of type aws_iam_role_policy",
            "2 resources of type aws_iam_role_policy_attachment",
            "1 resource of type aws_lambda_function",
        ]
    );
    let asg = r
        .findings
        .iter()
        .find(|f| f.rule == "single-point-of-failure")
        .unwrap();
    assert_eq!(asg.file, path);
    let at = column_of_address(path, "module.myapp-asg.aws_autoscaling_group.asg");
    assert_eq!((asg.line, asg.column), (1, at));
}

#[test]
fn terraform_real_classic_elb_and_autoscaling_group() {
    let path = "tests/fixtures/import/terraform/terraform-compliance/elb-asg.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_real_elb_asg", draft.to_yaml());
    round_trips(&draft, &r);
    // The group names the Classic ELB in `load_balancers`: the balancer's pool.
    let elb = component(&draft, "aws_elb.example");
    assert_eq!(
        elb.get("pool"),
        Some(&import::draft::Value::words(vec![
            "aws_autoscaling_group.example".to_owned()
        ]))
    );
    assert_eq!(
        elb.get("health_checks"),
        Some(&import::draft::Value::Bool(true))
    );
    // Two instances over six zones behind a managed balancer: no single point of failure,
    // but plain HTTP from the internet, and one region.
    assert!(spofs(&r, "all").is_empty(), "{:?}", spofs(&r, "all"));
    let v = verdict(&r);
    for expected in [
        "missing-https user",
        "single-region us-east-1",
        "unreachable-component aws_instance.web",
    ] {
        assert!(v.contains(&expected.to_owned()), "{expected}: {v:?}");
    }
    // One naming module labels the balancer, the group and the instance alike; the import
    // tells them apart.
    assert!(
        !v.iter().any(|f| f.starts_with("model-inconsistency")),
        "{v:?}"
    );
}

#[test]
fn terraform_real_single_az_rds_without_a_named_zone() {
    let path = "tests/fixtures/import/terraform/terraform-compliance/rds-single-az.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_real_rds_single_az", draft.to_yaml());
    round_trips(&draft, &r);
    let yaml = draft.to_yaml();
    // No subnets, no region: the instance is still in one zone (its own, said), not
    // "managed, zones not stated, assumed to span several".
    assert!(
        yaml.contains("zones: [aws_db_instance.default-zone]"),
        "{yaml}"
    );
    assert!(yaml.contains("zone of aws_db_instance.default (not in the plan)"));
    let v = verdict(&r);
    assert!(
        !v.contains(&"unspecified-behaviour aws_db_instance.default".to_owned()),
        "{v:?}"
    );
    // Backups are AWS's default when `backup_retention_period` is unset: assumed and said.
    assert!(yaml.contains("assumed: automated backups"), "{yaml}");
    // Nothing in the plan reaches it: said, not guessed.
    assert!(
        v.contains(&"unreachable-component aws_db_instance.default".to_owned()),
        "{v:?}"
    );
}

#[test]
fn terraform_real_vulnerable_web_and_data_plan() {
    let path = "tests/fixtures/import/terraform/checkov/vulnerable-web-and-data.plan.json";
    let (draft, r) = imported(Format::Terraform, &[path]);
    insta::assert_snapshot!("terraform_real_vulnerable_web_and_data", draft.to_yaml());
    round_trips(&draft, &r);
    // One Classic ELB in one subnet, in front of one instance (`instances`): the balancer,
    // the instance and their zone each stop every journey.
    for expected in ["aws_elb.weblb", "aws_instance.web_host", "us-west-2a"] {
        assert!(
            spofs(&r, "all").contains(&expected.to_owned()),
            "{expected}: {:?}",
            spofs(&r, "all")
        );
    }
    let v = verdict(&r);
    for expected in [
        "admin-port-open aws_security_group.web-node",
        "missing-https user",
        "single-backend-pool aws_elb.weblb",
        // backup_retention_period 0, multi_az false: the only copy of its data.
        "database-without-replica aws_db_instance.default",
    ] {
        assert!(v.contains(&expected.to_owned()), "{expected}: {v:?}");
    }
    // Buckets that only receive logs are said, not assumed to be used by the applications.
    assert!(
        draft.skipped.contains(
            &"bucket `aws_s3_bucket.flowbucket`: receives the logs of `aws_flow_log.vpcflowlogs`, off the request path"
                .to_owned()
        ),
        "{:?}",
        draft.skipped
    );
    assert!(!draft.links.iter().any(|l| l.to == "aws_s3_bucket.logs"));
    assert!(
        draft
            .skipped
            .contains(&"1 resource of type aws_neptune_cluster".to_owned())
    );
}

#[test]
fn terraform_module_references_that_loop_or_fan_out_end() {
    // A module whose output refers to its own variable, which its caller sets from that
    // output, each named hundreds of times: followed once each, not 400^16 times. The JSON
    // is written with sorted keys (as `jq -S` writes a plan): `format_version` comes after
    // the whole configuration, and the file is still known as a plan.
    let many =
        |r: &str| serde_json::Value::Array(vec![serde_json::Value::String(r.to_owned()); 400]);
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [], "child_modules": [{
            "address": "module.m",
            "resources": [
                {"address": "module.m.aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a", "values": {}},
                {"address": "module.m.aws_lb.b", "mode": "managed", "type": "aws_lb", "name": "b", "values": {}}
            ]
        }]}},
        "configuration": {"root_module": {"module_calls": {"m": {
            "expressions": {"x": {"references": many("module.m.out")}},
            "module": {
                "outputs": {"out": {"expression": {"references": many("var.x")}}},
                "resources": [
                    {"address": "aws_instance.a", "type": "aws_instance", "name": "a",
                     "expressions": {"subnet_id": {"references": many("var.x")}}},
                    {"address": "aws_lb.b", "type": "aws_lb", "name": "b",
                     "expressions": {"subnets": {"references": many("module.m.out")}}}
                ]
            }
        }}}}
    });
    let path = write_tmp("module-loop", "").with_extension("json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let draft = import::import(Format::Terraform, &[path.as_path()], &Limits::default()).unwrap();
    assert!(
        draft
            .components
            .iter()
            .any(|c| c.id == "module.m.aws_instance.a")
    );
    import::load_draft(&draft, &Limits::default()).unwrap();
}

#[test]
fn terraform_plans_trimmed_by_hand_still_import() {
    let write = |name: &str, text: &str| {
        let p = write_tmp(name, "").with_extension("json");
        std::fs::write(&p, text).unwrap();
        p
    };
    let import = |p: &std::path::Path| import::import(Format::Terraform, &[p], &Limits::default());
    // Planned values cut away, the changes kept: what the changes leave in place is read,
    // what they delete is not.
    let p = write(
        "changes-only",
        r#"{"format_version":"1.2","planned_values":{"root_module":{}},"resource_changes":[
          {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
           "change":{"actions":["update"],"after":{"instance_type":"t3.micro"}}},
          {"address":"aws_instance.old","mode":"managed","type":"aws_instance","name":"old",
           "change":{"actions":["delete"],"after":null}}]}"#,
    );
    let draft = import(&p).unwrap();
    let ids: Vec<&str> = draft.components.iter().map(|c| c.id.as_str()).collect();
    assert!(
        ids.contains(&"aws_instance.web") && !ids.contains(&"aws_instance.old"),
        "{ids:?}"
    );
    // `format_version` lost: still known as a plan by its planned values.
    let p = write(
        "no-format-version",
        r#"{"planned_values":{"root_module":{"resources":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","values":{}}]}}}"#,
    );
    assert!(import(&p).is_ok());
    // Another kind of JSON (an ARM template) is named as such, not taken for a model.
    let p = write(
        "arm",
        r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[]}"#,
    );
    let e = import(&p).unwrap_err().to_string();
    assert!(
        e.contains("another kind of file") && !e.contains("archdoc model"),
        "{e}"
    );
}

#[test]
fn terraform_bad_input_is_an_error_not_a_panic() {
    for (text, says) in [
        ("{\"format_version\":\"1.2\",", "not valid JSON"),
        (
            "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{}}}",
            "plans no resources",
        ),
        ("services:\n  web: { image: nginx }\n", "Docker Compose"),
    ] {
        let p = write_tmp("plan", text);
        let e = import::import(Format::Terraform, &[p.as_path()], &Limits::default()).unwrap_err();
        assert!(e.to_string().contains(says), "{e}");
    }
    // Odd shapes and unknown types import (or fail) without a panic.
    for text in [
        "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"x_y.z\",\"type\":\"x_y\",\"values\":null}]}}}",
        "{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":{\"resources\":[{\"address\":\"aws_lb.a[\",\"type\":\"aws_lb\",\"values\":[]}],\"child_modules\":7}},\"configuration\":{\"root_module\":{\"resources\":[{\"address\":\"aws_lb.a\",\"expressions\":{\"subnets\":{\"references\":[7,\"aws_subnet\",\"var.x\"]}}}]}}}",
        "{\"format_version\":\"1.2\",\"values\":{\"root_module\":{\"resources\":[{\"address\":\"aws_db_instance.d\",\"type\":\"aws_db_instance\",\"values\":{\"multi_az\":\"yes\"}}]}}}",
    ] {
        let p = write_tmp("plan", text);
        if let Ok(d) = import::import(Format::Terraform, &[p.as_path()], &Limits::default()) {
            import::load_draft(&d, &Limits::default())
                .unwrap_or_else(|e| panic!("{e:?}\n{}", d.to_yaml()));
        }
    }
}

/// A lone EC2 instance in a known zone is a group of one placed there: the model loads (it
/// was once written with `spread` and no `replicas`, which the loader rejects). An
/// autoscaling group of desired capacity 0 is counted as one instance, and says so.
#[test]
fn terraform_single_instance_in_a_zone_loads_and_its_zone_is_named() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web",
       "values":{"availability_zone":"eu-west-1a","associate_public_ip_address":true}},
      {"address":"aws_autoscaling_group.idle","mode":"managed","type":"aws_autoscaling_group","name":"idle",
       "values":{"name":"idle","desired_capacity":0,"min_size":0,"max_size":2,"availability_zones":["eu-west-1b"]}}
    ]}}}"#;
    let p = write_tmp("lone-instance", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    assert!(yaml.contains("replicas: 1"), "{yaml}");
    assert!(yaml.contains("spread: [eu-west-1a]"), "{yaml}");
    assert!(yaml.contains("desired capacity 0"), "{yaml}");
    let model =
        import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert_eq!(model.components.len(), 3, "{yaml}");
}

/// A read replica is a replica of its source database, whether the plan names the source
/// by a reference in the configuration (its identifier known only after apply), by its
/// identifier, or by an ARN; a replica of a database outside the plan is judged on its own
/// and says so. The model loads (a replica without `replica_of` once did not).
#[test]
fn terraform_read_replicas_name_their_source() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
       "values":{"identifier":"shop-db","engine":"mysql","multi_az":true}},
      {"address":"aws_db_instance.read","mode":"managed","type":"aws_db_instance","name":"read",
       "values":{"engine":"mysql","replicate_source_db":null}},
      {"address":"aws_db_instance.by_name","mode":"managed","type":"aws_db_instance","name":"by_name",
       "values":{"engine":"mysql","replicate_source_db":"arn:aws:rds:us-east-1:123456789012:db:shop-db"}},
      {"address":"aws_db_instance.elsewhere","mode":"managed","type":"aws_db_instance","name":"elsewhere",
       "values":{"engine":"mysql","replicate_source_db":"legacy-db"}}
    ]}},"configuration":{"root_module":{"resources":[
      {"address":"aws_db_instance.read","mode":"managed","type":"aws_db_instance","name":"read",
       "expressions":{"replicate_source_db":{"references":["aws_db_instance.main.identifier","aws_db_instance.main"]}}}
    ]}}}"#;
    let p = write_tmp("read-replicas", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    let model =
        import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    let replica_of = |id: &str| {
        let c = model
            .components
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id}\n{yaml}"));
        c.replica_of.map(|i| model.components[i].id.clone())
    };
    assert_eq!(replica_of("aws_db_instance.main"), None, "{yaml}");
    assert_eq!(
        replica_of("aws_db_instance.read").as_deref(),
        Some("aws_db_instance.main")
    );
    assert_eq!(
        replica_of("aws_db_instance.by_name").as_deref(),
        Some("aws_db_instance.main")
    );
    assert_eq!(replica_of("aws_db_instance.elsewhere"), None, "{yaml}");
    assert!(yaml.contains("a read replica of `legacy-db`"), "{yaml}");
}

/// `helm template` of a large platform is thousands of documents in one file: 1,500 import
/// (the parser's default stopped at 1,024 with "the model is too large"); a storm of empty
/// documents past the bound is refused with a message that says so.
#[test]
fn kubernetes_thousands_of_documents_import_and_a_separator_storm_is_refused() {
    let mut manifest = String::new();
    for i in 0..750 {
        manifest.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{ name: app{i} }}\nspec:\n  replicas: 2\n  selector: {{ matchLabels: {{ app: app{i} }} }}\n  template:\n    metadata: {{ labels: {{ app: app{i} }} }}\n    spec: {{ containers: [{{ name: app, image: example/app{i}:1 }}] }}\n---\napiVersion: v1\nkind: Service\nmetadata: {{ name: app{i} }}\nspec: {{ selector: {{ app: app{i} }}, ports: [{{ port: 80 }}] }}\n---\n"
        ));
    }
    let p = write_tmp("many-documents", &manifest);
    let draft = import::import(Format::Kubernetes, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(draft.components.len() >= 750, "{}", draft.components.len());
    let storm = format!(
        "apiVersion: v1\nkind: Service\nmetadata: {{ name: a }}\n{}",
        "---\n".repeat(150_000)
    );
    let p = write_tmp("separator-storm", &storm);
    let e = import::import(Format::Kubernetes, &[p.as_path()], &Limits::default()).unwrap_err();
    assert!(
        e.to_string().contains("more than 100000 YAML documents"),
        "{e}"
    );
}

/// Found by the import fuzz target: a load balancer whose target group checks health but
/// holds nothing the plan shows was written with `health_checks` and no `pool`, which the
/// loader rejects. It now says what is missing, and the model loads.
#[test]
fn terraform_health_checked_balancer_without_members_loads() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_lb.web","mode":"managed","type":"aws_lb","name":"web","values":{"name":"web","internal":false}},
      {"address":"aws_lb_target_group.app","mode":"managed","type":"aws_lb_target_group","name":"app","values":{"health_check":[{"path":"/health"}]}},
      {"address":"aws_lb_listener.https","mode":"managed","type":"aws_lb_listener","name":"https","values":{"protocol":"HTTPS","port":443}}
    ]}},"configuration":{"root_module":{"resources":[
      {"address":"aws_lb_listener.https","expressions":{
        "load_balancer_arn":{"references":["aws_lb.web.arn","aws_lb.web"]},
        "default_action":[{"target_group_arn":{"references":["aws_lb_target_group.app.arn","aws_lb_target_group.app"]}}]}}
    ]}}}"#;
    let p = write_tmp("balancer-without-members", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert!(yaml.contains("what it holds is not in the plan"), "{yaml}");
    assert!(!yaml.contains("health_checks"), "{yaml}");
}

/// Found by the import fuzz target: a workload or service named `user` met the `user`
/// client the importer adds (a duplicate key: the model did not load). The client takes the
/// next free id.
#[test]
fn a_service_named_user_does_not_collide_with_the_client() {
    let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: user }\nspec:\n  replicas: 2\n  selector: { matchLabels: { app: user } }\n  template:\n    metadata: { labels: { app: user } }\n    spec: { containers: [{ name: user, image: example/user:1 }] }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: user }\nspec: { type: LoadBalancer, selector: { app: user }, ports: [{ port: 80 }] }\n";
    let compose = "services:\n  user:\n    image: example/user:1\n    ports: [\"80:8080\"]\n";
    for (format, name, text) in [
        (Format::Kubernetes, "user-k8s", k8s),
        (Format::Compose, "user-compose", compose),
    ] {
        let p = write_tmp(name, text);
        let draft = import::import(format, &[p.as_path()], &Limits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let yaml = draft.to_yaml();
        let model = import::load_draft(&draft, &Limits::default())
            .unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
        assert!(yaml.contains("from: user-2, to: user"), "{yaml}");
        // The journey runs from the client into the service.
        let r = ModelReport::check(&model);
        assert!(
            !verdict(&r).iter().any(|v| v.starts_with("journey-broken")),
            "{yaml}"
        );
    }
}

/// A Compose file with a Locust service publishing its UI: the load generator is test
/// traffic, not a way in; the web service it targets is.
#[test]
fn compose_load_generator_is_not_a_way_in() {
    let compose = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n  locust:\n    image: locustio/locust:2.20\n    command: -f /mnt/locust/locustfile.py --host http://web\n    ports: [\"8089:8089\"]\n    depends_on: [web]\n";
    let p = write_tmp("locust", compose);
    let draft = import::import(Format::Compose, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert!(!yaml.contains("  locust:"), "{yaml}");
    assert!(
        yaml.contains("service `locust`: generates test traffic"),
        "{yaml}"
    );
    assert!(yaml.contains("to: web"), "{yaml}");
}

/// Found by the import fuzz target: an ingress rule whose CIDR is not an address range was
/// written as a firewall source the loader rejects. It is left out and said.
#[test]
fn terraform_ingress_from_a_malformed_cidr_is_left_out_and_said() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web","values":{}},
      {"address":"aws_security_group.web","mode":"managed","type":"aws_security_group","name":"web",
       "values":{"name":"web","ingress":[{"from_port":22,"cidr_blocks":["0.0NULL.0.0/0","10.0.0.0/8"]}]}}
    ]}},"configuration":{"root_module":{"resources":[
      {"address":"aws_instance.web","expressions":{"vpc_security_group_ids":{"references":["aws_security_group.web.id","aws_security_group.web"]}}}
    ]}}}"#;
    let p = write_tmp("malformed-cidr", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert!(
        yaml.contains("ingress from `0.0NULL.0.0/0` left out"),
        "{yaml}"
    );
    assert!(
        yaml.contains("{ port: 22, from: \"10.0.0.0/8\" }"),
        "{yaml}"
    );
}

/// Found by the import fuzz target once the loader refused `allow` port 0: an AWS "all
/// traffic" rule (protocol -1, ports 0 to 0) became `port: 0`, and a rule with port 70000 or
/// none would not load either. Such rules are left out of `allow` and said in a comment; real
/// ports stay.
#[test]
fn terraform_all_traffic_and_impossible_ports_are_said_not_written_as_ports() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_instance.web","mode":"managed","type":"aws_instance","name":"web","values":{}},
      {"address":"aws_security_group.web","mode":"managed","type":"aws_security_group","name":"web",
       "values":{"name":"web","ingress":[
         {"from_port":443,"to_port":443,"protocol":"tcp","cidr_blocks":["0.0.0.0/0"]},
         {"from_port":0,"to_port":0,"protocol":"-1","cidr_blocks":["0.0.0.0/0"]},
         {"from_port":70000,"to_port":70000,"protocol":"tcp","cidr_blocks":["10.0.0.0/8"]},
         {"protocol":"tcp","cidr_blocks":["10.0.0.0/8"]}]}}
    ]}},"configuration":{"root_module":{"resources":[
      {"address":"aws_instance.web","expressions":{"vpc_security_group_ids":{"references":["aws_security_group.web.id","aws_security_group.web"]}}}
    ]}}}"#;
    let p = write_tmp("all-traffic", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert!(
        yaml.contains("allow: [{ port: 443, from: internet }]"),
        "{yaml}"
    );
    for said in [
        "ingress on every port (protocol -1) left out",
        "ingress on port 70000 (not a port) left out",
        "ingress on no port left out",
    ] {
        assert!(yaml.contains(said), "{said}\n{yaml}");
    }
}

/// Found by the import fuzz target: an image name of 4,787 bytes became a `software:` the
/// loader refuses (longer than 4,096). Imported text is cut, marked with `…`.
#[test]
fn an_overlong_image_name_is_cut_and_the_model_loads() {
    let compose = format!(
        "services:\n  web:\n    image: \"nginx-{}:1\"\n    ports: [\"80:80\"]\n",
        "x".repeat(5000)
    );
    let p = write_tmp("long-image", &compose);
    let draft = import::import(Format::Compose, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(yaml.contains("x…\""), "the cut is marked");
}

/// Found by the import fuzz target: two Compose services whose names are alike in their
/// first 100 characters got the same id (a duplicate key: the model did not load).
#[test]
fn services_alike_in_their_first_hundred_characters_get_distinct_ids() {
    let long = "a".repeat(120);
    let compose = format!(
        "services:\n  {long}x:\n    image: nginx\n    ports: [\"80:80\"]\n  {long}y:\n    image: nginx\n    ports: [\"81:80\"]\n"
    );
    let p = write_tmp("alike-names", &compose);
    let draft = import::import(Format::Compose, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    let long_ids: Vec<&String> = draft
        .components
        .iter()
        .map(|c| &c.id)
        .filter(|id| id.starts_with("aaaa"))
        .collect();
    assert_eq!(long_ids.len(), 2, "{yaml}");
    assert_ne!(long_ids[0], long_ids[1]);
}

/// Found by the import fuzz target: a zone named as the region (or two zone names alike once
/// made safe) gave two domains with one id, or one zone listed twice in a `spread` (the model
/// did not load).
#[test]
fn terraform_zone_named_as_its_region_is_one_domain() {
    let plan = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
      {"address":"aws_instance.a","mode":"managed","type":"aws_instance","name":"a","values":{"availability_zone":"us-east-1b"}},
      {"address":"aws_instance.b","mode":"managed","type":"aws_instance","name":"b","values":{"availability_zone":"us east-1b"}},
      {"address":"aws_instance.c","mode":"managed","type":"aws_instance","name":"c","values":{"availability_zones":["us-east-1c","us east-1c"]}}
    ]}},"configuration":{"provider_config":{"aws":{"expressions":{"region":{"constant_value":"us-east-1b"}}}}}}"#;
    let p = write_tmp("zone-as-region", plan);
    let draft = import::import(Format::Terraform, &[p.as_path()], &Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let yaml = draft.to_yaml();
    import::load_draft(&draft, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
}
