use std::collections::VecDeque;

use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds components that no user journey reaches: nothing links to them from a client, a
    /// journey's entry or a DNS record's target, directly or through other components. DNS,
    /// firewalls and monitoring are not on the request path and are not reported; a replica is
    /// reached when its primary is.
    ///
    /// ## Why is this bad?
    /// A component no request reaches is either dead weight (a server still paid for and
    /// patched, or not patched, long after it stopped serving) or a sign that the model is
    /// missing a link, in which case the failure analysis is judging a different system from
    /// the one that runs.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server }
    ///   old-api: { kind: app_server }
    /// links:
    ///   - { from: user, to: web }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server }
    ///   api: { kind: app_server }
    /// links:
    ///   - { from: user, to: web }
    ///   - { from: web, to: api }
    /// ```
    ///
    /// ## How to fix
    /// Add the link that reaches it, or remove it from the model (and from the rack).
    pub struct UnreachableComponent;
    id = "unreachable-component",
    category = Model,
    severity = Warning,
}

impl Rule for UnreachableComponent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let n = model.components.len();
        let mut roots: Vec<usize> = g.clients().collect();
        roots.extend(model.journeys.iter().filter_map(|j| j.entry));
        // Workers start their own work: they consume a queue rather than being called.
        roots.extend(
            model
                .components
                .iter()
                .enumerate()
                .filter(|(_, c)| c.kind == Kind::Worker)
                .map(|(i, _)| i),
        );
        for c in &model.components {
            roots.extend(c.records.iter().map(|r| r.target));
            // What performs a failover is reached through the failover, not by requests.
            roots.extend(c.failover_by);
        }
        if roots.is_empty() {
            return; // nothing says where requests come from: nothing to judge
        }
        let mut reached = vec![false; n];
        let mut queue: VecDeque<usize> = roots.into_iter().collect();
        while let Some(c) = queue.pop_front() {
            if std::mem::replace(&mut reached[c], true) {
                continue;
            }
            for l in g.links_from(c) {
                queue.push_back(model.links[l].to);
            }
            queue.extend(g.replicas_of(c));
        }
        for (i, c) in model.components.iter().enumerate() {
            let off_path = matches!(
                c.kind,
                Kind::Client | Kind::Dns | Kind::Firewall | Kind::Monitoring
            );
            if reached[i] || off_path {
                continue;
            }
            let message = format!(
                "no user journey reaches `{}`: nothing links to it from the way in",
                c.id
            );
            cx.report(&Self::META, &c.id, c.span, message)
                .help("add the link that reaches it, or remove it from the model");
        }
    }
}
