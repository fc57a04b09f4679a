//! Reading a model file: refuse hostile input, parse with spans, resolve references.
//!
//! Loading never panics and never trusts the input: the file size, string lengths, nesting
//! depth, alias expansion and node count are all bounded before or during parsing, and every
//! problem comes back as a [`ModelError`] pointing at the YAML.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde_saphyr::Spanned;

use super::error::ModelError;
use super::schema::{
    DataAccess, Failover, IdMap, Kind, Mode, RawComponent, RawModel, RecordType, Role,
};
use super::span::Span;
use super::suggest::did_you_mean;
use super::{
    AllowRule, Component, Domain, ElementRef, Endpoint, Host, Ignore, Journey, Link, LinkOrigin,
    Model, MonitorTarget, Record, Source,
};

/// Bounds on what a model file may contain, so that hostile input fails fast.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most YAML nodes.
    pub max_nodes: usize,
    /// Longest id.
    pub max_id_chars: usize,
    /// Longest description.
    pub max_description_bytes: usize,
    /// Longest other string (labels, software, names).
    pub max_string_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 48 * 1024 * 1024,
            max_depth: 32,
            max_nodes: 8_000_000,
            max_id_chars: 128,
            max_description_bytes: 256 * 1024,
            max_string_bytes: 4096,
        }
    }
}

/// Reads and loads the model file at `path`. `display` is how the file is named in messages.
///
/// # Errors
/// Every problem found, each pointing at the file (and, when it has one, the place in it).
pub fn load_file(path: &Path, display: &str, limits: &Limits) -> Result<Model, Vec<ModelError>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        vec![ModelError::file(
            "model::io",
            display,
            format!("cannot read `{display}`: {e}"),
        )]
    })?;
    if meta.is_dir() {
        return Err(vec![
            ModelError::file(
                "model::io",
                display,
                format!("`{display}` is a directory, not a model file"),
            )
            .with_help("pass the YAML file itself, or the directory to check every model in it"),
        ]);
    }
    // The size is counted as it is read: metadata says 0 for `/dev/zero` or a pipe.
    let bytes = match super::files::read_bounded(path, limits.max_file_bytes) {
        Ok(b) => b,
        Err(super::files::ReadError::TooLarge { .. }) => {
            return Err(vec![too_large(
                display,
                meta.len().max(limits.max_file_bytes as u64 + 1),
                limits,
            )]);
        }
        Err(super::files::ReadError::Io(e)) => {
            return Err(vec![ModelError::file(
                "model::io",
                display,
                format!("cannot read `{display}`: {e}"),
            )]);
        }
    };
    load_bytes(&bytes, display, limits)
}

fn too_large(display: &str, len: u64, limits: &Limits) -> ModelError {
    ModelError::file(
        "model::too-large",
        display,
        format!(
            "`{display}` is {len} bytes, larger than the {} MiB a model may be",
            limits.max_file_bytes / (1024 * 1024)
        ),
    )
    .with_help("split the system into several models, one file each")
}

/// Loads a model from bytes (checked to be UTF-8 without NUL bytes).
///
/// # Errors
/// As [`load_file`].
pub fn load_bytes(bytes: &[u8], display: &str, limits: &Limits) -> Result<Model, Vec<ModelError>> {
    if bytes.len() > limits.max_file_bytes {
        return Err(vec![too_large(display, bytes.len() as u64, limits)]);
    }
    // A model written by PowerShell 5's `>` (`archdoc import … > model.yaml`) is UTF-16.
    match super::files::utf16_with_bom(bytes) {
        Some(Ok(text)) => return load_str(&text, display, limits),
        Some(Err(why)) => {
            return Err(vec![
                ModelError::file("model::encoding", display, why)
                    .with_help("save the file as UTF-8"),
            ]);
        }
        None => {}
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let valid: Arc<str> = Arc::from(String::from_utf8_lossy(bytes).as_ref());
            let offset = String::from_utf8_lossy(&bytes[..at]).len();
            return Err(vec![
                ModelError::at(
                    "model::encoding",
                    display,
                    &valid,
                    Span::new(offset, 0),
                    format!("`{display}` is not valid UTF-8 (bad byte at offset {at})"),
                )
                .with_label("invalid byte here")
                .with_help("save the file as UTF-8"),
            ]);
        }
    };
    load_str(text, display, limits)
}

/// Loads a model from its text.
///
/// # Errors
/// As [`load_file`].
pub fn load_str(text: &str, display: &str, limits: &Limits) -> Result<Model, Vec<ModelError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source: Arc<str> = Arc::from(text);
    if let Some(pos) = text.find('\0') {
        return Err(vec![
            ModelError::at(
                "model::encoding",
                display,
                &source,
                Span::new(pos, 0),
                "the file contains a NUL byte",
            )
            .with_label("NUL byte here")
            .with_help("a model is a text file; remove the NUL byte or re-save the file as text"),
        ]);
    }
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---")
    {
        return Err(vec![
            ModelError::file("model::empty", display, "the model file is empty").with_help(
                "a model needs at least `name:` and `components:`; see `archdoc schema`",
            ),
        ]);
    }
    let raw: RawModel = match serde_saphyr::from_str_with_options(text, yaml_options(limits)) {
        Ok(raw) => raw,
        Err(e) => return Err(vec![parse_error(&e, display, &source)]),
    };
    Resolver::new(display, &source, limits).resolve(raw)
}

/// Most YAML documents in one file (a multi-document Kubernetes manifest).
const MAX_DOCUMENTS: usize = 100_000;

/// The parser's budget: depth, nodes, events and aliases bounded by `limits`, so hostile input
/// (alias bombs, deep nesting) fails fast.
pub(crate) fn yaml_options(limits: &Limits) -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            max_events: limits.max_nodes.saturating_mul(2),
            max_aliases: 10_000,
            max_anchors: 10_000,
            // `helm template` of a large platform is thousands of documents; the node and
            // event bounds above are what keep the work in check.
            max_documents: MAX_DOCUMENTS,
            simple_key_max_lookahead: 8192,
        },
    }
}

/// Turns a serde-saphyr error into a [`ModelError`] with a help line.
pub(crate) fn parse_error(e: &serde_saphyr::Error, display: &str, source: &Arc<str>) -> ModelError {
    let raw = e.without_snippet().to_string();
    let message = strip_location_suffix(&raw).to_owned();
    let span = e
        .location()
        .map_or(Span::new(0, 0), |l| Span::from_location(&l, source));
    let (message, help, code) = explain_parse_message(&message);
    let mut err = ModelError::at(code, display, source, span, message);
    if let Some(help) = help {
        err = err.with_help(help);
    }
    err
}

fn strip_location_suffix(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains("column") => &msg[..i],
        _ => msg,
    }
}

