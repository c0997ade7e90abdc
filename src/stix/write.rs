//! The imported report as Norma text: names, times, doc comments, the
//! list of what was not mapped, and the layout — `norma fmt`'s canonical
//! one for the few shapes written here (a declaration on one line when it
//! fits in [`crate::fmt::WIDTH`] columns, else one argument or field per
//! line), so `norma fmt` leaves the report as it is (the tests check it on
//! every report they write; handing 100 000 objects' report to the
//! formatter took half the import's time).
//!
//! Owns the one place where an event's time is spelled ([`event_time`]).
//! It must never decide what a STIX object means (that is `import.rs`).

use std::fmt::Write as _;

use rustc_hash::FxHashSet;

use super::objects::Skipped;

/// When an event happened, as the bundle says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    /// To the second.
    Exact(i64),
    /// Some time in `[lo, hi]`; `why` says where the span comes from.
    Span { lo: i64, hi: i64, why: String },
    /// At `lo` or later, no later than `as_of`.
    From { lo: i64, why: String },
    /// The bundle gives no time.
    Unknown { why: String },
}

impl When {
    /// A span from two bounds: exact when they meet; ends the bundle gives
    /// the wrong way round are put in order, and the doc comment says so.
    pub fn between(lo: i64, hi: i64, why: String) -> When {
        match lo.cmp(&hi) {
            std::cmp::Ordering::Equal => When::Exact(lo),
            std::cmp::Ordering::Less => When::Span { lo, hi, why },
            std::cmp::Ordering::Greater => When::Span {
                lo: hi,
                hi: lo,
                why: format!("{why}, whose ends the bundle gives the wrong way round"),
            },
        }
    }
}

/// How an event's time is written: the text after `at`, and a line for
/// the event's doc comment saying where an imprecise time comes from.
pub struct TimeText {
    pub at: String,
    pub note: Option<String>,
}

/// The one spelling of an event's time: `at T`, `at T1 .. T2` for a span
/// (a fidelity coarser than the second, `first_seen .. last_seen`),
/// `at T .. ?` for a start with no known end (up to `as_of`), `at ?` when
/// the bundle gives no time.
pub fn event_time(when: &When) -> TimeText {
    match when {
        When::Exact(t) => TimeText {
            at: time(*t),
            note: None,
        },
        When::Span { lo, hi, why } => TimeText {
            at: format!("{} .. {}", time(*lo), time(*hi)),
            note: Some(format!("time: {why}")),
        },
        When::From { lo, why } => TimeText {
            at: format!("{} .. ?", time(*lo)),
            note: Some(format!("time: {why}")),
        },
        When::Unknown { why } => TimeText {
            at: "?".to_string(),
            note: Some(format!("time: `?`, {why}")),
        },
    }
}

/// A time as reports write it: a date alone at midnight.
pub fn time(t: i64) -> String {
    if t.rem_euclid(86_400) == 0 {
        crate::time::format_time(t)[..10].to_string()
    } else {
        crate::time::format_time(t)
    }
}

/// `text` cut to at most `max` characters (on a character boundary),
/// with `…` where it was cut; control characters become spaces, so a
/// name never breaks the comment it is written in.
pub fn clip(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 3));
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// Identifiers of the report: unique, never a keyword, never a name the
/// standard library declares (an asset called `energy` would shadow the
/// sector).
pub struct Names {
    taken: FxHashSet<String>,
}

impl Names {
    pub fn new(reserved: impl IntoIterator<Item = String>) -> Names {
        let mut taken: FxHashSet<String> = reserved.into_iter().collect();
        taken.extend(crate::syntax::token::KEYWORDS.iter().map(|k| k.to_string()));
        Names { taken }
    }

