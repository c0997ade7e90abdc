//! The generated norms the benchmarks check: a shared header of types and
//! one action, then norms of one shape (a four-term `when`, an `unless`);
//! and the peak memory of the process.
// Each benchmark uses its own subset of these.
#![allow(dead_code)]

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

/// The peak resident memory of this process so far, in MB (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
