//! `norma lsp` driven over stdio as an editor would: the built binary as a
//! subprocess, JSON-RPC messages with Content-Length framing, every answer
//! asserted, and a timeout on every wait so a hung server fails the test.
//! The last test runs a real client, headless Neovim, when it is installed.

#[path = "lsp/client.rs"]
mod client;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use client::{pos_of, position, uri_of, workdir, Client};

fn labels(items: &Value) -> Vec<String> {
    let list = items.get("items").unwrap_or(items);
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

const PARCELS: &str = "use std::core;

/// A thing with an owner.
type Parcel { owner: State, level: Level }

/// How high a parcel is stacked.
enum Level { low < mid < high }

/// Moving a parcel.
action move(by: State, what: Parcel)

/// High parcels stay where they are.
norm no_moves \"No moving high parcels\" {
  source \"Test treaty, art. 1\"
  forbid x: move(what: b)
  when b.level >= Level::hgh
}
";

fn change(uri: &str, version: i32, start: Value, end: Value, text: &str) -> Value {
    json!({
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": start, "end": end}, "text": text}],
    })
}

#[test]
fn a_whole_session_over_stdio() {
    let dir = workdir("session");
    let path = dir.join("parcels.norma");
    std::fs::write(&path, PARCELS).expect("write");
    let uri = uri_of(&path);
    let mut c = Client::start(&dir);

    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri_of(&dir), "capabilities": {}}),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["codeLensProvider"]["resolveProvider"], false);
    assert_eq!(caps["semanticTokensProvider"]["full"]["delta"], true);
    let legend = caps["semanticTokensProvider"]["legend"]["tokenTypes"].to_string();
    for t in [
        "\"norm\"",
        "\"redline\"",
        "\"exception\"",
        "\"event\"",
        "\"enumMember\"",
    ] {
        assert!(legend.contains(t), "{legend}");
    }
    c.notify("initialized", json!({}));

    // An error: diagnostics as `norma check` gives them.
    c.open(&uri, PARCELS);
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "norma");
    let (l, col) = pos_of(PARCELS, "hgh", 0);
    assert_eq!(
        d["range"],
        json!({"start": {"line": l, "character": col}, "end": {"line": l, "character": col + 3}})
    );
    assert!(d["message"]
        .as_str()
        .unwrap_or("")
        .contains("did you mean `high`?"));
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        position(PARCELS, "Level {", 0, 0)
    );

    // The "did you mean" fix is a quick fix.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": diags}}),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["edit"]["changes"][&uri][0]["newText"], "high");

    // Apply it as an incremental edit: the diagnostics go away.
    c.notify(
        "textDocument/didChange",
        change(
            &uri,
            2,
            json!({"line": l, "character": col}),
            json!({"line": l, "character": col + 3}),
            "high",
        ),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());
    let text = PARCELS.replace("Level::hgh", "Level::high");

    // Hover: a variable's type, an action's signature and doc, a norm's
    // title and citation, a field's type.
    let hover = |c: &mut Client, needle: &str, nth: usize| {
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(&text, needle, nth, 1)}),
        );
        r["contents"]["value"].as_str().unwrap_or("").to_string()
    };
    let b = hover(&mut c, "b.level", 0);
    assert!(b.contains("b: Parcel"), "{b}");
    let mv = hover(&mut c, "move(what", 0);
    assert!(
        mv.contains("action parcels::move(by: State, what: Parcel)"),
        "{mv}"
    );
    assert!(mv.contains("Moving a parcel."), "{mv}");
    let norm = hover(&mut c, "no_moves", 0);
    assert!(norm.contains("No moving high parcels"), "{norm}");
    assert!(norm.contains("Source: Test treaty, art. 1"), "{norm}");
    assert!(norm.contains("High parcels stay where they are."), "{norm}");
    let level = hover(&mut c, "level >=", 0);
    assert!(level.contains("Parcel.level: Level"), "{level}");

    // Definition in the same file, and into the standard library.
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position(&text, "Parcel)", 0, 1)}),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"], position(&text, "Parcel {", 0, 0));
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position(&text, "State,", 0, 1)}),
    );
    let std_uri = def["uri"].as_str().unwrap_or("").to_string();
    assert!(std_uri.ends_with("/core.norma"), "{def}");
    let std_path = PathBuf::from(std_uri.trim_start_matches("file://"));
    assert!(
        std_path.starts_with(dir.join("cache")),
        "{}",
        std_path.display()
    );
    let std_text = std::fs::read_to_string(&std_path).expect("std::core written to the cache");
    let (sl, _) = pos_of(&std_text, "type State", 0);
    assert_eq!(def["range"]["start"]["line"], sl);

    // References to the enum: its declaration and its two uses.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(&text, "Level {", 0, 1),
               "context": {"includeDeclaration": true}}),
    );
    let starts: Vec<&Value> = refs
        .as_array()
        .map(|a| a.iter().map(|l| &l["range"]["start"]).collect())
        .unwrap_or_default();
    assert_eq!(starts.len(), 3, "{refs}");
    for (needle, nth) in [("Level {", 0), ("Level }", 0), ("Level::", 0)] {
        assert!(
            starts.contains(&&position(&text, needle, nth, 0)),
            "{needle}: {refs}"
        );
    }

    // Completion: fields after `.`, while the text does not parse.
    let end_of_when = position(&text, "Level::high", 0, 11);
    c.notify(
        "textDocument/didChange",
        change(&uri, 3, end_of_when.clone(), end_of_when.clone(), " and b."),
    );
    let diags = c.diagnostics(&uri);
    assert!(diags.iter().any(|d| d["code"] == "E0103"), "{diags:?}");
    let mut after_dot = end_of_when.clone();
    after_dot["character"] = json!(end_of_when["character"].as_u64().unwrap_or(0) + 7);
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": after_dot}),
    );
    let got = labels(&items);
    assert!(
        got.contains(&"owner".to_string()) && got.contains(&"level".to_string()),
        "{got:?}"
    );
    assert!(!got.contains(&"forbid".to_string()), "{got:?}");

    // Completion: enum members after `Level::`.
    c.notify(
        "textDocument/didChange",
        change(
            &uri,
            4,
            end_of_when.clone(),
            after_dot.clone(),
            " and b.level != Level::",
        ),
    );
    c.diagnostics(&uri);
    let mut after_path = end_of_when.clone();
    after_path["character"] = json!(end_of_when["character"].as_u64().unwrap_or(0) + 23);
    let items = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": after_path}),
    );
    assert_eq!(labels(&items), vec!["low", "mid", "high"]);

    // Back to the valid text with a full-text change.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // Outline.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["Parcel", "Level", "move", "no_moves"]);
    let level = &symbols[1];
    assert_eq!(level["kind"], 10, "an enum");
    assert_eq!(level["children"].as_array().map(Vec::len), Some(3));
    assert_eq!(symbols[3]["detail"], "No moving high parcels");

    let found = c.request("workspace/symbol", json!({"query": "nomov"}));
    assert_eq!(found[0]["name"], "no_moves");
    assert_eq!(found[0]["location"]["uri"], uri);

    // Formatting: one edit replacing the whole text with `norma fmt`'s
    // layout, or none when the text is already laid out so.
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = norma::fmt::format_source(&text).expect("the text parses");
    if formatted == text {
        assert_eq!(edits, json!([]));
    } else {
        assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");
        assert_eq!(edits[0]["newText"], json!(formatted));
        assert_eq!(
            edits[0]["range"]["start"],
            json!({"line": 0, "character": 0})
        );
    }

    c.shutdown();
}

