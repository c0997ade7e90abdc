//! The front end never panics, never overflows its stack and never hangs:
//! pathological inputs end in diagnostics. Also: every prefix and many
//! random mutations of the example files check without a crash.

use norma::driver::check_text;

mod common;
use common::{norma_texts, on_big_stack, Mutator};

fn codes(text: String) -> Vec<String> {
    on_big_stack(move || {
        check_text("case.norma", &text)
            .diagnostics
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()
    })
}

#[test]
fn empty_file_is_clean() {
    assert!(codes(String::new()).is_empty());
}

#[test]
fn arbitrary_bytes_and_invalid_utf8() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(!codes(text).is_empty());
}

#[test]
fn deeply_nested_parentheses() {
    let text = format!(
        "const x: Bool = {}true{};",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let c = codes(text);
    assert!(c.contains(&"E0103".to_string()), "{c:?}");
}

#[test]
fn a_hundred_thousand_nots() {
    let text = format!("const x: Bool = {}true;", "not ".repeat(100_000));
    let c = codes(text);
    assert_eq!(c, vec!["E0103".to_string()]);
}

#[test]
fn a_long_and_chain_is_fine() {
    let terms = vec!["true"; 50_000].join(" and ");
    let text = format!("const x: Bool = {terms};");
    assert!(codes(text).is_empty());
}

#[test]
fn a_long_sum_chain_hits_the_limit() {
    let terms = vec!["1"; 50_000].join(" + ");
    let text = format!("const x: Int = {terms};");
    assert_eq!(codes(text), vec!["E0103".to_string()]);
}

#[test]
fn a_long_chain_of_exceptions() {
    let mut text = String::from("action op(x: Int)\nnorm n { source \"s\" forbid op(x: v) when v > 0 }\nexception e0 to n { when true }\n");
    for i in 1..20_000 {
        text.push_str(&format!("exception e{i} to e{} {{ when true }}\n", i - 1));
    }
    assert!(codes(text).is_empty());
}

#[test]
fn an_exception_cycle_is_reported_not_looped() {
    let mut text =
        String::from("action op(x: Int)\nnorm n { source \"s\" forbid op(x: v) when v > 0 }\n");
    for i in 0..2_000 {
        text.push_str(&format!(
            "exception e{i} to e{} {{ when true }}\n",
            (i + 1) % 2_000
        ));
    }
    assert!(codes(text).contains(&"E0402".to_string()));
}

fn example_texts() -> Vec<(std::path::PathBuf, String)> {
    norma_texts(&["examples", "stdlib-norms"])
}

#[test]
fn every_prefix_of_the_examples_checks_without_crashing() {
    on_big_stack(|| {
        for (_, text) in example_texts() {
            // Every prefix on char boundaries, stepping to keep this quick.
            let step = (text.len() / 400).max(1);
            let mut i = 0;
            while i <= text.len() {
                if text.is_char_boundary(i) {
                    let _ = check_text("prefix.norma", &text[..i]);
                }
                i += step;
            }
        }
    });
}

#[test]
fn random_mutations_of_the_examples_check_without_crashing() {
    on_big_stack(|| {
        let mut mutator = Mutator::new(0x9E37_79B9_7F4A_7C15);
        for (_, text) in example_texts() {
            for _ in 0..40 {
                let mutated = mutator.mutate(&text, 8);
                let _ = check_text("mutant.norma", &mutated);
            }
        }
    });
}
