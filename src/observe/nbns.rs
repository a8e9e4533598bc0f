//! NetBIOS name service (UDP 137) → observations, all about the sender (`cx.src_mac`)
//! except a node status table's MAC, which is kept as a claim.
//!
//! * Registrations, refreshes and releases (requests) come from the name's owner: a
//!   unique name with suffix 0x00 (workstation) or 0x20 (file server) is its host name;
//!   an NB address equal to the packet's source is its address. A workgroup or domain
//!   name (group 0x00 or 0x1e, or the local master browser's unique 0x1d) is the
//!   `nbns.workgroup` attribute.
//! * A positive name query response is the owner's only when it lists the packet's own
//!   source address: a WINS server answers for other hosts from its own address.
//! * A node status response lists the responder's name table (`nbns.names`), giving
//!   host name and workgroup the same way, and its unit ID (MAC): when that differs
//!   from the frame's source it is a `Note::ClaimedMac`, never merged. All-zero unit IDs
//!   (Samba) are ignored.
//! * Queries only show that the sender speaks NBNS.

use std::net::{IpAddr, Ipv4Addr};

use super::mdns::usable_v4;
use super::text::clean;
use super::{AttrValue, Context, Fact, Note, Observation, Outcome, Protocol};
use crate::wire::nbns::{self, Message, NbData, Opcode, TYPE_NB};

/// Suffixes of unique names that name the host: workstation and server services.
const HOST_SUFFIXES: [u8; 2] = [0x00, 0x20];
/// Suffixes of group names that name the workgroup or domain: members, browser election.
const WORKGROUP_GROUP_SUFFIXES: [u8; 2] = [0x00, 0x1e];
/// Unique suffix registered by the workgroup's local master browser.
const MASTER_BROWSER_SUFFIX: u8 = 0x1d;

pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    let m = nbns::parse(payload)?;
    observe(cx, &m, out);
    match m.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What one name says about its owner.
fn name_fact(name: &[u8], suffix: u8, group: bool) -> Option<Fact> {
    let n = clean(name);
    if n.is_empty() {
        return None;
    }
    if !group && HOST_SUFFIXES.contains(&suffix) {
        Some(Fact::Hostname(n))
    } else if (group && WORKGROUP_GROUP_SUFFIXES.contains(&suffix)) || (!group && suffix == MASTER_BROWSER_SUFFIX) {
        Some(Fact::Attr("workgroup", AttrValue::Text(n)))
    } else {
        None
    }
}