/// Rewrites a parser message into archdoc's words, with "did you mean" where it can.
fn explain_parse_message(msg: &str) -> (String, Option<String>, &'static str) {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once("`, expected one of ") {
            let options: Vec<&str> = expected.split(", ").map(str::trim).collect();
            let help = match did_you_mean(field, options.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (allowed here: {})", options.join(", ")),
                None => format!("allowed here: {}", options.join(", ")),
            };
            return (
                format!("unknown field `{field}`"),
                Some(help),
                "model::unknown-field",
            );
        }
        if let Some((field, expected)) = rest.split_once("`, expected ") {
            return (
                format!("unknown field `{field}`"),
                Some(format!("allowed here: {expected}")),
                "model::unknown-field",
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once("`, expected one of ") {
            let options: Vec<&str> = expected.split(", ").map(str::trim).collect();
            let help = match did_you_mean(value, options.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (allowed: {})", options.join(", ")),
                None => format!("allowed: {}", options.join(", ")),
            };
            return (
                format!("unknown value `{value}`"),
                Some(help),
                "model::unknown-value",
            );
        }
        if let Some((value, expected)) = rest.split_once("`, expected ") {
            return (
                format!("unknown value `{value}`"),
                Some(format!("allowed: {expected}")),
                "model::unknown-value",
            );
        }
    }
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return (
            format!("missing field `{field}`"),
            Some(format!("add `{field}:` here; see `archdoc schema`")),
            "model::missing-field",
        );
    }
    if msg.starts_with("duplicate mapping key") {
        let key = msg
            .strip_prefix("duplicate mapping key: ")
            .and_then(|r| r.split(", set DuplicateKeyPolicy").next())
            .unwrap_or("");
        return (
            format!("duplicate key `{key}`"),
            Some("each key may appear once in a mapping; remove or rename one".to_owned()),
            "model::duplicate-key",
        );
    }
    if msg.starts_with("budget breached") {
        let what = if msg.contains("Documents") {
            format!("the file holds more than {MAX_DOCUMENTS} YAML documents")
        } else if msg.contains("Depth") {
            "the model is nested too deeply".to_owned()
        } else if msg.contains("Alias") || msg.contains("Anchor") || msg.contains("anchor") {
            "the model expands too many aliases (an alias bomb?)".to_owned()
        } else {
            "the model is too large to process".to_owned()
        };
        return (
            what,
            Some(
                "models are small, flat YAML documents; split large systems into several files"
                    .to_owned(),
            ),
            "model::too-large",
        );
    }
    if msg.starts_with("expected mapping start") || msg.contains("expected struct") {
        return (
            "expected a mapping (`key: value` lines) here".to_owned(),
            Some(
                "check the indentation and that each field is written as `field: value`".to_owned(),
            ),
            "model::wrong-type",
        );
    }
    if msg.starts_with("expected sequence") || msg.contains("expected a sequence") {
        return (
            "expected a list here".to_owned(),
            Some("write a list as `[a, b]` or as lines starting with `- `".to_owned()),
            "model::wrong-type",
        );
    }
    if msg.starts_with("invalid ") || msg.starts_with("expected ") {
        return (
            msg.to_owned(),
            Some(
                "this value has the wrong type; see `archdoc schema` for each field's type"
                    .to_owned(),
            ),
            "model::wrong-type",
        );
    }
    (
        msg.to_owned(),
        Some("fix the YAML syntax at this place".to_owned()),
        "model::yaml",
    )
}

/// Resolves ids into indices and checks everything serde cannot.
struct Resolver<'a> {
    file: &'a str,
    src: &'a Arc<str>,
    limits: &'a Limits,
    errors: Vec<ModelError>,
    ids: HashMap<String, (ElementRef, Span)>,
    /// Every DNS record's name and target as written, for CNAMEs that point at a name.
    record_names: HashMap<String, String>,
}

impl<'a> Resolver<'a> {
    fn new(file: &'a str, src: &'a Arc<str>, limits: &'a Limits) -> Self {
        Self {
            file,
            src,
            limits,
            errors: Vec::new(),
            ids: HashMap::new(),
            record_names: HashMap::new(),
        }
    }

    fn span<T>(&self, s: &Spanned<T>) -> Span {
        Span::of(s, self.src)
    }

    fn err(
        &mut self,
        code: &'static str,
        span: Span,
        msg: impl Into<String>,
        help: impl Into<String>,
    ) {
        let e = ModelError::at(code, self.file, self.src, span, msg).with_help(help);
        self.errors.push(e);
    }

    fn check_string(&mut self, s: &Spanned<String>, what: &str, max: usize) -> String {
        if s.value.len() > max {
            let span = self.span(s);
            self.err(
                "model::too-long",
                Span::new(span.offset, 0),
                format!(
                    "{what} is {} bytes long, more than the {max} allowed",
                    s.value.len()
                ),
                "shorten it; long prose belongs in `description:` or in the docs site",
            );
            return String::new();
        }
        s.value.clone()
    }

    fn opt_string(&mut self, s: Option<&Spanned<String>>, what: &str) -> Option<String> {
        let max = self.limits.max_string_bytes;
        s.map(|s| self.check_string(s, what, max))
    }

    fn opt_description(&mut self, s: Option<&Spanned<String>>) -> Option<String> {
        let max = self.limits.max_description_bytes;
        s.map(|s| self.check_string(s, "the description", max))
    }

