//! What each journey needs: the model compiled into all-of / any-of requirements.
//!
//! A journey is a gate over *gates*: every graph node (domain, host, component) is a gate, and a
//! few synthetic gates stand for the journey itself and for "a connection that needs DNS".
//! A gate is up when its own failure event has not happened (if it has one), the gate it is
//! placed on is up, and every requirement group has at least one alternative up. This is
//! where the semantics live: a balancer needs *any one* member of its pool, an app server needs
//! *all* of its links, reads may use any database of a replication cluster while writes need
//! the primary (or a replica that is promoted automatically), and monitoring is never on the
//! request path.

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::NodeIndex;

use crate::graph::{ArchGraph, Node};
use crate::model::{DataAccess, Failover, Kind, LinkOrigin, Mode, Model, Role};

/// A gate id: graph node indices first, then synthetic gates.
pub type GateId = u32;

/// Why a requirement group exists: what the model says that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The journey needs its entry point.
    Entry,
    /// A client connects to one of several entry points.
    Connect,
    /// A client looks names up in DNS first.
    Lookup,
    /// A declared link (index into `Model::links`) is a hard dependency.
    Link(usize),
    /// A balancer needs a member of its pool (the balancer's component index).
    Pool(usize),
    /// A virtual IP needs one of its members (the VIP's component index).
    Members(usize),
    /// A connection needs the DNS servers holding its records.
    Resolve,
    /// A replica group needs `min_healthy` of its instances (the group's component index).
    Replicas(usize),
    /// A managed service runs while one of its zones is up (its component index).
    Zones(usize),
    /// A standby taken over by a failover performer (`failover_by`): the standby and the
    /// performer.
    Promotion,
    /// Data access to one replication cluster (the cluster's primary) for reads or writes.
    Data {
        /// The primary at the root of the cluster.
        cluster: usize,
        /// Whether the journey writes.
        write: bool,
    },
}

/// One requirement: at least `need` of `alts` must be up (one, unless a quorum or a
/// replica group's `min_healthy` says more).
#[derive(Debug, Clone)]
pub struct Group {
    /// The alternatives (empty: the requirement can never be met).
    pub alts: Vec<GateId>,
    /// How many of them must be up (at least 1).
    pub need: usize,
    /// What made it.
    pub reason: Reason,
}

impl Group {
    /// A group that needs any one of `alts`.
    #[must_use]
    pub fn any(alts: Vec<GateId>, reason: Reason) -> Self {
        Self {
            alts,
            need: 1,
            reason,
        }
    }

    /// How many of the alternatives must fail for the group to fail (0: it never holds).
    #[must_use]
    pub fn tolerance(&self) -> usize {
        (self.alts.len() + 1).saturating_sub(self.need.max(1))
    }
}

/// What a gate stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateKind {
    /// A node of the architecture graph.
    Graph(NodeIndex),
    /// The journey itself.
    Journey,
    /// A client's connection over a link, which needs the link's target and DNS.
    Connection(usize),
    /// One instance of a replica group (`replicas: N`): the component, and which instance.
    Instance(usize, u32),
    /// A standby that a failover performer promotes (the standby's component index).
    Promotion(usize),
}

/// A gate: up iff its own event has not happened, its placement is up, and every group holds.
#[derive(Debug, Clone)]
pub struct Gate {
    /// What it stands for.
    pub kind: GateKind,
    /// Whether it can fail by itself (is a failure unit).
    pub unit: bool,
    /// The gate it is placed on (component → host → domain → parent domain).
    pub placed: Option<GateId>,
    /// Its requirements.
    pub groups: Vec<Group>,
}

/// The requirements of one journey.
#[derive(Debug, Clone)]
pub struct JourneyGraph {
    /// The journey (index into `Model::journeys`).
    pub journey: usize,
    /// Every gate the journey needs: the graph's nodes first, in node order, then the gates
    /// made for the journey.
    pub gates: Vec<Gate>,
    /// The journey's own gate.
    pub root: GateId,
}

