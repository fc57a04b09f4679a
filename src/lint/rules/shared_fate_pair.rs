use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;

use crate::declare_rule;
use crate::graph::Node;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds redundant pairs that fail together: two units whose joint failure breaks a
    /// journey while neither alone does (so they back each other up), but which both depend on
    /// the same failure domain: one rack, one zone, one power feed.
    ///
    /// ## Why is this bad?
    /// Redundancy protects against independent failures. Two web servers in one rack, or two
    /// load balancers on one power feed, look redundant in a diagram and go down together the
    /// day the rack's switch or the feed fails.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// domains:
    ///   rack-1: { kind: rack }
    /// hosts:
    ///   lb-host: {}
    ///   web-1: { domain: rack-1 }
    ///   web-2: { domain: rack-1 }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [a, b], health_checks: true }
    ///   a: { kind: web_server, host: web-1 }
    ///   b: { kind: web_server, host: web-2 }
    /// links:
    ///   - { from: user, to: lb, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// domains:
    ///   rack-1: { kind: rack }
    ///   rack-2: { kind: rack }
    /// hosts:
    ///   lb-host: {}
    ///   web-1: { domain: rack-1 }
    ///   web-2: { domain: rack-2 }
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [a, b], health_checks: true }
    ///   a: { kind: web_server, host: web-1 }
    ///   b: { kind: web_server, host: web-2 }
    /// links:
    ///   - { from: user, to: lb, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Put the members of a redundant pair in different failure domains.
    pub struct SharedFatePair;
    id = "shared-fate-pair",
    category = Reliability,
    severity = Warning,
}

/// The failure domains a unit depends on through its placement, innermost first.
fn domains(cx: &LintContext<'_, '_>, n: NodeIndex) -> Vec<usize> {
    let m = cx.model();
    let host = match cx.graph.graph[n] {
        Node::Component(c) => m.components[c].host,
        Node::Host(h) => Some(h),
        Node::Domain(_) => None,
    };
    host.map(|h| m.domains_of_host(h)).unwrap_or_default()
}

impl Rule for SharedFatePair {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        // Pair → (shared domain, journeys), deduplicated across journeys.
        let mut found: BTreeMap<(NodeIndex, NodeIndex), (usize, Vec<String>)> = BTreeMap::new();
        for (j, av) in cx.analysis.availability.iter().enumerate() {
            for &(a, b) in &av.pairs {
                let theirs = domains(cx, b);
                if let Some(d) = domains(cx, a).into_iter().find(|d| theirs.contains(d))
                    && !fatal_alone(cx, j, d)
                {
                    let e = found.entry((a, b)).or_insert((d, Vec::new()));
                    e.1.push(model.journeys[j].id.clone());
                }
            }
        }
        for ((a, b), (d, journeys)) in found {
            let (ia, ib) = (cx.graph.id(a).to_owned(), cx.graph.id(b).to_owned());
            let dom = &model.domains[d];
            let span = model.span_of(cx.graph.element(a));
            let message = format!(
                "`{ia}` and `{ib}` back each other up, but both depend on {} `{}`: one failure there takes both",
                dom.kind.as_str(),
                dom.id
            );
            cx.report(&Self::META, &ia, span, message)
                .discriminator(format!("{ia}+{ib}"))
                .journeys(journeys)
                .help(format!(
                    "move `{ib}` (or its host) to another failure domain than `{}`",
                    dom.id
                ));
        }
    }
}

/// Whether domain `d` alone stops journey `j` as a provider's outage (a region everything runs
/// in): `single-region` says that once, so pairs inside it are not repeated here.
pub(crate) fn fatal_alone(cx: &LintContext<'_, '_>, j: usize, d: usize) -> bool {
    let id = &cx.model().domains[d].id;
    cx.analysis
        .journeys
        .get(j)
        .is_some_and(|jf| jf.provider_run.iter().any(|&n| cx.graph.id(n) == id))
}
