//! Unit tests of the evaluator on small hand-built programs: Kleene
//! expressions, and each rule of §7.1. The builder makes one module, one
//! report, an ordered enum `Rung { none < low < high }` (the ladder) and
//! two actions: `act(who: Int, level: Int)` and `reply(to: Int)`.

mod builder;

use std::sync::Arc;

use crate::model::*;

use super::truth::Truth::{self, False as F, True as T, Unknown as U};
use super::*;
use builder::*;

fn k(kind: FindingKind, n: &str, e: &str) -> (FindingKind, String, String) {
    (kind, n.into(), e.into())
}

use FindingKind::*;

/// `l >= 2` on the frame of `on_act`.
fn high() -> Expr {
    cmp(CmpOp::Ge, var(2), int(2))
}

// ---------------------------------------------------------------- expressions

fn truth_of(b: &B, e: &Expr, frame: &[Value]) -> Truth {
    let report = &b.p.reports[0];
    let index = super::index::ReportIndex::build(&b.p, report);
    let env = super::expr::Env {
        program: &b.p,
        report,
        index: &index,
        responses: None,
        hypo: None,
        breaches: None,
    };
    env.truth(e, frame)
}

#[test]
fn comparisons_with_unknown_are_unknown_and_known_never_is() {
    let b = B::new();
    let t = |e: Expr| truth_of(&b, &e, &[]);
    assert_eq!(t(cmp(CmpOp::Eq, int(1), unknown())), U);
    assert_eq!(t(cmp(CmpOp::Lt, unknown(), int(1))), U);
    assert_eq!(t(cmp(CmpOp::Ne, int(1), int(2))), T);
    assert_eq!(t(and(vec![boolean(false), unknown()])), F);
    assert_eq!(t(or(vec![boolean(true), unknown()])), T);
    assert_eq!(t(not(unknown())), U);
    assert_eq!(t(known(unknown())), F);
    assert_eq!(t(known(int(3))), T);
    let set = |xs: Vec<Value>| lit(Value::Set(Arc::from(xs)));
    let inn = |x: Expr, s: Expr| ex(ExprKind::In(Box::new(x), Box::new(s)));
    assert_eq!(t(inn(int(1), set(vec![Value::Int(1), Value::Int(2)]))), T);
    assert_eq!(t(inn(int(3), set(vec![Value::Int(1), Value::Int(2)]))), F);
    assert_eq!(t(inn(int(3), set(vec![Value::Int(1), Value::Unknown]))), U);
    assert_eq!(t(inn(unknown(), set(vec![]))), F);
    // Overflow is unknown, not a panic.
    let big = ex(ExprKind::Arith(
        ArithOp::Add,
        Box::new(int(i64::MAX)),
        Box::new(int(1)),
    ));
    assert_eq!(t(cmp(CmpOp::Gt, big, int(0))), U);
}

#[test]
fn exists_is_three_valued_with_closed_within_and_strict_before() {
    let mut b = B::new();
    let anchor = b.act("a", Value::Int(1), Value::Int(0), 100);
    b.reply("r1", Value::Int(7), 40);
    b.reply("r2", Value::Unknown, 100);
    b.reply("r3", Value::Int(7), 160);
    let frame = [Value::Event(anchor)];
    let t = |b: &B, e: Expr| truth_of(b, &e, &frame);
    let to = |v: i64| vec![(0, int(v))];
    assert_eq!(t(&b, exists(REPLY, to(7), None)), T);
    assert_eq!(t(&b, exists(REPLY, to(8), None)), U); // r2 might be it
    assert_eq!(t(&b, exists(ACT, vec![(0, int(2))], None)), F);
    let before = |d| Some(within(TimingKind::Before, d, var(0)));
    let after = |d| Some(within(TimingKind::After, d, var(0)));
    assert_eq!(t(&b, exists(REPLY, to(7), before(None))), T); // r1 at 40 < 100
    assert_eq!(t(&b, exists(REPLY, to(8), before(None))), F); // r2 at 100 is not before
    assert_eq!(t(&b, exists(REPLY, to(7), before(Some(59)))), U); // r1 out; r2 at 100 in
    assert_eq!(t(&b, exists(REPLY, to(7), before(Some(60)))), T); // closed bound
    assert_eq!(t(&b, exists(REPLY, to(7), after(Some(60)))), T); // r3 at exactly +60
    assert_eq!(t(&b, exists(REPLY, to(7), after(Some(59)))), U);
    // The anchor is not within a distance of itself.
    assert_eq!(t(&b, exists(ACT, vec![(0, int(1))], before(Some(10)))), F);
    // An unknown anchor makes every candidate a maybe.
    let unknown_anchor = Some(within(TimingKind::Before, None, unknown()));
    assert_eq!(t(&b, exists(REPLY, to(7), unknown_anchor)), U);
}

