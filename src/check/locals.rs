//! A report's own names: its entities and events, by name.
//!
//! A report of a million events declares a million names; each is looked
//! up once to find a second declaration and stored in the same probe, its
//! name borrowed from the file's text where the text spells it, and what
//! it stands for kept in a few bytes (its value and type are derived when
//! asked for).

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::model::{ActionId, EntityId, EventId, RecordId, Ty, Value};
use crate::span::Span;

/// What a report-local name stands for.
#[derive(Clone, Copy, Debug)]
pub(super) enum LocalKind {
    /// An entity, of this record (`None` if its record did not resolve).
    Entity(EntityId, Option<RecordId>),
    /// An event, of this action (`None` if its action did not resolve).
    Event(EventId, Option<ActionId>),
}

/// A report-local name: what it stands for, and where it is declared.
#[derive(Clone, Copy, Debug)]
pub(super) struct Local {
    pub kind: LocalKind,
    pub span: Span,
}

impl Local {
    pub fn value(&self) -> Value {
        match self.kind {
            LocalKind::Entity(id, _) => Value::Entity(id),
            LocalKind::Event(id, _) => Value::Event(id),
        }
    }

    pub fn ty(&self) -> Ty {
        match self.kind {
            LocalKind::Entity(_, record) => record.map_or(Ty::Error, Ty::Record),
            LocalKind::Event(_, action) => action.map_or(Ty::Error, Ty::Event),
        }
    }
}

/// The names declared in the report being checked.
#[derive(Default)]
pub(super) struct Locals<'a> {
    names: FxHashMap<Cow<'a, str>, Local>,
}

impl<'a> Locals<'a> {
    pub fn reserve(&mut self, n: usize) {
        self.names.reserve(n);
    }

    /// Declare `name`, unless it is taken: then the span of its first
    /// declaration, and the name.
    pub fn declare(&mut self, name: Cow<'a, str>, local: Local) -> Result<(), (Span, String)> {
        match self.names.entry(name) {
            Entry::Occupied(first) => Err((first.get().span, first.key().to_string())),
            Entry::Vacant(slot) => {
                slot.insert(local);
                Ok(())
            }
        }
    }

    /// Set what a declared name stands for.
    pub fn set(&mut self, name: &str, kind: LocalKind) {
        if let Some(local) = self.names.get_mut(name) {
            local.kind = kind;
        }
    }

    pub fn get(&self, name: &str) -> Option<Local> {
        self.names.get(name).copied()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Every name with what it stands for, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Local)> + '_ {
        self.names.iter().map(|(n, l)| (n.as_ref(), *l))
    }
}

/// `name` borrowed from `text` where `text` spells it at `span`, else
/// owned.
pub(super) fn spelled<'a>(text: &'a str, span: Span, name: &str) -> Cow<'a, str> {
    match text.get(span.start as usize..span.end as usize) {
        Some(s) if s == name => Cow::Borrowed(s),
        _ => Cow::Owned(name.to_string()),
    }
}
