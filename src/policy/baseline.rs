//! Baselines: the findings a repository already had, so CI fails only on new ones.
//!
//! A finding matches a baseline entry by fingerprint (rule, file, element and a rule-specific
//! discriminator; never a line number or the message). A single point of failure that now
//! breaks a journey its entry did not list is new for that journey; one that breaks fewer
//! journeys than before is an improvement and stays baselined. The file is sorted and has no
//! timestamps, so regenerating it with nothing changed gives no diff.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::lint::Finding;
use crate::model::ModelError;
use crate::report::ModelReport;

/// One known finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The model file.
    pub file: String,
    /// The rule.
    pub rule: String,
    /// The element ("" for the model).
    pub element: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The journeys it broke (single points of failure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub journeys: Vec<String>,
    /// What it said, for the reader of the file (not used for matching).
    #[serde(default)]
    pub message: String,
}

impl BaselineEntry {
    /// The entry for a finding.
    #[must_use]
    pub fn of(f: &Finding) -> Self {
        let mut journeys = f.journeys.clone();
        journeys.sort();
        Self {
            file: f.file.clone(),
            rule: f.rule.to_owned(),
            element: f.element.clone(),
            fingerprint: f.fingerprint.clone(),
            journeys,
            message: f.message.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<BaselineEntry>,
}

/// A set of known findings.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// The entries, sorted.
    pub entries: Vec<BaselineEntry>,
}

/// What changed against a baseline, beyond the findings themselves.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Entries no finding matches any more: fixed.
    pub resolved: Vec<BaselineEntry>,
    /// Entries whose finding is now accepted by an `ignore:` entry.
    pub newly_suppressed: Vec<BaselineEntry>,
}

impl Baseline {
    /// A baseline of the active findings of `reports`.
    #[must_use]
    pub fn of(reports: &[ModelReport]) -> Self {
        let mut entries: Vec<BaselineEntry> = reports
            .iter()
            .flat_map(|r| r.findings.iter().chain(&r.baselined))
            .map(BaselineEntry::of)
            .collect();
        entries.sort();
        entries.dedup();
        Self { entries }
    }

    /// The file's text: pretty JSON, sorted, no timestamps.
    #[must_use]
    pub fn to_json(&self) -> String {
        let doc = BaselineFile {
            version: 1,
            findings: self.entries.clone(),
        };
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
        s.push('\n');
        s
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    /// The file cannot be read or is not a baseline.
    pub fn load(path: &Path, display: &str) -> Result<Self, Box<ModelError>> {
        let text =
            crate::model::files::read_bounded_text(path, crate::model::files::MAX_SETTINGS_BYTES)
                .map_err(|e| {
                Box::new(
                    ModelError::file(
                        "baseline::io",
                        display,
                        format!("cannot read the baseline `{display}`: {e}"),
                    )
                    .with_help("write one with `archdoc baseline create`"),
                )
            })?;
        Self::parse(&text, display)
    }

    /// Reads baseline text.
    ///
    /// # Errors
    /// Not a baseline written by `archdoc baseline create`.
    pub fn parse(text: &str, display: &str) -> Result<Self, Box<ModelError>> {
        // Editors on Windows save JSON with a byte-order mark; it is not part of the document.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let source: Arc<str> = Arc::from(text);
        let doc: BaselineFile = serde_json::from_str(text).map_err(|e| {
            let offset =
                crate::model::span::offset_of_line_col(text, e.line() as u64, e.column() as u64);
            Box::new(
                ModelError::at(
                    "baseline::invalid",
                    display,
                    &source,
                    crate::model::Span::new(offset, 0),
                    format!("not an archdoc baseline: {e}"),
                )
                .with_help("write one with `archdoc baseline create`"),
            )
        })?;
        if doc.version != 1 {
            return Err(Box::new(
                ModelError::file(
                    "baseline::version",
                    display,
                    format!(
                        "baseline version {} is not supported (this archdoc reads version 1)",
                        doc.version
                    ),
                )
                .with_help("regenerate it with `archdoc baseline create`"),
            ));
        }
        let mut entries = doc.findings;
        entries.sort();
        Ok(Self { entries })
    }

    /// Moves the findings of `reports` that the baseline knows into their `baselined` list,
    /// and says which entries were fixed or are now suppressed. Only entries of the files in
    /// `reports` are judged.
    pub fn apply(&self, reports: &mut [ModelReport]) -> Comparison {
        let by_fp: BTreeMap<&str, &BaselineEntry> = self
            .entries
            .iter()
            .map(|e| (e.fingerprint.as_str(), e))
            .collect();
        let files: BTreeSet<String> = reports.iter().map(|r| r.file.clone()).collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut suppressed_now: BTreeSet<String> = BTreeSet::new();
        for r in reports.iter_mut() {
            let mut active = Vec::new();
            for mut f in std::mem::take(&mut r.findings) {
                seen.insert(f.fingerprint.clone());
                match by_fp.get(f.fingerprint.as_str()) {
                    Some(e) => {
                        let added: Vec<&String> = f
                            .journeys
                            .iter()
                            .filter(|j| !e.journeys.contains(j))
                            .collect();
                        if added.is_empty() {
                            r.baselined.push(f);
                        } else {
                            let list: Vec<String> =
                                added.iter().map(|j| format!("`{j}`")).collect();
                            f.why.insert(
                                0,
                                format!(
                                    "new since the baseline: it now also breaks {}",
                                    list.join(", ")
                                ),
                            );
                            active.push(f);
                        }
                    }
                    None => active.push(f),
                }
            }
            r.findings = active;
            for f in &r.suppressed {
                if by_fp.contains_key(f.fingerprint.as_str()) {
                    suppressed_now.insert(f.fingerprint.clone());
                }
            }
        }
        let mut cmp = Comparison::default();
        for e in &self.entries {
            if !files.contains(&e.file) || seen.contains(&e.fingerprint) {
                continue;
            }
            if suppressed_now.contains(&e.fingerprint) {
                cmp.newly_suppressed.push(e.clone());
            } else {
                cmp.resolved.push(e.clone());
            }
        }
        cmp
    }
}
