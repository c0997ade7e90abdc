//! The findings the evaluator records on a symbolic scenario, for the
//! norms of one version (`norma diff`, §10): a forbid's verdict on each
//! event (its most severe instance; `crossed` beside a red line's
//! violation), a duty's outcome on each trigger, and which norm a
//! `conflict` or `excused` finding names as `other` — rule by rule as
//! `eval/judge.rs`, `eval/duty.rs` and `eval/report.rs` apply them:
//! - the norms of a version are taken in the evaluator's order (by
//!   qualified name): permits, then the links of duties performed on the
//!   event (duty by duty, triggers in time order), feed `won` and `tied`;
//!   the `other` of a finding is the first of them that is certainly in
//!   force;
//! - a duty's status comes from the first event in its window that may
//!   perform it, else the first late one, else `as_of` and the deadline;
//!   its outcome is `excused` when defeated, else `suspended` by the first
//!   forbid it conflicts with over its whole window (§7.1) that overrides
//!   it, else `conflict` with the first such forbid neither overrides,
//!   else the status.

use z3::ast::Bool;

use crate::model::{ActionId, FindingKind, Modality, NormId, NormKind, Program};

use super::encode::Enc;
use super::logic::Tri;
use super::rules::Ev;

/// One Boolean per finding kind (indexed as [`FindingKind::ALL`]).
#[derive(Clone)]
pub(crate) struct Kinds(pub Vec<Bool>);

impl Kinds {
    pub fn none() -> Kinds {
        Kinds(vec![Bool::from_bool(false); FindingKind::ALL.len()])
    }

    fn slot(k: FindingKind) -> usize {
        FindingKind::ALL.iter().position(|&x| x == k).unwrap_or(0)
    }

    pub fn get(&self, k: FindingKind) -> &Bool {
        &self.0[Kinds::slot(k)]
    }

    pub fn add(&mut self, k: FindingKind, b: Bool) {
        let i = Kinds::slot(k);
        self.0[i] = Bool::or(&[&self.0[i], &b]);
    }

    /// Some finding is a problem (§7: what `expect clean` rules out).
    pub fn problem(&self) -> Bool {
        Bool::or(
            &FindingKind::ALL
                .iter()
                .filter(|k| k.is_problem())
                .map(|&k| self.get(k).clone())
                .collect::<Vec<_>>(),
        )
    }

    /// The two sets of kinds differ.
    pub fn differs(&self, other: &Kinds) -> Bool {
        Bool::or(
            &self
                .0
                .iter()
                .zip(&other.0)
                .map(|(a, b)| a.xor(b))
                .collect::<Vec<_>>(),
        )
    }
}

/// The norms in force for one version, in the evaluator's order.
pub(crate) struct Version {
    pub norms: Vec<NormId>,
}

impl Version {
    pub fn new(program: &Program, norms: &[NormId]) -> Version {
        let mut norms = norms.to_vec();
        norms.sort_by(|a, b| program.norm(*a).qualified.cmp(&program.norm(*b).qualified));
        norms.dedup();
        Version { norms }
    }

    fn on(&self, program: &Program, modality: Modality, action: ActionId) -> Vec<NormId> {
        self.norms
            .iter()
            .copied()
            .filter(|&n| {
                let d = program.norm(n);
                d.modality == modality && d.matched.as_ref().is_some_and(|p| p.action == action)
            })
            .collect()
    }

    /// `oblige` norms whose required action is `action`.
    fn obliging(&self, program: &Program, action: ActionId) -> Vec<NormId> {
        self.norms
            .iter()
            .copied()
            .filter(|&n| {
                let d = program.norm(n);
                d.modality == Modality::Oblige
                    && d.trigger.is_some()
                    && d.within.is_some()
                    && d.required.as_ref().is_some_and(|r| r.action == action)
            })
            .collect()
    }

