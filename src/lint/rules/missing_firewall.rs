use std::collections::BTreeSet;

use crate::analysis::journeys::entry_groups;
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta, Severity};
use crate::model::{ElementRef, Kind, LinkOrigin, Model, Source};

declare_rule! {
    /// ## What it does
    /// Finds hosts and components reachable from the internet with no firewall in front of
    /// them. A database reachable from the internet (no firewall, or a firewall that admits its
    /// port) is an error.
    ///
    /// Reachable from the internet means: what a client connects to, what a DNS record points
    /// at, and everything on a host marked `public: true`. A firewall is in front of it when
    /// a `firewall` component runs on the same host (a host firewall such as iptables or ufw),
    /// or when the only links into it come from a `firewall` component on the path.
    ///
    /// ## Why is this bad?
    /// Without a firewall every port the server listens on is open to the world: SSH, the
    /// database, admin consoles. A database port open to the internet is how data leaks.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// hosts:
    ///   lb-host: {}
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [web] }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// hosts:
    ///   lb-host: {}
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb-firewall: { kind: firewall, software: ufw, host: lb-host, allow: [443] }
    ///   web-firewall: { kind: firewall, software: ufw, host: web-host, allow: [80] }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [web] }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Add a `firewall` component on each host reachable from the internet, admitting only
    /// the ports the public should reach (`allow: [443]`), or put a network firewall on the
    /// path (the client links to the firewall, the firewall links to what it protects).
    /// Never admit a database port from the internet. Hosts the internet does not reach are
    /// reported too, at `info`: without a firewall of their own (or a security group that
    /// `protects` them) anything inside the network reaches every port.
    pub struct MissingFirewall;
    id = "missing-firewall",
    category = Security,
    severity = Warning,
}

