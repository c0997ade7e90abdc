//! Text to syntax tree. Parsing never fails: it returns a [`ast::Module`]
//! and a list of diagnostics.
//!
//! The file is lexed once, then cut into top-level declarations at the
//! keywords that can only start one (`norm`, `enum`, ...), and each piece is
//! parsed on its own with the LALRPOP grammar. A broken declaration
//! therefore never hides the declarations after it, and inside a
//! declaration the grammar's `!` recovery points keep the clauses after a
//! broken one.

pub mod ast;
pub mod events;
pub mod lexer;
pub mod literate;
mod pipe;
mod teach;
pub mod token;

use std::cell::RefCell;

use lalrpop_util::{lalrpop_mod, ErrorRecovery, ParseError};

use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};
use ast::{
    Expectation, Expr, ExprKind, Ident, Item, Module, Path, ReportClause, SimpleEvent, TypeExpr,
};
use lexer::Tok;

lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, dead_code)]
    grammar,
    "/norma.rs"
);

/// Tallest expression tree the parser builds.
pub const MAX_EXPR_DEPTH: u32 = 512;

/// State shared with the grammar's actions.
pub struct ParseCtx<'input> {
    file: FileId,
    /// The lexer's record: doc comments by the offset of the token they
    /// document (filled as the tokens are read, before the grammar
    /// reduces them).
    lexed: &'input RefCell<lexer::LexOutput>,
    recovered: Vec<ErrorRecovery<usize, Tok<'input>, std::convert::Infallible>>,
    diagnostics: Vec<Diagnostic>,
    depth_error: bool,
}

impl<'input> ParseCtx<'input> {
    pub(crate) fn span(&self, l: usize, r: usize) -> Span {
        Span::new(self.file, l, r)
    }

    pub(crate) fn ident(&self, name: &str, l: usize, r: usize) -> Ident {
        Ident {
            name: name.to_string(),
            span: self.span(l, r),
        }
    }

    pub(crate) fn simple_event(&self, head: events::Head, l: usize, r: usize) -> SimpleEvent {
        SimpleEvent {
            span: self.span(l, r),
            name: (head[0], head[1]),
            callee: (head[2], head[3]),
        }
    }

    pub(crate) fn doc(&self, l: usize) -> Option<String> {
        self.lexed.borrow().docs.get(&l).cloned()
    }

    pub(crate) fn recover(
        &mut self,
        e: ErrorRecovery<usize, Tok<'input>, std::convert::Infallible>,
    ) {
        self.recovered.push(e);
    }

    /// Build an expression node, refusing to grow a tree taller than
    /// [`MAX_EXPR_DEPTH`]: later stages recurse over expressions.
    pub(crate) fn expr(&mut self, kind: ExprKind, l: usize, r: usize) -> Expr {
        let span = self.span(l, r);
        let has_error_child = match &kind {
            ExprKind::Not(e) | ExprKind::Field(e, _) => e.kind == ExprKind::Error,
            ExprKind::Binary(_, a, b) | ExprKind::In(a, b) => {
                a.kind == ExprKind::Error || b.kind == ExprKind::Error
            }
            _ => false,
        };
        if has_error_child && self.depth_error {
            return Expr::error(span);
        }
        let e = Expr::new(kind, span);
        if e.depth > MAX_EXPR_DEPTH {
            if !self.depth_error {
                self.depth_error = true;
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::E0103,
                        span,
                        format!("this expression nests deeper than {MAX_EXPR_DEPTH} levels"),
                    )
                    .with_label_here("too deep to check")
                    .with_note("split it into smaller conditions or named consts"),
                );
            }
            return Expr::error(span);
        }
        e
    }

    pub(crate) fn set_type(&mut self, p: Path, t: TypeExpr, l: usize, r: usize) -> TypeExpr {
        let span = self.span(l, r);
        if p.to_text() != "Set" {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E0103,
                    p.span,
                    format!("`{}` takes no type argument", p.to_text()),
                )
                .with_label_here("only `Set<T>` has a type argument"),
            );
        }
        TypeExpr::Set(Box::new(t), span)
    }

    pub(crate) fn expect_clean(
        &mut self,
        kind: Ident,
        l: usize,
        r: usize,
    ) -> Result<ReportClause, ParseError<usize, Tok<'input>, std::convert::Infallible>> {
        let span = self.span(l, r);
        if kind.name == "clean" {
            Ok(ReportClause::Expect(Box::new(Expectation::Clean(span))))
        } else {
            // `expect violation;` with no norm: say what is missing.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::E0103,
                    kind.span,
                    format!("I was expecting a norm name after `expect {}`", kind.name),
                )
                .with_label_here("an outcome needs the norm it is about")
                .with_note("write `expect KIND NORM [at EVENT];` or `expect clean;`"),
            );
            Ok(ReportClause::Error(span))
        }
    }
}

