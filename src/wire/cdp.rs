//! Cisco Discovery Protocol, versions 1 and 2 (the payload after SNAP 00:00:0c / 0x2000).
//!
//! Written by hand: no maintained crate fits (the project's crate survey lists none;
//! `flowscope` carries a feature-gated CDP parser inside a flow-tracking crate, not
//! evaluated: a large dependency for one TLV walk). The format is a 4-byte header
//! (version, TTL, checksum) and then TLVs with a 16-bit type and a 16-bit length that
//! counts the 4-byte TLV header. [`Tlvs`] is the checked view (it yields a TLV only when
//! its whole value is present); [`parse`] builds the typed [`Cdp`] from it. The first
//! problem met is kept in [`Cdp::malformed`] with everything decoded before it; unknown
//! TLV types are kept as values.
//!
//! The checksum is the IP checksum over the whole CDP message, except that Cisco adds an
//! odd final byte as the low byte of a 16-bit word, sign-extended (Wireshark's
//! `packet-cdp.c` describes the quirk; `cdp_v2.pcap`, ending in 0xfd, verifies only this
//! way). [`Cdp::checksum_ok`] also accepts RFC 1071's reading (the byte as the high half)
//! and the unsigned low byte, since non-Cisco senders differ on it (scapy treats a final
//! 0x80 as unsigned); that admits three of 65,536 values instead of one.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{WireError, be16, need};

mod field {
    use core::ops::Range;
    pub const VERSION: usize = 0;
    pub const TTL: usize = 1;
    pub const CHECKSUM: Range<usize> = 2..4;
    pub const TLVS: usize = 4;
    /// Type and length of every TLV; the length includes these 4 bytes.
    pub const TLV_TYPE: usize = 0;
    pub const TLV_LEN: usize = 2;
    pub const TLV_HEADER: usize = 4;
    /// Addresses: a 32-bit count, then entries of protocol type, protocol length,
    /// protocol, 16-bit address length, address.
    pub const ADDR_COUNT: Range<usize> = 0..4;
    pub const ADDR_ENTRIES: usize = 4;
    /// VoIP VLAN Reply: appliance ID, VLAN.
    pub const VOICE_APPLIANCE: usize = 0;
    pub const VOICE_VLAN: usize = 1;
}

pub mod tlv {
    pub const DEVICE_ID: u16 = 0x0001;
    pub const ADDRESSES: u16 = 0x0002;
    pub const PORT_ID: u16 = 0x0003;
    pub const CAPABILITIES: u16 = 0x0004;
    pub const SOFTWARE_VERSION: u16 = 0x0005;
    pub const PLATFORM: u16 = 0x0006;
    pub const VTP_DOMAIN: u16 = 0x0009;
    pub const NATIVE_VLAN: u16 = 0x000a;
    pub const DUPLEX: u16 = 0x000b;
    pub const VOIP_VLAN_REPLY: u16 = 0x000e;
    pub const POWER: u16 = 0x0010;
    pub const SYSTEM_NAME: u16 = 0x0014;
    pub const MANAGEMENT_ADDRESSES: u16 = 0x0016;
}

/// TLVs read from one message. A Catalyst sends about 15; a 1500-byte message of empty
/// 4-byte TLVs would hold 374. Beyond 64 parsing stops (malformed).
pub const MAX_TLVS: usize = 64;
/// Addresses kept per Addresses or Management Addresses TLV. The count field is 32 bits
/// and is never trusted for allocation; real devices list one or two.
pub const MAX_ADDRESSES: usize = 8;
/// Longest string kept (device ID, port, platform, software version …): the same bound
/// quietwire puts on any text from a packet. An IOS version banner runs to ~280 bytes;
/// its informative first lines come first.
pub const MAX_STRING_LEN: usize = 255;
/// Unknown TLV types remembered.
pub const MAX_UNKNOWN: usize = 32;

/// One TLV: its type and value (without the 4-byte header).
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Tlv<'a> {
    pub kind: u16,
    pub value: &'a [u8],
}

