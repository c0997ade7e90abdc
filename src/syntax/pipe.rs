//! A large file is lexed on a second thread while the grammar reads it.
//!
//! From [`THRESHOLD`] bytes on, the lexer and the event fold
//! ([`super::events::Fold`]) run on a thread of their own and hand the
//! parser its tokens in chunks. The doc comments the grammar reads come
//! with the chunk of the token they document (or an earlier one), and the
//! lexer's record (its diagnostics, where it stopped) is merged into the
//! caller's when the parse is over: the parser sees exactly the tokens and
//! docs of the one-thread path, and the record is the same.

use std::cell::RefCell;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::events::{Fold, Located};
use super::lexer::{LexOutput, Recording, Tok};
use crate::span::FileId;

/// Files this large or larger are lexed on a second thread (8 MB): below
/// it, the second thread saves a few milliseconds and costs memory (its
/// own allocator heap: 13 MB more for the 3 MB check benchmark).
pub const THRESHOLD: usize = 8 << 20;

/// Tokens per chunk handed to the parser: small enough to stay in the
/// cache between the two threads (their buffers go back and forth).
const CHUNK: usize = 1024;

/// Chunks in flight: the lexer runs at most this far ahead.
const IN_FLIGHT: usize = 16;

struct Chunk<'a> {
    tokens: Vec<Located<'a>>,
    /// The doc comments lexed since the last chunk, by the offset of the
    /// token each documents.
    docs: Vec<(usize, String)>,
}

/// The tokens the lexer thread sends, with their docs put into `lexed`
/// before any of a chunk's tokens is handed out.
pub struct Received<'a, 'l> {
    rx: Receiver<Chunk<'a>>,
    /// Read buffers go back to the lexer to be filled again.
    back: SyncSender<Vec<Located<'a>>>,
    lexed: &'l RefCell<LexOutput>,
    tokens: Vec<Located<'a>>,
    /// The next token of `tokens` to hand out.
    next: usize,
}

impl<'a> Iterator for Received<'a, '_> {
    type Item = Located<'a>;

    fn next(&mut self) -> Option<Located<'a>> {
        loop {
            if let Some(slot) = self.tokens.get_mut(self.next) {
                self.next += 1;
                // What is left in its place is never read again.
                return Some(std::mem::replace(slot, (0, Tok::Comma, 0)));
            }
            let chunk = self.rx.recv().ok()?;
            if !chunk.docs.is_empty() {
                self.lexed.borrow_mut().docs.extend(chunk.docs);
            }
            let mut read = std::mem::replace(&mut self.tokens, chunk.tokens);
            self.next = 0;
            read.clear();
            // The lexer may have stopped: then the buffer is dropped here.
            let _ = self.back.try_send(read);
        }
    }
}

/// Run `parse` on the folded tokens of `text`, lexed and folded on a
/// second thread; the lexer's record ends up in `lexed`, as if `parse` had
/// read a [`Fold`] of a [`Recording`] of it (`quick` as
/// [`Recording::quick`]).
pub fn parse<'a, R>(
    file: FileId,
    text: &'a str,
    lexed: &RefCell<LexOutput>,
    quick: bool,
    parse: impl FnOnce(Received<'a, '_>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Chunk<'a>>(IN_FLIGHT);
        let (back, empty) = sync_channel::<Vec<Located<'a>>>(IN_FLIGHT + 2);
        let lexer = scope.spawn(move || {
            let own = RefCell::new(LexOutput::default());
            {
                let recording = Recording::new(file, text, &own).quick(quick).logging_docs();
                let mut tokens = Fold::new(recording, &own);
                loop {
                    let mut chunk = empty
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
                    chunk.extend(tokens.by_ref().take(CHUNK));
                    let last = chunk.len() < CHUNK;
                    // A doc comment is recorded as the token it documents
                    // is lexed: with that token's chunk, or an earlier one
                    // (the fold reads ahead).
                    let docs = tokens.inner_mut().take_docs();
                    // The parser may stop early (a syntax error): then
                    // nobody receives, and the lexer stops too.
                    if tx
                        .send(Chunk {
                            tokens: chunk,
                            docs,
                        })
                        .is_err()
                        || last
                    {
                        break;
                    }
                }
            }
            own.into_inner()
        });
        let received = Received {
            rx,
            back,
            lexed,
            tokens: Vec::new(),
            next: 0,
        };
        let result = parse(received);
        let own = lexer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let mut out = lexed.borrow_mut();
        out.diagnostics.extend(own.diagnostics);
        out.truncated_at = out.truncated_at.or(own.truncated_at);
        result
    })
}
