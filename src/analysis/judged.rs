//! What a norm reads from the *findings* of other norms, as terms: the
//! breaches that `on breach of` triggers answer (§4) and the rungs that
//! `max_response` reads (§5), for one version (the norms in force) on one
//! scenario — computed the way the evaluator's `report.rs` computes them,
//! so the two can be read side by side:
//! - breaches are found by **rounds**: judge with the breaches found so
//!   far (none at first), read the breaches off the findings of the norms
//!   some trigger names (a violation, or a `missed`/`late` duty, is T; a
//!   `possible` or `conflict` finding is U), and judge again. Where the
//!   norms' dependence on each other's breaches has no cycle, a norm
//!   settles in the round of its depth and that many rounds are exact.
//!   Where it has one (a countermeasure that overrides the very norm
//!   whose breach started its chain), every round settles at least the
//!   earliest breach still in doubt — consequences come strictly after
//!   their breach — so one round per possible breach (norm × slot) is
//!   enough, and the caller asks the solver whether one more round would
//!   change anything: a scenario where it would is undecided, never
//!   guessed.
//!   Where every breach depends only on strictly earlier ones — no
//!   `max_response` among what the breaches read (it may look at a later
//!   event), every breach-triggered duty with a window longer than zero,
//!   none of them performed by an event a breached forbid judges — the
//!   evaluator's table is the one fixpoint of a round, by induction on
//!   time: the breaches are then fresh terms held equal to one round
//!   judged with them, one round's encoding instead of many.
//! - `max_response` is stratified as in the evaluator: each round's rung
//!   table counts the red lines crossed while every `max_response` reads
//!   `?`, with that round's breaches.
//!
//! The stage never calls the evaluator here; it mirrors it in terms.

use std::collections::{BTreeSet, HashMap, HashSet};

use z3::ast::{Bool, Int};

use crate::model::{EnumId, ExprKind, FindingKind, Modality, NormId, NormKind, Program, Ty};

use super::encode::Enc;
use super::logic::{Sym, Tri, Val};
use super::scenario::Scenario;
use super::support::norm_exprs;
use super::verdict::Version;

/// `breach(NORM, X)` of one slot as terms: its truth and its time (the
/// event's time for a forbid, the deadline for a duty).
#[derive(Clone)]
pub(crate) struct Breach {
    pub truth: Tri,
    pub at: Int,
}

impl Breach {
    fn none() -> Breach {
        Breach {
            truth: Tri::lit(false),
            at: Int::from_i64(0),
        }
    }
}

/// The breaches and rungs one version records on a scenario.
pub(crate) struct Tables {
    /// Per breached norm and slot; a covered norm without an entry (one
    /// not in force) is never breached.
    breaches: HashMap<(NormId, usize), Breach>,
    covered: HashSet<NormId>,
    /// Per ladder a `max_response` reads, the rung of each slot (`None`:
    /// the version has no red line on that ladder, and the evaluator reads
    /// `?`). The whole table is `None` in the first stratum, while the
    /// rungs are being computed: every `max_response` reads `?`.
    rungs: Option<HashMap<EnumId, Option<Vec<Val>>>>,
    ladders: HashSet<EnumId>,
}

impl Enc<'_, '_> {
    /// `breach(norm, slot)`; a breach the tables do not cover leaves the
    /// formula inexact (its claims undecided), never silently false.
    pub fn breach(&self, norm: NormId, slot: usize) -> Breach {
        match self.tables {
            Some(t) if t.covered.contains(&norm) => t
                .breaches
                .get(&(norm, slot))
                .cloned()
                .unwrap_or_else(Breach::none),
            _ => {
                self.scen.inexact.borrow_mut().get_or_insert_with(|| {
                    format!(
                        "internal: a breach of `{}` was read without its table",
                        self.scen.program.norm(norm).qualified
                    )
                });
                Breach::none()
            }
        }
    }

    /// The rungs of the ladder `ty` per slot: `Some(None)` where every
    /// `max_response` reads `?`; `None` when the tables do not cover it.
    pub fn rungs(&self, ty: &Ty) -> Option<Option<&[Val]>> {
        let Ty::Enum(ladder) = ty else {
            return Some(None);
        };
        let tables = self.tables?;
        match &tables.rungs {
            None => Some(None),
            Some(map) => map.get(ladder).map(|r| r.as_deref()),
        }
    }

    /// Does the version have a ladder of type `ty` (so that
    /// `known(max_response(x))` holds)?
    pub fn has_ladder(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Enum(l) if self.tables.is_some_and(|t| t.ladders.contains(l)))
    }
}

