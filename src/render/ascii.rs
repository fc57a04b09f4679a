//! The whiteboard diagram: the picture an engineer draws when explaining the design, in plain
//! text for terminals and pull-request comments.
//!
//! Tier rows top to bottom; each box is `[ Title ]` with its components listed as a tree under
//! it; requests flow down through buses (`+----+`) with an arrow into each box they reach.
//! Links a bus cannot show (inside a box, or to a box in the same or a higher row) are listed
//! under the component that makes them, so no link is ever left out. Rows wider than the page
//! fold identical boxes into one marked `x N`, then wrap; a request that must cross a wrapped
//! row runs down a lane in the left margin. Replication, monitoring and DNS get sections of
//! their own under the drawing.

use std::collections::{BTreeMap, BTreeSet};

use super::canvas::{Canvas, Charset, truncate, width};
use super::scene::{BoxKind, Scene, SideKind, component_line, component_name, link_text};
use crate::model::{Failover, Kind};

/// Options for the text diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Box-drawing characters instead of plain ASCII.
    pub unicode: bool,
    /// The page width in columns.
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            unicode: false,
            width: 100,
        }
    }
}

/// Columns between two boxes of a row.
const GAP: usize = 4;

struct Glyphs {
    tree_mid: &'static str,
    tree_last: &'static str,
    tree_pipe: &'static str,
    link_mid: &'static str,
    link_last: &'static str,
    side: &'static str,
    ellipsis: &'static str,
}

fn glyphs(unicode: bool) -> Glyphs {
    if unicode {
        Glyphs {
            tree_mid: "├── ",
            tree_last: "└── ",
            tree_pipe: "│   ",
            link_mid: "├─> ",
            link_last: "└─> ",
            side: "~>",
            ellipsis: "…",
        }
    } else {
        Glyphs {
            tree_mid: "|-- ",
            tree_last: "`-- ",
            tree_pipe: "|   ",
            link_mid: "|-> ",
            link_last: "`-> ",
            side: "~>",
            ellipsis: "...",
        }
    }
}

enum Entry {
    Component(String, Vec<String>),
    Link(String),
}

/// Boxes fold together when alike in shape, callers and callees.
type FoldKey<'a> = (&'a str, &'a [usize], &'a [usize]);

/// A set of sources that all call the same set of targets: one bus.
struct Net {
    sources: Vec<usize>,
    targets: Vec<usize>,
    label: String,
    lane: Option<usize>,
    /// Lines of the tracks on its lane, for drawing the lane.
    lane_ys: Vec<usize>,
}

