//! The core's timer wheel: one ordered set of (deadline, key).
//!
//! Each key has at most one deadline; rescheduling replaces it. That keeps the set as
//! large as the number of live timers (not the number of heartbeats ever received), and
//! lets [`super::Core::next_deadline`] answer in O(log n).

use std::collections::{BTreeSet, HashMap};

use super::process::ConnId;
use crate::clock::Millis;
use crate::ids::{GameSessionId, ProcessId, TicketId};

/// What a timer is for. The handler re-checks the state when it fires, so a timer whose
/// reason went away (a heartbeat arrived, a player was accepted) is cancelled or harmless.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum TimerKey {
    /// The process has not sent a heartbeat for the heartbeat timeout.
    Heartbeat(ProcessId),
    /// The process's last connection closed and it has not reconnected within the grace.
    ReconnectGrace(ProcessId),
    /// A newer connection of the process took over from this one a while ago (key: pID and
    /// the older connection).
    Superseded(ProcessId, ConnId),
    /// A process that called ProcessEnding and lost its connections, or a ready process
    /// whose reconnect grace ran out, is forgotten.
    EndedProcessForget(ProcessId),
    /// A connected process has not called ProcessReady within the ready timeout.
    ReadyTimeout(ProcessId),
    /// The process was asked to terminate (TerminateProcess) and this is the time by which
    /// it should have called ProcessEnding.
    TerminationDeadline(ProcessId),
    /// The game session stayed ACTIVATING past the activation timeout.
    Activation(GameSessionId),
    /// The player session stayed RESERVED past the reservation timeout (60 s).
    Reservation(String),
    /// A TERMINATED game session (and its player sessions) is forgotten.
    Purge(GameSessionId),
    /// A matchmaking ticket's RequestTimeoutSeconds passed.
    TicketTimeout(TicketId),
    /// A finished ticket is forgotten.
    TicketForget(TicketId),
    /// A proposed match's acceptance timeout passed (key: match id).
    Acceptance(String),
    /// A configuration's pool reaches its next expansion step: run a pass.
    Expansion(String),
    /// A configuration's matchmaking cycle ends: the tickets that arrived during it are
    /// matched together (see `Core::request_pass`).
    MatchmakingCycle(String),
    /// A pending placement looks for a free process again (or times out).
    PlacementRetry(String),
    /// A finished placement is forgotten.
    PlacementForget(String),
    /// A match held for PGOS post-processing got no answer in time (key: match id).
    PostProcessing(String),
}

#[derive(Debug, Default)]
pub(crate) struct Timers {
    by_time: BTreeSet<(Millis, TimerKey)>,
    by_key: HashMap<TimerKey, Millis>,
}

impl Timers {
    pub fn schedule(&mut self, key: TimerKey, at: Millis) {
        if let Some(old) = self.by_key.insert(key.clone(), at) {
            self.by_time.remove(&(old, key.clone()));
        }
        self.by_time.insert((at, key));
    }

    pub fn cancel(&mut self, key: &TimerKey) {
        if let Some(old) = self.by_key.remove(key) {
            self.by_time.remove(&(old, key.clone()));
        }
    }

    /// True when a timer with `key` is waiting.
    pub fn is_scheduled(&self, key: &TimerKey) -> bool {
        self.by_key.contains_key(key)
    }

    pub fn next_deadline(&self) -> Option<Millis> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at `now`, if any.
    pub(crate) fn pop_due(&mut self, now: Millis) -> Option<TimerKey> {
        let (at, _) = self.by_time.first()?;
        if *at > now {
            return None;
        }
        let (_, key) = self.by_time.pop_first()?;
        self.by_key.remove(&key);
        Some(key)
    }

    /// How many timers are pending.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reschedule_replaces_and_pop_respects_order() {
        let mut t = Timers::default();
        t.schedule(TimerKey::Heartbeat("a".into()), 100);
        t.schedule(TimerKey::Heartbeat("b".into()), 50);
        t.schedule(TimerKey::Heartbeat("a".into()), 200);
        assert_eq!(t.len(), 2);
        assert_eq!(t.next_deadline(), Some(50));
        assert_eq!(t.pop_due(49), None);
        assert_eq!(t.pop_due(150), Some(TimerKey::Heartbeat("b".into())));
        assert_eq!(t.pop_due(150), None);
        t.cancel(&TimerKey::Heartbeat("a".into()));
        assert_eq!(t.next_deadline(), None);
    }
}
