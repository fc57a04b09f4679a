//! The YAML model format as serde types, exactly as a user writes it.
//!
//! These types only describe the shape of the file (field names, types, allowed values) and
//! keep the source location of everything a later error or finding may point at. Meaning
//! (references, defaults, consistency) is checked in `load.rs`, which turns them into
//! [`crate::Model`].

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A `map` of ids to elements, in file order, each id keeping its own span.
/// What an id may look like, for editors: a letter or digit first, then letters, digits, `.`, `_`
/// or `-`. The loader asks for Unicode letters; a portable pattern cannot say "a letter", so this
/// admits every character from U+00C0 up (`\p{L}` is not understood by every validator).
const ID_PATTERN: &str = r"^[0-9A-Za-z\u00C0-\uFFFF][0-9A-Za-z\u00C0-\uFFFF._-]*$";

pub(crate) type IdMap<T> = IndexMap<Spanned<String>, Spanned<T>>;

/// The top level of a model file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "archdoc model",
    description = "An architecture model: hosts, components, links and journeys of a web infrastructure. See the model reference in the docs site.",
    extend(
        "$id" = "https://archdoc.dev/schema/model-v1.json",
        // The loader refuses a model without components (after parsing, so serde's
        // `default` does not say it).
        "required" = ["name", "components"]
    )
)]
pub(crate) struct RawModel {
    /// The system's name, e.g. www.foobar.com.
    #[schemars(with = "String")]
    pub(crate) name: Spanned<String>,
    /// Markdown description of the system.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) description: Option<Spanned<String>>,
    /// Availability target in percent, e.g. 99.9.
    #[serde(default)]
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 100))]
    pub(crate) slo: Option<Spanned<f64>>,
    /// Failure domains (racks, zones, power feeds): everything in one fails together.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawDomain>", extend("propertyNames" = {"pattern": ID_PATTERN, "maxLength": 128}))]
    pub(crate) domains: IdMap<RawDomain>,
    /// Servers and VMs. A host's failure takes down every component on it.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawHost>", extend("propertyNames" = {"pattern": ID_PATTERN, "maxLength": 128}))]
    pub(crate) hosts: IdMap<RawHost>,
    /// The parts of the architecture, keyed by id.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawComponent>", extend("propertyNames" = {"pattern": ID_PATTERN, "maxLength": 128}))]
    pub(crate) components: IdMap<RawComponent>,
    /// Connections between components, in the direction requests travel.
    #[serde(default)]
    #[schemars(with = "Vec<RawLink>")]
    pub(crate) links: Vec<Spanned<RawLink>>,
    /// Named user journeys. When none is named, archdoc derives `all`, and `read` and `write` when there is a database.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, RawJourney>", extend("propertyNames" = {"pattern": ID_PATTERN, "maxLength": 128}))]
    pub(crate) journeys: IdMap<RawJourney>,
    /// Findings accepted on purpose for the model as a whole, or for the element named by `element`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawIgnore>>")]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// A finding accepted on purpose: which rule, why, and until when.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ignore")]
pub(crate) struct RawIgnore {
    /// The id of the rule whose finding is accepted (see `archdoc rule --list`).
    #[schemars(with = "String")]
    pub(crate) rule: Spanned<String>,
    /// Why the finding is accepted. Required: an entry without one is itself a finding.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) reason: Option<Spanned<String>>,
    /// The last day the suppression applies (YYYY-MM-DD); after it the finding is reported again, and archdoc says the suppression expired.
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    pub(crate) until: Option<Spanned<String>>,
    /// Only in the model's top-level list: the id of the element the finding is about.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) element: Option<Spanned<String>>,
}

/// A failure domain: a rack, a zone, a power feed... Hosts in it fail together.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "domain")]
pub(crate) struct RawDomain {
    /// What the domain is.
    #[schemars(with = "DomainKind")]
    pub(crate) kind: Spanned<DomainKind>,
    /// Display name.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) label: Option<Spanned<String>>,
    /// The enclosing domain (a rack's zone).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) parent: Option<Spanned<String>>,
    /// Availability in percent (e.g. 99.95); when not given archdoc uses a default per kind: host 99.5, process 99.9, availability zone 99.9, rack and other domains 99.99.
    #[serde(default)]
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0, "maximum" = 100))]
    pub(crate) availability: Option<Spanned<f64>>,
    /// Findings accepted on purpose, each with the rule, a reason and an optional last day.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawIgnore>>")]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// What a failure domain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DomainKind {
    /// A rack of servers.
    Rack,
    /// An availability zone or data centre.
    Zone,
    /// A region.
    Region,
    /// A power feed.
    Power,
    /// A network segment or switch.
    Network,
    /// Anything else that fails as one.
    Other,
}

