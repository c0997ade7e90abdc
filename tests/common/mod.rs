//! Helpers shared by the integration tests: running the binary, a big
//! stack, the repository's `.norma` files, and seeded random mutations.
// Each test binary uses its own subset of these.
#![allow(dead_code)]

pub mod textgen;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Run the built `norma` with colour off: (exit code, stdout, stderr).
pub fn norma(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("norma runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run on a big stack, as the binary does.
pub fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

/// Every `.norma` file below `dir`, in sorted order.
pub fn norma_files_under(dir: &str) -> Vec<PathBuf> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        let mut children: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for c in children {
            if c.is_dir() {
                walk(&c, out);
            } else if c.extension().is_some_and(|x| x == "norma") {
                out.push(c);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(dir), &mut out);
    out
}

/// Every `.norma` file below the folders, with its text.
pub fn norma_texts(dirs: &[&str]) -> Vec<(PathBuf, String)> {
    dirs.iter()
        .flat_map(|d| norma_files_under(d))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable .norma file");
            (p, text)
        })
        .collect()
}

/// Seeded random edits (xorshift), drawn from characters that matter to
/// the grammar: deterministic, so a failure reproduces.
pub struct Mutator {
    seed: u64,
}

impl Mutator {
    const ALPHABET: &'static str = "(){}<>=!.,:;?\"/ \nabcxyz019_-+notandorwhenforbid";

    pub fn new(seed: u64) -> Mutator {
        Mutator { seed }
    }

    fn next(&mut self) -> u64 {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        self.seed
    }

    /// `text` with 1 to `max_edits` characters deleted, inserted or replaced.
    pub fn mutate(&mut self, text: &str, max_edits: u64) -> String {
        let alphabet: Vec<char> = Self::ALPHABET.chars().collect();
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..(1 + self.next() % max_edits) {
            if chars.is_empty() {
                break;
            }
            let pos = (self.next() % chars.len() as u64) as usize;
            let c = alphabet[(self.next() % alphabet.len() as u64) as usize];
            match self.next() % 3 {
                0 => {
                    chars.remove(pos);
                }
                1 => chars.insert(pos, c),
                _ => chars[pos] = c,
            }
        }
        chars.into_iter().collect()
    }
}
