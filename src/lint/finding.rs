//! A finding: what a rule says about one element, with its place in the YAML.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Category;
use crate::model::Span;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be fixed.
    Warning,
    /// Must be fixed; fails `archdoc check` by default.
    Error,
}

impl Severity {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding of one rule about one element.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// The rule's category.
    pub category: Category,
    /// How serious it is.
    pub severity: Severity,
    /// The id of the component or host it is about ("" for the whole model).
    pub element: String,
    /// The journeys it breaks (single points of failure), by name.
    pub journeys: Vec<String>,
    /// What is wrong, in one line.
    pub message: String,
    /// The chain of reasons, from the journey down to the element.
    pub why: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The model file.
    pub file: String,
    /// Where in the file.
    pub span: Span,
    /// 1-based line of `span`.
    pub line: usize,
    /// 1-based column (in characters) of `span`.
    pub column: usize,
    /// A rule-specific string that tells two findings of one rule on one element apart.
    pub discriminator: String,
    /// Stable identity across runs: rule + file + element + discriminator, never positions.
    pub fingerprint: String,
    /// The reason of the model's `ignore:` entry that accepts this finding, if one does.
    pub suppressed: Option<String>,
}

impl Finding {
    /// Sets the severity.
    pub fn severity(&mut self, s: Severity) -> &mut Self {
        self.severity = s;
        self
    }
    /// Sets the journeys.
    pub fn journeys(&mut self, j: Vec<String>) -> &mut Self {
        self.journeys = j;
        self
    }
    /// Sets the why-chain.
    pub fn why(&mut self, w: Vec<String>) -> &mut Self {
        self.why = w;
        self
    }
    /// Sets the help line.
    pub fn help(&mut self, h: impl Into<String>) -> &mut Self {
        self.help = Some(h.into());
        self
    }
    /// Sets the discriminator.
    pub fn discriminator(&mut self, d: impl Into<String>) -> &mut Self {
        self.discriminator = d.into();
        self
    }
}

/// The fingerprint of a finding: a SHA-256 over rule, file, element and discriminator,
/// truncated to 32 hex digits. Lines and messages are left out so that it survives edits.
#[must_use]
pub fn fingerprint(rule: &str, file: &str, element: &str, discriminator: &str) -> String {
    let mut h = Sha256::new();
    for part in ["archdoc-fp/v1", rule, file, element, discriminator] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}
