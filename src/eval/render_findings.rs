//! Findings and expectation results as text: JSON exactly per §8 and
//! human reports through ariadne (one report per finding, pointing at the
//! event in the report and at the norm that judged it, each in its own
//! file). Renderers return strings or write to the writer they are given;
//! they never print.
//!
//! Findings are streamed ([`FindingsSink`]): report by report and finding
//! by finding, each finding serialised on its own, so a large result is
//! never held a second time as a JSON tree or one string. The JSON written
//! is byte for byte `serde_json::to_string_pretty` of [`findings_json`]
//! (a finding written by hand, [`FindingOut::write`]: a test compares).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::{self, Write};

use rayon::prelude::*;

use ariadne::{Cache, Color, Config, IndexType, Label, Report, ReportKind, Source};
use serde_json::{json, Map, Value as Json};

use crate::model::{FindingKind, Program, ReportId};
use crate::span::{FileId, SourceFile, SourceMap, Span};

use super::expect::ExpectationResult;
use super::finding::{Finding, ReportFindings};

/// An ariadne cache over the run's [`SourceMap`], keyed by [`FileId`].
pub(crate) struct SourceCache<'a> {
    map: &'a SourceMap,
    loaded: HashMap<FileId, Source<&'a str>>,
    empty: Source<&'a str>,
}

pub(crate) fn file(map: &SourceMap, id: FileId) -> Option<&SourceFile> {
    map.files().nth(id.0 as usize).map(|(_, f)| f)
}

impl<'a> SourceCache<'a> {
    pub fn new(map: &'a SourceMap) -> SourceCache<'a> {
        SourceCache {
            map,
            loaded: HashMap::new(),
            empty: Source::from(""),
        }
    }
}

impl<'a> Cache<FileId> for SourceCache<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<&'a str>, impl fmt::Debug> {
        let map = self.map;
        Ok::<_, ()>(match file(map, *id) {
            Some(f) => self
                .loaded
                .entry(*id)
                .or_insert_with(|| Source::from(f.text.as_str())),
            None => &self.empty,
        })
    }

    fn display<'b>(&self, id: &'b FileId) -> Option<impl fmt::Display + 'b> {
        Some(file(self.map, *id).map_or_else(|| "?".to_string(), |f| f.name.clone()))
    }
}

pub(crate) type AriadneSpan = (FileId, std::ops::Range<usize>);

/// A span ariadne can draw: clamped to its file's text.
pub(crate) fn aspan(map: &SourceMap, span: Span) -> AriadneSpan {
    let len = file(map, span.file).map_or(0, |f| f.text.len());
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    (span.file, start..end)
}

pub(crate) fn config(color: bool) -> Config {
    Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte)
}

pub(crate) fn write_report(
    report: Report<'_, AriadneSpan>,
    cache: &mut SourceCache<'_>,
    color: bool,
) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail; a failure would only lose this report.
    let _ = report.write(cache, &mut buf);
    // ariadne writes only the `str` pieces it was given: always UTF-8.
    let text = String::from_utf8(buf).unwrap_or_default();
    if color {
        text
    } else {
        crate::diagnostics::strip_ansi(&text)
    }
}

/// `{"file":..., "range":{"start":{"line","character"},"end":{...}}}`, 0-based
/// lines and UTF-16 characters.
pub(crate) fn span_json(sources: &SourceMap, span: Span) -> Json {
    match file(sources, span.file) {
        None => Json::Null,
        Some(f) => json!({
            "file": f.name,
            "range": {
                "start": f.line_col_utf16(span.start as usize),
                "end": f.line_col_utf16(span.end as usize),
            }
        }),
    }
}

