//! Rename (`textDocument/prepareRename`, `textDocument/rename`) of every
//! kind of declared name, across the open documents and the Norma files of
//! the workspace folder (plain and literate), wherever the checked program
//! recorded a reference to it (`Program::refs`): expressions, patterns,
//! `overrides`, `to`, `expect` lines, event arguments.
//!
//! A rename is refused, with the reason, for a name of the built-in
//! standard library, a module (its name is its file's), and a new name
//! that is not an identifier (a keyword). Anything else that would change
//! the program — a clash, a name that now hides another — is found by
//! checking the renamed texts again: the rename is offered only if they
//! give the same diagnostics and every name refers to the same declaration
//! as before. This module never edits a file itself; it answers with the
//! edits for the client to apply.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::{Range, TextEdit, Url, WorkspaceEdit};

use super::names::{self, Kind};
use super::navigate;
use super::state::{path_of, Analysis, Document, StdCache};
use crate::span::{FileId, Span};
use crate::syntax::lexer;
use crate::syntax::token::Tok;

/// How deep and how many Norma files of the folder a rename reads.
const FOLDER_DEPTH: usize = 8;
const FOLDER_FILES: usize = 2_000;

/// The name at a position that a rename would change, with its range, or
/// why it cannot be renamed. `Ok(None)`: no name there.
pub(super) fn prepare(
    a: &Analysis,
    file: FileId,
    off: usize,
) -> Result<Option<(Range, String)>, String> {
    let p = &a.session.program;
    let Some(t) = navigate::target_at(p, file, off) else {
        return Ok(None);
    };
    let decls = names::declarations(p);
    renamable(a, &decls, t.def)?;
    let Some(at) = names::last_segment(&a.session.sources, t.at) else {
        return Ok(None);
    };
    Ok(Some((a.range(at), a.session.sources.text(at).to_string())))
}

/// Refuse names that are not the user's to rename.
fn renamable(
    a: &Analysis,
    decls: &HashMap<Span, names::Declared>,
    def: Span,
) -> Result<Kind, String> {
    let p = &a.session.program;
    let Some(d) = decls.get(&def) else {
        return Err("this name cannot be renamed".into());
    };
    let module = p.modules.get(d.module.index());
    if let Some(m) = module.filter(|m| m.name.starts_with("std::")) {
        return Err(format!(
            "`{}` is a {} of the built-in standard library (`{}`): it cannot be renamed",
            a.session.sources.text(def),
            d.kind.describe(),
            m.name
        ));
    }
    if d.kind == Kind::Module {
        return Err("a module is named by its file: rename the file instead".into());
    }
    Ok(d.kind)
}

/// Is `name` an identifier (not a keyword, a number or punctuation)?
fn check_identifier(name: &str) -> Result<(), String> {
    let (tokens, out) = lexer::lex(FileId(0), name);
    let idents: Vec<&Tok> = tokens.iter().map(|(_, t, _)| t).collect();
    match idents.as_slice() {
        [Tok::Ident(s)] if *s == name && out.diagnostics.is_empty() => Ok(()),
        [t] if out.diagnostics.is_empty() && !name.trim().is_empty() => Err(format!(
            "`{name}` cannot be a name: it is {}",
            match t {
                Tok::Ident(_) => "not written as one word".to_string(),
                _ => format!("the keyword or symbol {t}"),
            }
        )),
        _ => Err(format!(
            "`{name}` is not a name (one word of letters, digits and `_`)"
        )),
    }
}

/// The Norma files under `root` (not hidden, not `target`), sorted.
pub(super) fn folder_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(root, 0, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > FOLDER_DEPTH || out.len() >= FOLDER_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        let name = c.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if c.is_dir() {
            walk(&c, depth + 1, out);
        } else if crate::syntax::literate::is_module_path(&c) && out.len() < FOLDER_FILES {
            out.push(c);
        }
    }
}

