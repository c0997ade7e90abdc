//! The dependency graph of a checked program (petgraph): which norm
//! regulates, is triggered by or mentions which action, which exception
//! defeats which norm, which norm overrides which, which module uses
//! which, which report judges with which norms — and, when the caller
//! brings them, which norms conflict. Cycles among exceptions or
//! overrides are error E0402; `norma graph` prints the graph as DOT,
//! Mermaid or JSON ([`render`]).
//!
//! By default the graph leaves out the actions nothing refers to (most
//! of `std::core` for a text that uses a few of its actions); norms, red
//! lines, exceptions, reports and modules are always kept. Conflicts are
//! data handed in ([`ConflictEdge`]): this module never runs the
//! analysis, the command line does.

mod render;

pub use render::{to_dot, to_json, to_mermaid};

use std::collections::HashSet;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Module,
    Action,
    Norm,
    Redline,
    Exception,
    Report,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The qualified name (`std::gge2015::gge_f`), or a module's name.
    pub id: String,
    /// The name inside its module (`gge_f`), or a module's name.
    pub name: String,
    pub kind: NodeKind,
    /// The module that declares it (a module: itself).
    pub module: ModuleId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    Uses,
    Declares,
    Triggers,
    Regulates,
    /// A condition names the action in an `exists`.
    Mentions,
    ExceptionOf,
    Overrides,
    /// `on breach of`: from the consequence to the breached norm.
    BreachOf,
    Judges,
    /// Two norms that some scenario puts in conflict: the kind of the
    /// conflict (`permit_forbid`, `duty_forbid`).
    Conflicts(&'static str),
}

impl EdgeKind {
    fn label(self) -> &'static str {
        match self {
            EdgeKind::Uses => "uses",
            EdgeKind::Declares => "declares",
            EdgeKind::Triggers => "triggered by",
            EdgeKind::Regulates => "regulates",
            EdgeKind::Mentions => "mentions",
            EdgeKind::ExceptionOf => "exception to",
            EdgeKind::Overrides => "overrides",
            EdgeKind::BreachOf => "breach of",
            EdgeKind::Judges => "judges with",
            EdgeKind::Conflicts(kind) => kind,
        }
    }

    /// The `kind` of a JSON edge.
    fn json_kind(self) -> &'static str {
        match self {
            EdgeKind::Uses => "uses",
            EdgeKind::Declares => "declares",
            EdgeKind::Triggers => "triggers",
            EdgeKind::Regulates => "regulates",
            EdgeKind::Mentions => "mentions",
            EdgeKind::ExceptionOf => "exception_of",
            EdgeKind::Overrides => "overrides",
            EdgeKind::BreachOf => "breach_of",
            EdgeKind::Judges => "judges",
            EdgeKind::Conflicts(_) => "conflicts",
        }
    }
}

/// A conflict to draw: two norms and its kind (`permit_forbid`,
/// `duty_forbid`), as the analysis names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConflictEdge {
    pub first: NormId,
    pub other: NormId,
    pub kind: &'static str,
}

/// What goes into the graph.
#[derive(Clone, Debug, Default)]
pub struct GraphOptions {
    /// Keep every declaration, also the actions nothing refers to.
    pub all: bool,
    /// Conflicts found by the analysis, drawn as edges between norms.
    pub conflicts: Vec<ConflictEdge>,
}

pub struct DepGraph {
    pub graph: DiGraph<Node, EdgeKind>,
    /// The module names, indexed by `ModuleId` (clusters are drawn per module).
    pub modules: Vec<String>,
}

/// The actions named in an `exists` anywhere in `e`.
fn mentioned(e: &Expr, out: &mut Vec<ActionId>) {
    e.visit(&mut |x| {
        if let ExprKind::Exists(r, _) = &x.kind {
            out.push(r.action);
        }
        true
    });
}

