//! Events in their most common shape, folded into one token.
//!
//! A report of a million events is almost all lines like
//! `event e7: operate(by: S1, against: A2, effect: damage) at 2021-06-01T10:00Z`.
//! Built by the grammar, each is a tree of some twenty allocations; the
//! checker reads it once and drops it. [`Fold`] sits between the lexer and
//! the grammar and turns each such event into one
//! [`Tok::SimpleEvent`] token, which the grammar accepts exactly where it
//! accepts an event clause and keeps as a [`SimpleEvent`]: offsets into the
//! text. [`expand`] gives, when the checker wants it, the very
//! [`EventDecl`] the grammar would have built from the same text.
//!
//! Why the fold cannot change what the grammar accepts: it fires only on
//! the keyword `event` at the top level of a report's braces, outside
//! parentheses and not after `.` or `::`, where the grammar reads it as the
//! start of an event clause and nothing else (elsewhere `event` can only be
//! a field or argument name). It folds only the shape `event NAME : ACTION
//! ( [PARAM : VALUE {, PARAM : VALUE} [,]] ) at TIME` with one-token values
//! (a name, `?`, a number, a duration, a time, `true`, `false`, a string)
//! when the token after the time is one that cannot continue an expression
//! (`;`, `}`, `event`, `entity`, `expect`, `as_of`), so the clause the
//! grammar would read is exactly those tokens. An event with a doc comment
//! is left to the grammar. A test parses the same texts both ways.

use std::cell::RefCell;

use super::ast::{Arg, Call, EventDecl, Expr, ExprKind, Ident, Lit, Path, SimpleEvent};
use super::lexer::{self, LexOutput, Tok};
use crate::span::{FileId, Span};

/// Byte offsets of a folded event's name and action:
/// `[name start, name end, action start, action end]`.
pub type Head = [u32; 4];

/// Arguments past this many are left to the grammar (the read-ahead
/// buffer stays small).
pub(super) const MAX_ARGS: usize = 64;

/// The tokens the fold reads. A stream that can read an event of the
/// common shape straight from its text, without handing out its tokens
/// one by one, does so in [`Tokens::simple_event`]; it is asked only
/// where the fold would match one.
pub trait Tokens<'a>: Iterator<Item = Located<'a>> {
    /// Just after a token `event` that starts an event clause and has no
    /// doc comment: the end and [`Head`] of the event of the common shape
    /// it starts, with the stream moved past it, exactly when the fold
    /// would fold the tokens from here (`None`, and nothing read, else or
    /// when in doubt).
    fn simple_event(&mut self) -> Option<(usize, Head)> {
        None
    }
}

/// Where the fold is, in the file's braces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Not in a report.
    Outside,
    /// After the keyword `report`, before its `{`.
    Header,
    /// Inside a report's braces.
    Body,
}

/// The lexer's tokens with every event of the common shape folded into
/// one [`Tok::SimpleEvent`].
pub struct Fold<'a, 'o, I: Tokens<'a>> {
    inner: I,
    /// The lexer's record, for the doc comments read so far.
    lexed: &'o RefCell<LexOutput>,
    /// Tokens read ahead while matching, handed out unchanged on a miss:
    /// those from `next` on are still to be handed out.
    ahead: Vec<Located<'a>>,
    next: usize,
    braces: u32,
    parens: u32,
    place: Place,
    /// The last token handed out was `.` or `::`.
    after_dot: bool,
}

