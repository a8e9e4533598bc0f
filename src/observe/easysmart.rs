//! Easy Smart (UDP 29808/29809) → observations.
//!
//! Messages to UDP 29809 come from a switch: their records describe it. Messages to UDP
//! 29808 come from the configuration utility (a client of the vendor's tool). A payload
//! that does not decipher to an Easy Smart header is not Easy Smart and yields nothing.

use super::kasa::{payload_ipv4, payload_mac};
use super::text::clean;
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::easysmart::{self, EasySmartRepr};

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let plain = easysmart::crypt(payload);
    if !easysmart::is_easysmart(&plain) {
        return Ok(());
    }
    let m = easysmart::parse(&plain)?;
    observe(cx, &m, out);
    if m.malformed {
        // The records ran out before the end marker: the datagram was cut (by the
        // capture's snapshot length, or short as sent).
        let needed = (m.header.length as usize).max(plain.len() + 1);
        Err(WireError::Truncated { needed, got: plain.len() })
    } else {
        Ok(())
    }
}

/// A switch's message gives model, firmware, host name (the switch's description),
/// hardware version, addressing and port count, all on the frame's source. The switch
/// MAC in the records (or, without one, the header) is a claim when it differs from
/// the frame's source.
pub fn observe(cx: &Context, m: &EasySmartRepr, out: &mut Vec<Observation>) {
    let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Easysmart, fact));
    if cx.dst_port == easysmart::SWITCH_PORT {
        push(out, Fact::Role(Role::TplinkAppClient));
        return;
    }
    if cx.dst_port != easysmart::HOST_PORT {
        return;
    }
    push(out, Fact::Present);
    let i = &m.info;
    let text = |v: &Option<Vec<u8>>| v.as_deref().map(clean).filter(|s| !s.is_empty());
    if let Some(v) = text(&i.model) {
        push(out, Fact::Model(v));
    }
    if let Some(v) = text(&i.firmware) {
        push(out, Fact::Firmware(v));
    }
    if let Some(v) = text(&i.hostname) {
        push(out, Fact::Hostname(v));
    }
    if let Some(v) = text(&i.hardware) {
        push(out, Fact::Attr("hw_ver", v.into()));
    }
    if let Some(a) = i.netmask {
        push(out, Fact::Attr("netmask", a.into()));
    }
    if let Some(a) = i.gateway {
        push(out, Fact::Attr("gateway", a.into()));
    }
    if let Some(d) = i.dhcp {
        push(out, Fact::Attr("dhcp", d.to_string().into()));
    }
    if let Some(n) = i.ports {
        push(out, Fact::Attr("ports", AttrValue::Int(n.into())));
    }
    let header_mac = Some(m.header.switch_mac).filter(MacAddr::is_device);
    if let Some(mac) = i.mac.filter(MacAddr::is_device).or(header_mac) {
        payload_mac(cx, Protocol::Easysmart, src, mac, out);
    }
    if let (Some(h), Some(t)) = (header_mac, i.mac) {
        if h != t && h != src {
            payload_mac(cx, Protocol::Easysmart, src, h, out);
        }
    }
    if let Some(ip) = i.ip {
        payload_ipv4(cx, Protocol::Easysmart, src, ip, out);
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;
    use crate::observe::Note;
    use crate::timestamp::Timestamp;
    use crate::wire::easysmart::tests::{HOST, SWITCH, discovery_reply_plain};

    fn cx(src: MacAddr, src_port: u16, dst_port: u16) -> Context {
        Context {
            src_mac: Some(src),
            src_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 2))),
            src_port,
            dst_port,
            ..Context::at(Timestamp(2))
        }
    }

    #[test]
    fn switch_reply_describes_the_switch() {
        let c = cx(MacAddr(SWITCH), 29808, 29809);
        let mut out = Vec::new();
        handle(&c, &easysmart::crypt(&discovery_reply_plain()), &mut out).unwrap();
        assert!(out.iter().all(|o| o.mac == MacAddr(SWITCH) && o.protocol == Protocol::Easysmart));
        let ip = Ipv4Addr::new(192, 168, 0, 2);
        assert_eq!(
            out.into_iter().map(|o| o.fact).collect::<Vec<_>>(),
            vec![
                Fact::Present,
                Fact::Model("TL-SG108E".into()),
                Fact::Firmware("1.0.0 Build 20171214 Rel.70905".into()),
                Fact::Hostname("office-switch".into()),
                Fact::Attr("hw_ver", "TL-SG108E 3.0".to_string().into()),
                Fact::Attr("netmask", Ipv4Addr::new(255, 255, 255, 0).into()),
                Fact::Attr("gateway", Ipv4Addr::new(192, 168, 0, 1).into()),
                Fact::Attr("dhcp", "false".to_string().into()),
                Fact::Attr("ports", AttrValue::Int(8)),
                Fact::Attr("mac", AttrValue::Mac(MacAddr(SWITCH))),
                Fact::Attr("ip", ip.into()),
                Fact::Ipv4(ip),
            ]
        );
    }

    #[test]
    fn claimed_mac_when_the_frame_came_from_elsewhere() {
        let other: MacAddr = "b0:4e:26:99:99:99".parse().unwrap();
        let mut out = Vec::new();
        handle(&cx(other, 29808, 29809), &easysmart::crypt(&discovery_reply_plain()), &mut out).unwrap();
        let note = Fact::Note(Note::ClaimedMac { protocol: Protocol::Easysmart, mac: MacAddr(SWITCH) });
        assert_eq!(out.iter().filter(|o| o.fact == note).count(), 1);
        assert!(out.iter().all(|o| o.mac == other));
    }

    #[test]
    fn utility_is_an_app_client() {
        let mut plain = discovery_reply_plain()[..easysmart::HEADER_LEN].to_vec();
        plain[1] = 0; // DISCOVERY
        plain.extend(easysmart::END);
        let c = cx(MacAddr(HOST), 29809, 29808);
        let mut out = Vec::new();
        handle(&c, &easysmart::crypt(&plain), &mut out).unwrap();
        assert_eq!(out, vec![c.obs(MacAddr(HOST), Protocol::Easysmart, Fact::Role(Role::TplinkAppClient))]);
    }

    #[test]
    fn not_easysmart_and_malformed() {
        let c = cx(MacAddr(SWITCH), 29808, 29809);
        let mut out = Vec::new();
        // Plaintext (not enciphered) and random bytes do not decipher to a header.
        assert_eq!(handle(&c, &discovery_reply_plain(), &mut out), Ok(()));
        assert_eq!(handle(&c, &[0x55; 40], &mut out), Ok(()));
        assert!(out.is_empty());
        let p = discovery_reply_plain();
        let cut = easysmart::crypt(&p[..p.len() - 4]);
        assert_eq!(handle(&c, &cut, &mut out), Err(WireError::Truncated { needed: p.len(), got: p.len() - 4 }));
        assert!(out.iter().any(|o| o.fact == Fact::Model("TL-SG108E".into())));
    }

    proptest::proptest! {
        /// Arbitrary payloads and edited (deciphered, then re-enciphered) replies: never
        /// a panic.
        #[test]
        fn never_panics(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..1500),
            edits in proptest::collection::vec((0usize..200, proptest::prelude::any::<u8>()), 0..6),
            len in 0usize..200,
        ) {
            let c = cx(MacAddr(SWITCH), 29808, 29809);
            let mut out = Vec::new();
            let _ = handle(&c, &junk, &mut out);
            let mut p = discovery_reply_plain();
            for (i, v) in &edits {
                let n = p.len();
                p[i % n] = *v;
            }
            p.truncate(len.max(easysmart::HEADER_LEN));
            let _ = handle(&c, &easysmart::crypt(&p), &mut out);
        }
    }
}
