//! Every norm, red line and exception of the standard library has a doc
//! comment and a `source` citation (issue: the standard library).

mod common;

#[test]
fn every_std_rule_is_documented_and_cited() {
    let mut text = String::new();
    for (name, _) in norma::resolve::loader::stdlib_modules() {
        text.push_str(&format!("use std::{name};\n"));
    }
    let s = norma::driver::check_text("all.norma", &text);
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let mut checked = 0;
    for n in &s.program.norms {
        assert!(
            n.doc.as_deref().is_some_and(|d| d.len() > 20),
            "{} has no doc comment",
            n.qualified
        );
        assert!(
            n.source.as_deref().is_some_and(|d| !d.is_empty()),
            "{} has no source",
            n.qualified
        );
        checked += 1;
    }
    for e in &s.program.exceptions {
        assert!(
            e.doc.as_deref().is_some_and(|d| d.len() > 20),
            "{} has no doc comment",
            e.qualified
        );
        assert!(
            e.source.as_deref().is_some_and(|d| !d.is_empty()),
            "{} has no source",
            e.qualified
        );
        checked += 1;
    }
    // 14 + 5 + 9 + 8 + 1 norms and red lines, 8 exceptions at the time of writing.
    assert!(checked >= 40, "only {checked} rules found");
    let gge: Vec<&str> = s
        .program
        .norms
        .iter()
        .filter(|n| n.qualified.starts_with("std::gge2015::"))
        .filter_map(|n| n.source.as_deref())
        .collect();
    for letter in 'a'..='k' {
        assert!(
            gge.iter().any(|src| src.contains(&format!("13({letter})"))),
            "no norm cites UN GGE 2015 para 13({letter})"
        );
    }
}

/// The law of State responsibility is quoted, not paraphrased: every norm
/// and exception of std::responsibility and std::countermeasures cites the
/// instrument it rests on in `source`, and the doc comment of every norm
/// quotes it. The modules print with `norma help`.
#[test]
fn responsibility_and_countermeasures_quote_their_articles() {
    let s = norma::driver::check_text(
        "all.norma",
        "use std::responsibility;\nuse std::countermeasures;\n",
    );
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let ours =
        |q: &str| q.starts_with("std::responsibility::") || q.starts_with("std::countermeasures::");
    let instruments = [
        "ILC Articles",
        "UN Charter",
        "Additional Protocol",
        "Tallinn Manual",
    ];
    let mut norms = 0;
    for n in s.program.norms.iter().filter(|n| ours(&n.qualified)) {
        let source = n.source.as_deref().unwrap_or("");
        assert!(
            instruments.iter().any(|i| source.contains(i)),
            "{} cites no instrument: {source}",
            n.qualified
        );
        let doc = n.doc.as_deref().unwrap_or("");
        assert!(doc.contains('"'), "{} quotes nothing: {doc}", n.qualified);
        norms += 1;
    }
    for e in s.program.exceptions.iter().filter(|e| ours(&e.qualified)) {
        let source = e.source.as_deref().unwrap_or("");
        assert!(
            instruments.iter().any(|i| source.contains(i)),
            "{} cites no instrument: {source}",
            e.qualified
        );
    }
    // cessation, non_repetition, reparation, notice_of_claim; two
    // countermeasure permits, the notice, necessity, self-defence and the
    // two norms on declarations.
    assert!(norms >= 11, "only {norms} norms");
    let responsibility = s
        .program
        .norms
        .iter()
        .filter(|n| n.qualified.starts_with("std::responsibility::"))
        .filter_map(|n| n.source.as_deref())
        .collect::<Vec<_>>()
        .join("\n");
    for article in ["art. 30(a)", "art. 30(b)", "arts. 31 and 34-37", "43(1)"] {
        assert!(responsibility.contains(article), "no rule cites {article}");
    }
    for module in ["std::responsibility", "std::countermeasures"] {
        let (code, out, _) = common::norma(&["help", module]);
        assert_eq!(code, 0, "{module}");
        assert!(
            out.contains("ILC Articles on State Responsibility"),
            "{out}"
        );
    }
}

/// The standard library's page in `docs/` names every module and every
/// rule, so a rule added without saying what it reads fails here.
#[test]
fn the_stdlib_page_lists_every_module_and_rule() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/stdlib.md"))
        .expect("docs/stdlib.md is readable");
    let mut text = String::new();
    for (name, _) in norma::resolve::loader::stdlib_modules() {
        assert!(
            page.contains(&format!("`std::{name}`")),
            "docs/stdlib.md does not name std::{name}"
        );
        text.push_str(&format!("use std::{name};\n"));
    }
    let s = norma::driver::check_text("all.norma", &text);
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let names = s
        .program
        .norms
        .iter()
        .map(|n| &n.name)
        .chain(s.program.exceptions.iter().map(|e| &e.name));
    let mut listed = 0;
    for name in names {
        assert!(
            page.contains(&format!("`{name}`")),
            "docs/stdlib.md does not list the rule {name}"
        );
        listed += 1;
    }
    assert!(listed >= 60, "only {listed} rules found");
}
