//! TDP (UDP 20002/20004) → observations.
//!
//! A message FROM a TDP port is a device answering discovery: its JSON describes the
//! sender. A message TO a TDP port is a probe from a client of the vendor's app (or a
//! router's peer, for version 1). Payloads without a TDP header are not TDP and yield
//! nothing; a TDP message whose body is cut short or whose checksum fails is counted as
//! malformed, after the facts it gave are recorded.

use std::net::Ipv4Addr;

use super::kasa::{payload_ipv4, payload_mac, text};
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::tdp::{self, DeviceInfo, TdpRepr, Version};

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    if !tdp::is_tdp(payload) {
        return Ok(());
    }
    let m = tdp::parse(payload)?;
    let body = observe(cx, &m, out);
    body?;
    if m.checksum_ok { Ok(()) } else { Err(WireError::Invalid("TDP checksum")) }
}

fn is_tdp_port(p: u16) -> bool {
    p == tdp::PORT || p == tdp::PORT_ALT
}

/// Records what a message says about its sender; returns the body's decoding error,
/// if any. A probe marks its sender as an app client only when its checksum verifies
/// (the port alone is no evidence). A reply gives the header version and, for version
/// 2, the model, firmware and identity attributes; its `mac` is a claim when it differs
/// from the frame's source (the anonymised captures in the corpus keep the real MAC in
/// the JSON).
pub fn observe(cx: &Context, m: &TdpRepr<'_>, out: &mut Vec<Observation>) -> Outcome {
    let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return Ok(()) };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Tdp, fact));
    if !is_tdp_port(cx.src_port) {
        if is_tdp_port(cx.dst_port) && m.checksum_ok {
            push(out, Fact::Role(Role::TplinkAppClient));
        }
        return Ok(());
    }
    push(out, Fact::Present);
    let version = match m.header.version {
        Version::V1 => 1,
        Version::V2 => 2,
    };
    push(out, Fact::Attr("version", AttrValue::Int(version)));
    if m.header.version == Version::V2 {
        if let Some(d) = tdp::parse_reply(m.body)? {
            device_facts(cx, src, &d, out);
        }
    }
    Ok(())
}

