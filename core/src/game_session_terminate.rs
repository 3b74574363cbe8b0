//! TerminateGameSession: the backend ends a game session (service-api.md §9.2).
//!
//! `TRIGGER_ON_PROCESS_TERMINATE` is the polite way: the session turns TERMINATING and its
//! process gets TerminateProcess (the SDK's OnProcessTerminate callback); the session is
//! TERMINATED, reason TRIGGERED_ON_PROCESS_TERMINATE, when the process calls ProcessEnding
//! — or vanishes, or misses its termination time, after which the core stops waiting.
//! `FORCE_TERMINATE` ends the session at once (reason FORCE_TERMINATED) and tells the
//! process to stop as well: the service stops the process directly, and Playfield, which
//! cannot kill a process it did not launch, asks it to end soon and forgets it after that.

use super::event::{Event, GameSessionEndCause};
use super::{Core, CoreError, GameSession, GameSessionStatus, GameSessionStatusReason};
use crate::clock::Millis;

/// How TerminateGameSession ends a game session: the service's `TerminationMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminationMode {
    /// Ask the process to end the session (TerminateProcess); it ends when the process calls
    /// ProcessEnding, or at its termination time.
    TriggerOnProcessTerminate,
    /// End the session at once and tell its process to stop.
    ForceTerminate,
}

impl TerminationMode {
    /// Parses the wire name (`TRIGGER_ON_PROCESS_TERMINATE`, `FORCE_TERMINATE`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "TRIGGER_ON_PROCESS_TERMINATE" => Some(Self::TriggerOnProcessTerminate),
            "FORCE_TERMINATE" => Some(Self::ForceTerminate),
            _ => None,
        }
    }
}

/// Time a process gets to end after TRIGGER_ON_PROCESS_TERMINATE: long enough for a game
/// to wrap up a match and save, as the SDKs' callbacks expect.
const TRIGGER_GRACE_MS: Millis = 60_000;
/// Time a process gets to end after FORCE_TERMINATE.
const FORCE_GRACE_MS: Millis = 5_000;

impl Core {
    /// TerminateGameSession: ends the live game session `id` as `mode` says and returns it as it
    /// is now (TERMINATING or TERMINATED). A session that is not ACTIVATING or ACTIVE is
    /// [`CoreError::GameSessionStatus`].
    pub fn terminate_game_session(
        &mut self,
        now: Millis,
        id: &str,
        mode: TerminationMode,
    ) -> Result<GameSession, CoreError> {
        let gs = self
            .game_sessions
            .get(id)
            .ok_or_else(|| CoreError::UnknownGameSession { id: id.into() })?;
        if !gs.is_live() {
            return Err(CoreError::GameSessionStatus {
                id: id.into(),
                status: gs.status.as_str(),
                expected: "ACTIVATING or ACTIVE",
            });
        }
        let pid = gs.pid.clone();
        // A process that is not there (disconnected, awaiting a reconnect) cannot be asked.
        let reachable = self.active_process_mut(&pid).is_ok();
        match mode {
            TerminationMode::TriggerOnProcessTerminate if reachable => {
                self.request_termination(&pid, now + TRIGGER_GRACE_MS)?;
                if let Some(gs) = self.game_sessions.get_mut(id) {
                    gs.status = GameSessionStatus::Terminating;
                }
                self.emit(Event::GameSessionTerminating {
                    game_session_id: id.into(),
                    pid: pid.into(),
                });
            }
            TerminationMode::TriggerOnProcessTerminate => self.end_game_session(
                now,
                id,
                Some(GameSessionStatusReason::TriggeredOnProcessTerminate),
                GameSessionEndCause::TerminatedWhileDisconnected,
            ),
            TerminationMode::ForceTerminate => {
                self.end_game_session(
                    now,
                    id,
                    Some(GameSessionStatusReason::ForceTerminated),
                    GameSessionEndCause::ForceTerminated,
                );
                if reachable {
                    self.request_termination(&pid, now + FORCE_GRACE_MS)?;
                }
            }
        }
        self.game_sessions
            .get(id)
            .cloned()
            .ok_or_else(|| CoreError::UnknownGameSession { id: id.into() })
    }
}
