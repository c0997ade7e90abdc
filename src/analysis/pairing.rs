//! How `norma diff` (§10) pairs the norms of two versions beyond their
//! names: the attributes (severity, a red line's response) that differ
//! between a norm's two versions, and which removed and added norms may
//! be one norm renamed.
//!
//! This module only proposes: a rename candidate is confirmed by the
//! solver in [`diff`](super::diff) (its findings agree on every scenario
//! of at most K events), never by resemblance alone. It reads the merged
//! program and does no solving or printing.

use crate::model::{ActionId, Modality, NormDef, NormId, Program};

/// One attribute of a norm that differs between the versions, as its
/// effective value (no `severity` is `medium`; a norm that is not a red
/// line has no response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// `severity` or `response`.
    pub key: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Attribute {
    /// `severity high → critical`; a missing value is `none`.
    pub fn describe(&self) -> String {
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        format!("{} {} → {}", self.key, value(&self.old), value(&self.new))
    }
}

/// The attributes of `old` (under the old version) and `new` (under the
/// new one) that differ, severity first.
pub(crate) fn attributes(p: &Program, old: NormId, new: NormId) -> Vec<Attribute> {
    let response = |n: NormId| {
        p.norm(n).response.and_then(|(e, m)| {
            p.enums
                .get(e.index())
                .and_then(|def| def.members.get(m as usize))
                .cloned()
        })
    };
    let (a, b) = (p.norm(old), p.norm(new));
    let mut out = Vec::new();
    if a.severity != b.severity {
        out.push(Attribute {
            key: "severity",
            old: Some(a.severity.as_str().to_string()),
            new: Some(b.severity.as_str().to_string()),
        });
    }
    let (ra, rb) = (response(old), response(new));
    if ra != rb {
        out.push(Attribute {
            key: "response",
            old: ra,
            new: rb,
        });
    }
    out
}

/// The action whose events carry a norm's findings: a forbid's or
/// permit's matched action, a duty's required action.
fn carrier(p: &Program, n: NormId) -> Option<ActionId> {
    let d = p.norm(n);
    match d.modality {
        Modality::Oblige => d.required.as_ref().map(|r| r.action),
        _ => d.matched.as_ref().map(|m| m.action),
    }
}

/// Can `old` and `new` be one norm renamed, before asking the solver?
/// Only norms of the same modality and kind whose findings ride on the
/// same action (and, for a duty, whose trigger is on the same action) are
/// worth a query: others agree at most where both are silent. Actions are
/// compared by name, so that one declared differently in the two
/// versions still makes a candidate — which the caller then reports as
/// not analysed rather than silently not renamed.
pub(crate) fn may_be_renamed(p: &Program, old: NormId, new: NormId) -> bool {
    let (a, b) = (p.norm(old), p.norm(new));
    let name = |x: Option<ActionId>| x.map(|x| p.action(x).name.as_str());
    let trigger = |n: &NormDef| name(n.trigger.as_ref().map(|t| t.pattern.action));
    a.modality == b.modality
        && a.kind == b.kind
        && carrier(p, old).is_some()
        && name(carrier(p, old)) == name(carrier(p, new))
        && trigger(a) == trigger(b)
}

/// Pair removed and added norms, each at most once: every removed norm
/// in name order takes the first added norm, in name order, not yet
/// taken, that `agrees` with it. Norms are given by their places in the
/// caller's lists of `removed` and `added` norms, sorted by name.
pub(crate) fn pick(
    removed: usize,
    added: usize,
    agrees: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut taken = vec![false; added];
    let mut out = Vec::new();
    for r in 0..removed {
        if let Some(a) = (0..added).find(|&a| !taken[a] && agrees(r, a)) {
            taken[a] = true;
            out.push((r, a));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pick;

    #[test]
    fn each_norm_pairs_once_in_name_order() {
        // Both removed norms agree with both added ones.
        assert_eq!(pick(2, 2, |_, _| true), vec![(0, 0), (1, 1)]);
        // Only the second removed norm agrees with the first added one.
        assert_eq!(pick(2, 2, |r, a| r == 1 && a == 0), vec![(1, 0)]);
        // One added norm for two removed ones: the first takes it.
        assert_eq!(pick(2, 1, |_, _| true), vec![(0, 0)]);
        // The first removed norm takes the first added one that agrees,
        // leaving the other for the second.
        assert_eq!(pick(2, 2, |r, a| r == 1 || a == 1), vec![(0, 1), (1, 0)]);
    }
}
