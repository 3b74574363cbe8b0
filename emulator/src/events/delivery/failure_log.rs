//! How a target's failed attempts are logged: the first failure of a run of failures says
//! what failed and when the next attempt is; the rest are summarised, one line per
//! [`SUMMARY_INTERVAL`] per target, never one line per attempt or per event. A target that
//! nobody listens on (the quick start's receiver not started) then costs a line a minute, not
//! a line per event and retry (issue 17 item 4).
//!
//! Events not delivered when the daemon stops are summarised in one warning per target
//! ([`FailureLog::not_delivered_at_shutdown`]): a clean shutdown is not an error.

use std::time::Duration;
use tokio::time::Instant;

/// How often a target that keeps failing is reported again.
pub(super) const SUMMARY_INTERVAL: Duration = Duration::from_secs(60);

/// One target's run of failed attempts, if it is in one.
#[derive(Default)]
pub(super) struct FailureLog {
    streak: Option<Streak>,
    /// Events given up at shutdown, and the last reason.
    dropped_at_shutdown: u64,
    last_error: String,
}

struct Streak {
    started: Instant,
    /// When the last line about this streak was logged.
    reported: Instant,
    /// Failed attempts since `started`, and since `reported`.
    failed: u64,
    failed_since_report: u64,
}

impl FailureLog {
    /// Logs a failed attempt of `event` to `target` per the module's rule.
    pub(super) fn failed(
        &mut self,
        target: &str,
        event: &str,
        tickets: &[&str],
        attempt: u32,
        why: &str,
        retry_in: Duration,
    ) {
        let now = Instant::now();
        self.last_error = why.to_owned();
        match &mut self.streak {
            None => {
                tracing::warn!(
                    target_name = %target,
                    tickets = %tickets.join(","),
                    "events: {event} to {target} failed (attempt {attempt}: {why}); retrying in {retry_in:?}; while {target} keeps failing, one summary every {} s",
                    SUMMARY_INTERVAL.as_secs()
                );
                self.streak = Some(Streak {
                    started: now,
                    reported: now,
                    failed: 1,
                    failed_since_report: 0,
                });
            }
            Some(s) => {
                s.failed += 1;
                s.failed_since_report += 1;
                if now.duration_since(s.reported) >= SUMMARY_INTERVAL {
                    tracing::warn!(
                        target_name = %target,
                        "events: {target} still failing: {} failed attempt(s) in the last {} s ({} since the first failure {} s ago), last: {why}; retrying",
                        s.failed_since_report,
                        now.duration_since(s.reported).as_secs(),
                        s.failed,
                        now.duration_since(s.started).as_secs()
                    );
                    s.reported = now;
                    s.failed_since_report = 0;
                }
            }
        }
    }

    /// An attempt to `target` succeeded: ends a run of failures (saying so once).
    pub(super) fn delivered(&mut self, target: &str) {
        if let Some(s) = self.streak.take() {
            tracing::info!(
                target_name = %target,
                "events: {target} accepts events again, after {} failed attempt(s) over {} s",
                s.failed,
                Instant::now().duration_since(s.started).as_secs()
            );
        }
    }

    /// An event's last attempt at shutdown failed: counted, reported once by
    /// [`FailureLog::report_shutdown`].
    pub(super) fn dropped_at_shutdown(&mut self, why: &str) {
        self.dropped_at_shutdown += 1;
        self.last_error = why.to_owned();
    }

    /// Once the worker stops: one warning for the events its target never got.
    pub(super) fn report_shutdown(&self, target: &str) {
        if self.dropped_at_shutdown > 0 {
            tracing::warn!(
                target_name = %target,
                "events: {} event(s) for {target} not delivered before shutdown (last: {})",
                self.dropped_at_shutdown,
                self.last_error
            );
        }
    }

    /// Whether no attempt failed since the last delivery.
    #[cfg(test)]
    fn is_clear(&self) -> bool {
        self.streak.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_delivery_ends_the_streak() {
        let mut log = FailureLog::default();
        log.failed("t", "E", &[], 1, "refused", Duration::from_millis(500));
        assert!(!log.is_clear());
        log.delivered("t");
        assert!(log.is_clear());
    }
}
