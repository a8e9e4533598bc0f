//! The UPnP description follower (`observe::upnp::Tracker`): TCP reassembly, HTTP
//! framing, the description parser and attribution, over a sequence of segments of up
//! to four streams, with SSDP announcements and idle expiry mixed in.
//!
//! Input: records `ctl(1) seq(2 or 4) len(2) payload(len)` until the input ends.
//! `ctl` bits 0–1 pick the stream (server and client endpoints below), bit 2 sets FIN,
//! bit 3 RST, bit 4 makes the payload an SSDP LOCATION given to `announce` instead of a
//! segment, bit 5 moves the clock 61 s on first (idle expiry), bit 6 gives an absolute
//! 4-byte sequence number (otherwise a signed 2-byte offset from where the stream's
//! previous segment ended), bit 7 hides the frame's source MAC.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use quietwire::mac::MacAddr;
use quietwire::observe::upnp::Tracker;
use quietwire::observe::{Context, Protocol};
use quietwire::reassembly::Limits;
use quietwire::timestamp::Timestamp;
use quietwire::wire::tcp::{ACK, FIN, RST, TcpSegment};
use quietwire_fuzz::{SRC_MAC, check_observations};

/// The MAC that "claimed" 192.168.0.1 (as ARP or DHCP would have told the analyzer).
const OWNER: MacAddr = MacAddr([0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01]);
const V4_SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 1);

const LIMITS: Limits = Limits {
    max_streams: 3,
    max_stream_bytes: 16 << 10,
    max_total_bytes: 24 << 10,
    max_pending_segments: 8,
    idle_timeout_ns: 60_000_000_000,
};

/// (server, server port, client, client port) of each stream.
fn endpoints(i: u8) -> (IpAddr, u16, IpAddr, u16) {
    let v4 = |d| IpAddr::V4(Ipv4Addr::new(192, 168, 0, d));
    let v6 = |d| IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, d));
    match i & 3 {
        0 => (IpAddr::V4(V4_SERVER), 1900, v4(10), 50000),
        1 => (IpAddr::V4(V4_SERVER), 49152, v4(10), 50001),
        2 => (v6(1), 80, v6(2), 50002),
        _ => (v4(2), 5000, v4(10), 50003),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut t = Tracker::new(LIMITS);
    let owner = |ip: IpAddr, src: Option<MacAddr>| if ip == IpAddr::V4(V4_SERVER) { Some(OWNER) } else { src };
    let mut next_seq = [0u32; 4];
    let mut ts = Timestamp(1_700_000_000_000_000_000);
    let mut rest = data;
    let mut segments = 0u64;
    while let Some((&ctl, r)) = rest.split_first() {
        let stream = ctl & 3;
        let (seq, r) = if ctl & 0x40 != 0 {
            let Some((s, r)) = r.split_first_chunk::<4>() else { break };
            (u32::from_be_bytes(*s), r)
        } else {
            let Some((s, r)) = r.split_first_chunk::<2>() else { break };
            (next_seq[usize::from(stream)].wrapping_add(i16::from_be_bytes(*s) as i32 as u32), r)
        };
        let Some((l, r)) = r.split_first_chunk::<2>() else { break };
        let len = usize::from(u16::from_be_bytes(*l)).min(r.len());
        let (payload, r) = r.split_at(len);
        rest = r;

        if ctl & 0x20 != 0 {
            ts = Timestamp(ts.0 + 61_000_000_000);
        } else {
            ts = Timestamp(ts.0 + 1_000_000);
        }
        let mut out = Vec::new();
        if ctl & 0x10 != 0 {
            t.announce(&String::from_utf8_lossy(payload));
        } else {
            let (src, src_port, dst, dst_port) = endpoints(stream);
            let mut flags = ACK;
            if ctl & 4 != 0 {
                flags |= FIN;
            }
            if ctl & 8 != 0 {
                flags |= RST;
            }
            let cx = Context {
                ts,
                src_mac: (ctl & 0x80 == 0).then_some(SRC_MAC),
                dst_mac: None,
                src_ip: Some(src),
                dst_ip: Some(dst),
                src_port,
                dst_port,
            };
            let seg = TcpSegment { src_port, dst_port, seq, flags, payload };
            let _ = t.segment(&cx, &seg, &owner, &mut out);
            next_seq[usize::from(stream)] = seq.wrapping_add(len as u32);
            segments += 1;
            let errors = t.tick(ts, &owner, &mut out);
            assert!(errors.len() <= LIMITS.max_streams);
            check_observations(&cx, &out);
        }
        assert!(t.streams() <= LIMITS.max_streams, "{} streams followed", t.streams());
        for o in &out {
            assert_eq!(o.protocol, Protocol::Upnp);
            assert!(o.mac == OWNER || o.mac == SRC_MAC, "a description attributed to {}", o.mac);
        }
    }
    let mut out = Vec::new();
    let errors = t.finish(ts, &owner, &mut out);
    assert!(errors.len() <= LIMITS.max_streams);
    assert!(out.iter().all(|o| o.protocol == Protocol::Upnp && (o.mac == OWNER || o.mac == SRC_MAC)));
    assert_eq!(t.streams(), 0, "streams left after finish");
    assert!(t.descriptions == 0 || segments > 0, "a description without a segment");
    let mut names: Vec<&str> = t.limits_hit().map(|(n, _)| n).collect();
    names.dedup();
    assert_eq!(names.len(), t.limits_hit().count());
});