impl DomainKind {
    /// The name used in the YAML.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DomainKind::Rack => "rack",
            DomainKind::Zone => "zone",
            DomainKind::Region => "region",
            DomainKind::Power => "power",
            DomainKind::Network => "network",
            DomainKind::Other => "domain",
        }
    }
}

/// A server or VM.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "host")]
pub(crate) struct RawHost {
    /// Display name, e.g. "Server 1".
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) label: Option<Spanned<String>>,
    /// Markdown description.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) description: Option<Spanned<String>>,
    /// The failure domain the host is in.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) domain: Option<Spanned<String>>,
    /// Whether the host is reachable from the internet (has a public IP).
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) public: Option<Spanned<bool>>,
    /// Availability in percent (e.g. 99.95); when not given archdoc uses a default per kind: host 99.5, process 99.9, availability zone 99.9, rack and other domains 99.99.
    #[serde(default)]
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0, "maximum" = 100))]
    pub(crate) availability: Option<Spanned<f64>>,
    /// Findings accepted on purpose, each with the rule, a reason and an optional last day.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawIgnore>>")]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// What a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The user's browser or another caller outside the system.
    Client,
    /// A DNS service holding records.
    Dns,
    /// A load balancer spreading requests over a pool.
    LoadBalancer,
    /// A virtual IP held by one of several members (keepalived, VRRP, ...).
    VirtualIp,
    /// A web server (Nginx, Apache, ...).
    WebServer,
    /// An application server.
    AppServer,
    /// The application's code base on disk.
    AppFiles,
    /// A database.
    Database,
    /// A cache (Redis, Memcached, ...).
    Cache,
    /// A firewall: on a host, or a network component on the path.
    Firewall,
    /// A monitoring system or a monitoring agent.
    Monitoring,
    /// A message broker or queue (RabbitMQ, Kafka, SQS, ...).
    Queue,
    /// Background workers consuming a queue (Celery, Sidekiq, ...).
    Worker,
    /// Object storage (S3, GCS, MinIO, ...).
    ObjectStorage,
    /// A content delivery network in front of the system (CloudFront, Cloudflare, ...).
    Cdn,
    /// A third-party service outside your control (payments, e-mail, identity, ...).
    External,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in the order the reference lists them.
    pub const ALL: [Kind; 17] = [
        Kind::Client,
        Kind::Dns,
        Kind::LoadBalancer,
        Kind::VirtualIp,
        Kind::WebServer,
        Kind::AppServer,
        Kind::AppFiles,
        Kind::Database,
        Kind::Cache,
        Kind::Firewall,
        Kind::Monitoring,
        Kind::Queue,
        Kind::Worker,
        Kind::ObjectStorage,
        Kind::Cdn,
        Kind::External,
        Kind::Other,
    ];

    /// The name used in the YAML.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Dns => "dns",
            Kind::LoadBalancer => "load_balancer",
            Kind::VirtualIp => "virtual_ip",
            Kind::WebServer => "web_server",
            Kind::AppServer => "app_server",
            Kind::AppFiles => "app_files",
            Kind::Database => "database",
            Kind::Cache => "cache",
            Kind::Firewall => "firewall",
            Kind::Monitoring => "monitoring",
            Kind::Queue => "queue",
            Kind::Worker => "worker",
            Kind::ObjectStorage => "object_storage",
            Kind::Cdn => "cdn",
            Kind::External => "external",
            Kind::Other => "other",
        }
    }

    /// A human name, as a reviewer would write it.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Kind::Client => "Client",
            Kind::Dns => "DNS",
            Kind::LoadBalancer => "Load Balancer",
            Kind::VirtualIp => "Virtual IP",
            Kind::WebServer => "Web Server",
            Kind::AppServer => "Application Server",
            Kind::AppFiles => "Application Files",
            Kind::Database => "Database",
            Kind::Cache => "Cache",
            Kind::Firewall => "Firewall",
            Kind::Monitoring => "Monitoring",
            Kind::Queue => "Queue",
            Kind::Worker => "Worker",
            Kind::ObjectStorage => "Object Storage",
            Kind::Cdn => "CDN",
            Kind::External => "External Service",
            Kind::Other => "Component",
        }
    }

    /// Kinds that may spread requests over a `pool` (a balancer), or be a cluster of members
    /// (a queue, cache or database cluster, possibly with a `quorum`).
    #[must_use]
    pub fn can_balance(self) -> bool {
        matches!(
            self,
            Kind::LoadBalancer
                | Kind::WebServer
                | Kind::AppServer
                | Kind::Other
                | Kind::Queue
                | Kind::Cache
                | Kind::Database
                | Kind::Worker
                | Kind::Cdn
                | Kind::ObjectStorage
        )
    }

    /// Kinds that hold data a journey reads or writes through replication clusters.
    #[must_use]
    pub fn is_data_store(self) -> bool {
        self == Kind::Database
    }
}

