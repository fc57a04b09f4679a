use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Failover;

declare_rule! {
    /// ## What it does
    /// Finds primaries (and virtual IPs) whose failover is `manual`: a standby exists, but a
    /// person has to promote it.
    ///
    /// ## Why is this bad?
    /// Manual failover turns a server failure into an outage as long as it takes to notice,
    /// page someone, decide and promote: typically tens of minutes, at night longer. Writes
    /// (or all traffic, for a virtual IP) stop for that whole time even though the hardware
    /// to carry on is already running.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   primary: { kind: database, host: db-1, failover: manual, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   db-1: {}
    ///   db-2: {}
    /// components:
    ///   primary: { kind: database, host: db-1, failover: automatic, backup: true }
    ///   replica: { kind: database, host: db-2, replica_of: primary }
    /// ```
    ///
    /// ## How to fix
    /// Automate promotion (Orchestrator, Patroni, MySQL Group Replication, keepalived for a
    /// virtual IP) and write `failover: automatic`; or accept the finding with a suppression
    /// that says what the runbook's recovery time is.
    pub struct ManualFailoverOnly;
    id = "manual-failover-only",
    category = Reliability,
    severity = Warning,
}

impl Rule for ManualFailoverOnly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for (i, c) in model.components.iter().enumerate() {
            if c.failover != Failover::Manual {
                continue;
            }
            let standby = if c.members.len() > 1 {
                Some("a standby member")
            } else if !cx.graph.replicas_of(i).is_empty() {
                Some("a replica")
            } else {
                None
            };
            let Some(standby) = standby else {
                continue;
            };
            let message = format!(
                "`{}` has {standby} but fails over only by hand: it is down until someone promotes it",
                c.id
            );
            cx.report(&Self::META, &c.id, c.field_span("failover"), message)
                .help("automate the promotion and set `failover: automatic`");
        }
    }
}
