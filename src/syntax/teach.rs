//! Errors that teach the notation: dates, times and durations written as
//! other traditions write them (read whole by the lexer, so each is one
//! E0104 with the Norma spelling and a fix), and hints added to syntax
//! errors — `=` for `==`, a misspelt keyword, `import`, `use file.norma;`,
//! a time of day after a date, a `use` without its `;` — and the fences of
//! a literate file that hide code: a language word that is nearly `norma`,
//! two backticks, a block not closed before the next.
//!
//! Nothing here decides what parses: it only words the diagnostics.

use crate::diagnostics::{nearest, Code, Diagnostic, Fix};
use crate::span::Span;
use crate::time;

use super::token::Tok;

/// The length of ` hours` (blanks, then a unit spelt as a word) at the
/// start of `rest`, the text after a number; 0 if there is none. The
/// lexer makes `72 hours` one token, so it is one error.
pub(super) fn unit_word_len(rest: &str) -> usize {
    const UNITS: [&str; 16] = [
        "minutes", "minute", "mins", "min", "hours", "hour", "hrs", "hr", "days", "day", "weeks",
        "week", "months", "month", "years", "year",
    ];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if blanks == 0 {
        return 0;
    }
    let word = &rest[blanks..];
    let end = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(word.len());
    if UNITS.contains(&&word[..end]) {
        blanks + end
    } else {
        0
    }
}

/// The length of ` 09:00` (blanks, then a time of day with an optional
/// zone) after a date without a time; 0 if there is none.
pub(super) fn spaced_clock_len(date: &str, rest: &str) -> usize {
    if date.bytes().any(|b| b == b'T' || b == b't') {
        return 0;
    }
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let clock = &rest[blanks..];
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let h = digits(clock);
    if blanks == 0 || !(1..=2).contains(&h) || !clock[h..].starts_with(':') {
        return 0;
    }
    let mut n = h + 1;
    if digits(&clock[n..]) != 2 {
        return 0;
    }
    n += 2;
    if clock[n..].starts_with(':') && digits(&clock[n + 1..]) == 2 {
        n += 3;
    }
    let zone = &clock[n..];
    if zone.starts_with(['Z', 'z']) {
        n += 1;
    } else if zone.starts_with(['+', '-'])
        && digits(&zone[1..]) == 2
        && zone[3..].starts_with(':')
        && digits(&zone[4..]) == 2
    {
        n += 6;
    }
    blanks + n
}

/// `27/06/2017`: one E0104 saying dates are year-month-day, with the
/// rewritten date when the order is clear (a day above 12).
pub(super) fn slash_date<'a>(slice: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Tok<'a> {
    let parts: Vec<u32> = slice.split('/').filter_map(|p| p.parse().ok()).collect();
    let mut d = Diagnostic::new(
        Code::E0104,
        span,
        format!("`{slice}` is not a date Norma reads"),
    )
    .with_label_here("dates are written year-month-day")
    .with_note("times are RFC 3339: `2017-06-27` (a date, at 00:00 UTC) or `2017-06-27T09:00Z`");
    let mut value = 0;
    if let [a, b, y] = parts[..] {
        let year = if y < 100 { 2000 + y } else { y };
        let (day, month) = match (a > 12, b > 12) {
            (true, false) => (Some(a), Some(b)),
            (false, true) => (Some(b), Some(a)),
            _ => (None, None),
        };
        match (day, month) {
            (Some(day), Some(month)) => {
                let iso = format!("{year:04}-{month:02}-{day:02}");
                value = time::parse_time(&iso).unwrap_or(0);
                d = d.with_note(format!("write `{iso}`")).with_fix(span, iso);
            }
            _ => {
                d = d.with_note(format!(
                    "write `{year:04}-{b:02}-{a:02}` if this is day/month, `{year:04}-{a:02}-{b:02}` if month/day"
                ));
            }
        }
    }
    diags.push(d);
    Tok::Time(value)
}

