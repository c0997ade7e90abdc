//! Errors that teach: each case under tests/teaching/ is something a
//! drafter writes by habit from another notation (a date, a duration, `=`,
//! `import`, a missing `use`). Each must give exactly one diagnostic, whose
//! text says what to write instead; the human rendering is snapshotted.

use std::path::PathBuf;

use norma::diagnostics::render_human;

/// (case, the one code, what the diagnostic must say)
const CASES: &[(&str, &str, &str)] = &[
    ("assign_for_equals", "E0103", "did you mean `==`?"),
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
        "enum_member_quoted",
        "E0301",
        "enum members are written without quotes: `healthcare`",
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
];

#[test]
fn every_habit_from_another_notation_gets_one_error_that_says_what_to_write() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/teaching");
    let _guard = settings.bind_to_scope();
    for (case, code, says) in CASES {
        let path = PathBuf::from(format!("tests/teaching/{case}.norma"));
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
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CASES.iter().map(|(c, _, _)| c.to_string()).collect();
    assert_eq!(on_disk, listed);
}
