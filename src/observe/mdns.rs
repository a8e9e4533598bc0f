//! mDNS / DNS-SD (UDP 5353) → observations, all about the sender (`cx.src_mac`).
//!
//! Which records speak for the sender: every section of a response. A query's answer
//! section lists what the asker already knows about *other* hosts (known-answer
//! suppression, RFC 6762 §7.1); its authority section holds a probe's proposed records
//! (§8.2), which the host announces in a response once it has won them, and which it
//! drops for another name when it loses (real Android phones probe `Android.local`
//! before settling on their own name). Queries therefore give only `Fact::Present`.
//!
//! Hosts: A/AAAA records are grouped by owner name. A host is the sender's own when
//! the packet's source address is among that host's addresses of the same family; its
//! name (without `.local`) and all its addresses are then bound to the sender.
//! Otherwise the sender speaks for someone else: a Bonjour Sleep Proxy answers for the
//! sleeping Mac it stands in for, and buggy responders re-announce stale cache entries.
//! Nothing is kept about such a host, not even a note: the packet does not say which
//! MAC owns those records (the proxy's frames carry its own), so any fact would land on
//! the wrong device, and `Note::ClaimedMac` needs a MAC this packet does not have. A
//! host whose addresses are all of the other family (an IPv4 packet carrying only AAAA
//! records) is the sender's when one of its IPv6 addresses is the EUI-64 form of the
//! frame's MAC; otherwise it cannot be checked and is not bound (the same device's
//! packets of the other family usually bind it).
//!
//! Services: PTR targets, SRV and TXT records named `Instance._type._tcp|_udp.domain`
//! give `Fact::Service` (type, instance name as UTF-8, SRV port, TXT key/values). A
//! service whose SRV target is a host that is not the sender's is skipped; so is a
//! service without an SRV target in a packet that carries some other host's records.
//!
//! TXT keys that name the device ([`TXT_ATTRS`]) become `mdns` attributes, and the first
//! of [`MODEL_KEYS`] whose value looks like a model becomes `Fact::Model`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::text::clean;
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Service};
use crate::mac::MacAddr;
use crate::wire::dns::{self, DnsName, Message, RData, Record};

/// Key/value pairs kept per service from its TXT record. DNS-SD records carry a dozen
/// or two; the wire parser already stops at `MAX_TXT_STRINGS`.
pub const MAX_SERVICE_TXT: usize = 32;

/// TXT keys (compared case-insensitively, RFC 6763 §6.4) kept as `mdns` attributes,
/// with their attribute names. `md` (Google Cast, HomeKit), `model` (Apple
/// `_device-info`, AirPlay), `ty`/`usb_MDL`/`usb_MFG` (IPP printers, RFC 6763 and the
/// Bonjour printing spec), `manufacturer`/`mfg`; also `modelid` (Philips Hue) and
/// `model_number` (D-Link HNAP), seen in the real captures.
pub const TXT_ATTRS: [(&str, &str); 9] = [
    ("model", "model"),
    ("md", "md"),
    ("ty", "ty"),
    ("usb_mdl", "usb_mdl"),
    ("usb_mfg", "usb_mfg"),
    ("manufacturer", "manufacturer"),
    ("mfg", "mfg"),
    ("modelid", "modelid"),
    ("model_number", "model_number"),
];

/// TXT keys that carry a model name, most specific first.
pub const MODEL_KEYS: [&str; 6] = ["md", "model", "ty", "usb_mdl", "modelid", "model_number"];

/// Longest value taken as a model name.
const MAX_MODEL_LEN: usize = 64;

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = dns::parse(payload)?;
    observe(cx, &m, out);
    match m.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// An A/AAAA owner name and the addresses the packet gives it.
struct Host<'m> {
    name: &'m DnsName,
    v4: Vec<Ipv4Addr>,
    v6: Vec<Ipv6Addr>,
}

