use std::net::{Ipv4Addr, Ipv6Addr};

use crate::mac::MacAddr;
use crate::observe::{AttrValue, Note, Protocol, Role, Service};
use crate::timestamp::Timestamp;

/// A value with the protocol that first told it and the capture time it was first seen.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Dated<T> {
    pub value: T,
    pub source: Protocol,
    pub first_seen: Timestamp,
}

/// An attribute in a protocol's section of the device (`dhcp.vendor_class` …).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Attr {
    pub protocol: Protocol,
    pub key: &'static str,
    pub value: AttrValue,
    /// When this value was first seen (a changed value restarts it).
    pub first_seen: Timestamp,
}

/// One device, keyed by MAC.
#[derive(Clone, Debug)]
pub struct Device {
    pub mac: MacAddr,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// Frames this MAC sent.
    pub packets: u64,
    pub bytes: u64,
    /// VLAN IDs of the innermost tag on frames this MAC sent, sorted.
    pub vlans: Vec<u16>,
    /// Outer (service) tags of QinQ frames this MAC sent, sorted.
    pub outer_vlans: Vec<u16>,
    pub ipv4: Vec<Dated<Ipv4Addr>>,
    pub ipv6: Vec<Dated<Ipv6Addr>>,
    pub hostnames: Vec<Dated<String>>,
    pub protocols: u64,
    pub roles: Vec<Role>,
    pub model: Option<Dated<String>>,
    pub firmware: Option<Dated<String>>,
    pub attrs: Vec<Attr>,
    pub services: Vec<Dated<Service>>,
    pub dns_queries: Vec<Dated<String>>,
    pub notes: Vec<Note>,
}

impl Device {
    pub fn new(mac: MacAddr, ts: Timestamp) -> Device {
        Device {
            mac,
            first_seen: ts,
            last_seen: ts,
            packets: 0,
            bytes: 0,
            vlans: Vec::new(),
            outer_vlans: Vec::new(),
            ipv4: Vec::new(),
            ipv6: Vec::new(),
            hostnames: Vec::new(),
            protocols: 0,
            roles: Vec::new(),
            model: None,
            firmware: None,
            attrs: Vec::new(),
            services: Vec::new(),
            dns_queries: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn protocols(&self) -> impl Iterator<Item = Protocol> + '_ {
        Protocol::ALL.into_iter().filter(|p| self.protocols & p.bit() != 0)
    }

    /// The attributes of one protocol's section, in the order first seen.
    pub fn section(&self, p: Protocol) -> impl Iterator<Item = &Attr> + '_ {
        self.attrs.iter().filter(move |a| a.protocol == p)
    }

    pub fn attr(&self, p: Protocol, key: &str) -> Option<&AttrValue> {
        self.attrs.iter().find(|a| a.protocol == p && a.key == key).map(|a| &a.value)
    }

    pub(crate) fn seen_at(&mut self, ts: Timestamp) {
        if ts < self.first_seen {
            self.first_seen = ts;
        }
        if ts > self.last_seen {
            self.last_seen = ts;
        }
    }
}
