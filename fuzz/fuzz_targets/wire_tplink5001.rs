//! The devDiscover advertisement of TP-Link routers (UDP 5001): `wire::tplink5001::parse`,
//! then `observe::tplink5001::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::tplink5001::{self, HEADER_LEN, MAX_RECORDS};
use quietwire_fuzz::{contexts, observe_checked};

fuzz_target!(|data: &[u8]| {
    match tplink5001::parse(data) {
        Ok(r) => {
            assert!(tplink5001::is_devdiscover(data));
            let length = u16::from_be_bytes([data[10], data[11]]);
            assert_eq!(r.length, length);
            let end = HEADER_LEN + length as usize;
            if end > data.len() {
                assert!(r.malformed, "records past the datagram not flagged");
            }
            let msg = &data[..end.min(data.len())];
            assert_eq!(r.checksum_ok, tplink5001::checksum(msg) == r.checksum);
            let values = [&r.mac, &r.device_name, &r.ip, &r.domain, &r.model, &r.hw_ver, &r.fw_ver];
            let kept = values.iter().filter(|v| v.is_some()).count();
            assert!(r.unknown.len() + kept <= MAX_RECORDS);
            for v in values.into_iter().flatten() {
                assert!(v.len() + 4 <= msg.len() - HEADER_LEN);
            }
            assert_eq!(tplink5001::parse(data), Ok(r));
        }
        Err(_) => {}
    }
    for cx in contexts(tplink5001::PORT) {
        observe_checked(observe::tplink5001::handle, &cx, data);
    }
});
