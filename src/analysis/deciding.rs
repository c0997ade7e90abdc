//! The facts that decide a witness (§10): for each norm its answer names,
//! the norm's conditions with their values on the witness, and the
//! entity fields, event arguments and times those conditions read — so a
//! reader sees which of the witness's facts matter and which are
//! arbitrary. Written under the witness as `//` comments, which change
//! nothing it replays.
//!
//! Everything here comes from the evaluator's own explanation of the
//! checked witness ([`eval::explain`], what `norma explain` prints): this
//! module never judges a condition itself. It only follows a condition's
//! reads (`x.against.owner.region`) through the report's facts to name
//! them. It must never print, and never make a witness fail: a witness it
//! cannot explain gets no comments.

use serde::Serialize;

use crate::driver::Session;
use crate::eval::{self, ConditionTrace, InstanceTrace, Role, Truth};
use crate::model::{
    EventId, Expr, ExprKind, NormDef, NormId, Pattern, Program, ReportDef, ReportId, Value, VarId,
};
use crate::span::{SourceMap, Span};

/// One fact of a witness that a deciding condition reads: a field of an
/// entity, an argument of an event, or an event's time (`at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecidingFact {
    /// The entity or event, as the witness names it.
    pub subject: String,
    /// The field or parameter name, or `at`.
    pub field: String,
    /// The value, as the witness writes it.
    pub value: String,
}

/// The comments for one witness, and the facts they name.
pub(crate) struct Decided {
    /// `//` lines, each ending with a newline.
    pub comments: String,
    pub facts: Vec<DecidingFact>,
}

/// Past this many instances of one norm on the event, the rest are
/// counted, not shown (`norma explain` shows them all).
const MAX_INSTANCES: usize = 3;

/// One event of a checked witness, explained by the evaluator.
pub(crate) struct Explained {
    report: usize,
    x: eval::Explanation,
}

/// The evaluator's explanation of `event` of the witness `report` of a
/// checked session, for the instances of the norms `norms` (qualified
/// names) and of those their answer brings in: the norm a breach they
/// answer is of, and for a norm named alone (a diff's), the norms it
/// collides with. `None` when the session has no such report or event.
pub(crate) fn explain(
    session: &Session,
    report: &str,
    event: &str,
    norms: &[String],
) -> Option<Explained> {
    let p = &session.program;
    let rid = p.reports.iter().position(|r| r.name == report)?;
    let eid = p.reports[rid].events.iter().position(|e| e.name == event)?;
    let (rid, eid) = (ReportId(rid as u32), EventId(eid as u32));
    let id = |name: &str| {
        p.norms
            .iter()
            .position(|n| n.qualified == name)
            .map(|i| NormId(i as u32))
    };
    let mut ids: Vec<NormId> = norms.iter().filter_map(|n| id(n)).collect();
    let x = eval::explain_norms(p, rid, eid, &ids);
    let mut more: Vec<NormId> = Vec::new();
    // A breach is decided on the event that breached (the answer's
    // trigger), which need not be this one.
    let mut elsewhere: Vec<(NormId, EventId)> = Vec::new();
    for t in &x.instances {
        let breached = t.breach.as_ref().and_then(|b| id(&b.0));
        let on = t.trigger.as_ref().and_then(|tr| {
            p.reports[rid.index()]
                .events
                .iter()
                .position(|e| e.name == *tr)
                .map(|i| EventId(i as u32))
        });
        match (breached, on) {
            (Some(b), Some(on)) if on != eid && !elsewhere.contains(&(b, on)) => {
                elsewhere.push((b, on));
            }
            (Some(_), Some(on)) if on != eid => {}
            (Some(b), _) => more.push(b),
            _ => {}
        }
        if norms.len() == 1 {
            more.extend(t.collisions.iter().map(|c| c.other));
        }
    }
    let mut seen = ids.clone();
    more.retain(|n| {
        let new = !seen.contains(n);
        seen.push(*n);
        new
    });
    more.truncate(MAX_INSTANCES);
    let mut x = if more.is_empty() {
        x
    } else {
        ids.extend(more);
        eval::explain_norms(p, rid, eid, &ids)
    };
    elsewhere.truncate(MAX_INSTANCES);
    for (b, on) in elsewhere {
        let y = eval::explain_norms(p, rid, on, &[b]);
        let breaching = |t: &InstanceTrace| {
            t.norm == b
                && match t.role {
                    Role::Matched => t.matched.is_some(),
                    Role::Trigger => t.duty.is_some(),
                    Role::Performs => false,
                }
        };
        x.instances
            .extend(y.instances.into_iter().filter(|t| breaching(t)));
    }
    Some(Explained {
        report: rid.index(),
        x,
    })
}

