//! The rules, one file each. A rule's doc comment is its documentation.

mod dependency_cycle;
mod missing_firewall;
mod missing_https;
mod missing_monitoring;
mod single_point_of_failure;

pub use dependency_cycle::DependencyCycle;
pub use missing_firewall::MissingFirewall;
pub use missing_https::MissingHttps;
pub use missing_monitoring::MissingMonitoring;
pub use single_point_of_failure::SinglePointOfFailure;
