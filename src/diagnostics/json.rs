//! Diagnostics as JSON (§8): LSP ranges, 0-based lines, UTF-16 columns.

use serde_json::{json, Value};

use super::Diagnostic;
use crate::span::{SourceMap, Span};

/// `{"start":{"line":L,"character":C},"end":{...}}` of a span.
pub fn range_json(sources: &SourceMap, span: Span) -> Value {
    let f = sources.get(span.file);
    json!({
        "start": f.line_col_utf16(span.start as usize),
        "end": f.line_col_utf16(span.end as usize),
    })
}

/// One diagnostic as a JSON object.
pub fn diagnostic_json(sources: &SourceMap, d: &Diagnostic) -> Value {
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            json!({
                "file": sources.get(l.span.file).name,
                "range": range_json(sources, l.span),
                "message": l.message,
            })
        })
        .collect();
    let mut obj = json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": sources.get(d.span.file).name,
        "range": range_json(sources, d.span),
        "labels": labels,
        "notes": d.notes,
    });
    if let Some(fix) = &d.fix {
        obj["fix"] = json!({
            "range": range_json(sources, fix.span),
            "replacement": fix.replacement,
            "message": fix.message,
        });
    }
    obj
}

/// `{"schema_version":1,"diagnostics":[...],"summary":{"errors":N,"warnings":N}}`
pub fn diagnostics_json(sources: &SourceMap, diags: &[Diagnostic]) -> Value {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    json!({
        "schema_version": 1,
        "diagnostics": diags.iter().map(|d| diagnostic_json(sources, d)).collect::<Vec<_>>(),
        "summary": {"errors": errors, "warnings": diags.len() - errors},
    })
}
