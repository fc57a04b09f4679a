//! Which single failures break which journey, and why.
//!
//! For every gate of a journey we compute its *kill set*: the failure units (components, hosts,
//! failure domains) whose loss alone brings it down.
//!
//! ```text
//! kill(g) = own(g) ∪ kill(placed_on(g)) ∪ ⋃_groups ⋂_alternatives kill(alt)
//! ```
//!
//! A union over all-of requirements, an intersection over any-of alternatives: dominators
//! generalised to AND/OR graphs. It is solved bottom-up over the strongly connected components
//! of the requirement graph; inside a cycle it iterates from the empty set to the least fixed
//! point (steady-state semantics: the system starts healthy and failures propagate), which
//! always terminates because kill sets only grow. A group with no alternative at all can never
//! be met, which is the "everything" kill set (`Kill::All`).
//!
//! The single points of failure of a journey are the kill set of the journey's own gate.

use std::sync::OnceLock;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::journeys::{GateId, GateKind, JourneyGraph, Reason};
use crate::graph::{ArchGraph, Node};
use crate::model::{Failover, Kind, Role};

/// The set of units whose single failure brings a gate down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kill {
    /// The gate is down even with nothing failed.
    All,
    /// These units (sorted gate ids).
    Set(Vec<GateId>),
}

