//! Dates as the people using Shouwang read them: China Standard Time (UTC+8), whatever the device's
//! time zone. The core never reads the clock; callers pass `now` in.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Minutes of clock skew allowed before a time a device writes (a visit's, a call's, a case's) counts
/// as in the future.
pub const CLOCK_SKEW_MINUTES: i64 = 10;

/// China Standard Time.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The calendar date in China at `now`.
pub fn local_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&china()).date_naive()
}

/// The instant `day` begins in China (00:00 UTC+8).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(china())
        .single()
        .expect("a fixed offset")
        .to_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_turns_at_midnight_beijing_time() {
        let late_utc = DateTime::parse_from_rfc3339("2026-11-23T16:30:00Z").unwrap().to_utc();
        assert_eq!(local_date(late_utc), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    }
}
