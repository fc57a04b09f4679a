//! The rules, one file each. A rule's doc comment is its documentation.

mod database_exposed;
mod database_without_replica;
mod dependency_cycle;
mod expired_suppression;
mod invalid_suppression;
mod manual_failover_only;
mod missing_firewall;
mod missing_health_checks;
mod missing_https;
mod missing_monitoring;
mod monitoring_single_instance;
mod plaintext_behind_tls;
mod replicas_share_failure_domain;
mod single_backend_pool;
mod single_point_of_failure;
mod unreachable_component;
mod unused_suppression;

pub use database_exposed::DatabaseExposed;
pub use database_without_replica::DatabaseWithoutReplica;
pub use dependency_cycle::DependencyCycle;
pub use expired_suppression::ExpiredSuppression;
pub use invalid_suppression::InvalidSuppression;
pub use manual_failover_only::ManualFailoverOnly;
pub use missing_firewall::MissingFirewall;
pub use missing_health_checks::MissingHealthChecks;
pub use missing_https::MissingHttps;
pub use missing_monitoring::MissingMonitoring;
pub use monitoring_single_instance::MonitoringSingleInstance;
pub use plaintext_behind_tls::PlaintextBehindTls;
pub use replicas_share_failure_domain::ReplicasShareFailureDomain;
pub use single_backend_pool::SingleBackendPool;
pub use single_point_of_failure::SinglePointOfFailure;
pub use unreachable_component::UnreachableComponent;
pub use unused_suppression::UnusedSuppression;
