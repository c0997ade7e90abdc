//! The analyst's workbench in the language server (through
//! `lsp::harness`, JSON-RPC messages in and out): findings as
//! diagnostics on their events, failing `expect` lines, large reports on
//! save only, code lenses, rename across open documents, folder files and
//! literate texts (and its refusals), semantic tokens full and delta.

use std::path::{Path, PathBuf};

use lsp_server::{Notification, Request, RequestId, Response};
use norma::lsp::harness::Harness;
use serde_json::{json, Value};

/// A folder of its own for each test, removed when the test is done.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn folder(test: &str) -> Folder {
    let dir = std::env::temp_dir().join(format!("norma-lsp-wb-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    Folder(std::fs::canonicalize(&dir).expect("canonical"))
}

fn uri_of(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn notify(h: &mut Harness, method: &str, params: Value) -> Vec<Notification> {
    h.notify(Notification::new(method.into(), params))
}

fn open(h: &mut Harness, uri: &str, text: &str) -> Vec<Notification> {
    notify(
        h,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "norma", "version": 1, "text": text}}),
    )
}

fn replace_all(h: &mut Harness, uri: &str, version: i32, text: &str) -> Vec<Notification> {
    notify(
        h,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    )
}

fn call(h: &mut Harness, method: &str, params: Value) -> Response {
    h.request(Request {
        id: RequestId::from(1),
        method: method.into(),
        params,
    })
}

fn ok(h: &mut Harness, method: &str, params: Value) -> Value {
    let r = call(h, method, params);
    assert!(r.error.is_none(), "{method} failed: {:?}", r.error);
    r.result.unwrap_or(Value::Null)
}

/// The diagnostics last published for `uri`.
fn published(out: &[Notification], uri: &str) -> Vec<Value> {
    out.iter()
        .rfind(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        .expect("diagnostics published")
        .params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn logged(out: &[Notification]) -> Vec<String> {
    out.iter()
        .filter(|n| n.method == "window/logMessage")
        .filter_map(|n| n.params["message"].as_str().map(String::from))
        .collect()
}

/// (line, UTF-16 column) of the `nth` occurrence of `needle` (ASCII text).
fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let off = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        .0;
    let line = text[..off].matches('\n').count();
    let col = off - text[..off].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col})
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .expect("example")
}

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

/// Apply a rename's edits (per URI, non-overlapping) to the texts.
fn apply(edit: &Value, uri: &str, text: &str) -> String {
    let mut out = text.to_string();
    let Some(list) = edit["changes"][uri].as_array() else {
        return out;
    };
    let offset = |t: &str, p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let start: usize = t.split_inclusive('\n').take(line).map(str::len).sum();
        start + p["character"].as_u64().unwrap_or(0) as usize
    };
    let mut list = list.clone();
    list.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    for e in list {
        let a = offset(text, &e["range"]["start"]);
        let b = offset(text, &e["range"]["end"]);
        out.replace_range(a..b, e["newText"].as_str().unwrap_or(""));
    }
    out
}

const LIB: &str = "enum Mood { calm < angry }

type Target { name: Text, mood: Mood }

action strike(at: Target, mood: Mood)

const threshold: Mood = angry;

entity port: Target { name: \"port\", mood: calm }

norm no_anger \"No angry strikes\" {
  source \"test\"
  forbid x: strike(at: t, mood: m) when m >= threshold and t.mood == Mood::angry
}

norm may_strike \"Strikes at the port\" overrides no_anger {
  source \"test\"
  permit strike(at: t) when t == port
}

exception calm_down \"Calming\" to no_anger {
  when m == calm
}
";

const CASE: &str = "use lib;

report day \"A day\" {
  as_of 2024-02-01
  entity dock: Target { name: \"dock\", mood: angry }
  event hit: strike(at: dock, mood: angry) at 2024-01-01
  expect violation no_anger at hit
}
";

const NOTES: &str = "# Notes

```norma
use lib;

report notes \"Notes\" {
  event hit: strike(at: port, mood: calm) at 2024-01-01
  expect not violation no_anger at hit
}
```
";

