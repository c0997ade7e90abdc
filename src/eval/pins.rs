//! Conjuncts that rule a norm out of an event before anything is bound:
//! a `when` whose top-level `and` has a conjunct that reads only the
//! matched event (a parameter, or a chain of fields from one) and a
//! literal — `PLACE op CONSTANT` or `CONSTANT op PLACE` with any
//! comparison, or `PLACE` or `not PLACE` for a `Bool` — is certainly
//! false on an event whose PLACE holds a known value that makes that
//! conjunct false, so the norm does not apply there, gives no finding and
//! is not in force, whatever the rest of its conditions and its
//! exceptions say. The comparison is the evaluator's own
//! ([`super::expr::compare`]). With a thousand norms on one action, most
//! differ from an event in such a conjunct; checking it is a few field
//! reads, where binding and judging the norm is a walk of its conditions.
//!
//! Only exact cases are pins: both values known, a literal that is not a
//! set; anything else (`?`, a value that is not an entity where a field
//! is read) leaves the norm to be judged in full. A test judges random
//! norms and events with and without pins and requires the same findings.

use crate::model::{CmpOp, Expr, ExprKind, NormDef, Program, Value};

use super::expr::compare;

#[derive(Debug)]
pub(crate) struct Pin {
    param: usize,
    fields: Vec<usize>,
    test: Test,
}

/// What makes a pin's conjunct false at a known value of its place.
#[derive(Debug)]
enum Test {
    /// `PLACE op VALUE` is false.
    Cmp(CmpOp, Value),
    /// `PLACE` (with `true`) or `not PLACE` (with `false`) is false: the
    /// place holds the other `Bool`.
    Is(bool),
}

/// `a op b` as `b op' a`.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        same => same,
    }
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
        let (p, test) = match &c.kind {
            ExprKind::Cmp(op, a, b) => {
                let (p, op, lit) = match (&a.kind, &b.kind) {
                    (_, ExprKind::Lit(v)) => (place(a), *op, v),
                    (ExprKind::Lit(v), _) => (place(b), flipped(*op), v),
                    _ => continue,
                };
                if matches!(lit, Value::Set(_) | Value::Unknown | Value::Event(_)) {
                    continue;
                }
                (p, Test::Cmp(op, lit.clone()))
            }
            ExprKind::Not(inner) => (place(inner), Test::Is(false)),
            _ => (place(c), Test::Is(true)),
        };
        let Some((param, fields)) = p else { continue };
        out.push(Pin {
            param,
            fields,
            test,
        });
    }
    out
}

/// The known value at a place of an event with these arguments: `None`
/// where it is not known (`?`, a field read from what is not an entity)
/// or is a set or an event, which no pin judges.
fn known_at<'p>(
    program: &'p Program,
    args: &'p [Value],
    param: usize,
    fields: &[usize],
) -> Option<&'p Value> {
    let mut v = args.get(param)?;
    for &f in fields {
        let Value::Entity(id) = v else {
            return None;
        };
        v = program.entities.get(id.index())?.fields.get(f)?;
    }
    (!matches!(v, Value::Unknown | Value::Set(_) | Value::Event(_))).then_some(v)
}

impl Pin {
    /// The event's value at this place is known and makes the conjunct
    /// false.
    pub(crate) fn rules_out(&self, program: &Program, args: &[Value]) -> bool {
        let Some(v) = known_at(program, args, self.param, &self.fields) else {
            return false;
        };
        match &self.test {
            Test::Cmp(op, value) => compare(*op, v, value).is_false(),
            Test::Is(want) => matches!(v, Value::Bool(b) if b != want),
        }
    }
}

/// The `==` pins of the norms on one action, by place and value: which of
/// those norms an event rules out, found with one lookup per place instead
/// of one test per norm (a thousand norms on one action mostly differ from
/// an event in the same few places). Norms are numbered by their position
/// in the action's forbids followed by its permits. It only ever finds
/// what [`Pin::rules_out`] finds: each norm's first `==` pin at a place is
/// in it, and the pins stay where they are.
#[derive(Debug, Default)]
pub(crate) struct Sieve {
    places: Vec<SievePlace>,
    /// Words of a set of norms.
    words: usize,
}

#[derive(Debug)]
struct SievePlace {
    param: usize,
    fields: Vec<usize>,
    /// The norms with an `==` pin here.
    pinned: Vec<u64>,
    /// Of those, the ones whose pin is this value.
    by_value: rustc_hash::FxHashMap<Value, Vec<u64>>,
}

impl Sieve {
    /// The sieve of `norms` (an action's forbids then permits), with their
    /// pins (indexed by `NormId`).
    pub(crate) fn build(norms: &[crate::model::NormId], pins: &[Vec<Pin>]) -> Sieve {
        let words = norms.len().div_ceil(64);
        let mut places: Vec<SievePlace> = Vec::new();
        for (k, n) in norms.iter().enumerate() {
            let (word, bit) = (k / 64, 1u64 << (k % 64));
            for pin in pins.get(n.index()).map_or(&[][..], Vec::as_slice) {
                let Test::Cmp(CmpOp::Eq, value) = &pin.test else {
                    continue;
                };
                let at = match places
                    .iter()
                    .position(|p| p.param == pin.param && p.fields == pin.fields)
                {
                    Some(at) => at,
                    None => {
                        places.push(SievePlace {
                            param: pin.param,
                            fields: pin.fields.clone(),
                            pinned: vec![0; words],
                            by_value: Default::default(),
                        });
                        places.len() - 1
                    }
                };
                let place = &mut places[at];
                // A second `==` pin at one place stays a pin only.
                if place.pinned[word] & bit != 0 {
                    continue;
                }
                place.pinned[word] |= bit;
                place
                    .by_value
                    .entry(value.clone())
                    .or_insert_with(|| vec![0; words])[word] |= bit;
            }
        }
        Sieve { places, words }
    }

