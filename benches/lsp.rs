//! Language-server latency, the time from a one-character `didChange` to
//! the `publishDiagnostics` that follows, with `norma lsp` (the built
//! binary, over stdio):
//!
//! 1. a generated 5 000-line file of norms. Target: under 50 ms.
//! 2. what judging a report adds to a keystroke: 100 norms and a report of
//!    1 000 events (judged on every change, its findings published as
//!    diagnostics) against the same text with 1 001 events (too large to
//!    judge on a keystroke: judged on save only). Target: the difference
//!    under 30 ms.
//!
//! Run: `cargo bench --bench lsp` (release build). Prints the median, the
//! 90th percentile and the worst of 40 edits for each file.

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

/// 100 norms and one report of `events` operations against 20 assets of
/// two States, a day apart.
fn report_corpus(events: usize) -> String {
    let mut s = String::from(common::HEADER);
    for i in 0..100 {
        s.push_str(&common::generated_norm(i));
    }
    let sectors = ["healthcare", "energy", "water", "finance", "telecom"];
    let effects = ["espionage", "disruption", "damage", "destruction"];
    s.push_str("report incidents \"Generated incidents\" {\n");
    s.push_str("  entity north: State { region: europe }\n");
    s.push_str("  entity south: State { region: asia }\n");
    for a in 0..20 {
        s.push_str(&format!(
            "  entity asset_{a}: Asset {{ sector: {}, owner: {}, critical: {} }}\n",
            sectors[a % sectors.len()],
            if a % 2 == 0 { "north" } else { "south" },
            a % 3 != 0,
        ));
    }
    for e in 0..events {
        s.push_str(&format!(
            "  event op_{e}: operate(by: {}, against: asset_{}, effect: {}, intent: deliberate) \
             at {}\n",
            if e % 3 == 0 { "north" } else { "south" },
            e % 20,
            effects[e % effects.len()],
            event_time(e),
        ));
    }
    s.push_str("}\n");
    s
}

/// Event `e`'s time: a minute apart from 2024-01-01.
fn event_time(e: usize) -> String {
    let (d, m) = (e / 1440, e % 1440);
    format!("2024-01-{:02}T{:02}:{:02}Z", 1 + d, m / 60, m % 60)
}

fn send(stdin: &mut impl Write, msg: Value) {
    let body = msg.to_string();
    let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = stdin.flush();
}

/// The CPU time a process has used so far, in milliseconds (Linux: user
/// and system clock ticks of `/proc/PID/stat`, 100 a second).
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

/// What one file's edits cost.
struct Measured {
    /// Wall time from each edit to its diagnostics, sorted.
    times: Vec<f64>,
    /// The server's CPU time per edit, on average.
    cpu: Option<f64>,
    /// How many diagnostics the last answer had.
    shown: usize,
}

/// Open `text` in a fresh server, make `EDITS` one-character edits to a
/// `source` citation in its middle.
fn measure(text: &str) -> Measured {
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
    let opened = wait_diagnostics(&rx);
    assert!(
        opened.iter().all(|d| d["severity"] != 1),
        "the corpus checks without errors"
    );

    // Edit the middle of the file: add a character to a source citation,
    // then take it out again.
    let has_source = |l: &u32| {
        text.lines()
            .nth(*l as usize)
            .is_some_and(|t| t.contains("source"))
    };
    let lines = text.lines().count() as u32;
    let line = (lines / 2..lines)
        .find(has_source)
        .or_else(|| (0..lines).find(has_source))
        .unwrap_or(lines / 2);
    let mut times = Vec::new();
    let mut shown = 0;
    let cpu_before = cpu_ms(child.id());
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
        assert_eq!(diags.len(), opened.len(), "edits change no diagnostic");
        shown = diags.len();
    }
    let cpu = cpu_before
        .zip(cpu_ms(child.id()))
        .map(|(a, b)| (b - a) / EDITS as f64);
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    times.sort_by(f64::total_cmp);
    Measured { times, cpu, shown }
}

fn show_cpu(cpu: Option<f64>) -> String {
    cpu.map_or_else(|| "?".into(), |c| format!("{c:.1}"))
}

fn pick(times: &[f64], q: f64) -> f64 {
    times[((times.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let text = corpus();
    let m = measure(&text);
    println!(
        "lsp: one-character didChange -> publishDiagnostics on a {}-line file ({:.0} KB): \
         median {:.1} ms, p90 {:.1} ms, worst {:.1} ms over {EDITS} edits, server CPU {} ms \
         an edit (target < 50 ms)",
        text.lines().count(),
        text.len() as f64 / 1024.0,
        pick(&m.times, 0.5),
        pick(&m.times, 0.9),
        pick(&m.times, 1.0),
        show_cpu(m.cpu),
    );

    let with = measure(&report_corpus(1_000));
    let without = measure(&report_corpus(1_001));
    assert!(with.shown > 0, "the 1 000-event report has findings");
    assert_eq!(without.shown, 0, "the 1 001-event report waits for a save");
    println!(
        "lsp: a report of 1 000 events judged on each keystroke ({} findings shown): \
         median {:.1} ms, p90 {:.1} ms, worst {:.1} ms, server CPU {} ms an edit; the same \
         text with 1 001 events (judged on save only): median {:.1} ms, p90 {:.1} ms, \
         server CPU {} ms an edit. Judging adds {:.1} ms at the median, {:.1} ms at p90, \
         {} ms of the server's CPU (target < 30 ms)",
        with.shown,
        pick(&with.times, 0.5),
        pick(&with.times, 0.9),
        pick(&with.times, 1.0),
        show_cpu(with.cpu),
        pick(&without.times, 0.5),
        pick(&without.times, 0.9),
        show_cpu(without.cpu),
        pick(&with.times, 0.5) - pick(&without.times, 0.5),
        pick(&with.times, 0.9) - pick(&without.times, 0.9),
        show_cpu(with.cpu.zip(without.cpu).map(|(a, b)| a - b)),
    );
}
