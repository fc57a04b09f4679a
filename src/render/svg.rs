//! The SVG diagram: a layered layout made for infrastructure, computed in integer pixels so
//! the same model always gives the same bytes.
//!
//! Tiers are rows; a host is a box holding its components in a column; a component on no host
//! is a box of its own. Rows wider than the page are cut into *stripes*: the first stripe holds
//! the left part of every row, the next stripe the next part, and so on, so a cell of servers
//! stays together under its load balancer. Edges are orthogonal: out of the bottom of a box,
//! along a track in the channel under its row, into the top of the box they reach. Requests
//! that must skip rows run down a lane in the left margin; replication and monitoring edges
//! run in lanes on the right and are dashed, and none of them moves a box. Every link is its
//! own `<path>` with a `<title>`, so a bus of many links still shows each one on hover.
//!
//! Text is measured as monospace (0.6 em a character), which is what the SVG asks the browser
//! to use, so boxes fit their labels without a font engine.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::scene::{BoxKind, Scene, SideKind, component_line, link_text};
use crate::lint::{Finding, Severity};

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    /// Left.
    pub x: i32,
    /// Top.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

impl Rect {
    /// The right edge.
    #[must_use]
    pub fn right(&self) -> i32 {
        self.x + self.w
    }
    /// The bottom edge.
    #[must_use]
    pub fn bottom(&self) -> i32 {
        self.y + self.h
    }
    /// The horizontal centre.
    #[must_use]
    pub fn cx(&self) -> i32 {
        self.x + self.w / 2
    }
    /// The vertical centre.
    #[must_use]
    pub fn cy(&self) -> i32 {
        self.y + self.h / 2
    }
    /// Whether `self` and `o` share any area.
    #[must_use]
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// Whether `o` lies inside `self`.
    #[must_use]
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
}

/// What an edge of the drawing stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// A link between two boxes (index into `Model::links`).
    Flow(usize),
    /// A link inside one box.
    Inner(usize),
    /// A side edge (index into `Scene::side`).
    Side(usize),
}

/// One drawn edge: an orthogonal polyline ending in an arrowhead.
#[derive(Debug, Clone)]
pub struct EdgePath {
    /// What it stands for.
    pub kind: EdgeKind,
    /// The points, first to last.
    pub points: Vec<(i32, i32)>,
}

/// A label placed on the drawing.
#[derive(Debug, Clone)]
pub struct Label {
    /// Left of the text.
    pub x: i32,
    /// Baseline.
    pub y: i32,
    /// The text.
    pub text: String,
}

/// Where everything goes.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Width of the picture.
    pub width: i32,
    /// Height of the picture.
    pub height: i32,
    /// One rectangle per box of the scene.
    pub boxes: Vec<Rect>,
    /// One rectangle per component.
    pub components: Vec<Rect>,
    /// Every edge.
    pub edges: Vec<EdgePath>,
    /// Edge labels.
    pub labels: Vec<Label>,
    /// Bands (a stripe's part of a tier row): the row, the top and the bottom.
    pub bands: Vec<(usize, i32, i32)>,
}

const FONT: i32 = 12;
/// Tenths of a pixel per character at `FONT` (0.6 em).
const CHAR_TENTHS: i32 = 72;
const GUTTER: i32 = 110;
const MARGIN: i32 = 20;
const BOX_GAP: i32 = 44;
const LANE_GAP: i32 = 12;
const HOST_TITLE: i32 = 28;
const HOST_SIDE: i32 = 16;
const HOST_BOTTOM: i32 = 12;
const COMP_H: i32 = 28;
const COMP_GAP: i32 = 18;
const LONE_H: i32 = 36;
const TRACK_GAP: i32 = 10;
const CHANNEL_PAD: i32 = 22;
const MAX_ROW_WIDTH: i32 = 1800;
/// Longest label drawn in a box, in characters (the full text is in the tooltip).
const MAX_CHARS: usize = 48;

