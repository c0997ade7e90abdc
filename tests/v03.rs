//! What language v0.3 adds, through the binary as a user runs it: the
//! `breach of` edge of the graph, the breach a consequence's finding and
//! its explanation name, `excused ... by` in JSON, and the reproduction
//! of an event at an unknown time that used to be read as 1970 and give
//! nothing.

use std::process::Command;

use serde_json::Value;

fn norma(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("norma runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&norma(args).1).expect("JSON output")
}

#[test]
fn the_graph_has_a_breach_of_edge_from_the_consequence() {
    let g = json(&["graph", "tests/v03/breach.norma", "--format", "json"]);
    let edges = g["edges"].as_array().expect("edges");
    let breach: Vec<(&str, &str)> = edges
        .iter()
        .filter(|e| e["kind"] == "breach_of")
        .map(|e| {
            (
                e["from"].as_str().unwrap_or(""),
                e["to"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(breach.len(), 2, "{breach:?}");
    assert!(
        breach
            .iter()
            .any(|(f, t)| f.contains("reparation") && t.contains("no_harm")),
        "{breach:?}"
    );
    assert!(
        breach
            .iter()
            .any(|(f, t)| f.contains("countermeasure") && t.contains("reparation")),
        "{breach:?}"
    );
}

#[test]
fn findings_name_the_breach_and_what_excused() {
    let v = json(&["eval", "tests/v03/breach.norma", "--format", "json"]);
    let findings = v["reports"][0]["findings"].as_array().expect("findings");
    let duty = findings
        .iter()
        .find(|f| f["norm"] == "breach::reparation" && f["event"] == "op")
        .expect("the reparation duty");
    assert_eq!(duty["kind"], "missed");
    assert_eq!(duty["breach"]["norm"], "breach::no_harm");
    assert_eq!(duty["breach"]["kind"], "violation");
    assert_eq!(duty["breach"]["at"], "2020-01-01T00:00:00Z");
    assert_eq!(duty["deadline"], "2020-01-31T00:00:00Z");
    let cm = findings
        .iter()
        .find(|f| f["norm"] == "breach::no_harm" && f["event"] == "cm")
        .expect("the countermeasure");
    assert_eq!(cm["kind"], "excused");
    assert_eq!(cm["by"], "breach::countermeasure");
    let x = json(&[
        "explain",
        "tests/v03/breach.norma",
        "--report",
        "r",
        "--event",
        "op",
        "--format",
        "json",
    ]);
    let shown = x["instances"]
        .as_array()
        .expect("instances")
        .iter()
        .filter_map(|i| i["breach"]["norm"].as_str())
        .collect::<Vec<_>>();
    assert!(shown.contains(&"breach::no_harm"), "{x}");
}

#[test]
fn an_event_at_an_unknown_time_is_possible_not_nothing() {
    let (code, out) = norma(&["eval", "tests/v03/unknown_time.norma"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("possible: std::gge2015::gge_f"), "{out}");
    assert!(!out.contains("no findings"), "{out}");
}
