//! TP-Link Easy Smart switch protocol (RC4 with a fixed key) on UDP 29808/29809.
//!
//! The configuration utility broadcasts to UDP 29808 from UDP 29809; switches answer
//! by broadcast to UDP 29809. The whole datagram is RC4-enciphered with one fixed,
//! public 256-byte key (pklaus/smrt `smrt/protocol.py` ships the key-scheduled state;
//! other clients ship the key below). Deciphered, it is a 32-byte header
//! `!bb6s6shihhhhi` (version 1, op code, switch MAC, host MAC, sequence, error code,
//! length, fragment offset, flag, token, checksum), then type-length-value records
//! (16-bit type and length) ending with `ff ff 00 00`.
//!
//! Login messages from the utility carry the switch's user name and password in TLVs
//! 512 and 514: they are skipped here and never stored.

use std::net::Ipv4Addr;

use super::{WireError, be16};
use crate::mac::MacAddr;

/// Host → switch.
pub const SWITCH_PORT: u16 = 29808;
/// Switch → host (broadcast).
pub const HOST_PORT: u16 = 29809;
/// The RC4 key every Easy Smart switch and utility uses.
pub const KEY: &[u8; 256] = b"Ei2HNryt8ysSdRRI54XNQHBEbOIRqNjQgYxsTmuW3srSVRVFyLh8mwvhBLPFQph3\
ecDMLnDtjDUdrUwt7oTsJuYl72hXESNiD6jFIQCtQN1unsmn3JXjeYwGJ55pqTkV\
yN2OOm3vekF6G1LM4t3kiiG4lGwbxG4CG1s5Sli7gcINFBOLXQnPpsQNWDmPbOm7\
4mE7eyR3L7tk8tUhI17FLKm11hrrd1ck74bMw3VYSK3X5RrDgXelewMU6o1tJ3iX";
/// The last record.
pub const END: [u8; 4] = [0xff, 0xff, 0x00, 0x00];
/// TLV records read per message. A discovery reply has about a dozen; port tables and
/// statistics a few dozen; a datagram cannot hold more than ~370 empty records, and
/// this keeps a crafted one from making us walk them all.
pub const MAX_TLVS: usize = 64;

mod field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const OP_CODE: usize = 1;
    pub const SWITCH_MAC: Range<usize> = 2..8;
    pub const HOST_MAC: Range<usize> = 8..14;
    pub const SEQUENCE: usize = 14;
    pub const ERROR: Range<usize> = 16..20;
    pub const LENGTH: usize = 20;
    pub const FRAGMENT: usize = 22;
    pub const FLAG: usize = 24;
    pub const TOKEN: usize = 26;
    pub const CHECKSUM: Range<usize> = 28..32;
    pub const TLVS: usize = 32;
}

pub const HEADER_LEN: usize = field::TLVS;

/// TLV types quietwire reads (smrt's table).
pub mod tlv {
    pub const MODEL: u16 = 1;
    pub const HOSTNAME: u16 = 2;
    pub const MAC: u16 = 3;
    pub const IP: u16 = 4;
    pub const NETMASK: u16 = 5;
    pub const GATEWAY: u16 = 6;
    pub const FIRMWARE: u16 = 7;
    pub const HARDWARE: u16 = 8;
    pub const DHCP: u16 = 9;
    pub const PORTS: u16 = 10;
    pub const USERNAME: u16 = 512;
    pub const PASSWORD: u16 = 514;
}

/// The RC4 state after key scheduling with [`KEY`], computed at compile time.
const fn key_schedule() -> [u8; 256] {
    let mut s = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        s[i] = i as u8;
        i += 1;
    }
    let (mut i, mut j) = (0usize, 0u8);
    while i < 256 {
        j = j.wrapping_add(s[i]).wrapping_add(KEY[i]);
        let t = s[i];
        s[i] = s[j as usize];
        s[j as usize] = t;
        i += 1;
    }
    s
}

