//! Norms and red lines (§4): grouping a body's clauses, severity, source,
//! the trigger and deontic clause, binding patterns, overrides (W0005) and
//! unused variables (W0001). The ladder is in `ladder.rs`, exceptions in
//! `exceptions.rs`.

use super::{Checker, Env};
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclId, DeclKind};
use crate::span::Span;
use crate::syntax::ast;

/// A norm body's clauses, grouped: a `when` belongs to the clause before it.
#[derive(Default)]
pub(super) struct Body<'a> {
    pub(super) source: Option<&'a ast::StrLit>,
    pub(super) severity: Option<&'a ast::Ident>,
    pub(super) response: Option<&'a ast::Path>,
    pub(super) trigger: Option<(&'a Option<ast::Ident>, &'a ast::Call, Option<&'a ast::Expr>)>,
    /// `on breach of NORM`: the breached norm as written.
    pub(super) breach: Option<&'a ast::Path>,
    pub(super) deontic: Option<DeonticClause<'a>>,
}

pub(super) struct DeonticClause<'a> {
    modality: ast::Modality,
    binder: &'a Option<ast::Ident>,
    action: &'a ast::Call,
    within: &'a Option<Box<ast::Expr>>,
    when: Option<&'a ast::Expr>,
    unless: Option<&'a ast::Expr>,
    span: Span,
}

fn misplaced(span: Span, message: impl Into<String>, note: &str) -> Diagnostic {
    Diagnostic::new(Code::E0103, span, message)
        .with_label_here("misplaced clause")
        .with_note(note)
}

const ORDER_NOTE: &str = "a norm body is, in order: `source`, `severity`, an optional trigger `on ... [when ...]`, and exactly one `forbid`, `permit` or `oblige` clause";

