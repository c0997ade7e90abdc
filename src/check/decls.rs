//! Enums, record types, actions, consts and top-level entities.

use std::collections::HashMap;

use super::{Checker, ConstState};
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclId, DeclKind};
use crate::span::Span;
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn declare_types(&mut self) {
        // Enums first: their members are needed everywhere.
        for id in self.decls_of(&[DeclKind::Enum]) {
            let d = self.scopes.decl(id).clone();
            let ast::Item::Enum(e) = self.item(id) else {
                continue;
            };
            let mut seen: HashMap<&str, Span> = HashMap::new();
            let mut members = Vec::new();
            let mut member_spans = Vec::new();
            for m in &e.members {
                if let Some(first) = seen.get(m.name.as_str()) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0202,
                            m.span,
                            format!("`{}` is listed twice in enum `{}`", m.name, e.name.name),
                        )
                        .with_label_here("second time")
                        .with_label(*first, "first listed here"),
                    );
                    continue;
                }
                seen.insert(&m.name, m.span);
                members.push(m.name.clone());
                member_spans.push(m.span);
            }
            self.prog.enums.push(EnumDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                ordered: e.ordered,
                members,
                member_spans,
                doc: e.doc.clone(),
                span: e.span,
                name_span: e.name.span,
            });
        }
        // Records and actions: push shells, then resolve field types (a
        // field may name a record or action declared later).
        for id in self.decls_of(&[DeclKind::Type]) {
            let d = self.scopes.decl(id).clone();
            let ast::Item::Type(t) = self.item(id) else {
                continue;
            };
            self.prog.records.push(RecordDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                fields: Vec::new(),
                doc: t.doc.clone(),
                span: t.span,
                name_span: t.name.span,
            });
        }
        for id in self.decls_of(&[DeclKind::Action]) {
            let d = self.scopes.decl(id).clone();
            let ast::Item::Action(a) = self.item(id) else {
                continue;
            };
            self.prog.actions.push(ActionDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                params: Vec::new(),
                doc: a.doc.clone(),
                span: a.span,
                name_span: a.name.span,
            });
        }
        for id in self.decls_of(&[DeclKind::Type, DeclKind::Action]) {
            let d = self.scopes.decl(id).clone();
            let fields = match self.item(id) {
                ast::Item::Type(t) => &t.fields,
                ast::Item::Action(a) => &a.params,
                _ => continue,
            };
            let defs = self.field_defs(d.module, fields);
            match d.kind {
                DeclKind::Type => self.prog.records[d.index as usize].fields = defs,
                _ => self.prog.actions[d.index as usize].params = defs,
            }
        }
    }

    fn field_defs(&mut self, module: usize, fields: &[ast::FieldDecl]) -> Vec<FieldDef> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::new();
        for f in fields {
            if let Some(first) = seen.get(f.name.name.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0202,
                        f.name.span,
                        format!("`{}` is declared twice here", f.name.name),
                    )
                    .with_label_here("second declaration")
                    .with_label(*first, "first declared here"),
                );
                continue;
            }
            seen.insert(&f.name.name, f.name.span);
            let ty = self.resolve_ty(module, &f.ty);
            out.push(FieldDef {
                name: f.name.name.clone(),
                ty,
                span: f.name.span,
            });
        }
        out
    }

    /// A type as written: `Bool`, `Set<Sector>`, `Asset`, `operate`.
    pub(super) fn resolve_ty(&mut self, module: usize, t: &ast::TypeExpr) -> Ty {
        match t {
            ast::TypeExpr::Set(inner, _) => Ty::Set(Box::new(self.resolve_ty(module, inner))),
            ast::TypeExpr::Named(p) => {
                if p.is_single() {
                    match p.segments[0].name.as_str() {
                        "Bool" => return Ty::Bool,
                        "Int" => return Ty::Int,
                        "Text" => return Ty::Text,
                        "Time" => return Ty::Time,
                        "Duration" => return Ty::Duration,
                        "Set" => {
                            self.diags.push(
                                Diagnostic::new(Code::E0103, p.span, "`Set` needs an element type")
                                    .with_label_here("write `Set<T>`"),
                            );
                            return Ty::Error;
                        }
                        _ => {}
                    }
                }
                match self.scopes.lookup_path(module, p) {
                    Ok(id) => {
                        let def = self.scopes.decl(id).name_span;
                        self.refer(p.span, def);
                        let d = self.scopes.decl(id);
                        match d.kind {
                            DeclKind::Enum => Ty::Enum(EnumId(d.index)),
                            DeclKind::Type => Ty::Record(RecordId(d.index)),
                            DeclKind::Action => Ty::Event(ActionId(d.index)),
                            other => {
                                let (span, kind) = (d.name_span, other.describe());
                                self.diags.push(
                                    Diagnostic::new(
                                        Code::E0301,
                                        p.span,
                                        format!("`{}` is {kind}, not a type", p.to_text()),
                                    )
                                    .with_label_here("expected a type")
                                    .with_label(span, "declared here"),
                                );
                                Ty::Error
                            }
                        }
                    }
                    Err(err) => {
                        let mut diag = self.scopes.lookup_diag(module, p, err, "a type", |k| {
                            matches!(k, DeclKind::Enum | DeclKind::Type | DeclKind::Action)
                        });
                        if diag.code == Code::E0201 && diag.fix.is_none() {
                            let builtins = ["Bool", "Int", "Text", "Time", "Duration"];
                            if let Some(near) = nearest(&p.last().name, builtins) {
                                diag = diag
                                    .with_note(format!("did you mean `{near}`?"))
                                    .with_fix(p.span, near);
                            }
                        }
                        self.diags.push(diag);
                        Ty::Error
                    }
                }
            }
        }
    }

    pub(super) fn check_consts_and_entities(&mut self) {
        let consts = self.decls_of(&[DeclKind::Const]);
        self.consts = vec![ConstState::Todo; consts.len()];
        self.const_decls = consts.clone();
        for id in &consts {
            let d = self.scopes.decl(*id).clone();
            let ast::Item::Const(c) = self.item(*id) else {
                continue;
            };
            self.prog.consts.push(ConstDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                ty: Ty::Error,
                value: Value::Unknown,
                doc: c.doc.clone(),
                span: c.span,
                name_span: c.name.span,
            });
        }
        // Entity shells first (types known), so fields may refer forward.
        let entities = self.decls_of(&[DeclKind::Entity]);
        for id in &entities {
            let d = self.scopes.decl(*id).clone();
            let ast::Item::Entity(e) = self.item(*id) else {
                continue;
            };
            let record = self.entity_record(d.module, e);
            self.prog.entities.push(EntityDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                record: record.unwrap_or(RecordId(u32::MAX)),
                fields: Vec::new(),
                report: None,
                doc: e.doc.clone(),
                span: e.span,
                name_span: e.name.span,
            });
        }
        for i in 0..consts.len() {
            self.const_value(i);
        }
        for id in entities {
            let d = self.scopes.decl(id).clone();
            let ast::Item::Entity(e) = self.item(id) else {
                continue;
            };
            self.env = super::Env {
                module: d.module,
                ..Default::default()
            };
            let fields = self.entity_fields(e, self.prog.entities[d.index as usize].record);
            self.prog.entities[d.index as usize].fields = fields;
        }
    }

    /// The record type of an entity declaration (E0301 if it is not one).
    pub(super) fn entity_record(&mut self, module: usize, e: &ast::EntityDecl) -> Option<RecordId> {
        match self.resolve_ty(module, &ast::TypeExpr::Named(e.ty.clone())) {
            Ty::Record(r) => Some(r),
            Ty::Error => None,
            other => {
                let shown = self.prog.show_ty(&other);
                self.diags.push(
                    Diagnostic::new(
                        Code::E0301,
                        e.ty.span,
                        format!("an entity must be of a record type, but `{shown}` is not one"),
                    )
                    .with_label_here("not a record type")
                    .with_note("declare a record with `type Name { field: Type, ... }`"),
                );
                None
            }
        }
    }

    /// Check an entity's field values against its record (in `self.env`).
    pub(super) fn entity_fields(&mut self, e: &ast::EntityDecl, record: RecordId) -> Vec<Value> {
        let Some(rec) = self.prog.records.get(record.index()) else {
            return Vec::new();
        };
        let names: Vec<(String, Ty)> = rec
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.ty.clone()))
            .collect();
        let field_spans: Vec<Span> = rec.fields.iter().map(|f| f.span).collect();
        let rec_name = rec.name.clone();
        let rec_span = rec.name_span;
        let mut values = vec![None; names.len()];
        for f in &e.fields {
            let found = names.iter().position(|(n, _)| *n == f.name.name);
            if let Some(idx) = found {
                self.refer(f.name.span, field_spans[idx]);
            }
            let Some(idx) = found else {
                let mut d = Diagnostic::new(
                    Code::E0302,
                    f.name.span,
                    format!("`{rec_name}` has no field `{}`", f.name.name),
                )
                .with_label_here("unknown field")
                .with_label(rec_span, format!("`{rec_name}` is declared here"));
                if let Some(near) = nearest(&f.name.name, names.iter().map(|(n, _)| n.as_str())) {
                    d = d
                        .with_note(format!("did you mean `{near}`?"))
                        .with_fix(f.name.span, near);
                }
                self.diags.push(d);
                continue;
            };
            if values[idx].is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0202,
                        f.name.span,
                        format!("field `{}` is given twice", f.name.name),
                    )
                    .with_label_here("second value"),
                );
                continue;
            }
            let ty = names[idx].1.clone();
            let value = self.constant(&f.value, &ty);
            values[idx] = Some(value);
        }
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|((n, _), _)| n.as_str())
            .filter(|n| !e.fields.iter().any(|f| f.name.name == *n))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let hint = if self.env.allow_unknown {
                "every field must be given; write `?` for a fact that is not known"
            } else {
                "every field must be given"
            };
            self.diags.push(
                Diagnostic::new(
                    Code::E0304,
                    e.name.span,
                    format!(
                        "entity `{}` is missing {} {list}",
                        e.name.name,
                        if missing.len() == 1 {
                            "the field"
                        } else {
                            "the fields"
                        }
                    ),
                )
                .with_label_here(format!("missing {list}"))
                .with_label(rec_span, format!("`{rec_name}` is declared here"))
                .with_note(hint),
            );
        }
        values
            .into_iter()
            .map(|v| v.unwrap_or(Value::Unknown))
            .collect()
    }

    /// Check an expression that must be a constant of type `ty`, and fold it.
    pub(super) fn constant(&mut self, e: &ast::Expr, ty: &Ty) -> Value {
        let checked = self.check_expr(e, Some(ty));
        self.expect_ty(&checked, ty);
        if checked.ty == Ty::Error {
            return Value::Unknown;
        }
        match fold(&checked) {
            Ok(v) => v,
            Err(NotFolded::Overflow) => {
                self.diags.push(
                    Diagnostic::new(Code::E0104, e.span, "this arithmetic overflows 64 bits")
                        .with_label_here("too large")
                        .with_note("integers, times and durations are 64-bit; Norma never wraps"),
                );
                Value::Unknown
            }
            Err(NotFolded::NotConstant) => {
                self.diags.push(
                    Diagnostic::new(Code::E0301, e.span, "this must be a constant value")
                        .with_label_here("not a constant")
                        .with_note(
                            "use a literal, a const, an entity, an enum member or an event name",
                        ),
                );
                Value::Unknown
            }
        }
    }

    /// The type and value of const number `i`, checking it on first use.
    pub(super) fn const_value(&mut self, i: usize) -> (Ty, Value) {
        match self.consts[i].clone() {
            ConstState::Done(t, v) => return (t, v),
            ConstState::InProgress => {
                let d = self.scopes.decl(self.const_decls[i]);
                let span = d.name_span;
                let name = d.name.clone();
                self.diags.push(
                    Diagnostic::new(
                        Code::E0402,
                        span,
                        format!("const `{name}` is defined in terms of itself"),
                    )
                    .with_label_here("its value depends on itself"),
                );
                self.consts[i] = ConstState::Done(Ty::Error, Value::Unknown);
                return (Ty::Error, Value::Unknown);
            }
            ConstState::Todo => {}
        }
        self.consts[i] = ConstState::InProgress;
        let decl: DeclId = self.const_decls[i];
        let module = self.scopes.decl(decl).module;
        let ast::Item::Const(c) = self.item(decl) else {
            return (Ty::Error, Value::Unknown);
        };
        let saved = std::mem::take(&mut self.env);
        self.env.module = module;
        let ty = self.resolve_ty(module, &c.ty);
        let value = self.constant(&c.value, &ty);
        self.env = saved;
        if let ConstState::Done(..) = self.consts[i] {
            // A cycle was reported while checking; keep the error state.
        } else {
            self.consts[i] = ConstState::Done(ty.clone(), value.clone());
        }
        self.prog.consts[i].ty = ty.clone();
        self.prog.consts[i].value = value.clone();
        (ty, value)
    }
}

