//! `norma import stix` and `norma eval --format stix`.
//!
//! Real data: the project's own bundle of WannaCry with the Incident Core
//! Extension (`tests/stix/wannacry_2017.json`), judged against the
//! hand-written `examples/wannacry_2017.norma`; OASIS's example bundles
//! `apt1.json` and `poisonivy.json` (from the `stix2-validator` wheel,
//! which `.ci/run` fetches into `tests/stix/oasis/`); and the official
//! validator run on every bundle the tests write. Malformed input in
//! `stix_malformed.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use norma::model::Program;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One of OASIS's example bundles, or a failure that says how to get it.
fn oasis(name: &str) -> String {
    let path = root().join("tests/stix/oasis").join(name);
    if !path.exists() {
        panic!(
            "{} is missing: `.ci/run` fetches it from the pinned stix2-validator wheel on PyPI \
             (pip download --no-deps stix2-validator==3.3.2, then \
             stix2validator/schemas-2.1/examples/threat-reports/{name} into tests/stix/oasis/)",
            path.display()
        );
    }
    read(&path)
}

/// The official validator: the one `.ci/run` installs in
/// `tests/stix/.venv`, else one on the PATH, else a failure that says how.
fn validator() -> PathBuf {
    let venv = root().join("tests/stix/.venv/bin/stix2_validator");
    if venv.exists() {
        return venv;
    }
    let on_path = Command::new("stix2_validator").arg("--help").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return PathBuf::from("stix2_validator");
    }
    panic!(
        "stix2_validator is missing: `.ci/run` installs it (python3 -m venv tests/stix/.venv; \
         tests/stix/.venv/bin/pip install stix2-validator==3.3.2)"
    );
}

fn import(text: &str) -> String {
    match norma::stix::import(text) {
        Ok(i) => i.text,
        Err(e) => panic!("import failed: {e}"),
    }
}

/// The text on one line: a long event is laid out over several.
fn flat(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// The report checks without errors, and `norma fmt` leaves it as it is.
fn assert_checks_and_is_formatted(name: &str, text: &str) -> norma::driver::Session {
    let s = norma::driver::check_text(name, text);
    let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{text}");
    let formatted = norma::fmt::format_source(text).expect("the report parses");
    assert_eq!(formatted, text, "{name}: `norma fmt` changes the report");
    s
}

/// Every object id of the bundle is written in the report: in a doc
/// comment or in the list of what was not mapped.
fn assert_every_object_accounted_for(bundle: &str, text: &str) {
    let v: serde_json::Value = serde_json::from_str(bundle).expect("JSON");
    let objects = v["objects"].as_array().expect("objects");
    for o in objects {
        let id = o["id"].as_str().expect("id");
        assert!(text.contains(id), "{id} is neither mapped nor listed");
    }
}

/// (norm, event, kind) of every finding of every report.
fn findings(p: &Program) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for rf in norma::eval::evaluate_all(p) {
        let report = p.report(rf.report);
        for f in &rf.findings {
            let event = report
                .events
                .get(f.event.index())
                .map_or("?".to_string(), |e| e.name.clone());
            out.insert((
                p.norm(f.norm).qualified.clone(),
                event,
                f.kind.as_str().to_string(),
            ));
        }
    }
    out
}

fn wannacry_import() -> String {
    import(&read(&root().join("tests/stix/wannacry_2017.json")))
}

/// Imported event → the hand-written example's event: the facts both state.
const SHARED_EVENTS: [(&str, &str); 3] = [
    ("wannacry", "worm"),
    ("gb_attribution", "uk_attribution"),
    ("us_attribution", "us_attribution"),
];

fn on_shared_events(
    set: &BTreeSet<(String, String, String)>,
    imported: bool,
) -> BTreeSet<(String, String, String)> {
    set.iter()
        .filter_map(|(n, e, k)| {
            let pair = SHARED_EVENTS
                .iter()
                .find(|(i, x)| if imported { i == e } else { x == e })?;
            Some((n.clone(), pair.1.to_string(), k.clone()))
        })
        .collect()
}

