//! What every diagram shows, decided once: the boxes (a host holding its components, or a
//! component on no host), the tier row of each box, the order of boxes in a row, and the
//! three kinds of edge: flow between boxes, flow inside a box, and side edges (replication,
//! monitoring, DNS records) that never decide a tier.
//!
//! Tiers come from the kind of each component (client, edge, load balancing, web, application,
//! data, monitoring) raised by the longest flow path that reaches it, so a model whose flow
//! contradicts the kinds still points down. A host sits in the tier of its first component, so
//! an application server calling the database on the next server never pushes that server a
//! row lower (the failure of every general layered layout on this shape).

use std::collections::BTreeMap;

use crate::model::{Component, Kind, Link, LinkOrigin, Model, Role};

/// What a box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// A host (index into `Model::hosts`) and the components on it.
    Host(usize),
    /// A component on no host (index into `Model::components`).
    Component(usize),
}

/// One box of the drawing.
#[derive(Debug, Clone)]
pub struct DrawBox {
    /// What it stands for.
    pub kind: BoxKind,
    /// Its components, in flow order (entry first), then file order.
    pub components: Vec<usize>,
    /// Its tier row.
    pub row: usize,
}

/// What a side edge means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SideKind {
    /// A primary (from) copies changes to a replica (to).
    Replication,
    /// A monitoring agent (from) reports to its server (to).
    ReportsTo,
    /// A monitoring server (from) watches a component or host (to).
    Monitors,
    /// A DNS component (from) resolves a name to a component (to).
    Resolves,
}

/// An edge that shows a relation but carries no request.
#[derive(Debug, Clone)]
pub struct SideEdge {
    /// What it means.
    pub kind: SideKind,
    /// The component it starts at.
    pub from: usize,
    /// The box it ends at.
    pub to_box: usize,
    /// The component it ends at, when it ends at one (not at a whole host).
    pub to: Option<usize>,
    /// Text to show on it.
    pub label: String,
}

/// The structure of a diagram.
#[derive(Debug, Clone)]
pub struct Scene<'m> {
    /// The model drawn.
    pub model: &'m Model,
    /// The boxes.
    pub boxes: Vec<DrawBox>,
    /// The box of each component.
    pub box_of: Vec<usize>,
    /// The box of each host.
    pub host_box: Vec<usize>,
    /// Tier rows, top to bottom, each a list of boxes in drawing order.
    pub rows: Vec<Vec<usize>>,
    /// The tier each row stands for (the lowest kind tier of its boxes).
    pub row_tier: Vec<Tier>,
    /// Links between two boxes (indices into `Model::links`).
    pub flow: Vec<usize>,
    /// Links inside one box.
    pub inner: Vec<usize>,
    /// Replication, monitoring and DNS edges.
    pub side: Vec<SideEdge>,
}

/// The tiers a row can stand for, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Users and their browsers.
    Clients,
    /// Firewalls and virtual IPs in front of the system.
    Edge,
    /// Load balancers.
    LoadBalancing,
    /// Web servers.
    Web,
    /// Application servers and their files.
    Application,
    /// Caches and databases.
    Data,
    /// The monitoring system.
    Monitoring,
    /// Security groups and other rule sets beside the system.
    Rules,
}

impl Tier {
    /// A name for the row.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Tier::Clients => "clients",
            Tier::Edge => "edge",
            Tier::LoadBalancing => "load balancing",
            Tier::Web => "web",
            Tier::Application => "application",
            Tier::Data => "data",
            Tier::Monitoring => "monitoring",
            Tier::Rules => "security rules",
        }
    }

    fn of_rank(rank: u32) -> Tier {
        match rank {
            0 => Tier::Clients,
            1..=3 => Tier::Edge,
            4 => Tier::LoadBalancing,
            5 => Tier::Web,
            6 => Tier::Application,
            7 | 8 => Tier::Data,
            9 => Tier::Monitoring,
            _ => Tier::Rules,
        }
    }
}

