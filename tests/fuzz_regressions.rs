//! Replays every input in `fuzz/regressions/<target>/` through the call its fuzz target
//! makes (see fuzz/README.md), on stable and in the normal test run. Each file is named
//! after what it found; the expectations below pin down what the fixed code does with it.
//!
//! A directory for a target this file does not know fails the test: add its replay here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use quietwire::analyze::Analyzer;
use quietwire::capture::{ReadOutcome, read_capture};
use quietwire::inventory::Limits;
use quietwire::mac::MacAddr;
use quietwire::observe::upnp::Tracker;
use quietwire::observe::{Context, Observation};
use quietwire::reassembly;
use quietwire::timestamp::Timestamp;
use quietwire::wire::tcp::{ACK, FIN, RST, TcpSegment};
use quietwire::wire::{WireError, dhcpv6, http};

fn regressions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions")
}

/// Every (target, file name, bytes) under fuzz/regressions.
fn inputs() -> Vec<(String, String, Vec<u8>)> {
    let mut all = Vec::new();
    for dir in std::fs::read_dir(regressions()).expect("fuzz/regressions") {
        let dir = dir.expect("entry").path();
        assert!(dir.is_dir(), "{}: regressions go in fuzz/regressions/<target>/", dir.display());
        let target = dir.file_name().expect("name").to_string_lossy().into_owned();
        for f in std::fs::read_dir(&dir).expect("target dir") {
            let f = f.expect("entry").path();
            let name = f.file_name().expect("name").to_string_lossy().into_owned();
            all.push((target.clone(), name, std::fs::read(&f).expect("readable")));
        }
    }
    all.sort();
    all
}

/// `capture_file`: `read_capture` with an analyzer sink.
fn capture_file(data: &[u8]) -> Result<quietwire::capture::ReadSummary, String> {
    let mut a = Analyzer::new(Limits::default());
    let r = read_capture(Path::new("regression"), data, &mut |f| a.frame(f)).map_err(|e| e.to_string());
    if let Ok(s) = &r {
        assert_eq!(a.stats.packets, s.frames);
    }
    r
}

/// `wire_http`: the head, then chunked decoding of the whole input and of the body.
fn wire_http(data: &[u8]) -> Result<Option<(usize, Vec<u8>)>, WireError> {
    if let Ok(Some(h)) = http::parse_head(data) {
        let _ = http::decode_chunked(&data[h.head_len..], &mut Vec::new(), 1 << 20);
    }
    let mut out = Vec::new();
    http::decode_chunked(data, &mut out, 1 << 20).map(|r| r.map(|n| (n, out)))
}

/// `wire_dhcpv6`: the parser, then the observer as a relay agent's datagram to a server.
fn wire_dhcpv6(data: &[u8]) -> Result<dhcpv6::Dhcpv6Repr, WireError> {
    let cx = Context {
        ts: Timestamp(1),
        src_mac: Some(MacAddr([0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03])),
        dst_mac: None,
        src_ip: Some(IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1))),
        dst_ip: Some(IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2))),
        src_port: dhcpv6::SERVER_PORT,
        dst_port: dhcpv6::SERVER_PORT,
    };
    let _ = quietwire::observe::dhcpv6::handle(&cx, data, &mut Vec::new());
    dhcpv6::parse(data)
}

/// `upnp_tracker`: the segment records of fuzz/fuzz_targets/upnp_tracker.rs (keep the
/// two in step): `ctl(1) seq(2 or 4) len(2) payload`. Returns the observations, the
/// streams still followed before `finish`, and the errors `finish` reported.
fn upnp_tracker(data: &[u8]) -> (Vec<Observation>, usize, Vec<WireError>) {
    const OWNER: MacAddr = MacAddr([0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01]);
    const SRC: MacAddr = MacAddr([0x50, 0xc7, 0xbf, 0x00, 0xc7, 0x03]);
    let server = IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1));
    let limits = reassembly::Limits {
        max_streams: 3,
        max_stream_bytes: 16 << 10,
        max_total_bytes: 24 << 10,
        max_pending_segments: 8,
        idle_timeout_ns: 60_000_000_000,
    };
    let endpoints = |i: u8| {
        let v4 = |d| IpAddr::V4(Ipv4Addr::new(192, 168, 0, d));
        let v6 = |d| IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, d));
        match i & 3 {
            0 => (server, 1900, v4(10), 50000),
            1 => (server, 49152, v4(10), 50001),
            2 => (v6(1), 80, v6(2), 50002),
            _ => (v4(2), 5000, v4(10), 50003),
        }
    };
    let mut t = Tracker::new(limits);
    let owner = |ip: IpAddr, src: Option<MacAddr>| if ip == server { Some(OWNER) } else { src };
    let mut next = [0u32; 4];
    let mut ts = Timestamp(1_700_000_000_000_000_000);
    let mut out = Vec::new();
    let mut rest = data;
    while let Some((&ctl, r)) = rest.split_first() {
        let s = usize::from(ctl & 3);
        let (seq, r) = if ctl & 0x40 != 0 {
            let Some((q, r)) = r.split_first_chunk::<4>() else { break };
            (u32::from_be_bytes(*q), r)
        } else {
            let Some((q, r)) = r.split_first_chunk::<2>() else { break };
            (next[s].wrapping_add(i16::from_be_bytes(*q) as i32 as u32), r)
        };
        let Some((l, r)) = r.split_first_chunk::<2>() else { break };
        let len = usize::from(u16::from_be_bytes(*l)).min(r.len());
        let (payload, r) = r.split_at(len);
        rest = r;
        ts = Timestamp(ts.0 + if ctl & 0x20 != 0 { 61_000_000_000 } else { 1_000_000 });
        if ctl & 0x10 != 0 {
            t.announce(&String::from_utf8_lossy(payload));
            continue;
        }
        let (src, src_port, dst, dst_port) = endpoints(ctl);
        let flags = ACK | if ctl & 4 != 0 { FIN } else { 0 } | if ctl & 8 != 0 { RST } else { 0 };
        let cx = Context {
            ts,
            src_mac: (ctl & 0x80 == 0).then_some(SRC),
            dst_mac: None,
            src_ip: Some(src),
            dst_ip: Some(dst),
            src_port,
            dst_port,
        };
        let _ = t.segment(&cx, &TcpSegment { src_port, dst_port, seq, flags, payload }, &owner, &mut out);
        next[s] = seq.wrapping_add(len as u32);
        t.tick(ts, &owner, &mut out);
    }
    let followed = t.streams();
    let errors = t.finish(ts, &owner, &mut out);
    assert_eq!(t.streams(), 0);
    (out, followed, errors)
}

