//! `norma compare A B` (§10): every pair of a norm in force for A alone
//! and one in force for B alone that some scenario of at most K events
//! puts in conflict, each with a witness.
//!
//! Pairs come from a cheap filter: a forbid and a permit on the same
//! action, or a duty whose required action is the forbid's, with no
//! override between the two. Each forbid (or duty) gets one solver, its
//! scenario and its own condition asserted once; each candidate partner
//! is a `push`/`pop` on it. Forbids are solved in parallel (rayon; Z3's
//! context is per thread).
//!
//! A query asks first with all K slots (unsat: no conflict with at most K
//! events), then for the fewest events that still conflict, then for
//! times in a readable year; the witness is written from that model and
//! replayed by the caller-supplied [`Replayer`].

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use z3::ast::{Bool, Int};
use z3::{Model, Params, SatResult, Solver};

use crate::model::{ActionId, Modality, ModuleId, NormId, Program, Ty};

use super::encode::Enc;
use super::judged::Plan;
use super::logic::Tri;
use super::norms_in_force;
use super::replay::Replayer;
use super::rules::Ev;
use super::scenario::{Facts, Scenario};
use super::support::{self, norm_exprs};
use super::witness::{self, WitnessSpec};

#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// K: the most events a scenario has.
    pub events: usize,
    /// Time limit of one solver query, in milliseconds.
    pub timeout_ms: u32,
    /// When the whole analysis must be done (the language server's budget
    /// on save): every query is cut to the time left, none is asked after
    /// it, and what it could not ask is undecided.
    pub deadline: Option<Instant>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            events: 4,
            timeout_ms: 20_000,
            deadline: None,
        }
    }
}

impl CompareOptions {
    /// Is the deadline (if any) past?
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// The time limit of the next query: `timeout_ms`, cut to what is
    /// left before the deadline; `None` when nothing is left. What is left
    /// is rounded down to 10 ms steps (never past the deadline), so a
    /// solver that keeps its limit (see [`check_within`]) is given a new
    /// one at most every 10 ms rather than before every question.
    fn query_ms(&self) -> Option<u32> {
        match self.deadline {
            None => Some(self.timeout_ms),
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now()).as_millis();
                let left = u32::try_from(left).unwrap_or(u32::MAX);
                let left = if left >= 10 { left - left % 10 } else { left };
                (left > 0).then(|| left.min(self.timeout_ms))
            }
        }
    }
}

/// Ask the solver, within the query's time limit (see
/// [`CompareOptions::query_ms`]); past the deadline the answer is
/// `Unknown` without asking.
pub(crate) fn check(solver: &Solver, opts: &CompareOptions) -> SatResult {
    if opts.deadline.is_none() {
        // The solver was made with `timeout_ms`.
        return solver.check();
    }
    check_within(solver, opts, &mut None)
}

/// [`check`] for a solver kept between questions: `limit` is the time
/// limit it was last given, and it is given a new one only when the
/// query's differs (setting parameters is itself costly: Z3 checks them
/// by name).
pub(crate) fn check_within(
    solver: &Solver,
    opts: &CompareOptions,
    limit: &mut Option<u32>,
) -> SatResult {
    let Some(ms) = opts.query_ms() else {
        return SatResult::Unknown;
    };
    if *limit != Some(ms) {
        let mut params = Params::new();
        params.set_u32("timeout", ms);
        solver.set_params(&params);
        *limit = Some(ms);
    }
    solver.check()
}

/// Why the solver said `Unknown` (its own reason, or the deadline).
pub(crate) fn reason_unknown(solver: &Solver, opts: &CompareOptions) -> String {
    if opts.expired() {
        return "the time budget ran out".into();
    }
    solver
        .get_reason_unknown()
        .unwrap_or_else(|| "no answer in time".into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    PermitForbid,
    DutyForbid,
}

impl ConflictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::PermitForbid => "permit_forbid",
            ConflictKind::DutyForbid => "duty_forbid",
        }
    }
}

/// Two norms, one of each text, that some scenario puts in conflict.
#[derive(Clone, Debug)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// The norm the witness's `expect` names: the forbid, or the `oblige`
    /// norm of a duty–forbid conflict.
    pub first: NormId,
    pub other: NormId,
    /// The witness's event that carries the conflict (the trigger, for a
    /// duty).
    pub event: String,
    /// The witness, a whole report as Norma text.
    pub witness: String,
    /// How many events the witness has.
    pub witness_events: usize,
}

