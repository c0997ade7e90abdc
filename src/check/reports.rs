//! Reports (§6): their entities, events, `as_of` and expectations.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use std::borrow::Cow;

use super::locals::{self, Local, LocalKind};
use super::{Checker, Env};
use crate::diagnostics::{nearest, Code, Diagnostic};
use crate::model::*;
use crate::resolve::{DeclKind, LookupError};
use crate::span::{FileId, Span};
use crate::syntax::{ast, events};

/// Events read a block at a time in a large report (see
/// [`Checker::check_reports`]).
const BLOCK: usize = 8192;

/// A checked event, and where its time (its latest end) is written.
struct ReadEvent {
    def: EventDef,
    at_span: Span,
    /// Where a `?` in its time is written (`at ?`, or an end that is `?`).
    unknown_span: Option<Span>,
}

/// The latest end of an event time whose end is `?`: the report's `as_of`,
/// put in place once the whole report is read.
const AS_OF: i64 = i64::MAX;

/// What [`Checker::simple_event`] keeps from one event to the next: the
/// values already checked, by action, parameter and spelling, and a
/// buffer for an event's parts.
#[derive(Default)]
struct QuickArgs<'t> {
    values: FxHashMap<(ActionId, usize, &'t str), Value>,
    parts: Vec<events::ArgTokens<'t>>,
    slots: Vec<usize>,
}

