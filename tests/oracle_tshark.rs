//! Wireshark as the oracle (issue 3): for every capture of the public corpus
//! (`../shared/captures/real`, described by its CATALOGUE.md), the identity facts tshark
//! extracts must appear on the right device of quietwire's inventory.
//!
//! For each capture this runs ONE tshark command (`-T json --no-duplicate-keys`, with a
//! display filter limited to the protocols compared; JSON rather than `-T fields` keeps
//! each DNS record's fields together — with `-T fields`, SRV records have no
//! `dns.resp.name` and NSEC type bitmaps add `dns.resp.type` values, so the A records
//! cannot be paired with their names — and gives field values unescaped) and
//! `quietwire read -f json` on the same file, then compares per fact — a fact is a
//! distinct (kind, device MAC, value) of one capture:
//!
//! | kind | tshark field | device |
//! |---|---|---|
//! | DHCP host name | `dhcp.option.hostname` of client messages (`dhcp.type == 1`) | `dhcp.hw.mac_addr` (chaddr: `eth.src`, unless relayed) |
//! | DHCP vendor class | `dhcp.option.vendor_class_id`, same messages | chaddr |
//! | LLDP system name | `lldp.tlv.system.name` | `lldp.chassis.id.mac` when `lldp.chassis.subtype == 4` (MAC), else `eth.src` |
//! | CDP device ID | `cdp.deviceid` | `eth.src` |
//! | SSDP SERVER | `http.server` of `ssdp` NOTIFY (not `ssdp:byebye`) and `200` answers | `eth.src` |
//! | mDNS host name | owner name of an A record in a response, without `.local` | `eth.src`, only when the A record's address is `ip.src` |
//!
//! `eth.src` is the frame's outer Ethernet source, or `sll.src.eth` for Linux cooked
//! captures. mDNS A records whose address is not the packet's own source address are
//! left out on purpose: quietwire binds a host name only to the device that owns it, and
//! a Bonjour Sleep Proxy answering for a sleeping Mac (or a responder repeating stale
//! cache entries) does not (`src/observe/mdns.rs`). So are A records in IPv6 packets
//! (there is no IPv4 source to compare; quietwire binds them only when an AAAA address
//! carries the sender's MAC as EUI-64). Both are counted and printed. Frames inside ICMP
//! errors are left out too: quietwire reads no quoted datagrams.
//!
//! Where quietwire keeps a fact: host names in `hostnames` (DHCP, mDNS; LLDP and CDP too),
//! `dhcp.vendor_class`, `lldp.system_name`, `cdp.device_id`, and `ssdp.server` or the
//! `server` TXT of an SSDP service (the attribute keeps only the latest SERVER; services
//! keep each UPnP stack's). Values are compared exactly after trimming white space, as
//! quietwire does, with two rules for what tshark cannot show: a tshark value longer than
//! quietwire's 255-byte text cap matches a kept prefix of it, and a value in which tshark
//! printed U+FFFD for each byte it decoded as ASCII (SSDP headers, DHCP options) matches
//! when its ASCII characters and the positions of its other bytes line up (the TP-Link
//! TL-XDR6030 sends `TL-XDR6030易展版` in UTF-8; tshark shows nine U+FFFD).
//!
//! Needs tshark (Debian: `apt-get install tshark`; tested with 4.0.17, whose JSON output
//! and field names this reads). `QUIETWIRE_ORACLE_VERBOSE=1` also lists the agreeing facts.
//!
//! Agreement = agreeing facts / (agreeing + disagreeing). Disagreements with a known,
//! documented reason are listed in [`EXCLUDED`] and left out of the figure. The table is
//! printed (`cargo test --test oracle_tshark -- --nocapture`) and written to stderr; the
//! test asserts at least 99 %. It is skipped, with a message, when tshark or the corpus
//! is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::Value;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures/real");

/// quietwire's cap on text taken from packets (`observe::text::MAX_TEXT_LEN`).
const TEXT_CAP: usize = 255;

