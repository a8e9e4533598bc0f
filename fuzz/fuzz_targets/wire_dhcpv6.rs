//! `wire::dhcpv6::parse` on arbitrary bytes, then `observe::dhcpv6::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::dhcpv6::{
    self, Duid, MAX_CLASS_STRINGS, MAX_DUID_LEN, MAX_IA_ENTRIES, MAX_NAME_LEN, MAX_OPTION_ORDER, MAX_ORO_CODES,
    MAX_RELAY_DEPTH, RELAY_FORW, RELAY_REPL,
};
use quietwire_fuzz::{contexts, observe_checked};

fn check_duid(d: &Duid) {
    assert!((2..=MAX_DUID_LEN).contains(&d.bytes.len()));
    assert_eq!(d.type_code(), u16::from_be_bytes([d.bytes[0], d.bytes[1]]));
    assert_eq!(Duid::parse(&d.bytes).as_ref(), Ok(d), "a DUID re-parses to itself");
}

fuzz_target!(|data: &[u8]| {
    match dhcpv6::parse(data) {
        Ok(r) => {
            assert!(r.relays.len() <= MAX_RELAY_DEPTH);
            let outer = data[0];
            assert_eq!(r.relays.is_empty(), outer != RELAY_FORW && outer != RELAY_REPL);
            for h in &r.relays {
                assert!(h.msg_type == RELAY_FORW || h.msg_type == RELAY_REPL);
                if let Some((_, a)) = &h.client_link_layer {
                    assert!(a.len() <= 16);
                }
                assert!(h.interface_id.as_ref().is_none_or(|i| i.len() < data.len()));
            }
            if r.message.is_none() {
                assert!(r.problem.is_some(), "no message and no problem");
            }
            if let Some(m) = &r.message {
                assert!(m.msg_type != RELAY_FORW && m.msg_type != RELAY_REPL);
                assert!(m.xid <= 0x00ff_ffff);
                assert!(m.option_order.len() <= MAX_OPTION_ORDER);
                for (i, c) in m.option_order.iter().enumerate() {
                    assert!(!m.option_order[..i].contains(c), "option {c} listed twice");
                }
                for d in [&m.client_id, &m.server_id].into_iter().flatten() {
                    check_duid(d);
                }
                assert!(m.oro.as_ref().is_none_or(|o| o.len() <= MAX_ORO_CODES));
                assert!(m.vendor_class.as_ref().is_none_or(|v| v.data.len() <= MAX_CLASS_STRINGS));
                assert!(m.user_class.as_ref().is_none_or(|u| u.len() <= MAX_CLASS_STRINGS));
                if let Some(f) = &m.fqdn {
                    assert!(f.name.len() <= MAX_NAME_LEN);
                    assert!(f.first_label().len() <= 63);
                }
                assert!(m.addresses.len() + m.prefixes.len() <= MAX_IA_ENTRIES);
                assert!(m.prefixes.iter().all(|p| p.prefix_len <= 128));
            }
            assert_eq!(dhcpv6::parse(data), Ok(r), "parsing is deterministic");
        }
        Err(_) => {
            // Only the outermost header can make the whole datagram unusable: empty, or
            // shorter than its fixed part (4 bytes for a message, 34 for a relay).
            let need = match data.first() {
                None => 1,
                Some(&t) if t == RELAY_FORW || t == RELAY_REPL => 34,
                Some(_) => 4,
            };
            assert!(data.len() < need, "a datagram with a whole outer header was rejected");
        }
    }
    for cx in contexts(dhcpv6::SERVER_PORT) {
        observe_checked(observe::dhcpv6::handle, &cx, data);
    }
    for cx in contexts(dhcpv6::CLIENT_PORT) {
        observe_checked(observe::dhcpv6::handle, &cx, data);
    }
});
