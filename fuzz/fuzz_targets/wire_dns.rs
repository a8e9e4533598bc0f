//! `wire::dns::parse` (DNS, mDNS and LLMNR share it) on arbitrary bytes, then the mDNS,
//! DNS and LLMNR observers on the same bytes under several contexts.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::dns::{self, DnsName, MAX_NAME_LEN, MAX_QUESTIONS, MAX_RECORDS, MAX_TXT_STRINGS, RData};
use quietwire_fuzz::{check_observations, context, contexts, observe_checked, PEER_V4};

/// A decoded name could have come from the wire: labels of 1–63 bytes, at most 255
/// bytes in wire form (length octets and the root label counted).
fn check_name(n: &DnsName) {
    let wire: usize = 1 + n.labels().iter().map(|l| 1 + l.len()).sum::<usize>();
    assert!(wire <= MAX_NAME_LEN, "a name of {wire} bytes in wire form");
    assert!(n.labels().iter().all(|l| (1..=63).contains(&l.len())), "a label of a length the wire cannot encode");
}

fuzz_target!(|data: &[u8]| {
    match dns::parse(data) {
        Ok(m) => {
            assert!(data.len() >= dns::HEADER_LEN);
            assert_eq!(m.header.metadata.id, u16::from_be_bytes([data[0], data[1]]));
            assert!(m.questions.len() <= MAX_QUESTIONS);
            assert!(m.records.len() <= MAX_RECORDS);
            if m.limit_hit && m.questions.len() < MAX_QUESTIONS {
                assert_eq!(m.questions.len(), usize::from(m.header.counts.queries), "record limit hit before the questions were read");
            }
            // Questions are read before records, so only a message whose questions all
            // parsed has records.
            if !m.records.is_empty() {
                assert_eq!(m.questions.len(), usize::from(m.header.counts.queries));
            }
            for q in &m.questions {
                check_name(&q.name);
            }
            for r in &m.records {
                check_name(&r.name);
                match &r.data {
                    RData::Ptr(n) => check_name(n),
                    RData::Srv(s) => check_name(&s.target),
                    RData::Txt(t) => {
                        assert!(t.len() <= MAX_TXT_STRINGS);
                        assert!(t.iter().all(|s| s.len() <= 255));
                    }
                    RData::Other { len } => assert!(*len <= data.len()),
                    RData::A(_) | RData::Aaaa(_) => {}
                }
            }
            let again = dns::parse(data).expect("parsed once");
            assert_eq!(format!("{m:?}"), format!("{again:?}"), "parsing is deterministic");

            // The mDNS observer binds addresses only when the sender owns one of the
            // answered addresses: also run it as the owner of the first A record.
            let owner = m.records.iter().find_map(|r| match r.data {
                RData::A(a) => Some(IpAddr::V4(a)),
                RData::Aaaa(a) => Some(IpAddr::V6(a)),
                _ => None,
            });
            if let Some(ip) = owner {
                let cx = context(ip, PEER_V4, dns::MDNS_PORT, dns::MDNS_PORT, None);
                let mut out = Vec::new();
                observe::mdns::observe(&cx, &m, &mut out);
                check_observations(&cx, &out);
                let cx = context(ip, PEER_V4, dns::LLMNR_PORT, 50000, None);
                let mut out = Vec::new();
                observe::llmnr::observe(&cx, &m, &mut out);
                check_observations(&cx, &out);
                let cx = context(ip, PEER_V4, dns::DNS_PORT, 50000, None);
                let mut out = Vec::new();
                observe::dns::observe(&cx, &m, &mut out);
                check_observations(&cx, &out);
            }
        }
        Err(_) => assert!(data.len() < dns::HEADER_LEN, "a message with a whole header was rejected"),
    }
    // A name read from any offset: no panic, and its in-place part ends inside the input.
    if let Some(&at) = data.first() {
        if let Ok((n, end)) = dns::read_name(data, usize::from(at)) {
            check_name(&n);
            assert!(end <= data.len() && end > usize::from(at));
        }
    }
    for cx in contexts(dns::MDNS_PORT) {
        observe_checked(observe::mdns::handle, &cx, data);
    }
    for cx in contexts(dns::LLMNR_PORT) {
        observe_checked(observe::llmnr::handle, &cx, data);
    }
    for cx in contexts(dns::DNS_PORT) {
        observe_checked(observe::dns::handle, &cx, data);
    }
});
