//! The watchlist engine: evidence from the device record, confidence from the evidence.
//!
//! - Evidence comes from the IEEE registration of the MAC (`vendor` entries of the list)
//!   and from rules over the device's facts.
//! - Confidence is the strongest evidence; two independent medium signals raise it to
//!   high. Independent means another rule *and* another source: a DHCP name and an SSDP
//!   SERVER, a locally administered TP-Link block and a name. The same rule told twice
//!   (names by DHCP and by mDNS) or two fields of one message (a UPnP description's
//!   modelName and friendlyName) are one signal.
//! - Another vendor's registration of a globally administered MAC is a conflict. It caps
//!   the result by the strongest single piece of evidence: at medium when that is high,
//!   at low otherwise (several weak or medium hints on someone else's hardware stay
//!   hints), and it is shown in the evidence.
//! - A device is flagged at `min` confidence or above (medium by default); weaker
//!   watchlist evidence stays visible as a hint.
//! - Risks: a known-exploited entry matches the models the device is identified as (its
//!   reported model, and any model a piece of evidence names through a `model` capture)
//!   and, when a hardware version is known, only the affected versions.

use super::rules::{Affected, Field, RiskMatch, Rule, Watchlist, hardware_version};
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

/// One piece of evidence with what it implies beyond its confidence.
#[derive(Clone, Debug)]
struct Found {
    ev: Evidence,
    /// The brand the rule or registry entry names.
    brand: Option<String>,
    /// A model the matched value names (`model` capture), with its hardware version.
    model: Option<String>,
    hw: Option<String>,
}

fn rule_evidence(d: &Device, rule: &Rule, vendor: Option<&Assignment>, out: &mut Vec<Found>) {
    let mut n = 0;
    for (value, source, first_seen) in candidates(d, &rule.field, vendor) {
        if n >= MAX_EVIDENCE_PER_RULE {
            break;
        }
        if !rule.from.is_empty() && !source.is_some_and(|s| rule.from.contains(&s)) {
            continue;
        }
        let Some(caps) = rule.pattern.captures(&value) else { continue };
        let capture = |name: &str| caps.name(name).map(|m| m.as_str().trim().to_string()).filter(|s| !s.is_empty());
        let (model, hw) = (capture("model"), capture("hw"));
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
        out.push(Found { ev, brand: rule.brand.clone(), model, hw });
    }
}

fn brand_line(w: &Watchlist, value: &str) -> Option<String> {
    w.brand_lines.iter().find(|(re, _)| re.is_match(value.trim())).map(|(_, b)| b.clone())
}

/// What the evidence says the device is, beyond the flag: for risks.
#[derive(Clone, Debug, Default)]
struct Identity {
    /// (model, where it was read, hardware version named with it).
    models: Vec<(String, String, Option<String>)>,
}