/// Minimum share of agreeing facts.
const MIN_AGREEMENT: f64 = 0.99;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    DhcpHostname,
    DhcpVendorClass,
    LldpSystemName,
    CdpDeviceId,
    SsdpServer,
    MdnsHostname,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::DhcpHostname,
        Kind::DhcpVendorClass,
        Kind::LldpSystemName,
        Kind::CdpDeviceId,
        Kind::SsdpServer,
        Kind::MdnsHostname,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::DhcpHostname => "DHCP host name",
            Kind::DhcpVendorClass => "DHCP vendor class",
            Kind::LldpSystemName => "LLDP system name",
            Kind::CdpDeviceId => "CDP device ID",
            Kind::SsdpServer => "SSDP SERVER",
            Kind::MdnsHostname => "mDNS host name",
        }
    }
}

/// Disagreements with a known, documented reason: (capture path under the corpus, kind,
/// value or `*` for every value of that kind in the capture, reason). Each entry must
/// still match a disagreement, so a fixed one is noticed and removed.
const EXCLUDED: &[(&str, Kind, &str, &str)] = &[(
    "assimilation/pcap/cdp_v2_hdlc.pcap",
    Kind::CdpDeviceId,
    "R1",
    "Cisco HDLC link type (104): no MAC to attribute the device to; quietwire counts the frame \
     as skipped.linktype, as documented, and tshark gives no eth.src either",
)];

/// Only the frames that can carry a compared fact; none quoted inside an ICMP error.
const FILTER: &str = "(dhcp.type == 1 || lldp || cdp || ssdp || (mdns && dns.flags.response == 1)) && !icmp && !icmpv6";

/// The layers tshark prints (`-J`: with their subtrees; the others appear as `filtered`).
const LAYERS: &str = "frame eth sll ip dhcp lldp cdp ssdp mdns";

/// The device of a fact from a frame without a link-layer source address.
const NO_MAC: &str = "(none)";

/// One fact tshark extracted from a capture.
#[derive(Clone, Debug)]
struct Fact {
    kind: Kind,
    mac: String,
    value: String,
    /// The first frame that told it.
    frame: u64,
}

#[derive(Clone, Debug)]
enum Verdict {
    Agree,
    Disagree,
    Excluded(&'static str),
}

struct CaptureResult {
    path: String,
    facts: Vec<(Fact, Verdict, Vec<String>)>,
    notes: Vec<String>,
    foreign_a: [usize; 2],
}

fn tshark_available() -> bool {
    Command::new("tshark").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Capture files under `dir`, by path.
fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            captures(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ["pcap", "pcapng", "cap"].contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
}

/// The string values of `key` anywhere under `v`, in document order (tshark's
/// `--no-duplicate-keys` turns repeated keys into arrays).
fn all<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    match x {
                        Value::String(s) => out.push(s),
                        Value::Array(a) => out.extend(a.iter().filter_map(Value::as_str)),
                        _ => {}
                    }
                }
                all(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| all(x, key, out)),
        _ => {}
    }
}

fn values<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    all(v, key, &mut out);
    out
}

/// A layer of a packet; the first (outermost) when tshark printed several.
fn layer<'a>(layers: &'a Value, name: &str) -> Option<&'a Value> {
    match layers.get(name)? {
        Value::Array(a) => a.first(),
        v => Some(v),
    }
}

/// A field directly in `v` (not in a subtree); the first when repeated.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    match v.get(key)? {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

/// The DNS resource records (objects with `dns.resp.type`) under `v`.
fn records<'a>(v: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("dns.resp.type") {
                out.push(m);
            }
            m.values().for_each(|x| records(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| records(x, out)),
        _ => {}
    }
}

/// What tshark said about one capture.
struct Tshark {
    facts: Vec<Fact>,
    /// Distinct mDNS A records (sender, name, address) left out by design (see the
    /// module comment): in IPv6 packets, and whose address is not the IPv4 source.
    foreign_a: [usize; 2],
    /// tshark's exit status and message when it failed.
    failure: Option<String>,
}

