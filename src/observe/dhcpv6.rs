//! DHCPv6 → observations.
//!
//! # Which MAC the facts belong to
//!
//! A client message (Solicit, Request, Confirm, Renew, Rebind, Release, Decline,
//! Information-request) describes its sender: the frame's source. A server message
//! (Advertise, Reply, Reconfigure) is sent by the server (the frame's source) to the
//! client, which is the frame's destination: servers answer a client's link-local
//! address, so a direct Reply goes to the client's own unicast MAC.
//!
//! The MAC inside a client's DUID-LLT or DUID-LL is *not* used to identify a client seen
//! on the wire. RFC 8415 §11 has a host make one DUID and use it on all its
//! interfaces, so it names whichever interface the host saw first: in the real captures
//! a Windows laptop on Wi-Fi 68:5d:43:8b:f9:de sends DUID-LLT 08:2e:5f:76:32:97 (its
//! wired port), and a VMware host adapter 00:50:56:c0:00:01 sends DUID-LLT
//! b8:88:e3:ab:83:79. Binding a Reply's address to the DUID's MAC would create a device
//! that never sent a frame and leave the real one without its address. So the frame's
//! MAC identifies the client and a different DUID MAC becomes a `ClaimedMac` note.
//!
//! The DUID's MAC is used only when no frame MAC names the client:
//! - a Reply or Advertise to a multicast or absent destination (not seen in practice);
//! - a link type without MAC addresses (raw IP);
//! - a relayed message (types 12/13): the frames are between relays and servers, and the
//!   client is on another link. There the innermost relay header's Client Link-Layer
//!   Address option (79, RFC 6939) is preferred, because the first relay copies it from
//!   the client's own frame; the DUID's MAC is the fallback.
//!
//! When none of these names a client (a DUID-EN or DUID-UUID client seen only through a
//! relay or a multicast Reply), the client's facts are skipped: there is no MAC to put
//! them on, and inventing one would merge unrelated hosts.
//!
//! One ambiguity remains: a relay agent hands the client the Reply it got from the
//! server as a plain Reply sent from its own MAC, which looks exactly like a server's.
//! Such a relay is recorded as `dhcpv6-server`; its `server_duid` is then the real
//! server's, and when that DUID holds a MAC it differs from the relay's and shows as a
//! `ClaimedMac` note.
//!
//! A relay header is decoded as such: the sender of a Relay-forw is a relay agent
//! (`Role::DhcpRelay`, `relay_link_address`). The sender of a Relay-repl is a server or
//! an upstream relay, which one message cannot tell apart, so it only gets `Present`.
//!
//! # Facts (section `dhcpv6`)
//! Client: `duid` (hex, as sent), `duid_type` (1 LLT, 2 EN, 3 LL, 4 UUID, or another
//! value), `duid_enterprise` (DUID-EN; TP-Link's is 11863), `vendor_class_enterprise`
//! and `vendor_class` (option 16), `user_class` (15), `fqdn` (39) with
//! `Fact::Hostname` from its first label, `oro` (option request list, `23,24,…`),
//! `option_order`. From a Reply: `Fact::Ipv6` for each IA_NA/IA_TA address with a
//! non-zero valid lifetime, `delegated_prefixes` for IA_PD (a prefix is routed to the
//! client, not an address it uses), `eui64` as in NDP. Server: `Role::Dhcpv6Server`,
//! `server_duid`.

use super::ndp::bind;
use super::text::{clean, hex};
use super::{AttrValue, Context, Fact, Note, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::dhcpv6::{self, Dhcpv6Repr, Duid, Message, MessageType};

/// Parses a DHCPv6 payload and records what it says. A malformed part is reported
/// after the facts from the parts before it are recorded.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let r = dhcpv6::parse(payload)?;
    observe(cx, &r, out);
    r.problem.map_or(Ok(()), Err)
}

fn push(cx: &Context, out: &mut Vec<Observation>, mac: MacAddr, fact: Fact) {
    out.push(cx.obs(mac, Protocol::Dhcpv6, fact));
}

fn claim(cx: &Context, out: &mut Vec<Observation>, owner: MacAddr, claimed: Option<MacAddr>) {
    if let Some(c) = claimed.filter(|c| *c != owner && c.is_device()) {
        push(cx, out, owner, Fact::Note(Note::ClaimedMac { protocol: Protocol::Dhcpv6, mac: c }));
    }
}