pub(crate) fn finding_json(
    program: &Program,
    sources: &SourceMap,
    rid: ReportId,
    f: &Finding,
) -> Json {
    let report = program.report(rid);
    let mut o = Map::new();
    o.insert("kind".into(), json!(f.kind.as_str()));
    o.insert("norm".into(), json!(program.norm(f.norm).qualified));
    let event = report.events.get(f.event.index()).map(|e| e.name.clone());
    o.insert("event".into(), json!(event));
    let bindings: Map<String, Json> = f
        .bindings(program, report)
        .map(|(k, v)| (k.to_string(), Json::String(v.into_owned())))
        .collect();
    o.insert("bindings".into(), Json::Object(bindings));
    o.insert("severity".into(), json!(f.severity.as_str()));
    if let Some((e, m)) = f.response {
        let rung = program
            .enums
            .get(e.index())
            .and_then(|d| d.members.get(m as usize));
        o.insert("response".into(), json!(rung));
    }
    if let Some(other) = f.other {
        o.insert("other".into(), json!(program.norm(other).qualified));
    }
    if let Some(by) = f.by {
        o.insert("by".into(), json!(super::expect::excuser_name(program, by)));
    }
    if let Some(d) = f.deadline {
        o.insert(
            "deadline".into(),
            json!(crate::time::format_interval(d.0, d.1)),
        );
    }
    if let Some(e) = f.fulfilled_by.and_then(|e| report.events.get(e.index())) {
        o.insert("fulfilled_by".into(), json!(e.name));
    }
    if let Some(b) = &f.breach {
        o.insert(
            "breach".into(),
            json!({
                "norm": program.norm(b.norm).qualified,
                "kind": b.kind.as_str(),
                "at": crate::time::format_interval(b.at.0, b.at.1),
            }),
        );
    }
    o.insert("norm_span".into(), span_json(sources, f.norm_span(program)));
    o.insert(
        "event_span".into(),
        span_json(sources, f.event_span(program, report)),
    );
    Json::Object(o)
}

/// The JSON value of §8: `{"schema_version":1,"reports":[...]}`.
pub fn findings_json(program: &Program, sources: &SourceMap, results: &[ReportFindings]) -> Json {
    let reports: Vec<Json> = results
        .iter()
        .filter(|r| r.report.index() < program.reports.len())
        .map(|r| {
            json!({
                "name": program.report(r.report).name,
                "findings": r.findings.iter()
                    .map(|f| finding_json(program, sources, r.report, f))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "schema_version": 1, "reports": reports })
}

/// `findings_json` written out as `to_string_pretty` lays it out, plus a
/// final newline.
pub fn render_findings_json(
    program: &Program,
    sources: &SourceMap,
    results: &[ReportFindings],
) -> String {
    let mut sink = FindingsJson::new(program, sources);
    render_with(&mut sink, results)
}

fn render_with(sink: &mut dyn FindingsSink, results: &[ReportFindings]) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    for r in results {
        let _ = sink.report(&mut buf, r);
    }
    let _ = sink.finish(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Where `norma eval` writes findings as reports are judged: one report
/// at a time, then `finish` once (after zero or more reports).
pub trait FindingsSink {
    fn report(&mut self, w: &mut dyn Write, results: &ReportFindings) -> io::Result<()>;
    fn finish(&mut self, w: &mut dyn Write) -> io::Result<()>;
}

/// The JSON of §8, written finding by finding.
pub struct FindingsJson<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
    reports: usize,
}

/// Findings per piece of JSON serialised on one thread.
const JSON_CHUNK: usize = 512;

impl<'a> FindingsJson<'a> {
    pub fn new(program: &'a Program, sources: &'a SourceMap) -> FindingsJson<'a> {
        FindingsJson {
            program,
            sources,
            reports: 0,
        }
    }
}

impl FindingsSink for FindingsJson<'_> {
    fn report(&mut self, w: &mut dyn Write, r: &ReportFindings) -> io::Result<()> {
        let Some(report) = self.program.reports.get(r.report.index()) else {
            return Ok(());
        };
        w.write_all(if self.reports == 0 {
            b"{\n  \"reports\": [\n"
        } else {
            b",\n"
        })?;
        self.reports += 1;
        w.write_all(b"    {\n      \"findings\": [")?;
        // Findings are serialised in parallel, a window at a time (so the
        // output is never held whole), and written in order.
        let (program, sources) = (self.program, self.sources);
        let piece = |first: bool, chunk: &[Finding], buf: &mut Vec<u8>| {
            buf.clear();
            let mut spans = Spans::new(sources);
            for (j, f) in chunk.iter().enumerate() {
                buf.extend_from_slice(if first && j == 0 {
                    b"\n        "
                } else {
                    b",\n        "
                });
                FindingOut::new(program, &mut spans, report, f).write(&spans, buf);
            }
        };
        let per_window = rayon::current_num_threads().max(1) * 4;
        // The pieces' buffers are reused from window to window: fresh
        // memory for each would be zeroed by the system, a page at a time,
        // as often as the output is long.
        let mut bufs: Vec<Vec<u8>> = vec![Vec::new(); per_window];
        for (w_index, findings) in r.findings.chunks(JSON_CHUNK * per_window).enumerate() {
            let n = findings.len().div_ceil(JSON_CHUNK);
            findings
                .par_chunks(JSON_CHUNK)
                .zip(bufs.par_iter_mut())
                .enumerate()
                .for_each(|(k, (chunk, buf))| piece(w_index == 0 && k == 0, chunk, buf));
            for p in &bufs[..n] {
                w.write_all(p)?;
            }
        }
        if !r.findings.is_empty() {
            w.write_all(b"\n      ")?;
        }
        w.write_all(b"],\n      \"name\": ")?;
        serde_json::to_writer(&mut *w, &report.name).map_err(io::Error::other)?;
        w.write_all(b"\n    }")
    }

    fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(if self.reports == 0 {
            b"{\n  \"reports\": [],\n"
        } else {
            b"\n  ],\n"
        })?;
        w.write_all(b"  \"schema_version\": 1\n}\n")
    }
}

