//! Matchmaking ticket operations (service-api.md §9.1): StartMatchmaking,
//! DescribeMatchmaking, StopMatchmaking, AcceptMatch, StartMatchBackfill.
//!
//! Each handler maps its input shape to a core command, runs it under the hub's lock
//! (`Shared::execute`, which also carries out the effects: a StartMatchmaking that completes
//! a match pushes CreateGameSession before the answer leaves), and maps the result back to
//! the model's shapes. Core errors become the operation's modeled exceptions
//! (`errors::api_error`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::errors::api_error;
use crate::api::types::Timestamp;
use crate::api::{ApiError, Ctx, ErrorCode, Router};
use crate::wiring::hub::Shared;
use playfield_core::StartBackfill;
use playfield_core::{MatchmakingTicket, StartMatchmaking};
use playfield_flexmatch::{AttributeValue, Player};

pub(crate) fn register(router: Router<Shared>) -> Router<Shared> {
    router
        .register("StartMatchmaking", start_matchmaking)
        .register("DescribeMatchmaking", describe_matchmaking)
        .register("StopMatchmaking", stop_matchmaking)
        .register("AcceptMatch", accept_match)
        .register("StartMatchBackfill", start_match_backfill)
}

/// `AttributeValue`: exactly one of S, N, SL, SDM.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct AttributeValueShape {
    #[serde(rename = "S", default, skip_serializing_if = "Option::is_none")]
    pub(crate) s: Option<String>,
    #[serde(rename = "N", default, skip_serializing_if = "Option::is_none")]
    pub(crate) n: Option<f64>,
    #[serde(rename = "SL", default, skip_serializing_if = "Option::is_none")]
    pub(crate) sl: Option<Vec<String>>,
    #[serde(rename = "SDM", default, skip_serializing_if = "Option::is_none")]
    pub(crate) sdm: Option<BTreeMap<String, f64>>,
}

impl AttributeValueShape {
    fn to_value(&self, player: &str, name: &str) -> Result<AttributeValue, String> {
        match (&self.s, self.n, &self.sl, &self.sdm) {
            (Some(s), None, None, None) => Ok(AttributeValue::String(s.clone())),
            (None, Some(n), None, None) => Ok(AttributeValue::Number(n)),
            (None, None, Some(l), None) => Ok(AttributeValue::StringList(l.clone())),
            (None, None, None, Some(m)) => Ok(AttributeValue::StringNumberMap(m.clone())),
            _ => Err(format!(
                "player '{player}': attribute '{name}' must hold exactly one of S, N, SL, SDM"
            )),
        }
    }

    fn from_value(v: &AttributeValue) -> Self {
        let mut out = Self::default();
        match v {
            AttributeValue::String(s) => out.s = Some(s.clone()),
            AttributeValue::Number(n) => out.n = Some(*n),
            AttributeValue::StringList(l) => out.sl = Some(l.clone()),
            AttributeValue::StringNumberMap(m) => out.sdm = Some(m.clone()),
        }
        out
    }
}

/// `Player`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PlayerShape {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) player_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) player_attributes: Option<BTreeMap<String, AttributeValueShape>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) latency_in_ms: Option<BTreeMap<String, u32>>,
}

impl PlayerShape {
    fn to_player(&self) -> Result<Player, String> {
        let id = self
            .player_id
            .clone()
            .ok_or("every player needs a PlayerId")?;
        let mut p = Player {
            id: id.clone(),
            team: self.team.clone(),
            latency_ms: self.latency_in_ms.clone().unwrap_or_default(),
            ..Player::default()
        };
        for (k, v) in self.player_attributes.iter().flatten() {
            p.attributes.insert(k.clone(), v.to_value(&id, k)?);
        }
        Ok(p)
    }

    fn from_player(p: &Player) -> Self {
        Self {
            player_id: Some(p.id.clone()),
            player_attributes: (!p.attributes.is_empty()).then(|| {
                p.attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), AttributeValueShape::from_value(v)))
                    .collect()
            }),
            team: p.team.clone(),
            latency_in_ms: (!p.latency_ms.is_empty()).then(|| p.latency_ms.clone()),
        }
    }
}

