//! Wire formats: pure parsers over byte slices, one file per format.
//!
//! Each format has a checked view or a `parse` that validates lengths once, and a typed
//! representation; unknown code points are kept as values. Nothing here knows about
//! devices, I/O or output. Link, IP and UDP headers are decoded by hand: they sit on the
//! per-frame hot path, where a general decoder costs several times more than the few
//! bounds checks needed to find the frames a protocol parser wants.

pub mod arp;
pub mod cdp;
pub mod dhcpv4;
pub mod dhcpv6;
pub mod dns;
pub mod easysmart;
pub mod ethernet;
pub mod http;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod kasa;
pub mod llc;
pub mod lldp;
pub mod nbns;
pub mod sll;
pub mod ssdp;
pub mod tcp;
pub mod tdp;
pub mod tplink5001;
pub mod udp;
pub mod upnp;

/// Reads a big-endian u16 at `at`; callers have checked the length.
#[inline]
pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}


/// Why a header could not be decoded: which layer, how many bytes it needed, how many there were.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum WireError {
    Truncated { needed: usize, got: usize },
    /// A field holds a value the format forbids (e.g. an IPv4 header length below 20).
    Invalid(&'static str),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Truncated { needed, got } => write!(f, "truncated: needed {needed} bytes, got {got}"),
            WireError::Invalid(what) => write!(f, "invalid {what}"),
        }
    }
}

pub(crate) fn need(b: &[u8], n: usize) -> Result<(), WireError> {
    if b.len() < n { Err(WireError::Truncated { needed: n, got: b.len() }) } else { Ok(()) }
}
