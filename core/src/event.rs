//! What the core tells the outside world: effects for the faces to carry out, and domain
//! events (one log line each; [`Event::Notification`]s also go to the events face).
//!
//! The core never sends anything itself. A command returns its result and leaves effects in
//! the core's outbox ([`super::Core::take_effects`]); the caller carries them out while it
//! still holds the core's lock, so pushes to a process leave in the order the core made them.

use std::fmt;

use super::game_session::{GameSession, GameSessionStatus, GameSessionStatusReason};
use super::player_session::PlayerSessionCreationPolicy;
use super::process::ConnId;
use crate::clock::Millis;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Deliver a server-initiated message to a process over its newest connection.
    Push {
        pid: String,
        conn: ConnId,
        push: Push,
    },
    /// Close a connection (a process the core gave up on). `code` is a WebSocket close code:
    /// 1000 tells the SDKs not to reconnect (sdk-wire-protocol.md §1.8).
    Close {
        conn: ConnId,
        code: u16,
        reason: String,
    },
    /// Something happened.
    Event(Event),
    /// PGOS matchmaking post-processing: send `request` to the virtual server at `url` (the
    /// daemon POSTs it as PGOS JSON), then report the answer (or the failure) with
    /// `Core::post_processing_finished(match_id, ..)`. Unlike the others this effect is
    /// asynchronous: the core holds the match meanwhile.
    PostProcess {
        match_id: String,
        url: String,
        request: Box<super::matchmaking::post_processing::PostProcessingCall>,
    },
}

/// The four server-initiated messages of sdk-wire-protocol.md §4, in domain terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    CreateGameSession(Box<GameSession>),
    UpdateGameSession {
        game_session: Box<GameSession>,
        reason: UpdateReason,
        backfill_ticket_id: Option<String>,
    },
    TerminateProcess {
        termination_time: Millis,
    },
    RefreshConnection {
        endpoint: String,
        auth_token: String,
    },
}

/// Why a game session's data changed (sdk-wire-protocol.md §4.2, §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateReason {
    MatchmakingDataUpdated,
    BackfillFailed,
    BackfillTimedOut,
    BackfillCancelled,
}

impl UpdateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateReason::MatchmakingDataUpdated => "MATCHMAKING_DATA_UPDATED",
            UpdateReason::BackfillFailed => "BACKFILL_FAILED",
            UpdateReason::BackfillTimedOut => "BACKFILL_TIMED_OUT",
            UpdateReason::BackfillCancelled => "BACKFILL_CANCELLED",
        }
    }
}

/// What ended a game session (said in the log line of [`Event::GameSessionEnded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameSessionEndCause {
    /// Its process called ProcessEnding.
    ProcessEnding,
    /// Its process did not activate it within the activation timeout.
    ActivationTimeout,
    /// Its process is gone (heartbeat timeout, termination deadline or disconnection).
    ProcessGone(GoneReason),
    /// TerminateGameSession TRIGGER_ON_PROCESS_TERMINATE, its process not connected.
    TerminatedWhileDisconnected,
    /// TerminateGameSession FORCE_TERMINATE.
    ForceTerminated,
}

impl fmt::Display for GameSessionEndCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GameSessionEndCause::ProcessEnding => "its process called ProcessEnding",
            GameSessionEndCause::ActivationTimeout => {
                "its process did not activate it within the activation timeout"
            }
            GameSessionEndCause::ProcessGone(GoneReason::HeartbeatTimeout) => {
                "its process stopped sending heartbeats"
            }
            GameSessionEndCause::ProcessGone(GoneReason::TerminationDeadline) => {
                "its process was shut down at its termination time"
            }
            GameSessionEndCause::ProcessGone(_) => "its process disconnected and did not come back",
            GameSessionEndCause::TerminatedWhileDisconnected => {
                "TerminateGameSession (its process was not connected to be asked)"
            }
            GameSessionEndCause::ForceTerminated => "TerminateGameSession FORCE_TERMINATE",
        })
    }
}

/// Why a server process is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneReason {
    /// It called ProcessEnding (TerminateServerProcess).
    ProcessEnding,
    /// No heartbeat within the heartbeat timeout.
    HeartbeatTimeout,
    /// Its last connection closed and it did not reconnect within the grace period.
    Disconnected,
    /// It was asked to terminate and did not call ProcessEnding by its termination time.
    TerminationDeadline,
    /// It connected and did not call ProcessReady within [`READY_TIMEOUT_MS`].
    ///
    /// [`READY_TIMEOUT_MS`]: crate::process::READY_TIMEOUT_MS
    NeverReady,
}

