//! Findings in place: every report of an open document is judged by the
//! evaluator (`crate::eval`, its public API only) and each finding is
//! shown on its event as a diagnostic; a failing `expect` is an error on
//! its line. The same results give the code lenses on reports and norms.
//!
//! A report is judged only when its module and everything it uses check
//! without errors: an item with errors is left out of the model, so
//! findings of a broken text would be findings of another text.
//!
//! **Latency**: a keystroke judges only reports of at most
//! [`KEYSTROKE_EVENTS`] events (a 1,000-event report adds a few
//! milliseconds, `benches/lsp.rs`); larger ones are judged on save only,
//! and shown until the next change, as the deep lints are. The server
//! logs which reports wait for a save. This module never decides a finding
//! itself: kinds, order and expectations all come from `eval`.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use lsp_types::{
    CodeLens, Command, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Url,
};

use super::state::Analysis;
use crate::eval::{self, ExpectationResult, Finding, ReportFindings};
use crate::model::{ExceptionTarget, FindingKind, NormId, NormKind, Program, ReportId};
use crate::span::FileId;

/// The largest report judged on every keystroke (in events).
pub(super) const KEYSTROKE_EVENTS: usize = 1_000;

/// One judged report.
pub(super) struct Judged {
    pub findings: ReportFindings,
    pub expectations: Vec<ExpectationResult>,
}

/// What the reports of the open documents amount to, in one analysis.
#[derive(Default)]
pub(super) struct Judgements {
    pub judged: Vec<Judged>,
    /// Reports of open documents too large to judge on a keystroke.
    pub deferred: Vec<ReportId>,
    /// Reports of open documents not judged because of errors.
    pub blocked: Vec<ReportId>,
}

/// Files whose module, or a module it uses, has an error.
fn broken_files(a: &Analysis) -> HashSet<FileId> {
    let p = &a.session.program;
    let with_errors: HashSet<FileId> = a
        .session
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.span.file)
        .collect();
    let mut out = HashSet::new();
    for m in &p.modules {
        let mut seen = HashSet::new();
        let mut stack = vec![m];
        let mut broken = false;
        while let Some(x) = stack.pop() {
            if !seen.insert(x.file) {
                continue;
            }
            broken |= with_errors.contains(&x.file);
            stack.extend(x.uses.iter().filter_map(|u| p.modules.get(u.index())));
        }
        if broken {
            out.insert(m.file);
        }
    }
    out
}

/// Judge the reports of the open documents (`open`): all of them after a
/// save, else those of at most [`KEYSTROKE_EVENTS`] events.
pub(super) fn judge(a: &Analysis, open: &HashSet<FileId>, saved: bool) -> Judgements {
    let p = &a.session.program;
    let broken = broken_files(a);
    // Errors in a file the model cannot place still make it partial.
    let unplaced = a
        .session
        .diagnostics
        .iter()
        .any(|d| d.is_error() && !p.modules.iter().any(|m| m.file == d.span.file));
    let mut out = Judgements::default();
    let mut ids = Vec::new();
    for (i, r) in p.reports.iter().enumerate() {
        let id = ReportId(i as u32);
        let Some(m) = p.modules.get(r.module.index()) else {
            continue;
        };
        if !open.contains(&m.file) {
            continue;
        }
        if unplaced || broken.contains(&m.file) {
            out.blocked.push(id);
        } else if !saved && r.events.len() > KEYSTROKE_EVENTS {
            out.deferred.push(id);
        } else {
            ids.push(id);
        }
    }
    out.judged = eval::evaluate_many(p, &ids)
        .into_iter()
        .map(|findings| {
            let expectations = eval::check_expectations(p, findings.report, &findings);
            Judged {
                findings,
                expectations,
            }
        })
        .collect();
    out
}

/// What the server logs about a judgement: reports waiting for a save,
/// and the time a save spent on large ones.
pub(super) fn log_lines(p: &Program, j: &Judgements, saved: bool, spent: Instant) -> Vec<String> {
    let mut out = Vec::new();
    for id in &j.deferred {
        let r = p.report(*id);
        out.push(format!(
            "report `{}` has {} events (more than {KEYSTROKE_EVENTS}): its findings are \
             evaluated on save only",
            r.name,
            r.events.len()
        ));
    }
    let large: Vec<&Judged> = j
        .judged
        .iter()
        .filter(|x| p.report(x.findings.report).events.len() > KEYSTROKE_EVENTS)
        .collect();
    if saved && !large.is_empty() {
        let names: Vec<&str> = large
            .iter()
            .map(|x| p.report(x.findings.report).name.as_str())
            .collect();
        out.push(format!(
            "evaluated on save: {} ({} ms for every open report); shown until the next change",
            names.join(", "),
            spent.elapsed().as_millis()
        ));
    }
    out
}