/// The lowest rank a component of this kind sits at.
fn kind_rank(c: &Component) -> u32 {
    if c.is_rule_set() {
        return 10; // a security group is a rule set beside the system, not a box on the path
    }
    match c.kind {
        Kind::Client | Kind::Dns => 0,
        Kind::Cdn => 1,
        Kind::Firewall => 2,
        Kind::VirtualIp => 3,
        Kind::LoadBalancer => 4,
        Kind::WebServer => 5,
        Kind::AppServer | Kind::AppFiles | Kind::Other | Kind::Worker | Kind::External => 6,
        Kind::Cache | Kind::Queue => 7,
        Kind::Database | Kind::ObjectStorage => 8,
        Kind::Monitoring => 9,
    }
}

/// Whether a component decides its host's tier (agents and host firewalls ride along).
fn is_core(c: &Component) -> bool {
    !(c.is_agent() || c.kind == Kind::Firewall && c.host.is_some())
}

impl<'m> Scene<'m> {
    /// Works out the structure of `model`'s diagram.
    #[must_use]
    pub fn new(model: &'m Model) -> Self {
        let n = model.components.len();
        let rank = component_ranks(model);
        let depth = depth_in_host(model);

        // Boxes: hosts in file order, then components on no host.
        let mut boxes = Vec::new();
        let mut box_of = vec![0; n];
        let mut host_box = vec![0; model.hosts.len()];
        for (h, slot) in host_box.iter_mut().enumerate() {
            let mut comps: Vec<usize> = model.components_on(h).collect();
            comps.sort_by_key(|&c| (!is_core(&model.components[c]), depth[c], c));
            for &c in &comps {
                box_of[c] = boxes.len();
            }
            *slot = boxes.len();
            boxes.push(DrawBox {
                kind: BoxKind::Host(h),
                components: comps,
                row: 0,
            });
        }
        for (c, comp) in model.components.iter().enumerate() {
            if comp.host.is_none() {
                box_of[c] = boxes.len();
                boxes.push(DrawBox {
                    kind: BoxKind::Component(c),
                    components: vec![c],
                    row: 0,
                });
            }
        }

        // A box's rank: the lowest rank of its entry components (those no other component
        // of the host calls), among the components that decide it.
        let box_rank: Vec<u32> = boxes
            .iter()
            .map(|b| {
                let core = |c: &&usize| is_core(&model.components[**c]);
                let entry = b
                    .components
                    .iter()
                    .filter(core)
                    .filter(|&&c| depth[c] == 0)
                    .map(|&c| rank[c])
                    .min();
                entry
                    .or_else(|| b.components.iter().filter(core).map(|&c| rank[c]).min())
                    .or_else(|| b.components.iter().map(|&c| rank[c]).min())
                    .unwrap_or(6)
            })
            .collect();
        let mut distinct: Vec<u32> = box_rank.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let row_of_rank: BTreeMap<u32, usize> =
            distinct.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        let mut rows = vec![Vec::new(); distinct.len()];
        // File order of a box: its host, or its component, whichever comes first in the file.
        let mut order: Vec<usize> = (0..boxes.len()).collect();
        let key = |b: &DrawBox| b.components.iter().copied().min().unwrap_or(usize::MAX);
        order.sort_by_key(|&b| (key(&boxes[b]), b));
        for b in order {
            let row = row_of_rank[&box_rank[b]];
            boxes[b].row = row;
            rows[row].push(b);
        }

        // A row is named by what it holds (the highest tier of the kinds of its boxes'
        // components that decide them), not by its depth: a cell's load balancers behind a
        // front virtual IP sit a row lower than usual and are still "load balancing".
        let row_tier: Vec<Tier> = rows
            .iter()
            .map(|row| {
                let kind = row
                    .iter()
                    .filter_map(|&b| {
                        let comps = &boxes[b].components;
                        let core = comps.iter().filter(|&&c| is_core(&model.components[c]));
                        let entry = core
                            .clone()
                            .filter(|&&c| depth[c] == 0)
                            .map(|&c| kind_rank(&model.components[c]))
                            .min();
                        entry
                            .or_else(|| core.map(|&c| kind_rank(&model.components[c])).min())
                            .or_else(|| {
                                comps.iter().map(|&c| kind_rank(&model.components[c])).min()
                            })
                    })
                    .min()
                    .unwrap_or(6);
                Tier::of_rank(kind)
            })
            .collect();

        let mut flow = Vec::new();
        let mut inner = Vec::new();
        for (i, l) in model.links.iter().enumerate() {
            if box_of[l.from] == box_of[l.to] {
                inner.push(i);
            } else {
                flow.push(i);
            }
        }

        let side = side_edges(model, &box_of, &host_box);
        let mut scene = Scene {
            model,
            boxes,
            box_of,
            host_box,
            rows,
            row_tier,
            flow,
            inner,
            side,
        };
        scene.order_rows();
        scene
    }

