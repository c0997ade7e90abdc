//! Grammar unit tests: what parses into what, and how errors recover.

use super::ast::*;
use super::parse;
use crate::diagnostics::Code;
use crate::span::FileId;

fn items(text: &str) -> (Vec<Item>, Vec<Code>) {
    let p = parse(FileId(0), text);
    (
        p.module.items,
        p.diagnostics.iter().map(|d| d.code).collect(),
    )
}

fn expr_of_const(text: &str) -> Expr {
    let (items, codes) = items(&format!("const c: Bool = {text};"));
    assert!(codes.is_empty(), "{codes:?}");
    match items.into_iter().next() {
        Some(Item::Const(c)) => c.value,
        other => panic!("not a const: {other:?}"),
    }
}

#[test]
fn keywords_are_field_and_argument_names() {
    let (items, codes) = items(
        "action notify(by: State, to: State, about: operate)\n\
         norm n { on x: notify(to: t) when x.to == t forbid notify(by: _) }",
    );
    assert!(codes.is_empty(), "{codes:?}");
    let Item::Action(a) = &items[0] else { panic!() };
    assert_eq!(a.params[1].name.name, "to");
}

#[test]
fn doc_comments_attach_to_declarations() {
    let (items, _) = items("/// First line\n/// second\nenum E { a, b }\n// plain\nenum F { c }");
    let Item::Enum(e) = &items[0] else { panic!() };
    assert_eq!(e.doc.as_deref(), Some("First line\nsecond"));
    let Item::Enum(f) = &items[1] else { panic!() };
    assert_eq!(f.doc, None);
}

#[test]
fn precedence_or_and_not_comparison() {
    let e = expr_of_const("not a == b and c or d");
    let ExprKind::Or(parts) = &e.kind else {
        panic!("{e:?}")
    };
    let ExprKind::And(conj) = &parts[0].kind else {
        panic!()
    };
    let ExprKind::Not(inner) = &conj[0].kind else {
        panic!()
    };
    assert!(matches!(inner.kind, ExprKind::Binary(BinOp::Eq, _, _)));
}

#[test]
fn and_chains_are_flat() {
    let e = expr_of_const("a and b and c and d");
    let ExprKind::And(parts) = &e.kind else {
        panic!()
    };
    assert_eq!(parts.len(), 4);
    assert_eq!(e.depth, 2);
}

#[test]
fn exists_with_timing() {
    let e = expr_of_const("exists notify(by: s) within 72h after x");
    let ExprKind::Exists(call, Some(t)) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(call.callee.to_text(), "notify");
    assert_eq!(t.kind, TimingKind::After);
    assert!(t.within.is_some());
}

#[test]
fn enum_kinds_and_qualified_members() {
    let (items, _) = items("enum E { a < b < c }\nenum F { x, y, }\nconst k: E = E::b;");
    let Item::Enum(e) = &items[0] else { panic!() };
    assert!(e.ordered && e.members.len() == 3);
    let Item::Enum(f) = &items[1] else { panic!() };
    assert!(!f.ordered && f.members.len() == 2);
    let Item::Const(k) = &items[2] else { panic!() };
    assert!(matches!(&k.value.kind, ExprKind::Path(p) if p.segments.len() == 2));
}

#[test]
fn report_clauses() {
    let (items, codes) = items(
        "report r \"T\" { as_of 2018-03-01 entity UA: State { region: europe } \
         event e: op(by: UA, x: ?) at 2017-06-27T09:00Z; expect possible gge_f at e; \
         expect not fulfilled std::x::n; expect clean; }",
    );
    assert!(codes.is_empty(), "{codes:?}");
    let Item::Report(r) = &items[0] else { panic!() };
    assert_eq!(r.clauses.len(), 6);
    assert!(
        matches!(&r.clauses[5], ReportClause::Expect(x) if matches!(**x, Expectation::Clean(_)))
    );
}

#[test]
fn a_broken_declaration_hides_neither_errors_nor_later_declarations() {
    let (items, codes) = items(
        "norm a { forbid op( }\n\
         enum E { x y }\n\
         norm b { source \"s\" forbid op() }\n",
    );
    assert_eq!(codes, vec![Code::E0103, Code::E0103]);
    assert!(matches!(&items[2], Item::Norm(n) if n.name.name == "b"));
}

#[test]
fn a_broken_clause_keeps_the_clauses_after_it() {
    let (items, codes) = items("norm a { source \"s\" when ( forbid op() }");
    assert_eq!(codes, vec![Code::E0103]);
    let Item::Norm(n) = &items[0] else { panic!() };
    assert!(n
        .clauses
        .iter()
        .any(|c| matches!(c, Clause::Deontic { .. })));
}

