//! `norma import stix` on a bundle of 100 000 objects, end to end (the
//! built binary: start-up, parsing, mapping, laying the report out,
//! writing it to `/dev/null`), with its wall time and peak resident memory
//! as `/usr/bin/time` reports them (as `benches/scale.rs` measures).
//! Target: under 2 s and 500 MB.
//!
//! The bundle is what a national CERT's export looks like, scaled up:
//! 200 countries, each with its government; 10 000 organisations (each
//! located in a country); 1 000 threat actors, half nation-state (located
//! in a country), half criminal; 10 000 incidents with the Incident Core
//! Extension, each with an `event` (day fidelity), an availability or
//! integrity `impact`, a `targets` relationship and an `attributed-to`
//! made by a government; and indicators filling it up to 100 000 objects.
//!
//! Run: `cargo bench --bench stix`. `NORMA_BENCH_KEEP=DIR` keeps the
//! generated bundle and report in DIR.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const OBJECTS: usize = 100_000;
const COUNTRIES: usize = 200;
const ORGANISATIONS: usize = 10_000;
const ACTORS: usize = 1_000;
const INCIDENTS: usize = 10_000;
const SECTORS: [&str; 6] = [
    "healthcare",
    "energy",
    "water",
    "financial-services",
    "telecommunications",
    "transportation",
];
const ICE: &str = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

fn id(ty: &str, n: usize) -> String {
    format!("{ty}--00000000-0000-4000-8000-{n:012}")
}

/// Country code number `n`: two letters.
fn country(n: usize) -> String {
    let a = (b'A' + (n / 26) as u8 % 26) as char;
    let b = (b'A' + (n % 26) as u8) as char;
    format!("{a}{b}")
}

struct Writer {
    text: String,
    count: usize,
}

impl Writer {
    fn object(&mut self, body: String) {
        if self.count > 0 {
            self.text.push_str(",\n");
        }
        self.text.push_str(&body);
        self.count += 1;
    }