/// A norm left out of every claim, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotAnalysed {
    pub norm: NormId,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Comparison {
    pub events: usize,
    pub conflicts: Vec<Conflict>,
    pub not_analysed: Vec<NotAnalysed>,
    /// Internal errors: witnesses that did not replay, models that could
    /// not be written. Never results.
    pub failures: Vec<String>,
}

/// What one forbid or duty's solver found.
#[derive(Default)]
struct TaskResult {
    found: Vec<(ConflictKind, NormId, NormId, Facts, usize)>,
    not_analysed: Vec<NotAnalysed>,
    failures: Vec<String>,
}

/// One solver's work: a forbid against permits, or a duty against forbids.
pub(crate) struct Task {
    pub kind: ConflictKind,
    /// The forbid, or the `oblige` norm.
    pub main: NormId,
    pub partners: Vec<NormId>,
}

/// Compare two texts given by their entry modules.
pub fn compare(
    program: &Program,
    a: &[ModuleId],
    b: &[ModuleId],
    opts: &CompareOptions,
    replayer: &Replayer,
) -> Comparison {
    let in_a = norms_in_force(program, a);
    let in_b = norms_in_force(program, b);
    let set_a: HashSet<NormId> = in_a.iter().copied().collect();
    let set_b: HashSet<NormId> = in_b.iter().copied().collect();
    let only_a: Vec<NormId> = in_a
        .iter()
        .copied()
        .filter(|n| !set_b.contains(n))
        .collect();
    let only_b: Vec<NormId> = in_b
        .iter()
        .copied()
        .filter(|n| !set_a.contains(n))
        .collect();
    let mut all: Vec<NormId> = in_a.clone();
    all.extend(in_b.iter().filter(|n| !set_a.contains(n)));
    all.sort();

    let mut tasks = Vec::new();
    for (xs, ys) in [(&only_a, &only_b), (&only_b, &only_a)] {
        tasks.extend(pair_tasks(program, xs, ys));
    }
    let uses = witness_uses(program, a, b);
    find_conflicts(program, &all, &tasks, uses, opts, replayer)
}

/// Solve the tasks (with the norms `all` in force), write a witness for
/// every pair found (its `use` lines: `uses`, and what its names need),
/// and replay them.
pub(crate) fn find_conflicts(
    program: &Program,
    all: &[NormId],
    tasks: &[Task],
    uses: Vec<ModuleId>,
    opts: &CompareOptions,
    replayer: &Replayer,
) -> Comparison {
    let k = opts.events.max(1);
    let results: Vec<TaskResult> = tasks
        .par_iter()
        .map(|t| run_task(program, all, t, k, opts))
        .collect();

    let mut out = Comparison {
        events: k,
        ..Comparison::default()
    };
    let mut found = Vec::new();
    // Past the deadline no witness is written or replayed: a pair found
    // is left undecided, never claimed without its witness.
    let late = opts.expired();
    for r in results {
        if late {
            out.not_analysed
                .extend(r.found.iter().map(|(_, first, other, ..)| NotAnalysed {
                    norm: *first,
                    reason: format!(
                        "the time budget ran out before its pair with `{}` was witnessed",
                        program.norm(*other).qualified
                    ),
                }));
        } else {
            found.extend(r.found);
        }
        out.not_analysed.extend(r.not_analysed);
        out.failures.extend(r.failures);
    }
    // Every pair once, in a stable order.
    found.sort_by(|x, y| {
        let key = |f: &(ConflictKind, NormId, NormId, Facts, usize)| {
            (
                program.norm(f.1).qualified.clone(),
                program.norm(f.2).qualified.clone(),
            )
        };
        key(x).cmp(&key(y))
    });
    let written: Vec<(
        String,
        witness::Written,
        ConflictKind,
        NormId,
        NormId,
        usize,
    )> = found
        .into_par_iter()
        .enumerate()
        .map(|(n, (kind, first, other, facts, slot))| {
            let spec = WitnessSpec {
                report: format!("conflict_{}", n + 1),
                kind,
                first,
                other,
                slot,
                events: k,
                uses: uses.clone(),
            };
            let w = witness::write(program, &facts, &spec);
            (spec.report, w, kind, first, other, facts.events.len())
        })
        .collect();
    // Pairs found in one model share their scenario: their witnesses
    // differ only in comments and the report's name, which no finding
    // reads. Each distinct witness is replayed; the others are that one.
    let mut distinct: Vec<(String, String)> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let which: Vec<usize> = written
        .iter()
        .map(|(r, w, ..)| {
            *seen.entry(w.scenario.clone()).or_insert_with(|| {
                distinct.push((r.clone(), w.text.clone()));
                distinct.len() - 1
            })
        })
        .collect();
    let replayed = replayer.replay_all(&distinct);
    let verdicts = which.iter().map(|&i| replayed[i].clone());
    for ((_, w, kind, first, other, events), verdict) in written.into_iter().zip(verdicts) {
        match verdict {
            Ok(()) => out.conflicts.push(Conflict {
                kind,
                first,
                other,
                event: w.event,
                witness: w.text,
                witness_events: events,
            }),
            Err(why) => out.failures.push(format!(
                "the witness of the conflict between `{}` and `{}` does not replay: {why}\n{}",
                program.norm(first).qualified,
                program.norm(other).qualified,
                w.text
            )),
        }
    }
    out.not_analysed.sort_by(|x, y| {
        program
            .norm(x.norm)
            .qualified
            .cmp(&program.norm(y.norm).qualified)
            .then(x.reason.cmp(&y.reason))
    });
    out.not_analysed.dedup();
    out
}

