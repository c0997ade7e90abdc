//! What a command writes when it cannot do its work, in the format that
//! was asked for: `--format json` (or `sarif`) means a machine-readable
//! object on stdout always, never an empty stdout and text on stderr.
//!
//! - Errors in the input: the diagnostics (§8 JSON, SARIF, or human text on
//!   stderr); exit 1.
//! - Usage and I/O failures: `{"schema_version":1,"error":{"kind","message"}}`
//!   (JSON), a SARIF log whose invocation failed (SARIF), or `error: ...`
//!   on stderr; exit 2. Bad flags fail before `--format` is parsed, so
//!   [`requested_format`] reads it from the raw arguments.

use std::ffi::OsString;
use std::io::Write;

use serde_json::{json, Value};

use crate::diagnostics::{self, Diagnostic};
use crate::span::SourceMap;

/// The kind of output a command was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    Human,
    Json,
    Sarif,
}

/// Why a command failed without judging its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Bad arguments, an unknown report or event.
    Usage,
    /// A file or folder that cannot be read or written.
    Io,
    /// The analysis failed itself (a witness that did not replay): never
    /// a result.
    Internal,
}

impl FailureKind {
    fn as_str(self) -> &'static str {
        match self {
            FailureKind::Usage => "usage",
            FailureKind::Io => "io",
            FailureKind::Internal => "internal",
        }
    }
}

/// The JSON object of a failure.
pub fn failure_json(kind: FailureKind, message: &str) -> Value {
    json!({"schema_version": 1, "error": {"kind": kind.as_str(), "message": message}})
}

/// A SARIF 2.1.0 log with no results and a failed invocation.
pub fn failure_sarif(message: &str) -> Value {
    let mut log = diagnostics::render_sarif(&SourceMap::new(), &[]);
    log["runs"][0]["invocations"] = json!([{
        "executionSuccessful": false,
        "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
    }]);
    log
}

/// Report a usage or I/O failure; returns exit code 2.
pub fn failure(
    wanted: Wanted,
    kind: FailureKind,
    message: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let _ = match wanted {
        Wanted::Human => writeln!(err, "error: {message}"),
        Wanted::Json => writeln!(out, "{}", failure_json(kind, message)),
        Wanted::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&failure_sarif(message)).unwrap_or_default()
        ),
    };
    2
}

/// Report errors in the input (the diagnostics); returns exit code 1.
pub fn input_errors(
    wanted: Wanted,
    sources: &SourceMap,
    diags: &[Diagnostic],
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let _ = match wanted {
        Wanted::Human => err.write_all(diagnostics::render_human(sources, diags, color).as_bytes()),
        Wanted::Json => writeln!(out, "{}", diagnostics::diagnostics_json(sources, diags)),
        Wanted::Sarif => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&diagnostics::render_sarif(sources, diags))
                .unwrap_or_default()
        ),
    };
    1
}

/// `--format json|sarif` (or `--format=...`) among raw arguments, for
/// errors found before the arguments are parsed.
pub fn requested_format(args: &[OsString]) -> Wanted {
    let mut wanted = Wanted::Human;
    let mut iter = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--format") {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        match value.as_deref() {
            Some("json") => wanted = Wanted::Json,
            Some("sarif") => wanted = Wanted::Sarif,
            Some(_) => wanted = Wanted::Human,
            None => {}
        }
    }
    wanted
}

/// Internal errors of the analysis (witnesses that did not replay): each
/// on stderr, then the failure (in JSON, the error object on stdout) in
/// place of any result, so that no "no conflict" line or empty list is
/// ever printed for an analysis that failed. `Some(2)` when there were any.
pub(super) fn internal_failures(
    command: &str,
    wanted: Wanted,
    failures: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<u8> {
    if failures.is_empty() {
        return None;
    }
    for f in failures {
        let _ = writeln!(err, "internal error: {f}");
    }
    let message = format!(
        "norma {command} produced a witness it could not replay, so it has no answer; \
         please report this input"
    );
    Some(failure(wanted, FailureKind::Internal, &message, out, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_format_is_found_in_raw_arguments() {
        assert_eq!(
            requested_format(&args(&["norma", "check", "--format", "json", "--x"])),
            Wanted::Json
        );
        assert_eq!(
            requested_format(&args(&["norma", "check", "--format=sarif"])),
            Wanted::Sarif
        );
        assert_eq!(
            requested_format(&args(&["norma", "eval", "x", "--bad"])),
            Wanted::Human
        );
        assert_eq!(
            requested_format(&args(&["norma", "graph", "--format", "dot"])),
            Wanted::Human
        );
    }

    #[test]
    fn a_failure_is_one_json_object_or_a_sarif_log() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = failure(
            Wanted::Json,
            FailureKind::Io,
            "cannot read `x`",
            &mut out,
            &mut err,
        );
        assert_eq!(code, 2);
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["error"]["message"], "cannot read `x`");
        assert!(err.is_empty());
        let sarif = failure_sarif("no");
        assert_eq!(
            sarif["runs"][0]["invocations"][0]["executionSuccessful"],
            false
        );
    }
}
