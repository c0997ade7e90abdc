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
//! Fences are read as CommonMark reads them: a block opens with a line of
//! three or more backticks (or tildes) whose info string's first word is
//! `norma`, in any case (```` ```norma ````, ```` ``` Norma x ````), and
//! ends at the next line of the same character, at least as many, with
//! nothing after them; blocks of other languages are skipped whole. The
//! one difference: a fence may be indented by any number of blanks, since
//! Norma does not read Markdown's lists, where a fence is indented more.
//! Every fence that hides code is an E0103, never a silence: a block never
//! closed (its code still counts), a language word that is nearly `norma`
//! (```` ```nroma ````), two backticks for three, a `norma` fence where an
//! earlier block was not closed (its code is read).
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

/// A fence line (CommonMark §4.5): three or more backticks or tildes and
/// an info string, whose first word is the block's language.
struct Fence<'a> {
    ch: char,
    len: usize,
    info: &'a str,
    /// Where `info` starts in the line.
    info_at: usize,
}

impl<'a> Fence<'a> {
    /// Read `line` (without its line break) as a fence. Markdown allows
    /// three spaces of indentation outside lists; Norma does not read
    /// lists, so a fence in a list item, indented further, is one too.
    fn read(line: &'a str) -> Option<Fence<'a>> {
        let rest = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - rest.len();
        let ch = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = rest.len() - rest.trim_start_matches(ch).len();
        let after = &rest[len..];
        if len < 3 || (ch == '`' && after.contains('`')) {
            return None;
        }
        let info = after.trim();
        let info_at = indent + len + (after.len() - after.trim_start().len());
        Some(Fence {
            ch,
            len,
            info,
            info_at,
        })
    }

    fn language(&self) -> &'a str {
        self.info.split_whitespace().next().unwrap_or("")
    }

    /// `norma` in any case: ```` ```Norma ````, ```` ``` norma x ````.
    fn is_norma(&self) -> bool {
        self.language().eq_ignore_ascii_case("norma")
    }

    fn closes(&self, open: &Fence<'_>) -> bool {
        self.ch == open.ch && self.len >= open.len && self.info.is_empty()
    }

    /// A `norma` fence that could have closed `open` had it no info
    /// string: `open` was meant to be closed before it. (Inside
    /// ````` ````markdown `````, a ```` ```norma ```` fence is an example
    /// and is not this; inside ```` ```text ````, it can only be the next
    /// block.)
    fn reopens(&self, open: &Fence<'_>) -> bool {
        self.is_norma() && self.ch == open.ch && self.len >= open.len
    }
}

/// What is wrong with the fences of a literate file: each is an E0103.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FenceProblem {
    /// A `norma` block that is never closed (its opening fence line).
    Unclosed(Range<usize>),
    /// A fence whose language is almost `norma` (the word): its block is
    /// prose, which is rarely what was meant.
    NearMiss(Range<usize>),
    /// ``` ``norma ```: two backticks, so no fence at all.
    ShortFence(Range<usize>),
    /// A `norma` fence inside an open block that it could close: that
    /// block was not closed before it. Both fence lines.
    NotClosed {
        fence: Range<usize>,
        open: Range<usize>,
    },
}

/// The `norma` blocks of a Markdown text and what is wrong with its fences.
pub struct Blocks {
    /// The byte range of each block's code: from the line after the
    /// opening fence to the start of the closing fence.
    pub code: Vec<Range<usize>>,
    pub problems: Vec<FenceProblem>,
}

