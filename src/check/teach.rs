//! Errors that teach: hints added to the checker's diagnostics where a
//! drafter wrote something the language spells differently — a quoted time
//! or enum member, a Bool written `"yes"`, `1` or `True`, an entity the
//! report never declared, a name that lives in a module the file does not
//! `use`, an event read by a name its pattern never gave — and the pattern
//! variables of an unknown action, bound anyway so that one typo is one
//! error.
//!
//! Only hints live here: each function takes a diagnostic the checker made
//! (or the list of them) and adds notes and fixes; none decides whether a
//! program is valid.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diagnostics::{Code, Diagnostic, Fix, Label};
use crate::model::{ActionDef, ActionId, Expr, ExprKind, Modality, Pattern, Ty, Value, VarDef};
use crate::resolve::loader::{stdlib_modules, LoadedModule};
use crate::resolve::Scopes;
use crate::span::Span;
use crate::syntax::{ast, lexer, token::Tok};

use super::Checker;

/// A pattern that does not name the event it matches (`forbid
/// operate(...)`, no `x:`).
#[derive(Clone, Debug)]
pub(super) struct UnnamedEvent {
    norm: String,
    /// `on`, `on breach of NORM`, `forbid` or `permit`.
    clause: String,
    action: ActionId,
    /// The pattern, whose start is where a name goes.
    pattern: Span,
}

/// The patterns of norm `norm` that name no event: its trigger's (with
/// the words before it: `on`, `on breach of NORM`) and its `forbid` or
/// `permit` clause's.
pub(super) fn unnamed_events(
    norm: &str,
    trigger: Option<(String, &Pattern)>,
    matched: Option<(Modality, &Pattern)>,
) -> Vec<UnnamedEvent> {
    let clauses = trigger
        .into_iter()
        .chain(matched.map(|(m, p)| (m.as_str().to_string(), p)));
    clauses
        .filter(|(_, p)| p.binder.is_none())
        .map(|(clause, p)| UnnamedEvent {
            norm: norm.to_string(),
            clause,
            action: p.action,
            pattern: p.span,
        })
        .collect()
}

/// How Norma writes a Bool that other notations write `yes`, `1`, `True`
/// or `null`: `true`, `false` or `?` (not known).
pub(super) fn bool_spelling(written: &str) -> Option<&'static str> {
    match written.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some("true"),
        "false" | "no" | "off" | "0" => Some("false"),
        "unknown" | "null" | "none" | "nil" | "n/a" | "" => Some("?"),
        _ => None,
    }
}

