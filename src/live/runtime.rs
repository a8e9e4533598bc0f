//! Start-up, the tokio side (signals, the snapshot timer, the event writer), and the
//! orderly stop: stop capturing, drain the queue, write the final snapshot.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::oneshot;

use super::capture::{self, CaptureLoop, OpenOptions, QueuedFrame};
use super::events::{self, FlagTracker, Stopped};
use super::filter::{self, FilterMode, FilterTerms};
use super::http::{self, Hub};
use super::process::{Control, EVENT_BATCHES, EventSink, Processor};
use super::sandbox::{self, Dropped};
use super::snapshot::{self, Counters, LiveInfo};
use super::state::{self, Loaded};
use super::{EventsTarget, LiveConfig, LiveError};
use crate::analyze::Analyzer;
use crate::capture::LinkType;
use crate::output::report::{Filter, Report};
use crate::output::{self, Format};
use crate::timestamp::Timestamp;

fn now() -> Timestamp {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Timestamp::from_parts(d.as_secs() as i64, d.subsec_nanos())
}

fn warn(msg: impl std::fmt::Display) {
    eprintln!("quietwire: warning: {msg}");
}

fn note(msg: impl std::fmt::Display) {
    eprintln!("quietwire: {msg}");
}

/// Why the run stopped.
enum Stop {
    Signal(&'static str),
    /// The capture thread ended by itself.
    Capture(Result<(), String>),
}

fn open_error(iface: &str, e: pcap::Error) -> LiveError {
    let text = e.to_string();
    let hint = if text.contains("ermission") || text.contains("not permitted") {
        format!(
            "; capturing needs root, or the capabilities on the binary: \
             sudo setcap cap_net_raw+eip {}",
            std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "quietwire".into())
        )
    } else if text.contains("No such device") || text.contains("doesn't exist") {
        "; `quietwire interfaces` lists the capture devices".into()
    } else {
        String::new()
    };
    LiveError(format!("cannot capture on {iface}: {text}{hint}"))
}

fn mode_name(m: &FilterMode) -> &'static str {
    match m {
        FilterMode::Default => "default",
        FilterMode::Custom(_) => "custom",
        FilterMode::All => "all",
    }
}

