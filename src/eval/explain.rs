//! `norma explain`: for one event of a report, every norm instance that
//! touched it (as matched event, as trigger, or as an event performing a
//! duty) with its bindings, the value of every condition and sub-condition
//! (each conjunct and disjunct, by source span), every exception tried and
//! why it held or not, and the permits, duties and overrides that decided a
//! collision. It re-runs the same functions as [`super::evaluate`], so an
//! explanation can never disagree with the findings.

use crate::model::{
    EventId, ExceptionTarget, Expr, ExprKind, FindingKind, Modality, NormId, ReportId, Value,
};
use crate::span::Span;

use super::duty::Duty;
use super::expr::Env;
use super::finding::Finding;
use super::judge::{bind, classify, overrides, Collision, InstanceTruth, PermitCache};
use super::report::{self, bindings, Prepared};
use super::truth::Truth;

/// How an instance touched the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The event is the one the norm's deontic pattern matched.
    Matched,
    /// The event is the instance's trigger.
    Trigger,
    /// The event does (or may) perform a duty.
    Performs,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Matched => "matched",
            Role::Trigger => "trigger",
            Role::Performs => "performs",
        }
    }
}

/// One condition (or part of one) and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionTrace {
    /// `on when`, `when`, `unless`, or empty for a sub-condition.
    pub clause: &'static str,
    pub span: Span,
    pub value: Truth,
    /// The conjuncts, disjuncts or negated operand, for `and`/`or`/`not`.
    pub parts: Vec<ConditionTrace>,
}

/// One exception tried on an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionTrace {
    pub name: String,
    /// What it is an exception to.
    pub target: String,
    /// 1 for an exception to the norm, 2 for an exception to one of those...
    pub depth: usize,
    pub conditions: Vec<ConditionTrace>,
    pub applies: Truth,
    pub defeated: Truth,
    /// `applies ∧ ¬defeated`: whether it defeats its target.
    pub holds: Truth,
    pub span: Span,
}

/// A permit or duty that collided with a forbid on the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollisionTrace {
    pub other: NormId,
    pub other_name: String,
    /// `permit` or `oblige`.
    pub modality: &'static str,
    /// `in_force` of the permit, or `[e fulfils the duty]`.
    pub value: Truth,
    /// `won` (the other overrides the forbid), `lost` (the forbid
    /// overrides it), `tied` (no override between them).
    pub decided: &'static str,
}

/// The duty side of an instance of an `oblige`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyTrace {
    /// When its window opens: the trigger's time, or the breach's (§4).
    pub opens: (i64, i64),
    /// `(earliest, latest)`: one instant unless a time is imprecise.
    pub deadline: (i64, i64),
    /// The status of the table of §7.1 before conflicts and exceptions.
    pub status: FindingKind,
    pub outcome: FindingKind,
    pub fulfilled_by: Option<String>,
    /// Events that do (true) or may (unknown) perform it.
    pub performers: Vec<(String, Truth)>,
    /// Forbids its action would violate over its whole window, and how the
    /// override between them reads (`duty wins`, `forbid wins`, `none`).
    pub conflicts: Vec<(String, &'static str)>,
}

/// One instance of a norm that touched the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceTrace {
    pub norm: NormId,
    pub norm_name: String,
    pub modality: &'static str,
    pub role: Role,
    pub trigger: Option<String>,
    pub matched: Option<String>,
    pub bindings: Vec<(String, String)>,
    /// The values of the norm's variables, in its order (what `bindings`
    /// shows): for a reader that follows a condition's reads to the facts
    /// of the report (the analysis's witnesses).
    pub frame: Vec<Value>,
    pub conditions: Vec<ConditionTrace>,
    pub applies: Truth,
    pub defeated: Truth,
    pub in_force: Truth,
    pub exceptions: Vec<ExceptionTrace>,
    pub collisions: Vec<CollisionTrace>,
    /// What this instance alone would make of a forbid (§7.1 table).
    pub outcome: Option<FindingKind>,
    pub duty: Option<DutyTrace>,
    /// For an `on breach of` trigger: the breach it answers (§4): the
    /// breached norm's qualified name, its finding, and when.
    pub breach: Option<(String, FindingKind, (i64, i64))>,
    pub span: Span,
}

/// Everything `norma explain` says about one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub report_id: ReportId,
    pub report: String,
    pub event: String,
    pub event_span: Option<Span>,
    /// When it happened: `(earliest, latest)`.
    pub at: Option<(i64, i64)>,
    /// The findings of the report on this event.
    pub findings: Vec<Finding>,
    pub instances: Vec<InstanceTrace>,
}

