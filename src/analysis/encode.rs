//! Expressions of §5 as solver terms, form by form as `eval/expr.rs`
//! evaluates them, so the two can be read side by side:
//! - a comparison with an unknown operand is unknown; `==` on sets is
//!   "each in the other"; `<` and friends on integers, times, durations
//!   and enum members by index;
//! - `+`/`-` give `?` when the result leaves 64 bits (the evaluator's
//!   checked arithmetic);
//! - `x in S` is the three-valued "or" of `x == s` over S's members;
//! - `e.field` applies the record's field function to the entity's code,
//!   `e.param` and `e.at` choose among the slots by the event's index;
//! - `exists` is the three-valued "or" over the slots, with the four
//!   timings' bounds (strict `before`/`after`; closed `within`, never the
//!   anchor itself), and unknown for every slot when its anchor or its
//!   distance is;
//! - `known(e)` is the known-rail of `e`.
//!
//! - `max_response(x)` reads the rung table of the version being judged
//!   ([`super::judged`]), `?` in its first stratum as in the evaluator.
//!
//! Set-valued facts never reach here (`support`).
//!
//! While a duty's window is searched (§7.1), the hypothetical act's time
//! is a fresh constant and every relation that reads it records where it
//! changes value ([`Enc::note_cut`]): the evaluator's cuts, as terms.

use std::cell::RefCell;

use z3::ast::{Ast, Bool, Int};

use crate::model::{ActionId, ArithOp, CmpOp, Expr, ExprKind, Required, Timing, TimingKind, Ty};

use super::judged::Tables;
use super::logic::{Sym, Tri, Val};
use super::scenario::Scenario;

/// The required action of a duty taken at one instant of its window
/// (§7.1 `h_τ`): its event index is `k`, one past the slots.
pub(crate) struct Hypo {
    pub action: ActionId,
    pub args: Vec<Val>,
    pub at: Int,
    /// While the window is searched (`at` a fresh constant): the instants
    /// around which a relation reading `at` changes value.
    pub cuts: Option<RefCell<Vec<Int>>>,
}

impl Hypo {
    /// The same act at another instant, recording nothing.
    pub fn at(&self, at: Int) -> Hypo {
        Hypo {
            action: self.action,
            args: self.args.clone(),
            at,
            cuts: None,
        }
    }
}

/// Where expressions are encoded: a scenario, perhaps the hypothetical
/// act of one duty, and the breaches and `max_response` rungs of the
/// version being judged (absent where no norm encoded reads them).
#[derive(Clone, Copy)]
pub(crate) struct Enc<'s, 'p> {
    pub scen: &'s Scenario<'p>,
    pub hypo: Option<&'s Hypo>,
    pub tables: Option<&'s Tables>,
}

impl<'s, 'p> Enc<'s, 'p> {
    /// Judging a scenario with these tables (no hypothetical act).
    pub fn new(scen: &'s Scenario<'p>, tables: Option<&'s Tables>) -> Enc<'s, 'p> {
        Enc {
            scen,
            hypo: None,
            tables,
        }
    }

    /// The same, with a duty's act at one instant of its window.
    pub fn with_hypo(&self, hypo: &'s Hypo) -> Enc<'s, 'p> {
        Enc {
            hypo: Some(hypo),
            ..*self
        }
    }
}

/// Three-valued equality of two values (`eval::expr::eq3`).
pub(crate) fn eq3(a: &Val, b: &Val) -> Tri {
    match (&a.sym, &b.sym) {
        (Sym::Set(xs), Sym::Set(ys)) => {
            let each_in = |xs: &[Val], ys: &[Val]| {
                Tri::and(
                    &xs.iter()
                        .map(|x| Tri::or(&ys.iter().map(|y| eq3(x, y)).collect::<Vec<_>>()))
                        .collect::<Vec<_>>(),
                )
            };
            each_in(xs, ys).and2(&each_in(ys, xs))
        }
        (Sym::I(x), Sym::I(y)) => known2(a, b, x.eq(y)),
        (Sym::B(x), Sym::B(y)) => known2(a, b, x.iff(y)),
        _ => Tri::unknown(),
    }
}

