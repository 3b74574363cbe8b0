//! The domain events, in GameLift's words: the one contract between the matchmaker/placement
//! core (which fills these values) and every renderer (which only reads them).
//!
//! Why one model for three systems: FlexMatch, GPM and PGOS describe the same moments of a
//! ticket's life (see the glossary's "Event names" table). Keeping a single model means a new
//! format is one pure function over these types, and the core never knows which formats exist.
//!
//! Rules the emitter follows:
//! - **Times are given, never read here.** Every event carries its `time` (epoch ms) from the
//!   core's injected clock, so renderers are pure and tests are deterministic.
//! - **Ids are given.** `id` is the event's unique id (the EventBridge `id`, the GPM `Id`);
//!   the core draws it from its seeded random source.
//! - **Fields absent in production stay `None`.** E.g. `team` before a match exists,
//!   `player_session_id` before placement, `accepted` for a player who has not answered. The
//!   renderers omit what is `None`, which is exactly what the seed examples show.
//!
//! # What the matchmaker fills, per event
//!
//! | kind | when | tickets / players | `game_session` | specific |
//! |---|---|---|---|---|
//! | `Searching` | a ticket enters the pool, or returns after a failed proposal or a backfill that could not seat it | that ticket; no teams | `players` only | `estimated_wait_millis` (`None` = "NOT_AVAILABLE"; never 0 for unknown) |
//! | `PotentialMatchCreated` | a match is proposed (also without acceptance) | all tickets of the match, players with `team` | `players` with `team` | `match_id`, acceptance, rule metrics |
//! | `AcceptMatch` | a player answers | as above, `accepted: Some(..)` for every player who answered (`false`: rejected) | same `accepted` | `match_id` |
//! | `AcceptMatchCompleted` | all accepted, one rejected, or timeout | as above | as above | `acceptance` |
//! | `Succeeded` | the match is placed (STANDALONE: agreed; no sessions, no address) | players with `team` and `player_session_id` | ARN, IP, port, players | `match_id` |
//! | `TimedOut` | the ticket's request timeout passes | that ticket | `players` | message, the ticket's metrics; `match_id` if it was in a match |
//! | `Cancelled` | StopMatchmaking | that ticket | `players` | message, the ticket's metrics |
//! | `Failed` | placement failed, or an internal error | the match's tickets | `players` | `reason` (`UNEXPECTED_ERROR`, ...), message, the ticket's metrics |
//!
//! "The ticket's metrics" count every evaluation of a potential match that held the ticket,
//! over its whole search, one entry per rule of its rule set (seed 001 lines 69, 79).
//!
//! Backfill tickets get the same events (never the acceptance ones: backfill does not use
//! acceptance), STANDALONE ones included; their [`Ticket::kind`] is [`TicketKind::Backfill`],
//! [`GameSessionInfo::game_session_arn`] names the game session being filled from the start
//! (when the request named one), and their `match_id` is the game session's match (a
//! STANDALONE backfill's match gets one of its own).
//! Placement outcomes are [`PlacementEvent`]s, emitted besides (not instead of) the ticket
//! events. Configuration data ([`ConfigurationRef`]) is copied into every event so a renderer
//! never has to look anything up.

use crate::ids::{GameSessionId, TicketId};
use playfield_flexmatch::AttributeValue;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A point in time as milliseconds since the Unix epoch (UTC), as given by the emitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// This time plus `secs` seconds (saturating: a huge span never wraps around).
    pub fn plus_secs(self, secs: u64) -> EpochMillis {
        let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        EpochMillis(self.0.saturating_add(ms))
    }
}

/// One event from the core, as broadcast to every face.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvent {
    /// Unique id of this event (EventBridge `id`, GPM `Id`).
    pub id: Uuid,
    /// When it happened, from the core's clock.
    pub time: EpochMillis,
    /// What happened.
    pub body: EventBody,
}

/// The two families of events GameLift emits.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    /// A matchmaking or backfill ticket moved (FlexMatch "GameLift Matchmaking Event").
    Matchmaking(MatchmakingEvent),
    /// A game session placement through a queue ended ("GameLift Queue Placement Event").
    Placement(PlacementEvent),
}