    /// A fresh name from `text` (letters and digits kept, the rest `_`),
    /// `fallback` when nothing is left; `_2`, `_3`, … until unused.
    pub fn fresh(&mut self, text: &str, fallback: &str, lowercase: bool) -> String {
        let mut base = String::new();
        for c in text.chars() {
            let c = if lowercase { c.to_ascii_lowercase() } else { c };
            if c.is_ascii_alphanumeric() {
                base.push(c);
            } else if !base.ends_with('_') && !base.is_empty() {
                base.push('_');
            }
            if base.len() >= 40 {
                break;
            }
        }
        // A long title is cut at a word, not inside one.
        if base.len() >= 40 {
            if let Some(cut) = base[..32].rfind('_').filter(|&c| c >= 8) {
                base.truncate(cut);
            }
        }
        let mut base = base.trim_end_matches('_').to_string();
        if base.is_empty() {
            base = fallback.to_string();
        }
        if base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert(0, '_');
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// An entity or event as written: its doc lines and the declaration.
pub struct Item {
    pub doc: Vec<String>,
    pub line: String,
}

/// The report's text before layout.
pub struct Text {
    pub bundle: Option<String>,
    pub name: String,
    pub title: String,
    pub as_of: i64,
    pub notes: Vec<String>,
    pub skipped: Vec<Skipped>,
    pub entities: Vec<Item>,
    pub events: Vec<Item>,
}

/// The standard modules a report uses: `std::core` and every other
/// module of the standard library (each a module of norms), so that
/// `norma eval` judges it at once — read from the library built into the
/// binary, so a module added later is used too.
pub fn uses() -> Vec<String> {
    let mut others: Vec<String> = crate::resolve::loader::stdlib_modules()
        .map(|(name, _)| name)
        .filter(|name| *name != "core")
        .map(|name| format!("std::{name}"))
        .collect();
    others.sort();
    let mut all = vec!["std::core".to_string()];
    all.extend(others);
    all
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in clip(text, 120).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Text {
    pub fn render(&self) -> String {
        let mut s = String::new();
        let bundle = self.bundle.as_deref().unwrap_or("without an id");
        let _ = writeln!(
            s,
            "// Imported by `norma import stix` from the STIX 2.1 bundle {}.",
            clip(bundle, 80)
        );
        s.push_str("// Facts the bundle does not give are `?`; intent is never in STIX.\n");
        for n in &self.notes {
            let _ = writeln!(s, "// {n}");
        }
        if self.skipped.is_empty() {
            s.push_str("//\n// Every object of the bundle is mapped.\n");
        } else {
            let _ = writeln!(
                s,
                "//\n// Not mapped ({} object{}):",
                self.skipped.len(),
                if self.skipped.len() == 1 { "" } else { "s" }
            );
            for k in &self.skipped {
                let _ = writeln!(s, "// - {}: {}", clip(&k.id, 80), clip(&k.reason, 300));
            }
        }
        s.push('\n');
        for u in uses() {
            let _ = writeln!(s, "use {u};");
        }
        let _ = writeln!(
            s,
            "\nreport {} {} {{\n  as_of {}",
            self.name,
            quoted(&self.title),
            time(self.as_of)
        );
        for item in self.entities.iter().chain(&self.events) {
            for d in &item.doc {
                let _ = writeln!(s, "  /// {d}");
            }
            lay_out(&mut s, &item.line);
        }
        s.push_str("}\n");
        s
    }
}

/// A report's entity or event as `norma fmt` lays it out: on one line
/// when it fits, else one argument (`event`) or field (`entity`) per line.
fn lay_out(s: &mut String, line: &str) {
    if 2 + line.chars().count() <= crate::fmt::WIDTH {
        let _ = writeln!(s, "  {line}");
        return;
    }
    let event = line
        .split_once('(')
        .and_then(|(head, rest)| rest.rsplit_once(") at ").map(|(a, t)| (head, a, t)));
    if let Some((head, args, at)) = event {
        let _ = writeln!(s, "  {head}(");
        list(s, args);
        let _ = writeln!(s, "  ) at {at}");
        return;
    }
    let entity = line
        .split_once(" { ")
        .and_then(|(head, rest)| rest.strip_suffix(" }").map(|f| (head, f)));
    if let Some((head, fields)) = entity {
        let _ = writeln!(s, "  {head} {{");
        list(s, fields);
        s.push_str("  }\n");
        return;
    }
    let _ = writeln!(s, "  {line}");
}

fn list(s: &mut String, items: &str) {
    let mut parts = items.split(", ").peekable();
    while let Some(p) = parts.next() {
        let comma = if parts.peek().is_some() { "," } else { "" };
        let _ = writeln!(s, "    {p}{comma}");
    }
}
