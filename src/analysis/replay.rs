//! Replaying a witness: check it as a file of its own (with the texts'
//! folders as `-I`), judge its report with the evaluator of §7, and
//! check its `expect` lines — what `norma test` does. The analysis calls
//! this before it shows any witness.
//!
//! The texts a witness `use`s are read from disk, or, for the language
//! server, from its open buffers ([`Replayer::documents`]): a buffer may
//! be unsaved, or differ from its file, and the witness must replay
//! against the text that was analysed.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::driver;
use crate::eval;
use crate::model::ReportId;

/// Where witnesses are replayed from.
#[derive(Clone, Debug)]
pub struct Replayer {
    /// The folder a witness is taken to live in (its `use` lines resolve
    /// from here first).
    pub dir: PathBuf,
    /// The `-I` folders of the replay: those of the command line and the
    /// folders of the texts' files.
    pub includes: Vec<PathBuf>,
    /// Texts `(path, text)` read in place of those files by a witness's
    /// `use` (the editor's open documents); empty on the command line.
    pub documents: Vec<(PathBuf, String)>,
}

impl Replayer {
    /// Replay many witnesses `(report name, text)` at once: their `use`
    /// lines merged and their reports checked as one file, then judged in
    /// parallel. A witness that fails there (or a batch that does not
    /// check) is replayed alone, which gives its own reason.
    pub fn replay_all(&self, witnesses: &[(String, String)]) -> Vec<Result<(), String>> {
        if witnesses.len() < 2 {
            return witnesses.iter().map(|(r, t)| self.replay(r, t)).collect();
        }
        let session = self.check_together(witnesses);
        let batch_ok = session.is_some();
        let empty = crate::model::Program::default();
        let program = session.as_ref().map_or(&empty, |s| &s.program);
        witnesses
            .par_iter()
            .map(|(report, text)| {
                let id = program
                    .reports
                    .iter()
                    .position(|r| r.name == *report)
                    .map(|i| ReportId(i as u32));
                let passed = batch_ok
                    && id.is_some_and(|id| {
                        let findings = eval::evaluate(program, id);
                        let results = eval::check_expectations(program, id, &findings);
                        !results.is_empty() && results.iter().all(|r| r.passed)
                    });
                if passed {
                    Ok(())
                } else {
                    self.replay(report, text)
                }
            })
            .collect()
    }

    /// Many witnesses `(report name, text)` checked as one file, their
    /// `use` lines merged: the session if it checks clean.
    pub fn check_together(&self, witnesses: &[(String, String)]) -> Option<driver::Session> {
        if witnesses.is_empty() {
            return None;
        }
        let mut uses: Vec<&str> = Vec::new();
        let mut bodies = String::new();
        for (_, text) in witnesses {
            let body = text.find("\nreport ").map_or("", |i| &text[i + 1..]);
            for line in text.lines().filter(|l| l.starts_with("use ")) {
                if !uses.contains(&line) {
                    uses.push(line);
                }
            }
            bodies.push_str(body);
            bodies.push('\n');
        }
        let combined = format!("{}\n\n{bodies}", uses.join("\n"));
        let session = self.check_file("witnesses", combined);
        (!session.has_errors()).then_some(session)
    }

    /// Check `text` as the file `NAME.norma` of the replay folder.
    fn check_file(&self, name: &str, text: String) -> driver::Session {
        let path = self.dir.join(format!("{name}.norma"));
        driver::check_texts_over(
            vec![(path.display().to_string(), self.dir.clone(), text)],
            self.documents.clone(),
            &self.includes,
        )
    }

    /// Check `text` as the file `REPORT.norma`: the session, or the errors.
    pub fn check(&self, report: &str, text: &str) -> Result<driver::Session, String> {
        let session = self.check_file(report, text.to_string());
        let errors: Vec<String> = session
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect();
        if errors.is_empty() {
            Ok(session)
        } else {
            Err(format!("it does not check: {}", errors.join("; ")))
        }
    }

    /// Check and evaluate `text` as the file `REPORT.norma`; `Ok` when it
    /// checks clean and every `expect` holds.
    pub fn replay(&self, report: &str, text: &str) -> Result<(), String> {
        let session = self.check(report, text)?;
        let program = &session.program;
        let Some(id) = program
            .reports
            .iter()
            .position(|r| r.name == report)
            .map(|i| ReportId(i as u32))
        else {
            return Err(format!("it has no report `{report}`"));
        };
        let findings = eval::evaluate(program, id);
        let results = eval::check_expectations(program, id, &findings);
        if results.is_empty() {
            return Err("it has no expectation".into());
        }
        let failed: Vec<String> = results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| {
                let found = if r.found.is_empty() {
                    "nothing".to_string()
                } else {
                    r.found.join(", ")
                };
                format!("`{}` failed (found: {found})", r.text)
            })
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(failed.join("; "))
        }
    }
}