/// One finding as [`finding_json`] builds it, borrowing instead of
/// building a tree; [`FindingOut::write`] lays it out as
/// `to_string_pretty` lays out that tree (its keys sorted), inside the
/// findings array.
struct FindingOut<'a> {
    bindings: Bindings<'a>,
    /// `(norm, kind, at)` of the breach answered.
    breach: Option<(&'a str, &'static str, String)>,
    by: Option<&'a str>,
    deadline: Option<String>,
    event: Option<&'a str>,
    fulfilled_by: Option<&'a str>,
    /// The span's JSON, in [`Spans`].
    event_span: std::ops::Range<usize>,
    kind: &'static str,
    norm: &'a str,
    norm_span: std::ops::Range<usize>,
    /// Left out when `None`.
    other: Option<&'a str>,
    /// Left out when `None`; `Some(None)` is `null`.
    response: Option<Option<&'a str>>,
    severity: &'static str,
}

/// A finding's bindings as a JSON object, keys in order (as a
/// `BTreeMap` would write them, without building one per finding).
struct Bindings<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl<'a> Bindings<'a> {
    fn new(pairs: impl Iterator<Item = (&'a str, Cow<'a, str>)>) -> Bindings<'a> {
        let mut pairs: Vec<_> = pairs.collect();
        // Sorted by key; of one key (not expected) the last, as a map keeps.
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        pairs.dedup_by(|later, first| later.0 == first.0);
        Bindings(pairs)
    }
}

#[derive(Clone, Copy)]
struct SpanOut<'a> {
    file: &'a str,
    range: RangeOut,
}

#[derive(Clone, Copy)]
struct RangeOut {
    end: PositionOut,
    start: PositionOut,
}

#[derive(Clone, Copy)]
struct PositionOut {
    character: u32,
    line: u32,
}

