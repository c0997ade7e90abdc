//! The dependency graph of a checked program (petgraph): which norm
//! regulates or is triggered by which action, which exception defeats
//! which norm, which norm overrides which, which module uses which, which
//! report judges with which norms. Cycles among exceptions or overrides
//! are error E0402; `norma graph` prints the graph as DOT, Mermaid or JSON.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Module,
    Action,
    Norm,
    Redline,
    Exception,
    Report,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    Uses,
    Declares,
    Triggers,
    Regulates,
    ExceptionOf,
    Overrides,
    Judges,
}

impl EdgeKind {
    fn label(self) -> &'static str {
        match self {
            EdgeKind::Uses => "uses",
            EdgeKind::Declares => "declares",
            EdgeKind::Triggers => "triggered by",
            EdgeKind::Regulates => "regulates",
            EdgeKind::ExceptionOf => "exception to",
            EdgeKind::Overrides => "overrides",
            EdgeKind::Judges => "judges with",
        }
    }
}

pub struct DepGraph {
    pub graph: DiGraph<Node, EdgeKind>,
}

/// Build the graph of a program.
pub fn build(p: &Program) -> DepGraph {
    let mut g: DiGraph<Node, EdgeKind> = DiGraph::new();
    let module_nodes: Vec<NodeIndex> = p
        .modules
        .iter()
        .map(|m| {
            g.add_node(Node {
                id: m.name.clone(),
                kind: NodeKind::Module,
            })
        })
        .collect();
    for (i, m) in p.modules.iter().enumerate() {
        for u in &m.uses {
            g.add_edge(module_nodes[i], module_nodes[u.index()], EdgeKind::Uses);
        }
    }
    let action_nodes: Vec<NodeIndex> = p
        .actions
        .iter()
        .map(|a| {
            g.add_node(Node {
                id: a.qualified.clone(),
                kind: NodeKind::Action,
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
                kind,
            })
        })
        .collect();
    let exc_nodes: Vec<NodeIndex> = p
        .exceptions
        .iter()
        .map(|e| {
            g.add_node(Node {
                id: e.qualified.clone(),
                kind: NodeKind::Exception,
            })
        })
        .collect();
    for (i, n) in p.norms.iter().enumerate() {
        g.add_edge(
            module_nodes[n.module.index()],
            norm_nodes[i],
            EdgeKind::Declares,
        );
        if let Some(t) = &n.trigger {
            if let Some(&a) = action_nodes.get(t.pattern.action.index()) {
                g.add_edge(norm_nodes[i], a, EdgeKind::Triggers);
            }
        }
        let regulated = n
            .matched
            .as_ref()
            .map(|m| m.action)
            .or(n.required.as_ref().map(|r| r.action));
        if let Some(a) = regulated.and_then(|a| action_nodes.get(a.index())) {
            g.add_edge(norm_nodes[i], *a, EdgeKind::Regulates);
        }
        for o in &n.overrides {
            if let Some(&t) = norm_nodes.get(o.index()) {
                g.add_edge(norm_nodes[i], t, EdgeKind::Overrides);
            }
        }
    }
    for (i, e) in p.exceptions.iter().enumerate() {
        g.add_edge(
            module_nodes[e.module.index()],
            exc_nodes[i],
            EdgeKind::Declares,
        );
        let target = match e.target {
            ExceptionTarget::Norm(n) => norm_nodes.get(n.index()),
            ExceptionTarget::Exception(x) => exc_nodes.get(x.index()),
        };
        if let Some(&t) = target {
            g.add_edge(exc_nodes[i], t, EdgeKind::ExceptionOf);
        }
    }
    for r in &p.reports {
        let node = g.add_node(Node {
            id: r.qualified.clone(),
            kind: NodeKind::Report,
        });
        g.add_edge(module_nodes[r.module.index()], node, EdgeKind::Declares);
        for n in &r.in_force {
            g.add_edge(node, norm_nodes[n.index()], EdgeKind::Judges);
        }
    }
    DepGraph { graph: g }
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
}

/// Graphviz DOT.
pub fn to_dot(g: &DepGraph) -> String {
    let mut out = String::from("digraph norma {\n  rankdir=LR;\n");
    for idx in g.graph.node_indices() {
        let n = &g.graph[idx];
        let shape = match n.kind {
            NodeKind::Module => "folder",
            NodeKind::Action => "ellipse",
            NodeKind::Norm => "box",
            NodeKind::Redline => "octagon",
            NodeKind::Exception => "diamond",
            NodeKind::Report => "note",
        };
        out.push_str(&format!(
            "  n{} [label={:?}, shape={shape}];\n",
            idx.index(),
            n.id
        ));
    }
    for e in g.graph.edge_indices() {
        if let Some((a, b)) = g.graph.edge_endpoints(e) {
            out.push_str(&format!(
                "  n{} -> n{} [label={:?}];\n",
                a.index(),
                b.index(),
                g.graph[e].label()
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart.
pub fn to_mermaid(g: &DepGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for idx in g.graph.node_indices() {
        let n = &g.graph[idx];
        let label = n.id.replace('"', "'");
        let (open, close) = match n.kind {
            NodeKind::Module => ("[/", "/]"),
            NodeKind::Action => ("([", "])"),
            NodeKind::Norm => ("[", "]"),
            NodeKind::Redline => ("{{", "}}"),
            NodeKind::Exception => ("{", "}"),
            NodeKind::Report => ("[[", "]]"),
        };
        out.push_str(&format!("  n{}{open}\"{label}\"{close}\n", idx.index()));
    }
    for e in g.graph.edge_indices() {
        if let Some((a, b)) = g.graph.edge_endpoints(e) {
            out.push_str(&format!(
                "  n{} -->|{}| n{}\n",
                a.index(),
                g.graph[e].label(),
                b.index()
            ));
        }
    }
    out
}

/// JSON: `{"schema_version":1,"nodes":[...],"edges":[...]}`.
pub fn to_json(g: &DepGraph) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = g
        .graph
        .node_indices()
        .map(|i| serde_json::json!({"id": g.graph[i].id, "kind": g.graph[i].kind}))
        .collect();
    let edges: Vec<serde_json::Value> = g
        .graph
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = g.graph.edge_endpoints(e)?;
            Some(
                serde_json::json!({"from": g.graph[a].id, "to": g.graph[b].id, "kind": g.graph[e]}),
            )
        })
        .collect();
    serde_json::json!({"schema_version": 1, "nodes": nodes, "edges": edges})
}
