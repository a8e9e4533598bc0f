//! State across restarts: a previous snapshot (`quietwire.inventory/1`) read back into
//! device records, so first-seen times and known devices survive a restart.
//!
//! The snapshot is the report users read, not a dump of internal state, so a few things
//! are rebuilt rather than read:
//! - the protocol that first told a hostname, model, firmware or DNS name is taken from
//!   the flag and hint evidence that names it; otherwise it is recorded as `arp` (which
//!   tells none of these), so no `from`-restricted rule matches on a guess;
//! - each address, name and attribute is dated with the device's `first_seen` unless
//!   evidence gives its own time;
//! - flags, hints and risks are computed again from the facts.
//!
//! A file that does not parse as a whole, or any entry in it that does not, is reported
//! and the file is renamed aside (`FILE.corrupt-UNIXTIME`), never overwritten: devices
//! that did parse are kept.

use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::inventory::{Attr, Dated, Device, Inventory, Limits};
use crate::mac::MacAddr;
use crate::observe::{AttrValue, Note, Protocol, Role, Service};
use crate::output::report::SCHEMA;
use crate::timestamp::Timestamp;

/// Largest state file read (a full table of 131,072 devices is ~300 MiB of JSON).
pub const MAX_STATE_BYTES: u64 = 1 << 30;

/// Distinct attribute names restored. Names are `&'static str` in the inventory, so a
/// restored name is interned for the life of the process; this bounds what a hostile
/// state file can make it keep.
pub const MAX_INTERNED_KEYS: usize = 1024;

/// Longest attribute name accepted.
pub const MAX_KEY_LEN: usize = 64;

/// Every role, for reading role names back (`Role` serializes only).
const ROLES: [Role; 9] = [
    Role::DhcpServer,
    Role::DhcpRelay,
    Role::Dhcpv6Server,
    Role::Router,
    Role::Bridge,
    Role::WlanAp,
    Role::Phone,
    Role::OmadaController,
    Role::TplinkAppClient,
];

/// Stand-in for "the protocol is not known": ARP tells no names, models or firmware.
const UNKNOWN_SOURCE: Protocol = Protocol::Arp;

/// What loading found.
#[derive(Debug)]
pub enum Loaded {
    /// No file yet (first run).
    Missing,
    /// Every device restored.
    Restored { devices: usize },
    /// Something did not parse: the file was moved to `moved_to`; `devices` parsed.
    SetAside { devices: usize, problems: Vec<String>, moved_to: PathBuf },
}

/// Reads `path` into `inv` (see the module documentation).
pub fn load(path: &Path, inv: &mut Inventory) -> io::Result<Loaded> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(e),
    };
    let (devices, problems) = if meta.len() > MAX_STATE_BYTES {
        (Vec::new(), vec![format!("{} bytes, more than the {MAX_STATE_BYTES} read", meta.len())])
    } else {
        parse(&fs::read(path)?, inv.limits())
    };
    let n = devices.len();
    for d in devices {
        inv.restore(d);
    }
    if problems.is_empty() {
        return Ok(Loaded::Restored { devices: n });
    }
    let moved_to = set_aside(path)?;
    Ok(Loaded::SetAside { devices: n, problems, moved_to })
}

/// Renames a bad state file to a free `NAME.corrupt-UNIXTIME[-N]` beside it.
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state".into());
    for i in 0..1000 {
        let suffix = if i == 0 { String::new() } else { format!("-{i}") };
        let target = path.with_file_name(format!("{name}.corrupt-{secs}{suffix}"));
        if !target.exists() {
            fs::rename(path, &target)?;
            return Ok(target);
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "no free name to set the state file aside"))
}

