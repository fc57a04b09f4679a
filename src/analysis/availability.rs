//! How available each journey is, from the availability of its failure units: exact where a
//! binary decision diagram of the journey stays small, else a Monte Carlo estimate with its
//! 95% interval. Shared units are one event (a host under two replicas fails once, for both),
//! which is what the textbook 1 − (1 − a)ⁿ gets wrong. Also: which units limit the journey
//! most (the downtime removed if that unit never failed), and the minimal pairs of units
//! whose joint failure breaks it while neither alone does.
//!
//! Default availabilities, used when the model gives none (`availability:` on a component,
//! host or domain): a host 99.5% (the instance-level SLA floor of a single cloud VM, AWS EC2),
//! a process 99.9%, a rack, power feed or network segment 99.99%, an availability zone 99.9%
//! and a region 99.99% (floors in the spirit of the published cloud SLAs; a single zone is
//! taken one nine below the multi-zone 99.99% region-level SLA).

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use super::failure::JourneyFailures;
use super::journeys::{GateKind, JourneyGraph};
use crate::graph::{ArchGraph, Node};
use crate::model::DomainKind;

/// An availability in percent, with as many decimals as it takes to show its nines.
#[must_use]
pub fn percent(a: f64) -> String {
    if a >= 99.999 {
        format!("{a:.5}%")
    } else if a >= 99.9 {
        format!("{a:.4}%")
    } else {
        format!("{a:.2}%")
    }
}

/// The availability taken for a managed service whose model gives no SLA: the common
/// multi-zone managed database / load balancer SLA (AWS RDS Multi-AZ, Azure SQL), stated as
/// an assumption by `unspecified-behaviour`.
pub const MANAGED_DEFAULT: f64 = 0.9995;

/// Hours in a year (365.25 days).
pub const HOURS_PER_YEAR: f64 = 8766.0;

/// How a figure was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// Exactly, with a binary decision diagram of this many nodes.
    Exact {
        /// BDD nodes.
        nodes: usize,
    },
    /// By sampling, with a 95% (Wilson) interval.
    MonteCarlo {
        /// Samples drawn.
        samples: usize,
        /// Lower end of the interval.
        low: f64,
        /// Upper end.
        high: f64,
    },
}

impl Method {
    /// A short description: "exact (BDD, 44 nodes)" or "Monte Carlo, 20000 samples, 95% CI …".
    #[must_use]
    pub fn describe(&self) -> String {
        match *self {
            Method::Exact { nodes } => format!("exact (BDD, {nodes} nodes)"),
            Method::MonteCarlo { samples, low, high } => format!(
                "Monte Carlo, {samples} samples, 95% interval {:.4}%–{:.4}%",
                low * 100.0,
                high * 100.0
            ),
        }
    }
}

/// One journey's availability.
#[derive(Debug, Clone)]
pub struct JourneyAvailability {
    /// The probability the journey works, 0 to 1.
    pub availability: f64,
    /// How it was computed.
    pub method: Method,
    /// Units ranked by the downtime (hours a year) that would go if they never failed.
    pub limiting: Vec<(NodeIndex, f64)>,
    /// Minimal pairs of units whose joint failure breaks the journey while neither alone does.
    pub pairs: Vec<(NodeIndex, NodeIndex)>,
    /// Whether every pair was looked at (large journeys are capped).
    pub pairs_complete: bool,
}

impl JourneyAvailability {
    /// Expected downtime in hours a year.
    #[must_use]
    pub fn downtime_hours(&self) -> f64 {
        (1.0 - self.availability) * HOURS_PER_YEAR
    }
}

