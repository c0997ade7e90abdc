//! The `norma` command line: argument parsing (clap) and the commands.
//! Commands return an exit code and write to the given output; they never
//! call `process::exit` themselves.
//!
//! Exit codes (§8): 0 clean, 1 findings or errors in the input, 2 usage or
//! I/O failure.

mod check;
mod compare;
mod diff;
mod doc;
mod eval;
mod fmt;
mod graph;
mod help;
mod import;
pub mod output;
mod report;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "norma",
    version,
    about = "Check norms, red lines and incident reports written in Norma",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Colour on? `auto` means: stdout is a terminal and NO_COLOR is unset.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
}

/// Output of `eval`, `test`, `explain`, `fmt` and `lsp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The formats of the commands whose answer a person may read in a
/// browser: `html` writes one self-contained page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
    Html,
}

impl ReportFormat {
    /// The format of what is not the page: errors in the input and
    /// failures are written for a person (on stderr) when HTML was asked.
    fn plain(self) -> Format {
        match self {
            ReportFormat::Json => Format::Json,
            ReportFormat::Human | ReportFormat::Html => Format::Human,
        }
    }
}

/// Output of `eval`: also `html` (one self-contained page) and `stix`
/// (the findings as a STIX 2.1 bundle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Human,
    Json,
    Html,
    Stix,
}

impl EvalFormat {
    /// The format of failures: a STIX bundle is asked for by a program,
    /// so its failures are JSON on stdout; HTML's are for a person.
    fn base(self) -> Format {
        match self {
            EvalFormat::Human | EvalFormat::Html => Format::Human,
            EvalFormat::Json | EvalFormat::Stix => Format::Json,
        }
    }
}

