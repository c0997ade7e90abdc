//! `norma import stix BUNDLE [-o FILE]`: a STIX 2.1 bundle as a Norma
//! report, through the library's `stix::import`. The report goes to FILE,
//! or to stdout; with `--format json`, a summary object (and the report's
//! text when there is no FILE). A bundle that is not JSON or not a bundle
//! is an error in the input (exit 1); a file that cannot be read or
//! written is an I/O failure (exit 2).

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::output::{self, FailureKind};
use super::Format;
use crate::stix;

pub(super) fn import_stix(
    bundle: &Path,
    output_file: Option<&Path>,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let io_failure = |message: String, out: &mut dyn Write, err: &mut dyn Write| {
        output::failure(format.wanted(), FailureKind::Io, &message, out, err)
    };
    let bytes = match std::fs::read(bundle) {
        Ok(b) => b,
        Err(e) => return io_failure(format!("cannot read {}: {e}", bundle.display()), out, err),
    };
    let result = match std::str::from_utf8(&bytes) {
        Ok(text) => stix::import(text),
        Err(e) => Err(stix::ImportError::NotJson(format!(
            "JSON is UTF-8 text, and byte {} is not UTF-8",
            e.valid_up_to() + 1
        ))),
    };
    drop(bytes);
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            let message = format!("{}: {e}", bundle.display());
            let _ = match format {
                Format::Human => writeln!(err, "error: {message}"),
                Format::Json => writeln!(
                    out,
                    "{}",
                    json!({"schema_version": 1, "error": {"kind": "input", "message": message}})
                ),
            };
            return 1;
        }
    };
    if let Some(path) = output_file {
        if let Err(e) = std::fs::write(path, &imported.text) {
            return io_failure(format!("cannot write {}: {e}", path.display()), out, err);
        }
    }
    let summary = format!(
        "{} entities, {} events, {} objects not mapped (listed at the top of the report)",
        imported.entities, imported.events, imported.skipped
    );
    let written = match (format, output_file) {
        (Format::Human, Some(path)) => writeln!(err, "wrote {}: {summary}", path.display()),
        (Format::Human, None) => out.write_all(imported.text.as_bytes()),
        (Format::Json, path) => {
            let mut v = json!({
                "schema_version": 1,
                "import": {
                    "entities": imported.entities,
                    "events": imported.events,
                    "not_mapped": imported.skipped,
                }
            });
            match path {
                Some(p) => v["import"]["output"] = json!(p.display().to_string()),
                None => v["import"]["text"] = json!(imported.text),
            }
            writeln!(out, "{v}")
        }
    };
    if written.is_err() {
        return 2;
    }
    0
}
