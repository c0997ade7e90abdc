//! `norma fmt`: print the canonical layout of files, rewrite them in place
//! (`--write`), or check them (`--check`). A file that does not parse is
//! never touched: its diagnostics go to the error stream.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::output::{self, FailureKind};
use super::{ColorChoice, Format};
use crate::diagnostics;
use crate::resolve::loader;
use crate::span::{SourceFile, SourceMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FmtMode {
    /// Formatted text to the output stream.
    Print,
    /// Rewrite files that are not formatted.
    Write,
    /// A diff for each file that is not formatted; exit 1 if any.
    Check,
}

pub(super) fn fmt(
    paths: &[PathBuf],
    mode: FmtMode,
    color: ColorChoice,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let json_mode = format == Format::Json;
    let mut json_files: Vec<Value> = Vec::new();
    // Every refused file's diagnostics, also listed at the top level so
    // the object is a §8 diagnostics object too.
    let mut all_diagnostics: Vec<Value> = Vec::new();
    let files = match loader::norma_files(paths) {
        Ok(files) => files,
        Err(e) => return output::failure(format.wanted(), FailureKind::Io, &e.message, out, err),
    };
    let color = color.enabled();
    let mut code = 0u8;
    let mut unformatted = 0usize;
    for path in &files {
        let decoded = match loader::read_source(path) {
            Ok(decoded) => decoded,
            Err(e) => {
                if json_mode {
                    json_files
                        .push(json!({"file": path.display().to_string(), "error": e.message}));
                } else {
                    let _ = writeln!(err, "error: {}", e.message);
                }
                code = 2;
                continue;
            }
        };
        let bom = if decoded.bom { "\u{feff}" } else { "" };
        let text = decoded.text;
        // A file whose bytes are not UTF-8 is refused, never rewritten.
        let result = match &decoded.error {
            Some(e) => Err(vec![e.diagnostic(crate::span::FileId(0))]),
            None => crate::syntax::literate::format_any(&path.display().to_string(), &text),
        };
        let formatted = match result {
            Ok(formatted) => formatted,
            Err(mut diags) => {
                diagnostics::sort(&mut diags);
                let diags = diagnostics::limit_per_file(diags);
                let mut sources = SourceMap::new();
                sources.add(SourceFile::new(
                    path.display().to_string(),
                    Some(path.clone()),
                    text,
                ));
                if json_mode {
                    let found =
                        diagnostics::diagnostics_json(&sources, &diags)["diagnostics"].take();
                    if let Some(found) = found.as_array() {
                        all_diagnostics.extend(found.iter().cloned());
                    }
                    json_files.push(json!({
                        "file": path.display().to_string(),
                        "diagnostics": found,
                    }));
                } else {
                    let report = diagnostics::render_human(&sources, &diags, color);
                    let _ = err.write_all(report.as_bytes());
                }
                code = code.max(1);
                continue;
            }
        };
        let changed = formatted != text;
        let name = path.display().to_string();
        let mut entry = json!({"file": name, "formatted": !changed});
        let written = match mode {
            FmtMode::Print if json_mode => {
                entry["text"] = json!(formatted);
                Ok(())
            }
            FmtMode::Print => out.write_all(format!("{bom}{formatted}").as_bytes()),
            FmtMode::Write if changed && json_mode => {
                entry["rewritten"] = json!(true);
                write_in_place(path, &format!("{bom}{formatted}"))
            }
            FmtMode::Write if changed => write_in_place(path, &format!("{bom}{formatted}")),
            FmtMode::Check if changed => {
                unformatted += 1;
                code = code.max(1);
                if json_mode {
                    let diff = crate::fmt::unified_diff(&text, &formatted, &name, &name, false);
                    entry["diff"] = json!(diff);
                    Ok(())
                } else {
                    let diff = crate::fmt::unified_diff(&text, &formatted, &name, &name, color);
                    out.write_all(diff.as_bytes())
                }
            }
            FmtMode::Write | FmtMode::Check => Ok(()),
        };
        if let Err(e) = written {
            let message = format!("cannot write `{}`: {e}", path.display());
            if json_mode {
                entry["error"] = json!(message);
            } else {
                let _ = writeln!(err, "error: {message}");
            }
            code = 2;
        }
        if json_mode {
            json_files.push(entry);
        }
    }
    if json_mode {
        let errors = all_diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .count();
        let doc = json!({
            "schema_version": 1,
            "files": json_files,
            "diagnostics": all_diagnostics,
            "summary": {"errors": errors, "warnings": all_diagnostics.len() - errors},
        });
        if writeln!(out, "{doc}").is_err() {
            return 2;
        }
        return code;
    }
    if unformatted > 0 {
        let _ = writeln!(
            err,
            "{unformatted} of {} files not formatted; `norma fmt --write` rewrites them",
            files.len()
        );
    }
    code
}

/// Replace the file atomically: write a temporary file next to it, then
/// rename it over the original, so a reader sees the old text or the new
/// one, never a mix, and a failure leaves the original as it was. A
/// symbolic link is followed: the file it points to is rewritten.
fn write_in_place(path: &Path, text: &str) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(io::Error::other("not a file"));
    };
    let tmp = dir.join(format!(
        ".{}.{}.norma-fmt",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::set_permissions(&tmp, fs::metadata(&target)?.permissions())?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