impl Env<'_> {
    fn trace(&self, clause: &'static str, e: &Expr, frame: &[Value]) -> ConditionTrace {
        let parts = match &e.kind {
            ExprKind::And(xs) | ExprKind::Or(xs) => {
                xs.iter().map(|x| self.trace("", x, frame)).collect()
            }
            ExprKind::Not(x) => vec![self.trace("", x, frame)],
            _ => Vec::new(),
        };
        ConditionTrace {
            clause,
            span: e.span,
            value: self.truth(e, frame),
            parts,
        }
    }

    fn norm_traces(&self, norm: NormId, frame: &[Value]) -> Vec<ConditionTrace> {
        let def = self.program.norm(norm);
        let trig = def.trigger.as_ref().and_then(|t| t.when.as_ref());
        let mut out = Vec::new();
        if let Some(w) = trig {
            out.push(self.trace("on when", w, frame));
        }
        if let Some(w) = &def.when {
            out.push(self.trace("when", w, frame));
        }
        if let Some(u) = &def.unless {
            out.push(self.trace("unless", u, frame));
        }
        out
    }

    fn exception_traces(&self, norm: NormId, frame: &[Value]) -> Vec<ExceptionTrace> {
        let Some(plan) = self.index.plan(norm) else {
            return Vec::new();
        };
        let (_, table) = self.defeated_all(norm, frame);
        let mut depth = vec![1usize; plan.order.len()];
        let mut out = Vec::with_capacity(plan.order.len());
        for (k, &ex) in plan.order.iter().enumerate() {
            if let Some(p) = plan.parent[k] {
                depth[k] = depth[p] + 1;
            }
            let Some(def) = self.program.exceptions.get(ex.index()) else {
                continue;
            };
            let mut conditions = Vec::new();
            if let Some(w) = &def.when {
                conditions.push(self.trace("when", w, frame));
            }
            if let Some(u) = &def.unless {
                conditions.push(self.trace("unless", u, frame));
            }
            let target = match def.target {
                ExceptionTarget::Norm(n) => self.program.norm(n).qualified.clone(),
                ExceptionTarget::Exception(x) => self
                    .program
                    .exceptions
                    .get(x.index())
                    .map_or_else(String::new, |x| x.qualified.clone()),
            };
            let (applies, defeated) = table[k];
            out.push(ExceptionTrace {
                name: def.qualified.clone(),
                target,
                depth: depth[k],
                conditions,
                applies,
                defeated,
                holds: applies.and(defeated.not()),
                span: def.span,
            });
        }
        out
    }

    fn event_name(&self, id: EventId) -> String {
        self.report
            .events
            .get(id.index())
            .map_or_else(|| "?".to_string(), |e| e.name.clone())
    }

    fn instance_trace(
        &self,
        norm: NormId,
        role: Role,
        trigger: Option<EventId>,
        matched: Option<EventId>,
        frame: &[Value],
        gate: Truth,
    ) -> InstanceTrace {
        let def = self.program.norm(norm);
        let it = self.instance_truth(norm, frame, gate);
        InstanceTrace {
            norm,
            norm_name: def.qualified.clone(),
            modality: def.modality.as_str(),
            role,
            trigger: trigger.map(|t| self.event_name(t)),
            matched: matched.map(|m| self.event_name(m)),
            bindings: bindings(self, norm, frame),
            frame: frame.to_vec(),
            conditions: self.norm_traces(norm, frame),
            applies: it.applies,
            defeated: it.defeated,
            in_force: it.in_force,
            exceptions: self.exception_traces(norm, frame),
            collisions: Vec::new(),
            outcome: None,
            duty: None,
            breach: self
                .breach_of_finding(norm, trigger)
                .map(|b| (self.program.norm(b.norm).qualified.clone(), b.kind, b.at)),
            span: def.span,
        }
    }

    fn duty_trace(&self, d: &Duty) -> DutyTrace {
        DutyTrace {
            opens: (d.start.0, d.start.1),
            deadline: (d.deadline.0, d.deadline.1),
            status: d.status,
            outcome: d.outcome,
            fulfilled_by: d.by.map(|e| self.event_name(e)),
            performers: d
                .performers
                .iter()
                .map(|(e, t)| (self.event_name(*e), *t))
                .collect(),
            conflicts: d
                .conflicts
                .iter()
                .map(|&f| {
                    let how = if overrides(self, d.norm, f) {
                        "duty wins"
                    } else if overrides(self, f, d.norm) {
                        "forbid wins"
                    } else {
                        "no override"
                    };
                    (self.program.norm(f).qualified.clone(), how)
                })
                .collect(),
        }
    }
}

