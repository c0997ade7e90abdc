//! Norm instances and the §7.1 rules for forbids and permits: binding
//! patterns to events, `applies`, `defeated` (exceptions of exceptions to
//! any depth, as a loop over a flat plan so a 20 000-long chain costs no
//! stack), `in_force`, and the verdict of a forbid on one event after
//! permits and duties have had their say (`won`, `tied`).
//!
//! Reading of the spec: a trigger's `when` is part of the instance's
//! `when`, so `applies = trigger_when ∧ when ∧ ¬unless`; an instance with
//! `applies = F` is not an instance at all (no finding, no collision).

use crate::model::{
    EventId, ExceptionId, ExceptionTarget, FindingKind, NormDef, NormId, Pattern, Trigger, Value,
};

use super::expr::{Env, EventView};
use super::finding::forbid_rank;
use super::truth::Truth;

/// The truth values of one instance (§7.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InstanceTruth {
    pub when: Truth,
    pub unless: Truth,
    pub applies: Truth,
    pub defeated: Truth,
    pub in_force: Truth,
}

/// An event performing (or perhaps performing) a duty, as a forbid on
/// that event sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DutyLink<'d> {
    pub norm: NormId,
    /// `[e fulfils the duty]`, including that the duty is in force.
    pub truth: Truth,
    /// Forbids whose violation the duty's action would be (§7 conflicting obligations).
    pub conflicts: &'d [NormId],
}

/// How permits and duties bear on a forbid for one event.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Collision {
    pub won: Truth,
    pub tied: Truth,
    /// The first permit or duty norm that made `tied` true (else unknown).
    pub tied_by: Option<NormId>,
    /// The first permit or duty norm that made `won` true.
    pub won_by: Option<NormId>,
}

/// The permits' `in_force` on one event, each computed once and shared by
/// every forbid on the event: a table aligned with the event's
/// `permits_on` list, so a lookup is an index, never a search.
#[derive(Debug, Default)]
pub(crate) struct PermitCache {
    values: Vec<Option<Truth>>,
    /// `⋁ in_force` over every permit on the event, and the first that is
    /// true: `tied` for a forbid with no override to or from a permit.
    all: Option<(Truth, Option<NormId>)>,
    /// Compute every permit even after one is certainly in force (for
    /// explanations, which list them all); otherwise `tied` stops at the
    /// first permit in force, since nothing after it can change it.
    every: bool,
    /// The norms on the event's action that `==` pins rule out
    /// ([`super::pins::Sieve`]), and how many of them are forbids (the
    /// permits come after).
    sieved: Vec<u64>,
    forbids: usize,
}

impl PermitCache {
    /// A cache for an event of which the sieve ruled out `sieved` (the
    /// action's `forbids` forbids first, then its permits).
    pub fn with_sieve(sieved: Vec<u64>, forbids: usize) -> PermitCache {
        PermitCache {
            sieved,
            forbids,
            ..PermitCache::default()
        }
    }

    /// Did the sieve rule out the `k`th forbid on the event's action?
    pub fn forbid_sieved(&self, k: usize) -> bool {
        super::pins::has(&self.sieved, k)
    }

    /// The `k`th permit, `in_force` computed by `compute` unless known.
    fn in_force(&mut self, k: usize, compute: impl FnOnce() -> Truth) -> Truth {
        let ruled_out = super::pins::has(&self.sieved, self.forbids + k);
        *self.values[k].get_or_insert_with(|| if ruled_out { Truth::False } else { compute() })
    }

    /// A cache that computes every permit's `in_force`, for explanations.
    pub fn every() -> PermitCache {
        PermitCache {
            every: true,
            ..PermitCache::default()
        }
    }

    /// The permits computed so far, in the order of `permits`.
    pub fn entries<'a>(
        &'a self,
        permits: &'a [NormId],
    ) -> impl Iterator<Item = (NormId, Truth)> + 'a {
        permits
            .iter()
            .zip(&self.values)
            .filter_map(|(&p, v)| v.map(|t| (p, t)))
    }
}

/// A forbid's finding on one event, from its most severe instance.
#[derive(Clone, Debug)]
pub(crate) struct ForbidVerdict {
    pub kind: FindingKind,
    pub trigger: Option<EventId>,
    pub frame: Vec<Value>,
    pub other: Option<NormId>,
    /// For `excused`: the exception that held, else the permit or duty that won.
    pub by: Option<ExceptionTarget>,
}

