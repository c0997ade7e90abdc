//! Document symbols (an outline of one file, from its syntax tree, so a
//! half-typed file still has one) and workspace symbols (every declaration
//! of the checked program: the open documents and everything they load).

use lsp_types::{DocumentSymbol, Location, SymbolInformation, SymbolKind};

use super::state::Analysis;
use crate::span::{FileId, Span};
use crate::syntax::ast::{self, Item, NormKind, ReportClause};

fn symbol(
    a: &Analysis,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: a.range(span),
        selection_range: a.range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

fn leaf(
    a: &Analysis,
    name: &ast::Ident,
    detail: Option<String>,
    kind: SymbolKind,
) -> DocumentSymbol {
    symbol(
        a,
        &name.name,
        detail,
        kind,
        name.span,
        name.span,
        Vec::new(),
    )
}

fn type_text(t: &ast::TypeExpr) -> String {
    match t {
        ast::TypeExpr::Named(p) => p.to_text(),
        ast::TypeExpr::Set(t, _) => format!("Set<{}>", type_text(t)),
    }
}

fn title(t: &Option<ast::StrLit>) -> Option<String> {
    t.as_ref().map(|t| t.value.clone())
}

/// The outline of one file of the analysis.
pub(super) fn document_symbols(a: &Analysis, file: FileId) -> Vec<DocumentSymbol> {
    let source = a.source(file);
    let parsed = crate::syntax::literate::parse_source(file, &source.name, &source.text);
    let mut out = Vec::new();
    for item in &parsed.module.items {
        let s = match item {
            Item::Use(_) | Item::Error(_) => continue,
            Item::Enum(d) => {
                let members = d
                    .members
                    .iter()
                    .map(|m| leaf(a, m, None, SymbolKind::ENUM_MEMBER))
                    .collect();
                let detail = Some(if d.ordered { "ordered enum" } else { "enum" }.into());
                symbol(
                    a,
                    &d.name.name,
                    detail,
                    SymbolKind::ENUM,
                    d.span,
                    d.name.span,
                    members,
                )
            }
            Item::Type(d) => {
                let fields = d
                    .fields
                    .iter()
                    .map(|f| leaf(a, &f.name, Some(type_text(&f.ty)), SymbolKind::FIELD))
                    .collect();
                let detail = Some("type".into());
                symbol(
                    a,
                    &d.name.name,
                    detail,
                    SymbolKind::STRUCT,
                    d.span,
                    d.name.span,
                    fields,
                )
            }
            Item::Action(d) => {
                let params = d
                    .params
                    .iter()
                    .map(|f| leaf(a, &f.name, Some(type_text(&f.ty)), SymbolKind::FIELD))
                    .collect();
                let detail = Some("action".into());
                symbol(
                    a,
                    &d.name.name,
                    detail,
                    SymbolKind::FUNCTION,
                    d.span,
                    d.name.span,
                    params,
                )
            }
            Item::Const(d) => {
                let detail = Some(type_text(&d.ty));
                symbol(
                    a,
                    &d.name.name,
                    detail,
                    SymbolKind::CONSTANT,
                    d.span,
                    d.name.span,
                    vec![],
                )
            }
            Item::Entity(d) => entity(a, d),
            Item::Norm(d) => {
                let kind = match d.kind {
                    NormKind::Norm => SymbolKind::CLASS,
                    NormKind::Redline => SymbolKind::INTERFACE,
                };
                let detail = title(&d.title).or_else(|| {
                    Some(match d.kind {
                        NormKind::Norm => "norm".into(),
                        NormKind::Redline => "red line".into(),
                    })
                });
                symbol(a, &d.name.name, detail, kind, d.span, d.name.span, vec![])
            }
            Item::Exception(d) => {
                let detail = Some(format!("exception to {}", d.target.to_text()));
                let kind = SymbolKind::OPERATOR;
                symbol(a, &d.name.name, detail, kind, d.span, d.name.span, vec![])
            }
            Item::Report(d) => {
                let children = d
                    .clauses
                    .iter()
                    .filter_map(|c| match c {
                        ReportClause::Entity(e) => Some(entity(a, e)),
                        ReportClause::Event(e) => Some(symbol(
                            a,
                            &e.name.name,
                            Some(e.call.callee.to_text()),
                            SymbolKind::EVENT,
                            e.span,
                            e.name.span,
                            vec![],
                        )),
                        _ => None,
                    })
                    .collect();
                let detail = title(&d.title).or_else(|| Some("report".into()));
                symbol(
                    a,
                    &d.name.name,
                    detail,
                    SymbolKind::MODULE,
                    d.span,
                    d.name.span,
                    children,
                )
            }
        };
        out.push(s);
    }
    out
}

fn entity(a: &Analysis, d: &ast::EntityDecl) -> DocumentSymbol {
    let detail = Some(d.ty.to_text());
    symbol(
        a,
        &d.name.name,
        detail,
        SymbolKind::OBJECT,
        d.span,
        d.name.span,
        vec![],
    )
}

/// Does `name` contain the characters of `query`, in order, ignoring case?
fn matches(name: &str, query: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

/// Every declaration of the analysis whose name matches `query`.
pub(super) fn workspace_symbols(a: &Analysis, query: &str) -> Vec<SymbolInformation> {
    let p = &a.session.program;
    let module_name = |m: crate::model::ModuleId| p.modules.get(m.index()).map(|m| m.name.clone());
    let mut decls: Vec<(&str, SymbolKind, Span, Option<String>)> = Vec::new();
    for e in &p.enums {
        decls.push((
            &e.name,
            SymbolKind::ENUM,
            e.name_span,
            module_name(e.module),
        ));
    }
    for r in &p.records {
        decls.push((
            &r.name,
            SymbolKind::STRUCT,
            r.name_span,
            module_name(r.module),
        ));
    }
    for x in &p.actions {
        decls.push((
            &x.name,
            SymbolKind::FUNCTION,
            x.name_span,
            module_name(x.module),
        ));
    }
    for c in &p.consts {
        decls.push((
            &c.name,
            SymbolKind::CONSTANT,
            c.name_span,
            module_name(c.module),
        ));
    }
    for e in p.entities.iter().filter(|e| e.report.is_none()) {
        decls.push((
            &e.name,
            SymbolKind::OBJECT,
            e.name_span,
            module_name(e.module),
        ));
    }
    for n in &p.norms {
        let kind = match n.kind {
            crate::model::NormKind::Norm => SymbolKind::CLASS,
            crate::model::NormKind::Redline => SymbolKind::INTERFACE,
        };
        decls.push((&n.name, kind, n.name_span, module_name(n.module)));
    }
    for e in &p.exceptions {
        decls.push((
            &e.name,
            SymbolKind::OPERATOR,
            e.name_span,
            module_name(e.module),
        ));
    }
    for r in &p.reports {
        decls.push((
            &r.name,
            SymbolKind::MODULE,
            r.name_span,
            module_name(r.module),
        ));
    }
    decls
        .into_iter()
        .filter(|(name, ..)| matches(name, query))
        .filter_map(|(name, kind, span, container)| {
            let location: Location = a.location(span)?;
            #[allow(deprecated)]
            Some(SymbolInformation {
                name: name.to_string(),
                kind,
                tags: None,
                deprecated: None,
                location,
                container_name: container,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fuzzy_match() {
        assert!(super::matches("notify_victim", "nv"));
        assert!(super::matches("Effect", "eff"));
        assert!(super::matches("gge_f", ""));
        assert!(!super::matches("gge_f", "x"));
    }
}
