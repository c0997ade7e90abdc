//! `norma check --deep`: lints that must stay silent where a norm only
//! looks suspicious, the standard library and the examples linted clean,
//! and plain `norma check` unchanged. (Each code's own case is in
//! tests/diagnostics/, run with the lints.)

mod common;

use serde_json::Value as Json;

fn deep_json(paths: &[&str]) -> Json {
    let (code, json) = deep_run(paths);
    assert!(code == 0 || code == 1, "exit {code}: {json}");
    json
}

/// `norma check --deep --format json` with these further arguments: the
/// exit code and the JSON.
fn deep_run(args: &[&str]) -> (i32, Json) {
    let mut all = vec!["check", "--deep", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = common::norma(&all);
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (code, json)
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
    // conflict with UN GGE 13(e) (no shutting down one's own networks);
    // and, once breaches were analysed, self-defence did not override
    // `cessation`, so the victim's defence was a forbidden continuation.
    // Breach-triggered norms and `max_response` are decided, not skipped.
    let json = deep_json(&["stdlib-norms", "examples"]);
    assert_eq!(json["undecided"], serde_json::json!([]), "{json}");
    // The one norm that needs five events (a breach, its continuation,
    // a demand, a declaration, the countermeasure) is not shown to apply
    // with four; the warnings say so rather than call it contradictory.
    let found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("W000")))
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 4, "{json}");
    for (code, message) in &found {
        assert!(["W0006", "W0007"].contains(&code.as_str()), "{json}");
        assert!(message.contains("countermeasure_to_end_breach"), "{json}");
    }
    assert!(
        json.to_string().contains("try a larger `--events`"),
        "{json}"
    );
}

#[test]
fn a_norm_that_needs_more_events_is_shown_with_more() {
    // Four events are not enough (a warning that says so, not that the
    // conditions contradict each other); five show it applies.
    let run = |events: &str| {
        let (code, json) = deep_run(&["--events", events, "tests/deep/five_events.norma"]);
        assert_eq!(code, 0, "{json}");
        json
    };
    let four = run("4");
    assert_eq!(deep_codes(&four), vec!["W0006".to_string()], "{four}");
    assert!(
        four.to_string().contains("try a larger `--events`"),
        "{four}"
    );
    assert!(
        !four.to_string().contains("contradict each other\""),
        "{four}"
    );
    let five = run("5");
    assert_eq!(deep_codes(&five), Vec::<String>::new(), "{five}");
    assert_eq!(five["undecided"], serde_json::json!([]), "{five}");
}

#[test]
fn events_needs_deep_and_a_number_in_range() {
    let (code, _, stderr) = common::norma(&["check", "--events", "5", "examples"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--deep"), "{stderr}");
    let (code, stdout, stderr) = common::norma(&["check", "--deep", "--events", "0", "examples"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("--events takes a number from 1 to 12"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_consequence_of_a_breach_is_linted_like_any_norm() {
    // A permit that arises on a breach of a forbid, but only for an
    // operation the forbid never catches: it can never apply.
    let (code, json) = deep_run(&["tests/deep/consequence.norma"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(deep_codes(&json), vec!["W0006".to_string()], "{json}");
    assert!(
        json.to_string()
            .contains("`never_answered` can never apply"),
        "{json}"
    );
    assert_eq!(json["undecided"], serde_json::json!([]), "{json}");
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

#[test]
fn two_files_that_are_one_module_say_why_a_lint_is_undecided() {
    // `a/text.norma` and `b/text.norma` are both `text`: a witness's
    // `use text;` reads one of them, so the other's W0009 cannot be shown.
    let (code, json) = deep_run(&[
        "tests/deep/twins/a/text.norma",
        "tests/deep/twins/b/text.norma",
    ]);
    assert_eq!(code, 0, "{json}");
    let undecided = json["undecided"].as_array().expect("undecided");
    assert_eq!(undecided.len(), 1, "{json}");
    assert!(
        undecided[0]
            .as_str()
            .is_some_and(|u| u.contains("also the module `text`") && !u.contains("E0")),
        "{json}"
    );
    // One file alone is decided.
    let (_, json) = deep_run(&["tests/deep/twins/b/text.norma"]);
    assert_eq!(deep_codes(&json), vec!["W0009".to_string()], "{json}");
    assert_eq!(json["undecided"], serde_json::json!([]), "{json}");
}
