//! SSDP → observations.
//!
//! Every fact is about the frame's sender (`cx.src_mac`): a `NOTIFY` or a search answer
//! (`HTTP/1.1 200 OK`) describes the device that sends it; an `M-SEARCH` describes the
//! control point that searches (a client), never the devices it searches for.
//!
//! Announcements and answers give the section attributes `server`, `location`, `usn`,
//! `uuid` (the root device's, from the `upnp:rootdevice` announcement or answer),
//! `nt` / `st` (the type in the latest message), `max_age` and `bootid`; searches give
//! `user_agent` and `search_targets`. Attributes keep their latest value, so each
//! advertised type is also kept as a [`Service`] (type, device UUID, LOCATION port, and
//! the SERVER and LOCATION that came with it): one host often runs several UPnP stacks
//! (a router's IGD, its WPS device and HNAP, each with its own SERVER and LOCATION), and
//! the services keep all of them. `ssdp:byebye` only says the sender is present.
//!
//! LOCATION is kept exactly as sent (a later stage watches TCP streams to it). Its host
//! is never bound to the sender: an address that differs from the packet's source
//! belongs to another interface or another host.
//!
//! A SERVER of the form `<os>/<ver> UPnP/1.x <product>/<ver>` whose product is a model
//! (`ipos/7.0 UPnP/1.0 TL-WDR3600/1.0`, `Linux, UPnP/1.0 DCS-935L/1.0`) gives the model:
//! see [`server_model`]. The version after it is not kept as a fact: TP-Link's ipos and
//! vxWorks stacks put the hardware version there, other vendors a firmware version, and
//! the SERVER string itself stays in the section for rules that know which is which.

use super::text::{MAX_TEXT_LEN, clean};
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Service};
use crate::mac::MacAddr;
use crate::wire::WireError;
use crate::wire::ssdp::{self, Message, Method, Nts, SsdpRepr, Start};

/// Parses an SSDP datagram and records what it says about its sender. A message whose
/// header lines were partly unreadable, too many or cut short is reported after the
/// facts from its good lines are recorded.
///
/// Port 1900 is SSDP's, but the other side of a unicast datagram can be an ephemeral
/// port that happens to be 1900: a payload that is not HTTP-shaped counts as malformed
/// only when it was sent to an SSDP multicast group.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = match ssdp::parse(payload) {
        Ok(m) => m,
        Err(e) if looks_like_http(payload) || cx.dst_ip.is_some_and(ssdp::is_ssdp_group) => return Err(e),
        Err(_) => return Ok(()),
    };
    if let Some(mac) = cx.src_mac {
        observe(cx, mac, &m, out);
    }
    if m.cut {
        Err(WireError::Truncated { needed: payload.len() + 1, got: payload.len() })
    } else if m.too_many_headers {
        Err(WireError::Invalid("SSDP header count"))
    } else if m.skipped_lines > 0 {
        Err(WireError::Invalid("SSDP header line"))
    } else {
        Ok(())
    }
}

/// A start line's first word: a method token followed by a space, or `HTTP/`.
fn looks_like_http(b: &[u8]) -> bool {
    let b = &b[b.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(b.len())..];
    let word = b.iter().position(|&c| c == b' ').map_or(b, |i| &b[..i]);
    let method = b.len() > word.len() && !word.is_empty() && word.iter().all(|&c| c.is_ascii_uppercase() || c == b'-');
    method || b.starts_with(b"HTTP/")
}

