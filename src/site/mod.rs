//! The documentation site: Markdown pages and models become static HTML pages (an index with
//! every model's health, a page per model with its diagram, whiteboard, user journey,
//! components and findings, a page per rule), with the theme's templates. The site is built
//! in memory, then written to a temporary directory that replaces the output directory, so a
//! failed build never leaves half a site, and two builds of the same input are byte-identical.

pub mod markdown;
pub mod output;
pub mod theme;

pub use output::write;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::Value;
use serde::Serialize;

use crate::Model;
use crate::escape::xml;
use crate::lint::{LintOptions, Severity, registry};
use crate::model::files::{display_path, files_under, is_model_file_name};
use crate::model::{Limits, ModelError, load_file, suggest::did_you_mean};
use crate::policy::ConfigCache;
use crate::render::journey::user_journey;
use crate::render::{Scene, TextOptions, component_line, svg::svg, whiteboard};
use crate::report::ModelReport;

use theme::Theme;

/// The file that marks a directory as built by archdoc (and so safe to replace).
pub const MARKER: &str = ".archdoc-build";

/// What to build.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The site's title.
    pub title: String,
    /// The URL the site is served from, ending in `/` (for canonical links), if known.
    pub base_url: Option<String>,
    /// The directory of Markdown pages (it may not exist).
    pub pages: PathBuf,
    /// The directory of models (it may not exist).
    pub models: PathBuf,
    /// A theme directory overriding the built-in theme file by file (it may not exist).
    pub theme: Option<PathBuf>,
    /// Show a model that does not load as a page of errors instead of failing the build.
    pub tolerant: bool,
    /// A script to add to every page (the live reload of `archdoc serve`).
    pub extra_script: Option<String>,
    /// Fail the build on a link or image in a page that points to no file of the site, or
    /// to an anchor its page does not have (`--no-link-check` turns it off).
    pub check_links: bool,
    /// The order and sections of pages in the navigation (`site.nav`), and the file that
    /// says so; empty for a `SUMMARY.md` in the pages directory, else file name order.
    pub nav: Vec<crate::policy::NavEntry>,
    /// The configuration file `nav` comes from (for errors).
    pub nav_file: String,
}

/// A built site: output paths (relative, `/`-separated) and their bytes.
#[derive(Debug, Default)]
pub struct Site {
    /// The files, sorted by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Models that did not load (when tolerant), by file.
    pub broken_models: Vec<String>,
}

/// Template values by name.
type PageValues = BTreeMap<&'static str, Value>;

/// A model loaded and checked, or why it did not load.
type Loaded = Result<(Model, ModelReport), Vec<ModelError>>;

/// One model as the site shows it.
struct SiteModel {
    file: String,
    stem: String,
    url: String,
    loaded: Arc<Loaded>,
    /// What the model's page depends on besides the page context (for [`BuildCache`]).
    key: [u8; 32],
}

/// What `archdoc serve` keeps between builds so that an edit to one model re-checks and
/// re-renders that model's page only: each model's check, by the hash of its bytes and its
/// configuration; each model page's drawings and findings, by that alone; and each model page,
/// by that and the hash of its page context (the navigation). The theme
/// is not part of the key: clear the cache when it changes.
#[derive(Default)]
pub struct BuildCache {
    models: HashMap<String, ([u8; 32], Arc<Loaded>)>,
    pages: HashMap<String, ([u8; 32], String)>,
    /// A model page's own values (drawings, findings), by the model's key alone.
    model_values: HashMap<String, ([u8; 32], Arc<PageValues>)>,
    /// A model's distinct search words, by the model's key.
    model_terms: HashMap<String, ([u8; 32], Arc<Vec<String>>)>,
}

impl BuildCache {
    /// Forgets everything (after the theme or the configuration changed).
    pub fn clear(&mut self) {
        self.models.clear();
        self.pages.clear();
        self.model_values.clear();
        self.model_terms.clear();
    }
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

#[derive(Serialize, Clone)]
struct NavItem {
    title: String,
    url: String,
    badge: String,
    badge_class: String,
    /// How deep it is nested under the item above (0 for a top-level entry).
    depth: usize,
}

#[derive(Serialize, Clone)]
struct NavSection {
    title: String,
    items: Vec<NavItem>,
}

#[derive(Serialize)]
struct SearchEntry {
    t: String,
    u: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    p: String,
}

/// Full-text search: every word of a page's body, a model's description, components and
/// findings, and a rule's docs, mapped to the search entries it occurs in. Words are
/// lowercase runs of letters and digits of two or more characters; the browser matches a
/// query word against their beginnings. Prebuilt, so the site needs no server.
#[derive(Default)]
struct TermIndex {
    terms: BTreeMap<String, Vec<usize>>,
}

/// The distinct words a search finds a model's page by: its name, description, components,
/// hosts and findings.
fn model_terms(model: &Model, report: &ModelReport) -> Vec<String> {
    let mut own = TermIndex::default();
    own.add(0, &model.name);
    if let Some(d) = &model.description {
        own.add(0, d);
    }
    for c in &model.components {
        own.add(0, &c.id);
        own.add(0, &component_line(c));
    }
    for h in &model.hosts {
        own.add(0, &h.id);
        own.add(0, h.title());
    }
    for f in &report.findings {
        own.add(0, &f.message);
        own.add(0, f.rule);
    }
    own.terms.into_keys().collect()
}

/// Longest word indexed, in characters (longer runs are hashes and keys, not words).
const MAX_TERM_CHARS: usize = 40;

impl TermIndex {
    /// Adds the words of `text` (HTML tags, entities and style or script blocks are
    /// skipped) to entry `entry`.
    fn add(&mut self, entry: usize, text: &str) {
        let mut rest = text;
        while let Some(start) = ["<style", "<script"]
            .iter()
            .filter_map(|t| rest.find(t))
            .min()
        {
            self.add_words(entry, &rest[..start]);
            let close = if rest[start..].starts_with("<style") {
                "</style>"
            } else {
                "</script>"
            };
            match rest[start..].find(close) {
                Some(end) => rest = &rest[start + end + close.len()..],
                None => return,
            }
        }
        self.add_words(entry, rest);
    }

