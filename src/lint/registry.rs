//! Every rule archdoc has, one line each.

use super::Rule;
use super::rules::{
    AdminPortOpen, AvailabilityBelowSlo, DatabaseExposed, DatabaseWithoutReplica, DependencyCycle,
    DivergentData, ExpiredSuppression, ExternalDependency, FirewallBlocksPath, InvalidSuppression,
    JourneyBroken, ManualFailoverOnly, MissingFirewall, MissingHealthChecks, MissingHttps,
    MissingMonitoring, ModelInconsistency, MonitoringSingleInstance, PlaintextBehindTls,
    PlaintextProtocol, PoolMemberCannotServe, ReplicasShareFailureDomain, SharedFatePair,
    SingleBackendPool, SinglePointOfFailure, SingleRegion, StaleReadRisk, TlsNotOnPath,
    UnreachableComponent, UnspecifiedBehaviour, UnusedSuppression,
};

/// All rules, in the order they run and are listed.
pub static ALL: &[&dyn Rule] = &[
    &SinglePointOfFailure,
    &JourneyBroken,
    &DivergentData,
    &ExternalDependency,
    &SingleRegion,
    &PoolMemberCannotServe,
    &AvailabilityBelowSlo,
    &SharedFatePair,
    &MissingHttps,
    &TlsNotOnPath,
    &PlaintextBehindTls,
    &PlaintextProtocol,
    &MissingFirewall,
    &FirewallBlocksPath,
    &DatabaseExposed,
    &AdminPortOpen,
    &MissingMonitoring,
    &MonitoringSingleInstance,
    &MissingHealthChecks,
    &SingleBackendPool,
    &DatabaseWithoutReplica,
    &ManualFailoverOnly,
    &ReplicasShareFailureDomain,
    &DependencyCycle,
    &StaleReadRisk,
    &UnreachableComponent,
    &UnspecifiedBehaviour,
    &ModelInconsistency,
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
