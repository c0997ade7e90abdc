//! The ladder (§4): resolving each red line's `response` rung and checking
//! that the rungs in force together belong to one ordered enum (E0404).

use std::collections::{HashMap, HashSet};

use super::{Checker, Env};
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::DeclKind;
use crate::span::Span;
use crate::syntax::ast;

impl Checker<'_> {
    /// Resolve one `response` rung: a member of an ordered enum.
    pub(super) fn resolve_rung(&mut self, module: usize, p: &ast::Path) -> Option<(EnumId, u32)> {
        self.env = Env {
            module,
            ..Default::default()
        };
        if p.is_single() {
            let name = &p.segments[0].name;
            let mut found = Vec::new();
            let mut all_members: Vec<String> = Vec::new();
            let enums: Vec<u32> = self
                .scopes
                .visible_names(module)
                .filter(|(_, id)| self.scopes.decl(*id).kind == DeclKind::Enum)
                .map(|(_, id)| self.scopes.decl(id).index)
                .collect();
            for e in enums {
                let def = &self.prog.enums[e as usize];
                if let Some(m) = def.members.iter().position(|m| m == name) {
                    found.push((EnumId(e), m as u32));
                }
                if def.ordered {
                    all_members.extend(def.members.iter().cloned());
                }
            }
            found.sort();
            found.dedup();
            if found.len() > 1 {
                if let Some(l) = self.prog.ladder {
                    found.retain(|(e, _)| *e == l);
                }
            }
            return match found.as_slice() {
                [one] => {
                    let def = self.prog.enums[one.0.index()].member_spans[one.1 as usize];
                    self.refer(p.span, def);
                    Some(*one)
                }
                [] => {
                    let mut d = Diagnostic::new(
                        Code::E0201,
                        p.span,
                        format!("`{name}` is not a rung of any ladder in scope"),
                    )
                    .with_label_here("unknown response");
                    if let Some(near) = nearest(name, all_members.iter().map(String::as_str)) {
                        d = d
                            .with_note(format!("did you mean `{near}`?"))
                            .with_fix(p.span, near);
                    }
                    self.diags.push(d.with_note("a response names a member of an ordered enum, such as `enum Response { protest < sanctions < countermeasures }`"));
                    None
                }
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0204,
                            p.span,
                            format!("`{name}` is a member of several enums"),
                        )
                        .with_label_here("which ladder?")
                        .with_note("qualify it, e.g. `Response::sanctions`"),
                    );
                    None
                }
            };
        }
        let checked = self.check_expr(
            &ast::Expr::new(ast::ExprKind::Path(p.clone()), p.span),
            None,
        );
        match checked.kind {
            ExprKind::Lit(Value::Enum(e, m)) => Some((e, m)),
            _ if checked.ty == Ty::Error => None,
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0404,
                        p.span,
                        "a response must be a rung of the ladder (a member of an ordered enum)",
                    )
                    .with_label_here("not an enum member"),
                );
                None
            }
        }
    }

    /// Find the ladders. Every red line's `response` is a rung of an
    /// ordered enum; the rungs in force together — those of a module and of
    /// every module it reaches through `use` — must all belong to one enum,
    /// that module's ladder (E0404). Unrelated files may use different
    /// ladders.
    pub(super) fn resolve_ladder(&mut self) {
        self.rungs = HashMap::new();
        // (module, span, enum) of every resolved rung, in declaration order.
        let mut all: Vec<(usize, Span, EnumId)> = Vec::new();
        for id in self.decls_of(&[DeclKind::Redline, DeclKind::Norm]) {
            let module = self.scopes.decl(id).module;
            let Some(ast::Item::Norm(n)) = &self.bodies[id.0 as usize] else {
                continue;
            };
            let responses: Vec<ast::Path> = n
                .clauses
                .iter()
                .filter_map(|c| match c {
                    ast::Clause::Response(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            for p in &responses {
                let Some((e, m)) = self.resolve_rung(module, p) else {
                    continue;
                };
                let def = &self.prog.enums[e.index()];
                if !def.ordered {
                    let name_span = def.name_span;
                    let name = def.name.clone();
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0404,
                            p.span,
                            format!(
                                "the ladder must be an ordered enum, but `{name}` is unordered"
                            ),
                        )
                        .with_label_here("a rung of an unordered enum")
                        .with_label(name_span, "declared with commas here")
                        .with_note("declare the rungs from lowest to highest with `<`"),
                    );
                    continue;
                }
                self.prog.ladder.get_or_insert(e);
                self.rungs.insert(id, (e, m));
                all.push((module, p.span, e));
            }
        }
        let mut reported: HashSet<Span> = HashSet::new();
        self.module_ladders = vec![None; self.modules.len()];
        for m in 0..self.modules.len() {
            let closure = self.module_closure(m);
            let mut first: Option<(EnumId, Span)> = None;
            for &(rm, span, e) in &all {
                if !closure.contains(&rm) {
                    continue;
                }
                match first {
                    None => first = Some((e, span)),
                    Some((l, lspan)) if l != e => {
                        if reported.insert(span) {
                            let d = self.mixed_ladders(l, lspan, e, span);
                            self.diags.push(d);
                        }
                    }
                    Some(_) => {}
                }
            }
            self.module_ladders[m] = first.map(|(e, _)| e);
        }
    }

    /// E0404: rungs of two enums in force together.
    fn mixed_ladders(
        &self,
        ladder: EnumId,
        ladder_span: Span,
        other: EnumId,
        span: Span,
    ) -> Diagnostic {
        let (la, lb) = (
            &self.prog.enums[ladder.index()],
            &self.prog.enums[other.index()],
        );
        let (a, b) = if la.name == lb.name {
            (la.qualified.clone(), lb.qualified.clone())
        } else {
            (la.name.clone(), lb.name.clone())
        };
        Diagnostic::new(
            Code::E0404,
            span,
            format!("responses in force together come from different enums: `{b}` here, `{a}` elsewhere"),
        )
        .with_label_here(format!("a rung of `{b}`"))
        .with_label(ladder_span, format!("a rung of `{a}`, which made `{a}` the ladder"))
        .with_note("all `response` rungs in force (this module's and those of the modules it uses) must belong to one ordered enum, the ladder")
    }
}