#[test]
fn stray_tokens_between_declarations() {
    let (_, codes) = items("enum E { a } } } enum F { b }");
    assert_eq!(codes, vec![Code::E0103]);
}

// ------------------------------------------------------------ event fold

/// `parse_folded`, with each folded event expanded again: what the
/// checker reads, as the grammar would have built it.
fn folded_then_expanded(text: &str) -> (super::Parsed, usize) {
    let mut p = super::parse_folded(FileId(0), text);
    let mut folded = 0;
    for item in &mut p.module.items {
        let Item::Report(r) = item else { continue };
        for c in &mut r.clauses {
            if let ReportClause::SimpleEvent(s) = c {
                let ev = super::events::expand(FileId(0), text, s)
                    .unwrap_or_else(|| panic!("a folded event expands: {s:?}"));
                *c = ReportClause::Event(Box::new(ev));
                folded += 1;
            }
        }
    }
    (p, folded)
}

/// The fold accepts exactly what the grammar accepts, and builds what it
/// builds: the same tree and the same diagnostics, folded or not.
fn assert_fold_agrees(text: &str) -> usize {
    assert_plain_agrees(text);
    let plain = parse(FileId(0), text);
    assert_pipe_agrees(text);
    let (folded, n) = folded_then_expanded(text);
    assert_eq!(plain.module, folded.module, "trees differ for:\n{text}");
    assert_eq!(
        format!("{:?}", plain.diagnostics),
        format!("{:?}", folded.diagnostics),
        "diagnostics differ for:\n{text}"
    );
    n
}

/// Wherever the byte-by-byte reading of an event answers, it answers
/// what reading its raw tokens answers. Returns how often it answered.
fn assert_plain_agrees(text: &str) -> usize {
    let mut answered = 0;
    for (at, _) in text.match_indices("event") {
        let from = at + "event".len();
        let plain = super::lexer::plain_event_at(text, from);
        if let Some(p) = plain {
            answered += 1;
            assert_eq!(
                Some(p),
                super::lexer::quick_event_at(text, from),
                "read after offset {from} of:\n{text}"
            );
        }
    }
    answered
}

/// Lexed on a second thread or not, with events read from raw tokens or
/// token by token, a folded parse is the same; and where the checker's
/// quick reading of a folded event answers, it reads what the lexer does.
fn assert_pipe_agrees(text: &str) {
    let one = super::parse_with(FileId(0), text, true, true, usize::MAX);
    for (quick, pipe_from, how) in [
        (true, 0, "piped"),
        (false, usize::MAX, "token by token"),
        (false, 0, "piped token by token"),
    ] {
        let two = super::parse_with(FileId(0), text, true, quick, pipe_from);
        assert_eq!(
            one.module, two.module,
            "{how}, the tree differs for:\n{text}"
        );
        assert_eq!(
            format!("{:?}", one.diagnostics),
            format!("{:?}", two.diagnostics),
            "{how}, the diagnostics differ for:\n{text}"
        );
    }
    let (mut quick, mut slow) = (Vec::new(), Vec::new());
    for item in &one.module.items {
        let Item::Report(r) = item else { continue };
        for c in &r.clauses {
            let ReportClause::SimpleEvent(s) = c else {
                continue;
            };
            let Some(at) = super::events::quick_parts(text, s, &mut quick) else {
                continue;
            };
            let parts = super::events::parts(text, s, &mut slow).expect("a folded event reads");
            assert_eq!(at, parts.at, "time of {s:?} in:\n{text}");
            let slow: Vec<(&str, (usize, usize))> = slow
                .iter()
                .map(|((_, field, _), (l, _, r))| (*field, (*l, *r)))
                .collect();
            assert_eq!(quick, slow, "arguments of {s:?} in:\n{text}");
        }
    }
}

const FOLD_HEADER: &str = "enum Level { low < high }\n\
    type P { ok: Bool }\n\
    action act(by: P, to: P, level: Level, n: Int, d: Duration, t: Time, s: String, b: Bool)\n\
    entity A: P { ok: true }\n";

