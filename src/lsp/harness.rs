//! The server without its transport, for fuzzing and tests: messages in,
//! answers and notifications out, in the calling thread. The standard
//! library is not written to a cache folder.

use std::time::Duration;

use lsp_server::{Notification, Request, Response};

use super::state::StdCache;
use super::Server;

/// One server, as a client would drive it after `initialize`.
pub struct Harness {
    server: Server,
}

impl Default for Harness {
    fn default() -> Harness {
        Harness::new()
    }
}

impl Harness {
    pub fn new() -> Harness {
        Harness {
            server: Server::new(Vec::new(), StdCache::none()),
        }
    }

    /// The same server with another time budget for the deep lints run
    /// on save (the server's is 300 ms).
    pub fn with_deep_budget(budget: Duration) -> Harness {
        let mut h = Harness::new();
        h.server.deep_budget = budget;
        h
    }

    /// The same server with a workspace folder, whose Norma files a
    /// rename also edits (an editor's `rootUri`).
    pub fn with_folder(folder: std::path::PathBuf) -> Harness {
        let mut h = Harness::new();
        h.server.folders = vec![folder];
        h
    }

    /// A notification; the messages logged and the diagnostics published
    /// after it, if it changed the documents.
    pub fn notify(&mut self, n: Notification) -> Vec<Notification> {
        if self.server.notification(n) {
            self.server.reanalyze()
        } else {
            Vec::new()
        }
    }

    /// A request and its answer.
    pub fn request(&mut self, r: Request) -> Response {
        self.server.request(r)
    }
}
