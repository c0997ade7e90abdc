//! `norma graph` drawn by real renderers: its DOT by Graphviz's `dot`,
//! its Mermaid by Mermaid's own command-line renderer (`mmdc` of
//! `@mermaid-js/mermaid-cli`, pinned in `tests/render/package.json`,
//! driving Debian's Chromium). A renderer that rejects the output, or
//! only warns about it, fails the test; so does a missing renderer, with
//! the command that installs it (`.ci/run` installs both).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::norma;

/// The inputs drawn: the two treaties and the incidents that use them
/// (the conflict between the pact and the secrecy agreement, and the
/// literate GGE text), and the WannaCry report with the standard library.
const CASES: &[(&str, &[&str])] = &[
    ("treaties", &["examples/treaties/"]),
    ("treaties_conflicts", &["examples/treaties/", "--conflicts"]),
    ("treaties_all", &["examples/treaties/", "--all"]),
    ("wannacry", &["examples/wannacry_2017.norma"]),
];

fn graph(format: &str, args: &[&str]) -> String {
    let mut full = vec!["graph", "--format", format];
    full.extend_from_slice(args);
    let (code, out, err) = norma(&full);
    assert_eq!(code, 0, "norma {}: {err}", full.join(" "));
    assert!(err.is_empty(), "norma {}: {err}", full.join(" "));
    out
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("norma-render-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn graphviz_draws_every_dot_graph() {
    let found = Command::new("dot").arg("-V").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "Graphviz's `dot` is needed to test `norma graph --format dot`: \
         install it with `apt-get install -y graphviz` (.ci/run does)"
    );
    for (name, args) in CASES {
        let text = graph("dot", args);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot starts");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(text.as_bytes()).expect("write to dot");
        }
        let out = child.wait_with_output().expect("dot runs");
        let svg = String::from_utf8_lossy(&out.stdout);
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "dot rejected {name}: {warnings}\n{text}"
        );
        assert!(
            warnings.is_empty(),
            "dot warned on {name}: {warnings}\n{text}"
        );
        assert!(svg.contains("<svg"), "{name}: {svg}");
        // Every module is a cluster, drawn with its name.
        assert!(svg.contains("<title>cluster_"), "{name}: no cluster");
        assert!(svg.contains("&gt;std::core&lt;") || svg.contains(">std::core<"));
        if *name == "treaties_conflicts" {
            assert!(svg.contains(">duty_forbid<"), "{svg}");
            assert!(
                svg.contains("stroke-dasharray"),
                "the conflict is dashed: {svg}"
            );
        } else {
            assert!(!svg.contains("duty_forbid"), "{name}");
        }
    }
}

/// Mermaid's renderer and the Chromium it drives, or why they are missing.
fn mermaid_renderer() -> Result<(PathBuf, PathBuf), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/render");
    let mmdc = dir.join("node_modules/.bin/mmdc");
    let config = dir.join("puppeteer.json");
    let install = "install it with `apt-get install -y chromium nodejs npm && \
                   PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/render` (.ci/run does)";
    if !Path::new("/usr/bin/chromium").exists() {
        return Err(format!(
            "Debian's Chromium is needed by Mermaid's renderer: {install}"
        ));
    }
    if !mmdc.exists() {
        return Err(format!(
            "Mermaid's renderer (`{}`) is needed to test `norma graph --format mermaid`: {install}",
            mmdc.display()
        ));
    }
    Ok((mmdc, config))
}

#[test]
fn mermaid_draws_every_mermaid_graph() {
    let (mmdc, config) = mermaid_renderer().unwrap_or_else(|e| panic!("{e}"));
    let dir = workdir("mermaid");
    // One Markdown file with a block per graph: one browser for all.
    let mut markdown = String::new();
    for (name, args) in CASES {
        markdown.push_str(&format!(
            "# {name}\n\n```mermaid\n{}```\n\n",
            graph("mermaid", args)
        ));
    }
    let input = dir.join("graphs.md");
    std::fs::write(&input, &markdown).expect("write");
    let output = dir.join("drawn.md");
    let out = Command::new(&mmdc)
        .arg("--puppeteerConfigFile")
        .arg(&config)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .arg("--outputFormat")
        .arg("svg")
        .output()
        .expect("mmdc runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "Mermaid rejected a graph: {log}\n{markdown}"
    );
    for (n, (name, _)) in CASES.iter().enumerate() {
        let svg_path = dir.join(format!("drawn-{}.svg", n + 1));
        let svg = std::fs::read_to_string(&svg_path)
            .unwrap_or_else(|e| panic!("{name}: no drawing {}: {e}\n{log}", svg_path.display()));
        assert!(svg.contains("<svg"), "{name}");
        assert!(!svg.contains("Syntax error"), "{name}: {svg}");
        // Each module is a subgraph, drawn with its name.
        assert!(svg.contains("std::core"), "{name}");
        if *name == "treaties_conflicts" {
            assert!(svg.contains("duty_forbid"), "{svg}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
