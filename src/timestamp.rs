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
        self.format(&mut [0; RFC3339_MAX]).to_owned()
    }

    /// Formats into `buf` without allocating (outputs write one per device and fact).
    /// Days to a civil date by Howard Hinnant's `civil_from_days`; i64 nanoseconds span
    /// 1677–2262, so the year always has four digits.
    pub fn format(self, buf: &mut [u8; RFC3339_MAX]) -> &str {
        let secs = self.0.div_euclid(1_000_000_000);
        let ns = self.0.rem_euclid(1_000_000_000) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u32;
        digits(buf, 0, year, 4);
        buf[4] = b'-';
        digits(buf, 5, month, 2);
        buf[7] = b'-';
        digits(buf, 8, day, 2);
        buf[10] = b'T';
        digits(buf, 11, sod / 3600, 2);
        buf[13] = b':';
        digits(buf, 14, sod / 60 % 60, 2);
        buf[16] = b':';
        digits(buf, 17, sod % 60, 2);
        let (frac, width) = if ns == 0 {
            (0, 0)
        } else if ns % 1_000_000 == 0 {
            (ns / 1_000_000, 3)
        } else if ns % 1_000 == 0 {
            (ns / 1_000, 6)
        } else {
            (ns, 9)
        };
        let mut end = 19;
        if width > 0 {
            buf[19] = b'.';
            digits(buf, 20, frac, width);
            end = 20 + width;
        }
        buf[end] = b'Z';
        std::str::from_utf8(&buf[..=end]).unwrap_or("")
    }
}

/// Writes `v` as `width` decimal digits at `at`, zero-padded.
fn digits(buf: &mut [u8], at: usize, mut v: u32, width: usize) {
    for i in (at..at + width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Longest RFC 3339 text [`Timestamp::format`] writes ("2262-04-11T23:47:16.854775807Z").
pub const RFC3339_MAX: usize = 30;

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.format(&mut [0; RFC3339_MAX]))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.format(&mut [0; RFC3339_MAX]))
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
        assert_eq!(Timestamp(i64::MIN).to_rfc3339(), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(Timestamp(i64::MAX).to_rfc3339(), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(Timestamp::from_parts(951_782_400, 0).to_rfc3339(), "2000-02-29T00:00:00Z");
    }

    /// Every day from 1677 to 2262 and a spread of times of day agree with the `time`
    /// crate (the formatter used before this hand-written one).
    #[test]
    fn agrees_with_the_time_crate() {
        let mut t = i64::MIN;
        while t < i64::MAX - 86_400_000_000_123 {
            let ours = Timestamp(t).to_rfc3339();
            let dt = time::OffsetDateTime::from_unix_timestamp_nanos(t as i128).unwrap();
            let want = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                dt.year(),
                dt.month() as u8,
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            );
            assert!(ours.starts_with(&want), "{t}: {ours} vs {want}");
            t += 86_400_000_000_123 + (t.rem_euclid(7_919) * 1_000_000_007);
        }
    }
}