/// The role of a database or a monitoring component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A database that takes writes and has (or may have) replicas.
    Primary,
    /// A read-only copy of a primary.
    Replica,
    /// A database with no replication.
    Standalone,
    /// The monitoring system that agents report to.
    Server,
    /// A monitoring agent on a host.
    Agent,
}

/// How a pool's members share the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every member serves requests at the same time.
    ActiveActive,
    /// The first member serves; the others stand by.
    ActivePassive,
}

/// How a load balancer picks a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Each member in turn.
    #[serde(alias = "roundrobin")]
    RoundRobin,
    /// Round robin with weights.
    #[serde(alias = "weighted")]
    WeightedRoundRobin,
    /// The member with the fewest open connections.
    #[serde(alias = "leastconn", alias = "least_conn")]
    LeastConnections,
    /// A hash of the client address.
    #[serde(alias = "source", alias = "ip_hash")]
    SourceHash,
    /// A hash of the request URI.
    UriHash,
    /// A random member.
    Random,
    /// The first available member.
    First,
}

impl Algorithm {
    /// The usual name, as in the seed design ("Round Robin").
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "Round Robin",
            Algorithm::WeightedRoundRobin => "Weighted Round Robin",
            Algorithm::LeastConnections => "Least Connections",
            Algorithm::SourceHash => "Source IP Hash",
            Algorithm::UriHash => "URI Hash",
            Algorithm::Random => "Random",
            Algorithm::First => "First Available",
        }
    }
}

/// How a replica receives changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Replication {
    /// The primary does not wait for the replica (MySQL's default).
    Async,
    /// The primary waits for the replica to receive the change.
    SemiSync,
    /// The primary waits for the replica to apply the change.
    Sync,
}

/// What happens when the primary (or the active member) fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Failover {
    /// Nothing takes over.
    None,
    /// A person promotes a standby by hand.
    Manual,
    /// A standby is promoted without a person (orchestrator, keepalived, ...).
    Automatic,
}

/// What a journey does with data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DataAccess {
    /// The journey needs no database.
    None,
    /// The journey reads; any database that holds the data can serve it.
    Read,
    /// The journey writes; only a database that takes writes can serve it.
    Write,
}

impl DataAccess {
    /// The name used in the YAML.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DataAccess::None => "none",
            DataAccess::Read => "read",
            DataAccess::Write => "write",
        }
    }
}

