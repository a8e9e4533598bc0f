//! The offline pipeline: frames → decode → protocol parsers → observations → inventory.
//! Single-threaded and in packet order, as DHCP transactions and TCP streams need.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use crate::capture::{self, Access, CaptureError, Frame, LinkType, ReadOutcome, ReadSummary};
use crate::decode::{self, Network};
use crate::dispatch;
use crate::inventory::{Inventory, Limits};
use crate::mac::MacAddr;
use crate::observe::{AttrValue, Context, Fact, Observation, Protocol, upnp};
use crate::timestamp::Timestamp;
use crate::wire::WireError;

/// One input file as read.
#[derive(Clone, Debug)]
pub struct SourceStats {
    pub path: String,
    pub summary: ReadSummary,
}

/// Counters about the capture itself.
#[derive(Clone, Debug, Default)]
pub struct CaptureStats {
    pub sources: Vec<SourceStats>,
    pub packets: u64,
    /// Captured bytes of all frames.
    pub bytes: u64,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// Frames per link type (few distinct values: a short list beats a map here).
    pub link_types: Vec<(LinkType, u64)>,
    /// Frames not decoded, by reason (`linktype`: a link type quietwire does not read).
    pub skipped: BTreeMap<&'static str, u64>,
    /// Frames or messages that failed to parse, by protocol or layer.
    pub malformed: BTreeMap<&'static str, u64>,
    /// Limits hit outside the inventory (TCP reassembly …), by name; set by `finish`.
    pub limits_hit: BTreeMap<&'static str, u64>,
}

impl CaptureStats {
    fn count_link(&mut self, link: LinkType) {
        match self.link_types.iter_mut().find(|(l, _)| *l == link) {
            Some((_, n)) => *n += 1,
            None => self.link_types.push((link, 1)),
        }
    }
}

/// Counters a progress display reads while files are analysed, shared by every analyzer
/// of one run. The analyzers add to them in batches of [`PROGRESS_BATCH`] frames, so
/// the per-frame cost is one local increment.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of input read (record headers estimated; each file counts whole once read).
    pub bytes: std::sync::atomic::AtomicU64,
    pub packets: std::sync::atomic::AtomicU64,
    /// Devices in the largest inventory so far.
    pub devices: std::sync::atomic::AtomicU64,
}

/// Frames between two updates of [`Progress`].
pub const PROGRESS_BATCH: u32 = 4096;

/// Observations kept for `explain` about one device.
pub const MAX_WATCHED_OBSERVATIONS: usize = 10_000;

pub struct Analyzer {
    pub inventory: Inventory,
    pub stats: CaptureStats,
    upnp: upnp::Tracker,
    scratch: Vec<Observation>,
    watch: Option<MacAddr>,
    watched: Vec<Observation>,
    /// How [`Analyzer::read_file`] reads files.
    pub access: Access,
    /// Where to report progress, if anywhere.
    pub progress: Option<std::sync::Arc<Progress>>,
    /// Frames and bytes not yet added to `progress`.
    unreported: (u32, u64),
    /// Bytes of the current file already added to `progress`.
    file_reported: u64,
}

impl Analyzer {
    pub fn new(limits: Limits) -> Analyzer {
        Analyzer {
            inventory: Inventory::new(limits),
            stats: CaptureStats::default(),
            upnp: upnp::Tracker::default(),
            scratch: Vec::new(),
            watch: None,
            watched: Vec::new(),
            access: Access::default(),
            progress: None,
            unreported: (0, 0),
            file_reported: 0,
        }
    }

    /// Keeps every observation about `mac` (up to [`MAX_WATCHED_OBSERVATIONS`]).
    pub fn watch(&mut self, mac: MacAddr) {
        self.watch = Some(mac);
    }

    pub fn watched(&self) -> &[Observation] {
        &self.watched
    }

