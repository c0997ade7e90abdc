//! Every diagnostic code has a case under tests/diagnostics/: a file (or a
//! folder with `main.norma`) named after the code it must produce. Each
//! case is snapshotted twice, human (colour off) and JSON.

use std::path::{Path, PathBuf};

use norma::diagnostics::{diagnostics_json, render_human, Code};

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("tests/diagnostics")
        .expect("tests/diagnostics exists")
        .map(|e| e.expect("readable entry").path())
        .collect();
    out.sort();
    out
}

fn source_of(path: &Path) -> (PathBuf, String) {
    if path.is_dir() {
        let mut text = String::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("readable case folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for f in files {
            text.push_str(&format!("// {}\n", f.display()));
            text.push_str(&std::fs::read_to_string(&f).expect("utf-8 case"));
        }
        (path.join("main.norma"), text)
    } else {
        (
            path.to_path_buf(),
            std::fs::read_to_string(path).expect("utf-8 case"),
        )
    }
}

#[test]
fn every_case_produces_its_code_and_matches_its_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/diagnostics");
    let _guard = settings.bind_to_scope();
    for case in cases() {
        let name = case
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("case name")
            .to_string();
        let code = &name[..5];
        let (entry, source) = source_of(&case);
        let mut session = norma::driver::check_paths(&[entry], &[]).expect("case loads");
        // W0006–W0009 come from `norma check --deep`.
        if ["W0006", "W0007", "W0008", "W0009"].contains(&code) {
            let replayer = norma::analysis::replay::Replayer {
                dir: PathBuf::from("tests/diagnostics"),
                includes: vec![PathBuf::from("tests/diagnostics")],
                documents: Vec::new(),
            };
            let deep = norma::analysis::lint::deep(
                &session.program,
                &norma::analysis::CompareOptions::default(),
                &replayer,
            );
            assert!(deep.undecided.is_empty(), "{name}: {:?}", deep.undecided);
            session.diagnostics.extend(deep.diagnostics);
        }
        let codes: Vec<&str> = session
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            codes.contains(&code),
            "{name}: expected {code}, got {codes:?}"
        );
        let human = render_human(&session.sources, &session.diagnostics, false);
        insta::assert_snapshot!(
            format!("{name}.human"),
            format!("----- SOURCE CODE\n{source}\n----- ERROR\n{human}")
        );
        let json = diagnostics_json(&session.sources, &session.diagnostics);
        insta::assert_snapshot!(
            format!("{name}.json"),
            serde_json::to_string_pretty(&json).expect("json")
        );
    }
}

#[test]
fn every_code_has_a_case() {
    let names: Vec<String> = cases()
        .iter()
        .filter_map(|c| c.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    for code in Code::ALL {
        assert!(
            names.iter().any(|n| n.starts_with(code.as_str())),
            "no test case for {code}"
        );
    }
}