fn decided(env: &Env<'_>, forbid: NormId, other: NormId) -> &'static str {
    if overrides(env, other, forbid) {
        "won"
    } else if overrides(env, forbid, other) {
        "lost"
    } else {
        "tied"
    }
}

/// `only`: the norms whose instances are explained (all when `None`);
/// with `only`, the explanation has no findings (the report is not
/// judged as a whole).
pub(crate) fn explain(
    program: &crate::model::Program,
    report_id: ReportId,
    event: EventId,
    only: Option<&[NormId]>,
) -> Explanation {
    let wanted = |n: NormId| only.is_none_or(|o| o.contains(&n));
    let Some(def) = program.reports.get(report_id.index()) else {
        return Explanation {
            report_id,
            report: String::new(),
            event: String::new(),
            event_span: None,
            at: None,
            findings: Vec::new(),
            instances: Vec::new(),
        };
    };
    let prepared = Prepared::new(program, def);
    let env = prepared.env();
    let duties = report::duties(&env);
    // Judging every norm on every event is the costly part: an
    // explanation of some norms (`only`) goes without it.
    let findings: Vec<Finding> = match only {
        Some(_) => Vec::new(),
        None => report::findings(&env, &duties)
            .into_iter()
            .filter(|f| f.event == event)
            .collect(),
    };
    let mut out = Explanation {
        report_id,
        report: def.name.clone(),
        event: env.event_name(event),
        event_span: def.events.get(event.index()).map(|e| e.span),
        at: def.events.get(event.index()).map(|e| (e.at, e.at_hi)),
        findings,
        instances: Vec::new(),
    };
    let Some(ev) = env.event(event) else {
        return out;
    };
    let links = duties.links(event.index());

    // Forbids and permits matching the event.
    for &f in env.index.forbids_on(ev.action) {
        if !wanted(f) {
            continue;
        }
        let mut collision: Option<(Collision, Vec<CollisionTrace>)> = None;
        env.for_each_instance(f, ev, |trigger, gate, frame| {
            let mut t = env.instance_trace(f, Role::Matched, trigger, Some(event), frame, gate);
            if !t.applies.is_false() {
                let (c, traces) = collision.get_or_insert_with(|| {
                    let mut cache = PermitCache::every();
                    let c = env.collision(f, ev, &mut cache, &links);
                    let mut traces: Vec<CollisionTrace> = cache
                        .entries(env.index.permits_on(ev.action))
                        .map(|(p, value)| CollisionTrace {
                            other: p,
                            other_name: program.norm(p).qualified.clone(),
                            modality: "permit",
                            value,
                            decided: decided(&env, f, p),
                        })
                        .collect();
                    for &p in env.index.permits_on(ev.action) {
                        if overrides(&env, f, p) {
                            traces.push(CollisionTrace {
                                other: p,
                                other_name: program.norm(p).qualified.clone(),
                                modality: "permit",
                                value: env.permit_in_force(p, ev),
                                decided: "lost",
                            });
                        }
                    }
                    for link in &links {
                        let relevant = overrides(&env, link.norm, f)
                            || overrides(&env, f, link.norm)
                            || link.conflicts.contains(&f);
                        if relevant {
                            traces.push(CollisionTrace {
                                other: link.norm,
                                other_name: program.norm(link.norm).qualified.clone(),
                                modality: "oblige",
                                value: link.truth,
                                decided: decided(&env, f, link.norm),
                            });
                        }
                    }
                    (c, traces)
                });
                let it = InstanceTruth {
                    when: Truth::Unknown,
                    unless: Truth::Unknown,
                    applies: t.applies,
                    defeated: t.defeated,
                    in_force: t.in_force,
                };
                t.outcome = classify(it, *c).map(|(k, _)| k);
                t.collisions = traces.clone();
            }
            out.instances.push(t);
            true
        });
    }
    for &p in env.index.permits_on(ev.action) {
        if !wanted(p) {
            continue;
        }
        env.for_each_instance(p, ev, |trigger, gate, frame| {
            out.instances.push(env.instance_trace(
                p,
                Role::Matched,
                trigger,
                Some(event),
                frame,
                gate,
            ));
            true
        });
    }

    // Forbids and permits triggered by the event (instances that apply).
    for n in def.in_force.iter().copied().filter(|&n| wanted(n)) {
        let Some(norm) = program.norms.get(n.index()) else {
            continue;
        };
        let (Some(trigger), Some(matched)) = (&norm.trigger, &norm.matched) else {
            continue;
        };
        if norm.modality == Modality::Oblige || trigger.pattern.action != ev.action {
            continue;
        }
        for &m in env.index.of_action(matched.action) {
            let Some(mv) = env.event(m) else { continue };
            let gate = env.trigger_gate(trigger, ev, mv);
            if gate.is_false() {
                continue;
            }
            let mut frame = vec![Value::Unknown; norm.vars.len()];
            bind(&mut frame, &trigger.pattern, ev);
            bind(&mut frame, matched, mv);
            let t = env.instance_trace(n, Role::Trigger, Some(event), Some(m), &frame, gate);
            if !t.applies.is_false() {
                out.instances.push(t);
            }
        }
    }

    // Duties triggered or performed by the event.
    for d in duties.list.iter().filter(|d| wanted(d.norm)) {
        let role = if d.trigger == event {
            Role::Trigger
        } else if d.performers.iter().any(|(e, _)| *e == event) {
            Role::Performs
        } else {
            continue;
        };
        let mut t = env.instance_trace(d.norm, role, Some(d.trigger), None, &d.frame, d.gate);
        t.outcome = Some(d.outcome);
        t.duty = Some(env.duty_trace(d));
        out.instances.push(t);
    }
    out
}
