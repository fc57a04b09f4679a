//! The formats CI systems read: SARIF 2.1.0 (GitHub code scanning), GitHub workflow
//! commands, GitLab Code Quality, JUnit XML, and Markdown for a pull-request comment.
//! Each is rendered into a string here; the CLI decides where it goes.

use serde_json::{Value, json};

use super::ModelReport;
use crate::lint::{Finding, RuleMeta, Severity};
use crate::policy::baseline::Comparison;

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The 1-based line and column where a finding's span ends.
fn end_of(f: &Finding, source: Option<(&str, &crate::model::span::LineIndex)>) -> (usize, usize) {
    match source {
        Some((src, lines)) => lines.line_col(src, f.span.offset + f.span.len),
        None => (f.line, f.column),
    }
}

/// SARIF 2.1.0: every enabled rule in `tool.driver.rules` with its documentation, every
/// finding a result with its location and `partialFingerprints`; suppressed findings carry
/// their justification, baselined ones `baselineState: unchanged`.
#[must_use]
pub fn sarif(
    reports: &[ModelReport],
    rules: &[&'static RuleMeta],
    sources: &dyn Fn(&str) -> Option<std::sync::Arc<str>>,
) -> String {
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.summary() },
                "help": { "text": r.markdown(), "markdown": r.markdown() },
                "defaultConfiguration": { "level": sarif_level(r.default_severity) },
                "properties": { "tags": [r.category.as_str()], "precision": "high" },
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let src = sources(&r.file);
        let lines = src.as_deref().map(crate::model::span::LineIndex::new);
        let lists: [(&[Finding], &str); 3] = [
            (&r.findings, "active"),
            (&r.baselined, "baselined"),
            (&r.suppressed, "suppressed"),
        ];
        for (list, state) in lists {
            for f in list {
                let (end_line, end_col) = end_of(f, src.as_deref().zip(lines.as_ref()));
                let mut result = json!({
                    "ruleId": f.rule,
                    "level": sarif_level(f.severity),
                    "message": { "text": f.message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": f.file },
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": end_line.max(f.line),
                                "endColumn": if end_line > f.line { end_col } else { end_col.max(f.column + 1) },
                            }
                        }
                    }],
                    "partialFingerprints": { "archdocFingerprint/v1": f.fingerprint },
                    "properties": { "element": f.element, "journeys": f.journeys, "why": f.why },
                });
                if let Some(i) = rules.iter().position(|m| m.id == f.rule) {
                    result["ruleIndex"] = json!(i);
                }
                match state {
                    "baselined" => result["baselineState"] = json!("unchanged"),
                    "suppressed" => {
                        result["suppressions"] = json!([{
                            "kind": "inSource",
                            "justification": f.suppressed.clone().unwrap_or_default(),
                        }]);
                    }
                    _ => {}
                }
                results.push(result);
            }
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "archdoc",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/archdoc/archdoc",
                    "rules": driver_rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// Escapes the data of a GitHub workflow command.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property of a GitHub workflow command.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: one annotation per finding that counts.
#[must_use]
pub fn github(reports: &[ModelReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut text = f.message.clone();
        if let Some(h) = &f.help {
            text.push_str("\nfix: ");
            text.push_str(h);
        }
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            gh_prop(&f.file),
            f.line,
            f.column,
            gh_prop(&format!("archdoc {}", f.rule)),
            gh_data(&text)
        ));
    }
    out
}

