//! `norma diff`: one case per kind of amendment (run as a user runs the
//! binary, every witness replayed with `norma test` under the version its
//! header names), the shipped treaty and its amendment, and failures.

mod common;

use std::collections::BTreeMap;

use serde_json::Value as Json;

fn diff_json(old: &str, new: &str) -> Json {
    let (code, stdout, stderr) = common::norma(&["diff", old, new, "--format", "json"]);
    assert_eq!(code, 0, "exit code of diff {old} {new}: {stdout}\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Replay every witness of a diff with `norma test`, with the folder of
/// the version it holds under as `-I`.
fn replay(json: &Json, old_dir: &str, new_dir: &str, tag: &str) {
    let tmp = std::env::temp_dir().join(format!("norma-diff-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    for (n, norm) in json["norms"].as_array().expect("norms").iter().enumerate() {
        for (w, wit) in norm["witnesses"]
            .as_array()
            .expect("witnesses")
            .iter()
            .enumerate()
        {
            let under = wit["holds_under"].as_str().expect("holds_under");
            let dir = if under == "old" { old_dir } else { new_dir };
            let text = wit["witness"].as_str().expect("witness");
            assert!(
                text.contains(&format!("hold under the {under} version")),
                "{text}"
            );
            let path = tmp.join(format!("w_{n}_{w}.norma"));
            std::fs::write(&path, text).expect("write witness");
            let (code, out, err) = common::norma(&["test", path.to_str().unwrap(), "-I", dir]);
            assert_eq!(code, 0, "witness does not replay:\n{text}\n{out}\n{err}");
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// Status by norm name for a case of `tests/diff/`, its witnesses replayed.
fn case(name: &str) -> (BTreeMap<String, String>, Json) {
    let old_dir = format!("tests/diff/{name}/old");
    let new_dir = format!("tests/diff/{name}/new");
    let json = diff_json(
        &format!("{old_dir}/text.norma"),
        &format!("{new_dir}/text.norma"),
    );
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["events"], 4);
    replay(&json, &old_dir, &new_dir, name);
    (statuses(&json), json)
}

/// Status by norm name, as a diff's JSON gives them.
fn statuses(json: &Json) -> BTreeMap<String, String> {
    json["norms"]
        .as_array()
        .expect("norms")
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap_or_default().to_string(),
                n["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn witnesses(json: &Json, norm: &str) -> Vec<(String, String)> {
    json["norms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["name"] == norm)
        .flat_map(|n| n["witnesses"].as_array().unwrap().iter())
        .map(|w| {
            (
                w["holds_under"].as_str().unwrap().to_string(),
                w["event"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_raised_threshold_is_looser() {
    let (s, json) = case("threshold");
    assert_eq!(s, expect(&[("no_harm", "looser")]));
    // One scenario, written once per version.
    let w = witnesses(&json, "no_harm");
    assert_eq!(w.len(), 2, "{json}");
    assert_eq!(w[0].0, "old");
    assert_eq!(w[1].0, "new");
    assert_eq!(w[0].1, w[1].1);
    assert_eq!(json["not_analysed"], serde_json::json!([]));
}

#[test]
fn an_added_exception_is_looser_and_listed() {
    let (s, json) = case("exception_added");
    assert_eq!(s, expect(&[("no_harm", "looser")]));
    assert_eq!(
        json["exceptions"]["added"],
        serde_json::json!(["own_assets"])
    );
    assert_eq!(json["exceptions"]["removed"], serde_json::json!([]));
    let text = json["norms"][0]["witnesses"][1]["witness"]
        .as_str()
        .unwrap();
    assert!(text.contains("expect excused no_harm at"), "{text}");
}

#[test]
fn a_removed_unless_is_stricter() {
    let (s, _) = case("unless_removed");
    assert_eq!(s, expect(&[("no_harm", "stricter")]));
}

#[test]
fn an_equivalent_rewrite_is_unchanged() {
    // `not (a or b)` → `not a and not b`, conjuncts reordered: the
    // definitions differ, so the solver has to prove it.
    let (s, json) = case("equivalent");
    assert_eq!(s, expect(&[("no_harm", "unchanged")]));
    assert_eq!(json["norms"][0]["witnesses"], serde_json::json!([]));
}

#[test]
fn a_shorter_deadline_is_stricter() {
    let (s, json) = case("within");
    assert_eq!(s, expect(&[("tell_victim", "stricter")]));
    // Findings of a duty are compared per trigger.
    let w = witnesses(&json, "tell_victim");
    assert!(w.iter().all(|(_, e)| e.ends_with("_detect")), "{w:?}");
}

/// A norm's entry in a diff's JSON.
fn norm<'a>(json: &'a Json, name: &str) -> &'a Json {
    json["norms"]
        .as_array()
        .expect("norms")
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no norm `{name}` in {json}"))
}

#[test]
fn a_pure_rename_is_renamed() {
    let (s, json) = case("rename");
    // `leaks_b` behaves as `no_leaks` too, but each norm pairs once: the
    // first added norm by name takes it.
    assert_eq!(
        s,
        expect(&[
            ("leaks_a", "renamed"),
            ("leaks_b", "added"),
            ("no_harm_to_critical_assets", "renamed"),
            ("no_spying_on_health", "renamed"),
        ])
    );
    let n = norm(&json, "no_harm_to_critical_assets");
    assert_eq!(n["from"], "no_harm", "{n}");
    assert_eq!(n["witnesses"], serde_json::json!([]));
    assert!(n.get("attributes").is_none(), "{n}");
    assert_eq!(norm(&json, "leaks_a")["from"], "no_leaks");
    assert!(norm(&json, "leaks_b").get("from").is_none());
    // Renamed, and its severity given: no `severity` was `medium`.
    let n = norm(&json, "no_spying_on_health");
    assert_eq!(n["from"], "no_spying", "{n}");
    assert_eq!(
        n["attributes"],
        serde_json::json!({"severity": ["low", "medium"]})
    );
    let (code, text, _) = common::norma(&[
        "diff",
        "tests/diff/rename/old/text.norma",
        "tests/diff/rename/new/text.norma",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("renamed    no_spying_on_health (from no_spying; severity low → medium)\n"),
        "{text}"
    );
    assert!(
        text.contains("0 unchanged, 1 added, 0 removed, 3 renamed (scenarios of at most 4 events"),
        "{text}"
    );
    let (code, page, _) = common::norma(&[
        "diff",
        "tests/diff/rename/old/text.norma",
        "tests/diff/rename/new/text.norma",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0);
    assert!(page.contains("label renamed"), "{page}");
    assert!(
        page.contains("Renamed from <code>no_spying</code>"),
        "{page}"
    );
    assert!(page.contains("severity low → medium"), "{page}");
}

#[test]
fn a_rename_that_changes_behaviour_is_removed_and_added() {
    // A threshold raised and a deadline shortened under new names: some
    // scenario tells each pair apart.
    let (s, _) = case("rename_changed");
    assert_eq!(
        s,
        expect(&[
            ("no_damage", "added"),
            ("no_harm", "removed"),
            ("notify_owner", "added"),
            ("tell_owner", "removed"),
        ])
    );
}

#[test]
fn a_rename_the_analysis_cannot_decide_is_said_so() {
    // `probe` is declared differently in the two versions: whether
    // `no_probing` is `no_probe` renamed cannot be asked, so the two stay
    // removed and added, and the reason is given.
    let tmp = std::env::temp_dir().join(format!("norma-diff-unasked-{}", std::process::id()));
    for v in ["old", "new"] {
        std::fs::create_dir_all(tmp.join(v)).expect("folder");
        let text = std::fs::read_to_string(format!("tests/diff/vocabulary/{v}/text.norma"))
            .expect("fixture");
        let text = if v == "new" {
            text.replace("norm no_probe ", "norm no_probing ")
        } else {
            text
        };
        std::fs::write(tmp.join(v).join("text.norma"), text).expect("write");
    }
    let (old, new) = (tmp.join("old/text.norma"), tmp.join("new/text.norma"));
    let json = diff_json(old.to_str().unwrap(), new.to_str().unwrap());
    let _ = std::fs::remove_dir_all(&tmp);
    let s = statuses(&json);
    assert_eq!(
        s.get("no_probe").map(String::as_str),
        Some("removed"),
        "{json}"
    );
    assert_eq!(
        s.get("no_probing").map(String::as_str),
        Some("added"),
        "{json}"
    );
    let na = json["not_analysed"].as_array().unwrap();
    assert_eq!(na.len(), 1, "{json}");
    assert_eq!(na[0]["norm"], "text::no_probing");
    let reason = na[0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("may be `no_probe` renamed"), "{reason}");
    assert!(
        reason.contains("`probe`, which is declared differently in the two versions"),
        "{reason}"
    );
}

#[test]
fn severity_and_response_are_attributes_beside_the_status() {
    let (s, json) = case("attributes");
    // The red lines cross on the same scenarios in both versions: only
    // their attributes changed, so they are `changed`, without a witness.
    assert_eq!(
        s,
        expect(&[
            ("grid", "changed"),
            ("no_harm", "looser"),
            ("no_probe", "unchanged"),
            ("water_supply", "changed"),
        ])
    );
    let water = norm(&json, "water_supply");
    assert_eq!(
        water["attributes"],
        serde_json::json!({"severity": ["high", "critical"], "response": ["countermeasures", "sanctions"]})
    );
    assert_eq!(water["witnesses"], serde_json::json!([]));
    assert_eq!(
        norm(&json, "grid")["attributes"],
        serde_json::json!({"response": ["countermeasures", "retorsion"]})
    );
    // A status computed from findings stands; the attribute is beside it.
    let harm = norm(&json, "no_harm");
    assert_eq!(
        harm["attributes"],
        serde_json::json!({"severity": ["medium", "high"]})
    );
    assert_eq!(witnesses(&json, "no_harm").len(), 2, "{json}");
    assert!(norm(&json, "no_probe").get("attributes").is_none());
    let (code, text, _) = common::norma(&[
        "diff",
        "tests/diff/attributes/old/text.norma",
        "tests/diff/attributes/new/text.norma",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with(
            "changed    grid (response countermeasures → retorsion)\n\
             looser     no_harm (severity medium → high)\n\
             unchanged  no_probe\n\
             changed    water_supply (severity high → critical, response countermeasures → sanctions)\n"
        ),
        "{text}"
    );
}

#[test]
fn each_scenario_is_printed_once_with_what_each_version_expects() {
    let (code, text, _) = common::norma(&[
        "diff",
        "tests/diff/changed/old/text.norma",
        "tests/diff/changed/new/text.norma",
    ]);
    assert_eq!(code, 0);
    // Two scenarios (one per direction), each report printed once.
    assert_eq!(text.matches("    report no_harm_").count(), 2, "{text}");
    assert_eq!(text.matches("  the scenario (").count(), 2, "{text}");
    assert_eq!(
        text.matches("  under the old version:\n").count(),
        2,
        "{text}"
    );
    assert_eq!(
        text.matches("  under the new version:\n").count(),
        2,
        "{text}"
    );
    // No header comment of the per-version witnesses, and every `expect`
    // line outside the report, under the version it holds for.
    assert!(!text.contains("These expectations hold"), "{text}");
    for block in text.split("  the scenario (").skip(1) {
        let report = &block[..block.find("  under the old version:").expect("old")];
        assert!(!report.contains("expect "), "{report}");
        assert!(report.trim_end().ends_with('}'), "{report}");
        let rest = &block[report.len()..];
        let old = &rest[..rest.find("  under the new version").expect("new")];
        assert!(old.contains("    expect "), "{old}");
    }
}

#[test]
fn problems_that_move_are_changed() {
    let (s, json) = case("changed");
    assert_eq!(s, expect(&[("no_harm", "changed")]));
    // A scenario per direction, each written under both versions.
    assert_eq!(witnesses(&json, "no_harm").len(), 4, "{json}");
}

#[test]
fn a_diff_witness_names_the_facts_that_decide_it_in_a_causal_order() {
    // The new version spares Paris Call signatories: under it, the witness
    // shows that the State helped signed it, and that this is what decides.
    let (s, json) = case("causal");
    assert_eq!(s, expect(&[("no_help_for_espionage", "looser")]));
    let norm = &json["norms"][0];
    let text = |under: &str| {
        norm["witnesses"]
            .as_array()
            .expect("witnesses")
            .iter()
            .find(|w| w["holds_under"] == under)
            .and_then(|w| w["witness"].as_str())
            .expect("a witness per version")
            .to_string()
    };
    let (old, new) = (text("old"), text("new"));
    for w in [&old, &new] {
        assert!(w.contains("\n}\n\n// The facts that decide it"), "{w}");
        // The operation, the request about it, the answer to the request,
        // each strictly after the event it names.
        let events: Vec<&str> = w
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("event "))
            .collect();
        assert_eq!(events.len(), 3, "{w}");
        assert!(events[0].starts_with("event_1_operate:"), "{w}");
        assert!(events[1].contains("about: event_1_operate"), "{w}");
        assert!(
            events[2].contains("request: event_2_request_assistance"),
            "{w}"
        );
        let times: Vec<&str> = events
            .iter()
            .filter_map(|e| e.rsplit(" at ").next())
            .collect();
        assert!(times[0] < times[1] && times[1] < times[2], "{w}");
    }
    assert!(old.contains("//   => violation"), "{old}");
    assert!(new.contains("//     false: not s.paris_call"), "{new}");
    let to = new
        .lines()
        .find(|l| l.contains("event_3_answer_assistance: "))
        .and_then(|l| l.split("to: ").nth(1))
        .and_then(|r| r.split(',').next())
        .expect("the answer's `to`");
    assert!(
        new.contains(&format!("//         {to}.paris_call = true")),
        "{new}"
    );
}

#[test]
fn a_narrower_permit_shows_on_itself_and_on_the_forbid() {
    let (s, json) = case("permit");
    // Under the new version the forbid's witness says why it is now a
    // violation: the permit no longer holds, for want of a European owner.
    let new_forbid = json["norms"]
        .as_array()
        .expect("norms")
        .iter()
        .filter(|n| n["name"] == "no_harm")
        .flat_map(|n| n["witnesses"].as_array().expect("witnesses"))
        .find(|w| {
            w["holds_under"] == "new"
                && w["witness"]
                    .as_str()
                    .is_some_and(|t| t.contains("//   => violation"))
        })
        .and_then(|w| w["witness"].as_str())
        .expect("a witness where the forbid gives a violation under the new version")
        .to_string();
    assert!(
        new_forbid.contains("//   collides with permit text::defend: false"),
        "{new_forbid}"
    );
    assert!(
        new_forbid.contains("//     false: a.owner.region == europe"),
        "{new_forbid}"
    );
    assert_eq!(
        s,
        expect(&[
            ("defend", "looser"),
            ("no_harm", "changed"),
            ("untouched", "unchanged")
        ])
    );
}

#[test]
fn a_declaration_that_changed_shape_is_not_analysed() {
    let (s, json) = case("vocabulary");
    assert_eq!(s, expect(&[("no_harm", "looser")]));
    let na = json["not_analysed"].as_array().unwrap();
    assert_eq!(na.len(), 1, "{json}");
    assert_eq!(na[0]["norm"], "text::no_probe");
    assert!(
        na[0]["reason"]
            .as_str()
            .unwrap()
            .contains("`probe`, which is declared differently in the two versions"),
        "{json}"
    );
}

#[test]
fn the_amended_sharing_pact() {
    let json = diff_json(
        "examples/treaties/sharing_pact.norma",
        "examples/treaties/sharing_pact_2027.norma",
    );
    replay(&json, "examples/treaties", "examples/treaties", "pact");
    let statuses = statuses(&json);
    assert_eq!(
        statuses,
        expect(&[
            ("notice_before_publication", "looser"),
            ("share_with_victim", "stricter")
        ])
    );
    // The human report: a line per norm, the findings side by side.
    let (code, text, _) = common::norma(&[
        "diff",
        "examples/treaties/sharing_pact.norma",
        "examples/treaties/sharing_pact_2027.norma",
    ]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with("looser     notice_before_publication\nstricter   share_with_victim\n"),
        "{text}"
    );
    assert!(text.contains("exceptions added: warn_operators"), "{text}");
    assert!(
        text.contains("    old version: violation\n    new version: excused\n"),
        "{text}"
    );
    assert!(text.contains("use sharing_pact_2027;"), "{text}");
    assert!(text.contains("1 stricter, 1 looser, 0 changed, 0 unchanged, 0 added, 0 removed, 0 renamed (scenarios of at most 4 events"), "{text}");
    // Each version is its own module: the scenario is printed once, with
    // the `use` line the new version's replay needs instead.
    assert_eq!(
        text.matches("report share_with_victim_").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains(
            "  under the new version (with `use sharing_pact_2027;` in place of `use sharing_pact;`):\n"
        ),
        "{text}"
    );
}

#[test]
fn identical_texts_are_unchanged_without_a_query() {
    for m in ["std::gge2015", "std::osce", "std::countermeasures"] {
        let json = diff_json(m, m);
        for n in json["norms"].as_array().unwrap() {
            assert_eq!(n["status"], "unchanged", "{m}: {n}");
        }
        if m == "std::countermeasures" {
            // It is built on breaches and answers std::escalation's ladder:
            // until the analysis encodes breaches (and `max_response`), what
            // depends on them is listed, never guessed.
            let left = json["not_analysed"].as_array().expect("not_analysed");
            assert!(
                left.iter().all(|u| u["reason"]
                    .as_str()
                    .is_some_and(|r| { r.contains("a breach of") || r.contains("max_response") })),
                "{m}: {left:?}"
            );
        } else {
            assert_eq!(json["not_analysed"], serde_json::json!([]), "{m}");
        }
    }
}

#[test]
fn versions_that_share_a_file_name_diff_from_any_folder() {
    // Each version is its own program: `old/text.norma` and
    // `new/text.norma` are both `text`, and modules named like them in
    // the working folder are never read.
    let root = std::env::temp_dir().join(format!("norma-diff-cwd-{}", std::process::id()));
    let (empty, decoys) = (root.join("empty"), root.join("decoys"));
    std::fs::create_dir_all(&empty).expect("folder");
    std::fs::create_dir_all(&decoys).expect("folder");
    for name in ["text", "a"] {
        std::fs::write(decoys.join(format!("{name}.norma")), "enum Decoy { x }\n").expect("write");
    }
    let here = std::env::current_dir().expect("cwd");
    let case = here.join("tests/diff/threshold");
    let (old, new) = (case.join("old/text.norma"), case.join("new/text.norma"));
    for cwd in [&empty, &decoys] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_norma"))
            .args([
                "diff",
                old.to_str().unwrap(),
                new.to_str().unwrap(),
                "--format",
                "json",
            ])
            .current_dir(cwd)
            .output()
            .expect("norma runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "from {}: {stdout}",
            cwd.display()
        );
        let json: Json = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(statuses(&json), expect(&[("no_harm", "looser")]), "{json}");
        replay(
            &json,
            case.join("old").to_str().unwrap(),
            case.join("new").to_str().unwrap(),
            "cwd",
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn errors_in_either_version_are_diagnostics() {
    let tmp = std::env::temp_dir().join(format!("norma-diff-bad-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let bad = tmp.join("bad.norma");
    std::fs::write(&bad, "norm broken {\n").unwrap();
    let (code, out, _) = common::norma(&[
        "diff",
        "tests/diff/threshold/old/text.norma",
        bad.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let json: Json = serde_json::from_str(&out).expect("JSON");
    assert!(json["summary"]["errors"].as_u64().unwrap() >= 1, "{json}");
    // A missing file and a bad --events: usage or I/O failures, as JSON.
    let (code, out, _) = common::norma(&["diff", "no/such.norma", "x.norma", "--format", "json"]);
    assert_eq!(code, 2);
    let json: Json = serde_json::from_str(&out).expect("JSON");
    assert!(
        json["error"].is_object() || json["error"].is_string() || json.get("message").is_some(),
        "{json}"
    );
    let (code, _, _) = common::norma(&[
        "diff",
        "tests/diff/threshold/old/text.norma",
        "tests/diff/threshold/new/text.norma",
        "--events",
        "0",
    ]);
    assert_eq!(code, 2);
    let _ = std::fs::remove_dir_all(&tmp);
}

// Differential test: `diff --events 1` against the evaluator on every
// one-event scenario, each judged under both versions.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::textgen::{
    gen_breached, gen_norm, gen_tell_norm, gen_timed_duty, gen_timed_forbid, gen_timed_norm,
    scenarios, timed_scenarios, write_text, Gen, VOCABULARY,
};
use proptest::prelude::*;

static CASE: AtomicUsize = AtomicUsize::new(0);

/// The kinds of the findings of each norm at the event of a one-event
/// report: those recorded on it, and the conflicts and excuses naming it.
fn kinds_by_norm(
    dir: &std::path::Path,
    version: &str,
    event: &str,
    as_of: &str,
) -> BTreeMap<String, BTreeSet<String>> {
    let text = format!(
        "use vocab;\nuse text;\nreport s {{\n  as_of {as_of}\n  \
         entity pn: Party {{ zone: north }}\n  entity pn2: Party {{ zone: north }}\n  \
         entity ps: Party {{ zone: south }}\n  entity ps2: Party {{ zone: south }}\n  {event}\n}}\n"
    );
    let s = norma::driver::check_texts(
        vec![(
            dir.join("s.norma").display().to_string(),
            dir.to_path_buf(),
            text.clone(),
        )],
        &[dir.join(version), dir.to_path_buf()],
    );
    assert!(!s.has_errors(), "{text}\n{:?}", s.diagnostics);
    let p = &s.program;
    let findings = norma::eval::evaluate(p, norma::model::ReportId(0));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &findings.findings {
        out.entry(p.norm(f.norm).name.clone())
            .or_default()
            .insert(f.kind.as_str().to_string());
        if let Some(o) = f.other {
            if matches!(f.kind.as_str(), "conflict" | "excused") {
                out.entry(p.norm(o).name.clone())
                    .or_default()
                    .insert(f.kind.as_str().to_string());
            }
        }
    }
    out
}

fn problem(kinds: &BTreeSet<String>) -> bool {
    kinds.iter().any(|k| {
        matches!(
            k.as_str(),
            "violation" | "possible" | "conflict" | "late" | "missed"
        )
    })
}

/// The change at one event (or trigger) of one scenario.
fn record_change(c: &mut BTreeSet<&str>, ka: &BTreeSet<String>, kb: &BTreeSet<String>) {
    match (problem(ka), problem(kb)) {
        (false, true) => {
            c.insert("stricter");
        }
        (true, false) => {
            c.insert("looser");
        }
        _ if ka != kb => {
            c.insert("other");
        }
        _ => {}
    }
}

/// Each norm's status from its changes over every scenario.
fn verdicts(changes: BTreeMap<String, BTreeSet<&str>>) -> BTreeMap<String, String> {
    changes
        .into_iter()
        .map(|(n, c)| {
            let status = match (
                c.contains("stricter"),
                c.contains("looser"),
                c.contains("other"),
            ) {
                (true, false, _) => "stricter",
                (false, true, _) => "looser",
                (false, false, false) => "unchanged",
                _ => "changed",
            };
            (n, status.to_string())
        })
        .collect()
}

fn differential(old: &[Gen], new: &[Gen]) -> Result<(), TestCaseError> {
    let dir = std::env::temp_dir().join(format!(
        "norma-diffprop-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    for v in ["v1", "v2"] {
        std::fs::create_dir_all(dir.join(v)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    let (to, tn) = (write_text("n", old), write_text("n", new));
    std::fs::write(dir.join("vocab.norma"), VOCABULARY).expect("write");
    std::fs::write(dir.join("v1/text.norma"), &to).expect("write");
    std::fs::write(dir.join("v2/text.norma"), &tn).expect("write");
    let (code, stdout, stderr) = common::norma(&[
        "diff",
        dir.join("v1/text.norma").to_str().unwrap(),
        dir.join("v2/text.norma").to_str().unwrap(),
        "-I",
        dir.to_str().unwrap(),
        "--events",
        "1",
        "--format",
        "json",
    ]);
    prop_assert_eq!(code, 0, "{}\n{}\n{}\n{}", to, tn, stdout, stderr);
    let json: Json = serde_json::from_str(&stdout).expect("JSON");
    prop_assert_eq!(&json["not_analysed"], &serde_json::json!([]), "{}", json);
    let reported = statuses(&json);
    // Ground truth: every one-event scenario, `as_of` at the event and a
    // day later (a duty pending or missed).
    let names: Vec<String> = (0..old.len()).map(|i| format!("n_{i}")).collect();
    let mut changes: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for event in scenarios() {
        for as_of in ["2025-01-01", "2025-01-02"] {
            let a = kinds_by_norm(&dir, "v1", &event, as_of);
            let b = kinds_by_norm(&dir, "v2", &event, as_of);
            for n in &names {
                let empty = BTreeSet::new();
                let (ka, kb) = (a.get(n).unwrap_or(&empty), b.get(n).unwrap_or(&empty));
                record_change(changes.entry(n.clone()).or_default(), ka, kb);
            }
        }
    }
    let truth = verdicts(changes);
    let _ = std::fs::remove_dir_all(&dir);
    prop_assert_eq!(reported, truth, "texts:\n{}\n{}", to, tn);
    Ok(())
}

/// An old text and a new one: each norm kept, or replaced by another.
fn versions() -> impl Strategy<Value = (Vec<Gen>, Vec<Gen>)> {
    prop::collection::vec((gen_norm(), prop::option::weighted(0.5, gen_norm())), 1..4).prop_map(
        |v| {
            let old: Vec<Gen> = v.iter().map(|x| x.0.clone()).collect();
            let new: Vec<Gen> = v.into_iter().map(|(a, b)| b.unwrap_or(a)).collect();
            (old, new)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn diff_finds_exactly_the_one_event_changes((old, new) in versions()) {
        differential(&old, &new)?;
    }
}

/// Per report, norm and event: the kinds of its findings there (as
/// [`kinds_by_norm`]), for every timed scenario, each with `as_of` at its
/// last event and a day later, judged under one version in one file.
type Kinds = BTreeMap<(usize, String, u32), BTreeSet<String>>;

fn timed_kinds(dir: &std::path::Path, version: &str) -> Kinds {
    let mut text = String::from("use vocab;\nuse text;\n");
    for (n, (events, last)) in timed_scenarios().iter().enumerate() {
        for (k, as_of) in [1_735_689_600 + last, 1_735_776_000 + last]
            .into_iter()
            .enumerate()
        {
            text.push_str(&format!(
                "report s{n}_{k} {{\n  as_of {}\n  \
                 entity pn: Party {{ zone: north }}\n  entity pn2: Party {{ zone: north }}\n  \
                 entity ps: Party {{ zone: south }}\n  entity ps2: Party {{ zone: south }}\n",
                norma::time::format_time(as_of)
            ));
            for e in events {
                text.push_str(&format!("  {e}\n"));
            }
            text.push_str("}\n");
        }
    }
    let s = norma::driver::check_texts(
        vec![(
            dir.join("s.norma").display().to_string(),
            dir.to_path_buf(),
            text,
        )],
        &[dir.join(version), dir.to_path_buf()],
    );
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let p = &s.program;
    let mut out = Kinds::new();
    for r in 0..p.reports.len() {
        let findings = norma::eval::evaluate(p, norma::model::ReportId(r as u32));
        for f in &findings.findings {
            let kind = f.kind.as_str().to_string();
            out.entry((r, p.norm(f.norm).name.clone(), f.event.0))
                .or_default()
                .insert(kind.clone());
            if let (Some(o), "conflict" | "excused") = (f.other, kind.as_str()) {
                out.entry((r, p.norm(o).name.clone(), f.event.0))
                    .or_default()
                    .insert(kind);
            }
        }
    }
    out
}

/// `diff --events 2` against the evaluator on every timed scenario.
fn differential_timed(old: &[Gen], new: &[Gen]) -> Result<(), TestCaseError> {
    let dir = std::env::temp_dir().join(format!(
        "norma-diffprop-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    for v in ["v1", "v2"] {
        std::fs::create_dir_all(dir.join(v)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    let (to, tn) = (write_text("n", old), write_text("n", new));
    std::fs::write(dir.join("vocab.norma"), VOCABULARY).expect("write");
    std::fs::write(dir.join("v1/text.norma"), &to).expect("write");
    std::fs::write(dir.join("v2/text.norma"), &tn).expect("write");
    let (code, stdout, stderr) = common::norma(&[
        "diff",
        dir.join("v1/text.norma").to_str().unwrap(),
        dir.join("v2/text.norma").to_str().unwrap(),
        "-I",
        dir.to_str().unwrap(),
        "--events",
        "2",
        "--format",
        "json",
    ]);
    prop_assert_eq!(code, 0, "{}\n{}\n{}\n{}", to, tn, stdout, stderr);
    let json: Json = serde_json::from_str(&stdout).expect("JSON");
    prop_assert_eq!(&json["not_analysed"], &serde_json::json!([]), "{}", json);
    let reported = statuses(&json);
    let (a, b) = (timed_kinds(&dir, "v1"), timed_kinds(&dir, "v2"));
    // Every norm of either version: `n_i`, and the forbid `n_i_base` a
    // consequence of a breach answers.
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (i, g) in old.iter().chain(new.iter()).enumerate() {
        let i = i % old.len().max(1);
        names.insert(format!("n_{i}"));
        if matches!(g, Gen::Breached { .. }) {
            names.insert(format!("n_{i}_base"));
        }
    }
    let mut changes: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    let places: BTreeSet<(usize, u32)> = a.keys().chain(b.keys()).map(|k| (k.0, k.2)).collect();
    let empty = BTreeSet::new();
    for n in &names {
        let c = changes.entry(n.clone()).or_default();
        for &(r, e) in &places {
            let key = (r, n.clone(), e);
            record_change(
                c,
                a.get(&key).unwrap_or(&empty),
                b.get(&key).unwrap_or(&empty),
            );
        }
    }
    let truth = verdicts(changes);
    let _ = std::fs::remove_dir_all(&dir);
    prop_assert_eq!(reported, truth, "texts:\n{}\n{}", to, tn);
    Ok(())
}

/// Versions of a text with a duty and a forbid that reads its act's time,
/// each norm kept or replaced by another.
fn timed_versions() -> impl Strategy<Value = (Vec<Gen>, Vec<Gen>)> {
    let change = |g: BoxedStrategy<Gen>| (g, prop::option::weighted(0.6, gen_timed_norm()));
    (
        change(gen_timed_duty().boxed()),
        change(gen_timed_forbid().boxed()),
        prop::option::weighted(0.3, change(gen_timed_norm().boxed())),
    )
        .prop_map(|(d, f, extra)| {
            let v: Vec<(Gen, Option<Gen>)> = [d, f].into_iter().chain(extra).collect();
            let old: Vec<Gen> = v.iter().map(|x| x.0.clone()).collect();
            let new: Vec<Gen> = v.into_iter().map(|(a, b)| b.unwrap_or(a)).collect();
            (old, new)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, .. ProptestConfig::default() })]

    /// Duties with windows and forbids that read the act's time: the
    /// ground truth judges every report of at most two events on a time
    /// grid that holds every breakpoint of the conditions.
    #[test]
    fn diff_finds_exactly_the_two_event_changes((old, new) in timed_versions()) {
        differential_timed(&old, &new)?;
    }
}

/// Versions of a text built on a breach (§4): the forbid it answers and
/// its consequence (a permit, a forbid or a duty), each perhaps changed,
/// beside norms on the act they govern.
fn breach_versions() -> impl Strategy<Value = (Vec<Gen>, Vec<Gen>)> {
    let change = |g: BoxedStrategy<Gen>| (g, prop::option::weighted(0.6, gen_breached()));
    (
        change(gen_breached().boxed()),
        gen_tell_norm(),
        prop::option::weighted(0.5, gen_tell_norm()),
    )
        .prop_map(|((b, b2), t, t2)| {
            let old: Vec<Gen> = std::iter::once(b.clone()).chain([t.clone()]).collect();
            let new: Vec<Gen> = std::iter::once(b2.unwrap_or(b))
                .chain([t2.unwrap_or(t)])
                .collect();
            (old, new)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, .. ProptestConfig::default() })]

    /// Consequences of a breach: the ground truth judges every report of
    /// at most two events, where the breach comes first.
    #[test]
    fn diff_finds_exactly_the_two_event_changes_after_a_breach((old, new) in breach_versions()) {
        differential_timed(&old, &new)?;
    }
}

#[test]
fn a_norm_reading_max_response_is_compared_like_any_other() {
    // A red line's response lowered from countermeasures to sanctions: a
    // countermeasure answering a crossing of it is now out of proportion.
    let (s, json) = case("ladder");
    assert_eq!(
        s.get("proportionate").map(String::as_str),
        Some("stricter"),
        "{json}"
    );
    // The red line itself is crossed as before: `changed`, its lowered
    // response beside the status, with no witness (none can show it).
    let water = norm(&json, "water");
    assert_eq!(water["status"], "changed", "{json}");
    assert_eq!(
        water["attributes"],
        serde_json::json!({"response": ["countermeasures", "sanctions"]})
    );
    assert_eq!(water["witnesses"], serde_json::json!([]));
    assert_eq!(json["not_analysed"], serde_json::json!([]));
    let texts: Vec<&str> = json["norms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["name"] == "proportionate")
        .flat_map(|n| n["witnesses"].as_array().unwrap().iter())
        .filter(|w| w["holds_under"] == "new")
        .filter_map(|w| w["witness"].as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("about: event_")
            && t.contains("expect violation proportionate at")),
        "{json}"
    );
    // Whatever reads `max_response` is decided, never left out.
    let json = diff_json("std::escalation", "std::escalation");
    assert_eq!(json["not_analysed"], serde_json::json!([]), "{json}");
    assert!(
        json["norms"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["status"] == "unchanged"),
        "{json}"
    );
}
