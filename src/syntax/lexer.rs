//! The lexer: logos turns text into raw tokens; [`Lexer`] cooks them for
//! the LALRPOP parser (literal values decoded, comments dropped, doc
//! comments set aside by the offset of the token they document) and turns
//! every lexical problem into a diagnostic instead of an error token, so
//! the parser only ever sees well-formed tokens.
//!
//! Limits live here too: nesting deeper than [`MAX_NESTING`] brackets stops
//! the token stream with one clear diagnostic, so nothing downstream ever
//! recurses without bound.

use std::cell::RefCell;
use std::collections::HashMap;

use logos::Logos;

use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};
use crate::time;

use super::events::{self, Head};
pub use super::token::Tok;

/// Deepest bracket nesting accepted, `(`, `{` and `<` together.
pub const MAX_NESTING: usize = 256;

#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(skip r"[ \t\r\n\f]+")]
enum Raw {
    #[regex(r"//[^\n]*")]
    Comment,
    #[token("use")]
    Use,
    #[token("enum")]
    Enum,
    #[token("type")]
    Type,
    #[token("action")]
    Action,
    #[token("const")]
    Const,
    #[token("entity")]
    Entity,
    #[token("norm")]
    Norm,
    #[token("redline")]
    Redline,
    #[token("exception")]
    Exception,
    #[token("to")]
    To,
    #[token("overrides")]
    Overrides,
    #[token("report")]
    Report,
    #[token("event")]
    Event,
    #[token("expect")]
    Expect,
    #[token("as_of")]
    AsOf,
    #[token("at")]
    At,
    #[token("on")]
    On,
    #[token("when")]
    When,
    #[token("unless")]
    Unless,
    #[token("forbid")]
    Forbid,
    #[token("oblige")]
    Oblige,
    #[token("permit")]
    Permit,
    #[token("within")]
    Within,
    #[token("before")]
    Before,
    #[token("after")]
    After,
    #[token("exists")]
    Exists,
    #[token("source")]
    Source,
    #[token("severity")]
    Severity,
    #[token("response")]
    Response,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("in")]
    In,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("breach")]
    Breach,
    #[token("of")]
    Of,
    #[token("unrecorded")]
    Unrecorded,
    #[token("by")]
    By,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    /// `72 hours` is read whole (see [`super::teach::unit_word_len`]).
    #[regex(r"[0-9]+", |lex| { let n = super::teach::unit_word_len(lex.remainder()); lex.bump(n); })]
    Int,
    /// `72h`, and also `72x` so that a bad unit is one clear error.
    #[regex(r"[0-9]+[A-Za-z_][A-Za-z0-9_]*")]
    Duration,
    #[regex(
        r"[0-9]+-[0-9]+-[0-9]+(T[0-9]+:[0-9]+(:[0-9]+(\.[0-9]+)?)?([Zz]|[+-][0-9]+:[0-9]+)?)?",
        |lex| { let n = super::teach::spaced_clock_len(lex.slice(), lex.remainder()); lex.bump(n); }
    )]
    Time,
    /// `27/06/2017`, read whole so that it is one error saying how Norma
    /// writes dates (`syntax/teach.rs`).
    #[regex(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}")]
    SlashDate,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    Str,
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, priority = 0)]
    UnterminatedStr,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("=")]
    Assign,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token("::")]
    ColonColon,
    #[token(";")]
    Semi,
    #[token("?")]
    Question,
}

/// The lexer never fails; problems become diagnostics.
pub type Spanned<'a> = Result<(usize, Tok<'a>, usize), std::convert::Infallible>;

/// Everything the lexer learned besides the tokens.
#[derive(Debug, Default)]
pub struct LexOutput {
    pub diagnostics: Vec<Diagnostic>,
    /// Doc comment text, keyed by the start offset of the token it documents.
    pub docs: HashMap<usize, String>,
    /// The token stream was cut short at this offset (a limit was hit).
    pub truncated_at: Option<usize>,
}

