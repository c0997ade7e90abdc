//! What each declared name of the checked program is (a norm, a red line,
//! an event, a field...), by the span of its name, and the written name of
//! a reference: highlighting and rename both start here. Everything comes
//! from the model's declarations and `Program::refs`; this module never
//! reads syntax.

use std::collections::HashMap;

use crate::model::{NormKind, Program};
use crate::span::{SourceMap, Span};

/// The kinds of declared names an editor tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Module,
    Enum,
    Member,
    Type,
    Field,
    Action,
    Param,
    Const,
    Entity,
    Norm,
    Redline,
    Exception,
    Report,
    Event,
    Variable,
}

impl Kind {
    /// How a person names the kind (`enum member`), for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Enum => "enum",
            Kind::Member => "enum member",
            Kind::Type => "type",
            Kind::Field => "field",
            Kind::Action => "action",
            Kind::Param => "parameter",
            Kind::Const => "const",
            Kind::Entity => "entity",
            Kind::Norm => "norm",
            Kind::Redline => "red line",
            Kind::Exception => "exception",
            Kind::Report => "report",
            Kind::Event => "event",
            Kind::Variable => "variable",
        }
    }
}

/// A declared name: its kind and the module it belongs to.
#[derive(Clone, Copy, Debug)]
pub(super) struct Declared {
    pub kind: Kind,
    pub module: crate::model::ModuleId,
}

/// Every declared name of the program, by the span of its name. A module
/// is declared at the start of its file (an empty span).
pub(super) fn declarations(p: &Program) -> HashMap<Span, Declared> {
    let mut out = HashMap::new();
    let mut put = |span: Span, kind: Kind, module| {
        out.entry(span).or_insert(Declared { kind, module });
    };
    for (i, m) in p.modules.iter().enumerate() {
        let id = crate::model::ModuleId(i as u32);
        put(Span::new(m.file, 0, 0), Kind::Module, id);
    }
    for e in &p.enums {
        put(e.name_span, Kind::Enum, e.module);
        for s in &e.member_spans {
            put(*s, Kind::Member, e.module);
        }
    }
    for r in &p.records {
        put(r.name_span, Kind::Type, r.module);
        for f in &r.fields {
            put(f.span, Kind::Field, r.module);
        }
    }
    for a in &p.actions {
        put(a.name_span, Kind::Action, a.module);
        for f in &a.params {
            put(f.span, Kind::Param, a.module);
        }
    }
    for c in &p.consts {
        put(c.name_span, Kind::Const, c.module);
    }
    for e in &p.entities {
        put(e.name_span, Kind::Entity, e.module);
    }
    for n in &p.norms {
        let kind = match n.kind {
            NormKind::Norm => Kind::Norm,
            NormKind::Redline => Kind::Redline,
        };
        put(n.name_span, kind, n.module);
        for v in &n.vars {
            put(v.span, Kind::Variable, n.module);
        }
    }
    for e in &p.exceptions {
        put(e.name_span, Kind::Exception, e.module);
    }
    for r in &p.reports {
        put(r.name_span, Kind::Report, r.module);
        for e in &r.events {
            put(e.name_span, Kind::Event, r.module);
        }
    }
    out
}

/// The span of the last name of a path written at `at` (`high` of
/// `Level::high`, `gge_f` of `std::gge2015::gge_f`): what a rename
/// rewrites and what a highlight colours. `None` when the text there is
/// not a name.
pub(super) fn last_segment(sources: &SourceMap, at: Span) -> Option<Span> {
    let text = sources
        .get(at.file)
        .text
        .get(at.start as usize..at.end as usize)?;
    let tail_start = text.rfind("::").map_or(0, |i| i + 2);
    let tail = &text[tail_start..];
    let lead = tail.len() - tail.trim_start().len();
    let name = tail.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let start = at.start as usize + tail_start + lead;
    Some(Span::new(at.file, start, start + name.len()))
}