impl Host<'_> {
    /// The packet's source address is one of the host's own; or, when the host has no
    /// address of the source's family to compare, one of its IPv6 addresses carries
    /// the frame's MAC as its modified EUI-64 interface identifier (RFC 4291 App. A).
    fn is_sender(&self, src: Option<IpAddr>, mac: MacAddr) -> bool {
        match src {
            Some(IpAddr::V4(a)) if !self.v4.is_empty() => self.v4.contains(&a),
            Some(IpAddr::V6(a)) if !self.v6.is_empty() => self.v6.contains(&a),
            Some(_) => self.v6.iter().any(|a| eui64_of(a, mac)),
            None => false,
        }
    }
}

/// Whether the interface identifier of `a` is the modified EUI-64 form of `mac`.
fn eui64_of(a: &Ipv6Addr, mac: MacAddr) -> bool {
    let o = a.octets();
    let m = mac.0;
    o[8..16] == [m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]
}

/// A DNS-SD service instance assembled from the records of one message.
struct Instance<'m> {
    service: Service,
    target: Option<&'m DnsName>,
}

pub fn observe(cx: &Context, m: &Message, out: &mut Vec<Observation>) {
    let Some(mac) = cx.src_mac else { return };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(mac, Protocol::Mdns, fact));
    push(out, Fact::Present);
    if !m.is_response() {
        return;
    }
    let records: Vec<&Record> = m.records.iter().collect();

    let hosts = hosts(&records);
    let (mine, foreign): (Vec<&Host>, Vec<&Host>) = hosts.iter().partition(|h| h.is_sender(cx.src_ip, mac));
    for h in &mine {
        let name = host_name(h.name);
        if !name.is_empty() {
            push(out, Fact::Hostname(name));
        }
        for a in h.v4.iter().filter(|a| usable_v4(**a)) {
            push(out, Fact::Ipv4(*a));
        }
        for a in h.v6.iter().filter(|a| usable_v6(**a)) {
            push(out, Fact::Ipv6(*a));
        }
    }

    let is_foreign = |t: &DnsName| foreign.iter().any(|h| h.name.eq_ignore_ascii_case(t));
    let mut model_seen = false;
    for inst in instances(&records) {
        let keep = match inst.target {
            Some(t) => !is_foreign(t),
            None => foreign.is_empty(),
        };
        if !keep {
            continue;
        }
        let txt = &inst.service.txt;
        for (key, attr) in TXT_ATTRS {
            if let Some(v) = txt_value(txt, key).filter(|v| !v.is_empty()) {
                push(out, Fact::Attr(attr, AttrValue::Text(v.to_string())));
            }
        }
        if !model_seen {
            if let Some(v) = MODEL_KEYS.iter().find_map(|key| txt_value(txt, key).filter(|v| looks_like_model(v))) {
                push(out, Fact::Model(v.to_string()));
                model_seen = true;
            }
        }
        push(out, Fact::Service(inst.service));
    }
}

/// A/AAAA records grouped by owner name (case-insensitive), in order of appearance.
fn hosts<'m>(records: &[&'m Record]) -> Vec<Host<'m>> {
    let mut hosts: Vec<Host<'m>> = Vec::new();
    for r in records {
        let (v4, v6) = match r.data {
            RData::A(a) => (Some(a), None),
            RData::Aaaa(a) => (None, Some(a)),
            _ => continue,
        };
        let i = match hosts.iter().position(|h| h.name.eq_ignore_ascii_case(&r.name)) {
            Some(i) => i,
            None => {
                hosts.push(Host { name: &r.name, v4: Vec::new(), v6: Vec::new() });
                hosts.len() - 1
            }
        };
        let h = &mut hosts[i];
        if let Some(a) = v4.filter(|a| !h.v4.contains(a)) {
            h.v4.push(a);
        }
        if let Some(a) = v6.filter(|a| !h.v6.contains(a)) {
            h.v6.push(a);
        }
    }
    hosts
}

/// `Yaels-iPhone.local` → `Yaels-iPhone`.
fn host_name(n: &DnsName) -> String {
    let labels = n.labels();
    let labels = if n.ends_with(&["local"]) { &labels[..labels.len() - 1] } else { labels };
    clean(DnsName::from_labels(labels).to_text().as_bytes())
}

