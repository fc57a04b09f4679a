//! Kubernetes manifests → archdoc. Workloads (Deployment, StatefulSet, DaemonSet) become
//! components; their replicas a replica group, placed by their spread constraints or
//! anti-affinity (over zones or nodes); a HorizontalPodAutoscaler's `minReplicas` is the floor;
//! a PodDisruptionBudget gives `min_healthy`; Services resolve names, and `LoadBalancer`
//! Services and Ingresses are the way in (TLS from the Ingress `tls:` block); NetworkPolicies
//! become security groups; StatefulSets of known databases become a primary and its replicas.
//! Resources that say nothing about failure (ConfigMaps, RBAC, CRDs) are listed as skipped.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::Value as Json;
use serde_saphyr::Spanned;

use super::draft::{Draft, DraftLink, Element, Origin, SourceFile, Value, distinct_id, safe_id};
use super::infer::{self, Guess};
use crate::model::{Limits, ModelError, Span};

#[derive(Deserialize)]
struct RawDoc {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<RawMeta>,
    #[serde(default)]
    spec: Option<Json>,
    #[serde(default)]
    data: Option<Json>,
    #[serde(default)]
    items: Option<Vec<Json>>,
}

#[derive(Deserialize)]
struct RawMeta {
    #[serde(default)]
    name: Option<Spanned<String>>,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    labels: Option<Json>,
}

/// One resource, with where it is written.
struct Resource {
    kind: String,
    name: String,
    namespace: String,
    spec: Json,
    data: Json,
    /// `metadata.labels` (a bare Pod's are what Services select).
    labels: Json,
    origin: Origin,
}

/// A workload, once read.
struct Workload {
    id: String,
    name: String,
    namespace: String,
    kind: String,
    labels: BTreeMap<String, String>,
    guess: Guess,
    /// It only generates test traffic (Locust, k6...): a client, not part of the design.
    load_generator: bool,
    replicas: u64,
    origin: Origin,
    ready_probe: bool,
    env: Vec<(String, String)>,
    pod: Json,
}

const WORKLOADS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    // The legacy controller still found in older examples and charts; its pod template is
    // a Deployment's.
    "ReplicationController",
    // A bare Pod: one, and nothing recreates it elsewhere.
    "Pod",
];