/// Whether a component can fail by itself, as far as the system is concerned.
///
/// The client and DNS served by an outside provider are not part of the system; a virtual IP is
/// an address, not a process. Everything else, and every host and domain, is a failure unit.
#[must_use]
pub fn is_unit(model: &Model, c: usize) -> bool {
    let comp = &model.components[c];
    if comp.replicas.is_some() || comp.is_rule_set() || comp.is_cluster() {
        return false; // its instances fail, not the group; a rule set is not a box
    }
    match comp.kind {
        Kind::Client | Kind::VirtualIp => false,
        Kind::Dns => comp.host.is_some() || comp.managed,
        // The code base on a host fails with that host's disk, not on its own.
        Kind::AppFiles => comp.host.is_none(),
        _ => true,
    }
}

/// The components a journey enters at, grouped: the journey needs one of each group.
#[must_use]
pub fn entry_groups(g: &ArchGraph<'_>, journey: usize) -> Vec<Vec<usize>> {
    let model = g.model;
    if let Some(e) = model.journeys[journey].entry {
        return vec![vec![e]];
    }
    let clients: Vec<usize> = g.clients().collect();
    if !clients.is_empty() {
        return clients.into_iter().map(|c| vec![c]).collect();
    }
    // No client: whatever DNS names point at, one group per name.
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for c in &model.components {
        for r in &c.records {
            let v = by_name.entry(r.name.as_str()).or_default();
            if !v.contains(&r.target) {
                v.push(r.target);
            }
        }
    }
    if !by_name.is_empty() {
        return by_name.into_values().collect();
    }
    // Nothing says where requests come from: components nothing calls that can answer requests.
    let roots: Vec<Vec<usize>> = model
        .components
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            matches!(
                c.kind,
                Kind::LoadBalancer
                    | Kind::VirtualIp
                    | Kind::WebServer
                    | Kind::AppServer
                    | Kind::Firewall
                    | Kind::Other
            ) && !(c.kind == Kind::Firewall && g.links_from(*i).is_empty())
                && g.links_to(*i).is_empty()
        })
        .map(|(i, _)| vec![i])
        .collect();
    if roots.is_empty() {
        // No way in at all (a model of a database alone, or of monitoring alone): the journey
        // cannot be judged, and reads as failing rather than as trivially available.
        return vec![Vec::new()];
    }
    roots
}

/// Compiles journey `journey` of the graph into gates.
///
/// Only what the journey needs gets a gate: the graph nodes it reaches (in node order), then
/// the gates made for it (instances, connections, promotions, the journey itself) in the order
/// they were made. A journey's size is what it touches, not the size of the model.
#[must_use]
pub fn compile(g: &ArchGraph<'_>, journey: usize) -> JourneyGraph {
    let mut b = Builder {
        g,
        gates: Vec::new(),
        of_node: HashMap::new(),
    };
    let root = push(&mut b.gates, GateKind::Journey);
    let entry: Vec<Group> = entry_groups(g, journey)
        .into_iter()
        .map(|alts| {
            Group::any(
                alts.into_iter().map(|c| b.node(g.component(c))).collect(),
                Reason::Entry,
            )
        })
        .collect();
    b.gates[root as usize].groups = entry;

    // Breadth-first from the journey, filling in each component's requirements once.
    let mut reached = vec![false; b.gates.len()];
    let mut queue = vec![root];
    reached[root as usize] = true;
    let mut head = 0;
    while head < queue.len() {
        let gate = queue[head];
        head += 1;
        if let GateKind::Graph(node) = b.gates[gate as usize].kind
            && let Node::Component(c) = g.graph[node]
        {
            let groups = component_groups(&mut b, journey, c);
            b.gates[gate as usize].groups = groups;
        }
        // Gates may have been made for the requirements.
        reached.resize(b.gates.len(), false);
        let gt = &b.gates[gate as usize];
        let needs = gt
            .placed
            .iter()
            .chain(gt.groups.iter().flat_map(|grp| &grp.alts));
        for &d in needs {
            if !reached[d as usize] {
                reached[d as usize] = true;
                queue.push(d);
            }
        }
    }

    // Final numbering: graph nodes in node order, then the gates made, in the order made.
    let mut order: Vec<usize> = (0..b.gates.len()).filter(|&i| reached[i]).collect();
    order.sort_by_key(|&i| b.key(i));
    let mut new_id = vec![GateId::MAX; b.gates.len()];
    for (k, &i) in order.iter().enumerate() {
        new_id[i] = GateId::try_from(k).unwrap_or(GateId::MAX);
    }
    let renumber = |id: GateId| new_id.get(id as usize).copied().unwrap_or(GateId::MAX);
    let mut old = std::mem::take(&mut b.gates);
    let gates: Vec<Gate> = order
        .iter()
        .map(|&i| {
            let mut gate = std::mem::replace(
                &mut old[i],
                Gate {
                    kind: GateKind::Journey,
                    unit: false,
                    placed: None,
                    groups: Vec::new(),
                },
            );
            gate.placed = gate.placed.map(renumber);
            for group in &mut gate.groups {
                for a in &mut group.alts {
                    *a = renumber(*a);
                }
            }
            gate
        })
        .collect();
    JourneyGraph {
        journey,
        gates,
        root: renumber(root),
    }
}

