//! Completion in context. The text around the cursor says what is wanted
//! (a field after `.`, a member after `Enum::`, a parameter inside an
//! action's argument list, a value of the expected type, a name); the
//! checked program says what exists and what type each name has.
//!
//! Half-typed input often does not parse, and a declaration that does not
//! parse has no variables in the program. So the enclosing declaration is
//! found by name in the text, then looked up in the latest analysis that
//! has it: the current one, or the last one in which the document parsed.

use lsp_types::{CompletionItem, CompletionItemKind as Kind};

use super::state::Analysis;
use crate::model::{ModuleId, Program, ReportId, Ty, VarDef};
use crate::span::FileId;

const KEYWORDS: &[&str] = &crate::syntax::token::KEYWORDS;
const BUILTIN_TYPES: &[&str] = &["Bool", "Int", "Text", "Time", "Duration", "Set"];
const TOP_LEVEL: &[&str] = &[
    "use",
    "enum",
    "type",
    "action",
    "const",
    "entity",
    "norm",
    "redline",
    "exception",
    "report",
];

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Where the names of the enclosing declaration are looked up.
struct Scope<'a> {
    p: &'a Program,
    /// The document's module and the modules it uses.
    visible: Vec<ModuleId>,
    vars: &'a [VarDef],
    report: Option<ReportId>,
}

impl<'a> Scope<'a> {
    /// The scope of `enclosing` (keyword, name) in `a`, if `a` has it.
    fn find(a: &'a Analysis, file: FileId, enclosing: Option<(&str, &str)>) -> Option<Scope<'a>> {
        let p = &a.session.program;
        let module = p.modules.iter().position(|m| m.file == file)?;
        let mid = ModuleId(module as u32);
        let mut visible = vec![mid];
        visible.extend(p.modules[module].uses.iter().copied());
        let mut scope = Scope {
            p,
            visible,
            vars: &[],
            report: None,
        };
        let Some((kw, name)) = enclosing else {
            return Some(scope);
        };
        match kw {
            "norm" | "redline" => {
                let n = p.norms.iter().find(|n| n.module == mid && n.name == name)?;
                scope.vars = &n.vars;
            }
            "exception" => {
                let e = p
                    .exceptions
                    .iter()
                    .find(|e| e.module == mid && e.name == name)?;
                scope.vars = &p.norms.get(e.root.index())?.vars;
            }
            "report" => {
                let r = p
                    .reports
                    .iter()
                    .position(|r| r.module == mid && r.name == name)?;
                scope.report = Some(ReportId(r as u32));
            }
            _ => {}
        }
        Some(scope)
    }

    fn sees(&self, m: ModuleId) -> bool {
        self.visible.contains(&m)
    }

    /// The type of a bare name: a variable, a report's entity or event, a
    /// const or an entity.
    fn name_ty(&self, name: &str) -> Option<Ty> {
        if let Some(v) = self.vars.iter().find(|v| v.name == name) {
            return Some(v.ty.clone());
        }
        if let Some(rid) = self.report {
            let r = self.p.reports.get(rid.index())?;
            if let Some(ev) = r.events.iter().find(|e| e.name == name) {
                return Some(Ty::Event(ev.action));
            }
        }
        if let Some(e) = self.p.entities.iter().find(|e| {
            e.name == name
                && match e.report {
                    Some(r) => Some(r) == self.report,
                    None => self.sees(e.module),
                }
        }) {
            return Some(Ty::Record(e.record));
        }
        let c = self
            .p
            .consts
            .iter()
            .find(|c| c.name == name && self.sees(c.module))?;
        Some(c.ty.clone())
    }

    /// The type of `a.b.c`.
    fn chain_ty(&self, chain: &str) -> Option<Ty> {
        let mut segs = chain.split('.');
        let mut ty = self.name_ty(segs.next()?)?;
        for seg in segs {
            ty = member_ty(self.p, &ty, seg)?;
        }
        Some(ty)
    }
}

fn member_ty(p: &Program, ty: &Ty, name: &str) -> Option<Ty> {
    match ty {
        Ty::Record(r) => {
            let f = p
                .records
                .get(r.index())?
                .fields
                .iter()
                .find(|f| f.name == name)?;
            Some(f.ty.clone())
        }
        Ty::Event(a) => {
            if name == "at" {
                return Some(Ty::Time);
            }
            let f = p
                .actions
                .get(a.index())?
                .params
                .iter()
                .find(|f| f.name == name)?;
            Some(f.ty.clone())
        }
        _ => None,
    }
}

fn item(label: &str, kind: Kind, detail: Option<String>, rank: u8) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        sort_text: Some(format!("{rank}{label}")),
        ..Default::default()
    }
}