impl<'a> Checker<'a> {
    pub(super) fn check_reports(&mut self) {
        for id in self.decls_of(&[DeclKind::Report]) {
            let d = self.scopes.decl(id).clone();
            let Some(ast::Item::Report(mut r)) = self.bodies[id.0 as usize].take() else {
                continue;
            };
            let report_id = ReportId(self.prog.reports.len() as u32);
            let file = self.modules[d.module].file;
            let text = self.sources.get(file).text.as_str();
            self.env = Env {
                module: d.module,
                allow_unknown: true,
                ..Default::default()
            };
            // Entities and events by clause index: the events' syntax is
            // dropped one by one below as each becomes an `EventDef`.
            let mut entities: Vec<(usize, EntityId)> = Vec::new();
            let mut events: Vec<(usize, Option<ActionId>)> = Vec::new();
            let mut callees: FxHashMap<&str, Option<ActionId>> = FxHashMap::default();
            let declared = r
                .clauses
                .iter()
                .filter(|c| {
                    matches!(
                        c,
                        ast::ReportClause::Entity(_)
                            | ast::ReportClause::Event(_)
                            | ast::ReportClause::SimpleEvent(_)
                    )
                })
                .count();
            self.env.locals.reserve(declared);
            // Names first, so events and entities may refer to each other.
            for (i, clause) in r.clauses.iter().enumerate() {
                match clause {
                    ast::ReportClause::Entity(e) => {
                        let eid = EntityId(self.prog.entities.len() as u32);
                        let name = locals::spelled(text, e.name.span, &e.name.name);
                        let Some(at) =
                            self.declare_local(name, e.name.span, LocalKind::Entity(eid, None))
                        else {
                            continue;
                        };
                        let record = self.entity_record(d.module, e);
                        self.prog.entities.push(EntityDef {
                            name: e.name.name.clone(),
                            qualified: format!(
                                "{}::{}::{}",
                                self.modules[d.module].name, d.name, e.name.name
                            ),
                            module: ModuleId(d.module as u32),
                            record: record.unwrap_or(RecordId(u32::MAX)),
                            fields: Vec::new(),
                            report: Some(report_id),
                            doc: e.doc.clone(),
                            span: e.span,
                            name_span: e.name.span,
                        });
                        self.env.locals.set(at, LocalKind::Entity(eid, record));
                        entities.push((i, eid));
                    }
                    ast::ReportClause::Event(ev) => {
                        let name = locals::spelled(text, ev.name.span, &ev.name.name);
                        let action = self.event_name(name, ev.name.span, &events, |c| {
                            c.resolve_action(&ev.call.callee)
                        });
                        if let Some(action) = action {
                            events.push((i, action));
                        }
                    }
                    ast::ReportClause::SimpleEvent(ev) => {
                        let (l, r) = (ev.name.0 as usize, ev.name.1 as usize);
                        let Some(name) = text.get(l..r) else { continue };
                        let span = Span::new(file, l, r);
                        let action = self.event_name(Cow::Borrowed(name), span, &events, |c| {
                            c.simple_callee(file, text, ev, &mut callees)
                        });
                        if let Some(action) = action {
                            events.push((i, action));
                        }
                    }
                    _ => {}
                }
            }
            for &(i, eid) in &entities {
                if let ast::ReportClause::Entity(e) = &r.clauses[i] {
                    let record = self.prog.entities[eid.index()].record;
                    let fields = self.entity_fields(e, record);
                    self.prog.entities[eid.index()].fields = fields;
                }
            }
            // as_of: explicit (last one wins, twice is an error), else the latest event.
            let mut as_of = None;
            for clause in &r.clauses {
                if let ast::ReportClause::AsOf(e, span) = clause {
                    if as_of.is_some() {
                        self.diags.push(
                            Diagnostic::new(Code::E0202, *span, "`as_of` is given twice")
                                .with_label_here("second `as_of`"),
                        );
                    }
                    if let Value::Time(t) = self.constant(e, &Ty::Time) {
                        as_of = Some((t, e.span));
                    }
                }
            }
            let mut event_defs = Vec::with_capacity(events.len());
            let mut quick = QuickArgs::default();
            // A large report's events are read a block at a time: first, on
            // every thread, those whose values were all checked before (most
            // of them); then, in order, each of the others, checked here as
            // written. What is reported, and in which order, is what reading
            // them one by one gives.
            let parallel = !self.record_refs && events.len() >= 2 * BLOCK;
            for block in events.chunks(BLOCK) {
                let mut known: Vec<Option<ReadEvent>> = if parallel {
                    let (actions, values, clauses) =
                        (&self.prog.actions, &quick.values, &r.clauses);
                    block
                        .par_iter()
                        .map_init(Default::default, |parts, &(i, action)| {
                            match (&clauses[i], action) {
                                (ast::ReportClause::SimpleEvent(ev), Some(a)) => {
                                    let params = &actions[a.index()].params;
                                    known_event(params, file, text, ev, a, values, parts)
                                }
                                _ => None,
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                for (k, &(i, action)) in block.iter().enumerate() {
                    // Taken out of the report and dropped once checked, so the
                    // report's syntax and its checked events are never both whole.
                    let clause =
                        std::mem::replace(&mut r.clauses[i], ast::ReportClause::Error(r.span));
                    let read = match (known.get_mut(k).and_then(Option::take), &clause, action) {
                        (Some(read), _, _) => Some(read),
                        (None, ast::ReportClause::SimpleEvent(ev), Some(a))
                            if !self.record_refs =>
                        {
                            self.simple_event(file, text, ev, a, &mut quick)
                        }
                        _ => None,
                    };
                    let read = match (read, clause) {
                        (Some(read), _) => read,
                        (None, ast::ReportClause::Event(ev)) => self.event(*ev, action),
                        (None, ast::ReportClause::SimpleEvent(ev)) => {
                            match events::expand(file, text, &ev) {
                                Some(ev) => self.event(ev, action),
                                None => continue,
                            }
                        }
                        _ => continue,
                    };
                    if let (Some(span), None) = (read.unknown_span, as_of) {
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0503,
                                span,
                                format!(
                                    "event `{}` happened at an unknown time, but the report does not say when its knowledge stops",
                                    read.def.name
                                ),
                            )
                            .with_label_here("an unknown time is some time up to `as_of`")
                            .with_label(r.name.span, "this report has no `as_of`")
                            .with_note("state it, e.g. `as_of 2018-03-01`, or give the time as an interval `at 2017-06-01 .. 2017-06-30`"),
                        );
                    }
                    if let Some((t, as_of_span)) = as_of {
                        if read.def.at_hi > t && read.def.at_hi != AS_OF {
                            let at = read.def.at_hi;
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0501,
                                    read.at_span,
                                    if read.def.at == read.def.at_hi {
                                        format!(
                                            "event `{}` happens after the report's `as_of`",
                                            read.def.name
                                        )
                                    } else {
                                        format!(
                                            "event `{}` may have happened after the report's `as_of`",
                                            read.def.name
                                        )
                                    },
                                )
                                .with_label_here(format!("at {}", crate::time::format_time(at)))
                                .with_label(
                                    as_of_span,
                                    format!(
                                        "the report's knowledge stops at {}",
                                        crate::time::format_time(t)
                                    ),
                                )
                                .with_note("move `as_of` later, or correct the event's time"),
                            );
                        }
                    }
                    event_defs.push(read.def);
                }
            }
            let as_of = as_of.map(|a| a.0).unwrap_or_else(|| {
                event_defs
                    .iter()
                    .map(|e| e.at_hi)
                    .filter(|&t| t != AS_OF)
                    .max()
                    .unwrap_or(0)
            });
            let mut imprecise = false;
            for ev in &mut event_defs {
                if ev.at_hi == AS_OF {
                    // Never before its own start: an E0503 report has
                    // no `as_of` to end it, and is not judged anyway.
                    ev.at_hi = as_of.max(ev.at);
                }
                imprecise |= ev.at_hi != ev.at;
            }
            let mut unrecorded = Vec::new();
            for clause in &r.clauses {
                if let ast::ReportClause::Unrecorded(call, _) = clause {
                    if let Some(req) = self.check_required(call) {
                        unrecorded.push(req);
                    }
                }
            }
            let in_force = self.norms_in_force(d.module);
            let mut names: FxHashMap<&str, EventId> = FxHashMap::default();
            let mut expectations = Vec::new();
            for clause in &r.clauses {
                if let ast::ReportClause::Expect(x) = clause {
                    // Only a report with expectations needs its events by name.
                    if names.is_empty() {
                        names = event_defs
                            .iter()
                            .enumerate()
                            .map(|(i, e)| (e.name.as_str(), EventId(i as u32)))
                            .collect();
                    }
                    if let Some(x) = self.check_expectation(x, &names, &in_force) {
                        expectations.push(x);
                    }
                }
            }
            self.prog.reports.push(ReportDef {
                name: d.name.clone(),
                qualified: self.qualified(d.module, &d.name),
                module: ModuleId(d.module as u32),
                title: r.title.as_ref().map(|t| t.value.clone()),
                doc: r.doc.clone(),
                as_of,
                entities: entities.iter().map(|(_, id)| *id).collect(),
                events: event_defs,
                expectations,
                unrecorded,
                imprecise,
                in_force,
                ladder: self.module_ladders.get(d.module).copied().flatten(),
                span: r.span,
                name_span: r.name.span,
            });
        }
    }

