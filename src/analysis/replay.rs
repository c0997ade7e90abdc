//! Replaying a witness: check it as a file of its own (with the texts'
//! folders as `-I`), judge its report with the evaluator of §7, and
//! check its `expect` lines — what `norma test` does. The analysis calls
//! this before it shows any witness.

use std::path::PathBuf;

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
}

impl Replayer {
    /// Check and evaluate `text` as the file `REPORT.norma`; `Ok` when it
    /// checks clean and every `expect` holds.
    pub fn replay(&self, report: &str, text: &str) -> Result<(), String> {
        let name = self.dir.join(format!("{report}.norma"));
        let session = driver::check_texts(
            vec![(
                name.display().to_string(),
                self.dir.clone(),
                text.to_string(),
            )],
            &self.includes,
        );
        let errors: Vec<String> = session
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect();
        if !errors.is_empty() {
            return Err(format!("it does not check: {}", errors.join("; ")));
        }
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
