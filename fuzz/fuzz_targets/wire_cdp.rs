//! `wire::cdp::parse` on arbitrary bytes, then `observe::cdp::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::cdp::{self, Address, MAX_ADDRESSES, MAX_STRING_LEN, MAX_UNKNOWN};
use quietwire_fuzz::{contexts, observe_checked, within, within_max};

fuzz_target!(|data: &[u8]| {
    match cdp::parse(data) {
        Ok(c) => {
            assert!(data.len() >= 4 && (1..=2).contains(&data[0]));
            assert_eq!((c.version, c.ttl), (data[0], data[1]));
            assert_eq!(c.checksum, u16::from_be_bytes([data[2], data[3]]));
            for s in [c.device_id, c.port_id, c.software_version, c.platform, c.vtp_domain, c.system_name]
                .into_iter()
                .flatten()
            {
                assert!(within_max(data, s, MAX_STRING_LEN) && !s.contains(&0));
            }
            for list in [&c.addresses, &c.management_addresses] {
                assert!(list.len() <= MAX_ADDRESSES);
                for a in list {
                    if let Address::Other { protocol, address, .. } = a {
                        assert!(within(data, protocol) && within(data, address));
                    }
                }
            }
            assert!(c.unknown.len() <= MAX_UNKNOWN);
            assert_eq!(cdp::parse(data), Ok(c), "parsing is deterministic");
        }
        Err(_) => assert!(data.len() < 4 || !(1..=2).contains(&data[0]), "a valid header was rejected"),
    }
    for cx in contexts(0) {
        observe_checked(observe::cdp::handle, &cx, data);
    }
});