/// Draws `scene` as a whiteboard diagram.
#[must_use]
pub fn whiteboard(scene: &Scene, opts: &TextOptions) -> String {
    let m = scene.model;
    let g = glyphs(opts.unicode);
    let nb = scene.boxes.len();
    let page = opts.width.max(20);

    // Lone DNS components are drawn as lookups on the way in, not as boxes.
    let is_lookup = |b: usize| match scene.boxes[b].kind {
        BoxKind::Component(c) => m.components[c].kind == Kind::Dns,
        BoxKind::Host(_) => false,
    };
    let rows: Vec<Vec<usize>> = scene
        .rows
        .iter()
        .map(|r| r.iter().copied().filter(|&b| !is_lookup(b)).collect())
        .filter(|r: &Vec<usize>| !r.is_empty())
        .collect();
    let mut row_of = vec![usize::MAX; nb];
    for (r, row) in rows.iter().enumerate() {
        for &b in row {
            row_of[b] = r;
        }
    }

    // Which links the buses draw, and which are listed under their component.
    let mut listed: Vec<Vec<usize>> = vec![Vec::new(); m.components.len()];
    let mut edges: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut dns_lines: Vec<String> = Vec::new();
    for &l in &scene.flow {
        let link = &m.links[l];
        let (a, b) = (scene.box_of[link.from], scene.box_of[link.to]);
        if row_of[a] == usize::MAX {
            dns_lines.push(format!(
                "{} -> {}",
                clean_name(m, link.from),
                scene.component_ref(link.to)
            ));
        } else if row_of[b] != usize::MAX && row_of[a] < row_of[b] {
            let labels = edges.entry((a, b)).or_default();
            let text = link_text(m, link);
            if !text.is_empty() && !labels.contains(&text) {
                labels.push(text);
            }
        } else {
            listed[link.from].push(l);
        }
    }
    for &l in &scene.inner {
        listed[m.links[l].from].push(l);
    }
    for l in &mut listed {
        l.sort_unstable();
    }
    for b in 0..nb {
        if !is_lookup(b) {
            continue;
        }
        let c = scene.boxes[b].components[0];
        for r in &m.components[c].records {
            dns_lines.push(format!(
                "DNS lookup ({} record: {} -> {})",
                r.record_type.as_str(),
                super::scene::clean(&r.name),
                scene.component_ref(r.target)
            ));
        }
        if m.components[c].records.is_empty() {
            dns_lines.push(format!("DNS lookup ({})", clean_name(m, c)));
        }
    }
    if dns_lines.len() > 6 {
        let more = dns_lines.len() - 5;
        dns_lines.truncate(5);
        dns_lines.push(format!("... and {more} more DNS records"));
    }

    // Each box's block of text.
    let cap = 48.min(page);
    let mut blocks: Vec<Vec<String>> = vec![Vec::new(); nb];
    for b in 0..nb {
        if row_of[b] != usize::MAX {
            blocks[b] = block(scene, b, &listed, &g, cap);
        }
    }

    // Fold identical boxes in rows too wide for the page: first boxes alike in content and
    // in connections, then, if the row is still too wide, boxes alike in content (their
    // connections are then drawn once, between the folded boxes).
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); nb];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); nb];
    for &(a, b) in edges.keys() {
        outs[a].push(b);
        ins[b].push(a);
    }
    let shape: Vec<String> = (0..nb).map(|b| box_shape(scene, b, &listed)).collect();
    let mut rep: Vec<usize> = (0..nb).collect();
    let mut rows = rows;
    let row_width =
        |row: &[usize]| -> usize { row.iter().map(|&b| block_width(&blocks[b]) + GAP).sum() };
    for row in &mut rows {
        if row_width(row) <= page || row.len() < 3 {
            continue;
        }
        let mut by_sig: BTreeMap<FoldKey, Vec<usize>> = BTreeMap::new();
        for &b in row.iter() {
            by_sig
                .entry((&shape[b], &ins[b], &outs[b]))
                .or_default()
                .push(b);
        }
        for members in by_sig.values() {
            for &b in members {
                rep[b] = members[0];
            }
        }
        row.retain(|&b| rep[b] == b);
        if row_width(row) > page && row.len() >= 2 {
            let mut by_content: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &b in row.iter() {
                by_content.entry(&shape[b]).or_default().push(b);
            }
            let mut remap: BTreeMap<usize, usize> = BTreeMap::new();
            for members in by_content.values() {
                for &b in members {
                    remap.insert(b, members[0]);
                }
            }
            for r in &mut rep {
                if let Some(&to) = remap.get(r) {
                    *r = to;
                }
            }
            row.retain(|&b| rep[b] == b);
        }
    }
    let mut members_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for row in &scene.rows {
        for &b in row {
            members_of.entry(rep[b]).or_default().push(b);
        }
    }
    for (&first, members) in &members_of {
        if members.len() < 2 {
            continue;
        }
        let last = members[members.len() - 1];
        let header = format!("{} x {}", blocks[first][0], members.len());
        let also = if members.len() == 2 {
            format!("(also {})", scene.box_name(last))
        } else {
            format!(
                "(also {} {} {})",
                scene.box_name(members[1]),
                g.ellipsis,
                scene.box_name(last)
            )
        };
        blocks[first][0] = truncate(&header, cap, g.ellipsis);
        blocks[first].push(truncate(&also, cap, g.ellipsis));
    }
    // Edges between representatives.
    let mut rep_edges: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for ((a, b), labels) in &edges {
        let e = rep_edges.entry((rep[*a], rep[*b])).or_default();
        for l in labels {
            if !e.contains(l) {
                e.push(l.clone());
            }
        }
    }

    // Nets: sources with the same set of targets share one bus.
    let mut targets_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(a, b) in rep_edges.keys() {
        targets_of.entry(a).or_default().push(b);
    }
    let order: Vec<usize> = rows.iter().flatten().copied().collect();
    let mut nets: Vec<Net> = Vec::new();
    let mut net_of_targets: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let pos: BTreeMap<usize, usize> = order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    for &s in &order {
        let Some(ts) = targets_of.get(&s) else {
            continue;
        };
        let mut ts_sorted: Vec<usize> = ts.clone();
        ts_sorted.sort_by_key(|t| pos[t]);
        let idx = *net_of_targets.entry(ts_sorted.clone()).or_insert_with(|| {
            nets.push(Net {
                sources: Vec::new(),
                targets: ts_sorted.clone(),
                label: String::new(),
                lane: None,
                lane_ys: Vec::new(),
            });
            nets.len() - 1
        });
        nets[idx].sources.push(s);
    }
    for net in &mut nets {
        let mut labels: Vec<&String> = Vec::new();
        for &s in &net.sources {
            for &t in &net.targets {
                for l in rep_edges.get(&(s, t)).into_iter().flatten() {
                    if !labels.contains(&l) {
                        labels.push(l);
                    }
                }
            }
        }
        net.label = labels
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("; ");
    }

    // Bands: rows cut to the page width. A margin holds the lanes of buses that cross bands.
    let mut margin = 0;
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut band_of = vec![usize::MAX; nb];
    for _ in 0..4 {
        bands = cut_rows(&rows, &blocks, page.saturating_sub(margin));
        for (i, band) in bands.iter().enumerate() {
            for &b in band {
                band_of[b] = i;
            }
        }
        let lanes = assign_lanes(&mut nets, &band_of);
        let need = if lanes == 0 { 0 } else { 2 * lanes + 1 };
        if need <= margin {
            break;
        }
        margin = need;
    }

    // Past the page (lanes wider than a third of it) or past the row budget, the drawing
    // would grow with the square of the model: an outline of the rows instead.
    if margin > page / 3 || bands.len() > MAX_BANDS {
        let mut lines = outline(scene, &rows, &members_of, &rep, margin, &g, page);
        sections(scene, &g, page, &mut lines);
        let mut out = lines.join("\n");
        out.push('\n');
        return out;
    }

    // Positions and ports.
    let mut x_of = vec![0usize; nb];
    for band in &bands {
        let mut x = margin;
        for &b in band {
            x_of[b] = x;
            x += block_width(&blocks[b]) + GAP;
        }
    }
    let mut in_ports: BTreeMap<(usize, usize), usize> = BTreeMap::new(); // (net, target) -> x
    let mut in_count = vec![0usize; nb];
    for (n, net) in nets.iter().enumerate() {
        for &t in &net.targets {
            let room = width(&blocks[t][0]).max(1) - 1;
            let x = x_of[t] + (2 * in_count[t]).min(room);
            in_count[t] += 1;
            in_ports.insert((n, t), x);
        }
    }

    let single_client_entry = bands.first().is_some_and(|band| {
        let sources: Vec<usize> = band
            .iter()
            .copied()
            .filter(|b| targets_of.contains_key(b))
            .collect();
        sources.len() == 1
            && matches!(scene.boxes[sources[0]].kind,
                BoxKind::Component(c) if m.components[c].kind == Kind::Client)
    });
    let has_client = bands.first().is_some_and(|band| {
        band.iter().any(|&b| {
            matches!(scene.boxes[b].kind,
                BoxKind::Component(c) if m.components[c].kind == Kind::Client)
        })
    });

    // Failure domains: consecutive boxes of a band in the same domains share one heading, a
    // rule over their columns with the domain's name ("rack rack-1 in zone az-a"); arrows
    // into the band pass through it.
    let headings: Vec<Vec<(usize, usize, String)>> = bands
        .iter()
        .map(|band| {
            let mut groups: Vec<(usize, usize, String)> = Vec::new(); // (first, last, name)
            let mut left: Option<usize> = None; // the box before `b` in the band
            for &b in band {
                match (domain_heading(scene, b), groups.last_mut()) {
                    (Some(name), Some((_, last, n))) if *n == name && left == Some(*last) => {
                        *last = b;
                    }
                    (Some(name), _) => groups.push((b, b, name)),
                    (None, _) => {}
                }
                left = Some(b);
            }
            groups
        })
        .collect();
    let mut heading_y: Option<usize> = None;

    // Draw.
    let mut canvas = Canvas::default();
    let mut y = 0;
    for (k, band) in bands.iter().enumerate() {
        if !headings[k].is_empty() {
            let hy = heading_y.take().unwrap_or_else(|| {
                y += 1;
                y - 1
            });
            for (first, last, name) in &headings[k] {
                let x0 = x_of[*first];
                // The name after the first box's arrows.
                let (tx, text) = match in_count[*first] {
                    0 => (x0, format!("{name} ")),
                    n => (x0 + 2 * (n - 1) + 1, format!(" {name} ")),
                };
                // Over the group's columns, or longer when its name needs it and the next
                // box leaves room.
                let next_x = band
                    .iter()
                    .position(|b| b == last)
                    .and_then(|i| band.get(i + 1))
                    .map_or(page, |&n| x_of[n].saturating_sub(2));
                let x1 = (x_of[*last] + block_width(&blocks[*last]))
                    .max(tx + width(&text) + 2)
                    .min(next_x.max(x_of[*last] + block_width(&blocks[*last])));
                // The name leaves at least two columns of rule after it.
                let room = x1.saturating_sub(tx + 2);
                let text = if room > 3 {
                    fit(&text, room, &g)
                } else {
                    String::new()
                };
                let group_end = x_of[*last] + block_width(&blocks[*last]);
                let end = group_end.max(tx + width(&text) + 2).min(x1.max(group_end));
                canvas.hline(hy, x0, end.saturating_sub(1));
                canvas.text(tx, hy, &text);
            }
        }
        let mut height = 0;
        for &b in band {
            for (i, line) in blocks[b].iter().enumerate() {
                canvas.text(x_of[b], y + i, line);
            }
            height = height.max(blocks[b].len());
        }
        let block_end: BTreeMap<usize, usize> =
            band.iter().map(|&b| (b, y + blocks[b].len())).collect();
        let mut cursor = y + height;
        let start = cursor;

        // Sources in this band and their nets.
        let mut stems: Vec<(usize, usize)> = Vec::new(); // (box, net)
        for (n, net) in nets.iter().enumerate() {
            for &s in &net.sources {
                if band_of[s] == k {
                    stems.push((s, n));
                }
            }
        }
        stems.sort_by_key(|&(s, _)| x_of[s]);
        let stem_xs: Vec<usize> = stems.iter().map(|&(s, _)| x_of[s]).collect();
        let mut stem_top: BTreeMap<usize, usize> =
            stems.iter().map(|&(s, _)| (s, block_end[&s])).collect();

        // The way in: DNS lookups and the Internet, as on the seed's whiteboard.
        if k == 0 && has_client && !dns_lines.is_empty() {
            let x = stem_xs.first().copied().unwrap_or(margin);
            // A plain stem line first, then the lookups beside the stem.
            cursor += 1;
            let tx = if stems.is_empty() { x } else { x + 2 };
            let room = next_stem(&stem_xs, x).map_or(page, |n| n - 1);
            for line in &dns_lines {
                canvas.text(tx, cursor, &fit(line, room.saturating_sub(tx), &g));
                cursor += 1;
            }
        }
        if k == 0 && single_client_entry {
            let (s, _) = stems[0];
            let x = x_of[s];
            if cursor == start {
                cursor += 1;
            }
            canvas.vline(x, stem_top[&s], cursor);
            canvas.arrow(x, cursor);
            canvas.text(x, cursor + 1, "Internet");
            stem_top.insert(s, cursor + 2);
            cursor += 3;
        }

        // Labels, one line per net, beside the first source's stem.
        let mut labelled = BTreeSet::new();
        for &(s, n) in &stems {
            if nets[n].label.is_empty() || !labelled.insert(n) {
                continue;
            }
            if nets[n].sources.iter().any(|&o| band_of[o] < k) {
                continue;
            }
            let x = x_of[s] + 2;
            let room = next_stem(&stem_xs, x_of[s]).map_or(page, |n| n.saturating_sub(1));
            canvas.text(x, cursor, &fit(&nets[n].label, room.saturating_sub(x), &g));
            cursor += 1;
        }

        // Tracks. A column can hold one net's stem (above its track) and another net's
        // arrival (below its track) only if the first track lies above the second, so
        // tracks are ordered to respect that wherever the constraints allow.
        let mut track_y: BTreeMap<usize, usize> = BTreeMap::new(); // net -> track line of this boundary
        let mut arrivals: Vec<(usize, usize, usize)> = Vec::new(); // (x, from y, net)
        let mut straight: Vec<(usize, usize)> = Vec::new(); // (net, x): one stem onto one box
        let mut pending: Vec<Track> = Vec::new();
        for (n, net) in nets.iter().enumerate() {
            let src_xs: Vec<usize> = net
                .sources
                .iter()
                .filter(|&&s| band_of[s] == k)
                .map(|&s| x_of[s])
                .collect();
            let tgt_xs: Vec<usize> = net
                .targets
                .iter()
                .filter(|&&t| band_of[t] == k + 1)
                .map(|&t| in_ports[&(n, t)])
                .collect();
            if src_xs.is_empty() && tgt_xs.is_empty() {
                continue;
            }
            let all = src_xs.iter().chain(&tgt_xs);
            let (lo, hi) = (
                all.clone().copied().min().unwrap_or(0),
                all.copied().max().unwrap_or(0),
            );
            if lo == hi && net.lane.is_none() {
                // Straight down: no bus line, the stem runs into the arrow.
                straight.push((n, lo));
            } else {
                pending.push((n, src_xs, tgt_xs));
            }
        }
        for (n, src_xs, tgt_xs) in order_tracks(pending) {
            let mut xs: Vec<usize> = src_xs.iter().chain(&tgt_xs).copied().collect();
            if let Some(lane) = nets[n].lane {
                xs.push(2 * lane);
                nets[n].lane_ys.push(cursor);
            }
            let (lo, hi) = (
                xs.iter().copied().min().unwrap_or(0),
                xs.iter().copied().max().unwrap_or(0),
            );
            if lo < hi {
                canvas.hline(cursor, lo, hi);
            }
            track_y.insert(n, cursor);
            for &x in &tgt_xs {
                arrivals.push((x, cursor, n));
            }
            cursor += 1;
        }
        for &(n, x) in &straight {
            track_y.insert(n, cursor);
            arrivals.push((x, cursor, n));
        }
        for &(s, n) in &stems {
            canvas.vline(x_of[s], stem_top[&s], track_y[&n]);
        }
        if !arrivals.is_empty() {
            // Into a band with domain headings: through the heading line, then the arrow.
            let through = headings.get(k + 1).is_some_and(|h| !h.is_empty());
            if through {
                heading_y = Some(cursor);
                cursor += 1;
            }
            for &(x, from, _) in &arrivals {
                canvas.vline(x, from, cursor);
                canvas.arrow(x, cursor);
            }
            cursor += 1;
        }
        if cursor == start && k + 1 < bands.len() {
            cursor += 1;
        }
        y = cursor;
    }
    for net in &nets {
        if let Some(lane) = net.lane {
            for w in net.lane_ys.windows(2) {
                canvas.vline(2 * lane, w[0], w[1]);
            }
        }
    }

    let mut lines = canvas.render(Charset {
        unicode: opts.unicode,
    });
    if !has_client && !dns_lines.is_empty() {
        lines.push(String::new());
        lines.push("DNS".to_owned());
        push_tree(&mut lines, &dns_lines, &g, page);
    }
    sections(scene, &g, page, &mut lines);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Most bands (rows as cut to the page) the drawing has; past it, [`outline`].
