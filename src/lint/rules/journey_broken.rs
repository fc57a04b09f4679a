use crate::analysis::nominal::why_down;
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds journeys that cannot complete with nothing broken: no path from where the journey
    /// enters meets everything it needs (a write journey whose applications are wired only to
    /// a read replica, a pool whose every member lacks the same link). The why-chain follows
    /// the path down to the missing link.
    ///
    /// ## Why is this bad?
    /// The design does not work on a healthy day. No amount of redundancy helps: every request
    /// of the journey fails.
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
    ///   app: { kind: app_server, host: h1, certificate: shop.example.com }
    ///   primary: { kind: database, host: db-1, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: sync }
    /// links:
    ///   - { from: user, to: app, tls: true }
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
    ///   app: { kind: app_server, host: h1, certificate: shop.example.com }
    ///   primary: { kind: database, host: db-1, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary, replication: sync }
    /// links:
    ///   - { from: user, to: app, tls: true }
    ///   - { from: app, to: primary }
    ///   - { from: app, to: replica }
    /// journeys:
    ///   checkout: { data: write }
    /// ```
    ///
    /// ## How to fix
    /// Add the link the why-chain says is missing.
    pub struct JourneyBroken;
    id = "journey-broken",
    category = Reliability,
    severity = Error,
}

impl Rule for JourneyBroken {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for (j, jf) in cx.analysis.journeys.iter().enumerate() {
            if !jf.broken {
                continue;
            }
            let jg = &jf.graph;
            let down = &cx.analysis.nominal_down[j];
            let why = why_down(cx.graph, jg, down, jg.root);
            let journey = &model.journeys[j];
            let message = format!(
                "journey `{}` cannot complete with nothing broken: no path reaches everything it needs",
                journey.id
            );
            cx.report(&Self::META, "", journey.span, message)
                .discriminator(journey.id.clone())
                .journeys(vec![journey.id.clone()])
                .why(why)
                .help("add the link the why-chain says is missing");
        }
    }
}
