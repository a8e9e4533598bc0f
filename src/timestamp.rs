//! Capture timestamps: nanoseconds since the Unix epoch, formatted only at the edges.

use std::fmt;

use serde::{Serialize, Serializer};

/// A capture timestamp in nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Copy, Clone, Eq, PartialEq, Ord, PartialOrd, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_parts(secs: i64, nanos: u32) -> Timestamp {
        Timestamp(secs.saturating_mul(1_000_000_000).saturating_add(nanos as i64))
    }

    pub fn as_nanos(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC with as many fractional digits as needed (none, 3, 6 or 9).
    pub fn to_rfc3339(self) -> String {
        match time::OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128) {
            Ok(t) => {
                let (y, mo, d) = (t.year(), t.month() as u8, t.day());
                let (h, mi, s, ns) = (t.hour(), t.minute(), t.second(), t.nanosecond());
                let frac = if ns == 0 {
                    String::new()
                } else if ns % 1_000_000 == 0 {
                    format!(".{:03}", ns / 1_000_000)
                } else if ns % 1_000 == 0 {
                    format!(".{:06}", ns / 1_000)
                } else {
                    format!(".{ns:09}")
                };
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
            }
            // Outside the representable range: impossible for i64 nanoseconds, kept total anyway.
            Err(_) => format!("@{}ns", self.0),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_utc() {
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_parts(1_500_000_000, 123_000_000).to_rfc3339(), "2017-07-14T02:40:00.123Z");
        assert_eq!(Timestamp::from_parts(1_500_000_000, 123_456_000).to_rfc3339(), "2017-07-14T02:40:00.123456Z");
        assert_eq!(Timestamp::from_parts(1_500_000_000, 1).to_rfc3339(), "2017-07-14T02:40:00.000000001Z");
        assert!(!Timestamp(i64::MIN).to_rfc3339().is_empty());
    }
}
