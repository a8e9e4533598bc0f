//! Bounded TCP reassembly of one direction of a few streams (servers answering the
//! requests quietwire cares about). Written by hand: no maintained crate fits.
//!
//! Segments are placed by sequence number relative to an anchor (the first byte of the
//! message being assembled), so retransmissions and overlaps are trimmed, out-of-order
//! segments wait (bounded) until the gap fills, and 32-bit wrap-around is harmless.
//! Every buffer has a named limit with a counter; idle streams expire by capture time.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use crate::timestamp::Timestamp;

/// One direction of a TCP connection: from `src` (the server) to `dst`.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash)]
pub struct StreamKey {
    pub src: IpAddr,
    pub src_port: u16,
    pub dst: IpAddr,
    pub dst_port: u16,
}

#[derive(Copy, Clone, Debug)]
pub struct Limits {
    /// `tcp_streams`: streams followed at once.
    pub max_streams: usize,
    /// `tcp_stream_bytes`: bytes kept per stream (a description is a few KiB).
    pub max_stream_bytes: usize,
    /// `tcp_buffered_bytes`: bytes kept over all streams.
    pub max_total_bytes: usize,
    /// `tcp_pending_segments`: out-of-order segments waiting per stream.
    pub max_pending_segments: usize,
    /// Streams idle this long (capture time) are closed (`tcp_idle_expired` counts them).
    pub idle_timeout_ns: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_streams: 1024,
            max_stream_bytes: 256 << 10,
            max_total_bytes: 16 << 20,
            max_pending_segments: 64,
            idle_timeout_ns: 60_000_000_000,
        }
    }
}

#[derive(Debug)]
pub struct Stream {
    /// Sequence number of `data[0]`.
    anchor: u32,
    /// Contiguous bytes from the anchor.
    pub data: Vec<u8>,
    /// Out-of-order segments: (offset from the anchor, bytes).
    pending: Vec<(u32, Vec<u8>)>,
    pub last_seen: Timestamp,
    /// The server sent FIN or RST: nothing more will come.
    pub closed: bool,
    /// A limit cut this stream: its data is incomplete.
    pub capped: bool,
}

impl Stream {
    fn buffered(&self) -> usize {
        self.data.len() + self.pending.iter().map(|(_, p)| p.len()).sum::<usize>()
    }

    /// Sequence number of the first assembled byte.
    pub fn anchor(&self) -> u32 {
        self.anchor
    }

    /// Drops the first `n` assembled bytes (a finished message) and moves the anchor.
    pub fn consume(&mut self, n: usize) -> usize {
        let n = n.min(self.data.len());
        self.data.drain(..n);
        self.anchor = self.anchor.wrapping_add(n as u32);
        for (off, _) in self.pending.iter_mut() {
            *off = off.wrapping_sub(n as u32);
        }
        n
    }

    /// Inserts a segment; returns bytes added to the buffers.
    fn insert(&mut self, seq: u32, payload: &[u8], limits: &Limits, room: usize, hits: &mut Hits) -> usize {
        let rel = seq.wrapping_sub(self.anchor) as i32;
        let (rel, payload) = if rel < 0 {
            // Starts before the anchor: keep only the part after it.
            let skip = rel.unsigned_abs() as usize;
            if skip >= payload.len() {
                return 0;
            }
            (0usize, &payload[skip..])
        } else {
            (rel as usize, payload)
        };
        let end = self.data.len();
        let before = self.buffered();
        let budget = limits.max_stream_bytes.saturating_sub(before).min(room);
        if rel <= end {
            // In order, or overlapping what we have: append the new tail.
            let new = &payload[(end - rel).min(payload.len())..];
            let take = new.len().min(budget);
            if take < new.len() {
                self.capped = true;
                hits.stream_bytes += 1;
            }
            self.data.extend_from_slice(&new[..take]);
            self.drain_pending();
        } else if self.pending.len() >= limits.max_pending_segments {
            hits.pending_segments += 1;
            self.capped = true;
        } else if payload.len() <= budget {
            if !self.pending.iter().any(|(o, p)| *o as usize == rel && p.len() >= payload.len()) {
                self.pending.push((rel as u32, payload.to_vec()));
            }
        } else {
            self.capped = true;
            hits.stream_bytes += 1;
        }
        self.buffered().saturating_sub(before)
    }

