//! The line diff of `norma fmt --check`, in unified format: `similar`'s
//! Myers diff (linear space, fast on long files with changes spread
//! through them, no size cap), rendered here so the format stays what it
//! was: `@@ -a,n +b,m @@` headers, three lines of context, and lines that
//! differ only in trailing blanks or line ends shown with those made
//! visible (`·` space, `→` tab, `␍` carriage return), so a diff never
//! shows two identical-looking lines.

use similar::{ChangeTag, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified diff from `old` to `new`, empty when they are equal. Lines are
/// compared with their line ends, so a missing final newline shows.
/// With `color`, removed lines are red and added lines green (ANSI).
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::configure().diff_lines(old, new);
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for group in diff.grouped_ops(CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old_range, new_range) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        // Unified format: an empty range names the line before it.
        let start = |r: &std::ops::Range<usize>| if r.is_empty() { r.start } else { r.start + 1 };
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start(&old_range),
            old_range.len(),
            start(&new_range),
            new_range.len()
        ));
        let changes: Vec<_> = group.iter().flat_map(|op| diff.iter_changes(op)).collect();
        // Bodies of the other side, trailing blanks off: a changed line
        // that matches one of them differs only invisibly.
        let trimmed = |tag: ChangeTag| -> Vec<&str> {
            changes
                .iter()
                .filter(|c| c.tag() == tag)
                .map(|c| c.value().trim_end())
                .collect()
        };
        let (removed, added) = (trimmed(ChangeTag::Delete), trimmed(ChangeTag::Insert));
        for c in &changes {
            let line = c.value();
            let (mark, paint, others) = match c.tag() {
                ChangeTag::Equal => (' ', "", None),
                ChangeTag::Delete => ('-', "\u{1b}[31m", Some(&added)),
                ChangeTag::Insert => ('+', "\u{1b}[32m", Some(&removed)),
            };
            let body = line.strip_suffix('\n').unwrap_or(line);
            let body = match others {
                Some(o) if o.contains(&line.trim_end()) => visible_end(body),
                _ => body.to_string(),
            };
            if color && !paint.is_empty() {
                out.push_str(&format!("{paint}{mark}{body}\u{1b}[0m\n"));
            } else {
                out.push_str(&format!("{mark}{body}\n"));
            }
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// `body` with its trailing blanks and carriage return made visible.
fn visible_end(body: &str) -> String {
    let kept = body.trim_end();
    let mut out = kept.to_string();
    for ch in body[kept.len()..].chars() {
        out.push(match ch {
            ' ' => '·',
            '\t' => '→',
            '\r' => '␍',
            other => other,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a\n", "a\n", "x", "y", false), "");
    }

    #[test]
    fn a_changed_line_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            unified_diff(old, new, "a", "b", false),
            "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_and_a_missing_newline_shows() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new = old
            .replacen("2\n", "two\n", 1)
            .replace("19\n20\n", "19\n20");
        let d = unified_diff(&old, &new, "a", "b", false);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(
            d.contains("-20\n+20\n\\ No newline at end of file\n"),
            "{d}"
        );
    }

    #[test]
    fn invisible_changes_are_made_visible() {
        let d = unified_diff("a \r\nb\n", "a\nb\n", "x", "y", false);
        assert_eq!(d, "--- x\n+++ y\n@@ -1,2 +1,2 @@\n-a·␍\n+a\n b\n");
    }

    #[test]
    fn ten_thousand_lines_with_spread_changes_get_a_real_diff_fast() {
        let old: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..10_000)
            .map(|i| {
                if i % 500 == 7 {
                    format!("changed {i}\n")
                } else {
                    format!("line {i}\n")
                }
            })
            .collect();
        let started = std::time::Instant::now();
        let d = unified_diff(&old, &new, "a", "b", false);
        assert!(
            started.elapsed().as_secs_f64() < 2.0,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(d.matches("@@ -").count(), 20);
        assert_eq!(
            d.lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count(),
            20
        );
        assert!(d.contains("-line 507\n+changed 507\n"), "{d}");
    }

    #[test]
    fn insertion_into_an_empty_file() {
        assert_eq!(
            unified_diff("", "a\n", "x", "y", false),
            "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }
}
