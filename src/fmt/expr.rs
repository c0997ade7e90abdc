//! Layout of expressions, calls and bracketed lists.
//!
//! Expressions print with single spaces around operators and with the
//! parentheses the source wrote, plus any the grammar needs to read the
//! same tree back. A condition too wide for its line breaks before each
//! `and`/`or` of its outermost chain; lists and calls too wide (or holding a
//! comment) put one element per line.

use super::printer::Printer;
use crate::syntax::ast::{
    Arg, BinOp, Call, Expr, ExprKind, Ident, Lit, Path, StrLit, Timing, TimingKind,
};

/// Binding strength, loosest first (spec §5); atoms are 7.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Or(_) => 1,
        ExprKind::And(_) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Binary(BinOp::Add | BinOp::Sub, _, _) => 5,
        ExprKind::Binary(..) | ExprKind::In(..) => 4,
        ExprKind::Field(..) => 6,
        _ => 7,
    }
}

/// Binding strength an operand must have where no parentheses are needed:
/// an `and` operand, a `+` right operand, `within` of a duty, ...
pub(super) mod need {
    pub const ANY: u8 = 0;
    pub const OR_TERM: u8 = 2;
    pub const AND_TERM: u8 = 3;
    pub const SUM: u8 = 5;
    pub const POSTFIX: u8 = 6;
    /// Always parenthesised.
    pub const WRAPPED: u8 = 8;
}

