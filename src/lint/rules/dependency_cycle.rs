use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds components that depend on each other in a cycle on some journey's path.
    ///
    /// ## Why is this bad?
    /// After a full outage (a power cut, a region failure) none of the components in a hard
    /// dependency cycle can start, because each waits for another. The cycle also makes the
    /// system harder to reason about: a failure anywhere in it takes all of it down.
    ///
    /// ## Example
    /// ```yaml
    /// name: services
    /// hosts:
    ///   h1: {}
    ///   h2: {}
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: h1 }
    ///   config: { kind: other, software: Consul, host: h2 }
    /// links:
    ///   - { from: user, to: app, protocol: http, tls: true }
    ///   - { from: app, to: config }
    ///   - { from: config, to: app }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: services
    /// hosts:
    ///   h1: {}
    ///   h2: {}
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: h1 }
    ///   config: { kind: other, software: Consul, host: h2 }
    /// links:
    ///   - { from: user, to: app, protocol: http, tls: true }
    ///   - { from: app, to: config }
    /// ```
    ///
    /// ## How to fix
    /// Break the cycle: make one of the links `optional: true` (the caller degrades instead of
    /// failing), or move the shared need into a component that depends on neither.
    pub struct DependencyCycle;
    id = "dependency-cycle",
    category = Reliability,
    severity = Warning,
}

impl Rule for DependencyCycle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for cycle in cx.analysis.cycles() {
            let first = &model.components[cycle[0]];
            let names: Vec<String> = cycle
                .iter()
                .take(8)
                .map(|&c| format!("`{}`", model.components[c].id))
                .collect();
            let more = if cycle.len() > 8 {
                format!(" and {} more", cycle.len() - 8)
            } else {
                String::new()
            };
            let ids: Vec<&str> = cycle
                .iter()
                .map(|&c| model.components[c].id.as_str())
                .collect();
            cx.report(
                &Self::META,
                &first.id,
                first.span,
                format!("{}{more} depend on each other in a cycle: none of them can start after a full outage", names.join(", ")),
            )
            .discriminator(ids.join(","))
            .help("make one link of the cycle `optional: true`, or remove it");
        }
    }
}
