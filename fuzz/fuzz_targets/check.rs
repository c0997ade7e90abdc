//! The front end never panics: any bytes, decoded as the loader decodes a
//! file (never lossily), check to diagnostics that render. Checked as the
//! command line checks a file (events of the common shape folded and read
//! quickly, no name references recorded); the editor's path is the `lsp`
//! target's, and `eval` compares the two.
#![no_main]

/// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = norma::resolve::decode::decode(data.to_vec());
    if decoded.error.is_some() {
        return;
    }
    let session = norma::driver::check_texts_over(
        vec![(
            "fuzz.norma".to_string(),
            std::path::PathBuf::from("."),
            decoded.text,
        )],
        Vec::new(),
        &[],
    );
    // Rendering must not panic either.
    let _ = norma::diagnostics::render_human(&session.sources, &session.diagnostics, false);
    let _ = norma::diagnostics::diagnostics_json(&session.sources, &session.diagnostics);
});
