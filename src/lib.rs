//! Norma: a compiler and checker for a small language of norms, red lines,
//! exceptions and incident reports. See ARCHITECTURE.md for the map.
#![deny(unsafe_code)]

pub mod analysis;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod driver;
pub mod eval;
pub mod fmt;
pub mod graph;
pub mod html;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod span;
pub mod stix;
pub mod syntax;
#[cfg(test)]
mod testing;
pub mod time;