/// Runs `quietwire live` until SIGINT/SIGTERM (Ok) or a capture failure (Err, after the
/// final snapshot).
pub fn run(cfg: LiveConfig) -> Result<(), LiveError> {
    // 1. Everything that needs privilege or sockets.
    let account = sandbox::target_account(cfg.user.as_deref())?;
    let snapshot_path = cfg.snapshot.clone().or_else(|| cfg.state.clone());
    let mut analyzer = Analyzer::new(cfg.limits);
    if let Some(path) = &cfg.state {
        load_state(path, &mut analyzer)?;
    }
    for w in capture::interface_warnings(&cfg.interface) {
        warn(w);
    }
    let terms = match cfg.mode {
        FilterMode::Default => FilterTerms::from_inventory(&analyzer.inventory),
        _ => FilterTerms::new(),
    };
    let program = filter::program(&cfg.mode, &terms);
    let options = OpenOptions {
        interface: cfg.interface.clone(),
        promiscuous: cfg.promiscuous,
        buffer_bytes: i32::try_from(u64::from(cfg.buffer_mib) << 20).unwrap_or(i32::MAX),
        filter: program,
    };
    let opened = capture::open(&options).map_err(|e| open_error(&cfg.interface, e))?;
    if matches!(opened.link, LinkType::Unknown(_)) {
        warn(format!("{} delivers link type {}, which quietwire does not decode: frames will be counted as skipped", cfg.interface, opened.link.name()));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError(format!("starting the runtime: {e}")))?;
    let (sigterm, sigint) = {
        let _guard = rt.enter();
        let s = |k| signal(k).map_err(|e| LiveError(format!("installing signal handlers: {e}")));
        (s(SignalKind::terminate())?, s(SignalKind::interrupt())?)
    };
    // The dashboard's listener: a new socket, so before the sandbox forbids them.
    let http_listener = match cfg.http {
        Some(addr) => {
            let l = http::bind(addr).map_err(|e| LiveError(format!("cannot listen on {addr} (--http): {e}")))?;
            if let Some(w) = http::exposure_warning(addr) {
                warn(w);
            }
            Some((l, addr))
        }
        None => None,
    };

    // 2. Lock down.
    let dropped = sandbox::drop_privileges(account.as_ref())?;
    sandbox::install(opened.fd())?;
    let who = match &dropped {
        Dropped::BecameUser(u) => format!("running as {u}"),
        Dropped::ClearedCapabilities => "capabilities cleared".to_string(),
    };

    // 3. Outputs, as the unprivileged user.
    let events_out: Option<Box<dyn AsyncWrite + Unpin + Send>> = match &cfg.events {
        None => None,
        Some(EventsTarget::Stdout) => Some(Box::new(tokio::io::stdout())),
        Some(EventsTarget::File(p)) => {
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| LiveError(format!("{}: {e} (writing events {who})", p.display())))?;
            Some(Box::new(tokio::fs::File::from_std(f)))
        }
    };
    let started = now();
    let counters = Arc::new(Counters::default());
    let live_info = |terms: &FilterTerms| LiveInfo {
        interface: cfg.interface.clone(),
        filter: mode_name(&cfg.mode),
        filter_terms: terms.len(),
        filter_terms_dropped: terms.dropped,
        started,
    };
    let report_filter = Filter { min_confidence: cfg.min_confidence, flagged_only: false };
    if let Some(path) = &snapshot_path {
        let report = crate::output::report::build(&analyzer.inventory, &analyzer.stats, &cfg.lists, report_filter);
        snapshot::write(path, &report, &counters.stats(), &live_info(&terms)).map_err(|e| {
            LiveError(format!("cannot write the snapshot ({who}): {e}; the directory must be writable by that user"))
        })?;
    }
    note(format!(
        "capturing on {} ({}, {}, filter {}{}), {who}, seccomp on{}",
        cfg.interface,
        opened.link.name(),
        if cfg.promiscuous { "promiscuous" } else { "not promiscuous" },
        mode_name(&cfg.mode),
        if terms.is_empty() { String::new() } else { format!(" + {} learned endpoints", terms.len()) },
        match &snapshot_path {
            Some(p) => format!("; snapshot {} every {} s", p.display(), cfg.snapshot_every.as_secs()),
            None => String::new(),
        }
    ));

    // 4. Threads.
    let link = opened.link;
    let stop = Arc::new(AtomicBool::new(false));
    let (frame_tx, frame_rx) = mpsc::sync_channel::<QueuedFrame>(cfg.queue.frames.max(1));
    let (filter_tx, filter_rx) = mpsc::channel::<String>();
    let (control_tx, control_rx) = mpsc::channel::<Control>();
    let (event_tx, event_rx) = tokio::sync::mpsc::channel::<Vec<u8>>(EVENT_BATCHES);
    let event_tx: Option<EventSink> = (events_out.is_some() || http_listener.is_some()).then_some(event_tx);
    let (capture_done_tx, capture_done_rx) = oneshot::channel::<Result<(), String>>();
    let hub = http_listener.map(|(listener, addr)| {
        let report = crate::output::report::build(&analyzer.inventory, &analyzer.stats, &cfg.lists, report_filter);
        let hub = Hub::new(http::Content::new(0, report, counters.stats(), live_info(&terms)), addr);
        rt.spawn(serve_http(listener, Arc::clone(&hub)));
        note(format!("dashboard and read-only API on http://{addr}/ (not on {})", cfg.interface));
        hub
    });
    let mut capture_loop =
        CaptureLoop { opened, queue: frame_tx, limits: cfg.queue, counters: Arc::clone(&counters), stop: Arc::clone(&stop), filters: filter_rx };
    let waker = capture_loop.waker();
    let iface = cfg.interface.clone();
    thread::Builder::new()
        .name("qw-capture".into())
        .spawn(move || {
            let r = capture_loop.run().map_err(|e| format!("capture on {iface} failed: {e}"));
            let _ = capture_done_tx.send(r);
        })
        .map_err(|e| LiveError(format!("starting the capture thread: {e}")))?;
    let mut processor = Processor {
        analyzer,
        link,
        lists: cfg.lists,
        min_confidence: cfg.min_confidence,
        counters: Arc::clone(&counters),
        events: event_tx.clone(),
        mode: cfg.mode.clone(),
        terms,
        filters: filter_tx,
        flags: FlagTracker::default(),
        report_filter,
    };
    processor.prime();
    let parser = thread::Builder::new()
        .name("qw-parse".into())
        .spawn(move || processor.run(frame_rx, control_rx))
        .map_err(|e| LiveError(format!("starting the parser thread: {e}")))?;
    if let Some(hub) = &hub {
        let source = http::Source {
            control: control_tx.clone(),
            counters: Arc::clone(&counters),
            interface: cfg.interface.clone(),
            filter: mode_name(&cfg.mode),
            started,
        };
        rt.spawn(http::publish(Arc::clone(hub), source, 0));
    }

    let sup = Supervisor {
        sigterm,
        sigint,
        every: cfg.snapshot_every,
        snapshot: snapshot_path.clone(),
        control: control_tx,
        stop,
        waker,
        counters: Arc::clone(&counters),
        interface: cfg.interface.clone(),
        mode: mode_name(&cfg.mode),
        started,
        events: event_tx,
    };
    let fanout = hub.as_ref().map(|h| h.events());
    let writer = (events_out.is_some() || fanout.is_some()).then_some((event_rx, events_out, fanout));
    let (stop_reason, final_report) = rt.block_on(sup.run(writer, parser, capture_done_rx));
    let stats = counters.stats();
    note(format!(
        "stopped ({}): received {}, dropped: kernel {}, interface {}, quietwire {}",
        match &stop_reason {
            Stop::Signal(s) => s.to_string(),
            Stop::Capture(Ok(())) => "capture ended".into(),
            Stop::Capture(Err(e)) => e.clone(),
        },
        stats["received"],
        stats["dropped_kernel"],
        stats["dropped_interface"],
        stats["dropped_quietwire"],
    ));
    if snapshot_path.is_none() && cfg.events != Some(EventsTarget::Stdout) {
        if let Some(r) = &final_report {
            let mut out = io::BufWriter::new(io::stdout().lock());
            let _ = output::render(r, Format::Table, &mut out).and_then(|_| out.flush());
        }
    }
    match stop_reason {
        Stop::Signal(_) => Ok(()),
        Stop::Capture(Ok(())) => Ok(()),
        Stop::Capture(Err(e)) => Err(LiveError(e)),
    }
}