impl LexOutput {
    /// Is there a lexical error (E0101, E0102) between these offsets?
    pub fn diagnostics_in(&self, start: usize, end: usize) -> bool {
        self.diagnostics.iter().any(|d| {
            matches!(d.code, Code::E0101 | Code::E0102)
                && (d.span.start as usize) >= start
                && (d.span.start as usize) <= end
        })
    }
}

/// Lex a whole file into cooked tokens.
pub fn lex(file: FileId, text: &str) -> (Vec<(usize, Tok<'_>, usize)>, LexOutput) {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    let out = RefCell::new(LexOutput::default());
    tokens.extend(Recording::new(file, text, &out));
    (tokens, out.into_inner())
}

/// The cooked tokens of a text known to be free of lexical errors and
/// within the limits (a part of a file that [`Recording`] read cleanly).
pub fn stream(text: &str) -> impl Iterator<Item = (usize, Tok<'_>, usize)> {
    let mut ignored = Vec::new();
    Raw::lexer(text)
        .spanned()
        .filter_map(move |(raw, range)| match raw {
            Ok(Raw::Comment) | Err(()) => None,
            Ok(raw) => {
                let span = Span::new(FileId(0), range.start, range.end);
                let tok = cook(raw, &text[range.clone()], span, &mut ignored);
                Some((range.start, tok, range.end))
            }
        })
}

/// The cooked tokens of a file, one by one, with what the lexer learns
/// besides them (docs, diagnostics, limits) written to `out` as they go:
/// a file is lexed once while it is parsed. `out` is borrowed only inside `next`.
pub struct Recording<'a, 'o> {
    file: FileId,
    text: &'a str,
    lexer: logos::Lexer<'a, Raw>,
    out: &'o RefCell<LexOutput>,
    pending_doc: Option<String>,
    depth: usize,
    /// The E0101 being extended by a run of unknown characters: its index
    /// in `out.diagnostics` and how many characters it covers.
    run: Option<(usize, usize)>,
    done: bool,
    /// Events of the common shape are read from raw tokens
    /// ([`events::Tokens::simple_event`]).
    quick: bool,
    /// Each doc comment recorded, also kept here until taken
    /// ([`Recording::take_docs`]).
    doc_log: Option<Vec<(usize, String)>>,
}

impl<'a, 'o> Recording<'a, 'o> {
    pub fn new(file: FileId, text: &'a str, out: &'o RefCell<LexOutput>) -> Recording<'a, 'o> {
        Recording {
            file,
            text,
            lexer: Raw::lexer(text),
            out,
            pending_doc: None,
            depth: 0,
            run: None,
            done: false,
            quick: true,
            doc_log: None,
        }
    }

    /// Read events of the common shape from raw tokens (the default), or
    /// not: the tokens handed out are the same either way.
    pub fn quick(mut self, quick: bool) -> Self {
        self.quick = quick;
        self
    }

    /// Keep each doc comment recorded for [`Recording::take_docs`] too.
    pub fn logging_docs(mut self) -> Self {
        self.doc_log = Some(Vec::new());
        self
    }

    /// The doc comments recorded since the last call, by the offset of the
    /// token each documents (only with [`Recording::logging_docs`]).
    pub fn take_docs(&mut self) -> Vec<(usize, String)> {
        self.doc_log
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

impl<'a> events::Tokens<'a> for Recording<'a, '_> {
    fn simple_event(&mut self) -> Option<(usize, Head)> {
        if !self.quick || self.done || self.depth >= MAX_NESTING {
            return None;
        }
        let from = self.lexer.span().end;
        if let Some((end, head)) = plain_event(self.text, from) {
            self.lexer.bump(end - from);
            return Some((end, head));
        }
        let saved = self.lexer.clone();
        let read = quick_event(&mut self.lexer);
        if read.is_none() {
            self.lexer = saved;
        }
        read
    }
}

/// An event of the common shape read from raw tokens, just after its
/// keyword `event`: its end and head, when its tokens are exactly those
/// [`events::Fold`] folds and cooking them would report nothing (every
/// literal valid, no comment, no escape, no time or duration spelt with a
/// blank). The lexer is left just after the event's time; `None` (the
/// lexer anywhere) otherwise, and the caller reads the tokens the usual
/// way. The bracket it opens closes within it, so the nesting is as it was.
fn quick_event(lx: &mut logos::Lexer<'_, Raw>) -> Option<(usize, Head)> {
    fn raw(lx: &mut logos::Lexer<'_, Raw>) -> Option<Raw> {
        lx.next()?.ok()
    }
    if raw(lx)? != Raw::Ident {
        return None;
    }
    let name = lx.span();
    if raw(lx)? != Raw::Colon || raw(lx)? != Raw::Ident {
        return None;
    }
    let callee = lx.span();
    if raw(lx)? != Raw::LParen {
        return None;
    }
    let mut closed = false;
    for _ in 0..=events::MAX_ARGS {
        if raw(lx)? == Raw::RParen {
            closed = true;
            break;
        }
        // A parameter's name: an identifier or a keyword.
        if !lx
            .slice()
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            || raw(lx)? != Raw::Colon
        {
            return None;
        }
        let value = raw(lx)?;
        if !clean_value(&value, lx.slice()) {
            return None;
        }
        match raw(lx)? {
            Raw::Comma => {}
            Raw::RParen => {
                closed = true;
                break;
            }
            _ => return None,
        }
    }
    if !closed && raw(lx)? != Raw::RParen {
        return None;
    }
    if raw(lx)? != Raw::At || raw(lx)? != Raw::Time || !clean_value(&Raw::Time, lx.slice()) {
        return None;
    }
    let end = lx.span().end;
    let after = lx.clone();
    let ends_clause = matches!(
        raw(lx),
        Some(
            Raw::Semi
                | Raw::RBrace
                | Raw::Event
                | Raw::Entity
                | Raw::Expect
                | Raw::AsOf
                | Raw::Unrecorded
        )
    );
    *lx = after;
    let head = [name.start, name.end, callee.start, callee.end].map(|o| o as u32);
    ends_clause.then_some((end, head))
}

/// Is `word` a keyword (one of [`super::token::KEYWORDS`])? By length
/// first: a few comparisons of known size, not 35 (a test holds the two
/// lists together, and to the grammar).
fn is_keyword(word: &str) -> bool {
    match word.len() {
        2 => matches!(word, "to" | "at" | "on" | "or" | "in" | "of" | "by"),
        3 => matches!(word, "use" | "and" | "not"),
        4 => matches!(word, "enum" | "type" | "norm" | "when" | "true"),
        5 => matches!(word, "const" | "event" | "as_of" | "after" | "false"),
        6 => matches!(
            word,
            "action"
                | "breach"
                | "entity"
                | "report"
                | "expect"
                | "unless"
                | "forbid"
                | "oblige"
                | "permit"
                | "within"
                | "before"
                | "exists"
                | "source"
        ),
        7 => word == "redline",
        8 => matches!(word, "severity" | "response"),
        9 => matches!(word, "exception" | "overrides"),
        10 => word == "unrecorded",
        _ => false,
    }
}

/// [`quick_event`] for the plainest events, read byte by byte without
/// logos: `from` is the end of the keyword `event`. Only ASCII names,
/// `?`, integers, durations and times are taken as values; anything else
/// (a string, a comment, a blank after a number or a date, a character
/// outside those) is `None`, and [`quick_event`] decides. What it does
/// return is what [`quick_event`] returns from the same place (tested on
/// every event of the syntax tests).
fn plain_event(text: &str, from: usize) -> Option<(usize, Head)> {
    let b = text.as_bytes();
    let blanks = |mut i: usize| {
        while b
            .get(i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0c))
        {
            i += 1;
        }
        i
    };
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    // A word at `i` (a name or a keyword): its end.
    let word = |i: usize| {
        let first = *b.get(i)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let mut j = i + 1;
        while b.get(j).copied().is_some_and(is_word) {
            j += 1;
        }
        Some(j)
    };
    let keyword = |l: usize, r: usize| is_keyword(text.get(l..r).unwrap_or(""));
    // `:` that is not `::`.
    let colon =
        |i: usize| (b.get(i) == Some(&b':') && b.get(i + 1) != Some(&b':')).then_some(i + 1);
    // A number, duration or time at `i`: its end and whether it is a time.
    let number = |i: usize| -> Option<(usize, bool)> {
        let digits = |mut j: usize| {
            let start = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            (j > start).then_some(j)
        };
        let j = digits(i)?;
        match b.get(j) {
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let mut k = j + 1;
                while b.get(k).copied().is_some_and(is_word) {
                    k += 1;
                }
                time::parse_duration(text.get(i..k)?).ok()?;
                Some((k, false))
            }
            Some(b'-') => {
                let mut k = j;
                while b.get(k).is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b':' | b'+' | b'-' | b'.')
                }) {
                    k += 1;
                }
                let run = text.get(i..k)?;
                if !time_shape(run.as_bytes()) || time::parse_time(run).is_err() {
                    return None;
                }
                // A date alone, then a blank: perhaps a time of day written
                // apart, which the lexer reads as part of it.
                let dated = !run.contains('T');
                if dated && matches!(b.get(k), Some(b' ' | b'\t')) {
                    return None;
                }
                Some((k, true))
            }
            // A blank after a number: perhaps a unit written apart.
            Some(b' ' | b'\t') => None,
            _ => {
                text.get(i..j)?.parse::<i64>().ok()?;
                Some((j, false))
            }
        }
    };
    let mut i = blanks(from);
    let name_end = word(i)?;
    if keyword(i, name_end) {
        return None;
    }
    let name = (i, name_end);
    i = blanks(colon(blanks(name_end))?);
    let callee_end = word(i)?;
    if keyword(i, callee_end) {
        return None;
    }
    let callee = (i, callee_end);
    i = blanks(callee_end);
    if b.get(i) != Some(&b'(') {
        return None;
    }
    i += 1;
    let mut closed = false;
    for _ in 0..=events::MAX_ARGS {
        i = blanks(i);
        if b.get(i) == Some(&b')') {
            i += 1;
            closed = true;
            break;
        }
        i = blanks(colon(blanks(word(i)?))?);
        i = match b.get(i)? {
            b'?' => i + 1,
            c if c.is_ascii_digit() => number(i)?.0,
            _ => {
                let end = word(i)?;
                if keyword(i, end) && !matches!(text.get(i..end), Some("true" | "false")) {
                    return None;
                }
                end
            }
        };
        i = blanks(i);
        match b.get(i)? {
            b',' => i += 1,
            b')' => {
                i += 1;
                closed = true;
                break;
            }
            _ => return None,
        }
    }
    if !closed {
        i = blanks(i);
        if b.get(i) != Some(&b')') {
            return None;
        }
        i += 1;
    }
    i = blanks(i);
    if word(i)? != i + 2 || text.get(i..i + 2) != Some("at") {
        return None;
    }
    i = blanks(i + 2);
    let (end, true) = number(i)? else {
        return None;
    };
    // The next token must end the clause.
    let next = blanks(end);
    let ends_clause = match b.get(next) {
        Some(b';' | b'}') => true,
        Some(_) => word(next).is_some_and(|w| {
            matches!(
                text.get(next..w),
                Some("event" | "entity" | "expect" | "as_of" | "unrecorded")
            )
        }),
        None => false,
    };
    let head = [name.0, name.1, callee.0, callee.1].map(|o| o as u32);
    ends_clause.then_some((end, head))
}

