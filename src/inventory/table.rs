use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::device::{Attr, Dated, Device};
use crate::mac::MacAddr;
use crate::observe::{Fact, Observation, Protocol};
use crate::timestamp::Timestamp;

/// Named limits on everything the inventory holds. Each, when hit, increments the
/// counter of the same name in [`Inventory::limits_hit`].
#[derive(Copy, Clone, Debug)]
pub struct Limits {
    /// `devices`: beyond it the least recently seen devices are evicted (a /16 has
    /// 65,536 addresses; twice that leaves room for randomised phone MACs).
    pub max_devices: usize,
    /// `ipv4_per_device`, `ipv6_per_device`
    pub max_addresses_per_device: usize,
    /// `hostnames_per_device`
    pub max_hostnames_per_device: usize,
    /// `vlans_per_device`
    pub max_vlans_per_device: usize,
    /// `notes_per_device`
    pub max_notes_per_device: usize,
    /// `attributes_per_device`: protocol attributes (all sections together)
    pub max_attributes_per_device: usize,
    /// `services_per_device`
    pub max_services_per_device: usize,
    /// `dns_queries_per_device`: distinct names a device asked for
    pub max_dns_queries_per_device: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_devices: 131_072,
            max_addresses_per_device: 64,
            max_hostnames_per_device: 16,
            max_vlans_per_device: 64,
            max_notes_per_device: 32,
            max_attributes_per_device: 128,
            max_services_per_device: 64,
            max_dns_queries_per_device: 128,
        }
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    devices: FxHashMap<MacAddr, Device>,
    limits: Limits,
    limits_hit: BTreeMap<&'static str, u64>,
}

/// Adds `value` to a bounded list unless present; counts `limit` when full.
fn add_bounded<T: PartialEq>(
    list: &mut Vec<Dated<T>>,
    value: T,
    source: Protocol,
    ts: Timestamp,
    max: usize,
    limit: &'static str,
    hits: &mut BTreeMap<&'static str, u64>,
) {
    if let Some(existing) = list.iter_mut().find(|d| d.value == value) {
        if ts < existing.first_seen {
            existing.first_seen = ts;
            existing.source = source;
        }
    } else if list.len() < max {
        list.push(Dated { value, source, first_seen: ts });
    } else {
        *hits.entry(limit).or_default() += 1;
    }
}

fn add_sorted(list: &mut Vec<u16>, v: u16, max: usize, limit: &'static str, hits: &mut BTreeMap<&'static str, u64>) {
    if let Err(pos) = list.binary_search(&v) {
        if list.len() < max {
            list.insert(pos, v);
        } else {
            *hits.entry(limit).or_default() += 1;
        }
    }
}

fn set_latest<T: PartialEq>(slot: &mut Option<Dated<T>>, value: T, source: Protocol, ts: Timestamp) {
    match slot {
        Some(d) if d.value == value => d.first_seen = d.first_seen.min(ts),
        _ => *slot = Some(Dated { value, source, first_seen: ts }),
    }
}

/// The device for `mac`, created when new; evicts first when the table is full.
fn device_mut<'a>(
    devices: &'a mut FxHashMap<MacAddr, Device>,
    hits: &mut BTreeMap<&'static str, u64>,
    max_devices: usize,
    mac: MacAddr,
    ts: Timestamp,
) -> &'a mut Device {
    if devices.len() >= max_devices && !devices.contains_key(&mac) {
        evict(devices, hits);
    }
    let d = devices.entry(mac).or_insert_with(|| Device::new(mac, ts));
    d.seen_at(ts);
    d
}

/// Drops the least recently seen sixteenth of the table (at least one device), so a
/// flood of new MACs costs amortised O(1) per frame rather than a scan each.
fn evict(devices: &mut FxHashMap<MacAddr, Device>, hits: &mut BTreeMap<&'static str, u64>) {
    let n = (devices.len() / 16).max(1);
    let mut ages: Vec<(Timestamp, MacAddr)> = devices.values().map(|d| (d.last_seen, d.mac)).collect();
    if n < ages.len() {
        ages.select_nth_unstable(n - 1);
    }
    for (_, mac) in ages.into_iter().take(n) {
        devices.remove(&mac);
    }
    *hits.entry("devices").or_default() += n as u64;
}