    /// An event written in full: its arguments and time checked. An
    /// imprecise time (`at ?`, `at T1 .. T2`, §6) is an interval; an end
    /// that is `?` stands for the report's `as_of` (filled in once it is
    /// known: [`AS_OF`]), a start that is `?` for the remote past.
    fn event(&mut self, ev: ast::EventDecl, action: Option<ActionId>) -> ReadEvent {
        let args = action.map(|a| self.event_args(&ev, a)).unwrap_or_default();
        let unknown = |e: &ast::Expr| matches!(e.kind, ast::ExprKind::Lit(ast::Lit::Unknown));
        let time = |this: &mut Self, e: &ast::Expr, if_unknown: i64| {
            if unknown(e) {
                return if_unknown;
            }
            match this.constant(e, &Ty::Time) {
                Value::Time(t) => t,
                _ => 0,
            }
        };
        let at = time(self, &ev.at, crate::time::PAST);
        let mut at_hi = match &ev.at_end {
            Some(end) => time(self, end, AS_OF),
            None if unknown(&ev.at) => AS_OF,
            None => at,
        };
        if let Some(end) = &ev.at_end {
            if at_hi < at {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0104,
                        end.span,
                        format!("the time of event `{}` ends before it starts", ev.name.name),
                    )
                    .with_label_here("ends here")
                    .with_label(ev.at.span, "later than the end")
                    .with_note("an imprecise time is `at EARLIEST .. LATEST`: swap the two ends"),
                );
                at_hi = at;
            }
        }
        let unknown_span = if unknown(&ev.at) {
            Some(ev.at.span)
        } else {
            ev.at_end.as_ref().filter(|e| unknown(e)).map(|e| e.span)
        };
        ReadEvent {
            at_span: ev.at_end.as_ref().map_or(ev.at.span, |e| e.span),
            unknown_span,
            def: EventDef {
                name: ev.name.name,
                action: action.unwrap_or(ActionId(u32::MAX)),
                args,
                at,
                at_hi,
                doc: ev.doc,
                span: ev.span,
                name_span: ev.name.span,
            },
        }
    }

    /// A folded event read straight from its tokens, when each of its
    /// arguments names a different parameter of `action` and every
    /// parameter is given (else `None`, and it is expanded and checked as
    /// written, with the diagnostics that explain what is wrong). A value
    /// is checked as [`Self::constant`] checks it, once per parameter and
    /// spelling: the same text for the same parameter of the same action
    /// has the same value everywhere in a report (its names are all
    /// declared by now). A value that draws a diagnostic is checked, and
    /// reported, every time it is written.
    fn simple_event<'t>(
        &mut self,
        file: FileId,
        text: &'t str,
        ev: &ast::SimpleEvent,
        action: ActionId,
        quick: &mut QuickArgs<'t>,
    ) -> Option<ReadEvent> {
        let parts = &mut quick.parts;
        let at = events::parts(text, ev, parts)?.at;
        let params = &self.prog.actions[action.index()].params;
        slots(
            params,
            parts.iter().map(|((_, field, _), _)| *field),
            &mut quick.slots,
        )?;
        let mut args = Vec::with_capacity(quick.slots.len());
        for (i, &k) in quick.slots.iter().enumerate() {
            let (_, (l, tok, r)) = parts.get(k)?.clone();
            let spelled = text.get(l..r)?;
            let key = (action, i, spelled);
            if let Some(v) = quick.values.get(&key) {
                args.push(v.clone());
                continue;
            }
            let expr = events::value_expr(file, tok, l, r)?;
            let ty = self.prog.actions[action.index()].params[i].ty.clone();
            let before = self.diags.len();
            let v = self.constant(&expr, &ty);
            if self.diags.len() == before {
                quick.values.insert(key, v.clone());
            }
            args.push(v);
        }
        read_event(file, text, ev, action, args, at)
    }

    /// Declare an event's name in its report: its action, unless the name
    /// is taken (E0202).
    fn event_name(
        &mut self,
        name: Cow<'a, str>,
        span: Span,
        events: &[(usize, Option<ActionId>)],
        action: impl FnOnce(&mut Self) -> Option<ActionId>,
    ) -> Option<Option<ActionId>> {
        let id = EventId(events.len() as u32);
        let at = self.declare_local(name, span, LocalKind::Event(id, None))?;
        let action = action(self);
        if action.is_some() {
            self.env.locals.set(at, LocalKind::Event(id, action));
        }
        Some(action)
    }

    /// The action a folded event names, resolved once per spelling in a
    /// report (unless every reference is recorded, for the editor, or the
    /// name draws a diagnostic).
    fn simple_callee<'t>(
        &mut self,
        file: FileId,
        text: &'t str,
        ev: &ast::SimpleEvent,
        callees: &mut FxHashMap<&'t str, Option<ActionId>>,
    ) -> Option<ActionId> {
        let spelled = text.get(ev.callee.0 as usize..ev.callee.1 as usize)?;
        if let Some(&action) = callees.get(spelled) {
            return action;
        }
        let path = events::callee(file, text, ev)?;
        let before = self.diags.len();
        let action = self.resolve_action(&path);
        if !self.record_refs && self.diags.len() == before {
            callees.insert(spelled, action);
        }
        action
    }

    /// Declare a report-local name (the report's entities and events are
    /// `env.locals`): its place there. One already declared is E0202, and
    /// `None`.
    fn declare_local(&mut self, name: Cow<'a, str>, span: Span, kind: LocalKind) -> Option<usize> {
        let (first, name) = match self.env.locals.declare(name, Local { kind, span }) {
            Ok(at) => return Some(at),
            Err(taken) => taken,
        };
        self.diags.push(
            Diagnostic::new(
                Code::E0202,
                span,
                format!("`{name}` is declared twice in this report"),
            )
            .with_label_here("second declaration")
            .with_label(first, "first declared here"),
        );
        None
    }

    /// An event's arguments: every parameter given, `?` for unknown facts.
    fn event_args(&mut self, ev: &ast::EventDecl, action: ActionId) -> Vec<Value> {
        let n = self.prog.actions[action.index()].params.len();
        let mut values: Vec<Option<Value>> = vec![None; n];
        for (i, value) in self.named_args(action, &ev.call) {
            let ty = self.prog.actions[action.index()].params[i].ty.clone();
            values[i] = Some(self.constant(value, &ty));
        }
        let act = &self.prog.actions[action.index()];
        let missing: Vec<String> = act
            .params
            .iter()
            .zip(&values)
            .filter(|(p, v)| {
                v.is_none()
                    && !ev
                        .call
                        .args
                        .iter()
                        .any(|a| a.name.as_ref().is_some_and(|n| n.name == p.name))
            })
            .map(|(p, _)| format!("`{}`", p.name))
            .collect();
        if !missing.is_empty() {
            let fix_text = missing
                .iter()
                .map(|m| format!("{}: ?", m.trim_matches('`')))
                .collect::<Vec<_>>()
                .join(", ");
            self.diags.push(
                Diagnostic::new(
                    Code::E0304,
                    ev.call.span,
                    format!("event `{}` is missing {} {}", ev.name.name, if missing.len() == 1 { "the argument" } else { "the arguments" }, missing.join(", ")),
                )
                .with_label_here(format!("missing {}", missing.join(", ")))
                .with_label(act.name_span, format!("`{}` is declared here", act.name))
                .with_note(format!("every argument must be given; write `?` for a fact that is not known, e.g. `{fix_text}`")),
            );
        }
        values
            .into_iter()
            .map(|v| v.unwrap_or(Value::Unknown))
            .collect()
    }

    /// Every norm declared in `module` or reachable from it through `use`.
    fn norms_in_force(&self, module: usize) -> Vec<NormId> {
        let seen = self.module_closure(module);
        let mut out: Vec<NormId> = self
            .prog
            .norms
            .iter()
            .enumerate()
            .filter(|(_, n)| seen.contains(&(n.module.index())))
            .map(|(i, _)| NormId(i as u32))
            .collect();
        out.sort();
        out
    }

    fn check_expectation(
        &mut self,
        x: &ast::Expectation,
        events: &FxHashMap<&str, EventId>,
        in_force: &[NormId],
    ) -> Option<Expectation> {
        let (negated, kind, norm, event, by, span) = match x {
            ast::Expectation::Clean(span) => return Some(Expectation::Clean { span: *span }),
            ast::Expectation::Outcome {
                negated,
                kind,
                norm,
                event,
                by,
                span,
            } => (*negated, kind, norm, event, by, *span),
        };
        let mut ok = true;
        let kind_v = FindingKind::parse(&kind.name);
        if kind_v.is_none() {
            ok = false;
            let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
            let mut d = Diagnostic::new(
                Code::E0502,
                kind.span,
                format!("`{}` is not an outcome", kind.name),
            )
            .with_label_here("unknown outcome")
            .with_note(format!(
                "the outcomes are: {}, and `expect clean;`",
                names.join(", ")
            ));
            if let Some(near) = nearest(&kind.name, names.iter().copied()) {
                d = d.with_fix(kind.span, near);
            }
            self.diags.push(d);
        }
        let norm_id = match self.scopes.lookup_path(self.env.module, norm) {
            Ok(id)
                if matches!(
                    self.scopes.decl(id).kind,
                    DeclKind::Norm | DeclKind::Redline
                ) =>
            {
                let def = self.scopes.decl(id).name_span;
                self.refer(norm.span, def);
                let n = NormId(self.scopes.decl(id).index);
                if !in_force.contains(&n) {
                    ok = false;
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0502,
                            norm.span,
                            format!("norm `{}` is not in force for this report", norm.to_text()),
                        )
                        .with_label_here("not in force")
                        .with_note("`use` its module in this file"),
                    );
                }
                Some(n)
            }
            Ok(id) => {
                ok = false;
                let d = self.scopes.decl(id).clone();
                self.diags.push(
                    Diagnostic::new(
                        Code::E0502,
                        norm.span,
                        format!("`{}` is {}, not a norm", norm.to_text(), d.kind.describe()),
                    )
                    .with_label_here("expected a norm or red line")
                    .with_label(d.name_span, "declared here"),
                );
                None
            }
            Err(LookupError::Ambiguous(ids)) => {
                ok = false;
                let d = self.scopes.lookup_diag(
                    self.env.module,
                    norm,
                    LookupError::Ambiguous(ids),
                    "",
                    |_| true,
                );
                self.diags.push(d);
                None
            }
            Err(LookupError::NotFound) => {
                ok = false;
                let names: Vec<String> = in_force
                    .iter()
                    .map(|n| self.prog.norms[n.index()].name.clone())
                    .collect();
                let mut d = Diagnostic::new(
                    Code::E0502,
                    norm.span,
                    format!("I cannot find a norm named `{}`", norm.to_text()),
                )
                .with_label_here("unknown norm");
                if let Some(near) = nearest(&norm.last().name, names.iter().map(String::as_str)) {
                    d = d
                        .with_note(format!("did you mean `{near}`?"))
                        .with_fix(norm.span, near);
                }
                self.diags.push(d);
                None
            }
        };
        let event_id = match event {
            None => None,
            Some(e) => match events.get(e.name.as_str()) {
                Some(id) => {
                    if let Some(def) = self.env.locals.get(&e.name).map(|l| l.span) {
                        self.refer(e.span, def);
                    }
                    Some(*id)
                }
                None => {
                    ok = false;
                    let mut d = Diagnostic::new(
                        Code::E0502,
                        e.span,
                        format!("this report has no event named `{}`", e.name),
                    )
                    .with_label_here("unknown event");
                    if let Some(near) = nearest(&e.name, events.keys().copied()) {
                        d = d
                            .with_note(format!("did you mean `{near}`?"))
                            .with_fix(e.span, near);
                    }
                    self.diags.push(d);
                    None
                }
            },
        };
        let by = match by {
            None => None,
            Some(p) => {
                let excuser = self.expected_excuser(p, kind_v);
                ok &= excuser.is_some();
                excuser
            }
        };
        if !ok {
            return None;
        }
        Some(Expectation::Outcome {
            negated,
            kind: kind_v?,
            norm: norm_id?,
            event: event_id,
            by,
            span,
        })
    }

    /// The `by NAME` of an expectation: an exception, or a permit or duty
    /// (a norm), and only after `excused` (E0502 otherwise).
    fn expected_excuser(
        &mut self,
        p: &ast::Path,
        kind: Option<FindingKind>,
    ) -> Option<ExceptionTarget> {
        if kind.is_some_and(|k| k != FindingKind::Excused) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0502,
                    p.span,
                    "only an `excused` finding names what excused it",
                )
                .with_label_here("`by` needs `expect excused`")
                .with_note("write `expect excused NORM at EVENT by NAME;`, or leave out `by NAME`"),
            );
            return None;
        }
        match self.norm_or_exception(p) {
            Ok((Some(target), _, _)) => Some(target),
            Ok((None, kind, name_span)) => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0502,
                        p.span,
                        format!(
                            "`{}` is {}: only an exception, a permit or a duty excuses",
                            p.to_text(),
                            kind.describe()
                        ),
                    )
                    .with_label_here("cannot excuse")
                    .with_label(name_span, "declared here"),
                );
                None
            }
            Err(err) => {
                let mut d =
                    self.scopes
                        .lookup_diag(self.env.module, p, err, "an exception or norm", |k| {
                            matches!(k, DeclKind::Norm | DeclKind::Redline | DeclKind::Exception)
                        });
                // In an `expect` line, as for its norm and event.
                d.code = Code::E0502;
                self.diags.push(d);
                None
            }
        }
    }
}

