//! Modules and names: loading every module a run needs ([`loader`]), and
//! the table of what each module can see ([`Scopes`]).
//!
//! Visibility (§1): a module sees its own declarations, every declaration
//! of a module it `use`s whole, and the names listed in `use a::b::{X}`.
//! Where several are visible under one name, its own declaration wins,
//! then a listed import, then a whole-module import; two candidates of the
//! same rank make the name ambiguous (E0204), but only where it is used.

pub mod decode;
pub mod loader;
mod std_cache;

use std::collections::HashMap;

use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast;

/// Index of a top-level declaration in [`Scopes::decls`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    Enum,
    Type,
    Action,
    Const,
    Entity,
    Norm,
    Redline,
    Exception,
    Report,
}

impl DeclKind {
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Enum => "an enum",
            DeclKind::Type => "a record type",
            DeclKind::Action => "an action",
            DeclKind::Const => "a const",
            DeclKind::Entity => "an entity",
            DeclKind::Norm => "a norm",
            DeclKind::Redline => "a red line",
            DeclKind::Exception => "an exception",
            DeclKind::Report => "a report",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub kind: DeclKind,
    pub module: usize,
    pub item: usize,
    pub name: String,
    pub name_span: Span,
    /// Index among declarations of the same kind (the model id).
    pub index: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Own = 0,
    Listed = 1,
    Glob = 2,
}

#[derive(Debug, Default)]
struct ModuleScope {
    /// name -> candidates (decl, rank, the use item that brought it)
    names: HashMap<String, Vec<(DeclId, Rank, Option<usize>)>>,
    /// Modules usable as qualifiers: the text `a::b` -> module index.
    qualifiers: HashMap<String, (usize, usize)>,
}

/// What each module can see.
#[derive(Debug, Default)]
pub struct Scopes {
    pub decls: Vec<Decl>,
    /// Per module: its own declarations by name.
    own: Vec<HashMap<String, DeclId>>,
    scopes: Vec<ModuleScope>,
    /// Per module: which `use` items were needed by some lookup.
    used_imports: Vec<Vec<bool>>,
    counts: HashMap<DeclKind, u32>,
}

/// Why a lookup failed.
pub enum LookupError {
    NotFound,
    Ambiguous(Vec<DeclId>),
}