fn text_width(s: &str) -> i32 {
    let n = i32::try_from(s.chars().count()).unwrap_or(i32::MAX / CHAR_TENTHS);
    (n * CHAR_TENTHS + 9) / 10
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_CHARS {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX_CHARS - 1).collect();
        t.push('…');
        t
    }
}

/// Which side of the drawing a lane runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Left,
    Right,
}

/// A bus: the edges that leave one exit point, or arrive from one lane, in one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BusKey {
    Exit { comp_or_box: usize, x: i32 },
    Lane { side: Side, lane: usize },
}

/// An exit point: side edge or not, box, x in the box.
type ExitKey = (bool, usize, i32);

/// How one edge is routed, before y coordinates are known.
#[derive(Debug, Clone)]
struct Plan {
    kind: EdgeKind,
    /// The exit: box, x, and the point the edge starts from inside the box.
    exit_box: usize,
    exit_x: i32,
    start: Vec<(i32, i32)>, // points inside the source box, ending at the box bottom (x only known)
    entry_box: usize,
    entry_comp: Option<usize>,
    top_entry: bool,
    exit_bus: BusKey,
    /// The lane taken, if any: side, lane key (index into lanes).
    lane: Option<usize>,
    /// The channel of the first track, and of the second (after a lane).
    ch1: usize,
    ch2: usize,
    label: String,
    side: bool,
}

