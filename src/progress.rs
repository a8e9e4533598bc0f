//! The progress bar `read` draws on standard error when that is a terminal: bytes read
//! of the total, packets per second, devices so far. A thread redraws one line every
//! [`REDRAW`] from counters the analyzers update ([`quietwire::analyze::Progress`]), and
//! erases it when dropped, before any warning or output is printed.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use quietwire::analyze::Progress;

pub const REDRAW: Duration = Duration::from_millis(200);
const WIDTH: usize = 24;

pub struct Bar {
    counters: Arc<Progress>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Bar {
    pub fn start(files: &[PathBuf]) -> Bar {
        let total: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let counters = Arc::new(Progress::default());
        let (stop, stopped) = channel();
        let c = counters.clone();
        let thread = std::thread::Builder::new()
            .name("quietwire-progress".into())
            .spawn(move || {
                let start = Instant::now();
                let mut err = std::io::stderr();
                loop {
                    let _ = write!(err, "\r{}\x1b[K", line(&c, total, start.elapsed()));
                    let _ = err.flush();
                    match stopped.recv_timeout(REDRAW) {
                        Err(RecvTimeoutError::Timeout) => {}
                        _ => break,
                    }
                }
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
            })
            .ok();
        Bar { counters, stop: Some(stop), thread }
    }

    pub fn counters(&self) -> Arc<Progress> {
        self.counters.clone()
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `[#########---------------]  412 MB / 1.07 GB  38%  1.21 M packets/s  387 devices`
fn line(c: &Progress, total: u64, elapsed: Duration) -> String {
    let done = c.bytes.load(Relaxed).min(total.max(1));
    let frac = if total == 0 { 0.0 } else { done as f64 / total as f64 };
    let filled = ((frac * WIDTH as f64) as usize).min(WIDTH);
    let secs = elapsed.as_secs_f64().max(1e-3);
    let rate = c.packets.load(Relaxed) as f64 / secs;
    format!(
        "[{}{}] {} / {} {:3.0}%  {} packets/s  {} devices",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        size(done),
        size(total),
        frac * 100.0,
        count(rate),
        c.devices.load(Relaxed)
    )
}

fn size(b: u64) -> String {
    match b {
        0..1_000_000 => format!("{:.0} kB", b as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.0} MB", b as f64 / 1e6),
        _ => format!("{:.2} GB", b as f64 / 1e9),
    }
}

fn count(n: f64) -> String {
    if n >= 1e6 { format!("{:.2} M", n / 1e6) } else if n >= 1e3 { format!("{:.1} k", n / 1e3) } else { format!("{n:.0}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shows_bytes_rate_and_devices() {
        let c = Progress::default();
        c.bytes.store(412_000_000, Relaxed);
        c.packets.store(2_420_000, Relaxed);
        c.devices.store(387, Relaxed);
        assert_eq!(
            line(&c, 1_073_741_824, Duration::from_secs(2)),
            "[#########---------------] 412 MB / 1.07 GB  38%  1.21 M packets/s  387 devices"
        );
        assert_eq!(line(&Progress::default(), 0, Duration::ZERO), "[------------------------] 0 kB / 0 kB   0%  0 packets/s  0 devices");
    }
}
