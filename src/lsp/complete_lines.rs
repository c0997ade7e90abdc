//! Completion decided by the line being typed, where the grammar expects
//! one kind of name: the norms in force after `expect KIND `, `at` and then
//! the report's events after `expect KIND NORM `, what may excuse after
//! `by`, the norms that can be breached after `on breach of `, record types
//! after `entity x: `, and the report clauses at the start of a line of a
//! report.

use lsp_types::{CompletionItem, CompletionItemKind as Kind};

use super::{enclosing_open, item, Scope};
use crate::model::FindingKind;

/// The items for the line before `start`, if the line decides them.
pub(super) fn by_line(s: &Scope<'_>, text: &str, start: usize) -> Option<Vec<CompletionItem>> {
    let p = s.p;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..start];
    let words: Vec<&str> = line.split_whitespace().collect();
    let kind_at = |i: usize| {
        words
            .get(i)
            .is_some_and(|w| FindingKind::ALL.iter().any(|k| k.as_str() == *w))
    };
    if words.first() == Some(&"expect") && line.ends_with(char::is_whitespace) {
        let k = if words.get(1) == Some(&"not") { 2 } else { 1 };
        if kind_at(k) {
            match words.len() - k {
                // `expect KIND ` → the norms in force.
                1 => {
                    return Some(
                        p.norms
                            .iter()
                            .filter(|n| s.sees(n.module))
                            .map(|n| item(&n.name, Kind::INTERFACE, n.title.clone(), 0))
                            .collect(),
                    )
                }
                // `expect KIND NORM ` → `at`.
                2 => return Some(vec![item("at", Kind::KEYWORD, Some("at EVENT".into()), 0)]),
                // `expect KIND NORM at ` → the report's events.
                3 if words.last() == Some(&"at") => {
                    let report = s.report.and_then(|r| p.reports.get(r.index()))?;
                    return Some(
                        report
                            .events
                            .iter()
                            .map(|e| {
                                let action =
                                    p.actions.get(e.action.index()).map(|a| a.name.clone());
                                item(&e.name, Kind::EVENT, action, 0)
                            })
                            .collect(),
                    );
                }
                _ => {}
            }
        }
    }
    // `on breach of ` → the norms that can be breached: those that forbid
    // or oblige (a permit cannot be, E0405).
    if line.ends_with(char::is_whitespace) && words.ends_with(&["on", "breach", "of"]) {
        // Not the norm being written: it would be its own breach (E0402).
        let own = super::enclosing_decl(text, start).map(|(_, name)| name);
        return Some(
            p.norms
                .iter()
                .filter(|n| s.sees(n.module) && n.modality != crate::model::Modality::Permit)
                .filter(|n| Some(n.name.as_str()) != own)
                .map(|n| item(&n.name, Kind::INTERFACE, n.title.clone(), 0))
                .collect(),
        );
    }
    // `expect excused NORM at EVENT by ` → exceptions, permits and duties.
    if line.ends_with(char::is_whitespace)
        && words.first() == Some(&"expect")
        && words.last() == Some(&"by")
    {
        let norms = p
            .norms
            .iter()
            .filter(|n| s.sees(n.module) && n.modality != crate::model::Modality::Forbid)
            .map(|n| item(&n.name, Kind::INTERFACE, n.title.clone(), 0));
        let exceptions = p
            .exceptions
            .iter()
            .filter(|x| s.sees(x.module))
            .map(|x| item(&x.name, Kind::INTERFACE, x.title.clone(), 0));
        return Some(norms.chain(exceptions).collect());
    }
    // `entity NAME: ` → record types.
    if words.len() == 2 && words[0] == "entity" && words[1].ends_with(':')
        || words.len() == 3 && words[0] == "entity" && words[2] == ":"
    {
        return Some(
            p.records
                .iter()
                .filter(|r| s.sees(r.module))
                .map(|r| item(&r.name, Kind::STRUCT, Some("type".into()), 0))
                .collect(),
        );
    }
    // The start of a line directly inside a report's braces.
    if words.is_empty() {
        let (open, c, _) = enclosing_open(text, start)?;
        let open_line = text[..open].rfind('\n').map_or(0, |i| i + 1);
        if c == '{' && text[open_line..open].trim_start().starts_with("report") {
            return Some(
                ["as_of", "entity", "event", "expect", "unrecorded"]
                    .iter()
                    .map(|k| item(k, Kind::KEYWORD, Some("report clause".into()), 0))
                    .collect(),
            );
        }
    }
    None
}
