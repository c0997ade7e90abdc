//! Consequences of a breach (§4): which events breach the norms that
//! some `on breach of` names, when, and how certainly — the table a
//! breach-triggered norm's instances read.
//!
//! A consequence comes strictly after the breach it answers (a duty's
//! window starts there), so a finding depends only on breaches at earlier
//! times: evaluation is well-founded in time, not in the order of the
//! norms, and a consequence may override the very norm whose breach
//! started its chain. The table is found by rounds: judge the report with
//! the breaches found so far (none at first), read the breaches off its
//! findings, and judge again until nothing changes. Each round settles at
//! least the earliest breach still in doubt, so a chain of K breaches
//! settles in about K rounds. Where imprecise times let two breaches each
//! come before the other, the rounds may not settle: after
//! [`MAX_ROUNDS`], a breach that still changes is read as unknown (`U`),
//! never guessed.
//!
//! A report in which no norm in force is triggered `on breach of` builds
//! no table and pays nothing.

use std::collections::HashMap;

use crate::model::{EventId, FindingKind, Modality, NormId, Program, ReportDef};

use super::expr::{Env, Interval};
use super::finding::{Breach, Finding};
use super::report::Duties;
use super::truth::Truth;

/// Rounds before a breach that keeps changing is taken as unknown.
pub(crate) const MAX_ROUNDS: usize = 64;

/// `breach(NORM, X)` of §4 and its time: T for a violation, a `missed` or
/// `late` duty; U for `possible` or `conflict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BreachValue {
    pub truth: Truth,
    pub kind: FindingKind,
    /// The event's time for a forbid, the deadline for a duty.
    pub at: Interval,
}

/// Every breach (T or U) of the norms some `on breach of` in force names;
/// a pair that is absent is no breach (F).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BreachTable {
    breaches: HashMap<(NormId, EventId), BreachValue>,
}

impl BreachTable {
    /// The norms that some norm in force for `report` is triggered by the
    /// breach of; empty when there are none (and no table is needed).
    pub fn breached_norms(program: &Program, report: &ReportDef) -> Vec<NormId> {
        let mut out: Vec<NormId> = report
            .in_force
            .iter()
            .filter_map(|&n| program.norms.get(n.index()))
            .filter_map(|n| n.trigger.as_ref()?.breach.map(|b| b.norm))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The breaches of `norms` in one round's findings.
    pub fn read(
        env: &Env<'_>,
        norms: &[NormId],
        duties: &Duties,
        findings: &[Finding],
    ) -> BreachTable {
        let mut table = BreachTable::default();
        let truth = |kind: FindingKind| match kind {
            FindingKind::Violation | FindingKind::Missed | FindingKind::Late => Truth::True,
            FindingKind::Possible | FindingKind::Conflict => Truth::Unknown,
            _ => Truth::False,
        };
        for &n in norms {
            if env.program.norm(n).modality != Modality::Forbid {
                continue;
            }
            for f in findings.iter().filter(|f| f.norm == n) {
                let t = truth(f.kind);
                let Some(ev) = env.event(f.event) else {
                    continue;
                };
                if t.is_false() {
                    continue;
                }
                table.breaches.insert(
                    (n, f.event),
                    BreachValue {
                        truth: t,
                        kind: f.kind,
                        at: ev.time(),
                    },
                );
            }
        }
        for d in &duties.list {
            if !norms.contains(&d.norm) {
                continue;
            }
            let t = truth(d.outcome);
            if !t.is_false() {
                table.breaches.insert(
                    (d.norm, d.trigger),
                    BreachValue {
                        truth: t,
                        kind: d.outcome,
                        at: d.deadline,
                    },
                );
            }
        }
        table
    }

    pub fn get(&self, norm: NormId, event: EventId) -> Option<BreachValue> {
        self.breaches.get(&(norm, event)).copied()
    }

    /// `self`, with every breach on which it and `other` disagree made
    /// unknown: the table after rounds that did not settle.
    pub fn unsettled(mut self, other: &BreachTable) -> BreachTable {
        let keys: Vec<(NormId, EventId)> = self
            .breaches
            .keys()
            .chain(other.breaches.keys())
            .copied()
            .collect();
        for k in keys {
            let (a, b) = (
                self.breaches.get(&k).copied(),
                other.breaches.get(&k).copied(),
            );
            if a != b {
                let v = a.or(b).map(|v| BreachValue {
                    truth: Truth::Unknown,
                    kind: FindingKind::Possible,
                    ..v
                });
                if let Some(v) = v {
                    self.breaches.insert(k, v);
                }
            }
        }
        self
    }
}

impl Env<'_> {
    /// `breach(norm, event)` where it is T or U; `None` where it is F.
    pub fn breach(&self, norm: NormId, event: EventId) -> Option<BreachValue> {
        self.breaches?.get(norm, event)
    }

    /// The breach a finding of `norm` with trigger `trigger` answers.
    pub fn breach_of_finding(&self, norm: NormId, trigger: Option<EventId>) -> Option<Box<Breach>> {
        let b = self.program.norm(norm).trigger.as_ref()?.breach?;
        let v = self.breach(b.norm, trigger?)?;
        Some(Box::new(Breach {
            norm: b.norm,
            kind: v.kind,
            at: (v.at.0, v.at.1),
        }))
    }
}