// ---------------------------------------------------------------- forbids

#[test]
fn forbid_violation_possible_and_nothing() {
    let mut b = B::new();
    b.on_act("f", Modality::Forbid, Some(high()));
    b.act("hi", Value::Int(1), Value::Int(3), 10);
    b.act("lo", Value::Int(1), Value::Int(1), 20);
    b.act("q", Value::Int(1), Value::Unknown, 30);
    assert_eq!(
        b.kinds(),
        vec![k(Violation, "f", "hi"), k(Possible, "f", "q")]
    );
}

#[test]
fn unless_and_exceptions_excuse() {
    let mut b = B::new();
    let f = b.on_act("f", Modality::Forbid, Some(high()));
    // exception: who == 9
    b.exception(ExceptionTarget::Norm(f), cmp(CmpOp::Eq, var(1), int(9)));
    b.p.norms[f.index()].unless = Some(cmp(CmpOp::Eq, var(1), int(5)));
    b.act("plain", Value::Int(1), Value::Int(3), 10);
    b.act("unless", Value::Int(5), Value::Int(3), 20);
    b.act("excepted", Value::Int(9), Value::Int(3), 30);
    b.act("maybe", Value::Unknown, Value::Int(3), 40);
    assert_eq!(
        b.kinds(),
        vec![
            k(Violation, "f", "plain"),
            k(Excused, "f", "excepted"),
            k(Possible, "f", "maybe"),
        ]
    );
}

#[test]
fn exceptions_of_exceptions_alternate() {
    for depth in 1..=4u32 {
        let mut b = B::new();
        let f = b.on_act("f", Modality::Forbid, None);
        let mut target = ExceptionTarget::Norm(f);
        for _ in 0..depth {
            target = ExceptionTarget::Exception(b.exception(target, boolean(true)));
        }
        b.act("e", Value::Int(1), Value::Int(1), 0);
        let want = if depth % 2 == 1 { Excused } else { Violation };
        assert_eq!(b.kinds(), vec![k(want, "f", "e")], "depth {depth}");
    }
}

#[test]
fn a_chain_of_twenty_thousand_exceptions_needs_no_stack() {
    for (n, want) in [(20_000u32, Violation), (20_001, Excused)] {
        let mut b = B::new();
        let f = b.on_act("f", Modality::Forbid, None);
        let mut target = ExceptionTarget::Norm(f);
        for _ in 0..n {
            target = ExceptionTarget::Exception(b.exception(target, boolean(true)));
        }
        let e = b.act("e", Value::Int(1), Value::Int(1), 0);
        assert_eq!(b.kinds(), vec![k(want, "f", "e")]);
        let x = explain(&b.p, ReportId(0), e);
        assert_eq!(x.instances[0].exceptions.len(), n as usize);
    }
}

// ---------------------------------------------------------------- permits

fn permit_case(
    overrides: Option<bool>,
    permit_when: Expr,
) -> Vec<(FindingKind, String, String, Option<String>)> {
    let mut b = B::new();
    let f = b.on_act("f", Modality::Forbid, Some(high()));
    let p = b.on_act("p", Modality::Permit, Some(permit_when));
    match overrides {
        Some(true) => b.p.norms[p.index()].overrides.push(f),
        Some(false) => b.p.norms[f.index()].overrides.push(p),
        None => {}
    }
    b.act("e", Value::Int(1), Value::Int(3), 0);
    b.run()
}

#[test]
fn permit_against_forbid() {
    let some = |s: &str| Some(s.to_string());
    let yes = || cmp(CmpOp::Eq, var(1), int(1));
    assert_eq!(
        permit_case(None, yes()),
        vec![(Conflict, "f".into(), "e".into(), some("p"))]
    );
    assert_eq!(
        permit_case(Some(true), yes()),
        vec![(Excused, "f".into(), "e".into(), some("p"))]
    );
    assert_eq!(
        permit_case(Some(false), yes()),
        vec![(Violation, "f".into(), "e".into(), None)]
    );
    // A permit that may or may not apply leaves the forbid possible.
    assert_eq!(
        permit_case(Some(true), unknown()),
        vec![(Possible, "f".into(), "e".into(), None)]
    );
    assert_eq!(
        permit_case(None, unknown()),
        vec![(Possible, "f".into(), "e".into(), None)]
    );
    // A permit that does not apply changes nothing.
    assert_eq!(
        permit_case(None, boolean(false)),
        vec![(Violation, "f".into(), "e".into(), None)]
    );
}