/// The ways in when no Ingress or LoadBalancer Service says: the workloads nothing calls
/// (calls from load generators aside), once those that only consume a queue are taken for
/// the workers they are; failing that, the workload from which the most others are reached.
/// Each choice is said in the model's notes.
fn assumed_ways_in(
    draft: &mut Draft,
    workloads: &[Workload],
) -> Vec<(String, Origin, bool, Option<String>)> {
    let clients: BTreeSet<&str> = workloads
        .iter()
        .filter(|w| w.load_generator)
        .map(|w| w.id.as_str())
        .collect();
    let called: BTreeSet<String> = draft
        .links
        .iter()
        .filter(|l| !clients.contains(l.from.as_str()))
        .map(|l| l.to.clone())
        .collect();
    // Each component's kind, read once (the lookups below run per workload and per link).
    let kinds: std::collections::HashMap<String, String> = draft
        .components
        .iter()
        .filter_map(|c| match c.get("kind") {
            Some(Value::Word(k)) => Some((c.id.clone(), k.clone())),
            _ => None,
        })
        .collect();
    let serving = |w: &Workload| {
        !w.load_generator
            && kinds.get(&w.id).is_some_and(|k| {
                matches!(k.as_str(), "web_server" | "load_balancer" | "app_server")
            })
    };
    // Uncalled workloads that talk to a queue consume it: workers, not ways in.
    let queue_readers: BTreeSet<&str> = draft
        .links
        .iter()
        .filter(|l| kinds.get(&l.to).is_some_and(|k| k == "queue"))
        .map(|l| l.from.as_str())
        .collect();
    let consumers: Vec<String> = workloads
        .iter()
        .filter(|w| !called.contains(&w.id) && serving(w) && queue_readers.contains(w.id.as_str()))
        .map(|w| w.id.clone())
        .collect();
    // (A consumer becomes a worker below, so it serves no longer.)
    let serving = |w: &Workload| serving(w) && !consumers.contains(&w.id);
    for id in &consumers {
        if let Some(c) = draft.component_mut(id) {
            c.set("kind", Value::word("worker"));
            c.note(
                "assumed: a worker consuming its queue (nothing calls it, and it reads a queue)",
            );
        }
    }
    for l in draft
        .links
        .iter_mut()
        .filter(|l| consumers.contains(&l.from))
    {
        l.fields.retain(|(k, _)| k != "async");
    }
    let mut entries: Vec<(String, Origin, bool, Option<String>)> = workloads
        .iter()
        .filter(|w| !called.contains(&w.id) && serving(w))
        .map(|w| (w.id.clone(), w.origin, false, None))
        .collect();
    if !entries.is_empty() {
        draft.notes.push("assumed: no Ingress or LoadBalancer Service, so the workloads nothing calls are the way in".to_owned());
        return entries;
    }
    // Everything is called by something: the workload that reaches the most others.
    let mut callees: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for l in &draft.links {
        callees
            .entry(l.from.as_str())
            .or_default()
            .push(l.to.as_str());
    }
    let reach = |start: &str| {
        let mut seen: BTreeSet<&str> = BTreeSet::from([start]);
        let mut stack = vec![start];
        while let Some(c) = stack.pop() {
            for &to in callees.get(c).into_iter().flatten() {
                if seen.insert(to) {
                    stack.push(to);
                }
            }
        }
        seen.len()
    };
    let best = workloads
        .iter()
        .filter(|w| serving(w))
        .max_by_key(|w| (reach(&w.id), std::cmp::Reverse(w.id.clone())));
    if let Some(w) = best {
        draft.notes.push(format!(
            "assumed: no Ingress or LoadBalancer Service, and every workload is called by another: `{}`, from which the most are reached, is taken for the way in",
            w.id
        ));
        entries.push((w.id.clone(), w.origin, false, None));
    }
    entries
}

