use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use rustc_hash::FxHashMap;

use super::device::{Attr, Dated, Device};
use crate::mac::MacAddr;
use crate::observe::{AttrValue, Fact, Observation, Protocol};
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
    /// `items_per_list_attribute`: distinct items a list attribute (`ssdp.nt` …) gathers
    pub max_items_per_list_attribute: usize,
    /// `ipv4_index`: IPv4 → MAC bindings remembered for attribution and conflicts
    pub max_ipv4_index: usize,
    /// `pending_changes`: change events buffered between two `take_changes` calls
    pub max_pending_changes: usize,
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
            max_items_per_list_attribute: 32,
            max_ipv4_index: 262_144,
            max_pending_changes: 65_536,
        }
    }
}

/// What changed in the inventory, for live event streams. Recorded only after
/// [`Inventory::track_changes`]; offline reads pay nothing for it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Change {
    DeviceNew { mac: MacAddr, ts: Timestamp },
    Ipv4New { mac: MacAddr, ip: Ipv4Addr, ts: Timestamp },
    HostnameNew { mac: MacAddr, name: String, ts: Timestamp },
    /// `mac` claimed `ip`, which `previous` held and still lists.
    Ipv4Conflict { ip: Ipv4Addr, mac: MacAddr, previous: MacAddr, ts: Timestamp },
    LimitHit { limit: &'static str, ts: Timestamp },
    /// Any fact was merged into the device (classification may have changed).
    Updated { mac: MacAddr },
}

/// Everything beside the device map that merging touches.
#[derive(Debug, Default)]
struct Side {
    limits_hit: BTreeMap<&'static str, u64>,
    ipv4_index: FxHashMap<Ipv4Addr, MacAddr>,
    changes: Option<Vec<Change>>,
    max_changes: usize,
}

impl Side {
    fn hit(&mut self, limit: &'static str, n: u64, ts: Timestamp) {
        let c = self.limits_hit.entry(limit).or_default();
        let first = *c == 0;
        *c += n;
        if first {
            self.change(Change::LimitHit { limit, ts });
        }
    }

    fn change(&mut self, c: Change) {
        let max = self.max_changes;
        if let Some(v) = self.changes.as_mut() {
            if v.len() < max {
                v.push(c);
            } else {
                *self.limits_hit.entry("pending_changes").or_default() += 1;
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Inventory {
    devices: FxHashMap<MacAddr, Device>,
    limits: Limits,
    side: Side,
}

/// Adds `value` to a bounded list unless present; counts `limit` when full. True when added.
#[allow(clippy::too_many_arguments)]
fn add_bounded<T: PartialEq>(
    list: &mut Vec<Dated<T>>,
    value: T,
    source: Protocol,
    ts: Timestamp,
    max: usize,
    limit: &'static str,
    side: &mut Side,
) -> bool {
    if let Some(existing) = list.iter_mut().find(|d| d.value == value) {
        if ts < existing.first_seen {
            existing.first_seen = ts;
            existing.source = source;
        }
        false
    } else if list.len() < max {
        list.push(Dated { value, source, first_seen: ts });
        true
    } else {
        side.hit(limit, 1, ts);
        false
    }
}

fn add_sorted(list: &mut Vec<u16>, v: u16, max: usize, side: &mut Side, ts: Timestamp) {
    if let Err(pos) = list.binary_search(&v) {
        if list.len() < max {
            list.insert(pos, v);
        } else {
            side.hit("vlans_per_device", 1, ts);
        }
    }
}

fn set_latest<T: PartialEq>(slot: &mut Option<Dated<T>>, value: T, source: Protocol, ts: Timestamp) {
    match slot {
        // The same value from a more authoritative source: that source told it (rules may
        // ask for `from = ["kasa"]` after an SSDP SERVER named the same model).
        Some(d) if d.value == value => {
            d.first_seen = d.first_seen.min(ts);
            if source.model_rank() > d.source.model_rank() {
                d.source = source;
            }
        }
        // A less authoritative source never replaces a better one (mDNS `md` vs UPnP).
        Some(d) if d.source.model_rank() > source.model_rank() => {}
        _ => *slot = Some(Dated { value, source, first_seen: ts }),
    }
}

/// The device for `mac`, created when new; evicts first when the table is full.
fn device_mut<'a>(
    devices: &'a mut FxHashMap<MacAddr, Device>,
    side: &mut Side,
    max_devices: usize,
    mac: MacAddr,
    ts: Timestamp,
) -> &'a mut Device {
    if !devices.contains_key(&mac) {
        if devices.len() >= max_devices {
            evict(devices, side, ts);
        }
        side.change(Change::DeviceNew { mac, ts });
    }
    let d = devices.entry(mac).or_insert_with(|| Device::new(mac, ts));
    d.seen_at(ts);
    d
}

/// Drops the least recently seen sixteenth of the table (at least one device), so a
/// flood of new MACs costs amortised O(1) per frame rather than a scan each.
fn evict(devices: &mut FxHashMap<MacAddr, Device>, side: &mut Side, ts: Timestamp) {
    let n = (devices.len() / 16).max(1);
    let mut ages: Vec<(Timestamp, MacAddr)> = devices.values().map(|d| (d.last_seen, d.mac)).collect();
    if n < ages.len() {
        ages.select_nth_unstable(n - 1);
    }
    for (_, mac) in ages.into_iter().take(n) {
        if let Some(d) = devices.remove(&mac) {
            for a in &d.ipv4 {
                if side.ipv4_index.get(&a.value) == Some(&mac) {
                    side.ipv4_index.remove(&a.value);
                }
            }
        }
    }
    side.hit("devices", n as u64, ts);
}

impl Inventory {
    pub fn new(limits: Limits) -> Inventory {
        let side = Side { max_changes: limits.max_pending_changes, ..Side::default() };
        Inventory { devices: FxHashMap::default(), limits, side }
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
        &self.side.limits_hit
    }

    /// The device that most recently claimed `ip`.
    pub fn owner_of(&self, ip: Ipv4Addr) -> Option<MacAddr> {
        self.side.ipv4_index.get(&ip).copied()
    }

    /// Starts recording [`Change`]s (bounded by `max_pending_changes`).
    pub fn track_changes(&mut self) {
        self.side.changes.get_or_insert_with(Vec::new);
    }

    /// The changes recorded since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        match self.side.changes.as_mut() {
            Some(v) => std::mem::take(v),
            None => Vec::new(),
        }
    }

