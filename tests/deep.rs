//! `norma check --deep`: lints that must stay silent where a norm only
//! looks suspicious, the standard library and the examples linted clean,
//! and plain `norma check` unchanged. (Each code's own case is in
//! tests/diagnostics/, run with the lints.)

mod common;

use serde_json::Value as Json;

fn deep_json(paths: &[&str]) -> Json {
    let mut args = vec!["check", "--deep", "--format", "json"];
    args.extend_from_slice(paths);
    let (code, stdout, stderr) = common::norma(&args);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn deep_codes(json: &Json) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|c| ["W0006", "W0007", "W0008", "W0009"].contains(c))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_false_alarms() {
    // A narrow condition, conditions that only look contradictory, an
    // exception that holds only sometimes, a conflict an override settles.
    let json = deep_json(&["tests/deep/quiet.norma"]);
    assert_eq!(deep_codes(&json), Vec::<String>::new(), "{json}");
    assert_eq!(json["undecided"], serde_json::json!([]));
}

#[test]
fn the_standard_library_and_the_examples_lint_clean() {
    // Found by these lints and fixed: countermeasures, necessity and
    // self-defence once permitted a State to act against itself, in
    // conflict with UN GGE 13(e) (no shutting down one's own networks).
    let json = deep_json(&["stdlib-norms", "examples"]);
    assert_eq!(deep_codes(&json), Vec::<String>::new(), "{json}");
    // What uses max_response is counted, never guessed; so, until the
    // analysis encodes breaches, is what a breach triggers
    // (std::responsibility, and std::countermeasures built on it).
    let undecided = json["undecided"].as_array().expect("undecided");
    assert!(undecided.iter().all(|u| u
        .as_str()
        .is_some_and(|u| u.contains("max_response") || u.contains("triggered by a breach of"))));
}

#[test]
fn without_deep_nothing_changes() {
    let (code, stdout, _) = common::norma(&[
        "check",
        "tests/diagnostics/W0009_conflict_within_text.norma",
    ]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("W0009"), "{stdout}");
    assert!(!stdout.contains("--deep"), "{stdout}");
}

/// With a deadline (the language server's budget on save), lints are
/// cut short, never guessed: past it, nothing is claimed and the result
/// says it ran out of time; with time enough, the same W0009 as without.
#[test]
fn a_deadline_cuts_the_lints_short_and_says_so() {
    use norma::analysis::{lint, replay::Replayer, CompareOptions};
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    let dir = PathBuf::from("tests/diagnostics");
    let session = norma::driver::check_paths(&[dir.join("W0009_conflict_within_text.norma")], &[])
        .expect("the case loads");
    let replayer = Replayer {
        dir: dir.clone(),
        includes: vec![dir],
        documents: Vec::new(),
    };
    let past = CompareOptions {
        deadline: Some(Instant::now()),
        ..CompareOptions::default()
    };
    let cut = lint::deep(&session.program, &past, &replayer);
    assert!(cut.out_of_time);
    assert!(cut.diagnostics.is_empty(), "{:?}", cut.diagnostics);

    let ample = CompareOptions {
        deadline: Some(Instant::now() + Duration::from_secs(60)),
        ..CompareOptions::default()
    };
    let whole = lint::deep(&session.program, &ample, &replayer);
    assert!(!whole.out_of_time);
    let codes: Vec<&str> = whole.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W0009"]);
}