impl Checker<'_> {
    /// A text or an integer where a Bool belongs (`un_member: "yes"`,
    /// `osce: 1`): say how a Bool is written.
    pub(super) fn bool_hint(&self, d: Diagnostic, e: &Expr, want: &Ty) -> Diagnostic {
        if *want != Ty::Bool {
            return d;
        }
        let (written, shown) = match &e.kind {
            ExprKind::Lit(Value::Text(t)) => (t.to_string(), format!("`\"{t}\"`")),
            ExprKind::Lit(Value::Int(i)) => (i.to_string(), format!("`{i}`")),
            _ => return d,
        };
        match bool_spelling(&written) {
            Some(spelled) => self.bool_note(d, spelled, &shown, e.span),
            None => d.with_note(if self.env.allow_unknown {
                "a Bool is written `true`, `false`, or `?` when the fact is not known"
            } else {
                "a Bool is written `true` or `false`"
            }),
        }
    }

    /// Say to write `spelled` (`true`, `false` or `?`) for what was
    /// written as `shown`, at `span`. `?` is only for reports: a norm
    /// tests whether a fact is known with `known(...)`.
    pub(super) fn bool_note(
        &self,
        d: Diagnostic,
        spelled: &str,
        shown: &str,
        span: Span,
    ) -> Diagnostic {
        if spelled == "?" && !self.env.allow_unknown {
            return d.with_note(
                "a Bool is written `true` or `false`; a norm asks whether a fact is known with `known(...)`",
            );
        }
        let values = if self.env.allow_unknown {
            "`true`, `false`, or `?` when the fact is not known"
        } else {
            "`true` or `false`"
        };
        d.with_note(format!(
            "a Bool is written {values}: write `{spelled}`, not {shown}"
        ))
        .with_fix(span, spelled)
    }

    /// `x.at` or `x.intent` where `x` is unknown and a pattern of the norm
    /// matches events with that field but names none: the E0201 just made
    /// for `x` says how to name the event.
    pub(super) fn unnamed_event_read(&mut self, base: &ast::Expr, field: &str) {
        let ast::ExprKind::Path(p) = &base.kind else {
            return;
        };
        let ours = |d: &Diagnostic| d.code == Code::E0201 && d.span == base.span;
        if !p.is_single() || !self.diags.last().is_some_and(ours) {
            return;
        }
        if let Some(d) = self.diags.pop() {
            let name = &p.segments[0].name;
            let d = self.name_the_event(d, name, |_, action| {
                field == "at" || action.params.iter().any(|f| f.name == field)
            });
            self.diags.push(d);
        }
    }

    /// An unknown `name` that reads an event: if a pattern of the norm
    /// matches such events (`fits`) without naming them, replace the
    /// "did you mean" with how to name the event — the `forbid` or
    /// `permit` clause's before the trigger's.
    pub(super) fn name_the_event(
        &self,
        mut d: Diagnostic,
        name: &str,
        fits: impl Fn(ActionId, &ActionDef) -> bool,
    ) -> Diagnostic {
        let Some(u) = self
            .env
            .unnamed
            .iter()
            .filter(|u| fits(u.action, &self.prog.actions[u.action.index()]))
            .max_by_key(|u| !u.clause.starts_with("on"))
        else {
            return d;
        };
        let action = &self.prog.actions[u.action.index()].name;
        d.notes.clear();
        d.notes.push(format!(
            "`{}` does not name the event its `{}` clause matches: write `{} {name}: {action}(...)` to read that event as `{name}`",
            u.norm, u.clause, u.clause
        ));
        let start = u.pattern.start as usize;
        // The action's name, where the pattern is written plainly.
        let callee = Span::new(u.pattern.file, start, start + action.len());
        let text = &self.sources.get(u.pattern.file).text;
        let shown = if text.get(callee.range()) == Some(action.as_str()) {
            callee
        } else {
            u.pattern
        };
        d.labels.push(Label {
            span: shown,
            message: format!("name the event here: `{name}: {action}(...)`"),
        });
        let at = Span::new(u.pattern.file, start, start);
        d.fix = Some(Fix {
            span: at,
            replacement: format!("{name}: "),
            message: format!("name the event `{name}`"),
        });
        d
    }

    /// A string literal where a time or an enum member belongs: say to
    /// drop the quotes (with the fix) when the text inside is one.
    pub(super) fn unquote_hint(&self, d: Diagnostic, e: &Expr, want: &Ty) -> Diagnostic {
        let ExprKind::Lit(Value::Text(text)) = &e.kind else {
            return d;
        };
        let fits = match want {
            Ty::Time => crate::time::parse_time(text).is_ok(),
            Ty::Duration => crate::time::parse_duration(text).is_ok(),
            Ty::Enum(id) => self.prog.enums[id.index()]
                .members
                .iter()
                .any(|m| **m == **text),
            _ => false,
        };
        if !fits {
            return d;
        }
        let what = match want {
            Ty::Time => "times",
            Ty::Duration => "durations",
            _ => "enum members",
        };
        d.with_note(format!(
            "{what} are written without quotes: `{text}`, not `\"{text}\"`"
        ))
        .with_fix(e.span, text.to_string())
    }

    /// An unknown bare name where an entity of a record type was expected
    /// (an event's `by: DD`): list the entities of that type in sight, and
    /// say how to declare one.
    pub(super) fn undeclared_entity_hint(
        &self,
        d: Diagnostic,
        name: &str,
        expected: Option<&Ty>,
    ) -> Diagnostic {
        let Some(Ty::Record(r)) = expected else {
            return d;
        };
        let record = &self.prog.records[r.index()];
        let mut known: Vec<&str> = self
            .env
            .locals
            .iter()
            .filter(|(_, local)| local.ty() == Ty::Record(*r))
            .map(|(n, _)| n)
            .collect();
        known.sort_unstable();
        let fields: Vec<String> = record
            .fields
            .iter()
            .map(|f| format!("{}: ...", f.name))
            .collect();
        let declare = format!(
            "declare it in the report: `entity {name}: {} {{ {} }}`",
            record.name,
            fields.join(", ")
        );
        if known.is_empty() {
            d.with_note(declare)
        } else {
            d.with_note(format!(
                "the {} entities here are: {}",
                record.name,
                known.join(", ")
            ))
            .with_note(format!("or {declare}"))
        }
    }

    /// The pattern of an action that does not exist still binds its
    /// variables (with an unknown type), so the `when` that uses them does
    /// not add a "cannot find" for each: one typo, one error.
    pub(super) fn bind_without_action(
        binder: &Option<ast::Ident>,
        call: &ast::Call,
        vars: &mut Vec<VarDef>,
    ) {
        let names = binder
            .iter()
            .chain(call.args.iter().filter_map(|a| a.value.as_ident()));
        for name in names {
            if name.name != "_" && !vars.iter().any(|v| v.name == name.name) {
                vars.push(VarDef {
                    name: name.name.clone(),
                    ty: Ty::Error,
                    span: name.span,
                });
            }
        }
    }
}

