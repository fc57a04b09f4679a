//! Errors found while reading a model: each is a value with a source span and a help line.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use super::span::{Span, line_col};

/// One problem that stops a model from loading: bad YAML, a wrong type, an unknown field or
/// reference, a duplicate id, an input that is too large, ...
#[derive(Debug, Clone)]
pub struct ModelError {
    /// A stable machine-readable code, e.g. `model::unknown-reference`.
    pub code: &'static str,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The file, as the user named it.
    pub file: String,
    /// The source text (shared by all errors of one file), when it could be read.
    pub source: Option<Arc<str>>,
    /// Where the problem is, when it has a place.
    pub span: Option<Span>,
    /// What to say at the span.
    pub label: Option<String>,
}

impl ModelError {
    /// An error about a whole file (unreadable, too large, not UTF-8, ...).
    pub fn file(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            help: None,
            file: file.to_owned(),
            source: None,
            span: None,
            label: None,
        }
    }

    /// An error at a place in a file.
    pub fn at(
        code: &'static str,
        file: &str,
        source: &Arc<str>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            help: None,
            file: file.to_owned(),
            source: Some(Arc::clone(source)),
            span: Some(span.or_rest_of_line(source)),
            label: None,
        }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label shown at the span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// 1-based line and column of the error, when it has a place.
    #[must_use]
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.source, self.span) {
            (Some(src), Some(span)) => Some(line_col(src, span.offset)),
            _ => None,
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_col() {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ModelError {}

/// The miette view of a [`ModelError`]: a code frame at the span and the help line.
#[derive(Debug)]
pub struct ModelErrorReport {
    error: ModelError,
    named: Option<NamedSource<Arc<str>>>,
}

impl ModelErrorReport {
    /// Wraps an error for rendering.
    #[must_use]
    pub fn new(error: ModelError) -> Self {
        // A code frame of a giant line (a 10 MB string) would bury the message: show the
        // position in the message instead.
        let line_too_long = match (&error.source, error.span) {
            (Some(src), Some(span)) => {
                let at = super::span::floor_char_boundary(src, span.offset.min(src.len()));
                let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = src[start..].find('\n').map_or(src.len(), |i| start + i);
                end - start > 1000
            }
            _ => false,
        };
        let named = if line_too_long {
            None
        } else {
            error
                .source
                .as_ref()
                .map(|s| NamedSource::new(error.file.clone(), Arc::clone(s)).with_language("yaml"))
        };
        Self { error, named }
    }
}

impl fmt::Display for ModelErrorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.named.is_some() {
            f.write_str(&self.error.message)
        } else {
            write!(f, "{}", self.error)
        }
    }
}

impl std::error::Error for ModelErrorReport {}

impl Diagnostic for ModelErrorReport {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.error.code))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.named.as_ref().map(|n| n as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.error.span?;
        self.named.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(self.error.label.clone(), span),
        )))
    }
}