/// Builds the draft from Kubernetes manifests.
///
/// # Errors
/// A file is not valid YAML.
pub fn import(sources: &[SourceFile], limits: &Limits) -> Result<Draft, Box<ModelError>> {
    let mut resources = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for (i, src) in sources.iter().enumerate() {
        let docs: Vec<Option<RawDoc>> = serde_saphyr::from_str_multiple_with_options(
            &src.text,
            crate::model::yaml_options(limits),
        )
        .map_err(|e| crate::model::parse_error(&e, &src.display, &src.text))?;
        for d in docs.into_iter().flatten() {
            let Some(kind) = d.kind else { continue };
            if kind == "List" {
                *skipped
                    .entry("List (items not read)".to_owned())
                    .or_default() += d.items.map_or(0, |i| i.len());
                continue;
            }
            let (name, span) = match d.metadata.as_ref().and_then(|m| m.name.as_ref()) {
                Some(n) => (n.value.clone(), Span::of(n, &src.text)),
                None => (String::new(), Span::new(0, 0)),
            };
            let labels = d
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or(Json::Null);
            resources.push(Resource {
                kind,
                name,
                labels,
                namespace: d
                    .metadata
                    .and_then(|m| m.namespace)
                    .unwrap_or_else(|| "default".to_owned()),
                spec: d.spec.unwrap_or(Json::Null),
                data: d.data.unwrap_or(Json::Null),
                origin: Origin { file: i, span },
            });
        }
    }

    // The same resource twice (a directory holding a manifest and an all-in-one file that
    // repeats it): `kubectl apply` applies both in order, so the later one is what runs.
    let mut redefined: Vec<String> = Vec::new();
    {
        let mut last: HashMap<(String, String, String), (usize, usize)> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            if !r.name.is_empty() {
                let key = (r.kind.clone(), r.namespace.clone(), r.name.clone());
                last.insert(key, (i, r.origin.file));
            }
        }
        let mut keep = Vec::with_capacity(resources.len());
        for (i, r) in resources.into_iter().enumerate() {
            let key = (r.kind.clone(), r.namespace.clone(), r.name.clone());
            match last.get(&key) {
                Some(&(at, file)) if at != i => {
                    let later = sources.get(file).map_or("", |s| s.display.as_str());
                    redefined.push(format!(
                        "{} `{}/{}`: defined again in `{later}`; that later definition is used, as `kubectl apply` would",
                        r.kind, r.namespace, r.name
                    ));
                }
                _ => keep.push(r),
            }
        }
        resources = keep;
    }
    let mut draft = Draft {
        name: "Kubernetes application".to_owned(),
        skipped: redefined,
        ..Draft::default()
    };
    // ConfigMaps feed environment variables that name other services.
    let config_maps: BTreeMap<&str, &Json> = resources
        .iter()
        .filter(|r| r.kind == "ConfigMap")
        .map(|r| (r.name.as_str(), &r.data))
        .collect();

    // Workloads.
    let mut workloads: Vec<Workload> = Vec::new();
    for r in resources
        .iter()
        .filter(|r| WORKLOADS.contains(&r.kind.as_str()))
    {
        let (pod, labels) = if r.kind == "Pod" {
            (r.spec.clone(), string_map(Some(&r.labels)))
        } else {
            (
                r.spec
                    .pointer("/template/spec")
                    .cloned()
                    .unwrap_or(Json::Null),
                string_map(r.spec.pointer("/template/metadata/labels")),
            )
        };
        let containers: Vec<&Json> = pod
            .get("containers")
            .and_then(Json::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        // The main container: the one named after the workload (charts often put sidecars
        // first), else the first.
        let main = containers
            .iter()
            .copied()
            .find(|c| c.get("name").and_then(Json::as_str) == Some(r.name.as_str()))
            .or_else(|| containers.first().copied())
            .unwrap_or(&Json::Null);
        let image = main.get("image").and_then(Json::as_str);
        let command = ["command", "args"]
            .iter()
            .filter_map(|k| main.get(*k).and_then(Json::as_array))
            .flatten()
            .filter_map(Json::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let guess = infer::guess(image, &r.name, &command);
        let load_generator = infer::is_load_generator(image, &r.name);
        let mut env = Vec::new();
        for c in &containers {
            for e in c.get("env").and_then(Json::as_array).into_iter().flatten() {
                if let (Some(k), Some(v)) = (
                    e.get("name").and_then(Json::as_str),
                    e.get("value").and_then(Json::as_str),
                ) {
                    env.push((k.to_owned(), v.to_owned()));
                }
            }
            for ef in c
                .get("envFrom")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(cm) = ef.pointer("/configMapRef/name").and_then(Json::as_str)
                    && let Some(Json::Object(data)) = config_maps.get(cm)
                {
                    for (k, v) in data {
                        if let Some(v) = v.as_str() {
                            env.push((k.clone(), v.to_owned()));
                        }
                    }
                }
            }
        }
        let ready_probe = containers.iter().any(|c| c.get("readinessProbe").is_some());
        let replicas = match r.kind.as_str() {
            "DaemonSet" => 3,
            _ => r.spec.get("replicas").and_then(Json::as_u64).unwrap_or(1),
        };
        let mut id = safe_id(&r.name);
        if workloads.iter().any(|w| w.id == id) {
            id = safe_id(&format!("{}-{}", r.namespace, r.name));
        }
        // Still taken (the same name twice, or names alike in their first 100 characters).
        let id = distinct_id(&id, |id| workloads.iter().any(|w| w.id == id));
        workloads.push(Workload {
            id,
            name: r.name.clone(),
            namespace: r.namespace.clone(),
            kind: r.kind.clone(),
            labels,
            guess,
            load_generator,
            replicas,
            origin: r.origin,
            ready_probe,
            env,
            pod,
        });
    }
    if workloads.is_empty() {
        let shown = &sources[0].display;
        return Err(Box::new(
            ModelError::file(
                "import::empty",
                shown,
                format!("no Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController or Pod in `{shown}`"),
            )
            .with_help("pass the manifests of the application's workloads (render a chart first with `helm template`)"),
        ));
    }

    // Autoscalers and disruption budgets.
    let mut hpa_min: BTreeMap<String, u64> = BTreeMap::new();
    for r in resources
        .iter()
        .filter(|r| r.kind == "HorizontalPodAutoscaler")
    {
        if let Some(target) = r
            .spec
            .pointer("/scaleTargetRef/name")
            .and_then(Json::as_str)
        {
            let min = r
                .spec
                .get("minReplicas")
                .and_then(Json::as_u64)
                .unwrap_or(1);
            hpa_min.insert(target.to_owned(), min);
        }
    }
    let selects = |selector: Option<&Json>, w: &Workload, ns: &str| -> bool {
        let wanted = string_map(selector.and_then(|s| s.get("matchLabels")).or(selector));
        w.namespace == ns
            && !wanted.is_empty()
            && wanted.iter().all(|(k, v)| w.labels.get(k) == Some(v))
    };

    let mut zones_used = false;
    let mut nodes_used = 0u64;
    for w in &mut workloads {
        if let Some(&min) = hpa_min.get(&w.name) {
            w.replicas = w.replicas.max(min);
        }
    }
    for w in &workloads {
        let mut c = Element::new(w.id.clone());
        c.origin = Some(w.origin);
        let is_db_cluster = w.kind == "StatefulSet" && w.guess.kind == "database";
        c.set("kind", Value::word(w.guess.kind));
        if w.id != w.name {
            c.set("label", Value::str(&w.name));
        }
        if let Some(sw) = w.guess.software {
            c.set("software", Value::str(sw));
        }
        if w.guess.kind == "monitoring" && w.guess.agent {
            c.set("role", Value::word("agent"));
            c.note(format!("{} `{}`: an agent on every node", w.kind, w.name));
            draft.components.push(c);
            continue;
        }
        if w.load_generator {
            draft.skipped.push(format!(
                "{} `{}`: generates test traffic, a stand-in for users, not part of the design",
                w.kind, w.name
            ));
            continue;
        }
        if w.kind == "DaemonSet" {
            c.note("DaemonSet: one per node; assumed: 3 nodes (the cluster's size is not in the manifests)");
        }
        let spread = placement(&w.pod);
        if is_db_cluster && w.replicas > 1 {
            // A StatefulSet of a database: ordinal 0 is assumed to be the primary.
            c.note(format!(
                "StatefulSet of {} pods: assumed `{}-0` is the primary and the others replicate it",
                w.replicas, w.name
            ));
            c.set("role", Value::word("primary"));
            c.set("host", Value::word("node-1"));
            nodes_used = nodes_used.max(w.replicas);
            let mut replicas = Vec::new();
            for k in 1..w.replicas.min(16) {
                let mut r = Element::new(format!("{}-{k}", w.id));
                r.origin = Some(w.origin);
                r.set("kind", Value::word("database"));
                if let Some(sw) = w.guess.software {
                    r.set("software", Value::str(sw));
                }
                r.set("host", Value::word(format!("node-{}", k + 1)));
                r.set("replica_of", Value::word(&w.id));
                replicas.push(r);
            }
            c.note(
                "assumed: one pod per node (node-1, node-2, ...); the manifests do not pin them",
            );
            draft.components.push(c);
            draft.components.extend(replicas);
            continue;
        }
        if w.replicas > 1 {
            c.set(
                "replicas",
                Value::Int(i64::try_from(w.replicas).unwrap_or(i64::MAX)),
            );
            match spread {
                Placement::Zones => {
                    zones_used = true;
                    c.set("spread", Value::words(["zone-a", "zone-b", "zone-c"]));
                    c.note("spread over zones (topology.kubernetes.io/zone); assumed: three zones, which the manifests do not name");
                }
                Placement::Nodes => {
                    let n = w.replicas.min(16);
                    nodes_used = nodes_used.max(n);
                    c.set("hosts", Value::words((1..=n).map(|k| format!("node-{k}"))));
                    c.note(
                        "kept on different nodes (anti-affinity or a hostname spread constraint)",
                    );
                }
                Placement::Unconstrained => {
                    nodes_used = nodes_used.max(1);
                    c.set("hosts", Value::words(["node-1"]));
                    c.note("nothing keeps these replicas apart (no topologySpreadConstraints or pod anti-affinity): they may all run on one node, so they share its fate");
                }
            }
            if let Some(&min) = hpa_min.get(&w.name) {
                c.note(format!("HorizontalPodAutoscaler: at least {min} replicas"));
            }
        } else {
            if w.guess.kind == "database" {
                c.note(
                    "one pod holds the data: no replica (nothing in the manifests says otherwise)",
                );
            }
            if w.kind == "Pod" {
                nodes_used = nodes_used.max(1);
                c.set("host", Value::word("node-1"));
                c.note("a bare Pod: no controller recreates it when its node fails (assumed on node-1)");
            } else {
                c.note("one pod: Kubernetes reschedules it when its node fails, but while it restarts nothing serves");
            }
        }
        // A PodDisruptionBudget says how many must stay up.
        for r in resources.iter().filter(|r| r.kind == "PodDisruptionBudget") {
            if !selects(r.spec.get("selector"), w, &r.namespace) {
                continue;
            }
            let k = r
                .spec
                .get("minAvailable")
                .and_then(|v| count(v, w.replicas))
                .or_else(|| {
                    r.spec
                        .get("maxUnavailable")
                        .and_then(|v| count(v, w.replicas))
                        .map(|u| w.replicas.saturating_sub(u))
                });
            if let Some(k) = k
                && w.replicas > 1
                && k >= 1
                && k <= w.replicas
            {
                c.set("min_healthy", Value::Int(i64::try_from(k).unwrap_or(1)));
                c.note(format!(
                    "PodDisruptionBudget `{}`: at least {k} available",
                    r.name
                ));
            }
        }
        draft.components.push(c);
    }
    if zones_used {
        for z in ["zone-a", "zone-b", "zone-c"] {
            let mut d = Element::new(z);
            d.set("kind", Value::word("zone"));
            draft.domains.push(d);
        }
    }
    for k in 1..=nodes_used {
        let mut h = Element::new(format!("node-{k}"));
        h.set("label", Value::str(format!("Node {k} (assumed)")));
        draft.hosts.push(h);
    }

    // Services: the names others use to reach a workload.
    let mut service_to: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut entries: Vec<(String, Origin, bool, Option<String>)> = Vec::new();
    for r in resources.iter().filter(|r| r.kind == "Service") {
        let targets: Vec<String> = workloads
            .iter()
            .filter(|w| selects(r.spec.get("selector"), w, &r.namespace))
            .map(|w| w.id.clone())
            .collect();
        if targets.is_empty() {
            continue;
        }
        service_to.insert(r.name.clone(), targets.clone());
        let ty = r
            .spec
            .get("type")
            .and_then(Json::as_str)
            .unwrap_or("ClusterIP");
        if matches!(ty, "LoadBalancer" | "NodePort") {
            let id = safe_id(&format!("{}-lb", r.name));
            let mut lb = Element::new(id.clone());
            lb.origin = Some(r.origin);
            lb.set("kind", Value::word("load_balancer"));
            lb.set("label", Value::str(format!("Service {} ({ty})", r.name)));
            lb.set("managed", Value::Bool(true));
            lb.set("pool", Value::words(targets.iter().cloned()));
            lb.note("the cloud load balancer (or node ports) in front of the Service; run by the platform");
            let probes = workloads
                .iter()
                .filter(|w| targets.contains(&w.id))
                .all(|w| w.ready_probe);
            lb.set("health_checks", Value::Bool(probes));
            let ports: Vec<u64> = r
                .spec
                .get("ports")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("port").and_then(Json::as_u64))
                .collect();
            let tls = ports.contains(&443);
            draft.components.push(lb);
            entries.push((id, r.origin, tls, None));
        }
    }
    let resolve = |name: &str| -> Vec<String> {
        // `db`, `db.ns`, `db.ns.svc.cluster.local`
        let short = name.split('.').next().unwrap_or(name);
        service_to
            .get(short)
            .cloned()
            .or_else(|| {
                workloads
                    .iter()
                    .find(|w| w.name == short)
                    .map(|w| vec![w.id.clone()])
            })
            .unwrap_or_default()
    };

    // Ingresses: the way in over HTTP(S).
    for r in resources.iter().filter(|r| r.kind == "Ingress") {
        let mut backends: Vec<String> = Vec::new();
        let mut svc_names: Vec<&str> = Vec::new();
        if let Some(n) = r
            .spec
            .pointer("/defaultBackend/service/name")
            .and_then(Json::as_str)
        {
            svc_names.push(n);
        }
        for rule in r
            .spec
            .get("rules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            for p in rule
                .pointer("/http/paths")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(n) = p
                    .pointer("/backend/service/name")
                    .or_else(|| p.pointer("/backend/serviceName"))
                    .and_then(Json::as_str)
                {
                    svc_names.push(n);
                }
            }
        }
        for n in svc_names {
            for t in resolve(n) {
                if !backends.contains(&t) {
                    backends.push(t);
                }
            }
        }
        if backends.is_empty() {
            draft.skipped.push(format!(
                "Ingress `{}`: its backends are not among the imported workloads",
                r.name
            ));
            continue;
        }
        let tls_hosts: Vec<String> = r
            .spec
            .get("tls")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t.get("hosts").and_then(Json::as_array))
            .flatten()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect();
        let has_tls = r
            .spec
            .get("tls")
            .and_then(Json::as_array)
            .is_some_and(|a| !a.is_empty());
        let id = safe_id(&format!("{}-ingress", r.name));
        let mut ing = Element::new(id.clone());
        ing.origin = Some(r.origin);
        ing.set("kind", Value::word("load_balancer"));
        ing.set("label", Value::str(format!("Ingress {}", r.name)));
        ing.set("managed", Value::Bool(true));
        ing.set("provider", Value::str("the cluster's ingress controller"));
        ing.note("the ingress controller is not in these manifests: assumed run by the platform, on several nodes");
        ing.set("pool", Value::words(backends.iter().cloned()));
        let probes = workloads
            .iter()
            .filter(|w| backends.contains(&w.id))
            .all(|w| w.ready_probe);
        ing.set("health_checks", Value::Bool(probes));
        if !probes {
            ing.note("a backend has no readinessProbe: the Service keeps sending to pods that are not ready");
        }
        if has_tls {
            ing.set(
                "certificate",
                Value::str(
                    tls_hosts
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "(from the Ingress tls block)".to_owned()),
                ),
            );
        }
        draft.components.push(ing);
        let host = r
            .spec
            .pointer("/rules/0/host")
            .and_then(Json::as_str)
            .map(str::to_owned);
        entries.push((id, r.origin, has_tls, host));
    }

    // Links from environment variables (and ConfigMaps they load). A load generator's calls
    // are test traffic, not the design's.
    for w in &workloads {
        if w.guess.kind == "monitoring" || w.load_generator {
            continue;
        }
        for (k, v) in &w.env {
            let Some(t) = infer::env_target(k, v) else {
                continue;
            };
            for to in resolve(&t.host) {
                let target = workloads.iter().find(|x| x.id == to);
                // (A load generator's own UI, proxied for people, is not part of the design.)
                if to == w.id
                    || !draft.has_component(&to)
                    || target.is_some_and(|x| x.load_generator)
                {
                    continue;
                }
                let gt = target.map(|x| &x.guess);
                let mut fields = Vec::new();
                let proto = t
                    .scheme
                    .clone()
                    .or_else(|| gt.and_then(|g| g.protocol.map(str::to_owned)))
                    .map(|p| if p == "https" { "http".to_owned() } else { p });
                if let Some(p) = proto {
                    fields.push(("protocol".to_owned(), Value::word(p)));
                }
                if let Some(p) = t.port.or_else(|| gt.and_then(|g| g.port)) {
                    fields.push(("port".to_owned(), Value::Int(i64::from(p))));
                }
                let to_queue = gt.is_some_and(|g| g.kind == "queue");
                if to_queue && w.guess.kind != "worker" {
                    fields.push(("async".to_owned(), Value::Bool(true)));
                }
                draft.link(DraftLink {
                    from: w.id.clone(),
                    to,
                    fields,
                    comment: Some(format!("from {k}")),
                });
            }
        }
    }

    // A database or cache nothing names (its address compiled into the application, or
    // found by DNS alone, as the guestbook's Redis is): when its namespace runs one
    // application workload, that one is assumed to use it; with several, which does is not
    // guessed, and the store says so.
    for d in &workloads {
        let store = matches!(d.guess.kind, "database" | "cache");
        if !store || !draft.has_component(&d.id) || draft.links.iter().any(|l| l.to == d.id) {
            continue;
        }
        let users: Vec<&Workload> = workloads
            .iter()
            .filter(|a| {
                matches!(a.guess.kind, "app_server" | "web_server" | "worker")
                    && a.id != d.id
                    && !a.load_generator
                    && a.namespace == d.namespace
                    && draft.has_component(&a.id)
            })
            .collect();
        if users.len() != 1 {
            if let Some(c) = draft.component_mut(&d.id) {
                c.note("no environment variable or ConfigMap names it: say which workloads use it (a link to it)");
            }
            continue;
        }
        for a in users {
            let mut fields = Vec::new();
            if let Some(p) = d.guess.protocol {
                fields.push(("protocol".to_owned(), Value::word(p)));
            }
            if let Some(p) = d.guess.port {
                fields.push(("port".to_owned(), Value::Int(i64::from(p))));
            }
            draft.link(DraftLink {
                from: a.id.clone(),
                to: d.id.clone(),
                fields,
                comment: Some(format!(
                    "assumed: {} uses it (namespace {}); no environment variable or ConfigMap names it",
                    a.id, d.namespace
                )),
            });
        }
    }

    // NetworkPolicies: security groups over the pods they select.
    for r in resources.iter().filter(|r| r.kind == "NetworkPolicy") {
        let protected: Vec<String> = workloads
            .iter()
            .filter(|w| {
                let sel = r.spec.get("podSelector");
                let empty = sel.is_none_or(|s| string_map(s.get("matchLabels")).is_empty());
                (empty && w.namespace == r.namespace) || selects(sel, w, &r.namespace)
            })
            .map(|w| w.id.clone())
            .filter(|id| draft.has_component(id))
            .collect();
        if protected.is_empty() {
            continue;
        }
        let mut allow = Vec::new();
        for rule in r
            .spec
            .get("ingress")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let peers: Vec<Value> = rule
                .get("from")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    if let Some(cidr) = p.pointer("/ipBlock/cidr").and_then(Json::as_str) {
                        return Some(Value::str(cidr));
                    }
                    let sel = p.get("podSelector")?;
                    workloads
                        .iter()
                        .find(|w| selects(Some(sel), w, &r.namespace))
                        .map(|w| Value::word(&w.id))
                })
                .collect();
            for p in rule
                .get("ports")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let Some(port) = p.get("port").and_then(Json::as_u64) else {
                    continue;
                };
                let port = Value::Int(i64::try_from(port).unwrap_or(0));
                if peers.is_empty() {
                    allow.push(Value::Map(vec![("port".to_owned(), port.clone())]));
                }
                for peer in &peers {
                    allow.push(Value::Map(vec![
                        ("port".to_owned(), port.clone()),
                        ("from".to_owned(), peer.clone()),
                    ]));
                }
            }
        }
        let mut fw = Element::new(safe_id(&format!("{}-policy", r.name)));
        fw.origin = Some(r.origin);
        fw.set("kind", Value::word("firewall"));
        fw.set("label", Value::str(format!("NetworkPolicy {}", r.name)));
        fw.set("protects", Value::words(protected));
        fw.set("allow", Value::List(allow));
        draft.components.push(fw);
    }

    // The way in.
    if entries.is_empty() {
        entries = assumed_ways_in(&mut draft, &workloads);
    }
    if !entries.is_empty() {
        let id = draft.free_id("user");
        let mut user = Element::new(id.clone());
        user.set("kind", Value::word("client"));
        user.set("label", Value::str("User"));
        user.origin = Some(entries[0].1);
        draft.components.insert(0, user);
        for (to, _, tls, host) in &entries {
            draft.link(DraftLink {
                from: id.clone(),
                to: to.clone(),
                fields: vec![
                    ("protocol".to_owned(), Value::word("http")),
                    ("port".to_owned(), Value::Int(if *tls { 443 } else { 80 })),
                    ("tls".to_owned(), Value::Bool(*tls)),
                ],
                comment: host.clone(),
            });
        }
    }

    let ways_in: Vec<String> = entries.iter().map(|e| e.0.clone()).collect();
    draft.entry_journeys(&ways_in);
    for r in &resources {
        if WORKLOADS.contains(&r.kind.as_str())
            || matches!(
                r.kind.as_str(),
                "Service"
                    | "Ingress"
                    | "HorizontalPodAutoscaler"
                    | "PodDisruptionBudget"
                    | "NetworkPolicy"
            )
        {
            continue;
        }
        *skipped.entry(r.kind.clone()).or_default() += 1;
    }
    if !skipped.is_empty() {
        let total: usize = skipped.values().sum();
        let kinds: Vec<&str> = skipped.keys().map(String::as_str).collect();
        draft.skipped.push(format!(
            "{total} resources of kinds {} (nothing in them changes how a failure reaches users)",
            kinds.join(", ")
        ));
    }
    draft.notes.push(
        "assumed: nodes, zones and the control plane at archdoc's default availability".to_owned(),
    );
    Ok(draft)
}

