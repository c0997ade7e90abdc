//! The rules of §7.1 over a symbolic scenario, rule by rule as
//! `eval/judge.rs` and `eval/duty.rs` apply them to a report:
//! - an instance binds a norm's patterns to events: its matched event,
//!   and for a norm with a trigger every slot of the trigger's action at
//!   or before the matched event (the matched event itself included) —
//!   for a trigger `on breach of NORM`, every slot on which NORM is
//!   breached strictly before the matched event, the breach (T or U) the
//!   instance's gate (§4); a breach-triggered duty's window opens at the
//!   breach;
//! - `applies = when(trigger) ∧ when ∧ ¬unless`, `defeated` over the
//!   exception tree walked from the leaves (a loop, as in the evaluator),
//!   `in_force = applies ∧ ¬defeated`;
//! - a permit is in force on an event when some instance is;
//! - an event *fulfils* a duty when it is the first event (in time, then
//!   name: slot order) in the duty's closed window whose required
//!   arguments match, or, with no match and no maybe-match in the window,
//!   the first matching one after the deadline and by `as_of`;
//! - `won` of a forbid on an event: a permit that overrides it is in
//!   force, or the event fulfils a duty of a norm that overrides it;
//!   `tied`: the same without the override;
//! - a duty and a forbid conflict (§7.1) when the duty's act is a certain
//!   violation at every instant of its window — tried at the trigger's
//!   time, the deadline and one second either side of every instant where
//!   a relation reading the act's time changes, as the evaluator tries
//!   them — and every listed event that fulfils it in the window is one.

use z3::ast::{Bool, Int};

use crate::model::{NormDef, NormId, Pattern, Program};

use super::encode::{Enc, Hypo};
use super::logic::{Tri, Val};
use super::support::exception_tree;

/// An event a norm is judged on: a slot, or the hypothetical act.
#[derive(Clone)]
pub(crate) struct Ev {
    pub index: i64,
    pub at: Int,
    /// Slot number, `None` for the hypothetical act.
    pub slot: Option<usize>,
}

impl Ev {
    pub fn slot(enc: &Enc<'_, '_>, i: usize) -> Ev {
        Ev {
            index: i as i64,
            at: enc.scen.at[i].clone(),
            slot: Some(i),
        }
    }

    pub fn hypo(enc: &Enc<'_, '_>, h: &Hypo) -> Ev {
        Ev {
            index: enc.hypo_index(),
            at: h.at.clone(),
            slot: None,
        }
    }
}

/// The truth values of one instance.
pub(crate) struct Instance {
    pub valid: Bool,
    /// The trigger's own part of `applies`: its breach (§4), else true.
    pub gate: Tri,
    pub frame: Vec<Val>,
}

impl Enc<'_, '_> {
    fn program(&self) -> &Program {
        self.scen.program
    }

    /// Bind a pattern's binder and parameters to an event.
    pub fn bind(&self, frame: &mut [Val], pattern: &Pattern, ev: &Ev) {
        if let Some(slot) = pattern.binder.and_then(|b| frame.get_mut(b.index())) {
            *slot = Val::int(ev.index);
        }
        for (param, var) in &pattern.bindings {
            let v = match ev.slot {
                Some(i) => self.scen.arg(i, pattern.action, *param).cloned(),
                None => self
                    .hypo
                    .filter(|h| h.action == pattern.action)
                    .and_then(|h| h.args.get(*param).cloned()),
            };
            if let Some(slot) = frame.get_mut(var.index()) {
                *slot = v.unwrap_or_else(Val::unknown);
            }
        }
    }

    fn opt_truth(&self, e: Option<&crate::model::Expr>, default: bool, frame: &[Val]) -> Tri {
        e.map_or_else(|| Tri::lit(default), |e| self.truth(e, frame))
    }

