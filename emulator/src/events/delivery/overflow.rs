//! Events a target's full queue refused: counted exactly, logged as one summary per interval.
//!
//! A target that is down for long fills its queue (`[events] max_pending_events`); from then
//! on every new event for it is refused. The queue keeps the oldest events, in publish order,
//! and delivers them when the target is back: the gap is at the end, never in the middle.
//! Each refusal counts in [`TargetStats::overflowed`](super::TargetStats::overflowed) (what a
//! metrics endpoint reads). One warning per refused event would flood the log with thousands
//! of lines saying the same thing, so the first refusal is logged at once and the later ones
//! in one summary line per [`DeliveryConfig::overflow_report_interval`]
//! (super::DeliveryConfig::overflow_report_interval), logged by the next refusal or delivery
//! after the interval.

use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The refusals of one target not yet reported, and when the last report was made.
pub(crate) struct OverflowReport {
    capacity: usize,
    interval: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    unreported: u64,
    first_unreported: Option<&'static str>,
    last_report: Option<Instant>,
}

impl OverflowReport {
    pub(crate) fn new(capacity: usize, interval: Duration) -> OverflowReport {
        OverflowReport {
            capacity,
            interval,
            state: Mutex::new(State::default()),
        }
    }

    /// One more event (`event`, refused because `why`) for `target`; `total` refusals so far.
    pub(crate) fn refused(&self, target: &str, event: &'static str, why: &str, total: u64) {
        let mut s = self.state.lock();
        s.unreported += 1;
        s.first_unreported.get_or_insert(event);
        if s.last_report.is_none() {
            tracing::warn!(
                target_name = %target,
                overflowed = total,
                "events: {why} for target {target} ({} events waiting, the [events] \
                 max_pending_events limit): newer events are not queued for it and are counted \
                 as dropped; the queued ones keep their order and are delivered when it is \
                 back; a summary follows at most every {:?}",
                self.capacity,
                self.interval
            );
            s.unreported = 0;
            s.first_unreported = None;
            s.last_report = Some(Instant::now());
            return;
        }
        self.report_if_due(&mut s, target, total);
    }

    /// Logs the refusals not reported yet, if the interval since the last report has passed
    /// (called as events leave the queue).
    pub(crate) fn flush_due(&self, target: &str, total: u64) {
        let mut s = self.state.lock();
        self.report_if_due(&mut s, target, total);
    }

    fn report_if_due(&self, s: &mut State, target: &str, total: u64) {
        let due = s.last_report.is_none_or(|at| at.elapsed() >= self.interval);
        if s.unreported == 0 || !due {
            return;
        }
        tracing::warn!(
            target_name = %target,
            overflowed = total,
            "events: {} more events for target {target} dropped in the last {:?} (queue full, \
             {} events waiting; the first was {}); {total} dropped in all",
            s.unreported,
            s.last_report.map_or(self.interval, |at| at.elapsed()),
            self.capacity,
            s.first_unreported.unwrap_or("?")
        );
        s.unreported = 0;
        s.first_unreported = None;
        s.last_report = Some(Instant::now());
    }
}
