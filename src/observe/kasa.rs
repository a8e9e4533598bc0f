//! Kasa (UDP 9999; TCP 9999 in `handle_tcp`) → observations.
//!
//! Only a decoded message counts: port 9999 carries other software too, so a payload
//! that does not start like a Kasa message is not Kasa and yields nothing (it is not
//! malformed either). The sender of a message FROM port 9999 is the TP-Link device; the
//! sender of a message TO port 9999 is a client of the vendor's app, never a TP-Link
//! device because of it.

use std::net::{IpAddr, Ipv4Addr};

use super::text::clean;
use super::{AttrValue, Context, Fact, Note, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::kasa::{self, KasaRepr, TcpSplit};

/// A Kasa datagram (no prefix).
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    if !kasa::looks_like_kasa(payload) {
        return Ok(());
    }
    let m = kasa::parse(payload)?;
    observe(cx, &m, out);
    Ok(())
}

/// A Kasa message over TCP 9999: one segment's payload, 4-byte length prefix first.
///
/// There is no reassembly here (a later issue adds bounded TCP reassembly). A segment
/// that holds whole messages is decoded; one whose prefix announces more than it holds
/// (the first of several segments) yields nothing, and so do continuation segments,
/// which have no prefix. Decoding a partial message was considered and rejected: a JSON
/// prefix cannot be checked by a parser, the fields would need a second, lenient
/// parser, and a value cut at the segment end (`"sw_ver":"1.2.6 Bu`) would be recorded
/// as a wrong firmware. The real replies seen so far (≈600 bytes) fit one segment.
pub fn handle_tcp(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let mut seg = payload;
    for _ in 0..kasa::MAX_MESSAGES_PER_SEGMENT {
        match kasa::split_tcp(seg)? {
            TcpSplit::Whole { message, rest } => {
                observe(cx, &kasa::parse(message)?, out);
                seg = rest;
            }
            TcpSplit::Partial { .. } | TcpSplit::NotKasa => break,
        }
    }
    Ok(())
}

/// A reply from port 9999 describes its sender: `get_sysinfo` gives the model and
/// firmware, the identity attributes and the MAC the device reports (a claim when it
/// differs from the frame's source, as in anonymised captures). A message to port 9999
/// marks its sender as an app client. Facts need the frame's source MAC.
pub fn observe(cx: &Context, m: &KasaRepr, out: &mut Vec<Observation>) {
    let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Kasa, fact));
    if cx.src_port != kasa::PORT {
        if cx.dst_port == kasa::PORT {
            push(out, Fact::Role(Role::TplinkAppClient));
        }
        return;
    }
    push(out, Fact::Present);
    if let Some(s) = &m.sysinfo {
        if let Some(v) = text(&s.model) {
            push(out, Fact::Model(v));
        }
        if let Some(v) = text(&s.sw_ver) {
            push(out, Fact::Firmware(v));
        }
        let attrs = [
            ("alias", &s.alias),
            ("dev_name", &s.dev_name),
            ("type", &s.kind),
            ("hw_ver", &s.hw_ver),
            ("device_id", &s.device_id),
            ("hw_id", &s.hw_id),
            ("oem_id", &s.oem_id),
        ];
        for (key, value) in attrs {
            if let Some(v) = text(value) {
                push(out, Fact::Attr(key, v.into()));
            }
        }
        if let Some(mac) = s.mac.as_deref().and_then(|t| t.parse::<MacAddr>().ok()) {
            payload_mac(cx, Protocol::Kasa, src, mac, out);
        }
    }
    if let Some(v) = text(&m.cloud_server) {
        push(out, Fact::Attr("cloud_server", v.into()));
    }
}

/// A packet string as a bounded display string; `None` when empty.
pub(super) fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(|s| clean(s.as_bytes())).filter(|s| !s.is_empty())
}

/// Records the MAC a payload reports for `device` as its `mac` attribute, and as a
/// [`Note::ClaimedMac`] when it differs from the frame's source (anonymised captures,
/// relays): a claim kept beside the device, never merged into it. Shared by the TP-Link
/// protocol modules.
pub(super) fn payload_mac(cx: &Context, protocol: Protocol, device: MacAddr, mac: MacAddr, out: &mut Vec<Observation>) {
    out.push(cx.obs(device, protocol, Fact::Attr("mac", AttrValue::Mac(mac))));
    if mac != device && mac.is_device() {
        out.push(cx.obs(device, protocol, Fact::Note(Note::ClaimedMac { protocol, mac })));
    }
}

