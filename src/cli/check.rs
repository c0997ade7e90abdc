//! `norma check` and `norma graph`.

use std::io::Write;

use super::output::{self, FailureKind, Wanted};
use super::{CheckFormat, GraphFormat, Inputs};
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

pub(super) fn check(
    inputs: &Inputs,
    format: CheckFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let s = match session(inputs, format.wanted(), out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = match format {
        CheckFormat::Human => {
            diagnostics::render_human(&s.sources, &s.diagnostics, inputs.color.enabled())
        }
        CheckFormat::Json => format!(
            "{}\n",
            diagnostics::diagnostics_json(&s.sources, &s.diagnostics)
        ),
        CheckFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&diagnostics::render_sarif(&s.sources, &s.diagnostics))
                .unwrap_or_default()
        ),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    u8::from(s.has_errors())
}

pub(super) fn graph(
    inputs: &Inputs,
    format: GraphFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let s = match session(inputs, format.wanted(), out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if s.has_errors() {
        let color = inputs.color.enabled();
        return output::input_errors(format.wanted(), &s.sources, &s.diagnostics, color, out, err);
    }
    let g = crate::graph::build(&s.program);
    let text = match format {
        GraphFormat::Dot => crate::graph::to_dot(&g),
        GraphFormat::Mermaid => crate::graph::to_mermaid(&g),
        GraphFormat::Json => format!("{}\n", crate::graph::to_json(&g)),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    0
}