/// Build the graph of a program.
pub fn build(p: &Program, opts: &GraphOptions) -> DepGraph {
    let mut g: DiGraph<Node, EdgeKind> = DiGraph::new();
    let mut edges: HashSet<(NodeIndex, NodeIndex, EdgeKind)> = HashSet::new();
    let mut edge = |g: &mut DiGraph<Node, EdgeKind>, a: NodeIndex, b: NodeIndex, k: EdgeKind| {
        if edges.insert((a, b, k)) {
            g.add_edge(a, b, k);
        }
    };
    let module_nodes: Vec<NodeIndex> = p
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            g.add_node(Node {
                id: m.name.clone(),
                name: m.name.clone(),
                kind: NodeKind::Module,
                module: ModuleId(i as u32),
            })
        })
        .collect();
    for (i, m) in p.modules.iter().enumerate() {
        for u in &m.uses {
            edge(
                &mut g,
                module_nodes[i],
                module_nodes[u.index()],
                EdgeKind::Uses,
            );
        }
    }
    let action_nodes: Vec<NodeIndex> = p
        .actions
        .iter()
        .map(|a| {
            g.add_node(Node {
                id: a.qualified.clone(),
                name: a.name.clone(),
                kind: NodeKind::Action,
                module: a.module,
            })
        })
        .collect();
    let norm_nodes: Vec<NodeIndex> = p
        .norms
        .iter()
        .map(|n| {
            let kind = if n.kind == NormKind::Redline {
                NodeKind::Redline
            } else {
                NodeKind::Norm
            };
            g.add_node(Node {
                id: n.qualified.clone(),
                name: n.name.clone(),
                kind,
                module: n.module,
            })
        })
        .collect();
    let exc_nodes: Vec<NodeIndex> = p
        .exceptions
        .iter()
        .map(|e| {
            g.add_node(Node {
                id: e.qualified.clone(),
                name: e.name.clone(),
                kind: NodeKind::Exception,
                module: e.module,
            })
        })
        .collect();
    let mut mentions = Vec::new();
    for (i, n) in p.norms.iter().enumerate() {
        edge(
            &mut g,
            module_nodes[n.module.index()],
            norm_nodes[i],
            EdgeKind::Declares,
        );
        if let Some(t) = &n.trigger {
            if let Some(&a) = action_nodes.get(t.pattern.action.index()) {
                edge(&mut g, norm_nodes[i], a, EdgeKind::Triggers);
            }
            if let Some(&b) = t.breach.and_then(|b| norm_nodes.get(b.norm.index())) {
                edge(&mut g, norm_nodes[i], b, EdgeKind::BreachOf);
            }
        }
        let regulated = n
            .matched
            .as_ref()
            .map(|m| m.action)
            .or(n.required.as_ref().map(|r| r.action));
        if let Some(a) = regulated.and_then(|a| action_nodes.get(a.index())) {
            edge(&mut g, norm_nodes[i], *a, EdgeKind::Regulates);
        }
        mentions.clear();
        let conditions = [
            n.trigger.as_ref().and_then(|t| t.when.as_ref()),
            n.when.as_ref(),
            n.unless.as_ref(),
        ];
        for c in conditions.into_iter().flatten() {
            mentioned(c, &mut mentions);
        }
        for (_, a) in n.required.iter().flat_map(|r| &r.args) {
            mentioned(a, &mut mentions);
        }
        for a in &mentions {
            if let Some(&a) = action_nodes.get(a.index()) {
                edge(&mut g, norm_nodes[i], a, EdgeKind::Mentions);
            }
        }
        for o in &n.overrides {
            if let Some(&t) = norm_nodes.get(o.index()) {
                edge(&mut g, norm_nodes[i], t, EdgeKind::Overrides);
            }
        }
    }
    for (i, e) in p.exceptions.iter().enumerate() {
        edge(
            &mut g,
            module_nodes[e.module.index()],
            exc_nodes[i],
            EdgeKind::Declares,
        );
        let target = match e.target {
            ExceptionTarget::Norm(n) => norm_nodes.get(n.index()),
            ExceptionTarget::Exception(x) => exc_nodes.get(x.index()),
        };
        if let Some(&t) = target {
            edge(&mut g, exc_nodes[i], t, EdgeKind::ExceptionOf);
        }
        mentions.clear();
        for c in [e.when.as_ref(), e.unless.as_ref()].into_iter().flatten() {
            mentioned(c, &mut mentions);
        }
        for a in &mentions {
            if let Some(&a) = action_nodes.get(a.index()) {
                edge(&mut g, exc_nodes[i], a, EdgeKind::Mentions);
            }
        }
    }
    for r in &p.reports {
        let node = g.add_node(Node {
            id: r.qualified.clone(),
            name: r.name.clone(),
            kind: NodeKind::Report,
            module: r.module,
        });
        edge(
            &mut g,
            module_nodes[r.module.index()],
            node,
            EdgeKind::Declares,
        );
        for n in &r.in_force {
            if let Some(&t) = norm_nodes.get(n.index()) {
                edge(&mut g, node, t, EdgeKind::Judges);
            }
        }
    }
    for c in &opts.conflicts {
        if let (Some(&a), Some(&b)) = (
            norm_nodes.get(c.first.index()),
            norm_nodes.get(c.other.index()),
        ) {
            edge(&mut g, a, b, EdgeKind::Conflicts(c.kind));
        }
    }
    let modules = p.modules.iter().map(|m| m.name.clone()).collect();
    if opts.all {
        return DepGraph { graph: g, modules };
    }
    // Leave out what nothing refers to: an action no norm or exception
    // names. `filter_map` drops the edges of a node it leaves out.
    let graph = g.filter_map(
        |i, n| {
            let referred = g
                .neighbors_directed(i, petgraph::Direction::Incoming)
                .next()
                .is_some();
            (n.kind != NodeKind::Action || referred).then(|| n.clone())
        },
        |_, e| Some(*e),
    );
    DepGraph { graph, modules }
}