/// Parses a snapshot: the devices that parsed, and a description of every problem.
pub fn parse(bytes: &[u8], limits: &Limits) -> (Vec<Device>, Vec<String>) {
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return (Vec::new(), vec![format!("not JSON: {e}")]),
    };
    if doc.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        return (Vec::new(), vec![format!("not a {SCHEMA} document")]);
    }
    let Some(list) = doc.get("devices").and_then(Value::as_array) else {
        return (Vec::new(), vec!["no devices list".into()]);
    };
    let mut devices = Vec::new();
    let mut problems = Vec::new();
    for (i, v) in list.iter().enumerate() {
        match device(v, limits) {
            Ok(d) => devices.push(d),
            Err(e) => problems.push(format!("devices[{i}]: {e}")),
        }
        if devices.len() >= limits.max_devices {
            if list.len() > devices.len() + problems.len() {
                problems.push(format!("more than {} devices (--max-devices): the rest were not read", limits.max_devices));
            }
            break;
        }
    }
    (devices, problems)
}

fn timestamp(v: &Value) -> Option<Timestamp> {
    let t = OffsetDateTime::parse(v.as_str()?, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos()).ok().map(Timestamp)
}

fn strings(v: Option<&Value>) -> Result<Vec<&str>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a.iter().map(|s| s.as_str().ok_or_else(|| format!("{s} is not a string"))).collect(),
        Some(other) => Err(format!("{other} is not a list")),
    }
}

/// Where evidence says a value came from, and since when.
fn provenance(obj: &Map<String, Value>, field: &str, value: &str) -> Option<(Protocol, Option<Timestamp>)> {
    let lists = ["flags", "hints"].into_iter().filter_map(|k| obj.get(k).and_then(Value::as_array));
    for flag in lists.flatten() {
        for e in flag.get("evidence").and_then(Value::as_array).into_iter().flatten() {
            if e.get("field").and_then(Value::as_str) == Some(field) && e.get("value").and_then(Value::as_str) == Some(value) {
                let source = e.get("source").and_then(Value::as_str).and_then(protocol_named);
                if let Some(p) = source {
                    return Some((p, e.get("first_seen").and_then(timestamp)));
                }
            }
        }
    }
    None
}

fn protocol_named(s: &str) -> Option<Protocol> {
    Protocol::ALL.into_iter().find(|p| p.name() == s)
}

fn role_named(s: &str) -> Option<Role> {
    ROLES.into_iter().find(|r| serde_json::to_value(r).ok().as_ref().and_then(Value::as_str) == Some(s))
}

/// The attribute name as the `&'static str` the inventory keys by (see [`MAX_INTERNED_KEYS`]).
fn intern(key: &str) -> Option<&'static str> {
    static KEYS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return None;
    }
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = keys.iter().find(|k| **k == key) {
        return Some(k);
    }
    if keys.len() >= MAX_INTERNED_KEYS {
        return None;
    }
    let k: &'static str = Box::leak(key.to_string().into_boxed_str());
    keys.push(k);
    Some(k)
}

/// A value as it was typed before output: addresses and MACs only when they print back
/// identically, so the restored value renders exactly as the saved one.
fn attr_value(v: &Value) -> Option<AttrValue> {
    match v {
        Value::Number(n) => n.as_u64().map(AttrValue::Int),
        Value::Array(a) => a.iter().map(|s| s.as_str().map(String::from)).collect::<Option<Vec<_>>>().map(AttrValue::List),
        Value::String(s) => {
            if let Ok(ip) = s.parse::<IpAddr>().map_err(drop).and_then(|ip| if ip.to_string() == *s { Ok(ip) } else { Err(()) }) {
                return Some(AttrValue::Ip(ip));
            }
            if let Ok(mac) = s.parse::<MacAddr>() {
                if mac.to_string() == *s {
                    return Some(AttrValue::Mac(mac));
                }
            }
            Some(AttrValue::Text(s.clone()))
        }
        _ => None,
    }
}

