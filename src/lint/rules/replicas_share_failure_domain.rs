use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds replicas that share a host or a failure domain (a rack, a zone, ...) with their
    /// primary: one failure of that host or domain takes both copies.
    ///
    /// ## Why is this bad?
    /// A replica exists so that the data survives and the service can go on when the primary's
    /// machine goes away. When both sit on one host, in one rack or in one zone, the power
    /// supply, switch or zone outage that kills the primary kills the replica too.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// domains:
    ///   rack-1: { kind: rack }
    /// hosts:
    ///   db-1: { domain: rack-1 }
    ///   db-2: { domain: rack-1 }
    /// components:
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// domains:
    ///   rack-1: { kind: rack }
    ///   rack-2: { kind: rack }
    /// hosts:
    ///   db-1: { domain: rack-1 }
    ///   db-2: { domain: rack-2 }
    /// components:
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary }
    /// ```
    ///
    /// ## How to fix
    /// Move the replica to a host in another failure domain (another rack, another zone).
    pub struct ReplicasShareFailureDomain;
    id = "replicas-share-failure-domain",
    category = Reliability,
    severity = Warning,
}

impl Rule for ReplicasShareFailureDomain {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for c in &model.components {
            let Some(p) = c.replica_of else {
                continue;
            };
            let primary = &model.components[p];
            let (Some(rh), Some(ph)) = (c.host, primary.host) else {
                continue;
            };
            let shared = if rh == ph {
                Some(format!("host `{}`", model.hosts[rh].id))
            } else {
                let theirs = model.domains_of_host(ph);
                model
                    .domains_of_host(rh)
                    .into_iter()
                    .find(|d| theirs.contains(d))
                    // A region everything runs in is single-region's one finding.
                    .filter(|&d| {
                        !(0..model.journeys.len())
                            .any(|j| super::shared_fate_pair::fatal_alone(cx, j, d))
                    })
                    .map(|d| {
                        let dom = &model.domains[d];
                        format!("{} `{}`", dom.kind.as_str(), dom.id)
                    })
            };
            let Some(shared) = shared else {
                continue;
            };
            let message = format!(
                "replica `{}` shares {shared} with its primary `{}`: one failure there takes both",
                c.id, primary.id
            );
            cx.report(&Self::META, &c.id, c.field_span("replica_of"), message)
                .discriminator(primary.id.clone())
                .help("move the replica to a host in another failure domain");
        }
    }
}