    /// Every norm whose findings on events of `actions` the state below
    /// computes: forbids and permits on them, duties to perform them.
    pub fn cluster(&self, program: &Program, actions: &[ActionId]) -> Vec<NormId> {
        self.norms
            .iter()
            .copied()
            .filter(|&n| {
                let d = program.norm(n);
                let a = match d.modality {
                    Modality::Oblige => d.required.as_ref().map(|r| r.action),
                    _ => d.matched.as_ref().map(|p| p.action),
                };
                a.is_some_and(|a| actions.contains(&a))
            })
            .collect()
    }
}

impl Version {
    /// The norms whose definitions the findings of `n` on events of
    /// `actions` are computed from: for a forbid, itself, the permits and
    /// the duties on them (and the other forbids when there are duties:
    /// a duty's `conflict` names the first forbid it collides with); for a
    /// permit or a duty, every norm on them.
    pub fn depends(&self, program: &Program, n: NormId, actions: &[ActionId]) -> Vec<NormId> {
        let cluster = self.cluster(program, actions);
        if program.norm(n).modality != Modality::Forbid {
            return cluster;
        }
        let duties = cluster
            .iter()
            .any(|&m| program.norm(m).modality == Modality::Oblige);
        cluster
            .into_iter()
            .filter(|&m| m == n || duties || program.norm(m).modality != Modality::Forbid)
            .collect()
    }
}

/// A forbid's verdict on one slot.
struct Verdict {
    forbid: NormId,
    slot: usize,
    /// Violation, conflict, possible, excused (exactly one or none).
    kind: Kinds,
    /// `other` of a conflict / an excused finding: per candidate norm,
    /// "it is the one named".
    tied_by: Vec<(NormId, Bool)>,
    won_by: Vec<(NormId, Bool)>,
}

/// One duty: an `oblige` norm and its trigger slot.
struct DutyState {
    norm: NormId,
    trigger: usize,
    /// Per slot: the link's truth (it performs the duty, the duty in
    /// force) — what a forbid on that slot sees.
    links: Vec<Tri>,
    /// Per forbid on the required action: it conflicts with the duty over
    /// the whole window (§7.1).
    conflicts: Vec<(NormId, Bool)>,
    outcome: Kinds,
    /// Its deadline (the time of its breach, §4).
    deadline: z3::ast::Int,
    /// The forbid a `conflict` outcome names.
    conflict_with: Vec<(NormId, Bool)>,
}

/// Everything one version records on the events of some actions.
pub(crate) struct State {
    verdicts: Vec<Verdict>,
    duties: Vec<DutyState>,
}

/// The permits on an action, in order, with their `in_force` on a slot.
#[derive(Default)]
struct PermitTable(std::collections::HashMap<(ActionId, usize), Vec<(NormId, Tri)>>);

impl PermitTable {
    fn on(&self, a: ActionId, i: usize) -> &[(NormId, Tri)] {
        self.0.get(&(a, i)).map_or(&[], Vec::as_slice)
    }
}

/// "The first of these that holds is `x`", per candidate.
fn firsts(items: &[(NormId, Bool)]) -> Vec<(NormId, Bool)> {
    let mut out: Vec<(NormId, Bool)> = Vec::new();
    let mut index: std::collections::HashMap<NormId, usize> = std::collections::HashMap::new();
    // "Some earlier one holds", built as a running "or".
    let mut before = Bool::from_bool(false);
    for (n, b) in items {
        let first = Bool::and(&[b.clone(), before.not()]);
        match index.get(n) {
            Some(&i) => out[i].1 = Bool::or(&[out[i].1.clone(), first]),
            None => {
                index.insert(*n, out.len());
                out.push((*n, first));
            }
        }
        before = Bool::or(&[before, b.clone()]);
    }
    out
}

fn named(list: &[(NormId, Bool)], n: NormId) -> Bool {
    list.iter()
        .find(|(m, _)| *m == n)
        .map_or_else(|| Bool::from_bool(false), |(_, b)| b.clone())
}

