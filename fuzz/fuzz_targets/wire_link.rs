//! Ethernet (with VLAN tag stripping and 802.2 LLC/SNAP) and Linux cooked v1/v2 headers on
//! arbitrary bytes: no panic, payloads within the input, VLAN stacks bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::ethernet::{EthernetFrame, MAX_VLAN_TAGS, VlanStack, is_vlan_ethertype, strip_vlans};
use quietwire::wire::{llc, sll};
use quietwire_fuzz::within;

fn check_vlans(ethertype: u16, payload: &[u8]) {
    let mut v = VlanStack::default();
    match strip_vlans(ethertype, payload, &mut v) {
        Ok((t, rest)) => {
            assert!(!is_vlan_ethertype(t), "stopped on a VLAN ethertype {t:#06x}");
            assert!(within(payload, rest));
            let tags = (payload.len() - rest.len()) / 4;
            assert_eq!((payload.len() - rest.len()) % 4, 0);
            assert_eq!(v.as_slice().len(), tags.min(MAX_VLAN_TAGS));
            assert_eq!(v.is_empty(), tags == 0);
            assert_eq!(v.inner(), v.as_slice().last().copied());
        }
        Err(_) => assert!(is_vlan_ethertype(ethertype)),
    }
    // Whatever follows the header may be an 802.3 length and an LLC header.
    let len = ethertype.min(llc::MAX_8023_LENGTH);
    if let Ok(l) = llc::parse(payload, len) {
        let limit = (len as usize).min(payload.len());
        assert!(within(&payload[..limit], l.payload), "LLC payload beyond the 802.3 length");
        assert_eq!((l.dsap, l.ssap), (payload[0], payload[1]));
        if let Some((oui, _)) = l.snap {
            assert!(oui <= 0x00ff_ffff);
            assert_eq!(l.payload.len() + 8, limit);
        }
    }
    assert!(v.as_slice().len() <= MAX_VLAN_TAGS);
    assert!(v.as_slice().iter().all(|&id| id <= 0x0fff));
}

fuzz_target!(|data: &[u8]| {
    match EthernetFrame::new_checked(data) {
        Ok(f) => {
            assert_eq!(&f.dst().0[..], &data[0..6]);
            assert_eq!(&f.src().0[..], &data[6..12]);
            assert_eq!(f.ethertype(), u16::from_be_bytes([data[12], data[13]]));
            assert_eq!(f.payload(), &data[14..]);
            check_vlans(f.ethertype(), f.payload());
        }
        Err(_) => assert!(data.len() < 14),
    }
    for (hdr, parsed) in [(16, sll::parse_v1(data)), (20, sll::parse_v2(data))] {
        match parsed {
            Ok(c) => {
                assert_eq!(c.payload, &data[hdr..]);
                check_vlans(c.protocol, c.payload);
                if let Some(mac) = c.src {
                    let at = if hdr == 16 { 6 } else { 12 };
                    assert_eq!(&mac.0[..], &data[at..at + 6]);
                }
            }
            Err(_) => assert!(data.len() < hdr),
        }
    }
});