/// The fields (or parameters and `at`) of a value of type `ty`.
fn field_items(p: &Program, ty: &Ty) -> Vec<CompletionItem> {
    let fields = match ty {
        Ty::Record(r) => p.records.get(r.index()).map(|r| &r.fields),
        Ty::Event(a) => p.actions.get(a.index()).map(|a| &a.params),
        _ => None,
    };
    let mut out: Vec<CompletionItem> = fields
        .into_iter()
        .flatten()
        .map(|f| item(&f.name, Kind::FIELD, Some(p.show_ty(&f.ty)), 0))
        .collect();
    if matches!(ty, Ty::Event(_)) {
        out.push(item("at", Kind::FIELD, Some("Time".into()), 0));
    }
    out
}

fn enum_members(p: &Program, ty: &Ty, rank: u8) -> Vec<CompletionItem> {
    match ty {
        Ty::Enum(e) => p.enums.get(e.index()).map_or_else(Vec::new, |e| {
            e.members
                .iter()
                .map(|m| item(m, Kind::ENUM_MEMBER, Some(e.name.clone()), rank))
                .collect()
        }),
        Ty::Bool => ["true", "false"]
            .iter()
            .map(|b| item(b, Kind::KEYWORD, Some("Bool".into()), rank))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every name usable here, and the keywords.
fn general(s: &Scope<'_>) -> Vec<CompletionItem> {
    let p = s.p;
    let mut out = Vec::new();
    for v in s.vars {
        out.push(item(&v.name, Kind::VARIABLE, Some(p.show_ty(&v.ty)), 1));
    }
    if let Some(r) = s.report.and_then(|r| p.reports.get(r.index())) {
        for ev in &r.events {
            let action = p.actions.get(ev.action.index()).map(|a| a.name.clone());
            out.push(item(&ev.name, Kind::EVENT, action, 1));
        }
    }
    for e in &p.entities {
        let visible = match e.report {
            Some(r) => Some(r) == s.report,
            None => s.sees(e.module),
        };
        if visible {
            let ty = p.records.get(e.record.index()).map(|r| r.name.clone());
            out.push(item(&e.name, Kind::VALUE, ty, 2));
        }
    }
    for c in p.consts.iter().filter(|c| s.sees(c.module)) {
        out.push(item(&c.name, Kind::CONSTANT, Some(p.show_ty(&c.ty)), 2));
    }
    for n in p.norms.iter().filter(|n| s.sees(n.module)) {
        out.push(item(&n.name, Kind::INTERFACE, n.title.clone(), 2));
    }
    for e in p.exceptions.iter().filter(|e| s.sees(e.module)) {
        out.push(item(&e.name, Kind::INTERFACE, e.title.clone(), 2));
    }
    for a in p.actions.iter().filter(|a| s.sees(a.module)) {
        out.push(item(&a.name, Kind::FUNCTION, Some("action".into()), 2));
    }
    for r in p.records.iter().filter(|r| s.sees(r.module)) {
        out.push(item(&r.name, Kind::STRUCT, Some("type".into()), 2));
    }
    for e in p.enums.iter().filter(|e| s.sees(e.module)) {
        out.push(item(&e.name, Kind::ENUM, Some("enum".into()), 2));
        for m in &e.members {
            out.push(item(m, Kind::ENUM_MEMBER, Some(e.name.clone()), 2));
        }
    }
    for t in BUILTIN_TYPES {
        out.push(item(t, Kind::STRUCT, Some("built-in type".into()), 3));
    }
    for f in ["known", "max_response"] {
        out.push(item(f, Kind::FUNCTION, Some("built-in".into()), 3));
    }
    for k in KEYWORDS {
        out.push(item(k, Kind::KEYWORD, None, 3));
    }
    out
}

/// The top-level declaration the cursor is in: (keyword, name), found as
/// the nearest line before it that starts (unindented) with a keyword.
pub(super) fn enclosing_decl(text: &str, off: usize) -> Option<(&str, &str)> {
    for line in text[..off].lines().rev() {
        let kw: String = line.chars().take_while(|c| is_ident(*c)).collect();
        if !TOP_LEVEL.contains(&kw.as_str()) {
            continue;
        }
        let rest = line[kw.len()..].trim_start();
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let kw = &line[..kw.len()];
        return Some((kw, &rest[..end]));
    }
    None
}

/// Walking back from `from`: the unmatched `(` or `{` the cursor is inside,
/// and the last `,` at that level before the cursor.
fn enclosing_open(text: &str, from: usize) -> Option<(usize, char, Option<usize>)> {
    let mut depth = 0usize;
    let mut comma = None;
    let floor = from.saturating_sub(8192);
    for (i, c) in text[..from].char_indices().rev() {
        if i < floor {
            break;
        }
        match c {
            ')' | '}' => depth += 1,
            '(' | '{' if depth == 0 => return Some((i, c, comma)),
            '(' | '{' => depth -= 1,
            ',' if depth == 0 && comma.is_none() => comma = Some(i),
            ';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The identifier that ends at `end` (after optional spaces).
fn ident_before(text: &str, end: usize) -> &str {
    let t = text[..end].trim_end();
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c))
        .last()
        .map_or(t.len(), |(i, _)| i);
    &t[start..]
}

/// `a.b.c` ending at `end`.
fn chain_before(text: &str, end: usize) -> &str {
    let t = &text[..end];
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c) || *c == '.')
        .last()
        .map_or(t.len(), |(i, _)| i);
    &t[start..]
}

/// Completion items at byte `off` of the document `file` of `current`
/// (its text is the document's text); `fallback` is the last analysis in
/// which the document parsed.
pub(super) fn complete(
    current: &Analysis,
    fallback: Option<&Analysis>,
    uri: &lsp_types::Url,
    off: usize,
) -> Vec<CompletionItem> {
    let Some(file) = current.file(uri) else {
        return Vec::new();
    };
    let text = current.source(file).text.as_str();
    let mut off = off.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..off];
    if line.contains("//") || line.matches('"').count() % 2 == 1 {
        return Vec::new();
    }
    let start = text[..off]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c))
        .last()
        .map_or(off, |(i, _)| i);
    let enclosing = enclosing_decl(text, start);
    let scope = Scope::find(current, file, enclosing).or_else(|| {
        let fb = fallback?;
        Scope::find(fb, fb.file(uri)?, enclosing)
    });
    let scope = match scope {
        Some(s) => s,
        None => match Scope::find(current, file, None) {
            Some(s) => s,
            None => {
                return KEYWORDS
                    .iter()
                    .map(|k| item(k, Kind::KEYWORD, None, 3))
                    .collect()
            }
        },
    };
    in_context(&scope, text, start)
}

