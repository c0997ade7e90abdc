//! `norma check --deep` (§10): the semantic lints, each a question about
//! every scenario of at most K events.
//! - W0006: a norm whose patterns, `when` and `unless` never hold
//!   together (no scenario where an instance applies);
//! - W0007: an exception that never holds where its target applies (no
//!   instance where the root norm, every exception between, and it apply);
//! - W0008: a norm that applies somewhere but is defeated wherever it does;
//! - W0009: two norms in force for one file that conflict with no override
//!   between them, found and witnessed exactly as `norma compare` does
//!   (one of the two declared in the file).
//!
//! A lint on a norm the analysis does not encode, or that the solver
//! cannot decide, says nothing: it is counted as undecided, never guessed.
//! Only declarations of the files named on the command line are linted
//! (not the standard library they use).

use std::collections::HashSet;

use rayon::prelude::*;

use std::cell::RefCell;
use z3::ast::Bool;

use z3::{SatResult, Solver};

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{ExceptionTarget, Modality, ModuleId, NormId, Program};

use super::compare::{
    actions_for, check_within, find_conflicts, local, pair_tasks, reason_unknown, unsettled_in,
    CompareOptions, Conflict, ConflictKind, NotAnalysed,
};
use super::encode::Enc;
use super::judged::Plan;
use super::logic::{Tri, Val};
use super::norms_in_force;
use super::replay::Replayer;
use super::rules::Ev;
use super::scenario::Scenario;
use super::support;

/// What `--deep` found.
#[derive(Debug, Default)]
pub struct Deep {
    pub diagnostics: Vec<Diagnostic>,
    /// Lints that could not be decided, with the reason.
    pub undecided: Vec<String>,
    /// The deadline of the options passed before every lint was asked:
    /// the lints are incomplete (the language server shows none of them).
    pub out_of_time: bool,
}

enum Answer {
    Sat,
    Unsat,
    Unknown(String),
}

/// Is there a scenario of at most `k` events, with the norms `version`
/// in force, where the condition that `build` encodes holds? One slot
/// first (small formulas), then `k`.
fn satisfiable(
    program: &Program,
    version: &[NormId],
    norms: &[NormId],
    k: usize,
    opts: &CompareOptions,
    build: &dyn Fn(&Enc<'_, '_>) -> Bool,
) -> Answer {
    // The breaches and rungs the norms read, and the norms behind them.
    let plan = match Plan::new(program, version, norms, k) {
        Ok(plan) => plan,
        Err(why) => return Answer::Unknown(why),
    };
    if let Some((n, why)) = plan.unsupported(program) {
        return Answer::Unknown(format!(
            "it reads the findings of `{}`, which {why}",
            program.norm(n).qualified
        ));
    }
    let mut all = norms.to_vec();
    all.extend(&plan.norms);
    let actions = actions_for(program, &all);
    // A norm that reads its own event alone needs no more than one.
    let most = if local(program, &all) { 1 } else { k };
    for slots in [1, most] {
        if slots > 1 && most == 1 {
            break;
        }
        if opts.expired() {
            return Answer::Unknown("the time budget ran out".into());
        }
        let scen = Scenario::new(program, slots, actions.clone());
        let (tables, unsettled) = plan.tables(&scen);
        let enc = Enc::new(&scen, Some(&tables));
        let phi = build(&enc);
        let side = scen.take_side();
        if let Some(why) = scen.inexact.borrow().clone() {
            return Answer::Unknown(why);
        }
        let answer = with_solver(|solver, limit| {
            for c in scen.base.iter().chain(&side) {
                solver.assert(c);
            }
            if let Some(why) = unsettled.and_then(|u| unsettled_in(solver, &u, opts)) {
                return Some(Answer::Unknown(why));
            }
            solver.assert(&phi);
            match check_within(solver, opts, limit) {
                SatResult::Sat => Some(Answer::Sat),
                SatResult::Unknown => Some(Answer::Unknown(reason_unknown(solver, opts))),
                SatResult::Unsat => None,
            }
        });
        if let Some(answer) = answer {
            return answer;
        }
    }
    Answer::Unsat
}

thread_local! {
    /// One solver per thread for the lints' many small questions, reused
    /// with `push`/`pop`: making a Z3 solver (its tables of parameters)
    /// costs more than most of these questions take to answer. With it,
    /// the per-query time limit it was last given ([`check_within`]).
    static SOLVER: RefCell<Option<(Solver, Option<u32>)>> = const { RefCell::new(None) };
}

