//! Type checking: from parsed modules and their scopes to the checked
//! [`Program`]. Owns every diagnostic of §9 from E0201 on (except E0203 and
//! E0205, which belong to the loader) and the lints W0001–W0005.
//!
//! The checker runs in phases over all modules at once, because ids are
//! global and declarations may refer forward (an override of a norm
//! declared later, an entity whose owner comes further down):
//! 1. types: enums, record types, actions (their fields' types);
//! 2. the ladder: the ordered enum of every red line's `response`;
//! 3. consts (evaluated on demand, in dependency order) and entities;
//! 4. norms and red lines, then exceptions (which need their target's
//!    variable frame), then reports;
//! 5. lints and the dependency graph's cycle check (E0402).
//!
//! **`check/` does no I/O and never panics on any input**: an item with an
//! error keeps its place in the program with `Ty::Error` where its type
//! could not be known, so later phases see ids they can trust; a program
//! with errors is never evaluated.

mod breach;
mod calls;
mod decls;
mod exceptions;
mod expr;
mod ladder;
mod locals;
mod names;
mod norms;
mod reports;
mod teach;

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::resolve::loader::LoadedModule;
use crate::resolve::{DeclId, DeclKind, Scopes};
use crate::span::SourceMap;

/// Where an expression is being checked: which module's names, which
/// variable frame, which report's entities and events.
#[derive(Default)]
struct Env<'a> {
    module: usize,
    /// The variable frame (name, type) of the norm being checked.
    frame: Vec<(String, Ty, crate::span::Span)>,
    /// Which frame variables some expression used.
    used: Vec<bool>,
    /// Report-local names: entities and events.
    locals: locals::Locals<'a>,
    /// `?` is allowed (inside reports).
    allow_unknown: bool,
    /// The patterns of the norm being checked (an exception's: of its
    /// root) that do not name their event, for the hint on a condition
    /// that reads an event by a name no pattern gives.
    unnamed: Vec<teach::UnnamedEvent>,
}

#[derive(Clone)]
enum ConstState {
    Todo,
    InProgress,
    Done(Ty, Value),
}

pub struct Checker<'a> {
    modules: &'a [LoadedModule],
    /// The modules' texts: a folded event is expanded from its text.
    sources: &'a SourceMap,
    scopes: Scopes,
    diags: Vec<Diagnostic>,
    prog: Program,
    env: Env<'a>,
    consts: Vec<ConstState>,
    /// Declaration of each const / entity, by model index.
    const_decls: Vec<DeclId>,
    /// Per norm: which frame variables are used (for W0001).
    norm_used: Vec<Vec<bool>>,
    /// Each red line's resolved `response` rung.
    rungs: HashMap<DeclId, (EnumId, u32)>,
    /// Where each `overrides` target is written: (norm, target) -> span.
    override_spans: HashMap<(usize, usize), crate::span::Span>,
    /// The syntax trees of norms, red lines and reports, by `DeclId`, moved
    /// out of their modules: each is dropped as soon as it is checked, so
    /// a large file never holds its whole tree and its whole checked
    /// program at once.
    bodies: Vec<Option<crate::syntax::ast::Item>>,
    /// Fill `Program::refs`.
    record_refs: bool,
    /// Per module: the ladder of the red lines in force there.
    module_ladders: Vec<Option<EnumId>>,
}

/// Check loaded modules. Returns the program and every diagnostic found.
/// The syntax trees of norms, red lines and reports are consumed (replaced
/// by `Item::Error` in `modules`).
/// With `record_refs`, every resolved name is recorded in `Program::refs`
/// (for editors); the command line leaves it empty.
pub fn check(
    modules: &mut [LoadedModule],
    sources: &SourceMap,
    record_refs: bool,
) -> (Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let scopes = Scopes::build(modules, &mut diags);
    let mut bodies: Vec<Option<crate::syntax::ast::Item>> = Vec::with_capacity(scopes.decls.len());
    for d in &scopes.decls {
        let body = match d.kind {
            DeclKind::Norm | DeclKind::Redline | DeclKind::Report => {
                let item = &mut modules[d.module].ast.items[d.item];
                let span = item.span();
                Some(std::mem::replace(
                    item,
                    crate::syntax::ast::Item::Error(span),
                ))
            }
            _ => None,
        };
        bodies.push(body);
    }
    let modules: &[LoadedModule] = modules;
    let mut c = Checker {
        modules,
        sources,
        scopes,
        diags,
        prog: Program::default(),
        env: Env::default(),
        consts: Vec::new(),
        const_decls: Vec::new(),
        norm_used: Vec::new(),
        rungs: HashMap::new(),
        override_spans: HashMap::new(),
        bodies,
        record_refs,
        module_ladders: Vec::new(),
    };
    c.prog.modules = modules
        .iter()
        .map(|m| ModuleDef {
            name: m.name.clone(),
            file: m.file,
            uses: m.uses.iter().map(|&(_, t)| ModuleId(t as u32)).collect(),
            is_entry: m.is_entry,
        })
        .collect();
    for m in modules {
        for &(item, target) in &m.uses {
            if let crate::syntax::ast::Item::Use(u) = &m.ast.items[item] {
                let file = modules[target].file;
                c.refer(u.path.span, crate::span::Span::new(file, 0, 0));
            }
        }
    }
    c.declare_types();
    c.resolve_ladder();
    c.check_consts_and_entities();
    c.check_norms();
    c.check_breaches();
    c.check_exceptions();
    c.check_reports();
    c.lint_unused_vars();
    c.scopes.unused_imports(modules, &mut c.diags);
    crate::graph::check_cycles(&c.prog, &mut c.diags);
    // A declaration that did not parse was reported as a syntax error;
    // do not report its name again wherever it is used.
    let broken: Vec<String> = modules
        .iter()
        .flat_map(|m| m.ast.broken_names.iter().map(|n| format!("`{n}`")))
        .collect();
    if !broken.is_empty() {
        c.diags.retain(|d| {
            !(matches!(
                d.code,
                crate::diagnostics::Code::E0201 | crate::diagnostics::Code::E0502
            ) && broken.iter().any(|b| d.message.contains(b.as_str())))
        });
    }
    teach::suggest_uses(&c.scopes, modules, &mut c.diags);
    (c.prog, c.diags)
}

impl<'a> Checker<'a> {
    /// Declarations of one kind, in model-id order.
    fn decls_of(&self, kinds: &[DeclKind]) -> Vec<DeclId> {
        (0..self.scopes.decls.len() as u32)
            .map(DeclId)
            .filter(|&id| kinds.contains(&self.scopes.decl(id).kind))
            .collect()
    }

    fn qualified(&self, module: usize, name: &str) -> String {
        format!("{}::{}", self.modules[module].name, name)
    }

    /// A module and every module it reaches through `use`.
    fn module_closure(&self, module: usize) -> std::collections::HashSet<usize> {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![module];
        while let Some(m) = stack.pop() {
            if seen.insert(m) {
                stack.extend(self.modules[m].uses.iter().map(|&(_, t)| t));
            }
        }
        seen
    }

    /// Record that the name at `at` refers to the declaration named at
    /// `def` (for go-to-definition, references and hover).
    fn refer(&mut self, at: crate::span::Span, def: crate::span::Span) {
        if self.record_refs {
            self.prog.refs.push(Reference { at, def });
        }
    }

    fn item(&self, id: DeclId) -> &'a crate::syntax::ast::Item {
        let d = self.scopes.decl(id);
        &self.modules[d.module].ast.items[d.item]
    }
}