fn is_client_message(t: MessageType) -> bool {
    use MessageType::*;
    matches!(t, Solicit | Request | Confirm | Renew | Rebind | Release | Decline | InformationRequest)
}

fn is_server_message(t: MessageType) -> bool {
    matches!(t, MessageType::Advertise | MessageType::Reply | MessageType::Reconfigure)
}

pub fn observe(cx: &Context, r: &Dhcpv6Repr, out: &mut Vec<Observation>) {
    let sender = cx.src_mac.filter(MacAddr::is_device);
    if let Some(s) = sender {
        push(cx, out, s, Fact::Present);
    }
    if let (Some(s), Some(outer)) = (sender, r.relays.first()) {
        if outer.msg_type == dhcpv6::RELAY_FORW {
            push(cx, out, s, Fact::Role(Role::DhcpRelay));
            push(cx, out, s, Fact::Attr("relay_link_address", AttrValue::Ip(outer.link_address.into())));
        }
    }
    let Some(m) = &r.message else { return };
    let t = m.message_type();
    let duid_mac = m.client_id.as_ref().and_then(Duid::mac);
    let relayed = !r.relays.is_empty();
    // The client and whether a frame MAC identified it (then a different DUID MAC is a claim).
    let (client, from_frame) = if relayed {
        match r.relays.last().and_then(|h| h.client_mac()).filter(MacAddr::is_device) {
            Some(c) => (Some(c), true),
            None => (duid_mac, false),
        }
    } else {
        let on_wire = if is_client_message(t) { sender } else { cx.dst_mac.filter(MacAddr::is_device) };
        match on_wire {
            Some(c) => (Some(c), true),
            None => (duid_mac, false),
        }
    };
    let client = client.filter(MacAddr::is_device);
    if let Some(c) = client.filter(|c| Some(*c) != sender && (is_client_message(t) || is_server_message(t))) {
        push(cx, out, c, Fact::Present);
    }
    if is_client_message(t) {
        if let Some(c) = client {
            if from_frame {
                claim(cx, out, c, duid_mac);
            }
            client_facts(cx, m, c, out);
        }
    } else if is_server_message(t) {
        if let Some(s) = sender.filter(|_| !relayed) {
            push(cx, out, s, Fact::Role(Role::Dhcpv6Server));
            if let Some(d) = &m.server_id {
                push(cx, out, s, Fact::Attr("server_duid", hex(&d.bytes).into()));
                claim(cx, out, s, d.mac());
            }
        }
        if let Some(c) = client {
            if from_frame {
                claim(cx, out, c, duid_mac);
            }
            if t == MessageType::Reply {
                reply_facts(cx, m, c, out);
            }
        }
    }
}

/// What a client says about itself.
fn client_facts(cx: &Context, m: &Message, c: MacAddr, out: &mut Vec<Observation>) {
    let attr = |out: &mut Vec<Observation>, key, v: AttrValue| push(cx, out, c, Fact::Attr(key, v));
    let strings = |data: &[Vec<u8>]| -> Vec<String> { data.iter().map(|s| clean(s)).filter(|s| !s.is_empty()).collect() };
    if let Some(d) = &m.client_id {
        attr(out, "duid", hex(&d.bytes).into());
        attr(out, "duid_type", AttrValue::Int(d.type_code().into()));
        if let Some(e) = d.enterprise() {
            attr(out, "duid_enterprise", AttrValue::Int(e.into()));
        }
    }
    if let Some(f) = &m.fqdn {
        let host = clean(f.first_label());
        if !host.is_empty() {
            push(cx, out, c, Fact::Hostname(host));
        }
        let name = clean(&f.name);
        if !name.is_empty() {
            attr(out, "fqdn", name.into());
        }
    }
    if let Some(v) = &m.vendor_class {
        attr(out, "vendor_class_enterprise", AttrValue::Int(v.enterprise.into()));
        attr(out, "vendor_class", AttrValue::List(strings(&v.data)));
    }
    if let Some(u) = &m.user_class {
        attr(out, "user_class", AttrValue::List(strings(u)));
    }
    if let Some(oro) = &m.oro {
        attr(out, "oro", codes(oro).into());
    }
    if !m.option_order.is_empty() {
        attr(out, "option_order", codes(&m.option_order).into());
    }
}

