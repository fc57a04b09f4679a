//! Threagile → archdoc. Technical assets become components (their `technology` gives the
//! kind; human clients become clients, internal when not on the internet), communication
//! links become links (`-encrypted` protocols and `https` are TLS), `redundant: true` becomes a
//! replica group of two whose placement is not known, and trust boundaries of type
//! `network-cloud-security-group` become security groups over the assets inside them. Other
//! trust boundaries are network zones, not failure domains: they are listed as skipped.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_saphyr::Spanned;

use super::draft::{Draft, DraftLink, Element, Origin, SourceFile, Value, safe_id};
use crate::model::{Limits, ModelError, Span};

#[derive(Deserialize)]
struct RawThreagile {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    technical_assets: Option<IndexMap<Spanned<String>, Option<Json>>>,
    #[serde(default)]
    trust_boundaries: Option<IndexMap<Spanned<String>, Option<Json>>>,
}

/// Only the `includes:` of a Threagile file (Threagile 1.0 splits a model over files).
#[derive(Deserialize)]
struct RawIncludes {
    #[serde(default)]
    includes: Option<Vec<String>>,
}

/// The files a Threagile file includes, as its `includes:` names them.
///
/// # Errors
/// The file is not valid YAML.
pub fn includes(src: &SourceFile, limits: &Limits) -> Result<Vec<String>, Box<ModelError>> {
    let raw: RawIncludes =
        serde_saphyr::from_str_with_options(&src.text, crate::model::yaml_options(limits))
            .map_err(|e| crate::model::parse_error(&e, &src.display, &src.text))?;
    Ok(raw.includes.unwrap_or_default())
}

/// Threagile technologies → model kinds; anything else is `other`.
fn kind_of(technology: &str, ty: &str, human: bool) -> &'static str {
    if human {
        return "client";
    }
    match technology {
        "load-balancer" => "load_balancer",
        "reverse-proxy" | "web-server" | "waf" | "gateway" => "web_server",
        "web-application" | "application-server" | "web-service-rest" | "web-service-soap"
        | "cms" | "erp" | "ejb" | "function" | "scheduler" | "task" => "app_server",
        "database" | "identity-store-database" => "database",
        "message-queue" | "event-listener" | "stream-processing" => "queue",
        "monitoring" | "ids" | "ips" | "siem" => "monitoring",
        "cdn" => "cdn",
        "browser" | "desktop" | "mobile-app" | "devops-client" => "client",
        _ if ty == "datastore" => "other",
        _ => "other",
    }
}

