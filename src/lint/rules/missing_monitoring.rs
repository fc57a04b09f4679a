use std::collections::BTreeSet;

use crate::analysis::journeys::is_unit;
use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Kind, MonitorTarget};

declare_rule! {
    /// ## What it does
    /// Finds a model with no monitoring at all, and otherwise each host, and each component
    /// outside any host, that no monitoring agent or check reports on.
    ///
    /// An agent (`kind: monitoring`, `role: agent`) covers its host and everything on it; a
    /// monitoring component's `monitors:` list covers the hosts and components it checks
    /// from outside.
    ///
    /// ## Why is this bad?
    /// Without monitoring nobody notices a failure, a full disk or an attack until users
    /// complain; redundancy silently erodes because the failed half is never repaired.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: web, protocol: http, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    ///   monitoring: { kind: monitoring, software: Prometheus }
    ///   web-agent: { kind: monitoring, role: agent, host: web-host, reports_to: monitoring }
    /// links:
    ///   - { from: user, to: web, protocol: http, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Add a monitoring server (or a hosted service) and an agent on every host that reports
    /// to it; list components without a host (managed services) under the server's `monitors:`.
    pub struct MissingMonitoring;
    id = "missing-monitoring",
    category = Observability,
    severity = Warning,
}

impl Rule for MissingMonitoring {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        let monitoring: Vec<usize> = model
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Monitoring)
            .map(|(i, _)| i)
            .collect();
        if monitoring.is_empty() {
            cx.report(
                &Self::META,
                "",
                model.name_span,
                format!("`{}` has no monitoring: nothing would notice a failure", model.name),
            )
            .help("add a `kind: monitoring` server (Prometheus, Nagios, a hosted service) and a `role: agent` on every host that reports to it");
            return;
        }
        let mut hosts = BTreeSet::new();
        let mut comps = BTreeSet::new();
        for &m in &monitoring {
            let mc = &model.components[m];
            if mc.is_agent()
                && let Some(h) = mc.host
            {
                hosts.insert(h);
            }
            for t in &mc.monitors {
                match *t {
                    MonitorTarget::Host(h) => {
                        hosts.insert(h);
                    }
                    MonitorTarget::Component(c) => {
                        comps.insert(c);
                        // Checking a component from outside covers the host it runs on:
                        // the host's failure is seen as the component's.
                        if let Some(h) = model.components[c].host {
                            hosts.insert(h);
                        }
                    }
                }
            }
        }
        for (h, host) in model.hosts.iter().enumerate() {
            if hosts.contains(&h) {
                continue;
            }
            let on: Vec<String> = model
                .components_on(h)
                .take(4)
                .map(|c| format!("`{}`", model.components[c].id))
                .collect();
            let runs = if on.is_empty() {
                String::new()
            } else {
                format!(" (it runs {})", on.join(", "))
            };
            cx.report(
                &Self::META,
                &host.id,
                host.span,
                format!("no monitoring agent reports on host `{}`{runs}", host.id),
            )
            .help(format!(
                "add a `kind: monitoring`, `role: agent` component with `host: {}`",
                host.id
            ));
        }
        for (c, comp) in model.components.iter().enumerate() {
            if comp.host.is_some()
                || comps.contains(&c)
                || comp.kind == Kind::Monitoring
                || !is_unit(model, c)
            {
                continue;
            }
            cx.report(
                &Self::META,
                &comp.id,
                comp.span,
                format!("nothing monitors `{}`", comp.id),
            )
            .help(format!(
                "list `{}` under `monitors:` of a monitoring server",
                comp.id
            ));
        }
    }
}
