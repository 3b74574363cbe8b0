//! The C structs of the API and their conversions from and to the SDK's Rust types.
//!
//! Output structs (filled by the library) point into memory owned by the struct tree that
//! contains them; their strings are never NULL (`""` when the value is absent) and their
//! arrays are NULL exactly when their count is 0. Input structs (filled by the caller) are
//! only read during the call.

use crate::arena::Arena;
use crate::error::FfiError;
use crate::strings::{opt_str, required_str, slice};
use playfield_sdk::model::{
    AttributeValue, GameSession, GameSessionStatus, MatchmakerData, Player, PlayerSession,
    PlayerSessionStatus, UpdateGameSession, UpdateReason,
};
use playfield_sdk::wire::BackfillMode;
use std::collections::BTreeMap;
use std::ffi::c_char;
use std::ptr;

// ---- constants ------------------------------------------------------------------------------

/// `PlayfieldAttribute.type`: an attribute declared without a value.
pub const PLAYFIELD_ATTRIBUTE_NONE: i32 = 0;
/// `PlayfieldAttribute.type`: `string_value` holds the value.
pub const PLAYFIELD_ATTRIBUTE_STRING: i32 = 1;
/// `PlayfieldAttribute.type`: `double_value` holds the value.
pub const PLAYFIELD_ATTRIBUTE_DOUBLE: i32 = 2;
/// `PlayfieldAttribute.type`: `string_list` / `string_list_count` hold the value.
pub const PLAYFIELD_ATTRIBUTE_STRING_LIST: i32 = 3;
/// `PlayfieldAttribute.type`: `string_double_map` / `string_double_map_count` hold the value.
pub const PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP: i32 = 4;

/// `PlayfieldMatchmakerData.auto_backfill_mode`: not given (or an unknown value).
pub const PLAYFIELD_BACKFILL_MODE_NOT_SET: i32 = 0;
/// `PlayfieldMatchmakerData.auto_backfill_mode`: `AUTOMATIC`.
pub const PLAYFIELD_BACKFILL_MODE_AUTOMATIC: i32 = 1;
/// `PlayfieldMatchmakerData.auto_backfill_mode`: `MANUAL`.
pub const PLAYFIELD_BACKFILL_MODE_MANUAL: i32 = 2;

/// Update reason: unknown or missing.
pub const PLAYFIELD_UPDATE_REASON_UNKNOWN: i32 = 0;
/// Update reason: `MATCHMAKING_DATA_UPDATED` (a backfill found players).
pub const PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED: i32 = 1;
/// Update reason: `BACKFILL_FAILED`.
pub const PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED: i32 = 2;
/// Update reason: `BACKFILL_TIMED_OUT`.
pub const PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT: i32 = 3;
/// Update reason: `BACKFILL_CANCELLED`.
pub const PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED: i32 = 4;

/// Player session status filter: none (all statuses). Never the status of a session.
pub const PLAYFIELD_PLAYER_SESSION_STATUS_NOT_SET: i32 = 0;
/// Player session status `RESERVED`.
pub const PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED: i32 = 1;
/// Player session status `ACTIVE`.
pub const PLAYFIELD_PLAYER_SESSION_STATUS_ACTIVE: i32 = 2;
/// Player session status `COMPLETED`.
pub const PLAYFIELD_PLAYER_SESSION_STATUS_COMPLETED: i32 = 3;
/// Player session status `TIMEDOUT`.
pub const PLAYFIELD_PLAYER_SESSION_STATUS_TIMEDOUT: i32 = 4;

/// Player session creation policy `ACCEPT_ALL`.
pub const PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_ACCEPT_ALL: i32 = 1;
/// Player session creation policy `DENY_ALL`.
pub const PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_DENY_ALL: i32 = 2;

/// `PlayfieldEvent.kind`: the service assigned a game session (onStartGameSession).
pub const PLAYFIELD_EVENT_START_GAME_SESSION: i32 = 1;
/// `PlayfieldEvent.kind`: the game session changed (onUpdateGameSession).
pub const PLAYFIELD_EVENT_UPDATE_GAME_SESSION: i32 = 2;
/// `PlayfieldEvent.kind`: the service wants the process to end (onProcessTerminate).
pub const PLAYFIELD_EVENT_PROCESS_TERMINATE: i32 = 3;