/// The checked view over the TLVs after the header: yields whole TLVs and stops at the
/// end of the buffer or at the first TLV that is short or runs past it (yielding the
/// error once).
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let r = self.rest;
        let item = if r.len() < field::TLV_HEADER {
            Err(WireError::Truncated { needed: field::TLV_HEADER, got: r.len() })
        } else {
            let (kind, len) = (be16(r, field::TLV_TYPE), be16(r, field::TLV_LEN) as usize);
            if len < field::TLV_HEADER {
                Err(WireError::Invalid("CDP TLV length"))
            } else if let Some(value) = r.get(field::TLV_HEADER..len) {
                self.rest = &r[len..];
                return Some(Ok(Tlv { kind, value }));
            } else {
                Err(WireError::Truncated { needed: len, got: r.len() })
            }
        };
        self.rest = &[];
        Some(item)
    }
}

/// A CDP address entry.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Address<'a> {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    /// Another protocol (CLNS, DECnet, AppleTalk …), kept as its protocol type, protocol
    /// identifier and address bytes.
    Other {
        protocol_type: u8,
        protocol: &'a [u8],
        address: &'a [u8],
    },
}

/// NLPID protocol type with protocol 0xCC: IPv4.
const PT_NLPID: u8 = 1;
const NLPID_IP: &[u8] = &[0xcc];
/// 802.2 protocol type with an LLC/SNAP header naming EtherType 0x86DD: IPv6.
const PT_8022: u8 = 2;
const SNAP_IPV6: &[u8] = &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd];

impl<'a> Address<'a> {
    fn new(protocol_type: u8, protocol: &'a [u8], address: &'a [u8]) -> Address<'a> {
        match (protocol_type, protocol) {
            (PT_NLPID, NLPID_IP) => <[u8; 4]>::try_from(address).map(|a| Address::V4(a.into())).ok(),
            (PT_8022, SNAP_IPV6) => <[u8; 16]>::try_from(address).map(|a| Address::V6(a.into())).ok(),
            _ => None,
        }
        .unwrap_or(Address::Other { protocol_type, protocol, address })
    }
}

/// Parses an Addresses / Management Addresses value; `None` when an entry runs past it.
fn addresses(v: &[u8]) -> Option<Vec<Address<'_>>> {
    let count = u32::from_be_bytes(v.get(field::ADDR_COUNT)?.try_into().ok()?);
    let mut rest = v.get(field::ADDR_ENTRIES..)?;
    let mut out = Vec::new();
    for _ in 0..count {
        let (&pt, r) = rest.split_first()?;
        let (&pl, r) = r.split_first()?;
        let protocol = r.get(..pl as usize)?;
        let r = &r[pl as usize..];
        let al = be16(r.get(..2)?, 0) as usize;
        let address = r.get(2..2 + al)?;
        rest = &r[2 + al..];
        if out.len() < MAX_ADDRESSES {
            out.push(Address::new(pt, protocol, address));
        }
        if rest.is_empty() {
            break;
        }
    }
    Some(out)
}

/// The Capabilities bit set.
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct Capabilities(pub u32);

impl Capabilities {
    pub const ROUTER: u32 = 0x01;
    pub const TRANSPARENT_BRIDGE: u32 = 0x02;
    pub const SOURCE_ROUTE_BRIDGE: u32 = 0x04;
    pub const SWITCH: u32 = 0x08;
    pub const HOST: u32 = 0x10;
    pub const IGMP: u32 = 0x20;
    pub const REPEATER: u32 = 0x40;
    pub const PHONE: u32 = 0x80;
    pub const REMOTE: u32 = 0x100;
    pub const CVTA: u32 = 0x200;
    pub const MAC_RELAY: u32 = 0x400;
    const NAMES: [&'static str; 11] = [
        "router",
        "trans-bridge",
        "source-route-bridge",
        "switch",
        "host",
        "igmp",
        "repeater",
        "phone",
        "remote",
        "cvta",
        "mac-relay",
    ];

    pub fn has(self, bits: u32) -> bool {
        self.0 & bits != 0
    }

