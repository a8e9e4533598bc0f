//! `wire::arp::parse` on arbitrary bytes: no panic, and what it returns agrees with the
//! bytes it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::arp::{self, Arp, Operation};

fuzz_target!(|data: &[u8]| {
    match arp::parse(data) {
        Ok(Arp::EthernetIpv4(r)) => {
            assert!(data.len() >= 28);
            assert_eq!(&data[0..6], &[0, 1, 8, 0, 6, 4]);
            let op = u16::from_be_bytes([data[6], data[7]]);
            assert_eq!(r.operation, Operation::from(op));
            assert_eq!(&r.sender_mac.0[..], &data[8..14]);
            assert_eq!(&r.sender_ip.octets()[..], &data[14..18]);
            assert_eq!(&r.target_mac.0[..], &data[18..24]);
            assert_eq!(&r.target_ip.octets()[..], &data[24..28]);
            assert!(!(r.is_probe() && r.is_gratuitous()), "a probe is never gratuitous");
        }
        Ok(Arp::Other { htype, ptype }) => {
            let body = 2 * (data[4] as usize + data[5] as usize);
            assert!(data.len() >= 8 + body);
            assert_eq!(htype, u16::from_be_bytes([data[0], data[1]]));
            assert_eq!(ptype, u16::from_be_bytes([data[2], data[3]]));
            assert!(htype != 1 || ptype != 0x0800 || data[4] != 6 || data[5] != 4);
        }
        Err(_) => {
            // Rejected only when shorter than what its header claims.
            let needed = match data.get(..6) {
                Some([0, 1, 8, 0, 6, 4]) => 28,
                Some(h) => 8 + 2 * (h[4] as usize + h[5] as usize),
                None => 8,
            };
            assert!(data.len() < needed.max(8), "rejected {} bytes (needed {needed})", data.len());
        }
    }
});
