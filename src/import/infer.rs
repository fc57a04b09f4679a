//! What a container image, a service name or a command says about what a service is: the
//! kind of component, its usual port and protocol, and what a connection URL points at.
//! Shared by every importer so Compose and Kubernetes read the same image the same way.

/// What a service was judged to be, and from what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guess {
    /// The model kind (`database`, `cache`, ...).
    pub kind: &'static str,
    /// The software, when the image names it (`PostgreSQL`).
    pub software: Option<&'static str>,
    /// Its usual port.
    pub port: Option<u16>,
    /// The protocol others speak to it.
    pub protocol: Option<&'static str>,
    /// Whether it runs beside others as an agent (an exporter, a log shipper).
    pub agent: bool,
}

/// Known images: (name fragment, kind, software, port, protocol).
const IMAGES: &[(&str, &str, &str, u16, &str)] = &[
    ("haproxy", "load_balancer", "HAProxy", 80, "http"),
    ("traefik", "load_balancer", "Traefik", 80, "http"),
    ("envoy", "load_balancer", "Envoy", 80, "http"),
    (
        "ingress-nginx",
        "load_balancer",
        "ingress-nginx",
        80,
        "http",
    ),
    ("nginx", "web_server", "Nginx", 80, "http"),
    ("openresty", "web_server", "OpenResty", 80, "http"),
    ("caddy", "web_server", "Caddy", 80, "http"),
    ("httpd", "web_server", "Apache httpd", 80, "http"),
    ("apache", "web_server", "Apache httpd", 80, "http"),
    ("postgis", "database", "PostgreSQL", 5432, "postgres"),
    ("postgres", "database", "PostgreSQL", 5432, "postgres"),
    ("timescale", "database", "TimescaleDB", 5432, "postgres"),
    ("mariadb", "database", "MariaDB", 3306, "mysql"),
    ("mysql", "database", "MySQL", 3306, "mysql"),
    ("percona", "database", "Percona Server", 3306, "mysql"),
    ("mongo", "database", "MongoDB", 27017, "mongodb"),
    ("cockroach", "database", "CockroachDB", 26257, "postgres"),
    ("cassandra", "database", "Cassandra", 9042, "cql"),
    ("scylla", "database", "ScyllaDB", 9042, "cql"),
    ("clickhouse", "database", "ClickHouse", 8123, "http"),
    ("couchdb", "database", "CouchDB", 5984, "http"),
    ("neo4j", "database", "Neo4j", 7687, "bolt"),
    ("influxdb", "database", "InfluxDB", 8086, "http"),
    ("elasticsearch", "database", "Elasticsearch", 9200, "http"),
    ("opensearch", "database", "OpenSearch", 9200, "http"),
    ("mssql", "database", "SQL Server", 1433, "tds"),
    ("azure-sql-edge", "database", "Azure SQL Edge", 1433, "tds"),
    ("oracle-xe", "database", "Oracle Database", 1521, "tns"),
    ("oracle-free", "database", "Oracle Database", 1521, "tns"),
    ("yugabyte", "database", "YugabyteDB", 5433, "postgres"),
    ("arangodb", "database", "ArangoDB", 8529, "http"),
    ("rethinkdb", "database", "RethinkDB", 28015, "tcp"),
    ("surrealdb", "database", "SurrealDB", 8000, "http"),
    ("dynamodb-local", "database", "DynamoDB Local", 8000, "http"),
    ("questdb", "database", "QuestDB", 8812, "postgres"),
    ("memgraph", "database", "Memgraph", 7687, "bolt"),
    ("meilisearch", "database", "Meilisearch", 7700, "http"),
    ("typesense", "database", "Typesense", 8108, "http"),
    ("solr", "database", "Solr", 8983, "http"),
    ("redis", "cache", "Redis", 6379, "redis"),
    ("valkey", "cache", "Valkey", 6379, "redis"),
    ("keydb", "cache", "KeyDB", 6379, "redis"),
    ("dragonfly", "cache", "Dragonfly", 6379, "redis"),
    ("memcached", "cache", "Memcached", 11211, "memcache"),
    ("varnish", "cache", "Varnish", 80, "http"),
    ("rabbitmq", "queue", "RabbitMQ", 5672, "amqp"),
    ("kafka", "queue", "Kafka", 9092, "kafka"),
    ("redpanda", "queue", "Redpanda", 9092, "kafka"),
    ("nats", "queue", "NATS", 4222, "nats"),
    ("activemq", "queue", "ActiveMQ", 61616, "openwire"),
    ("pulsar", "queue", "Pulsar", 6650, "pulsar"),
    ("zookeeper", "other", "ZooKeeper", 2181, "zookeeper"),
    ("etcd", "other", "etcd", 2379, "grpc"),
    ("minio", "object_storage", "MinIO", 9000, "http"),
    ("prometheus", "monitoring", "Prometheus", 9090, "http"),
    ("grafana", "monitoring", "Grafana", 3000, "http"),
    ("alertmanager", "monitoring", "Alertmanager", 9093, "http"),
    ("loki", "monitoring", "Loki", 3100, "http"),
    ("jaeger", "monitoring", "Jaeger", 16686, "http"),
    ("zipkin", "monitoring", "Zipkin", 9411, "http"),
    ("uptime-kuma", "monitoring", "Uptime Kuma", 3001, "http"),
];

