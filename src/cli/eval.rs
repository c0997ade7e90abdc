//! `norma eval`, `norma test` and `norma explain`: run the front end, stop
//! with the diagnostics if the input has errors, then call the evaluator's
//! library API and write its rendering.

use std::io::Write;

use super::check::session;
use super::output::{self, FailureKind};
use super::{EvalFormat, Format, Inputs};
use crate::driver::Session;
use crate::eval;
use crate::model::{EventId, ReportId};

/// The session, or the exit code after printing why there is none.
pub(super) fn checked(
    inputs: &Inputs,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Session, u8> {
    let s = session(inputs, format.wanted(), out, err)?;
    if s.has_errors() {
        let color = inputs.color.enabled();
        let wanted = format.wanted();
        return Err(output::input_errors(
            wanted,
            &s.sources,
            &s.diagnostics,
            color,
            out,
            err,
        ));
    }
    Ok(s)
}

/// A usage failure (an unknown report or event), as asked.
pub(super) fn usage(format: Format, message: &str, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    output::failure(format.wanted(), FailureKind::Usage, message, out, err)
}

/// Reports declared in files named on the command line.
pub(super) fn entry_reports(s: &Session) -> Vec<ReportId> {
    s.program
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            s.program
                .modules
                .get(r.module.index())
                .is_some_and(|m| m.is_entry)
        })
        .map(|(i, _)| ReportId(i as u32))
        .collect()
}

pub(super) fn find_report(s: &Session, name: &str) -> Option<ReportId> {
    entry_reports(s)
        .into_iter()
        .find(|r| s.program.report(*r).name == name || s.program.report(*r).qualified == name)
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), u8> {
    out.write_all(text.as_bytes()).map_err(|_| 2)
}

pub(super) fn eval(
    inputs: &Inputs,
    report: Option<&str>,
    eval_format: EvalFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let format = eval_format.base();
    let s = match checked(inputs, format, out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ids = match report {
        None => entry_reports(&s),
        Some(name) => match find_report(&s, name) {
            Some(r) => vec![r],
            None => return usage(format, &format!("no report named `{name}`"), out, err),
        },
    };
    if ids.is_empty() && format == Format::Human {
        let text = "no reports to judge in the files named (norms are judged through a `report`)\n";
        return write(out, text).map_or_else(|code| code, |()| 0);
    }
    let mut sink: Box<dyn eval::FindingsSink> = match eval_format {
        // HTML is written by `report.rs`; were it asked here, text for a
        // person is its nearest.
        EvalFormat::Human | EvalFormat::Html => Box::new(eval::FindingsHuman::new(
            &s.program,
            &s.sources,
            inputs.color.enabled(),
        )),
        EvalFormat::Json => Box::new(eval::FindingsJson::new(&s.program, &s.sources)),
        EvalFormat::Stix => Box::new(crate::stix::FindingsStix::new(&s.program, now_stamp())),
    };
    // Reports are judged a few at a time (as many as there are threads)
    // and written as soon as judged, through one buffer: the output is
    // never held whole, and the findings only of the reports in hand.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut problems = false;
    for batch in ids.chunks(rayon::current_num_threads().max(1)) {
        for r in eval::evaluate_many(&s.program, batch) {
            problems |= r.has_problems();
            if sink.report(&mut out, &r).is_err() {
                return 2;
            }
            // A million findings' frames are as many frees.
            let large = r.findings.len() >= 100_000;
            super::release_if(r, large);
        }
    }
    if sink.finish(&mut out).is_err() || out.flush().is_err() {
        return 2;
    }
    drop(sink);
    super::release(s);
    u8::from(problems)
}

pub(super) fn test(
    inputs: &Inputs,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let s = match checked(inputs, format, out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ids = entry_reports(&s);
    let results: Vec<eval::ExpectationResult> = eval::evaluate_many(&s.program, &ids)
        .iter()
        .flat_map(|f| eval::check_expectations(&s.program, f.report, f))
        .collect();
    let text = match format {
        Format::Human => {
            eval::render_tests_human(&s.program, &s.sources, &results, inputs.color.enabled())
        }
        Format::Json => eval::render_tests_json(&s.program, &s.sources, &results),
    };
    if let Err(code) = write(out, &text) {
        return code;
    }
    u8::from(results.iter().any(|r| !r.passed))
}

/// The checked session and the explanation of one event of one report
/// (`norma explain`), or the exit code of the failure (already written).
pub(super) fn explained(
    inputs: &Inputs,
    report: &str,
    event: &str,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(Session, eval::Explanation), u8> {
    let s = checked(inputs, format, out, err)?;
    let Some(rid) = find_report(&s, report) else {
        return Err(usage(
            format,
            &format!("no report named `{report}`"),
            out,
            err,
        ));
    };
    let Some(eid) = s
        .program
        .report(rid)
        .events
        .iter()
        .position(|e| e.name == event)
    else {
        let message = format!("report `{report}` has no event `{event}`");
        return Err(usage(format, &message, out, err));
    };
    let x = eval::explain(&s.program, rid, EventId(eid as u32));
    Ok((s, x))
}

pub(super) fn explain(
    inputs: &Inputs,
    report: &str,
    event: &str,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (s, x) = match explained(inputs, report, event, format, out, err) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let text = match format {
        Format::Human => {
            eval::render_explain_human(&s.program, &s.sources, &x, inputs.color.enabled())
        }
        Format::Json => eval::render_explain_json(&s.program, &s.sources, &x),
    };
    if let Err(code) = write(out, &text) {
        return code;
    }
    0
}

/// The clock, read here (the library reads none): when STIX findings are
/// made. `SOURCE_DATE_EPOCH` (seconds), when set, stands for it, so that
/// builds and tests can write the same bundle twice.
fn now_stamp() -> String {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let secs = from_env.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    });
    crate::stix::stamp(secs)
}