fn load_state(path: &Path, analyzer: &mut Analyzer) -> Result<(), LiveError> {
    match state::load(path, &mut analyzer.inventory) {
        Ok(Loaded::Missing) => note(format!("{}: no state yet; starting empty", path.display())),
        Ok(Loaded::Restored { devices }) => note(format!("{}: restored {devices} devices", path.display())),
        Ok(Loaded::SetAside { devices, problems, moved_to }) => {
            let shown: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
            let more = if problems.len() > 5 { format!(" (and {} more)", problems.len() - 5) } else { String::new() };
            warn(format!(
                "{}: state file damaged: {}{more}; kept {devices} devices that parsed; the file was moved to {}",
                path.display(),
                shown.join("; "),
                moved_to.display()
            ));
        }
        Err(e) => return Err(LiveError(format!("{}: cannot read the state file: {e}", path.display()))),
    }
    Ok(())
}

struct Supervisor {
    sigterm: Signal,
    sigint: Signal,
    every: std::time::Duration,
    snapshot: Option<PathBuf>,
    control: mpsc::Sender<Control>,
    stop: Arc<AtomicBool>,
    waker: capture::Waker,
    counters: Arc<Counters>,
    interface: String,
    mode: &'static str,
    started: Timestamp,
    events: Option<EventSink>,
}

type Writer = (tokio::sync::mpsc::Receiver<Vec<u8>>, Option<Box<dyn AsyncWrite + Unpin + Send>>, Option<http::EventFanout>);

/// Writes event batches to `--events` and hands them to the dashboard's event streams.
async fn write_events(mut rx: tokio::sync::mpsc::Receiver<Vec<u8>>, mut out: Option<Box<dyn AsyncWrite + Unpin + Send>>, fanout: Option<http::EventFanout>) {
    while let Some(batch) = rx.recv().await {
        if let Some(f) = &fanout {
            // No receiver (nobody watching) is not an error.
            let _ = f.send(batch.clone().into());
        }
        let Some(w) = out.as_mut() else { continue };
        let r = async {
            w.write_all(&batch).await?;
            w.flush().await
        };
        if let Err(e) = r.await {
            warn(format!("writing events failed ({e}); events stop, snapshots go on"));
            out = None;
            if fanout.is_none() {
                return;
            }
        }
    }
}