impl Checker<'_> {
    pub(super) fn group_clauses<'c>(
        &mut self,
        clauses: &'c [ast::Clause],
        is_exception: bool,
    ) -> (Body<'c>, Option<&'c ast::Expr>, Option<&'c ast::Expr>) {
        let mut body = Body::default();
        // For exceptions: their own when/unless.
        let (mut ex_when, mut ex_unless) = (None, None);
        enum Anchor {
            None,
            Trigger,
            Deontic,
        }
        let mut anchor = Anchor::None;
        for clause in clauses {
            match clause {
                ast::Clause::Error(_) => {}
                ast::Clause::Source(s) => {
                    if body.source.is_some() {
                        self.diags.push(misplaced(
                            s.span,
                            "`source` is given twice",
                            "keep one citation",
                        ));
                    }
                    body.source = Some(s);
                }
                ast::Clause::Severity(s) if !is_exception => body.severity = Some(s),
                ast::Clause::Response(r) if !is_exception => body.response = Some(r),
                ast::Clause::On {
                    breach,
                    binder,
                    pattern,
                    span,
                } if !is_exception => {
                    if body.trigger.is_some() {
                        self.diags.push(misplaced(
                            *span,
                            "a norm has at most one trigger `on`",
                            ORDER_NOTE,
                        ));
                    } else if body.deontic.is_some() {
                        self.diags.push(misplaced(*span, "the trigger `on` must come before the `forbid`, `permit` or `oblige` clause", ORDER_NOTE));
                    } else {
                        body.trigger = Some((binder, pattern, None));
                        body.breach = breach.as_deref();
                    }
                    anchor = Anchor::Trigger;
                }
                ast::Clause::Deontic {
                    modality,
                    binder,
                    action,
                    within,
                    span,
                } if !is_exception => {
                    if let Some(first) = &body.deontic {
                        self.diags.push(
                            misplaced(
                                *span,
                                "a norm has exactly one `forbid`, `permit` or `oblige` clause",
                                ORDER_NOTE,
                            )
                            .with_label(first.span, "the first one is here")
                            .with_note("split it into two norms"),
                        );
                        anchor = Anchor::None;
                        continue;
                    }
                    body.deontic = Some(DeonticClause {
                        modality: *modality,
                        binder,
                        action,
                        within,
                        when: None,
                        unless: None,
                        span: *span,
                    });
                    anchor = Anchor::Deontic;
                }
                ast::Clause::When(e, span) => {
                    if is_exception {
                        if ex_when.is_some() {
                            self.diags.push(misplaced(
                                *span,
                                "an exception has one `when`",
                                "join the conditions with `and`",
                            ));
                        }
                        ex_when = Some(e);
                        continue;
                    }
                    match anchor {
                        Anchor::Trigger => match &mut body.trigger {
                            Some((_, _, w @ None)) => *w = Some(e),
                            _ => self.diags.push(misplaced(*span, "this trigger already has a `when`", "join the conditions with `and`")),
                        },
                        Anchor::Deontic => match &mut body.deontic {
                            Some(d) if d.modality == ast::Modality::Oblige => self.diags.push(misplaced(
                                *span,
                                "an `oblige` clause takes no `when`",
                                "put the condition on the trigger: `on x: action(...) when CONDITION`",
                            )),
                            Some(d) if d.when.is_none() && d.unless.is_none() => d.when = Some(e),
                            _ => self.diags.push(misplaced(*span, "this clause already has a `when`", "join the conditions with `and`")),
                        },
                        Anchor::None => self.diags.push(misplaced(*span, "`when` must follow an `on`, `forbid` or `permit` clause", ORDER_NOTE)),
                    }
                }
                ast::Clause::Unless(e, span) => {
                    if is_exception {
                        ex_unless = Some(e);
                        continue;
                    }
                    match (&anchor, &mut body.deontic) {
                        (Anchor::Deontic, Some(d)) if d.unless.is_none() => d.unless = Some(e),
                        _ => self.diags.push(misplaced(
                            *span,
                            "`unless` must follow the `forbid`, `permit` or `oblige` clause",
                            ORDER_NOTE,
                        )),
                    }
                }
                other => {
                    self.diags.push(misplaced(
                        other.span(),
                        "an exception holds only `source`, `when` and `unless` clauses",
                        "an exception sees its target's variables; state when it holds with `when`",
                    ));
                }
            }
        }
        (body, ex_when, ex_unless)
    }

    pub(super) fn check_norms(&mut self) {
        for id in self.decls_of(&[DeclKind::Norm, DeclKind::Redline]) {
            let Some(ast::Item::Norm(n)) = self.bodies[id.0 as usize].take() else {
                continue;
            };
            let def = self.check_norm(id, &n);
            self.prog.norms.push(def);
        }
        // W0005 needs every norm's modality: after all are built.
        for n in 0..self.prog.norms.len() {
            for &o in &self.prog.norms[n].overrides.clone() {
                let (a, b) = (&self.prog.norms[n], &self.prog.norms[o.index()]);
                if a.modality == b.modality && n != o.index() {
                    let span = self
                        .override_spans
                        .get(&(n, o.index()))
                        .copied()
                        .unwrap_or(a.name_span);
                    self.diags.push(
                        Diagnostic::new(Code::W0005, span, format!("`{}` overrides `{}`, but both are `{}` norms: the override has no effect", a.name, b.name, a.modality.as_str()))
                            .with_label_here("no effect")
                            .with_label(b.name_span, format!("`{}` is also a `{}` norm", b.name, b.modality.as_str()))
                            .with_note("an override settles a collision between a permit or duty and a prohibition; remove it"),
                    );
                }
            }
        }
    }

    fn check_norm(&mut self, id: DeclId, n: &ast::NormDecl) -> NormDef {
        let d = self.scopes.decl(id).clone();
        let norm_id = d.index as usize;
        self.env = Env {
            module: d.module,
            ..Default::default()
        };
        let (body, _, _) = self.group_clauses(&n.clauses, false);
        let is_redline = n.kind == ast::NormKind::Redline;

        let severity = match body.severity {
            None => NormSeverity::Medium,
            Some(s) => NormSeverity::parse(&s.name).unwrap_or_else(|| {
                let mut diag = Diagnostic::new(
                    Code::E0201,
                    s.span,
                    format!("`{}` is not a severity", s.name),
                )
                .with_label_here("unknown severity")
                .with_note("the severities are `low`, `medium`, `high` and `critical`");
                if let Some(near) = nearest(&s.name, ["low", "medium", "high", "critical"]) {
                    diag = diag.with_fix(s.span, near);
                }
                self.diags.push(diag);
                NormSeverity::Medium
            }),
        };
        if is_redline && (body.severity.is_none() || body.response.is_none()) {
            let missing = match (body.severity.is_none(), body.response.is_none()) {
                (true, true) => "a `severity` and a `response`",
                (true, false) => "a `severity`",
                _ => "a `response`",
            };
            self.diags.push(
                Diagnostic::new(Code::E0404, n.name.span, format!("red line `{}` needs {missing}", n.name.name))
                    .with_label_here(format!("missing {missing}"))
                    .with_note("a red line states how grave it is (`severity low|medium|high|critical`) and the highest rung of the ladder a crossing justifies (`response RUNG`)"),
            );
        }
        if !is_redline {
            if let Some(r) = body.response {
                self.diags.push(misplaced(
                    r.span,
                    "only red lines have a `response`",
                    "declare it with `redline NAME { ... }` instead of `norm`",
                ));
            }
        }
        if body.source.is_none() && !n.clauses.iter().any(|c| matches!(c, ast::Clause::Error(_))) {
            self.diags.push(
                Diagnostic::new(Code::W0003, n.name.span, format!("`{}` has no `source`", n.name.name))
                    .with_label_here("no citation")
                    .with_note("cite the text this rule comes from, e.g. `source \"UN GGE 2015, A/70/174 para 13(f)\"`"),
            );
        }

        let mut vars: Vec<VarDef> = Vec::new();
        let (mut trigger_constants, mut matched_constants) = (Vec::new(), Vec::new());
        let trigger_pattern = body.trigger.and_then(|(binder, call, _)| {
            self.check_pattern(binder, call, &mut vars, &mut trigger_constants)
        });
        let mut modality = ast::Modality::Forbid;
        let mut matched = None;
        let mut required = None;
        let mut within = None;
        let mut when = None;
        let mut unless = None;
        let has_broken_clause = n.clauses.iter().any(|c| matches!(c, ast::Clause::Error(_)));
        match &body.deontic {
            None if has_broken_clause => {}
            None => self.diags.push(
                Diagnostic::new(
                    Code::E0103,
                    n.name.span,
                    format!(
                        "`{}` has no `forbid`, `permit` or `oblige` clause",
                        n.name.name
                    ),
                )
                .with_label_here("says nothing is forbidden, permitted or obliged")
                .with_note(ORDER_NOTE),
            ),
            Some(dc) => {
                modality = dc.modality;
                if is_redline && dc.modality != ast::Modality::Forbid {
                    self.diags.push(misplaced(dc.span, "a red line must `forbid`", "a red line marks what must not be done; use a `norm` for permissions and duties"));
                }
                if dc.modality == ast::Modality::Oblige {
                    if body.trigger.is_none() {
                        self.diags.push(
                            Diagnostic::new(Code::E0403, dc.span, "an `oblige` clause needs a trigger")
                                .with_label_here("when does this duty arise?")
                                .with_note("add `on x: action(...)` before it; the duty's window runs from the trigger's time"),
                        );
                    }
                    if dc.within.is_none() {
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0403,
                                dc.span,
                                "I was expecting a `within` after this obligation",
                            )
                            .with_label_here("no deadline")
                            .with_note("add a deadline, e.g. `within 72h`"),
                        );
                    }
                } else {
                    matched =
                        self.check_pattern(dc.binder, dc.action, &mut vars, &mut matched_constants);
                }
            }
        }
        self.env.unnamed = super::teach::unnamed_events(
            &d.name,
            trigger_pattern.as_ref().map(|p| {
                let on = match body.breach {
                    Some(norm) => format!("on breach of {}", norm.to_text()),
                    None => "on".to_string(),
                };
                (on, p)
            }),
            matched.as_ref().map(|m| (modality, m)),
        );
        // Expressions see the whole frame, but for the variables that
        // constant arguments are bound to: no name reaches them, and they
        // count as used.
        let constant_vars: Vec<VarId> = trigger_constants
            .iter()
            .chain(&matched_constants)
            .map(|c| c.0)
            .collect();
        self.env.frame = vars
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let hidden = constant_vars.contains(&VarId(k as u32));
                let name = if hidden {
                    String::new()
                } else {
                    v.name.clone()
                };
                (name, v.ty.clone(), v.span)
            })
            .collect();
        self.env.used = (0..vars.len())
            .map(|k| constant_vars.contains(&VarId(k as u32)))
            .collect();
        let breach = body.breach.and_then(|p| self.breached_norm(p));
        let trigger = match (trigger_pattern, body.trigger) {
            (Some(pattern), Some((_, _, w))) => {
                let when = w.map(|w| self.check_cond(w, "when"));
                Some(Trigger {
                    pattern,
                    when: Self::with_constants(&trigger_constants, &vars, when),
                    breach,
                })
            }
            (None, Some((_, _, Some(w)))) => {
                // Still check the condition for errors in it.
                self.check_cond(w, "when");
                None
            }
            _ => None,
        };
        if let Some(dc) = &body.deontic {
            if dc.modality == ast::Modality::Oblige {
                required = self.check_required(dc.action);
                within = dc
                    .within
                    .as_ref()
                    .and_then(|w| match self.constant(w, &Ty::Duration) {
                        Value::Duration(s) if s >= 0 => Some(s),
                        Value::Duration(_) => {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0104,
                                    w.span,
                                    "a deadline cannot be negative",
                                )
                                .with_label_here("negative"),
                            );
                            None
                        }
                        _ => None,
                    });
            }
            when = dc.when.map(|w| self.check_cond(w, "when"));
            unless = dc.unless.map(|u| self.check_cond(u, "unless"));
        }
        if matched.is_some() {
            when = Self::with_constants(&matched_constants, &vars, when);
        }
        let mut overrides = Vec::new();
        for p in &n.overrides {
            if let Some(ExceptionTarget::Norm(t)) = self.resolve_norm_target(p, false) {
                self.override_spans.insert((norm_id, t.index()), p.span);
                overrides.push(t);
            }
        }
        self.norm_used.push(std::mem::take(&mut self.env.used));
        NormDef {
            name: d.name.clone(),
            qualified: self.qualified(d.module, &d.name),
            module: ModuleId(d.module as u32),
            kind: if is_redline {
                NormKind::Redline
            } else {
                NormKind::Norm
            },
            title: n.title.as_ref().map(|t| t.value.clone()),
            doc: n.doc.clone(),
            source: body.source.map(|s| s.value.clone()),
            severity,
            response: self.rungs.get(&id).copied(),
            modality,
            trigger,
            matched,
            required,
            within,
            when,
            unless,
            overrides,
            exceptions: Vec::new(),
            vars,
            span: n.span,
            name_span: n.name.span,
        }
    }

    /// A binding pattern: each name becomes a variable, `_` matches
    /// anything, and a constant is pushed on `constants` (bound to a
    /// variable no expression can name: see `breach.rs`).
    fn check_pattern(
        &mut self,
        binder: &Option<ast::Ident>,
        call: &ast::Call,
        vars: &mut Vec<VarDef>,
        constants: &mut Vec<super::breach::PatternConstant>,
    ) -> Option<Pattern> {
        let Some(action) = self.resolve_action(&call.callee) else {
            Self::bind_without_action(binder, call, vars);
            return None;
        };
        let bind = |this: &mut Self, name: &ast::Ident, ty: Ty, vars: &mut Vec<VarDef>| -> VarId {
            if let Some(prev) = vars.iter().find(|v| v.name == name.name) {
                this.diags.push(
                    Diagnostic::new(
                        Code::E0202,
                        name.span,
                        format!("the variable `{}` is bound twice", name.name),
                    )
                    .with_label_here("second binding")
                    .with_label(prev.span, "first bound here")
                    .with_note(
                        "patterns never compare: bind a new name and compare the two in `when`",
                    ),
                );
            }
            vars.push(VarDef {
                name: name.name.clone(),
                ty,
                span: name.span,
            });
            VarId(vars.len() as u32 - 1)
        };
        let binder = binder
            .as_ref()
            .map(|b| bind(self, b, Ty::Event(action), vars));
        let mut bindings = Vec::new();
        let mut seen = Vec::new();
        for arg in &call.args {
            let Some(pname) = &arg.name else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0103,
                        arg.value.span,
                        "I was expecting `param: name` in this pattern",
                    )
                    .with_label_here("name the parameter this binds"),
                );
                continue;
            };
            let Some(i) = self.param_index(action, pname) else {
                // Still bind the name, so its uses do not cascade into E0201.
                if let Some(var) = arg.value.as_ident().filter(|v| v.name != "_") {
                    bind(self, var, Ty::Error, vars);
                }
                continue;
            };
            if seen.contains(&i) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0202,
                        pname.span,
                        format!("`{}` appears twice in this pattern", pname.name),
                    )
                    .with_label_here("second time"),
                );
                continue;
            }
            seen.push(i);
            let ty = self.prog.actions[action.index()].params[i].ty.clone();
            if self.is_pattern_constant(&arg.value, &ty) {
                let value = self.constant(&arg.value, &ty);
                let span = arg.value.span;
                let spelled = self
                    .sources
                    .get(span.file)
                    .text
                    .get(span.start as usize..span.end as usize)
                    .unwrap_or("")
                    .to_string();
                vars.push(VarDef {
                    name: spelled,
                    ty,
                    span,
                });
                let v = VarId(vars.len() as u32 - 1);
                bindings.push((i, v));
                if value != Value::Unknown {
                    constants.push((v, value, span));
                }
                continue;
            }
            let Some(var) = arg.value.as_ident() else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0103,
                        arg.value.span,
                        "I was expecting a variable name, `_` or a constant in this pattern",
                    )
                    .with_label_here("patterns never compute")
                    .with_note(format!(
                        "bind a name, e.g. `{}: v`, and put the condition in `when`",
                        pname.name
                    )),
                );
                continue;
            };
            if var.name == "_" {
                continue;
            }
            let v = bind(self, var, ty, vars);
            bindings.push((i, v));
        }
        Some(Pattern {
            action,
            binder,
            bindings,
            span: call.span,
        })
    }

    /// W0001: a pattern variable no condition uses.
    pub(super) fn lint_unused_vars(&mut self) {
        for (n, used) in self.norm_used.iter().enumerate() {
            let Some(norm) = self.prog.norms.get(n) else {
                continue;
            };
            // Event binders (`x:`) only name the event; only parameter
            // bindings are checked (the spec's own examples bind `x:` freely).
            let binders: Vec<VarId> = [
                norm.trigger.as_ref().and_then(|t| t.pattern.binder),
                norm.matched.as_ref().and_then(|m| m.binder),
            ]
            .into_iter()
            .flatten()
            .collect();
            for (v, var) in norm.vars.iter().enumerate() {
                if used.get(v).copied().unwrap_or(true)
                    || var.name.starts_with('_')
                    || binders.contains(&VarId(v as u32))
                {
                    continue;
                }
                self.diags.push(
                    Diagnostic::new(Code::W0001, var.span, format!("the variable `{}` is never used", var.name))
                        .with_label_here("bound but never used")
                        .with_note("use it in a `when`, or write `_` (or leave the parameter out) to match anything")
                        .with_fix(var.span, "_"),
                );
            }
        }
    }
}