/// The result of parsing one file.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
}

/// Keywords that can only start a top-level declaration.
fn starts_item(tok: &Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Use
            | Tok::Enum
            | Tok::Type
            | Tok::Action
            | Tok::Const
            | Tok::Norm
            | Tok::Redline
            | Tok::Exception
            | Tok::Report
    )
}

/// Parse one file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, false, true, usize::MAX)
}

/// Parse one file, keeping the events of a report that have the common
/// shape as [`ReportClause::SimpleEvent`] (see [`events`]): what the
/// checker reads. Everything else is as [`parse`] builds it.
pub fn parse_folded(file: FileId, text: &str) -> Parsed {
    parse_with(file, text, true, true, pipe::THRESHOLD)
}

fn parse_items<'a>(
    ctx: &mut ParseCtx<'a>,
    tokens: impl Iterator<Item = (usize, Tok<'a>, usize)>,
) -> Result<Vec<Item>, ParseError<usize, Tok<'a>, std::convert::Infallible>> {
    grammar::ItemsParser::new().parse(ctx, tokens.map(Ok::<_, std::convert::Infallible>))
}

/// Parse, folding events or not (reading those of the common shape from
/// raw tokens if `quick`: see [`lexer::Recording::quick`]); a folded parse
/// of a text of `pipe_from` bytes or more lexes it on a second thread
/// ([`pipe`]).
fn parse_with(file: FileId, text: &str, fold: bool, quick: bool, pipe_from: usize) -> Parsed {
    // Fast path: a file without lexical errors is parsed straight from the
    // lexer, in one go; only a file with errors is cut into declarations.
    // The file is lexed as it is parsed; a lexical problem found on the
    // way sends it down the slow path.
    {
        let lexed = RefCell::new(lexer::LexOutput::default());
        let mut ctx = ParseCtx {
            file,
            lexed: &lexed,
            recovered: Vec::new(),
            diagnostics: Vec::new(),
            depth_error: false,
        };
        let result = if fold && text.len() >= pipe_from {
            pipe::parse(file, text, &lexed, quick, |tokens| {
                parse_items(&mut ctx, tokens)
            })
        } else {
            let tokens = lexer::Recording::new(file, text, &lexed).quick(quick);
            if fold {
                parse_items(&mut ctx, events::Fold::new(tokens, &lexed))
            } else {
                parse_items(&mut ctx, tokens)
            }
        };
        let clean_lex = {
            let l = lexed.borrow();
            l.diagnostics.is_empty() && l.truncated_at.is_none()
        };
        if let (Ok(items), true) = (result, clean_lex) {
            if ctx.recovered.is_empty() && ctx.diagnostics.is_empty() {
                return Parsed {
                    module: Module {
                        items,
                        broken_names: Vec::new(),
                    },
                    diagnostics: Vec::new(),
                };
            }
        }
    }
    let (tokens, lexed) = lexer::lex(file, text);
    let mut diagnostics = lexed.diagnostics.clone();
    let eof = lexed.truncated_at.unwrap_or(text.len());
    let lexed = RefCell::new(lexed);
    let mut items = Vec::new();
    let mut broken_names = Vec::new();

    // Cut points: a declaration keyword that is not used as a field name
    // (`e.type`, `type: T`), or `entity` outside any braces.
    let mut cuts = Vec::new();
    let mut depth = 0i64;
    for (i, (_, tok, _)) in tokens.iter().enumerate() {
        let after_dot = i > 0 && matches!(tokens[i - 1].1, Tok::Dot | Tok::ColonColon);
        let before_colon = matches!(tokens.get(i + 1), Some((_, Tok::Colon, _)));
        let is_field = after_dot || before_colon;
        if !is_field && (starts_item(tok) || (*tok == Tok::Entity && depth <= 0)) {
            cuts.push(i);
        }
        match tok {
            Tok::LBrace => depth += 1,
            Tok::RBrace => depth -= 1,
            _ => {}
        }
    }
    if cuts.first() != Some(&0) && !tokens.is_empty() {
        cuts.insert(0, 0);
    }
    cuts.push(tokens.len());

    for w in cuts.windows(2) {
        let chunk = &tokens[w[0]..w[1]];
        let Some(first) = chunk.first() else { continue };
        if !starts_item(&first.1) && first.1 != Tok::Entity {
            let last = chunk.last().map_or(first.2, |t| t.2);
            diagnostics.push(
                Diagnostic::new(
                    Code::E0103,
                    Span::new(file, first.0, last),
                    format!("I was expecting a declaration, but found {}", first.1),
                )
                .with_label_here("not part of any declaration")
                .with_note("a file holds `use`, `enum`, `type`, `action`, `const`, `entity`, `norm`, `redline`, `exception` and `report` declarations"),
            );
            if let Some(d) = diagnostics.pop() {
                diagnostics.push(teach::hint_declaration(d, &first.1));
            }
            items.push(Item::Error(Span::new(file, first.0, last)));
            continue;
        }
        let chunk_end = chunk.last().map_or(first.2, |t| t.2);
        let end_of_input = if w[1] == tokens.len() { eof } else { chunk_end };
        let mut ctx = ParseCtx {
            file,
            lexed: &lexed,
            recovered: Vec::new(),
            diagnostics: Vec::new(),
            depth_error: false,
        };
        let result = grammar::ItemParser::new().parse(
            &mut ctx,
            chunk.iter().cloned().map(Ok::<_, std::convert::Infallible>),
        );
        let mut errs: Vec<_> = std::mem::take(&mut ctx.recovered)
            .into_iter()
            .map(|r| r.error)
            .collect();
        let item = match result {
            Ok(item) => item,
            // `use std::core` with no `;`: the declaration is read as
            // meant, so what it declares or imports is there and the one
            // error is the missing `;`.
            Err(e)
                if wants_semicolon(&e)
                    && errs.is_empty()
                    && lexed.borrow().truncated_at.is_none()
                    && !lexed.borrow().diagnostics_in(first.0, chunk_end) =>
            {
                match parse_with_semicolon(&mut ctx, chunk, chunk_end) {
                    Some(item) => {
                        let d = parse_error(file, e, end_of_input, text);
                        let decl = text.get(first.0..chunk_end).unwrap_or("");
                        diagnostics.push(teach::missing_semicolon(d, decl, chunk_end));
                        item
                    }
                    None => {
                        errs.push(e);
                        Item::Error(Span::new(file, first.0, chunk_end))
                    }
                }
            }
            Err(e) => {
                errs.push(e);
                if let Some((_, Tok::Ident(name), _)) = chunk.get(1) {
                    broken_names.push(name.to_string());
                }
                Item::Error(Span::new(file, first.0, chunk_end))
            }
        };
        diagnostics.extend(ctx.diagnostics);
        // A lexical error inside this declaration (a dropped character, a
        // string that swallowed the rest of its line) explains the syntax
        // errors that follow it: report it alone.
        let lexical_error_here = lexed.borrow().diagnostics_in(first.0, chunk_end);
        for e in errs {
            // Past a cut-short stream, "unexpected end" errors are noise.
            if (lexed.borrow().truncated_at.is_some() && is_eof_error(&e)) || lexical_error_here {
                continue;
            }
            diagnostics.push(parse_error(file, e, end_of_input, text));
        }
        items.push(item);
    }
    Parsed {
        module: Module {
            items,
            broken_names,
        },
        diagnostics,
    }
}

