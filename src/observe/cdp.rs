//! CDP → observations.
//!
//! The device is the frame's source: CDP is sent by the device itself, from the port it
//! describes, and carries no chassis MAC to prefer.
//!
//! Section `cdp`: `version`, `device_id`, `port_id`, `capabilities` (list), `platform`,
//! `software_version` (the whole banner, bounded), `vtp_domain`, `native_vlan`, `duplex`,
//! `voice_vlan` (the VLAN a switch offers phones), `power_mw`, `system_name`,
//! `management_addresses` (list). Shared facts: `Hostname` (device ID), `Ipv4`/`Ipv6`
//! (Addresses and Management Addresses: the device's own), `Model` (platform),
//! `Firmware` (the banner line that names the version, else its first line), roles from
//! the capabilities (router → router; switch, transparent or source-route bridge →
//! bridge; phone → phone).
//!
//! A bad checksum does not discard the facts (the message parsed), but the message is
//! reported as malformed so it is counted under `capture.malformed.cdp`.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::text::{clean, hex};
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::cdp::{self, Address, Capabilities, Cdp, Duplex};

/// Parses a CDP message and records what it says; a malformed TLV or a bad checksum is
/// reported after the facts are recorded.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = cdp::parse(payload)?;
    observe(cx, &m, out);
    match m.malformed {
        Some(e) => Err(e),
        None if !m.checksum_ok => Err(WireError::Invalid("CDP checksum")),
        None => Ok(()),
    }
}

pub fn observe(cx: &Context, m: &Cdp<'_>, out: &mut Vec<Observation>) {
    let Some(dev) = cx.src_mac.filter(MacAddr::is_device) else { return };
    let mut push = |fact: Fact| out.push(cx.obs(dev, Protocol::Cdp, fact));
    push(Fact::Attr("version", AttrValue::Int(m.version.into())));
    let mut text = |key: &'static str, v: Option<&[u8]>| -> Option<String> {
        let s = v.map(clean).filter(|s| !s.is_empty())?;
        push(Fact::Attr(key, AttrValue::Text(s.clone())));
        Some(s)
    };
    let device_id = text("device_id", m.device_id);
    text("port_id", m.port_id);
    let platform = text("platform", m.platform);
    let software = text("software_version", m.software_version);
    text("vtp_domain", m.vtp_domain);
    text("system_name", m.system_name);

    if let Some(d) = device_id {
        push(Fact::Hostname(d));
    }
    if let Some(p) = platform {
        push(Fact::Model(p));
    }
    if let Some(line) = software.as_deref().and_then(version_line) {
        push(Fact::Firmware(line.to_string()));
    }
    if let Some(c) = m.capabilities {
        push(Fact::Attr("capabilities", AttrValue::List(c.names().collect())));
        let bridge = Capabilities::SWITCH | Capabilities::TRANSPARENT_BRIDGE | Capabilities::SOURCE_ROUTE_BRIDGE;
        for (bits, role) in
            [(Capabilities::ROUTER, Role::Router), (bridge, Role::Bridge), (Capabilities::PHONE, Role::Phone)]
        {
            if c.has(bits) {
                push(Fact::Role(role));
            }
        }
    }
    if let Some(v) = m.native_vlan {
        push(Fact::Attr("native_vlan", AttrValue::Int(v.into())));
    }
    if let Some(d) = m.duplex {
        let d = match d {
            Duplex::Half => "half".to_string(),
            Duplex::Full => "full".to_string(),
            Duplex::Unknown(n) => format!("duplex-{n}"),
        };
        push(Fact::Attr("duplex", d.into()));
    }
    if let Some(v) = m.voice_vlan {
        push(Fact::Attr("voice_vlan", AttrValue::Int(v.vlan.into())));
    }
    if let Some(p) = m.power_mw {
        push(Fact::Attr("power_mw", AttrValue::Int(p.into())));
    }
    if !m.management_addresses.is_empty() {
        let list = m.management_addresses.iter().map(address_text).collect();
        push(Fact::Attr("management_addresses", AttrValue::List(list)));
    }
    let all: Vec<&Address<'_>> = m.addresses.iter().chain(&m.management_addresses).collect();
    for (i, a) in all.iter().enumerate() {
        if all[..i].contains(a) {
            continue;
        }
        match **a {
            Address::V4(ip) if usable_v4(ip) => push(Fact::Ipv4(ip)),
            Address::V6(ip) if usable_v6(ip) => push(Fact::Ipv6(ip)),
            _ => {}
        }
    }
}

/// The line of a software banner that says which version runs: the first line naming a
/// version, else the first non-empty line. IOS banners start with a product line
/// ("Cisco Internetwork Operating System Software") and name the version on the next.
pub fn version_line(banner: &str) -> Option<&str> {
    let mut lines = banner.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.clone().next()?;
    Some(lines.find(|l| l.to_ascii_lowercase().contains("version")).unwrap_or(first))
}

fn address_text(a: &Address<'_>) -> String {
    match a {
        Address::V4(ip) => ip.to_string(),
        Address::V6(ip) => ip.to_string(),
        Address::Other { protocol_type, protocol, address } => {
            format!("protocol-{protocol_type}-{}:{}", hex(protocol), hex(address))
        }
    }
}

