//! `norma doc`'s pages: the index of modules (the standard library's
//! apart), and one page per module — a literate module's prose with each
//! `norma` block in place and the cards of the norms it declares after
//! it; a plain module's leading comment, then each declaration with its
//! doc comment and its code. Each page has the module's graph, the search
//! box and the print stylesheet. Pages are returned as text; the command
//! line writes them.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::code::highlight;
use super::graph::{module_svg, NoDrawing};
use super::links::Links;
use super::norm::{card, kind_label, ladder, Overrides};
use super::prose::{leading_comment, markdown};
use crate::driver::Session;
use crate::graph::DepGraph;
use crate::model::*;
use crate::span::Span;
use crate::syntax::literate;

/// What every page shares.
pub struct Ctx<'a> {
    pub s: &'a Session,
    pub links: Links,
    pub over: Overrides,
    pub graph: DepGraph,
}

/// One declaration of a module, in source order.
struct Decl {
    span: Span,
    name_span: Span,
    kind: &'static str,
    name: String,
    doc: Option<String>,
    norm: Option<NormId>,
}

fn decls_of(p: &Program, m: ModuleId) -> Vec<Decl> {
    let mut out = Vec::new();
    let mut push = |span, name_span, kind, name: &str, doc: &Option<String>, norm| {
        out.push(Decl {
            span,
            name_span,
            kind,
            name: name.to_string(),
            doc: doc.clone(),
            norm,
        })
    };
    for x in p.enums.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "enum", &x.name, &x.doc, None);
    }
    for x in p.records.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "type", &x.name, &x.doc, None);
    }
    for x in p.actions.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "action", &x.name, &x.doc, None);
    }
    for x in p.consts.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "const", &x.name, &x.doc, None);
    }
    for x in p
        .entities
        .iter()
        .filter(|x| x.module == m && x.report.is_none())
    {
        push(x.span, x.name_span, "entity", &x.name, &x.doc, None);
    }
    for (i, x) in p.norms.iter().enumerate().filter(|(_, x)| x.module == m) {
        let id = Some(NormId(i as u32));
        push(x.span, x.name_span, kind_label(x), &x.name, &x.doc, id);
    }
    for x in p.exceptions.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "exception", &x.name, &x.doc, None);
    }
    for x in p.reports.iter().filter(|x| x.module == m) {
        push(x.span, x.name_span, "report", &x.name, &x.doc, None);
    }
    out.sort_by_key(|d| d.span.start);
    out
}

fn anchor_of(d: &Decl) -> String {
    let prefix = match d.kind {
        "red line" => "norm",
        "type" => "type",
        k => k,
    };
    format!("{prefix}-{}", d.name)
}

/// The frame of every page.
pub fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Norma" }
                link rel="stylesheet" href="style.css";
            }
            body {
                header.top {
                    a.home href="index.html" { "Rule set" }
                    form.search role="search" onsubmit="return false" {
                        label for="search" { "Search norms" }
                        input #search type="search" placeholder="name, title or source" autocomplete="off";
                        ul #search-results aria-live="polite" {}
                    }
                }
                main { (body) }
                script src="search.js" {}
            }
        }
    }
    .into_string()
}

fn graph_figure(c: &Ctx, m: ModuleId) -> Markup {
    match module_svg(&c.graph, m) {
        Ok(d) => {
            let label = format!(
                "Dependency graph of {}: {} nodes, {} relations",
                c.s.program.modules[m.index()].name,
                d.nodes,
                d.edges
            );
            let svg = d.svg.replacen(
                "<svg ",
                &format!("<svg role=\"img\" aria-label=\"{label}\" "),
                1,
            );
            html! {
                h2 { "Dependency graph" }
                figure.graph {
                    div.scroll tabindex="0" { (PreEscaped(svg)) }
                    figcaption {
                        (label) ". "
                        @for (k, (look, meaning)) in super::graph::LEGEND.iter().enumerate() {
                            @if k > 0 { "; " }
                            (look) ": " (meaning)
                        }
                        "."
                    }
                }
            }
        }
        Err(NoDrawing::Empty) => html! {},
        Err(NoDrawing::TooLarge(n)) => html! {
            p.note { "The dependency graph has " (n) " nodes, too many to draw readably; "
                code { "norma graph" } " prints it whole." }
        },
    }
}

/// A module's page.
pub fn module_page(c: &Ctx, m: ModuleId) -> String {
    let p = &c.s.program;
    let module = &p.modules[m.index()];
    let file = c.s.sources.get(module.file);
    let page_name = c.links.page(m).to_string();
    let decls = decls_of(p, m);
    let body = if literate::is_literate(&file.name) {
        literate_body(c, m, &decls, &page_name)
    } else {
        plain_body(c, m, &decls, &page_name)
    };
    let ladder_here = p
        .ladder
        .filter(|e| p.enums[e.index()].module == m)
        .map(|e| ladder(p, e, &c.links, &page_name));
    let norms = decls.iter().filter(|d| d.norm.is_some()).count();
    page(
        &module.name,
        html! {
            h1 { code { (module.name) } }
            p.path { (file.name) " · " (norms) " norms and red lines" }
            (body)
            (graph_figure(c, m))
            @if let Some(l) = ladder_here { (l) }
        },
    )
}

