//! DNS, mDNS and LLMNR messages (RFC 1035, 6762, 6763, 4795).
//!
//! The header and the code points (record types, classes, opcodes, response codes) are
//! hickory-proto's: `Header::read` and its typed enums, which keep unknown values as
//! `Unknown(raw)`. Names and record framing are walked here, for three reasons measured
//! on hickory-proto 0.26.3:
//!
//! * its `Name::read` rejects a compression pointer that does not point before the
//!   current name (`PointerNotPriorToLabel`), and some real IoT responders send forward
//!   pointers. Here a jump counter ([`MAX_POINTER_JUMPS`]) bounds the walk instead, which
//!   also stops pointer loops;
//! * its `Message::read` drops the whole message on the first bad record, while a sensor
//!   must keep the records before it ([`Message::error`] says where it stopped);
//! * it reserves capacity from the header counts and has no limit on records or TXT
//!   strings; here [`MAX_QUESTIONS`], [`MAX_RECORDS`] and [`MAX_TXT_STRINGS`] bound them.
//!
//! Labels stay raw bytes ([`DnsName`]): mDNS instance names are UTF-8 (`Küche`), which
//! hickory's `Name` display escapes (`K\303\274che`).
//!
//! The top bit of a class is mDNS's cache-flush bit (records) or unicast-response "QU"
//! bit (questions). Unicast DNS and LLMNR never set it, so it is split off for every
//! flavour; OPT records (EDNS) are the exception: their class is a payload size.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub use hickory_proto::op::{Header, MessageType, OpCode, ResponseCode};
pub use hickory_proto::rr::{DNSClass, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder};

use super::{WireError, be16};

mod field {
    use core::ops::Range;
    /// The fixed header (id, flags, four counts).
    pub const HEADER: Range<usize> = 0..12;
    /// After a record's owner name: type, class, TTL, RDLENGTH.
    pub const RR_TYPE: usize = 0;
    pub const RR_CLASS: usize = 2;
    pub const RR_TTL: usize = 4;
    pub const RR_RDLENGTH: usize = 8;
    pub const RR_FIXED_LEN: usize = 10;
    /// After a question's name: type and class.
    pub const Q_TYPE: usize = 0;
    pub const Q_CLASS: usize = 2;
    pub const Q_FIXED_LEN: usize = 4;
    /// SRV RDATA: priority, weight, port, then the target name.
    pub const SRV_PRIORITY: usize = 0;
    pub const SRV_WEIGHT: usize = 2;
    pub const SRV_PORT: usize = 4;
    pub const SRV_TARGET: usize = 6;
}

pub const HEADER_LEN: usize = field::HEADER.end;
pub const MDNS_PORT: u16 = 5353;
pub const LLMNR_PORT: u16 = 5355;
pub const DNS_PORT: u16 = 53;

/// Longest name on the wire, length octets included (RFC 1035 §2.3.4). With at least
/// two bytes per label it also bounds a name to 127 labels.
pub const MAX_NAME_LEN: usize = 255;
/// Compression pointers followed while reading one name. A well-formed encoder jumps
/// at most once per label it saves, and a name has at most 127 labels; a crafted
/// pointer loop stops here instead of spinning.
pub const MAX_POINTER_JUMPS: usize = 127;
/// Questions kept from one message. mDNS queries are the largest (Apple devices ask
/// for dozens of service types at once); RFC 6762 §17 caps a message at 9000 bytes and
/// real ones carry well under 100 questions. Parsing stops, without error, when hit.
pub const MAX_QUESTIONS: usize = 128;
/// Resource records (all three sections) kept from one message. A minimal record is
/// 11 bytes, so a 1500-byte packet holds at most 136 and real mDNS responses carry a
/// few dozen. Parsing stops, without error, when hit.
pub const MAX_RECORDS: usize = 256;
/// Character-strings kept from one TXT record. DNS-SD TXT records carry a few dozen
/// key/value pairs at most (RFC 6763 §6.2 advises keeping the record under 200 bytes,
/// or 1300 at most); the rest of a longer record is skipped.
pub const MAX_TXT_STRINGS: usize = 64;

