use std::collections::BTreeSet;

use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds HTTPS promised on a client's link (`tls: true`) where no component on the
    /// journey's path presents a certificate: TLS has to end somewhere, at a component with
    /// `certificate:`, before the traffic leaves the encrypted hops.
    ///
    /// ## Why is this bad?
    /// A certificate configured on a server the traffic never passes through (the old load
    /// balancer, a standby that is not in the pool) protects nothing; the component that does
    /// receive the HTTPS connection has nothing to answer it with, and browsers fail.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    ///   old-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, health_checks: true, pool: [web] }
    ///   web: { kind: web_server, host: lb-host }
    ///   old-lb: { kind: load_balancer, host: old-host, certificate: shop.example.com, health_checks: true, pool: [web] }
    /// links:
    ///   - { from: user, to: lb, protocol: http, port: 443, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   lb-host: {}
    /// components:
    ///   user: { kind: client }
    ///   lb: { kind: load_balancer, host: lb-host, certificate: shop.example.com, health_checks: true, pool: [web] }
    ///   web: { kind: web_server, host: lb-host }
    /// links:
    ///   - { from: user, to: lb, protocol: http, port: 443, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Put the `certificate:` on the component that terminates TLS for this link (the entry
    /// point, or each member behind a virtual IP or a TLS pass-through balancer).
    pub struct TlsNotOnPath;
    id = "tls-not-on-path",
    category = Security,
    severity = Error,
}

impl Rule for TlsNotOnPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for client in g.clients() {
            for l in g.request_links(client) {
                let link = &model.links[l];
                // Only HTTPS ends at a certificate; SSH, AMQPS and the like carry their own keys.
                if !link.tls() || !link.is_http() {
                    continue;
                }
                // Follow the encrypted hops: through virtual IPs, and through balancers that
                // pass TLS on, until a component presents a certificate.
                let mut stack = vec![link.to];
                let mut seen = BTreeSet::new();
                let mut uncovered: Vec<usize> = Vec::new();
                while let Some(c) = stack.pop() {
                    if !seen.insert(c) {
                        continue;
                    }
                    let comp = &model.components[c];
                    if comp.certificate.is_some() {
                        continue;
                    }
                    let onward: Vec<usize> = g
                        .links_from(c)
                        .into_iter()
                        .filter(|&x| comp.kind == Kind::VirtualIp || model.links[x].tls())
                        .map(|x| model.links[x].to)
                        .collect();
                    if onward.is_empty() {
                        uncovered.push(c);
                    } else {
                        stack.extend(onward);
                    }
                }
                if uncovered.is_empty() {
                    continue;
                }
                uncovered.sort_unstable();
                let names: Vec<String> = uncovered
                    .iter()
                    .map(|&c| format!("`{}`", model.components[c].id))
                    .collect();
                let elsewhere: Vec<String> = model
                    .components
                    .iter()
                    .enumerate()
                    .filter(|(i, c)| c.certificate.is_some() && !seen.contains(i))
                    .map(|(_, c)| format!("`{}`", c.id))
                    .collect();
                let note = if elsewhere.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (the certificate is on {}, which this traffic does not pass through)",
                        elsewhere.join(", ")
                    )
                };
                let message = format!(
                    "HTTPS is promised from `{}` to `{}`, but {} receives the connection with no certificate{note}",
                    model.components[client].id,
                    model.components[link.to].id,
                    names.join(", ")
                );
                cx.report(
                    &Self::META,
                    &model.components[link.to].id,
                    link.span,
                    message,
                )
                .discriminator(model.components[client].id.clone())
                .help("put `certificate:` on the component that terminates TLS for this link");
            }
        }
    }
}
