//! What an editor asks about a model while it is being written: its diagnostics (every load
//! error and every finding, with the same severities and help as `check`), the definition and
//! the uses of an id, hover text for a rule or a finding, and completions of ids and kinds.
//! Pure functions over the text; `archdoc lsp` speaks the protocol around them.

use crate::lint::{Severity, registry};
use crate::model::span::line_col;
use crate::model::{Kind, Limits, Span, load_str};
use crate::report::ModelReport;

/// A position: 0-based line and 0-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 0.
    pub line: usize,
    /// Column in characters, from 0.
    pub column: usize,
}

/// A range of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// First character.
    pub start: Position,
    /// Past the last character.
    pub end: Position,
}

/// One problem to show in the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where.
    pub range: Range,
    /// How bad (a load error is an error).
    pub severity: Severity,
    /// The rule id, or the load error's code.
    pub code: String,
    /// The message, with the help line after it.
    pub message: String,
}

fn position(text: &str, offset: usize) -> Position {
    let (line, column) = line_col(text, offset);
    Position {
        line: line - 1,
        column: column - 1,
    }
}

fn range_of(text: &str, span: Span) -> Range {
    let span = span.or_rest_of_line(text);
    Range {
        start: position(text, span.offset),
        end: position(text, span.offset + span.len),
    }
}

/// The byte offset of a position, clamped to the text.
#[must_use]
pub fn offset_of(text: &str, pos: Position) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == pos.line {
            let col: usize = line
                .chars()
                .take(pos.column)
                .take_while(|c| *c != '\n')
                .map(char::len_utf8)
                .sum();
            return offset + col;
        }
        offset += line.len();
    }
    text.len()
}

/// Every load error, or every finding, of the model in `text`.
#[must_use]
pub fn diagnostics(text: &str, name: &str) -> Vec<Diagnostic> {
    match load_str(text, name, &Limits::default()) {
        Err(errors) => errors
            .into_iter()
            .map(|e| Diagnostic {
                range: range_of(text, e.span.unwrap_or_default()),
                severity: Severity::Error,
                code: e.code.to_owned(),
                message: match &e.help {
                    Some(h) => format!("{}\nhelp: {h}", e.message),
                    None => e.message.clone(),
                },
            })
            .collect(),
        Ok(model) => ModelReport::check(&model)
            .findings
            .into_iter()
            .map(|f| Diagnostic {
                range: range_of(text, f.span),
                severity: f.severity,
                code: f.rule.to_owned(),
                message: match &f.help {
                    Some(h) => format!("{}\nhelp: {h}", f.message),
                    None => f.message.clone(),
                },
            })
            .collect(),
    }
}

/// The id-like word at a position, and where it is.
#[must_use]
pub fn word_at(text: &str, pos: Position) -> Option<(String, Range)> {
    let line = text.lines().nth(pos.line)?;
    let chars: Vec<char> = line.chars().collect();
    let is_id = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut start = pos.column.min(chars.len());
    while start > 0 && is_id(chars[start - 1]) {
        start -= 1;
    }
    let mut end = pos.column.min(chars.len());
    while end < chars.len() && is_id(chars[end]) {
        end += 1;
    }
    if start == end {
        return None;
    }
    let word: String = chars[start..end].iter().collect();
    Some((
        word.trim_matches('.').to_owned(),
        Range {
            start: Position {
                line: pos.line,
                column: start,
            },
            end: Position {
                line: pos.line,
                column: end,
            },
        },
    ))
}

/// Where the ids are declared: keys two spaces deep under `domains:`, `hosts:`, `components:`
/// and `journeys:`. Read from the lines, so it works while the model does not load.
#[must_use]
pub fn declarations(text: &str) -> Vec<(String, &'static str, Range)> {
    let mut out = Vec::new();
    let mut section: Option<&'static str> = None;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.starts_with('#') && !line.trim().is_empty() {
            section = match line.split(':').next().unwrap_or("").trim() {
                "domains" => Some("domain"),
                "hosts" => Some("host"),
                "components" => Some("component"),
                "journeys" => Some("journey"),
                _ => None,
            };
            continue;
        }
        let Some(sec) = section else { continue };
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        if rest.starts_with([' ', '#', '-']) {
            continue;
        }
        let Some(colon) = rest.find(':') else {
            continue;
        };
        let id = rest[..colon].trim().trim_matches(['"', '\'']);
        if id.is_empty() {
            continue;
        }
        let start = 2 + rest[..colon].find(id).unwrap_or(0);
        let width = id.chars().count();
        out.push((
            id.to_owned(),
            sec,
            Range {
                start: Position {
                    line: i,
                    column: start,
                },
                end: Position {
                    line: i,
                    column: start + width,
                },
            },
        ));
    }
    out
}

