//! The model an importer builds before it is written: elements with the place in the source
//! file they came from, and every assumption as a comment. Written out as YAML the user then
//! owns, or loaded directly by `check --from`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::Span;

/// The longest text an imported string keeps (the loader accepts 4,096 bytes; `…` is 3).
pub const MAX_TEXT_BYTES: usize = 4000;

/// A field value, written in YAML flow style.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, always quoted.
    Str(String),
    /// A plain word (an id or an enum value), written bare.
    Word(String),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// True or false.
    Bool(bool),
    /// A flow list.
    List(Vec<Value>),
    /// A flow mapping.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// A quoted string.
    ///
    /// Text from the imported files is cut at [`MAX_TEXT_BYTES`] (with `…`): a model's
    /// strings are bounded, and an image name or label of megabytes must not make the
    /// imported model fail to load.
    pub fn str(s: impl Into<String>) -> Self {
        let mut s: String = s.into();
        if s.len() > MAX_TEXT_BYTES {
            let mut end = MAX_TEXT_BYTES;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
            s.push('…');
        }
        Value::Str(s)
    }

    /// A bare word.
    pub fn word(s: impl Into<String>) -> Self {
        Value::Word(s.into())
    }

    /// A list of bare words.
    pub fn words<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Self {
        Value::List(items.into_iter().map(|s| Value::Word(s.into())).collect())
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(&quote(s)),
            Value::Word(w) => {
                if is_plain_word(w) {
                    out.push_str(w);
                } else {
                    out.push_str(&quote(w));
                }
            }
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => {
                let _ = write!(out, "{f}");
            }
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Map(fields) => {
                out.push_str("{ ");
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push_str(" }");
            }
        }
    }
}

/// A YAML double-quoted scalar: JSON's string syntax is valid YAML.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Whether a word can be written without quotes and read back as the same string.
fn is_plain_word(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            w.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
}

/// Where an element came from: a source file (index into [`Draft::sources`]) and a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// Which source file.
    pub file: usize,
    /// Where in it.
    pub span: Span,
}

/// One element (domain, host or component) of the draft.
#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Its id, already safe for a model.
    pub id: String,
    /// Its fields, in the order they are written.
    pub fields: Vec<(String, Value)>,
    /// Comments written above its fields: where it came from, what was assumed.
    pub comments: Vec<String>,
    /// Where it came from.
    pub origin: Option<Origin>,
}

impl Element {
    /// An element with an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    /// Sets a field, replacing an earlier value.
    pub fn set(&mut self, key: &str, v: Value) -> &mut Self {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, old)) => *old = v,
            None => self.fields.push((key.to_owned(), v)),
        }
        self
    }

    /// A field's value.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes a field.
    pub fn unset(&mut self, key: &str) {
        self.fields.retain(|(k, _)| k != key);
    }

    /// Adds a comment ("assumed: ...").
    pub fn note(&mut self, c: impl Into<String>) -> &mut Self {
        self.comments.push(c.into());
        self
    }
}

/// A link of the draft.
#[derive(Debug, Clone, Default)]
pub struct DraftLink {
    /// Caller.
    pub from: String,
    /// Callee.
    pub to: String,
    /// Other fields (`protocol`, `port`, `tls`, `async`, ...).
    pub fields: Vec<(String, Value)>,
    /// Why the link is there ("depends_on", "DATABASE_URL").
    pub comment: Option<String>,
}

/// A source file an import read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it.
    pub display: String,
    /// Its text.
    pub text: std::sync::Arc<str>,
}

/// The model an importer builds.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The model's name.
    pub name: String,
    /// What the import assumed for the model as a whole; written at the top.
    pub notes: Vec<String>,
    /// Failure domains.
    pub domains: Vec<Element>,
    /// Hosts.
    pub hosts: Vec<Element>,
    /// Components.
    pub components: Vec<Element>,
    /// Links.
    pub links: Vec<DraftLink>,
    /// Journeys, when the source says more than the defaults.
    pub journeys: Vec<Element>,
    /// What was read and not understood: one line each.
    pub skipped: Vec<String>,
    /// The files read.
    pub sources: Vec<SourceFile>,
}

impl Draft {
    /// The component with this id.
    pub fn component_mut(&mut self, id: &str) -> Option<&mut Element> {
        self.components.iter_mut().find(|c| c.id == id)
    }

