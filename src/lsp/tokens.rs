//! Semantic tokens (`textDocument/semanticTokens/full` and `/full/delta`):
//! every declared name and every resolved reference of a document,
//! coloured by what it names — a norm, a red line, an exception, an
//! action, an entity, an event, an enum member, a variable — from the
//! checked program, never from the shape of the text. Keywords, strings
//! and comments are left to the client's grammar.
//!
//! A delta is one edit: the tokens before the first difference and after
//! the last are kept. Results are remembered per document by id; this
//! module owns that memory and nothing else of the server's state.

use std::collections::HashMap;

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensDelta,
    SemanticTokensEdit, SemanticTokensLegend, Url,
};

use super::names::{self, Declared, Kind};
use super::state::Analysis;
use crate::span::{FileId, Span};

/// The token types, in the order of their numbers. Norms, red lines,
/// exceptions, reports and entities have their own types (clients fall
/// back to the standard type a client configuration names for them).
const TYPES: [&str; 14] = [
    "namespace",
    "enum",
    "enumMember",
    "type",
    "property",
    "function",
    "parameter",
    "variable",
    "norm",
    "redline",
    "exception",
    "report",
    "entity",
    "event",
];

const MODIFIERS: [&str; 3] = ["declaration", "readonly", "defaultLibrary"];

pub(super) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.iter().map(|t| SemanticTokenType::new(t)).collect(),
        token_modifiers: MODIFIERS
            .iter()
            .map(|m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

fn type_index(kind: Kind) -> u32 {
    let name = match kind {
        Kind::Module => "namespace",
        Kind::Enum => "enum",
        Kind::Member => "enumMember",
        Kind::Type => "type",
        Kind::Field => "property",
        Kind::Action => "function",
        Kind::Param => "parameter",
        Kind::Const | Kind::Variable => "variable",
        Kind::Norm => "norm",
        Kind::Redline => "redline",
        Kind::Exception => "exception",
        Kind::Report => "report",
        Kind::Entity => "entity",
        Kind::Event => "event",
    };
    TYPES.iter().position(|t| *t == name).unwrap_or(0) as u32
}

/// One coloured name, before encoding.
struct Raw {
    span: Span,
    kind: Kind,
    modifiers: u32,
}

fn modifiers(a: &Analysis, d: &Declared, declaration: bool) -> u32 {
    let mut bits = 0;
    if declaration {
        bits |= 1;
    }
    if d.kind == Kind::Const || d.kind == Kind::Entity {
        bits |= 2;
    }
    let std = a
        .session
        .program
        .modules
        .get(d.module.index())
        .is_some_and(|m| m.name.starts_with("std::"));
    if std {
        bits |= 4;
    }
    bits
}

/// The tokens of one file, encoded as LSP wants them (relative positions,
/// UTF-16 lengths, sorted, one line each).
pub(super) fn compute(a: &Analysis, file: FileId) -> Vec<SemanticToken> {
    let p = &a.session.program;
    let decls = names::declarations(p);
    let mut raw: Vec<Raw> = Vec::new();
    for (span, d) in &decls {
        if span.file == file && d.kind != Kind::Module {
            raw.push(Raw {
                span: *span,
                kind: d.kind,
                modifiers: modifiers(a, d, true),
            });
        }
    }
    for r in p.refs.iter().filter(|r| r.at.file == file) {
        let Some(d) = decls.get(&r.def) else {
            continue;
        };
        // A `use` path is a module's name; anything else is coloured
        // where its last name is written.
        let span = if d.kind == Kind::Module {
            Some(r.at)
        } else {
            names::last_segment(&a.session.sources, r.at)
        };
        if let Some(span) = span {
            raw.push(Raw {
                span,
                kind: d.kind,
                modifiers: modifiers(a, d, false),
            });
        }
    }
    raw.sort_by_key(|t| (t.span.start, t.span.end));
    let mut out = Vec::with_capacity(raw.len());
    let (mut line, mut col) = (0u32, 0u32);
    let mut end = 0u32;
    for t in raw {
        // Overlapping names (a path and its prefix): the first wins.
        if t.span.start < end || t.span.start == t.span.end {
            continue;
        }
        let range = a.range(t.span);
        if range.start.line != range.end.line {
            continue;
        }
        end = t.span.end;
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 {
            range.start.character - col
        } else {
            range.start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type: type_index(t.kind),
            token_modifiers_bitset: t.modifiers,
        });
        line = range.start.line;
        col = range.start.character;
    }
    out
}