impl DomainEvent {
    /// The stable name of this event: the FlexMatch `detail.type` or the placement `type`.
    /// Used as the SSE event name and in delivery logs.
    pub fn name(&self) -> &'static str {
        match &self.body {
            EventBody::Matchmaking(m) => m.kind.type_name(),
            EventBody::Placement(p) => p.outcome.type_name(),
        }
    }

    /// The ticket ids this event is about (empty for placement events). Used for logs.
    pub fn ticket_ids(&self) -> Vec<&str> {
        match &self.body {
            EventBody::Matchmaking(m) => m.tickets.iter().map(|t| t.ticket_id.as_str()).collect(),
            EventBody::Placement(_) => Vec::new(),
        }
    }
}

/// How a configuration gets its game session; the renderers read it (GPM's `MatchType`).
pub use crate::matchmaking::configurations::FlexMatchMode;

/// A key/value game property (GameLift `GameProperty`, PGOS `battle_properties` item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameProperty {
    /// Property key.
    pub key: String,
    /// Property value.
    pub value: String,
}

/// The matchmaking configuration an event belongs to: what every format names its source by.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigurationRef {
    /// Configuration name (GPM `MatchCode`, PGOS `configuration_name`).
    pub name: String,
    /// Configuration ARN: the EventBridge `resources[0]`; its region and account fields are the
    /// envelope's `region` and `account`.
    pub arn: String,
    /// The configuration's `CustomEventData`, included in every event when set.
    pub custom_event_data: Option<String>,
    /// Placement mode (decides GPM's `MatchType` and which GPM pushes exist).
    pub flex_match_mode: FlexMatchMode,
    /// Rule set name (PGOS `ruleset_name`).
    pub rule_set_name: String,
    /// The configuration's game properties (PGOS `battle_properties`).
    pub game_properties: Vec<GameProperty>,
    /// The configuration's `NotificationTarget`: where the daemon routes this event. Copied
    /// in (like the rest) so routing never looks anything up; no renderer shows it.
    pub notification_target: Option<String>,
}

/// A player as the events show it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Player {
    /// `playerId`.
    pub player_id: String,
    /// Team assigned by the match; `None` while searching.
    pub team: Option<String>,
    /// Player session id; set once the match is placed (MatchmakingSucceeded).
    pub player_session_id: Option<String>,
    /// AcceptMatch answer; `None` when the player has not answered (the field is omitted).
    pub accepted: Option<bool>,
    /// Player attributes (GPM `MatchAttributes`, PGOS `match_attributes`; not in FlexMatch
    /// events).
    pub attributes: BTreeMap<String, AttributeValue>,
    /// `LatencyInMs` per region (GPM `RegionLatencies`, PGOS `region_latencies`).
    pub latency_in_ms: BTreeMap<String, u32>,
}

impl Player {
    /// A player with only an id, as in a fresh MatchmakingSearching event.
    pub fn new(player_id: impl Into<String>) -> Self {
        Player {
            player_id: player_id.into(),
            ..Player::default()
        }
    }

    /// The same player on `team`.
    pub fn on_team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }

    /// The same player with a player session id.
    pub fn with_session(mut self, player_session_id: impl Into<String>) -> Self {
        self.player_session_id = Some(player_session_id.into());
        self
    }
}

/// Whether a ticket asks for a new match or fills an existing game session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TicketKind {
    /// A StartMatchmaking ticket.
    #[default]
    Matchmaking,
    /// A StartMatchBackfill ticket for the game session with this ARN. Its players are the ones
    /// already in the game (PGOS renders them with `is_new: false`).
    Backfill {
        /// ARN of the game session being backfilled.
        game_session_arn: GameSessionId,
    },
}

/// A ticket as the events show it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ticket {
    /// `ticketId`.
    pub ticket_id: TicketId,
    /// When the ticket was created.
    pub start_time: EpochMillis,
    /// The ticket's players.
    pub players: Vec<Player>,
    /// Matchmaking or backfill.
    pub kind: TicketKind,
}

/// `gameSessionInfo`: the (future) game session. Before placement only `players` is set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GameSessionInfo {
    /// Game session ARN (also its id); set once placed, or for backfill.
    pub game_session_arn: Option<String>,
    /// IP address of the game server; set once placed.
    pub ip_address: Option<String>,
    /// Port of the game server; set once placed.
    pub port: Option<u16>,
    /// Every player of the match with team and, once placed, player session id.
    pub players: Vec<Player>,
}

/// One entry of `ruleEvaluationMetrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleEvaluationMetric {
    /// Rule name from the rule set.
    pub rule_name: String,
    /// How many evaluations passed.
    pub passed_count: u64,
    /// How many evaluations failed.
    pub failed_count: u64,
}

