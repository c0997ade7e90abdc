//! The formatter, on every input that parses: the result parses to the
//! same tree, and formatting it again changes nothing (LF and CRLF alike).
#![no_main]

/// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use libfuzzer_sys::fuzz_target;
use norma::span::FileId;
use norma::syntax;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = norma::fmt::format_keeping_endings(text) else {
        return;
    };
    let before = syntax::parse(FileId(0), text);
    let after = syntax::parse(FileId(0), &formatted);
    assert!(
        !after.diagnostics.iter().any(|d| d.is_error()),
        "formatted text does not parse:\n{formatted}"
    );
    assert!(
        norma::fmt::same_tree(&before.module, &after.module),
        "formatting changed the tree:\n{text}\n---\n{formatted}"
    );
    let again = norma::fmt::format_keeping_endings(&formatted).expect("formatted text formats");
    assert_eq!(again, formatted, "not idempotent");
});
