//! DHCPv4 → observations.

use std::net::{IpAddr, Ipv4Addr};

use super::text::{clean, codes, hex};
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::dhcpv4::{self, DhcpRepr, MessageType, Opcode};

/// Whether a UDP port pair is DHCPv4 (client↔server, or relay↔server on 67/67).
pub fn is_dhcp_ports(src: u16, dst: u16) -> bool {
    let dhcp = |p| p == dhcpv4::SERVER_PORT || p == dhcpv4::CLIENT_PORT;
    dhcp(src) && dhcp(dst)
}

/// Parses a DHCPv4 payload and records what it says. A malformed option is reported
/// after the facts parsed before it are recorded.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = dhcpv4::parse(payload)?;
    observe(cx, &m, out);
    if m.malformed_option { Err(WireError::Invalid("DHCP option")) } else { Ok(()) }
}

/// Client messages describe the client (`chaddr`): host name, vendor class, parameter
/// request list, client identifier, FQDN, requested address, and `ciaddr` when it is
/// renewing. An ACK binds `yiaddr` to the client. A server reply marks the frame's
/// sender as DHCP server when no relay is involved (`giaddr` 0.0.0.0), or as relay.
pub fn observe(cx: &Context, m: &DhcpRepr, out: &mut Vec<Observation>) {
    let push = |out: &mut Vec<Observation>, mac: MacAddr, fact: Fact| out.push(cx.obs(mac, Protocol::Dhcp, fact));
    let attr = |key, v: AttrValue| Fact::Attr(key, v);
    let client = m.client_mac().filter(MacAddr::is_device);
    let ip_src = match cx.src_ip {
        Some(IpAddr::V4(a)) => a,
        _ => Ipv4Addr::UNSPECIFIED,
    };
    match m.opcode() {
        Opcode::BootRequest => {
            let Some(c) = client else { return };
            push(out, c, Fact::Present);
            if let Some(h) = m.hostname.as_deref().map(clean).filter(|s| !s.is_empty()) {
                push(out, c, Fact::Hostname(h));
            }
            if let Some(v) = m.vendor_class.as_deref().map(clean).filter(|s| !s.is_empty()) {
                push(out, c, attr("vendor_class", v.into()));
            }
            if let Some(p) = m.param_request_list.as_deref().filter(|p| !p.is_empty()) {
                push(out, c, attr("prl", codes(p).into()));
            }
            if let Some(id) = m.client_id.as_deref().filter(|p| !p.is_empty()) {
                push(out, c, attr("client_id", hex(id).into()));
            }
            if let Some(f) = m.client_fqdn.as_deref().map(clean).filter(|s| !s.is_empty()) {
                push(out, c, attr("fqdn", f.into()));
            }
            if let Some(ip) = m.requested_ip.filter(|a| !a.is_unspecified()) {
                push(out, c, attr("requested_ip", ip.into()));
            }
            if !m.option_order.is_empty() {
                push(out, c, attr("option_order", codes(&m.option_order).into()));
            }
            let renewing = matches!(m.message_type(), Some(MessageType::Request | MessageType::Inform));
            if renewing && usable(m.ciaddr) {
                push(out, c, Fact::Ipv4(m.ciaddr));
            }
        }
        Opcode::BootReply => {
            if let Some(c) = client {
                push(out, c, Fact::Present);
                if m.message_type() == Some(MessageType::Ack) && usable(m.yiaddr) {
                    push(out, c, Fact::Ipv4(m.yiaddr));
                }
            }
            let Some(src) = cx.src_mac.filter(MacAddr::is_device) else { return };
            if m.giaddr.is_unspecified() {
                if m.server_id.is_some() || m.message_type().is_some() {
                    push(out, src, Fact::Role(Role::DhcpServer));
                }
                if m.server_id == Some(ip_src) && usable(ip_src) {
                    push(out, src, Fact::Ipv4(ip_src));
                }
            } else {
                push(out, src, Fact::Role(Role::DhcpRelay));
                if ip_src == m.giaddr && usable(ip_src) {
                    push(out, src, Fact::Ipv4(ip_src));
                }
            }
        }
        Opcode::Unknown(_) => {}
    }
}

