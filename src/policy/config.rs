//! `archdoc.yaml`: which rules run, at which severity, with overrides for some files or some
//! elements. Found next to the models or in a directory above them, or named with `--config`.
//!
//! ```yaml
//! rules:
//!   missing-monitoring: off        # off | on | info | warning | error
//!   single-backend-pool: error
//! overrides:
//!   - files: ["models/legacy/**"]  # globs on the model's path
//!     elements: ["lb-*"]           # globs on element ids
//!     rules:
//!       missing-firewall: off
//! site:                            # for `archdoc build`
//!   title: Our architecture
//!   pages: site                    # Markdown pages
//!   models: models
//!   theme: default                 # themes/NAME overrides the built-in theme
//!   out: public
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

use std::collections::HashMap;

use super::glob::{self, Globs};
use crate::lint::{Finding, RuleMeta, Severity, registry};
use crate::model::files::{MAX_SETTINGS_BYTES, read_bounded_text};
use crate::model::suggest::did_you_mean;
use crate::model::{ModelError, Span};

/// The names a configuration file may have, in the order they are looked for.
pub use crate::model::files::CONFIG_FILE_NAMES as FILE_NAMES;

/// What a rule is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not run.
    Off,
    /// Run at its default severity.
    On,
    /// Run, reporting infos.
    Info,
    /// Run, reporting warnings.
    Warning,
    /// Run, reporting errors.
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: IndexMap<Spanned<String>, Spanned<Level>>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    site: SiteSettings,
}

/// The `site:` section: where `archdoc build` reads and writes, and what it calls the site.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The site's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The URL the site is served from (for links that must be absolute).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The directory of Markdown pages (default `site`).
    #[serde(default)]
    pub pages: Option<String>,
    /// The directory of models (default `models`).
    #[serde(default)]
    pub models: Option<String>,
    /// The theme under `themes/` (default `default`).
    #[serde(default)]
    pub theme: Option<String>,
    /// The output directory (default `public`).
    #[serde(default)]
    pub out: Option<String>,
    /// The order of pages in the navigation, and its sections (default: file name order).
    #[serde(default)]
    pub nav: Vec<NavEntry>,
}

/// One entry of `site.nav`: a page (its path under the pages directory, `guide.md`), or a
/// section with a title and its pages.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum NavEntry {
    /// A page of the first section.
    Page(String),
    /// A titled section.
    Section {
        /// Its title in the sidebar.
        title: String,
        /// Its pages, in order.
        pages: Vec<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    elements: Vec<String>,
    #[serde(default)]
    rules: IndexMap<Spanned<String>, Spanned<Level>>,
}

#[derive(Debug, Clone, Default)]
struct Override {
    files: Vec<String>,
    elements: Vec<String>,
    rules: BTreeMap<String, Level>,
}

/// The overrides' patterns, compiled once: which overrides a file or an element matches,
/// and which overrides set each rule.
#[derive(Debug, Clone, Default)]
struct Matchers {
    files: Globs,
    /// The override each file pattern belongs to.
    file_owner: Vec<usize>,
    elements: Globs,
    /// The override each element pattern belongs to.
    element_owner: Vec<usize>,
    /// The overrides that set each rule, in order.
    by_rule: BTreeMap<String, Vec<usize>>,
}