/// Where a name that could not be found is declared in a module the file
/// does not `use` (the standard library, or another module loaded in this
/// run): one E0201 per file and module, saying which `use` line to add,
/// with the other names it would bring listed — not one "cannot find" per
/// name.
pub(super) fn suggest_uses(scopes: &Scopes, modules: &[LoadedModule], diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<(crate::span::FileId, String), usize> = HashMap::new();
    let mut extra: HashMap<usize, Vec<String>> = HashMap::new();
    let mut drop = vec![false; diags.len()];
    for i in 0..diags.len() {
        let d = &diags[i];
        if d.code != Code::E0201 || d.fix.is_some() {
            continue;
        }
        let Some(name) = unknown_name(&d.message).map(str::to_string) else {
            continue;
        };
        let Some(module) = declaring_module(scopes, modules, d.span.file, &name) else {
            continue;
        };
        match first.get(&(d.span.file, module.clone())) {
            Some(&j) => {
                let names = extra.entry(j).or_default();
                let shown = format!("`{name}`");
                if !names.contains(&shown) && unknown_name(&diags[j].message) != Some(name.as_str())
                {
                    names.push(shown);
                }
                drop[i] = true;
            }
            None => {
                first.insert((d.span.file, module.clone()), i);
                let d = &mut diags[i];
                d.notes.push(format!(
                    "`{name}` is declared in `{module}`, which this file does not use: add `use {module};` at the top"
                ));
                d.fix = Some(Fix {
                    span: Span::new(d.span.file, 0, 0),
                    replacement: format!("use {module};\n"),
                    message: format!("add `use {module};`"),
                });
            }
        }
    }
    for (j, names) in extra {
        if names.is_empty() {
            continue;
        }
        let n = names.len();
        diags[j].notes.push(format!(
            "that `use` also declares {} used here ({n} more unknown {} not reported separately)",
            names.join(", "),
            if n == 1 { "name" } else { "names" }
        ));
    }
    let mut i = 0;
    diags.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// The `X` of "I cannot find ... named `X`".
fn unknown_name(message: &str) -> Option<&str> {
    let rest = message.split("named `").nth(1)?;
    let name = rest.split('`').next()?;
    (!name.contains("::")).then_some(name)
}

/// A module that declares `name` (as a declaration or an enum member) and
/// that the file does not already use.
fn declaring_module(
    scopes: &Scopes,
    modules: &[LoadedModule],
    file: crate::span::FileId,
    name: &str,
) -> Option<String> {
    let here = modules.iter().position(|m| m.file == file)?;
    let used: Vec<&str> = modules[here]
        .uses
        .iter()
        .map(|&(_, t)| modules[t].name.as_str())
        .collect();
    let in_loaded = scopes
        .decls
        .iter()
        .filter(|d| d.name == name && d.module != here)
        .map(|d| modules[d.module].name.clone())
        .find(|m| !modules.iter().any(|x| x.name == *m && x.is_entry));
    let found = in_loaded.or_else(|| std_names().get(name).map(|m| format!("std::{m}")))?;
    (!used.contains(&found.as_str())).then_some(found)
}

/// Every name the standard library declares (declarations and enum
/// members), with the module that declares it first.
fn std_names() -> &'static HashMap<String, &'static str> {
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut out = HashMap::new();
        for (module, text) in stdlib_modules() {
            let toks: Vec<Tok<'_>> = lexer::stream(text).map(|(_, t, _)| t).collect();
            let mut i = 0;
            while i + 1 < toks.len() {
                let declares = matches!(
                    toks[i],
                    Tok::Enum
                        | Tok::Type
                        | Tok::Action
                        | Tok::Const
                        | Tok::Entity
                        | Tok::Norm
                        | Tok::Redline
                        | Tok::Exception
                );
                if let (true, Tok::Ident(name)) = (declares, &toks[i + 1]) {
                    out.entry(name.to_string()).or_insert(module);
                    if toks[i] == Tok::Enum {
                        let mut j = i + 2;
                        while j < toks.len() && toks[j] != Tok::RBrace {
                            if let Tok::Ident(member) = &toks[j] {
                                out.entry(member.to_string()).or_insert(module);
                            }
                            j += 1;
                        }
                    }
                }
                i += 1;
            }
        }
        out
    })
}
