//! Markdown pages to safe HTML: headings get GitHub-style anchors (so links written for
//! GitHub work on the site too), links to `.md` files become links to the built pages, raw
//! HTML is shown as text rather than passed through, `javascript:` and similar links are
//! disarmed, and fenced ```` ```archdoc ```` blocks embed a model's diagram, whiteboard,
//! journey or findings.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A heading of a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its text.
    pub text: String,
    /// Its anchor.
    pub id: String,
}

/// A rendered page.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The HTML body.
    pub html: String,
    /// Its headings, in order.
    pub headings: Vec<Heading>,
    /// Its links and images that point into the site (no scheme), as written in the page
    /// after `.md` became `.html`, with the line each is on, for the link check.
    pub links: Vec<LocalLink>,
}

/// A link from a page to a place in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// The destination as the built page has it (`guide.html#setup`, `#top`, `img/a.png`).
    pub dest: String,
    /// The line of the page it is written on.
    pub line: usize,
    /// Where it is written in the page: byte offset and length.
    pub offset: usize,
    /// Its length in bytes.
    pub len: usize,
    /// The destination as written (`guide.md#setup`).
    pub written: String,
}

/// Whether a destination is a place in the site rather than another site or a mail address.
fn is_local(dest: &str) -> bool {
    let scheme = dest
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '#', '?']));
    !(dest.is_empty() || dest.starts_with("//") || scheme)
}

/// A fenced `archdoc` block: the directive, its `key=value` arguments, the line it is on.
#[derive(Debug, Clone)]
pub struct Directive {
    /// `diagram`, `whiteboard`, `journey` or `findings`.
    pub name: String,
    /// Its arguments.
    pub args: Vec<(String, String)>,
    /// 1-based line of the fence.
    pub line: usize,
}

/// The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens.
#[must_use]
pub fn slug(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.trim().chars() {
        if ch.is_alphanumeric() {
            s.extend(ch.to_lowercase());
        } else if ch == ' ' || ch == '-' {
            s.push('-');
        } else if ch == '_' {
            s.push('_');
        }
    }
    if s.is_empty() {
        "section".to_owned()
    } else {
        s
    }
}

/// Whether a link destination could run code in the browser.
fn is_dangerous(dest: &str) -> bool {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// A link as the built site needs it: `page.md#x` becomes `page.html#x`.
fn rewrite_link(dest: &str) -> String {
    if is_dangerous(dest) {
        return "#".to_owned();
    }
    let has_scheme = dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('#');
    if has_scheme {
        return dest.to_owned();
    }
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = if let Some(stem) = path.strip_suffix(".md") {
        if stem.eq_ignore_ascii_case("readme")
            || stem.ends_with("/README")
            || stem.ends_with("/readme")
        {
            format!(
                "{}index.html",
                stem.trim_end_matches("README").trim_end_matches("readme")
            )
        } else {
            format!("{stem}.html")
        }
    } else {
        path.to_owned()
    };
    match frag {
        Some(f) => format!("{path}#{f}"),
        None => path,
    }
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

/// Renders `src`. `directive` turns an `archdoc` block into HTML, or says why it cannot.
///
/// # Errors
/// A directive's error, with the line of its block.
pub fn render(
    src: &str,
    directive: &mut dyn FnMut(&Directive) -> Result<String, String>,
) -> Result<Rendered, (usize, String)> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut headings = Vec::new();
    let mut used_ids: Vec<String> = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'_>>)> = None;
    let mut in_directive: Option<Directive> = None;
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(src, options).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && in_directive.is_none()
            && is_local(dest_url)
            && !is_dangerous(dest_url)
        {
            links.push(LocalLink {
                dest: rewrite_link(dest_url),
                line: line_of(src, range.start),
                offset: range.start,
                len: range.len(),
                written: dest_url.to_string(),
            });
        }
        if let Some(d) = &in_directive {
            if let Event::End(TagEnd::CodeBlock) = event {
                let html = directive(d).map_err(|e| (d.line, e))?;
                events.push(Event::Html(CowStr::from(html)));
                in_directive = None;
            }
            continue;
        }
        let event = match event {
            // Raw HTML is shown, not run.
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(rewrite_link(&dest_url)),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from(if is_dangerous(&dest_url) {
                    String::new()
                } else {
                    dest_url.to_string()
                }),
                title,
                id,
            }),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("archdoc") =>
            {
                let mut words = info.split_whitespace().skip(1);
                let name = words.next().unwrap_or("").to_owned();
                let args = words
                    .map(|w| match w.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (w.to_owned(), String::new()),
                    })
                    .collect();
                in_directive = Some(Directive {
                    name,
                    args,
                    line: line_of(src, range.start),
                });
                continue;
            }
            e => e,
        };
        match (&mut heading, event) {
            (None, Event::Start(Tag::Heading { level, .. })) => {
                heading = Some((level, Vec::new()));
            }
            (Some(_), Event::End(TagEnd::Heading(_))) => {
                let Some((level, inner)) = heading.take() else {
                    continue;
                };
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = slug(&text);
                let mut id = base.clone();
                let mut n = 1;
                while used_ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                used_ids.push(id.clone());
                headings.push(Heading {
                    level: level as u8,
                    text: text.clone(),
                    id: id.clone(),
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                events.extend(inner);
                events.push(Event::End(TagEnd::Heading(level)));
            }
            (Some((_, inner)), e) => inner.push(e),
            (None, e) => events.push(e),
        }
    }
    if let Some(d) = in_directive {
        return Err((d.line, "an `archdoc` block is not closed".to_owned()));
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(Rendered {
        html,
        headings,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(src: &str) -> String {
        render(src, &mut |d| {
            Ok(format!("<div class=\"x\">{}</div>", d.name))
        })
        .unwrap()
        .html
    }

    #[test]
    fn headings_links_and_html() {
        let h = md("# Accepting a finding: `ignore`\n\n## Accepting a finding: `ignore`\n");
        assert!(h.contains("id=\"accepting-a-finding-ignore\""), "{h}");
        assert!(h.contains("id=\"accepting-a-finding-ignore-1\""), "{h}");
        let h = md(
            "[a](model-reference.md#x) [b](https://x.org/a.md) [c](javascript:alert(1)) [d]( JaVa\tScript:x)",
        );
        assert!(h.contains("href=\"model-reference.html#x\""), "{h}");
        assert!(h.contains("href=\"https://x.org/a.md\""), "{h}");
        assert!(!h.to_lowercase().contains("javascript"), "{h}");
        let h = md("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!h.contains("<script") && !h.contains("<img"), "{h}");
        let h = md("```archdoc diagram model=foobar\n```\n");
        assert_eq!(h, "<div class=\"x\">diagram</div>");
        let e = render(
            "a\n\n```archdoc nope\n```\n",
            &mut |_| Err("unknown".into()),
        )
        .unwrap_err();
        assert_eq!(e, (3, "unknown".to_owned()));
    }
}
