//! Generates the parser from grammar/norma.lalrpop, and the table of the
//! standard library modules embedded in the binary from stdlib-norms/.
use std::fmt::Write as _;

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    lalrpop::Configuration::new()
        .set_in_dir("grammar")
        .set_out_dir(&out_dir)
        .emit_rerun_directives(true)
        .process()
        .expect("the LALRPOP grammar in grammar/ must compile");

    println!("cargo:rerun-if-changed=stdlib-norms");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = std::path::Path::new(&manifest).join("stdlib-norms");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    name.strip_suffix(".norma").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut table = String::from(
        "/// (module name under `std::`, source text)\npub static STDLIB: &[(&str, &str)] = &[\n",
    );
    for name in names {
        println!("cargo:rerun-if-changed=stdlib-norms/{name}.norma");
        let path = dir.join(format!("{name}.norma"));
        writeln!(
            table,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");
    std::fs::write(std::path::Path::new(&out_dir).join("stdlib.rs"), table)
        .expect("OUT_DIR is writable");
}
