//! Evaluation of one checked [`Expr`] against a norm's variable frame and
//! a report. Owns the meaning of every expression form of §5 under §6's
//! three-valued reading: a comparison with an unknown operand is unknown,
//! `known(e)` never is, `exists` is the three-valued "or" over the events of
//! the report.
//!
//! It never panics on a value it did not expect (an ill-typed program, an
//! index out of range, an arithmetic overflow): such a value is `?`.
//!
//! Timing bounds of `exists` (the spec leaves strictness open):
//! `before X` is `e.at < X.at` and `after X` is `e.at > X.at` (strict);
//! `within D before X` is `X.at - D <= e.at <= X.at` and `within D after X`
//! is `X.at <= e.at <= X.at + D` (closed), and in both `within` forms the
//! anchor event X itself is never counted: an event is not within a
//! distance of itself.

use std::cmp::Ordering;

use crate::model::{
    ActionId, ArithOp, CmpOp, EventId, Expr, ExprKind, Measure, Program, ReportDef, Required,
    Timing, TimingKind, Value,
};

use super::index::ReportIndex;
use super::truth::Truth;

/// The id standing for the hypothetical event of the conflicting
/// obligations rule (§7): never an index into the report's events.
pub(crate) const HYPOTHETICAL: EventId = EventId(u32::MAX);

/// The required action of a duty taken at one instant of its window, its
/// unspecified arguments unknown (§7.1 `h_τ`).
#[derive(Debug)]
pub(crate) struct Hypothetical {
    pub action: ActionId,
    pub args: Vec<Value>,
    pub at: i64,
    /// While the window is searched: the instants around which a
    /// condition reading this act's time may change value. A `Mutex`
    /// only so that `Env` stays `Sync`; one thread writes it.
    pub cuts: Option<std::sync::Mutex<Vec<i64>>>,
}

impl Hypothetical {
    /// The same act one second later, recording nothing: the slope of
    /// every term that reads its time is the difference of the two.
    fn later(&self) -> Hypothetical {
        Hypothetical {
            action: self.action,
            args: self.args.clone(),
            at: self.at.saturating_add(1),
            cuts: None,
        }
    }

    /// A term that is `d0` at this act's time and `d1` one second later
    /// is linear in it; where it crosses zero, a comparison of it flips.
    /// Record the second before, at and after that instant.
    fn cut(&self, d0: i128, d1: i128) {
        let (Some(cuts), slope) = (&self.cuts, d1 - d0) else {
            return;
        };
        if slope == 0 {
            return;
        }
        // The floor of `-d0 / slope`, whatever the slope's sign.
        let (num, den) = if slope > 0 {
            (-d0, slope)
        } else {
            (d0, -slope)
        };
        let root = i128::from(self.at) + num.div_euclid(den);
        if let Ok(mut list) = cuts.lock() {
            for c in [root - 1, root, root + 1] {
                if let Ok(c) = i64::try_from(c) {
                    list.push(c);
                }
            }
        }
    }

    /// Record the instants around `t`.
    fn cut_at(&self, t: i64) {
        if let Some(Ok(mut list)) = self.cuts.as_ref().map(|c| c.lock()) {
            list.extend([t.saturating_sub(1), t, t.saturating_add(1)]);
        }
    }

    fn recording(&self) -> bool {
        self.cuts.is_some()
    }
}

/// A number, a time or a duration as seconds (for the slope of a term):
/// both ends of an imprecise one, every member's of a set.
fn ends(v: &Value) -> Vec<i128> {
    match v {
        Value::Int(x) | Value::Time(x) | Value::Duration(x) => vec![i128::from(*x)],
        Value::Imprecise(_, lo, hi) => vec![i128::from(*lo), i128::from(*hi)],
        Value::Set(items) => items.iter().flat_map(ends).collect(),
        _ => Vec::new(),
    }
}

/// What the evaluator needs of an event, real or hypothetical.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EventView<'a> {
    pub id: EventId,
    pub action: ActionId,
    pub args: &'a [Value],
    /// When it happened: `[at, at_hi]`, one instant for an exact time.
    pub at: i64,
    pub at_hi: i64,
}

impl EventView<'_> {
    /// Its time as an interval.
    pub fn time(&self) -> Interval {
        Interval(self.at, self.at_hi)
    }
}

/// A time (or a duration) as the closed interval of §6: `[t, t]` for an
/// exact value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Interval(pub i64, pub i64);