fn evaluate_full(d: &Device, w: &Watchlist, vendor: Option<&Assignment>) -> Option<(Flag, Identity)> {
    let mut found: Vec<Found> = Vec::new();
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
            Some(v) => found.push(Found { ev: registry_evidence(a, v.confidence, ""), brand: Some(v.brand.clone()), model: None, hw: None }),
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
                    let ev = Evidence { field: "vendor_local".into(), ..registry_evidence(&a, c, note) };
                    found.push(Found { ev, brand: Some(v.brand.clone()), model: None, hw: None });
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
    let strongest = found.iter().map(|f| f.ev.confidence).max().unwrap_or(Confidence::Low);
    let mut confidence = strongest;
    if strongest == Confidence::Medium {
        let medium: Vec<&Evidence> = found.iter().map(|f| &f.ev).filter(|e| e.confidence == Confidence::Medium).collect();
        let independent = medium.iter().enumerate().any(|(i, a)| medium[i + 1..].iter().any(|b| a.rule != b.rule && a.source != b.source));
        if independent {
            confidence = Confidence::High;
        }
    }
    if conflict.is_some() {
        confidence = confidence.min(if strongest == Confidence::High { Confidence::Medium } else { Confidence::Low });
    }
    let brand = brand_of(d, w, &found);
    let mut identity = Identity::default();
    if let Some(m) = &d.model {
        identity.models.push((m.value.clone(), format!("model reported by {}", m.source.name()), None));
    }
    for f in &found {
        if let Some(m) = &f.model {
            let entry = (m.clone(), format!("{} {:?}", f.ev.field, f.ev.value), f.hw.clone());
            // A model named with its hardware version (an SSDP SERVER that also gave the
            // reported model) replaces the same model without one.
            match identity.models.iter_mut().find(|(x, _, h)| x == m && (*h == f.hw || h.is_none())) {
                Some(e) if e.2.is_none() && f.hw.is_some() => *e = entry,
                Some(_) => {}
                None => identity.models.push(entry),
            }
        }
    }
    let mut evidence: Vec<Evidence> = found.into_iter().map(|f| f.ev).collect();
    evidence.sort_by(|a, b| b.confidence.cmp(&a.confidence).then(a.first_seen.cmp(&b.first_seen)));
    evidence.extend(conflict);
    Some((Flag { watchlist: w.name.clone(), brand, confidence, evidence }, identity))
}

/// The brand: the most specific one the evidence names. A brand named by the rule or the
/// registry entry itself (Kasa for the Kasa protocol, Mercury for a Mercury block) is
/// preferred to one inferred from a model name's product line, then the more confident
/// evidence wins; a brand equal to the list's own (TP-Link) is the fallback.
fn brand_of(d: &Device, w: &Watchlist, found: &[Found]) -> String {
    // (specific, named outright, confidence, brand)
    let mut brands: Vec<(bool, bool, Confidence, String)> = Vec::new();
    for f in found {
        if let Some(b) = f.brand.clone().filter(|b| *b != w.brand) {
            brands.push((true, true, f.ev.confidence, b));
        } else if let Some(b) = brand_line(w, &f.ev.value).filter(|b| *b != w.brand) {
            brands.push((true, false, f.ev.confidence, b));
        } else if let Some(b) = f.model.as_deref().and_then(|m| brand_line(w, m)).filter(|b| *b != w.brand) {
            brands.push((true, false, f.ev.confidence, b));
        }
    }
    if let Some(b) = d.model.as_ref().and_then(|m| brand_line(w, &m.value)).filter(|b| *b != w.brand) {
        brands.push((true, false, Confidence::Low, b));
    }
    brands.sort_by_key(|b| std::cmp::Reverse((b.0, b.1, b.2)));
    brands.into_iter().next().map_or_else(|| w.brand.clone(), |b| b.3)
}

/// Evaluates one watchlist on one device; `None` when nothing matched.
pub fn evaluate(d: &Device, w: &Watchlist, vendor: Option<&Assignment>) -> Option<Flag> {
    evaluate_full(d, w, vendor).map(|(f, _)| f)
}

/// The device's hardware version from the list's hardware fields, with its source.
fn known_hardware(d: &Device, w: &Watchlist, vendor: Option<&Assignment>) -> Option<(String, String)> {
    w.hardware_fields.iter().find_map(|f| {
        candidates(d, f, vendor).into_iter().find_map(|(v, _, _)| hardware_version(&v).map(|h| (h, format!("{} {v:?}", f.name()))))
    })
}

