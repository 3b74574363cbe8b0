//! Test-only handlers that exercise the API protocol layer end to end before
//! the core exists. They are registered into the production `Router` exactly
//! as real handlers will be, and cover: timestamps, doubles (including maps of
//! doubles), 32-bit floats, enums, booleans, empty outputs, a modeled
//! `NotFoundException`, and a required member checked by the router.
//!
//! Shared by the aws-sdk-gamelift, boto3 and fuzz tests and by the benchmark
//! (included with `#[path]`), so not every user needs every item.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use playfield::api::types::{Empty, Timestamp};
use playfield::api::{ApiConfig, ApiError, ApiServer, Ctx, ErrorCode, Router, ServiceModel};
use serde::{Deserialize, Serialize};

/// Creation time every test game session carries: 2023-11-14T22:13:20.5Z.
pub const CREATION_TIME: f64 = 1_700_000_000.5;
/// Game session ID that answers NotFoundException.
pub const MISSING: &str = "gs-missing";

#[derive(Default)]
pub struct TestState {
    pub calls: AtomicUsize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GameProperty {
    pub key: String,
    pub value: String,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct GameSession {
    pub game_session_id: String,
    pub name: String,
    pub fleet_id: String,
    pub creation_time: Timestamp,
    pub current_player_session_count: i32,
    pub maximum_player_session_count: i32,
    pub status: &'static str,
    pub game_properties: Vec<GameProperty>,
    pub ip_address: String,
    pub port: i32,
    pub player_session_creation_policy: &'static str,
    pub location: String,
}

pub fn game_session(id: &str, max_players: i32) -> GameSession {
    GameSession {
        game_session_id: id.to_string(),
        name: "test session".to_string(),
        fleet_id: "fleet-1234".to_string(),
        creation_time: Timestamp::from_epoch_secs(CREATION_TIME),
        current_player_session_count: 2,
        maximum_player_session_count: max_players,
        status: "ACTIVE",
        game_properties: vec![GameProperty {
            key: "mode".into(),
            value: "ranked".into(),
        }],
        ip_address: "127.0.0.1".to_string(),
        port: 7777,
        player_session_creation_policy: "ACCEPT_ALL",
        location: "custom-home".to_string(),
    }
}

// --- DescribeGameSessions -----------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeGameSessionsInput {
    pub game_session_id: Option<String>,
    pub fleet_id: Option<String>,
    pub limit: Option<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeGameSessionsOutput {
    pub game_sessions: Vec<GameSession>,
}

pub fn describe_game_sessions(
    ctx: &mut Ctx<'_, TestState>,
    input: DescribeGameSessionsInput,
) -> Result<DescribeGameSessionsOutput, ApiError> {
    ctx.state().calls.fetch_add(1, Ordering::Relaxed);
    let id = input.game_session_id.unwrap_or_else(|| "gs-1".to_string());
    if id == MISSING {
        return Err(ctx.error(ErrorCode::NotFound, format!("No game session with ID {id}")));
    }
    let n = input.limit.unwrap_or(1).clamp(1, 50);
    Ok(DescribeGameSessionsOutput {
        game_sessions: (0..n).map(|_| game_session(&id, 10)).collect(),
    })
}

// --- CreateGameSession (MaximumPlayerSessionCount is required) ----------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGameSessionInput {
    pub fleet_id: Option<String>,
    pub maximum_player_session_count: i32,
    #[serde(default)]
    pub game_properties: Vec<GameProperty>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGameSessionOutput {
    pub game_session: GameSession,
}

pub fn create_game_session(
    _: &mut Ctx<'_, TestState>,
    input: CreateGameSessionInput,
) -> Result<CreateGameSessionOutput, ApiError> {
    let mut gs = game_session("gs-new", input.maximum_player_session_count);
    if let Some(f) = input.fleet_id {
        gs.fleet_id = f;
    }
    if !input.game_properties.is_empty() {
        gs.game_properties = input.game_properties;
    }
    Ok(CreateGameSessionOutput { game_session: gs })
}

// --- ValidateMatchmakingRuleSet (boolean output) ------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateInput {
    pub rule_set_body: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateOutput {
    pub valid: bool,
}

pub fn validate_rule_set(
    ctx: &mut Ctx<'_, TestState>,
    input: ValidateInput,
) -> Result<ValidateOutput, ApiError> {
    match serde_json::from_str::<serde_json::Value>(&input.rule_set_body) {
        Ok(_) => Ok(ValidateOutput { valid: true }),
        Err(e) => Err(ctx.error(
            ErrorCode::InvalidRequest,
            format!("RuleSetBody is not valid JSON: {e}"),
        )),
    }
}

// --- DeleteMatchmakingRuleSet (empty output) ----------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteRuleSetInput {
    pub name: String,
}

pub fn delete_rule_set(
    ctx: &mut Ctx<'_, TestState>,
    input: DeleteRuleSetInput,
) -> Result<Empty, ApiError> {
    if input.name == "missing" {
        return Err(ctx.error(ErrorCode::NotFound, "No rule set named missing"));
    }
    Ok(Empty {})
}

// --- StartMatchmaking (doubles in, doubles out) -------------------------------

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct AttributeValue {
    #[serde(rename = "S", skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    #[serde(rename = "N", skip_serializing_if = "Option::is_none")]
    pub n: Option<f64>,
    #[serde(rename = "SL", skip_serializing_if = "Option::is_none")]
    pub sl: Option<Vec<String>>,
    #[serde(rename = "SDM", skip_serializing_if = "Option::is_none")]
    pub sdm: Option<BTreeMap<String, f64>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Player {
    pub player_id: String,
    #[serde(default)]
    pub player_attributes: BTreeMap<String, AttributeValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default)]
    pub latency_in_ms: BTreeMap<String, i32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMatchmakingInput {
    pub ticket_id: Option<String>,
    pub configuration_name: String,
    pub players: Vec<Player>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchmakingTicket {
    pub ticket_id: String,
    pub configuration_name: String,
    pub status: &'static str,
    pub start_time: Timestamp,
    pub players: Vec<Player>,
    pub estimated_wait_time: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMatchmakingOutput {
    pub matchmaking_ticket: MatchmakingTicket,
}

pub fn start_matchmaking(
    _: &mut Ctx<'_, TestState>,
    input: StartMatchmakingInput,
) -> Result<StartMatchmakingOutput, ApiError> {
    Ok(StartMatchmakingOutput {
        matchmaking_ticket: MatchmakingTicket {
            ticket_id: input.ticket_id.unwrap_or_else(|| "ticket-1".to_string()),
            configuration_name: input.configuration_name,
            status: "QUEUED",
            start_time: Timestamp::from_epoch_secs(CREATION_TIME),
            players: input.players,
            estimated_wait_time: 5,
        },
    })
}

// --- StartGameSessionPlacement (32-bit float members) -------------------------

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PlayerLatency {
    pub player_id: String,
    pub region_identifier: String,
    pub latency_in_milliseconds: f32,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartPlacementInput {
    pub placement_id: String,
    pub game_session_queue_name: String,
    pub maximum_player_session_count: i32,
    #[serde(default)]
    pub player_latencies: Vec<PlayerLatency>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GameSessionPlacement {
    pub placement_id: String,
    pub game_session_queue_name: String,
    pub status: &'static str,
    pub maximum_player_session_count: i32,
    pub player_latencies: Vec<PlayerLatency>,
    pub start_time: Timestamp,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartPlacementOutput {
    pub game_session_placement: GameSessionPlacement,
}

pub fn start_placement(
    _: &mut Ctx<'_, TestState>,
    input: StartPlacementInput,
) -> Result<StartPlacementOutput, ApiError> {
    Ok(StartPlacementOutput {
        game_session_placement: GameSessionPlacement {
            placement_id: input.placement_id,
            game_session_queue_name: input.game_session_queue_name,
            status: "PENDING",
            maximum_player_session_count: input.maximum_player_session_count,
            player_latencies: input.player_latencies,
            start_time: Timestamp::from_epoch_secs(CREATION_TIME),
        },
    })
}

/// The production router with the test handlers registered.
pub fn router() -> Router<TestState> {
    Router::new(ServiceModel::gamelift())
        .register("DescribeGameSessions", describe_game_sessions)
        .register("CreateGameSession", create_game_session)
        .register("ValidateMatchmakingRuleSet", validate_rule_set)
        .register("DeleteMatchmakingRuleSet", delete_rule_set)
        .register("StartMatchmaking", start_matchmaking)
        .register("StartGameSessionPlacement", start_placement)
}

/// Start the API server on an ephemeral loopback port; returns its address.
/// The server runs until the runtime shuts down.
/// With `access_key_id`, requests must be signed with it and the secret `"secret"` (what
/// the tests' clients sign with).
pub async fn start_server(access_key_id: Option<&str>) -> SocketAddr {
    let config = ApiConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        access_keys: access_key_id
            .map(|id| playfield::api::auth::AccessKey::new(id, "secret"))
            .into_iter()
            .collect(),
        ..ApiConfig::default()
    };
    let server = ApiServer::bind(config, router(), Arc::new(TestState::default()))
        .await
        .expect("bind API server");
    let addr = server.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = server.run().await;
    });
    addr
}
