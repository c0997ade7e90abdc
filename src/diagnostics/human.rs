//! Human-readable diagnostics through ariadne: a label on every span
//! involved, across files, colour on request.

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::span::SourceMap;

/// Render diagnostics as text, followed by a summary line.
pub fn render_human(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    let cache_sources: Vec<(String, String)> = sources
        .files()
        .map(|(_, f)| (f.name.clone(), f.text.clone()))
        .collect();
    let mut cache = ariadne::sources(cache_sources);
    for d in diags {
        let file = &sources.get(d.span.file).name;
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let primary_color = match d.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
        };
        let mut report = Report::build(kind, (file.clone(), d.span.range()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte),
            )
            .with_code(d.code.as_str())
            .with_message(&d.message)
            .with_label(
                Label::new((file.clone(), d.span.range()))
                    .with_message(d.primary_label.as_deref().unwrap_or(&d.message))
                    .with_color(primary_color)
                    .with_order(0),
            );
        for (i, l) in d.labels.iter().enumerate() {
            let lf = sources.get(l.span.file).name.clone();
            report = report.with_label(
                Label::new((lf, l.span.range()))
                    .with_message(&l.message)
                    .with_color(Color::Blue)
                    .with_order(i as i32 + 1),
            );
        }
        for n in &d.notes {
            if let Some(help) = n.strip_prefix("did you mean") {
                report = report.with_help(format!("did you mean{help}"));
            } else {
                report = report.with_note(n);
            }
        }
        let _ = report.finish().write(&mut cache, &mut out);
        out.extend_from_slice(super::pointer(d.code.as_str()).as_bytes());
        out.push(b'\n');
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    let named = diags
        .iter()
        .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)))
        .map(|s| sources.get(s.file).name.as_str());
    text.push_str(&super::stdlib_note(named));
    text.push_str(&summary_line(diags));
    text.push('\n');
    text
}

/// `2 errors, 1 warning` / `no problems found`.
pub fn summary_line(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems found".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