static SCHEDULED: [u8; 256] = key_schedule();

/// RC4 with [`KEY`]: enciphers and deciphers alike.
pub fn crypt(data: &[u8]) -> Vec<u8> {
    let mut s = SCHEDULED;
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[s[i as usize].wrapping_add(s[j as usize]) as usize]
        })
        .collect()
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum OpCode {
    Discovery,
    Get,
    /// Also the switch's answer to DISCOVERY and GET.
    Set,
    Login,
    /// The switch's answer to LOGIN.
    Return,
    Read5,
    Unknown(u8),
}

impl From<u8> for OpCode {
    fn from(v: u8) -> Self {
        match v {
            0 => OpCode::Discovery,
            1 => OpCode::Get,
            2 => OpCode::Set,
            3 => OpCode::Login,
            4 => OpCode::Return,
            5 => OpCode::Read5,
            o => OpCode::Unknown(o),
        }
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Header {
    pub version: u8,
    pub op_code: OpCode,
    pub switch_mac: MacAddr,
    pub host_mac: MacAddr,
    pub sequence: u16,
    pub error_code: u32,
    /// The whole message's length as the sender counted it.
    pub length: u16,
    pub fragment_offset: u16,
    pub flag: u16,
    pub token: u16,
    pub checksum: u32,
}

/// What the records of a message say about a switch (credentials excluded).
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct SwitchInfo {
    pub model: Option<Vec<u8>>,
    pub hostname: Option<Vec<u8>>,
    pub mac: Option<MacAddr>,
    pub ip: Option<Ipv4Addr>,
    pub netmask: Option<Ipv4Addr>,
    pub gateway: Option<Ipv4Addr>,
    pub firmware: Option<Vec<u8>>,
    pub hardware: Option<Vec<u8>>,
    pub dhcp: Option<bool>,
    pub ports: Option<u8>,
}

/// A deciphered message.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EasySmartRepr {
    pub header: Header,
    pub info: SwitchInfo,
    /// Types of the records read (credentials included, values not), in order.
    pub tlv_types: Vec<u16>,
    /// The records ran past the end, or stopped without the end marker; what came
    /// before is kept.
    pub malformed: bool,
}

/// Whether deciphered bytes have an Easy Smart header (version 1, a known op code).
pub fn is_easysmart(plain: &[u8]) -> bool {
    plain.len() >= HEADER_LEN
        && plain[field::VERSION] == 1
        && !matches!(OpCode::from(plain[field::OP_CODE]), OpCode::Unknown(_))
}

fn ipv4(v: &[u8]) -> Option<Ipv4Addr> {
    <[u8; 4]>::try_from(v).ok().map(Ipv4Addr::from)
}

/// Strings are NUL-terminated.
fn string(v: &[u8]) -> Vec<u8> {
    v.split(|&b| b == 0).next().unwrap_or_default().to_vec()
}

/// Parses deciphered bytes (see [`crypt`]).
pub fn parse(plain: &[u8]) -> Result<EasySmartRepr, WireError> {
    super::need(plain, HEADER_LEN)?;
    if !is_easysmart(plain) {
        return Err(WireError::Invalid("Easy Smart header"));
    }
    let be32 = |r: core::ops::Range<usize>| {
        u32::from_be_bytes([plain[r.start], plain[r.start + 1], plain[r.start + 2], plain[r.start + 3]])
    };
    let header = Header {
        version: plain[field::VERSION],
        op_code: plain[field::OP_CODE].into(),
        switch_mac: MacAddr::from_slice(&plain[field::SWITCH_MAC]).unwrap_or_default(),
        host_mac: MacAddr::from_slice(&plain[field::HOST_MAC]).unwrap_or_default(),
        sequence: be16(plain, field::SEQUENCE),
        error_code: be32(field::ERROR),
        length: be16(plain, field::LENGTH),
        fragment_offset: be16(plain, field::FRAGMENT),
        flag: be16(plain, field::FLAG),
        token: be16(plain, field::TOKEN),
        checksum: be32(field::CHECKSUM),
    };
    let mut info = SwitchInfo::default();
    let mut tlv_types = Vec::new();
    let mut rest = &plain[field::TLVS..];
    let malformed = loop {
        if rest.starts_with(&END) {
            break false;
        }
        if tlv_types.len() >= MAX_TLVS {
            return Err(WireError::Invalid("Easy Smart records beyond MAX_TLVS"));
        }
        let (Some(kind), Some(len)) = (rest.get(0..2), rest.get(2..4)) else { break true };
        let (kind, len) = (be16(kind, 0), be16(len, 0) as usize);
        let Some(value) = rest.get(4..4 + len) else { break true };
        tlv_types.push(kind);
        match kind {
            tlv::MODEL => info.model = Some(string(value)),
            tlv::HOSTNAME => info.hostname = Some(string(value)),
            tlv::MAC => info.mac = MacAddr::from_slice(value).filter(|_| value.len() == 6),
            tlv::IP => info.ip = ipv4(value),
            tlv::NETMASK => info.netmask = ipv4(value),
            tlv::GATEWAY => info.gateway = ipv4(value),
            tlv::FIRMWARE => info.firmware = Some(string(value)),
            tlv::HARDWARE => info.hardware = Some(string(value)),
            tlv::DHCP => info.dhcp = value.first().map(|&b| b != 0),
            tlv::PORTS => info.ports = value.first().copied(),
            // Credentials (USERNAME, PASSWORD) and everything else: type only.
            _ => {}
        }
        rest = &rest[4 + len..];
    };
    Ok(EasySmartRepr { header, info, tlv_types, malformed })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SWITCH: [u8; 6] = [0xb0, 0x4e, 0x26, 0x12, 0x34, 0x56];
    pub(crate) const HOST: [u8; 6] = [0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c];

    fn rec(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
        out.extend(kind.to_be_bytes());
        out.extend((value.len() as u16).to_be_bytes());
        out.extend(value);
    }

    /// A deciphered discovery answer from a TL-SG108E (values as the smrt tool shows
    /// them for this model).
    pub(crate) fn discovery_reply_plain() -> Vec<u8> {
        let mut b = vec![1, 2];
        b.extend(SWITCH);
        b.extend(HOST);
        b.extend(7u16.to_be_bytes()); // sequence
        b.extend(0u32.to_be_bytes()); // error
        b.extend(0u16.to_be_bytes()); // length, filled below
        b.extend([0, 0, 0, 0, 0, 0]); // fragment, flag, token
        b.extend(0u32.to_be_bytes()); // checksum
        rec(&mut b, tlv::MODEL, b"TL-SG108E\0");
        rec(&mut b, tlv::HOSTNAME, b"office-switch\0");
        rec(&mut b, tlv::MAC, &SWITCH);
        rec(&mut b, tlv::IP, &[192, 168, 0, 2]);
        rec(&mut b, tlv::NETMASK, &[255, 255, 255, 0]);
        rec(&mut b, tlv::GATEWAY, &[192, 168, 0, 1]);
        rec(&mut b, tlv::FIRMWARE, b"1.0.0 Build 20171214 Rel.70905\0");
        rec(&mut b, tlv::HARDWARE, b"TL-SG108E 3.0\0");
        rec(&mut b, tlv::DHCP, &[0]);
        rec(&mut b, tlv::PORTS, &[8]);
        rec(&mut b, 13, &[1]);
        b.extend(END);
        let len = b.len() as u16;
        b[20..22].copy_from_slice(&len.to_be_bytes());
        b
    }

    #[test]
    fn key_schedule_matches_the_published_state() {
        // The first bytes of the state smrt's `Protocol.KEY` lists.
        assert_eq!(SCHEDULED[..8], [191, 155, 227, 202, 99, 162, 79, 104]);
        assert_eq!(SCHEDULED[255], 48);
        // The key stream (computed independently with Python's RC4), and RC4 is its
        // own inverse.
        assert_eq!(crypt(&[0; 8]), [92, 116, 106, 4, 125, 190, 176, 178]);
        let p = discovery_reply_plain();
        let c = crypt(&p);
        assert_ne!(c, p);
        assert_eq!(crypt(&c), p);
    }

    #[test]
    fn discovery_reply_fields() {
        let r = parse(&discovery_reply_plain()).unwrap();
        let h = r.header;
        assert_eq!((h.version, h.op_code), (1, OpCode::Set));
        assert_eq!(h.switch_mac, MacAddr(SWITCH));
        assert_eq!(h.host_mac, MacAddr(HOST));
        assert_eq!((h.sequence, h.error_code, h.length), (7, 0, discovery_reply_plain().len() as u16));
        assert_eq!((h.fragment_offset, h.flag, h.token, h.checksum), (0, 0, 0, 0));
        assert_eq!(
            r.info,
            SwitchInfo {
                model: Some(b"TL-SG108E".to_vec()),
                hostname: Some(b"office-switch".to_vec()),
                mac: Some(MacAddr(SWITCH)),
                ip: Some(Ipv4Addr::new(192, 168, 0, 2)),
                netmask: Some(Ipv4Addr::new(255, 255, 255, 0)),
                gateway: Some(Ipv4Addr::new(192, 168, 0, 1)),
                firmware: Some(b"1.0.0 Build 20171214 Rel.70905".to_vec()),
                hardware: Some(b"TL-SG108E 3.0".to_vec()),
                dhcp: Some(false),
                ports: Some(8),
            }
        );
        assert_eq!(r.tlv_types, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13]);
        assert!(!r.malformed);
    }

