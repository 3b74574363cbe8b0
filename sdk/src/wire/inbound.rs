//! Telling replies from pushes on the game server's side of the socket (§2.2).

use super::push::Push;
use serde_json::Value;
use std::fmt;

/// One message received by a game server, classified as both official SDKs do (§2.2).
// A message is classified, matched once and dropped; boxing the push would only cost callers
// a deref in every match arm.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// `StatusCode` present and not 200, with a `RequestId`: the request failed.
    ErrorReply {
        action: String,
        request_id: String,
        status_code: i64,
        error_message: Option<String>,
    },
    /// A push from the service. Never answered.
    Push(Push),
    /// A success reply; `body` is the whole message, to be read as the request's reply type.
    Reply {
        action: String,
        request_id: String,
        body: Value,
    },
}

/// Why an inbound message could not be read at all.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundError {
    /// The text is not a JSON object.
    NotJson(String),
    /// `Action` names a push but the push's fields do not parse.
    BadPush { action: String, reason: String },
}

impl fmt::Display for InboundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InboundError::NotJson(e) => write!(f, "message is not a JSON object: {e}"),
            InboundError::BadPush { action, reason } => {
                write!(f, "{action} push does not parse: {reason}")
            }
        }
    }
}

impl std::error::Error for InboundError {}

impl Inbound {
    /// Classifies one text frame.
    ///
    /// The order matters and follows the Go SDK: an error reply is recognised before a push, so
    /// a push-named message with a `RequestId` and a non-200 status is an error reply. A
    /// missing or non-integer `StatusCode` counts as "not 200" only when a `RequestId` is there;
    /// a push may leave out both.
    pub fn classify(text: &str) -> Result<Inbound, InboundError> {
        let body: Value =
            serde_json::from_str(text).map_err(|e| InboundError::NotJson(e.to_string()))?;
        let Value::Object(map) = &body else {
            return Err(InboundError::NotJson(
                "top-level value is not an object".into(),
            ));
        };
        let text_field = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let action = text_field("Action");
        let request_id = text_field("RequestId");
        let status_code = map.get("StatusCode").and_then(Value::as_i64).unwrap_or(-1);

        if status_code != 200 && !request_id.is_empty() {
            return Ok(Inbound::ErrorReply {
                action,
                request_id,
                status_code,
                error_message: map
                    .get("ErrorMessage")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
        if Push::is_push_action(&action) {
            return serde_json::from_value::<Push>(body)
                .map(Inbound::Push)
                .map_err(|e| InboundError::BadPush {
                    action,
                    reason: e.to_string(),
                });
        }
        Ok(Inbound::Reply {
            action,
            request_id,
            body,
        })
    }
}
