//! Property tests: random bytes and mutated valid fixtures through every parser, through
//! `decode` + `Analyzer::frame`, and through `read_capture`. Nothing may panic, and what
//! the parsers accept must agree with the bytes they were given.
//!
//! These are the stable-toolchain counterpart of the cargo-fuzz targets in `fuzz/`
//! (same invariants, far fewer executions); `cargo test --test prop` runs in seconds.
//! Failures are not persisted to files: proptest prints the minimal failing input, which
//! belongs in a named regression test in the parser's own test module.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

use quietwire::analyze::Analyzer;
use quietwire::capture::{Frame, LinkType, ReadOutcome, ReadSummary, read_capture};
use quietwire::decode::{self, Decoded, Layer, Network};
use quietwire::inventory::Limits;
use quietwire::timestamp::Timestamp;
use quietwire::wire::arp::{self, Arp, Operation};
use quietwire::wire::dhcpv4::{self, MAX_OPTION_LEN, MAX_OPTIONS};
use quietwire::wire::ethernet::{EthernetFrame, MAX_VLAN_TAGS, VlanStack, is_vlan_ethertype, strip_vlans};
use quietwire::wire::ipv4::Ipv4Packet;
use quietwire::wire::{ipv6, llc, sll, tcp, udp};

/// Cases per property for the cheap parsers and for whole captures.
const CASES: u32 = 5000;
const CAPTURE_CASES: u32 = 2000;

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------------------------------
// Invariants (kept in step with fuzz/src/lib.rs and the fuzz targets)