impl Enc<'_, '_> {
    /// Does `a` override `b`?
    fn over(&self, a: NormId, b: NormId) -> bool {
        self.scen.program.norm(a).overrides.contains(&b)
    }

    fn duty_state(&self, v: &Version, d: NormId, t: usize) -> Option<DutyState> {
        let program = self.scen.program;
        let def = program.norm(d);
        let (Some(trigger), Some(req), Some(within)) = (&def.trigger, &def.required, def.within)
        else {
            return None;
        };
        let valid = self.scen.is_action(t, trigger.pattern.action);
        if valid.as_bool() == Some(false) {
            return None;
        }
        let k = self.scen.k;
        let duty = self.duty(d, t, within);
        // A duty exists where its trigger's `when` and `unless` are not false.
        let exists = Bool::and(&[valid, duty.applies.f.not()]);
        let wanted = self.required_values(req, &duty.frame);
        let m: Vec<Tri> = (0..k)
            .map(|j| self.matches(&wanted, req.action, j))
            .collect();
        let is: Vec<Bool> = (0..k).map(|j| self.scen.is_action(j, req.action)).collect();
        let at = &self.scen.at;
        let in_win =
            |j: usize| Bool::and(&[&is[j], &at[j].ge(&duty.start), &at[j].le(&duty.deadline)]);
        let late = |j: usize| {
            Bool::and(&[
                &is[j],
                &at[j].gt(&duty.deadline),
                &at[j].le(&self.scen.as_of),
            ])
        };
        let fulfilled = Bool::or(
            &(0..k)
                .map(|j| Bool::and(&[in_win(j), m[j].t.clone()]))
                .collect::<Vec<_>>(),
        );
        let maybe = Bool::or(
            &(0..k)
                .map(|j| Bool::and(&[in_win(j), m[j].f.not()]))
                .collect::<Vec<_>>(),
        );
        let late_match = |j: usize| Bool::and(&[late(j), m[j].t.clone()]);
        let any_late = Bool::or(&(0..k).map(late_match).collect::<Vec<_>>());
        let in_force = Tri::and(&[duty.applies.clone(), duty.defeated.not()]);
        let links: Vec<Tri> = (0..k)
            .map(|j| {
                let earlier_t = Bool::or(
                    &(0..j)
                        .map(|x| Bool::and(&[in_win(x), m[x].t.clone()]))
                        .collect::<Vec<_>>(),
                );
                let win = Tri::and(&[
                    Tri::exact(Bool::and(&[in_win(j), earlier_t.not()])),
                    m[j].clone(),
                ]);
                let earlier_late = Bool::or(&(0..j).map(late_match).collect::<Vec<_>>());
                let lt = Tri::exact(Bool::and(&[maybe.not(), late_match(j), earlier_late.not()]));
                Tri::and(&[Tri::or(&[win, lt]), in_force.clone()]).guarded(&exists)
            })
            .collect();

        // The conflicting-obligations rule over the whole window.
        let forbids = v.on(program, Modality::Forbid, req.action);
        let permits = v.on(program, Modality::Permit, req.action);
        let conflicts: Vec<(NormId, Bool)> = forbids
            .iter()
            .map(|&f| (f, self.window_conflict(d, &duty, f, &permits)))
            .collect();
        let suspending: Vec<(NormId, Bool)> = conflicts
            .iter()
            .filter(|(f, _)| self.over(*f, d))
            .cloned()
            .collect();
        let open: Vec<(NormId, Bool)> = conflicts
            .iter()
            .filter(|(f, _)| !self.over(*f, d) && !self.over(d, *f))
            .cloned()
            .collect();
        let excused = duty.defeated.t.clone();
        let suspended = Bool::and(&[
            excused.not(),
            Bool::or(&suspending.iter().map(|x| x.1.clone()).collect::<Vec<_>>()),
        ]);
        let conflict = Bool::and(&[
            excused.not(),
            suspended.not(),
            Bool::or(&open.iter().map(|x| x.1.clone()).collect::<Vec<_>>()),
        ]);
        let status = Bool::and(&[excused.not(), suspended.not(), conflict.not()]);
        let uncertain = Bool::or(&[
            duty.applies.is_known().not(),
            duty.defeated.is_known().not(),
        ]);
        let none_in_window = maybe.not();
        let late_s = Bool::and(&[none_in_window.clone(), any_late.clone()]);
        let past = self.scen.as_of.gt(&duty.deadline);
        let missed = Bool::and(&[none_in_window.clone(), any_late.not(), past.clone()]);
        let pending = Bool::and(&[none_in_window, any_late.not(), past.not()]);
        let mut outcome = Kinds::none();
        let mut put = |k: FindingKind, b: Bool| outcome.add(k, Bool::and(&[exists.clone(), b]));
        put(FindingKind::Excused, excused);
        put(FindingKind::Suspended, suspended);
        put(FindingKind::Conflict, conflict.clone());
        put(
            FindingKind::Fulfilled,
            Bool::and(&[status.clone(), fulfilled.clone()]),
        );
        let possible = Bool::or(&[
            Bool::and(&[fulfilled.not(), maybe.clone()]),
            Bool::and(&[
                uncertain.clone(),
                Bool::or(&[late_s.clone(), missed.clone()]),
            ]),
        ]);
        put(
            FindingKind::Possible,
            Bool::and(&[status.clone(), possible]),
        );
        put(
            FindingKind::Late,
            Bool::and(&[status.clone(), uncertain.not(), late_s]),
        );
        put(
            FindingKind::Missed,
            Bool::and(&[status.clone(), uncertain.not(), missed]),
        );
        put(FindingKind::Pending, Bool::and(&[status, pending]));
        let conflict_with = firsts(&open)
            .into_iter()
            .map(|(f, b)| (f, Bool::and(&[exists.clone(), conflict.clone(), b])))
            .collect();
        Some(DutyState {
            norm: d,
            trigger: t,
            links,
            conflicts,
            outcome,
            deadline: duty.deadline,
            conflict_with,
        })
    }

