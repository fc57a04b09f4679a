//! Every rule archdoc has, one line each.

use super::Rule;
use super::rules::{
    DependencyCycle, MissingFirewall, MissingHttps, MissingMonitoring, SinglePointOfFailure,
};

/// All rules, in the order they run and are listed.
pub static ALL: &[&dyn Rule] = &[
    &SinglePointOfFailure,
    &MissingHttps,
    &MissingFirewall,
    &MissingMonitoring,
    &DependencyCycle,
];

/// The rule with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().id == id)
}
