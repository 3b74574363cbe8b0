//! Time formatting for the event formats (glossary, "Time formats").
//!
//! The renderers never read a clock: they format the epoch-millisecond times the emitter gave.
//! Out-of-range times are clamped to what ISO-8601 with four-digit years can say, so a bad
//! value from a caller yields an odd date, never a panic.

use super::model::EpochMillis;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// FlexMatch: `2017-08-08T21:15:36.421Z` (milliseconds, `Z`).
const ISO_MILLIS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
/// GPM push `Time`: `1970-01-01T00:00:00Z` (seconds, `Z`).
const ISO_SECONDS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
/// The last millisecond a four-digit year can express.
const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

fn to_datetime(t: EpochMillis) -> OffsetDateTime {
    let ms = t.0.clamp(0, MAX_MS);
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2017-08-08T21:15:36.421Z`: FlexMatch event times, SNS `Timestamp`, GPM ticket times.
pub fn iso_millis(t: EpochMillis) -> String {
    to_datetime(t)
        .format(ISO_MILLIS)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
}

/// `1970-01-01T00:00:00Z`: the GPM push `Time`.
pub fn iso_seconds(t: EpochMillis) -> String {
    to_datetime(t)
        .format(ISO_SECONDS)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_the_seeds_show() {
        // 2017-08-08T21:15:36.421Z, seed 001 "MatchmakingSearching".
        let t = EpochMillis(1_502_226_936_421);
        assert_eq!(iso_millis(t), "2017-08-08T21:15:36.421Z");
        assert_eq!(iso_seconds(t), "2017-08-08T21:15:36Z");
        assert_eq!(iso_seconds(EpochMillis(0)), "1970-01-01T00:00:00Z");
        assert_eq!(iso_millis(EpochMillis(5)), "1970-01-01T00:00:00.005Z");
    }

    #[test]
    fn out_of_range_is_clamped_not_a_panic() {
        assert_eq!(iso_millis(EpochMillis(-1)), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_millis(EpochMillis(i64::MAX)),
            "9999-12-31T23:59:59.999Z"
        );
    }
}