    /// A forbid's verdict on slot `i` (the slot known to be of its action
    /// by the caller's guard `on`).
    fn verdict(&self, f: NormId, i: usize, duties: &[DutyState], permits: &PermitTable) -> Verdict {
        let program = self.scen.program;
        let def = program.norm(f);
        let action = def.matched.as_ref().map(|p| p.action);
        let on = action.map_or_else(|| Bool::from_bool(false), |a| self.scen.is_action(i, a));
        let ev = Ev::slot(self, i);
        let mut contributions: Vec<(bool, NormId, Tri)> = Vec::new();
        if let Some(a) = action {
            for (p, t) in permits.on(a, i) {
                if self.over(f, *p) {
                    continue;
                }
                contributions.push((self.over(*p, f), *p, t.clone()));
            }
        }
        for d in duties {
            let req = program.norm(d.norm).required.as_ref().map(|r| r.action);
            if req != action {
                continue;
            }
            let link = d.links[i].clone();
            if self.over(d.norm, f) {
                contributions.push((true, d.norm, link));
            } else if !self.over(f, d.norm) {
                let c = named(&d.conflicts, f);
                contributions.push((false, d.norm, Tri::and(&[link, Tri::exact(c)])));
            }
        }
        let won = Tri::or(
            &contributions
                .iter()
                .filter(|c| c.0)
                .map(|c| c.2.clone())
                .collect::<Vec<_>>(),
        );
        let tied = Tri::or(
            &contributions
                .iter()
                .filter(|c| !c.0)
                .map(|c| c.2.clone())
                .collect::<Vec<_>>(),
        );
        let won_by = firsts(
            &contributions
                .iter()
                .filter(|c| c.0)
                .map(|c| (c.1, c.2.t.clone()))
                .collect::<Vec<_>>(),
        );
        let tied_by = firsts(
            &contributions
                .iter()
                .filter(|c| !c.0)
                .map(|c| (c.1, c.2.t.clone()))
                .collect::<Vec<_>>(),
        );
        // Per instance, the table of §7.1; the verdict is the most severe.
        let mut has = [(); 4].map(|_| Vec::<Bool>::new());
        for inst in self.instances(f, &ev) {
            let applies = Tri::and(&[inst.gate.clone(), self.applies(def, &inst.frame)]);
            let defeated = self.defeated(f, &inst.frame);
            let in_force = Tri::and(&[applies.clone(), defeated.not()]);
            let free = Tri::and(&[in_force, won.not()]);
            let viol = Tri::and(&[free.clone(), tied.not()]);
            let confl = Tri::and(&[free, tied.clone()]);
            let unknown = Bool::or(&[viol.is_known().not(), confl.is_known().not()]);
            let valid = Bool::and(&[inst.valid.clone(), applies.f.not()]);
            let c = confl.t.clone();
            let vi = Bool::and(&[c.not(), viol.t.clone()]);
            let p = Bool::and(&[c.not(), viol.t.not(), unknown.clone()]);
            let e = Bool::and(&[
                c.not(),
                viol.t.not(),
                unknown.not(),
                Bool::or(&[defeated.t.clone(), won.t.clone()]),
            ]);
            for (slot, b) in [vi, c, p, e].into_iter().enumerate() {
                has[slot].push(Bool::and(&[valid.clone(), b]));
            }
        }
        let any: Vec<Bool> = has.iter().map(|h| Bool::or(h)).collect();
        let mut kind = Kinds::none();
        let order = [
            FindingKind::Violation,
            FindingKind::Conflict,
            FindingKind::Possible,
            FindingKind::Excused,
        ];
        for (r, k) in order.iter().enumerate() {
            let higher: Vec<Bool> = any[..r].iter().map(|b| b.not()).collect();
            let b = Bool::and(&[vec![on.clone(), any[r].clone()], higher].concat());
            if *k == FindingKind::Violation && def.kind == NormKind::Redline {
                kind.add(FindingKind::Crossed, b.clone());
            }
            kind.add(*k, b);
        }
        let won_t = won.t.clone();
        Verdict {
            forbid: f,
            slot: i,
            kind,
            tied_by,
            won_by: won_by
                .into_iter()
                .map(|(n, b)| (n, Bool::and(&[b, won_t.clone()])))
                .collect(),
        }
    }