impl JourneyGraph {
    /// The gate of graph node `n`, when the journey needs it.
    #[must_use]
    pub fn gate_of(&self, n: NodeIndex) -> Option<GateId> {
        let graph_gates = self
            .gates
            .partition_point(|gate| matches!(gate.kind, GateKind::Graph(_)));
        let i = self.gates[..graph_gates].partition_point(|gate| match gate.kind {
            GateKind::Graph(m) => m < n,
            _ => false,
        });
        match self.gates.get(i).map(|gate| gate.kind) {
            Some(GateKind::Graph(m)) if m == n => GateId::try_from(i).ok(),
            _ => None,
        }
    }
}

/// Makes a journey's gates: one per graph node it needs (made on first use, with its
/// placement), and the extra gates of `push`.
struct Builder<'a, 'g> {
    g: &'a ArchGraph<'g>,
    gates: Vec<Gate>,
    of_node: HashMap<NodeIndex, GateId>,
}

impl Builder<'_, '_> {
    /// The gate of graph node `n`, made (with the gates of its placement chain) on first use.
    fn node(&mut self, n: NodeIndex) -> GateId {
        if let Some(&id) = self.of_node.get(&n) {
            return id;
        }
        let model = self.g.model;
        // Made innermost first along the placement chain, up to a gate already made; the
        // placements are filled in after, when every gate of the chain exists.
        let mut made: Vec<(GateId, Option<NodeIndex>)> = Vec::new();
        let mut next = Some(n);
        while let Some(x) = next {
            if self.of_node.contains_key(&x) {
                break;
            }
            let (unit, placed) = match self.g.graph[x] {
                Node::Domain(d) => (true, model.domains[d].parent.map(|p| self.g.domain(p))),
                Node::Host(h) => (true, model.hosts[h].domain.map(|d| self.g.domain(d))),
                Node::Component(c) => (
                    is_unit(model, c),
                    if model.components[c].replicas.is_some() {
                        None // the instances are placed, each on its own
                    } else {
                        model.components[c].host.map(|h| self.g.host(h))
                    },
                ),
            };
            let id = push(&mut self.gates, GateKind::Graph(x));
            self.gates[id as usize].unit = unit;
            self.of_node.insert(x, id);
            made.push((id, placed));
            next = placed;
        }
        for (id, placed) in made {
            self.gates[id as usize].placed = placed.and_then(|p| self.of_node.get(&p).copied());
        }
        self.of_node.get(&n).copied().unwrap_or(GateId::MAX)
    }

    /// The order gates are finally numbered in: graph nodes by node index, then the others
    /// in the order they were made.
    fn key(&self, i: usize) -> (u8, usize) {
        match self.gates[i].kind {
            GateKind::Graph(n) => (0, n.index()),
            _ => (1, i),
        }
    }
}

/// Everything a journey's availability depends on, as numbers: each gate it needs with what
/// it stands for, whether it fails by itself, where it is placed and what it needs. Two
/// journeys with equal keys have equal availability, limits and pairs.
#[must_use]
pub fn requirements_key(jg: &JourneyGraph) -> Vec<u64> {
    let mut key = vec![u64::from(jg.root)];
    for (i, gate) in jg.gates.iter().enumerate() {
        let (tag, a, b) = match gate.kind {
            GateKind::Graph(n) => (0, n.index() as u64, 0),
            GateKind::Journey => (1, 0, 0),
            GateKind::Connection(l) => (2, l as u64, 0),
            GateKind::Instance(c, k) => (3, c as u64, u64::from(k)),
            GateKind::Promotion(c) => (4, c as u64, 0),
        };
        key.extend([i as u64, tag, a, b, u64::from(gate.unit)]);
        key.push(gate.placed.map_or(u64::MAX, u64::from));
        key.push(gate.groups.len() as u64);
        for group in &gate.groups {
            key.push(group.need as u64);
            key.push(group.alts.len() as u64);
            key.extend(group.alts.iter().map(|&g| u64::from(g)));
        }
    }
    key
}

