//! The core's typed errors.
//!
//! Each face maps an error to its own vocabulary through [`CoreError::kind`]: the SDK
//! gateway to a `StatusCode` (sdk-wire-protocol.md §2.3), the service API (next issue) to an
//! exception name (service-api.md §8). The message always names the thing that is wrong.

use std::fmt;

/// What class of failure an error is, independent of any wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A parameter is missing or malformed, or the call does not fit the state.
    InvalidRequest,
    /// The named resource does not exist.
    NotFound,
    /// The caller may not act on this resource (e.g. a process touching another's session).
    Forbidden,
    /// The resource exists in a conflicting form (e.g. a pID already bound to another fleet).
    Conflict,
    /// Tags could not be applied (e.g. the resource would exceed its tag limit).
    TaggingFailed,
    /// The game session's status does not allow the call.
    InvalidGameSessionStatus,
    /// No free player slot.
    GameSessionFull,
    /// No free server process in the fleet.
    FleetCapacityExceeded,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("{name}: {message}")]
    InvalidParameter { name: &'static str, message: String },
    #[error("no fleet '{id}' (known fleets: {known})")]
    UnknownFleet { id: String, known: String },
    #[error("no server process with pID '{pid}'")]
    UnknownProcess { pid: String },
    #[error("server process '{pid}' is {status}, not ACTIVE{hint}")]
    ProcessNotActive {
        pid: String,
        status: &'static str,
        hint: &'static str,
    },
    #[error("pID '{pid}' is already in use by a server process of fleet '{fleet_id}'")]
    ProcessFleetConflict { pid: String, fleet_id: String },
    /// A transport-level reconnect (same IdempotencyToken) of a process that called
    /// ProcessEnding.
    #[error(
        "ProcessEnding was called: server process '{pid}' has ended; a new process \
         connects with a new IdempotencyToken (InitSDK)"
    )]
    ProcessEnded { pid: String },
    #[error("no game session '{id}'")]
    UnknownGameSession { id: String },
    #[error("game session '{id}' is not hosted by server process '{pid}'")]
    NotHosted { id: String, pid: String },
    #[error("game session '{id}' is {status}, not {expected}")]
    GameSessionStatus {
        id: String,
        status: &'static str,
        expected: &'static str,
    },
    #[error("game session '{id}' does not accept new player sessions (policy DENY_ALL)")]
    PlayerSessionsDenied { id: String },
    #[error("game session '{id}' is full: {taken} of {max} player slots taken, {asked} asked for")]
    GameSessionFull {
        id: String,
        taken: usize,
        max: u32,
        asked: usize,
    },
    #[error("no player session '{id}'")]
    UnknownPlayerSession { id: String },
    #[error("player session '{id}' belongs to game session '{actual}', not '{requested}'")]
    WrongGameSession {
        id: String,
        actual: String,
        requested: String,
    },
    #[error("player session '{id}' is {status}, not {expected}")]
    PlayerSessionStatus {
        id: String,
        status: &'static str,
        expected: &'static str,
    },
    #[error("fleet '{fleet_id}' has no ACTIVE, healthy server process without a game session")]
    NoFreeProcess { fleet_id: String },
    /// A matchmaking resource (rule set, configuration, queue, ticket) that does not exist.
    #[error("no {what} '{id}'")]
    NotFound { what: &'static str, id: String },
    /// A rule set, configuration or queue of this name exists already.
    #[error("a {what} named '{name}' already exists")]
    NameTaken { what: &'static str, name: String },
    /// A ticket or placement with this (caller-chosen) id exists already.
    #[error("a {what} with id '{id}' already exists")]
    IdTaken { what: &'static str, id: String },
    /// DeleteMatchmakingConfiguration while one of its tickets is still active.
    #[error(
        "matchmaking configuration '{name}' has active ticket '{ticket_id}' ({status}); stop \
         its tickets first"
    )]
    ConfigurationHasActiveTicket {
        name: String,
        ticket_id: String,
        status: &'static str,
    },
    /// DeleteMatchmakingRuleSet while a configuration uses the rule set.
    #[error(
        "matchmaking rule set '{name}' is used by configuration '{configuration}'; delete or \
         update the configuration first"
    )]
    RuleSetInUse { name: String, configuration: String },
    /// DeleteGameSessionQueue while a configuration places through the queue.
    #[error("game session queue '{name}' is used by matchmaking configuration '{configuration}'")]
    QueueInUse { name: String, configuration: String },
    /// StartMatchBackfill naming a game session that has ended.
    #[error("game session '{id}' has ended; it cannot be backfilled")]
    BackfillOfEndedGameSession { id: String },
    /// AcceptMatch on a ticket that is not waiting for acceptance.
    #[error(
        "ticket '{id}' is {status}; it cannot be accepted or rejected (only \
         REQUIRES_ACCEPTANCE can)"
    )]
    TicketNotAwaitingAcceptance { id: String, status: &'static str },
    /// StopMatchmaking on a ticket that has already ended.
    #[error("ticket '{id}' is {status}; it cannot be stopped")]
    TicketEnded { id: String, status: &'static str },
    /// StopMatchmaking on a ticket whose match is being placed.
    #[error("ticket '{id}' is PLACING; its match is being placed and cannot be stopped")]
    TicketPlacing { id: String },
    /// StopGameSessionPlacement on a placement that a matchmaking configuration started.
    #[error("placement '{id}' places a match of configuration '{configuration}'; stop its tickets instead")]
    PlacementOfMatch { id: String, configuration: String },
    /// StopGameSessionPlacement on a placement that is no longer PENDING.
    #[error("placement '{id}' is {status}; only a PENDING placement can be stopped")]
    PlacementNotPending { id: String, status: &'static str },
    /// An item of the daemon's startup matchmaking setup that could not be created.
    #[error("{what} '{name}': {source}")]
    InSetup {
        what: &'static str,
        name: String,
        source: Box<CoreError>,
    },
    #[error("{what} '{id}' already exists")]
    Exists { what: &'static str, id: String },
    #[error("no compute '{name}' registered in fleet '{fleet_id}'")]
    UnknownCompute { fleet_id: String, name: String },
    #[error("no taggable resource with ARN '{arn}': {why}")]
    UnknownTaggedResource { arn: String, why: String },
    #[error("resource '{arn}' would have {count} tags; at most {max} are allowed")]
    TagLimit {
        arn: String,
        count: usize,
        max: usize,
    },
    #[error("server process '{pid}' refused: {why}")]
    AuthRefused { pid: String, why: String },
}

impl CoreError {
    pub fn kind(&self) -> ErrorKind {
        use CoreError::*;
        match self {
            InvalidParameter { .. } | ProcessNotActive { .. } => ErrorKind::InvalidRequest,
            ProcessEnded { .. } => ErrorKind::InvalidRequest,
            WrongGameSession { .. } | PlayerSessionStatus { .. } => ErrorKind::InvalidRequest,
            UnknownFleet { .. }
            | UnknownProcess { .. }
            | UnknownGameSession { .. }
            | UnknownPlayerSession { .. }
            | UnknownCompute { .. }
            | UnknownTaggedResource { .. } => ErrorKind::NotFound,
            TagLimit { .. } => ErrorKind::TaggingFailed,
            NotHosted { .. } | AuthRefused { .. } => ErrorKind::Forbidden,
            ProcessFleetConflict { .. } | Exists { .. } => ErrorKind::Conflict,
            GameSessionStatus { .. } | PlayerSessionsDenied { .. } => {
                ErrorKind::InvalidGameSessionStatus
            }
            GameSessionFull { .. } => ErrorKind::GameSessionFull,
            NoFreeProcess { .. } => ErrorKind::FleetCapacityExceeded,
            NotFound { .. } => ErrorKind::NotFound,
            NameTaken { .. }
            | IdTaken { .. }
            | ConfigurationHasActiveTicket { .. }
            | RuleSetInUse { .. }
            | QueueInUse { .. }
            | BackfillOfEndedGameSession { .. }
            | TicketNotAwaitingAcceptance { .. }
            | TicketEnded { .. }
            | TicketPlacing { .. }
            | PlacementOfMatch { .. }
            | PlacementNotPending { .. }
            | InSetup { .. } => ErrorKind::InvalidRequest,
        }
    }

    /// An InvalidParameter error naming the parameter. `pub` because the service API face
    /// makes the same error for checks it does before calling the core.
    pub fn param(name: &'static str, message: impl fmt::Display) -> Self {
        CoreError::InvalidParameter {
            name,
            message: message.to_string(),
        }
    }
}
