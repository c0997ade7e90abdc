//! Foreign and hostile input, through the binary as a user runs it:
//! files that are not UTF-8 are refused with one error and never written;
//! a BOM and CRLF line endings survive `fmt`; `--format json|sarif` always
//! gives JSON on stdout; output stays bounded by the input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::norma;

/// A fresh folder under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

#[test]
fn windows_1252_is_one_error_and_never_rewritten() {
    let dir = scratch("cp1252");
    let bytes = b"norm n \"L\xe9gitime d\xe9fense\" {\n  source \"x\"\n}\n";
    let f = write(&dir, "w.norma", bytes);
    let (code, err, _) = norma(&["check", &f]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("byte 0xE9 at line 1, column 10"), "{err}");
    assert!(err.contains("Windows-1252"), "{err}");
    assert!(err.ends_with("1 error\n"), "{err}");
    for args in [
        vec!["fmt", "--write", &f],
        vec!["fmt", "--check", &f],
        vec!["fmt", &f],
    ] {
        let (code, _, err) = norma(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read(&f).expect("read"),
        bytes,
        "the file was changed"
    );
    let (code, out, _) = norma(&["eval", &f, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["diagnostics"][0]["code"], "E0101");
    assert_eq!(v["diagnostics"][0]["range"]["start"]["character"], 9);
}

#[test]
fn utf16_and_binary_files_are_one_error() {
    let dir = scratch("utf16");
    let le: Vec<u8> = "\u{feff}norm n { source \"x\" }\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let f = write(&dir, "u.norma", &le);
    let (code, err, _) = norma(&["check", &f]);
    assert_eq!(code, 1);
    assert!(
        err.contains("UTF-16") && err.contains("save the file as UTF-8"),
        "{err}"
    );
    assert_eq!(err.matches("[E0101]").count(), 1, "{err}");
    let (code, _, _) = norma(&["fmt", "--write", &f]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&f).expect("read"), le);
    let mut binary = b"\x7fELF\x02\x01\x01\x00".to_vec();
    binary.extend((0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let f = write(&dir, "b.norma", &binary);
    let (code, err, _) = norma(&["check", &f]);
    assert_eq!(code, 1);
    assert!(err.contains("binary file"), "{err}");
    assert!(err.len() < 2_000, "{}", err.len());
}

#[test]
fn a_bom_and_crlf_are_kept_by_fmt() {
    let dir = scratch("bom_crlf");
    let f = write(
        &dir,
        "c.norma",
        b"\xEF\xBB\xBFenum   E { a < b }\r\nenum F { c }\r\n",
    );
    let (code, _, err) = norma(&["check", &f]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = norma(&["fmt", "--check", &f]);
    assert_eq!(code, 1);
    assert!(
        out.contains("-enum   E { a < b }\r\n+enum E { a < b }\r\n"),
        "{out:?}"
    );
    let (code, _, err) = norma(&["fmt", "--write", &f]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read(&f).expect("read");
    assert_eq!(
        written,
        b"\xEF\xBB\xBFenum E { a < b }\r\n\r\nenum F { c }\r\n"
    );
    let (code, out, _) = norma(&["fmt", "--check", &f]);
    assert_eq!(
        (code, out.as_str()),
        (0, ""),
        "a formatted CRLF file has no diff"
    );
}

#[test]
fn mixed_line_ends_never_show_a_diff_of_identical_lines() {
    let dir = scratch("mixed");
    let f = write(&dir, "m.norma", b"enum E { a < b }\r\n\r\nenum F { c }\n");
    let (code, out, _) = norma(&["fmt", "--check", &f]);
    assert_eq!(code, 1);
    assert!(
        out.contains("-enum F { c }\n+enum F { c }␍\n") || out.contains("+enum F { c }\r\n"),
        "{out:?}"
    );
    for pair in out.lines().collect::<Vec<_>>().windows(2) {
        if let (Some(a), Some(b)) = (pair[0].strip_prefix('-'), pair[1].strip_prefix('+')) {
            assert_ne!(
                a.trim_end_matches('\r'),
                b.trim_end_matches('\r'),
                "{out:?}"
            );
        }
    }
}

/// Every command that takes `--format`, with the format that means JSON.
const JSON_COMMANDS: [&[&str]; 8] = [
    &["check", "--format", "json"],
    &["check", "--format", "sarif"],
    &["eval", "--format", "json"],
    &["test", "--format", "json"],
    &[
        "explain", "--report", "r", "--event", "e", "--format", "json",
    ],
    &["graph", "--format", "json"],
    &["fmt", "--format", "json"],
    &["fmt", "--check", "--format", "json"],
];

#[test]
fn json_is_asked_so_json_is_given() {
    let dir = scratch("json");
    let broken = write(&dir, "broken.norma", b"norm n { forbid }\n");
    let missing = dir.join("missing.norma").display().to_string();
    for cmd in JSON_COMMANDS {
        for (file, want) in [(broken.as_str(), 1), (missing.as_str(), 2)] {
            let mut args: Vec<&str> = cmd.to_vec();
            args.push(file);
            let (code, out, err) = norma(&args);
            assert_eq!(code, want, "{args:?}: {err}");
            let v: serde_json::Value = serde_json::from_str(&out)
                .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {out:?}"));
            if cmd.contains(&"sarif") {
                assert_eq!(v["version"], "2.1.0", "{args:?}");
            } else if want == 1 {
                assert!(
                    v["diagnostics"].as_array().is_some_and(|d| !d.is_empty()),
                    "{args:?}: {v}"
                );
            } else {
                assert!(v["error"]["message"].is_string(), "{args:?}: {v}");
            }
        }
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend([broken.as_str(), "--no-such-flag"]);
        let (code, out, _) = norma(&args);
        assert_eq!(code, 2, "{args:?}");
        let v: serde_json::Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {out:?}"));
        if !cmd.contains(&"sarif") {
            assert!(v["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("--no-such-flag")));
        }
    }
    let (code, out, _) = norma(&["lsp", "--format", "json", "--no-such-flag"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(v["error"]["message"].is_string());
    // An unknown report is a usage failure, in JSON too.
    let ok = write(&dir, "ok.norma", b"enum E { a }\n");
    let (code, out, _) = norma(&["eval", &ok, "--report", "nope", "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["error"]["kind"], "usage");
}

/// Inputs of up to 1 MB that used to flood the output.
fn hostile_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let random_bytes: Vec<u8> = (0..1_000_000).map(|_| next() as u8).collect();
    let mut random_unicode = String::new();
    while random_unicode.len() < 1_000_000 {
        let c = char::from_u32((next() % 0x3_0000) as u32).unwrap_or('x');
        if c != '\0' {
            random_unicode.push(c);
        }
    }
    let mut long_line = String::from("norm n { source \"");
    long_line.push_str(&"é∀x ".repeat(170_000));
    long_line.push_str("\" forbid } ¤\n");
    vec![
        ("random_bytes", random_bytes),
        ("random_unicode", random_unicode.into_bytes()),
        ("one_long_line", long_line.into_bytes()),
        ("closing_braces", "}\n".repeat(100_000).into_bytes()),
    ]
}

/// Time and stdout+stderr bytes of one run.
fn measure(args: &[&str]) -> (Duration, usize) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("norma runs");
    (started.elapsed(), out.stdout.len() + out.stderr.len())
}

/// The sanity bound is 2 s for an optimised build; a debug build of the
/// test runs about ten times slower on this 2-core machine, so the bound
/// is scaled (README gives the release figures).
#[test]
fn output_and_time_are_bounded_by_the_input() {
    let limit = Duration::from_secs(if cfg!(debug_assertions) { 20 } else { 2 });
    let dir = scratch("bounded");
    for (name, bytes) in hostile_inputs() {
        let f = write(&dir, &format!("{name}.norma"), &bytes);
        for args in [
            vec!["check", &f],
            vec!["check", "--format", "json", &f],
            vec!["check", "--format", "sarif", &f],
            vec!["eval", &f],
            vec!["test", &f],
            vec!["graph", &f],
            vec!["explain", &f, "--report", "r", "--event", "e"],
            vec!["fmt", "--check", &f],
        ] {
            let (took, bytes) = measure(&args);
            assert!(took < limit, "{args:?} took {took:?}");
            assert!(bytes < 1_000_000, "{args:?} wrote {bytes} bytes");
        }
    }
}

#[test]
fn the_language_server_publishes_the_same_bounded_set() {
    use lsp_server::Notification;
    let mut h = norma::lsp::harness::Harness::new();
    let text: String = (0..20_000)
        .map(|i| if i % 2 == 0 { '}' } else { ' ' })
        .collect();
    let published = h.notify(Notification::new(
        "textDocument/didOpen".into(),
        serde_json::json!({"textDocument": {"uri": "file:///tmp/flood.norma", "languageId": "norma", "version": 1, "text": text}}),
    ));
    assert_eq!(published.len(), 1);
    let diags = published[0].params["diagnostics"].as_array().expect("list");
    assert!(
        diags.len() <= norma::diagnostics::MAX_PER_FILE + 1,
        "{}",
        diags.len()
    );
    let bytes = serde_json::to_string(&published[0].params)
        .expect("json")
        .len();
    assert!(bytes < 1_000_000, "{bytes}");
}
