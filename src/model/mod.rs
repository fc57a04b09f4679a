//! The model: what a user writes about an architecture, loaded and checked.
//!
//! `schema` is the file format (serde types with source spans), `load` reads a file, refuses
//! hostile input, resolves every reference and returns a [`Model`] whose elements all point back
//! at the YAML. Everything later in the pipeline reads a `Model` and never the raw file.

mod error;
pub mod files;
mod load;
mod schema;
pub mod span;
pub mod suggest;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use error::{ModelError, ModelErrorReport};
pub use load::{Limits, load_bytes, load_file, load_str, parse_date};
pub(crate) use load::{parse_error, yaml_options};
pub use schema::{
    Algorithm, DataAccess, DomainKind, Failover, Kind, Mode, Network, RecordType, Replication, Role,
};
pub use span::Span;

/// A loaded, validated architecture model.
#[derive(Debug, Clone)]
pub struct Model {
    /// The file as the user named it (forward slashes, no leading `./`).
    pub file: String,
    /// The file's text.
    pub source: Arc<str>,
    /// The system's name.
    pub name: String,
    /// Where `name:` is.
    pub name_span: Span,
    /// Markdown description of the system.
    pub description: Option<String>,
    /// Availability target in percent (e.g. 99.9), when given.
    pub slo: Option<f64>,
    /// Failure domains (racks, zones, ...).
    pub domains: Vec<Domain>,
    /// Servers and VMs.
    pub hosts: Vec<Host>,
    /// Components, in file order.
    pub components: Vec<Component>,
    /// Connections between components: declared links, plus one per pool or VIP member.
    pub links: Vec<Link>,
    /// User journeys: declared, or derived when the model names none.
    pub journeys: Vec<Journey>,
    /// Findings accepted on purpose (`ignore:` entries), in file order.
    pub ignores: Vec<Ignore>,
    /// The components of each host, in file order (an index kept by the loader).
    pub(crate) on_host: Vec<Vec<usize>>,
}

/// A finding accepted on purpose: an `ignore:` entry of an element or of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The id of the element it is on ("" for the model as a whole).
    pub element: String,
    /// The rule it accepts, as written (it may name no rule; the lint engine says so).
    pub rule: String,
    /// Why the finding is accepted; required, but a missing one is a finding, not an error.
    pub reason: Option<String>,
    /// The last day it applies (year, month, day).
    pub until: Option<(i32, u32, u32)>,
    /// Where the entry is.
    pub span: Span,
    /// Where its `rule:` is.
    pub rule_span: Span,
}

/// Which kind of element an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementRef {
    /// A failure domain (index into `Model::domains`).
    Domain(usize),
    /// A host (index into `Model::hosts`).
    Host(usize),
    /// A component (index into `Model::components`).
    Component(usize),
}

/// A failure domain: everything in it can fail at once.
#[derive(Debug, Clone)]
pub struct Domain {
    /// The id, as written.
    pub id: String,
    /// The span of the id.
    pub span: Span,
    /// Rack, zone, ...
    pub kind: DomainKind,
    /// Display name.
    pub label: Option<String>,
    /// The enclosing domain (a rack in a zone).
    pub parent: Option<usize>,
    /// Availability in percent, when the model gives it (else a default per kind).
    pub availability: Option<f64>,
}

/// A server or VM. Its failure takes down every component on it.
#[derive(Debug, Clone)]
pub struct Host {
    /// The id, as written.
    pub id: String,
    /// The span of the id.
    pub span: Span,
    /// Display name ("Server 1").
    pub label: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// The failure domain the host is in.
    pub domain: Option<usize>,
    /// Whether the host is reachable from the internet; `None` when the model does not say.
    pub public: Option<bool>,
    /// Availability in percent, when the model gives it (else a default per kind).
    pub availability: Option<f64>,
    /// Spans of the fields that were written.
    pub fields: BTreeMap<&'static str, Span>,
}

impl Host {
    /// The label, or the id.
    #[must_use]
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

/// A DNS record.
#[derive(Debug, Clone)]
pub struct Record {
    /// The name, e.g. `www.foobar.com`.
    pub name: String,
    /// A, AAAA, CNAME, ALIAS (A when not written).
    pub record_type: RecordType,
    /// The component the name resolves to.
    pub target: usize,
    /// Where the record is.
    pub span: Span,
}

/// What a monitoring component watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MonitorTarget {
    /// A whole host and everything on it.
    Host(usize),
    /// One component.
    Component(usize),
}

/// How a balancer or a link talks to the next hop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// Protocol (`http`, `mysql`, ...).
    pub protocol: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Whether TLS is used; `None` when not written.
    pub tls: Option<bool>,
}

