//! Kleene's three-valued logic in the solver: every condition is a pair of
//! formulas, "certainly true" and "certainly false" (the dual-rail
//! encoding). A scenario knows every fact, so both rails are complements
//! there; only the hypothetical act of a duty (§7.1), whose unspecified
//! arguments are `?`, makes a condition neither — exactly as the
//! evaluator's `Truth` does.

use z3::ast::{Bool, Int};

/// A value in the solver. `Int` carries every value that is a number in
/// the evaluator's eyes, or an identity: integers, times and durations
/// in seconds, enum members by index, entities and texts by code, events
/// by slot.
#[derive(Clone, Debug)]
pub(crate) enum Sym {
    B(Bool),
    I(Int),
    /// A literal set or a `Set` constant: finitely many values.
    Set(Vec<Val>),
}

/// A value and whether it is known (not `?`).
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub sym: Sym,
    pub known: Bool,
}

impl Val {
    pub fn known(sym: Sym) -> Val {
        Val {
            sym,
            known: Bool::from_bool(true),
        }
    }

    pub fn int(i: i64) -> Val {
        Val::known(Sym::I(Int::from_i64(i)))
    }

    /// `?`: its symbol is a placeholder nothing reads while it is unknown.
    pub fn unknown() -> Val {
        Val {
            sym: Sym::I(Int::from_i64(0)),
            known: Bool::from_bool(false),
        }
    }

    pub fn as_int(&self) -> Option<&Int> {
        match &self.sym {
            Sym::I(i) => Some(i),
            _ => None,
        }
    }

    /// The evaluator's `Truth::from_value`: a Bool is itself, anything
    /// else (or `?`) is unknown.
    pub fn truth(&self) -> Tri {
        match &self.sym {
            Sym::B(b) => Tri {
                t: Bool::and(&[&self.known, b]),
                f: Bool::and(&[self.known.clone(), b.not()]),
            },
            _ => Tri::unknown(),
        }
    }
}

/// A three-valued condition: `t` holds where it is certainly true, `f`
/// where it is certainly false; neither is unknown. Never both.
#[derive(Clone, Debug)]
pub(crate) struct Tri {
    pub t: Bool,
    pub f: Bool,
}

impl Tri {
    pub fn lit(b: bool) -> Tri {
        Tri {
            t: Bool::from_bool(b),
            f: Bool::from_bool(!b),
        }
    }

    pub fn unknown() -> Tri {
        Tri {
            t: Bool::from_bool(false),
            f: Bool::from_bool(false),
        }
    }

    /// A two-valued fact.
    pub fn exact(b: Bool) -> Tri {
        Tri { f: b.not(), t: b }
    }

    pub fn not(&self) -> Tri {
        Tri {
            t: self.f.clone(),
            f: self.t.clone(),
        }
    }

    pub fn and(items: &[Tri]) -> Tri {
        match items {
            [] => Tri::lit(true),
            [one] => one.clone(),
            _ => Tri {
                t: Bool::and(&items.iter().map(|x| &x.t).collect::<Vec<_>>()),
                f: Bool::or(&items.iter().map(|x| &x.f).collect::<Vec<_>>()),
            },
        }
    }

    pub fn or(items: &[Tri]) -> Tri {
        match items {
            [] => Tri::lit(false),
            [one] => one.clone(),
            _ => Tri {
                t: Bool::or(&items.iter().map(|x| &x.t).collect::<Vec<_>>()),
                f: Bool::and(&items.iter().map(|x| &x.f).collect::<Vec<_>>()),
            },
        }
    }

    pub fn and2(&self, other: &Tri) -> Tri {
        Tri::and(&[self.clone(), other.clone()])
    }

    /// Restrict to where `guard` holds; elsewhere certainly false (a
    /// guard is a two-valued fact such as "this slot is an event of that
    /// action").
    pub fn guarded(&self, guard: &Bool) -> Tri {
        Tri {
            t: Bool::and(&[guard, &self.t]),
            f: Bool::or(&[&guard.not(), &self.f]),
        }
    }

    /// The value of a condition used as a Bool value.
    pub fn to_val(&self) -> Val {
        Val {
            sym: Sym::B(self.t.clone()),
            known: Bool::or(&[&self.t, &self.f]),
        }
    }

    /// Known: certainly true or certainly false.
    pub fn is_known(&self) -> Bool {
        Bool::or(&[&self.t, &self.f])
    }
}
