//! `--new-since REF`: the same models as they were at the merge-base of a git ref, read with
//! `git show` (no checkout, the working tree is never touched), checked with the same
//! configuration, as a baseline.

use std::path::{Path, PathBuf};
use std::process::Command;

use archdoc::lint::LintOptions;
use archdoc::model::{Limits, ModelError, load_str};
use archdoc::policy::Baseline;
use archdoc::report::ModelReport;

use super::check::{Checked, display_path};

fn git(args: &[&str], cwd: &Path) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn trouble(message: String, help: &str) -> Box<ModelError> {
    Box::new(ModelError::file("git::new-since", "--new-since", message).with_help(help))
}

/// The repository's root and the merge-base of `git_ref` and `HEAD`.
pub(crate) fn root_and_merge_base(
    git_ref: &str,
    flag: &str,
) -> Result<(PathBuf, String), Box<ModelError>> {
    if git_ref.starts_with('-') || git_ref.is_empty() || git_ref.contains('\0') {
        return Err(trouble(
            format!("`{flag}={git_ref}` is not a git ref: a ref cannot begin with `-` or be empty"),
            "name a branch, tag or commit, e.g. `origin/main`",
        ));
    }
    let here = std::env::current_dir()
        .map_err(|e| trouble(e.to_string(), "run archdoc in the repository"))?;
    let root = git(&["rev-parse", "--show-toplevel"], &here).map_err(|e| {
        trouble(
            format!("`{flag}` needs a git repository: {e}"),
            "run archdoc inside the repository",
        )
    })?;
    let root = PathBuf::from(String::from_utf8_lossy(&root).trim());
    let base = match git(&["merge-base", "--end-of-options", git_ref, "HEAD"], &root) {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(e) => {
            let shallow = git(&["rev-parse", "--is-shallow-repository"], &root)
                .is_ok_and(|o| String::from_utf8_lossy(&o).trim() == "true");
            let (message, help) = if shallow {
                (
                    format!(
                        "this clone is shallow: the history to find the merge-base with `{git_ref}` is missing ({e})"
                    ),
                    "fetch the history (actions/checkout: `fetch-depth: 0`; GitLab: `GIT_DEPTH: 0`; or `git fetch --unshallow`)",
                )
            } else {
                (
                    format!("cannot find the merge-base of `{git_ref}` and HEAD: {e}"),
                    "name a branch, tag or commit that shares history with HEAD (fetch it first if it is remote)",
                )
            };
            return Err(trouble(message, help));
        }
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    Ok((root, base))
}

/// The path of `file` relative to the repository root, with forward slashes.
pub(crate) fn relative(root: &Path, file: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(file).ok()?;
    let rel = abs.strip_prefix(root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// The text of `rel` at commit `base`, if it existed there.
pub(crate) fn show(root: &Path, base: &str, rel: &str) -> Option<String> {
    git(&["show", &format!("{base}:{rel}")], root)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The files under `rel_dir` at commit `base` (paths relative to the root).
pub(crate) fn files_at(root: &Path, base: &str, rel_dir: &str) -> Vec<String> {
    // `-z`: names exactly as stored, not C-quoted (a quoted name would never match).
    git(
        &["ls-tree", "-r", "-z", "--name-only", base, "--", rel_dir],
        root,
    )
    .map(|b| {
        b.split(|&c| c == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// A baseline of the findings the models had at the merge-base of `git_ref` and `HEAD`.
pub(crate) fn baseline_at_merge_base(
    git_ref: &str,
    files: &[PathBuf],
    checked: &Checked,
    options: LintOptions,
) -> Result<Baseline, Box<ModelError>> {
    let (root, base) = root_and_merge_base(git_ref, "--new-since")?;
    let limits = Limits::default();
    let mut reports = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let Some(rel) = relative(&root, f) else {
            continue;
        };
        // A file that did not exist at the base has no findings there: all of its are new.
        let Some(text) = show(&root, &base, &rel) else {
            continue;
        };
        let display = display_path(f);
        let Ok(model) = load_str(&text, &display, &limits) else {
            continue; // a model that did not load at the base: everything in it is new
        };
        let config = checked.configs.get(i).cloned().unwrap_or_default();
        reports.push(ModelReport::check_with(&model, options, &config));
    }
    Ok(Baseline::of(&reports))
}