    #[test]
    fn credentials_are_not_kept() {
        let mut b = discovery_reply_plain()[..HEADER_LEN].to_vec();
        b[1] = 3; // LOGIN
        rec(&mut b, tlv::USERNAME, b"admin\0");
        rec(&mut b, tlv::PASSWORD, b"secret\0");
        b.extend(END);
        let r = parse(&b).unwrap();
        assert_eq!(r.header.op_code, OpCode::Login);
        assert_eq!(r.tlv_types, vec![512, 514]);
        assert_eq!(r.info, SwitchInfo::default());
        assert!(!format!("{r:?}").contains("secret"));
    }

    #[test]
    fn truncated_records_keep_what_came_before() {
        let p = discovery_reply_plain();
        let r = parse(&p[..HEADER_LEN + 14 + 3]).unwrap(); // model, then 3 bytes of the next header
        assert!(r.malformed);
        assert_eq!(r.info.model.as_deref(), Some(&b"TL-SG108E"[..]));
        assert_eq!(r.info.hostname, None);
        let r = parse(&p[..p.len() - 4]).unwrap(); // no end marker
        assert!(r.malformed);
        assert_eq!(r.info.ports, Some(8));
    }

    #[test]
    fn header_checks_and_limit() {
        let p = discovery_reply_plain();
        assert!(is_easysmart(&p));
        assert!(parse(&p[..31]).is_err());
        let mut bad = p.clone();
        bad[0] = 2;
        assert!(!is_easysmart(&bad));
        assert_eq!(parse(&bad), Err(WireError::Invalid("Easy Smart header")));
        bad[0] = 1;
        bad[1] = 9;
        assert!(!is_easysmart(&bad));
        // MAX_TLVS records pass, one more does not.
        let mut many = p[..HEADER_LEN].to_vec();
        for _ in 0..MAX_TLVS {
            rec(&mut many, 99, &[]);
        }
        let mut over = many.clone();
        many.extend(END);
        assert_eq!(parse(&many).unwrap().tlv_types.len(), MAX_TLVS);
        rec(&mut over, 99, &[]);
        over.extend(END);
        assert_eq!(parse(&over), Err(WireError::Invalid("Easy Smart records beyond MAX_TLVS")));
    }
}
