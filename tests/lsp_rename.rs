//! Rename through the language server (`lsp::harness`, JSON-RPC
//! messages in and out): every kind of declaration across open documents,
//! folder files and literate texts, `overrides`, `to`, `on breach of`,
//! `expect` lines and their `by`; and the refusals (keywords, clashes,
//! hidden names, modules, the standard library).

use norma::lsp::harness::Harness;
use serde_json::json;

#[path = "lsp/harness_client.rs"]
mod harness_client;
use harness_client::*;

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
