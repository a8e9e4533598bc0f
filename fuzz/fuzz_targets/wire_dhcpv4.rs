//! `wire::dhcpv4::parse` on arbitrary bytes: no panic; an accepted message has a valid
//! fixed header, its fields match the bytes, and every kept value respects its limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::dhcpv4::{self, MAX_OPTIONS, MAX_OPTION_LEN};

fuzz_target!(|data: &[u8]| {
    let header_ok = data.len() >= 240 && data[2] <= 16 && data[236..240] == [99, 130, 83, 99];
    match dhcpv4::parse(data) {
        Ok(m) => {
            assert!(header_ok);
            assert_eq!(m.op, data[0]);
            assert_eq!(m.htype, data[1]);
            assert_eq!(m.chaddr, &data[28..28 + data[2] as usize]);
            assert_eq!(m.xid, u32::from_be_bytes([data[4], data[5], data[6], data[7]]));
            assert_eq!(&m.ciaddr.octets()[..], &data[12..16]);
            assert_eq!(&m.yiaddr.octets()[..], &data[16..20]);
            assert_eq!(&m.siaddr.octets()[..], &data[20..24]);
            assert_eq!(&m.giaddr.octets()[..], &data[24..28]);
            assert!(m.option_order.len() <= MAX_OPTIONS);
            let mut seen = [false; 256];
            for &c in &m.option_order {
                assert!(!seen[c as usize], "option {c} listed twice in {:?}", m.option_order);
                assert!(c != 0 && c != 255, "pad/end recorded as an option");
                seen[c as usize] = true;
            }
            for v in [&m.hostname, &m.vendor_class, &m.client_id, &m.param_request_list].into_iter().flatten() {
                assert!(v.len() <= MAX_OPTION_LEN);
            }
            // A decoded FQDN is never longer than the option (255 bytes) it came from.
            if let Some(f) = &m.client_fqdn {
                assert!(f.len() <= 255);
            }
            if let Some(mac) = m.client_mac() {
                assert_eq!(&mac.0[..], &m.chaddr[..]);
            }
            assert_eq!(dhcpv4::parse(data).unwrap(), m, "parsing is deterministic");
        }
        Err(_) => assert!(!header_ok, "valid fixed header rejected"),
    }
});