    /// Merges an inventory built from a later part of the input (the next file) into
    /// this one. Deterministic: devices are merged in MAC order, lists keep this
    /// inventory's entries first, and for single-valued facts (model, attributes) the
    /// later input wins — as if the inputs had been read one after the other.
    pub fn merge(&mut self, other: Inventory) {
        let l = self.limits;
        for (name, n) in other.side.limits_hit {
            *self.side.limits_hit.entry(name).or_default() += n;
        }
        let mut incoming: Vec<Device> = other.devices.into_values().collect();
        incoming.sort_unstable_by_key(|d| d.mac);
        for o in incoming {
            let ts = o.first_seen;
            let d = device_mut(&mut self.devices, &mut self.side, l.max_devices, o.mac, ts);
            d.seen_at(o.last_seen);
            d.packets += o.packets;
            d.bytes += o.bytes;
            d.protocols |= o.protocols;
            let side = &mut self.side;
            for v in o.vlans {
                add_sorted(&mut d.vlans, v, l.max_vlans_per_device, side, ts);
            }
            for v in o.outer_vlans {
                add_sorted(&mut d.outer_vlans, v, l.max_vlans_per_device, side, ts);
            }
            for a in o.ipv4 {
                if add_bounded(&mut d.ipv4, a.value, a.source, a.first_seen, l.max_addresses_per_device, "ipv4_per_device", side)
                    && (side.ipv4_index.len() < l.max_ipv4_index || side.ipv4_index.contains_key(&a.value))
                {
                    side.ipv4_index.insert(a.value, o.mac);
                }
            }
            for a in o.ipv6 {
                add_bounded(&mut d.ipv6, a.value, a.source, a.first_seen, l.max_addresses_per_device, "ipv6_per_device", side);
            }
            for h in o.hostnames {
                add_bounded(&mut d.hostnames, h.value, h.source, h.first_seen, l.max_hostnames_per_device, "hostnames_per_device", side);
            }
            for q in o.dns_queries {
                add_bounded(&mut d.dns_queries, q.value, q.source, q.first_seen, l.max_dns_queries_per_device, "dns_queries_per_device", side);
            }
            for r in o.roles {
                if !d.roles.contains(&r) {
                    d.roles.push(r);
                }
            }
            d.roles.sort();
            for n in o.notes {
                if !d.notes.contains(&n) {
                    if d.notes.len() < l.max_notes_per_device {
                        d.notes.push(n);
                    } else {
                        side.hit("notes_per_device", 1, ts);
                    }
                }
            }
            if let Some(m) = o.model {
                set_latest(&mut d.model, m.value, m.source, m.first_seen);
            }
            if let Some(m) = o.firmware {
                set_latest(&mut d.firmware, m.value, m.source, m.first_seen);
            }
            for svc in o.services {
                let full = d.services.len() >= l.max_services_per_device;
                match d.services.iter_mut().find(|x| x.value.kind == svc.value.kind && x.value.name == svc.value.name) {
                    Some(x) => x.value = svc.value,
                    None if !full => d.services.push(svc),
                    None => side.hit("services_per_device", 1, ts),
                }
            }
            for a in o.attrs {
                let full = d.attrs.len() >= l.max_attributes_per_device;
                match d.attrs.iter_mut().find(|x| x.protocol == a.protocol && x.key == a.key) {
                    Some(x) if x.value == a.value => x.first_seen = x.first_seen.min(a.first_seen),
                    Some(x) => *x = a,
                    None if !full => d.attrs.push(a),
                    None => side.hit("attributes_per_device", 1, ts),
                }
            }
        }
    }