/// `PlayfieldProcessParameters.delivery`: call the callbacks on the SDK callback thread.
pub const PLAYFIELD_DELIVERY_CALLBACKS: i32 = 0;
/// `PlayfieldProcessParameters.delivery`: queue events for `playfield_poll_event` /
/// `playfield_next_event` on the caller's own thread.
pub const PLAYFIELD_DELIVERY_QUEUE: i32 = 1;

pub(crate) fn update_reason_code(r: UpdateReason) -> i32 {
    match r {
        UpdateReason::MatchmakingDataUpdated => PLAYFIELD_UPDATE_REASON_MATCHMAKING_DATA_UPDATED,
        UpdateReason::BackfillFailed => PLAYFIELD_UPDATE_REASON_BACKFILL_FAILED,
        UpdateReason::BackfillTimedOut => PLAYFIELD_UPDATE_REASON_BACKFILL_TIMED_OUT,
        UpdateReason::BackfillCancelled => PLAYFIELD_UPDATE_REASON_BACKFILL_CANCELLED,
        UpdateReason::Unknown => PLAYFIELD_UPDATE_REASON_UNKNOWN,
    }
}

fn player_session_status_code(s: PlayerSessionStatus) -> i32 {
    match s {
        PlayerSessionStatus::Reserved => PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED,
        PlayerSessionStatus::Active => PLAYFIELD_PLAYER_SESSION_STATUS_ACTIVE,
        PlayerSessionStatus::Completed => PLAYFIELD_PLAYER_SESSION_STATUS_COMPLETED,
        PlayerSessionStatus::Timedout => PLAYFIELD_PLAYER_SESSION_STATUS_TIMEDOUT,
    }
}

pub(crate) fn player_session_status(code: i32) -> Result<Option<PlayerSessionStatus>, FfiError> {
    Ok(match code {
        PLAYFIELD_PLAYER_SESSION_STATUS_NOT_SET => None,
        PLAYFIELD_PLAYER_SESSION_STATUS_RESERVED => Some(PlayerSessionStatus::Reserved),
        PLAYFIELD_PLAYER_SESSION_STATUS_ACTIVE => Some(PlayerSessionStatus::Active),
        PLAYFIELD_PLAYER_SESSION_STATUS_COMPLETED => Some(PlayerSessionStatus::Completed),
        PLAYFIELD_PLAYER_SESSION_STATUS_TIMEDOUT => Some(PlayerSessionStatus::Timedout),
        other => {
            return Err(FfiError::invalid(format!(
                "player_session_status_filter: unknown status {other}"
            )))
        }
    })
}

fn game_session_status_str(s: Option<GameSessionStatus>) -> &'static str {
    match s {
        None => "",
        Some(GameSessionStatus::Active) => "ACTIVE",
        Some(GameSessionStatus::Activating) => "ACTIVATING",
        Some(GameSessionStatus::Terminated) => "TERMINATED",
        Some(GameSessionStatus::Terminating) => "TERMINATING",
    }
}

// ---- matchmaker data and attributes ---------------------------------------------------------

/// One entry of a `STRING_DOUBLE_MAP` attribute.
#[repr(C)]
pub struct PlayfieldStringDoubleEntry {
    pub key: *const c_char,
    pub value: f64,
}

/// A player attribute: `name` and a value whose kind is `value_type` (`PLAYFIELD_ATTRIBUTE_*`).
/// Only the fields of that kind are meaningful; the others are `""`, 0 or NULL/0.
///
/// The same struct is used in both directions: the library fills it in matchmaker data, and
/// the caller fills it in `PlayfieldPlayer` for a backfill request (so matched players'
/// attributes can be passed back as they are).
#[repr(C)]
pub struct PlayfieldAttribute {
    pub name: *const c_char,
    pub value_type: i32,
    pub string_value: *const c_char,
    pub double_value: f64,
    pub string_list: *const *const c_char,
    pub string_list_count: usize,
    pub string_double_map: *const PlayfieldStringDoubleEntry,
    pub string_double_map_count: usize,
}

