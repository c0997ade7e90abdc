//! Diagnostics as SARIF 2.1.0, for CI code scanning.

use serde_json::{json, Value};

use super::{Code, Diagnostic, Severity};
use crate::span::{SourceMap, Span};

fn region(sources: &SourceMap, span: Span) -> Value {
    let f = sources.get(span.file);
    let (sl, sc) = f.line_col_human(span.start as usize);
    let (el, ec) = f.line_col_human(span.end as usize);
    json!({"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec})
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": sources.get(span.file).name.replace('\\', "/")},
            "region": region(sources, span),
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({"text": m});
    }
    loc
}

/// A SARIF 2.1.0 log with one run.
pub fn render_sarif(sources: &SourceMap, diags: &[Diagnostic]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": {"text": c.title()},
                "defaultConfiguration": {"level": c.severity().as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            for n in &d.notes {
                text.push('\n');
                text.push_str(n);
            }
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": text},
                "locations": [location(sources, d.span, d.primary_label.as_deref())],
                "relatedLocations": d.labels.iter().enumerate().map(|(i, l)| {
                    let mut loc = location(sources, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "norma",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
