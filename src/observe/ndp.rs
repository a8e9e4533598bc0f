//! ICMPv6 neighbour discovery → observations.
//!
//! The dispatch hands every ICMPv6 payload here; types other than 133–137 are valid
//! traffic that says nothing about inventory and return `Ok` with no facts.
//!
//! Which MAC an address is bound to:
//! - Router and Neighbor Solicitation: the IPv6 source belongs to the Source Link-Layer
//!   Address (SLLA) option's MAC, which is what neighbours put in their caches; without
//!   the option, to the frame's source. A Neighbor Solicitation from `::` is a duplicate
//!   address detection probe: the address is only tentative, so nothing is bound.
//! - Router Advertisement: the sender (frame source) is a router; its source address is
//!   bound like a solicitation's.
//! - Neighbor Advertisement: the target address belongs to the Target Link-Layer Address
//!   (TLLA) option's MAC, else to the frame's source. An advertisement that carries a
//!   TLLA but leaves the Override flag clear is, by RFC 4861 §7.2.4, a proxy or anycast
//!   answer: the address is not the advertiser's own, so nothing is bound. The R flag
//!   says the *sender* is a router.
//! - Redirect: only marks the sender as taking part in ND.
//!
//! When a link-layer option names another MAC than the frame's source, the frame's
//! source gets a `ClaimedMac` note. Every bound address whose interface ID is a modified
//! EUI-64 is checked: if the MAC inside it is the device's own, the device gets
//! `ndp.eui64 = true`; otherwise it gets a `ClaimedMac` note with that MAC.
//!
//! Attributes (section `ndp`, on routers): `router_lifetime` (seconds; 0 means "not a
//! default router"), `ra_flags` (`managed`, `other`), `mtu`, `prefixes`
//! (`prefix/length` of each Prefix Information option). On any device: `eui64`.

use std::net::{IpAddr, Ipv6Addr};

use super::{AttrValue, Context, Fact, Note, Observation, Outcome, Protocol, Role};
use crate::mac::MacAddr;
use crate::wire::icmpv6::{self, Icmpv6, NdMessage, NdRepr, na_flag, ra_flag};

/// Parses an ICMPv6 payload and records what an ND message says. A bad option is
/// reported after the facts from the part before it are recorded.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    // The decoder hands an empty payload for non-first fragments (ND is never
    // fragmented, but other ICMPv6 messages may be).
    if payload.is_empty() {
        return Ok(());
    }
    let Icmpv6::Nd(m) = icmpv6::parse(payload)? else { return Ok(()) };
    observe(cx, &m, out);
    m.problem.map_or(Ok(()), Err)
}

/// The value of a yes/no attribute (`AttrValue` has no boolean).
fn yes() -> AttrValue {
    AttrValue::Bool(true)
}

/// An address a host can own: not `::`, loopback or multicast.
fn usable(a: &Ipv6Addr) -> bool {
    !(a.is_unspecified() || a.is_loopback() || a.is_multicast())
}

/// Records `ip` as an address of `mac`, with the EUI-64 check. Shared with DHCPv6.
pub(crate) fn bind(cx: &Context, protocol: Protocol, mac: MacAddr, ip: Ipv6Addr, out: &mut Vec<Observation>) {
    if !usable(&ip) || !mac.is_device() {
        return;
    }
    out.push(cx.obs(mac, protocol, Fact::Ipv6(ip)));
    match icmpv6::eui64_mac(&ip) {
        Some(e) if e == mac => out.push(cx.obs(mac, protocol, Fact::Attr("eui64", yes()))),
        Some(e) => out.push(cx.obs(mac, protocol, Fact::Note(Note::ClaimedMac { protocol, mac: e }))),
        None => {}
    }
}

