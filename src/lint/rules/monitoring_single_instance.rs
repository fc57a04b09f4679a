use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Kind, MonitorTarget};

declare_rule! {
    /// ## What it does
    /// Finds a monitoring system that runs on the model's own hosts as a single instance that
    /// nothing else watches. A hosted monitoring service (a monitoring component with no
    /// `host`) is someone else's to keep up and is not reported.
    ///
    /// ## Why is this bad?
    /// When the only monitoring server fails, every alert stops, and nothing says so: the
    /// dashboards go quiet exactly like they do when all is well. The failure that takes the
    /// monitoring host down may be the very one that needed an alert.
    ///
    /// ## Example
    /// ```yaml
    /// name: site
    /// hosts:
    ///   web-host: {}
    ///   mon-host: {}
    /// components:
    ///   web: { kind: web_server, host: web-host }
    ///   agent: { kind: monitoring, role: agent, host: web-host, reports_to: nagios }
    ///   nagios: { kind: monitoring, software: Nagios, host: mon-host }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: site
    /// hosts:
    ///   web-host: {}
    ///   mon-host: {}
    /// components:
    ///   web: { kind: web_server, host: web-host }
    ///   agent: { kind: monitoring, role: agent, host: web-host, reports_to: nagios }
    ///   nagios: { kind: monitoring, software: Nagios, host: mon-host }
    ///   uptime: { kind: monitoring, software: UptimeRobot, monitors: [nagios] }
    /// ```
    ///
    /// ## How to fix
    /// Watch the monitoring server from outside (a hosted uptime check that `monitors` it),
    /// or run a second instance on another host.
    pub struct MonitoringSingleInstance;
    id = "monitoring-single-instance",
    category = Observability,
    severity = Warning,
}

impl Rule for MonitoringSingleInstance {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        let servers: Vec<usize> = model
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Monitoring && !c.is_agent())
            .map(|(i, _)| i)
            .collect();
        // Every server on one host is one instance: the host takes them all down.
        let Some(&only) = servers.first() else {
            return;
        };
        let server = &model.components[only];
        let Some(host) = server.host else {
            return;
        };
        if servers
            .iter()
            .any(|&s| model.components[s].host != Some(host))
        {
            return;
        }
        // Only a watcher that does not fail with that host counts.
        let watched = model.components.iter().any(|c| {
            c.host != Some(host)
                && c.monitors.iter().any(|t| match *t {
                    MonitorTarget::Component(x) => servers.contains(&x),
                    MonitorTarget::Host(h) => h == host,
                })
        });
        if watched {
            return;
        }
        let message = if servers.len() == 1 {
            format!(
                "the monitoring server `{}` is a single instance on `{}` and nothing watches it: when it fails, every alert stops",
                server.id, model.hosts[host].id
            )
        } else {
            let names: Vec<String> = servers
                .iter()
                .map(|&s| format!("`{}`", model.components[s].id))
                .collect();
            format!(
                "the monitoring servers {} all run on `{}` and nothing off it watches them: when that host fails, every alert stops",
                names.join(", "),
                model.hosts[host].id
            )
        };
        cx.report(&Self::META, &server.id, server.span, message)
            .help("watch it from outside (a hosted check that `monitors` it) or run a second instance on another host");
    }
}