async fn serve_http(listener: std::net::TcpListener, hub: Arc<Hub>) {
    if let Err(e) = http::serve(listener, hub).await {
        warn(format!("the dashboard stopped: {e}"));
    }
}

impl Supervisor {
    fn live_info(&self, terms: usize, dropped: u64) -> LiveInfo {
        LiveInfo { interface: self.interface.clone(), filter: self.mode, filter_terms: terms, filter_terms_dropped: dropped, started: self.started }
    }

    async fn write_snapshot(&self, report: Report, terms: usize, dropped: u64) {
        let Some(path) = self.snapshot.clone() else { return };
        let stats = self.counters.stats();
        let info = self.live_info(terms, dropped);
        let r = tokio::task::spawn_blocking(move || snapshot::write(&path, &report, &stats, &info)).await;
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => warn(format!("snapshot not written: {e}")),
            Err(e) => warn(format!("snapshot not written: {e}")),
        }
    }

    async fn run(
        mut self,
        writer: Option<Writer>,
        parser: thread::JoinHandle<(Report, FilterTerms)>,
        mut capture_done: oneshot::Receiver<Result<(), String>>,
    ) -> (Stop, Option<Report>) {
        let writer = writer.map(|(rx, out, fanout)| tokio::spawn(write_events(rx, out, fanout)));
        let start = tokio::time::Instant::now() + self.every;
        let mut timer = tokio::time::interval_at(start, self.every);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let reason = loop {
            tokio::select! {
                _ = self.sigterm.recv() => break Stop::Signal("SIGTERM"),
                _ = self.sigint.recv() => break Stop::Signal("SIGINT"),
                r = &mut capture_done => break Stop::Capture(r.unwrap_or_else(|_| Err("the capture thread died".into()))),
                _ = timer.tick(), if self.snapshot.is_some() => {
                    // Fresh kernel counters even when no frame arrives.
                    self.waker.wake();
                    let (tx, rx) = oneshot::channel();
                    if self.control.send(Control::Report(tx)).is_ok() {
                        if let Ok(s) = rx.await {
                            self.write_snapshot(s.report, s.filter_terms, s.filter_terms_dropped).await;
                        }
                    }
                }
            }
        };
        // Frames already in the kernel's ring reach quietwire when their block is handed
        // over (at most one read timeout later): wait that long before stopping, so the
        // frames that arrived before the signal are kept. Then the woken capture thread
        // sees the flag and closes the queue; the parser drains it and returns the final
        // report.
        if matches!(reason, Stop::Signal(_)) {
            tokio::time::sleep(capture::DRAIN).await;
        }
        self.stop.store(true, Ordering::Relaxed);
        self.waker.wake();
        let reason = match reason {
            Stop::Signal(s) => {
                if let Ok(Err(e)) = capture_done.await {
                    warn(e);
                }
                Stop::Signal(s)
            }
            other => other,
        };
        let final_report = match tokio::task::spawn_blocking(move || parser.join()).await {
            Ok(Ok((report, terms))) => {
                let n = terms.len();
                self.write_snapshot_ref(&report, n, terms.dropped).await;
                Some(report)
            }
            _ => {
                warn("the parser thread died; no final snapshot");
                None
            }
        };
        if let Some(tx) = self.events.take() {
            let mut line = Vec::new();
            let why = match &reason {
                Stop::Signal(s) => s.to_string(),
                Stop::Capture(Ok(())) => "capture ended".into(),
                Stop::Capture(Err(e)) => e.clone(),
            };
            events::push(&mut line, "stopped", now(), Stopped { reason: why, stats: self.counters.stats() });
            let _ = tx.send(line).await;
        }
        if let Some(w) = writer {
            let _ = w.await;
        }
        (reason, final_report)
    }

    async fn write_snapshot_ref(&self, report: &Report, terms: usize, dropped: u64) {
        let Some(path) = &self.snapshot else { return };
        if let Err(e) = snapshot::write(path, report, &self.counters.stats(), &self.live_info(terms, dropped)) {
            warn(format!("final snapshot not written: {e}"));
        }
    }
}