/// How the tables of one version are computed, decided once per set of
/// norms and reused for every scenario size.
pub(crate) struct Plan {
    version: Vec<NormId>,
    /// The norms some trigger reads the breaches of (in force or not).
    breached: Vec<NormId>,
    /// Those of them in force: the norms whose findings each round reads.
    judged: Vec<NormId>,
    /// Ladders some `max_response` reads.
    ladders: Vec<EnumId>,
    rounds: usize,
    /// The breaches may depend on each other: ask whether one more round
    /// changes them.
    settle: bool,
    /// Every breach depends on strictly earlier ones only: the table is
    /// the fixpoint of one round.
    fixpoint: bool,
    /// Every norm whose definition the tables read (beyond those the
    /// caller encodes itself).
    pub norms: Vec<NormId>,
}

/// The norms whose findings decide those of `n`: the norms on the
/// action its findings ride on (forbids, permits, duties to do it).
fn cluster_of(program: &Program, v: &Version, n: NormId) -> Vec<NormId> {
    let def = program.norm(n);
    let action = match def.modality {
        Modality::Oblige => def.required.as_ref().map(|r| r.action),
        _ => def.matched.as_ref().map(|p| p.action),
    };
    let mut out = action.map_or_else(Vec::new, |a| v.cluster(program, &[a]));
    out.push(n);
    out
}

/// The ladders the `max_response` calls of a norm read.
fn ladders_read(program: &Program, n: NormId) -> Vec<EnumId> {
    let mut out = Vec::new();
    for e in norm_exprs(program, program.norm(n)) {
        e.visit(&mut |x| {
            if let (ExprKind::MaxResponse(_), Ty::Enum(l)) = (&x.kind, &x.ty) {
                out.push(*l);
            }
            true
        });
    }
    out
}

/// What judging `start` reads, transitively: the norms breached, the
/// ladders, and every norm visited.
struct Reach {
    breached: BTreeSet<NormId>,
    ladders: BTreeSet<EnumId>,
    norms: Vec<NormId>,
}

fn reach(program: &Program, v: &Version, start: &[NormId]) -> Reach {
    let in_force: HashSet<NormId> = v.norms.iter().copied().collect();
    let mut out = Reach {
        breached: BTreeSet::new(),
        ladders: BTreeSet::new(),
        norms: Vec::new(),
    };
    let mut seen = HashSet::new();
    let mut queue: Vec<NormId> = start.to_vec();
    while let Some(n) = queue.pop() {
        if !seen.insert(n) {
            continue;
        }
        out.norms.push(n);
        if let Some(b) = program.norm(n).trigger.as_ref().and_then(|t| t.breach) {
            out.breached.insert(b.norm);
            if in_force.contains(&b.norm) {
                queue.extend(cluster_of(program, v, b.norm));
            }
        }
        for l in ladders_read(program, n) {
            if out.ladders.insert(l) {
                queue.extend(
                    redlines(program, v, l)
                        .into_iter()
                        .flat_map(|(r, _)| cluster_of(program, v, r)),
                );
            }
        }
    }
    out
}

/// The red lines in force with a response on ladder `l`, and its rung.
fn redlines(program: &Program, v: &Version, l: EnumId) -> Vec<(NormId, u32)> {
    v.norms
        .iter()
        .filter_map(|&n| {
            let d = program.norm(n);
            match (d.kind, d.response) {
                (NormKind::Redline, Some((e, m))) if e == l => Some((n, m)),
                _ => None,
            }
        })
        .collect()
}

impl Plan {
    /// The plan for judging `involved` with the norms `version` in force
    /// on scenarios of at most `k` events; `Err` when the breaches would
    /// need more rounds than the evaluator takes.
    pub fn new(
        program: &Program,
        version: &[NormId],
        involved: &[NormId],
        k: usize,
    ) -> Result<Plan, String> {
        // The common case, checked without sorting the version: nothing
        // encoded reads another norm's findings.
        let reads = |n: &NormId| {
            program
                .norm(*n)
                .trigger
                .as_ref()
                .is_some_and(|t| t.breach.is_some())
                || !ladders_read(program, *n).is_empty()
        };
        if !involved.iter().any(reads) {
            return Ok(Plan {
                version: Vec::new(),
                breached: Vec::new(),
                judged: Vec::new(),
                ladders: Vec::new(),
                rounds: 0,
                settle: false,
                fixpoint: false,
                norms: Vec::new(),
            });
        }
        let v = Version::new(program, version);
        let all = reach(program, &v, involved);
        let in_force: HashSet<NormId> = v.norms.iter().copied().collect();
        let judged: Vec<NormId> = all
            .breached
            .iter()
            .copied()
            .filter(|n| in_force.contains(n))
            .collect();
        // Each judged norm's own dependence on breaches.
        let deps: HashMap<NormId, BTreeSet<NormId>> = judged
            .iter()
            .map(|&n| {
                let r = reach(program, &v, &cluster_of(program, &v, n));
                let on: BTreeSet<NormId> = r
                    .breached
                    .into_iter()
                    .filter(|m| in_force.contains(m))
                    .collect();
                (n, on)
            })
            .collect();
        let (rounds, settle) = match depth(&judged, &deps) {
            Some(d) => (d, false),
            None => (judged.len() * k.max(1) + 1, true),
        };
        let fixpoint = rounds > 1 && strictly_earlier(program, &v, &judged);
        let max = crate::eval::MAX_BREACH_ROUNDS;
        if rounds + usize::from(settle) >= max {
            return Err(format!(
                "its breaches may take {rounds} rounds to settle, more than the evaluator \
                 follows ({max})"
            ));
        }
        let mut ladders: Vec<EnumId> = all.ladders.into_iter().collect();
        ladders.sort();
        Ok(Plan {
            version: v.norms,
            breached: all.breached.into_iter().collect(),
            judged,
            ladders,
            rounds,
            settle,
            fixpoint,
            norms: all.norms,
        })
    }