const MAX_BANDS: usize = 400;
/// Most rows an outline shows before it summarises the rest.
const OUTLINE_ROWS: usize = 200;

/// The whiteboard of a model too large to draw on the page: each row's boxes by name
/// (folded boxes once, with their count), at most [`OUTLINE_ROWS`] rows, and what was left
/// out counted, so the text stays linear in the model and within the page.
fn outline(
    scene: &Scene,
    rows: &[Vec<usize>],
    members_of: &BTreeMap<usize, Vec<usize>>,
    rep: &[usize],
    margin: usize,
    g: &Glyphs,
    page: usize,
) -> Vec<String> {
    let boxes = rep.len();
    let why = if margin > page / 3 {
        format!(
            "{} request paths would run down its margin side by side",
            margin.saturating_sub(1) / 2
        )
    } else {
        format!("it has more than {MAX_BANDS} rows at this width")
    };
    let mut lines = vec![
        fit(
            &format!("Too large for a {page}-column whiteboard: {why}."),
            page,
            g,
        ),
        fit(
            &format!("Its {boxes} boxes, row by row; `archdoc draw --format svg` draws it all."),
            page,
            g,
        ),
        String::new(),
    ];
    for (r, row) in rows.iter().take(OUTLINE_ROWS).enumerate() {
        let names: Vec<String> = row
            .iter()
            .map(|&b| match members_of.get(&b).map_or(1, Vec::len) {
                1 => scene.box_name(b),
                n => format!("{} x {n}", scene.box_name(b)),
            })
            .collect();
        let head = format!("{:>3}. ", r + 1);
        let room = page.saturating_sub(width(&head));
        lines.push(format!("{head}{}", name_list(&names, room, g)));
    }
    if rows.len() > OUTLINE_ROWS {
        let rest: usize = rows[OUTLINE_ROWS..]
            .iter()
            .flatten()
            .map(|b| members_of.get(b).map_or(1, Vec::len))
            .sum();
        lines.push(format!(
            "{} and {} more rows ({rest} boxes)",
            g.ellipsis,
            rows.len() - OUTLINE_ROWS
        ));
    }
    lines
}

