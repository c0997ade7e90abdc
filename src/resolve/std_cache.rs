//! The parsed standard library, kept for the life of the process: the
//! language server re-checks on every keystroke, the fuzzer checks
//! thousands of inputs a second, and the embedded `std::` texts never
//! change, so each is parsed once rather than once per run.
//!
//! A parse depends on its text, its display name and the [`FileId`] its
//! spans carry. The first two are fixed for a `std::` module; the third is
//! wherever the module lands in a run's [`SourceMap`](crate::span::SourceMap).
//! So the key is (module, file id) and a hit is a clone of exactly what
//! parsing would have returned: spans and diagnostics are identical. This
//! module must never hand out a parse made for another file id.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::span::FileId;
use crate::syntax::{self, Parsed};

/// Bounds the memory kept: a run places each `std::` module at a file id
/// after its entries, so a process sees few distinct keys; past this many,
/// further ones are parsed each time as before.
const MAX_ENTRIES: usize = 64;

type Cache = Mutex<HashMap<(&'static str, FileId), Parsed>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The parse of the embedded module `sub` (`gge2015`) with text `text`
/// and display name `name`, placed at `file`.
pub(super) fn parse_std(sub: &'static str, file: FileId, name: &str, text: &str) -> Parsed {
    let key = (sub, file);
    // A poisoned lock only means another thread panicked while holding it;
    // the map is still whole (entries are inserted complete), so use it.
    if let Some(hit) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return hit.clone();
    }
    let parsed = syntax::literate::parse_source(file, name, text);
    let mut map = cache().lock().unwrap_or_else(|p| p.into_inner());
    if map.len() < MAX_ENTRIES {
        map.insert(key, parsed.clone());
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cached parse is exactly a fresh one, at every file id, on a miss
    /// and on a hit alike.
    #[test]
    fn a_cached_parse_is_a_fresh_parse() {
        for (sub, text) in crate::resolve::loader::stdlib_modules() {
            let name = format!("std/{sub}.norma");
            for file in [FileId(1), FileId(3), FileId(1)] {
                let fresh = syntax::literate::parse_source(file, &name, text);
                let cached = parse_std(sub, file, &name, text);
                assert_eq!(cached.module, fresh.module, "std::{sub} at {file:?}");
                assert_eq!(
                    cached.diagnostics, fresh.diagnostics,
                    "std::{sub} at {file:?}"
                );
            }
        }
    }
}
