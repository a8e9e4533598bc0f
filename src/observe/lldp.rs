//! LLDP → observations.
//!
//! **Which device.** An LLDPDU describes its chassis, so the facts go to the chassis: its
//! MAC when the Chassis ID is a MAC address (subtype 4), else the frame's source. Switches
//! send from a per-port MAC and name their base MAC as chassis (the ProCurve 2824,
//! Catalyst 9000 and ConnectX-4 captures in the test corpus do): the chassis then gets
//! the facts, and the sending port (a device of its own in the inventory, since it is the
//! frame's source) gets a [`Note::ClaimedMac`] naming the chassis, so a reader can tie
//! the two together without merging them. LLDP has no authentication, so a forged LLDPDU
//! can put facts on another MAC; the note keeps the frame's true source visible.
//!
//! **What.** Section `lldp`: `chassis_id` (a MAC, an IP or text), `chassis_id_subtype`,
//! `port_id`, `port_id_subtype`, `ttl`, `port_description`, `system_name`,
//! `system_description`, `capabilities` and `enabled_capabilities` (lists),
//! `management_addresses` (list: address and interface numbering), `port_vlan`,
//! `vlan_names` (list `VID name`), `autoneg`, `mau_type`, `max_frame_size`, and from
//! LLDP-MED `med_capabilities` (list), `med_device_class`, `med_network_policies` (list),
//! `med_power`, `med_hardware_revision`, `med_firmware_revision`, `med_software_revision`,
//! `med_serial_number`, `med_manufacturer`, `med_model`, `med_asset_id`, and `mud_url`
//! (RFC 8520, IANA organisational TLV).
//! Shared facts: `Hostname` (system name), `Ipv4`/`Ipv6` (management addresses: the
//! device's own), `Model` (MED model name), `Firmware` (MED software revision, else
//! firmware revision: the software revision is the running image, the firmware revision
//! often a boot ROM), and roles from the *enabled* capabilities (bridge, router, WLAN
//! access point, telephone).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::text::{clean, hex};
use super::{AttrValue, Context, Fact, Note, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::lldp::{
    self, Application, Capabilities, ChassisId, DeviceClass, InterfaceNumbering, Lldpdu, NetworkAddress, NetworkPolicy,
    PortId, PowerType,
};

/// Parses an LLDPDU and records what it says; a malformed TLV is reported after the
/// facts decoded before it are recorded.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let du = lldp::parse(payload)?;
    observe(cx, &du, out);
    match du.malformed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The device an LLDPDU describes: see the module documentation.
pub fn device(cx: &Context, du: &Lldpdu<'_>) -> Option<MacAddr> {
    match du.chassis_id {
        ChassisId::Mac(m) if m.is_device() => Some(m),
        _ => cx.src_mac.filter(MacAddr::is_device),
    }
}

pub fn observe(cx: &Context, du: &Lldpdu<'_>, out: &mut Vec<Observation>) {
    let Some(dev) = device(cx, du) else { return };
    if let Some(src) = cx.src_mac.filter(|s| s.is_device() && *s != dev) {
        out.push(cx.obs(src, Protocol::Lldp, Fact::Note(Note::ClaimedMac { protocol: Protocol::Lldp, mac: dev })));
    }
    let mut push = |fact: Fact| out.push(cx.obs(dev, Protocol::Lldp, fact));
    push(Fact::Attr("chassis_id", chassis_value(&du.chassis_id)));
    push(Fact::Attr("chassis_id_subtype", du.chassis_id.subtype_name().to_string().into()));
    if let Some(p) = &du.port_id {
        push(Fact::Attr("port_id", port_value(p)));
        push(Fact::Attr("port_id_subtype", p.subtype_name().to_string().into()));
    }
    if let Some(ttl) = du.ttl {
        push(Fact::Attr("ttl", AttrValue::Int(ttl.into())));
    }
    let mut text = |key: &'static str, v: Option<&[u8]>| -> Option<String> {
        let s = v.map(clean).filter(|s| !s.is_empty())?;
        push(Fact::Attr(key, AttrValue::Text(s.clone())));
        Some(s)
    };
    text("port_description", du.port_description);
    let name = text("system_name", du.system_name);
    text("system_description", du.system_description);
    let m = &du.med;
    text("med_hardware_revision", m.hardware_revision);
    let firmware = text("med_firmware_revision", m.firmware_revision);
    let software = text("med_software_revision", m.software_revision);
    text("med_serial_number", m.serial_number);
    text("med_manufacturer", m.manufacturer);
    let model = text("med_model", m.model);
    text("med_asset_id", m.asset_id);
    text("mud_url", du.mud_url);

    if let Some(n) = name {
        push(Fact::Hostname(n));
    }
    if let Some(model) = model {
        push(Fact::Model(model));
    }
    if let Some(f) = software.or(firmware) {
        push(Fact::Firmware(f));
    }
    if let Some(c) = du.capabilities {
        push(Fact::Attr("capabilities", AttrValue::List(c.system.names().map(String::from).collect())));
        push(Fact::Attr("enabled_capabilities", AttrValue::List(c.enabled.names().map(String::from).collect())));
        for (bit, role) in [
            (Capabilities::BRIDGE, Role::Bridge),
            (Capabilities::ROUTER, Role::Router),
            (Capabilities::WLAN_AP, Role::WlanAp),
            (Capabilities::TELEPHONE, Role::Phone),
        ] {
            if c.enabled.has(bit) {
                push(Fact::Role(role));
            }
        }
    }
    if !du.management_addresses.is_empty() {
        let list = du
            .management_addresses
            .iter()
            .map(|a| {
                let addr = address_text(&a.address);
                match a.numbering {
                    InterfaceNumbering::IfIndex => format!("{addr} ifindex {}", a.interface),
                    InterfaceNumbering::SystemPort => format!("{addr} port {}", a.interface),
                    InterfaceNumbering::Other(n) => format!("{addr} numbering-{n} {}", a.interface),
                    InterfaceNumbering::Unknown => addr,
                }
            })
            .collect();
        push(Fact::Attr("management_addresses", AttrValue::List(list)));
        for a in &du.management_addresses {
            match a.address {
                NetworkAddress::V4(ip) if usable_v4(ip) => push(Fact::Ipv4(ip)),
                NetworkAddress::V6(ip) if usable_v6(ip) => push(Fact::Ipv6(ip)),
                _ => {}
            }
        }
    }
    if let Some(v) = du.port_vlan {
        push(Fact::Attr("port_vlan", AttrValue::Int(v.into())));
    }
    if !du.vlan_names.is_empty() {
        let list = du.vlan_names.iter().map(|v| format!("{} {}", v.vid, clean(v.name))).collect();
        push(Fact::Attr("vlan_names", AttrValue::List(list)));
    }
    if let Some(p) = du.mac_phy {
        let an = match (p.autoneg_supported, p.autoneg_enabled) {
            (_, true) => "enabled",
            (true, false) => "disabled",
            (false, false) => "unsupported",
        };
        push(Fact::Attr("autoneg", an.to_string().into()));
        let mau = lldp::mau_name(p.mau_type).map_or_else(|| format!("mau-{}", p.mau_type), String::from);
        push(Fact::Attr("mau_type", mau.into()));
    }
    if let Some(s) = du.max_frame_size {
        push(Fact::Attr("max_frame_size", AttrValue::Int(s.into())));
    }
    if let Some((caps, class)) = m.capabilities {
        push(Fact::Attr("med_capabilities", AttrValue::List(caps.names().collect())));
        push(Fact::Attr("med_device_class", class_name(class).into()));
    }
    if !m.network_policies.is_empty() {
        push(Fact::Attr("med_network_policies", AttrValue::List(m.network_policies.iter().map(policy_text).collect())));
    }
    if let Some(p) = m.power {
        let kind = match p.power_type {
            PowerType::Pse => "pse".to_string(),
            PowerType::Pd => "pd".to_string(),
            PowerType::Reserved(r) => format!("type-{r}"),
        };
        let s = format!("{kind}, source {}, priority {}, {} mW", p.source_name(), p.priority_name(), p.milliwatts);
        push(Fact::Attr("med_power", s.into()));
    }
}