    /// `applies` of a norm instance: the trigger's and the clause's
    /// `when`, and not `unless`.
    pub fn applies(&self, norm: &NormDef, frame: &[Val]) -> Tri {
        let trig = norm.trigger.as_ref().map_or_else(
            || Tri::lit(true),
            |t| self.opt_truth(t.when.as_ref(), true, frame),
        );
        let when = self.opt_truth(norm.when.as_ref(), true, frame);
        let unless = self.opt_truth(norm.unless.as_ref(), false, frame);
        Tri::and(&[trig, when, unless.not()])
    }

    /// `defeated(N, i)`: walk the exception tree from the leaves, as the
    /// evaluator's flat plan does.
    pub fn defeated(&self, norm: NormId, frame: &[Val]) -> Tri {
        let program = self.program();
        let order = exception_tree(program, program.norm(norm));
        if order.is_empty() {
            return Tri::lit(false);
        }
        let position: std::collections::HashMap<usize, usize> =
            order.iter().enumerate().map(|(k, &x)| (x, k)).collect();
        let mut beaten: Vec<Vec<Tri>> = vec![Vec::new(); order.len()];
        let mut top = Vec::new();
        for k in (0..order.len()).rev() {
            let def = &program.exceptions[order[k]];
            let when = self.opt_truth(def.when.as_ref(), true, frame);
            let unless = self.opt_truth(def.unless.as_ref(), false, frame);
            let defeated = Tri::or(&std::mem::take(&mut beaten[k]));
            let holds = Tri::and(&[when, unless.not(), defeated.not()]);
            match def.target {
                crate::model::ExceptionTarget::Exception(t) => {
                    if let Some(&p) = position.get(&t.index()) {
                        beaten[p].push(holds);
                    }
                }
                crate::model::ExceptionTarget::Norm(_) => top.push(holds),
            }
        }
        Tri::or(&top)
    }

    pub fn in_force(&self, norm: NormId, frame: &[Val]) -> Tri {
        let def = self.program().norm(norm);
        let applies = self.applies(def, frame);
        Tri::and(&[applies, self.defeated(norm, frame).not()])
    }

    /// Every instance of a forbid or permit on `ev` (its matched pattern
    /// is assumed to be `ev`'s action: the caller guards that).
    pub fn instances(&self, norm: NormId, ev: &Ev) -> Vec<Instance> {
        let def = self.program().norm(norm);
        let Some(matched) = &def.matched else {
            return Vec::new();
        };
        let mut base = vec![Val::unknown(); def.vars.len()];
        self.bind(&mut base, matched, ev);
        let Some(trigger) = &def.trigger else {
            return vec![Instance {
                valid: Bool::from_bool(true),
                gate: Tri::lit(true),
                frame: base,
            }];
        };
        (0..self.scen.k)
            .filter_map(|j| {
                let is = self.scen.is_action(j, trigger.pattern.action);
                if is.as_bool() == Some(false) {
                    return None;
                }
                let t = Ev::slot(self, j);
                let mut frame = base.clone();
                self.bind(&mut frame, &trigger.pattern, &t);
                self.bind(&mut frame, matched, ev);
                let (gate, since, timely) = match trigger.breach {
                    None => (Tri::lit(true), self.scen.at[j].clone(), None),
                    Some(b) => {
                        // Strictly after the breach; never on its own event.
                        let breach = self.breach(b.norm, j);
                        let same = ev.slot == Some(j);
                        let after = breach.at.lt(&ev.at);
                        (
                            breach.truth,
                            breach.at,
                            Some(Bool::and(&[after, Bool::from_bool(!same)])),
                        )
                    }
                };
                if ev.slot.is_none() {
                    self.note_cut(&Int::sub(&[&since, &ev.at]));
                }
                let timely = timely.unwrap_or_else(|| since.le(&ev.at));
                Some(Instance {
                    valid: Bool::and(&[is, timely]),
                    gate,
                    frame,
                })
            })
            .collect()
    }

    /// `⋁ in_force(N, i)` over the instances of N on `ev`.
    pub fn in_force_on(&self, norm: NormId, ev: &Ev) -> Tri {
        Tri::or(
            &self
                .instances(norm, ev)
                .iter()
                .map(|i| {
                    Tri::and(&[i.gate.clone(), self.in_force(norm, &i.frame)]).guarded(&i.valid)
                })
                .collect::<Vec<_>>(),
        )
    }

