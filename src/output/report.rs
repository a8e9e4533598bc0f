//! The inventory as users see it: the `quietwire.inventory/1` JSON contract, from which
//! every output format is rendered. Built from the inventory and capture counters;
//! knows no bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analyze::CaptureStats;
use crate::capture::FileFormat;
use crate::classify::engine::{self, Classification};
use crate::classify::rules::Watchlist;
use crate::classify::{Confidence, Flag, RiskFinding, vendor};
use crate::inventory::{Device, Inventory};
use crate::mac::{MacAddr, MacKind};
use crate::observe::{AttrValue, Note, Protocol, Role, Service};
use crate::timestamp::Timestamp;

pub const SCHEMA: &str = "quietwire.inventory/1";

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub capture: CaptureReport,
    pub devices: Vec<DeviceReport>,
}

#[derive(Debug, Serialize)]
pub struct SourceReport {
    pub path: String,
    pub format: &'static str,
    pub packets: u64,
    /// Set when the file ended inside a record or held a corrupt one.
    pub truncated_at: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct CaptureReport {
    pub sources: Vec<SourceReport>,
    pub packets: u64,
    pub bytes: u64,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub link_types: BTreeMap<String, u64>,
    pub skipped: BTreeMap<&'static str, u64>,
    pub malformed: BTreeMap<&'static str, u64>,
    pub limits_hit: BTreeMap<&'static str, u64>,
    pub vendor_registry: &'static str,
}

/// A protocol's section of a device: its attributes by name.
pub type Section = BTreeMap<&'static str, AttrValue>;

#[derive(Debug, Serialize)]
pub struct ServiceReport {
    #[serde(flatten)]
    pub service: Service,
    pub first_seen: Timestamp,
}

#[derive(Debug, Serialize)]
pub struct DeviceReport {
    pub mac: MacAddr,
    pub mac_kind: MacKind,
    pub vendor: Option<&'static str>,
    pub ipv4: Vec<String>,
    pub ipv6: Vec<String>,
    pub hostnames: Vec<String>,
    pub vlans: Vec<u16>,
    pub outer_vlans: Vec<u16>,
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub packets: u64,
    pub bytes: u64,
    pub protocols: Vec<&'static str>,
    pub roles: Vec<Role>,
    pub services: Vec<ServiceReport>,
    pub dns_queries: Vec<String>,
    /// DHCPv4 section: always present (`null` when the device spoke no DHCP).
    pub dhcp: Option<Section>,
    /// Every other protocol's section, under its protocol name, when it has attributes.
    #[serde(flatten)]
    pub sections: BTreeMap<&'static str, Section>,
    /// Watchlist flags (confidence medium or high).
    pub flags: Vec<Flag>,
    /// Watchlist evidence below the flagging threshold.
    pub hints: Vec<Flag>,
    /// Known-exploited models and signs of compromise on flagged devices.
    pub risks: Vec<RiskFinding>,
    pub notes: Vec<Note>,
    /// Every fact with the protocol that first told it and when, for the HTML detail
    /// view. Not part of the JSON contract.
    #[serde(skip)]
    pub facts: Vec<FactReport>,
}

/// One fact about a device: `field` is `ipv4`, `ipv6`, `hostname`, `model`, `firmware`,
/// `service`, `dns_query` or `PROTOCOL.KEY` for a section attribute.
#[derive(Debug, Serialize)]
pub struct FactReport {
    pub field: String,
    pub value: String,
    pub source: &'static str,
    pub first_seen: Timestamp,
}

fn facts(d: &Device) -> Vec<FactReport> {
    use crate::inventory::Dated;
    fn fact<T: ToString>(field: &str, v: &Dated<T>) -> FactReport {
        FactReport { field: field.to_string(), value: v.value.to_string(), source: v.source.name(), first_seen: v.first_seen }
    }
    let mut out = Vec::new();
    out.extend(d.ipv4.iter().map(|v| fact("ipv4", v)));
    out.extend(d.ipv6.iter().map(|v| fact("ipv6", v)));
    out.extend(d.hostnames.iter().map(|v| fact("hostname", v)));
    out.extend(d.model.iter().map(|v| fact("model", v)));
    out.extend(d.firmware.iter().map(|v| fact("firmware", v)));
    out.extend(d.attrs.iter().map(|a| FactReport {
        field: format!("{}.{}", a.protocol.name(), a.key),
        value: a.value.to_string(),
        source: a.protocol.name(),
        first_seen: a.first_seen,
    }));
    out.extend(d.services.iter().map(|s| {
        let port = s.value.port.map_or(String::new(), |p| format!(" port {p}"));
        let name = if s.value.name.is_empty() { String::new() } else { format!(" {}", s.value.name) };
        FactReport { field: "service".into(), value: format!("{}{name}{port}", s.value.kind), source: s.source.name(), first_seen: s.first_seen }
    }));
    out.extend(d.dns_queries.iter().map(|v| fact("dns_query", v)));
    out
}

impl DeviceReport {
    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty()
    }
    /// The strongest flag, for sorting and tables.
    pub fn top_flag(&self) -> Option<&Flag> {
        self.flags.iter().max_by_key(|f| f.confidence)
    }
}

