//! The generated norms the benchmarks check: a shared header of types and
//! one action, then norms of one shape (a four-term `when`, an `unless`).

/// Types, an action and a const the generated norms use.
pub const HEADER: &str = "enum Effect { none < espionage < disruption < damage < destruction }\n\
     enum Sector { healthcare, energy, water, finance, telecom }\n\
     enum Region { europe, asia, americas }\n\
     enum Intent { deliberate, reckless, accidental }\n\
     type State { region: Region }\n\
     type Asset { sector: Sector, owner: State, critical: Bool }\n\
     action operate(by: State, against: Asset, effect: Effect, intent: Intent)\n\
     const protected_sectors: Set<Sector> = {healthcare, energy, water};\n";

/// Norm number `i` (7 lines).
pub fn generated_norm(i: usize) -> String {
    let sectors = ["healthcare", "energy", "water", "finance", "telecom"];
    let effects = ["espionage", "disruption", "damage", "destruction"];
    format!(
        "norm rule_{i} \"Generated rule {i}\" {{\n  \
           source \"Generated corpus, para {i}\"\n  \
           severity high\n  \
           forbid x: operate(by: s, against: a, effect: e, intent: t)\n  \
           when a.critical and e >= {} and a.sector == {} and t == deliberate\n  \
           unless s.region == a.owner.region or a.sector in protected_sectors\n\
         }}\n",
        effects[i % effects.len()],
        sectors[i % sectors.len()],
    )
}
