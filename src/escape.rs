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

/// Text fit for a Markdown table cell: no line breaks, no pipes, no HTML.
#[must_use]
pub fn markdown_cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
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
    }
}
