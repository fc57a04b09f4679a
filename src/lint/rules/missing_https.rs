use std::collections::{BTreeSet, VecDeque};

use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta, Severity};
use crate::model::{Kind, LinkOrigin};

declare_rule! {
    /// ## What it does
    /// Finds public entry points served without TLS (an error), and hops in plain text on the
    /// network behind the point where TLS ends (a warning).
    ///
    /// An entry point is what a client connects to. A hop behind it is any link that requests
    /// travel over after the TLS-terminating component; links between components on the same
    /// host never leave the machine and are not reported.
    ///
    /// ## Why is this bad?
    /// Without HTTPS, anyone on the path between the user and the site can read and change the
    /// traffic: passwords, cookies, pages. Behind a TLS-terminating load balancer, plain HTTP
    /// between servers exposes the same data to anyone inside the network.
    ///
    /// ## Example
    /// ```yaml
    /// name: blog
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, software: Nginx, host: web-host }
    /// links:
    ///   - { from: user, to: web, protocol: http, port: 80 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: blog
    /// hosts:
    ///   web-host: {}
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, software: Nginx, host: web-host, certificate: blog.example.com }
    /// links:
    ///   - { from: user, to: web, protocol: http, port: 443, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Set `tls: true` on the link from the client (and give the component that terminates
    /// TLS its `certificate:`). For hops behind it, set `tls: true` on each link, or on the
    /// balancer's `backend:` for its pool.
    pub struct MissingHttps;
    id = "missing-https",
    category = Security,
    severity = Error,
}

impl Rule for MissingHttps {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        let mut tls_starts: Vec<usize> = Vec::new();
        for client in g.clients() {
            for l in g.links_from(client) {
                let link = &model.links[l];
                let target = &model.components[link.to];
                if target.kind == Kind::Dns || link.endpoint.protocol.as_deref() == Some("dns") {
                    continue;
                }
                if link.tls() {
                    tls_starts.push(link.to);
                    continue;
                }
                let proto = link
                    .endpoint
                    .protocol
                    .as_deref()
                    .unwrap_or("an unencrypted protocol");
                let proto = if proto == "http" { "plain HTTP" } else { proto };
                let message = format!(
                    "public entry point `{}` is served to `{}` over {proto}, without TLS",
                    target.id, model.components[client].id
                );
                cx.report(&Self::META, &target.id, link.span, message)
                    .discriminator(format!("{}->{}", model.components[client].id, target.id))
                    .help(format!(
                        "set `tls: true` on this link (HTTPS, port 443) and `certificate: <domain>` on `{}`",
                        target.id
                    ));
            }
        }

        // Plain-text network hops behind the components where TLS ends.
        let mut seen_links = BTreeSet::new();
        let mut seen_nodes = BTreeSet::new();
        let mut queue: VecDeque<(usize, usize)> = tls_starts.iter().map(|&c| (c, c)).collect();
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
                if network_hop && !link.tls() {
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
                        .severity(Severity::Warning)
                        .discriminator(format!("{}->{}", from.id, to.id))
                        .help(help);
                }
                queue.push_back((link.to, next_terminator));
            }
        }
    }
}
