//! The line printer under the layout: words, lines, indentation, blank
//! lines, and the comment queue that is merged into the output by source
//! position.
//!
//! Comments are emitted by [`Printer::flush`]: every layout function calls
//! it (through [`Printer::word_at`]) with the source offset of the node it is
//! about to print, so each comment comes out before the first node that
//! followed it in the source, and never past a declaration keyword. A
//! comment that had code before it on its line stays at the end of the
//! current output line; any other comment gets a line of its own. Either
//! way the next word starts on a fresh line, so a `//` never swallows code.

use std::collections::HashSet;

/// The width the layout aims at, indentation included.
pub const WIDTH: usize = 100;

/// One comment of the source file.
#[derive(Clone, Debug)]
pub(super) struct Comment {
    pub start: usize,
    /// The text, `//` included, without trailing whitespace.
    pub text: String,
    /// Code comes before it on its source line.
    pub trailing: bool,
    /// A `///` doc comment (`////...` is a plain comment).
    pub doc: bool,
}

/// Every comment of `src`, classified.
pub(super) fn comments_of(src: &str) -> Vec<Comment> {
    crate::syntax::lexer::comments(src)
        .into_iter()
        .map(|(start, _, text)| {
            let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
            let trailing = !src[line_start..start].trim().is_empty();
            let doc = text.starts_with("///") && !text.starts_with("////");
            Comment {
                start,
                text: text.trim_end().to_string(),
                trailing,
                doc,
            }
        })
        .collect()
}

/// Does the source have an empty line right before `offset` (between it and
/// the previous token or comment)?
pub(super) fn blank_before(src: &str, offset: usize) -> bool {
    let before = src.get(..offset).unwrap_or(src);
    let gap = before.len() - before.trim_end().len();
    before.len() != gap && before[before.len() - gap..].matches('\n').count() >= 2
}

/// What the layout needs from the token stream, besides the tree.
#[derive(Debug, Default)]
pub(super) struct TokenFacts {
    /// The spans `(start, end)` of the expressions the source wrapped in
    /// grouping parentheses (a `(` not directly after a name, so not a call).
    pub parens: HashSet<(u32, u32)>,
    /// Start offset of every token, in order.
    pub starts: Vec<usize>,
    /// Start offset of every `;`.
    pub semis: Vec<usize>,
    /// Start offset of every `{`.
    pub braces: Vec<usize>,
}

impl TokenFacts {
    pub fn of(src: &str) -> TokenFacts {
        use crate::syntax::lexer::{lex, Tok};
        let (tokens, _) = lex(crate::span::FileId(0), src);
        let mut facts = TokenFacts::default();
        let mut open: Vec<(usize, bool)> = Vec::new();
        for (i, (start, tok, _)) in tokens.iter().enumerate() {
            facts.starts.push(*start);
            match tok {
                Tok::Semi => facts.semis.push(*start),
                Tok::LBrace => facts.braces.push(*start),
                Tok::LParen => {
                    let grouping = i == 0 || !matches!(tokens[i - 1].1, Tok::Ident(_));
                    open.push((i, grouping));
                }
                Tok::RParen => {
                    if let Some((j, true)) = open.pop() {
                        if i > j + 1 {
                            facts
                                .parens
                                .insert((tokens[j + 1].0 as u32, tokens[i - 1].2 as u32));
                        }
                    }
                }
                _ => {}
            }
        }
        facts
    }

    /// Start of the token before the one at `offset` (a clause keyword
    /// before its value).
    pub fn token_before(&self, offset: usize) -> usize {
        let i = self.starts.partition_point(|&s| s < offset);
        if i == 0 {
            offset
        } else {
            self.starts[i - 1]
        }
    }

    /// Start of the first token at or after `offset` (a `)` after the
    /// expression it closes).
    pub fn token_from(&self, offset: usize) -> usize {
        let i = self.starts.partition_point(|&s| s < offset);
        self.starts.get(i).copied().unwrap_or(offset)
    }

    /// The last `{` before `offset`.
    pub fn brace_before(&self, offset: usize) -> Option<usize> {
        let i = self.braces.partition_point(|&s| s < offset);
        i.checked_sub(1).map(|i| self.braces[i])
    }

    /// The first `;` in `start..end`.
    pub fn semicolon_in(&self, start: usize, end: usize) -> Option<usize> {
        let i = self.semis.partition_point(|&s| s < start);
        self.semis.get(i).copied().filter(|&s| s < end)
    }
}

pub(super) struct Printer<'s> {
    pub src: &'s str,
    pub facts: &'s TokenFacts,
    width: usize,
    /// Comments still to print, in source order; `next` is the first one.
    comments: Vec<Comment>,
    next: usize,
    pub out: String,
    /// Byte index in `out` where the current line starts.
    line_start: usize,
    /// Indentation of lines broken from now on.
    pub indent: usize,
    /// Indentation of the current line, fixed when the line was broken.
    line_indent: usize,
    /// A comment ended the current line: the next word starts a new one.
    must_break: bool,
    /// Laying out flat to measure: no comments, no width limit.
    measuring: bool,
}

