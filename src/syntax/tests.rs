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
