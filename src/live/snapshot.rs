//! Snapshots: the `read --format json` document plus what only a live capture knows,
//! written atomically.
//!
//! Added to `capture` (the report itself is built by `output::report`, unchanged):
//! - `stats`: `received` (frames libpcap handed to quietwire), `dropped_kernel` (the
//!   kernel's ring was full), `dropped_interface` (the interface dropped them),
//!   `dropped_quietwire` (received but not processed: the queue to the parser was full);
//!   `received − dropped_quietwire` = `packets`.
//! - `live`: `interface`, `filter` (`default`, `custom` or `all`), `filter_terms` (the
//!   learned SSDP LOCATION endpoints in the filter), `filter_terms_dropped` (endpoints
//!   not added: the set was full), `started` (wall clock, RFC 3339).

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde_json::Value;

use crate::output::atomic;
use crate::output::report::Report;
use crate::timestamp::Timestamp;

/// Capture counters shared by the capture thread, the parser and the snapshot writer.
#[derive(Debug, Default)]
pub struct Counters {
    pub received: AtomicU64,
    pub dropped_kernel: AtomicU64,
    pub dropped_interface: AtomicU64,
    pub dropped_quietwire: AtomicU64,
    /// Bytes of frame data waiting in the queue (not reported; bounds the queue).
    pub queued_bytes: AtomicU64,
}

impl Counters {
    /// The four reported counters, by name.
    pub fn stats(&self) -> BTreeMap<&'static str, u64> {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        BTreeMap::from([
            ("received", get(&self.received)),
            ("dropped_kernel", get(&self.dropped_kernel)),
            ("dropped_interface", get(&self.dropped_interface)),
            ("dropped_quietwire", get(&self.dropped_quietwire)),
        ])
    }
}

/// What the snapshot says about the capture set-up.
#[derive(Clone, Debug, Serialize)]
pub struct LiveInfo {
    pub interface: String,
    pub filter: &'static str,
    pub filter_terms: usize,
    pub filter_terms_dropped: u64,
    pub started: Timestamp,
}

/// The snapshot document.
pub fn render(report: &Report, stats: &BTreeMap<&'static str, u64>, live: &LiveInfo) -> io::Result<Vec<u8>> {
    let mut doc = serde_json::to_value(report)?;
    if let Some(capture) = doc.get_mut("capture").and_then(Value::as_object_mut) {
        capture.insert("stats".into(), serde_json::to_value(stats)?);
        capture.insert("live".into(), serde_json::to_value(live)?);
    }
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

/// Renders and writes the snapshot atomically.
pub fn write(path: &Path, report: &Report, stats: &BTreeMap<&'static str, u64>, live: &LiveInfo) -> io::Result<()> {
    let bytes = render(report, stats, live)?;
    atomic::write_file(path, &bytes).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::CaptureStats;
    use crate::inventory::{Inventory, Limits};
    use crate::output::report::{self, Filter};

    #[test]
    fn stats_and_live_join_the_capture_object() {
        let inv = Inventory::new(Limits::default());
        let r = report::build(&inv, &CaptureStats::default(), &[], Filter::default());
        let c = Counters::default();
        c.received.store(10, Ordering::Relaxed);
        c.dropped_quietwire.store(3, Ordering::Relaxed);
        let live = LiveInfo { interface: "eth1".into(), filter: "default", filter_terms: 0, filter_terms_dropped: 0, started: Timestamp(0) };
        let doc: Value = serde_json::from_slice(&render(&r, &c.stats(), &live).unwrap()).unwrap();
        assert_eq!(doc["schema"], report::SCHEMA);
        let s = &doc["capture"]["stats"];
        assert_eq!((s["received"].as_u64(), s["dropped_quietwire"].as_u64(), s["dropped_kernel"].as_u64()), (Some(10), Some(3), Some(0)));
        assert_eq!(s["dropped_interface"], 0);
        assert_eq!(doc["capture"]["live"]["interface"], "eth1");
        assert_eq!(doc["capture"]["packets"], 0, "report keys kept");
    }
}
