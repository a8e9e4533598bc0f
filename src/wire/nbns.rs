//! NetBIOS name service (RFC 1001, 1002), UDP 137.
//!
//! The message layout is DNS's (RFC 1002 §4.2.1), written by hand here: names are one
//! 32-byte "first-level encoded" label (each byte of the 16-byte NetBIOS name as two
//! letters `A`+nibble) followed by an optional scope, and record data (NB addresses,
//! node status tables) has no counterpart in a DNS library. Names are read with
//! [`super::dns::read_name`], which follows compression pointers (responses point back
//! to the question name) with a jump limit.

use std::net::Ipv4Addr;

use super::dns::{DnsName, read_name};
use super::{WireError, be16};
use crate::mac::MacAddr;

mod field {
    use core::ops::Range;
    pub const ID: Range<usize> = 0..2;
    pub const FLAGS: Range<usize> = 2..4;
    pub const QDCOUNT: usize = 4;
    pub const ANCOUNT: usize = 6;
    pub const NSCOUNT: usize = 8;
    pub const ARCOUNT: usize = 10;
    pub const HEADER_LEN: usize = 12;
    /// After a record's name: type, class, TTL, RDLENGTH.
    pub const RR_TYPE: usize = 0;
    pub const RR_CLASS: usize = 2;
    pub const RR_TTL: usize = 4;
    pub const RR_RDLENGTH: usize = 8;
    pub const RR_FIXED_LEN: usize = 10;
    pub const Q_FIXED_LEN: usize = 4;
    /// One NB address entry: NB_FLAGS, NB_ADDRESS.
    pub const NB_ENTRY_LEN: usize = 6;
    /// One node status entry: 16-byte name, NAME_FLAGS.
    pub const NODE_NAME_LEN: usize = 16;
    pub const NODE_ENTRY_LEN: usize = 18;
    /// The statistics after the name table start with the 6-byte UNIT_ID.
    pub const UNIT_ID_LEN: usize = 6;
}

pub const PORT: u16 = 137;
/// Length of an encoded NetBIOS name label (16 bytes, two letters each).
pub const ENCODED_NAME_LEN: usize = 32;
/// Records kept from one message. RFC 1002 messages carry one question and at most one
/// record; a few to spare covers odd implementations. Parsing stops, without error.
pub const MAX_RECORDS: usize = 8;
/// Questions kept from one message (RFC 1002: always one).
pub const MAX_QUESTIONS: usize = 4;
/// Addresses kept from one NB record. A multi-homed host lists one per interface;
/// RDLENGTH would allow 10,922.
pub const MAX_NB_ADDRESSES: usize = 16;
// A node status table is bounded by its one-byte NUM_NAMES (255 entries): no limit needed.

pub const TYPE_NB: u16 = 0x0020;
pub const TYPE_NBSTAT: u16 = 0x0021;
/// Group bit of NB_FLAGS and NAME_FLAGS.
const GROUP_BIT: u16 = 0x8000;
/// Owner node type bits of NB_FLAGS and NAME_FLAGS.
const ONT_MASK: u16 = 0x6000;

/// RFC 1002 §4.2.1.1 OPCODE.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Opcode {
    Query,
    Registration,
    Release,
    Wack,
    /// 8, and 9 which some stacks send for refresh (RFC 1002 errata).
    Refresh,
    MultihomedRegistration,
    Unknown(u8),
}

impl From<u8> for Opcode {
    fn from(v: u8) -> Opcode {
        match v {
            0 => Opcode::Query,
            5 => Opcode::Registration,
            6 => Opcode::Release,
            7 => Opcode::Wack,
            8 | 9 => Opcode::Refresh,
            15 => Opcode::MultihomedRegistration,
            other => Opcode::Unknown(other),
        }
    }
}

/// A NetBIOS name: 15 bytes of name, the suffix ("type") byte, and the scope.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct NbName {
    pub raw: [u8; 16],
    /// Labels after the encoded name; usually empty.
    pub scope: DnsName,
}

impl NbName {
    /// The name without the suffix and the trailing space padding.
    pub fn name(&self) -> &[u8] {
        trim_name(&self.raw)
    }

    pub fn suffix(&self) -> u8 {
        self.raw[15]
    }