impl Rule for MissingFirewall {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let exposed = exposed_components(cx);
        let protection = Protection::of(model);
        let mut reported_hosts = BTreeSet::new();
        for c in exposed {
            let comp = &model.components[c];
            if matches!(comp.kind, Kind::Firewall | Kind::Client | Kind::VirtualIp)
                || (comp.kind == Kind::Dns && comp.host.is_none())
                || provider_edge(comp)
            {
                continue;
            }
            let host_fw = comp
                .host
                .and_then(|h| protection.host(h))
                .or_else(|| protection.component(c));
            // A firewall on the path: every link into it comes from a firewall.
            let incoming = g.links_to(c);
            let behind_network_fw = !incoming.is_empty()
                && incoming
                    .iter()
                    .all(|&l| model.components[model.links[l].from].kind == Kind::Firewall);
            let databases: Vec<usize> = match comp.host {
                Some(h) => model
                    .components_on(h)
                    .filter(|&d| model.components[d].kind == Kind::Database)
                    .collect(),
                None if comp.kind == Kind::Database => vec![c],
                None => Vec::new(),
            };
            match host_fw {
                Some(fw) => {
                    // The host has a firewall: it must not admit a database port from anywhere.
                    if model.components[fw].allow.is_none() {
                        continue;
                    }
                    let allow: Vec<u16> = model.components[fw]
                        .allow_rules
                        .iter()
                        .filter(|r| r.from == Source::Internet)
                        .map(|r| r.port)
                        .collect();
                    for &d in &databases {
                        let ports = database_ports(cx, d);
                        if let Some(p) = ports.iter().find(|p| allow.contains(p)) {
                            let db = &model.components[d];
                            let message = format!(
                                "database `{}` is reachable from the internet: firewall `{}` admits its port {p}",
                                db.id, model.components[fw].id
                            );
                            let fw_comp = &model.components[fw];
                            cx.report(&Self::META, &db.id, fw_comp.field_span("allow"), message)
                                .severity(Severity::Error)
                                .discriminator("database-port")
                                .help(format!("remove {p} from `allow` on `{}`; let only the application servers reach the database", fw_comp.id));
                        }
                    }
                }
                None if behind_network_fw => {}
                None => {
                    let (element, span, what) = match comp.host {
                        Some(h) => (
                            model.hosts[h].id.clone(),
                            model.hosts[h].span,
                            format!("host `{}`", model.hosts[h].id),
                        ),
                        None => (comp.id.clone(), comp.span, format!("`{}`", comp.id)),
                    };
                    if !reported_hosts.insert(element.clone()) {
                        continue;
                    }
                    let via = if comp.host.is_some() && comp.kind != Kind::Database {
                        format!(" (it runs `{}`, which the internet reaches)", comp.id)
                    } else {
                        String::new()
                    };
                    cx.report(&Self::META, &element, span, format!("{what} is reachable from the internet with no firewall in front of it{via}"))
                        .help(format!("add a `firewall` component on {what} that admits only the public ports (e.g. `allow: [443]`), or route the client through a network firewall"));
                    let listening: Vec<usize> = databases
                        .iter()
                        .copied()
                        .filter(|&d| listens_on_network(cx, d))
                        .collect();
                    for d in listening {
                        let db = &model.components[d];
                        let ports = database_ports(cx, d);
                        let port = ports
                            .first()
                            .map_or_else(String::new, |p| format!(" (port {p})"));
                        cx.report(&Self::META, &db.id, db.span, format!("database `{}` is open to the internet{port}: {what} has no firewall", db.id))
                            .severity(Severity::Error)
                            .discriminator("database-port")
                            .help("put a firewall on the host that admits the database port only from the application servers");
                    }
                }
            }
        }
        // Every other host: a public one with nothing on it (a bastion) is still reachable;
        // an internal one with no firewall admits anything from inside the network.
        for (h, host) in model.hosts.iter().enumerate() {
            if reported_hosts.contains(&host.id) || protection.host(h).is_some() {
                continue;
            }
            let on: Vec<usize> = model.components_on(h).collect();
            let behind_network_fw = on.iter().any(|&c| {
                let incoming = g.links_to(c);
                !incoming.is_empty()
                    && incoming
                        .iter()
                        .all(|&l| model.components[model.links[l].from].kind == Kind::Firewall)
            });
            if behind_network_fw {
                continue;
            }
            if host.public == Some(true) {
                if on.is_empty() {
                    cx.report(&Self::META, &host.id, host.span, format!("host `{}` is public (`public: true`) with no firewall, though nothing on it is modelled", host.id))
                        .discriminator("public-host")
                        .help(format!("add a `firewall` on `{}` (or a security group that `protects` it) admitting only what it is for, such as SSH from your office", host.id));
                }
                continue;
            }
            if on.is_empty() {
                continue;
            }
            cx.report(&Self::META, &host.id, host.span, format!("host `{}` has no firewall: nothing limits what reaches it from inside the network", host.id))
                .severity(Severity::Info)
                .discriminator("internal-host")
                .help(format!("add a `firewall` on `{}`, or a security group that `protects` it, admitting only the ports its components are reached on", host.id));
        }
    }
}

/// Which firewall protects each host and component, worked out once per check: a firewall on
/// the host, or a security group whose `protects` names the host, a domain it is in, or the
/// component. The first in the file wins.
struct Protection {
    hosts: Vec<Option<usize>>,
    components: std::collections::HashMap<usize, usize>,
}