/// Runs tshark on one capture and returns its facts (first sighting of each distinct
/// one). tshark's exit status is not checked: on a cut or partly unreadable file it
/// prints the frames it read and then fails, as it should; the failure is noted.
fn tshark_facts(path: &Path) -> Tshark {
    let o = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        .args(["-Y", FILTER, "-T", "json", "--no-duplicate-keys", "-J", LAYERS])
        .output()
        .expect("run tshark");
    let stderr = String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("Running as user"))
        .collect::<Vec<_>>()
        .join(" / ");
    let failure = (!o.status.success()).then(|| format!("tshark {}: {}", o.status, stderr.trim()));
    let packets: Vec<Value> = if o.stdout.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("tshark printed no JSON for {} ({e}); {stderr}", path.display()))
    };
    let mut facts: Vec<Fact> = Vec::new();
    let mut seen: BTreeSet<(Kind, String, String)> = BTreeSet::new();
    // Left out: (over IPv6?, sender, name, address).
    let mut foreign: BTreeSet<(bool, String, String, String)> = BTreeSet::new();
    for p in &packets {
        let l = &p["_source"]["layers"];
        let frame: u64 =
            layer(l, "frame").and_then(|f| field(f, "frame.number")).and_then(|n| n.parse().ok()).unwrap_or(0);
        let mut push = |kind: Kind, mac: Option<&str>, value: &str| {
            let value = value.trim();
            if value.is_empty() {
                return;
            }
            // No link-layer source (Cisco HDLC, raw IP): a fact on no device, which
            // disagrees unless it is excluded with its reason.
            let mac = mac.unwrap_or(NO_MAC);
            if seen.insert((kind, mac.to_string(), value.to_string())) {
                facts.push(Fact { kind, mac: mac.to_string(), value: value.to_string(), frame });
            }
        };
        let src = layer(l, "eth")
            .and_then(|e| field(e, "eth.src"))
            .or_else(|| layer(l, "sll").and_then(|e| field(e, "sll.src.eth")));

        if let Some(d) = layer(l, "dhcp").filter(|d| field(d, "dhcp.type") == Some("1")) {
            // The client is the chaddr (the top-level field; option 61 repeats it below).
            let chaddr = field(d, "dhcp.hw.mac_addr");
            for v in values(d, "dhcp.option.hostname") {
                push(Kind::DhcpHostname, chaddr, v);
            }
            for v in values(d, "dhcp.option.vendor_class_id") {
                push(Kind::DhcpVendorClass, chaddr, v);
            }
        }
        if let Some(d) = layer(l, "lldp") {
            let subtype = values(d, "lldp.chassis.subtype");
            let chassis =
                if subtype.first() == Some(&"4") { values(d, "lldp.chassis.id.mac").first().copied() } else { src };
            for v in values(d, "lldp.tlv.system.name") {
                push(Kind::LldpSystemName, chassis, v);
            }
        }
        if let Some(d) = layer(l, "cdp") {
            for v in values(d, "cdp.deviceid") {
                push(Kind::CdpDeviceId, src, v);
            }
        }
        if let Some(d) = layer(l, "ssdp") {
            let mut strings = Vec::new();
            all_strings(d, &mut strings);
            let byebye = strings.iter().any(|s| {
                let s = s.to_ascii_lowercase();
                s.starts_with("nts:") && s.contains("ssdp:byebye")
            });
            let notify = values(d, "http.request.method").first() == Some(&"NOTIFY") && !byebye;
            let answer = values(d, "http.response.code").first() == Some(&"200");
            if notify || answer {
                for v in values(d, "http.server") {
                    push(Kind::SsdpServer, src, v);
                }
            }
        }
        if let Some(d) = layer(l, "mdns").filter(|d| values(d, "dns.flags.response").first() == Some(&"1")) {
            let ip_src = layer(l, "ip").and_then(|i| field(i, "ip.src"));
            let mut rrs = Vec::new();
            records(d, &mut rrs);
            for rr in rrs {
                let is_a = rr.get("dns.resp.type").and_then(Value::as_str) == Some("1");
                let addr = rr.get("dns.a").and_then(Value::as_str);
                let name = rr.get("dns.resp.name").and_then(Value::as_str);
                if let (true, Some(a), Some(name)) = (is_a, addr, name) {
                    if Some(a) == ip_src {
                        push(Kind::MdnsHostname, src, strip_local(name));
                    } else {
                        let key = (src.unwrap_or(NO_MAC).to_string(), name.to_string(), a.to_string());
                        foreign.insert((ip_src.is_none(), key.0, key.1, key.2));
                    }
                }
            }
        }
    }
    let over_v6 = foreign.iter().filter(|f| f.0).count();
    Tshark { facts, foreign_a: [over_v6, foreign.len() - over_v6], failure }
}

