//! Knowing less never flips a certain answer (property tests on generated
//! reports). Replacing an exact time by an interval that contains it, a
//! known argument by `?`, or adding an `unrecorded` clause only ever turns
//! a finding into `possible`, or leaves it as it was: never one certain
//! finding into another, and never a new certain problem (`violation`,
//! `conflict`, `late`, `missed`) out of nothing. A finding that was absent
//! may appear where what it depends on became uncertain — but only as
//! `possible`, or as one of the findings that blame no one (`fulfilled`,
//! `pending`, `excused`, `suspended`: a duty whose very existence became
//! uncertain keeps the status of its performance). `at T .. T` is `at T`.
//!
//! The norms read no `known()`, which by design tells a stated fact from
//! an unknown one, and no `max_response`.

use std::collections::BTreeMap;

use norma::driver;
use norma::eval::evaluate;
use norma::model::{FindingKind, ReportId};
use proptest::prelude::*;

const NORMS: &str = r#"
enum Level { none < low < high }
enum Rung { protest < sanctions < countermeasures }
type Party { trusted: Bool }
action strike(by: Party, level: Level)
action reply(by: Party, to: Party)
action warn(by: Party)
action repair(by: Party)
entity A: Party { trusted: false }
entity T: Party { trusted: true }

norm no_high { source "p" forbid x: strike(by: p, level: l) when l >= high unless p.trusted }
exception trusted_low to no_high { when l == low or p == T }
norm warned overrides no_high {
  source "p"
  on warn(by: w)
  permit strike(by: p) when p == w
}
norm answer {
  source "p"
  on x: strike(by: p, level: l) when l >= low
  oblige reply(by: p) within 1d
}
norm no_repeat { source "p" forbid x: warn(by: p) when exists warn(by: p) within 2d before x }
norm recent { source "p" forbid x: strike(level: high) when x.at >= 2020-01-03T12:00Z }
norm make_good {
  source "p"
  on breach of no_high x: strike(by: p)
  oblige repair(by: p) within 2d
}
norm strike_back overrides no_high {
  source "p"
  on breach of make_good x: strike(by: p)
  permit y: strike(by: v) when v != p unless exists repair(by: p) before y
}
redline big {
  source "p"
  severity critical
  forbid strike(level: l) when l == high
  response countermeasures
}
"#;

#[derive(Clone, Debug)]
struct Ev {
    action: &'static str,
    /// (parameter, value)
    args: Vec<(&'static str, &'static str)>,
    /// Hours after 2020-01-01T00:00Z.
    hour: u32,
}

fn stamp(hour: u32) -> String {
    format!("2020-01-{:02}T{:02}:00Z", 1 + hour / 24, hour % 24)
}

fn party() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("A"), Just("T"), Just("Q")]
}

fn level() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("none"), Just("low"), Just("high")]
}

fn event() -> impl Strategy<Value = Ev> {
    let hour = 0u32..(8 * 24);
    prop_oneof![
        (party(), level(), hour.clone()).prop_map(|(p, l, hour)| Ev {
            action: "strike",
            args: vec![("by", p), ("level", l)],
            hour
        }),
        (party(), party(), hour.clone()).prop_map(|(p, q, hour)| Ev {
            action: "reply",
            args: vec![("by", p), ("to", q)],
            hour
        }),
        (party(), hour.clone()).prop_map(|(p, hour)| Ev {
            action: "warn",
            args: vec![("by", p)],
            hour
        }),
        (party(), hour).prop_map(|(p, hour)| Ev {
            action: "repair",
            args: vec![("by", p)],
            hour
        }),
    ]
}

/// How a report is made less precise.
#[derive(Clone, Debug)]
enum Weaken {
    /// Event `i`'s time becomes `[t - before, t + after]` hours.
    Interval(usize, u32, u32),
    /// Event `i`'s time becomes `at t .. t`.
    SameEnds(usize),
    /// Argument `j` of event `i` becomes `?`.
    Unknown(usize, usize),
    /// `unrecorded ACTION(by: P)` (or with no argument).
    Unrecorded(&'static str, Option<&'static str>),
}

fn weaken() -> impl Strategy<Value = Weaken> {
    let action = prop_oneof![Just("strike"), Just("reply"), Just("warn"), Just("repair")];
    prop_oneof![
        (0usize..64, 0u32..30, 0u32..30).prop_map(|(i, b, a)| Weaken::Interval(i, b, a)),
        (0usize..64).prop_map(Weaken::SameEnds),
        (0usize..64, 0usize..2).prop_map(|(i, j)| Weaken::Unknown(i, j)),
        (action, prop::option::of(party())).prop_map(|(a, p)| Weaken::Unrecorded(a, p)),
    ]
}