fn device_facts(cx: &Context, src: MacAddr, d: &DeviceInfo, out: &mut Vec<Observation>) {
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Tdp, fact));
    if let Some(v) = text(&d.device_model) {
        push(out, Fact::Model(v));
    }
    if let Some(v) = text(&d.firmware_version) {
        push(out, Fact::Firmware(v));
    }
    let attrs = [
        ("device_type", &d.device_type),
        ("device_name", &d.device_name),
        ("hw_ver", &d.hardware_version),
        ("device_id", &d.device_id),
        ("owner", &d.owner),
        ("obd_src", &d.obd_src),
        ("encrypt_type", &d.encrypt_type),
        ("factory_default", &d.factory_default),
    ];
    for (key, value) in attrs {
        if let Some(v) = text(value) {
            push(out, Fact::Attr(key, v.into()));
        }
    }
    if let Some(port) = d.http_port.as_deref().and_then(|p| p.parse::<u16>().ok()) {
        push(out, Fact::Attr("http_port", AttrValue::Int(port.into())));
    }
    if let Some(mac) = d.mac.as_deref().and_then(|t| t.parse::<MacAddr>().ok()) {
        payload_mac(cx, Protocol::Tdp, src, mac, out);
    }
    if let Some(ip) = d.ip.as_deref().and_then(|t| t.parse::<Ipv4Addr>().ok()) {
        payload_ipv4(cx, Protocol::Tdp, src, ip, out);
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::observe::Note;
    use crate::timestamp::Timestamp;
    use crate::wire::tdp::tests::{MINIMAL_PROBE, p110_reply, v1_message};

    const PLUG: &str = "9c:53:22:28:e5:ed";
    const APP: &str = "7c:b3:7b:be:e1:36";

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn cx(src: &str, src_port: u16, dst_port: u16) -> Context {
        Context {
            src_mac: Some(mac(src)),
            src_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 134))),
            src_port,
            dst_port,
            ..Context::at(Timestamp(3))
        }
    }

    fn facts(out: Vec<Observation>) -> Vec<Fact> {
        out.into_iter().map(|o| o.fact).collect()
    }

    #[test]
    fn reply_describes_the_sender() {
        let c = cx(PLUG, 20002, 43103);
        let mut out = Vec::new();
        handle(&c, &p110_reply(), &mut out).unwrap();
        assert!(out.iter().all(|o| o.mac == mac(PLUG) && o.protocol == Protocol::Tdp));
        let t = |k, v: &str| Fact::Attr(k, AttrValue::Text(v.into()));
        let claimed = mac("9c:53:22:a2:56:35");
        let ip = Ipv4Addr::new(192, 168, 1, 134);
        assert_eq!(
            facts(out),
            vec![
                Fact::Present,
                Fact::Attr("version", AttrValue::Int(2)),
                Fact::Model("P110(FR)".into()),
                t("device_type", "SMART.TAPOPLUG"),
                t("device_id", "6084c1ce5aea73198f776c78210f12f8"),
                t("owner", "866637D2A7BF8DEB82E5CB8BCEDFAB94"),
                t("obd_src", "tplink"),
                t("encrypt_type", "KLAP"),
                t("factory_default", "false"),
                Fact::Attr("http_port", AttrValue::Int(80)),
                Fact::Attr("mac", AttrValue::Mac(claimed)),
                Fact::Note(Note::ClaimedMac { protocol: Protocol::Tdp, mac: claimed }),
                Fact::Attr("ip", ip.into()),
                Fact::Ipv4(ip),
            ]
        );
    }

    #[test]
    fn probe_marks_an_app_client() {
        let c = cx(APP, 43103, 20002);
        let mut out = Vec::new();
        handle(&c, &MINIMAL_PROBE, &mut out).unwrap();
        assert_eq!(out, vec![c.obs(mac(APP), Protocol::Tdp, Fact::Role(Role::TplinkAppClient))]);
        // Port 20004 too; a probe with a wrong checksum is malformed and proves nothing.
        let mut bad = MINIMAL_PROBE;
        bad[15] ^= 0xff;
        let mut out = Vec::new();
        assert_eq!(handle(&cx(APP, 40000, 20004), &bad, &mut out), Err(WireError::Invalid("TDP checksum")));
        assert!(out.is_empty());
    }

    #[test]
    fn bad_checksum_keeps_facts_and_counts() {
        let mut b = p110_reply();
        b[12] ^= 1;
        let mut out = Vec::new();
        assert_eq!(handle(&cx(PLUG, 20002, 1), &b, &mut out), Err(WireError::Invalid("TDP checksum")));
        assert!(out.iter().any(|o| o.fact == Fact::Model("P110(FR)".into())));
    }

    #[test]
    fn not_tdp_truncated_and_bad_json() {
        let c = cx(PLUG, 20002, 1);
        let mut out = Vec::new();
        assert_eq!(handle(&c, b"some other protocol", &mut out), Ok(()));
        assert!(out.is_empty());
        assert!(matches!(handle(&c, &p110_reply()[..100], &mut out), Err(WireError::Truncated { .. })));
        let mut b = tdp::tests::P110_HEADER.to_vec();
        b[4..6].copy_from_slice(&5u16.to_be_bytes());
        b.extend(b"{nope");
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b, &mut out), Err(WireError::Invalid("JSON")));
        assert_eq!(facts(out), vec![Fact::Present, Fact::Attr("version", AttrValue::Int(2))]);
    }

    #[test]
    fn router_variant_version_1() {
        let mut out = Vec::new();
        handle(&cx("e8:de:27:ff:c0:77", 20002, 20002), &v1_message(), &mut out).unwrap();
        assert_eq!(facts(out), vec![Fact::Present, Fact::Attr("version", AttrValue::Int(1))]);
    }

    proptest::proptest! {
        /// Arbitrary payloads and edited replies: never a panic.
        #[test]
        fn never_panics(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1500),
            edits in proptest::collection::vec((0usize..420, proptest::prelude::any::<u8>()), 0..6),
        ) {
            let mut out = Vec::new();
            let _ = handle(&cx(PLUG, 20002, 1), &junk, &mut out);
            let mut m = p110_reply();
            for (i, v) in &edits {
                let n = m.len();
                m[i % n] = *v;
            }
            let _ = handle(&cx(PLUG, 20002, 1), &m, &mut out);
            let _ = handle(&cx(APP, 1, 20004), &m, &mut out);
        }
    }
}
