//! The HTTP/1.x response framing the UPnP follower uses: `wire::http::parse_head` and
//! `decode_chunked` on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quietwire::wire::http;

/// Chunked decoding of `buf` with output limit `max`: checks what a result may be.
fn chunked(buf: &[u8], max: usize) -> Result<Option<(usize, Vec<u8>)>, quietwire::wire::WireError> {
    let mut out = Vec::new();
    let r = http::decode_chunked(buf, &mut out, max)?;
    assert!(out.len() <= max, "{} bytes kept with a limit of {max}", out.len());
    match r {
        Some(n) => {
            assert!(n <= buf.len(), "consumed {n} of {} bytes", buf.len());
            assert!(out.len() <= n);
            Ok(Some((n, out)))
        }
        None => Ok(None),
    }
}

fn check_chunked(buf: &[u8], max: usize) {
    let small = chunked(buf, max);
    let big = chunked(buf, usize::MAX);
    match (&small, &big) {
        (Ok(Some((n, s))), Ok(Some((m, b)))) => {
            assert_eq!(n, m, "the output limit changed the framing");
            assert!(b.starts_with(s), "the bounded output is not a prefix of the whole");
            assert!(s.len() == b.len() || s.len() == max);
            // The body is self-delimiting: exactly its bytes decode the same way.
            let again = chunked(&buf[..*n], usize::MAX);
            assert_eq!(again, Ok(Some((*n, b.clone()))));
        }
        (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
        _ => panic!("the output limit changed the outcome: {small:?} / {big:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    match http::parse_head(data) {
        Ok(Some(h)) => {
            assert!(h.head_len <= data.len() && h.head_len >= 4);
            assert!(data[..h.head_len].ends_with(b"\n"), "the head ends with its blank line");
            assert!(h.status <= 999);
            assert_eq!(http::parse_head(&data[..h.head_len]), Ok(Some(h.clone())), "the head alone parses the same");
            assert_eq!(http::parse_head(data), Ok(Some(h.clone())));
            if h.chunked {
                check_chunked(&data[h.head_len..], 64);
            }
        }
        Ok(None) => {
            // Incomplete: no prefix is complete either.
            if !data.is_empty() {
                assert!(!matches!(http::parse_head(&data[..data.len() - 1]), Ok(Some(_))));
            }
        }
        Err(_) => {}
    }
    let max = data.first().map_or(0, |&b| usize::from(b) * 4);
    check_chunked(data, max);
});
