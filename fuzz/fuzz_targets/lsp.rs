//! The language server on random sessions: documents opened, edited
//! (ranges anywhere, even past the end or inside a character), hovered,
//! completed, formatted, navigated. No panic (libfuzzer aborts on one, even
//! one the server catches), and every answer is a result, never an error,
//! for well-formed parameters: the protocol's type for its method, with
//! every range starting before it ends.
#![no_main]

/// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Notification, Request, RequestId};
use serde_json::json;

const SEED: &str = "use std::core;\nenum Level { low < high }\ntype Party { trusted: Bool }\naction strike(by: Party, level: Level)\n/// doc\nnorm n \"N\" {\n  source \"s\"\n  forbid x: strike(by: p, level: l) when l >= high unless p.trusted\n}\nexception e to n { when p.trusted }\nreport r {\n  as_of 2020-01-02\n  entity A: Party { trusted: ? }\n  event s1: strike(by: A, level: high) at 2020-01-01\n  expect violation n at s1\n}\n";

const SNIPPETS: [&str; 16] = [
    "",
    "\n",
    "}",
    "{",
    "(",
    "norm ",
    "forbid ",
    "x.",
    "Level::",
    "strike(",
    "by: ",
    "?",
    " when ",
    "\"",
    "é",
    "\u{1F600}",
];

#[derive(Arbitrary, Debug)]
enum Step {
    Edit {
        doc: bool,
        line: u8,
        col: u8,
        end_line: u8,
        end_col: u8,
        text: u8,
        extra: String,
    },
    Hover {
        doc: bool,
        line: u8,
        col: u8,
    },
    Complete {
        doc: bool,
        line: u8,
        col: u8,
    },
    Definition {
        doc: bool,
        line: u8,
        col: u8,
    },
    References {
        doc: bool,
        line: u8,
        col: u8,
    },
    Symbols {
        doc: bool,
    },
    Format {
        doc: bool,
    },
    CodeAction {
        doc: bool,
        line: u8,
        col: u8,
    },
    Save {
        doc: bool,
    },
    Close {
        doc: bool,
    },
    Open {
        doc: bool,
        seed: bool,
    },
}

fn uri(doc: bool) -> String {
    if doc {
        "file:///fuzz/a.norma"
    } else {
        "file:///fuzz/b.norma"
    }
    .to_string()
}

fn pos(line: u8, col: u8) -> serde_json::Value {
    json!({"line": line % 24, "character": col % 90})
}

/// An answer is valid when it is the protocol's type for its method and
/// every range in it starts before it ends.
fn valid_answer(method: &str, result: serde_json::Value) {
    use lsp_types as t;
    fn is<T: serde::de::DeserializeOwned>(method: &str, v: &serde_json::Value) {
        if let Err(e) = serde_json::from_value::<T>(v.clone()) {
            panic!("{method}: not a valid answer ({e}): {v}");
        }
    }
    match method {
        "textDocument/hover" => is::<Option<t::Hover>>(method, &result),
        "textDocument/completion" => is::<Option<t::CompletionResponse>>(method, &result),
        "textDocument/definition" => is::<Option<t::GotoDefinitionResponse>>(method, &result),
        "textDocument/references" => is::<Option<Vec<t::Location>>>(method, &result),
        "textDocument/documentSymbol" => is::<Option<t::DocumentSymbolResponse>>(method, &result),
        "textDocument/formatting" => is::<Option<Vec<t::TextEdit>>>(method, &result),
        "textDocument/codeAction" => is::<Option<t::CodeActionResponse>>(method, &result),
        _ => {}
    }
    ranges_ordered(method, &result);
}

fn ranges_ordered(method: &str, v: &serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            if let (Some(start), Some(end)) = (map.get("start"), map.get("end")) {
                let at = |p: &serde_json::Value| (p["line"].as_u64(), p["character"].as_u64());
                if let ((Some(_), Some(_)), (Some(_), Some(_))) = (at(start), at(end)) {
                    assert!(at(start) <= at(end), "{method}: range ends before it starts: {v}");
                }
            }
            map.values().for_each(|x| ranges_ordered(method, x));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| ranges_ordered(method, x)),
        _ => {}
    }
}