fn service(v: &Value, default_ts: Timestamp) -> Option<Dated<Service>> {
    let kind = v.get("type")?.as_str()?.to_string();
    let name = v.get("name")?.as_str()?.to_string();
    let port = match v.get("port") {
        None | Some(Value::Null) => None,
        Some(p) => Some(u16::try_from(p.as_u64()?).ok()?),
    };
    let mut txt = Vec::new();
    for pair in v.get("txt").and_then(Value::as_array).into_iter().flatten() {
        match pair.as_array().map(Vec::as_slice) {
            Some([k, v]) => txt.push((k.as_str()?.to_string(), v.as_str()?.to_string())),
            _ => return None,
        }
    }
    let first_seen = v.get("first_seen").and_then(timestamp).unwrap_or(default_ts);
    // Services carry no source in the report; mDNS announces most of them.
    Some(Dated { value: Service { kind, name, port, txt }, source: Protocol::Mdns, first_seen })
}

fn note(v: &Value) -> Option<Note> {
    match v.get("kind")?.as_str()? {
        "arp_sender_mismatch" => Some(Note::ArpSenderMismatch {
            ip: v.get("ip")?.as_str()?.parse().ok()?,
            frame_source: v.get("frame_source")?.as_str()?.parse().ok()?,
        }),
        "claimed_mac" => Some(Note::ClaimedMac {
            protocol: protocol_named(v.get("protocol")?.as_str()?)?,
            mac: v.get("mac")?.as_str()?.parse().ok()?,
        }),
        _ => None,
    }
}

fn vlans(v: Option<&Value>, max: usize) -> Result<Vec<u16>, String> {
    let mut out: Vec<u16> = Vec::new();
    for x in v.and_then(Value::as_array).into_iter().flatten() {
        let id = x.as_u64().and_then(|n| u16::try_from(n).ok()).ok_or_else(|| format!("bad VLAN id {x}"))?;
        out.push(id);
    }
    out.sort_unstable();
    out.dedup();
    out.truncate(max);
    Ok(out)
}

