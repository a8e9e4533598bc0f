//! libpcap: opening the interface, the capture thread, and listing interfaces.
//!
//! The capture thread does nothing but copy frames into a bounded queue: no parsing, no
//! allocation beyond the copy, no output. When the queue is full (by frames or by bytes)
//! the frame is dropped and counted as `dropped_quietwire`, so slow processing shows up
//! as counted drops rather than growing memory or kernel drops.
//!
//! libpcap runs in its default (buffered) mode with a short timeout: immediate mode hung
//! `pcap_next_ex` on the project's machines (libpcap's TPACKET_V2 fallback). On current
//! kernels the timeout only bounds how long a partly filled block waits; with no traffic
//! at all `pcap_next_ex` sleeps in `poll` without limit, so the thread is woken with
//! `pcap_breakloop` ([`Waker`]) to stop, or to refresh its counters for a snapshot.

use std::fs;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use pcap::{Active, Capture};

use super::snapshot::Counters;
use crate::capture::LinkType;
use crate::timestamp::Timestamp;

/// libpcap's read timeout: how long a partly filled kernel block waits before it is
/// handed over, and how often the thread looks at its stop flag.
pub const READ_TIMEOUT_MS: i32 = 50;

/// How long capture goes on after a stop signal, so that frames already in the kernel's
/// ring (in a block not yet handed over) are still read: three read timeouts.
pub const DRAIN: Duration = Duration::from_millis(3 * READ_TIMEOUT_MS as u64);

/// Bytes captured per frame: the largest frame on any common link, jumbo included.
pub const SNAPLEN: i32 = 65_535;

/// Default kernel ring size (`--buffer-mib`): 32 MiB hold ~0.25 s of a saturated 1 Gb/s
/// link of small frames, or ~20 s of a busy office network.
pub const DEFAULT_BUFFER_MIB: u32 = 32;

/// Frames waiting for the parser at most (`queue_frames`).
pub const QUEUE_FRAMES: usize = 32_768;

/// Bytes of frame data waiting for the parser at most (`queue_bytes`): bounds the queue's
/// memory whatever the frame sizes.
pub const QUEUE_BYTES: u64 = 64 << 20;

/// How often the kernel's counters are read, and a pending filter applied.
const STATS_EVERY: Duration = Duration::from_millis(500);

/// How the interface is opened.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    pub interface: String,
    pub promiscuous: bool,
    pub buffer_bytes: i32,
    /// BPF program, or `None` for every frame.
    pub filter: Option<String>,
}

/// An open capture handle.
pub struct Opened {
    pub capture: Capture<Active>,
    pub link: LinkType,
    /// Whether timestamps come in nanoseconds (else microseconds).
    pub nanos: bool,
}

impl Opened {
    /// The packet socket's file descriptor (the sandbox forbids writing to it).
    pub fn fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.capture.as_raw_fd()
    }
}

/// Whether libpcap delivers nanosecond timestamps on this handle.
#[allow(unsafe_code)]
fn nanosecond_timestamps(cap: &Capture<Active>) -> bool {
    unsafe extern "C" {
        fn pcap_get_tstamp_precision(p: *mut std::ffi::c_void) -> std::ffi::c_int;
    }
    const PCAP_TSTAMP_PRECISION_NANO: std::ffi::c_int = 1;
    // SAFETY: the handle is open and owned by `cap` for the duration of the call;
    // pcap_get_tstamp_precision (libpcap ≥ 1.5, which the pcap crate requires here) only
    // reads a field of it.
    unsafe { pcap_get_tstamp_precision(cap.as_ptr().cast()) == PCAP_TSTAMP_PRECISION_NANO }
}

/// Opens the interface: promiscuous unless told otherwise, a large ring, nanosecond
/// timestamps where the platform has them, the read timeout, and the filter.
pub fn open(o: &OpenOptions) -> Result<Opened, pcap::Error> {
    let mut capture = Capture::from_device(o.interface.as_str())?
        .promisc(o.promiscuous)
        .snaplen(SNAPLEN)
        .buffer_size(o.buffer_bytes)
        .timeout(READ_TIMEOUT_MS)
        .precision(pcap::Precision::Nano)
        .open()?;
    if let Some(f) = &o.filter {
        capture.filter(f, true)?;
    }
    let link = LinkType::from_raw(capture.get_datalink().0 as u32);
    let nanos = nanosecond_timestamps(&capture);
    Ok(Opened { capture, link, nanos })
}

