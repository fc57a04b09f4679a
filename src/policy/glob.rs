//! Glob patterns for file paths and element ids: `*` matches within one path segment, `**`
//! across segments, `?` one character; everything else matches itself.

/// Whether `text` matches `pattern`.
#[must_use]
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Dynamic programming over (pattern position, text position): linear memory, no
    // backtracking blow-up on hostile patterns.
    let mut cur = vec![false; t.len() + 1];
    cur[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; t.len() + 1];
        match p[i] {
            '*' if p.get(i + 1) == Some(&'*') => {
                // `**` (and a following `/`) matches any run of characters, slashes included.
                let mut any = false;
                for j in 0..=t.len() {
                    any |= cur[j];
                    next[j] = any;
                }
                i += 2;
                if p.get(i) == Some(&'/') {
                    // `**/x` also matches `x` at the top.
                    let mut with_slash = vec![false; t.len() + 1];
                    for j in 0..t.len() {
                        if next[j] && t[j] == '/' {
                            with_slash[j + 1] = true;
                        }
                    }
                    for j in 0..=t.len() {
                        next[j] = with_slash[j] || cur[j];
                    }
                    i += 1;
                }
                cur = next;
                continue;
            }
            '*' => {
                let mut any = false;
                for j in 0..=t.len() {
                    if j > 0 && t[j - 1] == '/' {
                        any = false;
                    }
                    any |= cur[j];
                    next[j] = any;
                }
            }
            '?' => {
                for j in 0..t.len() {
                    next[j + 1] = cur[j] && t[j] != '/';
                }
            }
            c => {
                for j in 0..t.len() {
                    next[j + 1] = cur[j] && t[j] == c;
                }
            }
        }
        cur = next;
        i += 1;
    }
    cur[t.len()]
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
        assert!(glob_match("**/legacy/*", "models/legacy/old.yaml"));
        assert!(glob_match("**/foobar.yaml", "foobar.yaml"));
        assert!(glob_match("server-?", "server-1"));
        assert!(!glob_match("server-?", "server-10"));
        assert!(glob_match("*", ""));
        assert!(glob_match("**", "a/b/c"));
        assert!(!glob_match("a", "ab"));
        let hostile = "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
        assert!(!glob_match(hostile, &"a".repeat(5000)));
    }
}
