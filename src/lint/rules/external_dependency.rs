use crate::declare_rule;
use crate::graph::Node;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds third-party services (`kind: external`: payments, e-mail, identity, a SaaS API)
    /// whose outage alone stops a user journey.
    ///
    /// ## Why is this bad?
    /// You cannot fix, restart or fail over someone else's service. When it is down, the
    /// journey is down, for as long as the provider takes. Its SLA counts in the journey's
    /// availability; this finding makes the dependency visible in review.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, replicas: 2 }
    ///   payments: { kind: external, software: Stripe, availability: 99.99 }
    /// links:
    ///   - { from: user, to: app, tls: true }
    ///   - { from: app, to: payments, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, replicas: 2 }
    ///   payments: { kind: external, software: Stripe, availability: 99.99 }
    /// links:
    ///   - { from: user, to: app, tls: true }
    ///   - { from: app, to: payments, tls: true, optional: true, label: queued and retried when down }
    /// ```
    ///
    /// ## How to fix
    /// Add a fallback (queue the call and retry, degrade the feature: `optional: true` on the
    /// link) or a second provider behind a pool, or accept the dependency with an `ignore:`
    /// entry that gives the provider's SLA as the reason.
    pub struct ExternalDependency;
    id = "external-dependency",
    category = Reliability,
    severity = Warning,
}

impl Rule for ExternalDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for (node, journeys) in cx.analysis.provider_run() {
            let Node::Component(c) = g.graph[node] else {
                continue;
            };
            let comp = &model.components[c];
            if comp.kind != Kind::External {
                continue;
            }
            let names: Vec<String> = journeys
                .iter()
                .map(|&j| model.journeys[j].id.clone())
                .collect();
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let message = format!(
                "`{}` is a third-party service outside your control, and {} stop{} when it is down",
                comp.id,
                if quoted.len() == 1 {
                    format!("journey {}", quoted[0])
                } else {
                    format!("journeys {}", quoted.join(", "))
                },
                if quoted.len() == 1 { "s" } else { "" }
            );
            let why = cx.analysis.journeys[journeys[0]].explain(g, node);
            cx.report(&Self::META, &comp.id, comp.span, message)
                .journeys(names)
                .why(why)
                .help("add a fallback or a second provider (or make the call `optional: true` if the journey can do without it)");
        }
    }
}
