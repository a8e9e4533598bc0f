//! DNS (UDP 53) → observations.
//!
//! A query says what the asker (`cx.src_mac`) looked up: `Fact::DnsQuery` per question,
//! lowercased, without the trailing dot. A response says nothing about the server
//! beyond taking part in DNS: the names in it were resolved *for* someone else.
//!
//! One exception: TP-Link gateways answer their own admin names ([`ADMIN_NAMES`],
//! `tplinkwifi.net` …) with their own address. A response that maps one of them to an
//! IPv4 address marks the device at that address with `dns.admin_name`: the responder
//! (`cx.src_mac`) when the address is its own source address; otherwise whichever device
//! holds the address ([`Fact::OfAddress`], resolved by the analyzer; nobody when no
//! device has claimed it yet, as for the public addresses an Internet resolver gives).
//! So a gateway is credited when a DNS forwarder (a Pi-hole, a mesh satellite) answers
//! for it. It never marks the asker for having typed the name.
//!
//! UDP 53 also carries things that are not DNS. A payload whose header is not a
//! plausible standard query or response (opcode QUERY, 1–8 questions, zero Z bit) is
//! ignored without being counted as malformed.

use std::net::{IpAddr, Ipv4Addr};

use super::text::clean;
use super::{AttrValue, Context, Fact, Observation, Outcome, Protocol};
use crate::wire::be16;
use crate::wire::dns::{self, DnsName, Message, OpCode, RData, ResponseCode, Section};

/// Local web-admin names that TP-Link (and its Mercusys brand) gateways, access points
/// and Deco mesh units resolve to themselves (see research/tplink-signals.md §6).
pub const ADMIN_NAMES: [&str; 4] = ["tplinkwifi.net", "tplinklogin.net", "tplinkdeco.net", "mwlogin.net"];

/// Most questions a plausible unicast DNS message carries (in practice exactly one).
const MAX_PLAUSIBLE_QUESTIONS: u16 = 8;

/// Most addresses credited with an admin name from one response (a resolver may list
/// several; a gateway answers with one).
pub const MAX_ADMIN_ANSWERS: usize = 4;

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    if !plausible(payload) {
        return Ok(());
    }
    let m = dns::parse(payload)?;
    observe(cx, &m, out);
    match m.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Whether the header looks like a standard DNS query or response.
fn plausible(b: &[u8]) -> bool {
    if b.len() < dns::HEADER_LEN {
        return false;
    }
    let flags = be16(b, 2);
    let opcode = (flags >> 11) & 0x0f;
    let z = flags & 0x0040;
    let qdcount = be16(b, 4);
    opcode == 0 && z == 0 && (1..=MAX_PLAUSIBLE_QUESTIONS).contains(&qdcount)
}

pub fn observe(cx: &Context, m: &Message, out: &mut Vec<Observation>) {
    let Some(mac) = cx.src_mac else { return };
    if m.op_code() != OpCode::Query {
        return;
    }
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(mac, Protocol::Dns, fact));
    push(out, Fact::Present);
    if !m.is_response() {
        for q in &m.questions {
            let name = clean(q.name.to_text().to_ascii_lowercase().as_bytes());
            if !name.is_empty() {
                push(out, Fact::DnsQuery(name));
            }
        }
        return;
    }
    for (name, addr) in admin_answers(m) {
        let fact = Fact::Attr("admin_name", AttrValue::Text(name.into()));
        if cx.src_ip == Some(IpAddr::V4(addr)) {
            push(out, fact);
        } else {
            push(out, Fact::OfAddress(addr, Box::new(fact)));
        }
    }
}

