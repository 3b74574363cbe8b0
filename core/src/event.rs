//! What the core tells the outside world: effects for the faces to carry out, and domain
//! events (one log line each; [`Event::Notification`]s also go to the events face).
//!
//! The core never sends anything itself. A command returns its result and leaves effects in
//! the core's outbox ([`super::Core::take_effects`]); the caller carries them out while it
//! still holds the core's lock, so pushes to a process leave in the order the core made them.

use crate::ids::{GameSessionId, ProcessId};
use std::fmt;

use super::game_session::{GameSession, GameSessionStatus, GameSessionStatusReason};
use super::player_session::PlayerSessionCreationPolicy;
use super::process::ConnId;
use crate::clock::Millis;

/// What a face must do on the core's behalf; taken from the outbox after each call.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Deliver a server-initiated message to a process over its newest connection.
    Push {
        /// The process the message is for.
        pid: ProcessId,
        /// The connection to send it on (the newest one when the effect was made).
        conn: ConnId,
        /// The server-initiated message to send.
        push: Push,
    },
    /// Close a connection (a process the core gave up on). `code` is a WebSocket close code:
    /// 1000 tells the SDKs not to reconnect (sdk-wire-protocol.md §1.8).
    Close {
        /// The connection to close.
        conn: ConnId,
        /// The WebSocket close code.
        code: u16,
        /// The close frame's reason text, for the game server's log.
        reason: String,
    },
    /// Something happened.
    Event(Event),
    /// PGOS matchmaking post-processing: send `request` to the virtual server at `url` (the
    /// daemon POSTs it as PGOS JSON), then report the answer (or the failure) with
    /// `Core::post_processing_finished(match_id, ..)`. Unlike the others this effect is
    /// asynchronous: the core holds the match meanwhile.
    PostProcess {
        /// The match being post-processed; the key for `Core::post_processing_finished`.
        match_id: String,
        /// The virtual server's URL, from the configuration's post-processing settings.
        url: String,
        /// The match and its tickets, to be sent as the request body.
        request: Box<super::matchmaking::post_processing::PostProcessingCall>,
    },
}

/// The four server-initiated messages of sdk-wire-protocol.md §4, in domain terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// Host a new game session: the process should set it up and call ActivateGameSession
    /// (sdk-wire-protocol.md §4.1).
    CreateGameSession(Box<GameSession>),
    /// The game session's matchmaker data changed, or its backfill ended without a match
    /// (sdk-wire-protocol.md §4.2).
    UpdateGameSession {
        /// The game session as it is now, with its new `MatchmakerData`.
        game_session: Box<GameSession>,
        /// Why it is sent.
        reason: UpdateReason,
        /// The backfill ticket this update concerns, if a backfill caused it.
        backfill_ticket_id: Option<String>,
    },
    /// The process should shut down by `termination_time` (sdk-wire-protocol.md §4.3).
    TerminateProcess {
        /// When the process will be considered gone if it has not called ProcessEnding (epoch ms).
        termination_time: Millis,
    },
    /// The process should reconnect with a fresh auth token (sdk-wire-protocol.md §4.4).
    RefreshConnection {
        /// The WebSocket URL to reconnect to.
        endpoint: String,
        /// The new auth token for the reconnect.
        auth_token: String,
    },
}

/// Why a game session's data changed (sdk-wire-protocol.md §4.2, §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateReason {
    /// A match or backfill changed the game session's `MatchmakerData` (new players joined).
    MatchmakingDataUpdated,
    /// The backfill request failed to find players.
    BackfillFailed,
    /// The backfill request timed out before finding players.
    BackfillTimedOut,
    /// The backfill request was stopped (StopMatchBackfill).
    BackfillCancelled,
}

