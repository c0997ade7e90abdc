//! The one-file HTML reports of `norma eval` and `norma explain`: the
//! findings of each report grouped by event, each with its explanation
//! one click away (a `<details>`), the event's code beside them. Every
//! page is self-contained: its stylesheet is inline, it has no script, and
//! it fetches nothing. Reads the checked model and the evaluator's public
//! results (`eval::Finding`, `eval::Explanation`).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::code::highlight;
use super::style::CSS;
use crate::analysis::deciding::{condition_reads, DecidingFact};
use crate::driver::Session;
use crate::eval::{ConditionTrace, ExceptionTrace, Explanation, InstanceTrace, ReportFindings};
use crate::model::{EventId, Program, ReportDef, ReportId};
use crate::span::{SourceMap, Span};
use crate::time::{format_interval, format_time};

/// Past this many events with findings, a report's explanations are not
/// inlined (each is a fresh judgement of the event): the findings are,
/// and `norma explain` gives any event's.
pub const MAX_EXPLAINED_EVENTS: usize = 500;

/// A self-contained page: the stylesheet inline, no script.
pub fn standalone(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Norma" }
                style { (PreEscaped(CSS)) }
            }
            body { main { (body) } }
        }
    }
    .into_string()
}

pub fn code_of(sources: &SourceMap, span: Span) -> Markup {
    let file = sources.get(span.file);
    highlight(&file.text, span.file, span.range(), None, "", &[])
}

fn truth(t: crate::eval::Truth) -> Markup {
    html! { span.(format!("label {}", t.as_str())) { (t.as_str()) } }
}

/// The facts of the report each leaf condition reads, by its span.
type Reads = [(Span, Vec<DecidingFact>)];

fn condition(sources: &SourceMap, reads: &Reads, c: &ConditionTrace) -> Markup {
    let facts = reads
        .iter()
        .find(|(span, _)| *span == c.span)
        .map_or(&[][..], |(_, f)| f.as_slice());
    html! {
        li {
            @if !c.clause.is_empty() { strong { (c.clause) } " " }
            code { (sources.text(c.span)) } " → " (truth(c.value))
            @if !facts.is_empty() {
                " — reads "
                @for (k, f) in facts.iter().enumerate() {
                    @if k > 0 { ", " }
                    mark.deciding { span.vh { "fact read: " } "▸ " code { (f.subject) "." (f.field) " = " (f.value) } }
                }
            }
            @if !c.parts.is_empty() {
                ul { @for p in &c.parts { (condition(sources, reads, p)) } }
            }
        }
    }
}

fn exception(sources: &SourceMap, reads: &Reads, e: &ExceptionTrace) -> Markup {
    html! {
        li {
            "exception " code { (e.name) } " to " code { (e.target) }
            ": applies " (truth(e.applies)) ", defeated " (truth(e.defeated)) ", holds " (truth(e.holds))
            @if !e.conditions.is_empty() {
                ul { @for c in &e.conditions { (condition(sources, reads, c)) } }
            }
        }
    }
}

/// Why one instance of a norm came out as it did on an event of
/// `report`: each condition with its value and the facts it reads
/// (highlighted, and marked in text).
pub fn instance(s: &Session, report: ReportId, i: &InstanceTrace) -> Markup {
    let sources = &s.sources;
    let reads = condition_reads(s, report, i);
    let reads = reads.as_slice();
    html! {
        div.instance {
            p {
                strong { code { (i.norm_name) } } " (" (i.modality) ", the event is its " (i.role.as_str()) ")"
                @if let Some(o) = i.outcome { " — alone it gives " span.(format!("label {}", o.as_str())) { (o.as_str()) } }
            }
            @if !i.bindings.is_empty() {
                p { "Bindings: "
                    @for (k, (n, v)) in i.bindings.iter().enumerate() { @if k > 0 { ", " } code { (n) " = " (v) } }
                }
            }
            p { "applies " (truth(i.applies)) ", defeated " (truth(i.defeated)) ", in force " (truth(i.in_force)) }
            @if !i.conditions.is_empty() { ul.conditions { @for c in &i.conditions { (condition(sources, reads, c)) } } }
            @if !i.exceptions.is_empty() { ul { @for e in &i.exceptions { (exception(sources, reads, e)) } } }
            @if !i.collisions.is_empty() {
                ul { @for c in &i.collisions {
                    li { (c.modality) " " code { (c.other_name) } ": " (truth(c.value)) ", " (c.decided) }
                } }
            }
            @if let Some(d) = &i.duty {
                p { "Duty: deadline " (format_interval(d.deadline.0, d.deadline.1)) ", " span.(format!("label {}", d.outcome.as_str())) { (d.outcome.as_str()) }
                    @if let Some(f) = &d.fulfilled_by { ", performed by " code { (f) } } }
            }
        }
    }
}

