//! ARP → observations.

use super::{Fact, Note, Observation, Protocol};
use crate::mac::MacAddr;
use crate::timestamp::Timestamp;
use crate::wire::arp::ArpRepr;

/// Requests, replies and gratuitous ARP bind the sender's MAC to its IPv4 address; a
/// probe (sender 0.0.0.0) binds nothing. Targets are never bound: a request's target
/// may be stale or absent. When the frame came from another MAC than the ARP sender,
/// the binding is kept and the mismatch noted on the sender.
pub fn observe(ts: Timestamp, frame_src: Option<MacAddr>, arp: &ArpRepr, out: &mut Vec<Observation>) {
    let mac = arp.sender_mac;
    if !mac.is_device() {
        return;
    }
    let obs = |fact| Observation { ts, mac, protocol: Protocol::Arp, fact };
    if arp.is_probe() {
        out.push(obs(Fact::Present));
        return;
    }
    out.push(obs(Fact::Ipv4(arp.sender_ip)));
    if let Some(src) = frame_src.filter(|s| *s != mac) {
        out.push(obs(Fact::Note(Note::ArpSenderMismatch { ip: arp.sender_ip, frame_source: src })));
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
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

    #[test]
    fn binds_sender_only() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        observe(Timestamp(1), Some(a.sender_mac), &a, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].fact, Fact::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(out[0].mac, a.sender_mac);
    }

    #[test]
    fn probe_binds_nothing() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::UNSPECIFIED, Ipv4Addr::new(10, 0, 0, 9));
        observe(Timestamp(1), Some(a.sender_mac), &a, &mut out);
        assert_eq!(out.iter().map(|o| &o.fact).collect::<Vec<_>>(), vec![&Fact::Present]);
    }

    #[test]
    fn mismatched_frame_source_is_noted() {
        let mut out = Vec::new();
        let a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        let other: MacAddr = "de:ad:be:ef:00:01".parse().unwrap();
        observe(Timestamp(1), Some(other), &a, &mut out);
        assert_eq!(out.len(), 2);
        assert!(matches!(out[1].fact, Fact::Note(Note::ArpSenderMismatch { frame_source, .. }) if frame_source == other));
    }

    #[test]
    fn multicast_sender_is_ignored() {
        let mut out = Vec::new();
        let mut a = arp(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1));
        a.sender_mac = MacAddr::BROADCAST;
        observe(Timestamp(1), None, &a, &mut out);
        assert!(out.is_empty());
    }
}