/// The MAC a link-layer option names, noting on the frame's source when it differs.
/// Falls back to the frame's source when the option is absent.
fn owner(cx: &Context, sender: Option<MacAddr>, option: Option<MacAddr>, out: &mut Vec<Observation>) -> Option<MacAddr> {
    let option = option.filter(MacAddr::is_device);
    if let (Some(s), Some(o)) = (sender, option) {
        if s != o {
            out.push(cx.obs(s, Protocol::Ndp, Fact::Note(Note::ClaimedMac { protocol: Protocol::Ndp, mac: o })));
        }
    }
    option.or(sender)
}

pub fn observe(cx: &Context, m: &NdRepr, out: &mut Vec<Observation>) {
    let sender = cx.src_mac.filter(MacAddr::is_device);
    let src_ip = match cx.src_ip {
        Some(IpAddr::V6(a)) => a,
        _ => Ipv6Addr::UNSPECIFIED,
    };
    let push = |out: &mut Vec<Observation>, mac: MacAddr, fact: Fact| out.push(cx.obs(mac, Protocol::Ndp, fact));
    if let Some(s) = sender {
        push(out, s, Fact::Present);
    }
    match m.message {
        NdMessage::RouterSolicit | NdMessage::NeighborSolicit { .. } => {
            if src_ip.is_unspecified() {
                return; // DAD probe (NS) or a host without an address yet (RS)
            }
            if let Some(who) = owner(cx, sender, m.source_mac(), out) {
                bind(cx, Protocol::Ndp, who, src_ip, out);
            }
        }
        NdMessage::RouterAdvert { flags, router_lifetime, .. } => {
            let who = owner(cx, sender, m.source_mac(), out);
            let Some(router) = sender.or(who) else { return };
            push(out, router, Fact::Role(Role::Router));
            push(out, router, Fact::Attr("router_lifetime", AttrValue::Int(router_lifetime.into())));
            let names = [(ra_flag::MANAGED, "managed"), (ra_flag::OTHER, "other")];
            let set = names.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, n)| n.to_string()).collect();
            push(out, router, Fact::Attr("ra_flags", AttrValue::List(set)));
            if let Some(mtu) = m.mtu {
                push(out, router, Fact::Attr("mtu", AttrValue::Int(mtu.into())));
            }
            if !m.prefixes.is_empty() {
                let list = m.prefixes.iter().map(|p| format!("{}/{}", p.prefix, p.prefix_len)).collect();
                push(out, router, Fact::Attr("prefixes", AttrValue::List(list)));
            }
            if let Some(who) = who {
                bind(cx, Protocol::Ndp, who, src_ip, out);
            }
        }
        NdMessage::NeighborAdvert { flags, target } => {
            if let Some(r) = sender.filter(|_| flags & na_flag::ROUTER != 0) {
                push(out, r, Fact::Role(Role::Router));
            }
            let proxied = m.target_mac().is_some() && flags & na_flag::OVERRIDE == 0;
            if let Some(who) = owner(cx, sender, m.target_mac(), out).filter(|_| !proxied) {
                bind(cx, Protocol::Ndp, who, target, out);
            }
        }
        NdMessage::Redirect { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;
    use crate::wire::icmpv6::PrefixInfo;
    use crate::wire::WireError;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }
    fn ip(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }
    fn cx(src: &str, src_ip: &str) -> Context {
        Context { src_mac: Some(mac(src)), src_ip: Some(IpAddr::V6(ip(src_ip))), ..Context::at(Timestamp(7)) }
    }
    fn repr(message: NdMessage) -> NdRepr {
        NdRepr { message, source_lla: None, target_lla: None, prefixes: Vec::new(), mtu: None, problem: None }
    }
    fn facts(out: &[Observation]) -> Vec<(String, Fact)> {
        assert!(out.iter().all(|o| o.protocol == Protocol::Ndp && o.ts == Timestamp(7)));
        out.iter().map(|o| (o.mac.to_string(), o.fact.clone())).collect()
    }
    fn claim(m: &str) -> Fact {
        Fact::Note(Note::ClaimedMac { protocol: Protocol::Ndp, mac: mac(m) })
    }
    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn neighbor_solicit_binds_source_to_slla() {
        let mut m = repr(NdMessage::NeighborSolicit { target: ip("2001:db8:1:2::1000") });
        m.source_lla = Some(vec![0x00, 0x0c, 0x29, 0x2f, 0x80, 0x31]);
        let mut out = Vec::new();
        observe(&cx("00:0c:29:2f:80:31", "2001:db8:1:2::1003"), &m, &mut out);
        let a = s("00:0c:29:2f:80:31");
        assert_eq!(facts(&out), vec![(a.clone(), Fact::Present), (a, Fact::Ipv6(ip("2001:db8:1:2::1003")))]);
    }

    #[test]
    fn dad_probe_binds_nothing() {
        let m = repr(NdMessage::NeighborSolicit { target: ip("fe80::c000:54ff:fef5:0") });
        let mut out = Vec::new();
        observe(&cx("c2:00:54:f5:00:00", "::"), &m, &mut out);
        assert_eq!(facts(&out), vec![(s("c2:00:54:f5:00:00"), Fact::Present)]);
    }

    #[test]
    fn router_solicit_with_another_slla_and_eui64() {
        // A bridge forwards a host's RS under its own MAC: the address goes to the SLLA,
        // the bridge keeps a note; the link-local is the SLLA's EUI-64.
        let mut m = repr(NdMessage::RouterSolicit);
        m.source_lla = Some(vec![0x00, 0x0c, 0x29, 0x5e, 0x77, 0x44]);
        let mut out = Vec::new();
        observe(&cx("02:00:00:00:00:99", "fe80::20c:29ff:fe5e:7744"), &m, &mut out);
        let (bridge, host) = (s("02:00:00:00:00:99"), s("00:0c:29:5e:77:44"));
        assert_eq!(
            facts(&out),
            vec![
                (bridge.clone(), Fact::Present),
                (bridge, claim("00:0c:29:5e:77:44")),
                (host.clone(), Fact::Ipv6(ip("fe80::20c:29ff:fe5e:7744"))),
                (host, Fact::Attr("eui64", yes())),
            ]
        );
    }

    #[test]
    fn router_advert_facts() {
        let mut m = repr(NdMessage::RouterAdvert {
            cur_hop_limit: 64,
            flags: ra_flag::OTHER,
            router_lifetime: 1800,
            reachable_time: 0,
            retrans_timer: 0,
        });
        m.source_lla = Some(vec![0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01]);
        m.mtu = Some(1492);
        let p = |x: &str, len| PrefixInfo { prefix: ip(x), prefix_len: len, flags: 0xc0, valid_lifetime: 1, preferred_lifetime: 1 };
        m.prefixes = vec![p("2001:db8:1::", 64), p("fd00:1::", 64)];
        let mut out = Vec::new();
        // The link-local is EUI-64 of another MAC (the router's WAN port, say).
        observe(&cx("50:c7:bf:00:00:01", "fe80::52c7:bfff:fe00:2"), &m, &mut out);
        let r = s("50:c7:bf:00:00:01");
        let list = |v: &[&str]| AttrValue::List(v.iter().map(|x| x.to_string()).collect());
        assert_eq!(
            facts(&out),
            vec![
                (r.clone(), Fact::Present),
                (r.clone(), Fact::Role(Role::Router)),
                (r.clone(), Fact::Attr("router_lifetime", AttrValue::Int(1800))),
                (r.clone(), Fact::Attr("ra_flags", list(&["other"]))),
                (r.clone(), Fact::Attr("mtu", AttrValue::Int(1492))),
                (r.clone(), Fact::Attr("prefixes", list(&["2001:db8:1::/64", "fd00:1::/64"]))),
                (r.clone(), Fact::Ipv6(ip("fe80::52c7:bfff:fe00:2"))),
                (r, claim("50:c7:bf:00:00:02")),
            ]
        );
    }

    #[test]
    fn neighbor_advert_binds_target_and_router_flag() {
        let mut m = repr(NdMessage::NeighborAdvert {
            flags: na_flag::ROUTER | na_flag::OVERRIDE,
            target: ip("fe80::c000:54ff:fef5:0"),
        });
        m.target_lla = Some(vec![0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00]);
        let mut out = Vec::new();
        observe(&cx("c2:00:54:f5:00:00", "fe80::c000:54ff:fef5:0"), &m, &mut out);
        let r = s("c2:00:54:f5:00:00");
        assert_eq!(
            facts(&out),
            vec![
                (r.clone(), Fact::Present),
                (r.clone(), Fact::Role(Role::Router)),
                (r.clone(), Fact::Ipv6(ip("fe80::c000:54ff:fef5:0"))),
                (r, Fact::Attr("eui64", yes())),
            ]
        );
    }

    #[test]
    fn neighbor_advert_without_tlla_uses_frame_source_and_proxy_binds_nothing() {
        let m = repr(NdMessage::NeighborAdvert { flags: na_flag::SOLICITED, target: ip("2001:db8::7") });
        let mut out = Vec::new();
        observe(&cx("00:1d:0f:00:00:07", "2001:db8::7"), &m, &mut out);
        assert_eq!(facts(&out)[1], (s("00:1d:0f:00:00:07"), Fact::Ipv6(ip("2001:db8::7"))));
        let mut m = repr(NdMessage::NeighborAdvert { flags: na_flag::SOLICITED, target: ip("2001:db8::8") });
        m.target_lla = Some(vec![0x00, 0x1d, 0x0f, 0x00, 0x00, 0x07]);
        let mut out = Vec::new();
        observe(&cx("00:1d:0f:00:00:07", "fe80::1"), &m, &mut out);
        assert_eq!(facts(&out), vec![(s("00:1d:0f:00:00:07"), Fact::Present)], "a proxy answer");
    }

    #[test]
    fn redirect_only_marks_presence() {
        let m = repr(NdMessage::Redirect { target: ip("fe80::1"), destination: ip("2001:db8::5") });
        let mut out = Vec::new();
        observe(&cx("00:1d:0f:00:00:01", "fe80::1"), &m, &mut out);
        assert_eq!(facts(&out), vec![(s("00:1d:0f:00:00:01"), Fact::Present)]);
    }

    #[test]
    fn handle_other_types_empty_payloads_and_bad_options() {
        let c = cx("00:1d:0f:00:00:01", "fe80::1");
        let mut out = Vec::new();
        assert_eq!(handle(&c, &[128, 0, 0, 0, 0, 1, 0, 1], &mut out), Ok(()));
        assert_eq!(handle(&c, &[], &mut out), Ok(()));
        assert!(out.is_empty());
        // An RS with a good SLLA, then a zero-length option: facts kept, error reported.
        let b = [133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0x1d, 0x0f, 0, 0, 1, 9, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(handle(&c, &b, &mut out), Err(WireError::Invalid("ND option length")));
        assert!(out.contains(&c.obs(mac("00:1d:0f:00:00:01"), Protocol::Ndp, Fact::Ipv6(ip("fe80::1")))));
        assert!(matches!(handle(&c, &[136, 0, 0], &mut out), Err(WireError::Truncated { .. })));
    }

    #[test]
    fn no_link_layer_source_uses_the_option() {
        let mut m = repr(NdMessage::RouterSolicit);
        m.source_lla = Some(vec![0x00, 0x1d, 0x0f, 0x00, 0x00, 0x05]);
        let c = Context { src_ip: Some(IpAddr::V6(ip("fe80::5"))), ..Context::at(Timestamp(7)) };
        let mut out = Vec::new();
        observe(&c, &m, &mut out);
        assert_eq!(facts(&out), vec![(s("00:1d:0f:00:00:05"), Fact::Ipv6(ip("fe80::5")))]);
    }
}
