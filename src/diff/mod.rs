//! What a change does to an architecture: the elements added, removed, renamed or changed
//! (with the fields that changed), the findings it adds and resolves, and the journeys whose
//! redundancy moved. This is what a reviewer wants in a pull request instead of a YAML diff.
//!
//! Findings are matched by rule, element and the rule's discriminator (the fingerprint without
//! the file name, so two files can be compared), with renamed elements followed; a single
//! point of failure that breaks a journey it did not break before is new for that journey.

mod render;

pub use render::{COMMENT_MARKER, human, json, markdown, markdown_with, verdict};

use std::collections::{BTreeMap, BTreeSet};

use crate::Model;
use crate::lint::Finding;
use crate::model::{Component, LinkOrigin};
use crate::report::ModelReport;

/// Whether an element was added, removed, renamed or changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the new model.
    Added,
    /// Gone from the new model.
    Removed,
    /// The same element under a new id (`from` is the old id).
    Renamed {
        /// The old id.
        from: String,
    },
    /// Some fields differ.
    Changed,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    /// The field's name in the YAML.
    pub field: String,
    /// Its old value ("" when not written).
    pub old: String,
    /// Its new value ("" when not written).
    pub new: String,
}

/// One element that changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// `component`, `host`, `domain`, `link`, `journey` or `model`.
    pub element: &'static str,
    /// The element's id (for a link, `from → to`).
    pub id: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The fields that differ (for a changed or renamed element).
    pub fields: Vec<FieldChange>,
}

/// A finding, as the diff reports it.
#[derive(Debug, Clone)]
pub struct DiffFinding {
    /// The finding (from the new model, or from the old one when resolved).
    pub finding: Finding,
    /// For a single point of failure that was one before: the journeys it breaks now and did
    /// not break before.
    pub newly_broken: Vec<String>,
}

/// How a journey's single points of failure moved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RedundancyChange {
    /// The journey.
    pub journey: String,
    /// Elements whose loss alone now breaks it, and did not before.
    pub now_single: Vec<String>,
    /// Elements whose loss alone broke it before, and no longer does.
    pub no_longer_single: Vec<String>,
}

/// The comparison of one model with its new version.
#[derive(Debug, Clone)]
pub struct ModelDiff {
    /// The old file, when there was one.
    pub old_file: Option<String>,
    /// The new file, when there is one.
    pub new_file: Option<String>,
    /// The system's name (new, else old).
    pub name: String,
    /// Element changes.
    pub changes: Vec<Change>,
    /// Findings the change adds.
    pub new_findings: Vec<DiffFinding>,
    /// Findings the change resolves.
    pub resolved: Vec<Finding>,
    /// Findings on both sides.
    pub unchanged: Vec<Finding>,
    /// Journeys whose single points of failure changed.
    pub redundancy: Vec<RedundancyChange>,
    /// Journeys whose availability changed: name, before and after (percent).
    pub availability: Vec<(String, f64, f64)>,
    /// The new model's availability target (percent), when it states one.
    pub slo: Option<f64>,
    /// Mermaid diagrams before and after.
    pub mermaid: (Option<String>, Option<String>),
    /// Whether the model moved to another file (matched by its name).
    pub renamed: bool,
}

impl ModelDiff {
    /// Whether the model was added, removed, or compared.
    #[must_use]
    pub fn status(&self) -> &'static str {
        if self.renamed {
            return "renamed";
        }
        match (&self.old_file, &self.new_file) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a != b => "compared",
            _ => "modified",
        }
    }
}

/// The whole comparison.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// One entry per model, in path order.
    pub models: Vec<ModelDiff>,
}

impl Diff {
    /// All new findings.
    pub fn new_findings(&self) -> impl Iterator<Item = &DiffFinding> {
        self.models.iter().flat_map(|m| &m.new_findings)
    }
    /// All resolved findings.
    pub fn resolved(&self) -> impl Iterator<Item = &Finding> {
        self.models.iter().flat_map(|m| &m.resolved)
    }
}

