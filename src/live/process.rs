//! The parser thread: frames from the queue through the offline pipeline
//! ([`Analyzer::frame`]), then inventory changes into events, flags into `flagged`
//! events, and learned endpoints into a new capture filter. It owns the inventory;
//! others ask it for a report through [`Control`].

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rustc_hash::FxHashSet;

use super::capture::QueuedFrame;
use super::events::{self, FlagTracker};
use super::filter::{self, FilterMode, FilterTerms};
use super::snapshot::Counters;
use crate::analyze::Analyzer;
use crate::capture::{Frame, LinkType};
use crate::classify::Confidence;
use crate::classify::engine;
use crate::classify::rules::Watchlist;
use crate::inventory::Change;
use crate::mac::MacAddr;
use crate::output::report::{self, Filter, Report};

/// Longest time between two looks at changes and control messages.
const TICK: Duration = Duration::from_millis(100);

/// Frames processed between two looks at changes (bounds the pending change list and
/// the delay of events under load).
const FLUSH_EVERY_FRAMES: u32 = 4096;

/// Requests to the parser thread.
pub enum Control {
    /// Reply with a report of the inventory as it is now.
    Report(tokio::sync::oneshot::Sender<SnapshotData>),
}

/// A report and the filter state it goes with.
pub struct SnapshotData {
    pub report: Report,
    pub filter_terms: usize,
    pub filter_terms_dropped: u64,
}

/// Where event lines go: batches of NDJSON, sent to the writer task. `blocking_send`
/// waits when the writer lags, so a slow events sink slows parsing and shows up as
/// counted queue drops, never as memory.
pub type EventSink = tokio::sync::mpsc::Sender<Vec<u8>>;

/// Batches of event lines buffered towards the writer at most.
pub const EVENT_BATCHES: usize = 64;

pub struct Processor {
    pub analyzer: Analyzer,
    pub link: LinkType,
    pub lists: Vec<Watchlist>,
    pub min_confidence: Confidence,
    pub counters: Arc<Counters>,
    pub events: Option<EventSink>,
    pub mode: FilterMode,
    pub terms: FilterTerms,
    /// New filter programs for the capture thread (default mode only).
    pub filters: mpsc::Sender<String>,
    pub flags: FlagTracker,
    pub report_filter: Filter,
}

impl Processor {
    /// Starts tracking: the restored inventory's flags are known, not new.
    pub fn prime(&mut self) {
        for d in self.analyzer.inventory.devices() {
            let c = engine::classify(d, &self.lists, self.min_confidence);
            self.flags.update(d.mac, &c);
        }
        self.analyzer.inventory.track_changes();
    }

    pub fn report(&self) -> Report {
        report::build(&self.analyzer.inventory, &self.analyzer.stats, &self.lists, self.report_filter)
    }

    /// Runs until the capture side closes the queue; returns the final report.
    pub fn run(mut self, frames: Receiver<QueuedFrame>, control: Receiver<Control>) -> (Report, FilterTerms) {
        let mut since_flush = 0u32;
        let mut last_flush = Instant::now();
        loop {
            match frames.recv_timeout(TICK) {
                Ok(f) => {
                    self.counters.queued_bytes.fetch_sub(f.data.len() as u64, Ordering::Relaxed);
                    let frame = Frame { ts: f.ts, ts_known: true, link: self.link, data: &f.data, orig_len: f.orig_len };
                    self.analyzer.frame(&frame);
                    since_flush += 1;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if since_flush >= FLUSH_EVERY_FRAMES || last_flush.elapsed() >= TICK {
                self.flush();
                since_flush = 0;
                last_flush = Instant::now();
                for c in control.try_iter() {
                    match c {
                        Control::Report(reply) => {
                            let data = SnapshotData {
                                report: self.report(),
                                filter_terms: self.terms.len(),
                                filter_terms_dropped: self.terms.dropped,
                            };
                            let _ = reply.send(data);
                        }
                    }
                }
            }
        }
        self.flush();
        let report = self.report();
        (report, self.terms)
    }

    /// Turns the changes since the last flush into events, `flagged` events and filter
    /// terms.
    pub fn flush(&mut self) {
        let changes = self.analyzer.inventory.take_changes();
        if changes.is_empty() {
            return;
        }
        let mut out = Vec::new();
        let mut touched: FxHashSet<MacAddr> = FxHashSet::default();
        for c in &changes {
            if self.events.is_some() {
                events::push_change(&mut out, c);
            }
            match c {
                Change::DeviceNew { mac, .. } | Change::Updated { mac } => {
                    touched.insert(*mac);
                }
                _ => {}
            }
        }
        let inv = &self.analyzer.inventory;
        let mut terms_changed = false;
        let mut touched: Vec<MacAddr> = touched.into_iter().collect();
        touched.sort_unstable();
        for mac in touched {
            let Some(d) = inv.get(&mac) else { continue };
            if self.mode == FilterMode::Default {
                terms_changed |= self.terms.add_device(d);
            }
            if self.events.is_some() {
                let c = engine::classify(d, &self.lists, self.min_confidence);
                events::push_flags(&mut out, &mut self.flags, d, c);
            }
        }
        if self.flags.len() > inv.len() {
            self.flags.prune(|m| inv.get(m).is_some());
        }
        if terms_changed {
            if let Some(p) = filter::program(&self.mode, &self.terms) {
                let _ = self.filters.send(p);
            }
        }
        if let Some(sink) = &self.events {
            if !out.is_empty() && sink.blocking_send(out).is_err() {
                // The writer stopped (it reported why); keep capturing for the snapshots.
                self.events = None;
            }
        }
    }
}
