//! Link → network → transport decoding of one frame, down to the payloads that
//! protocol parsers want. Pure: bytes in, borrowed views out.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::capture::LinkType;
use crate::mac::MacAddr;
use crate::wire::ethernet::{self, EthernetFrame, VlanStack};
use crate::wire::{WireError, ipv4, ipv6, llc, sll, tcp, udp};

/// The layer at which decoding stopped on malformed data.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Layer {
    Ethernet,
    Vlan,
    Sll,
    Loopback,
    Ipv4,
    Ipv6,
    Udp,
    Tcp,
    Llc,
}

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Ethernet => "ethernet",
            Layer::Vlan => "vlan",
            Layer::Sll => "sll",
            Layer::Loopback => "loopback",
            Layer::Ipv4 => "ipv4",
            Layer::Ipv6 => "ipv6",
            Layer::Udp => "udp",
            Layer::Tcp => "tcp",
            Layer::Llc => "llc",
        }
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum IpAddrs {
    V4 { src: Ipv4Addr, dst: Ipv4Addr },
    V6 { src: Ipv6Addr, dst: Ipv6Addr },
}

/// What lies above the link layer, as far as it decoded.
#[derive(Copy, Clone, Debug)]
pub enum Network<'a> {
    Arp(&'a [u8]),
    Udp { ip: IpAddrs, src_port: u16, dst_port: u16, payload: &'a [u8] },
    Tcp { ip: IpAddrs, segment: tcp::TcpSegment<'a> },
    /// Another IP protocol (ICMPv6 …); the payload is empty for non-first fragments.
    Ip { ip: IpAddrs, protocol: u8, payload: &'a [u8] },
    /// An 802.3 frame with an LLC (and maybe SNAP) header: CDP, STP …
    Llc(llc::Llc<'a>),
    /// Another EtherType (LLDP …).
    EtherType { ethertype: u16, payload: &'a [u8] },
    /// Decoding stopped: which layer, and why. Outer layers that decoded are kept.
    Malformed { layer: Layer, error: WireError },
}

#[derive(Copy, Clone, Debug)]
pub struct Decoded<'a> {
    /// The link-layer source, when the link type carries one.
    pub src: Option<MacAddr>,
    pub dst: Option<MacAddr>,
    pub vlans: VlanStack,
    pub network: Network<'a>,
}

/// Decodes one frame; `None` for link types quietwire does not read.
pub fn decode(link: LinkType, data: &[u8]) -> Option<Decoded<'_>> {
    let mut d = Decoded { src: None, dst: None, vlans: VlanStack::default(), network: Network::EtherType { ethertype: 0, payload: &[] } };
    let (ethertype, payload) = match link {
        LinkType::Ethernet => match EthernetFrame::new_checked(data) {
            Ok(f) => {
                d.src = Some(f.src());
                d.dst = Some(f.dst());
                (f.ethertype(), f.payload())
            }
            Err(error) => {
                d.network = Network::Malformed { layer: Layer::Ethernet, error };
                return Some(d);
            }
        },
        LinkType::LinuxSll | LinkType::LinuxSll2 => {
            let parsed = if link == LinkType::LinuxSll { sll::parse_v1(data) } else { sll::parse_v2(data) };
            match parsed {
                Ok(c) => {
                    d.src = c.src;
                    (c.protocol, c.payload)
                }
                Err(error) => {
                    d.network = Network::Malformed { layer: Layer::Sll, error };
                    return Some(d);
                }
            }
        }
        LinkType::Raw => match data.first().map(|b| b >> 4) {
            Some(6) => (ethernet::ETHERTYPE_IPV6, data),
            _ => (ethernet::ETHERTYPE_IPV4, data),
        },
        LinkType::Null | LinkType::Loop => {
            let Some(family) = data.get(..4) else {
                d.network = Network::Malformed { layer: Layer::Loopback, error: WireError::Truncated { needed: 4, got: data.len() } };
                return Some(d);
            };
            let f = [family[0], family[1], family[2], family[3]];
            // Null is in the capturing host's byte order: accept either.
            let af = if link == LinkType::Loop { u32::from_be_bytes(f) } else { u32::from_le_bytes(f).min(u32::from_be_bytes(f)) };
            match af {
                2 => (ethernet::ETHERTYPE_IPV4, &data[4..]),
                // AF_INET6 differs by system: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.
                10 | 24 | 28 | 30 => (ethernet::ETHERTYPE_IPV6, &data[4..]),
                _ => (0, &data[4..]),
            }
        }
        LinkType::Ipv4 => (ethernet::ETHERTYPE_IPV4, data),
        LinkType::Ipv6 => (ethernet::ETHERTYPE_IPV6, data),
        LinkType::Unknown(_) => return None,
    };
    let (ethertype, payload) = match ethernet::strip_vlans(ethertype, payload, &mut d.vlans) {
        Ok(x) => x,
        Err(error) => {
            d.network = Network::Malformed { layer: Layer::Vlan, error };
            return Some(d);
        }
    };
    d.network = network(ethertype, payload);
    Some(d)
}

fn network(ethertype: u16, payload: &[u8]) -> Network<'_> {
    match ethertype {
        ethernet::ETHERTYPE_ARP => Network::Arp(payload),
        ethernet::ETHERTYPE_IPV4 => match ipv4::Ipv4Packet::new_checked(payload) {
            Ok(p) => {
                let ip = IpAddrs::V4 { src: p.src(), dst: p.dst() };
                let payload = if p.is_later_fragment() { &p.payload()[..0] } else { p.payload() };
                transport(ip, p.protocol(), !p.is_later_fragment(), payload)
            }
            Err(error) => Network::Malformed { layer: Layer::Ipv4, error },
        },
        ethernet::ETHERTYPE_IPV6 => match ipv6::parse(payload) {
            Ok(p) => {
                let ip = IpAddrs::V6 { src: p.src, dst: p.dst };
                let payload = if p.has_upper_header { p.payload } else { &p.payload[..0] };
                transport(ip, p.next_header, p.has_upper_header, payload)
            }
            Err(error) => Network::Malformed { layer: Layer::Ipv6, error },
        },
        len if len <= llc::MAX_8023_LENGTH => match llc::parse(payload, len) {
            Ok(l) => Network::Llc(l),
            Err(error) => Network::Malformed { layer: Layer::Llc, error },
        },
        other => Network::EtherType { ethertype: other, payload },
    }
}

fn transport(ip: IpAddrs, protocol: u8, has_header: bool, payload: &[u8]) -> Network<'_> {
    match protocol {
        ipv4::PROTO_UDP if has_header => match udp::parse(payload) {
            Ok(u) => Network::Udp { ip, src_port: u.src_port, dst_port: u.dst_port, payload: u.payload },
            Err(error) => Network::Malformed { layer: Layer::Udp, error },
        },
        ipv4::PROTO_TCP if has_header => match tcp::parse(payload) {
            Ok(segment) => Network::Tcp { ip, segment },
            Err(error) => Network::Malformed { layer: Layer::Tcp, error },
        },
        _ => Network::Ip { ip, protocol, payload },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth(src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend(src);
        f.extend(ethertype.to_be_bytes());
        f.extend(payload);
        f
    }

    fn ipv4_udp(sport: u16, dport: u16, body: &[u8]) -> Vec<u8> {
        let total = (20 + 8 + body.len()) as u16;
        let mut p = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 255, 255, 255, 255];
        p[2..4].copy_from_slice(&total.to_be_bytes());
        p.extend(sport.to_be_bytes());
        p.extend(dport.to_be_bytes());
        p.extend(((8 + body.len()) as u16).to_be_bytes());
        p.extend([0, 0]);
        p.extend(body);
        p
    }

    #[test]
    fn ethernet_vlan_ipv4_udp() {
        let mut tagged = vec![0x00, 0x14, 0x08, 0x00]; // VLAN 20, then IPv4
        tagged.extend(ipv4_udp(68, 67, b"hi"));
        let f = eth([0x50, 0xc7, 0xbf, 1, 2, 3], 0x8100, &tagged);
        let d = decode(LinkType::Ethernet, &f).unwrap();
        assert_eq!(d.src.unwrap().to_string(), "50:c7:bf:01:02:03");
        assert_eq!(d.vlans.as_slice(), &[20]);
        match d.network {
            Network::Udp { ip: IpAddrs::V4 { src, .. }, src_port: 68, dst_port: 67, payload } => {
                assert_eq!(src, Ipv4Addr::new(10, 0, 0, 1));
                assert_eq!(payload, b"hi");
            }
            n => panic!("unexpected {n:?}"),
        }
    }

    #[test]
    fn cdp_over_snap_and_lldp() {
        let f = eth([0, 0x0c, 0, 0, 0, 1], 10, &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02, 0xb4, 0, 0]);
        match decode(LinkType::Ethernet, &f).unwrap().network {
            Network::Llc(l) => assert_eq!((l.snap, l.payload), (Some((0x0c, 0x2000)), &[0x02, 0xb4][..])),
            n => panic!("{n:?}"),
        }
        let f = eth([0, 0x0c, 0, 0, 0, 1], 0x88cc, &[1, 2]);
        assert!(matches!(decode(LinkType::Ethernet, &f).unwrap().network, Network::EtherType { ethertype: 0x88cc, .. }));
    }

    #[test]
    fn raw_ip_has_no_mac() {
        let raw = ipv4_udp(1, 2, b"");
        let d = decode(LinkType::Raw, &raw).unwrap();
        assert!(d.src.is_none());
        assert!(matches!(d.network, Network::Udp { src_port: 1, dst_port: 2, .. }));
    }

    #[test]
    fn malformed_layers_are_named() {
        let d = decode(LinkType::Ethernet, &[0; 10]).unwrap();
        assert!(matches!(d.network, Network::Malformed { layer: Layer::Ethernet, .. }));
        let f = eth([2, 0, 0, 0, 0, 1], 0x0800, &[0x45, 0]);
        let d = decode(LinkType::Ethernet, &f).unwrap();
        assert!(d.src.is_some(), "the sender is kept when an inner layer is malformed");
        assert!(matches!(d.network, Network::Malformed { layer: Layer::Ipv4, .. }));
        let f = eth([2, 0, 0, 0, 0, 1], 0x8100, &[0x00]);
        assert!(matches!(decode(LinkType::Ethernet, &f).unwrap().network, Network::Malformed { layer: Layer::Vlan, .. }));
        assert!(decode(LinkType::Unknown(127), &f).is_none());
        let f = eth([2, 0, 0, 0, 0, 1], 40, &[0xaa, 0xaa, 0x03, 0x00]);
        assert!(matches!(decode(LinkType::Ethernet, &f).unwrap().network, Network::Malformed { layer: Layer::Llc, .. }));
        assert!(matches!(decode(LinkType::Null, &[2, 0]).unwrap().network, Network::Malformed { layer: Layer::Loopback, .. }));
    }

    #[test]
    fn loopback_families() {
        let mut f = vec![2, 0, 0, 0];
        f.extend(ipv4_udp(5, 6, b""));
        assert!(matches!(decode(LinkType::Null, &f).unwrap().network, Network::Udp { src_port: 5, .. }));
        f[..4].copy_from_slice(&[0, 0, 0, 2]);
        assert!(matches!(decode(LinkType::Loop, &f).unwrap().network, Network::Udp { src_port: 5, .. }));
    }
}