/// How an acceptance phase ended (`AcceptMatchCompleted.acceptance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptanceOutcome {
    /// Every player accepted.
    Accepted,
    /// At least one player rejected.
    Rejected,
    /// The acceptance timeout passed.
    TimedOut,
}

impl AcceptanceOutcome {
    /// The wire value (`"TimedOut"` is in the seeds; the other two follow the same casing).
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceOutcome::Accepted => "Accepted",
            AcceptanceOutcome::Rejected => "Rejected",
            AcceptanceOutcome::TimedOut => "TimedOut",
        }
    }
}

/// Message GameLift sends with MatchmakingTimedOut (seed 001, "MatchmakingTimedOut").
pub const TIMED_OUT_MESSAGE: &str = "Removed from matchmaking due to timing out.";
/// Message GameLift sends with MatchmakingCancelled (seed 001, "MatchmakingCancelled").
pub const CANCELLED_MESSAGE: &str = "Cancelled by request.";

/// A ticket event: common fields plus what is specific to its type.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchmakingEvent {
    /// The configuration the tickets were submitted to.
    pub configuration: ConfigurationRef,
    /// The tickets this event is about (one while searching; all of a match once matched).
    pub tickets: Vec<Ticket>,
    /// `gameSessionInfo`.
    pub game_session: GameSessionInfo,
    /// Type-specific data.
    pub kind: MatchmakingEventKind,
}

/// The eight FlexMatch ticket event types with their specific fields.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchmakingEventKind {
    /// The ticket entered the search (new, or back after a failed proposal).
    Searching {
        /// Estimated wait; `None` renders as `"NOT_AVAILABLE"`.
        estimated_wait_millis: Option<u64>,
    },
    /// A potential match was formed (with or without acceptance).
    PotentialMatchCreated {
        /// The match id.
        match_id: String,
        /// Whether players must accept.
        acceptance_required: bool,
        /// Acceptance timeout in seconds.
        acceptance_timeout_seconds: u32,
        /// Rule evaluation counters.
        rule_evaluation_metrics: Vec<RuleEvaluationMetric>,
    },
    /// A player answered; the players' `accepted` fields carry every answer so far.
    AcceptMatch {
        /// The match id.
        match_id: String,
    },
    /// Acceptance ended.
    AcceptMatchCompleted {
        /// The match id.
        match_id: String,
        /// How it ended.
        acceptance: AcceptanceOutcome,
    },
    /// The match was placed; `game_session` has ARN, IP, port and player sessions.
    Succeeded {
        /// The match id.
        match_id: String,
    },
    /// The ticket timed out (reason `TimedOut`).
    TimedOut {
        /// Set when the ticket was in a match when it timed out.
        match_id: Option<String>,
        /// Usually [`TIMED_OUT_MESSAGE`].
        message: String,
        /// Rule evaluation counters.
        rule_evaluation_metrics: Vec<RuleEvaluationMetric>,
    },
    /// The ticket was cancelled (reason `Cancelled`).
    Cancelled {
        /// Set when the ticket was in a match when it was cancelled.
        match_id: Option<String>,
        /// Usually [`CANCELLED_MESSAGE`].
        message: String,
        /// Rule evaluation counters.
        rule_evaluation_metrics: Vec<RuleEvaluationMetric>,
    },
    /// The ticket failed (e.g. placement failed).
    Failed {
        /// Set when the ticket was in a match.
        match_id: Option<String>,
        /// Machine-readable reason, e.g. `UNEXPECTED_ERROR`.
        reason: String,
        /// Human-readable message.
        message: String,
        /// The ticket's rule evaluation counters. Seed 001 line 87 names the field among
        /// MatchmakingFailed's details, its example (line 89) shows none: `None` renders none.
        rule_evaluation_metrics: Option<Vec<RuleEvaluationMetric>>,
    },
}