#[test]
fn wannacry_bundle_imports_as_a_formatted_report_that_checks() {
    let bundle = read(&root().join("tests/stix/wannacry_2017.json"));
    let text = wannacry_import();
    assert_checks_and_is_formatted("wannacry_import.norma", &text);
    assert_every_object_accounted_for(&bundle, &text);
    for line in [
        "entity KP: State { region: asia_pacific, un_member: ?, osce: ?, paris_call: ? }",
        "entity nhs_england: Asset { sector: healthcare, owner: GB, critical: ? }",
        "event wannacry: operate(by: KP, against: nhs_england, effect: disruption, intent: ?) at 2017-05-12 .. 2017-05-12T23:59:59Z",
        "event gb_attribution: attribute(by: GB, about: wannacry, blamed: KP) at 2017-10-27",
        "event us_attribution: attribute(by: US, about: wannacry, blamed: KP) at 2017-12-19",
        // The day's fidelity: the whole day.
        "/// time: the span of its events",
        "/// STIX incident--e2fea56e-7d44-444b-b404-a320439dd963 \"WannaCry\"",
        "impact impact--b4f9030e-00ae-41ff-9d70-4f7bb108de37 availability 30 → disruption",
        "attributed-to, confidence 95",
    ] {
        assert!(flat(&text).contains(line), "missing: {line}\n{text}");
    }
}

/// The import, judged, gives the hand-written example's findings on the
/// events both state — once the facts the bundle leaves `?` are filled in
/// from the example — and, as imported, the same findings or `possible`
/// where a `?` leaves the verdict open.
#[test]
fn wannacry_import_judged_gives_the_examples_findings() {
    let example = norma::driver::check_paths(&[root().join("examples/wannacry_2017.norma")], &[])
        .expect("the example loads");
    assert!(!example.has_errors());
    let expected = on_shared_events(&findings(&example.program), false);
    assert!(!expected.is_empty());
    // The import uses every standard module; the example some of them:
    // the findings compared are those of the norms in force for both.
    let example_norms: BTreeSet<String> = example
        .program
        .norms
        .iter()
        .map(|n| n.qualified.clone())
        .collect();
    let in_both = |set: BTreeSet<(String, String, String)>| -> BTreeSet<(String, String, String)> {
        set.into_iter()
            .filter(|(n, _, _)| example_norms.contains(n))
            .collect()
    };

    let text = wannacry_import();
    // The facts the example states and STIX cannot: intent, membership
    // of the texts, whether the NHS is critical infrastructure, the hour.
    let filled = text
        .replace("intent: ?", "intent: reckless")
        .replace(
            "KP: State { region: asia_pacific, un_member: ?, osce: ?, paris_call: ? }",
            "KP: State { region: asia_pacific, un_member: true, osce: false, paris_call: false }",
        )
        .replace(
            "GB: State { region: europe, un_member: ?, osce: ?, paris_call: ? }",
            "GB: State { region: europe, un_member: true, osce: true, paris_call: true }",
        )
        .replace(
            "US: State { region: americas, un_member: ?, osce: ?, paris_call: ? }",
            "US: State { region: americas, un_member: true, osce: true, paris_call: false }",
        )
        .replace("critical: ?", "critical: true")
        // The example dates the worm to the day: the bundle too, as the
        // whole day (its fidelity); the example reads it as its start.
        .replace("at 2017-05-12 .. 2017-05-12T23:59:59Z", "at 2017-05-12");
    assert!(!filled.contains(": ?"), "a `?` left: {filled}");
    let filled = norma::driver::check_text("wannacry_filled.norma", &filled);
    assert!(!filled.has_errors());
    assert_eq!(
        in_both(on_shared_events(&findings(&filled.program), true)),
        expected
    );

    let imported = norma::driver::check_text("wannacry_import.norma", &text);
    let got = in_both(on_shared_events(&findings(&imported.program), true));
    for (norm, event, kind) in &got {
        let same = expected.contains(&(norm.clone(), event.clone(), kind.clone()));
        assert!(
            same || kind == "possible",
            "{kind} {norm} at {event}: not a finding of the example, nor `possible`"
        );
    }
    // Every finding of the example is there, or left open as `possible`.
    for (norm, event, kind) in &expected {
        let open = got.contains(&(norm.clone(), event.clone(), "possible".to_string()));
        let same = got.contains(&(norm.clone(), event.clone(), kind.clone()));
        assert!(
            same || open,
            "{kind} {norm} at {event} is lost in the import"
        );
    }
    // The red line the example finds crossed stays in view: intent is
    // never in STIX, so the import leaves it open.
    assert!(got.contains(&(
        "std::escalation::healthcare_disruption".into(),
        "worm".into(),
        "possible".into()
    )));
}

