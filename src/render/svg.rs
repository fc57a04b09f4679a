//! The SVG diagram: a layered layout made for infrastructure, computed in integer pixels so
//! the same model always gives the same bytes.
//!
//! Tiers are rows; a host is a box holding its components in a column; a component on no host
//! is a box of its own. Rows wider than the page are cut into *stripes*: the first stripe holds
//! the left part of every row, the next stripe the next part, and so on, so a cell of servers
//! stays together under its load balancer. Edges are orthogonal: out of the bottom of a box,
//! along a track in the channel under its row, into the top of the box they reach. Requests
//! that must skip rows run down a lane in the left margin (of two components fanning out to
//! the same boxes, the one further right takes the right margin, so the fans do not cross);
//! replication and monitoring edges run in lanes on the right and are dashed, and none of them
//! moves a box. In a drawing stacked in stripes, a dashed edge between stripes (an agent in
//! the last cell reporting to the monitoring server in the first) is a numbered connector: a
//! stub to a badge, the same badge on the server, and a legend line. Every link is its own
//! `<path>` with a `<title>`, so a bus of many links still shows each one on hover.
//!
//! Text is measured as monospace (0.6 em a character), which is what the SVG asks the browser
//! to use, so boxes fit their labels without a font engine.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::scene::{
    BoxKind, DomainTree, Scene, SideKind, Tier, component_line, domain_title, link_text,
};
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
    /// The number of the connector it is drawn as (a short stub to a numbered badge, not a
    /// line across the page), if it is one.
    pub connector: Option<usize>,
}

/// A numbered connector: side edges between stripes of a stacked drawing, each drawn as a
/// short stub at its far end, all meeting one hub (a monitoring server, say).
#[derive(Debug, Clone)]
pub struct Connector {
    /// The number on its badges.
    pub number: usize,
    /// What it stands for, for the legend.
    pub text: String,
    /// Centres of its badges: one on the hub, one at the end of every stub.
    pub badges: Vec<(i32, i32)>,
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
    /// Edge labels that found no free place: their number (drawn as `[n]` on the edge) and
    /// text, listed under the drawing.
    pub legend: Vec<(usize, String)>,
    /// Connectors, listed under the drawing after the legend.
    pub connectors: Vec<Connector>,
    /// Bands (a stripe's part of a tier row): the row, the top and the bottom.
    pub bands: Vec<(usize, i32, i32)>,
    /// Failure domains around the hosts they hold, outermost first: the domain (index into
    /// `Model::domains`) and its frame. A domain whose hosts are not side by side in a band
    /// gets one frame per run of neighbours.
    pub frames: Vec<(usize, Rect)>,
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
/// Side lanes inside a host box, from its left or right side: edges leave a component on the
/// outer lane, run between components on the middle one (left only), and reach a component
/// on the inner one, so the three never cross beside a component.
const EXIT_LANE: i32 = 4;
const INNER_LANE: i32 = 8;
const ENTRY_LANE: i32 = 12;
const CHANNEL_PAD: i32 = 22;
/// A connector's stub, and the radius of its badge.
const STUB: i32 = 3;
const BADGE_R: i32 = 6;
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

/// Where buses arrive at a box: the box, the component (when entered directly), into the
/// top or not, on the right side lane or not, through a side lane or not.
type ArrivalKey = (usize, Option<usize>, bool, bool, bool);

/// An exit point: side edge or not, box, x in the box.
type ExitKey = (bool, usize, i32);

/// A lane: its side, and the exit it leaves (box, x) or the target it gathers (box,
/// component), or both for the lane of one source and one target of their own.
type LaneKey = (Side, usize, i32, usize, Option<usize>);

/// How one edge is routed, before y coordinates are known.
#[derive(Debug, Clone)]
struct Plan {
    kind: EdgeKind,
    /// The component it leaves.
    from: usize,
    /// The exit: box, x, and the point the edge starts from inside the box.
    exit_box: usize,
    exit_x: i32,
    start: Vec<(i32, i32)>, // points inside the source box, ending at the box bottom (x only known)
    entry_box: usize,
    entry_comp: Option<usize>,
    top_entry: bool,
    /// Whether an entry through the box's side lane comes in on the right.
    enters_right: bool,
    exit_bus: BusKey,
    /// The lane taken, if any: side, lane key (index into lanes).
    lane: Option<usize>,
    /// The channel of the first track, and of the second (after a lane).
    ch1: usize,
    ch2: usize,
    label: String,
    side: bool,
    /// Whether its lane (if it takes one) runs down the right margin.
    right: bool,
}

/// Drawings up to this many boxes and edges are improved by transposition (below).
const MAX_TRANSPOSE_BOXES: usize = 60;
const MAX_TRANSPOSE_EDGES: usize = 80;
/// Drawings up to this many edges have their lanes tried in gaps between boxes (below), at
/// most this many tries each (a try routes the whole drawing and counts its crossings).
const MAX_GAP_EDGES: usize = 300;
const MAX_GAP_TRIES: usize = 96;

/// Lays out `scene`. On small drawings, the order of boxes within each row is then improved
/// by transposition: each box is moved to every other place in its row and the move is kept
/// when the routed drawing (lanes, tracks, ports and all) crosses less, until a pass over
/// every row changes nothing. Counting on the real routes, not on straight lines between layers, is what lets a
/// swap that looks neutral between two rows count the margin lanes and channel runs it saves.
/// Then each lane (an edge that skips rows) is tried down a gap between the boxes of the rows
/// it passes, as Graphviz threads such edges through virtual nodes, and kept there when the
/// drawing crosses less: the margin is the long way round and crosses every channel's runs
/// out to it.
#[must_use]
pub fn layout(scene: &Scene) -> Layout {
    let none = BTreeMap::new();
    let (first, lanes) = route(scene, &none);
    if first.edges.len() > MAX_GAP_EDGES
        || lanes.is_empty() && first.edges.len() > MAX_TRANSPOSE_EDGES
    {
        return first;
    }
    let small =
        scene.boxes.len() <= MAX_TRANSPOSE_BOXES && first.edges.len() <= MAX_TRANSPOSE_EDGES;
    let mut best = Best {
        cost: drawing_cost(&first),
        layout: first,
        order: scene.clone(),
        gaps: none,
        lanes,
    };
    // Orders and gaps depend on each other: a second round of each, on small drawings, lets
    // a box move once a lane no longer runs round the margin, and a lane move after that.
    for round in 0..if small { 2 } else { 1 } {
        let moved = small && best.transpose();
        if round > 0 && !moved {
            break;
        }
        best.try_gaps();
    }
    best.layout
}

/// The best drawing found so far, and what made it.
struct Best<'m> {
    layout: Layout,
    /// Its `drawing_cost`.
    cost: usize,
    order: Scene<'m>,
    gaps: BTreeMap<LaneKey, i32>,
    /// The lanes of its order, with their aims, as `route` named them when the order was
    /// kept (before the gap moves made since).
    lanes: Vec<(LaneKey, Vec<i32>)>,
}

