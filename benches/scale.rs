//! Scaling benchmark of the built binary, end to end (start-up, reading,
//! checking, judging and writing the output to `/dev/null`), with its wall time and peak
//! resident memory as `/usr/bin/time` reports them:
//!
//! - `permits`: 1 000 norms on one action, half `forbid` half `permit`,
//!   each `when a.critical and a.sector == SECTOR and e >= LEVEL and
//!   x.intent == deliberate unless s.region == REGION`, and one report of
//!   10 000 events over 50 States and 200 assets: `norma eval --format
//!   json` (target: under 1.0 s and 400 MB).
//! - `events`: 100 norms of that shape (half permits) and one report of
//!   10^4, 10^5 and 10^6 events: `norma check` and `norma eval --format
//!   json` at each size, to show that time and memory grow linearly.
//!
//! Run: `cargo bench --bench scale` (both), or `cargo bench --bench scale
//! -- permits` / `-- events`. `NORMA_BENCH_MAX_EVENTS=100000` stops the
//! `events` series early. The generated files go to a temporary folder,
//! removed afterwards unless `NORMA_BENCH_KEEP=DIR` names one to keep them in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const STATES: usize = 50;
const ASSETS: usize = 200;
const SECTORS: [&str; 5] = ["healthcare", "energy", "water", "finance", "telecom"];
const EFFECTS: [&str; 4] = ["espionage", "disruption", "damage", "destruction"];
const REGIONS: [&str; 3] = ["europe", "asia", "americas"];
const INTENTS: [&str; 3] = ["deliberate", "deliberate", "reckless"];

/// A xorshift generator: the same text on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }
}

/// Types, the action, the States and the assets.
fn header(t: &mut String) {
    t.push_str(
        "enum Effect { none < espionage < disruption < damage < destruction }\n\
         enum Sector { healthcare, energy, water, finance, telecom }\n\
         enum Region { europe, asia, americas }\n\
         enum Intent { deliberate, reckless, accidental }\n\
         type State { region: Region }\n\
         type Asset { sector: Sector, owner: State, critical: Bool }\n\
         action operate(by: State, against: Asset, effect: Effect, intent: Intent)\n",
    );
    for s in 0..STATES {
        let _ = writeln!(
            t,
            "entity S{s}: State {{ region: {} }}",
            REGIONS[s % REGIONS.len()]
        );
    }
    for a in 0..ASSETS {
        let _ = writeln!(
            t,
            "entity A{a}: Asset {{ sector: {}, owner: S{}, critical: {} }}",
            SECTORS[a % SECTORS.len()],
            (a * 7) % STATES,
            a % 2 == 0
        );
    }
}

/// `norms` norms on `operate`, even ones `forbid`, odd ones `permit`.
fn norms(t: &mut String, norms: usize) {
    for i in 0..norms {
        let (word, modality) = if i % 2 == 0 {
            ("f", "forbid")
        } else {
            ("p", "permit")
        };
        let _ = writeln!(
            t,
            "norm {word}{i} {{ source \"generated, para {i}\" \
             {modality} x: operate(by: s, against: a, effect: e) \
             when a.critical and a.sector == {} and e >= {} and x.intent == deliberate \
             unless s.region == {} }}",
            SECTORS[(i / 2) % SECTORS.len()],
            EFFECTS[(i / 10) % EFFECTS.len()],
            REGIONS[(i / 40) % REGIONS.len()],
        );
    }
}

/// One report of `events` events, one a minute from 2020-01-01.
fn report(t: &mut String, events: usize) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    t.push_str("report bench {\n");
    for i in 0..events {
        let at = norma::time::format_time(i as i64 * 60 + 1_577_836_800);
        let _ = writeln!(
            t,
            "  event e{i}: operate(by: S{}, against: A{}, effect: {}, intent: {}) at {at}",
            rng.next() % STATES,
            rng.next() % ASSETS,
            EFFECTS[rng.next() % EFFECTS.len()],
            INTENTS[rng.next() % INTENTS.len()],
        );
    }
    t.push_str("}\n");
}

fn workload(n_norms: usize, n_events: usize) -> String {
    let mut t = String::new();
    header(&mut t);
    norms(&mut t, n_norms);
    report(&mut t, n_events);
    t
}

/// Wall seconds and peak RSS in MB of the binary run with `args`, its
/// output sent to `/dev/null`: what producing the output costs, not what
/// a disk or a reader on the same two cores adds to it (through a pipe
/// read by this process, 1.5 GB of JSON took twice as long).
fn measure(dir: &Path, args: &[&str]) -> Option<(f64, f64)> {
    let time_path = dir.join("time");
    let null = std::fs::File::create("/dev/null").ok()?;
    let start = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&time_path)
        .arg(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .stdout(null)
        .stderr(Stdio::inherit())
        .status();
    let wall = start.elapsed().as_secs_f64();
    let Ok(status) = status else {
        eprintln!("cannot run /usr/bin/time: install `time` to measure peak memory");
        return None;
    };
    // `norma eval` exits 1 when it finds problems; 2 is a failure.
    if status.code() == Some(2) {
        eprintln!("norma {} failed", args.join(" "));
        return None;
    }
    let time = std::fs::read_to_string(&time_path).ok()?;
    let kb: f64 = time
        .lines()
        .last()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((wall, kb / 1024.0))
}

fn run(dir: &Path, label: &str, args: &[&str]) {
    match measure(dir, args) {
        Some((wall, mb)) => println!("{label}: {wall:.2} s wall, peak RSS {mb:.0} MB"),
        None => println!("{label}: not measured"),
    }
}

fn permits(dir: &Path) {
    let file = dir.join("permits.norma");
    let text = workload(1_000, 10_000);
    if std::fs::write(&file, &text).is_err() {
        eprintln!("cannot write {}", file.display());
        return;
    }
    let f = file.to_string_lossy();
    let label = format!(
        "permits: 1000 norms (500 permits) x 10000 events ({:.1} MB), norma eval --format json",
        text.len() as f64 / 1e6
    );
    run(dir, &label, &["eval", "--format", "json", &f]);
}

fn events(dir: &Path) {
    let max: usize = std::env::var("NORMA_BENCH_MAX_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut n = 10_000;
    while n <= max {
        let file = dir.join(format!("events-{n}.norma"));
        let text = workload(100, n);
        let size = text.len() as f64 / 1e6;
        if std::fs::write(&file, &text).is_err() {
            eprintln!("cannot write {}", file.display());
            return;
        }
        drop(text);
        let f = file.to_string_lossy();
        run(
            dir,
            &format!("events: {n} events ({size:.1} MB), norma check"),
            &["check", &f],
        );
        run(
            dir,
            &format!("events: {n} events x 100 norms (50 permits), norma eval --format json"),
            &["eval", "--format", "json", &f],
        );
        n *= 10;
    }
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |w: &str| which.is_empty() || which.iter().any(|a| a == w);
    let keep = std::env::var_os("NORMA_BENCH_KEEP").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("norma-scale-{}", std::process::id()))
    });
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("cannot create {}", dir.display());
        return;
    }
    if wants("permits") {
        permits(&dir);
    }
    if wants("events") {
        events(&dir);
    }
    let _ = std::fs::remove_file(dir.join("time"));
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
