//! `norma diff OLD NEW`: load each version on its own (as `norma check`
//! would, with its own folder), ask the analysis what changed, print it.
//! A difference is not an error: exit 0 whatever changed, 1 on errors in
//! either version, 2 on usage or I/O failures (or an internal error).

use std::io::Write;
use std::path::PathBuf;

use super::compare::{entries, fail, two_texts, TextArg};
use super::output::{self, FailureKind};
use super::{ColorChoice, Format};
use crate::analysis::diff::{self, VersionInput};
use crate::analysis::{replay::Replayer, CompareOptions};
use crate::diagnostics;
use crate::driver::{self, Session};
use crate::model::ModuleId;

pub struct DiffArgs<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub include: &'a [PathBuf],
    pub events: usize,
    pub format: Format,
    /// One HTML page instead of `format`'s text.
    pub html: bool,
    pub color: ColorChoice,
}

/// One version, checked.
struct Loaded {
    session: Session,
    entries: Vec<ModuleId>,
    replayer: Replayer,
}

/// Load one version: its files (or module), with `-I` and its own folders.
fn load(arg: &TextArg, include: &[PathBuf], synthetic: &str) -> Result<Loaded, String> {
    let mut includes: Vec<PathBuf> = include.to_vec();
    let mut paths = Vec::new();
    let mut texts = Vec::new();
    let mut home = None;
    match arg {
        TextArg::Files(files) => {
            for f in files {
                let dir = super::folder_of(f);
                home.get_or_insert_with(|| dir.clone());
                if !includes.contains(&dir) {
                    includes.push(dir);
                }
            }
            paths.extend(files.iter().cloned());
        }
        TextArg::Module(m) => {
            texts.push((
                synthetic.to_string(),
                PathBuf::from("."),
                format!("use {m};\n"),
            ));
            if !m.starts_with("std::") && !includes.contains(&PathBuf::from(".")) {
                includes.push(PathBuf::from("."));
            }
        }
    }
    let session = driver::check_paths_and_texts(&paths, texts, include).map_err(|e| e.message)?;
    let entries = entries(&session, arg, synthetic);
    Ok(Loaded {
        session,
        entries,
        replayer: Replayer {
            // Never the working folder (see `compare`).
            dir: home
                .or_else(|| includes.first().cloned())
                .unwrap_or_else(|| PathBuf::from(".")),
            includes,
            documents: Vec::new(),
        },
    })
}

pub fn diff(args: &DiffArgs<'_>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let (a, b) = match two_texts(args.old, args.new, args.events, args.format, out, err) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut loaded = Vec::new();
    for (arg, name) in [(&a, "<command line: OLD>"), (&b, "<command line: NEW>")] {
        match load(arg, args.include, name) {
            Ok(l) => loaded.push(l),
            Err(e) => return fail(args.format, out, err, FailureKind::Io, &e),
        }
    }
    // Errors in either version: the diagnostics of both, in one output.
    if loaded.iter().any(|l| l.session.has_errors()) {
        let text = match args.format {
            Format::Json => {
                let mut all = Vec::new();
                for l in &loaded {
                    let v =
                        diagnostics::diagnostics_json(&l.session.sources, &l.session.diagnostics);
                    all.push(v);
                }
                merge_json(all)
            }
            Format::Human => loaded
                .iter()
                .map(|l| {
                    diagnostics::render_human(
                        &l.session.sources,
                        &l.session.diagnostics,
                        args.color.enabled(),
                    )
                })
                .collect::<String>(),
        };
        let _ = out.write_all(text.as_bytes());
        return 1;
    }
    for (side, l) in [(args.old, &loaded[0]), (args.new, &loaded[1])] {
        if l.entries.is_empty() {
            let msg = format!("`{side}` holds no module to compare");
            return fail(args.format, out, err, FailureKind::Usage, &msg);
        }
    }
    let opts = CompareOptions {
        events: args.events,
        ..CompareOptions::default()
    };
    let result = diff::diff(&input(&loaded[0]), &input(&loaded[1]), &opts);
    if let Some(code) =
        output::internal_failures("diff", args.format.wanted(), &result.failures, out, err)
    {
        return code;
    }
    let text = match args.format {
        _ if args.html => {
            let witnesses: Vec<Vec<_>> = result
                .norms
                .iter()
                .map(|n| {
                    n.witnesses
                        .iter()
                        .map(|w| {
                            let side = match w.holds_under {
                                crate::analysis::diff::Side::Old => &loaded[0],
                                crate::analysis::diff::Side::New => &loaded[1],
                            };
                            let mut cmd = String::from("norma test witness.norma");
                            for i in &side.replayer.includes {
                                cmd.push_str(&format!(" -I {}", i.display()));
                            }
                            (
                                super::report::witness_session(&w.witness, &side.replayer),
                                cmd,
                            )
                        })
                        .collect()
                })
                .collect();
            // Each norm's text in each version, found by its name.
            let text_of = |l: &Loaded, name: &Option<String>| {
                let name = name.as_deref()?;
                let p = &l.session.program;
                let n = p.norms.iter().find(|n| n.qualified == name)?;
                Some(l.session.sources.text(n.span).to_string())
            };
            let texts: Vec<_> = result
                .norms
                .iter()
                .map(|n| (text_of(&loaded[0], &n.old), text_of(&loaded[1], &n.new)))
                .collect();
            crate::html::diff_page(&result, &texts, &witnesses)
        }
        Format::Json => format!("{}\n", crate::analysis::render::diff_json(&result)),
        Format::Human => crate::analysis::render::diff_human(&result),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    0
}

fn input(l: &Loaded) -> VersionInput<'_> {
    VersionInput {
        program: &l.session.program,
        entries: &l.entries,
        replayer: &l.replayer,
    }
}

/// The diagnostics objects of both versions as one (their lists joined).
fn merge_json(all: Vec<serde_json::Value>) -> String {
    let mut iter = all.into_iter();
    let Some(mut first) = iter.next() else {
        return "{}\n".into();
    };
    for v in iter {
        if let (Some(a), Some(b)) = (
            first.get_mut("diagnostics").and_then(|d| d.as_array_mut()),
            v.get("diagnostics").and_then(|d| d.as_array()),
        ) {
            a.extend(b.iter().cloned());
        }
        for key in ["errors", "warnings"] {
            let add = v["summary"][key].as_u64().unwrap_or(0);
            if let Some(n) = first.get_mut("summary").and_then(|s| s.get_mut(key)) {
                *n = serde_json::json!(n.as_u64().unwrap_or(0) + add);
            }
        }
    }
    format!("{first}\n")
}