/// The facts that decide the witness `report` of a checked session: for
/// each norm of `norms` (qualified names), its instances on `event`.
/// `None` when the session has no such report or event.
pub(crate) fn decide(
    session: &Session,
    report: &str,
    event: &str,
    norms: &[String],
) -> Option<Decided> {
    Some(decide_explained(
        session,
        &explain(session, report, event, norms)?,
        norms,
    ))
}

/// [`decide`] from an explanation of the norms.
pub(crate) fn decide_explained(session: &Session, e: &Explained, norms: &[String]) -> Decided {
    let p = &session.program;
    let r = &p.reports[e.report];
    let x = &e.x;
    let event = &x.event;
    let mut w = Writer {
        p,
        sources: &session.sources,
        r,
        lines: vec![
            "The facts that decide it, as `norma explain` gives them (the others are arbitrary):"
                .into(),
        ],
        facts: Vec::new(),
        shown: Vec::new(),
        named: Vec::new(),
    };
    let mut names: Vec<&String> = Vec::new();
    for n in norms {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    // A norm named alone (a diff's): the other norms of its collisions
    // are part of its answer — the forbids a permit collides with, the
    // permits and duties that collide with a forbid, holding or not (the
    // first few, in the explanation's order).
    if names.len() == 1 {
        let alone = names[0];
        for t in &x.instances {
            let others: Vec<&String> = if t.norm_name == *alone {
                t.collisions.iter().map(|c| &c.other_name).collect()
            } else if t.collisions.iter().any(|c| c.other_name == *alone) {
                vec![&t.norm_name]
            } else {
                Vec::new()
            };
            for o in others {
                if !names.contains(&o) && names.len() <= MAX_INSTANCES {
                    names.push(o);
                }
            }
        }
    }
    // The breach a named norm answers (`on breach of`) is part of its
    // answer: the breached norm's instance on the event says why.
    let breached: Vec<&String> = x
        .instances
        .iter()
        .filter(|t| names.contains(&&t.norm_name))
        .filter_map(|t| t.breach.as_ref().map(|b| &b.0))
        .collect();
    for b in breached {
        if !names.contains(&b) {
            names.push(b);
        }
    }
    w.named = names.iter().map(|n| n.to_string()).collect();
    for name in names {
        let mine: Vec<&InstanceTrace> = x
            .instances
            .iter()
            .filter(|t| t.norm_name == *name)
            .collect();
        for t in mine.iter().take(MAX_INSTANCES) {
            w.instance(t);
        }
        if mine.len() > MAX_INSTANCES {
            w.lines.push(format!(
                "  ({} more instances of {name} on {event}: see `norma explain`)",
                mine.len() - MAX_INSTANCES
            ));
        }
        if mine.is_empty() {
            let duty = x.instances.iter().find(|t| {
                t.duty
                    .as_ref()
                    .is_some_and(|d| d.conflicts.iter().any(|(f, _)| f == name))
            });
            match (duty, p.norms.iter().find(|n| n.qualified == *name)) {
                (Some(d), Some(f)) => w.forbid_on_act(f, d),
                _ => w
                    .lines
                    .push(format!("{name}: no instance of it touches {event}")),
            }
        }
    }
    let mut comments = String::new();
    for l in &w.lines {
        comments.push_str(format!("// {l}").trim_end());
        comments.push('\n');
    }
    Decided {
        comments,
        facts: w.facts,
    }
}

/// For each condition of an explained instance that has no parts (each
/// leaf of its `when`, `unless`, trigger `when` and exceptions' clauses),
/// by its span: the facts of the report it reads, with their values — for
/// the HTML explanations, which highlight them.
pub fn condition_reads(
    session: &Session,
    report: ReportId,
    t: &InstanceTrace,
) -> Vec<(Span, Vec<DecidingFact>)> {
    let p = &session.program;
    let Some(r) = p.reports.get(report.index()) else {
        return Vec::new();
    };
    let mut w = Writer {
        p,
        sources: &session.sources,
        r,
        lines: Vec::new(),
        facts: Vec::new(),
        shown: Vec::new(),
        named: Vec::new(),
    };
    let def = p.norm(t.norm);
    let frame = w.frame_of(def, t);
    let mut out = Vec::new();
    let mut clauses: Vec<(&ConditionTrace, &Expr)> = t
        .conditions
        .iter()
        .filter_map(|c| Some((c, Writer::norm_clause(def, c.clause)?)))
        .collect();
    for x in &t.exceptions {
        let Some(ex) = p.exceptions.iter().find(|e| e.qualified == x.name) else {
            continue;
        };
        for c in &x.conditions {
            let e = match c.clause {
                "when" => ex.when.as_ref(),
                "unless" => ex.unless.as_ref(),
                _ => None,
            };
            clauses.extend(e.map(|e| (c, e)));
        }
    }
    while let Some((c, e)) = clauses.pop() {
        let parts: Vec<&Expr> = match &e.kind {
            ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().collect(),
            ExprKind::Not(x) => vec![x],
            _ => Vec::new(),
        };
        if parts.is_empty() || parts.len() != c.parts.len() {
            w.facts.clear();
            w.shown.clear();
            w.lines.clear();
            w.reads(e, &frame, 0);
            out.push((c.span, std::mem::take(&mut w.facts)));
        } else {
            clauses.extend(c.parts.iter().zip(parts));
        }
    }
    out
}

/// How a norm's variables read the report: their values, and where a
/// pattern bound them (the event and the parameter's name).
struct Frame<'a> {
    values: &'a [Value],
    bound: Vec<(VarId, String, String)>,
}