#[test]
fn rename_reaches_every_reference_across_files() {
    let dir = folder("rename");
    let lib = dir.0.join("lib.norma");
    let case = dir.0.join("case.norma");
    let notes = dir.0.join("notes.norma.md");
    std::fs::write(&lib, LIB).expect("write");
    std::fs::write(&case, CASE).expect("write");
    std::fs::write(&notes, NOTES).expect("write");
    let (lib_uri, case_uri, notes_uri) = (uri_of(&lib), uri_of(&case), uri_of(&notes));
    let mut h = Harness::with_folder(dir.0.clone());
    // Only the library is open: the others are files of the folder.
    let diags = published(&open(&mut h, &lib_uri, LIB), &lib_uri);
    assert!(diags.is_empty(), "{diags:?}");

    let rename = |h: &mut Harness, needle: &str, nth: usize, to: &str| {
        let at = json!({"textDocument": {"uri": lib_uri}, "position": pos(LIB, needle, nth)});
        let prep = ok(h, "textDocument/prepareRename", at.clone());
        assert_eq!(prep["range"]["start"], pos(LIB, needle, nth), "{needle}");
        let mut p = at;
        p["newName"] = json!(to);
        ok(h, "textDocument/rename", p)
    };
    let edit = rename(&mut h, "no_anger", 0, "calm_strikes");
    assert_eq!(
        apply(&edit, &lib_uri, LIB).matches("calm_strikes").count(),
        3,
        "declaration, `overrides`, `to`"
    );
    assert!(apply(&edit, &case_uri, CASE).contains("expect violation calm_strikes at hit"));
    assert!(apply(&edit, &notes_uri, NOTES).contains("expect not violation calm_strikes at hit"));

    // An enum member, named bare and after `Enum::`, and in the other files.
    let edit = rename(&mut h, "angry", 0, "furious");
    let new_lib = apply(&edit, &lib_uri, LIB);
    assert!(
        new_lib.contains("Mood::furious") && new_lib.contains("= furious"),
        "{new_lib}"
    );
    assert_eq!(apply(&edit, &case_uri, CASE).matches("furious").count(), 2);

    // A field, a parameter, a pattern variable, an entity, a type, a const.
    let edit = rename(&mut h, "mood: Mood }", 0, "temper");
    assert!(apply(&edit, &lib_uri, LIB).contains("t.temper == "));
    assert!(apply(&edit, &case_uri, CASE).contains("{ name: \"dock\", temper: angry }"));
    let edit = rename(&mut h, "mood: Mood)", 0, "feeling");
    assert!(apply(&edit, &lib_uri, LIB).contains("strike(at: t, feeling: m)"));
    assert!(apply(&edit, &notes_uri, NOTES).contains("feeling: calm)"));
    let edit = rename(&mut h, "m >=", 0, "level");
    let new_lib = apply(&edit, &lib_uri, LIB);
    assert!(
        new_lib.contains("mood: level) when level >=") && new_lib.contains("when level == calm"),
        "{new_lib}"
    );
    let edit = rename(&mut h, "port:", 0, "harbour");
    assert!(apply(&edit, &lib_uri, LIB).contains("t == harbour"));
    assert!(apply(&edit, &notes_uri, NOTES).contains("strike(at: harbour,"));
    let edit = rename(&mut h, "Target {", 0, "Aim");
    assert!(apply(&edit, &case_uri, CASE).contains("entity dock: Aim {"));
    let edit = rename(&mut h, "threshold", 0, "limit");
    assert!(apply(&edit, &lib_uri, LIB).contains("m >= limit"));
    let edit = rename(&mut h, "calm_down", 0, "easing");
    assert_eq!(apply(&edit, &lib_uri, LIB).matches("easing").count(), 1);

    // Refusals: a keyword, a clash, a name of the standard library.
    let refused = |h: &mut Harness, needle: &str, to: &str| {
        let r = call(
            h,
            "textDocument/rename",
            json!({"textDocument": {"uri": lib_uri}, "position": pos(LIB, needle, 0), "newName": to}),
        );
        r.error.map(|e| e.message).unwrap_or_default()
    };
    let why = refused(&mut h, "no_anger", "forbid");
    assert!(why.contains("`forbid` cannot be a name"), "{why}");
    let why = refused(&mut h, "no_anger", "may_strike");
    assert!(why.contains("would change the program"), "{why}");
    let why = refused(&mut h, "m >=", "t");
    assert!(why.contains("renaming the variable to `t`"), "{why}");
    let why = refused(&mut h, "no_anger", "two words");
    assert!(why.contains("not a name"), "{why}");
    open(&mut h, &case_uri, CASE);
    let prep = call(
        &mut h,
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": case_uri}, "position": pos(CASE, "lib", 0)}),
    );
    let why = prep.error.map(|e| e.message).unwrap_or_default();
    assert!(why.contains("module"), "{why}");
}

