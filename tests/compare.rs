//! `norma compare`: hand-written cases for soundness and completeness (run
//! as a user runs the binary), the shipped treaty texts, and a
//! differential test against the evaluator — small generated pairs of
//! texts whose conflicts with one event are found by judging every
//! one-event scenario, which `compare --events 1` must match exactly.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use serde_json::Value as Json;

use norma::analysis::{self, replay::Replayer, CompareOptions, ConflictKind};
use norma::eval::{self, Role, Truth};
use norma::model::{FindingKind, Modality, ModuleId, NormId, Program, ReportId};

fn compare_json(args: &[&str]) -> (Json, i32) {
    let (code, stdout, stderr) = common::norma(args);
    let json: Json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (json, code)
}

/// The conflicting pairs `norma compare` reports for a case folder.
fn case(name: &str) -> BTreeSet<(String, String, String)> {
    let dir = format!("tests/compare/{name}");
    let (json, code) = compare_json(&[
        "compare",
        &format!("{dir}/a.norma"),
        &format!("{dir}/b.norma"),
        "-I",
        "tests/compare",
        "--format",
        "json",
    ]);
    let pairs: BTreeSet<(String, String, String)> = json["conflicts"]
        .as_array()
        .expect("conflicts")
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or_default().to_string(),
                c["norms"][0].as_str().unwrap_or_default().to_string(),
                c["norms"][1].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        code,
        i32::from(!pairs.is_empty()),
        "exit code for {name}: {json}"
    );
    assert_eq!(json["events"], 4);
    assert_eq!(json["not_analysed"], serde_json::json!([]));
    assert_eq!(json["summary"]["conflicts"], pairs.len());
    pairs
}

