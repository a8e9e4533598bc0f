//! Helpers shared by the fuzz targets: the input → link type mapping and the invariants
//! every target checks after a parser accepted its input.
//!
//! `tests/prop.rs` in the main crate checks the same invariants with proptest on stable;
//! it cannot depend on this crate, so keep the two in step by hand.

use quietwire::capture::{LinkType, ReadOutcome, ReadSummary};
use quietwire::decode::{Decoded, Layer, Network};
use quietwire::wire::ethernet::MAX_VLAN_TAGS;

/// The link types `decode` reads; the first input byte of the `frame` target picks one
/// (byte % 8). `fuzz/seed.py` writes seeds with the same numbering: keep them in step.
pub const LINKS: [LinkType; 8] = [
    LinkType::Ethernet,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Raw,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::Null,
    LinkType::Loop,
];

/// Splits a `frame` input into a link type and the frame bytes. `None` for an empty input.
pub fn split_frame_input(data: &[u8]) -> Option<(LinkType, &[u8])> {
    let (&sel, frame) = data.split_first()?;
    Some((LINKS[sel as usize % LINKS.len()], frame))
}

/// Whether `inner` lies inside `outer`. An empty slice reads nothing, so it counts as
/// inside wherever it points (`decode` hands out `&[]` for non-first fragments).
pub fn within(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    inner.is_empty() || (i >= o && i + inner.len() <= o + outer.len())
}

/// Invariants of a `decode` result for `data` decoded as `link`.
pub fn check_decoded(link: LinkType, data: &[u8], d: &Decoded<'_>) {
    assert!(d.vlans.as_slice().len() <= MAX_VLAN_TAGS);
    assert!(d.vlans.as_slice().iter().all(|&id| id <= 0x0fff), "VLAN id above 12 bits: {:?}", d.vlans);
    match link {
        LinkType::Ethernet if data.len() >= 14 => {
            assert_eq!(d.src.map(|m| m.0).as_ref().map(|m| &m[..]), Some(&data[6..12]));
            assert_eq!(d.dst.map(|m| m.0).as_ref().map(|m| &m[..]), Some(&data[0..6]));
        }
        LinkType::Ethernet => {
            assert!(matches!(d.network, Network::Malformed { layer: Layer::Ethernet, .. }), "{:?}", d.network);
        }
        LinkType::LinuxSll | LinkType::LinuxSll2 => {
            let hdr = if link == LinkType::LinuxSll { 16 } else { 20 };
            if data.len() < hdr {
                assert!(matches!(d.network, Network::Malformed { layer: Layer::Sll, .. }), "{:?}", d.network);
            }
            assert!(d.dst.is_none());
        }
        LinkType::Null | LinkType::Loop if data.len() < 4 => {
            assert!(matches!(d.network, Network::Malformed { layer: Layer::Loopback, .. }), "{:?}", d.network);
        }
        _ => assert!(d.src.is_none() && d.dst.is_none(), "an IP or loopback link type has no MAC addresses"),
    }
    match d.network {
        Network::Arp(b) => assert!(within(data, b)),
        Network::Udp { payload, .. } => assert!(within(data, payload)),
        Network::Tcp { segment, .. } => assert!(within(data, segment.payload)),
        Network::Ip { payload, .. } => assert!(within(data, payload)),
        Network::Llc(l) => assert!(within(data, l.payload)),
        Network::EtherType { payload, .. } => assert!(within(data, payload)),
        // Variants added later are checked once they are listed here.
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

/// One frame as `read_capture` handed it out, copied so that two reads can be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenFrame {
    pub ts: i64,
    pub link: LinkType,
    pub data: Vec<u8>,
    pub orig_len: u32,
}

/// Smallest bytes one frame can take in a file: a pcap record header is 16 bytes, a
/// pcapng simple packet block 16 (an enhanced packet block 32).
pub const MIN_RECORD_BYTES: usize = 16;

/// Invariants of a `read_capture` result over an input of `input_len` bytes.
pub fn check_summary(input_len: usize, s: &ReadSummary, frames: &[SeenFrame]) {
    assert_eq!(s.frames, frames.len() as u64, "summary.frames counts the frames handed out");
    let bytes: u64 = frames.iter().map(|f| f.data.len() as u64).sum();
    assert_eq!(s.bytes, bytes, "summary.bytes sums the captured bytes handed out");
    assert!(frames.len() * MIN_RECORD_BYTES <= input_len, "{} frames from {input_len} bytes", frames.len());
    assert!(bytes as usize <= input_len);
    if let ReadOutcome::Truncated { offset, .. } = &s.outcome {
        assert!(*offset as usize <= input_len, "truncation offset {offset} past the end ({input_len})");
    }
}

/// A reader that hands out at most `step` bytes per call, to exercise the refill logic.
pub struct Trickle<'a> {
    pub data: &'a [u8],
    pub step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.max(1).min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// Protocol targets (second campaign): contexts and the invariants of `observe::*` output.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use quietwire::mac::MacAddr;
use quietwire::observe::text::MAX_TEXT_LEN;
use quietwire::observe::{AttrValue, Context, Fact, Observation};
use quietwire::timestamp::Timestamp;

/// The frame source every protocol context uses (a TP-Link OUI, a unicast device).
pub const SRC_MAC: MacAddr = MacAddr([0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
/// The frame destination of the unicast contexts.
pub const DST_MAC: MacAddr = MacAddr([0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c]);
pub const TS: Timestamp = Timestamp(1_700_000_000_000_000_000);

/// Longest string an observation may carry. Names, models and firmware are cut by
/// `observe::text::clean` at `MAX_TEXT_LEN`; attribute texts built by `format!` from
/// bounded parts (hex of at most 64 bytes, code lists of bounded option lists) stay
/// under this.
pub const MAX_FACT_TEXT: usize = 1024;
/// Most entries in an `AttrValue::List` (every list comes from a bounded parser list).
pub const MAX_FACT_LIST: usize = 256;

/// A context for a datagram from `src` to `dst` (IPv4 or IPv6 per the addresses).
pub fn context(src: IpAddr, dst: IpAddr, src_port: u16, dst_port: u16, dst_mac: Option<MacAddr>) -> Context {
    Context { ts: TS, src_mac: Some(SRC_MAC), dst_mac, src_ip: Some(src), dst_ip: Some(dst), src_port, dst_port }
}

pub const LAN_V4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 0, 20));
pub const PEER_V4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1));
pub const BCAST_V4: IpAddr = IpAddr::V4(Ipv4Addr::BROADCAST);
pub const LL_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0x52c7, 0xbfff, 0xfe00, 0xc703));
pub const PEER_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1));

