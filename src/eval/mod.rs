//! The evaluator: judges reports against the norms in force (§6, §7, §7.1)
//! and produces findings, expectation results and explanations, plus their
//! renderers (human via ariadne, JSON per §8).
//!
//! Layout: [`truth`] is Kleene logic; `expr` evaluates one expression;
//! `index` groups events and norms by action so nothing scans every norm
//! per event; `judge` holds instances, exceptions and the forbid/permit
//! table; `duty` the obligations; `report` runs one report; `expect` and
//! `explain` answer `norma test` and `norma explain`; `render_*` turn the
//! results into text.
//!
//! **Evaluation never fails and never panics**: anything it cannot make
//! sense of is `?`. **It never prints**: renderers return strings or write
//! to the writer they are handed (`FindingsSink`, for streamed findings).
//!
//! Readings of the spec where it is silent (each is repeated where it is
//! implemented):
//! - `exists … before X` / `after X` are strict; `within D before|after X`
//!   are closed intervals that never count X itself (`expr`).
//! - A trigger's `when` is part of the instance's `when`; an instance whose
//!   `applies` is false is no instance at all (`judge`).
//! - A triggered forbid or permit applies to events at or after the trigger,
//!   the trigger itself included when both patterns name the same action.
//! - A duty's window is closed, `t.at <= e.at <= D`; the `late` event also
//!   counts as fulfilling it for the forbids it collides with; `excused`
//!   comes before `suspended`, which comes before `conflict` (`duty`).
//! - `max_response` is stratified: it counts the red lines crossed while
//!   every `max_response` reads `?` (`report`).
//! - An `excused` forbid finding names in `other` the permit or duty whose
//!   override won, when one did.
//! - Events at the same time are ordered by name, so no result depends on
//!   the order in which events are written.

mod breach;
mod duty;
mod expect;
mod explain;
mod expr;
mod finding;
mod index;
mod judge;
mod pins;
mod render_explain;
mod render_findings;
mod report;
pub mod truth;

#[cfg(test)]
mod tests;

use rayon::prelude::*;

use crate::model::{EventId, Program, ReportId};

pub use expect::{check_expectations, describe, ExpectationResult};
pub use explain::{
    CollisionTrace, ConditionTrace, DutyTrace, ExceptionTrace, Explanation, InstanceTrace, Role,
};
pub use finding::{Breach, Finding, ReportFindings};
pub use render_explain::{render_explain_human, render_explain_json};
pub use render_findings::{
    findings_json, render_findings_human, render_findings_json, render_tests_human,
    render_tests_json, summary_line, FindingsHuman, FindingsJson, FindingsSink,
};
pub use truth::Truth;

/// Rounds the evaluator follows breaches before it reads one that still
/// changes as unknown (§4); the static analysis mirrors it.
pub const MAX_BREACH_ROUNDS: usize = breach::MAX_ROUNDS;

/// Judge one report: every finding, by event time, then the norm's
/// qualified name, then kind.
pub fn evaluate(program: &Program, report: ReportId) -> ReportFindings {
    let Some(def) = program.reports.get(report.index()) else {
        return ReportFindings {
            report,
            findings: Vec::new(),
        };
    };
    let prepared = report::Prepared::new(program, def);
    let env = prepared.env();
    let duties = report::duties(&env);
    ReportFindings {
        report,
        findings: report::findings(&env, &duties),
    }
}

/// Judge several reports in parallel; results in the order given.
pub fn evaluate_many(program: &Program, reports: &[ReportId]) -> Vec<ReportFindings> {
    reports.par_iter().map(|&r| evaluate(program, r)).collect()
}

/// Judge every report of the program, in declaration order.
pub fn evaluate_all(program: &Program) -> Vec<ReportFindings> {
    let ids: Vec<ReportId> = (0..program.reports.len())
        .map(|i| ReportId(i as u32))
        .collect();
    evaluate_many(program, &ids)
}

/// Why each norm instance that touched `event` came out as it did.
pub fn explain(program: &Program, report: ReportId, event: EventId) -> Explanation {
    explain::explain(program, report, event)
}
