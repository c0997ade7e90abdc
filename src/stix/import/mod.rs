//! From a read bundle to the report's entities and events: who is a
//! State, what is an asset, who acted (the `attributed-to` chains), when,
//! with what effect, and who said so.
//!
//! Owns the decisions `docs/stix.md` lists (the vocabulary itself is
//! `mapping.rs`). Every object ends up either in an entity or event (its
//! id in the doc comment) or in the list of what was not mapped, with the
//! reason: [`Import::finish`] lists every object nothing used. It must
//! never write text (that is `write.rs`) nor guess a fact the bundle does
//! not give: such a fact is `?`.
//!
//! Here: the indexes, the entities (States, non-State actors) and the
//! final accounting; `acts` the incidents, campaigns and sightings (and
//! the assets they target); `chain` who acted and who said so.

mod acts;
mod chain;

use rustc_hash::{FxHashMap, FxHashSet};

use super::mapping::{self, GroupNature};
use super::objects::{Bundle, Group, Identity, Relationship, Skipped};
use super::write::{clip, Item, Names, Text};

/// Who acted, as far as the bundle says.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Actor {
    State(String),
    NonState(String),
    /// `?`, with why (for the doc comment).
    Unknown(String),
}

struct Import<'b> {
    b: &'b Bundle,
    names: Names,
    /// Object id → the entity it became.
    entity_of: FxHashMap<&'b str, String>,
    /// Country code (upper case) → State entity.
    state_of_country: FxHashMap<String, String>,
    /// Object ids some entity or event stands for.
    used: FxHashSet<&'b str>,
    /// Reasons decided on the way for objects that stay unmapped.
    reasons: FxHashMap<&'b str, String>,
    entities: Vec<Item>,
    events: Vec<Item>,
    notes: Vec<String>,
    attributed: FxHashMap<&'b str, Vec<&'b Relationship>>,
    targets: FxHashMap<&'b str, Vec<&'b Relationship>>,
    located: FxHashMap<&'b str, Vec<&'b Relationship>>,
    /// Indexes by id into the bundle's lists, and sightings by what they sight.
    index: Index<'b>,
    sightings_of: FxHashMap<&'b str, Vec<usize>>,
    /// Entity names that are States; entity name → place in `entities`.
    state_names: FxHashSet<String>,
    entity_at: FxHashMap<String, usize>,
    as_of: i64,
}

/// Build the report's text from a bundle. `reserved` are the names the
/// standard library declares.
pub fn build(b: &Bundle, reserved: Vec<String>) -> Text {
    let mut im = Import {
        b,
        names: Names::new(reserved),
        entity_of: FxHashMap::default(),
        state_of_country: FxHashMap::default(),
        used: FxHashSet::default(),
        reasons: FxHashMap::default(),
        entities: Vec::new(),
        events: Vec::new(),
        notes: Vec::new(),
        attributed: FxHashMap::default(),
        targets: FxHashMap::default(),
        located: FxHashMap::default(),
        index: Index::default(),
        sightings_of: FxHashMap::default(),
        state_names: FxHashSet::default(),
        entity_at: FxHashMap::default(),
        as_of: 0,
    };
    im.index_objects();
    im.index_relationships();
    im.as_of = im.latest_time();
    im.states();
    im.actors();
    im.incidents();
    im.campaigns();
    im.sightings();
    im.finish()
}

fn name_of(name: &Option<String>) -> String {
    name.as_deref()
        .map_or_else(String::new, |n| format!(" \"{}\"", clip(n, 80)))
}

fn parse(t: &Option<String>) -> Option<i64> {
    t.as_deref().and_then(|t| crate::time::parse_time(t).ok())
}

/// Where each object sits in its list, by id (the first of duplicates).
#[derive(Default)]
struct Index<'b> {
    identities: FxHashMap<&'b str, usize>,
    locations: FxHashMap<&'b str, usize>,
    groups: FxHashMap<&'b str, usize>,
    events: FxHashMap<&'b str, usize>,
    impacts: FxHashMap<&'b str, usize>,
    sightings: FxHashMap<&'b str, usize>,
}

fn index_of<'b, T>(items: &'b [T], id: impl Fn(&'b T) -> &'b str) -> FxHashMap<&'b str, usize> {
    let mut m = FxHashMap::default();
    for (k, x) in items.iter().enumerate() {
        m.entry(id(x)).or_insert(k);
    }
    m
}

fn is_government(i: &Identity) -> bool {
    i.sectors.iter().any(|s| s == mapping::GOVERNMENT_SECTOR)
        && i.identity_class.as_deref() != Some("individual")
}

