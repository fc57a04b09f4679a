//! The diff as text: for a terminal, as JSON, and as Markdown for a pull-request comment
//! (bounded in size however big the change).

use std::fmt::Write as _;

use serde_json::json;

use super::{ChangeKind, Diff, DiffFinding};
use crate::lint::Finding;

/// GitHub refuses comments over 65,536 characters; stay well under.
const MARKDOWN_BUDGET: usize = 60_000;
/// The last line of the Markdown: lets a CI job find its own comment to update it.
pub const COMMENT_MARKER: &str = "<!-- archdoc-diff -->";
/// Rows of a findings table before the rest is summarised.
const MAX_ROWS: usize = 50;

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn is_spof(f: &Finding) -> bool {
    f.rule == "single-point-of-failure"
}

/// The one-line verdict: what the change does to the single points of failure first.
#[must_use]
pub fn verdict(diff: &Diff) -> String {
    let new: Vec<&DiffFinding> = diff.new_findings().collect();
    let resolved: Vec<&Finding> = diff.resolved().collect();
    let new_spofs: Vec<&str> = new
        .iter()
        .filter(|d| is_spof(&d.finding))
        .map(|d| d.finding.element.as_str())
        .collect();
    let resolved_spofs: Vec<&str> = resolved
        .iter()
        .filter(|f| is_spof(f))
        .map(|f| f.element.as_str())
        .collect();
    let names = |v: &[&str]| {
        let shown: Vec<String> = v.iter().take(5).map(|e| format!("`{e}`")).collect();
        let more = if v.len() > 5 {
            format!(" and {} more", v.len() - 5)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    let mut parts = Vec::new();
    if !new_spofs.is_empty() {
        parts.push(format!(
            "adds {} ({})",
            plural(
                new_spofs.len(),
                "single point of failure",
                "single points of failure"
            ),
            names(&new_spofs)
        ));
    }
    if !resolved_spofs.is_empty() {
        parts.push(format!(
            "removes {} ({})",
            plural(
                resolved_spofs.len(),
                "single point of failure",
                "single points of failure"
            ),
            names(&resolved_spofs)
        ));
    }
    if new_spofs.is_empty() && resolved_spofs.is_empty() {
        parts.push("no change to the single points of failure".to_owned());
    }
    let other_new = new.len() - new_spofs.len();
    let other_resolved = resolved.len() - resolved_spofs.len();
    if other_new > 0 {
        parts.push(format!(
            "adds {}",
            plural(other_new, "other finding", "other findings")
        ));
    }
    if other_resolved > 0 {
        parts.push(format!(
            "resolves {}",
            plural(other_resolved, "other finding", "other findings")
        ));
    }
    parts.join(", ")
}

/// What a model's change did, cause first: "removing component `mysql-replica` makes
/// `server-1` and `mysql-primary` single points of failure for `read`, `write`; availability
/// of `read` 99.39% → 98.80%". `None` when its single points of failure did not move.
#[must_use]
pub(super) fn cause_and_effect(m: &super::ModelDiff) -> Option<String> {
    let new_spofs: Vec<&str> = m
        .new_findings
        .iter()
        .filter(|d| is_spof(&d.finding))
        .map(|d| d.finding.element.as_str())
        .collect();
    let resolved_spofs: Vec<&str> = m
        .resolved
        .iter()
        .filter(|f| is_spof(f))
        .map(|f| f.element.as_str())
        .collect();
    if new_spofs.is_empty() && resolved_spofs.is_empty() {
        return None;
    }
    let list = |v: &[&str], max: usize| -> String {
        let shown: Vec<String> = v.iter().take(max).map(|e| format!("`{e}`")).collect();
        let text = match shown.len() {
            0 => String::new(),
            1 => shown[0].clone(),
            n => format!("{} and {}", shown[..n - 1].join(", "), shown[n - 1]),
        };
        if v.len() > max {
            format!("{text} (and {} more)", v.len() - max)
        } else {
            text
        }
    };
    // The cause: what happened to components and hosts, else to links and the rest.
    let verb = |k: &ChangeKind| match k {
        ChangeKind::Added => "adding",
        ChangeKind::Removed => "removing",
        ChangeKind::Renamed { .. } => "renaming",
        ChangeKind::Changed => "changing",
    };
    let main: Vec<&super::Change> = m
        .changes
        .iter()
        .filter(|c| matches!(c.element, "component" | "host"))
        .collect();
    let chosen: Vec<&super::Change> = if main.is_empty() {
        m.changes.iter().collect()
    } else {
        main
    };
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for c in &chosen {
        let key = format!("{} {}", verb(&c.kind), c.element);
        let what = match &c.kind {
            ChangeKind::Changed if !c.fields.is_empty() => {
                let f = &c.fields[0];
                format!(
                    "`{}` ({} {} → {})",
                    c.id,
                    f.field,
                    or_none(&f.old),
                    or_none(&f.new)
                )
            }
            _ => format!("`{}`", c.id),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(what),
            None => groups.push((key, vec![what])),
        }
    }
    let cause: Vec<String> = groups
        .iter()
        .take(2)
        .map(|(key, items)| {
            let key = if items.len() > 1 {
                format!("{key}s")
            } else {
                key.clone()
            };
            let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
            let more = if items.len() > 3 {
                format!(" and {} more", items.len() - 3)
            } else {
                String::new()
            };
            format!("{key} {}{more}", shown.join(", "))
        })
        .collect();
    let cause = if cause.is_empty() {
        "this change".to_owned()
    } else {
        cause.join(" and ")
    };
    // The effect, with the journeys it touches and their availability.
    let journeys_of = |elements: &[&str], now: bool| -> Vec<&str> {
        m.redundancy
            .iter()
            .filter(|r| {
                let list = if now {
                    &r.now_single
                } else {
                    &r.no_longer_single
                };
                list.iter().any(|e| elements.contains(&e.as_str()))
            })
            .map(|r| r.journey.as_str())
            .collect()
    };
    let mut effects = Vec::new();
    let mut touched: Vec<&str> = Vec::new();
    if !new_spofs.is_empty() {
        let journeys = journeys_of(&new_spofs, true);
        let what = if new_spofs.len() == 1 {
            "a single point of failure"
        } else {
            "single points of failure"
        };
        let mut e = format!("makes {} {what}", list(&new_spofs, 5));
        if !journeys.is_empty() {
            let _ = write!(e, " for {}", list(&journeys, 5));
        }
        effects.push(e);
        touched.extend(journeys);
    }
    if !resolved_spofs.is_empty() {
        let journeys = journeys_of(&resolved_spofs, false);
        let mut e = format!(
            "removes the single point of failure {}",
            list(&resolved_spofs, 5)
        );
        if resolved_spofs.len() > 1 {
            e = format!(
                "removes the single points of failure {}",
                list(&resolved_spofs, 5)
            );
        }
        if !journeys.is_empty() {
            let _ = write!(e, " of {}", list(&journeys, 5));
        }
        effects.push(e);
        touched.extend(journeys);
    }
    let mut text = format!("{cause} {}", effects.join(" and "));
    let availability: Vec<String> = m
        .availability
        .iter()
        .filter(|(j, _, _)| touched.is_empty() || touched.contains(&j.as_str()))
        .take(3)
        .map(|(j, before, after)| {
            let below = match m.slo {
                Some(slo) if *after < slo => format!(", below the {slo}% SLO"),
                _ => String::new(),
            };
            format!(
                "availability of `{j}` {} → {}{below}",
                crate::analysis::availability::percent(*before),
                crate::analysis::availability::percent(*after)
            )
        })
        .collect();
    if !availability.is_empty() {
        let _ = write!(text, "; {}", availability.join(", "));
    }
    Some(text)
}

fn or_none(v: &str) -> &str {
    if v.is_empty() { "(none)" } else { v }
}

fn change_line(c: &super::Change) -> String {
    match &c.kind {
        ChangeKind::Added => format!("{} `{}` added", c.element, c.id),
        ChangeKind::Removed => format!("{} `{}` removed", c.element, c.id),
        ChangeKind::Renamed { from } => format!("{} `{from}` renamed to `{}`", c.element, c.id),
        ChangeKind::Changed => {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| {
                    let show = |v: &str| {
                        if v.is_empty() {
                            "(none)".to_owned()
                        } else {
                            v.to_owned()
                        }
                    };
                    format!("{} {} → {}", f.field, show(&f.old), show(&f.new))
                })
                .collect();
            format!("{} `{}`: {}", c.element, c.id, fields.join("; "))
        }
    }
}

fn finding_line(f: &Finding, newly: &[String]) -> String {
    let mut s = format!("{} {}: {}", f.severity.as_str(), f.rule, f.message);
    if !newly.is_empty() {
        let list: Vec<String> = newly.iter().map(|j| format!("`{j}`")).collect();
        let _ = write!(s, " (now also breaks {})", list.join(", "));
    }
    s
}

/// The diff for a terminal.
#[must_use]
pub fn human(diff: &Diff) -> String {
    let mut out = format!("archdoc diff: {}\n", verdict(diff));
    for m in &diff.models {
        let file = m
            .new_file
            .as_deref()
            .or(m.old_file.as_deref())
            .unwrap_or("");
        let _ = writeln!(out, "\n{file} ({}, {})", m.name, m.status());
        if m.status() == "compared" {
            let _ = writeln!(
                out,
                "  compared with {}",
                m.old_file.as_deref().unwrap_or("")
            );
        }
        for d in &m.new_findings {
            let _ = writeln!(
                out,
                "  + {}:{}: {}",
                d.finding.file,
                d.finding.line,
                finding_line(&d.finding, &d.newly_broken)
            );
            for w in &d.finding.why {
                let _ = writeln!(out, "      why: {w}");
            }
        }
        for f in &m.resolved {
            let _ = writeln!(out, "  - resolved: {}", finding_line(f, &[]));
        }
        for r in &m.redundancy {
            let _ = writeln!(out, "  journey `{}`: {}", r.journey, redundancy_text(r));
        }
        for (j, a, b) in &m.availability {
            let _ = writeln!(
                out,
                "  journey `{j}`: availability {} → {}",
                crate::analysis::availability::percent(*a),
                crate::analysis::availability::percent(*b)
            );
        }
        for c in &m.changes {
            let _ = writeln!(out, "  * {}", change_line(c));
        }
        if !m.unchanged.is_empty() {
            let _ = writeln!(
                out,
                "  {} unchanged",
                plural(m.unchanged.len(), "finding", "findings")
            );
        }
    }
    out
}

fn redundancy_text(r: &super::RedundancyChange) -> String {
    let mut parts = Vec::new();
    if !r.now_single.is_empty() {
        let v: Vec<String> = r.now_single.iter().map(|e| format!("`{e}`")).collect();
        parts.push(format!("now fails when any one of {} fails", v.join(", ")));
    }
    if !r.no_longer_single.is_empty() {
        let v: Vec<String> = r
            .no_longer_single
            .iter()
            .map(|e| format!("`{e}`"))
            .collect();
        parts.push(format!("survives the loss of {}", v.join(", ")));
    }
    parts.join("; ")
}

fn finding_json(f: &Finding, newly: &[String]) -> serde_json::Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "element": f.element,
        "journeys": f.journeys,
        "newly_broken": newly,
        "message": f.message,
        "why": f.why,
        "file": f.file,
        "line": f.line,
        "fingerprint": f.fingerprint,
    })
}

