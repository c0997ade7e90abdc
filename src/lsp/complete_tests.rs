//! Completion tests: text helpers, and items offered in context.

use super::*;
use crate::lsp::state::{Document, StdCache};

const TEXT: &str = "enum Level { low < mid < high }
type Parcel { level: Level, heavy: Bool }
action move(by: Parcel, what: Parcel)
entity p1: Parcel { level: mid, heavy: false }
norm n {
  source \"s\"
  severity high
  forbid x: move(by: a, what: b)
  when b.level >= mid and a.heavy
}
";

/// Labels offered at the `|` of `text` (the marker is removed).
fn labels_at(marked: &str) -> Vec<String> {
    let off = marked.find('|').unwrap_or(0);
    let text = marked.replacen('|', "", 1);
    let uri = lsp_types::Url::parse("file:///nowhere/t.norma").expect("a URI");
    let docs = std::collections::BTreeMap::from([(
        uri.clone(),
        Document {
            text,
            version: 1,
            path: "/nowhere/t.norma".into(),
        },
    )]);
    let good = Analysis::new(
        &std::collections::BTreeMap::from([(
            uri.clone(),
            Document {
                text: TEXT.into(),
                version: 0,
                path: "/nowhere/t.norma".into(),
            },
        )]),
        &[],
        &StdCache::none(),
    );
    let a = Analysis::new(&docs, &[], &StdCache::none());
    complete(&a, Some(&good), &uri, off)
        .into_iter()
        .map(|i| i.label)
        .collect()
}

fn first(labels: &[String], n: usize) -> Vec<&str> {
    labels.iter().take(n).map(String::as_str).collect()
}

#[test]
fn completes_in_context() {
    let at = |needle: &str, insert: &str| {
        let i = TEXT.find(needle).unwrap_or(0) + needle.len();
        labels_at(&format!("{}{insert}|{}", &TEXT[..i], &TEXT[i..]))
    };
    // Parameters not given yet, inside an action's argument list.
    assert_eq!(at("forbid x: move(by: a, ", ""), vec!["what"]);
    // Fields of an entity's record.
    assert_eq!(at("entity p1: Parcel { level: mid, ", ""), vec!["heavy"]);
    // Members of the expected enum first: after `field:` and after a comparison.
    let l = at("entity p1: Parcel { level: ", "");
    assert_eq!(first(&l, 3), vec!["low", "mid", "high"]);
    let l = at("when b.level >= ", "");
    assert_eq!(first(&l, 3), vec!["low", "mid", "high"]);
    // Variables in scope inside the norm, then other names and keywords.
    let l = at("and a.heavy\n", "  and ");
    assert!(
        l.contains(&"a".to_string()) && l.contains(&"b".to_string()),
        "{l:?}"
    );
    assert!(
        l.contains(&"p1".to_string()) && l.contains(&"forbid".to_string()),
        "{l:?}"
    );
    // Fields of an event variable, including `.at`, in text that does not parse.
    let l = at("and a.heavy", " and x.");
    assert_eq!(l, vec!["by", "what", "at"]);
    assert_eq!(
        at("severity ", ""),
        vec!["low", "medium", "high", "critical"]
    );
    // Nothing inside comments and strings.
    assert!(at("source \"", "").is_empty());
}

#[test]
fn text_helpers() {
    let t = "norm a {\n  forbid operate(by: s, against: x";
    assert_eq!(enclosing_decl(t, t.len()), Some(("norm", "a")));
    let (open, c, comma) = enclosing_open(t, t.len()).unwrap_or((0, ' ', None));
    assert_eq!((c, &t[open..open + 8]), ('(', "(by: s, "));
    assert_eq!(comma.map(|i| &t[i..i + 2]), Some(", "));
    assert_eq!(ident_before(t, open), "operate");
    assert_eq!(chain_before("when a.owner.", 12), "a.owner");
    assert_eq!(chain_path("x == std::gge"), vec!["std", "gge"]);
}

#[test]
fn completes_by_the_line_being_typed() {
    let report = "report r {\n  entity q: Parcel { level: low, heavy: true }\n  event go: move(by: q, what: q) at 2020-01-01\n";
    let with = |typed: &str| labels_at(&format!("{TEXT}{report}{typed}|\n}}\n"));
    // After `expect KIND `: only the norms in force.
    assert_eq!(with("  expect violation "), vec!["n"]);
    assert_eq!(with("  expect not possible "), vec!["n"]);
    // After `expect KIND NORM `: `at`, then the report's events.
    assert_eq!(with("  expect violation n "), vec!["at"]);
    assert_eq!(with("  expect violation n at "), vec!["go"]);
    // After `entity x: `: the record types.
    assert_eq!(with("  entity z: "), vec!["Parcel"]);
    // At the start of a report line: the report clauses.
    assert_eq!(
        with("  "),
        vec!["as_of", "entity", "event", "expect", "unrecorded"]
    );
    // After `by` in an expectation: what may excuse (no forbid).
    assert!(with("  expect excused n at go by ").is_empty());
}

#[test]
fn completes_after_breach_of() {
    let text = format!(
        "{TEXT}norm m {{
  source \"s\"
  on breach of |
}}
"
    );
    let l = labels_at(&text);
    // The forbid `n` can be breached.
    assert_eq!(l, vec!["n"]);
}
