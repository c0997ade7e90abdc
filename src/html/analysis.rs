//! The one-file HTML reports of `norma compare` and `norma diff`: for a
//! conflict, the two norms side by side, the witness as a timeline of
//! events (the event that carries the conflict marked) and the command
//! that replays it; for an amendment, each changed norm's old and new
//! text side by side with the changed words marked, its status, and a
//! scenario per direction. Reads the analysis's public results
//! (`analysis::Comparison`, `analysis::diff::Diff`) and each witness as
//! the front end checked it (the command line checks it); never the
//! analysis's internals.

use maud::{html, Markup};
use similar::{ChangeTag, TextDiff};

use super::report::{code_of, standalone};
use crate::analysis::deciding::DecidingFact;
use crate::analysis::diff::Diff;
use crate::analysis::Comparison;
use crate::driver::Session;
use crate::time::format_interval;

/// One `name: value` of a witness, marked when it is a fact that
/// decides it: highlighted, and said in words too (a `▸` and, for screen
/// readers, "deciding fact"), never by colour alone.
fn fact(name: &str, sep: &str, value: &str, deciding: bool) -> Markup {
    html! {
        @if deciding {
            mark.deciding { span.vh { "deciding fact: " } "▸ " (name) (sep) code { (value) } }
        } @else {
            (name) (sep) code { (value) }
        }
    }
}

/// A witness as a timeline: its entities, then its events in time order,
/// the one named `decisive` marked, and the facts of `deciding` (the
/// fields, arguments and times its deciding conditions read)
/// highlighted. `None` when the witness did not check here (it is shown
/// as text only).
pub fn timeline(w: Option<&Session>, decisive: &str, deciding: &[DecidingFact]) -> Markup {
    let Some(s) = w else {
        return html! {};
    };
    let p = &s.program;
    let Some(r) = p.reports.first() else {
        return html! {};
    };
    let decides = |subject: &str, field: &str| {
        deciding
            .iter()
            .any(|f| f.subject == subject && f.field == field)
    };
    let mut events: Vec<&crate::model::EventDef> = r.events.iter().collect();
    events.sort_by_key(|e| e.at);
    html! {
        @if !deciding.is_empty() {
            p.note { "The facts that decide it are highlighted and marked ▸; the witness's other values are arbitrary." }
        }
        @if !r.entities.is_empty() {
            p { "Who and what: " }
            ul {
                @for &id in &r.entities {
                    @let e = p.entity(id);
                    @let rec = &p.records[e.record.index()];
                    li { code { (e.name) } ": " (rec.name) " — "
                        @for (k, (f, v)) in rec.fields.iter().zip(&e.fields).enumerate() {
                            @if k > 0 { ", " }
                            (fact(&f.name, " ", &p.show_value(v, Some(r)), decides(&e.name, &f.name)))
                        }
                    }
                }
            }
        }
        ol.timeline {
            @for e in events {
                @let a = p.action(e.action);
                @let args = html! {
                    @for (k, (f, v)) in a.params.iter().zip(&e.args).enumerate() {
                        @if k > 0 { ", " }
                        (fact(&f.name, ": ", &p.show_value(v, Some(r)), decides(&e.name, &f.name)))
                    }
                };
                @let when = format_interval(e.at, e.at_hi);
                li {
                    @if decides(&e.name, "at") {
                        time { mark.deciding { span.vh { "deciding fact: " } "▸ " (when) } }
                    } @else {
                        time { (when) }
                    }
                    @if e.name == decisive {
                        mark.decisive { code { (e.name) } " " (a.name) "(" (args) ")" }
                        " — the event that decides it"
                    } @else {
                        code { (e.name) } " " (a.name) "(" (args) ")"
                    }
                }
            }
        }
    }
}

fn witness_text(text: &str) -> Markup {
    html! {
        details {
            summary { "The witness, as a report" }
            pre.code { code { (text) } }
        }
    }
}

/// `norma compare --format html`. `witnesses[i]` is the i-th conflict's
/// witness as checked; `replay` the command that replays the witnesses.
pub fn compare_page(
    s: &Session,
    result: &Comparison,
    witnesses: &[Option<Session>],
    replay: &str,
) -> String {
    let p = &s.program;
    let body = html! {
        h1 { "Conflicts between the texts" }
        p { @if result.conflicts.is_empty() {
                "No conflict with at most " (result.events) " events."
            } @else {
                (result.conflicts.len()) @if result.conflicts.len() == 1 { " conflict, shown" } @else { " conflicts, each shown" } " by the smallest incident of at most "
                (result.events) " events found, replayed by the evaluator."
            } }
        @for (i, c) in result.conflicts.iter().enumerate() {
            @let (a, b) = (p.norm(c.first), p.norm(c.other));
            section.conflict id=(format!("conflict-{}", i + 1)) {
                h2 { "Conflict " (i + 1) ": " span.label.conflict { (c.kind.as_str()) } " "
                    code { (a.qualified) } " and " code { (b.qualified) } }
                div.side {
                    div { h3 { code { (a.qualified) } } @if let Some(t) = &a.title { p { (t) } } (code_of(&s.sources, a.span)) }
                    div { h3 { code { (b.qualified) } } @if let Some(t) = &b.title { p { (t) } } (code_of(&s.sources, b.span)) }
                }
                h3 { "The incident where they collide" }
                (timeline(witnesses.get(i).and_then(Option::as_ref), &c.event, &c.deciding))
                (witness_text(&c.witness))
                p { "Replay: " code { (replay) } }
            }
        }
        @if !result.not_analysed.is_empty() {
            h2 { "Not analysed" }
            ul { @for n in &result.not_analysed { li { code { (p.norm(n.norm).qualified) } ": " (n.reason) } } }
        }
    };
    standalone("Conflicts", body)
}