/// The availability of one failure unit (a gate that can fail by itself).
#[must_use]
pub fn unit_availability(g: &ArchGraph<'_>, node: NodeIndex) -> f64 {
    let m = g.model;
    let given = match g.element(node) {
        crate::model::ElementRef::Component(c) => m.components[c].availability,
        crate::model::ElementRef::Host(h) => m.hosts[h].availability,
        crate::model::ElementRef::Domain(d) => m.domains[d].availability,
    };
    if let Some(a) = given {
        return a / 100.0;
    }
    match g.graph[node] {
        Node::Host(_) => 0.995,
        Node::Component(c) if m.components[c].managed => MANAGED_DEFAULT,
        Node::Component(_) => 0.999,
        Node::Domain(d) => match m.domains[d].kind {
            DomainKind::Zone => 0.999,
            _ => 0.9999,
        },
    }
}

/// Failure propagation from an all-up start: the greatest fixed point of "a gate is up when
/// its own unit, its placement and every group are up", computed over the failed cone only.
/// Scratch arrays are stamped with a generation number, so a call costs its cone, not the
/// journey's size.
struct Propagator<'a> {
    jg: &'a JourneyGraph,
    /// For each gate: the gates that need it, and through which group slot (`u32::MAX` =
    /// placement).
    dependents: Vec<Vec<(u32, u32)>>,
    /// For each group slot: how many alternatives it has.
    slot_size: Vec<u32>,
    /// Gates down with nothing failed (an empty group somewhere below).
    static_down: Vec<u32>,
    scratch: std::cell::RefCell<Scratch>,
}

struct Scratch {
    generation: u32,
    down: Vec<u32>,
    count_gen: Vec<u32>,
    count: Vec<u32>,
    queue: Vec<u32>,
}

impl<'a> Propagator<'a> {
    fn new(jg: &'a JourneyGraph) -> Self {
        let n = jg.gates.len();
        let mut dependents: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        let mut slot_size: Vec<u32> = Vec::new();
        let mut static_down = Vec::new();
        for (i, gate) in jg.gates.iter().enumerate() {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            if let Some(p) = gate.placed {
                dependents[p as usize].push((id, u32::MAX));
            }
            for grp in &gate.groups {
                let slot = u32::try_from(slot_size.len()).unwrap_or(u32::MAX);
                let tolerance = grp.tolerance();
                slot_size.push(u32::try_from(tolerance.max(1)).unwrap_or(u32::MAX));
                if tolerance == 0 {
                    static_down.push(id);
                }
                for &a in &grp.alts {
                    dependents[a as usize].push((id, slot));
                }
            }
        }
        let slots = slot_size.len();
        Self {
            jg,
            dependents,
            slot_size,
            static_down,
            scratch: std::cell::RefCell::new(Scratch {
                generation: 0,
                down: vec![0; n],
                count_gen: vec![0; slots],
                count: vec![0; slots],
                queue: Vec::new(),
            }),
        }
    }

    /// Whether the journey's root is up when exactly `failed` have failed.
    fn root_up(&self, failed: &[u32]) -> bool {
        self.propagate(failed, true)
    }

    /// Which gates are down when exactly `failed` have failed.
    fn down_marks(&self, failed: &[u32]) -> Vec<bool> {
        self.propagate(failed, false);
        let s = self.scratch.borrow();
        s.down.iter().map(|&d| d == s.generation).collect()
    }

    /// Propagates the failures; returns whether the root stays up. With `stop_at_root`, stops
    /// as soon as the root falls.
    fn propagate(&self, failed: &[u32], stop_at_root: bool) -> bool {
        let mut s = self.scratch.borrow_mut();
        s.generation = s.generation.wrapping_add(1);
        if s.generation == 0 {
            s.down.iter_mut().for_each(|d| *d = 0);
            s.count_gen.iter_mut().for_each(|d| *d = 0);
            s.generation = 1;
        }
        let generation = s.generation;
        s.queue.clear();
        for &f in failed.iter().chain(&self.static_down) {
            if s.down[f as usize] != generation {
                s.down[f as usize] = generation;
                s.queue.push(f);
            }
        }
        while let Some(d) = s.queue.pop() {
            if stop_at_root && d == self.jg.root {
                return false;
            }
            for &(dep, slot) in &self.dependents[d as usize] {
                if s.down[dep as usize] == generation {
                    continue;
                }
                let falls = if slot == u32::MAX {
                    true
                } else {
                    let k = slot as usize;
                    if s.count_gen[k] != generation {
                        s.count_gen[k] = generation;
                        s.count[k] = self.slot_size[k];
                    }
                    s.count[k] = s.count[k].saturating_sub(1);
                    s.count[k] == 0
                };
                if falls {
                    s.down[dep as usize] = generation;
                    s.queue.push(dep);
                }
            }
        }
        s.down[self.jg.root as usize] != generation
    }
}