/// A player of the matchmaker data, with the attributes of its matchmaking request.
#[repr(C)]
pub struct PlayfieldMatchedPlayer {
    pub player_id: *const c_char,
    pub attributes: *const PlayfieldAttribute,
    pub attribute_count: usize,
}

/// A team of the matchmaker data.
#[repr(C)]
pub struct PlayfieldMatchedTeam {
    pub name: *const c_char,
    pub players: *const PlayfieldMatchedPlayer,
    pub player_count: usize,
}

/// The matchmaker data document FlexMatch writes into a game session, parsed.
#[repr(C)]
pub struct PlayfieldMatchmakerData {
    pub match_id: *const c_char,
    /// Pass it to `playfield_start_match_backfill`.
    pub matchmaking_configuration_arn: *const c_char,
    pub teams: *const PlayfieldMatchedTeam,
    pub team_count: usize,
    /// `""` unless the configuration backfills automatically.
    pub auto_backfill_ticket_id: *const c_char,
    /// `PLAYFIELD_BACKFILL_MODE_*`.
    pub auto_backfill_mode: i32,
}

pub(crate) fn attribute(a: &mut Arena, name: &str, value: &AttributeValue) -> PlayfieldAttribute {
    let mut out = PlayfieldAttribute {
        name: a.str(name),
        value_type: PLAYFIELD_ATTRIBUTE_NONE,
        string_value: a.str(""),
        double_value: 0.0,
        string_list: ptr::null(),
        string_list_count: 0,
        string_double_map: ptr::null(),
        string_double_map_count: 0,
    };
    match value {
        AttributeValue::None => {}
        AttributeValue::String(s) => {
            out.value_type = PLAYFIELD_ATTRIBUTE_STRING;
            out.string_value = a.str(s);
        }
        AttributeValue::Double(d) => {
            out.value_type = PLAYFIELD_ATTRIBUTE_DOUBLE;
            out.double_value = *d;
        }
        AttributeValue::StringList(list) => {
            out.value_type = PLAYFIELD_ATTRIBUTE_STRING_LIST;
            let items = list.iter().map(|s| a.str(s)).collect();
            (out.string_list, out.string_list_count) = a.array(items);
        }
        AttributeValue::StringDoubleMap(map) => {
            out.value_type = PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP;
            let items = map
                .iter()
                .map(|(k, v)| PlayfieldStringDoubleEntry {
                    key: a.str(k),
                    value: *v,
                })
                .collect();
            (out.string_double_map, out.string_double_map_count) = a.array(items);
        }
    }
    out
}

fn attributes(
    a: &mut Arena,
    attrs: &BTreeMap<String, AttributeValue>,
) -> (*const PlayfieldAttribute, usize) {
    let items = attrs.iter().map(|(k, v)| attribute(a, k, v)).collect();
    a.array(items)
}

pub(crate) fn matchmaker_data(a: &mut Arena, d: &MatchmakerData) -> PlayfieldMatchmakerData {
    let teams = d
        .teams
        .iter()
        .map(|t| {
            let players = t
                .players
                .iter()
                .map(|p| {
                    let (attributes, attribute_count) = attributes(a, &p.attributes);
                    PlayfieldMatchedPlayer {
                        player_id: a.str(&p.player_id),
                        attributes,
                        attribute_count,
                    }
                })
                .collect();
            let (players, player_count) = a.array(players);
            PlayfieldMatchedTeam {
                name: a.str(&t.name),
                players,
                player_count,
            }
        })
        .collect();
    let (teams, team_count) = a.array(teams);
    PlayfieldMatchmakerData {
        match_id: a.str(&d.match_id),
        matchmaking_configuration_arn: a.str(&d.matchmaking_configuration_arn),
        teams,
        team_count,
        auto_backfill_ticket_id: a.str(d.auto_backfill_ticket_id.as_deref().unwrap_or("")),
        auto_backfill_mode: match d.auto_backfill_mode {
            Some(BackfillMode::Automatic) => PLAYFIELD_BACKFILL_MODE_AUTOMATIC,
            Some(BackfillMode::Manual) => PLAYFIELD_BACKFILL_MODE_MANUAL,
            Some(BackfillMode::NotSet) | None => PLAYFIELD_BACKFILL_MODE_NOT_SET,
        },
    }
}

