//! What a tester does from the dashboard: each action is the core command the service API
//! would run (StartMatchmaking, StopMatchmaking, AcceptMatch, TerminateGameSession) or the
//! TerminateProcess push a fleet scale-down sends, without an AWS client.
//!
//! `POST /dashboard/api/actions/{action}` with a JSON body:
//!
//! | action | body |
//! |---|---|
//! | `start-tickets` | `{"configuration", "count", "playerIdPrefix"?, "attributes"?: {"skill": {"N": 1000}}, "latencyInMs"?: {"us-west-2": 50}}` |
//! | `cancel-ticket` | `{"ticketId"}` |
//! | `accept-match` | `{"ticketId", "accept": bool, "playerIds"?}` (default: every player of the ticket) |
//! | `terminate-game-session` | `{"gameSessionId", "mode"?: "TRIGGER_ON_PROCESS_TERMINATE" \| "FORCE_TERMINATE"}` |
//! | `end-process` | `{"pid"}`: TerminateProcess, ProcessEnding expected within [`END_PROCESS_GRACE_MS`] |
//!
//! The answer is `{"ok": true, ...}` or a 400 with `{"error": "..."}` naming what is wrong.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use playfield_core::Millis;
use playfield_core::StartMatchmaking;
use playfield_core::TerminationMode;
use playfield_flexmatch::{AttributeValue, Player};

use super::Dashboard;

/// At most this many test tickets per `start-tickets`.
pub(crate) const MAX_TEST_TICKETS: u32 = 1000;

/// How long a process asked to end from the dashboard has to call ProcessEnding.
pub(crate) const END_PROCESS_GRACE_MS: Millis = 30_000;