impl<'a> FindingOut<'a> {
    fn new(
        program: &'a Program,
        spans: &mut Spans<'a>,
        report: &'a crate::model::ReportDef,
        f: &'a Finding,
    ) -> FindingOut<'a> {
        FindingOut {
            bindings: Bindings::new(f.bindings(program, report)),
            breach: f.breach.as_ref().map(|b| {
                (
                    program.norm(b.norm).qualified.as_str(),
                    b.kind.as_str(),
                    crate::time::format_interval(b.at.0, b.at.1),
                )
            }),
            by: f.by.map(|b| super::expect::excuser_name(program, b)),
            deadline: f.deadline.map(|d| crate::time::format_interval(d.0, d.1)),
            fulfilled_by: f
                .fulfilled_by
                .and_then(|e| report.events.get(e.index()))
                .map(|e| e.name.as_str()),
            event: report.events.get(f.event.index()).map(|e| e.name.as_str()),
            event_span: spans.get(f.event_span(program, report)),
            kind: f.kind.as_str(),
            norm: &program.norm(f.norm).qualified,
            norm_span: spans.get(f.norm_span(program)),
            other: f.other.map(|o| program.norm(o).qualified.as_str()),
            response: f.response.map(|(e, m)| {
                program
                    .enums
                    .get(e.index())
                    .and_then(|d| d.members.get(m as usize))
                    .map(String::as_str)
            }),
            severity: f.severity.as_str(),
        }
    }
}

/// The JSON of the spans met so far (a norm's, an event's, met again by
/// the findings around it), each written once.
struct Spans<'a> {
    sources: &'a SourceMap,
    seen: rustc_hash::FxHashMap<Span, std::ops::Range<usize>>,
    json: Vec<u8>,
}

impl<'a> Spans<'a> {
    fn new(sources: &'a SourceMap) -> Spans<'a> {
        Spans {
            sources,
            seen: Default::default(),
            json: Vec::new(),
        }
    }

    /// Where the JSON of `span` is in `self.json`.
    fn get(&mut self, span: Span) -> std::ops::Range<usize> {
        let (sources, json) = (self.sources, &mut self.json);
        self.seen
            .entry(span)
            .or_insert_with(|| {
                let start = json.len();
                json_span(json, span_out(sources, span).as_ref());
                start..json.len()
            })
            .clone()
    }
}

impl FindingOut<'_> {
    /// The finding's object, its `{` where the cursor is and its keys
    /// five levels deep (inside `reports[i].findings`).
    fn write(&self, spans: &Spans<'_>, buf: &mut Vec<u8>) {
        let span =
            |range: &std::ops::Range<usize>| spans.json.get(range.clone()).unwrap_or(b"null");
        // `,` and a new line before each key but the first.
        let key = |buf: &mut Vec<u8>, name: &[u8]| {
            buf.extend_from_slice(b",\n          \"");
            buf.extend_from_slice(name);
            buf.extend_from_slice(b"\": ");
        };
        buf.extend_from_slice(b"{\n          \"bindings\": ");
        if self.bindings.0.is_empty() {
            buf.extend_from_slice(b"{}");
        } else {
            buf.push(b'{');
            for (k, (name, value)) in self.bindings.0.iter().enumerate() {
                buf.extend_from_slice(if k == 0 {
                    b"\n            "
                } else {
                    b",\n            "
                });
                json_str(buf, name);
                buf.extend_from_slice(b": ");
                json_str(buf, value);
            }
            buf.extend_from_slice(b"\n          }");
        }
        if let Some((norm, kind, at)) = &self.breach {
            key(buf, b"breach");
            buf.extend_from_slice(b"{\n            \"at\": ");
            json_str(buf, at);
            buf.extend_from_slice(b",\n            \"kind\": ");
            json_str(buf, kind);
            buf.extend_from_slice(b",\n            \"norm\": ");
            json_str(buf, norm);
            buf.extend_from_slice(b"\n          }");
        }
        if let Some(by) = self.by {
            key(buf, b"by");
            json_str(buf, by);
        }
        if let Some(deadline) = &self.deadline {
            key(buf, b"deadline");
            json_str(buf, deadline);
        }
        key(buf, b"event");
        json_opt_str(buf, self.event);
        key(buf, b"event_span");
        buf.extend_from_slice(span(&self.event_span));
        if let Some(e) = self.fulfilled_by {
            key(buf, b"fulfilled_by");
            json_str(buf, e);
        }
        key(buf, b"kind");
        json_str(buf, self.kind);
        key(buf, b"norm");
        json_str(buf, self.norm);
        key(buf, b"norm_span");
        buf.extend_from_slice(span(&self.norm_span));
        if let Some(other) = self.other {
            key(buf, b"other");
            json_str(buf, other);
        }
        if let Some(response) = self.response {
            key(buf, b"response");
            json_opt_str(buf, response);
        }
        key(buf, b"severity");
        json_str(buf, self.severity);
        buf.extend_from_slice(b"\n        }");
    }
}