    /// Some instance of a forbid on `ev` is certainly in force.
    pub fn certainly_in_force_on(&self, norm: NormId, ev: &Ev) -> Bool {
        self.in_force_on(norm, ev).t
    }

    /// Does slot `i` fulfil a duty of `oblige` (for some trigger), the
    /// duty in force? Three-valued, as the evaluator's duty links.
    pub fn fulfils(&self, oblige: NormId, i: usize) -> Tri {
        let def = self.program().norm(oblige);
        let (Some(trigger), Some(req), Some(within)) = (&def.trigger, &def.required, def.within)
        else {
            return Tri::lit(false);
        };
        let is_i = self.scen.is_action(i, req.action);
        if is_i.as_bool() == Some(false) {
            return Tri::lit(false);
        }
        let mut links = Vec::new();
        for t in 0..self.scen.k {
            let valid = self.scen.is_action(t, trigger.pattern.action);
            if valid.as_bool() == Some(false) {
                continue;
            }
            let duty = self.duty(oblige, t, within);
            let wanted = self.required_values(req, &duty.frame);
            let m: Vec<Tri> = (0..self.scen.k)
                .map(|j| self.matches(&wanted, req.action, j))
                .collect();
            let is: Vec<Bool> = (0..self.scen.k)
                .map(|j| self.scen.is_action(j, req.action))
                .collect();
            let at = &self.scen.at;
            let start = &duty.start;
            let in_win =
                |j: usize| Bool::and(&[&is[j], &at[j].ge(start), &at[j].le(&duty.deadline)]);
            let late = |j: usize| {
                Bool::and(&[
                    &is[j],
                    &at[j].gt(&duty.deadline),
                    &at[j].le(&self.scen.as_of),
                ])
            };
            let earlier_match = Bool::or(
                &(0..i)
                    .map(|j| Bool::and(&[in_win(j), m[j].t.clone()]))
                    .collect::<Vec<_>>(),
            );
            let perf_win = Tri::and(&[
                Tri::exact(Bool::and(&[in_win(i), earlier_match.not()])),
                m[i].clone(),
            ]);
            let window_maybe = Bool::or(
                &(0..self.scen.k)
                    .map(|j| Bool::and(&[in_win(j), m[j].f.not()]))
                    .collect::<Vec<_>>(),
            );
            let earlier_late = Bool::or(
                &(0..i)
                    .map(|j| Bool::and(&[late(j), m[j].t.clone()]))
                    .collect::<Vec<_>>(),
            );
            let perf_late = Bool::and(&[
                window_maybe.not(),
                late(i),
                m[i].t.clone(),
                earlier_late.not(),
            ]);
            let perf = Tri::or(&[perf_win, Tri::exact(perf_late)]);
            links.push(Tri::and(&[perf, duty.applies, duty.defeated.not()]).guarded(&valid));
        }
        Tri::or(&links)
    }

    /// The duty of `oblige` whose trigger is slot `t`: its window opens at
    /// the trigger, or at the breach it answers (§4), whose truth is then
    /// part of `applies`.
    pub fn duty(&self, oblige: NormId, t: usize, within: i64) -> Duty {
        let def = self.program().norm(oblige);
        let mut frame = vec![Val::unknown(); def.vars.len()];
        let mut gate = Tri::lit(true);
        let mut start = self.scen.at[t].clone();
        if let Some(trigger) = &def.trigger {
            self.bind(&mut frame, &trigger.pattern, &Ev::slot(self, t));
            if let Some(b) = trigger.breach {
                let breach = self.breach(b.norm, t);
                gate = breach.truth;
                start = breach.at;
            }
        }
        let applies = Tri::and(&[gate, self.applies(def, &frame)]);
        let defeated = self.defeated(oblige, &frame);
        // The evaluator's deadline saturates at the largest time.
        let sum = Int::add(&[&start, &Int::from_i64(within)]);
        let max = Int::from_i64(i64::MAX);
        let deadline = sum.le(&max).ite(&sum, &max);
        Duty {
            frame,
            applies,
            defeated,
            start,
            deadline,
        }
    }

