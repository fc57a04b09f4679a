use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds public entry points served without TLS: a link from a client that does not set
    /// `tls: true`. The finding is about the client (its traffic crosses the internet in
    /// plain text), and points at the link. (Plain-text hops behind the point where TLS ends are the rule
    /// `plaintext-behind-tls`.)
    ///
    /// ## Why is this bad?
    /// Without HTTPS, anyone on the path between the user and the site can read and change the
    /// traffic: passwords, cookies, pages.
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
    /// TLS its `certificate:`).
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
        for client in g.clients() {
            // The finding is about the client's traffic, so it keeps its identity when the
            // entry point changes (a virtual IP put in front of the balancer); a second plain
            // entry of the same client is told apart by its target.
            let mut plain_entries = 0;
            for l in g.request_links(client) {
                let link = &model.links[l];
                let target = &model.components[link.to];
                if link.tls() {
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
                plain_entries += 1;
                let discriminator = if plain_entries == 1 {
                    String::new()
                } else {
                    target.id.clone()
                };
                cx.report(&Self::META, &model.components[client].id, link.span, message)
                    .discriminator(discriminator)
                    .help(format!(
                        "set `tls: true` on this link (HTTPS, port 443) and `certificate: <domain>` on `{}`",
                        target.id
                    ));
            }
        }
    }
}
