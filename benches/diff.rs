//! `norma diff` and `norma check --deep` benchmark (release build):
//! 1. `check --deep` of the whole standard library (target: under 1 s);
//! 2. `diff` of a generated text of 500 norms against a version with 10%
//!    of its conditions changed (target: under 10 s), in two shapes:
//!    - 50 actions of 10 norms each (5 forbids, 5 permits): norms spread
//!      over the acts they govern, as texts are;
//!    - all 500 norms on one action (250 forbids, 250 permits): the worst
//!      case, where every changed norm touches the findings of all.
//!
//! Every norm has a four-term `when` and an `unless`; norm `i` changes
//! when `i % 10 == 0` (its threshold raised one level). Run: `cargo bench
//! --bench diff`. Prints wall time, the statuses found, and peak memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use norma::analysis::diff::{self, Status, VersionInput};
use norma::analysis::{lint, replay::Replayer, CompareOptions};
use norma::driver;
use norma::model::ModuleId;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use common::peak_rss_mb;

const HEADER: &str = "enum Effect { none < espionage < disruption < damage < destruction }\n\
     enum Sector { healthcare, energy, water, finance, telecom }\n\
     enum Region { europe, asia, americas }\n\
     type State { region: Region }\n\
     type Asset { sector: Sector, owner: State, critical: Bool }\n";

/// A text of 500 norms over `actions` actions; `amended` raises the
/// threshold of every tenth norm.
fn text(actions: usize, amended: bool) -> String {
    let sectors = ["healthcare", "energy", "water", "finance", "telecom"];
    let effects = ["espionage", "disruption", "damage", "destruction"];
    let regions = ["europe", "asia", "americas"];
    let mut s = String::from(HEADER);
    for a in 0..actions {
        s.push_str(&format!(
            "action act_{a}(by: State, against: Asset, effect: Effect)\n"
        ));
    }
    for i in 0..500 {
        let mut level = i % effects.len();
        if amended && i % 10 == 0 {
            level = (level + 1) % effects.len();
        }
        let modality = if i % 2 == 0 { "forbid" } else { "permit" };
        s.push_str(&format!(
            "norm rule_{i} \"Generated rule {i}\" {{\n  \
               {modality} act_{}(by: s, against: a, effect: e)\n    \
               when a.critical and e >= {} and a.sector == {} and s.region != {}\n    \
               unless s.region == a.owner.region\n\
             }}\n",
            (i / 2) % actions,
            effects[level],
            sectors[(i / 2) % sectors.len()],
            regions[i % regions.len()],
        ));
    }
    s
}

fn diff_case(dir: &Path, actions: usize) {
    let (v1, v2) = (
        dir.join(format!("v1_{actions}")),
        dir.join(format!("v2_{actions}")),
    );
    std::fs::create_dir_all(&v1).expect("folder");
    std::fs::create_dir_all(&v2).expect("folder");
    std::fs::write(v1.join("text.norma"), text(actions, false)).expect("write");
    std::fs::write(v2.join("text.norma"), text(actions, true)).expect("write");
    let start = Instant::now();
    let load = |d: &PathBuf| {
        let s = driver::check_paths(&[d.join("text.norma")], &[]).expect("load");
        assert!(!s.has_errors(), "the generated text checks clean");
        s
    };
    let (s1, s2) = (load(&v1), load(&v2));
    let entry = |s: &driver::Session| {
        vec![ModuleId(
            s.program
                .modules
                .iter()
                .position(|m| m.is_entry)
                .expect("entry") as u32,
        )]
    };
    let (e1, e2) = (entry(&s1), entry(&s2));
    let (r1, r2) = (
        Replayer {
            dir: v1.clone(),
            includes: vec![v1.clone()],
            documents: Vec::new(),
        },
        Replayer {
            dir: v2.clone(),
            includes: vec![v2.clone()],
            documents: Vec::new(),
        },
    );
    let d = diff::diff(
        &VersionInput {
            program: &s1.program,
            entries: &e1,
            replayer: &r1,
        },
        &VersionInput {
            program: &s2.program,
            entries: &e2,
            replayer: &r2,
        },
        &CompareOptions::default(),
    );
    let secs = start.elapsed().as_secs_f64();
    assert!(d.failures.is_empty(), "{:?}", d.failures.first());
    let count = |st: Status| d.norms.iter().filter(|n| n.status == st).count();
    println!(
        "diff 500 norms on {actions} action(s), 50 changed: {secs:.2} s — {} stricter, {} looser, \
         {} changed, {} unchanged, {} not analysed; peak RSS {:.0} MB (target 10 s)",
        count(Status::Stricter),
        count(Status::Looser),
        count(Status::Changed),
        count(Status::Unchanged),
        d.not_analysed.len(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );
}

fn main() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("norma-bench-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");

    // 1. check --deep of the standard library, as `norma check --deep stdlib-norms`.
    let start = Instant::now();
    let s = driver::check_paths(&[PathBuf::from("stdlib-norms")], &[]).expect("standard library");
    let replayer = Replayer {
        dir: PathBuf::from("stdlib-norms"),
        includes: vec![PathBuf::from("stdlib-norms")],
        documents: Vec::new(),
    };
    let deep = lint::deep(&s.program, &CompareOptions::default(), &replayer);
    println!(
        "check --deep stdlib-norms: {:.2} s, {} lints, {} undecided (target 1 s)",
        start.elapsed().as_secs_f64(),
        deep.diagnostics.len(),
        deep.undecided.len()
    );

    // 2. diff, both shapes.
    diff_case(&dir, 50);
    diff_case(&dir, 1);
    let _ = std::fs::remove_dir_all(&dir);
}
