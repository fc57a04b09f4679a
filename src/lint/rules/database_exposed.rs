use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Kind;

declare_rule! {
    /// ## What it does
    /// Finds databases and caches reachable from the internet: a client links to one
    /// directly, or it runs on a host marked `public: true` whose firewall (if any) admits the
    /// port it is reached on.
    ///
    /// ## Why is this bad?
    /// Databases are the most valuable target on the network and are not built to face it:
    /// default accounts, unauthenticated caches (Redis, Memcached) and brute-forceable logins
    /// are found by internet-wide scanners within hours. Only the application servers should
    /// be able to reach them.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   db-host: { public: true }
    /// components:
    ///   app: { kind: app_server }
    ///   db: { kind: database, host: db-host, backup: true }
    /// links:
    ///   - { from: app, to: db, protocol: mysql, port: 3306 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts:
    ///   db-host: { public: false }
    /// components:
    ///   app: { kind: app_server }
    ///   db: { kind: database, host: db-host, backup: true }
    /// links:
    ///   - { from: app, to: db, protocol: mysql, port: 3306 }
    /// ```
    ///
    /// ## How to fix
    /// Put the database on a private network (`public: false`), or let the host's firewall
    /// admit its port only from the application servers; never link a client to it directly.
    pub struct DatabaseExposed;
    id = "database-exposed",
    category = Security,
    severity = Error,
}

impl Rule for DatabaseExposed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let g = cx.graph;
        let model = g.model;
        for (i, c) in model.components.iter().enumerate() {
            if !matches!(c.kind, Kind::Database | Kind::Cache) {
                continue;
            }
            let from_client = g.links_to(i).into_iter().find(|&l| {
                let from = &model.components[model.links[l].from];
                // An office or VPN client does not come from the internet.
                from.kind == Kind::Client && from.network != Some(crate::model::Network::Internal)
            });
            if let Some(l) = from_client {
                let client = &model.components[model.links[l].from].id;
                let message = format!(
                    "{} `{}` is reached directly by the client `{client}` over the internet",
                    c.kind.title().to_lowercase(),
                    c.id
                );
                cx.report(&Self::META, &c.id, model.links[l].span, message)
                    .discriminator(format!("client:{client}"))
                    .help("let only the application servers reach it; send clients through the application");
                continue;
            }
            let Some(h) = c.host else {
                continue;
            };
            let host = &model.hosts[h];
            if host.public != Some(true) {
                continue;
            }
            // The ports it is reached on; unknown ports count as admitted.
            let ports: Vec<Option<u16>> = g
                .links_to(i)
                .into_iter()
                .map(|l| model.links[l].endpoint.port)
                .collect();
            let firewalls: Vec<&crate::model::Component> = model
                .components_on(h)
                .map(|f| &model.components[f])
                .filter(|f| f.kind == Kind::Firewall)
                .collect();
            let admitted = |port: Option<u16>| {
                firewalls.iter().all(|f| match (&f.allow, port) {
                    (Some(allow), Some(p)) => allow.contains(&p),
                    (Some(allow), None) => !allow.is_empty(),
                    (None, _) => true,
                })
            };
            let exposed = if ports.is_empty() {
                firewalls.is_empty() || admitted(None)
            } else {
                ports.iter().any(|&p| admitted(p))
            };
            if !exposed {
                continue;
            }
            let why = if firewalls.is_empty() {
                "with no firewall"
            } else {
                "and its firewall admits the database port"
            };
            let message = format!(
                "{} `{}` runs on the public host `{}` {why}: it can be reached from the internet",
                c.kind.title().to_lowercase(),
                c.id,
                host.id
            );
            cx.report(&Self::META, &c.id, host.fields.get("public").copied().unwrap_or(host.span), message)
                .discriminator(format!("host:{}", host.id))
                .help(format!(
                    "make `{}` private (`public: false`) or admit the port only from the application servers",
                    host.id
                ));
        }
    }
}