    /// What version `v` records on every slot for the norms on `actions`.
    pub fn state(&self, v: &Version, actions: &[ActionId]) -> State {
        let program = self.scen.program;
        let forbids: Vec<NormId> = actions
            .iter()
            .flat_map(|&a| v.on(program, Modality::Forbid, a))
            .collect();
        let duties: Vec<NormId> = actions
            .iter()
            .flat_map(|&a| v.obliging(program, a))
            .collect();
        self.build(v, actions, &forbids, &duties)
    }

    /// What version `v` records for the forbids and duties of `only`
    /// alone (with every norm their findings depend on): the breaches
    /// and crossed red lines other norms read (`judged`).
    pub fn state_for(&self, v: &Version, only: &[NormId]) -> State {
        let program = self.scen.program;
        let mut actions = Vec::new();
        let mut forbids = Vec::new();
        let mut duties = Vec::new();
        for &n in only {
            let def = program.norm(n);
            match def.modality {
                Modality::Forbid => {
                    if let Some(a) = def.matched.as_ref().map(|p| p.action) {
                        forbids.push(n);
                        if !actions.contains(&a) {
                            actions.push(a);
                            // The duties to do it: their links reach the forbid.
                            duties.extend(v.obliging(program, a));
                        }
                    }
                }
                Modality::Oblige => duties.push(n),
                Modality::Permit => {}
            }
        }
        duties.sort();
        duties.dedup();
        self.build(v, &actions, &forbids, &duties)
    }