/// The first affected model the identity matches, as a sentence for the evidence. A
/// hardware version named with the model (the same SSDP SERVER) is preferred to one read
/// elsewhere on the device; a known version must be among the affected ones.
fn known_exploited(affected: &[Affected], identity: &Identity, device_hw: Option<&(String, String)>) -> Option<String> {
    for (model, from, named_hw) in &identity.models {
        let named = named_hw.as_deref().and_then(hardware_version);
        for a in affected.iter().filter(|a| a.model.is_match(model.trim())) {
            if a.hardware.is_empty() {
                return Some(format!("model {model:?} ({from})"));
            }
            match (&named, device_hw) {
                (Some(h), _) if a.hardware.contains(h) => return Some(format!("model {model:?}, hardware version {h} ({from})")),
                (None, Some((h, src))) if a.hardware.contains(h) => {
                    return Some(format!("model {model:?} ({from}), hardware version {h} ({src})"));
                }
                (None, None) => {
                    let versions: Vec<String> = a.hardware.iter().map(|h| format!("V{h}")).collect();
                    return Some(format!("model {model:?} ({from}), hardware version unknown (affected: {})", versions.join(", ")));
                }
                _ => {}
            }
        }
    }
    None
}

/// Classifies a device against every active watchlist.
pub fn classify(d: &Device, lists: &[Watchlist], min: Confidence) -> Classification {
    let vendor = vendor::lookup(d.mac);
    let mut c = Classification { vendor, ..Default::default() };
    for w in lists {
        let Some((flag, identity)) = evaluate_full(d, w, vendor.as_ref()) else { continue };
        if flag.confidence >= min {
            let device_hw = known_hardware(d, w, vendor.as_ref());
            for r in &w.risks {
                let (kind, hit) = match &r.matches {
                    RiskMatch::Models(affected) => ("known-exploited", known_exploited(affected, &identity, device_hw.as_ref())),
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

    fn risk_ids(d: &Device) -> Vec<String> {
        classify(d, &tplink(), Confidence::Medium).risks.into_iter().map(|r| r.id).collect()
    }

    fn server(v: &str) -> (Protocol, Fact) {
        (Protocol::Ssdp, Fact::Attr("server", AttrValue::Text(v.into())))
    }

    #[test]
    fn conflict_caps_by_the_strongest_single_hint() {
        // Two medium rules on an Espressif block: would be high alone, stays a low hint.
        let esp = device("24:0a:c4:00:00:05", &[(Protocol::Dhcp, Fact::Hostname("HS103".into())), (Protocol::Mdns, Fact::Model("HS103".into()))]);
        let (f, h) = flag(&esp);
        assert!(f.is_none());
        let h = h.unwrap();
        assert_eq!(h.confidence, Confidence::Low);
        let rules: Vec<_> = h.evidence.iter().map(|e| (e.rule.as_str(), e.conflict)).collect();
        assert_eq!(rules, vec![("hostname-model", false), ("model-name", false), ("vendor", true)]);
        // The same two on a random MAC: independent signals, high.
        let lan = device("02:c1:ee:00:00:05", &[(Protocol::Dhcp, Fact::Hostname("HS103".into())), (Protocol::Mdns, Fact::Model("HS103".into()))]);
        assert_eq!(flag(&lan).0.unwrap().confidence, Confidence::High);
        // One rule matching two names is one signal.
        let deco = device("02:c1:ee:00:00:21", &[(Protocol::Dhcp, Fact::Hostname("Deco-M5".into())), (Protocol::Mdns, Fact::Hostname("Deco-M5-Living".into()))]);
        let f = flag(&deco).0.unwrap();
        assert_eq!((f.confidence, f.evidence.len()), (Confidence::Medium, 2));
        // Two fields of one UPnP description are one signal.
        let upnp = device(
            "02:c1:ee:00:00:32",
            &[(Protocol::Upnp, Fact::Model("Archer C7".into())), (Protocol::Upnp, Fact::Attr("friendly_name", AttrValue::Text("Archer C7".into())))],
        );
        let f = flag(&upnp).0.unwrap();
        assert_eq!((f.confidence, f.evidence.len()), (Confidence::Medium, 2));
    }

    #[test]
    fn model_boundaries() {
        for name in ["HS2011", "KP1150", "EAP2450", "C2000x", "P1100"] {
            let d = device("02:c1:ee:00:00:30", &[(Protocol::Dhcp, Fact::Hostname(name.into()))]);
            assert_eq!(flag(&d), (None, None), "{name}");
        }
        for (name, brand) in [("HS110(EU)", "Kasa"), ("KP125M", "Kasa"), ("L530E", "Tapo"), ("C520WS", "Tapo"), ("EAP245", "Omada")] {
            let d = device("02:c1:ee:00:00:31", &[(Protocol::Dhcp, Fact::Hostname(name.into()))]);
            let f = flag(&d).0.unwrap_or_else(|| panic!("{name}"));
            assert_eq!((f.confidence, f.brand.as_str()), (Confidence::Medium, brand), "{name}");
        }
    }

    #[test]
    fn registry_brand_beats_a_product_line_guess() {
        // A Mercury block announcing MW325R (a name Mercusys also uses): Mercury.
        let d = device("00:4b:f3:00:00:16", &[(Protocol::Tplink5001, Fact::Model("MW325R".into()))]);
        let f = flag(&d).0.unwrap();
        assert_eq!((f.confidence, f.brand.as_str()), (Confidence::High, "Mercury"));
        // Mercury alone is a low hint.
        let (f, h) = flag(&device("00:4b:f3:00:00:14", &[]));
        assert!(f.is_none());
        assert_eq!(h.unwrap().brand, "Mercury");
    }

    #[test]
    fn known_exploited_models_follow_hardware_versions() {
        // SSDP SERVER of the ipos stack names model and hardware version.
        let wr841n_v9 = device("02:c1:ee:00:00:09", &[server("ipos/7.0 UPnP/1.0 TL-WR841N/9.0")]);
        assert_eq!(risk_ids(&wr841n_v9), vec!["CVE-2025-9377", "CVE-2023-50224", "CVE-2015-3035"]);
        let wr841n_v8 = device("02:c1:ee:00:00:09", &[server("ipos/7.0 UPnP/1.0 TL-WR841N/8.0")]);
        assert_eq!(risk_ids(&wr841n_v8), vec!["CVE-2023-33538", "CVE-2023-50224"]);
        // Two models in one SERVER: the first names the device.
        let wr940n = device("02:c1:ee:00:00:09", &[server("ipos/7.0 UPnP/1.0 TL-WR940N/TL-WR941ND/4.0")]);
        assert_eq!(risk_ids(&wr940n), vec!["CVE-2023-33538"]);
        // A model without a hardware version: every entry for it, saying so.
        let c7 = device("50:c7:bf:00:00:06", &[(Protocol::Dhcp, Fact::Hostname("Archer_C7".into()))]);
        let c = classify(&c7, &tplink(), Confidence::Medium);
        let r: Vec<_> = c.risks.iter().map(|r| (r.id.as_str(), r.evidence.as_str())).collect();
        assert_eq!(
            r,
            vec![
                ("CVE-2025-9377", "model \"Archer_C7\" (hostname \"Archer_C7\"), hardware version unknown (affected: V2)"),
                ("CVE-2015-3035", "model \"Archer_C7\" (hostname \"Archer_C7\"), hardware version unknown (affected: V2)"),
            ]
        );
        // A reported model with the hardware version of another field.
        let ax = |hw: &str| {
            device(
                "50:c7:bf:00:00:16",
                &[(Protocol::Upnp, Fact::Model("Archer C7".into())), (Protocol::Upnp, Fact::Attr("model_number", AttrValue::Text(hw.into())))],
            )
        };
        assert_eq!(risk_ids(&ax("2.0")), vec!["CVE-2025-9377", "CVE-2015-3035"]);
        assert_eq!(risk_ids(&ax("5.0")), Vec::<String>::new());
        // A hint (below the threshold) carries no risks.
        let pi = device("b8:27:eb:00:00:02", &[(Protocol::Dhcp, Fact::Hostname("TL-WR841N".into()))]);
        assert!(classify(&pi, &tplink(), Confidence::Medium).risks.is_empty());
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
