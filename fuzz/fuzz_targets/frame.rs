//! One frame through `decode` and `Analyzer::frame`. The first byte picks the link type
//! (see `quietwire_fuzz::LINKS`), the rest is the frame.
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
    let f = Frame { ts: Timestamp(1_700_000_000_000_000_000), link, data: bytes, orig_len: bytes.len() as u32 };
    a.frame(&f);
    // The same frame again, later: exercises the merge paths of an existing device.
    a.frame(&Frame { ts: Timestamp(f.ts.0 + 1), ..f });
    assert_eq!(a.stats.packets, 2);
    assert_eq!(a.stats.bytes, 2 * bytes.len() as u64);
    let devices = a.inventory.devices();
    assert!(devices.iter().all(|d| d.mac.is_device()), "a group or zero MAC became a device");
    assert!(devices.iter().map(|d| d.packets).sum::<u64>() <= 2, "packets counted for more than the sender");
    assert!(a.stats.skipped.is_empty());
});
