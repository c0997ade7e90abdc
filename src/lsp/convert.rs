//! Norma's [`Diagnostic`]s as LSP diagnostics, and their "did you mean"
//! fixes as quick-fix code actions. The same diagnostics as `norma check`:
//! code, severity, message (notes appended, one per line), range, and the
//! labels as related information.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticRelatedInformation,
    DiagnosticSeverity, NumberOrString, Range, TextEdit, Url, WorkspaceEdit,
};

use super::state::Analysis;
use crate::diagnostics::{Diagnostic, Severity};

/// One Norma diagnostic for the editor.
pub(super) fn diagnostic(a: &Analysis, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: a.location(l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: a.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("norma".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// Every diagnostic of the analysis, grouped by the URI of its file.
pub(super) fn diagnostics_by_uri(a: &Analysis) -> HashMap<Url, Vec<lsp_types::Diagnostic>> {
    let mut out: HashMap<Url, Vec<lsp_types::Diagnostic>> = HashMap::new();
    for d in &a.session.diagnostics {
        if let Some(uri) = a.uri(d.span.file) {
            let list = out.entry(uri.clone()).or_default();
            let lsp = diagnostic(a, d);
            if !list.contains(&lsp) {
                list.push(lsp);
            }
        }
    }
    out
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Quick fixes for the diagnostics of `uri` that touch `range`.
pub(super) fn code_actions(a: &Analysis, uri: &Url, range: Range) -> Vec<CodeActionOrCommand> {
    let Some(file) = a.file(uri) else {
        return Vec::new();
    };
    a.session
        .diagnostics
        .iter()
        .filter(|d| d.span.file == file && overlaps(a.range(d.span), range))
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let edit = TextEdit::new(a.range(fix.span), fix.replacement.clone());
            let changes = HashMap::from([(a.uri(fix.span.file)?.clone(), vec![edit])]);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic(a, d)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}
