use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds firewalls that block the traffic the design sends through them: a host firewall
    /// whose `allow:` list lacks the port a component on that host is reached on from another
    /// host, or a firewall component whose `allow:` lacks the port of the hop behind it.
    ///
    /// ## Why is this bad?
    /// The request never arrives. It works on the whiteboard and fails on the first deploy, or
    /// worse, after a "harmless" firewall clean-up.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   web-host: {}
    ///   app-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    ///   app: { kind: app_server, host: app-host }
    ///   app-fw: { kind: firewall, host: app-host, allow: [443] }
    /// links:
    ///   - { from: user, to: web, tls: true }
    ///   - { from: web, to: app, protocol: http, port: 8000 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   web-host: {}
    ///   app-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: web-host }
    ///   app: { kind: app_server, host: app-host }
    ///   app-fw: { kind: firewall, host: app-host, allow: [8000] }
    /// links:
    ///   - { from: user, to: web, tls: true }
    ///   - { from: web, to: app, protocol: http, port: 8000 }
    /// ```
    ///
    /// ## How to fix
    /// Add the port to the firewall's `allow:` list, or correct the port of the link.
    pub struct FirewallBlocksPath;
    id = "firewall-blocks-path",
    category = Reliability,
    severity = Error,
}

impl Rule for FirewallBlocksPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for (li, link) in model.links.iter().enumerate() {
            let Some(port) = link.endpoint.port else {
                continue;
            };
            let (from, to) = (&model.components[link.from], &model.components[link.to]);
            // A firewall component in front of the hop: its allow list is what passes through.
            let mut blockers: Vec<usize> = Vec::new();
            if from.kind == Kind::Firewall && from.host.is_none() {
                blockers.push(link.from);
            }
            // The firewall of the target's host, for traffic from elsewhere.
            if let Some(h) = to.host
                && from.host != Some(h)
            {
                blockers.extend(
                    model
                        .components_on(h)
                        .filter(|&f| model.components[f].kind == Kind::Firewall),
                );
            }
            for f in blockers {
                let fw = &model.components[f];
                let Some(allow) = &fw.allow else {
                    continue;
                };
                if allow.contains(&port) {
                    continue;
                }
                let list: Vec<String> = allow.iter().map(u16::to_string).collect();
                let message = format!(
                    "firewall `{}` admits {} but `{}` → `{}` uses port {port}: the requests are blocked",
                    fw.id,
                    if list.is_empty() {
                        "no port".to_owned()
                    } else {
                        format!("only {}", list.join(", "))
                    },
                    from.id,
                    to.id
                );
                cx.report(&Self::META, &fw.id, link.span, message)
                    .discriminator(format!("{li}:{}->{}:{port}", from.id, to.id))
                    .help(format!(
                        "add {port} to `allow:` on `{}`, or correct the link's port",
                        fw.id
                    ));
            }
        }
    }
}
