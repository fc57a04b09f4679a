//! Which files are models: the walk over a directory (sorted, symlinks not followed, bounded
//! depth) and the name test (`.yaml` or `.yml`, but not a configuration file). Every command
//! that looks for models or pages asks here, so they agree.

use std::path::{Path, PathBuf};

/// The names a configuration file may have, in the order they are looked for.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["archdoc.yaml", "archdoc.yml", ".archdoc.yaml"];

/// A path as the user would name it: forward slashes, no leading `./`. Model files, findings
/// and fingerprints carry this form, so it must be the same everywhere.
#[must_use]
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

/// Whether a file with this name is a model.
#[must_use]
pub fn is_model_file_name(name: &str) -> bool {
    (name.ends_with(".yaml") || name.ends_with(".yml")) && !CONFIG_FILE_NAMES.contains(&name)
}

/// The regular files under `dir`, sorted, at most 16 directories deep; symlinks are not
/// followed (nothing outside the tree is read), and with `skip_hidden` neither are names
/// starting with a dot.
#[must_use]
pub fn files_under(dir: &Path, skip_hidden: bool) -> Vec<PathBuf> {
    fn walk(dir: &Path, skip_hidden: bool, out: &mut Vec<PathBuf>, depth: usize) {
        if depth > 16 {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if skip_hidden && hidden {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(&e) else {
                continue;
            };
            if meta.is_dir() {
                walk(&e, skip_hidden, out, depth + 1);
            } else if meta.is_file() {
                out.push(e);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, skip_hidden, &mut out, 0);
    out
}

/// Why [`read_bounded`] gave up.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// More than the limit was read (the file may still be growing, or be endless like
    /// `/dev/zero`): reading stopped at `limit + 1` bytes.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::TooLarge { limit } => {
                write!(
                    f,
                    "it is larger than the {} a file may be",
                    human_bytes(*limit)
                )
            }
        }
    }
}

/// `n` bytes as a person would say it (`48 MiB`, `512 KiB`, `100 bytes`).
#[must_use]
pub fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Reads a file, counting the bytes actually read rather than trusting its metadata: a
/// character device, a FIFO or a file that grows while it is read stops at `limit + 1` bytes.
///
/// # Errors
/// The file cannot be read, is a directory, or holds more than `limit` bytes.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    read_bounded_from(file, limit)
}

/// [`read_bounded`] from any reader (standard input, a pipe).
///
/// # Errors
/// The reader fails, or gives more than `limit` bytes.
pub fn read_bounded_from(reader: impl std::io::Read, limit: usize) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text; a leading byte-order mark is dropped.
///
/// # Errors
/// As [`read_bounded`], and text that is not UTF-8.
pub fn read_bounded_text(path: &Path, limit: usize) -> Result<String, ReadError> {
    let bytes = read_bounded(path, limit)?;
    // Windows PowerShell 5 writes `terraform show -json plan > plan.json` (and any `>`
    // redirection) as UTF-16 with a byte-order mark.
    if let Some(text) = utf16_with_bom(&bytes) {
        return text.map_err(|why| {
            ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, why))
        });
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is not valid UTF-8 (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// The text of UTF-16 bytes that begin with a byte-order mark (`None` for anything else).
pub(crate) fn utf16_with_bom(bytes: &[u8]) -> Option<Result<String, String>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Some(Err(
            "it is UTF-16 (it starts with a byte-order mark) but ends mid-character".to_owned(),
        ));
    }
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let mut text = String::with_capacity(body.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Some(Err(format!(
                    "it is not valid UTF-16 (a lone surrogate at byte {})",
                    2 + 2 * i
                )));
            }
        }
    }
    Some(Ok(text))
}

