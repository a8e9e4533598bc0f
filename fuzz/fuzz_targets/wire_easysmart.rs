//! TP-Link Easy Smart switches (UDP 29808/29809): `wire::easysmart::crypt` and `parse`
//! on the deciphered input, then `observe::easysmart::handle` on the enciphered input.
//!
//! The input is plaintext (so the fuzzer sees the structure); the observer gets it
//! enciphered, as on the wire.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::easysmart::{self, HEADER_LEN, MAX_TLVS};
use quietwire_fuzz::{contexts, observe_checked};

fuzz_target!(|plain: &[u8]| {
    let cipher = easysmart::crypt(plain);
    assert_eq!(easysmart::crypt(&cipher), plain, "RC4 is its own inverse");
    match easysmart::parse(plain) {
        Ok(m) => {
            assert!(easysmart::is_easysmart(plain));
            assert_eq!(&m.header.switch_mac.0[..], &plain[2..8]);
            assert_eq!(&m.header.host_mac.0[..], &plain[8..14]);
            assert!(m.tlv_types.len() <= MAX_TLVS);
            let i = &m.info;
            for s in [&i.model, &i.hostname, &i.firmware, &i.hardware].into_iter().flatten() {
                assert!(!s.contains(&0) && s.len() < plain.len());
            }
            if !m.malformed && m.tlv_types.is_empty() {
                assert_eq!(&plain[HEADER_LEN..HEADER_LEN + 4], &easysmart::END);
            }
            assert_eq!(easysmart::parse(plain), Ok(m));
        }
        Err(_) => {}
    }
    for port in [easysmart::SWITCH_PORT, easysmart::HOST_PORT] {
        for cx in contexts(port) {
            observe_checked(observe::easysmart::handle, &cx, &cipher);
        }
    }
});
