//! Unit tests of the layout on small inputs; whole files are tested in
//! tests/fmt.rs.

use super::format_source;

fn fmt(text: &str) -> String {
    match format_source(text) {
        Ok(s) => s,
        Err(d) => panic!("does not format: {d:?}"),
    }
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("  \n\n"), "");
    assert_eq!(fmt("// a\n\n\n// b   \n"), "// a\n\n// b\n");
}

#[test]
fn refuses_what_does_not_parse() {
    let Err(diags) = format_source("norm n { forbid }") else {
        panic!("formatted a broken file");
    };
    assert!(!diags.is_empty());
}

#[test]
fn uses_first_and_one_blank_line_between_declarations() {
    assert_eq!(
        fmt("enum E {a,b}\nuse std::core;\n\n\n\ntype T{x:E}use a::{X,Y};"),
        "use std::core;\nuse a::{X, Y};\n\nenum E { a, b }\n\ntype T { x: E }\n"
    );
}

#[test]
fn clauses_one_per_line_with_conditions_joined_and_semicolons_dropped() {
    assert_eq!(
        fmt("norm n \"T\" overrides a,b::c { source \"s\"; severity high; on x:f(by:s) when s.ok; forbid g(by:s) when 1+2>3 unless true }"),
        "norm n \"T\" overrides a, b::c {\n  source \"s\"\n  severity high\n  on x: f(by: s) when s.ok\n  forbid g(by: s) when 1 + 2 > 3 unless true\n}\n"
    );
}

#[test]
fn parentheses_kept_and_added_where_needed() {
    assert_eq!(
        fmt("const c: Bool = ((a or b)) and not (c == d) and (x - (y - z)) > 1;"),
        "const c: Bool = (a or b) and not (c == d) and (x - (y - z)) > 1;\n"
    );
}

/// Found by the proptest: a doc comment before a block's `{` must stay
/// before it, or it would document the block's first event.
#[test]
fn doc_comment_before_a_brace_does_not_document_the_first_event() {
    let text = "report r\n/// x\n{\n  event e: f() at 2017-01-01\n}\n";
    let out = fmt(text);
    assert_eq!(out, "report r\n/// x\n{\n  event e: f() at 2017-01-01\n}\n");
    assert_eq!(fmt(&out), out);
}

/// Found by the proptest: a comment just inside a written `(` stays inside.
#[test]
fn comment_after_an_opening_parenthesis_stays_after_it() {
    let text = "norm n { forbid f() when a and (// c\n(b - 1) - c) > 1h or d }";
    let out = fmt(text);
    assert_eq!(
        out,
        "norm n {\n  forbid f() when a\n      and ( // c\n      (b - 1) - c) > 1h\n      or d\n}\n"
    );
    assert_eq!(fmt(&out), out);
}

#[test]
fn semicolon_kept_where_a_doc_comment_precedes_it() {
    let text = "report r { event e: f() at 2017-01-01 /// d\n ; event g: f() at 2017-01-01; }";
    let out = fmt(text);
    assert_eq!(
        out,
        "report r {\n  event e: f() at 2017-01-01 /// d\n  ;\n  event g: f() at 2017-01-01\n}\n"
    );
}

/// Found by the proptest: a comment before a written `)` stays before it.
#[test]
fn comment_before_a_closing_parenthesis_stays_before_it() {
    let text = "norm n { forbid f() when a or (b and c // c\n) unless d }";
    let out = fmt(text);
    assert_eq!(
        out,
        "norm n {\n  forbid f() when a\n      or (b and c // c\n      )\n    unless d\n}\n"
    );
    assert_eq!(fmt(&out), out);
}
