//! What the human renderer shows of a file for one diagnostic: the file as
//! it is, unless a line the diagnostic points at is long. Then that line is
//! cut to a window of about [`WINDOW`] characters around the spans on it,
//! with `…` where text was left out, and every span is moved to match; a
//! span over many lines is shown on its first line. One error on a 1 MB
//! line prints a few lines, not the megabyte.

use std::ops::Range;

/// Characters of a long line shown around the spans on it.
pub const WINDOW: usize = 120;
/// Characters shown before the first span on a cut line.
const BEFORE: usize = 40;
/// A span over more lines than this is shown on its first line only.
const MAX_SPAN_LINES: usize = 8;

/// A file's text cut for display, and how offsets move.
pub struct Cropped {
    pub text: String,
    /// Kept pieces: (start in the original, end in the original, start in `text`).
    kept: Vec<(usize, usize, usize)>,
}

impl Cropped {
    /// Where an original offset is in the cut text (an offset in a piece
    /// left out goes to the nearest kept edge).
    pub fn map(&self, offset: usize) -> usize {
        let i = self.kept.partition_point(|&(_, end, _)| end < offset);
        match self.kept.get(i) {
            Some(&(start, _, new)) if offset >= start => new + (offset - start),
            Some(&(_, _, new)) => new,
            None => self.text.len(),
        }
    }

    pub fn map_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.map(r.start);
        start..self.map(r.end).max(start)
    }
}

fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, end)
}

/// Move `offset` back (by at most `chars` characters, not before `floor`).
fn back(text: &str, offset: usize, chars: usize, floor: usize) -> usize {
    text[floor..offset]
        .char_indices()
        .rev()
        .take(chars)
        .last()
        .map_or(offset, |(i, _)| floor + i)
}

/// Move `offset` forward (by at most `chars` characters, not past `ceil`).
fn forward(text: &str, offset: usize, chars: usize, ceil: usize) -> usize {
    text[offset..ceil]
        .char_indices()
        .nth(chars)
        .map_or(ceil, |(i, _)| offset + i)
}

/// Clamp a range to the text and to character boundaries.
fn clean(text: &str, r: &Range<usize>) -> Range<usize> {
    let fix = |mut o: usize| {
        o = o.min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = fix(r.start);
    start..fix(r.end).max(start)
}

/// The spans as shown: one over many lines is cut to its first line.
pub fn shown_span(text: &str, r: &Range<usize>) -> Range<usize> {
    let r = clean(text, r);
    let lines = text[r.clone()].bytes().filter(|&b| b == b'\n').count();
    if lines <= MAX_SPAN_LINES {
        return r;
    }
    let (_, end) = line_bounds(text, r.start);
    r.start..end
}

/// `text` cut for showing `spans` (already passed through [`shown_span`]),
/// or None when no line they touch is longer than [`WINDOW`] bytes.
pub fn crop(text: &str, spans: &[Range<usize>]) -> Option<Cropped> {
    // Long lines touched, each with the spans' extent on it.
    let mut lines: Vec<(usize, usize, usize, usize)> = Vec::new();
    for r in spans {
        for at in [r.start, r.end] {
            let (ls, le) = line_bounds(text, at);
            if le - ls <= WINDOW {
                continue;
            }
            let (s, e) = (r.start.max(ls), r.end.min(le));
            match lines.iter_mut().find(|l| l.0 == ls) {
                Some(l) => {
                    l.2 = l.2.min(s);
                    l.3 = l.3.max(e);
                }
                None => lines.push((ls, le, s, e)),
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.sort_unstable();
    let mut out = String::with_capacity(text.len().min(1 << 16));
    let mut kept = Vec::new();
    let mut pos = 0;
    for (ls, le, s, e) in lines {
        let from = back(text, s, BEFORE, ls);
        let to = forward(text, from, WINDOW, le)
            .max(forward(text, e, 0, le))
            .min(le);
        let to = if to > forward(text, from, 2 * WINDOW, le) {
            forward(text, from, WINDOW, le)
        } else {
            to
        };
        kept.push((pos, ls, out.len()));
        out.push_str(&text[pos..ls]);
        if from > ls {
            out.push('…');
        }
        kept.push((from, to, out.len()));
        out.push_str(&text[from..to]);
        if to < le {
            out.push('…');
        }
        pos = le;
    }
    kept.push((pos, text.len(), out.len()));
    out.push_str(&text[pos..]);
    Some(Cropped { text: out, kept })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_file_is_not_cut() {
        assert!(crop("norm n {}\n", std::slice::from_ref(&(0..4))).is_none());
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let text = format!("first\n{}BAD{}\nlast\n", "a".repeat(5000), "b".repeat(5000));
        let at = text.find("BAD").expect("there");
        let c = crop(&text, std::slice::from_ref(&(at..at + 3))).expect("cut");
        assert!(c.text.len() < 400, "{}", c.text.len());
        let r = c.map_range(at..at + 3);
        assert_eq!(&c.text[r], "BAD");
        assert!(c.text.starts_with("first\n…a"));
        assert!(c.text.ends_with("b…\nlast\n"));
    }

    #[test]
    fn a_span_over_many_lines_is_shown_on_its_first() {
        let text = "x\n".repeat(50);
        assert_eq!(shown_span(&text, &(0..90)), 0..1);
        assert_eq!(shown_span(&text, &(0..6)), 0..6);
    }
}
