//! `norma fmt`: the layout (snapshots of tests/fmt/*.norma), its properties
//! on every real file of the repository (idempotent, same tree, every
//! comment kept, same diagnostics) and on randomly re-spaced and commented
//! versions of them, and the command line (`--check`, `--write`, stdout).

use std::path::{Path, PathBuf};

use norma::fmt::{format_source, module_fingerprint};
use norma::span::FileId;
use norma::syntax::{lexer, parse};
use proptest::prelude::*;

mod common;
use common::{norma, norma_files_under, norma_texts, on_big_stack, Mutator};

/// Every real file of the repository.
fn corpus() -> Vec<(PathBuf, String)> {
    norma_texts(&["examples", "stdlib-norms", "tests/stdlib", "tests/fmt"])
}

fn fmt(name: &str, text: &str) -> String {
    match format_source(text) {
        Ok(out) => out,
        Err(diags) => panic!("{name} does not format: {diags:#?}"),
    }
}

fn fingerprint(text: &str) -> String {
    let parsed = parse(FileId(0), text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    module_fingerprint(&parsed.module)
}

fn comment_texts(text: &str) -> Vec<String> {
    let mut texts: Vec<String> = lexer::comments(text)
        .into_iter()
        .map(|(_, _, t)| t.trim_end().to_string())
        .collect();
    texts.sort();
    texts
}

/// The properties `norma fmt` promises for one input.
fn assert_formats_faithfully(name: &str, text: &str) -> String {
    let once = fmt(name, text);
    let twice = fmt(name, &once);
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    assert_eq!(
        fingerprint(&once),
        fingerprint(text),
        "{name}: the formatted file parses to another tree"
    );
    assert_eq!(
        comment_texts(&once),
        comment_texts(text),
        "{name}: comments were lost or changed"
    );
    assert!(once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n")));
    once
}

// ------------------------------------------------------------ the layout

#[test]
fn layout_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/fmt");
    let _guard = settings.bind_to_scope();
    for path in norma_files_under("tests/fmt") {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name")
            .to_string();
        let source = std::fs::read_to_string(&path).expect("readable input");
        let formatted = assert_formats_faithfully(&name, &source);
        insta::assert_snapshot!(
            name,
            format!("----- SOURCE\n{source}\n----- FORMATTED\n{formatted}")
        );
    }
}

// ------------------------------------------------- properties on real files

#[test]
fn every_real_file_formats_faithfully_and_checks_the_same() {
    let files = corpus();
    assert!(files.len() > 20, "the corpus is missing");
    for (path, text) in &files {
        let name = path.display().to_string();
        let formatted = assert_formats_faithfully(&name, text);
        if path.starts_with("tests/fmt") {
            continue; // layout inputs, not meant to check
        }
        // The formatted file checks exactly as the original does (modules it
        // uses resolve from the same directory).
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let diags = |t: &str| {
            let s =
                norma::driver::check_texts(vec![(name.clone(), dir.clone(), t.to_string())], &[]);
            s.diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code.as_str(), d.message))
                .collect::<Vec<_>>()
        };
        assert_eq!(diags(&formatted), diags(text), "{name}: checks differently");
    }
}

/// Whitespace and comments to insert between two tokens.
fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n\n".to_string()),
        Just("\t \r\n".to_string()),
        "[a-z ]{0,12}".prop_map(|t| format!("// {t}\n")),
        "[a-z ]{0,12}".prop_map(|t| format!(" //{t}\n\n")),
        "[a-z ]{0,12}".prop_map(|t| format!("\n/// {t}\n")),
        "[a-z ]{0,12}".prop_map(|t| format!("//// {t}\n")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A real file with random whitespace and comments between its tokens
    /// still formats idempotently, to the same tree, keeping every comment.
    #[test]
    fn random_spacing_and_comments_format_faithfully(
        file in 0usize..1000,
        inserts in prop::collection::vec((0usize..100_000, filler()), 1..12),
    ) {
        let files = corpus();
        let (path, text) = &files[file % files.len()];
        let (tokens, _) = lexer::lex(FileId(0), text);
        let mut at: Vec<(usize, String)> = inserts
            .into_iter()
            .map(|(i, s)| (tokens[i % tokens.len()].0, s))
            .collect();
        at.sort_by_key(|a| std::cmp::Reverse(a.0));
        let mut mutated = text.clone();
        for (offset, s) in at {
            mutated.insert_str(offset, &s);
        }
        assert_formats_faithfully(&path.display().to_string(), &mutated);
    }
}

// ---------------------------------------------------------------- robustness

