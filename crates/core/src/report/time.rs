//! Rendering a timestamp in UTC and in the user's zone, with no clock and no
//! time-zone database: the caller passes the offset in minutes (the browser and the
//! CLI know it), and the calendar arithmetic is the proleptic Gregorian one.

use serde::Serialize;

/// When the message arrived: the timestamp of the top (trusted) Received hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arrival {
    /// Seconds since the epoch.
    pub timestamp: i64,
    /// `2026-11-02 10:00:00 UTC`
    pub utc: String,
    /// `2026-11-02 19:00:00 +09:00` (the user's offset).
    pub local: String,
    pub utc_offset_minutes: i32,
    /// RFC 5322 date-time in UTC, as ARF's `Arrival-Date` wants it.
    pub rfc5322: String,
}

/// Offsets beyond ±18 h do not exist; treat them as UTC rather than print nonsense.
pub(crate) fn sane_offset(minutes: i32) -> i32 {
    if (-18 * 60..=18 * 60).contains(&minutes) { minutes } else { 0 }
}

impl Arrival {
    pub(crate) fn new(timestamp: i64, utc_offset_minutes: i32) -> Arrival {
        let offset = sane_offset(utc_offset_minutes);
        let local_ts = timestamp.saturating_add(i64::from(offset) * 60);
        Arrival {
            timestamp,
            utc: format!("{} UTC", plain(timestamp)),
            local: format!("{} {}", plain(local_ts), offset_text(offset)),
            utc_offset_minutes: offset,
            rfc5322: rfc5322(timestamp),
        }
    }
}

/// `+09:00`, `-05:30`.
pub(crate) fn offset_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// `YYYY-MM-DD hh:mm:ss` of a timestamp read as UTC.
fn plain(ts: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(ts);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `Mon, 02 Nov 2026 10:00:00 +0000`.
pub(crate) fn rfc5322(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, mo, d, h, mi, s) = civil(ts);
    let weekday = DAYS[ts.div_euclid(86_400).rem_euclid(7) as usize];
    format!("{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} +0000", MONTHS[(mo - 1) as usize])
}

/// Split a timestamp into civil UTC fields (days-from-civil inverted; H. Hinnant's
/// algorithm, valid far beyond any date a Received line carries).
fn civil(ts: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_local_and_rfc5322() {
        // 2026-11-02T10:00:00Z
        let a = Arrival::new(1_793_613_600, 540);
        assert_eq!(a.utc, "2026-11-02 10:00:00 UTC");
        assert_eq!(a.local, "2026-11-02 19:00:00 +09:00");
        assert_eq!(a.rfc5322, "Mon, 02 Nov 2026 10:00:00 +0000");
        assert_eq!(Arrival::new(0, -330).local, "1969-12-31 18:30:00 -05:30");
        assert_eq!(Arrival::new(951_782_400, 0).utc, "2000-02-29 00:00:00 UTC");
        assert_eq!(Arrival::new(0, 100_000).utc_offset_minutes, 0);
        assert_eq!(rfc5322(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    }
}
