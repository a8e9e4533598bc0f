//! `wire::icmpv6::parse` (neighbour discovery) on arbitrary bytes, `eui64_mac` on the
//! addresses it finds, then `observe::ndp::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::icmpv6::{self, Icmpv6, MAX_LLA_LEN, MAX_PREFIXES, NdMessage};
use quietwire_fuzz::{LAN_V4, LL_V6, PEER_V6, context, contexts, observe_checked};

fuzz_target!(|data: &[u8]| {
    let nd_fixed = |t: u8| match t {
        133 => Some(8),
        134 => Some(16),
        135 | 136 => Some(24),
        137 => Some(40),
        _ => None,
    };
    match icmpv6::parse(data) {
        Ok(Icmpv6::Other { kind, code }) => {
            assert_eq!((kind, code), (data[0], data[1]));
            assert!(nd_fixed(kind).is_none());
        }
        Ok(Icmpv6::Nd(r)) => {
            let fixed = nd_fixed(data[0]).expect("ND type");
            assert!(data.len() >= fixed && data[1] == 0);
            let target = |at: usize| std::net::Ipv6Addr::from(<[u8; 16]>::try_from(&data[at..at + 16]).unwrap());
            match r.message {
                NdMessage::RouterSolicit => assert_eq!(data[0], 133),
                NdMessage::RouterAdvert { cur_hop_limit, flags, router_lifetime, .. } => {
                    assert_eq!((data[0], cur_hop_limit, flags), (134, data[4], data[5]));
                    assert_eq!(router_lifetime, u16::from_be_bytes([data[6], data[7]]));
                }
                NdMessage::NeighborSolicit { target: t } => assert_eq!((data[0], t), (135, target(8))),
                NdMessage::NeighborAdvert { flags, target: t } => assert_eq!((data[0], flags, t), (136, data[4], target(8))),
                NdMessage::Redirect { target: t, destination } => {
                    assert_eq!((data[0], t, destination), (137, target(8), target(24)))
                }
            }
            for lla in [&r.source_lla, &r.target_lla].into_iter().flatten() {
                assert!(lla.len() <= MAX_LLA_LEN);
            }
            assert!(r.prefixes.len() <= MAX_PREFIXES);
            for p in &r.prefixes {
                assert!(p.prefix_len <= 128);
                if let Some(m) = icmpv6::eui64_mac(&p.prefix) {
                    assert!(m.is_device());
                }
            }
            if let Some(m) = r.source_mac() {
                assert!(r.source_lla.as_deref() == Some(&m.0[..]));
            }
            assert_eq!(icmpv6::parse(data), Ok(Icmpv6::Nd(r)), "parsing is deterministic");
        }
        Err(_) => {
            let rejected = data.len() < 2 || nd_fixed(data[0]).is_some_and(|f| data[1] != 0 || data.len() < f);
            assert!(rejected, "an acceptable message was rejected");
        }
    }
    // As from a link-local sender, from the unspecified address (DAD), and over IPv4
    // (the observer must not assume the IP family).
    let unspecified = std::net::IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED);
    let extra = [context(unspecified, PEER_V6, 0, 0, None), context(LAN_V4, LL_V6, 0, 0, None)];
    for cx in contexts(0).iter().chain(&extra) {
        observe_checked(observe::ndp::handle, cx, data);
    }
});
