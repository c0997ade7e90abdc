//! Norma source as highlighted HTML: keywords, names, literals and
//! comments each in a class of their own, every resolved name a link to
//! its declaration, and each declaration's name carrying the anchor the
//! rest of the site links to. Reads the text through the lexer's public
//! token stream; it never parses or checks.

use maud::{html, Markup, PreEscaped};

use super::links::Links;
use crate::span::{FileId, Span};
use crate::syntax::lexer;
use crate::syntax::token::{Tok, KEYWORDS};

/// The code of `range` in `text` (file `file`), on page `page`. `anchors`
/// are (name span, anchor) pairs to mark, sorted by start.
pub fn highlight(
    text: &str,
    file: FileId,
    range: std::ops::Range<usize>,
    links: Option<&Links>,
    page: &str,
    anchors: &[(Span, String)],
) -> Markup {
    let Some(code) = text.get(range.clone()) else {
        return html! {};
    };
    let base = range.start;
    let mut out = String::with_capacity(code.len() * 2);
    let mut at = 0;
    let mut anchor_i = anchors.partition_point(|(s, _)| (s.start as usize) < base);
    for (start, tok, end) in lexer::stream(code) {
        gap(&code[at..start], &mut out);
        let word = &code[start..end];
        let span = Span::new(file, base + start, base + end);
        while anchor_i < anchors.len() && anchors[anchor_i].0.start < span.start {
            anchor_i += 1;
        }
        let id = anchors
            .get(anchor_i)
            .filter(|(s, _)| *s == span)
            .map(|(_, a)| a.as_str());
        let class = match tok {
            Tok::Ident(_) => "n",
            Tok::Str(_) => "s",
            Tok::Int(_) | Tok::Duration(_) | Tok::Time(_) => "l",
            // A keyword spelt as a parameter or field name (`by:`,
            // `x.by`) is a name there.
            _ if KEYWORDS.contains(&word) && as_name(code, start, end) => "n",
            _ if KEYWORDS.contains(&word) => "k",
            _ => "p",
        };
        let link = links.and_then(|l| l.target(span)).map(|p| p.href(page));
        let piece = match (id, link) {
            (Some(id), _) => html! { span.(class).def id=(id) { (word) } },
            (None, Some(href)) => html! { a.(class) href=(href) { (word) } },
            (None, None) if class == "p" => html! { (word) },
            (None, None) => html! { span.(class) { (word) } },
        };
        out.push_str(&piece.into_string());
        at = end;
    }
    gap(&code[at..], &mut out);
    html! { pre.code { code { (PreEscaped(out)) } } }
}

/// Whether the word at `start..end` stands as a name: before a single
/// `:` (a parameter or field) or after a `.` (a field access).
fn as_name(code: &str, start: usize, end: usize) -> bool {
    let after = code[end..].trim_start();
    let before = code[..start].trim_end();
    (after.starts_with(':') && !after.starts_with("::")) || before.ends_with('.')
}

/// Text between tokens: blanks and comments (the token stream drops them).
fn gap(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find("//") {
        out.push_str(&html! { (rest[..i]) }.into_string());
        let end = rest[i..].find('\n').map_or(rest.len(), |j| i + j);
        out.push_str(&html! { span.c { (rest[i..end]) } }.into_string());
        rest = &rest[end..];
    }
    out.push_str(&html! { (rest) }.into_string());
}
