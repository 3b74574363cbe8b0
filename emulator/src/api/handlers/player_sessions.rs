//! Player sessions: CreatePlayerSession, CreatePlayerSessions, DescribePlayerSessions.
//!
//! A player session reserves a slot (RESERVED) in an ACTIVE game session; the game server
//! accepts it when the player connects (ACTIVE) and removes it when the player leaves
//! (COMPLETED) through the server SDK; the core times out a reservation not accepted in
//! 60 s (TIMEDOUT). The core enforces all of it; these handlers translate.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use super::shapes::{self, PlayerSessionShape};
use crate::api::{ApiError, Ctx, Router};
use crate::wiring::hub::Shared;
use playfield_core::{DescribePlayerSessions, NewPlayerSession};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("CreatePlayerSession", create_player_session)
        .register("CreatePlayerSessions", create_player_sessions)
        .register("DescribePlayerSessions", describe_player_sessions)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePlayerSessionInput {
    game_session_id: String,
    player_id: String,
    player_data: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePlayerSessionOutput {
    player_session: PlayerSessionShape,
}

fn create_player_session(
    ctx: &mut Ctx<'_, Shared>,
    input: CreatePlayerSessionInput,
) -> Result<CreatePlayerSessionOutput, ApiError> {
    let mut created = create(
        ctx,
        &input.game_session_id,
        vec![NewPlayerSession {
            player_id: input.player_id,
            player_data: input.player_data,
        }],
    )?;
    // The core made exactly one for one player, or failed.
    let player_session = created.pop().ok_or_else(|| {
        ApiError::internal("CreatePlayerSession: the core created no player session")
    })?;
    Ok(CreatePlayerSessionOutput { player_session })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePlayerSessionsInput {
    game_session_id: String,
    player_ids: Vec<String>,
    #[serde(default)]
    player_data_map: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePlayerSessionsOutput {
    player_sessions: Vec<PlayerSessionShape>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PlayerSessionsOutput {
    player_sessions: Vec<PlayerSessionShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn create_player_sessions(
    ctx: &mut Ctx<'_, Shared>,
    mut input: CreatePlayerSessionsInput,
) -> Result<CreatePlayerSessionsOutput, ApiError> {
    let players = input
        .player_ids
        .into_iter()
        .map(|player_id| NewPlayerSession {
            player_data: input.player_data_map.remove(&player_id),
            player_id,
        })
        .collect();
    Ok(CreatePlayerSessionsOutput {
        player_sessions: create(ctx, &input.game_session_id, players)?,
    })
}

fn create(
    ctx: &Ctx<'_, Shared>,
    game_session_id: &str,
    players: Vec<NewPlayerSession>,
) -> Result<Vec<PlayerSessionShape>, ApiError> {
    let created = ctx.state().execute(|core, now| {
        let created = core
            .create_player_sessions(now, game_session_id, players)
            .map_err(|e| api_error(ctx, e))?;
        Ok::<_, ApiError>(
            created
                .iter()
                .map(|ps| shapes::player_session(core, ps))
                .collect::<Vec<_>>(),
        )
    })?;
    tracing::info!(
        target: "playfield",
        "{}: {} player session(s) reserved in {game_session_id} (request {})",
        ctx.operation(),
        created.len(),
        ctx.request_id()
    );
    Ok(created)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribePlayerSessionsInput {
    game_session_id: Option<String>,
    player_id: Option<String>,
    player_session_id: Option<String>,
    player_session_status_filter: Option<String>,
    limit: Option<i32>,
    next_token: Option<String>,
}

fn describe_player_sessions(
    ctx: &mut Ctx<'_, Shared>,
    input: DescribePlayerSessionsInput,
) -> Result<PlayerSessionsOutput, ApiError> {
    let query = DescribePlayerSessions::from_parts(
        input.game_session_id,
        input.player_id,
        input.player_session_id,
        input.player_session_status_filter.as_deref(),
        input.limit.map(i64::from),
        input.next_token.as_deref(),
    )
    .map_err(|e| api_error(ctx, e))?;
    ctx.state().read(|core| {
        let page = core
            .describe_player_sessions(&query)
            .map_err(|e| api_error(ctx, e))?;
        Ok(PlayerSessionsOutput {
            player_sessions: page
                .player_sessions
                .iter()
                .map(|ps| shapes::player_session(core, ps))
                .collect(),
            next_token: page.next_token,
        })
    })
}