    fn add_words(&mut self, entry: usize, text: &str) {
        let mut word = String::new();
        let mut in_tag = false;
        let mut in_entity = false;
        let mut flush = |word: &mut String| {
            let n = word.chars().count();
            if (2..=MAX_TERM_CHARS).contains(&n) {
                let list = self.terms.entry(std::mem::take(word)).or_default();
                if list.last() != Some(&entry) {
                    list.push(entry);
                }
            }
            word.clear();
        };
        for ch in text.chars() {
            match ch {
                '<' => {
                    in_tag = true;
                    flush(&mut word);
                }
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                '&' => {
                    in_entity = true;
                    flush(&mut word);
                }
                ';' if in_entity => in_entity = false,
                _ if in_entity && (ch.is_alphanumeric() || ch == '#') => {}
                c if c.is_alphanumeric() => {
                    in_entity = false;
                    word.extend(c.to_lowercase());
                }
                _ => {
                    in_entity = false;
                    flush(&mut word);
                }
            }
        }
        flush(&mut word);
    }
}

/// A path segment safe on every file system and unable to leave its directory.
fn safe_segment(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push('_');
    }
    out.truncate(120);
    out
}

/// A relative path made of safe segments.
fn safe_path(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(safe_segment(&s.to_string_lossy())),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// JSON that is safe inside a `<script>` element.
fn script_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Builds the site in memory.
///
/// # Errors
/// A model that does not load (unless tolerant), a page with an unknown directive or model,
/// a theme error: each with its file and line.
#[allow(clippy::too_many_lines)]
pub fn build(opts: &SiteOptions) -> Result<Site, Vec<ModelError>> {
    build_with_cache(opts, &mut BuildCache::default())
}

/// [`build`], reusing what `cache` holds from an earlier build of the same project.
///
/// # Errors
/// As [`build`].
#[allow(clippy::too_many_lines)]
pub fn build_with_cache(
    opts: &SiteOptions,
    cache: &mut BuildCache,
) -> Result<Site, Vec<ModelError>> {
    let theme = Theme::load(opts.theme.as_deref()).map_err(|e| vec![*e])?;
    let mut errors: Vec<ModelError> = Vec::new();
    let mut site = Site::default();

    // Every output path and what wrote it: two sources for one path are an error naming both
    // (compared case-blind, as macOS and Windows file systems are).
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for builtin in [
        "rules/index.html",
        "search-index.js",
        "assets/style.css",
        "assets/archdoc.js",
    ] {
        claimed.insert(builtin.to_owned(), "archdoc's own pages".to_owned());
    }
    for rule in registry::ALL {
        claimed.insert(
            format!("rules/{}.html", rule.meta().id).to_lowercase(),
            "archdoc's rule pages".to_owned(),
        );
    }
    let mut claim = |url: &str, source: &str, errors: &mut Vec<ModelError>| -> bool {
        match claimed.get(&url.to_lowercase()) {
            Some(first) => {
                errors.push(
                    ModelError::file(
                        "site::collision",
                        source,
                        format!("`{source}` and {first} would both be written to `{url}`"),
                    )
                    .with_help("rename one of them; page file names become URLs with spaces and unsafe characters replaced by `-`"),
                );
                false
            }
            None => {
                claimed.insert(url.to_lowercase(), format!("`{source}`"));
                true
            }
        }
    };

    // Models.
    let model_files = files_under(&opts.models, true);
    let mut models: Vec<SiteModel> = Vec::new();
    let mut configs = ConfigCache::new(None);
    for f in model_files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_model_file_name(&name) {
            continue;
        }
        let file = display_path(&f);
        let rel = f.strip_prefix(&opts.models).unwrap_or(&f);
        let stem_path = rel.with_extension("");
        let stem = safe_path(&stem_path);
        let mut url = format!("models/{stem}.html");
        let mut n = 2;
        while models.iter().any(|m| m.url == url) {
            url = format!("models/{stem}-{n}.html");
            n += 1;
        }
        claim(&url, &file, &mut errors);
        let config = configs.for_model(&f).map_err(|e| vec![*e])?;
        let limits = Limits::default();
        let (key, loaded) = match crate::model::files::read_bounded(&f, limits.max_file_bytes) {
            Ok(bytes) => {
                let key = digest(&[&bytes, format!("{config:?}").as_bytes()]);
                match cache.models.get(&file) {
                    Some((k, l)) if *k == key => (key, Arc::clone(l)),
                    _ => {
                        let loaded = crate::model::load_bytes(&bytes, &file, &limits).map(|m| {
                            let r = ModelReport::check_with(&m, LintOptions::default(), &config);
                            (m, r)
                        });
                        let loaded = Arc::new(loaded);
                        cache
                            .models
                            .insert(file.clone(), (key, Arc::clone(&loaded)));
                        (key, loaded)
                    }
                }
            }
            // Read again by the loader, which says why in its own words.
            Err(_) => (
                [0; 32],
                Arc::new(load_file(&f, &file, &limits).map(|m| {
                    let r = ModelReport::check_with(&m, LintOptions::default(), &config);
                    (m, r)
                })),
            ),
        };
        if let Err(es) = &*loaded {
            if opts.tolerant {
                site.broken_models.push(file.clone());
            } else {
                errors.extend(es.iter().cloned());
            }
        }
        models.push(SiteModel {
            file,
            stem: stem_path.to_string_lossy().replace('\\', "/"),
            url,
            loaded,
            key,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Pages: Markdown rendered; other files copied.
    let page_files = files_under(&opts.pages, true);
    struct Page {
        url: String,
        title: String,
        body: String,
        headings: Vec<markdown::Heading>,
        file: String,
        source: Arc<str>,
        links: Vec<markdown::LocalLink>,
        /// Its path under the pages directory (`how-to/setup.md`).
        rel: String,
    }
    let mut pages: Vec<Page> = Vec::new();
    let mut intro: Option<String> = None;
    for f in &page_files {
        let rel = f.strip_prefix(&opts.pages).unwrap_or(f);
        let is_md = f.extension().is_some_and(|e| e == "md");
        if !is_md {
            if !claim(&safe_path(rel), &display_path(f), &mut errors) {
                continue;
            }
            match crate::model::files::read_bounded(f, crate::model::files::MAX_PAGE_BYTES) {
                Ok(bytes) => {
                    site.files.insert(safe_path(rel), bytes);
                }
                Err(e) => {
                    let file = display_path(f);
                    errors.push(ModelError::file(
                        "site::io",
                        &file,
                        format!("cannot copy `{file}` into the site: {e}"),
                    ));
                }
            }
            continue;
        }
        let file = display_path(f);
        let text =
            match crate::model::files::read_bounded_text(f, crate::model::files::MAX_PAGE_BYTES) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(ModelError::file(
                        "site::io",
                        &file,
                        format!("cannot read `{file}`: {e}"),
                    ));
                    continue;
                }
            };
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        if rel_str == SUMMARY {
            continue; // the navigation, not a page
        }
        let stem = rel.with_extension("");
        let stem_str = stem.to_string_lossy().replace('\\', "/");
        let url = if stem_str == "index" || stem_str == "README" {
            "index.html".to_owned()
        } else {
            format!("{}.html", safe_path(&stem))
        };
        if !claim(&url, &file, &mut errors) {
            continue;
        }
        let root = root_of(&url);
        let mut directive = |d: &markdown::Directive| embed(d, &models, &root);
        let rendered = match markdown::render(&text, &mut directive) {
            Ok(r) => r,
            Err((line, msg)) => {
                let source: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
                let offset = crate::model::span::offset_of_line_col(&text, line as u64, 1);
                errors.push(
                    ModelError::at("site::directive", &file, &source, crate::model::Span::new(offset, 0), msg)
                        .with_help("directives: ```archdoc diagram|whiteboard|journey|findings model=NAME```, NAME being a model's file name without `.yaml`"),
                );
                continue;
            }
        };
        if url == "index.html" {
            intro = Some(rendered.html.clone());
        }
        let title = rendered
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map_or_else(|| stem_str.clone(), |h| h.text.clone());
        let source: Arc<str> = Arc::from(text.as_str());
        if url != "index.html" {
            pages.push(Page {
                url,
                title,
                body: rendered.html,
                headings: rendered.headings,
                file,
                source,
                links: rendered.links,
                rel: rel_str.clone(),
            });
        } else {
            // The index page shows the intro; its headings are still searchable.
            pages.push(Page {
                url: "index.html".to_owned(),
                title,
                body: String::new(),
                headings: rendered.headings,
                file,
                source,
                links: rendered.links,
                rel: rel_str.clone(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Navigation: pages in the order and sections `site.nav` or `SUMMARY.md` gives, then the
    // pages neither names, in file name order.
    let plan = match nav_plan(opts, &page_files) {
        Ok(p) => p,
        Err(e) => return Err(vec![*e]),
    };
    let mut placed: Vec<bool> = vec![false; pages.len()];
    let mut sections: Vec<(Option<String>, Vec<NavItem>)> = Vec::new();
    for section in &plan {
        let mut items = Vec::new();
        for item in &section.items {
            let Some(i) = pages.iter().position(|p| p.rel == item.rel) else {
                errors.push(item.missing(&opts.pages));
                continue;
            };
            placed[i] = true;
            if pages[i].url == "index.html" {
                continue; // Home is always first
            }
            items.push(NavItem {
                title: item.title.clone().unwrap_or_else(|| pages[i].title.clone()),
                url: pages[i].url.clone(),
                badge: String::new(),
                badge_class: String::new(),
                depth: item.depth,
            });
        }
        sections.push((section.title.clone(), items));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let rest: Vec<NavItem> = pages
        .iter()
        .zip(&placed)
        .filter(|(p, placed)| !**placed && p.url != "index.html")
        .map(|(p, _)| NavItem {
            title: p.title.clone(),
            url: p.url.clone(),
            badge: String::new(),
            badge_class: String::new(),
            depth: 0,
        })
        .collect();
    let mut doc_items: Vec<NavItem> = Vec::new();
    let mut named_sections: Vec<(String, Vec<NavItem>)> = Vec::new();
    for (title, items) in sections {
        match title {
            None => doc_items.extend(items),
            Some(t) => named_sections.push((t, items)),
        }
    }
    doc_items.extend(rest);
    // The index lists pages in the same order.
    let page_order: Vec<(String, String)> = doc_items
        .iter()
        .chain(named_sections.iter().flat_map(|(_, items)| items))
        .map(|i| (i.title.clone(), i.url.clone()))
        .collect();
    let model_items: Vec<NavItem> = models
        .iter()
        .map(|m| {
            let (title, badge, class) = match &*m.loaded {
                Ok((model, r)) => {
                    let s = crate::report::Summary::of(std::slice::from_ref(r));
                    let (badge, class) = if s.error > 0 {
                        (s.error.to_string(), "error")
                    } else if s.warning > 0 {
                        (s.warning.to_string(), "warning")
                    } else {
                        (String::new(), "")
                    };
                    (model.name.clone(), badge, class)
                }
                Err(_) => (m.file.clone(), "!".to_owned(), "error"),
            };
            NavItem {
                title,
                url: m.url.clone(),
                badge,
                badge_class: class.to_owned(),
                depth: 0,
            }
        })
        .collect();
    // A sidebar of every page in every page grows as the square of the site: past a few
    // dozen entries a section shows its first ones and links to the full list on the index.
    const NAV_MAX: usize = 40;
    let cap = |mut items: Vec<NavItem>, anchor: &str| {
        if items.len() > NAV_MAX {
            let more = items.len() - NAV_MAX;
            items.truncate(NAV_MAX);
            items.push(NavItem {
                title: format!("… {more} more"),
                url: format!("index.html#{anchor}"),
                badge: String::new(),
                badge_class: String::new(),
                depth: 0,
            });
        }
        items
    };
    let doc_items = cap(doc_items, "pages");
    let model_items = cap(model_items, "models");
    let mut nav = vec![NavSection {
        title: "Docs".to_owned(),
        items: std::iter::once(NavItem {
            title: "Home".to_owned(),
            url: "index.html".to_owned(),
            badge: String::new(),
            badge_class: String::new(),
            depth: 0,
        })
        .chain(doc_items)
        .collect(),
    }];
    for (title, items) in named_sections {
        nav.push(NavSection {
            title,
            items: cap(items, "pages"),
        });
    }
    if !model_items.is_empty() {
        nav.push(NavSection {
            title: "Models".to_owned(),
            items: model_items,
        });
    }
    nav.push(NavSection {
        title: "Reference".to_owned(),
        items: vec![NavItem {
            title: "Rules".to_owned(),
            url: "rules/index.html".to_owned(),
            badge: String::new(),
            badge_class: String::new(),
            depth: 0,
        }],
    });

    let common = |url: &str, page_title: &str| -> BTreeMap<&'static str, Value> {
        let mut ctx = BTreeMap::new();
        ctx.insert("site_title", Value::from(opts.title.clone()));
        ctx.insert("base_url", Value::from(opts.base_url.clone()));
        ctx.insert("page_title", Value::from(page_title.to_owned()));
        ctx.insert("root", Value::from(root_of(url)));
        ctx.insert("current", Value::from(url.to_owned()));
        ctx.insert("nav", ser(&nav));
        ctx
    };
    let put = |site: &mut Site,
               url: &str,
               html: Result<String, Box<ModelError>>,
               errors: &mut Vec<ModelError>| match html {
        Ok(mut h) => {
            if let Some(script) = &opts.extra_script {
                h = h.replacen("</body>", &format!("<script>{script}</script>\n</body>"), 1);
            }
            site.files.insert(url.to_owned(), h.into_bytes());
        }
        Err(e) => errors.push(*e),
    };
    let mut search: Vec<SearchEntry> = Vec::new();
    let mut terms = TermIndex::default();

    // Index.
    #[derive(Serialize)]
    struct IndexModel {
        name: String,
        file: String,
        url: String,
        errors: usize,
        warnings: usize,
        spofs: Vec<String>,
        /// Single points of failure accepted with an `ignore:` entry (or a baseline).
        accepted_spofs: Vec<String>,
        load_errors: usize,
    }
    let index_models: Vec<IndexModel> = models
        .iter()
        .map(|m| match &*m.loaded {
            Ok((model, r)) => {
                let s = crate::report::Summary::of(std::slice::from_ref(r));
                let mut spofs: Vec<String> = r
                    .findings
                    .iter()
                    .filter(|f| f.rule == "single-point-of-failure")
                    .map(|f| f.element.clone())
                    .collect();
                spofs.dedup();
                let mut accepted_spofs: Vec<String> = r
                    .suppressed
                    .iter()
                    .chain(&r.baselined)
                    .filter(|f| f.rule == "single-point-of-failure")
                    .map(|f| f.element.clone())
                    .collect();
                accepted_spofs.dedup();
                IndexModel {
                    name: model.name.clone(),
                    file: m.file.clone(),
                    url: m.url.clone(),
                    errors: s.error,
                    warnings: s.warning,
                    spofs,
                    accepted_spofs,
                    load_errors: 0,
                }
            }
            Err(es) => IndexModel {
                name: m.file.clone(),
                file: m.file.clone(),
                url: m.url.clone(),
                errors: 0,
                warnings: 0,
                spofs: Vec::new(),
                accepted_spofs: Vec::new(),
                load_errors: es.len(),
            },
        })
        .collect();
    {
        let mut ctx = common("index.html", &opts.title);
        ctx.insert(
            "intro",
            intro.map_or(Value::from(()), Value::from_safe_string),
        );
        ctx.insert("models", ser(&index_models));
        let page_list: Vec<BTreeMap<&str, String>> = page_order
            .iter()
            .map(|(title, url)| BTreeMap::from([("title", title.clone()), ("url", url.clone())]))
            .collect();
        ctx.insert("pages", ser(&page_list));
        ctx.insert("rule_count", Value::from(registry::ALL.len()));
        let html = theme.render("index.html", &ser(&ctx));
        put(&mut site, "index.html", html, &mut errors);
        search.push(SearchEntry {
            t: opts.title.clone(),
            u: "index.html".to_owned(),
            p: String::new(),
        });
    }

    // Pages.
    for p in pages.iter().filter(|p| p.url != "index.html") {
        let mut ctx = common(&p.url, &p.title);
        ctx.insert("body", Value::from_safe_string(p.body.clone()));
        let toc: Vec<&markdown::Heading> = p
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .collect();
        ctx.insert("toc", ser(&toc));
        let html = theme.render("page.html", &ser(&ctx));
        put(&mut site, &p.url, html, &mut errors);
        terms.add(search.len(), &p.body);
        terms.add(search.len(), &p.title);
        search.push(SearchEntry {
            t: p.title.clone(),
            u: p.url.clone(),
            p: String::new(),
        });
        for h in p.headings.iter().filter(|h| h.level > 1 && h.level <= 3) {
            search.push(SearchEntry {
                t: h.text.clone(),
                u: format!("{}#{}", p.url, h.id),
                p: p.title.clone(),
            });
        }
    }
    for p in pages.iter().filter(|p| p.url == "index.html") {
        for h in p.headings.iter().filter(|h| h.level > 1 && h.level <= 3) {
            search.push(SearchEntry {
                t: h.text.clone(),
                u: format!("index.html#{}", h.id),
                p: opts.title.clone(),
            });
        }
    }

    // Models.
    for m in &models {
        let ctx = common(&m.url, &page_name(m));
        let page_key = digest(&[
            &m.key,
            serde_json::to_string(&ctx).unwrap_or_default().as_bytes(),
        ]);
        let html = match cache.pages.get(&m.url) {
            Some((k, html)) if *k == page_key && m.key != [0; 32] => Ok(html.clone()),
            _ => {
                // The page's own part (diagram, whiteboard, findings) depends on the model
                // only: an edit elsewhere that changes the navigation re-renders the page
                // around it, not the drawings.
                let values = match cache.model_values.get(&m.url) {
                    Some((k, v)) if *k == m.key && m.key != [0; 32] => Arc::clone(v),
                    _ => {
                        let v = Arc::new(model_page_values(m));
                        cache
                            .model_values
                            .insert(m.url.clone(), (m.key, Arc::clone(&v)));
                        v
                    }
                };
                let mut ctx = ctx;
                ctx.extend(values.iter().map(|(k, v)| (*k, v.clone())));
                let html = theme.render("model.html", &ser(&ctx));
                if let Ok(h) = &html {
                    cache.pages.insert(m.url.clone(), (page_key, h.clone()));
                }
                html
            }
        };
        put(&mut site, &m.url, html, &mut errors);
        if let Ok((model, report)) = &*m.loaded {
            let words = match cache.model_terms.get(&m.url) {
                Some((k, w)) if *k == m.key && m.key != [0; 32] => Arc::clone(w),
                _ => {
                    let w = Arc::new(model_terms(model, report));
                    cache
                        .model_terms
                        .insert(m.url.clone(), (m.key, Arc::clone(&w)));
                    w
                }
            };
            let entry = search.len();
            for w in words.iter() {
                terms.terms.entry(w.clone()).or_default().push(entry);
            }
        }
        search.push(SearchEntry {
            t: page_name(m),
            u: m.url.clone(),
            p: "model".to_owned(),
        });
    }

    // Rules.
    #[derive(Serialize)]
    struct RuleRow {
        id: &'static str,
        category: &'static str,
        severity: &'static str,
        summary: String,
    }
    let rows: Vec<RuleRow> = registry::ALL
        .iter()
        .map(|r| {
            let m = r.meta();
            RuleRow {
                id: m.id,
                category: m.category.as_str(),
                severity: m.default_severity.as_str(),
                summary: m.summary(),
            }
        })
        .collect();
    {
        let mut ctx = common("rules/index.html", "Rules");
        ctx.insert("rules", ser(&rows));
        let html = theme.render("rules.html", &ser(&ctx));
        put(&mut site, "rules/index.html", html, &mut errors);
        search.push(SearchEntry {
            t: "Rules".to_owned(),
            u: "rules/index.html".to_owned(),
            p: String::new(),
        });
    }
    for (rule, row) in registry::ALL.iter().zip(&rows) {
        let meta = rule.meta();
        let url = format!("rules/{}.html", meta.id);
        let body = markdown::render(&meta.markdown(), &mut |_| {
            Err("no directives in rule docs".to_owned())
        })
        .map(|r| r.html)
        .unwrap_or_default();
        let mut ctx = common(&url, meta.id);
        ctx.insert("rule", ser(row));
        terms.add(search.len(), &body);
        ctx.insert("body", Value::from_safe_string(body));
        let html = theme.render("rule.html", &ser(&ctx));
        put(&mut site, &url, html, &mut errors);
        terms.add(search.len(), meta.id);
        search.push(SearchEntry {
            t: meta.id.to_owned(),
            u: url,
            p: "rule".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    if opts.check_links {
        for p in &pages {
            for link in &p.links {
                if let Some(problem) = broken_link(&site.files, &p.url, &link.dest, &link.written) {
                    errors.push(
                        ModelError::at(
                            "site::broken-link",
                            &p.file,
                            &p.source,
                            crate::model::Span::new(link.offset, link.len),
                            format!("`{}` (line {}): {problem}", p.file, link.line),
                        )
                        .with_help("fix the link (a page `x.md` is linked as `x.md` or `x.html`; models are at `models/NAME.html`, rules at `rules/ID.html`), or build with --no-link-check"),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    site.files.insert(
        "search-index.js".to_owned(),
        format!(
            "window.ARCHDOC_SEARCH = {};\nwindow.ARCHDOC_TERMS = {};\n",
            script_json(&search),
            script_json(&terms.terms)
        )
        .into_bytes(),
    );
    site.files.insert(
        "assets/style.css".to_owned(),
        theme.style.clone().into_bytes(),
    );
    site.files.insert(
        "assets/archdoc.js".to_owned(),
        theme.script.clone().into_bytes(),
    );
    site.files.insert(
        MARKER.to_owned(),
        b"built by archdoc; `archdoc build` may replace this directory\n".to_vec(),
    );
    Ok(site)
}

/// The pages directory's table of contents, read as mdBook reads it.
const SUMMARY: &str = "SUMMARY.md";

/// A section of the navigation as `site.nav` or `SUMMARY.md` gives it.
struct PlannedSection {
    /// `None` for the first section (after Home).
    title: Option<String>,
    items: Vec<PlannedItem>,
}

/// A page named by `site.nav` or `SUMMARY.md`.
struct PlannedItem {
    /// Its path under the pages directory.
    rel: String,
    /// The title to show instead of the page's own (`SUMMARY.md` gives one).
    title: Option<String>,
    depth: usize,
    /// Where it is named: the file, its text and the byte range (for `SUMMARY.md`).
    file: String,
    at: Option<(Arc<str>, usize, usize)>,
}

impl PlannedItem {
    fn missing(&self, pages: &Path) -> ModelError {
        let msg = format!(
            "the navigation names `{}`, which is not a Markdown page in `{}`",
            self.rel,
            display_path(pages)
        );
        let help = "name pages by their path under the pages directory (`guide.md`, `how-to/setup.md`), or remove the entry";
        match &self.at {
            Some((source, offset, len)) => ModelError::at(
                "site::nav",
                &self.file,
                source,
                crate::model::Span::new(*offset, *len),
                msg,
            )
            .with_help(help),
            None => ModelError::file("site::nav", &self.file, msg).with_help(help),
        }
    }
}

/// The navigation the project asks for: `site.nav` from the configuration, else the
/// pages directory's `SUMMARY.md` (headings start sections; list items are pages, nested
/// by indentation), else nothing (file name order).
fn nav_plan(
    opts: &SiteOptions,
    page_files: &[PathBuf],
) -> Result<Vec<PlannedSection>, Box<ModelError>> {
    let normalise = |p: &str| p.trim().trim_start_matches("./").replace('\\', "/");
    if !opts.nav.is_empty() {
        let item = |p: &str| PlannedItem {
            rel: normalise(p),
            title: None,
            depth: 0,
            file: opts.nav_file.clone(),
            at: None,
        };
        let mut plan = vec![PlannedSection {
            title: None,
            items: Vec::new(),
        }];
        for entry in &opts.nav {
            match entry {
                crate::policy::NavEntry::Page(p) => plan[0].items.push(item(p)),
                crate::policy::NavEntry::Section { title, pages } => plan.push(PlannedSection {
                    title: Some(title.clone()),
                    items: pages.iter().map(|p| item(p)).collect(),
                }),
            }
        }
        return Ok(plan);
    }
    let summary = opts.pages.join(SUMMARY);
    if !page_files.contains(&summary) {
        return Ok(Vec::new());
    }
    let file = display_path(&summary);
    let text =
        crate::model::files::read_bounded_text(&summary, crate::model::files::MAX_PAGE_BYTES)
            .map_err(|e| {
                Box::new(ModelError::file(
                    "site::io",
                    &file,
                    format!("cannot read `{file}`: {e}"),
                ))
            })?;
    let source: Arc<str> = Arc::from(text.as_str());
    let mut plan = vec![PlannedSection {
        title: None,
        items: Vec::new(),
    }];
    let mut indents: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        let body = trimmed.trim_start();
        if let Some(h) = body.strip_prefix('#') {
            let title = h.trim_start_matches('#').trim();
            if !title.eq_ignore_ascii_case("summary") && !title.is_empty() {
                plan.push(PlannedSection {
                    title: Some(title.to_owned()),
                    items: Vec::new(),
                });
            }
            indents.clear();
            continue;
        }
        let indent = trimmed.len() - body.len();
        let (listed, link) = match body.strip_prefix("- ").or_else(|| body.strip_prefix("* ")) {
            Some(rest) => (true, rest.trim_start()),
            None => (false, body),
        };
        // `[Title](path.md)`; a draft chapter `[Title]()` has no page.
        let Some((title, path)) = link
            .strip_prefix('[')
            .and_then(|r| r.split_once("]("))
            .and_then(|(t, r)| r.strip_suffix(')').map(|p| (t, p)))
        else {
            continue;
        };
        if path.trim().is_empty() {
            continue;
        }
        let depth = if listed {
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            indents.len() - 1
        } else {
            0
        };
        let at = start + (line.len() - line.trim_start().len());
        if let Some(section) = plan.last_mut() {
            section.items.push(PlannedItem {
                rel: normalise(path.split('#').next().unwrap_or(path)),
                title: Some(title.to_owned()),
                depth,
                file: file.clone(),
                at: Some((Arc::clone(&source), at, body.len())),
            });
        }
    }
    Ok(plan)
}

/// What is wrong with the link `dest` on the page at `page_url`, if anything: the file it
/// names is not in the site, or the anchor is not on that page.
fn broken_link(
    files: &BTreeMap<String, Vec<u8>>,
    page_url: &str,
    dest: &str,
    written: &str,
) -> Option<String> {
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let target = if path.is_empty() {
        page_url.to_owned()
    } else {
        let mut parts: Vec<&str> = if path.starts_with('/') {
            Vec::new()
        } else {
            page_url.split('/').collect()
        };
        parts.pop(); // the page's own file name (or "" for a root-relative path)
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some(format!("`{written}` points outside the site"));
                    }
                }
                s => parts.push(s),
            }
        }
        let mut t = parts.join("/");
        if path.ends_with('/') || t.is_empty() {
            if !t.is_empty() {
                t.push('/');
            }
            t.push_str("index.html");
        }
        t
    };
    let target = if files.contains_key(&target) {
        target
    } else if files.contains_key(&format!("{target}/index.html")) {
        format!("{target}/index.html")
    } else {
        return Some(format!("`{written}` names no page or file of the site"));
    };
    match frag {
        Some(f) if !f.is_empty() && target.ends_with(".html") => {
            let html = String::from_utf8_lossy(&files[&target]);
            let wanted = format!("id=\"{}\"", crate::escape::xml(f));
            (!html.contains(&wanted)).then(|| {
                format!("`{written}`: `{target}` has no heading or element with the id `{f}`")
            })
        }
        _ => None,
    }
}

/// The page of one model with the built-in theme, as `archdoc build` writes it (for fuzzing
/// and previews).
///
/// # Errors
/// A template error.
pub fn model_page(model: &Model, report: &ModelReport) -> Result<String, Box<ModelError>> {
    let theme = Theme::load(None)?;
    let m = SiteModel {
        file: model.file.clone(),
        stem: "model".to_owned(),
        url: "models/model.html".to_owned(),
        loaded: Arc::new(Ok((model.clone(), report.clone()))),
        key: [0; 32],
    };
    let mut ctx = BTreeMap::new();
    ctx.insert("site_title", Value::from("archdoc"));
    ctx.insert("base_url", Value::from(()));
    ctx.insert("page_title", Value::from(model.name.clone()));
    ctx.insert("root", Value::from("../"));
    ctx.insert("current", Value::from(m.url.clone()));
    ctx.insert("nav", ser(Vec::<NavSection>::new()));
    ctx.extend(model_page_values(&m));
    theme.render("model.html", &ser(&ctx))
}

/// A template value from anything serde can serialize (safe strings inside stay safe).
fn ser<T: Serialize>(v: T) -> Value {
    Value::from(minijinja::value::Serde(v))
}

fn page_name(m: &SiteModel) -> String {
    match &*m.loaded {
        Ok((model, _)) => model.name.clone(),
        Err(_) => m.file.clone(),
    }
}

/// HTML for an `archdoc` block in a page.
fn embed(d: &markdown::Directive, models: &[SiteModel], root: &str) -> Result<String, String> {
    let Some(name) = d
        .args
        .iter()
        .find(|(k, _)| k == "model")
        .map(|(_, v)| v.clone())
    else {
        return Err(format!("`archdoc {}` needs `model=NAME`", d.name));
    };
    let Some(m) = models.iter().find(|m| m.stem == name) else {
        let names: Vec<&str> = models.iter().map(|m| m.stem.as_str()).collect();
        let hint = did_you_mean(&name, names.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(format!(
            "unknown model `{name}`{hint}; models: {}",
            names.join(", ")
        ));
    };
    let Ok((model, report)) = &*m.loaded else {
        return Ok(format!(
            "<p class=\"sev-error\">The model <code>{}</code> does not load.</p>",
            xml(&m.file)
        ));
    };
    let scene = Scene::new(model);
    let html = match d.name.as_str() {
        "diagram" => format!(
            "<div class=\"diagram\" data-archdoc-embedded>{}</div>",
            svg(&scene, &report.findings)
        ),
        "whiteboard" => format!(
            "<pre class=\"whiteboard\">{}</pre>",
            xml_pre(&whiteboard(&scene, &TextOptions::default()))
        ),
        "journey" => {
            let items: String = user_journey(&scene)
                .iter()
                .map(|s| {
                    format!(
                        "<li><strong>{}.</strong> {}</li>",
                        xml(&s.title),
                        xml(&s.text)
                    )
                })
                .collect();
            format!("<ol class=\"journey\">{items}</ol>")
        }
        "findings" => {
            let items: String = report
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "<li class=\"sev-{}\"><strong>{}</strong> <code>{}</code>: {}</li>",
                        f.severity.as_str(),
                        f.severity.as_str(),
                        xml(f.rule),
                        xml(&f.message)
                    )
                })
                .collect();
            if items.is_empty() {
                "<p class=\"ok\">No findings.</p>".to_owned()
            } else {
                format!("<ul class=\"findings\">{items}</ul>")
            }
        }
        other => {
            let known = ["diagram", "whiteboard", "journey", "findings"];
            let hint = did_you_mean(other, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown directive `archdoc {other}`{hint}; known: {}",
                known.join(", ")
            ));
        }
    };
    Ok(format!(
        "{html}\n<p class=\"meta\">From <a href=\"{root}{}\">{}</a>.</p>\n",
        xml(&m.url),
        xml(&model.name)
    ))
}

/// Text for a `<pre>`: escaped, line breaks kept.
fn xml_pre(s: &str) -> String {
    crate::escape::xml_with(s, true)
}

#[allow(clippy::too_many_lines)]
fn model_page_values(m: &SiteModel) -> PageValues {
    let mut ctx = PageValues::new();
    #[derive(Serialize)]
    struct Head {
        name: String,
        file: String,
        errors: usize,
        warnings: usize,
        suppressed: usize,
    }
    match &*m.loaded {
        Err(es) => {
            ctx.insert(
                "model",
                ser(&Head {
                    name: m.file.clone(),
                    file: m.file.clone(),
                    errors: es.len(),
                    warnings: 0,
                    suppressed: 0,
                }),
            );
            let texts: Vec<String> = es
                .iter()
                .map(|e| {
                    let mut s = e.to_string();
                    if let Some(h) = &e.help {
                        s.push_str("\nhelp: ");
                        s.push_str(h);
                    }
                    s
                })
                .collect();
            ctx.insert("load_errors", ser(&texts));
            ctx
        }
        Ok((model, report)) => {
            let scene = Scene::new(model);
            let summary = crate::report::Summary::of(std::slice::from_ref(report));
            ctx.insert(
                "model",
                ser(&Head {
                    name: model.name.clone(),
                    file: m.file.clone(),
                    errors: summary.error,
                    warnings: summary.warning,
                    suppressed: summary.suppressed,
                }),
            );
            ctx.insert("load_errors", Value::from(()));
            let description = model.description.as_deref().map(|d| {
                markdown::render(d, &mut |_| {
                    Err("no directives in model descriptions".to_owned())
                })
                .map(|r| r.html)
                .unwrap_or_default()
            });
            ctx.insert(
                "description",
                description.map_or(Value::from(()), Value::from_safe_string),
            );
            ctx.insert(
                "svg",
                Value::from_safe_string(svg(&scene, &report.findings)),
            );
            ctx.insert(
                "whiteboard",
                Value::from(whiteboard(&scene, &TextOptions::default())),
            );
            ctx.insert("journey", ser(user_journey(&scene)));
            let journeys: Vec<Value> = report
                .journeys
                .iter()
                .map(|j| {
                    let mut v: BTreeMap<&str, Value> = BTreeMap::new();
                    v.insert("name", Value::from(j.name.clone()));
                    v.insert("label", Value::from(j.label.clone()));
                    v.insert("data", Value::from(j.data));
                    v.insert("broken", Value::from(j.broken));
                    v.insert("single_points_of_failure", ser(&j.single_points_of_failure));
                    v.insert(
                        "availability_text",
                        Value::from(crate::analysis::availability::percent(j.availability)),
                    );
                    v.insert("method", Value::from(j.method.clone()));
                    v.insert(
                        "downtime_text",
                        Value::from(if j.downtime_hours_per_year >= 1.0 {
                            format!("{:.1} h", j.downtime_hours_per_year)
                        } else {
                            format!("{:.0} min", j.downtime_hours_per_year * 60.0)
                        }),
                    );
                    v.insert("limiting", ser(&j.limiting));
                    v.insert("pairs", ser(&j.pairs));
                    Value::from(v)
                })
                .collect();
            ctx.insert("journeys", Value::from(journeys));
            #[derive(Serialize)]
            struct Row {
                id: String,
                name: String,
                kind: &'static str,
                host: String,
                findings: usize,
                worst: &'static str,
            }
            let by_element = |id: &str| -> Vec<&crate::lint::Finding> {
                report.findings.iter().filter(|f| f.element == id).collect()
            };
            let rows: Vec<Row> = model
                .components
                .iter()
                .map(|c| {
                    let fs = by_element(&c.id);
                    Row {
                        id: c.id.clone(),
                        name: component_line(c),
                        kind: c.kind.title(),
                        host: c
                            .host
                            .map(|h| model.hosts[h].title().to_owned())
                            .unwrap_or_default(),
                        findings: fs.len(),
                        worst: fs
                            .iter()
                            .map(|f| f.severity)
                            .max()
                            .map_or("", Severity::as_str),
                    }
                })
                .collect();
            ctx.insert("components", ser(&rows));
            let hosts: Vec<BTreeMap<&str, String>> = model
                .hosts
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let comps: Vec<String> = model
                        .components_on(i)
                        .map(|c| model.components[c].id.clone())
                        .collect();
                    BTreeMap::from([
                        ("id", h.id.clone()),
                        ("name", h.title().to_owned()),
                        (
                            "domain",
                            h.domain
                                .map(|d| model.domains[d].id.clone())
                                .unwrap_or_default(),
                        ),
                        ("components", comps.join(", ")),
                    ])
                })
                .collect();
            ctx.insert("hosts", ser(&hosts));
            #[derive(Serialize)]
            struct Item<'a> {
                rule: &'a str,
                severity: &'a str,
                file: &'a str,
                line: usize,
                message: &'a str,
                why: &'a [String],
                help: Option<&'a str>,
                fingerprint: &'a str,
                reason: Option<&'a str>,
            }
            fn item(f: &crate::lint::Finding) -> Item<'_> {
                Item {
                    rule: f.rule,
                    severity: f.severity.as_str(),
                    file: &f.file,
                    line: f.line,
                    message: &f.message,
                    why: &f.why,
                    help: f.help.as_deref(),
                    fingerprint: &f.fingerprint,
                    reason: f.suppressed.as_deref(),
                }
            }
            let mut groups = Vec::new();
            for (sev, title) in [
                (Severity::Error, "Errors"),
                (Severity::Warning, "Warnings"),
                (Severity::Info, "Infos"),
            ] {
                let items: Vec<Item<'_>> = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == sev)
                    .map(item)
                    .collect();
                if !items.is_empty() {
                    groups.push(BTreeMap::from([
                        ("severity", Value::from(sev.as_str())),
                        ("title", Value::from(title)),
                        ("items", ser(&items)),
                    ]));
                }
            }
            ctx.insert("findings", Value::from(groups));
            let suppressed: Vec<Item<'_>> = report.suppressed.iter().map(item).collect();
            ctx.insert("suppressed", ser(&suppressed));
            // Details shown when a component of the diagram is clicked.
            #[derive(Serialize)]
            struct Details {
                id: String,
                name: String,
                summary: String,
                findings: Vec<String>,
            }
            let mut details: BTreeMap<String, Details> = BTreeMap::new();
            for c in &model.components {
                let mut summary = c.kind.title().to_owned();
                if let Some(h) = c.host {
                    summary.push_str(&format!(" on {}", model.hosts[h].title()));
                }
                if let Some(sw) = &c.software {
                    summary.push_str(&format!(", {sw}"));
                }
                details.insert(
                    c.id.clone(),
                    Details {
                        id: c.id.clone(),
                        name: component_line(c),
                        summary,
                        findings: by_element(&c.id)
                            .iter()
                            .map(|f| format!("{} {}: {}", f.severity.as_str(), f.rule, f.message))
                            .collect(),
                    },
                );
            }
            for h in &model.hosts {
                details.insert(
                    h.id.clone(),
                    Details {
                        id: h.id.clone(),
                        name: h.title().to_owned(),
                        summary: "Host".to_owned(),
                        findings: by_element(&h.id)
                            .iter()
                            .map(|f| format!("{} {}: {}", f.severity.as_str(), f.rule, f.message))
                            .collect(),
                    },
                );
            }
            ctx.insert(
                "details_json",
                Value::from_safe_string(script_json(&details)),
            );
            ctx
        }
    }
}