/// Splits `Instance._type._tcp.domain` into the instance label and `_type._tcp`
/// (lowercased). Service type names (`_ipp._tcp.local`), subtype names and anything
/// with more than one label before the type are not instances.
fn split_instance(n: &DnsName) -> Option<(String, String)> {
    let l = n.labels();
    let proto = l.get(2)?;
    let svc = &l[1];
    let is_proto = proto.eq_ignore_ascii_case(b"_tcp") || proto.eq_ignore_ascii_case(b"_udp");
    if !is_proto || !svc.starts_with(b"_") || l[0].starts_with(b"_") {
        return None;
    }
    let instance = clean(&l[0]);
    if instance.is_empty() {
        return None;
    }
    let kind = format!("{}.{}", String::from_utf8_lossy(svc), String::from_utf8_lossy(proto)).to_ascii_lowercase();
    Some((instance, clean(kind.as_bytes())))
}

/// TXT character-strings as key/value pairs: the first occurrence of a key wins, a
/// string without `=` is a key with an empty value, one starting with `=` is ignored
/// (RFC 6763 §6.4).
fn txt_pairs(strings: &[Vec<u8>]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for s in strings {
        if pairs.len() == MAX_SERVICE_TXT {
            break;
        }
        let (k, v) = match s.iter().position(|&b| b == b'=') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (&s[..], &[][..]),
        };
        let k = clean(k);
        if k.is_empty() || pairs.iter().any(|(x, _)| x.eq_ignore_ascii_case(&k)) {
            continue;
        }
        pairs.push((k, clean(v)));
    }
    pairs
}

/// The value of a TXT key (case-insensitive).
fn txt_value<'t>(txt: &'t [(String, String)], key: &str) -> Option<&'t str> {
    txt.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
}

/// Service instances named by PTR targets and SRV/TXT owners, in order of appearance.
fn instances<'m>(records: &[&'m Record]) -> Vec<Instance<'m>> {
    let mut found: Vec<(&'m DnsName, Instance<'m>)> = Vec::new();
    for r in records {
        let name = match &r.data {
            RData::Ptr(target) => target,
            RData::Srv(_) | RData::Txt(_) => &r.name,
            _ => continue,
        };
        let Some((instance, kind)) = split_instance(name) else { continue };
        let i = match found.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(i) => i,
            None => {
                let service = Service { kind, name: instance, port: None, txt: Vec::new() };
                found.push((name, Instance { service, target: None }));
                found.len() - 1
            }
        };
        let inst = &mut found[i].1;
        match &r.data {
            RData::Srv(srv) => {
                inst.service.port = Some(srv.port);
                inst.target = Some(&srv.target);
            }
            RData::Txt(strings) if inst.service.txt.is_empty() => inst.service.txt = txt_pairs(strings),
            _ => {}
        }
    }
    found.into_iter().map(|(_, i)| i).collect()
}

/// A TXT value that can stand as a model name: 2–64 characters with a letter, no
/// control characters, not a placeholder.
pub fn looks_like_model(v: &str) -> bool {
    const PLACEHOLDERS: [&str; 9] =
        ["unknown", "none", "null", "n/a", "na", "default", "generic", "undefined", "model"];
    let n = v.chars().count();
    (2..=MAX_MODEL_LEN).contains(&n)
        && v.chars().any(char::is_alphabetic)
        && !v.chars().any(char::is_control)
        && !PLACEHOLDERS.iter().any(|p| v.eq_ignore_ascii_case(p))
}

/// An IPv4 address a host can own: not 0.0.0.0, broadcast, multicast or loopback.
pub(crate) fn usable_v4(a: Ipv4Addr) -> bool {
    !(a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback())
}

