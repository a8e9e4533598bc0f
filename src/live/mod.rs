//! Live capture on a mirror port (`quietwire live`).
//!
//! ```text
//!  libpcap ──► capture thread ──(bounded queue: queue_frames, queue_bytes)──► parser thread
//!              copies frames, counts          drops counted as                 Analyzer::frame, changes → events,
//!              drops, applies filters         dropped_quietwire                flags, learned filter terms
//!                    ▲                                                          │   ▲
//!                    └──────────── new filter programs ◄────────────────────────┘   │ Control::Report
//!  tokio (main thread): SIGINT/SIGTERM, snapshot timer ─────────────────────────────┘
//!                       event writer ◄── NDJSON batches (bounded) ── parser thread
//! ```
//!
//! Start-up order matters: everything that needs privilege or a new socket (reading the
//! state file, looking up the user, opening the capture handle, tokio's signal pipe) is
//! done first; then privileges are dropped and the seccomp filter installed
//! ([`sandbox`]); only then are files written and threads started.

pub mod capture;
pub mod events;
pub mod filter;
pub mod http;
pub mod process;
pub mod runtime;
pub mod sandbox;
pub mod snapshot;
pub mod state;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::classify::Confidence;
use crate::classify::rules::Watchlist;
use crate::inventory::Limits;

pub use capture::{InterfaceInfo, QueueLimits, interfaces};
pub use filter::FilterMode;

/// Where events go.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum EventsTarget {
    Stdout,
    /// Appended to.
    File(PathBuf),
}

/// Everything `quietwire live` needs, resolved from the command line.
#[derive(Debug)]
pub struct LiveConfig {
    pub interface: String,
    pub mode: FilterMode,
    pub promiscuous: bool,
    pub buffer_mib: u32,
    pub snapshot: Option<PathBuf>,
    pub snapshot_every: Duration,
    pub events: Option<EventsTarget>,
    pub state: Option<PathBuf>,
    pub user: Option<String>,
    pub lists: Vec<Watchlist>,
    pub min_confidence: Confidence,
    pub limits: Limits,
    pub queue: QueueLimits,
    /// Serve the dashboard and API here (`--http`).
    pub http: Option<SocketAddr>,
}

/// A failure that ends the run, with what to do about it when known.
#[derive(Debug)]
pub struct LiveError(pub String);

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LiveError {}

impl From<sandbox::SandboxError> for LiveError {
    fn from(e: sandbox::SandboxError) -> Self {
        LiveError(e.0)
    }
}

pub use runtime::run;