/// Every string value under `v`.
fn all_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k);
            all_strings(x, out)
        }),
        Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        _ => {}
    }
}

/// `host.local` → `host` (ASCII case-insensitive, as quietwire stores mDNS host names).
fn strip_local(name: &str) -> &str {
    let n = name.strip_suffix('.').unwrap_or(name);
    match n.len().checked_sub(6) {
        Some(i) if n.is_char_boundary(i) && n[i..].eq_ignore_ascii_case(".local") => &n[..i],
        _ => n,
    }
}

/// What quietwire's inventory says, per device MAC and fact kind.
type Inventory = BTreeMap<String, BTreeMap<Kind, BTreeSet<String>>>;

fn quietwire_inventory(path: &Path) -> Result<Inventory, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_quietwire"))
        .args(["read", "-f", "json"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run quietwire: {e}"))?;
    let doc: Value = serde_json::from_slice(&o.stdout)
        .map_err(|e| format!("quietwire {}: no JSON ({e}): {}", o.status, String::from_utf8_lossy(&o.stderr).trim()))?;
    let mut inv = Inventory::new();
    for d in doc["devices"].as_array().into_iter().flatten() {
        let Some(mac) = d["mac"].as_str() else { continue };
        let kinds = inv.entry(mac.to_string()).or_default();
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            }
        };
        let hostnames = strings(&d["hostnames"]);
        let mut add = |k: Kind, vals: Vec<String>| kinds.entry(k).or_default().extend(vals);
        add(Kind::DhcpHostname, hostnames.clone());
        add(Kind::MdnsHostname, hostnames.clone());
        add(Kind::LldpSystemName, hostnames.clone());
        add(Kind::LldpSystemName, strings(&d["lldp"]["system_name"]));
        add(Kind::CdpDeviceId, hostnames);
        add(Kind::CdpDeviceId, strings(&d["cdp"]["device_id"]));
        add(Kind::DhcpVendorClass, strings(&d["dhcp"]["vendor_class"]));
        add(Kind::SsdpServer, strings(&d["ssdp"]["server"]));
        for s in d["services"].as_array().into_iter().flatten() {
            for kv in s["txt"].as_array().into_iter().flatten() {
                if kv[0] == "server" {
                    add(Kind::SsdpServer, strings(&kv[1]));
                }
            }
        }
    }
    Ok(inv)
}

/// Each byte of a non-ASCII character as `?`, U+FFFD (a byte lossy decoding replaced) as
/// one `?`: how tshark shows text it decodes as ASCII.
fn ascii_view(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            c if c.is_ascii() => std::iter::repeat_n(c, 1),
            '\u{fffd}' => std::iter::repeat_n('?', 1),
            c => std::iter::repeat_n('?', c.len_utf8()),
        })
        .collect()
}

/// Whether quietwire's `kept` value is tshark's `told`.
fn matches(told: &str, kept: &str) -> bool {
    if told == kept {
        return true;
    }
    // Longer than the text cap: quietwire keeps the first 255 bytes (on a char boundary).
    if told.len() > TEXT_CAP && told.starts_with(kept) && kept.len() + 4 > TEXT_CAP {
        return true;
    }
    // tshark printed U+FFFD for each byte it could not show as ASCII.
    if told.contains('\u{fffd}') {
        let (t, k) = (ascii_view(told), ascii_view(kept));
        return t == k || (t.len() > TEXT_CAP && t.starts_with(&k) && k.len() + 4 > TEXT_CAP);
    }
    false
}