/// The last tokens sent for each document, by result id.
#[derive(Default)]
pub(super) struct Memory {
    sent: HashMap<Url, (String, Vec<SemanticToken>)>,
    next_id: u64,
}

impl Memory {
    fn remember(&mut self, uri: &Url, tokens: Vec<SemanticToken>) -> String {
        self.next_id += 1;
        let id = self.next_id.to_string();
        self.sent.insert(uri.clone(), (id.clone(), tokens));
        id
    }

    pub fn forget(&mut self, uri: &Url) {
        self.sent.remove(uri);
    }

    pub fn full(&mut self, uri: &Url, tokens: Vec<SemanticToken>) -> SemanticTokens {
        let id = self.remember(uri, tokens.clone());
        SemanticTokens {
            result_id: Some(id),
            data: tokens,
        }
    }

    /// The edit from the tokens sent as `previous` to `tokens`, or all of
    /// them when `previous` is not the last result sent.
    pub fn delta(
        &mut self,
        uri: &Url,
        previous: &str,
        tokens: Vec<SemanticToken>,
    ) -> lsp_types::SemanticTokensFullDeltaResult {
        let old = match self.sent.get(uri) {
            Some((id, old)) if id == previous => old.clone(),
            _ => return self.full(uri, tokens).into(),
        };
        let edit = diff(&old, &tokens);
        let id = self.remember(uri, tokens);
        SemanticTokensDelta {
            result_id: Some(id),
            edits: edit.into_iter().collect(),
        }
        .into()
    }
}

/// One edit turning `old` into `new`, in units of the encoded array (five
/// numbers a token), or none when they are equal.
fn diff(old: &[SemanticToken], new: &[SemanticToken]) -> Option<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let rest = (old.len() - prefix).min(new.len() - prefix);
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(rest)
        .take_while(|(a, b)| a == b)
        .count();
    let removed = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if removed == 0 && inserted.is_empty() {
        return None;
    }
    Some(SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (removed * 5) as u32,
        data: Some(inserted.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(delta_line: u32, delta_start: u32) -> SemanticToken {
        SemanticToken {
            delta_line,
            delta_start,
            length: 3,
            token_type: 1,
            token_modifiers_bitset: 0,
        }
    }

    /// Applying the edit to the old array gives the new one.
    fn apply(old: &[SemanticToken], e: &Option<SemanticTokensEdit>) -> Vec<SemanticToken> {
        let mut v = old.to_vec();
        if let Some(e) = e {
            let start = e.start as usize / 5;
            let end = start + e.delete_count as usize / 5;
            v.splice(start..end, e.data.clone().unwrap_or_default());
        }
        v
    }

    #[test]
    fn a_delta_is_one_edit_that_rebuilds_the_new_tokens() {
        let a = vec![tok(0, 1), tok(1, 2), tok(0, 4), tok(2, 0)];
        let cases = [
            vec![tok(0, 1), tok(1, 2), tok(0, 4), tok(2, 0)],
            vec![tok(0, 1), tok(1, 3), tok(0, 4), tok(2, 0)],
            vec![tok(0, 1), tok(2, 0)],
            vec![tok(5, 5), tok(0, 1), tok(1, 2), tok(0, 4), tok(2, 0)],
            vec![],
            vec![tok(0, 1), tok(0, 1), tok(0, 1)],
        ];
        for new in cases {
            let e = diff(&a, &new);
            assert_eq!(apply(&a, &e), new);
            assert_eq!(e.is_none(), a == new);
        }
        assert_eq!(apply(&[], &diff(&[], &a)), a);
    }
}
