//! Prose as HTML: Markdown (doc comments, a literate module's text, a
//! plain module's leading comment) through pulldown-cmark. Raw HTML in
//! the prose is shown as text, never passed through, and a relative link
//! (which would lead nowhere in the site) keeps its words and drops its
//! target: the site's links are the ones it makes itself.

use maud::{Markup, PreEscaped};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Markdown text as HTML.
pub fn markdown(text: &str) -> Markup {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    let mut dropped = 0usize;
    let events = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .filter_map(|e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
            Event::Start(Tag::Link { dest_url, .. }) if !external(&dest_url) => {
                dropped += 1;
                None
            }
            Event::End(TagEnd::Link) if dropped > 0 => {
                dropped -= 1;
                None
            }
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            other => Some(other),
        });
    pulldown_cmark::html::push_html(&mut out, events);
    PreEscaped(out)
}

/// A link that leads somewhere from any folder: the web, mail, or an
/// anchor on the same page.
fn external(url: &CowStr) -> bool {
    url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")
}

/// The leading `//` comment of a plain module (its introduction), as
/// Markdown text, and the byte offset where the code after it starts.
pub fn leading_comment(text: &str) -> (String, usize) {
    let mut prose = String::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("///") {
            break;
        }
        if let Some(rest) = t.strip_prefix("//") {
            prose.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            prose.push('\n');
        } else if !t.is_empty() {
            break;
        } else {
            prose.push('\n');
        }
        at += line.len();
    }
    (prose, at)
}