#[test]
fn standard_library_names_are_not_renamed() {
    let dir = folder("std");
    let uri = uri_of(&dir.0.join("case.norma"));
    let text = example("wannacry_2017.norma");
    let mut h = Harness::new();
    open(&mut h, &uri, &text);
    let at = json!({"textDocument": {"uri": uri}, "position": pos(&text, "healthcare_disruption at worm", 0)});
    let r = call(&mut h, "textDocument/prepareRename", at);
    let why = r.error.map(|e| e.message).unwrap_or_default();
    assert!(
        why.contains("`healthcare_disruption` is a red line of the built-in standard library (`std::escalation`)"),
        "{why}"
    );
    // An event of the report is the user's to rename, in every `expect`.
    let at = json!({"textDocument": {"uri": uri}, "position": pos(&text, "worm:", 0), "newName": "nhs_worm"});
    let edit = ok(&mut h, "textDocument/rename", at);
    let renamed = apply(&edit, &uri, &text);
    assert_eq!(renamed.replace("nhs_worm", "worm"), text);
    assert!(!renamed.contains("at worm") && !renamed.contains("about: worm"));
    assert_eq!(renamed.matches("at nhs_worm").count(), 6, "{renamed}");
}

/// `on breach of NORM` and `expect excused NORM at EVENT by NAME` (the
/// language's v0.3): the finding says what excused it and which breach it
/// answers, and a rename reaches both kinds of reference.
const BREACH: &str = "enum Level { none < low < high }

type Party { trusted: Bool }

action strike(by: Party, level: Level)

action repair(by: Party, to: Party)

norm no_strike \"No high strikes\" {
  source \"test\"
  forbid x: strike(level: l) when l >= high
}

norm make_good \"Repair within a day\" {
  source \"test\"
  on breach of no_strike x: strike(by: p)
  oblige repair(by: p) within 1d
}

norm answer_back \"Strike back once the wrongdoer failed to repair\" overrides no_strike {
  source \"test\"
  on breach of make_good x: strike(by: p)
  permit y: strike(by: v) when v != p unless exists repair(by: p) before y
}

report chain {
  as_of 2020-02-01
  entity A: Party { trusted: false }
  entity B: Party { trusted: false }
  event wrong: strike(by: A, level: high) at 2020-01-01T00:00Z
  event answered: strike(by: B, level: high) at 2020-01-03T00:00Z
  expect missed make_good at wrong
  expect excused no_strike at answered by answer_back
}
";

#[test]
fn breaches_and_excuses_are_related_and_renamed() {
    let dir = folder("breach");
    let uri = uri_of(&dir.0.join("chain.norma"));
    let mut h = Harness::with_folder(dir.0.clone());
    let diags = published(&open(&mut h, &uri, BREACH), &uri);
    let excused = diags
        .iter()
        .find(|d| d["code"] == "excused")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(excused["severity"], 3, "information");
    assert_eq!(excused["range"]["start"], pos(BREACH, "answered:", 0));
    assert!(excused["message"]
        .as_str()
        .unwrap_or("")
        .contains("excused by chain::answer_back"));
    let related = excused["relatedInformation"].as_array().expect("related");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"] == pos(BREACH, "answer_back \"", 0)),
        "{related:?}"
    );
    let missed = diags
        .iter()
        .find(|d| d["code"] == "missed")
        .expect("missed");
    let related = missed["relatedInformation"].as_array().expect("related");
    assert!(
        related.iter().any(|r| r["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("answers the breach of chain::no_strike (violation at 2020-01-01")),
        "{related:?}"
    );

    let rename = |h: &mut Harness, needle: &str, to: &str| {
        let p = json!({"textDocument": {"uri": uri}, "position": pos(BREACH, needle, 0), "newName": to});
        apply(&ok(h, "textDocument/rename", p), &uri, BREACH)
    };
    let renamed = rename(&mut h, "no_strike", "no_hard_strike");
    assert!(
        renamed.contains("on breach of no_hard_strike x:"),
        "{renamed}"
    );
    assert!(renamed.contains("overrides no_hard_strike {"), "{renamed}");
    assert!(
        renamed.contains("expect excused no_hard_strike at answered"),
        "{renamed}"
    );
    let renamed = rename(&mut h, "answer_back", "strike_back");
    assert!(
        renamed.contains("at answered by strike_back\n"),
        "{renamed}"
    );
    let renamed = rename(&mut h, "make_good", "repair_duty");
    assert!(renamed.contains("on breach of repair_duty x:"), "{renamed}");
}