/// Reads a caller-filled attribute.
///
/// # Safety
/// `attr` points to a readable `PlayfieldAttribute` whose pointers follow its documentation.
pub(crate) unsafe fn read_attribute(
    attr: &PlayfieldAttribute,
    at: &str,
) -> Result<(String, AttributeValue), FfiError> {
    let name = required_str(attr.name, &format!("{at}.name"))?.to_owned();
    let value = match attr.value_type {
        PLAYFIELD_ATTRIBUTE_NONE => AttributeValue::None,
        PLAYFIELD_ATTRIBUTE_STRING => AttributeValue::String(
            required_str(attr.string_value, &format!("{at}.string_value"))?.to_owned(),
        ),
        PLAYFIELD_ATTRIBUTE_DOUBLE => AttributeValue::Double(attr.double_value),
        PLAYFIELD_ATTRIBUTE_STRING_LIST => {
            let items = slice(
                attr.string_list,
                attr.string_list_count,
                &format!("{at}.string_list"),
            )?;
            let mut list = Vec::with_capacity(items.len());
            for (i, s) in items.iter().enumerate() {
                list.push(required_str(*s, &format!("{at}.string_list[{i}]"))?.to_owned());
            }
            AttributeValue::StringList(list)
        }
        PLAYFIELD_ATTRIBUTE_STRING_DOUBLE_MAP => {
            let items = slice(
                attr.string_double_map,
                attr.string_double_map_count,
                &format!("{at}.string_double_map"),
            )?;
            let mut map = BTreeMap::new();
            for (i, e) in items.iter().enumerate() {
                let key = required_str(e.key, &format!("{at}.string_double_map[{i}].key"))?;
                map.insert(key.to_owned(), e.value);
            }
            AttributeValue::StringDoubleMap(map)
        }
        other => {
            return Err(FfiError::invalid(format!(
                "{at}.value_type: unknown attribute type {other}"
            )))
        }
    };
    Ok((name, value))
}

// ---- game sessions and events ---------------------------------------------------------------

/// One game property (key and value).
#[repr(C)]
pub struct PlayfieldGameProperty {
    pub key: *const c_char,
    pub value: *const c_char,
}

/// A game session, as `onStartGameSession` / `onUpdateGameSession` report it.
#[repr(C)]
pub struct PlayfieldGameSession {
    /// The game session ID (an ARN): pass it to backfill and describe calls.
    pub game_session_id: *const c_char,
    pub name: *const c_char,
    pub fleet_id: *const c_char,
    pub maximum_player_session_count: i32,
    pub port: i32,
    pub ip_address: *const c_char,
    pub dns_name: *const c_char,
    pub game_session_data: *const c_char,
    /// The matchmaker data as the raw JSON text FlexMatch wrote (`""` when the game session
    /// was not made by FlexMatch).
    pub matchmaker_data_json: *const c_char,
    /// The same matchmaker data parsed, or NULL when there is none or it does not parse (use
    /// `playfield_matchmaker_data_parse` on the JSON to learn why).
    pub matchmaker_data: *const PlayfieldMatchmakerData,
    pub game_properties: *const PlayfieldGameProperty,
    pub game_property_count: usize,
    /// `""` when the service did not send it.
    pub location: *const c_char,
    /// `ACTIVE`, `ACTIVATING`, ...; `""` when the service did not send it.
    pub status: *const c_char,
    /// `""` when the service did not send it.
    pub status_reason: *const c_char,
}

