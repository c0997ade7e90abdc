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
        /// `30m` or `1h`.
        within: &'static str,
    },
    /// A forbid on `tell` that reads the time of the told act ([`TIMED`]),
    /// perhaps narrowed by a condition.
    Timed {
        template: usize,
        when: Option<String>,
    },
    /// A forbid on `act` (`NAME_base`) and a norm triggered by its breach
    /// (§4) by the acting party `t`: a permit (0) or a forbid (1) on a later
    /// `tell`, perhaps narrowed, a duty (2) on `t` to `tell` within 30
    /// minutes of the breach, or (3) a permit to answer with an `act` of
    /// one's own that overrides the forbid whose breach started it (a
    /// countermeasure: the breaches then depend on each other), or (4) a
    /// duty on `t` to make amends with a low `act` within 30 minutes — an
    /// event the forbid judges too, at the breach's very instant possibly.
    Breached {
        consequence: u8,
        when: Option<String>,
    },
}

/// Forbids on `tell(by: s, to: r)` that read the act's time: (trigger,
/// `when`, `unless`). Their constants (20m, 30m, 40m) and the duties'
/// windows (30m, 1h) are multiples of ten minutes: [`timed_scenarios`]
/// places events on that grid and one second either side.
pub const TIMED: [(Option<&str>, Option<&str>, Option<&str>); 6] = [
    (
        Some("on d: act(by: t)"),
        Some("t == s and x.at > d.at + 40m"),
        None,
    ),
    (
        Some("on d: act(by: t)"),
        Some("t == s and x.at < d.at + 20m"),
        None,
    ),
    (None, None, Some("exists act(by: s) within 20m before x")),
    (None, Some("exists act(by: s) within 30m before x"), None),
    (None, Some("exists act(by: s) before x"), None),
    (None, None, Some("exists act(by: r) within 40m after x")),
];

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
        (prop::option::of(condition(On::Act)), any::<bool>()).prop_map(|(when, to_self)| {
            Gen::Oblige {
                when,
                to_self,
                within: "1h",
            }
        }),
    ]
}

/// A forbid on `tell` that reads the act's time.
pub fn gen_timed_forbid() -> impl Strategy<Value = Gen> {
    (0..TIMED.len(), prop::option::weighted(0.3, atom(On::Tell)))
        .prop_map(|(template, when)| Gen::Timed { template, when })
}

/// A duty to `tell` within 30 minutes or an hour of an `act`.
pub fn gen_timed_duty() -> impl Strategy<Value = Gen> {
    (
        prop::option::weighted(0.3, atom(On::Act)),
        any::<bool>(),
        prop_oneof![Just("30m"), Just("1h")],
    )
        .prop_map(|(when, to_self, within)| Gen::Oblige {
            when,
            to_self,
            within,
        })
}

/// A breach-triggered norm with the forbid it answers ([`Gen::Breached`]).
pub fn gen_breached() -> impl Strategy<Value = Gen> {
    (0u8..5, prop::option::weighted(0.3, atom(On::Tell)))
        .prop_map(|(consequence, when)| Gen::Breached { consequence, when })
}

/// A norm a consequence of a breach may collide with: on `tell`, a forbid
/// that reads the act's time, a plain forbid, or a permit; on `act`, a
/// forbid (against a countermeasure).
pub fn gen_tell_norm() -> impl Strategy<Value = Gen> {
    prop_oneof![
        2 => gen_timed_forbid(),
        2 => prop::option::of(atom(On::Tell)).prop_map(|when| Gen::Forbid {
            on: On::Tell,
            when,
            unless: None,
            exception: None,
        }),
        1 => prop::option::of(atom(On::Tell)).prop_map(|when| Gen::Permit {
            on: On::Tell,
            when,
            overrides: false,
        }),
        1 => prop::option::of(atom(On::Act)).prop_map(|when| Gen::Forbid {
            on: On::Act,
            when,
            unless: None,
            exception: None,
        }),
    ]
}