/// Does `a` override `b`? A hash lookup (`ReportIndex::override_pairs`).
/// Norms with at most this many variables are judged in a frame on the stack.
const SMALL_FRAME: usize = 8;

pub(crate) fn overrides(env: &Env<'_>, a: NormId, b: NormId) -> bool {
    env.index.overrides(a, b)
}

pub(crate) fn bind(frame: &mut [Value], pattern: &Pattern, ev: EventView<'_>) {
    if let Some(slot) = pattern.binder.and_then(|b| frame.get_mut(b.index())) {
        *slot = Value::Event(ev.id);
    }
    for (param, var) in &pattern.bindings {
        if let Some(slot) = frame.get_mut(var.index()) {
            *slot = ev.args.get(*param).cloned().unwrap_or(Value::Unknown);
        }
    }
}

impl Env<'_> {
    fn opt_truth(&self, e: Option<&crate::model::Expr>, default: Truth, frame: &[Value]) -> Truth {
        e.map_or(default, |e| self.truth(e, frame))
    }

    /// `when` (the trigger's and the clause's) and `unless` of a norm.
    /// `gate` is the trigger instance's own part of `when`: that the
    /// trigger came in time, and (`on breach of`) the breach (§4, §6).
    pub fn norm_conditions(&self, norm: &NormDef, frame: &[Value], gate: Truth) -> (Truth, Truth) {
        let trig = if gate.is_false() {
            Truth::False
        } else {
            norm.trigger.as_ref().map_or(Truth::True, |t| {
                gate.and(self.opt_truth(t.when.as_ref(), Truth::True, frame))
            })
        };
        let when = if trig.is_false() {
            Truth::False
        } else {
            trig.and(self.opt_truth(norm.when.as_ref(), Truth::True, frame))
        };
        let unless = if when.is_false() {
            // Not needed for anything once `when` is false.
            Truth::False
        } else {
            self.opt_truth(norm.unless.as_ref(), Truth::False, frame)
        };
        (when, unless)
    }

    pub fn exception_applies(&self, ex: ExceptionId, frame: &[Value]) -> (Truth, Truth, Truth) {
        let Some(def) = self.program.exceptions.get(ex.index()) else {
            return (Truth::False, Truth::False, Truth::False);
        };
        let when = self.opt_truth(def.when.as_ref(), Truth::True, frame);
        let unless = if when.is_false() {
            Truth::False
        } else {
            self.opt_truth(def.unless.as_ref(), Truth::False, frame)
        };
        (when, unless, when.and(unless.not()))
    }

    /// `defeated(N, i)` for every exception of N's tree at once; returns
    /// N's value and, per entry of the plan, (applies, defeated).
    pub fn defeated_all(&self, norm: NormId, frame: &[Value]) -> (Truth, Vec<(Truth, Truth)>) {
        let Some(plan) = self.index.plan(norm) else {
            return (Truth::False, Vec::new());
        };
        let mut table = vec![(Truth::False, Truth::False); plan.order.len()];
        let mut top = Truth::False;
        // Children come after parents in the plan: walking backwards, every
        // exception's `defeated` is complete when we reach it.
        for k in (0..plan.order.len()).rev() {
            let (_, _, applies) = self.exception_applies(plan.order[k], frame);
            table[k].0 = applies;
            let holds = applies.and(table[k].1.not());
            match plan.parent[k] {
                None => top = top.or(holds),
                Some(p) => table[p].1 = table[p].1.or(holds),
            }
        }
        (top, table)
    }

    pub fn defeated(&self, norm: NormId, frame: &[Value]) -> Truth {
        self.defeated_all(norm, frame).0
    }

    /// The first of `norm`'s own exceptions that holds and is not
    /// defeated: what excuses a defeated instance (§7 `by`).
    pub fn excused_by(&self, norm: NormId, frame: &[Value]) -> Option<ExceptionId> {
        let plan = self.index.plan(norm)?;
        let (_, table) = self.defeated_all(norm, frame);
        plan.order
            .iter()
            .zip(&plan.parent)
            .zip(&table)
            .find(|((_, parent), (applies, defeated))| {
                parent.is_none() && applies.and(defeated.not()).is_true()
            })
            .map(|((&x, _), _)| x)
    }

    pub fn instance_truth(&self, norm: NormId, frame: &[Value], gate: Truth) -> InstanceTruth {
        let def = self.program.norm(norm);
        let (when, unless) = self.norm_conditions(def, frame, gate);
        let applies = when.and(unless.not());
        let defeated = if applies.is_false() {
            Truth::False
        } else {
            self.defeated(norm, frame)
        };
        InstanceTruth {
            when,
            unless,
            applies,
            defeated,
            in_force: applies.and(defeated.not()),
        }
    }

    /// Every instance of a forbid or permit on `ev`: the frames binding
    /// the matched pattern to `ev` and the trigger (if any) to each event
    /// at or before it — strictly after the breach, for a trigger `on
    /// breach of` (§4) — with the truth of that timing and of the breach
    /// (the instance's gate, three-valued where a time is imprecise).
    /// Calls `f` until it returns false.
    pub fn for_each_instance(
        &self,
        norm: NormId,
        ev: EventView<'_>,
        mut f: impl FnMut(Option<EventId>, Truth, &[Value]) -> bool,
    ) {
        let def = self.program.norm(norm);
        let Some(matched) = &def.matched else { return };
        if matched.action != ev.action {
            return;
        }
        let n = def.vars.len();
        if def.trigger.is_none() && n <= SMALL_FRAME {
            // The common case, once per norm and event: a frame on the
            // stack, no allocation.
            let mut frame: [Value; SMALL_FRAME] = std::array::from_fn(|_| Value::Unknown);
            bind(&mut frame[..n], matched, ev);
            f(None, Truth::True, &frame[..n]);
            return;
        }
        let mut base = vec![Value::Unknown; n];
        bind(&mut base, matched, ev);
        let Some(trigger) = &def.trigger else {
            f(None, Truth::True, &base);
            return;
        };
        // Triggers that may come at or before `ev` (sorted by their
        // earliest time).
        for &t in self
            .index
            .between(trigger.pattern.action, i64::MIN, ev.at_hi)
        {
            let Some(tv) = self.event(t) else { continue };
            let gate = self.trigger_gate(trigger, tv, ev);
            if gate.is_false() {
                continue;
            }
            let mut frame = base.clone();
            bind(&mut frame, &trigger.pattern, tv);
            // The matched pattern wins where both bind the same variable.
            bind(&mut frame, matched, ev);
            if !f(Some(t), gate, &frame) {
                return;
            }
        }
    }

    /// The gate of a trigger instance of a forbid or permit: the trigger
    /// `t` comes at or before the matched event `ev`; for `on breach of
    /// NORM`, NORM is breached on `t` strictly before `ev` (§4).
    pub fn trigger_gate(&self, trigger: &Trigger, t: EventView<'_>, ev: EventView<'_>) -> Truth {
        // One event is at its own time, whatever it is, and never
        // strictly after its own breach (a duty's deadline is at or after
        // its trigger): an imprecise time compared with itself is no doubt.
        let same = t.id == ev.id;
        match trigger.breach {
            None if same => Truth::True,
            None => t.time().le(ev.time()),
            Some(_) if same => Truth::False,
            Some(b) => match self.breach(b.norm, t.id) {
                Some(breach) => breach.truth.and(breach.at.lt(ev.time())),
                None => Truth::False,
            },
        }
    }

    /// `⋁ in_force(P, i)` over the instances of a permit on `ev`.
    pub fn permit_in_force(&self, permit: NormId, ev: EventView<'_>) -> Truth {
        if self.index.ruled_out(self.program, permit, ev.args) {
            return Truth::False;
        }
        let mut acc = Truth::False;
        self.for_each_instance(permit, ev, |_, gate, frame| {
            acc = acc.or(self.instance_truth(permit, frame, gate).in_force);
            !acc.is_true()
        });
        acc
    }

    /// `won` and `tied` of a forbid on `ev` (§7.1). `permits` caches the
    /// permits' `in_force` on this event across forbids.
    pub fn collision(
        &self,
        forbid: NormId,
        ev: EventView<'_>,
        permits: &mut PermitCache,
        duties: &[DutyLink<'_>],
    ) -> Collision {
        let mut c = Collision {
            won: Truth::False,
            tied: Truth::False,
            tied_by: None,
            won_by: None,
        };
        let list = self.index.permits_on(ev.action);
        if permits.values.len() != list.len() {
            permits.values = vec![None; list.len()];
            permits.all = None;
        }
        let unrelated = !self
            .index
            .permit_override
            .get(forbid.index())
            .copied()
            .unwrap_or(true);
        if unrelated && !list.is_empty() {
            // No override between this forbid and any permit: every permit
            // is tied, and their "or" is the same for every such forbid.
            let (tied, by) = match permits.all {
                Some(all) => all,
                None => {
                    let mut acc = Truth::False;
                    let mut by = None;
                    for (k, &p) in list.iter().enumerate() {
                        let t = permits.in_force(k, || self.permit_in_force(p, ev));
                        if t.is_true() && !acc.is_true() {
                            by = Some(p);
                        }
                        acc = acc.or(t);
                        if acc.is_true() && !permits.every {
                            break;
                        }
                    }
                    permits.all = Some((acc, by));
                    (acc, by)
                }
            };
            c.tied = tied;
            c.tied_by = by;
        }
        for (k, &p) in list.iter().enumerate().filter(|_| !unrelated) {
            if overrides(self, forbid, p) {
                continue;
            }
            let t = permits.in_force(k, || self.permit_in_force(p, ev));
            c.add(overrides(self, p, forbid), t, p);
        }
        for link in duties {
            if overrides(self, link.norm, forbid) {
                c.add(true, link.truth, link.norm);
            } else if !overrides(self, forbid, link.norm) && link.conflicts.contains(&forbid) {
                c.add(false, link.truth, link.norm);
            }
        }
        c
    }

    /// The finding of a forbid on `ev`, from its most severe instance.
    pub fn forbid_verdict(
        &self,
        forbid: NormId,
        ev: EventView<'_>,
        permits: &mut PermitCache,
        duties: &[DutyLink<'_>],
    ) -> Option<ForbidVerdict> {
        if self.index.ruled_out(self.program, forbid, ev.args) {
            return None;
        }
        let mut best: Option<ForbidVerdict> = None;
        let mut collision: Option<Collision> = None;
        self.for_each_instance(forbid, ev, |trigger, gate, frame| {
            let it = self.instance_truth(forbid, frame, gate);
            if it.applies.is_false() {
                return true;
            }
            let c = *collision.get_or_insert_with(|| self.collision(forbid, ev, permits, duties));
            let Some((kind, other)) = classify(it, c) else {
                return true;
            };
            if best
                .as_ref()
                .is_none_or(|b| forbid_rank(kind) > forbid_rank(b.kind))
            {
                let by = if kind != FindingKind::Excused {
                    None
                } else if it.defeated.is_true() {
                    self.excused_by(forbid, frame)
                        .map(ExceptionTarget::Exception)
                } else {
                    other.map(ExceptionTarget::Norm)
                };
                best = Some(ForbidVerdict {
                    kind,
                    trigger,
                    frame: frame.to_vec(),
                    other,
                    by,
                });
            }
            kind != FindingKind::Violation
        });
        best
    }
}

impl Collision {
    fn add(&mut self, wins: bool, t: Truth, by: NormId) {
        if wins {
            if t.is_true() && !self.won.is_true() {
                self.won_by = Some(by);
            }
            self.won = self.won.or(t);
        } else {
            if t.is_true() && !self.tied.is_true() {
                self.tied_by = Some(by);
            }
            self.tied = self.tied.or(t);
        }
    }
}

/// The table of §7.1 for one forbid instance.
pub(crate) fn classify(it: InstanceTruth, c: Collision) -> Option<(FindingKind, Option<NormId>)> {
    let free = it.in_force.and(c.won.not());
    let v = free.and(c.tied.not());
    let conflict = free.and(c.tied);
    if conflict.is_true() {
        Some((FindingKind::Conflict, c.tied_by))
    } else if v.is_true() {
        Some((FindingKind::Violation, None))
    } else if v == Truth::Unknown || conflict == Truth::Unknown {
        Some((FindingKind::Possible, None))
    } else if !it.applies.is_false() && (it.defeated.is_true() || c.won.is_true()) {
        Some((FindingKind::Excused, c.won_by.filter(|_| c.won.is_true())))
    } else {
        None
    }
}