    /// The tables on `scen`, and, where the breaches depend on each other
    /// in a cycle, the condition under which they have not settled (a
    /// scenario satisfying it is undecided).
    pub fn tables(&self, scen: &Scenario<'_>) -> (Tables, Option<Bool>) {
        let program = scen.program;
        let v = Version::new(program, &self.version);
        let ladders: HashSet<EnumId> = self
            .ladders
            .iter()
            .copied()
            .filter(|&l| !redlines(program, &v, l).is_empty())
            .collect();
        let mut cur = Tables {
            breaches: HashMap::new(),
            covered: self.breached.iter().copied().collect(),
            rungs: None,
            ladders,
        };
        if self.fixpoint {
            self.fix(scen, &v, &mut cur);
            return (cur, None);
        }
        for _ in 0..self.rounds {
            self.set_rungs(scen, &v, &mut cur);
            let next = self.read(scen, &v, &cur);
            cur.breaches = next;
        }
        self.set_rungs(scen, &v, &mut cur);
        let unsettled = self.settle.then(|| {
            let next = self.read(scen, &v, &cur);
            let differs: Vec<Bool> = next
                .iter()
                .map(|(key, b)| {
                    let a = cur.breaches.get(key).cloned().unwrap_or_else(Breach::none);
                    let same = Bool::and(&[
                        a.truth.t.iff(&b.truth.t),
                        a.truth.f.iff(&b.truth.f),
                        Bool::or(&[b.truth.f.clone(), a.at.eq(&b.at)]),
                    ]);
                    same.not()
                })
                .collect();
            Bool::or(&differs)
        });
        (cur, unsettled)
    }

    /// The breaches as fresh terms held equal to one round judged with
    /// them (the only fixpoint where each breach reads earlier ones).
    fn fix(&self, scen: &Scenario<'_>, v: &Version, cur: &mut Tables) {
        for &n in &self.judged {
            for i in 0..scen.k {
                let b = Breach {
                    truth: Tri {
                        t: Bool::fresh_const("breach_t"),
                        f: Bool::fresh_const("breach_f"),
                    },
                    at: Int::fresh_const("breach_at"),
                };
                cur.breaches.insert((n, i), b);
            }
        }
        self.set_rungs(scen, v, cur);
        let next = self.read(scen, v, cur);
        for (key, b) in next {
            if let Some(var) = cur.breaches.get(&key) {
                scen.assume(Bool::and(&[
                    var.truth.t.iff(&b.truth.t),
                    var.truth.f.iff(&b.truth.f),
                    var.at.eq(&b.at),
                ]));
            }
        }
        self.set_rungs(scen, v, cur);
    }

    /// The rung table with `cur`'s breaches, every `max_response` `?`.
    fn set_rungs(&self, scen: &Scenario<'_>, v: &Version, cur: &mut Tables) {
        cur.rungs = None;
        if self.ladders.is_empty() {
            cur.rungs = Some(HashMap::new());
            return;
        }
        let program = scen.program;
        let mut map = HashMap::new();
        {
            let enc = Enc::new(scen, Some(cur));
            for &l in &self.ladders {
                let lines = redlines(program, v, l);
                if lines.is_empty() {
                    map.insert(l, None);
                    continue;
                }
                let only: Vec<NormId> = lines.iter().map(|x| x.0).collect();
                let state = enc.state_for(v, &only);
                let table = (0..scen.k)
                    .map(|i| {
                        let mut acc = Int::from_i64(0);
                        for &(r, m) in &lines {
                            let m = Int::from_i64(i64::from(m));
                            let crossed = state.own(r, i).get(FindingKind::Crossed).clone();
                            acc = Bool::and(&[crossed, m.gt(&acc)]).ite(&m, &acc);
                        }
                        Val::known(Sym::I(acc))
                    })
                    .collect();
                map.insert(l, Some(table));
            }
        }
        cur.rungs = Some(map);
    }

