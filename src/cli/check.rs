//! `norma check`.

use std::io::Write;

use super::output::{self, FailureKind, Wanted};
use super::{CheckFormat, Inputs};
use crate::analysis::{self, replay::Replayer, CompareOptions};
use crate::diagnostics;
use crate::driver::{self, Session};

/// Run the front end, or report an I/O failure (exit 2) as asked.
pub(super) fn session(
    inputs: &Inputs,
    wanted: Wanted,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Session, u8> {
    driver::check_paths(&inputs.paths, &inputs.include)
        .map_err(|e| output::failure(wanted, FailureKind::Io, &e.message, out, err))
}

/// Where the analysis replays its witnesses: the `-I` folders and the
/// folders of every file loaded, the first file's folder as the witness's.
pub(super) fn replayer(inputs: &Inputs, s: &Session) -> Replayer {
    let mut includes = inputs.include.clone();
    for (_, f) in s.sources.files() {
        if let Some(path) = &f.path {
            let dir = super::folder_of(path);
            if !includes.contains(&dir) {
                includes.push(dir);
            }
        }
    }
    Replayer {
        dir: includes
            .get(inputs.include.len())
            .cloned()
            .unwrap_or_else(|| ".".into()),
        includes,
        documents: Vec::new(),
    }
}

/// `--deep`: the lints W0006–W0009 of the analysis, added to the
/// session's diagnostics; returns the lints it could not decide.
fn deep_lints(inputs: &Inputs, s: &mut Session, events: usize) -> Vec<String> {
    let replayer = replayer(inputs, s);
    let opts = CompareOptions {
        events,
        ..CompareOptions::default()
    };
    let found = analysis::lint::deep(&s.program, &opts, &replayer);
    s.diagnostics.extend(found.diagnostics);
    diagnostics::sort(&mut s.diagnostics);
    found.undecided
}

pub(super) fn check(
    inputs: &Inputs,
    format: CheckFormat,
    deep: Option<usize>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let most = super::compare::MAX_EVENTS;
    if deep.is_some_and(|k| !(1..=most).contains(&k)) {
        let msg = format!("--events takes a number from 1 to {most}");
        return output::failure(format.wanted(), FailureKind::Usage, &msg, out, err);
    }
    let mut s = match session(inputs, format.wanted(), out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // A program with errors is not analysed (as it is not evaluated).
    let undecided = match deep {
        Some(k) if !s.has_errors() => Some((k, deep_lints(inputs, &mut s, k))),
        _ => None,
    };
    let text = match format {
        CheckFormat::Human => {
            let mut text =
                diagnostics::render_human(&s.sources, &s.diagnostics, inputs.color.enabled());
            if let Some((k, undecided)) = &undecided {
                text.push_str(&format!(
                    "--deep: scenarios of at most {k} event{}; {} lint{} undecided\n",
                    if *k == 1 { "" } else { "s" },
                    undecided.len(),
                    if undecided.len() == 1 { "" } else { "s" }
                ));
                for u in undecided {
                    text.push_str(&format!("  undecided: {u}\n"));
                }
            }
            text
        }
        CheckFormat::Json => {
            let mut json = diagnostics::diagnostics_json(&s.sources, &s.diagnostics);
            if let (Some((_, undecided)), Some(obj)) = (&undecided, json.as_object_mut()) {
                obj.insert("undecided".into(), serde_json::json!(undecided));
            }
            format!("{json}\n")
        }
        CheckFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&diagnostics::render_sarif(&s.sources, &s.diagnostics))
                .unwrap_or_default()
        ),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    let code = u8::from(s.has_errors());
    super::release(s);
    code
}
