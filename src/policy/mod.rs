//! What a team decides about findings, applied after the rules ran: the configuration
//! (`archdoc.yaml`: rules on or off, severities, overrides by file or element glob) and the
//! baseline (findings already known, so CI fails only on new ones). Suppressions written in the
//! model belong to the lint engine, which reports on them too.

pub mod baseline;
pub mod config;
mod glob;

pub use baseline::{Baseline, BaselineEntry};
pub use config::{Config, ConfigCache, NavEntry};
pub use glob::glob_match;
