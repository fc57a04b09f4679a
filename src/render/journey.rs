//! The user journey written out: from the browser's DNS lookup to the response, step by step,
//! the way a design doc explains a request ("the load balancer picks a server with round
//! robin..."). It is generated from the graph, so it is always in step with the model.

use std::collections::{BTreeSet, VecDeque};

use super::scene::{Scene, clean, component_name};
use crate::model::{Failover, Kind, LinkOrigin, Mode, Model, Replication, Role};

/// One step of the journey.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// A short title ("Load balancer").
    pub title: String,
    /// What happens, in a sentence or two.
    pub text: String,
}

fn name(scene: &Scene, c: usize) -> String {
    scene.component_ref(c)
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        _ => format!(
            "{} and {}",
            items[..items.len() - 1].join(", "),
            items[items.len() - 1]
        ),
    }
}

/// How a link carries requests, for a sentence: "over HTTPS (port 443)".
fn over(model: &Model, l: usize) -> String {
    let link = &model.links[l];
    let mut s = String::new();
    if let Some(p) = &link.endpoint.protocol {
        let p = if link.tls() && p == "http" {
            "HTTPS".to_owned()
        } else {
            p.to_uppercase()
        };
        s.push_str(&format!(" over {p}"));
    }
    if let Some(port) = link.endpoint.port {
        s.push_str(&format!(" on port {port}"));
    }
    let own_encryption = link
        .endpoint
        .protocol
        .as_deref()
        .is_some_and(|p| matches!(p, "ssh" | "sftp" | "scp"));
    if own_encryption {
        s.push_str(", encrypted (SSH)");
    } else if link.tls() {
        s.push_str(", encrypted with TLS");
    } else if link.endpoint.protocol.as_deref() == Some("http") {
        s.push_str(", unencrypted");
    }
    s
}