/// What `norma import` reads.
#[derive(Subcommand, Debug)]
pub enum ImportSource {
    /// A STIX 2.1 bundle (JSON) as a Norma report that uses the standard
    /// library: States, assets and actors from identities, locations and
    /// groups; acts from incidents, campaigns and sightings; attributions
    /// by States. Objects not mapped are listed at the top with why.
    Stix {
        /// The bundle file.
        bundle: PathBuf,
        /// Write the report to FILE instead of stdout.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

impl CheckFormat {
    fn wanted(self) -> output::Wanted {
        match self {
            CheckFormat::Human => output::Wanted::Human,
            CheckFormat::Json => output::Wanted::Json,
            CheckFormat::Sarif => output::Wanted::Sarif,
        }
    }
}

impl Format {
    fn wanted(self) -> output::Wanted {
        match self {
            Format::Human => output::Wanted::Human,
            Format::Json => output::Wanted::Json,
        }
    }
}

impl GraphFormat {
    fn wanted(self) -> output::Wanted {
        match self {
            GraphFormat::Json => output::Wanted::Json,
            GraphFormat::Dot | GraphFormat::Mermaid => output::Wanted::Human,
        }
    }
}

/// Options every command that reads sources takes.
#[derive(clap::Args, Debug, Clone)]
pub struct Inputs {
    /// Files or folders: `.norma` files, and literate `.norma.md` files
    /// (Markdown whose ```norma blocks are the code); a folder stands for
    /// every file of both kinds below it.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Another directory to search for modules named in `use` (repeatable,
    /// searched in order after the entry file's directory).
    #[arg(short = 'I', value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse, resolve, type-check and lint files or folders.
    Check {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
        /// Also the semantic lints W0006–W0009: norms that never apply,
        /// exceptions that never hold, norms always defeated, conflicts
        /// within a text (scenarios of at most 4 events, with a solver).
        #[arg(long)]
        deep: bool,
        /// With `--deep`: the most events a scenario may have (1 to 12).
        #[arg(long, value_name = "K", requires = "deep")]
        events: Option<usize>,
    },
    /// Print the dependency graph of the declarations, grouped by module:
    /// norms, red lines, exceptions, reports, and the actions they name.
    Graph {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
        /// Keep every declaration, also the actions nothing refers to
        /// (left out by default).
        #[arg(long)]
        all: bool,
        /// Also an edge for each conflict the analysis finds (dashed,
        /// labelled `permit_forbid` or `duty_forbid`): within each file, as
        /// `check --deep` finds them, and between every two files, as
        /// `norma compare` does (scenarios of at most 4 events).
        #[arg(long)]
        conflicts: bool,
    },
    /// Judge reports against the norms in force; print the findings.
    Eval {
        #[command(flatten)]
        inputs: Inputs,
        /// Only the report with this name.
        #[arg(long)]
        report: Option<String>,
        /// `html`: one self-contained page; `stix`: the findings as a
        /// STIX 2.1 bundle of notes.
        #[arg(long, value_enum, default_value = "human")]
        format: EvalFormat,
    },
    /// Write a Norma report from another format (`norma import stix BUNDLE`).
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Check every `expect` of every report; ends with `N passed, N failed`.
    Test {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Why each finding on one event holds: bindings, conditions, exceptions.
    Explain {
        #[command(flatten)]
        inputs: Inputs,
        #[arg(long)]
        report: String,
        #[arg(long)]
        event: String,
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
    },
    /// Can both texts be followed at once? Every conflict between a norm
    /// in force for A alone and one in force for B alone, each with a
    /// witness report replayed by the evaluator.
    Compare {
        /// The first text: a file, a folder, or a module path (`std::osce`).
        a: String,
        /// The second text.
        b: String,
        /// Another directory to search for modules named in `use`.
        #[arg(short = 'I', value_name = "DIR")]
        include: Vec<PathBuf>,
        /// The most events a scenario may have (1 to 12).
        #[arg(long, value_name = "K", default_value_t = 4)]
        events: usize,
        /// Write each witness to DIR/conflict_N.norma.
        #[arg(long, value_name = "DIR")]
        witness_dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
        /// Colour in human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
    },
    /// What does a new version of a text change? Each norm (matched by
    /// name) is stricter, looser, changed or unchanged for every scenario of
    /// at most K events, or added, removed or renamed (same findings, new
    /// name); a changed severity or response is shown beside the status;
    /// each difference comes with a scenario replayed by the evaluator
    /// under each version.
    Diff {
        /// The old version: a file, a folder, or a module path.
        old: String,
        /// The new version.
        new: String,
        /// Another directory to search for modules named in `use`.
        #[arg(short = 'I', value_name = "DIR")]
        include: Vec<PathBuf>,
        /// The most events a scenario may have (1 to 12).
        #[arg(long, value_name = "K", default_value_t = 4)]
        events: usize,
        #[arg(long, value_enum, default_value = "human")]
        format: ReportFormat,
        /// Colour in human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
    },
    /// Write a static site of the rule set: a page per module with its
    /// prose, norms, exceptions and graph, an index and a search box.
    Doc {
        #[command(flatten)]
        inputs: Inputs,
        /// The folder to write the site to (created if missing).
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
    },
    /// Lay out files in the canonical style, keeping every comment; print
    /// the result, rewrite the files (--write) or check them (--check).
    Fmt {
        /// Files or folders: `.norma` files, and literate `.norma.md` files
        /// (Markdown whose ```norma blocks are the code); a folder stands for
        /// every file of both kinds below it.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rewrite each file that is not formatted, in place.
        #[arg(long, conflicts_with = "check")]
        write: bool,
        /// Change nothing; print a diff for each file that is not formatted
        /// and exit 1 if there is one.
        #[arg(long)]
        check: bool,
        /// Colour in diagnostics and diffs.
        #[arg(long, value_enum, default_value = "auto")]
        color: ColorChoice,
        /// `json`: one object listing each file with its formatted text
        /// (print), whether it changed (write) or its diff (check).
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Explain a diagnostic code (`norma help E0201`), print a built-in
    /// standard-library module (`norma help std::core`), list the codes
    /// (`norma help codes`) or show a command's usage (`norma help check`).
    Help {
        /// A code, `codes`, `std`, `std::NAME` or a command.
        topic: Option<String>,
    },
    /// Run the language server on stdin/stdout (for editors).
    Lsp {
        /// Accepted for uniformity with the other commands (§8); the
        /// server always speaks LSP's JSON-RPC.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Accepted for uniformity; the server writes no coloured text.
        #[arg(long, value_enum, default_value = "never")]
        color: ColorChoice,
    },
}

/// Report a command line that does not parse (clap's error, or its help
/// or version text); returns the exit code. With `--format json|sarif`
/// among the arguments, a usage error is a JSON object on stdout.
/// The folder of a file named on the command line (`.` for a bare name):
/// where its `use` lines look first.
pub(crate) fn folder_of(file: &std::path::Path) -> std::path::PathBuf {
    file.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(
            || std::path::PathBuf::from("."),
            std::path::Path::to_path_buf,
        )
}

pub fn usage_error(e: &clap::Error, args: &[std::ffi::OsString]) -> u8 {
    if !e.use_stderr() {
        let _ = e.print();
        return 0;
    }
    let wanted = output::requested_format(args);
    if wanted == output::Wanted::Human {
        let _ = e.print();
        return 2;
    }
    let message = e.render().to_string();
    let message = message.trim_end().trim_start_matches("error: ");
    output::failure(
        wanted,
        output::FailureKind::Usage,
        message,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
}

/// A large checked program is freed on a thread of its own once its
/// command has answered: the exit does not wait for a million small frees
/// (the process may end before they are done; the memory is the
/// system's again either way).
fn release(s: crate::driver::Session) {
    let events: usize = s.program.reports.iter().map(|r| r.events.len()).sum();
    let large = events + s.program.norms.len() >= 100_000;
    release_if(s, large);
}

/// `value` freed on a thread of its own if it is `large` (see [`release`]).
fn release_if<T: Send + 'static>(value: T, large: bool) {
    if large {
        std::thread::spawn(move || drop(value));
    }
}

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match cli.command {
        Command::Check {
            inputs,
            format,
            deep,
            events,
        } => check::check(
            &inputs,
            format,
            deep.then(|| events.unwrap_or(crate::analysis::CompareOptions::default().events)),
            out,
            err,
        ),
        Command::Graph {
            inputs,
            format,
            all,
            conflicts,
        } => graph::graph(
            &inputs,
            &graph::GraphArgs {
                format,
                all,
                conflicts,
            },
            out,
            err,
        ),
        Command::Eval {
            inputs,
            report,
            format,
        } => match format {
            EvalFormat::Html => report::eval(&inputs, report.as_deref(), out, err),
            f => eval::eval(&inputs, report.as_deref(), f, out, err),
        },
        Command::Import {
            source:
                ImportSource::Stix {
                    bundle,
                    output,
                    format,
                },
        } => import::import_stix(&bundle, output.as_deref(), format, out, err),
        Command::Doc { inputs, out: dir } => doc::doc(&inputs, &dir, out, err),
        Command::Test { inputs, format } => eval::test(&inputs, format, out, err),
        Command::Explain {
            inputs,
            report,
            event,
            format,
        } => match format {
            ReportFormat::Html => report::explain(&inputs, &report, &event, out, err),
            f => eval::explain(&inputs, &report, &event, f.plain(), out, err),
        },
        Command::Compare {
            a,
            b,
            include,
            events,
            witness_dir,
            format,
            color,
        } => compare::compare(
            &compare::CompareArgs {
                a: &a,
                b: &b,
                include: &include,
                events,
                witness_dir: witness_dir.as_deref(),
                format: format.plain(),
                html: format == ReportFormat::Html,
                color,
            },
            out,
            err,
        ),
        Command::Diff {
            old,
            new,
            include,
            events,
            format,
            color,
        } => diff::diff(
            &diff::DiffArgs {
                old: &old,
                new: &new,
                include: &include,
                events,
                format: format.plain(),
                html: format == ReportFormat::Html,
                color,
            },
            out,
            err,
        ),
        Command::Fmt {
            paths,
            write,
            check,
            color,
            format,
        } => {
            let mode = if write {
                fmt::FmtMode::Write
            } else if check {
                fmt::FmtMode::Check
            } else {
                fmt::FmtMode::Print
            };
            fmt::fmt(&paths, mode, color, format, out, err)
        }
        Command::Help { topic } => help::help(topic.as_deref(), out, err),
        Command::Lsp { .. } => match crate::lsp::run() {
            Ok(()) => 0,
            Err(e) => {
                let _ = writeln!(err, "error: language server: {e}");
                2
            }
        },
    }
}