/// One component of the architecture.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "component")]
pub(crate) struct RawComponent {
    /// What the component is.
    #[schemars(with = "Kind")]
    pub(crate) kind: Spanned<Kind>,
    /// Display name.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) label: Option<Spanned<String>>,
    /// Markdown description.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) description: Option<Spanned<String>>,
    /// The software, e.g. HAProxy, Nginx, MySQL.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) software: Option<Spanned<String>>,
    /// The host it runs on. Clients and virtual IPs have none; a DNS without a host is served by an outside provider.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) host: Option<Spanned<String>>,
    /// Members a balancer spreads requests over, or the members of a cluster (load_balancer, web_server, app_server, queue, cache, database, worker, cdn, object_storage, other). Needs any one healthy member, or `quorum` of them.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>", length(min = 1))]
    pub(crate) pool: Option<Spanned<Vec<Spanned<String>>>>,
    /// How the balancer picks a member.
    #[serde(default)]
    #[schemars(with = "Option<Algorithm>")]
    pub(crate) algorithm: Option<Spanned<Algorithm>>,
    /// Whether all pool members serve at once (default) or the first serves and the others stand by.
    #[serde(default)]
    #[schemars(with = "Option<Mode>")]
    pub(crate) mode: Option<Spanned<Mode>>,
    /// Whether the balancer checks its members' health.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) health_checks: Option<Spanned<bool>>,
    /// On a database or cache: whether its data is backed up somewhere else (a snapshot, a dump, point-in-time recovery).
    #[schemars(with = "Option<bool>")]
    pub(crate) backup: Option<Spanned<bool>>,
    /// How the balancer talks to its pool: protocol, port, tls.
    #[serde(default)]
    #[schemars(with = "Option<RawEndpoint>")]
    pub(crate) backend: Option<Spanned<RawEndpoint>>,
    /// Components that can hold a virtual IP, the active one first.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>", length(min = 1))]
    pub(crate) members: Option<Spanned<Vec<Spanned<String>>>>,
    /// A database's role (primary, replica, standalone) or a monitoring component's (server, agent).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub(crate) role: Option<Spanned<Role>>,
    /// The database this replica copies.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) replica_of: Option<Spanned<String>>,
    /// How a replica receives changes.
    #[serde(default)]
    #[schemars(with = "Option<Replication>")]
    pub(crate) replication: Option<Spanned<Replication>>,
    /// On a database primary or a virtual IP: what happens when it (or its active member) fails.
    #[serde(default)]
    #[schemars(with = "Option<Failover>")]
    pub(crate) failover: Option<Spanned<Failover>>,
    /// DNS records served by a dns component.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawRecord>>")]
    pub(crate) records: Option<Spanned<Vec<Spanned<RawRecord>>>>,
    /// Ports a firewall admits, each optionally with its source: `{ port: 22, from: office }`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawAllow>>")]
    pub(crate) allow: Option<Spanned<Vec<Spanned<RawAllow>>>>,
    /// The monitoring server a monitoring agent reports to.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) reports_to: Option<Spanned<String>>,
    /// Hosts and components a monitoring component checks from outside.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) monitors: Option<Spanned<Vec<Spanned<String>>>>,
    /// The TLS certificate (domain name) this component presents.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) certificate: Option<Spanned<String>>,
    /// Availability in percent (e.g. 99.95), the SLA of a managed or external service; when not given archdoc uses a default per kind: host 99.5, process 99.9, managed service 99.95, availability zone 99.9, rack and other domains 99.99.
    #[serde(default)]
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0, "maximum" = 100))]
    pub(crate) availability: Option<Spanned<f64>>,
    /// Run by a provider (a managed load balancer, database, queue, CDN). Counted in availability at its SLA; across several zones it is not a single point of failure of your design.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) managed: Option<Spanned<bool>>,
    /// Who runs a managed service (aws, gcp, azure, cloudflare, ...).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) provider: Option<Spanned<String>>,
    /// The failure domains (zones) a managed service spans; it fails only when all of them do.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) zones: Option<Spanned<Vec<Spanned<String>>>>,
    /// A replica group: how many identical instances run (pods, tasks, an autoscaling group).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub(crate) replicas: Option<Spanned<u32>>,
    /// The failure domains the instances of a replica group are spread over, in turn.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) spread: Option<Spanned<Vec<Spanned<String>>>>,
    /// The hosts the instances of a replica group run on, in turn.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) hosts: Option<Spanned<Vec<Spanned<String>>>>,
    /// How many instances of a replica group must be up to carry the peak load (default 1).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub(crate) min_healthy: Option<Spanned<u32>>,
    /// How many members of a pool or cluster must be up (RabbitMQ quorum queues, etcd, Galera); default 1.
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub(crate) quorum: Option<Spanned<u32>>,
    /// What performs an automatic failover (Patroni, Orchestrator, keepalived, the provider): a component, part of the write journey.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) failover_by: Option<Spanned<String>>,
    /// The hosts, components or domains a firewall (security group) protects; it is then a rule set, not a box on the path.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) protects: Option<Spanned<Vec<Spanned<String>>>>,
    /// Where a client sits: the internet (default) or an internal network (office, VPN).
    #[serde(default)]
    #[schemars(with = "Option<Network>")]
    pub(crate) network: Option<Spanned<Network>>,
    /// Findings accepted on purpose, each with the rule, a reason and an optional last day.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawIgnore>>")]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// Where a client sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// On the public internet.
    Internet,
    /// On an internal network (office, VPN).
    Internal,
}