/// The name of component `c`, fit for a line.
fn clean_name(m: &crate::model::Model, c: usize) -> String {
    super::scene::clean(component_name(&m.components[c]))
}

fn fit(s: &str, room: usize, g: &Glyphs) -> String {
    truncate(s, room.max(4), g.ellipsis)
}

fn next_stem(xs: &[usize], x: usize) -> Option<usize> {
    xs.iter().copied().filter(|&o| o > x).min()
}

fn block_width(block: &[String]) -> usize {
    block.iter().map(|l| width(l)).max().unwrap_or(0)
}

/// The text of box `b`: its title, then its components as a tree, each with the links it
/// makes that no bus draws.
/// The failure domains a host shares its fate with, innermost first: "zone az-a in region
/// eu-west-1"; `None` for a box that is not a host or a host in no domain.
fn domain_heading(scene: &Scene, b: usize) -> Option<String> {
    let m = scene.model;
    let BoxKind::Host(h) = scene.boxes[b].kind else {
        return None;
    };
    let mut chain = Vec::new();
    let mut x = m.hosts[h].domain;
    while let Some(d) = x.filter(|&d| d < m.domains.len() && chain.len() < m.domains.len()) {
        let dom = &m.domains[d];
        chain.push(crate::render::clean(&format!(
            "{} {}",
            dom.kind.as_str(),
            dom.id
        )));
        x = m.domains[d].parent;
    }
    (!chain.is_empty()).then(|| chain.join(" in "))
}