impl Kill {
    /// Whether unit `u` brings the gate down.
    #[must_use]
    pub fn contains(&self, u: GateId) -> bool {
        match self {
            Kill::All => true,
            Kill::Set(s) => s.binary_search(&u).is_ok(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Kill::All => usize::MAX,
            Kill::Set(s) => s.len(),
        }
    }
}

fn union(a: &mut Kill, b: &Kill) {
    let Kill::Set(av) = a else { return };
    let Kill::Set(bv) = b else {
        *a = Kill::All;
        return;
    };
    if bv.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(av.len() + bv.len());
    let (mut i, mut j) = (0, 0);
    while i < av.len() && j < bv.len() {
        match av[i].cmp(&bv[j]) {
            std::cmp::Ordering::Less => {
                out.push(av[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(bv[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(av[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&av[i..]);
    out.extend_from_slice(&bv[j..]);
    *av = out;
}

fn intersect(a: &Kill, b: &Kill) -> Kill {
    match (a, b) {
        (Kill::All, x) | (x, Kill::All) => x.clone(),
        (Kill::Set(av), Kill::Set(bv)) => {
            let mut out = Vec::with_capacity(av.len().min(bv.len()));
            let (mut i, mut j) = (0, 0);
            while i < av.len() && j < bv.len() {
                match av[i].cmp(&bv[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        out.push(av[i]);
                        i += 1;
                        j += 1;
                    }
                }
            }
            Kill::Set(out)
        }
    }
}

/// The failure analysis of one journey.
#[derive(Debug, Clone)]
pub struct JourneyFailures {
    /// The compiled requirements.
    pub graph: JourneyGraph,
    /// The kill set of every gate the journey reaches (`None` for the others).
    pub kill: Vec<Option<Kill>>,
    /// The single points of failure: graph nodes whose loss alone breaks the journey.
    pub spofs: Vec<NodeIndex>,
    /// Whether the journey fails with nothing broken.
    pub broken: bool,
    /// Units whose loss alone breaks the journey but that are the provider's to keep up:
    /// managed multi-zone services and third-party services (counted at their SLA, not
    /// single points of failure of the design), and regions (the shared fate of everything).
    pub provider_run: Vec<NodeIndex>,
    /// Groups of components that depend on each other in a cycle (component indices, sorted).
    pub cycles: Vec<Vec<usize>>,
    /// For each gate, what all the alternatives of each of its groups fall with: computed
    /// the first time an explanation passes the gate, so explaining every single point of
    /// failure does not intersect the same kill sets again for each unit.
    /// (Allocated at the first explanation: most journeys are never explained.)
    common: OnceLock<Vec<OnceLock<Vec<Common>>>>,
}

/// What every alternative of one group falls with (`None` when one is not reached).
#[derive(Debug, Clone)]
struct Common {
    kill: Option<Kill>,
    /// The components among them, those that take down the most first: where the
    /// alternatives' failures converge is the first of these that falls with the unit.
    funnels: Vec<GateId>,
}

/// Computes the kill sets of a compiled journey.
#[must_use]
pub fn analyse(g: &ArchGraph<'_>, jg: JourneyGraph) -> JourneyFailures {
    let n = jg.gates.len();
    // The requirement graph over the journey's gates: gate → what it needs. Every gate is a
    // node, added in order, so gate `i` is node `i`.
    let mut dg: DiGraph<GateId, ()> = DiGraph::with_capacity(n, n);
    for i in 0..n {
        dg.add_node(GateId::try_from(i).unwrap_or(0));
    }
    let mut self_loop = vec![false; n];
    for (i, gate) in jg.gates.iter().enumerate() {
        let from = NodeIndex::new(i);
        for d in gate
            .placed
            .iter()
            .chain(gate.groups.iter().flat_map(|g| g.alts.iter()))
        {
            if *d as usize == i {
                self_loop[i] = true;
            }
            dg.add_edge(from, NodeIndex::new(*d as usize), ());
        }
    }
    let sccs = tarjan_scc(&dg);

    let mut kill: Vec<Option<Kill>> = vec![None; n];
    let mut cycles = Vec::new();
    for scc in &sccs {
        let members: Vec<usize> = scc.iter().map(|x| dg[*x] as usize).collect();
        let cyclic = members.len() > 1 || self_loop[members[0]];
        if !cyclic {
            let k = evaluate(&jg, &kill, members[0]);
            kill[members[0]] = Some(k);
            continue;
        }
        let mut comps: Vec<usize> = members
            .iter()
            .filter_map(|&m| match jg.gates[m].kind {
                GateKind::Graph(node) => match g.graph[node] {
                    Node::Component(c) => Some(c),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        comps.sort_unstable();
        if !comps.is_empty() {
            cycles.push(comps);
        }
        for &m in &members {
            kill[m] = Some(Kill::Set(Vec::new()));
        }
        // Kill sets only grow, so this reaches the least fixed point; the bound is a backstop.
        let bound = members.len() * (n + 2) + 2;
        for _ in 0..bound {
            let mut changed = false;
            for &m in &members {
                let k = evaluate(&jg, &kill, m);
                if kill[m].as_ref() != Some(&k) {
                    kill[m] = Some(k);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
    cycles.sort();

    let root = jg.root as usize;
    let (units, broken): (Vec<NodeIndex>, bool) = match kill[root].as_ref() {
        Some(Kill::Set(s)) => {
            let mut v = Vec::with_capacity(s.len());
            for &u in s {
                let node = match jg.gates[u as usize].kind {
                    GateKind::Graph(n) => n,
                    GateKind::Instance(c, _) => g.component(c),
                    _ => continue,
                };
                if !v.contains(&node) {
                    v.push(node);
                }
            }
            v.sort_unstable();
            (v, false)
        }
        Some(Kill::All) | None => (Vec::new(), true),
    };
    let (provider_run, spofs): (Vec<NodeIndex>, Vec<NodeIndex>) =
        units.into_iter().partition(|&n| is_provider_run(g, n));
    JourneyFailures {
        common: OnceLock::new(),
        graph: jg,
        kill,
        spofs,
        broken,
        provider_run,
        cycles,
    }
}

/// Whether a unit's loss is the provider's outage rather than a flaw of the design: a
/// managed service across several zones (or with none stated), a third-party service, or a
/// region.
#[must_use]
pub fn is_provider_run(g: &ArchGraph<'_>, n: NodeIndex) -> bool {
    match g.graph[n] {
        Node::Component(c) => {
            let comp = &g.model.components[c];
            comp.kind == Kind::External || (comp.managed && comp.zones.len() != 1)
        }
        Node::Domain(d) => g.model.domains[d].kind == crate::model::DomainKind::Region,
        Node::Host(_) => false,
    }
}

fn evaluate(jg: &JourneyGraph, kill: &[Option<Kill>], i: usize) -> Kill {
    let gate = &jg.gates[i];
    let mut acc = Kill::Set(if gate.unit {
        vec![GateId::try_from(i).unwrap_or(0)]
    } else {
        Vec::new()
    });
    let empty = Kill::Set(Vec::new());
    if let Some(p) = gate.placed {
        union(&mut acc, kill[p as usize].as_ref().unwrap_or(&empty));
    }
    for group in &gate.groups {
        if matches!(acc, Kill::All) {
            break;
        }
        let group_kill = if group.need <= 1 {
            let mut inter = Kill::All;
            for &a in &group.alts {
                inter = intersect(&inter, kill[a as usize].as_ref().unwrap_or(&empty));
                if matches!(&inter, Kill::Set(s) if s.is_empty()) {
                    break;
                }
            }
            inter
        } else {
            at_least(group, kill, &empty)
        };
        union(&mut acc, &group_kill);
    }
    acc
}

/// The kill set of a k-of-n group: the units that take down more alternatives than it can
/// spare (`n − k + 1` of them), alternatives down by themselves counting against every unit.
fn at_least(group: &super::journeys::Group, kill: &[Option<Kill>], empty: &Kill) -> Kill {
    let tolerance = group.tolerance();
    if tolerance == 0 {
        return Kill::All;
    }
    let mut always = 0usize;
    let mut counts: std::collections::BTreeMap<GateId, usize> = std::collections::BTreeMap::new();
    for &a in &group.alts {
        match kill[a as usize].as_ref().unwrap_or(empty) {
            Kill::All => always += 1,
            Kill::Set(s) => {
                for &u in s {
                    *counts.entry(u).or_default() += 1;
                }
            }
        }
    }
    if always >= tolerance {
        return Kill::All;
    }
    Kill::Set(
        counts
            .into_iter()
            .filter(|&(_, n)| n + always >= tolerance)
            .map(|(u, _)| u)
            .collect(),
    )
}

impl JourneyFailures {
    fn kill_of(&self, gate: GateId) -> Option<&Kill> {
        self.kill.get(gate as usize).and_then(Option::as_ref)
    }

    /// Explains, step by step from the journey down, why the loss of `unit` breaks it.
    #[must_use]
    pub fn explain(&self, g: &ArchGraph<'_>, unit: NodeIndex) -> Vec<String> {
        let mut u = self.graph.gate_of(unit).unwrap_or(GateId::MAX);
        // A replica group is not a unit itself: explain through the instance that is.
        if let Node::Component(c) = g.graph[unit]
            && g.model.components[c].replicas.is_some()
            && let Some(Kill::Set(root)) = self.kill_of(self.graph.root)
            && let Some(&inst) = root.iter().find(|&&x| {
                matches!(self.graph.gates[x as usize].kind, GateKind::Instance(ic, _) if ic == c)
            })
        {
            u = inst;
        }
        let mut steps = Vec::new();
        let mut cur = self.graph.root;
        for _ in 0..64 {
            if cur == u {
                break;
            }
            let gate = &self.graph.gates[cur as usize];
            if let Some(p) = gate.placed
                && self.kill_of(p).is_some_and(|k| k.contains(u))
            {
                steps.push(format!(
                    "`{}` {} `{}`",
                    self.name(g, cur),
                    placed_verb(g, &self.graph, cur),
                    self.name(g, p)
                ));
                cur = p;
                continue;
            }
            let mut next = None;
            for (group_index, group) in gate.groups.iter().enumerate() {
                let falls = if group.need <= 1 && group.alts.len() > 1 {
                    // Every alternative falls with `u`: `u` is in what they all fall with.
                    self.common(g, cur, group_index)
                        .and_then(|c| c.kill.as_ref())
                        .is_some_and(|k| k.contains(u))
                } else {
                    let hit = group
                        .alts
                        .iter()
                        .filter(|&&a| self.kill_of(a).is_some_and(|k| k.contains(u)))
                        .count();
                    !group.alts.is_empty() && hit >= group.tolerance()
                };
                if !falls {
                    continue;
                }
                if group.need > 1 {
                    let names = self.names(g, &group.alts);
                    steps.push(format!(
                        "`{}` needs {} of {names}; losing `{}` leaves fewer",
                        self.name(g, cur),
                        group.need,
                        self.name(g, u)
                    ));
                    break;
                }
                if group.alts.len() == 1 {
                    if let Some(step) = self.needs_step(g, cur, group.alts[0], &group.reason) {
                        steps.push(step);
                    }
                    next = Some(group.alts[0]);
                } else {
                    let funnel = self.funnel(g, cur, group_index, u);
                    let names = self.names(g, &group.alts);
                    let head = self.any_of_head(g, cur, &names, &group.reason);
                    match funnel {
                        Some(f) => {
                            steps.push(format!("{head}; each of them needs `{}`", self.name(g, f)));
                            next = Some(f);
                        }
                        None if matches!(g.graph[unit], Node::Component(_)) => {
                            steps.push(format!("{head}; each of them needs `{}`", self.name(g, u)));
                            next = None;
                        }
                        None => {
                            steps.push(format!(
                                "{head}; losing `{}` takes down every one of them",
                                self.name(g, u)
                            ));
                            next = None;
                        }
                    }
                }
                break;
            }
            match next {
                Some(n) => cur = n,
                None => break,
            }
        }
        if let Some(fact) = closing_fact(g, unit) {
            steps.push(fact);
        }
        steps
    }

    /// What all the alternatives of a gate's group fall with (see [`Common`]).
    fn common(&self, g: &ArchGraph<'_>, gate: GateId, group_index: usize) -> Option<&Common> {
        let gates = self
            .common
            .get_or_init(|| vec![OnceLock::new(); self.graph.gates.len()]);
        let per_group = gates.get(gate as usize)?.get_or_init(|| {
            let is_component = |c: GateId| {
                matches!(self.graph.gates[c as usize].kind,
                    GateKind::Graph(n) if matches!(g.graph[n], Node::Component(_)))
            };
            self.graph.gates[gate as usize]
                .groups
                .iter()
                .map(|group| {
                    let kill = group.alts.iter().try_fold(Kill::All, |inter, &a| {
                        self.kill_of(a).map(|k| intersect(&inter, k))
                    });
                    let mut funnels: Vec<GateId> = match &kill {
                        Some(Kill::Set(s)) => {
                            s.iter().copied().filter(|&c| is_component(c)).collect()
                        }
                        _ => Vec::new(),
                    };
                    funnels.sort_by_key(|&c| {
                        (std::cmp::Reverse(self.kill_of(c).map_or(0, Kill::len)), c)
                    });
                    Common { kill, funnels }
                })
                .collect()
        });
        per_group.get(group_index)
    }

    /// A component that every alternative needs and that itself falls with `u`, nearest to the
    /// alternatives: where their failures converge.
    fn funnel(
        &self,
        g: &ArchGraph<'_>,
        gate: GateId,
        group_index: usize,
        u: GateId,
    ) -> Option<GateId> {
        self.common(g, gate, group_index)?
            .funnels
            .iter()
            .copied()
            .find(|&c| c != u && self.kill_of(c).is_some_and(|k| k.contains(u)))
    }

    fn name(&self, g: &ArchGraph<'_>, gate: GateId) -> String {
        match self.graph.gates[gate as usize].kind {
            GateKind::Graph(n) => g.id(n).to_owned(),
            GateKind::Journey => g.model.journeys[self.graph.journey].id.clone(),
            GateKind::Connection(l) => g.model.components[g.model.links[l].to].id.clone(),
            GateKind::Instance(c, i) => format!("{}#{}", g.model.components[c].id, i + 1),
            GateKind::Promotion(c) => g.model.components[c].id.clone(),
        }
    }

    fn names(&self, g: &ArchGraph<'_>, gates: &[GateId]) -> String {
        let mut v: Vec<String> = gates
            .iter()
            .take(4)
            .map(|&a| format!("`{}`", self.name(g, a)))
            .collect();
        if gates.len() > 4 {
            v.push(format!("{} more", gates.len() - 4));
        }
        v.join(", ")
    }

    fn needs_step(
        &self,
        g: &ArchGraph<'_>,
        from: GateId,
        to: GateId,
        reason: &Reason,
    ) -> Option<String> {
        let model = g.model;
        let me = self.name(g, from);
        let them = self.name(g, to);
        Some(match reason {
            Reason::Entry => format!("journey `{me}` starts at `{them}`"),
            Reason::Connect => format!("`{me}` connects to `{them}`"),
            Reason::Lookup => format!("`{me}` looks names up in `{them}`"),
            Reason::Resolve => format!("the name it connects to is resolved only by `{them}`"),
            Reason::Link(_) => match self.graph.gates[from as usize].kind {
                GateKind::Connection(_) => return None,
                _ => format!("`{me}` needs `{them}`"),
            },
            Reason::Pool(c) => {
                let comp = &model.components[*c];
                if comp.pool.len() > 1 {
                    format!(
                        "`{me}` sends everything to `{them}`: its standby never takes over (active-passive without health checks)"
                    )
                } else {
                    format!("`{me}` sends every request to `{them}`, the only member of its pool")
                }
            }
            Reason::Members(c) => {
                let comp = &model.components[*c];
                if comp.members.len() > 1 {
                    format!(
                        "`{me}` stays on `{them}`: failover is `{}`, so no other member takes the address",
                        failover_word(comp.failover)
                    )
                } else {
                    format!("`{me}` can only be held by `{them}`")
                }
            }
            Reason::Data { write, .. } => {
                let what = if *write { "writes" } else { "reads" };
                format!("`{me}` needs `{them}` for {what}")
            }
            Reason::Replicas(_) => format!("`{me}` runs a single instance, `{them}`"),
            Reason::Zones(_) => format!("`{me}` runs only in `{them}`"),
            Reason::Promotion => format!("taking over needs `{them}`"),
        })
    }

    fn any_of_head(&self, g: &ArchGraph<'_>, from: GateId, names: &str, reason: &Reason) -> String {
        let me = self.name(g, from);
        match reason {
            Reason::Entry => format!("journey `{me}` needs one of {names}"),
            Reason::Connect => format!("`{me}` connects to any one of {names}"),
            Reason::Pool(_) => format!("`{me}` needs any one of its pool {names}"),
            Reason::Members(_) => format!("`{me}` can move to any one of {names}"),
            Reason::Resolve => format!("the name is resolved by any one of {names}"),
            Reason::Data { write: true, .. } => format!("`{me}` writes to any one of {names}"),
            Reason::Data { write: false, .. } => format!("`{me}` reads from any one of {names}"),
            Reason::Replicas(_) => format!("`{me}` runs on any one of its instances {names}"),
            Reason::Zones(_) => format!("`{me}` runs in any one of {names}"),
            Reason::Lookup | Reason::Link(_) | Reason::Promotion => {
                format!("`{me}` needs any one of {names}")
            }
        }
    }
}

fn placed_verb(g: &ArchGraph<'_>, jg: &JourneyGraph, gate: GateId) -> &'static str {
    match jg.gates.get(gate as usize).map(|gate| gate.kind) {
        Some(GateKind::Graph(n)) if matches!(g.graph[n], Node::Component(_)) => "runs on",
        _ => "is in",
    }
}

fn failover_word(f: Failover) -> &'static str {
    match f {
        Failover::None => "none",
        Failover::Manual => "manual",
        Failover::Automatic => "automatic",
    }
}

/// The last link of a why-chain: why nothing takes over from the unit.
fn closing_fact(g: &ArchGraph<'_>, unit: NodeIndex) -> Option<String> {
    let model = g.model;
    match g.graph[unit] {
        Node::Component(c) => {
            let comp = &model.components[c];
            if comp.kind == Kind::Database && comp.role != Some(Role::Replica) {
                let replicas = g.replicas_of(c);
                return Some(if replicas.is_empty() {
                    format!("`{}` has no replica that could take over", comp.id)
                } else if comp.failover == Failover::Manual {
                    format!(
                        "`{}` has manual failover only: writes stop until someone promotes a replica",
                        comp.id
                    )
                } else {
                    format!(
                        "`{}` is the primary and has no automatic failover (`failover: {}`)",
                        comp.id,
                        failover_word(comp.failover)
                    )
                });
            }
            Some(format!("nothing else can take over from `{}`", comp.id))
        }
        Node::Host(h) => {
            let on: Vec<String> = model
                .components_on(h)
                .take(6)
                .map(|c| format!("`{}`", model.components[c].id))
                .collect();
            if on.is_empty() {
                None
            } else {
                Some(format!("`{}` hosts {}", model.hosts[h].id, on.join(", ")))
            }
        }
        Node::Domain(d) => Some(format!(
            "everything in `{}` fails with it",
            model.domains[d].id
        )),
    }
}