#[test]
fn a_trigger_reaches_only_later_events() {
    let mut b = B::new();
    // on x: reply(to: t) forbid act(...) when w == t
    let mut n = norm("f", Modality::Forbid, &["t", "x", "w", "l"]);
    n.trigger = Some(Trigger {
        pattern: Pattern {
            action: REPLY,
            binder: None,
            bindings: vec![(0, VarId(0))],
            span: sp(),
        },
        when: None,
        breach: None,
    });
    n.matched = Some(Pattern {
        action: ACT,
        binder: Some(VarId(1)),
        bindings: vec![(0, VarId(2)), (1, VarId(3))],
        span: sp(),
    });
    n.when = Some(cmp(CmpOp::Eq, var(2), var(0)));
    b.add_norm(n);
    b.act("early", Value::Int(4), Value::Int(0), 5);
    b.reply("trigger", Value::Int(4), 10);
    b.act("same_time", Value::Int(4), Value::Int(0), 10);
    b.act("late", Value::Int(4), Value::Int(0), 20);
    b.act("other", Value::Int(5), Value::Int(0), 30);
    assert_eq!(
        b.kinds(),
        vec![k(Violation, "f", "same_time"), k(Violation, "f", "late")]
    );
}

// ---------------------------------------------------------------- duties

#[test]
fn duty_statuses_with_exact_deadlines() {
    let mut b = B::new();
    b.duty("d", None, 100);
    b.act("ok", Value::Int(1), Value::Int(0), 0);
    b.reply("r_ok", Value::Int(1), 100); // exactly at the deadline
    b.act("late", Value::Int(2), Value::Int(0), 0);
    b.reply("r_late", Value::Int(2), 101); // one second after it
    b.act("missed", Value::Int(3), Value::Int(0), 0);
    b.reply("r_other", Value::Int(7), 150); // after it, by someone else
    b.act("pending", Value::Int(5), Value::Int(0), 400);
    b.reply("last", Value::Int(99), 450); // as_of 450 < deadline 500
    let mut got = b.kinds();
    got.sort();
    let mut want = vec![
        k(Fulfilled, "d", "ok"),
        k(Late, "d", "late"),
        k(Missed, "d", "missed"),
        k(Pending, "d", "pending"),
    ];
    want.sort();
    assert_eq!(got, want);
    let f = evaluate(&b.p, ReportId(0));
    let ok = f.findings.iter().find(|f| f.kind == Fulfilled);
    assert_eq!(ok.and_then(|f| f.deadline), Some((100, 100)));
    assert_eq!(ok.and_then(|f| f.fulfilled_by), Some(EventId(1)));
}