fn block(scene: &Scene, b: usize, listed: &[Vec<usize>], g: &Glyphs, cap: usize) -> Vec<String> {
    let m = scene.model;
    let link_item = |l: usize| {
        let link = &m.links[l];
        let target = if scene.box_of[link.to] == b {
            clean_name(m, link.to)
        } else {
            scene.component_ref(link.to)
        };
        let text = link_text(m, link);
        if text.is_empty() {
            target
        } else {
            format!("{target}: {text}")
        }
    };
    let mut entries: Vec<Entry> = Vec::new();
    let header = match scene.boxes[b].kind {
        BoxKind::Component(c) if m.components[c].kind == Kind::Client => {
            component_line(&m.components[c])
        }
        _ => format!("[ {} ]", scene.box_title(b)),
    };
    let titled: Option<usize> = match scene.boxes[b].kind {
        BoxKind::Component(c) => Some(c),
        BoxKind::Host(_) => match scene.core_components(b)[..] {
            [c] => Some(c),
            _ => None,
        },
    };
    if let Some(c) = titled {
        for &l in &listed[c] {
            entries.push(Entry::Link(link_item(l)));
        }
    }
    for &c in &scene.boxes[b].components {
        if Some(c) == titled {
            continue;
        }
        let comp = &m.components[c];
        let mut text = component_line(comp);
        if let Some(s) = comp.reports_to {
            text = format!("{text} {} {}", g.side, clean_name(m, s));
        }
        let subs: Vec<String> = listed[c].iter().map(|&l| link_item(l)).collect();
        entries.push(Entry::Component(text, subs));
    }
    let mut lines = vec![truncate(&header, cap, g.ellipsis)];
    let n = entries.len();
    for (i, e) in entries.into_iter().enumerate() {
        let last = i + 1 == n;
        match e {
            Entry::Link(text) => {
                let p = if last { g.link_last } else { g.link_mid };
                lines.push(truncate(&format!("{p}{text}"), cap, g.ellipsis));
            }
            Entry::Component(text, subs) => {
                let p = if last { g.tree_last } else { g.tree_mid };
                lines.push(truncate(&format!("{p}{text}"), cap, g.ellipsis));
                let pipe = if last { "    " } else { g.tree_pipe };
                let k = subs.len();
                for (j, s) in subs.into_iter().enumerate() {
                    let q = if j + 1 == k { g.link_last } else { g.link_mid };
                    lines.push(truncate(&format!("{pipe}{q}{s}"), cap, g.ellipsis));
                }
            }
        }
    }
    lines
}

