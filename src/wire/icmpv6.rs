//! ICMPv6 neighbour discovery (RFC 4861), types 133-137, and EUI-64 interface IDs
//! (RFC 4291 appendix A).
//!
//! Only the ND messages are decoded; any other ICMPv6 type is returned as
//! [`Icmpv6::Other`] with its type and code, which is valid traffic, not an error. The
//! checksum is not verified: it covers an IPv6 pseudo-header this parser does not see,
//! and a passive sensor keeps what a corrupted frame still says rather than dropping it.

use std::net::Ipv6Addr;

use super::{WireError, be16, need};
use crate::mac::MacAddr;

mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    /// Router Solicitation: 4 reserved bytes, then options.
    pub const RS_OPTIONS: usize = 8;
    /// Router Advertisement.
    pub const RA_HOP_LIMIT: usize = 4;
    pub const RA_FLAGS: usize = 5;
    pub const RA_LIFETIME: usize = 6;
    pub const RA_REACHABLE: usize = 8;
    pub const RA_RETRANS: usize = 12;
    pub const RA_OPTIONS: usize = 16;
    /// Neighbor Solicitation / Advertisement: flags (NA), target, options.
    pub const NA_FLAGS: usize = 4;
    pub const TARGET: Range<usize> = 8..24;
    pub const NS_OPTIONS: usize = 24;
    /// Redirect: target, destination, options.
    pub const DESTINATION: Range<usize> = 24..40;
    pub const REDIRECT_OPTIONS: usize = 40;
    /// Prefix Information option (8 bytes × 4), counted from the option's type byte.
    pub const PI_PREFIX_LEN: usize = 2;
    pub const PI_FLAGS: usize = 3;
    pub const PI_VALID: usize = 4;
    pub const PI_PREFERRED: usize = 8;
    pub const PI_PREFIX: Range<usize> = 16..32;
    /// MTU option (8 bytes): 2 reserved bytes, then the MTU.
    pub const MTU: usize = 4;
}

/// ICMPv6 types of the ND messages.
pub mod kind {
    pub const ROUTER_SOLICIT: u8 = 133;
    pub const ROUTER_ADVERT: u8 = 134;
    pub const NEIGHBOR_SOLICIT: u8 = 135;
    pub const NEIGHBOR_ADVERT: u8 = 136;
    pub const REDIRECT: u8 = 137;
}

/// ND option types read here.
pub mod option {
    pub const SOURCE_LLA: u8 = 1;
    pub const TARGET_LLA: u8 = 2;
    pub const PREFIX_INFO: u8 = 3;
    pub const MTU: u8 = 5;
}

/// Router Advertisement flags.
pub mod ra_flag {
    /// M: addresses are available from DHCPv6.
    pub const MANAGED: u8 = 0x80;
    /// O: other configuration is available from DHCPv6.
    pub const OTHER: u8 = 0x40;
}

/// Neighbor Advertisement flags (the top bits of the first flags byte).
pub mod na_flag {
    pub const ROUTER: u8 = 0x80;
    pub const SOLICITED: u8 = 0x40;
    pub const OVERRIDE: u8 = 0x20;
}

/// Prefix Information flags.
pub mod pi_flag {
    pub const ON_LINK: u8 = 0x80;
    pub const AUTONOMOUS: u8 = 0x40;
}

/// Options read from one message. A router advertisement carries a handful (SLLA, MTU,
/// one to three prefixes, RDNSS, DNSSL, route information); 64 is several times that,
/// and still caps the work on a crafted datagram (a 1500-byte frame fits 182 minimal
/// options, a 64 KB one 8,000). Hitting it is reported as malformed, with the options
/// before it kept.
pub const MAX_OPTIONS: usize = 64;
/// Prefix Information options kept from one Router Advertisement.
pub const MAX_PREFIXES: usize = 16;
/// Longest link-layer address kept from an SLLA/TLLA option (Ethernet uses 6 bytes,
/// IEEE 802.15.4 8; option length 2 allows 14).
pub const MAX_LLA_LEN: usize = 14;

/// One Prefix Information option.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PrefixInfo {
    pub prefix: Ipv6Addr,
    pub prefix_len: u8,
    pub flags: u8,
    pub valid_lifetime: u32,
    pub preferred_lifetime: u32,
}