    fn drain_pending(&mut self) {
        loop {
            let end = self.data.len();
            let Some(i) = self.pending.iter().position(|(o, _)| (*o as usize) <= end) else { return };
            let (o, p) = self.pending.swap_remove(i);
            let o = o as usize;
            if o + p.len() > end {
                self.data.extend_from_slice(&p[end - o..]);
            }
        }
    }
}

/// Counters of limits hit, by name.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Hits {
    pub streams: u64,
    pub stream_bytes: u64,
    pub buffered_bytes: u64,
    pub pending_segments: u64,
    pub idle_expired: u64,
}

impl Hits {
    pub fn named(&self) -> [(&'static str, u64); 5] {
        [
            ("tcp_streams", self.streams),
            ("tcp_stream_bytes", self.stream_bytes),
            ("tcp_buffered_bytes", self.buffered_bytes),
            ("tcp_pending_segments", self.pending_segments),
            ("tcp_idle_expired", self.idle_expired),
        ]
    }
}

#[derive(Debug, Default)]
pub struct Reassembler {
    streams: FxHashMap<StreamKey, Stream>,
    total: usize,
    pub limits: Limits,
    pub hits: Hits,
}

impl Reassembler {
    pub fn new(limits: Limits) -> Reassembler {
        Reassembler { limits, ..Default::default() }
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }

    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    pub fn contains(&self, key: &StreamKey) -> bool {
        self.streams.contains_key(key)
    }

    /// Starts following a stream whose next byte has sequence number `seq`.
    /// False when the stream table is full (counted).
    pub fn open(&mut self, key: StreamKey, seq: u32, ts: Timestamp) -> bool {
        if self.streams.contains_key(&key) {
            return true;
        }
        if self.streams.len() >= self.limits.max_streams {
            self.hits.streams += 1;
            return false;
        }
        let s = Stream { anchor: seq, data: Vec::new(), pending: Vec::new(), last_seen: ts, closed: false, capped: false };
        self.streams.insert(key, s);
        true
    }

    /// Adds a segment to a followed stream; returns the stream when it is followed.
    pub fn segment(&mut self, key: &StreamKey, seq: u32, payload: &[u8], fin_or_rst: bool, ts: Timestamp) -> Option<&mut Stream> {
        let room = self.limits.max_total_bytes.saturating_sub(self.total);
        let limits = self.limits;
        let s = self.streams.get_mut(key)?;
        s.last_seen = ts;
        if !payload.is_empty() {
            if room == 0 {
                self.hits.buffered_bytes += 1;
                s.capped = true;
            } else {
                self.total += s.insert(seq, payload, &limits, room, &mut self.hits);
            }
        }
        if fin_or_rst {
            s.closed = true;
        }
        Some(s)
    }

    /// Updates the byte total after a consumer drained a stream.
    pub fn consumed(&mut self, n: usize) {
        self.total = self.total.saturating_sub(n);
    }

    pub fn get_mut(&mut self, key: &StreamKey) -> Option<&mut Stream> {
        self.streams.get_mut(key)
    }

    pub fn close(&mut self, key: &StreamKey) -> Option<Stream> {
        let s = self.streams.remove(key)?;
        self.total = self.total.saturating_sub(s.buffered());
        Some(s)
    }

