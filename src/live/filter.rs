//! The capture filter: which frames the kernel hands to quietwire.
//!
//! The default passes every frame a parser reads and little else, each also behind up to
//! three VLAN tags. It cannot know in advance where UPnP descriptions will be fetched
//! from, so it grows at run time: [`FilterTerms`] collects the host and port of every
//! SSDP `LOCATION` a device announced, and the capture thread replaces its filter in
//! place when the set changes (`pcap_setfilter`).

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::inventory::{Device, Inventory};
use crate::observe::{AttrValue, Protocol};

/// The frames the parsers read, untagged. Kept in step with `dispatch.rs`; the extra TCP
/// terms (port 1900, and [`PAYLOAD`]) are for UPnP descriptions.
pub const DISCOVERY: &[&str] = &[
    // ARP, LLDP.
    "arp",
    "ether proto 0x88cc",
    // CDP: 802.3 length, LLC AA-AA-03, SNAP OUI 00-00-0C, protocol 0x2000; `ether[]`
    // offsets do not move with `vlan`, so the one-tag form is spelled out (on Linux the
    // kernel has already moved a received frame's outer tag out of the way).
    "(ether[12:2] <= 1500 and ether[14:4] = 0xaaaa0300 and ether[18:4] = 0x000c2000)",
    "(ether[12:2] = 0x8100 and ether[16:2] <= 1500 and ether[18:4] = 0xaaaa0300 and ether[22:4] = 0x000c2000)",
    // DHCP, DHCPv6, mDNS, SSDP, NBNS, LLMNR, DNS, and TP-Link's UDP ports (Kasa 9999,
    // TDP 20002/20004, Easy Smart 29808/29809, the router broadcast 5001, TDDP 1040,
    // Omada 29810-29817).
    "(udp and (port 67 or port 68 or port 546 or port 547 or port 5353 or port 1900 or port 137 or port 5355 \
     or port 53 or port 9999 or port 20002 or port 20004 or port 29808 or port 29809 or port 5001 or port 1040 \
     or portrange 29810-29817))",
    // ICMPv6 neighbour discovery: RS, RA, NS, NA, redirect.
    "(icmp6 and ip6[40] >= 133 and ip6[40] <= 137)",
    // Kasa over TCP, the Quad7 implant's ports, UPnP over TCP 1900.
    "(tcp and (port 9999 or port 7777 or port 11288 or port 1900))",
];

/// TCP payloads starting "HTTP/1" (UPnP description responses), IPv4 then IPv6. These
/// index by the TCP header length; libpcap 1.10 then mis-reads every term after them
/// inside a `vlan` context, so they always come last.
pub const PAYLOAD: &[&str] = &[
    "(tcp[((tcp[12] & 0xf0) >> 2):4] = 0x48545450 and tcp[((tcp[12] & 0xf0) >> 2) + 4:2] = 0x2f31)",
    "(ip6 and ip6[6] = 6 and ip6[40 + ((ip6[52] & 0xf0) >> 2):4] = 0x48545450 \
     and ip6[44 + ((ip6[52] & 0xf0) >> 2):2] = 0x2f31)",
];

/// VLAN tags looked behind. Each `vlan` keyword shifts libpcap's offsets for the rest of
/// the expression, so the tagged alternatives are nested rather than listed; each level
/// roughly doubles the program (about 900 instructions at 3, of the kernel's 4096).
pub const VLAN_DEPTH: usize = 3;

/// `ssdp.location` host:port pairs added to the filter at most. Each adds about 30
/// instructions; the kernel accepts 4096 in all.
pub const MAX_LOCATION_TERMS: usize = 64;

/// VLAN tags looked behind for learned endpoints. On Linux the kernel moves the outer tag
/// of a received frame into metadata before the filter runs, so one level covers QinQ.
pub const LOCATION_VLAN_DEPTH: usize = 1;

/// Device attributes holding a URL whose host and port should be captured: (section, key).
pub const URL_ATTRS: &[(Protocol, &str)] = &[(Protocol::Ssdp, "location")];

/// What the capture passes.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum FilterMode {
    /// [`DISCOVERY`] plus the learned endpoints.
    Default,
    /// The user's own filter, used as given.
    Custom(String),
    /// Every frame.
    All,
}

/// A TCP endpoint a description will be fetched from.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd, Hash)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
}

impl Endpoint {
    fn term(&self) -> String {
        let host = match self.ip {
            IpAddr::V4(a) => format!("host {a}"),
            IpAddr::V6(a) => format!("ip6 host {a}"),
        };
        format!("({host} and tcp port {})", self.port)
    }
}