fn address_text(a: &NetworkAddress<'_>) -> String {
    match a {
        NetworkAddress::V4(ip) => ip.to_string(),
        NetworkAddress::V6(ip) => ip.to_string(),
        NetworkAddress::Mac(m) => m.to_string(),
        NetworkAddress::Other { family, address } => format!("family-{family}:{}", hex(address)),
    }
}

fn network_value(a: &NetworkAddress<'_>) -> AttrValue {
    match *a {
        NetworkAddress::V4(ip) => AttrValue::Ip(ip.into()),
        NetworkAddress::V6(ip) => AttrValue::Ip(ip.into()),
        NetworkAddress::Mac(m) => AttrValue::Mac(m),
        ref other => AttrValue::Text(address_text(other)),
    }
}

fn chassis_value(c: &ChassisId<'_>) -> AttrValue {
    match c {
        ChassisId::Mac(m) => AttrValue::Mac(*m),
        ChassisId::Network(a) => network_value(a),
        ChassisId::ChassisComponent(s)
        | ChassisId::InterfaceAlias(s)
        | ChassisId::PortComponent(s)
        | ChassisId::InterfaceName(s)
        | ChassisId::Local(s) => AttrValue::Text(id_text(s)),
        ChassisId::Unknown { value, .. } => AttrValue::Text(hex(value)),
    }
}