/// A two-valued relation of two values, unknown where either is.
fn known2(a: &Val, b: &Val, rel: Bool) -> Tri {
    let known = Bool::and(&[&a.known, &b.known]);
    Tri {
        t: Bool::and(&[&known, &rel]),
        f: Bool::and(&[known, rel.not()]),
    }
}

impl Enc<'_, '_> {
    /// While a duty's window is searched: `d` is linear in the act's time
    /// (`+`/`-` of times and durations); record the second before, at and
    /// after the instant where it crosses zero, where a relation of it
    /// changes value. A slope the solver cannot reduce to a number (the
    /// act's time chosen among events by the scenario) is not encoded.
    pub fn note_cut(&self, d: &Int) {
        let Some((h, cuts)) = self.hypo.and_then(|h| h.cuts.as_ref().map(|c| (h, c))) else {
            return;
        };
        let one = Int::from_i64(1);
        let later = d.substitute(&[(&h.at, &Int::add(&[&h.at, &one]))]);
        let slope = Int::sub(&[&later, d]).simplify();
        match slope.as_i64() {
            Some(0) => {}
            Some(k) => {
                // d = k·τ + b crosses zero at -b/k; `div` by a positive
                // number is the floor.
                let b = d.substitute(&[(&h.at, &Int::from_i64(0))]);
                let (num, den) = if k > 0 {
                    (b.unary_minus(), k)
                } else {
                    (b, k.saturating_neg())
                };
                let root = num.div(Int::from_i64(den)).simplify();
                let mut list = cuts.borrow_mut();
                list.push(Int::sub(&[&root, &one]).simplify());
                list.push(root.clone());
                list.push(Int::add(&[&root, &one]).simplify());
            }
            None => {
                self.scen.inexact.borrow_mut().get_or_insert_with(|| {
                    "the time of a duty's act is compared with that of an event \
                     the scenario chooses"
                        .into()
                });
            }
        }
    }

    /// [`Enc::note_cut`] for a relation of two values (member by member
    /// for sets).
    fn note_pair(&self, a: &Val, b: &Val) {
        if self.hypo.is_none_or(|h| h.cuts.is_none()) {
            return;
        }
        match (&a.sym, &b.sym) {
            (Sym::I(x), Sym::I(y)) => self.note_cut(&Int::sub(&[x, y])),
            (Sym::Set(xs), _) => xs.iter().for_each(|x| self.note_pair(x, b)),
            (_, Sym::Set(ys)) => ys.iter().for_each(|y| self.note_pair(a, y)),
            _ => {}
        }
    }

    /// The index of the hypothetical event.
    pub fn hypo_index(&self) -> i64 {
        self.scen.k as i64
    }

    pub fn truth(&self, e: &Expr, frame: &[Val]) -> Tri {
        match &e.kind {
            ExprKind::Not(x) => self.truth(x, frame).not(),
            ExprKind::And(xs) => {
                Tri::and(&xs.iter().map(|x| self.truth(x, frame)).collect::<Vec<_>>())
            }
            ExprKind::Or(xs) => {
                Tri::or(&xs.iter().map(|x| self.truth(x, frame)).collect::<Vec<_>>())
            }
            ExprKind::Cmp(op, a, b) => {
                self.compare(*op, &self.value(a, frame), &self.value(b, frame))
            }
            ExprKind::In(x, s) => {
                let x = self.value(x, frame);
                if let (ExprKind::Field(owner, f), Ty::Set(elem)) = (&s.kind, &s.ty) {
                    return self.member(&x, owner, *f, elem, frame);
                }
                match self.value(s, frame).sym {
                    Sym::Set(items) => {
                        items.iter().for_each(|i| self.note_pair(&x, i));
                        Tri::or(&items.iter().map(|i| eq3(&x, i)).collect::<Vec<_>>())
                    }
                    _ => Tri::unknown(),
                }
            }
            ExprKind::Exists(req, timing) => self.exists(req, timing.as_ref(), frame),
            ExprKind::Known(x) if matches!(x.kind, ExprKind::MaxResponse(_)) => {
                // A rung whenever the version has a ladder, even while it
                // is being computed (the evaluator's `known`).
                Tri::lit(self.has_ladder(&x.ty))
            }
            ExprKind::Known(x) => Tri::exact(if x.ty == Ty::Bool {
                self.truth(x, frame).is_known()
            } else {
                self.value(x, frame).known
            }),
            _ => self.value(e, frame).truth(),
        }
    }

