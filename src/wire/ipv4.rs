//! IPv4 headers.

use std::net::Ipv4Addr;

use super::{WireError, be16, need};

mod field {
    pub const VER_IHL: usize = 0;
    pub const TOTAL_LEN: usize = 2;
    pub const FRAG: usize = 6;
    pub const PROTOCOL: usize = 9;
    pub const SRC: usize = 12;
    pub const DST: usize = 16;
    pub const MIN_LEN: usize = 20;
}

pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;

/// A checked IPv4 header; `payload` is clamped to both the total length and the capture.
#[derive(Copy, Clone, Debug)]
pub struct Ipv4Packet<'a> {
    buf: &'a [u8],
    header_len: usize,
    end: usize,
}

impl<'a> Ipv4Packet<'a> {
    pub fn new_checked(buf: &'a [u8]) -> Result<Self, WireError> {
        need(buf, field::MIN_LEN)?;
        if buf[field::VER_IHL] >> 4 != 4 {
            return Err(WireError::Invalid("IPv4 version"));
        }
        let header_len = ((buf[field::VER_IHL] & 0x0f) as usize) * 4;
        if header_len < field::MIN_LEN {
            return Err(WireError::Invalid("IPv4 header length"));
        }
        need(buf, header_len)?;
        let total = be16(buf, field::TOTAL_LEN) as usize;
        // A total length of 0 appears with TCP segmentation offload; trust the capture then.
        let end = if total == 0 { buf.len() } else { total.min(buf.len()) };
        if end < header_len {
            return Err(WireError::Invalid("IPv4 total length"));
        }
        Ok(Ipv4Packet { buf, header_len, end })
    }
    pub fn src(&self) -> Ipv4Addr {
        let s = field::SRC;
        Ipv4Addr::new(self.buf[s], self.buf[s + 1], self.buf[s + 2], self.buf[s + 3])
    }
    pub fn dst(&self) -> Ipv4Addr {
        let d = field::DST;
        Ipv4Addr::new(self.buf[d], self.buf[d + 1], self.buf[d + 2], self.buf[d + 3])
    }
    pub fn protocol(&self) -> u8 {
        self.buf[field::PROTOCOL]
    }
    /// True for every fragment but the first, which alone carries the transport header.
    pub fn is_later_fragment(&self) -> bool {
        be16(self.buf, field::FRAG) & 0x1fff != 0
    }
    pub fn payload(&self) -> &'a [u8] {
        &self.buf[self.header_len..self.end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 192.168.0.10 → 255.255.255.255, UDP, total length 28 (8 bytes of UDP), 2 bytes of trailer.
    const UDP_BCAST: [u8; 30] = [
        0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, //
        192, 168, 0, 10, 255, 255, 255, 255, //
        0x00, 0x44, 0x00, 0x43, 0x00, 0x08, 0x00, 0x00, //
        0xee, 0xee, // Ethernet padding, not part of the packet
    ];

    #[test]
    fn fields_and_payload_clamped_to_total_length() {
        let p = Ipv4Packet::new_checked(&UDP_BCAST).unwrap();
        assert_eq!(p.src(), Ipv4Addr::new(192, 168, 0, 10));
        assert_eq!(p.dst(), Ipv4Addr::BROADCAST);
        assert_eq!(p.protocol(), PROTO_UDP);
        assert!(!p.is_later_fragment());
        assert_eq!(p.payload().len(), 8);
    }

    #[test]
    fn rejects_bad_headers() {
        let mut b = UDP_BCAST;
        b[0] = 0x44;
        assert_eq!(Ipv4Packet::new_checked(&b).unwrap_err(), WireError::Invalid("IPv4 header length"));
        b[0] = 0x65;
        assert!(Ipv4Packet::new_checked(&b).is_err());
        b[0] = 0x4f; // 60-byte header, only 30 captured
        assert!(matches!(Ipv4Packet::new_checked(&b), Err(WireError::Truncated { needed: 60, .. })));
        b = UDP_BCAST;
        b[3] = 10; // total length below the header
        assert!(Ipv4Packet::new_checked(&b).is_err());
        assert!(Ipv4Packet::new_checked(&UDP_BCAST[..19]).is_err());
    }

    #[test]
    fn later_fragments_are_flagged() {
        let mut b = UDP_BCAST;
        b[7] = 0x10;
        assert!(Ipv4Packet::new_checked(&b).unwrap().is_later_fragment());
    }
}