/// The entry modules of both texts, each once, in order.
fn witness_uses(program: &Program, a: &[ModuleId], b: &[ModuleId]) -> Vec<ModuleId> {
    let mut out: Vec<ModuleId> = Vec::new();
    for &m in a.iter().chain(b) {
        if !out.contains(&m) && m.index() < program.modules.len() {
            out.push(m);
        }
    }
    out
}

fn overrides_either(program: &Program, x: NormId, y: NormId) -> bool {
    program.norm(x).overrides.contains(&y) || program.norm(y).overrides.contains(&x)
}

/// The candidate pairs with a norm of `xs` as the forbid or the duty:
/// partners of `ys` on the forbid's action (permits) or on the duty's
/// required action (forbids), with no override between the two.
pub(crate) fn pair_tasks(program: &Program, xs: &[NormId], ys: &[NormId]) -> Vec<Task> {
    let mut tasks = Vec::new();
    for &x in xs {
        let def = program.norm(x);
        let (kind, action, partner) = match def.modality {
            Modality::Forbid => (
                ConflictKind::PermitForbid,
                def.matched.as_ref().map(|p| p.action),
                Modality::Permit,
            ),
            Modality::Oblige => (
                ConflictKind::DutyForbid,
                def.required.as_ref().map(|r| r.action),
                Modality::Forbid,
            ),
            Modality::Permit => continue,
        };
        let Some(action) = action else { continue };
        let partners: Vec<NormId> = ys
            .iter()
            .copied()
            .filter(|&y| {
                let p = program.norm(y);
                p.modality == partner
                    && p.matched.as_ref().is_some_and(|m| m.action == action)
                    && !overrides_either(program, x, y)
                    // Only two `when`s on one event can pin it apart.
                    && (kind == ConflictKind::DutyForbid || !disjoint(program, x, y))
            })
            .collect();
        if !partners.is_empty() {
            tasks.push(Task {
                kind,
                main: x,
                partners,
            });
        }
    }
    tasks
}

/// A place in the matched event: a parameter and a chain of fields.
type Place = (usize, Vec<usize>);

/// The place an expression reads, if it reads the matched event's
/// parameters through the norm's bindings (`a.owner.region`, `x.by`).
fn place(norm: &crate::model::NormDef, e: &crate::model::Expr) -> Option<Place> {
    use crate::model::ExprKind;
    let matched = norm.matched.as_ref()?;
    match &e.kind {
        ExprKind::Var(v) => {
            // A variable the trigger binds too is the matched event's
            // (the matched pattern wins), so the bindings decide.
            let p = matched.bindings.iter().find(|(_, var)| var == v)?.0;
            Some((p, Vec::new()))
        }
        ExprKind::Param(x, i) => match &x.kind {
            ExprKind::Var(v) if matched.binder == Some(*v) => Some((*i, Vec::new())),
            _ => None,
        },
        ExprKind::Field(x, f) => {
            let (p, mut fields) = place(norm, x)?;
            fields.push(*f);
            Some((p, fields))
        }
        _ => None,
    }
}

