//! Check results as text: the JSON document other tools rely on, and the human report.
//!
//! Both are rendered into strings here; only the CLI writes them out.

mod formats;

pub use crate::analysis::availability::percent;

pub use formats::{github, gitlab, junit, markdown, sarif};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;

use crate::Model;
use crate::analysis::Analysis;
use crate::graph::ArchGraph;
use crate::lint::{self, Finding, LintOptions, Severity};
use crate::model::span::{LineIndex, floor_char_boundary};
use crate::model::{ModelError, ModelErrorReport, Span};
use crate::policy::Config;
use crate::policy::baseline::{BaselineEntry, Comparison};

/// Everything `check` learned about one model.
#[derive(Debug, Clone)]
pub struct ModelReport {
    /// The model file.
    pub file: String,
    /// The system's name.
    pub name: String,
    /// The findings that count: not suppressed, not in the baseline. Sorted by position.
    pub findings: Vec<Finding>,
    /// Findings accepted by the model's `ignore:` entries (each with its reason).
    pub suppressed: Vec<Finding>,
    /// Findings the baseline already knew.
    pub baselined: Vec<Finding>,
    /// Per journey: name, label and the single points of failure (ids).
    pub journeys: Vec<JourneySummary>,
}

/// What one journey depends on.
#[derive(Debug, Clone, Serialize)]
pub struct JourneySummary {
    /// The journey's name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// `none`, `read` or `write`.
    pub data: &'static str,
    /// Whether archdoc derived it (the model names no journeys).
    pub derived: bool,
    /// Whether it fails with nothing broken.
    pub broken: bool,
    /// Ids of the elements whose loss alone breaks it.
    pub single_points_of_failure: Vec<String>,
    /// Managed and third-party services (and the region) whose outage alone stops it: the
    /// provider's to keep up, counted at their SLA, not flaws of the design.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provider_dependencies: Vec<String>,
    /// The probability it works, in percent.
    pub availability: f64,
    /// How the availability was computed.
    pub method: String,
    /// Expected downtime, hours a year.
    pub downtime_hours_per_year: f64,
    /// The units that limit it most, with the hours a year they cost.
    pub limiting: Vec<Limiting>,
    /// Minimal pairs of units whose joint failure breaks it while neither alone does, each
    /// with what the two share.
    pub pairs: Vec<Pair>,
    /// Whether every pair was looked at (very large journeys are capped).
    pub pairs_complete: bool,
}

/// Two units that break a journey together.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// One unit's id.
    pub a: String,
    /// The other's.
    pub b: String,
    /// What they share: "both in zone `zone-a`", "redundant in the pool of `haproxy`", or
    /// "with nothing in common".
    pub shared: String,
}

/// What two units that fail together share: a failure domain, or the balancer or replication
/// cluster they back each other up in.
fn shared_by(
    graph: &ArchGraph<'_>,
    a: petgraph::graph::NodeIndex,
    b: petgraph::graph::NodeIndex,
) -> String {
    use crate::model::ElementRef;
    let m = graph.model;
    let host_of = |n| match graph.element(n) {
        ElementRef::Component(c) => m.components[c].host,
        ElementRef::Host(h) => Some(h),
        ElementRef::Domain(_) => None,
    };
    let domains = |n| host_of(n).map(|h| m.domains_of_host(h)).unwrap_or_default();
    let theirs = domains(b);
    if let Some(d) = domains(a).into_iter().find(|d| theirs.contains(d)) {
        return format!(
            "both in {} `{}`",
            m.domains[d].kind.as_str(),
            m.domains[d].id
        );
    }
    // The components each stands for: itself, or what runs on the host.
    let comps = |n| -> Vec<usize> {
        match graph.element(n) {
            ElementRef::Component(c) => vec![c],
            ElementRef::Host(h) => m.components_on(h).collect(),
            ElementRef::Domain(_) => Vec::new(),
        }
    };
    let (ca, cb) = (comps(a), comps(b));
    for (i, c) in m.components.iter().enumerate() {
        for (list, what) in [
            (&c.pool, "redundant in the pool of"),
            (&c.members, "redundant behind"),
        ] {
            if list.iter().any(|x| ca.contains(x)) && list.iter().any(|x| cb.contains(x)) {
                if let Some(k) = c.quorum {
                    return format!(
                        "members of the quorum of `{}` (needs {k} of {})",
                        c.id,
                        c.pool.len()
                    );
                }
                return format!("{what} `{}`", m.components[i].id);
            }
        }
    }
    // A replica group: the pair is its instances' zones or hosts, or the group itself.
    for (i, c) in m.components.iter().enumerate() {
        let Some(n) = c.replicas else { continue };
        let touches = |x| match graph.element(x) {
            ElementRef::Component(k) => k == i,
            ElementRef::Host(h) => c.placement_hosts.contains(&h),
            ElementRef::Domain(d) => c.spread.contains(&d),
        };
        if n > 1 && touches(a) && touches(b) {
            return format!(
                "instances of replica group `{}` (needs {} of {n})",
                c.id,
                c.min_healthy.unwrap_or(1)
            );
        }
    }
    let root = |cs: &[usize]| -> Vec<usize> {
        cs.iter()
            .filter(|&&c| m.components[c].kind == crate::model::Kind::Database)
            .map(|&c| graph.replication_root(c))
            .collect()
    };
    let ra = root(&ca);
    if let Some(r) = root(&cb).into_iter().find(|r| ra.contains(r)) {
        return format!(
            "redundant in the replication cluster of `{}`",
            m.components[r].id
        );
    }
    "with nothing in common".to_owned()
}