/// An IPv6 address a host can own: not ::, multicast or loopback.
pub(crate) fn usable_v6(a: Ipv6Addr) -> bool {
    !(a.is_unspecified() || a.is_multicast() || a.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;
    use crate::wire::dns::tests::{PRINTER_RESPONSE, unhex};

    fn mac() -> MacAddr {
        "3c:2a:f4:00:00:01".parse().unwrap()
    }

    fn cx(src: &str) -> Context {
        Context { src_mac: Some(mac()), src_ip: Some(src.parse().unwrap()), ..Context::at(Timestamp(7)) }
    }

    fn facts(cx: &Context, payload: &[u8]) -> (Vec<Fact>, Outcome) {
        let mut out = Vec::new();
        let r = handle(cx, payload, &mut out);
        assert!(out.iter().all(|o| o.mac == mac() && o.protocol == Protocol::Mdns && o.ts == Timestamp(7)));
        (out.into_iter().map(|o| o.fact).collect(), r)
    }

    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }

    fn printer_facts() -> Vec<Fact> {
        let txt = |k: &str, v: &str| (k.to_string(), v.to_string());
        vec![
            Fact::Present,
            Fact::Hostname("drucker".into()),
            Fact::Ipv4(Ipv4Addr::new(192, 168, 1, 50)),
            Fact::Ipv6("fe80::1".parse().unwrap()),
            text("ty", "HP LaserJet"),
            text("usb_mdl", "LaserJet 400"),
            Fact::Model("HP LaserJet".into()),
            Fact::Service(Service {
                kind: "_ipp._tcp".into(),
                name: "Küche".into(),
                port: Some(631),
                txt: vec![txt("txtvers", "1"), txt("ty", "HP LaserJet"), txt("usb_MDL", "LaserJet 400")],
            }),
        ]
    }

    #[test]
    fn printer_response_binds_host_service_and_model() {
        let (f, r) = facts(&cx("192.168.1.50"), &unhex(PRINTER_RESPONSE));
        assert_eq!(r, Ok(()));
        assert_eq!(f, printer_facts());
        // Sent over IPv6 from the AAAA address: the same facts.
        let (f, _) = facts(&cx("fe80::1"), &unhex(PRINTER_RESPONSE));
        assert_eq!(f, printer_facts());
    }

    #[test]
    fn sleep_proxy_answer_binds_nothing() {
        // The same records sent from another address: a proxy speaking for the printer.
        let (f, r) = facts(&cx("192.168.1.99"), &unhex(PRINTER_RESPONSE));
        assert_eq!(r, Ok(()));
        assert_eq!(f, vec![Fact::Present]);
        // Over IPv6 from an address the host does not list.
        let (f, _) = facts(&cx("fe80::99"), &unhex(PRINTER_RESPONSE));
        assert_eq!(f, vec![Fact::Present]);
    }

    #[test]
    fn queries_known_answers_and_probes_are_not_bound() {
        let mut b = unhex(PRINTER_RESPONSE);
        b[2..4].copy_from_slice(&[0, 0]); // a query; its answer/additional records are known answers
        let (f, _) = facts(&cx("192.168.1.50"), &b);
        assert_eq!(f, vec![Fact::Present]);
        // A probe: the same records in the authority section, not yet won.
        b[6..12].copy_from_slice(&[0, 0, 0, 5, 0, 0]);
        let (f, _) = facts(&cx("192.168.1.50"), &b);
        assert_eq!(f, vec![Fact::Present]);
    }

    #[test]
    fn other_family_host_binds_only_through_eui64() {
        // An AAAA-only announcement sent over IPv4 (as the SmartThings hub in
        // smart-home-firewall lan.pcap sends): the address is the modified EUI-64 form
        // of the frame's MAC 02:00:de:ad:be:ef (U/L bit flipped: 0000:deff:fead:beef).
        let b = unhex(
            "0000 8400 0000 0001 0000 0000 0168 056c6f63616c00 001c 8001 00000078 0010 fe800000000000000000defffeadbeef",
        );
        let own: MacAddr = "02:00:de:ad:be:ef".parse().unwrap();
        let c =
            Context { src_mac: Some(own), src_ip: Some("192.168.0.2".parse().unwrap()), ..Context::at(Timestamp(7)) };
        let mut out = Vec::new();
        handle(&c, &b, &mut out).unwrap();
        let f: Vec<Fact> = out.into_iter().map(|o| o.fact).collect();
        assert_eq!(
            f,
            vec![Fact::Present, Fact::Hostname("h".into()), Fact::Ipv6("fe80::deff:fead:beef".parse().unwrap())]
        );
        // From another MAC it cannot be checked and binds nothing.
        let (f, _) = facts(&cx("192.168.0.2"), &b);
        assert_eq!(f, vec![Fact::Present]);
    }

    #[test]
    fn malformed_tail_keeps_the_good_records() {
        let full = unhex(PRINTER_RESPONSE);
        // Cut inside the AAAA record: host, address, service still come out.
        let (f, r) = facts(&cx("192.168.1.50"), &full[..full.len() - 3]);
        assert!(matches!(r, Err(crate::wire::WireError::Truncated { .. })));
        assert!(f.contains(&Fact::Hostname("drucker".into())));
        assert!(f.contains(&Fact::Ipv4(Ipv4Addr::new(192, 168, 1, 50))));
        assert!(f.iter().any(|x| matches!(x, Fact::Service(s) if s.port == Some(631))));
        // Four garbage bytes on 5353 (seen in a real capture): malformed, no facts.
        let (f, r) = facts(&cx("192.168.1.50"), &[0x0a, 0xba, 0x10, 0x00]);
        assert_eq!(r, Err(crate::wire::WireError::Truncated { needed: 12, got: 4 }));
        assert!(f.is_empty());
    }

    #[test]
    fn instance_names() {
        let n = |l: &[&str]| DnsName::from_labels(l);
        assert_eq!(
            split_instance(&n(&["Office", "_IPP", "_TCP", "local"])),
            Some(("Office".into(), "_ipp._tcp".into()))
        );
        assert_eq!(
            split_instance(&n(&["a.b (2)", "_http", "_tcp", "local"])),
            Some(("a.b (2)".into(), "_http._tcp".into()))
        );
        assert_eq!(split_instance(&n(&["_ipp", "_tcp", "local"])), None);
        assert_eq!(split_instance(&n(&["_printer", "_sub", "_http", "_tcp", "local"])), None);
        assert_eq!(split_instance(&n(&["_services", "_dns-sd", "_udp", "local"])), None);
        assert_eq!(split_instance(&n(&["host", "local"])), None);
        assert_eq!(host_name(&n(&["Yaels-iPhone", "LOCAL"])), "Yaels-iPhone");
        assert_eq!(host_name(&n(&["box", "example", "com"])), "box.example.com");
    }

    #[test]
    fn txt_pairs_follow_rfc6763_and_are_bounded() {
        let s = |v: &[&[u8]]| v.iter().map(|x| x.to_vec()).collect::<Vec<_>>();
        let p = txt_pairs(&s(&[b"md=Chromecast", b"MD=second", b"=ignored", b"flag", b"", b"fn=K\xc3\xbcche"]));
        let want: Vec<(String, String)> = [("md", "Chromecast"), ("flag", ""), ("fn", "Küche")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(p, want);
        let many: Vec<Vec<u8>> = (0..MAX_SERVICE_TXT + 8).map(|i| format!("k{i}=v").into_bytes()).collect();
        assert_eq!(txt_pairs(&many).len(), MAX_SERVICE_TXT);
    }

    #[test]
    fn model_heuristic() {
        for good in ["Chromecast", "HP LaserJet 400", "AppleTV6,2", "DCS-935L", "BSB002"] {
            assert!(looks_like_model(good), "{good}");
        }
        for bad in ["", "x", "1234", "unknown", "N/A", "a\u{7}b", &"x".repeat(65)] {
            assert!(!looks_like_model(bad), "{bad}");
        }
    }

    #[test]
    fn no_source_mac_no_facts() {
        let mut out = Vec::new();
        let c = Context { src_mac: None, ..cx("192.168.1.50") };
        assert_eq!(handle(&c, &unhex(PRINTER_RESPONSE), &mut out), Ok(()));
        assert!(out.is_empty());
    }
}