impl Protection {
    fn of(model: &Model) -> Self {
        let mut hosts: Vec<Option<usize>> = (0..model.hosts.len())
            .map(|h| {
                model.components_on(h).find(|&c| {
                    model.components[c].kind == Kind::Firewall && !model.components[c].is_rule_set()
                })
            })
            .collect();
        let mut by_domain: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        let mut components = std::collections::HashMap::new();
        let mut by_host: Vec<Option<usize>> = vec![None; model.hosts.len()];
        for (f, fw) in model.components.iter().enumerate() {
            if fw.kind != Kind::Firewall {
                continue;
            }
            for p in &fw.protects {
                match *p {
                    ElementRef::Host(h) => {
                        by_host[h].get_or_insert(f);
                    }
                    ElementRef::Domain(d) => {
                        by_domain.entry(d).or_insert(f);
                    }
                    ElementRef::Component(c) => {
                        components.entry(c).or_insert(f);
                    }
                }
            }
        }
        for (h, slot) in hosts.iter_mut().enumerate() {
            if slot.is_none() {
                // A group naming the host, else one naming a domain it is in; the earlier
                // component in the file when both do.
                let via_domain = model
                    .domains_of_host(h)
                    .into_iter()
                    .filter_map(|d| by_domain.get(&d).copied())
                    .min();
                *slot = match (by_host[h], via_domain) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        Self { hosts, components }
    }

    /// The firewall protecting host `h`.
    fn host(&self, h: usize) -> Option<usize> {
        self.hosts[h]
    }

    /// The security group whose `protects` names component `c`.
    fn component(&self, c: usize) -> Option<usize> {
        self.components.get(&c).copied()
    }
}

/// A provider's edge (a managed CDN, DNS, object store or a third-party API): the provider
/// filters what reaches it; there is no firewall of yours to put in front.
fn provider_edge(comp: &crate::model::Component) -> bool {
    comp.kind == Kind::External
        || (comp.managed && matches!(comp.kind, Kind::Cdn | Kind::Dns | Kind::ObjectStorage))
}

/// The components the internet reaches directly, in model order.
fn exposed_components(cx: &LintContext<'_, '_>) -> Vec<usize> {
    let g = cx.graph;
    let model = g.model;
    let mut out = BTreeSet::new();
    for client in g.clients() {
        if model.components[client].network == Some(crate::model::Network::Internal) {
            continue; // an office or VPN client: what it reaches is not on the internet
        }
        for l in g.links_from(client) {
            out.insert(model.links[l].to);
        }
    }
    for c in &model.components {
        for r in &c.records {
            out.insert(r.target);
        }
    }
    for (h, host) in model.hosts.iter().enumerate() {
        if host.public == Some(true) {
            out.extend(model.components_on(h));
        }
    }
    if out.is_empty() && !model.journeys.is_empty() {
        for grp in entry_groups(g, 0) {
            out.extend(grp);
        }
    }
    // A virtual IP is an address on its members' hosts: they are what is exposed.
    let vips: Vec<usize> = out
        .iter()
        .copied()
        .filter(|&c| model.components[c].kind == Kind::VirtualIp)
        .collect();
    for v in vips {
        out.extend(model.components[v].members.iter().copied());
    }
    out.into_iter().collect()
}

/// The ports database `d` listens on: from the links into it, else the software's default.
fn database_ports(cx: &LintContext<'_, '_>, d: usize) -> Vec<u16> {
    let g = cx.graph;
    let model = g.model;
    let mut ports: Vec<u16> = g
        .links_to(d)
        .into_iter()
        .filter(|&l| model.links[l].origin == LinkOrigin::Declared)
        .filter_map(|l| model.links[l].endpoint.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    if ports.is_empty() {
        let sw = model.components[d]
            .software
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        let default = if sw.contains("postgres") {
            5432
        } else if sw.contains("mongo") {
            27017
        } else if sw.contains("redis") {
            6379
        } else if sw.contains("sql server") || sw.contains("mssql") {
            1433
        } else if sw.contains("oracle") {
            1521
        } else {
            3306
        };
        ports.push(default);
    }
    ports
}

/// Whether database `d` must listen on a network interface: something on another host (or on
/// no host) connects to it, or one of its replicas runs elsewhere. A database only its own
/// host talks to is usually bound to localhost.
fn listens_on_network(cx: &LintContext<'_, '_>, d: usize) -> bool {
    let g = cx.graph;
    let model = g.model;
    let host = model.components[d].host;
    if host.is_none() {
        return true;
    }
    let remote = |c: usize| model.components[c].host != host;
    g.links_to(d)
        .into_iter()
        .any(|l| remote(model.links[l].from))
        || g.replicas_of(d).into_iter().any(remote)
}
