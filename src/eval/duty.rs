//! Obligations (§7 `oblige`, §7.1 "A duty"): one duty per trigger instance,
//! its deadline in exact seconds, the events that fulfil it (found by binary
//! search on time), its status, and the conflicting-obligations rule over
//! the whole window: the hypothetical act `h_τ` at every instant where a
//! condition may change value, and the listed events that fulfil it.
//!
//! Readings of the spec:
//! - the window is closed, `t.at <= e.at <= D`, and may contain the trigger
//!   itself when it is an event of the required action;
//! - an event performing the duty after the deadline (the `late` one) also
//!   "fulfils" it for the forbids it collides with;
//! - a duty whose required action would violate several forbids is
//!   `suspended` if any of them overrides it (a duty that is suspended no
//!   longer collides with anything), else `conflict` with the first by
//!   qualified name;
//! - `excused` comes first: a defeated duty neither conflicts nor is suspended;
//! - "for every τ in [t.at, D]" is decided at t.at, D and, found as the
//!   act is moved, one second either side of every instant where a
//!   comparison reading its time (or a window anchored on it, or a
//!   trigger of the forbid or of a permit at or before it) changes: the
//!   value of `v(h_τ)` is constant between those instants.

use crate::model::{EventId, FindingKind, NormId, Value};

use super::expr::{Env, Hypothetical, HYPOTHETICAL};
use super::judge::{bind, overrides, DutyLink, PermitCache};
use super::truth::Truth;

/// One duty: an `oblige` norm and one trigger event.
#[derive(Clone, Debug)]
pub(crate) struct Duty {
    pub norm: NormId,
    pub trigger: EventId,
    pub frame: Vec<Value>,
    /// `w ∧ ¬unless`: `when` of the trigger, `unless` of the clause.
    pub applies: Truth,
    pub defeated: Truth,
    pub deadline: i64,
    /// The status of the table of §7.1 (with `late`/`missed` made
    /// `possible` where the duty itself is uncertain).
    pub status: FindingKind,
    /// The event that fulfilled it, in time or late.
    pub by: Option<EventId>,
    /// Events that do (T) or may (U) perform the duty.
    pub performers: Vec<(EventId, Truth)>,
    /// Forbids that the required action would violate at every instant
    /// of the window, and that no listed fulfilling event escapes.
    pub conflicts: Vec<NormId>,
    /// The finding: `status`, or excused / conflict / suspended.
    pub outcome: FindingKind,
    pub other: Option<NormId>,
}

impl Duty {
    /// `[e fulfils this duty]` for the forbids of `e`, the duty in force.
    pub fn link(&self, truth: Truth) -> DutyLink<'_> {
        DutyLink {
            norm: self.norm,
            truth: truth.and(self.applies).and(self.defeated.not()),
            conflicts: &self.conflicts,
        }
    }
}

