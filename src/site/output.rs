//! Where a site may be written, and writing it without ever losing a user's files.
//!
//! A build replaces its output directory, so the output is decided with care before anything
//! is written: the path is resolved lexically (`newdir/..` is the directory holding `newdir`,
//! whether or not `newdir` exists) and then canonically (symlinks in the part that exists),
//! and refused when it is, or contains, the project root, `$HOME` or `/`, or overlaps a
//! directory the site is read from. An existing directory is replaced only when archdoc's
//! marker file proves archdoc built it. Builds into the same output take a lock and write
//! into a temporary directory of their own, so concurrent builds both end with a complete site.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{MARKER, Site};
use crate::model::ModelError;
use crate::model::files::display_path;

/// `path` with `.` and `..` resolved by their text alone, made absolute against `base`
/// (itself absolute). `..` at the root stays at the root.
#[must_use]
pub fn lexical(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => out.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                let is_root = out.parent().is_none();
                if !is_root {
                    out.pop();
                }
            }
            Component::Normal(s) => out.push(s),
        }
    }
    out
}

/// `path` resolved lexically against `base`, then with the symlinks of its longest existing
/// ancestor resolved; the part that does not exist yet is kept as written (it holds no `..`).
#[must_use]
pub fn resolve(base: &Path, path: &Path) -> PathBuf {
    let lex = lexical(base, path);
    let mut existing = lex.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return lex,
        }
    }
}

/// Whether `inner` is `outer` or lies inside it (both resolved).
#[must_use]
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    inner.starts_with(outer)
}

/// The directories a site is built from, resolved, each with what it is called in messages.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// The project root (the directory of `archdoc.yaml`, else the working directory).
    pub root: PathBuf,
    /// Directories read by the build: pages, models, the theme.
    pub inputs: Vec<(String, PathBuf)>,
}

/// Checks that `out` (resolved) is a place a build may replace.
///
/// # Errors
/// A message saying what `out` would have destroyed.
pub fn check_output(out: &Path, shown: &str, protected: &Protected) -> Result<(), String> {
    if out.parent().is_none() {
        return Err(format!(
            "refusing to write the site to `{shown}`: that is the file system's root"
        ));
    }
    if let Some(home) = home_dir()
        && is_within(&home, out)
    {
        return Err(format!(
            "refusing to write the site to `{shown}`: it is or contains your home directory"
        ));
    }
    if is_within(&protected.root, out) {
        return Err(format!(
            "refusing to write the site to `{shown}`: it is or contains the project `{}`, which a build would replace",
            protected.root.display()
        ));
    }
    if is_within(out, &protected.root.join(".git")) {
        return Err(format!(
            "refusing to write the site to `{shown}`: it is inside the project's `.git`"
        ));
    }
    for (what, dir) in &protected.inputs {
        if is_within(dir, out) || is_within(out, dir) {
            return Err(format!(
                "refusing to write the site to `{shown}`: it overlaps the {what} directory `{}` the site is built from",
                dir.display()
            ));
        }
    }
    Ok(())
}

fn home_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    let home = PathBuf::from(home);
    if home.as_os_str().is_empty() || !home.is_absolute() {
        return None;
    }
    Some(home.canonicalize().unwrap_or(home))
}

/// A lock on the directory that holds the output, held while a build swaps its site in.
struct DirLock {
    _file: std::fs::File,
}

