//! The deep lints of `norma check --deep` (§10: W0006–W0009) in the
//! editor, and the quick fix of W0009.
//!
//! They run **on save only**, never on a keystroke: a keystroke re-checks
//! the open documents and drops whatever a save found, so typing costs
//! exactly the front end. A save runs the lints over every open document
//! within a time budget ([`BUDGET`], 300 ms): every solver query is cut to
//! the time left and none is asked past it (`CompareOptions::deadline`).
//! Lints that did not all finish in time are not shown at all — a partial
//! set would look like a clean one — and the server logs why
//! (`window/logMessage`); so does a save of documents with errors, which
//! are not analysed (as `norma check --deep` does not analyse them).
//!
//! Witnesses are replayed against the open buffers, not the files on disk
//! ([`Replayer::documents`]): what is replayed is what was analysed.
//!
//! The fix of W0009 writes `overrides OTHER` into the header of one of the
//! two norms, in each direction whose norm is in an open document. An
//! edit is offered only if the documents, so edited, check without errors
//! and the norm then overrides the other: the other's plain name is tried
//! first, then its qualified name.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, Url, WorkspaceEdit,
};

use super::convert;
use super::state::{Analysis, Document};
use crate::analysis::{lint, replay::Replayer, CompareOptions};
use crate::diagnostics::{Code, Diagnostic};
use crate::driver;
use crate::model::{NormDef, Program};
use crate::span::Span;
use crate::syntax::lexer;
use crate::syntax::token::Tok;

/// The time a save may spend on the deep lints of the open documents.
pub(super) const BUDGET: Duration = Duration::from_millis(300);

/// What a save's deep lints gave.
pub(super) enum Outcome {
    /// Every lint was asked in time: what to show with each document's
    /// own diagnostics, and what to log (lints left undecided).
    Done {
        diagnostics: Vec<Diagnostic>,
        log: Vec<String>,
    },
    /// Nothing to show, and why.
    Skipped(String),
}

/// Run the deep lints over the open documents of `a` within `budget`.
pub(super) fn run(
    a: &Analysis,
    docs: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    budget: Duration,
) -> Outcome {
    if a.session.has_errors() {
        return Outcome::Skipped(
            "deep lints not run: the open documents have errors (fix them and save again)".into(),
        );
    }
    let start = Instant::now();
    let opts = CompareOptions {
        timeout_ms: u32::try_from(budget.as_millis()).unwrap_or(u32::MAX),
        deadline: Some(start + budget),
        ..CompareOptions::default()
    };
    let replayer = replayer(docs, includes);
    let found = catch_unwind(AssertUnwindSafe(|| {
        lint::deep(&a.session.program, &opts, &replayer)
    }));
    let spent = start.elapsed().as_millis();
    let Ok(found) = found else {
        return Outcome::Skipped(
            "deep lints not shown: the analysis failed (internal error)".into(),
        );
    };
    if found.out_of_time || start.elapsed() > budget {
        return Outcome::Skipped(format!(
            "deep lints not shown: they did not finish within {} ms of the save ({spent} ms \
             spent); `norma check --deep` runs them without this limit",
            budget.as_millis()
        ));
    }
    let mut log = vec![format!(
        "deep lints of {} open document{}: {} warning{} in {spent} ms",
        docs.len(),
        if docs.len() == 1 { "" } else { "s" },
        found.diagnostics.len(),
        if found.diagnostics.len() == 1 {
            ""
        } else {
            "s"
        },
    )];
    log.extend(found.undecided.iter().map(|u| format!("undecided: {u}")));
    Outcome::Done {
        diagnostics: found.diagnostics,
        log,
    }
}

