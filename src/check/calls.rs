//! Calls and actions in expressions (§5): `known(e)`, `max_response(X)`,
//! required actions (`exists action(param: value)`, an `oblige`'s action)
//! with their named arguments, and the timings of `exists`.

use super::Checker;
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::DeclKind;
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn check_call(&mut self, call: &ast::Call, span: crate::span::Span) -> Expr {
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

    pub(super) fn check_timing(&mut self, t: &ast::Timing) -> Timing {
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