#[test]
fn oasis_examples_import_as_formatted_reports_that_check() {
    for name in ["apt1.json", "poisonivy.json"] {
        let bundle = oasis(name);
        let text = import(&bundle);
        assert_checks_and_is_formatted(name, &text);
        assert_every_object_accounted_for(&bundle, &text);
        assert!(text.contains("use std::core;") && text.contains("use std::gge2015;"));
    }
    // APT1 names a nation-state intrusion set but no act and no country:
    // no event, and the groups are listed with why.
    let apt1 = import(&oasis("apt1.json"));
    assert!(apt1.contains("intrusion-set--da1065ce-972c-4605-8755-9cd1074e3b5a: intrusion-set: a State's agent (nation-state)"));
    assert!(!apt1.contains("  event "));
    // Poison Ivy's campaigns are acts by no one the bundle names, from
    // their first sighting.
    let ivy = import(&oasis("poisonivy.json"));
    assert!(ivy.contains(
        "event admin_338: operate(by: ?, against: ?, effect: ?, intent: ?) at 2008-01-07 .. ?"
    ));
    assert!(ivy.contains("/// by: ? — the bundle attributes it to no one"));
}

fn run_norma(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .expect("norma runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("norma-stix-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn validate(bundle: &Path) {
    let out = Command::new(validator())
        .arg(bundle)
        .output()
        .expect("stix2_validator runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("STIX JSON: Valid"),
        "{} is not valid STIX 2.1:\n{stdout}{}",
        bundle.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `norma import stix -o`, then `norma eval --format stix` on the report:
/// the official validator accepts the bundle, and each note refers to the
/// STIX ids of the objects its event came from.
#[test]
fn findings_as_stix_are_valid_and_refer_to_the_imported_objects() {
    let dir = TempDir::new("eval");
    let report = dir.0.join("wannacry.norma");
    let bundle = root().join("tests/stix/wannacry_2017.json");
    let (code, _, stderr) = run_norma(&[
        "import",
        "stix",
        bundle.to_str().expect("path"),
        "-o",
        report.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("4 entities, 3 events, 2 objects not mapped"),
        "{stderr}"
    );
    let (code, stdout, stderr) =
        run_norma(&["eval", "--format", "stix", report.to_str().expect("path")]);
    assert_eq!(code, 1, "findings that are problems exit 1: {stderr}");
    let out = dir.0.join("findings.json");
    std::fs::write(&out, &stdout).expect("write");
    validate(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let objects = v["objects"].as_array().expect("objects");
    let note = objects
        .iter()
        .find(|o| {
            o["type"] == "note"
                && o["abstract"] == "possible: std::escalation::healthcare_disruption at wannacry"
        })
        .expect("a note for the red line");
    let refs: Vec<&str> = note["object_refs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert!(
        refs.contains(&"incident--e2fea56e-7d44-444b-b404-a320439dd963"),
        "{refs:?}"
    );
    assert!(refs.iter().any(|r| r.starts_with("report--")));
    let content = note["content"].as_str().expect("content");
    assert!(
        content.contains("Source: UN GGE 2015, A/70/174 para 13(f)"),
        "{content}"
    );
    assert!(content.contains("Severity: critical"));
    // The same input, the same bundle (ids derived from what they name).
    let (_, again, _) = run_norma(&["eval", "--format", "stix", report.to_str().expect("path")]);
    assert_eq!(again, stdout);
}

/// Hand-written reports (no STIX ids) and the OASIS examples' imports give
/// valid bundles too; a report with no findings gives a bundle with only
/// norma's identity.
#[test]
fn every_bundle_eval_writes_is_valid() {
    let dir = TempDir::new("valid");
    let ivy = dir.0.join("poisonivy.norma");
    std::fs::write(&ivy, import(&oasis("poisonivy.json"))).expect("write");
    let apt1 = dir.0.join("apt1.norma");
    std::fs::write(&apt1, import(&oasis("apt1.json"))).expect("write");
    let notpetya = root().join("examples/notpetya_2017.norma");
    for (n, path) in [ivy, apt1, notpetya].iter().enumerate() {
        let (code, stdout, stderr) =
            run_norma(&["eval", "--format", "stix", path.to_str().expect("path")]);
        assert!(code == 0 || code == 1, "{stderr}");
        let out = dir.0.join(format!("out_{n}.json"));
        std::fs::write(&out, &stdout).expect("write");
        validate(&out);
    }
}
