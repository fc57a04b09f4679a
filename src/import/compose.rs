//! Docker Compose → archdoc. Services become components on one Docker host (Compose runs
//! every service on the machine it is started on); `deploy.replicas` becomes a replica group;
//! `depends_on`, legacy `links` and connection URLs in the environment become links;
//! published ports say what the internet reaches. Override files merge as Compose merges them:
//! later files replace scalars, extend lists and merge mappings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_saphyr::Spanned;

use super::draft::{Draft, DraftLink, Element, Origin, SourceFile, Value, distinct_id, safe_id};
use super::infer::{self, Guess};
use crate::model::{Limits, ModelError, Span};

/// The host every service runs on.
const HOST: &str = "docker-host";

#[derive(Deserialize)]
struct RawCompose {
    #[serde(default)]
    name: Option<Json>,
    #[serde(default)]
    services: Option<IndexMap<Spanned<String>, Option<Json>>>,
}

/// `docker-compose.override.yml` (or `compose.override.yaml`, ...) beside `file`, which
/// Compose reads by default.
#[must_use]
pub fn default_override(file: &Path) -> Option<PathBuf> {
    let name = file.file_name()?.to_str()?;
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext, "yml" | "yaml") || stem.ends_with(".override") {
        return None;
    }
    let dir = file.parent().unwrap_or(Path::new(""));
    ["yml", "yaml"]
        .iter()
        .map(|e| dir.join(format!("{stem}.override.{e}")))
        .find(|p| p.is_file())
}

/// A service as merged from every file.
struct Service {
    name: String,
    body: Json,
    origin: Origin,
}

/// `extends:` within the project: a service that extends another takes its settings, its own
/// winning (chains followed, at most 8 deep). One that extends a service of another file
/// (`extends: {file: …}`) is said, not read.
fn resolve_extends(services: &mut [Service]) -> Vec<String> {
    let mut said = Vec::new();
    for i in 0..services.len() {
        let mut body = services[i].body.clone();
        for _ in 0..8 {
            let Some(ext) = body.as_object_mut().and_then(|m| m.remove("extends")) else {
                break;
            };
            let (base, file) = match &ext {
                Json::String(b) => (Some(b.clone()), None),
                Json::Object(m) => (
                    m.get("service").and_then(Json::as_str).map(str::to_owned),
                    m.get("file").and_then(Json::as_str).map(str::to_owned),
                ),
                _ => (None, None),
            };
            let Some(base) = base else { break };
            if let Some(f) = file {
                said.push(format!(
                    "service `{}`: extends `{base}` of `{f}`, another file, not read; its own settings are imported",
                    services[i].name
                ));
                break;
            }
            let Some(b) = services.iter().find(|s| s.name == base) else {
                said.push(format!(
                    "service `{}`: extends `{base}`, which is not in the files",
                    services[i].name
                ));
                break;
            };
            let mut merged = b.body.clone();
            merge(&mut merged, body);
            body = merged;
        }
        if let Some(m) = body.as_object_mut() {
            m.remove("extends");
        }
        services[i].body = body;
    }
    said
}

/// Only the top-level `include:` of a Compose file (Compose 2.20): paths, or mappings with a
/// `path` (one or a list).
#[derive(Deserialize)]
struct RawInclude {
    #[serde(default)]
    include: Option<Vec<Json>>,
}