/// A unit that limits a journey's availability.
#[derive(Debug, Clone, Serialize)]
pub struct Limiting {
    /// The unit's id.
    pub element: String,
    /// The downtime it causes, hours a year (what would go if it never failed).
    pub hours_per_year: f64,
}

impl ModelReport {
    /// Builds the graph, runs the failure analysis and every rule.
    #[must_use]
    pub fn check(model: &Model) -> Self {
        Self::check_with(model, LintOptions::default(), &Config::default())
    }

    /// [`ModelReport::check`] with lint options and a configuration.
    #[must_use]
    pub fn check_with(model: &Model, options: LintOptions, config: &Config) -> Self {
        let graph = ArchGraph::new(model);
        let analysis = Analysis::new(&graph);
        let mut all = lint::run_with(&graph, &analysis, options);
        config.apply(&mut all);
        let (suppressed, findings): (Vec<Finding>, Vec<Finding>) =
            all.into_iter().partition(|f| f.suppressed.is_some());
        let journeys = model
            .journeys
            .iter()
            .zip(analysis.journeys.iter().zip(&analysis.availability))
            .map(|(j, (jf, av))| JourneySummary {
                name: j.id.clone(),
                label: j.title().to_owned(),
                data: j.data.as_str(),
                derived: j.derived,
                broken: jf.broken,
                single_points_of_failure: jf
                    .spofs
                    .iter()
                    .map(|&n| graph.id(n).to_owned())
                    .collect(),
                provider_dependencies: jf
                    .provider_run
                    .iter()
                    .map(|&n| graph.id(n).to_owned())
                    .collect(),
                availability: av.availability * 100.0,
                method: av.method.describe(),
                downtime_hours_per_year: av.downtime_hours(),
                limiting: av
                    .limiting
                    .iter()
                    .take(10)
                    .map(|&(n, h)| Limiting {
                        element: graph.id(n).to_owned(),
                        hours_per_year: h,
                    })
                    .collect(),
                pairs: av
                    .pairs
                    .iter()
                    .map(|&(a, b)| Pair {
                        a: graph.id(a).to_owned(),
                        b: graph.id(b).to_owned(),
                        shared: shared_by(&graph, a, b),
                    })
                    .collect(),
                pairs_complete: av.pairs_complete,
            })
            .collect();
        Self {
            file: model.file.clone(),
            name: model.name.clone(),
            findings,
            suppressed,
            baselined: Vec::new(),
            journeys,
        }
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Errors.
    pub error: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
    /// Findings accepted by `ignore:` entries (not counted above).
    pub suppressed: usize,
    /// Findings the baseline already knew (not counted above).
    pub baselined: usize,
    /// Baseline entries no finding matches any more.
    pub resolved: usize,
}

impl Summary {
    /// Counts the findings of several reports.
    #[must_use]
    pub fn of(reports: &[ModelReport]) -> Self {
        let mut s = Self::default();
        for f in reports.iter().flat_map(|r| &r.findings) {
            match f.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
        s.suppressed = reports.iter().map(|r| r.suppressed.len()).sum();
        s.baselined = reports.iter().map(|r| r.baselined.len()).sum();
        s
    }
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    models: Vec<JsonModel<'a>>,
    errors: Vec<JsonError<'a>>,
    suppressed: Vec<JsonFinding<'a>>,
    baselined: Vec<JsonFinding<'a>>,
    resolved: &'a [BaselineEntry],
    newly_suppressed: &'a [BaselineEntry],
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    category: &'a str,
    severity: Severity,
    element: &'a str,
    journeys: &'a [String],
    message: &'a str,
    why: &'a [String],
    help: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    fn of(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule,
            category: f.category.as_str(),
            severity: f.severity,
            element: &f.element,
            journeys: &f.journeys,
            message: &f.message,
            why: &f.why,
            help: f.help.as_deref(),
            file: &f.file,
            line: f.line,
            column: f.column,
            fingerprint: &f.fingerprint,
            reason: f.suppressed.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonModel<'a> {
    file: &'a str,
    name: &'a str,
    journeys: &'a [JourneySummary],
}

#[derive(Serialize)]
struct JsonError<'a> {
    code: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

/// The JSON document of `archdoc check --format json` (version 1). `findings` holds the
/// findings that count; suppressed and baselined ones, and baseline entries that were fixed,
/// have lists of their own.
#[must_use]
pub fn json(reports: &[ModelReport], errors: &[ModelError], cmp: &Comparison) -> String {
    let mut summary = Summary::of(reports);
    summary.resolved = cmp.resolved.len();
    let doc = JsonDoc {
        version: 1,
        findings: reports
            .iter()
            .flat_map(|r| &r.findings)
            .map(JsonFinding::of)
            .collect(),
        summary,
        models: reports
            .iter()
            .map(|r| JsonModel {
                file: &r.file,
                name: &r.name,
                journeys: &r.journeys,
            })
            .collect(),
        errors: errors
            .iter()
            .map(|e| {
                let lc = e.line_col();
                JsonError {
                    code: e.code,
                    message: &e.message,
                    help: e.help.as_deref(),
                    file: &e.file,
                    line: lc.map(|x| x.0),
                    column: lc.map(|x| x.1),
                }
            })
            .collect(),
        suppressed: reports
            .iter()
            .flat_map(|r| &r.suppressed)
            .map(JsonFinding::of)
            .collect(),
        baselined: reports
            .iter()
            .flat_map(|r| &r.baselined)
            .map(JsonFinding::of)
            .collect(),
        resolved: &cmp.resolved,
        newly_suppressed: &cmp.newly_suppressed,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    /// Use colours.
    pub color: bool,
    /// Wrap at this many columns.
    pub width: usize,
}

fn handler(style: HumanStyle) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
}

/// A model error as a code frame with its help line.
#[must_use]
pub fn human_error(error: &ModelError, style: HumanStyle) -> String {
    let mut out = String::new();
    let report = ModelErrorReport::new(error.clone());
    if handler(style).render_report(&mut out, &report).is_err() {
        out = format!("error: {error}\n");
    }
    out
}

/// The human report of one model: each finding as a code frame, then the journeys.
#[must_use]
pub fn human(report: &ModelReport, model: &Model, style: HumanStyle) -> String {
    let h = handler(style);
    let named =
        NamedSource::new(model.file.clone(), Arc::clone(&model.source)).with_language("yaml");
    let mut out = String::new();
    let lines = LineIndex::new(&model.source);
    for f in &report.findings {
        let window = long_line_window(&model.source, &lines, f.span);
        let excerpt;
        let d = match &window {
            Some((text, span)) => {
                excerpt = Excerpt {
                    name: model.file.clone(),
                    text: Arc::clone(text),
                    at: *span,
                    line: f.line.saturating_sub(1),
                    column: f.column.saturating_sub(1),
                };
                FindingDiagnostic {
                    finding: f,
                    src: &excerpt,
                    span: *span,
                }
            }
            None => FindingDiagnostic {
                finding: f,
                src: &named,
                span: f.span,
            },
        };
        if h.render_report(&mut out, &d).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {} {}\n",
                f.file, f.line, f.column, f.rule, f.message
            ));
        }
    }
    out.push_str(&format!("{}: {}\n", report.file, report.name));
    for j in &report.journeys {
        let spofs = if j.broken {
            "fails with nothing broken".to_owned()
        } else if j.single_points_of_failure.is_empty() {
            "no single point of failure".to_owned()
        } else {
            format!(
                "single points of failure: {}",
                j.single_points_of_failure.join(", ")
            )
        };
        out.push_str(&format!("  journey {} ({}): {spofs}\n", j.name, j.label));
        if !j.provider_dependencies.is_empty() {
            out.push_str(&format!(
                "    depends on provider-run services (counted at their SLA): {}\n",
                j.provider_dependencies.join(", ")
            ));
        }
        out.push_str(&format!(
            "    availability {}: {}\n",
            percent(j.availability),
            availability_text(j)
        ));
        if !j.pairs.is_empty() {
            // Grouped by what the two share.
            let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for p in &j.pairs {
                groups
                    .entry(p.shared.as_str())
                    .or_default()
                    .push(format!("{{{}, {}}}", p.a, p.b));
            }
            out.push_str(&format!(
                "    {} pairs that fail together:\n",
                j.pairs.len()
            ));
            for (shared, list) in groups {
                let more = if list.len() > 6 {
                    format!(" and {} more", list.len() - 6)
                } else {
                    String::new()
                };
                let shown: Vec<&str> = list.iter().take(6).map(String::as_str).collect();
                out.push_str(&format!("      {shared}: {}{more}\n", shown.join(", ")));
            }
        }
    }
    out
}

