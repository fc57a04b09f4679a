//! Journeys on a healthy day: given which gates cannot work with nothing failed
//! (`Analysis::nominal_down`), which alternatives that traffic is *spread over* (an active-active pool, several DNS addresses,
//! the databases reads are balanced across) cannot complete the journey. Any-of semantics hide
//! these: "some backend can serve writes" is true while the balancer sends half of the writes
//! to one that cannot.

use petgraph::graph::NodeIndex;

use super::journeys::{GateId, GateKind, JourneyGraph, Reason};
use crate::graph::ArchGraph;
use crate::model::{Algorithm, Mode};

/// A member of a group traffic is spread over that cannot complete the journey.
#[derive(Debug, Clone)]
pub struct StrandedMember {
    /// The gate that spreads the traffic (a balancer, a client, an application).
    pub owner: GateId,
    /// The member that cannot complete the journey.
    pub member: GateId,
    /// Why traffic is spread (pool, DNS addresses, read balancing).
    pub reason: Reason,
    /// How many members the traffic is spread over.
    pub members: usize,
    /// Whether the share is known (round robin, random, least connections: about 1/n).
    pub even: bool,
    /// Whether the member is a standby that only gets traffic once promoted.
    pub standby: bool,
}

/// The members that cannot complete the journey, in groups whose owner works.
#[must_use]
pub fn stranded_members(
    g: &ArchGraph<'_>,
    jg: &JourneyGraph,
    down: &[bool],
) -> Vec<StrandedMember> {
    let m = g.model;
    let mut out = Vec::new();
    for (i, gate) in jg.gates.iter().enumerate() {
        if down[i] {
            continue;
        }
        for grp in &gate.groups {
            let (spread, even, standby_from) = match grp.reason {
                Reason::Pool(c) => {
                    let comp = &m.components[c];
                    let even = !matches!(
                        comp.algorithm,
                        Some(
                            Algorithm::WeightedRoundRobin
                                | Algorithm::SourceHash
                                | Algorithm::UriHash
                                | Algorithm::First
                        )
                    );
                    let standby = if comp.mode == Mode::ActivePassive {
                        1
                    } else {
                        usize::MAX
                    };
                    (true, even, standby)
                }
                Reason::Members(_) => (true, false, 1),
                Reason::Connect => (grp.alts.len() > 1, true, usize::MAX),
                Reason::Data { write: false, .. } => (grp.alts.len() > 1, true, usize::MAX),
                _ => (false, false, usize::MAX),
            };
            if !spread || grp.alts.len() < 2 {
                continue;
            }
            let mut seen: Vec<GateId> = Vec::new();
            for (pos, &a) in grp.alts.iter().enumerate() {
                if seen.contains(&a) {
                    continue;
                }
                seen.push(a);
                if down[a as usize] {
                    out.push(StrandedMember {
                        owner: GateId::try_from(i).unwrap_or(0),
                        member: a,
                        reason: grp.reason.clone(),
                        members: grp.alts.len(),
                        even,
                        standby: pos >= standby_from,
                    });
                }
            }
        }
    }
    out
}

/// The graph node of a gate, if it is one.
#[must_use]
pub fn node_of(jg: &JourneyGraph, gate: GateId) -> Option<NodeIndex> {
    match jg.gates[gate as usize].kind {
        GateKind::Graph(n) => Some(n),
        _ => None,
    }
}

/// Why a gate is down with nothing failed: the chain down to the requirement nothing meets.
#[must_use]
pub fn why_down(g: &ArchGraph<'_>, jg: &JourneyGraph, down: &[bool], start: GateId) -> Vec<String> {
    let name = |gate: GateId| -> String {
        match node_of(jg, gate) {
            Some(n) => format!("`{}`", g.id(n)),
            None => match jg.gates[gate as usize].kind {
                GateKind::Connection(l) => format!(
                    "the connection to `{}`",
                    g.model.components[g.model.links[l].to].id
                ),
                _ => "the journey".to_owned(),
            },
        }
    };
    let mut chain = Vec::new();
    let mut cur = start;
    let mut steps = 0;
    while steps < 32 {
        steps += 1;
        let gate = &jg.gates[cur as usize];
        if let Some(p) = gate.placed.filter(|&p| down[p as usize]) {
            chain.push(format!(
                "{} runs on {}, which cannot work",
                name(cur),
                name(p)
            ));
            cur = p;
            continue;
        }
        let Some(grp) = gate
            .groups
            .iter()
            .find(|grp| grp.alts.iter().filter(|&&a| down[a as usize]).count() >= grp.tolerance())
        else {
            break;
        };
        let what = match &grp.reason {
            Reason::Data {
                cluster,
                write: true,
            } => format!(
                "writes need the primary `{}` (or a replica promoted automatically)",
                g.model.components[*cluster].id
            ),
            Reason::Data {
                cluster,
                write: false,
            } => format!(
                "reads need a database of the cluster of `{}`",
                g.model.components[*cluster].id
            ),
            Reason::Link(l) => {
                format!("it needs `{}`", g.model.components[g.model.links[*l].to].id)
            }
            Reason::Pool(_) => "it needs a member of its pool".to_owned(),
            Reason::Members(_) => "it needs one of its members".to_owned(),
            Reason::Resolve => "it needs DNS".to_owned(),
            Reason::Lookup => "it looks names up in DNS".to_owned(),
            Reason::Entry | Reason::Connect => "it needs its entry point".to_owned(),
            Reason::Replicas(_) => format!("it needs {} of its instances", grp.need),
            Reason::Zones(_) => "it needs one of its zones".to_owned(),
            Reason::Promotion => {
                "taking over needs the standby and the failover performer".to_owned()
            }
        };
        if grp.alts.is_empty() {
            chain.push(format!(
                "{}: {what}, and the model gives it no way to reach one",
                name(cur)
            ));
            break;
        }
        let verdict = if grp.need > 1 {
            "too few of them can work"
        } else {
            "none of them can work"
        };
        chain.push(format!("{}: {what}, and {verdict}", name(cur)));
        cur = grp
            .alts
            .iter()
            .copied()
            .find(|&a| down[a as usize])
            .unwrap_or(grp.alts[0]);
    }
    chain
}