/// Duties with windows of 30 minutes or an hour, forbids on their act
/// that read its time, and a few plain forbids on it.
pub fn gen_timed_norm() -> impl Strategy<Value = Gen> {
    prop_oneof![
        3 => gen_timed_forbid(),
        2 => gen_timed_duty(),
        1 => prop::option::of(atom(On::Tell)).prop_map(|when| Gen::Forbid {
            on: On::Tell,
            when,
            unless: None,
            exception: None,
        }),
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
            Gen::Timed { template, when } => {
                let (trigger, cond, unless) = TIMED[*template % TIMED.len()];
                text.push_str(&format!("norm {name} {{\n  source \"t\"\n"));
                if let Some(t) = trigger {
                    text.push_str(&format!("  {t}\n"));
                }
                text.push_str("  forbid x: tell(by: s, to: r)");
                match (cond, when.as_deref()) {
                    (Some(c), Some(w)) => text.push_str(&format!(" when {c} and {w}")),
                    (Some(c), None) | (None, Some(c)) => text.push_str(&format!(" when {c}")),
                    (None, None) => {}
                }
                if let Some(u) = unless {
                    text.push_str(&format!(" unless {u}"));
                }
                text.push_str("\n}\n");
            }
            Gen::Breached { consequence, when } => {
                let over = if consequence % 5 == 3 {
                    format!(" overrides {name}_base")
                } else {
                    String::new()
                };
                text.push_str(&format!(
                    "norm {name}_base {{\n  source \"t\"\n  forbid act(by: s, level: l) when l >= mid\n}}\n\
                     norm {name}{over} {{\n  source \"t\"\n  on breach of {name}_base act(by: t)\n"
                ));
                let when = when
                    .as_ref()
                    .map(|w| format!(" and {w}"))
                    .unwrap_or_default();
                text.push_str(&match consequence % 5 {
                    0 => format!("  permit tell(by: s, to: r) when r == t{when}\n}}\n"),
                    1 => format!("  forbid tell(by: s, to: r) when s == t{when}\n}}\n"),
                    2 => "  oblige tell(by: t) within 30m\n}\n".to_string(),
                    3 => "  permit act(by: s) when s != t\n}\n".to_string(),
                    _ => "  oblige act(by: t, level: low) within 30m\n}\n".to_string(),
                });
            }
            Gen::Oblige {
                when,
                to_self,
                within,
            } => {
                text.push_str(&format!(
                    "norm {name} {{\n  source \"t\"\n  on x: act(by: s, level: l)"
                ));
                if let Some(w) = when {
                    text.push_str(&format!(" when {w}"));
                }
                let to = if *to_self { ", to: s" } else { "" };
                text.push_str(&format!("\n  oblige tell(by: s{to}) within {within}\n}}\n"));
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

/// Every report of at most two events for the timed norms: one act or one
/// tell alone, and an act at 2025-01-01T00:00:00Z followed or preceded by
/// a second act or a tell at every multiple of ten minutes up to 110 minutes
/// and one second either side — every breakpoint of [`TIMED`]'s conditions
/// and the duties' windows. Each is `(events, offset of the last event in
/// seconds)`; the times are relative, and so are the conditions.
pub fn timed_scenarios() -> Vec<(Vec<String>, i64)> {
    let acts: Vec<(&str, &str)> = ["pn", "ps"]
        .iter()
        .flat_map(|b| ["low", "mid", "high"].map(|l| (*b, l)))
        .collect();
    // A tell to each acting party from another of its zone too: what a
    // consequence of its breach (§4) may permit or forbid.
    let tells = [
        ("pn", "pn"),
        ("ps", "ps"),
        ("pn", "ps"),
        ("ps", "pn"),
        ("pn", "pn2"),
        ("ps", "ps2"),
        ("pn2", "pn"),
        ("ps2", "ps"),
    ];
    let at = |offset: i64| {
        let t = 1_735_689_600 + offset;
        norma::time::format_time(t)
    };
    let mut out = Vec::new();
    for (b, l) in &acts {
        out.push((
            vec![format!("event e: act(by: {b}, level: {l}) at {}", at(0))],
            0,
        ));
    }
    for (b, r) in &tells {
        out.push((
            vec![format!("event e: tell(by: {b}, to: {r}) at {}", at(0))],
            0,
        ));
    }
    let mut offsets = Vec::new();
    for k in -11i64..=11 {
        for d in [-1, 0, 1] {
            offsets.push(k * 600 + d);
        }
    }
    for (b, l) in &acts {
        let first = format!("event e: act(by: {b}, level: {l}) at {}", at(0));
        for &o in &offsets {
            let last = o.max(0);
            for (b2, l2) in &acts {
                out.push((
                    vec![
                        first.clone(),
                        format!("event f: act(by: {b2}, level: {l2}) at {}", at(o)),
                    ],
                    last,
                ));
            }
            for (b2, r2) in &tells {
                out.push((
                    vec![
                        first.clone(),
                        format!("event f: tell(by: {b2}, to: {r2}) at {}", at(o)),
                    ],
                    last,
                ));
            }
        }
    }
    out
}
