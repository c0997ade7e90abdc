//! `on breach of` in the language server (through `lsp::harness`):
//! go-to-definition and hover on the breached norm's name, and a
//! document with a `breach of` error published with E0405.

use std::path::PathBuf;

use lsp_server::{Notification, Request, RequestId};
use norma::lsp::harness::Harness;
use serde_json::{json, Value};

const TEXT: &str = "action act(by: Int)
action repair(by: Int)

/// Acting at all is wrong.
norm no_act \"No acting\" {
  source \"A text, art. 1\"
  forbid act(by: b) when b == 1
}

norm make_good {
  source \"A text, art. 2\"
  on breach of no_act x: act(by: b)
  oblige repair(by: b) within 1d
}
";

/// A folder of the test's own (documents need a folder on disk for their
/// paths to be canonical), removed when the guard goes.
struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn setup(test: &str, text: &str) -> (Harness, String, Folder, Vec<Notification>) {
    let dir = std::env::temp_dir().join(format!("norma-lsp-breach-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let uri = format!("file://{}/breach.norma", dir.display());
    let mut h = Harness::new();
    let out = h.notify(Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": uri, "languageId": "norma", "version": 1, "text": text}}),
    ));
    (h, uri, Folder(dir), out)
}

/// The 0-based line and UTF-16 column of the `nth` occurrence of `needle`.
fn position(text: &str, needle: &str, nth: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle in text");
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col})
}

fn request(h: &mut Harness, method: &str, params: Value) -> Value {
    let r = h.request(Request::new(RequestId::from(1), method.into(), params));
    r.result.unwrap_or(Value::Null)
}

#[test]
fn the_breached_norm_is_a_link_and_has_a_hover() {
    let (mut h, uri, _dir, _) = setup("link", TEXT);
    let at = json!({"textDocument": {"uri": uri}, "position": position(TEXT, "no_act x", 0)});
    let def = request(&mut h, "textDocument/definition", at.clone());
    assert_eq!(def["uri"], uri.as_str());
    assert_eq!(def["range"]["start"], position(TEXT, "no_act \"", 0));
    let hover = request(&mut h, "textDocument/hover", at);
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("No acting"), "{hover}");
    assert!(text.contains("A text, art. 1"), "{hover}");
}

#[test]
fn a_breach_of_a_permit_is_published_as_e0405() {
    let text = TEXT.replace("forbid act(by: b)", "permit act(by: b)");
    let (_h, _uri, _dir, out) = setup("e0405", &text);
    let codes: Vec<String> = out
        .iter()
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .flat_map(|n| {
            n.params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    assert!(codes.contains(&"E0405".to_string()), "{codes:?}");
}
