//! Kleene's three-valued logic: [`Truth`] and its `∧ ∨ ¬`. Every condition
//! of the evaluator is a `Truth`; nothing here knows about norms or reports.

use serde::Serialize;

use crate::model::Value;

/// A truth value of Kleene's strong three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    /// `Bool(b)` is `b`; anything else (`?`, an ill-typed value) is unknown.
    pub fn from_value(v: &Value) -> Truth {
        match v {
            Value::Bool(b) => Truth::from_bool(*b),
            _ => Truth::Unknown,
        }
    }

    pub fn to_value(self) -> Value {
        match self {
            Truth::True => Value::Bool(true),
            Truth::False => Value::Bool(false),
            Truth::Unknown => Value::Unknown,
        }
    }

    /// Kleene conjunction: false wins, then unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene disjunction: true wins, then unknown.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    // Named like the operator on purpose: `t.not()` reads as `¬t`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    pub fn is_true(self) -> bool {
        self == Truth::True
    }

    pub fn is_false(self) -> bool {
        self == Truth::False
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }

    /// `⋁` of a sequence (false when empty), stopping at the first true.
    pub fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut acc = Truth::False;
        for t in items {
            acc = acc.or(t);
            if acc.is_true() {
                break;
            }
        }
        acc
    }

    /// `⋀` of a sequence (true when empty), stopping at the first false.
    pub fn all(items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut acc = Truth::True;
        for t in items {
            acc = acc.and(t);
            if acc.is_false() {
                break;
            }
        }
        acc
    }
}

impl std::fmt::Display for Truth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, False as F, True as T, Unknown as U};

    const ALL: [Truth; 3] = [T, F, U];

    #[test]
    fn kleene_tables() {
        assert_eq!(F.and(U), F);
        assert_eq!(U.and(F), F);
        assert_eq!(T.and(U), U);
        assert_eq!(T.and(T), T);
        assert_eq!(T.or(U), T);
        assert_eq!(U.or(T), T);
        assert_eq!(F.or(U), U);
        assert_eq!(F.or(F), F);
        assert_eq!(U.not(), U);
        assert_eq!(T.not(), F);
        assert_eq!(Truth::any([]), F);
        assert_eq!(Truth::all([]), T);
        assert_eq!(Truth::any([F, U, F]), U);
        assert_eq!(Truth::all([T, U, F]), F);
    }

    #[test]
    fn laws_hold_for_every_value() {
        for a in ALL {
            assert_eq!(a.not().not(), a);
            for b in ALL {
                assert_eq!(a.and(b), b.and(a));
                assert_eq!(a.or(b), b.or(a));
                // De Morgan
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
                assert_eq!(a.or(b).not(), a.not().and(b.not()));
                for c in ALL {
                    assert_eq!(a.and(b.and(c)), a.and(b).and(c));
                    assert_eq!(a.or(b.and(c)), a.or(b).and(a.or(c)));
                }
            }
        }
    }
}
