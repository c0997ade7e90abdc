//! A norm's card: its anchor (`#norm-NAME`), title, source, severity,
//! what it forbids, permits or obliges, its red-line response, overrides
//! in both directions, and its exceptions nested to any depth (an
//! exception declared in another module links to its page). Also the
//! escalation ladder: each rung with the red lines that justify it.
//! Reads the checked model only.

use maud::{html, Markup};

use super::links::{norm_anchor, Links};
use super::prose::markdown;
use crate::model::*;

/// Who overrides whom, and which norms are consequences of a breach of
/// which, computed once for the site.
pub struct Overrides {
    /// For each norm, the norms that override it.
    by: Vec<Vec<NormId>>,
    /// For each norm, the norms triggered by a breach of it.
    consequences: Vec<Vec<NormId>>,
}

impl Overrides {
    pub fn new(p: &Program) -> Overrides {
        let mut by = vec![Vec::new(); p.norms.len()];
        let mut consequences = vec![Vec::new(); p.norms.len()];
        for (i, n) in p.norms.iter().enumerate() {
            for o in &n.overrides {
                by[o.index()].push(NormId(i as u32));
            }
            if let Some(b) = n.trigger.as_ref().and_then(|t| t.breach) {
                consequences[b.norm.index()].push(NormId(i as u32));
            }
        }
        Overrides { by, consequences }
    }
}

pub fn kind_label(n: &NormDef) -> &'static str {
    match n.kind {
        NormKind::Norm => "norm",
        NormKind::Redline => "red line",
    }
}

/// What the norm regulates: `forbids ACTION`, linked to the action.
fn regulated(p: &Program, n: &NormDef, links: &Links, page: &str) -> Option<Markup> {
    let action = match (&n.matched, &n.required) {
        (Some(pat), _) => pat.action,
        (None, Some(req)) => req.action,
        (None, None) => return None,
    };
    let a = p.action(action);
    let href = links.place_of(a.name_span).map(|pl| pl.href(page));
    let verb = match n.modality {
        Modality::Forbid => "forbids",
        Modality::Permit => "permits",
        Modality::Oblige => "obliges",
    };
    Some(html! {
        (verb) " "
        @match href {
            Some(h) => a href=(h) { code { (a.qualified) } },
            None => code { (a.qualified) },
        }
        @if let Some(w) = n.within { " within " (crate::time::format_duration(w)) }
        @if let Some(t) = &n.trigger {
            ", on " @let ta = p.action(t.pattern.action);
            @match links.place_of(ta.name_span) {
                Some(pl) => a href=(pl.href(page)) { code { (ta.qualified) } },
                None => code { (ta.qualified) },
            }
        }
    })
}

fn norm_link(p: &Program, links: &Links, page: &str, id: NormId) -> Markup {
    let n = p.norm(id);
    html! { a href=(links.norm(p, id).href(page)) { code { (n.qualified) } } }
}

/// The card of norm `id`, shown on `page`.
pub fn card(p: &Program, id: NormId, links: &Links, over: &Overrides, page: &str) -> Markup {
    let n = p.norm(id);
    let sev = n.severity.as_str();
    html! {
        article.card.(if n.kind == NormKind::Redline { "redline" } else { "norm" }) id=(norm_anchor(n)) {
            h3 {
                span.kind { (kind_label(n)) } " "
                a.self href={ "#" (norm_anchor(n)) } { code { (n.name) } }
                @if let Some(t) = &n.title { " " span.title { (t) } }
            }
            dl.meta {
                dt { "Severity" } dd { span.(format!("sev sev-{sev}")) { (sev) } }
                @if let Some(r) = regulated(p, n, links, page) { dt { "Rule" } dd { (r) } }
                @if let Some(s) = &n.source { dt { "Source" } dd.source { (s) } }
                @if let Some((e, i)) = n.response {
                    dt { "Response" }
                    dd { (rung(p, e, i, links, page)) }
                }
                @if !n.overrides.is_empty() {
                    dt { "Overrides" }
                    dd { @for (k, o) in n.overrides.iter().enumerate() { @if k > 0 { ", " } (norm_link(p, links, page, *o)) } }
                }
                @if let Some(b) = n.trigger.as_ref().and_then(|t| t.breach) {
                    dt { "On breach of" }
                    dd { (norm_link(p, links, page, b.norm)) " (this norm is a consequence of its breach)" }
                }
                @if !over.consequences[id.index()].is_empty() {
                    dt { "Consequences" }
                    dd { "a breach triggers "
                        @for (k, o) in over.consequences[id.index()].iter().enumerate() { @if k > 0 { ", " } (norm_link(p, links, page, *o)) } }
                }
                @if !over.by[id.index()].is_empty() {
                    dt { "Overridden by" }
                    dd { @for (k, o) in over.by[id.index()].iter().enumerate() { @if k > 0 { ", " } (norm_link(p, links, page, *o)) } }
                }
            }
            @if let Some(d) = &n.doc { div.doc { (markdown(d)) } }
            @if !n.exceptions.is_empty() {
                div.exceptions {
                    h4 { "Exceptions" }
                    (exceptions(p, &n.exceptions, links, page, 0))
                }
            }
        }
    }
}

/// A rung of the ladder, linked to its enum.
fn rung(p: &Program, e: EnumId, i: u32, links: &Links, page: &str) -> Markup {
    let en = &p.enums[e.index()];
    let name = en.members.get(i as usize).map_or("?", String::as_str);
    match links.place_of(en.name_span) {
        Some(pl) => html! { a href=(pl.href(page)) { code { (en.name) "." (name) } } },
        None => html! { code { (en.name) "." (name) } },
    }
}

/// Exceptions and, nested under each, the exceptions to it. The model's
/// chains are acyclic (E0402), and depth is bounded by their number.
fn exceptions(p: &Program, ids: &[ExceptionId], links: &Links, page: &str, depth: usize) -> Markup {
    html! {
        ul.exc {
            @for &id in ids {
                @let e = p.exception(id);
                @let place = links.exception(p, id);
                li {
                    span.kind { "exception" } " "
                    a href=(place.href(page)) { code { (e.qualified) } }
                    @if let Some(t) = &e.title { " " span.title { (t) } }
                    @if let Some(s) = &e.source { div.source { (s) } }
                    @if let Some(d) = &e.doc { div.doc { (markdown(d)) } }
                    @if !e.exceptions.is_empty() && depth < p.exceptions.len() {
                        (exceptions(p, &e.exceptions, links, page, depth + 1))
                    }
                }
            }
        }
    }
}

/// The escalation ladder of enum `ladder`: rungs lowest first, each with
/// the red lines whose response it is.
pub fn ladder(p: &Program, ladder: EnumId, links: &Links, page: &str) -> Markup {
    let en = &p.enums[ladder.index()];
    html! {
        section.ladder id="ladder" {
            h2 { "Escalation ladder" }
            p { "The rungs of " code { (en.qualified) } ", lowest first, and the red lines whose crossing justifies each." }
            ol {
                @for (i, m) in en.members.iter().enumerate() {
                    li {
                        code { (m) }
                        @let lines: Vec<NormId> = p.norms.iter().enumerate()
                            .filter(|(_, n)| n.response == Some((ladder, i as u32)))
                            .map(|(k, _)| NormId(k as u32)).collect();
                        @if !lines.is_empty() {
                            ": "
                            @for (k, id) in lines.iter().enumerate() {
                                @if k > 0 { ", " }
                                (norm_link(p, links, page, *id))
                            }
                        }
                    }
                }
            }
        }
    }
}
