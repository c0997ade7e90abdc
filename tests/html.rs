//! `norma doc` and the HTML reports, read as files and in a real browser:
//! Debian's Chromium, driven headless by puppeteer (`render/browse.mjs`,
//! pinned with axe-core in `render/package.json`; `.ci/run` installs
//! both). Every page must load with no console error and no network
//! request, every internal link must resolve, the search box must find a
//! norm by a word of its title, the module graphs must be drawn, and
//! axe-core must find no serious or critical accessibility violation. A
//! screenshot of each kind of page is left under `target/tmp/html-screenshots/`.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::norma;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("norma-html-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn doc(args: &[&str], out: &Path) -> (i32, String, String) {
    let mut full = vec!["doc"];
    full.extend_from_slice(args);
    let out = out.to_str().expect("utf-8 temp path");
    full.extend_from_slice(&["-o", out]);
    norma(&full)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn doc_writes_a_page_per_module_with_stable_anchors() {
    let dir = workdir("pages");
    let (code, out, err) = doc(&["stdlib-norms", "examples"], &dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("index.html"), "{err}");
    // A literate and a plain encoding of one text, both named gge2015,
    // each get their page; the embedded std::gge2015 one of its own.
    for page in [
        "gge2015.html",
        "gge2015-2.html",
        "std.gge2015.html",
        "index.html",
    ] {
        assert!(dir.join(page).exists(), "{page} missing");
    }
    let literate = [
        read(&dir.join("gge2015.html")),
        read(&dir.join("gge2015-2.html")),
    ]
    .into_iter()
    .find(|t| t.contains("gge2015.norma.md"))
    .expect("the literate module's page");
    // The literate prose is rendered, the norm has its anchor and card,
    // and its code's names link to their declarations.
    assert!(literate.contains("<blockquote>"), "prose quoted");
    assert!(literate.contains(r#"id="norm-p13_b""#));
    assert!(literate.contains(r#"href="std.core.html#action-attribute""#));
    let esc = read(&dir.join("std.escalation.html"));
    // A red line's response links to the ladder's enum; the ladder lists
    // the red line under its rung.
    assert!(esc.contains("Response.countermeasures"), "response shown");
    let index = read(&dir.join("index.html"));
    assert!(index.contains("Escalation ladder"));
    assert!(index.contains("std.escalation.html#norm-healthcare_disruption"));
    // An exception nested under its norm, linking to its declaration.
    let cm = read(&dir.join("countermeasures.html"));
    assert!(cm.contains("class=\"exc\""), "exceptions nested");
    assert!(read(&dir.join("search.js")).contains("healthcare_disruption"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doc_shows_the_consequences_of_a_breach_both_ways() {
    let dir = workdir("breach");
    let (code, out, err) = doc(&["tests/eval/breach.norma"], &dir);
    assert_eq!(code, 0, "{out}{err}");
    let page = read(&dir.join("breach.html"));
    // `make_good` is triggered by a breach of `no_strike`: its card says
    // so, and `no_strike`'s card lists it among its consequences.
    assert!(
        page.contains(r##"<dt>On breach of</dt><dd><a href="#norm-no_strike">"##),
        "{page}"
    );
    let no_strike = page
        .split(r#"id="norm-no_strike""#)
        .nth(1)
        .and_then(|rest| rest.split("</article>").next())
        .expect("no_strike's card");
    assert!(no_strike.contains("<dt>Consequences</dt>"), "{no_strike}");
    assert!(no_strike.contains("#norm-make_good"), "{no_strike}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doc_refuses_a_rule_set_with_errors() {
    let dir = workdir("errors");
    let src = dir.join("bad.norma");
    std::fs::write(&src, "norm n { forbid nothing(); }\n").expect("write");
    let site = dir.join("site");
    let (code, _, err) = doc(&[src.to_str().expect("utf-8")], &site);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("E0201"), "{err}");
    assert!(!site.exists(), "nothing written for a text with errors");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doc_reports_a_folder_it_cannot_write() {
    let dir = workdir("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "").expect("write");
    // A folder inside a plain file cannot be created.
    let (code, _, err) = doc(&["examples/treaties"], &file.join("site"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot create"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

const PACT: &str = "examples/treaties/sharing_pact.norma";
const SECRECY: &str = "examples/treaties/regional_secrecy.norma";
const PACT_2027: &str = "examples/treaties/sharing_pact_2027.norma";
const WANNACRY: &str = "examples/wannacry_2017.norma";

/// The HTML reports of the treaty examples: name, command, exit code.
const REPORTS: &[(&str, &[&str], i32)] = &[
    ("eval", &["eval", WANNACRY, "--format", "html"], 1),
    (
        "explain",
        &[
            "explain",
            WANNACRY,
            "--report",
            "wannacry_2017",
            "--event",
            "worm",
            "--format",
            "html",
        ],
        0,
    ),
    (
        "compare",
        &["compare", PACT, SECRECY, "--format", "html"],
        1,
    ),
    ("diff", &["diff", PACT, PACT_2027, "--format", "html"], 0),
];

#[test]
fn html_reports_are_one_self_contained_file_each() {
    for (name, args, code) in REPORTS {
        let (got, out, err) = norma(args);
        assert_eq!(got, *code, "{name}: {err}");
        assert!(out.starts_with("<!DOCTYPE html>"), "{name}");
        // Nothing fetched: the style inline, no script, no outside source.
        assert!(out.contains("<style>"), "{name}");
        for banned in ["<script", "<link", "src=\"http", "@import", "url(http"] {
            assert!(!out.contains(banned), "{name} has {banned}");
        }
    }
    let (_, compare, _) = norma(REPORTS[2].1);
    // The two norms side by side, the witness as a timeline with the
    // deciding event marked, and the command that replays it.
    assert!(compare.contains("class=\"side\""));
    assert!(compare.contains("share_with_victim") && compare.contains("keep_data_in_region"));
    assert!(compare.contains("<mark class=\"decisive\">"));
    assert!(compare.contains("norma test witnesses -I examples/treaties"));
    // The facts that decide it highlighted, and said in words too: the
    // sharing State is European (what the forbid reads), not only coloured.
    assert!(
        compare.contains(
            "<mark class=\"deciding\"><span class=\"vh\">deciding fact: </span>▸ region <code>europe</code></mark>"
        ),
        "{compare}"
    );
    assert!(compare.contains("// The facts that decide it"), "{compare}");
    let (_, diff, _) = norma(REPORTS[3].1);
    // 72 hours became 24: the old words struck, the new ones marked.
    assert!(
        diff.contains("<del>72h</del>") || diff.contains("<del>72h"),
        "{diff}"
    );
    assert!(diff.contains("<ins>24h"), "{diff}");
    assert!(diff.contains("label stricter") && diff.contains("label looser"));
    assert!(diff.contains("under the old version") && diff.contains("under the new version"));
    // Each scenario with its deciding facts highlighted, and how to replay it.
    assert!(diff.contains("<mark class=\"deciding\">"), "{diff}");
    assert!(
        diff.contains("norma test witness.norma -I examples/treaties"),
        "{diff}"
    );
    let (_, eval, _) = norma(REPORTS[0].1);
    // Findings grouped by event, each event's explanation one click away.
    assert!(eval.contains("Event <code>worm</code>"));
    assert!(eval.contains("<details>") && eval.contains("healthcare_disruption"));
    let (_, explain, _) = norma(REPORTS[1].1);
    assert!(explain.contains("Every norm that touched the event"));
    // Each condition with the facts of the report it reads, highlighted.
    assert!(
        explain.contains("▸ <code>worm.effect = disruption</code></mark>"),
        "{explain}"
    );
}

#[test]
fn html_reports_write_errors_for_a_person() {
    let (code, out, err) = norma(&["eval", "no-such-file.norma", "--format", "html"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(!err.is_empty());
    let (code, _, err) = norma(&[
        "explain", WANNACRY, "--report", "nope", "--event", "worm", "--format", "html",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no report named `nope`"), "{err}");
}

/// The browser and its driver, or why they are missing.
fn browser() -> Result<PathBuf, String> {
    let dir = root().join("tests/render");
    let install = "install them with `apt-get install -y chromium nodejs npm && \
                   PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/render` (.ci/run does)";
    if !Path::new("/usr/bin/chromium").exists() {
        return Err(format!("Debian's Chromium is needed: {install}"));
    }
    for m in ["puppeteer", "axe-core"] {
        if !dir.join("node_modules").join(m).exists() {
            return Err(format!("{m} (npm) is needed: {install}"));
        }
    }
    Ok(dir.join("browse.mjs"))
}

fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("site")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn site_and_reports_pass_in_chromium() {
    let script = browser().unwrap_or_else(|e| panic!("{e}"));
    let dir = workdir("browser");
    let site = dir.join("site");
    let (code, out, err) = doc(&["stdlib-norms", "examples"], &site);
    assert_eq!(code, 0, "{out}{err}");
    let mut pages = html_pages(&site);
    assert!(pages.len() > 20, "{pages:?}");
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).expect("reports dir");
    for (name, args, _) in REPORTS {
        let (_, out, err) = norma(args);
        assert!(out.starts_with("<!DOCTYPE html>"), "{name}: {err}");
        let path = reports.join(format!("{name}.html"));
        std::fs::write(&path, out).expect("write report");
        pages.push(path);
    }
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-screenshots");
    let spec = serde_json::json!({
        "root": dir,
        "pages": pages,
        "svg": [site.join("std.escalation.html"), site.join("std.gge2015.html"), site.join("sharing_pact.html")],
        "search": {
            "page": site.join("index.html"),
            "query": "health care",
            "expect": "std.escalation.html#norm-healthcare_disruption",
        },
        "screenshots": {
            "dir": shots,
            "pages": {
                "doc-index": site.join("index.html"),
                "doc-plain-module": site.join("std.escalation.html"),
                "doc-literate-module": site.join("gge2015.html"),
                "report-eval": reports.join("eval.html"),
                "report-explain": reports.join("explain.html"),
                "report-compare": reports.join("compare.html"),
                "report-diff": reports.join("diff.html"),
            },
        },
    });
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).expect("write spec");
    let run = Command::new("node")
        .arg(&script)
        .arg(&spec_path)
        .output()
        .expect("node runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "in Chromium:\n{log}");
    assert!(shots.join("doc-index.png").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
