//! Game sessions: CreateGameSession, DescribeGameSessions, DescribeGameSessionDetails,
//! SearchGameSessions, UpdateGameSession, TerminateGameSession.
//!
//! CreateGameSession picks a free server process of the fleet, exactly as the service
//! does, and the core pushes CreateGameSession to it (over the SDK gateway) before the
//! response leaves; the session is ACTIVATING until the game server activates it.
//! Aliases do not exist in Playfield: an `AliasId` is answered with a message saying to
//! use the fleet id.

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::paging::page;
use super::shapes::{self, GameProperty, GameSessionShape};
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::resource_id_of;
use playfield_core::{
    Core, CreateGameSession, GameSession, PlayerSessionCreationPolicy, TerminationMode,
    UpdateGameSession,
};
use playfield_core::{Filter, Sort};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("CreateGameSession", create_game_session)
        .register("DescribeGameSessions", describe_game_sessions)
        .register("DescribeGameSessionDetails", describe_game_session_details)
        .register("SearchGameSessions", search_game_sessions)
        .register("UpdateGameSession", update_game_session)
        .register("TerminateGameSession", terminate_game_session)
}

/// Describe/Search pages: the service's default and cap (SearchGameSessions: 20 at most).
const DESCRIBE_LIMIT: usize = 100;
const SEARCH_LIMIT: usize = 20;

fn no_aliases<S>(ctx: &Ctx<'_, S>, alias: &str) -> ApiError {
    ctx.error(
        ErrorCode::InvalidRequest,
        format!("AliasId '{alias}': Playfield has no aliases; give the FleetId instead"),
    )
}

