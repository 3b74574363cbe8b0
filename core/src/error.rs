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

/// Every way a call on the core can fail; the message names what is wrong and where.
///
/// Each variant carries the ids a client needs to find the offending resource; its
/// [`kind`](CoreError::kind) decides the status code or exception name a face sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    /// A request parameter is missing, malformed or out of range.
    #[error("{name}: {message}")]
    InvalidParameter {
        /// The parameter's name as the caller spelled it (e.g. `MaximumPlayerSessionCount`).
        name: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// No fleet with this id is configured.
    #[error("no fleet '{id}' (known fleets: {known})")]
    UnknownFleet {
        /// The fleet id asked for.
        id: String,
        /// The configured fleet ids, comma-separated, to help the caller spot a typo.
        known: String,
    },
    /// No server process with this pID has connected.
    #[error("no server process with pID '{pid}'")]
    UnknownProcess {
        /// The process id the call named.
        pid: String,
    },
    /// The server process exists but is not ACTIVE (it has not called ProcessReady, or has
    /// ended), so it may not do what it asked.
    #[error("server process '{pid}' is {status}, not ACTIVE{hint}")]
    ProcessNotActive {
        /// The process id.
        pid: String,
        /// Its current status name (e.g. `ACTIVATING`, `TERMINATED`).
        status: &'static str,
        /// A suffix telling the caller which SDK call it is missing; empty when none applies.
        hint: &'static str,
    },
    /// A process connected with a pID that a process of another fleet already holds.
    #[error("pID '{pid}' is already in use by a server process of fleet '{fleet_id}'")]
    ProcessFleetConflict {
        /// The contested process id.
        pid: String,
        /// The fleet of the process that holds it.
        fleet_id: String,
    },
    /// A transport-level reconnect (same IdempotencyToken) of a process that called
    /// ProcessEnding.
    #[error(
        "ProcessEnding was called: server process '{pid}' has ended; a new process \
         connects with a new IdempotencyToken (InitSDK)"
    )]
    ProcessEnded {
        /// The process id of the ended process.
        pid: String,
    },
    /// No game session with this id (a game session ARN or the id the SDK knows).
    #[error("no game session '{id}'")]
    UnknownGameSession {
        /// The game session id asked for.
        id: String,
    },
    /// A server process acted on a game session that another process hosts.
    #[error("game session '{id}' is not hosted by server process '{pid}'")]
    NotHosted {
        /// The game session id.
        id: String,
        /// The process that made the call.
        pid: String,
    },
    /// The game session's status does not allow the call (e.g. ActivateGameSession twice).
    #[error("game session '{id}' is {status}, not {expected}")]
    GameSessionStatus {
        /// The game session id.
        id: String,
        /// Its current status name (`ACTIVATING`, `ACTIVE`, `TERMINATED`, ...).
        status: &'static str,
        /// The status (or statuses) the call needs.
        expected: &'static str,
    },
    /// The game session's `PlayerSessionCreationPolicy` is `DENY_ALL`.
    #[error("game session '{id}' does not accept new player sessions (policy DENY_ALL)")]
    PlayerSessionsDenied {
        /// The game session id.
        id: String,
    },
    /// Creating the asked player sessions would exceed the game session's
    /// `MaximumPlayerSessionCount`.
    #[error("game session '{id}' is full: {taken} of {max} player slots taken, {asked} asked for")]
    GameSessionFull {
        /// The game session id.
        id: String,
        /// Slots held by RESERVED or ACTIVE player sessions.
        taken: usize,
        /// The game session's `MaximumPlayerSessionCount`.
        max: u32,
        /// How many player sessions the call wanted to create.
        asked: usize,
    },
    /// No player session with this id.
    #[error("no player session '{id}'")]
    UnknownPlayerSession {
        /// The player session id asked for.
        id: String,
    },
    /// A server process named a player session together with a game session it is not in.
    #[error("player session '{id}' belongs to game session '{actual}', not '{requested}'")]
    WrongGameSession {
        /// The player session id.
        id: String,
        /// The game session it belongs to.
        actual: String,
        /// The game session the call named.
        requested: String,
    },
    /// The player session's status does not allow the call (e.g. accepting a TIMEDOUT one).
    #[error("player session '{id}' is {status}, not {expected}")]
    PlayerSessionStatus {
        /// The player session id.
        id: String,
        /// Its current status name (`RESERVED`, `ACTIVE`, `COMPLETED`, `TIMEDOUT`).
        status: &'static str,
        /// The status the call needs.
        expected: &'static str,
    },
    /// No process of the fleet can take a new game session (the service's
    /// `FleetCapacityExceededException`).
    #[error("fleet '{fleet_id}' has no ACTIVE, healthy server process without a game session")]
    NoFreeProcess {
        /// The fleet that was asked to host.
        fleet_id: String,
    },
    /// A matchmaking resource (rule set, configuration, queue, ticket) that does not exist.
    #[error("no {what} '{id}'")]
    NotFound {
        /// The kind of resource, in words (`matchmaking configuration`, `ticket`, ...).
        what: &'static str,
        /// The name, ARN or id asked for.
        id: String,
    },
    /// A rule set, configuration or queue of this name exists already.
    #[error("a {what} named '{name}' already exists")]
    NameTaken {
        /// The kind of resource, in words.
        what: &'static str,
        /// The name that is taken.
        name: String,
    },
    /// A ticket or placement with this (caller-chosen) id exists already.
    #[error("a {what} with id '{id}' already exists")]
    IdTaken {
        /// `ticket` or `placement`.
        what: &'static str,
        /// The id that is taken.
        id: String,
    },
    /// DeleteMatchmakingConfiguration while one of its tickets is still active.
    #[error(
        "matchmaking configuration '{name}' has active ticket '{ticket_id}' ({status}); stop \
         its tickets first"
    )]
    ConfigurationHasActiveTicket {
        /// The configuration's name.
        name: String,
        /// One of its active tickets.
        ticket_id: String,
        /// That ticket's status name.
        status: &'static str,
    },
    /// DeleteMatchmakingRuleSet while a configuration uses the rule set.
    #[error(
        "matchmaking rule set '{name}' is used by configuration '{configuration}'; delete or \
         update the configuration first"
    )]
    RuleSetInUse {
        /// The rule set's name.
        name: String,
        /// A configuration that uses it.
        configuration: String,
    },
    /// DeleteGameSessionQueue while a configuration places through the queue.
    #[error("game session queue '{name}' is used by matchmaking configuration '{configuration}'")]
    QueueInUse {
        /// The queue's name.
        name: String,
        /// A configuration that places through it.
        configuration: String,
    },
    /// StartMatchBackfill naming a game session that has ended.
    #[error("game session '{id}' has ended; it cannot be backfilled")]
    BackfillOfEndedGameSession {
        /// The game session id (ARN) the request named.
        id: String,
    },
    /// AcceptMatch on a ticket that is not waiting for acceptance.
    #[error(
        "ticket '{id}' is {status}; it cannot be accepted or rejected (only \
         REQUIRES_ACCEPTANCE can)"
    )]
    TicketNotAwaitingAcceptance {
        /// The ticket id.
        id: String,
        /// Its current status name.
        status: &'static str,
    },
    /// StopMatchmaking on a ticket that has already ended.
    #[error("ticket '{id}' is {status}; it cannot be stopped")]
    TicketEnded {
        /// The ticket id.
        id: String,
        /// Its final status name (`COMPLETED`, `FAILED`, `CANCELLED`, `TIMED_OUT`).
        status: &'static str,
    },
    /// StopMatchmaking on a ticket whose match is being placed.
    #[error("ticket '{id}' is PLACING; its match is being placed and cannot be stopped")]
    TicketPlacing {
        /// The ticket id.
        id: String,
    },
    /// StopGameSessionPlacement on a placement that a matchmaking configuration started.
    #[error("placement '{id}' places a match of configuration '{configuration}'; stop its tickets instead")]
    PlacementOfMatch {
        /// The placement id.
        id: String,
        /// The configuration whose match it places.
        configuration: String,
    },
    /// StopGameSessionPlacement on a placement that is no longer PENDING.
    #[error("placement '{id}' is {status}; only a PENDING placement can be stopped")]
    PlacementNotPending {
        /// The placement id.
        id: String,
        /// Its current status name (`FULFILLED`, `CANCELLED`, `TIMED_OUT`, ...).
        status: &'static str,
    },
    /// An item of the daemon's startup matchmaking setup that could not be created.
    #[error("{what} '{name}': {source}")]
    InSetup {
        /// The kind of setup item (`rule set`, `configuration`, `queue`).
        what: &'static str,
        /// The item's name in the setup.
        name: String,
        /// Why it could not be created.
        source: Box<CoreError>,
    },
    /// A resource with this id exists already (a location, a compute, an alias).
    #[error("{what} '{id}' already exists")]
    Exists {
        /// The kind of resource, in words.
        what: &'static str,
        /// The id that is taken.
        id: String,
    },
    /// No compute of this name is registered in the fleet (Anywhere fleets).
    #[error("no compute '{name}' registered in fleet '{fleet_id}'")]
    UnknownCompute {
        /// The fleet id.
        fleet_id: String,
        /// The compute name asked for.
        name: String,
    },
    /// TagResource, UntagResource or ListTagsForResource named an ARN Playfield does not know.
    #[error("no taggable resource with ARN '{arn}': {why}")]
    UnknownTaggedResource {
        /// The ARN the call named.
        arn: String,
        /// Why it does not resolve (malformed, unknown type, no such resource).
        why: String,
    },
    /// TagResource would leave the resource with more tags than the service allows.
    #[error("resource '{arn}' would have {count} tags; at most {max} are allowed")]
    TagLimit {
        /// The resource's ARN.
        arn: String,
        /// How many tags it would have.
        count: usize,
        /// The limit (50, as the service's).
        max: usize,
    },
    /// A server process's connection was refused: bad or expired auth token, unknown compute.
    #[error("server process '{pid}' refused: {why}")]
    AuthRefused {
        /// The process id that tried to connect.
        pid: String,
        /// Why it was refused, for the process's log.
        why: String,
    },
}

impl CoreError {
    /// The class of this failure; each face maps it to its own status code or exception name.
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