pub fn observe(cx: &Context, m: &Message, out: &mut Vec<Observation>) {
    let Some(mac) = cx.src_mac else { return };
    // One message can repeat a fact (`NAME<00>` and `NAME<20>`): each is pushed once.
    let mut facts = vec![Fact::Present];
    let mut push = |fact: Fact| {
        if !facts.contains(&fact) {
            facts.push(fact);
        }
    };
    let src = match cx.src_ip {
        Some(IpAddr::V4(a)) => Some(a),
        _ => None,
    };
    let own_addr = |a: Ipv4Addr| Some(a) == src && usable_v4(a);
    let claims =
        matches!(m.opcode, Opcode::Registration | Opcode::Refresh | Opcode::Release | Opcode::MultihomedRegistration);
    for r in &m.records {
        match &r.data {
            NbData::Nb(addrs) if r.rtype == TYPE_NB => {
                let Some(first) = addrs.first() else { continue };
                let owner = if m.response {
                    m.opcode == Opcode::Query && m.rcode == 0 && !first.group && addrs.iter().any(|a| own_addr(a.addr))
                } else {
                    claims
                };
                if !owner {
                    continue;
                }
                if let Some(f) = name_fact(r.name.name(), r.name.suffix(), first.group) {
                    push(f);
                }
                if let Some(a) = addrs.iter().map(|a| a.addr).find(|a| own_addr(*a)) {
                    push(Fact::Ipv4(a));
                }
            }
            NbData::NodeStatus { names, unit_id } if m.response => {
                let mut list = Vec::with_capacity(names.len());
                for n in names {
                    list.push(format!(
                        "{}<{:02x}>{}",
                        clean(n.name()),
                        n.suffix(),
                        if n.group() { " group" } else { "" }
                    ));
                    if let Some(f) = name_fact(n.name(), n.suffix(), n.group()) {
                        push(f);
                    }
                }
                if !list.is_empty() {
                    push(Fact::Attr("names", AttrValue::List(list)));
                }
                if let Some(u) = unit_id.filter(|u| u.is_device() && *u != mac) {
                    push(Fact::Note(Note::ClaimedMac { protocol: Protocol::Nbns, mac: u }));
                }
            }
            _ => {}
        }
    }
    out.extend(facts.into_iter().map(|f| cx.obs(mac, Protocol::Nbns, f)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;
    use crate::wire::dns::tests::unhex;
    use crate::wire::nbns::tests::{NODE_STATUS, POSITIVE_RESPONSE, REGISTRATION};

    /// Frame 26 of suricata-verify `smb2-ntlmssp-negotiateflags`: the group name
    /// `WORKGROUP<00>` registered by 192.168.199.133.
    const GROUP_REGISTRATION: &str = "a7852910000100000000000120464845504643454c4548464345504646464143414341434143414341434141410000200001c00c00200001000493e000068000c0a8c785";

    fn mac() -> MacAddr {
        "00:0c:29:61:f5:5f".parse().unwrap()
    }

    fn run(src: &str, hex: &str) -> (Vec<Fact>, Outcome) {
        let cx = Context { src_mac: Some(mac()), src_ip: Some(src.parse().unwrap()), ..Context::at(Timestamp(2)) };
        let mut out = Vec::new();
        let r = handle(&cx, &unhex(hex), &mut out);
        assert!(out.iter().all(|o| o.mac == mac() && o.protocol == Protocol::Nbns));
        (out.into_iter().map(|o| o.fact).collect(), r)
    }

    fn text(k: &'static str, v: &str) -> Fact {
        Fact::Attr(k, AttrValue::Text(v.into()))
    }

    #[test]
    fn registrations_give_host_name_workgroup_and_address() {
        let ip = Fact::Ipv4(Ipv4Addr::new(192, 168, 199, 133));
        let (f, r) = run("192.168.199.133", REGISTRATION);
        assert_eq!(r, Ok(()));
        assert_eq!(f, vec![Fact::Present, Fact::Hostname("DESKTOP-V1FA0UQ".into()), ip.clone()]);
        assert_eq!(
            run("192.168.199.133", GROUP_REGISTRATION).0,
            vec![Fact::Present, text("workgroup", "WORKGROUP"), ip]
        );
        // Registered from another address (a relay): the name, not the address.
        assert_eq!(run("10.0.0.1", REGISTRATION).0, vec![Fact::Present, Fact::Hostname("DESKTOP-V1FA0UQ".into())]);
    }

    #[test]
    fn positive_response_is_the_owners_only_from_a_listed_address() {
        let (f, _) = run("192.168.199.1", POSITIVE_RESPONSE);
        assert_eq!(f, vec![Fact::Present, Fact::Hostname("SCV".into()), Fact::Ipv4(Ipv4Addr::new(192, 168, 199, 1))]);
        // A WINS server answering for SCV from its own address.
        assert_eq!(run("192.168.199.2", POSITIVE_RESPONSE).0, vec![Fact::Present]);
    }

    #[test]
    fn node_status_lists_names_and_claims_the_unit_id() {
        let (f, r) = run("192.168.199.50", NODE_STATUS);
        assert_eq!(r, Ok(()));
        let names = ["NAS<00>", "NAS<03>", "NAS<20>", "WORKGROUP<00> group", "WORKGROUP<1e> group"];
        assert_eq!(
            f,
            vec![
                Fact::Present,
                Fact::Hostname("NAS".into()),
                text("workgroup", "WORKGROUP"),
                Fact::Attr("names", AttrValue::List(names.iter().map(|s| s.to_string()).collect())),
                Fact::Note(Note::ClaimedMac { protocol: Protocol::Nbns, mac: "00:11:32:a1:b2:c3".parse().unwrap() }),
            ]
        );
    }

    #[test]
    fn queries_and_broken_messages() {
        let mut b = unhex(REGISTRATION);
        b[2] = 0x01; // opcode 0: a query (with a stray additional record)
        let cx = Context {
            src_mac: Some(mac()),
            src_ip: Some("192.168.199.133".parse().unwrap()),
            ..Context::at(Timestamp(2))
        };
        let mut out = Vec::new();
        assert_eq!(handle(&cx, &b, &mut out), Ok(()));
        assert_eq!(out.len(), 1);
        let mut out = Vec::new();
        let b = unhex(REGISTRATION);
        assert!(handle(&cx, &b[..b.len() - 1], &mut out).is_err());
        assert_eq!(out.len(), 1, "the sender still takes part");
        assert!(handle(&cx, &b[..5], &mut Vec::new()).is_err());
    }
}
