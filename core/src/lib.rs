//! The core: all state and all rules of the daemon, as a synchronous state machine.
//!
//! Faces (the SDK gateway now; the service API, matchmaking and events later) turn their
//! input into calls on [`Core`]. Each call takes `now` (epoch ms from the injected clock),
//! changes state, returns a typed result and leaves [`Effect`]s in the outbox for the
//! caller to carry out. Time-based rules live in timers: the driver asks
//! [`Core::next_deadline`], and calls [`Core::on_time`] when it has passed.
//!
//! No I/O, no tokio, no wall clock here: everything is testable by calling methods.
//!
//! # The API
//! The crate's API is the items re-exported here, grouped by concept (time, names and errors;
//! effects and events; fleets, computes and processes; game and player sessions; matchmaking
//! resources; tickets, placement and backfill; post-processing), plus the event model
//! [`notifications`] and, with the `testing` feature, the fixtures in `testing`. The modules
//! are private and follow the domain's seams: `fleet`, `compute` (Anywhere locations,
//! computes and their auth tokens), `process` (server processes and their connections),
//! `game_session` (with `game_session_search` and `game_session_terminate` for the service
//! API's SearchGameSessions and TerminateGameSession), `player_session`, `matchmaking` (rule
//! sets, configurations, queues, tickets, acceptance, placement, backfill); `tags` (resource
//! tags by ARN); `arn` reads and makes ARNs; `ids` makes identifiers; `timers` orders
//! deadlines; `event` defines what goes out. `clock` is the injected time the daemon reads
//! `now` from ([`Clock`], [`ManualClock`]), and `search_expr` parses SearchGameSessions'
//! filter and sort expressions ([`Filter`], [`Sort`]).

#![deny(missing_docs)]
#![warn(unnameable_types)]

mod arn;
mod clock;
mod compute;
mod error;
mod event;
mod fleet;
mod game_session;
mod game_session_search;
mod game_session_terminate;
mod ids;
mod matchmaking;
pub mod notifications;
mod player_session;
mod process;
mod search_expr;
mod tags;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod timers;

use std::collections::{BTreeMap, HashMap};

// The curated surface. The event model, `notifications`, is the one public module: its names
// (MatchmakingEvent, TicketKind, Player…) would collide with the core's own, and every event
// format renders it as a whole.

// ---- time, names and errors ------------------------------------------------------------
pub use arn::{region_and_account, resource_id_of, Arn, ArnError, ArnIssuer};
pub use clock::{Clock, ManualClock, Millis, SystemClock};
pub use error::{CoreError, ErrorKind};
pub use ids::{check_fleet_id, GameSessionId, ProcessId, TicketId};

// ---- what goes out: effects and events --------------------------------------------------
pub use event::{
    Effect, Event, FleetOrigin, GameSessionEndCause, GoneReason, PlayerSessionEnd, Push,
    UpdateReason,
};

// ---- fleets, computes and server processes ----------------------------------------------
pub use compute::{AuthToken, Compute, RegisterCompute};
pub use fleet::{AnywhereConfiguration, CreateFleet, Fleet};
pub use process::{
    ConnId, ConnectInfo, ProcessReady, ProcessStatus, ServerProcess, READY_TIMEOUT_MS,
    SUPERSEDED_CONNECTION_GRACE_MS,
};

// ---- game sessions and player sessions --------------------------------------------------
pub use game_session::{
    CreateGameSession, GameSession, GameSessionStatus, GameSessionStatusReason, UpdateGameSession,
};
pub use game_session_terminate::TerminationMode;
pub use player_session::{
    DescribePlayerSessions, NewPlayerSession, PlayerSession, PlayerSessionCreationPolicy,
    PlayerSessionPage, PlayerSessionStatus, PlayerSessionsSelector,
};
pub use search_expr::{Comparator, ExprError, Filter, Operand, Searchable, Sort, Value};

// ---- matchmaking: rule sets, configurations and queues ----------------------------------
pub use matchmaking::configurations::{ConfigurationMember, ConfigurationSpec, SpecProblem};
pub use matchmaking::names::{ConfigurationName, QueueName};
pub use matchmaking::queues::{PriorityType, QueueMember, QueueSpec};
pub use matchmaking::{
    BackfillMode, FlexMatchMode, GameSessionQueue, MatchmakingConfiguration, MatchmakingRuleSet,
    MatchmakingSetup, PlayerLatencyPolicy, RuleSetSpec,
};

// ---- matchmaking: tickets, matches, placement and backfill ------------------------------
pub use matchmaking::backfill::StartBackfill;
pub use matchmaking::matchmaker_data::{
    build as build_matchmaker_data, json_length_bound, Backfill, MatchedPlayer, MatchedTeam,
    MatchmakerData,
};
pub use matchmaking::placement_api::{DirectPlacement, StartPlacement};
pub use matchmaking::{
    ConnectionInfo, MatchedPlayerSession, MatchmakingEvent, MatchmakingTicket, Placement,
    PlacementStatus, StartMatchmaking, TicketKind, TicketStatus, TicketStatusReason,
};

