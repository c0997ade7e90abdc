//! The front end never panics: any bytes, as a file, check to diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let session = norma::driver::check_text("fuzz.norma", &text);
    // Rendering must not panic either.
    let _ = norma::diagnostics::render_human(&session.sources, &session.diagnostics, false);
    let _ = norma::diagnostics::diagnostics_json(&session.sources, &session.diagnostics);
});