impl Env<'_> {
    /// Every duty of every obligation in force, with its status but
    /// without conflicts.
    pub fn duties(&self) -> Vec<Duty> {
        let mut out = Vec::new();
        for &o in &self.index.obliges {
            let def = self.program.norm(o);
            let (Some(trigger), Some(req), Some(within)) =
                (&def.trigger, &def.required, def.within)
            else {
                continue;
            };
            for &t in self.index.of_action(trigger.pattern.action) {
                let Some(tv) = self.event(t) else { continue };
                let mut frame = vec![Value::Unknown; def.vars.len()];
                bind(&mut frame, &trigger.pattern, tv);
                let (when, unless) = self.norm_conditions(def, &frame);
                let applies = when.and(unless.not());
                if applies.is_false() {
                    continue;
                }
                let defeated = self.defeated(o, &frame);
                let deadline = tv.at.saturating_add(within);
                let wanted = self.required_values(req, &frame);
                let mut performers = Vec::new();
                let mut by = None;
                let mut maybe = false;
                for &e in self.index.between(req.action, tv.at, deadline) {
                    let m = self
                        .event(e)
                        .map_or(Truth::Unknown, |ev| Env::matches(&wanted, ev.args));
                    if m.is_false() {
                        continue;
                    }
                    performers.push((e, m));
                    if m.is_true() {
                        by = Some(e);
                        break;
                    }
                    maybe = true;
                }
                let mut status = if by.is_some() {
                    FindingKind::Fulfilled
                } else if maybe {
                    FindingKind::Possible
                } else {
                    let late = self
                        .index
                        .between(req.action, deadline.saturating_add(1), self.report.as_of)
                        .iter()
                        .copied()
                        .find(|&e| {
                            self.event(e)
                                .is_some_and(|ev| Env::matches(&wanted, ev.args).is_true())
                        });
                    if let Some(e) = late {
                        by = Some(e);
                        performers.push((e, Truth::True));
                        FindingKind::Late
                    } else if self.report.as_of > deadline {
                        FindingKind::Missed
                    } else {
                        FindingKind::Pending
                    }
                };
                let uncertain = applies == Truth::Unknown || defeated == Truth::Unknown;
                if uncertain && matches!(status, FindingKind::Late | FindingKind::Missed) {
                    status = FindingKind::Possible;
                }
                out.push(Duty {
                    norm: o,
                    trigger: t,
                    frame,
                    applies,
                    defeated,
                    deadline,
                    status,
                    by,
                    performers,
                    conflicts: Vec::new(),
                    outcome: status,
                    other: None,
                });
            }
        }
        out
    }

    /// The required action of `duty` as a hypothetical event at `at`.
    pub fn hypothetical(&self, duty: &Duty, at: i64) -> Option<Hypothetical> {
        let def = self.program.norm(duty.norm);
        let req = def.required.as_ref()?;
        let n = self.program.actions.get(req.action.index())?.params.len();
        let mut args = vec![Value::Unknown; n];
        for (i, v) in self.required_values(req, &duty.frame) {
            if let Some(slot) = args.get_mut(i) {
                *slot = v;
            }
        }
        Some(Hypothetical {
            action: req.action,
            args,
            at,
            cuts: None,
        })
    }

    /// `v(e) = T` for forbid `f` on event `e` (real or hypothetical),
    /// permits counted and duties not.
    fn violated(&self, f: NormId, e: EventId) -> bool {
        let Some(ev) = self.event(e) else {
            return false;
        };
        let mut cache = PermitCache::default();
        self.forbid_verdict(f, ev, &mut cache, &[])
            .is_some_and(|v| v.kind == FindingKind::Violation)
    }

    /// §7.1: `O` and `f` conflict for this duty when its act, done at any
    /// instant of the window, is a violation of `f`, and no listed event
    /// that fulfils it in the window escapes `f`.
    fn conflicts_over_window(&self, duty: &Duty, f: NormId, start: i64) -> bool {
        let Some(base) = self.hypothetical(duty, start) else {
            return false;
        };
        let def = self.program.norm(duty.norm);
        if let Some(req) = &def.required {
            let wanted = self.required_values(req, &duty.frame);
            for &e in self.index.between(req.action, start, duty.deadline) {
                let fulfils = self
                    .event(e)
                    .is_some_and(|ev| Env::matches(&wanted, ev.args).is_true());
                if fulfils && !self.violated(f, e) {
                    return false;
                }
            }
        }
        let (lo, hi) = (start, duty.deadline);
        let mut todo = vec![lo, hi];
        // The instances of triggered norms on the act change where a
        // trigger event enters the past of the act.
        let triggered = std::iter::once(f)
            .chain(self.index.permits_on(base.action).iter().copied())
            .filter_map(|n| self.program.norm(n).trigger.as_ref());
        for trigger in triggered {
            for &e in self.index.between(trigger.pattern.action, lo, hi) {
                if let Some(ev) = self.event(e) {
                    todo.extend([ev.at.saturating_sub(1), ev.at, ev.at.saturating_add(1)]);
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        while let Some(at) = todo.pop() {
            if !(lo..=hi).contains(&at) || !seen.insert(at) {
                continue;
            }
            let h = Hypothetical {
                at,
                cuts: Some(std::sync::Mutex::new(Vec::new())),
                action: base.action,
                args: base.args.clone(),
            };
            let env = Env {
                hypo: Some(&h),
                ..*self
            };
            if !env.violated(f, HYPOTHETICAL) {
                return false;
            }
            if let Some(Ok(cuts)) = h.cuts.map(|c| c.into_inner()) {
                todo.extend(cuts.into_iter().filter(|c| !seen.contains(c)));
            }
        }
        true
    }

    /// The conflicting-obligations rule: which forbids the duty's action
    /// would violate over its whole window (`v = T`, ignoring duties), and
    /// the duty's outcome.
    pub fn resolve_conflicts(&self, duty: &mut Duty) {
        let def = self.program.norm(duty.norm);
        if let (Some(req), Some(t)) = (&def.required, self.event(duty.trigger)) {
            for &f in self.index.forbids_on(req.action) {
                if self.conflicts_over_window(duty, f, t.at) {
                    duty.conflicts.push(f);
                }
            }
        }
        duty.outcome = duty.status;
        duty.other = None;
        if duty.defeated.is_true() {
            duty.outcome = FindingKind::Excused;
            return;
        }
        let o = duty.norm;
        if let Some(&f) = duty.conflicts.iter().find(|&&f| overrides(self, f, o)) {
            duty.outcome = FindingKind::Suspended;
            duty.other = Some(f);
        } else if let Some(&f) = duty
            .conflicts
            .iter()
            .find(|&&f| !overrides(self, o, f) && !overrides(self, f, o))
        {
            duty.outcome = FindingKind::Conflict;
            duty.other = Some(f);
        }
    }
}