// ---- matchmaking: post-processing (PGOS) ------------------------------------------------
pub use matchmaking::post_processing::{
    AnswerError, AnswerPlayer, AnswerTicket, CallTicket, HeldMatch, PostProcessingCall,
    PostProcessingEvent, VirtualServerAnswer, POST_PROCESSING_TIMEOUT_MS,
};

use ids::IdGen;
use timers::{TimerKey, Timers};

/// Rules that tests and the CLI may change. Defaults follow the service where it documents
/// a number, and are generous where it does not.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// The Region in every ARN the daemon makes (see [`CoreConfig::arns`]).
    pub region: String,
    /// The one account id in the ARNs the daemon makes; game session ARNs leave it empty
    /// (service-api.md §7).
    pub account_id: String,
    /// A process that sent no heartbeat for this long is gone. SDKs send one every
    /// 50–70 s, and CPP waits up to 50 s for the health callback before sending
    /// (sdk-wire-protocol.md §6), so the default leaves room for one missed beat.
    pub heartbeat_timeout_ms: Millis,
    /// How long a process whose last connection closed is kept (with its game session)
    /// waiting for a reconnect with the same pID. The SDKs' reconnect schedules start at
    /// 4–8 s (sdk-wire-protocol.md §1.7).
    pub reconnect_grace_ms: Millis,
    /// GameSessionActivationTimeoutSeconds: 1..600 in the service; its maximum by default.
    pub activation_timeout_ms: Millis,
    /// A RESERVED player session not accepted within 60 s times out (service-api.md,
    /// CreatePlayerSession).
    pub reservation_timeout_ms: Millis,
    /// How long a TERMINATED game session (and its player sessions) stays describable
    /// before it is forgotten, so memory does not grow with every session ever played.
    pub terminated_retention_ms: Millis,
    /// Advertised address of game servers (all run on this machine).
    pub ip_address: String,
    /// The advertised DNS name of game servers.
    pub dns_name: String,
    /// Seed for generated ids.
    pub seed: u64,
    /// A game server connecting with an unknown (well-formed) FleetId gets that fleet
    /// created on the spot (see [`Fleet`]). Off: an unknown FleetId is refused, naming the
    /// known fleets. The daemon turns it on unless its configuration says
    /// `[gateway] accept_unknown_fleets = false`.
    pub accept_any_fleet: bool,
    /// A game server's first connection must carry a token from GetComputeAuthToken (or the
    /// launcher's); see [`Compute`]. On with `[auth] required = true`.
    pub require_compute_auth: bool,
    /// The characters of a matchmaker data document's JSON form, which the service bounds
    /// to 390 000 (service-api.md, GameSession: `MatchmakerData` string(1..390000)). The core
    /// keeps the document typed and writes no JSON, so the writer counts: the daemon sets the
    /// exact count of what its faces send. The default,
    /// [`matchmaking::matchmaker_data::json_length_bound`], is an upper bound.
    pub matchmaker_data_len: fn(&MatchmakerData) -> usize,
    /// The matchmaking cycle: the tickets that arrive within one cycle are matched together,
    /// so a match grows toward every team's maxPlayers instead of closing at minPlayers with
    /// the first few arrivals (guide 002 lines 446–452: the pool is cut into batches and
    /// matches are built around each batch's oldest ticket; line 594: FlexMatch tries to fill
    /// teams to maxPlayers). A match that is full forms at once, without waiting for the
    /// cycle. Expansions, timeouts and backfill keep their own times. The daemon sets it from
    /// `[matchmaking] cycle_millis`; [`DEFAULT_MATCHMAKING_CYCLE_MS`] by default.
    pub matchmaking_cycle_ms: Millis,
}

/// The default matchmaking cycle, milliseconds: long enough that a burst of players who
/// start matchmaking together lands in one batch, short enough that a lone group that can
/// only make a small match waits one second for it. The guide gives no figure.
pub const DEFAULT_MATCHMAKING_CYCLE_MS: Millis = 1_000;

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            region: "us-west-2".into(),
            account_id: "123456789012".into(),
            heartbeat_timeout_ms: 180_000,
            reconnect_grace_ms: 60_000,
            activation_timeout_ms: 600_000,
            reservation_timeout_ms: 60_000,
            terminated_retention_ms: 3_600_000,
            ip_address: "127.0.0.1".into(),
            dns_name: "localhost".into(),
            seed: 0,
            accept_any_fleet: false,
            require_compute_auth: false,
            matchmaker_data_len: matchmaking::matchmaker_data::json_length_bound,
            matchmaking_cycle_ms: DEFAULT_MATCHMAKING_CYCLE_MS,
        }
    }
}

