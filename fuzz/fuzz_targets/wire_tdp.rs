//! TDP (UDP 20002/20004) and TDDP (UDP 1040): `wire::tdp::parse`, `parse_reply` on its
//! body and on the whole input, `tdp::tddp::parse`, then `observe::tdp::handle`,
//! `observe::omada::handle_tddp` and `observe::omada::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::tdp::{self, HEADER_LEN, Version, tddp};
use quietwire_fuzz::{contexts, observe_checked};

fuzz_target!(|data: &[u8]| {
    match tdp::parse(data) {
        Ok(m) => {
            assert!(tdp::is_tdp(data));
            let size = u16::from_be_bytes([data[4], data[5]]) as usize;
            assert_eq!(m.header.msg_size as usize, size);
            assert_eq!(m.body, &data[HEADER_LEN..HEADER_LEN + size], "the body is exactly msg_size bytes");
            assert_eq!(m.header.version, if data[0] == 1 { Version::V1 } else { Version::V2 });
            let expected = tdp::checksum(m.header.version, &data[..12], m.body);
            assert_eq!(m.checksum_ok, expected == m.header.checksum);
            assert_eq!(tdp::parse(data), Ok(m));
            let _ = tdp::parse_reply(m.body);
        }
        Err(_) => {
            let whole = tdp::is_tdp(data) && data.len() >= HEADER_LEN + u16::from_be_bytes([data[4], data[5]]) as usize;
            assert!(!whole, "a whole TDP message was rejected");
        }
    }
    if let Ok(Some(d)) = tdp::parse_reply(data) {
        assert_eq!(tdp::parse_reply(data), Ok(Some(d)));
    }
    match tddp::parse(data) {
        Ok(t) => {
            assert!(t.version == 1 || t.version == 2);
            let header = if t.version == 1 { tddp::V1_HEADER_LEN } else { tddp::V2_HEADER_LEN };
            assert_eq!(t.payload_len + header, data.len());
            assert_eq!(t.digest.is_some(), t.version == 2);
            if t.version == 2 {
                assert!(t.length as usize <= t.payload_len);
            }
            assert!(!matches!(t.code, tddp::Code::Unknown(_)));
        }
        Err(_) => {
            let plausible = data.len() >= tddp::V1_HEADER_LEN && data[0] == 1 && (data[2] == 1 || data[2] == 2);
            assert!(!plausible, "a version-1 TDDP header was rejected");
        }
    }
    for port in [tdp::PORT, tdp::PORT_ALT] {
        for cx in contexts(port) {
            observe_checked(observe::tdp::handle, &cx, data);
        }
    }
    // Requests go to 1040, replies to the client's 61000; Omada discovery ignores the
    // payload and is run once.
    for (i, cx) in contexts(tddp::PORT).iter().chain(&contexts(tddp::REPLY_PORT)).enumerate() {
        observe_checked(observe::omada::handle_tddp, cx, data);
        if i == 0 {
            observe_checked(observe::omada::handle, cx, data);
        }
    }
});
