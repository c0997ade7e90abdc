//! `norma explain` output: the [`Explanation`] of one event as an indented
//! human tree (each condition with its value and its source text) or as
//! JSON. Renderers return strings; they never print.

use ariadne::{Color, Fmt};
use serde_json::{json, Map, Value as Json};

use crate::model::Program;
use crate::span::{SourceMap, Span};

use super::explain::{ConditionTrace, Explanation, InstanceTrace};
use super::render_findings::{file, finding_json, span_json};
use super::truth::Truth;

/// The source text of a span on one line (whitespace runs collapsed).
fn snippet(sources: &SourceMap, span: Span) -> String {
    let text = file(sources, span.file)
        .and_then(|f| f.text.get(span.range()))
        .unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Painter {
    color: bool,
}

impl Painter {
    fn truth(&self, t: Truth) -> String {
        let word = format!("{:<7}", t.as_str());
        if !self.color {
            return word;
        }
        let c = match t {
            Truth::True => Color::Green,
            Truth::False => Color::Red,
            Truth::Unknown => Color::Yellow,
        };
        format!("{}", word.fg(c))
    }

    fn strong(&self, s: &str) -> String {
        if self.color {
            format!("{}", s.fg(Color::Cyan))
        } else {
            s.to_string()
        }
    }
}

fn condition_lines(
    p: &Painter,
    sources: &SourceMap,
    c: &ConditionTrace,
    indent: usize,
    out: &mut String,
) {
    // An explicit stack: conditions nest as deep as the source does.
    let mut stack = vec![(c, indent)];
    while let Some((c, indent)) = stack.pop() {
        let clause = if c.clause.is_empty() {
            String::new()
        } else {
            format!("{} ", c.clause)
        };
        out.push_str(&format!(
            "{:indent$}{clause}{} {}\n",
            "",
            p.truth(c.value),
            snippet(sources, c.span)
        ));
        for part in c.parts.iter().rev() {
            stack.push((part, indent + 2));
        }
    }
}

fn instance_lines(
    p: &Painter,
    program: &Program,
    sources: &SourceMap,
    t: &InstanceTrace,
    out: &mut String,
) {
    let mut head = format!("{} {}", t.modality, p.strong(&t.norm_name));
    match t.role {
        super::explain::Role::Matched => {
            head.push_str(&format!(
                " — matched {}",
                t.matched.as_deref().unwrap_or("?")
            ));
        }
        super::explain::Role::Trigger => head.push_str(" — triggered here"),
        super::explain::Role::Performs => head.push_str(" — this event performs its duty"),
    }
    if let (Some(tr), false) = (&t.trigger, t.role == super::explain::Role::Trigger) {
        head.push_str(&format!(" (trigger {tr})"));
    }
    if let (Some(m), super::explain::Role::Trigger) = (&t.matched, t.role) {
        head.push_str(&format!(" (matched {m})"));
    }
    out.push_str(&head);
    out.push('\n');
    if let Some((norm, kind, at)) = &t.breach {
        out.push_str(&format!(
            "  answers the breach of {norm}: {} at {}\n",
            kind.as_str(),
            crate::time::format_interval(at.0, at.1)
        ));
    }
    if !t.bindings.is_empty() {
        let shown: Vec<String> = t
            .bindings
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        out.push_str(&format!("  bindings: {}\n", shown.join(", ")));
    }
    for c in &t.conditions {
        condition_lines(p, sources, c, 2, out);
    }
    out.push_str(&format!(
        "  applies {}  defeated {}  in force {}\n",
        p.truth(t.applies).trim_end(),
        p.truth(t.defeated).trim_end(),
        p.truth(t.in_force).trim_end()
    ));
    for x in &t.exceptions {
        let pad = 2 * x.depth;
        let verdict = match x.holds {
            Truth::True => "holds",
            Truth::False if x.applies.is_false() => "does not apply",
            Truth::False => "applies but is itself defeated",
            Truth::Unknown => "may hold",
        };
        out.push_str(&format!(
            "{:pad$}exception {} to {}: {verdict}\n",
            "", x.name, x.target
        ));
        for c in &x.conditions {
            condition_lines(p, sources, c, pad + 2, out);
        }
    }
    for c in &t.collisions {
        let how = match c.decided {
            "won" => format!("{} overrides {} and prevails", c.other_name, t.norm_name),
            "lost" => format!("{} overrides {} and prevails", t.norm_name, c.other_name),
            _ => "no override between them".to_string(),
        };
        out.push_str(&format!(
            "  collides with {} {}: {} — {how}\n",
            c.modality,
            c.other_name,
            p.truth(c.value).trim_end()
        ));
    }
    if let Some(d) = &t.duty {
        out.push_str(&format!(
            "  window {} to {}; status {}",
            crate::time::format_interval(d.opens.0, d.opens.1),
            crate::time::format_interval(d.deadline.0, d.deadline.1),
            d.status.as_str()
        ));
        if let Some(by) = &d.fulfilled_by {
            out.push_str(&format!(" (by {by})"));
        }
        out.push('\n');
        for (f, how) in &d.conflicts {
            out.push_str(&format!(
                "  its action would violate {f} at every time of its window: {how}\n"
            ));
        }
    }
    if let Some(k) = t.outcome {
        out.push_str(&format!("  => {}\n", k.as_str()));
    }
    let _ = program;
}

/// The explanation as an indented tree, one block per norm instance.
pub fn render_explain_human(
    program: &Program,
    sources: &SourceMap,
    x: &Explanation,
    color: bool,
) -> String {
    let p = Painter { color };
    let mut out = format!("event {} of report {}", x.event, x.report);
    if let Some((lo, hi)) = x.at {
        out.push_str(&format!(" at {}", crate::time::format_interval(lo, hi)));
    }
    out.push('\n');
    if x.findings.is_empty() {
        out.push_str("findings: none\n");
    } else {
        let report = program.reports.get(x.report_id.index());
        for f in &x.findings {
            let line = report.map_or_else(String::new, |r| super::expect::describe(program, r, f));
            out.push_str(&format!("finding: {line}\n"));
        }
    }
    if x.instances.is_empty() {
        out.push_str("no norm in force touches this event\n");
    }
    for t in &x.instances {
        out.push('\n');
        instance_lines(&p, program, sources, t, &mut out);
    }
    out
}

fn condition_json(sources: &SourceMap, c: &ConditionTrace) -> Json {
    let mut o = Map::new();
    if !c.clause.is_empty() {
        o.insert("clause".into(), json!(c.clause));
    }
    o.insert("text".into(), json!(snippet(sources, c.span)));
    o.insert("span".into(), span_json(sources, c.span));
    o.insert("value".into(), json!(c.value.as_str()));
    if !c.parts.is_empty() {
        let parts = c.parts.iter().map(|p| condition_json(sources, p)).collect();
        o.insert("parts".into(), Json::Array(parts));
    }
    Json::Object(o)
}

fn instance_json(sources: &SourceMap, t: &InstanceTrace) -> Json {
    let bindings: Map<String, Json> = t
        .bindings
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let exceptions: Vec<Json> = t
        .exceptions
        .iter()
        .map(|x| {
            json!({
                "exception": x.name,
                "target": x.target,
                "depth": x.depth,
                "conditions": x.conditions.iter().map(|c| condition_json(sources, c)).collect::<Vec<_>>(),
                "applies": x.applies.as_str(),
                "defeated": x.defeated.as_str(),
                "holds": x.holds.as_str(),
            })
        })
        .collect();
    let collisions: Vec<Json> = t
        .collisions
        .iter()
        .map(|c| {
            json!({
                "other": c.other_name,
                "modality": c.modality,
                "value": c.value.as_str(),
                "decided": c.decided,
            })
        })
        .collect();
    let mut o = json!({
        "norm": t.norm_name,
        "modality": t.modality,
        "role": t.role.as_str(),
        "trigger": t.trigger,
        "matched": t.matched,
        "bindings": bindings,
        "conditions": t.conditions.iter().map(|c| condition_json(sources, c)).collect::<Vec<_>>(),
        "applies": t.applies.as_str(),
        "defeated": t.defeated.as_str(),
        "in_force": t.in_force.as_str(),
        "exceptions": exceptions,
        "collisions": collisions,
        "outcome": t.outcome.map(|k| k.as_str()),
        "norm_span": span_json(sources, t.span),
    });
    if let (Some((norm, kind, at)), Some(obj)) = (&t.breach, o.as_object_mut()) {
        obj.insert(
            "breach".into(),
            json!({
                "norm": norm,
                "kind": kind.as_str(),
                "at": crate::time::format_interval(at.0, at.1),
            }),
        );
    }
    if let (Some(d), Some(obj)) = (&t.duty, o.as_object_mut()) {
        obj.insert(
            "duty".into(),
            json!({
                "opens": crate::time::format_interval(d.opens.0, d.opens.1),
                "deadline": crate::time::format_interval(d.deadline.0, d.deadline.1),
                "status": d.status.as_str(),
                "outcome": d.outcome.as_str(),
                "fulfilled_by": d.fulfilled_by,
                "performers": d.performers.iter()
                    .map(|(e, t)| json!({"event": e, "match": t.as_str()}))
                    .collect::<Vec<_>>(),
                "conflicts": d.conflicts.iter()
                    .map(|(f, how)| json!({"forbid": f, "override": how}))
                    .collect::<Vec<_>>(),
            }),
        );
    }
    o
}

/// `{"schema_version":1,"report":...,"event":...,"findings":[...],"instances":[...]}`.
pub fn render_explain_json(program: &Program, sources: &SourceMap, x: &Explanation) -> String {
    let findings: Vec<Json> = if x.report_id.index() < program.reports.len() {
        x.findings
            .iter()
            .map(|f| finding_json(program, sources, x.report_id, f))
            .collect()
    } else {
        Vec::new()
    };
    let v = json!({
        "schema_version": 1,
        "report": x.report,
        "event": x.event,
        "at": x.at.map(|(lo, hi)| crate::time::format_interval(lo, hi)),
        "event_span": x.event_span.map(|s| span_json(sources, s)),
        "findings": findings,
        "instances": x.instances.iter().map(|t| instance_json(sources, t)).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
