use std::collections::BTreeMap;

use crate::analysis::GateKind;
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{DataAccess, Failover, Kind, Role};

declare_rule! {
    /// ## What it does
    /// Finds parts of a model that cannot mean what they say: a balancer whose pool holds a
    /// database or a cache, a firewall on no request path that protects nothing, a monitoring
    /// agent on no host, two hosts or two components with the same label, a primary that
    /// claims automatic failover with no replica to promote, and a journey that reads or
    /// writes data but reaches no database.
    ///
    /// ## Why is this bad?
    /// Each is a slip that makes the analysis judge another design than the one meant: a
    /// database in a load balancer's pool counts as a web server that can take requests, a
    /// firewall off the path protects nothing though the diagram shows it, two boxes both called
    /// "Server" cannot be told apart in a review, and a "write" journey that reaches no database
    /// says nothing about where writes go.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts: { lb-1: {}, web-1: {} }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-1, pool: [web, db], health_checks: true }
    ///   web: { kind: web_server, host: web-1 }
    ///   db: { kind: database, host: web-1 }
    /// links:
    ///   - { from: user, to: lb }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts: { lb-1: {}, web-1: {} }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-1, pool: [web], health_checks: true }
    ///   web: { kind: web_server, host: web-1 }
    ///   db: { kind: database, host: web-1 }
    /// links:
    ///   - { from: user, to: lb }
    ///   - { from: web, to: db }
    /// ```
    ///
    /// ## How to fix
    /// Each finding says what to change: link the application to the database instead of
    /// pooling it, put the firewall on a host or a path (or give it `protects:`), place the agent
    /// on a host, give each element its own label, add the replica that failover would promote,
    /// or link the journey's application to its database.
    pub struct ModelInconsistency;
    id = "model-inconsistency",
    category = Model,
    severity = Warning,
}

impl Rule for ModelInconsistency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[allow(clippy::too_many_lines)]
    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for (i, c) in model.components.iter().enumerate() {
            let stores: Vec<&str> = c
                .pool
                .iter()
                .map(|&m| &model.components[m])
                .filter(|m| matches!(m.kind, Kind::Database | Kind::Cache))
                .map(|m| m.id.as_str())
                .collect();
            if !stores.is_empty() && c.quorum.is_none() && c.kind != Kind::Database {
                let list = stores
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                cx.report(
                    &Self::META,
                    &c.id,
                    c.field_span("pool"),
                    format!("`{}` spreads requests over {list}, a data store: a balancer sends requests to servers that call the database, not to the database", c.id),
                )
                .discriminator("pool-holds-data")
                .help("take the data store out of `pool:` and link the application servers to it");
            }
            let has_links = !g.links_from(i).is_empty() || !g.links_to(i).is_empty();
            if c.kind == Kind::Firewall && c.host.is_none() && c.protects.is_empty() && !has_links {
                cx.report(
                    &Self::META,
                    &c.id,
                    c.span,
                    format!("firewall `{}` is on no request path and protects nothing", c.id),
                )
                .discriminator("firewall-off-path")
                .help("put it on a host (`host:`), on the path (links into and out of it), or give it `protects: [...]`");
            }
            if c.is_agent() && c.host.is_none() && c.replicas.is_none() {
                cx.report(
                    &Self::META,
                    &c.id,
                    c.span,
                    format!("monitoring agent `{}` runs on no host: it reports on nothing", c.id),
                )
                .discriminator("agent-on-nothing")
                .help("set `host:` to the host it runs on, or make it a `server` that `monitors:` what it checks");
            }
            if c.kind == Kind::Database
                && c.failover == Failover::Automatic
                && c.role != Some(Role::Replica)
                && g.replicas_of(i).is_empty()
                && !c.managed
            {
                cx.report(
                    &Self::META,
                    &c.id,
                    c.field_span("failover"),
                    format!(
                        "`{}` claims automatic failover, but no replica could be promoted",
                        c.id
                    ),
                )
                .discriminator("failover-without-replica")
                .help(format!(
                    "add a replica (`replica_of: {}`) on another host, or set `failover: none`",
                    c.id
                ));
            }
        }
        // Two elements with one label cannot be told apart in a drawing or a review.
        let mut host_labels: BTreeMap<String, &str> = BTreeMap::new();
        for h in &model.hosts {
            if let Some(l) = &h.label {
                match host_labels.get(&l.to_lowercase()) {
                    Some(first) => {
                        cx.report(
                            &Self::META,
                            &h.id,
                            h.span,
                            format!("host `{}` has the same label as `{first}` (\"{l}\"): diagrams and reports cannot tell them apart", h.id),
                        )
                        .discriminator("duplicate-label")
                        .help("give each host its own label (`Server 1`, `Server 2`)");
                    }
                    None => {
                        host_labels.insert(l.to_lowercase(), &h.id);
                    }
                }
            }
        }
        let mut comp_labels: BTreeMap<(String, Option<usize>), &str> = BTreeMap::new();
        for c in &model.components {
            if let Some(l) = &c.label {
                // The same label on two hosts is told apart by the host.
                let key = (l.to_lowercase(), c.host);
                match comp_labels.get(&key) {
                    Some(first) if c.host.is_none() => {
                        cx.report(
                            &Self::META,
                            &c.id,
                            c.span,
                            format!("component `{}` has the same label as `{first}` (\"{l}\"): diagrams and reports cannot tell them apart", c.id),
                        )
                        .discriminator("duplicate-label")
                        .help("give each component its own label");
                    }
                    Some(_) => {}
                    None => {
                        comp_labels.insert(key, &c.id);
                    }
                }
            }
        }
        // A journey that reads or writes but reaches no database.
        let has_db = model.components.iter().any(|c| c.kind == Kind::Database);
        for (j, journey) in model.journeys.iter().enumerate() {
            if journey.data == DataAccess::None || !has_db {
                continue;
            }
            let Some(jf) = cx.analysis.journeys.get(j) else {
                continue;
            };
            if jf.broken {
                continue; // journey-broken says why
            }
            let jg = &jf.graph;
            let reaches = jg.gates.iter().any(|gate| match gate.kind {
                GateKind::Graph(n) => matches!(
                    g.element(n),
                    crate::model::ElementRef::Component(c)
                        if model.components[c].kind.is_data_store()
                ),
                GateKind::Instance(c, _) | GateKind::Promotion(c) => {
                    model.components[c].kind.is_data_store()
                }
                _ => false,
            });
            if !reaches {
                let what = if journey.data == DataAccess::Write {
                    "writes"
                } else {
                    "reads"
                };
                cx.report(
                    &Self::META,
                    &journey.id,
                    journey.span,
                    format!(
                        "journey `{}` {what} data but reaches no database",
                        journey.id
                    ),
                )
                .discriminator("journey-without-data")
                .help(
                    "link the application the journey reaches to its database, or set `data: none`",
                );
            }
        }
    }
}