impl Scopes {
    /// Collect declarations (E0202 for duplicates) and build every scope.
    pub fn build(modules: &[loader::LoadedModule], diags: &mut Vec<Diagnostic>) -> Scopes {
        let mut s = Scopes::default();
        for (m, module) in modules.iter().enumerate() {
            let mut own: HashMap<String, DeclId> = HashMap::new();
            for (i, item) in module.ast.items.iter().enumerate() {
                let kind = match item {
                    ast::Item::Enum(_) => DeclKind::Enum,
                    ast::Item::Type(_) => DeclKind::Type,
                    ast::Item::Action(_) => DeclKind::Action,
                    ast::Item::Const(_) => DeclKind::Const,
                    ast::Item::Entity(_) => DeclKind::Entity,
                    ast::Item::Norm(n) if n.kind == ast::NormKind::Redline => DeclKind::Redline,
                    ast::Item::Norm(_) => DeclKind::Norm,
                    ast::Item::Exception(_) => DeclKind::Exception,
                    ast::Item::Report(_) => DeclKind::Report,
                    ast::Item::Use(_) | ast::Item::Error(_) => continue,
                };
                let Some(name) = item.name() else { continue };
                if let Some(prev) = own.get(&name.name) {
                    let prev = &s.decls[prev.0 as usize];
                    diags.push(
                        Diagnostic::new(
                            Code::E0202,
                            name.span,
                            format!("`{}` is declared twice in this module", name.name),
                        )
                        .with_label_here("second declaration")
                        .with_label(prev.name_span, "first declared here")
                        .with_note(
                            "rename one of them; every declaration of a module needs its own name",
                        ),
                    );
                    continue;
                }
                // Model ids count exceptions separately from norms, red
                // lines together with norms.
                let count_kind = if kind == DeclKind::Redline {
                    DeclKind::Norm
                } else {
                    kind
                };
                let counter = s.counts.entry(count_kind).or_insert(0);
                let index = *counter;
                *counter += 1;
                let id = DeclId(s.decls.len() as u32);
                s.decls.push(Decl {
                    kind,
                    module: m,
                    item: i,
                    name: name.name.clone(),
                    name_span: name.span,
                    index,
                });
                own.insert(name.name.clone(), id);
            }
            s.own.push(own);
        }
        for (m, module) in modules.iter().enumerate() {
            let mut scope = ModuleScope::default();
            for (name, &id) in &s.own[m] {
                scope
                    .names
                    .entry(name.clone())
                    .or_default()
                    .push((id, Rank::Own, None));
            }
            for &(item, target) in &module.uses {
                let ast::Item::Use(u) = &module.ast.items[item] else {
                    continue;
                };
                scope.qualifiers.insert(u.path.to_text(), (target, item));
                match &u.names {
                    None => {
                        for (name, &id) in &s.own[target] {
                            scope.names.entry(name.clone()).or_default().push((
                                id,
                                Rank::Glob,
                                Some(item),
                            ));
                        }
                    }
                    Some(list) => {
                        for ident in list {
                            match s.own[target].get(&ident.name) {
                                Some(&id) => scope
                                    .names
                                    .entry(ident.name.clone())
                                    .or_default()
                                    .push((id, Rank::Listed, Some(item))),
                                None => {
                                    let mut d = Diagnostic::new(
                                        Code::E0201,
                                        ident.span,
                                        format!(
                                            "module `{}` has no declaration named `{}`",
                                            u.path.to_text(),
                                            ident.name
                                        ),
                                    )
                                    .with_label_here("not declared there");
                                    if let Some(near) = nearest(
                                        &ident.name,
                                        s.own[target].keys().map(String::as_str),
                                    ) {
                                        d = d
                                            .with_note(format!("did you mean `{near}`?"))
                                            .with_fix(ident.span, near);
                                    }
                                    diags.push(d);
                                }
                            }
                        }
                    }
                }
            }
            for cands in scope.names.values_mut() {
                cands.sort_by_key(|c| (c.1, c.0));
                cands.dedup_by_key(|c| c.0);
            }
            s.scopes.push(scope);
            s.used_imports.push(vec![false; module.ast.items.len()]);
        }
        s
    }

    pub fn decl(&self, id: DeclId) -> &Decl {
        &self.decls[id.0 as usize]
    }

    /// Resolve an unqualified name in a module.
    pub fn lookup(&mut self, module: usize, name: &str) -> Result<DeclId, LookupError> {
        let Some(cands) = self.scopes[module].names.get(name) else {
            return Err(LookupError::NotFound);
        };
        let best = cands[0].1;
        // The common case, one best candidate, allocates nothing.
        if cands.iter().filter(|c| c.1 == best).nth(1).is_none() {
            if let Some(item) = cands[0].2 {
                self.used_imports[module][item] = true;
            }
            return Ok(cands[0].0);
        }
        let top: Vec<_> = cands.iter().filter(|c| c.1 == best).cloned().collect();
        if top.len() > 1 {
            for c in &top {
                if let Some(item) = c.2 {
                    self.used_imports[module][item] = true;
                }
            }
            return Err(LookupError::Ambiguous(top.iter().map(|c| c.0).collect()));
        }
        if let Some(item) = top[0].2 {
            self.used_imports[module][item] = true;
        }
        Ok(top[0].0)
    }

    /// Resolve a path: `X`, or `a::b::X` where `a::b` is used by the module.
    pub fn lookup_path(&mut self, module: usize, path: &ast::Path) -> Result<DeclId, LookupError> {
        if path.is_single() {
            return self.lookup(module, &path.segments[0].name);
        }
        let (last, prefix) = path.segments.split_last().ok_or(LookupError::NotFound)?;
        let prefix = prefix
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("::");
        let Some(&(target, item)) = self.scopes[module].qualifiers.get(&prefix) else {
            return Err(LookupError::NotFound);
        };
        let id = *self.own[target]
            .get(&last.name)
            .ok_or(LookupError::NotFound)?;
        self.used_imports[module][item] = true;
        Ok(id)
    }

