//! Game session placement operations (service-api.md §9.2): StartGameSessionPlacement,
//! DescribeGameSessionPlacement, StopGameSessionPlacement. The placement's game session
//! values (ARN, address, port, placed player sessions) are filled in once FULFILLED.

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use crate::api::types::Timestamp;
use crate::api::{ApiError, Ctx, Router};
use crate::wiring::hub::Shared;
use playfield_core::{Core, NewPlayerSession};
use playfield_core::{DirectPlacement, StartPlacement};
use playfield_core::{Placement, PlacementStatus};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("StartGameSessionPlacement", start_placement)
        .register("DescribeGameSessionPlacement", describe_placement)
        .register("StopGameSessionPlacement", stop_placement)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GamePropertyShape {
    key: String,
    value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlayerLatencyShape {
    player_id: Option<String>,
    region_identifier: Option<String>,
    latency_in_milliseconds: Option<f32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DesiredPlayerSessionShape {
    player_id: Option<String>,
    player_data: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlacedPlayerSessionShape {
    player_id: String,
    player_session_id: String,
}

/// `GameSessionPlacement`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlacementShape {
    placement_id: String,
    game_session_queue_name: String,
    status: &'static str,
    game_properties: Vec<GamePropertyShape>,
    maximum_player_session_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_region: Option<String>,
    player_latencies: Vec<PlayerLatencyShape>,
    start_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dns_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    placed_player_sessions: Vec<PlacedPlayerSessionShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_data: Option<String>,
}

fn shape(core: &Core, p: &Placement) -> PlacementShape {
    let d = p.direct.clone().unwrap_or_default();
    let ts = |m: u64| Timestamp::from_epoch_millis(m as i64);
    // Game session values are final only once FULFILLED (service-api.md §9.2).
    let gs = (p.status == PlacementStatus::Fulfilled)
        .then(|| {
            p.game_session_id
                .as_deref()
                .and_then(|id| core.game_session(id))
        })
        .flatten();
    PlacementShape {
        placement_id: p.id.clone(),
        game_session_queue_name: p.queue.clone(),
        status: p.status.as_str(),
        game_properties: d
            .game_properties
            .iter()
            .map(|(k, v)| GamePropertyShape {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        maximum_player_session_count: p.maximum_player_session_count,
        game_session_name: d.game_session_name.clone(),
        game_session_id: gs.map(|g| g.id.to_string()),
        game_session_arn: gs.map(|g| g.id.to_string()),
        game_session_region: gs.map(|_| core.config().region.clone()),
        player_latencies: d
            .player_latencies
            .iter()
            .flat_map(|(player, regions)| {
                regions.iter().map(move |(r, ms)| PlayerLatencyShape {
                    player_id: Some(player.clone()),
                    region_identifier: Some(r.clone()),
                    latency_in_milliseconds: Some(*ms as f32),
                })
            })
            .collect(),
        start_time: ts(p.start_time),
        end_time: p.end_time.map(ts),
        ip_address: gs.map(|g| g.ip_address.clone()),
        dns_name: gs.map(|g| g.dns_name.clone()),
        port: gs.and_then(|g| g.port),
        placed_player_sessions: p
            .placed_player_sessions
            .iter()
            .map(|s| PlacedPlayerSessionShape {
                player_id: s.player_id.clone(),
                player_session_id: s.player_session_id.clone(),
            })
            .collect(),
        game_session_data: d.game_session_data.clone(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlacementOutput {
    game_session_placement: PlacementShape,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StartPlacementInput {
    placement_id: String,
    game_session_queue_name: String,
    maximum_player_session_count: u32,
    #[serde(default)]
    game_properties: Vec<GamePropertyShape>,
    game_session_name: Option<String>,
    #[serde(default)]
    player_latencies: Vec<PlayerLatencyShape>,
    #[serde(default)]
    desired_player_sessions: Vec<DesiredPlayerSessionShape>,
    game_session_data: Option<String>,
}

fn start_placement(
    ctx: &mut Ctx<'_, Shared>,
    input: StartPlacementInput,
) -> Result<PlacementOutput, ApiError> {
    let mut settings = DirectPlacement {
        game_session_name: input.game_session_name,
        game_properties: input
            .game_properties
            .into_iter()
            .map(|g| (g.key, g.value))
            .collect(),
        game_session_data: input.game_session_data,
        ..DirectPlacement::default()
    };
    for l in input.player_latencies {
        if let (Some(p), Some(r), Some(ms)) =
            (l.player_id, l.region_identifier, l.latency_in_milliseconds)
        {
            settings
                .player_latencies
                .entry(p)
                .or_default()
                .insert(r, ms.max(0.0).round() as u32);
        }
    }
    settings.desired_player_sessions = input
        .desired_player_sessions
        .into_iter()
        .filter_map(|d| {
            Some(NewPlayerSession {
                player_id: d.player_id?,
                player_data: d.player_data,
            })
        })
        .collect();
    let req = StartPlacement {
        placement_id: input.placement_id,
        queue_name: input.game_session_queue_name,
        maximum_player_session_count: input.maximum_player_session_count,
        settings,
    };
    ctx.state()
        .execute(|core, now| {
            let p = core.start_game_session_placement(now, req)?;
            Ok(shape(core, &p))
        })
        .map(|game_session_placement| PlacementOutput {
            game_session_placement,
        })
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlacementIdInput {
    placement_id: String,
}

fn describe_placement(
    ctx: &mut Ctx<'_, Shared>,
    input: PlacementIdInput,
) -> Result<PlacementOutput, ApiError> {
    ctx.state()
        .read(|core| {
            let p = core.describe_game_session_placement(&input.placement_id)?;
            Ok(shape(core, &p))
        })
        .map(|game_session_placement| PlacementOutput {
            game_session_placement,
        })
        .map_err(|e| api_error(ctx, e))
}

fn stop_placement(
    ctx: &mut Ctx<'_, Shared>,
    input: PlacementIdInput,
) -> Result<PlacementOutput, ApiError> {
    ctx.state()
        .execute(|core, now| {
            let p = core.stop_game_session_placement(now, &input.placement_id)?;
            Ok(shape(core, &p))
        })
        .map(|game_session_placement| PlacementOutput {
            game_session_placement,
        })
        .map_err(|e| api_error(ctx, e))
}