/// Lays out `scene`.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn layout(scene: &Scene) -> Layout {
    let m = scene.model;
    let nb = scene.boxes.len();

    // Box sizes and component offsets inside boxes.
    let mut size = vec![(0i32, 0i32); nb];
    for (b, bx) in scene.boxes.iter().enumerate() {
        size[b] = match bx.kind {
            BoxKind::Component(c) => {
                let w = text_width(&shorten(&component_line(&m.components[c]))) + 28;
                (w.max(96), LONE_H)
            }
            BoxKind::Host(_) => {
                let title = text_width(&shorten(&scene.box_name(b))) + 28;
                let inner = bx
                    .components
                    .iter()
                    .map(|&c| text_width(&shorten(&component_line(&m.components[c]))) + 24)
                    .max()
                    .unwrap_or(0);
                let n = i32::try_from(bx.components.len()).unwrap_or(i32::MAX / 64);
                let h = if n == 0 {
                    HOST_TITLE + 20
                } else {
                    HOST_TITLE + n * COMP_H + (n - 1) * COMP_GAP + HOST_BOTTOM
                };
                (title.max(inner + 2 * HOST_SIDE).max(120), h)
            }
        };
    }

    // Stripes and bands.
    let row_width = |row: &Vec<usize>| -> i32 {
        row.iter().map(|&b| size[b].0 + BOX_GAP).sum::<i32>() - BOX_GAP
    };
    let widest = scene.rows.iter().map(row_width).max().unwrap_or(0);
    let stripes =
        usize::try_from(((widest + MAX_ROW_WIDTH - 1) / MAX_ROW_WIDTH).max(1)).unwrap_or(1);
    let mut bands: Vec<(usize, Vec<usize>)> = Vec::new();
    for s in 0..stripes {
        for (r, row) in scene.rows.iter().enumerate() {
            // A row that fits stays whole in the first stripe.
            let len = row.len();
            let fits = row_width(row) <= MAX_ROW_WIDTH;
            let part: Vec<usize> = row
                .iter()
                .enumerate()
                .filter(|&(i, _)| {
                    if fits {
                        s == 0
                    } else {
                        i * stripes / len.max(1) == s
                    }
                })
                .map(|(_, &b)| b)
                .collect();
            if !part.is_empty() {
                bands.push((r, part));
            }
        }
    }
    let mut band_of = vec![0usize; nb];
    for (i, (_, band)) in bands.iter().enumerate() {
        for &b in band {
            band_of[b] = i;
        }
    }
    let content_w = bands
        .iter()
        .map(|(_, band)| row_width(band))
        .max()
        .unwrap_or(0);

    // Band-local x of boxes (centred in the content width); absolute x comes after the lanes.
    let mut local_x = vec![0i32; nb];
    for (_, band) in &bands {
        let mut x = (content_w - row_width(band)) / 2;
        for &b in band {
            local_x[b] = x;
            x += size[b].0 + BOX_GAP;
        }
    }
    // Component rectangles relative to their box.
    let mut comp_rel = vec![Rect::default(); m.components.len()];
    let mut index_in_box = vec![0usize; m.components.len()];
    for (b, bx) in scene.boxes.iter().enumerate() {
        match bx.kind {
            BoxKind::Component(c) => {
                comp_rel[c] = Rect {
                    x: 0,
                    y: 0,
                    w: size[b].0,
                    h: LONE_H,
                };
            }
            BoxKind::Host(_) => {
                for (i, &c) in bx.components.iter().enumerate() {
                    index_in_box[c] = i;
                    let i = i32::try_from(i).unwrap_or(0);
                    comp_rel[c] = Rect {
                        x: HOST_SIDE,
                        y: HOST_TITLE + i * (COMP_H + COMP_GAP),
                        w: size[b].0 - 2 * HOST_SIDE,
                        h: COMP_H,
                    };
                }
            }
        }
    }
    let is_lone = |b: usize| matches!(scene.boxes[b].kind, BoxKind::Component(_));
    let is_last = |c: usize| {
        let b = scene.box_of[c];
        scene.boxes[b].components.last() == Some(&c)
    };
    let is_first = |c: usize| {
        let b = scene.box_of[c];
        scene.boxes[b].components.first() == Some(&c)
    };

    // Plan every edge between boxes.
    let mut plans: Vec<Plan> = Vec::new();
    let mut plan_edge = |kind: EdgeKind,
                         from: usize,
                         to_box: usize,
                         to: Option<usize>,
                         label: String,
                         side: bool| {
        let b = scene.box_of[from];
        let r = comp_rel[from];
        // Exit: bottom centre of a lone box or of a box's last component; else the right lane.
        let (exit_x, start) = if is_lone(b) || is_last(from) {
            (r.cx(), vec![(r.cx(), r.bottom())])
        } else {
            let lane_x = size[b].0 - HOST_SIDE / 2;
            (lane_x, vec![(r.right(), r.cy()), (lane_x, r.cy())])
        };
        let (ba, bb) = (band_of[b], band_of[to_box]);
        let top_entry = bb > ba;
        let direct = bb == ba + 1 || bb == ba;
        plans.push(Plan {
            kind,
            exit_box: b,
            exit_x,
            start,
            entry_box: to_box,
            entry_comp: to,
            top_entry,
            exit_bus: BusKey::Exit {
                comp_or_box: b,
                x: exit_x,
            },
            lane: if direct { None } else { Some(0) },
            ch1: ba,
            ch2: if top_entry { bb - 1 } else { bb },
            label,
            side,
        });
    };
    for &l in &scene.flow {
        let link = &m.links[l];
        plan_edge(
            EdgeKind::Flow(l),
            link.from,
            scene.box_of[link.to],
            Some(link.to),
            link_text(m, link),
            false,
        );
    }
    for (i, e) in scene.side.iter().enumerate() {
        if scene.box_of[e.from] == e.to_box {
            continue; // drawn inside the box below
        }
        plan_edge(
            EdgeKind::Side(i),
            e.from,
            e.to_box,
            e.to,
            e.label.clone(),
            true,
        );
    }

    // Lanes: one per exit point and side, shared by edges of that exit; lanes whose channel
    // ranges do not overlap share a column.
    // An exit whose lane edges all go to one target joins that target's lane instead (a
    // fan-in: many agents to one monitoring server), so lanes never join two sources to two
    // targets.
    let mut exit_targets: BTreeMap<ExitKey, BTreeSet<(usize, Option<usize>)>> = BTreeMap::new();
    for p in plans.iter().filter(|p| p.lane.is_some()) {
        exit_targets
            .entry((p.side, p.exit_box, p.exit_x))
            .or_default()
            .insert((p.entry_box, p.entry_comp));
    }
    let mut lane_ids: BTreeMap<(Side, usize, i32, usize, Option<usize>), usize> = BTreeMap::new();
    let mut lane_span: Vec<(Side, usize, usize)> = Vec::new();
    for p in &mut plans {
        if p.lane.is_none() {
            continue;
        }
        let side = if p.side { Side::Right } else { Side::Left };
        let fan_in = exit_targets[&(p.side, p.exit_box, p.exit_x)].len() == 1;
        let key = if fan_in {
            (side, usize::MAX, 0, p.entry_box, p.entry_comp)
        } else {
            (side, p.exit_box, p.exit_x, usize::MAX, None)
        };
        let id = *lane_ids.entry(key).or_insert_with(|| {
            lane_span.push((side, usize::MAX, 0));
            lane_span.len() - 1
        });
        let (lo, hi) = (p.ch1.min(p.ch2), p.ch1.max(p.ch2));
        lane_span[id].1 = lane_span[id].1.min(lo);
        lane_span[id].2 = lane_span[id].2.max(hi);
        p.lane = Some(id);
    }
    let mut lane_col = vec![0usize; lane_span.len()];
    let mut columns = [0usize; 2];
    for side in [Side::Left, Side::Right] {
        let mut order: Vec<usize> = (0..lane_span.len())
            .filter(|&i| lane_span[i].0 == side)
            .collect();
        order.sort_by_key(|&i| (lane_span[i].1, lane_span[i].2, i));
        let mut ends: Vec<usize> = Vec::new();
        for i in order {
            let (_, lo, hi) = lane_span[i];
            let col = match ends.iter().position(|&e| e < lo) {
                Some(c) => c,
                None => {
                    ends.push(0);
                    ends.len() - 1
                }
            };
            ends[col] = hi;
            lane_col[i] = col;
        }
        columns[side as usize] = ends.len();
    }
    let left_lanes = i32::try_from(columns[0]).unwrap_or(0);
    let right_lanes = i32::try_from(columns[1]).unwrap_or(0);
    let content_left = GUTTER + left_lanes * LANE_GAP + MARGIN;
    let content_right = content_left + content_w;
    let lane_x = |id: usize| -> i32 {
        let col = i32::try_from(lane_col[id]).unwrap_or(0);
        match lane_span[id].0 {
            Side::Left => content_left - MARGIN / 2 - col * LANE_GAP,
            Side::Right => content_right + MARGIN / 2 + col * LANE_GAP,
        }
    };
    let box_x: Vec<i32> = (0..nb).map(|b| content_left + local_x[b]).collect();

    // Entry points: one per arriving bus at each target, spread across the top or bottom.
    let entry_base = |p: &Plan| -> (i32, bool) {
        let b = p.entry_box;
        match p.entry_comp {
            Some(c) if !(is_lone(b) || p.top_entry && is_first(c)) => (HOST_SIDE / 2, true),
            Some(c) => (comp_rel[c].cx(), false),
            None => (size[b].0 / 2, false),
        }
    };
    let mut arrivals: BTreeMap<(usize, Option<usize>, bool, bool), Vec<BusKey>> = BTreeMap::new();
    let arrival_bus = |p: &Plan| -> BusKey {
        match p.lane {
            Some(id) => BusKey::Lane {
                side: lane_span[id].0,
                lane: id,
            },
            None => p.exit_bus,
        }
    };
    for p in &plans {
        let (_, via_lane) = entry_base(p);
        let key = (
            p.entry_box,
            if via_lane { None } else { p.entry_comp },
            p.top_entry,
            via_lane,
        );
        let list = arrivals.entry(key).or_default();
        let bus = arrival_bus(p);
        if !list.contains(&bus) {
            list.push(bus);
        }
    }
    let entry_x = |p: &Plan| -> i32 {
        let (base, via_lane) = entry_base(p);
        let key = (
            p.entry_box,
            if via_lane { None } else { p.entry_comp },
            p.top_entry,
            via_lane,
        );
        let list = &arrivals[&key];
        let bus = arrival_bus(p);
        let i = i32::try_from(list.iter().position(|k| *k == bus).unwrap_or(0)).unwrap_or(0);
        let n = i32::try_from(list.len()).unwrap_or(1);
        let offset = if via_lane { 0 } else { (i * 2 - (n - 1)) * 4 };
        let limit = match p.entry_comp {
            Some(c) if !via_lane => comp_rel[c].w / 2 - 4,
            _ => size[p.entry_box].0 / 2 - 4,
        };
        box_x[p.entry_box] + base + offset.clamp(-limit.max(0), limit.max(0))
    };

    // Buses in channels: (channel, bus) -> x interval.
    let mut buses: BTreeMap<(usize, BusKey), (i32, i32)> = BTreeMap::new();
    let mut widen = |ch: usize, key: BusKey, a: i32, b: i32| {
        let e = buses.entry((ch, key)).or_insert((a.min(b), a.max(b)));
        e.0 = e.0.min(a.min(b));
        e.1 = e.1.max(a.max(b));
    };
    for p in &plans {
        let ex = box_x[p.exit_box] + p.exit_x;
        let tx = entry_x(p);
        match p.lane {
            None => widen(p.ch1, p.exit_bus, ex, tx),
            Some(id) => {
                let lx = lane_x(id);
                widen(p.ch1, p.exit_bus, ex, lx);
                widen(p.ch2, arrival_bus(p), lx, tx);
            }
        }
    }
    // Tracks: first free track in the channel, in order of left end.
    let mut track_of: BTreeMap<(usize, BusKey), i32> = BTreeMap::new();
    let mut tracks_in = vec![0i32; bands.len()];
    let mut by_channel: BTreeMap<usize, Vec<(i32, i32, BusKey)>> = BTreeMap::new();
    for (&(ch, key), &(a, b)) in &buses {
        by_channel.entry(ch).or_default().push((a, b, key));
    }
    for (ch, mut list) in by_channel {
        list.sort();
        let mut ends: Vec<i32> = Vec::new();
        for (a, b, key) in list {
            let t = match ends.iter().position(|&e| e + 8 < a) {
                Some(t) => t,
                None => {
                    ends.push(i32::MIN);
                    ends.len() - 1
                }
            };
            ends[t] = b;
            track_of.insert((ch, key), i32::try_from(t).unwrap_or(0));
        }
        if let Some(n) = tracks_in.get_mut(ch) {
            *n = i32::try_from(ends.len()).unwrap_or(0);
        }
    }

    // Vertical placement: bands, then the channel under each.
    let mut band_y = vec![0i32; bands.len()];
    let mut band_h = vec![0i32; bands.len()];
    let mut channel_y = vec![0i32; bands.len()];
    let mut y = MARGIN;
    for (i, (_, band)) in bands.iter().enumerate() {
        band_y[i] = y;
        band_h[i] = band.iter().map(|&b| size[b].1).max().unwrap_or(0);
        y += band_h[i];
        channel_y[i] = y;
        y += CHANNEL_PAD + tracks_in[i] * TRACK_GAP + 14;
    }
    let height = y + MARGIN;
    let width = content_right + right_lanes * LANE_GAP + MARGIN * 2;
    let track_y = |ch: usize, key: BusKey| -> i32 {
        channel_y[ch] + CHANNEL_PAD + track_of.get(&(ch, key)).copied().unwrap_or(0) * TRACK_GAP
    };

    let boxes: Vec<Rect> = (0..nb)
        .map(|b| Rect {
            x: box_x[b],
            y: band_y[band_of[b]],
            w: size[b].0,
            h: size[b].1,
        })
        .collect();
    let components: Vec<Rect> = (0..m.components.len())
        .map(|c| {
            let b = boxes[scene.box_of[c]];
            let r = comp_rel[c];
            Rect {
                x: b.x + r.x,
                y: b.y + r.y,
                w: r.w,
                h: r.h,
            }
        })
        .collect();

    // Points.
    let mut edges = Vec::new();
    let mut labels = Vec::new();
    // One label per exit point: what its edges carry (monitoring agents' reports go unsaid).
    let mut exit_labels: BTreeMap<(usize, i32), Vec<&str>> = BTreeMap::new();
    for p in &plans {
        let quiet =
            matches!(p.kind, EdgeKind::Side(i) if scene.side[i].kind == SideKind::ReportsTo);
        if quiet || p.label.is_empty() {
            continue;
        }
        let texts = exit_labels.entry((p.exit_box, p.exit_x)).or_default();
        if !texts.contains(&p.label.as_str()) {
            texts.push(&p.label);
        }
    }
    for p in &plans {
        let bx = boxes[p.exit_box];
        let ex = bx.x + p.exit_x;
        let mut pts: Vec<(i32, i32)> = p.start.iter().map(|&(x, y)| (bx.x + x, bx.y + y)).collect();
        pts.push((ex, bx.bottom()));
        let t1 = track_y(p.ch1, p.exit_bus);
        pts.push((ex, t1));
        let tx = entry_x(p);
        let tb = boxes[p.entry_box];
        let arrive_y = match p.lane {
            None => t1,
            Some(id) => {
                let lx = lane_x(id);
                let t2 = track_y(p.ch2, arrival_bus(p));
                pts.push((lx, t1));
                pts.push((lx, t2));
                t2
            }
        };
        pts.push((tx, arrive_y));
        let (_, via_lane) = entry_base(p);
        let edge_y = if p.top_entry { tb.y } else { tb.bottom() };
        pts.push((tx, edge_y));
        match p.entry_comp {
            Some(c) if via_lane => {
                let r = components[c];
                pts.push((tx, r.cy()));
                pts.push((r.x, r.cy()));
            }
            Some(c) if !is_lone(p.entry_box) => {
                let r = components[c];
                pts.push((tx, if p.top_entry { r.y } else { r.bottom() }));
            }
            _ => {}
        }
        edges.push(EdgePath {
            kind: p.kind,
            points: simplify(pts),
        });
        if let Some(texts) = exit_labels.remove(&(p.exit_box, p.exit_x)) {
            labels.push(Label {
                x: ex + 5,
                y: bx.bottom() + 13,
                text: shorten(&texts.join("; ")),
            });
        }
    }

    // Edges inside one box: straight down between neighbours, else along the inner left lane.
    let inner_lane = |b: usize| boxes[b].x + 5;
    for &l in &scene.inner {
        let link = &m.links[l];
        edges.push(EdgePath {
            kind: EdgeKind::Inner(l),
            points: inner_points(
                &components,
                index_in_box[link.from],
                index_in_box[link.to],
                link.from,
                link.to,
                inner_lane(scene.box_of[link.from]),
            ),
        });
    }
    for (i, e) in scene.side.iter().enumerate() {
        if scene.box_of[e.from] != e.to_box {
            continue;
        }
        let to = e.to.unwrap_or(e.from);
        if to == e.from {
            continue;
        }
        edges.push(EdgePath {
            kind: EdgeKind::Side(i),
            points: inner_points(
                &components,
                index_in_box[e.from],
                index_in_box[to],
                e.from,
                to,
                inner_lane(e.to_box),
            ),
        });
    }

    let width = labels
        .iter()
        .map(|l| l.x + text_width(&l.text) * 10 / 12 + MARGIN)
        .fold(width, i32::max);
    Layout {
        width,
        height,
        boxes,
        components,
        edges,
        labels,
        bands: bands
            .iter()
            .enumerate()
            .map(|(i, (r, _))| (*r, band_y[i], band_y[i] + band_h[i]))
            .collect(),
    }
}

