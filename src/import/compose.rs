//! Docker Compose → archdoc. Services become components on one Docker host (Compose runs
//! every service on the machine it is started on); `deploy.replicas` becomes a replica group;
//! `depends_on`, legacy `links` and connection URLs in the environment become links;
//! published ports say what the internet reaches. Override files merge as Compose merges them:
//! later files replace scalars, extend lists and merge mappings.

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
        let g = infer::guess(image, &s.name, &command);
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
        for l in b
            .get("links")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = l.as_str().and_then(|x| x.split(':').next())
                && let Some(t) = id_of(name)
            {
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
    let ways_in: Vec<String> = draft
        .links
        .iter()
        .filter(|l| l.from == user && !l.fields.iter().any(|(k, _)| k == "optional"))
        .map(|l| l.to.clone())
        .collect();
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

/// The services a service depends on (`depends_on` as a list or a mapping).
fn depends_on(b: &Json) -> Vec<String> {
    match b.get("depends_on") {
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Some(Json::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
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
