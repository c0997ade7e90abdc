//! `norma eval --format stix`: findings as a STIX 2.1 bundle.
//!
//! Each finding is a `note`: the object CTI platforms (OpenCTI, MISP,
//! the OASIS workbench) show on the page of every object it refers to, so
//! an analyst who imported a bundle sees the judgement next to the
//! incident, campaign or relationship it is about. An `opinion` would not
//! fit (it grades whether a claim is true), and a new extension would be
//! shown by no platform. A note's `object_refs` are the STIX ids on the
//! first line of the judged event's doc comment (what `norma import stix`
//! writes there) and the `report` object that stands for the Norma
//! report; its `abstract` says kind, norm and event; its `content` the
//! norm's title, source citation, severity and the bindings.
//!
//! Identifiers are derived from what they name (report, norm, event,
//! kind), so judging the same report twice gives the same ids and a
//! platform updates its notes instead of adding copies; they are written
//! as version-4 UUIDs. Owns only this rendering; it reads the checked
//! model and the evaluator's public results, and never prints.

use std::io::{self, Write};

use serde_json::{json, Value as Json};

use crate::eval::{Finding, FindingsSink, ReportFindings};
use crate::model::Program;

/// A 128-bit FNV-1a hash of `key`, written as a version-4 UUID.
fn uuid_of(key: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in key.as_bytes() {
        h ^= u128::from(*b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mut bytes = h.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The STIX ids on the first line of a doc comment (`type--uuid`).
pub fn stix_ids(doc: Option<&str>) -> Vec<String> {
    let Some(first) = doc.and_then(|d| d.lines().next()) else {
        return Vec::new();
    };
    first
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_end_matches([':', '.', ';']))
        .filter(|w| is_stix_id(w))
        .map(str::to_string)
        .collect()
}

fn is_stix_id(w: &str) -> bool {
    let Some((ty, uuid)) = w.split_once("--") else {
        return false;
    };
    !ty.is_empty()
        && ty
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && uuid.len() == 36
        && uuid.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Writes the bundle finding by finding (never held whole).
pub struct FindingsStix<'a> {
    program: &'a Program,
    /// `created`/`modified` of every object: when the findings were made.
    created: String,
    started: bool,
    identity: String,
}

impl<'a> FindingsStix<'a> {
    /// `created` is an RFC 3339 timestamp with milliseconds (the caller's
    /// clock: the library reads none).
    pub fn new(program: &'a Program, created: String) -> FindingsStix<'a> {
        FindingsStix {
            program,
            created,
            started: false,
            identity: format!("identity--{}", uuid_of("norma")),
        }
    }

    fn start(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let mut key = String::from("bundle");
        for r in &self.program.reports {
            key.push(' ');
            key.push_str(&r.qualified);
        }
        key.push_str(&self.created);
        write!(
            w,
            "{{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--{}\",\n  \"objects\": [\n",
            uuid_of(&key)
        )?;
        let identity = json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": self.identity,
            "created": self.created,
            "modified": self.created,
            "name": "norma",
            "identity_class": "system",
            "description": "Norma judges incident reports against norms of responsible State behaviour in cyberspace.",
        });
        write_object(w, &identity, true)
    }

    fn note(&self, rf: &ReportFindings, f: &Finding, report_id: &str) -> (String, Json) {
        let p = self.program;
        let report = p.report(rf.report);
        let norm = p.norm(f.norm);
        let event = report.events.get(f.event.index());
        let event_name = event.map_or("?", |e| e.name.as_str());
        let kind = f.kind.as_str();
        let other = f.other.map(|o| p.norm(o).qualified.clone());
        let id = format!(
            "note--{}",
            uuid_of(&format!(
                "note {} {} {} {kind} {}",
                report.qualified,
                norm.qualified,
                event_name,
                other.as_deref().unwrap_or("")
            ))
        );
        let mut content = format!("Finding: {kind}\nNorm: {}", norm.qualified);
        if let Some(t) = &norm.title {
            content.push_str(&format!(" \"{t}\""));
        }
        if let Some(s) = &norm.source {
            content.push_str(&format!("\nSource: {s}"));
        }
        content.push_str(&format!("\nSeverity: {}", severity(f)));
        if let Some(o) = &other {
            content.push_str(&format!("\nOther norm: {o}"));
        }
        if let Some(e) = event {
            content.push_str(&format!(
                "\nEvent: {} ({} at {})",
                e.name,
                p.action(e.action).name,
                when(e.at, e.at_hi)
            ));
        }
        let bindings: Vec<String> = f
            .bindings(p, report)
            .map(|(n, v)| format!("{n} = {v}"))
            .collect();
        if !bindings.is_empty() {
            content.push_str(&format!("\nBindings: {}", bindings.join(", ")));
        }
        content.push_str(&format!(
            "\nReport: {}{}",
            report.qualified,
            report
                .title
                .as_ref()
                .map_or(String::new(), |t| format!(" \"{t}\""))
        ));
        let mut refs = vec![report_id.to_string()];
        refs.extend(stix_ids(event.and_then(|e| e.doc.as_deref())));
        let note = json!({
            "type": "note",
            "spec_version": "2.1",
            "id": id,
            "created_by_ref": self.identity,
            "created": self.created,
            "modified": self.created,
            "abstract": format!("{kind}: {} at {event_name}", norm.qualified),
            "content": content,
            "authors": ["norma"],
            "labels": ["norma-finding", kind, severity(f)],
            "object_refs": refs,
        });
        (id, note)
    }
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        crate::model::NormSeverity::Low => "low",
        crate::model::NormSeverity::Medium => "medium",
        crate::model::NormSeverity::High => "high",
        crate::model::NormSeverity::Critical => "critical",
    }
}