    /// `base`, or `base-2`, `base-3`… when a component, host or domain already has that id
    /// (a workload named `user` must not meet the `user` client the importer adds).
    #[must_use]
    pub fn free_id(&self, base: &str) -> String {
        distinct_id(base, |id| {
            self.components
                .iter()
                .chain(&self.hosts)
                .chain(&self.domains)
                .any(|e| e.id == id)
        })
    }

    /// Whether a component with this id exists.
    #[must_use]
    pub fn has_component(&self, id: &str) -> bool {
        self.components.iter().any(|c| c.id == id)
    }

    /// Adds a link unless one with the same ends exists (the first one wins; its comment
    /// grows).
    pub fn link(&mut self, link: DraftLink) {
        if link.from == link.to {
            return;
        }
        if let Some(old) = self
            .links
            .iter_mut()
            .find(|l| l.from == link.from && l.to == link.to)
        {
            for (k, v) in link.fields {
                if !old.fields.iter().any(|(ok, _)| *ok == k) {
                    old.fields.push((k, v));
                }
            }
            if let (Some(a), Some(b)) = (&mut old.comment, link.comment)
                && !a.contains(&b)
            {
                a.push_str(", ");
                a.push_str(&b);
            }
            return;
        }
        self.links.push(link);
    }

    /// One journey per way in when there are several (a client needs every link it has, but
    /// the users of `vote` do not need `result`), and one for the workers.
    pub fn entry_journeys(&mut self, entries: &[String]) {
        let workers: Vec<String> = self
            .components
            .iter()
            .filter(|c| c.get("kind") == Some(&Value::word("worker")))
            .map(|c| c.id.clone())
            .collect();
        if entries.len() < 2 {
            return; // the default journeys (and `jobs` for workers) fit
        }
        let mut used: Vec<String> = self.journeys.iter().map(|j| j.id.clone()).collect();
        for e in entries {
            // Distinct even when the entries' ids are alike in their first characters.
            let id = distinct_id(&safe_id(&format!("via-{e}")), |id| {
                used.iter().any(|u| u == id)
            });
            used.push(id.clone());
            let mut j = Element::new(id);
            j.set("label", Value::str(format!("Requests to {e}")));
            j.set("entry", Value::word(e));
            if self.reaches_database(e) {
                j.set("data", Value::word("read"));
                j.note("assumed: reads data (it reaches a database); say `write` if it writes");
            } else {
                j.set("data", Value::word("none"));
            }
            self.journeys.push(j);
        }
        if let Some(w) = workers.first() {
            let mut j = Element::new("jobs");
            j.set("label", Value::str("Background jobs"));
            j.set("entry", Value::word(w));
            j.set("data", Value::word("none"));
            self.journeys.push(j);
        }
        self.notes.push(
            "one journey per way in (each published entry point), each needing what it calls; say which read or write data"
                .to_owned(),
        );
    }

    /// The one journey of a design that publishes no way in for people but runs workers:
    /// the first worker's background jobs (the default journeys would start at a client
    /// that reaches nothing).
    pub fn worker_journey_only(&mut self) {
        let Some(w) = self
            .components
            .iter()
            .find(|c| c.get("kind") == Some(&Value::word("worker")))
            .map(|c| c.id.clone())
        else {
            return;
        };
        let mut j = Element::new("jobs");
        j.set("label", Value::str("Background jobs"));
        j.set("entry", Value::word(&w));
        if self.reaches_database(&w) {
            j.set("data", Value::word("read"));
            j.note("assumed: reads data (it reaches a database); say `write` if it writes");
        } else {
            j.set("data", Value::word("none"));
        }
        j.note("no way in for people is published: the only journey is the workers'");
        self.journeys.push(j);
    }

    /// Whether links from `start` lead to a database.
    fn reaches_database(&self, start: &str) -> bool {
        let mut seen = vec![start.to_owned()];
        let mut stack = vec![start.to_owned()];
        while let Some(c) = stack.pop() {
            if self
                .components
                .iter()
                .any(|x| x.id == c && x.get("kind") == Some(&Value::word("database")))
            {
                return true;
            }
            let mut next: Vec<String> = self
                .links
                .iter()
                .filter(|l| l.from == c)
                .map(|l| l.to.clone())
                .collect();
            for comp in self.components.iter().filter(|x| x.id == c) {
                if let Some(Value::List(pool)) = comp.get("pool") {
                    next.extend(pool.iter().filter_map(|v| match v {
                        Value::Word(w) => Some(w.clone()),
                        _ => None,
                    }));
                }
            }
            for n in next {
                if !seen.contains(&n) {
                    seen.push(n.clone());
                    stack.push(n);
                }
            }
        }
        false
    }

