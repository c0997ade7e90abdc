//! A report's own names: its entities and events, by name.
//!
//! A report of a million events declares a million names; each is looked
//! up once to find a second declaration and stored in the same probe, its
//! name borrowed from the file's text where the text spells it, and what
//! it stands for kept in a few bytes (its value and type are derived when
//! asked for). The table holds only positions in the list of names, so
//! it stays small.

use std::borrow::Cow;
use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};

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

/// The names declared in the report being checked, in order, and a table
/// of their positions by the hash of their names (4 bytes a name: a
/// million names probe 10 MB, not 120).
#[derive(Default)]
pub(super) struct Locals<'a> {
    table: HashTable<u32>,
    entries: Vec<(Cow<'a, str>, Local)>,
}

fn hash(name: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(name)
}

impl<'a> Locals<'a> {
    pub fn reserve(&mut self, n: usize) {
        let entries = &self.entries;
        self.table.reserve(n, |&i| hash(&entries[i as usize].0));
        self.entries.reserve(n);
    }

    /// Declare `name`, unless it is taken: its place (for
    /// [`Locals::set`]), else the span of its first declaration and the
    /// name.
    pub fn declare(&mut self, name: Cow<'a, str>, local: Local) -> Result<usize, (Span, String)> {
        let entries = &self.entries;
        let entry = self.table.entry(
            hash(&name),
            |&i| entries[i as usize].0 == name,
            |&i| hash(&entries[i as usize].0),
        );
        match entry {
            Entry::Occupied(first) => {
                let (name, first) = &self.entries[*first.get() as usize];
                Err((first.span, name.to_string()))
            }
            Entry::Vacant(slot) => {
                let at = self.entries.len();
                slot.insert(at as u32);
                self.entries.push((name, local));
                Ok(at)
            }
        }
    }

    /// Set what the name declared at `at` stands for.
    pub fn set(&mut self, at: usize, kind: LocalKind) {
        if let Some((_, local)) = self.entries.get_mut(at) {
            local.kind = kind;
        }
    }

    pub fn get(&self, name: &str) -> Option<Local> {
        let at = self
            .table
            .find(hash(name), |&i| self.entries[i as usize].0 == name)?;
        self.entries.get(*at as usize).map(|(_, local)| *local)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every name with what it stands for, in the order declared.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Local)> + '_ {
        self.entries.iter().map(|(n, l)| (n.as_ref(), *l))
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
