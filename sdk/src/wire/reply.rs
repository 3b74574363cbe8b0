//! Replies: the answer to a [`Request`](super::Request) (§2, §3).
//!
//! A reply echoes the request's `Action` and `RequestId` exactly: the C++ SDK picks its result
//! parser by `Action`, and a 200 reply with the wrong `Action` makes it dereference a null
//! result (§2.2). `StatusCode` 200 is the only success; any other value, other 2xx included,
//! is an error.

use super::model::PlayerSession;
use super::serde_util::null_as_default;
use serde::{Deserialize, Serialize};

/// The one status code that means success.
pub const STATUS_OK: u16 = 200;

/// The keys every reply carries. Also used to read just the envelope of an inbound message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplyHeader {
    #[serde(default, deserialize_with = "null_as_default")]
    pub action: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub request_id: String,
    pub status_code: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// A reply with its payload `P` flattened beside the envelope keys.
///
/// `P` is [`Empty`] for the actions whose reply carries nothing (§3 table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply<P = Empty> {
    #[serde(flatten)]
    pub header: ReplyHeader,
    #[serde(flatten)]
    pub payload: P,
}

impl<P> Reply<P> {
    /// A 200 reply to `action`/`request_id` carrying `payload`.
    pub fn ok(action: impl Into<String>, request_id: impl Into<String>, payload: P) -> Self {
        Reply {
            header: ReplyHeader {
                action: action.into(),
                request_id: request_id.into(),
                status_code: STATUS_OK,
                error_message: None,
            },
            payload,
        }
    }

    /// Whether this reply is a success.
    pub fn is_ok(&self) -> bool {
        self.header.status_code == STATUS_OK
    }
}

impl Reply<Empty> {
    /// An error reply: `status_code` is 400, 404, 409, ... and `message` says what is wrong.
    pub fn error(
        action: impl Into<String>,
        request_id: impl Into<String>,
        status_code: u16,
        message: impl Into<String>,
    ) -> Self {
        Reply {
            header: ReplyHeader {
                action: action.into(),
                request_id: request_id.into(),
                status_code,
                error_message: Some(message.into()),
            },
            payload: Empty {},
        }
    }
}

/// No payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// Payload of the `DescribePlayerSessions` reply (§3.6).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePlayerSessionsReply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub player_sessions: Vec<PlayerSession>,
}

/// Payload of the `StartMatchBackfill` reply (§3.7).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMatchBackfillReply {
    #[serde(default, deserialize_with = "null_as_default")]
    pub ticket_id: String,
}

/// Payload of the `GetComputeCertificate` reply (§3.10).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetComputeCertificateReply {
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificate_path: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub compute_name: String,
}

/// Payload of the `GetFleetRoleCredentials` reply (§3.11).
///
/// An empty `AccessKeyId` means the process is not on a managed fleet (Anywhere).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFleetRoleCredentialsReply {
    #[serde(default, deserialize_with = "null_as_default")]
    pub assumed_role_user_arn: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub assumed_role_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub access_key_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub secret_access_key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub session_token: String,
    /// Epoch milliseconds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiration: i64,
}
