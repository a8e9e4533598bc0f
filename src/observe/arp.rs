//! ARP → observations.

use super::{Context, Fact, Note, Observation, Outcome, Protocol};
use crate::wire::arp::{self, Arp, ArpRepr};

/// Parses an ARP payload and records what it says.
pub fn handle(cx: &Context, payload: &[u8], out: &mut Vec<Observation>) -> Outcome {
    if let Arp::EthernetIpv4(a) = arp::parse(payload)? {
        observe(cx, &a, out);
    }
    Ok(())
}

/// Requests, replies and gratuitous ARP bind the sender's MAC to its IPv4 address; a
/// probe (sender 0.0.0.0) binds nothing. Targets are never bound: a request's target
/// may be stale or absent. When the frame came from another MAC than the ARP sender,
/// the binding is kept and the mismatch noted on the sender.
pub fn observe(cx: &Context, arp: &ArpRepr, out: &mut Vec<Observation>) {
    let mac = arp.sender_mac;
    if !mac.is_device() {
        return;
    }
    if arp.is_probe() {
        out.push(cx.obs(mac, Protocol::Arp, Fact::Present));
        return;
    }
    out.push(cx.obs(mac, Protocol::Arp, Fact::Ipv4(arp.sender_ip)));
    if let Some(src) = cx.src_mac.filter(|s| *s != mac) {
        let note = Note::ArpSenderMismatch { ip: arp.sender_ip, frame_source: src };
        out.push(cx.obs(mac, Protocol::Arp, Fact::Note(note)));
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::mac::MacAddr;
    use crate::timestamp::Timestamp;
    use crate::wire::arp::Operation;

    fn arp(sender_ip: Ipv4Addr, target_ip: Ipv4Addr) -> ArpRepr {
        ArpRepr {
            operation: Operation::Request,
            sender_mac: "50:c7:bf:00:00:01".parse().unwrap(),
            sender_ip,
            target_mac: MacAddr::ZERO,
            target_ip,
        }
    }

    fn cx(src: Option<MacAddr>) -> Context {
        Context { src_mac: src, ..Context::at(Timestamp(1)) }
    }

    #[test]
    fn binds_sender_only() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        observe(&cx(Some(a.sender_mac)), &a, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].fact, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(out[0].mac, a.sender_mac);
    }

    #[test]
    fn probe_binds_nothing() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::UNSPECIFIED, Ipv4Addr::new(10, 0, 0, 9));
        observe(&cx(Some(a.sender_mac)), &a, &mut out);
        assert_eq!(out.iter().map(|o| &o.fact).collect::<Vec<_>>(), vec![&Fact::Present]);
    }

    #[test]
    fn mismatched_frame_source_is_noted() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        let other: MacAddr = "de:ad:be:ef:00:01".parse().unwrap();
        observe(&cx(Some(other)), &a, &mut out);
        assert_eq!(out.len(), 2);
        assert!(matches!(out[1].fact, Fact::Note(Note::ArpSenderMismatch { frame_source, .. }) if frame_source == other));
    }

    #[test]
    fn multicast_sender_is_ignored() {
        let mut out = Vec::new();
        let mut a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        a.sender_mac = MacAddr::BROADCAST;
        observe(&cx(None), &a, &mut out);
        assert!(out.is_empty());
    }
}