/// Does `run` match the lexer's time pattern whole:
/// `D+-D+-D+(TD+:D+(:D+(.D+)?)?([Zz]|[+-]D+:D+)?)?`?
fn time_shape(run: &[u8]) -> bool {
    let digits = |mut i: usize| {
        let start = i;
        while run.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    };
    let lit = |i: usize, c: u8| (run.get(i) == Some(&c)).then_some(i + 1);
    let shape = || -> Option<usize> {
        let mut i = digits(lit(digits(lit(digits(0)?, b'-')?)?, b'-')?)?;
        if i == run.len() {
            return Some(i);
        }
        i = digits(lit(digits(lit(i, b'T')?)?, b':')?)?;
        if let Some(j) = lit(i, b':').and_then(digits) {
            i = j;
            if let Some(k) = lit(i, b'.').and_then(digits) {
                i = k;
            }
        }
        match run.get(i) {
            Some(b'Z' | b'z') => i += 1,
            Some(b'+' | b'-') => i = digits(lit(digits(i + 1)?, b':')?)?,
            _ => {}
        }
        Some(i)
    };
    shape() == Some(run.len())
}

/// [`quick_event`] from `from` in `text` (tests compare it with
/// [`plain_event`]).
#[cfg(test)]
pub(super) fn quick_event_at(text: &str, from: usize) -> Option<(usize, Head)> {
    let mut lx = Raw::lexer(text);
    lx.bump(from);
    quick_event(&mut lx)
}

