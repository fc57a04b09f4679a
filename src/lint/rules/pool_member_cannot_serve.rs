use crate::analysis::journeys::Reason;
use crate::analysis::nominal::{node_of, stranded_members, why_down};
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds members of a pool (or of the DNS addresses, or of the databases reads are spread
    /// over) that cannot complete a journey while the others can, with nothing broken, and
    /// says which share of the journey's requests they fail (about 1/n for round robin).
    /// Standbys of an active-passive pool are checked as if promoted.
    ///
    /// ## Why is this bad?
    /// "Some backend can serve writes" is true, but the balancer does not know which: with
    /// round robin over two servers, every other write lands on the one that cannot serve it.
    /// Health checks do not catch it either; the server is up, just wired wrong.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   s1: {}
    ///   s2: {}
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, algorithm: round_robin, health_checks: true, pool: [app-1, app-2] }
    ///   app-1: { kind: app_server, host: s1 }
    ///   app-2: { kind: app_server, host: s2 }
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: sync }
    /// links:
    ///   - { from: user, to: lb, tls: true }
    ///   - { from: app-1, to: primary }
    ///   - { from: app-2, to: replica }
    /// journeys:
    ///   checkout: { data: write }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   s1: {}
    ///   s2: {}
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, algorithm: round_robin, health_checks: true, pool: [app-1, app-2] }
    ///   app-1: { kind: app_server, host: s1 }
    ///   app-2: { kind: app_server, host: s2 }
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: sync }
    /// links:
    ///   - { from: user, to: lb, tls: true }
    ///   - { from: app-1, to: primary }
    ///   - { from: app-2, to: primary }
    /// journeys:
    ///   checkout: { data: write }
    /// ```
    ///
    /// ## How to fix
    /// Wire every member the same way (the why-chain names the missing link), or take the
    /// member out of the pool for this journey.
    pub struct PoolMemberCannotServe;
    id = "pool-member-cannot-serve",
    category = Reliability,
    severity = Error,
}

impl Rule for PoolMemberCannotServe {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for (j, jf) in cx.analysis.journeys.iter().enumerate() {
            if jf.broken {
                continue; // journey-broken says it
            }
            let jg = &jf.graph;
            let down = &cx.analysis.nominal_down[j];
            let journey = &model.journeys[j];
            for s in stranded_members(cx.graph, jg, down) {
                let (Some(member), owner) = (node_of(jg, s.member), node_of(jg, s.owner)) else {
                    continue;
                };
                let member_id = cx.graph.id(member).to_owned();
                let owner_id = owner.map_or_else(
                    || "the client".to_owned(),
                    |o| format!("`{}`", cx.graph.id(o)),
                );
                let via = match s.reason {
                    Reason::Pool(_) => format!("{owner_id} spreads requests over its pool"),
                    Reason::Members(_) => format!("{owner_id} moves between its members"),
                    Reason::Connect => "DNS spreads clients over several addresses".to_owned(),
                    _ => format!("{owner_id} spreads reads over the databases"),
                };
                let share = if s.standby {
                    "every request once it takes over".to_owned()
                } else if s.even {
                    format!(
                        "about {:.0}% of `{}` requests",
                        100.0 / s.members as f64,
                        journey.id
                    )
                } else {
                    format!("some `{}` requests", journey.id)
                };
                let message = format!(
                    "`{member_id}` cannot complete journey `{}` with nothing broken, yet {via}: {share} fail",
                    journey.id
                );
                let mut why = vec![format!("{via}, including `{member_id}`")];
                why.extend(why_down(cx.graph, jg, down, s.member));
                let span = model.span_of(cx.graph.element(member));
                cx.report(&Self::META, &member_id, span, message)
                    .discriminator(journey.id.clone())
                    .journeys(vec![journey.id.clone()])
                    .why(why)
                    .help(format!("wire `{member_id}` like the other members (the why-chain names the missing link)"));
            }
        }
    }
}