/// Both directions of a protocol on `port`: from the port to a client (a device
/// answering) and from a client to the port (a request), over IPv4, plus an IPv6
/// multicast-style one with no destination MAC.
pub fn contexts(port: u16) -> [Context; 3] {
    [
        context(LAN_V4, PEER_V4, port, 50000, Some(DST_MAC)),
        context(LAN_V4, BCAST_V4, 50000, port, None),
        context(LL_V6, PEER_V6, port, port, None),
    ]
}

fn check_text(what: &str, s: &str, max: usize) {
    assert!(s.len() <= max, "{what}: {} bytes (limit {max}): {:?}", s.len(), &s[..s.len().min(80)]);
}

/// Invariants of the observations one `handle` call produced under `cx`: every fact is
/// about a unicast device MAC at the frame's time; names, models and firmware are
/// non-empty and cut at `MAX_TEXT_LEN`; every other text and list is bounded.
pub fn check_observations(cx: &Context, out: &[Observation]) {
    for o in out {
        assert!(o.mac.is_device(), "an observation about a group or zero MAC: {o:?}");
        assert_eq!(o.ts, cx.ts, "an observation at another time than its frame");
        match &o.fact {
            Fact::Hostname(s) | Fact::Model(s) | Fact::Firmware(s) => {
                assert!(!s.is_empty(), "empty name/model/firmware: {o:?}");
                check_text("hostname/model/firmware", s, MAX_TEXT_LEN);
            }
            Fact::DnsQuery(s) => check_text("dns query", s, MAX_TEXT_LEN),
            Fact::Attr(_, AttrValue::Text(s)) => check_text("attribute", s, MAX_FACT_TEXT),
            Fact::Attr(_, AttrValue::List(l)) => {
                assert!(l.len() <= MAX_FACT_LIST, "a list of {} entries", l.len());
                for s in l {
                    check_text("list entry", s, MAX_FACT_TEXT);
                }
            }
            Fact::Service(s) => {
                check_text("service type", &s.kind, MAX_TEXT_LEN);
                check_text("service name", &s.name, MAX_TEXT_LEN);
                assert!(s.txt.len() <= 64, "{} TXT pairs", s.txt.len());
                for (k, v) in &s.txt {
                    check_text("txt key", k, MAX_TEXT_LEN);
                    check_text("txt value", v, MAX_TEXT_LEN);
                }
            }
            _ => {}
        }
    }
}

/// Runs an `observe::<proto>::handle` under `cx` and checks the observations. (The
/// handlers are plain functions of their arguments; parsing twice is checked on the
/// wire side, so one call is enough here.)
pub fn observe_checked(
    handle: fn(&Context, &[u8], &mut Vec<Observation>) -> quietwire::observe::Outcome,
    cx: &Context,
    data: &[u8],
) -> Vec<Observation> {
    let mut out = Vec::new();
    let _ = handle(cx, data, &mut out);
    check_observations(cx, &out);
    out
}

/// Whether `inner` (text from a parser) lies within `outer` and is at most `max` long.
pub fn within_max(outer: &[u8], inner: &[u8], max: usize) -> bool {
    within(outer, inner) && inner.len() <= max
}
