//! The server's memory: the open documents (text, version, path), the
//! edits that change them (LSP positions in UTF-16 code units), and the
//! latest [`Analysis`] — one front-end run over every open document with
//! the map from each loaded file to the URI an editor can open.
//!
//! The standard library has no files on disk; it is written once to a cache
//! folder so that go-to-definition into `std::` has somewhere to land. That
//! cache is the only file this module writes; it reads none (the loader
//! does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};

use crate::driver::{self, Session};
use crate::span::{FileId, LineCol, SourceFile, Span};

/// One document the editor has open.
pub(super) struct Document {
    pub text: String,
    pub version: i32,
    /// Where the document lives (or would live): its `use`s resolve from
    /// its folder.
    pub path: PathBuf,
}

/// The file path behind a URI; a URI that is not a file (an unsaved
/// `untitled:` buffer) is given a name in the working folder.
pub(super) fn path_of(uri: &Url) -> PathBuf {
    if let Ok(p) = uri.to_file_path() {
        return p;
    }
    let name = uri
        .path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .unwrap_or("untitled.norma");
    let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    dir.join(name)
}

/// Byte offset of an LSP position in `text` (clamped: a line past the end
/// is the end of the text, a column past the end of its line is the end of
/// the line).
pub(super) fn offset_in(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0u32;
    for (i, ch) in text[start..].char_indices() {
        if units >= pos.character || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16() as u32;
    }
    text.len()
}

/// Apply one `didChange` content change: a range edit, or the whole text.
pub(super) fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let a = offset_in(text, range.start);
            let b = offset_in(text, range.end);
            let (a, b) = (a.min(b), a.max(b));
            text.replace_range(a..b, &change.text);
        }
    }
}

/// Where the embedded standard library is written for editors to open.
pub(super) struct StdCache {
    dir: Option<PathBuf>,
}

impl StdCache {
    /// Write every `std::` module under the first cache folder that takes
    /// it: `$XDG_CACHE_HOME/norma`, `~/.cache/norma`, then the temp folder.
    pub fn create() -> StdCache {
        let version = env!("CARGO_PKG_VERSION");
        let mut candidates = Vec::new();
        if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
            candidates.push(PathBuf::from(x).join("norma"));
        }
        if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            candidates.push(PathBuf::from(h).join(".cache").join("norma"));
        }
        candidates.push(std::env::temp_dir().join("norma"));
        for base in candidates {
            let dir = base.join(format!("std-{version}"));
            if write_stdlib(&dir) {
                return StdCache { dir: Some(dir) };
            }
        }
        StdCache { dir: None }
    }

    /// No cache: `std::` locations are left out (tests, fuzzing).
    pub fn none() -> StdCache {
        StdCache { dir: None }
    }

    /// The cached file of a `std::` module (`std::gge2015`).
    pub fn path_of(&self, module: &str) -> Option<PathBuf> {
        let sub = module.strip_prefix("std::")?;
        Some(self.dir.as_ref()?.join(std_rel_path(sub)))
    }
}

fn std_rel_path(sub: &str) -> PathBuf {
    let mut p: PathBuf = sub.split("::").collect();
    p.set_extension("norma");
    p
}

fn write_stdlib(dir: &Path) -> bool {
    crate::resolve::loader::stdlib_modules().all(|(name, text)| {
        let path = dir.join(std_rel_path(name));
        if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            return true;
        }
        path.parent()
            .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
            && std::fs::write(&path, text).is_ok()
    })
}

/// One front-end run over the open documents, and where each of its files
/// is for the editor.
pub(super) struct Analysis {
    pub session: Session,
    /// The URI of each file of `session.sources`, by `FileId`.
    uris: Vec<Option<Url>>,
}

impl Analysis {
    pub fn new(
        docs: &BTreeMap<Url, Document>,
        includes: &[PathBuf],
        std_cache: &StdCache,
    ) -> Analysis {
        let inputs = docs
            .values()
            .map(|d| (d.path.clone(), d.text.clone()))
            .collect();
        let session = driver::check_documents(inputs, includes);
        // The loader canonicalises paths: compare canonical with canonical,
        // and give back the URI the editor used for an open document.
        let open: Vec<(PathBuf, &Url)> =
            docs.iter().map(|(u, d)| (canonical(&d.path), u)).collect();
        let mut uris: Vec<Option<Url>> = session
            .sources
            .files()
            .map(|(_, f)| {
                let path = f.path.as_ref()?;
                let canon = canonical(path);
                match open.iter().find(|(p, _)| *p == canon) {
                    Some((_, u)) => Some((*u).clone()),
                    None => Url::from_file_path(path).ok(),
                }
            })
            .collect();
        for m in &session.program.modules {
            let slot = uris.get_mut(m.file.0 as usize);
            if let Some(slot @ None) = slot {
                *slot = std_cache
                    .path_of(&m.name)
                    .and_then(|p| Url::from_file_path(p).ok());
            }
        }
        Analysis { session, uris }
    }

    pub fn uri(&self, file: FileId) -> Option<&Url> {
        self.uris.get(file.0 as usize)?.as_ref()
    }

    /// The file of an open (or loaded) document. An open document is an
    /// entry, loaded before anything it uses, so the first match is it.
    pub fn file(&self, uri: &Url) -> Option<FileId> {
        self.uris
            .iter()
            .position(|u| u.as_ref() == Some(uri))
            .map(|i| FileId(i as u32))
    }

    pub fn source(&self, file: FileId) -> &SourceFile {
        self.session.sources.get(file)
    }

    pub fn range(&self, span: Span) -> Range {
        let f = self.source(span.file);
        let a = f.line_col_utf16(span.start as usize);
        let b = f.line_col_utf16(span.end as usize);
        Range::new(
            Position::new(a.line, a.character),
            Position::new(b.line, b.character),
        )
    }

    pub fn location(&self, span: Span) -> Option<lsp_types::Location> {
        Some(lsp_types::Location::new(
            self.uri(span.file)?.clone(),
            self.range(span),
        ))
    }

    /// Byte offset of an LSP position in a file.
    pub fn offset(&self, file: FileId, pos: Position) -> usize {
        self.source(file).offset_of_utf16(LineCol {
            line: pos.line,
            character: pos.character,
        })
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn range_edits_count_utf16_units() {
        // "é" is one UTF-16 unit (two bytes); "𝔸" is two units (four bytes).
        let mut t = String::from("é𝔸x\nab\n");
        apply_change(&mut t, change(0, 3, 0, 4, "y"));
        assert_eq!(t, "é𝔸y\nab\n");
        apply_change(&mut t, change(1, 1, 1, 99, "Z"));
        assert_eq!(t, "é𝔸y\naZ\n");
        apply_change(&mut t, change(0, 4, 1, 0, ""));
        assert_eq!(t, "é𝔸yaZ\n");
        apply_change(&mut t, change(9, 0, 9, 0, "end"));
        assert_eq!(t, "é𝔸yaZ\nend");
        // Reversed ranges and a column inside a surrogate pair do not panic.
        apply_change(&mut t, change(0, 2, 0, 1, "-"));
        assert_eq!(t, "é-yaZ\nend");
    }
}