fn finding_line(p: &Program, r: &ReportDef, f: &crate::eval::Finding) -> Markup {
    let n = p.norm(f.norm);
    html! {
        span.(format!("label {}", f.kind.as_str())) { (f.kind.as_str()) } " "
        code { (n.qualified) }
        @if let Some(t) = &n.title { " " (t) }
        " · severity " (f.severity.as_str())
        @if let Some(o) = f.other { " · with " code { (p.norm(o).qualified) } }
        @if let Some((lo, hi)) = f.deadline { " · deadline " (format_interval(lo, hi)) }
        @let b: Vec<String> = f.bindings(p, r).map(|(k, v)| format!("{k} = {v}")).collect();
        @if !b.is_empty() { " · " code { (b.join(", ")) } }
    }
}

/// The findings of a report grouped by their event, in event order.
fn by_event(rf: &ReportFindings) -> Vec<(usize, Vec<&crate::eval::Finding>)> {
    let mut groups: Vec<(usize, Vec<&crate::eval::Finding>)> = Vec::new();
    let mut sorted: Vec<&crate::eval::Finding> = rf.findings.iter().collect();
    sorted.sort_by_key(|f| f.event.index());
    for f in sorted {
        match groups.last_mut() {
            Some((ei, list)) if *ei == f.event.index() => list.push(f),
            _ => groups.push((f.event.index(), vec![f])),
        }
    }
    groups
}

/// `norma eval --format html`: every report's findings, grouped by event.
pub fn eval_page(s: &Session, results: &[ReportFindings]) -> String {
    let p = &s.program;
    let body = html! {
        h1 { "Findings" }
        @for rf in results {
            @let r = p.report(rf.report);
            section.report {
                h2 { "Report " code { (r.qualified) } @if let Some(t) = &r.title { " " (t) } }
                p.note { "As of " (format_time(r.as_of)) "; " (rf.findings.len()) " findings on " (r.events.len()) " events." }
                @if rf.findings.is_empty() { p { "No finding." } }
                @for (k, (ei, here)) in by_event(rf).into_iter().enumerate() {
                    @if let Some(ev) = r.events.get(ei) {
                    section.event id=(format!("{}-{}", r.name, ev.name)) {
                        h3 { "Event " code { (ev.name) } " at " (format_interval(ev.at, ev.at_hi)) }
                        (code_of(&s.sources, ev.span))
                        ul.findings { @for f in &here { li { (finding_line(p, r, f)) } } }
                        @if k < MAX_EXPLAINED_EVENTS {
                            @let x = crate::eval::explain(p, rf.report, EventId(ei as u32));
                            details {
                                summary { "Why: the explanation of " code { (ev.name) } }
                                @for i in &x.instances { (instance(s, rf.report, i)) }
                            }
                        } @else {
                            p.note { "Explanation: " code { "norma explain FILE --report " (r.name) " --event " (ev.name) } }
                        }
                    }
                    }
                }
            }
        }
    };
    standalone("Findings", body)
}

/// `norma explain --format html`: one event, its findings and why.
pub fn explain_page(s: &Session, x: &Explanation) -> String {
    let p = &s.program;
    let r = p.report(x.report_id);
    let body = html! {
        h1 { "Why: event " code { (x.event) } " of " code { (x.report) } }
        @if let Some((lo, hi)) = x.at { p.note { "At " (format_interval(lo, hi)) "." } }
        @if let Some(span) = x.event_span { (code_of(&s.sources, span)) }
        h2 { "Findings" }
        @if x.findings.is_empty() { p { "No finding on this event." } }
        ul.findings { @for f in &x.findings { li { (finding_line(p, r, f)) } } }
        h2 { "Every norm that touched the event" }
        @for i in &x.instances {
            (instance(s, x.report_id, i))
            (code_of(&s.sources, i.span))
        }
    };
    standalone(&format!("Why {}", x.event), body)
}
