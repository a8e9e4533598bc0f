//! `read_capture` over the whole input with an `Analyzer` sink: exercises pcap and pcapng
//! record walking. The input is read twice, once in one piece and once a few bytes per
//! `read` call, and both reads must hand out the same frames and the same summary.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use quietwire::analyze::Analyzer;
use quietwire::capture::read_capture;
use quietwire::inventory::Limits;
use quietwire_fuzz::{SeenFrame, Trickle, check_summary};

fuzz_target!(|data: &[u8]| {
    let mut a = Analyzer::new(Limits::default());
    let mut frames = Vec::new();
    let whole = read_capture(Path::new("fuzz"), data, &mut |f| {
        assert!(f.data.len() <= data.len());
        frames.push(SeenFrame { ts: f.ts.0, link: f.link, data: f.data.to_vec(), orig_len: f.orig_len });
        a.frame(f);
    });
    if let Ok(s) = &whole {
        check_summary(data.len(), s, &frames);
        assert_eq!(a.stats.packets, s.frames);
    } else {
        assert!(frames.is_empty(), "an error after frames were handed out");
    }

    let step = 1 + data.len() % 13;
    let mut trickled = Vec::new();
    let again = read_capture(Path::new("fuzz"), Trickle { data, step }, &mut |f| {
        trickled.push(SeenFrame { ts: f.ts.0, link: f.link, data: f.data.to_vec(), orig_len: f.orig_len });
    });
    assert_eq!(frames, trickled, "frames depend on how the reader splits the input");
    match (&whole, &again) {
        (Ok(x), Ok(y)) => {
            assert_eq!((x.format, x.frames, x.bytes, x.bad_blocks), (y.format, y.frames, y.bytes, y.bad_blocks));
            assert_eq!(x.outcome, y.outcome);
        }
        (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string()),
        (x, y) => panic!("whole read {x:?}, trickled read {y:?}"),
    }
});
