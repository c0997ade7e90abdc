//! Literate Norma: a Markdown file whose name ends in `.norma.md` is a
//! module whose code is its fenced ```` ```norma ```` blocks, in order;
//! everything else is prose and is ignored.
//!
//! The code is parsed from a *code view* of the file: the same bytes, with
//! every byte of prose and of the fence lines replaced by a space (line
//! breaks kept). So every offset, line and column of the code view is the
//! one of the Markdown file, and every span, diagnostic, finding and LSP
//! position points into the Markdown as it is. The source map keeps the
//! Markdown text itself.
//!
//! A fence is a line that starts (at column 0) with three backticks and
//! the word `norma`, optionally followed by more words; the block ends at
//! the next line that starts with three backticks and has nothing else.
//! A block that is never closed is an error (E0103); its code still counts.
//!
//! This module never reads or writes files; `norma fmt` formats a literate
//! file through [`format_literate`], block by block, leaving every byte of
//! prose as it was.

use std::ops::Range;
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic};
use crate::span::{FileId, Span};

use super::Parsed;

/// The extension of literate modules.
pub const EXTENSION: &str = ".norma.md";

/// Is this the name of a literate module (`treaty.norma.md`)?
pub fn is_literate(name: &str) -> bool {
    name.ends_with(EXTENSION)
}

/// Is this the path of a Norma module, plain or literate?
pub fn is_module_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    is_literate(name) || path.extension().is_some_and(|x| x == "norma")
}

/// The module name a file gives: `treaty` for `treaty.norma` and for
/// `treaty.norma.md`.
pub fn module_stem(path: &Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    match name.strip_suffix(EXTENSION) {
        Some(stem) => Some(stem),
        None => path.file_stem()?.to_str(),
    }
}

/// The fenced `norma` blocks of a Markdown text: the byte range of each
/// block's code (from the line after the opening fence to the start of the
/// closing fence), and the range of an opening fence that is never closed.
pub fn blocks(text: &str) -> (Vec<Range<usize>>, Option<Range<usize>>) {
    let mut out = Vec::new();
    let mut open: Option<(Range<usize>, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        match &open {
            None => {
                if let Some(info) = bare.strip_prefix("```norma") {
                    if info.is_empty() || info.starts_with([' ', '\t']) {
                        open = Some((start..start + bare.len(), at));
                    }
                }
            }
            Some((_, code_start)) => {
                if bare.starts_with("```") && bare.trim_start_matches('`').trim().is_empty() {
                    out.push(*code_start..start);
                    open = None;
                }
            }
        }
    }
    match open {
        Some((fence, code_start)) => {
            out.push(code_start..text.len());
            (out, Some(fence))
        }
        None => (out, None),
    }
}

/// The code view: `text` with every byte outside the blocks blanked.
pub fn code_view(text: &str) -> String {
    let (blocks, _) = blocks(text);
    let mut bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    for r in blocks {
        bytes[r.clone()].copy_from_slice(&text.as_bytes()[r]);
    }
    // Only ASCII spaces replaced whole UTF-8 sequences of prose, and the
    // blocks are copied whole (they start and end at line breaks).
    String::from_utf8(bytes).unwrap_or_default()
}

/// Parse the source of a module: a literate one (by its name) through its
/// code view, with E0103 for a block that is never closed.
pub fn parse_source(file: FileId, name: &str, text: &str) -> Parsed {
    if !is_literate(name) {
        return super::parse(file, text);
    }
    let mut parsed = super::parse(file, &code_view(text));
    if let (_, Some(fence)) = blocks(text) {
        parsed.diagnostics.push(unclosed_fence(file, fence));
    }
    parsed
}

/// [`parse_source`] for the checker: a plain file's events of the common
/// shape are folded ([`super::parse_folded`]). A literate file is parsed
/// in full.
pub fn parse_for_check(file: FileId, name: &str, text: &str) -> Parsed {
    if is_literate(name) {
        parse_source(file, name, text)
    } else {
        super::parse_folded(file, text)
    }
}

fn unclosed_fence(file: FileId, fence: Range<usize>) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        Span::new(file, fence.start, fence.end),
        "this ```norma block is never closed",
    )
    .with_label_here("opened here")
    .with_note("end the block with a line of three backticks: ```")
}

/// `norma fmt` on a literate file: each block formatted on its own, every
/// byte outside the blocks unchanged. A block that does not parse makes
/// the whole file an error (its diagnostics point into the Markdown).
pub fn format_literate(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (blocks, unclosed) = blocks(text);
    if let Some(fence) = unclosed {
        return Err(vec![unclosed_fence(FileId(0), fence)]);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for r in blocks {
        out.push_str(&text[done..r.start]);
        let code = &text[r.clone()];
        if code.trim().is_empty() {
            out.push_str(code);
        } else {
            let crlf = code.contains("\r\n");
            let formatted = crate::fmt::format_source(code).map_err(|diags| {
                diags
                    .into_iter()
                    .map(|mut d| {
                        d.span = shift(d.span, r.start);
                        for l in &mut d.labels {
                            l.span = shift(l.span, r.start);
                        }
                        d.fix = None;
                        d
                    })
                    .collect::<Vec<_>>()
            })?;
            if crlf {
                out.push_str(&formatted.replace('\n', "\r\n"));
            } else {
                out.push_str(&formatted);
            }
        }
        done = r.end;
    }
    out.push_str(&text[done..]);
    Ok(out)
}

/// Format a module's text, plain or literate (by its name).
pub fn format_any(name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    if is_literate(name) {
        format_literate(text)
    } else {
        crate::fmt::format_keeping_endings(text)
    }
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.file, span.start as usize + by, span.end as usize + by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_view_keeps_every_offset() {
        let md = "# Treaty\n\nProse é.\n\n```norma\nconst a: Int = 1;\n```\n\nMore.\n";
        let view = code_view(md);
        assert_eq!(view.len(), md.len());
        let at = md.find("const").expect("code");
        assert_eq!(&view[at..at + 17], "const a: Int = 1;");
        assert!(!view.contains("Treaty") && !view.contains("```"));
        assert_eq!(view.matches('\n').count(), md.matches('\n').count());
    }

    #[test]
    fn every_prefix_parses_and_keeps_its_length() {
        let md = "# T — é\r\n\r\n```norma x\r\nenum E { a, b }\r\n```\r\n```norma\nconst c: E = a;\n```\n~~~\n";
        for (i, _) in md.char_indices() {
            let prefix = &md[..i];
            assert_eq!(code_view(prefix).len(), prefix.len());
            let _ = parse_source(FileId(0), "t.norma.md", prefix);
            let _ = format_literate(prefix);
        }
    }

    #[test]
    fn other_fences_are_prose_and_an_open_fence_is_reported() {
        let md = "```text\nnot code\n```\n```norma\nconst a: Int = 1;\n";
        let (blocks, open) = blocks(md);
        assert_eq!(blocks.len(), 1);
        assert!(open.is_some());
        assert!(!code_view(md).contains("not code"));
    }
}