/// The journey of a request through `scene`'s model, from its clients.
#[must_use]
pub fn user_journey(scene: &Scene) -> Vec<Step> {
    let m = scene.model;
    let g = crate::graph::ArchGraph::new(m);
    let mut steps = Vec::new();
    let clients: Vec<usize> = g.clients().collect();
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut seen: BTreeSet<usize> = BTreeSet::new();

    for &client in &clients {
        let who = clean(component_name(&m.components[client]));
        let entries = g.request_links(client);
        // DNS: the records that point at what the client connects to.
        for dns in m.components.iter().filter(|c| !c.records.is_empty()) {
            let records: Vec<String> = dns
                .records
                .iter()
                .filter(|r| entries.iter().any(|&l| m.links[l].to == r.target))
                .map(|r| {
                    format!(
                        "the {} record of {} points to {}",
                        r.record_type.as_str(),
                        clean(&r.name),
                        name(scene, r.target)
                    )
                })
                .collect();
            if !records.is_empty() {
                steps.push(Step {
                    title: "DNS lookup".to_owned(),
                    text: format!(
                        "{who} asks {} for the address: {}.",
                        clean(component_name(dns)),
                        list(&records)
                    ),
                });
            }
        }
        for &l in &entries {
            let to = m.links[l].to;
            steps.push(Step {
                title: "Connection".to_owned(),
                text: format!(
                    "{who} connects to {}{} across the internet.",
                    name(scene, to),
                    over(m, l)
                ),
            });
            if seen.insert(to) {
                queue.push_back(to);
            }
        }
    }
    if clients.is_empty() {
        for j in &m.journeys {
            if let Some(e) = j.entry
                && seen.insert(e)
            {
                queue.push_back(e);
            }
        }
    }

    while let Some(c) = queue.pop_front() {
        let comp = &m.components[c];
        let here = name(scene, c);
        let outgoing: Vec<usize> = g.links_from(c);
        let pool: Vec<usize> = outgoing
            .iter()
            .copied()
            .filter(|&l| m.links[l].origin == LinkOrigin::Pool)
            .collect();
        let members: Vec<usize> = outgoing
            .iter()
            .copied()
            .filter(|&l| m.links[l].origin == LinkOrigin::Member)
            .collect();
        let declared: Vec<usize> = outgoing
            .iter()
            .copied()
            .filter(|&l| m.links[l].origin == LinkOrigin::Declared)
            .collect();
        let mut next: Vec<usize> = Vec::new();
        if !members.is_empty() {
            let names: Vec<String> = members
                .iter()
                .map(|&l| name(scene, m.links[l].to))
                .collect();
            let failover = match comp.failover {
                Failover::Automatic => "moves to the next one automatically",
                Failover::Manual => "is moved to the next one by hand",
                Failover::None => "does not move",
            };
            steps.push(Step {
                title: comp.kind.title().to_owned(),
                text: format!(
                    "{here} is held by {}; if it fails, the address {failover}{}.",
                    names[0],
                    if names.len() > 1 {
                        format!(" ({})", list(&names[1..]))
                    } else {
                        String::new()
                    }
                ),
            });
            next.push(m.links[members[0]].to);
        }
        if !pool.is_empty() {
            let names: Vec<String> = pool.iter().map(|&l| name(scene, m.links[l].to)).collect();
            let how = comp
                .algorithm
                .map_or("a balancing algorithm it does not name".to_owned(), |a| {
                    a.title().to_lowercase()
                });
            let mode = if comp.mode == Mode::ActivePassive {
                "; the first serves and the others stand by"
            } else {
                ""
            };
            let health = if comp.health_checks == Some(true) {
                ", skipping members that fail their health checks"
            } else {
                ", without health checks (a failed member still gets requests)"
            };
            let carried = m.links[pool[0]]
                .endpoint
                .protocol
                .as_ref()
                .map_or(String::new(), |_| over(m, pool[0]));
            steps.push(Step {
                title: comp.kind.title().to_owned(),
                text: format!(
                    "{here} picks one of {} with {how}{mode}{health}, and forwards the request{carried}.",
                    list(&names)
                ),
            });
            next.push(m.links[pool[0]].to);
        }
        if !declared.is_empty() && comp.kind != Kind::Client {
            let calls: Vec<String> = declared
                .iter()
                .map(|&l| {
                    let link = &m.links[l];
                    let label = link
                        .label
                        .as_deref()
                        .map_or(String::new(), |s| format!(" for {}", clean(s)));
                    format!("{}{label}", name(scene, link.to))
                })
                .collect();
            steps.push(Step {
                title: comp.kind.title().to_owned(),
                text: format!("{here} handles the request and calls {}.", list(&calls)),
            });
            next.extend(declared.iter().map(|&l| m.links[l].to));
        }
        if comp.kind == Kind::Database {
            let replicas = g.replicas_of(c);
            if comp.role == Some(Role::Replica) || comp.replica_of.is_some() {
                let lag = match comp.replication {
                    Some(Replication::Sync) => "synchronously, so it is never behind",
                    Some(Replication::SemiSync) => {
                        "semi-synchronously (it has each change before the write returns)"
                    }
                    _ => "asynchronously, so it may lag a little behind",
                };
                let of = comp
                    .replica_of
                    .map_or(String::new(), |p| format!(" of {}", name(scene, p)));
                steps.push(Step {
                    title: "Database replica".to_owned(),
                    text: format!("{here} is a replica{of}: it can serve reads, and receives every change {lag}."),
                });
            } else if !replicas.is_empty() {
                let failover = match comp.failover {
                    Failover::Automatic => "a replica is promoted automatically",
                    Failover::Manual => "someone must promote a replica by hand",
                    Failover::None => "writes stop until someone acts",
                };
                let names: Vec<String> = replicas.iter().map(|&r| name(scene, r)).collect();
                steps.push(Step {
                    title: "Database primary".to_owned(),
                    text: format!("{here} is the primary: it takes every write and copies it to {}. If it fails, {failover}.", list(&names)),
                });
            }
        }
        for n in next {
            if seen.insert(n) {
                queue.push_back(n);
            }
        }
        // Other pool or VIP members take the same path: mark them seen without repeating it.
        for &l in pool.iter().skip(1).chain(members.iter().skip(1)) {
            seen.insert(m.links[l].to);
        }
    }
    if !clients.is_empty() && steps.len() > 1 {
        steps.push(Step {
            title: "Response".to_owned(),
            text: "The response travels back the same way, to the browser.".to_owned(),
        });
    }
    steps
}
