//! Conjuncts that rule a norm out of an event before anything is bound:
//! a `when` whose top-level `and` has `PLACE == CONSTANT`, where PLACE
//! reads the matched event (a parameter, or a chain of fields from one),
//! is certainly false on an event whose PLACE holds another known
//! value — so the norm does not apply there, gives no finding and is not
//! in force, whatever the rest of its conditions and its exceptions say.
//! With a thousand norms on one action, most differ from an event in
//! such a conjunct; checking it is a few field reads, where binding and
//! judging the norm is a walk of its conditions.
//!
//! Only exact cases are pins: both values known, a literal that is not a
//! set; anything else (`?`, a value that is not an entity where a field
//! is read) leaves the norm to be judged in full.

use crate::model::{CmpOp, Expr, ExprKind, NormDef, Program, Value};

#[derive(Debug)]
pub(crate) struct Pin {
    param: usize,
    fields: Vec<usize>,
    value: Value,
}

/// The pins of a norm (empty when it has none, or no matched pattern).
pub(crate) fn pins(norm: &NormDef) -> Vec<Pin> {
    let (Some(matched), Some(when)) = (&norm.matched, &norm.when) else {
        return Vec::new();
    };
    let conjuncts: Vec<&Expr> = match &when.kind {
        ExprKind::And(xs) => xs.iter().collect(),
        _ => vec![when],
    };
    // The parameter a place starts from: a variable only the matched
    // pattern binds (the matched pattern wins over a trigger's), or a
    // parameter of the matched event's binder.
    let start = |e: &Expr| -> Option<usize> {
        match &e.kind {
            ExprKind::Var(v) => matched
                .bindings
                .iter()
                .find(|(_, var)| var == v)
                .map(|(p, _)| *p),
            ExprKind::Param(inner, p) => match &inner.kind {
                ExprKind::Var(v) if matched.binder == Some(*v) => Some(*p),
                _ => None,
            },
            _ => None,
        }
    };
    let place = |e: &Expr| -> Option<(usize, Vec<usize>)> {
        let mut fields = Vec::new();
        let mut cur = e;
        while let ExprKind::Field(inner, f) = &cur.kind {
            fields.push(*f);
            cur = inner;
        }
        fields.reverse();
        start(cur).map(|p| (p, fields))
    };
    let mut out = Vec::new();
    for c in conjuncts {
        let ExprKind::Cmp(CmpOp::Eq, a, b) = &c.kind else {
            continue;
        };
        let (p, lit) = match (&a.kind, &b.kind) {
            (_, ExprKind::Lit(v)) => (place(a), v),
            (ExprKind::Lit(v), _) => (place(b), v),
            _ => continue,
        };
        let Some((param, fields)) = p else { continue };
        if matches!(lit, Value::Set(_) | Value::Unknown | Value::Event(_)) {
            continue;
        }
        out.push(Pin {
            param,
            fields,
            value: lit.clone(),
        });
    }
    out
}

impl Pin {
    /// The event's value at this place is known and differs.
    pub(crate) fn rules_out(&self, program: &Program, args: &[Value]) -> bool {
        let Some(mut v) = args.get(self.param) else {
            return false;
        };
        for &f in &self.fields {
            let Value::Entity(id) = v else {
                return false;
            };
            let Some(next) = program
                .entities
                .get(id.index())
                .and_then(|e| e.fields.get(f))
            else {
                return false;
            };
            v = next;
        }
        !matches!(v, Value::Unknown | Value::Set(_) | Value::Event(_)) && *v != self.value
    }
}