fn in_context(s: &Scope<'_>, text: &str, start: usize) -> Vec<CompletionItem> {
    let p = s.p;
    let before = &text[..start];
    if let Some(head) = before.strip_suffix("::") {
        return path_items(s, chain_path(head));
    }
    if let Some(head) = before.strip_suffix('.') {
        return s
            .chain_ty(chain_before(text, head.len()))
            .map_or_else(Vec::new, |ty| field_items(p, &ty));
    }
    if let Some(items) = lines::by_line(s, text, start) {
        return items;
    }
    let word = ident_before(text, start);
    match word {
        "severity" => {
            return ["low", "medium", "high", "critical"]
                .iter()
                .map(|l| item(l, Kind::KEYWORD, Some("severity".into()), 0))
                .collect()
        }
        "response" => {
            return p
                .ladder
                .map_or_else(Vec::new, |l| enum_members(p, &Ty::Enum(l), 0))
        }
        "use" => {
            return crate::resolve::loader::stdlib_modules()
                .map(|(m, _)| item(&format!("std::{m}"), Kind::MODULE, None, 0))
                .collect()
        }
        "expect" | "not" if word == "expect" || before.trim_end().ends_with("expect not") => {
            let mut out: Vec<CompletionItem> = crate::model::FindingKind::ALL
                .iter()
                .map(|k| item(k.as_str(), Kind::KEYWORD, Some("finding".into()), 0))
                .collect();
            if word == "expect" {
                out.push(item("clean", Kind::KEYWORD, None, 0));
                out.push(item("not", Kind::KEYWORD, None, 0));
            }
            return out;
        }
        _ => {}
    }
    let mut out = Vec::new();
    if let Some(expected) = expected_ty(s, text, start) {
        out.extend(enum_members(p, &expected, 0));
    } else if let Some(params) = argument_names(s, text, start) {
        return params;
    }
    out.extend(general(s));
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert(i.label.clone()));
    out
}

