//! LLMNR (UDP 5355) → observations.
//!
//! A query only shows that the asker speaks LLMNR: the name it asks for is someone
//! else's. A response comes from the owner of the answered name (RFC 4795 §2.3: only
//! the authoritative host answers; there are no caches or proxies), so its A/AAAA
//! owner names are the responder's host names, and an answered address is bound to the
//! responder when it is the packet's own source address (a multi-homed host lists
//! addresses of other interfaces too).

use std::net::IpAddr;

use super::mdns::{usable_v4, usable_v6};
use super::text::clean;
use super::{Context, Fact, Observation, Outcome, Protocol};
use crate::wire::dns::{self, DnsName, Message, OpCode, RData, ResponseCode, Section};

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = dns::parse(payload)?;
    observe(cx, &m, out);
    match m.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub fn observe(cx: &Context, m: &Message, out: &mut Vec<Observation>) {
    let Some(mac) = cx.src_mac else { return };
    let push = |out: &mut Vec<Observation>, fact| out.push(cx.obs(mac, Protocol::Llmnr, fact));
    push(out, Fact::Present);
    if !m.is_response() || m.op_code() != OpCode::Query || m.response_code() != ResponseCode::NoError {
        return;
    }
    let mut names: Vec<&DnsName> = Vec::new();
    for r in m.section(Section::Answer) {
        let addr = match r.data {
            RData::A(a) => IpAddr::V4(a),
            RData::Aaaa(a) => IpAddr::V6(a),
            _ => continue,
        };
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&r.name)) {
            names.push(&r.name);
            let h = clean(r.name.to_text().as_bytes());
            if !h.is_empty() {
                push(out, Fact::Hostname(h));
            }
        }
        if Some(addr) == cx.src_ip {
            match addr {
                IpAddr::V4(a) if usable_v4(a) => push(out, Fact::Ipv4(a)),
                IpAddr::V6(a) if usable_v6(a) => push(out, Fact::Ipv6(a)),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;
    use crate::wire::dns::tests::unhex;

    /// suricata-verify `llmnr/llmnr-udp` frame 2: `HS2011` answers for itself,
    /// A 192.168.10.101, to a query for `hs2011`.
    const RESPONSE: &str = "
        c341 8000 0001 0001 0000 0000
        06 687332303131 00 0001 0001
        06 485332303131 00 0001 0001 0000001e 0004 c0a80a65";

    fn run(src: &str, b: &[u8]) -> (Vec<Fact>, Outcome) {
        let mac: MacAddr = "00:25:90:34:ee:54".parse().unwrap();
        let cx = Context { src_mac: Some(mac), src_ip: Some(src.parse().unwrap()), ..Context::at(Timestamp(1)) };
        let mut out = Vec::new();
        let r = handle(&cx, b, &mut out);
        assert!(out.iter().all(|o| o.mac == mac && o.protocol == Protocol::Llmnr));
        (out.into_iter().map(|o| o.fact).collect(), r)
    }

    #[test]
    fn response_binds_name_and_own_address() {
        let (f, r) = run("192.168.10.101", &unhex(RESPONSE));
        assert_eq!(r, Ok(()));
        assert_eq!(
            f,
            vec![Fact::Present, Fact::Hostname("HS2011".into()), Fact::Ipv4(Ipv4Addr::new(192, 168, 10, 101))]
        );
        // From another address (the answer lists another interface): name only.
        let (f, _) = run("10.0.0.9", &unhex(RESPONSE));
        assert_eq!(f, vec![Fact::Present, Fact::Hostname("HS2011".into())]);
    }

    #[test]
    fn query_and_error_response_give_presence_only() {
        let mut b = unhex(RESPONSE);
        b[2] = 0x00; // a query
        assert_eq!(run("192.168.10.101", &b).0, vec![Fact::Present]);
        let mut b = unhex(RESPONSE);
        b[3] = 0x03; // NXDOMAIN
        assert_eq!(run("192.168.10.101", &b).0, vec![Fact::Present]);
    }

    #[test]
    fn truncated_response_is_malformed() {
        let b = unhex(RESPONSE);
        let (f, r) = run("192.168.10.101", &b[..b.len() - 2]);
        assert!(r.is_err());
        assert_eq!(f, vec![Fact::Present]);
    }
}