fuzz_target!(|steps: Vec<Step>| {
    let mut h = norma::lsp::harness::Harness::new();
    let mut next_id = 0i32;
    let mut version = 1;
    let open = |h: &mut norma::lsp::harness::Harness, doc: bool, text: &str| {
        h.notify(Notification::new(
            "textDocument/didOpen".into(),
            json!({"textDocument": {"uri": uri(doc), "languageId": "norma", "version": 1, "text": text}}),
        ));
    };
    open(&mut h, true, SEED);
    for step in steps.into_iter().take(64) {
        let mut request =
            |h: &mut norma::lsp::harness::Harness, method: &str, params: serde_json::Value| {
                next_id += 1;
                let r = h.request(Request::new(
                    RequestId::from(next_id),
                    method.into(),
                    params,
                ));
                assert!(r.error.is_none(), "{method}: {:?}", r.error);
                valid_answer(method, r.result.unwrap_or(serde_json::Value::Null));
            };
        match step {
            Step::Edit {
                doc,
                line,
                col,
                end_line,
                end_col,
                text,
                extra,
            } => {
                version += 1;
                let mut t = SNIPPETS[usize::from(text) % SNIPPETS.len()].to_string();
                t.push_str(&extra);
                let (a, b) = ((line, col), (end_line, end_col));
                let (s, e) = if (a.0 % 24, a.1 % 90) <= (b.0 % 24, b.1 % 90) {
                    (a, b)
                } else {
                    (b, a)
                };
                let published = h.notify(Notification::new(
                    "textDocument/didChange".into(),
                    json!({"textDocument": {"uri": uri(doc), "version": version},
                           "contentChanges": [{"range": {"start": pos(s.0, s.1), "end": pos(e.0, e.1)}, "text": t}]}),
                ));
                for n in published {
                    let count = n.params["diagnostics"].as_array().map_or(0, Vec::len);
                    assert!(count <= 101, "{count} diagnostics published");
                }
            }
            Step::Hover { doc, line, col } => request(
                &mut h,
                "textDocument/hover",
                json!({"textDocument": {"uri": uri(doc)}, "position": pos(line, col)}),
            ),
            Step::Complete { doc, line, col } => request(
                &mut h,
                "textDocument/completion",
                json!({"textDocument": {"uri": uri(doc)}, "position": pos(line, col)}),
            ),
            Step::Definition { doc, line, col } => request(
                &mut h,
                "textDocument/definition",
                json!({"textDocument": {"uri": uri(doc)}, "position": pos(line, col)}),
            ),
            Step::References { doc, line, col } => request(
                &mut h,
                "textDocument/references",
                json!({"textDocument": {"uri": uri(doc)}, "position": pos(line, col), "context": {"includeDeclaration": true}}),
            ),
            Step::Symbols { doc } => request(
                &mut h,
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri(doc)}}),
            ),
            Step::Format { doc } => request(
                &mut h,
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri(doc)}, "options": {"tabSize": 2, "insertSpaces": true}}),
            ),
            Step::CodeAction { doc, line, col } => request(
                &mut h,
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(doc)}, "range": {"start": pos(line, 0), "end": pos(line, col)}, "context": {"diagnostics": []}}),
            ),
            Step::Save { doc } => {
                h.notify(Notification::new(
                    "textDocument/didSave".into(),
                    json!({"textDocument": {"uri": uri(doc)}}),
                ));
            }
            Step::Close { doc } => {
                h.notify(Notification::new(
                    "textDocument/didClose".into(),
                    json!({"textDocument": {"uri": uri(doc)}}),
                ));
            }
            Step::Open { doc, seed } => open(&mut h, doc, if seed { SEED } else { "" }),
        }
    }
});
