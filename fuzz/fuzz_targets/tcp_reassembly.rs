//! `reassembly::Reassembler` against a model: every segment is a window of one byte
//! stream (so retransmissions and overlaps agree), delivered in the order, with the
//! sizes and the sequence-number base the input picks. Whatever the order, the
//! assembled bytes must be exactly the stream's bytes from the anchor on, and, unless a
//! limit cut the stream, as many of them as the windows delivered so far cover
//! contiguously.
//!
//! Input: `isn(4) ops(1) [op: offset(2) len(2) flags(1)]*ops content…`. Offsets and
//! lengths wrap into the content; flag bit 0 consumes the assembled bytes after the
//! segment, bit 1 marks FIN, bit 2 advances the clock past the idle timeout.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use libfuzzer_sys::fuzz_target;
use quietwire::reassembly::{Limits, Reassembler, StreamKey};
use quietwire::timestamp::Timestamp;

const LIMITS: Limits = Limits {
    max_streams: 4,
    max_stream_bytes: 4096,
    max_total_bytes: 6144,
    max_pending_segments: 8,
    idle_timeout_ns: 60_000_000_000,
};

fn key(i: u8) -> StreamKey {
    StreamKey {
        src: IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1)),
        src_port: 80,
        dst: IpAddr::V4(Ipv4Addr::new(192, 168, 0, 10)),
        dst_port: 50000 + u16::from(i),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<5>() else { return };
    let isn = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let n_ops = usize::from(head[4]);
    let ops_len = (n_ops * 5).min(rest.len() / 5 * 5);
    let (ops, content) = rest.split_at(ops_len);
    if content.is_empty() {
        return;
    }
    let mut r = Reassembler::new(LIMITS);
    let k = key(0);
    let mut ts = Timestamp(0);
    assert!(r.open(k, isn, ts));
    // Offsets (from the ISN) of the bytes delivered so far; `consumed` is where the anchor is.
    let mut have = vec![false; content.len()];
    let mut consumed = 0usize;
    let mut open = true;
    for op in ops.chunks_exact(5) {
        let off = usize::from(u16::from_be_bytes([op[0], op[1]])) % content.len();
        let len = usize::from(u16::from_be_bytes([op[2], op[3]])) % (content.len() - off + 1);
        let flags = op[4];
        if flags & 4 != 0 {
            ts = Timestamp(ts.0 + LIMITS.idle_timeout_ns + 1);
            let gone = r.expire(ts);
            if open {
                assert_eq!(gone.len(), 1, "an idle stream was not expired");
                assert_eq!(gone[0].0, k);
            }
            open = false;
            continue;
        }
        let seq = isn.wrapping_add(off as u32);
        let s = r.segment(&k, seq, &content[off..off + len], flags & 2 != 0, ts);
        assert_eq!(s.is_some(), open, "a segment for a closed stream was taken, or one for an open stream dropped");
        let Some(s) = s else { continue };
        have[off..off + len].iter_mut().for_each(|h| *h = true);
        assert_eq!(s.anchor(), isn.wrapping_add(consumed as u32));
        let got = &s.data;
        assert!(got.len() <= LIMITS.max_stream_bytes);
        assert_eq!(&got[..], &content[consumed..consumed + got.len()], "assembled bytes differ from the stream");
        if !s.capped {
            let contiguous = have[consumed..].iter().take_while(|h| **h).count();
            assert_eq!(got.len(), contiguous, "bytes delivered contiguously were not assembled (or more were)");
        }
        if flags & 1 != 0 {
            let n = got.len();
            assert_eq!(s.consume(n), n);
            r.consumed(n);
            consumed += n;
        }
    }
    if open {
        let s = r.close(&k).expect("an open stream closes");
        assert_eq!(s.data, &content[consumed..consumed + s.data.len()]);
    }
    assert!(r.is_empty());
    // The stream table limit.
    let mut r = Reassembler::new(LIMITS);
    for i in 0..=LIMITS.max_streams as u8 {
        assert_eq!(r.open(key(i), isn, ts), usize::from(i) < LIMITS.max_streams);
    }
    assert_eq!(r.hits.streams, 1);
});
