//! Pushes: what the service sends a game server unasked (§4). The SDK never answers a push.
//!
//! A push must carry `"StatusCode":200` (or no `RequestId` at all): both SDKs read a message
//! with a `RequestId` and no 200 as an error reply and drop it silently (§2.2). The daemon
//! therefore always sends `StatusCode` 200 and a fresh `RequestId`, while the SDK accepts a
//! push with either key missing.

use super::model::{GameSession, UpdateReason};
use super::serde_util::{lenient_string_map, null_as_default};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every push, tagged by its `Action` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Action")]
pub enum Push {
    CreateGameSession(CreateGameSession),
    UpdateGameSession(UpdateGameSession),
    TerminateProcess(TerminateProcess),
    RefreshConnection(RefreshConnection),
}

impl Push {
    /// All push action names.
    pub const ACTIONS: [&'static str; 4] = [
        "CreateGameSession",
        "UpdateGameSession",
        "TerminateProcess",
        "RefreshConnection",
    ];

    /// Whether `action` names a push.
    pub fn is_push_action(action: &str) -> bool {
        Self::ACTIONS.contains(&action)
    }

    /// The `Action` string of this push.
    pub fn action(&self) -> &'static str {
        match self {
            Push::CreateGameSession(_) => "CreateGameSession",
            Push::UpdateGameSession(_) => "UpdateGameSession",
            Push::TerminateProcess(_) => "TerminateProcess",
            Push::RefreshConnection(_) => "RefreshConnection",
        }
    }
}

/// `CreateGameSession` (§4.1): start hosting this game session, then call ActivateGameSession.
///
/// The name key is `GameSessionName` here (it is `Name` inside a [`GameSession`] object), and
/// `GameProperties` is a JSON object of string → string. There is no `FleetId`: the SDK fills
/// it in from its own state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGameSession {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_data: String,
    /// A JSON document as a string; see [`crate::wire::MatchmakerData`].
    #[serde(default, deserialize_with = "null_as_default")]
    pub matchmaker_data: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub dns_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_address: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub port: i32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub maximum_player_session_count: i32,
    #[serde(default, deserialize_with = "lenient_string_map")]
    pub game_properties: BTreeMap<String, String>,
}

/// `UpdateGameSession` (§4.2): the game session changed, usually through backfill.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGameSession {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session: GameSession,
    /// Absent reads as `None`; an unknown string reads as [`UpdateReason::Unknown`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_reason: Option<UpdateReason>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub backfill_ticket_id: String,
}

/// `TerminateProcess` (§4.3): the process should end by `TerminationTime`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminateProcess {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub termination_time: i64,
}

/// `RefreshConnection` (§1.10, §4.4): reconnect to this endpoint with this token.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshConnection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub refresh_connection_endpoint: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub auth_token: String,
}
