//! Properties of the evaluator on generated reports (proptest):
//! - adding an exception whose condition is `false` changes no finding;
//! - findings do not depend on the order in which events are written.

use norma::driver;
use norma::eval::evaluate;
use norma::model::ReportId;
use proptest::prelude::*;

const NORMS: &str = r#"
enum Level { none < low < high }
enum Rung { protest < sanctions < countermeasures }
type Party { trusted: Bool }
action strike(by: Party, level: Level)
action reply(by: Party, to: Party)
action warn(by: Party)
entity A: Party { trusted: false }
entity T: Party { trusted: true }

norm no_high { source "p" forbid x: strike(by: p, level: l) when l >= high unless p.trusted }
exception trusted_low to no_high { when l == low or p == T }
exception not_q to trusted_low { when not known(p.trusted) }
norm may_reply { source "p" permit reply(by: p, to: q) when q.trusted }
norm no_reply { source "p" forbid reply(by: p, to: q) when not p.trusted }
norm answer {
  source "p"
  on x: strike(by: p, level: l) when l >= low
  oblige reply(by: p) within 2d
}
norm warn_first overrides no_reply {
  source "p"
  on warn(by: p)
  permit reply(by: q, to: r) when r == p
}
redline big {
  source "p"
  severity critical
  forbid strike(level: l) when l == high
  response countermeasures
}
norm measured {
  source "p"
  on x: strike()
  forbid warn(by: p) when max_response(x) >= sanctions and exists reply(by: p) within 1d after x
}
"#;

const TARGETS: [&str; 7] = [
    "no_high",
    "trusted_low",
    "not_q",
    "no_reply",
    "answer",
    "big",
    "measured",
];

fn party() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("A"), Just("T"), Just("Q"), Just("?")]
}

fn level() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("none"), Just("low"), Just("high"), Just("?")]
}

/// An event line without its name: action, arguments and day.
fn event() -> impl Strategy<Value = String> {
    let day = 1u32..6;
    prop_oneof![
        (party(), level(), day.clone())
            .prop_map(|(p, l, d)| format!("strike(by: {p}, level: {l}) at 2020-01-0{d}")),
        (party(), party(), day.clone())
            .prop_map(|(p, q, d)| format!("reply(by: {p}, to: {q}) at 2020-01-0{d}")),
        (party(), day).prop_map(|(p, d)| format!("warn(by: {p}) at 2020-01-0{d}")),
    ]
}

fn program(extra: &str, events: &[(usize, String)]) -> String {
    let mut text = format!(
        "{NORMS}\n{extra}\nreport r {{\n  as_of 2020-01-09\n  entity Q: Party {{ trusted: ? }}\n"
    );
    for (i, e) in events {
        text.push_str(&format!("  event e{i}: {e}\n"));
    }
    text.push_str("}\n");
    text
}

/// Findings as comparable tuples: kind, norm, event name, other norm.
fn findings(text: &str) -> Vec<(String, String, String, Option<String>)> {
    let s = driver::check_text("p.norma", text);
    let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let p = &s.program;
    let r = ReportId(0);
    evaluate(p, r)
        .findings
        .iter()
        .map(|f| {
            (
                f.kind.as_str().to_string(),
                p.norm(f.norm).qualified.clone(),
                p.report(r).events[f.event.index()].name.clone(),
                f.other.map(|o| p.norm(o).qualified.clone()),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_false_exception_changes_nothing(
        evs in prop::collection::vec(event(), 0..12),
        target in 0..TARGETS.len(),
    ) {
        let events: Vec<(usize, String)> = evs.into_iter().enumerate().collect();
        let base = findings(&program("", &events));
        let extra = format!("exception never to {} {{ when false }}", TARGETS[target]);
        prop_assert_eq!(base, findings(&program(&extra, &events)));
    }

    #[test]
    fn event_order_does_not_matter(
        evs in prop::collection::vec(event(), 0..12),
        seed in any::<u64>(),
    ) {
        let events: Vec<(usize, String)> = evs.into_iter().enumerate().collect();
        let mut shuffled = events.clone();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(findings(&program("", &events)), findings(&program("", &shuffled)));
    }
}
