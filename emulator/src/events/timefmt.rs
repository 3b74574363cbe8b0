//! Time formatting for the event formats (glossary, "Time formats").
//!
//! The renderers never read a clock: they format the epoch-millisecond times the emitter gave.
//! Out-of-range times are clamped to what ISO-8601 with four-digit years can say, so a bad
//! value from a caller yields an odd date, never a panic.

use super::model::EpochMillis;
use time::OffsetDateTime;

/// The last millisecond a four-digit year can express.
const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

fn to_datetime(t: EpochMillis) -> OffsetDateTime {
    let ms = t.0.clamp(0, MAX_MS);
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2017-08-08T21:15:36.421Z`: FlexMatch event times, SNS `Timestamp`, GPM ticket times.
pub(crate) fn iso_millis(t: EpochMillis) -> String {
    iso(t, true)
}

/// `1970-01-01T00:00:00Z`: the GPM push `Time`.
pub(crate) fn iso_seconds(t: EpochMillis) -> String {
    iso(t, false)
}

/// Writes the fixed-width ISO-8601 form digit by digit. Why not `time`'s `format` with a
/// format description: it interprets the description on every call, and renderers call this
/// once per ticket (ten times for a 5v5 GPM push); writing fixed-width digits is several times
/// cheaper and cannot fail. `time` still does the calendar arithmetic.
fn iso(t: EpochMillis, millis: bool) -> String {
    let d = to_datetime(t);
    let mut s = String::with_capacity(24);
    // Clamped to years 1970..=9999: always four digits.
    push_digits(&mut s, u32::try_from(d.year()).unwrap_or(0), 4);
    s.push('-');
    push_digits(&mut s, u32::from(u8::from(d.month())), 2);
    s.push('-');
    push_digits(&mut s, u32::from(d.day()), 2);
    s.push('T');
    push_digits(&mut s, u32::from(d.hour()), 2);
    s.push(':');
    push_digits(&mut s, u32::from(d.minute()), 2);
    s.push(':');
    push_digits(&mut s, u32::from(d.second()), 2);
    if millis {
        s.push('.');
        push_digits(&mut s, u32::from(d.millisecond()), 3);
    }
    s.push('Z');
    s
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(s: &mut String, n: u32, width: u32) {
    for i in (0..width).rev() {
        let digit = (n / 10u32.pow(i)) % 10;
        s.push(char::from(b'0' + digit as u8));
    }
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

    /// The digit-by-digit writer agrees with `time`'s own RFC 3339 formatting over a spread
    /// of instants (leap days, year ends, single-digit fields).
    #[test]
    fn agrees_with_the_time_crate() {
        use time::format_description::well_known::Rfc3339;
        let mut ms = 0i64;
        while ms < MAX_MS {
            let t = EpochMillis(ms);
            let d = to_datetime(t);
            let whole = d.replace_millisecond(0).expect("valid");
            let rfc = whole.format(&Rfc3339).expect("formats");
            assert_eq!(iso_seconds(t), rfc, "{ms}");
            assert_eq!(
                iso_millis(t),
                format!("{}.{:03}Z", &rfc[..rfc.len() - 1], d.millisecond()),
                "{ms}"
            );
            ms += 7_777_777_777; // about 90 days and an odd number of milliseconds
        }
    }
}