/// Where a pod template keeps its replicas apart.
enum Placement {
    Zones,
    Nodes,
    Unconstrained,
}

fn placement(pod: &Json) -> Placement {
    let mut keys: Vec<&str> = Vec::new();
    for c in pod
        .get("topologySpreadConstraints")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(k) = c.get("topologyKey").and_then(Json::as_str) {
            keys.push(k);
        }
    }
    let anti = pod.pointer("/affinity/podAntiAffinity");
    for list in [
        "requiredDuringSchedulingIgnoredDuringExecution",
        "preferredDuringSchedulingIgnoredDuringExecution",
    ] {
        for term in anti
            .and_then(|a| a.get(list))
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let term = term.get("podAffinityTerm").unwrap_or(term);
            if let Some(k) = term.get("topologyKey").and_then(Json::as_str) {
                keys.push(k);
            }
        }
    }
    if keys.iter().any(|k| k.contains("zone")) {
        Placement::Zones
    } else if keys.iter().any(|k| k.contains("hostname")) {
        Placement::Nodes
    } else {
        Placement::Unconstrained
    }
}

/// A count or a percentage of `of` (rounded up, as Kubernetes does for `minAvailable`).
fn count(v: &Json, of: u64) -> Option<u64> {
    match v {
        Json::Number(n) => n.as_u64(),
        Json::String(s) => {
            let pct: u64 = s.strip_suffix('%')?.trim().parse().ok()?;
            Some((of * pct).div_ceil(100))
        }
        _ => None,
    }
}

fn string_map(v: Option<&Json>) -> BTreeMap<String, String> {
    match v {
        Some(Json::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| match v {
                Json::String(s) => Some((k.clone(), s.clone())),
                Json::Number(_) | Json::Bool(_) => Some((k.clone(), v.to_string())),
                _ => None,
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}
