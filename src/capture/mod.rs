//! Capture sources: frames with their timestamp and link type.
//!
//! `file` reads pcap and pcapng files (any mix of link types per pcapng interface);
//! live capture arrives in a later module. Both hand out [`Frame`]s and know nothing
//! about what is inside them.

mod file;
mod frame;
pub(crate) mod pipe;

pub use file::{Access, CaptureError, FileFormat, ReadOutcome, ReadSummary, read_bytes, read_capture, read_path, read_path_with};
pub use pipe::{PIPE_CHUNK, PIPE_CHUNKS, PIPE_HEAD};
pub use frame::{Frame, LinkType};
