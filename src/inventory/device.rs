use std::net::{Ipv4Addr, Ipv6Addr};

use crate::mac::MacAddr;
use crate::observe::{Note, Protocol, Role};
use crate::timestamp::Timestamp;

/// A value with the capture time it was first seen.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Dated<T> {
    pub value: T,
    pub first_seen: Timestamp,
}

/// What a DHCP client said about itself (latest value of each field).
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct DhcpInfo {
    pub vendor_class: Option<Dated<String>>,
    pub param_request_list: Option<Dated<String>>,
    pub client_id: Option<Dated<String>>,
    pub requested_ip: Option<Dated<Ipv4Addr>>,
    pub fqdn: Option<Dated<String>>,
    pub option_order: Option<Dated<String>>,
}

impl DhcpInfo {
    pub fn is_empty(&self) -> bool {
        *self == DhcpInfo::default()
    }
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
    pub dhcp: DhcpInfo,
    pub model: Option<Dated<String>>,
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
            dhcp: DhcpInfo::default(),
            model: None,
            notes: Vec::new(),
        }
    }

    pub fn protocols(&self) -> impl Iterator<Item = Protocol> + '_ {
        Protocol::ALL.into_iter().filter(|p| self.protocols & p.bit() != 0)
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
