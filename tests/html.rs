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
    let pages = html_pages(&site);
    assert!(pages.len() > 20, "{pages:?}");
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
