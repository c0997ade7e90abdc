//! A small line diff in unified format, for `norma fmt --check`.
//!
//! Common lines at both ends are set aside first; the middle is aligned by
//! a longest common subsequence. A middle too large for that (more than
//! [`MAX_CELLS`] line pairs) is shown as one replaced block, which is still
//! a correct diff, only a coarser one.

/// Largest middle (old lines × new lines) aligned line by line.
const MAX_CELLS: usize = 16_000_000;

/// Lines of context around each change.
const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Delete,
    Insert,
}

/// A unified diff from `old` to `new`, empty when they are equal. Lines are
/// compared with their line ends, so a missing final newline shows.
/// With `color`, removed lines are red and added lines green (ANSI).
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let script = edit_script(&a, &b);
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in hunks(&script) {
        render_hunk(&mut out, &script[hunk.0..hunk.1], &a, &b, color);
    }
    out
}

/// The edit script as (op, index in old, index in new).
fn edit_script(a: &[&str], b: &[&str]) -> Vec<(Op, usize, usize)> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut script: Vec<(Op, usize, usize)> = (0..prefix).map(|i| (Op::Same, i, i)).collect();
    let middle = if am.len().saturating_mul(bm.len()) <= MAX_CELLS {
        lcs_script(am, bm)
    } else {
        let mut m: Vec<Op> = vec![Op::Delete; am.len()];
        m.extend(vec![Op::Insert; bm.len()]);
        m
    };
    let (mut i, mut j) = (prefix, prefix);
    for op in middle {
        script.push((op, i, j));
        match op {
            Op::Same => {
                i += 1;
                j += 1;
            }
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    for k in 0..suffix {
        script.push((Op::Same, i + k, j + k));
    }
    script
}

/// Longest common subsequence by dynamic programming over suffixes.
fn lcs_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    let mut len = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[at(i, j)] = if a[i] == b[j] {
                len[at(i + 1, j + 1)] + 1
            } else {
                len[at(i + 1, j)].max(len[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push(Op::Same);
            i += 1;
            j += 1;
        } else if i < n && (j == m || len[at(i + 1, j)] >= len[at(i, j + 1)]) {
            ops.push(Op::Delete);
            i += 1;
        } else {
            ops.push(Op::Insert);
            j += 1;
        }
    }
    ops
}

/// Ranges of the script to show: each change with up to [`CONTEXT`] equal
/// lines around it, overlapping ranges merged.
fn hunks(script: &[(Op, usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (k, (op, _, _)) in script.iter().enumerate() {
        if *op == Op::Same {
            continue;
        }
        let start = k.saturating_sub(CONTEXT);
        let end = (k + 1 + CONTEXT).min(script.len());
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

fn render_hunk(out: &mut String, ops: &[(Op, usize, usize)], a: &[&str], b: &[&str], color: bool) {
    let Some(&(_, i0, j0)) = ops.first() else {
        return;
    };
    let old_len = ops.iter().filter(|o| o.0 != Op::Insert).count();
    let new_len = ops.iter().filter(|o| o.0 != Op::Delete).count();
    // Unified format: an empty range names the line before it.
    let start = |first: usize, len: usize| if len == 0 { first } else { first + 1 };
    out.push_str(&format!(
        "@@ -{},{} +{},{} @@\n",
        start(i0, old_len),
        old_len,
        start(j0, new_len),
        new_len
    ));
    for &(op, i, j) in ops {
        let (mark, line, paint) = match op {
            Op::Same => (' ', a[i], ""),
            Op::Delete => ('-', a[i], "\u{1b}[31m"),
            Op::Insert => ('+', b[j], "\u{1b}[32m"),
        };
        let body = line.strip_suffix('\n').unwrap_or(line);
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
    fn insertion_into_an_empty_file() {
        assert_eq!(
            unified_diff("", "a\n", "x", "y", false),
            "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }
}