    fn malformed(&mut self, what: &'static str) {
        *self.stats.malformed.entry(what).or_default() += 1;
    }

    /// A parse failure. Data missing because the capture's snapshot length cut the frame
    /// is not malformed traffic: it is counted under `skipped.snaplen`.
    fn failed(&mut self, what: &'static str, error: WireError, f: &Frame<'_>) {
        let cut_by_snaplen = (f.data.len() as u64) < f.orig_len as u64;
        if cut_by_snaplen && matches!(error, WireError::Truncated { .. }) {
            *self.stats.skipped.entry("snaplen").or_default() += 1;
        } else {
            self.malformed(what);
        }
    }

    /// Processes one frame.
    pub fn frame(&mut self, f: &Frame<'_>) {
        if self.progress.is_some() {
            self.unreported.0 += 1;
            self.unreported.1 += f.data.len() as u64 + 16;
            if self.unreported.0 >= PROGRESS_BATCH {
                self.report_progress(0);
            }
        }
        let s = &mut self.stats;
        s.packets += 1;
        s.bytes += f.data.len() as u64;
        if f.ts_known {
            s.first_seen = Some(s.first_seen.map_or(f.ts, |t| t.min(f.ts)));
            s.last_seen = Some(s.last_seen.map_or(f.ts, |t| t.max(f.ts)));
        }
        s.count_link(f.link);
        let Some(d) = decode::decode(f.link, f.data) else {
            *s.skipped.entry("linktype").or_default() += 1;
            return;
        };
        let src = d.src.filter(|m| m.is_device());
        if let Some(mac) = src {
            let tags = d.vlans.as_slice();
            let outer = &tags[..tags.len().saturating_sub(1)];
            self.inventory.touch(mac, f.ts, f.orig_len as usize, d.vlans.inner(), outer);
        }
        let mut cx = Context { src_mac: src, dst_mac: d.dst, ..Context::at(f.ts) };
        if let Network::Malformed { layer, error } = d.network {
            self.failed(layer.name(), error, f);
        } else if let Some((protocol, Err(error))) = dispatch::dispatch(&mut cx, &d.network, &mut self.scratch) {
            self.failed(protocol.name(), error, f);
        }
        // UPnP descriptions need state across frames: the stream tracker, fed the SSDP
        // LOCATIONs just seen and every TCP segment (most cost one comparison).
        if !self.scratch.is_empty() {
            for o in &self.scratch {
                if let (Protocol::Ssdp, Fact::Attr("location", AttrValue::Text(url))) = (o.protocol, &o.fact) {
                    self.upnp.announce(url);
                }
            }
        }
        let inv = &self.inventory;
        let owner = |ip: IpAddr, src: Option<MacAddr>| server_mac(inv, ip, src);
        if let Network::Tcp { segment, .. } = &d.network {
            if let Err(e) = self.upnp.segment(&cx, segment, &owner, &mut self.scratch) {
                *self.stats.malformed.entry(Protocol::Upnp.name()).or_default() += 1;
                let _ = e;
            }
        }
        for _ in self.upnp.tick(f.ts, &owner, &mut self.scratch) {
            *self.stats.malformed.entry(Protocol::Upnp.name()).or_default() += 1;
        }
        self.drain_scratch();
    }

    /// Adds what was read since the last report, plus `extra_bytes`.
    fn report_progress(&mut self, extra_bytes: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(p) = &self.progress {
            let (frames, bytes) = std::mem::take(&mut self.unreported);
            self.file_reported += bytes;
            p.packets.fetch_add(frames as u64, Relaxed);
            p.bytes.fetch_add(bytes + extra_bytes, Relaxed);
            p.devices.fetch_max(self.inventory.len() as u64, Relaxed);
        }
    }

