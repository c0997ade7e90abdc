//! A small builder of hand-built programs for the evaluator's unit tests.

use crate::model::*;
use crate::span::Span;

use crate::eval::evaluate;

pub(super) const ACT: ActionId = ActionId(0);
pub(super) const REPLY: ActionId = ActionId(1);
pub(super) const RUNG: EnumId = EnumId(0);

pub(super) fn sp() -> Span {
    Span::default()
}

pub(super) fn ex(kind: ExprKind) -> Expr {
    Expr {
        kind,
        ty: Ty::Bool,
        span: sp(),
    }
}
pub(super) fn lit(v: Value) -> Expr {
    ex(ExprKind::Lit(v))
}
pub(super) fn int(i: i64) -> Expr {
    lit(Value::Int(i))
}
pub(super) fn unknown() -> Expr {
    lit(Value::Unknown)
}
pub(super) fn boolean(b: bool) -> Expr {
    lit(Value::Bool(b))
}
pub(super) fn var(i: u32) -> Expr {
    ex(ExprKind::Var(VarId(i)))
}
pub(super) fn cmp(op: CmpOp, a: Expr, b: Expr) -> Expr {
    ex(ExprKind::Cmp(op, Box::new(a), Box::new(b)))
}
pub(super) fn and(xs: Vec<Expr>) -> Expr {
    ex(ExprKind::And(xs))
}
pub(super) fn or(xs: Vec<Expr>) -> Expr {
    ex(ExprKind::Or(xs))
}
pub(super) fn not(x: Expr) -> Expr {
    ex(ExprKind::Not(Box::new(x)))
}
pub(super) fn known(x: Expr) -> Expr {
    ex(ExprKind::Known(Box::new(x)))
}
pub(super) fn within(kind: TimingKind, d: Option<i64>, anchor: Expr) -> Timing {
    Timing {
        kind,
        within: d.map(|d| Box::new(lit(Value::Duration(d)))),
        anchor: Box::new(anchor),
    }
}
pub(super) fn exists(action: ActionId, args: Vec<(usize, Expr)>, timing: Option<Timing>) -> Expr {
    ex(ExprKind::Exists(
        Box::new(Required {
            action,
            args,
            span: sp(),
        }),
        timing,
    ))
}

pub(super) struct B {
    pub(super) p: Program,
}

impl B {
    pub(super) fn new() -> B {
        let mut p = Program::default();
        p.modules.push(ModuleDef {
            name: "t".into(),
            file: crate::span::FileId(0),
            uses: vec![],
            is_entry: true,
        });
        p.enums.push(EnumDef {
            name: "Rung".into(),
            qualified: "t::Rung".into(),
            module: ModuleId(0),
            ordered: true,
            members: vec!["none".into(), "low".into(), "high".into()],
            member_spans: vec![sp(); 3],
            doc: None,
            span: sp(),
            name_span: sp(),
        });
        p.ladder = Some(RUNG);
        let param = |n: &str| FieldDef {
            name: n.into(),
            ty: Ty::Int,
            span: sp(),
        };
        for (name, params) in [("act", vec!["who", "level"]), ("reply", vec!["to"])] {
            p.actions.push(ActionDef {
                name: name.into(),
                qualified: format!("t::{name}"),
                module: ModuleId(0),
                params: params.into_iter().map(param).collect(),
                doc: None,
                span: sp(),
                name_span: sp(),
            });
        }
        p.reports.push(ReportDef {
            name: "r".into(),
            qualified: "t::r".into(),
            module: ModuleId(0),
            title: None,
            doc: None,
            as_of: 0,
            entities: vec![],
            events: vec![],
            expectations: vec![],
            unrecorded: vec![],
            imprecise: false,
            in_force: vec![],
            ladder: Some(RUNG),
            span: sp(),
            name_span: sp(),
        });
        B { p }
    }

    pub(super) fn event(
        &mut self,
        name: &str,
        action: ActionId,
        args: Vec<Value>,
        at: i64,
    ) -> EventId {
        let r = &mut self.p.reports[0];
        r.events.push(EventDef {
            name: name.into(),
            action,
            args,
            at,
            at_hi: at,
            doc: None,
            span: sp(),
            name_span: sp(),
        });
        r.as_of = r.as_of.max(at);
        EventId(r.events.len() as u32 - 1)
    }

    pub(super) fn act(&mut self, name: &str, who: Value, level: Value, at: i64) -> EventId {
        self.event(name, ACT, vec![who, level], at)
    }

