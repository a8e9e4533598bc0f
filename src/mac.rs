//! Ethernet hardware addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A 48-bit IEEE 802 MAC address.
#[derive(Copy, Clone, Eq, PartialEq, Ord, PartialOrd, Default)]
pub struct MacAddr(pub [u8; 6]);

/// One 64-bit word per address: the device table hashes a MAC for every frame, and the
/// derived impl (a length prefix, then the bytes) costs several times more.
impl std::hash::Hash for MacAddr {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.to_u64());
    }
}

/// Whether an address was assigned by the IEEE (global) or set locally
/// (randomised phone addresses, virtual and mesh interfaces).
#[derive(Copy, Clone, Debug, Eq, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MacKind {
    Global,
    Local,
}

impl MacAddr {
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
    pub const ZERO: MacAddr = MacAddr([0; 6]);

    /// Reads the first six bytes of `b`; `None` when it is shorter.
    pub fn from_slice(b: &[u8]) -> Option<MacAddr> {
        b.get(..6).map(|s| {
            let mut a = [0u8; 6];
            a.copy_from_slice(s);
            MacAddr(a)
        })
    }

    /// Group bit (I/G): multicast and broadcast.
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    pub fn is_zero(&self) -> bool {
        self.0 == [0; 6]
    }

    /// Locally administered bit (U/L).
    pub fn is_local(&self) -> bool {
        self.0[0] & 0x02 != 0
    }

    pub fn kind(&self) -> MacKind {
        if self.is_local() { MacKind::Local } else { MacKind::Global }
    }

    /// Only a unicast, non-zero address names a device.
    pub fn is_device(&self) -> bool {
        !self.is_multicast() && !self.is_zero()
    }

    /// The address as the low 48 bits of an integer.
    #[inline]
    pub fn to_u64(&self) -> u64 {
        let a = self.0;
        u64::from_be_bytes([0, 0, a[0], a[1], a[2], a[3], a[4], a[5]])
    }
}

impl MacAddr {
    /// `aa:bb:cc:dd:ee:ff` without allocating (outputs write one per device and fact).
    pub fn format<'a>(&self, buf: &'a mut [u8; 17]) -> &'a str {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in self.0.iter().enumerate() {
            buf[i * 3] = HEX[(b >> 4) as usize];
            buf[i * 3 + 1] = HEX[(b & 15) as usize];
            if i < 5 {
                buf[i * 3 + 2] = b':';
            }
        }
        std::str::from_utf8(buf).unwrap_or("")
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.format(&mut [0; 17]))
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a MAC address: {0:?} (expected six hex octets such as 50:c7:bf:00:c7:03)")]
pub struct ParseMacError(pub String);

impl FromStr for MacAddr {
    type Err = ParseMacError;

    /// Accepts `aa:bb:cc:dd:ee:ff`, `aa-bb-cc-dd-ee-ff`, `aabb.ccdd.eeff` and `aabbccddeeff`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex: String = s.chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
        if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ParseMacError(s.to_string()));
        }
        let mut a = [0u8; 6];
        for (i, o) in a.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| ParseMacError(s.to_string()))?;
        }
        Ok(MacAddr(a))
    }
}

impl Serialize for MacAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.format(&mut [0; 17]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let m: MacAddr = "50:C7:BF:00:c7:03".parse().unwrap();
        assert_eq!(m.to_string(), "50:c7:bf:00:c7:03");
        assert_eq!("50c7.bf00.c703".parse::<MacAddr>().unwrap(), m);
        assert_eq!("50-c7-bf-00-c7-03".parse::<MacAddr>().unwrap(), m);
        assert!("50:c7:bf:00:c7".parse::<MacAddr>().is_err());
        assert!("zz:c7:bf:00:c7:03".parse::<MacAddr>().is_err());
    }

    #[test]
    fn kinds() {
        assert!(MacAddr::BROADCAST.is_multicast());
        assert!(!MacAddr::BROADCAST.is_device());
        assert!(!MacAddr::ZERO.is_device());
        assert!(!MacAddr([0x01, 0, 0x5e, 0, 0, 1]).is_device());
        let local = MacAddr([0x02, 0, 0, 0, 0, 0x42]);
        assert!(local.is_device());
        assert_eq!(local.kind(), MacKind::Local);
        assert_eq!(MacAddr([0x50, 0xc7, 0xbf, 0, 0, 1]).kind(), MacKind::Global);
        assert_eq!(MacAddr([0x50, 0xc7, 0xbf, 0, 0, 1]).to_u64(), 0x50c7bf000001);
    }
}
