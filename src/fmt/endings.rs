//! Line endings: `norma fmt` keeps a file's (LF or CRLF), so formatting
//! never rewrites every line of a Windows file for an invisible change.
//! The layout itself is computed on LF text; the file's style, read from
//! its first line ending, is put back afterwards.
//!
//! Never changes meaning: a carriage return inside a string literal would
//! differ after the round trip, so the result is parsed again and, if its
//! tree differs, the file is formatted as it is instead.

use super::{format_source, same_tree};
use crate::diagnostics::Diagnostic;
use crate::span::FileId;
use crate::syntax;

/// Does the file's first line end in CRLF?
pub fn uses_crlf(text: &str) -> bool {
    text.find('\n')
        .is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r')
}

/// [`format_source`], keeping the file's line endings. Diagnostics, when
/// the file is refused, point into `text` as given.
pub fn format_keeping_endings(text: &str) -> Result<String, Vec<Diagnostic>> {
    if !text.contains('\r') {
        return format_source(text);
    }
    let lf = text.replace("\r\n", "\n");
    let Ok(formatted) = format_source(&lf) else {
        // The spans of the LF text's diagnostics are off by the carriage
        // returns taken out: report against the text as written.
        return format_source(text);
    };
    let out = if uses_crlf(text) {
        formatted.replace('\n', "\r\n")
    } else {
        formatted
    };
    let before = syntax::parse(FileId(0), text);
    let after = syntax::parse(FileId(0), &out);
    if after.diagnostics.iter().any(Diagnostic::is_error)
        || !same_tree(&before.module, &after.module)
    {
        return format_source(text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_stays_crlf_and_lf_stays_lf() {
        let crlf = "enum   E { a < b }\r\n\r\n\r\nnorm n {\r\n  permit x: act() // why\r\n}\r\n";
        let out = format_keeping_endings(crlf).expect("formats");
        assert!(
            out.contains("\r\n") && !out.replace("\r\n", "").contains('\n'),
            "{out:?}"
        );
        assert_eq!(
            format_keeping_endings(&out).expect("formats"),
            out,
            "idempotent"
        );
        let lf = crlf.replace("\r\n", "\n");
        let out_lf = format_keeping_endings(&lf).expect("formats");
        assert_eq!(out_lf, out.replace("\r\n", "\n"));
    }

    #[test]
    fn a_formatted_crlf_file_is_unchanged() {
        let lf = format_source("enum E { a < b }\n").expect("formats");
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(format_keeping_endings(&crlf).expect("formats"), crlf);
    }

    #[test]
    fn mixed_endings_follow_the_first_line() {
        let mixed = "enum E { a < b }\r\nenum F { c }\n";
        let out = format_keeping_endings(mixed).expect("formats");
        assert_eq!(out, "enum E { a < b }\r\n\r\nenum F { c }\r\n");
    }
}
