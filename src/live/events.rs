//! The NDJSON event stream: one `{"type": …, "ts": …, "data": {…}}` line per event.
//!
//! | type | data |
//! |---|---|
//! | `device_new` | `mac`, `mac_kind`, `vendor` |
//! | `ip_new` | `mac`, `ip` |
//! | `hostname_new` | `mac`, `hostname` |
//! | `flagged` | `mac`, `watchlist`, `brand`, `confidence`, `previous` (the confidence reported before, or `null`), `evidence`, `risks`; sent when a flag appears, its confidence rises, or a risk finding joins it |
//! | `ip_conflict` | `ip`, `mac` (the new claimant), `previous_mac` (which still lists it) |
//! | `limit_hit` | `limit` (first time a named limit is hit; counts are in the snapshot) |
//! | `stopped` | `reason`, `stats` (the capture counters at exit) |
//!
//! `ts` is the capture time of the frame that caused the event (RFC 3339, UTC); for
//! `stopped` it is the wall clock.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::classify::engine::Classification;
use crate::classify::{Confidence, Evidence, RiskFinding, vendor};
use crate::inventory::{Change, Device};
use crate::mac::{MacAddr, MacKind};
use crate::timestamp::Timestamp;

#[derive(Debug, Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    ts: Timestamp,
    data: T,
}

#[derive(Debug, Serialize)]
pub struct DeviceNew {
    pub mac: MacAddr,
    pub mac_kind: MacKind,
    pub vendor: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct IpNew {
    pub mac: MacAddr,
    pub ip: Ipv4Addr,
}

#[derive(Debug, Serialize)]
pub struct HostnameNew {
    pub mac: MacAddr,
    pub hostname: String,
}

#[derive(Debug, Serialize)]
pub struct Flagged {
    pub mac: MacAddr,
    pub watchlist: String,
    pub brand: String,
    pub confidence: Confidence,
    pub previous: Option<Confidence>,
    pub evidence: Vec<Evidence>,
    pub risks: Vec<RiskFinding>,
}

#[derive(Debug, Serialize)]
pub struct IpConflict {
    pub ip: Ipv4Addr,
    pub mac: MacAddr,
    pub previous_mac: MacAddr,
}

#[derive(Debug, Serialize)]
pub struct LimitHit {
    pub limit: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Stopped {
    pub reason: String,
    pub stats: BTreeMap<&'static str, u64>,
}

/// Appends one event line to `out`.
pub fn push<T: Serialize>(out: &mut Vec<u8>, kind: &str, ts: Timestamp, data: T) {
    // Serializing these plain structs into a Vec cannot fail.
    if serde_json::to_writer(&mut *out, &Envelope { kind, ts, data }).is_ok() {
        out.push(b'\n');
    }
}

/// The event for an inventory change, if it has one (`Updated` has none of its own).
pub fn push_change(out: &mut Vec<u8>, c: &Change) {
    match c {
        Change::DeviceNew { mac, ts } => {
            let vendor = vendor::lookup(*mac).map(|a| a.organization);
            push(out, "device_new", *ts, DeviceNew { mac: *mac, mac_kind: mac.kind(), vendor });
        }
        Change::Ipv4New { mac, ip, ts } => push(out, "ip_new", *ts, IpNew { mac: *mac, ip: *ip }),
        Change::HostnameNew { mac, name, ts } => push(out, "hostname_new", *ts, HostnameNew { mac: *mac, hostname: name.clone() }),
        Change::Ipv4Conflict { ip, mac, previous, ts } => {
            push(out, "ip_conflict", *ts, IpConflict { ip: *ip, mac: *mac, previous_mac: *previous })
        }
        Change::LimitHit { limit, ts } => push(out, "limit_hit", *ts, LimitHit { limit }),
        Change::Updated { .. } => {}
    }
}

/// What a device's flag on one watchlist was last reported as.
#[derive(Debug, Eq, PartialEq)]
struct Reported {
    watchlist: String,
    confidence: Confidence,
    /// Ids of the risk findings (known-exploited models, signs of compromise).
    risks: Vec<String>,
}

/// The flags each device last had, to report a flag when it appears, when its confidence
/// rises, or when a new risk finding joins it (not again while it stays). Entries follow
/// the inventory: [`FlagTracker::prune`] drops devices the inventory evicted.
#[derive(Debug, Default)]
pub struct FlagTracker {
    last: FxHashMap<MacAddr, Vec<Reported>>,
}

impl FlagTracker {
    /// Records the device's flags; returns the ones that appeared, rose or gained a risk,
    /// with the confidence reported before.
    pub fn update(&mut self, mac: MacAddr, c: &Classification) -> Vec<(usize, Option<Confidence>)> {
        let now: Vec<Reported> = c
            .flags
            .iter()
            .map(|f| {
                let mut risks: Vec<String> = c.risks.iter().filter(|r| r.watchlist == f.watchlist).map(|r| r.id.clone()).collect();
                risks.sort_unstable();
                Reported { watchlist: f.watchlist.clone(), confidence: f.confidence, risks }
            })
            .collect();
        let before = self.last.get(&mac);
        let mut risen = Vec::new();
        for (i, r) in now.iter().enumerate() {
            let prev = before.and_then(|b| b.iter().find(|p| p.watchlist == r.watchlist));
            let news = match prev {
                None => true,
                Some(p) => r.confidence > p.confidence || r.risks.iter().any(|id| !p.risks.contains(id)),
            };
            if news {
                risen.push((i, prev.map(|p| p.confidence)));
            }
        }
        if now.is_empty() {
            self.last.remove(&mac);
        } else {
            self.last.insert(mac, now);
        }
        risen
    }

