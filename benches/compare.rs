//! `norma compare` benchmark:
//! 1. every pair of standard-library modules (target: each under 1 s);
//! 2. two generated texts of 500 norms each — 250 forbids and 250 permits
//!    on one action, each with a four-term `when` and an `unless` (the
//!    check benchmark's shape) — compared end to end: front end, solver,
//!    witnesses and their replay (target: under 10 s and 1 GB).
//!
//! Run: `cargo bench --bench compare` (release build). Prints wall time
//! per comparison, the conflicts found, and the peak resident memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use norma::analysis::{self, replay::Replayer, CompareOptions, Comparison};
use norma::driver::{self, Session};
use norma::model::ModuleId;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::peak_rss_mb;

fn module(s: &Session, name: &str) -> ModuleId {
    ModuleId(
        s.program
            .modules
            .iter()
            .position(|m| m.name == name)
            .unwrap_or_else(|| panic!("no module {name}")) as u32,
    )
}

/// Norm `i` of a generated text: forbids at even, permits at odd numbers.
fn generated(prefix: &str, i: usize) -> String {
    let norm = common::generated_norm(i);
    let norm = norm.replacen("norm rule_", &format!("norm {prefix}_rule_"), 1);
    if i % 2 == 1 {
        norm.replacen("forbid x:", "permit x:", 1)
    } else {
        norm
    }
}

fn text(prefix: &str, offset: usize) -> String {
    let mut s = String::from("use vocab;\n");
    for i in 0..500 {
        s.push_str(&generated(prefix, i + offset));
    }
    s
}

fn run(s: &Session, a: &[ModuleId], b: &[ModuleId], dir: &Path) -> (Comparison, f64) {
    let replayer = Replayer {
        dir: dir.to_path_buf(),
        includes: vec![dir.to_path_buf()],
        documents: Vec::new(),
    };
    let start = Instant::now();
    let c = analysis::compare(&s.program, a, b, &CompareOptions::default(), &replayer);
    (c, start.elapsed().as_secs_f64())
}

fn main() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("norma-bench-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");

    // 1. Standard-library modules, pairwise.
    let std_modules = [
        "core",
        "gge2015",
        "osce",
        "paris_call",
        "escalation",
        "responsibility",
        "countermeasures",
    ];
    let texts: Vec<(String, PathBuf, String)> = std_modules
        .iter()
        .map(|m| (format!("<{m}>"), dir.clone(), format!("use std::{m};\n")))
        .collect();
    let s = driver::check_paths_and_texts(&[], texts, &[]).expect("standard library");
    assert!(!s.has_errors(), "the standard library checks clean");
    let mut worst: f64 = 0.0;
    for (i, x) in std_modules.iter().enumerate() {
        for y in &std_modules[i + 1..] {
            let (a, b) = (
                module(&s, &format!("std::{x}")),
                module(&s, &format!("std::{y}")),
            );
            let (c, secs) = run(&s, &[a], &[b], &dir);
            assert!(c.failures.is_empty(), "{:?}", c.failures);
            worst = worst.max(secs);
            println!(
                "compare std::{x} std::{y}: {secs:.3} s, {} conflicts, {} not analysed",
                c.conflicts.len(),
                c.not_analysed.len()
            );
        }
    }
    println!("standard library pairs: slowest {worst:.3} s (target 1 s)");

    // 2. Two generated texts of 500 norms.
    std::fs::write(dir.join("vocab.norma"), common::HEADER).expect("write");
    std::fs::write(dir.join("a.norma"), text("a", 0)).expect("write");
    std::fs::write(dir.join("b.norma"), text("b", 1)).expect("write");
    let start = Instant::now();
    let s = driver::check_paths(&[dir.join("a.norma"), dir.join("b.norma")], &[]).expect("load");
    assert!(!s.has_errors(), "the generated texts check clean");
    let front = start.elapsed().as_secs_f64();
    let (a, b) = (module(&s, "a"), module(&s, "b"));
    let (c, secs) = run(&s, &[a], &[b], &dir);
    assert!(c.failures.is_empty(), "{:?}", c.failures.first());
    println!(
        "compare 500 × 500 norms: {:.2} s (front end {front:.2} s), {} conflicts with witnesses, \
         peak RSS {:.0} MB (targets 10 s, 1 GB)",
        front + secs,
        c.conflicts.len(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
