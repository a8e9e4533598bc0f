//! ARP (RFC 826) for Ethernet hardware and IPv4 protocol addresses.

use std::net::Ipv4Addr;

use super::{WireError, be16, need};
use crate::mac::MacAddr;

mod field {
    pub const HTYPE: usize = 0;
    pub const PTYPE: usize = 2;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: usize = 6;
    pub const SHA: usize = 8;
    pub const SPA: usize = 14;
    pub const THA: usize = 18;
    pub const TPA: usize = 24;
    pub const LEN: usize = 28;
    pub const FIXED: usize = 8;
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Operation {
    Request,
    Reply,
    Unknown(u16),
}

impl From<u16> for Operation {
    fn from(v: u16) -> Self {
        match v {
            1 => Operation::Request,
            2 => Operation::Reply,
            o => Operation::Unknown(o),
        }
    }
}

/// An Ethernet/IPv4 ARP message.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct ArpRepr {
    pub operation: Operation,
    pub sender_mac: MacAddr,
    pub sender_ip: Ipv4Addr,
    pub target_mac: MacAddr,
    pub target_ip: Ipv4Addr,
}

/// What a buffer holds: an Ethernet/IPv4 message, or ARP for other address types,
/// which is valid but carries nothing we record.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Arp {
    EthernetIpv4(ArpRepr),
    Other { htype: u16, ptype: u16 },
}

fn ip(b: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(b[at], b[at + 1], b[at + 2], b[at + 3])
}

pub fn parse(b: &[u8]) -> Result<Arp, WireError> {
    need(b, field::FIXED)?;
    let (htype, ptype) = (be16(b, field::HTYPE), be16(b, field::PTYPE));
    if htype != 1 || ptype != 0x0800 || b[field::HLEN] != 6 || b[field::PLEN] != 4 {
        // Still check the lengths the header claims, so garbage is told from valid ARP.
        let body = 2 * (b[field::HLEN] as usize + b[field::PLEN] as usize);
        need(b, field::FIXED + body)?;
        return Ok(Arp::Other { htype, ptype });
    }
    need(b, field::LEN)?;
    Ok(Arp::EthernetIpv4(ArpRepr {
        operation: be16(b, field::OPER).into(),
        sender_mac: MacAddr::from_slice(&b[field::SHA..]).unwrap_or_default(),
        sender_ip: ip(b, field::SPA),
        target_mac: MacAddr::from_slice(&b[field::THA..]).unwrap_or_default(),
        target_ip: ip(b, field::TPA),
    }))
}

impl ArpRepr {
    /// An ARP probe (RFC 5227): the sender has no address yet.
    pub fn is_probe(&self) -> bool {
        self.sender_ip.is_unspecified()
    }
    /// Gratuitous ARP: a host announcing its own address.
    pub fn is_gratuitous(&self) -> bool {
        !self.is_probe() && self.sender_ip == self.target_ip
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reply: 50:c7:bf:00:c7:03 is at 192.168.0.20, to 00:11:22:33:44:55 at 192.168.0.1.
    const REPLY: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, //
        0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03, 192, 168, 0, 20, //
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 0, 1,
    ];

    #[test]
    fn reply_fields() {
        let Arp::EthernetIpv4(r) = parse(&REPLY).unwrap() else { panic!("not Ethernet/IPv4") };
        assert_eq!(r.operation, Operation::Reply);
        assert_eq!(r.sender_mac.to_string(), "50:c7:bf:00:c7:03");
        assert_eq!(r.sender_ip, Ipv4Addr::new(192, 168, 0, 20));
        assert_eq!(r.target_mac.to_string(), "00:11:22:33:44:55");
        assert_eq!(r.target_ip, Ipv4Addr::new(192, 168, 0, 1));
        assert!(!r.is_probe() && !r.is_gratuitous());
    }

    #[test]
    fn probe_and_gratuitous() {
        let mut b = REPLY;
        b[14..18].copy_from_slice(&[0, 0, 0, 0]);
        let Arp::EthernetIpv4(r) = parse(&b).unwrap() else { panic!() };
        assert!(r.is_probe() && !r.is_gratuitous());
        let mut b = REPLY;
        b[24..28].copy_from_slice(&[192, 168, 0, 20]);
        let Arp::EthernetIpv4(r) = parse(&b).unwrap() else { panic!() };
        assert!(r.is_gratuitous());
    }

    #[test]
    fn other_address_types_and_truncation() {
        let mut b = REPLY;
        b[4] = 8; // hardware length 8 → needs 8 + 2*(8+4) = 32 bytes
        assert!(parse(&b).is_err());
        b[4] = 2; // 8 + 2*(2+4) = 20 bytes: fits
        assert_eq!(parse(&b).unwrap(), Arp::Other { htype: 1, ptype: 0x0800 });
        assert!(parse(&REPLY[..27]).is_err());
        assert!(parse(&REPLY[..7]).is_err());
        assert_eq!(Operation::from(9), Operation::Unknown(9));
    }
}