/// One component of the architecture.
#[derive(Debug, Clone)]
pub struct Component {
    /// The id, as written.
    pub id: String,
    /// The span of the id.
    pub span: Span,
    /// What it is.
    pub kind: Kind,
    /// Display name.
    pub label: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// The software (HAProxy, Nginx, MySQL...).
    pub software: Option<String>,
    /// The host it runs on.
    pub host: Option<usize>,
    /// The members a balancer spreads requests over (components), in order.
    pub pool: Vec<usize>,
    /// The balancing algorithm.
    pub algorithm: Option<Algorithm>,
    /// Active-active (default) or active-passive.
    pub mode: Mode,
    /// Whether the balancer checks its members' health; `None` when not written.
    pub health_checks: Option<bool>,
    /// Whether a database or cache is backed up outside itself; `None` when not written.
    pub backup: Option<bool>,
    /// How a balancer talks to its pool.
    pub backend: Endpoint,
    /// The members that can hold a virtual IP, the first being the active one.
    pub members: Vec<usize>,
    /// Database role (primary / replica / standalone) or monitoring role (server / agent).
    pub role: Option<Role>,
    /// The database this replica copies.
    pub replica_of: Option<usize>,
    /// How this replica receives changes.
    pub replication: Option<Replication>,
    /// What happens when this primary or virtual IP's active member fails.
    pub failover: Failover,
    /// DNS records this DNS component serves.
    pub records: Vec<Record>,
    /// Ports a firewall admits; `None` when not written.
    pub allow: Option<Vec<u16>>,
    /// The firewall's rules with their sources (one per `allow:` entry).
    pub allow_rules: Vec<AllowRule>,
    /// What a firewall or security group protects; empty for a firewall on a path.
    pub protects: Vec<ElementRef>,
    /// Whether a provider runs it (`managed: true`).
    pub managed: bool,
    /// Who runs it.
    pub provider: Option<String>,
    /// The failure domains a managed service spans.
    pub zones: Vec<usize>,
    /// A replica group: how many identical instances run.
    pub replicas: Option<u32>,
    /// The domains the instances are spread over, in turn.
    pub spread: Vec<usize>,
    /// The hosts the instances run on, in turn.
    pub placement_hosts: Vec<usize>,
    /// How many instances of a replica group must be up (default 1).
    pub min_healthy: Option<u32>,
    /// How many members of the pool must be up (default 1).
    pub quorum: Option<u32>,
    /// What performs the automatic failover.
    pub failover_by: Option<usize>,
    /// Where a client sits (`None`: not written, taken as the internet).
    pub network: Option<Network>,
    /// The monitoring server an agent reports to.
    pub reports_to: Option<usize>,
    /// What a monitoring component watches from outside.
    pub monitors: Vec<MonitorTarget>,
    /// The TLS certificate this component presents (a domain name).
    pub certificate: Option<String>,
    /// Availability in percent, when the model gives it (else a default per kind).
    pub availability: Option<f64>,
    /// Spans of the fields that were written.
    pub fields: BTreeMap<&'static str, Span>,
}

impl Component {
    /// The label, or the id.
    #[must_use]
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }

    /// The span of a field when it was written, else the span of the id.
    #[must_use]
    pub fn field_span(&self, field: &str) -> Span {
        self.fields.get(field).copied().unwrap_or(self.span)
    }

    /// How many instances must be up: `min_healthy`, else 1.
    #[must_use]
    pub fn needed_instances(&self) -> u32 {
        self.min_healthy.unwrap_or(1).max(1)
    }

    /// How many pool members must be up: `quorum`, else 1.
    #[must_use]
    pub fn needed_members(&self) -> u32 {
        self.quorum.unwrap_or(1).max(1)
    }

    /// Whether the component is outside the team's control: run by a provider, or a
    /// third-party service. Its loss is the provider's outage, counted at its SLA.
    #[must_use]
    pub fn is_provider_run(&self) -> bool {
        self.managed || self.kind == Kind::External
    }

    /// Whether this is a cluster of named members (a queue, cache or database cluster with a
    /// `pool` and no host of its own): a name for its members, not a process that can fail.
    #[must_use]
    pub fn is_cluster(&self) -> bool {
        !self.pool.is_empty()
            && self.host.is_none()
            && self.replicas.is_none()
            && !self.managed
            && !matches!(
                self.kind,
                Kind::LoadBalancer | Kind::WebServer | Kind::AppServer | Kind::Other
            )
    }

    /// Whether a firewall is a rule set over hosts (a security group), not a box on a path.
    #[must_use]
    pub fn is_rule_set(&self) -> bool {
        self.kind == Kind::Firewall && !self.protects.is_empty()
    }

    /// Whether this is a monitoring agent.
    #[must_use]
    pub fn is_agent(&self) -> bool {
        self.kind == Kind::Monitoring && self.role == Some(Role::Agent)
    }
}

/// Where traffic admitted by a firewall rule may come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Anywhere (`from:` not written, `internet`, `any`, `0.0.0.0/0`, `::/0`).
    Internet,
    /// A component or host of the model.
    Element(ElementRef),
    /// An address range, as written.
    Cidr(String),
}

