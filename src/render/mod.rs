//! Diagrams of a model: the whiteboard text diagram, SVG for the docs site, and DOT and
//! Mermaid for other tools. Every renderer reads the same [`Scene`], so the pictures agree
//! with one another, and none of them needs an external program.

mod ascii;
mod canvas;
pub mod dot;
pub mod journey;
pub mod mermaid;
mod scene;
pub mod svg;

pub use ascii::{TextOptions, whiteboard};
pub use scene::{
    BoxKind, DomainTree, DrawBox, Scene, SideEdge, SideKind, Tier, clean, component_line,
    component_name, domain_title, link_text,
};
