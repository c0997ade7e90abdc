//! Reports as tests (§7 "Expectations"): whether each `expect` of a report
//! holds of its findings, and, when one fails, what was found instead.

use serde::Serialize;

use crate::model::{Expectation, FindingKind, Program, ReportDef, ReportId};
use crate::span::Span;

use super::finding::{Finding, ReportFindings};

/// The outcome of one `expect`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpectationResult {
    #[serde(skip)]
    pub report: ReportId,
    #[serde(skip)]
    pub span: Span,
    /// The expectation, spelled out: `expect possible std::gge2015::gge_f at np`.
    pub text: String,
    pub passed: bool,
    /// On failure, what was found instead (`violation gge_f at np`), or
    /// nothing if there is no related finding at all.
    pub found: Vec<String>,
}

/// `kind norm at event`, as a person reads a finding.
pub fn describe(program: &Program, report: &ReportDef, f: &Finding) -> String {
    let event = report
        .events
        .get(f.event.index())
        .map_or("?", |e| e.name.as_str());
    let mut s = format!(
        "{} {} at {event}",
        f.kind.as_str(),
        program.norm(f.norm).qualified
    );
    if let Some(o) = f.other {
        s.push_str(&format!(" (with {})", program.norm(o).qualified));
    }
    if let Some(b) = f.by {
        s.push_str(&format!(" by {}", excuser_name(program, b)));
    }
    s
}

/// Check every expectation of `report` against its findings.
pub fn check_expectations(
    program: &Program,
    report: crate::model::ReportId,
    findings: &ReportFindings,
) -> Vec<ExpectationResult> {
    let Some(def) = program.reports.get(report.index()) else {
        return Vec::new();
    };
    def.expectations
        .iter()
        .map(|x| match x {
            Expectation::Clean { span } => {
                let found: Vec<String> = findings
                    .findings
                    .iter()
                    .filter(|f| f.kind.is_problem())
                    .map(|f| describe(program, def, f))
                    .collect();
                ExpectationResult {
                    report,
                    span: *span,
                    text: "expect clean".to_string(),
                    passed: found.is_empty(),
                    found,
                }
            }
            Expectation::Outcome {
                negated,
                kind,
                norm,
                event,
                by,
                span,
            } => {
                // A finding names a norm as the one it is recorded on or as
                // its `other` (the permit or duty of a conflict, the winner
                // that excused it); both are shown when an expectation fails.
                let related: Vec<&Finding> = findings
                    .findings
                    .iter()
                    .filter(|f| f.norm == *norm || f.other == Some(*norm))
                    .filter(|f| event.is_none_or(|e| f.event == e))
                    .collect();
                // `expect conflict N` holds when N is either norm of a
                // conflict; every other kind is about the norm it is recorded on.
                let hit = related.iter().any(|f| {
                    f.kind == *kind
                        && (f.norm == *norm
                            || (*kind == FindingKind::Conflict && f.other.is_some()))
                        && by.is_none_or(|b| f.by == Some(b))
                });
                let passed = hit != *negated;
                let mut text = format!(
                    "expect {}{} {}",
                    if *negated { "not " } else { "" },
                    kind.as_str(),
                    program.norm(*norm).qualified
                );
                if let Some(ev) = event.and_then(|e| def.events.get(e.index())) {
                    text.push_str(&format!(" at {}", ev.name));
                }
                if let Some(b) = by {
                    text.push_str(&format!(" by {}", excuser_name(program, *b)));
                }
                let found = if passed {
                    Vec::new()
                } else {
                    related.iter().map(|f| describe(program, def, f)).collect()
                };
                ExpectationResult {
                    report,
                    span: *span,
                    text,
                    passed,
                    found,
                }
            }
        })
        .collect()
}

/// The qualified name of what excused a finding.
pub(crate) fn excuser_name(program: &Program, by: crate::model::ExceptionTarget) -> &str {
    match by {
        crate::model::ExceptionTarget::Norm(n) => &program.norm(n).qualified,
        crate::model::ExceptionTarget::Exception(x) => &program.exception(x).qualified,
    }
}