/// Witnesses replayed from the first document's folder, with every open
/// document's folder as `-I` (as `check --deep` adds its files' folders)
/// and the open buffers in place of their files.
fn replayer(docs: &BTreeMap<Url, Document>, includes: &[PathBuf]) -> Replayer {
    let mut dirs = includes.to_vec();
    let mut first = None;
    for d in docs.values() {
        let dir = d
            .path
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        first.get_or_insert_with(|| dir.clone());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    Replayer {
        dir: first.unwrap_or_else(|| PathBuf::from(".")),
        includes: dirs,
        documents: docs
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect(),
    }
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The norm whose name is at `span`.
fn norm_named_at(program: &Program, span: Span) -> Option<&NormDef> {
    program.norms.iter().find(|n| n.name_span == span)
}

/// The W0009 fixes for the deep diagnostics of `uri` that touch `range`:
/// for each conflict, "`A` prevails" and "`B` prevails".
pub(super) fn overrides_actions(
    a: &Analysis,
    deep: &[Diagnostic],
    docs: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    uri: &Url,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let Some(file) = a.file(uri) else {
        return Vec::new();
    };
    let program = &a.session.program;
    let mut out = Vec::new();
    for d in deep {
        if d.code != Code::W0009 || d.span.file != file || !overlaps(a.range(d.span), range) {
            continue;
        }
        let Some(here) = norm_named_at(program, d.span) else {
            continue;
        };
        let Some(there) = d.labels.iter().find_map(|l| norm_named_at(program, l.span)) else {
            continue;
        };
        for (winner, loser) in [(here, there), (there, here)] {
            if let Some(edit) = overrides_edit(a, docs, includes, winner, loser) {
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!(
                        "Let `{}` prevail: `norm {} overrides {}`",
                        winner.name, winner.name, edit.1
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![convert::diagnostic(a, d)]),
                    edit: Some(edit.0),
                    // Which norm prevails is the author's choice.
                    is_preferred: Some(false),
                    ..Default::default()
                }));
            }
        }
    }
    out
}

/// The edit that makes `winner` override `loser` (and the name it writes
/// for `loser`), if `winner` is in an open document and the edited
/// documents check clean.
fn overrides_edit(
    a: &Analysis,
    docs: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    winner: &NormDef,
    loser: &NormDef,
) -> Option<(WorkspaceEdit, String)> {
    // Overrides between norms of one modality are W0005 (W0009 pairs a
    // forbid with a permit or a duty, so this is only a guard).
    if winner.modality == loser.modality {
        return None;
    }
    let uri = a.uri(winner.span.file)?;
    let doc = docs.get(uri)?;
    let text = &a.source(winner.span.file).text;
    let (at, listed) = header_end(text, winner)?;
    let mut names = vec![loser.name.clone()];
    if loser.qualified != loser.name {
        names.push(loser.qualified.clone());
    }
    let name = names.into_iter().find(|name| {
        let insert = insertion(listed, name);
        let mut edited = text.clone();
        edited.insert_str(at, &insert);
        prevails(docs, includes, &doc.path, edited, winner, loser)
    })?;
    let pos = a.source(winner.span.file).line_col_utf16(at);
    let pos = Position::new(pos.line, pos.character);
    let edit = TextEdit::new(Range::new(pos, pos), insertion(listed, &name));
    let changes = HashMap::from([(uri.clone(), vec![edit])]);
    Some((
        WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        },
        name,
    ))
}

fn insertion(listed: bool, name: &str) -> String {
    if listed {
        format!(", {name}")
    } else {
        format!(" overrides {name}")
    }
}

/// Where the header of `norm` ends (the byte just before the blank and the
/// `{` of its body), and whether it already has an `overrides` list. The
/// header is lexed, so a title holding `{` or a comment is no trouble.
fn header_end(text: &str, norm: &NormDef) -> Option<(usize, bool)> {
    let from = norm.name_span.end as usize;
    let to = (norm.span.end as usize).min(text.len());
    let rest = text.get(from..to)?;
    let mut end = 0;
    let mut listed = false;
    for (_, tok, e) in lexer::stream(rest) {
        match tok {
            Tok::LBrace => return Some((from + end, listed)),
            Tok::Overrides => listed = true,
            _ => {}
        }
        end = e;
    }
    None
}

/// Do the documents, with `path`'s text replaced by `edited`, check
/// without errors and with `winner` overriding `loser`?
fn prevails(
    docs: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    path: &Path,
    edited: String,
    winner: &NormDef,
    loser: &NormDef,
) -> bool {
    let inputs = docs
        .values()
        .map(|d| {
            let text = if d.path == path {
                edited.clone()
            } else {
                d.text.clone()
            };
            (d.path.clone(), text)
        })
        .collect();
    let session = driver::check_documents(inputs, includes);
    if session.has_errors() {
        return false;
    }
    let p = &session.program;
    p.norms.iter().any(|n| {
        n.qualified == winner.qualified
            && n.overrides
                .iter()
                .any(|&o| p.norm(o).qualified == loser.qualified)
    })
}