    /// The norms an event with these arguments rules out, as a set of
    /// positions (empty when none is).
    pub(crate) fn ruled_out(&self, program: &Program, args: &[Value]) -> Vec<u64> {
        let mut out = Vec::new();
        for place in &self.places {
            let Some(v) = known_at(program, args, place.param, &place.fields) else {
                continue;
            };
            if out.is_empty() {
                out = vec![0; self.words];
            }
            let kept = place.by_value.get(v);
            for (w, slot) in out.iter_mut().enumerate() {
                let keep = kept.map_or(0, |k| k[w]);
                *slot |= place.pinned[w] & !keep;
            }
        }
        out
    }
}

/// Is position `k` in a set of [`Sieve::ruled_out`]?
pub(crate) fn has(set: &[u64], k: usize) -> bool {
    set.get(k / 64).is_some_and(|w| w & (1 << (k % 64)) != 0)
}

#[cfg(test)]
mod tests {
    use crate::model::ReportId;

    /// Random norms whose `when` has every kind of pin, judged on random
    /// events with `?` among their values, with and without pins.
    #[test]
    fn pins_change_no_finding() {
        let mut rand = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
        let ops = ["==", "!=", "<", "<=", ">", ">="];
        let levels = ["none", "low", "mid", "high"];
        let mut pinned = 0;
        for _ in 0..60 {
            let mut t = String::from(
                "enum Level { none < low < mid < high }\n\
                 type Asset { critical: Bool, level: Level, n: Int }\n\
                 action act(by: Asset, lvl: Level, n: Int, flag: Bool)\n",
            );
            let unknown = |r: usize, v: String| if r == 0 { "?".to_string() } else { v };
            // The assets are the report's own, so their fields may be `?`.
            let mut assets = String::new();
            for a in 0..4 {
                assets.push_str(&format!(
                    "  entity A{a}: Asset {{ critical: {}, level: {}, n: {} }}\n",
                    unknown(rand(4), (rand(2) == 0).to_string()),
                    unknown(rand(4), levels[rand(4)].to_string()),
                    unknown(rand(4), rand(4).to_string()),
                ));
            }
            for b in 0..2 {
                t.push_str(&format!(
                    "entity B{b}: Asset {{ critical: {}, level: {}, n: {} }}\n",
                    rand(2) == 0,
                    levels[rand(4)],
                    rand(4),
                ));
            }
            for n in 0..10 {
                let mut conds = Vec::new();
                for _ in 0..1 + rand(3) {
                    let op = ops[rand(ops.len())];
                    let lv = levels[rand(4)];
                    let k = rand(4);
                    conds.push(match rand(11) {
                        0 => "a.critical".to_string(),
                        1 => "not a.critical".to_string(),
                        2 => "f".to_string(),
                        3 => "not x.flag".to_string(),
                        4 => format!("a.level {op} {lv}"),
                        5 => format!("{lv} {op} l"),
                        6 => format!("k {op} {k}"),
                        7 => format!("{k} {op} a.n"),
                        8 => format!("x.lvl {op} {lv}"),
                        9 => format!("a {} B{}", ["==", "!="][rand(2)], rand(2)),
                        _ => format!("x.n {op} {k}"),
                    });
                }
                let modality = if rand(3) == 0 { "permit" } else { "forbid" };
                t.push_str(&format!(
                    "norm n{n} {{ source \"t\" {modality} x: act(by: a, lvl: l, n: k, flag: f) when {} }}\n",
                    conds.join(" and ")
                ));
            }
            t.push_str("report r {\n");
            t.push_str(&assets);
            for e in 0..24 {
                t.push_str(&format!(
                    "  event e{e}: act(by: {}, lvl: {}, n: {}, flag: {}) at 2020-01-0{}\n",
                    unknown(rand(5), format!("{}{}", ["A", "B"][rand(2)], rand(2))),
                    unknown(rand(5), levels[rand(4)].to_string()),
                    unknown(rand(5), rand(4).to_string()),
                    unknown(rand(5), (rand(2) == 0).to_string()),
                    1 + rand(8),
                ));
            }
            t.push_str("}\n");
            let s = crate::driver::check_text("pins.norma", &t);
            let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{errors:#?}\n{t}");
            let program = &s.program;
            let report = program.report(ReportId(0));
            let with = super::super::evaluate(program, ReportId(0)).findings;
            let mut index = super::super::index::ReportIndex::build(program, report);
            pinned += index.pins.iter().map(Vec::len).sum::<usize>();
            index.pins.clear();
            index.sieves.clear();
            let prepared = super::super::report::Prepared::with_index(program, report, index);
            let env = prepared.env();
            let duties = super::super::report::duties(&env);
            let without = super::super::report::findings(&env, &duties);
            assert_eq!(format!("{with:?}"), format!("{without:?}"), "{t}");
        }
        assert!(pinned > 500, "only {pinned} pins");
    }
}
