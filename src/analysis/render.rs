//! A comparison as text: JSON exactly as §10, and a human report through
//! ariadne that points at both norms in their own files (the standard
//! library's included) with the witness printed under them.

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use serde_json::json;

use crate::model::Program;
use crate::span::SourceMap;

use super::compare::{Comparison, ConflictKind};
use super::diff::{Attribute, Diff, DiffWitness, Status};

pub fn comparison_json(program: &Program, c: &Comparison) -> serde_json::Value {
    json!({
        "schema_version": 1,
        "events": c.events,
        "conflicts": c.conflicts.iter().map(|x| json!({
            "kind": x.kind.as_str(),
            "norms": [program.norm(x.first).qualified, program.norm(x.other).qualified],
            "event": x.event,
            "witness": x.witness,
        })).collect::<Vec<_>>(),
        "not_analysed": c.not_analysed.iter().map(|n| json!({
            "norm": program.norm(n.norm).qualified,
            "reason": n.reason,
        })).collect::<Vec<_>>(),
        "summary": { "conflicts": c.conflicts.len() },
    })
}

/// `2 conflicts (scenarios of at most 4 events)` / `no conflict with at
/// most 4 events`.
pub fn summary_line(c: &Comparison) -> String {
    let k = c.events;
    let events = if k == 1 { "event" } else { "events" };
    match c.conflicts.len() {
        0 => format!(
            "no conflict with at most {k} {events}; a larger --events may find one \
             that needs more events"
        ),
        n => format!(
            "{n} conflict{} between the texts (scenarios of at most {k} {events}), each \
             witness replayed by the evaluator",
            if n == 1 { "" } else { "s" }
        ),
    }
}

pub fn comparison_human(
    sources: &SourceMap,
    program: &Program,
    c: &Comparison,
    color: bool,
) -> String {
    let cache_sources: Vec<(String, String)> = sources
        .files()
        .map(|(_, f)| (f.name.clone(), f.text.clone()))
        .collect();
    let mut cache = ariadne::sources(cache_sources);
    let mut out = Vec::new();
    for x in &c.conflicts {
        let first = program.norm(x.first);
        let other = program.norm(x.other);
        let (what_first, what_other, kind) = match x.kind {
            ConflictKind::PermitForbid => ("forbids", "permits", "permit–forbid"),
            ConflictKind::DutyForbid => ("obliges", "forbids", "duty–forbid"),
        };
        let file_of = |span: crate::span::Span| sources.get(span.file).name.clone();
        let message = format!(
            "({kind}) `{}` {what_first} what `{}` {what_other}",
            first.qualified, other.qualified
        );
        let report = Report::build(
            ReportKind::Custom("conflict", Color::Red),
            (file_of(first.name_span), first.name_span.range()),
        )
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_message(&message)
        .with_label(
            Label::new((file_of(first.name_span), first.name_span.range()))
                .with_message(format!("this norm {what_first} it"))
                .with_color(Color::Red)
                .with_order(0),
        )
        .with_label(
            Label::new((file_of(other.name_span), other.name_span.range()))
                .with_message(format!("this norm {what_other} it"))
                .with_color(Color::Blue)
                .with_order(1),
        )
        .with_note(format!(
            "neither overrides the other; the witness below shows it at `{}` ({} event{})",
            x.event,
            x.witness_events,
            if x.witness_events == 1 { "" } else { "s" }
        ));
        let _ = report.finish().write(&mut cache, &mut out);
        out.extend_from_slice(b"\n");
        for line in x.witness.lines() {
            if line.is_empty() {
                out.extend_from_slice(b"\n");
            } else {
                out.extend_from_slice(format!("    {line}\n").as_bytes());
            }
        }
        out.extend_from_slice(b"\n");
    }
    // ariadne writes what it was given, which is UTF-8 text.
    let mut text = String::from_utf8(out).unwrap_or_default();
    if !color {
        text = crate::diagnostics::strip_ansi(&text);
    }
    for n in &c.not_analysed {
        text.push_str(&format!(
            "not analysed: `{}` {}\n",
            program.norm(n.norm).qualified,
            n.reason
        ));
    }
    text.push_str(&summary_line(c));
    text.push('\n');
    // Norms of the standard library are shown in `std/NAME.norma`, which
    // is inside the binary: say how to see it.
    text.push_str(&crate::diagnostics::stdlib_note(
        c.conflicts.iter().flat_map(|x| {
            [x.first, x.other].map(|n| sources.get(program.norm(n).span.file).name.as_str())
        }),
    ));
    text
}

/// A diff as JSON, as §10 lays it out, with the exceptions added and
/// removed beside it. `from` (a renamed norm's old name) and `attributes`
/// appear only where they say something.
pub fn diff_json(d: &Diff) -> serde_json::Value {
    json!({
        "schema_version": 1,
        "events": d.events,
        "norms": d.norms.iter().map(|n| {
            let mut v = json!({
                "name": n.name,
                "status": n.status.as_str(),
                "witnesses": n.witnesses.iter().map(|w| json!({
                    "holds_under": w.holds_under.as_str(),
                    "event": w.event,
                    "witness": w.witness,
                })).collect::<Vec<_>>(),
            });
            if let Some(from) = &n.from {
                v["from"] = json!(from);
            }
            if !n.attributes.is_empty() {
                v["attributes"] = attributes_json(&n.attributes);
            }
            v
        }).collect::<Vec<_>>(),
        "exceptions": {
            "added": d.exceptions_added,
            "removed": d.exceptions_removed,
        },
        "not_analysed": d.not_analysed.iter().map(|n| {
            let mut v = json!({
                "norm": n.norm,
                "reason": n.reason,
            });
            if !n.attributes.is_empty() {
                v["attributes"] = attributes_json(&n.attributes);
            }
            v
        }).collect::<Vec<_>>(),
    })
}