    /// One downward barycenter sweep: each box moves under the boxes that call it, ties kept
    /// in file order. Deterministic, linear in the number of edges.
    fn order_rows(&mut self) {
        let mut pos = vec![0.0f64; self.boxes.len()];
        for row in &self.rows {
            let len = row.len().max(1) as f64;
            for (i, &b) in row.iter().enumerate() {
                pos[b] = (i as f64 + 0.5) / len;
            }
        }
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); self.boxes.len()];
        for &l in &self.flow {
            let link = &self.model.links[l];
            let (a, b) = (self.box_of[link.from], self.box_of[link.to]);
            if self.boxes[a].row < self.boxes[b].row {
                preds[b].push(a);
            }
        }
        for r in 1..self.rows.len() {
            let mut keyed: Vec<(f64, usize, usize)> = self.rows[r]
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    let p = &preds[b];
                    let bary = if p.is_empty() {
                        pos[b]
                    } else {
                        p.iter().map(|&a| pos[a]).sum::<f64>() / p.len() as f64
                    };
                    (bary, i, b)
                })
                .collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            let len = keyed.len().max(1) as f64;
            self.rows[r] = keyed.iter().map(|k| k.2).collect();
            for (i, &b) in self.rows[r].iter().enumerate() {
                pos[b] = (i as f64 + 0.5) / len;
            }
        }
    }

    /// The components of box `b` that decide its place (all of them when none does).
    #[must_use]
    pub fn core_components(&self, b: usize) -> Vec<usize> {
        let comps = &self.boxes[b].components;
        let core: Vec<usize> = comps
            .iter()
            .copied()
            .filter(|&c| is_core(&self.model.components[c]))
            .collect();
        if core.is_empty() { comps.clone() } else { core }
    }

    /// The title of box `b`: "Load Balancer: HAProxy" for a host holding one component,
    /// the host's name for a host holding several, the component's name for a lone component.
    #[must_use]
    pub fn box_title(&self, b: usize) -> String {
        match self.boxes[b].kind {
            BoxKind::Host(h) => {
                let host = self.model.hosts[h].title();
                let core = self.core_components(b);
                if let [c] = core[..] {
                    let name = component_name(&self.model.components[c]);
                    if name == host {
                        clean(host)
                    } else {
                        clean(&format!("{host}: {name}"))
                    }
                } else {
                    clean(host)
                }
            }
            BoxKind::Component(c) => component_line(&self.model.components[c]),
        }
    }

    /// A short name of box `b` for references ("@ Server 2").
    #[must_use]
    pub fn box_name(&self, b: usize) -> String {
        match self.boxes[b].kind {
            BoxKind::Host(h) => clean(self.model.hosts[h].title()),
            BoxKind::Component(c) => clean(component_name(&self.model.components[c])),
        }
    }

    /// The stable id of box `b` (the host's or the component's id).
    #[must_use]
    pub fn box_id(&self, b: usize) -> &str {
        match self.boxes[b].kind {
            BoxKind::Host(h) => &self.model.hosts[h].id,
            BoxKind::Component(c) => &self.model.components[c].id,
        }
    }

    /// The row of the box holding component `c`.
    #[must_use]
    pub fn row_of_component(&self, c: usize) -> usize {
        self.boxes[self.box_of[c]].row
    }

    /// How a reader refers to component `c` from elsewhere: "MySQL @ Server 2".
    #[must_use]
    pub fn component_ref(&self, c: usize) -> String {
        let comp = &self.model.components[c];
        let b = self.box_of[c];
        match self.boxes[b].kind {
            BoxKind::Host(_) => format!("{} @ {}", clean(component_name(comp)), self.box_name(b)),
            BoxKind::Component(_) => clean(component_name(comp)),
        }
    }
}

