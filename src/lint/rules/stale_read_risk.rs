use std::collections::BTreeSet;

use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{DataAccess, Replication};

declare_rule! {
    /// ## What it does
    /// Finds journeys that write and can read from an asynchronous replica: the user who just
    /// changed something may not see the change on the next page.
    ///
    /// ## Why is this bad?
    /// Asynchronous replication lags, by milliseconds on a quiet day and by minutes under load
    /// or after a network hiccup. A journey that writes and then reads (place an order, then
    /// show it) must read its own writes: from the primary, or from a replica that waits for
    /// the change (`replication: semi_sync` or `sync`).
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   h1: {}
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: h1 }
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: async }
    /// links:
    ///   - { from: user, to: app, tls: true }
    ///   - { from: app, to: primary }
    ///   - { from: app, to: replica }
    /// journeys:
    ///   checkout: { data: write }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   h1: {}
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: h1 }
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: semi_sync }
    /// links:
    ///   - { from: user, to: app, tls: true }
    ///   - { from: app, to: primary }
    ///   - { from: app, to: replica }
    /// journeys:
    ///   checkout: { data: write }
    /// ```
    ///
    /// ## How to fix
    /// Read from the primary in journeys that write (scope the replica link with
    /// `journeys:` to the read-only ones), or make the replica wait for each change.
    pub struct StaleReadRisk;
    id = "stale-read-risk",
    category = Reliability,
    severity = Warning,
}

impl Rule for StaleReadRisk {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
        for (j, jf) in cx.analysis.journeys.iter().enumerate() {
            let journey = &model.journeys[j];
            if journey.data != DataAccess::Write {
                continue;
            }
            let jg = &jf.graph;
            for gate in &jg.gates {
                let crate::analysis::GateKind::Graph(node) = gate.kind else {
                    continue;
                };
                let crate::model::ElementRef::Component(caller) = g.element(node) else {
                    continue;
                };
                // Declared links of a writing journey to an asynchronous replica.
                for l in g.links_from(caller) {
                    let link = &model.links[l];
                    let target = &model.components[link.to];
                    let is_async = target.replica_of.is_some()
                        && target.replication.unwrap_or(Replication::Async) == Replication::Async;
                    if !is_async || !link.serves(j) || !reported.insert((j, link.to)) {
                        continue;
                    }
                    let message = format!(
                        "journey `{}` writes and can read from `{}`, an asynchronous replica: a user may not see their own write",
                        journey.id, target.id
                    );
                    cx.report(&Self::META, &target.id, link.span, message)
                        .discriminator(journey.id.clone())
                        .journeys(vec![journey.id.clone()])
                        .help(format!(
                            "scope the link to `{}` to read-only journeys with `journeys:`, or make it `replication: semi_sync`",
                            target.id
                        ));
                }
            }
        }
    }
}
