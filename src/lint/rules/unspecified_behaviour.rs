use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Failover, Kind, Role};

declare_rule! {
    /// ## What it does
    /// Names every default archdoc had to assume because the model does not say, where the
    /// assumption changes a verdict: a balancer's algorithm or mode, a replica's replication
    /// mode, a primary's or virtual IP's failover, an automatic failover nothing is said to
    /// perform, a managed or external service's SLA and zones, and where the instances of a
    /// replica group run.
    ///
    /// ## Why is this bad?
    /// A reviewer reads archdoc's verdict as a fact about the design. When it rests on a
    /// default ("replication is asynchronous", "the provider keeps 99.95%"), the reader must
    /// know, or a design that never said how it fails over is judged as if it did.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts: { db-1: {}, db-2: {} }
    /// components:
    ///   user: { kind: client }
    ///   db: { kind: database, host: db-1, role: primary, failover: automatic }
    ///   db-replica: { kind: database, host: db-2, replica_of: db }
    /// links:
    ///   - { from: user, to: db }
    /// ```
    /// Nothing names what promotes the replica, and the replication mode is not stated.
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts: { db-1: {}, db-2: {}, orch: {} }
    /// components:
    ///   user: { kind: client }
    ///   db: { kind: database, host: db-1, role: primary, failover: automatic, failover_by: orchestrator }
    ///   db-replica: { kind: database, host: db-2, replica_of: db, replication: semi_sync }
    ///   orchestrator: { kind: other, software: Orchestrator, host: orch }
    /// links:
    ///   - { from: user, to: db }
    /// ```
    ///
    /// ## How to fix
    /// Write down what the design does: `algorithm:` and `mode:` on balancers,
    /// `replication:` on replicas, `failover:` (and `failover_by:`) on primaries and virtual
    /// IPs, `availability:` and `zones:` on managed and external services, `spread:` or
    /// `hosts:` on replica groups. Each finding says what archdoc assumed meanwhile.
    pub struct UnspecifiedBehaviour;
    id = "unspecified-behaviour",
    category = Model,
    severity = Info,
}

impl Rule for UnspecifiedBehaviour {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for (i, c) in model.components.iter().enumerate() {
            let mut said: Vec<(String, &'static str, String)> = Vec::new();
            // (message, field it points at, help); the field plus the message's first words tell findings apart.
            let written = |f: &str| c.fields.contains_key(f);
            if c.pool.len() > 1 && c.kind == Kind::LoadBalancer {
                if !written("algorithm") {
                    said.push((
                        format!("`{}`: balancing algorithm not stated; assumed round robin (even spread)", c.id),
                        "pool",
                        "add `algorithm:` (round_robin, least_connections, source_hash, ...)".to_owned(),
                    ));
                }
                if !written("mode") {
                    said.push((
                        format!("`{}`: pool mode not stated; assumed active-active (every member serves)", c.id),
                        "pool",
                        "add `mode: active_active` or `mode: active_passive`".to_owned(),
                    ));
                }
            }
            if c.replica_of.is_some() && !written("replication") {
                said.push((
                    format!("`{}`: replication not stated; assumed asynchronous (recent writes may be lost on failover)", c.id),
                    "replica_of",
                    "add `replication: async`, `semi_sync` or `sync`".to_owned(),
                ));
            }
            if c.kind == Kind::Database
                && c.role != Some(Role::Replica)
                && !g.replicas_of(i).is_empty()
                && !written("failover")
            {
                said.push((
                    format!(
                        "`{}`: failover not stated; assumed none (a person must promote a replica)",
                        c.id
                    ),
                    "kind",
                    "add `failover: automatic` (with `failover_by:`), `manual` or `none`"
                        .to_owned(),
                ));
            }
            if c.kind == Kind::VirtualIp && !written("failover") {
                said.push((
                    format!("`{}`: failover of the address not stated; assumed none (it stays on its first member)", c.id),
                    "members",
                    "add `failover: automatic` (keepalived, VRRP) or `manual`".to_owned(),
                ));
            }
            // A virtual IP's named software (keepalived, VRRP, Pacemaker) is what moves it.
            let self_performing = c.kind == Kind::VirtualIp && c.software.is_some();
            // A database with nothing to promote is model-inconsistency's finding.
            let nothing_to_promote = c.kind == Kind::Database && g.replicas_of(i).is_empty();
            if c.failover == Failover::Automatic
                && c.failover_by.is_none()
                && !c.managed
                && !self_performing
                && !nothing_to_promote
            {
                said.push((
                    format!("`{}`: `failover: automatic` names nothing that performs it; the claim is unsupported and was taken at its word", c.id),
                    "failover",
                    "add `failover_by: <component>` naming the orchestrator, Patroni, MHA or keepalived, and model it".to_owned(),
                ));
            }
            // Monitoring is off the request path: its SLA and zones change no verdict.
            let on_path = c.kind != Kind::Monitoring;
            if on_path && c.is_provider_run() && !written("availability") {
                let assumed = if c.managed { "99.95%" } else { "99.9%" };
                said.push((
                    format!(
                        "`{}`: no SLA stated; assumed {assumed} in the availability figures",
                        c.id
                    ),
                    "kind",
                    "add `availability:` with the provider's published SLA".to_owned(),
                ));
            }
            // A CDN's or DNS provider's edge is global: it has no zones to state.
            if on_path
                && c.managed
                && c.zones.is_empty()
                && c.host.is_none()
                && !matches!(c.kind, Kind::Cdn | Kind::Dns)
            {
                said.push((
                    format!("`{}`: managed, but its zones are not stated; assumed to span several (not a single point of failure of the design)", c.id),
                    "managed",
                    "add `zones: [...]` listing where the provider runs it (one zone makes it a single point of failure)".to_owned(),
                ));
            }
            if let Some(n) = c.replicas
                && n > 1
                && c.spread.is_empty()
                && c.placement_hosts.is_empty()
                && c.host.is_none()
            {
                said.push((
                    format!("`{}`: where its {n} replicas run is not stated; assumed on independent machines", c.id),
                    "replicas",
                    "add `spread: [zone-a, zone-b]` or `hosts: [...]`".to_owned(),
                ));
            }
            for (message, field, help) in said {
                let key: String = message
                    .split(": ")
                    .nth(1)
                    .unwrap_or_default()
                    .split(' ')
                    .take(2)
                    .collect::<Vec<_>>()
                    .join("-");
                cx.report(&Self::META, &c.id, c.field_span(field), message)
                    .discriminator(key)
                    .help(help);
            }
        }
    }
}
