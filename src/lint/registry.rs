//! Every rule archdoc has, one line each.

use super::Rule;
use super::rules::{
    AvailabilityBelowSlo, DatabaseExposed, DatabaseWithoutReplica, DependencyCycle,
    ExpiredSuppression, InvalidSuppression, ManualFailoverOnly, MissingFirewall,
    MissingHealthChecks, MissingHttps, MissingMonitoring, MonitoringSingleInstance,
    PlaintextBehindTls, ReplicasShareFailureDomain, SharedFatePair, SingleBackendPool,
    SinglePointOfFailure, UnreachableComponent, UnusedSuppression,
};

/// All rules, in the order they run and are listed.
pub static ALL: &[&dyn Rule] = &[
    &SinglePointOfFailure,
    &AvailabilityBelowSlo,
    &SharedFatePair,
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
    &InvalidSuppression,
    &ExpiredSuppression,
    // Last: it looks at what every other rule found.
    &UnusedSuppression,
];

/// The rule with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}
