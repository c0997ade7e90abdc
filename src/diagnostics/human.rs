//! Human-readable diagnostics through ariadne: a label on every span
//! involved, across files, colour on request.

use std::io::Write;
use std::ops::Range;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

use super::{is_omitted_summary, window, Diagnostic, Severity};
use crate::span::{FileId, SourceMap};

/// Render diagnostics as text, followed by a summary line. Long lines are
/// shown cut around the spans (see [`window`](super::window)); the summary
/// of diagnostics left out past the first 100 of a file is one line.
pub fn render_human(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let mut out = Vec::new();
    // Only the files a diagnostic points into: indexing the lines of every
    // file loaded (the standard library too) cost more than rendering.
    let mut used: Vec<FileId> = diags
        .iter()
        .flat_map(|d| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)))
        .collect();
    used.sort_unstable();
    used.dedup();
    let cache_sources: Vec<(String, String)> = used
        .iter()
        .map(|&f| (sources.get(f).name.clone(), sources.get(f).text.clone()))
        .collect();
    let mut cache = ariadne::sources(cache_sources);
    for d in diags {
        let file = &sources.get(d.span.file).name;
        if is_omitted_summary(d) {
            let _ = writeln!(
                out,
                "{}[{}]: {} ({file})",
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            );
            continue;
        }
        // Every span shown, by file, as ariadne will see them.
        let mut spans: Vec<(FileId, Range<usize>)> = std::iter::once(d.span)
            .chain(d.labels.iter().map(|l| l.span))
            .map(|s| {
                (
                    s.file,
                    window::shown_span(&sources.get(s.file).text, &s.range()),
                )
            })
            .collect();
        let mut files: Vec<FileId> = spans.iter().map(|(f, _)| *f).collect();
        files.sort_unstable();
        files.dedup();
        let cropped: Vec<(FileId, window::Cropped)> = files
            .iter()
            .filter_map(|&f| {
                let ranges: Vec<Range<usize>> = spans
                    .iter()
                    .filter(|(g, _)| *g == f)
                    .map(|(_, r)| r.clone())
                    .collect();
                window::crop(&sources.get(f).text, &ranges).map(|c| (f, c))
            })
            .collect();
        if cropped.is_empty() {
            let report = build(sources, d, &spans, color, None);
            let _ = report.write(&mut cache, &mut out);
            let _ = writeln!(out, "{}", super::pointer(d.code.as_str()));
            continue;
        }
        for (f, r) in &mut spans {
            if let Some((_, c)) = cropped.iter().find(|(g, _)| g == f) {
                *r = c.map_range(r.clone());
            }
        }
        // ariadne counts columns in the cut text: say where the error is.
        let primary = sources.get(d.span.file);
        let (line, col) = primary.line_col_human(d.span.start as usize);
        let where_ = format!(
            "long line cut for display; this error is at {}:{line}:{col}",
            primary.name
        );
        let report = build(sources, d, &spans, color, Some(where_));
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|&f| {
                let text = cropped
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map_or_else(|| sources.get(f).text.clone(), |(_, c)| c.text.clone());
                (sources.get(f).name.clone(), text)
            })
            .collect();
        let _ = report.write(&mut ariadne::sources(texts), &mut out);
        let _ = writeln!(out, "{}", super::pointer(d.code.as_str()));
    }
    // ariadne writes what it was given, which is UTF-8 text.
    let mut text = String::from_utf8(out).unwrap_or_default();
    let named = diags
        .iter()
        .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)))
        .map(|s| sources.get(s.file).name.as_str());
    text.push_str(&super::stdlib_note(named));
    text.push_str(&summary_line(diags));
    text.push('\n');
    text
}

/// One ariadne report; `spans` are the primary span then each label's, as
/// shown.
fn build<'a>(
    sources: &SourceMap,
    d: &'a Diagnostic,
    spans: &[(FileId, Range<usize>)],
    color: bool,
    cut_note: Option<String>,
) -> Report<'a, (String, Range<usize>)> {
    let file = sources.get(d.span.file).name.clone();
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let primary_color = match d.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let primary = spans[0].1.clone();
    let mut report = Report::build(kind, (file.clone(), primary.clone()))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_code(d.code.as_str())
        .with_message(&d.message)
        .with_label(
            Label::new((file, primary))
                .with_message(d.primary_label.as_deref().unwrap_or(&d.message))
                .with_color(primary_color)
                .with_order(0),
        );
    for (i, (l, (f, r))) in d.labels.iter().zip(&spans[1..]).enumerate() {
        report = report.with_label(
            Label::new((sources.get(*f).name.clone(), r.clone()))
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
    if let Some(n) = cut_note {
        report = report.with_note(n);
    }
    report.finish()
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