/// E0402: cycles among exceptions (`to`) or overrides.
pub fn check_cycles(p: &Program, diags: &mut Vec<Diagnostic>) {
    // A graph of norms and exceptions with only the defeating edges.
    let mut g: DiGraph<(bool, usize), ()> = DiGraph::new();
    let norms: Vec<NodeIndex> = (0..p.norms.len()).map(|i| g.add_node((true, i))).collect();
    let excs: Vec<NodeIndex> = (0..p.exceptions.len())
        .map(|i| g.add_node((false, i)))
        .collect();
    for (i, n) in p.norms.iter().enumerate() {
        for o in &n.overrides {
            if let Some(&t) = norms.get(o.index()) {
                g.add_edge(norms[i], t, ());
            }
        }
    }
    for (i, e) in p.exceptions.iter().enumerate() {
        let t = match e.target {
            ExceptionTarget::Norm(n) => norms.get(n.index()),
            ExceptionTarget::Exception(x) => excs.get(x.index()),
        };
        if let Some(&t) = t {
            g.add_edge(excs[i], t, ());
        }
    }
    for scc in tarjan_scc(&g) {
        let is_cycle = scc.len() > 1 || g.contains_edge(scc[0], scc[0]);
        if !is_cycle {
            continue;
        }
        let mut members: Vec<(bool, usize)> = scc.iter().map(|&n| g[n]).collect();
        members.sort();
        let describe = |&(is_norm, i): &(bool, usize)| {
            if is_norm {
                (p.norms[i].name.clone(), p.norms[i].name_span)
            } else {
                (p.exceptions[i].name.clone(), p.exceptions[i].name_span)
            }
        };
        let (first_name, first_span) = describe(&members[0]);
        let names: Vec<String> = members
            .iter()
            .map(|m| format!("`{}`", describe(m).0))
            .collect();
        let what = if members.iter().all(|m| m.0) {
            "overrides"
        } else {
            "exceptions"
        };
        let mut d = Diagnostic::new(
            Code::E0402,
            first_span,
            if members.len() == 1 {
                format!(
                    "`{first_name}` is its own {}",
                    if what == "overrides" {
                        "override target"
                    } else {
                        "exception"
                    }
                )
            } else {
                format!("cycle among {what}: {}", names.join(", "))
            },
        )
        .with_label_here("part of the cycle");
        for m in &members[1..] {
            let (name, span) = describe(m);
            d = d.with_label(span, format!("`{name}` is part of the cycle too"));
        }
        diags.push(d.with_note("which of them prevails would depend on itself; break the cycle by removing one `to` or `overrides`"));
    }
    breach_cycles(p, diags);
}

/// E0402 for a cycle of `on breach of` references: a norm that would
/// arise, in the end, from its own breach. (A consequence may override the
/// norm whose breach started it: that is no cycle of this kind.)
fn breach_cycles(p: &Program, diags: &mut Vec<Diagnostic>) {
    let mut g: DiGraph<usize, crate::span::Span> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..p.norms.len()).map(|i| g.add_node(i)).collect();
    for (i, n) in p.norms.iter().enumerate() {
        let breach = n.trigger.as_ref().and_then(|t| t.breach);
        if let Some((b, &t)) = breach.and_then(|b| Some((b, nodes.get(b.norm.index())?))) {
            g.add_edge(nodes[i], t, b.span);
        }
    }
    for scc in tarjan_scc(&g) {
        let is_cycle = scc.len() > 1 || g.contains_edge(scc[0], scc[0]);
        if !is_cycle {
            continue;
        }
        let mut members: Vec<usize> = scc.iter().map(|&n| g[n]).collect();
        members.sort();
        let first = &p.norms[members[0]];
        let names: Vec<String> = members
            .iter()
            .map(|&m| format!("`{}`", p.norms[m].name))
            .collect();
        let message = if members.len() == 1 {
            format!("`{}` is triggered by its own breach", first.name)
        } else {
            format!("cycle among `breach of` references: {}", names.join(", "))
        };
        let mut d = Diagnostic::new(Code::E0402, first.name_span, message)
            .with_label_here("part of the cycle");
        for &m in &members {
            let at = p.norms[m]
                .trigger
                .as_ref()
                .and_then(|t| t.breach)
                .map(|b| b.span);
            if let Some(at) = at {
                d = d.with_label(at, format!("`{}` arises from this breach", p.norms[m].name));
            }
        }
        diags.push(d.with_note(
            "a consequence answers an earlier breach; a norm cannot arise from its own: remove one `on breach of`",
        ));
    }
}
