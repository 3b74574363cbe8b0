//! Injected time.
//!
//! Every time-based rule of the daemon (heartbeat timeouts, reconnect grace, activation
//! timeouts, player-session reservations) reads time through [`Clock`], never through the
//! wall clock directly. Production uses [`SystemClock`]; tests use [`ManualClock`] and move
//! time forward explicitly, so no test ever sleeps to wait for a timeout.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// Epoch milliseconds: the unit the SDK wire protocol uses for every timestamp
/// (sdk-wire-protocol.md §10), so the core keeps time in it too.
pub type Millis = u64;

/// A source of "now".
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> Millis;

    /// For clocks that only move when told to (tests), a receiver that changes whenever the
    /// clock moves, so the daemon's timer task can wake up and fire due timers without
    /// sleeping real time. `None` means "real time": the timer task sleeps until deadlines.
    fn subscribe(&self) -> Option<watch::Receiver<Millis>>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> Millis {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as Millis)
            .unwrap_or(0)
    }

    fn subscribe(&self) -> Option<watch::Receiver<Millis>> {
        None
    }
}

/// A clock that stands still until [`ManualClock::advance`] is called.
///
/// Starts at a fixed, realistic epoch time (2025-01-01T00:00:00Z) so timestamps in tests
/// look like real ones and never collide with the "0 means unset" convention of the wire.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicU64,
    tx: watch::Sender<Millis>,
}

impl ManualClock {
    /// 2025-01-01T00:00:00Z in epoch milliseconds.
    pub(crate) const DEFAULT_START: Millis = 1_735_689_600_000;

    /// A clock standing at 2025-01-01T00:00:00Z; tests move it with [`ManualClock::advance`].
    pub fn new() -> Self {
        Self::starting_at(Self::DEFAULT_START)
    }

    pub(crate) fn starting_at(start: Millis) -> Self {
        let (tx, _) = watch::channel(start);
        Self {
            now: AtomicU64::new(start),
            tx,
        }
    }

    /// Moves time forward and wakes every subscriber (the daemon's timer task).
    pub fn advance(&self, by: Duration) -> Millis {
        let by = by.as_millis() as Millis;
        let now = self.now.fetch_add(by, Ordering::SeqCst) + by;
        self.tx.send_replace(now);
        now
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> Millis {
        self.now.load(Ordering::SeqCst)
    }

    fn subscribe(&self) -> Option<watch::Receiver<Millis>> {
        Some(self.tx.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_notifies() {
        let clock = ManualClock::new();
        let mut rx = clock
            .subscribe()
            .expect("manual clock can be subscribed to");
        assert_eq!(clock.now_ms(), ManualClock::DEFAULT_START);
        assert!(!rx.has_changed().unwrap());
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.now_ms(), ManualClock::DEFAULT_START + 61_000);
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), ManualClock::DEFAULT_START + 61_000);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_ms() > 1_577_836_800_000);
        assert!(SystemClock.subscribe().is_none());
    }
}
