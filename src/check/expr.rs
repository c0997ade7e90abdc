//! Expressions (§5): bidirectional type checking. An expected type flows
//! down so that enum members can be written bare (`e >= damage`,
//! `{healthcare, energy}`); elsewhere types flow up. Every failure is
//! reported once and yields `Ty::Error`, which is compatible with
//! everything, so one mistake gives one diagnostic.

use super::Checker;
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclKind, LookupError};
use crate::syntax::ast;

fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::Set(x), Ty::Set(y)) => compatible(x, y),
        _ => a == b,
    }
}

impl Checker<'_> {
    fn err_expr(span: crate::span::Span) -> Expr {
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
            self.diags.push(
                Diagnostic::new(
                    Code::E0301,
                    e.span,
                    format!("type mismatch: expected {want}, found {got}"),
                )
                .with_label_here(format!("this is {got}")),
            );
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
            || self.env.locals.contains_key(&id.name)
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
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0301,
                            span,
                            format!("type mismatch: cannot compare {x} with {y}"),
                        )
                        .with_label(ca.span, format!("this is {x}"))
                        .with_label(cb.span, format!("this is {y}")),
                    );
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

    fn check_path(&mut self, p: &ast::Path, expected: Option<&Ty>) -> Expr {
        let span = p.span;
        let lit = |v: Value, ty: Ty| Expr {
            kind: ExprKind::Lit(v),
            ty,
            span,
        };
        if p.is_single() {
            let name = &p.segments[0].name;
            if let Some(i) = self.env.frame.iter().rposition(|(n, ..)| n == name) {
                self.env.used[i] = true;
                self.refer(span, self.env.frame[i].2);
                return Expr {
                    kind: ExprKind::Var(VarId(i as u32)),
                    ty: self.env.frame[i].1.clone(),
                    span,
                };
            }
            if let Some((v, t, def)) = self.env.locals.get(name) {
                let (v, t, def) = (v.clone(), t.clone(), *def);
                self.refer(span, def);
                return lit(v, t);
            }
            if let Some(Ty::Enum(e)) = expected {
                if let Some(m) = self.prog.enums[e.index()]
                    .members
                    .iter()
                    .position(|m| m == name)
                {
                    self.refer(span, self.prog.enums[e.index()].member_spans[m]);
                    return lit(Value::Enum(*e, m as u32), Ty::Enum(*e));
                }
            }
        }
        match self.scopes.lookup_path(self.env.module, p) {
            Ok(id) => {
                let d = self.scopes.decl(id).clone();
                self.refer(span, d.name_span);
                match d.kind {
                    DeclKind::Const => {
                        let (t, v) = self.const_value(d.index as usize);
                        return lit(v, t);
                    }
                    DeclKind::Entity => {
                        let rec = self.prog.entities[d.index as usize].record;
                        let ty = if rec.0 == u32::MAX {
                            Ty::Error
                        } else {
                            Ty::Record(rec)
                        };
                        return lit(Value::Entity(EntityId(d.index)), ty);
                    }
                    kind => {
                        // An enum named where a value is wanted: maybe a member
                        // of it was meant.
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0301,
                                span,
                                format!("`{}` is {}, not a value", p.to_text(), kind.describe()),
                            )
                            .with_label_here("expected a value")
                            .with_label(d.name_span, "declared here"),
                        );
                        return Self::err_expr(span);
                    }
                }
            }
            Err(LookupError::Ambiguous(ids)) => {
                let d = self.scopes.lookup_diag(
                    self.env.module,
                    p,
                    LookupError::Ambiguous(ids),
                    "",
                    |_| true,
                );
                self.diags.push(d);
                return Self::err_expr(span);
            }
            Err(LookupError::NotFound) => {}
        }
        // `Enum::member` (or `module::Enum::member`).
        if !p.is_single() {
            let (last, prefix) = p.segments.split_last().unwrap_or((&p.segments[0], &[]));
            let prefix_path = ast::Path {
                segments: prefix.to_vec(),
                span: prefix.first().map_or(span, |f| {
                    f.span.to(prefix.last().map_or(f.span, |l| l.span))
                }),
            };
            if let Ok(id) = self.scopes.lookup_path(self.env.module, &prefix_path) {
                let d = self.scopes.decl(id).clone();
                if d.kind == DeclKind::Enum {
                    let e = EnumId(d.index);
                    let def = &self.prog.enums[e.index()];
                    if let Some(m) = def.members.iter().position(|m| *m == last.name) {
                        let member_span = def.member_spans[m];
                        self.refer(prefix_path.span, d.name_span);
                        self.refer(last.span, member_span);
                        return lit(Value::Enum(e, m as u32), Ty::Enum(e));
                    }
                    let mut diag = Diagnostic::new(
                        Code::E0201,
                        last.span,
                        format!("enum `{}` has no member `{}`", def.name, last.name),
                    )
                    .with_label_here("not a member")
                    .with_label(def.name_span, format!("`{}` is declared here", def.name));
                    if let Some(near) = nearest(&last.name, def.members.iter().map(String::as_str))
                    {
                        diag = diag
                            .with_note(format!("did you mean `{near}`?"))
                            .with_fix(last.span, near);
                    }
                    self.diags.push(diag);
                    return Self::err_expr(span);
                }
            }
        }
        // A bare member of some visible enum, when no type is expected.
        if p.is_single() {
            let name = &p.segments[0].name;
            let mut found: Vec<(EnumId, u32)> = Vec::new();
            let visible: Vec<u32> = self
                .scopes
                .visible_names(self.env.module)
                .filter(|(_, id)| self.scopes.decl(*id).kind == DeclKind::Enum)
                .map(|(_, id)| self.scopes.decl(id).index)
                .collect();
            for e in visible {
                if let Some(m) = self.prog.enums[e as usize]
                    .members
                    .iter()
                    .position(|m| m == name)
                {
                    found.push((EnumId(e), m as u32));
                }
            }
            found.sort();
            found.dedup();
            match found.len() {
                1 => {
                    let (e, m) = found[0];
                    self.refer(span, self.prog.enums[e.index()].member_spans[m as usize]);
                    return lit(Value::Enum(e, m), Ty::Enum(e));
                }
                n if n > 1 => {
                    let mut d = Diagnostic::new(
                        Code::E0204,
                        span,
                        format!("`{name}` is a member of several enums"),
                    )
                    .with_label_here("which one?");
                    for (e, m) in &found {
                        let def = &self.prog.enums[e.index()];
                        d = d.with_label(
                            def.member_spans[*m as usize],
                            format!("a member of `{}`", def.name),
                        );
                    }
                    self.diags.push(d.with_note(format!(
                        "qualify it, e.g. `{}::{name}`",
                        self.prog.enums[found[0].0.index()].name
                    )));
                    return Self::err_expr(span);
                }
                _ => {}
            }
        }
        // Unknown: suggest the nearest name that could be meant here.
        let last = &p.last().name;
        let mut cands: Vec<String> = self.env.frame.iter().map(|(n, ..)| n.clone()).collect();
        cands.extend(self.env.locals.keys().cloned());
        if let Some(Ty::Enum(e)) = expected {
            cands.extend(self.prog.enums[e.index()].members.iter().cloned());
        }
        let scope_names: Vec<String> = self
            .scopes
            .visible_names(self.env.module)
            .filter(|(_, id)| {
                matches!(
                    self.scopes.decl(*id).kind,
                    DeclKind::Const | DeclKind::Entity
                )
            })
            .map(|(n, _)| n.to_string())
            .collect();
        cands.extend(scope_names);
        let mut d = Diagnostic::new(
            Code::E0201,
            span,
            format!("I cannot find anything named `{}`", p.to_text()),
        )
        .with_label_here("unknown name");
        if let Some(near) = nearest(last, cands.iter().map(String::as_str)) {
            d = d
                .with_note(format!("did you mean `{near}`?"))
                .with_fix(span, near);
        } else if let Some(Ty::Enum(e)) = expected {
            let def = &self.prog.enums[e.index()];
            d = d.with_note(format!(
                "a {} here is one of: {}",
                def.name,
                def.members.join(", ")
            ));
        }
        self.diags.push(d);
        Self::err_expr(span)
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
            Ty::Error => Self::err_expr(span),
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

    fn check_call(&mut self, call: &ast::Call, span: crate::span::Span) -> Expr {
        let name = call.callee.to_text();
        let single_arg = |this: &mut Self| -> Option<Expr> {
            match call.args.as_slice() {
                [ast::Arg { name: None, value }] => Some(this.check_expr(value, None)),
                _ => {
                    this.diags.push(
                        Diagnostic::new(
                            Code::E0304,
                            call.span,
                            format!("`{name}` takes exactly one argument"),
                        )
                        .with_label_here(format!("write `{name}(x)`")),
                    );
                    None
                }
            }
        };
        match name.as_str() {
            "known" => {
                let Some(a) = single_arg(self) else {
                    return Self::err_expr(span);
                };
                Expr {
                    kind: ExprKind::Known(Box::new(a)),
                    ty: Ty::Bool,
                    span,
                }
            }
            "max_response" => {
                let Some(a) = single_arg(self) else {
                    return Self::err_expr(span);
                };
                if !matches!(a.ty, Ty::Event(_) | Ty::Error) {
                    let shown = self.prog.show_ty(&a.ty);
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0301,
                            a.span,
                            format!("`max_response` takes an event, but this is {shown}"),
                        )
                        .with_label_here(format!("this is {shown}")),
                    );
                }
                let ty = match self.module_ladders.get(self.env.module).copied().flatten() {
                    Some(l) => Ty::Enum(l),
                    None => {
                        self.diags.push(
                            Diagnostic::new(Code::E0404, span, "`max_response` needs a ladder, but no red line in force declares a `response`")
                                .with_label_here("no ladder")
                                .with_note("give a red line a `response` from an ordered enum of responses"),
                        );
                        Ty::Error
                    }
                };
                Expr {
                    kind: ExprKind::MaxResponse(Box::new(a)),
                    ty,
                    span,
                }
            }
            _ => {
                if let Ok(id) = self.scopes.lookup_path(self.env.module, &call.callee) {
                    if self.scopes.decl(id).kind == DeclKind::Action {
                        self.diags.push(
                            Diagnostic::new(Code::E0301, span, format!("an action is not a condition; did you mean `exists {name}(...)`?"))
                                .with_label_here("this names an action")
                                .with_fix(call.callee.span, format!("exists {name}")),
                        );
                        return Self::err_expr(span);
                    }
                }
                let mut d = Diagnostic::new(
                    Code::E0201,
                    call.callee.span,
                    format!("there is no function named `{name}`"),
                )
                .with_label_here("unknown function")
                .with_note("the functions are `known(x)` and `max_response(x)`");
                if let Some(near) = nearest(&name, ["known", "max_response"]) {
                    d = d.with_fix(call.callee.span, near);
                }
                self.diags.push(d);
                Self::err_expr(span)
            }
        }
    }

    /// Resolve an action name (E0201, or E0301 if it names something else).
    pub(super) fn resolve_action(&mut self, p: &ast::Path) -> Option<ActionId> {
        match self.scopes.lookup_path(self.env.module, p) {
            Ok(id) => {
                let d = self.scopes.decl(id).clone();
                if d.kind == DeclKind::Action {
                    self.refer(p.span, d.name_span);
                    Some(ActionId(d.index))
                } else {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0301,
                            p.span,
                            format!("`{}` is {}, not an action", p.to_text(), d.kind.describe()),
                        )
                        .with_label_here("expected an action")
                        .with_label(d.name_span, "declared here"),
                    );
                    None
                }
            }
            Err(err) => {
                let d = self
                    .scopes
                    .lookup_diag(self.env.module, p, err, "an action", |k| {
                        k == DeclKind::Action
                    });
                self.diags.push(d);
                None
            }
        }
    }

    /// The parameter of `action` named by an argument (E0303 if none).
    pub(super) fn param_index(&mut self, action: ActionId, arg: &ast::Ident) -> Option<usize> {
        let act = &self.prog.actions[action.index()];
        if let Some(i) = act.params.iter().position(|p| p.name == arg.name) {
            let def = act.params[i].span;
            self.refer(arg.span, def);
            return Some(i);
        }
        let names: Vec<&str> = act.params.iter().map(|p| p.name.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::E0303,
            arg.span,
            format!("action `{}` has no parameter `{}`", act.name, arg.name),
        )
        .with_label_here("unknown parameter")
        .with_label(act.name_span, format!("`{}` is declared here", act.name));
        if let Some(near) = nearest(&arg.name, names.iter().copied()) {
            d = d
                .with_note(format!("did you mean `{near}`?"))
                .with_fix(arg.span, near);
        } else {
            d = d.with_note(format!("its parameters are: {}", names.join(", ")));
        }
        self.diags.push(d);
        None
    }

    /// The named arguments of a call to `action`, each with its parameter
    /// index. A positional argument (E0103), an unknown parameter (E0303)
    /// or a parameter given twice (E0202) is reported and left out.
    pub(super) fn named_args<'c>(
        &mut self,
        action: ActionId,
        call: &'c ast::Call,
    ) -> Vec<(usize, &'c ast::Expr)> {
        let mut out: Vec<(usize, &ast::Expr)> = Vec::new();
        for arg in &call.args {
            let Some(name) = &arg.name else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0103,
                        arg.value.span,
                        "I was expecting a named argument `param: value`",
                    )
                    .with_label_here("name the parameter this value is for"),
                );
                continue;
            };
            let Some(i) = self.param_index(action, name) else {
                continue;
            };
            if out.iter().any(|(j, _)| *j == i) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0202,
                        name.span,
                        format!("`{}` is given twice", name.name),
                    )
                    .with_label_here("second value"),
                );
                continue;
            }
            out.push((i, &arg.value));
        }
        out
    }

    /// A required action: `action(param: EXPR, ...)`.
    pub(super) fn check_required(&mut self, call: &ast::Call) -> Option<Required> {
        let action = self.resolve_action(&call.callee)?;
        let mut args: Vec<(usize, Expr)> = Vec::new();
        for (i, value) in self.named_args(action, call) {
            if value.as_ident().is_some_and(|id| id.name == "_") {
                continue;
            }
            let ty = self.prog.actions[action.index()].params[i].ty.clone();
            let v = self.check_expr(value, Some(&ty));
            self.expect_ty(&v, &ty);
            args.push((i, v));
        }
        Some(Required {
            action,
            args,
            span: call.span,
        })
    }

    fn check_timing(&mut self, t: &ast::Timing) -> Timing {
        let anchor = self.check_expr(&t.anchor, None);
        if !matches!(anchor.ty, Ty::Event(_) | Ty::Error) {
            let shown = self.prog.show_ty(&anchor.ty);
            self.diags.push(
                Diagnostic::new(
                    Code::E0301,
                    anchor.span,
                    format!("`before`/`after` need an event, but this is {shown}"),
                )
                .with_label_here(format!("this is {shown}"))
                .with_note(
                    "name an event bound in a pattern, e.g. `on x: operate(...)` then `before x`",
                ),
            );
        }
        let within = t.within.as_ref().map(|w| {
            let c = self.check_expr(w, Some(&Ty::Duration));
            self.expect_ty(&c, &Ty::Duration);
            Box::new(c)
        });
        Timing {
            kind: match t.kind {
                ast::TimingKind::Before => TimingKind::Before,
                ast::TimingKind::After => TimingKind::After,
            },
            within,
            anchor: Box::new(anchor),
        }
    }
}
