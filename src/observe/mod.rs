//! Observations: typed facts about one MAC, with the protocol and time they came from.
//!
//! Each protocol has one small module turning a parsed message into observations. The
//! inventory applies them without knowing any wire format: a protocol adds facts to a
//! device as attributes of its own section (`dhcp.vendor_class`, `lldp.system_name` …)
//! or as shared facts (addresses, names, services, model), never by editing the record.

pub mod arp;
pub mod cdp;
pub mod dhcpv4;
pub mod dhcpv6;
pub mod dns;
pub mod easysmart;
pub mod kasa;
pub mod lldp;
pub mod llmnr;
pub mod mdns;
pub mod nbns;
pub mod ndp;
pub mod omada;
pub mod ssdp;
pub mod tcpsvc;
pub mod tdp;
pub mod text;
pub mod tplink5001;
pub mod upnp;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Serialize, Serializer};

use crate::mac::MacAddr;
use crate::timestamp::Timestamp;
use crate::wire::WireError;

/// The protocol an observation came from; also the name of its section in the device.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Ord, PartialOrd)]
pub enum Protocol {
    Arp,
    /// A link-local IPv6 source address on any frame.
    Ipv6,
    Dhcp,
    Dhcpv6,
    Ndp,
    Mdns,
    Dns,
    Llmnr,
    Nbns,
    Ssdp,
    Upnp,
    Lldp,
    Cdp,
    Kasa,
    Tdp,
    Easysmart,
    /// The devDiscover advertisement (binary records) of TP-Link routers on UDP 5001.
    Tplink5001,
    Tddp,
    Omada,
    /// TCP service signatures (the Quad7 implant's ports and banner).
    Tcp,
}

impl Protocol {
    pub const ALL: [Protocol; 20] = [
        Protocol::Arp,
        Protocol::Ipv6,
        Protocol::Dhcp,
        Protocol::Dhcpv6,
        Protocol::Ndp,
        Protocol::Mdns,
        Protocol::Dns,
        Protocol::Llmnr,
        Protocol::Nbns,
        Protocol::Ssdp,
        Protocol::Upnp,
        Protocol::Lldp,
        Protocol::Cdp,
        Protocol::Kasa,
        Protocol::Tdp,
        Protocol::Easysmart,
        Protocol::Tplink5001,
        Protocol::Tddp,
        Protocol::Omada,
        Protocol::Tcp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Arp => "arp",
            Protocol::Ipv6 => "ipv6",
            Protocol::Dhcp => "dhcp",
            Protocol::Dhcpv6 => "dhcpv6",
            Protocol::Ndp => "ndp",
            Protocol::Mdns => "mdns",
            Protocol::Dns => "dns",
            Protocol::Llmnr => "llmnr",
            Protocol::Nbns => "nbns",
            Protocol::Ssdp => "ssdp",
            Protocol::Upnp => "upnp",
            Protocol::Lldp => "lldp",
            Protocol::Cdp => "cdp",
            Protocol::Kasa => "kasa",
            Protocol::Tdp => "tdp",
            Protocol::Easysmart => "easysmart",
            Protocol::Tplink5001 => "tplink5001",
            Protocol::Tddp => "tddp",
            Protocol::Omada => "omada",
            Protocol::Tcp => "tcp",
        }
    }

    /// How authoritative a model or firmware claim from this protocol is: a vendor
    /// protocol's own sysinfo beats a UPnP description, which beats inventory TLVs,
    /// which beat names and TXT hints, which beat the product token of an SSDP SERVER.
    /// A claim never replaces a higher-ranked one.
    pub fn model_rank(self) -> u8 {
        match self {
            Protocol::Kasa | Protocol::Tdp | Protocol::Easysmart | Protocol::Tplink5001 => 5,
            Protocol::Upnp => 4,
            Protocol::Lldp | Protocol::Cdp => 3,
            Protocol::Dhcp | Protocol::Dhcpv6 => 2,
            Protocol::Ssdp => 0,
            _ => 1,
        }
    }

    /// Bit for per-device protocol sets.
    pub fn bit(self) -> u64 {
        1 << (self as u64)
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Something a device does on the network.
#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Ord, PartialOrd, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    DhcpServer,
    DhcpRelay,
    Dhcpv6Server,
    Router,
    Bridge,
    WlanAp,
    Phone,
    /// Answers Omada discovery (UDP 29810–29817).
    OmadaController,
    /// Asked a TP-Link device for its identity (a phone or PC running the vendor's app):
    /// a client of TP-Link devices, not one itself.
    TplinkAppClient,
}

