//! Front-end benchmark: a generated corpus of 10 000 norms (~2 MB, each
//! with a four-term `when` and an `unless`) checked end to end (lex, parse,
//! resolve, type-check, graph cycle check).
//!
//! Run: `cargo bench --bench check` (release build). Prints wall time of
//! the best of 5 runs and the process's peak resident memory.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::peak_rss_mb;

pub fn corpus(norms: usize) -> String {
    let mut s = String::from(common::HEADER);
    for i in 0..norms {
        s.push_str(&common::generated_norm(i));
    }
    s
}

/// CPU time of this process so far (user + system), in seconds: the
/// machine is shared, so wall time alone is noisy.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let text = corpus(10_000);
    let size_mb = text.len() as f64 / 1e6;
    // The corpus goes to a file and is checked as `norma check FILE` does
    // (`driver::check_paths`: read, parse, resolve, check), so the figures
    // are the command line's. NORMA_WRITE_CORPUS=PATH keeps the file, to
    // measure the binary too: `/usr/bin/time -v norma check PATH`.
    let path = std::env::var_os("NORMA_WRITE_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("norma-bench-{}.norma", std::process::id()))
        });
    if let Err(e) = std::fs::write(&path, &text) {
        eprintln!("cannot write the corpus to {}: {e}", path.display());
        return;
    }
    drop(text);
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let session = match norma::driver::check_paths(std::slice::from_ref(&path), &[]) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{}", e.message);
                return;
            }
        };
        let secs = start.elapsed().as_secs_f64();
        best_cpu = best_cpu.min(cpu_seconds() - cpu);
        assert!(
            !session.has_errors(),
            "the generated corpus must check clean"
        );
        assert_eq!(session.program.norms.len(), 10_000);
        best = best.min(secs);
    }
    if std::env::var_os("NORMA_WRITE_CORPUS").is_none() {
        let _ = std::fs::remove_file(&path);
    }
    println!(
        "check: 10000 norms, {size_mb:.2} MB of source: best of 5 = {best:.3} s wall, {best_cpu:.2} s CPU, peak RSS = {:.1} MB",
        peak_rss_mb().unwrap_or(f64::NAN)
    );
}
