//! HTML for readers without a command line: `norma doc`'s static site of
//! a rule set ([`site`]) and the one-file reports of `compare`, `diff`,
//! `eval` and `explain` ([`report`]). Pages are built with maud (templates
//! checked when the crate compiles, every value escaped), prose with
//! pulldown-cmark, graphs laid out in pure Rust (layout-rs).
//!
//! This stage reads the checked model (`model.rs`), the dependency graph
//! (`graph::build`), and the public results of the evaluator and the
//! analysis; it never reaches into another stage's internals. It returns
//! text and never writes files or prints: the command line does. Nothing
//! a page shows is fetched from anywhere: styles and scripts are files of
//! the site (or inlined in a report).

mod analysis;
mod code;
mod graph;
mod links;
mod norm;
mod prose;
mod report;
mod site;
mod style;

pub use analysis::{compare_page, diff_page};
pub use report::{eval_page, explain_page};

use crate::driver::Session;
use crate::graph::GraphOptions;

/// A file of the site: its name inside the output folder, and its text.
pub struct SiteFile {
    pub name: String,
    pub text: String,
}

/// The static site of the checked program in `session` (which must have
/// been checked with its references recorded,
/// `driver::check_paths_with_refs`, for names to link): `index.html`, a
/// page per module, `style.css` and `search.js`.
pub fn doc_site(session: &Session) -> Vec<SiteFile> {
    let p = &session.program;
    let ctx = site::Ctx {
        s: session,
        links: links::Links::new(p),
        over: norm::Overrides::new(p),
        graph: crate::graph::build(p, &GraphOptions::default()),
    };
    let mut files = vec![
        SiteFile {
            name: "index.html".into(),
            text: site::index_page(&ctx),
        },
        SiteFile {
            name: "style.css".into(),
            text: style::CSS.trim_start().to_string(),
        },
        SiteFile {
            name: "search.js".into(),
            text: site::search_index(&ctx),
        },
    ];
    for i in 0..p.modules.len() {
        let m = crate::model::ModuleId(i as u32);
        files.push(SiteFile {
            name: ctx.links.page(m).to_string(),
            text: site::module_page(&ctx, m),
        });
    }
    files
}
