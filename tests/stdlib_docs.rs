//! Every norm, red line and exception of the standard library has a doc
//! comment and a `source` citation (issue: the standard library).

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
