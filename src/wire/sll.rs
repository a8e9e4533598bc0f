//! Linux "cooked" capture headers, v1 (LINKTYPE_LINUX_SLL) and v2 (LINKTYPE_LINUX_SLL2).

use super::{WireError, be16, need};
use crate::mac::MacAddr;

mod field {
    pub mod v1 {
        pub const HATYPE: usize = 2;
        pub const HALEN: usize = 4;
        pub const ADDR: usize = 6;
        pub const PROTOCOL: usize = 14;
        pub const LEN: usize = 16;
    }
    pub mod v2 {
        pub const PROTOCOL: usize = 0;
        pub const HATYPE: usize = 8;
        pub const HALEN: usize = 11;
        pub const ADDR: usize = 12;
        pub const LEN: usize = 20;
    }
}

/// ARPHRD_ETHER: the link-layer address is an Ethernet MAC.
pub const ARPHRD_ETHER: u16 = 1;

/// What a cooked header tells: the sender's link address (when it is an Ethernet MAC),
/// the EtherType of the payload, and the payload.
#[derive(Copy, Clone, Debug)]
pub struct Cooked<'a> {
    pub src: Option<MacAddr>,
    pub protocol: u16,
    pub payload: &'a [u8],
}

fn src_mac(hatype: u16, halen: u8, addr: &[u8]) -> Option<MacAddr> {
    if hatype == ARPHRD_ETHER && halen == 6 { MacAddr::from_slice(addr) } else { None }
}

pub fn parse_v1(b: &[u8]) -> Result<Cooked<'_>, WireError> {
    use field::v1::*;
    need(b, LEN)?;
    let halen = be16(b, HALEN).min(8) as u8;
    Ok(Cooked {
        src: src_mac(be16(b, HATYPE), halen, &b[ADDR..ADDR + 8]),
        protocol: be16(b, PROTOCOL),
        payload: &b[LEN..],
    })
}

pub fn parse_v2(b: &[u8]) -> Result<Cooked<'_>, WireError> {
    use field::v2::*;
    need(b, LEN)?;
    Ok(Cooked {
        src: src_mac(be16(b, HATYPE), b[HALEN], &b[ADDR..ADDR + 8]),
        protocol: be16(b, PROTOCOL),
        payload: &b[LEN..],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLL_V1_ARP: [u8; 18] = [
        0x00, 0x00, // packet type: to us
        0x00, 0x01, // ARPHRD_ETHER
        0x00, 0x06, // address length
        0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03, 0x00, 0x00, // address + padding
        0x08, 0x06, // ARP
        0xaa, 0xbb, // payload
    ];

    const SLL_V2_IPV4: [u8; 21] = [
        0x08, 0x00, // protocol IPv4
        0x00, 0x00, // reserved
        0x00, 0x00, 0x00, 0x02, // ifindex
        0x00, 0x01, // ARPHRD_ETHER
        0x04, // outgoing
        0x06, // address length
        0x00, 0x1d, 0x0f, 0x01, 0x02, 0x03, 0x00, 0x00, // address
        0x45,
    ];

    #[test]
    fn v1_fields() {
        let c = parse_v1(&SLL_V1_ARP).unwrap();
        assert_eq!(c.src.unwrap().to_string(), "50:c7:bf:00:c7:03");
        assert_eq!(c.protocol, 0x0806);
        assert_eq!(c.payload, &[0xaa, 0xbb]);
    }

    #[test]
    fn v2_fields() {
        let c = parse_v2(&SLL_V2_IPV4).unwrap();
        assert_eq!(c.src.unwrap().to_string(), "00:1d:0f:01:02:03");
        assert_eq!(c.protocol, 0x0800);
        assert_eq!(c.payload, &[0x45]);
    }

    #[test]
    fn non_ethernet_address_gives_no_mac() {
        let mut b = SLL_V1_ARP;
        b[3] = 0x20; // ARPHRD_INFINIBAND
        assert!(parse_v1(&b).unwrap().src.is_none());
        assert!(parse_v1(&b[..15]).is_err());
        assert!(parse_v2(&SLL_V2_IPV4[..19]).is_err());
    }
}
