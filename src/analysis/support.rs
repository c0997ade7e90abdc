//! What the engine encodes exactly, and what it does not. A norm that
//! uses a construct outside the encoding is *not analysed*: it is listed
//! with the reason and left out of every claim, never approximated.
//!
//! `max_response` and `on breach of` triggers are encoded (`judged`):
//! they read the findings of other norms, which must then be encodable
//! too (the callers check the norms a [`super::judged::Plan`] reads).
//!
//! Outside the encoding:
//! - values of type `Set` that are not written in the text (a set-valued
//!   field or parameter), except a field read as `x in e.field` with
//!   members that are enum members, Booleans or entities: that is a
//!   membership relation the solver chooses and the witness writes out.
//! - event-valued record fields, and actions whose parameters a witness
//!   could not write (a set-valued parameter).
//! - a tree of more than [`MAX_EXCEPTIONS`] exceptions on one norm.

use std::collections::HashSet;

use crate::model::{ActionId, Expr, ExprKind, NormDef, NormId, Program, RecordId, Ty, Value};

/// Exceptions (with their own exceptions, to any depth) one norm may have
/// for the engine to encode it.
pub(crate) const MAX_EXCEPTIONS: usize = 2_000;

/// Every expression of a norm: its trigger's `when`, its `when` and
/// `unless`, its required arguments, and those of every exception in its
/// tree.
pub(crate) fn norm_exprs<'a>(
    program: &'a Program,
    norm: &'a NormDef,
) -> impl Iterator<Item = &'a Expr> + 'a {
    let own = norm
        .trigger
        .as_ref()
        .and_then(|t| t.when.as_ref())
        .into_iter()
        .chain(norm.when.as_ref())
        .chain(norm.unless.as_ref())
        .chain(
            norm.required
                .iter()
                .flat_map(|r| r.args.iter().map(|(_, e)| e)),
        );
    let tree = exception_tree(program, norm);
    own.chain(
        tree.into_iter()
            .filter_map(move |x| program.exceptions.get(x))
            .flat_map(|x| x.when.iter().chain(x.unless.as_ref())),
    )
}

/// The exceptions of a norm's tree, breadth first (indices).
pub(crate) fn exception_tree(program: &Program, norm: &NormDef) -> Vec<usize> {
    let mut out: Vec<usize> = norm.exceptions.iter().map(|x| x.index()).collect();
    let mut seen: HashSet<usize> = out.iter().copied().collect();
    let mut k = 0;
    while k < out.len() && out.len() <= MAX_EXCEPTIONS {
        if let Some(def) = program.exceptions.get(out[k]) {
            for c in &def.exceptions {
                if seen.insert(c.index()) {
                    out.push(c.index());
                }
            }
        }
        k += 1;
    }
    out
}

/// Call `f` on every literal value in `e`.
pub(crate) fn each_literal(e: &Expr, f: &mut dyn FnMut(&Value)) {
    walk(e, &mut |x| {
        if let ExprKind::Lit(v) = &x.kind {
            f(v);
        }
    });
}

/// Call `f` on every node of `e`, parents first.
pub(crate) fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    visit(e, &mut |x| {
        f(x);
        true
    });
}

/// Call `f` on the nodes of `e`, parents first; where `f` returns false,
/// the node's operands are not visited.
fn visit(e: &Expr, f: &mut dyn FnMut(&Expr) -> bool) {
    e.visit(f);
}

/// A set-valued field the encoding reads: the set of `x in e.field`,
/// with members that are enum members, Booleans or entities.
fn member_set(s: &Expr) -> bool {
    matches!(s.kind, ExprKind::Field(..))
        && matches!(&s.ty, Ty::Set(elem) if matches!(**elem, Ty::Enum(_) | Ty::Bool | Ty::Record(_)))
}

/// Why an expression is outside the encoding, if it is.
fn unsupported_expr(e: &Expr) -> Option<String> {
    let mut why = None;
    visit(e, &mut |x| {
        if why.is_some() {
            return false;
        }
        if let ExprKind::In(elem, set) = &x.kind {
            if let (true, ExprKind::Field(owner, _)) = (member_set(set), &set.kind) {
                // The set itself is read as a membership relation; its
                // element and its owner are ordinary expressions.
                why = unsupported_expr(elem).or_else(|| unsupported_expr(owner));
                return false;
            }
        }
        why = unsupported_here(x);
        true
    });
    why
}

/// The form of `e` itself (not its operands).
fn unsupported_here(x: &Expr) -> Option<String> {
    match &x.kind {
        ExprKind::Var(_) | ExprKind::Field(..) | ExprKind::Param(..)
            if matches!(x.ty, Ty::Set(_)) =>
        {
            Some(
                "compares a set-valued field or parameter, which a scenario would have to choose"
                    .into(),
            )
        }
        ExprKind::Field(..) if matches!(x.ty, Ty::Event(_)) => {
            Some("reads an event-valued field of a record".into())
        }
        _ => None,
    }
}

/// Can a witness write every argument of an event of `action`?
pub(crate) fn action_writable(program: &Program, action: ActionId) -> bool {
    let mut seen = HashSet::new();
    program.actions[action.index()]
        .params
        .iter()
        .all(|p| ty_writable(program, &p.ty, &mut seen))
}

fn ty_writable(program: &Program, ty: &Ty, seen: &mut HashSet<RecordId>) -> bool {
    match ty {
        Ty::Set(_) | Ty::Error => false,
        Ty::Record(r) => {
            !seen.insert(*r)
                || program.records[r.index()]
                    .fields
                    .iter()
                    .all(|f| match &f.ty {
                        Ty::Event(_) => false,
                        // A set of entities, enum members or Booleans is
                        // written as the members among the witness's values.
                        Ty::Set(elem) => {
                            matches!(**elem, Ty::Enum(_) | Ty::Bool | Ty::Record(_))
                                && ty_writable(program, elem, seen)
                        }
                        t => ty_writable(program, t, seen),
                    })
        }
        _ => true,
    }
}

/// Why a norm (with its exceptions) is outside the encoding, if it is.
pub(crate) fn unsupported(program: &Program, norm: NormId) -> Option<String> {
    let def = program.norm(norm);
    if exception_tree(program, def).len() > MAX_EXCEPTIONS {
        return Some(format!(
            "has more than {MAX_EXCEPTIONS} exceptions (with their own exceptions)"
        ));
    }
    let actions = def
        .trigger
        .iter()
        .map(|t| t.pattern.action)
        .chain(def.matched.iter().map(|p| p.action))
        .chain(def.required.iter().map(|r| r.action));
    for a in actions {
        if !action_writable(program, a) {
            return Some(format!(
                "its action `{}` has a parameter no scenario can write (a set, or an \
                 event-valued field)",
                program.action(a).name
            ));
        }
    }
    for e in norm_exprs(program, def) {
        if let Some(why) = unsupported_expr(e) {
            return Some(why);
        }
        let mut bad = None;
        walk(e, &mut |x| {
            if let ExprKind::Exists(req, _) = &x.kind {
                if bad.is_none() && !action_writable(program, req.action) {
                    bad = Some(program.action(req.action).name.clone());
                }
            }
        });
        if let Some(a) = bad {
            return Some(format!(
                "looks for events of `{a}`, which has a parameter no scenario can write"
            ));
        }
    }
    None
}