    fn check_id(&mut self, key: &Spanned<String>, what: &str) -> bool {
        let id = &key.value;
        let span = self.span(key);
        if id.is_empty() {
            self.err(
                "model::bad-id",
                span,
                format!("empty {what} id"),
                "give it a short name such as `web-1`",
            );
            return false;
        }
        if id.chars().count() > self.limits.max_id_chars {
            self.err(
                "model::bad-id",
                Span::new(span.offset, 0),
                format!(
                    "{what} id is {} characters long, more than the {} allowed",
                    id.chars().count(),
                    self.limits.max_id_chars
                ),
                "use a short id and put the long name in `label:`",
            );
            return false;
        }
        let ok = id
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_alphanumeric() || (i > 0 && matches!(c, '-' | '_' | '.')));
        if !ok {
            self.err(
                "model::bad-id",
                span,
                format!("{what} id `{}` has characters ids may not contain", id.escape_debug()),
                "ids use letters, digits, `-`, `_` and `.` (not first); put a display name in `label:`",
            );
            return false;
        }
        true
    }

    fn declare(&mut self, key: &Spanned<String>, element: ElementRef, what: &str) {
        if !self.check_id(key, what) {
            return;
        }
        let span = self.span(key);
        if let Some((prev, prev_span)) = self.ids.get(&key.value) {
            let kind = match prev {
                ElementRef::Domain(_) => "a domain",
                ElementRef::Host(_) => "a host",
                ElementRef::Component(_) => "a component",
            };
            let (line, _) = super::span::line_col(self.src, prev_span.offset);
            let msg = format!("duplicate id `{}`: already {kind} (line {line})", key.value);
            self.err(
                "model::duplicate-id",
                span,
                msg,
                "hosts, components and domains share one set of ids; rename one of them",
            );
            return;
        }
        self.ids.insert(key.value.clone(), (element, span));
    }

    /// Resolves a reference that must name an element of one of the `allowed` sorts.
    fn reference(
        &mut self,
        r: &Spanned<String>,
        what: &str,
        allowed: &[Sort],
    ) -> Option<ElementRef> {
        let span = self.span(r);
        match self.ids.get(&r.value).copied() {
            Some((el, _)) if allowed.iter().any(|s| s.matches(el)) => Some(el),
            Some((el, _)) => {
                let is = Sort::of(el).noun();
                let want: Vec<&str> = allowed.iter().map(|s| s.noun()).collect();
                self.err(
                    "model::wrong-reference",
                    span,
                    format!("{what} `{}` is {is}, not {}", r.value, want.join(" or ")),
                    format!("name {} here", want.join(" or ")),
                );
                None
            }
            None => {
                let candidates: Vec<&str> = self
                    .ids
                    .iter()
                    .filter(|(_, (el, _))| allowed.iter().any(|s| s.matches(*el)))
                    .map(|(k, _)| k.as_str())
                    .collect();
                let mut sorted = candidates.clone();
                sorted.sort_unstable();
                let nouns: Vec<&str> = allowed.iter().map(|s| s.section()).collect();
                let help = match did_you_mean(&r.value, sorted.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "declare `{}` under `{}:` or fix the spelling",
                        r.value,
                        nouns.join("`/`")
                    ),
                };
                self.err(
                    "model::unknown-reference",
                    span,
                    format!("{what} `{}` is not declared", r.value),
                    help,
                );
                None
            }
        }
    }

    /// The component a CNAME or ALIAS reaches: its target may be another record's name,
    /// followed (at most 8 names deep) until a record targets a component.
    fn alias_target(&mut self, target: &Spanned<String>) -> Option<usize> {
        let mut name = target.value.trim_end_matches('.').to_ascii_lowercase();
        for _ in 0..8 {
            match self.record_names.get(&name) {
                Some(next) => match self.ids.get(next) {
                    Some((ElementRef::Component(i), _)) => return Some(*i),
                    _ => name = next.trim_end_matches('.').to_ascii_lowercase(),
                },
                None => break,
            }
        }
        let span = self.span(target);
        self.err(
            "model::unknown-reference",
            span,
            format!(
                "`{}` is neither a component nor the name of a record in this model",
                target.value
            ),
            "point the record at the component that answers (a `cdn` or `load_balancer` with `managed: true` for a provider's name), or add the record it aliases",
        );
        None
    }

    fn component_ref(&mut self, r: &Spanned<String>, what: &str) -> Option<usize> {
        match self.reference(r, what, &[Sort::Component]) {
            Some(ElementRef::Component(i)) => Some(i),
            _ => None,
        }
    }

    fn resolve(mut self, raw: RawModel) -> Result<Model, Vec<ModelError>> {
        let name_span = self.span(&raw.name);
        let name = {
            let max = self.limits.max_string_bytes;
            self.check_string(&raw.name, "the name", max)
        };
        if raw.name.value.trim().is_empty() {
            self.err(
                "model::empty",
                name_span,
                "the system's `name` is empty",
                "write the system's name, e.g. `name: www.foobar.com`",
            );
        }
        let description = self.opt_description(raw.description.as_ref());
        let slo = match &raw.slo {
            Some(s) if !(s.value > 0.0 && s.value < 100.0) || s.value.is_nan() => {
                let span = self.span(s);
                self.err(
                    "model::bad-value",
                    span,
                    format!("`slo: {}` is not a percentage between 0 and 100", s.value),
                    "write the availability target in percent, e.g. `slo: 99.9`",
                );
                None
            }
            Some(s) => Some(s.value),
            None => None,
        };

        if raw.components.is_empty() {
            let span = name_span;
            self.err(
                "model::empty",
                span,
                "the model has no components",
                "describe the system under `components:` (at least the servers that answer requests)",
            );
            return Err(self.errors);
        }

        // Declare every id first, so references may point forwards.
        for (i, key) in raw.domains.keys().enumerate() {
            self.declare(key, ElementRef::Domain(i), "domain");
        }
        for (i, key) in raw.hosts.keys().enumerate() {
            self.declare(key, ElementRef::Host(i), "host");
        }
        for (i, key) in raw.components.keys().enumerate() {
            self.declare(key, ElementRef::Component(i), "component");
        }
        let mut journey_ids: Vec<(String, Span)> = Vec::new();
        for key in raw.journeys.keys() {
            if self.check_id(key, "journey") {
                journey_ids.push((key.value.clone(), self.span(key)));
            }
        }

        let domains = self.resolve_domains(&raw.domains);
        let hosts = self.resolve_hosts(&raw.hosts);
        for comp in raw.components.values() {
            for r in comp.value.records.iter().flat_map(|rs| &rs.value) {
                self.record_names
                    .entry(
                        r.value
                            .name
                            .value
                            .trim_end_matches('.')
                            .to_ascii_lowercase(),
                    )
                    .or_insert_with(|| r.value.target.value.clone());
            }
        }
        let mut components = Vec::with_capacity(raw.components.len());
        for (key, comp) in &raw.components {
            components.push(self.resolve_component(key, comp));
        }
        self.infer_roles(&raw.components, &mut components);

        // Journeys: declared, or derived defaults.
        let mut journeys = Vec::new();
        let has_db = components.iter().any(|c| c.kind == Kind::Database);
        if raw.journeys.is_empty() {
            journeys.push(derived_journey(
                "all",
                "Every request",
                DataAccess::None,
                name_span,
            ));
            if has_db {
                journeys.push(derived_journey("read", "Read", DataAccess::Read, name_span));
                journeys.push(derived_journey(
                    "write",
                    "Write",
                    DataAccess::Write,
                    name_span,
                ));
            }
            // Workers do the background jobs: a journey that starts at them.
            if let Some(w) = components.iter().position(|c| c.kind == Kind::Worker) {
                let mut jobs = derived_journey(
                    "jobs",
                    "Background jobs",
                    if has_db {
                        DataAccess::Write
                    } else {
                        DataAccess::None
                    },
                    name_span,
                );
                jobs.entry = Some(w);
                journeys.push(jobs);
            }
        } else {
            for (key, j) in &raw.journeys {
                let entry = j
                    .value
                    .entry
                    .as_ref()
                    .and_then(|e| self.component_ref(e, "journey entry"));
                if let (Some(e), Some(raw_e)) = (entry, j.value.entry.as_ref())
                    && matches!(components[e].kind, Kind::Monitoring | Kind::AppFiles)
                {
                    let span = self.span(raw_e);
                    self.err(
                        "model::bad-value",
                        span,
                        format!(
                            "`{}` is {} and cannot be where a journey enters",
                            components[e].id,
                            article(components[e].kind)
                        ),
                        "name the client, or the first component requests reach",
                    );
                }
                let label = self.opt_string(j.value.label.as_ref(), "the label");
                let description = self.opt_description(j.value.description.as_ref());
                let data = j.value.data.as_ref().map_or(
                    if has_db {
                        DataAccess::Read
                    } else {
                        DataAccess::None
                    },
                    |d| d.value,
                );
                journeys.push(Journey {
                    id: key.value.clone(),
                    label,
                    description,
                    entry,
                    data,
                    derived: false,
                    span: self.span(key),
                });
            }
        }

        let mut links = self.resolve_links(&raw, &components, &journeys);
        // Pool and VIP members become links, so that every hop has one representation.
        for (ci, c) in components.iter().enumerate() {
            let raw_c = &raw.components[ci].value;
            for (pos, &m) in c.pool.iter().enumerate() {
                let span = raw_c
                    .pool
                    .as_ref()
                    .and_then(|p| p.value.get(pos))
                    .map_or(c.span, |s| self.span(s));
                links.push(Link {
                    from: ci,
                    to: m,
                    endpoint: c.backend.clone(),
                    label: None,
                    optional: false,
                    is_async: false,
                    journeys: None,
                    origin: LinkOrigin::Pool,
                    span,
                });
            }
            for (pos, &m) in c.members.iter().enumerate() {
                let span = raw_c
                    .members
                    .as_ref()
                    .and_then(|p| p.value.get(pos))
                    .map_or(c.span, |s| self.span(s));
                links.push(Link {
                    from: ci,
                    to: m,
                    endpoint: Endpoint::default(),
                    label: None,
                    optional: false,
                    is_async: false,
                    journeys: None,
                    origin: LinkOrigin::Member,
                    span,
                });
            }
        }

        let mut ignores = Vec::new();
        self.resolve_ignores("", raw.ignore.as_ref(), true, &mut ignores);
        for (key, d) in &raw.domains {
            self.resolve_ignores(&key.value, d.value.ignore.as_ref(), false, &mut ignores);
        }
        for (key, h) in &raw.hosts {
            self.resolve_ignores(&key.value, h.value.ignore.as_ref(), false, &mut ignores);
        }
        for (key, c) in &raw.components {
            self.resolve_ignores(&key.value, c.value.ignore.as_ref(), false, &mut ignores);
        }
        ignores.sort_by_key(|i| i.span.offset);

        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| e.span.map_or(0, |s| s.offset));
            return Err(self.errors);
        }
        let mut on_host = vec![Vec::new(); hosts.len()];
        for (i, c) in components.iter().enumerate() {
            if let Some(h) = c.host {
                on_host[h].push(i);
            }
        }
        Ok(Model {
            file: self.file.to_owned(),
            source: Arc::clone(self.src),
            name,
            name_span,
            description,
            slo,
            domains,
            hosts,
            components,
            links,
            journeys,
            ignores,
            on_host,
        })
    }

    /// The `ignore:` entries of one element (`element` is its id, "" for the model), checked
    /// for shape; whether they name a rule is the lint engine's business.
    fn resolve_ignores(
        &mut self,
        element: &str,
        raw: Option<&Vec<Spanned<super::schema::RawIgnore>>>,
        top_level: bool,
        out: &mut Vec<Ignore>,
    ) {
        for entry in raw.into_iter().flatten() {
            let e = &entry.value;
            let mut element = element.to_owned();
            if let Some(el) = &e.element {
                if top_level {
                    if self
                        .reference(el, "element", &[Sort::Domain, Sort::Host, Sort::Component])
                        .is_some()
                    {
                        element = el.value.clone();
                    }
                } else {
                    let span = self.span(el);
                    self.err(
                        "model::misplaced-field",
                        span,
                        "`element` only belongs in the model's top-level `ignore:` list",
                        "an `ignore:` entry on an element is about that element; remove `element:`",
                    );
                }
            }
            let until = e.until.as_ref().and_then(|u| {
                let date = parse_date(&u.value);
                if date.is_none() {
                    let span = self.span(u);
                    self.err(
                        "model::bad-value",
                        span,
                        format!("`{}` is not a date", u.value.escape_debug()),
                        "write the last day the suppression applies as YYYY-MM-DD, e.g. `until: 2027-01-31`",
                    );
                }
                date
            });
            let reason = e
                .reason
                .as_ref()
                .map(|r| self.check_string(r, "the reason", 4096))
                .filter(|r| !r.trim().is_empty());
            let rule = self.check_string(&e.rule, "the rule", 256);
            out.push(Ignore {
                element,
                rule,
                reason,
                until,
                span: self.span(entry),
                rule_span: self.span(&e.rule),
            });
        }
    }

    fn resolve_domains(&mut self, raw: &IdMap<super::schema::RawDomain>) -> Vec<Domain> {
        let mut out = Vec::with_capacity(raw.len());
        for (key, d) in raw {
            let parent = d.value.parent.as_ref().and_then(|p| {
                match self.reference(p, "parent domain", &[Sort::Domain]) {
                    Some(ElementRef::Domain(i)) => Some(i),
                    _ => None,
                }
            });
            let label = self.opt_string(d.value.label.as_ref(), "the label");
            let availability = self.availability(d.value.availability.as_ref());
            out.push(Domain {
                id: key.value.clone(),
                span: self.span(key),
                kind: d.value.kind.value,
                label,
                parent,
                availability,
            });
        }
        // A domain may not contain itself.
        for start in 0..out.len() {
            let mut seen = HashSet::new();
            let mut cur = Some(start);
            while let Some(d) = cur {
                if !seen.insert(d) {
                    let span = out[start].span;
                    let id = out[start].id.clone();
                    self.err(
                        "model::cycle",
                        span,
                        format!("domain `{id}` is inside itself (its `parent` chain loops)"),
                        "a domain's parent must be a larger domain (a rack in a zone in a region)",
                    );
                    out[start].parent = None;
                    break;
                }
                cur = out[d].parent;
            }
        }
        out
    }

    fn resolve_hosts(&mut self, raw: &IdMap<super::schema::RawHost>) -> Vec<Host> {
        let mut out = Vec::with_capacity(raw.len());
        for (key, h) in raw {
            let h = &h.value;
            let domain = h.domain.as_ref().and_then(|d| {
                match self.reference(d, "domain", &[Sort::Domain]) {
                    Some(ElementRef::Domain(i)) => Some(i),
                    _ => None,
                }
            });
            let mut fields = BTreeMap::new();
            if let Some(d) = &h.domain {
                fields.insert("domain", self.span(d));
            }
            if let Some(p) = &h.public {
                fields.insert("public", self.span(p));
            }
            let label = self.opt_string(h.label.as_ref(), "the label");
            let description = self.opt_description(h.description.as_ref());
            out.push(Host {
                id: key.value.clone(),
                span: self.span(key),
                label,
                description,
                domain,
                public: h.public.as_ref().map(|p| p.value),
                availability: self.availability(h.availability.as_ref()),
                fields,
            });
        }
        out
    }

    #[allow(clippy::too_many_lines)]
    fn resolve_component(
        &mut self,
        key: &Spanned<String>,
        comp: &Spanned<RawComponent>,
    ) -> Component {
        let c = &comp.value;
        let kind = c.kind.value;
        let id = key.value.clone();
        let mut fields = BTreeMap::new();
        macro_rules! field {
            ($name:literal, $f:expr) => {
                if let Some(v) = &$f {
                    fields.insert($name, self.span(v));
                }
            };
        }
        field!("kind", Some(&c.kind));
        field!("host", c.host);
        field!("pool", c.pool);
        field!("algorithm", c.algorithm);
        field!("mode", c.mode);
        field!("health_checks", c.health_checks);
        field!("backup", c.backup);
        field!("backend", c.backend);
        field!("members", c.members);
        field!("role", c.role);
        field!("replica_of", c.replica_of);
        field!("replication", c.replication);
        field!("failover", c.failover);
        field!("records", c.records);
        field!("allow", c.allow);
        field!("reports_to", c.reports_to);
        field!("monitors", c.monitors);
        field!("certificate", c.certificate);
        field!("software", c.software);
        field!("managed", c.managed);
        field!("provider", c.provider);
        field!("zones", c.zones);
        field!("replicas", c.replicas);
        field!("spread", c.spread);
        field!("hosts", c.hosts);
        field!("min_healthy", c.min_healthy);
        field!("quorum", c.quorum);
        field!("failover_by", c.failover_by);
        field!("protects", c.protects);
        field!("network", c.network);
        field!("availability", c.availability);

        // Where each field belongs: one table rather than a check per field.
        let balanced = c.pool.is_some() || kind == Kind::VirtualIp;
        let not_a_pool =
            |name: &str| format!("`{name}` describes a pool, but `{id}` has no `pool`");
        let add_pool = "add `pool: [...]` listing the members, or remove this field";
        let failover_ok = kind == Kind::VirtualIp
            || (kind == Kind::Database
                && c.replica_of.is_none()
                && c.role.as_ref().map(|r| r.value) != Some(Role::Replica));
        let failover_help = if kind == Kind::Database {
            "failover is a property of the primary: set `failover` there"
        } else {
            "`failover` belongs to a database primary or a virtual IP"
        };
        let misplaced: [(&str, bool, String, &str); 24] = [
            (
                "zones",
                c.managed.as_ref().is_some_and(|m| m.value) || kind == Kind::Cdn || kind == Kind::ObjectStorage,
                format!("`zones` lists where a managed service runs, but `{id}` is not `managed: true`"),
                "add `managed: true`, or place your own instances with `replicas:` and `spread:`",
            ),
            (
                "spread",
                c.replicas.is_some(),
                format!("`spread` places the instances of a replica group, but `{id}` has no `replicas`"),
                "add `replicas: N`, or remove `spread`",
            ),
            (
                "hosts",
                c.replicas.is_some(),
                format!("`hosts` places the instances of a replica group, but `{id}` has no `replicas`"),
                "add `replicas: N`, or use `host:` for a single instance",
            ),
            (
                "min_healthy",
                c.replicas.is_some(),
                format!("`min_healthy` counts the instances of a replica group, but `{id}` has no `replicas`"),
                "add `replicas: N`; for a pool of named members use `quorum:`",
            ),
            (
                "quorum",
                c.pool.is_some(),
                format!("`quorum` counts the members of a pool, but `{id}` has no `pool`"),
                "list the members with `pool: [...]`; for identical instances use `replicas:` and `min_healthy:`",
            ),
            (
                "failover_by",
                c.failover.as_ref().is_some_and(|f| f.value == Failover::Automatic),
                "`failover_by` names what performs an automatic failover, but `failover` is not `automatic`".to_owned(),
                "set `failover: automatic`, or remove `failover_by`",
            ),
            (
                "protects",
                kind == Kind::Firewall,
                format!("{} protects nothing", article(kind)),
                "`protects` belongs to a `firewall` (a security group)",
            ),
            (
                "network",
                kind == Kind::Client,
                "`network` says where a client sits".to_owned(),
                "`network: internal` belongs to a `client` (an office or VPN user)",
            ),
            (
                "host",
                kind != Kind::Client,
                "a client is outside the system and runs on no host of it".to_owned(),
                "remove `host:` from the client",
            ),
            (
                "host",
                kind != Kind::VirtualIp,
                "a virtual IP moves between its members' hosts; it has no host of its own"
                    .to_owned(),
                "remove `host:`; the members' hosts are where the address lives",
            ),
            (
                "pool",
                kind.can_balance(),
                format!("{} cannot have a `pool`", article(kind)),
                "a pool belongs to a load balancer, a web server acting as a reverse proxy, an app server or `other`",
            ),
            ("algorithm", balanced, not_a_pool("algorithm"), add_pool),
            ("mode", balanced, not_a_pool("mode"), add_pool),
            (
                "health_checks",
                balanced,
                not_a_pool("health_checks"),
                add_pool,
            ),
            ("backend", balanced, not_a_pool("backend"), add_pool),
            (
                "backup",
                matches!(kind, Kind::Database | Kind::Cache),
                format!("{} holds no data to back up", article(kind)),
                "`backup` belongs to a `database` or a `cache`",
            ),
            (
                "members",
                kind == Kind::VirtualIp,
                format!("{} has no `members`", article(kind)),
                "`members` belongs to a `virtual_ip`; a balancer lists its backends under `pool`",
            ),
            (
                "replica_of",
                kind == Kind::Database,
                format!("{} cannot be a replica", article(kind)),
                "only a database can be a replica; remove `replica_of`",
            ),
            (
                "replication",
                c.replica_of.is_some(),
                "`replication` describes a replica, but this component has no `replica_of`"
                    .to_owned(),
                "set `replica_of: <primary>` or remove `replication`",
            ),
            (
                "failover",
                failover_ok,
                format!("{} does not take `failover` here", article(kind)),
                failover_help,
            ),
            (
                "records",
                kind == Kind::Dns,
                format!("{} holds no DNS records", article(kind)),
                "put `records` on a component of kind `dns`",
            ),
            (
                "allow",
                kind == Kind::Firewall,
                format!("{} has no `allow` list", article(kind)),
                "`allow` lists the ports a `firewall` admits",
            ),
            (
                "reports_to",
                kind == Kind::Monitoring,
                format!("{} does not report to a monitoring server", article(kind)),
                "model the agent as its own component: `kind: monitoring`, `role: agent`, `host: ...`, `reports_to: ...`",
            ),
            (
                "monitors",
                kind == Kind::Monitoring,
                format!("{} does not monitor anything", article(kind)),
                "`monitors` belongs to a `monitoring` component",
            ),
        ];
        for (field, allowed, message, help) in misplaced {
            if !allowed && let Some(&span) = fields.get(field) {
                self.err("model::bad-field", span, message, help);
            }
        }

        let host = c
            .host
            .as_ref()
            .and_then(|h| match self.reference(h, "host", &[Sort::Host]) {
                Some(ElementRef::Host(i)) => Some(i),
                _ => None,
            });

        // Balancing.
        let mut pool = Vec::new();
        if let Some(p) = &c.pool {
            if kind.can_balance() && p.value.is_empty() {
                let span = self.field_or_key(p, key);
                self.err(
                    "model::empty-pool",
                    span,
                    format!("load balancer `{id}` has an empty pool"),
                    "list the members it sends requests to, e.g. `pool: [web-1, web-2]`",
                );
            }
            pool = self.member_list(p, &id, "pool member");
        }
        let backend = c.backend.as_ref().map_or_else(Endpoint::default, |b| {
            self.endpoint(
                b.value.protocol.as_ref(),
                b.value.port.as_ref(),
                b.value.tls.as_ref(),
            )
        });

        // Virtual IP members.
        let mut members = Vec::new();
        if let Some(ms) = &c.members {
            if kind == Kind::VirtualIp {
                if ms.value.is_empty() {
                    let span = self.field_or_key(ms, key);
                    self.err(
                        "model::empty-pool",
                        span,
                        format!("virtual IP `{id}` has no members"),
                        "list the components that can hold the address, active one first",
                    );
                }
                members = self.member_list(ms, &id, "member");
            }
        } else if kind == Kind::VirtualIp {
            let span = self.span(key);
            self.err("model::missing-field", span, format!("virtual IP `{id}` has no `members`"), "list the components that can hold the address, active one first: `members: [lb-1, lb-2]`");
        }

        // Roles.
        let role = c.role.as_ref().map(|r| r.value);
        if let Some(r) = &c.role {
            let ok = match kind {
                Kind::Database => {
                    matches!(r.value, Role::Primary | Role::Replica | Role::Standalone)
                }
                Kind::Monitoring => matches!(r.value, Role::Server | Role::Agent),
                _ => false,
            };
            if !ok {
                let span = self.span(r);
                let help = match kind {
                    Kind::Database => "a database is `primary`, `replica` or `standalone`",
                    Kind::Monitoring => "a monitoring component is a `server` or an `agent`",
                    _ => "only databases and monitoring components have a role",
                };
                self.err(
                    "model::bad-value",
                    span,
                    format!("this role does not fit {}", article(kind)),
                    help,
                );
            }
        }
        let replica_of = c
            .replica_of
            .as_ref()
            .and_then(|r| self.component_ref(r, "replica source"));
        if role == Some(Role::Replica) && c.replica_of.is_none() {
            let span = fields
                .get("role")
                .copied()
                .unwrap_or_else(|| self.span(key));
            self.err(
                "model::missing-field",
                span,
                format!("replica `{id}` does not say what it replicates"),
                "add `replica_of: <primary id>`",
            );
        }
        if c.replica_of.is_some() && matches!(role, Some(Role::Primary | Role::Standalone)) {
            let span = fields["role"];
            self.err(
                "model::bad-value",
                span,
                format!("`{id}` has `replica_of` but its role is not `replica`"),
                "set `role: replica` (or leave `role` out)",
            );
        }

        // DNS records.
        let mut records = Vec::new();
        if kind == Kind::Dns
            && let Some(rs) = &c.records
        {
            for r in &rs.value {
                let aliasing = matches!(
                    r.value.record_type.as_ref().map(|t| t.value),
                    Some(RecordType::Cname | RecordType::Alias)
                );
                let target = if aliasing && !self.ids.contains_key(&r.value.target.value) {
                    self.alias_target(&r.value.target)
                } else {
                    self.component_ref(&r.value.target, "record target")
                };
                let name = {
                    let max = self.limits.max_string_bytes;
                    self.check_string(&r.value.name, "the record name", max)
                };
                if let Some(t) = target {
                    records.push(Record {
                        name,
                        record_type: r
                            .value
                            .record_type
                            .as_ref()
                            .map_or(RecordType::A, |t| t.value),
                        target: t,
                        span: self.span(r).or_rest_of_line(self.src),
                    });
                }
            }
        }

        // Firewall rules.
        let mut allow_rules = Vec::new();
        if let Some(a) = &c.allow {
            for entry in &a.value {
                let span = self.span(entry);
                let (port, from, protocol) = match &entry.value {
                    super::schema::RawAllow::Port(p) => (*p, None, None),
                    super::schema::RawAllow::Rule(r) => {
                        (r.port, r.from.as_deref(), r.protocol.clone())
                    }
                };
                if port == 0 {
                    self.err(
                        "model::bad-value",
                        span,
                        "port 0 is not a port",
                        "use the port the firewall admits, 1 to 65535",
                    );
                }
                let source = match from {
                    None => Source::Internet,
                    Some(f) => self.source(f, span),
                };
                allow_rules.push(AllowRule {
                    port,
                    from: source,
                    from_written: from.is_some(),
                    protocol,
                    span,
                });
            }
        }
        let allow = c
            .allow
            .as_ref()
            .map(|_| allow_rules.iter().map(|r| r.port).collect::<Vec<_>>());
        let mut protects = Vec::new();
        if let Some(ps) = &c.protects {
            for p in &ps.value {
                if let Some(el) = self.reference(
                    p,
                    "protected element",
                    &[Sort::Host, Sort::Component, Sort::Domain],
                ) {
                    protects.push(el);
                }
            }
        }
        let managed = c.managed.as_ref().is_some_and(|m| m.value);
        let zones = self.domain_list(c.zones.as_ref(), "zone");
        let spread = self.domain_list(c.spread.as_ref(), "spread domain");
        let mut placement_hosts = Vec::new();
        if let Some(hs) = &c.hosts {
            for h in &hs.value {
                if let Some(ElementRef::Host(i)) = self.reference(h, "host", &[Sort::Host]) {
                    placement_hosts.push(i);
                }
            }
        }
        let replicas = c.replicas.as_ref().map(|r| r.value);
        if let Some(r) = &c.replicas
            && r.value == 0
        {
            let span = self.span(r);
            self.err(
                "model::bad-value",
                span,
                "`replicas: 0` runs nothing",
                "write how many instances run, at least 1",
            );
        }
        if let Some(k) = &c.min_healthy {
            let n = replicas.unwrap_or(1);
            if k.value == 0 || k.value > n {
                let span = self.span(k);
                self.err(
                    "model::bad-value",
                    span,
                    format!("`min_healthy: {}` is not between 1 and the {n} replicas", k.value),
                    "write how many instances must be up to carry the peak load, e.g. `min_healthy: 2` of `replicas: 3`",
                );
            }
        }
        if let Some(q) = &c.quorum {
            let n = c.pool.as_ref().map_or(0, |p| p.value.len());
            if c.pool.is_some() && (q.value == 0 || q.value as usize > n) {
                let span = self.span(q);
                self.err(
                    "model::bad-value",
                    span,
                    format!(
                        "`quorum: {}` is not between 1 and the {n} members of the pool",
                        q.value
                    ),
                    "write how many members must be up, e.g. `quorum: 2` of 3",
                );
            }
        }
        if c.host.is_some() && (c.spread.is_some() || c.hosts.is_some()) {
            let span = fields["host"];
            self.err(
                "model::conflict",
                span,
                format!("`{id}` has both `host:` and a placement for its replicas"),
                "place a replica group with `spread:` (domains) or `hosts:` (a list), not `host:`",
            );
        }
        let failover_by = c
            .failover_by
            .as_ref()
            .and_then(|r| self.component_ref(r, "failover performer"));
        let provider = self.opt_string(c.provider.as_ref(), "the provider");
        // Monitoring.
        let reports_to = c
            .reports_to
            .as_ref()
            .and_then(|r| self.component_ref(r, "monitoring server"));
        let mut monitors = Vec::new();
        if kind == Kind::Monitoring
            && let Some(ms) = &c.monitors
        {
            for m in &ms.value {
                match self.reference(m, "monitored element", &[Sort::Host, Sort::Component]) {
                    Some(ElementRef::Host(h)) => monitors.push(MonitorTarget::Host(h)),
                    Some(ElementRef::Component(ci)) => monitors.push(MonitorTarget::Component(ci)),
                    _ => {}
                }
            }
        }

        let label = self.opt_string(c.label.as_ref(), "the label");
        let description = self.opt_description(c.description.as_ref());
        let software = self.opt_string(c.software.as_ref(), "the software");
        let certificate = self.opt_string(c.certificate.as_ref(), "the certificate");

        Component {
            id,
            span: self.span(key),
            kind,
            label,
            description,
            software,
            host,
            pool,
            algorithm: c.algorithm.as_ref().map(|a| a.value),
            mode: c.mode.as_ref().map_or(Mode::ActiveActive, |m| m.value),
            health_checks: c.health_checks.as_ref().map(|h| h.value),
            backup: c.backup.as_ref().map(|b| b.value),
            backend,
            members,
            role,
            replica_of,
            replication: c.replication.as_ref().map(|r| r.value),
            failover: c.failover.as_ref().map_or(Failover::None, |f| f.value),
            records,
            allow,
            allow_rules,
            protects,
            managed,
            provider,
            zones,
            replicas,
            spread,
            placement_hosts,
            min_healthy: c.min_healthy.as_ref().map(|k| k.value),
            quorum: c.quorum.as_ref().map(|q| q.value),
            failover_by,
            network: c.network.as_ref().map(|n| n.value),
            reports_to,
            monitors,
            certificate,
            availability: self.availability(c.availability.as_ref()),
            fields,
        }
    }

    /// A list of failure domains (`zones:`, `spread:`), each declared and listed once.
    fn domain_list(
        &mut self,
        list: Option<&Spanned<Vec<Spanned<String>>>>,
        what: &str,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for d in list.map(|l| l.value.as_slice()).unwrap_or_default() {
            if let Some(ElementRef::Domain(i)) = self.reference(d, what, &[Sort::Domain]) {
                if out.contains(&i) {
                    let span = self.span(d);
                    self.err(
                        "model::duplicate-reference",
                        span,
                        format!("`{}` is listed twice", d.value),
                        "list each domain once",
                    );
                } else {
                    out.push(i);
                }
            }
        }
        out
    }

    /// The source of a firewall rule: `internet`/`any`, a CIDR, or a component or host id.
    fn source(&mut self, from: &str, span: Span) -> Source {
        let f = from.trim();
        if matches!(
            f.to_ascii_lowercase().as_str(),
            "internet" | "any" | "anywhere" | "0.0.0.0/0" | "::/0" | "*"
        ) {
            return Source::Internet;
        }
        if f.contains('/')
            && f.chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | ':' | '/'))
        {
            return Source::Cidr(f.to_owned());
        }
        if f.chars().all(|c| c.is_ascii_digit() || c == '.') && f.contains('.') {
            return Source::Cidr(format!("{f}/32"));
        }
        match self.ids.get(f).copied() {
            Some((
                el @ (ElementRef::Component(_) | ElementRef::Host(_) | ElementRef::Domain(_)),
                _,
            )) => Source::Element(el),
            None => {
                self.err(
                    "model::unknown-reference",
                    span,
                    format!("firewall source `{f}` is not declared"),
                    "write `from: internet`, a CIDR such as `10.0.0.0/8`, or the id of a component or host",
                );
                Source::Internet
            }
        }
    }

    /// An availability in percent: more than 0, at most 100.
    fn availability(&mut self, a: Option<&Spanned<f64>>) -> Option<f64> {
        let a = a?;
        if a.value > 0.0 && a.value <= 100.0 {
            Some(a.value)
        } else {
            let span = self.span(a);
            self.err(
                "model::bad-value",
                span,
                format!("availability {} is not a percentage", a.value),
                "write the availability in percent, more than 0 and at most 100, e.g. `availability: 99.95`",
            );
            None
        }
    }

    /// Resolves the members of a pool or a virtual IP: each one declared, listed once, and not
    /// the owner itself.
    fn member_list(
        &mut self,
        list: &Spanned<Vec<Spanned<String>>>,
        owner: &str,
        what: &str,
    ) -> Vec<usize> {
        let mut out = Vec::with_capacity(list.value.len());
        let mut seen = HashSet::with_capacity(list.value.len());
        for m in &list.value {
            let Some(mi) = self.component_ref(m, what) else {
                continue;
            };
            let span = self.span(m);
            if m.value == owner {
                self.err(
                    "model::bad-reference",
                    span,
                    format!("`{owner}` lists itself as its own {what}"),
                    "list the components requests are sent on to",
                );
            } else if !seen.insert(mi) {
                self.err(
                    "model::duplicate-reference",
                    span,
                    format!("`{}` is listed twice in `{owner}`", m.value),
                    "list each member once",
                );
            } else {
                out.push(mi);
            }
        }
        out
    }

    fn field_or_key<T>(&self, field: &Spanned<T>, key: &Spanned<String>) -> Span {
        let s = self.span(field);
        if s.len == 0 { self.span(key) } else { s }
    }

    /// Protocol, port and TLS of a link or a balancer's backend; `https` is normalised to
    /// `http` with TLS.
    fn endpoint(
        &mut self,
        protocol: Option<&Spanned<String>>,
        port: Option<&Spanned<u16>>,
        tls: Option<&Spanned<bool>>,
    ) -> Endpoint {
        let protocol = self.opt_string(protocol, "the protocol");
        let mut protocol = protocol.map(|p| p.to_ascii_lowercase());
        let mut tls_value = tls.map(|t| t.value);
        if protocol.as_deref() == Some("https") {
            if tls_value == Some(false) {
                let span = tls.map_or(Span::default(), |t| self.span(t));
                self.err("model::conflict", span, "`protocol: https` with `tls: false`", "HTTPS is HTTP over TLS: write `protocol: http` and `tls: true`, or `tls: false` for plain HTTP");
            }
            protocol = Some("http".to_owned());
            tls_value = Some(true);
        }
        if let Some(p) = port.filter(|p| p.value == 0) {
            let span = self.span(p);
            self.err(
                "model::bad-value",
                span,
                "port 0 is not a port",
                "use the port the service listens on, 1 to 65535",
            );
        }
        Endpoint {
            protocol,
            port: port.map(|p| p.value),
            tls: tls_value,
        }
    }

    fn resolve_links(
        &mut self,
        raw: &RawModel,
        components: &[Component],
        journeys: &[Journey],
    ) -> Vec<Link> {
        let mut out = Vec::with_capacity(raw.links.len());
        let mut seen: HashMap<(usize, usize), Span> = HashMap::new();
        for l in &raw.links {
            let start = self.span(l).offset;
            let span = Span::new(start, 0).or_rest_of_line(self.src);
            let from = self.component_ref(&l.value.from, "link source");
            let to = self.component_ref(&l.value.to, "link target");
            let endpoint = self.endpoint(
                l.value.protocol.as_ref(),
                l.value.port.as_ref(),
                l.value.tls.as_ref(),
            );
            let label = self.opt_string(l.value.label.as_ref(), "the label");
            let link_journeys = l.value.journeys.as_ref().map(|js| {
                js.value
                    .iter()
                    .filter_map(|j| {
                        let found = journeys.iter().position(|x| x.id == j.value);
                        if found.is_none() {
                            let span = self.span(j);
                            let help = match did_you_mean(
                                &j.value,
                                journeys.iter().map(|x| x.id.as_str()),
                            ) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => format!(
                                    "the journeys are: {}",
                                    journeys
                                        .iter()
                                        .map(|x| format!("`{}`", x.id))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            };
                            self.err(
                                "model::unknown-reference",
                                span,
                                format!("journey `{}` is not declared", j.value),
                                help,
                            );
                        }
                        found
                    })
                    .collect::<Vec<_>>()
            });
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            let from_c = &components[from];
            let to_c = &components[to];
            if from == to {
                self.err(
                    "model::bad-reference",
                    span,
                    format!("link from `{}` to itself", from_c.id),
                    "a link connects two different components",
                );
                continue;
            }
            if to_c.kind == Kind::Client {
                self.err("model::bad-reference", span, format!("link into the client `{}`", to_c.id), "links point the way requests go: from the client into the system; responses need no link");
                continue;
            }
            if from_c.kind == Kind::Dns {
                let targets: Vec<String> = from_c
                    .records
                    .iter()
                    .map(|r| format!("`{}`", components[r.target].id))
                    .collect();
                let help = if targets.is_empty() {
                    format!(
                        "remove this link; give `{}` a record whose `target:` is `{}`, and link the client to `{}`",
                        from_c.id, to_c.id, to_c.id
                    )
                } else {
                    format!(
                        "remove this link: the client looks the name up, then connects to the record's target ({}) itself",
                        targets.join(", ")
                    )
                };
                self.err(
                    "model::link-from-dns",
                    span,
                    format!(
                        "link from the DNS `{}` to `{}`: requests do not flow through DNS",
                        from_c.id, to_c.id
                    ),
                    help,
                );
                continue;
            }
            if from_c.pool.contains(&to) {
                self.err("model::duplicate-reference", span, format!("`{}` is already in the pool of `{}`", to_c.id, from_c.id), "remove this link; set protocol and port for the pool with `backend:` on the balancer");
                continue;
            }
            if from_c.members.contains(&to) {
                self.err(
                    "model::duplicate-reference",
                    span,
                    format!("`{}` is already a member of `{}`", to_c.id, from_c.id),
                    "remove this link; a virtual IP reaches its members through `members:`",
                );
                continue;
            }
            if let Some(prev) = seen.get(&(from, to))
                && l.value.journeys.is_none()
            {
                let (line, _) = super::span::line_col(self.src, prev.offset);
                self.err("model::duplicate-link", span, format!("second link from `{}` to `{}` (the first is on line {line})", from_c.id, to_c.id), "keep one link per pair; restrict a link to some journeys with `journeys: [...]`");
                continue;
            }
            seen.insert((from, to), span);
            out.push(Link {
                from,
                to,
                endpoint,
                label,
                optional: l.value.optional.as_ref().is_some_and(|o| o.value),
                is_async: l.value.is_async.as_ref().is_some_and(|o| o.value),
                journeys: link_journeys,
                origin: LinkOrigin::Declared,
                span,
            });
        }
        out
    }

    /// Fills in database roles that follow from `replica_of`, and checks replication sources.
    fn infer_roles(&mut self, raw: &IdMap<RawComponent>, components: &mut [Component]) {
        let has_replicas: HashSet<usize> = components.iter().filter_map(|c| c.replica_of).collect();
        for i in 0..components.len() {
            if components[i].kind != Kind::Database {
                if components[i].kind == Kind::Monitoring && components[i].role.is_none() {
                    components[i].role = Some(if components[i].reports_to.is_some() {
                        Role::Agent
                    } else {
                        Role::Server
                    });
                }
                continue;
            }
            if let Some(src) = components[i].replica_of {
                let span = raw[i]
                    .value
                    .replica_of
                    .as_ref()
                    .map_or(components[i].span, |r| self.span(r));
                if components[src].kind != Kind::Database {
                    let msg = format!(
                        "`{}` is a replica of `{}`, which is {}, not a database",
                        components[i].id,
                        components[src].id,
                        article(components[src].kind)
                    );
                    self.err(
                        "model::bad-reference",
                        span,
                        msg,
                        "`replica_of` names the database this one copies",
                    );
                }
                if components[i].role.is_none() {
                    components[i].role = Some(Role::Replica);
                }
                // Replication must not loop.
                let mut seen = HashSet::from([i]);
                let mut cur = components[src].replica_of;
                while let Some(c) = cur {
                    if !seen.insert(c) {
                        let msg = format!(
                            "replication loop: `{}` ends up replicating itself",
                            components[i].id
                        );
                        self.err(
                            "model::cycle",
                            span,
                            msg,
                            "a chain of replicas must end at a primary",
                        );
                        components[i].replica_of = None;
                        break;
                    }
                    cur = components[c].replica_of;
                }
            } else if components[i].role.is_none() {
                components[i].role = Some(if has_replicas.contains(&i) {
                    Role::Primary
                } else {
                    Role::Standalone
                });
            }
            if has_replicas.contains(&i) && components[i].role == Some(Role::Standalone) {
                let span = components[i].field_span("role");
                let msg = format!(
                    "`{}` is `standalone` but other databases replicate it",
                    components[i].id
                );
                self.err("model::bad-value", span, msg, "set `role: primary`");
            }
        }
    }
}