/// A JSON string as serde_json writes it (escaping only `"`, `\\` and
/// control characters), copied as it is when it needs no escape.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
}

fn json_opt_str(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A span's object, its keys six levels deep.
fn json_span(buf: &mut Vec<u8>, span: Option<&SpanOut<'_>>) {
    let Some(span) = span else {
        buf.extend_from_slice(b"null");
        return;
    };
    buf.extend_from_slice(b"{\n            \"file\": ");
    json_str(buf, span.file);
    let (e, s) = (span.range.end, span.range.start);
    buf.extend_from_slice(
        b",\n            \"range\": {\n              \"end\": {\n                \"character\": ",
    );
    push_u32(buf, e.character);
    buf.extend_from_slice(b",\n                \"line\": ");
    push_u32(buf, e.line);
    buf.extend_from_slice(
        b"\n              },\n              \"start\": {\n                \"character\": ",
    );
    push_u32(buf, s.character);
    buf.extend_from_slice(b",\n                \"line\": ");
    push_u32(buf, s.line);
    buf.extend_from_slice(b"\n              }\n            }\n          }");
}

/// A number in decimal.
fn push_u32(buf: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

fn span_out(sources: &SourceMap, span: Span) -> Option<SpanOut<'_>> {
    let f = file(sources, span.file)?;
    let pos = |offset: u32| {
        let p = f.line_col_utf16(offset as usize);
        PositionOut {
            character: p.character,
            line: p.line,
        }
    };
    Some(SpanOut {
        file: &f.name,
        range: RangeOut {
            end: pos(span.end),
            start: pos(span.start),
        },
    })
}

fn plural(kind: FindingKind, n: usize) -> String {
    match kind {
        FindingKind::Violation | FindingKind::Conflict if n != 1 => {
            format!("{n} {}s", kind.as_str())
        }
        _ => format!("{n} {}", kind.as_str()),
    }
}

/// `notpetya: 2 violations, 1 possible, 1 missed` (or `notpetya: no findings`).
pub fn summary_line(program: &Program, results: &ReportFindings) -> String {
    let name = program
        .reports
        .get(results.report.index())
        .map_or("?", |r| r.name.as_str());
    let counts = results.counts();
    if counts.is_empty() {
        return format!("{name}: no findings");
    }
    let parts: Vec<String> = counts.into_iter().map(|(k, n)| plural(k, n)).collect();
    format!("{name}: {}", parts.join(", "))
}

fn kind_style(kind: FindingKind) -> (ReportKind<'static>, Color) {
    let color = match kind {
        FindingKind::Violation
        | FindingKind::Crossed
        | FindingKind::Conflict
        | FindingKind::Late
        | FindingKind::Missed => Color::Red,
        FindingKind::Possible | FindingKind::Pending | FindingKind::Suspended => Color::Yellow,
        FindingKind::Excused | FindingKind::Fulfilled => Color::Green,
    };
    (ReportKind::Custom(kind.as_str(), color), color)
}

fn finding_report(
    program: &Program,
    sources: &SourceMap,
    rid: ReportId,
    f: &Finding,
    color: bool,
) -> Report<'static, AriadneSpan> {
    let report = program.report(rid);
    let norm = program.norm(f.norm);
    let (kind, c) = kind_style(f.kind);
    let ev = report.events.get(f.event.index());
    let ev_name = ev.map_or("?", |e| e.name.as_str());
    let title = norm
        .title
        .as_ref()
        .map_or_else(String::new, |t| format!(" \"{t}\""));
    let message = match f.kind {
        FindingKind::Crossed => format!("red line {}{title} crossed at {ev_name}", norm.qualified),
        FindingKind::Fulfilled
        | FindingKind::Late
        | FindingKind::Missed
        | FindingKind::Pending
        | FindingKind::Suspended => {
            format!("duty of {}{title} triggered by {ev_name}", norm.qualified)
        }
        _ => format!("{}{title} at {ev_name}", norm.qualified),
    };
    let when = ev.map_or_else(String::new, |e| {
        format!(" at {}", crate::time::format_interval(e.at, e.at_hi))
    });
    let event_span = f.event_span(program, program.report(rid));
    let mut b = Report::build(kind, aspan(sources, event_span))
        .with_config(config(color))
        .with_message(message)
        .with_label(
            Label::new(aspan(sources, event_span))
                .with_message(format!("event `{ev_name}`{when}"))
                .with_color(c),
        )
        .with_label(
            Label::new(aspan(sources, norm.name_span))
                .with_message(format!(
                    "{} by this {}",
                    f.kind.as_str(),
                    norm.modality.as_str()
                ))
                .with_color(Color::Blue),
        );
    if let Some(o) = f.other {
        let other = program.norm(o);
        b = b.with_label(
            Label::new(aspan(sources, other.name_span))
                .with_message(format!("collides with {}", other.qualified))
                .with_color(Color::Magenta),
        );
    }
    if let Some(by) = f.by {
        let (name, span) = match by {
            crate::model::ExceptionTarget::Norm(n) => {
                (&program.norm(n).qualified, program.norm(n).name_span)
            }
            crate::model::ExceptionTarget::Exception(x) => (
                &program.exception(x).qualified,
                program.exception(x).name_span,
            ),
        };
        if f.other.is_none_or(|o| program.norm(o).name_span != span) {
            b = b.with_label(
                Label::new(aspan(sources, span))
                    .with_message(format!("excused by {name}"))
                    .with_color(Color::Green),
            );
        }
        b = b.with_note(format!("excused by {name}"));
    }
    if let Some(br) = &f.breach {
        let breached = program.norm(br.norm);
        b = b.with_label(
            Label::new(aspan(sources, breached.name_span))
                .with_message(format!("breached: {}", br.kind.as_str()))
                .with_color(Color::Red),
        );
        b = b.with_note(format!(
            "answers the breach of {} ({} at {})",
            breached.qualified,
            br.kind.as_str(),
            crate::time::format_interval(br.at.0, br.at.1)
        ));
    }
    if !f.frame.is_empty() {
        let shown: Vec<String> = f
            .bindings(program, report)
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        b = b.with_note(format!("bindings: {}", shown.join(", ")));
    }
    let mut facts = vec![format!("severity {}", f.severity.as_str())];
    if let Some((e, m)) = f.response {
        if let Some(rung) = program
            .enums
            .get(e.index())
            .and_then(|d| d.members.get(m as usize))
        {
            facts.push(format!("justifies up to `{rung}`"));
        }
    }
    if let Some(d) = f.deadline {
        facts.push(format!(
            "deadline {}",
            crate::time::format_interval(d.0, d.1)
        ));
    }
    if let Some(by) = f.fulfilled_by.and_then(|e| report.events.get(e.index())) {
        facts.push(format!("performed by `{}`", by.name));
    }
    b.with_note(facts.join("; ")).finish()
}

