//! The YAML model format as serde types, exactly as a user writes it.
//!
//! These types only describe the shape of the file (field names, types, allowed values) and
//! keep the source location of everything a later error or finding may point at. Meaning
//! (references, defaults, consistency) is checked in `load.rs`, which turns them into
//! [`crate::Model`].

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A `map` of ids to elements, in file order, each id keeping its own span.
pub(crate) type IdMap<T> = IndexMap<Spanned<String>, Spanned<T>>;

/// The top level of a model file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) description: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) slo: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) domains: IdMap<RawDomain>,
    #[serde(default)]
    pub(crate) hosts: IdMap<RawHost>,
    #[serde(default)]
    pub(crate) components: IdMap<RawComponent>,
    #[serde(default)]
    pub(crate) links: Vec<Spanned<RawLink>>,
    #[serde(default)]
    pub(crate) journeys: IdMap<RawJourney>,
    #[serde(default)]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// A finding accepted on purpose: which rule, why, and until when.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIgnore {
    pub(crate) rule: Spanned<String>,
    #[serde(default)]
    pub(crate) reason: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) until: Option<Spanned<String>>,
    /// Only in the model's top-level list: the element the finding is about.
    #[serde(default)]
    pub(crate) element: Option<Spanned<String>>,
}

/// A failure domain: a rack, a zone, a power feed... Hosts in it fail together.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDomain {
    pub(crate) kind: Spanned<DomainKind>,
    #[serde(default)]
    pub(crate) label: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) parent: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) availability: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// What a failure domain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHost {
    #[serde(default)]
    pub(crate) label: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) description: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) domain: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) public: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) availability: Option<Spanned<f64>>,
    #[serde(default)]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// What a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every member serves requests at the same time.
    ActiveActive,
    /// The first member serves; the others stand by.
    ActivePassive,
}

/// How a load balancer picks a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawComponent {
    pub(crate) kind: Spanned<Kind>,
    #[serde(default)]
    pub(crate) label: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) description: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) software: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) host: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) pool: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(crate) algorithm: Option<Spanned<Algorithm>>,
    #[serde(default)]
    pub(crate) mode: Option<Spanned<Mode>>,
    #[serde(default)]
    pub(crate) health_checks: Option<Spanned<bool>>,
    /// Whether a database or cache is backed up outside itself.
    pub(crate) backup: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) backend: Option<Spanned<RawEndpoint>>,
    #[serde(default)]
    pub(crate) members: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(crate) role: Option<Spanned<Role>>,
    #[serde(default)]
    pub(crate) replica_of: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) replication: Option<Spanned<Replication>>,
    #[serde(default)]
    pub(crate) failover: Option<Spanned<Failover>>,
    #[serde(default)]
    pub(crate) records: Option<Spanned<Vec<Spanned<RawRecord>>>>,
    #[serde(default)]
    pub(crate) allow: Option<Spanned<Vec<Spanned<RawAllow>>>>,
    #[serde(default)]
    pub(crate) reports_to: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) monitors: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(crate) certificate: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) availability: Option<Spanned<f64>>,
    /// Run by a provider (a managed load balancer, database, queue, CDN...).
    #[serde(default)]
    pub(crate) managed: Option<Spanned<bool>>,
    /// Who runs it (aws, gcp, azure, cloudflare, ...).
    #[serde(default)]
    pub(crate) provider: Option<Spanned<String>>,
    /// The failure domains (zones) a managed service spans.
    #[serde(default)]
    pub(crate) zones: Option<Spanned<Vec<Spanned<String>>>>,
    /// How many identical instances run (pods, tasks, an autoscaling group).
    #[serde(default)]
    pub(crate) replicas: Option<Spanned<u32>>,
    /// The failure domains the instances are spread over, in turn.
    #[serde(default)]
    pub(crate) spread: Option<Spanned<Vec<Spanned<String>>>>,
    /// The hosts the instances run on, in turn.
    #[serde(default)]
    pub(crate) hosts: Option<Spanned<Vec<Spanned<String>>>>,
    /// How many instances must be up for the group to carry the load.
    #[serde(default)]
    pub(crate) min_healthy: Option<Spanned<u32>>,
    /// How many members of the pool or cluster must be up (a quorum).
    #[serde(default)]
    pub(crate) quorum: Option<Spanned<u32>>,
    /// What performs the automatic failover (Patroni, Orchestrator, keepalived, the provider).
    #[serde(default)]
    pub(crate) failover_by: Option<Spanned<String>>,
    /// The hosts, components or domains a firewall or security group protects.
    #[serde(default)]
    pub(crate) protects: Option<Spanned<Vec<Spanned<String>>>>,
    /// Where a client is: `internet` (default) or `internal` (office, VPN).
    #[serde(default)]
    pub(crate) network: Option<Spanned<Network>>,
    #[serde(default)]
    pub(crate) ignore: Option<Vec<Spanned<RawIgnore>>>,
}

/// Where a client sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// On the public internet.
    Internet,
    /// On an internal network (office, VPN).
    Internal,
}

/// One `allow:` entry of a firewall: a port, or a port with a source.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawAllow {
    Port(u16),
    Rule(RawAllowRule),
}

/// `{ port: 22, from: office }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAllowRule {
    pub(crate) port: u16,
    #[serde(default)]
    pub(crate) from: Option<String>,
    #[serde(default)]
    pub(crate) protocol: Option<String>,
}

/// How a balancer talks to its pool.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEndpoint {
    #[serde(default)]
    pub(crate) protocol: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) port: Option<Spanned<u16>>,
    #[serde(default)]
    pub(crate) tls: Option<Spanned<bool>>,
}

/// A DNS record held by a `dns` component.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecord {
    pub(crate) name: Spanned<String>,
    #[serde(rename = "type", default)]
    pub(crate) record_type: Option<Spanned<RecordType>>,
    pub(crate) target: Spanned<String>,
}

/// A DNS record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLink {
    pub(crate) from: Spanned<String>,
    pub(crate) to: Spanned<String>,
    #[serde(default)]
    pub(crate) protocol: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) port: Option<Spanned<u16>>,
    #[serde(default)]
    pub(crate) tls: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) label: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) optional: Option<Spanned<bool>>,
    /// Fire and forget: the caller enqueues and returns.
    #[serde(default, rename = "async")]
    pub(crate) is_async: Option<Spanned<bool>>,
    #[serde(default)]
    pub(crate) journeys: Option<Spanned<Vec<Spanned<String>>>>,
}

/// A named user journey.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawJourney {
    #[serde(default)]
    pub(crate) label: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) description: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) entry: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) data: Option<Spanned<DataAccess>>,
}
