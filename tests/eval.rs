//! The evaluator's rule tests are data: every `.norma` file under
//! tests/eval/ (but `common.norma`, which they share) must check without
//! errors, and every `expect` in it must pass — except in `must_fail.norma`,
//! where every one must fail, so that `norma test` is seen to catch a
//! wrong expectation.

use std::path::PathBuf;

use norma::driver;
use norma::eval::{check_expectations, evaluate, render_tests_human};
use norma::model::ReportId;

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("tests/eval")
        .expect("tests/eval exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "norma"))
        .filter(|p| !p.ends_with("common.norma"))
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_file_meets_its_expectations() {
    let cases = cases();
    assert!(cases.len() >= 7, "expected the rule files, found {cases:?}");
    for path in cases {
        let s = driver::check_paths(std::slice::from_ref(&path), &[]).expect("readable case");
        let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let must_fail = path.ends_with("must_fail.norma");
        let mut total = 0;
        for (i, r) in s.program.reports.iter().enumerate() {
            if !s.program.modules[r.module.index()].is_entry {
                continue;
            }
            let id = ReportId(i as u32);
            let findings = evaluate(&s.program, id);
            let results = check_expectations(&s.program, id, &findings);
            total += results.len();
            let wrong: Vec<_> = results.iter().filter(|x| x.passed == must_fail).collect();
            if !wrong.is_empty() {
                let owned: Vec<_> = wrong.into_iter().cloned().collect();
                panic!(
                    "{}:\n{}",
                    path.display(),
                    render_tests_human(&s.program, &s.sources, &owned, false)
                );
            }
        }
        assert!(total > 0, "{} has no expectations", path.display());
    }
}