impl Inventory {
    pub fn new(limits: Limits) -> Inventory {
        Inventory { devices: FxHashMap::default(), limits, limits_hit: BTreeMap::new() }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn len(&self) -> usize {
        self.devices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    pub fn get(&self, mac: &MacAddr) -> Option<&Device> {
        self.devices.get(mac)
    }

    /// Devices in MAC order.
    pub fn devices(&self) -> Vec<&Device> {
        let mut v: Vec<&Device> = self.devices.values().collect();
        v.sort_unstable_by_key(|d| d.mac);
        v
    }

    /// Counters of limits that were hit, by limit name.
    pub fn limits_hit(&self) -> &BTreeMap<&'static str, u64> {
        &self.limits_hit
    }

    /// Records a frame sent by `mac`. `vlan` is the innermost tag, `outer` the others.
    pub fn touch(&mut self, mac: MacAddr, ts: Timestamp, bytes: usize, vlan: Option<u16>, outer: &[u16]) {
        let max_vlans = self.limits.max_vlans_per_device;
        let hits = &mut self.limits_hit;
        let d = device_mut(&mut self.devices, hits, self.limits.max_devices, mac, ts);
        d.packets += 1;
        d.bytes += bytes as u64;
        if let Some(v) = vlan {
            add_sorted(&mut d.vlans, v, max_vlans, "vlans_per_device", hits);
        }
        for &o in outer {
            add_sorted(&mut d.outer_vlans, o, max_vlans, "vlans_per_device", hits);
        }
    }

    /// Merges one observation into the device it names.
    pub fn apply(&mut self, o: &Observation) {
        let l = self.limits;
        let hits = &mut self.limits_hit;
        let d = device_mut(&mut self.devices, hits, l.max_devices, o.mac, o.ts);
        d.protocols |= o.protocol.bit();
        let ts = o.ts;
        match &o.fact {
            Fact::Present => {}
            Fact::Ipv4(a) => add_bounded(&mut d.ipv4, *a, o.protocol, ts, l.max_addresses_per_device, "ipv4_per_device", hits),
            Fact::Hostname(h) => {
                add_bounded(&mut d.hostnames, h.clone(), o.protocol, ts, l.max_hostnames_per_device, "hostnames_per_device", hits)
            }
            Fact::Role(r) => {
                if !d.roles.contains(r) {
                    d.roles.push(*r);
                    d.roles.sort();
                }
            }
            Fact::Note(n) => {
                if d.notes.contains(n) {
                } else if d.notes.len() < l.max_notes_per_device {
                    d.notes.push(n.clone());
                } else {
                    *hits.entry("notes_per_device").or_default() += 1;
                }
            }
            Fact::Ipv6(a) => add_bounded(&mut d.ipv6, *a, o.protocol, ts, l.max_addresses_per_device, "ipv6_per_device", hits),
            Fact::Model(m) => set_latest(&mut d.model, m.clone(), o.protocol, ts),
            Fact::Firmware(f) => set_latest(&mut d.firmware, f.clone(), o.protocol, ts),
            Fact::Service(svc) => {
                // A service is identified by type and instance; a later sighting updates
                // its port and TXT record.
                let full = d.services.len() >= l.max_services_per_device;
                match d.services.iter_mut().find(|x| x.value.kind == svc.kind && x.value.name == svc.name) {
                    Some(existing) => {
                        if svc.port.is_some() {
                            existing.value.port = svc.port;
                        }
                        if !svc.txt.is_empty() {
                            existing.value.txt = svc.txt.clone();
                        }
                    }
                    None if !full => {
                        d.services.push(Dated { value: svc.clone(), source: o.protocol, first_seen: ts })
                    }
                    None => *hits.entry("services_per_device").or_default() += 1,
                }
            }
            Fact::DnsQuery(q) => {
                add_bounded(&mut d.dns_queries, q.clone(), o.protocol, ts, l.max_dns_queries_per_device, "dns_queries_per_device", hits)
            }
            Fact::Attr(key, value) => {
                let full = d.attrs.len() >= l.max_attributes_per_device;
                match d.attrs.iter_mut().find(|a| a.protocol == o.protocol && a.key == *key) {
                    Some(a) if a.value == *value => a.first_seen = a.first_seen.min(ts),
                    Some(a) => {
                        a.value = value.clone();
                        a.first_seen = ts;
                    }
                    None if !full => {
                        d.attrs.push(Attr { protocol: o.protocol, key, value: value.clone(), first_seen: ts })
                    }
                    None => *hits.entry("attributes_per_device").or_default() += 1,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::observe::{AttrValue, Note, Service};

    fn mac(i: u32) -> MacAddr {
        let b = i.to_be_bytes();
        MacAddr([0x00, 0x1d, b[0], b[1], b[2], b[3]])
    }

    fn obs(m: MacAddr, ts: i64, fact: Fact) -> Observation {
        Observation { ts: Timestamp(ts), mac: m, protocol: Protocol::Arp, fact }
    }

    #[test]
    fn merges_facts_and_times() {
        let mut inv = Inventory::new(Limits::default());
        inv.touch(mac(1), Timestamp(10), 60, Some(20), &[]);
        inv.apply(&obs(mac(1), 5, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 1))));
        inv.apply(&obs(mac(1), 20, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 1))));
        inv.touch(mac(1), Timestamp(30), 60, Some(10), &[100]);
        let d = inv.get(&mac(1)).unwrap();
        assert_eq!((d.first_seen, d.last_seen), (Timestamp(5), Timestamp(30)));
        assert_eq!(d.packets, 2);
        assert_eq!(d.vlans, vec![10, 20]);
        assert_eq!(d.outer_vlans, vec![100]);
        assert_eq!(d.ipv4.len(), 1);
        assert_eq!(d.ipv4[0].first_seen, Timestamp(5));
        assert_eq!(d.protocols().collect::<Vec<_>>(), vec![Protocol::Arp]);
    }

    #[test]
    fn device_limit_evicts_least_recently_seen_and_counts() {
        let mut inv = Inventory::new(Limits { max_devices: 32, ..Limits::default() });
        for i in 0..32 {
            inv.touch(mac(i), Timestamp(i as i64), 60, None, &[]);
        }
        assert_eq!(inv.len(), 32);
        inv.touch(mac(1000), Timestamp(1000), 60, None, &[]);
        assert_eq!(inv.len(), 31, "32/16 = 2 evicted, one added");
        assert!(inv.get(&mac(0)).is_none() && inv.get(&mac(1)).is_none());
        assert!(inv.get(&mac(2)).is_some() && inv.get(&mac(1000)).is_some());
        assert_eq!(inv.limits_hit().get("devices"), Some(&2));
    }

    #[test]
    fn per_device_limits_are_counted() {
        let mut inv = Inventory::new(Limits {
            max_addresses_per_device: 2,
            max_hostnames_per_device: 1,
            max_vlans_per_device: 1,
            max_notes_per_device: 1,
            max_attributes_per_device: 1,
            max_services_per_device: 1,
            max_dns_queries_per_device: 1,
            ..Limits::default()
        });
        const KEYS: [&str; 4] = ["a", "b", "c", "d"];
        for i in 0..4u8 {
            inv.apply(&obs(mac(1), 1, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, i))));
            inv.apply(&obs(mac(1), 1, Fact::Ipv6(std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, i as u16))));
            inv.apply(&obs(mac(1), 1, Fact::Hostname(format!("h{i}"))));
            inv.apply(&obs(mac(1), 1, Fact::Attr(KEYS[i as usize], AttrValue::Int(i as u64))));
            inv.apply(&obs(mac(1), 1, Fact::DnsQuery(format!("q{i}.example"))));
            let svc = Service { kind: "_ipp._tcp".into(), name: format!("p{i}"), port: Some(631), txt: vec![] };
            inv.apply(&obs(mac(1), 1, Fact::Service(svc)));
            let note = Note::ClaimedMac { protocol: Protocol::Kasa, mac: mac(100 + i as u32) };
            inv.apply(&obs(mac(1), 1, Fact::Note(note)));
            inv.touch(mac(1), Timestamp(1), 60, Some(i as u16), &[]);
        }
        let d = inv.get(&mac(1)).unwrap();
        assert_eq!((d.ipv4.len(), d.ipv6.len(), d.hostnames.len(), d.vlans.len()), (2, 2, 1, 1));
        assert_eq!((d.attrs.len(), d.services.len(), d.dns_queries.len(), d.notes.len()), (1, 1, 1, 1));
        let hits = inv.limits_hit();
        for (name, n) in [
            ("ipv4_per_device", 2),
            ("ipv6_per_device", 2),
            ("hostnames_per_device", 3),
            ("vlans_per_device", 3),
            ("attributes_per_device", 3),
            ("services_per_device", 3),
            ("dns_queries_per_device", 3),
            ("notes_per_device", 3),
        ] {
            assert_eq!(hits.get(name), Some(&n), "{name}");
        }
    }
}
