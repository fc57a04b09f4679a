//! Mermaid export, so GitHub and GitLab draw the architecture inline in a pull-request
//! comment or a README: a `flowchart TD` with one subgraph per host.
//!
//! Node ids come from element ids reduced to letters, digits and `_` (`c_mysql_primary`,
//! `h_server_1`), so the diagrams of two versions of a model name the same element the same
//! way and can be compared; every label is written with Mermaid's entity codes for the
//! characters its parser treats specially.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::scene::{BoxKind, DomainTree, Scene, component_line, domain_title, link_text};

/// How an element differs from the other version of the model (for `archdoc diff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Only in the new version (green).
    Added,
    /// Only in the old version (red).
    Removed,
    /// In both, with something changed (amber).
    Changed,
}

impl Mark {
    fn class(self) -> &'static str {
        match self {
            Mark::Added => "added",
            Mark::Removed => "removed",
            Mark::Changed => "changed",
        }
    }
}

/// Marked elements: (`component` or `host`, id) and how each differs.
pub type Marks = BTreeMap<(&'static str, String), Mark>;

/// Mermaid node ids for every component and host: `c_` or `h_` and the element's id with
/// every other character than an ASCII letter or digit as `_`; a second element reducing to
/// the same id gets `_2`, `_3`, … in file order.
fn node_ids(scene: &Scene) -> (Vec<String>, Vec<String>) {
    let mut used = BTreeSet::new();
    let mut make = |prefix: &str, id: &str| {
        let base: String = std::iter::once(prefix.to_owned())
            .chain(id.chars().map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_string()
                } else {
                    "_".to_owned()
                }
            }))
            .collect();
        let mut out = base.clone();
        let mut n = 2;
        while !used.insert(out.clone()) {
            out = format!("{base}_{n}");
            n += 1;
        }
        out
    };
    let m = scene.model;
    let comps = m.components.iter().map(|c| make("c_", &c.id)).collect();
    let hosts = m.hosts.iter().map(|h| make("h_", &h.id)).collect();
    (comps, hosts)
}

/// The model as a Mermaid flowchart (without the surrounding code fence).
#[must_use]
pub fn mermaid(scene: &Scene) -> String {
    mermaid_marked(scene, &Marks::new())
}

/// [`mermaid`], with the elements in `marks` drawn in the colour of their change (Mermaid
/// classes `added`, `removed`, `changed`).
#[must_use]
pub fn mermaid_marked(scene: &Scene, marks: &Marks) -> String {
    let m = scene.model;
    let (cid, hid) = node_ids(scene);
    let mut s = String::from("flowchart TD\n");
    // Hosts in a failure domain are drawn inside its subgraph (region ⊃ zone ⊃ rack).
    let tree = DomainTree::of(scene);
    let mut in_domain = vec![false; scene.boxes.len()];
    for list in &tree.boxes {
        for &b in list {
            in_domain[b] = true;
        }
    }
    for row in &scene.rows {
        for &b in row.iter().filter(|&&b| !in_domain[b]) {
            draw_box(&mut s, scene, b, &cid, &hid, "  ");
        }
    }
    let did: Vec<String> = (0..m.domains.len()).map(|d| format!("d{d}")).collect();
    for &d in &tree.roots {
        domain_subgraph(&mut s, scene, &tree, d, (&cid, &hid, &did), "  ", 0);
    }
    for l in &m.links {
        let label = link_text(m, l);
        let arrow = if l.optional { "-.->" } else { "-->" };
        let (from, to) = (&cid[l.from], &cid[l.to]);
        if label.is_empty() {
            let _ = writeln!(s, "  {from} {arrow} {to}");
        } else {
            let _ = writeln!(s, "  {from} {arrow}|\"{}\"| {to}", text(&label));
        }
    }
    for e in &scene.side {
        let target = match (e.to, scene.boxes[e.to_box].kind) {
            (Some(c), _) | (None, BoxKind::Component(c)) => &cid[c],
            (None, BoxKind::Host(h)) => &hid[h],
        };
        let _ = writeln!(s, "  {} -.->|\"{}\"| {target}", cid[e.from], text(&e.label));
    }
    let mut by_mark: BTreeMap<Mark, Vec<&str>> = BTreeMap::new();
    for (c, comp) in m.components.iter().enumerate() {
        if let Some(mark) = marks.get(&("component", comp.id.clone())) {
            by_mark.entry(*mark).or_default().push(&cid[c]);
        }
    }
    for (h, host) in m.hosts.iter().enumerate() {
        if let Some(mark) = marks.get(&("host", host.id.clone())) {
            by_mark.entry(*mark).or_default().push(&hid[h]);
        }
    }
    if !by_mark.is_empty() {
        s.push_str("  classDef added fill:#dafbe1,stroke:#1a7f37,stroke-width:2px\n");
        s.push_str("  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-width:2px\n");
        s.push_str("  classDef changed fill:#fff8c5,stroke:#9a6700,stroke-width:2px\n");
        for (mark, ids) in by_mark {
            let _ = writeln!(s, "  class {} {}", ids.join(","), mark.class());
        }
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

/// A host as a subgraph of its components, or a component on no host as a node.
fn draw_box(s: &mut String, scene: &Scene, b: usize, cid: &[String], hid: &[String], indent: &str) {
    let m = scene.model;
    match scene.boxes[b].kind {
        BoxKind::Host(h) => {
            let _ = writeln!(
                s,
                "{indent}subgraph {}[\"{}\"]",
                hid[h],
                text(&scene.box_name(b))
            );
            for &c in &scene.boxes[b].components {
                let _ = writeln!(
                    s,
                    "{indent}  {}[\"{}\"]",
                    cid[c],
                    text(&component_line(&m.components[c]))
                );
            }
            let _ = writeln!(s, "{indent}end");
        }
        BoxKind::Component(c) => {
            let _ = writeln!(
                s,
                "{indent}{}[\"{}\"]",
                cid[c],
                text(&component_line(&m.components[c]))
            );
        }
    }
}

/// A failure domain as a subgraph holding its child domains and its hosts (domain ids are
/// generated: `d0`, `d1`, …).
fn domain_subgraph(
    s: &mut String,
    scene: &Scene,
    tree: &DomainTree,
    d: usize,
    ids: (&[String], &[String], &[String]),
    indent: &str,
    depth: usize,
) {
    if depth > scene.model.domains.len() {
        return;
    }
    let (cid, hid, did) = ids;
    let _ = writeln!(
        s,
        "{indent}subgraph {}[\"{}\"]",
        did[d],
        text(&domain_title(scene.model, d))
    );
    let inner = format!("{indent}  ");
    for &c in &tree.children[d] {
        domain_subgraph(s, scene, tree, c, ids, &inner, depth + 1);
    }
    for &b in &tree.boxes[d] {
        draw_box(s, scene, b, cid, hid, &inner);
    }
    let _ = writeln!(s, "{indent}end");
}