    /// Is `prefix` (e.g. `std::core`) a module this module may qualify with?
    pub fn is_qualifier(&self, module: usize, prefix: &str) -> bool {
        self.scopes[module].qualifiers.contains_key(prefix)
    }

    /// Every name visible in a module (for "did you mean").
    pub fn visible_names(&self, module: usize) -> impl Iterator<Item = (&str, DeclId)> {
        self.scopes[module]
            .names
            .iter()
            .filter_map(|(n, c)| c.first().map(|c| (n.as_str(), c.0)))
    }

    /// The diagnostic for a failed lookup of `path` (E0201 or E0204).
    pub fn lookup_diag(
        &self,
        module: usize,
        path: &ast::Path,
        err: LookupError,
        what: &str,
        wanted: impl Fn(DeclKind) -> bool,
    ) -> Diagnostic {
        match err {
            LookupError::Ambiguous(ids) => {
                let mut d = Diagnostic::new(
                    Code::E0204,
                    path.span,
                    format!(
                        "`{}` is ambiguous: several modules declare it",
                        path.to_text()
                    ),
                )
                .with_label_here("which one?");
                for id in &ids {
                    let decl = self.decl(*id);
                    d = d.with_label(
                        decl.name_span,
                        format!("one `{}` is declared here", decl.name),
                    );
                }
                d.with_note("qualify the name with its module, e.g. `module::Name`, or import only one with `use module::{Name};`")
            }
            LookupError::NotFound => {
                let text = path.to_text();
                let mut d = Diagnostic::new(
                    Code::E0201,
                    path.span,
                    format!("I cannot find {what} named `{text}`"),
                )
                .with_label_here("not declared or imported here");
                let last = &path.last().name;
                let cands: Vec<&str> = self
                    .visible_names(module)
                    .filter(|(_, id)| wanted(self.decl(*id).kind))
                    .map(|(n, _)| n)
                    .collect();
                if let Some(near) = nearest(last, cands.iter().copied()) {
                    d = d
                        .with_note(format!("did you mean `{near}`?"))
                        .with_fix(path.span, near);
                } else if !path.is_single() {
                    d = d.with_note("a qualified name needs its module in a `use` of this file");
                }
                d
            }
        }
    }

    /// Does `module`, or a module it reaches through `use`, declare a
    /// norm or red line?
    fn brings_norms(&self, modules: &[loader::LoadedModule], module: usize) -> bool {
        let mut seen = vec![false; modules.len()];
        let mut stack = vec![module];
        while let Some(m) = stack.pop() {
            if m >= modules.len() || std::mem::replace(&mut seen[m], true) {
                continue;
            }
            if self
                .decls
                .iter()
                .any(|d| d.module == m && matches!(d.kind, DeclKind::Norm | DeclKind::Redline))
            {
                return true;
            }
            stack.extend(modules[m].uses.iter().map(|&(_, t)| t));
        }
        false
    }

    /// W0002 for every `use` that no lookup needed.
    pub fn unused_imports(&self, modules: &[loader::LoadedModule], diags: &mut Vec<Diagnostic>) {
        for (m, module) in modules.iter().enumerate() {
            for &(item, target) in &module.uses {
                if self.used_imports[m][item] {
                    continue;
                }
                let ast::Item::Use(u) = &module.ast.items[item] else {
                    continue;
                };
                // A `use` of a module that declares norms (or reaches
                // modules that do) puts them in force (§1), with or
                // without reports in this file: it is never unused.
                if self.brings_norms(modules, target) {
                    continue;
                }
                diags.push(
                    Diagnostic::new(
                        Code::W0002,
                        u.span,
                        format!("`use {}` is never used", u.path.to_text()),
                    )
                    .with_label_here("nothing from this module is used")
                    .with_note("remove this line"),
                );
            }
        }
    }
}