/// A date written `YYYY-MM-DD`, checked for a real day of a real month.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > days {
        return None;
    }
    Some((i32::try_from(y).ok()?, m, d))
}

fn derived_journey(id: &str, label: &str, data: DataAccess, span: Span) -> Journey {
    Journey {
        id: id.to_owned(),
        label: Some(label.to_owned()),
        description: None,
        entry: None,
        data,
        derived: true,
        span,
    }
}

/// "a load balancer", "an app server"...
pub(crate) fn article(kind: Kind) -> String {
    let noun = kind.as_str().replace('_', " ");
    let an = matches!(noun.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u'));
    format!("{} {noun}", if an { "an" } else { "a" })
}

/// The sorts of element a reference may name.
#[derive(Debug, Clone, Copy)]
enum Sort {
    Domain,
    Host,
    Component,
}

impl Sort {
    fn matches(self, el: ElementRef) -> bool {
        matches!(
            (self, el),
            (Sort::Domain, ElementRef::Domain(_))
                | (Sort::Host, ElementRef::Host(_))
                | (Sort::Component, ElementRef::Component(_))
        )
    }
    fn of(el: ElementRef) -> Self {
        match el {
            ElementRef::Domain(_) => Sort::Domain,
            ElementRef::Host(_) => Sort::Host,
            ElementRef::Component(_) => Sort::Component,
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Sort::Domain => "a domain",
            Sort::Host => "a host",
            Sort::Component => "a component",
        }
    }
    fn section(self) -> &'static str {
        match self {
            Sort::Domain => "domains",
            Sort::Host => "hosts",
            Sort::Component => "components",
        }
    }
}
