//! The acts: incidents (with the Incident Core Extension's events and
//! impacts), campaigns and sightings, each an `operate` or `intrude`
//! against the assets it targets, at the time the bundle gives, with the
//! gravest effect its impacts name.
//!
//! It must never decide who acted (`chain.rs`) nor spell a time
//! (`write::event_time`).

use super::{name_of, parse, Actor, Import};
use crate::stix::mapping::{self, Effect};
use crate::stix::objects::Impact;
use crate::stix::write::{clip, event_time, Item, When};

impl<'b> Import<'b> {
    /// The assets an act targets: identities (not governments) and
    /// infrastructure, each an `Asset` made on first use.
    pub(super) fn asset(&mut self, id: &'b str, notes: &mut Vec<String>) -> Option<String> {
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
    pub(super) fn targets_of(
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

    pub(super) fn incidents(&mut self) {
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
                // Impacts written inside the extension: named by their kind
                // and the value that grades them.
                let mut inline = |label: String, effect, counts: bool| {
                    impacts.push((label, effect, Vec::new(), counts));
                };
                let word = |v: Option<&str>| clip(v.unwrap_or("?"), 40);
                for a in &c.availability_impacts {
                    let grade = a.availability_impact.map_or("?".into(), |p| p.to_string());
                    inline(
                        format!("availability {grade}"),
                        mapping::availability(a.availability_impact),
                        true,
                    );
                }
                for a in &c.integrity_impacts {
                    let v = a.alteration.as_deref();
                    inline(
                        format!("integrity {}", word(v)),
                        mapping::integrity(v),
                        true,
                    );
                }
                for a in &c.confidentiality_impacts {
                    let v = a.loss_type.as_deref();
                    inline(
                        format!("confidentiality {}", word(v)),
                        mapping::confidentiality(v),
                        true,
                    );
                }
                for a in &c.physical_impacts {
                    let v = a.impact_type.as_deref();
                    inline(format!("physical {}", word(v)), mapping::physical(v), true);
                }
                for a in &c.external_impacts {
                    let v = a.impact_type.as_deref();
                    inline(format!("external {}", word(v)), None, false);
                }
            }
            let when = match (
                spans.iter().map(|s| s.0).min(),
                spans.iter().map(|s| s.1).max(),
            ) {
                (Some(lo), Some(hi)) => When::between(lo, hi, format!("the span of {source}")),
                _ => When::Unknown {
                    why: "no time of its own and no events, sightings or impacts with times".into(),
                },
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
    pub(super) fn act(
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
        if let Some(note) = t.note {
            doc.insert(1.min(doc.len()), note);
        }
        self.events.push(Item {
            doc,
            line: line_of(&t.at),
        });
        name
    }

    pub(super) fn campaigns(&mut self) {
        let b = self.b;
        for c in &b.campaigns {
            let when = match (parse(&c.first_seen), parse(&c.last_seen)) {
                (Some(lo), Some(hi)) => When::between(lo, hi, "first_seen .. last_seen".into()),
                (Some(lo), None) => When::From {
                    lo,
                    why: "from first_seen; no last_seen, so up to as_of".into(),
                },
                (None, _) => When::Unknown {
                    why: "the campaign has no first_seen".into(),
                },
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
    pub(super) fn sightings(&mut self) {
        let b = self.b;
        for s in &b.sightings {
            if self.used.contains(s.id.as_str()) {
                continue;
            }
            let when = match parse(&s.first_seen) {
                Some(lo) => When::between(
                    lo,
                    parse(&s.last_seen).unwrap_or(lo),
                    "first_seen .. last_seen".into(),
                ),
                None => When::Unknown {
                    why: "the sighting has no first_seen".into(),
                },
            };
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
}

/// The effect an impact object gives: its label for the doc comment, the
/// effect (`None`: unknown), and whether it counts towards the effect at
/// all (external and monetary impacts do not).
fn impact_effect(i: &Impact) -> (String, Option<Effect>, bool) {
    let x = &i.extensions;
    // `integrity alteration-kind`: the extension and its (clipped) value.
    let label = |kind: &str, v: Option<&str>| format!("{kind} {}", clip(v.unwrap_or("?"), 40));
    if let Some(a) = &x.availability {
        let p = a.availability_impact.map_or("?".into(), |p| p.to_string());
        return (
            format!("availability {p}"),
            mapping::availability(a.availability_impact),
            true,
        );
    }
    if let Some(a) = &x.integrity {
        let v = a.alteration.as_deref();
        return (label("integrity", v), mapping::integrity(v), true);
    }
    if let Some(a) = &x.confidentiality {
        let v = a.loss_type.as_deref();
        return (
            label("confidentiality", v),
            mapping::confidentiality(v),
            true,
        );
    }
    if let Some(a) = &x.physical {
        let v = a.impact_type.as_deref();
        return (label("physical", v), mapping::physical(v), true);
    }
    if let Some(a) = &x.external {
        return (label("external", a.impact_type.as_deref()), None, false);
    }
    let cat = i.impact_category.as_deref().unwrap_or("?");
    (clip(cat, 40), None, false)
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
