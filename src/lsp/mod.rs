//! `norma lsp`: the language server, on stdio (lsp-server for the JSON-RPC
//! transport, lsp-types for the protocol). **Only this folder knows LSP
//! types**; everything it shows comes from one front-end run over the open
//! documents (`driver::check_documents`), the same diagnostics as `norma
//! check`.
//!
//! The loop is single-threaded: each change re-checks every open document
//! together (a `use` of an open document reads its buffer), and changes
//! that are already waiting are applied before the check, so a burst of
//! keystrokes costs one check. Diagnostics are published for every file
//! whose list changed. A save also runs the deep lints of `norma check
//! --deep` within a time budget (`deep.rs`); what they find is shown until
//! the next change. **The server never stops on bad input**: requests
//! with bad parameters get an error answer, positions past the end are
//! clamped, and a handler that panics anyway answers with an error.
//!
//! Each check also judges the reports of the open documents
//! (`findings.rs`): findings on their events, failing `expect` lines,
//! code lenses.
//!
//! Files: `state.rs` (documents, edits, analysis, the `std::` cache),
//! `convert.rs` (diagnostics, quick fixes), `deep.rs` (the deep lints on
//! save, the W0009 fix), `findings.rs` (findings and lenses), `navigate.rs`
//! (hover, definition, references), `names.rs` (what each name is),
//! `rename.rs`, `tokens.rs` (semantic tokens), `symbols.rs`, `complete.rs`,
//! `protocol.rs` (capabilities, answering requests).

mod complete;
mod convert;
mod deep;
mod findings;
pub mod harness;
mod names;
mod navigate;
mod protocol;
mod rename;
mod state;
mod symbols;
mod tokens;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CompletionResponse, GotoDefinitionResponse, Hover, HoverContents, MarkupContent, MarkupKind,
    Position, Url, WorkspaceSymbolResponse,
};

use protocol::{
    answer, capabilities, folders_from, format_edits, includes_from, log_message, try_answer,
};
use state::{Analysis, Document, StdCache};

/// Serve one client on stdin/stdout until it asks to exit.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let served = serve(&connection);
    drop(connection);
    let joined = io_threads.join().map_err(|e| e.to_string());
    served.and(joined)
}

fn serve(conn: &Connection) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let params = conn.initialize(caps).map_err(|e| e.to_string())?;
    let mut server = Server::new(includes_from(&params), StdCache::create());
    server.folders = folders_from(&params);
    let mut backlog: VecDeque<Message> = VecDeque::new();
    loop {
        let msg = match backlog.pop_front() {
            Some(m) => m,
            None => match conn.receiver.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            },
        };
        match msg {
            Message::Request(r) => {
                if conn.handle_shutdown(&r).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let resp = server.request(r);
                conn.sender.send(resp.into()).map_err(|e| e.to_string())?;
            }
            Message::Notification(n) => {
                if n.method == notif::Exit::METHOD {
                    return Ok(());
                }
                if !server.notification(n) {
                    continue;
                }
                // Apply the changes already waiting before checking.
                while let Ok(next) = conn.receiver.try_recv() {
                    match next {
                        Message::Notification(n) if is_sync(&n) => {
                            server.notification(n);
                        }
                        other => {
                            backlog.push_back(other);
                            break;
                        }
                    }
                }
                for n in server.reanalyze() {
                    conn.sender.send(n.into()).map_err(|e| e.to_string())?;
                }
            }
            Message::Response(_) => {}
        }
    }
}

fn is_sync(n: &Notification) -> bool {
    [
        notif::DidOpenTextDocument::METHOD,
        notif::DidChangeTextDocument::METHOD,
        notif::DidCloseTextDocument::METHOD,
        notif::DidSaveTextDocument::METHOD,
    ]
    .contains(&n.method.as_str())
}

