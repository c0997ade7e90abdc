//! Literate Norma: `.norma.md` files whose ```norma blocks are the code.
//! Every position is the Markdown file's own; prose is never touched.

#[path = "lsp/client.rs"]
mod client;
mod common;

use std::path::Path;

use serde_json::{json, Value};

use client::{position, uri_of, workdir, Client, Workdir};
use common::norma;

const TREATY: &str = r#"# The Hospital Treaty

Article 1. *No State shall disrupt a hospital of another State* — ever.

```norma
use std::core;
```

Read as: an operation against a foreign hospital, disruptive or worse.

```norma
norm no_hospitals "No disruption of foreign hospitals" {
  source "Hospital Treaty, art. 1"
  forbid operate(by: s, against: a, effect: e) when a.sector == healthcare
      and a.owner != s
      and e >= disruption
}
```

Done.
"#;

const INCIDENT: &str = r#"use std::core;
use treaty;

report clinic {
  entity A: State { region: europe, un_member: true, osce: true, paris_call: true }
  entity B: State { region: europe, un_member: true, osce: true, paris_call: true }
  entity h: Asset { sector: healthcare, owner: B, critical: true }
  event hit: operate(by: A, against: h, effect: damage, intent: deliberate) at 2020-01-01
  expect violation no_hospitals at hit
}
"#;

fn folder(name: &str, files: &[(&str, &str)]) -> Workdir {
    let dir = workdir(&format!("literate-{name}"));
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write");
    }
    dir
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).expect("JSON")
}

