//! Expressions (§5): bidirectional type checking. An expected type flows
//! down so that enum members can be written bare (`e >= damage`,
//! `{healthcare, energy}`); elsewhere types flow up. Every failure is
//! reported once and yields `Ty::Error`, which is compatible with
//! everything, so one mistake gives one diagnostic.

use super::Checker;
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::syntax::ast;

fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::Set(x), Ty::Set(y)) => compatible(x, y),
        _ => a == b,
    }
}

impl Checker<'_> {
    pub(super) fn err_expr(span: crate::span::Span) -> Expr {
        Expr {
            kind: ExprKind::Lit(Value::Unknown),
            ty: Ty::Error,
            span,
        }
    }

    /// Report E0301 unless `e` has a type compatible with `ty`.
    pub(super) fn expect_ty(&mut self, e: &Expr, ty: &Ty) {
        if !compatible(&e.ty, ty) {
            let (want, got) = (self.prog.show_ty(ty), self.prog.show_ty(&e.ty));
            let d = Diagnostic::new(
                Code::E0301,
                e.span,
                format!("type mismatch: expected {want}, found {got}"),
            )
            .with_label_here(format!("this is {got}"));
            let d = self.unquote_hint(d, e, ty);
            let d = self.bool_hint(d, e, ty);
            self.diags.push(d);
        }
    }

    /// A `when` or `unless` condition: must be Bool (E0306).
    pub(super) fn check_cond(&mut self, e: &ast::Expr, clause: &str) -> Expr {
        let checked = self.check_expr(e, Some(&Ty::Bool));
        if !compatible(&checked.ty, &Ty::Bool) {
            let got = self.prog.show_ty(&checked.ty);
            self.diags.push(
                Diagnostic::new(
                    Code::E0306,
                    e.span,
                    format!("the condition of `{clause}` must be Bool, but this is {got}"),
                )
                .with_label_here(format!("this is {got}"))
                .with_note("compare it with something, e.g. `x == value`, or test a Bool field"),
            );
        }
        checked
    }

    pub(super) fn check_expr(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Error => Self::err_expr(span),
            ast::ExprKind::Lit(l) => {
                let (v, ty) = match l {
                    ast::Lit::Int(i) => (Value::Int(*i), Ty::Int),
                    ast::Lit::Str(s) => (Value::Text(s.as_str().into()), Ty::Text),
                    ast::Lit::Duration(d) => (Value::Duration(*d), Ty::Duration),
                    ast::Lit::Time(t) => (Value::Time(*t), Ty::Time),
                    ast::Lit::Bool(b) => (Value::Bool(*b), Ty::Bool),
                    ast::Lit::Unknown => {
                        if !self.env.allow_unknown {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0301,
                                    span,
                                    "`?` (an unknown fact) can only be written in a report",
                                )
                                .with_label_here("not allowed here")
                                .with_note(
                                    "norms test facts; to allow for unknown facts, use `known(x)`",
                                ),
                            );
                        }
                        (Value::Unknown, expected.cloned().unwrap_or(Ty::Error))
                    }
                };
                Expr {
                    kind: ExprKind::Lit(v),
                    ty,
                    span,
                }
            }
            ast::ExprKind::Path(p) => self.check_path(p, expected),
            ast::ExprKind::Not(a) => {
                let a = self.check_operand_bool(a);
                Expr {
                    kind: ExprKind::Not(Box::new(a)),
                    ty: Ty::Bool,
                    span,
                }
            }
            ast::ExprKind::And(items) | ast::ExprKind::Or(items) => {
                let checked: Vec<Expr> = items.iter().map(|i| self.check_operand_bool(i)).collect();
                let kind = if matches!(e.kind, ast::ExprKind::And(_)) {
                    ExprKind::And(checked)
                } else {
                    ExprKind::Or(checked)
                };
                Expr {
                    kind,
                    ty: Ty::Bool,
                    span,
                }
            }
            ast::ExprKind::Binary(op, a, b) => self.check_binary(*op, a, b, span),
            ast::ExprKind::In(a, b) => {
                let (a, b) = if self.looks_like_member(a) && !self.looks_like_member(b) {
                    let b = self.check_expr(b, None);
                    let elem = match &b.ty {
                        Ty::Set(t) => Some((**t).clone()),
                        _ => None,
                    };
                    (self.check_expr(a, elem.as_ref()), b)
                } else {
                    let a = self.check_expr(a, None);
                    let b = self.check_expr(b, Some(&Ty::Set(Box::new(a.ty.clone()))));
                    (a, b)
                };
                match &b.ty {
                    Ty::Set(t) if compatible(t, &a.ty) => {}
                    Ty::Error => {}
                    Ty::Set(_) => {
                        let (x, s) = (self.prog.show_ty(&a.ty), self.prog.show_ty(&b.ty));
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0301,
                                span,
                                format!("type mismatch: a {x} cannot be in a {s}"),
                            )
                            .with_label(a.span, format!("this is {x}"))
                            .with_label(b.span, format!("this is {s}")),
                        );
                    }
                    other => {
                        let s = self.prog.show_ty(other);
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0305,
                                b.span,
                                format!("`in` needs a set on its right, but this is {s}"),
                            )
                            .with_label_here(format!("this is {s}"))
                            .with_note("write a const of type `Set<T>` or a literal set `{a, b}`"),
                        );
                    }
                }
                Expr {
                    kind: ExprKind::In(Box::new(a), Box::new(b)),
                    ty: Ty::Bool,
                    span,
                }
            }
            ast::ExprKind::Field(base, field) => self.check_field(base, field, span),
            ast::ExprKind::SetLit(items) => {
                let mut elem = match expected {
                    Some(Ty::Set(t)) => Some((**t).clone()),
                    _ => None,
                };
                let mut out = Vec::new();
                for i in items {
                    let c = self.check_expr(i, elem.as_ref());
                    match &elem {
                        Some(t) => self.expect_ty(&c, t),
                        None if c.ty != Ty::Error => elem = Some(c.ty.clone()),
                        None => {}
                    }
                    out.push(c);
                }
                Expr {
                    kind: ExprKind::SetLit(out),
                    ty: Ty::Set(Box::new(elem.unwrap_or(Ty::Error))),
                    span,
                }
            }
            ast::ExprKind::Call(call) => self.check_call(call, span),
            ast::ExprKind::Exists(call, timing) => {
                let Some(required) = self.check_required(call) else {
                    return Self::err_expr(span);
                };
                let timing = timing.as_ref().map(|t| self.check_timing(t));
                Expr {
                    kind: ExprKind::Exists(Box::new(required), timing),
                    ty: Ty::Bool,
                    span,
                }
            }
        }
    }

    fn check_operand_bool(&mut self, e: &ast::Expr) -> Expr {
        let c = self.check_expr(e, Some(&Ty::Bool));
        self.expect_ty(&c, &Ty::Bool);
        c
    }

    /// A bare identifier that is no variable, local or declaration: most
    /// likely an enum member that needs the other side's type.
    fn looks_like_member(&mut self, e: &ast::Expr) -> bool {
        let Some(id) = e.as_ident() else { return false };
        !(self.env.frame.iter().any(|(n, ..)| *n == id.name)
            || self.env.locals.contains(&id.name)
            || self.scopes.lookup(self.env.module, &id.name).is_ok())
    }

    fn check_binary(
        &mut self,
        op: ast::BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: crate::span::Span,
    ) -> Expr {
        let (ca, cb) = if self.looks_like_member(a) && !self.looks_like_member(b) {
            let cb = self.check_expr(b, None);
            (self.check_expr(a, Some(&cb.ty)), cb)
        } else {
            let ca = self.check_expr(a, None);
            let hint = match op {
                ast::BinOp::Add | ast::BinOp::Sub => None,
                _ => Some(ca.ty.clone()),
            };
            let cb = self.check_expr(b, hint.as_ref());
            (ca, cb)
        };
        let (ta, tb) = (ca.ty.clone(), cb.ty.clone());
        let mk = |kind, ty| Expr { kind, ty, span };
        match op {
            ast::BinOp::Add | ast::BinOp::Sub => {
                let arith = if op == ast::BinOp::Add {
                    ArithOp::Add
                } else {
                    ArithOp::Sub
                };
                let ty = match (&ta, &tb) {
                    (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (Ty::Time, Ty::Duration) => Ty::Time,
                    (Ty::Duration, Ty::Duration) => Ty::Duration,
                    (Ty::Time, Ty::Time) if op == ast::BinOp::Sub => Ty::Duration,
                    _ => {
                        let (x, y) = (self.prog.show_ty(&ta), self.prog.show_ty(&tb));
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0305,
                                span,
                                format!("`{}` is not defined for {x} and {y}", op.as_str()),
                            )
                            .with_label(ca.span, format!("this is {x}"))
                            .with_label(cb.span, format!("this is {y}"))
                            .with_note("`+` and `-` work on Int±Int, Time±Duration, Duration±Duration and Time−Time"),
                        );
                        Ty::Error
                    }
                };
                mk(ExprKind::Arith(arith, Box::new(ca), Box::new(cb)), ty)
            }
            _ => {
                let cmp = match op {
                    ast::BinOp::Eq => CmpOp::Eq,
                    ast::BinOp::Ne => CmpOp::Ne,
                    ast::BinOp::Lt => CmpOp::Lt,
                    ast::BinOp::Le => CmpOp::Le,
                    ast::BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                if !compatible(&ta, &tb) {
                    let (x, y) = (self.prog.show_ty(&ta), self.prog.show_ty(&tb));
                    let d = Diagnostic::new(
                        Code::E0301,
                        span,
                        format!("type mismatch: cannot compare {x} with {y}"),
                    )
                    .with_label(ca.span, format!("this is {x}"))
                    .with_label(cb.span, format!("this is {y}"));
                    let d = self.unquote_hint(d, &cb, &ta);
                    let d = self.unquote_hint(d, &ca, &tb);
                    let d = self.bool_hint(d, &cb, &ta);
                    let d = self.bool_hint(d, &ca, &tb);
                    self.diags.push(d);
                } else if !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                    let t = if ta == Ty::Error { &tb } else { &ta };
                    let ordered = match t {
                        Ty::Int | Ty::Duration | Ty::Time | Ty::Error => true,
                        Ty::Enum(e) => self.prog.enums[e.index()].ordered,
                        _ => false,
                    };
                    if !ordered {
                        let shown = self.prog.show_ty(t);
                        let mut d = Diagnostic::new(
                            Code::E0305,
                            span,
                            format!("`{}` is not defined on {shown}", op.as_str()),
                        )
                        .with_label_here(format!("{shown} has no order"));
                        if let Ty::Enum(e) = t {
                            let def = &self.prog.enums[e.index()];
                            d = d.with_label(def.name_span, format!("`{}` is an unordered enum (its members are separated by commas)", def.name))
                                .with_note("declare the members from lowest to highest with `<` to order them, or compare with `==`");
                        } else {
                            d = d.with_note("`<`, `<=`, `>`, `>=` work on Int, Duration, Time and ordered enums");
                        }
                        self.diags.push(d);
                    }
                }
                mk(ExprKind::Cmp(cmp, Box::new(ca), Box::new(cb)), Ty::Bool)
            }
        }
    }

    fn check_field(
        &mut self,
        base: &ast::Expr,
        field: &ast::Ident,
        span: crate::span::Span,
    ) -> Expr {
        let b = self.check_expr(base, None);
        let name = field.name.as_str();
        match b.ty.clone() {
            Ty::Error => {
                self.unnamed_event_read(base, name);
                Self::err_expr(span)
            }
            Ty::Record(r) => {
                let rec = &self.prog.records[r.index()];
                if let Some(i) = rec.fields.iter().position(|f| f.name == name) {
                    let ty = rec.fields[i].ty.clone();
                    self.refer(field.span, rec.fields[i].span);
                    return Expr {
                        kind: ExprKind::Field(Box::new(b), i),
                        ty,
                        span,
                    };
                }
                let names: Vec<&str> = rec.fields.iter().map(|f| f.name.as_str()).collect();
                let d = self.unknown_field(field, &rec.name.clone(), rec.name_span, &names);
                self.diags.push(d);
                Self::err_expr(span)
            }
            Ty::Event(a) => {
                if name == "at" {
                    return Expr {
                        kind: ExprKind::At(Box::new(b)),
                        ty: Ty::Time,
                        span,
                    };
                }
                let act = &self.prog.actions[a.index()];
                if let Some(i) = act.params.iter().position(|f| f.name == name) {
                    let ty = act.params[i].ty.clone();
                    self.refer(field.span, act.params[i].span);
                    return Expr {
                        kind: ExprKind::Param(Box::new(b), i),
                        ty,
                        span,
                    };
                }
                let mut names: Vec<&str> = act.params.iter().map(|f| f.name.as_str()).collect();
                names.push("at");
                let d = self.unknown_field(
                    field,
                    &format!("an event of `{}`", act.name),
                    act.name_span,
                    &names,
                );
                self.diags.push(d);
                Self::err_expr(span)
            }
            other => {
                let shown = self.prog.show_ty(&other);
                self.diags.push(
                    Diagnostic::new(
                        Code::E0302,
                        field.span,
                        format!("{shown} has no fields, so `.{name}` means nothing here"),
                    )
                    .with_label_here("no such field")
                    .with_label(b.span, format!("this is {shown}")),
                );
                Self::err_expr(span)
            }
        }
    }

    fn unknown_field(
        &self,
        field: &ast::Ident,
        owner: &str,
        owner_span: crate::span::Span,
        names: &[&str],
    ) -> Diagnostic {
        let mut d = Diagnostic::new(
            Code::E0302,
            field.span,
            format!("`{owner}` has no field `{}`", field.name),
        )
        .with_label_here("unknown field")
        .with_label(owner_span, "declared here");
        if let Some(near) = nearest(&field.name, names.iter().copied()) {
            d = d
                .with_note(format!("did you mean `{near}`?"))
                .with_fix(field.span, near);
        } else {
            d = d.with_note(format!("the fields are: {}", names.join(", ")));
        }
        d
    }
}
