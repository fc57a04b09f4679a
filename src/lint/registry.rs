//! Every rule archdoc has, one line each.

use super::Rule;
use super::rules::{
    DatabaseExposed, DatabaseWithoutReplica, DependencyCycle, ManualFailoverOnly, MissingFirewall,
    MissingHealthChecks, MissingHttps, MissingMonitoring, MonitoringSingleInstance,
    PlaintextBehindTls, ReplicasShareFailureDomain, SingleBackendPool, SinglePointOfFailure,
    UnreachableComponent,
};

/// All rules, in the order they run and are listed.
pub static ALL: &[&dyn Rule] = &[
    &SinglePointOfFailure,
    &MissingHttps,
    &PlaintextBehindTls,
    &MissingFirewall,
    &DatabaseExposed,
    &MissingMonitoring,
    &MonitoringSingleInstance,
    &MissingHealthChecks,
    &SingleBackendPool,
    &DatabaseWithoutReplica,
    &ManualFailoverOnly,
    &ReplicasShareFailureDomain,
    &DependencyCycle,
    &UnreachableComponent,
];

/// The rule with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}