/// [`plain_event`], for the tests.
#[cfg(test)]
pub(super) fn plain_event_at(text: &str, from: usize) -> Option<(usize, Head)> {
    plain_event(text, from)
}

/// A raw token that cooks, without a diagnostic, into a value of one token
/// (a name, `?`, a number, a duration, a time, `true`, `false`, a string).
fn clean_value(raw: &Raw, slice: &str) -> bool {
    let spaced = slice.contains([' ', '\t']);
    match raw {
        Raw::Ident | Raw::Question | Raw::True | Raw::False => true,
        Raw::Int => !spaced && slice.parse::<i64>().is_ok(),
        Raw::Duration => time::parse_duration(slice).is_ok(),
        Raw::Time => !spaced && time::parse_time(slice).is_ok(),
        Raw::Str => !slice.contains('\\'),
        _ => false,
    }
}

impl<'a> Iterator for Recording<'a, '_> {
    type Item = (usize, Tok<'a>, usize);

    fn next(&mut self) -> Option<(usize, Tok<'a>, usize)> {
        if self.done {
            return None;
        }
        let file = self.file;
        let text = self.text;
        let mut out = self.out.borrow_mut();
        while let Some(raw) = self.lexer.next() {
            let range = self.lexer.span();
            let slice = self.lexer.slice();
            let span = Span::new(file, range.start, range.end);
            let raw = match raw {
                Ok(raw) => raw,
                Err(()) => {
                    // A run of characters the language does not know (only
                    // blanks between them) is one error, not one per character.
                    if let Some((first, count)) = self.run.as_mut() {
                        let last = &mut out.diagnostics[*first];
                        let gap = text.get(last.span.end as usize..range.start).unwrap_or("x");
                        if gap.chars().all(char::is_whitespace) {
                            *count += slice.chars().count();
                            last.span = Span::new(file, last.span.start as usize, range.end);
                            last.primary_label = Some(format!(
                                "{count} characters that are not part of the Norma language"
                            ));
                            continue;
                        }
                    }
                    self.run = Some((out.diagnostics.len(), slice.chars().count()));
                    let ch = slice.chars().next().unwrap_or('?');
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::E0101,
                            span,
                            format!(
                                "I don't know what to do with the character `{}`",
                                ch.escape_debug()
                            ),
                        )
                        .with_label_here("not part of the Norma language"),
                    );
                    continue;
                }
            };
            if raw == Raw::Comment {
                if let Some(doc) = slice.strip_prefix("///") {
                    if !doc.starts_with('/') {
                        let doc = doc.strip_prefix(' ').unwrap_or(doc).trim_end();
                        match &mut self.pending_doc {
                            Some(d) => {
                                d.push('\n');
                                d.push_str(doc);
                            }
                            None => self.pending_doc = Some(doc.to_string()),
                        }
                    }
                }
                continue;
            }
            let tok = cook(raw, slice, span, &mut out.diagnostics);
            match tok {
                Tok::LParen | Tok::LBrace => {
                    self.depth += 1;
                    if self.depth > MAX_NESTING {
                        out.diagnostics.push(
                            Diagnostic::new(
                                Code::E0103,
                                span,
                                format!("brackets nest deeper than {MAX_NESTING} levels here"),
                            )
                            .with_label_here("too deep")
                            .with_note("Norma stops reading the file at this point; split the expression into named consts or simpler conditions"),
                        );
                        out.truncated_at = Some(range.start);
                        self.done = true;
                        return None;
                    }
                }
                Tok::RParen | Tok::RBrace => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            if let Some(doc) = self.pending_doc.take() {
                if let Some(log) = &mut self.doc_log {
                    log.push((range.start, doc.clone()));
                }
                out.docs.insert(range.start, doc);
            }
            return Some((range.start, tok, range.end));
        }
        self.done = true;
        None
    }
}