struct Server {
    docs: BTreeMap<Url, Document>,
    includes: Vec<PathBuf>,
    std_cache: StdCache,
    analysis: Option<Rc<Analysis>>,
    /// Per document, the latest analysis in which it had no syntax error
    /// (completion looks there for declarations that do not parse now).
    parsed_ok: HashMap<Url, Rc<Analysis>>,
    /// What was last published for each URI.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    /// A save came after the last change: the next analysis runs the
    /// deep lints.
    saved: bool,
    /// What the deep lints found in the current analysis (empty after any
    /// change: they are never run on a keystroke).
    deep: Vec<crate::diagnostics::Diagnostic>,
    /// The time a save may spend on the deep lints.
    deep_budget: Duration,
    /// The workspace folders: a rename also edits their Norma files.
    folders: Vec<PathBuf>,
    /// What the reports of the open documents amount to.
    judgements: findings::Judgements,
    /// The reports last logged as waiting for a save.
    deferred_logged: Vec<crate::model::ReportId>,
    tokens: tokens::Memory,
}

impl Server {
    fn new(includes: Vec<PathBuf>, std_cache: StdCache) -> Server {
        Server {
            docs: BTreeMap::new(),
            includes,
            std_cache,
            analysis: None,
            parsed_ok: HashMap::new(),
            published: HashMap::new(),
            saved: false,
            deep: Vec::new(),
            deep_budget: deep::BUDGET,
            folders: Vec::new(),
            judgements: findings::Judgements::default(),
            deferred_logged: Vec::new(),
            tokens: tokens::Memory::default(),
        }
    }

