//! Exceptions (§4): their targets (E0401), the chain of targets to the
//! norm whose variables they see, and their conditions. Also resolves
//! `overrides` targets, which follow the same rules.

use super::{Checker, Env};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclKind, LookupError};
use crate::span::Span;
use crate::syntax::ast;

impl Checker<'_> {
    /// What `p` names, recorded as a reference: as a target when it is a
    /// norm, red line or exception (`None` for another declaration), with
    /// the declaration's kind and name.
    pub(super) fn norm_or_exception(
        &mut self,
        p: &ast::Path,
    ) -> Result<(Option<ExceptionTarget>, DeclKind, Span), LookupError> {
        let id = self.scopes.lookup_path(self.env.module, p)?;
        let d = self.scopes.decl(id).clone();
        self.refer(p.span, d.name_span);
        let target = match d.kind {
            DeclKind::Norm | DeclKind::Redline => Some(ExceptionTarget::Norm(NormId(d.index))),
            DeclKind::Exception => Some(ExceptionTarget::Exception(ExceptionId(d.index))),
            _ => None,
        };
        Ok((target, d.kind, d.name_span))
    }

    /// Resolve an exception or override target (E0201 / E0401).
    pub(super) fn resolve_norm_target(
        &mut self,
        p: &ast::Path,
        allow_exception: bool,
    ) -> Option<ExceptionTarget> {
        let (target, kind, name_span) = match self.norm_or_exception(p) {
            Ok(found) => found,
            Err(err) => {
                let d = self
                    .scopes
                    .lookup_diag(self.env.module, p, err, "a norm", |k| {
                        matches!(k, DeclKind::Norm | DeclKind::Redline | DeclKind::Exception)
                    });
                self.diags.push(d);
                return None;
            }
        };
        match target {
            Some(t) if allow_exception || matches!(t, ExceptionTarget::Norm(_)) => Some(t),
            _ => {
                let what = if allow_exception {
                    "an exception's target must be a norm, red line or exception"
                } else {
                    "only a norm or red line can be overridden"
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::E0401,
                        p.span,
                        format!("`{}` is {}: {what}", p.to_text(), kind.describe()),
                    )
                    .with_label_here("not a norm")
                    .with_label(name_span, "declared here"),
                );
                None
            }
        }
    }

    pub(super) fn check_exceptions(&mut self) {
        let ids = self.decls_of(&[DeclKind::Exception]);
        let mut targets = Vec::new();
        for id in &ids {
            let module = self.scopes.decl(*id).module;
            let ast::Item::Exception(e) = self.item(*id) else {
                continue;
            };
            self.env = Env {
                module,
                ..Default::default()
            };
            targets.push(self.resolve_norm_target(&e.target, true));
        }
        // Roots: follow targets; a cycle has no root (E0402 comes from the graph).
        let roots: Vec<Option<NormId>> = (0..ids.len())
            .map(|i| {
                let mut cur = i;
                for _ in 0..=ids.len() {
                    match targets[cur] {
                        Some(ExceptionTarget::Norm(n)) => return Some(n),
                        Some(ExceptionTarget::Exception(e)) => cur = e.index(),
                        None => return None,
                    }
                }
                None
            })
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let d = self.scopes.decl(*id).clone();
            let ast::Item::Exception(e) = self.item(*id) else {
                continue;
            };
            self.env = Env {
                module: d.module,
                ..Default::default()
            };
            let (body, when, unless) = self.group_clauses(&e.clauses, true);
            let (mut w, mut u) = (None, None);
            if let Some(root) = roots[i] {
                let norm = &self.prog.norms[root.index()];
                self.env.unnamed = super::teach::unnamed_events(
                    &norm.name,
                    norm.trigger.as_ref().map(|t| {
                        let on = match t.breach {
                            Some(b) => {
                                format!("on breach of {}", self.prog.norms[b.norm.index()].name)
                            }
                            None => "on".to_string(),
                        };
                        (on, &t.pattern)
                    }),
                    norm.matched.as_ref().map(|m| (norm.modality, m)),
                );
                let vars = &self.prog.norms[root.index()].vars;
                self.env.frame = vars
                    .iter()
                    .map(|v| (v.name.clone(), v.ty.clone(), v.span))
                    .collect();
                self.env.used = vec![false; vars.len()];
                w = when.map(|x| self.check_cond(x, "when"));
                u = unless.map(|x| self.check_cond(x, "unless"));
                for (k, used) in std::mem::take(&mut self.env.used).into_iter().enumerate() {
                    if used {
                        self.norm_used[root.index()][k] = true;
                    }
                }
            }
            match targets[i] {
                Some(ExceptionTarget::Norm(n)) => self.prog.norms[n.index()]
                    .exceptions
                    .push(ExceptionId(i as u32)),
                Some(ExceptionTarget::Exception(_)) | None => {}
            }
            self.prog.exceptions.push(ExceptionDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                title: e.title.as_ref().map(|t| t.value.clone()),
                doc: e.doc.clone(),
                source: body.source.map(|s| s.value.clone()),
                target: targets[i].unwrap_or(ExceptionTarget::Norm(NormId(u32::MAX))),
                root: roots[i].unwrap_or(NormId(u32::MAX)),
                when: w,
                unless: u,
                exceptions: Vec::new(),
                span: e.span,
                name_span: e.name.span,
            });
        }
        for (i, t) in targets.iter().enumerate() {
            if let Some(ExceptionTarget::Exception(parent)) = t {
                self.prog.exceptions[parent.index()]
                    .exceptions
                    .push(ExceptionId(i as u32));
            }
        }
    }
}