/// Every comment of a file (`//` and `///` alike) as `(start, end, text)`
/// with its byte range, in order. The formatter uses it to keep comments;
/// [`lex`] drops plain comments, and this does not change that.
pub fn comments(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut lexer = Raw::lexer(text);
    while let Some(raw) = lexer.next() {
        if raw == Ok(Raw::Comment) {
            let range = lexer.span();
            out.push((range.start, range.end, lexer.slice().to_string()));
        }
    }
    out
}

fn cook<'a>(raw: Raw, slice: &'a str, span: Span, diags: &mut Vec<Diagnostic>) -> Tok<'a> {
    match raw {
        Raw::Comment => unreachable_comment(),
        Raw::Use => Tok::Use,
        Raw::Enum => Tok::Enum,
        Raw::Type => Tok::Type,
        Raw::Action => Tok::Action,
        Raw::Const => Tok::Const,
        Raw::Entity => Tok::Entity,
        Raw::Norm => Tok::Norm,
        Raw::Redline => Tok::Redline,
        Raw::Exception => Tok::Exception,
        Raw::To => Tok::To,
        Raw::Overrides => Tok::Overrides,
        Raw::Report => Tok::Report,
        Raw::Event => Tok::Event,
        Raw::Expect => Tok::Expect,
        Raw::AsOf => Tok::AsOf,
        Raw::At => Tok::At,
        Raw::On => Tok::On,
        Raw::When => Tok::When,
        Raw::Unless => Tok::Unless,
        Raw::Forbid => Tok::Forbid,
        Raw::Oblige => Tok::Oblige,
        Raw::Permit => Tok::Permit,
        Raw::Within => Tok::Within,
        Raw::Before => Tok::Before,
        Raw::After => Tok::After,
        Raw::Exists => Tok::Exists,
        Raw::Source => Tok::Source,
        Raw::Severity => Tok::Severity,
        Raw::Response => Tok::Response,
        Raw::And => Tok::And,
        Raw::Or => Tok::Or,
        Raw::Not => Tok::Not,
        Raw::In => Tok::In,
        Raw::True => Tok::True,
        Raw::False => Tok::False,
        Raw::Breach => Tok::Breach,
        Raw::Of => Tok::Of,
        Raw::Unrecorded => Tok::Unrecorded,
        Raw::By => Tok::By,
        Raw::Ident => Tok::Ident(slice),
        Raw::Int if slice.contains([' ', '\t']) => super::teach::word_duration(slice, span, diags),
        Raw::Time if slice.contains([' ', '\t']) => super::teach::spaced_time(slice, span, diags),
        Raw::Int => match slice.parse::<i64>() {
            Ok(v) => Tok::Int(v),
            Err(_) => {
                diags.push(
                    Diagnostic::new(Code::E0104, span, "this integer does not fit in 64 bits")
                        .with_label_here(format!("larger than {}", i64::MAX)),
                );
                Tok::Int(0)
            }
        },
        Raw::Duration => match time::parse_duration(slice) {
            Ok(v) => Tok::Duration(v),
            Err(msg) => {
                diags.push(
                    Diagnostic::new(Code::E0104, span, format!("invalid duration `{slice}`"))
                        .with_label_here(msg)
                        .with_note(
                            "a duration is an integer with a unit: `30m`, `72h`, `30d`, `2w`",
                        ),
                );
                Tok::Duration(0)
            }
        },
        Raw::Time => match time::parse_time(slice) {
            Ok(v) => Tok::Time(v),
            Err(msg) => {
                diags.push(
                    Diagnostic::new(Code::E0104, span, format!("invalid time `{slice}`"))
                        .with_label_here(msg)
                        .with_note("times are RFC 3339: `2017-06-27`, `2017-06-27T09:00Z` or `2017-06-27T09:00:00+03:00`"),
                );
                Tok::Time(0)
            }
        },
        Raw::SlashDate => super::teach::slash_date(slice, span, diags),
        Raw::Str => Tok::Str(unescape(&slice[1..slice.len() - 1], span, diags)),
        Raw::UnterminatedStr => {
            diags.push(
                Diagnostic::new(Code::E0102, span, "this string is never closed")
                    .with_label_here("a string starts here and runs to the end of the line")
                    .with_note("add a closing `\"`; strings cannot span lines"),
            );
            Tok::Str(unescape(&slice[1..], span, diags))
        }
        Raw::LBrace => Tok::LBrace,
        Raw::RBrace => Tok::RBrace,
        Raw::LParen => Tok::LParen,
        Raw::RParen => Tok::RParen,
        Raw::Lt => Tok::Lt,
        Raw::Gt => Tok::Gt,
        Raw::Le => Tok::Le,
        Raw::Ge => Tok::Ge,
        Raw::EqEq => Tok::EqEq,
        Raw::Ne => Tok::Ne,
        Raw::Assign => Tok::Assign,
        Raw::Plus => Tok::Plus,
        Raw::Minus => Tok::Minus,
        Raw::Dot => Tok::Dot,
        Raw::DotDot => Tok::DotDot,
        Raw::Comma => Tok::Comma,
        Raw::Colon => Tok::Colon,
        Raw::ColonColon => Tok::ColonColon,
        Raw::Semi => Tok::Semi,
        Raw::Question => Tok::Question,
    }
}