/// Events of every shape the fold takes, and of shapes it must leave to
/// the grammar.
fn fold_report() -> String {
    let mut t = String::from(FOLD_HEADER);
    t.push_str("report r \"title\" {\n  as_of 2021-01-09T00:00:00Z\n  entity B: P { ok: ? }\n");
    let lines = [
        "event e1: act(by: A, to: B, level: high, n: 3, d: 2h, t: 2021-01-01, s: \"x\", b: true) at 2021-01-01T10:00:00Z",
        "event e2: act(by: A, to: B, level: ?, n: ?, d: ?, t: ?, s: ?, b: false,) at 2021-01-02;",
        "event e3: act(to: B, by: A) at 2021-01-03T10:00:00Z",
        "event e4: act() at 2021-01-03",
        "event e5: act(by: A, by: B) at 2021-01-03",
        "event e6: act(nope: A) at 2021-01-03",
        "/// documented\n  event e7: act(by: A) at 2021-01-04",
        "event e8: act(by: A) at 2021-01-04 + 1h",
        "event e9: act(by: std::x) at 2021-01-04",
        "event e10: act(by: A.ok) at 2021-01-04",
        "event e11: act(A) at 2021-01-04",
        "event e12: act(by: A, level: low) at 2021-01-05 // a comment\n  expect clean",
        "event e13: act(by: A) at e1",
        "event e14: act(by: 0 - 1) at 2021-01-05",
        "event e15: other::act(by: A) at 2021-01-05",
        "event e16 : act ( by : A ,\n to : B ) at\n 2021-01-05T00:00:00+02:00;",
        "event e17: act(by: A) at 2021-01-06 entity C: P { ok: false }",
        "event e18: act(by: A) at 2021-01-06 event e19: act(by: A) at 2021-01-06 as_of 2021-01-09",
        "expect violation n at e1",
        "event e20: act(event: A) at 2021-01-06",
    ];
    for l in lines {
        t.push_str("  ");
        t.push_str(l);
        t.push('\n');
    }
    t.push_str("}\nnorm n { forbid x: act(by: p) when x.event == 1 }\n");
    t
}

#[test]
fn the_event_fold_builds_what_the_grammar_builds() {
    let text = fold_report();
    let d = parse(FileId(0), &text).diagnostics;
    assert!(d.is_empty(), "{d:?}");
    let n = assert_fold_agrees(&text);
    assert!(n >= 10, "only {n} events were folded");
    let plain = assert_plain_agrees(&text);
    assert!(plain >= 5, "only {plain} events were read byte by byte");
    // A broken event elsewhere leaves the file to the grammar, whole.
    let broken = text.replace(
        "}\nnorm",
        "  event event: act(by: A) at 2021-01-06\n}\nnorm",
    );
    assert!(!parse(FileId(0), &broken).diagnostics.is_empty());
    assert_fold_agrees(&broken);
    // What must not be folded: a doc comment, an expression after `at`.
    let (p, _) = (super::parse_folded(FileId(0), &text), ());
    let Some(Item::Report(r)) = p.module.items.iter().find(|i| matches!(i, Item::Report(_))) else {
        panic!("no report")
    };
    let kept: Vec<String> = r
        .clauses
        .iter()
        .filter_map(|c| match c {
            ReportClause::Event(e) => Some(e.name.name.clone()),
            _ => None,
        })
        .collect();
    for name in ["e7", "e8", "e9", "e10", "e11", "e13", "e14", "e15"] {
        assert!(
            kept.iter().any(|k| k == name),
            "{name} was folded: {kept:?}"
        );
    }
}

#[test]
fn events_read_from_raw_tokens_are_those_read_token_by_token() {
    // Each value in an event that could otherwise fold: those that cook
    // with a diagnostic, are more than one token or are keywords must
    // leave the event to the token-by-token reading, which says why.
    let values = [
        "A",
        "_a",
        "?",
        "3",
        "99999999999999999999",
        "72h",
        "3x",
        "72 hours",
        "2w",
        "2021-01-01",
        "2021-13-01",
        "2021-01-01 10:00",
        "2021-01-01T10:00Z",
        "27/06/2017",
        "\"x\"",
        "\"a\\nb\"",
        "\"a\\qb\"",
        "\"open",
        "true",
        "false",
        "event",
        "at",
        "entity",
        "A.ok",
        "std::x",
        "-1",
        "e1",
        "A // c",
        "A /// d\n",
        "é",
        "#",
        "(A)",
        "A B",
    ];
    let ends = [
        "",
        ";",
        " + 1h",
        " // c",
        " /// d\n",
        " entity",
        " expect clean",
        " at",
    ];
    let times = [
        "2021-01-05",
        "2021-01-05T00:00:00+02:00",
        "2021-13-05",
        "2021-01-05 10:00",
        "e1",
    ];
    let mut folded = 0;
    for (i, v) in values.iter().enumerate() {
        let end = ends[i % ends.len()];
        let at = times[i % times.len()];
        for line in [
            format!("event e2: act(by: A, n: {v}) at 2021-01-05"),
            format!("event e2: act(by: {v},) at {at}{end}"),
            format!("event {v}: act(by: A) at 2021-01-05{end}"),
            format!("event e2: {v}(by: A) at 2021-01-05"),
            format!("event e2: act({v}: A) at 2021-01-05"),
        ] {
            let text = format!(
                "{FOLD_HEADER}report r {{\n  event e1: act(by: A) at 2021-01-01\n  {line}\n}}\n"
            );
            folded += assert_fold_agrees(&text);
        }
    }
    let many = (0..70).map(|i| format!("p{i}: A")).collect::<Vec<_>>();
    for n in [64, 65, 66] {
        for comma in ["", ","] {
            let text = format!(
                "{FOLD_HEADER}report r {{\n  event e1: act({}{comma}) at 2021-01-01\n}}\n",
                many[..n].join(", ")
            );
            folded += assert_fold_agrees(&text);
        }
    }
    assert!(folded > 50, "only {folded} events were folded");
}