    fn rel(&mut self, n: usize, ty: &str, source: &str, target: &str, by: Option<&str>) {
        let by = by.map_or(String::new(), |b| format!(r#","created_by_ref":"{b}""#));
        self.object(format!(
            r#"{{"type":"relationship","spec_version":"2.1","id":"{}","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","relationship_type":"{ty}","source_ref":"{source}","target_ref":"{target}","confidence":80{by}}}"#,
            id("relationship", n)
        ));
    }
}

fn bundle() -> String {
    let mut w = Writer {
        text: String::from(
            "{\"type\":\"bundle\",\"id\":\"bundle--00000000-0000-4000-8000-000000000000\",\"objects\":[\n",
        ),
        count: 0,
    };
    let stamp = r#""spec_version":"2.1","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z""#;
    let mut rels = 0;
    for c in 0..COUNTRIES {
        w.object(format!(
            r#"{{"type":"location","id":"{}",{stamp},"country":"{}","region":"europe"}}"#,
            id("location", c),
            country(c)
        ));
        w.object(format!(
            r#"{{"type":"identity","id":"{}",{stamp},"name":"Government {c}","identity_class":"organization","sectors":["government-national"]}}"#,
            id("identity", c)
        ));
        rels += 1;
        w.rel(
            rels,
            "located-at",
            &id("identity", c),
            &id("location", c),
            None,
        );
    }
    for o in 0..ORGANISATIONS {
        let n = COUNTRIES + o;
        w.object(format!(
            r#"{{"type":"identity","id":"{}",{stamp},"name":"Organisation {o}","identity_class":"organization","sectors":["{}"]}}"#,
            id("identity", n),
            SECTORS[o % SECTORS.len()]
        ));
        rels += 1;
        w.rel(
            rels,
            "located-at",
            &id("identity", n),
            &id("location", o % COUNTRIES),
            None,
        );
    }
    for a in 0..ACTORS {
        let types = if a % 2 == 0 {
            "nation-state"
        } else {
            "criminal"
        };
        w.object(format!(
            r#"{{"type":"threat-actor","id":"{}",{stamp},"name":"Actor {a}","threat_actor_types":["{types}"]}}"#,
            id("threat-actor", a)
        ));
        if a % 2 == 0 {
            rels += 1;
            w.rel(
                rels,
                "located-at",
                &id("threat-actor", a),
                &id("location", a % COUNTRIES),
                None,
            );
        }
    }
    for i in 0..INCIDENTS {
        let impact = if i % 3 == 0 {
            r#""integrity-ext":{"alteration":"full-destruction"}"#
        } else {
            r#""availability-ext":{"availability_impact":60}"#
        };
        w.object(format!(
            r#"{{"type":"incident","id":"{}",{stamp},"name":"Incident {i}","extensions":{{"{ICE}":{{"extension_type":"property-extension","determination":"successful-attempt","investigation_status":"closed","event_refs":["{}"],"impact_refs":["{}"]}}}}}}"#,
            id("incident", i),
            id("event", i),
            id("impact", i)
        ));
        w.object(format!(
            r#"{{"type":"event","id":"{}",{stamp},"status":"occurred","start_time":"2019-{:02}-{:02}T00:00:00Z","start_time_fidelity":"day"}}"#,
            id("event", i),
            1 + i % 12,
            1 + i % 28
        ));
        w.object(format!(
            r#"{{"type":"impact","id":"{}",{stamp},"impact_category":"availability","extensions":{{{impact}}}}}"#,
            id("impact", i)
        ));
        rels += 1;
        w.rel(
            rels,
            "targets",
            &id("incident", i),
            &id("identity", COUNTRIES + i % ORGANISATIONS),
            None,
        );
        rels += 1;
        let government = id("identity", i % COUNTRIES);
        w.rel(
            rels,
            "attributed-to",
            &id("incident", i),
            &id("threat-actor", i % ACTORS),
            Some(&government),
        );
    }
    let mut n = 0;
    while w.count < OBJECTS {
        w.object(format!(
            r#"{{"type":"indicator","id":"{}",{stamp},"pattern":"[file:hashes.'SHA-256' = '{n:064x}']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"}}"#,
            id("indicator", n)
        ));
        n += 1;
    }
    let _ = write!(w.text, "\n]}}\n");
    w.text
}

/// Wall seconds and peak RSS in MB of the binary run with `args`.
fn measure(dir: &Path, args: &[&str]) -> Option<(f64, f64)> {
    let time_path = dir.join("time");
    let null = std::fs::File::create("/dev/null").ok()?;
    let start = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&time_path)
        .arg(env!("CARGO_BIN_EXE_norma"))
        .args(args)
        .stdout(null)
        .stderr(Stdio::inherit())
        .status();
    let wall = start.elapsed().as_secs_f64();
    let Ok(status) = status else {
        eprintln!("cannot run /usr/bin/time: install `time` to measure peak memory");
        return None;
    };
    if !status.success() {
        eprintln!("norma {} failed", args.join(" "));
        return None;
    }
    let time = std::fs::read_to_string(&time_path).ok()?;
    let kb: f64 = time
        .lines()
        .last()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((wall, kb / 1024.0))
}

fn main() {
    let keep = std::env::var_os("NORMA_BENCH_KEEP").map(PathBuf::from);
    let dir = keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("norma-stix-{}", std::process::id())));
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("cannot create {}", dir.display());
        return;
    }
    let file = dir.join("bundle.json");
    let text = bundle();
    let size = text.len() as f64 / 1e6;
    if std::fs::write(&file, &text).is_err() {
        eprintln!("cannot write {}", file.display());
        return;
    }
    drop(text);
    let f = file.to_string_lossy();
    let label = format!("import: {OBJECTS} objects ({size:.1} MB), norma import stix");
    match measure(&dir, &["import", "stix", &f]) {
        Some((wall, mb)) => println!("{label}: {wall:.2} s wall, peak RSS {mb:.0} MB"),
        None => println!("{label}: not measured"),
    }
    if let Some(keep) = keep {
        let out = keep.join("bundle.norma");
        let _ = Command::new(env!("CARGO_BIN_EXE_norma"))
            .args(["import", "stix", &f, "-o", &out.to_string_lossy()])
            .status();
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_file(dir.join("time"));
}
