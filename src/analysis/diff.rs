//! `norma diff OLD NEW` (§10): what a new version of a text changes.
//!
//! Both versions are merged over one vocabulary ([`merge`]); norms are
//! matched by their unqualified name (qualified by module where a name is
//! not unique). For a matched pair, the solver looks for a scenario where
//! the findings of the norm on one event (on one trigger, for a duty)
//! differ between the versions ([`verdict`]) — one query for a *stricter*
//! change (a problem finding appears), one for a *looser* one (a problem
//! disappears), one for any other change — smallest scenario first. Each
//! scenario found is written as two witnesses, one per version, whose
//! `expect` lines come from the evaluator's findings on it; both are
//! replayed, and the evaluator must see the change the solver claimed,
//! else it is an internal error.
//!
//! A pair whose definitions and whose neighbours (the norms on the same
//! actions, in the same order) are the same in both versions is
//! `unchanged` without a query: its findings are computed from the same
//! definitions on every scenario.
//!
//! Severity and a red line's response are compared beside the findings
//! ([`pairing`]): a norm whose attributes differ is never `unchanged`.
//! A removed and an added norm that may be one norm renamed are asked one
//! question on the same solver — does any scenario tell their findings
//! apart? — and those that agree are paired, each once, in name order.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use z3::ast::Bool;
use z3::{SatResult, Solver};

use crate::model::{
    ActionId, ExceptionTarget, Expr, ExprKind, FindingKind, Modality, ModuleId, NormId, Program,
    ReportId,
};

use super::compare::{actions_for, better_model, solver_for, unsettled_in, CompareOptions};
use super::deciding::{self, Decided, DecidingFact};
use super::encode::Enc;
use super::judged::Plan;
use super::merge::{merge, Merged};
use super::pairing;
pub use super::pairing::Attribute;
use super::replay::Replayer;
use super::scenario::{EntityFact, EventFact, FactVal, Facts, Scenario};
use super::support;
use super::verdict::{Kinds, State, Version};
use super::witness;

/// What a matched norm's findings do between the versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Stricter,
    Looser,
    Changed,
    Unchanged,
    Added,
    Removed,
    /// A removed norm and an added one whose findings agree on every
    /// scenario of at most K events.
    Renamed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stricter => "stricter",
            Status::Looser => "looser",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Renamed => "renamed",
        }
    }
}

/// One kind of change at one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Stricter,
    Looser,
    Other,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Stricter => "stricter",
            Change::Looser => "looser",
            Change::Other => "other",
        }
    }

    /// What the change makes the norm, in a sentence.
    fn phrase(self) -> &'static str {
        match self {
            Change::Stricter => "stricter",
            Change::Looser => "looser",
            Change::Other => "judged differently",
        }
    }
}

/// The version a witness is replayed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