    /// The verdicts of `forbids` on `actions` and the outcomes of `duty_norms`.
    fn build(
        &self,
        v: &Version,
        actions: &[ActionId],
        forbids: &[NormId],
        duty_norms: &[NormId],
    ) -> State {
        let program = self.scen.program;
        let mut duties = Vec::new();
        for &d in duty_norms {
            for t in 0..self.scen.k {
                if let Some(s) = self.duty_state(v, d, t) {
                    duties.push(s);
                }
            }
        }
        // The evaluator's order of links: duty by duty (qualified name),
        // triggers in time order.
        duties.sort_by(|x, y| {
            program
                .norm(x.norm)
                .qualified
                .cmp(&program.norm(y.norm).qualified)
                .then(x.trigger.cmp(&y.trigger))
        });
        // Each permit's `in_force` on each slot, once for every forbid.
        let mut permits = PermitTable::default();
        for &a in actions {
            for i in 0..self.scen.k {
                let ev = Ev::slot(self, i);
                let list = v
                    .on(program, Modality::Permit, a)
                    .into_iter()
                    .map(|p| (p, self.in_force_on(p, &ev)))
                    .collect();
                permits.0.insert((a, i), list);
            }
        }
        let mut verdicts = Vec::new();
        for &f in forbids {
            let Some(a) = program.norm(f).matched.as_ref().map(|p| p.action) else {
                continue;
            };
            for i in 0..self.scen.k {
                if self.scen.is_action(i, a).as_bool() == Some(false) {
                    continue;
                }
                verdicts.push(self.verdict(f, i, &duties, &permits));
            }
        }
        State { verdicts, duties }
    }
}

impl State {
    /// The kinds of the findings recorded on `n` at slot `i` (a forbid's
    /// verdict; a duty's outcome on its trigger), not those naming it.
    pub fn own(&self, n: NormId, i: usize) -> Kinds {
        let mut out = Kinds::none();
        for v in self
            .verdicts
            .iter()
            .filter(|v| v.slot == i && v.forbid == n)
        {
            for (k, b) in FindingKind::ALL.iter().zip(&v.kind.0) {
                out.add(*k, b.clone());
            }
        }
        for d in self.duties.iter().filter(|d| d.trigger == i && d.norm == n) {
            for (k, b) in FindingKind::ALL.iter().zip(&d.outcome.0) {
                out.add(*k, b.clone());
            }
        }
        out
    }

    /// The deadline of the duty of `n` whose trigger is slot `t`.
    pub fn deadline(&self, n: NormId, t: usize) -> Option<z3::ast::Int> {
        self.duties
            .iter()
            .find(|d| d.trigger == t && d.norm == n)
            .map(|d| d.deadline.clone())
    }

    /// The kinds of the findings of `n` on slot `i`: those recorded on it
    /// (a forbid's verdict, a duty's outcome on its trigger) and the
    /// `conflict`/`excused` findings that name it as `other`.
    pub fn findings(&self, program: &Program, n: NormId, i: usize) -> Kinds {
        let mut out = Kinds::none();
        let def = program.norm(n);
        for v in self.verdicts.iter().filter(|v| v.slot == i) {
            if v.forbid == n {
                for (k, b) in FindingKind::ALL.iter().zip(&v.kind.0) {
                    out.add(*k, b.clone());
                }
            } else if def.modality != Modality::Forbid {
                out.add(
                    FindingKind::Conflict,
                    Bool::and(&[v.kind.get(FindingKind::Conflict), &named(&v.tied_by, n)]),
                );
                out.add(
                    FindingKind::Excused,
                    Bool::and(&[v.kind.get(FindingKind::Excused), &named(&v.won_by, n)]),
                );
            }
        }
        for d in self.duties.iter().filter(|d| d.trigger == i) {
            if d.norm == n {
                for (k, b) in FindingKind::ALL.iter().zip(&d.outcome.0) {
                    out.add(*k, b.clone());
                }
            } else if def.modality == Modality::Forbid {
                out.add(FindingKind::Conflict, named(&d.conflict_with, n));
            }
        }
        out
    }
}