fn pairs(list: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    list.iter()
        .map(|(k, a, b)| (k.to_string(), a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_conflict_only_for_a_narrow_combination_of_values() {
    // `e >= damage and e < destruction` meets `e == damage` on energy, not
    // `e == destruction` on water.
    assert_eq!(
        case("narrow"),
        pairs(&[("permit_forbid", "a::no_damage", "b::energy_damage")])
    );
}

#[test]
fn conditions_through_entity_chains() {
    assert_eq!(
        case("chains"),
        pairs(&[(
            "permit_forbid",
            "a::quiet_about_asia",
            "b::tell_about_hospitals"
        )])
    );
}

#[test]
fn an_override_removes_the_conflict() {
    // A permit of A prevails over A's forbid wherever B's permit applies.
    assert_eq!(case("override_permit"), pairs(&[]));
    // A forbid of A prevails over A's duty (suspends it) wherever B's
    // forbid would make it impossible.
    assert_eq!(case("override_duty"), pairs(&[]));
}

#[test]
fn exceptions_covering_all_or_part_of_the_overlap() {
    assert_eq!(case("exception_whole"), pairs(&[]));
    assert_eq!(
        case("exception_part"),
        pairs(&[("permit_forbid", "a::no_disruption", "b::care_first")])
    );
    assert_eq!(
        case("exception_reopen"),
        pairs(&[("permit_forbid", "a::no_disruption", "b::care_first")])
    );
}

#[test]
fn set_valued_fields() {
    // A State in the group's members, health care in its sectors.
    assert_eq!(
        case("sets"),
        pairs(&[("permit_forbid", "a::not_your_own", "b::health_groups")])
    );
}

#[test]
fn duty_against_forbid() {
    assert_eq!(
        case("duty"),
        pairs(&[("duty_forbid", "a::tell_owner", "b::no_word_to_asia")])
    );
    // The forbid depends on `to`, which the duty leaves unspecified: the
    // required act is only possibly forbidden.
    assert_eq!(case("duty_unspecified"), pairs(&[]));
}

/// `norma compare` run from `cwd`: (exit code, stdout).
fn compare_in(cwd: &Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("norma runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_conflict_that_needs_a_breach_first() {
    // B permits the victim of a wrongful act to answer it; A spares
    // health care whatever came before. They collide only after a breach
    // of the norm both build on, and the witness holds that breach.
    assert_eq!(
        case("breach"),
        pairs(&[("permit_forbid", "a::spare_health", "b::answer")])
    );
    let (json, _) = compare_json(&[
        "compare",
        "tests/compare/breach/a.norma",
        "tests/compare/breach/b.norma",
        "-I",
        "tests/compare",
        "--format",
        "json",
    ]);
    let witness = json["conflicts"][0]["witness"].as_str().expect("witness");
    assert_eq!(witness.matches("  event ").count(), 2, "{witness}");
    assert!(
        witness.contains("expect conflict spare_health at event_2_operate;"),
        "{witness}"
    );
    // Under it, the breach is shown where it happened: the wrongful act.
    let breach = witness
        .find("// forbid wrongful::no_attack on event_1_operate")
        .expect("the breach's block");
    assert!(witness[breach..].contains("//   => violation"), "{witness}");
}

#[test]
fn the_answer_does_not_depend_on_the_working_folder() {
    let root = std::env::temp_dir().join(format!("norma-cwd-{}", std::process::id()));
    let (empty, decoys) = (root.join("empty"), root.join("decoys"));
    std::fs::create_dir_all(&empty).expect("folder");
    std::fs::create_dir_all(&decoys).expect("folder");
    // Modules named like the texts and their vocabulary, declaring
    // something else entirely.
    for name in ["a", "b", "common"] {
        std::fs::write(decoys.join(format!("{name}.norma")), "enum Decoy { x }\n").expect("write");
    }
    let here = std::env::current_dir().expect("cwd");
    let dir = here.join("tests/compare");
    let (a, b) = (dir.join("duty/a.norma"), dir.join("duty/b.norma"));
    for cwd in [&empty, &decoys] {
        for format in ["json", "human"] {
            let (code, stdout) = compare_in(
                cwd,
                &[
                    "compare",
                    a.to_str().unwrap(),
                    b.to_str().unwrap(),
                    "-I",
                    dir.to_str().unwrap(),
                    "--format",
                    format,
                ],
            );
            assert_eq!(code, 1, "from {}: {stdout}", cwd.display());
            if format == "json" {
                let json: Json = serde_json::from_str(&stdout).expect("JSON");
                assert_eq!(json["summary"]["conflicts"], 1, "{json}");
            } else {
                assert!(!stdout.contains("no conflict"), "{stdout}");
                assert!(stdout.contains("1 conflict between the texts"), "{stdout}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// `norma` run from `cwd`: (exit code, stdout, stderr).
fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("norma runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn texts_whose_modules_share_a_name_are_a_usage_error() {
    // `v1/text.norma` and `v2/text.norma` are both the module `text`: a
    // witness's `use text;` could read either, so no answer is given —
    // never "no conflict", never an empty list.
    let root = std::env::temp_dir().join(format!("norma-samename-{}", std::process::id()));
    let (empty, decoys, texts) = (root.join("empty"), root.join("decoys"), root.join("texts"));
    for d in [&empty, &decoys, &texts.join("v1"), &texts.join("v2")] {
        std::fs::create_dir_all(d).expect("folder");
    }
    for name in ["text", "a", "common"] {
        std::fs::write(decoys.join(format!("{name}.norma")), "enum Decoy { x }\n").expect("write");
    }
    let here = std::env::current_dir().expect("cwd");
    let dir = here.join("tests/compare");
    let (v1, v2) = (texts.join("v1/text.norma"), texts.join("v2/text.norma"));
    std::fs::copy(dir.join("duty/a.norma"), &v1).expect("copy");
    std::fs::copy(dir.join("duty/b.norma"), &v2).expect("copy");
    let (v1, v2, inc) = (
        v1.to_str().unwrap(),
        v2.to_str().unwrap(),
        dir.to_str().unwrap(),
    );
    let names_both = |msg: &str| {
        msg.contains(&format!("`{v1}`"))
            && msg.contains(&format!("`{v2}`"))
            && msg.contains("module `text`")
            && msg.contains("Rename one of the files")
    };
    for cwd in [&empty, &decoys] {
        let where_ = cwd.display();
        let (code, stdout, stderr) = run_in(cwd, &["compare", v1, v2, "-I", inc]);
        assert_eq!(code, 2, "from {where_}: {stdout}{stderr}");
        assert_eq!(stdout, "", "from {where_}");
        assert!(names_both(&stderr), "from {where_}: {stderr}");
        for command in [
            &["compare", v1, v2, "-I", inc, "--format", "json"][..],
            &[
                "graph",
                "--conflicts",
                v1,
                v2,
                "-I",
                inc,
                "--format",
                "json",
            ][..],
        ] {
            let (code, stdout, stderr) = run_in(cwd, command);
            assert_eq!(code, 2, "{command:?} from {where_}: {stdout}{stderr}");
            let json: Json = serde_json::from_str(&stdout).expect("JSON");
            assert_eq!(json["error"]["kind"], "usage", "{json}");
            assert!(json.get("conflicts").is_none(), "{json}");
            assert!(
                names_both(json["error"]["message"].as_str().unwrap()),
                "{json}"
            );
        }
        let (code, _, stderr) = run_in(cwd, &["graph", "--conflicts", v1, v2, "-I", inc]);
        assert_eq!(code, 2, "from {where_}");
        assert!(names_both(&stderr), "from {where_}: {stderr}");
        // Drawing them without conflicts asks nothing of a witness.
        let (code, _, stderr) = run_in(cwd, &["graph", v1, v2, "-I", inc]);
        assert_eq!(code, 0, "from {where_}: {stderr}");
        // Renamed apart, the same texts compare, from either folder.
        let v2b = texts.join("v2/text_v2.norma");
        std::fs::copy(v2, &v2b).expect("copy");
        let (code, stdout, _) = run_in(
            cwd,
            &[
                "compare",
                v1,
                v2b.to_str().unwrap(),
                "-I",
                inc,
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 1, "from {where_}: {stdout}");
        let json: Json = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(json["summary"]["conflicts"], 1, "{json}");
        std::fs::remove_file(&v2b).expect("remove");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_duty_conflicts_only_when_its_whole_window_is_forbidden() {
    // A 48-hour duty and "no notice more than 40 hours after": notifying
    // within 40 hours obeys both.
    assert_eq!(case("duty_window"), pairs(&[]));
    // Notices only within the hour after a share: with no share, no
    // instant of the window is open.
    assert_eq!(
        case("duty_window_closed"),
        pairs(&[("duty_forbid", "a::notify_in_48h", "b::notice_after_sharing")])
    );
}

#[test]
fn a_conflict_that_needs_a_trigger_and_a_time_window() {
    assert_eq!(
        case("trigger_window"),
        pairs(&[("permit_forbid", "a::truce", "b::espionage_allowed")])
    );
}

#[test]
fn events_before_and_unless_exists() {
    assert_eq!(
        case("two_events"),
        pairs(&[(
            "permit_forbid",
            "a::no_sharing_with_asia",
            "b::share_after_notice"
        )])
    );
    assert_eq!(case("unless_exists"), pairs(&[]));
}

#[test]
fn disjoint_conditions_and_shared_norms() {
    assert_eq!(case("disjoint"), pairs(&[]));
    // base_ban and base_leave collide, but both texts use them.
    assert_eq!(case("shared"), pairs(&[]));
}

#[test]
fn witnesses_are_minimal_and_replay_with_norma_test() {
    let dir = std::env::temp_dir().join(format!("norma-witness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (json, code) = compare_json(&[
        "compare",
        "tests/compare/two_events/a.norma",
        "tests/compare/two_events/b.norma",
        "-I",
        "tests/compare",
        "--witness-dir",
        dir.to_str().expect("temp path"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let witness = json["conflicts"][0]["witness"].as_str().expect("witness");
    // An operation, its notification, then the sharing: three events.
    assert_eq!(witness.matches("\n  event ").count(), 3, "{witness}");
    let event = json["conflicts"][0]["event"].as_str().expect("event");
    assert!(event.ends_with("_share"), "{event}");
    assert!(
        witness.contains(&format!("expect conflict no_sharing_with_asia at {event};")),
        "{witness}"
    );
    let written = std::fs::read_to_string(dir.join("conflict_1.norma")).expect("witness file");
    assert_eq!(written, witness);
    let (_, stdout, _) = common::norma(&[
        "test",
        dir.to_str().expect("temp path"),
        "-I",
        "tests/compare",
        "-I",
        "tests/compare/two_events",
    ]);
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The events of a witness in their written order: (name, the text of
/// the line).
fn witness_events(witness: &str) -> Vec<(String, String)> {
    witness
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("event "))
        .map(|l| {
            let name = l.split(':').next().unwrap_or_default().to_string();
            (name, l.to_string())
        })
        .collect()
}

/// The time an event line ends with (`... at 2025-01-01T00:00:01Z`).
fn event_time(line: &str) -> String {
    line.rsplit(" at ").next().unwrap_or_default().to_string()
}

#[test]
fn witnesses_name_the_facts_that_decide_them_in_a_causal_order() {
    let dir = std::env::temp_dir().join(format!("norma-deciding-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (json, code) = compare_json(&[
        "compare",
        "tests/compare/causal/a.norma",
        "tests/compare/causal/b.norma",
        "--witness-dir",
        dir.to_str().expect("temp path"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{json}");
    let witness = json["conflicts"][0]["witness"].as_str().expect("witness");
    // The comments follow the report and name the deciding facts: the
    // permit's `s.paris_call` on the State the answer goes to, with its
    // value, and the forbid's `q.about.effect` through the request.
    let report_end = witness.find("\n}\n").expect("end of the report");
    let comments = &witness[report_end..];
    assert!(
        comments.contains("// The facts that decide it"),
        "{witness}"
    );
    assert!(
        comments.contains("permit b::help_paris_signatories on "),
        "{witness}"
    );
    assert!(comments.contains("true: s.paris_call"), "{witness}");
    let to = witness_events(witness)
        .into_iter()
        .find(|(n, _)| n.ends_with("_answer_assistance"))
        .and_then(|(_, l)| {
            let rest = l.split("to: ").nth(1)?;
            Some(rest.split([',', ')']).next()?.to_string())
        })
        .expect("the answer's `to`");
    assert!(
        comments.contains(&format!("{to}.paris_call = true")),
        "{witness}"
    );
    assert!(comments.contains(".effect = espionage"), "{witness}");
    // Every comment line is a comment: nothing after the report but them.
    assert!(
        comments.lines().skip(3).all(|l| l.starts_with("//")),
        "{comments}"
    );
    // The operation, the request about it, the answer to the request: each
    // event comes strictly after the event it names.
    let events = witness_events(witness);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 3, "{witness}");
    assert!(names[0].ends_with("_operate"), "{witness}");
    assert!(names[1].ends_with("_request_assistance"), "{witness}");
    assert!(names[2].ends_with("_answer_assistance"), "{witness}");
    assert!(
        events[1].1.contains(&format!("about: {}", names[0])),
        "{witness}"
    );
    assert!(
        events[2].1.contains(&format!("request: {}", names[1])),
        "{witness}"
    );
    assert!(
        event_time(&events[0].1) < event_time(&events[1].1),
        "{witness}"
    );
    assert!(
        event_time(&events[1].1) < event_time(&events[2].1),
        "{witness}"
    );
    // The written file is the witness, and it replays with its comments.
    let file = dir.join("conflict_1.norma");
    let written = std::fs::read_to_string(&file).expect("witness file");
    assert_eq!(written, witness);
    let replay = || {
        common::norma(&[
            "test",
            dir.to_str().expect("temp path"),
            "-I",
            "tests/compare/causal",
        ])
    };
    let (_, stdout, _) = replay();
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    // The formatter keeps the comments, and the formatted file replays.
    let (code, _, err) = common::norma(&["fmt", "--write", file.to_str().expect("temp path")]);
    assert_eq!(code, 0, "{err}");
    let formatted = std::fs::read_to_string(&file).expect("witness file");
    assert!(
        formatted.ends_with(comments.trim_start_matches("\n}\n")),
        "{formatted}"
    );
    let (code, _, err) = common::norma(&["fmt", "--check", file.to_str().expect("temp path")]);
    assert_eq!(code, 0, "{err}");
    let (_, stdout, _) = replay();
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_duty_forbid_witness_names_the_forbids_facts_on_the_act() {
    let (json, _) = compare_json(&[
        "compare",
        "examples/treaties/sharing_pact.norma",
        "examples/treaties/regional_secrecy.norma",
        "--format",
        "json",
    ]);
    let witness = json["conflicts"][0]["witness"].as_str().expect("witness");
    assert!(
        witness.contains("// oblige sharing_pact::share_with_victim triggered by "),
        "{witness}"
    );
    assert!(
        witness.contains(
            "// forbid regional_secrecy::keep_data_in_region, on the act the duty requires, share("
        ),
        "{witness}"
    );
    assert!(witness.contains("//   window "), "{witness}");
    // The sharing State is European, the victim is not: what decides it.
    assert!(witness.contains(".region = europe"), "{witness}");
    // The operation comes before its detection.
    let events = witness_events(witness);
    assert!(events[0].0.ends_with("_operate"), "{witness}");
}

#[test]
fn a_witness_of_a_duty_that_answers_a_breach_shows_the_breach() {
    let (json, code) = compare_json(&[
        "compare",
        "tests/compare/breach_facts/a.norma",
        "tests/compare/breach_facts/b.norma",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{json}");
    let witness = json["conflicts"][0]["witness"].as_str().expect("witness");
    assert!(
        witness.contains("//   answers the breach of a::no_damage: violation at "),
        "{witness}"
    );
    // The breach's own condition and the fact it reads.
    assert!(witness.contains("// forbid a::no_damage on "), "{witness}");
    assert!(witness.contains("//   when true: e >= damage"), "{witness}");
    assert!(witness.contains(".effect = damage"), "{witness}");
    // The forbid's facts, through the act the duty requires.
    assert!(witness.contains(".osce = true"), "{witness}");
    assert!(witness.contains(".osce = false"), "{witness}");
}

#[test]
fn the_treaty_texts_collide_without_an_incident_written_by_hand() {
    let (json, code) = compare_json(&[
        "compare",
        "examples/treaties/sharing_pact.norma",
        "examples/treaties/regional_secrecy.norma",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let c = &json["conflicts"][0];
    assert_eq!(c["kind"], "duty_forbid");
    assert_eq!(
        c["norms"],
        serde_json::json!([
            "sharing_pact::share_with_victim",
            "regional_secrecy::keep_data_in_region"
        ])
    );
}

#[test]
fn human_output_points_at_both_norms_and_prints_the_witness() {
    let (_, text, _) = common::norma(&[
        "compare",
        "examples/treaties/sharing_pact.norma",
        "examples/treaties/regional_secrecy.norma",
        "--color",
        "never",
    ]);
    assert!(
        text.contains("examples/treaties/sharing_pact.norma:10:6"),
        "{text}"
    );
    assert!(
        text.contains("examples/treaties/regional_secrecy.norma:10:6"),
        "{text}"
    );
    assert!(text.contains("    report conflict_1 "), "{text}");
    assert!(text.contains("(scenarios of at most 4 events)"), "{text}");
}

#[test]
fn no_conflict_says_within_how_many_events() {
    let (code, text, _) = common::norma(&[
        "compare",
        "tests/compare/disjoint/a.norma",
        "tests/compare/disjoint/b.norma",
        "-I",
        "tests/compare",
        "--events",
        "2",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("no conflict with at most 2 events"), "{text}");
    assert!(text.contains("a larger --events may find one"), "{text}");
    assert!(!text.contains("consistent"));
}

#[test]
fn standard_library_modules_compare_by_module_path() {
    let (json, code) = compare_json(&["compare", "std::gge2015", "std::osce", "--format", "json"]);
    assert!(code == 0 || code == 1, "{json}");
    assert_eq!(json["schema_version"], 1);
}

#[test]
fn bad_input_is_an_error_not_a_result() {
    assert_eq!(
        common::norma(&["compare", "no/such/file.norma", "std::osce"]).0,
        2
    );
    assert_eq!(
        common::norma(&["compare", "std::osce", "std::osce", "--events", "0"]).0,
        2
    );
    assert_eq!(
        common::norma(&["compare", "std::no_such_module", "std::osce"]).0,
        1
    );
}

// ---------------------------------------------------------------------
// Differential test: compare --events 1 against every one-event scenario.

use common::textgen::{
    gen_breached, gen_norm, gen_tell_norm, gen_timed_duty, gen_timed_forbid, gen_timed_norm,
    scenarios, timed_scenarios, write_text, Gen, VOCABULARY,
};

static CASE: AtomicUsize = AtomicUsize::new(0);

fn module(program: &Program, name: &str) -> ModuleId {
    ModuleId(
        program
            .modules
            .iter()
            .position(|m| m.name == name)
            .expect("module") as u32,
    )
}

/// The conflicting pairs between the two texts, by judging every
/// one-event scenario with the evaluator.
fn ground_truth(
    dir: &Path,
    candidates: &dyn Fn(&Program, NormId, NormId) -> bool,
) -> BTreeSet<(ConflictKind, String, String)> {
    let mut found = BTreeSet::new();
    for (n, event) in scenarios().into_iter().enumerate() {
        let text = format!(
            "use vocab;\nuse a;\nuse b;\nreport s{n} {{\n  as_of 2025-01-02\n  \
             entity pn: Party {{ zone: north }}\n  entity pn2: Party {{ zone: north }}\n  \
             entity ps: Party {{ zone: south }}\n  entity ps2: Party {{ zone: south }}\n  {event}\n}}\n"
        );
        let s = norma::driver::check_texts(
            vec![(
                dir.join("s.norma").display().to_string(),
                dir.to_path_buf(),
                text.clone(),
            )],
            &[],
        );
        assert!(!s.has_errors(), "{text}\n{:?}", s.diagnostics);
        let p = &s.program;
        let x = eval::explain(p, ReportId(0), norma::model::EventId(0));
        conflicts_shown(p, &x, candidates, &mut found);
    }
    found
}

/// The cross-text conflicts the evaluator shows at one event.
fn conflicts_shown(
    p: &Program,
    x: &eval::Explanation,
    candidates: &dyn Fn(&Program, NormId, NormId) -> bool,
    found: &mut BTreeSet<(ConflictKind, String, String)>,
) {
    let id_of = |name: &str| {
        NormId(
            p.norms
                .iter()
                .position(|d| d.qualified == name)
                .expect("norm") as u32,
        )
    };
    for i in &x.instances {
        match (i.role, i.modality) {
            (Role::Matched, "forbid") if i.in_force == Truth::True => {
                let not_won = i
                    .collisions
                    .iter()
                    .filter(|c| c.decided == "won")
                    .all(|c| c.value == Truth::False);
                for c in &i.collisions {
                    if not_won
                        && c.decided == "tied"
                        && c.modality == "permit"
                        && c.value == Truth::True
                        && candidates(p, i.norm, c.other)
                    {
                        found.insert((
                            ConflictKind::PermitForbid,
                            i.norm_name.clone(),
                            c.other_name.clone(),
                        ));
                    }
                }
            }
            (Role::Trigger, "oblige") => {
                let Some(d) = &i.duty else { continue };
                if d.outcome != FindingKind::Conflict {
                    continue;
                }
                for (f, how) in &d.conflicts {
                    if *how == "no override" && candidates(p, i.norm, id_of(f)) {
                        found.insert((ConflictKind::DutyForbid, i.norm_name.clone(), f.clone()));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The same for every report of at most two events of the timed norms
/// ([`timed_scenarios`]), all in one file.
fn ground_truth_timed(
    dir: &Path,
    candidates: &dyn Fn(&Program, NormId, NormId) -> bool,
) -> BTreeSet<(ConflictKind, String, String)> {
    let mut text = String::from("use vocab;\nuse a;\nuse b;\n");
    let scenarios = timed_scenarios();
    for (n, (events, _)) in scenarios.iter().enumerate() {
        text.push_str(&format!(
            "report s{n} {{\n  as_of 2025-01-02\n  \
             entity pn: Party {{ zone: north }}\n  entity pn2: Party {{ zone: north }}\n  \
             entity ps: Party {{ zone: south }}\n  entity ps2: Party {{ zone: south }}\n"
        ));
        for e in events {
            text.push_str(&format!("  {e}\n"));
        }
        text.push_str("}\n");
    }
    let s = norma::driver::check_texts(
        vec![(
            dir.join("s.norma").display().to_string(),
            dir.to_path_buf(),
            text,
        )],
        &[],
    );
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let p = &s.program;
    let mut found = BTreeSet::new();
    for (r, report) in p.reports.iter().enumerate() {
        for e in 0..report.events.len() {
            let x = eval::explain(p, ReportId(r as u32), norma::model::EventId(e as u32));
            conflicts_shown(p, &x, candidates, &mut found);
        }
    }
    found
}

fn differential(a: &[Gen], b: &[Gen], events: usize) -> Result<(), TestCaseError> {
    let dir = std::env::temp_dir().join(format!(
        "norma-diff-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (ta, tb) = (write_text("a", a), write_text("b", b));
    std::fs::write(dir.join("vocab.norma"), VOCABULARY).expect("write");
    std::fs::write(dir.join("a.norma"), &ta).expect("write");
    std::fs::write(dir.join("b.norma"), &tb).expect("write");
    let s =
        norma::driver::check_paths(&[dir.join("a.norma"), dir.join("b.norma")], &[]).expect("load");
    prop_assert!(!s.has_errors(), "{ta}\n{tb}\n{:?}", s.diagnostics);
    let p = &s.program;
    let (ma, mb) = (module(p, "a"), module(p, "b"));
    let replayer = Replayer {
        dir: dir.clone(),
        includes: vec![dir.clone()],
        documents: Vec::new(),
    };
    let opts = CompareOptions {
        events,
        ..CompareOptions::default()
    };
    let result = analysis::compare(p, &[ma], &[mb], &opts, &replayer);
    prop_assert!(result.failures.is_empty(), "{:?}", result.failures);
    prop_assert!(result.not_analysed.is_empty(), "{:?}", result.not_analysed);
    let reported: BTreeSet<(ConflictKind, String, String)> = result
        .conflicts
        .iter()
        .map(|c| {
            (
                c.kind,
                p.norm(c.first).qualified.clone(),
                p.norm(c.other).qualified.clone(),
            )
        })
        .collect();
    // A cross-text pair with no override between the two.
    let candidates = |p: &Program, x: NormId, y: NormId| {
        let (dx, dy) = (p.norm(x), p.norm(y));
        let text =
            |d: &norma::model::NormDef| d.qualified.split("::").next().unwrap_or("").to_string();
        text(dx) != text(dy)
            && !dx.overrides.contains(&y)
            && !dy.overrides.contains(&x)
            && (dx.modality != Modality::Permit)
    };
    let truth = if events == 1 {
        ground_truth(&dir, &candidates)
    } else {
        ground_truth_timed(&dir, &candidates)
    };
    let _ = std::fs::remove_dir_all(&dir);
    prop_assert_eq!(reported, truth, "texts:\n{}\n{}", ta, tb);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn compare_finds_exactly_the_one_event_conflicts(
        a in prop::collection::vec(gen_norm(), 1..4),
        b in prop::collection::vec(gen_norm(), 1..4),
    ) {
        differential(&a, &b, 1)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// Duties with windows against forbids that read the act's time (one
    /// of each first, so that most pairs are worth asking about): the
    /// ground truth judges every report of at most two events on a time
    /// grid that holds every breakpoint of the conditions.
    #[test]
    fn compare_finds_exactly_the_two_event_duty_conflicts(
        a in (gen_timed_duty(), prop::collection::vec(gen_timed_norm(), 0..2)),
        b in (gen_timed_forbid(), prop::collection::vec(gen_timed_norm(), 0..2)),
    ) {
        differential(&one_then(a), &one_then(b), 2)?;
    }

    /// Norms triggered by the breach of a forbid (§4) — a permit, a
    /// forbid or a duty that arises only after a breach — against norms
    /// on the act they govern: every conflict needs the breach first, and
    /// the ground truth judges every report of at most two events.
    #[test]
    fn compare_finds_exactly_the_two_event_conflicts_after_a_breach(
        a in (gen_breached(), prop::collection::vec(gen_timed_norm(), 0..2)),
        b in (gen_tell_norm(), prop::collection::vec(gen_tell_norm(), 0..2)),
    ) {
        differential(&one_then(a), &one_then(b), 2)?;
    }
}

/// A text's norms: the one generated first, then the others.
fn one_then((first, rest): (Gen, Vec<Gen>)) -> Vec<Gen> {
    std::iter::once(first).chain(rest).collect()
}

#[test]
fn every_pair_of_standard_library_modules_compares_without_an_internal_error() {
    let modules = [
        "core",
        "gge2015",
        "osce",
        "paris_call",
        "escalation",
        "countermeasures",
    ];
    for (i, a) in modules.iter().enumerate() {
        for b in &modules[i + 1..] {
            let (code, stdout, stderr) = common::norma(&[
                "compare",
                &format!("std::{a}"),
                &format!("std::{b}"),
                "--format",
                "json",
            ]);
            assert!(
                code == 0 || code == 1,
                "std::{a} std::{b}: exit {code}\n{stderr}"
            );
            let json: Json = serde_json::from_str(&stdout).expect("JSON");
            assert_eq!(
                json["not_analysed"],
                serde_json::json!([]),
                "std::{a} std::{b}"
            );
        }
    }
}