fn snake(debug: String) -> String {
    let mut out = String::with_capacity(debug.len() + 4);
    for (i, ch) in debug.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn opt<T: std::fmt::Debug>(v: Option<T>) -> String {
    v.map(|x| snake(format!("{x:?}"))).unwrap_or_default()
}

fn ids(m: &Model, list: &[usize]) -> String {
    let v: Vec<&str> = list.iter().map(|&i| m.components[i].id.as_str()).collect();
    if v.is_empty() {
        String::new()
    } else {
        format!("[{}]", v.join(", "))
    }
}

fn endpoint(e: &crate::model::Endpoint) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &e.protocol {
        parts.push(p.clone());
    }
    if let Some(p) = e.port {
        parts.push(format!(":{p}"));
    }
    if let Some(t) = e.tls {
        parts.push(if t {
            "tls".to_owned()
        } else {
            "no tls".to_owned()
        });
    }
    parts.join(" ")
}

/// A component's fields as text, for comparison (the id is not a field).
fn component_fields(m: &Model, c: &Component) -> BTreeMap<&'static str, String> {
    let mut f = BTreeMap::new();
    f.insert("kind", c.kind.as_str().to_owned());
    f.insert("label", c.label.clone().unwrap_or_default());
    f.insert("software", c.software.clone().unwrap_or_default());
    f.insert(
        "host",
        c.host.map(|h| m.hosts[h].id.clone()).unwrap_or_default(),
    );
    f.insert("pool", ids(m, &c.pool));
    f.insert("algorithm", opt(c.algorithm));
    f.insert(
        "mode",
        if c.pool.is_empty() {
            String::new()
        } else {
            snake(format!("{:?}", c.mode))
        },
    );
    f.insert("health_checks", opt(c.health_checks));
    f.insert("backend", endpoint(&c.backend));
    f.insert("members", ids(m, &c.members));
    f.insert("role", opt(c.role));
    f.insert(
        "replica_of",
        c.replica_of
            .map(|r| m.components[r].id.clone())
            .unwrap_or_default(),
    );
    f.insert("replication", opt(c.replication));
    let failover_matters =
        !c.members.is_empty() || c.kind == crate::model::Kind::Database && c.replica_of.is_none();
    f.insert(
        "failover",
        if failover_matters {
            snake(format!("{:?}", c.failover))
        } else {
            String::new()
        },
    );
    let records: Vec<String> = c
        .records
        .iter()
        .map(|r| {
            format!(
                "{} {} -> {}",
                r.record_type.as_str(),
                r.name,
                m.components[r.target].id
            )
        })
        .collect();
    f.insert("records", records.join("; "));
    f.insert(
        "allow",
        c.allow
            .as_ref()
            .map(|a| {
                format!(
                    "[{}]",
                    a.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
                )
            })
            .unwrap_or_default(),
    );
    f.insert(
        "reports_to",
        c.reports_to
            .map(|r| m.components[r].id.clone())
            .unwrap_or_default(),
    );
    let monitors: Vec<String> = c
        .monitors
        .iter()
        .map(|t| match *t {
            crate::model::MonitorTarget::Host(h) => m.hosts[h].id.clone(),
            crate::model::MonitorTarget::Component(x) => m.components[x].id.clone(),
        })
        .collect();
    f.insert("monitors", monitors.join(", "));
    f.insert("certificate", c.certificate.clone().unwrap_or_default());
    f.insert("backup", opt(c.backup));
    f
}

fn field_changes(
    old: &BTreeMap<&'static str, String>,
    new: &BTreeMap<&'static str, String>,
) -> Vec<FieldChange> {
    let keys: BTreeSet<&&str> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                old.get(*k).cloned().unwrap_or_default(),
                new.get(*k).cloned().unwrap_or_default(),
            );
            (a != b).then(|| FieldChange {
                field: (*k).to_owned(),
                old: a,
                new: b,
            })
        })
        .collect()
}

