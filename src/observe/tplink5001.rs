//! TP-Link devDiscover advertisement (UDP 5001) → observations.
//!
//! UDP 5001 is iperf's default port: only a payload with the devDiscover header is
//! read, anything else yields nothing and is not malformed.

use std::net::Ipv4Addr;

use super::kasa::{payload_ipv4, payload_mac};
use super::text::clean;
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::tplink5001::{self, Tplink5001Repr};

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    if !tplink5001::is_devdiscover(payload) {
        return Ok(());
    }
    let m = tplink5001::parse(payload)?;
    observe(cx, &m, out);
    let end = tplink5001::HEADER_LEN + m.length as usize;
    if m.malformed && end > payload.len() {
        Err(WireError::Truncated { needed: end, got: payload.len() })
    } else if m.malformed {
        Err(WireError::Invalid("devDiscover records"))
    } else if !m.checksum_ok {
        Err(WireError::Invalid("devDiscover checksum"))
    } else {
        Ok(())
    }
}

/// The records describe the sender: model (record 10, else the device name), firmware,
/// device name, hardware version, admin domain, and the MAC and IPv4 address it
/// reports (a claim when the MAC differs from the frame's source; the address binds
/// when it is the packet's source).
pub fn observe(cx: &Context, m: &Tplink5001Repr, out: &mut Vec<Observation>) {
    let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Tplink5001, fact));
    let text = |v: &Option<Vec<u8>>| v.as_deref().map(clean).filter(|s| !s.is_empty());
    push(out, Fact::Present);
    if let Some(v) = text(&m.model).or_else(|| text(&m.device_name)) {
        push(out, Fact::Model(v));
    }
    if let Some(v) = text(&m.fw_ver) {
        push(out, Fact::Firmware(v));
    }
    let attrs = [("device_name", &m.device_name), ("hw_ver", &m.hw_ver), ("domain", &m.domain)];
    for (key, value) in attrs {
        if let Some(v) = text(value) {
            push(out, Fact::Attr(key, v.into()));
        }
    }
    push(out, Fact::Attr("msg_type", AttrValue::Int(m.msg_type.into())));
    if let Some(mac) = text(&m.mac).and_then(|t| t.parse::<MacAddr>().ok()) {
        payload_mac(cx, Protocol::Tplink5001, src, mac, out);
    }
    if let Some(ip) = text(&m.ip).and_then(|t| t.parse::<Ipv4Addr>().ok()) {
        payload_ipv4(cx, Protocol::Tplink5001, src, ip, out);
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;
    use crate::observe::Note;
    use crate::timestamp::Timestamp;
    use crate::wire::tplink5001::tests::{XDR6030, unhex};

    fn cx(src: &str) -> Context {
        Context {
            src_mac: Some(src.parse().unwrap()),
            src_ip: Some(IpAddr::V4(Ipv4Addr::new(10, 25, 16, 5))),
            src_port: 36037,
            dst_port: 5001,
            ..Context::at(Timestamp(6))
        }
    }

    #[test]
    fn router_advertisement() {
        let c = cx("a4:1a:3a:91:a4:8d");
        let mut out = Vec::new();
        handle(&c, &unhex(XDR6030), &mut out).unwrap();
        assert!(out.iter().all(|o| o.mac == c.src_mac.unwrap() && o.protocol == Protocol::Tplink5001));
        let t = |k, v: &str| Fact::Attr(k, AttrValue::Text(v.into()));
        let ip = Ipv4Addr::new(10, 25, 16, 5);
        assert_eq!(
            out.into_iter().map(|o| o.fact).collect::<Vec<_>>(),
            vec![
                Fact::Present,
                Fact::Model("TL-XDR6030易展版".into()),
                Fact::Firmware("1.8.16".into()),
                t("device_name", "TL-XDR6030易展版"),
                t("hw_ver", "2.0"),
                t("domain", "tplogin.cn"),
                Fact::Attr("msg_type", AttrValue::Int(1)),
                Fact::Attr("mac", AttrValue::Mac(c.src_mac.unwrap())),
                Fact::Attr("ip", ip.into()),
                Fact::Ipv4(ip),
            ]
        );
    }

    #[test]
    fn claimed_mac() {
        let c = cx("a4:1a:3a:91:a4:19");
        let mut out = Vec::new();
        handle(&c, &unhex(XDR6030), &mut out).unwrap();
        let claimed: MacAddr = "a4:1a:3a:91:a4:8d".parse().unwrap();
        assert!(out.contains(&c.obs(
            c.src_mac.unwrap(),
            Protocol::Tplink5001,
            Fact::Note(Note::ClaimedMac { protocol: Protocol::Tplink5001, mac: claimed })
        )));
    }

    #[test]
    fn iperf_is_not_malformed() {
        let c = cx("00:11:22:33:44:55");
        let mut out = Vec::new();
        // iperf2 UDP datagrams begin with a sequence number and a timestamp.
        assert_eq!(handle(&c, &[0, 0, 0, 1, 0x65, 0x8f, 0x3a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0], &mut out), Ok(()));
        assert_eq!(handle(&c, b"", &mut out), Ok(()));
        assert!(out.is_empty());
    }

    #[test]
    fn bad_checksum_and_cut_records_count() {
        let c = cx("a4:1a:3a:91:a4:8d");
        let mut b = unhex(XDR6030);
        b[9] ^= 1;
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b, &mut out), Err(WireError::Invalid("devDiscover checksum")));
        assert!(out.iter().any(|o| o.fact == Fact::Firmware("1.8.16".into())));
        let b = unhex(XDR6030);
        let mut out = Vec::new();
        assert_eq!(handle(&c, &b[..100], &mut out), Err(WireError::Truncated { needed: 131, got: 100 }));
        let mut long = b.clone();
        long[10..12].copy_from_slice(&20u16.to_be_bytes()); // ends inside the second record
        let mut out2 = Vec::new();
        assert_eq!(handle(&c, &long, &mut out2), Err(WireError::Invalid("devDiscover records")));
        assert!(out.iter().any(|o| o.fact == Fact::Attr("hw_ver", AttrValue::Text("2.0".into()))));
    }

    proptest::proptest! {
        /// Arbitrary payloads and edited advertisements: never a panic.
        #[test]
        fn never_panics(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            edits in proptest::collection::vec((0usize..131, proptest::prelude::any::<u8>()), 0..6),
        ) {
            let c = cx("a4:1a:3a:91:a4:8d");
            let mut out = Vec::new();
            let _ = handle(&c, &junk, &mut out);
            let mut m = unhex(XDR6030);
            for (i, v) in &edits {
                if *i >= 2 && *i < 8 {
                    continue; // keep the magic, so the records are walked
                }
                m[*i] = *v;
            }
            let _ = handle(&c, &m, &mut out);
        }
    }
}
