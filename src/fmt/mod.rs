//! `norma fmt`: one canonical layout for every construct of the language,
//! printed from the syntax tree, with every comment kept. This module owns
//! the layout; it never reads or writes files (the CLI does) and never
//! changes what a file means: [`format_source`] re-parses its own output and
//! refuses to return text whose tree differs from the input's.
//!
//! # Layout rules
//!
//! - 2 spaces of indentation; lines aim at 100 columns ([`WIDTH`]).
//! - File: comments at the top that are followed by an empty line stay at
//!   the top (the file header); then every `use` in its original order, one
//!   per line with no empty lines between them; then the other
//!   declarations in their original order, one empty line between any two;
//!   a single trailing newline.
//! - `;` ends top-level `use` and `const` only; the optional `;` after a
//!   clause is dropped (kept only where a doc comment sits before it, which
//!   would otherwise document the next clause).
//! - `enum`, `type`, `action`, `entity` (top level or in a report) and
//!   `event`: on one line when it fits, else one member, field, parameter or
//!   argument per line, 2 spaces in, closing bracket on its own line.
//!   Ordered enum members end with ` <`, others with `,`; no trailing
//!   separator. Braces of enums, types and entities have inner spaces
//!   (`{ a, b }`); set literals and `use` lists do not (`{a, b}`).
//! - `norm`, `redline`, `exception` and `report` always open a block: the
//!   header on one line (`norm NAME "TITLE" overrides A, B {`), one clause
//!   per line, `}` alone. A `when` or `unless` stays on the line of the
//!   trigger, deontic clause or condition before it: `forbid x:
//!   operate(by: s) when a.critical unless ...`.
//! - A clause line too wide for 100 columns: the head's call gets one
//!   argument per line if the head alone does not fit; the first condition
//!   stays on the head's line and each further `when`/`unless` starts a
//!   line 2 spaces in; a condition that still does not fit breaks before
//!   each `and`/`or` of its outermost chain, 4 spaces in from the line it
//!   starts on (so deeper than the next `unless`).
//! - Inside a block, one empty line where the source had one or more
//!   between two clauses (none after `{` or before `}`).
//! - Expressions: single spaces around binary operators, `a.b`, `f(x: 1)`;
//!   the parentheses the source wrote are kept (a doubled pair becomes one)
//!   and those the grammar needs are added. Literals are printed as
//!   written (`72h` stays `72h`).
//! - Comments: a `//` or `///` comment is printed before the first node
//!   that followed it in the source, at that node's indentation; a comment
//!   that had code before it on its line stays at the end of the line. A
//!   comment inside what would be one line forces that construct to split
//!   (lists, calls, chains); anywhere else it ends the line and the code
//!   continues on the next. Empty lines between comments are kept (at most
//!   one).

mod decls;
mod diff;
mod endings;
mod expr;
mod printer;

pub use diff::unified_diff;
pub use endings::{format_keeping_endings, uses_crlf};
pub use printer::WIDTH;

use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};
use printer::{blank_before, comments_of, Comment, Printer, TokenFacts};

/// Format a source file. Refuses (returns the parse diagnostics) when the
/// text does not parse cleanly, and refuses with one diagnostic if the
/// formatted text would not parse back to the same tree (a bug of the
/// formatter: the file is better left as it is).
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = syntax::parse(FileId(0), text);
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(parsed.diagnostics);
    }
    let formatted = format_module(text, &parsed.module);
    let again = syntax::parse(FileId(0), &formatted);
    let same = !again.diagnostics.iter().any(Diagnostic::is_error)
        && same_tree(&again.module, &parsed.module);
    if !same {
        let first = parsed
            .module
            .items
            .first()
            .map_or(Span::default(), ast::Item::span);
        return Err(vec![Diagnostic::new(
            Code::E0103,
            Span::new(FileId(0), first.start as usize, first.start as usize),
            "the formatter could not lay this file out without changing its meaning",
        )
        .with_label_here("the file was left as it is")
        .with_note("this is a bug in `norma fmt`; please report the file")]);
    }
    Ok(formatted)
}

/// The tree with every span left out and the `use` declarations moved
/// first (the only reordering the layout makes): two files with the same
/// fingerprint check and evaluate the same.
pub fn module_fingerprint(module: &ast::Module) -> String {
    let items: Vec<String> = uses_first(module).map(item_fingerprint).collect();
    format!("[{}] {:?}", items.join(", "), module.broken_names)
}