/// Records the facts of one parsed message about `mac`, its sender.
pub fn observe(cx: &Context, mac: MacAddr, m: &Message<'_>, out: &mut Vec<Observation>) {
    let r = SsdpRepr::parse(m);
    out.push(cx.obs(mac, Protocol::Ssdp, Fact::Present));
    match m.start {
        Start::Request { method: Method::Notify, .. } => match r.nts {
            Some(Nts::ByeBye) => {}
            Some(Nts::Update) => describe(cx, mac, &r, Kind::Update, out),
            _ => describe(cx, mac, &r, Kind::Alive, out),
        },
        Start::Request { method: Method::MSearch, .. } => {
            let mut push = |key, v: AttrValue| out.push(cx.obs(mac, Protocol::Ssdp, Fact::Attr(key, v)));
            if let Some(ua) = text(r.user_agent) {
                push("user_agent", ua.into());
            }
            if let Some(st) = text(r.st) {
                push("search_targets", AttrValue::List(vec![st]));
            }
        }
        Start::Response { code: 200, .. } => describe(cx, mac, &r, Kind::Answer, out),
        _ => {}
    }
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Kind {
    /// `NOTIFY ssdp:alive` (or an NTS this module does not know).
    Alive,
    /// `NOTIFY ssdp:update`: a new boot id; its types were announced by `ssdp:alive`.
    Update,
    /// `HTTP/1.1 200 OK` to a search.
    Answer,
}

/// Facts from a device describing itself.
fn describe(cx: &Context, mac: MacAddr, r: &SsdpRepr<'_>, kind: Kind, out: &mut Vec<Observation>) {
    let mut push = |fact| out.push(cx.obs(mac, Protocol::Ssdp, fact));
    let attr = |key, v: AttrValue| Fact::Attr(key, v);
    let (target_key, target) = if kind == Kind::Answer { ("st", r.st) } else { ("nt", r.nt) };
    let server = text(r.server);
    let location = r.location.filter(|l| l.len() <= MAX_TEXT_LEN).and_then(|l| text(Some(l)));
    let target = text(target);
    if let Some(s) = &server {
        push(attr("server", s.clone().into()));
        if let Some(model) = server_model(s) {
            push(Fact::Model(model.to_string()));
        }
    }
    if let Some(l) = &location {
        push(attr("location", l.clone().into()));
    }
    if let Some(usn) = text(r.usn) {
        push(attr("usn", usn.into()));
    }
    let device = r.usn.and_then(device_id);
    if target.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("upnp:rootdevice")) {
        if let Some(uuid) = r.usn.and_then(ssdp::usn_uuid).and_then(|u| text(Some(u))) {
            push(attr("uuid", uuid.into()));
        }
    }
    if let Some(t) = &target {
        push(attr(target_key, AttrValue::List(vec![t.clone()])));
    }
    if let Some(age) = r.max_age {
        push(attr("max_age", AttrValue::Int(age.into())));
    }
    let bootid = if kind == Kind::Update { r.next_bootid } else { r.bootid };
    if let Some(b) = bootid {
        push(attr("bootid", AttrValue::Int(b.into())));
    }
    // A `uuid:…` type names the device itself: its UUID is already the service's name.
    let Some(t) = target.filter(|t| kind != Kind::Update && !t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("uuid:")))
    else {
        return;
    };
    let mut txt = Vec::new();
    txt.extend(server.map(|s| ("server".to_string(), s)));
    txt.extend(location.clone().map(|l| ("location".to_string(), l)));
    let port = location.as_deref().and_then(|l| ssdp::url_host_port(l.as_bytes())).map(|(_, p)| p);
    push(Fact::Service(Service { kind: t, name: device.unwrap_or_default(), port, txt }));
}

/// Longest product token taken as a model (the longest real one seen is `TL-XDR6030`
/// followed by an edition; model names are short).
pub const MAX_MODEL_LEN: usize = 32;

/// Product tokens of generic UPnP stacks and of DLNA, not of a device (lowercase
/// substrings): `MiniUPnPd`, `Portable SDK for UPnP devices`, `UPnP-Device-Host`,
/// `UPnP Stack`, `libupnp`, `Intel SDK`, `DLNADOC`, Broadcom's `BRCM400`.
const STACK_WORDS: [&str; 5] = ["upnp", "sdk", "stack", "dlna", "brcm"];