/// The Compose files one Compose file includes, as it names them.
///
/// # Errors
/// The file is not valid YAML.
pub fn includes(src: &SourceFile, limits: &Limits) -> Result<Vec<String>, Box<ModelError>> {
    let raw: RawInclude =
        serde_saphyr::from_str_with_options(&src.text, crate::model::yaml_options(limits))
            .map_err(|e| crate::model::parse_error(&e, &src.display, &src.text))?;
    let mut out = Vec::new();
    for entry in raw.include.unwrap_or_default() {
        match entry {
            Json::String(p) => out.push(p),
            Json::Object(m) => match m.get("path") {
                Some(Json::String(p)) => out.push(p.clone()),
                Some(Json::Array(ps)) => {
                    out.extend(ps.iter().filter_map(|p| p.as_str().map(str::to_owned)));
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(out)
}

/// Builds the draft from Compose files, merged in order.
///
/// # Errors
/// A file is not valid YAML, or has no services.
pub fn import(sources: &[SourceFile], limits: &Limits) -> Result<Draft, Box<ModelError>> {
    let mut services: Vec<Service> = Vec::new();
    let mut project = None;
    for (i, src) in sources.iter().enumerate() {
        let raw: RawCompose =
            serde_saphyr::from_str_with_options(&src.text, crate::model::yaml_options(limits))
                .map_err(|e| crate::model::parse_error(&e, &src.display, &src.text))?;
        if let Some(Json::String(n)) = raw.name {
            project = Some(n);
        }
        for (key, body) in raw.services.unwrap_or_default() {
            let body = body.unwrap_or(Json::Object(serde_json::Map::new()));
            match services.iter_mut().find(|s| s.name == key.value) {
                Some(s) => merge(&mut s.body, body),
                None => services.push(Service {
                    name: key.value.clone(),
                    body,
                    origin: Origin {
                        file: i,
                        span: Span::of(&key, &src.text),
                    },
                }),
            }
        }
    }
    let extends_notes = resolve_extends(&mut services);
    if services.is_empty() {
        let shown = &sources[0].display;
        return Err(Box::new(
            ModelError::file(
                "import::empty",
                shown,
                format!("`{shown}` defines no services"),
            )
            .with_help("a Compose file lists its containers under `services:`"),
        ));
    }
    let first = &sources[0].display;
    let mut draft = Draft {
        name: project.unwrap_or_else(|| project_name(first)),
        ..Draft::default()
    };
    draft.notes.push(
        "assumed: one Docker host runs every service (Compose starts them all on one machine); add hosts if they are spread"
            .to_owned(),
    );
    draft.notes.push(
        "assumed: availability of the host and the containers at archdoc's defaults".to_owned(),
    );
    draft.skipped.extend(extends_notes);

    // Services started only with a profile are not part of the default deployment.
    let (active, inactive): (Vec<Service>, Vec<Service>) = services.into_iter().partition(|s| {
        s.body
            .get("profiles")
            .and_then(Json::as_array)
            .is_none_or(Vec::is_empty)
    });
    for s in &inactive {
        let profiles: Vec<String> = s.body["profiles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        draft.skipped.push(format!(
            "service `{}`: started only with profile {}",
            s.name,
            profiles.join(", ")
        ));
    }

    // Ids from the names, kept distinct (names alike once made safe, or in their first 100
    // characters, get `-2`, `-3`...).
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let ids: Vec<String> = active
        .iter()
        .map(|s| {
            let id = distinct_id(&safe_id(&s.name), |id| taken.contains(id));
            taken.insert(id.clone());
            id
        })
        .collect();
    let id_of = |name: &str| -> Option<String> {
        active
            .iter()
            .position(|s| {
                s.name == name
                    || s.body.get("container_name").and_then(Json::as_str) == Some(name)
                    || s.body.get("hostname").and_then(Json::as_str) == Some(name)
                    || aliases(&s.body).iter().any(|a| a == name)
            })
            .map(|i| ids[i].clone())
    };

    let mut host = Element::new(HOST);
    host.set("label", Value::str("Docker host"));
    host.origin = Some(Origin::default());
    draft.hosts.push(host);

    let mut guesses: Vec<Guess> = Vec::new();
    let mut published: Vec<Vec<(u16, bool)>> = Vec::new(); // (container port, on every interface)
    for (s, id) in active.iter().zip(&ids) {
        let b = &s.body;
        let image = b.get("image").and_then(Json::as_str);
        let command = [b.get("command"), b.get("entrypoint")]
            .into_iter()
            .flatten()
            .map(words)
            .collect::<Vec<_>>()
            .join(" ");
        // With `build:`, `image:` names what the build produces (`etl-kafka`): it says what
        // the service is only when it starts with known software (`postgres-custom`).
        let built = b.get("build").is_some();
        let telling = image.filter(|img| !built || infer::starts_with_known_software(img));
        let g = infer::guess(telling, &s.name, &command);
        if infer::is_load_generator(image, &s.name) {
            draft.skipped.push(format!(
                "service `{}`: generates test traffic, a stand-in for users, not part of the design",
                s.name
            ));
            guesses.push(g);
            published.push(Vec::new());
            continue;
        }
        let mut c = Element::new(id.clone());
        c.origin = Some(s.origin);
        c.set("kind", Value::word(g.kind));
        if id != &s.name {
            c.set("label", Value::str(&s.name));
        }
        match (g.software, image) {
            (Some(sw), Some(img)) => {
                c.set("software", Value::str(format!("{sw} ({img})")));
            }
            (Some(sw), None) => {
                c.set("software", Value::str(sw));
            }
            (None, Some(img)) => {
                c.set("software", Value::str(img));
                if built {
                    c.note("built from source (`build:`); its kind is a guess from its name and command");
                }
            }
            (None, None) => {
                if b.get("build").is_some() {
                    c.note("built from source (`build:`); its kind is a guess from its name and command");
                }
            }
        }
        if g.kind == "monitoring" && g.agent {
            c.set("role", Value::word("agent"));
        }
        let replicas = b
            .pointer("/deploy/replicas")
            .and_then(Json::as_u64)
            .or_else(|| b.get("scale").and_then(Json::as_u64));
        if b.pointer("/deploy/mode").and_then(Json::as_str) == Some("global") {
            c.note("`deploy.mode: global` runs one per Swarm node; the nodes are not in the Compose file, so one host is assumed");
        }
        match replicas {
            Some(0) => {
                draft
                    .skipped
                    .push(format!("service `{}`: scaled to 0 replicas", s.name));
                guesses.push(g);
                published.push(Vec::new());
                continue;
            }
            Some(n) if n > 1 && !(g.kind == "monitoring" && g.agent) => {
                c.set("replicas", Value::Int(i64::try_from(n).unwrap_or(i64::MAX)));
                c.set("hosts", Value::words([HOST]));
                c.note(format!(
                    "from deploy.replicas: {n}; all on the one Docker host, so they share its fate"
                ));
            }
            _ => {
                c.set("host", Value::word(HOST));
            }
        }
        if matches!(g.kind, "database") {
            c.note("assumed: standalone, no replica and no backup (nothing in the Compose file says otherwise)");
        }
        let ports = ports(b);
        published.push(ports);
        guesses.push(g);
        draft.components.push(c);
    }

    // A proxy that depends on two or more services built alike (one image, or one build
    // context) balances them: `nginx` in front of `web1` and `web2`, both `build: ./web`.
    let twins = proxied_twins(&active, &ids, &guesses);
    for (proxy, (members, what)) in &twins {
        if let Some(c) = draft.component_mut(proxy) {
            c.set("pool", Value::words(members.clone()));
            c.note(format!(
                "assumed: balances {} ({what}); its own configuration is not in the Compose file",
                members.join(", ")
            ));
        }
    }

    // Links: depends_on, legacy links, network_mode: service:x, and connection URLs.
    for (i, s) in active.iter().enumerate() {
        let from = &ids[i];
        if !draft.has_component(from) {
            continue;
        }
        let b = &s.body;
        let mut targets: Vec<(String, Option<u16>, Option<String>, String)> = Vec::new();
        for dep in depends_on(b) {
            if let Some(t) = id_of(&dep) {
                targets.push((t, None, None, "depends_on".to_owned()));
            }
        }
        for name in legacy_links(b) {
            if let Some(t) = id_of(&name) {
                targets.push((t, None, None, "links".to_owned()));
            }
        }
        for (k, v) in environment(b) {
            if let Some(t) = infer::env_target(&k, &v)
                && let Some(to) = id_of(&t.host)
            {
                targets.push((to, t.port, t.scheme, k));
            }
        }
        for (to, port, scheme, why) in targets {
            let Some(j) = ids.iter().position(|x| *x == to) else {
                continue;
            };
            if twins.get(from).is_some_and(|(m, _)| m.contains(&to)) {
                continue; // in the proxy's pool
            }
            if !draft.has_component(&to) {
                continue;
            }
            let (gf, gt) = (&guesses[i], &guesses[j]);
            if gf.kind == "monitoring" {
                // Prometheus depending on an app scrapes it: that is monitoring, not a request.
                if let Some(c) = draft.component_mut(from) {
                    let mut list = match c.get("monitors") {
                        Some(Value::List(l)) => l.clone(),
                        _ => Vec::new(),
                    };
                    if !gf.agent && !list.contains(&Value::word(&to)) {
                        list.push(Value::word(&to));
                        c.set("monitors", Value::List(list));
                    }
                }
                continue;
            }
            if gt.kind == "monitoring" {
                if gt.agent {
                    continue;
                }
                if let Some(c) = draft.component_mut(from)
                    && gf.agent
                {
                    c.set("reports_to", Value::word(&to));
                }
                continue;
            }
            let mut fields = Vec::new();
            let protocol = scheme
                .or_else(|| gt.protocol.map(str::to_owned))
                .map(|p| if p == "https" { "http".to_owned() } else { p });
            if let Some(p) = &protocol {
                fields.push(("protocol".to_owned(), Value::word(p)));
            }
            if let Some(p) = port.or(gt.port) {
                fields.push(("port".to_owned(), Value::Int(i64::from(p))));
            }
            if gt.kind == "queue" && gf.kind != "worker" {
                fields.push(("async".to_owned(), Value::Bool(true)));
            }
            let comment = if gt.kind == "queue" && gf.kind != "worker" {
                format!("from {why}; assumed: enqueues and returns")
            } else {
                format!("from {why}")
            };
            draft.link(DraftLink {
                from: from.clone(),
                to,
                fields,
                comment: Some(comment),
            });
        }
    }

    assume_unwritten_links(&mut draft, &active, &ids, &guesses, &twins, &published);
    consumers_are_workers(&mut draft, &ids, &mut guesses, &published);

    // The way in: services with ports published on every interface.
    let user = draft.free_id("user");
    let mut entry = Element::new(user.clone());
    entry.set("kind", Value::word("client"));
    entry.set("label", Value::str("User"));
    let mut entries = 0;
    for (i, ports) in published.iter().enumerate() {
        let id = &ids[i];
        if !draft.has_component(id) || guesses[i].kind == "monitoring" {
            continue;
        }
        let public: Vec<u16> = ports
            .iter()
            .filter(|(_, all)| *all)
            .map(|(p, _)| *p)
            .collect();
        if public.is_empty() {
            continue;
        }
        let behind = matches!(guesses[i].kind, "database" | "cache" | "queue" | "other");
        let tls = public.contains(&443) || public.contains(&8443);
        let port = if tls {
            if public.contains(&443) { 443 } else { 8443 }
        } else {
            public[0]
        };
        let mut fields = vec![
            (
                "protocol".to_owned(),
                Value::word(guesses[i].protocol.unwrap_or("http")),
            ),
            ("port".to_owned(), Value::Int(i64::from(port))),
            ("tls".to_owned(), Value::Bool(tls)),
        ];
        let comment = if behind {
            fields.push(("optional".to_owned(), Value::Bool(true)));
            "published port: reachable from outside the host, not a way requests are meant to take"
                .to_owned()
        } else if tls {
            "published port; assumed: TLS ends here (port 443)".to_owned()
        } else {
            "published port; nothing in the Compose file terminates TLS".to_owned()
        };
        if tls
            && !behind
            && let Some(c) = draft.component_mut(id)
        {
            c.set(
                "certificate",
                Value::str("(assumed; not in the Compose file)"),
            );
        }
        draft.link(DraftLink {
            from: user.clone(),
            to: id.clone(),
            fields,
            comment: Some(comment),
        });
        if entry.origin.is_none() {
            // What the client reaches is where its findings (missing HTTPS) belong.
            entry.origin = active[i].body.get("ports").map(|_| active[i].origin);
        }
        entries += 1;
    }
    if entries == 0 {
        // Nothing published: the services nothing else calls are the way in.
        let called: Vec<&String> = draft.links.iter().map(|l| &l.to).collect();
        let roots: Vec<String> = ids
            .iter()
            .zip(&guesses)
            .filter(|(id, g)| {
                draft.has_component(id)
                    && !called.contains(id)
                    && matches!(g.kind, "web_server" | "load_balancer" | "app_server")
            })
            .map(|(id, _)| id.clone())
            .collect();
        for r in roots {
            draft.link(DraftLink {
                from: user.clone(),
                to: r,
                fields: vec![("protocol".to_owned(), Value::word("http"))],
                comment: Some("assumed: the way in (no port is published)".to_owned()),
            });
            entries += 1;
        }
    }
    if entries > 0 {
        draft.components.insert(0, entry);
    }
    let mut ways_in: Vec<String> = draft
        .links
        .iter()
        .filter(|l| l.from == user && !l.fields.iter().any(|(k, _)| k == "optional"))
        .map(|l| l.to.clone())
        .collect();
    if ways_in.is_empty() {
        // Only a data store and its web console (Postgres and pgAdmin) are published: the
        // console is how people use it.
        for l in &mut draft.links {
            let console = ids
                .iter()
                .position(|x| *x == l.to)
                .is_some_and(|j| is_console(&guesses[j]));
            if l.from == user && console {
                l.fields.retain(|(k, _)| k != "optional");
                l.comment = Some(
                    "published port; assumed: the way in (a web console is all that is published for people)"
                        .to_owned(),
                );
                ways_in.push(l.to.clone());
            }
        }
    }
    if ways_in.is_empty() {
        // No way in for people: the work is the workers' (an ETL job reading a queue).
        draft.worker_journey_only();
    }
    draft.entry_journeys(&ways_in);
    for g in &guesses {
        if g.kind == "monitoring" && !g.agent {
            draft.notes.push(
                "what Prometheus scrapes is in its own configuration, not in the Compose file: list it under `monitors:`"
                    .to_owned(),
            );
            break;
        }
    }
    Ok(draft)
}

/// A Compose merge: mappings merge key by key, lists append (without duplicates), anything
/// else is replaced.
fn merge(base: &mut Json, over: Json) {
    match (base, over) {
        (Json::Object(a), Json::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(old) => merge(old, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// A command as one string.
fn words(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(a) => a
            .iter()
            .filter_map(Json::as_str)
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// What a service is built from (`image nginx:1.27`, `build ./web`), to tell replicas
/// written out by hand.
fn built_from(b: &Json) -> Option<String> {
    if let Some(i) = b.get("image").and_then(Json::as_str) {
        return Some(format!("image `{i}`"));
    }
    match b.get("build")? {
        Json::String(ctx) => Some(format!("build `{ctx}`")),
        Json::Object(m) => {
            let ctx = m.get("context").and_then(Json::as_str).unwrap_or(".");
            match m.get("dockerfile").and_then(Json::as_str) {
                Some(f) => Some(format!("build `{ctx}` with `{f}`")),
                None => Some(format!("build `{ctx}`")),
            }
        }
        _ => None,
    }
}

/// For each proxy (a load balancer or web server), the services it depends on that are
/// built alike, when two or more are: its pool, and what they share.
fn proxied_twins(
    active: &[Service],
    ids: &[String],
    guesses: &[Guess],
) -> BTreeMap<String, (Vec<String>, String)> {
    let mut out = BTreeMap::new();
    for (i, s) in active.iter().enumerate() {
        if !matches!(guesses[i].kind, "load_balancer" | "web_server") {
            continue;
        }
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut names: Vec<String> = depends_on(&s.body);
        names.extend(legacy_links(&s.body));
        for name in names {
            let Some(j) = active.iter().position(|t| t.name == name) else {
                continue;
            };
            let behind = matches!(
                guesses[j].kind,
                "app_server" | "web_server" | "worker" | "other"
            );
            if j == i || !behind {
                continue;
            }
            if let Some(key) = built_from(&active[j].body) {
                let members = groups.entry(key).or_default();
                if !members.contains(&ids[j]) {
                    members.push(ids[j].clone());
                }
            }
        }
        if let Some((what, members)) = groups.into_iter().find(|(_, m)| m.len() >= 2) {
            out.insert(ids[i].clone(), (members, format!("the same {what}")));
        }
    }
    out
}

/// The names a Compose key lists, written as a list (`[a, b]`) or as a mapping (`{a: …}`);
/// `None` when the key is absent or neither.
fn names_in(v: Option<&Json>) -> Option<Vec<String>> {
    match v? {
        Json::Array(a) => Some(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
        ),
        Json::Object(m) => Some(m.keys().cloned().collect()),
        _ => None,
    }
}

/// The services a service depends on (`depends_on` as a list or a mapping).
fn depends_on(b: &Json) -> Vec<String> {
    names_in(b.get("depends_on")).unwrap_or_default()
}

/// The services a service names in legacy `links:` (`db` or `db:alias`).
fn legacy_links(b: &Json) -> Vec<String> {
    b.get("links")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().and_then(|x| x.split(':').next()))
        .map(str::to_owned)
        .collect()
}

/// The environment, from a list of `K=V` or a mapping.
fn environment(b: &Json) -> Vec<(String, String)> {
    match b.get("environment") {
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_str)
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Json::String(s) => s.clone(),
                    Json::Null => String::new(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An application service that nothing calls, publishes nothing and reads a queue is a
/// worker consuming it (an ETL job, a Kafka consumer), not a server waiting for requests.
fn consumers_are_workers(
    draft: &mut Draft,
    ids: &[String],
    guesses: &mut [Guess],
    published: &[Vec<(u16, bool)>],
) {
    let queues: Vec<&String> = ids
        .iter()
        .zip(guesses.iter())
        .filter(|(_, g)| g.kind == "queue")
        .map(|(id, _)| id)
        .collect();
    let queue_of = |to: &str| queues.iter().any(|q| *q == to);
    for i in 0..ids.len() {
        if guesses[i].kind != "app_server" || !draft.has_component(&ids[i]) {
            continue;
        }
        let called = draft.links.iter().any(|l| l.to == ids[i]);
        let published = !published[i].is_empty();
        let reads_queue = draft
            .links
            .iter()
            .any(|l| l.from == ids[i] && queue_of(&l.to));
        if called || published || !reads_queue {
            continue;
        }
        guesses[i].kind = "worker";
        if let Some(c) = draft.component_mut(&ids[i]) {
            c.set("kind", Value::word("worker"));
            c.note(
                "assumed: a worker consuming its queue (nothing calls it, and it reads a queue)",
            );
        }
        for l in draft.links.iter_mut().filter(|l| l.from == ids[i]) {
            if queue_of(&l.to) {
                l.fields.retain(|(k, _)| k != "async");
                if let Some(c) = &mut l.comment {
                    *c = c.replace("; assumed: enqueues and returns", "");
                }
            }
        }
    }
}

/// Whether a service is an operator's web console (pgAdmin, mongo-express).
fn is_console(g: &Guess) -> bool {
    g.kind == "other" && g.protocol == Some("http") && g.software.is_some()
}

/// The networks a service joins (`default` when it names none; `*` on the host's network).
fn networks_of(b: &Json) -> Vec<String> {
    if b.get("network_mode").and_then(Json::as_str) == Some("host") {
        return vec!["*".to_owned()];
    }
    names_in(b.get("networks")).unwrap_or_else(|| vec!["default".to_owned()])
}

/// The network two services share, if any.
fn shared_network(a: &Json, b: &Json) -> Option<String> {
    let (na, nb) = (networks_of(a), networks_of(b));
    if na.iter().any(|n| n == "*") {
        return nb.into_iter().next();
    }
    if nb.iter().any(|n| n == "*") {
        return na.into_iter().next();
    }
    na.into_iter().find(|n| nb.contains(n))
}

/// Links a Compose file does not write but a design needs, each said as assumed: a data
/// store nothing links to (connection settings kept in secrets or files) is used by the
/// application services on its network; a published front end that calls nothing calls the
/// application services nothing else reaches on its network (a browser app and its API).
fn assume_unwritten_links(
    draft: &mut Draft,
    active: &[Service],
    ids: &[String],
    guesses: &[Guess],
    twins: &BTreeMap<String, (Vec<String>, String)>,
    published: &[Vec<(u16, bool)>],
) {
    let public = |i: usize| published[i].iter().any(|(_, all)| *all);
    let present = |draft: &Draft, i: usize| draft.has_component(&ids[i]) && !guesses[i].agent;
    let is_app = |i: usize| matches!(guesses[i].kind, "app_server" | "worker");
    let linked_from = |draft: &Draft, to: &str| -> Vec<String> {
        draft
            .links
            .iter()
            .filter(|l| l.to == to)
            .map(|l| l.from.clone())
            .collect()
    };
    let mut assumed: Vec<DraftLink> = Vec::new();
    for j in 0..active.len() {
        if !present(draft, j) || !matches!(guesses[j].kind, "database" | "cache" | "queue") {
            continue;
        }
        if !linked_from(draft, &ids[j]).is_empty() {
            continue;
        }
        // The application on its network uses it (one service, or replicas of one pool);
        // with none, its web console does; with several, which does is not guessed.
        let near = |a: usize, which: &dyn Fn(usize) -> bool| {
            a != j
                && present(draft, a)
                && which(a)
                && shared_network(&active[a].body, &active[j].body).is_some()
        };
        let apps: Vec<usize> = (0..active.len()).filter(|&a| near(a, &is_app)).collect();
        let one_pool = twins
            .values()
            .any(|(m, _)| apps.iter().all(|&a| m.contains(&ids[a])));
        let users: Vec<usize> = if apps.is_empty() {
            (0..active.len())
                .filter(|&a| near(a, &|a| is_console(&guesses[a])))
                .collect()
        } else if apps.len() == 1 || one_pool {
            apps
        } else {
            if let Some(c) = draft.component_mut(&ids[j]) {
                c.note("nothing in the Compose file says which service uses it: add the link (`depends_on` or a connection URL)");
            }
            continue;
        };
        for a in users {
            let Some(net) = shared_network(&active[a].body, &active[j].body) else {
                continue;
            };
            let mut fields = Vec::new();
            if let Some(p) = guesses[j].protocol {
                fields.push(("protocol".to_owned(), Value::word(p)));
            }
            if let Some(p) = guesses[j].port {
                fields.push(("port".to_owned(), Value::Int(i64::from(p))));
            }
            if guesses[j].kind == "queue" && guesses[a].kind != "worker" {
                fields.push(("async".to_owned(), Value::Bool(true)));
            }
            assumed.push(DraftLink {
                from: ids[a].clone(),
                to: ids[j].clone(),
                fields,
                comment: Some(format!(
                    "assumed: {} uses it (network {net}); nothing in the Compose file links them (no depends_on, no connection URL)",
                    ids[a]
                )),
            });
        }
    }
    for l in assumed.drain(..) {
        draft.link(l);
    }
    // Front ends: published on every interface, calling nothing.
    for f in 0..active.len() {
        let front = matches!(guesses[f].kind, "app_server" | "web_server");
        if !present(draft, f) || !public(f) || !front {
            continue;
        }
        // (A proxy with a pool calls its pool.)
        if draft.links.iter().any(|l| l.from == ids[f]) || twins.contains_key(&ids[f]) {
            continue;
        }
        for b in 0..active.len() {
            if b == f || !present(draft, b) || !is_app(b) || guesses[b].kind == "worker" {
                continue;
            }
            let unpublished = !public(b);
            let pooled = twins.values().any(|(m, _)| m.contains(&ids[b]));
            let unreached = linked_from(draft, &ids[b]).is_empty() && !pooled;
            if !(unpublished && unreached) {
                continue;
            }
            let Some(net) = shared_network(&active[f].body, &active[b].body) else {
                continue;
            };
            assumed.push(DraftLink {
                from: ids[f].clone(),
                to: ids[b].clone(),
                fields: vec![("protocol".to_owned(), Value::word("http"))],
                comment: Some(format!(
                    "assumed: {} calls it (network {net}; nothing else reaches it and the Compose file does not link them)",
                    ids[f]
                )),
            });
        }
    }
    for l in assumed {
        draft.link(l);
    }
}

/// Network aliases a service is also reached by.
fn aliases(b: &Json) -> Vec<String> {
    let Some(Json::Object(nets)) = b.get("networks") else {
        return Vec::new();
    };
    nets.values()
        .filter_map(|n| n.get("aliases").and_then(Json::as_array))
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// Published ports: the container port, and whether it is published on every interface
/// (not bound to `127.0.0.1` or `::1`).
fn ports(b: &Json) -> Vec<(u16, bool)> {
    let mut out = Vec::new();
    for p in b
        .get("ports")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        match p {
            Json::String(s) => {
                let s = s.split('/').next().unwrap_or(s);
                let local =
                    s.starts_with("127.") || s.starts_with("[::1]") || s.starts_with("localhost");
                let target = s.rsplit(':').next().unwrap_or(s);
                let target = target.split('-').next().unwrap_or(target);
                if let Ok(port) = target.parse::<u16>() {
                    out.push((port, !local));
                }
            }
            Json::Number(n) => {
                if let Some(port) = n.as_u64().and_then(|x| u16::try_from(x).ok()) {
                    out.push((port, true));
                }
            }
            Json::Object(m) => {
                let target = m.get("target").and_then(|t| {
                    t.as_u64()
                        .and_then(|x| u16::try_from(x).ok())
                        .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
                });
                let local = m
                    .get("host_ip")
                    .and_then(Json::as_str)
                    .is_some_and(|ip| ip.starts_with("127.") || ip == "::1");
                if let Some(port) = target {
                    out.push((port, !local));
                }
            }
            _ => {}
        }
    }
    out
}

/// The Compose project name: the directory holding the file.
fn project_name(display: &str) -> String {
    let path = Path::new(display);
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty());
    dir.map_or_else(|| "Compose project".to_owned(), str::to_owned)
}