/// Do two modules have the same fingerprint? (Compared declaration by
/// declaration, so a large file is never rendered whole.)
pub fn same_tree(a: &ast::Module, b: &ast::Module) -> bool {
    a.items.len() == b.items.len()
        && a.broken_names == b.broken_names
        && uses_first(a)
            .zip(uses_first(b))
            .all(|(x, y)| item_fingerprint(x) == item_fingerprint(y))
}

fn uses_first(module: &ast::Module) -> impl Iterator<Item = &ast::Item> {
    let is_use = |i: &&ast::Item| matches!(i, ast::Item::Use(_));
    let uses = module.items.iter().filter(is_use);
    uses.chain(module.items.iter().filter(move |i| !is_use(i)))
}

fn item_fingerprint(item: &ast::Item) -> String {
    strip_spans(&format!("{item:?}"))
}

/// Remove every `Span { .. }` from a `Debug` rendering.
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        rest = &rest[i..];
        match rest.find('}') {
            Some(j) => rest = &rest[j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The comments of a file, divided among its top-level declarations.
struct Owned {
    /// Comments at the top, followed by an empty line: they stay first.
    header: Vec<Comment>,
    /// For each declaration: the comments before it (since the previous
    /// one), inside it, and at the end of its last line.
    items: Vec<Vec<Comment>>,
    /// Comments after the last declaration, on lines of their own.
    trailer: Vec<Comment>,
}

fn assign_comments(src: &str, items: &[ast::Item], comments: Vec<Comment>) -> Owned {
    let mut owned = Owned {
        header: Vec::new(),
        items: vec![Vec::new(); items.len()],
        trailer: Vec::new(),
    };
    for c in comments {
        // The first declaration that ends after the comment.
        let i = items.partition_point(|it| (it.span().end as usize) <= c.start);
        let inside = items
            .get(i)
            .is_some_and(|it| it.span().start as usize <= c.start);
        if !inside && i > 0 && c.trailing && !c.doc {
            // At the end of the previous declaration's last line. (A doc
            // comment documents what follows, so it travels with that.)
            owned.items[i - 1].push(c);
        } else if i == items.len() {
            owned.trailer.push(c);
        } else {
            owned.items[i].push(c);
        }
    }
    // The header: the first declaration's leading comments up to the last
    // empty line before it, unless a doc comment is among them.
    if let Some(first) = items.first() {
        let first_start = first.span().start as usize;
        let leading: Vec<usize> = owned.items[0]
            .iter()
            .take_while(|c| c.start < first_start)
            .map(|c| c.start)
            .collect();
        let cut = (0..leading.len())
            .rev()
            .find(|&j| blank_before(src, leading.get(j + 1).copied().unwrap_or(first_start)));
        if let Some(j) = cut {
            if !owned.items[0][..=j].iter().any(|c| c.doc) {
                owned.header = owned.items[0].drain(..=j).collect();
            }
        }
    }
    owned
}

fn format_module(src: &str, module: &ast::Module) -> String {
    let facts = TokenFacts::of(src);
    let mut p = Printer::new(src, &facts);
    let items = &module.items;
    let owned = assign_comments(src, items, comments_of(src));

    p.set_comments(owned.header);
    p.flush(usize::MAX);
    let is_use = |i: usize| matches!(items[i], ast::Item::Use(_));
    let order: Vec<usize> = (0..items.len())
        .filter(|&i| is_use(i))
        .chain((0..items.len()).filter(|&i| !is_use(i)))
        .collect();
    let mut queues: Vec<Option<Vec<Comment>>> = owned.items.into_iter().map(Some).collect();
    let mut previous: Option<usize> = None;
    for &i in &order {
        match previous {
            Some(prev) if is_use(prev) && is_use(i) => p.end_line(),
            None if p.out.is_empty() => {}
            _ => p.blank_line(),
        }
        p.set_comments(queues[i].take().unwrap_or_default());
        let item = &items[i];
        p.break_before(item.span().start as usize, !is_use(i));
        p.item(item);
        p.flush(usize::MAX);
        previous = Some(i);
    }
    p.set_comments(owned.trailer);
    p.flush(usize::MAX);
    p.end_line();
    p.out
}

#[cfg(test)]
mod tests;