/// Whether `inner` lies inside `outer`; an empty slice reads nothing and always counts.
fn within(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    inner.is_empty() || (i >= o && i + inner.len() <= o + outer.len())
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn check_arp(data: &[u8]) {
    match arp::parse(data) {
        Ok(Arp::EthernetIpv4(r)) => {
            assert!(data.len() >= 28);
            assert_eq!(&data[0..6], &[0, 1, 8, 0, 6, 4]);
            assert_eq!(r.operation, Operation::from(be16(data, 6)));
            assert_eq!(&r.sender_mac.0[..], &data[8..14]);
            assert_eq!(&r.sender_ip.octets()[..], &data[14..18]);
            assert_eq!(&r.target_mac.0[..], &data[18..24]);
            assert_eq!(&r.target_ip.octets()[..], &data[24..28]);
            assert!(!(r.is_probe() && r.is_gratuitous()));
        }
        Ok(Arp::Other { htype, ptype }) => {
            assert!(data.len() >= 8 + 2 * (data[4] as usize + data[5] as usize));
            assert_eq!((htype, ptype), (be16(data, 0), be16(data, 2)));
        }
        Err(_) => {
            // Rejected only when shorter than what its header claims.
            let needed = match data.get(..6) {
                Some([0, 1, 8, 0, 6, 4]) => 28,
                Some(h) => 8 + 2 * (h[4] as usize + h[5] as usize),
                None => 8,
            };
            assert!(data.len() < needed.max(8), "rejected {} bytes (needed {needed})", data.len());
        }
    }
}

fn check_dhcp(data: &[u8]) {
    let header_ok = data.len() >= 240 && data[2] <= 16 && data[236..240] == [99, 130, 83, 99];
    match dhcpv4::parse(data) {
        Ok(m) => {
            assert!(header_ok);
            assert_eq!((m.op, m.htype), (data[0], data[1]));
            assert_eq!(m.chaddr, &data[28..28 + data[2] as usize]);
            assert_eq!(m.xid, u32::from_be_bytes([data[4], data[5], data[6], data[7]]));
            assert_eq!(&m.ciaddr.octets()[..], &data[12..16]);
            assert_eq!(&m.giaddr.octets()[..], &data[24..28]);
            assert!(m.option_order.len() <= MAX_OPTIONS);
            let mut seen = [false; 256];
            for &c in &m.option_order {
                assert!(!seen[c as usize] && c != 0 && c != 255, "option order {:?}", m.option_order);
                seen[c as usize] = true;
            }
            for v in [&m.hostname, &m.vendor_class, &m.client_id, &m.param_request_list].into_iter().flatten() {
                assert!(v.len() <= MAX_OPTION_LEN);
            }
            assert!(m.client_fqdn.as_ref().is_none_or(|f| f.len() <= 255));
            if let Some(mac) = m.client_mac() {
                assert_eq!(&mac.0[..], &m.chaddr[..]);
            }
        }
        Err(_) => assert!(!header_ok, "valid fixed header rejected"),
    }
}

fn check_transport(buf: &[u8]) {
    if let Ok(u) = udp::parse(buf) {
        assert_eq!(u.payload.as_ptr(), buf[8..].as_ptr());
        assert!(within(buf, u.payload));
        let claimed = be16(buf, 4) as usize;
        if claimed != 0 {
            assert_eq!(u.payload.len(), claimed.min(buf.len()) - 8);
        }
        assert_eq!((u.src_port, u.dst_port), (be16(buf, 0), be16(buf, 2)));
    }
    if let Ok(t) = tcp::parse(buf) {
        let hlen = (buf[12] >> 4) as usize * 4;
        assert!(hlen >= 20);
        assert_eq!(t.payload, &buf[hlen..]);
        assert_eq!((t.src_port, t.dst_port, t.flags), (be16(buf, 0), be16(buf, 2), buf[13]));
    }
}

fn check_ip(data: &[u8]) {
    if let Ok(p) = Ipv4Packet::new_checked(data) {
        let ihl = (data[0] & 0x0f) as usize * 4;
        assert!(data[0] >> 4 == 4 && ihl >= 20 && data.len() >= ihl);
        assert!(within(&data[ihl..], p.payload()));
        assert_eq!(p.payload().as_ptr(), data[ihl..].as_ptr());
        assert_eq!(&p.src().octets()[..], &data[12..16]);
        assert_eq!(&p.dst().octets()[..], &data[16..20]);
        assert_eq!(p.protocol(), data[9]);
        check_transport(p.payload());
    }
    if let Ok(p) = ipv6::parse(data) {
        assert!(data.len() >= 40 && data[0] >> 4 == 6);
        assert!(within(&data[40..], p.payload));
        assert_eq!(&p.src.octets()[..], &data[8..24]);
        check_transport(p.payload);
    }
    check_transport(data);
}

fn check_vlans_and_llc(ethertype: u16, payload: &[u8]) {
    let mut v = VlanStack::default();
    match strip_vlans(ethertype, payload, &mut v) {
        Ok((t, rest)) => {
            assert!(!is_vlan_ethertype(t));
            assert!(within(payload, rest));
            let stripped = payload.len() - rest.len();
            assert_eq!(stripped % 4, 0);
            assert_eq!(v.as_slice().len(), (stripped / 4).min(MAX_VLAN_TAGS));
        }
        Err(_) => assert!(is_vlan_ethertype(ethertype)),
    }
    assert!(v.as_slice().iter().all(|&id| id <= 0x0fff));
    let len = ethertype.min(llc::MAX_8023_LENGTH);
    if let Ok(l) = llc::parse(payload, len) {
        let limit = (len as usize).min(payload.len());
        assert!(within(&payload[..limit], l.payload));
    }
}

fn check_link(data: &[u8]) {
    match EthernetFrame::new_checked(data) {
        Ok(f) => {
            assert_eq!(&f.dst().0[..], &data[0..6]);
            assert_eq!(&f.src().0[..], &data[6..12]);
            assert_eq!(f.ethertype(), be16(data, 12));
            assert_eq!(f.payload(), &data[14..]);
            check_vlans_and_llc(f.ethertype(), f.payload());
        }
        Err(_) => assert!(data.len() < 14),
    }
    for (hdr, parsed) in [(16, sll::parse_v1(data)), (20, sll::parse_v2(data))] {
        match parsed {
            Ok(c) => {
                assert_eq!(c.payload, &data[hdr..]);
                check_vlans_and_llc(c.protocol, c.payload);
            }
            Err(_) => assert!(data.len() < hdr),
        }
    }
}

/// Link types `decode` reads, numbered as in `fuzz/src/lib.rs`.
const LINKS: [LinkType; 8] = [
    LinkType::Ethernet,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Raw,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::Null,
    LinkType::Loop,
];

fn check_decoded(link: LinkType, data: &[u8], d: &Decoded<'_>) {
    assert!(d.vlans.as_slice().len() <= MAX_VLAN_TAGS);
    assert!(d.vlans.as_slice().iter().all(|&id| id <= 0x0fff));
    match link {
        LinkType::Ethernet if data.len() >= 14 => {
            assert_eq!(d.src.map(|m| m.0.to_vec()), Some(data[6..12].to_vec()));
            assert_eq!(d.dst.map(|m| m.0.to_vec()), Some(data[0..6].to_vec()));
        }
        LinkType::Ethernet => assert!(matches!(d.network, Network::Malformed { layer: Layer::Ethernet, .. })),
        LinkType::LinuxSll | LinkType::LinuxSll2 => {
            let hdr = if link == LinkType::LinuxSll { 16 } else { 20 };
            if data.len() < hdr {
                assert!(matches!(d.network, Network::Malformed { layer: Layer::Sll, .. }));
            }
        }
        _ => assert!(d.src.is_none() && d.dst.is_none()),
    }
    match d.network {
        Network::Arp(b) => assert!(within(data, b)),
        Network::Udp { payload, .. } => assert!(within(data, payload)),
        Network::Tcp { segment, .. } => assert!(within(data, segment.payload)),
        Network::Ip { payload, .. } => assert!(within(data, payload)),
        Network::Llc(l) => assert!(within(data, l.payload)),
        Network::EtherType { payload, .. } => assert!(within(data, payload)),
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

/// `decode` and two passes of `Analyzer::frame` (the second as if cut by the snapshot
/// length and without a known time).
fn check_frame(link: LinkType, data: &[u8]) {
    let d = decode::decode(link, data).expect("every link type in LINKS is decoded");
    check_decoded(link, data, &d);
    let mut a = Analyzer::new(Limits::default());
    let ts = Timestamp(1_700_000_000_000_000_000);
    let f = Frame { ts, ts_known: true, link, data, orig_len: data.len() as u32 };
    a.frame(&f);
    a.frame(&Frame { ts: Timestamp(ts.0 + 1), ts_known: false, orig_len: f.orig_len + 1, ..f });
    assert_eq!(a.stats.packets, 2);
    assert_eq!((a.stats.first_seen, a.stats.last_seen), (Some(ts), Some(ts)));
    let devices = a.inventory.devices();
    assert!(devices.iter().all(|d| d.mac.is_device()));
    assert!(devices.iter().map(|d| d.packets).sum::<u64>() <= 2);
}

/// Smallest bytes one frame can take in a file (pcap record header; pcapng simple packet block).
const MIN_RECORD_BYTES: usize = 16;

/// Reads `data` as a capture into an `Analyzer`, checks the summary against the frames
/// handed out, and returns the frame count.
fn check_capture(data: &[u8]) -> u64 {
    let mut a = Analyzer::new(Limits::default());
    let (mut frames, mut bytes) = (0u64, 0u64);
    let r = read_capture(Path::new("prop"), data, &mut |f| {
        assert!(f.data.len() <= data.len());
        frames += 1;
        bytes += f.data.len() as u64;
        a.frame(f);
    });
    match r {
        Ok(s) => {
            check_summary(data.len(), &s, frames, bytes);
            assert_eq!(a.stats.packets, s.frames);
        }
        Err(_) => assert_eq!(frames, 0, "an error after frames were handed out"),
    }
    frames
}

fn check_summary(input_len: usize, s: &ReadSummary, frames: u64, bytes: u64) {
    assert_eq!((s.frames, s.bytes), (frames, bytes));
    assert!(frames as usize * MIN_RECORD_BYTES <= input_len, "{frames} frames from {input_len} bytes");
    if let ReadOutcome::Truncated { offset, .. } = &s.outcome {
        assert!(*offset as usize <= input_len);
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures

const ARP_REPLY: [u8; 28] = [
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, //
    0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03, 192, 168, 0, 20, //
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 0, 1,
];

/// A DHCP header (BOOTREQUEST from 50:c7:bf:00:c7:03) with the magic cookie, no options.
fn dhcp_header() -> Vec<u8> {
    let mut b = vec![0u8; 240];
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    b[4..8].copy_from_slice(&0xdead_beefu32.to_be_bytes());
    b[28..34].copy_from_slice(&[0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
    b[236..240].copy_from_slice(&[99, 130, 83, 99]);
    b
}

fn dhcp_request() -> Vec<u8> {
    let mut b = dhcp_header();
    b.extend([53, 1, 3, 50, 4, 192, 168, 0, 20, 12, 4]);
    b.extend(b"HS11");
    b.extend([12, 5]);
    b.extend(b"0(EU)");
    b.extend([60, 4]);
    b.extend(b"udhc");
    b.extend([61, 7, 1, 0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
    b.extend([55, 6, 1, 3, 6, 12, 15, 28]);
    b.extend([81, 13, 0x04, 0, 0, 4]);
    b.extend(b"hs11");
    b.extend([4]);
    b.extend(b"home");
    b.extend([52, 1, 3, 255]);
    b
}

fn ipv4_udp(sport: u16, dport: u16, body: &[u8]) -> Vec<u8> {
    let total = (28 + body.len()) as u16;
    let mut p = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 0, 20, 255, 255, 255, 255];
    p[2..4].copy_from_slice(&total.to_be_bytes());
    p.extend(sport.to_be_bytes());
    p.extend(dport.to_be_bytes());
    p.extend(((8 + body.len()) as u16).to_be_bytes());
    p.extend([0, 0]);
    p.extend(body);
    p
}

fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend([0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
    f.extend(ethertype.to_be_bytes());
    f.extend(payload);
    f
}

/// Hand-built frames (link index into `LINKS`, bytes): DHCP over Ethernet, VLAN, SLL,
/// raw IPv4 and IPv6, ARP, an 802.3/SNAP frame.
fn fixture_frames() -> Vec<(usize, Vec<u8>)> {
    let dhcp = ipv4_udp(68, 67, &dhcp_request());
    let mut tagged = vec![0x00, 0x14, 0x08, 0x00];
    tagged.extend(&dhcp);
    let mut sll1 = vec![0, 0, 0, 1, 0, 6, 0x50, 0xc7, 0xbf, 0, 0xc7, 3, 0, 0, 0x08, 0x06];
    sll1.extend(ARP_REPLY);
    let mut ip6 = vec![0x60, 0, 0, 0, 0, 16, 17, 64];
    ip6.extend([0xfe, 0x80].iter().chain([0u8; 13].iter()).chain([1u8].iter()));
    ip6.extend([0xff, 0x02].iter().chain([0u8; 12].iter()).chain([0, 1, 0, 2].iter()));
    ip6.extend([0x02, 0x22, 0x02, 0x23, 0, 16, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    let snap = ethernet(12, &[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02, 0xb4, 0, 0]);
    vec![
        (0, ethernet(0x0800, &dhcp)),
        (0, ethernet(0x8100, &tagged)),
        (0, ethernet(0x0806, &ARP_REPLY)),
        (0, snap),
        (1, sll1),
        (3, dhcp.clone()),
        (5, ip6),
        (6, [&[2u8, 0, 0, 0][..], &dhcp].concat()),
    ]
}

fn captures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(".pcap")) {
            out.push(p);
        }
    }
}

/// Every capture under `captures/`, sorted by path, with its bytes.
fn capture_files() -> &'static [(PathBuf, Vec<u8>)] {
    static FILES: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut paths = Vec::new();
        collect(&captures_dir(), &mut paths);
        paths.sort();
        paths.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
    })
}

/// Frames from the real captures whose link type `decode` reads, as (link index, bytes).
fn real_frames() -> &'static [(usize, Vec<u8>)] {
    static FRAMES: OnceLock<Vec<(usize, Vec<u8>)>> = OnceLock::new();
    FRAMES.get_or_init(|| {
        let mut out = fixture_frames();
        for (_, bytes) in capture_files() {
            let _ = read_capture(Path::new("seed"), &bytes[..], &mut |f| {
                if let Some(i) = LINKS.iter().position(|l| *l == f.link) {
                    out.push((i, f.data.to_vec()));
                }
            });
        }
        out
    })
}

/// Byte-level mutations: overwrite at positions, then maybe cut.
fn mutations() -> impl Strategy<Value = (Vec<(Index, u8)>, Option<Index>)> {
    (prop::collection::vec((any::<Index>(), any::<u8>()), 0..8), prop::option::weighted(0.3, any::<Index>()))
}

fn mutate(mut b: Vec<u8>, (writes, cut): &(Vec<(Index, u8)>, Option<Index>)) -> Vec<u8> {
    if !b.is_empty() {
        for (at, v) in writes {
            let i = at.index(b.len());
            b[i] = *v;
        }
    }
    if let Some(c) = cut {
        b.truncate(c.index(b.len() + 1));
    }
    b
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

// ---------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn arp_random(b in bytes(64)) {
        check_arp(&b);
    }

    #[test]
    fn arp_mutated(m in mutations()) {
        check_arp(&mutate(ARP_REPLY.to_vec(), &m));
    }

    #[test]
    fn dhcp_random_options(options in bytes(400), header in mutations()) {
        // Random bytes would almost never carry the magic cookie: start from a valid header.
        let mut b = dhcp_header();
        b.extend(options);
        check_dhcp(&mutate(b, &header));
    }

    #[test]
    fn dhcp_mutated_request(m in mutations(), hlen in 0u8..20) {
        let mut b = dhcp_request();
        b[2] = hlen;
        check_dhcp(&mutate(b, &m));
    }

    #[test]
    fn dhcp_random(b in bytes(300)) {
        check_dhcp(&b);
    }

    #[test]
    fn ip_random(version in prop_oneof![Just(0x40u8), Just(0x60), any::<u8>()], mut b in bytes(200)) {
        if let Some(first) = b.first_mut() {
            *first = version | (*first & 0x0f);
        }
        check_ip(&b);
    }

    #[test]
    fn ip_mutated(i in any::<Index>(), m in mutations()) {
        // The network layer of a real frame: after the link header (VLAN tags kept, so
        // some cases start with a tag: still a valid input).
        let frames = real_frames();
        let (link, f) = &frames[i.index(frames.len())];
        let skip = [14, 16, 20, 0, 0, 0, 4, 4][*link];
        check_ip(&mutate(f.get(skip..).unwrap_or_default().to_vec(), &m));
    }

    #[test]
    fn link_random(b in bytes(80)) {
        check_link(&b);
    }

    #[test]
    fn frame_random(link in 0..LINKS.len(), b in bytes(400)) {
        check_frame(LINKS[link], &b);
    }

    #[test]
    fn frame_mutated(i in any::<Index>(), relink in prop::option::weighted(0.1, 0..LINKS.len()), m in mutations()) {
        let frames = real_frames();
        let (link, f) = &frames[i.index(frames.len())];
        let data = mutate(f.clone(), &m);
        check_link(&data);
        check_frame(LINKS[relink.unwrap_or(*link)], &data);
    }
}

/// File headers the random tails are glued to: pcap in both byte orders, with
/// microseconds, nanoseconds and the modified format, and a pcapng section header.
fn capture_prefixes() -> Vec<Vec<u8>> {
    let pcap = |magic: u32, link: u32, be: bool| {
        let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        [&w32(magic)[..], &w16(2), &w16(4), &w32(0), &w32(0), &w32(65535), &w32(link)].concat()
    };
    let mut shb = vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
    shb.extend((-1i64).to_le_bytes());
    shb.extend(28u32.to_le_bytes());
    let mut idb = vec![1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    idb.extend(20u32.to_le_bytes());
    vec![
        pcap(0xa1b2_c3d4, 1, false),
        pcap(0xa1b2_c3d4, 113, true),
        pcap(0xa1b2_3c4d, 276, false),
        pcap(0xa1b2_cd34, 101, false),
        pcap(0xa1b2_c3d4, 0, false),
        shb.clone(),
        [shb, idb].concat(),
    ]
}

proptest! {
    #![proptest_config(config(CAPTURE_CASES))]

    #[test]
    fn capture_random_after_a_valid_header(p in any::<Index>(), tail in bytes(600)) {
        let prefixes = capture_prefixes();
        let mut b = prefixes[p.index(prefixes.len())].clone();
        b.extend(tail);
        check_capture(&b);
    }

    #[test]
    fn capture_random(b in bytes(200)) {
        check_capture(&b);
    }

    #[test]
    fn capture_mutated_real_file(i in any::<Index>(), m in mutations()) {
        let files = capture_files();
        let (_, b) = &files[i.index(files.len())];
        check_capture(&mutate(b.clone(), &m));
    }

    /// Frames glued into a pcap of their own link type, then mutated: the record walk
    /// and the analyzer see sequences of frames (DHCP and ARP state across frames).
    #[test]
    fn capture_of_mutated_frames(picks in prop::collection::vec(any::<Index>(), 1..12), m in mutations()) {
        let frames = real_frames();
        let first = &frames[picks[0].index(frames.len())];
        let raw = [1u32, 113, 276, 101, 228, 229, 0, 108][first.0];
        let mut b = capture_prefixes()[0][..20].to_vec();
        b.extend(raw.to_le_bytes());
        for (n, pick) in picks.iter().enumerate() {
            let (link, f) = &frames[pick.index(frames.len())];
            if *link != first.0 {
                continue;
            }
            for v in [n as u32, 0, f.len() as u32, f.len() as u32] {
                b.extend(v.to_le_bytes());
            }
            b.extend(f);
        }
        check_capture(&mutate(b, &m));
    }
}

/// A small deterministic generator (xorshift64*), so the "mutated real file" set is the
/// same on every run and a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Each capture under `captures/` with 200 deterministic variants: 150 single-byte
/// mutations (biased towards the headers, where lengths live) and 50 truncations.
/// No panic, and never more frames than the bytes could hold.
#[test]
fn mutated_real_files_deterministic() {
    let files = capture_files();
    assert!(files.len() >= 20, "captures/ holds {} files", files.len());
    let mut total_frames = 0;
    for (k, (path, original)) in files.iter().enumerate() {
        if original.is_empty() {
            check_capture(original);
            continue;
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (k as u64 + 1));
        for case in 0..200 {
            let mut b = original.clone();
            if case < 150 {
                // Half the mutations land in the first 64 bytes (file and first record
                // headers), the rest anywhere.
                let at = if case % 2 == 0 { rng.below(b.len().min(64)) } else { rng.below(b.len()) };
                let v = match case % 3 {
                    0 => b[at] ^ (1 << rng.below(8)),
                    1 => [0x00, 0xff, 0x7f, 0x80][rng.below(4)],
                    _ => rng.next() as u8,
                };
                b[at] = v;
            } else {
                b.truncate(rng.below(b.len()));
            }
            let frames = std::panic::catch_unwind(|| check_capture(&b)).unwrap_or_else(|_| {
                panic!("{} variant {case} (seed {k}) panicked; see the message above", path.display())
            });
            total_frames += frames;
        }
    }
    assert!(total_frames > 0, "no variant yielded a frame: the set tests nothing");
}

/// The fixtures above are valid: the mutation properties start from real messages.
#[test]
fn fixtures_parse() {
    assert!(matches!(arp::parse(&ARP_REPLY), Ok(Arp::EthernetIpv4(a)) if a.sender_ip == Ipv4Addr::new(192, 168, 0, 20)));
    let m = dhcpv4::parse(&dhcp_request()).unwrap();
    assert_eq!(m.hostname.as_deref(), Some(&b"HS110(EU)"[..]));
    assert_eq!(m.client_fqdn.as_deref(), Some(&b"hs11.home"[..]));
    assert!(!m.malformed_option);
    for (link, f) in fixture_frames() {
        let d = decode::decode(LINKS[link], &f).unwrap();
        assert!(!matches!(d.network, Network::Malformed { .. }), "fixture {link}: {:?}", d.network);
    }
}