#[test]
fn uses_resolve_to_open_buffers_and_bad_requests_do_not_stop_the_server() {
    let dir = workdir("buffers");
    // `treaty.norma` exists only as an open buffer, not on disk.
    let treaty = dir.join("treaty.norma");
    let main = dir.join("main.norma");
    let main_text =
        "use treaty;\nnorm keep { source \"x\"\n forbid act(by: s)\n when s == home }\n";
    let treaty_text = "enum Side { home, away }\naction act(by: Side)\n";
    let mut c = Client::start(&dir);
    c.request("initialize", json!({"processId": null, "capabilities": {}}));
    c.notify("initialized", json!({}));
    c.open(&uri_of(&main), main_text);
    let diags = c.diagnostics(&uri_of(&main));
    assert_eq!(diags[0]["code"], "E0203", "{diags:?}");
    c.open(&uri_of(&treaty), treaty_text);
    assert_eq!(c.diagnostics(&uri_of(&main)), Vec::<Value>::new());
    // Definition across the two buffers.
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri_of(&main)}, "position": position(main_text, "home", 0, 1)}),
    );
    assert_eq!(def["uri"], uri_of(&treaty));
    assert_eq!(def["range"]["start"], position(treaty_text, "home", 0, 0));

    // Bad parameters, unknown methods and positions past the end.
    let bad = c.call("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad["error"]["code"], -32602);
    let unknown = c.call("norma/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let far = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri_of(&main)}, "position": {"line": 999, "character": 999}}),
    );
    assert!(far.is_array());
    let ghost = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.norma"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(ghost, Value::Null);
    // An edit range past the end of the text is clamped, not fatal.
    c.notify(
        "textDocument/didChange",
        change(
            &uri_of(&main),
            2,
            json!({"line": 50, "character": 3}),
            json!({"line": 2, "character": 0}),
            "norm",
        ),
    );
    c.diagnostics(&uri_of(&main));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri_of(&treaty)}}),
    );
    let diags = c.diagnostics(&uri_of(&main));
    assert!(diags.iter().any(|d| d["code"] == "E0203"), "{diags:?}");
    c.shutdown();
}

