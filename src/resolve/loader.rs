//! Finding and loading modules: the files named on the command line (and
//! every `.norma` file in a folder named there), then every module they
//! reach through `use`, from the embedded standard library (`std::...`),
//! the entry file's directory, or `-I` directories, in that order.
//!
//! Owns E0203 (module not found) and E0205 (import cycle). It reads files;
//! nothing after it does I/O.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::decode::{self, Decoded};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::{SourceFile, SourceMap, Span};
use crate::syntax::{self, ast};

mod stdlib {
    include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));
}

/// The names of the embedded standard library modules (`core`, `gge2015`, ...).
pub fn stdlib_modules() -> impl Iterator<Item = (&'static str, &'static str)> {
    stdlib::STDLIB.iter().copied()
}

/// One parsed module.
#[derive(Debug)]
pub struct LoadedModule {
    pub name: String,
    pub file: crate::span::FileId,
    pub ast: ast::Module,
    pub is_entry: bool,
    /// For each `use` item (by item index): the module it names, if found.
    pub uses: Vec<(usize, usize)>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub modules: Vec<LoadedModule>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A failure to read what the user named: exit code 2, not a diagnostic.
#[derive(Debug)]
pub struct IoFailure {
    pub message: String,
}

/// A module found but not yet loaded: (name, path on disk, text, display name).
type Found = (String, Option<PathBuf>, Decoded, PathBuf);

#[derive(Clone, PartialEq, Eq, Hash)]
enum ModKey {
    Std(String),
    File(PathBuf),
}

struct Loader<'a> {
    includes: &'a [PathBuf],
    /// Texts that take the place of files on disk (the language server's
    /// open buffers), by canonical path.
    overlay: HashMap<PathBuf, String>,
    out: Loaded,
    by_key: HashMap<ModKey, usize>,
    /// Modules being loaded (for cycle detection), with the `use` that led
    /// to each.
    stack: Vec<usize>,
    done: Vec<bool>,
}

/// Load the files and folders named on the command line, and everything
/// they use.
pub fn load(paths: &[PathBuf], includes: &[PathBuf]) -> Result<Loaded, IoFailure> {
    let mut entries = Vec::new();
    for p in paths {
        collect_entries(p, &mut entries)?;
    }
    load_entries(entries, includes)
}

/// Load files and folders, then in-memory sources (`(display name,
/// directory for its uses, text)`), all as entries of one run: `norma
/// compare` names a module path (`std::paris_call`) as a one-line source
/// that `use`s it.
pub fn load_with_texts(
    paths: &[PathBuf],
    texts: Vec<(String, PathBuf, String)>,
    includes: &[PathBuf],
) -> Result<Loaded, IoFailure> {
    let mut entries = Vec::new();
    for p in paths {
        collect_entries(p, &mut entries)?;
    }
    let mut loader = Loader::new(includes);
    loader.add_files(entries)?;
    for (name, dir, text) in texts {
        loader.add(
            ModKey::File(PathBuf::from(&name)),
            name.clone(),
            name,
            None,
            Decoded::plain(text),
            true,
            dir,
        );
    }
    Ok(loader.out)
}

/// Load in-memory sources as entries (for the language server and tests):
/// `(display name, directory for its uses, text)`.
pub fn load_texts(texts: Vec<(String, PathBuf, String)>, includes: &[PathBuf]) -> Loaded {
    load_texts_over(texts, Vec::new(), includes)
}

/// [`load_texts`], with the language server's open documents `(path,
/// text)` taking the place of their files on disk for every `use` (they
/// are not entries).
pub fn load_texts_over(
    texts: Vec<(String, PathBuf, String)>,
    documents: Vec<(PathBuf, String)>,
    includes: &[PathBuf],
) -> Loaded {
    let mut loader = Loader::new(includes);
    loader.overlay = documents
        .into_iter()
        .map(|(path, text)| (canonical(&path), text))
        .collect();
    for (name, dir, text) in texts {
        let stem = syntax::literate::module_stem(Path::new(&name))
            .unwrap_or("main")
            .to_string();
        loader.add(
            ModKey::File(PathBuf::from(&name)),
            stem,
            name,
            None,
            Decoded::plain(text),
            true,
            dir,
        );
    }
    loader.out
}

