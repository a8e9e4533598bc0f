//! TCP headers (the few flows quietwire reads: Kasa on 9999, UPnP descriptions).

use super::{WireError, be16, need};

mod field {
    pub const SRC_PORT: usize = 0;
    pub const DST_PORT: usize = 2;
    pub const SEQ: core::ops::Range<usize> = 4..8;
    pub const DATA_OFF: usize = 12;
    pub const FLAGS: usize = 13;
    pub const MIN_LEN: usize = 20;
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const ACK: u8 = 0x10;

#[derive(Copy, Clone, Debug)]
pub struct TcpSegment<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub flags: u8,
    pub payload: &'a [u8],
}

pub fn parse(b: &[u8]) -> Result<TcpSegment<'_>, WireError> {
    need(b, field::MIN_LEN)?;
    let hlen = ((b[field::DATA_OFF] >> 4) as usize) * 4;
    if hlen < field::MIN_LEN {
        return Err(WireError::Invalid("TCP data offset"));
    }
    need(b, hlen)?;
    let s = &b[field::SEQ];
    Ok(TcpSegment {
        src_port: be16(b, field::SRC_PORT),
        dst_port: be16(b, field::DST_PORT),
        seq: u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        flags: b[field::FLAGS],
        payload: &b[hlen..],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 49152 → 9999, seq 1000, PSH|ACK, 24-byte header (one 4-byte option), 3 bytes payload.
    const SEGMENT: [u8; 27] = [
        0xc0, 0x00, 0x27, 0x0f, 0x00, 0x00, 0x03, 0xe8, 0, 0, 0, 0, 0x60, 0x18, 0xff, 0xff, 0, 0, 0, 0, //
        0x01, 0x01, 0x01, 0x00, //
        b'a', b'b', b'c',
    ];

    #[test]
    fn fields() {
        let t = parse(&SEGMENT).unwrap();
        assert_eq!((t.src_port, t.dst_port, t.seq), (49152, 9999, 1000));
        assert_eq!(t.flags, 0x18);
        assert_eq!(t.payload, b"abc");
    }

    #[test]
    fn bad_offsets() {
        let mut b = SEGMENT;
        b[12] = 0x40;
        assert_eq!(parse(&b).unwrap_err(), WireError::Invalid("TCP data offset"));
        b[12] = 0xf0;
        assert!(matches!(parse(&b), Err(WireError::Truncated { needed: 60, .. })));
        assert!(parse(&SEGMENT[..19]).is_err());
    }
}
