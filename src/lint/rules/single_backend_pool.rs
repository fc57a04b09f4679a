use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds balancers whose `pool` has a single member.
    ///
    /// ## Why is this bad?
    /// A load balancer in front of one server balances nothing: when that server fails, the
    /// balancer has nowhere to send requests. It adds a hop (and often a single point of
    /// failure of its own) without adding redundancy. Often the second server was planned and
    /// never added.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// hosts:
    ///   lb-host: {}
    ///   web-1: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, pool: [a], health_checks: true }
    ///   a: { kind: web_server, host: web-1 }
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
    /// Add a second member on another host (and failure domain), or, if one server is enough,
    /// drop the balancer.
    pub struct SingleBackendPool;
    id = "single-backend-pool",
    category = Reliability,
    severity = Warning,
}

impl Rule for SingleBackendPool {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for c in &model.components {
            if let [only] = c.pool[..]
                && model.components[only].replicas.is_none_or(|n| n < 2)
            {
                let message = format!(
                    "`{}` balances a pool of one (`{}`): it has nowhere to send requests when that member fails",
                    c.id, model.components[only].id
                );
                cx.report(&Self::META, &c.id, c.field_span("pool"), message)
                    .help("add a second member on another host, or drop the balancer");
            }
        }
    }
}
