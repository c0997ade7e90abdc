//! The indexes that keep evaluation from scanning every norm for every
//! event: a report's events grouped by action and sorted by time (so a
//! window of time is two binary searches), the norms in force grouped by
//! the action they match, and for every norm its tree of exceptions laid out
//! flat so that `defeated` is a loop, never a recursion.
//!
//! Building an index never fails; the only conditions it looks at are a
//! norm's pins (`pins.rs`), conjuncts that rule it out of an event.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::{ActionId, EventId, ExceptionId, Modality, NormId, Program, ReportDef};

/// A norm's exceptions, their exceptions, and so on, in breadth-first
/// order: every exception comes after its target, so walking the list
/// backwards meets children before parents.
#[derive(Debug, Default)]
pub(crate) struct ExceptionPlan {
    pub order: Vec<ExceptionId>,
    /// For each entry of `order`, the position of its target in `order`,
    /// or `None` when the target is the norm itself.
    pub parent: Vec<Option<usize>>,
}

impl ExceptionPlan {
    fn build(program: &Program, norm: NormId) -> ExceptionPlan {
        let mut plan = ExceptionPlan::default();
        let mut seen = HashSet::new();
        for &ex in &program.norm(norm).exceptions {
            if seen.insert(ex) {
                plan.order.push(ex);
                plan.parent.push(None);
            }
        }
        let mut k = 0;
        while k < plan.order.len() {
            let Some(def) = program.exceptions.get(plan.order[k].index()) else {
                k += 1;
                continue;
            };
            for &child in &def.exceptions {
                // A cycle is error E0402 and never reaches us; the set only
                // guarantees that a malformed program still terminates.
                if seen.insert(child) {
                    plan.order.push(child);
                    plan.parent.push(Some(k));
                }
            }
            k += 1;
        }
        plan
    }
}

#[derive(Debug, Default)]
pub(crate) struct ReportIndex {
    /// Events of each action, sorted by time then name.
    pub by_action: Vec<Vec<EventId>>,
    /// The times of `by_action`, for binary search.
    pub times: Vec<Vec<i64>>,
    /// Every event sorted by time then name.
    pub chronological: Vec<EventId>,
    /// Forbids and red lines in force, by matched action, by qualified name.
    pub forbids: Vec<Vec<NormId>>,
    /// Permits in force, by matched action, by qualified name.
    pub permits: Vec<Vec<NormId>>,
    /// Obligations in force, by qualified name.
    pub obliges: Vec<NormId>,
    /// Indexed by `NormId`; empty for norms without exceptions.
    pub plans: Vec<ExceptionPlan>,
    /// Indexed by `NormId`: the conjuncts that rule a norm out of an event.
    pub pins: Vec<Vec<super::pins::Pin>>,
    /// Indexed by action: the `==` pins of its forbids then its permits.
    pub sieves: Vec<super::pins::Sieve>,
    /// Indexed by `NormId`: a forbid that overrides a permit in force, or
    /// that a permit in force overrides. Every other forbid sees all the
    /// permits on its event as `tied`, which is computed once per event.
    pub permit_override: Vec<bool>,
    /// Every override of the program, `a` overriding `b` as `a << 32 | b`:
    /// "does A override B" is one hash lookup, however many norms a norm
    /// overrides (a `Vec::contains` per permit made a forbid's collisions
    /// quadratic).
    pub override_pairs: HashSet<u64, BuildHasherDefault<PairHasher>>,
}

