//! Diagnostics that only follow from an earlier one, dropped so that one
//! mistake reads as one error: "remove this `use`" in a file that does not
//! parse, "unused variable" where the condition using it did not parse, and
//! "`when` must follow ..." right after a misspelt clause keyword.

use std::collections::HashSet;

use super::{Code, Diagnostic};
use crate::span::{FileId, SourceMap};

/// Drop the diagnostics that follow from others (run once over every
/// stage's diagnostics).
pub fn drop_cascades(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    drop_unreliable_unused_imports(diags);
    drop_misplaced_after_syntax_error(sources, diags);
    drop_unused_variables_after_syntax_error(diags);
    drop_second_syntax_error_on_a_line(sources, diags);
}

/// After a syntax error the parser skips ahead, and what it meets next on
/// the same line is rarely a second mistake: one syntax error per line. Nor
/// is a stray `}` later in the same declaration (the skipped clause's own
/// braces closed the block early): the declaration runs until a line that
/// starts a new one at the left margin.
fn drop_second_syntax_error_on_a_line(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let mut last: Option<(FileId, usize)> = None;
    let mut keep = Vec::with_capacity(diags.len());
    let mut sorted: Vec<usize> = (0..diags.len()).collect();
    sorted.sort_by_key(|&i| (diags[i].span.file, diags[i].span.start));
    let mut dropped = vec![false; diags.len()];
    for i in sorted {
        let d = &diags[i];
        if d.code != Code::E0103 {
            continue;
        }
        let at = d.span.start as usize;
        if let Some((file, start)) = last {
            let text = sources.get(file).text.as_str();
            let same_line = |between: &str| !between.contains('\n');
            let same_item = |between: &str| {
                !between
                    .split('\n')
                    .skip(1)
                    .any(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
            };
            let stray_brace = d.message.ends_with("found `}`");
            if file == d.span.file
                && text
                    .get(start..at)
                    .is_some_and(|b| same_line(b) || (stray_brace && same_item(b)))
            {
                dropped[i] = true;
                continue;
            }
        }
        last = Some((d.span.file, at));
    }
    for (i, d) in diags.drain(..).enumerate() {
        if !dropped[i] {
            keep.push(d);
        }
    }
    *diags = keep;
}

/// A variable looks unused when the condition that used it did not parse:
/// no W0001 in a file with a syntax error.
fn drop_unused_variables_after_syntax_error(diags: &mut Vec<Diagnostic>) {
    let broken: HashSet<FileId> = diags
        .iter()
        .filter(|d| matches!(d.code, Code::E0101 | Code::E0102 | Code::E0103))
        .map(|d| d.span.file)
        .collect();
    diags.retain(|d| d.code != Code::W0001 || !broken.contains(&d.span.file));
}

/// Whether a `use` is needed is judged by the names a file uses; in a file
/// with errors (a declaration that did not parse may be the one that used
/// the module) or among modules in an import cycle (which are not read in
/// full), that judgement is wrong more often than right, and "remove this
/// line" would be bad advice. So W0002 is dropped there.
fn drop_unreliable_unused_imports(diags: &mut Vec<Diagnostic>) {
    let cycle = diags.iter().any(|d| d.code == Code::E0205);
    let with_errors: HashSet<FileId> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.span.file)
        .collect();
    diags.retain(|d| d.code != Code::W0002 || !(cycle || with_errors.contains(&d.span.file)));
}

/// A clause whose keyword is misspelt (`forbidd x: ...`) is skipped by the
/// parser, so the `when` or `unless` after it seems misplaced. The syntax
/// error already says what to write; the second error is dropped when a
/// syntax error comes before it in the same block (no `}` between them).
fn drop_misplaced_after_syntax_error(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let syntax: Vec<(FileId, usize)> = diags
        .iter()
        .filter(|d| matches!(d.code, Code::E0101 | Code::E0103) && !is_misplaced(d))
        .map(|d| (d.span.file, d.span.start as usize))
        .collect();
    diags.retain(|d| {
        if !is_misplaced(d) {
            return true;
        }
        let text = sources.get(d.span.file).text.as_str();
        let at = d.span.start as usize;
        !syntax.iter().any(|&(file, start)| {
            file == d.span.file
                && start < at
                && text
                    .get(start..at)
                    .is_some_and(|between| !between.contains('}'))
        })
    });
}

fn is_misplaced(d: &Diagnostic) -> bool {
    d.code == Code::E0103 && d.message.contains("must follow")
}