pub(crate) fn game_session(a: &mut Arena, gs: &GameSession) -> PlayfieldGameSession {
    let parsed = match gs.parsed_matchmaker_data() {
        Ok(Some(d)) => {
            let c = matchmaker_data(a, &d);
            let (p, _) = a.array(vec![c]);
            p
        }
        _ => ptr::null(),
    };
    let props = gs
        .game_properties
        .iter()
        .map(|(k, v)| PlayfieldGameProperty {
            key: a.str(k),
            value: a.str(v),
        })
        .collect();
    let (game_properties, game_property_count) = a.array(props);
    PlayfieldGameSession {
        game_session_id: a.str(&gs.game_session_id),
        name: a.str(&gs.name),
        fleet_id: a.str(&gs.fleet_id),
        maximum_player_session_count: gs.maximum_player_session_count,
        port: gs.port,
        ip_address: a.str(&gs.ip_address),
        dns_name: a.str(&gs.dns_name),
        game_session_data: a.str(&gs.game_session_data),
        matchmaker_data_json: a.str(&gs.matchmaker_data),
        matchmaker_data: parsed,
        game_properties,
        game_property_count,
        location: a.str(gs.location.as_deref().unwrap_or("")),
        status: a.str(game_session_status_str(gs.status)),
        status_reason: a.str(gs.status_reason.as_deref().unwrap_or("")),
    }
}

/// What `onUpdateGameSession` receives.
#[repr(C)]
pub struct PlayfieldUpdateGameSession {
    /// The game session as it is now, with its new matchmaker data.
    pub game_session: PlayfieldGameSession,
    /// `PLAYFIELD_UPDATE_REASON_*`.
    pub update_reason: i32,
    /// The backfill ticket this update ends or fulfils; `""` when none.
    pub backfill_ticket_id: *const c_char,
}

pub(crate) fn update_game_session(
    a: &mut Arena,
    u: &UpdateGameSession,
) -> PlayfieldUpdateGameSession {
    PlayfieldUpdateGameSession {
        game_session: game_session(a, &u.game_session),
        update_reason: update_reason_code(u.update_reason),
        backfill_ticket_id: a.str(&u.backfill_ticket_id),
    }
}

/// An event taken from the queue with `playfield_poll_event` / `playfield_next_event`.
/// Free it with `playfield_event_free`.
#[repr(C)]
pub struct PlayfieldEvent {
    /// `PLAYFIELD_EVENT_*`.
    pub kind: i32,
    /// START_GAME_SESSION and UPDATE_GAME_SESSION: the game session. PROCESS_TERMINATE: all
    /// strings `""`, pointers NULL, numbers 0.
    pub game_session: PlayfieldGameSession,
    /// UPDATE_GAME_SESSION: `PLAYFIELD_UPDATE_REASON_*`; 0 otherwise.
    pub update_reason: i32,
    /// UPDATE_GAME_SESSION: the backfill ticket, or `""`; `""` otherwise.
    pub backfill_ticket_id: *const c_char,
    /// PROCESS_TERMINATE: when the process will be stopped, epoch seconds; 0 otherwise.
    pub termination_time: i64,
}

// ---- player sessions ------------------------------------------------------------------------

/// A player session, as `playfield_describe_player_sessions` returns it.
#[repr(C)]
pub struct PlayfieldPlayerSession {
    pub player_session_id: *const c_char,
    pub player_id: *const c_char,
    pub game_session_id: *const c_char,
    pub fleet_id: *const c_char,
    /// Epoch milliseconds.
    pub creation_time: i64,
    /// Epoch milliseconds; 0 while the session is not over.
    pub termination_time: i64,
    /// `PLAYFIELD_PLAYER_SESSION_STATUS_*`.
    pub status: i32,
    pub ip_address: *const c_char,
    pub port: i32,
    pub player_data: *const c_char,
    pub dns_name: *const c_char,
}

pub(crate) fn player_session(a: &mut Arena, ps: &PlayerSession) -> PlayfieldPlayerSession {
    PlayfieldPlayerSession {
        player_session_id: a.str(&ps.player_session_id),
        player_id: a.str(&ps.player_id),
        game_session_id: a.str(&ps.game_session_id),
        fleet_id: a.str(&ps.fleet_id),
        creation_time: ps.creation_time,
        termination_time: ps.termination_time,
        status: player_session_status_code(ps.status),
        ip_address: a.str(&ps.ip_address),
        port: ps.port,
        player_data: a.str(&ps.player_data),
        dns_name: a.str(&ps.dns_name),
    }
}

