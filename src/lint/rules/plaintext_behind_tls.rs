use std::collections::{BTreeSet, VecDeque};

use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::{Kind, LinkOrigin};

declare_rule! {
    /// ## What it does
    /// Finds hops in plain text on the network behind the component where TLS ends: after a
    /// client reaches the system over TLS, any link that requests then travel over without
    /// `tls: true`, between two hosts.
    ///
    /// Links between components on the same host never leave the machine and are not
    /// reported; nor are the moves of a virtual IP between its members.
    ///
    /// ## Why is this bad?
    /// Behind a TLS-terminating load balancer, plain HTTP between servers exposes passwords,
    /// cookies and personal data to anyone who can listen inside the network: a compromised
    /// neighbour, a misrouted VLAN, a cloud provider's shared fabric.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, certificate: shop.example.com, pool: [web], backend: { protocol: http, port: 80 } }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, port: 443, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, certificate: shop.example.com, pool: [web], backend: { protocol: http, port: 443, tls: true } }
    ///   web: { kind: web_server, host: web-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, port: 443, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Set `tls: true` on each link behind the point where TLS ends, or on a balancer's
    /// `backend:` for its pool (re-encryption). If the network behind is trusted on purpose,
    /// accept the finding with a suppression and say why.
    pub struct PlaintextBehindTls;
    id = "plaintext-behind-tls",
    category = Security,
    severity = Warning,
}

impl Rule for PlaintextBehindTls {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let mut starts: Vec<usize> = Vec::new();
        for client in g.clients() {
            for l in g.request_links(client) {
                let link = &model.links[l];
                if link.tls() {
                    starts.push(link.to);
                }
            }
        }
        let mut seen_links = BTreeSet::new();
        let mut seen_nodes = BTreeSet::new();
        let mut queue: VecDeque<(usize, usize)> = starts.iter().map(|&c| (c, c)).collect();
        while let Some((c, terminator)) = queue.pop_front() {
            if !seen_nodes.insert(c) {
                continue;
            }
            for l in g.links_from(c) {
                let link = &model.links[l];
                let to = &model.components[link.to];
                if to.kind == Kind::Monitoring || !seen_links.insert(l) {
                    continue;
                }
                let from = &model.components[link.from];
                let same_host = from.host.is_some() && from.host == to.host;
                let network_hop =
                    !same_host && to.kind != Kind::VirtualIp && from.kind != Kind::VirtualIp;
                let next_terminator = if link.tls() || from.kind == Kind::VirtualIp {
                    link.to
                } else {
                    terminator
                };
                if network_hop && !link.tls() && !from.is_cluster() {
                    let message = format!(
                        "`{}` → `{}` carries requests in plain text after TLS ends at `{}`",
                        from.id, to.id, model.components[terminator].id
                    );
                    let help = if link.origin == LinkOrigin::Pool {
                        format!(
                            "set `tls: true` under `backend:` on `{}` to re-encrypt traffic to its pool",
                            from.id
                        )
                    } else {
                        "set `tls: true` on this link (re-encrypt inside the network)".to_owned()
                    };
                    cx.report(&Self::META, &from.id, link.span, message)
                        .discriminator(format!("{}->{}", from.id, to.id))
                        .help(help);
                }
                queue.push_back((link.to, next_terminator));
            }
        }
    }
}
