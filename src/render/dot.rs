//! Graphviz DOT export: one cluster per host, one node per component, the links as edges and
//! the side edges (replication, monitoring, DNS) dashed. For users who want Graphviz's own
//! layout, or tools that read DOT.
//!
//! Side edges are not marked `constraint=false`, although that would keep a replica's server
//! in its tier: Graphviz 2.43 (Debian 12) fails with "trouble in init_rank" on such edges
//! between clusters from a few hundred nodes on, and a valid drawing matters more than an
//! aligned one. No `rank=same` is forced either: links inside a tier (an application server
//! calling a cache in the same row) would make such constraints unsatisfiable.

use std::fmt::Write as _;

use super::scene::{BoxKind, DomainTree, Scene, SideKind, component_line, domain_title, link_text};

/// The model as a DOT digraph.
#[must_use]
pub fn dot(scene: &Scene) -> String {
    let m = scene.model;
    let mut s = String::new();
    let _ = writeln!(s, "digraph {} {{", quote(&m.name));
    s.push_str("  graph [rankdir=TB, newrank=true, compound=true, fontname=\"Helvetica\"];\n");
    s.push_str("  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    // Hosts in a failure domain are drawn inside its cluster (region ⊃ zone ⊃ rack), after
    // the tiers.
    let tree = DomainTree::of(scene);
    let mut in_domain = vec![false; scene.boxes.len()];
    for list in &tree.boxes {
        for &b in list {
            in_domain[b] = true;
        }
    }
    for (r, row) in scene.rows.iter().enumerate() {
        let _ = writeln!(s, "  // tier {r}: {}", scene.row_tier[r].title());
        for &b in row.iter().filter(|&&b| !in_domain[b]) {
            draw_box(&mut s, scene, b, "  ");
        }
    }
    if !tree.is_empty() {
        s.push_str("  // failure domains\n");
        for &d in &tree.roots {
            domain_cluster(&mut s, scene, &tree, d, "  ", 0);
        }
    }
    for l in &m.links {
        let mut attrs = Vec::new();
        let text = link_text(m, l);
        if !text.is_empty() {
            attrs.push(format!("label={}", quote(&text)));
        }
        if l.optional {
            attrs.push("style=dotted".to_owned());
        }
        let _ = writeln!(
            s,
            "  {} -> {}{};",
            quote(&m.components[l.from].id),
            quote(&m.components[l.to].id),
            attr_list(&attrs)
        );
    }
    for e in &scene.side {
        let target = match e.to {
            Some(c) => m.components[c].id.clone(),
            None => match scene.boxes[e.to_box].components.first() {
                Some(&c) => m.components[c].id.clone(),
                None => anchor(scene.box_id(e.to_box)),
            },
        };
        let mut attrs = vec![
            "style=dashed".to_owned(),
            format!("label={}", quote(&e.label)),
        ];
        if e.to.is_none() {
            attrs.push(format!(
                "lhead={}",
                quote(&format!("cluster_{}", scene.box_id(e.to_box)))
            ));
        }
        if e.kind == SideKind::Replication {
            attrs.push("color=\"#555555\"".to_owned());
        }
        let _ = writeln!(
            s,
            "  {} -> {}{};",
            quote(&m.components[e.from].id),
            quote(&target),
            attr_list(&attrs)
        );
    }
    s.push_str("}\n");
    s
}

/// A host as a cluster of its components, or a component on no host as a node.
fn draw_box(s: &mut String, scene: &Scene, b: usize, indent: &str) {
    let m = scene.model;
    match scene.boxes[b].kind {
        BoxKind::Host(h) => {
            let _ = writeln!(
                s,
                "{indent}subgraph {} {{",
                quote(&format!("cluster_{}", m.hosts[h].id))
            );
            let _ = writeln!(s, "{indent}  label={};", quote(&scene.box_name(b)));
            let _ = writeln!(s, "{indent}  style=\"rounded\";");
            let inner = format!("{indent}  ");
            for &c in &scene.boxes[b].components {
                node(s, scene, c, &inner);
            }
            if scene.boxes[b].components.is_empty() {
                let _ = writeln!(
                    s,
                    "{inner}{} [label=\"(no components)\", shape=plaintext];",
                    quote(&anchor(&m.hosts[h].id))
                );
            }
            let _ = writeln!(s, "{indent}}}");
        }
        BoxKind::Component(c) => node(s, scene, c, indent),
    }
}

/// A failure domain as a dashed cluster holding its child domains and its hosts.
fn domain_cluster(
    s: &mut String,
    scene: &Scene,
    tree: &DomainTree,
    d: usize,
    indent: &str,
    depth: usize,
) {
    if depth > scene.model.domains.len() {
        return;
    }
    let _ = writeln!(
        s,
        "{indent}subgraph {} {{",
        quote(&format!("cluster_domain_{}", scene.model.domains[d].id))
    );
    let _ = writeln!(
        s,
        "{indent}  label={};",
        quote(&domain_title(scene.model, d))
    );
    let _ = writeln!(s, "{indent}  style=\"dashed\"; color=\"#8c959f\";");
    let inner = format!("{indent}  ");
    for &c in &tree.children[d] {
        domain_cluster(s, scene, tree, c, &inner, depth + 1);
    }
    for &b in &tree.boxes[d] {
        draw_box(s, scene, b, &inner);
    }
    let _ = writeln!(s, "{indent}}}");
}

fn node(s: &mut String, scene: &Scene, c: usize, indent: &str) {
    let comp = &scene.model.components[c];
    let _ = writeln!(
        s,
        "{indent}{} [label={}];",
        quote(&comp.id),
        quote(&component_line(comp))
    );
}

/// The node standing for a host with no components (ids of components never contain `:`).
fn anchor(host: &str) -> String {
    format!("host:{host}")
}

fn attr_list(attrs: &[String]) -> String {
    if attrs.is_empty() {
        String::new()
    } else {
        format!(" [{}]", attrs.join(", "))
    }
}

/// A DOT double-quoted string: quotes and backslashes escaped, line breaks dropped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