#[test]
fn blocks_after_prose_are_the_module_and_use_finds_it() {
    let dir = folder(
        "use",
        &[("treaty.norma.md", TREATY), ("incident.norma", INCIDENT)],
    );
    let (code, out, err) = norma(&["check", &path(&dir, "treaty.norma.md")]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = norma(&["test", &path(&dir, "incident.norma")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    // The finding points at the norm's true line in the Markdown.
    let (_, out, _) = norma(&["eval", "--format", "json", &path(&dir, "incident.norma")]);
    let finding = &json(&out)["reports"][0]["findings"][0];
    assert_eq!(finding["norm"], "treaty::no_hospitals");
    let norm_line = TREATY
        .lines()
        .position(|l| l.starts_with("norm "))
        .expect("norm");
    assert_eq!(
        finding["norm_span"]["range"]["start"]["line"], norm_line,
        "{finding}"
    );
    // explain and graph take literate files too.
    let (_, out, _) = norma(&[
        "explain",
        &path(&dir, "incident.norma"),
        "--report",
        "clinic",
        "--event",
        "hit",
    ]);
    assert!(out.contains("no_hospitals"), "{out}");
    let (code, out, _) = norma(&["graph", &path(&dir, "treaty.norma.md")]);
    assert_eq!(code, 0);
    assert!(out.contains("no_hospitals"), "{out}");
    // A folder holds literate modules too.
    let (code, out, _) = norma(&["test", &dir.display().to_string()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn diagnostics_point_at_the_markdown_line_and_column() {
    let broken = TREATY.replace("a.owner != s", "a.ownr != s");
    let dir = folder("positions", &[("t.norma.md", &broken)]);
    let (code, out, _) = norma(&["check", "--format", "json", &path(&dir, "t.norma.md")]);
    assert_eq!(code, 1);
    let d = &json(&out)["diagnostics"][0];
    assert_eq!(d["code"], "E0302", "{d}");
    let line = broken
        .lines()
        .position(|l| l.contains("a.ownr"))
        .expect("line");
    let col = broken
        .lines()
        .nth(line)
        .and_then(|l| l.find("ownr"))
        .expect("col");
    assert_eq!(d["range"]["start"]["line"], line);
    assert_eq!(d["range"]["start"]["character"], col);
}

#[test]
fn crlf_no_block_and_an_unterminated_fence() {
    let crlf = TREATY
        .replace('\n', "\r\n")
        .replace("a.owner != s", "a.ownr != s");
    let dir = folder(
        "shapes",
        &[
            ("crlf.norma.md", &crlf),
            ("empty.norma.md", "# Only prose\n\nNo code here.\n"),
            ("open.norma.md", "Prose.\n\n```norma\nuse std::core;\n"),
        ],
    );
    let (_, out, _) = norma(&["check", "--format", "json", &path(&dir, "crlf.norma.md")]);
    let d = &json(&out)["diagnostics"][0];
    let line = crlf
        .split("\r\n")
        .position(|l| l.contains("a.ownr"))
        .expect("line");
    assert_eq!(d["range"]["start"]["line"], line, "{d}");
    let (code, out, _) = norma(&["check", &path(&dir, "empty.norma.md")]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = norma(&["check", "--format", "json", &path(&dir, "open.norma.md")]);
    assert_eq!(code, 1);
    let d = &json(&out)["diagnostics"][0];
    assert_eq!(d["code"], "E0103");
    assert_eq!(d["range"]["start"]["line"], 2, "{d}");
    assert!(d["message"].as_str().unwrap_or("").contains("never closed"));
}

/// The info strings Markdown reads as `norma` (any case, blanks before
/// the word or the fence, tildes, more words after): every block is code,
/// so the treaty's norm judges the incident written in the last block.
#[test]
fn fences_are_read_as_markdown_reads_them() {
    let treaty = TREATY
        .replacen("```norma\nuse", "``` Norma\nuse", 1)
        .replacen("```norma\nnorm", "  ~~~NORMA hospitals, art. 1\nnorm", 1)
        .replacen("}\n```", "}\n  ~~~", 1);
    let md = format!(
        "{treaty}\n````text\n```norma\nnot code: an example inside a longer fence\n```\n````\n\n```norma\n{}```\n",
        INCIDENT
            .replace("use std::core;\n", "")
            .replace("use treaty;\n", "")
    );
    let dir = folder("fences", &[("t.norma.md", &md)]);
    let (code, out, err) = norma(&["test", &path(&dir, "t.norma.md")]);
    assert_eq!(code, 0, "{md}\n{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

/// A fence that is nearly ```` ```norma ```` is an error, never a file
/// with "no problems" whose code was silently skipped; the fix is offered.
#[test]
fn a_near_miss_fence_is_an_error_with_its_fix() {
    let md = TREATY.replacen("```norma\nnorm", "```norm\nnorm", 1);
    let dir = folder("near-miss", &[("t.norma.md", &md)]);
    let (code, out, _) = norma(&["check", "--format", "json", &path(&dir, "t.norma.md")]);
    assert_eq!(code, 1, "{out}");
    let d = &json(&out)["diagnostics"][0];
    assert_eq!(d["code"], "E0103", "{d}");
    let line = md.lines().position(|l| l == "```norm").expect("line");
    assert_eq!(d["range"]["start"]["line"], line, "{d}");
    assert_eq!(d["range"]["start"]["character"], 3, "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("`norm`, not `norma`"),
        "{d}"
    );
    assert_eq!(d["fix"]["replacement"], "norma", "{d}");
    assert_eq!(d["fix"]["range"]["start"], d["range"]["start"], "{d}");
}

#[test]
fn fmt_formats_the_blocks_and_leaves_every_byte_of_prose() {
    let messy = TREATY.replace(
        "  forbid operate(by: s, against: a, effect: e) when a.sector == healthcare\n      and a.owner != s\n      and e >= disruption\n",
        "  forbid   operate(by: s, against: a, effect: e)   when a.sector == healthcare and a.owner != s and e >= disruption ;\n",
    );
    let crlf = messy.replace('\n', "\r\n");
    let dir = folder(
        "fmt",
        &[
            ("t.norma.md", &messy),
            ("c.norma.md", &crlf),
            ("ok.norma.md", TREATY),
        ],
    );
    let (code, _, _) = norma(&["fmt", "--check", &path(&dir, "ok.norma.md")]);
    assert_eq!(code, 0);
    let (code, out, _) = norma(&[
        "fmt",
        "--check",
        "--color",
        "never",
        &path(&dir, "t.norma.md"),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("-  forbid   operate"), "{out}");
    let (code, _, _) = norma(&[
        "fmt",
        "--write",
        &path(&dir, "t.norma.md"),
        &path(&dir, "c.norma.md"),
    ]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(dir.join("t.norma.md")).expect("read");
    assert_eq!(written, TREATY);
    let written = std::fs::read_to_string(dir.join("c.norma.md")).expect("read");
    assert_eq!(written, TREATY.replace('\n', "\r\n"));
}

#[test]
fn a_module_in_both_forms_is_an_error_naming_both() {
    let dir = folder(
        "both",
        &[
            ("treaty.norma.md", TREATY),
            ("treaty.norma", "use std::core;\n"),
            ("incident.norma", INCIDENT),
        ],
    );
    let (code, out, _) = norma(&["check", "--color", "never", &path(&dir, "incident.norma")]);
    assert_eq!(code, 1);
    assert!(out.contains("E0203"), "{out}");
    assert!(
        out.contains("treaty.norma`") && out.contains("treaty.norma.md`"),
        "{out}"
    );
}

#[test]
fn the_language_server_reads_literate_documents() {
    let dir = folder("lsp", &[]);
    let treaty = dir.join("treaty.norma.md");
    let main = dir.join("main.norma");
    let broken = TREATY.replace("a.owner != s", "a.ownr != s");
    let mut c = Client::start(&dir);
    c.request("initialize", json!({"processId": null, "capabilities": {}}));
    c.notify("initialized", json!({}));
    c.open(&uri_of(&treaty), &broken);
    let diags = c.diagnostics(&uri_of(&treaty));
    assert_eq!(diags[0]["code"], "E0302", "{diags:?}");
    assert_eq!(diags[0]["range"]["start"], position(&broken, "ownr", 0, 0));
    c.open(&uri_of(&main), INCIDENT);
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri_of(&main)}, "position": position(INCIDENT, "no_hospitals", 0, 1)}),
    );
    assert_eq!(def["uri"], uri_of(&treaty), "{def}");
    assert_eq!(
        def["range"]["start"],
        position(&broken, "no_hospitals", 0, 0)
    );
    let outline = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri_of(&treaty)}}),
    );
    assert!(outline.to_string().contains("no_hospitals"), "{outline}");
    // Formatting a literate document changes its blocks only.
    let messy_path = dir.join("messy.norma.md");
    let messy = TREATY.replace("  source \"Hospital", "     source   \"Hospital");
    c.open(&uri_of(&messy_path), &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri_of(&messy_path)}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], TREATY, "{edits}");
    c.shutdown();
}

/// The Neovim set-up of docs/editors.md: it must work with Debian's
/// Neovim 0.7.2, so it uses none of the 0.8 API; and, where `nvim` is
/// installed, it attaches a literate text to `norma lsp` and receives its
/// diagnostics.
#[test]
fn the_documented_neovim_setup_works_from_0_7_and_covers_literate_texts() {
    let page = std::fs::read_to_string("docs/editors.md").expect("docs/editors.md");
    let lua = page
        .split("```lua\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a lua block in docs/editors.md");
    for newer in [
        "vim.lsp.start(",
        "vim.fs.",
        "vim.filetype.add",
        "vim.lsp.get_clients",
        "LspAttach",
    ] {
        assert!(!lua.contains(newer), "`{newer}` needs Neovim 0.8 or later");
    }
    assert!(
        lua.contains("norma%.md"),
        "the set-up attaches .norma.md texts"
    );
    let has_nvim = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_nvim {
        eprintln!("SKIPPED the Neovim run: `nvim` is not installed");
        return;
    }
    let broken = TREATY.replace("a.owner != s", "a.ownr != s");
    let dir = folder("nvim", &[("t.norma.md", &broken)]);
    let out = dir.join("diagnostics.txt");
    let script = format!(
        "vim.cmd('filetype on')\n{}\nvim.cmd('edit {}')\nlocal ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)\nlocal f = io.open({:?}, 'w')\nif not ok then f:write('TIMEOUT\\n') end\nfor _, d in ipairs(vim.diagnostic.get(0)) do f:write(string.format('%d:%d %s\\n', d.lnum, d.col, d.message)) end\nf:close()\nvim.cmd('qa!')\n",
        lua.replace("'norma', 'lsp'", &format!("{:?}, 'lsp'", env!("CARGO_BIN_EXE_norma"))),
        dir.join("t.norma.md").display(),
        out.display().to_string(),
    );
    let init = dir.join("init.lua");
    std::fs::write(&init, script).expect("write init.lua");
    let mut nvim = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", init.display()))
        .current_dir(&dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("nvim runs");
    let start = std::time::Instant::now();
    while nvim.try_wait().ok().flatten().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(40) {
            let _ = nvim.kill();
            panic!("headless nvim did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    let (line, col) = client::pos_of(&broken, "ownr", 0);
    assert!(got.contains(&format!("{line}:{col} ")), "{got}");
}