/// The model a SERVER names as its product, when it looks like one. Conservative: after
/// the last `UPnP/1.x` (and an optional comma) there must be exactly one `<product>/<ver>`
/// ending the string, the version digits and dots (`1.0`, `V2`); the product printable
/// ASCII of at most [`MAX_MODEL_LEN`] bytes, one or two words of letters, digits and
/// `-_.+()`, starting with a letter, holding a letter and a digit (`IpBridge`, `Sonos`,
/// `Unspecified` are names, not models), and no stack word ([`STACK_WORDS`]). A product
/// in another encoding (GBK `TL-XDR6030易展版` read as lossy UTF-8) gives no model.
pub fn server_model(server: &str) -> Option<&str> {
    let lower = server.to_ascii_lowercase();
    let word_start = |i: usize| i == 0 || matches!(lower.as_bytes()[i - 1], b' ' | b'\t' | b',');
    let at = lower.rmatch_indices("upnp/1.").map(|(i, _)| i).find(|&i| word_start(i))?;
    let rest = server.get(at + "upnp/1.".len()..)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix(',').unwrap_or(rest);
    if !rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let (product, version) = rest.trim().rsplit_once('/')?;
    let product = product.trim();
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let version_ok = version.len() <= 16 && version.starts_with(|c: char| c.is_ascii_digit()) && version.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let chars_ok = product.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.+() ".contains(&b));
    let words = product.split(' ').count();
    let lowered = product.to_ascii_lowercase();
    let model = version_ok
        && chars_ok
        && product.len() <= MAX_MODEL_LEN
        && words <= 2
        && !product.contains("  ")
        && product.starts_with(|c: char| c.is_ascii_alphabetic())
        && product.bytes().any(|b| b.is_ascii_digit())
        && !STACK_WORDS.iter().any(|w| lowered.contains(w));
    model.then_some(product)
}

/// The device a USN names: its UUID, or for a USN without `uuid:` the part before `::`.
fn device_id(usn: &[u8]) -> Option<String> {
    let id = ssdp::usn_uuid(usn).unwrap_or_else(|| {
        let end = usn.windows(2).position(|w| w == b"::").unwrap_or(usn.len());
        &usn[..end]
    });
    text(Some(id))
}