/// One `allow:` entry of a firewall: a port, or a port with a source.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "allow_entry")]
pub(crate) enum RawAllow {
    Port(#[schemars(range(min = 1))] u16),
    Rule(RawAllowRule),
}

/// `{ port: 22, from: office }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "allow_rule")]
pub(crate) struct RawAllowRule {
    #[schemars(range(min = 1, max = 65535))]
    pub(crate) port: u16,
    /// Where from: `internet`, a CIDR (10.0.0.0/8) or the id of a component or host.
    #[serde(default)]
    pub(crate) from: Option<String>,
    #[serde(default)]
    pub(crate) protocol: Option<String>,
}

/// How a balancer talks to its pool.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "endpoint")]
pub(crate) struct RawEndpoint {
    /// Protocol, e.g. http, mysql. `https` means http with tls: true.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) protocol: Option<Spanned<String>>,
    /// Port.
    #[serde(default)]
    #[schemars(with = "Option<u16>", range(min = 1, max = 65535))]
    pub(crate) port: Option<Spanned<u16>>,
    /// Whether the connection is encrypted with TLS.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) tls: Option<Spanned<bool>>,
}

/// A DNS record held by a `dns` component.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "record")]
pub(crate) struct RawRecord {
    /// The DNS name, e.g. www.foobar.com.
    #[schemars(with = "String")]
    pub(crate) name: Spanned<String>,
    /// Record type (default A).
    #[serde(rename = "type", default)]
    #[schemars(with = "Option<RecordType>")]
    pub(crate) record_type: Option<Spanned<RecordType>>,
    /// The component the name resolves to.
    #[schemars(with = "String")]
    pub(crate) target: Spanned<String>,
}

/// A DNS record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
pub enum RecordType {
    /// An IPv4 address record.
    A,
    /// An IPv6 address record.
    #[serde(rename = "AAAA")]
    Aaaa,
    /// An alias to another name.
    #[serde(rename = "CNAME")]
    Cname,
    /// A provider-specific alias at the zone apex.
    #[serde(rename = "ALIAS")]
    Alias,
}

impl RecordType {
    /// The record type as written in a zone file.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Alias => "ALIAS",
        }
    }
}

/// A connection from one component to another.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "link")]
pub(crate) struct RawLink {
    /// The caller.
    #[schemars(with = "String")]
    pub(crate) from: Spanned<String>,
    /// The callee.
    #[schemars(with = "String")]
    pub(crate) to: Spanned<String>,
    /// Protocol, e.g. http, mysql. `https` means http with tls: true.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) protocol: Option<Spanned<String>>,
    /// Port.
    #[serde(default)]
    #[schemars(with = "Option<u16>", range(min = 1, max = 65535))]
    pub(crate) port: Option<Spanned<u16>>,
    /// Whether the connection is encrypted with TLS.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) tls: Option<Spanned<bool>>,
    /// A label for diagrams.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) label: Option<Spanned<String>>,
    /// The caller still works without this link (a soft dependency).
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub(crate) optional: Option<Spanned<bool>>,
    /// Fire and forget: the caller enqueues and returns (the journey needs the queue, not its consumers).
    #[serde(default, rename = "async")]
    #[schemars(with = "Option<bool>")]
    pub(crate) is_async: Option<Spanned<bool>>,
    /// Only these journeys use the link (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(crate) journeys: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A named user journey.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "journey")]
pub(crate) struct RawJourney {
    /// Display name.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) label: Option<Spanned<String>>,
    /// Markdown description.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) description: Option<Spanned<String>>,
    /// Where the journey enters (default: the clients, or what DNS points at).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) entry: Option<Spanned<String>>,
    /// What the journey does with data (default: read when the model has a database, else none).
    #[serde(default)]
    #[schemars(with = "Option<DataAccess>")]
    pub(crate) data: Option<Spanned<DataAccess>>,
}

/// The JSON Schema of the model format, generated from the types above, so the schema editors
/// validate against and the loader cannot disagree on a field, a kind or a value's type.
pub(crate) fn generate() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RawModel>();
    let mut value = schema.to_value();
    drop_null_defaults(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `"default": null` on every optional field says nothing an editor can use.
fn drop_null_defaults(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("default").is_some_and(serde_json::Value::is_null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}
