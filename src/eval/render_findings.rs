//! Findings and expectation results as text: JSON exactly per §8 and
//! human reports through ariadne (one report per finding, pointing at the
//! event in the report and at the norm that judged it, each in its own
//! file). Renderers return strings; they never print.

use std::collections::HashMap;
use std::fmt;

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
        .bindings
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
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
    o.insert("norm_span".into(), span_json(sources, f.norm_span));
    o.insert("event_span".into(), span_json(sources, f.event_span));
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

pub fn render_findings_json(
    program: &Program,
    sources: &SourceMap,
    results: &[ReportFindings],
) -> String {
    let mut s =
        serde_json::to_string_pretty(&findings_json(program, sources, results)).unwrap_or_default();
    s.push('\n');
    s
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
        format!(" at {}", crate::time::format_time(e.at))
    });
    let mut b = Report::build(kind, aspan(sources, f.event_span))
        .with_config(config(color))
        .with_message(message)
        .with_label(
            Label::new(aspan(sources, f.event_span))
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
    if !f.bindings.is_empty() {
        let shown: Vec<String> = f
            .bindings
            .iter()
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
        facts.push(format!("deadline {}", crate::time::format_time(d)));
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
    let mut cache = SourceCache::new(sources);
    let mut out = String::new();
    for r in results {
        if r.report.index() >= program.reports.len() {
            continue;
        }
        for f in &r.findings {
            out.push_str(&write_report(
                finding_report(program, sources, r.report, f, color),
                &mut cache,
                color,
            ));
        }
        out.push_str(&summary_line(program, r));
        out.push('\n');
    }
    let named = results
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| sources.get(f.norm_span.file).name.as_str());
    out.push_str(&crate::diagnostics::stdlib_note(named));
    out
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
