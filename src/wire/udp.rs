//! UDP headers.

use super::{WireError, be16, need};

mod field {
    pub const SRC_PORT: usize = 0;
    pub const DST_PORT: usize = 2;
    pub const LENGTH: usize = 4;
    pub const LEN: usize = 8;
}

#[derive(Copy, Clone, Debug)]
pub struct UdpDatagram<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    /// Clamped to the UDP length field and to what was captured.
    pub payload: &'a [u8],
}

pub fn parse(buf: &[u8]) -> Result<UdpDatagram<'_>, WireError> {
    need(buf, field::LEN)?;
    let len = be16(buf, field::LENGTH) as usize;
    // Length 0 is legal for jumbograms over IPv6; otherwise it must cover the header.
    let end = match len {
        0 => buf.len(),
        l if l < field::LEN => return Err(WireError::Invalid("UDP length")),
        l => l.min(buf.len()),
    };
    Ok(UdpDatagram {
        src_port: be16(buf, field::SRC_PORT),
        dst_port: be16(buf, field::DST_PORT),
        payload: &buf[field::LEN..end],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DHCP_HEAD: [u8; 12] = [0x00, 0x44, 0x00, 0x43, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xff, 0xff];

    #[test]
    fn ports_and_clamped_payload() {
        let d = parse(&DHCP_HEAD).unwrap();
        assert_eq!((d.src_port, d.dst_port), (68, 67));
        assert_eq!(d.payload, &[0x01, 0x01]);
    }

    #[test]
    fn bad_lengths() {
        assert!(parse(&DHCP_HEAD[..7]).is_err());
        let mut b = DHCP_HEAD;
        b[5] = 4;
        assert_eq!(parse(&b).unwrap_err(), WireError::Invalid("UDP length"));
    }
}
