//! `wire::nbns::parse` on arbitrary bytes, then `observe::nbns::handle`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::observe;
use quietwire::wire::nbns::{self, MAX_NB_ADDRESSES, MAX_QUESTIONS, MAX_RECORDS, NbData, NbName};
use quietwire_fuzz::{contexts, observe_checked};

fn check_name(n: &NbName) {
    assert!(n.name().len() <= 15);
    // The scope labels are DNS labels after the encoded name.
    assert!(n.scope.labels().iter().all(|l| (1..=63).contains(&l.len())));
}

fuzz_target!(|data: &[u8]| {
    match nbns::parse(data) {
        Ok(m) => {
            assert!(data.len() >= 12);
            assert_eq!(m.id, u16::from_be_bytes([data[0], data[1]]));
            assert_eq!(m.response, data[2] & 0x80 != 0);
            assert_eq!(m.rcode, data[3] & 0x0f);
            assert!(m.questions.len() <= MAX_QUESTIONS);
            assert!(m.records.len() <= MAX_RECORDS);
            let qd = u16::from_be_bytes([data[4], data[5]]) as usize;
            assert!(m.questions.len() <= qd);
            if !m.records.is_empty() {
                assert_eq!(m.questions.len(), qd, "records read before every question was");
            }
            for q in &m.questions {
                check_name(&q.name);
            }
            for r in &m.records {
                check_name(&r.name);
                match &r.data {
                    NbData::Nb(a) => {
                        assert!(a.len() <= MAX_NB_ADDRESSES);
                        assert!(a.iter().all(|x| x.ont <= 3));
                    }
                    NbData::NodeStatus { names, .. } => assert!(names.len() <= 255 && names.len() * 18 < data.len()),
                    NbData::Other { len } => assert!(*len <= data.len()),
                }
            }
            assert_eq!(nbns::parse(data), Ok(m), "parsing is deterministic");
        }
        Err(_) => assert!(data.len() < 12, "a message with a whole header was rejected"),
    }
    for cx in contexts(nbns::PORT) {
        observe_checked(observe::nbns::handle, &cx, data);
    }
});