impl fmt::Display for GoneReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GoneReason::ProcessEnding => "it called ProcessEnding",
            GoneReason::HeartbeatTimeout => "no heartbeat within the heartbeat timeout",
            GoneReason::Disconnected => "it did not reconnect within the grace period",
            GoneReason::TerminationDeadline => {
                "it did not call ProcessEnding by its termination time"
            }
            GoneReason::NeverReady => "it did not call ProcessReady within 5 minutes of connecting",
        })
    }
}

/// Why a player session left RESERVED/ACTIVE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerSessionEnd {
    /// The game server called RemovePlayerSession.
    Removed,
    /// Not accepted within the reservation timeout.
    TimedOut,
    /// Its game session ended.
    GameSessionEnded,
}

/// How a fleet came to be at run time (config fleets exist from the start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetOrigin {
    /// The service API's CreateFleet.
    CreateFleet,
    /// A game server connected with a fleet id nobody had declared.
    UnknownFleetOnConnect,
}

/// Domain events. `Display` is the one readable log line per lifecycle step.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    FleetCreated {
        fleet_id: String,
        location: String,
        origin: FleetOrigin,
    },
    /// A game server connected from a compute no RegisterCompute made; it is listed now.
    ComputeAdopted {
        fleet_id: String,
        name: String,
        location: String,
        pid: String,
    },
    ProcessConnected {
        pid: String,
        fleet_id: String,
        conn: ConnId,
        reconnect: bool,
    },
    ProcessDisconnected {
        pid: String,
        conn: ConnId,
        grace_ms: Millis,
    },
    ProcessReady {
        pid: String,
        fleet_id: String,
        port: Option<u16>,
    },
    ProcessHealthChanged {
        pid: String,
        healthy: bool,
    },
    ProcessGone {
        pid: String,
        reason: GoneReason,
    },
    ProcessTerminationRequested {
        pid: String,
        termination_time: Millis,
    },
    GameSessionCreated {
        game_session_id: String,
        pid: String,
    },
    GameSessionActivated {
        game_session_id: String,
    },
    /// TerminateGameSession (TRIGGER_ON_PROCESS_TERMINATE) asked the process to end.
    GameSessionTerminating {
        game_session_id: String,
        pid: String,
    },
    GameSessionEnded {
        game_session_id: String,
        status: GameSessionStatus,
        reason: Option<GameSessionStatusReason>,
        cause: GameSessionEndCause,
    },
    GameSessionUpdated {
        game_session_id: String,
        reason: UpdateReason,
    },
    PlayerSessionCreationPolicyChanged {
        game_session_id: String,
        policy: PlayerSessionCreationPolicy,
    },
    PlayerSessionReserved {
        player_session_id: String,
        player_id: String,
        game_session_id: String,
    },
    PlayerSessionAccepted {
        player_session_id: String,
    },
    PlayerSessionEnded {
        player_session_id: String,
        how: PlayerSessionEnd,
    },
    /// The matchmaker and placement (tickets, proposals, placements).
    Matchmaking(super::matchmaking::MatchmakingEvent),
    /// A notification in GameLift's words, for the events face (webhooks, `GET /events`).
    /// It comes with the [`Event::Matchmaking`] line it details, so it is not logged again.
    Notification(Box<super::notifications::DomainEvent>),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match self {
            FleetCreated { .. } | ComputeAdopted { .. } => self.fmt_fleet(f),
            ProcessConnected { .. }
            | ProcessDisconnected { .. }
            | ProcessReady { .. }
            | ProcessHealthChanged { .. }
            | ProcessGone { .. }
            | ProcessTerminationRequested { .. } => self.fmt_process(f),
            GameSessionCreated { .. }
            | GameSessionActivated { .. }
            | GameSessionTerminating { .. }
            | GameSessionEnded { .. }
            | GameSessionUpdated { .. }
            | PlayerSessionCreationPolicyChanged { .. } => self.fmt_game_session(f),
            PlayerSessionReserved { .. }
            | PlayerSessionAccepted { .. }
            | PlayerSessionEnded { .. } => self.fmt_player_session(f),
            Matchmaking(e) => e.fmt(f),
            Notification(n) => {
                write!(f, "event {} {}", n.name(), n.id)?;
                let tickets = n.ticket_ids();
                if !tickets.is_empty() {
                    write!(f, " (tickets {})", tickets.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl Event {
    /// The log line of an event about: fleets and computes.
    fn fmt_fleet(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match self {
            FleetCreated {
                fleet_id,
                location,
                origin,
            } => match origin {
                FleetOrigin::CreateFleet => write!(
                    f,
                    "fleet {fleet_id} created by CreateFleet (Anywhere, location {location})"
                ),
                FleetOrigin::UnknownFleetOnConnect => write!(
                    f,
                    "fleet {fleet_id} created on the spot for a game server that connected with it \
                     (Anywhere, location {location}); set [gateway] accept_unknown_fleets = false \
                     to refuse unknown fleet ids instead"
                ),
            },
            ComputeAdopted {
                fleet_id,
                name,
                location,
                pid,
            } => write!(
                f,
                "compute {name} joined fleet {fleet_id} (location {location}): process {pid} \
                 connected from it without a RegisterCompute; ListCompute lists it"
            ),
            _ => unreachable!("fmt_fleet is called for its own variants only"),
        }
    }

    /// The log line of an event about: server processes.
    fn fmt_process(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match self {
            ProcessConnected {
                pid,
                fleet_id,
                conn,
                reconnect,
            } => {
                let what = if *reconnect {
                    "reconnected"
                } else {
                    "connected"
                };
                write!(
                    f,
                    "process {pid} {what} (fleet {fleet_id}, connection {conn})"
                )
            }
            ProcessDisconnected {
                pid,
                conn,
                grace_ms,
            } => write!(
                f,
                "process {pid} disconnected (connection {conn}); kept for {} s awaiting reconnect",
                grace_ms / 1000
            ),
            ProcessReady {
                pid,
                fleet_id,
                port,
            } => match port {
                Some(p) => write!(
                    f,
                    "process {pid} ready: ACTIVE in fleet {fleet_id}, port {p}"
                ),
                None => write!(
                    f,
                    "process {pid} ready: ACTIVE in fleet {fleet_id}, no port"
                ),
            },
            ProcessHealthChanged { pid, healthy } => {
                let what = if *healthy {
                    "healthy again"
                } else {
                    "unhealthy"
                };
                write!(f, "process {pid} {what}")
            }
            ProcessGone { pid, reason } => write!(f, "process {pid} gone: {reason}"),
            ProcessTerminationRequested {
                pid,
                termination_time,
            } => write!(
                f,
                "process {pid} asked to terminate by {termination_time} (epoch ms)"
            ),
            _ => unreachable!("fmt_process is called for its own variants only"),
        }
    }

    /// The log line of an event about: game sessions.
    fn fmt_game_session(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match self {
            GameSessionCreated {
                game_session_id,
                pid,
            } => write!(
                f,
                "game session {game_session_id} created on process {pid}: ACTIVATING"
            ),
            GameSessionActivated { game_session_id } => {
                write!(f, "game session {game_session_id} activated: ACTIVE")
            }
            GameSessionTerminating {
                game_session_id,
                pid,
            } => write!(
                f,
                "game session {game_session_id} TERMINATING: TerminateGameSession asked process {pid} to end"
            ),
            GameSessionEnded {
                game_session_id,
                status,
                reason,
                cause,
            } => {
                write!(f, "game session {game_session_id} ended: {}", status.as_str())?;
                if let Some(r) = reason {
                    write!(f, " ({})", r.as_str())?;
                }
                write!(f, ", {cause}")
            }
            GameSessionUpdated {
                game_session_id,
                reason,
            } => write!(
                f,
                "game session {game_session_id} updated: {}",
                reason.as_str()
            ),
            PlayerSessionCreationPolicyChanged {
                game_session_id,
                policy,
            } => write!(
                f,
                "game session {game_session_id} player session creation policy: {}",
                policy.as_str()
            ),
            _ => unreachable!("fmt_game_session is called for its own variants only"),
        }
    }

    /// The log line of an event about: player sessions.
    fn fmt_player_session(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match self {
            PlayerSessionReserved {
                player_session_id,
                player_id,
                game_session_id,
            } => write!(
                f,
                "player session {player_session_id} reserved for player {player_id} in {game_session_id}"
            ),
            PlayerSessionAccepted { player_session_id } => {
                write!(f, "player session {player_session_id} accepted: ACTIVE")
            }
            PlayerSessionEnded {
                player_session_id,
                how,
            } => match how {
                PlayerSessionEnd::Removed => {
                    write!(f, "player session {player_session_id} removed: COMPLETED")
                }
                PlayerSessionEnd::TimedOut => write!(
                    f,
                    "player session {player_session_id} timed out: TIMEDOUT (not accepted in time)"
                ),
                PlayerSessionEnd::GameSessionEnded => write!(
                    f,
                    "player session {player_session_id} completed: its game session ended"
                ),
            },
            _ => unreachable!("fmt_player_session is called for its own variants only"),
        }
    }
}