/// "(exact), 53.9 h a year down; limited by `lb-01` (43.7 h), `haproxy` (8.8 h)".
#[must_use]
pub fn availability_text(j: &JourneySummary) -> String {
    let down = if j.downtime_hours_per_year >= 1.0 {
        format!("{:.1} h a year down", j.downtime_hours_per_year)
    } else {
        format!("{:.0} min a year down", j.downtime_hours_per_year * 60.0)
    };
    let limits: Vec<String> = j
        .limiting
        .iter()
        .take(3)
        .map(|l| format!("`{}` ({:.1} h)", l.element, l.hours_per_year))
        .collect();
    let limits = if limits.is_empty() {
        String::new()
    } else {
        format!("; limited by {}", limits.join(", "))
    };
    format!("{}, {down}{limits}", j.method)
}

/// The closing lines: what changed against the baseline, then counts by severity.
#[must_use]
pub fn human_summary(reports: &[ModelReport], cmp: &Comparison) -> String {
    let mut s = Summary::of(reports);
    s.resolved = cmp.resolved.len();
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let mut out = String::new();
    for e in &cmp.resolved {
        out.push_str(&format!(
            "resolved since the baseline: {} {} `{}` ({})\n",
            e.file, e.rule, e.element, e.message
        ));
    }
    for e in &cmp.newly_suppressed {
        out.push_str(&format!(
            "suppressed since the baseline: {} {} `{}`\n",
            e.file, e.rule, e.element
        ));
    }
    let mut extra = Vec::new();
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        extra.push(format!("{} in the baseline", s.baselined));
    }
    if s.resolved > 0 {
        extra.push(format!("{} resolved", s.resolved));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join(", "))
    };
    out.push_str(&format!(
        "{} checked: {}, {}, {}{extra}\n",
        plural(reports.len(), "model"),
        plural(s.error, "error"),
        plural(s.warning, "warning"),
        plural(s.info, "info")
    ));
    out
}

