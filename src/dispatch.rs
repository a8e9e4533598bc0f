//! The dispatch table: which protocol module reads which decoded payload.
//!
//! Adding a protocol touches its `wire/` file, its `observe/` file, one arm here, and
//! tests — nothing in the inventory or the outputs.

use std::net::{IpAddr, Ipv6Addr};

use crate::decode::{IpAddrs, Network};
use crate::observe::{self as o, Context, Fact, Observation, Outcome, Protocol};
use crate::wire::tcp::TcpSegment;

pub const ETHERTYPE_LLDP: u16 = 0x88cc;
/// CDP: SNAP with Cisco's OUI and protocol ID 0x2000.
pub const SNAP_CDP: (u32, u16) = (0x00_000c, 0x2000);
pub const IP_PROTO_ICMPV6: u8 = 58;

/// Hands a decoded frame to the protocol module that wants it. Returns which protocol
/// read it and how that went, or `None` when no module wanted it.
pub fn dispatch(cx: &mut Context, net: &Network<'_>, out: &mut Vec<Observation>) -> Option<(Protocol, Outcome)> {
    match *net {
        Network::Arp(payload) => Some((Protocol::Arp, o::arp::handle(cx, payload, out))),
        Network::Udp { ip, src_port, dst_port, payload } => {
            set_ip(cx, ip, out);
            cx.src_port = src_port;
            cx.dst_port = dst_port;
            udp(cx, payload, out)
        }
        Network::Tcp { ip, segment } => {
            set_ip(cx, ip, out);
            cx.src_port = segment.src_port;
            cx.dst_port = segment.dst_port;
            tcp(cx, &segment, out)
        }
        Network::Ip { ip, protocol, payload } => {
            set_ip(cx, ip, out);
            match (ip, protocol) {
                (IpAddrs::V6 { .. }, IP_PROTO_ICMPV6) => Some((Protocol::Ndp, o::ndp::handle(cx, payload, out))),
                _ => None,
            }
        }
        Network::EtherType { ethertype: ETHERTYPE_LLDP, payload } => Some((Protocol::Lldp, o::lldp::handle(cx, payload, out))),
        Network::Llc(l) if l.snap == Some(SNAP_CDP) => Some((Protocol::Cdp, o::cdp::handle(cx, l.payload, out))),
        _ => None,
    }
}

fn is_link_local(a: &Ipv6Addr) -> bool {
    a.segments()[0] & 0xffc0 == 0xfe80
}

/// Records the frame's addresses in the context. A link-local IPv6 source belongs to
/// the frame's sender (it cannot have been routed); other sources never bind, since a
/// router forwards them under its own MAC.
fn set_ip(cx: &mut Context, ip: IpAddrs, out: &mut Vec<Observation>) {
    let (s, d) = match ip {
        IpAddrs::V4 { src, dst } => (IpAddr::V4(src), IpAddr::V4(dst)),
        IpAddrs::V6 { src, dst } => {
            if let Some(mac) = cx.src_mac.filter(|_| is_link_local(&src)) {
                out.push(cx.obs(mac, Protocol::Ipv6, Fact::Ipv6(src)));
            }
            (IpAddr::V6(src), IpAddr::V6(dst))
        }
    };
    cx.src_ip = Some(s);
    cx.dst_ip = Some(d);
}

/// A protocol module's entry point for one payload.
type Handler = fn(&Context, &[u8], &mut Vec<Observation>) -> Outcome;

fn udp(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Option<(Protocol, Outcome)> {
    let (s, d) = (cx.src_port, cx.dst_port);
    let either = |p: u16| s == p || d == p;
    let v4 = matches!(cx.src_ip, Some(IpAddr::V4(_)));
    let (protocol, handler): (Protocol, Handler) =
        if v4 && o::dhcpv4::is_dhcp_ports(s, d) {
            (Protocol::Dhcp, o::dhcpv4::handle)
        } else if (either(546) || either(547)) && !v4 {
            (Protocol::Dhcpv6, o::dhcpv6::handle)
        } else if either(5353) {
            (Protocol::Mdns, o::mdns::handle)
        } else if either(5355) {
            (Protocol::Llmnr, o::llmnr::handle)
        } else if either(137) {
            (Protocol::Nbns, o::nbns::handle)
        } else if either(53) {
            (Protocol::Dns, o::dns::handle)
        } else if either(1900) {
            (Protocol::Ssdp, o::ssdp::handle)
        } else if either(9999) {
            (Protocol::Kasa, o::kasa::handle)
        } else if either(20002) || either(20004) {
            (Protocol::Tdp, o::tdp::handle)
        } else if either(29808) || either(29809) {
            (Protocol::Easysmart, o::easysmart::handle)
        } else if either(5001) {
            (Protocol::Tplink5001, o::tplink5001::handle)
        } else if either(1040) || d == 61000 {
            // TDDP replies go to the client's port 61000, not always from 1040.
            (Protocol::Tddp, o::omada::handle_tddp)
        } else if (29810..=29817).contains(&s) || (29810..=29817).contains(&d) {
            (Protocol::Omada, o::omada::handle)
        } else {
            return None;
        };
    Some((protocol, handler(cx, payload, out)))
}

fn tcp(cx: &Context, seg: &TcpSegment<'_>, out: &mut Vec<Observation>) -> Option<(Protocol, Outcome)> {
    if o::tcpsvc::wants(seg) {
        return Some((Protocol::Tcp, o::tcpsvc::handle(cx, seg, out)));
    }
    if seg.payload.is_empty() {
        return None;
    }
    if cx.src_port == 9999 || cx.dst_port == 9999 {
        return Some((Protocol::Kasa, o::kasa::handle_tcp(cx, seg.payload, out)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;

    #[test]
    fn link_local_ipv6_source_binds_to_sender_only() {
        let mac: MacAddr = "50:c7:bf:00:00:01".parse().unwrap();
        let mut out = Vec::new();
        let ll: Ipv6Addr = "fe80::52c7:bfff:fe00:1".parse().unwrap();
        let global: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let mut cx = Context { src_mac: Some(mac), ..Context::at(Timestamp(1)) };
        let net = Network::Ip { ip: IpAddrs::V6 { src: ll, dst: global }, protocol: 6, payload: &[] };
        assert!(dispatch(&mut cx, &net, &mut out).is_none());
        assert_eq!(out, vec![cx.obs(mac, Protocol::Ipv6, Fact::Ipv6(ll))]);
        out.clear();
        let net = Network::Ip { ip: IpAddrs::V6 { src: global, dst: ll }, protocol: 6, payload: &[] };
        dispatch(&mut cx, &net, &mut out);
        assert!(out.is_empty(), "a global source may have been routed");
    }
}
