//! The watchlist engine: evidence from the device record, confidence from the evidence.
//!
//! - Evidence comes from the IEEE registration of the MAC (`vendor` entries of the list)
//!   and from rules over the device's facts.
//! - Confidence is the strongest evidence; two or more independent sources at medium
//!   raise it to high.
//! - Another vendor's registration of a globally administered MAC is a conflict: it caps
//!   the result at medium when the strongest evidence is high, at low otherwise, and is
//!   shown in the evidence.
//! - A device is flagged at `min` confidence or above (medium by default); weaker
//!   watchlist evidence stays visible as a hint.

use super::rules::{Field, RiskMatch, Rule, Watchlist};
use super::vendor::{self, Assignment};
use super::{Confidence, Evidence, Flag, RiskFinding};
use crate::inventory::Device;
use crate::mac::MacAddr;
use crate::observe::{Protocol, Role};
use crate::timestamp::Timestamp;

/// Evidence items kept per rule (several hostnames may match one rule).
pub const MAX_EVIDENCE_PER_RULE: usize = 4;

#[derive(Clone, Debug, Default)]
pub struct Classification {
    pub vendor: Option<Assignment>,
    pub flags: Vec<Flag>,
    pub hints: Vec<Flag>,
    pub risks: Vec<RiskFinding>,
}

/// A candidate value on the device: (value, source protocol, first seen).
type Candidate = (String, Option<Protocol>, Timestamp);

fn candidates(d: &Device, field: &Field, vendor: Option<&Assignment>) -> Vec<Candidate> {
    let dated = |v: &String, p: Protocol, t: Timestamp| (v.clone(), Some(p), t);
    match field {
        Field::Vendor => vendor.map(|a| vec![(a.organization.to_string(), None, d.first_seen)]).unwrap_or_default(),
        Field::Hostname => d.hostnames.iter().map(|h| dated(&h.value, h.source, h.first_seen)).collect(),
        Field::Model => d.model.iter().map(|h| dated(&h.value, h.source, h.first_seen)).collect(),
        Field::Firmware => d.firmware.iter().map(|h| dated(&h.value, h.source, h.first_seen)).collect(),
        Field::DnsQuery => d.dns_queries.iter().map(|h| dated(&h.value, h.source, h.first_seen)).collect(),
        Field::Service => d
            .services
            .iter()
            .flat_map(|s| [(s.value.kind.clone(), Some(s.source), s.first_seen), (s.value.name.clone(), Some(s.source), s.first_seen)])
            .collect(),
        Field::Role => d.roles.iter().map(|r| (role_name(*r), None, d.first_seen)).collect(),
        Field::Attr { protocol, key } => d
            .section(*protocol)
            .filter(|a| a.key == key)
            .map(|a| (a.value.to_string(), Some(*protocol), a.first_seen))
            .collect(),
    }
}