/// Images that run beside others and report to monitoring.
const AGENTS: &[(&str, &str)] = &[
    ("node-exporter", "node_exporter"),
    ("node_exporter", "node_exporter"),
    ("cadvisor", "cAdvisor"),
    ("promtail", "Promtail"),
    ("fluent-bit", "Fluent Bit"),
    ("fluentd", "Fluentd"),
    ("datadog/agent", "Datadog Agent"),
    ("otel/opentelemetry-collector", "OpenTelemetry Collector"),
    ("telegraf", "Telegraf"),
    ("-exporter", "exporter"),
    ("_exporter", "exporter"),
];

/// Web consoles for operators (a database's or a broker's admin UI): checked before the
/// images they are named after, so `mongo-express` is not taken for MongoDB.
const ADMIN_UIS: &[(&str, &str)] = &[
    ("mongo-express", "mongo-express"),
    ("redis-commander", "Redis Commander"),
    ("redisinsight", "RedisInsight"),
    ("kafka-ui", "Kafka UI"),
    ("kafdrop", "Kafdrop"),
    ("akhq", "AKHQ"),
    ("pgadmin", "pgAdmin"),
    ("adminer", "Adminer"),
    ("phpmyadmin", "phpMyAdmin"),
    ("portainer", "Portainer"),
    ("mailhog", "MailHog"),
    ("mailpit", "Mailpit"),
];

/// The image's name without registry, tag or digest: `docker.io/library/postgres:16` →
/// `library/postgres`.
#[must_use]
pub fn image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let mut parts: Vec<&str> = no_digest.split('/').collect();
    if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        parts.remove(0); // a registry host
    }
    let last = parts.pop().unwrap_or("");
    let last = last.split(':').next().unwrap_or(last);
    parts.push(last);
    parts.join("/").to_ascii_lowercase()
}

/// Whether a service only generates test traffic (Locust, k6, JMeter, Gatling, a
/// `loadgenerator`): a stand-in for users, not part of the design.
#[must_use]
pub fn is_load_generator(image: Option<&str>, name: &str) -> bool {
    let img = image.map(image_name).unwrap_or_default();
    let lname = name.to_ascii_lowercase();
    let by_name = [
        "loadgenerator",
        "load-generator",
        "load_generator",
        "loadgen",
        "locust",
    ]
    .iter()
    .any(|w| lname.contains(w));
    let last = img.rsplit('/').next().unwrap_or("");
    let by_image = [
        "locust",
        "grafana/k6",
        "jmeter",
        "gatling",
        "load-generator",
        "loadgenerator",
    ]
    .iter()
    .any(|w| img.contains(w))
        || last == "k6"
        || last.starts_with("k6:");
    by_name || by_image
}

/// Whether an image's own name (after its repository path) begins with software archdoc
/// knows: `postgres-custom` does, `etl-kafka` does not.
#[must_use]
pub fn starts_with_known_software(image: &str) -> bool {
    let img = image_name(image);
    let last = img.rsplit('/').next().unwrap_or("");
    IMAGES.iter().any(|(frag, ..)| last.starts_with(frag))
        || AGENTS.iter().any(|(frag, _)| last.starts_with(frag))
}

