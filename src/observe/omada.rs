//! Omada discovery (UDP 29810-29817) and TDDP (UDP 1040) → observations.
//!
//! Omada's payloads are not publicly documented, so `handle` records only what the
//! ports say, as attributes and a role: which side of the discovery a host is on. TDDP
//! has a documented header; `handle_tddp` records it when a payload matches and never
//! decrypts the DES payload of version 2.

use std::net::IpAddr;

use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::tdp::tddp::{self, Code};

/// UDP port Omada devices send discovery to (TP-Link FAQ 3265).
pub const DISCOVERY_PORT: u16 = 29810;
/// Omada controller ports, discovery (29810) through device monitor (29817).
pub const CONTROLLER_PORTS: core::ops::RangeInclusive<u16> = 29810..=29817;

/// Whether an address is on a private or link-local network. A packet from or to any
/// other address crossed a router, and its frame carries the router's MAC, not the
/// host's (a cloud or layer-3 Omada controller, an Internet-wide TDDP scan). Routed
/// traffic between private subnets is not caught by this test.
fn is_local(ip: Option<IpAddr>) -> bool {
    match ip {
        Some(IpAddr::V4(a)) => a.is_private() || a.is_link_local(),
        Some(IpAddr::V6(a)) => a.is_unicast_link_local() || a.is_unique_local(),
        None => false,
    }
}

/// A host sending to UDP 29810 is an Omada device looking for its controller: the
/// attribute `discovery_sent_to` keeps where it sent (broadcast, or a controller's
/// address). A host answering from 29810–29817 (to a port outside that range) from a
/// local address is an Omada controller. This is port evidence only, recorded as such;
/// nothing here is marked malformed because nothing in the payload is checked.
pub fn handle(cx: &Context, _payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return Ok(()) };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Omada, fact));
    if cx.dst_port == DISCOVERY_PORT {
        match cx.dst_ip {
            Some(IpAddr::V4(a)) => push(out, Fact::Attr("discovery_sent_to", a.into())),
            Some(a @ IpAddr::V6(_)) => push(out, Fact::Attr("discovery_sent_to", AttrValue::Ip(a))),
            None => push(out, Fact::Present),
        }
    } else if CONTROLLER_PORTS.contains(&cx.src_port) && !CONTROLLER_PORTS.contains(&cx.dst_port) && is_local(cx.src_ip)
    {
        push(out, Fact::Role(Role::OmadaController));
        push(out, Fact::Attr("controller_port", AttrValue::Int(cx.src_port.into())));
    }
    Ok(())
}