/// One ariadne report per finding, grouped by report, each group ending
/// with its [`summary_line`].
pub fn render_findings_human(
    program: &Program,
    sources: &SourceMap,
    results: &[ReportFindings],
    color: bool,
) -> String {
    let mut sink = FindingsHuman::new(program, sources, color);
    render_with(&mut sink, results)
}

/// The human rendering, written finding by finding.
pub struct FindingsHuman<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
    color: bool,
    cache: SourceCache<'a>,
    /// The files of the norms found so far, for the closing note on the
    /// standard library.
    files: BTreeSet<FileId>,
}

impl<'a> FindingsHuman<'a> {
    pub fn new(program: &'a Program, sources: &'a SourceMap, color: bool) -> FindingsHuman<'a> {
        FindingsHuman {
            program,
            sources,
            color,
            cache: SourceCache::new(sources),
            files: BTreeSet::new(),
        }
    }
}

impl FindingsSink for FindingsHuman<'_> {
    fn report(&mut self, w: &mut dyn Write, r: &ReportFindings) -> io::Result<()> {
        self.files
            .extend(r.findings.iter().map(|f| f.norm_span(self.program).file));
        if r.report.index() >= self.program.reports.len() {
            return Ok(());
        }
        for f in &r.findings {
            let report = finding_report(self.program, self.sources, r.report, f, self.color);
            w.write_all(write_report(report, &mut self.cache, self.color).as_bytes())?;
        }
        writeln!(w, "{}", summary_line(self.program, r))
    }

    fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        let named = self
            .files
            .iter()
            .map(|&f| self.sources.get(f).name.as_str());
        w.write_all(crate::diagnostics::stdlib_note(named).as_bytes())
    }
}

