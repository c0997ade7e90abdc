//! `norma help [TOPIC]`: the page of a diagnostic code (`norma help E0201`,
//! like `rustc --explain`), the source of a standard-library module
//! (`norma help std::core`), the list of codes (`norma help codes`), or the
//! usage of a command (`norma help check`). Pages live in `docs/codes/` and
//! are built into the binary, so an installed `norma` has them.

use std::io::Write;

use clap::CommandFactory;

use crate::diagnostics::{nearest, page, PAGES};
use crate::resolve::loader::stdlib_modules;

use super::Cli;

/// Print the help on `topic`; returns the exit code (2 for an unknown topic).
pub fn help(topic: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut cli = Cli::command();
    // Built, so that a subcommand's usage reads `norma check`, not `check`.
    cli.build();
    let Some(topic) = topic else {
        let _ = writeln!(out, "{}", cli.render_long_help());
        let _ = writeln!(out, "{TOPICS}");
        return 0;
    };
    if let Some(text) = page(topic) {
        let _ = write!(out, "{text}");
        return 0;
    }
    if topic == "codes" {
        for (code, text) in PAGES {
            let title = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches('#')
                .trim();
            let _ = writeln!(
                out,
                "{code}  {}",
                title
                    .trim_start_matches(code)
                    .trim_start_matches([' ', ':', '-', '—'])
            );
        }
        return 0;
    }
    if topic == "std" {
        for (name, _) in stdlib_modules() {
            let _ = writeln!(out, "std::{name}");
        }
        let _ = writeln!(out, "\n`norma help std::NAME` prints a module's source.");
        return 0;
    }
    if let Some(name) = topic.strip_prefix("std::") {
        if let Some((_, text)) = stdlib_modules().find(|(n, _)| *n == name) {
            let _ = write!(out, "{text}");
            return 0;
        }
    }
    if let Some(sub) = cli.find_subcommand_mut(topic) {
        let _ = writeln!(out, "{}", sub.render_long_help());
        return 0;
    }
    let mut known: Vec<String> = PAGES.iter().map(|(c, _)| c.to_string()).collect();
    known.extend(stdlib_modules().map(|(n, _)| format!("std::{n}")));
    known.extend(cli.get_subcommands().map(|s| s.get_name().to_string()));
    let _ = write!(err, "error: no help on `{topic}`");
    match nearest(topic, known.iter().map(String::as_str)) {
        Some(s) => {
            let _ = writeln!(err, "; did you mean `{s}`?");
        }
        None => {
            let _ = writeln!(err);
        }
    }
    let _ = writeln!(err, "{TOPICS}");
    2
}

const TOPICS: &str = "Help topics: `norma help CODE` (a diagnostic code such as E0201), \
`norma help codes` (all of them), `norma help std` and `norma help std::NAME` \
(the built-in standard library), `norma help COMMAND`.";
