//! The IEEE MAC address registry (MA-L, MA-M, MA-S and IAB), compiled into the binary
//! from `data/ieee-registry.tsv` by `build.rs` as sorted tables searched by binary search.

use crate::mac::MacAddr;

mod tables {
    include!(concat!(env!("OUT_DIR"), "/registry.rs"));
}

/// One registry assignment.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Assignment {
    pub registry: &'static str,
    /// Prefix length in bits: 24, 28 or 36.
    pub bits: u8,
    pub prefix: u64,
    pub organization: &'static str,
}

impl Assignment {
    /// The prefix as written in reports: `50:c7:bf`, `70:b3:d5:1` …
    pub fn prefix_text(&self) -> String {
        let hex = format!("{:0width$x}", self.prefix, width = (self.bits / 4) as usize);
        let mut out = String::new();
        for (i, c) in hex.chars().enumerate() {
            if i > 0 && i % 2 == 0 {
                out.push(':');
            }
            out.push(c);
        }
        out
    }
}

fn search(table: &'static [(u64, u32)], key: u64) -> Option<u32> {
    table.binary_search_by_key(&key, |e| e.0).ok().map(|i| table[i].1)
}

/// Longest-prefix lookup. Locally administered addresses have no registered vendor.
pub fn lookup(mac: MacAddr) -> Option<Assignment> {
    if mac.is_local() || mac.is_multicast() {
        return None;
    }
    let m = mac.to_u64();
    let found = [(&tables::MA_S[..], 36u8, "MA-S"), (&tables::MA_M[..], 28, "MA-M"), (&tables::MA_L[..], 24, "MA-L")]
        .into_iter()
        .find_map(|(t, bits, registry)| {
            let prefix = m >> (48 - bits as u32);
            search(t, prefix).map(|i| (prefix, bits, registry, i))
        });
    found.map(|(prefix, bits, registry, i)| Assignment {
        registry,
        bits,
        prefix,
        organization: tables::ORGS[i as usize],
    })
}

/// The date of the registry snapshot compiled in.
pub fn registry_date() -> &'static str {
    tables::REGISTRY_DATE
}

pub fn registry_source() -> &'static str {
    tables::REGISTRY_SOURCE
}

/// Assignments per registry: (MA-L, MA-M, MA-S + IAB).
pub fn registry_counts() -> (usize, usize, usize) {
    (tables::MA_L.len(), tables::MA_M.len(), tables::MA_S.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        for t in [&tables::MA_L[..], &tables::MA_M[..], &tables::MA_S[..]] {
            assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        }
        let (l, m, s) = registry_counts();
        assert!(l > 30_000 && m > 5_000 && s > 5_000, "registry looks incomplete: {l} {m} {s}");
    }

    #[test]
    fn known_blocks() {
        let a = lookup(mac("50:c7:bf:00:c7:03")).unwrap();
        assert_eq!(a.organization, "TP-LINK TECHNOLOGIES CO.,LTD.");
        assert_eq!((a.registry, a.bits, a.prefix_text()), ("MA-L", 24, "50:c7:bf".to_string()));
        // Registered in 2024-2026, missing from Debian's 2022 ieee-data.
        assert!(lookup(mac("40:ae:30:46:6e:a8")).unwrap().organization.starts_with("TP-Link Systems"));
        assert!(lookup(mac("8c:90:2d:2d:04:24")).unwrap().organization.starts_with("TP-Link Systems"));
    }

    #[test]
    fn local_and_multicast_have_no_vendor() {
        assert!(lookup(mac("52:c7:bf:00:c7:03")).is_none());
        assert!(lookup(mac("01:00:5e:00:00:01")).is_none());
    }

    #[test]
    fn longest_prefix_wins() {
        // 70:b3:d5 is an IEEE block subdivided into MA-S (36-bit) assignments.
        let a = lookup(mac("70:b3:d5:00:10:00"));
        if let Some(a) = a {
            assert_ne!(a.bits, 24, "a subdivided block must resolve to its MA-S owner: {a:?}");
        }
        for &(p, _) in tables::MA_M.iter().take(50) {
            let m = MacAddr::from_slice(&((p << 20) | 0x12345).to_be_bytes()[2..]).unwrap();
            if !m.is_local() && !m.is_multicast() {
                assert_eq!(lookup(m).unwrap().bits, 28);
            }
        }
    }
}
