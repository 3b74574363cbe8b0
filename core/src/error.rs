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
    /// A matchmaking call that does not fit the state (the message says why).
    #[error("{0}")]
    Matchmaking(String),
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
            Matchmaking(_) => ErrorKind::InvalidRequest,
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
