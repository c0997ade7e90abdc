//! The deep lints in the language server (through `lsp::harness`): run on
//! save, never on a change; dropped by the next change; skipped and logged
//! past their time budget; and the W0009 fix (`overrides`) gives a text
//! that checks clean of W0009 and that `norma fmt` leaves as it is.

use std::path::PathBuf;
use std::time::Duration;

use lsp_server::{Notification, Request, RequestId};
use norma::lsp::harness::Harness;
use serde_json::{json, Value};

/// A forbid and a permit of one text in conflict (W0009); the forbid's
/// title holds a `{`, which the fix must not take for its body.
const CONFLICT: &str = "enum Effect { none < espionage < disruption < damage < destruction }

action operate(effect: Effect)

norm no_damage \"No damage {at all}\" {
  source \"example\"
  forbid operate(effect: e) when e >= damage
}

norm may_retaliate {
  source \"example\"
  permit operate(effect: e) when e == destruction
}
";

/// A folder of its own for each test (the documents need not exist on
/// disk, but their folder must, for paths to be canonical).
/// The folder goes when the returned guard does.
fn uri(test: &str) -> (String, Folder) {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("norma-lsp-deep-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    (
        format!("file://{}/conflict.norma", dir.display()),
        Folder(dir),
    )
}

/// A test's folder, removed when the test is done with it.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

fn save(h: &mut Harness, uri: &str) -> Vec<Notification> {
    notify(
        h,
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    )
}

/// The codes published for `uri` by these notifications (the last
/// publication wins).
fn codes(out: &[Notification], uri: &str) -> Vec<String> {
    let published = out
        .iter()
        .rfind(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        .expect("diagnostics published");
    published.params["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|d| d["code"].as_str().map(String::from))
        .collect()
}

fn logged(out: &[Notification]) -> Vec<String> {
    out.iter()
        .filter(|n| n.method == "window/logMessage")
        .filter_map(|n| n.params["message"].as_str().map(String::from))
        .collect()
}

#[test]
fn deep_lints_come_on_save_and_go_on_the_next_change() {
    let mut h = Harness::new();
    let (uri, _folder) = uri("save");
    let out = open(&mut h, &uri, CONFLICT);
    assert!(!codes(&out, &uri).contains(&"W0009".to_string()));
    assert!(logged(&out).is_empty(), "{:?}", logged(&out));

    // A change runs no deep lint.
    let edited = format!("{CONFLICT}// more\n");
    let out = replace_all(&mut h, &uri, 2, &edited);
    assert!(!codes(&out, &uri).contains(&"W0009".to_string()));
    assert!(logged(&out).is_empty());

    // A save does, and says so in the log.
    let out = save(&mut h, &uri);
    let found = codes(&out, &uri);
    assert_eq!(
        found.iter().filter(|c| *c == "W0009").count(),
        1,
        "{found:?}"
    );
    let log = logged(&out);
    assert!(
        log.iter()
            .any(|l| l.contains("deep lints") && l.contains("1 warning")),
        "{log:?}"
    );

    // The next keystroke drops them (they are recomputed on save).
    let out = replace_all(&mut h, &uri, 3, CONFLICT);
    assert!(!codes(&out, &uri).contains(&"W0009".to_string()));
    assert!(logged(&out).is_empty());
}

#[test]
fn past_the_budget_nothing_is_shown_and_the_log_says_why() {
    let mut h = Harness::with_deep_budget(Duration::ZERO);
    let (uri, _folder) = uri("budget");
    open(&mut h, &uri, CONFLICT);
    let out = save(&mut h, &uri);
    assert!(!codes(&out, &uri).contains(&"W0009".to_string()));
    let log = logged(&out);
    assert!(
        log.iter().any(|l| l.contains("did not finish within 0 ms")),
        "{log:?}"
    );
}

#[test]
fn documents_with_errors_are_not_analysed_on_save() {
    let mut h = Harness::new();
    let (uri, _folder) = uri("errors");
    open(&mut h, &uri, &format!("{CONFLICT}norm broken {{"));
    let out = save(&mut h, &uri);
    assert!(!codes(&out, &uri).contains(&"W0009".to_string()));
    let log = logged(&out);
    assert!(log.iter().any(|l| l.contains("have errors")), "{log:?}");
}

/// Apply the LSP text edits of one document (positions here are ASCII).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().expect("line") as usize;
        let col = p["character"].as_u64().expect("character") as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + col
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().expect("newText"),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}

#[test]
fn the_w0009_fix_writes_overrides_in_either_direction() {
    let mut h = Harness::new();
    let (uri, _folder) = uri("fix");
    open(&mut h, &uri, CONFLICT);
    let out = save(&mut h, &uri);
    let diag = out
        .iter()
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .flat_map(|n| {
            n.params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|d| d["code"] == "W0009")
        .expect("W0009 after save");
    let answer = h.request(Request::new(
        RequestId::from(1),
        "textDocument/codeAction".into(),
        json!({
            "textDocument": {"uri": uri},
            "range": diag["range"],
            "context": {"diagnostics": [diag]}
        }),
    ));
    let actions = answer.result.expect("actions");
    let actions = actions.as_array().expect("a list");
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Let `no_damage` prevail: `norm no_damage overrides may_retaliate`",
            "Let `may_retaliate` prevail: `norm may_retaliate overrides no_damage`",
        ],
        "{titles:?}"
    );
    let mut fixed = Vec::new();
    for action in actions {
        let edits = action["edit"]["changes"][&uri]
            .as_array()
            .expect("edits of this document");
        fixed.push(apply(CONFLICT, edits));
    }
    assert!(fixed[0].contains("norm no_damage \"No damage {at all}\" overrides may_retaliate {\n"));
    assert!(fixed[1].contains("norm may_retaliate overrides no_damage {\n"));
    for (n, text) in fixed.iter().enumerate() {
        // `norma fmt --check` likes it.
        let formatted = norma::syntax::literate::format_any("conflict.norma", text)
            .expect("the fixed text parses");
        assert_eq!(&formatted, text);
        // `norma check` accepts it, and a save finds no W0009 in it.
        let out = replace_all(&mut h, &uri, 10 + n as i32, text);
        assert!(
            codes(&out, &uri).iter().all(|c| !c.starts_with('E')),
            "{text}"
        );
        let out = save(&mut h, &uri);
        let found = codes(&out, &uri);
        assert!(!found.contains(&"W0009".to_string()), "{text}\n{found:?}");
        assert!(
            logged(&out).iter().any(|l| l.contains("0 warnings")),
            "{:?}",
            logged(&out)
        );
    }
}