    /// Puts back a device saved earlier (a live sensor's state across restarts). An
    /// existing record for the MAC is replaced: restore before reading new traffic.
    /// Index entries for its IPv4 addresses are added within the index limit.
    pub fn restore(&mut self, d: Device) {
        let ts = d.last_seen;
        if !self.devices.contains_key(&d.mac) && self.devices.len() >= self.limits.max_devices {
            evict(&mut self.devices, &mut self.side, ts);
        }
        for a in &d.ipv4 {
            if self.side.ipv4_index.len() < self.limits.max_ipv4_index || self.side.ipv4_index.contains_key(&a.value) {
                self.side.ipv4_index.insert(a.value, d.mac);
            }
        }
        self.devices.insert(d.mac, d);
    }

    /// Records a frame sent by `mac`. `vlan` is the innermost tag, `outer` the others.
    pub fn touch(&mut self, mac: MacAddr, ts: Timestamp, bytes: usize, vlan: Option<u16>, outer: &[u16]) {
        let max_vlans = self.limits.max_vlans_per_device;
        let side = &mut self.side;
        let d = device_mut(&mut self.devices, side, self.limits.max_devices, mac, ts);
        d.packets += 1;
        d.bytes += bytes as u64;
        if let Some(v) = vlan {
            add_sorted(&mut d.vlans, v, max_vlans, side, ts);
        }
        for &o in outer {
            add_sorted(&mut d.outer_vlans, o, max_vlans, side, ts);
        }
    }

