//! Retry timing for webhook deliveries.
//!
//! Exponential, capped, and deliberately without jitter: Playfield has one sender per target,
//! so there is no herd to spread, and a deterministic schedule lets tests on tokio's paused
//! clock assert exact retry times.

use std::time::Duration;

/// Exponential backoff: `base`, `2·base`, `4·base`, … never more than `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry.
    pub base: Duration,
    /// Longest delay between two attempts.
    pub cap: Duration,
}

impl Default for Backoff {
    /// 500 ms doubling up to 30 s: a receiver restarted by hand gets its events within half a
    /// minute of coming back.
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// Delay after failed attempt number `attempt` (1-based) before the next one.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let shift = attempt.saturating_sub(1).min(31);
        self.base
            .checked_mul(1u32 << shift)
            .unwrap_or(self.cap)
            .min(self.cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(500),
        };
        let d: Vec<u128> = (1..=5).map(|a| b.delay(a).as_millis()).collect();
        assert_eq!(d, [100, 200, 400, 500, 500]);
        assert_eq!(b.delay(1000), Duration::from_millis(500));
        assert_eq!(b.delay(0), Duration::from_millis(100));
    }
}
