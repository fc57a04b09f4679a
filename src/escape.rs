//! Escaping user text for the places it lands: XML (SVG, HTML, JUnit) and Markdown table
//! cells. Everything a user can type into a model goes through here before it is written
//! into markup.

/// Text safe in XML or HTML content and in quoted attribute values. Control characters
/// become spaces, except line breaks and tabs when `keep_breaks` (text content that keeps its
/// lines, such as a JUnit failure body).
#[must_use]
pub fn xml_with(s: &str, keep_breaks: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' if keep_breaks => out.push(ch),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text safe in XML or HTML content and attribute values, on one line.
#[must_use]
pub fn xml(s: &str) -> String {
    xml_with(s, false)
}

/// Text fit for a Markdown table cell or list item, shown and never interpreted: no line
/// breaks, no pipes, no HTML; links, images, emphasis, headings and `@mentions` are escaped
/// (a pull-request comment must not ping people or load images a model names). Code spans
/// the text already has (`` `web` `` in a finding's message) stay code spans; a backtick
/// without a partner is escaped, so model text cannot open one that swallows the rest.
#[must_use]
pub fn markdown_cell(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    // The backticks that pair up (single backticks, left to right); the rest are literal.
    let mut pairs = vec![false; chars.len()];
    let mut open: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c != '`' {
            continue;
        }
        let single = (i == 0 || chars[i - 1] != '`') && chars.get(i + 1) != Some(&'`');
        if !single {
            continue;
        }
        match open.take() {
            Some(o) => {
                pairs[o] = true;
                pairs[i] = true;
            }
            None => open = Some(i),
        }
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut in_code = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' && pairs[i] {
            in_code = !in_code;
            out.push('`');
            continue;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '|' => out.push_str("\\|"),
            c if is_unsafe_control(c) => out.push(' '),
            _ if in_code => out.push(c),
            '@' => out.push_str("@\u{2060}"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' | '\\' | '[' | ']' | '*' | '_' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Block markers only count at the start; `://` is what autolinks a URL.
            '#' | '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as one Markdown code span, whatever backticks it holds (the fence is longer than
/// any run inside), fit for a table cell.
#[must_use]
pub fn markdown_code(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let body: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') || longest > 0 {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Characters a terminal would act on rather than show: C0 controls other than line feed
/// and tab, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
#[must_use]
pub fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for a terminal, shown and never interpreted: every unsafe control character
/// ([`is_unsafe_control`]) is written as a visible escape (`\x1b`, `\u{202e}`). With
/// `keep_colour`, colour sequences (`ESC [ digits ; m`) pass, as archdoc's own output uses
/// them; every other escape sequence is shown.
#[must_use]
pub fn terminal(s: &str, keep_colour: bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && keep_colour {
            let tail = &rest[1..];
            if let Some(body) = tail.strip_prefix('[') {
                let n = body
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || *b == b';')
                    .count();
                if body.as_bytes().get(n) == Some(&b'm') {
                    out.push_str(&rest[..n + 3]);
                    rest = &rest[n + 3..];
                    continue;
                }
            }
        }
        if is_unsafe_control(c) {
            let code = u32::from(c);
            if code < 0x100 {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:x}}}"));
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::xml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(super::xml("a\nb\u{7}"), "a b ");
        assert_eq!(super::xml_with("a\nb", true), "a\nb");
        assert_eq!(super::markdown_cell("a|b\n<i>"), "a\\|b &lt;i&gt;");
        assert_eq!(
            super::markdown_cell("![x](http://e/i.png) @team `web` [l](u)"),
            "!\\[x\\](http\\://e/i.png) @\u{2060}team `web` \\[l\\](u)"
        );
        // An unpaired backtick cannot open a code span that hides what follows.
        assert_eq!(super::markdown_cell("`a` ` [x](y)"), "`a` \\` \\[x\\](y)");
        assert_eq!(super::markdown_code("a`b"), "`` a`b ``");
        assert_eq!(super::markdown_code("x|y"), "`x\\|y`");
        assert_eq!(
            super::terminal("a\u{1b}]0;t\u{7}b", false),
            "a\\x1b]0;t\\x07b"
        );
        assert_eq!(
            super::terminal("\u{1b}[31mred\u{1b}[0m", true),
            "\u{1b}[31mred\u{1b}[0m"
        );
        assert_eq!(super::terminal("\u{1b}[2J", true), "\\x1b[2J");
        assert_eq!(super::terminal("a\u{202e}b\n", false), "a\\u{202e}b\n");
    }
}
