//! Core values → wire messages (sdk-wire-protocol.md §3–§5).
//!
//! Pushes carry `"StatusCode":200` and a fresh `RequestId`: a push with a RequestId and
//! no 200 is read as an error reply and silently dropped by both SDKs (§2.2).

use playfield_sdk::wire;
use serde::Serialize;

use crate::sdk_wire;
use playfield_core::{self as core, CoreError, ErrorKind};

/// The StatusCode an error is answered with (§2.3 lists how the SDKs read each code).
pub(crate) fn status_code(err: &CoreError) -> u16 {
    match err.kind() {
        ErrorKind::InvalidRequest
        | ErrorKind::InvalidGameSessionStatus
        | ErrorKind::GameSessionFull
        | ErrorKind::FleetCapacityExceeded
        | ErrorKind::TaggingFailed => 400,
        ErrorKind::NotFound => 404,
        ErrorKind::Forbidden => 403,
        ErrorKind::Conflict => 409,
    }
}

/// Serializes a reply or push. Serializing these plain structs cannot fail; the fallback
/// keeps the no-panic rule without an `unwrap`.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        format!(r#"{{"StatusCode":500,"ErrorMessage":"reply did not serialize: {e}"}}"#)
    })
}

pub(crate) fn ok<P: Serialize>(action: &str, request_id: &str, payload: P) -> String {
    to_json(&wire::Reply::ok(action, request_id, payload))
}

pub(crate) fn error(
    action: &str,
    request_id: &str,
    status: u16,
    message: impl Into<String>,
) -> String {
    to_json(&wire::Reply::error(action, request_id, status, message))
}

pub(crate) fn push(push: &core::Push) -> String {
    let request_id = Some(uuid::Uuid::new_v4().to_string());
    let status_code = Some(wire::STATUS_OK);
    let msg = match push {
        core::Push::CreateGameSession(gs) => {
            wire::Push::CreateGameSession(wire::CreateGameSession {
                request_id,
                status_code,
                game_session_id: gs.id.to_string(),
                game_session_name: gs.name.clone().unwrap_or_default(),
                game_session_data: gs.game_session_data.clone().unwrap_or_default(),
                matchmaker_data: matchmaker_data_json(gs),
                dns_name: gs.dns_name.clone(),
                ip_address: gs.ip_address.clone(),
                port: gs.port.map(i32::from).unwrap_or(0),
                maximum_player_session_count: gs.maximum_player_session_count as i32,
                game_properties: gs.game_properties.clone(),
            })
        }
        core::Push::UpdateGameSession {
            game_session,
            reason,
            backfill_ticket_id,
        } => wire::Push::UpdateGameSession(wire::UpdateGameSession {
            request_id,
            status_code,
            game_session: game_session_object(game_session),
            update_reason: Some(update_reason(*reason)),
            backfill_ticket_id: backfill_ticket_id.clone().unwrap_or_default(),
        }),
        core::Push::TerminateProcess { termination_time } => {
            wire::Push::TerminateProcess(wire::TerminateProcess {
                request_id,
                status_code,
                termination_time: *termination_time as i64,
            })
        }
        core::Push::RefreshConnection {
            endpoint,
            auth_token,
        } => wire::Push::RefreshConnection(wire::RefreshConnection {
            request_id,
            status_code,
            refresh_connection_endpoint: endpoint.clone(),
            auth_token: auth_token.clone(),
        }),
    };
    to_json(&msg)
}

/// A game session's `MatchmakerData` string (§5.1, §5.2); empty when it has none.
fn matchmaker_data_json(gs: &core::GameSession) -> String {
    gs.matchmaker_data
        .as_ref()
        .map(sdk_wire::matchmaker_data_json)
        .unwrap_or_default()
}

/// A `GameSession` object as inside UpdateGameSession (§4.2, §5.1).
pub(crate) fn game_session_object(gs: &core::GameSession) -> wire::GameSession {
    wire::GameSession {
        game_session_id: gs.id.to_string(),
        name: gs.name.clone().unwrap_or_default(),
        fleet_id: gs.fleet_id.clone(),
        maximum_player_session_count: gs.maximum_player_session_count as i32,
        port: gs.port.map(i32::from).unwrap_or(0),
        ip_address: gs.ip_address.clone(),
        dns_name: gs.dns_name.clone(),
        game_session_data: gs.game_session_data.clone().unwrap_or_default(),
        matchmaker_data: matchmaker_data_json(gs),
        game_properties: gs.game_properties.clone(),
        location: gs.location.clone(),
        status: match gs.status {
            core::GameSessionStatus::Activating => Some(wire::GameSessionStatus::Activating),
            core::GameSessionStatus::Active => Some(wire::GameSessionStatus::Active),
            core::GameSessionStatus::Terminating => Some(wire::GameSessionStatus::Terminating),
            core::GameSessionStatus::Terminated => Some(wire::GameSessionStatus::Terminated),
            // The SDK model has no ERROR (§5.5); leave it out rather than lie.
            core::GameSessionStatus::Error => None,
        },
        status_reason: gs.status_reason.map(|r| r.as_str().to_string()),
    }
}

fn update_reason(r: core::UpdateReason) -> wire::UpdateReason {
    match r {
        core::UpdateReason::MatchmakingDataUpdated => wire::UpdateReason::MatchmakingDataUpdated,
        core::UpdateReason::BackfillFailed => wire::UpdateReason::BackfillFailed,
        core::UpdateReason::BackfillTimedOut => wire::UpdateReason::BackfillTimedOut,
        core::UpdateReason::BackfillCancelled => wire::UpdateReason::BackfillCancelled,
    }
}

/// A player session as DescribePlayerSessions returns it (§3.6, §5.4): times in epoch ms,
/// `TerminationTime` 0 while it runs, `Status` always present.
pub(crate) fn player_session(ps: &core::PlayerSession) -> wire::PlayerSession {
    wire::PlayerSession {
        player_session_id: ps.id.clone(),
        player_id: ps.player_id.clone(),
        game_session_id: ps.game_session_id.clone(),
        fleet_id: ps.fleet_id.clone(),
        creation_time: ps.creation_time as i64,
        termination_time: ps.termination_time.unwrap_or(0) as i64,
        status: match ps.status {
            core::PlayerSessionStatus::Reserved => wire::PlayerSessionStatus::Reserved,
            core::PlayerSessionStatus::Active => wire::PlayerSessionStatus::Active,
            core::PlayerSessionStatus::Completed => wire::PlayerSessionStatus::Completed,
            core::PlayerSessionStatus::Timedout => wire::PlayerSessionStatus::Timedout,
        },
        ip_address: ps.ip_address.clone(),
        port: ps.port.map(i32::from).unwrap_or(0),
        player_data: ps.player_data.clone().unwrap_or_default(),
        dns_name: ps.dns_name.clone(),
    }
}
