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