fn device_report(d: &Device, lists: &[Watchlist], min: Confidence) -> DeviceReport {
    let Classification { vendor, flags, hints, risks } = engine::classify(d, lists, min);
    let mut sections: BTreeMap<&'static str, Section> = BTreeMap::new();
    for a in &d.attrs {
        sections.entry(a.protocol.name()).or_default().insert(a.key, a.value.clone());
    }
    let dhcp = sections.remove(Protocol::Dhcp.name());
    DeviceReport {
        mac: d.mac,
        mac_kind: d.mac.kind(),
        vendor: vendor.map(|a| a.organization),
        ipv4: d.ipv4.iter().map(|a| a.value.to_string()).collect(),
        ipv6: d.ipv6.iter().map(|a| a.value.to_string()).collect(),
        hostnames: d.hostnames.iter().map(|h| h.value.clone()).collect(),
        vlans: d.vlans.clone(),
        outer_vlans: d.outer_vlans.clone(),
        model: d.model.as_ref().map(|m| m.value.clone()),
        firmware: d.firmware.as_ref().map(|m| m.value.clone()),
        first_seen: d.first_seen,
        last_seen: d.last_seen,
        packets: d.packets,
        bytes: d.bytes,
        protocols: d.protocols().map(|p| p.name()).collect(),
        roles: d.roles.clone(),
        services: d.services.iter().map(|s| ServiceReport { service: s.value.clone(), first_seen: s.first_seen }).collect(),
        dns_queries: d.dns_queries.iter().map(|q| q.value.clone()).collect(),
        dhcp,
        sections,
        flags,
        hints,
        risks,
        notes: d.notes.clone(),
        facts: facts(d),
    }
}

fn format_name(f: FileFormat) -> &'static str {
    match f {
        FileFormat::Pcap { nanos: false, .. } => "pcap",
        FileFormat::Pcap { nanos: true, .. } => "pcap-ns",
        FileFormat::PcapNg => "pcapng",
    }
}

/// Which devices a report lists.
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Filter {
    /// Flag at this confidence and above.
    pub min_confidence: Confidence,
    /// List only flagged devices.
    pub flagged_only: bool,
}

impl Default for Filter {
    fn default() -> Self {
        Filter { min_confidence: Confidence::Medium, flagged_only: false }
    }
}

/// Builds the report; devices in MAC order.
pub fn build(inv: &Inventory, stats: &CaptureStats, lists: &[Watchlist], filter: Filter) -> Report {
    let capture = CaptureReport {
        sources: stats
            .sources
            .iter()
            .map(|s| SourceReport {
                path: s.path.clone(),
                format: format_name(s.summary.format),
                packets: s.summary.frames,
                truncated_at: crate::analyze::truncation(&s.summary).map(|(o, _)| o),
            })
            .collect(),
        packets: stats.packets,
        bytes: stats.bytes,
        first_seen: stats.first_seen,
        last_seen: stats.last_seen,
        link_types: stats.link_types.iter().map(|(l, n)| (l.name(), *n)).collect(),
        skipped: stats.skipped.clone(),
        malformed: stats.malformed.clone(),
        limits_hit: inv.limits_hit().iter().chain(stats.limits_hit.iter()).map(|(k, v)| (*k, *v)).collect(),
        vendor_registry: vendor::registry_date(),
    };
    let devices = inv
        .devices()
        .into_iter()
        .map(|d| device_report(d, lists, filter.min_confidence))
        .filter(|d| !filter.flagged_only || d.is_flagged())
        .collect();
    Report { schema: SCHEMA, capture, devices }
}
