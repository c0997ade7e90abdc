//! One renderer-neutral [`Diagnostic`] type for every stage, and its
//! renderers: human (ariadne), JSON (§8 of the spec) and SARIF 2.1.0.
//!
//! Stages build diagnostics; they never print them. Only the renderers in
//! this folder turn them into text.

mod cascade;
mod human;
mod json;
mod limit;
mod pages;
mod sarif;
mod window;

pub use cascade::drop_cascades;
pub use human::{render_human, summary_line};
pub use json::{diagnostic_json, diagnostics_json, range_json};
pub use limit::{is_omitted_summary, limit_per_file, MAX_PER_FILE};
pub use pages::{page, pointer, stdlib_note, PAGES};
pub use sarif::render_sarif;

use crate::span::Span;

/// The stable diagnostic codes of §9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    E0101,
    E0102,
    E0103,
    E0104,
    E0201,
    E0202,
    E0203,
    E0204,
    E0205,
    E0301,
    E0302,
    E0303,
    E0304,
    E0305,
    E0306,
    E0401,
    E0402,
    E0403,
    E0404,
    E0405,
    E0501,
    E0502,
    E0503,
    W0001,
    W0002,
    W0003,
    W0005,
    W0006,
    W0007,
    W0008,
    W0009,
}

impl Code {
    pub const ALL: [Code; 31] = [
        Code::E0101,
        Code::E0102,
        Code::E0103,
        Code::E0104,
        Code::E0201,
        Code::E0202,
        Code::E0203,
        Code::E0204,
        Code::E0205,
        Code::E0301,
        Code::E0302,
        Code::E0303,
        Code::E0304,
        Code::E0305,
        Code::E0306,
        Code::E0401,
        Code::E0402,
        Code::E0403,
        Code::E0404,
        Code::E0405,
        Code::E0501,
        Code::E0502,
        Code::E0503,
        Code::W0001,
        Code::W0002,
        Code::W0003,
        Code::W0005,
        Code::W0006,
        Code::W0007,
        Code::W0008,
        Code::W0009,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::E0101 => "E0101",
            Code::E0102 => "E0102",
            Code::E0103 => "E0103",
            Code::E0104 => "E0104",
            Code::E0201 => "E0201",
            Code::E0202 => "E0202",
            Code::E0203 => "E0203",
            Code::E0204 => "E0204",
            Code::E0205 => "E0205",
            Code::E0301 => "E0301",
            Code::E0302 => "E0302",
            Code::E0303 => "E0303",
            Code::E0304 => "E0304",
            Code::E0305 => "E0305",
            Code::E0306 => "E0306",
            Code::E0401 => "E0401",
            Code::E0402 => "E0402",
            Code::E0403 => "E0403",
            Code::E0404 => "E0404",
            Code::E0405 => "E0405",
            Code::E0501 => "E0501",
            Code::E0502 => "E0502",
            Code::E0503 => "E0503",
            Code::W0001 => "W0001",
            Code::W0002 => "W0002",
            Code::W0003 => "W0003",
            Code::W0005 => "W0005",
            Code::W0006 => "W0006",
            Code::W0007 => "W0007",
            Code::W0008 => "W0008",
            Code::W0009 => "W0009",
        }
    }

    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// A short name of the rule, used by SARIF.
    pub fn title(self) -> &'static str {
        match self {
            Code::E0101 => "invalid character or token",
            Code::E0102 => "unterminated string",
            Code::E0103 => "syntax error",
            Code::E0104 => "invalid literal",
            Code::E0201 => "unknown name",
            Code::E0202 => "duplicate declaration",
            Code::E0203 => "module not found",
            Code::E0204 => "ambiguous name",
            Code::E0205 => "import cycle",
            Code::E0301 => "type mismatch",
            Code::E0302 => "unknown field",
            Code::E0303 => "unknown parameter",
            Code::E0304 => "missing argument or field",
            Code::E0305 => "operator not defined for these types",
            Code::E0306 => "condition is not Bool",
            Code::E0401 => "exception or override target is not a norm",
            Code::E0402 => "cycle among exceptions, overrides or breach-of references",
            Code::E0403 => "oblige without a trigger or without within",
            Code::E0404 => {
                "red line without severity or response, or responses from different enums"
            }
            Code::E0405 => "breach of a permit or an exception, or of another action",
            Code::E0501 => "event after as_of",
            Code::E0502 => "unknown norm, event or outcome in expect",
            Code::E0503 => "event at an unknown time in a report without as_of",
            Code::W0001 => "unused variable",
            Code::W0002 => "unused import",
            Code::W0003 => "norm without source",
            Code::W0005 => "override between norms of the same modality",
            Code::W0006 => "norm that can never apply",
            Code::W0007 => "exception that never holds where its target applies",
            Code::W0008 => "norm that is always defeated",
            Code::W0009 => "two norms of one text in conflict with no override",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary span with its own message ("first declared here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A suggested edit: replace the text of `span` by `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
    pub message: String,
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// What to say at `span` (defaults to the message).
    pub primary_label: Option<String>,
    /// Every other span involved.
    pub labels: Vec<Label>,
    /// Explanations and hints, shown under the report.
    pub notes: Vec<String>,
    /// A likely fix, offered as a code action by the language server.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            primary_label: None,
            labels: Vec::new(),
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn with_label_here(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary_label = Some(message.into());
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        let replacement = replacement.into();
        self.fix = Some(Fix {
            span,
            message: format!("replace with `{replacement}`"),
            replacement,
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort diagnostics into a stable order: by file, then position, then code.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.code,
            &b.message,
        ))
    });
}

/// The nearest of `candidates` to `name` by edit distance, if close enough
/// to be a likely typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        // Lengths further apart than the limit are further apart in edits.
        if cand == name || cand.chars().count().abs_diff(len) > limit {
            continue;
        }
        let d = edit_distance(name, cand);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance (strsim) with ASCII case ignored, so `Regoin`
/// is one edit from `region`.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// ariadne colours a custom report kind even with colour off; take the
/// escape sequences out again.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos() {
        assert_eq!(nearest("regoin", ["region", "sector"]), Some("region"));
        assert_eq!(nearest("xyz", ["region", "sector"]), None);
        assert_eq!(nearest("a", ["b"]), Some("b"));
    }

    /// What users saw with the hand-written distance, kept with strsim:
    /// case is free, ties go to the alphabetically first name, an exact
    /// match is never suggested, and the limit is a third of the length.
    #[test]
    fn suggestions_are_unchanged_by_strsim() {
        assert_eq!(nearest("Region", ["region"]), Some("region"));
        assert_eq!(nearest("HEALTHCAER", ["healthcare"]), Some("healthcare"));
        assert_eq!(nearest("cat", ["bat", "hat"]), Some("bat"));
        assert_eq!(nearest("same", ["same"]), None);
        assert_eq!(nearest("abcdef", ["abcxyz"]), None);
        assert_eq!(nearest("abcdef", ["abcdxy"]), Some("abcdxy"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ß", "ss"), 2);
    }
}
