//! The `norma` binary as a user runs it: exit codes, formats, and the
//! standard library and examples checking clean.

use std::process::Command;

mod common;
use common::norma;

#[test]
fn stdlib_examples_and_their_tests_check_clean() {
    let (code, out, _) = norma(&["check", "stdlib-norms", "examples", "tests/stdlib"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("no problems found\n"), "{out}");
}

#[test]
fn errors_exit_1_with_json_per_spec() {
    let (code, out, _) = norma(&[
        "check",
        "--format",
        "json",
        "tests/diagnostics/E0201_unknown_name.norma",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["diagnostics"][0]["code"], "E0201");
    assert_eq!(v["diagnostics"][0]["range"]["start"]["line"], 5);
}

#[test]
fn warnings_alone_exit_0() {
    let (code, _, _) = norma(&["check", "tests/diagnostics/W0003_norm_without_source.norma"]);
    assert_eq!(code, 0);
}

#[test]
fn sarif_is_2_1_0() {
    let (code, out, _) = norma(&[
        "check",
        "--format",
        "sarif",
        "tests/diagnostics/E0302_unknown_field.norma",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid SARIF");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "E0302");
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
}

#[test]
fn usage_and_io_failures_exit_2() {
    assert_eq!(norma(&["check"]).0, 2);
    assert_eq!(norma(&["frobnicate"]).0, 2);
    let (code, _, err) = norma(&["check", "no/such/file.norma"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn color_follows_the_flag() {
    let path = "tests/diagnostics/E0201_unknown_name.norma";
    let (_, plain, _) = norma(&["check", "--color", "never", path]);
    let (_, coloured, _) = norma(&["check", "--color", "always", path]);
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains('\u{1b}'));
}

#[test]
fn graph_formats() {
    let (code, dot, _) = norma(&["graph", "--format", "dot", "examples/notpetya_2017.norma"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph norma {"));
    assert!(dot.contains("std::gge2015::gge_f"));
    let (_, mermaid, _) = norma(&[
        "graph",
        "--format",
        "mermaid",
        "examples/notpetya_2017.norma",
    ]);
    assert!(mermaid.starts_with("flowchart LR"));
    let (_, json, _) = norma(&["graph", "--format", "json", "examples/notpetya_2017.norma"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert!(v["edges"].as_array().is_some_and(|e| !e.is_empty()));
}

fn graph_json(args: &[&str]) -> serde_json::Value {
    let mut full = vec!["graph", "--format", "json"];
    full.extend_from_slice(args);
    let (code, out, err) = norma(&full);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn ids_of(v: &serde_json::Value, kind: &str) -> Vec<String> {
    v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["kind"] == kind)
        .filter_map(|n| n["id"].as_str().map(String::from))
        .collect()
}

#[test]
fn graph_leaves_out_the_actions_nothing_refers_to() {
    let wannacry = "examples/wannacry_2017.norma";
    let all = graph_json(&["--all", wannacry]);
    let used = graph_json(&[wannacry]);
    let (every, kept) = (ids_of(&all, "action"), ids_of(&used, "action"));
    assert!(kept.len() < every.len(), "{kept:?}");
    // Each action kept is regulated, triggers or is mentioned by
    // something; none of those left out is.
    let targets: Vec<&str> = used["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["to"].as_str())
        .collect();
    for a in &kept {
        assert!(targets.contains(&a.as_str()), "{a} kept, unreferenced");
    }
    let all_targets: Vec<&str> = all["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["to"].as_str())
        .collect();
    for a in every.iter().filter(|a| !kept.contains(a)) {
        assert!(
            !all_targets.contains(&a.as_str()),
            "{a} left out, referenced"
        );
    }
    assert!(!kept.contains(&"std::core::armed_conflict".to_string()));
    assert!(every.contains(&"std::core::armed_conflict".to_string()));
    // Norms, red lines, modules and reports are always there.
    for kind in ["norm", "redline", "module", "report"] {
        assert_eq!(ids_of(&all, kind), ids_of(&used, kind), "{kind}");
    }
    // A norm's `unless exists forewarn(...)` refers to forewarn.
    let forewarn = r#"use std::core;
norm warn_first "An operation without warning" {
  source "made up"
  forbid x: operate(by: s, against: a) unless exists forewarn(by: s, to: a.owner, about: x) before x
}
"#;
    let dir = std::env::temp_dir().join(format!("norma-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("warn.norma");
    std::fs::write(&file, forewarn).expect("write");
    let v = graph_json(&[&file.display().to_string()]);
    assert_eq!(
        ids_of(&v, "action"),
        ["std::core::operate", "std::core::forewarn"]
    );
    let mentions = v["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["kind"] == "mentions" && e["to"] == "std::core::forewarn");
    assert!(mentions, "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn graph_groups_nodes_by_module() {
    let path = "examples/treaties/sharing_pact.norma";
    let (_, dot, _) = norma(&["graph", path]);
    assert!(dot.contains("compound=true;"), "{dot}");
    assert!(
        dot.contains("subgraph cluster_0 {\n    label=\"sharing_pact\";"),
        "{dot}"
    );
    assert!(dot.contains("label=\"std::core\";"), "{dot}");
    // Inside its cluster a norm is named by its short name, qualified in
    // its tooltip; a module's clusters replace `declares` edges.
    assert!(
        dot.contains(
            "[label=\"share_with_victim\", shape=box, tooltip=\"sharing_pact::share_with_victim\"]"
        ),
        "{dot}"
    );
    assert!(!dot.contains("declares"), "{dot}");
    let (_, mermaid, _) = norma(&["graph", "--format", "mermaid", path]);
    assert!(
        mermaid.contains("subgraph m0 [\"sharing_pact\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("subgraph m1 [\"std::core\"]"), "{mermaid}");
    assert!(mermaid.contains("[\"share_with_victim\"]"), "{mermaid}");
    assert_eq!(
        mermaid.matches("subgraph ").count(),
        mermaid.matches("\n  end\n").count()
    );
    // JSON keeps every edge and names each node's module.
    let v = graph_json(&[path]);
    assert!(v["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["kind"] == "declares"));
    assert!(v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|n| n["module"].is_string()));
}

#[test]
fn graph_conflicts_draws_each_conflict_dashed_with_its_kind() {
    let pact = "examples/treaties/sharing_pact.norma";
    let secrecy = "examples/treaties/regional_secrecy.norma";
    // Two texts: the conflict between them, as `norma compare` finds it.
    let v = graph_json(&["--conflicts", pact, secrecy]);
    let conflicts: Vec<&serde_json::Value> = v["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "conflicts")
        .collect();
    assert_eq!(conflicts.len(), 1, "{v}");
    assert_eq!(conflicts[0]["conflict"], "duty_forbid");
    assert_eq!(conflicts[0]["from"], "sharing_pact::share_with_victim");
    assert_eq!(conflicts[0]["to"], "regional_secrecy::keep_data_in_region");
    assert_eq!(v["not_analysed"], serde_json::json!([]));
    // Without the flag, no conflict is looked for.
    let plain = graph_json(&[pact, secrecy]);
    assert!(plain.get("not_analysed").is_none());
    assert!(!plain.to_string().contains("duty_forbid"));
    let (code, dot, _) = norma(&["graph", "--conflicts", pact, secrecy]);
    assert_eq!(code, 0);
    assert_eq!(dot.matches("style=dashed").count(), 1, "{dot}");
    assert!(
        dot.contains("[label=\"duty_forbid\", style=dashed, color=red, fontcolor=red, dir=none]")
    );
    let (_, mermaid, _) = norma(&["graph", "--format", "mermaid", "--conflicts", pact, secrecy]);
    assert_eq!(mermaid.matches("-.-|duty_forbid|").count(), 1, "{mermaid}");
    assert!(mermaid.contains("linkStyle "), "{mermaid}");
    // The README shows this drawing.
    let readme = std::fs::read_to_string("README.md").expect("README");
    let shown = readme
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a mermaid block in the README");
    assert_eq!(
        shown, mermaid,
        "the README's graph and `norma graph` differ"
    );
    // A folder: every file is a text, also one an earlier file's `use`
    // loaded first (incident.norma uses both agreements): both versions
    // of the pact collide with the secrecy agreement.
    let folder = graph_json(&["--conflicts", "examples/treaties/"]);
    let pairs: Vec<(&str, &str, &str)> = folder["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "conflicts")
        .filter_map(|e| {
            Some((
                e["from"].as_str()?,
                e["to"].as_str()?,
                e["conflict"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (
                "sharing_pact::share_with_victim",
                "regional_secrecy::keep_data_in_region",
                "duty_forbid"
            ),
            (
                "sharing_pact_2027::share_with_victim",
                "regional_secrecy::keep_data_in_region",
                "duty_forbid"
            ),
        ],
        "{folder}"
    );
    // One text: the conflicts within it, as `check --deep` finds them (W0009).
    let dir = std::env::temp_dir().join(format!("norma-graph-w9-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("both.norma");
    std::fs::write(
        &file,
        r#"use std::core;
norm no_ops "No operations" {
  source "made up"
  forbid operate(by: s, against: a)
}
norm ops_on_spies "Operations against spies" {
  source "made up"
  permit operate(by: s, against: a, effect: espionage)
}
"#,
    )
    .expect("write");
    let file = file.display().to_string();
    let (_, deep, _) = norma(&["check", "--deep", &file]);
    assert!(deep.contains("W0009"), "{deep}");
    let one = graph_json(&["--conflicts", &file]);
    let kinds: Vec<&serde_json::Value> = one["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "conflicts")
        .map(|e| &e["conflict"])
        .collect();
    assert_eq!(kinds, [&serde_json::json!("permit_forbid")], "{one}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn std_is_embedded_and_works_from_any_directory() {
    let dir = std::env::temp_dir().join(format!("norma-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("r.norma");
    std::fs::write(
        &file,
        "use std::gge2015;\nreport r { as_of 2020-01-01 expect clean; }\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["check", "r.norma"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_standard_library_tests_and_the_incidents_pass_norma_test() {
    let (code, out, err) = norma(&[
        "test",
        "stdlib-norms",
        "examples",
        "tests/stdlib",
        "tests/readme",
        "tests/spec",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 250, "{last}");
}

#[test]
fn a_failing_expectation_fails_norma_test() {
    let (code, out, _) = norma(&["test", "tests/eval/must_fail.norma"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.starts_with("0 passed,")),
        "{out}"
    );
}

#[test]
fn eval_output_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/eval");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for (name, path) in [
        ("notpetya", "examples/notpetya_2017.norma"),
        ("oldsmar", "examples/oldsmar_2021.norma"),
        ("treaties", "examples/treaties/incident.norma"),
    ] {
        let (code, human, _) = norma(&["eval", "--color", "never", path]);
        assert_eq!(code, 1, "{name}: findings make eval exit 1");
        insta::assert_snapshot!(format!("{name}.human"), human);
        let (_, json, _) = norma(&["eval", "--format", "json", path]);
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["schema_version"], 1);
        insta::assert_snapshot!(
            format!("{name}.json"),
            serde_json::to_string_pretty(&v).expect("json")
        );
    }
}

#[test]
fn a_criminal_group_breaks_no_state_norm() {
    // The ransomware itself (an intrusion by a criminal group) gets no
    // finding; what the report does find are duties of the State that was
    // asked to act against the group (UN GGE 13(d) and 13(h)).
    let (_, json, _) = norma(&[
        "eval",
        "--format",
        "json",
        "examples/colonial_pipeline_2021.norma",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let findings = v["reports"][0]["findings"]
        .as_array()
        .expect("findings")
        .clone();
    assert!(
        findings.iter().all(|f| f["event"] != "ransomware"),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| f["kind"] != "violation" && f["kind"] != "possible"),
        "{findings:?}"
    );
    assert!(
        findings.iter().any(|f| f["kind"] == "missed"),
        "{findings:?}"
    );
}

#[test]
fn the_readme_example_is_the_tested_one() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let example = std::fs::read_to_string("tests/readme/short_example.norma").expect("example");
    assert!(
        readme.contains(example.trim_end()),
        "README's example and tests/readme differ"
    );
}

#[test]
fn fmt_and_lsp_take_the_common_format_option() {
    let (code, out, _) = norma(&[
        "fmt",
        "--format",
        "json",
        "--check",
        "tests/fmt/declarations.norma",
    ]);
    assert_eq!(code, 1, "the layout input is not in canonical layout");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["files"][0]["formatted"], false);
    assert!(v["files"][0]["diff"]
        .as_str()
        .is_some_and(|d| d.contains("@@")));
    let (code, out, _) = norma(&[
        "fmt",
        "--format",
        "json",
        "tests/readme/short_example.norma",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let text = v["files"][0]["text"].as_str().expect("formatted text");
    assert!(text.starts_with("use std::core;\n"), "{text}");
    let (code, _, _) = norma(&["lsp", "--format", "json", "--color", "never", "--help"]);
    assert_eq!(code, 0);
}

#[test]
fn eval_without_reports_says_so() {
    let (code, out, _) = norma(&["eval", "stdlib-norms/gge2015.norma"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("no reports to judge"), "{out}");
}