/// An address a host can own: not 0.0.0.0, broadcast, multicast or loopback.
fn usable(a: Ipv4Addr) -> bool {
    !(a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::dhcpv4;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn cx(src: MacAddr, ip: Ipv4Addr) -> Context {
        Context { src_mac: Some(src), src_ip: Some(IpAddr::V4(ip)), ..Context::at(Timestamp(5)) }
    }

    #[test]
    fn client_request_facts() {
        let mut m = dhcpv4::DhcpRepr { op: 1, htype: 1, chaddr: mac("50:c7:bf:00:c7:03").0.to_vec(), ..Default::default() };
        m.message_type = Some(3);
        m.hostname = Some(b"HS110(EU)\0".to_vec());
        m.vendor_class = Some(b"udhcp 0.9.9-pre".to_vec());
        m.param_request_list = Some(vec![1, 3, 6, 12, 15, 28]);
        m.client_id = Some(vec![1, 0x50, 0xc7, 0xbf, 0, 0xc7, 3]);
        m.requested_ip = Some(Ipv4Addr::new(192, 168, 0, 20));
        m.option_order = vec![53, 50, 12, 60, 61, 55];
        let mut out = Vec::new();
        observe(&cx(mac("50:c7:bf:00:c7:03"), Ipv4Addr::UNSPECIFIED), &m, &mut out);
        let facts: Vec<_> = out.iter().map(|o| o.fact.clone()).collect();
        let text = |k, v: &str| Fact::Attr(k, AttrValue::Text(v.into()));
        assert_eq!(
            facts,
            vec![
                Fact::Present,
                Fact::Hostname("HS110(EU)".into()),
                text("vendor_class", "udhcp 0.9.9-pre"),
                text("prl", "1,3,6,12,15,28"),
                text("client_id", "01:50:c7:bf:00:c7:03"),
                Fact::Attr("requested_ip", Ipv4Addr::new(192, 168, 0, 20).into()),
                text("option_order", "53,50,12,60,61,55"),
            ]
        );
        assert!(out.iter().all(|o| o.mac == mac("50:c7:bf:00:c7:03") && o.protocol == Protocol::Dhcp));
    }

    #[test]
    fn ack_binds_yiaddr_and_marks_server() {
        let server = mac("00:11:22:33:44:55");
        let m = dhcpv4::DhcpRepr {
            op: 2,
            htype: 1,
            chaddr: mac("50:c7:bf:00:c7:03").0.to_vec(),
            yiaddr: Ipv4Addr::new(192, 168, 0, 20),
            message_type: Some(5),
            server_id: Some(Ipv4Addr::new(192, 168, 0, 1)),
            ..Default::default()
        };
        let c = cx(server, Ipv4Addr::new(192, 168, 0, 1));
        let mut out = Vec::new();
        observe(&c, &m, &mut out);
        assert!(out.contains(&c.obs(mac("50:c7:bf:00:c7:03"), Protocol::Dhcp, Fact::Ipv4(Ipv4Addr::new(192, 168, 0, 20)))));
        assert!(out.contains(&c.obs(server, Protocol::Dhcp, Fact::Role(Role::DhcpServer))));
        assert!(out.contains(&c.obs(server, Protocol::Dhcp, Fact::Ipv4(Ipv4Addr::new(192, 168, 0, 1)))));
    }

    #[test]
    fn offer_binds_nothing_to_client_and_relay_is_a_relay() {
        let relay = mac("00:aa:bb:cc:dd:ee");
        let m = dhcpv4::DhcpRepr {
            op: 2,
            htype: 1,
            chaddr: mac("50:c7:bf:00:c7:03").0.to_vec(),
            yiaddr: Ipv4Addr::new(10, 1, 0, 20),
            giaddr: Ipv4Addr::new(10, 1, 0, 1),
            message_type: Some(2),
            server_id: Some(Ipv4Addr::new(10, 9, 9, 9)),
            ..Default::default()
        };
        let mut out = Vec::new();
        observe(&cx(relay, Ipv4Addr::new(10, 1, 0, 1)), &m, &mut out);
        assert!(!out.iter().any(|o| matches!(o.fact, Fact::Ipv4(a) if a == Ipv4Addr::new(10, 1, 0, 20))));
        assert!(out.iter().any(|o| o.mac == relay && o.fact == Fact::Role(Role::DhcpRelay)));
        assert!(!out.iter().any(|o| o.fact == Fact::Role(Role::DhcpServer)));
    }

    #[test]
    fn non_ethernet_chaddr_is_ignored() {
        let m = dhcpv4::DhcpRepr { op: 1, htype: 6, chaddr: vec![1, 2, 3, 4, 5, 6], ..Default::default() };
        let mut out = Vec::new();
        observe(&Context::at(Timestamp(5)), &m, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn ports() {
        assert!(is_dhcp_ports(68, 67) && is_dhcp_ports(67, 68) && is_dhcp_ports(67, 67));
        assert!(!is_dhcp_ports(68, 53));
    }
}