/// A track to draw: its net, its stem columns, its arrival columns.
type Track = (usize, Vec<usize>, Vec<usize>);

/// Orders the tracks of one boundary so that a net whose stem uses a column comes before a
/// net that arrives through that column (Kahn's algorithm, ties in the given order; a cycle
/// is broken at the first net left, and boundaries with very many nets keep their order).
fn order_tracks(pending: Vec<Track>) -> Vec<Track> {
    let n = pending.len();
    if n > 256 {
        return pending;
    }
    let mut before = vec![0usize; n]; // how many unplaced nets must come first
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    for a in 0..n {
        for b in 0..n {
            if a != b && pending[a].1.iter().any(|x| pending[b].2.contains(x)) {
                after[a].push(b);
                before[b] += 1;
            }
        }
    }
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n)
            .find(|&i| !placed[i] && before[i] == 0)
            .or_else(|| (0..n).find(|&i| !placed[i]))
            .unwrap_or(0);
        placed[next] = true;
        order.push(next);
        for &b in &after[next] {
            before[b] = before[b].saturating_sub(1);
        }
    }
    let mut slots: Vec<Option<Track>> = pending.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// What box `b` is made of, names aside: the kind, software and role of each component and
/// the kinds its listed links reach. Two servers with the same shape fold into one `x N`.
fn box_shape(scene: &Scene, b: usize, listed: &[Vec<usize>]) -> String {
    use std::fmt::Write as _;
    let m = scene.model;
    let mut s = String::new();
    // Servers in different failure domains are not interchangeable: they never fold.
    if let BoxKind::Host(h) = scene.boxes[b].kind {
        let _ = writeln!(s, "domain {:?}", m.hosts[h].domain);
    }
    for &c in &scene.boxes[b].components {
        let comp = &m.components[c];
        let _ = write!(
            s,
            "{}|{:?}|{:?}|{:?}|{:?};",
            comp.kind.as_str(),
            comp.software,
            comp.role,
            comp.allow,
            comp.reports_to.map(|r| &m.components[r].id)
        );
        for &l in &listed[c] {
            let link = &m.links[l];
            let _ = write!(
                s,
                ">{}:{}:{};",
                m.components[link.to].kind.as_str(),
                scene.box_of[link.to] == b,
                link_text(m, link)
            );
        }
        s.push('\n');
    }
    s
}