fn port_value(p: &PortId<'_>) -> AttrValue {
    match p {
        PortId::Mac(m) => AttrValue::Mac(*m),
        PortId::Network(a) => network_value(a),
        PortId::InterfaceAlias(s)
        | PortId::PortComponent(s)
        | PortId::InterfaceName(s)
        | PortId::AgentCircuitId(s)
        | PortId::Local(s) => AttrValue::Text(id_text(s)),
        PortId::Unknown { value, .. } => AttrValue::Text(hex(value)),
    }
}

/// An ID of a text subtype: as text when it is printable UTF-8, else as hex (some agents
/// put binary values, such as a MAC, in "locally assigned" or "chassis component" IDs).
fn id_text(s: &[u8]) -> String {
    match std::str::from_utf8(s) {
        Ok(t) if !t.chars().any(char::is_control) => clean(s),
        _ => hex(s),
    }
}

fn class_name(c: DeviceClass) -> String {
    match c {
        DeviceClass::NotDefined => "not-defined".into(),
        DeviceClass::EndpointI => "endpoint-class-1".into(),
        DeviceClass::EndpointII => "endpoint-class-2".into(),
        DeviceClass::EndpointIII => "endpoint-class-3".into(),
        DeviceClass::NetworkConnectivity => "network-connectivity".into(),
        DeviceClass::Unknown(n) => format!("class-{n}"),
    }
}

