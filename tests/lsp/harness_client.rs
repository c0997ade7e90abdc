//! What the language-server tests driven through `lsp::harness` share:
//! a folder per test, notifications and requests as a client sends them,
//! and reading the answers.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lsp_server::{Notification, Request, RequestId, Response};
use norma::lsp::harness::Harness;
use serde_json::{json, Value};

/// A folder of its own for each test, removed when the test is done.
pub struct Folder(pub PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn folder(test: &str) -> Folder {
    let dir = std::env::temp_dir().join(format!("norma-lsp-wb-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    Folder(std::fs::canonicalize(&dir).expect("canonical"))
}

pub fn uri_of(p: &Path) -> String {
    format!("file://{}", p.display())
}

pub fn notify(h: &mut Harness, method: &str, params: Value) -> Vec<Notification> {
    h.notify(Notification::new(method.into(), params))
}

pub fn open(h: &mut Harness, uri: &str, text: &str) -> Vec<Notification> {
    notify(
        h,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "norma", "version": 1, "text": text}}),
    )
}

pub fn replace_all(h: &mut Harness, uri: &str, version: i32, text: &str) -> Vec<Notification> {
    notify(
        h,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    )
}

pub fn call(h: &mut Harness, method: &str, params: Value) -> Response {
    h.request(Request {
        id: RequestId::from(1),
        method: method.into(),
        params,
    })
}

pub fn ok(h: &mut Harness, method: &str, params: Value) -> Value {
    let r = call(h, method, params);
    assert!(r.error.is_none(), "{method} failed: {:?}", r.error);
    r.result.unwrap_or(Value::Null)
}

/// The diagnostics last published for `uri`.
pub fn published(out: &[Notification], uri: &str) -> Vec<Value> {
    out.iter()
        .rfind(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
        .expect("diagnostics published")
        .params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn logged(out: &[Notification]) -> Vec<String> {
    out.iter()
        .filter(|n| n.method == "window/logMessage")
        .filter_map(|n| n.params["message"].as_str().map(String::from))
        .collect()
}

/// (line, UTF-16 column) of the `nth` occurrence of `needle` (ASCII text).
pub fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let off = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        .0;
    let line = text[..off].matches('\n').count();
    let col = off - text[..off].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": col})
}

pub fn example(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .expect("example")
}

/// Apply a rename's edits (per URI, non-overlapping) to the texts.
pub fn apply(edit: &Value, uri: &str, text: &str) -> String {
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