    fn drain_scratch(&mut self) {
        if self.scratch.is_empty() {
            return;
        }
        for o in self.scratch.drain(..) {
            let Some(o) = to_holder(&self.inventory, o) else { continue };
            self.inventory.apply(&o);
            if self.watch == Some(o.mac) && self.watched.len() < MAX_WATCHED_OBSERVATIONS {
                self.watched.push(o);
            }
        }
    }

    /// Ends the input: decodes what open TCP streams hold and records the limits hit
    /// outside the inventory. Call once, after the last file, before reporting.
    pub fn finish(&mut self) {
        let now = self.stats.last_seen.unwrap_or_default();
        let inv = &self.inventory;
        let owner = |ip: IpAddr, src: Option<MacAddr>| server_mac(inv, ip, src);
        let errors = self.upnp.finish(now, &owner, &mut self.scratch);
        for _ in errors {
            *self.stats.malformed.entry(Protocol::Upnp.name()).or_default() += 1;
        }
        self.drain_scratch();
        for (name, n) in self.upnp.limits_hit() {
            self.stats.limits_hit.insert(name, n);
        }
        if self.upnp.unattributed > 0 {
            self.stats.skipped.insert("upnp_unattributed", self.upnp.unattributed);
        }
    }

    /// Reads one capture file into the inventory. A truncated or corrupt tail is not an
    /// error: what was read is kept and the summary says where reading stopped.
    pub fn read_file(&mut self, path: &Path) -> Result<ReadSummary, CaptureError> {
        self.file_reported = 0;
        let result = capture::read_path_with(path, self.access, &mut |f| self.frame(f));
        if self.progress.is_some() {
            // The file is done: count it whole (the record-header estimate aside).
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let seen = self.file_reported + self.unreported.1;
            self.report_progress(size.saturating_sub(seen));
        }
        let summary = result?;
        if summary.bad_blocks > 0 {
            *self.stats.malformed.entry("pcapng_block").or_default() += summary.bad_blocks;
        }
        if summary.bad_timestamps > 0 {
            *self.stats.malformed.entry("timestamp").or_default() += summary.bad_timestamps;
        }
        self.stats.sources.push(SourceStats { path: path.display().to_string(), summary: summary.clone() });
        Ok(summary)
    }
}

/// A fact about the holder of an address goes to the device that has claimed the address
/// (ARP, DHCP …) so far; nobody's when none has. Other observations pass unchanged.
fn to_holder(inv: &Inventory, o: Observation) -> Option<Observation> {
    match o.fact {
        Fact::OfAddress(ip, fact) => inv.owner_of(ip).map(|mac| Observation { mac, fact: *fact, ..o }),
        _ => Some(o),
    }
}

/// The device serving `ip`, for UPnP attribution (see [`upnp::attribute`]).
fn server_mac(inv: &Inventory, ip: IpAddr, frame_src: Option<MacAddr>) -> Option<MacAddr> {
    let owner = match ip {
        IpAddr::V4(a) => inv.owner_of(a),
        IpAddr::V6(_) => None,
    };
    let elsewhere = frame_src
        .and_then(|m| inv.get(&m))
        .is_some_and(|d| !d.ipv4.is_empty() && !d.ipv4.iter().any(|a| IpAddr::V4(a.value) == ip));
    upnp::attribute(owner, frame_src, elsewhere)
}

/// Whether a read ended early, for warnings.
pub fn truncation(s: &ReadSummary) -> Option<(u64, &str)> {
    match &s.outcome {
        ReadOutcome::Complete => None,
        ReadOutcome::Truncated { offset, detail } => Some((*offset, detail.as_str())),
    }
}