/// The packet time. `tv_usec` holds nanoseconds when the handle has nanosecond
/// precision. (`time_t` and `suseconds_t` are 32 bits on some platforms, hence `from`.)
#[allow(clippy::useless_conversion)]
fn timestamp(tv: &libc::timeval, nanos: bool) -> Timestamp {
    let frac = i64::from(tv.tv_usec);
    let ns = if nanos { frac } else { frac.saturating_mul(1000) };
    Timestamp(i64::from(tv.tv_sec).saturating_mul(1_000_000_000).saturating_add(ns))
}

/// A frame on its way to the parser.
#[derive(Debug)]
pub struct QueuedFrame {
    pub ts: Timestamp,
    pub orig_len: u32,
    pub data: Box<[u8]>,
}

/// Queue bounds (named limits `queue_frames`, `queue_bytes`).
#[derive(Copy, Clone, Debug)]
pub struct QueueLimits {
    pub frames: usize,
    pub bytes: u64,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits { frames: QUEUE_FRAMES, bytes: QUEUE_BYTES }
    }
}

/// Accumulates libpcap's 32-bit counters into 64-bit totals across wrap-arounds (a
/// sensor receiving 100,000 frames a second wraps them every 12 hours).
#[derive(Debug, Default)]
struct Wrapping {
    last: u32,
    total: u64,
}

impl Wrapping {
    fn update(&mut self, now: u32) -> u64 {
        self.total += now.wrapping_sub(self.last) as u64;
        self.last = now;
        self.total
    }
}

/// Wakes the capture thread from another thread (`pcap_breakloop`).
pub struct Waker(pcap::BreakLoop);

impl Waker {
    pub fn wake(&self) {
        self.0.breakloop();
    }
}

/// The capture thread's state.
pub struct CaptureLoop {
    pub opened: Opened,
    pub queue: SyncSender<QueuedFrame>,
    pub limits: QueueLimits,
    pub counters: Arc<Counters>,
    pub stop: Arc<AtomicBool>,
    /// New BPF programs from the parser (learned endpoints).
    pub filters: Receiver<String>,
}

impl CaptureLoop {
    /// A handle that wakes [`CaptureLoop::run`]: it then looks at its stop flag and
    /// refreshes the counters.
    pub fn waker(&mut self) -> Waker {
        Waker(self.opened.capture.breakloop_handle())
    }

