//! `norma graph`: the dependency graph of the files named, as DOT,
//! Mermaid or JSON; with `--conflicts`, also the conflicts the analysis
//! finds among them (every file is a text: within each, as `check
//! --deep` finds them; between every two, as `norma compare` does).

use std::io::Write;

use super::check::{replayer, session};
use super::output;
use super::{GraphFormat, Inputs};
use crate::analysis::{self, CompareOptions};
use crate::graph::{self, ConflictEdge, GraphOptions};
use crate::model::ModuleId;

pub(super) struct GraphArgs {
    pub format: GraphFormat,
    /// Keep the declarations nothing refers to.
    pub all: bool,
    /// Draw the conflicts the analysis finds.
    pub conflicts: bool,
}

pub(super) fn graph(
    inputs: &Inputs,
    args: &GraphArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let format = args.format;
    let s = match session(inputs, format.wanted(), out, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if s.has_errors() {
        let color = inputs.color.enabled();
        return output::input_errors(format.wanted(), &s.sources, &s.diagnostics, color, out, err);
    }
    let program = &s.program;
    let mut opts = GraphOptions {
        all: args.all,
        conflicts: Vec::new(),
    };
    let mut not_analysed = Vec::new();
    if args.conflicts {
        if let Some(msg) = super::compare::same_named_modules(&s) {
            return output::failure(format.wanted(), output::FailureKind::Usage, &msg, out, err);
        }
        let texts: Vec<ModuleId> = program
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_entry)
            .map(|(i, _)| ModuleId(i as u32))
            .collect();
        let found = analysis::conflicts_among(
            program,
            &texts,
            &CompareOptions::default(),
            &replayer(inputs, &s),
        );
        if !found.failures.is_empty() {
            for f in &found.failures {
                let _ = writeln!(err, "internal error: {f}");
            }
            let _ = writeln!(
                err,
                "internal error: norma graph --conflicts produced a witness it could not replay; please report this input"
            );
            return 2;
        }
        opts.conflicts = found
            .conflicts
            .iter()
            .map(|c| ConflictEdge {
                first: c.first,
                other: c.other,
                kind: c.kind.as_str(),
            })
            .collect();
        not_analysed = found
            .not_analysed
            .iter()
            .map(|n| (program.norm(n.norm).qualified.clone(), n.reason.clone()))
            .collect();
    }
    let g = graph::build(program, &opts);
    let text = match format {
        GraphFormat::Dot => graph::to_dot(&g),
        GraphFormat::Mermaid => graph::to_mermaid(&g),
        GraphFormat::Json => {
            let mut json = graph::to_json(&g);
            if let (true, Some(obj)) = (args.conflicts, json.as_object_mut()) {
                let list: Vec<serde_json::Value> = not_analysed
                    .iter()
                    .map(|(norm, reason)| serde_json::json!({"norm": norm, "reason": reason}))
                    .collect();
                obj.insert("not_analysed".into(), list.into());
            }
            format!("{json}\n")
        }
    };
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    // The drawing goes to stdout (often a pipe into `dot`); what the
    // conflicts leave out is said on stderr.
    if format != GraphFormat::Json {
        for (norm, reason) in &not_analysed {
            let _ = writeln!(err, "note: not analysed for conflicts: `{norm}` {reason}");
        }
    }
    0
}
