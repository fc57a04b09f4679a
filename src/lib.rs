//! archdoc: describe web infrastructure once, as a YAML model; lint it, draw it, document it.
pub mod analysis;
pub mod diff;
pub mod editor;
pub mod escape;
pub mod graph;
pub mod import;
pub mod lint;
pub mod model;
pub mod policy;
pub mod render;
pub mod report;
pub mod site;
pub use model::Model;
