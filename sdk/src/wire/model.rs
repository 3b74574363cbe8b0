//! Objects that appear inside messages: game sessions, player sessions, players, enums (§5).

use super::attribute::AttributeValue;
use super::serde_util::{lenient_string_map, null_as_default};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A game session as it appears inside `UpdateGameSession` (§4.2, §5.1).
///
/// Inside this object the name key is `Name`; the `CreateGameSession` push calls the same field
/// `GameSessionName` (see [`crate::wire::CreateGameSession`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GameSession {
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub fleet_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub maximum_player_session_count: i32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub port: i32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_address: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub dns_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_data: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub matchmaker_data: String,
    #[serde(default, deserialize_with = "lenient_string_map")]
    pub game_properties: BTreeMap<String, String>,
    /// Read only by the Go SDK (§4.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Read only by the Go SDK (§4.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GameSessionStatus>,
    /// Read only by the Go SDK, e.g. `INTERRUPTED` (§5.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

/// A player session as `DescribePlayerSessions` returns it (§3.6, §5.4).
///
/// `CreationTime` and `TerminationTime` are epoch milliseconds as JSON integers; `Status` is
/// always sent, because the Go SDK panics on a missing one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlayerSession {
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub game_session_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub fleet_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub creation_time: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub termination_time: i64,
    pub status: PlayerSessionStatus,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_address: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub port: i32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_data: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub dns_name: String,
}

/// A player in a `StartMatchBackfill` request (§5.3).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Player {
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub team: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_attributes: BTreeMap<String, AttributeValue>,
    /// Region → latency in milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub latency_in_ms: BTreeMap<String, i32>,
}

/// `PlayerSessionStatus` (§5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlayerSessionStatus {
    Reserved,
    Active,
    Completed,
    Timedout,
}

impl PlayerSessionStatus {
    /// The wire string, e.g. `RESERVED`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlayerSessionStatus::Reserved => "RESERVED",
            PlayerSessionStatus::Active => "ACTIVE",
            PlayerSessionStatus::Completed => "COMPLETED",
            PlayerSessionStatus::Timedout => "TIMEDOUT",
        }
    }
}

/// `PlayerSessionCreationPolicy` (§3.5, §5.5). The C++ SDK can send `NOT_SET` (§9 row 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlayerSessionCreationPolicy {
    AcceptAll,
    DenyAll,
    NotSet,
}

impl PlayerSessionCreationPolicy {
    /// The wire string, e.g. `DENY_ALL`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlayerSessionCreationPolicy::AcceptAll => "ACCEPT_ALL",
            PlayerSessionCreationPolicy::DenyAll => "DENY_ALL",
            PlayerSessionCreationPolicy::NotSet => "NOT_SET",
        }
    }
}

/// `GameSessionStatus` as the SDK model knows it (§5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GameSessionStatus {
    Active,
    Activating,
    Terminated,
    Terminating,
}

/// Why `onUpdateGameSession` was called (§4.2). Unknown strings read as [`UpdateReason::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateReason {
    MatchmakingDataUpdated,
    BackfillFailed,
    BackfillTimedOut,
    BackfillCancelled,
    #[serde(other)]
    Unknown,
}

impl UpdateReason {
    /// The wire string, e.g. `BACKFILL_CANCELLED`.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateReason::MatchmakingDataUpdated => "MATCHMAKING_DATA_UPDATED",
            UpdateReason::BackfillFailed => "BACKFILL_FAILED",
            UpdateReason::BackfillTimedOut => "BACKFILL_TIMED_OUT",
            UpdateReason::BackfillCancelled => "BACKFILL_CANCELLED",
            UpdateReason::Unknown => "UNKNOWN",
        }
    }
}
