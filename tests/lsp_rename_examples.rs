//! Rename through the language server changes names, never meaning: in a
//! copy of the shipped examples, one declaration of each kind they
//! declare (norms, exceptions, reports, report entities, events, pattern
//! variables) is renamed by `textDocument/rename` with the folder as the
//! workspace, the edits are applied to the files, and `norma eval` of the
//! whole folder must print what it printed before, with the new name in
//! place of the old. The new name has the old one's length, so every
//! column of the rendered findings stays where it was.

use std::path::{Path, PathBuf};
use std::process::Command;

use lsp_server::{Notification, Request, RequestId};
use norma::lsp::harness::Harness;
use serde_json::{json, Value};

struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for e in std::fs::read_dir(from).expect("read examples") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn eval(dir: &Path) -> (String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_norma"))
        .args(["eval", "--color", "never"])
        .arg(dir)
        .output()
        .expect("run norma eval");
    (
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
        out.status.code(),
    )
}

/// Every Norma file under `dir`, with its text.
fn files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            out.push((p, t));
        }
    }
}

fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    // The examples are ASCII: UTF-16 columns are byte columns.
    start + p["character"].as_u64().unwrap_or(0) as usize
}

/// A name of `old`'s length that no file and no output contains.
fn fresh(old: &str, haystacks: &[&str]) -> Option<String> {
    ['Q', 'Z', 'X', 'J', 'K', 'V', 'W'].iter().find_map(|c| {
        let mut name: String = old.to_string();
        name.replace_range(0..1, &c.to_string());
        (!haystacks.iter().any(|h| h.contains(&name))).then_some(name)
    })
}

/// One declaration of each kind the examples declare, named somewhere
/// else too (reports are never named, the one exception is not): (kind, file, name start, name).
fn picks(dir: &Path, texts: &[(PathBuf, String)]) -> Vec<(&'static str, PathBuf, usize, String)> {
    let session = norma::driver::check_documents(texts.to_vec(), &[]);
    let p = &session.program;
    let mut out: Vec<(&'static str, PathBuf, usize, String)> = Vec::new();
    let mut pick = |kind: &'static str, span: norma::span::Span| {
        if out.iter().any(|(k, ..)| *k == kind) {
            return;
        }
        if !["report", "exception"].contains(&kind) && !p.refs.iter().any(|r| r.def == span) {
            return;
        }
        let f = session.sources.get(span.file);
        let Some(path) = f.path.clone().filter(|p| p.starts_with(dir)) else {
            return;
        };
        let name = f.text[span.start as usize..span.end as usize].to_string();
        out.push((kind, path, span.start as usize, name));
    };
    for n in &p.norms {
        pick("norm", n.name_span);
        for v in &n.vars {
            pick("variable", v.span);
        }
    }
    for e in &p.exceptions {
        pick("exception", e.name_span);
    }
    for r in &p.reports {
        pick("report", r.name_span);
        for e in &r.events {
            pick("event", e.name_span);
        }
    }
    for e in &p.entities {
        pick("entity", e.name_span);
    }
    for e in &p.enums {
        pick("enum", e.name_span);
    }
    for r in &p.records {
        pick("type", r.name_span);
    }
    for a in &p.actions {
        pick("action", a.name_span);
    }
    for c in &p.consts {
        pick("const", c.name_span);
    }
    out
}

#[test]
fn renaming_in_the_examples_changes_no_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let tmp = std::env::temp_dir().join(format!("norma-lsp-rename-ex-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    copy_dir(&root, &tmp);
    let dir = Folder(std::fs::canonicalize(&tmp).expect("canonical"));
    let (before, status) = eval(&dir.0);
    assert!(before.contains("violation"), "{before}");
    let mut originals = Vec::new();
    files(&dir.0, &mut originals);

    let chosen = picks(&dir.0, &originals);
    let kinds: Vec<&str> = chosen.iter().map(|(k, ..)| *k).collect();
    for k in ["norm", "variable", "exception", "report", "event", "entity"] {
        assert!(kinds.contains(&k), "the examples declare a {k}: {kinds:?}");
    }
    for (kind, path, start, old) in chosen {
        let text = std::fs::read_to_string(&path).expect("read");
        let mut hay: Vec<&str> = originals.iter().map(|(_, t)| t.as_str()).collect();
        hay.push(&before);
        let new = fresh(&old, &hay).expect("a fresh name");
        let line = text[..start].matches('\n').count();
        let col = start - text[..start].rfind('\n').map_or(0, |i| i + 1);
        let uri = format!("file://{}", path.display());
        let mut h = Harness::with_folder(dir.0.clone());
        h.notify(Notification::new(
            "textDocument/didOpen".into(),
            json!({"textDocument": {"uri": uri, "languageId": "norma", "version": 1, "text": text}}),
        ));
        let resp = h.request(Request {
            id: RequestId::from(1),
            method: "textDocument/rename".into(),
            params: json!({"textDocument": {"uri": uri},
                "position": {"line": line, "character": col}, "newName": new}),
        });
        assert!(resp.error.is_none(), "{kind} `{old}`: {:?}", resp.error);
        let edit = resp.result.unwrap_or(Value::Null);
        let changes = edit["changes"].as_object().expect("changes");
        let mut edited = 0;
        for (u, list) in changes {
            let p = PathBuf::from(u.trim_start_matches("file://"));
            let mut t = std::fs::read_to_string(&p).expect("read edited file");
            let mut list = list.as_array().cloned().unwrap_or_default();
            list.sort_by_key(|e| std::cmp::Reverse(offset(&t, &e["range"]["start"])));
            for e in list {
                let a = offset(&t, &e["range"]["start"]);
                let b = offset(&t, &e["range"]["end"]);
                assert_eq!(&t[a..b], old, "{kind}: an edit replaces the old name");
                t.replace_range(a..b, &new);
                edited += 1;
            }
            std::fs::write(&p, t).expect("write");
        }
        let least = if ["report", "exception"].contains(&kind) {
            1
        } else {
            2
        };
        assert!(
            edited >= least,
            "{kind} `{old}` is declared and used: {edited} edits"
        );
        let (after, after_status) = eval(&dir.0);
        assert_eq!(after_status, status, "{kind} `{old}` -> `{new}`");
        assert_eq!(
            after.replace(&new, &old),
            before,
            "{kind} `{old}` -> `{new}` changed `norma eval`"
        );
        for (p, t) in &originals {
            std::fs::write(p, t).expect("restore");
        }
    }
}