/// One device of the report.
fn device(v: &Value, l: &Limits) -> Result<Device, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let mac: MacAddr = obj.get("mac").and_then(Value::as_str).ok_or("no mac")?.parse().map_err(|e| format!("{e}"))?;
    let first_seen = obj.get("first_seen").and_then(timestamp).ok_or("no valid first_seen")?;
    let last_seen = obj.get("last_seen").and_then(timestamp).ok_or("no valid last_seen")?.max(first_seen);
    let mut d = Device::new(mac, first_seen);
    d.last_seen = last_seen;
    d.packets = obj.get("packets").and_then(Value::as_u64).unwrap_or(0);
    d.bytes = obj.get("bytes").and_then(Value::as_u64).unwrap_or(0);
    d.vlans = vlans(obj.get("vlans"), l.max_vlans_per_device)?;
    d.outer_vlans = vlans(obj.get("outer_vlans"), l.max_vlans_per_device)?;

    let dated = |field: &str, value: &str, fallback: Protocol| {
        let (source, ts) = provenance(obj, field, value).unwrap_or((fallback, None));
        (source, ts.unwrap_or(first_seen))
    };
    for s in strings(obj.get("ipv4"))?.into_iter().take(l.max_addresses_per_device) {
        let a: Ipv4Addr = s.parse().map_err(|_| format!("bad IPv4 address {s:?}"))?;
        d.ipv4.push(Dated { value: a, source: UNKNOWN_SOURCE, first_seen });
    }
    for s in strings(obj.get("ipv6"))?.into_iter().take(l.max_addresses_per_device) {
        let a: Ipv6Addr = s.parse().map_err(|_| format!("bad IPv6 address {s:?}"))?;
        d.ipv6.push(Dated { value: a, source: Protocol::Ipv6, first_seen });
    }
    for s in strings(obj.get("hostnames"))?.into_iter().take(l.max_hostnames_per_device) {
        let (source, ts) = dated("hostname", s, UNKNOWN_SOURCE);
        d.hostnames.push(Dated { value: s.to_string(), source, first_seen: ts });
    }
    for s in strings(obj.get("dns_queries"))?.into_iter().take(l.max_dns_queries_per_device) {
        let (source, ts) = dated("dns_query", s, Protocol::Dns);
        d.dns_queries.push(Dated { value: s.to_string(), source, first_seen: ts });
    }
    for (field, slot) in [("model", &mut d.model), ("firmware", &mut d.firmware)] {
        if let Some(s) = obj.get(field).and_then(Value::as_str) {
            let (source, ts) = dated(field, s, UNKNOWN_SOURCE);
            *slot = Some(Dated { value: s.to_string(), source, first_seen: ts });
        }
    }
    for p in strings(obj.get("protocols"))? {
        d.protocols |= protocol_named(p).ok_or_else(|| format!("unknown protocol {p:?}"))?.bit();
    }
    for r in strings(obj.get("roles"))? {
        d.roles.push(role_named(r).ok_or_else(|| format!("unknown role {r:?}"))?);
    }
    d.roles.sort();
    d.roles.dedup();
    for s in obj.get("services").and_then(Value::as_array).into_iter().flatten().take(l.max_services_per_device) {
        d.services.push(service(s, first_seen).ok_or_else(|| format!("bad service {s}"))?);
    }
    for n in obj.get("notes").and_then(Value::as_array).into_iter().flatten().take(l.max_notes_per_device) {
        d.notes.push(note(n).ok_or_else(|| format!("bad note {n}"))?);
    }
    // Protocol sections: `dhcp`, and any other protocol's name holding an object (a
    // protocol named like a device key, `ipv6`, has no section there).
    for p in Protocol::ALL {
        let Some(section) = obj.get(p.name()) else { continue };
        let Some(section) = section.as_object() else {
            if section.is_null() || p == Protocol::Ipv6 {
                continue;
            }
            return Err(format!("section {} is not an object", p.name()));
        };
        for (k, v) in section {
            if d.attrs.len() >= l.max_attributes_per_device {
                break;
            }
            let key = intern(k).ok_or_else(|| format!("attribute name {k:?} not kept (too long, or too many names)"))?;
            let value = attr_value(v).ok_or_else(|| format!("bad value for {}.{k}", p.name()))?;
            let (_, ts) = dated(&format!("{}.{k}", p.name()), &value.to_string(), p);
            d.attrs.push(Attr { protocol: p, key, value, first_seen: ts });
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::CaptureStats;
    use crate::classify::rules::{self, BUILT_IN};
    use crate::output::report::{self, Filter};

    fn lists() -> Vec<crate::classify::rules::Watchlist> {
        vec![rules::parse(BUILT_IN[0].1, "tp-link").unwrap()]
    }

    fn report_json(inv: &Inventory) -> Value {
        serde_json::to_value(report::build(inv, &CaptureStats::default(), &lists(), Filter::default())).unwrap()
    }

    fn sample() -> Inventory {
        use crate::observe::{Fact, Observation};
        let mut inv = Inventory::new(Limits::default());
        let plug: MacAddr = "50:c7:bf:00:c7:03".parse().unwrap();
        let other: MacAddr = "02:00:00:00:00:09".parse().unwrap();
        let obs = |mac, ts, protocol, fact| Observation { ts: Timestamp(ts), mac, protocol, fact };
        inv.touch(plug, Timestamp(1_000), 60, Some(20), &[100]);
        for o in [
            obs(plug, 2_000, Protocol::Dhcp, Fact::Ipv4("10.0.0.20".parse().unwrap())),
            obs(plug, 2_000, Protocol::Kasa, Fact::Hostname("HS110(EU)".into())),
            obs(plug, 2_500, Protocol::Kasa, Fact::Model("HS110(EU)".into())),
            obs(plug, 2_600, Protocol::Dhcp, Fact::Attr("vendor_class", AttrValue::Text("udhcp 0.9.9-pre".into()))),
            obs(plug, 2_600, Protocol::Dhcp, Fact::Attr("requested_ip", AttrValue::Ip("10.0.0.20".parse().unwrap()))),
            obs(plug, 2_700, Protocol::Lldp, Fact::Attr("chassis", AttrValue::Mac(plug))),
            obs(plug, 2_700, Protocol::Lldp, Fact::Attr("caps", AttrValue::List(vec!["bridge".into()]))),
            obs(plug, 2_700, Protocol::Lldp, Fact::Attr("ttl", AttrValue::Int(120))),
            obs(plug, 2_800, Protocol::Dns, Fact::DnsQuery("devs.tplinkcloud.com".into())),
            obs(plug, 2_900, Protocol::Dhcp, Fact::Role(Role::DhcpServer)),
            obs(plug, 2_900, Protocol::Ipv6, Fact::Ipv6("fe80::1".parse().unwrap())),
            obs(
                plug,
                3_000,
                Protocol::Mdns,
                Fact::Service(Service { kind: "_hap._tcp".into(), name: "Plug".into(), port: Some(80), txt: vec![("md".into(), "x".into())] }),
            ),
            obs(plug, 3_000, Protocol::Arp, Fact::Note(Note::ArpSenderMismatch { ip: "10.0.0.9".parse().unwrap(), frame_source: other })),
            obs(other, 5_000, Protocol::Dhcp, Fact::Hostname("Archer_C7".into())),
        ] {
            inv.apply(&o);
        }
        inv
    }

    #[test]
    fn a_snapshot_restores_to_the_same_report() {
        let inv = sample();
        let before = report_json(&inv);
        let bytes = serde_json::to_vec(&before).unwrap();
        let (devices, problems) = parse(&bytes, &Limits::default());
        assert!(problems.is_empty(), "{problems:?}");
        let mut restored = Inventory::new(Limits::default());
        for d in devices {
            restored.restore(d);
        }
        let after = report_json(&restored);
        assert_eq!(after["devices"], before["devices"]);
        let plug = restored.get(&"50:c7:bf:00:c7:03".parse().unwrap()).unwrap();
        assert_eq!(plug.model.as_ref().map(|m| m.source), Some(Protocol::Kasa), "source from evidence");
        assert_eq!(plug.first_seen, Timestamp(1_000));
        assert_eq!(restored.owner_of("10.0.0.20".parse().unwrap()), Some(plug.mac));
    }

    #[test]
    fn bad_entries_are_problems_and_good_ones_kept() {
        let mut doc = report_json(&sample());
        doc["devices"][1]["first_seen"] = Value::from("yesterday");
        let (devices, problems) = parse(&serde_json::to_vec(&doc).unwrap(), &Limits::default());
        assert_eq!(devices.len(), 1);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("devices[1]: no valid first_seen"), "{problems:?}");
        for bad in [&b"{\"schema\": \"quietwire.inventory/1\", \"devi"[..], b"[]", b"{\"schema\": \"other\"}"] {
            let (d, p) = parse(bad, &Limits::default());
            assert!(d.is_empty() && p.len() == 1, "{p:?}");
        }
    }

    #[test]
    fn load_sets_a_corrupt_file_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut inv = Inventory::new(Limits::default());
        assert!(matches!(load(&path, &mut inv).unwrap(), Loaded::Missing));
        fs::write(&path, serde_json::to_vec(&report_json(&sample())).unwrap()).unwrap();
        assert!(matches!(load(&path, &mut inv).unwrap(), Loaded::Restored { devices: 2 }));
        assert_eq!(inv.len(), 2);
        fs::write(&path, b"{ truncated").unwrap();
        let mut inv = Inventory::new(Limits::default());
        match load(&path, &mut inv).unwrap() {
            Loaded::SetAside { devices: 0, moved_to, problems } => {
                assert!(!path.exists());
                assert_eq!(fs::read(&moved_to).unwrap(), b"{ truncated");
                assert!(moved_to.file_name().unwrap().to_string_lossy().starts_with("state.json.corrupt-"));
                assert!(problems[0].starts_with("not JSON"));
            }
            other => panic!("{other:?}"),
        }
        // A second corrupt file on the same second gets its own name.
        fs::write(&path, b"x").unwrap();
        let Loaded::SetAside { moved_to, .. } = load(&path, &mut inv).unwrap() else { panic!() };
        assert!(moved_to.exists() && !path.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn roles_all_read_back() {
        for r in ROLES {
            let name = serde_json::to_value(r).unwrap();
            assert_eq!(role_named(name.as_str().unwrap()), Some(r));
        }
    }
}
