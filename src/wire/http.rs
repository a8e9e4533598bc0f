//! HTTP/1.x response framing for the descriptions other hosts fetch (httparse for the
//! head; chunked transfer coding decoded here, bounded).

use super::WireError;

/// Headers parsed per response head; more is not a device description.
pub const MAX_HEADERS: usize = 64;
/// Chunks decoded per body (a description arrives in a handful).
pub const MAX_CHUNKS: usize = 4096;

/// What the response head says about the body.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ResponseHead {
    pub status: u16,
    /// Bytes of the head, including the blank line.
    pub head_len: usize,
    pub content_length: Option<usize>,
    pub chunked: bool,
    pub content_type: Option<String>,
    pub server: Option<String>,
}

/// Parses a response head at the start of `buf`: `Ok(None)` while incomplete.
pub fn parse_head(buf: &[u8]) -> Result<Option<ResponseHead>, WireError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    let head_len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(WireError::Invalid("HTTP response head")),
    };
    let mut head = ResponseHead { status: resp.code.unwrap_or(0), head_len, content_length: None, chunked: false, content_type: None, server: None };
    for h in resp.headers.iter() {
        let value = String::from_utf8_lossy(h.value).trim().to_string();
        if h.name.eq_ignore_ascii_case("content-length") {
            head.content_length = Some(value.parse().map_err(|_| WireError::Invalid("HTTP Content-Length"))?);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            head.chunked = value.to_ascii_lowercase().contains("chunked");
        } else if h.name.eq_ignore_ascii_case("content-type") {
            head.content_type = Some(value);
        } else if h.name.eq_ignore_ascii_case("server") {
            head.server = Some(value);
        }
    }
    Ok(Some(head))
}

/// Decodes a chunked body at the start of `buf` into `out` (at most `max` bytes kept).
/// Returns the bytes consumed, trailers included, or `Ok(None)` while incomplete.
pub fn decode_chunked(buf: &[u8], out: &mut Vec<u8>, max: usize) -> Result<Option<usize>, WireError> {
    let mut i = 0;
    for _ in 0..MAX_CHUNKS {
        let Some(eol) = find_crlf(&buf[i..]) else { return Ok(None) };
        let line = &buf[i..i + eol];
        // Chunk extensions follow a ';'.
        let size_hex = line.split(|&b| b == b';').next().unwrap_or(&[]);
        let size_str = std::str::from_utf8(size_hex).map_err(|_| WireError::Invalid("HTTP chunk size"))?.trim();
        let size = usize::from_str_radix(size_str, 16).map_err(|_| WireError::Invalid("HTTP chunk size"))?;
        i += eol + 2;
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                let Some(eol) = find_crlf(&buf[i..]) else { return Ok(None) };
                i += eol + 2;
                if eol == 0 {
                    return Ok(Some(i));
                }
            }
        }
        // Both sums checked: a size near usize::MAX is an error, not an overflow (the
        // unchecked `end + 2` panicked, or wrapped and sliced past the buffer).
        let end = i.checked_add(size).ok_or(WireError::Invalid("HTTP chunk size"))?;
        let after = end.checked_add(2).ok_or(WireError::Invalid("HTTP chunk size"))?;
        if buf.len() < after {
            return Ok(None);
        }
        let room = max.saturating_sub(out.len());
        out.extend_from_slice(&buf[i..end][..size.min(room)]);
        if &buf[end..after] != b"\r\n" {
            return Err(WireError::Invalid("HTTP chunk end"));
        }
        i = after;
    }
    Err(WireError::Invalid("HTTP chunk count"))
}

fn find_crlf(b: &[u8]) -> Option<usize> {
    b.windows(2).position(|w| w == b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\nServer: Linux/3.4 UPnP/1.0 MiniUPnPd/1.6\r\nContent-Length: 12\r\n\r\n<root></root>";

    #[test]
    fn head_fields() {
        let h = parse_head(HEAD).unwrap().unwrap();
        assert_eq!(h.status, 200);
        assert_eq!(h.content_length, Some(12));
        assert!(!h.chunked);
        assert_eq!(h.content_type.as_deref(), Some("text/xml; charset=\"utf-8\""));
        assert_eq!(h.server.as_deref(), Some("Linux/3.4 UPnP/1.0 MiniUPnPd/1.6"));
        assert_eq!(&HEAD[h.head_len..h.head_len + 6], b"<root>");
        assert_eq!(parse_head(&HEAD[..30]).unwrap(), None);
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").is_err());
        assert!(parse_head(b"NOTHTTP\r\n\r\n").is_err());
    }

    #[test]
    fn chunked_bodies() {
        let body = b"5\r\n<root\r\n3;ext=1\r\n/>\n\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        let mut out = Vec::new();
        let n = decode_chunked(body, &mut out, 1 << 20).unwrap().unwrap();
        assert_eq!(out, b"<root/>\n");
        assert_eq!(&body[n..], b"NEXT");
        let mut out = Vec::new();
        assert_eq!(decode_chunked(&body[..12], &mut out, 1 << 20).unwrap(), None);
        let mut out = Vec::new();
        decode_chunked(body, &mut out, 3).unwrap();
        assert_eq!(out, b"<ro", "bounded output");
        assert!(decode_chunked(b"zz\r\n", &mut Vec::new(), 10).is_err());
        assert!(decode_chunked(b"ffffffffffffffffff\r\n", &mut Vec::new(), 10).is_err());
        assert!(decode_chunked(b"2\r\nabXY", &mut Vec::new(), 10).is_err());
    }
}
