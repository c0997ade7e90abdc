//! Where everything lives in the site: one page per module (a file name
//! that stays unique when two modules share a name), one anchor per
//! declaration, and the link from any resolved name (`Program::refs`) to
//! the declaration that contains its target. Reads only the checked model
//! and the source map; it never renders.

use std::collections::HashMap;

use crate::model::*;
use crate::span::{FileId, Span};

/// A declaration's place: its page and the anchor on that page.
#[derive(Clone, Debug)]
pub struct Place {
    pub page: String,
    pub anchor: String,
}

impl Place {
    /// The link to it from `from` (a page of the same folder).
    pub fn href(&self, from: &str) -> String {
        if self.anchor.is_empty() {
            self.page.clone()
        } else if self.page == from {
            format!("#{}", self.anchor)
        } else {
            format!("{}#{}", self.page, self.anchor)
        }
    }
}

/// The site's map of pages and anchors.
pub struct Links {
    /// The page of each module, by `ModuleId`.
    pub pages: Vec<String>,
    page_of_file: HashMap<FileId, usize>,
    /// Per file: (declaration span, anchor), sorted by start; nested spans
    /// do not occur among top-level declarations.
    decls: HashMap<FileId, Vec<(Span, String)>>,
    /// Every resolved name, by the file and end of where it is written (a
    /// qualified name `core::State` links from its last segment) → where
    /// its target is.
    refs: HashMap<(FileId, u32), Span>,
}

/// The anchor of a norm or red line: `norm-NAME`, stable across runs.
pub fn norm_anchor(n: &NormDef) -> String {
    format!("norm-{}", n.name)
}

pub fn exception_anchor(e: &ExceptionDef) -> String {
    format!("exception-{}", e.name)
}

/// A page name from a module name: `std::core` → `std.core.html`.
fn page_name(module: &str) -> String {
    let slug: String = module
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '.'
            }
        })
        .collect();
    let slug = slug.trim_matches('.').replace("..", ".");
    if slug.is_empty() {
        "module".to_string()
    } else {
        slug
    }
}

impl Links {
    pub fn new(p: &Program) -> Links {
        let mut taken: HashMap<String, usize> = HashMap::new();
        // `index` and the site's own files are never a module page.
        taken.insert("index".into(), 1);
        let mut pages = Vec::with_capacity(p.modules.len());
        let mut page_of_file = HashMap::new();
        for (i, m) in p.modules.iter().enumerate() {
            let base = page_name(&m.name);
            let n = taken.entry(base.clone()).or_insert(0);
            *n += 1;
            // Two modules of one name (a literate and a plain encoding of
            // one text, from two folders) get a page each.
            let page = if *n == 1 {
                format!("{base}.html")
            } else {
                format!("{base}-{n}.html")
            };
            pages.push(page);
            page_of_file.insert(m.file, i);
        }
        let mut decls: HashMap<FileId, Vec<(Span, String)>> = HashMap::new();
        let mut add = |span: Span, anchor: String| {
            decls.entry(span.file).or_default().push((span, anchor));
        };
        for x in &p.enums {
            add(x.span, format!("enum-{}", x.name));
        }
        for x in &p.records {
            add(x.span, format!("type-{}", x.name));
        }
        for x in &p.actions {
            add(x.span, format!("action-{}", x.name));
        }
        for x in &p.consts {
            add(x.span, format!("const-{}", x.name));
        }
        for x in &p.entities {
            // A report's entities are inside the report's span.
            if x.report.is_none() {
                add(x.span, format!("entity-{}", x.name));
            }
        }
        for x in &p.norms {
            add(x.span, norm_anchor(x));
        }
        for x in &p.exceptions {
            add(x.span, exception_anchor(x));
        }
        for x in &p.reports {
            add(x.span, format!("report-{}", x.name));
        }
        for list in decls.values_mut() {
            list.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
        }
        let refs = p
            .refs
            .iter()
            .map(|r| ((r.at.file, r.at.end), r.def))
            .collect();
        Links {
            pages,
            page_of_file,
            decls,
            refs,
        }
    }

    pub fn page(&self, m: ModuleId) -> &str {
        &self.pages[m.index()]
    }

    /// The page of the module whose file is `file`.
    pub fn page_of_file(&self, file: FileId) -> Option<&str> {
        self.page_of_file
            .get(&file)
            .map(|&i| self.pages[i].as_str())
    }

    /// The declaration (page and anchor) that contains `span`; a span
    /// outside every declaration (a `use` names a module's start) is the
    /// module's page itself, with an empty anchor.
    pub fn place_of(&self, span: Span) -> Option<Place> {
        let page = self.page_of_file(span.file)?.to_string();
        let found = self.decls.get(&span.file).and_then(|list| {
            let i = list.partition_point(|(s, _)| s.start <= span.start);
            list[..i]
                .iter()
                .rev()
                .find(|(s, _)| s.end >= span.end)
                .map(|(_, a)| a.clone())
        });
        Some(Place {
            page,
            anchor: found.unwrap_or_default(),
        })
    }

    /// Where the name written at `at` leads, if it was resolved.
    pub fn target(&self, at: Span) -> Option<Place> {
        self.refs
            .get(&(at.file, at.end))
            .and_then(|&def| self.place_of(def))
    }

    pub fn norm(&self, p: &Program, id: NormId) -> Place {
        let n = p.norm(id);
        Place {
            page: self.page(n.module).to_string(),
            anchor: norm_anchor(n),
        }
    }

    pub fn exception(&self, p: &Program, id: ExceptionId) -> Place {
        let e = p.exception(id);
        Place {
            page: self.page(e.module).to_string(),
            anchor: exception_anchor(e),
        }
    }
}