impl Printer<'_> {
    pub(super) fn ident(&mut self, i: &Ident) {
        self.word_at(i.span.start as usize, &i.name);
    }

    pub(super) fn path(&mut self, p: &Path) {
        for (k, seg) in p.segments.iter().enumerate() {
            if k > 0 {
                self.word("::");
            }
            self.ident(seg);
        }
    }

    pub(super) fn str_lit(&mut self, s: &StrLit) {
        let (start, end) = (s.span.start as usize, s.span.end as usize);
        let text = self.source(start, end);
        let text = if text.is_empty() {
            format!("{:?}", s.value)
        } else {
            text.to_string()
        };
        self.word_at(start, &text);
    }

    fn wrapped(&self, e: &Expr, min: u8) -> bool {
        prec(e) < min || self.written_parens(e)
    }

    fn written_parens(&self, e: &Expr) -> bool {
        self.facts.parens.contains(&(e.span.start, e.span.end))
    }

    /// `(` before `e`. A `(` the source wrote is the token before `e`: the
    /// comments after it stay after it.
    fn open_paren(&mut self, e: &Expr) {
        let start = e.span.start as usize;
        if self.written_parens(e) {
            self.flush(self.facts.token_before(start));
        } else {
            self.flush(start);
        }
        self.word("(");
    }

    /// `)` after `e`. Comments before a `)` the source wrote stay before it
    /// (inside `e`'s construct, as its layout assumed).
    fn close_paren(&mut self, e: &Expr) {
        let end = e.span.end as usize;
        if self.written_parens(e) {
            self.flush(self.facts.token_from(end));
        } else {
            self.flush(end);
        }
        self.word(")");
    }

    pub(super) fn expr(&mut self, e: &Expr) {
        self.expr_in(e, need::ANY);
    }

    /// Print `e` where an operand of binding strength `min` is expected.
    pub(super) fn expr_in(&mut self, e: &Expr, min: u8) {
        let wrap = self.wrapped(e, min);
        let start = e.span.start as usize;
        if wrap {
            self.open_paren(e);
        }
        match &e.kind {
            ExprKind::Lit(lit) => self.lit(e, lit),
            ExprKind::Path(p) => self.path(p),
            ExprKind::Or(es) => self.chain(es, " or ", need::OR_TERM),
            ExprKind::And(es) => self.chain(es, " and ", need::AND_TERM),
            ExprKind::Not(inner) => {
                self.word_at(start, "not ");
                self.expr_in(inner, need::AND_TERM);
            }
            ExprKind::Binary(op, a, b) => {
                let right = match op {
                    BinOp::Add | BinOp::Sub => need::POSTFIX,
                    _ => need::SUM,
                };
                self.expr_in(a, need::SUM);
                self.word(&format!(" {} ", op.as_str()));
                self.expr_in(b, right);
            }
            ExprKind::In(a, b) => {
                self.expr_in(a, need::SUM);
                self.word(" in ");
                self.expr_in(b, need::SUM);
            }
            ExprKind::Field(base, field) => {
                self.expr_in(base, need::POSTFIX);
                self.word(".");
                self.ident(field);
            }
            ExprKind::Call(c) => self.call(c, false),
            ExprKind::SetLit(es) => {
                self.flush(start);
                let end = e.span.end as usize;
                let split = self.has_comments(start, end);
                self.set_lit(es, end, split);
            }
            ExprKind::Exists(c, timing) => {
                self.word_at(start, "exists ");
                self.call(c, false);
                if let Some(t) = timing {
                    self.word(" ");
                    self.timing(t);
                }
            }
            ExprKind::Error => {
                let text = self.source(start, e.span.end as usize);
                self.word_at(start, text);
            }
        }
        if wrap {
            self.close_paren(e);
        }
    }

    fn lit(&mut self, e: &Expr, lit: &Lit) {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        // Literals print as written: `72h` stays `72h`, not `3d`.
        let text = match self.source(start, end) {
            "" => match lit {
                Lit::Int(v) => v.to_string(),
                Lit::Str(s) => format!("{s:?}"),
                Lit::Duration(v) => format!("{}m", v / 60),
                Lit::Time(v) => v.to_string(),
                Lit::Bool(b) => b.to_string(),
                Lit::Unknown => "?".to_string(),
            },
            written => written.to_string(),
        };
        self.word_at(start, &text);
    }

    fn chain(&mut self, es: &[Expr], sep: &str, min: u8) {
        for (k, e) in es.iter().enumerate() {
            if k > 0 {
                self.word(sep);
            }
            self.expr_in(e, min);
        }
    }

    fn timing(&mut self, t: &Timing) {
        let start = t.span.start as usize;
        let kind = match t.kind {
            TimingKind::Before => "before ",
            TimingKind::After => "after ",
        };
        if let Some(d) = &t.within {
            self.word_at(start, "within ");
            // `within D before X`: D is a duration, a name or parenthesised.
            let bare = matches!(d.kind, ExprKind::Lit(Lit::Duration(_)) | ExprKind::Path(_));
            self.expr_in(d, if bare { need::ANY } else { need::WRAPPED });
            self.word(" ");
            self.word(kind);
        } else {
            self.word_at(start, kind);
        }
        self.expr_in(&t.anchor, need::ANY);
    }

    /// A condition (`when`, `unless`, a const's value): on the current line
    /// if it fits, else broken before each `and`/`or` of its outermost chain,
    /// continuing 4 spaces in from the line where it starts.
    pub(super) fn condition(&mut self, e: &Expr, min: u8) {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        let (terms, sep, term_min) = match &e.kind {
            ExprKind::Or(es) => (es, "or ", need::OR_TERM),
            ExprKind::And(es) => (es, "and ", need::AND_TERM),
            _ => {
                self.expr_in(e, min);
                return;
            }
        };
        let flat = self.measure(|p| p.expr_in(e, min));
        if !self.must_split(start, end, &flat) {
            self.expr_in(e, min);
            return;
        }
        let wrap = self.wrapped(e, min);
        if wrap {
            self.open_paren(e);
        }
        let indent = self.line_indent() + 4;
        self.indented(indent, |p| {
            for (k, t) in terms.iter().enumerate() {
                if k > 0 {
                    p.break_before(t.span.start as usize, false);
                    p.word(sep);
                }
                if matches!(t.kind, ExprKind::Or(_) | ExprKind::And(_)) {
                    p.condition(t, term_min);
                } else {
                    p.expr_in(t, term_min);
                }
            }
        });
        if wrap {
            self.close_paren(e);
        }
    }

    /// `name(arg: value, ...)`: one line, or one argument per line when
    /// `split` is asked for or a comment sits inside.
    pub(super) fn call(&mut self, c: &Call, split: bool) {
        let (start, end) = (c.span.start as usize, c.span.end as usize);
        self.path(&c.callee);
        let split = split || self.has_comments(start, end);
        self.list(("(", ")"), "", &c.args, end, split, arg_start, |p, a| {
            if let Some(name) = &a.name {
                p.ident(name);
                p.word(": ");
            }
            p.expr(&a.value);
        });
    }

    pub(super) fn set_lit(&mut self, es: &[Expr], end: usize, split: bool) {
        self.list(
            ("{", "}"),
            "",
            es,
            end,
            split,
            |e| e.span.start as usize,
            |p, e| p.expr(e),
        );
    }

    /// A bracketed list of elements separated by `,`. Flat: `open` `pad`
    /// elements `pad` `close`; split: one element per line, 2 spaces in from
    /// the line that opens the list, `close` back on that line's indentation.
    /// `end` is the source offset just past `close`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn list<T>(
        &mut self,
        (open, close): (&str, &str),
        pad: &str,
        items: &[T],
        end: usize,
        split: bool,
        start_of: impl Fn(&T) -> usize,
        print: impl Fn(&mut Self, &T),
    ) {
        self.sep_list((open, close), pad, ",", items, end, split, start_of, print);
    }

    /// [`Printer::list`] with another separator (`" <"` for ordered enums).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sep_list<T>(
        &mut self,
        (open, close): (&str, &str),
        pad: &str,
        sep: &str,
        items: &[T],
        end: usize,
        split: bool,
        start_of: impl Fn(&T) -> usize,
        print: impl Fn(&mut Self, &T),
    ) {
        self.word(open);
        if !split {
            if !items.is_empty() {
                self.word(pad);
            }
            for (k, item) in items.iter().enumerate() {
                if k > 0 {
                    self.word(sep);
                    self.word(" ");
                }
                print(self, item);
            }
            if !items.is_empty() {
                self.word(pad);
            }
            self.word_at(end, close);
            return;
        }
        let outer = self.line_indent();
        self.indented(outer + 2, |p| {
            for (k, item) in items.iter().enumerate() {
                p.break_before(start_of(item), true);
                print(p, item);
                if k + 1 < items.len() {
                    p.word(sep);
                }
            }
            p.flush(end);
        });
        self.indented(outer, |p| {
            p.end_line();
            p.word(close);
        });
    }
}

fn arg_start(a: &Arg) -> usize {
    a.name
        .as_ref()
        .map_or(a.value.span.start as usize, |n| n.span.start as usize)
}