/// The report's text, with event `i`'s time written as `times[i]`.
fn report(events: &[Ev], times: &[String], unrecorded: &[String]) -> String {
    let mut text = format!(
        "{NORMS}\nreport r {{\n  as_of 2020-01-10\n  entity Q: Party {{ trusted: false }}\n"
    );
    for u in unrecorded {
        text.push_str(&format!("  unrecorded {u}\n"));
    }
    for (i, e) in events.iter().enumerate() {
        let args: Vec<String> = e.args.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        text.push_str(&format!(
            "  event e{i}: {}({}) at {}\n",
            e.action,
            args.join(", "),
            times[i]
        ));
    }
    text.push_str("}\n");
    text
}

/// Findings by (norm, event): their kinds, `crossed` left out (it goes
/// with a red line's violation).
type Findings = BTreeMap<(String, String), Vec<FindingKind>>;

fn findings(text: &str) -> Findings {
    let s = driver::check_text("m.norma", text);
    let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let p = &s.program;
    let r = ReportId(0);
    let mut out = Findings::new();
    for f in evaluate(p, r).findings {
        if f.kind == FindingKind::Crossed {
            continue;
        }
        out.entry((
            p.norm(f.norm).name.clone(),
            p.report(r).events[f.event.index()].name.clone(),
        ))
        .or_default()
        .push(f.kind);
    }
    out
}

/// The report with `w` applied (`None` where `w` does not apply to it:
/// an argument the event does not have).
fn weakened(events: &[Ev], w: &Weaken) -> Option<(Vec<Ev>, Vec<String>, Vec<String>)> {
    let mut events = events.to_vec();
    let mut times: Vec<String> = events.iter().map(|e| stamp(e.hour)).collect();
    let mut unrecorded = Vec::new();
    // An index picks among the events there are.
    let pick = |i: usize| i % events.len().max(1);
    match *w {
        Weaken::Interval(i, before, after) => {
            let i = pick(i);
            let e = events.get(i)?;
            let lo = e.hour.saturating_sub(before);
            // Never past `as_of` (2020-01-10T00:00Z is hour 216).
            let hi = (e.hour + after).min(216);
            times[i] = format!("{} .. {}", stamp(lo), stamp(hi));
        }
        Weaken::SameEnds(i) => {
            let i = pick(i);
            let e = events.get(i)?;
            times[i] = format!("{} .. {}", stamp(e.hour), stamp(e.hour));
        }
        Weaken::Unknown(i, j) => {
            let i = pick(i);
            let e = events.get_mut(i)?;
            e.args.get_mut(j)?.1 = "?";
        }
        Weaken::Unrecorded(action, by) => {
            unrecorded.push(match by {
                Some(p) => format!("{action}(by: {p})"),
                None => format!("{action}()"),
            });
        }
    }
    Some((events, times, unrecorded))
}

/// Findings that blame no one: one may appear where what it hangs on became
/// uncertain, as the table of the language says.
fn blames_no_one(k: FindingKind) -> bool {
    matches!(
        k,
        FindingKind::Possible
            | FindingKind::Fulfilled
            | FindingKind::Pending
            | FindingKind::Excused
            | FindingKind::Suspended
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn knowing_less_never_flips_a_certain_finding(
        evs in prop::collection::vec(event(), 1..10),
        w in weaken(),
    ) {
        let Some((events, times, unrecorded)) = weakened(&evs, &w) else {
            return Ok(());
        };
        let exact: Vec<String> = evs.iter().map(|e| stamp(e.hour)).collect();
        let before = findings(&report(&evs, &exact, &[]));
        let after_text = report(&events, &times, &unrecorded);
        let after = findings(&after_text);
        if matches!(w, Weaken::SameEnds(_)) {
            prop_assert_eq!(&before, &after, "`at T .. T` differs from `at T`:\n{}", after_text);
        }
        for (key, kinds) in &before {
            let now = after.get(key).cloned().unwrap_or_default();
            for k in kinds {
                prop_assert!(
                    now.contains(k) || now.contains(&FindingKind::Possible),
                    "{:?} {:?} became {:?} after {:?}:\n{}", key, k, now, w, after_text
                );
            }
        }
        for (key, kinds) in &after {
            let was = before.get(key).cloned().unwrap_or_default();
            for k in kinds {
                prop_assert!(
                    was.contains(k) || blames_no_one(*k),
                    "{:?} {:?} appeared (was {:?}) after {:?}:\n{}", key, k, was, w, after_text
                );
            }
        }
    }
}