/// Compares keyed element maps, following renames (an element removed and another added
/// with the same fields).
fn compare_elements(
    element: &'static str,
    old: &BTreeMap<String, BTreeMap<&'static str, String>>,
    new: &BTreeMap<String, BTreeMap<&'static str, String>>,
    renames: &mut BTreeMap<String, String>,
    out: &mut Vec<Change>,
) {
    let removed: Vec<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let mut added: Vec<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
    for (id, fields) in new {
        if let Some(before) = old.get(id) {
            let fields = field_changes(before, fields);
            if !fields.is_empty() {
                out.push(Change {
                    element,
                    id: id.clone(),
                    kind: ChangeKind::Changed,
                    fields,
                });
            }
        }
    }
    for r in removed {
        // A renamed element: an added one with the same fields (renames of what it refers to
        // already applied).
        let before = translate(&old[r], renames);
        if let Some(pos) = added.iter().position(|a| new[*a] == before) {
            let to = added.remove(pos);
            renames.insert(r.clone(), to.clone());
            out.push(Change {
                element,
                id: to.clone(),
                kind: ChangeKind::Renamed { from: r.clone() },
                fields: Vec::new(),
            });
        } else {
            out.push(Change {
                element,
                id: r.clone(),
                kind: ChangeKind::Removed,
                fields: Vec::new(),
            });
        }
    }
    for a in added {
        out.push(Change {
            element,
            id: a.clone(),
            kind: ChangeKind::Added,
            fields: Vec::new(),
        });
    }
}

/// Field values with renamed ids replaced by their new ids.
fn translate(
    fields: &BTreeMap<&'static str, String>,
    renames: &BTreeMap<String, String>,
) -> BTreeMap<&'static str, String> {
    fields
        .iter()
        .map(|(k, v)| (*k, translate_value(v, renames)))
        .collect()
}

/// One field value with renamed ids replaced; in lists and records, whole ids only.
fn translate_value(v: &str, renames: &BTreeMap<String, String>) -> String {
    let mut v = v.to_owned();
    for (from, to) in renames {
        if v == *from {
            v = to.clone();
        } else if v.contains(from.as_str()) {
            v = v
                .split_inclusive([',', ' ', '[', ']', ';'])
                .map(|p| {
                    let trimmed = p.trim_end_matches([',', ' ', '[', ']', ';']);
                    if trimmed == from {
                        format!("{to}{}", &p[trimmed.len()..])
                    } else {
                        p.to_owned()
                    }
                })
                .collect();
        }
    }
    v
}

fn hosts_of(m: &Model) -> BTreeMap<String, BTreeMap<&'static str, String>> {
    m.hosts
        .iter()
        .map(|h| {
            let mut f = BTreeMap::new();
            f.insert("label", h.label.clone().unwrap_or_default());
            f.insert(
                "domain",
                h.domain
                    .map(|d| m.domains[d].id.clone())
                    .unwrap_or_default(),
            );
            f.insert("public", opt(h.public));
            (h.id.clone(), f)
        })
        .collect()
}

fn domains_of(m: &Model) -> BTreeMap<String, BTreeMap<&'static str, String>> {
    m.domains
        .iter()
        .map(|d| {
            let mut f = BTreeMap::new();
            f.insert("kind", d.kind.as_str().to_owned());
            f.insert("label", d.label.clone().unwrap_or_default());
            f.insert(
                "parent",
                d.parent
                    .map(|p| m.domains[p].id.clone())
                    .unwrap_or_default(),
            );
            (d.id.clone(), f)
        })
        .collect()
}

fn components_of(m: &Model) -> BTreeMap<String, BTreeMap<&'static str, String>> {
    m.components
        .iter()
        .map(|c| (c.id.clone(), component_fields(m, c)))
        .collect()
}