impl CoreConfig {
    /// Makes the ARNs of what this daemon creates, all with its one region and account.
    pub fn arns(&self) -> arn::ArnIssuer<'_> {
        arn::ArnIssuer::new(&self.region, &self.account_id)
    }
}

/// The one owner of daemon state.
#[derive(Debug)]
pub struct Core {
    cfg: CoreConfig,
    ids: IdGen,
    fleets: BTreeMap<String, Fleet>,
    /// When each fleet came to be (epoch ms), for CreationTime.
    fleet_created: HashMap<String, Millis>,
    /// The AnywhereConfiguration of fleets created with one.
    fleet_anywhere: HashMap<String, fleet::AnywhereConfiguration>,
    anywhere: compute::Anywhere,
    processes: HashMap<ProcessId, ServerProcess>,
    /// Processes that called ProcessEnding and whose connections are gone, remembered for
    /// the reconnect grace so their SDK's reconnect is told apart from a new process.
    ended_processes: HashMap<ProcessId, process::EndedProcess>,
    game_sessions: HashMap<GameSessionId, GameSession>,
    player_sessions: player_session::Store,
    mm: matchmaking::Matchmaking,
    /// Tags of fleets, queues, configurations and rule sets, by ARN.
    tags: tags::TagStore,
    /// Ids of notifications: seeded like `ids` but apart from it, so emitting events never
    /// shifts the ids of tickets, sessions and matches.
    event_ids: IdGen,
    timers: Timers,
    outbox: Vec<Effect>,
    /// Monotonic counter giving processes and player sessions a stable order.
    seq: u64,
}

impl Core {
    /// A core with nothing in it but `cfg`: fleets, processes and matchmaking resources come
    /// later, through calls.
    pub fn new(cfg: CoreConfig) -> Self {
        Self {
            ids: IdGen::new(cfg.seed),
            event_ids: IdGen::new(cfg.seed ^ 0x6e6f_7469_6669_6573),
            cfg,
            fleets: BTreeMap::new(),
            fleet_created: HashMap::new(),
            fleet_anywhere: HashMap::new(),
            anywhere: compute::Anywhere::default(),
            processes: HashMap::new(),
            ended_processes: HashMap::new(),
            game_sessions: HashMap::new(),
            player_sessions: player_session::Store::default(),
            mm: matchmaking::Matchmaking::default(),
            tags: tags::TagStore::default(),
            timers: Timers::default(),
            outbox: Vec::new(),
            seq: 0,
        }
    }

    /// The configuration the core was made with.
    pub fn config(&self) -> &CoreConfig {
        &self.cfg
    }

    /// Effects produced since the last call, in order.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outbox)
    }

    /// The earliest moment at which [`Core::on_time`] has something to do.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.timers.next_deadline()
    }

    /// Fires every timer due at `now`.
    pub fn on_time(&mut self, now: Millis) {
        while let Some(key) = self.timers.pop_due(now) {
            match key {
                TimerKey::Heartbeat(pid) => self.heartbeat_timed_out(now, &pid),
                TimerKey::ReconnectGrace(pid) => self.grace_expired(now, &pid),
                TimerKey::Superseded(pid, conn) => self.superseded_grace_expired(&pid, conn),
                TimerKey::EndedProcessForget(pid) => self.forget_ended_process(&pid),
                TimerKey::ReadyTimeout(pid) => self.ready_timed_out(now, &pid),
                TimerKey::TerminationDeadline(pid) => self.termination_deadline_passed(now, &pid),
                TimerKey::Activation(id) => self.activation_timed_out(now, &id),
                TimerKey::Reservation(id) => self.reservation_timed_out(now, &id),
                TimerKey::Purge(id) => self.purge_game_session(&id),
                other => self.mm_on_timer(now, other),
            }
        }
    }

    // ---- read access -----------------------------------------------------------------

    /// The connected (or reconnect-pending) server process with this pID, if any.
    pub fn process(&self, pid: &str) -> Option<&ServerProcess> {
        self.processes.get(pid)
    }

    /// All server processes the core tracks (connected or awaiting a reconnect), in no order.
    pub fn processes(&self) -> impl Iterator<Item = &ServerProcess> {
        self.processes.values()
    }

    /// The game session with this id (its ARN), if the core still holds it.
    pub fn game_session(&self, id: &str) -> Option<&GameSession> {
        self.game_sessions.get(id)
    }

    /// All game sessions the core holds (live ones and recently ended ones), in no order.
    pub fn game_sessions(&self) -> impl Iterator<Item = &GameSession> {
        self.game_sessions.values()
    }

    /// The player session with this id, if the core still holds it.
    pub fn player_session(&self, id: &str) -> Option<&PlayerSession> {
        self.player_sessions.get(id)
    }

    // ---- helpers shared by the submodules ----------------------------------------------

    fn emit(&mut self, event: Event) {
        self.outbox.push(Effect::Event(event));
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

#[cfg(test)]
mod tests;