/// `2017-06-27 09:00`: the date and the time of day are joined by `T`, and
/// a time of day needs a zone (`Z` for UTC).
pub(super) fn spaced_time<'a>(slice: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Tok<'a> {
    let mut words = slice.split_whitespace();
    let (date, clock) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let has_zone = clock.ends_with(['Z', 'z']) || clock.contains(['+', '-']);
    let joined = format!("{date}T{clock}{}", if has_zone { "" } else { "Z" });
    let value = time::parse_time(&joined).unwrap_or(0);
    let mut d = Diagnostic::new(
        Code::E0104,
        span,
        format!("`{slice}`: a date and a time of day are written as one word"),
    )
    .with_label_here("join them with `T`")
    .with_fix(span, joined.clone());
    d = d.with_note(if has_zone {
        format!("write `{joined}`")
    } else {
        format!("write `{joined}`: `Z` means UTC; for local time give the offset, e.g. `{date}T{clock}+03:00`")
    });
    diags.push(d);
    Tok::Time(value)
}

/// `72 hours`: durations are one word, a number and a unit.
pub(super) fn word_duration<'a>(slice: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Tok<'a> {
    let mut words = slice.split_whitespace();
    let (number, unit) = (words.next().unwrap_or("0"), words.next().unwrap_or(""));
    let short = match unit.trim_end_matches('s') {
        "minute" | "min" => Some("m"),
        "hour" | "hr" => Some("h"),
        "day" => Some("d"),
        "week" => Some("w"),
        _ => None,
    };
    let mut d = Diagnostic::new(
        Code::E0104,
        span,
        format!("`{slice}` is not a duration Norma reads"),
    )
    .with_label_here("a duration is one word: a number joined to its unit");
    let mut value = 0;
    match short {
        Some(u) => {
            let written = format!("{number}{u}");
            value = time::parse_duration(&written).unwrap_or(0);
            d = d
                .with_note(format!(
                    "write `{written}`; the units are `m` (minutes), `h`, `d` and `w`"
                ))
                .with_fix(span, written);
        }
        None => {
            d = d.with_note(
                "there is no month or year unit (their length varies): write days or weeks, e.g. `30d`, `52w`",
            );
        }
    }
    diags.push(d);
    Tok::Duration(value)
}

/// Words other languages use where Norma says `use`.
const IMPORT_WORDS: [&str; 5] = ["import", "include", "require", "from", "using"];

/// Add what to write instead to a syntax error at `tok` (`l..r` in `text`).
pub(super) fn hint_syntax(
    mut d: Diagnostic,
    tok: &Tok<'_>,
    expected: &[String],
    text: &str,
    l: usize,
    r: usize,
) -> Diagnostic {
    let wants = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    let span = d.span;
    let before = text.get(..l).unwrap_or("");
    let line_before = before.rsplit('\n').next().unwrap_or("").trim();
    match tok {
        Tok::Assign if !wants("=") => {
            d = d
                .with_note("did you mean `==`? `=` is not a comparison in Norma; equality is `==`")
                .with_fix(span, "==");
        }
        Tok::Dot
            if line_before.starts_with("use ")
                && text.get(r..).is_some_and(|t| t.starts_with("norma")) =>
        {
            let module = line_before.trim_start_matches("use ").trim();
            d = d.with_note(format!(
                "`use` names a module, not a file: write `use {module};` (it reads `{module}.norma`; `use a::b;` reads `a/b.norma`)"
            ));
        }
        Tok::Ident(word) => {
            if IMPORT_WORDS.contains(word) {
                d = d.with_note(format!(
                    "modules are imported with `use`: `use std::core;`, not `{word} ...`"
                ));
            } else if let Some(kw) = keyword_like(word) {
                // Only where a keyword could stand: a clause, or after a
                // complete declaration (nothing more was expected).
                if wants(kw) || wants("forbid") || wants("event") || expected.is_empty() {
                    d = d
                        .with_note(format!("did you mean `{kw}`?"))
                        .with_fix(span, kw);
                }
            }
        }
        _ => {}
    }
    d
}

/// A word that starts no declaration: `import std::core;`, `forbidd`.
pub(super) fn hint_declaration(d: Diagnostic, tok: &Tok<'_>) -> Diagnostic {
    let Tok::Ident(word) = tok else { return d };
    if IMPORT_WORDS.contains(word) {
        return d.with_note(format!(
            "modules are imported with `use`, not `{word}`: e.g. `use std::core;`"
        ));
    }
    match keyword_like(word) {
        Some(kw) => d.with_note(format!("did you mean `{kw}`?")),
        None => d,
    }
}

