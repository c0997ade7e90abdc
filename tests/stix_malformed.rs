//! `norma import stix` on bundles that are wrong, odd or huge, and on the
//! mapping's decisions one at a time: a clear error or a listed skip,
//! never a panic, and output bounded by the input.

use serde_json::{json, Value};

use norma::stix::{import, ImportError};

fn bundle(objects: Vec<Value>) -> String {
    json!({"type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111", "objects": objects})
        .to_string()
}

fn imported(objects: Vec<Value>) -> String {
    match import(&bundle(objects)) {
        Ok(i) => i.text,
        Err(e) => panic!("import failed: {e}"),
    }
}

/// The text on one line: a long event is laid out over several.
fn flat(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// The report checks without errors and is formatted.
fn assert_sound(text: &str) {
    let s = norma::driver::check_text("malformed.norma", text);
    let errors: Vec<_> = s.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    assert_eq!(norma::fmt::format_source(text).as_deref(), Ok(text));
}

const T: &str = "2017-05-12T00:00:00.000Z";

fn obj(ty: &str, n: u32, extra: Value) -> Value {
    let mut o = json!({
        "type": ty,
        "spec_version": "2.1",
        "id": format!("{ty}--00000000-0000-4000-8000-{n:012}"),
        "created": T,
        "modified": T,
    });
    if let (Some(o), Some(extra)) = (o.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    o
}

fn id(ty: &str, n: u32) -> String {
    format!("{ty}--00000000-0000-4000-8000-{n:012}")
}

fn rel(n: u32, ty: &str, source: &str, target: &str, by: Option<&str>) -> Value {
    let mut r = obj(
        "relationship",
        n,
        json!({"relationship_type": ty, "source_ref": source, "target_ref": target}),
    );
    if let Some(by) = by {
        r["created_by_ref"] = json!(by);
    }
    r
}

#[test]
fn text_that_is_not_json_is_a_clear_error() {
    match import("this is not JSON {") {
        Err(ImportError::NotJson(m)) => assert!(m.contains("line 1"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(import(""), Err(ImportError::NotJson(_))));
    // Nesting deeper than serde's limit is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(import(&deep).is_err());
}

#[test]
fn json_that_is_not_a_bundle_is_a_clear_error() {
    let err = import(r#"{"type": "indicator", "id": "indicator--1"}"#).expect_err("not a bundle");
    assert_eq!(
        err.to_string(),
        "the file is not a STIX 2.1 bundle: a STIX bundle has `\"type\": \"bundle\"`; this object has `\"type\": \"indicator\"`"
    );
    assert!(matches!(
        import("[1, 2, 3]"),
        Err(ImportError::NotABundle(_))
    ));
    assert!(matches!(
        import(r#"{"type": "bundle"}"#),
        Err(ImportError::NotABundle(_))
    ));
    assert!(matches!(
        import(r#"{"type": "bundle", "objects": 7}"#),
        Err(ImportError::NotABundle(_))
    ));
}

#[test]
fn unknown_types_custom_properties_and_unreadable_objects_are_listed() {
    let text = imported(vec![
        obj("x-acme-widget", 1, json!({"x_colour": "blue"})),
        obj(
            "identity",
            2,
            json!({"name": "Grid Co", "sectors": ["energy"], "x_acme": {"deep": [1, 2, {"a": null}]}}),
        ),
        obj("identity", 3, json!({"name": 42})),
        json!(17),
        json!({"id": "no-type--1"}),
        obj("malware", 4, json!({"name": "Agent"})),
    ]);
    assert_sound(&text);
    assert!(text.contains(&format!(
        "// - {}: unknown type `x-acme-widget`: not a STIX 2.1 type the mapping knows",
        id("x-acme-widget", 1)
    )));
    assert!(text.contains(&format!(
        "// - {}: identity: no act in the bundle targets it",
        id("identity", 2)
    )));
    assert!(text.contains(&format!(
        "// - {}: not read: invalid type: integer `42`",
        id("identity", 3)
    )));
    assert!(text.contains("// - object 4: not a JSON object with a `type`"));
    assert!(text.contains("// - no-type--1: no `type`"));
    assert!(text.contains(&format!(
        "// - {}: malware: a tool, not an act",
        id("malware", 4)
    )));
    assert!(text.contains("Not mapped (6 objects)"));
}

#[test]
fn a_dangling_reference_is_listed() {
    let text = imported(vec![
        obj(
            "campaign",
            1,
            json!({"name": "Op", "first_seen": T, "last_seen": T}),
        ),
        rel(
            2,
            "attributed-to",
            &id("campaign", 1),
            &id("threat-actor", 99),
            None,
        ),
        obj(
            "incident",
            3,
            json!({"name": "Inc", "extensions": {norma::stix::INCIDENT_CORE: {
                "extension_type": "property-extension", "determination": "suspected",
                "investigation_status": "new",
                "event_refs": [id("event", 98)], "impact_refs": [id("impact", 97)]}}}),
        ),
    ]);
    assert_sound(&text);
    assert!(text.contains(&format!(
        "// - {}: dangling reference: {} is not in the bundle",
        id("relationship", 2),
        id("threat-actor", 99)
    )));
    // An incident whose events and impacts are missing has no time: `?`.
    assert!(text.contains(&format!(
        "its event {} is not in the bundle",
        id("event", 98)
    )));
    assert!(text.contains(&format!(
        "its impact {} is not in the bundle",
        id("impact", 97)
    )));
    assert!(text.contains(
        "/// time: `?`, no time of its own and no events, sightings or impacts with times"
    ));
    assert!(text.contains("event inc: operate(by: ?, against: ?, effect: ?, intent: ?) at ?"));
    assert!(
        text.contains("event op: operate(by: ?, against: ?, effect: ?, intent: ?) at 2017-05-12")
    );
}

#[test]
fn a_cycle_of_attributed_to_ends_and_is_said() {
    let (a, b, c) = (
        id("campaign", 1),
        id("intrusion-set", 2),
        id("threat-actor", 3),
    );
    let text = imported(vec![
        obj("campaign", 1, json!({"name": "Loop", "first_seen": T})),
        obj("intrusion-set", 2, json!({"name": "Set"})),
        obj(
            "threat-actor",
            3,
            json!({"name": "Crew", "threat_actor_types": ["criminal"]}),
        ),
        rel(4, "attributed-to", &a, &b, None),
        rel(5, "attributed-to", &b, &c, None),
        rel(6, "attributed-to", &c, &b, None),
        rel(7, "attributed-to", &c, &a, None),
    ]);
    assert_sound(&text);
    assert!(text.contains(&format!(
        "{} closes a cycle of attributed-to back to {b}",
        id("relationship", 6)
    )));
    assert!(text.contains(&format!(
        "{} closes a cycle of attributed-to back to {a}",
        id("relationship", 7)
    )));
    // The criminal crew at the end of the chain is the actor.
    assert!(text.contains("entity crew: Actor { kind: criminal, base: ?, sponsors: ? }"));
    assert!(
        text.contains("event loop: intrude(by: crew, against: ?, effect: ?) at 2017-05-12 .. ?")
    );
}

/// 50 MB: long names and descriptions, and many objects of unknown type.
/// The report stays small (names are clipped, descriptions never read)
/// and lists every object.
#[test]
fn a_50_mb_bundle_gives_bounded_output() {
    let blob = "x".repeat(1 << 20);
    let mut objects = Vec::new();
    for n in 0..40 {
        objects.push(obj(
            "identity",
            n,
            json!({"name": blob, "description": blob, "sectors": ["healthcare"]}),
        ));
    }
    for n in 0..20_000 {
        objects.push(obj("x-unknown", n, json!({"x_pad": "y".repeat(400)})));
    }
    objects.push(obj("campaign", 1, json!({"name": blob, "first_seen": T})));
    for n in 0..40 {
        objects.push(rel(
            100_000 + n,
            "targets",
            &id("campaign", 1),
            &id("identity", n),
            None,
        ));
    }
    let input = bundle(objects);
    assert!(input.len() > 50_000_000, "{}", input.len());
    let started = std::time::Instant::now();
    let out = import(&input).expect("imports").text;
    assert!(out.len() < 4_000_000, "{} bytes", out.len());
    assert!(out.len() < input.len() / 10);
    assert!(out.contains("Not mapped (20000 objects)"));
    assert!(!out.contains(&"x".repeat(200)), "a name is not clipped");
    assert_eq!(out.matches("  event ").count(), 40, "one act per target");
    assert!(started.elapsed().as_secs() < 60);
}

fn incident(n: u32, core: Value) -> Value {
    let mut ext = json!({"extension_type": "property-extension", "determination": "successful-attempt", "investigation_status": "closed"});
    if let (Some(e), Some(c)) = (ext.as_object_mut(), core.as_object()) {
        for (k, v) in c {
            e.insert(k.clone(), v.clone());
        }
    }
    obj(
        "incident",
        n,
        json!({"name": "Hit", "extensions": {norma::stix::INCIDENT_CORE: ext}}),
    )
}

fn event(n: u32, start: &str, fidelity: &str) -> Value {
    obj(
        "event",
        n,
        json!({"status": "occurred", "start_time": start, "start_time_fidelity": fidelity}),
    )
}

fn impact(n: u32, key: &str, body: Value, impacted: &[String]) -> Value {
    obj(
        "impact",
        n,
        json!({"impact_category": key.trim_end_matches("-ext"), "impacted_refs": impacted, "extensions": {key: body}}),
    )
}

/// Both spellings of the extension's keys give the same report.
#[test]
fn validator_spellings_of_the_extension_are_read_alike() {
    let target = id("identity", 9);
    let make = |events_key: &str, availability_key: &str| {
        let events = if events_key == "events" {
            json!([{"event_ref": id("event", 2)}])
        } else {
            json!([id("event", 2)])
        };
        imported(vec![
            incident(
                1,
                json!({events_key: events, "impact_refs": [id("impact", 3), id("impact", 4)]}),
            ),
            event(2, "2017-05-01T00:00:00Z", "month"),
            impact(3, availability_key, json!({"availability_impact": 80}), &[]),
            impact(
                4,
                "integrity-ext",
                json!({"alteration": "full-destruction"}),
                std::slice::from_ref(&target),
            ),
            obj(
                "identity",
                9,
                json!({"name": "Hospital", "sectors": ["healthcare"]}),
            ),
            obj(
                "identity",
                10,
                json!({"name": "Bank", "sectors": ["financial-services"]}),
            ),
            rel(11, "targets", &id("incident", 1), &target, None),
            rel(12, "targets", &id("incident", 1), &id("identity", 10), None),
        ])
    };
    let a = make("events", "availability");
    assert_sound(&a);
    assert_eq!(a, make("event_refs", "availability-ext"));
    // A month's fidelity is the month; each target gets the gravest of
    // the impacts that reach it.
    assert!(a.contains("/// time: the span of its events"));
    assert!(flat(&a).contains("event hit_hospital: operate(by: ?, against: hospital, effect: destruction, intent: ?) at 2017-05-01 .. 2017-05-31T23:59:59Z"));
    assert!(flat(&a).contains("event hit_bank: operate(by: ?, against: bank, effect: disruption, intent: ?) at 2017-05-01 .. 2017-05-31T23:59:59Z"));
}

/// A government is its country's State, never an asset; a potential
/// alteration leaves the effect open; a false positive is no act.
#[test]
fn governments_potential_impacts_and_false_positives() {
    let gov = id("identity", 2);
    let text = imported(vec![
        incident(
            1,
            json!({"event_refs": [id("event", 3)], "impact_refs": [id("impact", 4)]}),
        ),
        obj(
            "identity",
            2,
            json!({"name": "Ministry", "identity_class": "organization", "sectors": ["government-national"]}),
        ),
        event(3, "2018-03-02T10:20:30Z", "second"),
        impact(
            4,
            "integrity",
            json!({"alteration": "potential-destruction"}),
            &[],
        ),
        obj(
            "location",
            5,
            json!({"country": "ee", "region": "northern-europe"}),
        ),
        rel(6, "located-at", &gov, &id("location", 5), None),
        rel(7, "targets", &id("incident", 1), &gov, None),
        incident(
            8,
            json!({"determination": "false-positive", "event_refs": [id("event", 3)]}),
        ),
    ]);
    assert_sound(&text);
    assert!(
        text.contains("entity EE: State { region: europe, un_member: ?, osce: ?, paris_call: ? }")
    );
    assert!(text.contains(&format!(
        "it targets {gov}, a State (EE), not an asset: `against` is `?`"
    )));
    assert!(text.contains(
        "event hit: operate(by: ?, against: ?, effect: ?, intent: ?) at 2018-03-02T10:20:30Z"
    ));
    assert!(text.contains(&format!(
        "// - {}: incident determined a false positive",
        id("incident", 8)
    )));
}

/// A criminal group blamed by a State: an intrusion and its attribution;
/// a sighting of the group is an intrusion over first_seen .. last_seen.
#[test]
fn a_state_attributes_an_intrusion_to_a_criminal_group() {
    let gov = id("identity", 1);
    let crew = id("threat-actor", 2);
    let port = id("identity", 4);
    let text = imported(vec![
        obj(
            "identity",
            1,
            json!({"name": "Government of Estonia", "sectors": ["government-national"]}),
        ),
        obj(
            "threat-actor",
            2,
            json!({"name": "Ransom Crew", "threat_actor_types": ["crime-syndicate"]}),
        ),
        obj(
            "sighting",
            3,
            json!({"sighting_of_ref": crew, "first_seen": T, "last_seen": "2017-05-14T12:00:00Z", "where_sighted_refs": [port]}),
        ),
        obj(
            "identity",
            4,
            json!({"name": "Port of Tallinn", "sectors": ["transportation"]}),
        ),
        obj(
            "campaign",
            5,
            json!({"name": "Ransom wave", "first_seen": T, "last_seen": "2017-05-20T00:00:00Z"}),
        ),
        obj(
            "relationship",
            6,
            json!({"relationship_type": "attributed-to", "source_ref": id("campaign", 5), "target_ref": crew, "created_by_ref": gov, "created": "2017-06-01T00:00:00Z", "confidence": 70}),
        ),
        rel(7, "targets", &id("campaign", 5), &port, None),
    ]);
    assert_sound(&text);
    assert!(text.contains("entity ransom_crew: Actor { kind: criminal, base: ?, sponsors: ? }"));
    assert!(flat(&text).contains("event ransom_wave: intrude(by: ransom_crew, against: port_of_tallinn, effect: ?) at 2017-05-12 .. 2017-05-20"));
    assert!(flat(&text).contains("attribute_intrusion(by: Government_of_Estonia, about: ransom_wave, blamed: ransom_crew) at 2017-06-01"));
    assert!(text.contains("attributed-to, confidence 70"));
    assert!(text.contains("/// time: first_seen .. last_seen"));
    assert!(flat(&text).contains("event sighting: intrude(by: ransom_crew, against: port_of_tallinn, effect: ?) at 2017-05-12 .. 2017-05-14T12:00:00Z"));
}

/// Names from the bundle never shadow the standard library's (an asset
/// called `energy` would hide the sector) nor use a keyword.
#[test]
fn names_never_shadow_the_standard_library() {
    let text = imported(vec![
        obj("campaign", 1, json!({"name": "report", "first_seen": T})),
        obj(
            "identity",
            2,
            json!({"name": "energy", "sectors": ["energy"]}),
        ),
        obj(
            "identity",
            3,
            json!({"name": "gge_f", "sectors": ["water"]}),
        ),
        rel(4, "targets", &id("campaign", 1), &id("identity", 2), None),
        rel(5, "targets", &id("campaign", 1), &id("identity", 3), None),
    ]);
    assert_sound(&text);
    assert!(text.contains("entity energy_2: Asset { sector: energy"));
    assert!(text.contains("entity gge_f_2: Asset"));
}