/// The diff as JSON (version 1).
#[must_use]
pub fn json(diff: &Diff) -> String {
    let models: Vec<serde_json::Value> = diff
        .models
        .iter()
        .map(|m| {
            json!({
                "old_file": m.old_file,
                "new_file": m.new_file,
                "status": m.status(),
                "name": m.name,
                "changes": m.changes,
                "new_findings": m.new_findings.iter().map(|d| finding_json(&d.finding, &d.newly_broken)).collect::<Vec<_>>(),
                "resolved": m.resolved.iter().map(|f| finding_json(f, &[])).collect::<Vec<_>>(),
                "unchanged": m.unchanged.len(),
                "redundancy": m.redundancy,
                "availability": m.availability.iter().map(|(j, a, b)| json!({"journey": j, "before": a, "after": b})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let new: Vec<&DiffFinding> = diff.new_findings().collect();
    let resolved: Vec<&Finding> = diff.resolved().collect();
    let doc = json!({
        "version": 1,
        "verdict": verdict(diff),
        "summary": {
            "new": new.len(),
            "resolved": resolved.len(),
            "new_single_points_of_failure": new.iter().filter(|d| is_spof(&d.finding)).count(),
            "resolved_single_points_of_failure": resolved.iter().filter(|f| is_spof(f)).count(),
            "unchanged": diff.models.iter().map(|m| m.unchanged.len()).sum::<usize>(),
        },
        "models": models,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

use crate::escape::{markdown_cell as cell, markdown_code as code};

fn element_cell(id: &str) -> String {
    if id.is_empty() {
        "(the model)".to_owned()
    } else {
        code(id)
    }
}

/// Appends to a string only while it stays within a budget.
struct Budget {
    text: String,
    limit: usize,
    cut: bool,
}

impl Budget {
    fn push(&mut self, s: &str) -> bool {
        if self.text.len() + s.len() > self.limit {
            self.cut = true;
            return false;
        }
        self.text.push_str(s);
        true
    }
}

/// A titled table of findings (severity, rule, element, text), cut after `MAX_ROWS` rows;
/// nothing when there are none.
/// The first row's element cell is `first_element` when that is not empty (a group). Rule
/// names link to their pages under `site` (the documentation site's URL) when it is known.
fn findings_table(
    b: &mut Budget,
    title: &str,
    rows: &[(&Finding, String)],
    first_element: &str,
    site: Option<&str>,
) {
    if rows.is_empty() {
        return;
    }
    b.push(&format!(
        "**{title}**\n\n| severity | rule | element | finding |\n| --- | --- | --- | --- |\n"
    ));
    for (i, (f, text)) in rows.iter().enumerate() {
        if i == MAX_ROWS {
            b.push(&format!("| | | | … and {} more |\n", rows.len() - MAX_ROWS));
            break;
        }
        let element = if i == 0 && !first_element.is_empty() {
            first_element.to_owned()
        } else {
            element_cell(&f.element)
        };
        let rule = match site {
            Some(base) => format!("[`{}`]({base}rules/{}.html)", f.rule, f.rule),
            None => format!("`{}`", f.rule),
        };
        if !b.push(&format!(
            "| {} | {rule} | {element} | {text} |\n",
            f.severity.as_str()
        )) {
            break;
        }
    }
    b.push("\n");
}

/// The diff as a pull-request comment: the verdict first, then new and resolved findings,
/// redundancy, the architecture changes, and diagrams before and after.
#[must_use]
pub fn markdown(diff: &Diff) -> String {
    markdown_with(diff, None)
}

/// [`markdown`], with rule names linking to the rule pages of the documentation site served
/// at `site` (`site.base_url`, ending in `/`).
#[must_use]
pub fn markdown_with(diff: &Diff, site: Option<&str>) -> String {
    let site = site.filter(|s| s.starts_with("https://") || s.starts_with("http://"));
    let mut b = Budget {
        text: String::new(),
        limit: MARKDOWN_BUDGET,
        cut: false,
    };
    let new_count = diff.new_findings().count();
    let icon = if diff
        .new_findings()
        .any(|d| d.finding.severity == crate::lint::Severity::Error)
    {
        "❌"
    } else {
        "✅"
    };
    let causes: Vec<String> = diff.models.iter().filter_map(cause_and_effect).collect();
    let headline = match &causes[..] {
        [one] => {
            let mut c = one.clone();
            if let Some(first) = c.get(..1) {
                c = first.to_uppercase() + &c[1..];
            }
            format!("{c} ({})", verdict(diff))
        }
        _ => verdict(diff),
    };
    b.push(&format!("### {icon} archdoc diff: {}\n\n", cell(&headline)));
    for m in &diff.models {
        let file = m
            .new_file
            .as_deref()
            .or(m.old_file.as_deref())
            .unwrap_or("");
        let title = match m.status() {
            "compared" => format!(
                "{} → {}",
                code(m.old_file.as_deref().unwrap_or("")),
                code(file)
            ),
            status => format!("{} ({status})", code(file)),
        };
        if !b.push(&format!("#### {title}: {}\n\n", cell(&m.name))) {
            break;
        }
        if let Some(c) = cause_and_effect(m)
            && causes.len() > 1
        {
            b.push(&format!("**{}**\n\n", cell(&c)));
        }
        // The single points of failure one change makes are one row: the elements together,
        // each one's message below, the first one's explanation.
        let spofs: Vec<&super::DiffFinding> = m
            .new_findings
            .iter()
            .filter(|d| is_spof(&d.finding))
            .collect();
        let grouped = spofs.len() > 1;
        let mut new_rows: Vec<(&Finding, String)> = Vec::new();
        let mut group_element = String::new();
        if grouped {
            let f = &spofs[0].finding;
            let mut text = String::new();
            for (i, d) in spofs.iter().enumerate() {
                if i > 0 {
                    text.push_str("<br>");
                }
                text.push_str(&cell(&d.finding.message));
                if !d.newly_broken.is_empty() {
                    let _ = write!(text, " (now also breaks {})", d.newly_broken.join(", "));
                }
            }
            if !f.why.is_empty() {
                let _ = write!(
                    text,
                    "<br>why (`{}`): {}",
                    f.element,
                    cell(&f.why.join(" → "))
                );
            }
            group_element = spofs
                .iter()
                .map(|d| element_cell(&d.finding.element))
                .collect::<Vec<_>>()
                .join(", ");
            new_rows.push((f, text));
        }
        new_rows.extend(
            m.new_findings
                .iter()
                .filter(|d| !grouped || !is_spof(&d.finding))
                .map(|d| {
                    let f = &d.finding;
                    let mut text = cell(&f.message);
                    if !d.newly_broken.is_empty() {
                        let _ = write!(text, " (now also breaks {})", d.newly_broken.join(", "));
                    }
                    if !f.why.is_empty() {
                        let _ = write!(text, "<br>why: {}", cell(&f.why.join(" → ")));
                    }
                    (f, text)
                }),
        );
        findings_table(&mut b, "New findings", &new_rows, &group_element, site);
        let resolved_rows: Vec<(&Finding, String)> =
            m.resolved.iter().map(|f| (f, cell(&f.message))).collect();
        findings_table(&mut b, "Resolved findings", &resolved_rows, "", site);
        if !m.redundancy.is_empty() || !m.availability.is_empty() {
            b.push("**Redundancy and availability**\n\n");
            for r in &m.redundancy {
                b.push(&format!(
                    "- journey {}: {}\n",
                    code(&r.journey),
                    cell(&redundancy_text(r))
                ));
            }
            for (j, before, after) in &m.availability {
                b.push(&format!(
                    "- journey {}: availability {} → {}\n",
                    code(j),
                    crate::analysis::availability::percent(*before),
                    crate::analysis::availability::percent(*after)
                ));
            }
            b.push("\n");
        }
        if !m.changes.is_empty() {
            b.push("**Architecture changes**\n\n");
            for (i, c) in m.changes.iter().enumerate() {
                if i == MAX_ROWS * 2 {
                    b.push(&format!(
                        "- … and {} more\n",
                        m.changes.len() - MAX_ROWS * 2
                    ));
                    break;
                }
                if !b.push(&format!("- {}\n", cell(&change_line(c)))) {
                    break;
                }
            }
            b.push("\n");
        }
        if !m.unchanged.is_empty() {
            b.push(&format!(
                "_{} unchanged._\n\n",
                plural(m.unchanged.len(), "finding", "findings")
            ));
        }
        // Diagrams last, and only while they fit.
        let mut diagrams =
            String::from("<details><summary>Diagrams before and after</summary>\n\n");
        for (label, d) in [("Before", &m.mermaid.0), ("After", &m.mermaid.1)] {
            if let Some(d) = d {
                let _ = write!(diagrams, "{label}:\n\n```mermaid\n{d}```\n\n");
            }
        }
        diagrams.push_str("</details>\n\n");
        if diagrams.len() < 20_000 {
            b.push(&diagrams);
        }
    }
    b.limit += 1_000;
    if b.cut {
        b.push(&format!(
            "\n_The rest is left out to keep this comment readable: {} in all; run `archdoc diff` for everything._\n",
            plural(new_count, "new finding", "new findings")
        ));
    }
    // A marker CI scripts use to find and update their earlier comment.
    b.push(COMMENT_MARKER);
    b.push("\n");
    b.text
}