impl<'a, 'o, I: Tokens<'a>> Fold<'a, 'o, I> {
    pub fn new(inner: I, lexed: &'o RefCell<LexOutput>) -> Self {
        Fold {
            inner,
            lexed,
            ahead: Vec::new(),
            next: 0,
            braces: 0,
            parens: 0,
            place: Place::Outside,
            after_dot: false,
        }
    }

    /// The stream the fold reads.
    pub fn inner_mut(&mut self) -> &mut I {
        &mut self.inner
    }

    /// The `k`th token from here, reading ahead as needed.
    fn peek(&mut self, k: usize) -> Option<&Tok<'a>> {
        while self.ahead.len() <= self.next + k {
            let t = self.inner.next()?;
            self.ahead.push(t);
        }
        self.ahead.get(self.next + k).map(|t| &t.1)
    }

    /// The `k`th token from here, already read ahead.
    fn at(&self, k: usize) -> Option<&Located<'a>> {
        self.ahead.get(self.next + k)
    }

    /// Has the token at `start` a doc comment? (An event with one is left
    /// to the grammar, which keeps it.)
    fn documented(&self, start: usize) -> bool {
        self.lexed.borrow().docs.contains_key(&start)
    }

    /// Does an event clause start at the next token?
    fn at_clause_start(&self) -> bool {
        self.place == Place::Body && self.braces == 1 && self.parens == 0 && !self.after_dot
    }

    /// How many tokens from here make an event of the common shape, and
    /// where its name and action are.
    fn match_event(&mut self) -> Option<(usize, Head)> {
        let start = self.at(0)?.0;
        if self.documented(start) {
            return None;
        }
        let name = match self.peek(1)? {
            Tok::Ident(_) => self.at(1).map(|t| (t.0, t.2))?,
            _ => return None,
        };
        if !matches!(self.peek(2)?, Tok::Colon) {
            return None;
        }
        let callee = match self.peek(3)? {
            Tok::Ident(_) => self.at(3).map(|t| (t.0, t.2))?,
            _ => return None,
        };
        if !matches!(self.peek(4)?, Tok::LParen) {
            return None;
        }
        let mut k = 5;
        for _ in 0..=MAX_ARGS {
            if matches!(self.peek(k)?, Tok::RParen) {
                break;
            }
            if !is_field_name(self.peek(k)?)
                || !matches!(self.peek(k + 1)?, Tok::Colon)
                || !is_value(self.peek(k + 2)?)
            {
                return None;
            }
            k += 3;
            match self.peek(k)? {
                Tok::Comma => k += 1,
                Tok::RParen => break,
                _ => return None,
            }
        }
        if !matches!(self.peek(k)?, Tok::RParen)
            || !matches!(self.peek(k + 1)?, Tok::At)
            || !matches!(self.peek(k + 2)?, Tok::Time(_))
        {
            return None;
        }
        let ends_clause = matches!(
            self.peek(k + 3)?,
            Tok::Semi
                | Tok::RBrace
                | Tok::Event
                | Tok::Entity
                | Tok::Expect
                | Tok::AsOf
                | Tok::Unrecorded
        );
        let head = [name.0, name.1, callee.0, callee.1].map(|o| o as u32);
        ends_clause.then_some((k + 3, head))
    }

    /// Follow the braces and parentheses past a token handed out.
    fn track(&mut self, tok: &Tok<'_>) {
        match tok {
            Tok::Report if self.braces == 0 && self.parens == 0 && !self.after_dot => {
                self.place = Place::Header;
            }
            Tok::LBrace => {
                self.braces += 1;
                if self.place == Place::Header && self.braces == 1 {
                    self.place = Place::Body;
                }
            }
            Tok::RBrace => {
                self.braces = self.braces.saturating_sub(1);
                if self.braces == 0 {
                    self.place = Place::Outside;
                }
            }
            Tok::LParen => self.parens += 1,
            Tok::RParen => self.parens = self.parens.saturating_sub(1),
            _ => {}
        }
        self.after_dot = matches!(tok, Tok::Dot | Tok::ColonColon);
    }
}

impl<'a, I: Tokens<'a>> Iterator for Fold<'a, '_, I> {
    type Item = Located<'a>;