impl MatchmakingEventKind {
    /// The FlexMatch `detail.type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            MatchmakingEventKind::Searching { .. } => "MatchmakingSearching",
            MatchmakingEventKind::PotentialMatchCreated { .. } => "PotentialMatchCreated",
            MatchmakingEventKind::AcceptMatch { .. } => "AcceptMatch",
            MatchmakingEventKind::AcceptMatchCompleted { .. } => "AcceptMatchCompleted",
            MatchmakingEventKind::Succeeded { .. } => "MatchmakingSucceeded",
            MatchmakingEventKind::TimedOut { .. } => "MatchmakingTimedOut",
            MatchmakingEventKind::Cancelled { .. } => "MatchmakingCancelled",
            MatchmakingEventKind::Failed { .. } => "MatchmakingFailed",
        }
    }

    /// The match id, when the event belongs to a match.
    pub fn match_id(&self) -> Option<&str> {
        match self {
            MatchmakingEventKind::Searching { .. } => None,
            MatchmakingEventKind::PotentialMatchCreated { match_id, .. }
            | MatchmakingEventKind::AcceptMatch { match_id }
            | MatchmakingEventKind::AcceptMatchCompleted { match_id, .. }
            | MatchmakingEventKind::Succeeded { match_id } => Some(match_id),
            MatchmakingEventKind::TimedOut { match_id, .. }
            | MatchmakingEventKind::Cancelled { match_id, .. }
            | MatchmakingEventKind::Failed { match_id, .. } => match_id.as_deref(),
        }
    }
}

/// The queue a placement went through.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueueRef {
    /// Queue name (PGOS `placer`).
    pub name: String,
    /// Queue ARN: the EventBridge `resources[0]` of placement events.
    pub arn: String,
    /// Where the daemon routes this placement's events: the queue's `NotificationTarget`,
    /// or for a match placement through a queue that names none, its configuration's.
    pub notification_target: Option<String>,
}

/// How a placement ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementOutcome {
    /// A game session was started.
    Fulfilled,
    /// The placement failed.
    Failed,
    /// The queue's timeout passed without a game session.
    TimedOut,
}

impl PlacementOutcome {
    /// The placement event `type` (`PlacementFulfilled`, ...).
    pub fn type_name(self) -> &'static str {
        match self {
            PlacementOutcome::Fulfilled => "PlacementFulfilled",
            PlacementOutcome::Failed => "PlacementFailed",
            PlacementOutcome::TimedOut => "PlacementTimedOut",
        }
    }
}

/// A player session created by a placement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacedPlayerSession {
    /// Player id.
    pub player_id: String,
    /// Player session id.
    pub player_session_id: String,
    /// GameLift player session status (`RESERVED`, ...).
    pub status: String,
    /// Creation time.
    pub creation_time: EpochMillis,
}

/// The game session a placement started (or was about to start).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacedGameSession {
    /// Game session ARN (GameLift's game session id; PGOS `battle_session_id`).
    pub game_session_arn: GameSessionId,
    /// Fleet id.
    pub fleet_id: String,
    /// Location (region) of the game session.
    pub region: String,
    /// IP address.
    pub ip_address: String,
    /// DNS name, when the fleet has one.
    pub dns_name: Option<String>,
    /// Port.
    pub port: u16,
    /// GameLift game session status (`ACTIVATING`, `ACTIVE`, ...).
    pub status: String,
    /// Status reason, when any.
    pub status_reason: Option<String>,
    /// Creation time.
    pub creation_time: EpochMillis,
    /// Termination time, once terminated.
    pub termination_time: Option<EpochMillis>,
}

/// What asked for the placement (PGOS `source_type`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PlacementSource {
    /// StartGameSessionPlacement from a backend.
    #[default]
    Direct,
    /// A matchmaking configuration placing a match.
    Matchmaking {
        /// Configuration name.
        configuration_name: String,
    },
}

/// A queue placement ended.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementEvent {
    /// Placement id.
    pub placement_id: String,
    /// Queue.
    pub queue: QueueRef,
    /// How it ended.
    pub outcome: PlacementOutcome,
    /// When the placement was requested.
    pub start_time: EpochMillis,
    /// When it ended.
    pub end_time: EpochMillis,
    /// The queue's timeout in seconds.
    pub timeout_seconds: u32,
    /// Maximum player session count asked for.
    pub maximum_player_session_count: u32,
    /// Game properties asked for.
    pub game_properties: Vec<GameProperty>,
    /// Who asked.
    pub source: PlacementSource,
    /// The game session (on `Fulfilled`; on failure, the one that was tried, if any).
    pub game_session: Option<PlacedGameSession>,
    /// Player sessions created (on `Fulfilled`).
    pub player_sessions: Vec<PlacedPlayerSession>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_secs_saturates() {
        assert_eq!(EpochMillis(1000).plus_secs(2), EpochMillis(3000));
        assert_eq!(EpochMillis(1).plus_secs(u64::MAX).0, i64::MAX);
    }
}