/// `a::b` (identifiers and `::`) ending at the end of `head`.
fn chain_path(head: &str) -> Vec<&str> {
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c) || *c == ':')
        .last()
        .map_or(head.len(), |(i, _)| i);
    head[start..]
        .split("::")
        .filter(|s| !s.is_empty())
        .collect()
}

/// After `X::`: the modules of `std`, the declarations of a module, or the
/// members of an enum.
fn path_items(s: &Scope<'_>, segs: Vec<&str>) -> Vec<CompletionItem> {
    let p = s.p;
    if segs == ["std"] {
        return crate::resolve::loader::stdlib_modules()
            .map(|(m, _)| item(m, Kind::MODULE, None, 0))
            .collect();
    }
    let path = segs.join("::");
    if let Some(m) = p.modules.iter().position(|m| m.name == path) {
        let mid = ModuleId(m as u32);
        let scope = Scope {
            p,
            visible: vec![mid],
            vars: &[],
            report: None,
        };
        return general(&scope)
            .into_iter()
            .filter(|i| i.sort_text.as_deref().is_some_and(|t| t.starts_with('2')))
            .collect();
    }
    let Some(last) = segs.last() else {
        return Vec::new();
    };
    p.enums
        .iter()
        .position(|e| e.name == *last)
        .map_or_else(Vec::new, |e| {
            enum_members(p, &Ty::Enum(crate::model::EnumId(e as u32)), 0)
        })
}

/// Inside an argument or field list, at the start of an argument: the
/// parameters (or fields) not given yet.
fn argument_names(s: &Scope<'_>, text: &str, start: usize) -> Option<Vec<CompletionItem>> {
    let p = s.p;
    let (open, c, comma) = enclosing_open(text, start)?;
    let from = comma.unwrap_or(open) + 1;
    if !text[from..start].trim().is_empty() {
        return None;
    }
    let fields = owner_fields(s, text, open, c)?;
    let given: Vec<&str> = text[open + 1..start]
        .split(',')
        .filter_map(|arg| arg.split(':').next())
        .map(str::trim)
        .collect();
    Some(
        fields
            .iter()
            .filter(|f| !given.contains(&f.name.as_str()))
            .map(|f| {
                let mut i = item(&f.name, Kind::FIELD, Some(p.show_ty(&f.ty)), 0);
                i.insert_text = Some(format!("{}: ", f.name));
                i
            })
            .collect(),
    )
}

/// The parameters of the action called at `open` (`(`), or the fields of
/// the record of the entity whose body opens at `open` (`{`).
fn owner_fields<'p>(
    s: &Scope<'p>,
    text: &str,
    open: usize,
    c: char,
) -> Option<&'p [crate::model::FieldDef]> {
    let p = s.p;
    let name = ident_before(text, open);
    if c == '(' {
        let a = p
            .actions
            .iter()
            .find(|a| a.name == name && s.sees(a.module))
            .or_else(|| p.actions.iter().find(|a| a.name == name))?;
        return Some(&a.params);
    }
    // `entity NAME: TYPE {`
    let head = text[..open].trim_end();
    let head = head[..head.len() - name.len()].trim_end();
    head.strip_suffix(':')?;
    let r = p
        .records
        .iter()
        .find(|r| r.name == name && s.sees(r.module))
        .or_else(|| p.records.iter().find(|r| r.name == name))?;
    Some(&r.fields)
}

/// The type expected at the cursor: after `param:` in an argument list, or
/// after a comparison with a name of known type.
fn expected_ty(s: &Scope<'_>, text: &str, start: usize) -> Option<Ty> {
    let before = text[..start].trim_end();
    for op in ["==", "!=", ">=", "<=", ">", "<"] {
        if let Some(lhs) = before.strip_suffix(op) {
            let lhs = lhs.trim_end();
            return s.chain_ty(chain_before(lhs, lhs.len()));
        }
    }
    let head = before.strip_suffix(':')?;
    let name = ident_before(head, head.len());
    let (open, c, _) = enclosing_open(text, start)?;
    let fields = owner_fields(s, text, open, c)?;
    fields.iter().find(|f| f.name == name).map(|f| f.ty.clone())
}

#[path = "complete_lines.rs"]
mod lines;

#[cfg(test)]
#[path = "complete_tests.rs"]
mod tests;
