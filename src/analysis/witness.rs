//! A scenario written as a report a person can read and `norma test` can
//! replay: `use` lines, entities with every field, events named in the
//! evaluator's order, `as_of`, and the `expect` line it shows.
//!
//! Names: events are `event_N_ACTION` (N zero-padded, so that the order
//! of names is the order of slots and the evaluator orders simultaneous
//! events as the solver did), fresh entities `witness_RECORD_N`. A name
//! that two used modules both declare is written qualified.

use std::collections::HashMap;

use crate::model::{ModuleId, NormId, Program};

use super::compare::ConflictKind;
use super::scenario::{FactVal, Facts};

pub(crate) struct WitnessSpec {
    /// The report's name (`conflict_1`).
    pub report: String,
    pub kind: ConflictKind,
    pub first: NormId,
    pub other: NormId,
    /// The slot that carries the conflict.
    pub slot: usize,
    /// K, for the header.
    pub events: usize,
    /// Modules whose norms must be in force.
    pub uses: Vec<ModuleId>,
}

pub(crate) struct Written {
    pub text: String,
    /// The text without its comments and report header: two witnesses
    /// with the same scenario have the same one.
    pub scenario: String,
    /// The name of the event the `expect` line names.
    pub event: String,
}

/// How a declaration of a module is written from the witness.
struct Namer<'p> {
    program: &'p Program,
    uses: Vec<ModuleId>,
}

impl Namer<'_> {
    fn need(&mut self, m: ModuleId) {
        if !self.uses.contains(&m) {
            self.uses.push(m);
        }
    }

    /// Names declared by the module (what a whole-module `use` makes
    /// visible).
    fn declares(&self, m: ModuleId, name: &str) -> bool {
        let p = self.program;
        p.enums.iter().any(|d| d.module == m && d.name == name)
            || p.records.iter().any(|d| d.module == m && d.name == name)
            || p.actions.iter().any(|d| d.module == m && d.name == name)
            || p.consts.iter().any(|d| d.module == m && d.name == name)
            || p.entities
                .iter()
                .any(|d| d.module == m && d.report.is_none() && d.name == name)
            || p.norms.iter().any(|d| d.module == m && d.name == name)
            || p.exceptions.iter().any(|d| d.module == m && d.name == name)
            || p.reports.iter().any(|d| d.module == m && d.name == name)
    }

    /// `name`, or `module::name` where another used module declares it too.
    fn write(&self, m: ModuleId, name: &str) -> String {
        let clashes = self
            .uses
            .iter()
            .filter(|&&u| u != m && self.declares(u, name))
            .count();
        if clashes == 0 {
            name.to_string()
        } else {
            format!("{}::{name}", self.program.modules[m.index()].name)
        }
    }
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How the values of a witness are spelled.
struct Names<'a> {
    program: &'a Program,
    namer: &'a Namer<'a>,
    entities: &'a [String],
    events: &'a [String],
}