impl Best<'_> {
    /// Transposition: whether a move was kept.
    fn transpose(&mut self) -> bool {
        let mut moved = false;
        for _ in 0..6 {
            let mut improved = false;
            for r in 0..self.order.rows.len() {
                let n = self.order.rows[r].len();
                for (i, j) in (0..n).flat_map(|i| (0..n).map(move |j| (i, j))) {
                    if i == j || j + 1 == i {
                        continue; // moving a box just before its left neighbour is a swap, tried as i - 1 → i
                    }
                    if self.cost == 0 {
                        return moved;
                    }
                    let mut row = self.order.rows[r].clone();
                    let b = row.remove(i);
                    row.insert(j, b);
                    if frames_in_row(&self.order, &row)
                        > frames_in_row(&self.order, &self.order.rows[r])
                    {
                        continue; // keeps every zone and rack in one frame
                    }
                    let mut trial = self.order.clone();
                    trial.rows[r] = row;
                    let (lay, lanes) = route(&trial, &self.gaps);
                    let cost = drawing_cost(&lay);
                    if cost < self.cost {
                        (self.layout, self.cost, self.order, self.lanes) =
                            (lay, cost, trial, lanes);
                        improved = true;
                        moved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        moved
    }

    /// Each lane, at each of its aims, in a gap: kept when the drawing crosses less.
    fn try_gaps(&mut self) {
        // The lanes as the order has them before any is moved (not re-read after each move).
        let lanes = self.lanes.clone();
        let mut tries = 0;
        for _ in 0..2 {
            let mut improved = false;
            for (lane, aims) in &lanes {
                for &aim in aims {
                    if self.cost == 0 || tries == MAX_GAP_TRIES || self.gaps.get(lane) == Some(&aim)
                    {
                        continue;
                    }
                    tries += 1;
                    let mut trial = self.gaps.clone();
                    trial.insert(*lane, aim);
                    let lay = route(&self.order, &trial).0;
                    let cost = drawing_cost(&lay);
                    if cost < self.cost {
                        (self.layout, self.cost, self.gaps) = (lay, cost, trial);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
}

/// A box's failure domains, innermost first (none for a box that is not a host).
fn box_domains(scene: &Scene, b: usize) -> Vec<usize> {
    let m = scene.model;
    let n = m.domains.len();
    let BoxKind::Host(h) = scene.boxes[b].kind else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut x = m.hosts[h].domain;
    while let Some(d) = x.filter(|&d| d < n && out.len() <= n) {
        out.push(d);
        x = m.domains[d].parent;
    }
    out
}

/// How many domain frames a row's order draws: a frame opens wherever a box's domain is not
/// its left neighbour's. A move that opens more splits a zone or rack in two.
fn frames_in_row(scene: &Scene, row: &[usize]) -> usize {
    let mut frames = 0;
    let mut before: Vec<usize> = Vec::new();
    for &b in row {
        let chain = box_domains(scene, b);
        frames += chain.iter().filter(|d| !before.contains(d)).count();
        before = chain;
    }
    frames
}

/// What the searches above minimise: crossings, and each edge label that found no place on
/// the drawing and went to the legend (a reader then looks it up) counts as two.
fn drawing_cost(lay: &Layout) -> usize {
    crossings(lay) + 2 * lay.legend.len()
}

/// Pairs of segments of two different edges that cross at one point inside both (touching or
/// running along is not crossing): the count `../shared/checks/crossings.py` makes over the
/// SVG, used by the transposition above and by the crossing tests.
#[must_use]
pub fn crossings(lay: &Layout) -> usize {
    let orient = |a: (i32, i32), b: (i32, i32), c: (i32, i32)| -> i64 {
        (i64::from(b.0) - i64::from(a.0)) * (i64::from(c.1) - i64::from(a.1))
            - (i64::from(b.1) - i64::from(a.1)) * (i64::from(c.0) - i64::from(a.0))
    };
    type Segment = (usize, (i32, i32), (i32, i32));
    let mut segments: Vec<Segment> = lay
        .edges
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.points.windows(2).map(move |w| (i, w[0], w[1])))
        .filter(|(_, a, b)| a != b)
        .collect();
    // Swept left to right: a segment is only compared with those that start before it ends
    // (two segments that cross overlap in x and in y).
    let x_range = |&(_, a, b): &Segment| (a.0.min(b.0), a.0.max(b.0));
    let y_range = |&(_, a, b): &Segment| (a.1.min(b.1), a.1.max(b.1));
    segments.sort_unstable_by_key(|s| x_range(s).0);
    let mut count = 0;
    for (k, s) in segments.iter().enumerate() {
        let &(i, a, b) = s;
        let (_, right) = x_range(s);
        let (top, bottom) = y_range(s);
        for t in &segments[k + 1..] {
            if x_range(t).0 > right {
                break;
            }
            let &(j, c, d) = t;
            let (t_top, t_bottom) = y_range(t);
            if i != j
                && t_top <= bottom
                && top <= t_bottom
                && orient(c, d, a).signum() * orient(c, d, b).signum() < 0
                && orient(a, b, c).signum() * orient(a, b, d).signum() < 0
            {
                count += 1;
            }
        }
    }
    count
}

/// Places boxes in their rows' order and routes every edge; the lanes named in `gap_lanes`
/// run down a gap between the boxes of the rows they pass, where one is free, instead of a
/// margin. Also returns every lane's key, for the caller to try in a gap.
#[allow(clippy::too_many_lines)]
fn route(scene: &Scene, gap_lanes: &BTreeMap<LaneKey, i32>) -> (Layout, Vec<(LaneKey, Vec<i32>)>) {
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
    // A row that fits stays whole in the first stripe. A row that does not is cut so that a
    // box lands in the stripe of the boxes that call it (a cell of servers stays under its
    // load balancer): the middle stripe of its callers, where a caller in a whole row counts
    // by its place in that row; a box no earlier row calls follows a box of its own row it
    // is linked to, else its place in the row.
    let fits: Vec<bool> = scene
        .rows
        .iter()
        .map(|row| row_width(row) <= MAX_ROW_WIDTH)
        .collect();
    let mut linked: Vec<Vec<usize>> = vec![Vec::new(); nb];
    for &l in &scene.flow {
        let link = &m.links[l];
        let (a, b) = (scene.box_of[link.from], scene.box_of[link.to]);
        linked[b].push(a);
        linked[a].push(b);
    }
    // Where the model is made of cells (groups of boxes linked only among themselves and
    // to a few hubs), whole cells are packed into stripes; otherwise rows are cut below.
    let cells = (stripes > 1)
        .then(|| cell_stripes(scene, &linked, |b| size[b].0 + BOX_GAP))
        .flatten();
    let (stripes, whole, stripe_of) = match cells {
        Some((cells, count)) => (count, vec![false; fits.len()], cells),
        None => {
            let mut stripe_of = vec![usize::MAX; nb];
            // Each box's place in its row.
            let mut place = vec![0usize; nb];
            for row in &scene.rows {
                for (i, &b) in row.iter().enumerate() {
                    place[b] = i;
                }
            }
            for (r, row) in scene.rows.iter().enumerate() {
                let len = row.len().max(1);
                if fits[r] {
                    for (i, &b) in row.iter().enumerate() {
                        stripe_of[b] = (2 * i + 1) * stripes / (2 * len);
                    }
                    continue;
                }
                // Each stripe holds at most a page width of the row; a box whose callers' stripe is
                // full takes its place-in-row stripe, else the emptiest.
                let mut used = vec![0i32; stripes];
                let mut want = vec![usize::MAX; row.len()];
                // A caller that calls more of the row than a stripe holds (a front load balancer
                // over every cell) says nothing about where a box belongs.
                let mut fan_out: BTreeMap<usize, usize> = BTreeMap::new();
                for &b in row {
                    let mut seen = BTreeSet::new();
                    for &a in &linked[b] {
                        if scene.boxes[a].row < r && seen.insert(a) {
                            *fan_out.entry(a).or_default() += 1;
                        }
                    }
                }
                let per_stripe = len.div_ceil(stripes);
                for (i, &b) in row.iter().enumerate() {
                    let mut callers: Vec<usize> = linked[b]
                        .iter()
                        .filter(|&&a| scene.boxes[a].row < r && fan_out[&a] <= per_stripe)
                        .map(|&a| stripe_of[a])
                        .collect();
                    if !callers.is_empty() {
                        callers.sort_unstable();
                        want[i] = callers[(callers.len() - 1) / 2];
                    }
                }
                for (i, &b) in row.iter().enumerate() {
                    if want[i] == usize::MAX {
                        want[i] = linked[b]
                            .iter()
                            .filter(|&&a| scene.boxes[a].row == r)
                            .map(|&a| place[a])
                            .map(|k| want[k])
                            .filter(|&w| w != usize::MAX)
                            .min()
                            .unwrap_or(i * stripes / len);
                    }
                    let w = size[b].0 + BOX_GAP;
                    let by_place = i * stripes / len;
                    let emptiest = (0..stripes).min_by_key(|&s| (used[s], s)).unwrap_or(0);
                    let s = [want[i], by_place]
                        .into_iter()
                        .find(|&s| used[s] == 0 || used[s] + w <= MAX_ROW_WIDTH + BOX_GAP)
                        .unwrap_or(emptiest);
                    used[s] += w;
                    stripe_of[b] = s;
                }
            }
            (stripes, fits, stripe_of)
        }
    };
    // Whole cells, or several rows cut: stripe after stripe, each a slice of the tiers (a box
    // stays in the stripe of its callers). One row cut where it is too wide: its parts one
    // under the other, so the wrapped row stays with its tier (not after the rows below it).
    let mut bands: Vec<(usize, Vec<usize>)> = Vec::new();
    let part = |r: usize, s: usize| -> Vec<usize> {
        scene.rows[r]
            .iter()
            .copied()
            .filter(|&b| if whole[r] { s == 0 } else { stripe_of[b] == s })
            .collect()
    };
    // (Packed cells cut every row: `whole` is all false then.)
    let stripe_major = whole.iter().filter(|&&w| !w).count() > 1;
    let order: Vec<(usize, usize)> = if stripe_major {
        (0..stripes)
            .flat_map(|s| (0..scene.rows.len()).map(move |r| (r, s)))
            .collect()
    } else {
        (0..scene.rows.len())
            .flat_map(|r| (0..stripes).map(move |s| (r, s)))
            .collect()
    };
    // Rule sets (security groups) are off every path: their row comes last, after every
    // stripe, not in the middle of the first.
    let mut last: Vec<(usize, Vec<usize>)> = Vec::new();
    for (r, s) in order {
        let p = part(r, s);
        if p.is_empty() {
            continue;
        }
        if stripe_major && scene.row_tier[r] == Tier::Rules {
            last.push((r, p));
        } else {
            bands.push((r, p));
        }
    }
    bands.extend(last);
    let mut band_of = vec![0usize; nb];
    for (i, (_, band)) in bands.iter().enumerate() {
        for &b in band {
            band_of[b] = i;
        }
    }
    let connectors = connectors_between_stripes(scene, stripe_major, |b| {
        if whole[scene.boxes[b].row] {
            0
        } else {
            stripe_of[b]
        }
    });
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

    // Exit: bottom centre of a lone box or of a box's last component; else the box's outer
    // lane on the side asked for.
    let exit_of = |from: usize, right: bool| -> (i32, Vec<(i32, i32)>) {
        let b = scene.box_of[from];
        let r = comp_rel[from];
        if is_lone(b) || is_last(from) {
            (r.cx(), vec![(r.cx(), r.bottom())])
        } else if right {
            let lane_x = size[b].0 - EXIT_LANE;
            (lane_x, vec![(r.right(), r.cy()), (lane_x, r.cy())])
        } else {
            (EXIT_LANE, vec![(r.x, r.cy()), (EXIT_LANE, r.cy())])
        }
    };
    // Where an edge reaches its target box, before arriving edges are spread: x in the box,
    // and whether it comes in through the box's side lane.
    let entry_base_of = |b: usize,
                         to: Option<usize>,
                         top_entry: bool,
                         enters_right: bool,
                         outer: bool|
     -> (i32, bool) {
        match to {
            Some(c) if !(is_lone(b) || top_entry && is_first(c) || !top_entry && is_last(c)) => {
                let lane = if outer { EXIT_LANE } else { ENTRY_LANE };
                let x = if enters_right { size[b].0 - lane } else { lane };
                (x, true)
            }
            // From below, beside the edges that leave the component's bottom centre.
            Some(c) if !top_entry => (comp_rel[c].cx() + comp_rel[c].w / 4, false),
            Some(c) => (comp_rel[c].cx(), false),
            None => (size[b].0 / 2, false),
        }
    };

    // Where each component's direct targets lie, on the whole: left (< 0) or right.
    let centre = |x: usize| local_x[x] + size[x].0 / 2;
    let mut pull = vec![0i64; m.components.len()];
    {
        let mut add = |from: usize, to_box: usize| {
            let b = scene.box_of[from];
            if band_of[to_box].abs_diff(band_of[b]) <= 1 && band_of[to_box] >= band_of[b] {
                pull[from] += i64::from(centre(to_box) - centre(b));
            }
        };
        for &l in &scene.flow {
            let link = &m.links[l];
            add(link.from, scene.box_of[link.to]);
        }
        for (i, e) in scene.side.iter().enumerate() {
            if scene.box_of[e.from] != e.to_box && connectors.of_side[i].is_none() {
                add(e.from, e.to_box);
            }
        }
    }

    // Twin fans: two components (a pair of front load balancers) whose requests skip rows to
    // the same boxes. Down one margin, every edge of the outer lane crosses every later edge
    // of the inner one (33 cells give 528 crossings); with the one further right sent down
    // the right margin, the two fans cross nothing.
    let right_fans = twin_fans(scene, |b| band_of[b], centre);

    // Plan every edge between boxes.
    let mut plans: Vec<Plan> = Vec::new();
    let mut plan_edge = |kind: EdgeKind,
                         from: usize,
                         to_box: usize,
                         to: Option<usize>,
                         label: String,
                         side: bool| {
        let b = scene.box_of[from];
        let (ba, bb) = (band_of[b], band_of[to_box]);
        let top_entry = bb > ba;
        let direct = bb == ba + 1 || bb == ba;
        // Which way the edge heads: towards its component's targets on the whole (one exit
        // for all of them), or towards its margin lane.
        let right = side || right_fans.contains(&from);
        let (heads_left, enters_right) = if direct {
            (pull[from] < 0, centre(b) > centre(to_box))
        } else {
            (!right, right)
        };
        let (exit_x, start) = exit_of(from, !heads_left);
        plans.push(Plan {
            kind,
            from,
            exit_box: b,
            exit_x,
            start,
            entry_box: to_box,
            entry_comp: to,
            top_entry,
            enters_right,
            exit_bus: BusKey::Exit {
                comp_or_box: b,
                x: exit_x,
            },
            lane: if direct { None } else { Some(0) },
            ch1: ba,
            ch2: if top_entry { bb - 1 } else { bb },
            label,
            side,
            right,
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
        if scene.box_of[e.from] == e.to_box || connectors.of_side[i].is_some() {
            continue; // drawn inside the box, or as a connector, below
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

    // A component in the middle of a host leaves it by the side lane that heads to its
    // target; on small drawings each such exit is tried on the other side as well and kept
    // there when its channel then crosses less (two servers calling each other's database
    // cross once either way otherwise).
    if plans.len() <= MAX_EXIT_SEARCH {
        let estimate = |plans: &[Plan], ch: usize| -> i64 {
            let mut buses: BTreeMap<(u8, usize, i32), ChannelBus> = BTreeMap::new();
            let far = |side: bool| if side { i32::MAX / 4 } else { -i32::MAX / 4 };
            for p in plans {
                let ex = local_x[p.exit_box] + p.exit_x;
                let (base, _) = entry_base_of(
                    p.entry_box,
                    p.entry_comp,
                    p.top_entry,
                    p.enters_right,
                    false,
                );
                let tx = local_x[p.entry_box] + base;
                let mut add = |key: (u8, usize, i32), ends: [(i32, bool); 2]| {
                    add_to_bus(buses.entry(key).or_insert_with(ChannelBus::new), ends);
                };
                let exit_key = (0, p.exit_box, p.exit_x);
                match p.lane {
                    None if p.ch1 == ch => add(exit_key, [(ex, false), (tx, p.top_entry)]),
                    None => {}
                    Some(_) => {
                        if p.ch1 == ch {
                            add(exit_key, [(ex, false), (far(p.right), p.ch2 > p.ch1)]);
                        }
                        if p.ch2 == ch {
                            let key = (1 + u8::from(p.right), p.entry_box, 0);
                            add(key, [(far(p.right), p.ch2 < p.ch1), (tx, p.top_entry)]);
                        }
                    }
                }
            }
            assign_tracks(buses.into_values().collect()).2
        };
        // The plans leaving each side exit move together, so a bus is never split.
        let mut groups: BTreeMap<(usize, i32), Vec<usize>> = BTreeMap::new();
        for (i, p) in plans.iter().enumerate() {
            if p.lane.is_none() && !is_lone(p.exit_box) && !is_last(p.from) {
                groups.entry((p.from, p.exit_x)).or_default().push(i);
            }
        }
        for _ in 0..2 {
            let mut moved = false;
            for members in groups.values() {
                let first = &plans[members[0]];
                let (b, ch, from) = (first.exit_box, first.ch1, first.from);
                let before = estimate(&plans, ch);
                let (exit_x, start) = exit_of(from, first.exit_x == EXIT_LANE);
                let old = (first.exit_x, first.start.clone());
                for &i in members {
                    plans[i].exit_x = exit_x;
                    plans[i].start.clone_from(&start);
                }
                if estimate(&plans, ch) < before {
                    moved = true;
                    for &i in members {
                        plans[i].exit_bus = BusKey::Exit {
                            comp_or_box: b,
                            x: exit_x,
                        };
                    }
                } else {
                    for &i in members {
                        plans[i].exit_x = old.0;
                        plans[i].start.clone_from(&old.1);
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    // On a side of a host where edges both enter and leave, the entries take the outer lane
    // when every component entered there sits above every component left from there (their
    // short runs into the component then pass no exit lane) and none comes in from below; the
    // exits move inwards. (An entry from below shares the channel under the box with the
    // exits: on the inner lane it passes under them, on the outer one it crosses each.)
    let mut side_use: BTreeMap<(usize, bool), (usize, usize)> = BTreeMap::new();
    for p in &plans {
        let b = p.exit_box;
        if !is_lone(b) && !is_last(p.from) {
            let right = p.exit_x != EXIT_LANE;
            let e = side_use.entry((b, right)).or_insert((usize::MAX, 0));
            e.0 = e.0.min(index_in_box[p.from]);
        }
    }
    let mut entered: BTreeMap<(usize, bool), usize> = BTreeMap::new();
    let mut entered_from_below: BTreeSet<(usize, bool)> = BTreeSet::new();
    for p in &plans {
        if let Some(c) = p.entry_comp
            && entry_base_of(p.entry_box, Some(c), p.top_entry, p.enters_right, false).1
        {
            let e = entered.entry((p.entry_box, p.enters_right)).or_insert(0);
            *e = (*e).max(index_in_box[c]);
            if !p.top_entry {
                entered_from_below.insert((p.entry_box, p.enters_right));
            }
        }
    }
    let outer_entry: BTreeSet<(usize, bool)> = entered
        .iter()
        .filter(|(key, lowest)| {
            side_use.get(key).is_some_and(|u| **lowest <= u.0) && !entered_from_below.contains(key)
        })
        .map(|(key, _)| *key)
        .collect();
    for p in &mut plans {
        let b = p.exit_box;
        if is_lone(b) || is_last(p.from) {
            continue;
        }
        let right = p.exit_x != EXIT_LANE;
        if outer_entry.contains(&(b, right)) {
            let x = if right {
                size[b].0 - ENTRY_LANE
            } else {
                ENTRY_LANE
            };
            p.exit_x = x;
            if let Some(last) = p.start.last_mut() {
                last.0 = x;
            }
            p.exit_bus = BusKey::Exit { comp_or_box: b, x };
        }
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
    let mut lane_ids: BTreeMap<LaneKey, usize> = BTreeMap::new();
    let mut lane_span: Vec<(Side, usize, usize)> = Vec::new();
    // How far from its margin each lane's far end lies (the source of an exit's lane, the
    // target of a fan-in's), in band-local x.
    let mut lane_reach: Vec<i32> = Vec::new();
    for p in &mut plans {
        if p.lane.is_none() {
            continue;
        }
        let side = if p.right { Side::Right } else { Side::Left };
        let fan_in = exit_targets[&(p.side, p.exit_box, p.exit_x)].len() == 1;
        // One source to one target: a lane of its own when asked for in a gap (a shared lane
        // in a gap must pass on one side of a box; its edges may want either side).
        let own = (side, p.exit_box, p.exit_x, p.entry_box, p.entry_comp);
        let key = if gap_lanes.contains_key(&own) {
            own
        } else if fan_in {
            (side, usize::MAX, 0, p.entry_box, p.entry_comp)
        } else {
            (side, p.exit_box, p.exit_x, usize::MAX, None)
        };
        let id = *lane_ids.entry(key).or_insert_with(|| {
            lane_span.push((side, usize::MAX, 0));
            let x = if fan_in {
                local_x[p.entry_box] + size[p.entry_box].0 / 2
            } else {
                local_x[p.exit_box] + p.exit_x
            };
            lane_reach.push(if side == Side::Left { x } else { content_w - x });
            lane_span.len() - 1
        });
        let (lo, hi) = (p.ch1.min(p.ch2), p.ch1.max(p.ch2));
        lane_span[id].1 = lane_span[id].1.min(lo);
        lane_span[id].2 = lane_span[id].2.max(hi);
        p.lane = Some(id);
    }
    // Pairs of a shared lane that could leave it for a gap of their own, with their aims.
    let mut own_lanes: BTreeMap<LaneKey, Vec<i32>> = BTreeMap::new();
    {
        let mut pairs_in: Vec<BTreeSet<LaneKey>> = vec![BTreeSet::new(); lane_span.len()];
        for p in &plans {
            if let Some(id) = p.lane {
                let side = lane_span[id].0;
                pairs_in[id].insert((side, p.exit_box, p.exit_x, p.entry_box, p.entry_comp));
            }
        }
        for p in &plans {
            if let Some(id) = p.lane
                && pairs_in[id].len() > 1
            {
                let own = (
                    lane_span[id].0,
                    p.exit_box,
                    p.exit_x,
                    p.entry_box,
                    p.entry_comp,
                );
                own_lanes.entry(own).or_insert_with(|| {
                    let (a, b) = (
                        local_x[p.exit_box] + p.exit_x,
                        local_x[p.entry_box] + size[p.entry_box].0 / 2,
                    );
                    vec![a, b, (a + b) / 2]
                });
            }
        }
    }
    let lane_keys: Vec<LaneKey> = {
        let mut keys = vec![(Side::Left, 0, 0, 0, None); lane_span.len()];
        for (k, &id) in &lane_ids {
            keys[id] = *k;
        }
        keys
    };
    let mut gap_x: Vec<Option<i32>> = vec![None; lane_span.len()];
    // Where a lane in a gap may aim: under its exits, over its targets, or the middle.
    let mut aims: Vec<Vec<i32>> = vec![Vec::new(); lane_span.len()];
    for p in &plans {
        if let Some(id) = p.lane {
            aims[id].push(local_x[p.exit_box] + p.exit_x);
            aims[id].push(local_x[p.entry_box] + size[p.entry_box].0 / 2);
        }
    }
    for list in &mut aims {
        list.sort_unstable();
        let middle = list.get(list.len() / 2).copied();
        list.dedup();
        list.extend(middle);
    }
    // Lanes asked to run in a gap: each takes the free x nearest the aim it was asked with.
    if !gap_lanes.is_empty() {
        let mut placed: Vec<(i32, usize, usize)> = Vec::new();
        for id in 0..lane_span.len() {
            let Some(&ideal) = gap_lanes.get(&lane_keys[id]) else {
                continue;
            };
            let (_, lo, hi) = lane_span[id];
            gap_x[id] = free_column(
                &bands,
                lo,
                hi,
                ideal,
                content_w,
                &placed,
                |b| (local_x[b], size[b].0),
                |b| box_domains(scene, b),
            );
            if let Some(x) = gap_x[id] {
                placed.push((x, lo, hi));
            }
        }
    }
    // Columns: a lane's runs in and out of the margin cross every lane inside it that is
    // still running there. So lanes nest: a lane that starts later and ends sooner goes
    // inside (shortest first), and of two lanes over the same channels the one whose far
    // end lies farther from the margin goes inside (its run to that end then passes no other
    // lane). Two fans to the same boxes are not left to this: they take opposite margins
    // (`twin_fans`). Each lane takes the innermost column free over its channels.
    let mut lane_col = vec![0usize; lane_span.len()];
    let mut columns = [0usize; 2];
    for side in [Side::Left, Side::Right] {
        let mut order: Vec<usize> = (0..lane_span.len())
            .filter(|&i| lane_span[i].0 == side && gap_x[i].is_none())
            .collect();
        order.sort_by_key(|&i| {
            let (_, lo, hi) = lane_span[i];
            (hi - lo, std::cmp::Reverse(lane_reach[i]), lo, i)
        });
        // The channel ranges taken in each column, sorted.
        let mut taken: Vec<BTreeMap<usize, usize>> = Vec::new();
        for i in order {
            let (_, lo, hi) = lane_span[i];
            let free = |spans: &BTreeMap<usize, usize>| {
                spans
                    .range(..=hi)
                    .next_back()
                    .is_none_or(|(_, &end)| end < lo)
            };
            let col = match taken.iter().position(free) {
                Some(c) => c,
                None => {
                    taken.push(BTreeMap::new());
                    taken.len() - 1
                }
            };
            taken[col].insert(lo, hi);
            lane_col[i] = col;
        }
        columns[side as usize] = taken.len();
    }
    let left_lanes = i32::try_from(columns[0]).unwrap_or(0);
    let right_lanes = i32::try_from(columns[1]).unwrap_or(0);
    let content_left = GUTTER + left_lanes * LANE_GAP + MARGIN;
    let content_right = content_left + content_w;
    let lane_x = |id: usize| -> i32 {
        if let Some(x) = gap_x[id] {
            return content_left + x;
        }
        let col = i32::try_from(lane_col[id]).unwrap_or(0);
        match lane_span[id].0 {
            Side::Left => content_left - MARGIN / 2 - col * LANE_GAP,
            Side::Right => content_right + MARGIN / 2 + col * LANE_GAP,
        }
    };
    let box_x: Vec<i32> = (0..nb).map(|b| content_left + local_x[b]).collect();

    // Entry points: one per arriving bus at each target, spread across the top or bottom.
    let entry_base = |p: &Plan| {
        let outer = outer_entry.contains(&(p.entry_box, p.enters_right));
        entry_base_of(
            p.entry_box,
            p.entry_comp,
            p.top_entry,
            p.enters_right,
            outer,
        )
    };
    let mut arrivals: BTreeMap<ArrivalKey, Vec<BusKey>> = BTreeMap::new();
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
            via_lane && p.enters_right,
            via_lane,
        );
        let list = arrivals.entry(key).or_default();
        let bus = arrival_bus(p);
        if !list.contains(&bus) {
            list.push(bus);
        }
    }
    // Entry points in the order that keeps buses arriving at one box from crossing there. Into
    // the top, in the order they come from, left to right (the one from further left runs
    // above). Into the bottom, buses run below the channel's top and nest: those from the left
    // come in on the left, the one from further away outside (below and further right) the
    // nearer one; those from the right mirror that.
    let bus_source_x = |bus: &BusKey| -> i32 {
        match *bus {
            BusKey::Exit { comp_or_box, x } => box_x[comp_or_box] + x,
            BusKey::Lane { lane, .. } => lane_x(lane),
        }
    };
    for (&(b, comp, top, right, via_lane), list) in &mut arrivals {
        if top {
            list.sort_by_key(|bus| (bus_source_x(bus), 0, *bus));
        } else {
            let centre = box_x[b]
                + match comp {
                    Some(c) if !via_lane => comp_rel[c].cx(),
                    _ if right => size[b].0,
                    _ if via_lane => 0,
                    _ => size[b].0 / 2,
                };
            list.sort_by_key(|bus| {
                let x = bus_source_x(bus);
                (i32::from(x >= centre), -x, *bus)
            });
        }
    }
    let entry_x = |p: &Plan| -> i32 {
        let (base, via_lane) = entry_base(p);
        let key = (
            p.entry_box,
            if via_lane { None } else { p.entry_comp },
            p.top_entry,
            via_lane && p.enters_right,
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

    // Buses in channels: (channel, bus) -> x interval and the verticals that leave it.
    let mut buses: BTreeMap<(usize, BusKey), ChannelBus> = BTreeMap::new();
    let mut widen = |ch: usize, key: BusKey, ends: [(i32, bool); 2]| {
        add_to_bus(buses.entry((ch, key)).or_insert_with(ChannelBus::new), ends);
    };
    for p in &plans {
        let ex = box_x[p.exit_box] + p.exit_x;
        let tx = entry_x(p);
        // An exit comes down from the box above the channel; an entry goes down into the
        // box below (top entry) or up into a box above (bottom entry); a lane leaves the
        // channel towards the other channel it joins.
        match p.lane {
            None => widen(p.ch1, p.exit_bus, [(ex, false), (tx, p.top_entry)]),
            Some(id) => {
                let lx = lane_x(id);
                widen(p.ch1, p.exit_bus, [(ex, false), (lx, p.ch2 > p.ch1)]);
                widen(
                    p.ch2,
                    arrival_bus(p),
                    [(lx, p.ch2 < p.ch1), (tx, p.top_entry)],
                );
            }
        }
    }
    // Tracks: in each channel, buses are stacked in the order that crosses least.
    let mut track_of: BTreeMap<(usize, BusKey), i32> = BTreeMap::new();
    let mut tracks_in = vec![0i32; bands.len()];
    let mut by_channel: BTreeMap<usize, Vec<(BusKey, ChannelBus)>> = BTreeMap::new();
    for ((ch, key), bus) in buses {
        by_channel.entry(ch).or_default().push((key, bus));
    }
    for (ch, list) in by_channel {
        let (keys, list): (Vec<BusKey>, Vec<ChannelBus>) = list.into_iter().unzip();
        let (tracks, count, _) = assign_tracks(list);
        for (key, t) in keys.into_iter().zip(tracks) {
            track_of.insert((ch, key), t);
        }
        if let Some(n) = tracks_in.get_mut(ch) {
            *n = count;
        }
    }

    // Vertical placement: bands, then the channel under each.
    let mut band_y = vec![0i32; bands.len()];
    let mut band_h = vec![0i32; bands.len()];
    let mut channel_y = vec![0i32; bands.len()];
    // Failure domains: how many frames nest around a host at most (each takes FRAME_PAD),
    // and the room above each band for them and their titles.
    let tree = DomainTree::of(scene);
    let mut frame_height = vec![0i32; m.domains.len()];
    fn height(tree: &DomainTree, d: usize, memo: &mut [i32], depth: usize) -> i32 {
        if memo[d] == 0 {
            let below = if depth > memo.len() {
                0
            } else {
                tree.children[d]
                    .iter()
                    .map(|&c| height(tree, c, memo, depth + 1))
                    .max()
                    .unwrap_or(0)
            };
            memo[d] = below + 1;
        }
        memo[d]
    }
    let nesting = tree
        .roots
        .iter()
        .map(|&d| height(&tree, d, &mut frame_height, 0))
        .max()
        .unwrap_or(0);
    let frame_room = if nesting > 0 {
        nesting * (FRAME_PAD + FRAME_TITLE)
    } else {
        0
    };
    let mut y = MARGIN;
    for (i, (_, band)) in bands.iter().enumerate() {
        y += frame_room;
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
                pts.push((if p.enters_right { r.right() } else { r.x }, r.cy()));
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
            connector: None,
        });
        if let Some(texts) = exit_labels.remove(&(p.exit_box, p.exit_x)) {
            labels.push(Label {
                x: ex + 5,
                y: bx.bottom() + 13,
                text: shorten(&texts.join("; ")),
            });
        }
    }

    // Edges inside one box: straight down between neighbours, else along an inner lane: the
    // left one, or the right one when edges come in or go out through the box's left side and
    // none through its right (the inner runs would cross them).
    let side_busy = |b: usize, right: bool| {
        side_use.contains_key(&(b, right)) || entered.contains_key(&(b, right))
    };
    let inner_lane = |b: usize| {
        if side_busy(b, false) && !side_busy(b, true) {
            boxes[b].right() - INNER_LANE
        } else {
            boxes[b].x + INNER_LANE
        }
    };
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
            connector: None,
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
            connector: None,
        });
    }

    // Connectors: a stub out of the bottom of the source's box (or into the target from above
    // its box) ending at a badge; one badge more on the corner of each hub.
    let mut connector_list: Vec<Connector> = connectors
        .hubs
        .iter()
        .enumerate()
        .map(|(k, hub)| {
            let r = hub.comp.map_or(boxes[hub.box_], |c| components[c]);
            let name = hub.comp.map_or_else(
                || format!("{} ({})", scene.box_name(hub.box_), scene.box_id(hub.box_)),
                |c| format!("{} ({})", component_line(&m.components[c]), m.components[c].id),
            );
            let direction = match (hub.into, hub.out_of) {
                (_, 0) => "from",
                (0, _) => "to",
                _ => "to or from",
            };
            let n = k + 1;
            Connector {
                number: n,
                text: format!(
                    "({n}) {name}: {} {} links {direction} boxes in other stripes of the drawing, each drawn as a stub ending in ({n})",
                    hub.into + hub.out_of,
                    hub.labels.join(", "),
                ),
                badges: vec![(r.right(), r.y)],
            }
        })
        .collect();
    for (i, e) in scene.side.iter().enumerate() {
        let Some((n, at_source)) = connectors.of_side[i] else {
            continue;
        };
        let mut pts: Vec<(i32, i32)>;
        if at_source {
            let (exit_x, start) = exit_of(e.from, true);
            let bx = boxes[scene.box_of[e.from]];
            pts = start.iter().map(|&(x, y)| (bx.x + x, bx.y + y)).collect();
            // Under a lone box; on a host, in the room under its last component, so the
            // labels of the host's other exits keep their place under the box.
            let badge_y = if is_lone(scene.box_of[e.from]) {
                bx.bottom() + STUB + BADGE_R
            } else {
                bx.bottom() - STUB
            };
            pts.push((bx.x + exit_x, badge_y - BADGE_R));
            connector_list[n - 1].badges.push((bx.x + exit_x, badge_y));
        } else {
            let tb = boxes[e.to_box];
            match e.to {
                Some(c) if !is_lone(e.to_box) && !is_first(c) => {
                    // Down the box's entry lane on the right, then into the component's side.
                    let r = components[c];
                    let x = tb.right() - ENTRY_LANE;
                    pts = vec![(x, tb.y - STUB), (x, r.cy()), (r.right(), r.cy())];
                }
                to => {
                    let r = to.map_or(tb, |c| components[c]);
                    let x = r.right() - 12;
                    pts = vec![(x, tb.y - STUB), (x, r.y)];
                }
            }
            let x = pts[0].0;
            connector_list[n - 1]
                .badges
                .push((x, tb.y - STUB - BADGE_R));
        }
        edges.push(EdgePath {
            kind: EdgeKind::Side(i),
            points: simplify(pts),
            connector: Some(n),
        });
    }

    // Labels never overlap each other or a box: each takes the first free place of beside
    // its exit, a line lower, or left of the exit; else it becomes a number keyed to a legend
    // under the drawing.
    let mut legend: Vec<(usize, String)> = Vec::new();
    {
        let label_rect = |x: i32, y: i32, text: &str| Rect {
            x: x - 2,
            y: y - 10,
            w: text_width(text) * 10 / 12 + 4,
            h: 13,
        };
        let mut grid: BTreeMap<(i32, i32), Vec<Rect>> = BTreeMap::new();
        const CELL: i32 = 256;
        let cells = |r: &Rect| {
            let xs = r.x.div_euclid(CELL)..=r.right().div_euclid(CELL);
            let ys = r.y.div_euclid(CELL)..=r.bottom().div_euclid(CELL);
            xs.flat_map(move |x| ys.clone().map(move |y| (x, y)))
        };
        let badge_rects = connector_list.iter().flat_map(|c| {
            c.badges.iter().map(|&(x, y)| Rect {
                x: x - BADGE_R,
                y: y - BADGE_R,
                w: 2 * BADGE_R,
                h: 2 * BADGE_R,
            })
        });
        for r in boxes
            .iter()
            .chain(components.iter())
            .copied()
            .chain(badge_rects)
        {
            for c in cells(&r) {
                grid.entry(c).or_default().push(r);
            }
        }
        let free = |grid: &BTreeMap<(i32, i32), Vec<Rect>>, r: &Rect| {
            cells(r).all(|c| {
                grid.get(&c)
                    .is_none_or(|list| !list.iter().any(|o| o.overlaps(r)))
            })
        };
        // The first free place for `text` near (x, y): beside, a line lower, or to the left.
        let spot = |grid: &BTreeMap<(i32, i32), Vec<Rect>>, x: i32, y: i32, text: &str| {
            let w = text_width(text) * 10 / 12;
            [(x, y), (x, y + 14), (x - w - 10, y), (x - w - 10, y + 14)]
                .into_iter()
                .find(|&(x, y)| x >= 0 && free(grid, &label_rect(x, y, text)))
        };
        for l in &mut labels {
            if spot(&grid, l.x, l.y, &l.text).is_none() {
                let n = legend.len() + 1;
                legend.push((n, std::mem::take(&mut l.text)));
                l.text = format!("[{n}]");
            }
            if let Some((x, y)) = spot(&grid, l.x, l.y, &l.text) {
                l.x = x;
                l.y = y;
            }
            let r = label_rect(l.x, l.y, &l.text);
            for c in cells(&r) {
                grid.entry(c).or_default().push(r);
            }
        }
    }
    let height = height + legend_height(legend.len() + connector_list.len());
    let width = labels
        .iter()
        .map(|l| l.x + text_width(&l.text) * 10 / 12 + MARGIN)
        .chain(
            legend
                .iter()
                .map(|(n, t)| MARGIN + text_width(&format!("[{n}] {t}")) * 10 / 12 + MARGIN),
        )
        .chain(
            connector_list
                .iter()
                .map(|c| MARGIN + text_width(&c.text) * 10 / 12 + MARGIN),
        )
        .fold(width, i32::max);
    let frames = domain_frames(scene, &tree, &frame_height, &bands, &boxes);
    let lay = Layout {
        width,
        height,
        boxes,
        components,
        edges,
        labels,
        legend,
        connectors: connector_list,
        bands: bands
            .iter()
            .enumerate()
            .map(|(i, (r, _))| (*r, band_y[i] - frame_room, band_y[i] + band_h[i]))
            .collect(),
        frames,
    };
    let mut lanes: Vec<(LaneKey, Vec<i32>)> = lane_keys.into_iter().zip(aims).collect();
    lanes.extend(own_lanes);
    (lay, lanes)
}

/// The x (band-local) of a free column for a lane from channel `lo` down to channel `hi`:
/// clear of every box (and the frames of its failure domains) in the bands it passes, clear
/// of the boxes whose exits and entries it starts and ends beside, and a lane's width from
/// the gap lanes already `placed` over the same channels; the one nearest `ideal`, or none.
#[allow(clippy::too_many_arguments)]
fn free_column(
    bands: &[(usize, Vec<usize>)],
    lo: usize,
    hi: usize,
    ideal: i32,
    content_w: i32,
    placed: &[(i32, usize, usize)],
    place: impl Fn(usize) -> (i32, i32),
    domains: impl Fn(usize) -> Vec<usize>,
) -> Option<i32> {
    let mut blocked: Vec<(i32, i32)> = Vec::new();
    let last = (hi + 1).min(bands.len().saturating_sub(1));
    for (band, (_, row)) in bands.iter().enumerate().take(last + 1).skip(lo) {
        let passed = band > lo && band <= hi;
        let mut previous: Option<(i32, Vec<usize>)> = None;
        for &b in row {
            let (x, w) = place(b);
            let chain = domains(b);
            let pad = if passed {
                i32::try_from(chain.len()).unwrap_or(8) * FRAME_PAD + LANE_GAP / 2
            } else {
                LANE_GAP / 2
            };
            blocked.push((x - pad, x + w + pad));
            // Neighbours in one domain share its frame: the gap between them is inside it.
            if let Some((right, before)) = &previous
                && passed
                && chain.iter().any(|d| before.contains(d))
            {
                blocked.push((*right, x));
            }
            previous = Some((x + w, chain));
        }
    }
    for &(x, a, b) in placed {
        if a <= hi && lo <= b {
            blocked.push((x - LANE_GAP + 1, x + LANE_GAP - 1));
        }
    }
    let free = |x: i32| x > 0 && x < content_w && blocked.iter().all(|&(a, b)| x < a || x > b);
    std::iter::once(ideal)
        .chain(blocked.iter().flat_map(|&(a, b)| [a - 1, b + 1]))
        .filter(|&x| free(x))
        .min_by_key(|&x| ((x - ideal).abs(), x))
}

/// Height of the legend of `n` numbered labels under the drawing.
fn legend_height(n: usize) -> i32 {
    if n == 0 {
        0
    } else {
        i32::try_from(n).unwrap_or(i32::MAX / 16).saturating_mul(14) + 10
    }
}

/// Space between a host and the frame of its domain, and between nested frames.
const FRAME_PAD: i32 = 8;
/// Room above each frame for its title.
const FRAME_TITLE: i32 = 13;

/// The frames of the failure domains: for each domain, outermost first, one frame around
/// each run of neighbouring boxes in a band whose hosts lie in it (directly or below).
fn domain_frames(
    scene: &Scene,
    tree: &DomainTree,
    frame_height: &[i32],
    bands: &[(usize, Vec<usize>)],
    boxes: &[Rect],
) -> Vec<(usize, Rect)> {
    let m = scene.model;
    let n = m.domains.len();
    if tree.is_empty() {
        return Vec::new();
    }
    let chain = |b: usize| box_domains(scene, b);
    let mut order: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = tree.roots.iter().rev().copied().collect();
    while let Some(d) = stack.pop() {
        if order.len() > n {
            break;
        }
        order.push(d);
        stack.extend(tree.children[d].iter().rev());
    }
    let mut frames = Vec::new();
    for &d in &order {
        let pad = frame_height[d] * FRAME_PAD;
        let top = frame_height[d] * (FRAME_PAD + FRAME_TITLE) - FRAME_TITLE;
        for (_, band) in bands {
            let mut run: Option<Rect> = None;
            for &b in band {
                if chain(b).contains(&d) {
                    let r = boxes[b];
                    run = Some(match run {
                        None => r,
                        Some(u) => {
                            let x = u.x.min(r.x);
                            let y = u.y.min(r.y);
                            Rect {
                                x,
                                y,
                                w: u.right().max(r.right()) - x,
                                h: u.bottom().max(r.bottom()) - y,
                            }
                        }
                    });
                } else if let Some(u) = run.take() {
                    frames.push((d, grow(u, pad, top)));
                }
            }
            if let Some(u) = run {
                frames.push((d, grow(u, pad, top)));
            }
        }
    }
    frames
}

/// `r` grown by `pad` on the left, right and bottom and by `top` above.
fn grow(r: Rect, pad: i32, top: i32) -> Rect {
    Rect {
        x: r.x - pad,
        y: r.y - top,
        w: r.w + 2 * pad,
        h: r.h + top + pad,
    }
}

/// The horizontal run of one bus in a channel, and the x of every vertical leaving it: up
/// (to the row above the channel) or down (to the row below).
///
/// A bus carries several edges: each vertical is listed once per edge that takes it, and
/// each edge's own horizontal run is kept, so that a crossing is counted as often as edges
/// cross (a run of three edges over one vertical of two is six crossings, as a reader sees
/// six pairs of lines cross).
#[derive(Debug, Clone)]
struct ChannelBus {
    lo: i32,
    hi: i32,
    ups: Vec<i32>,
    downs: Vec<i32>,
    /// The left and right ends of each edge's run, sorted separately.
    run_starts: Vec<i32>,
    run_ends: Vec<i32>,
}

impl ChannelBus {
    fn new() -> Self {
        ChannelBus {
            lo: i32::MAX,
            hi: i32::MIN,
            ups: Vec::new(),
            downs: Vec::new(),
            run_starts: Vec::new(),
            run_ends: Vec::new(),
        }
    }

    /// How many of the bus's edges run across `x` (strictly inside their runs).
    fn cover(&self, x: i32) -> i64 {
        let started = self.run_starts.partition_point(|&s| s < x);
        let ended = self.run_ends.partition_point(|&e| e <= x);
        i64::try_from(started.saturating_sub(ended)).unwrap_or(i64::MAX)
    }
}

/// Side edges between stripes of a stacked drawing (an agent in the twentieth cell reporting
/// to the monitoring server in the first) would run the height of the page in a margin lane
/// and cross every cell's flows on their way to it. Each is drawn as a connector instead: a
/// short stub at its far end ending in a numbered badge, the same badge on the hub they all
/// meet, and a legend line saying what the number stands for.
struct StripeConnectors {
    /// For each side edge: its connector's number (1-based) and whether the stub is at its
    /// source (the hub is its target), or `None` when it is drawn as a line.
    of_side: Vec<Option<(usize, bool)>>,
    /// For each number, its hub.
    hubs: Vec<Hub>,
}

/// Where the edges of one connector meet.
struct Hub {
    box_: usize,
    /// The component, or none for a whole host.
    comp: Option<usize>,
    /// The edges' labels, each once.
    labels: Vec<String>,
    /// How many edges come into it, and leave it.
    into: usize,
    out_of: usize,
}

/// A hub meeting fewer edges between stripes than this keeps them as lines.
const MIN_CONNECTOR_EDGES: usize = 3;

/// Picks the connectors of a stacked drawing (none when it is not stacked in stripes): the
/// hub of a side edge is the end whose box more edges between stripes meet (its target on
/// a tie), and a hub meeting fewer than `MIN_CONNECTOR_EDGES` keeps its lines.
fn connectors_between_stripes(
    scene: &Scene,
    stacked: bool,
    stripe: impl Fn(usize) -> usize,
) -> StripeConnectors {
    let mut out = StripeConnectors {
        of_side: vec![None; scene.side.len()],
        hubs: Vec::new(),
    };
    if !stacked {
        return out;
    }
    let between: Vec<usize> = (0..scene.side.len())
        .filter(|&i| {
            let e = &scene.side[i];
            stripe(scene.box_of[e.from]) != stripe(e.to_box)
        })
        .collect();
    let mut meets: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in &between {
        let e = &scene.side[i];
        *meets.entry(scene.box_of[e.from]).or_default() += 1;
        *meets.entry(e.to_box).or_default() += 1;
    }
    let hub_of = |i: usize| {
        let e = &scene.side[i];
        let from_box = scene.box_of[e.from];
        let at_source = meets[&e.to_box] >= meets[&from_box];
        let hub = if at_source {
            (e.to_box, e.to)
        } else {
            (from_box, Some(e.from))
        };
        (hub, at_source)
    };
    let mut per_hub: BTreeMap<(usize, Option<usize>), usize> = BTreeMap::new();
    for &i in &between {
        *per_hub.entry(hub_of(i).0).or_default() += 1;
    }
    let mut number: BTreeMap<(usize, Option<usize>), usize> = BTreeMap::new();
    for i in between {
        let e = &scene.side[i];
        let (hub, at_source) = hub_of(i);
        if per_hub[&hub] < MIN_CONNECTOR_EDGES {
            continue; // a replica or two in another stripe: a line shows the pair better
        }
        let n = *number.entry(hub).or_insert_with(|| {
            out.hubs.push(Hub {
                box_: hub.0,
                comp: hub.1,
                labels: Vec::new(),
                into: 0,
                out_of: 0,
            });
            out.hubs.len()
        });
        let entry = &mut out.hubs[n - 1];
        if !entry.labels.contains(&e.label) {
            entry.labels.push(e.label.clone());
        }
        if at_source {
            entry.into += 1;
        } else {
            entry.out_of += 1;
        }
        out.of_side[i] = Some((n, at_source));
    }
    out
}

/// The components whose requests are sent down the right margin: of two components whose
/// links skip rows to at least two of the same boxes, the one further right (the other keeps
/// the left margin). Small fans and lone fans stay on the left.
fn twin_fans(
    scene: &Scene,
    band_of: impl Fn(usize) -> usize,
    centre: impl Fn(usize) -> i32,
) -> BTreeSet<usize> {
    /// Beyond this many fanning components the pairs are not compared.
    const MAX_FANS: usize = 200;
    let m = scene.model;
    let mut skips: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for &l in &scene.flow {
        let link = &m.links[l];
        let (a, b) = (scene.box_of[link.from], scene.box_of[link.to]);
        let (ba, bb) = (band_of(a), band_of(b));
        if bb != ba && bb != ba + 1 {
            skips.entry(link.from).or_default().insert(b);
        }
    }
    let mut right = BTreeSet::new();
    if skips.len() > MAX_FANS {
        return right;
    }
    let fans: Vec<(&usize, &BTreeSet<usize>)> = skips.iter().filter(|(_, t)| t.len() > 1).collect();
    for (i, (a, ta)) in fans.iter().enumerate() {
        for (b, tb) in &fans[i + 1..] {
            if ta.intersection(tb).nth(1).is_none() {
                continue;
            }
            let (ca, cb) = (centre(scene.box_of[**a]), centre(scene.box_of[**b]));
            if ca != cb {
                right.insert(if ca > cb { **a } else { **b });
            }
        }
    }
    right
}

/// Boxes linked by flow to more boxes than this are hubs (a front load balancer over every
/// cell, a shared database); the rest fall into cells.
const HUB_LINKS: usize = 8;

/// Stripes made of whole cells: the stripe of each box and the number of stripes, or `None`
/// when the model is not made of cells (one group holds most boxes). A cell is a group of
/// boxes linked by flow once hubs are set aside; cells are packed in the order they are
/// drawn, as many to a stripe as fit a page width. Hubs and boxes with no flow (monitoring,
/// rule sets) stay in the first stripe.
fn cell_stripes(
    scene: &Scene,
    linked: &[Vec<usize>],
    width: impl Fn(usize) -> i32,
) -> Option<(Vec<usize>, usize)> {
    let nb = scene.boxes.len();
    let degree: Vec<usize> = linked
        .iter()
        .map(|l| l.iter().collect::<BTreeSet<_>>().len())
        .collect();
    let hub = |b: usize| degree[b] > HUB_LINKS;
    // Union-find over links between boxes that are not hubs.
    let mut parent: Vec<usize> = (0..nb).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (b, list) in linked.iter().enumerate() {
        if hub(b) {
            continue;
        }
        for &a in list {
            if !hub(a) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    // Cells in drawing order (row by row, left to right), with their widest row.
    let mut cell_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut cells: Vec<(BTreeMap<usize, i32>, Vec<usize>)> = Vec::new();
    let mut global = Vec::new();
    for row in &scene.rows {
        for &b in row {
            if hub(b) || degree[b] == 0 {
                global.push(b);
                continue;
            }
            let r = root(&mut parent, b);
            let i = *cell_of.entry(r).or_insert_with(|| {
                cells.push((BTreeMap::new(), Vec::new()));
                cells.len() - 1
            });
            *cells[i].0.entry(scene.boxes[b].row).or_default() += width(b);
            cells[i].1.push(b);
        }
    }
    let largest = cells.iter().map(|c| c.1.len()).max().unwrap_or(0);
    if cells.len() < 2 || largest * 2 > nb {
        return None;
    }
    let mut stripe_of = vec![0usize; nb];
    let mut stripe = 0;
    let mut used: BTreeMap<usize, i32> = BTreeMap::new();
    for (rows, members) in &cells {
        let fits = rows
            .iter()
            .all(|(r, w)| used.get(r).copied().unwrap_or(0) + w <= MAX_ROW_WIDTH + BOX_GAP);
        if !fits && !used.is_empty() {
            stripe += 1;
            used.clear();
        }
        for (r, w) in rows {
            *used.entry(*r).or_default() += w;
        }
        for &b in members {
            stripe_of[b] = stripe;
        }
    }
    for b in global {
        stripe_of[b] = 0;
    }
    Some((stripe_of, stripe + 1))
}

/// Adds one edge to `bus`: its two verticals (x, and whether each goes down) and its run
/// between them.
fn add_to_bus(bus: &mut ChannelBus, ends: [(i32, bool); 2]) {
    for (x, down) in ends {
        bus.lo = bus.lo.min(x);
        bus.hi = bus.hi.max(x);
        if down {
            bus.downs.push(x);
        } else {
            bus.ups.push(x);
        }
    }
    let (a, b) = (ends[0].0.min(ends[1].0), ends[0].0.max(ends[1].0));
    if a < b {
        bus.run_starts.push(a);
        bus.run_ends.push(b);
    }
}

/// Drawings with at most this many edges between boxes try each side exit both ways.
const MAX_EXIT_SEARCH: usize = 300;

/// Buses closer than this share no track.
const BUS_CLEARANCE: i32 = 8;
/// Channels with more overlapping bus pairs than this are stacked first-fit (left end
/// first), which is linear; below it they are ordered to cross least.
const MAX_ORDERED_PAIRS: usize = 200_000;

/// Stacks the buses of one channel on tracks: the track of each bus and the number of
/// tracks. Two buses that overlap cross where one's vertical passes the other's run: if A
/// is above B, B's upward verticals inside A's run cross A, and A's downward verticals
/// inside B's run cross B. Overlapping buses are ordered by that cost (each bus's balance
/// of "wants to be above" against "wants to be below", then adjacent swaps that lower the
/// total) and each takes the first track below every bus ordered before it that it
/// overlaps. Deterministic: ties go to the left end, then the input order.
fn assign_tracks(mut buses: Vec<ChannelBus>) -> (Vec<i32>, i32, i64) {
    let n = buses.len();
    for b in &mut buses {
        b.ups.sort_unstable();
        b.downs.sort_unstable();
        b.run_starts.sort_unstable();
        b.run_ends.sort_unstable();
    }
    let mut by_left: Vec<usize> = (0..n).collect();
    by_left.sort_by_key(|&i| (buses[i].lo, buses[i].hi, i));
    // Overlapping pairs, by a sweep over left ends.
    let mut near: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pairs = 0usize;
    'sweep: for (k, &i) in by_left.iter().enumerate() {
        for &j in &by_left[k + 1..] {
            if buses[j].lo > buses[i].hi + BUS_CLEARANCE {
                break;
            }
            near[i].push(j);
            near[j].push(i);
            pairs += 1;
            if pairs > MAX_ORDERED_PAIRS {
                near = vec![Vec::new(); n];
                break 'sweep;
            }
        }
    }
    let ordered = pairs <= MAX_ORDERED_PAIRS;
    // The edges of `run` crossing the verticals `xs` (those inside its span only).
    let crossed = |xs: &[i32], run: &ChannelBus| -> i64 {
        let a = xs.partition_point(|&x| x <= run.lo);
        let b = xs.partition_point(|&x| x < run.hi);
        xs[a..b.max(a)].iter().map(|&x| run.cover(x)).sum()
    };
    // Crossings when `a` runs above `b`: b's verticals up through a's runs, a's verticals
    // down through b's.
    let above = |a: usize, b: usize| -> i64 {
        let (a, b) = (&buses[a], &buses[b]);
        crossed(&b.ups, a) + crossed(&a.downs, b)
    };
    let mut order = by_left.clone();
    if ordered {
        let balance: Vec<i64> = (0..n)
            .map(|i| near[i].iter().map(|&j| above(i, j) - above(j, i)).sum())
            .collect();
        let rank: Vec<usize> = {
            let mut r = vec![0; n];
            for (k, &i) in by_left.iter().enumerate() {
                r[i] = k;
            }
            r
        };
        order.sort_by_key(|&i| (balance[i], rank[i]));
        let overlaps = |a: usize, b: usize| near[a].contains(&b);
        for _ in 0..8 {
            let mut swapped = false;
            for k in 1..n {
                let (a, b) = (order[k - 1], order[k]);
                if overlaps(a, b) && above(b, a) < above(a, b) {
                    order.swap(k - 1, k);
                    swapped = true;
                }
            }
            if !swapped {
                break;
            }
        }
    }
    let mut track = vec![-1i32; n];
    let mut count = 0;
    if ordered {
        for &i in &order {
            let t = near[i]
                .iter()
                .map(|&j| track[j])
                .max()
                .map_or(0, |t| t + 1)
                .max(0);
            track[i] = t;
            count = count.max(t + 1);
        }
    } else {
        let mut ends: Vec<i32> = Vec::new();
        for &i in &order {
            let t = match ends.iter().position(|&e| e + BUS_CLEARANCE < buses[i].lo) {
                Some(t) => t,
                None => {
                    ends.push(i32::MIN);
                    ends.len() - 1
                }
            };
            ends[t] = buses[i].hi;
            track[i] = i32::try_from(t).unwrap_or(0);
        }
        count = i32::try_from(ends.len()).unwrap_or(0);
    }
    let mut cost = 0;
    for (i, list) in near.iter().enumerate() {
        for &j in list {
            if track[i] < track[j] {
                cost += above(i, j);
            }
        }
    }
    (track, count, cost)
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
    } else if lane > a.cx() {
        vec![
            (a.right(), a.cy()),
            (lane, a.cy()),
            (lane, b.cy()),
            (b.right(), b.cy()),
        ]
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
        ".domain>rect{fill:none;stroke:#8c959f;stroke-dasharray:6 3}.domain>text{fill:#57606a;font-size:10px}\n",
        ".host>rect{fill:#ffffff;stroke:#57606a;stroke-width:1.5}\n",
        ".host-titles>text{fill:#24292f;font-weight:bold;paint-order:stroke;stroke:#ffffff;stroke-width:4px;stroke-linejoin:round}\n",
        ".comp>rect{fill:#ddf4ff;stroke:#0969da}.comp>text{fill:#24292f}\n",
        ".comp.client>rect{fill:#fff8c5;stroke:#9a6700}.comp.database>rect,.comp.cache>rect{fill:#dafbe1;stroke:#1a7f37}\n",
        ".comp.firewall>rect{fill:#ffebe9;stroke:#cf222e}.comp.monitoring>rect{fill:#fbefff;stroke:#8250df}\n",
        ".comp.load_balancer>rect,.comp.virtual_ip>rect{fill:#fff1e5;stroke:#bc4c00}\n",
        ".finding>rect{stroke-width:3}.finding.error>rect{stroke:#cf222e}.finding.warning>rect{stroke:#d4a72c}\n",
        ".edge{fill:none;stroke:#57606a;stroke-width:1.3}.edge.side{stroke:#8250df;stroke-dasharray:5 4}\n",
        ".edge.optional{stroke-dasharray:2 3}\n",
        ".connector>circle{fill:#fbefff;stroke:#8250df}.connector>text{fill:#8250df;font-size:9px;font-weight:bold}\n",
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
    s.push_str("</g>\n");
    if !lay.frames.is_empty() {
        s.push_str("<g class=\"domains\">\n");
        for (d, r) in &lay.frames {
            let dom = &m.domains[*d];
            let _ = writeln!(
                s,
                "<g class=\"domain {}\" data-id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                dom.kind.as_str(),
                escape(&dom.id),
                r.x,
                r.y,
                r.w,
                r.h,
                r.x + 4,
                r.y - 4,
                escape(&domain_title(m, *d))
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("<g class=\"hosts\">\n");
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
        let (class, title) = match e.connector {
            Some(n) => (
                if class == "edge side" {
                    "edge side connector"
                } else {
                    class
                },
                format!("{title}, drawn as a stub ending in ({n})"),
            ),
            None => (class, title),
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
    if !lay.connectors.is_empty() {
        s.push_str("</g>\n<g class=\"connectors\">\n");
        for c in &lay.connectors {
            let _ = write!(
                s,
                "<g class=\"connector\" data-number=\"{}\"><title>{}</title>",
                c.number,
                escape(&c.text)
            );
            let r = BADGE_R + if c.number > 9 { 3 } else { 0 };
            for &(x, y) in &c.badges {
                let _ = write!(
                    s,
                    "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    y + 3,
                    c.number
                );
            }
            s.push_str("</g>\n");
        }
    }
    if !lay.legend.is_empty() || !lay.connectors.is_empty() {
        s.push_str("</g>\n<g class=\"legend\">\n");
        let top = lay.height - legend_height(lay.legend.len() + lay.connectors.len());
        let lines = lay
            .legend
            .iter()
            .map(|(n, text)| format!("[{n}] {text}"))
            .chain(lay.connectors.iter().map(|c| c.text.clone()));
        for (i, line) in lines.enumerate() {
            let y = top + 14 * i32::try_from(i + 1).unwrap_or(i32::MAX / 16);
            let _ = writeln!(
                s,
                "<text class=\"label\" x=\"{MARGIN}\" y=\"{y}\">{}</text>",
                escape(&line)
            );
        }
    }
    s.push_str("</g>\n</svg>\n");
    s
}
