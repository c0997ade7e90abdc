//! Output bounded by input: at most [`MAX_PER_FILE`] diagnostics per file,
//! the rest summarised in one diagnostic that the human renderer prints as
//! one line. The CLI (every format) and the language server show the same
//! bounded set, because the driver applies the limit before anyone renders.

use super::{Diagnostic, Severity};
use crate::span::Span;

/// Diagnostics kept per file.
pub const MAX_PER_FILE: usize = 100;

/// The label that marks the summary of diagnostics left out.
const OMITTED: &str = "diagnostics past the first 100 of this file are not shown";

/// Keep the first [`MAX_PER_FILE`] diagnostics of each file (they are
/// sorted by file and position); replace the rest of a file's by one.
pub fn limit_per_file(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len().min(4 * MAX_PER_FILE));
    let mut iter = diags.into_iter().peekable();
    while let Some(first) = iter.next() {
        let file = first.span.file;
        out.push(first);
        let mut kept = 1;
        let mut omitted: Option<(Diagnostic, usize, usize)> = None;
        while let Some(d) = iter.next_if(|d| d.span.file == file) {
            if kept < MAX_PER_FILE {
                out.push(d);
                kept += 1;
                continue;
            }
            let (errors, warnings) = (usize::from(d.is_error()), usize::from(!d.is_error()));
            match omitted.as_mut() {
                Some((_, e, w)) => {
                    *e += errors;
                    *w += warnings;
                }
                None => omitted = Some((d, errors, warnings)),
            }
        }
        if let Some((d, errors, warnings)) = omitted {
            out.push(summary(&d, errors, warnings));
        }
    }
    out
}

fn summary(first: &Diagnostic, errors: usize, warnings: usize) -> Diagnostic {
    let plural = |n: usize, w: &str| format!("{n} more {w}{}", if n == 1 { "" } else { "s" });
    let what = match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    let at = Span::new(
        first.span.file,
        first.span.start as usize,
        first.span.start as usize,
    );
    let mut d = Diagnostic::new(
        first.code,
        at,
        format!("{what} in this file not shown (the first {MAX_PER_FILE} are)"),
    )
    .with_label_here(OMITTED);
    d.severity = if errors > 0 {
        Severity::Error
    } else {
        Severity::Warning
    };
    d
}

/// Is this the summary of diagnostics left out (printed as one line)?
pub fn is_omitted_summary(d: &Diagnostic) -> bool {
    d.primary_label.as_deref() == Some(OMITTED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::span::FileId;

    #[test]
    fn the_rest_of_a_file_becomes_one_diagnostic() {
        let mut diags: Vec<Diagnostic> = (0..250)
            .map(|i| Diagnostic::new(Code::E0103, Span::new(FileId(0), i, i + 1), "x"))
            .collect();
        diags.push(Diagnostic::new(
            Code::W0001,
            Span::new(FileId(0), 300, 301),
            "w",
        ));
        diags.push(Diagnostic::new(
            Code::E0201,
            Span::new(FileId(1), 0, 1),
            "other file",
        ));
        let out = limit_per_file(diags);
        assert_eq!(out.len(), MAX_PER_FILE + 2);
        let summary = &out[MAX_PER_FILE];
        assert!(is_omitted_summary(summary));
        assert_eq!(
            summary.message,
            "150 more errors and 1 more warning in this file not shown (the first 100 are)"
        );
        assert_eq!(summary.span.start, 100);
        assert_eq!(out[MAX_PER_FILE + 1].message, "other file");
    }
}