    /// Decodes a first-level encoded label (RFC 1001 §14.1).
    pub fn decode(label: &[u8]) -> Option<[u8; 16]> {
        if label.len() != ENCODED_NAME_LEN {
            return None;
        }
        let mut raw = [0u8; 16];
        for (out, pair) in raw.iter_mut().zip(label.chunks_exact(2)) {
            let hi = pair[0].checked_sub(b'A').filter(|v| *v < 16)?;
            let lo = pair[1].checked_sub(b'A').filter(|v| *v < 16)?;
            *out = hi << 4 | lo;
        }
        Some(raw)
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct NbAddress {
    pub group: bool,
    /// Owner node type: 0 B, 1 P, 2 M, 3 H (Microsoft).
    pub ont: u8,
    pub addr: Ipv4Addr,
}

/// One entry of a node status table.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct NodeName {
    pub raw: [u8; 16],
    pub flags: u16,
}

impl NodeName {
    /// The name without the suffix and the trailing space padding.
    pub fn name(&self) -> &[u8] {
        trim_name(&self.raw)
    }
    pub fn suffix(&self) -> u8 {
        self.raw[15]
    }
    pub fn group(&self) -> bool {
        self.flags & GROUP_BIT != 0
    }
}

/// The first 15 bytes of a NetBIOS name without their space (or NUL) padding.
fn trim_name(raw: &[u8; 16]) -> &[u8] {
    let n = &raw[..15];
    let end = n.iter().rposition(|&b| b != b' ' && b != 0).map_or(0, |i| i + 1);
    &n[..end]
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub enum NbData {
    /// NB: addresses with their flags (at most [`MAX_NB_ADDRESSES`]).
    Nb(Vec<NbAddress>),
    /// NBSTAT: the node's name table and its unit ID (MAC), when present.
    NodeStatus { names: Vec<NodeName>, unit_id: Option<MacAddr> },
    /// Other types, and NB data that is not a list of addresses (a WACK's flags).
    Other { len: usize },
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Section {
    Answer,
    Authority,
    Additional,
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Question {
    pub name: NbName,
    pub qtype: u16,
    pub qclass: u16,
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Record {
    pub section: Section,
    pub name: NbName,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub data: NbData,
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Message {
    pub id: u16,
    pub response: bool,
    pub opcode: Opcode,
    pub authoritative: bool,
    pub truncated: bool,
    pub recursion_desired: bool,
    pub recursion_available: bool,
    pub broadcast: bool,
    pub rcode: u8,
    pub questions: Vec<Question>,
    pub records: Vec<Record>,
    /// The first malformed part; everything before it is kept.
    pub error: Option<WireError>,
    pub limit_hit: bool,
}

fn truncated(needed: usize, msg: &[u8]) -> WireError {
    WireError::Truncated { needed, got: msg.len() }
}

fn read_nb_name(msg: &[u8], at: usize) -> Result<(NbName, usize), WireError> {
    let (name, next) = read_name(msg, at)?;
    let (first, scope) = name.labels().split_first().ok_or(WireError::Invalid("NetBIOS name is empty"))?;
    let raw = NbName::decode(first).ok_or(WireError::Invalid("NetBIOS name encoding"))?;
    Ok((NbName { raw, scope: DnsName::from_labels(scope) }, next))
}

fn read_question(msg: &[u8], at: usize) -> Result<(Question, usize), WireError> {
    let (name, p) = read_nb_name(msg, at)?;
    let fixed = msg.get(p..p + field::Q_FIXED_LEN).ok_or_else(|| truncated(p + field::Q_FIXED_LEN, msg))?;
    Ok((Question { name, qtype: be16(fixed, 0), qclass: be16(fixed, 2) }, p + field::Q_FIXED_LEN))
}

fn read_record(msg: &[u8], at: usize, section: Section) -> Result<(Record, usize), WireError> {
    let (name, p) = read_nb_name(msg, at)?;
    let fixed = msg.get(p..p + field::RR_FIXED_LEN).ok_or_else(|| truncated(p + field::RR_FIXED_LEN, msg))?;
    let rtype = be16(fixed, field::RR_TYPE);
    let start = p + field::RR_FIXED_LEN;
    let end = start + usize::from(be16(fixed, field::RR_RDLENGTH));
    let rd = msg.get(start..end).ok_or_else(|| truncated(end, msg))?;
    let data = match rtype {
        TYPE_NB if rd.len() % field::NB_ENTRY_LEN == 0 => NbData::Nb(
            rd.chunks_exact(field::NB_ENTRY_LEN)
                .take(MAX_NB_ADDRESSES)
                .map(|e| {
                    let flags = be16(e, 0);
                    NbAddress {
                        group: flags & GROUP_BIT != 0,
                        ont: ((flags & ONT_MASK) >> 13) as u8,
                        addr: Ipv4Addr::new(e[2], e[3], e[4], e[5]),
                    }
                })
                .collect(),
        ),
        TYPE_NBSTAT => node_status(rd)?,
        _ => NbData::Other { len: rd.len() },
    };
    let t = field::RR_TTL;
    let ttl = u32::from_be_bytes([fixed[t], fixed[t + 1], fixed[t + 2], fixed[t + 3]]);
    Ok((Record { section, name, rtype, class: be16(fixed, field::RR_CLASS), ttl, data }, end))
}

/// NBSTAT RDATA (RFC 1002 §4.2.18): NUM_NAMES, the entries, then statistics whose first
/// six bytes are the unit ID. Some stacks send fewer statistics bytes: the unit ID is
/// then absent, not an error.
fn node_status(rd: &[u8]) -> Result<NbData, WireError> {
    let (&n, table) = rd.split_first().ok_or(WireError::Invalid("NetBIOS node status without a name count"))?;
    let table_len = usize::from(n) * field::NODE_ENTRY_LEN;
    // The record itself is complete (its RDLENGTH was checked), so a table longer than
    // the record is a bad count, not a cut frame.
    let entries = table.get(..table_len).ok_or(WireError::Invalid("NetBIOS node status name count"))?;
    let names = entries
        .chunks_exact(field::NODE_ENTRY_LEN)
        .map(|e| {
            let mut raw = [0u8; 16];
            raw.copy_from_slice(&e[..field::NODE_NAME_LEN]);
            NodeName { raw, flags: be16(e, field::NODE_NAME_LEN) }
        })
        .collect();
    let unit_id = table.get(table_len..table_len + field::UNIT_ID_LEN).and_then(MacAddr::from_slice);
    Ok(NbData::NodeStatus { names, unit_id })
}

/// Parses an NBNS message. Only a message shorter than its header is an error; a
/// problem further on ends parsing with [`Message::error`] set.
pub fn parse(msg: &[u8]) -> Result<Message, WireError> {
    super::need(msg, field::HEADER_LEN)?;
    let flags = be16(msg, field::FLAGS.start);
    let mut m = Message {
        id: be16(msg, field::ID.start),
        response: flags & 0x8000 != 0,
        opcode: Opcode::from(((flags >> 11) & 0x0f) as u8),
        authoritative: flags & 0x0400 != 0,
        truncated: flags & 0x0200 != 0,
        recursion_desired: flags & 0x0100 != 0,
        recursion_available: flags & 0x0080 != 0,
        broadcast: flags & 0x0010 != 0,
        rcode: (flags & 0x000f) as u8,
        questions: Vec::new(),
        records: Vec::new(),
        error: None,
        limit_hit: false,
    };
    let mut pos = field::HEADER_LEN;
    for _ in 0..be16(msg, field::QDCOUNT) {
        if m.questions.len() == MAX_QUESTIONS {
            m.limit_hit = true;
            return Ok(m);
        }
        match read_question(msg, pos) {
            Ok((q, next)) => {
                m.questions.push(q);
                pos = next;
            }
            Err(e) => {
                m.error = Some(e);
                return Ok(m);
            }
        }
    }
    let sections = [
        (Section::Answer, be16(msg, field::ANCOUNT)),
        (Section::Authority, be16(msg, field::NSCOUNT)),
        (Section::Additional, be16(msg, field::ARCOUNT)),
    ];
    for (section, count) in sections {
        for _ in 0..count {
            if m.records.len() == MAX_RECORDS {
                m.limit_hit = true;
                return Ok(m);
            }
            match read_record(msg, pos, section) {
                Ok((r, next)) => {
                    m.records.push(r);
                    pos = next;
                }
                Err(e) => {
                    m.error = Some(e);
                    return Ok(m);
                }
            }
        }
    }
    Ok(m)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::dns::tests::unhex;

    /// Frame 25 of suricata-verify `smb2-ntlmssp-negotiateflags`: a broadcast
    /// registration of `DESKTOP-V1FA0UQ<00>` for 192.168.199.133, the answer name a
    /// pointer to the question's.
    pub(crate) const REGISTRATION: &str = "a7842910000100000000000120454545464644454c464545504641434e464744424547454244414646464241410000200001c00c00200001000493e000060000c0a8c785";
    /// Frame 180 of the same capture: a positive name query response for `SCV<20>`
    /// listing two addresses (a multi-homed host).
    pub(crate) const POSITIVE_RESPONSE: &str = "a792850000000001000000002046444544464743414341434143414341434143414341434143414341434143410000200001000493e0000c6000c0a8c7016000c0a80a01";
    /// A node status response (built for this test): five names of host `NAS` and
    /// group `WORKGROUP`, unit ID 00:11:32:a1:b2:c3, 40 more statistics bytes.
    pub(crate) const NODE_STATUS: &str = "00018400000000010000000020434b4141414141414141414141414141414141414141414141414141414141410000210001000000000089054e41532020202020202020202020200004004e41532020202020202020202020200304004e4153202020202020202020202020200400574f524b47524f5550202020202020008400574f524b47524f55502020202020201e8400001132a1b2c300000000000000000000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn registration_fields() {
        let m = parse(&unhex(REGISTRATION)).unwrap();
        assert_eq!(m.id, 0xa784);
        assert!(!m.response);
        assert_eq!(m.opcode, Opcode::Registration);
        assert!(m.broadcast && m.recursion_desired && !m.authoritative && !m.truncated && !m.recursion_available);
        assert_eq!(m.rcode, 0);
        assert_eq!((m.error, m.limit_hit), (None, false));
        assert_eq!(m.questions.len(), 1);
        let q = &m.questions[0];
        assert_eq!((q.name.name(), q.name.suffix()), (&b"DESKTOP-V1FA0UQ"[..], 0x00));
        assert!(q.name.scope.is_root());
        assert_eq!((q.qtype, q.qclass), (TYPE_NB, 1));
        assert_eq!(m.records.len(), 1);
        let r = &m.records[0];
        assert_eq!(r.section, Section::Additional);
        assert_eq!(r.name, q.name);
        assert_eq!((r.rtype, r.class, r.ttl), (TYPE_NB, 1, 300_000));
        let a = NbAddress { group: false, ont: 0, addr: Ipv4Addr::new(192, 168, 199, 133) };
        assert_eq!(r.data, NbData::Nb(vec![a]));
    }

    #[test]
    fn positive_response_fields() {
        let m = parse(&unhex(POSITIVE_RESPONSE)).unwrap();
        assert!(m.response && m.authoritative && m.recursion_desired && !m.broadcast);
        assert_eq!((m.opcode, m.rcode), (Opcode::Query, 0));
        assert!(m.questions.is_empty());
        let r = &m.records[0];
        assert_eq!(r.section, Section::Answer);
        assert_eq!((r.name.name(), r.name.suffix()), (&b"SCV"[..], 0x20));
        let h = |a| NbAddress { group: false, ont: 3, addr: a };
        assert_eq!(r.data, NbData::Nb(vec![h(Ipv4Addr::new(192, 168, 199, 1)), h(Ipv4Addr::new(192, 168, 10, 1))]));
    }

    #[test]
    fn node_status_fields() {
        let m = parse(&unhex(NODE_STATUS)).unwrap();
        assert_eq!(m.error, None);
        let r = &m.records[0];
        assert_eq!((r.name.name(), r.name.suffix()), (&b"*"[..], 0x00));
        assert_eq!((r.rtype, r.class, r.ttl), (TYPE_NBSTAT, 1, 0));
        let NbData::NodeStatus { names, unit_id } = &r.data else { panic!("{:?}", r.data) };
        assert_eq!(unit_id.unwrap().to_string(), "00:11:32:a1:b2:c3");
        let got: Vec<_> = names.iter().map(|n| (n.name().to_vec(), n.suffix(), n.group(), n.flags)).collect();
        assert_eq!(
            got,
            vec![
                (b"NAS".to_vec(), 0x00, false, 0x0400),
                (b"NAS".to_vec(), 0x03, false, 0x0400),
                (b"NAS".to_vec(), 0x20, false, 0x0400),
                (b"WORKGROUP".to_vec(), 0x00, true, 0x8400),
                (b"WORKGROUP".to_vec(), 0x1e, true, 0x8400),
            ]
        );
        // Without statistics the table still parses, without a unit ID.
        let mut b = unhex(NODE_STATUS);
        b.truncate(b.len() - 46);
        let rdlen_at = b.len() - 1 - 5 * 18 - 2;
        b[rdlen_at..rdlen_at + 2].copy_from_slice(&(1 + 5 * 18u16).to_be_bytes());
        let m = parse(&b).unwrap();
        assert_eq!(m.error, None);
        assert!(matches!(&m.records[0].data, NbData::NodeStatus { names, unit_id: None } if names.len() == 5));
    }

    #[test]
    fn bad_names_and_counts_are_errors() {
        // A label of 31 letters, and one with a letter past 'P'.
        let mut b = unhex(REGISTRATION);
        b[12] = 31;
        assert!(parse(&b).unwrap().error.is_some());
        let mut b = unhex(REGISTRATION);
        b[13] = b'Z';
        assert_eq!(parse(&b).unwrap().error, Some(WireError::Invalid("NetBIOS name encoding")));
        // Node status claiming more names than its record holds.
        let mut b = unhex(NODE_STATUS);
        let count_at = 12 + 34 + 10;
        b[count_at] = 9;
        assert_eq!(parse(&b).unwrap().error, Some(WireError::Invalid("NetBIOS node status name count")));
        assert!(matches!(parse(&unhex("0000")), Err(WireError::Truncated { needed: 12, got: 2 })));
    }

    #[test]
    fn truncation_keeps_the_question() {
        let full = unhex(REGISTRATION);
        let m = parse(&full[..full.len() - 2]).unwrap();
        assert_eq!(m.questions.len(), 1);
        assert!(m.records.is_empty());
        assert!(matches!(m.error, Some(WireError::Truncated { .. })));
        for cut in 0..full.len() {
            let _ = parse(&full[..cut]);
        }
    }

    #[test]
    fn limits() {
        // NB record with 20 addresses keeps MAX_NB_ADDRESSES.
        let mut b = unhex("0000 8500 0000 0001 0000 0000");
        b.extend(&unhex(POSITIVE_RESPONSE)[12..12 + 34 + 8]);
        b.extend(((20 * 6) as u16).to_be_bytes());
        for i in 0..20u8 {
            b.extend([0x60, 0, 10, 0, 0, i]);
        }
        let m = parse(&b).unwrap();
        assert_eq!(m.error, None);
        assert!(matches!(&m.records[0].data, NbData::Nb(a) if a.len() == MAX_NB_ADDRESSES));
        // More records than MAX_RECORDS, and more questions than MAX_QUESTIONS.
        let one = &unhex(POSITIVE_RESPONSE)[12..];
        let mut b = unhex("0000 8500 0000 0014 0000 0000");
        for _ in 0..20 {
            b.extend(one);
        }
        let m = parse(&b).unwrap();
        assert_eq!((m.records.len(), m.limit_hit, m.error), (MAX_RECORDS, true, None));
        let q = &unhex(REGISTRATION)[12..12 + 38];
        let mut b = unhex("0000 0000 0010 0000 0000 0000");
        for _ in 0..16 {
            b.extend(q);
        }
        let m = parse(&b).unwrap();
        assert_eq!((m.questions.len(), m.limit_hit), (MAX_QUESTIONS, true));
    }

    #[test]
    fn mutated_messages_never_panic() {
        // A small deterministic fuzz over the three fixtures (xorshift, fixed seed).
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for base in [REGISTRATION, POSITIVE_RESPONSE, NODE_STATUS].map(unhex) {
            for _ in 0..10_000 {
                let mut b = base.clone();
                for _ in 0..3 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let i = (x as usize) % b.len();
                    b[i] = (x >> 32) as u8;
                }
                let cut = (x >> 40) as usize % (b.len() + 1);
                let _ = parse(&b[..cut]);
                let _ = parse(&b);
            }
        }
    }

    #[test]
    fn decode_first_level() {
        assert_eq!(NbName::decode(b"CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").map(|r| r[0]), Some(b'*'));
        assert_eq!(NbName::decode(b"CKAA"), None);
        assert_eq!(Opcode::from(9), Opcode::Refresh);
        assert_eq!(Opcode::from(3), Opcode::Unknown(3));
    }
}