/// The largest configuration or baseline file read.
pub const MAX_SETTINGS_BYTES: usize = 16 * 1024 * 1024;
/// The largest page or theme file read.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// What a YAML or JSON file that is not an archdoc model looks like it is, judged from its
/// top-level keys: enough to say "this is a Compose file; import it" instead of reporting
/// `unknown field 'services'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// A Docker Compose file (`services:`).
    Compose,
    /// Kubernetes manifests (`apiVersion:` and `kind:`).
    Kubernetes,
    /// A Terraform plan or state in JSON (`format_version`).
    TerraformPlan,
    /// A Threagile model (`technical_assets:`).
    Threagile,
    /// A GitHub Actions workflow (`on:` and `jobs:`).
    GithubWorkflow,
    /// YAML with none of a model's top-level keys.
    Other,
}

impl Foreign {
    /// What the file is, for a message.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Foreign::Compose => "a Docker Compose file",
            Foreign::Kubernetes => "a Kubernetes manifest",
            Foreign::TerraformPlan => "a Terraform plan (JSON)",
            Foreign::Threagile => "a Threagile model",
            Foreign::GithubWorkflow => "a GitHub Actions workflow",
            Foreign::Other => "YAML with none of a model's top-level keys",
        }
    }

    /// The `archdoc import` format that reads it, if any.
    #[must_use]
    pub fn import_format(self) -> Option<&'static str> {
        match self {
            Foreign::Compose => Some("compose"),
            Foreign::Kubernetes => Some("kubernetes"),
            Foreign::TerraformPlan => Some("terraform"),
            Foreign::Threagile => Some("threagile"),
            Foreign::GithubWorkflow | Foreign::Other => None,
        }
    }
}

/// The top-level mapping keys of a YAML text (every document), read line by line: a key at
/// column 0 followed by `:`. Cheap and safe on any input; no YAML is parsed.
#[must_use]
pub fn top_level_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    for line in text.lines().take(200_000) {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '}' | ']' | '.') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim().trim_matches(['"', '\'']);
        if !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
            && !keys.contains(&key)
        {
            keys.push(key);
        }
    }
    keys
}

/// The keys an archdoc model may have at its top level.
const MODEL_KEYS: [&str; 9] = [
    "name",
    "description",
    "slo",
    "domains",
    "hosts",
    "components",
    "links",
    "journeys",
    "ignore",
];

/// What a file that is not an archdoc model is, or `None` when it may be one.
#[must_use]
pub fn foreign_format(text: &str) -> Option<Foreign> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let head: String = trimmed.chars().take(4096).collect();
        // Terraform writes `format_version` first; a plan whose keys were sorted (`jq -S`) has
        // it after the whole `configuration`, and one trimmed by hand for a test or a bug
        // report may have lost it: its planned values or changes still say what it is.
        let plan_keys = ["\"planned_values\"", "\"resource_changes\""];
        if head.contains("\"format_version\"") || plan_keys.iter().any(|k| trimmed.contains(k)) {
            return Some(Foreign::TerraformPlan);
        }
        // JSON that is neither a plan nor a model (which must have `components`, quoted or,
        // in a YAML flow mapping, not): an ARM or CloudFormation template, a package manifest.
        if !trimmed.contains("components") {
            return Some(Foreign::Other);
        }
    }
    let keys = top_level_keys(text);
    let has = |k: &str| keys.contains(&k);
    if has("components") {
        return None;
    }
    if has("apiVersion") && has("kind") {
        return Some(Foreign::Kubernetes);
    }
    if has("services") {
        return Some(Foreign::Compose);
    }
    // (A model split with `includes:` may keep its assets in the included files.)
    if has("technical_assets") || has("threagile_version") {
        return Some(Foreign::Threagile);
    }
    if has("jobs") && (has("on") || has("\"on\"")) {
        return Some(Foreign::GithubWorkflow);
    }
    if !keys.is_empty() && !keys.iter().any(|k| MODEL_KEYS.contains(k)) {
        return Some(Foreign::Other);
    }
    None
}

/// The files under `dir` the way git sees the project: sorted, `.gitignore`d and hidden files
/// left out, symlinks not followed, at most 16 directories deep.
#[must_use]
pub fn project_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .standard_filters(true)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(17))
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect();
    out.sort();
    out
}