/// Where the id under the cursor is declared.
#[must_use]
pub fn definition(text: &str, pos: Position) -> Option<Range> {
    let (word, _) = word_at(text, pos)?;
    declarations(text)
        .into_iter()
        .find(|(id, _, _)| *id == word)
        .map(|(_, _, r)| r)
}

/// Every place the id under the cursor is written, its declaration included (comments left
/// out). One pass over the text.
#[must_use]
pub fn references(text: &str, pos: Position) -> Vec<Range> {
    let Some((word, _)) = word_at(text, pos) else {
        return Vec::new();
    };
    let is_id = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split(" #").next().unwrap_or(line);
        let mut start: Option<usize> = None;
        for (col, c) in code.chars().chain(std::iter::once(' ')).enumerate() {
            match (is_id(c), start) {
                (true, None) => start = Some(col),
                (false, Some(s)) => {
                    let token: String = code.chars().skip(s).take(col - s).collect();
                    if token.trim_matches('.') == word {
                        out.push(Range {
                            start: Position { line: i, column: s },
                            end: Position {
                                line: i,
                                column: col,
                            },
                        });
                    }
                    start = None;
                }
                _ => {}
            }
        }
    }
    out
}

/// Hover text: a rule's documentation when the cursor is on a rule id, else the findings on
/// the cursor's line, from the document's `diagnostics` (already computed, not checked again).
#[must_use]
pub fn hover(text: &str, diagnostics: &[Diagnostic], pos: Position) -> Option<String> {
    if let Some((word, _)) = word_at(text, pos)
        && let Some(rule) = registry::find(&word)
    {
        let m = rule.meta();
        return Some(format!(
            "**{}** ({}, {})\n\n{}",
            m.id,
            m.category.as_str(),
            m.default_severity.as_str(),
            m.markdown()
        ));
    }
    let here: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.range.start.line <= pos.line && pos.line <= d.range.end.line)
        .map(|d| {
            let doc = registry::find(&d.code)
                .map(|r| format!("\n\n{}", r.meta().summary()))
                .unwrap_or_default();
            format!(
                "**{}** `{}`: {}{doc}",
                d.severity.as_str(),
                d.code,
                d.message
            )
        })
        .collect();
    (!here.is_empty()).then(|| here.join("\n\n---\n\n"))
}

/// A completion: the text and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What to insert.
    pub label: String,
    /// What it is ("host", "kind", ...).
    pub detail: &'static str,
}

/// Completions at a position: kinds after `kind:`, hosts after `host:`, domains after
/// `domain:`/`parent:`, rule ids after `rule:`, otherwise the component ids.
#[must_use]
pub fn completions(text: &str, pos: Position) -> Vec<Completion> {
    let line = text.lines().nth(pos.line).unwrap_or("");
    let before: String = line.chars().take(pos.column).collect();
    // The key whose value is being written: the last `key:` before the cursor.
    let key = before
        .rsplit([',', '{', '\n'])
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches("- ")
        .to_owned();
    let decl = declarations(text);
    let ids = |sort: &str, detail: &'static str| -> Vec<Completion> {
        decl.iter()
            .filter(|(_, s, _)| *s == sort)
            .map(|(id, _, _)| Completion {
                label: id.clone(),
                detail,
            })
            .collect()
    };
    match key.as_str() {
        "kind" => Kind::ALL
            .iter()
            .map(|k| Completion {
                label: k.as_str().to_owned(),
                detail: "kind",
            })
            .collect(),
        "host" | "hosts" => ids("host", "host"),
        "domain" | "parent" | "spread" | "zones" => ids("domain", "domain"),
        "journeys" | "entry" => ids("journey", "journey"),
        "rule" => registry::ALL
            .iter()
            .map(|r| Completion {
                label: r.meta().id.to_owned(),
                detail: "rule",
            })
            .collect(),
        _ => ids("component", "component"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "name: t\nhosts:\n  h1: {}\n  h2: {}\ncomponents:\n  user: { kind: client }\n  lb: { kind: load_balancer, host: h1, pool: [web] }\n  web: { kind: web_server, host: h2 }\nlinks:\n  - { from: user, to: lb }\n";

    #[test]
    fn definitions_references_and_completions() {
        let d = definition(
            MODEL,
            Position {
                line: 6,
                column: 46,
            },
        )
        .unwrap();
        assert_eq!(d.start, Position { line: 7, column: 2 });
        assert_eq!(references(MODEL, Position { line: 7, column: 3 }).len(), 2);
        let hosts = completions(
            MODEL,
            Position {
                line: 6,
                column: 36,
            },
        );
        assert_eq!(
            hosts.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
            ["h1", "h2"]
        );
        assert!(
            diagnostics(MODEL, "t.yaml")
                .iter()
                .any(|d| d.code == "single-point-of-failure")
        );
        let diags = diagnostics(MODEL, "t.yaml");
        assert!(hover(MODEL, &diags, Position { line: 6, column: 3 }).is_some());
    }
}