impl Matchers {
    fn new(overrides: &[Override]) -> Result<Self, String> {
        let mut file_owner = Vec::new();
        let mut element_owner = Vec::new();
        let mut by_rule: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, o) in overrides.iter().enumerate() {
            file_owner.extend(o.files.iter().map(|_| i));
            element_owner.extend(o.elements.iter().map(|_| i));
            for rule in o.rules.keys() {
                by_rule.entry(rule.clone()).or_default().push(i);
            }
        }
        Ok(Matchers {
            files: glob::compile(
                overrides
                    .iter()
                    .flat_map(|o| o.files.iter().map(String::as_str)),
            )?,
            file_owner,
            elements: glob::compile(
                overrides
                    .iter()
                    .flat_map(|o| o.elements.iter().map(String::as_str)),
            )?,
            element_owner,
            by_rule,
        })
    }

    /// The overrides (sorted indices) one of whose patterns in `set` matches `text`.
    fn hits(set: &Globs, owner: &[usize], text: &str) -> Vec<usize> {
        let mut out: Vec<usize> = set.matches(text).into_iter().map(|g| owner[g]).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A loaded configuration; the default one runs every rule at its default severity.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, as named to the user.
    pub file: Option<String>,
    /// The `site:` section.
    pub site: SiteSettings,
    rules: BTreeMap<String, Level>,
    overrides: Vec<Override>,
    matchers: Matchers,
}

impl Config {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// The file cannot be read, is not valid YAML, has an unknown key or names an unknown rule.
    pub fn load(path: &Path, display: &str) -> Result<Config, Box<ModelError>> {
        let text = read_bounded_text(path, MAX_SETTINGS_BYTES).map_err(|e| {
            Box::new(ModelError::file(
                "config::io",
                display,
                format!("cannot read the configuration `{display}`: {e}"),
            ))
        })?;
        Self::parse(&text, display)
    }