impl<'b> Import<'b> {
    fn index_objects(&mut self) {
        let b = self.b;
        self.index = Index {
            identities: index_of(&b.identities, |x| &x.id),
            locations: index_of(&b.locations, |x| &x.id),
            groups: index_of(&b.groups, |x| &x.id),
            events: index_of(&b.events, |x| &x.id),
            impacts: index_of(&b.impacts, |x| &x.id),
            sightings: index_of(&b.sightings, |x| &x.id),
        };
        for (k, s) in b.sightings.iter().enumerate() {
            if let Some(of) = &s.sighting_of_ref {
                self.sightings_of.entry(of).or_default().push(k);
            }
        }
    }

    fn identity(&self, id: &str) -> Option<&'b Identity> {
        self.index
            .identities
            .get(id)
            .and_then(|&k| self.b.identities.get(k))
    }

    fn group(&self, id: &str) -> Option<&'b Group> {
        self.index
            .groups
            .get(id)
            .and_then(|&k| self.b.groups.get(k))
    }

    fn is_state_entity(&self, id: &str) -> bool {
        self.entity_of
            .get(id)
            .is_some_and(|e| self.state_names.contains(e))
    }

    fn index_relationships(&mut self) {
        for r in &self.b.relationships {
            let dangling = [&r.source_ref, &r.target_ref]
                .into_iter()
                .find(|x| !self.b.ids.contains(x.as_str()));
            if let Some(x) = dangling {
                let what = if x.is_empty() {
                    "has no source or target".to_string()
                } else {
                    format!("dangling reference: {} is not in the bundle", clip(x, 80))
                };
                self.reasons.insert(&r.id, what);
                continue;
            }
            let map = match r.relationship_type.as_str() {
                "attributed-to" => {
                    self.attributed.entry(&r.source_ref).or_default().push(r);
                    self.reasons.insert(
                        &r.id,
                        "attributed-to between objects that no act reaches".into(),
                    );
                    continue;
                }
                "targets" => &mut self.targets,
                "located-at" => &mut self.located,
                other => {
                    let why = format!(
                        "relationship `{}`: the mapping reads only attributed-to, targets and located-at",
                        clip(other, 40)
                    );
                    self.reasons.insert(&r.id, why);
                    continue;
                }
            };
            map.entry(&r.source_ref).or_default().push(r);
            // Used only once something that is mapped reads it.
            self.reasons.insert(
                &r.id,
                format!(
                    "{} between objects that do not become entities or events",
                    r.relationship_type
                ),
            );
        }
    }

    /// The latest time the bundle knows: the report's `as_of`.
    fn latest_time(&self) -> i64 {
        let b = self.b;
        let mut all: Vec<i64> = Vec::new();
        all.extend(b.latest_stamp);
        for c in &b.campaigns {
            all.extend(parse(&c.first_seen));
            all.extend(parse(&c.last_seen));
        }
        for s in &b.sightings {
            all.extend(parse(&s.first_seen));
            all.extend(parse(&s.last_seen));
        }
        for e in &b.events {
            for (t, f) in [
                (&e.start_time, &e.start_time_fidelity),
                (&e.end_time, &e.end_time_fidelity),
            ] {
                if let Some(t) = parse(t) {
                    all.push(mapping::fidelity_window(f.as_deref(), t).map_or(t, |w| w.1));
                }
            }
        }
        for i in &b.impacts {
            all.extend(parse(&i.start_time));
            all.extend(parse(&i.end_time));
        }
        for r in &b.relationships {
            all.extend(parse(&r.created));
            all.extend(parse(&r.start_time));
        }
        all.into_iter().max().unwrap_or(0)
    }

    fn mark(&mut self, id: &'b str) {
        self.used.insert(id);
    }

    fn located_countries(&self, id: &str) -> Vec<(&'b str, String, Option<&'static str>)> {
        let mut out = Vec::new();
        for rel in self.located.get(id).into_iter().flatten() {
            let loc = rel.target_ref.as_str();
            let l = self
                .index
                .locations
                .get(loc)
                .and_then(|&k| self.b.locations.get(k));
            if let Some(c) = l.and_then(|l| l.country.as_ref().map(|c| (l, c))) {
                let region = c.0.region.as_deref().and_then(mapping::region);
                out.push((loc, c.1.to_ascii_uppercase(), region));
            }
        }
        out
    }

    /// The State entity of a country, made on first use.
    fn country_state(
        &mut self,
        country: &str,
        region: Option<&'static str>,
        id: &'b str,
    ) -> String {
        if let Some(s) = self.state_of_country.get(country) {
            let s = s.clone();
            self.attach(&s, id);
            return s;
        }
        let name = self.names.fresh(country, "state", false);
        self.state_of_country
            .insert(country.to_string(), name.clone());
        self.state_names.insert(name.clone());
        self.entity_at.insert(name.clone(), self.entities.len());
        self.entities.push(Item {
            doc: vec![format!(
                "STIX {id}: the State of country {}",
                clip(country, 10)
            )],
            line: state_line(&name, region),
        });
        self.entity_of.insert(id, name.clone());
        self.mark(id);
        name
    }

    /// Record that `id` also stands for entity `name` (its doc names it).
    fn attach(&mut self, name: &str, id: &'b str) {
        self.entity_of.insert(id, name.to_string());
        self.mark(id);
        let at = self.entity_at.get(name).copied();
        if let Some(item) = at.and_then(|k| self.entities.get_mut(k)) {
            if let Some(first) = item.doc.first_mut() {
                if !first.contains(id) {
                    first.insert_str(5, &format!("{id} "));
                }
            }
        }
    }

    /// Locations with a country, and government identities, become States.
    fn states(&mut self) {
        let b = self.b;
        for l in &b.locations {
            match &l.country {
                Some(c) if !c.trim().is_empty() => {
                    let region = l.region.as_deref().and_then(mapping::region);
                    self.country_state(&c.to_ascii_uppercase(), region, &l.id);
                }
                _ => {
                    self.reasons
                        .insert(&l.id, "a location with no country: no State".into());
                }
            }
        }
        for i in &b.identities {
            if !is_government(i) {
                continue;
            }
            let countries = self.located_countries(&i.id);
            let state = match countries.first() {
                Some((_, c, region)) => {
                    let (c, region) = (c.clone(), *region);
                    self.country_state(&c, region, &i.id)
                }
                None => {
                    let name = self
                        .names
                        .fresh(i.name.as_deref().unwrap_or(""), "state", false);
                    self.state_names.insert(name.clone());
                    self.entity_at.insert(name.clone(), self.entities.len());
                    self.entities.push(Item {
                        doc: vec![format!(
                            "STIX {}{}: a government; the bundle names no country",
                            i.id,
                            name_of(&i.name)
                        )],
                        line: state_line(&name, None),
                    });
                    self.mark(&i.id);
                    name
                }
            };
            self.entity_of.insert(&i.id, state);
            self.use_located(&i.id);
        }
    }

    /// The `located-at` relationships of `id` are read: each is named in
    /// the doc comment of the entity `id` became, else of its country's.
    fn use_located(&mut self, id: &str) {
        for r in self.located.get(id).cloned().unwrap_or_default() {
            if !self.used.insert(&r.id) {
                continue;
            }
            self.reasons.remove(r.id.as_str());
            let owner = self
                .entity_of
                .get(id)
                .or_else(|| self.entity_of.get(r.target_ref.as_str()))
                .and_then(|e| self.entity_at.get(e).copied());
            if let Some(item) = owner.and_then(|k| self.entities.get_mut(k)) {
                item.doc.push(format!("located by {}", r.id));
            }
        }
    }

    /// Groups whose types say they are not a State's: non-State actors.
    fn actors(&mut self) {
        let b = self.b;
        for g in &b.groups {
            match mapping::group_nature(&g.threat_actor_types, g.resource_level.as_deref()) {
                GroupNature::NonState(kind) => {
                    let name = self
                        .names
                        .fresh(g.name.as_deref().unwrap_or(""), "actor", true);
                    let base = self
                        .located_countries(&g.id)
                        .first()
                        .map(|(loc, c, r)| (*loc, c.clone(), *r));
                    let base = match base {
                        Some((loc, c, r)) => self.country_state(&c, r, loc),
                        None => "?".into(),
                    };
                    self.entity_at.insert(name.clone(), self.entities.len());
                    self.entities.push(Item {
                        doc: vec![format!("STIX {}{}: {}", g.id, name_of(&g.name), g.ty)],
                        line: format!(
                            "entity {name}: Actor {{ kind: {}, base: {base}, sponsors: ? }}",
                            kind.unwrap_or("?")
                        ),
                    });
                    self.entity_of.insert(&g.id, name);
                    self.mark(&g.id);
                    self.use_located(&g.id);
                }
                GroupNature::StateAgent => {
                    self.reasons.insert(
                        &g.id,
                        format!(
                            "{}: a State's agent (nation-state); no act in the bundle is attributed to it",
                            g.ty
                        ),
                    );
                }
                GroupNature::Unknown => {
                    self.reasons.insert(
                        &g.id,
                        format!(
                            "{}: nothing says whether it is a State's agent, and no act in the bundle is attributed to it",
                            g.ty
                        ),
                    );
                }
            }
        }
    }

    /// Everything not used is listed, with its reason.
    fn finish(mut self) -> Text {
        let b = self.b;
        let mut skipped = b.skipped.clone();
        let creators: FxHashSet<&str> = b
            .relationships
            .iter()
            .filter_map(|r| r.created_by_ref.as_deref())
            .chain(
                b.sightings
                    .iter()
                    .filter_map(|s| s.created_by_ref.as_deref()),
            )
            .collect();
        let mut unused = |id: &'b str, default: &str| {
            if self.used.contains(id) {
                return;
            }
            let reason = self
                .reasons
                .remove(id)
                .unwrap_or_else(|| default.to_string());
            skipped.push(Skipped {
                id: id.to_string(),
                reason,
            });
        };
        for i in &b.identities {
            let why = if creators.contains(i.id.as_str()) {
                "identity: an author of objects, not a party to any act"
            } else if i.identity_class.as_deref() == Some("individual") {
                "identity of an individual: persons are not parties of the vocabulary"
            } else {
                "identity: no act in the bundle targets it"
            };
            unused(&i.id, why);
        }
        for l in &b.locations {
            unused(&l.id, "location");
        }
        for g in &b.groups {
            unused(&g.id, "group");
        }
        for c in &b.campaigns {
            unused(&c.id, "campaign");
        }
        for i in &b.incidents {
            unused(&i.id, "incident");
        }
        for i in &b.impacts {
            unused(&i.id, "impact: no incident refers to it");
        }
        for e in &b.events {
            unused(&e.id, "event: no incident refers to it");
        }
        for s in &b.sightings {
            unused(&s.id, "sighting");
        }
        for r in &b.relationships {
            unused(
                &r.id,
                "relationship between objects that do not become entities or events",
            );
        }
        for r in &b.reports {
            unused(
                &r.id,
                "report: its name titles this report; its list of objects is not read",
            );
        }
        // A safety net: an object read for an entity or event but named in
        // no doc comment is named here.
        let mut written: FxHashSet<&str> = FxHashSet::default();
        for item in self.entities.iter().chain(&self.events) {
            for d in &item.doc {
                written.extend(
                    d.split(|c: char| c.is_whitespace() || c == ',')
                        .map(|w| w.trim_end_matches(':')),
                );
            }
        }
        let all_ids = b
            .identities
            .iter()
            .map(|x| x.id.as_str())
            .chain(b.locations.iter().map(|x| x.id.as_str()))
            .chain(b.groups.iter().map(|x| x.id.as_str()))
            .chain(b.campaigns.iter().map(|x| x.id.as_str()))
            .chain(b.incidents.iter().map(|x| x.id.as_str()))
            .chain(b.impacts.iter().map(|x| x.id.as_str()))
            .chain(b.events.iter().map(|x| x.id.as_str()))
            .chain(b.sightings.iter().map(|x| x.id.as_str()))
            .chain(b.relationships.iter().map(|x| x.id.as_str()));
        let unnamed: Vec<String> = all_ids
            .filter(|id| self.used.contains(id) && !written.contains(id))
            .map(|id| clip(id, 80))
            .collect();
        if !unnamed.is_empty() {
            self.notes.push(format!(
                "Also read for the entities and events below: {}.",
                unnamed.join(", ")
            ));
        }
        let title_source = b
            .reports
            .iter()
            .find_map(|r| r.name.clone())
            .or_else(|| b.incidents.iter().find_map(|i| i.name.clone()))
            .or_else(|| b.campaigns.iter().find_map(|c| c.name.clone()));
        let title = title_source.clone().unwrap_or_else(|| "STIX bundle".into());
        let name = self.names.fresh(&title, "stix_bundle", true);
        if self.events.is_empty() {
            self.notes.push("No object of the bundle is an act (an incident, campaign or sighting with a time), so the report has no events.".into());
        }
        Text {
            bundle: b.id.clone(),
            name,
            title,
            as_of: self.as_of,
            notes: self.notes,
            skipped,
            entities: self.entities,
            events: self.events,
        }
    }
}

fn state_line(name: &str, region: Option<&str>) -> String {
    format!(
        "entity {name}: State {{ region: {}, un_member: ?, osce: ?, paris_call: ? }}",
        region.unwrap_or("?")
    )
}
