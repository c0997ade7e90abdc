//! Layout of declarations and of the clauses of norms, red lines,
//! exceptions and reports.

use super::expr::need;
use super::printer::Printer;
use crate::span::Span;
use crate::syntax::ast::{
    ActionDecl, Clause, ConstDecl, EntityDecl, EnumDecl, EventDecl, ExceptionDecl, Expectation,
    ExprKind, FieldDecl, FieldInit, Item, NormDecl, NormKind, Path, ReportClause, ReportDecl,
    SimpleEvent, StrLit, TypeDecl, TypeExpr, UseDecl,
};

impl Printer<'_> {
    pub(super) fn item(&mut self, item: &Item) {
        match item {
            Item::Use(d) => self.use_decl(d),
            Item::Enum(d) => self.one_line_or_split(d.span, |p, split| p.enum_decl(d, split)),
            Item::Type(d) => self.one_line_or_split(d.span, |p, split| p.type_decl(d, split)),
            Item::Action(d) => {
                self.one_line_or_split(d.span, |p, split| p.action_decl(d, split));
            }
            Item::Const(d) => self.const_decl(d),
            Item::Entity(d) => self.entity(d),
            Item::Norm(d) => self.norm_decl(d),
            Item::Exception(d) => self.exception_decl(d),
            Item::Report(d) => self.report_decl(d),
            Item::Error(span) => self.verbatim(*span),
        }
    }

    /// Something that does not parse is printed as written (the formatter
    /// refuses such files; this is never reached for them).
    fn verbatim(&mut self, span: Span) {
        let text = self.source(span.start as usize, span.end as usize);
        self.word_at(span.start as usize, text);
    }

    /// Print with `f(self, split)`: on one line if that fits and holds no
    /// comment, else split.
    fn one_line_or_split(&mut self, span: Span, f: impl Fn(&mut Self, bool)) {
        let flat = self.measure(|p| f(p, false));
        let split = self.must_split(span.start as usize, span.end as usize, &flat);
        f(self, split);
    }

    fn use_decl(&mut self, d: &UseDecl) {
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        self.word_at(start, "use ");
        self.path(&d.path);
        if let Some(names) = &d.names {
            self.word("::");
            let split = self.has_comments(start, end);
            self.list(
                ("{", "}"),
                "",
                names,
                end,
                split,
                |n| n.span.start as usize,
                |p, n| p.ident(n),
            );
        }
        self.word_at(end, ";");
    }

    fn enum_decl(&mut self, d: &EnumDecl, split: bool) {
        self.word_at(d.span.start as usize, "enum ");
        self.ident(&d.name);
        self.word(" ");
        let sep = if d.ordered { " <" } else { "," };
        self.sep_list(
            ("{", "}"),
            " ",
            sep,
            &d.members,
            d.span.end as usize,
            split,
            |m| m.span.start as usize,
            |p, m| p.ident(m),
        );
    }

    fn type_decl(&mut self, d: &TypeDecl, split: bool) {
        self.word_at(d.span.start as usize, "type ");
        self.ident(&d.name);
        self.word(" ");
        self.fields(("{", "}"), " ", &d.fields, d.span.end as usize, split);
    }

    fn action_decl(&mut self, d: &ActionDecl, split: bool) {
        self.word_at(d.span.start as usize, "action ");
        self.ident(&d.name);
        self.fields(("(", ")"), "", &d.params, d.span.end as usize, split);
    }

    fn fields(
        &mut self,
        brackets: (&str, &str),
        pad: &str,
        fields: &[FieldDecl],
        end: usize,
        split: bool,
    ) {
        self.list(
            brackets,
            pad,
            fields,
            end,
            split,
            |f| f.name.span.start as usize,
            |p, f| {
                p.ident(&f.name);
                p.word(": ");
                p.type_expr(&f.ty);
            },
        );
    }

    fn type_expr(&mut self, t: &TypeExpr) {
        match t {
            TypeExpr::Named(path) => self.path(path),
            TypeExpr::Set(inner, span) => {
                self.word_at(span.start as usize, "Set<");
                self.type_expr(inner);
                self.word(">");
            }
        }
    }

    fn const_decl(&mut self, d: &ConstDecl) {
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        self.word_at(start, "const ");
        self.ident(&d.name);
        self.word(": ");
        self.type_expr(&d.ty);
        self.word(" = ");
        let value = &d.value;
        let value_start = value.span.start as usize;
        if let ExprKind::SetLit(members) = &value.kind {
            self.flush(value_start);
            let flat = self.measure(|p| {
                p.set_lit(members, value.span.end as usize, false);
                p.word(";");
            });
            let split = self.must_split(value_start, value.span.end as usize, &flat);
            self.set_lit(members, value.span.end as usize, split);
        } else {
            self.condition(value, need::ANY);
        }
        self.word_at(end, ";");
    }

    /// `entity NAME: Type { field: value, ... }`, at the top level or in a
    /// report.
    pub(super) fn entity(&mut self, d: &EntityDecl) {
        self.one_line_or_split(d.span, |p, split| {
            p.word_at(d.span.start as usize, "entity ");
            p.ident(&d.name);
            p.word(": ");
            p.path(&d.ty);
            p.word(" ");
            p.list(
                ("{", "}"),
                " ",
                &d.fields,
                d.span.end as usize,
                split,
                |f: &FieldInit| f.name.span.start as usize,
                |p, f| {
                    p.ident(&f.name);
                    p.word(": ");
                    p.expr(&f.value);
                },
            );
        });
    }

    fn title(&mut self, title: &Option<StrLit>) {
        if let Some(t) = title {
            self.word(" ");
            self.str_lit(t);
        }
    }

    fn norm_decl(&mut self, d: &NormDecl) {
        let keyword = match d.kind {
            NormKind::Norm => "norm ",
            NormKind::Redline => "redline ",
        };
        self.word_at(d.span.start as usize, keyword);
        self.ident(&d.name);
        self.title(&d.title);
        if !d.overrides.is_empty() {
            self.word(" overrides ");
            self.paths(&d.overrides);
        }
        self.clause_block(&d.clauses, d.span.end as usize);
    }

    fn paths(&mut self, paths: &[Path]) {
        for (k, p) in paths.iter().enumerate() {
            if k > 0 {
                self.word(", ");
            }
            self.path(p);
        }
    }

    fn exception_decl(&mut self, d: &ExceptionDecl) {
        self.word_at(d.span.start as usize, "exception ");
        self.ident(&d.name);
        self.title(&d.title);
        self.word(" to ");
        self.path(&d.target);
        self.clause_block(&d.clauses, d.span.end as usize);
    }

    /// ` {`, the elements one per line 2 spaces in, `}`; `{}` when empty.
    /// `first` is where the first element starts in the source.
    fn block<T>(
        &mut self,
        elements: &[T],
        first: Option<usize>,
        end: usize,
        mut print: impl FnMut(&mut Self, &T),
    ) {
        // A doc comment before the `{` stays before it: moved after it, it
        // would document the block's first entity or event.
        if let Some(brace) = self.facts.brace_before(first.unwrap_or(end)) {
            if self.has_doc_comment(0, brace) {
                self.flush(brace);
            }
        }
        self.word(" {");
        if elements.is_empty() && !self.has_comments(0, end) {
            self.word("}");
            return;
        }
        let outer = self.line_indent();
        self.indented(outer + 2, |p| {
            for e in elements {
                print(p, e);
            }
            p.flush(end);
        });
        self.indented(outer, |p| {
            p.end_line();
            p.word("}");
        });
    }

    fn clause_block(&mut self, clauses: &[Clause], end: usize) {
        // A `when` or `unless` joins the line of the trigger, deontic clause
        // or condition before it.
        let mut lines: Vec<Vec<&Clause>> = Vec::new();
        for c in clauses {
            let is_condition = matches!(c, Clause::When(..) | Clause::Unless(..));
            match lines.last_mut() {
                Some(line)
                    if is_condition
                        && line.last().is_some_and(|prev| {
                            matches!(
                                prev,
                                Clause::On { .. }
                                    | Clause::Deontic { .. }
                                    | Clause::When(..)
                                    | Clause::Unless(..)
                            )
                        }) =>
                {
                    line.push(c);
                }
                _ => lines.push(vec![c]),
            }
        }
        let first = lines.first().map(|line| self.clause_start(line[0]));
        self.block(&lines, first, end, |p, line| {
            let start = p.clause_start(line[0]);
            let end = line.last().map_or(start, |c| c.span().end as usize);
            p.break_before(start, true);
            p.one_line_or_split(Span::new(line[0].span().file, start, end), |p, split| {
                p.clause_line(line, split);
            });
        });
    }

    /// Where a clause starts in the source: its keyword.
    fn clause_start(&self, c: &Clause) -> usize {
        match c {
            // These spans cover the value only; the keyword is the token before.
            Clause::Source(_) | Clause::Severity(_) | Clause::Response(_) => {
                self.facts.token_before(c.span().start as usize)
            }
            _ => c.span().start as usize,
        }
    }

    /// One clause line: a head clause and the conditions that follow it.
    /// Split: the head's call one argument per line if it does not fit,
    /// the first condition on the head's line and each further one on a
    /// line of its own, 2 spaces in (a broken chain goes 4 in, so deeper).
    fn clause_line(&mut self, line: &[&Clause], split: bool) {
        let Some((head, conditions)) = line.split_first() else {
            return;
        };
        let block = self.line_indent();
        self.indented(block + 4, |p| {
            p.clause_head(head, split);
            let head_is_condition = matches!(head, Clause::When(..) | Clause::Unless(..));
            for (k, c) in conditions.iter().enumerate() {
                let (keyword, e, span) = match c {
                    Clause::When(e, span) => ("when ", e, span),
                    Clause::Unless(e, span) => ("unless ", e, span),
                    _ => continue,
                };
                if split && (k > 0 || head_is_condition) {
                    p.indented(block + 2, |p| p.break_before(span.start as usize, false));
                } else {
                    p.word(" ");
                }
                p.word_at(span.start as usize, keyword);
                if split {
                    p.condition(e, need::ANY);
                } else {
                    p.expr(e);
                }
            }
        });
    }

    fn clause_head(&mut self, c: &Clause, split: bool) {
        let start = self.clause_start(c);
        // Split the head's call only if the head alone is too wide.
        let split_call = split && {
            let flat = self.measure(|p| p.clause_head(c, false));
            !self.fits(&flat)
        };
        match c {
            Clause::Source(s) => {
                self.word_at(start, "source ");
                self.str_lit(s);
            }
            Clause::Severity(level) => {
                self.word_at(start, "severity ");
                self.ident(level);
            }
            Clause::Response(rung) => {
                self.word_at(start, "response ");
                self.path(rung);
            }
            Clause::On {
                breach,
                binder,
                pattern,
                ..
            } => {
                self.word_at(start, "on ");
                if let Some(norm) = breach {
                    self.word("breach of ");
                    self.path(norm);
                    self.word(" ");
                }
                if let Some(b) = binder {
                    self.ident(b);
                    self.word(": ");
                }
                self.call(pattern, split_call);
            }
            Clause::Deontic {
                modality,
                binder,
                action,
                within,
                ..
            } => {
                self.word_at(start, modality.as_str());
                self.word(" ");
                if let Some(b) = binder {
                    self.ident(b);
                    self.word(": ");
                }
                self.call(action, split_call);
                if let Some(w) = within {
                    self.word(" within ");
                    self.expr_in(w, need::SUM);
                }
            }
            Clause::When(e, _) | Clause::Unless(e, _) => {
                let keyword = if matches!(c, Clause::When(..)) {
                    "when "
                } else {
                    "unless "
                };
                self.word_at(start, keyword);
                if split {
                    self.condition(e, need::ANY);
                } else {
                    self.expr(e);
                }
            }
            Clause::Error(span) => self.verbatim(*span),
        }
    }

    fn report_decl(&mut self, d: &ReportDecl) {
        self.word_at(d.span.start as usize, "report ");
        self.ident(&d.name);
        self.title(&d.title);
        let end = d.span.end as usize;
        let clauses: Vec<(usize, &ReportClause)> = d.clauses.iter().enumerate().collect();
        let first = d
            .clauses
            .first()
            .map(|c| report_clause_span(c).start as usize);
        self.block(&clauses, first, end, |p, &(k, c)| {
            let span = report_clause_span(c);
            p.break_before(span.start as usize, true);
            p.report_clause(c);
            // `;` after a clause is dropped, except where a doc comment sits
            // before it: without the `;` that comment would document the
            // next clause.
            let next = d
                .clauses
                .get(k + 1)
                .map_or(end, |n| report_clause_span(n).start as usize);
            if let Some(semi) = p.facts.semicolon_in(span.end as usize, next) {
                if p.has_doc_comment(span.end as usize, semi) {
                    p.word_at(semi, ";");
                }
            }
        });
    }

    fn report_clause(&mut self, c: &ReportClause) {
        match c {
            ReportClause::AsOf(e, span) => {
                self.word_at(span.start as usize, "as_of ");
                self.expr(e);
            }
            ReportClause::Entity(d) => self.entity(d),
            ReportClause::Event(d) => {
                self.one_line_or_split(d.span, |p, split| p.event(d, split));
            }
            ReportClause::Expect(x) => self.expectation(x),
            ReportClause::Unrecorded(call, span) => {
                self.word_at(span.start as usize, "unrecorded ");
                self.call(call, false);
            }
            // The formatter parses without folding; a folded event is
            // printed as written.
            ReportClause::Error(span) | ReportClause::SimpleEvent(SimpleEvent { span, .. }) => {
                self.verbatim(*span)
            }
        }
    }

    fn expectation(&mut self, x: &Expectation) {
        match x {
            Expectation::Clean(span) => {
                self.word_at(span.start as usize, "expect clean");
            }
            Expectation::Outcome {
                negated,
                kind,
                norm,
                event,
                by,
                span,
            } => {
                self.word_at(span.start as usize, "expect ");
                if *negated {
                    self.word("not ");
                }
                self.ident(kind);
                self.word(" ");
                self.path(norm);
                if let Some(ev) = event {
                    self.word(" at ");
                    self.ident(ev);
                }
                if let Some(by) = by {
                    self.word(" by ");
                    self.path(by);
                }
            }
        }
    }

    fn event(&mut self, d: &EventDecl, split: bool) {
        let indent = self.line_indent() + 4;
        self.indented(indent, |p| {
            p.word_at(d.span.start as usize, "event ");
            p.ident(&d.name);
            p.word(": ");
            p.call(&d.call, split);
            p.word(" at ");
            p.expr(&d.at);
            if let Some(end) = &d.at_end {
                p.word(" .. ");
                p.expr(end);
            }
        });
    }
}

fn report_clause_span(c: &ReportClause) -> Span {
    match c {
        ReportClause::AsOf(_, span)
        | ReportClause::Error(span)
        | ReportClause::Unrecorded(_, span) => *span,
        ReportClause::Entity(d) => d.span,
        ReportClause::Event(d) => d.span,
        ReportClause::SimpleEvent(d) => d.span,
        ReportClause::Expect(x) => match &**x {
            Expectation::Clean(span) | Expectation::Outcome { span, .. } => *span,
        },
    }
}
