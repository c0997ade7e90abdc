//! The analyst's workbench in the language server (through
//! `lsp::harness`, JSON-RPC messages in and out): findings as
//! diagnostics on their events, failing `expect` lines, large reports on
//! save only, code lenses, semantic tokens full and delta. Rename is in
//! `lsp_rename.rs`.

use norma::lsp::harness::Harness;
use serde_json::{json, Value};

#[path = "lsp/harness_client.rs"]
mod harness_client;
use harness_client::*;

#[test]
fn findings_are_shown_on_their_events() {
    let dir = folder("findings");
    let path = dir.0.join("wannacry_2017.norma");
    let uri = uri_of(&path);
    let text = example("wannacry_2017.norma");
    let mut h = Harness::new();
    let diags = published(&open(&mut h, &uri, &text), &uri);
    let at_worm = pos(&text, "worm:", 0);
    let on_worm: Vec<&Value> = diags
        .iter()
        .filter(|d| d["range"]["start"] == at_worm)
        .collect();
    let codes: Vec<&str> = on_worm.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"violation"), "{diags:?}");
    assert!(codes.contains(&"crossed"), "{diags:?}");
    let crossed = on_worm
        .iter()
        .find(|d| d["code"] == "crossed")
        .expect("crossed");
    assert_eq!(crossed["severity"], 2, "a warning");
    let message = crossed["message"].as_str().unwrap_or("");
    assert!(
        message.contains("std::escalation::healthcare_disruption")
            && message.contains("\"Disruption of health care\""),
        "{message}"
    );
    assert_eq!(crossed["range"]["end"]["character"], 12, "the event's name");
    // The standard library has no file here: the related information
    // points at what has one (none in this harness without a cache).
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");

    // A failing expectation is an error on its line, saying what was found.
    let failing = text.replace(
        "expect not violation gge_f at worm",
        "expect violation healthcare_disruption at eternalblue_stolen",
    );
    let diags = published(&replace_all(&mut h, &uri, 2, &failing), &uri);
    let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "expect");
    assert_eq!(
        errors[0]["range"]["start"],
        pos(
            &failing,
            "expect violation healthcare_disruption at eternalblue_stolen",
            0
        )
    );
    assert!(errors[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("nothing related was found"));

    // A text with an error is not judged: no finding, only the error.
    let broken = text.replace("effect: disruption", "effect: disruptoin");
    let diags = published(&replace_all(&mut h, &uri, 3, &broken), &uri);
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!codes.contains(&"violation"), "{codes:?}");
    assert!(codes.iter().any(|c| c.starts_with('E')), "{codes:?}");
}

const NORMS: &str = "enum Effect { none < disruption < damage }

action strike(target: Text, effect: Effect)
action warn(target: Text)

/// Striking hard is forbidden.
norm no_damage \"No damage\" {
  source \"test\"
  forbid strike(effect: e) when e >= damage
}

/// A strike must be announced within a day.
norm announce \"Announce strikes\" {
  source \"test\"
  on s: strike(target: t)
  oblige warn(target: t) within 1d
}

/// A permit that meets the forbid.
norm may_strike \"Self-defence\" {
  source \"test\"
  permit strike(effect: e) when e == damage
}
";

fn report_of(events: usize) -> String {
    let mut s = String::from("report big \"Many strikes\" {\n  as_of 2024-03-01\n");
    for i in 0..events {
        let day = 1 + i % 28;
        s.push_str(&format!(
            "  event s{i}: strike(target: \"t{i}\", effect: disruption) at 2024-01-{day:02}\n"
        ));
    }
    s.push_str("}\n");
    s
}