/// Comments are filtered before cooking.
fn unreachable_comment() -> Tok<'static> {
    Tok::Semi
}

fn unescape(body: &str, span: Span, diags: &mut Vec<Diagnostic>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((j, other)) => {
                let start = span.start as usize + 1 + i;
                let end = span.start as usize + 1 + j + other.len_utf8();
                diags.push(
                    Diagnostic::new(
                        Code::E0104,
                        Span::new(span.file, start, end),
                        format!("unknown escape `\\{}` in a string", other.escape_debug()),
                    )
                    .with_label_here("not an escape")
                    .with_note("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"),
                );
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok<'_>> {
        lex(FileId(0), text)
            .0
            .into_iter()
            .map(|(_, t, _)| t)
            .collect()
    }

    #[test]
    fn keywords_identifiers_and_punctuation() {
        assert_eq!(
            toks("norm gge_f overrides x { } :: : <= ?"),
            vec![
                Tok::Norm,
                Tok::Ident("gge_f"),
                Tok::Overrides,
                Tok::Ident("x"),
                Tok::LBrace,
                Tok::RBrace,
                Tok::ColonColon,
                Tok::Colon,
                Tok::Le,
                Tok::Question
            ]
        );
    }

    #[test]
    fn literals_are_cooked() {
        assert_eq!(
            toks(r#"42 72h 2w 2017-06-27 "a\"b""#),
            vec![
                Tok::Int(42),
                Tok::Duration(72 * 3600),
                Tok::Duration(14 * 86400),
                Tok::Time(1_498_521_600),
                Tok::Str("a\"b".into())
            ]
        );
    }

    #[test]
    fn comments_are_skipped_and_docs_kept() {
        let (tokens, out) = lex(FileId(0), "// plain\n/// first\n/// second\nenum");
        assert_eq!(tokens.len(), 1);
        assert_eq!(
            out.docs.get(&tokens[0].0).map(String::as_str),
            Some("first\nsecond")
        );
    }

    #[test]
    fn comments_are_listed_with_their_ranges() {
        let text = "// a\nenum E { x } /// b\n\"// not a comment\"";
        assert_eq!(
            comments(text),
            vec![(0, 4, "// a".to_string()), (18, 23, "/// b".to_string())]
        );
    }

    #[test]
    fn errors_become_diagnostics() {
        let (_, out) = lex(FileId(0), "# \"open\n 99999999999999999999 3x 2017-13-01");
        let codes: Vec<_> = out.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                Code::E0101,
                Code::E0102,
                Code::E0104,
                Code::E0104,
                Code::E0104
            ]
        );
    }

    #[test]
    fn the_keywords_are_the_grammars() {
        let grammar = include_str!("../../grammar/norma.lalrpop");
        let mut words: Vec<&str> = grammar
            .lines()
            .filter_map(|l| {
                let (word, rest) = l.trim().strip_prefix('"')?.split_once("\" => Tok::")?;
                (rest.ends_with(',') && !rest.contains('(')).then_some(word)
            })
            .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()))
            .collect();
        let mut ours = super::super::token::KEYWORDS.to_vec();
        words.sort_unstable();
        ours.sort_unstable();
        assert_eq!(words, ours);
        for &k in &ours {
            assert!(
                !matches!(toks(k)[..], [Tok::Ident(_)]),
                "{k} lexes as a name"
            );
            assert!(is_keyword(k), "{k}");
            for other in [format!("{k}s"), format!("_{k}"), k[1..].to_string()] {
                assert_eq!(
                    is_keyword(&other),
                    ours.contains(&other.as_str()),
                    "{other}"
                );
            }
        }
    }

    #[test]
    fn an_event_of_the_common_shape_is_read_in_one_step() {
        use crate::syntax::events::Tokens;
        let text = "event e1: act(by: A, n: 3,) at 2021-01-01T10:00Z }";
        let out = RefCell::new(LexOutput::default());
        let mut r = Recording::new(FileId(0), text, &out);
        assert_eq!(r.next().map(|t| t.1), Some(Tok::Event));
        let end = text.find(" }").unwrap();
        assert_eq!(r.simple_event(), Some((end, [6, 8, 10, 13])));
        assert_eq!(r.next(), Some((end + 1, Tok::RBrace, end + 2)));
        // Not of that shape, or not to be read quickly: nothing is read.
        for (text, quick) in [
            ("event e1: act(by: A) at 2021-01-01 + 1h", true),
            (text, false),
        ] {
            let mut r = Recording::new(FileId(0), text, &out).quick(quick);
            r.next();
            assert_eq!(r.simple_event(), None);
            assert_eq!(r.next().map(|t| t.1), Some(Tok::Ident("e1")));
        }
    }

    #[test]
    fn deep_nesting_is_cut_with_one_error() {
        let text = "(".repeat(100_000);
        let (tokens, out) = lex(FileId(0), &text);
        assert_eq!(tokens.len(), MAX_NESTING);
        assert_eq!(out.diagnostics.len(), 1);
        assert!(out.truncated_at.is_some());
    }
}
