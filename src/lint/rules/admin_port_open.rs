use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::model::Source;

/// Ports that must never be open to the whole internet: remote administration and data
/// stores.
const SENSITIVE: &[(u16, &str)] = &[
    (22, "SSH"),
    (23, "telnet"),
    (3389, "RDP"),
    (5900, "VNC"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (9200, "Elasticsearch"),
    (5672, "AMQP"),
    (9092, "Kafka"),
    (2379, "etcd"),
    (2375, "the Docker API"),
    (6443, "the Kubernetes API"),
];

declare_rule! {
    /// ## What it does
    /// Finds firewall and security-group rules that admit an administration or database port
    /// (SSH 22, RDP 3389, MySQL 3306, PostgreSQL 5432, Redis 6379, MongoDB 27017, ...) from
    /// the whole internet (`from: internet`, `0.0.0.0/0`). On a security group (`protects:`),
    /// a rule with no `from:` is taken as open to anywhere.
    ///
    /// ## Why is this bad?
    /// These ports are scanned within minutes of an address going live. An open SSH port
    /// invites brute force; an open database port puts the data one weak password away from
    /// anyone.
    ///
    /// ## Example
    /// ```yaml
    /// name: shop
    /// hosts: { bastion: { public: true } }
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: bastion }
    ///   sg: { kind: firewall, protects: [bastion], allow: [{ port: 443, from: internet }, { port: 22, from: internet }] }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// hosts: { bastion: { public: true } }
    /// components:
    ///   user: { kind: client }
    ///   web: { kind: web_server, host: bastion }
    ///   sg: { kind: firewall, protects: [bastion], allow: [{ port: 443, from: internet }, { port: 22, from: 203.0.113.0/24 }] }
    /// links:
    ///   - { from: user, to: web, tls: true }
    /// ```
    ///
    /// ## How to fix
    /// Admit the port only from where administrators and applications are: an office or VPN
    /// range (`from: 203.0.113.0/24`), a bastion (`from: bastion`), the application's
    /// security group. Better still, use a session manager instead of SSH.
    pub struct AdminPortOpen;
    id = "admin-port-open",
    category = Security,
    severity = Error,
}

impl Rule for AdminPortOpen {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for c in &model.components {
            for r in &c.allow_rules {
                let Some(&(_, name)) = SENSITIVE.iter().find(|(p, _)| *p == r.port) else {
                    continue;
                };
                let open = r.from == Source::Internet && (r.from_written || c.is_rule_set());
                if !open {
                    continue;
                }
                let how = if r.from_written {
                    "from the whole internet"
                } else {
                    "with no `from:`, so from anywhere"
                };
                let message = format!("`{}` admits port {} ({name}) {how}", c.id, r.port);
                cx.report(&Self::META, &c.id, r.span, message)
                    .discriminator(r.port.to_string())
                    .help("admit it only from an office or VPN range (`from: 203.0.113.0/24`), a bastion or the application's security group");
            }
        }
    }
}