impl CaptureStats {
    /// Adds the counters of a later part of the input (the next file).
    pub fn merge(&mut self, o: CaptureStats) {
        self.sources.extend(o.sources);
        self.packets += o.packets;
        self.bytes += o.bytes;
        self.first_seen = match (self.first_seen, o.first_seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_seen = match (self.last_seen, o.last_seen) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (l, n) in o.link_types {
            match self.link_types.iter_mut().find(|(x, _)| *x == l) {
                Some((_, m)) => *m += n,
                None => self.link_types.push((l, n)),
            }
        }
        for (map, other) in [(&mut self.skipped, o.skipped), (&mut self.malformed, o.malformed), (&mut self.limits_hit, o.limits_hit)] {
            for (k, v) in other {
                *map.entry(k).or_default() += v;
            }
        }
    }
}

/// Most files taken from one directory given as input.
pub const MAX_DIRECTORY_FILES: usize = 100_000;

/// The inputs with every directory replaced by the files in it (not hidden, not in
/// subdirectories), in name order: tcpdump's rotated files (`-C`/`-G`) sort in the order
/// they were written when named with a counter or time stamp. Other paths are kept as
/// given, so a missing file is still reported by the reader.
pub fn expand_inputs(paths: &[std::path::PathBuf]) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut files = Vec::new();
        for entry in std::fs::read_dir(p).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))? {
            let entry = entry?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()) && entry.path().is_file() {
                files.push(entry.path());
                if files.len() > MAX_DIRECTORY_FILES {
                    return Err(std::io::Error::other(format!("{}: more than {MAX_DIRECTORY_FILES} files", p.display())));
                }
            }
        }
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

/// One input's outcome in [`read_files`].
pub type FileResult = Result<ReadSummary, CaptureError>;

/// Reads many captures into one finished analyzer. With `jobs` > 1, files are read in
/// parallel, each in packet order by its own analyzer, and merged in the order given, so
/// the result does not depend on which file finishes first. State that spans files (a
/// TCP stream cut by file rotation) is then lost at the boundary; `jobs` = 1 reads them
/// as one continuous input.
pub fn read_files(paths: &[std::path::PathBuf], limits: Limits, jobs: usize, access: Access) -> (Analyzer, Vec<FileResult>) {
    read_files_with(paths, limits, jobs, access, None)
}

/// [`read_files`], reporting to `progress`.
pub fn read_files_with(
    paths: &[std::path::PathBuf],
    limits: Limits,
    jobs: usize,
    access: Access,
    progress: Option<std::sync::Arc<Progress>>,
) -> (Analyzer, Vec<FileResult>) {
    if jobs <= 1 || paths.len() <= 1 {
        let mut a = Analyzer::new(limits);
        a.access = access;
        a.progress = progress;
        let results = paths.iter().map(|p| a.read_file(p)).collect();
        a.finish();
        return (a, results);
    }
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    // Finished per-file analyzers wait here until every earlier file is merged.
    let done: Mutex<Vec<Option<(Analyzer, FileResult)>>> = Mutex::new((0..paths.len()).map(|_| None).collect());
    let merged = Mutex::new((Analyzer::new(limits), Vec::with_capacity(paths.len()), 0usize));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(paths.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let mut a = Analyzer::new(limits);
                    a.access = access;
                    a.progress = progress.clone();
                    let r = a.read_file(path);
                    a.finish();
                    if let Ok(mut d) = done.lock() {
                        d[i] = Some((a, r));
                    }
                    // Merge every consecutive finished file, in order.
                    let (Ok(mut m), Ok(mut d)) = (merged.lock(), done.lock()) else { break };
                    let (acc, results, cursor) = &mut *m;
                    while let Some(slot) = d.get_mut(*cursor) {
                        let Some((a, r)) = slot.take() else { break };
                        acc.absorb(a);
                        results.push(r);
                        *cursor += 1;
                    }
                }
            });
        }
    });
    let (acc, results, _) = merged.into_inner().unwrap_or_else(|e| e.into_inner());
    (acc, results)
}

