//! Mermaid export, so GitHub and GitLab draw the architecture inline in a pull-request
//! comment or a README: a `flowchart TD` with one subgraph per host.
//!
//! Node ids are generated (`c0`, `h0`), never taken from the model, and every label is
//! written with Mermaid's entity codes for the characters its parser treats specially.

use std::fmt::Write as _;

use super::scene::{BoxKind, Scene, component_line, link_text};

/// The model as a Mermaid flowchart (without the surrounding code fence).
#[must_use]
pub fn mermaid(scene: &Scene) -> String {
    let m = scene.model;
    let mut s = String::from("flowchart TD\n");
    for row in &scene.rows {
        for &b in row {
            match scene.boxes[b].kind {
                BoxKind::Host(h) => {
                    let _ = writeln!(s, "  subgraph h{h}[\"{}\"]", text(&scene.box_name(b)));
                    for &c in &scene.boxes[b].components {
                        let _ = writeln!(
                            s,
                            "    c{c}[\"{}\"]",
                            text(&component_line(&m.components[c]))
                        );
                    }
                    s.push_str("  end\n");
                }
                BoxKind::Component(c) => {
                    let _ = writeln!(s, "  c{c}[\"{}\"]", text(&component_line(&m.components[c])));
                }
            }
        }
    }
    for l in &m.links {
        let label = link_text(m, l);
        let arrow = if l.optional { "-.->" } else { "-->" };
        if label.is_empty() {
            let _ = writeln!(s, "  c{} {arrow} c{}", l.from, l.to);
        } else {
            let _ = writeln!(s, "  c{} {arrow}|\"{}\"| c{}", l.from, text(&label), l.to);
        }
    }
    for e in &scene.side {
        let target = match (e.to, scene.boxes[e.to_box].kind) {
            (Some(c), _) => format!("c{c}"),
            (None, BoxKind::Host(h)) => format!("h{h}"),
            (None, BoxKind::Component(c)) => format!("c{c}"),
        };
        let _ = writeln!(s, "  c{} -.->|\"{}\"| {target}", e.from, text(&e.label));
    }
    s
}

/// Label text safe inside Mermaid's `"..."`: quotes, pipes, angle brackets, `#`, `&` and
/// brackets as entity codes; control characters as spaces.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