    /// Checks configuration text.
    ///
    /// # Errors
    /// Not valid YAML, an unknown key, or an unknown rule.
    pub fn parse(text: &str, display: &str) -> Result<Config, Box<ModelError>> {
        let source: Arc<str> = Arc::from(text);
        if text.trim().is_empty() {
            return Ok(Config {
                file: Some(display.to_owned()),
                ..Config::default()
            });
        }
        let raw: RawConfig = crate::model::parse_yaml(text, display, &source)?;
        let check = |rules: &IndexMap<Spanned<String>, Spanned<Level>>| {
            let mut out = BTreeMap::new();
            for (name, level) in rules {
                if registry::find(&name.value).is_none() {
                    let ids = registry::ALL.iter().map(|r| r.meta().id);
                    let help = match did_you_mean(&name.value, ids) {
                        Some(s) => {
                            format!("did you mean `{s}`? (`archdoc rule --list` lists every rule)")
                        }
                        None => "`archdoc rule --list` lists every rule".to_owned(),
                    };
                    return Err(Box::new(
                        ModelError::at(
                            "config::unknown-rule",
                            display,
                            &source,
                            Span::of(name, &source),
                            format!("unknown rule `{}`", name.value),
                        )
                        .with_help(help),
                    ));
                }
                out.insert(name.value.clone(), level.value);
            }
            Ok(out)
        };
        let rules = check(&raw.rules)?;
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            overrides.push(Override {
                files: o.files.clone(),
                elements: o.elements.clone(),
                rules: check(&o.rules)?,
            });
        }
        let matchers = Matchers::new(&overrides).map_err(|e| {
            Box::new(ModelError::file("config::bad-glob", display, e).with_help(
                "`*` matches within a path segment, `**` across segments, `?` one character",
            ))
        })?;
        Ok(Config {
            file: Some(display.to_owned()),
            site: raw.site,
            rules,
            overrides,
            matchers,
        })
    }

    /// The configuration file that applies to a model: the first of [`FILE_NAMES`] in the
    /// model's directory or the nearest directory above it.
    #[must_use]
    pub fn discover(model: &Path) -> Option<PathBuf> {
        let start = if model.is_dir() {
            model.to_path_buf()
        } else {
            model.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let mut dir = std::fs::canonicalize(&start).ok();
        while let Some(d) = dir {
            for name in FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        None
    }

    /// The severity `rule` reports at for `element` in `file`; `None` when it is off there.
    #[must_use]
    pub fn severity(&self, rule: &RuleMeta, file: &str, element: &str) -> Option<Severity> {
        let file_hits = self.file_hits(file);
        match self.level(rule, &file_hits, element) {
            Level::Off => None,
            Level::On => Some(rule.default_severity),
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    /// The overrides whose file patterns match `file` (sorted).
    fn file_hits(&self, file: &str) -> Vec<usize> {
        Matchers::hits(&self.matchers.files, &self.matchers.file_owner, file)
    }

    /// The level the configuration sets for `rule` on `element` of the file whose matching
    /// overrides are `file_hits`: the last override that applies and sets the rule wins.
    fn level(&self, rule: &RuleMeta, file_hits: &[usize], element: &str) -> Level {
        let mut level = self.rules.get(rule.id).copied().unwrap_or(Level::On);
        let Some(candidates) = self.matchers.by_rule.get(rule.id) else {
            return level;
        };
        let mut element_hits: Option<Vec<usize>> = None;
        for &i in candidates {
            let o = &self.overrides[i];
            let file_ok = o.files.is_empty() || file_hits.binary_search(&i).is_ok();
            let element_ok = file_ok
                && (o.elements.is_empty()
                    || element_hits
                        .get_or_insert_with(|| {
                            Matchers::hits(
                                &self.matchers.elements,
                                &self.matchers.element_owner,
                                element,
                            )
                        })
                        .binary_search(&i)
                        .is_ok());
            if element_ok && let Some(&l) = o.rules.get(rule.id) {
                level = l;
            }
        }
        level
    }

    /// Whether `rule` runs anywhere (it is not off everywhere).
    #[must_use]
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.rules.get(rule.id) != Some(&Level::Off)
            || self
                .overrides
                .iter()
                .any(|o| o.rules.get(rule.id).is_some_and(|l| *l != Level::Off))
    }

    /// Applies the configuration to findings: drops those of rules that are off there, sets
    /// the severity of the others, and drops unused-suppression findings about rules that are
    /// off (their findings were never going to appear).
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        // A model's findings share its file: its matching overrides are found once.
        let mut file_hits: HashMap<String, Vec<usize>> = HashMap::new();
        findings.retain_mut(|f| {
            let Some(rule) = registry::find(f.rule) else {
                return true;
            };
            let hits = file_hits
                .entry(f.file.clone())
                .or_insert_with(|| self.file_hits(&f.file));
            if f.rule == "unused-suppression"
                && let Some(target) = registry::find(&f.discriminator)
                && self.level(target.meta(), hits, &f.element) == Level::Off
            {
                return false;
            }
            // `on` keeps the severity the rule gave this finding (a rule may report some
            // findings above or below its default); a level sets it.
            match self.level(rule.meta(), hits, &f.element) {
                Level::Off => false,
                Level::On => true,
                Level::Info => {
                    f.severity = Severity::Info;
                    true
                }
                Level::Warning => {
                    f.severity = Severity::Warning;
                    true
                }
                Level::Error => {
                    f.severity = Severity::Error;
                    true
                }
            }
        });
    }
}

/// The configuration of each model file: the one named with `--config`, else the model's own
/// (found with [`Config::discover`]), each file read once however many models share it.
#[derive(Debug, Default)]
pub struct ConfigCache {
    explicit: Option<Config>,
    found: BTreeMap<PathBuf, Config>,
}

impl ConfigCache {
    /// A cache that answers `explicit` for every model when given.
    #[must_use]
    pub fn new(explicit: Option<Config>) -> Self {
        Self {
            explicit,
            found: BTreeMap::new(),
        }
    }

    /// The configuration that applies to `model`.
    ///
    /// # Errors
    /// The configuration file found for it cannot be read or is invalid.
    pub fn for_model(&mut self, model: &Path) -> Result<Config, Box<ModelError>> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        let Some(path) = Config::discover(model) else {
            return Ok(Config::default());
        };
        if let Some(c) = self.found.get(&path) {
            return Ok(c.clone());
        }
        let c = Config::load(&path, &crate::model::files::display_path(&path))?;
        self.found.insert(path, c.clone());
        Ok(c)
    }
}