/// One line per finding: `file:line:col: severity rule message`.
#[must_use]
pub fn concise(reports: &[ModelReport]) -> String {
    let mut out = String::new();
    for f in reports.iter().flat_map(|r| &r.findings) {
        out.push_str(&format!(
            "{}:{}:{}: {} {} {}\n",
            f.file,
            f.line,
            f.column,
            f.severity.as_str(),
            f.rule,
            f.message
        ));
    }
    out
}

/// Lines longer than this are cut around the finding in a code frame.
const FRAME_LINE_CHARS: usize = 240;

/// A code frame's source when the finding's line is too long to print (a minified JSON
/// plan is one line): the line cut to the finding with `…` either side, at the same line
/// number (the lines before are left empty), and the span moved into it. Only the
/// characters around the finding are looked at, so many findings on a line of megabytes
/// cost what their frames show.
fn long_line_window(source: &str, lines: &LineIndex, span: Span) -> Option<(Arc<str>, Span)> {
    let floor = |i: usize| floor_char_boundary(source, i.min(source.len()));
    let at = floor(span.offset);
    // Where the line starts and ends, when that is within reach of the finding (else the
    // bound of the search: the line is longer than a frame either way).
    let reach = FRAME_LINE_CHARS + 1;
    let back = floor(at.saturating_sub(reach));
    let ahead = floor(at + reach);
    let start = source[back..at]
        .rfind('\n')
        .map(|i| back + i + 1)
        .or((back == 0).then_some(0));
    let end = source[at..ahead]
        .find('\n')
        .map(|i| at + i)
        .or((ahead == source.len()).then_some(source.len()));
    if let (Some(start), Some(end)) = (start, end)
        && end - start <= FRAME_LINE_CHARS
    {
        return None;
    }
    let (start, end) = (start.unwrap_or(back), end.unwrap_or(ahead));
    let from = floor(at.saturating_sub(80).max(start));
    let to = floor((at + span.len.min(120) + 80).min(end));
    let (line, _) = lines.line_col(source, start);
    let mut text = "\n".repeat(line - 1);
    if from > start {
        text.push('…');
    }
    let offset = text.len() + (at - from);
    text.push_str(&source[from..to]);
    if to < end {
        text.push('…');
    }
    let len = span.len.min(to.saturating_sub(at));
    Some((Arc::from(text), Span::new(offset, len)))
}

