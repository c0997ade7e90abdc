//! Documentation that cannot rot. Every ```norma block of `docs/` and of
//! the README is checked as a file of its own:
//!
//! - ```` ```norma ```` — it checks with no diagnostic at all (the standard
//!   library is available through `use std::...`), is laid out as `norma
//!   fmt` would, and if it has `expect` lines, every one passes, as under
//!   `norma test`;
//! - ```` ```norma E0201 ```` — it produces exactly that code, and nothing
//!   else (the `check --deep` lints W0006–W0009 are run for their blocks);
//! - ```` ```norma module=NAME ```` — it is `NAME.norma`, a module the
//!   other blocks of the same page may `use`; it is not checked alone.
//!
//! And every diagnostic code has its page in `docs/codes/`, built into the
//! binary for `norma help CODE`, with a block that produces the code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use norma::diagnostics::{Code, PAGES};
use norma::eval::{check_expectations, evaluate};
use norma::model::ReportId;

mod common;

/// One fenced ```norma block: its info string after `norma`, its text and
/// the line of the fence.
struct Block {
    info: String,
    text: String,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<(Block, usize)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match current.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```norma") {
                    if info.is_empty() || info.starts_with(' ') {
                        let block = Block {
                            info: info.trim().to_string(),
                            text: String::new(),
                            line: i + 1,
                        };
                        current = Some((block, indent));
                    }
                }
            }
            Some((mut block, indent)) => {
                if trimmed.starts_with("```") {
                    out.push(block);
                } else {
                    let strip = line.len().min(indent);
                    let strip = if line[..strip].trim().is_empty() {
                        strip
                    } else {
                        0
                    };
                    block.text.push_str(&line[strip..]);
                    block.text.push('\n');
                    current = Some((block, indent));
                }
            }
        }
    }
    assert!(current.is_none(), "an unterminated ```norma block");
    out
}

fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("readable docs folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut out = vec![PathBuf::from("README.md")];
    walk(Path::new("docs"), &mut out);
    out.sort();
    out
}

