//! The graph as text: Graphviz DOT, a Mermaid flowchart, JSON.
//!
//! The drawings group nodes by module — a DOT `cluster_N`, a Mermaid
//! `subgraph` — each holding its module's node (a folder) and its
//! declarations under their short names, so `declares` edges are not
//! drawn; a report's `judges with` edges go once to each module whose
//! norms it judges, not to every norm; conflicts are dashed edges
//! labelled with their kind. JSON keeps every edge, qualified names and
//! the module of each node. Node ids are `nN` (and `mN` for a Mermaid
//! subgraph): names are only ever labels, quoted and escaped, so `::` or
//! any character of a file name stays valid for both renderers.

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{DepGraph, EdgeKind, NodeKind};
use crate::model::ModuleId;

/// A drawing's edge after grouping: tail, head, kind, and for DOT the
/// clusters it is clipped at (`ltail`, `lhead`).
struct Drawn {
    from: NodeIndex,
    to: NodeIndex,
    kind: EdgeKind,
    ltail: Option<ModuleId>,
    lhead: Option<ModuleId>,
}

/// The nodes of each module, modules in program order.
fn clusters(g: &DepGraph) -> BTreeMap<ModuleId, Vec<NodeIndex>> {
    let mut out: BTreeMap<ModuleId, Vec<NodeIndex>> = BTreeMap::new();
    for i in g.graph.node_indices() {
        let node = &g.graph[i];
        let list = out.entry(node.module).or_default();
        // The module's own node first.
        if node.kind == NodeKind::Module {
            list.insert(0, i);
        } else {
            list.push(i);
        }
    }
    out
}

/// The edges to draw: no `declares` (the cluster shows it), one `judges
/// with` per report and module (to the module's node; to the norm
/// itself in the report's own module), and module-to-module `uses`
/// clipped at both clusters.
fn drawn_edges(g: &DepGraph) -> Vec<Drawn> {
    let module_node: BTreeMap<ModuleId, NodeIndex> = g
        .graph
        .node_indices()
        .filter(|&i| g.graph[i].kind == NodeKind::Module)
        .map(|i| (g.graph[i].module, i))
        .collect();
    let mut judged: Vec<(NodeIndex, ModuleId)> = Vec::new();
    let mut out = Vec::new();
    for e in g.graph.edge_references() {
        let (from, to, kind) = (e.source(), e.target(), *e.weight());
        let (mf, mt) = (g.graph[from].module, g.graph[to].module);
        match kind {
            EdgeKind::Declares => {}
            EdgeKind::Judges if mf != mt => {
                if judged.contains(&(from, mt)) {
                    continue;
                }
                judged.push((from, mt));
                if let Some(&m) = module_node.get(&mt) {
                    out.push(Drawn {
                        from,
                        to: m,
                        kind,
                        ltail: None,
                        lhead: Some(mt),
                    });
                }
            }
            EdgeKind::Uses if mf != mt => out.push(Drawn {
                from,
                to,
                kind,
                ltail: Some(mf),
                lhead: Some(mt),
            }),
            _ => out.push(Drawn {
                from,
                to,
                kind,
                ltail: None,
                lhead: None,
            }),
        }
    }
    out
}

/// A DOT string literal.
fn dot_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside a Mermaid `"..."` label.
fn mermaid_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Graphviz DOT.
pub fn to_dot(g: &DepGraph) -> String {
    let mut out = String::from("digraph norma {\n  rankdir=LR;\n  compound=true;\n");
    for (m, nodes) in clusters(g) {
        let name = g.modules.get(m.index()).map_or("", String::as_str);
        out.push_str(&format!(
            "  subgraph cluster_{} {{\n    label={};\n    style=rounded;\n",
            m.index(),
            dot_string(name)
        ));
        for idx in nodes {
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
                "    n{} [label={}, shape={shape}, tooltip={}];\n",
                idx.index(),
                dot_string(&n.name),
                dot_string(&n.id)
            ));
        }
        out.push_str("  }\n");
    }
    for e in drawn_edges(g) {
        let mut attrs = format!("label={}", dot_string(e.kind.label()));
        if let EdgeKind::Conflicts(_) = e.kind {
            attrs.push_str(", style=dashed, color=red, fontcolor=red, dir=none");
        }
        if let Some(m) = e.ltail {
            attrs.push_str(&format!(", ltail=cluster_{}", m.index()));
        }
        if let Some(m) = e.lhead {
            attrs.push_str(&format!(", lhead=cluster_{}", m.index()));
        }
        out.push_str(&format!(
            "  n{} -> n{} [{attrs}];\n",
            e.from.index(),
            e.to.index()
        ));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart.
pub fn to_mermaid(g: &DepGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (m, nodes) in clusters(g) {
        let name = g.modules.get(m.index()).map_or("", String::as_str);
        out.push_str(&format!(
            "  subgraph m{} [{}]\n",
            m.index(),
            mermaid_string(name)
        ));
        for idx in nodes {
            let n = &g.graph[idx];
            let (open, close) = match n.kind {
                NodeKind::Module => ("[/", "/]"),
                NodeKind::Action => ("([", "])"),
                NodeKind::Norm => ("[", "]"),
                NodeKind::Redline => ("{{", "}}"),
                NodeKind::Exception => ("{", "}"),
                NodeKind::Report => ("[[", "]]"),
            };
            out.push_str(&format!(
                "    n{}{open}{}{close}\n",
                idx.index(),
                mermaid_string(&n.name)
            ));
        }
        out.push_str("  end\n");
    }
    let mut dashed = Vec::new();
    for (count, e) in drawn_edges(g).into_iter().enumerate() {
        let (a, b) = (e.from.index(), e.to.index());
        match e.kind {
            EdgeKind::Conflicts(kind) => {
                dashed.push(count.to_string());
                out.push_str(&format!("  n{a} -.-|{kind}| n{b}\n"));
            }
            kind => out.push_str(&format!("  n{a} -->|{}| n{b}\n", kind.label())),
        }
    }
    if !dashed.is_empty() {
        out.push_str(&format!(
            "  linkStyle {} stroke:red,color:red\n",
            dashed.join(",")
        ));
    }
    out
}

/// JSON: `{"schema_version":1,"nodes":[{"id","kind","module"}],
/// "edges":[{"from","to","kind"[,"conflict"]}]}`.
pub fn to_json(g: &DepGraph) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = g
        .graph
        .node_indices()
        .map(|i| {
            let n = &g.graph[i];
            serde_json::json!({
                "id": n.id,
                "kind": n.kind,
                "module": g.modules.get(n.module.index()),
            })
        })
        .collect();
    let edges: Vec<serde_json::Value> = g
        .graph
        .edge_references()
        .map(|e| {
            let kind = *e.weight();
            let mut v = serde_json::json!({
                "from": g.graph[e.source()].id,
                "to": g.graph[e.target()].id,
                "kind": kind.json_kind(),
            });
            if let (EdgeKind::Conflicts(c), Some(obj)) = (kind, v.as_object_mut()) {
                obj.insert("conflict".into(), c.into());
            }
            v
        })
        .collect();
    serde_json::json!({"schema_version": 1, "nodes": nodes, "edges": edges})
}
