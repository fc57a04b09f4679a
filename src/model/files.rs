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
