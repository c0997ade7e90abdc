//! Judging one report: the index, the `max_response` table, the duties,
//! then every forbid on every event of its action (events in parallel),
//! and the findings in their deterministic order.
//!
//! `max_response` is stratified to avoid a red line's condition asking for
//! its own crossing: the table counts the red lines that a first pass finds
//! crossed while every `max_response` reads as `?`. Kleene logic is
//! monotone, so what is a violation with `?` stays one whatever the
//! rungs turn out to be; a red line crossed only because of some
//! `max_response` does not raise `max_response` itself. The first pass is
//! skipped when no condition mentions `max_response`.

use rayon::prelude::*;

use crate::model::{
    EventId, ExceptionTarget, FindingKind, NormId, NormKind, Program, ReportDef, Value,
};

use super::breach::BreachTable;
use super::duty::Duty;
use super::expr::{mentions_max_response, Env, EventView};
use super::finding::{Finding, FindingOrder};
use super::index::ReportIndex;
use super::judge::{DutyLink, PermitCache};
use super::truth::Truth;

/// A report ready to be judged: its index, its `max_response` table and
/// the breaches its `on breach of` triggers read.
pub(crate) struct Prepared<'a> {
    pub program: &'a Program,
    pub report: &'a ReportDef,
    pub index: ReportIndex,
    pub responses: Option<Vec<u32>>,
    pub breaches: Option<BreachTable>,
}

/// The duties of a report and, per event, the duties it performs.
pub(crate) struct Duties {
    pub list: Vec<Duty>,
    /// Indexed by `EventId`: (duty, `m(e)`).
    pub performed: Vec<Vec<(usize, Truth)>>,
}

impl Duties {
    pub fn links(&self, event: usize) -> Vec<DutyLink<'_>> {
        self.performed.get(event).map_or(Vec::new(), |v| {
            v.iter()
                .filter_map(|(d, t)| self.list.get(*d).map(|duty| duty.link(*t)))
                .collect()
        })
    }
}

fn uses_max_response(program: &Program) -> bool {
    let norm_exprs = program.norms.iter().flat_map(|n| {
        let trig = n.trigger.as_ref().and_then(|t| t.when.as_ref());
        let req = n
            .required
            .iter()
            .flat_map(|r| r.args.iter().map(|(_, e)| e));
        trig.into_iter()
            .chain(n.when.as_ref())
            .chain(n.unless.as_ref())
            .chain(req)
    });
    let ex_exprs = program
        .exceptions
        .iter()
        .flat_map(|x| x.when.iter().chain(x.unless.as_ref()));
    norm_exprs.chain(ex_exprs).any(mentions_max_response)
}

impl<'a> Prepared<'a> {
    pub fn new(program: &'a Program, report: &'a ReportDef) -> Prepared<'a> {
        Self::with_index(program, report, ReportIndex::build(program, report))
    }

    /// A report ready to be judged with this index of it.
    pub fn with_index(
        program: &'a Program,
        report: &'a ReportDef,
        index: ReportIndex,
    ) -> Prepared<'a> {
        let mut prepared = Prepared {
            program,
            report,
            index,
            responses: None,
            breaches: None,
        };
        let breached = BreachTable::breached_norms(program, report);
        if breached.is_empty() {
            prepared.set_responses();
            return prepared;
        }
        // Rounds until the breaches settle (see `breach.rs`).
        let mut table = BreachTable::default();
        let mut settled = false;
        for _ in 0..super::breach::MAX_ROUNDS {
            prepared.breaches = Some(table);
            prepared.set_responses();
            let env = prepared.env();
            let duties = duties(&env);
            let found = findings(&env, &duties);
            let next = BreachTable::read(&env, &breached, &duties, &found);
            table = prepared.breaches.take().unwrap_or_default();
            if next == table {
                settled = true;
                break;
            }
            table = next;
        }
        if !settled {
            // The last two rounds disagree: what still changes is unknown.
            prepared.breaches = Some(table.clone());
            prepared.set_responses();
            let env = prepared.env();
            let duties = duties(&env);
            let found = findings(&env, &duties);
            let next = BreachTable::read(&env, &breached, &duties, &found);
            table = table.unsettled(&next);
        }
        prepared.breaches = Some(table);
        prepared.set_responses();
        prepared
    }

    /// The `max_response` table, with the breaches found so far.
    fn set_responses(&mut self) {
        let (program, report) = (self.program, self.report);
        self.responses = None;
        if let (Some(ladder), true) = (report.ladder, uses_max_response(program)) {
            let prepared = &mut *self;
            let env = prepared.env();
            let duties = duties(&env);
            let mut table = vec![0u32; report.events.len()];
            for f in forbid_findings(&env, &duties, None) {
                if let (FindingKind::Crossed, Some((e, m))) = (f.kind, f.response) {
                    if e == ladder {
                        if let Some(slot) = table.get_mut(f.event.index()) {
                            *slot = (*slot).max(m);
                        }
                    }
                }
            }
            prepared.responses = Some(table);
        }
    }

    pub fn env(&self) -> Env<'_> {
        Env {
            program: self.program,
            report: self.report,
            index: &self.index,
            responses: self.responses.as_deref(),
            hypo: None,
            breaches: self.breaches.as_ref(),
        }
    }
}