    /// Where each element id came from.
    #[must_use]
    pub fn origins(&self) -> BTreeMap<String, Origin> {
        self.domains
            .iter()
            .chain(&self.hosts)
            .chain(&self.components)
            .filter_map(|e| e.origin.map(|o| (e.id.clone(), o)))
            .collect()
    }

    /// The model as YAML text, with the assumptions as comments.
    #[must_use]
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        let files: Vec<&str> = self.sources.iter().map(|s| s.display.as_str()).collect();
        let _ = writeln!(
            out,
            "# Imported by `archdoc import` from {}.",
            comment_text(&files.join(", "))
        );
        out.push_str(
            "# This model is yours now: edit it, and say what the import could only assume.\n",
        );
        for n in &self.notes {
            let _ = writeln!(out, "# {}", comment_text(n));
        }
        if !self.skipped.is_empty() {
            out.push_str("# Not imported:\n");
            for s in &self.skipped {
                let _ = writeln!(out, "#   - {}", comment_text(s));
            }
        }
        let _ = writeln!(out, "name: {}", quote(&self.name));
        section(&mut out, "domains", &self.domains);
        section(&mut out, "hosts", &self.hosts);
        section(&mut out, "components", &self.components);
        if !self.links.is_empty() {
            out.push_str("links:\n");
            for l in &self.links {
                let mut fields = vec![
                    ("from".to_owned(), Value::word(&l.from)),
                    ("to".to_owned(), Value::word(&l.to)),
                ];
                fields.extend(l.fields.iter().cloned());
                out.push_str("  - ");
                Value::Map(fields).write(&mut out);
                if let Some(c) = &l.comment {
                    let _ = write!(out, "  # {}", comment_text(c));
                }
                out.push('\n');
            }
        }
        section(&mut out, "journeys", &self.journeys);
        out
    }
}

/// A comment's text on one line.
fn comment_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn section(out: &mut String, name: &str, elements: &[Element]) {
    if elements.is_empty() {
        return;
    }
    let _ = writeln!(out, "{name}:");
    for e in elements {
        let id = Value::word(&e.id);
        let mut key = String::new();
        id.write(&mut key);
        if e.comments.is_empty() && e.fields.len() <= 4 {
            let _ = write!(out, "  {key}: ");
            if e.fields.is_empty() {
                out.push_str("{}");
            } else {
                Value::Map(e.fields.clone()).write(out);
            }
            out.push('\n');
            continue;
        }
        let _ = writeln!(out, "  {key}:");
        for c in &e.comments {
            let _ = writeln!(out, "    # {}", comment_text(c));
        }
        if e.fields.is_empty() {
            // A mapping with only comments would read as null: keep it a mapping.
            out.push_str("    {}\n");
        }
        for (k, v) in &e.fields {
            let _ = write!(out, "    {k}: ");
            v.write(out);
            out.push('\n');
        }
    }
}

/// `base`, or the first of `base-2`, `base-3`… that `taken` does not claim: ids made from
/// names stay distinct when the names are alike once made safe or cut to 100 characters.
#[must_use]
pub fn distinct_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

/// A name from a source turned into a model id: letters, digits, `-`, `_`, `.`, starting
/// with a letter or digit.
#[must_use]
pub fn safe_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    while id.starts_with(['-', '_', '.']) {
        id.remove(0);
    }
    if id.is_empty() {
        id.push_str("unnamed");
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_so_they_read_back() {
        let mut s = String::new();
        Value::Map(vec![
            ("a".into(), Value::word("yes")),
            ("b".into(), Value::str("x\"y\n")),
            ("c".into(), Value::words(["web-1", "db"])),
        ])
        .write(&mut s);
        assert_eq!(s, r#"{ a: "yes", b: "x\"y\n", c: [web-1, db] }"#);
    }

    #[test]
    fn ids_are_made_safe() {
        assert_eq!(safe_id("my app/web"), "my-app-web");
        assert_eq!(safe_id("_x"), "x");
        assert_eq!(safe_id("!!"), "unnamed");
    }
}