fn severity(kind: FindingKind) -> Option<DiagnosticSeverity> {
    match kind {
        FindingKind::Violation
        | FindingKind::Crossed
        | FindingKind::Missed
        | FindingKind::Late
        | FindingKind::Conflict => Some(DiagnosticSeverity::WARNING),
        FindingKind::Possible | FindingKind::Excused => Some(DiagnosticSeverity::INFORMATION),
        // A duty done in time, pending or suspended is not a problem
        // to point at; the report's lens counts it.
        FindingKind::Fulfilled | FindingKind::Pending | FindingKind::Suspended => None,
    }
}

fn headline(p: &Program, f: &Finding, event: &str) -> String {
    let norm = p.norm(f.norm);
    let title = norm
        .title
        .as_ref()
        .map_or_else(String::new, |t| format!(" \"{t}\""));
    let q = &norm.qualified;
    match f.kind {
        FindingKind::Crossed => format!("crossed: red line {q}{title} crossed at {event}"),
        FindingKind::Late | FindingKind::Missed => {
            format!(
                "{}: duty of {q}{title} triggered by {event}",
                f.kind.as_str()
            )
        }
        FindingKind::Possible => {
            format!("possible: {q}{title} may be violated at {event} (facts unknown)")
        }
        _ => format!("{}: {q}{title} at {event}", f.kind.as_str()),
    }
}

fn finding_diagnostic(
    a: &Analysis,
    report: ReportId,
    f: &Finding,
) -> Option<(Url, lsp_types::Diagnostic)> {
    let p = &a.session.program;
    let severity = severity(f.kind)?;
    let r = p.report(report);
    let ev = r.events.get(f.event.index())?;
    let uri = a.uri(ev.name_span.file)?.clone();
    let mut message = headline(p, f, &ev.name);
    if !f.frame.is_empty() {
        let shown: Vec<String> = f
            .bindings(p, r)
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        message.push_str(&format!("\nbindings: {}", shown.join(", ")));
    }
    let mut facts = vec![format!("severity {}", f.severity.as_str())];
    if let Some(rung) = f.response.and_then(|(e, m)| {
        p.enums
            .get(e.index())
            .and_then(|d| d.members.get(m as usize))
    }) {
        facts.push(format!("justifies up to `{rung}`"));
    }
    if let Some((earliest, latest)) = f.deadline {
        let when = crate::time::format_interval(earliest, latest);
        facts.push(format!("deadline {when}"));
    }
    if let Some(by) = f.fulfilled_by.and_then(|e| r.events.get(e.index())) {
        facts.push(format!("performed by `{}`", by.name));
    }
    message.push_str(&format!("\n{}", facts.join("; ")));
    let norm = p.norm(f.norm);
    let what = match norm.kind {
        NormKind::Redline => "red line",
        NormKind::Norm => norm.modality.as_str(),
    };
    let mut related = vec![(
        norm.name_span,
        format!("{} by this {what}: {}", f.kind.as_str(), norm.qualified),
    )];
    if let Some(o) = f.other.map(|o| p.norm(o)) {
        let why = match f.kind {
            FindingKind::Excused => format!("excused: {} prevails", o.qualified),
            FindingKind::Suspended => format!("suspended by {}", o.qualified),
            _ => format!("collides with {}", o.qualified),
        };
        related.push((o.name_span, why));
    }
    // What excused it (`expect excused N at E by NAME` names the same).
    if let Some(by) = f.by {
        let (name, span) = match by {
            ExceptionTarget::Norm(n) => (&p.norm(n).qualified, p.norm(n).name_span),
            ExceptionTarget::Exception(x) => (&p.exception(x).qualified, p.exception(x).name_span),
        };
        message.push_str(&format!("\nexcused by {name}"));
        if related.iter().all(|(s, _)| *s != span) {
            related.push((span, format!("excused by {name}")));
        }
    }
    if let Some(b) = &f.breach {
        let breached = p.norm(b.norm);
        related.push((
            breached.name_span,
            format!(
                "answers the breach of {} ({} at {})",
                breached.qualified,
                b.kind.as_str(),
                crate::time::format_interval(b.at.0, b.at.1)
            ),
        ));
    }
    let related: Vec<DiagnosticRelatedInformation> = related
        .into_iter()
        .filter_map(|(span, message)| {
            Some(DiagnosticRelatedInformation {
                location: a.location(span)?,
                message,
            })
        })
        .collect();
    Some((
        uri,
        lsp_types::Diagnostic {
            range: a.range(ev.name_span),
            severity: Some(severity),
            code: Some(NumberOrString::String(f.kind.as_str().to_string())),
            source: Some("norma".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        },
    ))
}

fn expectation_diagnostic(
    a: &Analysis,
    x: &ExpectationResult,
) -> Option<(Url, lsp_types::Diagnostic)> {
    if x.passed {
        return None;
    }
    let uri = a.uri(x.span.file)?.clone();
    let found = if x.found.is_empty() {
        "nothing related was found".to_string()
    } else {
        format!("found instead: {}", x.found.join("; "))
    };
    Some((
        uri,
        lsp_types::Diagnostic {
            range: a.range(x.span),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("expect".to_string())),
            source: Some("norma".to_string()),
            message: format!("expectation fails: `{}`\n{found}", x.text),
            ..Default::default()
        },
    ))
}