/// What a Reply assigns to the client.
fn reply_facts(cx: &Context, m: &Message, c: MacAddr, out: &mut Vec<Observation>) {
    for a in m.addresses.iter().filter(|a| a.valid_lifetime > 0) {
        bind(cx, Protocol::Dhcpv6, c, a.addr, out);
    }
    let prefixes: Vec<String> =
        m.prefixes.iter().filter(|p| p.valid_lifetime > 0).map(|p| format!("{}/{}", p.prefix, p.prefix_len)).collect();
    if !prefixes.is_empty() {
        push(cx, out, c, Fact::Attr("delegated_prefixes", AttrValue::List(prefixes)));
    }
}

fn codes(c: &[u16]) -> String {
    c.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv6Addr};

    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::WireError;
    use crate::wire::dhcpv6::{DuidKind, Fqdn, IaAddress, IaPrefix, RelayHeader, VendorClass};

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }
    fn ip(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }
    fn cx(src: &str, dst: &str) -> Context {
        Context {
            src_mac: Some(mac(src)),
            dst_mac: Some(mac(dst)),
            src_ip: Some(IpAddr::V6(ip("fe80::1"))),
            ..Context::at(Timestamp(9))
        }
    }
    fn duid_llt(m: &str) -> Duid {
        let mut b = vec![0, 1, 0, 1, 0x1d, 0xef, 0x69, 0xbd];
        b.extend(mac(m).0);
        Duid::parse(&b).unwrap()
    }
    fn facts(out: &[Observation]) -> Vec<(String, Fact)> {
        assert!(out.iter().all(|o| o.protocol == Protocol::Dhcpv6 && o.ts == Timestamp(9)));
        out.iter().map(|o| (o.mac.to_string(), o.fact.clone())).collect()
    }
    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }
    fn list(k: &'static str, v: &[&str]) -> Fact {
        Fact::Attr(k, AttrValue::List(v.iter().map(|s| s.to_string()).collect()))
    }
    fn claim(m: &str) -> Fact {
        Fact::Note(Note::ClaimedMac { protocol: Protocol::Dhcpv6, mac: mac(m) })
    }
    fn direct(m: Message) -> Dhcpv6Repr {
        Dhcpv6Repr { relays: Vec::new(), message: Some(m), problem: None }
    }

    #[test]
    fn solicit_client_facts_and_duid_claim() {
        let m = Message {
            msg_type: 1,
            client_id: Some(duid_llt("08:2e:5f:76:32:97")),
            fqdn: Some(Fqdn { flags: 0, name: b"jaekuryu-HP".to_vec() }),
            vendor_class: Some(VendorClass { enterprise: 311, data: vec![b"MSFT 5.0".to_vec()] }),
            user_class: Some(vec![b"home".to_vec(), Vec::new()]),
            oro: Some(vec![24, 23, 17, 39]),
            option_order: vec![8, 1, 3, 39, 16, 6],
            ..Message::default()
        };
        let mut out = Vec::new();
        observe(&cx("68:5d:43:8b:f9:de", "33:33:00:01:00:02"), &direct(m), &mut out);
        let c = s("68:5d:43:8b:f9:de");
        assert_eq!(
            facts(&out),
            vec![
                (c.clone(), Fact::Present),
                (c.clone(), claim("08:2e:5f:76:32:97")),
                (c.clone(), text("duid", "00:01:00:01:1d:ef:69:bd:08:2e:5f:76:32:97")),
                (c.clone(), Fact::Attr("duid_type", AttrValue::Int(1))),
                (c.clone(), Fact::Hostname("jaekuryu-HP".into())),
                (c.clone(), text("fqdn", "jaekuryu-HP")),
                (c.clone(), Fact::Attr("vendor_class_enterprise", AttrValue::Int(311))),
                (c.clone(), list("vendor_class", &["MSFT 5.0"])),
                (c.clone(), list("user_class", &["home"])),
                (c.clone(), text("oro", "24,23,17,39")),
                (c, text("option_order", "8,1,3,39,16,6")),
            ]
        );
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn duid_en_enterprise_and_hostname_from_first_label() {
        let m = Message {
            msg_type: 11,
            client_id: Some(Duid::parse(&[0, 2, 0, 0, 0x2e, 0x57, 1, 2]).unwrap()),
            fqdn: Some(Fqdn { flags: 1, name: b"deco-x20.lan".to_vec() }),
            ..Message::default()
        };
        let mut out = Vec::new();
        observe(&cx("3c:52:a1:00:00:01", "33:33:00:01:00:02"), &direct(m), &mut out);
        let f = facts(&out);
        let c = s("3c:52:a1:00:00:01");
        assert!(f.contains(&(c.clone(), Fact::Attr("duid_enterprise", AttrValue::Int(11863)))));
        assert!(f.contains(&(c.clone(), Fact::Attr("duid_type", AttrValue::Int(2)))));
        assert!(f.contains(&(c.clone(), Fact::Hostname("deco-x20".into()))));
        assert!(f.contains(&(c, text("fqdn", "deco-x20.lan"))));
        assert!(!f.iter().any(|(_, x)| matches!(x, Fact::Note(_))), "a DUID-EN names no MAC");
    }

    fn reply(client: Duid) -> Message {
        Message {
            msg_type: 7,
            client_id: Some(client),
            server_id: Some(Duid::parse(&[0, 3, 0, 1, 0x00, 0x0c, 0x29, 0x1f, 0xa7, 0x55]).unwrap()),
            addresses: vec![
                IaAddress { iaid: 1, temporary: false, addr: ip("2001:db8:1:2::1002"), preferred_lifetime: 1, valid_lifetime: 2 },
                IaAddress { iaid: 1, temporary: false, addr: ip("2001:db8:1:2::dead"), preferred_lifetime: 0, valid_lifetime: 0 },
                IaAddress {
                    iaid: 1,
                    temporary: false,
                    addr: ip("2001:db8:1:2:20c:29ff:fe5e:7744"),
                    preferred_lifetime: 1,
                    valid_lifetime: 2,
                },
            ],
            prefixes: vec![IaPrefix { iaid: 2, prefix: ip("2001:db8:ff00::"), prefix_len: 56, preferred_lifetime: 1, valid_lifetime: 1 }],
            ..Message::default()
        }
    }

    #[test]
    fn reply_binds_addresses_to_the_destination_and_marks_the_server() {
        let mut out = Vec::new();
        observe(&cx("00:0c:29:1f:a7:55", "00:0c:29:5e:77:44"), &direct(reply(duid_llt("00:0c:29:5e:77:44"))), &mut out);
        let (srv, c) = (s("00:0c:29:1f:a7:55"), s("00:0c:29:5e:77:44"));
        assert_eq!(
            facts(&out),
            vec![
                (srv.clone(), Fact::Present),
                (c.clone(), Fact::Present),
                (srv.clone(), Fact::Role(Role::Dhcpv6Server)),
                (srv, text("server_duid", "00:03:00:01:00:0c:29:1f:a7:55")),
                (c.clone(), Fact::Ipv6(ip("2001:db8:1:2::1002"))),
                (c.clone(), Fact::Ipv6(ip("2001:db8:1:2:20c:29ff:fe5e:7744"))),
                (c.clone(), Fact::Attr("eui64", AttrValue::Bool(true))),
                (c, list("delegated_prefixes", &["2001:db8:ff00::/56"])),
            ]
        );
    }

    #[test]
    fn reply_to_another_interface_than_the_duid_names() {
        let mut out = Vec::new();
        observe(&cx("00:0c:29:1f:a7:55", "68:5d:43:8b:f9:de"), &direct(reply(duid_llt("08:2e:5f:76:32:97"))), &mut out);
        let f = facts(&out);
        let c = s("68:5d:43:8b:f9:de");
        assert!(f.contains(&(c.clone(), Fact::Ipv6(ip("2001:db8:1:2::1002")))));
        assert!(f.contains(&(c, claim("08:2e:5f:76:32:97"))));
        assert!(!out.iter().any(|o| o.mac == mac("08:2e:5f:76:32:97")), "no device made from the DUID");
    }

    #[test]
    fn multicast_reply_falls_back_to_the_duid_mac_or_skips() {
        let mut out = Vec::new();
        observe(&cx("00:0c:29:1f:a7:55", "33:33:00:00:00:01"), &direct(reply(duid_llt("00:0c:29:5e:77:44"))), &mut out);
        assert!(out.iter().any(|o| o.mac == mac("00:0c:29:5e:77:44") && o.fact == Fact::Ipv6(ip("2001:db8:1:2::1002"))));
        assert!(!out.iter().any(|o| matches!(o.fact, Fact::Note(_)) && o.mac == mac("00:0c:29:5e:77:44")));
        let mut out = Vec::new();
        let uuid = Duid::parse(&[0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]).unwrap();
        assert!(matches!(uuid.kind, DuidKind::Uuid(_)));
        observe(&cx("00:0c:29:1f:a7:55", "33:33:00:00:00:01"), &direct(reply(uuid)), &mut out);
        assert!(!out.iter().any(|o| matches!(o.fact, Fact::Ipv6(_))), "no MAC names the client");
    }

    fn relay(msg_type: u8, lla: Option<&str>) -> RelayHeader {
        RelayHeader {
            msg_type,
            hop_count: 0,
            link_address: ip("2001:8a8:1006:3:225:84ff:fedb:2380"),
            peer_address: ip("fe80::ba27:ebff:feb8:53c8"),
            client_link_layer: lla.map(|m| (1, mac(m).0.to_vec())),
            interface_id: None,
        }
    }

    #[test]
    fn relay_forw_marks_the_relay_and_describes_the_client_by_duid() {
        let m = Message { msg_type: 1, client_id: Some(duid_llt("b8:27:eb:b8:53:c8")), ..Message::default() };
        let r = Dhcpv6Repr { relays: vec![relay(12, None)], message: Some(m), problem: None };
        let mut out = Vec::new();
        observe(&cx("00:23:eb:10:2c:29", "00:23:54:c2:57:02"), &r, &mut out);
        let (rel, c) = (s("00:23:eb:10:2c:29"), s("b8:27:eb:b8:53:c8"));
        assert_eq!(
            facts(&out)[..5],
            [
                (rel.clone(), Fact::Present),
                (rel.clone(), Fact::Role(Role::DhcpRelay)),
                (rel, Fact::Attr("relay_link_address", AttrValue::Ip(ip("2001:8a8:1006:3:225:84ff:fedb:2380").into()))),
                (c.clone(), Fact::Present),
                (c, text("duid", "00:01:00:01:1d:ef:69:bd:b8:27:eb:b8:53:c8")),
            ]
        );
    }

    #[test]
    fn relay_option_79_beats_the_duid_and_relay_repl_makes_no_server() {
        let m = reply(duid_llt("08:2e:5f:76:32:97"));
        let r = Dhcpv6Repr { relays: vec![relay(13, Some("68:5d:43:8b:f9:de"))], message: Some(m), problem: None };
        let mut out = Vec::new();
        observe(&cx("00:23:54:c2:57:02", "00:23:eb:10:2c:29"), &r, &mut out);
        let f = facts(&out);
        let c = s("68:5d:43:8b:f9:de");
        assert!(f.contains(&(c.clone(), Fact::Ipv6(ip("2001:db8:1:2::1002")))));
        assert!(f.contains(&(c, claim("08:2e:5f:76:32:97"))));
        assert!(!f.iter().any(|(_, x)| matches!(x, Fact::Role(_))));
    }

    #[test]
    fn handle_reports_problems_after_the_facts() {
        let c = cx("00:0c:29:5e:77:44", "33:33:00:01:00:02");
        let mut out = Vec::new();
        // A Solicit with a client id, then an option cut short.
        let b = [1, 0, 0, 1, 0, 1, 0, 4, 0, 3, 0, 1, 0, 6, 0, 9, 0];
        assert_eq!(handle(&c, &b, &mut out), Err(WireError::Truncated { needed: 13, got: 5 }));
        assert!(out.iter().any(|o| o.fact == Fact::Attr("duid_type", AttrValue::Int(3))));
        assert!(matches!(handle(&c, &[1, 0], &mut out), Err(WireError::Truncated { .. })));
        // Unknown message types are valid and say nothing about the client.
        let mut out = Vec::new();
        assert_eq!(handle(&c, &[0xc8, 0, 0, 0, 0, 1, 0, 2, 0, 9], &mut out), Ok(()));
        assert_eq!(facts(&out), vec![(s("00:0c:29:5e:77:44"), Fact::Present)]);
    }
}