/// Records the IPv4 address a payload reports for `device` as its `ip` attribute, and
/// binds it to the device when the packet came from that address (a device reporting
/// the address it sends from; anything else may be stale or relayed).
pub(super) fn payload_ipv4(
    cx: &Context,
    protocol: Protocol,
    device: MacAddr,
    ip: Ipv4Addr,
    out: &mut Vec<Observation>,
) {
    out.push(cx.obs(device, protocol, Fact::Attr("ip", ip.into())));
    let usable = !(ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || ip.is_loopback());
    if usable && cx.src_ip == Some(IpAddr::V4(ip)) {
        out.push(cx.obs(device, protocol, Fact::Ipv4(ip)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::WireError;

    const PLUG: &str = "50:c7:bf:f5:a0:83";
    const APP: &str = "7c:b3:7b:be:e1:36";

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn cx(src: &str, src_port: u16, dst_port: u16) -> Context {
        Context { src_mac: Some(mac(src)), src_port, dst_port, ..Context::at(Timestamp(9)) }
    }

    fn reply() -> Vec<u8> {
        kasa::encrypt(crate::wire::kasa::tests::HS110_REPLY.as_bytes())
    }

    fn expected_reply_facts() -> Vec<Fact> {
        let t = |k, v: &str| Fact::Attr(k, AttrValue::Text(v.into()));
        vec![
            Fact::Present,
            Fact::Model("HS110(FR)".into()),
            Fact::Firmware("1.2.6 Build 200727 Rel.121115".into()),
            t("alias", "TP-Link Smart Plug"),
            t("dev_name", "Wi-Fi Smart Plug With Energy Monitoring"),
            t("type", "IOT.SMARTPLUGSWITCH"),
            t("hw_ver", "1.0"),
            t("device_id", "800618EF714FD36BB6212A9F2BDC866018D26FC7"),
            t("hw_id", "797CB3D09D9A83B1C43A623C6DD103C2"),
            t("oem_id", "0D13F703F04C040DC3D27DB248C01A1A"),
            Fact::Attr("mac", AttrValue::Mac(mac("50:c7:bf:ed:0a:54"))),
            Fact::Note(Note::ClaimedMac { protocol: Protocol::Kasa, mac: mac("50:c7:bf:ed:0a:54") }),
            t("cloud_server", "n-devs.tplinkcloud.com"),
        ]
    }

    #[test]
    fn udp_reply_describes_the_sender() {
        let c = cx(PLUG, 9999, 43785);
        let mut out = Vec::new();
        handle(&c, &reply(), &mut out).unwrap();
        assert!(out.iter().all(|o| o.mac == mac(PLUG) && o.protocol == Protocol::Kasa && o.ts == Timestamp(9)));
        assert_eq!(out.into_iter().map(|o| o.fact).collect::<Vec<_>>(), expected_reply_facts());
    }

    #[test]
    fn same_mac_is_no_claim() {
        let c = cx("50:c7:bf:ed:0a:54", 9999, 43785);
        let mut out = Vec::new();
        handle(&c, &reply(), &mut out).unwrap();
        assert!(!out.iter().any(|o| matches!(o.fact, Fact::Note(_))));
        assert!(out.iter().any(|o| o.fact == Fact::Attr("mac", AttrValue::Mac(mac("50:c7:bf:ed:0a:54")))));
    }

    #[test]
    fn query_marks_an_app_client_only() {
        let q = kasa::encrypt(br#"{"system":{"get_sysinfo":{}},"cnCloud":{"get_info":{}}}"#);
        let c = cx(APP, 43785, 9999);
        let mut out = Vec::new();
        handle(&c, &q, &mut out).unwrap();
        assert_eq!(out, vec![c.obs(mac(APP), Protocol::Kasa, Fact::Role(Role::TplinkAppClient))]);
    }

    #[test]
    fn not_kasa_is_not_malformed_but_broken_kasa_is() {
        let c = cx(PLUG, 9999, 43785);
        let mut out = Vec::new();
        assert_eq!(handle(&c, b"iperf or something else", &mut out), Ok(()));
        assert_eq!(handle(&c, &[], &mut out), Ok(()));
        assert!(out.is_empty());
        // Cut short (e.g. by the capture's snapshot length): truncated, for the analyzer.
        assert_eq!(
            handle(&c, &kasa::encrypt(br#"{"system":{"#), &mut out),
            Err(WireError::Truncated { needed: 12, got: 11 })
        );
        assert_eq!(handle(&c, &kasa::encrypt(br#"{"system":}"#), &mut out), Err(WireError::Invalid("JSON")));
        assert!(out.is_empty());
    }

    #[test]
    fn tcp_whole_partial_and_continuation() {
        let c = cx(PLUG, 9999, 40720);
        let msg = reply();
        let mut seg = (msg.len() as u32).to_be_bytes().to_vec();
        seg.extend(&msg);
        let mut out = Vec::new();
        handle_tcp(&c, &seg, &mut out).unwrap();
        assert_eq!(out.into_iter().map(|o| o.fact).collect::<Vec<_>>(), expected_reply_facts());
        // Two messages in one segment.
        let mut two = seg.clone();
        two.extend(&seg);
        let mut out = Vec::new();
        handle_tcp(&c, &two, &mut out).unwrap();
        assert_eq!(out.len(), 2 * expected_reply_facts().len());
        // First segment of a longer message, then its continuation: nothing, no error.
        let (first, cont) = seg.split_at(300);
        let mut out = Vec::new();
        assert_eq!(handle_tcp(&c, first, &mut out), Ok(()));
        assert_eq!(handle_tcp(&c, cont, &mut out), Ok(()));
        assert!(out.is_empty());
        // A whole message that does not parse.
        let bad = kasa::encrypt(br#"{"x":tru}"#);
        let mut seg = (bad.len() as u32).to_be_bytes().to_vec();
        seg.extend(&bad);
        assert!(handle_tcp(&c, &seg, &mut out).is_err());
    }

    #[test]
    fn no_source_mac_no_facts() {
        let c = Context { src_port: 9999, dst_port: 1234, ..Context::at(Timestamp(1)) };
        let mut out = Vec::new();
        handle(&c, &reply(), &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn payload_ip_binds_only_when_it_is_the_source() {
        let c = Context { src_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 134))), ..cx(PLUG, 20002, 1) };
        let mut out = Vec::new();
        payload_ipv4(&c, Protocol::Tdp, mac(PLUG), Ipv4Addr::new(192, 168, 1, 134), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].fact, Fact::Ipv4(Ipv4Addr::new(192, 168, 1, 134)));
        out.clear();
        payload_ipv4(&c, Protocol::Tdp, mac(PLUG), Ipv4Addr::new(10, 0, 0, 9), &mut out);
        assert_eq!(out, vec![c.obs(mac(PLUG), Protocol::Tdp, Fact::Attr("ip", Ipv4Addr::new(10, 0, 0, 9).into()))]);
    }

    proptest::proptest! {
        /// Arbitrary payloads, and valid messages with bytes overwritten, in both
        /// directions over UDP and TCP: never a panic.
        #[test]
        fn never_panics(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1200),
            edits in proptest::collection::vec((0usize..700, proptest::prelude::any::<u8>()), 0..6),
            reply_dir in proptest::prelude::any::<bool>(),
        ) {
            let c = if reply_dir { cx(PLUG, 9999, 1) } else { cx(APP, 1, 9999) };
            let mut out = Vec::new();
            let _ = handle(&c, &junk, &mut out);
            let _ = handle_tcp(&c, &junk, &mut out);
            let mut m = reply();
            for (i, v) in &edits {
                let n = m.len();
                m[i % n] = *v;
            }
            let _ = handle(&c, &m, &mut out);
            let mut seg = (m.len() as u32).to_be_bytes().to_vec();
            seg.extend(&m);
            let _ = handle_tcp(&c, &seg, &mut out);
        }
    }
}