/// A save runs the deep lints over the open buffers: a permit of
/// `main.norma` in conflict with a forbid of `treaty.norma`, which exists
/// only as a buffer (so the witness replays against it); the next change
/// drops the warning. Its fix is offered only where the edit checks.
#[test]
fn a_save_runs_the_deep_lints_over_the_open_buffers() {
    let dir = workdir("deep");
    let treaty = dir.join("treaty.norma");
    let main = dir.join("main.norma");
    let treaty_text =
        "enum Effect { none < damage < destruction }\naction operate(effect: Effect)\n\n\
        norm no_damage {\n  source \"x\"\n  forbid operate(effect: e) when e >= damage\n}\n";
    let main_text = "use treaty;\n\nnorm may_retaliate {\n  source \"x\"\n  \
        permit operate(effect: e) when e == destruction\n}\n";
    let mut c = Client::start(&dir);
    c.request("initialize", json!({"processId": null, "capabilities": {}}));
    c.notify("initialized", json!({}));
    c.open(&uri_of(&treaty), treaty_text);
    c.diagnostics(&uri_of(&treaty));
    c.open(&uri_of(&main), main_text);
    assert_eq!(c.diagnostics(&uri_of(&main)), Vec::<Value>::new());
    assert!(c.logged().is_empty());

    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri_of(&main)}}),
    );
    let diags = c.diagnostics(&uri_of(&main));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "W0009");
    let log = c.logged();
    assert!(
        log.iter()
            .any(|l| l.starts_with("norma: deep lints of 2 open documents: 1 warning in")),
        "{log:?}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri_of(&main)}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
    );
    let edited: Vec<(String, String)> = actions
        .as_array()
        .expect("actions")
        .iter()
        .flat_map(|a| {
            let changes = a["edit"]["changes"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            changes
                .into_iter()
                .map(|(uri, edits)| (uri, edits[0]["newText"].to_string()))
        })
        .collect();
    assert_eq!(
        edited,
        [(uri_of(&main), "\" overrides no_damage\"".to_string())],
        "`treaty` cannot name `may_retaliate` (a `use main` would make a cycle), \
         so the fix that would edit it is not offered"
    );

    c.notify(
        "textDocument/didChange",
        change(
            &uri_of(&main),
            2,
            json!({"line": 1, "character": 0}),
            json!({"line": 1, "character": 0}),
            "\n",
        ),
    );
    assert_eq!(c.diagnostics(&uri_of(&main)), Vec::<Value>::new());
    c.shutdown();
}

