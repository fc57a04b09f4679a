use crate::declare_rule;
use crate::graph::Node;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Kind, Role};

declare_rule! {
    /// ## What it does
    /// Finds every component, host or failure domain whose loss alone breaks a user journey
    /// (every request, reads, writes, or a journey the model names), and explains why as a
    /// chain from the journey down to the failing element.
    ///
    /// ## Why is this bad?
    /// When a single point of failure fails, the journey stops for every user until it is
    /// repaired. A load balancer with no peer takes the whole site down; a database primary
    /// with no automatic failover stops every write; a host that carries both copies of
    /// something makes the copies worthless.
    ///
    /// archdoc knows that a load balancer needs *any one* healthy member of its pool, that an
    /// application needs *all* of its hard dependencies, that reads may use a replica while
    /// writes need the primary (unless failover is automatic), that a host takes down
    /// everything on it, and that monitoring is not on the request path.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   web-1-host: {}
    ///   web-2-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb:
    ///     kind: load_balancer
    ///     host: lb-host
    ///     pool: [web-1, web-2]
    ///   web-1: { kind: web_server, host: web-1-host }
    ///   web-2: { kind: web_server, host: web-2-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, tls: true }
    /// ```
    /// `lb` and `lb-host` are single points of failure for every request.
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host-1: {}
    ///   lb-host-2: {}
    ///   web-1-host: {}
    ///   web-2-host: {}
    /// components:
    ///   user: { kind: client }
    ///   vip:
    ///     kind: virtual_ip
    ///     software: keepalived
    ///     members: [lb-1, lb-2]
    ///     failover: automatic
    ///   lb-1: { kind: load_balancer, host: lb-host-1, pool: [web-1, web-2] }
    ///   lb-2: { kind: load_balancer, host: lb-host-2, pool: [web-1, web-2] }
    ///   web-1: { kind: web_server, host: web-1-host }
    ///   web-2: { kind: web_server, host: web-2-host }
    /// links:
    ///   - { from: user, to: vip, protocol: http, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Give the element a peer that takes over without a person: a second load balancer
    /// behind a virtual IP with automatic failover, a second member in the pool on another
    /// host, `failover: automatic` on a database primary that has a replica on another host.
    /// For a host, spread what it runs so that every role also runs somewhere else.
    pub struct SinglePointOfFailure;
    id = "single-point-of-failure",
    category = Reliability,
    severity = Error,
}

impl Rule for SinglePointOfFailure {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let all = model.journeys.len();
        let spofs = cx.analysis.spofs();
        for (&node, journeys) in &spofs {
            let el = g.element(node);
            let id = model.id_of(el).to_owned();
            let names: Vec<String> = journeys
                .iter()
                .map(|&j| model.journeys[j].id.clone())
                .collect();
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let what = match g.graph[node] {
                Node::Component(c) => model.components[c].kind.as_str().replace('_', " "),
                Node::Host(_) => "host".to_owned(),
                Node::Domain(d) => format!("{:?}", model.domains[d].kind).to_lowercase(),
            };
            let scope = if journeys.len() == all && all > 1 {
                format!("every journey ({})", quoted.join(", "))
            } else if journeys.len() == 1 {
                format!("journey {}", quoted[0])
            } else {
                format!("journeys {}", quoted.join(", "))
            };
            let message = format!("`{id}` ({what}) is a single point of failure for {scope}");
            let why = cx.analysis.journeys[journeys[0]].explain(g, node);
            let help = fix(g, node, &spofs);
            cx.report(&Self::META, &id, model.span_of(el), message)
                .journeys(names)
                .why(why)
                .help(help);
        }
    }
}

fn fix(
    g: &crate::graph::ArchGraph<'_>,
    node: petgraph::graph::NodeIndex,
    spofs: &std::collections::BTreeMap<petgraph::graph::NodeIndex, Vec<usize>>,
) -> String {
    let model = g.model;
    if let Node::Host(h) = g.graph[node] {
        let critical: Vec<String> = model
            .components_on(h)
            .filter(|&c| spofs.contains_key(&g.component(c)))
            .map(|c| format!("`{}`", model.components[c].id))
            .collect();
        let on: Vec<String> = model
            .components_on(h)
            .map(|c| format!("`{}`", model.components[c].id))
            .collect();
        return if critical.is_empty() {
            format!(
                "`{}` holds every copy of something the journey needs ({}): move one copy to another host",
                model.hosts[h].id,
                on.join(", ")
            )
        } else if critical.len() == 1 {
            format!(
                "`{}` runs {}, itself a single point of failure: fix that and the host stops being one",
                model.hosts[h].id, critical[0]
            )
        } else {
            format!(
                "`{}` runs {}, each itself a single point of failure: fix those and the host stops being one",
                model.hosts[h].id,
                critical.join(", ")
            )
        };
    }
    match g.graph[node] {
        Node::Component(c) => {
            let comp = &model.components[c];
            if comp.managed {
                return format!(
                    "run `{}` across several zones (the provider's multi-zone option, e.g. Multi-AZ) and list them in `zones:`",
                    comp.id
                );
            }
            if let Some(n) = comp.replicas {
                return format!(
                    "`{}` needs {} of its {n} instances: add instances, lower what each must carry (`min_healthy`), or spread them over more failure domains (`spread:`)",
                    comp.id,
                    comp.needed_instances()
                );
            }
            match comp.kind {
                Kind::LoadBalancer => format!(
                    "add a second load balancer on another host and put both behind a `virtual_ip` with `failover: automatic` (keepalived), or give `{}` a managed, redundant equivalent",
                    comp.id
                ),
                Kind::Database if comp.role != Some(Role::Replica) => {
                    if g.replicas_of(c).is_empty() {
                        format!(
                            "add a replica of `{0}` on another host and set `failover: automatic` on `{0}`",
                            comp.id
                        )
                    } else {
                        format!(
                            "set `failover: automatic` on `{}` (with an orchestrator that promotes a replica), so a replica takes over its writes",
                            comp.id
                        )
                    }
                }
                Kind::VirtualIp => format!(
                    "give `{}` a second member and `failover: automatic`",
                    comp.id
                ),
                _ => format!(
                    "run a second `{}` on another host and spread requests over both (a `pool` on the component that calls it)",
                    comp.id
                ),
            }
        }
        Node::Host(h) => format!(
            "move the components on `{}` that have no peer elsewhere to other hosts, or give each of them a peer on another host",
            model.hosts[h].id
        ),
        Node::Domain(d) => format!(
            "place the redundant copies in different {}s so that `{}` does not hold them all",
            format!("{:?}", model.domains[d].kind).to_lowercase(),
            model.domains[d].id
        ),
    }
}