#[test]
fn events_read_byte_by_byte_are_those_read_from_raw_tokens() {
    // Events built from random pieces, most of a shape close to the
    // common one: wherever the byte-by-byte reading answers, it answers
    // what the raw tokens do.
    let pieces = [
        "e1",
        "_x",
        "act",
        ":",
        "::",
        "(",
        ")",
        ",",
        "by",
        "A",
        "?",
        "3",
        "72h",
        "3x",
        "99999999999999999999",
        "2021-01-05",
        "2021-01-05T10:00Z",
        "2021-01-05T10:00:00.5+02:00",
        "2021-13-05",
        "T10:00",
        "10:00",
        "at",
        "true",
        "false",
        "event",
        "entity",
        "expect",
        "as_of",
        "as_ofx",
        "events",
        "\"x\"",
        "// c",
        "/// d",
        "é",
        "-",
        "+",
        ".",
        ";",
        "}",
        "{",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "hours",
        "72 hours",
        "27/06/2017",
        "#",
    ];
    let mut rand = crate::testing::xorshift(0x2545_F491_4F6C_DD1D);
    let mut answered = 0;
    for _ in 0..4000 {
        let mut text = String::from("event e1: act(by: A, n: 3) at 2021-01-05T10:00Z;");
        // Replace a few spans of the template by random pieces.
        for _ in 0..1 + rand(3) {
            let bounds: Vec<usize> = (5..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let a = bounds[rand(bounds.len())];
            let b = bounds[rand(bounds.len())].max(a).min(a + 6);
            let b = if text.is_char_boundary(b) { b } else { a };
            let mut edited = String::from(&text[..a]);
            for _ in 0..rand(3) {
                edited.push_str(pieces[rand(pieces.len())]);
            }
            edited.push_str(&text[b..]);
            text = edited;
        }
        answered += assert_plain_agrees(&text);
    }
    assert!(
        answered > 300,
        "only {answered} events were read byte by byte"
    );
}

#[test]
fn the_event_fold_agrees_with_the_grammar_on_broken_text() {
    // Every prefix of the report, and random edits of it: the fold must
    // never make a broken text parse, nor a good one fail.
    let text = fold_report();
    let pieces = [
        "event",
        ";",
        "}",
        "{",
        "(",
        ")",
        "+ 1h",
        "/// d\n",
        ".x",
        "::",
        ",",
        "?",
        "at",
        "report",
        ":",
        "e1",
        "2021-01-01",
        "\"",
        "entity",
        "expect",
        "as_of",
        "\n",
        "true",
        "3x",
        "72 hours",
        "é",
        "99999999999999999999",
    ];
    let mut rand = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for &end in bounds.iter().step_by(7) {
        assert_fold_agrees(&text[..end]);
    }
    for _ in 0..400 {
        let a = bounds[rand(bounds.len())];
        let b = bounds[rand(bounds.len())].max(a).min(a + 12);
        let b = if text.is_char_boundary(b) { b } else { a };
        let mut edited = String::from(&text[..a]);
        if rand(2) == 0 {
            edited.push_str(pieces[rand(pieces.len())]);
            edited.push_str(&text[a..]);
        } else {
            edited.push_str(&text[b..]);
        }
        assert_fold_agrees(&edited);
    }
}

#[test]
fn the_event_fold_agrees_with_the_grammar_on_every_shipped_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![
        root.join("examples"),
        root.join("stdlib-norms"),
        root.join("tests"),
    ];
    let mut files = 0;
    let mut folded = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "norma") {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                folded += assert_fold_agrees(&text);
                files += 1;
            }
        }
    }
    assert!(
        files > 50 && folded > 50,
        "{files} files, {folded} events folded"
    );
}