/// GitLab Code Quality: a JSON array, one issue per finding that counts or is baselined,
/// each with a unique, stable fingerprint.
#[must_use]
pub fn gitlab(reports: &[ModelReport]) -> String {
    let issues: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().chain(&r.baselined))
        .map(|f| {
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": format!("{}: {}", f.rule, f.message),
                "categories": [match f.category {
                    crate::lint::Category::Security => "Security",
                    crate::lint::Category::Reliability => "Bug Risk",
                    crate::lint::Category::Observability => "Bug Risk",
                    crate::lint::Category::Model => "Clarity",
                }],
                "severity": match f.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                "fingerprint": f.fingerprint,
                "location": { "path": f.file, "lines": { "begin": f.line } },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    s.push('\n');
    s
}

fn xml(s: &str) -> String {
    crate::escape::xml_with(s, true)
}

/// JUnit XML: a test suite per model, a failing test case per finding that counts, a skipped
/// one per suppressed finding, and one passing case for a model with nothing to report.
#[must_use]
pub fn junit(reports: &[ModelReport]) -> String {
    let failures: usize = reports.iter().map(|r| r.findings.len()).sum();
    let mut suites = String::new();
    let mut total = 0;
    for r in reports {
        let mut cases = String::new();
        let mut n = 0;
        for f in &r.findings {
            n += 1;
            let mut body = format!("{}:{}:{}: {}", f.file, f.line, f.column, f.message);
            for w in &f.why {
                body.push_str("\nwhy: ");
                body.push_str(w);
            }
            if let Some(h) = &f.help {
                body.push_str("\nfix: ");
                body.push_str(h);
            }
            cases.push_str(&format!(
                "    <testcase name=\"{} {}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                xml(f.rule),
                xml(&f.element),
                xml(&r.file),
                xml(&f.file),
                f.line,
                xml(f.severity.as_str()),
                xml(&f.message),
                xml(&body)
            ));
        }
        for f in &r.suppressed {
            n += 1;
            cases.push_str(&format!(
                "    <testcase name=\"{} {}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(f.rule),
                xml(&f.element),
                xml(&r.file),
                xml(&f.file),
                f.line,
                xml(&format!("suppressed: {}", f.suppressed.as_deref().unwrap_or("")))
            ));
        }
        if r.findings.is_empty() && r.suppressed.is_empty() {
            n += 1;
            cases.push_str(&format!(
                "    <testcase name=\"archdoc check\" classname=\"{}\"/>\n",
                xml(&r.file)
            ));
        }
        total += n;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{}\" skipped=\"{}\">\n{cases}  </testsuite>\n",
            xml(&r.file),
            r.findings.len(),
            r.suppressed.len()
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"archdoc\" tests=\"{total}\" failures=\"{failures}\">\n{suites}</testsuites>\n"
    )
}

use crate::escape::{markdown_cell as md_cell, markdown_code as md_code};

/// A Markdown summary fit for a pull-request comment or a job summary.
#[must_use]
pub fn markdown(reports: &[ModelReport], cmp: &Comparison) -> String {
    let s = super::Summary::of(reports);
    let count = s.error + s.warning + s.info;
    let mut out = String::new();
    let single_points: Vec<&Finding> = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == "single-point-of-failure")
        .collect();
    if count == 0 {
        out.push_str("### archdoc: no new findings\n\n");
    } else {
        out.push_str(&format!(
            "### archdoc: {count} finding{} ({} error{}, {} warning{}, {} info)\n\n",
            if count == 1 { "" } else { "s" },
            s.error,
            if s.error == 1 { "" } else { "s" },
            s.warning,
            if s.warning == 1 { "" } else { "s" },
            s.info
        ));
    }
    if !single_points.is_empty() {
        out.push_str(&format!(
            "**{} single point{} of failure**: {}\n\n",
            single_points.len(),
            if single_points.len() == 1 { "" } else { "s" },
            single_points
                .iter()
                .map(|f| format!(
                    "{} ({})",
                    md_code(&f.element),
                    md_cell(&f.journeys.join(", "))
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if count > 0 {
        out.push_str("| severity | rule | where | finding |\n| --- | --- | --- | --- |\n");
        for f in reports.iter().flat_map(|r| &r.findings) {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                f.severity.as_str(),
                f.rule,
                md_code(&format!("{}:{}", f.file, f.line)),
                md_cell(&f.message)
            ));
        }
        out.push('\n');
    }
    let mut notes = Vec::new();
    if s.baselined > 0 {
        notes.push(format!("{} already in the baseline", s.baselined));
    }
    if s.suppressed > 0 {
        notes.push(format!("{} suppressed in the model", s.suppressed));
    }
    if !cmp.resolved.is_empty() {
        notes.push(format!("{} resolved", cmp.resolved.len()));
    }
    if !notes.is_empty() {
        out.push_str(&format!("_{}._\n", notes.join(", ")));
    }
    for e in &cmp.resolved {
        out.push_str(&format!(
            "- resolved: `{}` on {} in {}\n",
            e.rule,
            md_code(&e.element),
            md_code(&e.file)
        ));
    }
    out
}
