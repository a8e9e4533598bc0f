//! The "devDiscover" advertisement of TP-Link routers on UDP 5001.
//!
//! China-market TP-Link routers (the `devDiscoverHandle` service, CVE-2020-28877)
//! broadcast their identity to UDP 5001. The message is binary, not text: a 14-byte
//! header, then type-length-value records with 16-bit big-endian types and lengths:
//!
//! ```text
//! 0  version (1)        1  message type (1 = advertisement seen from routers;
//!                          2 in the 77clearlove/TP-Link-poc message sent to a router)
//! 2  magic 0e 00 e1 2b 83 c7
//! 8  checksum (16 bits) 10 length of the records (16 bits)   12 reserved (0)
//! 14 records: 5 MAC ("A4-1A-3A-91-A4-8D"), 6 device name, 8 IPv4 (text),
//!    9 admin domain ("tplogin.cn"), 10 model, 11 hardware version, 12 firmware
//! ```
//!
//! The layout, record types and checksum were worked out from the three broadcasts in
//! suricata-verify `http-multiple100/otherhtp.pcap` (TL-XDR6030 ×2, TL-XDR1860) and
//! the PoC's message builder; type 7 (one byte, 1) is not understood and is kept as a
//! number. The checksum is the ones' complement of the ones'-complement sum of the
//! message's big-endian 16-bit words with the checksum field zeroed, a trailing odd
//! byte added as a low byte (it verifies on all three). UDP 5001 is also iperf's
//! default port: anything without the header is not this protocol.

use super::{WireError, be16};

pub const PORT: u16 = 5001;
/// Bytes 2..8 of every message.
pub const MAGIC: [u8; 6] = [0x0e, 0x00, 0xe1, 0x2b, 0x83, 0xc7];
/// Records read per message: a router sends 8; the 16-bit length would allow ~16,000
/// empty ones.
pub const MAX_RECORDS: usize = 32;

mod field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const MSG_TYPE: usize = 1;
    pub const MAGIC: Range<usize> = 2..8;
    pub const CHECKSUM: usize = 8;
    pub const LENGTH: usize = 10;
    pub const RESERVED: usize = 12;
    pub const RECORDS: usize = 14;
}

pub const HEADER_LEN: usize = field::RECORDS;

/// Record types.
pub mod record {
    pub const MAC: u16 = 5;
    pub const DEVICE_NAME: u16 = 6;
    pub const IP: u16 = 8;
    pub const DOMAIN: u16 = 9;
    pub const MODEL: u16 = 10;
    pub const HW_VER: u16 = 11;
    pub const FW_VER: u16 = 12;
}

/// A decoded advertisement; text values are as sent (UTF-8 in practice: the
/// TL-XDR6030 names itself `TL-XDR6030易展版`).
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Tplink5001Repr {
    pub version: u8,
    pub msg_type: u8,
    pub checksum: u16,
    pub checksum_ok: bool,
    /// Length of the records as the header states it.
    pub length: u16,
    pub reserved: u16,
    pub mac: Option<Vec<u8>>,
    pub device_name: Option<Vec<u8>>,
    pub ip: Option<Vec<u8>>,
    pub domain: Option<Vec<u8>>,
    pub model: Option<Vec<u8>>,
    pub hw_ver: Option<Vec<u8>>,
    pub fw_ver: Option<Vec<u8>>,
    /// Types of the other records, in order.
    pub unknown: Vec<u16>,
    /// The records ran past the stated length or the datagram; what came before is kept.
    pub malformed: bool,
}

/// Whether a UDP 5001 payload is this protocol (version 1 and the magic).
pub fn is_devdiscover(b: &[u8]) -> bool {
    b.len() >= HEADER_LEN && b[field::VERSION] == 1 && b[field::MAGIC] == MAGIC
}

