use crate::declare_rule;
use crate::lint::{LintContext, Rule, RuleMeta};

/// Protocols that send credentials and data in clear text unless wrapped in TLS, with the
/// encrypted replacement to suggest.
const PLAINTEXT: &[(&str, &str)] = &[
    ("ftp", "SFTP or FTPS"),
    ("telnet", "SSH"),
    ("rsh", "SSH"),
    ("rlogin", "SSH"),
    ("rexec", "SSH"),
    ("tftp", "SFTP or HTTPS"),
    ("smtp", "SMTP with STARTTLS or SMTPS (`tls: true`)"),
    ("pop3", "POP3S (`tls: true`)"),
    ("imap", "IMAPS (`tls: true`)"),
    ("ldap", "LDAPS or StartTLS (`tls: true`)"),
    ("snmp", "SNMPv3 with privacy"),
    ("vnc", "VNC over SSH or TLS"),
    ("mqtt", "MQTT over TLS (`tls: true`)"),
    ("amqp", "AMQPS (`tls: true`)"),
];

declare_rule! {
    /// ## What it does
    /// Finds links over protocols that send credentials and data in clear text (FTP, telnet,
    /// rsh, TFTP, SMTP, POP3, IMAP, LDAP, SNMP, VNC, MQTT, AMQP) without `tls: true`, wherever
    /// they are in the design. HTTP has its own rules: `missing-https` at the way in and
    /// `plaintext-behind-tls` behind it.
    ///
    /// ## Why is this bad?
    /// Anyone on the network path reads the passwords and the data, and can change them. These
    /// protocols all have an encrypted form or replacement; using the clear one is rarely a
    /// choice anyone made on purpose.
    ///
    /// ## Example
    /// ```yaml
    /// name: uploads
    /// hosts: { app-1: {}, files-1: {} }
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: app-1 }
    ///   files: { kind: other, software: vsftpd, host: files-1 }
    /// links:
    ///   - { from: user, to: app, protocol: https, port: 443 }
    ///   - { from: app, to: files, protocol: ftp, port: 21 }
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: uploads
    /// hosts: { app-1: {}, files-1: {} }
    /// components:
    ///   user: { kind: client }
    ///   app: { kind: app_server, host: app-1 }
    ///   files: { kind: other, software: OpenSSH, host: files-1 }
    /// links:
    ///   - { from: user, to: app, protocol: https, port: 443 }
    ///   - { from: app, to: files, protocol: sftp, port: 22 }
    /// ```
    ///
    /// ## How to fix
    /// Switch to the encrypted protocol the finding names, or, when the link is wrapped in TLS
    /// already, say so with `tls: true`.
    pub struct PlaintextProtocol;
    id = "plaintext-protocol",
    category = Security,
    severity = Warning,
}

impl Rule for PlaintextProtocol {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_, '_>) {
        let model = cx.model();
        for link in &model.links {
            if link.tls() {
                continue;
            }
            let Some(proto) = link.endpoint.protocol.as_deref() else {
                continue;
            };
            let Some(&(_, instead)) = PLAINTEXT.iter().find(|(p, _)| *p == proto) else {
                continue;
            };
            let (from, to) = (
                &model.components[link.from].id,
                &model.components[link.to].id,
            );
            cx.report(
                &Self::META,
                from,
                link.span,
                format!("`{from}` → `{to}` uses {proto} in clear text: passwords and data can be read on the way"),
            )
            .discriminator(format!("{to}-{proto}"))
            .help(format!("use {instead}"));
        }
    }
}
