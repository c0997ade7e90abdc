//! Names in expressions: variables, report entities and events, consts,
//! entities, enum members (bare where the expected type says which enum,
//! or `Enum::member`), with "did you mean" for the rest (E0201, E0204).

use super::Checker;
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclKind, LookupError};
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn check_path(&mut self, p: &ast::Path, expected: Option<&Ty>) -> Expr {
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
            if let Some(local) = self.env.locals.get(name) {
                self.refer(span, local.span);
                return lit(local.value(), local.ty());
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
        // The report's own names, those of the kind expected here (in a
        // large report, its events are many and rarely what was meant).
        let fits = |ty: &Ty| match expected {
            Some(want) if !matches!(want, Ty::Error) && !matches!(ty, Ty::Error) => {
                std::mem::discriminant(want) == std::mem::discriminant(ty)
            }
            _ => true,
        };
        cands.extend(
            self.env
                .locals
                .iter()
                .filter(|(_, local)| fits(&local.ty()))
                .map(|(n, _)| n.to_string()),
        );
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
        if let (Some(Ty::Bool), Some(spelled)) = (expected, super::teach::bool_spelling(last)) {
            d = self.bool_note(d, spelled, &format!("`{last}`"), span);
        } else if let Some(near) = nearest(last, cands.iter().map(String::as_str)) {
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
        } else {
            d = self.undeclared_entity_hint(d, &p.to_text(), expected);
        }
        if let (true, Some(Ty::Event(a))) = (p.is_single(), expected) {
            d = self.name_the_event(d, last, |action, _| action == *a);
        }
        self.diags.push(d);
        Self::err_expr(span)
    }
}