fn role_name(r: Role) -> String {
    serde_json::to_value(r).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn rule_evidence(d: &Device, rule: &Rule, vendor: Option<&Assignment>, out: &mut Vec<(Evidence, Option<String>)>) {
    let mut n = 0;
    for (value, source, first_seen) in candidates(d, &rule.field, vendor) {
        if n >= MAX_EVIDENCE_PER_RULE {
            break;
        }
        if !rule.from.is_empty() && !source.is_some_and(|s| rule.from.contains(&s)) {
            continue;
        }
        if !rule.pattern.is_match(&value) {
            continue;
        }
        n += 1;
        let field = rule.field.name();
        let source = source.map_or("device", |s| s.name()).to_string();
        let ev = Evidence {
            detail: format!("{field} {value:?} (rule {})", rule.id),
            source,
            rule: rule.id.clone(),
            field,
            value,
            confidence: rule.confidence,
            first_seen,
            conflict: false,
        };
        out.push((ev, rule.brand.clone()));
    }
}

fn brand_line(w: &Watchlist, value: &str) -> Option<String> {
    w.brand_lines.iter().find(|(re, _)| re.is_match(value.trim())).map(|(_, b)| b.clone())
}

/// Evaluates one watchlist on one device; `None` when nothing matched.
pub fn evaluate(d: &Device, w: &Watchlist, vendor: Option<&Assignment>) -> Option<Flag> {
    let mut found: Vec<(Evidence, Option<String>)> = Vec::new();
    let mut conflict: Option<Evidence> = None;
    let registry_evidence = |a: &Assignment, confidence, note: &str| Evidence {
        source: "oui".into(),
        rule: "vendor".into(),
        field: "vendor".into(),
        value: a.organization.to_string(),
        confidence,
        detail: format!("{} {}{note}", a.prefix_text(), a.organization),
        first_seen: d.first_seen,
        conflict: false,
    };
    match vendor {
        Some(a) => match w.vendors.iter().find(|v| v.pattern.is_match(a.organization)) {
            Some(v) => found.push((registry_evidence(a, v.confidence, ""), Some(v.brand.clone()))),
            None => conflict = Some(Evidence { conflict: true, ..registry_evidence(a, Confidence::High, ": another vendor's block") }),
        },
        None if d.mac.is_local() => {
            // The same block with the locally administered bit cleared.
            let mut twin = d.mac.0;
            twin[0] &= !0x02;
            if let Some(a) = vendor::lookup(MacAddr(twin)) {
                if let Some(v) = w.vendors.iter().find(|v| v.pattern.is_match(a.organization)) {
                    let c = v.confidence.lower();
                    let note = ", with the locally administered bit set";
                    found.push((Evidence { field: "vendor_local".into(), ..registry_evidence(&a, c, note) }, Some(v.brand.clone())));
                }
            }
        }
        None => {}
    }
    for rule in &w.rules {
        rule_evidence(d, rule, vendor, &mut found);
    }
    if found.is_empty() {
        return None;
    }
    let strongest = found.iter().map(|(e, _)| e.confidence).max().unwrap_or(Confidence::Low);
    let mut confidence = strongest;
    if strongest == Confidence::Medium {
        let mut sources: Vec<&str> = found.iter().filter(|(e, _)| e.confidence >= Confidence::Medium).map(|(e, _)| e.source.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        if sources.len() >= 2 {
            confidence = Confidence::High;
        }
    }
    if conflict.is_some() {
        confidence = if confidence == Confidence::High { Confidence::Medium } else { Confidence::Low };
    }
    // Brand: the most confident evidence naming a specific product line wins; else the
    // registry's brand; else the list's own.
    let mut brands: Vec<(Confidence, bool, String)> = Vec::new();
    for (e, b) in &found {
        let specific = b.clone().filter(|b| *b != w.brand).or_else(|| brand_line(w, &e.value).filter(|b| *b != w.brand));
        match specific {
            Some(b) => brands.push((e.confidence, true, b)),
            None => brands.push((e.confidence, false, b.clone().unwrap_or_else(|| w.brand.clone()))),
        }
    }
    if let Some(m) = &d.model {
        if let Some(b) = brand_line(w, &m.value).filter(|b| *b != w.brand) {
            brands.push((Confidence::Low, true, b));
        }
    }
    brands.sort_by_key(|b| std::cmp::Reverse((b.1, b.0)));
    let brand = brands.first().map(|b| b.2.clone()).unwrap_or_else(|| w.brand.clone());
    let mut evidence: Vec<Evidence> = found.into_iter().map(|(e, _)| e).collect();
    evidence.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.first_seen.cmp(&b.first_seen)));
    evidence.extend(conflict);
    Some(Flag { watchlist: w.name.clone(), brand, confidence, evidence })
}