/// The endpoint of an `http://` URL whose host is an address literal. Names are ignored:
/// resolving them would mean asking a DNS server, and quietwire never sends.
pub fn url_endpoint(url: &str) -> Option<Endpoint> {
    let rest = url.trim().strip_prefix("http://").or_else(|| url.trim().strip_prefix("HTTP://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let ip: IpAddr = host.parse().ok()?;
    let port = match port {
        None | Some("") => 80,
        Some(p) => p.parse().ok().filter(|&p| p != 0)?,
    };
    Some(Endpoint { ip, port })
}

/// The endpoints named by one device's URL attributes.
pub fn device_endpoints(d: &Device) -> impl Iterator<Item = Endpoint> + '_ {
    URL_ATTRS.iter().filter_map(move |(p, key)| match d.attr(*p, key) {
        Some(AttrValue::Text(url)) => url_endpoint(url),
        _ => None,
    })
}

/// The learned endpoints, bounded by [`MAX_LOCATION_TERMS`].
#[derive(Debug, Default)]
pub struct FilterTerms {
    endpoints: BTreeSet<Endpoint>,
    /// Endpoints not added because the set was full.
    pub dropped: u64,
}

impl FilterTerms {
    pub fn new() -> FilterTerms {
        FilterTerms::default()
    }

    /// Collects the endpoints of every device (after restoring state).
    pub fn from_inventory(inv: &Inventory) -> FilterTerms {
        let mut t = FilterTerms::new();
        for d in inv.devices() {
            t.add_device(d);
        }
        t
    }

    /// Adds the device's endpoints; true when the set changed.
    pub fn add_device(&mut self, d: &Device) -> bool {
        let mut changed = false;
        for e in device_endpoints(d) {
            if self.endpoints.contains(&e) {
                continue;
            }
            if self.endpoints.len() < MAX_LOCATION_TERMS {
                self.endpoints.insert(e);
                changed = true;
            } else {
                self.dropped += 1;
            }
        }
        changed
    }

    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    pub fn endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter()
    }
}

/// Wraps the terms so that they also match behind VLAN tags: `full` behind up to
/// `full_depth` tags, `base` behind up to `depth`:
/// `F or (vlan and (F or (vlan and (B or (vlan and B)))))`.
fn behind_vlans(base: &str, full: &str, depth: usize, full_depth: usize) -> String {
    let mut expr = String::new();
    for level in (0..=depth).rev() {
        let here = if level <= full_depth { full } else { base };
        expr = if expr.is_empty() { format!("({here})") } else { format!("({here}) or (vlan and ({expr}))") };
    }
    expr
}