impl Interval {
    pub fn exact(t: i64) -> Interval {
        Interval(t, t)
    }

    pub fn is_exact(self) -> bool {
        self.0 == self.1
    }

    /// Shifted by a duration (saturating: an end that is the remote past
    /// stays there).
    pub fn plus(self, d: i64) -> Interval {
        Interval(self.0.saturating_add(d), self.1.saturating_add(d))
    }

    /// `self < other`: T when it certainly is, F when it certainly is not.
    pub fn lt(self, other: Interval) -> Truth {
        if self.1 < other.0 {
            Truth::True
        } else if self.0 >= other.1 {
            Truth::False
        } else {
            Truth::Unknown
        }
    }

    /// `self <= other`.
    pub fn le(self, other: Interval) -> Truth {
        if self.1 <= other.0 {
            Truth::True
        } else if self.0 > other.1 {
            Truth::False
        } else {
            Truth::Unknown
        }
    }

    /// `self == other`: T only when both are the same exact instant.
    pub fn eq(self, other: Interval) -> Truth {
        if self.is_exact() && self == other {
            Truth::True
        } else if self.1 < other.0 || other.1 < self.0 {
            Truth::False
        } else {
            Truth::Unknown
        }
    }

    pub fn to_value(self, m: Measure) -> Value {
        match (self.is_exact(), m) {
            (true, Measure::Time) => Value::Time(self.0),
            (true, Measure::Duration) => Value::Duration(self.0),
            (false, m) => Value::Imprecise(m, self.0, self.1),
        }
    }
}

/// A time or duration as an interval, with what it measures.
fn bounds(v: &Value) -> Option<(Measure, Interval)> {
    match v {
        Value::Time(t) => Some((Measure::Time, Interval::exact(*t))),
        Value::Duration(d) => Some((Measure::Duration, Interval::exact(*d))),
        Value::Imprecise(m, lo, hi) => Some((*m, Interval(*lo, *hi))),
        _ => None,
    }
}

/// `a op b` for two values of which one at least is imprecise (§6).
fn compare_imprecise(op: CmpOp, a: Interval, b: Interval) -> Truth {
    match op {
        CmpOp::Eq => a.eq(b),
        CmpOp::Ne => a.eq(b).not(),
        CmpOp::Lt => a.lt(b),
        CmpOp::Le => a.le(b),
        CmpOp::Gt => b.lt(a),
        CmpOp::Ge => b.le(a),
    }
}

/// `a ± b` on intervals: each end saturates, so the remote past stays
/// before every written time.
fn arith_imprecise(op: ArithOp, a: (Measure, Interval), b: (Measure, Interval)) -> Option<Value> {
    let ((ma, x), (mb, y)) = (a, b);
    let span = match op {
        ArithOp::Add => Interval(x.0.saturating_add(y.0), x.1.saturating_add(y.1)),
        ArithOp::Sub => Interval(x.0.saturating_sub(y.1), x.1.saturating_sub(y.0)),
    };
    let m = match (ma, mb, op) {
        (Measure::Time, Measure::Duration, _) => Measure::Time,
        (Measure::Duration, Measure::Time, ArithOp::Add) => Measure::Time,
        (Measure::Duration, Measure::Duration, _) => Measure::Duration,
        (Measure::Time, Measure::Time, ArithOp::Sub) => Measure::Duration,
        _ => return None,
    };
    Some(span.to_value(m))
}

/// Where an expression is evaluated: the program, the report and its
/// index, and the table of `max_response` (absent while it is being
/// computed, when `max_response` is unknown).
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    pub program: &'a Program,
    pub report: &'a ReportDef,
    pub index: &'a ReportIndex,
    /// Member index of the ladder for every event of the report.
    pub responses: Option<&'a [u32]>,
    pub hypo: Option<&'a Hypothetical>,
    /// The breaches `on breach of` triggers read (§4); `None` when no norm
    /// in force has such a trigger.
    pub breaches: Option<&'a super::breach::BreachTable>,
}

/// The events `exists` may look at, given its timing.
enum Window {
    All,
    Range {
        lo: i64,
        hi: i64,
        exclude: Option<EventId>,
    },
    /// The anchor or the distance is unknown: every event is a maybe.
    Unknown,
}