/// TDDP (UDP 1040) traffic.
///
/// A request names no device in its payload, so its facts go to the frame's
/// destination (`cx.dst_mac`), the device the request reached: `request_from` (the
/// requester's MAC), `request_type`, `version`. A reply goes on its sender:
/// `reply_type`, `version` (it speaks TDDP). Either only when that device's address is
/// local (see `is_local`). Nothing is recorded on a requester: it may be the vendor's
/// tool or an attacker. UDP 1040 is also an ephemeral client port on some systems, so a
/// payload that is not a TDDP header is not malformed, only not TDDP.
pub fn handle_tddp(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let Ok(m) = tddp::parse(payload) else { return Ok(()) };
    let version = AttrValue::Int(m.version.into());
    let kind = AttrValue::Int(m.kind.into());
    match m.code {
        Code::Request if cx.dst_port == tddp::PORT && is_local(cx.dst_ip) => {
            let Some(dst) = cx.dst_mac.filter(MacAddr::is_device) else { return Ok(()) };
            let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(dst, Protocol::Tddp, fact));
            if let Some(src) = cx.src_mac.filter(MacAddr::is_device) {
                push(out, Fact::Attr("request_from", AttrValue::Mac(src)));
            }
            push(out, Fact::Attr("request_type", kind));
            push(out, Fact::Attr("version", version));
        }
        Code::Reply if is_local(cx.src_ip) => {
            let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return Ok(()) };
            let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(src, Protocol::Tddp, fact));
            push(out, Fact::Attr("reply_type", kind));
            push(out, Fact::Attr("version", version));
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::tdp::tddp::tests::{V1_REQUEST, V2_REQUEST};

    const EAP: &str = "50:d4:f7:00:00:10";
    const CONTROLLER: &str = "00:1b:21:00:00:20";
    const ROUTER: &str = "14:cf:92:00:00:01";
    const LAPTOP: &str = "00:1b:21:00:00:30";

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn cx(src: &str, dst: &str, src_port: u16, dst_port: u16, dst_ip: Ipv4Addr) -> Context {
        Context {
            src_mac: Some(mac(src)),
            dst_mac: Some(mac(dst)),
            src_ip: Some(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 77))),
            dst_ip: Some(IpAddr::V4(dst_ip)),
            src_port,
            dst_port,
            ..Context::at(Timestamp(4))
        }
    }

    #[test]
    fn discovery_sender_is_an_omada_device() {
        let c = cx(EAP, "ff:ff:ff:ff:ff:ff", 29810, 29810, Ipv4Addr::BROADCAST);
        let mut out = Vec::new();
        handle(&c, b"opaque", &mut out).unwrap();
        assert_eq!(
            out,
            vec![c.obs(mac(EAP), Protocol::Omada, Fact::Attr("discovery_sent_to", Ipv4Addr::BROADCAST.into()))]
        );
    }

    #[test]
    fn answer_from_controller_port_is_a_controller() {
        let c = cx(CONTROLLER, EAP, 29810, 50123, Ipv4Addr::new(192, 168, 0, 10));
        let mut out = Vec::new();
        handle(&c, b"opaque", &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                c.obs(mac(CONTROLLER), Protocol::Omada, Fact::Role(Role::OmadaController)),
                c.obs(mac(CONTROLLER), Protocol::Omada, Fact::Attr("controller_port", AttrValue::Int(29810))),
            ]
        );
        // From a controller beyond a router: the frame's source is the router.
        let remote = Context { src_ip: Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7))), ..c };
        let mut out = Vec::new();
        handle(&remote, b"opaque", &mut out).unwrap();
        assert!(out.is_empty());
        // Between two controller ports other than 29810: no side can be told.
        let mut out = Vec::new();
        handle(&cx(CONTROLLER, EAP, 29811, 29812, Ipv4Addr::new(192, 168, 0, 10)), b"", &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn tddp_request_is_recorded_on_its_target() {
        let c = cx(LAPTOP, ROUTER, 61000, 1040, Ipv4Addr::new(192, 168, 0, 1));
        let mut out = Vec::new();
        handle_tddp(&c, &V2_REQUEST, &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                c.obs(mac(ROUTER), Protocol::Tddp, Fact::Attr("request_from", AttrValue::Mac(mac(LAPTOP)))),
                c.obs(mac(ROUTER), Protocol::Tddp, Fact::Attr("request_type", AttrValue::Int(3))),
                c.obs(mac(ROUTER), Protocol::Tddp, Fact::Attr("version", AttrValue::Int(2))),
            ]
        );
        let mut out = Vec::new();
        handle_tddp(&c, V1_REQUEST, &mut out).unwrap();
        assert_eq!(out[1].fact, Fact::Attr("request_type", AttrValue::Int(0x31)));
        assert_eq!(out[2].fact, Fact::Attr("version", AttrValue::Int(1)));
        // To an Internet address: the frame went to the gateway, not to a TDDP device.
        let mut out = Vec::new();
        handle_tddp(&cx(LAPTOP, ROUTER, 61000, 1040, Ipv4Addr::new(203, 0, 113, 9)), &V2_REQUEST, &mut out).unwrap();
        assert!(out.is_empty());
        // A broadcast request reached no one device.
        let mut out = Vec::new();
        handle_tddp(&cx(LAPTOP, "ff:ff:ff:ff:ff:ff", 61000, 1040, Ipv4Addr::BROADCAST), &V2_REQUEST, &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn tddp_reply_marks_its_sender() {
        let mut reply = V2_REQUEST.to_vec();
        reply[2] = 2;
        reply[7] = 8;
        reply.extend([0x11; 8]);
        let c = cx(ROUTER, LAPTOP, 1040, 61000, Ipv4Addr::new(192, 168, 0, 100));
        let mut out = Vec::new();
        handle_tddp(&c, &reply, &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                c.obs(mac(ROUTER), Protocol::Tddp, Fact::Attr("reply_type", AttrValue::Int(3))),
                c.obs(mac(ROUTER), Protocol::Tddp, Fact::Attr("version", AttrValue::Int(2))),
            ]
        );
        // From an Internet address: the frame's source is the gateway.
        let remote = Context { src_ip: Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9))), ..c };
        let mut out = Vec::new();
        handle_tddp(&remote, &reply, &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn other_traffic_on_1040_is_not_tddp() {
        let c = cx(LAPTOP, ROUTER, 1040, 53, Ipv4Addr::new(192, 168, 0, 1));
        let mut out = Vec::new();
        assert_eq!(handle_tddp(&c, b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", &mut out), Ok(()));
        assert_eq!(handle_tddp(&c, &[1, 2], &mut out), Ok(()));
        // A request sent FROM port 1040 is a client using 1040 as its own port.
        assert_eq!(handle_tddp(&c, &V2_REQUEST, &mut out), Ok(()));
        assert!(out.is_empty());
    }

    proptest::proptest! {
        /// Arbitrary payloads and ports: never a panic.
        #[test]
        fn never_panics(
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            sp in 1030u16..1050,
            dp in 29805u16..29820,
        ) {
            let mut out = Vec::new();
            let c = cx(LAPTOP, ROUTER, sp, 1040, Ipv4Addr::new(192, 168, 0, 1));
            let _ = handle_tddp(&c, &junk, &mut out);
            let mut v1 = V1_REQUEST.to_vec();
            v1.extend(&junk);
            let _ = handle_tddp(&c, &v1, &mut out);
            let _ = handle(&cx(EAP, CONTROLLER, sp, dp, Ipv4Addr::BROADCAST), &junk, &mut out);
        }
    }
}