#[derive(Clone, Debug)]
pub struct DiffWitness {
    pub holds_under: Side,
    pub change: Change,
    pub event: String,
    pub witness: String,
    /// The findings of the norm at `event` under this version, as
    /// `kind` or `kind (with OTHER)`; empty for none.
    pub findings: Vec<String>,
    /// The witness's facts that decide it (its comments name them too).
    pub deciding: Vec<DecidingFact>,
    /// Those comments (`//` lines), the end of `witness`: what decides
    /// it under this version.
    pub comments: String,
    /// The report without its header comment and its `expect` lines: the
    /// scenario, which the other version's witness shares.
    pub report: String,
    /// The `expect` lines that hold under this version.
    pub expects: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct NormDiff {
    /// The unqualified name (qualified where it is not unique).
    pub name: String,
    pub status: Status,
    /// The old version's name of a renamed norm.
    pub from: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    /// Severity and response where they differ between the versions.
    pub attributes: Vec<Attribute>,
    pub witnesses: Vec<DiffWitness>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffNotAnalysed {
    pub norm: String,
    pub reason: String,
    /// Severity and response where they differ: known without a query.
    pub attributes: Vec<Attribute>,
}

#[derive(Debug, Default)]
pub struct Diff {
    pub events: usize,
    pub norms: Vec<NormDiff>,
    pub exceptions_added: Vec<String>,
    pub exceptions_removed: Vec<String>,
    pub not_analysed: Vec<DiffNotAnalysed>,
    /// Internal errors: witnesses that did not replay or did not show the
    /// change found. Never results.
    pub failures: Vec<String>,
}

/// One version as the caller loaded it.
pub struct VersionInput<'a> {
    pub program: &'a Program,
    pub entries: &'a [ModuleId],
    pub replayer: &'a Replayer,
}

fn module_key(p: &Program, entries: &[ModuleId], m: ModuleId) -> String {
    if entries.len() == 1 && entries[0] == m {
        "<the text>".into()
    } else {
        p.modules[m.index()].name.clone()
    }
}

/// Match keys for the norms (or exceptions) of both versions: the
/// unqualified name where it is unique in each version.
fn keys(old: &[(String, String)], new: &[(String, String)]) -> (Vec<String>, Vec<String>) {
    let mut count: HashMap<&str, (usize, usize)> = HashMap::new();
    for (n, _) in old {
        count.entry(n).or_default().0 += 1;
    }
    for (n, _) in new {
        count.entry(n).or_default().1 += 1;
    }
    let key = |(n, m): &(String, String)| {
        let (a, b) = count.get(n.as_str()).copied().unwrap_or_default();
        if a <= 1 && b <= 1 {
            n.clone()
        } else {
            format!("{m}::{n}")
        }
    };
    (old.iter().map(key).collect(), new.iter().map(key).collect())
}

/// A matched pair, in merged ids.
struct Pair {
    name: String,
    old: NormId,
    new: NormId,
    /// A removed and an added norm that may be one norm renamed: only
    /// whether any scenario tells them apart is asked.
    probe: bool,
}

/// Compare two versions of a text.
pub fn diff(old: &VersionInput<'_>, new: &VersionInput<'_>, opts: &CompareOptions) -> Diff {
    let k = opts.events.max(1);
    let merged = merge(old.program, old.entries, new.program, new.entries);
    let p = &merged.program;
    let mut out = Diff {
        events: k,
        ..Diff::default()
    };

    let named = |prog: &Program, entries: &[ModuleId]| -> Vec<(String, String)> {
        prog.norms
            .iter()
            .map(|n| (n.name.clone(), module_key(prog, entries, n.module)))
            .collect()
    };
    let (ko, kn) = keys(
        &named(old.program, old.entries),
        &named(new.program, new.entries),
    );
    let new_index: HashMap<&str, usize> = kn
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let old_keys: HashSet<&str> = ko.iter().map(String::as_str).collect();
    let mut pairs = Vec::new();
    // Norms in one version only, by key: (key, index in its version).
    let mut removed: Vec<(&String, usize)> = Vec::new();
    for (i, key) in ko.iter().enumerate() {
        match new_index.get(key.as_str()) {
            Some(&j) => pairs.push(Pair {
                name: key.clone(),
                old: merged.old_norms[i],
                new: merged.new_norms[j],
                probe: false,
            }),
            None => removed.push((key, i)),
        }
    }
    let mut added: Vec<(&String, usize)> = kn
        .iter()
        .enumerate()
        .filter(|(_, key)| !old_keys.contains(key.as_str()))
        .map(|(j, key)| (key, j))
        .collect();
    removed.sort();
    added.sort();
    let exc = |prog: &Program, entries: &[ModuleId]| -> Vec<(String, String)> {
        prog.exceptions
            .iter()
            .map(|x| (x.name.clone(), module_key(prog, entries, x.module)))
            .collect()
    };
    let (xo, xn) = keys(
        &exc(old.program, old.entries),
        &exc(new.program, new.entries),
    );
    let (so, sn): (HashSet<&String>, HashSet<&String>) = (xo.iter().collect(), xn.iter().collect());
    out.exceptions_added = xn.iter().filter(|x| !so.contains(x)).cloned().collect();
    out.exceptions_removed = xo.iter().filter(|x| !sn.contains(x)).cloned().collect();

    let v_old = Version::new(p, &merged.old_norms);
    let v_new = Version::new(p, &merged.new_norms);
    let key_of: HashMap<NormId, String> = merged
        .old_norms
        .iter()
        .zip(&ko)
        .chain(merged.new_norms.iter().zip(&kn))
        .map(|(n, k)| (*n, k.clone()))
        .collect();

    // Pairs to solve, by the actions whose events carry their findings.
    let mut todo: Vec<(Pair, Vec<ActionId>)> = Vec::new();
    for pair in pairs {
        let actions = carriers(p, &[pair.old, pair.new]);
        let c_old = v_old.cluster(p, &actions);
        let c_new = v_new.cluster(p, &actions);
        // The breaches and rungs the cluster reads, in each version.
        let plans = (
            Plan::new(p, &merged.old_norms, &c_old, k),
            Plan::new(p, &merged.new_norms, &c_new, k),
        );
        let attributes = pairing::attributes(p, pair.old, pair.new);
        let (plan_old, plan_new) = match plans {
            (Ok(a), Ok(b)) => (a, b),
            (Err(why), _) | (_, Err(why)) => {
                out.not_analysed.push(DiffNotAnalysed {
                    norm: p.norm(pair.new).qualified.clone(),
                    reason: why,
                    attributes,
                });
                continue;
            }
        };
        // Identical definitions give identical findings: those of the
        // norms on the same events, and of every norm whose breaches or
        // crossed red lines they read.
        let (d_old, d_new) = (
            read_too(p, &key_of, v_old.depends(p, pair.old, &actions), &plan_old),
            read_too(p, &key_of, v_new.depends(p, pair.new, &actions), &plan_new),
        );
        if same_definitions(p, &key_of, &d_old, &d_new) {
            out.norms.push(NormDiff {
                name: pair.name.clone(),
                status: if attributes.is_empty() {
                    Status::Unchanged
                } else {
                    Status::Changed
                },
                from: None,
                old: Some(p.norm(pair.old).qualified.clone()),
                new: Some(p.norm(pair.new).qualified.clone()),
                attributes,
                witnesses: Vec::new(),
            });
            continue;
        }
        match why_not(
            &merged,
            c_old
                .iter()
                .chain(&c_new)
                .chain(&plan_old.norms)
                .chain(&plan_new.norms)
                .copied(),
            pair.old,
            pair.new,
        ) {
            Some(reason) => out.not_analysed.push(DiffNotAnalysed {
                norm: p.norm(pair.new).qualified.clone(),
                reason,
                attributes,
            }),
            None => todo.push((pair, actions)),
        }
    }
    // A removed and an added norm that may be one norm renamed, by their
    // places in `removed` and `added`: the solver is asked whether any
    // scenario tells them apart. One that cannot be encoded (or decided)
    // stays removed and added, and says why.
    let mut probes: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut unasked: Vec<((usize, usize), String)> = Vec::new();
    for (r, &(_, i)) in removed.iter().enumerate() {
        for (a, &(key, j)) in added.iter().enumerate() {
            let (o, n) = (merged.old_norms[i], merged.new_norms[j]);
            if !pairing::may_be_renamed(p, o, n) {
                continue;
            }
            let actions = carriers(p, &[o, n]);
            let (c_old, c_new) = (v_old.cluster(p, &actions), v_new.cluster(p, &actions));
            let plans = (
                Plan::new(p, &merged.old_norms, &c_old, k),
                Plan::new(p, &merged.new_norms, &c_new, k),
            );
            let why = match plans {
                (Ok(plan_old), Ok(plan_new)) => why_not(
                    &merged,
                    c_old
                        .iter()
                        .chain(&c_new)
                        .chain(&plan_old.norms)
                        .chain(&plan_new.norms)
                        .copied(),
                    o,
                    n,
                ),
                (Err(why), _) | (_, Err(why)) => Some(why),
            };
            match why {
                Some(why) => unasked.push(((r, a), why)),
                None => {
                    probes.insert(todo.len(), (r, a));
                    todo.push((
                        Pair {
                            name: key.clone(),
                            old: o,
                            new: n,
                            probe: true,
                        },
                        actions,
                    ));
                }
            }
        }
    }

    // Pairs whose findings ride on the same actions share one solver.
    let mut groups: Vec<(Vec<ActionId>, Vec<usize>)> = Vec::new();
    for (i, (_, actions)) in todo.iter().enumerate() {
        let mut acts = actions.clone();
        let mut members = vec![i];
        groups.retain(|(g, m)| {
            if g.iter().any(|a| acts.contains(a)) {
                acts.extend(g.iter().copied());
                members.extend(m.iter().copied());
                false
            } else {
                true
            }
        });
        acts.sort();
        acts.dedup();
        groups.push((acts, members));
    }
    let solved: Vec<Vec<(usize, PairResult)>> = groups
        .par_iter()
        .map(|(actions, members)| {
            let pairs: Vec<&Pair> = members.iter().map(|&i| &todo[i].0).collect();
            members
                .iter()
                .copied()
                .zip(solve_group(
                    &merged, &v_old, &v_new, &pairs, actions, k, opts,
                ))
                .collect()
        })
        .collect();
    let mut results: Vec<(usize, PairResult)> = solved.into_iter().flatten().collect();
    results.sort_by_key(|r| r.0);
    // Every scenario found, by (norm's place in `out.norms`, change).
    let mut jobs: Vec<Job> = Vec::new();
    let mut agree: HashSet<(usize, usize)> = HashSet::new();
    for (i, r) in results {
        let pair = &todo[i].0;
        if pair.probe {
            match (r, probes.get(&i)) {
                (PairResult::Found(found), Some(&ra)) if found.is_empty() => {
                    agree.insert(ra);
                }
                (PairResult::Undecided(why) | PairResult::Failed(why), Some(&ra)) => {
                    unasked.push((ra, why))
                }
                _ => {}
            }
            continue;
        }
        let attributes = pairing::attributes(p, pair.old, pair.new);
        match r {
            PairResult::Undecided(why) => out.not_analysed.push(DiffNotAnalysed {
                norm: p.norm(pair.new).qualified.clone(),
                reason: why,
                attributes,
            }),
            PairResult::Failed(why) => out.failures.push(why),
            PairResult::Differs => {}
            PairResult::Found(found) => {
                let status = match status(&found) {
                    Status::Unchanged if !attributes.is_empty() => Status::Changed,
                    s => s,
                };
                let nd = NormDiff {
                    name: pair.name.clone(),
                    status,
                    from: None,
                    old: Some(p.norm(pair.old).qualified.clone()),
                    new: Some(p.norm(pair.new).qualified.clone()),
                    attributes,
                    witnesses: Vec::new(),
                };
                for (change, facts, slot) in found {
                    jobs.push(Job {
                        norm: out.norms.len(),
                        pair: i,
                        change,
                        facts,
                        slot,
                    });
                }
                out.norms.push(nd);
            }
        }
    }
    let renamed = pairing::pick(removed.len(), added.len(), |r, a| agree.contains(&(r, a)));
    // An added norm left unpaired that may be a removed one renamed, had
    // the analysis been able to say: never a silent "not renamed".
    unasked.sort_by_key(|u| u.0);
    let mut noted: HashSet<usize> = HashSet::new();
    for ((r, a), why) in unasked {
        let paired = renamed.iter().any(|x| x.0 == r || x.1 == a);
        if !paired && noted.insert(a) {
            out.not_analysed.push(DiffNotAnalysed {
                norm: p.norm(merged.new_norms[added[a].1]).qualified.clone(),
                reason: format!(
                    "may be `{}` renamed, but whether their findings agree is not decided ({why})",
                    removed[r].0
                ),
                attributes: Vec::new(),
            });
        }
    }
    out.norms.extend(one_version_only(
        &merged, old, new, &removed, &added, &renamed,
    ));
    let pairs: Vec<&Pair> = todo.iter().map(|t| &t.0).collect();
    for (job, result) in jobs
        .iter()
        .zip(write_witnesses(&merged, old, new, &pairs, &jobs, k))
    {
        match result {
            Ok(ws) => out.norms[job.norm].witnesses.extend(ws),
            Err(why) => out.failures.push(why),
        }
    }
    out.norms.sort_by(|a, b| a.name.cmp(&b.name));
    out.not_analysed.sort_by(|a, b| a.norm.cmp(&b.norm));
    out.not_analysed.dedup();
    out
}

/// The entries of the norms found in one version only: the pairs in
/// `renamed` (places in `removed` and `added`) as one `renamed` entry
/// each, the others `removed` or `added`.
fn one_version_only(
    merged: &Merged,
    old: &VersionInput<'_>,
    new: &VersionInput<'_>,
    removed: &[(&String, usize)],
    added: &[(&String, usize)],
    renamed: &[(usize, usize)],
) -> Vec<NormDiff> {
    let p = &merged.program;
    let mut out = Vec::new();
    for &(r, a) in renamed {
        let (o, n) = (merged.old_norms[removed[r].1], merged.new_norms[added[a].1]);
        out.push(NormDiff {
            name: added[a].0.clone(),
            status: Status::Renamed,
            from: Some(removed[r].0.clone()),
            old: Some(p.norm(o).qualified.clone()),
            new: Some(p.norm(n).qualified.clone()),
            attributes: pairing::attributes(p, o, n),
            witnesses: Vec::new(),
        });
    }
    // A norm of one version: its qualified name there, none in the other.
    let alone = |key: &String, status: Status, old: Option<String>, new: Option<String>| NormDiff {
        name: key.clone(),
        status,
        from: None,
        old,
        new,
        attributes: Vec::new(),
        witnesses: Vec::new(),
    };
    for (r, &(key, i)) in removed.iter().enumerate() {
        if !renamed.iter().any(|x| x.0 == r) {
            let name = old.program.norms[i].qualified.clone();
            out.push(alone(key, Status::Removed, Some(name), None));
        }
    }
    for (a, &(key, j)) in added.iter().enumerate() {
        if !renamed.iter().any(|x| x.1 == a) {
            let name = new.program.norms[j].qualified.clone();
            out.push(alone(key, Status::Added, None, Some(name)));
        }
    }
    out
}

fn status(found: &[(Change, Facts, usize)]) -> Status {
    let has = |c: Change| found.iter().any(|f| f.0 == c);
    match (
        has(Change::Stricter),
        has(Change::Looser),
        has(Change::Other),
    ) {
        (true, false, _) => Status::Stricter,
        (false, true, _) => Status::Looser,
        (false, false, false) => Status::Unchanged,
        _ => Status::Changed,
    }
}

/// The actions whose events carry the findings of these norms: a forbid's
/// or permit's matched action, a duty's required action.
fn carriers(p: &Program, norms: &[NormId]) -> Vec<ActionId> {
    let mut out: Vec<ActionId> = Vec::new();
    for &n in norms {
        let d = p.norm(n);
        let a = match d.modality {
            Modality::Oblige => d.required.as_ref().map(|r| r.action),
            _ => d.matched.as_ref().map(|m| m.action),
        };
        if let Some(a) = a {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out.sort();
    out
}

/// Why these norms cannot be compared, if they cannot: a construct
/// outside the encoding, or a declaration the versions do not share.
fn why_not(
    merged: &Merged,
    norms: impl Iterator<Item = NormId>,
    old: NormId,
    new: NormId,
) -> Option<String> {
    let p = &merged.program;
    let norms: Vec<NormId> = norms.collect();
    for &n in &norms {
        let because = |reason: String| {
            if n == old || n == new {
                reason
            } else {
                format!(
                    "its findings depend on `{}`, which {reason}",
                    p.norm(n).qualified
                )
            }
        };
        if let Some(r) = support::unsupported(p, n) {
            return Some(because(r));
        }
        if let Some(r) = unshared_use(merged, n) {
            return Some(because(r));
        }
    }
    None
}

/// A declaration the versions do not share that a norm reads.
fn unshared_use(merged: &Merged, n: NormId) -> Option<String> {
    let p = &merged.program;
    for a in actions_for(p, &[n]) {
        if let Some(why) = merged.unshared_actions.get(&a) {
            return Some(format!(
                "reads the action `{}`, which {why}",
                p.action(a).name
            ));
        }
        for param in &p.action(a).params {
            if let Some(r) = unshared_ty(merged, &param.ty) {
                return Some(r);
            }
        }
    }
    let mut found = None;
    for e in support::norm_exprs(p, p.norm(n)) {
        support::walk(e, &mut |x| {
            if found.is_some() {
                return;
            }
            if let ExprKind::Lit(v) = &x.kind {
                found = unshared_value(merged, v);
            }
            if found.is_none() {
                found = unshared_ty(merged, &x.ty);
            }
        });
    }
    found
}

fn unshared_ty(merged: &Merged, ty: &crate::model::Ty) -> Option<String> {
    use crate::model::Ty;
    let p = &merged.program;
    match ty {
        Ty::Enum(e) => merged
            .unshared_enums
            .get(e)
            .map(|why| format!("reads the enum `{}`, which {why}", p.enums[e.index()].name)),
        Ty::Record(r) => merged.unshared_records.get(r).map(|why| {
            format!(
                "reads the record `{}`, which {why}",
                p.records[r.index()].name
            )
        }),
        Ty::Event(a) => merged
            .unshared_actions
            .get(a)
            .map(|why| format!("reads the action `{}`, which {why}", p.action(*a).name)),
        Ty::Set(t) => unshared_ty(merged, t),
        _ => None,
    }
}

fn unshared_value(merged: &Merged, v: &crate::model::Value) -> Option<String> {
    use crate::model::Value;
    let p = &merged.program;
    match v {
        Value::Entity(e) => merged
            .unshared_entities
            .get(e)
            .map(|why| format!("names the entity `{}`, which {why}", p.entity(*e).name)),
        Value::Enum(e, _) => unshared_ty(merged, &crate::model::Ty::Enum(*e)),
        Value::Set(items) => items.iter().find_map(|i| unshared_value(merged, i)),
        _ => None,
    }
}

/// `depends` with the norms a plan reads (breached norms, red lines on a
/// ladder, and theirs), each once, in the order of their keys.
fn read_too(
    p: &Program,
    key_of: &HashMap<NormId, String>,
    mut norms: Vec<NormId>,
    plan: &Plan,
) -> Vec<NormId> {
    norms.extend(&plan.norms);
    let key = |n: &NormId| (key_of.get(n).cloned(), p.norm(*n).qualified.clone());
    norms.sort_by_key(key);
    norms.dedup();
    norms
}

/// The same norms (by key, in the same order) with the same definitions.
fn same_definitions(
    p: &Program,
    key_of: &HashMap<NormId, String>,
    old: &[NormId],
    new: &[NormId],
) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(&a, &b)| {
            key_of.get(&a) == key_of.get(&b)
                && fingerprint(p, key_of, a) == fingerprint(p, key_of, b)
        })
}

/// A norm's definition as text, without places: what its findings are
/// computed from (norms it overrides by key, exceptions by content).
fn fingerprint(p: &Program, key_of: &HashMap<NormId, String>, n: NormId) -> String {
    let d = p.norm(n);
    // A red line's response is what `max_response` reads.
    let mut s = format!("{:?} {:?} {:?} ", d.modality, d.kind, d.response);
    let pat =
        |pt: &crate::model::Pattern| format!("{:?} {:?} {:?}", pt.action, pt.binder, pt.bindings);
    if let Some(t) = &d.trigger {
        s.push_str(&format!("trigger {} ", pat(&t.pattern)));
        if let Some(b) = t.breach {
            let key = key_of.get(&b.norm).map_or("?", String::as_str);
            s.push_str(&format!("breach of {key} "));
        }
        if let Some(w) = &t.when {
            show(w, &mut s);
        }
    }
    if let Some(m) = &d.matched {
        s.push_str(&format!("matched {} ", pat(m)));
    }
    if let Some(r) = &d.required {
        s.push_str(&format!("required {:?} ", r.action));
        for (i, e) in &r.args {
            s.push_str(&format!("{i}="));
            show(e, &mut s);
        }
    }
    s.push_str(&format!("within {:?} ", d.within));
    for e in [&d.when, &d.unless] {
        s.push('|');
        if let Some(e) = e {
            show(e, &mut s);
        }
    }
    let mut over: Vec<&str> = d
        .overrides
        .iter()
        .map(|o| key_of.get(o).map_or("?", String::as_str))
        .collect();
    over.sort_unstable();
    s.push_str(&format!(" overrides {over:?} "));
    s.push_str(&format!(
        "vars {:?} ",
        d.vars.iter().map(|v| &v.ty).collect::<Vec<_>>()
    ));
    fn tree(p: &Program, xs: &[crate::model::ExceptionId], s: &mut String) {
        let mut parts: Vec<String> = xs
            .iter()
            .map(|x| {
                let def = p.exception(*x);
                let mut t = String::from("(");
                for e in [&def.when, &def.unless] {
                    t.push('|');
                    if let Some(e) = e {
                        show(e, &mut t);
                    }
                }
                tree(p, &def.exceptions, &mut t);
                t.push(')');
                t
            })
            .collect();
        parts.sort();
        s.push_str(&parts.concat());
    }
    let direct: Vec<_> = p
        .exceptions
        .iter()
        .enumerate()
        .filter(|(_, x)| x.target == ExceptionTarget::Norm(n))
        .map(|(i, _)| crate::model::ExceptionId(i as u32))
        .collect();
    tree(p, &direct, &mut s);
    s
}

fn show(e: &Expr, s: &mut String) {
    let rec = |x: &Expr, s: &mut String| show(x, s);
    s.push('(');
    match &e.kind {
        ExprKind::Lit(v) => s.push_str(&format!("lit {v:?}")),
        ExprKind::Var(v) => s.push_str(&format!("var {}", v.0)),
        ExprKind::Field(x, i) => {
            s.push_str(&format!("field {i} "));
            rec(x, s);
        }
        ExprKind::Param(x, i) => {
            s.push_str(&format!("param {i} "));
            rec(x, s);
        }
        ExprKind::At(x) => {
            s.push_str("at ");
            rec(x, s);
        }
        ExprKind::Not(x) => {
            s.push_str("not ");
            rec(x, s);
        }
        ExprKind::And(xs) | ExprKind::Or(xs) | ExprKind::SetLit(xs) => {
            s.push_str(match &e.kind {
                ExprKind::And(_) => "and",
                ExprKind::Or(_) => "or",
                _ => "set",
            });
            for x in xs {
                rec(x, s);
            }
        }
        ExprKind::Cmp(op, a, b) => {
            s.push_str(&format!("{op:?} "));
            rec(a, s);
            rec(b, s);
        }
        ExprKind::Arith(op, a, b) => {
            s.push_str(&format!("{op:?} "));
            rec(a, s);
            rec(b, s);
        }
        ExprKind::In(a, b) => {
            s.push_str("in ");
            rec(a, s);
            rec(b, s);
        }
        ExprKind::Exists(req, timing) => {
            s.push_str(&format!("exists {:?} ", req.action));
            for (i, x) in &req.args {
                s.push_str(&format!("{i}="));
                rec(x, s);
            }
            if let Some(t) = timing {
                s.push_str(&format!("{:?}", t.kind));
                if let Some(w) = &t.within {
                    rec(w, s);
                }
                rec(&t.anchor, s);
            }
        }
        ExprKind::Known(x) => {
            s.push_str("known ");
            rec(x, s);
        }
        ExprKind::MaxResponse(x) => {
            s.push_str("max_response ");
            rec(x, s);
        }
    }
    s.push_str(&format!(":{:?})", e.ty));
}

enum PairResult {
    Found(Vec<(Change, Facts, usize)>),
    /// A probe ([`Pair::probe`]) that some scenario tells apart.
    Differs,
    Undecided(String),
    Failed(String),
}

/// One solver for pairs whose findings ride on the same actions: the
/// scenario and what each version records on it are built once.
fn solve_group(
    merged: &Merged,
    v_old: &Version,
    v_new: &Version,
    pairs: &[&Pair],
    carriers: &[ActionId],
    k: usize,
    opts: &CompareOptions,
) -> Vec<PairResult> {
    let p = &merged.program;
    let (c_old, c_new) = (v_old.cluster(p, carriers), v_new.cluster(p, carriers));
    let plans = (
        Plan::new(p, &v_old.norms, &c_old, k),
        Plan::new(p, &v_new.norms, &c_new, k),
    );
    let (plan_old, plan_new) = match plans {
        (Ok(a), Ok(b)) => (a, b),
        (Err(why), _) | (_, Err(why)) => {
            return pairs
                .iter()
                .map(|_| PairResult::Undecided(why.clone()))
                .collect()
        }
    };
    let mut involved = c_old;
    involved.extend(c_new);
    involved.extend(&plan_old.norms);
    involved.extend(&plan_new.norms);
    let actions = actions_for(p, &involved);
    let scen = Scenario::new(p, k, actions);
    let solver = solver_for(&scen, opts.timeout_ms);
    let (t_old, u_old) = plan_old.tables(&scen);
    let (t_new, u_new) = plan_new.tables(&scen);
    let s_old: State = Enc::new(&scen, Some(&t_old)).state(v_old, carriers);
    let s_new: State = Enc::new(&scen, Some(&t_new)).state(v_new, carriers);
    let conditions: Vec<Vec<(Change, Vec<Bool>)>> = pairs
        .iter()
        .map(|pair| {
            let mut per_change: Vec<(Change, Vec<Bool>)> = vec![
                (Change::Stricter, Vec::new()),
                (Change::Looser, Vec::new()),
                (Change::Other, Vec::new()),
            ];
            for i in 0..k {
                let a: Kinds = s_old.findings(p, pair.old, i);
                let b: Kinds = s_new.findings(p, pair.new, i);
                let (pa, pb) = (a.problem(), b.problem());
                per_change[0].1.push(Bool::and(&[pb.clone(), pa.not()]));
                per_change[1].1.push(Bool::and(&[pa.clone(), pb.not()]));
                per_change[2]
                    .1
                    .push(Bool::and(&[a.differs(&b), pa.iff(&pb)]));
            }
            per_change
        })
        .collect();
    for c in scen.take_side() {
        solver.assert(&c);
    }
    if let Some(why) = scen.inexact.borrow().clone() {
        return pairs
            .iter()
            .map(|_| PairResult::Undecided(why.clone()))
            .collect();
    }
    let unsettled: Vec<Bool> = u_old.into_iter().chain(u_new).collect();
    if !unsettled.is_empty() {
        if let Some(why) = unsettled_in(&solver, &Bool::or(&unsettled), opts) {
            return pairs
                .iter()
                .map(|_| PairResult::Undecided(why.clone()))
                .collect();
        }
    }
    pairs
        .iter()
        .zip(&conditions)
        .map(|(pair, per_change)| {
            // Most norms do not change: one query for any change first.
            let any: Vec<Bool> = per_change
                .iter()
                .flat_map(|c| c.1.iter().cloned())
                .collect();
            solver.push();
            solver.assert(Bool::or(&any));
            let first = solver.check();
            let why = solver.get_reason_unknown();
            solver.pop(1);
            match first {
                SatResult::Unsat => return PairResult::Found(Vec::new()),
                SatResult::Unknown => {
                    return PairResult::Undecided(format!(
                        "the solver could not decide whether any scenario changes it: {}",
                        why.unwrap_or_else(|| "no answer in time".into())
                    ))
                }
                SatResult::Sat if pair.probe => return PairResult::Differs,
                SatResult::Sat => {}
            }
            let mut found = Vec::new();
            for (change, slots) in per_change {
                match smallest(&solver, &scen, slots) {
                    Ok(Some((facts, slot))) => found.push((*change, facts, slot)),
                    Ok(None) => {}
                    Err(why) if why.starts_with("internal:") => {
                        return PairResult::Failed(format!(
                            "a scenario for `{}` could not be written: {why}",
                            p.norm(pair.new).qualified
                        ))
                    }
                    Err(why) => {
                        return PairResult::Undecided(format!(
                            "the solver could not decide whether a scenario makes it {}: {why}",
                            change.as_str()
                        ))
                    }
                }
            }
            PairResult::Found(found)
        })
        .collect()
}

/// The smallest scenario where some slot's condition holds, and that slot.
fn smallest(
    solver: &Solver,
    scen: &Scenario<'_>,
    slots: &[Bool],
) -> Result<Option<(Facts, usize)>, String> {
    let any = Bool::or(slots);
    let holds = |m: &z3::Model, b: &Bool| m.eval(b, true).and_then(|v| v.as_bool()) == Some(true);
    // At most `size` events (all K for `None`).
    let ask = |size: Option<usize>| -> Result<Option<z3::Model>, String> {
        solver.push();
        if let Some(s) = size.filter(|&s| s < scen.k) {
            solver.assert(scen.active[s].not());
        }
        solver.assert(&any);
        let result = solver.check();
        let out = match result {
            SatResult::Sat => solver
                .get_model()
                .map(Some)
                .ok_or_else(|| "the solver gave no scenario".to_string()),
            SatResult::Unsat => Ok(None),
            SatResult::Unknown => Err(solver
                .get_reason_unknown()
                .unwrap_or_else(|| "no answer in time".into())),
        };
        solver.pop(1);
        out
    };
    // All K slots first: unsat there is the final answer.
    let Some(mut model) = ask(None)? else {
        return Ok(None);
    };
    let mut events = scen
        .active
        .iter()
        .take_while(|a| holds(&model, a))
        .count()
        .max(1);
    for size in 1..events {
        if let Ok(Some(m)) = ask(Some(size)) {
            model = m;
            events = size;
            break;
        }
    }
    // The same, with every event dated from 2025 and in a causal order if
    // it can be.
    let ask = |pref: &[Bool]| {
        solver.push();
        if events < scen.k {
            solver.assert(scen.active[events].not());
        }
        for c in pref {
            solver.assert(c);
        }
        solver.assert(&any);
        let better = match solver.check() {
            SatResult::Sat => solver.get_model(),
            _ => None,
        };
        solver.pop(1);
        better
    };
    if let Some(m) = better_model(scen, events, &model, &ask) {
        model = m;
    }
    let slot = slots.iter().position(|c| holds(&model, c)).unwrap_or(0);
    scen.decode(&model, events)
        .map(|f| Some((f, slot)))
        .map_err(|e| format!("internal: {}", e.0))
}

/// The facts of a scenario in the old version's own ids.
fn to_old(merged: &Merged, facts: &Facts) -> Option<Facts> {
    fn val(m: &Merged, v: &FactVal) -> Option<FactVal> {
        Some(match v {
            FactVal::Enum(e, i) => FactVal::Enum(*m.to_old_enum.get(e)?, *i),
            FactVal::Declared(e) => FactVal::Declared(*m.to_old_entity.get(e)?),
            FactVal::Set(items) => {
                FactVal::Set(items.iter().map(|i| val(m, i)).collect::<Option<_>>()?)
            }
            other => other.clone(),
        })
    }
    Some(Facts {
        as_of: facts.as_of,
        events: facts
            .events
            .iter()
            .map(|e| {
                Some(EventFact {
                    action: *merged.to_old_action.get(&e.action)?,
                    at: e.at,
                    args: e
                        .args
                        .iter()
                        .map(|a| val(merged, a))
                        .collect::<Option<_>>()?,
                })
            })
            .collect::<Option<_>>()?,
        entities: facts
            .entities
            .iter()
            .map(|e| {
                Some(EntityFact {
                    record: *merged.to_old_record.get(&e.record)?,
                    fields: e
                        .fields
                        .iter()
                        .map(|a| val(merged, a))
                        .collect::<Option<_>>()?,
                })
            })
            .collect::<Option<_>>()?,
    })
}

/// The findings of `norm` at `event` of a checked witness: own ones by
/// kind, and `conflict`/`excused` ones naming it (with the norm they are
/// recorded on).
struct Seen {
    own: Vec<FindingKind>,
    /// With the unqualified name of the norm they are recorded on.
    named: Vec<(FindingKind, String)>,
    /// Every finding at the event: kind and the unqualified name of its norm.
    all: Vec<(FindingKind, String)>,
}

impl Seen {
    fn kinds(&self) -> Vec<FindingKind> {
        let mut k: Vec<FindingKind> = self
            .own
            .iter()
            .copied()
            .chain(self.named.iter().map(|x| x.0))
            .collect();
        k.sort();
        k.dedup();
        k
    }