/// Why an expression could not be folded to a value.
pub(super) enum NotFolded {
    /// It reads something only known at evaluation (a variable, a field).
    NotConstant,
    /// Arithmetic overflowed i64 (never wraps: §2).
    Overflow,
}

/// Fold a checked expression to a value, if it is constant.
pub(super) fn fold(e: &Expr) -> Result<Value, NotFolded> {
    match &e.kind {
        ExprKind::Lit(v) => Ok(v.clone()),
        ExprKind::SetLit(items) => {
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            for i in items {
                let v = fold(i)?;
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Value::Set(out.into()))
        }
        ExprKind::Arith(op, a, b) => {
            let (a, b) = (fold(a)?, fold(b)?);
            let f = |x: i64, y: i64| match op {
                ArithOp::Add => x.checked_add(y),
                ArithOp::Sub => x.checked_sub(y),
            };
            let v = match (a, b) {
                (Value::Unknown, _) | (_, Value::Unknown) => return Ok(Value::Unknown),
                (Value::Int(x), Value::Int(y)) => f(x, y).map(Value::Int),
                (Value::Time(x), Value::Duration(y)) => f(x, y).map(Value::Time),
                (Value::Duration(x), Value::Duration(y)) => f(x, y).map(Value::Duration),
                (Value::Time(x), Value::Time(y)) => f(x, y).map(Value::Duration),
                _ => return Err(NotFolded::NotConstant),
            };
            v.ok_or(NotFolded::Overflow)
        }
        ExprKind::Not(a) => match fold(a)? {
            Value::Bool(b) => Ok(Value::Bool(!b)),
            _ => Err(NotFolded::NotConstant),
        },
        ExprKind::And(items) | ExprKind::Or(items) => {
            let is_and = matches!(e.kind, ExprKind::And(_));
            let mut acc = is_and;
            for i in items {
                match fold(i)? {
                    Value::Bool(b) => acc = if is_and { acc && b } else { acc || b },
                    _ => return Err(NotFolded::NotConstant),
                }
            }
            Ok(Value::Bool(acc))
        }
        _ => Err(NotFolded::NotConstant),
    }
}