/// Every finding and failing expectation as a diagnostic, by URI.
pub(super) fn diagnostics(a: &Analysis, j: &Judgements) -> Vec<(Url, lsp_types::Diagnostic)> {
    let mut out = Vec::new();
    for x in &j.judged {
        let report = x.findings.report;
        out.extend(
            x.findings
                .findings
                .iter()
                .filter_map(|f| finding_diagnostic(a, report, f)),
        );
        out.extend(
            x.expectations
                .iter()
                .filter_map(|e| expectation_diagnostic(a, e)),
        );
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn lens(a: &Analysis, span: crate::span::Span, title: String) -> CodeLens {
    CodeLens {
        range: a.range(span),
        command: Some(Command {
            title,
            // Shown, not run: the lens only informs.
            command: String::new(),
            arguments: None,
        }),
        data: None,
    }
}

/// The lenses of one open document: on each report, its findings and
/// expectations; on each norm, the open reports it has findings in.
pub(super) fn lenses(a: &Analysis, j: &Judgements, file: FileId) -> Vec<CodeLens> {
    let p = &a.session.program;
    let mut out = Vec::new();
    for x in &j.judged {
        let r = p.report(x.findings.report);
        if r.name_span.file != file {
            continue;
        }
        let pass = x.expectations.iter().filter(|e| e.passed).count();
        let fail = x.expectations.len() - pass;
        let mut title = format!(
            "{} · {} pass",
            plural(x.findings.findings.len(), "finding", "findings"),
            plural(pass, "expectation", "expectations"),
        );
        if fail > 0 {
            title.push_str(&format!(" · {fail} fail"));
        }
        out.push(lens(a, r.name_span, title));
    }
    for id in &j.deferred {
        let r = p.report(*id);
        if r.name_span.file == file {
            let title = format!("{} events: findings on save", r.events.len());
            out.push(lens(a, r.name_span, title));
        }
    }
    for id in &j.blocked {
        let r = p.report(*id);
        if r.name_span.file == file {
            out.push(lens(a, r.name_span, "not evaluated: fix the errors".into()));
        }
    }
    let mut in_reports: HashMap<NormId, usize> = HashMap::new();
    for x in &j.judged {
        // A conflict is a finding about both of its norms.
        let norms: HashSet<NormId> = x
            .findings
            .findings
            .iter()
            .flat_map(|f| std::iter::once(f.norm).chain(f.other))
            .collect();
        for n in norms {
            *in_reports.entry(n).or_default() += 1;
        }
    }
    for (i, n) in p.norms.iter().enumerate() {
        if n.name_span.file != file {
            continue;
        }
        let k = in_reports.get(&NormId(i as u32)).copied().unwrap_or(0);
        let title = format!("findings in {}", plural(k, "open report", "open reports"));
        out.push(lens(a, n.name_span, title));
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    out
}
