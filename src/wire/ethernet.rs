//! Ethernet II and IEEE 802.1Q / 802.1ad (QinQ) tags.

use super::{WireError, be16, need};
use crate::mac::MacAddr;

mod field {
    pub const DST: core::ops::Range<usize> = 0..6;
    pub const SRC: core::ops::Range<usize> = 6..12;
    pub const ETHERTYPE: usize = 12;
    pub const PAYLOAD: usize = 14;
    /// A VLAN tag: TCI (2 bytes) then the next EtherType (2 bytes).
    pub const TAG_LEN: usize = 4;
}

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
pub const ETHERTYPE_VLAN: u16 = 0x8100;
pub const ETHERTYPE_QINQ: u16 = 0x88a8;
pub const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
pub const ETHERTYPE_QINQ_OLD2: u16 = 0x9200;

/// Tags kept per frame; deeper stacks are decoded but only the first tags are recorded.
pub const MAX_VLAN_TAGS: usize = 4;

/// VLAN IDs of a frame, outermost first.
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq)]
pub struct VlanStack {
    ids: [u16; MAX_VLAN_TAGS],
    len: u8,
}

impl VlanStack {
    pub fn push(&mut self, id: u16) {
        if (self.len as usize) < MAX_VLAN_TAGS {
            self.ids[self.len as usize] = id;
            self.len += 1;
        }
    }
    pub fn as_slice(&self) -> &[u16] {
        &self.ids[..self.len as usize]
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The innermost tag: the VLAN the device's own access port assigns.
    pub fn inner(&self) -> Option<u16> {
        self.as_slice().last().copied()
    }
}

pub fn is_vlan_ethertype(t: u16) -> bool {
    matches!(t, ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD | ETHERTYPE_QINQ_OLD2)
}

/// A checked view of an Ethernet II header.
#[derive(Copy, Clone, Debug)]
pub struct EthernetFrame<'a> {
    buf: &'a [u8],
}

impl<'a> EthernetFrame<'a> {
    pub fn new_checked(buf: &'a [u8]) -> Result<Self, WireError> {
        need(buf, field::PAYLOAD)?;
        Ok(EthernetFrame { buf })
    }
    pub fn dst(&self) -> MacAddr {
        MacAddr::from_slice(&self.buf[field::DST]).unwrap_or_default()
    }
    pub fn src(&self) -> MacAddr {
        MacAddr::from_slice(&self.buf[field::SRC]).unwrap_or_default()
    }
    pub fn ethertype(&self) -> u16 {
        be16(self.buf, field::ETHERTYPE)
    }
    pub fn payload(&self) -> &'a [u8] {
        &self.buf[field::PAYLOAD..]
    }
}

/// Walks VLAN tags starting at `ethertype` / `payload`, returning the inner EtherType and
/// payload. Tag stacks deeper than the frame allows end in a truncation error.
pub fn strip_vlans<'a>(
    mut ethertype: u16,
    mut payload: &'a [u8],
    vlans: &mut VlanStack,
) -> Result<(u16, &'a [u8]), WireError> {
    while is_vlan_ethertype(ethertype) {
        need(payload, field::TAG_LEN)?;
        vlans.push(be16(payload, 0) & 0x0fff);
        ethertype = be16(payload, 2);
        payload = &payload[field::TAG_LEN..];
    }
    Ok((ethertype, payload))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outer 802.1ad tag VLAN 100, inner 802.1Q VLAN 30, then ARP.
    const QINQ_ARP_HEAD: [u8; 22] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // dst
        0x9c, 0x53, 0x22, 0xaa, 0xbb, 0xcc, // src
        0x88, 0xa8, 0x00, 0x64, // S-tag, VLAN 100
        0x81, 0x00, 0x20, 0x1e, // C-tag, PCP 1, VLAN 30
        0x08, 0x06, // ARP
    ];

    #[test]
    fn qinq_tags_are_walked() {
        let f = EthernetFrame::new_checked(&QINQ_ARP_HEAD).unwrap();
        assert_eq!(f.src().to_string(), "9c:53:22:aa:bb:cc");
        assert!(f.dst().is_multicast());
        let mut v = VlanStack::default();
        let (t, rest) = strip_vlans(f.ethertype(), f.payload(), &mut v).unwrap();
        assert_eq!(t, ETHERTYPE_ARP);
        assert!(rest.is_empty());
        assert_eq!(v.as_slice(), &[100, 30]);
        assert_eq!(v.inner(), Some(30));
    }

    #[test]
    fn short_frames_are_errors() {
        assert_eq!(EthernetFrame::new_checked(&QINQ_ARP_HEAD[..13]).unwrap_err(), WireError::Truncated { needed: 14, got: 13 });
        let f = EthernetFrame::new_checked(&QINQ_ARP_HEAD[..16]).unwrap();
        assert!(strip_vlans(f.ethertype(), f.payload(), &mut VlanStack::default()).is_err());
    }

    #[test]
    fn stack_keeps_first_tags_only() {
        let mut v = VlanStack::default();
        for i in 0..10 {
            v.push(i);
        }
        assert_eq!(v.as_slice(), &[0, 1, 2, 3]);
    }
}