/// The fixed part of an ND message.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NdMessage {
    RouterSolicit,
    RouterAdvert { cur_hop_limit: u8, flags: u8, router_lifetime: u16, reachable_time: u32, retrans_timer: u32 },
    NeighborSolicit { target: Ipv6Addr },
    NeighborAdvert { flags: u8, target: Ipv6Addr },
    Redirect { target: Ipv6Addr, destination: Ipv6Addr },
}

/// A decoded ND message with the options quietwire uses. `problem` is the first bad
/// option met (a zero length, an option past the end, too many options); the options
/// before it are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NdRepr {
    pub message: NdMessage,
    /// Source link-layer address option, raw.
    pub source_lla: Option<Vec<u8>>,
    /// Target link-layer address option, raw.
    pub target_lla: Option<Vec<u8>>,
    pub prefixes: Vec<PrefixInfo>,
    pub mtu: Option<u32>,
    pub problem: Option<WireError>,
}

/// An Ethernet address from a link-layer address option (6 bytes).
fn lla_mac(lla: &Option<Vec<u8>>) -> Option<MacAddr> {
    lla.as_deref().filter(|a| a.len() == 6).and_then(MacAddr::from_slice)
}

impl NdRepr {
    pub fn source_mac(&self) -> Option<MacAddr> {
        lla_mac(&self.source_lla)
    }
    pub fn target_mac(&self) -> Option<MacAddr> {
        lla_mac(&self.target_lla)
    }
}

/// What an ICMPv6 message is: neighbour discovery, or another type this module does not
/// decode (echo, errors, MLD …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Icmpv6 {
    Nd(NdRepr),
    Other { kind: u8, code: u8 },
}

fn addr(b: &[u8]) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    Ipv6Addr::from(a)
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Parses an ICMPv6 message. `Err` means an ND message whose fixed part is missing or
/// whose code is not 0 (RFC 4861 has receivers drop those).
pub fn parse(b: &[u8]) -> Result<Icmpv6, WireError> {
    need(b, 2)?;
    let (t, code) = (b[field::TYPE], b[field::CODE]);
    let options_at = match t {
        kind::ROUTER_SOLICIT => field::RS_OPTIONS,
        kind::ROUTER_ADVERT => field::RA_OPTIONS,
        kind::NEIGHBOR_SOLICIT | kind::NEIGHBOR_ADVERT => field::NS_OPTIONS,
        kind::REDIRECT => field::REDIRECT_OPTIONS,
        _ => return Ok(Icmpv6::Other { kind: t, code }),
    };
    if code != 0 {
        return Err(WireError::Invalid("ND code"));
    }
    need(b, options_at)?;
    let message = match t {
        kind::ROUTER_SOLICIT => NdMessage::RouterSolicit,
        kind::ROUTER_ADVERT => NdMessage::RouterAdvert {
            cur_hop_limit: b[field::RA_HOP_LIMIT],
            flags: b[field::RA_FLAGS],
            router_lifetime: be16(b, field::RA_LIFETIME),
            reachable_time: be32(b, field::RA_REACHABLE),
            retrans_timer: be32(b, field::RA_RETRANS),
        },
        kind::NEIGHBOR_SOLICIT => NdMessage::NeighborSolicit { target: addr(&b[field::TARGET]) },
        kind::NEIGHBOR_ADVERT => NdMessage::NeighborAdvert { flags: b[field::NA_FLAGS], target: addr(&b[field::TARGET]) },
        _ => NdMessage::Redirect { target: addr(&b[field::TARGET]), destination: addr(&b[field::DESTINATION]) },
    };
    let mut repr = NdRepr { message, source_lla: None, target_lla: None, prefixes: Vec::new(), mtu: None, problem: None };
    repr.problem = options(&b[options_at..], &mut repr).err();
    Ok(Icmpv6::Nd(repr))
}

