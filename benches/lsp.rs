//! Language-server latency: on a generated 5 000-line file open in `norma
//! lsp` (the built binary, over stdio), the time from a one-character
//! `didChange` to the `publishDiagnostics` that follows. Target: under 50 ms.
//!
//! Run: `cargo bench --bench lsp` (release build). Prints the median, the
//! 90th percentile and the worst of 40 edits.

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod common;
// The test suite's LSP client: its message reader serves here too.
#[path = "../tests/lsp/client.rs"]
#[allow(dead_code)]
mod client;
use client::read_message;

const LINES: usize = 5_000;
const EDITS: usize = 40;

/// A clean file of about `LINES` lines: a header and 7-line norms.
fn corpus() -> String {
    let mut s = String::from(common::HEADER);
    let mut i = 0;
    while s.lines().count() + 7 <= LINES {
        s.push_str(&common::generated_norm(i));
        i += 1;
    }
    while s.lines().count() < LINES {
        s.push_str("// padding to an exact line count\n");
    }
    s
}

fn send(stdin: &mut impl Write, msg: Value) {
    let body = msg.to_string();
    let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = stdin.flush();
}

fn main() {
    let text = corpus();
    let dir = std::env::temp_dir().join(format!("norma-lsp-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let uri = format!("file://{}/corpus.norma", dir.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_norma"))
        .arg("lsp")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start norma lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        while let Some(m) = read_message(&mut r) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });
    let wait_diagnostics = |rx: &mpsc::Receiver<Value>| -> Vec<Value> {
        loop {
            let m = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("norma lsp answered");
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    };
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    let _ = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("initialized");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": uri, "languageId": "norma", "version": 1, "text": text}}}),
    );
    assert!(wait_diagnostics(&rx).is_empty(), "the corpus checks clean");

    // Edit the middle of the file: add a character to a source citation,
    // then take it out again.
    let line = text.lines().count() as u32 / 2;
    let line = (line..)
        .find(|l| {
            text.lines()
                .nth(*l as usize)
                .is_some_and(|t| t.contains("source"))
        })
        .unwrap_or(line);
    let mut times = Vec::new();
    for i in 0..EDITS {
        let (range, new_text) = if i % 2 == 0 {
            (
                json!({"start": {"line": line, "character": 10}, "end": {"line": line, "character": 10}}),
                "x",
            )
        } else {
            (
                json!({"start": {"line": line, "character": 10}, "end": {"line": line, "character": 11}}),
                "",
            )
        };
        let start = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": i + 2},
                "contentChanges": [{"range": range, "text": new_text}]}}),
        );
        let diags = wait_diagnostics(&rx);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(diags.is_empty(), "edits keep the corpus clean: {diags:?}");
    }
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "lsp: one-character didChange -> publishDiagnostics on a {}-line file ({:.0} KB): \
         median {:.1} ms, p90 {:.1} ms, worst {:.1} ms over {EDITS} edits (target < 50 ms)",
        text.lines().count(),
        text.len() as f64 / 1024.0,
        pick(0.5),
        pick(0.9),
        pick(1.0),
    );
}
