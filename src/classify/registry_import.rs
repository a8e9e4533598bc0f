//! Refreshing the vendor registry from the IEEE's own CSV files.
//!
//! `quietwire vendors import oui.csv mam.csv oui36.csv iab.csv --date YYYY-MM-DD`
//! rewrites `data/ieee-registry.tsv`; rebuilding compiles it in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: line {line}: {reason}")]
    Row { path: PathBuf, line: u64, reason: String },
    #[error("no registry rows found in the given files")]
    Empty,
}

/// One registry row: registry name, assignment in hex, organisation.
type Row = (String, String, String);

fn registry_of(name: &str, hex_len: usize) -> Option<&'static str> {
    match (name.trim(), hex_len) {
        ("MA-L", 6) => Some("MA-L"),
        ("MA-M", 7) => Some("MA-M"),
        ("MA-S", 9) => Some("MA-S"),
        ("IAB", 9) => Some("IAB"),
        _ => None,
    }
}

/// Organisation names as the IEEE writes them, with white space folded (the files carry
/// non-breaking spaces and trailing blanks) and no tabs or newlines.
fn clean_org(s: &str) -> String {
    s.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_file(path: &Path, rows: &mut BTreeMap<(String, String), String>) -> Result<usize, ImportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|source| ImportError::Csv { path: path.to_path_buf(), source })?;
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(|source| ImportError::Csv { path: path.to_path_buf(), source })?;
        let line = rec.position().map_or(0, |p| p.line());
        let (Some(reg), Some(hex), Some(org)) = (rec.get(0), rec.get(1), rec.get(2)) else {
            return Err(ImportError::Row { path: path.to_path_buf(), line, reason: "fewer than three columns".into() });
        };
        let hex = hex.trim().to_ascii_uppercase();
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ImportError::Row { path: path.to_path_buf(), line, reason: format!("assignment {hex:?} is not hex") });
        }
        // CID assignments are for locally administered addresses, which get no vendor.
        if reg.trim() == "CID" {
            continue;
        }
        let Some(registry) = registry_of(reg, hex.len()) else {
            return Err(ImportError::Row { path: path.to_path_buf(), line, reason: format!("unknown registry {reg:?} for {hex}") });
        };
        rows.insert((registry.to_string(), hex), clean_org(org));
        n += 1;
    }
    Ok(n)
}

/// Reads IEEE CSV exports and renders the registry file compiled by `build.rs`.
pub fn import(files: &[PathBuf], date: &str, source: &str) -> Result<String, ImportError> {
    let mut rows = BTreeMap::new();
    for f in files {
        read_file(f, &mut rows)?;
    }
    if rows.is_empty() {
        return Err(ImportError::Empty);
    }
    let list: Vec<Row> = rows.into_iter().map(|((r, h), o)| (r, h, o)).collect();
    let mut out = String::new();
    out.push_str("# quietwire vendor registry: IEEE MA-L, MA-M, MA-S and IAB assignments\n");
    out.push_str("# regenerate with: quietwire vendors import oui.csv mam.csv oui36.csv iab.csv --date YYYY-MM-DD\n");
    out.push_str(&format!("# source: {source}\n# date: {date}\n# rows: {}\n", list.len()));
    for (r, h, o) in list {
        out.push_str(&format!("{r}\t{h}\t{o}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_ieee_csv() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("oui.csv");
        std::fs::write(
            &p,
            "Registry,Assignment,Organization Name,Organization Address\n\
             MA-L,50C7BF,\"TP-LINK TECHNOLOGIES CO.,LTD.\",\"Building 24 (floors 1,3,4,5) \"\n\
             MA-M,C85CE27,SYNERGY\u{a0}SYSTEMS  AND SOLUTIONS,addr\n\
             CID,EA2701,ACCE Technology Corp.,addr\n",
        )
        .unwrap();
        let out = import(std::slice::from_ref(&p), "2026-10-01", "test").unwrap();
        assert!(out.contains("MA-L\t50C7BF\tTP-LINK TECHNOLOGIES CO.,LTD.\n"));
        assert!(out.contains("MA-M\tC85CE27\tSYNERGY SYSTEMS AND SOLUTIONS\n"));
        assert!(!out.contains("EA2701"));
        assert!(out.contains("# date: 2026-10-01"));
        std::fs::write(&p, "Registry,Assignment,Organization Name\nXX,12,foo\n").unwrap();
        assert!(matches!(import(&[p], "d", "s"), Err(ImportError::Row { .. })));
    }
}