/// Classifies a device against every active watchlist.
pub fn classify(d: &Device, lists: &[Watchlist], min: Confidence) -> Classification {
    let vendor = vendor::lookup(d.mac);
    let mut c = Classification { vendor, ..Default::default() };
    for w in lists {
        let Some(flag) = evaluate(d, w, vendor.as_ref()) else { continue };
        if flag.confidence >= min {
            for r in &w.risks {
                let (kind, hit) = match &r.matches {
                    RiskMatch::Model(re) => {
                        let hit = d.model.as_ref().filter(|m| re.is_match(m.value.trim()));
                        ("known-exploited", hit.map(|m| format!("model {:?} (from {})", m.value, m.source.name())))
                    }
                    RiskMatch::Indicator { field, pattern } => {
                        let hit = candidates(d, field, vendor.as_ref()).into_iter().find(|(v, _, _)| pattern.is_match(v));
                        ("possible-compromise", hit.map(|(v, _, t)| format!("{} {v:?} (first seen {t})", field.name())))
                    }
                };
                if let Some(evidence) = hit {
                    c.risks.push(RiskFinding { id: r.id.clone(), kind, title: r.title.clone(), watchlist: w.name.clone(), evidence });
                }
            }
            c.flags.push(flag);
        } else {
            c.hints.push(flag);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::rules::{self, BUILT_IN};
    use crate::inventory::{Inventory, Limits};
    use crate::observe::{AttrValue, Fact, Observation};

    fn tplink() -> Vec<Watchlist> {
        vec![rules::parse(BUILT_IN[0].1, "tp-link").unwrap()]
    }

    fn device(mac: &str, facts: &[(Protocol, Fact)]) -> Device {
        let mac: MacAddr = mac.parse().unwrap();
        let mut inv = Inventory::new(Limits::default());
        inv.touch(mac, Timestamp(1), 60, None, &[]);
        for (i, (p, f)) in facts.iter().enumerate() {
            inv.apply(&Observation { ts: Timestamp(10 + i as i64), mac, protocol: *p, fact: f.clone() });
        }
        inv.get(&mac).unwrap().clone()
    }

    fn flag(d: &Device) -> (Option<Flag>, Option<Flag>) {
        let c = classify(d, &tplink(), Confidence::Medium);
        (c.flags.first().cloned(), c.hints.first().cloned())
    }

    #[test]
    fn registered_block_is_high() {
        let (f, _) = flag(&device("50:c7:bf:00:c7:03", &[]));
        let f = f.unwrap();
        assert_eq!((f.confidence, f.brand.as_str()), (Confidence::High, "TP-Link"));
        assert_eq!(f.evidence[0].detail, "50:c7:bf TP-LINK TECHNOLOGIES CO.,LTD.");
    }

    #[test]
    fn kasa_model_names_the_brand_and_risks_follow_models() {
        let (f, _) = flag(&device("50:c7:bf:00:c7:03", &[(Protocol::Kasa, Fact::Model("HS110(EU)".into()))]));
        assert_eq!(f.unwrap().brand, "Kasa");
        let d = device("00:00:5e:00:53:01", &[(Protocol::Upnp, Fact::Attr("manufacturer", AttrValue::Text("TP-Link".into()))), (Protocol::Upnp, Fact::Model("Archer AX21".into()))]);
        let c = classify(&d, &tplink(), Confidence::Medium);
        assert_eq!(c.flags.len(), 1);
        assert!(c.risks.iter().any(|r| r.id == "CVE-2023-1389"));
    }

    #[test]
    fn quad7_indicators_are_compromise_findings() {
        let d = device("50:c7:bf:00:00:07", &[(Protocol::Tcp, Fact::Attr("xlogin_banner_7777", AttrValue::Text("x".into())))]);
        let c = classify(&d, &tplink(), Confidence::Medium);
        let r: Vec<_> = c.risks.iter().map(|r| (r.id.as_str(), r.kind)).collect();
        assert_eq!(r, vec![("quad7-xlogin-7777", "possible-compromise")]);
    }

    #[test]
    fn weak_hints_alone_raise_no_flag() {
        let d = device("02:11:22:33:44:55", &[(Protocol::Dns, Fact::DnsQuery("devs.tplinkcloud.com".into()))]);
        let (f, h) = flag(&d);
        assert!(f.is_none());
        assert_eq!(h.unwrap().confidence, Confidence::Low);
    }

    #[test]
    fn other_vendor_block_caps_confidence() {
        // Raspberry Pi named like a TP-Link: the word alone is low, and stays low.
        let pi = device("b8:27:eb:00:00:01", &[(Protocol::Dhcp, Fact::Hostname("tplink-backup".into()))]);
        let (f, h) = flag(&pi);
        assert!(f.is_none());
        let h = h.unwrap();
        assert_eq!(h.confidence, Confidence::Low);
        assert!(h.evidence.iter().any(|e| e.conflict && e.value.contains("Raspberry")));
        // Espressif module with a model-style name: medium capped to low.
        let esp = device("24:0a:c4:00:00:01", &[(Protocol::Dhcp, Fact::Hostname("HS100".into()))]);
        assert!(flag(&esp).0.is_none());
        // A decoded protocol on a foreign block: high capped to medium, still flagged.
        let odd = device("24:0a:c4:00:00:02", &[(Protocol::Kasa, Fact::Model("HS100(US)".into()))]);
        assert_eq!(flag(&odd).0.unwrap().confidence, Confidence::Medium);
    }

    #[test]
    fn medium_signals_combine_and_local_twin_counts() {
        let one = device("02:00:00:00:00:09", &[(Protocol::Dhcp, Fact::Hostname("Archer_C7".into()))]);
        assert_eq!(flag(&one).0.unwrap().confidence, Confidence::Medium);
        let two = device(
            "02:00:00:00:00:09",
            &[(Protocol::Dhcp, Fact::Hostname("Archer_C7".into())), (Protocol::Ssdp, Fact::Attr("server", AttrValue::Text("Linux UPnP/1.0 Archer C7".into())))],
        );
        assert_eq!(flag(&two).0.unwrap().confidence, Confidence::High);
        // 52:c7:bf… is 50:c7:bf with the local bit set: medium, brand TP-Link.
        let twin = flag(&device("52:c7:bf:00:00:01", &[])).0.unwrap();
        assert_eq!(twin.confidence, Confidence::Medium);
        assert_eq!(twin.evidence[0].field, "vendor_local");
    }

    #[test]
    fn every_product_line_names_its_brand() {
        // A model-style hostname on a TP-Link block: the brand comes from the product line.
        for (name, brand) in [
            ("EAP245", "Omada"),
            ("TL-SG2008", "JetStream"),
            ("HS110(EU)", "Kasa"),
            ("KP115", "Kasa"),
            ("Tapo_C200", "Tapo"),
            ("P110", "Tapo"),
            ("Deco-M5", "Deco"),
            ("Archer_C7", "TP-Link"),
            ("TL-WR841N", "TP-Link"),
            ("MR70X", "Mercusys"),
        ] {
            let d = device("50:c7:bf:00:00:42", &[(Protocol::Dhcp, Fact::Hostname(name.into()))]);
            assert_eq!(flag(&d).0.unwrap().brand, brand, "{name}");
        }
        // Brands only a model names (no hostname rule needed).
        for (model, brand) in [("VIGI C340", "VIGI"), ("Aginet HB710", "Aginet"), ("Festa FS308G", "Festa"), ("Neffos C5", "Neffos")] {
            let d = device("50:c7:bf:00:00:43", &[(Protocol::Upnp, Fact::Model(model.into()))]);
            assert_eq!(flag(&d).0.unwrap().brand, brand, "{model}");
        }
    }

    #[test]
    fn affiliates_are_hints() {
        let (f, h) = flag(&device("00:4b:f3:00:00:01", &[]));
        if let Some(h) = h {
            assert!(f.is_none());
            assert!(["Mercury", "FAST"].contains(&h.brand.as_str()), "{h:?}");
        }
    }
}