fn compare(root: &Path, path: &Path) -> CaptureResult {
    let rel = path.strip_prefix(root).unwrap_or(path).display().to_string();
    let Tshark { facts, foreign_a, failure } = tshark_facts(path);
    let mut notes: Vec<String> = failure.into_iter().collect();
    let inv = if facts.is_empty() {
        Inventory::new()
    } else {
        quietwire_inventory(path).unwrap_or_else(|e| {
            notes.push(e);
            Inventory::new()
        })
    };
    let empty = BTreeSet::new();
    let facts = facts
        .into_iter()
        .map(|f| {
            let kept = inv.get(&f.mac).and_then(|k| k.get(&f.kind)).unwrap_or(&empty);
            let verdict = if kept.iter().any(|k| matches(&f.value, k)) {
                Verdict::Agree
            } else if let Some(&(_, _, _, why)) =
                EXCLUDED.iter().find(|(p, k, v, _)| *p == rel && *k == f.kind && (*v == "*" || *v == f.value))
            {
                Verdict::Excluded(why)
            } else {
                Verdict::Disagree
            };
            let kept: Vec<String> = match inv.get(&f.mac) {
                None => vec!["(no such device)".to_string()],
                Some(_) => kept.iter().cloned().collect(),
            };
            (f, verdict, kept)
        })
        .collect();
    CaptureResult { path: rel, facts, notes, foreign_a }
}