impl DirLock {
    fn take(parent: &Path, base: &str) -> std::io::Result<DirLock> {
        // On Unix the directory itself is locked, so no lock file is left behind; elsewhere a
        // lock file next to the output is.
        #[cfg(unix)]
        let file = {
            let _ = base;
            std::fs::File::open(parent)?
        };
        #[cfg(not(unix))]
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(parent.join(format!(".{base}.archdoc-lock")))?;
        file.lock()?;
        Ok(DirLock { _file: file })
    }
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Removes what an interrupted build left next to the output (only while holding the lock,
/// so no running build's directory is touched).
fn clean_strays(parent: &Path, base: &str) {
    let tmp_prefix = format!(".{base}.archdoc-tmp");
    let old_prefix = format!(".{base}.archdoc-old");
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if (name.starts_with(&tmp_prefix) || name.starts_with(&old_prefix))
            && std::fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_dir())
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes a built site to `out` (already resolved and checked with [`check_output`]): into a
/// temporary directory of its own next to it, then swapped in under a lock. An existing `out`
/// is replaced only when archdoc built it (it holds [`MARKER`]) or it is empty.
///
/// # Errors
/// `out` exists and was not built by archdoc, or a file cannot be written. Nothing that was
/// there before is lost, and no temporary directory is left behind.
pub fn write(site: &Site, out: &Path) -> Result<(), Box<ModelError>> {
    let name = display_path(out);
    let fail = |msg: String| Box::new(ModelError::file("site::write", &name, msg));
    let (Some(parent), Some(base)) = (out.parent(), out.file_name()) else {
        return Err(fail(format!("refusing to write the site to `{name}`")));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let base = base.to_string_lossy().into_owned();
    std::fs::create_dir_all(parent)
        .map_err(|e| fail(format!("cannot create `{}`: {e}", display_path(parent))))?;
    let _lock = DirLock::take(parent, &base)
        .map_err(|e| fail(format!("cannot lock `{}`: {e}", display_path(parent))))?;
    clean_strays(parent, &base);
    if let Ok(meta) = std::fs::symlink_metadata(out) {
        let ours = std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
        let empty = meta.is_dir()
            && std::fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if !meta.is_dir() || !(ours || empty) {
            return Err(Box::new(
                ModelError::file(
                    "site::not-ours",
                    &name,
                    format!("refusing to replace `{name}`: archdoc did not build it (there is no `{MARKER}` in it)"),
                )
                .with_help("choose another `--out`, or remove the directory yourself"),
            ));
        }
    }
    let tmp = parent.join(format!(".{base}.archdoc-tmp-{}", unique_suffix()));
    let written = (|| {
        for (rel, bytes) in &site.files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create `{}`: {e}", display_path(dir))))?;
            }
            std::fs::write(&path, bytes)
                .map_err(|e| fail(format!("cannot write `{}`: {e}", display_path(&path))))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Swap: the old site is moved aside, the new one moved in, the old one removed. At no
    // moment is there neither.
    let old = parent.join(format!(".{base}.archdoc-old-{}", unique_suffix()));
    let had_old = std::fs::symlink_metadata(out).is_ok();
    if had_old && let Err(e) = std::fs::rename(out, &old) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(fail(format!("cannot replace `{name}`: {e}")));
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(fail(format!("cannot move the new site into `{name}`: {e}")));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_resolves_dots_without_touching_the_disk() {
        let base = Path::new("/p/q");
        assert_eq!(lexical(base, Path::new("newdir/..")), PathBuf::from("/p/q"));
        assert_eq!(
            lexical(base, Path::new("built/.")),
            PathBuf::from("/p/q/built")
        );
        assert_eq!(lexical(base, Path::new("x/../../v")), PathBuf::from("/p/v"));
        assert_eq!(lexical(base, Path::new("../../../..")), PathBuf::from("/"));
        assert_eq!(
            lexical(base, Path::new("/abs/./x")),
            PathBuf::from("/abs/x")
        );
    }

    #[test]
    fn outputs_that_would_destroy_something_are_refused() {
        let p = Protected {
            root: PathBuf::from("/work/proj"),
            inputs: vec![
                ("pages".to_owned(), PathBuf::from("/work/proj/site")),
                ("models".to_owned(), PathBuf::from("/work/proj/models")),
            ],
        };
        for bad in [
            "/",
            "/work",
            "/work/proj",
            "/work/proj/site",
            "/work/proj/site/out",
            "/work/proj/models",
            "/work/proj/.git/x",
        ] {
            assert!(check_output(Path::new(bad), bad, &p).is_err(), "{bad}");
        }
        for good in [
            "/work/proj/public",
            "/work/proj/sitex",
            "/tmp/out",
            "/work/other",
        ] {
            assert!(check_output(Path::new(good), good, &p).is_ok(), "{good}");
        }
    }
}
