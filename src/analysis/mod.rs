//! Static analysis (§10): questions about *every* incident of at most K
//! events, answered with an SMT solver (Z3) and a witness report that the
//! evaluator replays.
//!
//! The stage reads the checked [`Program`](crate::model::Program) and
//! nothing of the evaluator's internals; it calls the evaluator in two
//! places, through the public functions `norma test` and `norma explain`
//! use: [`replay`], to check each witness before it is shown, and
//! [`deciding`], to write under it the facts that decide it.
//!
//! One pipeline, in the manner of Cedar's symbolic compiler:
//! 1. [`scenario`] lays out a scenario for the solver — event slots,
//!    entities as integer codes with uninterpreted field functions, texts
//!    as codes, `as_of` — and reads a model back as plain [`Facts`];
//! 2. [`encode`] turns every expression form of §5 into solver terms under
//!    Kleene's logic ([`logic`]: a "certainly true" and a "certainly
//!    false" formula per condition), mirroring `eval/expr.rs`;
//! 3. [`rules`] builds §7.1 on top — instances, exceptions of exceptions,
//!    permits, duties and their windows, the hypothetical act of a duty —
//!    mirroring `eval/judge.rs` and `eval/duty.rs`;
//! 4. a query ([`compare`]) asks the solver for a scenario, smallest
//!    first, and [`witness`] writes it as a report;
//! 5. [`replay`] checks and evaluates every witness; one that does not
//!    show what it claims is an internal error, never a result.
//!
//! **Nothing is approximated.** A norm using a construct outside the
//! encoding ([`support`]) is listed as not analysed and left out of every
//! claim; a query the solver cannot decide in its time limit says so.
//! Every answer is for scenarios of at most K events, and says so.
//!
//! **No panics on input.** The `z3` crate panics on ill-sorted terms;
//! every term here is built from a type-checked program with the sorts
//! of `scenario::Scenario::domain`, so none is.

mod compare;
pub mod deciding;
pub mod diff;
mod encode;
mod judged;
pub mod lint;
mod logic;
mod merge;
mod pairing;
pub mod render;
pub mod replay;
mod rules;
mod scenario;
mod support;
mod verdict;
mod witness;

pub use compare::{compare, CompareOptions, Comparison, Conflict, ConflictKind, NotAnalysed};
pub use scenario::{TIME_MAX, TIME_MIN};

use std::collections::HashSet;

use crate::model::{ModuleId, NormId, Program};

use replay::Replayer;

/// The modules of a text and everything they reach through `use`.
pub fn closure(program: &Program, entries: &[ModuleId]) -> HashSet<ModuleId> {
    let mut seen: HashSet<ModuleId> = entries.iter().copied().collect();
    let mut stack: Vec<ModuleId> = entries.to_vec();
    while let Some(m) = stack.pop() {
        if let Some(def) = program.modules.get(m.index()) {
            for &u in &def.uses {
                if seen.insert(u) {
                    stack.push(u);
                }
            }
        }
    }
    seen
}

/// The norms in force for a text (§1, §10): declared in its modules or in
/// a module they reach through `use`, in declaration order.
pub fn norms_in_force(program: &Program, entries: &[ModuleId]) -> Vec<NormId> {
    let modules = closure(program, entries);
    program
        .norms
        .iter()
        .enumerate()
        .filter(|(_, n)| modules.contains(&n.module))
        .map(|(i, _)| NormId(i as u32))
        .collect()
}

/// Every conflict among texts, each text one module (`norma graph
/// --conflicts`): those within a text, as `check --deep` finds them
/// (W0009), and those between every two texts, as `norma compare` finds
/// them. Each pair of norms once, in a stable order.
pub fn conflicts_among(
    program: &Program,
    texts: &[ModuleId],
    opts: &CompareOptions,
    replayer: &Replayer,
) -> Comparison {
    let within = lint::conflicts_within(program, texts, opts, replayer);
    let mut out = Comparison {
        events: opts.events.max(1),
        conflicts: within.conflicts.into_iter().map(|(_, c)| c).collect(),
        not_analysed: within.not_analysed,
        failures: within.failures,
    };
    for (i, &a) in texts.iter().enumerate() {
        for &b in &texts[i + 1..] {
            let found = compare(program, &[a], &[b], opts, replayer);
            out.conflicts.extend(found.conflicts);
            out.not_analysed.extend(found.not_analysed);
            out.failures.extend(found.failures);
        }
    }
    let key = |n: NormId| program.norm(n).qualified.as_str();
    let mut seen: HashSet<(NormId, NormId)> = HashSet::new();
    out.conflicts
        .retain(|c| seen.insert((c.first.min(c.other), c.first.max(c.other))));
    out.conflicts
        .sort_by(|x, y| (key(x.first), key(x.other)).cmp(&(key(y.first), key(y.other))));
    out.not_analysed.sort_by(|x, y| {
        key(x.norm)
            .cmp(key(y.norm))
            .then_with(|| x.reason.cmp(&y.reason))
    });
    out.not_analysed.dedup();
    out
}