impl Names<'_> {
    fn show(&self, v: &FactVal) -> String {
        let program = self.program;
        match v {
            FactVal::Bool(b) => b.to_string(),
            FactVal::Int(i) => i.to_string(),
            FactVal::Time(t) => crate::time::format_time(*t),
            FactVal::Duration(d) => crate::time::format_duration(*d),
            FactVal::Enum(e, m) => program.enums[e.index()].members[*m as usize].clone(),
            FactVal::Declared(id) => {
                let d = program.entity(*id);
                self.namer.write(d.module, &d.name)
            }
            FactVal::Fresh(i) => self.entities[*i].clone(),
            FactVal::Text(t) => quote(t),
            FactVal::Event(j) => self.events.get(*j).cloned().unwrap_or_else(|| "?".into()),
            FactVal::Set(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|i| self.show(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A report to write from a scenario: its name and title, a header
/// comment, the modules it must use, and norms whose modules it must use
/// (those its `expect` lines name).
pub(crate) struct ReportSpec {
    pub report: String,
    pub title: String,
    pub header: String,
    pub uses: Vec<ModuleId>,
    pub also: Vec<NormId>,
}

/// A written scenario, waiting for its `expect` lines.
pub(crate) struct Body {
    head: String,
    /// The events' names, by slot.
    pub events: Vec<String>,
    uses: Vec<ModuleId>,
}

impl Body {
    /// The whole report with these `expect` lines (each one line, `;` included).
    pub fn text_with(&self, expects: &[String]) -> String {
        let mut text = self.head.clone();
        for e in expects {
            text.push_str(&format!("  {e}\n"));
        }
        text.push_str("}\n");
        text
    }

    /// How the report names a norm: unqualified unless two used modules
    /// declare the name.
    pub fn name_of_norm(&self, program: &Program, norm: NormId) -> String {
        let namer = Namer {
            program,
            uses: self.uses.clone(),
        };
        let def = program.norm(norm);
        namer.write(def.module, &def.name)
    }
}

/// Write a scenario as a report (without its `expect` lines).
pub(crate) fn write_report(program: &Program, facts: &Facts, spec: &ReportSpec) -> Body {
    let mut namer = Namer {
        program,
        uses: spec.uses.clone(),
    };
    // Every module a written name comes from is used.
    for e in &facts.entities {
        namer.need(program.records[e.record.index()].module);
    }
    for ev in &facts.events {
        namer.need(program.action(ev.action).module);
    }
    let mut declared_refs = Vec::new();
    fn note(v: &FactVal, out: &mut Vec<crate::model::EntityId>) {
        match v {
            FactVal::Declared(id) => out.push(*id),
            FactVal::Set(items) => items.iter().for_each(|i| note(i, out)),
            _ => {}
        }
    }
    facts
        .entities
        .iter()
        .flat_map(|e| &e.fields)
        .chain(facts.events.iter().flat_map(|e| &e.args))
        .for_each(|v| note(v, &mut declared_refs));
    for id in declared_refs {
        namer.need(program.entity(id).module);
    }
    for &n in &spec.also {
        namer.need(program.norm(n).module);
    }

    let width = facts.events.len().to_string().len();
    let event_names: Vec<String> = facts
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| format!("event_{:0width$}_{}", i + 1, program.action(e.action).name))
        .collect();
    let mut per_record: HashMap<u32, usize> = HashMap::new();
    let entity_names: Vec<String> = facts
        .entities
        .iter()
        .map(|e| {
            let n = per_record.entry(e.record.0).or_insert(0);
            *n += 1;
            format!(
                "witness_{}_{n}",
                snake(&program.records[e.record.index()].name)
            )
        })
        .collect();
    let names = Names {
        program,
        namer: &namer,
        entities: &entity_names,
        events: &event_names,
    };
    // `name: value, …` for a record's fields or an action's parameters.
    let named = |defs: &[crate::model::FieldDef], values: &[FactVal]| {
        defs.iter()
            .zip(values)
            .map(|(d, v)| format!("{}: {}", d.name, names.show(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut text = spec.header.clone();
    for m in &namer.uses {
        text.push_str(&format!("use {};\n", program.modules[m.index()].name));
    }
    text.push('\n');
    text.push_str(&format!(
        "report {} {} {{\n",
        spec.report,
        quote(&spec.title)
    ));
    text.push_str(&format!(
        "  as_of {}\n",
        crate::time::format_time(facts.as_of)
    ));
    for (i, e) in facts.entities.iter().enumerate() {
        let record = &program.records[e.record.index()];
        text.push_str(&format!(
            "  entity {}: {} {{ {} }}\n",
            entity_names[i],
            namer.write(record.module, &record.name),
            named(&record.fields, &e.fields)
        ));
    }
    for (i, e) in facts.events.iter().enumerate() {
        let action = program.action(e.action);
        text.push_str(&format!(
            "  event {}: {}({}) at {}\n",
            event_names[i],
            namer.write(action.module, &action.name),
            named(&action.params, &e.args),
            crate::time::format_time(e.at)
        ));
    }
    Body {
        head: text,
        events: event_names,
        uses: namer.uses,
    }
}

/// The witness of a conflict (`norma compare`, W0009).
pub(crate) fn write(program: &Program, facts: &Facts, spec: &WitnessSpec) -> Written {
    let first = program.norm(spec.first);
    let other = program.norm(spec.other);
    let why = match spec.kind {
        ConflictKind::PermitForbid => format!(
            "`{}` permits an act that `{}` forbids, and neither overrides the other",
            other.qualified, first.qualified
        ),
        ConflictKind::DutyForbid => format!(
            "`{}` obliges an act that `{}` forbids, and neither overrides the other",
            first.qualified, other.qualified
        ),
    };
    let body = write_report(
        program,
        facts,
        &ReportSpec {
            report: spec.report.clone(),
            title: format!("{} against {}", first.name, other.name),
            header: format!(
                "// Witness of a conflict, the smallest found among scenarios of at most {} events:\n// {why}.\n\n",
                spec.events
            ),
            uses: spec.uses.clone(),
            also: vec![spec.first, spec.other],
        },
    );
    let event = body.events.get(spec.slot).cloned().unwrap_or_default();
    let expect = format!(
        "expect conflict {} at {event};",
        body.name_of_norm(program, spec.first)
    );
    let text = body.text_with(&[expect]);
    let scenario = text
        .lines()
        .filter(|l| !l.starts_with("//") && !l.starts_with("report "))
        .collect::<Vec<_>>()
        .join("\n");
    Written {
        text,
        scenario,
        event,
    }
}
