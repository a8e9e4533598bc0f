//! Capture sources: frames with their timestamp and link type.
//!
//! `file` reads pcap and pcapng files (any mix of link types per pcapng interface);
//! live capture arrives in a later module. Both hand out [`Frame`]s and know nothing
//! about what is inside them.

mod file;
mod frame;

pub use file::{CaptureError, FileFormat, ReadOutcome, ReadSummary, read_capture, read_path};
pub use frame::{Frame, LinkType};