/// For each parameter of an action, which of a folded event's arguments
/// (by their parameters' names) gives it, into `slots`: `None` unless each
/// argument names a different parameter and every parameter is given.
fn slots<'f>(
    params: &[FieldDef],
    fields: impl ExactSizeIterator<Item = &'f str>,
    slots: &mut Vec<usize>,
) -> Option<()> {
    if fields.len() != params.len() {
        return None;
    }
    slots.clear();
    slots.resize(params.len(), usize::MAX);
    for (k, field) in fields.enumerate() {
        let i = params.iter().position(|p| p.name == field)?;
        if std::mem::replace(&mut slots[i], k) != usize::MAX {
            return None;
        }
    }
    // As many arguments as parameters, no two for one: each is given.
    Some(())
}

/// What [`known_event`] reuses from one event to the next on a thread:
/// an event's arguments as [`events::quick_parts`] reads them, and its
/// slots.
type KnownBuffers<'t> = (Vec<(&'t str, (usize, usize))>, Vec<usize>);

/// A folded event whose every value was checked before, in this report
/// (in [`QuickArgs::values`]): read without the checker, so on any thread.
/// `None` if one was not, or the event is not of the shape
/// [`Checker::simple_event`] reads.
fn known_event<'t>(
    params: &[FieldDef],
    file: FileId,
    text: &'t str,
    ev: &ast::SimpleEvent,
    action: ActionId,
    values: &FxHashMap<(ActionId, usize, &'t str), Value>,
    (args, slotted): &mut KnownBuffers<'t>,
) -> Option<ReadEvent> {
    let at = events::quick_parts(text, ev, args)?;
    slots(params, args.iter().map(|a| a.0), slotted)?;
    let values = slotted
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let (_, (l, r)) = args.get(k)?;
            values.get(&(action, i, text.get(*l..*r)?)).cloned()
        })
        .collect::<Option<Vec<Value>>>()?;
    read_event(file, text, ev, action, values, at)
}

/// The checked event of a folded event with these arguments.
fn read_event(
    file: FileId,
    text: &str,
    ev: &ast::SimpleEvent,
    action: ActionId,
    args: Vec<Value>,
    (at, at_l, at_r): (i64, usize, usize),
) -> Option<ReadEvent> {
    let (nl, nr) = (ev.name.0 as usize, ev.name.1 as usize);
    Some(ReadEvent {
        at_span: Span::new(file, at_l, at_r),
        unknown_span: None,
        def: EventDef {
            name: text.get(nl..nr)?.to_string(),
            action,
            args,
            at,
            at_hi: at,
            doc: None,
            span: ev.span,
            name_span: Span::new(file, nl, nr),
        },
    })
}