/// The failure domains as a tree, for drawing them as nested frames (region ⊃ zone ⊃ rack):
/// the top-level domains, each domain's child domains, and the boxes of the hosts placed
/// directly in each, all in file order. Domains that hold no host, directly or below, are
/// left out.
#[derive(Debug, Clone, Default)]
pub struct DomainTree {
    /// Domains with no parent that hold a host.
    pub roots: Vec<usize>,
    /// Child domains of each domain (that hold a host).
    pub children: Vec<Vec<usize>>,
    /// Host boxes placed directly in each domain.
    pub boxes: Vec<Vec<usize>>,
}

impl DomainTree {
    /// The tree of `scene`'s model.
    #[must_use]
    pub fn of(scene: &Scene) -> Self {
        let m = scene.model;
        let n = m.domains.len();
        let mut boxes = vec![Vec::new(); n];
        for (h, host) in m.hosts.iter().enumerate() {
            if let Some(d) = host.domain.filter(|&d| d < n) {
                boxes[d].push(scene.host_box[h]);
            }
        }
        // A domain is drawn when it or a domain below it holds a host (parent chains are
        // followed at most `n` steps, so a cycle cannot hang this).
        let mut used = vec![false; n];
        for (d, held) in boxes.iter().enumerate() {
            if held.is_empty() {
                continue;
            }
            let mut x = Some(d);
            let mut steps = 0;
            while let Some(i) = x.filter(|&i| i < n && steps <= n) {
                used[i] = true;
                x = m.domains[i].parent;
                steps += 1;
            }
        }
        let mut children = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for d in (0..n).filter(|&d| used[d]) {
            match m.domains[d].parent.filter(|&p| p < n && p != d) {
                Some(p) => children[p].push(d),
                None => roots.push(d),
            }
        }
        DomainTree {
            roots,
            children,
            boxes,
        }
    }

