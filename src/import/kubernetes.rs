//! Kubernetes manifests → archdoc.

use super::draft::{Draft, SourceFile};
use crate::model::{Limits, ModelError};

/// Builds the draft from Kubernetes manifests.
///
/// # Errors
/// A file is not valid YAML.
pub fn import(sources: &[SourceFile], _limits: &Limits) -> Result<Draft, Box<ModelError>> {
    Err(Box::new(ModelError::file(
        "import::unsupported",
        &sources[0].display,
        "not yet".to_owned(),
    )))
}
