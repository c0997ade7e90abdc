//! The checker's quick read of events in the common shape (the command
//! line's path: folded by the parser, values checked once per spelling)
//! gives the program and the diagnostics that the full path gives (the
//! editor's: every event expanded to its syntax tree, every name
//! reference recorded).

use std::path::PathBuf;

use norma::driver;

const TEXT: &str = r#"enum Level { low < mid < high }
type Party { trusted: Bool }
action act(by: Party, to: Party, level: Level, n: Int, s: String, t: Time, b: Bool)
action ping(by: Party)
entity A: Party { trusted: true }

norm n { forbid x: act(by: p) when p.trusted }

report r {
  as_of 2021-01-05T00:00:00Z
  entity B: Party { trusted: ? }
  event e1: act(by: A, to: B, level: high, n: 3, s: "x", t: 2021-01-01, b: true) at 2021-01-01T10:00:00Z
  event e2: act(to: B, by: A, level: ?, n: ?, s: ?, t: ?, b: false) at 2021-01-02
  event e3: act(by: A, to: B, level: high, n: 3, s: "x", t: 2021-01-01, b: true) at 2021-01-02T10:00:00Z
  event e4: act(by: Nobody, to: B, level: high, n: 3, s: "x", t: 2021-01-01, b: true) at 2021-01-03
  event e5: act(by: Nobody, to: A, level: hgh, n: "3", s: 3, t: 4, b: A) at 2021-01-03
  event e6: act(by: A) at 2021-01-03
  event e7: act(by: A, by: B, to: B, level: low, n: 1, s: "", t: 2021-01-01, b: true) at 2021-01-03
  event e8: act(by: A, to: B, nope: A, level: low, n: 1, s: "", t: 2021-01-01, b: true) at 2021-01-03
  event e9: ping(by: e1) at 2021-01-09
  event e1: ping(by: A) at 2021-01-04
  event e10: pong(by: A) at 2021-01-04
  event e11: pong(by: A) at 2021-01-04
  event e12: ping(by: B) at 2021-01-04;
  expect violation n at e1
}
"#;

/// `text` checked as `norma check` checks a file (the quick read) and as
/// the editor checks a buffer (the full read).
fn both_ways(name: &str, text: &str) -> (driver::Session, driver::Session) {
    let dir = std::env::temp_dir().join(format!("norma-fold-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path: PathBuf = dir.join(format!("{name}.norma"));
    std::fs::write(&path, text).expect("the text written");
    let quick = driver::check_paths(std::slice::from_ref(&path), &[]).expect("the file reads");
    let full = driver::check_text(&format!("{name}.norma"), text);
    let _ = std::fs::remove_dir_all(&dir);
    (quick, full)
}

/// Every checked event, as text to compare.
fn events(s: &driver::Session) -> Vec<String> {
    s.program
        .reports
        .iter()
        .flat_map(|r| r.events.iter().map(|e| format!("{e:?}")))
        .collect()
}

#[test]
fn the_quick_read_of_events_is_the_full_read() {
    let (quick, full) = both_ways("fold", TEXT);
    let (q, f) = (events(&quick), events(&full));
    assert_eq!(q.len(), 12, "every event but the second `e1` is checked");
    assert_eq!(q, f);
    assert_eq!(
        format!("{:?}", quick.diagnostics),
        format!("{:?}", full.diagnostics)
    );
    // The text draws every kind of event diagnostic, and each bad value
    // is reported where it is written, every time.
    let codes: Vec<&str> = quick.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in ["E0202", "E0304", "E0501"] {
        assert!(codes.contains(&code), "no {code} in {codes:?}");
    }
    let nobody = quick
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("Nobody"))
        .count();
    assert_eq!(nobody, 2, "{:#?}", quick.diagnostics);
}

/// A report large enough to be read a block at a time on every thread
/// (more than two blocks of 8 192 events), with every
/// kind of event error spread through it: the same program and the same
/// diagnostics as the full read.
#[test]
fn the_parallel_read_of_a_large_report_is_the_full_read() {
    let (head, body) = TEXT.split_once("report r {\n").expect("the report");
    let body = body.replace("  expect violation n at e1\n}\n", "");
    let mut text = format!("{head}report r {{\n  entity B: Party {{ trusted: ? }}\n");
    let bad: Vec<&str> = body.lines().skip(2).collect();
    let parties = ["A", "B"];
    let levels = ["low", "mid", "high", "?"];
    for i in 0..20_000 {
        if i % 1_999 == 1_000 {
            // One of the lines above, its name made unique (but `e1`,
            // declared twice on purpose).
            let line = bad[(i / 1_999) % bad.len()];
            text.push_str(&line.replacen(": ", &format!("_{i}: "), 1));
            text.push('\n');
            continue;
        }
        if i % 4_001 == 7 {
            text.push_str("  /// documented\n");
        }
        let (by, level) = (parties[i % 2], levels[(i / 3) % 4]);
        let note = if i % 5_003 == 11 { " // noted" } else { "" };
        text.push_str(&format!(
            "  event x{i}: act(by: {by}, to: B,{note}\n    level: {level}, n: {}, s: \"s{}\", t: 2021-01-01, b: true) at 2021-01-0{}T10:00:00Z\n",
            i % 7,
            i % 3,
            1 + i % 7
        ));
    }
    text.push_str("  as_of 2021-01-08T00:00:00Z\n  expect violation n at x2\n}\n");
    assert!(text.contains("entity B"));

    let (quick, full) = both_ways("large", &text);
    let (q, f) = (events(&quick), events(&full));
    assert!(q.len() > 19_000, "{} events", q.len());
    assert!(q == f, "the events differ");
    assert_eq!(
        format!("{:#?}", quick.diagnostics),
        format!("{:#?}", full.diagnostics)
    );
    let codes: Vec<&str> = quick.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in ["E0202", "E0304", "E0501"] {
        assert!(codes.contains(&code), "no {code} in {codes:?}");
    }
}