    /// Merges one observation into the device it names.
    pub fn apply(&mut self, o: &Observation) {
        let l = self.limits;
        let side = &mut self.side;
        let d = device_mut(&mut self.devices, side, l.max_devices, o.mac, o.ts);
        d.protocols |= o.protocol.bit();
        let ts = o.ts;
        let mac = o.mac;
        match &o.fact {
            Fact::Present => {}
            Fact::Ipv4(a) => {
                if add_bounded(&mut d.ipv4, *a, o.protocol, ts, l.max_addresses_per_device, "ipv4_per_device", side) {
                    side.change(Change::Ipv4New { mac, ip: *a, ts });
                }
                match side.ipv4_index.get(a).copied() {
                    Some(prev) if prev == mac => {}
                    Some(prev) => {
                        // Only a conflict while the previous owner still lists the address
                        // (DHCP reassigns addresses over time); the newest claim wins.
                        if self.devices.get(&prev).is_some_and(|p| p.ipv4.iter().any(|x| x.value == *a)) {
                            side.change(Change::Ipv4Conflict { ip: *a, mac, previous: prev, ts });
                        }
                        side.ipv4_index.insert(*a, mac);
                    }
                    None if side.ipv4_index.len() < l.max_ipv4_index => {
                        side.ipv4_index.insert(*a, mac);
                    }
                    None => side.hit("ipv4_index", 1, ts),
                }
                side.change(Change::Updated { mac });
                return;
            }
            Fact::Ipv6(a) => {
                add_bounded(&mut d.ipv6, *a, o.protocol, ts, l.max_addresses_per_device, "ipv6_per_device", side);
            }
            Fact::Hostname(h) => {
                if add_bounded(&mut d.hostnames, h.clone(), o.protocol, ts, l.max_hostnames_per_device, "hostnames_per_device", side) {
                    side.change(Change::HostnameNew { mac, name: h.clone(), ts });
                }
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
                    side.hit("notes_per_device", 1, ts);
                }
            }
            // Given to the holder of the address by the analyzer before it gets here.
            Fact::OfAddress(..) => {}
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
                    None if !full => d.services.push(Dated { value: svc.clone(), source: o.protocol, first_seen: ts }),
                    None => side.hit("services_per_device", 1, ts),
                }
            }
            Fact::DnsQuery(q) => {
                add_bounded(&mut d.dns_queries, q.clone(), o.protocol, ts, l.max_dns_queries_per_device, "dns_queries_per_device", side);
            }
            Fact::Attr(key, value) => {
                let full = d.attrs.len() >= l.max_attributes_per_device;
                match d.attrs.iter_mut().find(|a| a.protocol == o.protocol && a.key == *key) {
                    // List attributes gather distinct items over time (bounded).
                    Some(a) if matches!((&a.value, value), (AttrValue::List(_), AttrValue::List(_))) => {
                        if let (AttrValue::List(have), AttrValue::List(new)) = (&mut a.value, value) {
                            for item in new {
                                if have.contains(item) {
                                } else if have.len() < l.max_items_per_list_attribute {
                                    have.push(item.clone());
                                } else {
                                    side.hit("items_per_list_attribute", 1, ts);
                                }
                            }
                        }
                    }
                    Some(a) if a.value == *value => a.first_seen = a.first_seen.min(ts),
                    Some(a) => {
                        a.value = value.clone();
                        a.first_seen = ts;
                    }
                    None if !full => d.attrs.push(Attr { protocol: o.protocol, key, value: value.clone(), first_seen: ts }),
                    None => side.hit("attributes_per_device", 1, ts),
                }
            }
        }
        side.change(Change::Updated { mac });
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::observe::{Note, Service};

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
    fn merge_is_the_same_as_reading_in_order() {
        let facts = |inv: &mut Inventory, base: i64| {
            inv.touch(mac(1), Timestamp(base), 60, Some(10), &[]);
            inv.apply(&obs(mac(1), base + 1, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, base as u8))));
            inv.apply(&obs(mac(1), base + 2, Fact::Model(format!("m{base}"))));
            inv.apply(&obs(mac(1), base + 3, Fact::Attr("k", AttrValue::Int(base as u64))));
            inv.touch(mac(base as u32 + 100), Timestamp(base), 60, None, &[]);
        };
        let mut whole = Inventory::new(Limits::default());
        facts(&mut whole, 10);
        facts(&mut whole, 20);
        let (mut a, mut b) = (Inventory::new(Limits::default()), Inventory::new(Limits::default()));
        facts(&mut a, 10);
        facts(&mut b, 20);
        a.merge(b);
        assert_eq!(format!("{:?}", whole.devices()), format!("{:?}", a.devices()));
        assert_eq!(a.owner_of(Ipv4Addr::new(10, 0, 0, 20)), Some(mac(1)));
    }

    #[test]
    fn changes_index_and_conflicts() {
        let mut inv = Inventory::new(Limits { max_pending_changes: 8, max_ipv4_index: 1, ..Limits::default() });
        inv.apply(&obs(mac(1), 1, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 1))));
        assert!(inv.take_changes().is_empty(), "nothing recorded before track_changes");
        inv.track_changes();
        inv.apply(&obs(mac(2), 2, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 1))));
        inv.apply(&obs(mac(2), 3, Fact::Hostname("h".into())));
        inv.apply(&obs(mac(2), 4, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 2))));
        let c = inv.take_changes();
        assert_eq!(
            c,
            vec![
                Change::DeviceNew { mac: mac(2), ts: Timestamp(2) },
                Change::Ipv4New { mac: mac(2), ip: Ipv4Addr::new(10, 0, 0, 1), ts: Timestamp(2) },
                Change::Ipv4Conflict { ip: Ipv4Addr::new(10, 0, 0, 1), mac: mac(2), previous: mac(1), ts: Timestamp(2) },
                Change::Updated { mac: mac(2) },
                Change::HostnameNew { mac: mac(2), name: "h".into(), ts: Timestamp(3) },
                Change::Updated { mac: mac(2) },
                Change::Ipv4New { mac: mac(2), ip: Ipv4Addr::new(10, 0, 0, 2), ts: Timestamp(4) },
                Change::LimitHit { limit: "ipv4_index", ts: Timestamp(4) },
            ]
        );
        assert_eq!(inv.owner_of(Ipv4Addr::new(10, 0, 0, 1)), Some(mac(2)));
        assert_eq!(inv.owner_of(Ipv4Addr::new(10, 0, 0, 2)), None, "index full");
        for i in 0..10 {
            inv.apply(&obs(mac(3), 5, Fact::Hostname(format!("n{i}"))));
        }
        assert_eq!(inv.take_changes().len(), 8);
        assert!(inv.limits_hit().get("pending_changes").is_some());
    }

    #[test]
    fn per_device_limits_are_counted() {
        let mut inv = Inventory::new(Limits {
            max_ipv4_index: 1024,
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