#[test]
fn every_regression_input_replays() {
    let all = inputs();
    assert!(all.len() >= 4, "regression inputs missing: {all:?}");
    for (target, name, data) in &all {
        match target.as_str() {
            "capture_file" => _ = capture_file(data),
            "wire_http" => _ = wire_http(data),
            "upnp_tracker" => _ = upnp_tracker(data),
            "wire_dhcpv6" => _ = wire_dhcpv6(data),
            other => panic!("no replay for fuzz target {other} ({name}): add one to tests/fuzz_regressions.rs"),
        }
    }
}

fn input(target: &str, name: &str) -> Vec<u8> {
    std::fs::read(regressions().join(target).join(name)).expect("regression input")
}

/// A pcap record header claiming 16 MiB (`MAX_RECORD_BYTES`) with nothing after it: a
/// truncation at that record, never an allocation of the claimed size.
#[test]
fn capture_file_claimed_16mib_record() {
    let data = input("capture_file", "claimed-16mib-record.bin");
    let s = capture_file(&data).expect("a pcap header");
    assert_eq!(s.frames, 0);
    assert!(matches!(s.outcome, ReadOutcome::Truncated { offset: 24, .. }), "{:?}", s.outcome);
}

/// `ffffffffffffffed\r\n`: a chunk size that, added to its position (18) and the 2 bytes
/// of its CRLF, overflowed `usize`: a panic with overflow checks, else a wrapped length
/// check and a slice past the buffer. Reachable from one TCP segment of an XML response
/// with `Transfer-Encoding: chunked`. Now an invalid chunk size.
#[test]
fn wire_http_chunk_size_overflow() {
    let data = input("wire_http", "chunk-size-overflow");
    assert_eq!(data, b"ffffffffffffffed\r\n");
    assert_eq!(wire_http(&data), Err(WireError::Invalid("HTTP chunk size")));
    // One less does not overflow `end` but still overflows `end + 2`.
    assert_eq!(wire_http(b"ffffffffffffffec\r\n"), Err(WireError::Invalid("HTTP chunk size")));
    // A size that fits is still waited for.
    assert_eq!(wire_http(b"ffffffffffffff\r\n"), Ok(None));
}

/// One segment: an XML response head with `Content-Length: 18446744073709551615`. The
/// follower added it to the head length unchecked: a panic with overflow checks, else a
/// wrapped sum and a slice that ends before it starts. Now the stream waits for a body
/// that cannot come, and is dropped at the end of input without a description.
#[test]
fn upnp_tracker_content_length_overflow() {
    let data = input("upnp_tracker", "content-length-overflow");
    assert!(data.windows(20).any(|w| w == b"18446744073709551615"));
    let (out, followed, errors) = upnp_tracker(&data);
    assert_eq!((out, followed, errors), (vec![], 1, vec![]));
}

/// A Relay-forw whose Relay Message option (code 9) is empty, as the fuzzer minimised
/// it: the parser returned `Err` for the whole datagram, against its contract (`Err`
/// only for an unusable outer header). Now the relay is kept and the empty message is
/// the problem.
#[test]
fn wire_dhcpv6_empty_relay_message() {
    let data = input("wire_dhcpv6", "empty-relay-message");
    assert_eq!(data[0], dhcpv6::RELAY_FORW);
    let r = wire_dhcpv6(&data).expect("a whole relay header");
    assert_eq!((r.relays.len(), r.message.is_none()), (1, true));
    assert_eq!(r.problem, Some(WireError::Truncated { needed: 1, got: 0 }));
}
