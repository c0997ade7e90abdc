//! Errors that teach: each case under tests/teaching/ is something a
//! drafter writes by habit from another notation (a date, a duration, `=`,
//! `import`, a missing `use`, a Bool written `"yes"`, a Markdown fence
//! that is nearly ```` ```norma ````). Each must give exactly one
//! diagnostic, whose text says what to write instead; the human rendering
//! is snapshotted. A case is a `.norma` file, or a literate `.norma.md`.

use std::path::PathBuf;

use norma::diagnostics::render_human;

/// (case, the one code, what the diagnostic must say)
const CASES: &[(&str, &str, &str)] = &[
    ("assign_for_equals", "E0103", "did you mean `==`?"),
    ("bool_as_a_number", "E0301", "write `false`, not `0`"),
    ("bool_capitalised", "E0201", "write `true`, not `True`"),
    (
        "bool_other_word",
        "E0301",
        "a Bool is written `true`, `false`, or `?` when the fact is not known",
    ),
    ("bool_quoted_yes", "E0301", "write `true`, not `\"yes\"`"),
    (
        "bool_unknown_in_a_norm",
        "E0301",
        "a norm asks whether a fact is known with `known(...)`",
    ),
    (
        "bool_unknown_spelt_out",
        "E0301",
        "write `?`, not `\"unknown\"`",
    ),
    (
        "breach_consequence_reads_unnamed_event",
        "E0201",
        "write `on breach of n x: operate(...)` to read that event as `x`",
    ),
    (
        "date_and_time_with_a_space",
        "E0104",
        "write `2017-06-27T09:00Z`",
    ),
    ("date_day_month_year", "E0104", "write `2017-06-27`"),
    ("date_month_day_year", "E0104", "write `2017-06-27`"),
    (
        "date_quoted",
        "E0301",
        "times are written without quotes: `2017-06-27`",
    ),
    ("duration_in_words", "E0104", "write `72h`"),
    (
        "duty_reads_unnamed_trigger",
        "E0201",
        "write `on x: operate(...)` to read that event as `x`",
    ),
    (
        "enum_member_quoted",
        "E0301",
        "enum members are written without quotes: `healthcare`",
    ),
    (
        "exception_reads_unnamed_event",
        "E0201",
        "write `forbid x: operate(...)` to read that event as `x`",
    ),
    (
        "fence_misspelt",
        "E0103",
        "its fence says `nroma`, not `norma`",
    ),
    (
        "fence_not_closed_before_next",
        "E0103",
        "the ```text block is not closed before this ```norma fence",
    ),
    (
        "fence_two_backticks",
        "E0103",
        "two backticks do not open a block",
    ),
    ("import_for_use", "E0103", "modules are imported with `use`"),
    ("missing_use_std_core", "E0201", "add `use std::core;`"),
    ("misspelt_action", "E0201", "did you mean `operate`?"),
    (
        "misspelt_declaration_keyword",
        "E0103",
        "did you mean `norm`?",
    ),
    ("misspelt_keyword", "E0103", "did you mean `forbid`?"),
    ("misspelt_report_clause", "E0103", "did you mean `entity`?"),
    (
        "no_unused_import_after_syntax_error",
        "E0103",
        "I was expecting",
    ),
    (
        "undeclared_entity",
        "E0201",
        "entity DD: State { region: ..., un_member: ..., osce: ..., paris_call: ... }",
    ),
    ("use_a_file_name", "E0103", "write `use agreement;`"),
    (
        "use_without_semicolon",
        "E0103",
        "a declaration ends with `;`: write `use std::core;`",
    ),
];

/// The file of a case: `CASE.norma`, or the literate `CASE.norma.md`.
fn case_path(case: &str) -> PathBuf {
    let literate = PathBuf::from(format!("tests/teaching/{case}.norma.md"));
    if literate.exists() {
        literate
    } else {
        PathBuf::from(format!("tests/teaching/{case}.norma"))
    }
}

#[test]
fn every_habit_from_another_notation_gets_one_error_that_says_what_to_write() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/teaching");
    let _guard = settings.bind_to_scope();
    for (case, code, says) in CASES {
        let path = case_path(case);
        let source = std::fs::read_to_string(&path).expect("case exists");
        let session = norma::driver::check_paths(std::slice::from_ref(&path), &[]).expect("loads");
        let codes: Vec<&str> = session
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, [*code], "{case}: one {code}, got {codes:?}");
        let d = &session.diagnostics[0];
        let text = format!("{} {}", d.message, d.notes.join(" "));
        assert!(text.contains(says), "{case}: `{says}` not in {text:?}");
        let human = render_human(&session.sources, &session.diagnostics, false);
        insta::assert_snapshot!(
            *case,
            format!("----- SOURCE CODE\n{source}\n----- ERROR\n{human}")
        );
    }
}

#[test]
fn every_case_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir("tests/teaching")
        .expect("tests/teaching")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| norma::syntax::literate::module_stem(&p).map(str::to_string))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CASES.iter().map(|(c, _, _)| c.to_string()).collect();
    assert_eq!(on_disk, listed);
}

/// The cases whose diagnostic carries a fix (what an editor offers as a
/// quick fix): applying it leaves a file with no diagnostic at all.
const FIXED_BY_THEIR_FIX: &[&str] = &[
    "bool_as_a_number",
    "bool_capitalised",
    "bool_quoted_yes",
    "bool_unknown_spelt_out",
    "breach_consequence_reads_unnamed_event",
    "duty_reads_unnamed_trigger",
    "exception_reads_unnamed_event",
    "fence_misspelt",
    "fence_two_backticks",
    "use_without_semicolon",
];

#[test]
fn the_fix_of_each_new_hint_makes_the_file_clean() {
    for case in FIXED_BY_THEIR_FIX {
        let path = case_path(case);
        let source = std::fs::read_to_string(&path).expect("case exists");
        let session = norma::driver::check_paths(std::slice::from_ref(&path), &[]).expect("loads");
        let fix = session.diagnostics[0]
            .fix
            .as_ref()
            .unwrap_or_else(|| panic!("{case}: no fix"));
        let mut fixed = source.clone();
        fixed.replace_range(fix.span.range(), &fix.replacement);
        let name = path.file_name().expect("name").to_string_lossy();
        let after = norma::driver::check_text(&name, &fixed);
        let left: Vec<String> = after
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(left.is_empty(), "{case}: after the fix:\n{fixed}\n{left:?}");
    }
}
