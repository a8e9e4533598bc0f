//! UPnP device descriptions fetched by other hosts: the richest identity a router gives
//! (manufacturer, model, serial, UDN). quietwire never fetches one — that would be a
//! probe — but watches the HTTP answers that cross the mirror port.
//!
//! Followed streams: the server side of any TCP segment that starts an HTTP response
//! (`HTTP/1.`), and any segment from a host:port announced in an SSDP LOCATION (so a
//! capture that starts mid-stream, or on port 1900, still works). Everything else costs
//! one 7-byte comparison. Responses are framed by Content-Length, chunked coding, or
//! connection close; keep-alive connections yield each response in turn. The facts go
//! to the server: the MAC that claimed its IPv4 address (ARP, DHCP), else the frame's
//! source MAC — never to the client that fetched it.

use std::net::IpAddr;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol, Service};
use crate::mac::MacAddr;
use crate::reassembly::{self, Reassembler, StreamKey};
use crate::timestamp::Timestamp;
use crate::wire::tcp::{FIN, RST, TcpSegment};
use crate::wire::{WireError, http, upnp};

/// Server endpoints remembered from SSDP LOCATION headers (`upnp_endpoints` when full).
pub const MAX_ENDPOINTS: usize = 4096;
/// How often idle streams are swept, in capture time.
const SWEEP_EVERY_NS: i64 = 1_000_000_000;

const HTTP_PREFIX: &[u8] = b"HTTP/1.";

/// Who a description belongs to: given the server's IP and the frame's source MAC,
/// the device (see [`attribute`]).
pub type Attribute<'a> = dyn Fn(IpAddr, Option<MacAddr>) -> Option<MacAddr> + 'a;

/// The attribution rule: the MAC that claimed the server's IPv4 address; else the
/// frame's source MAC, unless that MAC is known under other addresses (a router
/// forwarding the answer of a server on another segment: then nobody).
pub fn attribute(owner: Option<MacAddr>, frame_src: Option<MacAddr>, src_known_elsewhere: bool) -> Option<MacAddr> {
    owner.or(frame_src.filter(|_| !src_known_elsewhere))
}

#[derive(Clone, Copy, Debug)]
struct Meta {
    /// The server's frame source MAC, for attribution when its IP is unknown.
    src_mac: Option<MacAddr>,
}

/// One bit per TCP port: a cheap first test before any hashing on the per-segment path.
#[derive(Debug)]
struct PortSet(Box<[u64; 1024]>);

impl PortSet {
    fn new() -> PortSet {
        PortSet(Box::new([0; 1024]))
    }
    fn insert(&mut self, p: u16) {
        self.0[(p >> 6) as usize] |= 1 << (p & 63);
    }
    fn contains(&self, p: u16) -> bool {
        self.0[(p >> 6) as usize] & (1 << (p & 63)) != 0
    }
}

#[derive(Debug)]
pub struct Tracker {
    reasm: Reassembler,
    /// Server ports that ever had a followed stream or an announcement (never cleared: a
    /// stale bit costs one hash lookup, a missing one would lose a stream).
    followed_ports: PortSet,
    announced_ports: PortSet,
    meta: FxHashMap<StreamKey, Meta>,
    endpoints: FxHashSet<(IpAddr, u16)>,
    endpoints_full: u64,
    last_sweep: Timestamp,
    /// Descriptions decoded so far.
    pub descriptions: u64,
    /// Descriptions whose server could not be tied to a MAC.
    pub unattributed: u64,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new(reassembly::Limits::default())
    }
}

