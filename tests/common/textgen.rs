//! Small generated texts over a tiny vocabulary, for the differential
//! tests of `norma compare` and `norma diff` against the evaluator, and
//! every one-event scenario of that vocabulary.

use proptest::prelude::*;

pub const VOCABULARY: &str = "\
enum Level { low < mid < high }
enum Zone { north, south }
type Party { zone: Zone }
action act(by: Party, level: Level)
action tell(by: Party, to: Party)
";

#[derive(Clone, Copy, Debug)]
pub enum On {
    Act,
    Tell,
}

/// Conditions over the variables a pattern of each action binds.
pub fn atom(on: On) -> BoxedStrategy<String> {
    match on {
        On::Act => prop_oneof![
            Just("s.zone == north".to_string()),
            Just("s.zone == south".to_string()),
            Just("l >= mid".to_string()),
            Just("l == low".to_string()),
            Just("l < high".to_string()),
        ]
        .boxed(),
        On::Tell => prop_oneof![
            Just("s.zone == north".to_string()),
            Just("r.zone == south".to_string()),
            Just("s == r".to_string()),
            Just("s != r".to_string()),
            Just("r.zone == s.zone".to_string()),
        ]
        .boxed(),
    }
}

pub fn condition(on: On) -> BoxedStrategy<String> {
    (
        atom(on),
        prop::option::of((any::<bool>(), atom(on))),
        any::<bool>(),
    )
        .prop_map(|(a, rest, negate)| {
            let c = match rest {
                None => a,
                Some((and, b)) => format!("({a} {} {b})", if and { "and" } else { "or" }),
            };
            if negate {
                format!("not {c}")
            } else {
                c
            }
        })
        .boxed()
}

#[derive(Clone, Debug)]
pub enum Gen {
    Forbid {
        on: On,
        when: Option<String>,
        unless: Option<String>,
        exception: Option<String>,
    },
    Permit {
        on: On,
        when: Option<String>,
        /// Override the text's first forbid on the same action.
        overrides: bool,
    },
    Oblige {
        when: Option<String>,
        to_self: bool,
    },
}

pub fn on() -> impl Strategy<Value = On> {
    prop_oneof![Just(On::Act), Just(On::Tell)]
}

pub fn gen_norm() -> impl Strategy<Value = Gen> {
    prop_oneof![
        on().prop_flat_map(|on| (
            prop::option::of(condition(on)),
            prop::option::weighted(0.3, condition(on)),
            prop::option::weighted(0.3, condition(on)),
        )
            .prop_map(move |(when, unless, exception)| Gen::Forbid {
                on,
                when,
                unless,
                exception
            })),
        on().prop_flat_map(
            |on| (prop::option::of(condition(on)), prop::bool::weighted(0.3)).prop_map(
                move |(when, overrides)| Gen::Permit {
                    on,
                    when,
                    overrides
                }
            )
        ),
        (prop::option::of(condition(On::Act)), any::<bool>())
            .prop_map(|(when, to_self)| Gen::Oblige { when, to_self }),
    ]
}

pub fn pattern(on: On) -> &'static str {
    match on {
        On::Act => "act(by: s, level: l)",
        On::Tell => "tell(by: s, to: r)",
    }
}

pub fn write_text(prefix: &str, norms: &[Gen]) -> String {
    let mut text = String::from("use vocab;\n");
    let forbid_on = |on: On| {
        norms.iter().position(
            |g| matches!(g, Gen::Forbid { on: o, .. } if std::mem::discriminant(o) == std::mem::discriminant(&on)),
        )
    };
    for (i, g) in norms.iter().enumerate() {
        let name = format!("{prefix}_{i}");
        match g {
            Gen::Forbid {
                on,
                when,
                unless,
                exception,
            } => {
                text.push_str(&format!(
                    "norm {name} {{\n  source \"t\"\n  forbid {}",
                    pattern(*on)
                ));
                if let Some(w) = when {
                    text.push_str(&format!(" when {w}"));
                }
                if let Some(u) = unless {
                    text.push_str(&format!(" unless {u}"));
                }
                text.push_str("\n}\n");
                if let Some(x) = exception {
                    text.push_str(&format!("exception {name}_x to {name} {{ when {x} }}\n"));
                }
            }
            Gen::Permit {
                on,
                when,
                overrides,
            } => {
                let target = forbid_on(*on).filter(|_| *overrides);
                text.push_str(&format!("norm {name}"));
                if let Some(t) = target {
                    text.push_str(&format!(" overrides {prefix}_{t}"));
                }
                text.push_str(&format!(" {{\n  source \"t\"\n  permit {}", pattern(*on)));
                if let Some(w) = when {
                    text.push_str(&format!(" when {w}"));
                }
                text.push_str("\n}\n");
            }
            Gen::Oblige { when, to_self } => {
                text.push_str(&format!(
                    "norm {name} {{\n  source \"t\"\n  on x: act(by: s, level: l)"
                ));
                if let Some(w) = when {
                    text.push_str(&format!(" when {w}"));
                }
                let to = if *to_self { ", to: s" } else { "" };
                text.push_str(&format!("\n  oblige tell(by: s{to}) within 1h\n}}\n"));
            }
        }
    }
    text
}

/// Every one-event scenario: (event text, entity lines).
pub fn scenarios() -> Vec<String> {
    let mut out = Vec::new();
    for by in ["pn", "ps"] {
        for level in ["low", "mid", "high"] {
            out.push(format!(
                "event e: act(by: {by}, level: {level}) at 2025-01-01"
            ));
        }
    }
    for (by, to) in [
        ("pn", "pn"),
        ("ps", "ps"),
        ("pn", "ps"),
        ("ps", "pn"),
        ("pn", "pn2"),
        ("ps", "ps2"),
    ] {
        out.push(format!("event e: tell(by: {by}, to: {to}) at 2025-01-01"));
    }
    out
}
