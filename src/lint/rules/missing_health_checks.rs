use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds balancers (any component with a `pool`) that do not check their members'
    /// health: `health_checks` is missing or `false`.
    ///
    /// ## Why is this bad?
    /// A balancer that does not check its members keeps sending a share of the requests to a
    /// member that is down: with two servers, half the users get errors until someone removes
    /// the dead one by hand. The redundancy the pool promises only exists if failed members are
    /// taken out of rotation automatically; an active-passive pool without health checks never
    /// promotes its standby at all.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// hosts:
    ///   lb-host: {}
    ///   web-1: {}
    ///   web-2: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [a, b] }
    ///   a: { kind: web_server, host: web-1 }
    ///   b: { kind: web_server, host: web-2 }
    /// links:
    ///   - { from: user, to: lb }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// hosts:
    ///   lb-host: {}
    ///   web-1: {}
    ///   web-2: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [a, b], health_checks: true }
    ///   a: { kind: web_server, host: web-1 }
    ///   b: { kind: web_server, host: web-2 }
    /// links:
    ///   - { from: user, to: lb }
    /// ```
    ///
    /// ## How to fix
    /// Configure health checks on the balancer (HAProxy `check`, Nginx `max_fails` or an
    /// active health check) and say so with `health_checks: true`.
    pub struct MissingHealthChecks;
    id = "missing-health-checks",
    category = Reliability,
    severity = Warning,
}

impl Rule for MissingHealthChecks {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for c in &model.components {
            if c.pool.is_empty()
                || c.health_checks == Some(true)
                || c.is_cluster()
                || c.quorum.is_some()
            {
                // A quorum cluster's members are peers, not backends a balancer sends to.
                continue;
            }
            let (span, said) = match c.health_checks {
                Some(false) => (c.field_span("health_checks"), "turns health checks off"),
                _ => (c.field_span("pool"), "does not check its members' health"),
            };
            let message = format!("`{}` {said}: a failed member keeps getting requests", c.id);
            cx.report(&Self::META, &c.id, span, message).help(format!(
                "configure health checks on `{}` and set `health_checks: true`",
                c.id
            ));
        }
    }
}