impl<'s> Printer<'s> {
    pub fn new(src: &'s str, facts: &'s TokenFacts) -> Printer<'s> {
        Printer {
            src,
            facts,
            width: WIDTH,
            comments: Vec::new(),
            next: 0,
            out: String::new(),
            line_start: 0,
            indent: 0,
            line_indent: 0,
            must_break: false,
            measuring: false,
        }
    }

    /// Replace the comment queue (one top-level declaration's comments).
    pub fn set_comments(&mut self, comments: Vec<Comment>) {
        self.comments = comments;
        self.next = 0;
    }

    /// The text `f` prints when laid out flat on one line.
    pub fn measure(&self, f: impl FnOnce(&mut Printer<'s>)) -> String {
        let mut p = Printer::new(self.src, self.facts);
        p.width = usize::MAX;
        p.measuring = true;
        f(&mut p);
        p.out
    }

    /// Would `text` fit on the current line from the current column?
    pub fn fits(&self, text: &str) -> bool {
        self.measuring || self.column().saturating_add(text.chars().count()) <= self.width
    }

    /// Should a construct over `start..end` that prints as `flat` be broken
    /// over several lines: it holds a comment, or it is too wide?
    pub fn must_split(&self, start: usize, end: usize, flat: &str) -> bool {
        !self.measuring && (self.has_comments(start, end) || !self.fits(flat))
    }

    /// Is a doc comment still to print inside `start..end`?
    pub fn has_doc_comment(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .take_while(|c| c.start < end)
            .any(|c| c.start >= start && c.doc)
    }

    /// Is a comment still to print inside `start..end`?
    pub fn has_comments(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .take_while(|c| c.start < end)
            .any(|c| c.start >= start)
    }

    fn line_is_empty(&self) -> bool {
        self.out.len() == self.line_start
    }

    /// The column the next word starts at.
    fn column(&self) -> usize {
        if self.must_break {
            self.indent
        } else if self.line_is_empty() {
            self.line_indent
        } else {
            self.out[self.line_start..].chars().count()
        }
    }

    /// Indentation of the current line.
    pub fn line_indent(&self) -> usize {
        self.line_indent
    }

    /// Append `s` to the current line (starting a new one after a comment).
    pub fn word(&mut self, s: &str) {
        if self.must_break {
            self.newline();
        }
        let s = if self.line_is_empty() {
            let s = s.trim_start();
            if s.is_empty() {
                return;
            }
            self.out.extend(std::iter::repeat_n(' ', self.line_indent));
            s
        } else {
            s
        };
        self.out.push_str(s);
    }

    /// Print the comments before `offset`, then `s`.
    pub fn word_at(&mut self, offset: usize, s: &str) {
        self.flush(offset);
        self.word(s);
    }

    fn newline(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed.max(self.line_start));
        self.out.push('\n');
        self.line_start = self.out.len();
        self.line_indent = self.indent;
        self.must_break = false;
    }

    /// End the current line unless it is empty; the next line gets the
    /// current indentation.
    pub fn end_line(&mut self) {
        if !self.line_is_empty() {
            self.newline();
        }
        self.line_indent = self.indent;
        self.must_break = false;
    }

    /// Leave one empty line, except at the top of the file or of a block,
    /// or where there is one already.
    pub fn blank_line(&mut self) {
        self.end_line();
        let body = &self.out[..self.line_start];
        if body.is_empty()
            || body.ends_with("\n\n")
            || body.ends_with("{\n")
            || body.ends_with("(\n")
        {
            return;
        }
        self.out.push('\n');
        self.line_start = self.out.len();
    }

    /// Print every queued comment that starts before `offset`.
    pub fn flush(&mut self, offset: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= offset {
                break;
            }
            let c = c.clone();
            self.next += 1;
            if c.trailing && !self.line_is_empty() && !self.must_break {
                self.out.push(' ');
                self.out.push_str(&c.text);
            } else {
                self.end_line();
                if blank_before(self.src, c.start) {
                    self.blank_line();
                }
                self.word(&c.text);
            }
            self.must_break = true;
        }
    }

    /// Start a line for the element at `offset`: comments before it first,
    /// and the source's empty line before it, if `keep_blank` and it had one.
    pub fn break_before(&mut self, offset: usize, keep_blank: bool) {
        self.flush(offset);
        self.end_line();
        if keep_blank && blank_before(self.src, offset) {
            self.blank_line();
        }
    }

    /// Run `f` with the indentation of new lines set to `indent`.
    pub fn indented(&mut self, indent: usize, f: impl FnOnce(&mut Printer<'s>)) {
        let saved = self.indent;
        self.indent = indent;
        f(self);
        self.indent = saved;
    }

    /// The source text of a byte range (literals are printed as written).
    pub fn source(&self, start: usize, end: usize) -> &'s str {
        self.src.get(start..end).unwrap_or("")
    }
}
