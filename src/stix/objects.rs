//! The STIX 2.1 objects `norma import stix` reads, as our own small typed
//! structs, and the bundle split into them.
//!
//! Owns: parsing (serde, borrowing the input text) and sorting each object
//! by its `type` into the struct that models it. Every object that is not
//! read is put in [`Bundle::skipped`] with its reason: an unknown type, a
//! type the mapping does not use, or an object of a known type whose
//! properties do not have the types STIX gives them. It must never decide
//! what an object means for a report (that is `import.rs`).
//!
//! Only the properties the mapping reads are declared; serde passes over
//! the others (custom `x_` properties included), so they cost no memory.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::ImportError;

/// The Incident Core Extension of the OASIS CTI TC's common objects.
pub const INCIDENT_CORE: &str = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

#[derive(Deserialize)]
struct RawBundle<'a> {
    #[serde(rename = "type")]
    ty: Option<Cow<'a, str>>,
    id: Option<String>,
    #[serde(borrow)]
    objects: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct MinimalHeader<'a> {
    #[serde(rename = "type", borrow)]
    ty: Option<Cow<'a, str>>,
    id: Option<String>,
}

/// What every object is read for first: its type and id, and the times
/// that tell when the bundle's knowledge stops.
#[derive(Deserialize)]
struct Header<'a> {
    #[serde(rename = "type", borrow)]
    ty: Option<Cow<'a, str>>,
    id: Option<String>,
    #[serde(borrow)]
    created: Option<Cow<'a, str>>,
    #[serde(borrow)]
    modified: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Identity {
    pub id: String,
    pub name: Option<String>,
    pub identity_class: Option<String>,
    pub sectors: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Location {
    pub id: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
}

/// A threat actor or an intrusion set: a named group the chain of
/// `attributed-to` passes through.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Group {
    #[serde(rename = "type")]
    pub ty: String,
    pub id: String,
    pub name: Option<String>,
    pub threat_actor_types: Vec<String>,
    pub resource_level: Option<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Campaign {
    pub id: String,
    pub name: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Incident {
    pub id: String,
    pub name: Option<String>,
    pub extensions: IncidentExtensions,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct IncidentExtensions {
    #[serde(rename = "extension-definition--ef765651-680c-498d-9894-99799f2fa126")]
    pub core: Option<IncidentCore>,
}

/// The incident extension's properties. Both spellings of the list of
/// events are read: `events` (the definition's, a list of steps) and
/// `event_refs` (plain identifiers, which validators ask for).
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct IncidentCore {
    pub determination: Option<String>,
    pub criticality: Option<i64>,
    pub incident_types: Vec<String>,
    pub impact_refs: Vec<String>,
    pub events: Vec<EventStep>,
    pub event_refs: Vec<String>,
    /// Impacts written inside the extension (its earlier draft).
    pub availability_impacts: Vec<AvailabilityImpact>,
    pub integrity_impacts: Vec<IntegrityImpact>,
    pub confidentiality_impacts: Vec<ConfidentialityImpact>,
    pub external_impacts: Vec<ExternalImpact>,
    pub physical_impacts: Vec<PhysicalImpact>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct EventStep {
    pub event_ref: Option<String>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct AvailabilityImpact {
    pub availability_impact: Option<i64>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct IntegrityImpact {
    pub alteration: Option<String>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ConfidentialityImpact {
    pub loss_type: Option<String>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ExternalImpact {
    pub impact_type: Option<String>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct PhysicalImpact {
    pub impact_type: Option<String>,
}

/// An `impact` object of the extension. Its category's properties sit in
/// `extensions` under the category's name, or under the name with `-ext`
/// (the spelling validators force on custom extension keys).
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Impact {
    pub id: String,
    pub impact_category: Option<String>,
    pub impacted_refs: Vec<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub extensions: ImpactExtensions,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct ImpactExtensions {
    #[serde(alias = "availability-ext")]
    pub availability: Option<AvailabilityImpact>,
    #[serde(alias = "integrity-ext")]
    pub integrity: Option<IntegrityImpact>,
    #[serde(alias = "confidentiality-ext")]
    pub confidentiality: Option<ConfidentialityImpact>,
    #[serde(alias = "external-ext")]
    pub external: Option<ExternalImpact>,
    #[serde(alias = "physical-ext")]
    pub physical: Option<PhysicalImpact>,
}

/// An `event` object of the extension: a step of an incident with its time.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Event {
    pub id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub start_time: Option<String>,
    pub start_time_fidelity: Option<String>,
    pub end_time: Option<String>,
    pub end_time_fidelity: Option<String>,
    pub sighting_refs: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Sighting {
    pub id: String,
    pub created_by_ref: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub sighting_of_ref: Option<String>,
    pub where_sighted_refs: Vec<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Relationship {
    pub id: String,
    pub created_by_ref: Option<String>,
    pub created: Option<String>,
    pub start_time: Option<String>,
    pub relationship_type: String,
    pub source_ref: String,
    pub target_ref: String,
    pub confidence: Option<i64>,
}

/// A `report` object: its name titles the Norma report.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct ReportObject {
    pub id: String,
    pub name: Option<String>,
}

/// An object left out, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

/// Every object of a bundle, sorted by what it models. Vectors keep the
/// bundle's order, so the output does too.
#[derive(Default, Debug)]
pub struct Bundle {
    pub id: Option<String>,
    /// The latest `created` or `modified` time of any object (seconds):
    /// when the bundle's knowledge stops.
    pub latest_stamp: Option<i64>,
    pub identities: Vec<Identity>,
    pub locations: Vec<Location>,
    pub groups: Vec<Group>,
    pub campaigns: Vec<Campaign>,
    pub incidents: Vec<Incident>,
    pub impacts: Vec<Impact>,
    pub events: Vec<Event>,
    pub sightings: Vec<Sighting>,
    pub relationships: Vec<Relationship>,
    pub reports: Vec<ReportObject>,
    pub skipped: Vec<Skipped>,
    /// Identifiers of every object, read or not (for dangling references).
    pub ids: rustc_hash::FxHashSet<String>,
}

/// Why a type is not read, for the types STIX 2.1 defines.
fn unused_reason(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "indicator" => "a detection pattern, not an act",
        "malware" | "tool" => "a tool, not an act: the acts that used it are what norms judge",
        "attack-pattern" => "a technique, not an act",
        "vulnerability" => "a flaw; the bundle does not say who found or reported it",
        "course-of-action" => "a defence, not an act",
        "infrastructure" => "infrastructure; used only where an act targets it",
        "observed-data" | "note" | "opinion" | "grouping" | "malware-analysis" => {
            "analysis of other objects, not a fact norms read"
        }
        "marking-definition" | "extension-definition" | "language-content" => {
            "metadata about other objects"
        }
        "task" => "a response task; the vocabulary has no action for it",
        _ if is_observable(ty) => "a cyber-observable, not an act",
        _ => return None,
    })
}

fn is_observable(ty: &str) -> bool {
    matches!(
        ty,
        "artifact"
            | "autonomous-system"
            | "directory"
            | "domain-name"
            | "email-addr"
            | "email-message"
            | "file"
            | "ipv4-addr"
            | "ipv6-addr"
            | "mac-addr"
            | "mutex"
            | "network-traffic"
            | "process"
            | "software"
            | "url"
            | "user-account"
            | "windows-registry-key"
            | "x509-certificate"
    )
}

/// Parse a bundle. Fails only when the text is not JSON or not a bundle;
/// an object that cannot be read is skipped with its reason.
pub fn read(text: &str) -> Result<Bundle, ImportError> {
    let raw: RawBundle = serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            ImportError::NotABundle(format!("{e}"))
        } else {
            ImportError::NotJson(format!("{e}"))
        }
    })?;
    if raw.ty.as_deref() != Some("bundle") {
        let found = raw.ty.as_deref().map_or_else(
            || "no `type`".to_string(),
            |t| format!("`\"type\": \"{}\"`", super::write::clip(t, 60)),
        );
        return Err(ImportError::NotABundle(format!(
            "a STIX bundle has `\"type\": \"bundle\"`; this object has {found}"
        )));
    }
    let Some(objects) = raw.objects else {
        return Err(ImportError::NotABundle(
            "the bundle has no `objects` list".to_string(),
        ));
    };
    let mut b = Bundle {
        id: raw.id,
        ..Bundle::default()
    };
    for (n, obj) in objects.into_iter().enumerate() {
        sort_object(&mut b, n, obj);
    }
    Ok(b)
}

fn sort_object(b: &mut Bundle, n: usize, obj: &RawValue) {
    let text = obj.get();
    // Times that are not strings must not hide the type and id.
    let header = serde_json::from_str::<Header>(text).or_else(|_| {
        serde_json::from_str::<MinimalHeader>(text).map(|h| Header {
            ty: h.ty,
            id: h.id,
            created: None,
            modified: None,
        })
    });
    let header = match header {
        Ok(h) => h,
        Err(_) => {
            b.skipped.push(Skipped {
                id: format!("object {}", n + 1),
                reason: "not a JSON object with a `type`".into(),
            });
            return;
        }
    };
    for t in [&header.created, &header.modified].into_iter().flatten() {
        if let Ok(t) = crate::time::parse_time(t) {
            b.latest_stamp = Some(b.latest_stamp.map_or(t, |l| l.max(t)));
        }
    }
    let id = header.id.unwrap_or_else(|| format!("object {}", n + 1));
    let ty = header.ty.as_deref().unwrap_or("");
    if ty.is_empty() {
        b.skipped.push(Skipped {
            id,
            reason: "no `type`".into(),
        });
        return;
    }
    b.ids.insert(id.clone());
    let ok = match ty {
        "identity" => push(text, &mut b.identities),
        "location" => push(text, &mut b.locations),
        "threat-actor" | "intrusion-set" => push(text, &mut b.groups),
        "campaign" => push(text, &mut b.campaigns),
        "incident" => push(text, &mut b.incidents),
        "impact" => push(text, &mut b.impacts),
        "event" => push(text, &mut b.events),
        "sighting" => push(text, &mut b.sightings),
        "relationship" => push(text, &mut b.relationships),
        "report" => push(text, &mut b.reports),
        _ => {
            let reason = match unused_reason(ty) {
                Some(r) => format!("{ty}: {r}"),
                None => format!(
                    "unknown type `{}`: not a STIX 2.1 type the mapping knows",
                    super::write::clip(ty, 60)
                ),
            };
            Err(reason)
        }
    };
    if let Err(reason) = ok {
        b.skipped.push(Skipped { id, reason });
    }
}

fn push<T: for<'de> Deserialize<'de>>(text: &str, into: &mut Vec<T>) -> Result<(), String> {
    match serde_json::from_str::<T>(text) {
        Ok(v) => {
            into.push(v);
            Ok(())
        }
        Err(e) => Err(format!(
            "not read: {}",
            super::write::clip(&e.to_string(), 200)
        )),
    }
}