/// Builds the draft from a Threagile model.
///
/// # Errors
/// The file is not valid YAML, or has no technical assets.
pub fn import(sources: &[SourceFile], limits: &Limits) -> Result<Draft, Box<ModelError>> {
    let src = &sources[0];
    // The file and the files it includes, merged as Threagile merges them: the assets and
    // boundaries of each, in order, each remembering the file it came from.
    let mut title = None;
    let mut assets: Vec<(usize, Spanned<String>, Option<Json>)> = Vec::new();
    let mut boundaries: Vec<(usize, Spanned<String>, Option<Json>)> = Vec::new();
    for (file, part) in sources.iter().enumerate() {
        let raw: RawThreagile =
            serde_saphyr::from_str_with_options(&part.text, crate::model::yaml_options(limits))
                .map_err(|e| crate::model::parse_error(&e, &part.display, &part.text))?;
        title = title.or(raw.title);
        for (k, v) in raw.technical_assets.unwrap_or_default() {
            if !assets.iter().any(|(_, t, _)| t.value == k.value) {
                assets.push((file, k, v));
            }
        }
        for (k, v) in raw.trust_boundaries.unwrap_or_default() {
            if !boundaries.iter().any(|(_, t, _)| t.value == k.value) {
                boundaries.push((file, k, v));
            }
        }
    }
    if assets.is_empty() {
        return Err(Box::new(
            ModelError::file(
                "import::empty",
                &src.display,
                format!("`{}` has no technical assets", src.display),
            )
            .with_help("a Threagile model lists its components under `technical_assets:`"),
        ));
    }
    let mut draft = Draft {
        name: title.unwrap_or_else(|| "Threagile model".to_owned()),
        ..Draft::default()
    };
    draft.notes.push(
        "assumed: hosts and failure domains are not in a Threagile model; each asset fails on its own".to_owned(),
    );
    // Asset id → model id.
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut clients: Vec<String> = Vec::new();
    let business_client = |b: &Json| {
        b.get("communication_links")
            .and_then(Json::as_object)
            .is_some_and(|ls| {
                ls.values()
                    .any(|l| l.get("usage").and_then(Json::as_str) != Some("devops"))
            })
    };
    let null = Json::Null;
    for (file, title, body) in &assets {
        let b = body.as_ref().unwrap_or(&null);
        let tid = b
            .get("id")
            .and_then(Json::as_str)
            .map_or_else(|| safe_id(&title.value), str::to_owned);
        let id = safe_id(&tid);
        ids.push((tid.clone(), id.clone()));
        let technology = b.get("technology").and_then(Json::as_str).unwrap_or("");
        let ty = b.get("type").and_then(Json::as_str).unwrap_or("");
        let human = b
            .get("used_as_client_by_human")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let kind = kind_of(technology, ty, human);
        let mut c = Element::new(id.clone());
        c.origin = Some(Origin {
            file: *file,
            span: Span::of(title, &sources[*file].text),
        });
        c.set("kind", Value::word(kind));
        c.set("label", Value::str(&title.value));
        if !technology.is_empty() && kind != "client" {
            c.set("software", Value::str(technology));
        }
        let out_of_scope = b
            .get("out_of_scope")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        if kind == "client" {
            if human && business_client(b) {
                clients.push(id.clone());
            }
            if b.get("internet").and_then(Json::as_bool) == Some(false) {
                c.set("network", Value::word("internal"));
            }
        } else if out_of_scope && ty == "external-entity" {
            c.set("kind", Value::word("external"));
            c.note("out of scope in Threagile: a service outside your control");
        } else if b.get("redundant").and_then(Json::as_bool) == Some(true) {
            c.set("replicas", Value::Int(2));
            c.note("`redundant: true` in Threagile: assumed two instances; where they run is not stated");
        }
        draft.components.push(c);
    }
    let resolve = |t: &str| {
        ids.iter()
            .find(|(tid, _)| tid == t)
            .map(|(_, id)| id.clone())
    };
    // The assets again, in the same order, with the ids the first pass gave them.
    for ((_, _, body), (tid, from)) in assets.iter().zip(&ids) {
        let b = body.as_ref().unwrap_or(&null);
        let from = from.clone();
        let Some(Json::Object(links)) = b.get("communication_links") else {
            continue;
        };
        for (name, l) in links {
            let Some(to) = l.get("target").and_then(Json::as_str).and_then(resolve) else {
                draft.skipped.push(format!(
                    "communication link `{name}` of `{tid}`: unknown target"
                ));
                continue;
            };
            let proto = l.get("protocol").and_then(Json::as_str).unwrap_or("");
            let tls = proto == "https"
                || proto == "wss"
                || proto.ends_with("-encrypted")
                || matches!(
                    proto,
                    "ssh" | "sftp" | "scp" | "ldaps" | "ftps" | "ssh-tunnel"
                );
            let base = proto.trim_end_matches("-encrypted");
            let protocol = match base {
                "https" => "http",
                "wss" => "ws",
                "jdbc" | "odbc" | "sql-access-protocol" => "sql",
                "nosql-access-protocol" => "nosql",
                "" => "tcp",
                other => other,
            };
            let mut fields = vec![("protocol".to_owned(), Value::word(protocol))];
            if tls {
                fields.push(("tls".to_owned(), Value::Bool(true)));
            }
            if matches!(proto, "https" | "wss")
                && let Some(c) = draft.component_mut(&to)
                && c.get("certificate").is_none()
            {
                c.set("certificate", Value::str("(assumed: HTTPS ends here)"));
            }
            let devops = l.get("usage").and_then(Json::as_str) == Some("devops");
            if devops {
                fields.push(("optional".to_owned(), Value::Bool(true)));
            }
            draft.link(DraftLink {
                from: from.clone(),
                to,
                fields,
                comment: Some(if devops {
                    format!("{name} (devops: not on the users' path)")
                } else {
                    name.clone()
                }),
            });
        }
    }
    for (file, title, body) in boundaries {
        let b = body.unwrap_or(Json::Null);
        let ty = b.get("type").and_then(Json::as_str).unwrap_or("");
        let inside: Vec<String> = b
            .get("technical_assets_inside")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().and_then(resolve))
            .collect();
        if ty == "network-cloud-security-group" && !inside.is_empty() {
            let id = safe_id(&format!(
                "{}-sg",
                b.get("id").and_then(Json::as_str).unwrap_or(&title.value)
            ));
            let mut fw = Element::new(id);
            fw.origin = Some(Origin {
                file,
                span: Span::of(&title, &sources[file].text),
            });
            fw.set("kind", Value::word("firewall"));
            fw.set("label", Value::str(&title.value));
            fw.set("protects", Value::words(inside));
            fw.note("a Threagile security group: its rules are not in the model");
            draft.components.push(fw);
        } else {
            draft.skipped.push(format!(
                "trust boundary `{}` ({ty}): a network boundary, not a failure domain",
                title.value
            ));
        }
    }
    // A client with several links reaches any one of them (archdoc's reading of a client's
    // links); each business link of a human client is its own way in instead.
    let mut ways_in: Vec<String> = Vec::new();
    for l in &draft.links {
        if clients.contains(&l.from)
            && !l.fields.iter().any(|(k, _)| k == "optional")
            && !ways_in.contains(&l.to)
        {
            ways_in.push(l.to.clone());
        }
    }
    draft.entry_journeys(&ways_in);
    Ok(draft)
}
