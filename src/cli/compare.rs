//! `norma compare A B`: load both texts in one run, ask the analysis for
//! every conflict between them, print it (human or JSON), and write the
//! witnesses to `--witness-dir` if asked.
//!
//! A text is a file, a folder, or a module path (`std::paris_call`,
//! `treaties::pact`): a path that exists on disk is read from disk;
//! otherwise a module path is loaded as if a file in the current folder
//! `use`d it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::output::{self, FailureKind};
use super::{ColorChoice, Format};
use crate::analysis::{self, replay::Replayer, CompareOptions};
use crate::diagnostics;
use crate::driver::{self, Session};
use crate::model::ModuleId;
use crate::resolve::loader;

/// The most events `--events` takes: past this the solver's work grows
/// faster than any draft needs.
pub const MAX_EVENTS: usize = 12;

pub struct CompareArgs<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub include: &'a [PathBuf],
    pub events: usize,
    pub witness_dir: Option<&'a Path>,
    pub format: Format,
    /// One HTML page instead of `format`'s text.
    pub html: bool,
    pub color: ColorChoice,
}

/// One side of the comparison as the command line gave it.
pub(super) enum TextArg {
    /// Files to read (a file, or every `.norma` file below a folder).
    Files(Vec<PathBuf>),
    Module(String),
}