/// Three-valued equality.
pub(crate) fn eq3(a: &Value, b: &Value) -> Truth {
    match (a, b) {
        (Value::Unknown, _) | (_, Value::Unknown) => Truth::Unknown,
        (Value::Imprecise(..), _) | (_, Value::Imprecise(..)) => match (bounds(a), bounds(b)) {
            (Some((m, x)), Some((n, y))) if m == n => x.eq(y),
            _ => Truth::Unknown,
        },
        (Value::Set(xs), Value::Set(ys)) => {
            let each_in = |xs: &[Value], ys: &[Value]| {
                Truth::all(xs.iter().map(|x| Truth::any(ys.iter().map(|y| eq3(x, y)))))
            };
            each_in(xs, ys).and(each_in(ys, xs))
        }
        _ => Truth::from_bool(a == b),
    }
}

fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y))
        | (Value::Time(x), Value::Time(y))
        | (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        (Value::Enum(e1, x), Value::Enum(e2, y)) if e1 == e2 => Some(x.cmp(y)),
        _ => None,
    }
}

/// `a op b` in three-valued logic (`?` on either side is unknown).
#[inline]
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Truth {
    if matches!(a, Value::Unknown) || matches!(b, Value::Unknown) {
        return Truth::Unknown;
    }
    if matches!(a, Value::Imprecise(..)) || matches!(b, Value::Imprecise(..)) {
        return match (bounds(a), bounds(b)) {
            (Some((m, x)), Some((n, y))) if m == n => compare_imprecise(op, x, y),
            _ => Truth::Unknown,
        };
    }
    match op {
        CmpOp::Eq => eq3(a, b),
        CmpOp::Ne => eq3(a, b).not(),
        _ => match order(a, b) {
            None => Truth::Unknown,
            Some(o) => Truth::from_bool(match op {
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            }),
        },
    }
}

fn arith(op: ArithOp, a: &Value, b: &Value) -> Value {
    if matches!(a, Value::Imprecise(..)) || matches!(b, Value::Imprecise(..)) {
        return match (bounds(a), bounds(b)) {
            (Some(x), Some(y)) => arith_imprecise(op, x, y).unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        };
    }
    let f = |x: i64, y: i64| match op {
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
    };
    // Overflow is not an error of the report's author we can point at here;
    // the result is simply not known.
    let r = match (a, b) {
        (Value::Int(x), Value::Int(y)) => f(*x, *y).map(Value::Int),
        (Value::Time(x), Value::Duration(y)) => f(*x, *y).map(Value::Time),
        (Value::Duration(x), Value::Time(y)) if op == ArithOp::Add => f(*x, *y).map(Value::Time),
        (Value::Duration(x), Value::Duration(y)) => f(*x, *y).map(Value::Duration),
        (Value::Time(x), Value::Time(y)) if op == ArithOp::Sub => f(*x, *y).map(Value::Duration),
        _ => None,
    };
    r.unwrap_or(Value::Unknown)
}

fn member_of(x: &Value, set: &Value) -> Truth {
    match set {
        Value::Set(items) => Truth::any(items.iter().map(|i| eq3(x, i))),
        _ => Truth::Unknown,
    }
}