pub(crate) fn duties(env: &Env<'_>) -> Duties {
    let mut list = env.duties();
    for d in &mut list {
        env.resolve_conflicts(d);
    }
    let mut performed = vec![Vec::new(); env.report.events.len()];
    for (k, d) in list.iter().enumerate() {
        for &(e, t) in &d.performers {
            if let Some(slot) = performed.get_mut(e.index()) {
                slot.push((k, t));
            }
        }
    }
    Duties { list, performed }
}

pub(crate) fn bindings(env: &Env<'_>, norm: NormId, frame: &[Value]) -> Vec<(String, String)> {
    env.program
        .norm(norm)
        .vars
        .iter()
        .zip(frame)
        .map(|(var, v)| {
            (
                var.name.clone(),
                env.program.show_value(v, Some(env.report)),
            )
        })
        .collect()
}

/// Events judged together: each forbid judges every event of a block
/// before the next forbid, so a norm's tree stays in the cache while it
/// is used (with a thousand norms on one action, walking every norm for
/// every event spent most of its time waiting on memory).
const BLOCK: usize = 64;

/// One event of a block, with what its forbids share.
struct Slot<'e> {
    id: EventId,
    ev: EventView<'e>,
    links: Vec<DutyLink<'e>>,
    permits: PermitCache,
}

/// The findings of every forbid and red line on every event: each block's
/// in `order` if one is given (the events of a block are the next in time,
/// so [`findings`] has little left to sort), else in no particular order.
fn forbid_findings(
    env: &Env<'_>,
    duties: &Duties,
    order: Option<&FindingOrder<'_>>,
) -> Vec<Finding> {
    let per_block = |block: &[EventId]| {
        let mut out = Vec::new();
        let mut slots: Vec<Slot<'_>> = block
            .iter()
            .filter_map(|&id| {
                let ev = env.event(id)?;
                if env.index.forbids_on(ev.action).is_empty() {
                    return None;
                }
                let sieved = env.index.sieved(env.program, ev.action, ev.args);
                Some(Slot {
                    id,
                    ev,
                    links: duties.links(id.index()),
                    permits: PermitCache::with_sieve(sieved, env.index.forbids_on(ev.action).len()),
                })
            })
            .collect();
        slots.sort_by_key(|s| s.ev.action);
        for group in slots.chunk_by_mut(|a, b| a.ev.action == b.ev.action) {
            for (k, &f) in env.index.forbids_on(group[0].ev.action).iter().enumerate() {
                for slot in group.iter_mut() {
                    if slot.permits.forbid_sieved(k) {
                        continue;
                    }
                    let Some(v) = env.forbid_verdict(f, slot.ev, &mut slot.permits, &slot.links)
                    else {
                        continue;
                    };
                    let norm = env.program.norm(f);
                    let finding = Finding {
                        kind: v.kind,
                        norm: f,
                        event: slot.id,
                        trigger: v.trigger,
                        frame: v.frame,
                        severity: norm.severity,
                        response: None,
                        other: v.other,
                        fulfilled_by: None,
                        deadline: None,
                        by: v.by,
                        breach: env.breach_of_finding(f, v.trigger),
                    };
                    if v.kind == FindingKind::Violation && norm.kind == NormKind::Redline {
                        out.push(Finding {
                            kind: FindingKind::Crossed,
                            response: norm.response,
                            ..finding.clone()
                        });
                    }
                    out.push(finding);
                }
            }
        }
        if let Some(order) = order {
            order.sort(&mut out);
        }
        out
    };
    env.index
        .chronological
        .par_chunks(BLOCK)
        .flat_map_iter(per_block)
        .collect()
}

/// Every finding of the report, sorted.
pub(crate) fn findings(env: &Env<'_>, duties: &Duties) -> Vec<Finding> {
    let order = FindingOrder::new(env.program, env.report);
    let mut out = forbid_findings(env, duties, Some(&order));
    for d in &duties.list {
        let norm = env.program.norm(d.norm);
        out.push(Finding {
            kind: d.outcome,
            norm: d.norm,
            event: d.trigger,
            trigger: Some(d.trigger),
            frame: d.frame.clone(),
            severity: norm.severity,
            response: None,
            other: d.other,
            fulfilled_by: d.by,
            deadline: Some((d.deadline.0, d.deadline.1)),
            by: (d.outcome == FindingKind::Excused)
                .then(|| env.excused_by(d.norm, &d.frame))
                .flatten()
                .map(ExceptionTarget::Exception),
            breach: env.breach_of_finding(d.norm, Some(d.trigger)),
        });
    }
    order.sort(&mut out);
    out
}
