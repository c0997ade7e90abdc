//! What is at a position, and where it is declared: hover, go to
//! definition, find references. Everything comes from the checked
//! program: `Program::refs` (every resolved name, where written and what it
//! refers to) and the declarations' name spans.

use crate::model::{ExceptionTarget, NormKind, Program, Ty};
use crate::span::{FileId, Span};

/// A name at the cursor: where it is written and the name span of its
/// declaration (the same span when the cursor is on a declaration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub at: Span,
    pub def: Span,
}

fn touches(s: Span, file: FileId, off: usize) -> bool {
    s.file == file && s.start as usize <= off && off <= s.end as usize
}

/// The name at byte `off` of `file`, if it is resolved or declares something.
pub(super) fn target_at(p: &Program, file: FileId, off: usize) -> Option<Target> {
    let width = |s: Span| s.end - s.start;
    if let Some(r) = p
        .refs
        .iter()
        .filter(|r| touches(r.at, file, off))
        .min_by_key(|r| width(r.at))
    {
        return Some(Target {
            at: r.at,
            def: r.def,
        });
    }
    declared_names(p)
        .into_iter()
        .filter(|d| touches(*d, file, off))
        .min_by_key(|d| width(*d))
        .map(|d| Target { at: d, def: d })
}

/// The name span of every declaration, field, parameter, enum member,
/// norm variable, report entity and event.
pub(super) fn declared_names(p: &Program) -> Vec<Span> {
    let mut out = Vec::new();
    for e in &p.enums {
        out.push(e.name_span);
        out.extend(e.member_spans.iter().copied());
    }
    for r in &p.records {
        out.push(r.name_span);
        out.extend(r.fields.iter().map(|f| f.span));
    }
    for a in &p.actions {
        out.push(a.name_span);
        out.extend(a.params.iter().map(|f| f.span));
    }
    out.extend(p.consts.iter().map(|c| c.name_span));
    out.extend(p.entities.iter().map(|e| e.name_span));
    for n in &p.norms {
        out.push(n.name_span);
        out.extend(n.vars.iter().map(|v| v.span));
    }
    out.extend(p.exceptions.iter().map(|e| e.name_span));
    for r in &p.reports {
        out.push(r.name_span);
        out.extend(r.events.iter().map(|e| e.name_span));
    }
    out
}

/// Every place that refers to `def`, and `def` itself if asked.
pub(super) fn references(p: &Program, def: Span, include_declaration: bool) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    if include_declaration {
        out.push(def);
    }
    for r in &p.refs {
        if r.def == def && !out.contains(&r.at) {
            out.push(r.at);
        }
    }
    out
}

fn code(text: &str) -> String {
    format!("```norma\n{text}\n```")
}

fn with_doc(mut parts: Vec<String>, doc: Option<&String>) -> String {
    if let Some(d) = doc.filter(|d| !d.trim().is_empty()) {
        parts.push(d.trim().to_string());
    }
    parts.join("\n\n")
}

