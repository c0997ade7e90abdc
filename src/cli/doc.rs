//! `norma doc PATH... [-I DIR] -o DIR`: the static site of a rule set,
//! written to `DIR` (created if missing). The pages come from
//! `html::doc_site`; this is the only code that writes them.

use std::io::Write;
use std::path::Path;

use super::output::{self, FailureKind, Wanted};
use super::Inputs;
use crate::driver;

pub(super) fn doc(inputs: &Inputs, dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let s = match driver::check_paths_with_refs(&inputs.paths, &inputs.include) {
        Ok(s) => s,
        Err(e) => return output::failure(Wanted::Human, FailureKind::Io, &e.message, out, err),
    };
    if s.has_errors() {
        let color = inputs.color.enabled();
        return output::input_errors(Wanted::Human, &s.sources, &s.diagnostics, color, out, err);
    }
    let files = crate::html::doc_site(&s);
    if let Err(e) = std::fs::create_dir_all(dir) {
        let message = format!("cannot create {}: {e}", dir.display());
        return output::failure(Wanted::Human, FailureKind::Io, &message, out, err);
    }
    for f in &files {
        let path = dir.join(&f.name);
        if let Err(e) = std::fs::write(&path, &f.text) {
            let message = format!("cannot write {}: {e}", path.display());
            return output::failure(Wanted::Human, FailureKind::Io, &message, out, err);
        }
    }
    let pages = files.iter().filter(|f| f.name.ends_with(".html")).count();
    let _ = writeln!(
        err,
        "wrote {pages} pages to {} (open {})",
        dir.display(),
        dir.join("index.html").display()
    );
    0
}