    /// Keeps only devices for which `keep` holds.
    pub fn prune(&mut self, keep: impl Fn(&MacAddr) -> bool) {
        self.last.retain(|m, _| keep(m));
    }

    pub fn len(&self) -> usize {
        self.last.len()
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }
}

/// Appends `flagged` events for the flags of `d` that appeared or rose.
pub fn push_flags(out: &mut Vec<u8>, tracker: &mut FlagTracker, d: &Device, c: Classification) {
    let risen = tracker.update(d.mac, &c);
    for (i, previous) in risen {
        let f = &c.flags[i];
        let risks = c.risks.iter().filter(|r| r.watchlist == f.watchlist).cloned().collect();
        let data = Flagged {
            mac: d.mac,
            watchlist: f.watchlist.clone(),
            brand: f.brand.clone(),
            confidence: f.confidence,
            previous,
            evidence: f.evidence.clone(),
            risks,
        };
        push(out, "flagged", d.last_seen, data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Flag;

    fn flag(w: &str, c: Confidence) -> Flag {
        Flag { watchlist: w.into(), brand: "TP-Link".into(), confidence: c, evidence: vec![] }
    }

    fn class(flags: Vec<Flag>) -> Classification {
        Classification { flags, ..Default::default() }
    }

    #[test]
    fn flags_are_reported_when_they_appear_or_rise() {
        let mut t = FlagTracker::default();
        let m = MacAddr([0x50, 0xc7, 0xbf, 0, 0, 1]);
        assert_eq!(t.update(m, &class(vec![flag("tp-link", Confidence::Medium)])), vec![(0, None)]);
        assert!(t.update(m, &class(vec![flag("tp-link", Confidence::Medium)])).is_empty(), "unchanged");
        assert_eq!(t.update(m, &class(vec![flag("tp-link", Confidence::High)])), vec![(0, Some(Confidence::Medium))]);
        let two = class(vec![flag("tp-link", Confidence::High), flag("fcc-covered", Confidence::Medium)]);
        assert_eq!(t.update(m, &two), vec![(1, None)]);
        let mut risky = class(vec![flag("tp-link", Confidence::High)]);
        risky.risks.push(RiskFinding {
            id: "quad7-xlogin-7777".into(),
            kind: "possible-compromise",
            title: String::new(),
            watchlist: "tp-link".into(),
            evidence: String::new(),
        });
        assert_eq!(t.update(m, &risky), vec![(0, Some(Confidence::High))], "a new risk is news");
        assert!(t.update(m, &risky).is_empty());
        assert!(t.update(m, &class(vec![])).is_empty());
        assert!(t.is_empty(), "unflagged devices hold no entry");
        t.update(m, &class(vec![flag("tp-link", Confidence::Medium)]));
        t.prune(|_| false);
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn lines_have_the_envelope() {
        let mut out = Vec::new();
        let mac = MacAddr([0x50, 0xc7, 0xbf, 0, 0xc7, 3]);
        push_change(&mut out, &Change::DeviceNew { mac, ts: Timestamp(1_500_000_000_000_000_000) });
        push_change(&mut out, &Change::Updated { mac });
        push_change(&mut out, &Change::Ipv4New { mac, ip: Ipv4Addr::new(10, 0, 0, 1), ts: Timestamp(0) });
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with(r#"{"type":"device_new","ts":"2017-07-14T02:40:00Z","data":{"mac":"50:c7:bf:00:c7:03","#), "{}", lines[0]);
        assert!(lines[0].contains("TP-LINK"), "{}", lines[0]);
        assert_eq!(lines[1], r#"{"type":"ip_new","ts":"1970-01-01T00:00:00Z","data":{"mac":"50:c7:bf:00:c7:03","ip":"10.0.0.1"}}"#);
    }
}