/// Which player sessions to describe: set exactly one of `game_session_id`, `player_id` and
/// `player_session_id`; NULL means "not set". Read only during the call.
#[repr(C)]
pub struct PlayfieldDescribePlayerSessionsRequest {
    pub game_session_id: *const c_char,
    pub player_id: *const c_char,
    pub player_session_id: *const c_char,
    /// `PLAYFIELD_PLAYER_SESSION_STATUS_*`; `PLAYFIELD_PLAYER_SESSION_STATUS_NOT_SET` for all.
    pub player_session_status_filter: i32,
    /// The previous page's `next_token`, or NULL for the first page.
    pub next_token: *const c_char,
    /// At most this many per page; 0 lets the service choose.
    pub limit: u32,
}

/// One page of player sessions. Free it with `playfield_describe_player_sessions_result_free`.
#[repr(C)]
pub struct PlayfieldDescribePlayerSessionsResult {
    /// Pass it in the next request for the next page; `""` on the last page.
    pub next_token: *const c_char,
    pub player_sessions: *const PlayfieldPlayerSession,
    pub player_session_count: usize,
}

// ---- backfill -------------------------------------------------------------------------------

/// One latency entry of a backfill player: region and milliseconds.
#[repr(C)]
pub struct PlayfieldLatency {
    pub region: *const c_char,
    pub latency_ms: i32,
}

/// A player in a backfill request. Read only during the call.
#[repr(C)]
pub struct PlayfieldPlayer {
    pub player_id: *const c_char,
    /// The player's team (NULL: none).
    pub team: *const c_char,
    pub attributes: *const PlayfieldAttribute,
    pub attribute_count: usize,
    pub latencies: *const PlayfieldLatency,
    pub latency_count: usize,
}

/// StartMatchBackfill parameters. Read only during the call.
#[repr(C)]
pub struct PlayfieldStartMatchBackfillRequest {
    /// Your ticket ID, or NULL to let the service make one.
    pub ticket_id: *const c_char,
    /// The game session's ID (ARN).
    pub game_session_arn: *const c_char,
    /// The matchmaking configuration, as in the matchmaker data.
    pub matchmaking_configuration_arn: *const c_char,
    /// Every player currently in the game session, with team and attributes.
    pub players: *const PlayfieldPlayer,
    pub player_count: usize,
}

/// # Safety
/// `p` follows the documentation of `PlayfieldPlayer`.
pub(crate) unsafe fn read_player(p: &PlayfieldPlayer, at: &str) -> Result<Player, FfiError> {
    let mut player = Player::new(required_str(p.player_id, &format!("{at}.player_id"))?);
    if let Some(team) = opt_str(p.team, &format!("{at}.team"))? {
        player.team = team.to_owned();
    }
    let attrs = slice(p.attributes, p.attribute_count, &format!("{at}.attributes"))?;
    for (i, attr) in attrs.iter().enumerate() {
        let (name, value) = read_attribute(attr, &format!("{at}.attributes[{i}]"))?;
        player.player_attributes.insert(name, value);
    }
    let lats = slice(p.latencies, p.latency_count, &format!("{at}.latencies"))?;
    for (i, l) in lats.iter().enumerate() {
        let region = required_str(l.region, &format!("{at}.latencies[{i}].region"))?;
        player.latency_in_ms.insert(region.to_owned(), l.latency_ms);
    }
    Ok(player)
}

// ---- other results --------------------------------------------------------------------------

/// GetComputeCertificate result. Free it with `playfield_compute_certificate_free`.
#[repr(C)]
pub struct PlayfieldComputeCertificate {
    pub certificate_path: *const c_char,
    pub compute_name: *const c_char,
}

/// GetFleetRoleCredentials result. Free it with `playfield_fleet_role_credentials_free`
/// (which does not wipe the secrets from memory first).
#[repr(C)]
pub struct PlayfieldFleetRoleCredentials {
    pub assumed_role_user_arn: *const c_char,
    pub assumed_role_id: *const c_char,
    pub access_key_id: *const c_char,
    pub secret_access_key: *const c_char,
    pub session_token: *const c_char,
    /// Expiry, epoch milliseconds.
    pub expiration_ms: i64,
}