/// Old and new text with the changed words marked.
fn word_diff(old: &str, new: &str) -> (Markup, Markup) {
    let d = TextDiff::from_words(old, new);
    let mut o = Vec::new();
    let mut n = Vec::new();
    for ch in d.iter_all_changes() {
        let v = ch.value().to_string();
        match ch.tag() {
            ChangeTag::Equal => {
                o.push(html! { (v) });
                n.push(html! { (v) });
            }
            ChangeTag::Delete => o.push(html! { del { (v) } }),
            ChangeTag::Insert => n.push(html! { ins { (v) } }),
        }
    }
    (
        html! { pre.code { code { @for x in o { (x) } } } },
        html! { pre.code { code { @for x in n { (x) } } } },
    )
}

/// `norma diff --format html`. `witnesses[i][j]` is the j-th witness of
/// the i-th norm, as checked under its version, and the command that
/// replays it once saved as `witness.norma`.
/// `texts[i]` is the i-th norm's text in the old and the new version.
pub fn diff_page(
    result: &Diff,
    texts: &[(Option<String>, Option<String>)],
    witnesses: &[Vec<(Option<Session>, String)>],
) -> String {
    let body = html! {
        h1 { "What the new version changes" }
        table {
            thead { tr { th scope="col" { "Norm" } th scope="col" { "Status" } } }
            tbody { @for n in &result.norms {
                tr { td { a href=(format!("#diff-{}", n.name)) { code { (n.name) } } }
                     td { span.(format!("label {}", n.status.as_str())) { (n.status.as_str()) } } }
            } }
        }
        @if !result.exceptions_added.is_empty() { p { "Exceptions added: " (result.exceptions_added.join(", ")) } }
        @if !result.exceptions_removed.is_empty() { p { "Exceptions removed: " (result.exceptions_removed.join(", ")) } }
        p.note { "Every scenario has at most " (result.events) " events and was replayed by the evaluator under its version." }
        @for (i, n) in result.norms.iter().enumerate() {
            section.normdiff id=(format!("diff-{}", n.name)) {
                h2 { code { (n.name) } " " span.(format!("label {}", n.status.as_str())) { (n.status.as_str()) } }
                @if let Some(from) = &n.from { p { "Renamed from " code { (from) } "; its findings are the same on every scenario of at most " (result.events) " events." } }
                @if !n.attributes.is_empty() {
                    p { "Changed beside its findings: "
                        (n.attributes.iter().map(|a| a.describe()).collect::<Vec<_>>().join(", ")) "." }
                }
                @let none = (None, None);
                @match texts.get(i).unwrap_or(&none) {
                    (Some(o), Some(nw)) => {
                        @let (a, b) = word_diff(o, nw);
                        div.side { div { h3 { "Old" } (a) } div { h3 { "New" } (b) } }
                    },
                    (Some(o), None) => { h3 { "Old (removed)" } pre.code { code { (o) } } },
                    (None, Some(nw)) => { h3 { "New (added)" } pre.code { code { (nw) } } },
                    (None, None) => {},
                }
                @for (j, w) in n.witnesses.iter().enumerate() {
                    h3 { "A " span.(format!("label {}", w.change.as_str())) { (w.change.as_str()) } " change, under the "
                        (w.holds_under.as_str()) " version" }
                    p { "At " code { (w.event) } ": "
                        @if w.findings.is_empty() { "no finding" } @else { (w.findings.join(", ")) } }
                    @let checked = witnesses.get(i).and_then(|v| v.get(j));
                    (timeline(checked.and_then(|c| c.0.as_ref()), &w.event, &w.deciding))
                    (witness_text(&w.witness))
                    @if let Some((_, cmd)) = checked {
                        p { "Replay: save the witness as " code { "witness.norma" } ", then " code { (cmd) } }
                    }
                }
            }
        }
        @if !result.not_analysed.is_empty() {
            h2 { "Not analysed" }
            ul { @for n in &result.not_analysed { li { code { (n.norm) } ": " (n.reason) } } }
        }
    };
    standalone("Diff", body)
}