fn is_module_path(s: &str) -> bool {
    !s.is_empty()
        && s.split("::").all(|seg| {
            let mut cs = seg.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

pub(super) fn text_arg(s: &str) -> Result<TextArg, String> {
    let p = Path::new(s);
    if p.exists() {
        return loader::norma_files(&[p.to_path_buf()])
            .map(TextArg::Files)
            .map_err(|e| e.message);
    }
    if is_module_path(s) {
        return Ok(TextArg::Module(s.to_string()));
    }
    Err(format!(
        "cannot read `{s}`: no such file or folder, and not a module path like `std::paris_call`"
    ))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The entry modules of one text after loading.
pub(super) fn entries(s: &Session, arg: &TextArg, synthetic: &str) -> Vec<ModuleId> {
    let modules = s.program.modules.iter().enumerate();
    match arg {
        TextArg::Files(files) => {
            let wanted: Vec<PathBuf> = files.iter().map(|f| canonical(f)).collect();
            modules
                .filter(|(_, m)| {
                    m.is_entry
                        && s.sources
                            .get(m.file)
                            .path
                            .as_ref()
                            .is_some_and(|p| wanted.contains(&canonical(p)))
                })
                .map(|(i, _)| ModuleId(i as u32))
                .collect()
        }
        TextArg::Module(name) => modules
            .filter(|(_, m)| m.name == *name && m.name != synthetic)
            .map(|(i, _)| ModuleId(i as u32))
            .collect(),
    }
}

/// Two modules of one run with the same name — `v1/text.norma` and
/// `v2/text.norma` are both `text` — cannot be told apart in a witness
/// (`use text;` reads one of them), so no answer about both can be
/// shown: the message that refuses them, naming both files and the way
/// out. `None` when every module's name is its own.
pub(super) fn same_named_modules(s: &Session) -> Option<String> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for m in &s.program.modules {
        let file = s.sources.get(m.file).name.as_str();
        match seen.get(m.name.as_str()) {
            Some(&first) if first != file => {
                return Some(format!(
                    "`{first}` and `{file}` are both the module `{name}`: a witness's \
                     `use {name};` cannot tell them apart. Rename one of the files (a file's \
                     module is its name), or put one of the texts under another module name; \
                     `norma diff OLD NEW` compares two versions of one text, each read on its own",
                    name = m.name
                ));
            }
            Some(_) => {}
            None => {
                seen.insert(&m.name, file);
            }
        }
    }
    None
}

/// A usage or I/O failure, in the format asked for (exit 2).
pub(super) fn fail(
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
    kind: FailureKind,
    message: &str,
) -> u8 {
    output::failure(format.wanted(), kind, message, out, err)
}

/// The two texts and `--events` of `compare` and `diff`, or the exit code
/// of the failure (already written).
pub(super) fn two_texts(
    a: &str,
    b: &str,
    events: usize,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(TextArg, TextArg), u8> {
    let (a, b) = match (text_arg(a), text_arg(b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return Err(fail(format, out, err, FailureKind::Io, &e)),
    };
    if !(1..=MAX_EVENTS).contains(&events) {
        let msg = format!("--events takes a number from 1 to {MAX_EVENTS}");
        return Err(fail(format, out, err, FailureKind::Usage, &msg));
    }
    Ok((a, b))
}

pub fn compare(args: &CompareArgs<'_>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (a, b) = match two_texts(args.a, args.b, args.events, args.format, out, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut paths = Vec::new();
    let mut texts = Vec::new();
    let mut includes: Vec<PathBuf> = args.include.to_vec();
    let synthetic = ["<command line: A>", "<command line: B>"];
    for (arg, name) in [(&a, synthetic[0]), (&b, synthetic[1])] {
        match arg {
            TextArg::Files(files) => {
                for f in files {
                    let dir = super::folder_of(f);
                    if !includes.contains(&dir) {
                        includes.push(dir);
                    }
                }
                paths.extend(files.iter().cloned());
            }
            TextArg::Module(m) => {
                texts.push((name.to_string(), PathBuf::from("."), format!("use {m};\n")));
                if !m.starts_with("std::") && !includes.contains(&PathBuf::from(".")) {
                    includes.push(PathBuf::from("."));
                }
            }
        }
    }
    let session = match driver::check_paths_and_texts(&paths, texts, args.include) {
        Ok(s) => s,
        Err(e) => return fail(args.format, out, err, FailureKind::Io, &e.message),
    };
    if session.has_errors() {
        let text = match args.format {
            Format::Json => format!(
                "{}\n",
                diagnostics::diagnostics_json(&session.sources, &session.diagnostics)
            ),
            Format::Human => diagnostics::render_human(
                &session.sources,
                &session.diagnostics,
                args.color.enabled(),
            ),
        };
        let _ = out.write_all(text.as_bytes());
        return 1;
    }
    if let Some(msg) = same_named_modules(&session) {
        return fail(args.format, out, err, FailureKind::Usage, &msg);
    }
    let (ea, eb) = (
        entries(&session, &a, synthetic[0]),
        entries(&session, &b, synthetic[1]),
    );
    for (side, e) in [(args.a, &ea), (args.b, &eb)] {
        if e.is_empty() {
            let msg = format!("`{side}` holds no module to compare");
            return fail(args.format, out, err, FailureKind::Usage, &msg);
        }
    }
    let replayer = Replayer {
        // The witness lives in `--witness-dir`, else in the first `-I`
        // folder: never the working folder, whose modules the printed
        // `norma test ... -I` command would not see either.
        dir: args.witness_dir.map_or_else(
            || {
                includes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from("."))
            },
            Path::to_path_buf,
        ),
        includes: includes.clone(),
        documents: Vec::new(),
    };
    let opts = CompareOptions {
        events: args.events,
        ..CompareOptions::default()
    };
    let result = analysis::compare(&session.program, &ea, &eb, &opts, &replayer);
    let program = &session.program;
    if let Some(code) =
        output::internal_failures("compare", args.format.wanted(), &result.failures, out, err)
    {
        return code;
    }
    let mut text = match args.format {
        _ if args.html => {
            let witnesses: Vec<_> = result
                .conflicts
                .iter()
                .map(|c| super::report::witness_session(&c.witness, &replayer))
                .collect();
            let replay = match args.witness_dir {
                Some(dir) => replay_command(Some(dir), &includes),
                None => format!(
                    "norma compare {} {} --witness-dir witnesses && {}",
                    args.a,
                    args.b,
                    replay_command(Some(Path::new("witnesses")), &includes)
                ),
            };
            crate::html::compare_page(&session, &result, &witnesses, &replay)
        }
        Format::Json => format!("{}\n", analysis::render::comparison_json(program, &result)),
        Format::Human => analysis::render::comparison_human(
            &session.sources,
            program,
            &result,
            args.color.enabled(),
        ),
    };
    if let Some(dir) = args.witness_dir {
        if let Err(e) = write_witnesses(dir, &result) {
            return fail(args.format, out, err, FailureKind::Io, &e);
        }
        if args.format == Format::Human && !args.html && !result.conflicts.is_empty() {
            let cmd = replay_command(Some(dir), &includes);
            text.push_str(&format!(
                "wrote {} witness{} to {}; replay them with:\n  {cmd}\n",
                result.conflicts.len(),
                if result.conflicts.len() == 1 {
                    ""
                } else {
                    "es"
                },
                dir.display()
            ));
        }
    }
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    u8::from(!result.conflicts.is_empty())
}

/// The command that replays the witnesses: `norma test DIR -I ...`
/// (`DIR` the folder `--witness-dir` wrote them to).
fn replay_command(dir: Option<&Path>, includes: &[PathBuf]) -> String {
    let mut cmd = format!("norma test {}", dir.unwrap_or(Path::new(".")).display());
    for i in includes {
        cmd.push_str(&format!(" -I {}", i.display()));
    }
    cmd
}

/// `DIR/conflict_N.norma`, one per conflict, the folder made if needed.
fn write_witnesses(dir: &Path, result: &analysis::Comparison) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the folder `{}`: {e}", dir.display()))?;
    for (n, c) in result.conflicts.iter().enumerate() {
        let path = dir.join(format!("conflict_{}.norma", n + 1));
        std::fs::write(&path, &c.witness)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}
