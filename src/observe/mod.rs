//! Observations: typed facts about one MAC, with the protocol and time they came from.
//!
//! Each protocol has one small module turning a parsed message into observations. The
//! inventory applies them without knowing any wire format.

pub mod arp;
pub mod dhcpv4;
pub mod text;

use std::net::Ipv4Addr;

use serde::Serialize;

use crate::mac::MacAddr;
use crate::timestamp::Timestamp;

/// The protocol an observation came from.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Ord, PartialOrd, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Arp,
    Dhcp,
}

impl Protocol {
    pub const ALL: [Protocol; 2] = [Protocol::Arp, Protocol::Dhcp];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Arp => "arp",
            Protocol::Dhcp => "dhcp",
        }
    }
    /// Bit for per-device protocol sets.
    pub fn bit(self) -> u64 {
        1 << (self as u64)
    }
}

/// Something a device does on the network.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Ord, PartialOrd, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    DhcpServer,
    DhcpRelay,
}

/// A DHCP client's self-description.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum DhcpFact {
    VendorClass(String),
    /// Parameter request list (option 55), in order, e.g. `1,3,6,15`.
    ParamRequestList(String),
    /// Client identifier (option 61) as colon-separated hex.
    ClientId(String),
    RequestedIp(Ipv4Addr),
    Fqdn(String),
    /// Option codes in the order the client sent them, e.g. `53,50,12,60,61,55`.
    OptionOrder(String),
}

/// Something that deserves a second look, kept on the device.
#[derive(Clone, Debug, Eq, PartialEq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// An ARP message claimed this MAC as sender but arrived in a frame from another
    /// MAC (proxy ARP, a bridge, or spoofing).
    ArpSenderMismatch { ip: Ipv4Addr, frame_source: MacAddr },
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Fact {
    /// The device takes part in the protocol (no other fact needed).
    Present,
    /// The device uses this IPv4 address.
    Ipv4(Ipv4Addr),
    Hostname(String),
    Dhcp(DhcpFact),
    Role(Role),
    Note(Note),
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Observation {
    pub ts: Timestamp,
    pub mac: MacAddr,
    pub protocol: Protocol,
    pub fact: Fact,
}