fn fields_text(p: &Program, fields: &[crate::model::FieldDef]) -> String {
    fields
        .iter()
        .map(|f| format!("{}: {}", f.name, p.show_ty(&f.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Markdown describing the declaration named at `def`.
pub(super) fn describe(p: &Program, def: Span) -> Option<String> {
    if def.start == 0 && def.end == 0 {
        let m = p.modules.iter().find(|m| m.file == def.file)?;
        return Some(code(&format!("module {}", m.name)));
    }
    for e in &p.enums {
        let sep = if e.ordered { " < " } else { ", " };
        if e.name_span == def {
            let text = format!("enum {} {{ {} }}", e.qualified, e.members.join(sep));
            return Some(with_doc(vec![code(&text)], e.doc.as_ref()));
        }
        if let Some(i) = e.member_spans.iter().position(|s| *s == def) {
            let member = e.members.get(i)?;
            let rank = if e.ordered {
                format!(
                    "member {} of {} (ordered, lowest first)",
                    i + 1,
                    e.members.len()
                )
            } else {
                format!("one of {} members", e.members.len())
            };
            let text = format!("{}::{member}", e.name);
            return Some(with_doc(vec![code(&text), rank], e.doc.as_ref()));
        }
    }
    for r in &p.records {
        if r.name_span == def {
            let text = format!("type {} {{ {} }}", r.qualified, fields_text(p, &r.fields));
            return Some(with_doc(vec![code(&text)], r.doc.as_ref()));
        }
        if let Some(f) = r.fields.iter().find(|f| f.span == def) {
            let text = format!("{}.{}: {}", r.name, f.name, p.show_ty(&f.ty));
            return Some(with_doc(
                vec![code(&text), format!("field of `{}`", r.name)],
                None,
            ));
        }
    }
    for a in &p.actions {
        if a.name_span == def {
            let text = format!("action {}({})", a.qualified, fields_text(p, &a.params));
            let at = "Every event of this action also has `.at: Time`.".to_string();
            return Some(with_doc(vec![code(&text), at], a.doc.as_ref()));
        }
        if let Some(f) = a.params.iter().find(|f| f.span == def) {
            let text = format!("{}({}: {})", a.name, f.name, p.show_ty(&f.ty));
            return Some(with_doc(
                vec![code(&text), format!("parameter of action `{}`", a.name)],
                None,
            ));
        }
    }
    if let Some(c) = p.consts.iter().find(|c| c.name_span == def) {
        let text = format!(
            "const {}: {} = {}",
            c.qualified,
            p.show_ty(&c.ty),
            p.show_value(&c.value, None)
        );
        return Some(with_doc(vec![code(&text)], c.doc.as_ref()));
    }
    if let Some(e) = p.entities.iter().find(|e| e.name_span == def) {
        let report = e.report.and_then(|r| p.reports.get(r.index()));
        let record = p.records.get(e.record.index())?;
        let fields = record
            .fields
            .iter()
            .zip(&e.fields)
            .map(|(f, v)| format!("{}: {}", f.name, p.show_value(v, report)))
            .collect::<Vec<_>>()
            .join(", ");
        let text = format!("entity {}: {} {{ {fields} }}", e.name, record.name);
        return Some(with_doc(vec![code(&text)], e.doc.as_ref()));
    }
    if let Some(d) = describe_norm_like(p, def) {
        return Some(d);
    }
    for r in &p.reports {
        if r.name_span == def {
            let mut parts = vec![code(&format!("report {}", r.qualified))];
            if let Some(t) = &r.title {
                parts.push(format!("**{t}**"));
            }
            parts.push(format!(
                "as of {}; {} events",
                crate::time::format_time(r.as_of),
                r.events.len()
            ));
            return Some(with_doc(parts, r.doc.as_ref()));
        }
        if let Some(ev) = r.events.iter().find(|e| e.name_span == def) {
            let action = p.actions.get(ev.action.index())?;
            let args = action
                .params
                .iter()
                .zip(&ev.args)
                .map(|(f, v)| format!("{}: {}", f.name, p.show_value(v, Some(r))))
                .collect::<Vec<_>>()
                .join(", ");
            let text = format!(
                "event {}: {}({args}) at {}",
                ev.name,
                action.name,
                crate::time::format_time(ev.at)
            );
            return Some(with_doc(vec![code(&text)], ev.doc.as_ref()));
        }
    }
    None
}

/// Norms, red lines, exceptions, and the variables of their patterns.
fn describe_norm_like(p: &Program, def: Span) -> Option<String> {
    for n in &p.norms {
        if n.name_span == def {
            let kind = match n.kind {
                NormKind::Norm => "norm",
                NormKind::Redline => "redline",
            };
            let mut parts = vec![code(&format!("{kind} {}", n.qualified))];
            if let Some(t) = &n.title {
                parts.push(format!("**{t}**"));
            }
            let mut facts = vec![
                format!("{} · severity {}", n.modality.as_str(), n.severity.as_str()),
                match &n.source {
                    Some(s) => format!("Source: {s}"),
                    None => "No `source` citation.".to_string(),
                },
            ];
            if let Some((e, m)) = n.response {
                let rung = p
                    .enums
                    .get(e.index())
                    .and_then(|e| e.members.get(m as usize));
                if let Some(rung) = rung {
                    facts.push(format!("Response: {rung}"));
                }
            }
            parts.push(facts.join("  \n"));
            return Some(with_doc(parts, n.doc.as_ref()));
        }
        if let Some(v) = n.vars.iter().find(|v| v.span == def) {
            let text = format!("{}: {}", v.name, show_var_ty(p, &v.ty));
            return Some(code(&text) + &format!("\n\nvariable of `{}`", n.name));
        }
    }
    let e = p.exceptions.iter().find(|e| e.name_span == def)?;
    let target = match e.target {
        ExceptionTarget::Norm(id) => p.norms.get(id.index()).map(|n| n.qualified.clone()),
        ExceptionTarget::Exception(id) => p.exceptions.get(id.index()).map(|x| x.qualified.clone()),
    }
    .unwrap_or_default();
    let mut parts = vec![code(&format!("exception {} to {target}", e.qualified))];
    if let Some(t) = &e.title {
        parts.push(format!("**{t}**"));
    }
    if let Some(s) = &e.source {
        parts.push(format!("Source: {s}"));
    }
    Some(with_doc(parts, e.doc.as_ref()))
}

fn show_var_ty(p: &Program, ty: &Ty) -> String {
    match ty {
        Ty::Event(_) => format!("{} (an event)", p.show_ty(ty)),
        _ => p.show_ty(ty),
    }
}