/// A cut long line (see [`long_line_window`]) that still reports the finding's real line
/// and column in the frame's heading.
struct Excerpt {
    name: String,
    text: Arc<str>,
    /// The finding's span in `text`.
    at: Span,
    /// The finding's line and column in the file, from 0.
    line: usize,
    column: usize,
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let c = self.text.read_span(span, before, after)?;
        let heading = before == 0 && after == 0 && span.offset() == self.at.offset;
        let (line, column) = if heading {
            (self.line, self.column)
        } else {
            (c.line(), c.column())
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            line,
            column,
            c.line_count(),
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    src: &'a dyn miette::SourceCode,
    /// The finding's span in `src`.
    span: Span,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let f = self.finding;
        let mut text = String::new();
        if !f.why.is_empty() {
            text.push_str("why: ");
            text.push_str(&f.why.join("\n     "));
        }
        if let Some(h) = &f.help {
            if !text.is_empty() {
                text.push_str("\nfix: ");
            }
            text.push_str(h);
        }
        if text.is_empty() {
            None
        } else {
            Some(Box::new(text))
        }
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let label = if f.journeys.is_empty() {
            None
        } else {
            Some(format!("breaks {}", f.journeys.join(", ")))
        };
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(label, self.span),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_framed_as_it_is() {
        let src = "a: 1\nbb: 2\n";
        assert!(long_line_window(src, &LineIndex::new(src), Span::new(5, 2)).is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_finding_at_its_own_line() {
        // A finding on the third line, a minified plan of 10,000 characters.
        let plan = format!(
            "{}\"aws_db_instance.main\"{}",
            "x".repeat(6_000),
            "é".repeat(4_000)
        );
        let src = format!("one\ntwo\n{plan}\n");
        let at = src.find("\"aws_db").unwrap_or_default();
        let span = Span::new(at, "\"aws_db_instance.main\"".len());
        let (text, moved) = long_line_window(&src, &LineIndex::new(&src), span)
            .unwrap_or_else(|| panic!("a 10,000-character line is cut"));
        // Two empty lines keep the finding on line 3; the cut is marked on both sides.
        assert!(text.starts_with("\n\n…"), "{text:?}");
        assert!(text.ends_with('…'), "{text:?}");
        assert_eq!(
            &text[moved.offset..moved.offset + moved.len],
            "\"aws_db_instance.main\""
        );
        assert!(text.chars().count() < 2 + 2 + 80 + 22 + 80 + 1);
        // A finding at the very end of a long last line (no newline after it).
        let tail = format!("{}end", "y".repeat(1_000));
        let end = Span::new(tail.len() - 3, 3);
        let (text, moved) = long_line_window(&tail, &LineIndex::new(&tail), end)
            .unwrap_or_else(|| panic!("a 1,003-character line is cut"));
        assert!(text.starts_with('…') && !text.ends_with('…'), "{text:?}");
        assert_eq!(&text[moved.offset..], "end");
    }
}