/// An address a host can own: not unspecified, broadcast, multicast or loopback.
fn usable_v4(a: Ipv4Addr) -> bool {
    !(a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback())
}

fn usable_v6(a: Ipv6Addr) -> bool {
    !(a.is_unspecified() || a.is_multicast() || a.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::cdp::tests::{message, phone_fixture};

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }

    #[test]
    fn phone_facts() {
        let c = Context { src_mac: Some(mac("00:11:22:33:44:55")), ..Context::at(Timestamp(3)) };
        let mut out = Vec::new();
        assert_eq!(handle(&c, &phone_fixture(), &mut out), Ok(()));
        assert!(out.iter().all(|o| o.mac == mac("00:11:22:33:44:55") && o.protocol == Protocol::Cdp));
        let facts: Vec<Fact> = out.iter().map(|o| o.fact.clone()).collect();
        assert_eq!(
            facts,
            vec![
                Fact::Attr("version", AttrValue::Int(2)),
                text("device_id", "SEP001122334455"),
                text("port_id", "Port 1"),
                text("platform", "Cisco IP Phone 7945"),
                text("software_version", "SCCP45.9-4-2SR3S"),
                text("system_name", "phone-21"),
                Fact::Hostname("SEP001122334455".into()),
                Fact::Model("Cisco IP Phone 7945".into()),
                Fact::Firmware("SCCP45.9-4-2SR3S".into()),
                Fact::Attr("capabilities", AttrValue::List(vec!["host".into(), "phone".into(), "mac-relay".into()])),
                Fact::Role(Role::Phone),
                Fact::Attr("native_vlan", AttrValue::Int(1)),
                text("duplex", "full"),
                Fact::Attr("voice_vlan", AttrValue::Int(50)),
                Fact::Attr("power_mw", AttrValue::Int(6400)),
                Fact::Attr("management_addresses", AttrValue::List(vec!["10.0.50.21".into()])),
                Fact::Ipv4(Ipv4Addr::new(10, 0, 50, 21)),
                Fact::Ipv6("2001:db8:50::21".parse().unwrap()),
            ]
        );
    }

    #[test]
    fn switch_roles_and_version_line() {
        let t = |kind: u16, v: &[u8]| {
            let mut b = kind.to_be_bytes().to_vec();
            b.extend((v.len() as u16 + 4).to_be_bytes());
            b.extend_from_slice(v);
            b
        };
        let banner = b"Cisco Internetwork Operating System Software \nIOS (tm) C2950 Software (C2950-I6K2L2Q4-M), \
Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport";
        let b = message(2, &[t(0x0004, &[0, 0, 0, 0x29]), t(0x0005, banner)]);
        let c = Context { src_mac: Some(mac("00:0b:be:18:9a:41")), ..Context::at(Timestamp(3)) };
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b, &mut out), Ok(()));
        let facts: Vec<Fact> = out.iter().map(|o| o.fact.clone()).collect();
        assert!(facts.contains(&Fact::Firmware(
            "IOS (tm) C2950 Software (C2950-I6K2L2Q4-M), Version 12.1(22)EA14, RELEASE SOFTWARE (fc1)".into()
        )));
        assert!(facts.contains(&Fact::Role(Role::Router)) && facts.contains(&Fact::Role(Role::Bridge)));
        assert!(!facts.contains(&Fact::Role(Role::Phone)));
        assert_eq!(version_line("BCM1100"), Some("BCM1100"));
        assert_eq!(version_line(" \n"), None);
    }

    #[test]
    fn bad_checksum_keeps_facts_and_reports() {
        let mut b = phone_fixture();
        b[2] ^= 0x10;
        let c = Context { src_mac: Some(mac("00:11:22:33:44:55")), ..Context::at(Timestamp(3)) };
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b, &mut out), Err(WireError::Invalid("CDP checksum")));
        assert!(out.iter().any(|o| o.fact == Fact::Hostname("SEP001122334455".into())));
        let mut out = Vec::new();
        assert_eq!(handle(&Context::at(Timestamp(3)), &phone_fixture(), &mut out), Ok(()));
        assert!(out.is_empty(), "no source MAC, no device");
        assert_eq!(handle(&c, &[9, 180, 0, 0], &mut out), Err(WireError::Invalid("CDP version")));
    }

    proptest::proptest! {
        /// Hostile input: random bytes, and the fixture with bytes changed and cut, never
        /// panic, and every observation names a device.
        #[test]
        fn hostile_input_never_panics(
            random in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
            edits in proptest::collection::vec((0usize..2048, proptest::num::u8::ANY), 1..8),
            cut in 0usize..2048,
        ) {
            let c = Context { src_mac: Some(mac("00:11:22:33:44:55")), ..Context::at(Timestamp(3)) };
            let mut out = Vec::new();
            let _ = handle(&c, &random, &mut out);
            let mut b = phone_fixture();
            let n = b.len();
            for (at, x) in edits {
                b[at % n] = x;
            }
            b.truncate(cut.max(4));
            let _ = handle(&c, &b, &mut out);
            proptest::prop_assert!(out.iter().all(|o| o.mac.is_device()));
        }
    }
}