fn policy_text(p: &NetworkPolicy) -> String {
    let app = match p.application {
        Application::Voice => "voice".to_string(),
        Application::VoiceSignaling => "voice-signaling".into(),
        Application::GuestVoice => "guest-voice".into(),
        Application::GuestVoiceSignaling => "guest-voice-signaling".into(),
        Application::SoftphoneVoice => "softphone-voice".into(),
        Application::VideoConferencing => "video-conferencing".into(),
        Application::StreamingVideo => "streaming-video".into(),
        Application::VideoSignaling => "video-signaling".into(),
        Application::Unknown(n) => format!("application-{n}"),
    };
    if p.unknown_policy {
        return format!("{app} unknown");
    }
    let tag = if p.tagged { "tagged" } else { "untagged" };
    format!("{app} vlan {} {tag} priority {} dscp {}", p.vlan, p.l2_priority, p.dscp)
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
    use crate::wire::WireError;
    use crate::wire::lldp::tests::switch_fixture;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn cx(src: &str) -> Context {
        Context { src_mac: Some(mac(src)), ..Context::at(Timestamp(7)) }
    }

    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }

    fn list(k: &'static str, v: &[&str]) -> Fact {
        Fact::Attr(k, AttrValue::List(v.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn switch_port_facts_go_to_the_chassis() {
        let c = cx("50:c7:bf:11:22:33");
        let mut out = Vec::new();
        assert_eq!(handle(&c, &switch_fixture(), &mut out), Ok(()));
        let chassis = mac("50:c7:bf:11:22:30");
        assert_eq!(
            out[0],
            c.obs(
                mac("50:c7:bf:11:22:33"),
                Protocol::Lldp,
                Fact::Note(Note::ClaimedMac { protocol: Protocol::Lldp, mac: chassis })
            )
        );
        assert!(out[1..].iter().all(|o| o.mac == chassis && o.protocol == Protocol::Lldp && o.ts == Timestamp(7)));
        let facts: Vec<Fact> = out[1..].iter().map(|o| o.fact.clone()).collect();
        assert_eq!(
            facts,
            vec![
                Fact::Attr("chassis_id", AttrValue::Mac(chassis)),
                text("chassis_id_subtype", "mac"),
                text("port_id", "gi1/0/3"),
                text("port_id_subtype", "interface-name"),
                Fact::Attr("ttl", AttrValue::Int(120)),
                text("port_description", "gigabitEthernet 1/0/3 : copper"),
                text("system_name", "T1600G-28TS"),
                text("system_description", "JetStream 24-Port Gigabit L2 Managed Switch with 4 SFP Slots"),
                text("med_hardware_revision", "2.0"),
                text("med_firmware_revision", "1.0.0"),
                text("med_software_revision", "2.0.0 Build 20200608 Rel.43190"),
                text("med_serial_number", "2198765432101"),
                text("med_manufacturer", "TP-Link"),
                text("med_model", "T1600G-28TS 2.0"),
                text("med_asset_id", "rack-3"),
                text("mud_url", "https://tp-link.example/mud/t1600g.json"),
                Fact::Hostname("T1600G-28TS".into()),
                Fact::Model("T1600G-28TS 2.0".into()),
                Fact::Firmware("2.0.0 Build 20200608 Rel.43190".into()),
                list("capabilities", &["bridge", "router"]),
                list("enabled_capabilities", &["bridge"]),
                Fact::Role(Role::Bridge),
                list("management_addresses", &["192.168.0.2 ifindex 3", "2001:db8::2 port 1"]),
                Fact::Ipv4(Ipv4Addr::new(192, 168, 0, 2)),
                Fact::Ipv6("2001:db8::2".parse().unwrap()),
                Fact::Attr("port_vlan", AttrValue::Int(10)),
                list("vlan_names", &["10 voice"]),
                text("autoneg", "enabled"),
                text("mau_type", "1000BaseTFD"),
                Fact::Attr("max_frame_size", AttrValue::Int(1518)),
                list("med_capabilities", &["capabilities", "network-policy", "location", "extended-power-pse"]),
                text("med_device_class", "network-connectivity"),
                list("med_network_policies", &["voice vlan 50 tagged priority 0 dscp 46"]),
                text("med_power", "pse, source unknown, priority low, 6500 mW"),
            ]
        );
    }

    /// An IP phone whose chassis is its IPv4 address: the frame's source is the device;
    /// the phone role comes from the enabled capabilities, firmware falls back to the
    /// firmware revision, and unusable management addresses bind nothing.
    #[test]
    fn phone_with_network_chassis_is_the_frame_source() {
        let t = |kind: u8, v: &[u8]| {
            let mut b = ((u16::from(kind) << 9) | v.len() as u16).to_be_bytes().to_vec();
            b.extend_from_slice(v);
            b
        };
        let mut b = t(1, &[5, 1, 10, 0, 50, 21]);
        b.extend(t(2, &[3, 0x00, 0x1b, 0x4f, 0x01, 0x02, 0x03]));
        b.extend(t(3, &[0, 180]));
        b.extend(t(7, &[0x00, 0x24, 0x00, 0x20]));
        b.extend(t(8, &[5, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]));
        b.extend(t(127, &[0x00, 0x12, 0xbb, 1, 0x00, 0x33, 3]));
        b.extend(t(127, &[0x00, 0x12, 0xbb, 2, 1, 0x80, 0, 0]));
        b.extend(t(127, &[0x00, 0x12, 0xbb, 4, 0x51, 0x00, 0x28]));
        b.extend(t(127, &[0x00, 0x12, 0xbb, 6, b'9', b'.', b'4']));
        b.extend(t(0, &[]));
        let c = cx("00:1b:4f:01:02:03");
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b, &mut out), Ok(()));
        assert!(out.iter().all(|o| o.mac == mac("00:1b:4f:01:02:03")));
        let facts: Vec<Fact> = out.iter().map(|o| o.fact.clone()).collect();
        assert_eq!(
            facts,
            vec![
                Fact::Attr("chassis_id", AttrValue::Ip(Ipv4Addr::new(10, 0, 50, 21).into())),
                text("chassis_id_subtype", "network-address"),
                Fact::Attr("port_id", AttrValue::Mac(mac("00:1b:4f:01:02:03"))),
                text("port_id_subtype", "mac"),
                Fact::Attr("ttl", AttrValue::Int(180)),
                text("med_firmware_revision", "9.4"),
                Fact::Firmware("9.4".into()),
                list("capabilities", &["bridge", "telephone"]),
                list("enabled_capabilities", &["telephone"]),
                Fact::Role(Role::Phone),
                list("management_addresses", &["0.0.0.0"]),
                list("med_capabilities", &["capabilities", "network-policy", "extended-power-pd", "inventory"]),
                text("med_device_class", "endpoint-class-3"),
                list("med_network_policies", &["voice unknown"]),
                text("med_power", "pd, source pse, priority critical, 4000 mW"),
            ]
        );
    }

    #[test]
    fn malformed_frames_keep_the_good_part_and_report() {
        let b = switch_fixture();
        let at = b.windows(9).position(|w| w == b"JetStream").unwrap();
        let c = cx("50:c7:bf:11:22:30");
        let mut out = Vec::new();
        assert!(matches!(handle(&c, &b[..at], &mut out), Err(WireError::Truncated { .. })));
        assert!(out.contains(&c.obs(mac("50:c7:bf:11:22:30"), Protocol::Lldp, Fact::Hostname("T1600G-28TS".into()))));
        assert!(!out.iter().any(|o| matches!(o.fact, Fact::Note(_))), "chassis = source: no claim");
        let mut out = Vec::new();
        assert_eq!(
            handle(&c, &[0xfe, 0x01, 0x00], &mut out),
            Err(WireError::Invalid("LLDP first TLV (not a Chassis ID)"))
        );
        assert!(out.is_empty());
    }

    #[test]
    fn no_device_no_facts() {
        // A non-MAC chassis in a frame without a usable source (SLL cooked, zero MAC).
        let b = [0x02, 0x03, 0x07, b'c', b'1', 0x04, 0x02, 0x07, b'p', 0x06, 0x02, 0, 120];
        let mut out = Vec::new();
        assert_eq!(handle(&Context::at(Timestamp(1)), &b, &mut out), Ok(()));
        assert!(out.is_empty());
        let c = Context { src_mac: Some(MacAddr::ZERO), ..Context::at(Timestamp(1)) };
        assert_eq!(handle(&c, &b, &mut out), Ok(()));
        assert!(out.is_empty());
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
            let c = cx("50:c7:bf:11:22:33");
            let mut out = Vec::new();
            let _ = handle(&c, &random, &mut out);
            let mut b = switch_fixture();
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
