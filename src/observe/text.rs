//! Turning free-form bytes from packets into bounded display strings.

/// Longest string kept from a packet field (hostnames, vendor classes …).
pub const MAX_TEXT_LEN: usize = 255;

/// Lossy UTF-8, without trailing NULs and surrounding white space, at most
/// [`MAX_TEXT_LEN`] bytes (cut on a character boundary). Control characters are kept
/// here and escaped by the outputs that need it.
pub fn clean(bytes: &[u8]) -> String {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let s = String::from_utf8_lossy(&bytes[..end]);
    let s = s.trim();
    let mut cut = s.len().min(MAX_TEXT_LEN);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s[..cut].to_string()
}

/// Colon-separated hex, at most 64 bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().take(64).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Comma-separated decimal codes.
pub fn codes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_and_bounds() {
        assert_eq!(clean(b"udhcp 0.9.9-pre\0\0"), "udhcp 0.9.9-pre");
        assert_eq!(clean(b"  host \n"), "host");
        assert_eq!(clean(b"K\xc3\xbcche"), "Küche");
        assert_eq!(clean(b"bad\xff"), "bad\u{fffd}");
        let long = "é".repeat(200);
        let c = clean(long.as_bytes());
        assert!(c.len() <= MAX_TEXT_LEN && c.chars().all(|ch| ch == 'é'));
        assert_eq!(hex(&[1, 0x50, 0xc7]), "01:50:c7");
        assert_eq!(codes(&[1, 3, 6]), "1,3,6");
    }
}