/// `place == constant` for each top-level conjunct of a norm's `when`.
fn pinned(norm: &crate::model::NormDef) -> Vec<(Place, &crate::model::Value)> {
    use crate::model::{CmpOp, ExprKind};
    let Some(when) = &norm.when else {
        return Vec::new();
    };
    let conjuncts: Vec<&crate::model::Expr> = match &when.kind {
        ExprKind::And(xs) => xs.iter().collect(),
        _ => vec![when],
    };
    conjuncts
        .into_iter()
        .filter_map(|c| match &c.kind {
            ExprKind::Cmp(CmpOp::Eq, a, b) => match (&a.kind, &b.kind) {
                (_, ExprKind::Lit(v)) => Some((place(norm, a)?, v)),
                (ExprKind::Lit(v), _) => Some((place(norm, b)?, v)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The cheap filter: two norms on one action whose `when`s pin the same
/// place of the event to different constants can never apply together.
fn disjoint(program: &Program, x: NormId, y: NormId) -> bool {
    let (px, py) = (pinned(program.norm(x)), pinned(program.norm(y)));
    px.iter()
        .filter(|(_, v)| !matches!(v, crate::model::Value::Set(_)))
        .any(|(place, v)| py.iter().any(|(q, w)| q == place && v != w))
}

/// The norms in force whose verdicts bear on the main norm of a task:
/// for a forbid, the permits and duties that override it; for a duty,
/// the forbids that override it (they would suspend it).
fn dependencies(program: &Program, all: &[NormId], task: &Task) -> Vec<NormId> {
    let main = program.norm(task.main);
    all.iter()
        .copied()
        .filter(|&n| {
            let d = program.norm(n);
            match task.kind {
                ConflictKind::PermitForbid => {
                    let action = main.matched.as_ref().map(|p| p.action);
                    d.overrides.contains(&task.main)
                        && match d.modality {
                            Modality::Permit => d.matched.as_ref().map(|p| p.action) == action,
                            Modality::Oblige => d.required.as_ref().map(|r| r.action) == action,
                            Modality::Forbid => false,
                        }
                }
                ConflictKind::DutyForbid => {
                    let action = main.required.as_ref().map(|r| r.action);
                    d.modality == Modality::Forbid
                        && d.overrides.contains(&task.main)
                        && d.matched.as_ref().map(|p| p.action) == action
                }
            }
        })
        .collect()
}

/// Permits in force on an action (they decide `won` and `tied` on the
/// hypothetical act of a duty).
fn permits_on(program: &Program, all: &[NormId], action: ActionId) -> Vec<NormId> {
    all.iter()
        .copied()
        .filter(|&n| {
            let d = program.norm(n);
            d.modality == Modality::Permit && d.matched.as_ref().is_some_and(|p| p.action == action)
        })
        .collect()
}

/// The actions a scenario's slots may take for these norms: those their
/// patterns, duties and `exists` name, and the actions of event-valued
/// parameters of those (a witness must be able to write them).
pub(crate) fn actions_for(program: &Program, norms: &[NormId]) -> Vec<ActionId> {
    let mut set: Vec<ActionId> = Vec::new();
    let add = |a: ActionId, set: &mut Vec<ActionId>| {
        if !set.contains(&a) {
            set.push(a);
        }
    };
    for &n in norms {
        let d = program.norm(n);
        for a in d
            .trigger
            .iter()
            .map(|t| t.pattern.action)
            .chain(d.matched.iter().map(|p| p.action))
            .chain(d.required.iter().map(|r| r.action))
        {
            add(a, &mut set);
        }
        for e in norm_exprs(program, d) {
            exists_actions(e, &mut |a| add(a, &mut set));
        }
    }
    let mut k = 0;
    while k < set.len() {
        let params: Vec<ActionId> = program.actions[set[k].index()]
            .params
            .iter()
            .filter_map(|p| match p.ty {
                Ty::Event(b) => Some(b),
                _ => None,
            })
            .collect();
        for b in params {
            add(b, &mut set);
        }
        k += 1;
    }
    set.sort();
    set
}

fn exists_actions(e: &crate::model::Expr, f: &mut dyn FnMut(ActionId)) {
    support::walk(e, &mut |x| {
        if let crate::model::ExprKind::Exists(req, _) = &x.kind {
            f(req.action);
        }
    });
}

/// Run one task: returns the pairs found (with their scenarios) and the
/// norms that could not be analysed.
fn run_task(
    program: &Program,
    all: &[NormId],
    task: &Task,
    k: usize,
    opts: &CompareOptions,
) -> TaskResult {
    let mut res = TaskResult::default();
    if opts.expired() {
        return res;
    }
    let main = program.norm(task.main);
    let deps = dependencies(program, all, task);
    let mut hypo_permits = Vec::new();
    if task.kind == ConflictKind::DutyForbid {
        if let Some(r) = &main.required {
            hypo_permits = permits_on(program, all, r.action);
        }
    }
    // The main norm and what it depends on must all be encodable.
    for &n in std::iter::once(&task.main)
        .chain(&deps)
        .chain(&hypo_permits)
    {
        if let Some(reason) = support::unsupported(program, n) {
            res.not_analysed.push(NotAnalysed { norm: n, reason });
            if n != task.main {
                res.not_analysed.push(NotAnalysed {
                    norm: task.main,
                    reason: format!(
                        "its verdict depends on `{}`, which is not analysed",
                        program.norm(n).qualified
                    ),
                });
            }
            return res;
        }
    }
    let partners: Vec<NormId> = task
        .partners
        .iter()
        .copied()
        .filter(|&p| match support::unsupported(program, p) {
            Some(reason) => {
                res.not_analysed.push(NotAnalysed { norm: p, reason });
                false
            }
            None => true,
        })
        .collect();
    if partners.is_empty() {
        return res;
    }
    let mut involved: Vec<NormId> = vec![task.main];
    involved.extend(&deps);
    involved.extend(&hypo_permits);
    involved.extend(&partners);
    // The breaches and rungs these norms read, and the norms behind them.
    let plan = match Plan::new(program, all, &involved, k) {
        Ok(plan) => plan,
        Err(why) => {
            res.not_analysed.push(NotAnalysed {
                norm: task.main,
                reason: why,
            });
            return res;
        }
    };
    if let Some((n, reason)) = plan.unsupported(program) {
        res.not_analysed.push(NotAnalysed {
            norm: task.main,
            reason: format!(
                "its verdict reads the findings of `{}`, which is not analysed",
                program.norm(n).qualified
            ),
        });
        res.not_analysed.push(NotAnalysed { norm: n, reason });
        return res;
    }
    involved.extend(&plan.norms);
    let actions = actions_for(program, &involved);
    let parts = Parts {
        program,
        kind: task.kind,
        main: task.main,
        deps: &deps,
        hypo_permits: &hypo_permits,
        actions: &actions,
        plan: &plan,
        opts,
    };
    // One event first, on a scenario of one slot: most conflicts need no
    // more, and its formulas are a quarter the size.
    let mut outcome = parts.solve(1, 1, &partners);
    let decided: HashSet<NormId> = outcome
        .found
        .iter()
        .map(|f| f.0)
        .chain(outcome.undecided.iter().map(|u| u.0))
        .collect();
    let rest: Vec<NormId> = partners
        .iter()
        .copied()
        .filter(|p| !decided.contains(p))
        .collect();
    if k > 1
        && !rest.is_empty()
        && !(task.kind == ConflictKind::PermitForbid && local(program, &involved))
    {
        let more = parts.solve(k, 2, &rest);
        outcome.found.extend(more.found);
        outcome.undecided.extend(more.undecided);
        outcome.failures.extend(more.failures);
    }
    for (partner, why) in outcome.undecided {
        res.not_analysed.push(NotAnalysed {
            norm: task.main,
            reason: format!(
                "the solver could not decide its pair with `{}`: {why}",
                program.norm(partner).qualified
            ),
        });
    }
    for (partner, facts, slot) in outcome.found {
        res.found.push((task.kind, task.main, partner, facts, slot));
    }
    for why in outcome.failures {
        res.failures.push(format!(
            "a scenario for `{}` could not be written: {why}",
            main.qualified
        ));
    }
    res
}

/// What one task's solvers are built from.
struct Parts<'a> {
    program: &'a Program,
    kind: ConflictKind,
    main: NormId,
    deps: &'a [NormId],
    hypo_permits: &'a [NormId],
    actions: &'a [ActionId],
    plan: &'a Plan,
    opts: &'a CompareOptions,
}

/// A task's findings by partner norm.
#[derive(Default)]
struct Found {
    found: Vec<(NormId, Facts, usize)>,
    undecided: Vec<(NormId, String)>,
    failures: Vec<String>,
}

impl Parts<'_> {
    /// A solver over scenarios of `slots` slots, asked for each partner's
    /// smallest conflict of at least `from` events.
    fn solve(&self, slots: usize, from: usize, partners: &[NormId]) -> Found {
        if self.opts.expired() {
            return Found {
                undecided: partners
                    .iter()
                    .map(|&p| (p, "the time budget ran out".into()))
                    .collect(),
                ..Found::default()
            };
        }
        let scen = Scenario::new(self.program, slots, self.actions.to_vec());
        let solver = solver_for(&scen, self.opts.timeout_ms);
        let (tables, unsettled) = self.plan.tables(&scen);
        let enc = Enc::new(&scen, Some(&tables));
        let conditions: Vec<(NormId, Vec<Bool>)> = match self.kind {
            ConflictKind::PermitForbid => permit_forbid(&enc, self.main, self.deps, partners),
            ConflictKind::DutyForbid => {
                duty_forbid(&enc, self.main, self.deps, self.hypo_permits, partners)
            }
        };
        for c in scen.take_side() {
            solver.assert(&c);
        }
        if let Some(why) = scen.inexact.borrow().clone() {
            return Found {
                undecided: partners.iter().map(|&p| (p, why.clone())).collect(),
                ..Found::default()
            };
        }
        if let Some(why) = unsettled.and_then(|u| unsettled_in(&solver, &u, self.opts)) {
            return Found {
                undecided: partners.iter().map(|&p| (p, why.clone())).collect(),
                ..Found::default()
            };
        }
        let outcome = search(&solver, &scen, &conditions, from, self.opts);
        Found {
            found: outcome
                .found
                .into_iter()
                .map(|(i, f, slot)| (conditions[i].0, f, slot))
                .collect(),
            undecided: outcome
                .undecided
                .into_iter()
                .map(|(i, why)| (conditions[i].0, why))
                .collect(),
            failures: outcome.failures,
        }
    }
}

/// Why no claim can be made when some scenario leaves the breaches
/// unsettled after the plan's rounds (`None`: none does).
pub(crate) fn unsettled_in(
    solver: &Solver,
    unsettled: &Bool,
    opts: &CompareOptions,
) -> Option<String> {
    solver.push();
    solver.assert(unsettled);
    let result = check(solver, opts);
    solver.pop(1);
    match result {
        SatResult::Unsat => None,
        SatResult::Sat => Some(
            "in some scenario the breaches it reads, which depend on each other, have not \
             settled after one round per possible breach"
                .into(),
        ),
        SatResult::Unknown => Some(format!(
            "the solver could not decide whether the breaches it reads settle: {}",
            reason_unknown(solver, opts)
        )),
    }
}

/// A solver with a time limit per query (milliseconds) that knows what
/// every scenario satisfies.
pub(crate) fn solver_for(scen: &Scenario<'_>, timeout: u32) -> Solver {
    let solver = Solver::new();
    let mut params = Params::new();
    params.set_u32("timeout", timeout);
    solver.set_params(&params);
    for c in &scen.base {
        solver.assert(c);
    }
    solver
}

/// Norms whose verdict on an event reads that event alone: no trigger, no
/// `exists`, no duty, and an action without event-valued parameters. For
/// them, the carrying event alone is a witness: one event is enough.
pub(crate) fn local(program: &Program, norms: &[NormId]) -> bool {
    norms.iter().all(|&n| {
        let d = program.norm(n);
        let no_events = d.matched.as_ref().is_some_and(|p| {
            program
                .action(p.action)
                .params
                .iter()
                .all(|q| !matches!(q.ty, Ty::Event(_)))
        });
        let mut exists = false;
        for e in norm_exprs(program, d) {
            exists_actions(e, &mut |_| exists = true);
        }
        d.trigger.is_none() && d.modality != Modality::Oblige && no_events && !exists
    })
}

/// Per partner permit, per slot: the forbid is in force on the slot
/// (`v` or `c` is T), not won, and the permit is in force there.
fn permit_forbid(
    enc: &Enc<'_, '_>,
    forbid: NormId,
    deps: &[NormId],
    permits: &[NormId],
) -> Vec<(NormId, Vec<Bool>)> {
    let program = enc.scen.program;
    let Some(action) = program.norm(forbid).matched.as_ref().map(|p| p.action) else {
        return Vec::new();
    };
    let free: Vec<Bool> = (0..enc.scen.k)
        .map(|i| {
            let ev = Ev::slot(enc, i);
            let won: Vec<Tri> = deps
                .iter()
                .map(|&d| match program.norm(d).modality {
                    Modality::Oblige => enc.fulfils(d, i),
                    _ => enc.in_force_on(d, &ev),
                })
                .collect();
            Bool::and(&[
                enc.scen.is_action(i, action),
                enc.certainly_in_force_on(forbid, &ev),
                Tri::or(&won).f,
            ])
        })
        .collect();
    permits
        .iter()
        .map(|&p| {
            let carriers = (0..enc.scen.k)
                .map(|i| {
                    let ev = Ev::slot(enc, i);
                    Bool::and(&[free[i].clone(), enc.certainly_in_force_on(p, &ev)])
                })
                .collect();
            (p, carriers)
        })
        .collect()
}

/// Per partner forbid, per trigger slot: a duty of `oblige` in force
/// whose act the forbid makes a certain violation (`v = T`, permits on
/// the act counted, duties not) at every instant of its window, with no
/// listed event that fulfils it escaping (§7.1), and no forbid that
/// overrides the duty does the same (it would suspend the duty).
fn duty_forbid(
    enc: &Enc<'_, '_>,
    oblige: NormId,
    overriding: &[NormId],
    permits: &[NormId],
    forbids: &[NormId],
) -> Vec<(NormId, Vec<Bool>)> {
    let program = enc.scen.program;
    let def = program.norm(oblige);
    let (Some(trigger), Some(within)) = (&def.trigger, def.within) else {
        return Vec::new();
    };
    let mut per_forbid: Vec<Vec<Bool>> = vec![Vec::new(); forbids.len()];
    for t in 0..enc.scen.k {
        let valid = enc.scen.is_action(t, trigger.pattern.action);
        let duty = enc.duty(oblige, t, within);
        let violation = |f: NormId| enc.window_conflict(oblige, &duty, f, permits);
        let not_suspended: Vec<Bool> = overriding.iter().map(|&f| violation(f).not()).collect();
        let base = Bool::and(
            &[
                vec![valid, duty.applies.t.clone(), duty.defeated.f.clone()],
                not_suspended,
            ]
            .concat(),
        );
        for (k, &f) in forbids.iter().enumerate() {
            per_forbid[k].push(Bool::and(&[base.clone(), violation(f)]));
        }
    }
    forbids.iter().copied().zip(per_forbid).collect()
}

/// What a search over one solver found: per partner (by index), a
/// scenario and the slot that carries the conflict; or why it is
/// undecided.
#[derive(Default)]
struct Outcome {
    found: Vec<(usize, Facts, usize)>,
    undecided: Vec<(usize, String)>,
    failures: Vec<String>,
}

/// 2025-01-01T00:00:00Z: witnesses are dated from here when they can be.
pub(crate) const READABLE_FROM: i64 = 1_735_689_600;

/// Find, for every partner whose condition some scenario satisfies, the
/// smallest such scenario of at least `from` events (smaller ones were
/// asked already). One query serves many partners: the solver is asked
/// for a scenario where *some* remaining partner conflicts, every partner
/// the model satisfies is found with it, and the rest are asked again —
/// with `from` events until none is left, then (if a scenario of K
/// events satisfies any) with one more, and so on.
fn search(
    solver: &Solver,
    scen: &Scenario<'_>,
    conditions: &[(NormId, Vec<Bool>)],
    from: usize,
    opts: &CompareOptions,
) -> Outcome {
    let mut out = Outcome::default();
    let phis: Vec<Bool> = conditions.iter().map(|(_, c)| Bool::or(c)).collect();
    let mut remaining: Vec<usize> = (0..conditions.len()).collect();
    let k = scen.k;
    if from < k {
        // Does any conflict with K events at all?
        let any = Bool::or(&phis);
        solver.push();
        solver.assert(&any);
        let result = check(solver, opts);
        solver.pop(1);
        if result == SatResult::Unsat {
            return out;
        }
    }
    for size in from..=k {
        exhaust(
            solver,
            scen,
            conditions,
            &phis,
            size,
            &mut remaining,
            &mut out,
            opts,
        );
        if remaining.is_empty() {
            break;
        }
    }
    out
}

/// Assert that at most `size` slots are active.
fn limit(solver: &Solver, scen: &Scenario<'_>, size: usize) {
    if size < scen.k {
        solver.assert(scen.active[size].not());
    }
}

fn holds(model: &Model, b: &Bool) -> bool {
    model.eval(b, true).and_then(|v| v.as_bool()) == Some(true)
}

/// Every remaining partner that conflicts in a scenario of at most `size`
/// events.
#[allow(clippy::too_many_arguments)]
fn exhaust(
    solver: &Solver,
    scen: &Scenario<'_>,
    conditions: &[(NormId, Vec<Bool>)],
    phis: &[Bool],
    size: usize,
    remaining: &mut Vec<usize>,
    out: &mut Outcome,
    opts: &CompareOptions,
) {
    while !remaining.is_empty() {
        let any = Bool::or(
            &remaining
                .iter()
                .map(|&i| phis[i].clone())
                .collect::<Vec<_>>(),
        );
        solver.push();
        limit(solver, scen, size);
        solver.assert(&any);
        let result = check(solver, opts);
        let model = solver.get_model();
        solver.pop(1);
        match (result, model) {
            (SatResult::Unsat, _) => return,
            (SatResult::Sat, Some(model)) => {
                let hits: Vec<usize> = remaining
                    .iter()
                    .copied()
                    .filter(|&i| holds(&model, &phis[i]))
                    .collect();
                if hits.is_empty() {
                    out.failures
                        .push("the solver's model satisfies no condition".into());
                    return;
                }
                let model =
                    readable(solver, scen, size, &hits, phis, &model, opts).unwrap_or(model);
                record(scen, conditions, &model, &hits, out);
                remaining.retain(|i| !hits.contains(i));
            }
            _ => {
                // Undecided together: ask for each alone.
                for &i in remaining.iter() {
                    solver.push();
                    limit(solver, scen, size);
                    solver.assert(&phis[i]);
                    let result = check(solver, opts);
                    match (result, solver.get_model()) {
                        (SatResult::Sat, Some(m)) => record(scen, conditions, &m, &[i], out),
                        (SatResult::Unsat, _) => {}
                        _ => out.undecided.push((i, reason_unknown(solver, opts))),
                    }
                    solver.pop(1);
                }
                remaining.clear();
                return;
            }
        }
    }
}

/// The same conflicts with every event dated from 2025, if possible.
fn readable(
    solver: &Solver,
    scen: &Scenario<'_>,
    size: usize,
    hits: &[usize],
    phis: &[Bool],
    model: &Model,
    opts: &CompareOptions,
) -> Option<Model> {
    let from = Int::from_i64(READABLE_FROM);
    let dated = scen.at.iter().take(size).all(|at| {
        model
            .eval(at, true)
            .and_then(|v| v.as_i64())
            .is_some_and(|t| t >= READABLE_FROM)
    });
    if dated {
        return None;
    }
    solver.push();
    limit(solver, scen, size);
    for at in scen.at.iter().take(size) {
        solver.assert(at.ge(&from));
    }
    for &i in hits {
        solver.assert(&phis[i]);
    }
    let better = match check(solver, opts) {
        SatResult::Sat => solver.get_model(),
        _ => None,
    };
    solver.pop(1);
    better
}

/// Decode one model and record it for each partner it satisfies.
fn record(
    scen: &Scenario<'_>,
    conditions: &[(NormId, Vec<Bool>)],
    model: &Model,
    hits: &[usize],
    out: &mut Outcome,
) {
    let events = scen
        .active
        .iter()
        .take_while(|a| holds(model, a))
        .count()
        .max(1);
    match scen.decode(model, events) {
        Ok(facts) => {
            for &i in hits {
                let slot = conditions[i]
                    .1
                    .iter()
                    .position(|c| holds(model, c))
                    .unwrap_or(0);
                out.found.push((i, facts.clone(), slot));
            }
        }
        Err(e) => out.failures.push(e.0),
    }
}