    /// The hypothetical act of a duty: its required action at the
    /// deadline, the listed arguments as required, the others `?`.
    pub fn hypothetical(&self, oblige: NormId, duty: &Duty) -> Option<Hypo> {
        let def = self.program().norm(oblige);
        let req = def.required.as_ref()?;
        let n = self.program().actions.get(req.action.index())?.params.len();
        let mut args = vec![Val::unknown(); n];
        for (i, v) in self.required_values(req, &duty.frame) {
            if let Some(slot) = args.get_mut(i) {
                *slot = v;
            }
        }
        Some(Hypo {
            action: req.action,
            args,
            at: duty.deadline.clone(),
            cuts: None,
        })
    }

    /// `v = T` of forbid `f` on `ev` (a slot, or this encoder's
    /// hypothetical act): certainly in force, and no permit of `permits`
    /// may win or tie (duties are not counted).
    pub fn violated(&self, f: NormId, ev: &Ev, permits: &[NormId]) -> Bool {
        let program = self.program();
        let over = |a: NormId, b: NormId| program.norm(a).overrides.contains(&b);
        let mut won = Vec::new();
        let mut tied = Vec::new();
        for &p in permits {
            if over(f, p) {
                continue;
            }
            let t = self.in_force_on(p, ev);
            if over(p, f) {
                won.push(t);
            } else {
                tied.push(t);
            }
        }
        Bool::and(&[
            self.certainly_in_force_on(f, ev),
            Tri::or(&won).f,
            Tri::or(&tied).f,
        ])
    }

    /// §7.1: the duty `duty` of `oblige` and forbid `f` conflict — its
    /// act, done at any instant of its window `[start, D]`, is a violation
    /// of `f`, and so is every listed event that fulfils it in the
    /// window. The instants are the window's start, the deadline and
    /// the cuts recorded while encoding `f` on the act at a fresh time.
    pub fn window_conflict(
        &self,
        oblige: NormId,
        duty: &Duty,
        f: NormId,
        permits: &[NormId],
    ) -> Bool {
        let Some(base) = self.hypothetical(oblige, duty) else {
            return Bool::from_bool(false);
        };
        let start = &duty.start;
        let mut probe = base.at(Int::fresh_const("act_time"));
        probe.cuts = Some(std::cell::RefCell::new(Vec::new()));
        let enc = self.with_hypo(&probe);
        let _ = enc.violated(f, &Ev::hypo(&enc, &probe), permits);
        let mut instants = vec![start.clone(), duty.deadline.clone()];
        instants.extend(probe.cuts.take().unwrap_or_default().into_inner());
        let mut seen = std::collections::HashSet::new();
        let mut all = Vec::new();
        for at in instants {
            if !seen.insert(at.to_string()) {
                continue;
            }
            let h = base.at(at.clone());
            let eh = self.with_hypo(&h);
            let inside = Bool::and(&[start.le(&at), at.le(&duty.deadline)]);
            all.push(inside.implies(eh.violated(f, &Ev::hypo(&eh, &h), permits)));
        }
        if let Some(req) = &self.program().norm(oblige).required {
            let wanted = self.required_values(req, &duty.frame);
            for j in 0..self.scen.k {
                let is = self.scen.is_action(j, req.action);
                if is.as_bool() == Some(false) {
                    continue;
                }
                let at = &self.scen.at[j];
                let fulfils = Bool::and(&[
                    is,
                    at.ge(start),
                    at.le(&duty.deadline),
                    self.matches(&wanted, req.action, j).t,
                ]);
                all.push(fulfils.implies(self.violated(f, &Ev::slot(self, j), permits)));
            }
        }
        Bool::and(&all)
    }
}

/// One duty of an `oblige` norm, for one trigger slot.
pub(crate) struct Duty {
    pub frame: Vec<Val>,
    pub applies: Tri,
    pub defeated: Tri,
    /// When its window opens: the trigger's time, or the breach's.
    pub start: Int,
    pub deadline: Int,
}