/// Run `f` on this thread's solver and the time limit it was last given,
/// inside a `push`/`pop`: what `f` asserts is gone afterwards.
fn with_solver<R>(f: impl FnOnce(&Solver, &mut Option<u32>) -> R) -> R {
    SOLVER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (solver, limit) = slot.get_or_insert_with(|| (Solver::new(), None));
        solver.push();
        let out = f(solver, limit);
        solver.pop(1);
        out
    })
}

/// For every instance of `norm` in the scenario (its matched event and
/// triggers, or a duty's trigger), its validity, its trigger's gate (a
/// breach, §4) and its frame.
fn each_instance(enc: &Enc<'_, '_>, norm: NormId) -> Vec<(Bool, Tri, Vec<Val>)> {
    let def = enc.scen.program.norm(norm);
    let mut out = Vec::new();
    for i in 0..enc.scen.k {
        match (&def.matched, &def.trigger) {
            (Some(m), _) => {
                let is = enc.scen.is_action(i, m.action);
                let ev = Ev::slot(enc, i);
                for inst in enc.instances(norm, &ev) {
                    out.push((Bool::and(&[&is, &inst.valid]), inst.gate, inst.frame));
                }
            }
            (None, Some(t)) => {
                let is = enc.scen.is_action(i, t.pattern.action);
                let duty = enc.duty(norm, i, def.within.unwrap_or(0));
                let gate = t
                    .breach
                    .map_or_else(|| Tri::lit(true), |b| enc.breach(b.norm, i).truth);
                out.push((is, gate, duty.frame));
            }
            (None, None) => {}
        }
    }
    out
}

/// Some instance where `cond` (on its frame) is certainly true.
fn somewhere(enc: &Enc<'_, '_>, norm: NormId, cond: &dyn Fn(&[Val]) -> Tri) -> Bool {
    Bool::or(
        &each_instance(enc, norm)
            .into_iter()
            .map(|(valid, gate, frame)| Bool::and(&[valid, Tri::and(&[gate, cond(&frame)]).t]))
            .collect::<Vec<_>>(),
    )
}

/// `applies` of an exception: its `when` and not its `unless`.
fn exception_applies(enc: &Enc<'_, '_>, ex: usize, frame: &[Val]) -> Tri {
    let def = &enc.scen.program.exceptions[ex];
    let when = def
        .when
        .as_ref()
        .map_or_else(|| Tri::lit(true), |e| enc.truth(e, frame));
    let unless = def
        .unless
        .as_ref()
        .map_or_else(|| Tri::lit(false), |e| enc.truth(e, frame));
    Tri::and(&[when, unless.not()])
}

fn entry_modules(program: &Program) -> Vec<ModuleId> {
    program
        .modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_entry)
        .map(|(i, _)| ModuleId(i as u32))
        .collect()
}