fn players(ctx: &Ctx<'_, Shared>, input: &[PlayerShape]) -> Result<Vec<Player>, ApiError> {
    input
        .iter()
        .map(PlayerShape::to_player)
        .collect::<Result<_, _>>()
        .map_err(|m| ctx.error(ErrorCode::InvalidRequest, format!("Players: {m}")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MatchedPlayerSessionShape {
    player_id: String,
    player_session_id: String,
}

/// `GameSessionConnectionInfo`. A searching backfill ticket's holds only `GameSessionArn`
/// (guide line 2381), so what is not known yet is left out rather than sent empty.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConnectionInfoShape {
    game_session_arn: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    ip_address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    dns_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<u16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    matched_player_sessions: Vec<MatchedPlayerSessionShape>,
}

/// `MatchmakingTicket`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TicketShape {
    ticket_id: String,
    configuration_name: String,
    configuration_arn: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_message: Option<String>,
    start_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<Timestamp>,
    players: Vec<PlayerShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    game_session_connection_info: Option<ConnectionInfoShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    estimated_wait_time: Option<u32>,
}

impl From<&MatchmakingTicket> for TicketShape {
    fn from(t: &MatchmakingTicket) -> Self {
        let ms = |m: u64| Timestamp::from_epoch_millis(m as i64);
        Self {
            ticket_id: t.id.clone().into(),
            configuration_name: t.configuration_name.clone(),
            configuration_arn: t.configuration_arn.clone(),
            status: t.status.as_str(),
            status_reason: t.status_reason.map(|r| r.as_str()),
            status_message: t.status_message.clone(),
            start_time: ms(t.start_time),
            end_time: t.end_time.map(ms),
            players: t.players.iter().map(PlayerShape::from_player).collect(),
            game_session_connection_info: t.connection.as_ref().map(|c| ConnectionInfoShape {
                game_session_arn: c.game_session_arn.clone(),
                ip_address: c.ip_address.clone(),
                dns_name: c.dns_name.clone(),
                port: c.port,
                matched_player_sessions: c
                    .matched_player_sessions
                    .iter()
                    .map(|m| MatchedPlayerSessionShape {
                        player_id: m.player_id.clone(),
                        player_session_id: m.player_session_id.clone(),
                    })
                    .collect(),
            }),
            estimated_wait_time: t.estimated_wait_seconds,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TicketOutput {
    matchmaking_ticket: TicketShape,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StartMatchmakingInput {
    #[serde(default)]
    ticket_id: Option<String>,
    configuration_name: String,
    players: Vec<PlayerShape>,
}

fn start_matchmaking(
    ctx: &mut Ctx<'_, Shared>,
    input: StartMatchmakingInput,
) -> Result<TicketOutput, ApiError> {
    let req = StartMatchmaking {
        ticket_id: input.ticket_id.filter(|t| !t.is_empty()),
        configuration_name: input.configuration_name,
        players: players(ctx, &input.players)?,
    };
    let t = ctx
        .state()
        .execute(|core, now| core.start_matchmaking(now, req))
        .map_err(|e| api_error(ctx, e))?;
    Ok(TicketOutput {
        matchmaking_ticket: TicketShape::from(&t),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeMatchmakingInput {
    ticket_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeMatchmakingOutput {
    ticket_list: Vec<TicketShape>,
}

/// Unknown ids are left out (service-api.md §9.1 DescribeMatchmaking).
fn describe_matchmaking(
    ctx: &mut Ctx<'_, Shared>,
    input: DescribeMatchmakingInput,
) -> Result<DescribeMatchmakingOutput, ApiError> {
    if input.ticket_ids.len() > 10 {
        return Err(ctx.error(
            ErrorCode::InvalidRequest,
            format!(
                "TicketIds: at most 10 ids per call, got {}",
                input.ticket_ids.len()
            ),
        ));
    }
    let tickets = ctx
        .state()
        .read(|core| core.describe_matchmaking(&input.ticket_ids));
    Ok(DescribeMatchmakingOutput {
        ticket_list: tickets.iter().map(TicketShape::from).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StopMatchmakingInput {
    ticket_id: String,
}

fn stop_matchmaking(
    ctx: &mut Ctx<'_, Shared>,
    input: StopMatchmakingInput,
) -> Result<(), ApiError> {
    ctx.state()
        .execute(|core, now| core.stop_matchmaking(now, &input.ticket_id))
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AcceptMatchInput {
    ticket_id: String,
    player_ids: Vec<String>,
    acceptance_type: String,
}

fn accept_match(ctx: &mut Ctx<'_, Shared>, input: AcceptMatchInput) -> Result<(), ApiError> {
    let accept = input.acceptance_type == "ACCEPT";
    ctx.state()
        .execute(|core, now| core.accept_match(now, &input.ticket_id, &input.player_ids, accept))
        .map_err(|e| api_error(ctx, e))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StartMatchBackfillInput {
    #[serde(default)]
    ticket_id: Option<String>,
    configuration_name: String,
    #[serde(default)]
    game_session_arn: Option<String>,
    players: Vec<PlayerShape>,
}

fn start_match_backfill(
    ctx: &mut Ctx<'_, Shared>,
    input: StartMatchBackfillInput,
) -> Result<TicketOutput, ApiError> {
    let req = StartBackfill {
        ticket_id: input.ticket_id.filter(|t| !t.is_empty()),
        configuration_name: input.configuration_name,
        game_session_arn: input.game_session_arn,
        players: players(ctx, &input.players)?,
    };
    let t = ctx
        .state()
        .execute(|core, now| core.start_match_backfill(now, req))
        .map_err(|e| api_error(ctx, e))?;
    Ok(TicketOutput {
        matchmaking_ticket: TicketShape::from(&t),
    })
}