/// A header value as display text, when it has any.
fn text(v: Option<&[u8]>) -> Option<String> {
    v.map(clean).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;
    use crate::timestamp::Timestamp;

    const ROUTER: MacAddr = MacAddr([0xa4, 0x1a, 0x3a, 0x91, 0xa4, 0x8d]);

    fn cx(src_port: u16, dst: IpAddr, dst_port: u16) -> Context {
        Context {
            src_mac: Some(ROUTER),
            src_ip: Some(IpAddr::V4(Ipv4Addr::new(10, 25, 16, 5))),
            dst_ip: Some(dst),
            src_port,
            dst_port,
            ..Context::at(Timestamp(7))
        }
    }

    fn multicast() -> Context {
        cx(1900, IpAddr::V4(ssdp::MULTICAST_V4), 1900)
    }

    fn facts(c: &Context, payload: &[u8]) -> (Vec<Fact>, Outcome) {
        let mut out = Vec::new();
        let r = handle(c, payload, &mut out);
        assert!(out.iter().all(|o| o.mac == ROUTER && o.protocol == Protocol::Ssdp && o.ts == c.ts));
        (out.into_iter().map(|o| o.fact).collect(), r)
    }

    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }

    fn list(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::List(vec![v.into()]))
    }

    const SERVER_GBK: &[u8] = b"vxWorks/5.5 UPnP/1.0 TL-XDR6030\xd2\xd7\xd5\xb9\xb0\xe6/2.0";

    fn alive(nt: &str, usn: &str) -> Vec<u8> {
        let mut b = b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=60\r\nLOCATION: http://10.25.16.5:1900/igd.xml\r\n".to_vec();
        b.extend(format!("NT: {nt}\r\nNTS: ssdp:alive\r\nSERVER: ").as_bytes());
        b.extend(SERVER_GBK);
        b.extend(format!("\r\nUSN: {usn}\r\nBOOTID.UPNP.ORG: 3\r\n\r\n").as_bytes());
        b
    }

    /// Lossy UTF-8 of the GBK bytes: `d2 d7` and `b0 e6` are invalid, `d5 b9` happens to be
    /// U+0579 (Armenian).
    const GBK_CLEAN: &str = "vxWorks/5.5 UPnP/1.0 TL-XDR6030\u{fffd}\u{fffd}\u{579}\u{fffd}\u{fffd}/2.0";
    const UUID: &str = "8c15e41f-3d83-41c1-b35d-0DB393380D24";

    #[test]
    fn rootdevice_alive() {
        let (f, r) = facts(&multicast(), &alive("upnp:rootdevice", &format!("uuid:{UUID}::upnp:rootdevice")));
        assert_eq!(r, Ok(()));
        assert_eq!(
            f,
            vec![
                Fact::Present,
                text("server", GBK_CLEAN),
                text("location", "http://10.25.16.5:1900/igd.xml"),
                text("usn", &format!("uuid:{UUID}::upnp:rootdevice")),
                text("uuid", UUID),
                list("nt", "upnp:rootdevice"),
                Fact::Attr("max_age", AttrValue::Int(60)),
                Fact::Attr("bootid", AttrValue::Int(3)),
                Fact::Service(Service {
                    kind: "upnp:rootdevice".into(),
                    name: UUID.into(),
                    port: Some(1900),
                    txt: vec![
                        ("server".into(), GBK_CLEAN.into()),
                        ("location".into(), "http://10.25.16.5:1900/igd.xml".into())
                    ],
                }),
            ]
        );
    }

    #[test]
    fn device_type_alive_has_no_root_uuid() {
        let igd = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
        let (f, _) = facts(&multicast(), &alive(igd, &format!("uuid:{UUID}::{igd}")));
        assert!(!f.iter().any(|x| matches!(x, Fact::Attr("uuid", _))));
        assert!(f.contains(&list("nt", igd)));
        assert!(f.iter().any(|x| matches!(x, Fact::Service(s) if s.kind == igd && s.name == UUID)));
    }

    #[test]
    fn uuid_nt_gives_no_service() {
        let u = format!("uuid:{UUID}");
        let (f, _) = facts(&multicast(), &alive(&u, &u));
        assert!(f.contains(&list("nt", &u)));
        assert!(!f.iter().any(|x| matches!(x, Fact::Service(_))));
    }

    #[test]
    fn byebye_is_presence_only() {
        let b = b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\nUSN: uuid:x::upnp:rootdevice\r\n\r\n";
        assert_eq!(facts(&multicast(), b), (vec![Fact::Present], Ok(())));
    }

    #[test]
    fn update_records_the_next_boot_id() {
        let b = b"NOTIFY * HTTP/1.1\r\nLOCATION: http://10.25.16.5:1900/igd.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:update\r\nUSN: uuid:r::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 7\r\nNEXTBOOTID.UPNP.ORG: 8\r\n\r\n";
        let (f, r) = facts(&multicast(), b);
        assert_eq!(r, Ok(()));
        assert_eq!(
            f,
            vec![
                Fact::Present,
                text("location", "http://10.25.16.5:1900/igd.xml"),
                text("usn", "uuid:r::upnp:rootdevice"),
                text("uuid", "r"),
                list("nt", "upnp:rootdevice"),
                Fact::Attr("bootid", AttrValue::Int(8)),
            ]
        );
    }

    #[test]
    fn search_answer_to_an_ephemeral_port() {
        let b = b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=100\r\nEXT:\r\nLOCATION: http://192.168.1.141:80/description.xml\r\nSERVER: Hue/1.0 UPnP/1.0 IpBridge/1.57.0\r\nST: urn:schemas-upnp-org:device:basic:1\r\nUSN: uuid:2f402f80-da50-11e1-9b23-00178874c2dc\r\n\r\n";
        let c = cx(1900, "10.25.16.9".parse().unwrap(), 50123);
        let (f, r) = facts(&c, b);
        assert_eq!(r, Ok(()));
        assert_eq!(
            f,
            vec![
                Fact::Present,
                text("server", "Hue/1.0 UPnP/1.0 IpBridge/1.57.0"),
                text("location", "http://192.168.1.141:80/description.xml"),
                text("usn", "uuid:2f402f80-da50-11e1-9b23-00178874c2dc"),
                list("st", "urn:schemas-upnp-org:device:basic:1"),
                Fact::Attr("max_age", AttrValue::Int(100)),
                Fact::Service(Service {
                    kind: "urn:schemas-upnp-org:device:basic:1".into(),
                    name: "2f402f80-da50-11e1-9b23-00178874c2dc".into(),
                    port: Some(80),
                    txt: vec![
                        ("server".into(), "Hue/1.0 UPnP/1.0 IpBridge/1.57.0".into()),
                        ("location".into(), "http://192.168.1.141:80/description.xml".into())
                    ],
                }),
            ]
        );
    }

    #[test]
    fn other_responses_are_presence_only() {
        let b = b"HTTP/1.1 404 Not Found\r\nSERVER: x\r\n\r\n";
        assert_eq!(facts(&multicast(), b), (vec![Fact::Present], Ok(())));
    }

    #[test]
    fn msearch_describes_the_control_point() {
        let b = b"M-SEARCH * HTTP/1.1\r\nHOST: [FF02::C]:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Google Chrome/86.0.4240.198 Windows\r\nSERVER: ignored\r\n\r\n";
        let c = cx(50000, IpAddr::V6(ssdp::MULTICAST_V6_LINK), 1900);
        assert_eq!(
            facts(&c, b),
            (
                vec![
                    Fact::Present,
                    text("user_agent", "Google Chrome/86.0.4240.198 Windows"),
                    list("search_targets", "urn:dial-multiscreen-org:service:dial:1"),
                ],
                Ok(())
            )
        );
    }

    #[test]
    fn usn_without_uuid_names_the_service() {
        let b = b"NOTIFY * HTTP/1.1\r\nNT: smp:server\r\nNTS: ssdp:alive\r\nUSN: unique:id\r\n\r\n";
        let (f, _) = facts(&multicast(), b);
        let svc = Service { kind: "smp:server".into(), name: "unique:id".into(), port: None, txt: vec![] };
        assert_eq!(f, vec![Fact::Present, text("usn", "unique:id"), list("nt", "smp:server"), Fact::Service(svc)]);
    }

    #[test]
    fn overlong_location_is_not_kept() {
        let long = format!("http://10.0.0.1/{}", "a".repeat(MAX_TEXT_LEN));
        let b = format!("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nLOCATION: {long}\r\n\r\n");
        let (f, _) = facts(&multicast(), b.as_bytes());
        assert!(!f.iter().any(|x| matches!(x, Fact::Attr("location", _))));
        assert!(f.iter().any(|x| matches!(x, Fact::Service(s) if s.port.is_none() && s.txt.is_empty())));
    }

    #[test]
    fn damaged_messages_keep_their_good_lines() {
        // Cut by the snapshot length: the last line is dropped, the rest kept.
        let b = b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nCACHE-CONTROL: max-age=100\r\nLOCATION: http://192.168.1.141:80";
        let (f, r) = facts(&multicast(), b);
        assert_eq!(r, Err(WireError::Truncated { needed: b.len() + 1, got: b.len() }));
        assert_eq!(f, vec![Fact::Present, Fact::Attr("max_age", AttrValue::Int(100))]);
        // An unreadable line.
        let b = b"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nnonsense\r\nSERVER: s\r\n\r\n";
        let (f, r) = facts(&multicast(), b);
        assert_eq!(r, Err(WireError::Invalid("SSDP header line")));
        assert_eq!(f, vec![Fact::Present, text("server", "s")]);
        // Too many headers.
        let mut b = b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n".to_vec();
        for i in 0..ssdp::MAX_HEADERS {
            b.extend(format!("X-{i}: y\r\n").as_bytes());
        }
        let (f, r) = facts(&multicast(), &b);
        assert_eq!(r, Err(WireError::Invalid("SSDP header count")));
        assert_eq!(f, vec![Fact::Present, list("search_targets", "ssdp:all")]);
    }

    #[test]
    fn non_http_payloads() {
        // To the SSDP group: SSDP that failed, counted.
        let (f, r) = facts(&multicast(), b"\x16\x03\x01\x00\x05hello");
        assert!(f.is_empty() && r.is_err());
        // Unicast from an ephemeral port that happens to be 1900: not SSDP at all.
        let c = cx(1900, "8.8.4.4".parse().unwrap(), 443);
        assert_eq!(facts(&c, b"\xc3\x00\x00\x00\x01\x08"), (vec![], Ok(())));
        assert_eq!(facts(&c, b""), (vec![], Ok(())));
        // Unicast, HTTP-shaped but broken: counted.
        assert!(facts(&c, b"NOTIFY * HTTP/9.9\r\n\r\n").1.is_err());
        assert!(facts(&c, b"HTTP/1.1 200").1.is_err());
        assert!(looks_like_http(b"\r\nM-SEARCH * HTTP/1.1"));
        assert!(!looks_like_http(b"NOTIFY"));
        assert!(!looks_like_http(b" x"));
    }

    /// Every SSDP SERVER of the real corpus (`tshark -Y ssdp -T fields -e http.server` over
    /// ../shared/captures/real), then common ones from other devices: which name a model.
    #[test]
    fn server_models_from_real_servers() {
        for (server, want) in [
            ("ipos/7.0 UPnP/1.0 TL-WDR3600/1.0", Some("TL-WDR3600")),
            ("Linux,    UPnP/1.0 DCS-935L/1.0", Some("DCS-935L")),
            (GBK_CLEAN, None),
            ("Unspecified, UPnP/1.0, Unspecified", None),
            ("UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6", None),
            ("UPnP/1.0 UPnP/1.0 UPnP-Device-Host/1.0", None),
            ("POSIX, UPnP/1.0 UPnP Stack/1.2.0.0 (BROADCOM INTERNAL)", None),
            ("Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0", None),
            ("Hue/1.0 UPnP/1.0 IpBridge/1.57.0", None),
            ("Linux/2.6.21, UPnP/1.0, Portable SDK for UPnP devices/1.6.18", None),
            ("Embedded UPnP/1.0", None),
            ("Cellvision UPnP/1.0", None),
            // not in the corpus
            ("ipos/7.0 UPnP/1.0 TL-WR841N/9.0", Some("TL-WR841N")),
            ("Linux/3.3.8 UPnP/1.0 Archer C6/2.0", Some("Archer C6")),
            ("vxWorks/5.5 UPnP/1.0 TL-WR940N/V4", Some("TL-WR940N")),
            ("Linux/2.6.36, UPnP/1.0, T1600G-28TS/3.0", Some("T1600G-28TS")),
            ("Linux/2.x UPnP/1.0 Avtech/1.0", None),
            ("Linux/2.6 UPnP/1.0 BRCM400/1.0", None),
            ("Linux/2.6.35 UPnP/1.0 DLNADOC/1.50 Platinum/1.0.4.2", None),
            ("Linux/4.9 UPnP/1.1 MiniUPnPd/2.1", None),
            ("Linux UPnP/1.0 Sonos/57.3-79200 (ZPS9)", None),
            ("Linux/3.0 UPnP/1.0 libupnp1/1.6", None),
            ("Linux/3.0 UPnP/1.0 Router 2 Model 3/1.0", None),
            ("Linux/3.0 UPnP/1.0 2WIRE/1.0", None),
            ("Linux/3.0 UPnP/1.0 TL-WR841N/9.x", None),
            ("Linux/3.0 XUPnP/1.0 TL-WR841N/9.0", None),
            ("Linux/3.0 UPnP/1.0TL-WR841N/9.0", None),
            ("Linux/3.0 UPnP/1.0 ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/1.0", None),
            ("UPnP/1.0", None),
            ("", None),
        ] {
            assert_eq!(server_model(server), want, "{server:?}");
        }
    }

    #[test]
    fn server_naming_a_model_gives_the_model() {
        let b = b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: ipos/7.0 UPnP/1.0 TL-WDR3600/1.0\r\nUSN: uuid:r::upnp:rootdevice\r\n\r\n";
        let (f, r) = facts(&multicast(), b);
        assert_eq!(r, Ok(()));
        assert_eq!(f[..3], [Fact::Present, text("server", "ipos/7.0 UPnP/1.0 TL-WDR3600/1.0"), Fact::Model("TL-WDR3600".into())]);
        // A search answer too; a search never (its SERVER, if any, is the control point's).
        let b = b"HTTP/1.1 200 OK\r\nSERVER: Linux/3.3.8 UPnP/1.0 Archer C6/2.0\r\nST: upnp:rootdevice\r\nUSN: uuid:r\r\n\r\n";
        assert!(facts(&multicast(), b).0.contains(&Fact::Model("Archer C6".into())));
        let b = b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\nSERVER: ipos/7.0 UPnP/1.0 TL-WDR3600/1.0\r\n\r\n";
        assert!(!facts(&multicast(), b).0.iter().any(|x| matches!(x, Fact::Model(_))));
    }

    /// The SERVER's model is the weakest claim: any other source replaces it, it replaces none.
    #[test]
    fn server_model_ranks_below_every_other_source() {
        use crate::inventory::{Inventory, Limits};
        for other in [Protocol::Upnp, Protocol::Tplink5001, Protocol::Mdns, Protocol::Dhcp] {
            for ssdp_first in [true, false] {
                let mut inv = Inventory::new(Limits::default());
                let mut claims = [(Protocol::Ssdp, "TL-WDR3600"), (other, "TL-WDR3600 v1")];
                if !ssdp_first {
                    claims.reverse();
                }
                for (i, (p, m)) in claims.into_iter().enumerate() {
                    inv.apply(&Observation { ts: Timestamp(i as i64), mac: ROUTER, protocol: p, fact: Fact::Model(m.into()) });
                }
                let model = inv.get(&ROUTER).and_then(|d| d.model.clone()).unwrap();
                assert_eq!((model.value.as_str(), model.source), ("TL-WDR3600 v1", other), "{other:?}, ssdp first: {ssdp_first}");
            }
            // The same model told by SSDP first: the better source is the one kept, with the
            // first sighting.
            let mut inv = Inventory::new(Limits::default());
            for (i, p) in [Protocol::Ssdp, other, Protocol::Ssdp].into_iter().enumerate() {
                inv.apply(&Observation { ts: Timestamp(i as i64), mac: ROUTER, protocol: p, fact: Fact::Model("TL-WDR3600".into()) });
            }
            let model = inv.get(&ROUTER).and_then(|d| d.model.clone()).unwrap();
            assert_eq!((model.source, model.first_seen), (other, Timestamp(0)), "{other:?}");
        }
    }

    #[test]
    fn no_source_mac_no_facts_but_outcome_kept() {
        let mut c = multicast();
        c.src_mac = None;
        let mut out = Vec::new();
        assert_eq!(handle(&c, b"NOTIFY * HTTP/1.1\r\nbad\r\n\r\n", &mut out), Err(WireError::Invalid("SSDP header line")));
        assert!(out.is_empty());
    }
}