/// The fenced `norma` blocks of a Markdown text. Fences are read as
/// CommonMark reads them — backticks or tildes, three or more, closed by
/// a fence of the same character at least as long; the first word of the
/// info string, in any case, is the language — and the blocks of other
/// languages are skipped whole. A `norma` fence where a block of the same
/// fence is still open starts a block anyway (the open one was meant to be
/// closed: [`FenceProblem::NotClosed`]), so the code after it is read.
pub fn read_blocks(text: &str) -> Blocks {
    enum Open<'a> {
        Norma(Fence<'a>, Range<usize>, usize),
        Other(Fence<'a>, Range<usize>),
    }
    let mut out = Blocks {
        code: Vec::new(),
        problems: Vec::new(),
    };
    let mut open: Option<Open<'_>> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        let here = start..start + bare.len();
        let Some(fence) = Fence::read(bare) else {
            if open.is_none() {
                if let Some(ticks) = super::teach::short_norma_fence(bare) {
                    let ticks = start + ticks.start..start + ticks.end;
                    out.problems.push(FenceProblem::ShortFence(ticks));
                }
            }
            continue;
        };
        match open.take() {
            None if fence.is_norma() => open = Some(Open::Norma(fence, here, at)),
            None => {
                if super::teach::is_near_norma(fence.language()) {
                    let word =
                        start + fence.info_at..start + fence.info_at + fence.language().len();
                    out.problems.push(FenceProblem::NearMiss(word));
                }
                open = Some(Open::Other(fence, here));
            }
            Some(Open::Norma(first, fence_line, code_start)) => {
                if fence.closes(&first) || fence.reopens(&first) {
                    out.code.push(code_start..start);
                }
                if fence.reopens(&first) {
                    out.problems.push(FenceProblem::NotClosed {
                        fence: here.clone(),
                        open: fence_line,
                    });
                    open = Some(Open::Norma(fence, here, at));
                } else if !fence.closes(&first) {
                    open = Some(Open::Norma(first, fence_line, code_start));
                }
            }
            Some(Open::Other(first, fence_line)) => {
                if fence.reopens(&first) {
                    out.problems.push(FenceProblem::NotClosed {
                        fence: here.clone(),
                        open: fence_line,
                    });
                    open = Some(Open::Norma(fence, here, at));
                } else if !fence.closes(&first) {
                    open = Some(Open::Other(first, fence_line));
                }
            }
        }
    }
    if let Some(Open::Norma(_, fence_line, code_start)) = open {
        out.code.push(code_start..text.len());
        out.problems.push(FenceProblem::Unclosed(fence_line));
    }
    out
}

/// The byte range of each block's code, and the opening fence of a block
/// that is never closed (for the stages that show a literate file: its
/// prose between the blocks).
pub fn blocks(text: &str) -> (Vec<Range<usize>>, Option<Range<usize>>) {
    let Blocks { code, problems } = read_blocks(text);
    let unclosed = problems.into_iter().find_map(|p| match p {
        FenceProblem::Unclosed(fence) => Some(fence),
        _ => None,
    });
    (code, unclosed)
}

/// The code view: `text` with every byte outside the blocks blanked.
pub fn code_view(text: &str) -> String {
    let mut bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    for r in read_blocks(text).code {
        bytes[r.clone()].copy_from_slice(&text.as_bytes()[r]);
    }
    // Only ASCII spaces replaced whole UTF-8 sequences of prose, and the
    // blocks are copied whole (they start and end at line breaks).
    String::from_utf8(bytes).unwrap_or_default()
}