/// A real editor: headless Neovim's built-in LSP client starts `norma
/// lsp`, opens a file with an error and writes down the diagnostics it got.
#[test]
fn neovim_receives_diagnostics() {
    let has_nvim = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_nvim {
        eprintln!(
            "SKIPPED neovim_receives_diagnostics: `nvim` is not installed (apt-get install neovim)"
        );
        return;
    }
    let dir = workdir("nvim");
    let file = dir.join("broken.norma");
    std::fs::write(
        &file,
        "enum Level { low < high }\nconst top: Level = hgih;\n",
    )
    .expect("write");
    let out = dir.join("diagnostics.txt");
    let script = dir.join("client.lua");
    // `vim.lsp.start_client` works from Neovim 0.7 on.
    std::fs::write(
        &script,
        format!(
            r#"
local out = {out:?}
vim.bo.filetype = 'norma'
local id = vim.lsp.start_client({{
  name = 'norma',
  cmd = {{ {bin:?}, 'lsp' }},
  root_dir = {dir:?},
}})
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local f = io.open(out, 'w')
if not ok then f:write('TIMEOUT\n') end
for _, d in ipairs(vim.diagnostic.get(0)) do
  f:write(string.format('%s %d:%d %s\n', d.code or d.user_data.lsp.code, d.lnum, d.col, d.message))
end
f:close()
vim.cmd('qa!')
"#,
            out = out.display().to_string(),
            bin = env!("CARGO_BIN_EXE_norma"),
            dir = dir.display().to_string(),
        ),
    )
    .expect("write script");
    let mut nvim = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u", "NONE"])
        .arg(&file)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(&dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nvim");
    let start = Instant::now();
    while nvim.try_wait().ok().flatten().is_none() {
        if start.elapsed() > Duration::from_secs(40) {
            let _ = nvim.kill();
            panic!("headless nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    println!("diagnostics received by Neovim:\n{got}");
    assert!(got.contains("E0201 1:19"), "{got}");
    assert!(got.contains("hgih"), "{got}");
}

/// Type a file one character at a time, asking for completion, hover, the
/// outline, lenses, semantic tokens and a rename after every keystroke:
/// every half-typed state is answered.
#[test]
fn typing_character_by_character_never_stops_the_server() {
    let dir = workdir("typing");
    let uri = uri_of(&dir.join("typed.norma"));
    let mut c = Client::start(&dir);
    c.request("initialize", json!({"processId": null, "capabilities": {}}));
    c.notify("initialized", json!({}));
    c.open(&uri, "");
    c.diagnostics(&uri);
    let (mut line, mut col) = (0u32, 0u32);
    let mut diags = Vec::new();
    for (i, ch) in PARCELS.chars().enumerate() {
        let at = json!({"line": line, "character": col});
        c.notify(
            "textDocument/didChange",
            change(&uri, i as i32 + 2, at.clone(), at, &ch.to_string()),
        );
        if ch == '\n' {
            line += 1;
            col = 0;
        } else {
            col += ch.len_utf16() as u32;
        }
        diags = c.diagnostics(&uri);
        let here =
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col}});
        assert!(c
            .request("textDocument/completion", here.clone())
            .is_array());
        let back = json!({"textDocument": {"uri": uri},
            "position": {"line": line, "character": col.saturating_sub(1)}});
        c.request("textDocument/hover", back.clone());
        c.request("textDocument/definition", back.clone());
        c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        c.request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        );
        c.request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        );
        // A refusal is an answer; an internal error is not.
        let prep = c.call("textDocument/prepareRename", back.clone());
        assert_ne!(prep["error"]["code"], -32603, "{prep}");
        let mut rename = back.clone();
        rename["newName"] = json!("renamed");
        let renamed = c.call("textDocument/rename", rename);
        assert_ne!(renamed["error"]["code"], -32603, "{renamed}");
    }
    assert_eq!(
        diags.len(),
        1,
        "the typed file has its one error: {diags:?}"
    );
    c.shutdown();
}