/// The open documents and, read from disk, the folder's other files.
fn workspace(docs: &BTreeMap<Url, Document>, folder: &[PathBuf]) -> BTreeMap<Url, Document> {
    let mut all: BTreeMap<Url, Document> = docs
        .iter()
        .map(|(u, d)| {
            let doc = Document {
                text: d.text.clone(),
                version: d.version,
                path: d.path.clone(),
            };
            (u.clone(), doc)
        })
        .collect();
    let open: Vec<PathBuf> = docs.values().map(|d| canonical(&d.path)).collect();
    for path in folder {
        if open.contains(&canonical(path)) {
            continue;
        }
        let (Ok(uri), Ok(text)) = (Url::from_file_path(path), std::fs::read_to_string(path)) else {
            continue;
        };
        all.entry(uri.clone()).or_insert(Document {
            text,
            version: 0,
            path: path_of(&uri),
        });
    }
    all
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// One replaced name: in which file, which bytes.
struct Edit {
    uri: Url,
    span: Span,
}

/// The edits renaming the name at `pos` of `uri` to `new_name`, across
/// the open documents and the files of `folder`; or why not.
pub(super) fn rename(
    docs: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    folder: &[PathBuf],
    uri: &Url,
    pos: lsp_types::Position,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let all = workspace(docs, folder);
    let before = Analysis::new(&all, includes, &StdCache::none());
    let p = &before.session.program;
    let file = before
        .file(uri)
        .ok_or_else(|| "this document is not open".to_string())?;
    let off = before.offset(file, pos);
    let target = navigate::target_at(p, file, off)
        .ok_or_else(|| "there is no name here to rename".to_string())?;
    let decls = names::declarations(p);
    let kind = renamable(&before, &decls, target.def)?;
    let old = before.session.sources.text(target.def).to_string();
    check_identifier(new_name)?;
    if new_name == old {
        return Ok(WorkspaceEdit::default());
    }
    let mut spans = vec![target.def];
    for r in &p.refs {
        if r.def != target.def {
            continue;
        }
        // A path names the declaration by its last name (`Level::high`).
        if let Some(s) = names::last_segment(&before.session.sources, r.at) {
            if before.session.sources.text(s) == old && !spans.contains(&s) {
                spans.push(s);
            }
        }
    }
    let mut edits = Vec::new();
    for span in spans {
        let uri = before.uri(span.file).cloned().ok_or_else(|| {
            format!("`{old}` is named in a file the editor cannot open: it cannot be renamed")
        })?;
        edits.push(Edit { uri, span });
    }
    verify(&before, &all, includes, &edits, new_name, kind)?;
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for e in &edits {
        changes
            .entry(e.uri.clone())
            .or_default()
            .push(TextEdit::new(before.range(e.span), new_name.to_string()));
    }
    for list in changes.values_mut() {
        list.sort_by_key(|e| (e.range.start.line, e.range.start.character));
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// Where an offset of a file lands after `edits` (each replacing whole
/// names with `delta` more bytes): shifted by every edit that ends at or
/// before it.
fn shift(edits: &[(FileId, u32, u32)], delta: i64, file: FileId, off: u32) -> u32 {
    let n = edits
        .iter()
        .filter(|(f, _, end)| *f == file && *end <= off)
        .count() as i64;
    (off as i64 + n * delta).max(0) as u32
}

/// Check the renamed texts again: refuse the rename if they are not the
/// same program under the new name.
fn verify(
    before: &Analysis,
    all: &BTreeMap<Url, Document>,
    includes: &[PathBuf],
    edits: &[Edit],
    new_name: &str,
    kind: Kind,
) -> Result<(), String> {
    let mut renamed: BTreeMap<Url, Document> = BTreeMap::new();
    for (u, d) in all {
        renamed.insert(
            u.clone(),
            Document {
                text: d.text.clone(),
                version: d.version,
                path: d.path.clone(),
            },
        );
    }
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    // Files that are not in the workspace (reached through `use` from
    // another folder or `-I`) are renamed as written on disk.
    for e in &sorted {
        if !renamed.contains_key(&e.uri) {
            let text = before.source(e.span.file).text.clone();
            let path = path_of(&e.uri);
            renamed.insert(
                e.uri.clone(),
                Document {
                    text,
                    version: 0,
                    path,
                },
            );
        }
        if let Some(d) = renamed.get_mut(&e.uri) {
            let r = e.span.start as usize..e.span.end as usize;
            if d.text.get(r.clone()).is_none() {
                return Err("the document changed while renaming; try again".into());
            }
            d.text.replace_range(r, new_name);
        }
    }
    let after = Analysis::new(&renamed, includes, &StdCache::none());
    // Files are matched by URI: the two runs may number them differently.
    let key = |a: &Analysis, s: Span| a.uri(s.file).cloned();
    let old_len = edits
        .first()
        .map_or(0, |e| (e.span.end - e.span.start) as i64);
    let delta = new_name.len() as i64 - old_len;
    let by_uri: Vec<(Option<Url>, u32, u32)> = edits
        .iter()
        .map(|e| (Some(e.uri.clone()), e.span.start, e.span.end))
        .collect();
    let moved = |s: Span| -> (Option<Url>, u32, u32) {
        let u = key(before, s);
        let here: Vec<(FileId, u32, u32)> = by_uri
            .iter()
            .filter(|(eu, ..)| *eu == u)
            .map(|(_, a, b)| (s.file, *a, *b))
            .collect();
        (
            u,
            shift(&here, delta, s.file, s.start),
            shift(&here, delta, s.file, s.end),
        )
    };
    let diag_key = |a: &Analysis, d: &crate::diagnostics::Diagnostic| {
        (key(a, d.span), d.code.as_str(), d.is_error())
    };
    let mut was: Vec<_> = before
        .session
        .diagnostics
        .iter()
        .map(|d| diag_key(before, d))
        .collect();
    was.sort();
    for d in &after.session.diagnostics {
        let k = diag_key(&after, d);
        match was.iter().position(|w| *w == k) {
            Some(i) => {
                was.remove(i);
            }
            None => {
                return Err(format!(
                    "renaming the {} to `{new_name}` would change the program: {}",
                    kind.describe(),
                    d.message
                ))
            }
        }
    }
    if !was.is_empty() {
        return Err(format!(
            "renaming the {} to `{new_name}` would change the program's diagnostics",
            kind.describe()
        ));
    }
    let mut expected: Vec<_> = before
        .session
        .program
        .refs
        .iter()
        .map(|r| (moved(r.at), moved(r.def)))
        .collect();
    let mut got: Vec<_> = after
        .session
        .program
        .refs
        .iter()
        .map(|r| {
            let at = (key(&after, r.at), r.at.start, r.at.end);
            let def = (key(&after, r.def), r.def.start, r.def.end);
            (at, def)
        })
        .collect();
    expected.sort();
    expected.dedup();
    got.sort();
    got.dedup();
    if expected != got {
        let hidden = got.iter().find(|g| !expected.contains(g));
        let why = match hidden.and_then(|(at, _)| at.0.clone().map(|u| (u, at.1))) {
            Some((u, off)) => {
                let line = renamed
                    .get(&u)
                    .and_then(|d| d.text.get(..off as usize))
                    .map_or(0, |t| t.matches('\n').count());
                format!(
                    ": a name on line {} of {} would refer to something else",
                    line + 1,
                    u.path_segments()
                        .and_then(|mut s| s.next_back())
                        .unwrap_or("a file")
                )
            }
            None => ": a name would no longer refer to what it did".into(),
        };
        return Err(format!(
            "renaming the {} to `{new_name}` would clash with another name{why}",
            kind.describe()
        ));
    }
    Ok(())
}
