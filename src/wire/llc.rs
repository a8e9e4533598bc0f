//! IEEE 802.3 frames with an 802.2 LLC header, and SNAP (CDP rides on SNAP 00:00:0c/0x2000).

use super::{WireError, be16, need};

mod field {
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    pub const CONTROL: usize = 2;
    pub const LLC_LEN: usize = 3;
    pub const SNAP_OUI: core::ops::Range<usize> = 3..6;
    pub const SNAP_PID: usize = 6;
    pub const SNAP_LEN: usize = 8;
}

/// EtherType values below this are 802.3 lengths.
pub const MAX_8023_LENGTH: u16 = 1500;
const SAP_SNAP: u8 = 0xaa;

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub struct Llc<'a> {
    pub dsap: u8,
    pub ssap: u8,
    /// SNAP organisation code and protocol ID, when DSAP and SSAP are 0xAA.
    pub snap: Option<(u32, u16)>,
    pub payload: &'a [u8],
}

/// Parses the LLC (and SNAP) header of an 802.3 frame whose length field was `len`.
pub fn parse(b: &[u8], len: u16) -> Result<Llc<'_>, WireError> {
    // The length field excludes padding; never trust it beyond what was captured.
    let b = &b[..(len as usize).min(b.len())];
    need(b, field::LLC_LEN)?;
    let (dsap, ssap) = (b[field::DSAP], b[field::SSAP]);
    // Only unnumbered (1-byte) control fields carry the protocols quietwire reads.
    if b[field::CONTROL] & 0x03 != 0x03 || dsap != SAP_SNAP || ssap != SAP_SNAP {
        return Ok(Llc { dsap, ssap, snap: None, payload: &b[field::LLC_LEN..] });
    }
    need(b, field::SNAP_LEN)?;
    let o = &b[field::SNAP_OUI];
    let oui = u32::from_be_bytes([0, o[0], o[1], o[2]]);
    Ok(Llc { dsap, ssap, snap: Some((oui, be16(b, field::SNAP_PID))), payload: &b[field::SNAP_LEN..] })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDP_SNAP: [u8; 12] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 0x02, 0xb4, 0x00, 0x00];

    #[test]
    fn snap_header() {
        let l = parse(&CDP_SNAP, 10).unwrap();
        assert_eq!(l.snap, Some((0x00000c, 0x2000)));
        assert_eq!(l.payload, &[0x02, 0xb4], "length field cuts the padding");
    }

    #[test]
    fn plain_llc_and_truncation() {
        let stp = [0x42, 0x42, 0x03, 0x00, 0x00];
        let l = parse(&stp, 5).unwrap();
        assert_eq!((l.dsap, l.snap), (0x42, None));
        assert!(parse(&CDP_SNAP[..6], 38).is_err());
        assert!(parse(&CDP_SNAP, 2).is_err());
    }
}