#[test]
fn duty_performed_by_an_unknown_party_is_possible() {
    let mut b = B::new();
    b.duty("d", None, 100);
    // A reply by `?` in the window may perform the duty...
    b.act("maybe", Value::Int(4), Value::Int(0), 300);
    b.reply("r_maybe", Value::Unknown, 350);
    // ...and one after the deadline may be the late one: late or missed,
    // so `possible`, never a certain `missed`.
    b.act("late_maybe", Value::Int(6), Value::Int(0), 200);
    b.reply("last", Value::Int(99), 600);
    let mut got = b.kinds();
    got.sort();
    let mut want = vec![k(Possible, "d", "maybe"), k(Possible, "d", "late_maybe")];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn duty_uncertain_trigger_makes_missed_possible_and_exception_excuses() {
    let mut b = B::new();
    let d = b.duty("d", None, 10);
    b.exception(ExceptionTarget::Norm(d), cmp(CmpOp::Eq, var(1), int(1)));
    // `when w == ?`: the duty may not exist.
    b.duty("c", Some(cmp(CmpOp::Eq, var(1), unknown())), 10);
    b.act("excused", Value::Int(1), Value::Int(0), 0);
    b.act("end", Value::Int(3), Value::Int(0), 100);
    let got = b.kinds();
    assert!(got.contains(&k(Excused, "d", "excused")), "{got:?}");
    assert!(got.contains(&k(Missed, "d", "end")) || got.contains(&k(Pending, "d", "end")));
    assert!(got.contains(&k(Possible, "c", "excused")), "{got:?}");
    assert!(!got.iter().any(|f| f.0 == Missed && f.1 == "c"));
}

fn conflicting(relation: Option<bool>) -> Vec<(FindingKind, String, String, Option<String>)> {
    let mut b = B::new();
    let d = b.duty("d", None, 100);
    // forbid reply(to: t) when t == 1
    let f = b.on_reply("f", Modality::Forbid, Some(cmp(CmpOp::Eq, var(0), int(1))));
    match relation {
        Some(true) => b.p.norms[d.index()].overrides.push(f),
        Some(false) => b.p.norms[f.index()].overrides.push(d),
        None => {}
    }
    b.act("trig", Value::Int(1), Value::Int(0), 0);
    b.reply("done", Value::Int(1), 50);
    b.act("other", Value::Int(2), Value::Int(0), 0);
    b.reply("done2", Value::Int(2), 60);
    b.run()
}

#[test]
fn conflicting_obligations() {
    let s = |x: &str| x.to_string();
    let got = conflicting(None);
    assert!(
        got.contains(&(Conflict, s("d"), s("trig"), Some(s("f")))),
        "{got:?}"
    );
    assert!(got.contains(&(Conflict, s("f"), s("done"), Some(s("d")))));
    assert!(got.contains(&(Fulfilled, s("d"), s("other"), None)));
    let got = conflicting(Some(true));
    assert!(
        got.contains(&(Fulfilled, s("d"), s("trig"), None)),
        "{got:?}"
    );
    assert!(got.contains(&(Excused, s("f"), s("done"), Some(s("d")))));
    let got = conflicting(Some(false));
    assert!(
        got.contains(&(Suspended, s("d"), s("trig"), Some(s("f")))),
        "{got:?}"
    );
    assert!(got.contains(&(Violation, s("f"), s("done"), None)));
}

// ---------------------------------------------------------------- red lines

#[test]
fn red_lines_cross_and_max_response_is_stratified() {
    let mut b = B::new();
    let r = b.on_act("red", Modality::Forbid, Some(high()));
    b.p.norms[r.index()].kind = NormKind::Redline;
    b.p.norms[r.index()].severity = NormSeverity::Critical;
    b.p.norms[r.index()].response = Some((RUNG, 2));
    let mr = |x: Expr| ex(ExprKind::MaxResponse(Box::new(x)));
    // A forbid on events whose max_response is high.
    b.on_act(
        "g",
        Modality::Forbid,
        Some(cmp(CmpOp::Ge, mr(var(0)), lit(Value::Enum(RUNG, 2)))),
    );
    // A red line that asks for its own crossing must not loop.
    let s = b.on_act(
        "selfish",
        Modality::Forbid,
        Some(cmp(CmpOp::Eq, mr(var(0)), lit(Value::Enum(RUNG, 0)))),
    );
    b.p.norms[s.index()].kind = NormKind::Redline;
    b.p.norms[s.index()].response = Some((RUNG, 1));
    b.act("big", Value::Int(1), Value::Int(3), 0);
    b.act("small", Value::Int(1), Value::Int(0), 10);
    let got = b.kinds();
    assert_eq!(
        got,
        vec![
            k(Violation, "g", "big"),
            k(Violation, "red", "big"),
            k(Crossed, "red", "big"),
            k(Violation, "selfish", "small"),
            k(Crossed, "selfish", "small"),
        ]
    );
    let f = evaluate(&b.p, ReportId(0));
    assert_eq!(f.findings[2].response, Some((RUNG, 2)));
}

// ---------------------------------------------------------------- expectations, output

#[test]
fn expectations_pass_and_fail_with_what_was_found() {
    let mut b = B::new();
    let f = b.on_act("f", Modality::Forbid, Some(high()));
    let e = b.act("e", Value::Int(1), Value::Unknown, 0);
    b.p.reports[0].expectations = vec![
        Expectation::Outcome {
            negated: false,
            kind: Possible,
            norm: f,
            event: Some(e),
            by: None,
            span: sp(),
        },
        Expectation::Outcome {
            negated: false,
            kind: Violation,
            norm: f,
            event: None,
            by: None,
            span: sp(),
        },
        Expectation::Outcome {
            negated: true,
            kind: Violation,
            norm: f,
            event: Some(e),
            by: None,
            span: sp(),
        },
        Expectation::Clean { span: sp() },
    ];
    let findings = evaluate(&b.p, ReportId(0));
    let res = check_expectations(&b.p, ReportId(0), &findings);
    let passed: Vec<bool> = res.iter().map(|r| r.passed).collect();
    assert_eq!(passed, vec![true, false, true, false]);
    assert_eq!(res[1].found, vec!["possible t::f at e".to_string()]);
    assert_eq!(res[3].found, vec!["possible t::f at e".to_string()]);
    let sources = crate::span::SourceMap::new();
    let text = render_tests_human(&b.p, &sources, &res, false);
    assert!(text.ends_with("2 passed, 2 failed\n"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&render_findings_json(
        &b.p,
        &sources,
        std::slice::from_ref(&findings),
    ))
    .unwrap_or_default();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["reports"][0]["findings"][0]["kind"], "possible");
    assert_eq!(json["reports"][0]["findings"][0]["bindings"]["l"], "?");
    assert_eq!(summary_line(&b.p, &findings), "r: 1 possible");
}

/// The streamed JSON is byte for byte `to_string_pretty` of the tree
/// `findings_json` builds: several reports, one without findings, every
/// optional field (a red line's `response`, a conflict's `other`), and
/// none at all.
#[test]
fn streamed_json_is_the_tree_pretty_printed() {
    let text = "enum Rung { protest < sanctions }\n\
        enum Level { low < high }\n\
        type Party { trusted: Bool }\n\
        action op(by: Party, level: Level)\n\
        entity P: Party { trusted: false }\n\
        norm f { source \"s\" forbid x: op(by: p, level: l) when l == high }\n\
        norm g { source \"s\" permit op(by: p) when not p.trusted }\n\
        redline r { source \"s\" severity high forbid op(level: l) when l == high response sanctions }\n\
        report one { event a: op(by: P, level: high) at 2020-01-01T00:00:00Z\n\
                     event b: op(by: P, level: low) at 2020-01-02T00:00:00Z }\n\
        report two { event c: op(by: P, level: low) at 2020-01-01T00:00:00Z }\n";
    let s = crate::driver::check_text("t.norma", text);
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let all = evaluate_all(&s.program);
    assert!(all[0].findings.len() >= 2 && all[1].findings.is_empty());
    for results in [&all[..], &all[..1], &all[1..], &[]] {
        let tree = findings_json(&s.program, &s.sources, results);
        let expected = serde_json::to_string_pretty(&tree).unwrap_or_default() + "\n";
        assert_eq!(
            render_findings_json(&s.program, &s.sources, results),
            expected
        );
    }
    // Strings that need escaping (a text binding, a file name), no
    // bindings at all, a duty's findings (met and missed), no event.
    let text = "type Party { trusted: Bool }\n\
        action say(by: Party, what: Text)\n\
        action help(by: Party)\n\
        entity P: Party { trusted: false }\n\
        norm h { source \"s\" forbid say(by: p, what: w) when w == \"a \\\"q\\\"\\tb \u{e9}\" }\n\
        norm k { source \"s\" forbid say() }\n\
        norm d { source \"s\" on t: say(by: p) oblige help(by: p) within 1h }\n\
        report three \"t\\\"x\" { event d1: say(by: P, what: \"a \\\"q\\\"\\tb \u{e9}\") at 2020-01-01T00:00:00Z\n\
          event d2: say(by: P, what: \"\") at 2020-01-02T00:00:00Z\n\
          event d3: help(by: P) at 2020-01-02T00:30:00Z }\n";
    let s = crate::driver::check_text("t\"x\\y.norma", text);
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let all = evaluate_all(&s.program);
    let kinds: Vec<&str> = all[0].findings.iter().map(|f| f.kind.as_str()).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
    let tree = findings_json(&s.program, &s.sources, &all);
    let expected = serde_json::to_string_pretty(&tree).unwrap_or_default() + "\n";
    let written = render_findings_json(&s.program, &s.sources, &all);
    assert!(written.contains("\"bindings\": {}"), "{written}");
    assert!(written.contains("t\\\"x\\\\y.norma"), "{written}");
    assert_eq!(written, expected);
}
