use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds databases that hold the only copy of their data: no replica copies them, they
    /// are not a replica themselves, and the model does not say they are backed up
    /// (`backup: true`).
    ///
    /// ## Why is this bad?
    /// Availability can be restored by restarting a server; data cannot. When the disk of a
    /// database with no replica and no backup fails, or someone drops a table, the data is
    /// gone. (A replica is not a backup against a bad `DELETE`, which it copies at once; say
    /// `backup: true` only when there are dumps, snapshots or point-in-time recovery.)
    ///
    /// ## Example
    /// ```yaml
    /// name: blog
    /// hosts:
    ///   db-host: {}
    /// components:
    ///   db: { kind: database, software: PostgreSQL, host: db-host }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: blog
    /// hosts:
    ///   db-host: {}
    /// components:
    ///   db: { kind: database, software: PostgreSQL, host: db-host, backup: true }
    /// ```
    ///
    /// ## How to fix
    /// Add a replica on another host (`replica_of:`), and back the data up outside the
    /// database; then write `backup: true`.
    pub struct DatabaseWithoutReplica;
    id = "database-without-replica",
    category = Reliability,
    severity = Warning,
}

impl Rule for DatabaseWithoutReplica {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for (i, c) in model.components.iter().enumerate() {
            if c.kind != Kind::Database || c.replica_of.is_some() || c.backup == Some(true) {
                continue;
            }
            if !cx.graph.replicas_of(i).is_empty() {
                continue;
            }
            let message = format!(
                "database `{}` holds the only copy of its data: no replica and no backup",
                c.id
            );
            cx.report(&Self::META, &c.id, c.span, message).help(
                "add a replica on another host (`replica_of:`) and back the data up; then set `backup: true`",
            );
        }
    }
}
