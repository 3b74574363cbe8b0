//! When to restart a launched process: a pure policy over explicit times.
//!
//! A process that ran for a while and exited is replaced at once, like a managed fleet replaces
//! a finished server. A process that exits soon after starting is probably crashing on start-up
//! (a bad argument, a missing file); restarting it in a tight loop would flood the log and the
//! CPU, so each quick exit in a row doubles the wait, up to a cap. One healthy run resets it.
//!
//! A process that exits with status 0 said it finished: an SDK 5 server hosts one game session,
//! calls ProcessEnding and exits (SDK 5 has no TerminateGameSession), and a short test match can
//! end within seconds. Such an exit counts as healthy once the process ran
//! [`RestartPolicy::clean_healthy_after`]; only a process that exits 0 at once (printing its usage,
//! say) still backs off.

use std::time::Duration;

/// The restart schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartPolicy {
    /// A run shorter than this counts as a crash on start-up.
    pub healthy_after: Duration,
    /// A run that ended with exit status 0 and lasted at least this long is healthy.
    pub clean_healthy_after: Duration,
    /// The wait after the first quick exit.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            healthy_after: Duration::from_secs(10),
            clean_healthy_after: Duration::from_secs(1),
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// When to start a slot's process again, in milliseconds on the caller's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Restart {
    pub(crate) at_ms: u64,
    /// Quick exits in a row so far, to pass to the next [`RestartPolicy::on_exit`].
    pub(crate) quick_exits: u32,
}

impl RestartPolicy {
    /// The state after the process started at `started_ms` exited at `exited_ms`, with exit
    /// status 0 when `clean`; `quick_exits` counts the quick exits just before this run.
    pub(crate) fn on_exit(
        &self,
        started_ms: u64,
        exited_ms: u64,
        clean: bool,
        quick_exits: u32,
    ) -> Restart {
        let ran = Duration::from_millis(exited_ms.saturating_sub(started_ms));
        let healthy_after = if clean {
            self.clean_healthy_after
        } else {
            self.healthy_after
        };
        if ran >= healthy_after {
            return Restart {
                at_ms: exited_ms,
                quick_exits: 0,
            };
        }
        let quick_exits = quick_exits.saturating_add(1);
        Restart {
            at_ms: exited_ms + self.delay_after(quick_exits).as_millis() as u64,
            quick_exits,
        }
    }

    /// The wait after `quick_exits` quick exits in a row: first_delay, doubled each time, capped.
    pub(crate) fn delay_after(&self, quick_exits: u32) -> Duration {
        if quick_exits == 0 {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(quick_exits - 1).unwrap_or(u32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RestartPolicy {
        RestartPolicy::default()
    }

    /// A server that ran its match and exited is replaced at once, and its slate is clean.
    #[test]
    fn healthy_exit_restarts_immediately() {
        let p = policy();
        assert_eq!(
            p.on_exit(0, 60_000, false, 3),
            Restart {
                at_ms: 60_000,
                quick_exits: 0
            }
        );
        // Exactly the threshold counts as healthy.
        assert_eq!(
            p.on_exit(1_000, 11_000, false, 1),
            Restart {
                at_ms: 11_000,
                quick_exits: 0
            }
        );
    }

    /// A process crashing at once waits 1 s, 2 s, 4 s, ... up to 60 s between attempts.
    #[test]
    fn crash_loop_backs_off_exponentially_to_the_cap() {
        let p = policy();
        let mut now = 0u64;
        let mut quick = 0;
        let mut waits = Vec::new();
        for _ in 0..9 {
            let started = now;
            let exited = started + 200; // crashes 200 ms after starting
            let Restart { at_ms, quick_exits } = p.on_exit(started, exited, false, quick);
            waits.push(at_ms - exited);
            quick = quick_exits;
            now = at_ms;
        }
        assert_eq!(
            waits,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]
        );
    }

    /// One healthy run after a crash loop resets the delay.
    #[test]
    fn healthy_run_resets_the_backoff() {
        let p = policy();
        let Restart { quick_exits, .. } = p.on_exit(0, 100, false, 5);
        assert_eq!(quick_exits, 6);
        assert_eq!(
            p.on_exit(0, 30_000, false, quick_exits),
            Restart {
                at_ms: 30_000,
                quick_exits: 0
            }
        );
    }

    /// A server that hosted a 3-second match, called ProcessEnding and exited 0 is replaced at
    /// once, with no crash warning; one that exits 0 at once still backs off, and a crash after
    /// 3 s (status 1) is still a crash.
    #[test]
    fn a_clean_exit_after_a_short_match_is_healthy() {
        let p = policy();
        assert_eq!(
            p.on_exit(0, 3_000, true, 2),
            Restart {
                at_ms: 3_000,
                quick_exits: 0
            }
        );
        assert_eq!(
            p.on_exit(0, 50, true, 0),
            Restart {
                at_ms: 1_050,
                quick_exits: 1
            }
        );
        assert_eq!(
            p.on_exit(0, 3_000, false, 0),
            Restart {
                at_ms: 4_000,
                quick_exits: 1
            }
        );
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        assert_eq!(policy().delay_after(u32::MAX), Duration::from_secs(60));
        assert_eq!(policy().delay_after(40), Duration::from_secs(60));
    }
}