/// A declaration that lacks only its `;` at `end` (`use std::core`): say
/// so, with the line as it should be when it is short.
pub(super) fn missing_semicolon(mut d: Diagnostic, decl: &str, end: usize) -> Diagnostic {
    let decl = decl.trim();
    d.message = "this declaration is missing its `;`".to_string();
    d.primary_label = Some("add `;` here".to_string());
    d = d.with_note(if decl.len() <= 60 && !decl.contains('\n') {
        format!("a declaration ends with `;`: write `{decl};`")
    } else {
        "a declaration ends with `;`: add it at its end".to_string()
    });
    d.fix = Some(Fix {
        span: Span::new(d.span.file, end, end),
        replacement: ";".to_string(),
        message: "add `;`".to_string(),
    });
    d
}

/// The keyword `word` is likely a misspelling of: the nearest by edit
/// distance, or one with two neighbouring letters swapped (`nrom`).
fn keyword_like(word: &str) -> Option<&'static str> {
    let swapped = |k: &str| {
        let (a, b): (Vec<char>, Vec<char>) = (word.chars().collect(), k.chars().collect());
        a.len() == b.len()
            && (0..a.len().saturating_sub(1)).any(|i| {
                a[i] == b[i + 1] && a[i + 1] == b[i] && a[..i] == b[..i] && a[i + 2..] == b[i + 2..]
            })
    };
    // Every keyword but `in`, which is too short to be what a misspelt
    // word was meant to be.
    let keywords = || {
        crate::syntax::token::KEYWORDS
            .iter()
            .copied()
            .filter(|k| *k != "in")
    };
    nearest(word, keywords())
        .or_else(|| keywords().find(|k| swapped(k)))
        .filter(|k| !k.eq_ignore_ascii_case(word))
}

/// Is `word`, the language of a fence, nearly `norma` — a typo
/// (```` ```nroma ````, ```` ```norm ````) or `norma` in other clothes
/// (```` ```{.norma} ````, ```` ```language-norma ````)? Then its block is
/// almost surely code that would be silently read as prose.
pub(super) fn is_near_norma(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower != "norma"
        && (lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == "norma")
            || (lower.len() >= 4 && strsim::osa_distance(&lower, "norma") == 1))
}

/// ```` ``norma ````: two backticks before `norma` (or a near miss) and no
/// other backtick on the line (```` ``norma`` ```` is inline code). The
/// range of the two backticks in `line`.
pub(super) fn short_norma_fence(line: &str) -> Option<std::ops::Range<usize>> {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - rest.len();
    let after = rest.strip_prefix("``")?;
    let word = after.split_whitespace().next()?;
    let norma = word.eq_ignore_ascii_case("norma") || is_near_norma(word);
    (!after.starts_with('`') && !after.contains('`') && norma).then_some(indent..indent + 2)
}

/// A fence whose language `word` is nearly `norma`.
pub(super) fn near_norma_fence(word_span: Span, word: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        word_span,
        format!("this block is not read as Norma: its fence says `{word}`, not `norma`"),
    )
    .with_label_here("did you mean `norma`?")
    .with_note("the code of a `.norma.md` file is its ```norma blocks (the word in any case, e.g. ```Norma); write `norma` here to make this block code, or another language word (```text) to keep it prose")
    .with_fix(word_span, "norma")
}

/// ```` ``norma ````: two backticks.
pub(super) fn short_fence(ticks: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        ticks,
        "two backticks do not open a block: this ```norma block is not read as Norma",
    )
    .with_label_here("a block opens with three backticks")
    .with_note("write ```norma")
    .with_fix(ticks, "```")
}

/// A `norma` fence where the block opened by `open` is still open.
pub(super) fn fence_not_closed(fence: (Span, &str), open: (Span, &str)) -> Diagnostic {
    Diagnostic::new(
        Code::E0103,
        fence.0,
        format!(
            "the {} block is not closed before this {} fence",
            open.1, fence.1
        ),
    )
    .with_label_here("a new block starts here")
    .with_label(open.0, "opened here, never closed")
    .with_note("end each block with a line of three backticks (```) before the next one opens; Norma reads the code from this fence on as a new block")
}