/// Cuts each row into bands that fit `room` columns (at least one box a band).
fn cut_rows(rows: &[Vec<usize>], blocks: &[Vec<String>], room: usize) -> Vec<Vec<usize>> {
    let mut bands = Vec::new();
    for row in rows {
        let mut band: Vec<usize> = Vec::new();
        let mut used = 0;
        for &b in row {
            let w = block_width(&blocks[b]);
            if !band.is_empty() && used + w > room {
                bands.push(std::mem::take(&mut band));
                used = 0;
            }
            used += w + GAP;
            band.push(b);
        }
        if !band.is_empty() {
            bands.push(band);
        }
    }
    bands
}

/// Gives a margin lane to every net that is not a plain bus between two adjacent bands;
/// nets whose band ranges do not overlap share a lane. Returns the number of lanes.
fn assign_lanes(nets: &mut [Net], band_of: &[usize]) -> usize {
    let mut lane_end: Vec<usize> = Vec::new();
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (n, net) in nets.iter_mut().enumerate() {
        net.lane = None;
        let src: BTreeSet<usize> = net.sources.iter().map(|&s| band_of[s]).collect();
        let tgt: BTreeSet<usize> = net.targets.iter().map(|&t| band_of[t]).collect();
        let (Some(&lo), Some(&hi)) = (src.first(), tgt.last()) else {
            continue;
        };
        let direct = src.len() == 1 && tgt.len() == 1 && hi == lo + 1;
        if !direct {
            spans.push((lo, hi, n));
        }
    }
    spans.sort_unstable();
    for (lo, hi, n) in spans {
        // A lane is free when its last net ended in a band above this net's first band.
        let lane = match lane_end.iter().position(|&end| end <= lo) {
            Some(l) => l,
            None => {
                lane_end.push(0);
                lane_end.len() - 1
            }
        };
        lane_end[lane] = hi;
        nets[n].lane = Some(lane);
    }
    lane_end.len()
}

