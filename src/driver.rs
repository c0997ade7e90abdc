//! One run of the front end: load, parse, resolve, check. The CLI, the
//! language server, tests and benchmarks all come through here.

use std::path::PathBuf;

use crate::diagnostics::{self, Diagnostic};
use crate::model::Program;
use crate::resolve::loader::{self, IoFailure};
use crate::span::SourceMap;

/// Everything a command needs after the front end ran.
pub struct Session {
    pub sources: SourceMap,
    pub program: Program,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Session {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Check the files and folders named by the user (`-I` dirs in `includes`).
pub fn check_paths(paths: &[PathBuf], includes: &[PathBuf]) -> Result<Session, IoFailure> {
    let loaded = loader::load(paths, includes)?;
    // The command line has no use for name references (only editors do).
    Ok(finish(loaded, false))
}

/// Check the files and folders named by the user, recording every
/// resolved name in `Program::refs` (`norma doc` links each name to its
/// declaration).
pub fn check_paths_with_refs(
    paths: &[PathBuf],
    includes: &[PathBuf],
) -> Result<Session, IoFailure> {
    let loaded = loader::load(paths, includes)?;
    Ok(finish(loaded, true))
}

/// Check files and folders together with in-memory sources, all as
/// entries (`norma compare` with a module path).
pub fn check_paths_and_texts(
    paths: &[PathBuf],
    texts: Vec<(String, PathBuf, String)>,
    includes: &[PathBuf],
) -> Result<Session, IoFailure> {
    let loaded = loader::load_with_texts(paths, texts, includes)?;
    Ok(finish(loaded, false))
}

/// Check in-memory sources: `(file name, directory for its uses, text)`.
pub fn check_texts(texts: Vec<(String, PathBuf, String)>, includes: &[PathBuf]) -> Session {
    finish(loader::load_texts(texts, includes), true)
}

/// Check in-memory sources (as [`check_texts`]) where a `use` that
/// reaches one of `documents` `(path, text)` reads that text, not the
/// disk: a witness of the deep lints replayed against the open buffers.
pub fn check_texts_over(
    texts: Vec<(String, PathBuf, String)>,
    documents: Vec<(PathBuf, String)>,
    includes: &[PathBuf],
) -> Session {
    finish(loader::load_texts_over(texts, documents, includes), false)
}

/// Check the language server's open documents `(path, text)` together;
/// a `use` that reaches an open document reads its text, not the disk.
pub fn check_documents(docs: Vec<(PathBuf, String)>, includes: &[PathBuf]) -> Session {
    finish(loader::load_documents(docs, includes), true)
}

/// Check one in-memory source (tests, fuzzing, benchmarks).
pub fn check_text(name: &str, text: &str) -> Session {
    check_texts(
        vec![(name.to_string(), PathBuf::from("."), text.to_string())],
        &[],
    )
}

/// Check what was loaded; `record_refs` fills `Program::refs`.
fn finish(loaded: loader::Loaded, record_refs: bool) -> Session {
    let mut loaded = loaded;
    let (program, mut diags) =
        crate::check::check(&mut loaded.modules, &loaded.sources, record_refs);
    let mut all = loaded.diagnostics;
    all.append(&mut diags);
    diagnostics::drop_cascades(&loaded.sources, &mut all);
    diagnostics::sort(&mut all);
    all.dedup();
    // Output bounded by input: the rest of a file past 100 is one line.
    let all = diagnostics::limit_per_file(all);
    Session {
        sources: loaded.sources,
        program,
        diagnostics: all,
    }
}
