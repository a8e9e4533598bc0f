//! One frame through `decode` and `Analyzer::frame`. The first byte picks the link type
//! (`quietwire_fuzz::LINKS`, byte % 8), the rest is the frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::analyze::Analyzer;
use quietwire::capture::Frame;
use quietwire::decode;
use quietwire::inventory::Limits;
use quietwire::timestamp::Timestamp;
use quietwire_fuzz::{check_decoded, split_frame_input};

fuzz_target!(|data: &[u8]| {
    let Some((link, bytes)) = split_frame_input(data) else { return };
    let d = decode::decode(link, bytes).expect("every link type in LINKS is decoded");
    check_decoded(link, bytes, &d);

    let mut a = Analyzer::new(Limits::default());
    let ts = Timestamp(1_700_000_000_000_000_000);
    let f = Frame { ts, ts_known: true, link, data: bytes, orig_len: bytes.len() as u32 };
    a.frame(&f);
    // The same frame again: as if the snapshot length had cut it (truncation is then
    // "skipped", not "malformed"), with no known time, and merged into existing devices.
    a.frame(&Frame { ts: Timestamp(ts.0 + 1), ts_known: false, orig_len: f.orig_len.saturating_add(1), ..f });
    assert_eq!(a.stats.packets, 2);
    assert_eq!(a.stats.bytes, 2 * bytes.len() as u64);
    assert_eq!((a.stats.first_seen, a.stats.last_seen), (Some(ts), Some(ts)), "an unknown time was used");
    assert!(!a.stats.skipped.contains_key("linktype"));
    let devices = a.inventory.devices();
    assert!(devices.iter().all(|d| d.mac.is_device()), "a group or zero MAC became a device");
    assert!(devices.iter().map(|d| d.packets).sum::<u64>() <= 2, "packets counted for more than the sender");
});
