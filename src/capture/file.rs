//! pcap and pcapng files.
//!
//! Input is pulled through a window of unread bytes ([`Input`]): a reader thread's
//! buffers for regular files ([`Access::Pipe`], the default, see [`super::pipe`]), one
//! reusable buffer for pipes and [`Access::Stream`], or a slice already in memory. Memory
//! stays bounded by the largest record ([`MAX_RECORD_BYTES`]), and a file that another
//! program truncates while it is read simply ends early (a memory map would fault).
//! Record boundaries are computed here from the headers, so a record that claims more
//! bytes than the file holds is reported as a truncation at an exact offset instead of
//! an allocation. pcapng blocks are decoded with `pcap-parser`.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le};

use super::frame::{Frame, LinkType};
use crate::timestamp::Timestamp;

/// Largest pcap record or pcapng block accepted (libpcap's own cap on snapshot length is
/// 256 KiB; pcapng blocks may carry options and other block types, so allow more).
pub const MAX_RECORD_BYTES: usize = 16 << 20;
/// Read granularity: large enough to amortise syscalls, small enough to stay in L2.
const CHUNK_BYTES: usize = 256 << 10;
/// Interfaces per pcapng section; more is a corrupt or hostile file.
pub const MAX_PCAPNG_INTERFACES: usize = 4096;

const PCAP_MAGIC_US: u32 = 0xa1b2_c3d4;
const PCAP_MAGIC_NS: u32 = 0xa1b2_3c4d;
const PCAP_MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
const PCAPNG_BOM: u32 = 0x1a2b_3c4d;
/// Enhanced Packet Block: type, length, interface, time high/low, captured and original
/// length (28 bytes), data padded to 4, trailing length (4).
const PCAPNG_EPB: u32 = 6;
const EPB_MIN_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: empty file, not a capture")]
    Empty { path: PathBuf },
    #[error("{path}: not a pcap or pcapng file (starts with {magic})")]
    NotACapture { path: PathBuf, magic: String },
    #[error("{path}: is a directory")]
    IsDirectory { path: PathBuf },
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum FileFormat {
    Pcap { big_endian: bool, nanos: bool },
    PcapNg,
}

/// How a file ended.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum ReadOutcome {
    Complete,
    /// The file stops inside a record, or a record is corrupt: everything before
    /// `offset` was read; nothing after it is trusted.
    Truncated { offset: u64, detail: String },
}

#[derive(Clone, Debug)]
pub struct ReadSummary {
    pub format: FileFormat,
    pub frames: u64,
    pub bytes: u64,
    pub outcome: ReadOutcome,
    /// pcapng blocks of known length that did not parse and were skipped.
    pub bad_blocks: u64,
    /// Packets whose timestamp is out of range; they are read with the previous time.
    pub bad_timestamps: u64,
}

/// How a file is read.
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub enum Access {
    /// Regular files are read by a second thread into a few buffers while this one
    /// parses (see [`super::pipe`]); pipes and devices are read as by [`Access::Stream`].
    #[default]
    Pipe,
    /// Read through one bounded buffer on the calling thread.
    Stream,
}