/// One firewall rule: a port and where it is admitted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowRule {
    /// The port.
    pub port: u16,
    /// Where from.
    pub from: Source,
    /// Whether `from:` was written (an unwritten source is taken as anywhere).
    pub from_written: bool,
    /// The protocol, when written (`tcp`, `udp`); `None` means any.
    pub protocol: Option<String>,
    /// Where the entry is.
    pub span: Span,
}

/// Where a link comes from in the YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkOrigin {
    /// Written under `links:`.
    Declared,
    /// A member of the source's `pool:`.
    Pool,
    /// A member of a virtual IP's `members:`.
    Member,
}

/// A connection from one component to another.
#[derive(Debug, Clone)]
pub struct Link {
    /// The caller.
    pub from: usize,
    /// The callee.
    pub to: usize,
    /// Protocol, port and TLS.
    pub endpoint: Endpoint,
    /// A label to show on diagrams.
    pub label: Option<String>,
    /// Whether the caller works without it (a soft dependency).
    pub optional: bool,
    /// Whether the caller enqueues and returns without waiting (`async: true`).
    pub is_async: bool,
    /// The journeys that use it (indices into `Model::journeys`); `None` means all of them.
    pub journeys: Option<Vec<usize>>,
    /// Declared, pool or VIP member.
    pub origin: LinkOrigin,
    /// Where it is written.
    pub span: Span,
}

impl Link {
    /// Whether the link is encrypted: TLS, or a protocol that always encrypts (SSH, ...).
    #[must_use]
    pub fn tls(&self) -> bool {
        self.endpoint.tls.unwrap_or(false)
            || matches!(
                self.endpoint.protocol.as_deref(),
                Some(
                    "ssh"
                        | "sftp"
                        | "scp"
                        | "wss"
                        | "grpcs"
                        | "amqps"
                        | "rediss"
                        | "mqtts"
                        | "ldaps"
                )
            )
    }

    /// Whether the link carries HTTP (or an unstated protocol, which on the web is HTTP):
    /// what a certificate on a balancer or web server ends.
    #[must_use]
    pub fn is_http(&self) -> bool {
        matches!(
            self.endpoint.protocol.as_deref(),
            None | Some(
                "http" | "https" | "h2" | "http2" | "http3" | "grpc" | "grpcs" | "ws" | "wss"
            )
        )
    }

    /// Whether the link is used by journey `j`.
    #[must_use]
    pub fn serves(&self, j: usize) -> bool {
        self.journeys.as_ref().is_none_or(|js| js.contains(&j))
    }
}

/// A named user journey, such as `read` or `write`.
#[derive(Debug, Clone)]
pub struct Journey {
    /// The name.
    pub id: String,
    /// Display name.
    pub label: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// Where the journey enters the system; `None` means the clients (or what DNS points at).
    pub entry: Option<usize>,
    /// What it does with data.
    pub data: DataAccess,
    /// Whether archdoc made it up because the model names no journeys.
    pub derived: bool,
    /// The span of the name (of `name:` for a derived journey).
    pub span: Span,
}

impl Journey {
    /// The label, or the id.
    #[must_use]
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

impl Model {
    /// The id of an element.
    #[must_use]
    pub fn id_of(&self, element: ElementRef) -> &str {
        match element {
            ElementRef::Domain(i) => &self.domains[i].id,
            ElementRef::Host(i) => &self.hosts[i].id,
            ElementRef::Component(i) => &self.components[i].id,
        }
    }

    /// The span of an element's id.
    #[must_use]
    pub fn span_of(&self, element: ElementRef) -> Span {
        match element {
            ElementRef::Domain(i) => self.domains[i].span,
            ElementRef::Host(i) => self.hosts[i].span,
            ElementRef::Component(i) => self.components[i].span,
        }
    }

    /// The failure domains host `h` is in, innermost first (a rack, then its zone, ...).
    #[must_use]
    pub fn domains_of_host(&self, h: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut d = self.hosts[h].domain;
        while let Some(i) = d {
            if out.contains(&i) {
                break;
            }
            out.push(i);
            d = self.domains[i].parent;
        }
        out
    }

    /// The components placed on host `h`, in file order.
    pub fn components_on(&self, h: usize) -> impl Iterator<Item = usize> + '_ {
        self.on_host.get(h).into_iter().flatten().copied()
    }
}

/// The JSON Schema of the model format, for editors (`archdoc schema`).
#[must_use]
pub fn schema_json() -> &'static str {
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(schema::generate)
}

/// Parses YAML text into `T` with the same limits and error wording as a model file: the
/// configuration and baseline files use it too.
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    display: &str,
    source: &Arc<str>,
) -> Result<T, Box<ModelError>> {
    let options = load::yaml_options(&Limits::default());
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|e| Box::new(load::parse_error(&e, display, source)))
}