    pub(super) fn reply(&mut self, name: &str, to: Value, at: i64) -> EventId {
        self.event(name, REPLY, vec![to], at)
    }

    pub(super) fn add_norm(&mut self, n: NormDef) -> NormId {
        self.p.norms.push(n);
        let id = NormId(self.p.norms.len() as u32 - 1);
        self.p.reports[0].in_force.push(id);
        id
    }

    /// `forbid|permit x: act(who: w, level: l) when WHEN` — vars x=0, w=1, l=2.
    pub(super) fn on_act(&mut self, name: &str, modality: Modality, when: Option<Expr>) -> NormId {
        let mut n = norm(name, modality, &["x", "w", "l"]);
        n.matched = Some(Pattern {
            action: ACT,
            binder: Some(VarId(0)),
            bindings: vec![(0, VarId(1)), (1, VarId(2))],
            span: sp(),
        });
        n.when = when;
        self.add_norm(n)
    }

    /// `forbid reply(to: t) when WHEN` — var t=0.
    pub(super) fn on_reply(
        &mut self,
        name: &str,
        modality: Modality,
        when: Option<Expr>,
    ) -> NormId {
        let mut n = norm(name, modality, &["t"]);
        n.matched = Some(Pattern {
            action: REPLY,
            binder: None,
            bindings: vec![(0, VarId(0))],
            span: sp(),
        });
        n.when = when;
        self.add_norm(n)
    }

    /// `on x: act(who: w) when WHEN oblige reply(to: w) within D` — vars x=0, w=1.
    pub(super) fn duty(&mut self, name: &str, when: Option<Expr>, within: i64) -> NormId {
        let mut n = norm(name, Modality::Oblige, &["x", "w"]);
        n.trigger = Some(Trigger {
            pattern: Pattern {
                action: ACT,
                binder: Some(VarId(0)),
                bindings: vec![(0, VarId(1))],
                span: sp(),
            },
            when,
            breach: None,
        });
        n.required = Some(Required {
            action: REPLY,
            args: vec![(0, var(1))],
            span: sp(),
        });
        n.within = Some(within);
        self.add_norm(n)
    }

    pub(super) fn exception(&mut self, target: ExceptionTarget, when: Expr) -> ExceptionId {
        let id = ExceptionId(self.p.exceptions.len() as u32);
        let root = match target {
            ExceptionTarget::Norm(n) => {
                self.p.norms[n.index()].exceptions.push(id);
                n
            }
            ExceptionTarget::Exception(e) => {
                self.p.exceptions[e.index()].exceptions.push(id);
                self.p.exceptions[e.index()].root
            }
        };
        self.p.exceptions.push(ExceptionDef {
            name: format!("e{}", id.0),
            qualified: format!("t::e{}", id.0),
            module: ModuleId(0),
            title: None,
            doc: None,
            source: None,
            target,
            root,
            when: Some(when),
            unless: None,
            exceptions: vec![],
            span: sp(),
            name_span: sp(),
        });
        id
    }

    pub(super) fn run(&self) -> Vec<(FindingKind, String, String, Option<String>)> {
        evaluate(&self.p, ReportId(0))
            .findings
            .iter()
            .map(|f| {
                (
                    f.kind,
                    self.p.norms[f.norm.index()].name.clone(),
                    self.p.reports[0].events[f.event.index()].name.clone(),
                    f.other.map(|o| self.p.norms[o.index()].name.clone()),
                )
            })
            .collect()
    }

    pub(super) fn kinds(&self) -> Vec<(FindingKind, String, String)> {
        self.run()
            .into_iter()
            .map(|(k, n, e, _)| (k, n, e))
            .collect()
    }
}

pub(super) fn norm(name: &str, modality: Modality, vars: &[&str]) -> NormDef {
    NormDef {
        name: name.into(),
        qualified: format!("t::{name}"),
        module: ModuleId(0),
        kind: NormKind::Norm,
        title: None,
        doc: None,
        source: None,
        severity: NormSeverity::Medium,
        response: None,
        modality,
        trigger: None,
        matched: None,
        required: None,
        within: None,
        when: None,
        unless: None,
        overrides: vec![],
        exceptions: vec![],
        vars: vars
            .iter()
            .map(|v| VarDef {
                name: (*v).into(),
                ty: Ty::Int,
                span: sp(),
            })
            .collect(),
        span: sp(),
        name_span: sp(),
    }
}