    /// The breaches the findings judged with `cur` show.
    fn read(
        &self,
        scen: &Scenario<'_>,
        v: &Version,
        cur: &Tables,
    ) -> HashMap<(NormId, usize), Breach> {
        let program = scen.program;
        let enc = Enc::new(scen, Some(cur));
        let state = enc.state_for(v, &self.judged);
        let mut out = HashMap::new();
        for &n in &self.judged {
            let duty = program.norm(n).modality == Modality::Oblige;
            for i in 0..scen.k {
                let kinds = state.own(n, i);
                let any = |ks: &[FindingKind]| {
                    Bool::or(&ks.iter().map(|&k| kinds.get(k).clone()).collect::<Vec<_>>())
                };
                let t = if duty {
                    any(&[FindingKind::Missed, FindingKind::Late])
                } else {
                    any(&[FindingKind::Violation])
                };
                let u = any(&[FindingKind::Possible, FindingKind::Conflict]);
                let at = if duty {
                    state.deadline(n, i).unwrap_or_else(|| Int::from_i64(0))
                } else {
                    scen.at[i].clone()
                };
                let f = Bool::or(&[t.clone(), u]).not();
                out.insert(
                    (n, i),
                    Breach {
                        truth: Tri { t, f },
                        at,
                    },
                );
            }
        }
        out
    }
}

/// Does every breach of `judged` read only strictly earlier breaches?
/// Not where `max_response` is read on their way (it may read a later
/// event), where a breach-triggered duty's window is empty (its breach is
/// at the very time of the one it answers), or where such a duty is
/// performed by an event a breached forbid judges (its window opens at
/// the breach, inclusive, so its link may read a breach of that instant).
fn strictly_earlier(program: &Program, v: &Version, judged: &[NormId]) -> bool {
    let start: Vec<NormId> = judged
        .iter()
        .flat_map(|&n| cluster_of(program, v, n))
        .collect();
    let r = reach(program, v, &start);
    if !r.ladders.is_empty() {
        return false;
    }
    let forbidden: HashSet<_> = judged
        .iter()
        .filter_map(|&n| {
            let d = program.norm(n);
            (d.modality == Modality::Forbid)
                .then(|| d.matched.as_ref().map(|p| p.action))
                .flatten()
        })
        .collect();
    v.norms.iter().all(|&n| {
        let d = program.norm(n);
        let breach_duty = d.modality == Modality::Oblige
            && d.trigger.as_ref().is_some_and(|t| t.breach.is_some());
        !breach_duty
            || (d.within.is_some_and(|w| w > 0)
                && d.required
                    .as_ref()
                    .is_none_or(|r| !forbidden.contains(&r.action)))
    })
}

/// The longest chain of `deps` among `nodes` (a node alone is 1; a chain
/// longer than the evaluator's rounds counts as that many and one), or
/// `None` when they form a cycle.
fn depth(nodes: &[NormId], deps: &HashMap<NormId, BTreeSet<NormId>>) -> Option<usize> {
    const DEEPEST: usize = crate::eval::MAX_BREACH_ROUNDS + 1;
    fn visit(
        n: NormId,
        level: usize,
        deps: &HashMap<NormId, BTreeSet<NormId>>,
        memo: &mut HashMap<NormId, Option<usize>>,
    ) -> Option<usize> {
        match memo.get(&n) {
            Some(Some(d)) => return Some(*d),
            // On the current path: a cycle.
            Some(None) => return None,
            None => {}
        }
        if level >= DEEPEST {
            return Some(DEEPEST);
        }
        memo.insert(n, None);
        let mut d = 1;
        for &m in deps.get(&n).into_iter().flatten() {
            if !deps.contains_key(&m) {
                continue;
            }
            d = d.max(1 + visit(m, level + 1, deps, memo)?);
        }
        let d = d.min(DEEPEST);
        memo.insert(n, Some(d));
        Some(d)
    }
    let mut memo = HashMap::new();
    let mut most = 0;
    for &n in nodes {
        most = most.max(visit(n, 0, deps, &mut memo)?);
    }
    Some(most)
}

impl Plan {
    /// The first norm the tables read that the analysis cannot encode,
    /// and why.
    pub fn unsupported(&self, program: &Program) -> Option<(NormId, String)> {
        self.norms
            .iter()
            .find_map(|&n| super::support::unsupported(program, n).map(|why| (n, why)))
    }
}