/// Which gates of a journey are down with nothing failed (an empty requirement below them).
#[must_use]
pub fn nominal_down(jg: &JourneyGraph) -> Vec<bool> {
    Propagator::new(jg).down_marks(&[])
}

/// A reduced ordered binary decision diagram, hash-consed, with a node budget.
struct Bdd {
    nodes: Vec<(u32, u32, u32)>,
    unique: HashMap<(u32, u32, u32), u32>,
    and_memo: HashMap<(u32, u32), u32>,
    or_memo: HashMap<(u32, u32), u32>,
    budget: usize,
}

const FALSE: u32 = 0;
const TRUE: u32 = 1;

impl Bdd {
    fn new(budget: usize) -> Self {
        Self {
            // Terminals: variable u32::MAX sorts after every real variable.
            nodes: vec![(u32::MAX, 0, 0), (u32::MAX, 1, 1)],
            unique: HashMap::new(),
            and_memo: HashMap::new(),
            or_memo: HashMap::new(),
            budget,
        }
    }

    fn mk(&mut self, var: u32, lo: u32, hi: u32) -> Option<u32> {
        if lo == hi {
            return Some(lo);
        }
        if let Some(&n) = self.unique.get(&(var, lo, hi)) {
            return Some(n);
        }
        if self.nodes.len() >= self.budget {
            return None;
        }
        let id = u32::try_from(self.nodes.len()).ok()?;
        self.nodes.push((var, lo, hi));
        self.unique.insert((var, lo, hi), id);
        Some(id)
    }

    fn var(&mut self, v: u32) -> Option<u32> {
        self.mk(v, FALSE, TRUE)
    }

    fn apply(&mut self, a: u32, b: u32, and: bool) -> Option<u32> {
        match (and, a, b) {
            (true, FALSE, _) | (true, _, FALSE) => return Some(FALSE),
            (true, TRUE, x) | (true, x, TRUE) => return Some(x),
            (false, TRUE, _) | (false, _, TRUE) => return Some(TRUE),
            (false, FALSE, x) | (false, x, FALSE) => return Some(x),
            _ => {}
        }
        if a == b {
            return Some(a);
        }
        let key = (a.min(b), a.max(b));
        let memo = if and { &self.and_memo } else { &self.or_memo };
        if let Some(&r) = memo.get(&key) {
            return Some(r);
        }
        let (va, la, ha) = self.nodes[a as usize];
        let (vb, lb, hb) = self.nodes[b as usize];
        let v = va.min(vb);
        let (a0, a1) = if va == v { (la, ha) } else { (a, a) };
        let (b0, b1) = if vb == v { (lb, hb) } else { (b, b) };
        let lo = self.apply(a0, b0, and)?;
        let hi = self.apply(a1, b1, and)?;
        let r = self.mk(v, lo, hi)?;
        if and {
            self.and_memo.insert(key, r);
        } else {
            self.or_memo.insert(key, r);
        }
        Some(r)
    }

    /// The probability that each node is true, given each variable's probability of being
    /// true (children are made before their parents, so one pass in order).
    fn probabilities(&self, p: &[f64]) -> Vec<f64> {
        let mut pr = vec![0.0; self.nodes.len()];
        pr[TRUE as usize] = 1.0;
        for i in 2..self.nodes.len() {
            let (v, lo, hi) = self.nodes[i];
            let pv = p[v as usize];
            pr[i] = pv * pr[hi as usize] + (1.0 - pv) * pr[lo as usize];
        }
        pr
    }

