//! STIX 2.1 in and out: `norma import stix` (a bundle becomes a Norma
//! report that uses the standard library) and `norma eval --format stix`
//! (findings become a bundle of `note`s).
//!
//! Layout: `objects` parses the bundle with serde into our own small
//! structs (the Rust STIX crates are 0.1 releases that do not model the
//! Incident Core Extension); `mapping` is the vocabulary table (sectors,
//! regions, actor types, impacts → effects, time fidelity); `import`
//! decides entities, acts and attributions; `write` spells the report in
//! `norma fmt`'s layout; `export` writes findings.
//!
//! **Nothing is dropped silently**: every object of the bundle is an
//! entity or event (its STIX id in the `///` doc comment) or a line of the
//! "Not mapped" list at the top of the report, with its reason.
//! **Nothing is guessed**: a fact the bundle does not give is `?`.
//! **Bad input is an error, never a panic**: text that is not JSON or not
//! a bundle is an [`ImportError`]; an object that cannot be read is
//! listed. The output grows with the input, never faster: names and
//! labels taken from the bundle are clipped. This stage reads only public
//! APIs (the checked model, the evaluator's findings); it
//! never prints and never reads the clock.

mod export;
mod import;
mod mapping;
mod objects;
mod write;

pub use export::{stamp, stix_ids, FindingsStix};
pub use objects::INCIDENT_CORE;

/// Why a bundle could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The text is not JSON (serde's message, with line and column).
    NotJson(String),
    /// JSON, but not a STIX bundle.
    NotABundle(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NotJson(m) => write!(f, "the file is not JSON: {m}"),
            ImportError::NotABundle(m) => write!(f, "the file is not a STIX 2.1 bundle: {m}"),
        }
    }
}

/// A report written from a bundle.
#[derive(Debug)]
pub struct Imported {
    /// The report, formatted as `norma fmt` lays it out.
    pub text: String,
    pub entities: usize,
    pub events: usize,
    /// Objects listed as not mapped.
    pub skipped: usize,
}

/// Import a STIX 2.1 bundle (JSON text) as a Norma report.
pub fn import(text: &str) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bundle = objects::read(text)?;
    let built = import::build(&bundle, reserved_names());
    drop(bundle);
    Ok(Imported {
        text: built.render(),
        entities: built.entities.len(),
        events: built.events.len(),
        skipped: built.skipped.len(),
    })
}

/// Every name the standard library declares (types, members, actions,
/// constants, entities, norms): the report must not shadow one.
fn reserved_names() -> Vec<String> {
    let uses: String = write::uses()
        .iter()
        .map(|u| format!("use {u};\n"))
        .collect();
    let s = crate::driver::check_text("stix_reserved.norma", &uses);
    let p = &s.program;
    let mut names: Vec<String> = Vec::new();
    for e in &p.enums {
        names.push(e.name.clone());
        names.extend(e.members.iter().cloned());
    }
    names.extend(p.records.iter().map(|r| r.name.clone()));
    names.extend(p.actions.iter().map(|a| a.name.clone()));
    names.extend(p.consts.iter().map(|c| c.name.clone()));
    names.extend(p.entities.iter().map(|e| e.name.clone()));
    names.extend(p.norms.iter().map(|n| n.name.clone()));
    names.extend(p.exceptions.iter().map(|e| e.name.clone()));
    names
}
