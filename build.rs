//! Compiles `data/ieee-registry.tsv` (the IEEE MAC registry, refreshed with
//! `quietwire vendors import`) into sorted static tables searched by binary search.
//! Tab-separated: `REGISTRY<TAB>ASSIGNMENT_HEX<TAB>ORGANIZATION`; `#` lines are metadata.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let src = "data/ieee-registry.tsv";
    println!("cargo:rerun-if-changed={src}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(src).expect("data/ieee-registry.tsv is missing");

    let mut date = String::from("unknown");
    let mut source = String::from("unknown");
    let mut orgs: Vec<String> = Vec::new();
    let mut org_index: HashMap<String, u32> = HashMap::new();
    let mut mal: Vec<(u64, u32)> = Vec::new();
    let mut mam: Vec<(u64, u32)> = Vec::new();
    let mut mas: Vec<(u64, u32)> = Vec::new();

    for (n, line) in text.lines().enumerate() {
        if let Some(meta) = line.strip_prefix('#') {
            let meta = meta.trim();
            if let Some(v) = meta.strip_prefix("date:") {
                date = v.trim().to_string();
            } else if let Some(v) = meta.strip_prefix("source:") {
                source = v.trim().to_string();
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(reg), Some(hex), Some(org)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("{src}:{}: expected three tab-separated fields", n + 1);
        };
        let prefix = u64::from_str_radix(hex, 16)
            .unwrap_or_else(|_| panic!("{src}:{}: bad assignment {hex:?}", n + 1));
        let idx = *org_index.entry(org.to_string()).or_insert_with(|| {
            orgs.push(org.to_string());
            (orgs.len() - 1) as u32
        });
        let table = match (reg, hex.len()) {
            ("MA-L", 6) => &mut mal,
            ("MA-M", 7) => &mut mam,
            ("MA-S" | "IAB", 9) => &mut mas,
            _ => panic!("{src}:{}: unknown registry/length {reg} {hex}", n + 1),
        };
        table.push((prefix, idx));
    }
    for t in [&mut mal, &mut mam, &mut mas] {
        t.sort_unstable();
        t.dedup_by_key(|e| e.0);
    }

    let mut out = String::new();
    writeln!(out, "pub(crate) static REGISTRY_DATE: &str = {date:?};").unwrap();
    writeln!(out, "pub(crate) static REGISTRY_SOURCE: &str = {source:?};").unwrap();
    writeln!(out, "pub(crate) static ORGS: [&str; {}] = [", orgs.len()).unwrap();
    for o in &orgs {
        writeln!(out, "{o:?},").unwrap();
    }
    out.push_str("];\n");
    for (name, t) in [("MA_L", &mal), ("MA_M", &mam), ("MA_S", &mas)] {
        writeln!(out, "pub(crate) static {name}: [(u64, u32); {}] = [", t.len()).unwrap();
        for (p, i) in t.iter() {
            writeln!(out, "({p:#x},{i}),").unwrap();
        }
        out.push_str("];\n");
    }
    println!("cargo:rustc-env=QUIETWIRE_REGISTRY_DATE={date}");
    let dest = Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("registry.rs");
    std::fs::write(dest, out).unwrap();
}
