//! The mapping of STIX vocabularies onto `std::core`'s, in one place: the
//! table `docs/stix.md` documents, row for row. Each function answers one
//! question about one STIX value and says `None` where the value gives no
//! answer, so that the report writes `?` there: nothing here guesses.
//!
//! It must stay free of the bundle's structure (which object refers to
//! which is `import.rs`'s business) so that the table can be read alone.

/// `std::core::Effect`, lowest first (`none < espionage < leak <
/// disruption < damage < destruction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effect {
    None,
    Espionage,
    Leak,
    Disruption,
    Damage,
    Destruction,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::None => "none",
            Effect::Espionage => "espionage",
            Effect::Leak => "leak",
            Effect::Disruption => "disruption",
            Effect::Damage => "damage",
            Effect::Destruction => "destruction",
        }
    }
}

/// The members of `std::core::Sector` (STIX's `industry-sector-ov` with
/// `-` written `_`, plus two of our own).
const SECTORS: [&str; 37] = [
    "agriculture",
    "aerospace",
    "automotive",
    "chemical",
    "commercial",
    "communications",
    "construction",
    "defense",
    "education",
    "energy",
    "engineering",
    "entertainment",
    "financial_services",
    "government",
    "emergency_services",
    "government_local",
    "government_national",
    "government_public_services",
    "government_regional",
    "healthcare",
    "hospitality_leisure",
    "infrastructure",
    "dams",
    "nuclear",
    "water",
    "insurance",
    "manufacturing",
    "mining",
    "non_profit",
    "pharmaceuticals",
    "retail",
    "technology",
    "telecommunications",
    "transportation",
    "utilities",
    "elections",
    "internet_core",
];

/// `industry-sector-ov` → `Sector`: the same word, `-` as `_`.
pub fn sector(stix: &str) -> Option<&'static str> {
    let wanted = stix.replace('-', "_");
    SECTORS.iter().copied().find(|s| *s == wanted)
}

/// The sector that makes an identity a government: it becomes its
/// country's State, never an asset.
pub const GOVERNMENT_SECTOR: &str = "government-national";

/// `region-ov` → `Region`.
pub fn region(stix: &str) -> Option<&'static str> {
    Some(match stix {
        "africa" | "eastern-africa" | "middle-africa" | "northern-africa" | "southern-africa"
        | "western-africa" => "africa",
        "americas"
        | "caribbean"
        | "central-america"
        | "latin-america-caribbean"
        | "northern-america"
        | "south-america" => "americas",
        "asia"
        | "central-asia"
        | "eastern-asia"
        | "southern-asia"
        | "south-eastern-asia"
        | "oceania"
        | "australia-new-zealand"
        | "melanesia"
        | "micronesia"
        | "polynesia" => "asia_pacific",
        "western-asia" => "middle_east",
        "europe" | "eastern-europe" | "northern-europe" | "southern-europe" | "western-europe" => {
            "europe"
        }
        _ => return None,
    })
}

/// What a group's STIX types say about who it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupNature {
    /// `nation-state` among its types, or `resource_level: government`:
    /// a State's organ or agent, whose State the chain must name.
    StateAgent,
    /// A non-State actor of this `ActorKind` (`None`: non-State, kind not
    /// in the vocabulary).
    NonState(Option<&'static str>),
    /// Nothing says.
    Unknown,
}

/// `threat-actor-type-ov` and `attack-resource-level-ov` → who acted.
pub fn group_nature(types: &[String], resource_level: Option<&str>) -> GroupNature {
    if types.iter().any(|t| t == "nation-state") || resource_level == Some("government") {
        return GroupNature::StateAgent;
    }
    for t in types {
        let kind = match t.as_str() {
            "crime-syndicate" | "criminal" => Some("criminal"),
            "activist" => Some("hacktivist"),
            "terrorist" => Some("terrorist"),
            "competitor" => Some("private_sector"),
            "insider-accidental" | "insider-disgruntled" => Some("insider"),
            "hacker" | "sensationalist" | "spy" => None,
            _ => continue,
        };
        if kind.is_some() {
            return GroupNature::NonState(kind);
        }
    }
    if types
        .iter()
        .any(|t| matches!(t.as_str(), "hacker" | "sensationalist"))
    {
        return GroupNature::NonState(None);
    }
    match resource_level {
        Some("individual" | "club" | "contest" | "team" | "organization") => {
            GroupNature::NonState(None)
        }
        _ => GroupNature::Unknown,
    }
}

/// An availability impact (0–100 % of function lost).
pub fn availability(percent: Option<i64>) -> Option<Effect> {
    match percent? {
        0 => Some(Effect::None),
        p if p > 0 => Some(Effect::Disruption),
        _ => None,
    }
}

/// An integrity impact's `alteration`. A `potential-` alteration is not
/// known to have happened: `None`.
pub fn integrity(alteration: Option<&str>) -> Option<Effect> {
    Some(match alteration? {
        "full-destruction" | "partial-destruction" => Effect::Destruction,
        "full-modification" | "partial-modification" => Effect::Damage,
        "none" => Effect::None,
        _ => return None,
    })
}

/// A confidentiality impact's `loss_type`: data taken is espionage; data
/// taken and put to use (`exploited-loss`) is a leak.
pub fn confidentiality(loss_type: Option<&str>) -> Option<Effect> {
    Some(match loss_type? {
        "confirmed-loss" => Effect::Espionage,
        "exploited-loss" => Effect::Leak,
        "contained" | "none" => Effect::None,
        _ => return None,
    })
}

/// A physical impact's `impact_type`.
pub fn physical(impact_type: Option<&str>) -> Option<Effect> {
    Some(match impact_type? {
        "destruction" => Effect::Destruction,
        "damaged-functional" | "damaged-nonfunctional" => Effect::Damage,
        "none" => Effect::None,
        _ => return None,
    })
}

/// The incident extension's `determination`: `false-positive` means
/// nothing happened, so the incident is no event.
pub fn is_false_positive(determination: Option<&str>) -> bool {
    determination == Some("false-positive")
}

/// A time given with a fidelity coarser than the second stands for the
/// whole minute, hour, day, month or year it falls in: that span, first
/// and last second. `None` for `second`, no fidelity or an unknown one.
pub fn fidelity_window(fidelity: Option<&str>, t: i64) -> Option<(i64, i64)> {
    let within = |unit: i64| {
        let lo = t - t.rem_euclid(unit);
        Some((lo, lo + unit - 1))
    };
    let text = crate::time::format_time(t);
    let year: i64 = text.get(..4)?.parse().ok()?;
    let month: i64 = text.get(5..7)?.parse().ok()?;
    let at = |y: i64, m: i64| crate::time::parse_time(&format!("{y:04}-{m:02}-01")).ok();
    match fidelity? {
        "minute" => within(60),
        "hour" => within(3600),
        "day" => within(86_400),
        "month" => {
            let lo = at(year, month)?;
            let hi = if month == 12 {
                at(year + 1, 1)
            } else {
                at(year, month + 1)
            };
            Some((lo, hi.map_or(lo + 31 * 86_400 - 1, |h| h - 1)))
        }
        "year" => {
            let lo = at(year, 1)?;
            Some((lo, at(year + 1, 1).map_or(lo + 365 * 86_400 - 1, |h| h - 1)))
        }
        _ => None,
    }
}
