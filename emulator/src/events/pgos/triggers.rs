//! PGOS event-trigger calls (seed `003_b88cb9fe2efe5cb2.txt`: `event_matchmaking_completed`,
//! `event_battle_session_placement_fulfilled`, `_failed`, `_timedout`).
//!
//! Choices where the schema names a field but not its unit or values (assumptions, kept in
//! one place so a correction is one edit):
//! - every time (`event_time`, `timestamp`, `created_time`, `terminated_time`) is epoch ms,
//!   like `event_time`; a time that has not happened (e.g. not terminated) is `0`;
//! - `placing_timeout` is the queue timeout in seconds;
//! - `battle_session_status` carries GameLift's game session status (`ACTIVE`, ...) and
//!   `player_battle_session_status` GameLift's player session status (`RESERVED`, ...);
//! - `source_type` is `"matchmaking"` for a match placed by FlexMatch and `"placement"` for a
//!   direct StartGameSessionPlacement;
//! - `battle_session_id` is the game session ARN (GameLift's game session id).

use super::{battle_properties, KeyValue, MatchedPlayer};
use crate::events::json::to_json;
use crate::events::model::{
    DomainEvent, EventBody, MatchmakingEvent, MatchmakingEventKind, PlacementEvent,
    PlacementOutcome, PlacementSource, TicketKind,
};
use serde::Serialize;
use uuid::Uuid;

/// Per-target PGOS settings: the trigger and its portal arguments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PgosOptions {
    /// `trigger_id` of the trigger this target stands for.
    pub trigger_id: String,
    /// `args`: custom arguments set on the portal for this trigger.
    pub args: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Call<'a, D> {
    trigger_id: &'a str,
    execution_id: String,
    event_name: &'static str,
    event_time: i64,
    event_data: D,
    args: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct MatchmakingCompleted<'a> {
    battle_session_id: &'a str,
    matched_players: Vec<MatchedPlayer>,
    timestamp: i64,
    configuration_name: &'a str,
    battle_properties: Vec<KeyValue>,
    ruleset_name: &'a str,
}

#[derive(Serialize)]
struct PlayerBattleSession<'a> {
    player_id: &'a str,
    player_battle_session_id: &'a str,
    player_battle_session_status: &'a str,
    created_time: i64,
    terminated_time: i64,
}

#[derive(Serialize)]
struct Placement<'a> {
    battle_session_id: &'a str,
    placer: &'a str,
    fleet_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    battle_session_status: &'a str,
    battle_session_status_msg: &'a str,
    created_time: i64,
    terminated_time: i64,
    placing_timeout: u32,
    source_type: &'static str,
    max_players: u32,
    battle_properties: Vec<KeyValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    player_battle_sessions: Option<Vec<PlayerBattleSession<'a>>>,
}

/// The PGOS `event_name` a domain event triggers, if any.
pub fn event_name(event: &DomainEvent) -> Option<&'static str> {
    match &event.body {
        EventBody::Matchmaking(m) => match m.kind {
            MatchmakingEventKind::Succeeded { .. } => Some("event_matchmaking_completed"),
            _ => None,
        },
        EventBody::Placement(p) => Some(match p.outcome {
            PlacementOutcome::Fulfilled => "event_battle_session_placement_fulfilled",
            PlacementOutcome::Failed => "event_battle_session_placement_failed",
            PlacementOutcome::TimedOut => "event_battle_session_placement_timedout",
        }),
    }
}

fn completed(m: &MatchmakingEvent, time: i64) -> MatchmakingCompleted<'_> {
    let matched_players = m
        .tickets
        .iter()
        .flat_map(|t| {
            let is_new = t.kind == TicketKind::Matchmaking;
            t.players
                .iter()
                .map(move |p| MatchedPlayer::from_player(p, is_new))
        })
        .collect();
    MatchmakingCompleted {
        battle_session_id: m.game_session.game_session_arn.as_deref().unwrap_or(""),
        matched_players,
        timestamp: time,
        configuration_name: &m.configuration.name,
        battle_properties: battle_properties(&m.configuration.game_properties),
        ruleset_name: &m.configuration.rule_set_name,
    }
}

fn placement(p: &PlacementEvent) -> Placement<'_> {
    let gs = p.game_session.as_ref();
    let fulfilled = p.outcome == PlacementOutcome::Fulfilled;
    Placement {
        battle_session_id: gs.map_or("", |g| g.game_session_arn.as_str()),
        placer: &p.queue.name,
        fleet_id: gs.map_or("", |g| g.fleet_id.as_str()),
        ip_address: gs.filter(|_| fulfilled).map(|g| g.ip_address.as_str()),
        port: gs.filter(|_| fulfilled).map(|g| g.port),
        battle_session_status: gs.map_or("", |g| g.status.as_str()),
        battle_session_status_msg: gs.and_then(|g| g.status_reason.as_deref()).unwrap_or(""),
        created_time: gs.map_or(0, |g| g.creation_time.0),
        terminated_time: gs.and_then(|g| g.termination_time).map_or(0, |t| t.0),
        placing_timeout: p.timeout_seconds,
        source_type: match p.source {
            PlacementSource::Matchmaking { .. } => "matchmaking",
            PlacementSource::Direct => "placement",
        },
        max_players: p.maximum_player_session_count,
        battle_properties: battle_properties(&p.game_properties),
        player_battle_sessions: fulfilled.then(|| {
            p.player_sessions
                .iter()
                .map(|s| PlayerBattleSession {
                    player_id: &s.player_id,
                    player_battle_session_id: &s.player_session_id,
                    player_battle_session_status: &s.status,
                    created_time: s.creation_time.0,
                    terminated_time: 0,
                })
                .collect()
        }),
    }
}

/// Renders the PGOS trigger call for `event`, or `None` when PGOS has no trigger for it.
/// `execution_id` identifies this execution of the trigger (fresh per delivery).
pub fn render(event: &DomainEvent, options: &PgosOptions, execution_id: Uuid) -> Option<String> {
    let event_name = event_name(event)?;
    let execution_id = execution_id.hyphenated().to_string();
    let time = event.time.0;
    Some(match &event.body {
        EventBody::Matchmaking(m) => to_json(&Call {
            trigger_id: &options.trigger_id,
            execution_id,
            event_name,
            event_time: time,
            event_data: completed(m, time),
            args: &options.args,
        }),
        EventBody::Placement(p) => to_json(&Call {
            trigger_id: &options.trigger_id,
            execution_id,
            event_name,
            event_time: time,
            event_data: placement(p),
            args: &options.args,
        }),
    })
}