/// The fleet of a request that names one by `FleetId` (id or ARN) or `AliasId`.
fn fleet_of<S>(
    ctx: &Ctx<'_, S>,
    fleet_id: Option<&str>,
    alias_id: Option<&str>,
) -> Result<String, ApiError> {
    match (fleet_id, alias_id) {
        (Some(f), None) => Ok(resource_id_of(f).to_string()),
        (None, Some(a)) => Err(no_aliases(ctx, a)),
        (Some(_), Some(_)) => Err(ctx.error(
            ErrorCode::InvalidRequest,
            "FleetId and AliasId: give one of them, not both",
        )),
        (None, None) => Err(ctx.error(ErrorCode::InvalidRequest, "FleetId or AliasId is required")),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateGameSessionInput {
    fleet_id: Option<String>,
    alias_id: Option<String>,
    maximum_player_session_count: u32,
    name: Option<String>,
    #[serde(default)]
    game_properties: Vec<GameProperty>,
    creator_id: Option<String>,
    game_session_id: Option<String>,
    idempotency_token: Option<String>,
    game_session_data: Option<String>,
    location: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GameSessionOutput {
    game_session: GameSessionShape,
}

fn create_game_session(
    ctx: &mut Ctx<'_, Shared>,
    input: CreateGameSessionInput,
) -> Result<GameSessionOutput, ApiError> {
    let fleet_id = fleet_of(ctx, input.fleet_id.as_deref(), input.alias_id.as_deref())?;
    let req = CreateGameSession {
        fleet_id: fleet_id.clone(),
        maximum_player_session_count: input.maximum_player_session_count,
        name: input.name,
        game_properties: input
            .game_properties
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect(),
        game_session_data: input.game_session_data,
        matchmaker_data: None,
        creator_id: input.creator_id,
        location: input.location.clone(),
        idempotency_token: input.idempotency_token.or(input.game_session_id),
    };
    let out = ctx.state().execute(|core, now| {
        let fleet = core.require_fleet(&fleet_id).map_err(|e| api_error(ctx, e))?;
        if let Some(loc) = &input.location {
            if !fleet.locations.contains(loc) {
                return Err(ctx.error(
                    ErrorCode::InvalidRequest,
                    format!(
                        "Location '{loc}' is not a location of fleet '{fleet_id}' (its locations: {})",
                        fleet.locations.join(", ")
                    ),
                ));
            }
        }
        let gs = core
            .create_game_session(now, req)
            .map_err(|e| api_error(ctx, e))?;
        Ok(shapes::game_session(core, &gs))
    })?;
    tracing::info!(
        target: "playfield",
        "CreateGameSession: game session {} on fleet {fleet_id} (request {})",
        out.game_session_id,
        ctx.request_id()
    );
    Ok(GameSessionOutput { game_session: out })
}

/// DescribeGameSessions / DescribeGameSessionDetails input (the same members).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInput {
    fleet_id: Option<String>,
    game_session_id: Option<String>,
    alias_id: Option<String>,
    location: Option<String>,
    status_filter: Option<String>,
    limit: Option<i32>,
    next_token: Option<String>,
}

const STATUSES: [&str; 5] = ["ACTIVE", "ACTIVATING", "TERMINATING", "TERMINATED", "ERROR"];

/// The game sessions a Describe input selects, one page of them.
fn describe<'c>(
    ctx: &Ctx<'_, Shared>,
    core: &'c Core,
    input: &DescribeInput,
) -> Result<(Vec<&'c GameSession>, Option<String>), ApiError> {
    if let Some(s) = &input.status_filter {
        if !STATUSES.contains(&s.as_str()) {
            return Err(ctx.error(
                ErrorCode::InvalidRequest,
                format!("StatusFilter '{s}' is not one of {}", STATUSES.join(", ")),
            ));
        }
    }
    let selected: Vec<&GameSession> = match &input.game_session_id {
        Some(id) => {
            let gs = core
                .game_session(id)
                .ok_or_else(|| ctx.error(ErrorCode::NotFound, format!("No game session '{id}'")))?;
            vec![gs]
        }
        None => {
            let fleet_id = fleet_of(ctx, input.fleet_id.as_deref(), input.alias_id.as_deref())?;
            core.require_fleet(&fleet_id)
                .map_err(|e| api_error(ctx, e))?;
            core.game_sessions_of_fleet(&fleet_id, input.location.as_deref())
        }
    };
    let selected = selected
        .into_iter()
        .filter(|gs| {
            input
                .status_filter
                .as_deref()
                .is_none_or(|s| gs.status.as_str() == s)
        })
        .collect();
    page(
        selected,
        "gs",
        input.limit,
        input.next_token.as_deref(),
        DESCRIBE_LIMIT,
        DESCRIBE_LIMIT,
    )
    .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeGameSessionsOutput {
    game_sessions: Vec<GameSessionShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn describe_game_sessions(
    ctx: &mut Ctx<'_, Shared>,
    input: DescribeInput,
) -> Result<DescribeGameSessionsOutput, ApiError> {
    ctx.state().read(|core| {
        let (sessions, next_token) = describe(ctx, core, &input)?;
        Ok(DescribeGameSessionsOutput {
            game_sessions: sessions
                .into_iter()
                .map(|gs| shapes::game_session(core, gs))
                .collect(),
            next_token,
        })
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GameSessionDetail {
    game_session: GameSessionShape,
    protection_policy: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeGameSessionDetailsOutput {
    game_session_details: Vec<GameSessionDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn protection_policy(gs: &GameSession) -> &'static str {
    if gs.full_protection {
        "FullProtection"
    } else {
        "NoProtection"
    }
}

fn describe_game_session_details(
    ctx: &mut Ctx<'_, Shared>,
    input: DescribeInput,
) -> Result<DescribeGameSessionDetailsOutput, ApiError> {
    ctx.state().read(|core| {
        let (sessions, next_token) = describe(ctx, core, &input)?;
        Ok(DescribeGameSessionDetailsOutput {
            game_session_details: sessions
                .into_iter()
                .map(|gs| GameSessionDetail {
                    game_session: shapes::game_session(core, gs),
                    protection_policy: protection_policy(gs),
                })
                .collect(),
            next_token,
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SearchGameSessionsInput {
    fleet_id: Option<String>,
    alias_id: Option<String>,
    location: Option<String>,
    filter_expression: Option<String>,
    sort_expression: Option<String>,
    limit: Option<i32>,
    next_token: Option<String>,
}

fn search_game_sessions(
    ctx: &mut Ctx<'_, Shared>,
    input: SearchGameSessionsInput,
) -> Result<DescribeGameSessionsOutput, ApiError> {
    let fleet_id = fleet_of(ctx, input.fleet_id.as_deref(), input.alias_id.as_deref())?;
    // Parsed before taking the lock: a syntax error costs the daemon nothing.
    let filter = input
        .filter_expression
        .as_deref()
        .map(Filter::parse)
        .transpose()
        .map_err(|e| ctx.error(ErrorCode::InvalidRequest, format!("FilterExpression {e}")))?;
    let sort = input
        .sort_expression
        .as_deref()
        .map(Sort::parse)
        .transpose()
        .map_err(|e| ctx.error(ErrorCode::InvalidRequest, format!("SortExpression {e}")))?;
    ctx.state().read(|core| {
        core.require_fleet(&fleet_id)
            .map_err(|e| api_error(ctx, e))?;
        let found = core.search_game_sessions(
            &fleet_id,
            input.location.as_deref(),
            filter.as_ref(),
            sort.as_ref(),
        );
        let (found, next_token) = page(
            found,
            "search",
            input.limit,
            input.next_token.as_deref(),
            SEARCH_LIMIT,
            SEARCH_LIMIT,
        )
        .map_err(|m| ctx.error(ErrorCode::InvalidRequest, m))?;
        Ok(DescribeGameSessionsOutput {
            game_sessions: found
                .into_iter()
                .map(|gs| shapes::game_session(core, gs))
                .collect(),
            next_token,
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateGameSessionInput {
    game_session_id: String,
    maximum_player_session_count: Option<u32>,
    name: Option<String>,
    player_session_creation_policy: Option<String>,
    protection_policy: Option<String>,
    game_properties: Option<Vec<GameProperty>>,
}

fn update_game_session(
    ctx: &mut Ctx<'_, Shared>,
    input: UpdateGameSessionInput,
) -> Result<GameSessionOutput, ApiError> {
    // Enum values were checked against the model already.
    let policy = input
        .player_session_creation_policy
        .as_deref()
        .and_then(PlayerSessionCreationPolicy::parse);
    let req = UpdateGameSession {
        game_session_id: input.game_session_id,
        maximum_player_session_count: input.maximum_player_session_count,
        name: input.name,
        player_session_creation_policy: policy,
        full_protection: input
            .protection_policy
            .as_deref()
            .map(|p| p == "FullProtection"),
        game_properties: input
            .game_properties
            .map(|v| v.into_iter().map(|p| (p.key, p.value)).collect()),
    };
    ctx.state().execute(|core, _now| {
        let gs = core
            .update_game_session(req)
            .map_err(|e| api_error(ctx, e))?;
        Ok(GameSessionOutput {
            game_session: shapes::game_session(core, &gs),
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TerminateGameSessionInput {
    game_session_id: String,
    termination_mode: String,
}

fn terminate_game_session(
    ctx: &mut Ctx<'_, Shared>,
    input: TerminateGameSessionInput,
) -> Result<GameSessionOutput, ApiError> {
    let mode = TerminationMode::parse(&input.termination_mode).ok_or_else(|| {
        ctx.error(
            ErrorCode::InvalidRequest,
            format!(
                "TerminationMode '{}' is not TRIGGER_ON_PROCESS_TERMINATE or FORCE_TERMINATE",
                input.termination_mode
            ),
        )
    })?;
    let gs = ctx.state().execute(|core, now| {
        let gs = core
            .terminate_game_session(now, &input.game_session_id, mode)
            .map_err(|e| api_error(ctx, e))?;
        Ok::<_, ApiError>(shapes::game_session(core, &gs))
    })?;
    tracing::info!(
        target: "playfield",
        "TerminateGameSession {}: game session {} is {} (request {})",
        input.termination_mode,
        gs.game_session_id,
        gs.status,
        ctx.request_id()
    );
    Ok(GameSessionOutput { game_session: gs })
}