/// Host and port of an `http://` URL whose host is an IP literal.
pub fn endpoint_of(url: &str) -> Option<(IpAddr, u16)> {
    let rest = url.trim().strip_prefix("http://").or_else(|| url.trim().strip_prefix("HTTP://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let ip: IpAddr = host.parse().ok()?;
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => 80,
    };
    Some((ip, port))
}

fn text(v: &Option<String>) -> Option<AttrValue> {
    v.as_ref().map(|s| AttrValue::Text(super::text::clean(s.as_bytes())))
}

/// Observations from one decoded description, about `mac`.
fn describe(ts: Timestamp, mac: MacAddr, d: &upnp::Description, out: &mut Vec<Observation>) {
    let obs = |fact| Observation { ts, mac, protocol: Protocol::Upnp, fact };
    let Some(root) = d.devices.first() else { return };
    let fields: [(&'static str, &Option<String>); 10] = [
        ("device_type", &root.device_type),
        ("friendly_name", &root.friendly_name),
        ("manufacturer", &root.manufacturer),
        ("manufacturer_url", &root.manufacturer_url),
        ("model_name", &root.model_name),
        ("model_number", &root.model_number),
        ("model_description", &root.model_description),
        ("serial_number", &root.serial_number),
        ("udn", &root.udn),
        ("presentation_url", &root.presentation_url),
    ];
    for (key, v) in fields {
        if let Some(v) = text(v) {
            out.push(obs(Fact::Attr(key, v)));
        }
    }
    if let Some(m) = root.model_name.as_deref().map(|m| super::text::clean(m.as_bytes())).filter(|m| !m.is_empty()) {
        out.push(obs(Fact::Model(m)));
    }
    for dev in &d.devices {
        if let Some(t) = &dev.device_type {
            let name = dev.friendly_name.clone().unwrap_or_default();
            out.push(obs(Fact::Service(Service { kind: super::text::clean(t.as_bytes()), name: super::text::clean(name.as_bytes()), port: None, txt: Vec::new() })));
        }
    }
}

impl Tracker {
    pub fn new(limits: reassembly::Limits) -> Tracker {
        Tracker {
            reasm: Reassembler::new(limits),
            followed_ports: PortSet::new(),
            announced_ports: PortSet::new(),
            meta: FxHashMap::default(),
            endpoints: FxHashSet::default(),
            endpoints_full: 0,
            last_sweep: Timestamp(i64::MIN),
            descriptions: 0,
            unattributed: 0,
        }
    }

    /// Remembers the server of an SSDP LOCATION URL.
    pub fn announce(&mut self, location: &str) {
        if let Some(ep) = endpoint_of(location) {
            if self.endpoints.len() < MAX_ENDPOINTS {
                self.endpoints.insert(ep);
                self.announced_ports.insert(ep.1);
            } else if !self.endpoints.contains(&ep) {
                self.endpoints_full += 1;
            }
        }
    }

    /// Counters of limits hit, by name (only the non-zero ones).
    pub fn limits_hit(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.reasm.hits.named().into_iter().chain([("upnp_endpoints", self.endpoints_full)]).filter(|(_, n)| *n > 0)
    }

    pub fn streams(&self) -> usize {
        self.reasm.len()
    }

    /// One TCP segment. `owner` maps an IPv4 address to the MAC that claimed it.
    pub fn segment(
        &mut self,
        cx: &Context,
        seg: &TcpSegment<'_>,
        owner: &Attribute<'_>,
        out: &mut Vec<Observation>,
    ) -> Outcome {
        // The hot path: most segments leave after a bit test and a 7-byte comparison.
        let starts_http = seg.payload.starts_with(HTTP_PREFIX);
        let port = seg.src_port;
        if !starts_http && !self.followed_ports.contains(port) && !self.announced_ports.contains(port) {
            return Ok(());
        }
        let (Some(src), Some(dst)) = (cx.src_ip, cx.dst_ip) else { return Ok(()) };
        let key = StreamKey { src, src_port: port, dst, dst_port: seg.dst_port };
        let ends = seg.flags & (FIN | RST) != 0;
        let followed = self.followed_ports.contains(port) && self.reasm.contains(&key);
        if !followed {
            let announced = !seg.payload.is_empty() && self.announced_ports.contains(port) && self.endpoints.contains(&(src, port));
            if !(starts_http || announced) {
                return Ok(());
            }
            // A complete head that says "not XML" needs no stream at all (web traffic).
            if starts_http && !announced {
                if let Ok(Some(head)) = http::parse_head(seg.payload) {
                    let xml = head.content_type.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("xml"));
                    let body = seg.payload[head.head_len..].iter().find(|b| !b.is_ascii_whitespace());
                    if !xml && (head.chunked || head.content_type.is_some() || body.is_some_and(|&b| b != b'<')) {
                        return Ok(());
                    }
                }
            }
            if !self.reasm.open(key, seg.seq, cx.ts) {
                return Ok(());
            }
            self.followed_ports.insert(port);
            self.meta.insert(key, Meta { src_mac: cx.src_mac });
        } else if starts_http {
            self.reanchor(&key, seg.seq, cx.ts);
        }
        if let Some(m) = self.meta.get_mut(&key) {
            m.src_mac = cx.src_mac.or(m.src_mac);
        }
        self.reasm.segment(&key, seg.seq, seg.payload, ends, cx.ts);
        self.process(&key, cx.ts, owner, out)
    }

    /// A response head arrived before the bytes we anchored on (a capture that began
    /// mid-stream, or out-of-order delivery): restart the stream at the head.
    fn reanchor(&mut self, key: &StreamKey, seq: u32, ts: Timestamp) {
        let Some(s) = self.reasm.get_mut(key) else { return };
        if s.data.starts_with(HTTP_PREFIX) {
            return;
        }
        let old_anchor = s.anchor();
        let Some(old) = self.reasm.close(key) else { return };
        if self.reasm.open(*key, seq, ts) && (old_anchor.wrapping_sub(seq) as i32) > 0 {
            // The bytes we had follow the head: keep them at their own sequence numbers.
            // (Bytes before the head belonged to an earlier response: dropped.)
            self.reasm.segment(key, old_anchor, &old.data, old.closed, ts);
        }
    }

    /// Frames and decodes every complete response in the stream.
    fn process(&mut self, key: &StreamKey, ts: Timestamp, owner: &Attribute<'_>, out: &mut Vec<Observation>) -> Outcome {
        let mut result = Ok(());
        loop {
            let Some(s) = self.reasm.get_mut(key) else { return result };
            if s.data.len() < HTTP_PREFIX.len() {
                if s.closed {
                    self.drop_stream(key);
                }
                return result;
            }
            if !s.data.starts_with(HTTP_PREFIX) {
                // Not at a response boundary (joined mid-body): wait for a head to re-anchor
                // on, unless nothing more will come.
                if s.closed || s.capped {
                    self.drop_stream(key);
                }
                return result;
            }
            let head = match http::parse_head(&s.data) {
                Ok(Some(h)) => h,
                Ok(None) => {
                    if s.closed || s.capped {
                        self.drop_stream(key);
                    }
                    return result;
                }
                Err(e) => {
                    self.drop_stream(key);
                    return Err(e);
                }
            };
            let body_start = head.head_len;
            // Only XML is worth assembling.
            let xml_type = head.content_type.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("xml"));
            let first = s.data[body_start..].iter().find(|b| !b.is_ascii_whitespace()).copied();
            if !xml_type && (head.chunked || first.is_some_and(|b| b != b'<')) {
                self.drop_stream(key);
                return result;
            }
            let mut body = Vec::new();
            let consumed = if matches!(head.status, 100..=199 | 204 | 304) {
                Some(body_start)
            } else if let Some(len) = head.content_length {
                // Checked: a Content-Length near usize::MAX must wait (until a limit caps
                // the stream), not overflow into a slice that ends before it starts.
                let end = body_start.checked_add(len).filter(|&end| s.data.len() >= end);
                if let Some(end) = end {
                    body.extend_from_slice(&s.data[body_start..end]);
                }
                end
            } else if head.chunked {
                match http::decode_chunked(&s.data[body_start..], &mut body, upnp::MAX_XML_BYTES) {
                    Ok(Some(n)) => Some(body_start + n),
                    Ok(None) => None,
                    Err(e) => {
                        self.drop_stream(key);
                        return Err(e);
                    }
                }
            } else if s.closed {
                body.extend_from_slice(&s.data[body_start..]);
                Some(s.data.len())
            } else {
                None
            };
            let Some(n) = consumed else {
                if s.closed || s.capped {
                    // Incomplete for good (cut by a limit, or the capture ended).
                    self.drop_stream(key);
                }
                return result;
            };
            let n = s.consume(n);
            self.reasm.consumed(n);
            if let Err(e) = self.decode(key, ts, &body, owner, out) {
                result = Err(e);
            }
        }
    }

    fn decode(&mut self, key: &StreamKey, ts: Timestamp, body: &[u8], owner: &Attribute<'_>, out: &mut Vec<Observation>) -> Outcome {
        if body.is_empty() || !upnp::looks_like_description(body) {
            return Ok(());
        }
        let frame_src = self.meta.get(key).and_then(|m| m.src_mac);
        let Some(mac) = owner(key.src, frame_src).filter(MacAddr::is_device) else {
            self.unattributed += 1;
            return Ok(());
        };
        let d = upnp::parse(body)?;
        self.descriptions += 1;
        describe(ts, mac, &d, out);
        if d.recovered { Err(WireError::Invalid("UPnP description markup (recovered)")) } else { Ok(()) }
    }

    fn drop_stream(&mut self, key: &StreamKey) {
        self.reasm.close(key);
        self.meta.remove(key);
    }

    /// Sweeps idle streams (capture time); a response framed by connection close is
    /// decoded with what arrived.
    pub fn tick(&mut self, now: Timestamp, owner: &Attribute<'_>, out: &mut Vec<Observation>) -> Vec<WireError> {
        if self.reasm.is_empty() || now.0.saturating_sub(self.last_sweep.0) < SWEEP_EVERY_NS {
            return Vec::new();
        }
        self.last_sweep = now;
        let expired = self.reasm.expire(now);
        self.flush(expired, now, owner, out)
    }

    /// End of input: decode what open streams hold.
    pub fn finish(&mut self, now: Timestamp, owner: &Attribute<'_>, out: &mut Vec<Observation>) -> Vec<WireError> {
        let keys: Vec<StreamKey> = self.meta.keys().copied().collect();
        let mut streams = Vec::new();
        for k in keys {
            if let Some(s) = self.reasm.close(&k) {
                streams.push((k, s));
            }
        }
        self.flush(streams, now, owner, out)
    }

    fn flush(&mut self, streams: Vec<(StreamKey, reassembly::Stream)>, now: Timestamp, owner: &Attribute<'_>, out: &mut Vec<Observation>) -> Vec<WireError> {
        let mut errors = Vec::new();
        for (k, s) in streams {
            if let Ok(Some(head)) = http::parse_head(&s.data) {
                if head.content_length.is_none() && !head.chunked {
                    if let Err(e) = self.decode(&k, now, &s.data[head.head_len..], owner, out) {
                        errors.push(e);
                    }
                }
            }
            self.meta.remove(&k);
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::wire::tcp::ACK;

    const SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 1);
    const CLIENT: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 10);

    fn router() -> MacAddr {
        "50:c7:bf:00:00:01".parse().unwrap()
    }

    fn cx(ts: i64) -> Context {
        Context {
            ts: Timestamp(ts),
            src_mac: Some(router()),
            dst_mac: None,
            src_ip: Some(IpAddr::V4(SERVER)),
            dst_ip: Some(IpAddr::V4(CLIENT)),
            src_port: 1900,
            dst_port: 50000,
        }
    }

    fn seg(seq: u32, flags: u8, payload: &[u8]) -> TcpSegment<'_> {
        TcpSegment { src_port: 1900, dst_port: 50000, seq, flags, payload }
    }

    fn description() -> Vec<u8> {
        include_str!("../wire/upnp_fixture.xml").as_bytes().to_vec()
    }

    fn run(t: &mut Tracker, segs: &[(u32, u8, Vec<u8>)]) -> Vec<Observation> {
        let mut out = Vec::new();
        let none = |_: IpAddr, src: Option<MacAddr>| src;
        for (i, (seq, flags, p)) in segs.iter().enumerate() {
            let _ = t.segment(&cx(i as i64), &seg(*seq, *flags, p), &none, &mut out);
        }
        out
    }

    fn model(out: &[Observation]) -> Vec<String> {
        out.iter().filter_map(|o| if let Fact::Model(m) = &o.fact { Some(m.clone()) } else { None }).collect()
    }

    #[test]
    fn out_of_order_with_retransmission() {
        let body = description();
        let mut msg = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend(&body);
        let (a, b) = msg.split_at(100);
        let (b, c) = b.split_at(300);
        let base = 1000u32;
        let segs = vec![
            (base, ACK, a.to_vec()),
            (base + 400, ACK, c.to_vec()),
            (base + 100, ACK, b.to_vec()),
            (base + 100, ACK, b.to_vec()),
        ];
        let mut t = Tracker::default();
        let out = run(&mut t, &segs);
        assert_eq!(model(&out), vec!["Archer C7"]);
        assert!(out.iter().all(|o| o.mac == router() && o.protocol == Protocol::Upnp));
        assert!(out.contains(&Observation { ts: Timestamp(2), mac: router(), protocol: Protocol::Upnp, fact: Fact::Attr("manufacturer", AttrValue::Text("TP-Link".into())) }));
        assert_eq!(t.descriptions, 1);
    }

    #[test]
    fn chunked_and_keep_alive() {
        let body = description();
        let (x, y) = body.split_at(body.len() / 2);
        let mut msg = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        msg.extend(format!("{:x}\r\n", x.len()).as_bytes());
        msg.extend(x);
        msg.extend(format!("\r\n{:x}\r\n", y.len()).as_bytes());
        msg.extend(y);
        msg.extend(b"\r\n0\r\n\r\n");
        let second = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", body.len());
        msg.extend(second.as_bytes());
        msg.extend(&body);
        let mut t = Tracker::default();
        let out = run(&mut t, &[(7, ACK, msg)]);
        assert_eq!(model(&out), vec!["Archer C7", "Archer C7"]);
        assert_eq!(t.descriptions, 2);
    }

    #[test]
    fn connection_close_framing_and_mid_stream_announced_endpoint() {
        let body = description();
        let mut msg = b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n".to_vec();
        msg.extend(&body);
        let mut t = Tracker::default();
        let out = run(&mut t, &[(1, ACK, msg[..50].to_vec()), (51, ACK | FIN, msg[50..].to_vec())]);
        assert_eq!(model(&out), vec!["Archer C7"]);

        // Joined mid-body on an announced endpoint: the tail alone is not decoded.
        let mut t = Tracker::default();
        t.announce("http://192.168.0.1:1900/gatedesc.xml");
        let out = run(&mut t, &[(500, ACK, msg[200..].to_vec())]);
        assert!(model(&out).is_empty());
        assert_eq!(t.streams(), 1, "followed, waiting for a response head");
        // The head, delivered late (lower sequence number), completes it.
        let mut late = Vec::new();
        let none = |_: IpAddr, src: Option<MacAddr>| src;
        t.segment(&cx(9), &seg(300, ACK, &msg[..200]), &none, &mut late).unwrap();
        let mut t2 = t;
        let errs = t2.finish(Timestamp(10), &none, &mut late);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(model(&late), vec!["Archer C7"]);
    }

    #[test]
    fn non_xml_responses_are_dropped_at_once() {
        let mut t = Tracker::default();
        let out = run(&mut t, &[(1, ACK, b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n\x89PNG".to_vec())]);
        assert!(out.is_empty());
        assert_eq!(t.streams(), 0);
        let out = run(&mut t, &[(1, ACK, b"GET / HTTP/1.1\r\n\r\n".to_vec())]);
        assert!(out.is_empty() && t.streams() == 0);
    }

    #[test]
    fn ten_megabyte_body_is_capped_and_counted() {
        let limits = reassembly::Limits::default();
        let mut t = Tracker::new(limits);
        let mut out = Vec::new();
        let none = |_: IpAddr, src: Option<MacAddr>| src;
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 10485760\r\n\r\n<root>".to_vec();
        let _ = t.segment(&cx(0), &seg(0, ACK, &head), &none, &mut out);
        let chunk = vec![b'x'; 1460];
        let mut seq = head.len() as u32;
        for i in 0..(10_485_760 / 1460) {
            let _ = t.segment(&cx(i), &seg(seq, ACK, &chunk), &none, &mut out);
            seq = seq.wrapping_add(1460);
        }
        assert!(out.is_empty());
        assert_eq!(t.streams(), 0, "dropped once capped");
        assert!(t.limits_hit().any(|(n, c)| n == "tcp_stream_bytes" && c >= 1));
    }

    #[test]
    fn attribution_prefers_the_ip_owner() {
        let body = description();
        let mut msg = format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        msg.extend(&body);
        let owner_mac: MacAddr = "50:c7:bf:00:00:99".parse().unwrap();
        let owner = move |ip: IpAddr, _src: Option<MacAddr>| (ip == IpAddr::V4(SERVER)).then_some(owner_mac);
        let mut t = Tracker::default();
        let mut out = Vec::new();
        t.segment(&cx(0), &seg(0, ACK, &msg), &owner, &mut out).unwrap();
        assert!(!out.is_empty() && out.iter().all(|o| o.mac == owner_mac));
        assert_eq!(attribute(None, Some(router()), true), None, "a router forwarding another segment's answer");
        assert_eq!(attribute(None, Some(router()), false), Some(router()));
    }

    #[test]
    fn endpoints_from_urls() {
        assert_eq!(endpoint_of("http://192.168.0.1:1900/gatedesc.xml"), Some((IpAddr::V4(SERVER), 1900)));
        assert_eq!(endpoint_of("http://192.168.0.1/desc.xml"), Some((IpAddr::V4(SERVER), 80)));
        assert_eq!(endpoint_of("http://[fe80::1]:49152/x"), Some(("fe80::1".parse().unwrap(), 49152)));
        assert_eq!(endpoint_of("http://router.local:80/x"), None);
        assert_eq!(endpoint_of("https://192.168.0.1/x"), None);
        let mut t = Tracker::default();
        for i in 0..(MAX_ENDPOINTS + 3) {
            t.announce(&format!("http://10.0.{}.{}:80/", i / 256, i % 256));
        }
        assert!(t.limits_hit().any(|(n, c)| n == "upnp_endpoints" && c == 3));
    }
}