/// `{"severity": [OLD, NEW], "response": [OLD, NEW]}`, the keys that differ.
fn attributes_json(attrs: &[Attribute]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for a in attrs {
        map.insert(a.key.to_string(), json!([a.old, a.new]));
    }
    serde_json::Value::Object(map)
}

/// What a norm's status line adds after its name: where a renamed norm
/// comes from, and the attributes that changed.
fn status_note(from: Option<&str>, attrs: &[Attribute]) -> String {
    let mut parts = Vec::new();
    if let Some(from) = from {
        parts.push(format!("from {from}"));
    }
    if !attrs.is_empty() {
        let each: Vec<String> = attrs.iter().map(Attribute::describe).collect();
        parts.push(each.join(", "));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

fn indented(text: &mut String, block: &str) {
    for line in block.lines() {
        if line.is_empty() {
            text.push('\n');
        } else {
            text.push_str(&format!("    {line}\n"));
        }
    }
}

/// One scenario, told apart by the two versions: the report once, then
/// the `expect` lines that hold under each version. Where the new
/// version's report is written differently (it `use`s its own module),
/// say how, or print it too.
fn scenario_once(old: &DiffWitness, new: &DiffWitness, text: &mut String) {
    text.push_str(
        "  the scenario (each version's `expect` lines below go before its closing `}`):\n",
    );
    indented(text, &old.report);
    let (a, b): (Vec<&str>, Vec<&str>) =
        (old.report.lines().collect(), new.report.lines().collect());
    let swaps: Option<Vec<String>> = (a.len() == b.len())
        .then(|| {
            a.iter()
                .zip(&b)
                .filter(|(x, y)| x != y)
                .map(|(x, y)| {
                    (x.starts_with("use ") && y.starts_with("use "))
                        .then(|| format!("`{y}` in place of `{x}`"))
                })
                .collect()
        })
        .flatten();
    text.push_str("  under the old version:\n");
    indented(text, &old.expects.join("\n"));
    indented(text, &old.comments);
    match swaps {
        Some(s) if s.is_empty() => text.push_str("  under the new version:\n"),
        Some(s) => text.push_str(&format!(
            "  under the new version (with {}):\n",
            s.join(", ")
        )),
        None => {
            text.push_str("  under the new version, whose report reads:\n");
            indented(text, &new.report);
            text.push_str("  and:\n");
        }
    }
    indented(text, &new.expects.join("\n"));
    indented(text, &new.comments);
}

/// A diff for a person: a line per norm with its status (and what else
/// changed), then, for each norm that changed, the findings of both
/// versions side by side at the event that tells them apart, and the
/// scenario, printed once with what it shows under each version.
pub fn diff_human(d: &Diff) -> String {
    let k = d.events;
    let events = if k == 1 { "event" } else { "events" };
    let mut text = String::new();
    for n in &d.norms {
        text.push_str(&format!(
            "{:<10} {}{}\n",
            n.status.as_str(),
            n.name,
            status_note(n.from.as_deref(), &n.attributes)
        ));
    }
    if !d.exceptions_added.is_empty() {
        text.push_str(&format!(
            "exceptions added: {}\n",
            d.exceptions_added.join(", ")
        ));
    }
    if !d.exceptions_removed.is_empty() {
        text.push_str(&format!(
            "exceptions removed: {}\n",
            d.exceptions_removed.join(", ")
        ));
    }
    for n in d.norms.iter().filter(|n| !n.witnesses.is_empty()) {
        text.push_str(&format!("\n{} is {}:\n", n.name, n.status.as_str()));
        for (i, pair) in n.witnesses.chunks(2).enumerate() {
            let show = |w: &DiffWitness| {
                if w.findings.is_empty() {
                    "no finding".to_string()
                } else {
                    w.findings.join(", ")
                }
            };
            let [old, new] = pair else { continue };
            if i > 0 {
                text.push('\n');
            }
            text.push_str(&format!(
                "  {} change at `{}`:\n    old version: {}\n    new version: {}\n",
                old.change.as_str(),
                old.event,
                show(old),
                show(new),
            ));
            scenario_once(old, new, &mut text);
        }
    }
    if !d.not_analysed.is_empty() {
        text.push('\n');
    }
    for n in &d.not_analysed {
        text.push_str(&format!(
            "not analysed: `{}` {}{}\n",
            n.norm,
            n.reason,
            status_note(None, &n.attributes)
        ));
    }
    let count = |s: Status| d.norms.iter().filter(|n| n.status == s).count();
    let matched = d
        .norms
        .iter()
        .filter(|n| !matches!(n.status, Status::Added | Status::Removed | Status::Renamed))
        .count();
    if matched > 0 && count(Status::Unchanged) == matched {
        text.push_str(&format!(
            "\nno difference with at most {k} {events}; a larger --events may find one \
             that needs more events\n"
        ));
    }
    text.push_str(&format!(
        "\n{} stricter, {} looser, {} changed, {} unchanged, {} added, {} removed, {} renamed \
         (scenarios of at most {k} {events}; each witness replayed by the evaluator)\n",
        count(Status::Stricter),
        count(Status::Looser),
        count(Status::Changed),
        count(Status::Unchanged),
        count(Status::Added),
        count(Status::Removed),
        count(Status::Renamed),
    ));
    text
}