/// The BPF program text for `mode`, or `None` to capture everything.
pub fn program(mode: &FilterMode, terms: &FilterTerms) -> Option<String> {
    match mode {
        FilterMode::All => None,
        FilterMode::Custom(f) => Some(f.clone()),
        FilterMode::Default => {
            let learned: Vec<String> = terms.endpoints().map(Endpoint::term).collect();
            let join = |with_learned: bool| {
                let mut parts: Vec<&str> = DISCOVERY.to_vec();
                if with_learned {
                    parts.extend(learned.iter().map(String::as_str));
                }
                parts.extend_from_slice(PAYLOAD);
                parts.join(" or ")
            };
            Some(behind_vlans(&join(false), &join(true), VLAN_DEPTH, LOCATION_VLAN_DEPTH))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;
    use crate::mac::MacAddr;
    use crate::observe::{Fact, Observation};
    use crate::timestamp::Timestamp;

    #[test]
    fn url_endpoints_take_address_literals_only() {
        let v4 = |a, b, c, d, port| Some(Endpoint { ip: IpAddr::V4(Ipv4Addr::new(a, b, c, d)), port });
        assert_eq!(url_endpoint("http://192.168.0.1:1900/rootDesc.xml"), v4(192, 168, 0, 1, 1900));
        assert_eq!(url_endpoint(" http://10.0.0.2/desc.xml "), v4(10, 0, 0, 2, 80));
        assert_eq!(url_endpoint("http://10.0.0.2:/x"), v4(10, 0, 0, 2, 80));
        assert_eq!(url_endpoint("http://user@10.0.0.3:8080"), v4(10, 0, 0, 3, 8080));
        let ll: Ipv6Addr = "fe80::1".parse().unwrap();
        assert_eq!(url_endpoint("http://[fe80::1]:49152/d.xml"), Some(Endpoint { ip: IpAddr::V6(ll), port: 49152 }));
        for bad in ["https://10.0.0.1/", "http://router.lan:80/", "http://10.0.0.1:0/", "http://10.0.0.1:99999/", "ftp://x", ""] {
            assert_eq!(url_endpoint(bad), None, "{bad}");
        }
    }

    fn location(inv: &mut Inventory, mac: u8, url: &str) {
        let mac = MacAddr([2, 0, 0, 0, 0, mac]);
        let o = Observation { ts: Timestamp(1), mac, protocol: Protocol::Ssdp, fact: Fact::Attr("location", AttrValue::Text(url.into())) };
        inv.apply(&o);
    }

    #[test]
    fn terms_come_from_the_inventory_and_are_bounded() {
        let mut inv = Inventory::new(Default::default());
        location(&mut inv, 1, "http://192.168.1.1:1900/igd.xml");
        location(&mut inv, 2, "http://printer.local/desc.xml");
        // A location in another section is not a URL attribute.
        inv.apply(&Observation {
            ts: Timestamp(1),
            mac: MacAddr([2, 0, 0, 0, 0, 3]),
            protocol: Protocol::Upnp,
            fact: Fact::Attr("location", AttrValue::Text("http://10.9.9.9/".into())),
        });
        let mut t = FilterTerms::from_inventory(&inv);
        assert_eq!(t.endpoints().map(|e| e.term()).collect::<Vec<_>>(), vec!["(host 192.168.1.1 and tcp port 1900)"]);
        assert!(!t.add_device(inv.get(&MacAddr([2, 0, 0, 0, 0, 1])).unwrap()), "known endpoint: no change");
        for i in 0..(MAX_LOCATION_TERMS as u8 + 5) {
            location(&mut inv, 10 + i, &format!("http://10.0.1.{i}:80/"));
            t.add_device(inv.get(&MacAddr([2, 0, 0, 0, 0, 10 + i])).unwrap());
        }
        assert_eq!((t.len(), t.dropped), (MAX_LOCATION_TERMS, 6));
    }

    #[test]
    fn program_shapes() {
        let t = FilterTerms::new();
        assert_eq!(program(&FilterMode::All, &t), None);
        assert_eq!(program(&FilterMode::Custom("arp".into()), &t).as_deref(), Some("arp"));
        assert_eq!(behind_vlans("B", "F", 2, 2), "(F) or (vlan and ((F) or (vlan and ((F)))))");
        assert_eq!(behind_vlans("B", "F", 3, 1), "(F) or (vlan and ((F) or (vlan and ((B) or (vlan and ((B)))))))");
        let p = program(&FilterMode::Default, &t).unwrap();
        assert_eq!(p.matches("vlan and").count(), VLAN_DEPTH);
    }

    mod bpf {
        //! The filter compiled by libpcap and run on frames (no privileges needed).
        use super::*;

        fn compiled(terms: &FilterTerms) -> pcap::BpfProgram {
            let dead = pcap::Capture::dead(pcap::Linktype::ETHERNET).expect("pcap dead handle");
            dead.compile(&program(&FilterMode::Default, terms).unwrap(), true).expect("default filter compiles")
        }

        fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
            let mut f = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x50, 0xc7, 0xbf, 0, 0, 1];
            f.extend_from_slice(&ethertype.to_be_bytes());
            f.extend_from_slice(payload);
            f.resize(f.len().max(60), 0);
            f
        }

        /// A frame behind tags with these TPIDs, outermost first.
        fn tagged(tpids: &[u16], ethertype: u16, payload: &[u8]) -> Vec<u8> {
            let mut body = vec![0x00, 0x05];
            for (i, tpid) in tpids.iter().enumerate().skip(1) {
                body.extend_from_slice(&tpid.to_be_bytes());
                body.extend_from_slice(&[0x00, 10 + i as u8]);
            }
            body.extend_from_slice(&ethertype.to_be_bytes());
            body.extend_from_slice(payload);
            eth(tpids[0], &body)
        }

        fn ipv4_udp(sport: u16, dport: u16) -> Vec<u8> {
            let mut p = vec![0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
            p.extend_from_slice(&sport.to_be_bytes());
            p.extend_from_slice(&dport.to_be_bytes());
            p.extend_from_slice(&[0, 8, 0, 0]);
            p
        }

        fn ipv4_tcp(src: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
            let mut p = vec![0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0];
            p.extend_from_slice(&src);
            p.extend_from_slice(&[10, 0, 0, 2]);
            p.extend_from_slice(&sport.to_be_bytes());
            p.extend_from_slice(&dport.to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x20, 0, 0, 0, 0, 0]);
            p.extend_from_slice(payload);
            p
        }

        fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
            let mut p = vec![0x60, 0, 0, 0];
            p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
            p.extend_from_slice(&[next, 255]);
            p.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
            p.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
            p.extend_from_slice(payload);
            p
        }

        #[test]
        fn passes_discovery_behind_tags_and_rejects_the_rest() {
            let f = compiled(&FilterTerms::new());
            let cdp = {
                let mut p = vec![0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02, 0xb4];
                p.resize(40, 0);
                p
            };
            let http = ipv4_tcp([10, 0, 0, 1], 49152, 40000, b"HTTP/1.1 200 OK\r\n");
            let pass: Vec<(&str, Vec<u8>)> = vec![
                ("arp", eth(0x0806, &[0; 28])),
                ("lldp", eth(0x88cc, &[0; 20])),
                ("cdp", eth(cdp.len() as u16, &cdp)),
                ("dhcp", eth(0x0800, &ipv4_udp(68, 67))),
                ("mdns", eth(0x0800, &ipv4_udp(5353, 5353))),
                ("omada", eth(0x0800, &ipv4_udp(40000, 29814))),
                ("tdp", eth(0x0800, &ipv4_udp(40000, 20002))),
                ("kasa tcp", eth(0x0800, &ipv4_tcp([10, 0, 0, 1], 9999, 40000, b""))),
                ("quad7", eth(0x0800, &ipv4_tcp([10, 0, 0, 1], 7777, 40000, b"xlogin:"))),
                ("http response", eth(0x0800, &http)),
                ("ndp", eth(0x86dd, &ipv6(58, &[135, 0, 0, 0]))),
                ("dhcpv6", eth(0x86dd, &ipv6(17, &[0x02, 0x22, 0x02, 0x23, 0, 8, 0, 0]))),
                ("vlan arp", tagged(&[0x8100], 0x0806, &[0; 28])),
                ("qinq dhcp", tagged(&[0x88a8, 0x8100], 0x0800, &ipv4_udp(68, 67))),
                ("triple-tag arp", tagged(&[0x8100, 0x8100, 0x8100], 0x0806, &[0; 28])),
                ("vlan http", tagged(&[0x8100], 0x0800, &http)),
                ("vlan cdp", tagged(&[0x8100], cdp.len() as u16, &cdp)),
            ];
            for (what, frame) in &pass {
                assert!(f.filter(frame), "{what} should pass");
            }
            let reject: Vec<(&str, Vec<u8>)> = vec![
                ("ipv4 udp 9", eth(0x0800, &ipv4_udp(9, 9))),
                ("tcp syn 12345", eth(0x0800, &ipv4_tcp([10, 0, 0, 1], 49152, 12345, b""))),
                ("tcp get", eth(0x0800, &ipv4_tcp([10, 0, 0, 1], 49152, 80, b"GET / HTTP/1.1\r\n"))),
                ("icmpv6 echo", eth(0x86dd, &ipv6(58, &[128, 0, 0, 0]))),
                ("eapol", eth(0x888e, &[0; 20])),
                ("four tags", tagged(&[0x8100, 0x8100, 0x8100, 0x8100], 0x0806, &[0; 28])),
            ];
            for (what, frame) in &reject {
                assert!(!f.filter(frame), "{what} should not pass");
            }
        }

        #[test]
        fn learned_locations_pass_their_tcp_segments() {
            let mut inv = Inventory::new(Default::default());
            location(&mut inv, 1, "http://10.0.0.1:49152/desc.xml");
            let segment = eth(0x0800, &ipv4_tcp([10, 0, 0, 1], 49152, 40000, b"<root>...</root>"));
            assert!(!compiled(&FilterTerms::new()).filter(&segment));
            assert!(compiled(&FilterTerms::from_inventory(&inv)).filter(&segment));
        }

        #[test]
        fn full_term_set_fits_the_kernel_limit() {
            let mut inv = Inventory::new(Default::default());
            for i in 0..MAX_LOCATION_TERMS as u8 {
                location(&mut inv, i, &format!("http://10.0.{i}.1:{}/", 40000 + i as u16));
            }
            let t = FilterTerms::from_inventory(&inv);
            assert_eq!(t.len(), MAX_LOCATION_TERMS);
            let n = compiled(&t).get_instructions().len();
            assert!(n < 3500, "{n} instructions, the kernel takes 4096");
            let learned = eth(0x0800, &ipv4_tcp([10, 0, 63, 1], 40063, 40000, b"x"));
            assert!(compiled(&t).filter(&learned));
            assert!(compiled(&t).filter(&tagged(&[0x8100], 0x0800, &ipv4_tcp([10, 0, 63, 1], 40063, 40000, b"x"))));
        }
    }
}