fn write_object(w: &mut dyn Write, value: &Json, first: bool) -> io::Result<()> {
    if !first {
        w.write_all(b",\n")?;
    }
    let text = serde_json::to_string(value).map_err(io::Error::other)?;
    w.write_all(b"    ")?;
    w.write_all(text.as_bytes())
}

impl FindingsSink for FindingsStix<'_> {
    fn report(&mut self, w: &mut dyn Write, rf: &ReportFindings) -> io::Result<()> {
        self.start(w)?;
        if rf.findings.is_empty() {
            return Ok(());
        }
        let p = self.program;
        let report = p.report(rf.report);
        let report_id = format!(
            "report--{}",
            uuid_of(&format!("report {}", report.qualified))
        );
        let mut refs: Vec<String> = Vec::new();
        for f in &rf.findings {
            let (id, note) = self.note(rf, f, &report_id);
            write_object(w, &note, false)?;
            refs.push(id);
        }
        let mut counts = String::new();
        for (k, n) in rf.counts() {
            if !counts.is_empty() {
                counts.push_str(", ");
            }
            counts.push_str(&format!("{n} {}", k.as_str()));
        }
        let problems = rf.findings.iter().any(|f| f.kind.is_problem());
        let object = json!({
            "type": "report",
            "spec_version": "2.1",
            "id": report_id,
            "created_by_ref": self.identity,
            "created": self.created,
            "modified": self.created,
            "name": report.title.clone().unwrap_or_else(|| report.name.clone()),
            "description": format!(
                "Findings of norma on report {}: {counts}{}",
                report.qualified,
                if problems { "" } else { " (no problems)" }
            ),
            "report_types": ["threat-report"],
            "published": stamp(report.as_of),
            "labels": ["norma-findings"],
            "object_refs": refs,
        });
        write_object(w, &object, false)
    }

    fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        self.start(w)?;
        w.write_all(b"\n  ]\n}\n")
    }
}

/// An event's time as a report writes it: exact, a span, or `?`.
fn when(lo: i64, hi: i64) -> String {
    let end = |t: i64| {
        if t == crate::time::PAST || t == i64::MAX {
            "?".to_string()
        } else {
            crate::time::format_time(t)
        }
    };
    if lo == hi {
        end(lo)
    } else {
        format!("{} .. {}", end(lo), end(hi))
    }
}

/// A time as STIX writes timestamps (milliseconds, `Z`).
pub fn stamp(secs: i64) -> String {
    let t = crate::time::format_time(secs);
    format!("{}.000Z", t.trim_end_matches('Z'))
}