/// The IPv4 addresses a response gives for an admin name, each once, at most
/// [`MAX_ADMIN_ANSWERS`]: A answers whose owner is one of [`ADMIN_NAMES`], or any A
/// answer when the question asked for one (the owner may be the end of a CNAME chain).
fn admin_answers(m: &Message) -> Vec<(&'static str, Ipv4Addr)> {
    let mut found: Vec<(&'static str, Ipv4Addr)> = Vec::new();
    if m.response_code() != ResponseCode::NoError {
        return found;
    }
    let admin = |n: &DnsName| ADMIN_NAMES.iter().copied().find(|a| is_name(n, a));
    let asked = m.questions.iter().find_map(|q| admin(&q.name));
    for r in m.section(Section::Answer) {
        let RData::A(addr) = r.data else { continue };
        let Some(name) = admin(&r.name).or(asked) else { continue };
        if found.len() >= MAX_ADMIN_ANSWERS {
            break;
        }
        if !found.iter().any(|(_, a)| *a == addr) {
            found.push((name, addr));
        }
    }
    found
}

/// `n` is the dotted name `s` (ASCII case-insensitive).
fn is_name(n: &DnsName, s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    n.labels().len() == parts.len() && n.ends_with(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;
    use crate::wire::WireError;
    use crate::wire::dns::tests::{QUERY, unhex};

    fn cx(mac: &str, ip: &str) -> Context {
        Context { src_mac: Some(mac.parse().unwrap()), src_ip: Some(ip.parse().unwrap()), ..Context::at(Timestamp(3)) }
    }

    fn run(cx: &Context, b: &[u8]) -> (Vec<(MacAddr, Fact)>, Outcome) {
        let mut out = Vec::new();
        let r = handle(cx, b, &mut out);
        assert!(out.iter().all(|o| o.protocol == Protocol::Dns));
        (out.into_iter().map(|o| (o.mac, o.fact)).collect(), r)
    }

    /// The gateway 192.168.0.1 answers `TPLinkWiFi.net` (mixed case) with itself.
    const ADMIN_RESPONSE: &str = "
        1234 8180 0001 0001 0000 0000
        0a54504c696e6b57694669036e657400 0001 0001
        c00c 0001 0001 00000000 0004 c0a80001";

    #[test]
    fn query_is_a_fact_about_the_asker() {
        let asker = cx("50:c7:bf:00:c7:03", "192.168.0.20");
        let (f, r) = run(&asker, &unhex(QUERY));
        assert_eq!(r, Ok(()));
        let m = asker.src_mac.unwrap();
        assert_eq!(f, vec![(m, Fact::Present), (m, Fact::DnsQuery("tplinkwifi.net".into()))]);
    }

    #[test]
    fn tplink_gateway_answering_for_itself_gets_admin_name() {
        let gw = cx("98:da:c4:00:00:01", "192.168.0.1");
        let (f, r) = run(&gw, &unhex(ADMIN_RESPONSE));
        assert_eq!(r, Ok(()));
        let m = gw.src_mac.unwrap();
        assert_eq!(
            f,
            vec![(m, Fact::Present), (m, Fact::Attr("admin_name", AttrValue::Text("tplinkwifi.net".into())))]
        );
    }

    fn of_address(ip: &str, name: &str) -> Fact {
        Fact::OfAddress(ip.parse().unwrap(), Box::new(Fact::Attr("admin_name", AttrValue::Text(name.into()))))
    }

    #[test]
    fn admin_name_answered_by_another_host_is_about_the_address() {
        // A forwarder (192.168.0.254) answers with the gateway's address: a fact about
        // whoever holds 192.168.0.1, never about the forwarder.
        let other = cx("b8:27:eb:00:00:02", "192.168.0.254");
        let (f, r) = run(&other, &unhex(ADMIN_RESPONSE));
        assert_eq!(r, Ok(()));
        let m = other.src_mac.unwrap();
        assert_eq!(f, vec![(m, Fact::Present), (m, of_address("192.168.0.1", "tplinkwifi.net"))]);
        // Over IPv6 the A record cannot be the source: about the address too.
        let v6 = cx("98:da:c4:00:00:01", "fe80::1");
        assert_eq!(run(&v6, &unhex(ADMIN_RESPONSE)).0[1..], [(v6.src_mac.unwrap(), of_address("192.168.0.1", "tplinkwifi.net"))]);
        // An NXDOMAIN, and another name resolved to the responder: no admin name.
        let mut b = unhex(ADMIN_RESPONSE);
        b[3] = 0x83;
        assert_eq!(run(&cx("98:da:c4:00:00:01", "192.168.0.1"), &b).0.len(), 1);
        let mut b = unhex(ADMIN_RESPONSE);
        b[13] = b'X';
        assert_eq!(run(&cx("98:da:c4:00:00:01", "192.168.0.1"), &b).0.len(), 1);
    }

    #[test]
    fn admin_answers_are_distinct_and_bounded() {
        // `mwlogin.net` with seven A answers: the gateway's own address twice, then five
        // others; the own one is kept once, the others up to MAX_ADMIN_ANSWERS in all.
        let n = 7u8;
        let mut b = unhex("0002 8180 0001 00 00 0000 0000 076d776c6f67696e036e657400 0001 0001");
        b[7] = n;
        for last in [1u8, 1, 2, 3, 4, 5, 6] {
            b.extend(unhex("c00c 0001 0001 00000000 0004 c0a800"));
            b.push(last);
        }
        let gw = cx("98:da:c4:00:00:01", "192.168.0.1");
        let (f, r) = run(&gw, &b);
        assert_eq!(r, Ok(()));
        let m = gw.src_mac.unwrap();
        let own = Fact::Attr("admin_name", AttrValue::Text("mwlogin.net".into()));
        let others = ["192.168.0.2", "192.168.0.3", "192.168.0.4"].map(|a| (m, of_address(a, "mwlogin.net")));
        assert_eq!(f[1..], [[(m, own)].as_slice(), &others].concat()[..]);
        assert_eq!(f.len(), 1 + MAX_ADMIN_ANSWERS);
    }

    #[test]
    fn admin_name_through_a_cname() {
        // Question tplinklogin.net; answer CNAME → x.example, then x.example A = source.
        let mut b = unhex("0001 8180 0001 0002 0000 0000 0b74706c696e6b6c6f67696e036e657400 0001 0001");
        b.extend(unhex("c00c 0005 0001 00000000 000b 0178076578616d706c6500"));
        b.extend(unhex("c02d 0001 0001 00000000 0004 c0a80001"));
        let m = dns::parse(&b).unwrap();
        assert_eq!(m.error, None);
        assert_eq!(m.records[1].name.to_text(), "x.example");
        let (f, _) = run(&cx("98:da:c4:00:00:01", "192.168.0.1"), &b);
        assert_eq!(f[1].1, Fact::Attr("admin_name", AttrValue::Text("tplinklogin.net".into())));
    }

    #[test]
    fn not_dns_on_port_53_is_ignored_but_broken_dns_is_malformed() {
        let c = cx("50:c7:bf:00:c7:03", "192.168.0.20");
        assert_eq!(run(&c, b"\x00\x01garbage"), (vec![], Ok(())));
        let mut b = unhex(QUERY);
        b[2] = 0x78; // opcode 15
        assert_eq!(run(&c, &b), (vec![], Ok(())));
        let mut b = unhex(QUERY);
        b[4..6].copy_from_slice(&[0, 0]); // no question
        assert_eq!(run(&c, &b), (vec![], Ok(())));
        b[4..6].copy_from_slice(&(MAX_PLAUSIBLE_QUESTIONS + 1).to_be_bytes());
        assert_eq!(run(&c, &b), (vec![], Ok(())));
        let mut b = unhex(QUERY);
        b[3] |= 0x40; // the reserved Z bit
        assert_eq!(run(&c, &b), (vec![], Ok(())));
        // A plausible header whose question is cut: malformed, the asker still present.
        let b = unhex(QUERY);
        let (f, r) = run(&c, &b[..20]);
        assert!(matches!(r, Err(WireError::Truncated { .. })));
        assert_eq!(f, vec![(c.src_mac.unwrap(), Fact::Present)]);
    }

    #[test]
    fn response_names_are_not_facts_about_anyone() {
        let mut b = unhex(ADMIN_RESPONSE);
        b[13..23].copy_from_slice(b"devs-cloud");
        let (f, _) = run(&cx("98:da:c4:00:00:01", "192.168.0.1"), &b);
        assert_eq!(f.len(), 1);
        assert!(!f.iter().any(|(_, x)| matches!(x, Fact::DnsQuery(_) | Fact::Hostname(_) | Fact::Ipv4(_))));
    }
}