#[test]
fn pathological_inputs_are_refused_or_formatted_without_crashing() {
    on_big_stack(|| {
        let deep = format!(
            "const x: Bool = {}true{};",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(format_source(&deep).is_err());
        let nots = format!("const x: Bool = {}true;", "not ".repeat(100_000));
        assert!(format_source(&nots).is_err());
        let chain = format!("const x: Bool = {};", vec!["true"; 50_000].join(" and "));
        let out = assert_formats_faithfully("chain", &chain);
        assert_eq!(out.lines().count(), 50_000);
        assert!(format_source("\u{feff}norm n {}").is_err());
    });
}

#[test]
fn random_mutations_of_real_files_never_crash_and_format_idempotently() {
    on_big_stack(|| {
        let mut mutator = Mutator::new(0x2545_F491_4F6C_DD1D);
        let mut formatted = 0;
        for (path, text) in corpus() {
            for _ in 0..30 {
                let mutated = mutator.mutate(&text, 6);
                if format_source(&mutated).is_ok() {
                    assert_formats_faithfully(&path.display().to_string(), &mutated);
                    formatted += 1;
                }
            }
        }
        assert!(formatted > 50, "too few mutants parse: {formatted}");
    });
}

// ---------------------------------------------------------- the command line

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const MESSY: &str =
    "enum E {a,b}\nuse std::core;\nnorm n { source \"s\"; forbid f(by: s) when s == a; }\n";
const BROKEN: &str = "norm n {\n  forbid f(by: s) when\n}\n";

#[test]
fn prints_the_formatted_text_to_stdout() {
    let path = "tests/fmt/norms.norma";
    let text = std::fs::read_to_string(path).expect("input");
    let (code, out, err) = norma(&["fmt", path]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, fmt(path, &text));
}

#[test]
fn check_exits_0_when_formatted_and_1_with_a_diff_otherwise() {
    let dir = scratch("check");
    let good = dir.join("good.norma");
    let bad = dir.join("bad.norma");
    std::fs::write(&good, fmt("messy", MESSY)).expect("write");
    std::fs::write(&bad, MESSY).expect("write");

    let (code, out, _) = norma(&["fmt", "--check", &good.display().to_string()]);
    assert_eq!((code, out.as_str()), (0, ""));

    let (code, out, err) = norma(&["fmt", "--check", &dir.display().to_string()]);
    assert_eq!(code, 1);
    let name = bad.display().to_string();
    assert!(
        out.starts_with(&format!("--- {name}\n+++ {name}\n@@ -1,")),
        "{out}"
    );
    assert!(
        out.contains("\n-enum E {a,b}\n") && out.contains("\n+enum E { a, b }\n"),
        "{out}"
    );
    assert!(!out.contains("good.norma"), "{out}");
    assert!(err.contains("1 of 2 files not formatted"), "{err}");
    // --check changes nothing.
    assert_eq!(std::fs::read_to_string(&bad).expect("read"), MESSY);

    let (_, coloured, _) = norma(&["fmt", "--check", "--color", "always", &name]);
    assert!(coloured.contains("\u{1b}[31m-enum"), "{coloured}");
}

#[test]
fn write_rewrites_changed_files_only_and_leaves_no_temporary_file() {
    let dir = scratch("write");
    let messy = dir.join("messy.norma");
    let tidy = dir.join("tidy.norma");
    std::fs::write(&messy, MESSY).expect("write");
    std::fs::write(&tidy, fmt("messy", MESSY)).expect("write");
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&tidy)
        .and_then(|f| f.set_modified(long_ago))
        .expect("set mtime");

    let (code, out, err) = norma(&["fmt", "--write", &dir.display().to_string()]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        fmt("messy", MESSY)
    );
    let mtime = std::fs::metadata(&tidy)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(mtime, long_ago, "a formatted file was rewritten");
    assert_eq!(files_in(&dir), ["messy.norma", "tidy.norma"]);
    // Now everything is formatted.
    assert_eq!(norma(&["fmt", "--check", &dir.display().to_string()]).0, 0);
}

#[test]
fn a_file_that_does_not_parse_is_never_touched() {
    let dir = scratch("broken");
    let broken = dir.join("broken.norma");
    let messy = dir.join("messy.norma");
    std::fs::write(&broken, BROKEN).expect("write");
    std::fs::write(&messy, MESSY).expect("write");
    for flag in ["--write", "--check"] {
        let (code, _, err) = norma(&["fmt", flag, &dir.display().to_string()]);
        assert_eq!(code, 1, "{flag}");
        assert!(
            err.contains("[E0103]") && err.contains("broken.norma"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&broken).expect("read"), BROKEN);
        assert_eq!(files_in(&dir), ["broken.norma", "messy.norma"]);
    }
    // The other file was still formatted by --write.
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        fmt("messy", MESSY)
    );
    let (code, out, _) = norma(&["fmt", &broken.display().to_string()]);
    assert_eq!((code, out.as_str()), (1, ""));
}

#[test]
fn usage_and_io_failures_exit_2() {
    assert_eq!(norma(&["fmt"]).0, 2);
    assert_eq!(norma(&["fmt", "--write", "--check", "examples"]).0, 2);
    let (code, _, err) = norma(&["fmt", "no/such/file.norma"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}