fn scratch_dir(page: &Path) -> PathBuf {
    let name: String = page
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = std::env::temp_dir().join(format!("norma-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Check one block; an error message if it does not do what it says.
fn check_block(page: &Path, dir: &Path, i: usize, b: &Block) -> Option<String> {
    let file = dir.join(format!("block_{i}.norma"));
    std::fs::write(&file, &b.text).expect("write block");
    let mut session = norma::driver::check_paths(std::slice::from_ref(&file), &[]).expect("loads");
    // Blocks of the `check --deep` lints' pages are checked with them.
    let expected = b.info.split_whitespace().find(|w| !w.contains('='));
    if expected.is_some_and(|c| ["W0006", "W0007", "W0008", "W0009"].contains(&c)) {
        let replayer = norma::analysis::replay::Replayer {
            dir: dir.to_path_buf(),
            includes: vec![dir.to_path_buf()],
            documents: Vec::new(),
        };
        let deep = norma::analysis::lint::deep(
            &session.program,
            &norma::analysis::CompareOptions::default(),
            &replayer,
        );
        session.diagnostics.extend(deep.diagnostics);
    }
    let codes: BTreeSet<&str> = session
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    let here = format!("{}:{}", page.display(), b.line);
    let emitted = |c: &str| Code::ALL.iter().any(|k| k.as_str() == c);
    match expected {
        Some(code) if emitted(code) => {
            if codes != BTreeSet::from([code]) {
                return Some(format!("{here}: expected exactly {code}, got {codes:?}"));
            }
            None
        }
        _ => {
            // A clean block follows the layout `norma fmt` gives.
            if let Ok(formatted) = norma::fmt::format_source(&b.text) {
                if formatted != b.text {
                    let diff =
                        norma::fmt::unified_diff(&b.text, &formatted, "block", "formatted", false);
                    return Some(format!("{here}: not in the canonical layout:\n{diff}"));
                }
            }
            if !session.diagnostics.is_empty() {
                let text =
                    norma::diagnostics::render_human(&session.sources, &session.diagnostics, false);
                return Some(format!("{here}: expected a clean check, got:\n{text}"));
            }
            for (r, def) in session.program.reports.iter().enumerate() {
                if !session.program.modules[def.module.index()].is_entry {
                    continue;
                }
                let id = ReportId(r as u32);
                let findings = evaluate(&session.program, id);
                for x in check_expectations(&session.program, id, &findings) {
                    if !x.passed {
                        return Some(format!("{here}: `{}` fails; found {:?}", x.text, x.found));
                    }
                }
            }
            None
        }
    }
}

#[test]
fn every_norma_block_of_the_docs_and_readme_does_what_it_says() {
    common::on_big_stack(|| {
        let mut failures = Vec::new();
        let mut checked = 0;
        for page in markdown_files() {
            let text = std::fs::read_to_string(&page).expect("utf-8 page");
            let dir = scratch_dir(&page);
            let all = blocks(&text);
            for b in &all {
                if let Some(name) = b
                    .info
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("module="))
                {
                    std::fs::write(dir.join(format!("{name}.norma")), &b.text)
                        .expect("write module");
                }
            }
            for (i, b) in all.iter().enumerate() {
                if b.info.contains("module=") {
                    continue;
                }
                checked += 1;
                if let Some(f) = check_block(&page, &dir, i, b) {
                    failures.push(f);
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        assert!(checked > 40, "only {checked} blocks found");
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    });
}

#[test]
fn every_code_has_its_page_and_every_page_its_code() {
    for code in Code::ALL {
        let page = norma::diagnostics::page(code.as_str()).unwrap_or_else(|| {
            panic!("{code} has no page in docs/codes/ (src/diagnostics/pages.rs)")
        });
        assert!(
            blocks(page)
                .iter()
                .any(|b| b.info.split_whitespace().any(|w| w == code.as_str())),
            "docs/codes/{code}.md has no ```norma {code} block producing it"
        );
        for section in ["## Example", "## How to fix"] {
            assert!(
                page.contains(section),
                "docs/codes/{code}.md lacks `{section}`"
            );
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir("docs/codes")
        .expect("docs/codes")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let built_in: BTreeSet<String> = PAGES.iter().map(|(c, _)| format!("{c}.md")).collect();
    assert_eq!(
        on_disk, built_in,
        "docs/codes/ and src/diagnostics/pages.rs disagree"
    );
}

#[test]
fn norma_help_prints_pages_and_the_standard_library() {
    let (code, out, _) = common::norma(&["help", "E0201"]);
    assert_eq!(code, 0);
    assert_eq!(out, norma::diagnostics::page("E0201").expect("page"));
    let (code, out, _) = common::norma(&["help", "std::core"]);
    assert_eq!(code, 0);
    assert!(out.contains("action operate("), "{out}");
    let (code, out, _) = common::norma(&["help", "codes"]);
    assert_eq!(code, 0);
    assert!(out.contains("W0009"), "{out}");
    let (code, out, _) = common::norma(&["help", "check"]);
    assert_eq!(code, 0);
    assert!(out.contains("--format"), "{out}");
    assert!(out.contains("Usage: norma check"), "{out}");
    assert!(
        out.contains("`.norma.md`"),
        "literate files are read too: {out}"
    );
    let (code, _, err) = common::norma(&["help", "E201"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean"), "{err}");
}

#[test]
fn human_diagnostics_point_at_their_page_and_say_where_the_library_is() {
    let (code, out, _) = common::norma(&[
        "check",
        "--color",
        "never",
        "tests/diagnostics/E0201_unknown_name.norma",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("For more on E0201, run `norma help E0201`."),
        "{out}"
    );
    let (_, out, _) = common::norma(&["eval", "--color", "never", "examples/wannacry_2017.norma"]);
    assert!(
        out.contains("`std/escalation.norma`") && out.contains("`norma help std::"),
        "{out}"
    );
}

#[test]
fn nothing_user_facing_points_outside_the_repository() {
    let mut files = markdown_files();
    files.push(PathBuf::from("ARCHITECTURE.md"));
    files.extend(common::norma_files_under("examples"));
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        assert!(
            !text.contains("../shared"),
            "{} names ../shared",
            f.display()
        );
        assert!(
            !text.contains("LANGUAGE.md"),
            "{} names LANGUAGE.md",
            f.display()
        );
    }
}
