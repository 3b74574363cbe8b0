//! Requests: what a game server sends (§3). Every request carries a `RequestId` and is answered.
//!
//! Optional keys follow the union of both official SDKs: a key the C++ SDK leaves out when
//! empty reads as empty here, so the daemon can say exactly which value is missing instead of
//! failing to parse the whole message.

use super::model::{Player, PlayerSessionCreationPolicy};
use super::serde_util::null_as_default;
use serde::{Deserialize, Serialize};

/// Every action a game server can send, tagged by its `Action` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Action")]
pub enum Request {
    ActivateServerProcess(ActivateServerProcess),
    HeartbeatServerProcess(HeartbeatServerProcess),
    ActivateGameSession(ActivateGameSession),
    AcceptPlayerSession(AcceptPlayerSession),
    RemovePlayerSession(RemovePlayerSession),
    UpdatePlayerSessionCreationPolicy(UpdatePlayerSessionCreationPolicy),
    DescribePlayerSessions(DescribePlayerSessions),
    StartMatchBackfill(StartMatchBackfill),
    StopMatchBackfill(StopMatchBackfill),
    TerminateServerProcess(TerminateServerProcess),
    GetComputeCertificate(GetComputeCertificate),
    GetFleetRoleCredentials(GetFleetRoleCredentials),
}

impl Request {
    /// All action names a game server may send, in the order of §3.
    pub const ACTIONS: [&'static str; 12] = [
        "ActivateServerProcess",
        "HeartbeatServerProcess",
        "ActivateGameSession",
        "AcceptPlayerSession",
        "RemovePlayerSession",
        "UpdatePlayerSessionCreationPolicy",
        "DescribePlayerSessions",
        "StartMatchBackfill",
        "StopMatchBackfill",
        "TerminateServerProcess",
        "GetComputeCertificate",
        "GetFleetRoleCredentials",
    ];

    /// The `Action` string of this request.
    pub fn action(&self) -> &'static str {
        match self {
            Request::ActivateServerProcess(_) => "ActivateServerProcess",
            Request::HeartbeatServerProcess(_) => "HeartbeatServerProcess",
            Request::ActivateGameSession(_) => "ActivateGameSession",
            Request::AcceptPlayerSession(_) => "AcceptPlayerSession",
            Request::RemovePlayerSession(_) => "RemovePlayerSession",
            Request::UpdatePlayerSessionCreationPolicy(_) => "UpdatePlayerSessionCreationPolicy",
            Request::DescribePlayerSessions(_) => "DescribePlayerSessions",
            Request::StartMatchBackfill(_) => "StartMatchBackfill",
            Request::StopMatchBackfill(_) => "StopMatchBackfill",
            Request::TerminateServerProcess(_) => "TerminateServerProcess",
            Request::GetComputeCertificate(_) => "GetComputeCertificate",
            Request::GetFleetRoleCredentials(_) => "GetFleetRoleCredentials",
        }
    }

    /// The `RequestId` the reply must echo.
    pub fn request_id(&self) -> &str {
        match self {
            Request::ActivateServerProcess(r) => &r.request_id,
            Request::HeartbeatServerProcess(r) => &r.request_id,
            Request::ActivateGameSession(r) => &r.request_id,
            Request::AcceptPlayerSession(r) => &r.request_id,
            Request::RemovePlayerSession(r) => &r.request_id,
            Request::UpdatePlayerSessionCreationPolicy(r) => &r.request_id,
            Request::DescribePlayerSessions(r) => &r.request_id,
            Request::StartMatchBackfill(r) => &r.request_id,
            Request::StopMatchBackfill(r) => &r.request_id,
            Request::TerminateServerProcess(r) => &r.request_id,
            Request::GetComputeCertificate(r) => &r.request_id,
            Request::GetFleetRoleCredentials(r) => &r.request_id,
        }
    }
}

/// `ActivateServerProcess`, sent by ProcessReady (§3.1).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActivateServerProcess {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sdk_version: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub sdk_language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_tool_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk_tool_version: Option<String>,
    /// Left out when 0 by both SDKs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Go sends `null` when empty, C++ leaves the key out (§9 row 14).
    #[serde(default, deserialize_with = "null_as_default")]
    pub log_paths: Vec<String>,
}

/// `HeartbeatServerProcess`, the periodic health report (§3.2, §6).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HeartbeatServerProcess {
    #[serde(default)]
    pub request_id: String,
    pub health_status: bool,
}

/// `ActivateGameSession` (§3.3). C++ leaves `GameSessionId` out when it has none.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActivateGameSession {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
}

/// `AcceptPlayerSession` (§3.4).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcceptPlayerSession {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_session_id: String,
}

/// `RemovePlayerSession` (§3.4).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RemovePlayerSession {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_session_id: String,
}

/// `UpdatePlayerSessionCreationPolicy` (§3.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdatePlayerSessionCreationPolicy {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    pub player_session_policy: PlayerSessionCreationPolicy,
}

/// `DescribePlayerSessions` (§3.6). Every field but the envelope is left out when empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePlayerSessions {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game_session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_session_id: Option<String>,
    /// `RESERVED`, `ACTIVE`, `COMPLETED` or `TIMEDOUT`; kept as text so the daemon can name a
    /// bad value in its error reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player_session_status_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
}

/// `StartMatchBackfill` (§3.7). An empty `TicketId` asks the service to generate one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMatchBackfill {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub matchmaking_configuration_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub players: Vec<Player>,
}

/// `StopMatchBackfill` (§3.8).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StopMatchBackfill {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub matchmaking_configuration_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_id: String,
}

/// `TerminateServerProcess`, sent by ProcessEnding (§3.9).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminateServerProcess {
    #[serde(default)]
    pub request_id: String,
}

/// `GetComputeCertificate` (§3.10).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetComputeCertificate {
    #[serde(default)]
    pub request_id: String,
}

/// `GetFleetRoleCredentials` (§3.11).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFleetRoleCredentials {
    #[serde(default)]
    pub request_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub role_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub role_session_name: String,
}