#[test]
fn tshark_facts_appear_on_the_right_device() {
    let root = PathBuf::from(REAL);
    if !tshark_available() {
        eprintln!("skipped: tshark is not installed (apt-get install tshark); the oracle comparison did not run");
        return;
    }
    if !root.is_dir() {
        eprintln!("skipped: the capture corpus {} is absent; the oracle comparison did not run", root.display());
        return;
    }
    let started = Instant::now();
    let mut files = Vec::new();
    captures(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no captures under {}", root.display());

    // Largest first, so the slow ones do not finish last; results by index.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(std::fs::metadata(&files[i]).map(|m| m.len()).unwrap_or(0)));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CaptureResult>>> = Mutex::new((0..files.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8) + 1;
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    let r = compare(&root, &files[i]);
                    results.lock().unwrap()[i] = Some(r);
                }
            });
        }
    });
    let results: Vec<CaptureResult> =
        results.into_inner().unwrap().into_iter().map(|r| r.expect("every capture compared")).collect();

    // Tallies.
    let mut per_kind: BTreeMap<Kind, [usize; 3]> = Kind::ALL.iter().map(|&k| (k, [0; 3])).collect();
    let mut report = String::new();
    let mut details = String::new();
    let mut used_exclusions = BTreeSet::new();
    let mut with_facts = 0;
    let foreign_a = results.iter().fold([0, 0], |a, r| [a[0] + r.foreign_a[0], a[1] + r.foreign_a[1]]);
    // QUIETWIRE_ORACLE_VERBOSE=1 also lists the facts that agree.
    let verbose = std::env::var_os("QUIETWIRE_ORACLE_VERBOSE").is_some();
    for r in &results {
        if !r.facts.is_empty() {
            with_facts += 1;
        }
        for (f, v, kept) in &r.facts {
            let t = per_kind.get_mut(&f.kind).unwrap();
            match v {
                Verdict::Agree => {
                    t[0] += 1;
                    if verbose {
                        let _ = writeln!(
                            details,
                            "  agree    {} frame {}: {} {:?} on {}",
                            r.path,
                            f.frame,
                            f.kind.name(),
                            f.value,
                            f.mac
                        );
                    }
                }
                Verdict::Disagree => {
                    t[1] += 1;
                    let _ = writeln!(
                        details,
                        "  DISAGREE {} frame {}: {} {:?} on {}; quietwire has {:?}",
                        r.path,
                        f.frame,
                        f.kind.name(),
                        f.value,
                        f.mac,
                        kept
                    );
                }
                Verdict::Excluded(why) => {
                    t[2] += 1;
                    if let Some(i) = EXCLUDED
                        .iter()
                        .position(|(p, k, val, _)| *p == r.path && *k == f.kind && (*val == "*" || *val == f.value))
                    {
                        used_exclusions.insert(i);
                    }
                    let _ = writeln!(
                        details,
                        "  excluded {} frame {}: {} {:?} on {} ({why})",
                        r.path,
                        f.frame,
                        f.kind.name(),
                        f.value,
                        f.mac
                    );
                }
            }
        }
        for n in &r.notes {
            let _ = writeln!(details, "  note     {}: {n}", r.path);
        }
    }
    let total = per_kind.values().fold([0; 3], |a, t| [a[0] + t[0], a[1] + t[1], a[2] + t[2]]);
    let pct = |t: &[usize; 3]| if t[0] + t[1] == 0 { 100.0 } else { 100.0 * t[0] as f64 / (t[0] + t[1]) as f64 };
    let _ = writeln!(
        report,
        "tshark oracle: {} captures, {} with facts to compare ({:.1} s, {workers} workers)",
        results.len(),
        with_facts,
        started.elapsed().as_secs_f64()
    );
    let _ = writeln!(report, "{:<18} {:>6} {:>9} {:>9} {:>9}", "fact", "agree", "disagree", "excluded", "agreement");
    for (k, t) in &per_kind {
        let _ = writeln!(report, "{:<18} {:>6} {:>9} {:>9} {:>8.2}%", k.name(), t[0], t[1], t[2], pct(t));
    }
    let _ = writeln!(report, "{:<18} {:>6} {:>9} {:>9} {:>8.2}%", "total", total[0], total[1], total[2], pct(&total));
    let _ = writeln!(
        report,
        "not compared: mDNS A records in IPv6 packets {}; whose address is not the IPv4 source (sleep proxies, stale caches) {}",
        foreign_a[0], foreign_a[1]
    );
    let stale: Vec<String> = EXCLUDED
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_exclusions.contains(i))
        .map(|(_, (p, k, v, _))| format!("{p} {} {v:?}", k.name()))
        .collect();
    let out = format!("{report}{details}");
    println!("{out}");
    eprintln!("{out}");
    assert!(stale.is_empty(), "exclusions that no longer match a disagreement (remove them): {stale:#?}");
    assert!(
        pct(&total) >= MIN_AGREEMENT * 100.0,
        "tshark agreement {:.2}% is below {:.0}%",
        pct(&total),
        MIN_AGREEMENT * 100.0
    );
}

#[test]
fn comparison_rules() {
    assert!(matches("HS110(EU)", "HS110(EU)"));
    assert!(!matches("HS110(EU)", "HS110"));
    // tshark decodes SSDP headers as ASCII: one U+FFFD per non-ASCII byte.
    let told = format!("vxWorks/5.5 UPnP/1.0 TL-XDR6030{}/2.0", "\u{fffd}".repeat(9));
    assert!(matches(&told, "vxWorks/5.5 UPnP/1.0 TL-XDR6030易展版/2.0"));
    assert!(matches(&told, &format!("vxWorks/5.5 UPnP/1.0 TL-XDR6030{}/2.0", "\u{fffd}".repeat(9))));
    assert!(!matches(&told, "vxWorks/5.5 UPnP/1.0 TL-XDR6030易展/2.0"));
    assert!(!matches(&told, "vxWorks/5.5 UPnP/1.0 TL-XDR6031易展版/2.0"));
    // Beyond the text cap quietwire keeps a prefix of at least 252 bytes.
    let long = "x".repeat(300);
    assert!(matches(&long, &long[..255]));
    assert!(!matches(&long, &long[..200]));
    assert_eq!(strip_local("Yaels-iPhone.local"), "Yaels-iPhone");
    assert_eq!(strip_local("host.LOCAL."), "host");
    assert_eq!(strip_local("host.example"), "host.example");
    assert_eq!(strip_local("é.local"), "é");
}