#[test]
fn lenses_count_findings_and_expectations() {
    let dir = folder("lenses");
    let uri = uri_of(&dir.0.join("case.norma"));
    let text = format!(
        "{NORMS}
report one \"One strike\" {{
  as_of 2024-02-01
  event hit: strike(target: \"port\", effect: damage) at 2024-01-01
  expect conflict no_damage at hit
  expect missed announce at hit
  expect clean
}}
"
    );
    let mut h = Harness::new();
    let diags = published(&open(&mut h, &uri, &text), &uri);
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        codes.contains(&"conflict") && codes.contains(&"missed"),
        "{codes:?}"
    );
    let conflict = diags
        .iter()
        .find(|d| d["code"] == "conflict")
        .expect("conflict");
    let related = conflict["relatedInformation"].as_array().expect("related");
    assert_eq!(related.len(), 2, "the forbid and the permit: {related:?}");
    assert_eq!(
        related[1]["location"]["range"]["start"],
        pos(&text, "may_strike", 0)
    );
    // `expect clean` fails: there are problems.
    let failing: Vec<&Value> = diags.iter().filter(|d| d["code"] == "expect").collect();
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("found instead: "));

    let lenses = ok(
        &mut h,
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let titles: Vec<(Value, String)> = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .map(|l| {
            (
                l["range"]["start"].clone(),
                l["command"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        titles.contains(&(
            pos(&text, "one \"", 0),
            "2 findings · 2 expectations pass · 1 fail".into()
        )),
        "{titles:?}"
    );
    // The permit is in the conflict too.
    for norm in ["no_damage \"", "announce \"", "may_strike \""] {
        let lens = (pos(&text, norm, 0), "findings in 1 open report".to_string());
        assert!(titles.contains(&lens), "{norm}: {titles:?}");
    }
}

#[test]
fn large_reports_are_judged_on_save_only() {
    let dir = folder("large");
    let uri = uri_of(&dir.0.join("big.norma"));
    let text = format!("{NORMS}\n{}", report_of(1_001));
    let mut h = Harness::new();
    let out = open(&mut h, &uri, &text);
    assert!(published(&out, &uri).is_empty());
    let log = logged(&out);
    assert!(
        log.iter()
            .any(|l| l.contains("`big` has 1001 events") && l.contains("on save only")),
        "{log:?}"
    );
    // Said once, not on every keystroke.
    let out = replace_all(&mut h, &uri, 2, &format!("{text}// x\n"));
    assert!(logged(&out).is_empty(), "{:?}", logged(&out));
    let out = notify(
        &mut h,
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let missed = published(&out, &uri)
        .iter()
        .filter(|d| d["code"] == "missed")
        .count();
    assert_eq!(missed, 1_001);
    assert!(logged(&out)
        .iter()
        .any(|l| l.contains("evaluated on save: big")));
    // The next change drops them again.
    let out = replace_all(&mut h, &uri, 3, &text);
    assert!(published(&out, &uri).is_empty());

    // A report of 1 000 events is judged on every change.
    let text = format!("{NORMS}\n{}", report_of(1_000));
    let out = replace_all(&mut h, &uri, 4, &text);
    assert_eq!(published(&out, &uri).len(), 1_000);
}

/// The token types, in the order of the server's legend (tests/lsp.rs
/// checks the legend that `initialize` announces).
const TOKEN_TYPES: [&str; 14] = [
    "namespace",
    "enum",
    "enumMember",
    "type",
    "property",
    "function",
    "parameter",
    "variable",
    "norm",
    "redline",
    "exception",
    "report",
    "entity",
    "event",
];

/// Decode the tokens into (line, column, length, type name).
fn decode(data: &[Value]) -> Vec<(u64, u64, u64, &'static str)> {
    let n: Vec<u64> = data.iter().filter_map(Value::as_u64).collect();
    let (mut line, mut col) = (0, 0);
    n.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0];
            col += t[1];
            (line, col, t[2], TOKEN_TYPES[t[3] as usize])
        })
        .collect()
}

#[test]
fn semantic_tokens_name_what_each_name_is() {
    let dir = folder("tokens");
    let uri = uri_of(&dir.0.join("case.norma"));
    let text = format!(
        "{NORMS}
exception drills \"Drills\" to no_damage {{
  when e == damage
}}

report one \"One strike\" {{
  as_of 2024-02-01
  event hit: strike(target: \"port\", effect: damage) at 2024-01-01
  expect conflict no_damage at hit
}}
"
    );
    let mut h = Harness::new();
    open(&mut h, &uri, &text);
    let full = ok(
        &mut h,
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let toks = decode(full["data"].as_array().expect("data"));
    let at = |needle: &str, nth: usize| {
        let p = pos(&text, needle, nth);
        toks.iter()
            .find(|t| {
                t.0 == p["line"].as_u64().unwrap_or(0)
                    && t.1 == p["character"].as_u64().unwrap_or(0)
            })
            .map(|t| t.3)
    };
    assert_eq!(at("no_damage", 0), Some("norm"));
    assert_eq!(at("no_damage", 1), Some("norm"), "after `to`");
    assert_eq!(at("no_damage", 2), Some("norm"), "in `expect`");
    assert_eq!(at("drills", 0), Some("exception"));
    assert_eq!(at("strike(effect", 0), Some("function"));
    assert_eq!(at("damage\n", 0), Some("enumMember"));
    assert_eq!(at("e >=", 0), Some("variable"));
    assert_eq!(at("hit:", 0), Some("event"));
    assert_eq!(at("hit\n", 0), Some("event"));
    assert_eq!(at("target: t", 0), Some("parameter"));
    assert_eq!(at("Effect {", 0), Some("enum"));
    assert_eq!(at("one \"", 0), Some("report"));

    // A delta after an edit: applied to the first result, it gives the
    // full tokens of the new text.
    let id = full["resultId"].as_str().expect("result id").to_string();
    let edited = text.replace("expect conflict no_damage at hit\n", "");
    replace_all(&mut h, &uri, 2, &edited);
    let delta = ok(
        &mut h,
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": {"uri": uri}, "previousResultId": id}),
    );
    let mut data: Vec<Value> = full["data"].as_array().cloned().unwrap_or_default();
    let edits = delta["edits"].as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    let e = &edits[0];
    let start = e["start"].as_u64().unwrap_or(0) as usize;
    let del = e["deleteCount"].as_u64().unwrap_or(0) as usize;
    let ins = e["data"].as_array().cloned().unwrap_or_default();
    data.splice(start..start + del, ins);
    let fresh = ok(
        &mut h,
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(Some(&data), fresh["data"].as_array());
    // An unknown previous result gets the full tokens.
    let again = ok(
        &mut h,
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": {"uri": uri}, "previousResultId": "nope"}),
    );
    assert_eq!(again["data"], fresh["data"]);
}
