use std::collections::BTreeSet;

use crate::declare_rule;
use crate::graph::ArchGraph;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Kind, Mode};

declare_rule! {
    /// ## What it does
    /// Finds pools whose members keep their data in different databases that do not
    /// replicate each other: round robin over servers that each have their own database.
    ///
    /// ## Why is this bad?
    /// Each request lands on some member, so each user sees the data of whichever database
    /// that member uses: an order placed on one server is missing on the next page load from
    /// the other. The design looks redundant and is not one system any more.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts: { lb-host: {}, s1: {}, s2: {} }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [app-1, app-2], algorithm: round_robin, mode: active_active }
    ///   app-1: { kind: app_server, host: s1 }
    ///   app-2: { kind: app_server, host: s2 }
    ///   db-1: { kind: database, host: s1 }
    ///   db-2: { kind: database, host: s2 }
    /// links:
    ///   - { from: user, to: lb }
    ///   - { from: app-1, to: db-1 }
    ///   - { from: app-2, to: db-2 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts: { lb-host: {}, s1: {}, s2: {} }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [app-1, app-2], algorithm: round_robin, mode: active_active }
    ///   app-1: { kind: app_server, host: s1 }
    ///   app-2: { kind: app_server, host: s2 }
    ///   db-1: { kind: database, host: s1, role: primary }
    ///   db-2: { kind: database, host: s2, replica_of: db-1, replication: async }
    /// links:
    ///   - { from: user, to: lb }
    ///   - { from: app-1, to: db-1 }
    ///   - { from: app-2, to: db-1 }
    /// ```
    ///
    /// ## How to fix
    /// Make the members share one database cluster: point every member at the same primary,
    /// and make the other databases its replicas (`replica_of:`), or route each user to one
    /// member for good (`algorithm: source_hash`) and accept that the data is partitioned.
    pub struct DivergentData;
    id = "divergent-data",
    category = Reliability,
    severity = Error,
}

/// The database clusters (replication roots) a component keeps data in, through its hard
/// links and pools.
fn clusters_of(g: &ArchGraph<'_>, start: usize) -> BTreeSet<usize> {
    let model = g.model;
    let mut out = BTreeSet::new();
    let mut seen = vec![false; model.components.len()];
    let mut stack = vec![start];
    while let Some(c) = stack.pop() {
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        if model.components[c].kind == Kind::Database {
            out.insert(g.replication_root(c));
            continue;
        }
        for l in g.links_from(c) {
            let link = &model.links[l];
            if !link.optional && model.components[link.to].kind != Kind::Monitoring {
                stack.push(link.to);
            }
        }
    }
    out
}

impl Rule for DivergentData {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for c in &model.components {
            if c.pool.len() < 2 || c.mode == Mode::ActivePassive || c.kind == Kind::Database {
                continue;
            }
            let per_member: Vec<(usize, BTreeSet<usize>)> = c
                .pool
                .iter()
                .map(|&m| (m, clusters_of(g, m)))
                .filter(|(_, s)| !s.is_empty())
                .collect();
            let distinct: BTreeSet<&BTreeSet<usize>> = per_member.iter().map(|(_, s)| s).collect();
            if distinct.len() < 2 {
                continue;
            }
            let shown: Vec<String> = per_member
                .iter()
                .map(|(m, s)| {
                    let dbs: Vec<String> = s
                        .iter()
                        .map(|&d| format!("`{}`", model.components[d].id))
                        .collect();
                    format!("`{}` → {}", model.components[*m].id, dbs.join(", "))
                })
                .collect();
            let message = format!(
                "`{}` spreads requests over members that keep their data in different databases that do not replicate each other ({}): users see different data depending on the member they hit",
                c.id,
                shown.join("; ")
            );
            cx.report(&Self::META, &c.id, c.field_span("pool"), message).help(
                "point every member at one primary and make the other databases its replicas (`replica_of:`), or pin each user to one member (`algorithm: source_hash`)",
            );
        }
    }
}