    fn problem(&self) -> bool {
        self.kinds().iter().any(|k| k.is_problem())
    }
}

/// A scenario to write as two witnesses.
struct Job {
    /// Index in `Diff::norms`.
    norm: usize,
    /// Index of the pair.
    pair: usize,
    change: Change,
    facts: Facts,
    slot: usize,
}

/// The findings of `norm` at `event` of report `report` of a checked
/// program, and how to show them.
fn observe(
    program: &Program,
    report: &str,
    norm_name: &str,
    event: &str,
) -> Result<(Seen, Vec<String>), String> {
    let id = program
        .reports
        .iter()
        .position(|r| r.name == report)
        .map(|i| ReportId(i as u32))
        .ok_or_else(|| format!("it has no report `{report}`"))?;
    let def = program.report(id);
    let ev = def
        .events
        .iter()
        .position(|e| e.name == event)
        .ok_or_else(|| format!("it has no event `{event}`"))?;
    let findings = crate::eval::evaluate(program, id);
    let mut seen = Seen {
        own: Vec::new(),
        named: Vec::new(),
        all: Vec::new(),
    };
    let mut shown = Vec::new();
    for f in findings.findings.iter().filter(|f| f.event.index() == ev) {
        let n = program.norm(f.norm);
        seen.all.push((f.kind, n.name.clone()));
        if n.qualified == norm_name {
            seen.own.push(f.kind);
            shown.push(match f.other {
                Some(o) => format!("{} (with {})", f.kind.as_str(), program.norm(o).qualified),
                None => f.kind.as_str().to_string(),
            });
        } else if f
            .other
            .is_some_and(|o| program.norm(o).qualified == norm_name)
            && matches!(f.kind, FindingKind::Conflict | FindingKind::Excused)
        {
            seen.named.push((f.kind, n.name.clone()));
            shown.push(format!("{} (of {})", f.kind.as_str(), n.qualified));
        }
    }
    Ok((seen, shown))
}

/// One version's side of a job.
struct Side1 {
    body: witness::Body,
    norm: NormId,
    event: String,
    seen: Option<(Seen, Vec<String>)>,
    /// The facts that decide it (§10), as comments and as facts.
    decided: Option<Decided>,
}

/// The norms a diff witness's answer names: the norm, and those whose
/// `conflict` or `excused` findings name it (qualified as `program` does).
fn named(program: &Program, norm: &str, seen: &(Seen, Vec<String>)) -> Vec<String> {
    let mut out = vec![norm.to_string()];
    for (_, by) in &seen.0.named {
        if let Some(n) = program.norms.iter().find(|n| n.name == *by) {
            out.push(n.qualified.clone());
        }
    }
    out
}

/// Write every job's two witnesses, read the evaluator's findings on them
/// (all reports of a version checked as one file), write their `expect`
/// lines, and replay them (again one file per version).
fn write_witnesses(
    merged: &Merged,
    old: &VersionInput<'_>,
    new: &VersionInput<'_>,
    pairs: &[&Pair],
    jobs: &[Job],
    k: usize,
) -> Vec<Result<Vec<DiffWitness>, String>> {
    let report_of = |j: &Job| {
        format!(
            "{}_{}",
            pairs[j.pair].name.replace("::", "_"),
            j.change.as_str()
        )
    };
    let mut results: Vec<Result<(), String>> = vec![Ok(()); jobs.len()];
    let mut sides: Vec<[Option<Side1>; 2]> = Vec::new();
    for (n, job) in jobs.iter().enumerate() {
        let pair = pairs[job.pair];
        let old_norm = NormId(pair.old.0 - merged.new_norms.len() as u32);
        let mut two: [Option<Side1>; 2] = [None, None];
        let old_facts = to_old(merged, &job.facts);
        let inputs = [
            (old, old_facts.as_ref(), old_norm),
            (new, Some(&job.facts), pair.new),
        ];
        for (idx, (input, facts, norm)) in inputs.into_iter().enumerate() {
            let Some(facts) = facts else {
                results[n] = Err(format!(
                    "the scenario for `{}` uses a declaration the old version does not have",
                    pair.name
                ));
                continue;
            };
            // One title for both versions: the human output prints the
            // scenario once.
            let spec = witness::ReportSpec {
                report: report_of(job),
                title: format!(
                    "{} is {} in the new version",
                    pair.name,
                    job.change.phrase()
                ),
                header: String::new(),
                uses: input.entries.to_vec(),
                also: vec![norm],
            };
            let body = witness::write_report(input.program, facts, &spec);
            let event = body.events.get(job.slot).cloned().unwrap_or_default();
            two[idx] = Some(Side1 {
                body,
                norm,
                event,
                seen: None,
                decided: None,
            });
        }
        sides.push(two);
    }
    // The findings on each witness, per version.
    for (idx, input) in [old, new].into_iter().enumerate() {
        let texts: Vec<(String, String)> = jobs
            .iter()
            .zip(&sides)
            .filter_map(|(j, s)| {
                s[idx]
                    .as_ref()
                    .map(|x| (report_of(j), x.body.text_with(&[])))
            })
            .collect();
        let together = input.replayer.check_together(&texts);
        for (n, job) in jobs.iter().enumerate() {
            let Some(side) = sides[n][idx].as_mut() else {
                continue;
            };
            let report = report_of(job);
            let name = input.program.norm(side.norm).qualified.clone();
            let alone;
            let session = match &together {
                Some(session) => Ok(session),
                None => {
                    alone = input.replayer.check(&report, &side.body.text_with(&[]));
                    alone.as_ref().map_err(Clone::clone)
                }
            };
            let seen = session.and_then(|s| {
                let seen = observe(&s.program, &report, &name, &side.event)?;
                side.decided =
                    deciding::decide(s, &report, &side.event, &named(&s.program, &name, &seen));
                Ok(seen)
            });
            match seen {
                Ok(seen) => side.seen = Some(seen),
                Err(why) => {
                    results[n] = Err(format!(
                        "the witness for `{}` does not check: {why}",
                        pairs[job.pair].name
                    ))
                }
            }
        }
    }
    // The expectations, then the replay.
    let mut texts: Vec<[String; 2]> = vec![[String::new(), String::new()]; jobs.len()];
    let mut written: Vec<[Vec<String>; 2]> = vec![[Vec::new(), Vec::new()]; jobs.len()];
    for (n, job) in jobs.iter().enumerate() {
        if results[n].is_err() {
            continue;
        }
        let pair = pairs[job.pair];
        let (Some(so), Some(sn)) = (
            sides[n][0].as_ref().and_then(|s| s.seen.as_ref()),
            sides[n][1].as_ref().and_then(|s| s.seen.as_ref()),
        ) else {
            continue;
        };
        let (so, sn) = (&so.0, &sn.0);
        let actual = if sn.problem() && !so.problem() {
            Change::Stricter
        } else if so.problem() && !sn.problem() {
            Change::Looser
        } else {
            Change::Other
        };
        if actual != job.change || so.kinds() == sn.kinds() {
            results[n] = Err(format!(
                "the solver found a {} change of `{}`, but the evaluator sees {:?} under the old version and {:?} under the new one",
                job.change.as_str(),
                pair.name,
                so.kinds(),
                sn.kinds()
            ));
            continue;
        }
        for (idx, input) in [old, new].into_iter().enumerate() {
            let Some(side) = sides[n][idx].as_ref() else {
                continue;
            };
            let (Some((this, _)), Some((that, _))) = (
                side.seen.as_ref(),
                sides[n][1 - idx].as_ref().and_then(|s| s.seen.as_ref()),
            ) else {
                continue;
            };
            let expects = expectations(
                input.program,
                &side.body,
                side.norm,
                &side.event,
                this,
                that,
            );
            let which = if idx == 0 { Side::Old } else { Side::New };
            let header = format!(
                "// A scenario where `{}` is {} in the new version (the smallest found among\n// scenarios of at most {k} events). These expectations hold under the {} version.\n",
                pair.name,
                job.change.phrase(),
                which.as_str()
            );
            let comments = side
                .decided
                .as_ref()
                .map_or_else(String::new, |d| format!("\n{}", d.comments));
            texts[n][idx] = format!("{header}\n{}{comments}", side.body.text_with(&expects));
            written[n][idx] = expects;
        }
    }
    for (idx, input) in [old, new].into_iter().enumerate() {
        let batch: Vec<(usize, (String, String))> = jobs
            .iter()
            .enumerate()
            .filter(|(n, _)| results[*n].is_ok() && !texts[*n][idx].is_empty())
            .map(|(n, j)| (n, (report_of(j), texts[n][idx].clone())))
            .collect();
        let list: Vec<(String, String)> = batch.iter().map(|b| b.1.clone()).collect();
        for ((n, (_, text)), verdict) in batch.iter().zip(input.replayer.replay_all(&list)) {
            if let Err(why) = verdict {
                results[*n] = Err(format!(
                    "the {} witness for `{}` does not replay: {why}\n{text}",
                    if idx == 0 { "old" } else { "new" },
                    pairs[jobs[*n].pair].name
                ));
            }
        }
    }
    jobs.iter()
        .enumerate()
        .map(|(n, job)| {
            results[n].clone()?;
            let mut out = Vec::new();
            for (idx, side) in [Side::Old, Side::New].into_iter().enumerate() {
                let s = sides[n][idx].as_ref().ok_or("no witness")?;
                if texts[n][idx].is_empty() {
                    return Err(format!(
                        "the witness for `{}` has no {} version",
                        pairs[job.pair].name,
                        side.as_str()
                    ));
                }
                out.push(DiffWitness {
                    holds_under: side,
                    change: job.change,
                    event: s.event.clone(),
                    witness: texts[n][idx].clone(),
                    findings: s.seen.as_ref().map(|x| x.1.clone()).unwrap_or_default(),
                    deciding: s
                        .decided
                        .as_ref()
                        .map(|d| d.facts.clone())
                        .unwrap_or_default(),
                    comments: s
                        .decided
                        .as_ref()
                        .map(|d| d.comments.clone())
                        .unwrap_or_default(),
                    report: s.body.text_with(&[]),
                    expects: written[n][idx].clone(),
                });
            }
            Ok(out)
        })
        .collect()
}

/// The `expect` lines of one version's witness: what it finds, and what
/// the other version finds that it does not (where an `expect` can say so).
fn expectations(
    program: &Program,
    body: &witness::Body,
    norm: NormId,
    event: &str,
    this: &Seen,
    that: &Seen,
) -> Vec<String> {
    let name = body.name_of_norm(program, norm);
    let mut expects = Vec::new();
    for kind in &this.own {
        expects.push(format!("expect {} {name} at {event};", kind.as_str()));
    }
    // A norm of this program by its unqualified name.
    let by_name = |name: &str| {
        program
            .norms
            .iter()
            .position(|n| n.name == name)
            .map(|i| body.name_of_norm(program, NormId(i as u32)))
    };
    for (kind, by) in &this.named {
        if *kind == FindingKind::Conflict {
            expects.push(format!("expect conflict {name} at {event};"));
        } else if let Some(by) = by_name(by) {
            expects.push(format!("expect {} {by} at {event};", kind.as_str()));
        }
    }
    let mine = this.kinds();
    for kind in that.kinds() {
        if !mine.contains(&kind) && (that.own.contains(&kind) || kind == FindingKind::Conflict) {
            expects.push(format!("expect not {} {name} at {event};", kind.as_str()));
        }
    }
    // Nothing to say of the norm itself (it lost an `excused` it was
    // named in): say what the norm that named it gets here instead.
    if expects.is_empty() {
        for (kind, by) in &that.named {
            let Some(written) = by_name(by) else { continue };
            if this.all.iter().any(|(k, n)| k == kind && n == by) {
                expects.push(format!("expect {} {written} at {event};", kind.as_str()));
            } else {
                expects.push(format!(
                    "expect not {} {written} at {event};",
                    kind.as_str()
                ));
            }
        }
    }
    expects.sort();
    expects.dedup();
    expects
}
