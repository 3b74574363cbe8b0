//! The one error type every SDK call returns.
//!
//! Variant names follow the error names both official SDKs share (sdk-wire-protocol.md §8.3),
//! so a message from this SDK reads like one from the Go or C++ SDK. Errors the service sends
//! back are mapped from their `StatusCode` exactly as §2.3 says: 400 → [`Error::BadRequest`],
//! 404 → [`Error::NotFound`], ..., any other 4xx → `BadRequest`, and everything else, other
//! 2xx codes included, → [`Error::InternalService`]. Each keeps the code and the service's
//! `ErrorMessage`.

use std::time::Duration;

/// Shorthand for `Result<T, playfield_sdk::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in an SDK call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `init` was called on an SDK that is already initialized; call `destroy` first.
    #[error(
        "AlreadyInitialized: the SDK is already initialized; call destroy() before init() again"
    )]
    AlreadyInitialized,
    /// The call needs `init` to have succeeded first.
    #[error("NotInitialized: call init() first")]
    NotInitialized,
    /// The call needs `process_ready` to have succeeded first (§7).
    #[error("ProcessNotReady: call process_ready() first")]
    ProcessNotReady,
    /// The call needs a game session, and no `CreateGameSession` has arrived yet (§7.4).
    #[error("GameSessionIdNotSet: no game session has been started on this process")]
    GameSessionIdNotSet,
    /// `get_termination_time` before any `TerminateProcess` arrived (§7.11).
    #[error("TerminationTimeNotSet: the service has not scheduled this process for termination")]
    TerminationTimeNotSet,
    /// A parameter failed the client-side checks of the Go SDK (§1.6, §7.14).
    #[error("ValidationException: {field}: {reason}")]
    Validation {
        /// The parameter, as the official SDK names it (e.g. `FleetId`).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The service answered 400 or an unlisted 4xx.
    #[error("BadRequestException ({status}): {message}")]
    BadRequest {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 401.
    #[error("UnauthorizedException ({status}): {message}")]
    Unauthorized {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 403.
    #[error("ForbiddenException ({status}): {message}")]
    Forbidden {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 404.
    #[error("NotFoundException ({status}): {message}")]
    NotFound {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 409.
    #[error("ConflictException ({status}): {message}")]
    Conflict {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 429.
    #[error("TooManyRequestsException ({status}): {message}")]
    TooManyRequests {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// The service answered 5xx, a 2xx other than 200, or a reply the SDK could not read.
    #[error("InternalServiceException ({status}): {message}")]
    InternalService {
        /// The reply's `StatusCode`.
        status: i64,
        /// The reply's `ErrorMessage` (or a default text when it had none).
        message: String,
    },
    /// No reply arrived in time (the Go SDK reports this as `ServiceCallFailed`). The request
    /// is not re-sent; it may or may not have been carried out.
    #[error("ServiceCallFailed: no reply to {action} within {after:?}")]
    Timeout {
        /// The request's `Action`.
        action: &'static str,
        /// How long the SDK waited.
        after: Duration,
    },
    /// The request could not be completed for a reason other than a timeout: the socket died
    /// while it was in flight, the SDK has no connection, or the SDK was destroyed.
    #[error("ServiceCallFailed: {action}: {reason}")]
    ServiceCallFailed {
        /// The request's `Action`.
        action: &'static str,
        /// What happened.
        reason: String,
    },
    /// Every connect attempt failed (§1.7). The Go SDK wraps this in `LocalConnectionFailed`.
    #[error("WebsocketConnectFailure: could not connect to {endpoint} after {attempts} attempt(s): {reason}")]
    WebsocketConnectFailure {
        /// The endpoint, without its query (which holds credentials).
        endpoint: String,
        /// How many dials were made.
        attempts: u32,
        /// The last dial's error.
        reason: String,
    },
}

impl Error {
    /// Maps a reply's `StatusCode` and `ErrorMessage` to an error, as §2.3 says.
    ///
    /// 200 is the only success, so this maps every code it is given, including 201.
    pub fn from_status(status: i64, message: Option<String>) -> Error {
        let message = match message {
            Some(m) if !m.is_empty() => m,
            _ => format!("the service answered with status code {status}"),
        };
        match status {
            400 => Error::BadRequest { status, message },
            401 => Error::Unauthorized { status, message },
            403 => Error::Forbidden { status, message },
            404 => Error::NotFound { status, message },
            409 => Error::Conflict { status, message },
            429 => Error::TooManyRequests { status, message },
            402..=499 => Error::BadRequest { status, message },
            _ => Error::InternalService { status, message },
        }
    }

    /// The error name the official SDKs use for this kind of error (§8.3).
    pub fn name(&self) -> &'static str {
        match self {
            Error::AlreadyInitialized => "AlreadyInitialized",
            Error::NotInitialized => "NotInitialized",
            Error::ProcessNotReady => "ProcessNotReady",
            Error::GameSessionIdNotSet => "GameSessionIdNotSet",
            Error::TerminationTimeNotSet => "TerminationTimeNotSet",
            Error::Validation { .. } => "ValidationException",
            Error::BadRequest { .. } => "BadRequestException",
            Error::Unauthorized { .. } => "UnauthorizedException",
            Error::Forbidden { .. } => "ForbiddenException",
            Error::NotFound { .. } => "NotFoundException",
            Error::Conflict { .. } => "ConflictException",
            Error::TooManyRequests { .. } => "TooManyRequestsException",
            Error::InternalService { .. } => "InternalServiceException",
            Error::Timeout { .. } | Error::ServiceCallFailed { .. } => "ServiceCallFailed",
            Error::WebsocketConnectFailure { .. } => "WebsocketConnectFailure",
        }
    }

    pub(crate) fn validation(field: &'static str, reason: impl Into<String>) -> Error {
        Error::Validation {
            field,
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §2.3: every status code maps to one error type; 201 is an error like any non-200.
    #[test]
    fn status_codes_map_as_the_reference_says() {
        let name = |s| Error::from_status(s, Some("m".into())).name();
        assert_eq!(name(400), "BadRequestException");
        assert_eq!(name(401), "UnauthorizedException");
        assert_eq!(name(403), "ForbiddenException");
        assert_eq!(name(404), "NotFoundException");
        assert_eq!(name(409), "ConflictException");
        assert_eq!(name(429), "TooManyRequestsException");
        assert_eq!(name(418), "BadRequestException");
        assert_eq!(name(500), "InternalServiceException");
        assert_eq!(name(201), "InternalServiceException");
        assert_eq!(name(-1), "InternalServiceException");
    }

    #[test]
    fn empty_message_gets_a_default_text() {
        let e = Error::from_status(404, Some(String::new()));
        assert_eq!(
            e,
            Error::NotFound {
                status: 404,
                message: "the service answered with status code 404".into()
            }
        );
    }
}