fn inner_points(
    comps: &[Rect],
    i: usize,
    j: usize,
    from: usize,
    to: usize,
    lane: i32,
) -> Vec<(i32, i32)> {
    let (a, b) = (comps[from], comps[to]);
    if j == i + 1 {
        vec![(a.cx(), a.bottom()), (b.cx(), b.y)]
    } else if i == j + 1 {
        vec![(a.cx() + 12, a.y), (b.cx() + 12, b.bottom())]
    } else {
        vec![(a.x, a.cy()), (lane, a.cy()), (lane, b.cy()), (b.x, b.cy())]
    }
}

/// Drops repeated points and points in the middle of a straight run.
fn simplify(pts: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            if (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1) {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Escapes text for SVG content and attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    crate::escape::xml(s)
}

/// Draws `scene` as SVG, marking components and hosts that have findings.
#[must_use]
pub fn svg(scene: &Scene, findings: &[Finding]) -> String {
    let lay = layout(scene);
    let m = scene.model;
    let mut by_element: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_element.entry(f.element.as_str()).or_default().push(f);
    }
    let worst = |id: &str| -> Option<Severity> {
        by_element
            .get(id)
            .and_then(|fs| fs.iter().map(|f| f.severity).max())
    };
    let finding_title = |id: &str| -> String {
        by_element.get(id).map_or(String::new(), |fs| {
            fs.iter()
                .map(|f| format!("\n{} [{}]: {}", f.severity.as_str(), f.rule, f.message))
                .collect()
        })
    };

    let mut s = String::with_capacity(4096 + lay.edges.len() * 160 + lay.components.len() * 300);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"archdoc-diagram\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"{FONT}\" role=\"img\" aria-label=\"{label}\">",
        w = lay.width,
        h = lay.height,
        label = escape(&format!("Architecture diagram of {}", m.name)),
    );
    let _ = writeln!(s, "<title>{}</title>", escape(&m.name));
    s.push_str(concat!(
        "<style>\n",
        ".band{fill:#f6f8fa}.tier{fill:#8c959f;font-size:11px}\n",
        ".host>rect{fill:#ffffff;stroke:#57606a;stroke-width:1.5}\n",
        ".host-titles>text{fill:#24292f;font-weight:bold;paint-order:stroke;stroke:#ffffff;stroke-width:4px;stroke-linejoin:round}\n",
        ".comp>rect{fill:#ddf4ff;stroke:#0969da}.comp>text{fill:#24292f}\n",
        ".comp.client>rect{fill:#fff8c5;stroke:#9a6700}.comp.database>rect,.comp.cache>rect{fill:#dafbe1;stroke:#1a7f37}\n",
        ".comp.firewall>rect{fill:#ffebe9;stroke:#cf222e}.comp.monitoring>rect{fill:#fbefff;stroke:#8250df}\n",
        ".comp.load_balancer>rect,.comp.virtual_ip>rect{fill:#fff1e5;stroke:#bc4c00}\n",
        ".finding>rect{stroke-width:3}.finding.error>rect{stroke:#cf222e}.finding.warning>rect{stroke:#d4a72c}\n",
        ".edge{fill:none;stroke:#57606a;stroke-width:1.3}.edge.side{stroke:#8250df;stroke-dasharray:5 4}\n",
        ".edge.optional{stroke-dasharray:2 3}\n",
        ".label{fill:#57606a;font-size:10px;paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round}\n",
        "</style>\n",
        "<defs><marker id=\"archdoc-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#57606a\"/></marker></defs>\n",
    ));

    s.push_str("<g class=\"bands\">\n");
    let mut last_row = usize::MAX;
    for &(row, top, bottom) in &lay.bands {
        let _ = writeln!(
            s,
            "<rect class=\"band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            top - 8,
            lay.width,
            bottom - top + 16
        );
        if row != last_row {
            let _ = writeln!(
                s,
                "<text class=\"tier\" x=\"8\" y=\"{}\">{}</text>",
                top + 10,
                scene.row_tier[row].title()
            );
        }
        last_row = row;
    }
    s.push_str("</g>\n<g class=\"hosts\">\n");
    for (b, bx) in scene.boxes.iter().enumerate() {
        let BoxKind::Host(h) = bx.kind else {
            continue;
        };
        let r = lay.boxes[b];
        let host = &m.hosts[h];
        let class = match worst(&host.id) {
            Some(sev) => format!("host finding {}", sev.as_str()),
            None => "host".to_owned(),
        };
        let _ = writeln!(
            s,
            "<g class=\"{class}\" data-id=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/></g>",
            escape(&host.id),
            escape(&format!(
                "{} ({}){}",
                scene.box_name(b),
                host.id,
                finding_title(&host.id)
            )),
            r.x,
            r.y,
            r.w,
            r.h,
        );
    }
    s.push_str("</g>\n<g class=\"components\">\n");
    for (c, comp) in m.components.iter().enumerate() {
        let r = lay.components[c];
        let mut class = format!("comp {}", comp.kind.as_str());
        if let Some(sev) = worst(&comp.id) {
            let _ = write!(class, " finding {}", sev.as_str());
        }
        let line = component_line(comp);
        let _ = writeln!(
            s,
            "<g class=\"{class}\" data-id=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            escape(&comp.id),
            escape(&format!("{line} ({}){}", comp.id, finding_title(&comp.id))),
            r.x,
            r.y,
            r.w,
            r.h,
            r.cx(),
            r.cy() + 4,
            escape(&shorten(&line))
        );
    }
    s.push_str("</g>\n<g class=\"edges\">\n");
    for e in &lay.edges {
        let (class, from, to, title) = match e.kind {
            EdgeKind::Flow(l) | EdgeKind::Inner(l) => {
                let link = &m.links[l];
                let text = link_text(m, link);
                let class = if link.optional {
                    "edge flow optional"
                } else {
                    "edge flow"
                };
                (
                    class,
                    m.components[link.from].id.as_str(),
                    m.components[link.to].id.as_str(),
                    format!(
                        "{} → {}{}{}",
                        m.components[link.from].id,
                        m.components[link.to].id,
                        if text.is_empty() { "" } else { ": " },
                        text
                    ),
                )
            }
            EdgeKind::Side(i) => {
                let side = &scene.side[i];
                let to = match side.to {
                    Some(c) => m.components[c].id.as_str(),
                    None => scene.box_id(side.to_box),
                };
                let what = match side.kind {
                    SideKind::Replication => "replicates to",
                    SideKind::ReportsTo => "reports to",
                    SideKind::Monitors => "monitors",
                    SideKind::Resolves => "resolves to",
                };
                (
                    "edge side",
                    m.components[side.from].id.as_str(),
                    to,
                    format!(
                        "{} {what} {to} ({})",
                        m.components[side.from].id, side.label
                    ),
                )
            }
        };
        let mut d = String::new();
        for (i, (x, y)) in e.points.iter().enumerate() {
            let _ = write!(d, "{}{x},{y}", if i == 0 { "M" } else { "L" });
        }
        let _ = writeln!(
            s,
            "<path class=\"{class}\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\" marker-end=\"url(#archdoc-arrow)\"><title>{}</title></path>",
            escape(from),
            escape(to),
            escape(&title)
        );
    }
    // Host names go over the edges that enter the box, with a halo so they stay legible.
    s.push_str("</g>\n<g class=\"host-titles\">\n");
    for (b, bx) in scene.boxes.iter().enumerate() {
        if let BoxKind::Host(_) = bx.kind {
            let r = lay.boxes[b];
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                r.x + 10,
                r.y + 18,
                escape(&shorten(&scene.box_name(b)))
            );
        }
    }
    s.push_str("</g>\n<g class=\"labels\">\n");
    for l in &lay.labels {
        let _ = writeln!(
            s,
            "<text class=\"label\" x=\"{}\" y=\"{}\">{}</text>",
            l.x,
            l.y,
            escape(&l.text)
        );
    }
    s.push_str("</g>\n</svg>\n");
    s
}