/// Headless Neovim (Debian's 0.7.2 is enough) against
/// `examples/wannacry_2017.norma`: the findings of its report arrive as
/// diagnostics on the event `worm`, and `vim.lsp.buf.rename` (which asks
/// `prepareRename` first) renames that event in every `expect` line.
#[test]
fn neovim_shows_findings_and_renames() {
    let has_nvim = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_nvim {
        eprintln!(
            "SKIPPED neovim_shows_findings_and_renames: `nvim` is not installed \
             (apt-get install neovim)"
        );
        return;
    }
    let dir = workdir("nvim-findings");
    let file = dir.join("wannacry_2017.norma");
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/wannacry_2017.norma"),
    )
    .expect("read the example");
    std::fs::write(&file, &text).expect("write");
    let (worm_line, worm_col) = pos_of(&text, "worm:", 0);
    let out = dir.join("seen.txt");
    let script = dir.join("client.lua");
    std::fs::write(
        &script,
        format!(
            r#"
local out = io.open({out:?}, 'w')
vim.bo.filetype = 'norma'
local id = vim.lsp.start_client({{
  name = 'norma',
  cmd = {{ {bin:?}, 'lsp' }},
  root_dir = {dir:?},
}})
vim.lsp.buf_attach_client(0, id)
local function findings()
  local found = {{}}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local code = d.code or (d.user_data and d.user_data.lsp.code)
    if code == 'crossed' or code == 'violation' then table.insert(found, d) end
  end
  return found
end
if not vim.wait(15000, function() return #findings() > 0 end, 50) then
  out:write('TIMEOUT waiting for findings\n')
end
for _, d in ipairs(findings()) do
  local code = d.code or d.user_data.lsp.code
  out:write(string.format('finding %s %d:%d %s\n', code, d.lnum, d.col, d.message:gsub('\n', ' | ')))
end
vim.api.nvim_win_set_cursor(0, {{ {line}, {col} }})
vim.lsp.buf.rename('nhs_worm')
local function renamed()
  local n = 0
  for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local _, k = l:gsub('nhs_worm', '')
    n = n + k
  end
  return n
end
if not vim.wait(15000, function() return renamed() > 0 end, 50) then
  out:write('TIMEOUT waiting for the rename\n')
end
out:write(string.format('renamed %d\n', renamed()))
vim.cmd('write')
out:close()
vim.cmd('qa!')
"#,
            out = out.display().to_string(),
            bin = env!("CARGO_BIN_EXE_norma"),
            dir = dir.display().to_string(),
            line = worm_line + 1,
            col = worm_col + 1,
        ),
    )
    .expect("write script");
    let mut nvim = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-u", "NONE"])
        .arg(&file)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(&dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nvim");
    let start = Instant::now();
    while nvim.try_wait().ok().flatten().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = nvim.kill();
            panic!("headless nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got = std::fs::read_to_string(&out).expect("nvim wrote what it saw");
    println!("seen by Neovim:\n{got}");
    assert!(!got.contains("TIMEOUT"), "{got}");
    let on_worm = format!("{worm_line}:{worm_col} ");
    assert!(
        got.lines().any(|l| l.starts_with("finding crossed ")
            && l.contains(&on_worm)
            && l.contains("std::escalation::healthcare_disruption")),
        "{got}"
    );
    // The declaration, the events `about: worm` and the `expect` lines.
    let uses = 1 + text.matches("about: worm").count() + text.matches("at worm").count();
    assert!(
        got.contains(&format!("renamed {uses}\n")),
        "{uses} uses: {got}"
    );
    let saved = std::fs::read_to_string(&file).expect("the renamed file");
    assert_eq!(saved.replace("nhs_worm", "worm"), text);
}
