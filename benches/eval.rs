//! Evaluator benchmark on generated Norma text (plain `Instant`, prints
//! figures): (a) 1 000 norms × 10 000 events in one report, (b) 100 norms ×
//! 1 000 000 events. Front end and evaluation are timed apart; the front
//! end is the command line's (`driver::check_paths` on the text written to
//! a temporary file: reading it included, no name references recorded).
//!
//! `cargo bench --bench eval`; set `NORMA_BENCH_SCALE=0.01` for a quick run.

use std::fmt::Write;
use std::time::Instant;

/// As in the binary (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use norma::driver;
use norma::eval::evaluate;
use norma::model::ReportId;

const ACTIONS: usize = 10;

/// `norms` norms spread over ten actions: forbids with conditions and
/// exceptions, permits that collide with some, and duties.
fn norms(n: usize) -> String {
    let mut t = String::from(
        "enum Level { none < low < mid < high }\n\
         enum Rung { protest < sanctions < countermeasures }\n\
         type Party { trusted: Bool, rank: Int }\n\
         action reply(by: Party, to: Party)\n",
    );
    for a in 0..ACTIONS {
        let _ = writeln!(t, "action op{a}(by: Party, level: Level, size: Int)");
    }
    for p in 0..8 {
        let _ = writeln!(
            t,
            "entity P{p}: Party {{ trusted: {}, rank: {p} }}",
            p % 3 == 0
        );
    }
    for i in 0..n {
        let a = i % ACTIONS;
        match i % 10 {
            0..=5 => {
                let _ = writeln!(
                    t,
                    "norm f{i} {{ source \"b\" forbid x: op{a}(by: p, level: l, size: s) \
                     when l >= mid and s > {} and not p.trusted unless p.rank == {} }}",
                    i % 50,
                    i % 8
                );
                if i % 3 == 0 {
                    let _ = writeln!(t, "exception x{i} to f{i} {{ when s > 90 and l == high }}");
                    let _ = writeln!(t, "exception y{i} to x{i} {{ when p.rank > 5 }}");
                }
            }
            6 | 7 => {
                let _ = writeln!(
                    t,
                    "norm g{i} {{ source \"b\" permit op{a}(by: p, size: s) when s == {} }}",
                    i % 100
                );
            }
            8 => {
                let _ = writeln!(
                    t,
                    "norm d{i} {{ source \"b\" on x: op{a}(by: p, level: l) when l == high \
                     oblige reply(by: p) within 2d }}"
                );
            }
            _ => {
                let _ = writeln!(
                    t,
                    "redline r{i} {{ source \"b\" severity high forbid op{a}(level: l, size: s) \
                     when l == high and s == {} response sanctions }}",
                    i % 100
                );
            }
        }
    }
    t
}

fn report(events: usize) -> String {
    let mut t = String::from("report bench {\n");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..events {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // One event a minute from 2020-01-01.
        let at = i as i64 * 60 + 1_577_836_800;
        let time = norma::time::format_time(at);
        let p = x % 8;
        if x.is_multiple_of(11) {
            let _ = writeln!(
                t,
                "  event e{i}: reply(by: P{p}, to: P{}) at {time}",
                (x >> 8) % 8
            );
            continue;
        }
        let a = (x >> 4) as usize % ACTIONS;
        let level = ["none", "low", "mid", "high", "?"][(x >> 12) as usize % 5];
        let size = (x >> 20) % 100;
        let _ = writeln!(
            t,
            "  event e{i}: op{a}(by: P{p}, level: {level}, size: {size}) at {time}"
        );
    }
    t.push_str("}\n");
    t
}

fn run(label: &str, n_norms: usize, n_events: usize) {
    let text = format!("{}{}", norms(n_norms), report(n_events));
    let path = std::env::temp_dir().join(format!("norma-bench-eval-{}.norma", std::process::id()));
    if let Err(e) = std::fs::write(&path, &text) {
        println!("{label}: cannot write {}: {e}", path.display());
        return;
    }
    let text_len = text.len();
    drop(text);
    let t0 = Instant::now();
    let s = driver::check_paths(std::slice::from_ref(&path), &[]);
    let front = t0.elapsed();
    let _ = std::fs::remove_file(&path);
    let s = match s {
        Ok(s) => s,
        Err(e) => {
            println!("{label}: cannot read the generated text: {e:?}");
            return;
        }
    };
    if s.has_errors() {
        println!(
            "{label}: the generated text has errors: {:?}",
            s.diagnostics.first()
        );
        return;
    }
    let Some(rid) = (0..s.program.reports.len())
        .map(|i| ReportId(i as u32))
        .next()
    else {
        println!("{label}: no report");
        return;
    };
    let t1 = Instant::now();
    let findings = evaluate(&s.program, rid);
    let eval = t1.elapsed();
    println!(
        "{label}: {n_norms} norms x {n_events} events ({} KiB of text): front end {:.2?}, \
         evaluation {:.2?} ({:.0} events/s), {} findings",
        text_len / 1024,
        front,
        eval,
        n_events as f64 / eval.as_secs_f64(),
        findings.findings.len()
    );
    println!(
        "{label}: end to end {:.2?}, peak RSS so far {:.0} MB",
        front + eval,
        peak_rss_mb()
    );
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let scale: f64 = std::env::var("NORMA_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let n = |x: usize| ((x as f64 * scale) as usize).max(1);
    run("(a)", n(1_000).max(10), n(10_000));
    run("(b)", 100, n(1_000_000));
}