    /// Whether the model places any host in a failure domain.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

/// How a domain is titled in a frame: "zone-a (zone)", or its label.
#[must_use]
pub fn domain_title(model: &Model, d: usize) -> String {
    let dom = &model.domains[d];
    clean(&format!(
        "{} ({})",
        dom.label.as_deref().unwrap_or(&dom.id),
        dom.kind.as_str()
    ))
}

/// Each component's rank: the longest flow path reaching it, never less than its kind's rank.
/// Links inside one host do not count (the host is drawn as one box), nor do links that close
/// a cycle (found by a depth-first search in file order).
fn component_ranks(model: &Model) -> Vec<u32> {
    let n = model.components.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &model.links {
        let (a, b) = (&model.components[l.from], &model.components[l.to]);
        if l.from != l.to && (a.host.is_none() || a.host != b.host) {
            out_edges[l.from].push(l.to);
        }
    }
    let base: Vec<u32> = model.components.iter().map(kind_rank).collect();
    longest_paths(&out_edges, base)
}

/// How deep each component sits in its host: the longest path of links inside the host
/// that reaches it. Orders a host's components the way requests pass through them.
fn depth_in_host(model: &Model) -> Vec<u32> {
    let n = model.components.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in &model.links {
        let (a, b) = (&model.components[l.from], &model.components[l.to]);
        if a.host.is_some() && a.host == b.host {
            out_edges[l.from].push(l.to);
        }
    }
    longest_paths(&out_edges, vec![0; n])
}

/// Longest paths over `out_edges`, starting from `base`, ignoring edges that close a cycle
/// (found by an iterative depth-first search in index order). Linear time.
fn longest_paths(out_edges: &[Vec<usize>], base: Vec<u32>) -> Vec<u32> {
    let n = out_edges.len();
    // Iterative DFS: postorder, skipping back edges.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut post = Vec::with_capacity(n);
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if let Some(&w) = out_edges[v].get(*i) {
                *i += 1;
                match state[w] {
                    0 => {
                        forward[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => forward[v].push(w),
                    _ => {} // a back edge: it closes a cycle
                }
            } else {
                state[v] = 2;
                post.push(v);
                stack.pop();
            }
        }
    }
    let mut rank = base;
    for &v in post.iter().rev() {
        for &w in &forward[v] {
            rank[w] = rank[w].max(rank[v].saturating_add(1));
        }
    }
    rank
}

fn side_edges(model: &Model, box_of: &[usize], host_box: &[usize]) -> Vec<SideEdge> {
    let mut side = Vec::new();
    for (c, comp) in model.components.iter().enumerate() {
        if let Some(p) = comp.replica_of {
            side.push(SideEdge {
                kind: SideKind::Replication,
                from: p,
                to_box: box_of[c],
                to: Some(c),
                label: comp
                    .replication
                    .map_or("replication", |r| match r {
                        crate::model::Replication::Async => "async",
                        crate::model::Replication::SemiSync => "semi-sync",
                        crate::model::Replication::Sync => "sync",
                    })
                    .to_owned(),
            });
        }
        if let Some(s) = comp.reports_to {
            side.push(SideEdge {
                kind: SideKind::ReportsTo,
                from: c,
                to_box: box_of[s],
                to: Some(s),
                label: "metrics".to_owned(),
            });
        }
        for t in &comp.monitors {
            let (to_box, to) = match *t {
                crate::model::MonitorTarget::Host(h) => (host_box[h], None),
                crate::model::MonitorTarget::Component(x) => (box_of[x], Some(x)),
            };
            side.push(SideEdge {
                kind: SideKind::Monitors,
                from: c,
                to_box,
                to,
                label: "checks".to_owned(),
            });
        }
        for r in &comp.records {
            side.push(SideEdge {
                kind: SideKind::Resolves,
                from: c,
                to_box: box_of[r.target],
                to: Some(r.target),
                label: clean(&format!("{} {}", r.record_type.as_str(), r.name)),
            });
        }
    }
    side
}

/// A component's name: its label, its software, or its id.
#[must_use]
pub fn component_name(c: &Component) -> &str {
    c.label
        .as_deref()
        .or(c.software.as_deref())
        .unwrap_or(&c.id)
}

/// A component as a line of a diagram: "Nginx (Web Server)", "MySQL (Database, primary)".
#[must_use]
pub fn component_line(c: &Component) -> String {
    if c.is_agent() {
        let name = c
            .label
            .as_deref()
            .or(c.software.as_deref())
            .unwrap_or("Monitoring agent");
        return clean(name);
    }
    let name = component_name(c);
    let lower = name.to_lowercase();
    let mut quals: Vec<String> = Vec::new();
    if let (Some(_), Some(sw)) = (&c.label, &c.software)
        && !lower.contains(&sw.to_lowercase())
    {
        quals.push(sw.clone());
    }
    if !matches!(c.kind, Kind::Client | Kind::Other)
        && !lower.contains(&c.kind.title().to_lowercase())
    {
        quals.push(c.kind.title().to_owned());
    }
    match c.role {
        Some(Role::Primary) => quals.push("primary".to_owned()),
        Some(Role::Replica) => quals.push("replica".to_owned()),
        _ => {}
    }
    if c.kind == Kind::Firewall
        && let Some(ports) = &c.allow
    {
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        quals.push(if ports.is_empty() {
            "allows nothing".to_owned()
        } else {
            format!("allows {}", ports.join(", "))
        });
    }
    // A managed service over several zones sits in no zone's frame: the line says it spans
    // them (its shared fate is the region's, not one zone's).
    if c.managed && c.zones.len() > 1 {
        quals.push(format!("{} zones", c.zones.len()));
    }
    let folded = match c.replicas {
        Some(n) if n > 1 => format!(" x {n}"),
        _ => String::new(),
    };
    if quals.is_empty() {
        clean(&format!("{name}{folded}"))
    } else {
        clean(&format!("{name} ({}){folded}", quals.join(", ")))
    }
}

/// What a link carries, as short text: its label, else `protocol:port`, with TLS noted.
#[must_use]
pub fn link_text(model: &Model, l: &Link) -> String {
    let from = &model.components[l.from];
    let mut text = match l.origin {
        LinkOrigin::Pool => {
            let mut s = String::new();
            if let Some(a) = from.algorithm {
                s.push_str(a.title());
            }
            if from.mode == crate::model::Mode::ActivePassive {
                if !s.is_empty() {
                    s.push_str(", ");
                }
                s.push_str("active-passive");
            }
            let ep = endpoint_text(l);
            match (s.is_empty(), ep.is_empty()) {
                (true, _) => ep,
                (false, true) => format!("({s})"),
                (false, false) => format!("({s}) {ep}"),
            }
        }
        LinkOrigin::Member => {
            let failover = match from.failover {
                crate::model::Failover::Automatic => "automatic failover",
                crate::model::Failover::Manual => "manual failover",
                crate::model::Failover::None => "no failover",
            };
            format!("(virtual IP, {failover})")
        }
        LinkOrigin::Declared => match &l.label {
            Some(label) => label.clone(),
            None => endpoint_text(l),
        },
    };
    if l.optional {
        text.push_str(if text.is_empty() {
            "optional"
        } else {
            " (optional)"
        });
    }
    let lower = text.to_lowercase();
    // SSH and its kin encrypt on their own: "ssh:22 TLS" would say what is not so.
    let says_encrypted = ["tls", "https", "ssh", "sftp", "scp", "wss", "ldaps", "ftps"]
        .iter()
        .any(|w| lower.contains(w));
    if l.tls() && !says_encrypted {
        text.push_str(if text.is_empty() { "TLS" } else { " TLS" });
    }
    clean(&text)
}

fn endpoint_text(l: &Link) -> String {
    match (&l.endpoint.protocol, l.endpoint.port) {
        (Some(p), Some(port)) => format!("{p}:{port}"),
        (Some(p), None) => p.clone(),
        (None, Some(port)) => format!(":{port}"),
        (None, None) => String::new(),
    }
}

/// Text fit for one line of a diagram: control characters become spaces, runs of spaces
/// shrink to one, and very long text is cut (the model stays the place to read it in full).
#[must_use]
pub fn clean(s: &str) -> String {
    const MAX: usize = 120;
    let mut out = String::with_capacity(s.len().min(MAX * 4));
    let mut count = 0;
    let mut last_space = false;
    for ch in s.trim().chars() {
        let ch = if ch.is_control() { ' ' } else { ch };
        if ch == ' ' && last_space {
            continue;
        }
        last_space = ch == ' ';
        if count == MAX {
            out.push_str("...");
            break;
        }
        out.push(ch);
        count += 1;
    }
    out
}