/// `norma test`: a line per passing expectation, an ariadne report per
/// failing one, and the final line `N passed, N failed`.
pub fn render_tests_human(
    program: &Program,
    sources: &SourceMap,
    results: &[ExpectationResult],
    color: bool,
) -> String {
    let mut cache = SourceCache::new(sources);
    let mut out = String::new();
    for r in results {
        let report = program
            .reports
            .get(r.report.index())
            .map_or("?", |d| d.name.as_str());
        if r.passed {
            out.push_str(&format!("ok    {report}: {}\n", r.text));
            continue;
        }
        let note = if r.found.is_empty() {
            "found: nothing for this norm".to_string()
        } else {
            format!("found instead: {}", r.found.join("; "))
        };
        let rep = Report::build(ReportKind::Error, aspan(sources, r.span))
            .with_config(config(color))
            .with_message(format!("{report}: {} does not hold", r.text))
            .with_label(
                Label::new(aspan(sources, r.span))
                    .with_message("this expectation failed")
                    .with_color(Color::Red),
            )
            .with_note(note)
            .finish();
        out.push_str(&format!("FAIL  {report}: {}\n", r.text));
        out.push_str(&write_report(rep, &mut cache, color));
    }
    let passed = results.iter().filter(|r| r.passed).count();
    out.push_str(&format!(
        "{passed} passed, {} failed\n",
        results.len() - passed
    ));
    out
}

/// `{"schema_version":1,"reports":[{"name","expectations":[...]}],"summary":{"passed","failed"}}`.
pub fn render_tests_json(
    program: &Program,
    sources: &SourceMap,
    results: &[ExpectationResult],
) -> String {
    let mut reports: Vec<(ReportId, Vec<Json>)> = Vec::new();
    for r in results {
        let item = json!({
            "expectation": r.text,
            "passed": r.passed,
            "found": r.found,
            "span": span_json(sources, r.span),
        });
        match reports.last_mut() {
            Some((id, items)) if *id == r.report => items.push(item),
            _ => reports.push((r.report, vec![item])),
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let reports: Vec<Json> = reports
        .into_iter()
        .map(|(id, items)| {
            json!({
                "name": program.reports.get(id.index()).map(|d| d.name.clone()),
                "expectations": items,
            })
        })
        .collect();
    let v = json!({
        "schema_version": 1,
        "reports": reports,
        "summary": { "passed": passed, "failed": results.len() - passed },
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