/// Parse the source of a module: a literate one (by its name) through its
/// code view, with an E0103 for each problem of its fences.
pub fn parse_source(file: FileId, name: &str, text: &str) -> Parsed {
    if !is_literate(name) {
        return super::parse(file, text);
    }
    let mut parsed = super::parse(file, &code_view(text));
    for problem in read_blocks(text).problems {
        parsed
            .diagnostics
            .push(fence_diagnostic(file, text, &problem));
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

fn fence_diagnostic(file: FileId, text: &str, problem: &FenceProblem) -> Diagnostic {
    let span = |r: &Range<usize>| Span::new(file, r.start, r.end);
    match problem {
        FenceProblem::Unclosed(fence) => Diagnostic::new(
            Code::E0103,
            span(fence),
            "this ```norma block is never closed",
        )
        .with_label_here("opened here")
        .with_note("end the block with a line of three backticks: ```"),
        FenceProblem::NearMiss(word) => {
            super::teach::near_norma_fence(span(word), &text[word.clone()])
        }
        FenceProblem::ShortFence(ticks) => super::teach::short_fence(span(ticks)),
        FenceProblem::NotClosed { fence, open } => super::teach::fence_not_closed(
            (span(fence), text[fence.clone()].trim()),
            (span(open), text[open.clone()].trim()),
        ),
    }
}

/// `norma fmt` on a literate file: each block formatted on its own, every
/// byte outside the blocks unchanged. A block that does not parse makes
/// the whole file an error (its diagnostics point into the Markdown).
pub fn format_literate(text: &str) -> Result<String, Vec<Diagnostic>> {
    let Blocks { code, problems } = read_blocks(text);
    // A block whose end is not where its author meant is not formatted.
    let misread: Vec<Diagnostic> = problems
        .iter()
        .filter(|p| {
            matches!(
                p,
                FenceProblem::Unclosed(_) | FenceProblem::NotClosed { .. }
            )
        })
        .map(|p| fence_diagnostic(FileId(0), text, p))
        .collect();
    if !misread.is_empty() {
        return Err(misread);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for r in code {
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
        let found = read_blocks(md);
        assert_eq!(found.code.len(), 1);
        assert_eq!(blocks(md), (found.code.clone(), Some(21..29)));
        assert_eq!(found.problems, [FenceProblem::Unclosed(21..29)]);
        assert!(!code_view(md).contains("not code"));
    }

    /// The code of each block, as text.
    fn code_of(md: &str) -> Vec<&str> {
        read_blocks(md).code.into_iter().map(|r| &md[r]).collect()
    }

    #[test]
    fn info_strings_are_read_as_commonmark_reads_them() {
        for fence in [
            "```norma",
            "```Norma",
            "```NORMA",
            "``` norma",
            "```  norma treaty art. 1",
            "   ```norma",
            "\t```norma",
            "````norma",
            "~~~norma",
            "```norma   ",
        ] {
            let md = format!(
                "Prose.\n{fence}\nconst a: Int = 1;\n{}\n",
                fence
                    .trim()
                    .split(|c: char| c != '`' && c != '~')
                    .next()
                    .unwrap_or_default()
            );
            assert_eq!(code_of(&md), ["const a: Int = 1;\n"], "{fence:?}");
            assert!(read_blocks(&md).problems.is_empty(), "{fence:?}");
        }
        // Not `norma` blocks: other languages, a backtick in the info
        // string, a language that only starts with `norma`.
        for fence in [
            "```text",
            "```",
            "```norma`",
            "```normalise",
            "``` markdown norma",
        ] {
            let md = format!("{fence}\nconst a: Int = 1;\n```\n");
            assert!(code_of(&md).is_empty(), "{fence:?}");
        }
    }

    #[test]
    fn a_block_is_closed_by_its_own_kind_of_fence() {
        // Tildes do not close backticks; a shorter fence does not close a
        // longer one; a closing fence has nothing after it.
        let md = "````norma\nconst a: Int = 1;\n~~~\n```\n``` x\n````\n";
        assert_eq!(code_of(md), ["const a: Int = 1;\n~~~\n```\n``` x\n"]);
        // A ```norma example inside a longer fence is prose.
        let md = "````markdown\n```norma\nconst a: Int = 1;\n```\n````\n";
        assert!(code_of(md).is_empty());
        assert!(read_blocks(md).problems.is_empty());
    }

    #[test]
    fn fences_that_hide_code_are_problems() {
        let md = "```nroma\nconst a: Int = 1;\n```\n";
        assert_eq!(read_blocks(md).problems, [FenceProblem::NearMiss(3..8)]);
        let md = "``norma\nconst a: Int = 1;\n```\n";
        assert_eq!(read_blocks(md).problems[0], FenceProblem::ShortFence(0..2));
        // A block left open before the next: both blocks are read.
        let md = "```norma\nconst a: Int = 1;\n```norma\nconst b: Int = 2;\n```\n";
        assert_eq!(code_of(md), ["const a: Int = 1;\n", "const b: Int = 2;\n"]);
        assert_eq!(
            read_blocks(md).problems,
            [FenceProblem::NotClosed {
                fence: 27..35,
                open: 0..8
            }]
        );
        // A ```text block left open before a ```norma one.
        let md = "```text\nprose\n```norma\nconst b: Int = 2;\n```\n";
        assert_eq!(code_of(md), ["const b: Int = 2;\n"]);
        assert_eq!(read_blocks(md).problems.len(), 1);
        assert!(format_literate(md).is_err());
    }
}