    /// How much `root`'s probability would rise if each variable were certain, all at once:
    /// the probability is linear in each variable, so the rise is `(1 - p) * ∂P/∂p`, and
    /// every derivative comes from one backward pass over the diagram (parents before
    /// children), instead of one forward pass per variable.
    fn gains(&self, root: u32, p: &[f64], pr: &[f64]) -> Vec<f64> {
        let mut adjoint = vec![0.0; self.nodes.len()];
        let mut derivative = vec![0.0; p.len()];
        adjoint[root as usize] = 1.0;
        for i in (2..self.nodes.len()).rev() {
            let a = adjoint[i];
            if a == 0.0 {
                continue;
            }
            let (v, lo, hi) = self.nodes[i];
            let pv = p[v as usize];
            adjoint[hi as usize] += a * pv;
            adjoint[lo as usize] += a * (1.0 - pv);
            derivative[v as usize] += a * (pr[hi as usize] - pr[lo as usize]);
        }
        derivative
            .iter()
            .zip(p)
            .map(|(d, pv)| (1.0 - pv) * d)
            .collect()
    }
}

/// The journey's root as a BDD over its units, or `None` past the budget.
fn build_bdd(jg: &JourneyGraph, budget: usize) -> Option<(Bdd, u32, Vec<u32>)> {
    let n = jg.gates.len();
    // Dependencies first (post-order from the root), placement before groups.
    let mut order: Vec<u32> = Vec::new();
    let mut state = vec![0u8; n];
    let mut stack: Vec<(u32, usize)> = vec![(jg.root, 0)];
    state[jg.root as usize] = 1;
    let deps = |g: u32| -> Vec<u32> {
        let gate = &jg.gates[g as usize];
        gate.placed
            .into_iter()
            .chain(gate.groups.iter().flat_map(|grp| grp.alts.iter().copied()))
            .collect()
    };
    while let Some(&mut (g, ref mut i)) = stack.last_mut() {
        let d = deps(g);
        if let Some(&next) = d.get(*i) {
            *i += 1;
            if state[next as usize] == 0 {
                state[next as usize] = 1;
                stack.push((next, 0));
            }
        } else {
            order.push(g);
            stack.pop();
        }
    }
    // Variables: the units, in that order.
    let mut var_of: Vec<u32> = vec![u32::MAX; n];
    let mut units: Vec<u32> = Vec::new();
    for &g in &order {
        if jg.gates[g as usize].unit {
            var_of[g as usize] = u32::try_from(units.len()).ok()?;
            units.push(g);
        }
    }
    let mut bdd = Bdd::new(budget);
    let mut f: Vec<u32> = vec![TRUE; n];
    // Greatest fixed point: start from "everything up", recompute until nothing changes.
    for _round in 0..=order.len() {
        let mut changed = false;
        for &g in &order {
            let gate = &jg.gates[g as usize];
            let mut acc = if gate.unit {
                bdd.var(var_of[g as usize])?
            } else {
                TRUE
            };
            if let Some(p) = gate.placed {
                acc = bdd.apply(acc, f[p as usize], true)?;
            }
            for grp in &gate.groups {
                let any = if grp.need <= 1 {
                    let mut any = FALSE;
                    for &a in &grp.alts {
                        any = bdd.apply(any, f[a as usize], false)?;
                    }
                    any
                } else {
                    // At least `need` of them: dp[j] = "at least j of those seen so far".
                    let k = grp.need;
                    let mut dp = vec![FALSE; k + 1];
                    dp[0] = TRUE;
                    for &a in &grp.alts {
                        for j in (1..=k).rev() {
                            let both = bdd.apply(f[a as usize], dp[j - 1], true)?;
                            dp[j] = bdd.apply(dp[j], both, false)?;
                        }
                    }
                    dp[k]
                };
                acc = bdd.apply(acc, any, true)?;
            }
            if acc != f[g as usize] {
                f[g as usize] = acc;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    Some((bdd, f[jg.root as usize], units))
}

/// A small deterministic random generator (xorshift64*), so estimates repeat run to run.
struct Rng(u64);
impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        // 53 random bits in [0, 1).
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn wilson(successes: usize, n: usize) -> (f64, f64) {
    let z = 1.96f64;
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let denom = 1.0 + z * z / n_f;
    let centre = (p + z * z / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z * z / (4.0 * n_f * n_f)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// BDD budget: past it, the journey is estimated by sampling.
const BDD_BUDGET: usize = 200_000;
/// Units past which a journey is not even tried as a BDD.
const MAX_BDD_UNITS: usize = 400;
/// Samples drawn when estimating.
const SAMPLES: usize = 20_000;
/// Candidate units past which pairs are not enumerated.
const MAX_PAIR_UNITS: usize = 300;

/// BDD nodes for all the journeys of one model together: past it, the remaining journeys are
/// estimated by sampling, so a model with thousands of journeys costs a bounded amount of
/// exact work, not thousands of full budgets.
pub const MODEL_BDD_BUDGET: usize = 4_000_000;

/// The availability of one analysed journey.
#[must_use]
pub fn journey_availability(g: &ArchGraph<'_>, jf: &JourneyFailures) -> JourneyAvailability {
    journey_availability_within(g, jf, BDD_BUDGET)
}

/// [`journey_availability`] with at most `budget` BDD nodes (what is left of the model's).
#[must_use]
pub fn journey_availability_within(
    g: &ArchGraph<'_>,
    jf: &JourneyFailures,
    budget: usize,
) -> JourneyAvailability {
    let jg = &jf.graph;
    let units: Vec<u32> = (0..jg.gates.len())
        .filter(|&i| jg.gates[i].unit)
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    let avail_of = |gate: u32| -> f64 {
        match jg.gates[gate as usize].kind {
            GateKind::Graph(n) => unit_availability(g, n),
            GateKind::Instance(c, _) => unit_availability(g, g.component(c)),
            _ => 1.0,
        }
    };
    // An instance of a replica group stands for its group.
    let node_of = |gate: u32| -> Option<NodeIndex> {
        match jg.gates[gate as usize].kind {
            GateKind::Graph(n) => Some(n),
            GateKind::Instance(c, _) => Some(g.component(c)),
            _ => None,
        }
    };
    let propagator = Propagator::new(jg);

    let bdd = if units.len() <= MAX_BDD_UNITS && budget > 0 {
        build_bdd(jg, budget.min(BDD_BUDGET))
    } else {
        None
    };
    let (availability, method, limiting) = match bdd {
        Some((bdd, root, vars)) => {
            let p: Vec<f64> = vars.iter().map(|&u| avail_of(u)).collect();
            let pr = bdd.probabilities(&p);
            let a = pr[root as usize];
            let mut limiting = Vec::new();
            for (&u, gain) in vars.iter().zip(bdd.gains(root, &p, &pr)) {
                if gain > 1e-12
                    && let Some(n) = node_of(u)
                {
                    limiting.push((n, gain * HOURS_PER_YEAR));
                }
            }
            (
                a,
                Method::Exact {
                    nodes: bdd.nodes.len(),
                },
                limiting,
            )
        }
        None => {
            // Sampling: failures drawn per unit, propagated over the failed cone only.
            // Units grouped by failure probability; within a class the next failure is drawn
            // by geometric skipping, so a sample costs its failures, not every unit.
            let mut classes: Vec<(f64, Vec<u32>)> = Vec::new();
            for &u in &units {
                let q = 1.0 - avail_of(u);
                match classes.iter_mut().find(|(cq, _)| (*cq - q).abs() < 1e-15) {
                    Some((_, list)) => list.push(u),
                    None => classes.push((q, vec![u])),
                }
            }
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
            let mut ups = 0usize;
            let mut failed = Vec::new();
            for _ in 0..SAMPLES {
                failed.clear();
                for (q, list) in &classes {
                    if *q <= 0.0 {
                        continue;
                    }
                    if *q >= 1.0 {
                        failed.extend(list.iter().copied());
                        continue;
                    }
                    let log_keep = (1.0 - q).ln();
                    let mut pos: f64 = -1.0;
                    loop {
                        let u = rng.next_f64().max(f64::MIN_POSITIVE);
                        pos += (u.ln() / log_keep).floor() + 1.0;
                        if pos >= list.len() as f64 {
                            break;
                        }
                        failed.push(list[pos as usize]);
                    }
                }
                if propagator.root_up(&failed) {
                    ups += 1;
                }
            }
            let (low, high) = wilson(ups, SAMPLES);
            // Limiting units: the single points of failure, by their own unavailability.
            let limiting = jf
                .spofs
                .iter()
                .map(|&n| (n, (1.0 - unit_availability(g, n)) * HOURS_PER_YEAR))
                .collect();
            (
                ups as f64 / SAMPLES as f64,
                Method::MonteCarlo {
                    samples: SAMPLES,
                    low,
                    high,
                },
                limiting,
            )
        }
    };
    // Instances of one group are one line.
    let mut merged: Vec<(NodeIndex, f64)> = Vec::with_capacity(limiting.len());
    for (n, h) in limiting {
        match merged.iter_mut().find(|(m, _)| *m == n) {
            Some((_, total)) => *total += h,
            None => merged.push((n, h)),
        }
    }
    let mut limiting = merged;
    limiting.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    // Order-2 cuts among the units that are not single points of failure.
    let candidates: Vec<u32> = units
        .iter()
        .copied()
        .filter(|&u| {
            node_of(u).is_none_or(|n| !jf.spofs.contains(&n) && !jf.provider_run.contains(&n))
        })
        .collect();
    let mut pairs = Vec::new();
    let pairs_complete = candidates.len() <= MAX_PAIR_UNITS && !jf.broken;
    if pairs_complete {
        for (i, &a) in candidates.iter().enumerate() {
            for &b in &candidates[i + 1..] {
                if !propagator.root_up(&[a, b])
                    && let (Some(na), Some(nb)) = (node_of(a), node_of(b))
                    && na != nb
                    && !pairs.contains(&(na, nb))
                {
                    pairs.push((na, nb));
                }
            }
        }
    }
    JourneyAvailability {
        availability,
        method,
        limiting,
        pairs,
        pairs_complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gains from one backward pass equal the rise of the root's probability when each
    /// variable in turn is made certain (the way they were computed before, one pass each).
    #[test]
    fn gains_match_making_each_variable_certain() {
        // (x0 ∧ x1) ∨ (x2 ∧ (x3 ∨ x4)) ∨ at-least-2-of(x1, x3, x5)
        let mut bdd = Bdd::new(10_000);
        let x: Vec<u32> = (0..6).map(|v| bdd.var(v).unwrap_or(FALSE)).collect();
        let mut f = |a, b, and| bdd.apply(a, b, and).unwrap_or(FALSE);
        let left = f(x[0], x[1], true);
        let either = f(x[3], x[4], false);
        let right = f(x[2], either, true);
        let one = f(left, right, false);
        let a13 = f(x[1], x[3], true);
        let a15 = f(x[1], x[5], true);
        let a35 = f(x[3], x[5], true);
        let two_a = f(a13, a15, false);
        let two = f(two_a, a35, false);
        let root = f(one, two, false);
        let p = [0.99, 0.9, 0.999, 0.5, 0.95, 0.8];
        let pr = bdd.probabilities(&p);
        let gains = bdd.gains(root, &p, &pr);
        for (i, gain) in gains.iter().enumerate() {
            let mut certain = p;
            certain[i] = 1.0;
            let expected = bdd.probabilities(&certain)[root as usize] - pr[root as usize];
            assert!(
                (gain - expected).abs() < 1e-12,
                "x{i}: {gain} vs {expected}"
            );
        }
    }
}