    fn next(&mut self) -> Option<Located<'a>> {
        if self.next >= 256 {
            // Matched events leave their read-ahead behind: drop it.
            self.ahead.drain(..self.next);
            self.next = 0;
        }
        if self.next == self.ahead.len() {
            // Nothing read ahead: a token that cannot start an event is
            // handed out straight from the lexer.
            self.ahead.clear();
            self.next = 0;
            let t = self.inner.next()?;
            if !(matches!(t.1, Tok::Event) && self.at_clause_start()) {
                self.track(&t.1);
                return Some(t);
            }
            if !self.documented(t.0) {
                if let Some((end, head)) = self.inner.simple_event() {
                    self.after_dot = false;
                    return Some((t.0, Tok::SimpleEvent(head), end));
                }
            }
            self.ahead.push(t);
        }
        if matches!(self.at(0), Some((_, Tok::Event, _))) && self.at_clause_start() {
            if let Some((n, head)) = self.match_event() {
                let start = self.at(0).map_or(0, |t| t.0);
                let end = self.at(n - 1).map_or(start, |t| t.2);
                self.next += n;
                self.after_dot = false;
                return Some((start, Tok::SimpleEvent(head), end));
            }
        }
        let t = std::mem::replace(self.ahead.get_mut(self.next)?, (0, Tok::Semi, 0));
        self.next += 1;
        self.track(&t.1);
        Some(t)
    }
}

/// A name the grammar takes for a parameter: an identifier or a keyword.
fn is_field_name(tok: &Tok<'_>) -> bool {
    matches!(tok, Tok::Ident(_)) || keyword(tok).is_some()
}

fn keyword(tok: &Tok<'_>) -> Option<&'static str> {
    let text = tok.text();
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(text)
}

/// A value of one token.
fn is_value(tok: &Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Ident(_)
            | Tok::Question
            | Tok::Int(_)
            | Tok::Duration(_)
            | Tok::Time(_)
            | Tok::True
            | Tok::False
            | Tok::Str(_)
    )
}

fn ident(file: FileId, text: &str, (l, r): (u32, u32)) -> Option<Ident> {
    Some(Ident {
        name: text.get(l as usize..r as usize)?.to_string(),
        span: Span::new(file, l as usize, r as usize),
    })
}

/// The event's action as the grammar builds it.
pub fn callee(file: FileId, text: &str, ev: &SimpleEvent) -> Option<Path> {
    let callee = ident(file, text, ev.callee)?;
    let span = callee.span;
    Some(Path {
        segments: vec![callee],
        span,
    })
}

/// The expression the grammar builds for a one-token value at `l..r`;
/// `None` for a token that is not a value.
pub fn value_expr(file: FileId, tok: Tok<'_>, l: usize, r: usize) -> Option<Expr> {
    let span = Span::new(file, l, r);
    let kind = match tok {
        Tok::Ident(n) => ExprKind::Path(Path {
            segments: vec![Ident {
                name: n.to_string(),
                span,
            }],
            span,
        }),
        Tok::Question => ExprKind::Lit(Lit::Unknown),
        Tok::Int(v) => ExprKind::Lit(Lit::Int(v)),
        Tok::Duration(v) => ExprKind::Lit(Lit::Duration(v)),
        Tok::Time(v) => ExprKind::Lit(Lit::Time(v)),
        Tok::True => ExprKind::Lit(Lit::Bool(true)),
        Tok::False => ExprKind::Lit(Lit::Bool(false)),
        Tok::Str(v) => ExprKind::Lit(Lit::Str(v)),
        _ => return None,
    };
    Some(Expr::new(kind, span))
}

/// A token with its byte offsets, as [`lexer::stream`] gives it.
pub type Located<'t> = (usize, Tok<'t>, usize);

/// One argument of a folded event: the parameter's name and the value's
/// token, each with its byte offsets.
pub type ArgTokens<'t> = ((usize, &'t str, usize), Located<'t>);

/// What [`parts`] reads besides the arguments.
pub struct Parts {
    /// The end of the argument list's `)`.
    pub call_end: usize,
    /// The time after `at`, and its offsets.
    pub at: (i64, usize, usize),
}

