//! `wire::ssdp::parse` and `SsdpRepr::parse` on arbitrary bytes, the URL and USN helpers
//! on what they return, then `observe::ssdp::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::ssdp::{self, MAX_HEADERS, MAX_VALUE_LEN, Method, Nts, SsdpRepr, Start};
use quietwire_fuzz::{BCAST_V4, LAN_V4, context, contexts, observe_checked, within, within_max};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = ssdp::parse(data) {
        if let Start::Request { method, target, .. } = m.start {
            assert!(within(data, target.as_bytes()));
            if let Method::Other(t) = method {
                assert!(within(data, t.as_bytes()));
            }
        }
        assert!(m.headers.len() <= MAX_HEADERS);
        if m.too_many_headers {
            assert_eq!(m.headers.len(), MAX_HEADERS);
        }
        for h in &m.headers {
            assert!(!h.name.is_empty() && within(data, h.name.as_bytes()));
            assert!(within_max(data, h.value, MAX_VALUE_LEN), "a value outside the input or over the limit");
        }
        let r = SsdpRepr::parse(&m);
        for v in [r.host, r.location, r.server, r.usn, r.nt, r.st, r.man, r.user_agent, r.cache_control]
            .into_iter()
            .flatten()
        {
            assert!(within_max(data, v, MAX_VALUE_LEN));
        }
        if let Some(Nts::Other(v)) = r.nts {
            assert!(within(data, v));
        }
        if let Some(usn) = r.usn {
            if let Some(u) = ssdp::usn_uuid(usn) {
                assert!(!u.is_empty() && within(usn, u) && !u.windows(2).any(|w| w == b"::"));
            }
        }
        if let Some(loc) = r.location {
            if let Some((host, _)) = ssdp::url_host_port(loc) {
                assert!(!host.is_empty() && within(loc, host));
            }
        }
        assert_eq!(ssdp::parse(data), Ok(m), "parsing is deterministic");
    }
    // Also the raw input as a URL.
    if let Some((host, _)) = ssdp::url_host_port(data) {
        assert!(!host.is_empty() && within(data, host));
    }
    let multicast = context(LAN_V4, std::net::IpAddr::V4(ssdp::MULTICAST_V4), 50000, ssdp::PORT, None);
    for cx in contexts(ssdp::PORT).iter().chain([&multicast, &context(LAN_V4, BCAST_V4, ssdp::PORT, 1900, None)]) {
        observe_checked(observe::ssdp::handle, cx, data);
    }
});
