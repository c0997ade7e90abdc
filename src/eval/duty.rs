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
//!   value of `v(h_τ)` is constant between those instants. With an
//!   imprecise start or deadline, τ runs over the instants certainly in
//!   the window (latest start to earliest deadline), and the listed
//!   events are those that certainly fulfil the duty in it.

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
    /// that fulfils it in the window escapes `f`. With an imprecise window
    /// (§6) the instants are those certainly in it, from the latest start
    /// to the earliest deadline; a window with none is no conflict.
    fn conflicts_over_window(&self, duty: &Duty, f: NormId) -> bool {
        let (lo, hi) = (duty.start.1, duty.deadline.0);
        if lo > hi {
            return false;
        }
        let Some(base) = self.hypothetical(duty, lo) else {
            return false;
        };
        let def = self.program.norm(duty.norm);
        if let Some(req) = &def.required {
            let wanted = self.required_values(req, &duty.frame);
            let candidates = if self.report.imprecise {
                self.index.of_action(req.action)
            } else {
                self.index
                    .between(req.action, duty.start.0, duty.deadline.1)
            };
            for &e in candidates {
                let fulfils = self.event(e).is_some_and(|ev| {
                    Env::matches(&wanted, ev.args)
                        .and(duty.start.le(ev.time()))
                        .and(ev.time().le(duty.deadline))
                        .is_true()
                });
                if fulfils && !self.violated(f, e) {
                    return false;
                }
            }
        }
        let mut todo = vec![lo, hi];
        // The instances of triggered norms on the act change where a
        // trigger event enters the past of the act.
        let triggered = std::iter::once(f)
            .chain(self.index.permits_on(base.action).iter().copied())
            .filter_map(|n| self.program.norm(n).trigger.as_ref());
        for trigger in triggered {
            let events = if self.report.imprecise {
                self.index.of_action(trigger.pattern.action)
            } else {
                self.index.between(
                    trigger.pattern.action,
                    lo.saturating_sub(1),
                    hi.saturating_add(1),
                )
            };
            for &e in events {
                if let Some(ev) = self.event(e) {
                    for t in [ev.at, ev.at_hi] {
                        todo.extend([t.saturating_sub(1), t, t.saturating_add(1)]);
                    }
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
        // No instant is certainly in the window: the act cannot be shown
        // to be forbidden throughout it.
        !seen.is_empty()
    }

    /// The conflicting-obligations rule: which forbids the duty's action
    /// would violate over its whole window (`v = T`, ignoring duties), and
    /// the duty's outcome.
    pub fn resolve_conflicts(&self, duty: &mut Duty) {
        let def = self.program.norm(duty.norm);
        if let Some(req) = &def.required {
            for &f in self.index.forbids_on(req.action) {
                if self.conflicts_over_window(duty, f) {
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