/// A folded event's arguments, read from its text into `args`, and its
/// time. `None` only if `text` is not the text the event was folded from.
pub fn parts<'t>(text: &'t str, ev: &SimpleEvent, args: &mut Vec<ArgTokens<'t>>) -> Option<Parts> {
    let start = ev.span.start as usize;
    let end = ev.span.end as usize;
    let mut toks = lexer::stream(text.get(start..end)?).map(|(l, t, r)| (l + start, t, r + start));
    args.clear();
    // `event NAME : ACTION (`
    for _ in 0..5 {
        toks.next()?;
    }
    let call_end = loop {
        let (l, tok, r) = toks.next()?;
        let field = match tok {
            Tok::RParen => break r,
            Tok::Comma => continue,
            Tok::Ident(n) => n,
            other => keyword(&other)?,
        };
        toks.next()?;
        args.push(((l, field, r), toks.next()?));
    };
    toks.next()?;
    match toks.next()? {
        (l, Tok::Time(t), r) => Some(Parts {
            call_end,
            at: (t, l, r),
        }),
        _ => None,
    }
}

/// A folded event's arguments — `(parameter, offsets of its value)` —
/// and its time, read from its text without the lexer: for the common
/// case, where nothing between the action's name and the time is a
/// comment or a string, each argument is `NAME : VALUE` between commas
/// and blanks. `None` where the text is not of that simple form (then
/// [`parts`] reads it): what it does return is what [`parts`] reads.
pub fn quick_parts<'t>(
    text: &'t str,
    ev: &SimpleEvent,
    args: &mut Vec<(&'t str, (usize, usize))>,
) -> Option<(i64, usize, usize)> {
    let from = ev.callee.1 as usize;
    let s = text.get(from..ev.span.end as usize)?;
    let b = s.as_bytes();
    if b.iter().any(|&c| c == b'/' || c == b'"') {
        return None;
    }
    let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0c);
    let skip = |mut i: usize| {
        while b.get(i).is_some_and(|&c| blank(c)) {
            i += 1;
        }
        i
    };
    // A run of characters up to a blank or one of `stops`.
    let word = |mut i: usize, stops: &[u8]| {
        while b.get(i).is_some_and(|&c| !blank(c) && !stops.contains(&c)) {
            i += 1;
        }
        i
    };
    let mut i = skip(0);
    if b.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    args.clear();
    loop {
        i = skip(i);
        if b.get(i) == Some(&b')') {
            i += 1;
            break;
        }
        let (f0, f1) = (i, word(i, b":,()"));
        i = skip(f1);
        if f0 == f1 || b.get(i) != Some(&b':') {
            return None;
        }
        let v0 = skip(i + 1);
        let v1 = word(v0, b",()");
        i = skip(v1);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b')') => {}
            _ => return None,
        }
        if v0 == v1 {
            return None;
        }
        args.push((s.get(f0..f1)?, (from + v0, from + v1)));
    }
    i = skip(i);
    if s.get(i..i + 2) != Some("at") {
        return None;
    }
    let t0 = skip(i + 2);
    let time = s.get(t0..)?;
    if t0 == i + 2 || time.bytes().any(blank) {
        return None;
    }
    let t = crate::time::parse_time(time).ok()?;
    Some((t, from + t0, ev.span.end as usize))
}

/// The [`EventDecl`] the grammar builds from the text of a folded event.
/// `None` only if `text` is not the text the event was folded from.
pub fn expand(file: FileId, text: &str, ev: &SimpleEvent) -> Option<EventDecl> {
    let span = |l: usize, r: usize| Span::new(file, l, r);
    let mut read = Vec::new();
    let Parts {
        call_end,
        at: (t, at_l, at_r),
    } = parts(text, ev, &mut read)?;
    let args = read
        .into_iter()
        .map(|((fl, field, fr), (l, tok, r))| {
            Some(Arg {
                name: Some(Ident {
                    name: field.to_string(),
                    span: span(fl, fr),
                }),
                value: value_expr(file, tok, l, r)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let callee = callee(file, text, ev)?;
    Some(EventDecl {
        at_end: None,
        doc: None,
        name: ident(file, text, ev.name)?,
        call: Call {
            span: span(callee.span.start as usize, call_end),
            callee,
            args,
        },
        at: Expr::new(ExprKind::Lit(Lit::Time(t)), span(at_l, at_r)),
        span: ev.span,
    })
}