/// A protocol attribute's value, kept typed until output.
#[derive(Clone, Debug, Eq, PartialEq, Hash)]
pub enum AttrValue {
    Bool(bool),
    Text(String),
    Int(u64),
    Ip(IpAddr),
    Mac(MacAddr),
    List(Vec<String>),
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Text(s) => f.write_str(s),
            AttrValue::Int(n) => write!(f, "{n}"),
            AttrValue::Ip(a) => write!(f, "{a}"),
            AttrValue::Mac(m) => write!(f, "{m}"),
            AttrValue::List(l) => f.write_str(&l.join(", ")),
        }
    }
}

impl Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrValue::Bool(b) => s.serialize_bool(*b),
            AttrValue::Int(n) => s.serialize_u64(*n),
            AttrValue::List(l) => l.serialize(s),
            other => s.collect_str(other),
        }
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::Text(s)
    }
}

impl From<Ipv4Addr> for AttrValue {
    fn from(a: Ipv4Addr) -> Self {
        AttrValue::Ip(IpAddr::V4(a))
    }
}

impl From<MacAddr> for AttrValue {
    fn from(m: MacAddr) -> Self {
        AttrValue::Mac(m)
    }
}

/// A service a device offers (DNS-SD instance, UPnP device type …).
#[derive(Clone, Debug, Eq, PartialEq, Hash, Serialize)]
pub struct Service {
    /// e.g. `_ipp._tcp`
    #[serde(rename = "type")]
    pub kind: String,
    /// Instance name, e.g. `Office Printer`.
    pub name: String,
    pub port: Option<u16>,
    /// TXT keys and values (bounded by the protocol module).
    pub txt: Vec<(String, String)>,
}

/// Something that deserves a second look, kept on the device.
#[derive(Clone, Debug, Eq, PartialEq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// An ARP message claimed this MAC as sender but arrived in a frame from another
    /// MAC (proxy ARP, a bridge, or spoofing).
    ArpSenderMismatch { ip: Ipv4Addr, frame_source: MacAddr },
    /// A payload names another MAC than the frame's source (anonymised captures, NAT,
    /// relays); the claim is kept beside the device, not merged into it.
    ClaimedMac { protocol: Protocol, mac: MacAddr },
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Fact {
    /// The device takes part in the protocol (no other fact needed).
    Present,
    /// The device uses this IPv4 address.
    Ipv4(Ipv4Addr),
    /// The device uses this IPv6 address.
    Ipv6(Ipv6Addr),
    Hostname(String),
    /// Model name (e.g. `HS110(EU)`, `Archer C7`).
    Model(String),
    Firmware(String),
    /// An attribute in the protocol's own section; the latest value wins.
    Attr(&'static str, AttrValue),
    Service(Service),
    /// A DNS name this device asked for.
    DnsQuery(String),
    Role(Role),
    Note(Note),
    /// A fact about whichever device holds this IPv4 address, when a payload names the
    /// device by address rather than by the frame's MAC (a DNS answer relayed by another
    /// host). The observation's `mac` is the sender that told it; the analyzer gives the
    /// fact to the device that has claimed the address so far, or drops it when none has.
    OfAddress(Ipv4Addr, Box<Fact>),
}

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Observation {
    pub ts: Timestamp,
    pub mac: MacAddr,
    pub protocol: Protocol,
    pub fact: Fact,
}

/// Where a message was seen: everything a protocol module may need about its frame.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Context {
    pub ts: Timestamp,
    /// The frame's link-layer source, when the link type carries one and it is a device.
    pub src_mac: Option<MacAddr>,
    pub dst_mac: Option<MacAddr>,
    pub src_ip: Option<IpAddr>,
    pub dst_ip: Option<IpAddr>,
    pub src_port: u16,
    pub dst_port: u16,
}

impl Context {
    pub fn at(ts: Timestamp) -> Context {
        Context { ts, src_mac: None, dst_mac: None, src_ip: None, dst_ip: None, src_port: 0, dst_port: 0 }
    }

    /// An observation about `mac` from this frame.
    pub fn obs(&self, mac: MacAddr, protocol: Protocol, fact: Fact) -> Observation {
        Observation { ts: self.ts, mac, protocol, fact }
    }
}

/// What a protocol module made of a payload handed to it.
pub type Outcome = Result<(), WireError>;