/// Class bit that means "cache flush" on an mDNS record and "unicast response
/// requested" (QU) on an mDNS question (RFC 6762 §10.2, §5.4).
const CLASS_TOP_BIT: u16 = 0x8000;

/// A domain name as its raw labels (no decompression left to do, no escaping).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct DnsName {
    labels: Vec<Vec<u8>>,
}

impl DnsName {
    pub fn from_labels<L: AsRef<[u8]>>(labels: &[L]) -> DnsName {
        DnsName { labels: labels.iter().map(|l| l.as_ref().to_vec()).collect() }
    }

    pub fn labels(&self) -> &[Vec<u8>] {
        &self.labels
    }

    pub fn is_root(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels joined with dots, each decoded as lossy UTF-8, without the root's
    /// trailing dot (`Küche._ipp._tcp.local`).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (i, l) in self.labels.iter().enumerate() {
            if i > 0 {
                s.push('.');
            }
            s.push_str(&String::from_utf8_lossy(l));
        }
        s
    }

    /// DNS comparison: ASCII letters match regardless of case (RFC 4343).
    pub fn eq_ignore_ascii_case(&self, other: &DnsName) -> bool {
        self.labels.len() == other.labels.len()
            && self.labels.iter().zip(&other.labels).all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    /// Whether the last labels are `suffix` (ASCII case-insensitive).
    pub fn ends_with(&self, suffix: &[&str]) -> bool {
        self.labels.len() >= suffix.len()
            && self.labels[self.labels.len() - suffix.len()..]
                .iter()
                .zip(suffix)
                .all(|(l, s)| l.eq_ignore_ascii_case(s.as_bytes()))
    }
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_text())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub name: DnsName,
    pub qtype: RecordType,
    pub qclass: DNSClass,
    /// mDNS "QU": the asker wants a unicast answer.
    pub unicast_response: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Section {
    Answer,
    Authority,
    Additional,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: DnsName,
}

/// The record data quietwire reads; everything else keeps only its length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Ptr(DnsName),
    Srv(Srv),
    /// Character-strings, at most [`MAX_TXT_STRINGS`].
    Txt(Vec<Vec<u8>>),
    Other {
        len: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub section: Section,
    pub name: DnsName,
    pub rtype: RecordType,
    pub class: DNSClass,
    /// mDNS: this record replaces the cached ones of the same name and type.
    pub cache_flush: bool,
    pub ttl: u32,
    pub data: RData,
}

/// A decoded message: everything that parsed, and why parsing stopped early if it did.
#[derive(Clone, Debug)]
pub struct Message {
    pub header: Header,
    pub questions: Vec<Question>,
    pub records: Vec<Record>,
    /// The first malformed part. Records before it are kept; a record whose framing was
    /// intact but whose data was not is skipped and parsing goes on.
    pub error: Option<WireError>,
    /// [`MAX_QUESTIONS`] or [`MAX_RECORDS`] was reached and the rest was not read.
    pub limit_hit: bool,
}

impl Message {
    pub fn is_response(&self) -> bool {
        self.header.metadata.message_type == MessageType::Response
    }

    pub fn op_code(&self) -> OpCode {
        self.header.metadata.op_code
    }

    pub fn response_code(&self) -> ResponseCode {
        self.header.metadata.response_code
    }

    /// Records of one section.
    pub fn section(&self, s: Section) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(move |r| r.section == s)
    }
}