fn push(gates: &mut Vec<Gate>, kind: GateKind) -> GateId {
    gates.push(Gate {
        kind,
        unit: false,
        placed: None,
        groups: Vec::new(),
    });
    GateId::try_from(gates.len() - 1).unwrap_or(GateId::MAX)
}

/// The requirement groups of component `c` in journey `journey`.
fn component_groups(b: &mut Builder<'_, '_>, journey: usize, c: usize) -> Vec<Group> {
    let g = b.g;
    let model = g.model;
    let comp = &model.components[c];
    let data = model.journeys[journey].data;
    let mut groups = Vec::new();
    // A replica group: `min_healthy` of its instances, each placed in turn.
    if let Some(n) = comp.replicas {
        let mut alts = Vec::with_capacity(n as usize);
        for i in 0..n {
            let inst = push(&mut b.gates, GateKind::Instance(c, i));
            let slot = i as usize;
            let placed = if !comp.placement_hosts.is_empty() {
                Some(b.node(g.host(comp.placement_hosts[slot % comp.placement_hosts.len()])))
            } else if !comp.spread.is_empty() {
                Some(b.node(g.domain(comp.spread[slot % comp.spread.len()])))
            } else {
                comp.host.map(|h| b.node(g.host(h)))
            };
            let gate = &mut b.gates[inst as usize];
            gate.unit = true;
            gate.placed = placed;
            alts.push(inst);
        }
        groups.push(Group {
            alts,
            need: comp.needed_instances() as usize,
            reason: Reason::Replicas(c),
        });
    }
    // A managed service spanning zones fails with all of them, never with one.
    if !comp.zones.is_empty() {
        groups.push(Group::any(
            comp.zones.iter().map(|&d| b.node(g.domain(d))).collect(),
            Reason::Zones(c),
        ));
    }
    let links: Vec<usize> = g
        .links_from(c)
        .into_iter()
        .filter(|&l| {
            let link = &model.links[l];
            link.serves(journey)
                && !link.optional
                && model.components[link.to].kind != Kind::Monitoring
        })
        .collect();

    // Pool and VIP members: one any-of group.
    let pool: Vec<usize> = links
        .iter()
        .filter(|&&l| model.links[l].origin == LinkOrigin::Pool)
        .map(|&l| model.links[l].to)
        .collect();
    if !pool.is_empty() {
        let standby_never_promoted =
            comp.mode == Mode::ActivePassive && comp.health_checks == Some(false);
        let (alts, need) = if standby_never_promoted {
            (vec![pool[0]], 1)
        } else {
            (pool, comp.needed_members() as usize)
        };
        groups.push(Group {
            alts: alts.into_iter().map(|m| b.node(g.component(m))).collect(),
            need,
            reason: Reason::Pool(c),
        });
    }
    let members: Vec<usize> = links
        .iter()
        .filter(|&&l| model.links[l].origin == LinkOrigin::Member)
        .map(|&l| model.links[l].to)
        .collect();
    if !members.is_empty() {
        let alts = if comp.failover == Failover::Automatic {
            let mut alts = vec![b.node(g.component(members[0]))];
            for &m in &members[1..] {
                alts.push(promoted(b, comp.failover_by, m));
            }
            alts
        } else {
            vec![b.node(g.component(members[0]))]
        };
        groups.push(Group::any(alts, Reason::Members(c)));
    }

    let declared: Vec<usize> = links
        .iter()
        .copied()
        .filter(|&l| model.links[l].origin == LinkOrigin::Declared)
        .collect();

    if comp.kind == Kind::Client {
        client_groups(b, &declared, &mut groups);
        return groups;
    }

    // Data access, grouped by replication cluster.
    let mut clusters: BTreeMap<usize, (Vec<GateId>, bool)> = BTreeMap::new();
    for &l in &declared {
        let to = model.links[l].to;
        let target = &model.components[to];
        if !target.kind.is_data_store() {
            groups.push(Group::any(vec![b.node(g.component(to))], Reason::Link(l)));
            continue;
        }
        if data == DataAccess::None {
            continue;
        }
        let cluster = g.replication_root(to);
        let entry = clusters.entry(cluster).or_default();
        entry.1 = true;
        let write = data == DataAccess::Write;
        if write && target.role == Some(Role::Replica) {
            continue; // a replica takes no writes
        }
        for a in endpoint_alternatives(b, to) {
            if !entry.0.contains(&a) {
                entry.0.push(a);
            }
        }
    }
    for (cluster, (mut alts, _)) in clusters {
        alts.sort_unstable_by_key(|&a| b.key(a as usize));
        groups.push(Group::any(
            alts,
            Reason::Data {
                cluster,
                write: data == DataAccess::Write,
            },
        ));
    }
    groups
}

