//! The architecture as a graph: components, hosts and failure domains as nodes; links,
//! placement, replication and monitoring as edges.
//!
//! It is built once from a [`Model`] and shared by every later stage (failure analysis, lint
//! rules, renderers), so that none of them re-derives structure from the YAML.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{ElementRef, Kind, Model, MonitorTarget};

/// What a node of the graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A failure domain.
    Domain(usize),
    /// A host.
    Host(usize),
    /// A component.
    Component(usize),
}

impl From<Node> for ElementRef {
    fn from(n: Node) -> Self {
        match n {
            Node::Domain(i) => ElementRef::Domain(i),
            Node::Host(i) => ElementRef::Host(i),
            Node::Component(i) => ElementRef::Component(i),
        }
    }
}

/// What an edge of the graph stands for. Edges point from the dependent to what it depends on
/// (a caller to its callee, a component to its host, a replica to its primary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    /// A link (index into `Model::links`): declared, pool member or VIP member.
    Link(usize),
    /// A component runs on a host.
    PlacedOn,
    /// A host or domain is inside a domain.
    InDomain,
    /// A replica copies a primary.
    ReplicaOf,
    /// A monitoring agent reports to a server.
    ReportsTo,
    /// A monitoring component watches a host or component.
    Monitors,
    /// A DNS component resolves a name to a component (index into its `records`).
    Resolves(usize),
}

/// The architecture graph of one model.
#[derive(Debug, Clone)]
pub struct ArchGraph<'m> {
    /// The model the graph was built from.
    pub model: &'m Model,
    /// The graph itself.
    pub graph: DiGraph<Node, Edge>,
    host_base: usize,
    component_base: usize,
}

impl<'m> ArchGraph<'m> {
    /// Builds the graph of a model. Node indices are laid out as: domains, then hosts, then
    /// components, each in file order.
    #[must_use]
    pub fn new(model: &'m Model) -> Self {
        let n = model.domains.len() + model.hosts.len() + model.components.len();
        let mut graph = DiGraph::with_capacity(n, model.links.len() + n * 2);
        for i in 0..model.domains.len() {
            graph.add_node(Node::Domain(i));
        }
        for i in 0..model.hosts.len() {
            graph.add_node(Node::Host(i));
        }
        for i in 0..model.components.len() {
            graph.add_node(Node::Component(i));
        }
        let host_base = model.domains.len();
        let component_base = host_base + model.hosts.len();
        let mut g = Self {
            model,
            graph,
            host_base,
            component_base,
        };
        for (i, d) in model.domains.iter().enumerate() {
            if let Some(p) = d.parent {
                g.graph.add_edge(g.domain(i), g.domain(p), Edge::InDomain);
            }
        }
        for (i, h) in model.hosts.iter().enumerate() {
            if let Some(d) = h.domain {
                g.graph.add_edge(g.host(i), g.domain(d), Edge::InDomain);
            }
        }
        for (i, c) in model.components.iter().enumerate() {
            let me = g.component(i);
            if let Some(h) = c.host {
                g.graph.add_edge(me, g.host(h), Edge::PlacedOn);
            }
            if let Some(p) = c.replica_of {
                g.graph.add_edge(me, g.component(p), Edge::ReplicaOf);
            }
            if let Some(s) = c.reports_to {
                g.graph.add_edge(me, g.component(s), Edge::ReportsTo);
            }
            for m in &c.monitors {
                let target = match *m {
                    MonitorTarget::Host(h) => g.host(h),
                    MonitorTarget::Component(t) => g.component(t),
                };
                g.graph.add_edge(me, target, Edge::Monitors);
            }
            for (r, rec) in c.records.iter().enumerate() {
                g.graph
                    .add_edge(me, g.component(rec.target), Edge::Resolves(r));
            }
        }
        for (li, l) in model.links.iter().enumerate() {
            g.graph
                .add_edge(g.component(l.from), g.component(l.to), Edge::Link(li));
        }
        g
    }

    /// The node of a domain.
    #[must_use]
    pub fn domain(&self, i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }

    /// The node of a host.
    #[must_use]
    pub fn host(&self, i: usize) -> NodeIndex {
        NodeIndex::new(self.host_base + i)
    }

    /// The node of a component.
    #[must_use]
    pub fn component(&self, i: usize) -> NodeIndex {
        NodeIndex::new(self.component_base + i)
    }

    /// What a node stands for.
    #[must_use]
    pub fn element(&self, n: NodeIndex) -> ElementRef {
        self.graph[n].into()
    }

    /// The id of a node's element.
    #[must_use]
    pub fn id(&self, n: NodeIndex) -> &'m str {
        self.model.id_of(self.element(n))
    }

    /// Number of nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The links leaving component `c`, as (edge, link index), in model order.
    pub fn links_from(&self, c: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .graph
            .edges_directed(self.component(c), Direction::Outgoing)
            .filter_map(|e| match e.weight() {
                Edge::Link(l) => Some(*l),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v
    }

    /// The links arriving at component `c`, in model order.
    pub fn links_to(&self, c: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .graph
            .edges_directed(self.component(c), Direction::Incoming)
            .filter_map(|e| match e.weight() {
                Edge::Link(l) => Some(*l),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v
    }

    /// The databases that replicate database `c` directly.
    pub fn replicas_of(&self, c: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .graph
            .edges_directed(self.component(c), Direction::Incoming)
            .filter(|e| *e.weight() == Edge::ReplicaOf)
            .filter_map(|e| match self.graph[e.source()] {
                Node::Component(i) => Some(i),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v
    }

    /// The DNS components holding a record that points at component `c`.
    pub fn resolvers_of(&self, c: usize) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .graph
            .edges_directed(self.component(c), Direction::Incoming)
            .filter(|e| matches!(e.weight(), Edge::Resolves(_)))
            .filter_map(|e| match self.graph[e.source()] {
                Node::Component(i) => Some(i),
                _ => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The root of a replication chain: the primary that database `c` ultimately copies.
    #[must_use]
    pub fn replication_root(&self, c: usize) -> usize {
        let mut cur = c;
        let mut steps = 0;
        while let Some(p) = self.model.components[cur].replica_of {
            cur = p;
            steps += 1;
            if steps > self.model.components.len() {
                break;
            }
        }
        cur
    }

    /// The links by which client `client` sends its requests: all of its links but DNS
    /// lookups (to a DNS component, or over the `dns` protocol).
    #[must_use]
    pub fn request_links(&self, client: usize) -> Vec<usize> {
        self.links_from(client)
            .into_iter()
            .filter(|&l| {
                let link = &self.model.links[l];
                self.model.components[link.to].kind != Kind::Dns
                    && link.endpoint.protocol.as_deref() != Some("dns")
            })
            .collect()
    }

    /// The clients of the model.
    pub fn clients(&self) -> impl Iterator<Item = usize> + '_ {
        self.model
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Client)
            .map(|(i, _)| i)
    }
}
