//! IPv4, IPv6, UDP and TCP parsers on arbitrary bytes, then UDP and TCP on each IP
//! payload: no panic, every payload lies within the input, lengths agree with the headers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::{ipv4::Ipv4Packet, ipv6, tcp, udp};
use quietwire_fuzz::within;

fn check_transport(buf: &[u8]) {
    check_udp(buf);
    if let Ok(t) = tcp::parse(buf) {
        let hlen = (buf[12] >> 4) as usize * 4;
        assert!(hlen >= 20 && buf.len() >= hlen);
        assert_eq!(t.payload, &buf[hlen..]);
        assert_eq!(t.src_port, u16::from_be_bytes([buf[0], buf[1]]));
        assert_eq!(t.dst_port, u16::from_be_bytes([buf[2], buf[3]]));
        assert_eq!(t.seq, u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]));
        assert_eq!(t.flags, buf[13]);
    }
}

fn check_udp(buf: &[u8]) {
    if let Ok(u) = udp::parse(buf) {
        assert!(buf.len() >= 8);
        assert!(within(&buf[8..], u.payload), "UDP payload outside its datagram");
        assert_eq!(u.payload.as_ptr(), buf[8..].as_ptr());
        let claimed = u16::from_be_bytes([buf[4], buf[5]]) as usize;
        if claimed != 0 {
            assert_eq!(u.payload.len(), claimed.min(buf.len()) - 8);
        }
        assert_eq!(u.src_port, u16::from_be_bytes([buf[0], buf[1]]));
        assert_eq!(u.dst_port, u16::from_be_bytes([buf[2], buf[3]]));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Ipv4Packet::new_checked(data) {
        let ihl = (data[0] & 0x0f) as usize * 4;
        assert_eq!(data[0] >> 4, 4);
        assert!(ihl >= 20 && data.len() >= ihl);
        let payload = p.payload();
        assert!(within(&data[ihl..], payload), "IPv4 payload outside the packet");
        assert_eq!(payload.as_ptr(), data[ihl..].as_ptr());
        assert_eq!(&p.src().octets()[..], &data[12..16]);
        assert_eq!(&p.dst().octets()[..], &data[16..20]);
        assert_eq!(p.protocol(), data[9]);
        let _ = p.is_later_fragment();
        check_transport(payload);
    }
    if let Ok(p) = ipv6::parse(data) {
        assert!(data.len() >= 40 && data[0] >> 4 == 6);
        assert!(within(&data[40..], p.payload), "IPv6 payload outside the packet");
        assert_eq!(&p.src.octets()[..], &data[8..24]);
        assert_eq!(&p.dst.octets()[..], &data[24..40]);
        check_transport(p.payload);
    }
    check_transport(data);
});