/// The databases that can answer on a connection to database `db`: the database itself, and,
/// when it is a primary with automatic failover, the replicas that would be promoted (each
/// needing the failover performer too, when the model names one).
fn endpoint_alternatives(b: &mut Builder<'_, '_>, db: usize) -> Vec<GateId> {
    let g = b.g;
    let comp = &g.model.components[db];
    let mut out = vec![b.node(g.component(db))];
    if comp.failover == Failover::Automatic {
        for r in g.replicas_of(db) {
            out.push(promoted(b, comp.failover_by, r));
        }
    }
    out
}

/// Standby `standby` as an alternative: itself, or, when `by` performs the failover, a gate
/// that needs both the standby and the performer.
fn promoted(b: &mut Builder<'_, '_>, by: Option<usize>, standby: usize) -> GateId {
    let g = b.g;
    let Some(by) = by else {
        return b.node(g.component(standby));
    };
    let gate = push(&mut b.gates, GateKind::Promotion(standby));
    let groups = vec![
        Group::any(vec![b.node(g.component(standby))], Reason::Promotion),
        Group::any(vec![b.node(g.component(by))], Reason::Promotion),
    ];
    b.gates[gate as usize].groups = groups;
    gate
}

/// A client looks up DNS (when records point where it connects) and connects to any one of
/// its entry points.
fn client_groups(b: &mut Builder<'_, '_>, declared: &[usize], groups: &mut Vec<Group>) {
    let g = b.g;
    let model = g.model;
    let mut connect: Vec<GateId> = Vec::new();
    let mut lookups: Vec<usize> = Vec::new();
    for &l in declared {
        let to = model.links[l].to;
        if model.components[to].kind == Kind::Dns {
            lookups.push(to);
            continue;
        }
        let resolvers = g.resolvers_of(to);
        if resolvers.is_empty() {
            connect.push(b.node(g.component(to)));
        } else {
            let conn = push(&mut b.gates, GateKind::Connection(l));
            let groups = vec![
                Group::any(vec![b.node(g.component(to))], Reason::Link(l)),
                Group::any(
                    resolvers.iter().map(|&r| b.node(g.component(r))).collect(),
                    Reason::Resolve,
                ),
            ];
            b.gates[conn as usize].groups = groups;
            connect.push(conn);
        }
    }
    for dns in &lookups {
        groups.push(Group::any(vec![b.node(g.component(*dns))], Reason::Lookup));
    }
    if connect.is_empty() && !lookups.is_empty() {
        // The client only talks to DNS: it then connects to whatever the records point at.
        for &dns in &lookups {
            for r in &model.components[dns].records {
                let t = b.node(g.component(r.target));
                if !connect.contains(&t) {
                    connect.push(t);
                }
            }
        }
    }
    if connect.is_empty() && lookups.is_empty() {
        // A client with no links reaches whatever any DNS record points at.
        for c in &model.components {
            for r in &c.records {
                let t = b.node(g.component(r.target));
                if !connect.contains(&t) {
                    connect.push(t);
                }
            }
        }
    }
    // An empty group means the client reaches nothing: the journey cannot work.
    groups.push(Group::any(connect, Reason::Connect));
}
