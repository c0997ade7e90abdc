//! What v0.3 added to norms' triggers and patterns (§4): `on breach of
//! NORM` (E0405, checked once every norm is known), and pattern arguments
//! that name a constant.
//!
//! A pattern argument that is a constant — an enum member of the
//! parameter's type, an entity, a `const`, a literal — constrains the
//! event exactly as `param == CONSTANT` in the clause's `when` would: the
//! checker binds the parameter to a variable no expression can name and
//! puts that comparison first among the `when`'s conjuncts, so the
//! evaluator, the pins that rule a norm out of an event, `explain` and the
//! static analysis read it as any other condition. It never binds a new
//! variable under the constant's name.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclKind, LookupError};
use crate::span::Span;
use crate::syntax::ast;

/// A pattern argument that is a constant: the variable it is bound to,
/// the constant, and where it is written.
pub(super) type PatternConstant = (VarId, Value, Span);

impl Checker<'_> {
    /// The norm named after `on breach of`. Whether it can be breached,
    /// and on which action, is checked by [`Self::check_breaches`] once
    /// every norm is checked.
    pub(super) fn breached_norm(&mut self, p: &ast::Path) -> Option<BreachRef> {
        match self.resolve_norm_target(p, true)? {
            ExceptionTarget::Norm(norm) => Some(BreachRef { norm, span: p.span }),
            ExceptionTarget::Exception(x) => {
                let def = self.prog.exceptions.get(x.index()).map(|e| e.name_span);
                let mut d = Diagnostic::new(
                    Code::E0405,
                    p.span,
                    format!("`{}` is an exception, which cannot be breached", p.to_text()),
                )
                .with_label_here("an exception, not a norm")
                .with_note("name the norm it is an exception to: only a `forbid` or an `oblige` norm is breached");
                if let Some(def) = def {
                    d = d.with_label(def, "declared here");
                }
                self.diags.push(d);
                None
            }
        }
    }

    /// E0405 for every `on breach of NORM` once all norms are checked: NORM
    /// forbids or obliges, and the trigger's pattern matches the action its
    /// findings are recorded on.
    pub(super) fn check_breaches(&mut self) {
        for n in 0..self.prog.norms.len() {
            let norm = &self.prog.norms[n];
            let Some(trigger) = &norm.trigger else {
                continue;
            };
            let Some(b) = trigger.breach else { continue };
            let Some(target) = self.prog.norms.get(b.norm.index()) else {
                continue;
            };
            let recorded = match target.modality {
                Modality::Forbid => target.matched.as_ref().map(|m| m.action),
                Modality::Oblige => target.trigger.as_ref().map(|t| t.pattern.action),
                Modality::Permit => {
                    let d = Diagnostic::new(
                        Code::E0405,
                        b.span,
                        format!(
                            "`{}` is a permission, which cannot be breached",
                            target.name
                        ),
                    )
                    .with_label_here("a `permit` norm")
                    .with_label(target.name_span, "declared here")
                    .with_note(
                        "only a norm that forbids or obliges is breached: name that norm instead",
                    );
                    self.diags.push(d);
                    continue;
                }
            };
            let Some(recorded) = recorded else { continue };
            let used = trigger.pattern.action;
            if recorded != used && recorded.0 != u32::MAX && used.0 != u32::MAX {
                let action = |a: ActionId| self.prog.actions[a.index()].name.clone();
                let what = if target.modality == Modality::Forbid {
                    "its findings are on the events it forbids"
                } else {
                    "a duty's findings are on the events that trigger it"
                };
                let d = Diagnostic::new(
                    Code::E0405,
                    trigger.pattern.span,
                    format!(
                        "`{}` is breached on `{}` events, but this pattern matches `{}`",
                        target.name,
                        action(recorded),
                        action(used)
                    ),
                )
                .with_label_here(format!("matches `{}`", action(used)))
                .with_label(
                    target.name_span,
                    format!("`{}` is declared here", target.name),
                )
                .with_note(format!(
                    "{what}: write `on breach of {} x: {}(...)`",
                    target.name,
                    action(recorded)
                ));
                self.diags.push(d);
            }
        }
    }

    /// Does the pattern argument `e` name a constant of the parameter's
    /// type `ty` (or one of another type, which the type check reports)?
    /// A name that resolves to an enum member of `ty`, an entity or a
    /// `const` is always the constant; a literal or a qualified name is a
    /// constant; a name that resolves to nothing binds a variable.
    pub(super) fn is_pattern_constant(&mut self, e: &ast::Expr, ty: &Ty) -> bool {
        match &e.kind {
            ast::ExprKind::Lit(_) => true,
            ast::ExprKind::Path(p) if !p.is_single() => true,
            ast::ExprKind::Path(p) => {
                let name = &p.segments[0].name;
                if let Ty::Enum(en) = ty {
                    if self.prog.enums[en.index()]
                        .members
                        .iter()
                        .any(|m| m == name)
                    {
                        return true;
                    }
                }
                let ids = match self.scopes.lookup_path(self.env.module, p) {
                    Ok(id) => vec![id],
                    Err(LookupError::Ambiguous(ids)) => ids,
                    Err(LookupError::NotFound) => Vec::new(),
                };
                ids.into_iter().any(|id| {
                    matches!(
                        self.scopes.decl(id).kind,
                        DeclKind::Const | DeclKind::Entity
                    )
                })
            }
            _ => false,
        }
    }

    /// `param == CONSTANT` for each constant argument of a pattern, first,
    /// then the clause's own `when` (its conjuncts, if it is an `and`).
    pub(super) fn with_constants(
        constants: &[PatternConstant],
        vars: &[VarDef],
        when: Option<Expr>,
    ) -> Option<Expr> {
        if constants.is_empty() {
            return when;
        }
        let mut conjuncts: Vec<Expr> = constants
            .iter()
            .map(|(v, value, span)| Expr {
                kind: ExprKind::Cmp(
                    CmpOp::Eq,
                    Box::new(Expr {
                        kind: ExprKind::Var(*v),
                        ty: vars.get(v.index()).map_or(Ty::Error, |d| d.ty.clone()),
                        span: *span,
                    }),
                    Box::new(Expr {
                        kind: ExprKind::Lit(value.clone()),
                        ty: vars.get(v.index()).map_or(Ty::Error, |d| d.ty.clone()),
                        span: *span,
                    }),
                ),
                ty: Ty::Bool,
                span: *span,
            })
            .collect();
        let span = conjuncts[0].span;
        match when {
            Some(Expr {
                kind: ExprKind::And(rest),
                ..
            }) => conjuncts.extend(rest),
            Some(w) => conjuncts.push(w),
            None => {}
        }
        Some(if conjuncts.len() == 1 {
            conjuncts.remove(0)
        } else {
            Expr {
                kind: ExprKind::And(conjuncts),
                ty: Ty::Bool,
                span,
            }
        })
    }
}