    /// Runs until `stop` is set, the parser goes away, or libpcap fails (the interface
    /// went down or away). Counters are current when it returns.
    pub fn run(mut self) -> Result<(), pcap::Error> {
        let mut kernel_drops = Wrapping::default();
        let mut if_drops = Wrapping::default();
        let mut last_stats = Instant::now();
        let nanos = self.opened.nanos;
        let c = Arc::clone(&self.counters);
        let result = loop {
            if self.stop.load(Ordering::Relaxed) {
                break Ok(());
            }
            let mut woken = false;
            match self.opened.capture.next_packet() {
                Ok(p) => {
                    c.received.fetch_add(1, Ordering::Relaxed);
                    let len = p.data.len() as u64;
                    if c.queued_bytes.load(Ordering::Relaxed) + len > self.limits.bytes {
                        c.dropped_quietwire.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let frame = QueuedFrame {
                            ts: timestamp(&p.header.ts, nanos),
                            orig_len: p.header.len,
                            data: p.data.into(),
                        };
                        c.queued_bytes.fetch_add(len, Ordering::Relaxed);
                        match self.queue.try_send(frame) {
                            Ok(()) => {}
                            Err(TrySendError::Full(_)) => {
                                c.queued_bytes.fetch_sub(len, Ordering::Relaxed);
                                c.dropped_quietwire.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(TrySendError::Disconnected(_)) => break Ok(()),
                        }
                    }
                }
                Err(pcap::Error::TimeoutExpired) => {}
                // pcap_breakloop (the crate maps PCAP_ERROR_BREAK to this).
                Err(pcap::Error::NoMorePackets) => woken = true,
                Err(e) => break Err(e),
            }
            if woken || last_stats.elapsed() >= STATS_EVERY {
                last_stats = Instant::now();
                self.read_stats(&mut kernel_drops, &mut if_drops);
                if let Some(f) = self.filters.try_iter().last() {
                    if let Err(e) = self.opened.capture.filter(&f, true) {
                        eprintln!("quietwire: warning: could not extend the capture filter ({e}); keeping the previous one");
                    }
                }
            }
        };
        self.read_stats(&mut kernel_drops, &mut if_drops);
        result
    }

    fn read_stats(&mut self, kernel: &mut Wrapping, iface: &mut Wrapping) {
        if let Ok(s) = self.opened.capture.stats() {
            self.counters.dropped_kernel.store(kernel.update(s.dropped), Ordering::Relaxed);
            self.counters.dropped_interface.store(iface.update(s.if_dropped), Ordering::Relaxed);
        }
    }
}

/// One line of `quietwire interfaces`.
#[derive(Debug)]
pub struct InterfaceInfo {
    pub name: String,
    pub link: Option<LinkType>,
    pub up: bool,
    pub running: bool,
    pub loopback: bool,
    pub ipv6_enabled: Option<bool>,
    pub addresses: Vec<IpAddr>,
    pub description: Option<String>,
}

fn is_netdev(name: &str) -> bool {
    !name.contains('/') && Path::new("/sys/class/net").join(name).exists()
}

/// `Some(true)` when the kernel runs IPv6 on the interface.
pub fn ipv6_enabled(name: &str) -> Option<bool> {
    if name.contains('/') || name.is_empty() {
        return None;
    }
    let v = fs::read_to_string(format!("/proc/sys/net/ipv6/conf/{name}/disable_ipv6")).ok()?;
    Some(v.trim() == "0")
}

/// Capture devices with their addresses and link types. The link type needs an open
/// handle, so it is known only with the privilege to capture; only network interfaces
/// (and `any`) are opened, never libpcap's D-Bus or USB pseudo-devices.
pub fn interfaces() -> Result<Vec<InterfaceInfo>, pcap::Error> {
    let mut out = Vec::new();
    for d in pcap::Device::list()? {
        let link = if is_netdev(&d.name) || d.name == "any" {
            Capture::from_device(d.name.as_str())
                .and_then(|c| c.snaplen(128).timeout(READ_TIMEOUT_MS).open())
                .ok()
                .map(|c| LinkType::from_raw(c.get_datalink().0 as u32))
        } else {
            None
        };
        out.push(InterfaceInfo {
            ipv6_enabled: ipv6_enabled(&d.name),
            link,
            up: d.flags.is_up(),
            running: d.flags.is_running(),
            loopback: d.flags.is_loopback(),
            addresses: d.addresses.iter().map(|a| a.addr).collect(),
            description: d.desc.clone(),
            name: d.name,
        });
    }
    Ok(out)
}

/// Reasons the monitored interface could make the host talk on the monitored network,
/// each with the command that fixes it.
pub fn interface_warnings(name: &str) -> Vec<String> {
    let mut w = Vec::new();
    let addresses: Vec<IpAddr> = pcap::Device::list()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.name == name)
        .flat_map(|d| d.addresses.into_iter().map(|a| a.addr))
        .collect();
    if !addresses.is_empty() {
        let list: Vec<String> = addresses.iter().map(IpAddr::to_string).collect();
        w.push(format!(
            "{name} has addresses ({}): the host itself can talk on the monitored network; remove them: ip addr flush dev {name}",
            list.join(", ")
        ));
    }
    if ipv6_enabled(name) == Some(true) {
        w.push(format!(
            "IPv6 is enabled on {name}: the kernel sends router solicitations and MLD reports by itself; \
             disable it: sysctl -w net.ipv6.conf.{name}.disable_ipv6=1"
        ));
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_either_precision() {
        let tv = libc::timeval { tv_sec: 1_500_000_000, tv_usec: 123_456 };
        assert_eq!(timestamp(&tv, false), Timestamp(1_500_000_000_123_456_000));
        assert_eq!(timestamp(&tv, true), Timestamp(1_500_000_000_000_123_456));
    }

    #[test]
    fn counters_survive_wrap_around() {
        let mut w = Wrapping::default();
        assert_eq!(w.update(10), 10);
        assert_eq!(w.update(u32::MAX), u32::MAX as u64);
        assert_eq!(w.update(5), u32::MAX as u64 + 6);
    }

    #[test]
    fn ipv6_state_of_odd_names_is_unknown() {
        assert_eq!(ipv6_enabled("../../etc"), None);
        assert_eq!(ipv6_enabled(""), None);
        assert_eq!(ipv6_enabled("no-such-interface-qw"), None);
    }
}
