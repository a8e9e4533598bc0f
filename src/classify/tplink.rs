//! The `tp-link` watchlist: TP-Link and its brands.
//!
//! For now the evidence is the IEEE registration of the MAC (every TP-Link and Mercusys
//! block, including the 2024–2026 "TP-Link Systems Inc" ones); the classification issue
//! adds protocol evidence and rules as data. Mercury and FAST, TP-Link's China-market
//! sister brands, are registered under their own names: a low-confidence hint only.

use super::vendor::Assignment;
use super::{Confidence, Evidence, EvidenceSource, Flag};
use crate::timestamp::Timestamp;

pub const WATCHLIST: &str = "tp-link";

/// Brand of a registered organisation name, and whether it is TP-Link itself or an affiliate.
fn brand_of(org: &str) -> Option<(&'static str, Confidence)> {
    let o = org.to_ascii_lowercase();
    if o.starts_with("tp-link") || o.starts_with("tplink") {
        Some(("TP-Link", Confidence::High))
    } else if o.starts_with("mercusys") {
        Some(("Mercusys", Confidence::High))
    } else if o.starts_with("shenzhen mercury communication") || o.starts_with("mercury communication technologies") {
        Some(("Mercury", Confidence::Low))
    } else if o.starts_with("shenzhen fast technologies") {
        Some(("FAST", Confidence::Low))
    } else {
        None
    }
}

/// Evidence from the vendor registration of a globally administered MAC.
pub fn from_oui(vendor: Option<&Assignment>, first_seen: Timestamp) -> Option<Flag> {
    let a = vendor?;
    let (brand, confidence) = brand_of(a.organization)?;
    Some(Flag {
        watchlist: WATCHLIST,
        brand,
        confidence,
        evidence: vec![Evidence {
            source: EvidenceSource::Oui,
            detail: format!("{} {}", a.prefix_text(), a.organization),
            first_seen,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::vendor::lookup;
    use crate::mac::MacAddr;

    #[test]
    fn brands_and_confidence() {
        assert_eq!(brand_of("TP-LINK TECHNOLOGIES CO.,LTD."), Some(("TP-Link", Confidence::High)));
        assert_eq!(brand_of("TP-Link Systems Inc"), Some(("TP-Link", Confidence::High)));
        assert_eq!(brand_of("MERCUSYS TECHNOLOGIES CO., LTD."), Some(("Mercusys", Confidence::High)));
        assert_eq!(brand_of("SHENZHEN FAST TECHNOLOGIES CO.,LTD"), Some(("FAST", Confidence::Low)));
        assert_eq!(brand_of("MERCURY COMPUTER SYSTEMS, INC."), None);
        assert_eq!(brand_of("Raspberry Pi Trading Ltd"), None);
    }

    #[test]
    fn oui_flag_cites_the_block() {
        let mac: MacAddr = "50:c7:bf:00:c7:03".parse().unwrap();
        let f = from_oui(lookup(mac).as_ref(), Timestamp(7)).unwrap();
        assert_eq!(f.confidence, Confidence::High);
        assert_eq!(f.evidence[0].detail, "50:c7:bf TP-LINK TECHNOLOGIES CO.,LTD.");
        assert_eq!(f.evidence[0].first_seen, Timestamp(7));
    }
}