/// Run the lints W0006–W0009 on the declarations of the entry modules.
pub fn deep(program: &Program, opts: &CompareOptions, replayer: &Replayer) -> Deep {
    let mut out = Deep::default();
    let entries = entry_modules(program);
    let k = opts.events.max(1);
    let in_entry = |m: ModuleId| entries.contains(&m);
    // The norms in force for each file's text: what its norms are judged with.
    let in_force: std::collections::HashMap<ModuleId, Vec<NormId>> = entries
        .iter()
        .map(|&m| (m, norms_in_force(program, &[m])))
        .collect();
    let in_force_for = |m: ModuleId| in_force.get(&m).map_or(&[][..], Vec::as_slice);
    // What "no scenario" proves: for a norm that reads its own event
    // alone, a contradiction; otherwise, only that K events do not do.
    let because = |n: NormId| {
        if local(program, &[n]) {
            "its conditions contradict each other"
        } else {
            "they contradict each other, or it needs more events (try a larger `--events`)"
        }
    };
    let within = format!("with at most {k} event{}", if k == 1 { "" } else { "s" });

    // Each norm and each exception is its own question: asked in
    // parallel, the answers kept in declaration order.
    let per_norm: Vec<Deep> = program
        .norms
        .par_iter()
        .enumerate()
        .map(|(n, def)| {
            let mut out = Deep::default();
            let id = NormId(n as u32);
            if !in_entry(def.module) || opts.expired() {
                return out;
            }
            if let Some(why) = support::unsupported(program, id) {
                out.undecided.push(format!("`{}` {why}", def.qualified));
                return out;
            }
            let version = in_force_for(def.module);
            let applies = satisfiable(program, version, &[id], k, opts, &|enc| {
                somewhere(enc, id, &|f| enc.applies(enc.scen.program.norm(id), f))
            });
            match applies {
                Answer::Unknown(why) => out.undecided.push(format!("`{}`: {why}", def.qualified)),
                Answer::Unsat => out.diagnostics.push(
                    Diagnostic::new(
                        Code::W0006,
                        def.name_span,
                        format!("`{}` can never apply", def.name),
                    )
                    .with_label_here("no scenario makes this norm apply")
                    .with_note(format!(
                        "no scenario {within} satisfies its patterns, `when` and `unless` \
                         together: {}",
                        because(id)
                    ))
                    .with_note(
                        "rewrite the condition, or remove the norm if it is not meant to apply",
                    ),
                ),
                Answer::Sat if !def.exceptions.is_empty() => {
                    let free = satisfiable(program, version, &[id], k, opts, &|enc| {
                        somewhere(enc, id, &|f| enc.in_force(id, f))
                    });
                    match free {
                        Answer::Unsat => out.diagnostics.push(
                            Diagnostic::new(
                                Code::W0008,
                                def.name_span,
                                format!("`{}` is always defeated", def.name),
                            )
                            .with_label_here("every scenario where this norm applies defeats it")
                            .with_note(format!(
                                "in every scenario {within} where it applies, one of its \
                                 exceptions holds{}",
                                if local(program, &[id]) {
                                    "; the norm never gives a violation"
                                } else {
                                    " (a scenario with more events may tell otherwise: try a \
                                     larger `--events`)"
                                }
                            ))
                            .with_note("narrow the exceptions, or remove the norm"),
                        ),
                        Answer::Unknown(why) => {
                            out.undecided.push(format!("`{}`: {why}", def.qualified))
                        }
                        Answer::Sat => {}
                    }
                }
                Answer::Sat => {}
            }
            out
        })
        .collect();
    let per_exception: Vec<Deep> = program
        .exceptions
        .par_iter()
        .enumerate()
        .map(|(x, def)| {
            let mut out = Deep::default();
            if !in_entry(def.module) || opts.expired() {
                return out;
            }
            let root = def.root;
            if let Some(why) = support::unsupported(program, root) {
                out.undecided
                    .push(format!("`{}` (its norm {why})", def.qualified));
                return out;
            }
            // The exceptions between the root and this one.
            let mut chain = vec![x];
            let mut target = def.target;
            while let ExceptionTarget::Exception(e) = target {
                if chain.contains(&e.index()) || chain.len() > support::MAX_EXCEPTIONS {
                    break;
                }
                chain.push(e.index());
                target = program.exceptions[e.index()].target;
            }
            let version = in_force_for(program.norm(root).module);
            let answer = satisfiable(program, version, &[root], k, opts, &|enc| {
                somewhere(enc, root, &|f| {
                    let mut all = vec![enc.applies(enc.scen.program.norm(root), f)];
                    all.extend(chain.iter().map(|&c| exception_applies(enc, c, f)));
                    Tri::and(&all)
                })
            });
            match answer {
                Answer::Unsat => {
                    let target_name = match def.target {
                        ExceptionTarget::Norm(n) => program.norm(n).name.clone(),
                        ExceptionTarget::Exception(e) => program.exceptions[e.index()].name.clone(),
                    };
                    out.diagnostics.push(
                        Diagnostic::new(
                            Code::W0007,
                            def.name_span,
                            format!(
                                "exception `{}` never holds where `{target_name}` applies",
                                def.name
                            ),
                        )
                        .with_label_here("this exception never applies with its target")
                        .with_label(
                            program.norm(root).name_span,
                            "the norm it is an exception to",
                        )
                        .with_note(format!(
                            "no scenario {within} satisfies both its conditions and its \
                             target's: {}",
                            if local(program, &[root]) {
                                "the exception excuses nothing"
                            } else {
                                "either they contradict each other, or they need more events \
                                 (try a larger `--events`)"
                            }
                        ))
                        .with_note("rewrite its condition, or remove it"),
                    )
                }
                Answer::Unknown(why) => out.undecided.push(format!("`{}`: {why}", def.qualified)),
                Answer::Sat => {}
            }
            out
        })
        .collect();
    for d in per_norm.into_iter().chain(per_exception) {
        out.diagnostics.extend(d.diagnostics);
        out.undecided.extend(d.undecided);
    }

    // W0009: conflicts within one file's text.
    let within = conflicts_within(program, &entries, opts, replayer);
    for n in &within.not_analysed {
        out.undecided
            .push(format!("`{}` {}", program.norm(n.norm).qualified, n.reason));
    }
    out.undecided.extend(within.failures);
    for (m, c) in within.conflicts {
        let own = |n: &NormId| program.norm(*n).module == m;
        let (here, there) = if own(&c.first) {
            (c.first, c.other)
        } else {
            (c.other, c.first)
        };
        let what = match c.kind {
            ConflictKind::PermitForbid => "a permit and a forbid",
            ConflictKind::DutyForbid => "a duty and a forbid",
        };
        let (first, other) = (program.norm(c.first), program.norm(c.other));
        let verb = if first.modality == Modality::Oblige {
            "obliges an act that"
        } else {
            "forbids an act that"
        };
        let other_verb = if first.modality == Modality::Oblige {
            "forbids"
        } else {
            "permits"
        };
        out.diagnostics.push(
            Diagnostic::new(
                Code::W0009,
                program.norm(here).name_span,
                format!(
                    "`{}` {verb} `{}` {other_verb}, and neither overrides the other",
                    first.name, other.name
                ),
            )
            .with_label_here(format!("{what} of this text in conflict"))
            .with_label(program.norm(there).name_span, "the other norm of the conflict")
            .with_note(format!(
                "a report like this one gets a `conflict` finding (witness replayed by the evaluator):\n{}",
                c.witness
            ))
            .with_note(format!(
                "say which prevails: `norm {} overrides {}` (or the reverse), or narrow one of the conditions",
                other.name, first.name
            )),
        );
    }
    out.undecided.sort();
    out.undecided.dedup();
    out.out_of_time = opts.expired();
    out
}

