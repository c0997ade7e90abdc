//! Who acted and who said so: the chains of `attributed-to` from an act
//! (depth first, each object once, cycles named), the actor they name,
//! and the `attribute` events of the States that made the claims.
//!
//! It must never decide an act's time, target or effect (`acts.rs`).

use rustc_hash::FxHashSet;

use super::{is_government, name_of, parse, Actor, Import};
use crate::stix::mapping::{self, GroupNature};
use crate::stix::objects::Relationship;
use crate::stix::write::{clip, event_time, Item, When};

impl<'b> Import<'b> {
    /// The objects the `attributed-to` relationships lead to from `start`
    /// (depth first, each once), the relationships followed, and a note for
    /// each that closes a cycle (it leads back to an object on the path).
    pub(super) fn chain(
        &self,
        start: &'b str,
    ) -> (Vec<&'b str>, Vec<&'b Relationship>, Vec<String>) {
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
    pub(super) fn actor_of(
        &mut self,
        start: &'b str,
    ) -> (Actor, Vec<&'b Relationship>, Vec<String>) {
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

    /// Each `attributed-to` relationship walked for an act becomes an
    /// `attribute` by the State that made it: one event per State and
    /// party blamed, at the earliest claim, every relationship that makes
    /// the claim named in its doc comment.
    pub(super) fn attributions(
        &mut self,
        walked: &[&'b Relationship],
        about: Option<String>,
        actor: &Actor,
    ) {
        let Some(about) = about else { return };
        let mut claims: Vec<Claim> = Vec::new();
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
            match claims.iter_mut().find(|c| c.key == key) {
                Some(c) => {
                    c.at = c.at.min(t);
                    c.doc.push(line);
                }
                None => claims.push(Claim {
                    key,
                    at: t,
                    doc: vec![line],
                }),
            }
        }
        for Claim {
            key: (by, action, blamed),
            at: t,
            doc,
        } in claims
        {
            let name = self
                .names
                .fresh(&format!("{by} attribution"), "attribution", true);
            let at = event_time(&When::Exact(t)).at;
            self.events.push(Item {
                doc,
                line: format!(
                    "event {name}: {action}(by: {by}, about: {about}, blamed: {blamed}) at {at}"
                ),
            });
        }
    }
}

/// One State's claim that a party did an act: (by, action, blamed), the
/// earliest time it was made, and the relationships that make it.
struct Claim {
    key: (String, &'static str, String),
    at: i64,
    doc: Vec<String>,
}