impl Analyzer {
    /// Merges a finished analyzer of a later input into this one.
    fn absorb(&mut self, other: Analyzer) {
        self.stats.merge(other.stats);
        self.inventory.merge(other.inventory);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captures(names: &[&str]) -> Vec<std::path::PathBuf> {
        names.iter().map(|n| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(n)).collect()
    }

    #[test]
    fn parallel_read_equals_serial_read() {
        let files = captures(&[
            "real/iot-sentinel-hs110-setup-a-1.pcap",
            "crafted/vlan-dhcp-arp.pcap",
            "corrupt/not-a-capture.pcap",
            "real/iot-sentinel-hs100-setup-a-1.pcap",
            "crafted/upnp-out-of-order.pcap",
            "derived/hs110-sll2.pcap",
        ]);
        let (serial, rs) = read_files(&files, Limits::default(), 1, Access::Pipe);
        for jobs in [2, 3, 8] {
            let (par, rp) = read_files(&files, Limits::default(), jobs, if jobs == 2 { Access::Stream } else { Access::Pipe });
            assert_eq!(format!("{:?}", serial.inventory.devices()), format!("{:?}", par.inventory.devices()), "jobs {jobs}");
            assert_eq!(par.stats.packets, serial.stats.packets);
            assert_eq!(par.stats.sources.iter().map(|s| &s.path).collect::<Vec<_>>(), serial.stats.sources.iter().map(|s| &s.path).collect::<Vec<_>>());
            assert_eq!(rp.len(), rs.len());
            assert!(rp[2].is_err());
        }
    }

    #[test]
    fn progress_counts_every_frame_and_every_byte() {
        let files = captures(&["real/iot-sentinel-hs110-setup-a-1.pcap", "crafted/vlan-dhcp-arp.pcap", "derived/hs110-sll2.pcap"]);
        let size: u64 = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum();
        for jobs in [1, 2] {
            let p = std::sync::Arc::new(Progress::default());
            let (a, _) = read_files_with(&files, Limits::default(), jobs, Access::Pipe, Some(p.clone()));
            use std::sync::atomic::Ordering::Relaxed;
            assert_eq!(p.packets.load(Relaxed), a.stats.packets, "jobs {jobs}");
            assert_eq!(p.bytes.load(Relaxed), size, "jobs {jobs}");
            assert!(p.devices.load(Relaxed) >= 2 && p.devices.load(Relaxed) <= a.inventory.len() as u64);
        }
    }

    #[test]
    fn directories_expand_to_their_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.pcap", "a.pcap1", ".hidden", "c.pcap"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/d.pcap"), b"x").unwrap();
        let given = vec![Path::new("first.pcap").to_path_buf(), dir.path().to_path_buf()];
        let names: Vec<String> = expand_inputs(&given)
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap_or(p).display().to_string())
            .collect();
        assert_eq!(names, ["first.pcap", "a.pcap1", "b.pcap", "c.pcap"]);
    }

    #[test]
    fn facts_about_an_address_go_to_its_holder_or_nobody() {
        let (teller, holder): (MacAddr, MacAddr) = ("b8:27:eb:00:00:02".parse().unwrap(), "98:da:c4:00:00:01".parse().unwrap());
        let mut inv = Inventory::new(Limits::default());
        let obs = |mac, protocol, fact| Observation { ts: Timestamp(1), mac, protocol, fact };
        inv.apply(&obs(holder, Protocol::Arp, Fact::Ipv4("192.168.0.1".parse().unwrap())));
        let name = Fact::Attr("admin_name", AttrValue::Text("tplinkwifi.net".into()));
        let about = |ip: &str| obs(teller, Protocol::Dns, Fact::OfAddress(ip.parse().unwrap(), Box::new(name.clone())));
        assert_eq!(to_holder(&inv, about("192.168.0.1")), Some(obs(holder, Protocol::Dns, name.clone())));
        assert_eq!(to_holder(&inv, about("192.168.0.9")), None);
        let plain = obs(teller, Protocol::Dns, Fact::Present);
        assert_eq!(to_holder(&inv, plain.clone()), Some(plain));
    }
}