fn push_tree(lines: &mut Vec<String>, items: &[String], g: &Glyphs, page: usize) {
    for (i, item) in items.iter().enumerate() {
        let p = if i + 1 == items.len() {
            g.tree_last
        } else {
            g.tree_mid
        };
        lines.push(truncate(&format!("{p}{item}"), page, g.ellipsis));
    }
}

/// Lists `names`, cut to fit one line, saying how many there are in all.
fn name_list(names: &[String], room: usize, g: &Glyphs) -> String {
    let all = names.join(", ");
    if width(&all) <= room {
        return all;
    }
    let suffix = format!(" ({} in all)", names.len());
    let mut out = String::new();
    for n in names {
        let next = if out.is_empty() {
            n.clone()
        } else {
            format!("{out}, {n}")
        };
        if width(&next) + width(&suffix) + width(g.ellipsis) + 2 > room {
            break;
        }
        out = next;
    }
    format!("{out}, {}{suffix}", g.ellipsis)
}

/// Replication and monitoring, each a small tree under the drawing.
fn sections(scene: &Scene, g: &Glyphs, page: usize, lines: &mut Vec<String>) {
    let m = scene.model;
    let mut replicas: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut agents: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut checks: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in &scene.side {
        match e.kind {
            SideKind::Replication => {
                if let Some(to) = e.to {
                    replicas
                        .entry(e.from)
                        .or_default()
                        .push((to, e.label.clone()));
                }
            }
            SideKind::ReportsTo => {
                if let Some(to) = e.to {
                    agents
                        .entry(to)
                        .or_default()
                        .push(scene.box_name(scene.box_of[e.from]));
                }
            }
            SideKind::Monitors => {
                let name = match e.to {
                    Some(c) => scene.component_ref(c),
                    None => scene.box_name(e.to_box),
                };
                checks.entry(e.from).or_default().push(name);
            }
            SideKind::Resolves => {}
        }
    }
    let clusters = replicas.len();
    for (i, (&p, reps)) in replicas.iter().enumerate() {
        if clusters > 4 && i == 3 {
            lines.push(String::new());
            lines.push(format!(
                "... and {} more replication clusters",
                clusters - 3
            ));
            break;
        }
        let comp = &m.components[p];
        let failover = match comp.failover {
            Failover::None => "none",
            Failover::Manual => "manual",
            Failover::Automatic => "automatic",
        };
        lines.push(String::new());
        lines.push(truncate(
            &format!("{} replication (failover: {failover})", clean_name(m, p)),
            page,
            g.ellipsis,
        ));
        let mut items = vec![format!("Primary: {}", scene.component_ref(p))];
        let shown = if reps.len() > 8 { 7 } else { reps.len() };
        for (r, label) in &reps[..shown] {
            items.push(format!("Replica: {} ({label})", scene.component_ref(*r)));
        }
        if shown < reps.len() {
            items.push(format!("... and {} more replicas", reps.len() - shown));
        }
        push_tree(lines, &items, g, page);
    }
    let servers: BTreeSet<usize> = agents.keys().chain(checks.keys()).copied().collect();
    for s in servers {
        lines.push(String::new());
        lines.push(truncate(
            &format!("Monitoring: {}", clean_name(m, s)),
            page,
            g.ellipsis,
        ));
        let mut items = Vec::new();
        if let Some(hosts) = agents.get(&s) {
            items.push(format!(
                "agents on {}",
                name_list(hosts, page.saturating_sub(14), g)
            ));
        }
        if let Some(targets) = checks.get(&s) {
            items.push(format!(
                "checks {}",
                name_list(targets, page.saturating_sub(12), g)
            ));
        }
        push_tree(lines, &items, g, page);
    }
}