impl UpdateReason {
    /// The wire name (`MATCHMAKING_DATA_UPDATED`, ...), as the SDKs expect it.
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
    /// A fleet was created while the daemon ran.
    FleetCreated {
        /// The new fleet's id.
        fleet_id: String,
        /// Its (only) location, e.g. `custom-location-1`.
        location: String,
        /// What created it.
        origin: FleetOrigin,
    },
    /// A game server connected from a compute no RegisterCompute made; it is listed now.
    ComputeAdopted {
        /// The fleet the compute joined.
        fleet_id: String,
        /// The compute's name (the `ComputeName` the SDK sent, or one made up for it).
        name: String,
        /// The compute's location.
        location: String,
        /// The process that connected from it.
        pid: ProcessId,
    },
    /// A server process opened a WebSocket connection (InitSDK), or reopened one.
    ProcessConnected {
        /// The process id the SDK sent (`pID`).
        pid: ProcessId,
        /// The fleet it belongs to.
        fleet_id: String,
        /// The new connection.
        conn: ConnId,
        /// Whether a process with this pID was known already: a reconnect.
        reconnect: bool,
    },
    /// A process's connection closed; it is kept for a grace period to reconnect.
    ProcessDisconnected {
        /// The process id.
        pid: ProcessId,
        /// The connection that closed.
        conn: ConnId,
        /// How long the process may take to reconnect before it is gone (ms).
        grace_ms: Millis,
    },
    /// A process called ProcessReady and is ACTIVE: it can host game sessions now.
    ProcessReady {
        /// The process id.
        pid: ProcessId,
        /// Its fleet.
        fleet_id: String,
        /// The port game clients connect to, if the process gave one.
        port: Option<u16>,
    },
    /// A process's health check result flipped (sdk-wire-protocol.md §6).
    ProcessHealthChanged {
        /// The process id.
        pid: ProcessId,
        /// Its health now.
        healthy: bool,
    },
    /// A process is gone for good; its game sessions end with it.
    ProcessGone {
        /// The process id.
        pid: ProcessId,
        /// Why it is gone.
        reason: GoneReason,
    },
    /// A process was sent TerminateProcess.
    ProcessTerminationRequested {
        /// The process id.
        pid: ProcessId,
        /// Its deadline to call ProcessEnding (epoch ms).
        termination_time: Millis,
    },
    /// A game session was created and pushed to a process; it is ACTIVATING.
    GameSessionCreated {
        /// The game session's id (its ARN).
        game_session_id: GameSessionId,
        /// The process asked to host it.
        pid: ProcessId,
    },
    /// The hosting process called ActivateGameSession; the game session is ACTIVE.
    GameSessionActivated {
        /// The game session's id.
        game_session_id: GameSessionId,
    },
    /// TerminateGameSession (TRIGGER_ON_PROCESS_TERMINATE) asked the process to end.
    GameSessionTerminating {
        /// The game session's id.
        game_session_id: GameSessionId,
        /// The process asked to end.
        pid: ProcessId,
    },
    /// A game session ended (TERMINATED) and no longer holds its process.
    GameSessionEnded {
        /// The game session's id.
        game_session_id: GameSessionId,
        /// Its final status.
        status: GameSessionStatus,
        /// The service's `GameSession.StatusReason`, when there is one (e.g. `INTERRUPTED`).
        reason: Option<GameSessionStatusReason>,
        /// What ended it, for the log line.
        cause: GameSessionEndCause,
    },
    /// An UpdateGameSession push went to the hosting process.
    GameSessionUpdated {
        /// The game session's id.
        game_session_id: GameSessionId,
        /// Why it was sent.
        reason: UpdateReason,
    },
    /// The game session's `PlayerSessionCreationPolicy` changed (ACCEPT_ALL or DENY_ALL).
    PlayerSessionCreationPolicyChanged {
        /// The game session's id.
        game_session_id: GameSessionId,
        /// The new policy.
        policy: PlayerSessionCreationPolicy,
    },
    /// A player session was created: a slot is RESERVED for the player until it is accepted.
    PlayerSessionReserved {
        /// The new player session's id.
        player_session_id: String,
        /// The player it holds a slot for.
        player_id: String,
        /// The game session the slot is in.
        game_session_id: GameSessionId,
    },
    /// The game server accepted the player session (AcceptPlayerSession): ACTIVE.
    PlayerSessionAccepted {
        /// The player session's id.
        player_session_id: String,
    },
    /// A player session ended: COMPLETED or TIMEDOUT.
    PlayerSessionEnded {
        /// The player session's id.
        player_session_id: String,
        /// How it ended.
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
