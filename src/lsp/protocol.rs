//! The protocol's edges: what the server tells the client it can do
//! (`initialize`), what it reads from the client's `initialize`
//! (workspace folders, `-I` folders), how a request is answered or
//! refused, and the few answers that need no analysis (a log line, the
//! formatting edit). Nothing here reads the server's state.

use std::path::PathBuf;

use lsp_server::{ErrorCode, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request as req;
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, Position, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url,
};

use super::tokens;

pub(super) fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into(), "(".into(), ",".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_lens_provider: Some(lsp_types::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        semantic_tokens_provider: Some(
            lsp_types::SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(lsp_types::SemanticTokensFullOptions::Delta { delta: Some(true) }),
                range: None,
                work_done_progress_options: Default::default(),
            }
            .into(),
        ),
        ..Default::default()
    }
}

/// The workspace folders of the client's `initialize` (`workspaceFolders`,
/// else `rootUri`, else `rootPath`): where a rename looks for files.
pub(super) fn folders_from(params: &serde_json::Value) -> Vec<PathBuf> {
    let from_uri = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| u.to_file_path().ok())
    };
    let folders: Vec<PathBuf> = params
        .get("workspaceFolders")
        .and_then(|f| f.as_array())
        .map(|fs| fs.iter().filter_map(|f| from_uri(&f["uri"])).collect())
        .unwrap_or_default();
    if !folders.is_empty() {
        return folders;
    }
    if let Some(root) = params.get("rootUri").and_then(from_uri) {
        return vec![root];
    }
    params
        .get("rootPath")
        .and_then(|p| p.as_str())
        .map(|p| vec![PathBuf::from(p)])
        .unwrap_or_default()
}

/// `-I` folders from the client's `initializationOptions: {"include": [...]}`.
pub(super) fn includes_from(params: &serde_json::Value) -> Vec<PathBuf> {
    params
        .get("initializationOptions")
        .and_then(|o| o.get("include"))
        .and_then(|i| i.as_array())
        .map(|dirs| {
            dirs.iter()
                .filter_map(|d| d.as_str().map(PathBuf::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A `window/logMessage` notification.
pub(super) fn log_message(typ: lsp_types::MessageType, message: String) -> Notification {
    Notification::new(
        notif::LogMessage::METHOD.to_string(),
        lsp_types::LogMessageParams {
            typ,
            message: format!("norma: {message}"),
        },
    )
}

/// The edits that lay out a document canonically (`norma fmt`): one edit
/// replacing the whole text, or none when it is already formatted or does
/// not parse (its diagnostics are already shown).
pub(super) fn format_edits(name: &str, text: &str) -> Vec<TextEdit> {
    match crate::syntax::literate::format_any(name, text) {
        Ok(formatted) if formatted != text => {
            let file = crate::span::SourceFile::new(String::new(), None, text.to_string());
            let end = file.line_col_utf16(text.len());
            vec![TextEdit {
                range: lsp_types::Range::new(
                    Position::new(0, 0),
                    Position::new(end.line, end.character),
                ),
                new_text: formatted,
            }]
        }
        _ => Vec::new(),
    }
}

/// Answer a request of type `R` with `f`, whose error is told to the user
/// (a refused rename), or with an error if its parameters do not parse.
pub(super) fn try_answer<R>(
    r: Request,
    f: impl FnOnce(R::Params) -> Result<R::Result, String>,
) -> Response
where
    R: req::Request,
{
    match serde_json::from_value::<R::Params>(r.params) {
        Ok(params) => match f(params) {
            Ok(result) => Response::new_ok(r.id, result),
            Err(message) => Response::new_err(r.id, ErrorCode::RequestFailed as i32, message),
        },
        Err(e) => Response::new_err(
            r.id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for `{}`: {e}", R::METHOD),
        ),
    }
}

/// Answer a request of type `R` with `f`, or with an error if its
/// parameters do not parse.
pub(super) fn answer<R>(r: Request, f: impl FnOnce(R::Params) -> R::Result) -> Response
where
    R: req::Request,
{
    match serde_json::from_value::<R::Params>(r.params) {
        Ok(params) => Response::new_ok(r.id, f(params)),
        Err(e) => Response::new_err(
            r.id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for `{}`: {e}", R::METHOD),
        ),
    }
}
