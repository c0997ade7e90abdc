//! `--format html` for `eval` and `explain` (one self-contained page on
//! stdout, from `html::eval_page` and `html::explain_page`), and the
//! witnesses of `compare` and `diff` checked for their HTML timelines.
//! Errors in the input and failures are written for a person, on stderr.

use std::io::Write;

use super::eval::{checked, entry_reports, explained, find_report, usage};
use super::{Format, Inputs};
use crate::analysis::replay::Replayer;
use crate::driver::{self, Session};
use crate::eval;

fn write(out: &mut dyn Write, text: &str) -> u8 {
    if out.write_all(text.as_bytes()).is_err() {
        2
    } else {
        0
    }
}

pub(super) fn eval(
    inputs: &Inputs,
    report: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let s = match checked(inputs, Format::Human, out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ids = match report {
        None => entry_reports(&s),
        Some(name) => match find_report(&s, name) {
            Some(r) => vec![r],
            None => {
                return usage(
                    Format::Human,
                    &format!("no report named `{name}`"),
                    out,
                    err,
                )
            }
        },
    };
    let results = eval::evaluate_many(&s.program, &ids);
    let problems = results.iter().any(|r| r.has_problems());
    let code = write(out, &crate::html::eval_page(&s, &results));
    if code != 0 {
        return code;
    }
    u8::from(problems)
}

pub(super) fn explain(
    inputs: &Inputs,
    report: &str,
    event: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (s, x) = match explained(inputs, report, event, Format::Human, out, err) {
        Ok(found) => found,
        Err(code) => return code,
    };
    write(out, &crate::html::explain_page(&s, &x))
}

/// A witness checked as its replay checks it (its folder and `-I`
/// folders), for the page's timeline; `None` if it does not check here
/// (the page then shows its text only).
pub(super) fn witness_session(text: &str, r: &Replayer) -> Option<Session> {
    let s = driver::check_texts(
        vec![("witness.norma".to_string(), r.dir.clone(), text.to_string())],
        &r.includes,
    );
    (!s.has_errors()).then_some(s)
}