/// What a service is, from its image, its name and its command.
#[must_use]
pub fn guess(image: Option<&str>, name: &str, command: &str) -> Guess {
    let img = image.map(image_name).unwrap_or_default();
    let cmd = command.to_ascii_lowercase();
    let lname = name.to_ascii_lowercase();
    if let Some((_, sw)) = AGENTS.iter().find(|(frag, _)| img.contains(frag)) {
        return Guess {
            kind: "monitoring",
            software: Some(sw),
            port: None,
            protocol: None,
            agent: true,
        };
    }
    if let Some((_, sw)) = ADMIN_UIS.iter().find(|(frag, _)| img.contains(frag)) {
        return Guess {
            kind: "other",
            software: Some(sw),
            port: None,
            protocol: Some("http"),
            agent: false,
        };
    }
    // A worker runs the application's image with a worker command, or says so in its name.
    let worker_words = [
        "celery",
        "sidekiq",
        "rq worker",
        "worker",
        "consumer",
        "beat",
        "resque",
        "dramatiq",
        "huey",
    ];
    let is_worker = worker_words.iter().any(|w| cmd.contains(w))
        || [
            "worker",
            "consumer",
            "celery",
            "sidekiq",
            "scheduler",
            "beat",
            "cron",
        ]
        .iter()
        .any(|w| lname.contains(w));
    let last = img.rsplit('/').next().unwrap_or("").to_owned();
    if let Some(&(_, kind, sw, port, proto)) = IMAGES
        .iter()
        .find(|(frag, ..)| last.contains(frag))
        .or_else(|| IMAGES.iter().find(|(frag, ..)| img.contains(frag)))
        && !(is_worker && matches!(kind, "web_server" | "load_balancer"))
    {
        return Guess {
            kind,
            software: Some(sw),
            port: Some(port),
            protocol: Some(proto),
            agent: false,
        };
    }
    if is_worker {
        let sw = if cmd.contains("celery") || lname.contains("celery") {
            Some("Celery")
        } else if cmd.contains("sidekiq") || lname.contains("sidekiq") {
            Some("Sidekiq")
        } else {
            None
        };
        return Guess {
            kind: "worker",
            software: sw,
            port: None,
            protocol: None,
            agent: false,
        };
    }
    // By the service's name, when the image says nothing.
    for (word, kind, port, proto) in [
        ("postgres", "database", 5432, "postgres"),
        ("mysql", "database", 3306, "mysql"),
        ("mongo", "database", 27017, "mongodb"),
        ("redis", "cache", 6379, "redis"),
        ("rabbit", "queue", 5672, "amqp"),
        ("kafka", "queue", 9092, "kafka"),
        ("nginx", "web_server", 80, "http"),
        ("proxy", "web_server", 80, "http"),
    ] {
        if lname.contains(word) {
            return Guess {
                kind,
                software: None,
                port: Some(port),
                protocol: Some(proto),
                agent: false,
            };
        }
    }
    Guess {
        kind: "app_server",
        software: None,
        port: None,
        protocol: Some("http"),
        agent: false,
    }
}

/// A connection target read from a URL or a host variable: the host name, and the port and
/// scheme when written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host name (a service name, in Compose and Kubernetes).
    pub host: String,
    /// The port, when written.
    pub port: Option<u16>,
    /// The URL scheme, normalised (`postgresql` → `postgres`).
    pub scheme: Option<String>,
}

/// The host an environment variable's value points at: a URL (`postgres://u:p@db:5432/x`),
/// or, for a variable whose name ends in `_HOST`, `_HOSTNAME`, `_SERVER` or `_ADDR`, a bare
/// `host[:port]`.
#[must_use]
pub fn env_target(key: &str, value: &str) -> Option<Target> {
    let value = value.trim();
    if let Some((scheme, rest)) = value.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        // `jdbc:postgresql://…` names the database after `jdbc:`.
        let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme).to_owned();
        let scheme = scheme.split('+').next().unwrap_or(&scheme).to_owned();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let hostport = authority.rsplit('@').next().unwrap_or("");
        // Several hosts (`a:1,b:2`): the first stands for them.
        let hostport = hostport.split(',').next().unwrap_or("");
        let (host, port) = split_host_port(hostport);
        if host.is_empty() {
            return None;
        }
        let scheme = match scheme.as_str() {
            "postgresql" | "postgis" | "pgsql" => "postgres".to_owned(),
            "mysql2" | "mariadb" => "mysql".to_owned(),
            "mongodb" | "mongodb+srv" => "mongodb".to_owned(),
            "amqps" | "amqp" => scheme.clone(),
            s => s.to_owned(),
        };
        return Some(Target {
            host: host.to_owned(),
            port,
            scheme: Some(scheme),
        });
    }
    if let Some(t) = connection_string_target(value) {
        return Some(t);
    }
    let k = key.to_ascii_uppercase();
    if [
        "_HOST",
        "_HOSTNAME",
        "_SERVER",
        "_ADDR",
        "_ADDRESS",
        "_SERVICE",
    ]
    .iter()
    .any(|s| k.ends_with(s))
        && !value.is_empty()
        && !value.contains(char::is_whitespace)
    {
        let (host, port) = split_host_port(value);
        if !host.is_empty() {
            return Some(Target {
                host: host.to_owned(),
                port,
                scheme: None,
            });
        }
    }
    None
}