    /// Names of the bits set, lowest first; undefined bits as `bitN`.
    pub fn names(self) -> impl Iterator<Item = String> {
        (0..32).filter(move |i| self.0 & (1 << i) != 0).map(|i| match Self::NAMES.get(i) {
            Some(n) => (*n).to_string(),
            None => format!("bit{i}"),
        })
    }
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum Duplex {
    Half,
    Full,
    Unknown(u8),
}

/// VoIP VLAN Reply: the VLAN a switch tells an appliance (ID 1: a phone) to use.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct VoiceVlan {
    pub appliance: u8,
    pub vlan: u16,
}

/// A decoded CDP message.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Cdp<'a> {
    pub version: u8,
    pub ttl: u8,
    pub checksum: u16,
    /// The checksum matches (Cisco's or RFC 1071's treatment of an odd final byte).
    pub checksum_ok: bool,
    pub device_id: Option<&'a [u8]>,
    pub addresses: Vec<Address<'a>>,
    pub port_id: Option<&'a [u8]>,
    pub capabilities: Option<Capabilities>,
    pub software_version: Option<&'a [u8]>,
    pub platform: Option<&'a [u8]>,
    pub vtp_domain: Option<&'a [u8]>,
    pub native_vlan: Option<u16>,
    pub duplex: Option<Duplex>,
    pub voice_vlan: Option<VoiceVlan>,
    /// Power consumption in milliwatts.
    pub power_mw: Option<u16>,
    pub system_name: Option<&'a [u8]>,
    pub management_addresses: Vec<Address<'a>>,
    pub unknown: Vec<u16>,
    /// The first problem met; everything before it was decoded.
    pub malformed: Option<WireError>,
}

/// A string value: up to the first NUL and at most [`MAX_STRING_LEN`] bytes.
fn text(v: &[u8]) -> &[u8] {
    let v = v.iter().position(|&b| b == 0).map_or(v, |n| &v[..n]);
    &v[..v.len().min(MAX_STRING_LEN)]
}

/// One's-complement sum of big-endian 16-bit words, the checksum field counted as zero;
/// an odd final byte is left to the caller.
fn word_sum(b: &[u8]) -> u64 {
    let mut sum = 0u64;
    for (i, w) in b.chunks_exact(2).enumerate() {
        if i != field::CHECKSUM.start / 2 {
            sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        }
    }
    sum
}

fn fold(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Whether `b` (a whole CDP message) carries a valid checksum.
fn checksum_ok(b: &[u8], stored: u16) -> bool {
    let sum = word_sum(b);
    match b.len() % 2 {
        0 => fold(sum) == stored,
        _ => {
            let last = b.last().copied().unwrap_or(0);
            // Cisco: the byte as the low half of a word, sign-extended (0x80.. add
            // 0xff00 + byte - 1 in one's complement); RFC 1071: as the high half.
            let cisco = if last & 0x80 != 0 { 0xff00 + u64::from(last) - 1 } else { u64::from(last) };
            [cisco, u64::from(last), u64::from(last) << 8].iter().any(|&odd| fold(sum + odd) == stored)
        }
    }
}

/// Parses a CDP message. `Err` when the header is short or names an unknown version.
pub fn parse(b: &[u8]) -> Result<Cdp<'_>, WireError> {
    need(b, field::TLVS)?;
    let version = b[field::VERSION];
    if !(1..=2).contains(&version) {
        return Err(WireError::Invalid("CDP version"));
    }
    let checksum = be16(b, field::CHECKSUM.start);
    let mut cdp = Cdp {
        version,
        ttl: b[field::TTL],
        checksum,
        checksum_ok: checksum_ok(b, checksum),
        device_id: None,
        addresses: Vec::new(),
        port_id: None,
        capabilities: None,
        software_version: None,
        platform: None,
        vtp_domain: None,
        native_vlan: None,
        duplex: None,
        voice_vlan: None,
        power_mw: None,
        system_name: None,
        management_addresses: Vec::new(),
        unknown: Vec::new(),
        malformed: None,
    };
    let tlvs = Tlvs { rest: &b[field::TLVS..] };
    for (i, t) in tlvs.enumerate() {
        if i == MAX_TLVS {
            cdp.malformed = Some(WireError::Invalid("CDP TLV count (limit)"));
            break;
        }
        match t {
            Ok(t) => {
                if let Err(e) = cdp.take(t) {
                    cdp.malformed.get_or_insert(e);
                }
            }
            Err(e) => {
                cdp.malformed.get_or_insert(e);
                break;
            }
        }
    }
    Ok(cdp)
}

