//! The dispatch table: which protocol module reads which decoded payload.
//!
//! Adding a protocol touches its `wire/` file, its `observe/` file, one arm here, and
//! tests — nothing in the inventory or the outputs.

use std::net::IpAddr;

use crate::decode::{IpAddrs, Network};
use crate::observe::{self, Context, Observation, Outcome, Protocol};

/// Hands a decoded frame to the protocol module that wants it. Returns which protocol
/// read it and how that went, or `None` when no module wanted it.
pub fn dispatch(cx: &mut Context, net: &Network<'_>, out: &mut Vec<Observation>) -> Option<(Protocol, Outcome)> {
    match *net {
        Network::Arp(payload) => Some((Protocol::Arp, observe::arp::handle(cx, payload, out))),
        Network::Udp { ip, src_port, dst_port, payload } => {
            set_ip(cx, ip);
            cx.src_port = src_port;
            cx.dst_port = dst_port;
            udp(cx, payload, out)
        }
        _ => None,
    }
}

fn set_ip(cx: &mut Context, ip: IpAddrs) {
    let (s, d) = match ip {
        IpAddrs::V4 { src, dst } => (IpAddr::V4(src), IpAddr::V4(dst)),
        IpAddrs::V6 { src, dst } => (IpAddr::V6(src), IpAddr::V6(dst)),
    };
    cx.src_ip = Some(s);
    cx.dst_ip = Some(d);
}

fn udp(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Option<(Protocol, Outcome)> {
    let (s, d) = (cx.src_port, cx.dst_port);
    if observe::dhcpv4::is_dhcp_ports(s, d) && matches!(cx.src_ip, Some(IpAddr::V4(_))) {
        return Some((Protocol::Dhcp, observe::dhcpv4::handle(cx, payload, out)));
    }
    None
}
