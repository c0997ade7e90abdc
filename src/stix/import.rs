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

use rustc_hash::{FxHashMap, FxHashSet};

use super::mapping::{self, Effect, GroupNature};
use super::objects::{Bundle, Group, Identity, Impact, Relationship, Skipped};
use super::write::{clip, event_time, Item, Names, Text, When};

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
        all.extend(parse(&b.latest_stamp));
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
            comments: Vec::new(),
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
                        comments: Vec::new(),
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
                        comments: Vec::new(),
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

    /// The objects the `attributed-to` relationships lead to from `start`
    /// (depth first, each once), the relationships followed, and a note for
    /// each that closes a cycle (it leads back to an object on the path).
    fn chain(&self, start: &'b str) -> (Vec<&'b str>, Vec<&'b Relationship>, Vec<String>) {
        let mut order = vec![start];
        let mut seen: FxHashSet<&'b str> = FxHashSet::default();
        let mut on_path: FxHashSet<&'b str> = FxHashSet::default();
        let mut walked = Vec::new();
        let mut notes = Vec::new();
        seen.insert(start);
        on_path.insert(start);
        // (node, next relationship to follow)
        let mut stack: Vec<(&'b str, usize)> = vec![(start, 0)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            let rels = self.attributed.get(node).map_or(&[][..], Vec::as_slice);
            let Some(r) = rels.get(*next).copied() else {
                on_path.remove(node);
                stack.pop();
                continue;
            };
            *next += 1;
            walked.push(r);
            let target = r.target_ref.as_str();
            if on_path.contains(target) {
                notes.push(format!(
                    "{} closes a cycle of attributed-to back to {}: each object is followed once",
                    r.id,
                    clip(target, 80)
                ));
            } else if seen.insert(target) {
                order.push(target);
                on_path.insert(target);
                stack.push((target, 0));
            }
        }
        (order, walked, notes)
    }

    /// Who acted for `start`: the States and non-State actors its chain of
    /// `attributed-to` reaches (through groups, identities and locations),
    /// with the relationships walked.
    fn actor_of(&mut self, start: &'b str) -> (Actor, Vec<&'b Relationship>, Vec<String>) {
        let (order, walked, mut notes) = self.chain(start);
        if let Some(through) = order.get(1..).filter(|o| !o.is_empty()) {
            let ids: Vec<String> = through.iter().map(|t| clip(t, 80)).collect();
            notes.push(format!("attributed-to chain: {}", ids.join(", ")));
        }
        let mut states: Vec<String> = Vec::new();
        let mut non_state: Option<String> = None;
        let mut agents: Vec<String> = Vec::new();
        for node in order {
            if let Some(g) = self.group(node) {
                match mapping::group_nature(&g.threat_actor_types, g.resource_level.as_deref()) {
                    GroupNature::StateAgent => {
                        agents.push(format!("{}{}", g.id, name_of(&g.name)));
                        self.reasons.remove(g.id.as_str());
                        self.mark(&g.id);
                        for (loc, c, r) in self.located_countries(&g.id) {
                            states.push(self.country_state(&c, r, loc));
                            self.use_located(&g.id);
                        }
                    }
                    GroupNature::NonState(_) => {
                        non_state = self.entity_of.get(node).cloned();
                    }
                    GroupNature::Unknown => {
                        agents.push(format!("{}{}", g.id, name_of(&g.name)));
                        self.reasons.remove(g.id.as_str());
                        self.mark(&g.id);
                    }
                }
            } else if self.is_state_entity(node) {
                states.extend(self.entity_of.get(node).cloned());
            }
        }
        states.sort();
        states.dedup();
        let actor = match (states.as_slice(), non_state) {
            ([one], _) => Actor::State(one.clone()),
            ([], Some(a)) => Actor::NonState(a),
            ([], None) if agents.is_empty() => {
                Actor::Unknown("the bundle attributes it to no one".into())
            }
            ([], None) => Actor::Unknown(format!(
                "attributed to {} but to no State the bundle names",
                agents.join(", ")
            )),
            (many, _) => Actor::Unknown(format!(
                "the attributions name several States: {}",
                many.join(", ")
            )),
        };
        (actor, walked, notes)
    }

    /// The assets an act targets: identities (not governments) and
    /// infrastructure, each an `Asset` made on first use.
    fn asset(&mut self, id: &'b str, notes: &mut Vec<String>) -> Option<String> {
        if let Some(e) = self.entity_of.get(id) {
            if self.state_names.contains(e) {
                notes.push(format!(
                    "it targets {id}, a State ({e}), not an asset: `against` is `?`"
                ));
                return None;
            }
            return Some(e.clone());
        }
        let identity = self.identity(id);
        let (label, sector) = match identity {
            Some(i) => {
                let sector = i.sectors.iter().find_map(|s| mapping::sector(s));
                (i.name.clone(), sector)
            }
            None if id.starts_with("infrastructure--") => (None, None),
            None => {
                notes.push(format!(
                    "it targets {}, which is not an identity or infrastructure: not an asset",
                    clip(id, 80)
                ));
                return None;
            }
        };
        let owner = self
            .located_countries(id)
            .first()
            .map(|(loc, c, r)| (*loc, c.clone(), *r));
        let owner = match owner {
            Some((loc, c, r)) => self.country_state(&c, r, loc),
            None => "?".into(),
        };
        let name = self
            .names
            .fresh(label.as_deref().unwrap_or(""), "asset", true);
        self.entity_at.insert(name.clone(), self.entities.len());
        self.entities.push(Item {
            doc: vec![format!("STIX {id}{}", name_of(&label))],
            comments: Vec::new(),
            line: format!(
                "entity {name}: Asset {{ sector: {}, owner: {owner}, critical: ? }}",
                sector.unwrap_or("?")
            ),
        });
        self.entity_of.insert(id, name.clone());
        self.mark(id);
        self.use_located(id);
        Some(name)
    }

    /// The targets of `source`: its `targets` relationships and `extra`
    /// (impacted or sighted-at objects), as assets.
    fn targets_of(
        &mut self,
        source: &'b str,
        extra: &[&'b str],
        notes: &mut Vec<String>,
    ) -> Vec<(&'b str, String)> {
        let rels = self.targets.get(source).cloned().unwrap_or_default();
        let mut ids: Vec<&'b str> = Vec::new();
        let mut read = Vec::new();
        for r in rels {
            self.reasons.remove(r.id.as_str());
            self.used.insert(&r.id);
            ids.push(&r.target_ref);
            read.push(r.id.as_str());
        }
        if !read.is_empty() {
            notes.push(format!("targets: {}", read.join(", ")));
        }
        ids.extend_from_slice(extra);
        let mut out: Vec<(&'b str, String)> = Vec::new();
        for id in ids {
            if out.iter().any(|(i, _)| *i == id) {
                continue;
            }
            if let Some(a) = self.asset(id, notes) {
                if !out.iter().any(|(_, n)| *n == a) {
                    out.push((id, a));
                }
            }
        }
        out
    }

    fn incidents(&mut self) {
        let b = self.b;
        for inc in &b.incidents {
            let core = inc.extensions.core.as_ref();
            if mapping::is_false_positive(core.and_then(|c| c.determination.as_deref())) {
                self.reasons.insert(
                    &inc.id,
                    "incident determined a false positive: nothing happened".into(),
                );
                continue;
            }
            let mut notes = Vec::new();
            let mut doc_extra = Vec::new();
            if let Some(d) = core.and_then(|c| c.determination.as_deref()) {
                doc_extra.push(format!("determination: {}", clip(d, 40)));
            }
            // Times: the extension's events, else sightings, else impacts.
            let mut event_ids: Vec<&'b str> = Vec::new();
            if let Some(c) = core {
                event_ids.extend(c.events.iter().filter_map(|s| s.event_ref.as_deref()));
                event_ids.extend(c.event_refs.iter().map(String::as_str));
            }
            let mut spans: Vec<(i64, i64)> = Vec::new();
            let mut read: Vec<&'b str> = Vec::new();
            let mut sighting_ids: Vec<&'b str> = Vec::new();
            for eid in &event_ids {
                match self.index.events.get(eid).and_then(|&k| b.events.get(k)) {
                    None => notes.push(format!("its event {} is not in the bundle", clip(eid, 80))),
                    Some(e) if e.status.as_deref() == Some("not-occurred") => {
                        self.reasons
                            .insert(&e.id, "event that did not occur".into());
                    }
                    Some(e) => {
                        self.mark(&e.id);
                        read.push(&e.id);
                        sighting_ids.extend(e.sighting_refs.iter().map(String::as_str));
                        let start = parse(&e.start_time).map(|t| {
                            mapping::fidelity_window(e.start_time_fidelity.as_deref(), t)
                                .unwrap_or((t, t))
                        });
                        let end = parse(&e.end_time).map(|t| {
                            mapping::fidelity_window(e.end_time_fidelity.as_deref(), t)
                                .unwrap_or((t, t))
                        });
                        match (start, end) {
                            (Some(s), Some(e)) => spans.push((s.0, e.1)),
                            (Some(s), None) => spans.push(s),
                            (None, Some(e)) => spans.push(e),
                            (None, None) => {}
                        }
                    }
                }
            }
            let mut source = "its events";
            if spans.is_empty() {
                source = "its sightings";
                let mut of_it: Vec<usize> = self
                    .sightings_of
                    .get(inc.id.as_str())
                    .cloned()
                    .unwrap_or_default();
                of_it.extend(
                    sighting_ids
                        .iter()
                        .filter_map(|id| self.index.sightings.get(id).copied()),
                );
                for k in of_it {
                    let Some(s) = b.sightings.get(k) else {
                        continue;
                    };
                    self.mark(&s.id);
                    read.push(&s.id);
                    if let Some(lo) = parse(&s.first_seen) {
                        spans.push((lo, parse(&s.last_seen).unwrap_or(lo)));
                    }
                }
            } else {
                for id in &sighting_ids {
                    if let Some(s) = self
                        .index
                        .sightings
                        .get(id)
                        .and_then(|&k| b.sightings.get(k))
                    {
                        self.mark(&s.id);
                        read.push(&s.id);
                    }
                }
            }
            // Impacts: referenced objects and the extension's own lists.
            let mut impacts: Vec<(String, Option<Effect>, Vec<&'b str>, bool)> = Vec::new();
            if let Some(c) = core {
                for iref in &c.impact_refs {
                    match self
                        .index
                        .impacts
                        .get(iref.as_str())
                        .and_then(|&k| b.impacts.get(k))
                    {
                        Some(i) => {
                            self.mark(&i.id);
                            let (label, effect, counts) = impact_effect(i);
                            impacts.push((
                                format!("{} {label}", i.id),
                                effect,
                                i.impacted_refs.iter().map(String::as_str).collect(),
                                counts,
                            ));
                            if spans.is_empty() {
                                if let Some(lo) = parse(&i.start_time) {
                                    source = "its impacts";
                                    spans.push((lo, parse(&i.end_time).unwrap_or(lo)));
                                }
                            }
                        }
                        None => notes.push(format!(
                            "its impact {} is not in the bundle",
                            clip(iref, 80)
                        )),
                    }
                }
                for a in &c.availability_impacts {
                    impacts.push((
                        format!(
                            "availability {}",
                            a.availability_impact.map_or("?".into(), |p| p.to_string())
                        ),
                        mapping::availability(a.availability_impact),
                        Vec::new(),
                        true,
                    ));
                }
                for a in &c.integrity_impacts {
                    impacts.push((
                        format!(
                            "integrity {}",
                            clip(a.alteration.as_deref().unwrap_or("?"), 40)
                        ),
                        mapping::integrity(a.alteration.as_deref()),
                        Vec::new(),
                        true,
                    ));
                }
                for a in &c.confidentiality_impacts {
                    impacts.push((
                        format!(
                            "confidentiality {}",
                            clip(a.loss_type.as_deref().unwrap_or("?"), 40)
                        ),
                        mapping::confidentiality(a.loss_type.as_deref()),
                        Vec::new(),
                        true,
                    ));
                }
                for a in &c.physical_impacts {
                    impacts.push((
                        format!(
                            "physical {}",
                            clip(a.impact_type.as_deref().unwrap_or("?"), 40)
                        ),
                        mapping::physical(a.impact_type.as_deref()),
                        Vec::new(),
                        true,
                    ));
                }
                for a in &c.external_impacts {
                    impacts.push((
                        format!(
                            "external {}",
                            clip(a.impact_type.as_deref().unwrap_or("?"), 40)
                        ),
                        None,
                        Vec::new(),
                        false,
                    ));
                }
            }
            let when = match (
                spans.iter().map(|s| s.0).min(),
                spans.iter().map(|s| s.1).max(),
            ) {
                (Some(lo), Some(hi)) => When::between(lo, hi, format!("the span of {source}")),
                _ => {
                    self.reasons.insert(
                        &inc.id,
                        "incident with no time of its own and no events, sightings or impacts with times: a report cannot yet state an event at an unknown time".into(),
                    );
                    continue;
                }
            };
            self.mark(&inc.id);
            if !read.is_empty() {
                doc_extra.push(format!("its events and sightings: {}", read.join(", ")));
            }
            let impacted: Vec<&'b str> = impacts.iter().flat_map(|i| i.2.iter().copied()).collect();
            let targets = self.targets_of(&inc.id, &impacted, &mut notes);
            let (actor, walked, chain_notes) = self.actor_of(&inc.id);
            notes.extend(chain_notes);
            let title = format!("STIX {}{}", inc.id, name_of(&inc.name));
            let mut made = Vec::new();
            let against: Vec<Option<(&'b str, String)>> = if targets.is_empty() {
                vec![None]
            } else {
                targets.into_iter().map(Some).collect()
            };
            let several = against.len() > 1;
            for target in against {
                // Impacts naming what they hit count for those targets only.
                let mine: Vec<&(String, Option<Effect>, Vec<&'b str>, bool)> = impacts
                    .iter()
                    .filter(|i| {
                        i.2.is_empty() || target.as_ref().is_some_and(|(id, _)| i.2.contains(id))
                    })
                    .collect();
                let effect = gravest(mine.iter().filter(|i| i.3).map(|i| i.1));
                let mut doc = vec![title.clone()];
                doc.extend(doc_extra.iter().cloned());
                for i in &mine {
                    doc.push(format!(
                        "impact {} → {}",
                        i.0,
                        if i.3 {
                            i.1.map_or("?", Effect::as_str)
                        } else {
                            "no effect of the vocabulary"
                        }
                    ));
                }
                if impacts.is_empty() {
                    doc.push("no impacts: `effect` is `?`".into());
                }
                let base = match &target {
                    Some((_, a)) if several => {
                        format!("{} {a}", inc.name.as_deref().unwrap_or("incident"))
                    }
                    _ => inc.name.clone().unwrap_or_default(),
                };
                let against = target.map_or("?".to_string(), |t| t.1);
                let effect = effect.map_or("?", Effect::as_str);
                let name = self.act(&base, &actor, &against, effect, &when, doc, &notes);
                made.push(name);
            }
            self.attributions(&walked, made.first().cloned(), &actor);
        }
    }

    /// Write one act: `operate`, or `intrude` by a non-State actor.
    #[allow(clippy::too_many_arguments)]
    fn act(
        &mut self,
        base: &str,
        actor: &Actor,
        against: &str,
        effect: &str,
        when: &When,
        mut doc: Vec<String>,
        notes: &[String],
    ) -> String {
        let name = self.names.fresh(base, "act", true);
        let line_of = |at: &str| {
            match actor {
            Actor::NonState(a) => format!("event {name}: intrude(by: {a}, against: {against}, effect: {effect}) at {at}"),
            Actor::State(s) => format!("event {name}: operate(by: {s}, against: {against}, effect: {effect}, intent: ?) at {at}"),
            Actor::Unknown(_) => format!("event {name}: operate(by: ?, against: {against}, effect: {effect}, intent: ?) at {at}"),
        }
        };
        if let Actor::Unknown(why) = actor {
            doc.push(format!("by: ? — {why}"));
        }
        doc.extend(notes.iter().cloned());
        let t = event_time(when);
        self.events.push(Item {
            doc,
            comments: t.comment.into_iter().collect(),
            line: line_of(&t.at),
        });
        name
    }

    /// Each `attributed-to` relationship walked for an act becomes an
    /// `attribute` by the State that made it: one event per State and
    /// party blamed, at the earliest claim, every relationship that makes
    /// the claim named in its doc comment.
    fn attributions(&mut self, walked: &[&'b Relationship], about: Option<String>, actor: &Actor) {
        let Some(about) = about else { return };
        // (by, action, blamed) → (time, doc)
        let mut claims: Vec<((String, &'static str, String), i64, Vec<String>)> = Vec::new();
        for r in walked {
            let creator = r.created_by_ref.as_deref().and_then(|c| {
                if self.identity(c).is_some_and(is_government) {
                    self.entity_of.get(c).cloned()
                } else {
                    None
                }
            });
            let (blamed, _, _) = self.actor_of(&r.target_ref);
            let when = parse(&r.start_time).or_else(|| parse(&r.created));
            let claim = match (creator, &blamed, actor, when) {
                (None, ..) => {
                    let who = r
                        .created_by_ref
                        .as_deref()
                        .map_or("an unnamed author".to_string(), |c| clip(c, 80));
                    Err(format!("an attribution of {about} by {who}, not a State: the vocabulary records attributions by States"))
                }
                (_, _, _, None) => Err("an attribution with no time".into()),
                (Some(by), Actor::State(s), Actor::State(_) | Actor::Unknown(_), Some(t)) => {
                    Ok(((by, "attribute", s.clone()), t))
                }
                (Some(by), Actor::NonState(a), Actor::NonState(_), Some(t)) => {
                    Ok(((by, "attribute_intrusion", a.clone()), t))
                }
                (Some(_), Actor::Unknown(why), ..) => Err(format!(
                    "an attribution that blames no one the vocabulary can name ({why})"
                )),
                _ => Err("an attribution to a non-State actor of an act by a State (or the reverse): no action records it".into()),
            };
            let (key, t) = match claim {
                Ok(c) => c,
                Err(why) => {
                    self.reasons.insert(&r.id, why);
                    continue;
                }
            };
            self.reasons.remove(r.id.as_str());
            self.mark(&r.id);
            let line = format!(
                "STIX {}: attributed-to{}",
                r.id,
                r.confidence
                    .map_or(String::new(), |c| format!(", confidence {c}"))
            );
            match claims.iter_mut().find(|c| c.0 == key) {
                Some(c) => {
                    c.1 = c.1.min(t);
                    c.2.push(line);
                }
                None => claims.push((key, t, vec![line])),
            }
        }
        for ((by, action, blamed), t, doc) in claims {
            let name = self
                .names
                .fresh(&format!("{by} attribution"), "attribution", true);
            let at = event_time(&When::Exact(t)).at;
            self.events.push(Item {
                doc,
                comments: Vec::new(),
                line: format!(
                    "event {name}: {action}(by: {by}, about: {about}, blamed: {blamed}) at {at}"
                ),
            });
        }
    }

    fn campaigns(&mut self) {
        let b = self.b;
        for c in &b.campaigns {
            let Some(lo) = parse(&c.first_seen) else {
                self.reasons.insert(&c.id, "campaign with no first_seen: a report cannot yet state an event at an unknown time".into());
                continue;
            };
            let when = match parse(&c.last_seen) {
                Some(hi) => When::between(lo, hi, "first_seen .. last_seen".into()),
                None => When::between(
                    lo,
                    self.as_of,
                    "from first_seen; no last_seen, so up to as_of".into(),
                ),
            };
            self.mark(&c.id);
            let mut notes = Vec::new();
            let targets = self.targets_of(&c.id, &[], &mut notes);
            let (actor, walked, chain_notes) = self.actor_of(&c.id);
            notes.extend(chain_notes);
            let doc = vec![format!(
                "STIX {}{}: campaign; no impacts, so `effect` is `?`",
                c.id,
                name_of(&c.name)
            )];
            let mut made = Vec::new();
            let against: Vec<Option<String>> = if targets.is_empty() {
                vec![None]
            } else {
                targets.into_iter().map(|t| Some(t.1)).collect()
            };
            for t in against {
                let against = t.unwrap_or_else(|| "?".into());
                made.push(self.act(
                    c.name.as_deref().unwrap_or("campaign"),
                    &actor,
                    &against,
                    "?",
                    &when,
                    doc.clone(),
                    &notes,
                ));
            }
            self.attributions(&walked, made.first().cloned(), &actor);
        }
    }

    /// Sightings not already read as the time of an incident: each an act
    /// over `first_seen .. last_seen`, by whoever the sighted object leads to.
    fn sightings(&mut self) {
        let b = self.b;
        for s in &b.sightings {
            if self.used.contains(s.id.as_str()) {
                continue;
            }
            let Some(lo) = parse(&s.first_seen) else {
                self.reasons.insert(&s.id, "sighting with no first_seen: a report cannot yet state an event at an unknown time".into());
                continue;
            };
            let when = When::between(
                lo,
                parse(&s.last_seen).unwrap_or(lo),
                "first_seen .. last_seen".into(),
            );
            self.mark(&s.id);
            let mut notes = Vec::new();
            let sighted: Vec<&'b str> = s.where_sighted_refs.iter().map(String::as_str).collect();
            let targets = self.targets_of(&s.id, &sighted, &mut notes);
            let (actor, walked, chain_notes) = match s.sighting_of_ref.as_deref() {
                Some(of) => self.actor_of(of),
                None => (
                    Actor::Unknown("the sighting names nothing sighted".into()),
                    Vec::new(),
                    Vec::new(),
                ),
            };
            notes.extend(chain_notes);
            let of = s
                .sighting_of_ref
                .as_deref()
                .map_or("nothing".to_string(), |o| clip(o, 80));
            let doc = vec![format!(
                "STIX {}: a sighting of {of}; `effect` is `?`",
                s.id
            )];
            let against: Vec<Option<String>> = if targets.is_empty() {
                vec![None]
            } else {
                targets.into_iter().map(|t| Some(t.1)).collect()
            };
            let mut made = Vec::new();
            for t in against {
                let against = t.unwrap_or_else(|| "?".into());
                made.push(self.act(
                    "sighting",
                    &actor,
                    &against,
                    "?",
                    &when,
                    doc.clone(),
                    &notes,
                ));
            }
            self.attributions(&walked, made.first().cloned(), &actor);
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

/// The effect an impact object gives: its label for the doc comment, the
/// effect (`None`: unknown), and whether it counts towards the effect at
/// all (external and monetary impacts do not).
fn impact_effect(i: &Impact) -> (String, Option<Effect>, bool) {
    let x = &i.extensions;
    if let Some(a) = &x.availability {
        let p = a.availability_impact.map_or("?".into(), |p| p.to_string());
        return (
            format!("availability {p}"),
            mapping::availability(a.availability_impact),
            true,
        );
    }
    if let Some(a) = &x.integrity {
        return (
            format!(
                "integrity {}",
                clip(a.alteration.as_deref().unwrap_or("?"), 40)
            ),
            mapping::integrity(a.alteration.as_deref()),
            true,
        );
    }
    if let Some(a) = &x.confidentiality {
        return (
            format!(
                "confidentiality {}",
                clip(a.loss_type.as_deref().unwrap_or("?"), 40)
            ),
            mapping::confidentiality(a.loss_type.as_deref()),
            true,
        );
    }
    if let Some(a) = &x.physical {
        return (
            format!(
                "physical {}",
                clip(a.impact_type.as_deref().unwrap_or("?"), 40)
            ),
            mapping::physical(a.impact_type.as_deref()),
            true,
        );
    }
    if let Some(a) = &x.external {
        return (
            format!(
                "external {}",
                clip(a.impact_type.as_deref().unwrap_or("?"), 40)
            ),
            None,
            false,
        );
    }
    let cat = i.impact_category.as_deref().unwrap_or("?");
    (format!("{}", clip(cat, 40)), None, false)
}

/// The gravest of the effects: `None` (`?`) when there are none, or when
/// one is unknown and the known ones fall short of the top of the scale.
fn gravest(effects: impl Iterator<Item = Option<Effect>>) -> Option<Effect> {
    let mut best: Option<Effect> = None;
    let mut unknown = false;
    let mut any = false;
    for e in effects {
        any = true;
        match e {
            Some(e) => best = best.max(Some(e)),
            None => unknown = true,
        }
    }
    if !any || (unknown && best != Some(Effect::Destruction)) {
        return None;
    }
    best
}
