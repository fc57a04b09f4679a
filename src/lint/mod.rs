//! Lint rules: turn the graph and the failure analysis into findings.
//!
//! One file per rule under `rules/`, each declared with [`declare_rule!`] so that its doc
//! comment is its documentation (printed by `archdoc rule NAME`, and tested: the example must
//! fire and the "use instead" must not). Rules read answers from `analysis` and `graph`; they
//! never print and never decide exit codes.

mod finding;
mod group;
pub mod registry;
pub mod rules;

pub use finding::{Finding, Severity, fingerprint};

use crate::analysis::Analysis;
use crate::graph::ArchGraph;
use crate::model::Span;

/// What a rule is about; each category has a default severity for its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Something whose failure takes the system down.
    Reliability,
    /// Exposure, encryption, access.
    Security,
    /// Whether anyone would notice a failure.
    Observability,
    /// The model itself: inconsistent or dead parts.
    Model,
}

impl Category {
    /// The name used in output and configuration.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Reliability => "reliability",
            Category::Security => "security",
            Category::Observability => "observability",
            Category::Model => "model",
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case id naming the problem, e.g. `single-point-of-failure`.
    pub id: &'static str,
    /// What the rule is about.
    pub category: Category,
    /// Severity of its findings unless configured otherwise.
    pub default_severity: Severity,
    /// The rule's documentation (Markdown), from its doc comment.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown (the doc comment without its leading spaces).
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first sentence of the "What it does" section, on one line.
    #[must_use]
    pub fn summary(&self) -> String {
        let md = self.markdown();
        let body = md
            .split("## What it does")
            .nth(1)
            .unwrap_or(&md)
            .trim_start();
        let para = body.split("\n\n").next().unwrap_or("");
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        match joined.find(". ") {
            Some(i) => joined[..=i].to_owned(),
            None => joined,
        }
    }
}

/// A lint rule.
pub trait Rule: Send + Sync {
    /// The rule's identity and documentation.
    fn meta(&self) -> &'static RuleMeta;
    /// Reports the rule's findings into the context.
    fn check(&self, cx: &mut LintContext<'_, '_>);
}

/// Declares a rule: a unit struct whose doc comment becomes `RuleMeta::docs`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis struct $name:ident;
        id = $id:literal,
        category = $cat:ident,
        severity = $sev:ident $(,)?
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;
        impl $name {
            /// The rule's identity and documentation.
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                id: $id,
                category: $crate::lint::Category::$cat,
                default_severity: $crate::lint::Severity::$sev,
                docs: concat!($($doc, "\n"),+),
            };
        }
    };
}

/// How a lint run treats the model's `ignore:` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LintOptions {
    /// Disregard every `ignore:` entry: suppress nothing, report nothing about them.
    pub no_ignores: bool,
    /// Today's date (year, month, day), for suppressions with an `until:`.
    pub today: (i32, u32, u32),
}

impl Default for LintOptions {
    fn default() -> Self {
        Self {
            no_ignores: false,
            today: today(),
        }
    }
}

/// Today's date in UTC, or the date in `ARCHDOC_TODAY` (YYYY-MM-DD) when that is set, so a
/// build can be reproduced on another day.
#[must_use]
pub fn today() -> (i32, u32, u32) {
    if let Some(d) = std::env::var("ARCHDOC_TODAY")
        .ok()
        .and_then(|s| crate::model::parse_date(&s))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// The calendar date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(1970),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// What a rule sees, and where it reports.
pub struct LintContext<'g, 'm> {
    /// The architecture graph (and through it, the model).
    pub graph: &'g ArchGraph<'m>,
    /// The failure analysis of every journey.
    pub analysis: &'g Analysis,
    /// How `ignore:` entries are treated.
    pub options: LintOptions,
    findings: Vec<Finding>,
    lines: crate::model::span::LineIndex,
}

impl<'g, 'm> LintContext<'g, 'm> {
    /// A context over a graph and its analysis.
    #[must_use]
    pub fn new(graph: &'g ArchGraph<'m>, analysis: &'g Analysis) -> Self {
        Self {
            graph,
            analysis,
            options: LintOptions::default(),
            findings: Vec::new(),
            lines: crate::model::span::LineIndex::new(&graph.model.source),
        }
    }

    /// The findings of the rules that ran before this one.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether `ignore` is a valid entry that applies today: it names a known rule, gives a
    /// reason, and has not expired.
    #[must_use]
    pub fn ignore_applies(&self, ignore: &crate::model::Ignore) -> bool {
        !self.options.no_ignores
            && registry::find(&ignore.rule).is_some()
            && ignore.reason.is_some()
            && ignore.until.is_none_or(|u| u >= self.options.today)
    }

    /// The model.
    #[must_use]
    pub fn model(&self) -> &'m crate::Model {
        self.graph.model
    }

    /// Starts a finding of `rule` about `element` (an id, or "" for the whole model) at `span`.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        element: &str,
        span: Span,
        message: String,
    ) -> &mut Finding {
        let model = self.graph.model;
        let span = span.or_rest_of_line(&model.source);
        let (line, column) = self.lines.line_col(&model.source, span.offset);
        self.findings.push(Finding {
            rule: rule.id,
            category: rule.category,
            severity: rule.default_severity,
            element: element.to_owned(),
            journeys: Vec::new(),
            message,
            why: Vec::new(),
            help: None,
            file: model.file.clone(),
            span,
            line,
            column,
            discriminator: String::new(),
            fingerprint: String::new(),
            suppressed: None,
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// The findings reported so far.
    #[must_use]
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Runs every rule of the registry over a model's graph and analysis, then applies the
/// model's `ignore:` entries (a suppressed finding keeps its place, marked with the reason).
/// Findings come back sorted by position, then rule, then element, each with its fingerprint.
#[must_use]
pub fn run(graph: &ArchGraph<'_>, analysis: &Analysis) -> Vec<Finding> {
    run_with(graph, analysis, LintOptions::default())
}

/// [`run`] with options.
#[must_use]
pub fn run_with(graph: &ArchGraph<'_>, analysis: &Analysis, options: LintOptions) -> Vec<Finding> {
    let mut cx = LintContext::new(graph, analysis);
    cx.options = options;
    for rule in registry::ALL {
        if options.no_ignores
            && rule.meta().category == Category::Model
            && rule.meta().id.ends_with("-suppression")
        {
            continue;
        }
        rule.check(&mut cx);
    }
    let model = graph.model;
    let applying: Vec<&crate::model::Ignore> = model
        .ignores
        .iter()
        .filter(|i| cx.ignore_applies(i))
        .collect();
    let mut findings = cx.into_findings();
    for f in &mut findings {
        f.fingerprint = fingerprint(f.rule, &f.file, &f.element, &f.discriminator);
        if f.rule.ends_with("-suppression") {
            continue;
        }
        if let Some(i) = applying
            .iter()
            .find(|i| i.rule == f.rule && i.element == f.element)
        {
            f.suppressed = i.reason.clone();
        }
    }
    group::merge_siblings(model, &mut findings);
    findings.sort_by(|a, b| {
        (a.span.offset, a.rule, &a.element, &a.discriminator).cmp(&(
            b.span.offset,
            b.rule,
            &b.element,
            &b.discriminator,
        ))
    });
    findings
}