/// A hasher for the `u64` keys of [`ReportIndex::override_pairs`]: one
/// multiplication (the keys are not chosen by an adversary who gains
/// anything from collisions, and SipHash would cost more than the lookup).
#[derive(Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl ReportIndex {
    pub fn build(program: &Program, report: &ReportDef) -> ReportIndex {
        let n_actions = program.actions.len();
        let mut ix = ReportIndex {
            by_action: vec![Vec::new(); n_actions],
            times: vec![Vec::new(); n_actions],
            forbids: vec![Vec::new(); n_actions],
            permits: vec![Vec::new(); n_actions],
            ..ReportIndex::default()
        };
        let key = |id: &EventId| {
            let ev = &report.events[id.index()];
            (ev.at, ev.name.as_str())
        };
        let mut chronological: Vec<EventId> = (0..report.events.len())
            .map(|i| EventId(i as u32))
            .collect();
        chronological.sort_by(|a, b| key(a).cmp(&key(b)));
        for &id in &chronological {
            let ev = &report.events[id.index()];
            if let Some(list) = ix.by_action.get_mut(ev.action.index()) {
                list.push(id);
                ix.times[ev.action.index()].push(ev.at);
            }
        }
        ix.chronological = chronological;

        let mut in_force: Vec<NormId> = report
            .in_force
            .iter()
            .copied()
            .filter(|n| n.index() < program.norms.len())
            .collect();
        in_force.sort_by(|a, b| program.norm(*a).qualified.cmp(&program.norm(*b).qualified));
        in_force.dedup();
        for &n in &in_force {
            let norm = program.norm(n);
            match norm.modality {
                Modality::Forbid | Modality::Permit => {
                    let Some(pat) = &norm.matched else { continue };
                    let table = if norm.modality == Modality::Forbid {
                        &mut ix.forbids
                    } else {
                        &mut ix.permits
                    };
                    if let Some(list) = table.get_mut(pat.action.index()) {
                        list.push(n);
                    }
                }
                Modality::Oblige => {
                    if norm.trigger.is_some() && norm.required.is_some() && norm.within.is_some() {
                        ix.obliges.push(n);
                    }
                }
            }
        }
        ix.permit_override = vec![false; program.norms.len()];
        for &n in &in_force {
            let norm = program.norm(n);
            for &o in &norm.overrides {
                let Some(other) = program.norms.get(o.index()) else {
                    continue;
                };
                match (norm.modality, other.modality) {
                    (Modality::Forbid, Modality::Permit) => ix.permit_override[n.index()] = true,
                    (Modality::Permit, Modality::Forbid) => ix.permit_override[o.index()] = true,
                    _ => {}
                }
            }
        }
        for (a, norm) in program.norms.iter().enumerate() {
            for b in &norm.overrides {
                ix.override_pairs.insert((a as u64) << 32 | u64::from(b.0));
            }
        }
        ix.pins.resize_with(program.norms.len(), Vec::new);
        for &n in &in_force {
            if let Some(slot) = ix.pins.get_mut(n.index()) {
                *slot = super::pins::pins(program.norm(n));
            }
        }
        ix.sieves = (0..n_actions)
            .map(|a| {
                let on: Vec<NormId> = ix.forbids[a]
                    .iter()
                    .chain(&ix.permits[a])
                    .copied()
                    .collect();
                super::pins::Sieve::build(&on, &ix.pins)
            })
            .collect();
        ix.plans = (0..program.norms.len())
            .map(|i| {
                let id = NormId(i as u32);
                if program.norm(id).exceptions.is_empty() {
                    ExceptionPlan::default()
                } else {
                    ExceptionPlan::build(program, id)
                }
            })
            .collect();
        ix
    }

    /// Does a pin of `norm` rule it out of an event with these arguments?
    pub fn ruled_out(&self, program: &Program, norm: NormId, args: &[crate::model::Value]) -> bool {
        self.pins
            .get(norm.index())
            .is_some_and(|pins| pins.iter().any(|p| p.rules_out(program, args)))
    }

    /// The forbids (by position) and permits (by position after the
    /// forbids) on `action` that an `==` pin rules out of an event with
    /// these arguments; see [`super::pins::Sieve`].
    pub fn sieved(
        &self,
        program: &Program,
        action: ActionId,
        args: &[crate::model::Value],
    ) -> Vec<u64> {
        self.sieves
            .get(action.index())
            .map_or(Vec::new(), |s| s.ruled_out(program, args))
    }

    /// Events of `action` with `lo <= at <= hi`, in time order.
    pub fn between(&self, action: ActionId, lo: i64, hi: i64) -> &[EventId] {
        let (Some(events), Some(times)) = (
            self.by_action.get(action.index()),
            self.times.get(action.index()),
        ) else {
            return &[];
        };
        if lo > hi {
            return &[];
        }
        let start = times.partition_point(|&t| t < lo);
        let end = times.partition_point(|&t| t <= hi);
        &events[start..end.max(start)]
    }

    pub fn of_action(&self, action: ActionId) -> &[EventId] {
        self.by_action
            .get(action.index())
            .map_or(&[], |v| v.as_slice())
    }

    pub fn forbids_on(&self, action: ActionId) -> &[NormId] {
        self.forbids
            .get(action.index())
            .map_or(&[], |v| v.as_slice())
    }

    pub fn permits_on(&self, action: ActionId) -> &[NormId] {
        self.permits
            .get(action.index())
            .map_or(&[], |v| v.as_slice())
    }

    /// Does norm `a` override norm `b`? O(1).
    pub fn overrides(&self, a: NormId, b: NormId) -> bool {
        !self.override_pairs.is_empty()
            && self
                .override_pairs
                .contains(&(u64::from(a.0) << 32 | u64::from(b.0)))
    }

    pub fn plan(&self, norm: NormId) -> Option<&ExceptionPlan> {
        self.plans.get(norm.index()).filter(|p| !p.order.is_empty())
    }
}