/// Walks the options (type, length in units of 8 bytes including the header).
fn options(mut rest: &[u8], repr: &mut NdRepr) -> Result<(), WireError> {
    let mut count = 0;
    while !rest.is_empty() {
        if count == MAX_OPTIONS {
            return Err(WireError::Invalid("ND option count"));
        }
        count += 1;
        let [t, units, ..] = *rest else { return Err(WireError::Truncated { needed: 2, got: rest.len() }) };
        // RFC 4861 §4.6: a zero length is invalid (and would never advance).
        if units == 0 {
            return Err(WireError::Invalid("ND option length"));
        }
        let len = units as usize * 8;
        let Some(opt) = rest.get(..len) else { return Err(WireError::Truncated { needed: len, got: rest.len() }) };
        match t {
            option::SOURCE_LLA | option::TARGET_LLA => {
                let v = opt[2..].iter().take(MAX_LLA_LEN).copied().collect();
                if t == option::SOURCE_LLA { repr.source_lla = Some(v) } else { repr.target_lla = Some(v) }
            }
            option::PREFIX_INFO => {
                if len != field::PI_PREFIX.end || opt[field::PI_PREFIX_LEN] > 128 {
                    return Err(WireError::Invalid("ND prefix information"));
                }
                if repr.prefixes.len() < MAX_PREFIXES {
                    repr.prefixes.push(PrefixInfo {
                        prefix: addr(&opt[field::PI_PREFIX]),
                        prefix_len: opt[field::PI_PREFIX_LEN],
                        flags: opt[field::PI_FLAGS],
                        valid_lifetime: be32(opt, field::PI_VALID),
                        preferred_lifetime: be32(opt, field::PI_PREFERRED),
                    });
                }
            }
            option::MTU => repr.mtu = Some(be32(opt, field::MTU)),
            _ => {}
        }
        rest = &rest[len..];
    }
    Ok(())
}