/// The files named on the command line and every `.norma` file below the
/// folders named there, in order (for commands that do not load modules,
/// like `norma fmt`).
pub fn norma_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IoFailure> {
    let mut out = Vec::new();
    for p in paths {
        collect_entries(p, &mut out)?;
    }
    Ok(out)
}

/// The text of one file, or why its bytes are refused (see [`decode`]).
pub fn read_source(path: &Path) -> Result<Decoded, IoFailure> {
    read_text(path)
}

/// Load the language server's open documents: `(path, text)`. Each is an
/// entry, as if named on the command line, and a `use` that reaches one of
/// them reads its text instead of the file on disk.
pub fn load_documents(docs: Vec<(PathBuf, String)>, includes: &[PathBuf]) -> Loaded {
    let mut loader = Loader::new(includes);
    let docs: Vec<(PathBuf, String)> = docs
        .into_iter()
        .map(|(path, text)| (canonical(&path), text))
        .collect();
    loader.overlay = docs.iter().cloned().collect();
    for (path, text) in docs {
        let key = ModKey::File(path.clone());
        if loader.by_key.contains_key(&key) {
            continue;
        }
        loader.add_entry(key, path, Decoded::plain(text));
    }
    loader.out
}

fn collect_entries(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), IoFailure> {
    let meta = std::fs::metadata(p).map_err(|e| IoFailure {
        message: format!("cannot read `{}`: {e}", p.display()),
    })?;
    if meta.is_dir() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| IoFailure {
                message: format!("cannot read folder `{}`: {e}", p.display()),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        children.sort();
        for c in children {
            if c.is_dir() || syntax::literate::is_module_path(&c) {
                collect_entries(&c, out)?;
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn load_entries(entries: Vec<PathBuf>, includes: &[PathBuf]) -> Result<Loaded, IoFailure> {
    let mut loader = Loader::new(includes);
    loader.add_files(entries)?;
    Ok(loader.out)
}

/// The canonical path; for a file that does not exist (yet: an unsaved
/// buffer), its canonical folder joined with its name.
fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| p.to_path_buf()),
        _ => p.to_path_buf(),
    }
}

/// Read a file; bytes that are not UTF-8 come back refused, never
/// replaced (see [`decode`]).
fn read_text(path: &Path) -> Result<Decoded, IoFailure> {
    let bytes = std::fs::read(path).map_err(|e| IoFailure {
        message: format!("cannot read `{}`: {e}", path.display()),
    })?;
    Ok(decode::decode(bytes))
}

impl<'a> Loader<'a> {
    fn new(includes: &'a [PathBuf]) -> Loader<'a> {
        Loader {
            includes,
            overlay: HashMap::new(),
            out: Loaded::default(),
            by_key: HashMap::new(),
            stack: Vec::new(),
            done: Vec::new(),
        }
    }

    /// Add the files named on the command line, each once.
    fn add_files(&mut self, entries: Vec<PathBuf>) -> Result<(), IoFailure> {
        for path in entries {
            let key = ModKey::File(canonical(&path));
            // Named on the command line, so an entry, even when an
            // earlier entry's `use` loaded it first.
            if let Some(&i) = self.by_key.get(&key) {
                self.out.modules[i].is_entry = true;
                continue;
            }
            let text = read_text(&path)?;
            self.add_entry(key, path, text);
        }
        Ok(())
    }

    /// Add a file named on the command line (or an open document): named
    /// by its stem, its `use`s resolved from its own folder first.
    fn add_entry(&mut self, key: ModKey, path: PathBuf, text: Decoded) -> usize {
        let stem = syntax::literate::module_stem(&path)
            .unwrap_or("main")
            .to_string();
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = path.display().to_string();
        self.add(key, stem, name, Some(path), text, true, root)
    }

    /// Add one module and, depth first, everything it uses.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        key: ModKey,
        name: String,
        display: String,
        path: Option<PathBuf>,
        text: Decoded,
        is_entry: bool,
        root: PathBuf,
    ) -> usize {
        let file = self
            .out
            .sources
            .add(SourceFile::new(display, path, text.text));
        let parsed = match text.error {
            // A refused file is not parsed: one error, an empty module.
            Some(e) => syntax::Parsed {
                module: ast::Module::default(),
                diagnostics: vec![e.diagnostic(file)],
            },
            None => {
                let source = self.out.sources.get(file);
                let embedded = match &key {
                    ModKey::Std(sub) => stdlib::STDLIB.iter().find(|(n, _)| n == sub),
                    ModKey::File(_) => None,
                };
                match embedded {
                    Some((sub, _)) => {
                        super::std_cache::parse_std(sub, file, &source.name, &source.text)
                    }
                    None => syntax::literate::parse_for_check(file, &source.name, &source.text),
                }
            }
        };
        self.out.diagnostics.extend(parsed.diagnostics);
        let idx = self.out.modules.len();
        self.out.modules.push(LoadedModule {
            name,
            file,
            ast: parsed.module,
            is_entry,
            uses: Vec::new(),
        });
        self.done.push(false);
        self.by_key.insert(key, idx);
        self.stack.push(idx);
        let use_items: Vec<(usize, ast::Path)> = self.out.modules[idx]
            .ast
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                ast::Item::Use(u) => Some((i, u.path.clone())),
                _ => None,
            })
            .collect();
        for (item, path) in use_items {
            if let Some(target) = self.resolve_use(&path, &root) {
                self.out.modules[idx].uses.push((item, target));
            }
        }
        self.stack.pop();
        self.done[idx] = true;
        idx
    }

    fn resolve_use(&mut self, path: &ast::Path, root: &Path) -> Option<usize> {
        let segs: Vec<&str> = path.segments.iter().map(|s| s.name.as_str()).collect();
        let (key, found): (ModKey, Option<Found>) = if segs[0] == "std" {
            let sub = segs[1..].join("::");
            let key = ModKey::Std(sub.clone());
            let text = stdlib::STDLIB
                .iter()
                .find(|(n, _)| *n == sub)
                .map(|(_, t)| Decoded::plain(t.to_string()));
            let found = text.map(|t| {
                (
                    format!("std::{sub}"),
                    None,
                    format!("std/{}.norma", segs[1..].join("/")),
                    t,
                )
            });
            (key, found.map(|(n, p, d, t)| (n, p, t, d.into())))
        } else {
            let rel: PathBuf = segs.iter().collect::<PathBuf>().with_extension("norma");
            let mut found = None;
            let mut key = ModKey::File(root.join(&rel));
            let includes = self.includes;
            for dir in std::iter::once(root).chain(includes.iter().map(PathBuf::as_path)) {
                let Some(candidate) = self.module_file(dir, &rel, path) else {
                    continue;
                };
                let canon = canonical(&candidate);
                let open = self.overlay.get(&canon).cloned();
                if open.is_some() || candidate.is_file() {
                    key = ModKey::File(canon);
                    if !self.by_key.contains_key(&key) {
                        match open
                            .map(Decoded::plain)
                            .map_or_else(|| read_text(&candidate), Ok)
                        {
                            Ok(text) => {
                                found = Some((
                                    segs.join("::"),
                                    Some(candidate.clone()),
                                    text,
                                    PathBuf::from(candidate.display().to_string()),
                                ))
                            }
                            Err(e) => {
                                self.out.diagnostics.push(
                                    Diagnostic::new(Code::E0203, path.span, e.message)
                                        .with_label_here("this module could not be read"),
                                );
                                return None;
                            }
                        }
                    }
                    break;
                }
            }
            (key, found)
        };
        if let Some(&existing) = self.by_key.get(&key) {
            if self.stack.contains(&existing) && !self.done[existing] {
                self.report_cycle(path, existing);
            }
            return Some(existing);
        }
        let Some((name, disk_path, text, display)) = found else {
            self.module_not_found(path, root);
            return None;
        };
        let display = display.display().to_string();
        Some(self.add(
            key,
            name,
            display,
            disk_path,
            text,
            false,
            root.to_path_buf(),
        ))
    }

    /// `DIR/a/b.norma` or the literate `DIR/a/b.norma.md`, whichever
    /// exists (on disk or open in the editor); both is E0203, naming both,
    /// and the plain file is read. `None` when neither exists.
    fn module_file(&mut self, dir: &Path, rel: &Path, path: &ast::Path) -> Option<PathBuf> {
        let plain = dir.join(rel);
        let mut literate = plain.clone().into_os_string();
        literate.push(".md");
        let literate = PathBuf::from(literate);
        let exists = |p: &Path| self.overlay.contains_key(&canonical(p)) || p.is_file();
        match (exists(&plain), exists(&literate)) {
            (true, true) => {
                self.out.diagnostics.push(
                    Diagnostic::new(
                        Code::E0203,
                        path.span,
                        format!(
                            "two files hold the module `{}`: `{}` and `{}`",
                            path.to_text(),
                            plain.display(),
                            literate.display()
                        ),
                    )
                    .with_label_here("which one?")
                    .with_note("keep one of them: a module is either a `.norma` file or a literate `.norma.md` text"),
                );
                Some(plain)
            }
            (true, false) => Some(plain),
            (false, true) => Some(literate),
            (false, false) => None,
        }
    }

    fn report_cycle(&mut self, path: &ast::Path, target: usize) {
        let start = self.stack.iter().position(|&m| m == target).unwrap_or(0);
        let chain: Vec<String> = self.stack[start..]
            .iter()
            .map(|&m| self.out.modules[m].name.clone())
            .chain(std::iter::once(self.out.modules[target].name.clone()))
            .collect();
        let mut d = Diagnostic::new(
            Code::E0205,
            path.span,
            format!("import cycle: {}", chain.join(" -> ")),
        )
        .with_label_here(format!(
            "`{}` is already being loaded higher up this chain",
            path.to_text()
        ))
        .with_note("modules may not use each other in a circle; move the shared declarations into a module both can use");
        // Point at the `use` in the target that started the circle.
        let target_file = self.out.modules[target].file;
        if let Some(next) = self.stack.get(start + 1) {
            let next_name = &self.out.modules[*next].name;
            for item in &self.out.modules[target].ast.items {
                if let ast::Item::Use(u) = item {
                    if u.path.to_text().ends_with(next_name.as_str()) && u.span.file == target_file
                    {
                        d = d.with_label(u.path.span, "the circle starts here");
                    }
                }
            }
        }
        self.out.diagnostics.push(d);
    }

    fn module_not_found(&mut self, path: &ast::Path, root: &Path) {
        let text = path.to_text();
        let mut d = Diagnostic::new(
            Code::E0203,
            path.span,
            format!("I cannot find the module `{text}`"),
        );
        if path.segments[0].name == "std" {
            let names: Vec<&str> = stdlib::STDLIB.iter().map(|(n, _)| *n).collect();
            let want = path.segments[1..]
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join("::");
            d = d.with_label_here("not in the standard library");
            if let Some(near) = crate::diagnostics::nearest(&want, names.iter().copied()) {
                d = d
                    .with_note(format!("did you mean `std::{near}`?"))
                    .with_fix(path.span, format!("std::{near}"));
            } else {
                d = d.with_note(format!(
                    "the standard library has: {}",
                    names
                        .iter()
                        .map(|n| format!("std::{n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        } else {
            let rel: PathBuf = path
                .segments
                .iter()
                .map(|s| s.name.as_str())
                .collect::<PathBuf>()
                .with_extension("norma");
            let mut looked = vec![root.join(&rel).display().to_string()];
            looked.extend(
                self.includes
                    .iter()
                    .map(|i| i.join(&rel).display().to_string()),
            );
            d = d
                .with_label_here("no such file")
                .with_note(format!(
                    "I looked for {} (or the literate `.norma.md`)",
                    looked.join(", ")
                ))
                .with_note("add a folder to the search path with `-I DIR`");
        }
        self.out.diagnostics.push(d);
    }
}

/// The span of a whole `use` item, for W0002.
pub fn use_span(module: &LoadedModule, item: usize) -> Option<Span> {
    module.ast.items.get(item).map(ast::Item::span)
}
