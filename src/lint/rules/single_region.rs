use crate::declare_rule;
use crate::graph::Node;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports, once, a region whose outage alone stops user journeys: everything the
    /// journeys need runs in it.
    ///
    /// ## Why is this bad?
    /// Zones protect against a data centre failing; a regional outage (a control-plane
    /// incident, a bad deploy of a provider service) takes every zone at once. For most
    /// designs this is an accepted risk, but it should be a decision, not an accident: it is
    /// the design's one remaining shared fate.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// domains:
    ///   eu-west-1: { kind: region }
    ///   az-a: { kind: zone, parent: eu-west-1 }
    ///   az-b: { kind: zone, parent: eu-west-1 }
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, replicas: 2, spread: [az-a, az-b] }
    /// links:
    ///   - { from: user, to: app, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// domains:
    ///   eu-west-1: { kind: region }
    ///   eu-central-1: { kind: region }
    ///   az-a: { kind: zone, parent: eu-west-1 }
    ///   az-b: { kind: zone, parent: eu-central-1 }
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, replicas: 2, spread: [az-a, az-b] }
    /// links:
    ///   - { from: user, to: app, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Accept it (an `ignore:` entry with the reason, e.g. the region's SLA), or run a second
    /// region with the data replicated to it and DNS failover between them.
    pub struct SingleRegion;
    id = "single-region",
    category = Reliability,
    severity = Info,
}

impl Rule for SingleRegion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for (node, journeys) in cx.analysis.provider_run() {
            let Node::Domain(d) = g.graph[node] else {
                continue;
            };
            let dom = &model.domains[d];
            let names: Vec<String> = journeys
                .iter()
                .map(|&j| model.journeys[j].id.clone())
                .collect();
            let message = format!(
                "everything the journeys need runs in region `{}`: its outage stops {} (the design's only shared fate)",
                dom.id,
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            cx.report(&Self::META, &dom.id, dom.span, message)
                .journeys(names)
                .help("accept it with an `ignore:` entry giving the reason, or add a second region with the data replicated and DNS failover");
        }
    }
}