/// The MAC inside a modified EUI-64 interface ID (`xx:xx:xx:ff:fe:xx:xx:xx`, RFC 4291
/// appendix A): the ff:fe filler removed and the universal/local bit (0x02) flipped
/// back. `None` for other interface IDs (privacy, stable-opaque, manual), multicast
/// addresses, and results that are not a unicast device address.
pub fn eui64_mac(a: &Ipv6Addr) -> Option<MacAddr> {
    if a.is_multicast() {
        return None;
    }
    let o = a.octets();
    if o[11] != 0xff || o[12] != 0xfe {
        return None;
    }
    let mac = MacAddr([o[8] ^ 0x02, o[9], o[10], o[13], o[14], o[15]]);
    mac.is_device().then_some(mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nd(b: &[u8]) -> NdRepr {
        match parse(b).unwrap() {
            Icmpv6::Nd(r) => r,
            other => panic!("{other:?}"),
        }
    }

    fn ip(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    /// Frame 1 of chrissanders `icmpv6_neighbor_solicitation.pcapng`: 2001:db8:1:2::1003
    /// asks for 2001:db8:1:2::1000, SLLA 00:0c:29:2f:80:31.
    const NEIGHBOR_SOLICIT: &[u8] = &[
        0x87, 0x00, 0x44, 0xb7, 0x00, 0x00, 0x00, 0x00, // type 135, code, checksum, reserved
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, // target
        0x01, 0x01, 0x00, 0x0c, 0x29, 0x2f, 0x80, 0x31, // SLLA
    ];

    /// Frame 2 of the same capture: the answer, flags S and O, TLLA 00:0c:29:1f:a7:55.
    const NEIGHBOR_ADVERT: &[u8] = &[
        0x88, 0x00, 0x8b, 0xeb, 0x60, 0x00, 0x00, 0x00, // type 136, code, checksum, flags S|O
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, // target
        0x02, 0x01, 0x00, 0x0c, 0x29, 0x1f, 0xa7, 0x55, // TLLA
    ];

    /// A Router Advertisement: hop limit 64, M and O, lifetime 1800 s, reachable 30000 ms,
    /// retrans 1000 ms; SLLA 50:c7:bf:00:00:01, MTU 1492, prefix 2001:db8:1::/64 (L, A),
    /// then an RDNSS option (25) that is skipped.
    const ROUTER_ADVERT: &[u8] = &[
        0x86, 0x00, 0x00, 0x00, 0x40, 0xc0, 0x07, 0x08, // type 134, code, checksum, hop limit, flags, lifetime
        0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x03, 0xe8, // reachable, retrans
        0x01, 0x01, 0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01, // SLLA
        0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xd4, // MTU
        0x03, 0x04, 0x40, 0xc0, 0x00, 0x27, 0x8d, 0x00, 0x00, 0x09, 0x3a, 0x80, 0x00, 0x00, 0x00, 0x00, // prefix info
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x19, 0x03, 0x00, 0x00, 0x00, 0x00, 0x07, 0x08, // RDNSS
        0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53,
    ];

    /// A Router Solicitation with SLLA 00:0c:29:5e:77:44.
    const ROUTER_SOLICIT: &[u8] = &[0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x0c, 0x29, 0x5e, 0x77, 0x44];

    #[test]
    fn neighbor_solicit_fields() {
        let r = nd(NEIGHBOR_SOLICIT);
        assert_eq!(r.message, NdMessage::NeighborSolicit { target: ip("2001:db8:1:2::1000") });
        assert_eq!(r.source_mac().unwrap().to_string(), "00:0c:29:2f:80:31");
        assert_eq!((r.target_lla, r.prefixes.len(), r.mtu, r.problem), (None, 0, None, None));
    }

    #[test]
    fn neighbor_advert_fields() {
        let r = nd(NEIGHBOR_ADVERT);
        let NdMessage::NeighborAdvert { flags, target } = r.message else { panic!() };
        assert_eq!(flags, na_flag::SOLICITED | na_flag::OVERRIDE);
        assert_eq!(target, ip("2001:db8:1:2::1000"));
        assert_eq!(r.target_mac().unwrap().to_string(), "00:0c:29:1f:a7:55");
        assert_eq!((r.source_lla, r.problem), (None, None));
    }

    #[test]
    fn router_advert_fields() {
        let r = nd(ROUTER_ADVERT);
        assert_eq!(
            r.message,
            NdMessage::RouterAdvert {
                cur_hop_limit: 64,
                flags: ra_flag::MANAGED | ra_flag::OTHER,
                router_lifetime: 1800,
                reachable_time: 30_000,
                retrans_timer: 1000
            }
        );
        assert_eq!(r.source_mac().unwrap().to_string(), "50:c7:bf:00:00:01");
        assert_eq!(r.mtu, Some(1492));
        assert_eq!(
            r.prefixes,
            vec![PrefixInfo {
                prefix: ip("2001:db8:1::"),
                prefix_len: 64,
                flags: pi_flag::ON_LINK | pi_flag::AUTONOMOUS,
                valid_lifetime: 2_592_000,
                preferred_lifetime: 604_800
            }]
        );
        assert_eq!((r.target_lla, r.problem), (None, None));
    }

    #[test]
    fn router_solicit_and_redirect() {
        let r = nd(ROUTER_SOLICIT);
        assert_eq!(r.message, NdMessage::RouterSolicit);
        assert_eq!(r.source_mac().unwrap().to_string(), "00:0c:29:5e:77:44");
        let mut b = vec![137, 0, 0, 0, 0, 0, 0, 0];
        b.extend(ip("fe80::1").octets());
        b.extend(ip("2001:db8::5").octets());
        let r = nd(&b);
        assert_eq!(r.message, NdMessage::Redirect { target: ip("fe80::1"), destination: ip("2001:db8::5") });
        assert_eq!(r.problem, None);
    }

    #[test]
    fn other_types_are_not_errors() {
        assert_eq!(parse(&[128, 0, 0, 0, 0, 1, 0, 1]), Ok(Icmpv6::Other { kind: 128, code: 0 }));
        assert_eq!(parse(&[1, 4]), Ok(Icmpv6::Other { kind: 1, code: 4 }));
        assert!(matches!(parse(&[135]), Err(WireError::Truncated { .. })));
    }

    #[test]
    fn fixed_part_and_code_are_checked() {
        assert_eq!(parse(&NEIGHBOR_SOLICIT[..23]), Err(WireError::Truncated { needed: 24, got: 23 }));
        assert_eq!(parse(&ROUTER_ADVERT[..15]), Err(WireError::Truncated { needed: 16, got: 15 }));
        let mut b = NEIGHBOR_SOLICIT.to_vec();
        b[1] = 1;
        assert_eq!(parse(&b), Err(WireError::Invalid("ND code")));
    }

    #[test]
    fn bad_options_keep_earlier_ones() {
        // Zero length after the SLLA.
        let mut b = NEIGHBOR_SOLICIT.to_vec();
        b.extend([0x0e, 0x00, 0, 0, 0, 0, 0, 0]);
        let r = nd(&b);
        assert_eq!(r.problem, Some(WireError::Invalid("ND option length")));
        assert!(r.source_mac().is_some());
        // An option running past the end.
        let r = nd(&ROUTER_ADVERT[..ROUTER_ADVERT.len() - 4]);
        assert_eq!(r.problem, Some(WireError::Truncated { needed: 24, got: 20 }));
        assert_eq!((r.prefixes.len(), r.mtu), (1, Some(1492)));
        // A prefix information option of the wrong size.
        let mut b = ROUTER_SOLICIT[..8].to_vec();
        b.extend([0x03, 0x01, 64, 0, 0, 0, 0, 0]);
        assert_eq!(nd(&b).problem, Some(WireError::Invalid("ND prefix information")));
        // A dangling byte.
        let mut b = ROUTER_SOLICIT.to_vec();
        b.push(1);
        assert_eq!(nd(&b).problem, Some(WireError::Truncated { needed: 2, got: 1 }));
    }

    #[test]
    fn option_and_prefix_counts_are_bounded() {
        let mut b = ROUTER_ADVERT[..16].to_vec();
        for i in 0..MAX_OPTIONS {
            b.extend([0x03, 0x04, 64, 0xc0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
            b.extend([0x20, 0x01, 0x0d, 0xb8, 0, i as u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        }
        let r = nd(&b);
        assert_eq!(r.problem, None);
        assert_eq!(r.prefixes.len(), MAX_PREFIXES);
        assert_eq!(r.prefixes[15].prefix, ip("2001:db8:f::"));
        b.extend([0x01, 0x01, 1, 2, 3, 4, 5, 6]);
        let r = nd(&b);
        assert_eq!(r.problem, Some(WireError::Invalid("ND option count")));
        assert_eq!(r.source_lla, None, "options past the limit are not read");
    }

    #[test]
    fn long_link_layer_addresses_are_bounded_and_not_macs() {
        let mut b = ROUTER_SOLICIT[..8].to_vec();
        b.extend([0x01, 0x03]);
        b.extend(1..=22u8);
        let r = nd(&b);
        assert_eq!(r.source_lla.as_ref().map(Vec::len), Some(MAX_LLA_LEN));
        assert_eq!(r.source_mac(), None);
    }

    #[test]
    fn eui64() {
        assert_eq!(eui64_mac(&ip("fe80::20c:29ff:fe5e:7744")).unwrap().to_string(), "00:0c:29:5e:77:44");
        assert_eq!(eui64_mac(&ip("2a02:2788:7c8:4dd:4a5b:39ff:fee7:1484")).unwrap().to_string(), "48:5b:39:e7:14:84");
        assert_eq!(eui64_mac(&ip("fe80::9154:c66f:8d0e:33cb")), None);
        assert_eq!(eui64_mac(&ip("ff02::1:ff00:fe00")), None);
        assert_eq!(eui64_mac(&ip("fe80::200:ff:fe00:0")), None, "would be the zero MAC");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(kind in 133u8..=137, b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut m = vec![kind, 0];
            m.extend(b);
            if let Ok(Icmpv6::Nd(r)) = parse(&m) {
                proptest::prop_assert!(r.prefixes.len() <= MAX_PREFIXES);
            }
        }

        #[test]
        fn mutated_fixtures_never_panic(at in 0usize..100, byte: u8, cut in 0usize..100) {
            for f in [NEIGHBOR_SOLICIT, NEIGHBOR_ADVERT, ROUTER_ADVERT, ROUTER_SOLICIT] {
                let mut b = f.to_vec();
                let n = b.len();
                b[at % n] = byte;
                b.truncate(n - cut % n);
                let _ = parse(&b);
            }
        }
    }
}
