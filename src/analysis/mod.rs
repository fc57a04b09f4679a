//! Failure analysis: which single failures break which user journey, and why.
//!
//! `journeys` compiles the graph into all-of / any-of requirements per journey; `failure`
//! computes kill sets over them and explains each single point of failure as a chain a reviewer
//! can follow. Rules read these answers; they never walk the graph for failures themselves.

pub mod availability;
pub mod failure;
pub mod journeys;
pub mod nominal;

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::NodeIndex;

pub use failure::{JourneyFailures, Kill};
pub use journeys::{GateKind, JourneyGraph, Reason};

use crate::graph::ArchGraph;

/// The failure analysis of every journey of a model.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// One entry per journey, in the model's order.
    pub journeys: Vec<JourneyFailures>,
    /// Each journey's availability, in the same order.
    pub availability: Vec<availability::JourneyAvailability>,
    /// For each journey, which of its gates are down with nothing failed.
    pub nominal_down: Vec<Vec<bool>>,
}

impl Analysis {
    /// Analyses every journey of the graph's model.
    #[must_use]
    pub fn new(g: &ArchGraph<'_>) -> Self {
        Self::with_bdd_budget(g, availability::MODEL_BDD_BUDGET)
    }

    /// [`Analysis::new`] with `budget` BDD nodes for all journeys together; journeys past it
    /// are estimated by sampling.
    #[must_use]
    pub fn with_bdd_budget(g: &ArchGraph<'_>, budget: usize) -> Self {
        let journeys: Vec<JourneyFailures> = (0..g.model.journeys.len())
            .map(|j| failure::analyse(g, journeys::compile(g, j)))
            .collect();
        // One exact budget for the whole model, and journeys with the same requirements
        // (often `read` and `all`) computed once.
        let mut budget = budget;
        let mut seen: HashMap<Vec<u64>, usize> = HashMap::new();
        let mut availability: Vec<availability::JourneyAvailability> =
            Vec::with_capacity(journeys.len());
        for jf in &journeys {
            let shape = journeys::requirements_key(&jf.graph);
            if let Some(&earlier) = seen.get(&shape) {
                availability.push(availability[earlier].clone());
                continue;
            }
            let a = availability::journey_availability_within(g, jf, budget);
            if let availability::Method::Exact { nodes } = a.method {
                budget = budget.saturating_sub(nodes);
            }
            seen.insert(shape, availability.len());
            availability.push(a);
        }
        let nominal_down = journeys
            .iter()
            .map(|jf| availability::nominal_down(&jf.graph))
            .collect();
        Self {
            journeys,
            availability,
            nominal_down,
        }
    }

    /// Every single point of failure with the journeys (indices) it breaks, in node order.
    #[must_use]
    pub fn spofs(&self) -> BTreeMap<NodeIndex, Vec<usize>> {
        let mut out: BTreeMap<NodeIndex, Vec<usize>> = BTreeMap::new();
        for (j, jf) in self.journeys.iter().enumerate() {
            for &u in &jf.spofs {
                out.entry(u).or_default().push(j);
            }
        }
        out
    }

    /// The provider-run units (managed and external services, regions) whose loss alone
    /// breaks a journey, with the journeys they break.
    #[must_use]
    pub fn provider_run(&self) -> BTreeMap<NodeIndex, Vec<usize>> {
        let mut out: BTreeMap<NodeIndex, Vec<usize>> = BTreeMap::new();
        for (j, jf) in self.journeys.iter().enumerate() {
            for &u in &jf.provider_run {
                out.entry(u).or_default().push(j);
            }
        }
        out
    }

    /// Every dependency cycle found in any journey, deduplicated.
    #[must_use]
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut all: Vec<Vec<usize>> = self
            .journeys
            .iter()
            .flat_map(|j| j.cycles.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}
