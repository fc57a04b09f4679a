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

use std::collections::BTreeMap;

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
    /// Every gate; the first `node_count` are the graph's nodes.
    pub gates: Vec<Gate>,
    /// The journey's own gate.
    pub root: GateId,
    /// Whether each gate is needed by the journey at all (reachable from the root).
    pub reached: Vec<bool>,
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
    model
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
        .collect()
}

/// Compiles journey `journey` of the graph into gates.
#[must_use]
pub fn compile(g: &ArchGraph<'_>, journey: usize) -> JourneyGraph {
    let model = g.model;
    let n = g.node_count();
    let mut gates: Vec<Gate> = Vec::with_capacity(n + 1);
    for idx in 0..n {
        let node = NodeIndex::new(idx);
        let (unit, placed) = match g.graph[node] {
            Node::Domain(d) => (true, model.domains[d].parent.map(|p| gid(g.domain(p)))),
            Node::Host(h) => (true, model.hosts[h].domain.map(|d| gid(g.domain(d)))),
            Node::Component(c) => (
                is_unit(model, c),
                if model.components[c].replicas.is_some() {
                    None // the instances are placed, each on its own
                } else {
                    model.components[c].host.map(|h| gid(g.host(h)))
                },
            ),
        };
        gates.push(Gate {
            kind: GateKind::Graph(node),
            unit,
            placed,
            groups: Vec::new(),
        });
    }
    let root = push(&mut gates, GateKind::Journey);
    gates[root as usize].groups = entry_groups(g, journey)
        .into_iter()
        .map(|alts| {
            Group::any(
                alts.into_iter().map(|c| gid(g.component(c))).collect(),
                Reason::Entry,
            )
        })
        .collect();

    // Breadth-first from the journey, filling in each component's requirements once.
    let mut reached = vec![false; gates.len()];
    let mut queue = vec![root];
    reached[root as usize] = true;
    let mut head = 0;
    while head < queue.len() {
        let gate = queue[head];
        head += 1;
        if let GateKind::Graph(node) = gates[gate as usize].kind
            && let Node::Component(c) = g.graph[node]
        {
            let groups = component_groups(g, journey, c, &mut gates);
            gates[gate as usize].groups = groups;
            // Connection gates may have been added.
            reached.resize(gates.len(), false);
        }
        let gt = &gates[gate as usize];
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
    JourneyGraph {
        journey,
        gates,
        root,
        reached,
    }
}

/// Everything a journey's availability depends on, as numbers: each gate it reaches with what
/// it stands for, whether it fails by itself, where it is placed and what it needs. Two
/// journeys with equal keys have equal availability, limits and pairs.
#[must_use]
pub fn requirements_key(jg: &JourneyGraph) -> Vec<u64> {
    let mut key = vec![u64::from(jg.root)];
    for (i, gate) in jg.gates.iter().enumerate() {
        if !jg.reached.get(i).copied().unwrap_or(false) {
            continue;
        }
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

fn gid(n: NodeIndex) -> GateId {
    GateId::try_from(n.index()).unwrap_or(GateId::MAX)
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
fn component_groups(
    g: &ArchGraph<'_>,
    journey: usize,
    c: usize,
    gates: &mut Vec<Gate>,
) -> Vec<Group> {
    let model = g.model;
    let comp = &model.components[c];
    let data = model.journeys[journey].data;
    let mut groups = Vec::new();
    // A replica group: `min_healthy` of its instances, each placed in turn.
    if let Some(n) = comp.replicas {
        let mut alts = Vec::with_capacity(n as usize);
        for i in 0..n {
            let inst = push(gates, GateKind::Instance(c, i));
            let slot = i as usize;
            let placed = if !comp.placement_hosts.is_empty() {
                Some(gid(g.host(
                    comp.placement_hosts[slot % comp.placement_hosts.len()],
                )))
            } else if !comp.spread.is_empty() {
                Some(gid(g.domain(comp.spread[slot % comp.spread.len()])))
            } else {
                comp.host.map(|h| gid(g.host(h)))
            };
            let gate = &mut gates[inst as usize];
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
            comp.zones.iter().map(|&d| gid(g.domain(d))).collect(),
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
            alts: alts.into_iter().map(|m| gid(g.component(m))).collect(),
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
            let mut alts = vec![gid(g.component(members[0]))];
            for &m in &members[1..] {
                alts.push(promoted(g, comp.failover_by, m, gates));
            }
            alts
        } else {
            vec![gid(g.component(members[0]))]
        };
        groups.push(Group::any(alts, Reason::Members(c)));
    }

    let declared: Vec<usize> = links
        .iter()
        .copied()
        .filter(|&l| model.links[l].origin == LinkOrigin::Declared)
        .collect();

    if comp.kind == Kind::Client {
        client_groups(g, &declared, gates, &mut groups);
        return groups;
    }

    // Data access, grouped by replication cluster.
    let mut clusters: BTreeMap<usize, (Vec<GateId>, bool)> = BTreeMap::new();
    for &l in &declared {
        let to = model.links[l].to;
        let target = &model.components[to];
        if !target.kind.is_data_store() {
            groups.push(Group::any(vec![gid(g.component(to))], Reason::Link(l)));
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
        for a in endpoint_alternatives(g, to, gates) {
            if !entry.0.contains(&a) {
                entry.0.push(a);
            }
        }
    }
    for (cluster, (mut alts, _)) in clusters {
        alts.sort_unstable();
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
fn endpoint_alternatives(g: &ArchGraph<'_>, db: usize, gates: &mut Vec<Gate>) -> Vec<GateId> {
    let comp = &g.model.components[db];
    let mut out = vec![gid(g.component(db))];
    if comp.failover == Failover::Automatic {
        for r in g.replicas_of(db) {
            out.push(promoted(g, comp.failover_by, r, gates));
        }
    }
    out
}

/// Standby `standby` as an alternative: itself, or, when `by` performs the failover, a gate
/// that needs both the standby and the performer.
fn promoted(g: &ArchGraph<'_>, by: Option<usize>, standby: usize, gates: &mut Vec<Gate>) -> GateId {
    let Some(by) = by else {
        return gid(g.component(standby));
    };
    let gate = push(gates, GateKind::Promotion(standby));
    gates[gate as usize].groups = vec![
        Group::any(vec![gid(g.component(standby))], Reason::Promotion),
        Group::any(vec![gid(g.component(by))], Reason::Promotion),
    ];
    gate
}

/// A client looks up DNS (when records point where it connects) and connects to any one of
/// its entry points.
fn client_groups(
    g: &ArchGraph<'_>,
    declared: &[usize],
    gates: &mut Vec<Gate>,
    groups: &mut Vec<Group>,
) {
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
            connect.push(gid(g.component(to)));
        } else {
            let conn = push(gates, GateKind::Connection(l));
            gates[conn as usize].groups = vec![
                Group::any(vec![gid(g.component(to))], Reason::Link(l)),
                Group::any(
                    resolvers.iter().map(|&r| gid(g.component(r))).collect(),
                    Reason::Resolve,
                ),
            ];
            connect.push(conn);
        }
    }
    for dns in &lookups {
        groups.push(Group::any(vec![gid(g.component(*dns))], Reason::Lookup));
    }
    if connect.is_empty() && !lookups.is_empty() {
        // The client only talks to DNS: it then connects to whatever the records point at.
        for &dns in &lookups {
            for r in &model.components[dns].records {
                let t = gid(g.component(r.target));
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
                let t = gid(g.component(r.target));
                if !connect.contains(&t) {
                    connect.push(t);
                }
            }
        }
    }
    // An empty group means the client reaches nothing: the journey cannot work.
    groups.push(Group::any(connect, Reason::Connect));
}
