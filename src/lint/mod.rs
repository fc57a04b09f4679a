//! Lint rules: turn the graph and the failure analysis into findings.
//!
//! One file per rule under `rules/`, each declared with [`declare_rule!`] so that its doc
//! comment is its documentation (printed by `archdoc rule NAME`, and tested: the example must
//! fire and the "use instead" must not). Rules read answers from `analysis` and `graph`; they
//! never print and never decide exit codes.

mod finding;
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

/// What a rule sees, and where it reports.
pub struct LintContext<'g, 'm> {
    /// The architecture graph (and through it, the model).
    pub graph: &'g ArchGraph<'m>,
    /// The failure analysis of every journey.
    pub analysis: &'g Analysis,
    findings: Vec<Finding>,
}

impl<'g, 'm> LintContext<'g, 'm> {
    /// A context over a graph and its analysis.
    #[must_use]
    pub fn new(graph: &'g ArchGraph<'m>, analysis: &'g Analysis) -> Self {
        Self {
            graph,
            analysis,
            findings: Vec::new(),
        }
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
        let (line, column) = crate::model::span::line_col(&model.source, span.offset);
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

/// Runs every rule of the registry over a model's graph and analysis. Findings come back sorted
/// by position, then rule, then element, each with its fingerprint.
#[must_use]
pub fn run(graph: &ArchGraph<'_>, analysis: &Analysis) -> Vec<Finding> {
    let mut cx = LintContext::new(graph, analysis);
    for rule in registry::ALL {
        rule.check(&mut cx);
    }
    let mut findings = cx.into_findings();
    for f in &mut findings {
        f.fingerprint = fingerprint(f.rule, &f.file, &f.element, &f.discriminator);
    }
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