    /// `x in owner.field` for a set-valued field of an entity.
    fn member(&self, x: &Val, owner: &Expr, f: usize, elem: &Ty, frame: &[Val]) -> Tri {
        let Ty::Record(record) = owner.ty else {
            return Tri::unknown();
        };
        let o = self.value(owner, frame);
        let Some(code) = o.as_int() else {
            return Tri::unknown();
        };
        if x.known.as_bool() != Some(true) && !matches!(elem, Ty::Enum(_) | Ty::Bool) {
            // `? in S` is unknown unless S is empty; for a set of entities
            // that emptiness is not encoded.
            self.scen.inexact.borrow_mut().get_or_insert_with(|| {
                "it asks whether an unknown value is in a set of entities".into()
            });
        }
        let held = self.scen.member(record, f, code, &x.sym);
        let known = Bool::and(&[&o.known, &x.known]);
        let t = Bool::and(&[&known, &held]);
        let mut f_rail = vec![Bool::and(&[&known, &held.not()])];
        // An empty set holds nothing, known or not (the evaluator's "or"
        // over no members is false).
        let domain: Vec<Sym> = match elem {
            Ty::Bool => vec![
                Sym::B(Bool::from_bool(true)),
                Sym::B(Bool::from_bool(false)),
            ],
            Ty::Enum(e) => (0..self.scen.program.enums[e.index()].members.len())
                .map(|m| Sym::I(Int::from_i64(m as i64)))
                .collect(),
            _ => Vec::new(),
        };
        if !domain.is_empty() {
            let empty = Bool::and(
                &domain
                    .iter()
                    .map(|d| self.scen.member(record, f, code, d).not())
                    .collect::<Vec<_>>(),
            );
            f_rail.push(Bool::and(&[o.known.clone(), empty]));
        }
        Tri {
            t,
            f: Bool::or(&f_rail),
        }
    }

    fn compare(&self, op: CmpOp, a: &Val, b: &Val) -> Tri {
        self.note_pair(a, b);
        match op {
            CmpOp::Eq => eq3(a, b),
            CmpOp::Ne => eq3(a, b).not(),
            _ => match (&a.sym, &b.sym) {
                (Sym::I(x), Sym::I(y)) => known2(
                    a,
                    b,
                    match op {
                        CmpOp::Lt => x.lt(y),
                        CmpOp::Le => x.le(y),
                        CmpOp::Gt => x.gt(y),
                        _ => x.ge(y),
                    },
                ),
                _ => Tri::unknown(),
            },
        }
    }

