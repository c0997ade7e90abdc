//! A module's dependency graph as inline SVG, laid out in pure Rust
//! (layout-rs, a Sugiyama-style layout): the module's norms, red lines,
//! exceptions and reports, and the actions and norms of other modules they
//! point at. The graph itself comes from `graph::build`, the same one
//! `norma graph` prints; this module only picks a module's part and draws
//! it. It never runs an external program.

use std::collections::HashMap;

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use petgraph::visit::EdgeRef;

use crate::graph::{DepGraph, EdgeKind, NodeKind};
use crate::model::ModuleId;

/// Past this many nodes a module's graph is not drawn (the page lists
/// the same relations in its text): the layout's time grows quickly and
/// a drawing that size is unreadable anyway.
const MAX_NODES: usize = 120;

/// What was drawn: the SVG text and how many nodes and edges it has.
pub struct Drawing {
    pub svg: String,
    pub nodes: usize,
    pub edges: usize,
}

/// Why a module has no drawing.
pub enum NoDrawing {
    /// Nothing but vocabulary (enums, types, actions): no relations.
    Empty,
    TooLarge(usize),
}

/// How each kind of relation is drawn, and what the legend calls it.
fn edge_look(k: EdgeKind) -> (LineStyleKind, &'static str) {
    match k {
        EdgeKind::Regulates => (LineStyleKind::Normal, "black"),
        EdgeKind::Triggers | EdgeKind::Mentions => (LineStyleKind::Dotted, "black"),
        EdgeKind::BreachOf => (LineStyleKind::Dashed, "purple"),
        EdgeKind::ExceptionOf => (LineStyleKind::Dashed, "darkgoldenrod"),
        EdgeKind::Overrides => (LineStyleKind::Normal, "blue"),
        EdgeKind::Conflicts(_) => (LineStyleKind::Dashed, "red"),
        EdgeKind::Uses | EdgeKind::Declares | EdgeKind::Judges => (LineStyleKind::Normal, "gray"),
    }
}

/// The legend of the drawing, in the words of `norma graph`.
pub const LEGEND: &[(&str, &str)] = &[
    (
        "solid black",
        "regulates (forbids, permits or obliges the action)",
    ),
    ("dotted", "is triggered by, or mentions, the action"),
    ("dashed gold", "is an exception to"),
    ("solid blue", "overrides"),
    ("dashed purple", "is a consequence of a breach of"),
    (
        "blue boxes",
        "norms; red: red lines; yellow: exceptions; grey: actions",
    ),
];

fn fill(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Norm => "aliceblue",
        NodeKind::Redline => "mistyrose",
        NodeKind::Exception => "lightyellow",
        NodeKind::Report => "honeydew",
        NodeKind::Action | NodeKind::Module => "whitesmoke",
    }
}

/// The part of `g` that concerns module `m`, drawn.
pub fn module_svg(g: &DepGraph, m: ModuleId) -> Result<Drawing, NoDrawing> {
    let mine = |i: petgraph::graph::NodeIndex| {
        let n = &g.graph[i];
        n.module == m && n.kind != NodeKind::Module
    };
    // The module's own relations, and the nodes at their other end. A
    // report's `judges with` reaches every norm in force: drawn, it
    // would bury the relations between the norms themselves.
    let mut edges = Vec::new();
    for e in g.graph.edge_references() {
        if matches!(
            e.weight(),
            EdgeKind::Declares | EdgeKind::Uses | EdgeKind::Judges
        ) {
            continue;
        }
        if mine(e.source()) || mine(e.target()) {
            edges.push((e.source(), e.target(), *e.weight()));
        }
    }
    let mut nodes: Vec<petgraph::graph::NodeIndex> = g
        .graph
        .node_indices()
        .filter(|&i| mine(i) && !matches!(g.graph[i].kind, NodeKind::Action | NodeKind::Report))
        .collect();
    for &(a, b, _) in &edges {
        nodes.push(a);
        nodes.push(b);
    }
    nodes.sort();
    nodes.dedup();
    if edges.is_empty() && nodes.is_empty() {
        return Err(NoDrawing::Empty);
    }
    if nodes.len() > MAX_NODES {
        return Err(NoDrawing::TooLarge(nodes.len()));
    }
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = HashMap::new();
    for &i in &nodes {
        let n = &g.graph[i];
        let label = if n.module == m {
            n.name.clone()
        } else {
            n.id.clone()
        };
        let shape = ShapeKind::new_box(&label);
        let look = StyleAttr::new(
            Color::fast("black"),
            1,
            Some(Color::fast(fill(n.kind))),
            4,
            14,
        );
        let size = Point::new(label.chars().count() as f64 * 8.0 + 20.0, 34.0);
        let h = vg.add_node(Element::create(shape, look, Orientation::LeftToRight, size));
        handles.insert(i, h);
    }
    for &(a, b, kind) in &edges {
        let (Some(&ha), Some(&hb)) = (handles.get(&a), handles.get(&b)) else {
            continue;
        };
        let (style, color) = edge_look(kind);
        // No label on the edge: layout-rs makes each label a node of its
        // own, which doubles the graph and makes the layout several times
        // slower; the legend says what each line means.
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            "",
            &StyleAttr::new(Color::fast(color), 1, None, 0, 12),
            &None,
            &None,
        );
        vg.add_edge(arrow, ha, hb);
    }
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    let text = svg.finalize();
    // Inline in HTML: no XML prolog.
    let text = match text.find("<svg") {
        Some(i) => text[i..].to_string(),
        None => text,
    };
    Ok(Drawing {
        svg: text,
        nodes: nodes.len(),
        edges: edges.len(),
    })
}