fn links_of(
    m: &Model,
    renames: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeMap<&'static str, String>> {
    let rename = |id: &str| renames.get(id).cloned().unwrap_or_else(|| id.to_owned());
    m.links
        .iter()
        .filter(|l| l.origin == LinkOrigin::Declared)
        .map(|l| {
            let key = format!(
                "{} → {}",
                rename(&m.components[l.from].id),
                rename(&m.components[l.to].id)
            );
            let mut f = BTreeMap::new();
            f.insert("protocol", l.endpoint.protocol.clone().unwrap_or_default());
            f.insert("port", opt(l.endpoint.port));
            f.insert("tls", opt(l.endpoint.tls));
            f.insert("label", l.label.clone().unwrap_or_default());
            f.insert(
                "optional",
                if l.optional {
                    "true".into()
                } else {
                    String::new()
                },
            );
            f.insert(
                "journeys",
                l.journeys
                    .as_ref()
                    .map(|js| {
                        js.iter()
                            .map(|&j| m.journeys[j].id.clone())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
            );
            (key, f)
        })
        .collect()
}

fn journeys_of(m: &Model) -> BTreeMap<String, BTreeMap<&'static str, String>> {
    m.journeys
        .iter()
        .filter(|j| !j.derived)
        .map(|j| {
            let mut f = BTreeMap::new();
            f.insert("label", j.label.clone().unwrap_or_default());
            f.insert("data", j.data.as_str().to_owned());
            f.insert(
                "entry",
                j.entry
                    .map(|e| m.components[e].id.clone())
                    .unwrap_or_default(),
            );
            (j.id.clone(), f)
        })
        .collect()
}

/// What identifies a finding across two files: rule, element and discriminator, with renamed
/// ids replaced (in discriminators, ids stand between `->` and `:` separators).
fn key(f: &Finding, renames: &BTreeMap<String, String>) -> (String, String, String) {
    let rename = |id: &str| renames.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let discriminator = f
        .discriminator
        .split("->")
        .map(|part| part.split(':').map(rename).collect::<Vec<_>>().join(":"))
        .collect::<Vec<_>>()
        .join("->");
    (f.rule.to_owned(), rename(&f.element), discriminator)
}

/// Compares an old model (if any) with a new one (if any).
#[must_use]
pub fn compare(
    old: Option<(&Model, &ModelReport)>,
    new: Option<(&Model, &ModelReport)>,
) -> ModelDiff {
    let mut changes = Vec::new();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    if let (Some((om, _)), Some((nm, _))) = (old, new) {
        let model_fields = |m: &Model| {
            let mut f = BTreeMap::new();
            f.insert("name", m.name.clone());
            f.insert("slo", m.slo.map(|s| s.to_string()).unwrap_or_default());
            f
        };
        let (a, b) = (model_fields(om), model_fields(nm));
        let fields = field_changes(&a, &b);
        if !fields.is_empty() {
            changes.push(Change {
                element: "model",
                id: nm.name.clone(),
                kind: ChangeKind::Changed,
                fields,
            });
        }
        compare_elements(
            "domain",
            &domains_of(om),
            &domains_of(nm),
            &mut renames,
            &mut changes,
        );
        compare_elements(
            "host",
            &hosts_of(om),
            &hosts_of(nm),
            &mut renames,
            &mut changes,
        );
        // Components refer to hosts: compare with host renames applied, then follow their own.
        let old_components: BTreeMap<String, BTreeMap<&'static str, String>> = components_of(om)
            .into_iter()
            .map(|(k, v)| (k, translate(&v, &renames)))
            .collect();
        compare_elements(
            "component",
            &old_components,
            &components_of(nm),
            &mut renames,
            &mut changes,
        );
        // Fields that only changed because of a rename are not changes.
        changes.retain_mut(|c| {
            if c.kind != ChangeKind::Changed {
                return true;
            }
            c.fields
                .retain(|f| translate_value(&f.old, &renames) != f.new);
            !c.fields.is_empty()
        });
        compare_elements(
            "link",
            &links_of(om, &renames),
            &links_of(nm, &BTreeMap::new()),
            &mut BTreeMap::new(),
            &mut changes,
        );
        compare_elements(
            "journey",
            &journeys_of(om),
            &journeys_of(nm),
            &mut BTreeMap::new(),
            &mut changes,
        );
    }

    // Findings.
    let empty: Vec<Finding> = Vec::new();
    let old_findings = old.map_or(&empty, |(_, r)| &r.findings);
    let new_findings = new.map_or(&empty, |(_, r)| &r.findings);
    let old_by_key: BTreeMap<(String, String, String), &Finding> =
        old_findings.iter().map(|f| (key(f, &renames), f)).collect();
    let new_keys: BTreeSet<(String, String, String)> = new_findings
        .iter()
        .map(|f| key(f, &BTreeMap::new()))
        .collect();
    let mut added = Vec::new();
    let mut unchanged = Vec::new();
    for f in new_findings {
        match old_by_key.get(&key(f, &BTreeMap::new())) {
            Some(before) => {
                let newly: Vec<String> = f
                    .journeys
                    .iter()
                    .filter(|j| !before.journeys.contains(j))
                    .cloned()
                    .collect();
                if newly.is_empty() {
                    unchanged.push(f.clone());
                } else {
                    added.push(DiffFinding {
                        finding: f.clone(),
                        newly_broken: newly,
                    });
                }
            }
            None => added.push(DiffFinding {
                finding: f.clone(),
                newly_broken: Vec::new(),
            }),
        }
    }
    let mut resolved: Vec<Finding> = old_findings
        .iter()
        .filter(|f| !new_keys.contains(&key(f, &renames)))
        .cloned()
        .collect();
    resolved.sort_by_key(|f| {
        (
            f.rule != "single-point-of-failure",
            std::cmp::Reverse(f.severity),
        )
    });
    // Single points of failure first, errors before warnings.
    added.sort_by_key(|d| {
        (
            d.finding.rule != "single-point-of-failure",
            std::cmp::Reverse(d.finding.severity),
        )
    });

    // Journeys whose redundancy moved.
    let mut redundancy = Vec::new();
    if let (Some((_, or)), Some((_, nr))) = (old, new) {
        for nj in &nr.journeys {
            let Some(oj) = or.journeys.iter().find(|j| j.name == nj.name) else {
                continue;
            };
            let before: BTreeSet<String> = oj
                .single_points_of_failure
                .iter()
                .map(|e| renames.get(e).cloned().unwrap_or_else(|| e.clone()))
                .collect();
            let after: BTreeSet<String> = nj.single_points_of_failure.iter().cloned().collect();
            let now_single: Vec<String> = after.difference(&before).cloned().collect();
            let no_longer_single: Vec<String> = before.difference(&after).cloned().collect();
            if !now_single.is_empty() || !no_longer_single.is_empty() {
                redundancy.push(RedundancyChange {
                    journey: nj.name.clone(),
                    now_single,
                    no_longer_single,
                });
            }
        }
    }

    let mut availability = Vec::new();
    if let (Some((_, or)), Some((_, nr))) = (old, new) {
        for nj in &nr.journeys {
            if let Some(oj) = or.journeys.iter().find(|j| j.name == nj.name)
                && (oj.availability - nj.availability).abs() > 1e-9
            {
                availability.push((nj.name.clone(), oj.availability, nj.availability));
            }
        }
    }
    // The diagrams mark what changed: removed in the old one, added in the new one, changed
    // (and renamed, and the source of a changed link) in both.
    use crate::render::mermaid::{Mark, Marks, mermaid_marked};
    let mut before = Marks::new();
    let mut after = Marks::new();
    for c in &changes {
        let element = match c.element {
            "component" => "component",
            "host" => "host",
            "link" => {
                if let Some((from, _)) = c.id.split_once(" → ") {
                    for marks in [&mut before, &mut after] {
                        marks
                            .entry(("component", from.to_owned()))
                            .or_insert(Mark::Changed);
                    }
                }
                continue;
            }
            _ => continue,
        };
        match &c.kind {
            ChangeKind::Added => {
                after.insert((element, c.id.clone()), Mark::Added);
            }
            ChangeKind::Removed => {
                before.insert((element, c.id.clone()), Mark::Removed);
            }
            ChangeKind::Renamed { from } => {
                before.insert((element, from.clone()), Mark::Changed);
                after.insert((element, c.id.clone()), Mark::Changed);
            }
            ChangeKind::Changed => {
                before.insert((element, c.id.clone()), Mark::Changed);
                after.insert((element, c.id.clone()), Mark::Changed);
            }
        }
    }
    let diagram = |m: &Model, marks: &Marks| mermaid_marked(&crate::render::Scene::new(m), marks);
    ModelDiff {
        old_file: old.map(|(m, _)| m.file.clone()),
        new_file: new.map(|(m, _)| m.file.clone()),
        name: new.or(old).map(|(m, _)| m.name.clone()).unwrap_or_default(),
        changes,
        new_findings: added,
        resolved,
        unchanged,
        redundancy,
        availability,
        slo: new.and_then(|(m, _)| m.slo),
        mermaid: (
            old.map(|(m, _)| diagram(m, &before)),
            new.map(|(m, _)| diagram(m, &after)),
        ),
        renamed: false,
    }
}