    pub fn value(&self, e: &Expr, frame: &[Val]) -> Val {
        match &e.kind {
            ExprKind::Lit(v) => self.scen.literal(v).unwrap_or_else(Val::unknown),
            ExprKind::Var(v) => frame.get(v.index()).cloned().unwrap_or_else(Val::unknown),
            ExprKind::Field(x, i) => {
                let owner = self.value(x, frame);
                match (&x.ty, owner.as_int()) {
                    (Ty::Record(r), Some(code)) => {
                        let v = self.scen.field(*r, *i, code);
                        Val {
                            sym: v.sym,
                            known: owner.known.clone(),
                        }
                    }
                    _ => Val::unknown(),
                }
            }
            ExprKind::Param(x, i) => match &x.ty {
                Ty::Event(a) => self.param(*a, &self.value(x, frame), *i, &e.ty),
                _ => Val::unknown(),
            },
            ExprKind::At(x) => self.at(&self.value(x, frame)),
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.value(a, frame), self.value(b, frame));
                match (a.as_int(), b.as_int()) {
                    (Some(x), Some(y)) => {
                        let r = match op {
                            ArithOp::Add => Int::add(&[x, y]),
                            ArithOp::Sub => Int::sub(&[x, y]),
                        };
                        let fits = Bool::and(&[
                            r.ge(Int::from_i64(i64::MIN)),
                            r.le(Int::from_i64(i64::MAX)),
                        ]);
                        Val {
                            known: Bool::and(&[&a.known, &b.known, &fits]),
                            sym: Sym::I(r),
                        }
                    }
                    _ => Val::unknown(),
                }
            }
            ExprKind::SetLit(xs) => {
                Val::known(Sym::Set(xs.iter().map(|x| self.value(x, frame)).collect()))
            }
            ExprKind::MaxResponse(x) => self.max_response(&e.ty, &self.value(x, frame)),
            ExprKind::Not(_)
            | ExprKind::And(_)
            | ExprKind::Or(_)
            | ExprKind::Cmp(..)
            | ExprKind::In(..)
            | ExprKind::Exists(..)
            | ExprKind::Known(_) => self.truth(e, frame).to_val(),
        }
    }

    /// Choose among the slots (and the hypothetical event) by index.
    fn choose(&self, idx: &Val, pick: impl Fn(usize) -> Option<Val>, hypo: Option<Val>) -> Val {
        let Some(ix) = idx.as_int() else {
            return Val::unknown();
        };
        let mut options: Vec<(i64, Val)> = (0..self.scen.k)
            .filter_map(|j| pick(j).map(|v| (j as i64, v)))
            .collect();
        if let Some(h) = hypo {
            options.push((self.hypo_index(), h));
        }
        if let Some(n) = ix.as_i64() {
            return match options.into_iter().find(|(j, _)| *j == n) {
                Some((_, v)) => Val {
                    known: Bool::and(&[&idx.known, &v.known]),
                    sym: v.sym,
                },
                None => Val::unknown(),
            };
        }
        let Some((_, last)) = options.pop() else {
            return Val::unknown();
        };
        let mut acc = last;
        for (j, v) in options.into_iter().rev() {
            let here = ix.eq(Int::from_i64(j));
            let sym = match (&v.sym, &acc.sym) {
                (Sym::I(a), Sym::I(b)) => Sym::I(here.ite(a, b)),
                (Sym::B(a), Sym::B(b)) => Sym::B(here.ite(a, b)),
                _ => return Val::unknown(),
            };
            acc = Val {
                known: here.ite(&v.known, &acc.known),
                sym,
            };
        }
        Val {
            known: Bool::and(&[&idx.known, &acc.known]),
            sym: acc.sym,
        }
    }

    /// `max_response` of the event `idx`: its rung in the version's table
    /// (`?` for the hypothetical act, which crosses nothing recorded).
    fn max_response(&self, ty: &Ty, idx: &Val) -> Val {
        match self.rungs(ty) {
            Some(Some(table)) => self.choose(
                idx,
                |j| table.get(j).cloned(),
                self.hypo.map(|_| Val::unknown()),
            ),
            Some(None) => Val::unknown(),
            None => {
                self.scen.inexact.borrow_mut().get_or_insert_with(|| {
                    "internal: `max_response` was encoded without its table of rungs".into()
                });
                Val::unknown()
            }
        }
    }

    fn at(&self, idx: &Val) -> Val {
        self.choose(
            idx,
            |j| Some(Val::known(Sym::I(self.scen.at[j].clone()))),
            self.hypo.map(|h| Val::known(Sym::I(h.at.clone()))),
        )
    }

    fn param(&self, action: ActionId, idx: &Val, p: usize, _ty: &Ty) -> Val {
        self.choose(
            idx,
            |j| self.scen.arg(j, action, p).cloned(),
            self.hypo
                .filter(|h| h.action == action)
                .and_then(|h| h.args.get(p).cloned()),
        )
    }

    /// The values a required action's listed arguments must have.
    pub fn required_values(&self, req: &Required, frame: &[Val]) -> Vec<(usize, Val)> {
        req.args
            .iter()
            .map(|(i, e)| (*i, self.value(e, frame)))
            .collect()
    }

    /// `m(e)` for slot `j` taken as an event of the required action.
    pub fn matches(&self, wanted: &[(usize, Val)], action: ActionId, j: usize) -> Tri {
        Tri::and(
            &wanted
                .iter()
                .map(|(p, v)| match self.scen.arg(j, action, *p) {
                    Some(arg) => {
                        self.note_pair(arg, v);
                        eq3(arg, v)
                    }
                    None => Tri::unknown(),
                })
                .collect::<Vec<_>>(),
        )
    }

    fn exists(&self, req: &Required, timing: Option<&Timing>, frame: &[Val]) -> Tri {
        let wanted = self.required_values(req, frame);
        // The window of slot j: (known, inside).
        let window: Box<dyn Fn(usize) -> (Bool, Bool)> = match timing {
            None => Box::new(|_| (Bool::from_bool(true), Bool::from_bool(true))),
            Some(t) => {
                let anchor = self.value(&t.anchor, frame);
                let at = self.at(&anchor);
                let within = t.within.as_ref().map(|d| self.value(d, frame));
                let mut known = vec![anchor.known.clone(), at.known.clone()];
                if let Some(w) = &within {
                    known.push(w.known.clone());
                }
                let known = Bool::and(&known);
                let (Some(a), Some(ix)) = (at.as_int().cloned(), anchor.as_int().cloned()) else {
                    return Tri::unknown();
                };
                let d = within.as_ref().and_then(|w| w.as_int().cloned());
                let recording = self.hypo.is_some_and(|h| h.cuts.is_some());
                for e in self.scen.at.iter().filter(|_| recording) {
                    self.note_cut(&Int::sub(&[e, &a]));
                    if let Some(d) = &d {
                        self.note_cut(&Int::sub(&[e, &Int::sub(&[&a, d])]));
                        self.note_cut(&Int::sub(&[e, &Int::add(&[&a, d])]));
                    }
                }
                let kind = t.kind;
                let scen = self.scen;
                Box::new(move |j| {
                    let e = &scen.at[j];
                    let not_anchor = ix.eq(Int::from_i64(j as i64)).not();
                    let inside = match (kind, &d) {
                        (TimingKind::Before, None) => e.lt(&a),
                        (TimingKind::After, None) => e.gt(&a),
                        (TimingKind::Before, Some(d)) => {
                            Bool::and(&[e.ge(Int::sub(&[&a, d])), e.le(&a), not_anchor])
                        }
                        (TimingKind::After, Some(d)) => {
                            Bool::and(&[e.ge(&a), e.le(Int::add(&[&a, d])), not_anchor])
                        }
                    };
                    (known.clone(), inside)
                })
            }
        };
        let mut any = Vec::new();
        for j in 0..self.scen.k {
            let is = self.scen.is_action(j, req.action);
            if is.as_bool() == Some(false) {
                continue;
            }
            let (known, inside) = window(j);
            let win = Tri {
                t: Bool::and(&[&known, &inside]),
                f: Bool::and(&[known, inside.not()]),
            };
            any.push(Tri::and(&[win, self.matches(&wanted, req.action, j)]).guarded(&is));
        }
        Tri::or(&any)
    }
}