/// Numbers the test players, so each is a new player (a player's older ticket would be
/// cancelled by a new one).
static NEXT_TEST_PLAYER: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartTickets {
    configuration: String,
    count: u32,
    #[serde(default)]
    player_id_prefix: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, Value>,
    #[serde(default)]
    latency_in_ms: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketRef {
    ticket_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcceptMatch {
    ticket_id: String,
    accept: bool,
    #[serde(default)]
    player_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TerminateGameSession {
    game_session_id: String,
    #[serde(default)]
    mode: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EndProcess {
    pid: String,
}

fn bad(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

fn parse<T: serde::de::DeserializeOwned>(action: &str, body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("{action}: the body is not as expected: {e}"))
}

/// A template attribute: the service's shape (`{"N": 1}`, `{"S": "a"}`, `{"SL": [..]}`,
/// `{"SDM": {..}}`), or a bare number or string.
pub(crate) fn attribute(name: &str, v: &Value) -> Result<AttributeValue, String> {
    let err = || {
        format!(
            "attribute {name}: {v} is not an attribute value ({{\"N\": 1}}, {{\"S\": \"a\"}}, \
             {{\"SL\": [\"a\"]}}, {{\"SDM\": {{\"a\": 1}}}}, a number or a string)"
        )
    };
    match v {
        Value::Number(n) => n.as_f64().map(AttributeValue::Number).ok_or_else(err),
        Value::String(s) => Ok(AttributeValue::String(s.clone())),
        Value::Object(o) if o.len() == 1 => {
            let (k, v) = o.iter().next().ok_or_else(err)?;
            match (k.as_str(), v) {
                ("N", Value::Number(n)) => n.as_f64().map(AttributeValue::Number).ok_or_else(err),
                ("S", Value::String(s)) => Ok(AttributeValue::String(s.clone())),
                ("SL", v) => serde_json::from_value(v.clone())
                    .map(AttributeValue::StringList)
                    .map_err(|_| err()),
                ("SDM", v) => serde_json::from_value(v.clone())
                    .map(AttributeValue::StringNumberMap)
                    .map_err(|_| err()),
                _ => Err(err()),
            }
        }
        _ => Err(err()),
    }
}

pub(super) async fn run(
    State(d): State<Dashboard>,
    Path(action): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let result = match action.as_str() {
        "start-tickets" => match parse::<StartTickets>(&action, &body) {
            Ok(a) => start_tickets(&d, a),
            Err(e) => return bad(e),
        },
        "cancel-ticket" => match parse::<TicketRef>(&action, &body) {
            Ok(a) => d
                .shared
                .execute(|core, now| core.stop_matchmaking(now, &a.ticket_id))
                .map(|()| json!({ "ok": true }))
                .map_err(|e| format!("cancel ticket {}: {e}", a.ticket_id)),
            Err(e) => return bad(e),
        },
        "accept-match" => match parse::<AcceptMatch>(&action, &body) {
            Ok(a) => d
                .shared
                .execute(|core, now| {
                    let players = if a.player_ids.is_empty() {
                        core.ticket(&a.ticket_id)
                            .map(|t| t.players.iter().map(|p| p.id.clone()).collect())
                            .unwrap_or_default()
                    } else {
                        a.player_ids.clone()
                    };
                    core.accept_match(now, &a.ticket_id, &players, a.accept)
                })
                .map(|()| json!({ "ok": true }))
                .map_err(|e| format!("accept-match on ticket {}: {e}", a.ticket_id)),
            Err(e) => return bad(e),
        },
        "terminate-game-session" => match parse::<TerminateGameSession>(&action, &body) {
            Ok(a) => {
                let mode = a.mode.as_deref().unwrap_or("TRIGGER_ON_PROCESS_TERMINATE");
                match TerminationMode::parse(mode) {
                    None => Err(format!(
                        "terminate-game-session: mode {mode:?} is neither \
                         TRIGGER_ON_PROCESS_TERMINATE nor FORCE_TERMINATE"
                    )),
                    Some(m) => d
                        .shared
                        .execute(|core, now| {
                            core.terminate_game_session(now, &a.game_session_id, m)
                        })
                        .map(|gs| json!({ "ok": true, "status": gs.status.as_str() }))
                        .map_err(|e| format!("terminate game session {}: {e}", a.game_session_id)),
                }
            }
            Err(e) => return bad(e),
        },
        "end-process" => match parse::<EndProcess>(&action, &body) {
            Ok(a) => d
                .shared
                .execute(|core, now| core.request_termination(&a.pid, now + END_PROCESS_GRACE_MS))
                .map(|()| json!({ "ok": true }))
                .map_err(|e| format!("end process {}: {e}", a.pid)),
            Err(e) => return bad(e),
        },
        other => {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({ "error": format!("no dashboard action {other:?}") })),
            )
                .into_response()
        }
    };
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => bad(e),
    }
}

fn start_tickets(d: &Dashboard, a: StartTickets) -> Result<Value, String> {
    if a.count == 0 || a.count > MAX_TEST_TICKETS {
        return Err(format!(
            "start-tickets: count must be 1..{MAX_TEST_TICKETS}, got {}",
            a.count
        ));
    }
    let attributes = a
        .attributes
        .iter()
        .map(|(k, v)| attribute(k, v).map(|v| (k.clone(), v)))
        .collect::<Result<BTreeMap<_, _>, _>>()?;
    let prefix = a
        .player_id_prefix
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "test-player-".into());
    let mut ids = Vec::new();
    for _ in 0..a.count {
        let n = NEXT_TEST_PLAYER.fetch_add(1, Ordering::Relaxed);
        let player = Player {
            id: format!("{prefix}{n}"),
            attributes: attributes.clone(),
            latency_ms: a.latency_in_ms.clone(),
            team: None,
        };
        let req = StartMatchmaking {
            ticket_id: None,
            configuration_name: a.configuration.clone(),
            players: vec![player],
        };
        match d
            .shared
            .execute(|core, now| core.start_matchmaking(now, req))
        {
            Ok(t) => ids.push(t.id),
            Err(e) => {
                return Err(format!(
                    "start-tickets on {} (after {} started): {e}",
                    a.configuration,
                    ids.len()
                ))
            }
        }
    }
    Ok(json!({ "ok": true, "ticketIds": ids }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_attributes_take_the_service_shape_or_bare_values() {
        assert_eq!(
            attribute("a", &json!({"N": 3})).unwrap(),
            AttributeValue::Number(3.0)
        );
        assert_eq!(
            attribute("a", &json!(3)).unwrap(),
            AttributeValue::Number(3.0)
        );
        assert_eq!(
            attribute("a", &json!({"SL": ["x"]})).unwrap(),
            AttributeValue::StringList(vec!["x".into()])
        );
        assert!(attribute("skill", &json!({"Q": 1}))
            .unwrap_err()
            .contains("attribute skill"));
    }
}