/// The server of an ADO.NET-style connection string (`Host=db;Port=5432;Username=…`,
/// `Server=db,1433;…`, `Data Source=db;…`).
fn connection_string_target(value: &str) -> Option<Target> {
    if !value.contains('=') || !value.contains(';') {
        return None;
    }
    let mut host = None;
    let mut port = None;
    for part in value.split(';') {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        match k.as_str() {
            "host" | "server" | "data source" | "address" | "addr" | "hostname" => {
                let v = v.strip_prefix("tcp:").unwrap_or(v);
                let (h, p) = match v.split_once(',') {
                    Some((h, p)) => (h, p.trim().parse().ok()),
                    None => split_host_port(v),
                };
                host = Some(h.trim().to_owned());
                port = port.or(p);
            }
            "port" => port = v.parse().ok().or(port),
            _ => {}
        }
    }
    let host = host.filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))?;
    Some(Target {
        host,
        port,
        scheme: None,
    })
}

fn split_host_port(s: &str) -> (&str, Option<u16>) {
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, p.parse().ok()),
        _ => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_read_by_their_name() {
        assert_eq!(
            image_name("docker.io/library/postgres:16-alpine"),
            "library/postgres"
        );
        assert_eq!(image_name("bitnami/redis@sha256:abc"), "bitnami/redis");
        assert_eq!(guess(Some("postgres:16"), "db", "").kind, "database");
        assert_eq!(guess(Some("redis:7"), "cache", "").kind, "cache");
        assert_eq!(guess(Some("nginx:1.27"), "proxy", "").kind, "web_server");
        assert_eq!(guess(Some("traefik:v3"), "edge", "").kind, "load_balancer");
        assert_eq!(
            guess(Some("example/app:1"), "worker", "celery -A app worker").kind,
            "worker"
        );
        assert_eq!(
            guess(Some("example/app:1"), "web", "gunicorn app").kind,
            "app_server"
        );
        assert!(guess(Some("prom/node-exporter"), "ne", "").agent);
    }

    #[test]
    fn connection_urls_name_their_host() {
        let t = env_target("DATABASE_URL", "postgresql://app:secret@db:5432/app").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.scheme.as_deref()),
            ("db", Some(5432), Some("postgres"))
        );
        let t = env_target("REDIS_HOST", "cache").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("cache", None));
        assert_eq!(env_target("DEBUG", "true"), None);
        assert_eq!(env_target("GREETING_HOST", "two words"), None);
        // ADO.NET and JDBC connection strings.
        let t = env_target(
            "DB_CONNECTION_STRING",
            "Host=postgresql;Username=otelu;Password=otelp;Database=otel",
        )
        .unwrap();
        assert_eq!((t.host.as_str(), t.port), ("postgresql", None));
        let t = env_target("ConnectionStrings__Db", "Server=tcp:sql,1433;Database=x;").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("sql", Some(1433)));
        let t = env_target("SPRING_DATASOURCE_URL", "jdbc:postgresql://pg:5432/app").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.scheme.as_deref()),
            ("pg", Some(5432), Some("postgres"))
        );
        assert_eq!(env_target("JAVA_OPTS", "-Xmx=1g;-Dx=y"), None);
    }

    #[test]
    fn load_generators_are_told_apart() {
        assert!(is_load_generator(Some("locustio/locust:2.20"), "traffic"));
        assert!(is_load_generator(Some("grafana/k6:0.49"), "smoke"));
        assert!(is_load_generator(Some("example/app:1"), "loadgenerator"));
        assert!(!is_load_generator(Some("example/app:1"), "frontend"));
        assert!(!is_load_generator(Some("nginx:1.27"), "loader-api"));
    }
}
