//! IPv6 headers and the extension-header chain.

use std::net::Ipv6Addr;

use super::{WireError, be16, need};

mod field {
    pub const PAYLOAD_LEN: usize = 4;
    pub const NEXT_HEADER: usize = 6;
    pub const SRC: core::ops::Range<usize> = 8..24;
    pub const DST: core::ops::Range<usize> = 24..40;
    pub const LEN: usize = 40;
}

const HOP_BY_HOP: u8 = 0;
const ROUTING: u8 = 43;
const FRAGMENT: u8 = 44;
const AUTH: u8 = 51;
const DEST_OPTS: u8 = 60;
const MOBILITY: u8 = 135;

/// Extension headers followed before giving up (RFC 8200 recommends at most one of each).
pub const MAX_EXTENSION_HEADERS: usize = 8;

/// A decoded IPv6 header with the upper-layer protocol found after extension headers.
#[derive(Copy, Clone, Debug)]
pub struct Ipv6Packet<'a> {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    /// Upper-layer protocol (e.g. 17 UDP, 58 ICMPv6).
    pub next_header: u8,
    /// False for non-first fragments, which carry no upper-layer header.
    pub has_upper_header: bool,
    pub payload: &'a [u8],
}

fn addr(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ipv6Addr::from(a)
}

pub fn parse(buf: &[u8]) -> Result<Ipv6Packet<'_>, WireError> {
    need(buf, field::LEN)?;
    if buf[0] >> 4 != 6 {
        return Err(WireError::Invalid("IPv6 version"));
    }
    let plen = be16(buf, field::PAYLOAD_LEN) as usize;
    // Payload length 0 means a jumbogram (or offload): trust the capture.
    let end = if plen == 0 { buf.len() } else { (field::LEN + plen).min(buf.len()) };
    let mut payload = &buf[field::LEN..end];
    let mut next = buf[field::NEXT_HEADER];
    let mut has_upper_header = true;
    for _ in 0..MAX_EXTENSION_HEADERS {
        let len = match next {
            HOP_BY_HOP | ROUTING | DEST_OPTS | MOBILITY => {
                need(payload, 2)?;
                (payload[1] as usize + 1) * 8
            }
            FRAGMENT => {
                need(payload, 8)?;
                if be16(payload, 2) & 0xfff8 != 0 {
                    has_upper_header = false;
                }
                8
            }
            AUTH => {
                need(payload, 2)?;
                (payload[1] as usize + 2) * 4
            }
            _ => break,
        };
        need(payload, len)?;
        next = payload[0];
        payload = &payload[len..];
    }
    Ok(Ipv6Packet {
        src: addr(&buf[field::SRC]),
        dst: addr(&buf[field::DST]),
        next_header: next,
        has_upper_header,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// fe80::1 → ff02::1:2, hop-by-hop header (8 bytes) then UDP (8 bytes).
    fn fixture() -> Vec<u8> {
        let mut b = vec![0x60, 0, 0, 0, 0x00, 0x10, HOP_BY_HOP, 1];
        b.extend(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1).octets());
        b.extend(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2).octets());
        b.extend([17, 0, 5, 2, 0, 0, 0, 0]); // hop-by-hop: next = UDP
        b.extend([0x02, 0x22, 0x02, 0x23, 0x00, 0x08, 0x00, 0x00]);
        b
    }

    #[test]
    fn walks_extension_headers() {
        let b = fixture();
        let p = parse(&b).unwrap();
        assert_eq!(p.src, "fe80::1".parse::<Ipv6Addr>().unwrap());
        assert_eq!(p.dst, "ff02::1:2".parse::<Ipv6Addr>().unwrap());
        assert_eq!(p.next_header, 17);
        assert!(p.has_upper_header);
        assert_eq!(p.payload.len(), 8);
    }

    #[test]
    fn truncated_and_invalid() {
        let b = fixture();
        assert!(parse(&b[..39]).is_err());
        let mut v = b.clone();
        v[0] = 0x40;
        assert!(parse(&v).is_err());
        let mut v = b.clone();
        v[41] = 200; // hop-by-hop length past the end
        assert!(parse(&v).is_err());
    }

    #[test]
    fn later_fragment_has_no_upper_header() {
        let mut b = fixture();
        b[6] = FRAGMENT;
        b[40..48].copy_from_slice(&[17, 0, 0x00, 0x08, 0, 0, 0, 1]);
        let p = parse(&b).unwrap();
        assert!(!p.has_upper_header);
    }
}