fn truncated(needed: usize, msg: &[u8]) -> WireError {
    WireError::Truncated { needed, got: msg.len() }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads a name at `at` in `msg`, following compression pointers in either direction
/// (at most [`MAX_POINTER_JUMPS`]); returns it and the offset just past its in-place
/// part. Labels that start with the reserved bits `01`/`10` are invalid.
pub fn read_name(msg: &[u8], at: usize) -> Result<(DnsName, usize), WireError> {
    let mut labels = Vec::new();
    let mut pos = at;
    let mut end = None;
    let mut jumps = 0;
    let mut wire_len = 1; // the root label
    loop {
        let len = *msg.get(pos).ok_or_else(|| truncated(pos + 1, msg))?;
        match len & 0xc0 {
            0x00 if len == 0 => return Ok((DnsName { labels }, end.unwrap_or(pos + 1))),
            0x00 => {
                let n = usize::from(len);
                let label = msg.get(pos + 1..pos + 1 + n).ok_or_else(|| truncated(pos + 1 + n, msg))?;
                wire_len += 1 + n;
                if wire_len > MAX_NAME_LEN {
                    return Err(WireError::Invalid("DNS name longer than 255 bytes"));
                }
                labels.push(label.to_vec());
                pos += 1 + n;
            }
            0xc0 => {
                let lo = *msg.get(pos + 1).ok_or_else(|| truncated(pos + 2, msg))?;
                jumps += 1;
                if jumps > MAX_POINTER_JUMPS {
                    return Err(WireError::Invalid("DNS compression pointer chain"));
                }
                end.get_or_insert(pos + 2);
                pos = usize::from(u16::from_be_bytes([len & 0x3f, lo]));
                if pos < HEADER_LEN {
                    return Err(WireError::Invalid("DNS compression pointer into the header"));
                }
            }
            _ => return Err(WireError::Invalid("DNS label type")),
        }
    }
}

/// Splits the mDNS top bit off a class.
fn split_class(raw: u16) -> (DNSClass, bool) {
    (DNSClass::from(raw & !CLASS_TOP_BIT), raw & CLASS_TOP_BIT != 0)
}

fn read_question(msg: &[u8], at: usize) -> Result<(Question, usize), WireError> {
    let (name, p) = read_name(msg, at)?;
    let fixed = msg.get(p..p + field::Q_FIXED_LEN).ok_or_else(|| truncated(p + field::Q_FIXED_LEN, msg))?;
    let (qclass, unicast_response) = split_class(be16(fixed, field::Q_CLASS));
    let q = Question { name, qtype: RecordType::from(be16(fixed, field::Q_TYPE)), qclass, unicast_response };
    Ok((q, p + field::Q_FIXED_LEN))
}

/// Reads one record at `at`. The outer error means the framing is lost; the inner one
/// that the record's data is bad but the next record starts at the returned offset.
#[allow(clippy::type_complexity)]
fn read_record(msg: &[u8], at: usize, section: Section) -> Result<(Result<Record, WireError>, usize), WireError> {
    let (name, p) = read_name(msg, at)?;
    let fixed = msg.get(p..p + field::RR_FIXED_LEN).ok_or_else(|| truncated(p + field::RR_FIXED_LEN, msg))?;
    let rtype = RecordType::from(be16(fixed, field::RR_TYPE));
    let raw_class = be16(fixed, field::RR_CLASS);
    let (class, cache_flush) =
        if rtype == RecordType::OPT { (DNSClass::for_opt(raw_class), false) } else { split_class(raw_class) };
    let ttl = be32(fixed, field::RR_TTL);
    let start = p + field::RR_FIXED_LEN;
    let end = start + usize::from(be16(fixed, field::RR_RDLENGTH));
    if end > msg.len() {
        return Err(truncated(end, msg));
    }
    let data = read_rdata(msg, rtype, start, end);
    Ok((data.map(|data| Record { section, name, rtype, class, cache_flush, ttl, data }), end))
}

/// A name inside RDATA: it may point anywhere, but its in-place part must end inside
/// the record.
fn rdata_name(msg: &[u8], at: usize, end: usize) -> Result<DnsName, WireError> {
    let (name, after) = read_name(msg, at)?;
    if after != end {
        return Err(WireError::Invalid("DNS name does not fill its record"));
    }
    Ok(name)
}

fn read_rdata(msg: &[u8], rtype: RecordType, start: usize, end: usize) -> Result<RData, WireError> {
    let rd = &msg[start..end];
    Ok(match rtype {
        RecordType::A => RData::A(
            <[u8; 4]>::try_from(rd).map(Ipv4Addr::from).map_err(|_| WireError::Invalid("DNS A record length"))?,
        ),
        RecordType::AAAA => RData::Aaaa(
            <[u8; 16]>::try_from(rd).map(Ipv6Addr::from).map_err(|_| WireError::Invalid("DNS AAAA record length"))?,
        ),
        RecordType::PTR => RData::Ptr(rdata_name(msg, start, end)?),
        RecordType::SRV => {
            if rd.len() < field::SRV_TARGET {
                return Err(WireError::Invalid("DNS SRV record length"));
            }
            RData::Srv(Srv {
                priority: be16(rd, field::SRV_PRIORITY),
                weight: be16(rd, field::SRV_WEIGHT),
                port: be16(rd, field::SRV_PORT),
                target: rdata_name(msg, start + field::SRV_TARGET, end)?,
            })
        }
        RecordType::TXT => {
            let mut strings = Vec::new();
            let mut i = 0;
            while i < rd.len() && strings.len() < MAX_TXT_STRINGS {
                let n = usize::from(rd[i]);
                let s = rd.get(i + 1..i + 1 + n).ok_or(WireError::Invalid("DNS TXT string overruns its record"))?;
                strings.push(s.to_vec());
                i += 1 + n;
            }
            RData::Txt(strings)
        }
        _ => RData::Other { len: rd.len() },
    })
}

/// Parses a DNS/mDNS/LLMNR message. Only a message shorter than its header is an
/// error; a problem further on ends parsing with [`Message::error`] set.
pub fn parse(msg: &[u8]) -> Result<Message, WireError> {
    super::need(msg, HEADER_LEN)?;
    let header = Header::read(&mut BinDecoder::new(&msg[field::HEADER]))
        .map_err(|_| WireError::Truncated { needed: HEADER_LEN, got: msg.len() })?;
    let mut m = Message { header, questions: Vec::new(), records: Vec::new(), error: None, limit_hit: false };
    let counts = header.counts;
    let mut pos = HEADER_LEN;
    for _ in 0..counts.queries {
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
        (Section::Answer, counts.answers),
        (Section::Authority, counts.authorities),
        (Section::Additional, counts.additionals),
    ];
    let mut read = 0;
    for (section, count) in sections {
        for _ in 0..count {
            if read == MAX_RECORDS {
                m.limit_hit = true;
                return Ok(m);
            }
            read += 1;
            match read_record(msg, pos, section) {
                Ok((r, next)) => {
                    match r {
                        Ok(r) => m.records.push(r),
                        Err(e) => {
                            m.error.get_or_insert(e);
                        }
                    }
                    pos = next;
                }
                Err(e) => {
                    m.error.get_or_insert(e);
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

    pub(crate) fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// An mDNS response from a printer, assembled by hand with compression pointers
    /// (scapy's decoder reads it the same way): PTR `_ipp._tcp.local` → `Küche._ipp._tcp.local`, then with the
    /// cache-flush bit SRV (port 631, target `drucker.local`), TXT (`txtvers=1`,
    /// `ty=HP LaserJet`, `usb_MDL=LaserJet 400`), A 192.168.1.50 and AAAA fe80::1.
    pub(crate) const PRINTER_RESPONSE: &str = "
        0000 8400 0000 0001 0000 0004
        045f697070045f746370056c6f63616c00 000c 0001 00001194 0009
            064bc3bc636865c00c
        c027 0021 8001 00000078 0010 0000 0000 0277 07647275636b6572c016
        c027 0010 8001 00001194 002e 0974787476657273 3d31 0e74793d4850204c617365724a6574
            14 7573625f4d444c3d4c617365724a6574203430 30
        c042 0001 8001 00000078 0004 c0a80132
        c042 001c 8001 00000078 0010 fe800000000000000000000000000001";

    #[test]
    fn printer_response_fields() {
        let m = parse(&unhex(PRINTER_RESPONSE)).unwrap();
        assert!(m.is_response());
        assert_eq!(m.op_code(), OpCode::Query);
        assert_eq!(m.response_code(), ResponseCode::NoError);
        assert!(m.header.metadata.authoritative);
        assert_eq!(m.header.metadata.id, 0);
        assert_eq!((m.error, m.limit_hit), (None, false));
        assert!(m.questions.is_empty());
        assert_eq!(m.records.len(), 5);
        let instance = DnsName::from_labels(&["Küche".as_bytes(), b"_ipp", b"_tcp", b"local"]);
        let host = DnsName::from_labels(&["drucker", "local"]);

        let ptr = &m.records[0];
        assert_eq!(ptr.section, Section::Answer);
        assert_eq!(ptr.name.to_text(), "_ipp._tcp.local");
        assert_eq!((ptr.rtype, ptr.class, ptr.cache_flush, ptr.ttl), (RecordType::PTR, DNSClass::IN, false, 4500));
        assert_eq!(ptr.data, RData::Ptr(instance.clone()));
        assert_eq!(instance.to_text(), "Küche._ipp._tcp.local");

        let srv = &m.records[1];
        assert_eq!(srv.section, Section::Additional);
        assert_eq!(srv.name, instance);
        assert_eq!((srv.rtype, srv.class, srv.cache_flush, srv.ttl), (RecordType::SRV, DNSClass::IN, true, 120));
        assert_eq!(srv.data, RData::Srv(Srv { priority: 0, weight: 0, port: 631, target: host.clone() }));

        let txt = &m.records[2];
        assert_eq!((txt.rtype, txt.cache_flush, txt.ttl), (RecordType::TXT, true, 4500));
        let strings: Vec<&[u8]> = vec![b"txtvers=1", b"ty=HP LaserJet", b"usb_MDL=LaserJet 400"];
        assert_eq!(txt.data, RData::Txt(strings.iter().map(|s| s.to_vec()).collect()));

        let a = &m.records[3];
        assert_eq!(a.name, host);
        assert_eq!((a.rtype, a.class, a.cache_flush, a.ttl), (RecordType::A, DNSClass::IN, true, 120));
        assert_eq!(a.data, RData::A(Ipv4Addr::new(192, 168, 1, 50)));
        let aaaa = &m.records[4];
        assert_eq!(aaaa.name, host);
        assert_eq!(aaaa.data, RData::Aaaa("fe80::1".parse().unwrap()));
        assert_eq!(m.section(Section::Additional).count(), 4);
    }

    /// A DNS query for `tplinkwifi.net` A with the QU bit set on the class (as an mDNS
    /// one-shot query would), plus an EDNS OPT record (class 1232 = payload size).
    pub(crate) const QUERY: &str = "
        1234 0100 0001 0000 0000 0001
        0a74706c696e6b77696669036e657400 0001 8001
        00 0029 04d0 00000000 0000";

    #[test]
    fn query_fields_and_qu_bit() {
        let m = parse(&unhex(QUERY)).unwrap();
        assert!(!m.is_response());
        assert_eq!(m.header.metadata.id, 0x1234);
        assert!(m.header.metadata.recursion_desired);
        assert_eq!(m.questions.len(), 1);
        let q = &m.questions[0];
        assert_eq!(q.name.to_text(), "tplinkwifi.net");
        assert_eq!((q.qtype, q.qclass, q.unicast_response), (RecordType::A, DNSClass::IN, true));
        assert_eq!(m.records.len(), 1);
        let opt = &m.records[0];
        assert!(opt.name.is_root());
        assert_eq!((opt.rtype, opt.class, opt.cache_flush), (RecordType::OPT, DNSClass::OPT(1232), false));
        assert_eq!(opt.data, RData::Other { len: 0 });
        assert_eq!(m.error, None);
    }

    #[test]
    fn forward_pointer_is_followed() {
        // Answer name = "host" + pointer forward to "local" stored after the record.
        let mut b = unhex("0000 8400 0000 0001 0000 0000");
        b.extend(unhex("04686f7374 c021 0001 0001 00000078 0004 0a000001"));
        assert_eq!(b.len(), 33);
        b.extend(unhex("056c6f63616c00"));
        let m = parse(&b).unwrap();
        assert_eq!(m.error, None);
        assert_eq!(m.records[0].name.to_text(), "host.local");
        assert_eq!(m.records[0].data, RData::A(Ipv4Addr::new(10, 0, 0, 1)));
    }

    #[test]
    fn pointer_loops_and_chains_stop() {
        // A pointer to itself.
        let mut b = unhex("0000 0000 0001 0000 0000 0000");
        b.extend(unhex("c00c 0001 0001"));
        let m = parse(&b).unwrap();
        assert_eq!(m.error, Some(WireError::Invalid("DNS compression pointer chain")));
        assert!(m.questions.is_empty());
        // Two pointers to each other.
        let mut b = unhex("0000 0000 0001 0000 0000 0000");
        b.extend(unhex("c00e c00c 0001 0001"));
        assert_eq!(parse(&b).unwrap().error, Some(WireError::Invalid("DNS compression pointer chain")));
        // Exactly MAX_POINTER_JUMPS pointers in a chain still resolve.
        let mut b = unhex("0000 0000 0001 0000 0000 0000");
        let first = b.len();
        for i in 0..MAX_POINTER_JUMPS {
            let next = (first + 2 * (i + 1)) as u16;
            b.extend((0xc000 | next).to_be_bytes());
        }
        b.extend(unhex("0161 00"));
        let mut q = b.clone();
        // The question sits at `first`; its fixed part follows the chain's end.
        q.extend(unhex("0001 0001"));
        // The in-place part of the name is the first pointer only.
        let (name, after) = read_name(&q, first).unwrap();
        assert_eq!((name.to_text(), after), ("a".to_string(), first + 2));
        // One more pointer in front exceeds the limit.
        let mut b = unhex("0000 0000 0001 0000 0000 0000");
        for i in 0..=MAX_POINTER_JUMPS {
            let next = (first + 2 * (i + 1)) as u16;
            b.extend((0xc000 | next).to_be_bytes());
        }
        b.extend(unhex("0161 00"));
        assert_eq!(read_name(&b, first).unwrap_err(), WireError::Invalid("DNS compression pointer chain"));
        // A pointer into the header, and reserved label types.
        assert_eq!(
            read_name(&unhex("0000 0000 0000 0000 0000 0000 c002"), 12).unwrap_err(),
            WireError::Invalid("DNS compression pointer into the header")
        );
        assert_eq!(
            read_name(&unhex("0000 0000 0000 0000 0000 0000 4100"), 12).unwrap_err(),
            WireError::Invalid("DNS label type")
        );
    }

    #[test]
    fn name_length_limit() {
        // 4 labels of 63 bytes = 4 * 64 + 1 = 257 > 255.
        let mut b = vec![0u8; 12];
        for _ in 0..4 {
            b.push(63);
            b.extend([b'x'; 63]);
        }
        b.push(0);
        assert_eq!(read_name(&b, 12).unwrap_err(), WireError::Invalid("DNS name longer than 255 bytes"));
        // 3 labels of 63 and one of 61: 3 * 64 + 62 + 1 = 255 is allowed.
        let mut b = vec![0u8; 12];
        for n in [63, 63, 63, 61] {
            b.push(n);
            b.extend(vec![b'x'; n as usize]);
        }
        b.push(0);
        assert_eq!(read_name(&b, 12).unwrap().0.labels().len(), 4);
        // A pointer chain cannot grow a name past the limit either: 5 copies of a
        // 63-byte label reached through pointers.
        let mut b = vec![0u8; 12];
        b.push(63);
        b.extend([b'y'; 63]);
        b.extend(unhex("c00c"));
        assert_eq!(read_name(&b, 12).unwrap_err(), WireError::Invalid("DNS name longer than 255 bytes"));
    }

    #[test]
    fn bad_record_data_is_skipped_and_parsing_goes_on() {
        let mut b = unhex("0000 8400 0000 0002 0000 0000");
        b.extend(unhex("0161 00 0001 0001 00000078 0003 0a0000")); // A with 3 bytes
        b.extend(unhex("0162 00 0001 0001 00000078 0004 0a000002"));
        let m = parse(&b).unwrap();
        assert_eq!(m.error, Some(WireError::Invalid("DNS A record length")));
        assert_eq!(m.records.len(), 1);
        assert_eq!(m.records[0].name.to_text(), "b");
        // SRV whose target name runs past its RDLENGTH; TXT string overrun.
        let mut b = unhex("0000 8400 0000 0001 0000 0000");
        b.extend(unhex("0161 00 0021 0001 00000078 0008 0000 0000 0050 0178"));
        b.extend(unhex("00"));
        assert_eq!(parse(&b).unwrap().error, Some(WireError::Invalid("DNS name does not fill its record")));
        let mut b = unhex("0000 8400 0000 0001 0000 0000");
        b.extend(unhex("0161 00 0010 0001 00000078 0003 05 6162"));
        assert_eq!(parse(&b).unwrap().error, Some(WireError::Invalid("DNS TXT string overruns its record")));
    }

    #[test]
    fn truncation_keeps_what_parsed() {
        let full = unhex(PRINTER_RESPONSE);
        for cut in 0..full.len() {
            match parse(&full[..cut]) {
                Err(e) => {
                    assert!(cut < HEADER_LEN);
                    assert_eq!(e, WireError::Truncated { needed: HEADER_LEN, got: cut });
                }
                Ok(m) => {
                    assert!(matches!(m.error, Some(WireError::Truncated { .. })), "cut {cut}: {:?}", m.error);
                    assert!(m.records.len() < 5);
                }
            }
        }
        // Cut inside the last record: the first four are kept.
        let m = parse(&full[..full.len() - 1]).unwrap();
        assert_eq!(m.records.len(), 4);
        assert_eq!(m.error, Some(WireError::Truncated { needed: full.len(), got: full.len() - 1 }));
    }

    #[test]
    fn record_and_question_limits() {
        // More questions than MAX_QUESTIONS: `a` repeated as pointers to the first.
        let mut b = unhex("0000 0000 ffff 0000 0000 0000");
        b.extend(unhex("0161 00 000c 0001"));
        for _ in 1..MAX_QUESTIONS + 10 {
            b.extend(unhex("c00c 000c 0001"));
        }
        let m = parse(&b).unwrap();
        assert_eq!(m.questions.len(), MAX_QUESTIONS);
        assert!(m.limit_hit);
        assert_eq!(m.error, None);
        // More records than MAX_RECORDS across sections.
        let mut b = unhex("0000 8400 0000 0100 0100 0000");
        b.extend(unhex("0161 00 0001 0001 00000078 0004 0a000001"));
        for _ in 1..512 {
            b.extend(unhex("c00c 0001 0001 00000078 0004 0a000001"));
        }
        let m = parse(&b).unwrap();
        assert_eq!(m.records.len(), MAX_RECORDS);
        assert!(m.limit_hit);
        assert_eq!(m.section(Section::Authority).count(), 0);
        // Header counts larger than the data: a truncation, not a limit.
        let b = unhex("0000 8400 0000 ffff 0000 0000");
        let m = parse(&b).unwrap();
        assert!(!m.limit_hit);
        assert_eq!(m.error, Some(WireError::Truncated { needed: 13, got: 12 }));
    }

    #[test]
    fn txt_string_limit() {
        let mut b = unhex("0000 8400 0000 0001 0000 0000");
        let n = MAX_TXT_STRINGS + 5;
        b.extend(unhex("0161 00 0010 0001 00000078"));
        b.extend(((n * 2) as u16).to_be_bytes());
        for _ in 0..n {
            b.extend([1, b'k']);
        }
        let m = parse(&b).unwrap();
        assert_eq!(m.error, None);
        match &m.records[0].data {
            RData::Txt(s) => assert_eq!(s.len(), MAX_TXT_STRINGS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_compare_and_print() {
        let n = DnsName::from_labels(&["Yaels-iPhone", "LOCAL"]);
        assert!(n.ends_with(&["local"]));
        assert!(!n.ends_with(&["arpa"]));
        assert!(n.eq_ignore_ascii_case(&DnsName::from_labels(&["yaels-iphone", "local"])));
        assert_eq!(format!("{n}"), "Yaels-iPhone.LOCAL");
        assert_eq!(DnsName::from_labels(&[&b"bad\xff"[..]]).to_text(), "bad\u{fffd}");
    }

    #[test]
    fn random_bytes_never_panic() {
        // A small deterministic fuzz: mutations of the fixture (xorshift, fixed seed).
        let base = unhex(PRINTER_RESPONSE);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut b = base.clone();
            for _ in 0..4 {
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