/// The declaration ended where a `;` could have ended it.
fn wants_semicolon(e: &ParseError<usize, Tok<'_>, std::convert::Infallible>) -> bool {
    matches!(e, ParseError::UnrecognizedEof { expected, .. } if expected.iter().any(|x| x == "\";\""))
}

/// The declaration `chunk` parsed with a `;` after it, if that is all it
/// lacks.
fn parse_with_semicolon<'a>(
    ctx: &mut ParseCtx<'a>,
    chunk: &[(usize, Tok<'a>, usize)],
    end: usize,
) -> Option<Item> {
    // The first parse's own diagnostics are kept; the second's would be
    // the same ones again.
    let kept = ctx.diagnostics.len();
    let tokens = chunk.iter().cloned().chain([(end, Tok::Semi, end)]);
    let parsed =
        grammar::ItemParser::new().parse(ctx, tokens.map(Ok::<_, std::convert::Infallible>));
    ctx.diagnostics.truncate(kept);
    let clean = std::mem::take(&mut ctx.recovered).is_empty();
    parsed.ok().filter(|_| clean)
}

fn is_eof_error(e: &ParseError<usize, Tok<'_>, std::convert::Infallible>) -> bool {
    matches!(e, ParseError::UnrecognizedEof { .. })
}

/// Readable names for the grammar's terminals, most useful first.
fn describe_expected(expected: &[String]) -> String {
    let mut names: Vec<String> = expected
        .iter()
        // Made by the event fold only, never written.
        .filter(|e| e.trim_matches('"') != "simple event")
        .map(|e| {
            let inner = e.trim_matches('"');
            match inner {
                "identifier" | "integer" | "duration" | "time" | "string" => {
                    format!(
                        "a{} {inner}",
                        if inner.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "n"
                        } else {
                            ""
                        }
                    )
                }
                _ => format!("`{}`", inner.replace("\\\"", "\"")),
            }
        })
        .collect();
    names.sort();
    names.dedup();
    // A long list is a category: name the category.
    if names.len() > 8 {
        let has = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
        let closer = if has("}") { " or `}`" } else { "" };
        // Keywords are valid parameter and field names, so an argument
        // list expects every keyword too.
        if has(")") && has("identifier") && has("forbid") {
            return "an argument `name: value` or `)`".to_string();
        }
        if has("forbid") {
            return format!(
                "a clause (`source`, `severity`, `on`, `forbid`, `permit`, `oblige`, `when`, `unless`, `response`){closer}"
            );
        }
        if has("event") && has("expect") {
            return format!("a report clause (`as_of`, `entity`, `event`, `expect`){closer}");
        }
        if has("exists") || has("integer") {
            return "an expression".to_string();
        }
        if has("and") || has("==") {
            return format!("an operator or the end of this clause{closer}");
        }
        return "the rest of this declaration".to_string();
    }
    match names.len() {
        0 => "the end of this declaration, or the next one (`norm`, `report`, ...)".to_string(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    }
}

fn parse_error(
    file: FileId,
    e: ParseError<usize, Tok<'_>, std::convert::Infallible>,
    eof: usize,
    text: &str,
) -> Diagnostic {
    match e {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            let wanted = describe_expected(&expected);
            let mut d = Diagnostic::new(
                Code::E0103,
                Span::new(file, l, r),
                format!("I was expecting {wanted}, but found {tok}"),
            )
            .with_label_here(format!("expected {wanted}"));
            if matches!(tok, Tok::Ident(_)) && expected.iter().any(|x| x == "\"identifier\"") {
                // nothing to add: an identifier was wanted and found elsewhere
            } else if let Tok::Ident(name) = tok {
                if let Some(kw) = keyword_named(name) {
                    d = d.with_note(format!("`{kw}` is written in lower case"));
                }
            } else if expected.iter().any(|x| x == "\"identifier\"") && is_keyword(&tok) {
                d = d.with_note(format!(
                    "{tok} is a keyword; a declaration or variable cannot be named after it"
                ));
            }
            teach::hint_syntax(d, &tok, &expected, text, l, r)
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let wanted = describe_expected(&expected);
            let at = location.min(eof).min(text.len());
            Diagnostic::new(
                Code::E0103,
                Span::new(file, at, at),
                format!("this declaration ends too early: I was expecting {wanted}"),
            )
            .with_label_here(format!("expected {wanted} here"))
        }
        ParseError::ExtraToken { token: (l, tok, r) } => Diagnostic::new(
            Code::E0103,
            Span::new(file, l, r),
            format!("unexpected {tok} after the end of this declaration"),
        ),
        ParseError::InvalidToken { location } => Diagnostic::new(
            Code::E0101,
            Span::new(file, location, location + 1),
            "invalid token",
        ),
        ParseError::User { error } => match error {},
    }
}

fn is_keyword(tok: &Tok<'_>) -> bool {
    !matches!(
        tok,
        Tok::Ident(_) | Tok::Int(_) | Tok::Duration(_) | Tok::Time(_) | Tok::Str(_)
    ) && tok
        .to_string()
        .chars()
        .nth(1)
        .is_some_and(|c| c.is_ascii_alphabetic())
}

fn keyword_named(name: &str) -> Option<&'static str> {
    const KW: [&str; 9] = [
        "norm",
        "redline",
        "exception",
        "report",
        "forbid",
        "permit",
        "oblige",
        "when",
        "unless",
    ];
    KW.iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(name) && *k != name)
}

#[cfg(test)]
mod tests;