impl<'a> Env<'a> {
    pub fn event(&self, id: EventId) -> Option<EventView<'a>> {
        if id == HYPOTHETICAL {
            return self.hypo.map(|h| EventView {
                id,
                action: h.action,
                args: &h.args,
                at: h.at,
                at_hi: h.at,
            });
        }
        self.report.events.get(id.index()).map(|e| EventView {
            id,
            action: e.action,
            args: &e.args,
            at: e.at,
            at_hi: e.at_hi,
        })
    }

    /// Is a duty's window being searched (§7.1), so that comparisons
    /// reading the hypothetical act's time note where they change? Only
    /// then; everywhere else a comparison costs what it did.
    #[inline]
    fn recording(&self) -> bool {
        self.hypo.is_some_and(Hypothetical::recording)
    }

    pub fn truth(&self, e: &Expr, frame: &[Value]) -> Truth {
        match &e.kind {
            ExprKind::Not(x) => self.truth(x, frame).not(),
            ExprKind::And(xs) => Truth::all(xs.iter().map(|x| self.truth(x, frame))),
            ExprKind::Or(xs) => Truth::any(xs.iter().map(|x| self.truth(x, frame))),
            ExprKind::Cmp(op, a, b) => {
                let (x, y) = (self.value(a, frame), self.value(b, frame));
                if self.recording() {
                    self.note_cuts(a, b, &x, &y, frame);
                }
                compare(*op, &x, &y)
            }
            ExprKind::In(x, s) => {
                let (xv, sv) = (self.value(x, frame), self.value(s, frame));
                if self.recording() {
                    self.note_cuts(x, s, &xv, &sv, frame);
                }
                member_of(&xv, &sv)
            }
            ExprKind::Exists(req, timing) => self.exists(req, timing.as_ref(), frame),
            ExprKind::Known(x) => Truth::from_bool(
                // max_response is a rung whenever a ladder exists; while it
                // is being computed it reads as `?`, which must not make
                // `known(max_response(x))` false.
                matches!(x.kind, ExprKind::MaxResponse(_)) && self.report.ladder.is_some()
                    || !matches!(self.value(x, frame), Value::Unknown),
            ),
            _ => Truth::from_value(&self.value(e, frame)),
        }
    }

    pub fn value(&self, e: &Expr, frame: &[Value]) -> Value {
        match &e.kind {
            ExprKind::Lit(v) => v.clone(),
            ExprKind::Var(v) => frame.get(v.index()).cloned().unwrap_or(Value::Unknown),
            ExprKind::Field(x, i) => match self.value(x, frame) {
                Value::Entity(id) => self
                    .program
                    .entities
                    .get(id.index())
                    .and_then(|ent| ent.fields.get(*i))
                    .cloned()
                    .unwrap_or(Value::Unknown),
                _ => Value::Unknown,
            },
            ExprKind::Param(x, i) => match self.value(x, frame) {
                Value::Event(id) => self
                    .event(id)
                    .and_then(|ev| ev.args.get(*i))
                    .cloned()
                    .unwrap_or(Value::Unknown),
                _ => Value::Unknown,
            },
            ExprKind::At(x) => match self.value(x, frame) {
                Value::Event(id) => self
                    .event(id)
                    .map_or(Value::Unknown, |ev| ev.time().to_value(Measure::Time)),
                _ => Value::Unknown,
            },
            ExprKind::Arith(op, a, b) => arith(*op, &self.value(a, frame), &self.value(b, frame)),
            ExprKind::SetLit(xs) => Value::Set(xs.iter().map(|x| self.value(x, frame)).collect()),
            ExprKind::MaxResponse(x) => match self.value(x, frame) {
                Value::Event(id) => self.max_response(id),
                _ => Value::Unknown,
            },
            ExprKind::Not(_)
            | ExprKind::And(_)
            | ExprKind::Or(_)
            | ExprKind::Cmp(..)
            | ExprKind::In(..)
            | ExprKind::Exists(..)
            | ExprKind::Known(_) => self.truth(e, frame).to_value(),
        }
    }

    /// While a duty's window is searched (§7.1): where the comparison of
    /// `a` and `b` (values `x`, `y` at the act's time) changes value as
    /// the act moves. Both sides are linear in its time (`+`/`-` of
    /// times and durations), so one second later gives the slope; a set
    /// is compared member by member.
    fn note_cuts(&self, a: &Expr, b: &Expr, x: &Value, y: &Value, frame: &[Value]) {
        let Some(h) = self.hypo.filter(|h| h.recording()) else {
            return;
        };
        let later = h.later();
        let env = Env {
            hypo: Some(&later),
            ..*self
        };
        let (x1, y1) = (env.value(a, frame), env.value(b, frame));
        // The same ends, in the same order, one second later.
        let pairs = |v0: &Value, v1: &Value| -> Vec<(i128, i128)> {
            let (e0, e1) = (ends(v0), ends(v1));
            if e0.len() == e1.len() {
                e0.into_iter().zip(e1).collect()
            } else {
                Vec::new()
            }
        };
        for (x0, x1) in pairs(x, &x1) {
            for (y0, y1) in pairs(y, &y1) {
                h.cut(x0 - y0, x1 - y1);
            }
        }
    }

    fn max_response(&self, id: EventId) -> Value {
        match (self.report.ladder, self.responses) {
            (Some(ladder), Some(table)) => table
                .get(id.index())
                .map_or(Value::Unknown, |&m| Value::Enum(ladder, m)),
            _ => Value::Unknown,
        }
    }

    /// The values a required action's listed arguments must have.
    pub fn required_values(&self, req: &Required, frame: &[Value]) -> Vec<(usize, Value)> {
        req.args
            .iter()
            .map(|(i, e)| (*i, self.value(e, frame)))
            .collect()
    }

    /// `m(e)`: the conjunction of the required arguments' equalities.
    pub fn matches(wanted: &[(usize, Value)], args: &[Value]) -> Truth {
        Truth::all(
            wanted
                .iter()
                .map(|(i, v)| eq3(args.get(*i).unwrap_or(&Value::Unknown), v)),
        )
    }

    fn window(&self, timing: Option<&Timing>, frame: &[Value]) -> Window {
        let Some(timing) = timing else {
            return Window::All;
        };
        let Some((anchor, within)) = self.anchor(timing, frame) else {
            return Window::Unknown;
        };
        let at = anchor.at;
        let (lo, hi, exclude) = match (timing.kind, within) {
            (TimingKind::Before, None) => (i64::MIN, at.saturating_sub(1), None),
            (TimingKind::After, None) => (at.saturating_add(1), i64::MAX, None),
            (TimingKind::Before, Some(d)) => (at.saturating_sub(d), at, Some(anchor.id)),
            (TimingKind::After, Some(d)) => (at, at.saturating_add(d), Some(anchor.id)),
        };
        Window::Range { lo, hi, exclude }
    }

    /// While a duty's window is searched: the instants where `exists`
    /// may change as the act moves — an event entering or leaving a
    /// window anchored on the act, or a required argument that reads the
    /// act's time starting or ceasing to match.
    fn note_exists_cuts(
        &self,
        req: &Required,
        timing: Option<&Timing>,
        frame: &[Value],
        wanted: &[(usize, Value)],
    ) {
        let Some(h) = self.hypo.filter(|h| h.recording()) else {
            return;
        };
        let events = self.index.of_action(req.action);
        if let Some(t) = timing {
            let anchored =
                matches!(self.value(&t.anchor, frame), Value::Event(id) if id == HYPOTHETICAL);
            if anchored {
                let ds = match t.within.as_ref().map(|d| self.value(d, frame)) {
                    Some(Value::Duration(d)) => vec![d],
                    Some(Value::Imprecise(_, lo, hi)) => vec![lo, hi],
                    _ => vec![0],
                };
                for ev in events.iter().filter_map(|&e| self.event(e)) {
                    for t in [ev.at, ev.at_hi] {
                        h.cut_at(t);
                        for &d in &ds {
                            h.cut_at(t.saturating_add(d));
                            h.cut_at(t.saturating_sub(d));
                        }
                    }
                }
            }
        }
        let later = h.later();
        let env = Env {
            hypo: Some(&later),
            ..*self
        };
        let moved = env.required_values(req, frame);
        for ((i, w0), (_, w1)) in wanted.iter().zip(&moved) {
            let (w0, w1) = (ends(w0), ends(w1));
            if w0.len() != w1.len() {
                continue;
            }
            for ev in events.iter().filter_map(|&e| self.event(e)) {
                let args = ev.args.get(*i).map(ends).unwrap_or_default();
                for arg in args {
                    for (a0, a1) in w0.iter().zip(&w1) {
                        h.cut(arg - a0, arg - a1);
                    }
                }
            }
        }
    }

    fn exists(&self, req: &Required, timing: Option<&Timing>, frame: &[Value]) -> Truth {
        let wanted = self.required_values(req, frame);
        self.note_exists_cuts(req, timing, frame, &wanted);
        let listed = if self.report.imprecise {
            self.exists_imprecise(req.action, &wanted, timing, frame)
        } else {
            self.exists_exact(req.action, &wanted, timing, frame)
        };
        if listed.is_true() || !self.unrecorded_could(req.action, &wanted, timing, frame) {
            return listed;
        }
        listed.or(Truth::Unknown)
    }

    /// `exists` over a report whose events all have exact times: the
    /// window is two binary searches.
    fn exists_exact(
        &self,
        action: ActionId,
        wanted: &[(usize, Value)],
        timing: Option<&Timing>,
        frame: &[Value],
    ) -> Truth {
        let (events, exclude, maybe) = match self.window(timing, frame) {
            Window::All => (self.index.of_action(action), None, false),
            Window::Unknown => (self.index.of_action(action), None, true),
            Window::Range { lo, hi, exclude } => {
                (self.index.between(action, lo, hi), exclude, false)
            }
        };
        Truth::any(events.iter().filter(|&&id| Some(id) != exclude).map(|&id| {
            let m = self
                .event(id)
                .map_or(Truth::Unknown, |ev| Env::matches(wanted, ev.args));
            if maybe {
                m.and(Truth::Unknown)
            } else {
                m
            }
        }))
    }

    /// `exists` where some time is imprecise (§6): each timing is the
    /// three-valued comparison of the two intervals.
    fn exists_imprecise(
        &self,
        action: ActionId,
        wanted: &[(usize, Value)],
        timing: Option<&Timing>,
        frame: &[Value],
    ) -> Truth {
        let Some(timing) = timing else {
            return self.exists_exact(action, wanted, None, frame);
        };
        let events = self.index.of_action(action);
        let (anchor, within) = match self.anchor(timing, frame) {
            Some(a) => a,
            None => return self.exists_exact(action, wanted, Some(timing), frame),
        };
        let x = anchor.time();
        Truth::any(events.iter().map(|&id| {
            let Some(ev) = self.event(id) else {
                return Truth::Unknown;
            };
            let m = Env::matches(wanted, ev.args);
            if m.is_false() {
                return m;
            }
            let e = ev.time();
            let when = match (timing.kind, within) {
                // X itself never counts (nor is it before or after itself).
                _ if id == anchor.id => Truth::False,
                (TimingKind::Before, None) => e.lt(x),
                (TimingKind::After, None) => x.lt(e),
                (TimingKind::Before, Some(d)) => x.plus(-d).le(e).and(e.le(x)),
                (TimingKind::After, Some(d)) => x.le(e).and(e.le(x.plus(d))),
            };
            m.and(when)
        }))
    }

    /// The anchor event of a timing and its `within` distance, when both
    /// are known.
    fn anchor(&self, timing: &Timing, frame: &[Value]) -> Option<(EventView<'a>, Option<i64>)> {
        let anchor = match self.value(&timing.anchor, frame) {
            Value::Event(id) => self.event(id)?,
            _ => return None,
        };
        let within = match &timing.within {
            None => None,
            Some(d) => match self.value(d, frame) {
                Value::Duration(d) => Some(d),
                _ => return None,
            },
        };
        Some((anchor, within))
    }

    /// Could an event that the report's `unrecorded` clauses allow match
    /// `wanted` (no argument of the two known to differ) at a time the
    /// timing admits, no later than `as_of` (§6)?
    pub fn unrecorded_could(
        &self,
        action: ActionId,
        wanted: &[(usize, Value)],
        timing: Option<&Timing>,
        frame: &[Value],
    ) -> bool {
        if self.report.unrecorded.is_empty() {
            return false;
        }
        let in_time = match timing.and_then(|t| self.anchor(t, frame).map(|a| (t.kind, a))) {
            Some((TimingKind::After, (anchor, None))) => anchor.at < self.report.as_of,
            Some((TimingKind::After, (anchor, Some(_)))) => anchor.at <= self.report.as_of,
            _ => true,
        };
        in_time && self.unrecorded_covers(action, wanted)
    }

    /// Could an unrecorded event of `action` have these arguments?
    pub fn unrecorded_covers(&self, action: ActionId, wanted: &[(usize, Value)]) -> bool {
        self.report.unrecorded.iter().any(|clause| {
            clause.action == action
                && clause.args.iter().all(|(i, e)| {
                    let given = self.value(e, &[]);
                    wanted
                        .iter()
                        .filter(|(j, _)| j == i)
                        .all(|(_, v)| !eq3(v, &given).is_false())
                })
        })
    }
}

/// Whether `max_response` occurs anywhere in `e`.
pub(crate) fn mentions_max_response(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::MaxResponse(_) => true,
        ExprKind::Lit(_) | ExprKind::Var(_) => false,
        ExprKind::Field(x, _)
        | ExprKind::Param(x, _)
        | ExprKind::At(x)
        | ExprKind::Not(x)
        | ExprKind::Known(x) => mentions_max_response(x),
        ExprKind::And(xs) | ExprKind::Or(xs) | ExprKind::SetLit(xs) => {
            xs.iter().any(mentions_max_response)
        }
        ExprKind::Cmp(_, a, b) | ExprKind::Arith(_, a, b) | ExprKind::In(a, b) => {
            mentions_max_response(a) || mentions_max_response(b)
        }
        ExprKind::Exists(req, timing) => {
            req.args.iter().any(|(_, x)| mentions_max_response(x))
                || timing.as_ref().is_some_and(|t| {
                    mentions_max_response(&t.anchor)
                        || t.within.as_ref().is_some_and(|w| mentions_max_response(w))
                })
        }
    }
}