impl<'a> Cdp<'a> {
    /// Decodes one TLV; an error marks it malformed (the TLVs after it are still read).
    fn take(&mut self, t: Tlv<'a>) -> Result<(), WireError> {
        let v = t.value;
        let s = text(v);
        match t.kind {
            tlv::DEVICE_ID => _ = self.device_id.get_or_insert(s),
            tlv::PORT_ID => _ = self.port_id.get_or_insert(s),
            tlv::SOFTWARE_VERSION => _ = self.software_version.get_or_insert(s),
            tlv::PLATFORM => _ = self.platform.get_or_insert(s),
            tlv::VTP_DOMAIN => _ = self.vtp_domain.get_or_insert(s),
            tlv::SYSTEM_NAME => _ = self.system_name.get_or_insert(s),
            tlv::ADDRESSES | tlv::MANAGEMENT_ADDRESSES => {
                let list = addresses(v).ok_or(WireError::Invalid("CDP address list"))?;
                let slot = if t.kind == tlv::ADDRESSES { &mut self.addresses } else { &mut self.management_addresses };
                if slot.is_empty() {
                    *slot = list;
                }
            }
            tlv::CAPABILITIES => {
                let c = <[u8; 4]>::try_from(v).map_err(|_| WireError::Invalid("CDP capabilities length"))?;
                self.capabilities.get_or_insert(Capabilities(u32::from_be_bytes(c)));
            }
            tlv::NATIVE_VLAN => {
                let n = v.get(..2).ok_or(WireError::Invalid("CDP native VLAN length"))?;
                self.native_vlan.get_or_insert(be16(n, 0));
            }
            tlv::DUPLEX => {
                let d = *v.first().ok_or(WireError::Invalid("CDP duplex length"))?;
                self.duplex.get_or_insert(match d {
                    0 => Duplex::Half,
                    1 => Duplex::Full,
                    o => Duplex::Unknown(o),
                });
            }
            tlv::VOIP_VLAN_REPLY => {
                let vlan = v
                    .get(field::VOICE_VLAN..field::VOICE_VLAN + 2)
                    .ok_or(WireError::Invalid("CDP VoIP VLAN length"))?;
                self.voice_vlan.get_or_insert(VoiceVlan { appliance: v[field::VOICE_APPLIANCE], vlan: be16(vlan, 0) });
            }
            tlv::POWER => {
                let p = v.get(..2).ok_or(WireError::Invalid("CDP power length"))?;
                self.power_mw.get_or_insert(be16(p, 0));
            }
            kind => {
                if self.unknown.len() < MAX_UNKNOWN {
                    self.unknown.push(kind);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn t(kind: u16, value: &[u8]) -> Vec<u8> {
        let mut v = kind.to_be_bytes().to_vec();
        v.extend((value.len() as u16 + 4).to_be_bytes());
        v.extend_from_slice(value);
        v
    }

    fn ipv4_entry(a: [u8; 4]) -> Vec<u8> {
        let mut v = vec![PT_NLPID, 1, 0xcc, 0, 4];
        v.extend(a);
        v
    }

    /// Header + TLVs with a correct checksum (Cisco's odd-byte rule).
    pub(crate) fn message(version: u8, tlvs: &[Vec<u8>]) -> Vec<u8> {
        let mut b = vec![version, 180, 0, 0];
        for x in tlvs {
            b.extend(x);
        }
        let sum = word_sum(&b);
        let odd = match (b.len() % 2, b.last().copied().unwrap_or(0)) {
            (0, _) => 0,
            (_, l) if l & 0x80 != 0 => 0xff00 + u64::from(l) - 1,
            (_, l) => u64::from(l),
        };
        let c = fold(sum + odd);
        b[2..4].copy_from_slice(&c.to_be_bytes());
        b
    }

    /// A Cisco IP phone: device ID, IPv4 + IPv6 addresses, port, capabilities, software,
    /// platform, duplex, VoIP VLAN, power, management address, one unknown TLV.
    pub(crate) fn phone_fixture() -> Vec<u8> {
        let mut addrs = vec![0, 0, 0, 2];
        addrs.extend(ipv4_entry([10, 0, 50, 21]));
        addrs.extend([PT_8022, 8]);
        addrs.extend(SNAP_IPV6);
        addrs.extend([0, 16]);
        addrs.extend("2001:db8:50::21".parse::<Ipv6Addr>().unwrap().octets());
        let mut mgmt = vec![0, 0, 0, 1];
        mgmt.extend(ipv4_entry([10, 0, 50, 21]));
        message(
            2,
            &[
                t(tlv::DEVICE_ID, b"SEP001122334455"),
                t(tlv::ADDRESSES, &addrs),
                t(tlv::PORT_ID, b"Port 1"),
                t(tlv::CAPABILITIES, &[0, 0, 0x04, 0x90]),
                t(tlv::SOFTWARE_VERSION, b"SCCP45.9-4-2SR3S\0"),
                t(tlv::PLATFORM, b"Cisco IP Phone 7945"),
                t(tlv::DUPLEX, &[1]),
                t(tlv::VOIP_VLAN_REPLY, &[1, 0, 50]),
                t(tlv::POWER, &[0x19, 0x00]),
                t(tlv::VTP_DOMAIN, b""),
                t(tlv::NATIVE_VLAN, &[0, 1]),
                t(tlv::SYSTEM_NAME, b"phone-21"),
                t(tlv::MANAGEMENT_ADDRESSES, &mgmt),
                t(0x0017, b"\x00loc"),
            ],
        )
    }

    #[test]
    fn phone_fields() {
        let b = phone_fixture();
        let c = parse(&b).unwrap();
        assert_eq!((c.version, c.ttl), (2, 180));
        assert!(c.checksum_ok);
        assert_eq!(c.device_id, Some(&b"SEP001122334455"[..]));
        assert_eq!(
            c.addresses,
            vec![Address::V4(Ipv4Addr::new(10, 0, 50, 21)), Address::V6("2001:db8:50::21".parse().unwrap())]
        );
        assert_eq!(c.port_id, Some(&b"Port 1"[..]));
        let caps = c.capabilities.unwrap();
        assert_eq!(caps.names().collect::<Vec<_>>(), vec!["host", "phone", "mac-relay"]);
        assert!(caps.has(Capabilities::PHONE) && !caps.has(Capabilities::ROUTER));
        assert_eq!(c.software_version, Some(&b"SCCP45.9-4-2SR3S"[..]));
        assert_eq!(c.platform, Some(&b"Cisco IP Phone 7945"[..]));
        assert_eq!(c.duplex, Some(Duplex::Full));
        assert_eq!(c.voice_vlan, Some(VoiceVlan { appliance: 1, vlan: 50 }));
        assert_eq!(c.power_mw, Some(6400));
        assert_eq!(c.vtp_domain, Some(&b""[..]));
        assert_eq!(c.native_vlan, Some(1));
        assert_eq!(c.system_name, Some(&b"phone-21"[..]));
        assert_eq!(c.management_addresses, vec![Address::V4(Ipv4Addr::new(10, 0, 50, 21))]);
        assert_eq!(c.unknown, vec![0x0017]);
        assert_eq!(c.malformed, None);
    }

    #[test]
    fn checksum_variants() {
        // Even length.
        let mut b = message(1, &[t(tlv::DEVICE_ID, b"R1")]);
        assert_eq!(b.len() % 2, 0);
        assert!(parse(&b).unwrap().checksum_ok);
        b[2] ^= 1;
        assert!(!parse(&b).unwrap().checksum_ok);
        // Odd length, final byte below 0x80 and above (sign extension).
        for last in [b'z', 0xe9] {
            let b = message(2, &[t(tlv::DEVICE_ID, &[b'a', b'b', last])]);
            assert_eq!(b.len() % 2, 1);
            assert!(parse(&b).unwrap().checksum_ok, "{last:#x}");
        }
        // RFC 1071 reading of an odd byte.
        let mut b = message(2, &[t(tlv::DEVICE_ID, b"abc")]);
        let sum = word_sum(&b) + (u64::from(b'c') << 8);
        b[2..4].copy_from_slice(&fold(sum).to_be_bytes());
        assert!(parse(&b).unwrap().checksum_ok);
    }

    #[test]
    fn header_errors() {
        assert!(matches!(parse(&[2, 180, 0]), Err(WireError::Truncated { .. })));
        assert_eq!(parse(&[3, 180, 0, 0]).unwrap_err(), WireError::Invalid("CDP version"));
        let m = message(2, &[]);
        let c = parse(&m).unwrap();
        assert_eq!((c.device_id, c.malformed), (None, None));
    }

    #[test]
    fn bad_tlvs_keep_the_rest() {
        let mut b = message(2, &[t(tlv::DEVICE_ID, b"sw1"), t(tlv::CAPABILITIES, &[0, 1]), t(tlv::PLATFORM, b"x")]);
        let c = parse(&b).unwrap();
        assert_eq!(c.malformed, Some(WireError::Invalid("CDP capabilities length")));
        assert_eq!((c.device_id, c.platform), (Some(&b"sw1"[..]), Some(&b"x"[..])));
        // A TLV length below 4 (would loop forever if trusted) stops the walk.
        b.extend([0, 6, 0, 2]);
        b.extend(t(tlv::PORT_ID, b"p"));
        let c = parse(&b).unwrap();
        assert_eq!(c.port_id, None);
        // A TLV running past the end is a truncation (snaplen-cut captures).
        let b = message(2, &[t(tlv::DEVICE_ID, b"sw1"), t(tlv::PLATFORM, b"cisco WS-C3560")]);
        let c = parse(&b[..b.len() - 3]).unwrap();
        assert_eq!(c.device_id, Some(&b"sw1"[..]));
        assert!(matches!(c.malformed, Some(WireError::Truncated { .. })));
        // Address entries running past their TLV.
        let m = message(2, &[t(tlv::ADDRESSES, &[0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 10])]);
        let c = parse(&m).unwrap();
        assert!(c.addresses.is_empty());
        assert_eq!(c.malformed, Some(WireError::Invalid("CDP address list")));
    }

    #[test]
    fn limits() {
        // A huge address count is bounded by the data, and at most MAX_ADDRESSES are kept.
        let mut a = vec![0xff, 0xff, 0xff, 0xff];
        for i in 0..MAX_ADDRESSES as u8 + 3 {
            a.extend(ipv4_entry([10, 0, 0, i]));
        }
        let m = message(2, &[t(tlv::ADDRESSES, &a)]);
        let c = parse(&m).unwrap();
        assert_eq!(c.addresses.len(), MAX_ADDRESSES);
        assert_eq!(c.malformed, None);
        // Other protocols are kept as values.
        let m = message(2, &[t(tlv::ADDRESSES, &[0, 0, 0, 1, 1, 1, 0x81, 0, 2, 1, 2])]);
        let c = parse(&m).unwrap();
        assert_eq!(c.addresses, vec![Address::Other { protocol_type: 1, protocol: &[0x81], address: &[1, 2] }]);
        // MAX_TLVS.
        let many: Vec<Vec<u8>> = (0..MAX_TLVS).map(|_| t(0x00ff, &[])).collect();
        let m = message(2, &many);
        let c = parse(&m).unwrap();
        assert_eq!(c.malformed, None);
        assert_eq!(c.unknown.len(), MAX_UNKNOWN);
        let many: Vec<Vec<u8>> = (0..=MAX_TLVS).map(|_| t(0x00ff, &[])).collect();
        assert_eq!(parse(&message(2, &many)).unwrap().malformed, Some(WireError::Invalid("CDP TLV count (limit)")));
        // MAX_STRING_LEN.
        let m = message(2, &[t(tlv::SOFTWARE_VERSION, &[b'v'; 600])]);
        let c = parse(&m).unwrap();
        assert_eq!(c.software_version.map(<[u8]>::len), Some(MAX_STRING_LEN));
    }
}
