//! One page per diagnostic code, written in `docs/codes/CODE.md` and built
//! into the binary: what the code means, a minimal file that produces it,
//! and how to fix it. `norma help CODE` prints the page; every human
//! diagnostic ends with a pointer to it. `tests/docs.rs` fails when a code
//! of [`Code::ALL`](super::Code::ALL) has no page here, and checks the
//! examples of every page.

/// (code, page in Markdown), for every code of the language, including the
/// `check --deep` lints W0006–W0009 that no command emits yet.
pub static PAGES: &[(&str, &str)] = &[
    ("E0101", include_str!("../../docs/codes/E0101.md")),
    ("E0102", include_str!("../../docs/codes/E0102.md")),
    ("E0103", include_str!("../../docs/codes/E0103.md")),
    ("E0104", include_str!("../../docs/codes/E0104.md")),
    ("E0201", include_str!("../../docs/codes/E0201.md")),
    ("E0202", include_str!("../../docs/codes/E0202.md")),
    ("E0203", include_str!("../../docs/codes/E0203.md")),
    ("E0204", include_str!("../../docs/codes/E0204.md")),
    ("E0205", include_str!("../../docs/codes/E0205.md")),
    ("E0301", include_str!("../../docs/codes/E0301.md")),
    ("E0302", include_str!("../../docs/codes/E0302.md")),
    ("E0303", include_str!("../../docs/codes/E0303.md")),
    ("E0304", include_str!("../../docs/codes/E0304.md")),
    ("E0305", include_str!("../../docs/codes/E0305.md")),
    ("E0306", include_str!("../../docs/codes/E0306.md")),
    ("E0401", include_str!("../../docs/codes/E0401.md")),
    ("E0402", include_str!("../../docs/codes/E0402.md")),
    ("E0403", include_str!("../../docs/codes/E0403.md")),
    ("E0404", include_str!("../../docs/codes/E0404.md")),
    ("E0405", include_str!("../../docs/codes/E0405.md")),
    ("E0501", include_str!("../../docs/codes/E0501.md")),
    ("E0502", include_str!("../../docs/codes/E0502.md")),
    ("E0503", include_str!("../../docs/codes/E0503.md")),
    ("W0001", include_str!("../../docs/codes/W0001.md")),
    ("W0002", include_str!("../../docs/codes/W0002.md")),
    ("W0003", include_str!("../../docs/codes/W0003.md")),
    ("W0005", include_str!("../../docs/codes/W0005.md")),
    ("W0006", include_str!("../../docs/codes/W0006.md")),
    ("W0007", include_str!("../../docs/codes/W0007.md")),
    ("W0008", include_str!("../../docs/codes/W0008.md")),
    ("W0009", include_str!("../../docs/codes/W0009.md")),
];

/// The page of `code` (`E0201`, case-insensitive), if there is one.
pub fn page(code: &str) -> Option<&'static str> {
    PAGES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, p)| *p)
}

/// The line every human diagnostic ends with.
pub fn pointer(code: &str) -> String {
    format!("For more on {code}, run `norma help {code}`.")
}

/// Where output names a file of the built-in standard library
/// (`std/core.norma`), a line saying how to see it: the library is inside
/// the binary, not on disk. Empty when no such file is named.
pub fn stdlib_note<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    let mut modules: Vec<String> = files
        .into_iter()
        .filter_map(|f| f.strip_prefix("std/")?.strip_suffix(".norma"))
        .map(|m| format!("std::{}", m.replace('/', "::")))
        .collect();
    modules.sort();
    modules.dedup();
    let files: Vec<String> = modules
        .iter()
        .map(|m| {
            format!(
                "`std/{}.norma`",
                m.trim_start_matches("std::").replace("::", "/")
            )
        })
        .collect();
    match modules.as_slice() {
        [] => String::new(),
        [one] => format!(
            "note: {} is part of the standard library built into norma; `norma help {one}` prints it\n",
            files[0]
        ),
        [first, ..] => format!(
            "note: {} are part of the standard library built into norma; `norma help std::NAME` prints each (`norma help {first}`)\n",
            files.join(", ")
        ),
    }
}