fn literate_body(c: &Ctx, m: ModuleId, decls: &[Decl], page: &str) -> Markup {
    let p = &c.s.program;
    let file_id = p.modules[m.index()].file;
    let text = &c.s.sources.get(file_id).text;
    let anchors: Vec<(Span, String)> = decls
        .iter()
        .filter(|d| d.norm.is_none())
        .map(|d| (d.name_span, anchor_of(d)))
        .collect();
    let (blocks, _) = literate::blocks(text);
    let mut parts = Vec::new();
    let mut cursor = 0;
    for b in blocks {
        // The opening fence is the line before the code.
        let fence = text[..b.start.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        if fence > cursor {
            parts.push(markdown(&text[cursor..fence]));
        }
        parts.push(highlight(
            text,
            file_id,
            b.clone(),
            Some(&c.links),
            page,
            &anchors,
        ));
        for d in decls
            .iter()
            .filter(|d| b.contains(&(d.span.start as usize)))
        {
            if let Some(id) = d.norm {
                parts.push(card(p, id, &c.links, &c.over, page));
            }
        }
        // Past the closing fence's line.
        cursor = text[b.end..]
            .find('\n')
            .map_or(text.len(), |i| b.end + i + 1);
    }
    if cursor < text.len() {
        parts.push(markdown(&text[cursor..]));
    }
    html! { div.literate { @for part in parts { (part) } } }
}

fn plain_body(c: &Ctx, m: ModuleId, decls: &[Decl], page: &str) -> Markup {
    let p = &c.s.program;
    let file = c.s.sources.get(p.modules[m.index()].file);
    let (intro, _) = leading_comment(&file.text);
    html! {
        @if !intro.trim().is_empty() { div.intro { (markdown(&intro)) } }
        @for d in decls {
            @let code = highlight(&file.text, d.span.file, d.span.range(), Some(&c.links), page, &[]);
            @match d.norm {
                Some(id) => { (card(p, id, &c.links, &c.over, page)) (code) },
                None => section.decl id=(anchor_of(d)) {
                    h3 { span.kind { (d.kind) } " " a.self href={ "#" (anchor_of(d)) } { code { (d.name) } } }
                    @if let Some(doc) = &d.doc { div.doc { (markdown(doc)) } }
                    (code)
                },
            }
        }
    }
}

/// The index: the modules named on the command line, then the standard
/// library's, then every norm in one table.
pub fn index_page(c: &Ctx) -> String {
    let p = &c.s.program;
    let mut order: Vec<ModuleId> = (0..p.modules.len() as u32).map(ModuleId).collect();
    let is_std = |m: &ModuleId| p.modules[m.index()].name.starts_with("std::");
    order.sort_by_key(|m| {
        (
            is_std(m),
            c.s.sources.get(p.modules[m.index()].file).name.clone(),
        )
    });
    let row = |m: &ModuleId| {
        let module = &p.modules[m.index()];
        let n = p.norms.iter().filter(|n| n.module == *m).count();
        let e = p.exceptions.iter().filter(|x| x.module == *m).count();
        let r = p.reports.iter().filter(|x| x.module == *m).count();
        html! {
            tr {
                td { a href=(c.links.page(*m)) { code { (module.name) } } }
                td.path { (c.s.sources.get(module.file).name) }
                td.num { (n) } td.num { (e) } td.num { (r) }
            }
        }
    };
    let table = |ms: Vec<&ModuleId>| {
        html! {
            table.modules {
                thead { tr { th scope="col" { "Module" } th scope="col" { "File" } th scope="col" { "Norms" } th scope="col" { "Exceptions" } th scope="col" { "Reports" } } }
                tbody { @for m in ms { (row(m)) } }
            }
        }
    };
    let own: Vec<&ModuleId> = order.iter().filter(|m| !is_std(m)).collect();
    let std: Vec<&ModuleId> = order.iter().filter(|m| is_std(m)).collect();
    page(
        "Rule set",
        html! {
            h1 { "Rule set" }
            p { (p.modules.len()) " modules, " (p.norms.len()) " norms and red lines, "
                (p.exceptions.len()) " exceptions, " (p.reports.len()) " reports." }
            @if !own.is_empty() { h2 { "Modules" } (table(own)) }
            @if !std.is_empty() { h2 { "Standard library" } (table(std)) }
            @if let Some(l) = p.ladder { (ladder(p, l, &c.links, "index.html")) }
            h2 { "Every norm" }
            table.norms {
                thead { tr { th scope="col" { "Norm" } th scope="col" { "Title" } th scope="col" { "Severity" } th scope="col" { "Source" } } }
                tbody {
                    @for (i, n) in p.norms.iter().enumerate() {
                        tr {
                            td { a href=(c.links.norm(p, NormId(i as u32)).href("index.html")) { code { (n.qualified) } } }
                            td { (n.title.as_deref().unwrap_or("")) }
                            td { span.(format!("sev sev-{}", n.severity.as_str())) { (n.severity.as_str()) } }
                            td.source { (n.source.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        },
    )
}

/// The search index: every norm and exception, with the words it is
/// found by, as a script (pages opened from `file://` cannot fetch JSON).
pub fn search_index(c: &Ctx) -> String {
    let p = &c.s.program;
    let mut entries = Vec::new();
    for (i, n) in p.norms.iter().enumerate() {
        entries.push(serde_json::json!({
            "name": n.qualified,
            "title": n.title.as_deref().unwrap_or(""),
            "source": n.source.as_deref().unwrap_or(""),
            "kind": kind_label(n),
            "href": c.links.norm(p, NormId(i as u32)).href(""),
        }));
    }
    for (i, e) in p.exceptions.iter().enumerate() {
        entries.push(serde_json::json!({
            "name": e.qualified,
            "title": e.title.as_deref().unwrap_or(""),
            "source": e.source.as_deref().unwrap_or(""),
            "kind": "exception",
            "href": c.links.exception(p, ExceptionId(i as u32)).href(""),
        }));
    }
    format!(
        "var NORMA_INDEX = {};\n{}",
        serde_json::Value::Array(entries),
        super::style::SEARCH_JS
    )
}