    /// Apply a notification; true if the documents changed.
    fn notification(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return false;
                };
                self.saved = false;
                let doc = p.text_document;
                let path = state::path_of(&doc.uri);
                self.docs.insert(
                    doc.uri,
                    Document {
                        text: doc.text,
                        version: doc.version,
                        path,
                    },
                );
                true
            }
            notif::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return false;
                };
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
                    return false;
                };
                self.saved = false;
                doc.version = p.text_document.version;
                for change in p.content_changes {
                    state::apply_change(&mut doc.text, change);
                }
                true
            }
            notif::DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return false;
                };
                self.parsed_ok.remove(&p.text_document.uri);
                self.tokens.forget(&p.text_document.uri);
                let closed = self.docs.remove(&p.text_document.uri).is_some();
                self.saved &= !closed;
                closed
            }
            notif::DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                else {
                    return false;
                };
                if let (Some(text), Some(doc)) = (p.text, self.docs.get_mut(&p.text_document.uri)) {
                    doc.text = text;
                }
                // Files on disk that open documents use may have changed too.
                self.saved = true;
                true
            }
            _ => false,
        }
    }

    /// Check the open documents again (and, after a save, run the deep
    /// lints); the messages to log and the diagnostics to publish.
    fn reanalyze(&mut self) -> Vec<Notification> {
        self.deep.clear();
        let analysis = catch_unwind(AssertUnwindSafe(|| {
            Analysis::new(&self.docs, &self.includes, &self.std_cache)
        }));
        let Ok(analysis) = analysis else {
            return Vec::new();
        };
        let analysis = Rc::new(analysis);
        let mut out = Vec::new();
        let saved = std::mem::take(&mut self.saved);
        if saved {
            let (level, lines) =
                match deep::run(&analysis, &self.docs, &self.includes, self.deep_budget) {
                    deep::Outcome::Done { diagnostics, log } => {
                        self.deep = diagnostics;
                        (lsp_types::MessageType::LOG, log)
                    }
                    deep::Outcome::Skipped(why) => (lsp_types::MessageType::INFO, vec![why]),
                };
            out.extend(lines.into_iter().map(|line| log_message(level, line)));
        }
        let mut now = convert::diagnostics_by_uri(&analysis);
        out.extend(self.judge(&analysis, saved));
        for (uri, d) in findings::diagnostics(&analysis, &self.judgements) {
            now.entry(uri).or_default().push(d);
        }
        for d in &self.deep {
            if let Some(uri) = analysis.uri(d.span.file) {
                now.entry(uri.clone())
                    .or_default()
                    .push(convert::diagnostic(&analysis, d));
            }
        }
        for uri in self.docs.keys() {
            now.entry(uri.clone()).or_default();
            let syntax_error = now.get(uri).is_some_and(|ds| {
                ds.iter().any(|d| {
                    matches!(&d.code, Some(lsp_types::NumberOrString::String(c)) if c.starts_with("E01"))
                })
            });
            if !syntax_error {
                self.parsed_ok.insert(uri.clone(), analysis.clone());
            }
        }
        for uri in self.published.keys() {
            now.entry(uri.clone()).or_default();
        }
        for (uri, diagnostics) in now {
            let open = self.docs.get(&uri);
            let same = self.published.get(&uri) == Some(&diagnostics);
            // An open document always hears about its new version.
            if same && open.is_none() {
                continue;
            }
            let params = lsp_types::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: diagnostics.clone(),
                version: open.map(|d| d.version),
            };
            out.push(Notification::new(
                notif::PublishDiagnostics::METHOD.to_string(),
                params,
            ));
            if diagnostics.is_empty() && open.is_none() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri, diagnostics);
            }
        }
        self.analysis = Some(analysis);
        out
    }

    /// Judge the reports of the open documents; what to log.
    fn judge(&mut self, analysis: &Analysis, saved: bool) -> Vec<Notification> {
        let open: HashSet<_> = self.docs.keys().filter_map(|u| analysis.file(u)).collect();
        let start = Instant::now();
        let judged = catch_unwind(AssertUnwindSafe(|| findings::judge(analysis, &open, saved)));
        self.judgements = judged.unwrap_or_default();
        let p = &analysis.session.program;
        let mut lines = findings::log_lines(p, &self.judgements, saved, start);
        // Say once that a report waits for saves, not on every keystroke.
        if self.judgements.deferred == self.deferred_logged {
            lines.retain(|l| !l.contains("on save only"));
        }
        self.deferred_logged = self.judgements.deferred.clone();
        lines
            .into_iter()
            .map(|l| log_message(lsp_types::MessageType::INFO, l))
            .collect()
    }

    fn request(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        let result = catch_unwind(AssertUnwindSafe(|| self.dispatch(r)));
        match result {
            Ok(resp) => resp,
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "norma: internal error while answering this request".into(),
            ),
        }
    }

    fn dispatch(&mut self, r: Request) -> Response {
        match r.method.as_str() {
            req::HoverRequest::METHOD => answer::<req::HoverRequest>(r, |p| self.hover(p)),
            req::GotoDefinition::METHOD => answer::<req::GotoDefinition>(r, |p| {
                let pos = p.text_document_position_params;
                let (a, t) = self.target(&pos.text_document.uri, pos.position)?;
                a.location(t.def).map(GotoDefinitionResponse::Scalar)
            }),
            req::References::METHOD => answer::<req::References>(r, |p| {
                let pos = p.text_document_position;
                let (a, t) = self.target(&pos.text_document.uri, pos.position)?;
                let spans =
                    navigate::references(&a.session.program, t.def, p.context.include_declaration);
                Some(spans.into_iter().filter_map(|s| a.location(s)).collect())
            }),
            req::DocumentSymbolRequest::METHOD => answer::<req::DocumentSymbolRequest>(r, |p| {
                let a = self.analysis.as_ref()?;
                let file = a.file(&p.text_document.uri)?;
                Some(lsp_types::DocumentSymbolResponse::Nested(
                    symbols::document_symbols(a, file),
                ))
            }),
            req::WorkspaceSymbolRequest::METHOD => answer::<req::WorkspaceSymbolRequest>(r, |p| {
                let a = self.analysis.as_ref()?;
                let found = symbols::workspace_symbols(a, &p.query);
                Some(WorkspaceSymbolResponse::Flat(found))
            }),
            req::Completion::METHOD => answer::<req::Completion>(r, |p| {
                let pos = p.text_document_position;
                let uri = &pos.text_document.uri;
                let a = self.analysis.as_ref()?;
                let off = a.offset(a.file(uri)?, pos.position);
                let fallback = self.parsed_ok.get(uri).map(|a| a.as_ref());
                let items = complete::complete(a, fallback, uri, off);
                Some(CompletionResponse::Array(items))
            }),
            req::CodeActionRequest::METHOD => answer::<req::CodeActionRequest>(r, |p| {
                let a = self.analysis.as_ref()?;
                let uri = &p.text_document.uri;
                let mut actions = convert::code_actions(a, uri, p.range);
                actions.extend(deep::overrides_actions(
                    a,
                    &self.deep,
                    &self.docs,
                    &self.includes,
                    uri,
                    p.range,
                ));
                Some(actions)
            }),
            req::Formatting::METHOD => answer::<req::Formatting>(r, |p| {
                let doc = self.docs.get(&p.text_document.uri)?;
                Some(format_edits(&doc.path.display().to_string(), &doc.text))
            }),
            req::CodeLensRequest::METHOD => answer::<req::CodeLensRequest>(r, |p| {
                let a = self.analysis.as_ref()?;
                let file = a.file(&p.text_document.uri)?;
                Some(findings::lenses(a, &self.judgements, file))
            }),
            req::SemanticTokensFullRequest::METHOD => {
                answer::<req::SemanticTokensFullRequest>(r, |p| {
                    let uri = &p.text_document.uri;
                    let a = self.analysis.as_ref()?;
                    let data = tokens::compute(a, a.file(uri)?);
                    Some(self.tokens.full(uri, data).into())
                })
            }
            req::SemanticTokensFullDeltaRequest::METHOD => {
                answer::<req::SemanticTokensFullDeltaRequest>(r, |p| {
                    let uri = &p.text_document.uri;
                    let a = self.analysis.as_ref()?;
                    let data = tokens::compute(a, a.file(uri)?);
                    Some(self.tokens.delta(uri, &p.previous_result_id, data))
                })
            }
            req::PrepareRenameRequest::METHOD => try_answer::<req::PrepareRenameRequest>(r, |p| {
                let Some(a) = self.analysis.as_ref() else {
                    return Ok(None);
                };
                let Some(file) = a.file(&p.text_document.uri) else {
                    return Ok(None);
                };
                let off = a.offset(file, p.position);
                Ok(rename::prepare(a, file, off)?.map(|(range, placeholder)| {
                    lsp_types::PrepareRenameResponse::RangeWithPlaceholder { range, placeholder }
                }))
            }),
            req::Rename::METHOD => try_answer::<req::Rename>(r, |p| {
                let pos = p.text_document_position;
                let folder: Vec<PathBuf> = self
                    .folders
                    .iter()
                    .flat_map(|f| rename::folder_files(f))
                    .collect();
                let edit = rename::rename(
                    &self.docs,
                    &self.includes,
                    &folder,
                    &pos.text_document.uri,
                    pos.position,
                    &p.new_name,
                )?;
                Ok(Some(edit))
            }),
            _ => Response::new_err(
                r.id,
                ErrorCode::MethodNotFound as i32,
                format!("norma lsp does not handle `{}`", r.method),
            ),
        }
    }

    /// The analysis and the name at a position of an open document.
    fn target(&self, uri: &Url, pos: Position) -> Option<(&Analysis, navigate::Target)> {
        let a = self.analysis.as_deref()?;
        let file = a.file(uri)?;
        let off = a.offset(file, pos);
        Some((a, navigate::target_at(&a.session.program, file, off)?))
    }

    fn hover(&self, p: lsp_types::HoverParams) -> Option<Hover> {
        let pos = p.text_document_position_params;
        let (a, t) = self.target(&pos.text_document.uri, pos.position)?;
        let text = navigate::describe(&a.session.program, t.def)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(a.range(t.at)),
        })
    }
}
