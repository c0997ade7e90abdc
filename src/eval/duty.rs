//! Obligations (§7 `oblige`, §7.1 "A duty"): one duty per trigger instance,
//! its deadline in exact seconds, the events that fulfil it (found by binary
//! search on time), its status, and the conflicting-obligations rule with
//! the hypothetical event at the deadline.
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
//! - `excused` comes first: a defeated duty neither conflicts nor is suspended.

use crate::model::{EventId, FindingKind, NormId, Value};

use super::expr::{Env, Hypothetical, Interval, HYPOTHETICAL};
use super::judge::{bind, overrides, DutyLink, PermitCache};
use super::truth::Truth;

/// One duty: an `oblige` norm and one trigger event.
#[derive(Clone, Debug)]
pub(crate) struct Duty {
    pub norm: NormId,
    pub trigger: EventId,
    pub frame: Vec<Value>,
    /// The trigger instance's own part of `when`: its breach (§4), T for
    /// an ordinary trigger.
    pub gate: Truth,
    /// `w ∧ ¬unless`: `when` of the trigger, `unless` of the clause.
    pub applies: Truth,
    pub defeated: Truth,
    /// When the window opens: the trigger's time, or the breach's (§4).
    pub start: Interval,
    /// `start + within`.
    pub deadline: Interval,
    /// The status of the table of §7.1 (with `late`/`missed` made
    /// `possible` where the duty itself is uncertain).
    pub status: FindingKind,
    /// The event that fulfilled it, in time or late.
    pub by: Option<EventId>,
    /// Events that do (T) or may (U) perform the duty.
    pub performers: Vec<(EventId, Truth)>,
    /// Forbids that the required action at the deadline would violate.
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
                // The window opens at the trigger, or at the breach it
                // answers (§4).
                let (gate, start) = match trigger.breach {
                    None => (Truth::True, tv.time()),
                    Some(b) => match self.breach(b.norm, t) {
                        Some(v) => (v.truth, v.at),
                        None => continue,
                    },
                };
                let mut frame = vec![Value::Unknown; def.vars.len()];
                bind(&mut frame, &trigger.pattern, tv);
                let (when, unless) = self.norm_conditions(def, &frame, gate);
                let applies = when.and(unless.not());
                if applies.is_false() {
                    continue;
                }
                let defeated = self.defeated(o, &frame);
                let deadline = start.plus(within);
                let wanted = self.required_values(req, &frame);
                let (mut status, by, performers) =
                    self.duty_status(req.action, &wanted, start, deadline);
                let uncertain = applies == Truth::Unknown || defeated == Truth::Unknown;
                if uncertain && matches!(status, FindingKind::Late | FindingKind::Missed) {
                    status = FindingKind::Possible;
                }
                out.push(Duty {
                    norm: o,
                    trigger: t,
                    frame,
                    gate,
                    applies,
                    defeated,
                    start,
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

    /// The table of §7.1 for one duty: its status, the event that
    /// fulfilled it (in time or late), and the events that do (T) or may
    /// (U) perform it. Every window test is three-valued where a time is
    /// imprecise (§6); an `unrecorded` clause that could cover the
    /// required action makes a `missed` or `late` duty `possible`.
    fn duty_status(
        &self,
        action: crate::model::ActionId,
        wanted: &[(usize, Value)],
        start: Interval,
        deadline: Interval,
    ) -> (FindingKind, Option<EventId>, Vec<(EventId, Truth)>) {
        let exact = !self.report.imprecise && start.is_exact();
        let candidates = if exact {
            self.index.between(action, start.0, deadline.1)
        } else {
            self.index.of_action(action)
        };
        let mut performers = Vec::new();
        let mut maybe = false;
        for &e in candidates {
            let Some(ev) = self.event(e) else { continue };
            let m = Env::matches(wanted, ev.args);
            let c = m.and(start.le(ev.time())).and(ev.time().le(deadline));
            if c.is_false() {
                continue;
            }
            performers.push((e, c));
            if c.is_true() {
                return (FindingKind::Fulfilled, Some(e), performers);
            }
            maybe = true;
        }
        if maybe {
            return (FindingKind::Possible, None, performers);
        }
        let as_of = Interval::exact(self.report.as_of);
        let late_candidates = if exact {
            self.index
                .between(action, deadline.1.saturating_add(1), self.report.as_of)
        } else {
            self.index.of_action(action)
        };
        // The `late` row: an event certainly after the deadline that
        // certainly performs the duty; one that only may (an argument or
        // a time unknown) leaves it open between `late` and `missed`:
        // `possible` (a reading of ours, so that knowing less never turns
        // `late` into `missed`).
        let mut late = None;
        let mut maybe_late = false;
        for &e in late_candidates {
            let Some(ev) = self.event(e) else { continue };
            let c = Env::matches(wanted, ev.args)
                .and(deadline.lt(ev.time()))
                .and(ev.time().le(as_of));
            if c.is_true() {
                late = Some(e);
                break;
            }
            maybe_late |= c == Truth::Unknown;
        }
        let unrecorded = self.unrecorded_covers(action, wanted);
        if let Some(e) = late {
            performers.push((e, Truth::True));
            let status = if unrecorded {
                FindingKind::Possible
            } else {
                FindingKind::Late
            };
            return (status, Some(e), performers);
        }
        if maybe_late {
            return (FindingKind::Possible, None, performers);
        }
        let status = match deadline.lt(as_of) {
            Truth::True if unrecorded => FindingKind::Possible,
            Truth::True => FindingKind::Missed,
            Truth::Unknown => FindingKind::Possible,
            Truth::False => FindingKind::Pending,
        };
        (status, None, performers)
    }

    /// The required action of `duty` as a hypothetical event at its deadline.
    pub fn hypothetical(&self, duty: &Duty) -> Option<Hypothetical> {
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
            // The latest instant certainly in the window (§7.1).
            at: duty.deadline.0,
        })
    }

    /// The conflicting-obligations rule: which forbids would the duty's
    /// action violate (`v = T`, ignoring duties), and the duty's outcome.
    pub fn resolve_conflicts(&self, duty: &mut Duty) {
        if let Some(h) = self.hypothetical(duty) {
            let env = Env {
                hypo: Some(&h),
                ..*self
            };
            if let Some(hv) = env.event(HYPOTHETICAL) {
                // One event: the permits' table serves every forbid.
                let mut cache = PermitCache::default();
                for &f in self.index.forbids_on(h.action) {
                    let verdict = env.forbid_verdict(f, hv, &mut cache, &[]);
                    if verdict.is_some_and(|v| v.kind == FindingKind::Violation) {
                        duty.conflicts.push(f);
                    }
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