struct Writer<'a> {
    p: &'a Program,
    sources: &'a SourceMap,
    r: &'a ReportDef,
    lines: Vec<String>,
    facts: Vec<DecidingFact>,
    /// The facts shown in the current norm instance's lines.
    shown: Vec<DecidingFact>,
    /// The norms the answer names (qualified).
    named: Vec<String>,
}

fn snippet(sources: &SourceMap, e: &Expr) -> String {
    sources
        .text(e.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_path(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Var(_) | ExprKind::Param(..) | ExprKind::Field(..) | ExprKind::At(_)
    )
}

/// The reads of an expression that are not part of a longer read
/// (`x.against.owner`, not `x.against`), in source order.
fn outermost_paths<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    e.visit(&mut |x| {
        if is_path(x) {
            out.push(x);
        }
        !is_path(x)
    });
}

impl Writer<'_> {
    fn show(&self, v: &Value) -> String {
        self.p.show_value(v, Some(self.r))
    }

    /// How an instance's variables read the report.
    fn frame_of<'t>(&self, def: &NormDef, t: &'t InstanceTrace) -> Frame<'t> {
        let mut frame = Frame {
            values: &t.frame,
            bound: Vec::new(),
        };
        // The matched pattern's bindings win over the trigger's.
        self.bound_by(def.matched.as_ref(), t.matched.as_ref(), &mut frame);
        self.bound_by(
            def.trigger.as_ref().map(|x| &x.pattern),
            t.trigger.as_ref(),
            &mut frame,
        );
        frame
    }

    /// The variables `pattern` binds on the event named `event`.
    fn bound_by(&self, pattern: Option<&Pattern>, event: Option<&String>, out: &mut Frame<'_>) {
        let (Some(pattern), Some(event)) = (pattern, event) else {
            return;
        };
        let params = &self.p.action(pattern.action).params;
        for &(i, v) in &pattern.bindings {
            if out.bound.iter().any(|b| b.0 == v) {
                continue;
            }
            if let Some(param) = params.get(i) {
                out.bound.push((v, event.clone(), param.name.clone()));
            }
        }
    }

    /// Show a fact (once per norm instance) and record it (once).
    fn fact(&mut self, subject: &str, field: &str, value: String, indent: usize) {
        let f = DecidingFact {
            subject: subject.to_string(),
            field: field.to_string(),
            value,
        };
        if !self.shown.contains(&f) {
            self.lines.push(format!(
                "{:indent$}{}.{} = {}",
                "", f.subject, f.field, f.value
            ));
            self.shown.push(f.clone());
        }
        if !self.facts.contains(&f) {
            self.facts.push(f);
        }
    }

    /// The value a path reads (`x.against.owner`), each step a fact when
    /// `indent` is given.
    fn path(&mut self, e: &Expr, frame: &Frame<'_>, indent: Option<usize>) -> Option<Value> {
        let p = self.p;
        let r = self.r;
        match &e.kind {
            ExprKind::Lit(v) => Some(v.clone()),
            ExprKind::Var(v) => {
                let value = frame.values.get(v.index())?.clone();
                if value == Value::Unknown {
                    return None;
                }
                if let (Some(ind), Some((_, ev, param))) =
                    (indent, frame.bound.iter().find(|b| b.0 == *v))
                {
                    let shown = self.show(&value);
                    self.fact(ev, param, shown, ind);
                }
                Some(value)
            }
            ExprKind::Param(x, i) => {
                let Value::Event(id) = self.path(x, frame, indent)? else {
                    return None;
                };
                let ev = r.events.get(id.index())?;
                let value = ev.args.get(*i)?.clone();
                if let Some(ind) = indent {
                    let name = &p.action(ev.action).params.get(*i)?.name;
                    let shown = self.show(&value);
                    self.fact(&ev.name, name, shown, ind);
                }
                Some(value)
            }
            ExprKind::Field(x, f) => {
                let Value::Entity(id) = self.path(x, frame, indent)? else {
                    return None;
                };
                let ent = p.entities.get(id.index())?;
                let value = ent.fields.get(*f)?.clone();
                if let Some(ind) = indent {
                    let name = &p.records[ent.record.index()].fields.get(*f)?.name;
                    let shown = self.show(&value);
                    self.fact(&ent.name, name, shown, ind);
                }
                Some(value)
            }
            ExprKind::At(x) => {
                let Value::Event(id) = self.path(x, frame, indent)? else {
                    return None;
                };
                let ev = r.events.get(id.index())?;
                if let Some(ind) = indent {
                    self.fact(
                        &ev.name,
                        "at",
                        crate::time::format_interval(ev.at, ev.at_hi),
                        ind,
                    );
                }
                Some(Value::Time(ev.at))
            }
            _ => None,
        }
    }

    /// Every fact a condition reads.
    fn reads(&mut self, e: &Expr, frame: &Frame<'_>, indent: usize) {
        let mut paths: Vec<&Expr> = Vec::new();
        outermost_paths(e, &mut paths);
        for x in paths {
            self.path(x, frame, Some(indent));
        }
    }

    /// A condition, its parts, and under each part without parts the
    /// facts it reads. `trace` mirrors `e` (`And`/`Or`/`Not` parts).
    fn condition(&mut self, c: &ConditionTrace, e: &Expr, frame: &Frame<'_>, indent: usize) {
        let clause = if c.clause.is_empty() {
            String::new()
        } else {
            format!("{} ", c.clause)
        };
        self.lines.push(format!(
            "{:indent$}{clause}{}: {}",
            "",
            c.value.as_str(),
            snippet(self.sources, e)
        ));
        let parts: Vec<&Expr> = match &e.kind {
            ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().collect(),
            ExprKind::Not(x) => vec![x],
            _ => Vec::new(),
        };
        if parts.is_empty() || parts.len() != c.parts.len() {
            self.reads(e, frame, indent + 2);
            return;
        }
        for (t, x) in c.parts.iter().zip(parts) {
            self.condition(t, x, frame, indent + 2);
        }
    }

    /// The expressions of a norm's clauses, by clause name.
    fn norm_clause<'n>(def: &'n NormDef, clause: &str) -> Option<&'n Expr> {
        match clause {
            "on when" => def.trigger.as_ref().and_then(|t| t.when.as_ref()),
            "when" => def.when.as_ref(),
            "unless" => def.unless.as_ref(),
            _ => None,
        }
    }

    fn instance(&mut self, t: &InstanceTrace) {
        let p = self.p;
        let def = p.norm(t.norm);
        self.shown.clear();
        let at = |e: &Option<String>| e.clone().unwrap_or_else(|| "?".into());
        let mut head = format!("{} {}", t.modality, t.norm_name);
        match t.role {
            Role::Matched => head.push_str(&format!(" on {}", at(&t.matched))),
            Role::Trigger => head.push_str(&format!(" triggered by {}", at(&t.trigger))),
            Role::Performs => head.push_str(" (this event performs its duty)"),
        }
        if let (Some(tr), Role::Matched) = (&t.trigger, t.role) {
            head.push_str(&format!(" (trigger {tr})"));
        }
        head.push_str(&format!(
            ": applies {}, defeated {}, in force {}",
            t.applies.as_str(),
            t.defeated.as_str(),
            t.in_force.as_str()
        ));
        self.lines.push(head);
        if let Some((norm, kind, when)) = &t.breach {
            self.lines.push(format!(
                "  answers the breach of {norm}: {} at {}",
                kind.as_str(),
                crate::time::format_interval(when.0, when.1)
            ));
        }
        let frame = self.frame_of(def, t);
        for c in &t.conditions {
            if let Some(e) = Self::norm_clause(def, c.clause) {
                self.condition(c, e, &frame, 2);
            }
        }
        for x in &t.exceptions {
            let verdict = match x.holds {
                Truth::True => "holds",
                Truth::False if x.applies.is_false() => "does not apply",
                Truth::False => "applies but is itself defeated",
                Truth::Unknown => "may hold",
            };
            let pad = 2 * x.depth;
            self.lines
                .push(format!("{:pad$}exception {}: {verdict}", "", x.name));
            let Some(ex) = p.exceptions.iter().find(|e| e.qualified == x.name) else {
                continue;
            };
            for c in &x.conditions {
                let e = match c.clause {
                    "when" => ex.when.as_ref(),
                    "unless" => ex.unless.as_ref(),
                    _ => None,
                };
                if let Some(e) = e {
                    self.condition(c, e, &frame, pad + 2);
                }
            }
        }
        // Only the collisions with the norms the answer names: the others
        // are counted (`norma explain` lists them).
        let (shown, others): (Vec<_>, Vec<_>) = t
            .collisions
            .iter()
            .partition(|c| self.named.contains(&c.other_name));
        for c in shown {
            let how = match c.decided {
                "won" => format!("{} overrides it and prevails", c.other_name),
                "lost" => format!("it overrides {} and prevails", c.other_name),
                _ => "no override between them".to_string(),
            };
            self.lines.push(format!(
                "  collides with {} {}: {} ({how})",
                c.modality,
                c.other_name,
                c.value.as_str()
            ));
        }
        if !others.is_empty() {
            self.lines.push(format!(
                "  ({} other permits or duties collide with it: see `norma explain`)",
                others.len()
            ));
        }
        if let Some(d) = &t.duty {
            let mut line = format!(
                "  window {} to {}; status {}",
                crate::time::format_interval(d.opens.0, d.opens.1),
                crate::time::format_interval(d.deadline.0, d.deadline.1),
                d.status.as_str()
            );
            if let Some(by) = &d.fulfilled_by {
                line.push_str(&format!(", fulfilled by {by}"));
            }
            self.lines.push(line);
            for (f, how) in &d.conflicts {
                self.lines.push(format!(
                    "  its act would violate {f} at every time of its window ({how})"
                ));
            }
        }
        if let Some(k) = t.outcome {
            self.lines.push(format!("  => {}", k.as_str()));
        }
    }

    /// A forbid judged on the act a duty requires (a duty–forbid
    /// conflict): no event of the witness is that act, so the evaluator
    /// has no instance of the forbid to explain; its conditions are shown
    /// with the facts they read through the act's given arguments (those
    /// the duty leaves open are unknown, §7.1).
    fn forbid_on_act(&mut self, forbid: &NormDef, duty: &InstanceTrace) {
        let p = self.p;
        let def = p.norm(duty.norm);
        let (Some(required), Some(matched)) = (&def.required, &forbid.matched) else {
            return;
        };
        self.shown.clear();
        let mut duty_frame = Frame {
            values: &duty.frame,
            bound: Vec::new(),
        };
        self.bound_by(
            def.trigger.as_ref().map(|x| &x.pattern),
            duty.trigger.as_ref(),
            &mut duty_frame,
        );
        let params = &p.action(required.action).params;
        let mut given: Vec<(usize, Value)> = Vec::new();
        for (i, e) in &required.args {
            if let Some(v) = self.path(e, &duty_frame, None) {
                given.push((*i, v));
            }
        }
        let shown: Vec<String> = given
            .iter()
            .filter_map(|(i, v)| Some(format!("{}: {}", params.get(*i)?.name, self.show(v))))
            .collect();
        self.lines.push(format!(
            "{} {}, on the act the duty requires, {}({}) at any time of its window:",
            forbid.modality.as_str(),
            forbid.qualified,
            p.action(required.action).name,
            shown.join(", ")
        ));
        let mut values = vec![Value::Unknown; forbid.vars.len()];
        if matched.action == required.action {
            for &(i, v) in &matched.bindings {
                if let (Some(slot), Some((_, val))) =
                    (values.get_mut(v.index()), given.iter().find(|g| g.0 == i))
                {
                    *slot = val.clone();
                }
            }
        }
        let frame = Frame {
            values: &values,
            bound: Vec::new(),
        };
        for (clause, e) in [("when", &forbid.when), ("unless", &forbid.unless)] {
            if let Some(e) = e {
                self.lines
                    .push(format!("  {clause} {}", snippet(self.sources, e)));
                self.reads(e, &frame, 4);
            }
        }
    }
}
