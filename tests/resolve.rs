//! Name resolution as the language server sees it: every resolved name
//! records where it is declared (`Program::refs`).

use norma::driver::check_text;

const SRC: &str = "enum Effect { none < damage }
type State { region: Effect }
action op(by: State, effect: Effect)
entity UA: State { region: none }
norm n {
  source \"s\"
  forbid x: op(by: s, effect: e) when e >= damage and s == UA and x.effect == Effect::none
}
";

/// The text of the definition that the name written at byte `at` refers to.
fn def_of(at: &str, nth: usize) -> String {
    let s = check_text("r.norma", SRC);
    assert!(!s.has_errors(), "{:?}", s.diagnostics);
    let start = SRC.match_indices(at).nth(nth).expect("occurrence").0;
    let r = s
        .program
        .refs
        .iter()
        .find(|r| r.at.start as usize == start)
        .unwrap_or_else(|| panic!("no reference recorded at `{at}` #{nth}"));
    let text = &SRC[r.def.start as usize..r.def.end as usize];
    format!("{text}@{}", r.def.start)
}

#[test]
fn names_resolve_to_their_declarations() {
    let pos = |needle: &str, nth: usize| SRC.match_indices(needle).nth(nth).expect("present").0;
    // Types, actions, parameters, enum members, variables, entities, fields.
    assert_eq!(def_of("State", 1), format!("State@{}", pos("State", 0)));
    assert_eq!(def_of("op", 1), format!("op@{}", pos("op", 0)));
    assert_eq!(def_of("by:", 1), format!("by@{}", pos("by", 0)));
    assert_eq!(def_of("damage", 1), format!("damage@{}", pos("damage", 0)));
    assert_eq!(def_of("e >=", 0), format!("e@{}", pos("e)", 0)));
    assert_eq!(def_of("UA", 1), format!("UA@{}", pos("UA", 0)));
    assert_eq!(
        def_of("region: none", 0),
        format!("region@{}", pos("region", 0))
    );
    assert_eq!(
        def_of("effect ==", 0),
        format!("effect@{}", pos("effect", 0))
    );
    assert_eq!(def_of("none\n", 0), format!("none@{}", pos("none", 0)));
}

/// A report's entities and events share one namespace: a second
/// declaration of a name is E0202 pointing at the first, and the events
/// that remain keep their order, arguments and times.
#[test]
fn report_names_declared_twice() {
    let src = "enum Effect { none < damage }
type State { region: Effect }
action op(by: State, effect: Effect)
report r {
  entity A: State { region: none }
  event e1: op(by: A, effect: damage) at 2020-01-01T00:00:00Z
  event A: op(by: A, effect: none) at 2020-01-01T00:01:00Z
  event e2: op(by: A, effect: none) at 2020-01-01T00:02:00Z
  event e1: op(by: A, effect: none) at 2020-01-01T00:03:00Z
}
";
    let s = check_text("r.norma", src);
    let twice: Vec<(String, u32, Option<u32>)> = s
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.message.clone(),
                d.span.start,
                d.labels.last().map(|l| l.span.start),
            )
        })
        .collect();
    let at =
        |needle: &str, nth: usize| src.match_indices(needle).nth(nth).expect("present").0 as u32;
    assert_eq!(
        twice,
        vec![
            (
                "`A` is declared twice in this report".to_string(),
                at("A:", 1),
                Some(at("A:", 0))
            ),
            (
                "`e1` is declared twice in this report".to_string(),
                at("e1", 1),
                Some(at("e1", 0))
            ),
        ]
    );
    let events = &s.program.reports[0].events;
    let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["e1", "e2"]);
    assert_eq!(events[1].at - events[0].at, 120);
}