    /// Streams idle since before `now - idle_timeout`, removed and returned (their data
    /// may still hold a response framed by connection close).
    pub fn expire(&mut self, now: Timestamp) -> Vec<(StreamKey, Stream)> {
        let limit = now.0.saturating_sub(self.limits.idle_timeout_ns);
        let old: Vec<StreamKey> = self.streams.iter().filter(|(_, s)| s.last_seen.0 < limit).map(|(k, _)| *k).collect();
        let mut out = Vec::new();
        for k in old {
            if let Some(s) = self.close(&k) {
                self.hits.idle_expired += 1;
                out.push((k, s));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    fn key() -> StreamKey {
        StreamKey { src: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), src_port: 1900, dst: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), dst_port: 50000 }
    }

    fn data(r: &mut Reassembler) -> Vec<u8> {
        r.get_mut(&key()).unwrap().data.clone()
    }

    #[test]
    fn out_of_order_retransmission_and_overlap() {
        let mut r = Reassembler::new(Limits::default());
        let base = u32::MAX - 3; // wraps inside the stream
        assert!(r.open(key(), base, Timestamp(0)));
        r.segment(&key(), base.wrapping_add(10), b"KLMNO", false, Timestamp(1));
        r.segment(&key(), base.wrapping_add(5), b"FGHIJ", false, Timestamp(2));
        assert!(data(&mut r).is_empty(), "gap at the start");
        r.segment(&key(), base, b"ABCDE", false, Timestamp(3));
        assert_eq!(data(&mut r), b"ABCDEFGHIJKLMNO");
        r.segment(&key(), base.wrapping_add(5), b"FGHIJ", false, Timestamp(4)); // retransmission
        r.segment(&key(), base.wrapping_add(13), b"NOPQ", false, Timestamp(5)); // overlap
        r.segment(&key(), base.wrapping_sub(2), b"xxAB", false, Timestamp(6)); // starts before the anchor
        assert_eq!(data(&mut r), b"ABCDEFGHIJKLMNOPQ");
        let s = r.get_mut(&key()).unwrap();
        let n = s.consume(5);
        r.consumed(n);
        r.segment(&key(), base.wrapping_add(17), b"R", true, Timestamp(7));
        let s = r.get_mut(&key()).unwrap();
        assert_eq!(s.data, b"FGHIJKLMNOPQR");
        assert!(s.closed);
    }

    #[test]
    fn limits_are_named_and_counted() {
        let limits = Limits { max_streams: 1, max_stream_bytes: 8, max_total_bytes: 1 << 20, max_pending_segments: 1, idle_timeout_ns: 10 };
        let mut r = Reassembler::new(limits);
        assert!(r.open(key(), 0, Timestamp(0)));
        let mut other = key();
        other.dst_port = 1;
        assert!(!r.open(other, 0, Timestamp(0)));
        assert_eq!(r.hits.streams, 1);
        r.segment(&key(), 100, b"a", false, Timestamp(1));
        r.segment(&key(), 200, b"b", false, Timestamp(1));
        assert_eq!(r.hits.pending_segments, 1);
        r.segment(&key(), 0, b"0123456789", false, Timestamp(1));
        assert_eq!(data(&mut r), b"0123456", "8 bytes per stream, one of them pending");
        assert_eq!(r.hits.stream_bytes, 1);
        assert_eq!(r.expire(Timestamp(5)).len(), 0);
        assert_eq!(r.expire(Timestamp(100)).len(), 1);
        assert_eq!(r.hits.idle_expired, 1);
        assert!(r.is_empty());
        assert_eq!(r.total, 0);
    }

    #[test]
    fn total_budget_is_shared() {
        let limits = Limits { max_total_bytes: 4, ..Limits::default() };
        let mut r = Reassembler::new(limits);
        r.open(key(), 0, Timestamp(0));
        r.segment(&key(), 0, b"abcdef", false, Timestamp(1));
        assert_eq!(data(&mut r), b"abcd");
        r.segment(&key(), 6, b"gh", false, Timestamp(1));
        assert_eq!(r.hits.buffered_bytes, 1);
    }
}
