//! Glob patterns for file paths and element ids in `archdoc.yaml` overrides: `*` matches
//! within one path segment, `**` across segments (as a whole segment: `**/x`, `x/**`), `?`
//! one character; everything else matches itself (brackets and braces too: element ids may
//! hold them). Compiled once into a [`GlobSet`] (the `globset` crate, ripgrep's), so matching
//! a finding against many overrides costs an automaton run per 256 patterns, not a pass per
//! pattern.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// `pattern` in globset's syntax: its characters other than `*`, `?` and `/` taken literally.
fn literal_except_wildcards(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        match c {
            '*' | '?' | '/' => out.push(c),
            '[' | ']' | '{' | '}' | '\\' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Patterns compiled for matching together. They are kept in sets of [`CHUNK`] patterns:
/// one automaton for thousands of wildcard patterns outgrows the regex engine's size limit
/// ("error building NFA").
#[derive(Debug, Clone, Default)]
pub(super) struct Globs {
    sets: Vec<GlobSet>,
}

/// Patterns per compiled set.
const CHUNK: usize = 256;

impl Globs {
    /// The indices (in the order given to [`compile`]) of the patterns that match `text`.
    #[must_use]
    pub(super) fn matches(&self, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        for (k, set) in self.sets.iter().enumerate() {
            out.extend(set.matches(text).into_iter().map(|i| k * CHUNK + i));
        }
        out
    }

    /// Whether any pattern matches `text`.
    #[must_use]
    pub(super) fn is_match(&self, text: &str) -> bool {
        self.sets.iter().any(|s| s.is_match(text))
    }
}

/// Compiles `patterns` for matching together.
///
/// # Errors
/// A pattern globset cannot compile (with the wildcards above only, none is expected).
pub(super) fn compile<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Globs, String> {
    let patterns: Vec<&str> = patterns.into_iter().collect();
    let mut sets = Vec::with_capacity(patterns.len().div_ceil(CHUNK));
    for chunk in patterns.chunks(CHUNK) {
        let mut set = GlobSetBuilder::new();
        for p in chunk {
            let glob = GlobBuilder::new(&literal_except_wildcards(p))
                .literal_separator(true)
                .backslash_escape(false)
                .build()
                .map_err(|e| format!("`{p}` is not a glob archdoc can read: {e}"))?;
            set.add(glob);
        }
        sets.push(set.build().map_err(|e| e.to_string())?);
    }
    Ok(Globs { sets })
}

/// Whether `text` matches `pattern` (one pattern, compiled for the call: for tests and for
/// one-off matches; overrides use [`compile`]).
#[must_use]
pub fn glob_match(pattern: &str, text: &str) -> bool {
    compile([pattern]).is_ok_and(|set| set.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("lb-*", "lb-01"));
        assert!(!glob_match("lb-*", "web-01"));
        assert!(glob_match("models/*.yaml", "models/foobar.yaml"));
        assert!(!glob_match("models/*.yaml", "models/legacy/old.yaml"));
        assert!(glob_match("models/**/*.yaml", "models/legacy/old.yaml"));
        assert!(glob_match(
            "models/legacy/**",
            "models/legacy/deep/old.yaml"
        ));
        assert!(glob_match("**/legacy/*", "models/legacy/old.yaml"));
        assert!(glob_match("**/foobar.yaml", "foobar.yaml"));
        assert!(glob_match("server-?", "server-1"));
        assert!(!glob_match("server-?", "server-10"));
        assert!(glob_match("*", ""));
        assert!(glob_match("**", "a/b/c"));
        assert!(!glob_match("a", "ab"));
        // Everything but the wildcards matches itself.
        assert!(glob_match("aws_instance.web[0]", "aws_instance.web[0]"));
        assert!(!glob_match("web[0-9]", "web1"));
        assert!(glob_match("{a,b}-*", "{a,b}-x"));
        assert!(glob_match("c:\\x*", "c:\\xy"));
        let hostile = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        assert!(!glob_match(hostile, &"a".repeat(5000)));
    }
}
