//! Kasa (UDP and TCP 9999): `wire::kasa::parse` on the input as a datagram and
//! `split_tcp` on it as a TCP segment, the JSON reader on the deciphered bytes, then
//! `observe::kasa::handle` and `handle_tcp`.
//!
//! The input is ciphertext, as on the wire. Seeds are real messages; the fuzzer mutates
//! enciphered bytes, which (autokey) changes the plaintext at that byte and the next.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::kasa::{self, MAX_JSON_DEPTH, MAX_MESSAGE_LEN, MAX_MODULES, TCP_PREFIX_LEN, TcpSplit};
use quietwire_fuzz::{contexts, observe_checked, within};

fuzz_target!(|data: &[u8]| {
    let plain = kasa::decrypt(data);
    assert_eq!(plain.len(), data.len());
    assert_eq!(kasa::encrypt(&plain), data, "encrypt undoes decrypt");
    if let Ok(m) = kasa::parse(data) {
        assert!(data.len() <= MAX_MESSAGE_LEN);
        assert!(m.modules.len() <= MAX_MODULES);
        assert!(m.modules.windows(2).all(|w| w[0] < w[1]), "modules sorted and distinct: {:?}", m.modules);
        assert!(m.sysinfo.as_ref().is_none_or(|s| !s.is_empty()));
        assert_eq!(kasa::parse(data), Ok(m), "parsing is deterministic");
    }
    // The same bytes as a JSON text (the reader the TDP module shares).
    let _ = kasa::parse_json(data, MAX_MESSAGE_LEN, MAX_JSON_DEPTH);

    match kasa::split_tcp(data) {
        Ok(TcpSplit::Whole { message, rest }) => {
            let announced = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
            assert_eq!(message.len(), announced);
            assert!(announced <= MAX_MESSAGE_LEN && kasa::looks_like_kasa(message));
            assert!(within(data, message) && within(data, rest));
            assert_eq!(TCP_PREFIX_LEN + message.len() + rest.len(), data.len());
        }
        Ok(TcpSplit::Partial { announced, got }) => {
            assert_eq!(got, data.len() - TCP_PREFIX_LEN);
            assert!(announced > got && announced <= MAX_MESSAGE_LEN);
        }
        Ok(TcpSplit::NotKasa) => {
            assert!(data.len() < TCP_PREFIX_LEN + 2 || !kasa::looks_like_kasa(&data[TCP_PREFIX_LEN..]) || {
                u32::from_be_bytes([data[0], data[1], data[2], data[3]]) < 2
            });
        }
        Err(_) => assert!(u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize > MAX_MESSAGE_LEN),
    }
    for cx in contexts(kasa::PORT) {
        observe_checked(observe::kasa::handle, &cx, data);
        observe_checked(observe::kasa::handle_tcp, &cx, data);
    }
});