/// Conflicts within texts (W0009, and `norma graph --conflicts`).
#[derive(Debug, Default)]
pub struct WithinTexts {
    /// Each conflict with the entry module whose text it is in.
    pub conflicts: Vec<(ModuleId, Conflict)>,
    pub not_analysed: Vec<NotAnalysed>,
    /// Internal errors (witnesses that did not replay), never results.
    pub failures: Vec<String>,
}

/// For each module of `entries`, the pairs of norms in force for it (at
/// least one declared in it) that conflict with no override between
/// them, found and witnessed exactly as `norma compare` does. A pair is
/// reported once, for the first module it is found in.
pub fn conflicts_within(
    program: &Program,
    entries: &[ModuleId],
    opts: &CompareOptions,
    replayer: &Replayer,
) -> WithinTexts {
    let mut out = WithinTexts::default();
    let mut reported: HashSet<(NormId, NormId)> = HashSet::new();
    for &m in entries {
        let all = norms_in_force(program, &[m]);
        let own = |n: &NormId| program.norm(*n).module == m;
        let mut tasks = pair_tasks(program, &all, &all);
        for task in &mut tasks {
            let main_own = own(&task.main);
            task.partners.retain(|p| {
                (main_own || own(p)) && !reported.contains(&(task.main, *p)) && *p != task.main
            });
        }
        tasks.retain(|t| !t.partners.is_empty());
        if tasks.is_empty() {
            continue;
        }
        if opts.expired() {
            break;
        }
        let found = find_conflicts(program, &all, &tasks, vec![m], opts, replayer);
        out.not_analysed.extend(found.not_analysed);
        // Two files checked together that are one module: a witness's
        // `use` reads one of them, so the other's witnesses cannot replay.
        // Say that, once, rather than each replay's errors.
        let name = &program.modules[m.index()].name;
        let twin = entries
            .iter()
            .any(|&o| o != m && program.modules[o.index()].name == *name);
        if twin && !found.failures.is_empty() {
            out.failures.push(format!(
                "the conflicts within `{name}`: another file checked with it is also the \
                 module `{name}`, and a witness's `use {name};` reads only one of them; \
                 check each on its own (or rename one) for its W0009"
            ));
        } else {
            out.failures.extend(found.failures);
        }
        for c in found.conflicts {
            reported.insert((c.first, c.other));
            out.conflicts.push((m, c));
        }
    }
    out
}