/// The checksum field's value for `msg` (its own checksum field is skipped).
pub fn checksum(msg: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for (i, w) in msg.chunks(2).enumerate() {
        if i == field::CHECKSUM / 2 {
            continue;
        }
        sum += match *w {
            [hi, lo] => u16::from_be_bytes([hi, lo]) as u32,
            [last] => last as u32,
            _ => 0,
        };
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Parses an advertisement. An error means the header is unusable; bad records only
/// set `malformed`.
pub fn parse(b: &[u8]) -> Result<Tplink5001Repr, WireError> {
    super::need(b, HEADER_LEN)?;
    if !is_devdiscover(b) {
        return Err(WireError::Invalid("devDiscover magic"));
    }
    let length = be16(b, field::LENGTH);
    let end = HEADER_LEN + length as usize;
    let mut r = Tplink5001Repr {
        version: b[field::VERSION],
        msg_type: b[field::MSG_TYPE],
        checksum: be16(b, field::CHECKSUM),
        checksum_ok: false,
        length,
        reserved: be16(b, field::RESERVED),
        malformed: end > b.len(),
        ..Default::default()
    };
    let msg = &b[..end.min(b.len())];
    r.checksum_ok = checksum(msg) == r.checksum;
    let mut rest = &msg[HEADER_LEN..];
    let mut count = 0;
    while !rest.is_empty() {
        if count == MAX_RECORDS {
            return Err(WireError::Invalid("devDiscover records beyond MAX_RECORDS"));
        }
        count += 1;
        let (Some(kind), Some(len)) = (rest.get(0..2), rest.get(2..4)) else {
            r.malformed = true;
            break;
        };
        let (kind, len) = (be16(kind, 0), be16(len, 0) as usize);
        let Some(value) = rest.get(4..4 + len) else {
            r.malformed = true;
            break;
        };
        let slot = match kind {
            record::MAC => &mut r.mac,
            record::DEVICE_NAME => &mut r.device_name,
            record::IP => &mut r.ip,
            record::DOMAIN => &mut r.domain,
            record::MODEL => &mut r.model,
            record::HW_VER => &mut r.hw_ver,
            record::FW_VER => &mut r.fw_ver,
            other => {
                r.unknown.push(other);
                rest = &rest[4 + len..];
                continue;
            }
        };
        *slot = Some(value.to_vec());
        rest = &rest[4 + len..];
    }
    Ok(r)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// TL-XDR6030 (a4:1a:3a:91:a4:8d, 10.25.16.5) → 255.255.255.255:5001, from
    /// suricata-verify `tests/http-multiple100/otherhtp.pcap`.
    pub(crate) const XDR6030: &str = concat!(
        "01010e00e12b83c77e3f007500000006",
        "0013544c2d58445236303330e69893e5",
        "b195e78988000b0003322e3000070001",
        "010005001141342d31412d33412d3931",
        "2d41342d38440008000a31302e32352e",
        "31362e350009000a74706c6f67696e2e",
        "636e000a0013544c2d58445236303330",
        "e69893e5b195e78988000c0006312e38",
        "2e3136",
    );

    pub(crate) fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn real_advertisement_fields() {
        let b = unhex(XDR6030);
        assert_eq!(b.len(), 131);
        assert!(is_devdiscover(&b));
        let r = parse(&b).unwrap();
        let s = |v: &str| Some(v.as_bytes().to_vec());
        assert_eq!(
            r,
            Tplink5001Repr {
                version: 1,
                msg_type: 1,
                checksum: 0x7e3f,
                checksum_ok: true,
                length: 117,
                reserved: 0,
                mac: s("A4-1A-3A-91-A4-8D"),
                device_name: s("TL-XDR6030易展版"),
                ip: s("10.25.16.5"),
                domain: s("tplogin.cn"),
                model: s("TL-XDR6030易展版"),
                hw_ver: s("2.0"),
                fw_ver: s("1.8.16"),
                unknown: vec![7],
                malformed: false,
            }
        );
    }

    #[test]
    fn checksum_even_and_odd() {
        let b = unhex(XDR6030);
        assert_eq!(checksum(&b), 0x7e3f);
        let mut bad = b.clone();
        bad[20] ^= 0x40;
        assert!(!parse(&bad).unwrap().checksum_ok);
        // An even-length message: the records of one MAC.
        let mut m = vec![1, 2, 0x0e, 0x00, 0xe1, 0x2b, 0x83, 0xc7, 0, 0, 0, 8, 0, 0, 0, 5, 0, 4];
        m.extend(b"helo");
        let c = checksum(&m);
        m[8..10].copy_from_slice(&c.to_be_bytes());
        let r = parse(&m).unwrap();
        assert!(r.checksum_ok);
        assert_eq!(r.msg_type, 2);
        assert_eq!(r.mac.as_deref(), Some(&b"helo"[..]));
    }

    #[test]
    fn not_devdiscover() {
        assert!(!is_devdiscover(b"iperf3 payload 0123456789"));
        assert!(!is_devdiscover(&unhex(XDR6030)[..13]));
        let mut b = unhex(XDR6030);
        b[0] = 2;
        assert!(!is_devdiscover(&b));
        assert_eq!(parse(&b), Err(WireError::Invalid("devDiscover magic")));
    }

    #[test]
    fn short_records_keep_what_came_before() {
        let b = unhex(XDR6030);
        let r = parse(&b[..60]).unwrap();
        assert!(r.malformed);
        assert_eq!(r.hw_ver.as_deref(), Some(&b"2.0"[..]));
        assert_eq!(r.mac, None);
        // A length field shorter than the datagram: only the stated records count.
        let mut short = b.clone();
        short[10..12].copy_from_slice(&23u16.to_be_bytes());
        let r = parse(&short).unwrap();
        assert!(!r.malformed && r.device_name.is_some() && r.hw_ver.is_none());
    }

    #[test]
    fn record_limit() {
        let mut m = vec![1, 1, 0x0e, 0x00, 0xe1, 0x2b, 0x83, 0xc7, 0, 0, 0, 0, 0, 0];
        for _ in 0..MAX_RECORDS {
            m.extend([0, 99, 0, 0]);
        }
        let len = (m.len() - HEADER_LEN) as u16;
        m[10..12].copy_from_slice(&len.to_be_bytes());
        assert_eq!(parse(&m).unwrap().unknown.len(), MAX_RECORDS);
        m.extend([0, 99, 0, 0]);
        m[10..12].copy_from_slice(&(len + 4).to_be_bytes());
        assert_eq!(parse(&m), Err(WireError::Invalid("devDiscover records beyond MAX_RECORDS")));
    }
}
