//! The evaluator on generated programs (structure-aware, `arbitrary`):
//! norms, red lines, exceptions (also to exceptions), overrides, duties and
//! reports with unknown facts (`?`). Each program that checks without
//! errors is evaluated (findings, `expect` lines, explanations, renderings):
//! no panic, and the findings are the same whatever the order in which the
//! events and the declarations are written. The reordered events are
//! checked as the command line checks a file (events folded and read
//! quickly), the rest as the editor does (every event's tree built): the
//! two front ends must agree too.
#![no_main]

/// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use norma::model::{EventId, ReportId};

const HEADER: &str = "enum Level { none < low < high }\nenum Rung { protest < sanctions < countermeasures }\ntype Party { trusted: Bool }\naction strike(by: Party, level: Level)\naction reply(by: Party, to: Party)\naction warn(by: Party)\nentity A: Party { trusted: false }\nentity T: Party { trusted: true }\n";

/// A condition over the variables of a strike (`p`, `l`) or of a reply
/// (`p`, `q`).
#[derive(Arbitrary, Debug, Clone)]
enum Cond {
    True,
    False,
    LevelAtLeast(u8),
    IsA,
    IsT,
    Trusted,
    OtherTrusted,
    Known,
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    ExistsReply(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Domain {
    Strike,
    Reply,
}

#[derive(Arbitrary, Debug, Clone)]
enum Decl {
    Forbid {
        domain: Domain,
        when: Cond,
        unless: Option<Cond>,
        overrides: Option<u8>,
    },
    Permit {
        domain: Domain,
        when: Cond,
        overrides: Option<u8>,
    },
    Duty {
        when: Cond,
        days: u8,
    },
    Redline {
        when: Cond,
        rung: u8,
    },
    Exception {
        target: u8,
        when: Cond,
    },
}

#[derive(Arbitrary, Debug, Clone)]
enum Ev {
    Strike(u8, u8, u8),
    Reply(u8, u8, u8),
    Warn(u8, u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    decls: Vec<Decl>,
    events: Vec<Ev>,
    shuffle: u64,
}

fn cond(c: &Cond, d: Domain, depth: u8) -> String {
    if depth > 4 {
        return "true".into();
    }
    let (x, y) = match d {
        Domain::Strike => ("p", "l"),
        Domain::Reply => ("p", "q"),
    };
    match c {
        Cond::True => "true".into(),
        Cond::False => "false".into(),
        Cond::LevelAtLeast(n) => match d {
            Domain::Strike => format!("{y} >= {}", ["none", "low", "high"][usize::from(n % 3)]),
            Domain::Reply => format!("{y} == {}", ["A", "T"][usize::from(n % 2)]),
        },
        Cond::IsA => format!("{x} == A"),
        Cond::IsT => format!("{x} == T"),
        Cond::Trusted => format!("{x}.trusted"),
        Cond::OtherTrusted => match d {
            Domain::Strike => format!("not {x}.trusted"),
            Domain::Reply => format!("{y}.trusted"),
        },
        Cond::Known => format!("known({x}.trusted)"),
        Cond::Not(a) => format!("not ({})", cond(a, d, depth + 1)),
        Cond::And(a, b) => format!(
            "({}) and ({})",
            cond(a, d, depth + 1),
            cond(b, d, depth + 1)
        ),
        Cond::Or(a, b) => format!("({}) or ({})", cond(a, d, depth + 1), cond(b, d, depth + 1)),
        Cond::ExistsReply(days) => {
            format!("exists reply(by: {x}) within {}d after ev", days % 4 + 1)
        }
    }
}

fn pattern(d: Domain) -> &'static str {
    match d {
        Domain::Strike => "ev: strike(by: p, level: l)",
        Domain::Reply => "ev: reply(by: p, to: q)",
    }
}

/// Each declaration as text, with the domain of its variables (for
/// exceptions to it).
fn render_decls(decls: &[Decl]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut domains: Vec<(String, Domain)> = Vec::new();
    let mut norms: Vec<String> = Vec::new();
    for (i, decl) in decls.iter().take(12).enumerate() {
        let name = format!("d{i}");
        let over = |o: &Option<u8>| {
            o.and_then(|k| norms.get(usize::from(k) % norms.len().max(1)).cloned())
                .map(|n| format!(" overrides {n}"))
                .unwrap_or_default()
        };
        let (text, domain, is_norm) = match decl {
            Decl::Forbid { domain, when, unless, overrides } => {
                let unless = unless
                    .as_ref()
                    .map(|u| format!(" unless {}", cond(u, *domain, 0)))
                    .unwrap_or_default();
                (
                    format!(
                        "norm {name}{} {{\n  source \"f\"\n  forbid {} when {}{unless}\n}}\n",
                        over(overrides),
                        pattern(*domain),
                        cond(when, *domain, 0)
                    ),
                    *domain,
                    true,
                )
            }
            Decl::Permit { domain, when, overrides } => (
                format!(
                    "norm {name}{} {{\n  source \"f\"\n  permit {} when {}\n}}\n",
                    over(overrides),
                    pattern(*domain),
                    cond(when, *domain, 0)
                ),
                *domain,
                true,
            ),
            Decl::Duty { when, days } => (
                format!(
                    "norm {name} {{\n  source \"f\"\n  on ev: strike(by: p, level: l) when {}\n  oblige reply(by: p) within {}d\n}}\n",
                    cond(when, Domain::Strike, 0),
                    days % 5 + 1
                ),
                Domain::Strike,
                true,
            ),
            Decl::Redline { when, rung } => (
                format!(
                    "redline {name} {{\n  source \"f\"\n  severity critical\n  forbid ev: strike(by: p, level: l) when {}\n  response {}\n}}\n",
                    cond(when, Domain::Strike, 0),
                    ["protest", "sanctions", "countermeasures"][usize::from(rung % 3)]
                ),
                Domain::Strike,
                true,
            ),
            Decl::Exception { target, when } => {
                let Some((t, d)) = domains.get(usize::from(*target) % domains.len().max(1)).cloned()
                else {
                    continue;
                };
                (format!("exception {name} to {t} {{ when {} }}\n", cond(when, d, 0)), d, false)
            }
        };
        domains.push((name.clone(), domain));
        if is_norm {
            norms.push(name);
        }
        out.push(text);
    }
    out
}

fn render_events(events: &[Ev]) -> Vec<String> {
    let party = |n: u8| ["A", "T", "Q", "?"][usize::from(n % 4)];
    let level = |n: u8| ["none", "low", "high", "?"][usize::from(n % 4)];
    events
        .iter()
        .take(16)
        .enumerate()
        .map(|(i, e)| match e {
            Ev::Strike(p, l, d) => format!(
                "  event e{i}: strike(by: {}, level: {}) at 2020-01-0{}\n",
                party(*p),
                level(*l),
                d % 6 + 1
            ),
            Ev::Reply(p, q, d) => format!(
                "  event e{i}: reply(by: {}, to: {}) at 2020-01-0{}\n",
                party(*p),
                party(*q),
                d % 6 + 1
            ),
            Ev::Warn(p, d) => format!(
                "  event e{i}: warn(by: {}) at 2020-01-0{}\n",
                party(*p),
                d % 6 + 1
            ),
        })
        .collect()
}

fn program(decls: &[String], events: &[String]) -> String {
    let mut text = String::from(HEADER);
    for d in decls {
        text.push_str(d);
    }
    text.push_str("report r {\n  as_of 2020-01-09\n  entity Q: Party { trusted: ? }\n");
    for e in events {
        text.push_str(e);
    }
    text.push_str("}\n");
    text
}

fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    let mut x = seed | 1;
    for i in (1..out.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.swap(i, (x % (i as u64 + 1)) as usize);
    }
    out
}

/// A finding as a comparable tuple: kind, norm, event, the other norm.
type Row = (String, String, String, Option<String>);

/// Findings as sorted comparable tuples; None if the program has errors.
/// With `render`, also the `expect` lines, explanations and renderings
/// (done for the program as written; its reorderings only need findings).
fn findings(text: &str, render: bool) -> Option<Vec<Row>> {
    let s = norma::driver::check_text("p.norma", text);
    if s.has_errors() {
        return None;
    }
    let results = vec![norma::eval::evaluate(&s.program, ReportId(0))];
    if render {
        render_all(&s, &results);
    }
    Some(rows(&s, &results[0]))
}

/// Findings as [`findings`] gives them, the program checked as the
/// command line checks a file.
fn findings_quick(text: &str) -> Option<Vec<Row>> {
    let s = norma::driver::check_texts_over(
        vec![("p.norma".to_string(), std::path::PathBuf::from("."), text.to_string())],
        Vec::new(),
        &[],
    );
    if s.has_errors() {
        return None;
    }
    let results = norma::eval::evaluate(&s.program, ReportId(0));
    Some(rows(&s, &results))
}

fn rows(s: &norma::driver::Session, results: &norma::eval::ReportFindings) -> Vec<Row> {
    let p = &s.program;
    let r = ReportId(0);
    let mut out: Vec<Row> = results
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
        .collect();
    out.sort();
    out
}

/// Expectations, explanations of every event and every rendering.
fn render_all(s: &norma::driver::Session, results: &[norma::eval::ReportFindings]) {
    let p = &s.program;
    let r = ReportId(0);
    let _ = norma::eval::render_findings_human(p, &s.sources, results, false);
    let _ = norma::eval::render_findings_json(p, &s.sources, results);
    let expectations: Vec<_> = results
        .iter()
        .flat_map(|f| norma::eval::check_expectations(p, f.report, f))
        .collect();
    let _ = norma::eval::render_tests_json(p, &s.sources, &expectations);
    for e in 0..p.report(r).events.len() {
        let x = norma::eval::explain(p, r, EventId(e as u32));
        let _ = norma::eval::render_explain_json(p, &s.sources, &x);
    }
}

fuzz_target!(|input: Input| {
    let decls = render_decls(&input.decls);
    let events = render_events(&input.events);
    let Some(base) = findings(&program(&decls, &events), true) else {
        return;
    };
    let by_events = findings(
        &program(&decls, &shuffled(&events, input.shuffle)),
        false,
    );
    let quick = findings_quick(&program(&decls, &events));
    assert_eq!(
        Some(&base),
        quick.as_ref(),
        "the command line's front end changed the findings"
    );
    assert_eq!(
        Some(&base),
        by_events.as_ref(),
        "event order changed the findings"
    );
    let by_decls = findings(
        &program(&shuffled(&decls, input.shuffle.rotate_left(17)), &events),
        false,
    );
    assert_eq!(
        Some(&base),
        by_decls.as_ref(),
        "declaration order changed the findings"
    );
});