/// Opens `path` and feeds every frame to `sink`, in file order.
pub fn read_path(path: &Path, sink: &mut dyn FnMut(&Frame<'_>)) -> Result<ReadSummary, CaptureError> {
    read_path_with(path, Access::default(), sink)
}

/// [`read_path`] with a choice of [`Access`].
pub fn read_path_with(path: &Path, access: Access, sink: &mut dyn FnMut(&Frame<'_>)) -> Result<ReadSummary, CaptureError> {
    let io_err = |source| CaptureError::Io { path: path.to_path_buf(), source };
    if path.is_dir() {
        return Err(CaptureError::IsDirectory { path: path.to_path_buf() });
    }
    let file = File::open(path).map_err(io_err)?;
    if access == Access::Pipe && file.metadata().is_ok_and(|m| m.file_type().is_file()) {
        let mut input = super::pipe::Piped::new(file).map_err(io_err)?;
        return read_input(path, &mut input, sink);
    }
    read_capture(path, file, sink)
}

/// Reads a capture from any byte stream; `name` is used in errors only.
pub fn read_capture<R: Read>(
    name: &Path,
    reader: R,
    sink: &mut dyn FnMut(&Frame<'_>),
) -> Result<ReadSummary, CaptureError> {
    read_input(name, &mut Buffer::new(reader), sink)
}

/// Reads a capture held in memory; `name` is used in errors only.
pub fn read_bytes(name: &Path, data: &[u8], sink: &mut dyn FnMut(&Frame<'_>)) -> Result<ReadSummary, CaptureError> {
    read_input(name, &mut Window { data, pos: 0 }, sink)
}

fn read_input<I: Input>(name: &Path, buf: &mut I, sink: &mut dyn FnMut(&Frame<'_>)) -> Result<ReadSummary, CaptureError> {
    let io_err = |source| CaptureError::Io { path: name.to_path_buf(), source };
    buf.fill_to(24).map_err(io_err)?;
    let head = buf.available();
    if head.is_empty() {
        return Err(CaptureError::Empty { path: name.to_path_buf() });
    }
    if head.len() < 4 {
        return Err(not_a_capture(name, head));
    }
    let le = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let be = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    if le == PCAPNG_SHB {
        return read_pcapng(buf, sink).map_err(io_err);
    }
    let (big_endian, magic) = match (le, be) {
        (PCAP_MAGIC_US | PCAP_MAGIC_NS | PCAP_MAGIC_MODIFIED, _) => (false, le),
        (_, PCAP_MAGIC_US | PCAP_MAGIC_NS | PCAP_MAGIC_MODIFIED) => (true, be),
        _ => return Err(not_a_capture(name, head)),
    };
    if head.len() < 24 {
        let summary = ReadSummary {
            format: FileFormat::Pcap { big_endian, nanos: magic == PCAP_MAGIC_NS },
            frames: 0,
            bytes: 0,
            outcome: ReadOutcome::Truncated { offset: 0, detail: "file ends inside the 24-byte pcap header".into() },
            bad_blocks: 0,
            bad_timestamps: 0,
        };
        return Ok(summary);
    }
    read_pcap(buf, big_endian, magic, sink).map_err(io_err)
}

fn not_a_capture(name: &Path, head: &[u8]) -> CaptureError {
    let magic = head.iter().take(4).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
    CaptureError::NotACapture { path: name.to_path_buf(), magic }
}

/// A refillable window over the input. `start..end` holds unread bytes; `offset` is the
/// file offset of `start`.
struct Buffer<R> {
    reader: R,
    data: Vec<u8>,
    start: usize,
    end: usize,
    offset: u64,
    eof: bool,
}

/// What the pcap and pcapng loops read from: a window of unread bytes that can be asked
/// to hold at least `n` bytes. Generic, so the mapped path costs no copy or dynamic call.
trait Input {
    /// Makes at least `n` unread bytes available unless the input ends first.
    fn fill_to(&mut self, n: usize) -> io::Result<()>;
    fn available(&self) -> &[u8];
    fn consume(&mut self, n: usize);
    /// File offset of the first unread byte.
    fn offset(&self) -> u64;
}

/// Unread bytes of a file held in memory.
struct Window<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Input for Window<'_> {
    fn fill_to(&mut self, _n: usize) -> io::Result<()> {
        Ok(())
    }

    fn available(&self) -> &[u8] {
        self.data.get(self.pos..).unwrap_or_default()
    }

    fn consume(&mut self, n: usize) {
        self.pos = self.pos.saturating_add(n).min(self.data.len());
    }

    fn offset(&self) -> u64 {
        self.pos as u64
    }
}

impl Input for super::pipe::Piped {
    fn fill_to(&mut self, n: usize) -> io::Result<()> {
        super::pipe::Piped::fill_to(self, n)
    }
    fn available(&self) -> &[u8] {
        super::pipe::Piped::available(self)
    }
    fn consume(&mut self, n: usize) {
        super::pipe::Piped::consume(self, n)
    }
    fn offset(&self) -> u64 {
        super::pipe::Piped::offset(self)
    }
}

impl<R: Read> Buffer<R> {
    fn new(reader: R) -> Self {
        Buffer { reader, data: vec![0; CHUNK_BYTES], start: 0, end: 0, offset: 0, eof: false }
    }
}

impl<R: Read> Input for Buffer<R> {
    fn offset(&self) -> u64 {
        self.offset
    }

    fn available(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }

    /// Makes at least `n` unread bytes available unless the input ends first.
    /// `n` must not exceed [`MAX_RECORD_BYTES`] + 24 (callers check record lengths first).
    fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.end - self.start < n && !self.eof {
            if self.data.len() - self.start < n {
                // Compact, and grow when one record is larger than the buffer.
                self.data.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                if self.data.len() < n {
                    self.data.resize(n.next_power_of_two().max(CHUNK_BYTES), 0);
                }
            }
            match self.reader.read(&mut self.data[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }
}

fn rd32(b: &[u8], at: usize, big_endian: bool) -> u32 {
    let a = [b[at], b[at + 1], b[at + 2], b[at + 3]];
    if big_endian { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) }
}

fn truncated(offset: u64, detail: String) -> ReadOutcome {
    ReadOutcome::Truncated { offset, detail }
}

fn read_pcap<I: Input>(
    buf: &mut I,
    big_endian: bool,
    magic: u32,
    sink: &mut dyn FnMut(&Frame<'_>),
) -> io::Result<ReadSummary> {
    let nanos = magic == PCAP_MAGIC_NS;
    // The "modified" (Kuznetzov) format adds 8 bytes to each record header.
    let rec_hdr = if magic == PCAP_MAGIC_MODIFIED { 24 } else { 16 };
    let head = buf.available();
    let link = LinkType::from_raw(rd32(head, 20, big_endian) & 0x0fff_ffff);
    buf.consume(24);
    let mut summary = ReadSummary {
        format: FileFormat::Pcap { big_endian, nanos },
        frames: 0,
        bytes: 0,
        outcome: ReadOutcome::Complete,
        bad_blocks: 0,
        bad_timestamps: 0,
    };
    loop {
        buf.fill_to(rec_hdr)?;
        let avail = buf.available().len();
        if avail == 0 {
            break;
        }
        if avail < rec_hdr {
            summary.outcome = truncated(buf.offset(), format!("file ends inside a record header ({avail} of {rec_hdr} bytes)"));
            break;
        }
        let h = buf.available();
        let secs = rd32(h, 0, big_endian);
        let frac = rd32(h, 4, big_endian);
        let caplen = rd32(h, 8, big_endian) as usize;
        let orig_len = rd32(h, 12, big_endian);
        if caplen > MAX_RECORD_BYTES {
            summary.outcome = truncated(buf.offset(), format!("record claims {caplen} bytes (limit {MAX_RECORD_BYTES}): corrupt file"));
            break;
        }
        let total = rec_hdr + caplen;
        buf.fill_to(total)?;
        let have = buf.available().len();
        if have < total {
            summary.outcome = truncated(buf.offset(), format!("file ends inside a record ({} of {caplen} bytes)", have - rec_hdr));
            break;
        }
        let nanos_part = if nanos { frac as i64 } else { frac as i64 * 1000 };
        let ts = Timestamp((secs as i64) * 1_000_000_000 + nanos_part);
        let data = &buf.available()[rec_hdr..total];
        sink(&Frame { ts, ts_known: true, link, data, orig_len });
        summary.frames += 1;
        summary.bytes += caplen as u64;
        buf.consume(total);
    }
    Ok(summary)
}

#[derive(Clone, Copy)]
struct Interface {
    link: LinkType,
    /// Timestamp units per second.
    units_per_sec: u64,
    offset_secs: i64,
}

/// The packet time, or `None` when it lies beyond what nanoseconds since 1970 in an
/// i64 can hold (year 2262): such a time is corrupt, not a date.
fn pcapng_ts(iface: &Interface, high: u32, low: u32) -> Option<Timestamp> {
    let units = ((high as u64) << 32 | low as u64) as u128;
    let per = iface.units_per_sec.max(1) as u128;
    let nanos = units / per * 1_000_000_000 + (units % per) * 1_000_000_000 / per;
    let nanos = i64::try_from(nanos).ok()?;
    iface.offset_secs.checked_mul(1_000_000_000)?.checked_add(nanos).map(Timestamp)
}

/// The fields of an Enhanced Packet Block quietwire uses, read either directly (the
/// common case) or by pcap-parser.
struct Epb<'a> {
    if_id: u32,
    ts_high: u32,
    ts_low: u32,
    /// The captured bytes, without padding.
    data: &'a [u8],
    orig_len: u32,
}

impl Epb<'_> {
    /// Hands the packet to `sink` with its interface's link type and time, or counts the
    /// block as bad when the interface is unknown. A time out of range keeps the previous
    /// one and is counted.
    fn deliver(&self, ifaces: &[Interface], summary: &mut ReadSummary, last_ts: &mut Timestamp, sink: &mut dyn FnMut(&Frame<'_>)) {
        let Some(iface) = ifaces.get(self.if_id as usize) else {
            summary.bad_blocks += 1;
            return;
        };
        let ts = pcapng_ts(iface, self.ts_high, self.ts_low);
        if ts.is_none() {
            summary.bad_timestamps += 1;
        }
        *last_ts = ts.unwrap_or(*last_ts);
        sink(&Frame { ts: *last_ts, ts_known: ts.is_some(), link: iface.link, data: self.data, orig_len: self.orig_len });
        summary.frames += 1;
        summary.bytes += self.data.len() as u64;
    }
}

fn read_pcapng<I: Input>(buf: &mut I, sink: &mut dyn FnMut(&Frame<'_>)) -> io::Result<ReadSummary> {
    let mut summary = ReadSummary {
        format: FileFormat::PcapNg,
        frames: 0,
        bytes: 0,
        outcome: ReadOutcome::Complete,
        bad_blocks: 0,
        bad_timestamps: 0,
    };
    let mut big_endian = false;
    let mut ifaces: Vec<Interface> = Vec::new();
    let mut last_ts = Timestamp(0);
    loop {
        buf.fill_to(12)?;
        let avail = buf.available().len();
        if avail == 0 {
            break;
        }
        if avail < 12 {
            summary.outcome = truncated(buf.offset(), format!("file ends inside a block header ({avail} bytes)"));
            break;
        }
        let h = buf.available();
        let block_type = rd32(h, 0, false);
        if block_type == PCAPNG_SHB {
            // A new section may switch byte order.
            match rd32(h, 8, false) {
                PCAPNG_BOM => big_endian = false,
                bom if bom.swap_bytes() == PCAPNG_BOM => big_endian = true,
                _ => {
                    summary.outcome = truncated(buf.offset(), "section header with an invalid byte-order magic".into());
                    break;
                }
            }
            ifaces.clear();
        }
        let len = rd32(h, 4, big_endian) as usize;
        if len < 12 || len % 4 != 0 || len > MAX_RECORD_BYTES {
            summary.outcome = truncated(buf.offset(), format!("block of invalid length {len}: corrupt file"));
            break;
        }
        buf.fill_to(len)?;
        let have = buf.available().len();
        if have < len {
            summary.outcome = truncated(buf.offset(), format!("file ends inside a block ({have} of {len} bytes)"));
            break;
        }
        let block = &buf.available()[..len];
        // Enhanced Packet Blocks are nearly every block: read their fixed fields here
        // (pcap-parser would also decode their options, which quietwire does not use).
        if rd32(block, 0, big_endian) == PCAPNG_EPB && len >= EPB_MIN_LEN {
            let caplen = rd32(block, 20, big_endian) as usize;
            if caplen <= len - EPB_MIN_LEN {
                let epb = Epb {
                    if_id: rd32(block, 8, big_endian),
                    ts_high: rd32(block, 12, big_endian),
                    ts_low: rd32(block, 16, big_endian),
                    data: &block[28..28 + caplen],
                    orig_len: rd32(block, 24, big_endian),
                };
                epb.deliver(&ifaces, &mut summary, &mut last_ts, sink);
                buf.consume(len);
                continue;
            }
        }
        let parsed = if big_endian { parse_block_be(block) } else { parse_block_le(block) };
        match parsed {
            Ok((_, Block::SectionHeader(_))) => {}
            Ok((_, Block::InterfaceDescription(idb))) => {
                if ifaces.len() < MAX_PCAPNG_INTERFACES {
                    ifaces.push(Interface {
                        link: LinkType::from_raw(idb.linktype.0 as u32),
                        units_per_sec: idb.ts_resolution().unwrap_or(1_000_000),
                        offset_secs: idb.ts_offset(),
                    });
                } else {
                    summary.bad_blocks += 1;
                }
            }
            Ok((_, Block::EnhancedPacket(e))) => {
                let caplen = (e.caplen as usize).min(e.data.len());
                let epb = Epb { if_id: e.if_id, ts_high: e.ts_high, ts_low: e.ts_low, data: &e.data[..caplen], orig_len: e.origlen };
                epb.deliver(&ifaces, &mut summary, &mut last_ts, sink);
            }
            Ok((_, Block::SimplePacket(spb))) => match ifaces.first() {
                // A simple packet block has no timestamp and belongs to interface 0.
                Some(iface) => {
                    let caplen = (spb.origlen as usize).min(spb.data.len());
                    let data = &spb.data[..caplen];
                    sink(&Frame { ts: last_ts, ts_known: false, link: iface.link, data, orig_len: spb.origlen });
                    summary.frames += 1;
                    summary.bytes += caplen as u64;
                }
                None => summary.bad_blocks += 1,
            },
            Ok(_) => {}
            Err(_) => summary.bad_blocks += 1,
        }
        buf.consume(len);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcap_header(magic: u32, link: u32, be: bool) -> Vec<u8> {
        let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut h = Vec::new();
        h.extend(w(magic));
        h.extend(w16(2));
        h.extend(w16(4));
        h.extend(w(0));
        h.extend(w(0));
        h.extend(w(65535));
        h.extend(w(link));
        h
    }

    fn record(secs: u32, frac: u32, data: &[u8], be: bool) -> Vec<u8> {
        let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut r = Vec::new();
        r.extend(w(secs));
        r.extend(w(frac));
        r.extend(w(data.len() as u32));
        r.extend(w(data.len() as u32));
        r.extend(data);
        r
    }

    type Frames = Vec<(Timestamp, LinkType, Vec<u8>)>;

    fn collect(bytes: &[u8]) -> Result<(ReadSummary, Frames), CaptureError> {
        let mut frames = Vec::new();
        let s = read_capture(Path::new("test"), bytes, &mut |f| frames.push((f.ts, f.link, f.data.to_vec())))?;
        Ok((s, frames))
    }

    #[test]
    fn reads_pcap_in_both_byte_orders_and_resolutions() {
        for be in [false, true] {
            for (magic, frac, want_ns) in [(PCAP_MAGIC_US, 5u32, 5_000), (PCAP_MAGIC_NS, 5, 5)] {
                let mut f = pcap_header(magic, 1, be);
                f.extend(record(10, frac, &[1, 2, 3], be));
                f.extend(record(11, 0, &[4; 60], be));
                let (s, frames) = collect(&f).unwrap();
                assert_eq!(s.outcome, ReadOutcome::Complete);
                assert_eq!(s.frames, 2);
                assert_eq!(frames[0].0, Timestamp(10_000_000_000 + want_ns));
                assert_eq!(frames[0].1, LinkType::Ethernet);
                assert_eq!(frames[0].2, vec![1, 2, 3]);
                assert_eq!(frames[1].2.len(), 60);
            }
        }
    }

    #[test]
    fn truncated_record_keeps_what_was_read() {
        let mut f = pcap_header(PCAP_MAGIC_US, 1, false);
        f.extend(record(1, 0, &[9; 20], false));
        let cut_at = f.len() as u64;
        f.extend(&record(2, 0, &[9; 20], false)[..25]);
        let (s, frames) = collect(&f).unwrap();
        assert_eq!(frames.len(), 1);
        match s.outcome {
            ReadOutcome::Truncated { offset, .. } => assert_eq!(offset, cut_at),
            o => panic!("expected truncation, got {o:?}"),
        }
    }

    #[test]
    fn huge_record_length_is_corruption_not_allocation() {
        let mut f = pcap_header(PCAP_MAGIC_US, 1, false);
        f.extend(1u32.to_le_bytes());
        f.extend(0u32.to_le_bytes());
        f.extend(0x7fff_ffffu32.to_le_bytes());
        f.extend(0x7fff_ffffu32.to_le_bytes());
        let (s, frames) = collect(&f).unwrap();
        assert!(frames.is_empty());
        assert!(matches!(s.outcome, ReadOutcome::Truncated { offset: 24, .. }));
    }

    #[test]
    fn records_larger_than_one_chunk_are_read() {
        let mut f = pcap_header(PCAP_MAGIC_US, 1, false);
        let big = vec![7u8; CHUNK_BYTES * 3 + 5];
        f.extend(record(1, 0, &big, false));
        f.extend(record(2, 0, &[1], false));
        let (s, frames) = collect(&f).unwrap();
        assert_eq!(s.outcome, ReadOutcome::Complete);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].2.len(), big.len());
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert!(matches!(collect(&[]), Err(CaptureError::Empty { .. })));
        assert!(matches!(collect(b"hello world, not a capture"), Err(CaptureError::NotACapture { .. })));
        assert!(matches!(collect(&[0xd4, 0xc3]), Err(CaptureError::NotACapture { .. })));
        let (s, _) = collect(&pcap_header(PCAP_MAGIC_US, 1, false)[..10]).unwrap();
        assert!(matches!(s.outcome, ReadOutcome::Truncated { .. }));
    }

    fn pcapng_block(kind: u32, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let len = (12 + body.len()) as u32;
        let mut b = Vec::new();
        b.extend(kind.to_le_bytes());
        b.extend(len.to_le_bytes());
        b.extend(body);
        b.extend(len.to_le_bytes());
        b
    }

    fn shb() -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(PCAPNG_BOM.to_le_bytes());
        body.extend(1u16.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend((-1i64).to_le_bytes());
        pcapng_block(PCAPNG_SHB, &body)
    }

    fn idb(link: u16, tsresol: Option<u8>) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(link.to_le_bytes());
        body.extend(0u16.to_le_bytes());
        body.extend(0u32.to_le_bytes());
        if let Some(r) = tsresol {
            body.extend(9u16.to_le_bytes());
            body.extend(1u16.to_le_bytes());
            body.extend([r, 0, 0, 0]);
            body.extend([0u8; 4]);
        }
        pcapng_block(1, &body)
    }

    fn epb(if_id: u32, ts: u64, data: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(if_id.to_le_bytes());
        body.extend(((ts >> 32) as u32).to_le_bytes());
        body.extend((ts as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(data);
        pcapng_block(6, &body)
    }

    #[test]
    fn pcapng_with_two_link_types_and_resolutions() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(idb(101, Some(9)));
        f.extend(epb(0, 1_000_000, &[1, 2, 3, 4, 5]));
        f.extend(epb(1, 2_000_000_007, &[0x45, 0, 0, 20]));
        f.extend(epb(7, 1, &[0])); // no such interface: skipped, counted
        let (s, frames) = collect(&f).unwrap();
        assert_eq!(s.outcome, ReadOutcome::Complete);
        assert_eq!(s.bad_blocks, 1);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].0, Timestamp(1_000_000_000));
        assert_eq!(frames[0].1, LinkType::Ethernet);
        assert_eq!(frames[0].2, vec![1, 2, 3, 4, 5]); // padding removed
        assert_eq!(frames[1].0, Timestamp(2_000_000_007));
        assert_eq!(frames[1].1, LinkType::Raw);
    }

    #[test]
    fn out_of_range_pcapng_time_is_unknown() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(epb(0, 5_000_000, &[1; 14]));
        f.extend(epb(0, u64::MAX - 5, &[2; 14]));
        let mut known = Vec::new();
        let s = read_capture(Path::new("t"), &f[..], &mut |fr| known.push((fr.ts, fr.ts_known))).unwrap();
        assert_eq!(s.bad_timestamps, 1);
        assert_eq!(known, vec![(Timestamp(5_000_000_000), true), (Timestamp(5_000_000_000), false)]);
    }

    #[test]
    fn pcapng_block_past_end_is_truncation() {
        let mut f = shb();
        f.extend(idb(1, None));
        f.extend(epb(0, 1, &[1; 14]));
        let good = f.len() as u64;
        let mut bad = epb(0, 2, &[2; 14]);
        bad[4..8].copy_from_slice(&4000u32.to_le_bytes());
        f.extend(bad);
        let (s, frames) = collect(&f).unwrap();
        assert_eq!(frames.len(), 1);
        assert!(matches!(s.outcome, ReadOutcome::Truncated { offset, .. } if offset == good));
    }

    /// Reads `bytes` as a file on disk, every way quietwire can.
    type Way = (String, Result<(ReadSummary, Frames), String>);

    fn collect_every_way(bytes: &[u8]) -> Vec<Way> {
        let dir = std::env::temp_dir().join(format!("quietwire-file-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.pcap");
        std::fs::write(&path, bytes).unwrap();
        let mut out = Vec::new();
        for access in [Access::Pipe, Access::Stream] {
            let mut frames = Vec::new();
            let r = read_path_with(&path, access, &mut |f| frames.push((f.ts, f.link, f.data.to_vec())));
            out.push((format!("{access:?}"), r.map(|s| (s, frames)).map_err(|e| e.to_string().replace(&*path.to_string_lossy(), "PATH"))));
        }
        let mut frames = Vec::new();
        let r = read_bytes(Path::new("PATH"), bytes, &mut |f| frames.push((f.ts, f.link, f.data.to_vec())));
        out.push(("bytes".into(), r.map(|s| (s, frames)).map_err(|e| e.to_string())));
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    fn assert_same_every_way(bytes: &[u8]) -> (ReadSummary, Frames) {
        let all = collect_every_way(bytes);
        let (first, rest) = all.split_first().unwrap();
        for (how, r) in rest {
            assert_eq!(format!("{:?}", first.1), format!("{r:?}"), "{} and {how} differ", first.0);
        }
        first.1.clone().unwrap()
    }

    /// Records of every size around the reader thread's chunk and head room, so records
    /// straddle chunk boundaries at every offset class, plus records larger than the head
    /// room and than a whole chunk.
    #[test]
    fn reader_thread_reads_what_a_plain_read_reads() {
        use crate::capture::pipe::{PIPE_CHUNK, PIPE_HEAD};
        let mut f = pcap_header(PCAP_MAGIC_US, 1, false);
        let mut sizes: Vec<usize> = (0..3000).map(|i| 14 + (i * 7919) % 1500).collect();
        sizes.extend([PIPE_HEAD - 1, PIPE_HEAD + 1, PIPE_CHUNK + 17, 3 * PIPE_CHUNK, 60, 61]);
        sizes.extend((0..500).map(|i| 60 + i));
        for (i, n) in sizes.iter().enumerate() {
            let data: Vec<u8> = (0..*n).map(|k| (k as u8) ^ (i as u8)).collect();
            f.extend(record(i as u32, 0, &data, false));
        }
        let (s, frames) = assert_same_every_way(&f);
        assert_eq!(s.outcome, ReadOutcome::Complete);
        assert_eq!(frames.len(), sizes.len());
        for (i, ((_, _, data), n)) in frames.iter().zip(&sizes).enumerate() {
            assert_eq!(data.len(), *n, "record {i}");
            assert_eq!(data.last().copied(), Some(((n - 1) as u8) ^ (i as u8)), "record {i}");
        }
        // Cut anywhere: the same frames and the same truncation offset every way.
        for cut in [f.len() - 1, f.len() - 5_000, f.len() / 2, PIPE_CHUNK + 3, PIPE_CHUNK, 40] {
            let (s, frames) = assert_same_every_way(&f[..cut]);
            assert!(matches!(s.outcome, ReadOutcome::Truncated { .. }), "cut {cut}");
            assert!(frames.len() < sizes.len());
        }
    }

    /// A corrupt record early in a large file stops the read at once; the reader thread,
    /// still holding unread chunks, is stopped and joined rather than left behind.
    #[test]
    fn reader_thread_stops_when_parsing_stops() {
        let mut f = pcap_header(PCAP_MAGIC_US, 1, false);
        f.extend(record(1, 0, &[1; 60], false));
        let mut bad = record(2, 0, &[2; 60], false);
        bad[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        f.extend(bad);
        f.extend(std::iter::repeat_n(0u8, 8 << 20));
        let (s, frames) = assert_same_every_way(&f);
        assert_eq!(frames.len(), 1);
        assert!(matches!(s.outcome, ReadOutcome::Truncated { offset: 100, .. }), "{:?}", s.outcome);
        let pcapng = {
            let mut g = shb();
            g.extend(idb(1, None));
            for i in 0..20_000u64 {
                g.extend(epb(0, i, &[i as u8; 100]));
            }
            g
        };
        let (s, frames) = assert_same_every_way(&pcapng);
        assert_eq!((s.outcome, frames.len()), (ReadOutcome::Complete, 20_000));
    }

    /// A big-endian section (as written on SPARC or PowerPC): blocks, lengths and times
    /// in network order; the EPB fast path must read them the same way pcap-parser does.
    #[test]
    fn big_endian_pcapng() {
        fn block(kind: u32, body: &[u8]) -> Vec<u8> {
            let len = (12 + body.len().div_ceil(4) * 4) as u32;
            let mut b = kind.to_be_bytes().to_vec();
            b.extend(len.to_be_bytes());
            b.extend(body);
            b.resize(len as usize - 4, 0);
            b.extend(len.to_be_bytes());
            b
        }
        let mut shb = PCAPNG_BOM.to_be_bytes().to_vec();
        shb.extend([0, 1, 0, 0]);
        shb.extend(u64::MAX.to_be_bytes());
        let mut f = block(PCAPNG_SHB, &shb);
        f.extend(block(1, &[0, 1, 0, 0, 0, 0, 0xff, 0xff]));
        for (i, data) in [&[7u8; 14][..], &[8u8; 61][..]].iter().enumerate() {
            let ts: u64 = 1_500_000_000_000_000 + i as u64;
            let mut body = 0u32.to_be_bytes().to_vec();
            body.extend(((ts >> 32) as u32).to_be_bytes());
            body.extend((ts as u32).to_be_bytes());
            body.extend((data.len() as u32).to_be_bytes());
            body.extend((data.len() as u32 + 100).to_be_bytes());
            body.extend(*data);
            f.extend(block(PCAPNG_EPB, &body));
        }
        let (s, frames) = assert_same_every_way(&f);
        assert_eq!(s.outcome, ReadOutcome::Complete);
        assert_eq!(frames, vec![
            (Timestamp(1_500_000_000_000_000_000), LinkType::Ethernet, vec![7; 14]),
            (Timestamp(1_500_000_000_000_001_000), LinkType::Ethernet, vec![8; 61]),
        ]);
        // pcap-parser (the path every other block takes) reads the same fields.
        let last = &f[f.len() - 96..];
        match parse_block_be(last) {
            Ok((_, Block::EnhancedPacket(e))) => {
                assert_eq!((e.if_id, e.caplen, e.origlen), (0, 61, 161));
                assert_eq!(((e.ts_high as u64) << 32) | e.ts_low as u64, 1_500_000_000_000_001);
                assert_eq!(&e.data[..61], &[8u8; 61][..]);
            }
            other => panic!("{other:?}"),
        }
    }
}
