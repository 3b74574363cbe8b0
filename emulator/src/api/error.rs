//! Errors as the SDKs expect them: a code, a message, an HTTP status.
//!
//! Both protocols carry an error as `__type` (the error shape's name) plus a
//! message; the SDKs turn a code that is in the operation's modeled error list
//! into a typed error (`NotFoundException` in boto3's `client.exceptions`, or
//! `DescribeGameSessionsError::NotFoundException` in Rust). A code outside that
//! list still arrives, but only as an untyped error — so handlers must pick
//! codes the operation models. [`Ctx::error`](super::Ctx::error) checks that,
//! and the router checks every error a handler returns (a debug assertion).
//!
//! Status codes: the model marks only `InternalServiceException` as a server
//! fault. SDKs retry 5xx with back-off, so every other error is a 400.

use std::fmt;

/// Every error code the API layer can send. All but [`UnknownOperation`]
/// are error shapes of the GameLift model (a unit test keeps the lists equal).
///
/// [`UnknownOperation`]: ErrorCode::UnknownOperation
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `ConflictException`: the request conflicts with the current state.
    Conflict,
    /// `FleetCapacityExceededException`: no room on the fleet for the game session.
    FleetCapacityExceeded,
    /// `GameSessionFullException`: the game session has no open player slot.
    GameSessionFull,
    /// `IdempotentParameterMismatchException`: an idempotency token reused with other parameters.
    IdempotentParameterMismatch,
    /// `InternalServiceException`: the service failed.
    InternalService,
    /// `InvalidFleetStatusException`: the fleet is not in a status that allows this.
    InvalidFleetStatus,
    /// `InvalidGameSessionStatusException`: the game session is not in a status that allows this.
    InvalidGameSessionStatus,
    /// `InvalidRequestException`: a parameter is missing or invalid.
    InvalidRequest,
    /// `LimitExceededException`: a service limit is reached.
    LimitExceeded,
    /// `NotFoundException`: the named resource does not exist.
    NotFound,
    /// `NotReadyException`: the resource is not ready yet.
    NotReady,
    /// `OutOfCapacityException`: the compute has no room.
    OutOfCapacity,
    /// `TaggingFailedException`: a tag operation failed.
    TaggingFailed,
    /// `TerminalRoutingStrategyException`: the alias routes to a terminal message.
    TerminalRoutingStrategy,
    /// `UnauthorizedException`: the caller may not do this.
    Unauthorized,
    /// `UnsupportedRegionException`: the operation is not supported in this Region.
    UnsupportedRegion,
    /// Not a model shape: the code AWS JSON services answer for an operation
    /// they do not know. Sent for unknown or not-yet-implemented operations.
    UnknownOperation,
}

impl ErrorCode {
    /// Every code, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [ErrorCode; 17] = [
        ErrorCode::Conflict,
        ErrorCode::FleetCapacityExceeded,
        ErrorCode::GameSessionFull,
        ErrorCode::IdempotentParameterMismatch,
        ErrorCode::InternalService,
        ErrorCode::InvalidFleetStatus,
        ErrorCode::InvalidGameSessionStatus,
        ErrorCode::InvalidRequest,
        ErrorCode::LimitExceeded,
        ErrorCode::NotFound,
        ErrorCode::NotReady,
        ErrorCode::OutOfCapacity,
        ErrorCode::TaggingFailed,
        ErrorCode::TerminalRoutingStrategy,
        ErrorCode::Unauthorized,
        ErrorCode::UnsupportedRegion,
        ErrorCode::UnknownOperation,
    ];

    /// The wire name (`__type`), which is the model's error shape name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Conflict => "ConflictException",
            ErrorCode::FleetCapacityExceeded => "FleetCapacityExceededException",
            ErrorCode::GameSessionFull => "GameSessionFullException",
            ErrorCode::IdempotentParameterMismatch => "IdempotentParameterMismatchException",
            ErrorCode::InternalService => "InternalServiceException",
            ErrorCode::InvalidFleetStatus => "InvalidFleetStatusException",
            ErrorCode::InvalidGameSessionStatus => "InvalidGameSessionStatusException",
            ErrorCode::InvalidRequest => "InvalidRequestException",
            ErrorCode::LimitExceeded => "LimitExceededException",
            ErrorCode::NotFound => "NotFoundException",
            ErrorCode::NotReady => "NotReadyException",
            ErrorCode::OutOfCapacity => "OutOfCapacityException",
            ErrorCode::TaggingFailed => "TaggingFailedException",
            ErrorCode::TerminalRoutingStrategy => "TerminalRoutingStrategyException",
            ErrorCode::Unauthorized => "UnauthorizedException",
            ErrorCode::UnsupportedRegion => "UnsupportedRegionException",
            ErrorCode::UnknownOperation => "UnknownOperationException",
        }
    }

    /// HTTP status: 500 for the one server fault, 400 for everything else.
    pub(crate) fn status(self) -> u16 {
        match self {
            ErrorCode::InternalService => 500,
            _ => 400,
        }
    }

    /// Whether this code is checked against an operation's modeled list.
    /// `UnknownOperation` is a protocol-level answer, outside any operation.
    pub(crate) fn is_model_error(self) -> bool {
        self != ErrorCode::UnknownOperation
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error answer: code plus human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of error: the `__type` the caller sees.
    pub(crate) code: ErrorCode,
    /// What is wrong, for a person.
    pub(crate) message: String,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// `InvalidRequestException`: the caller sent something we cannot accept.
    pub(crate) fn invalid_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, message)
    }

    /// `InternalServiceException` (HTTP 500): our fault, the SDK will retry.
    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InternalService, message)
    }

    /// `UnknownOperationException`.
    pub(crate) fn unknown_operation(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::UnknownOperation, message)
    }

    /// HTTP status for this error.
    pub(crate) fn status(&self) -> u16 {
        self.code.status()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::ServiceModel;
    use std::collections::BTreeSet;

    #[test]
    fn codes_match_the_model_error_shapes() {
        let m = ServiceModel::gamelift();
        let modeled: BTreeSet<&str> = m
            .operations()
            .flat_map(|o| o.errors.iter().map(String::as_str))
            .collect();
        let ours: BTreeSet<&str> = ErrorCode::ALL
            .iter()
            .filter(|c| c.is_model_error())
            .map(|c| c.name())
            .collect();
        assert_eq!(modeled, ours);
    }

    #[test]
    fn only_internal_service_is_a_500() {
        for c in ErrorCode::ALL {
            let want = if c == ErrorCode::InternalService {
                500
            } else {
                400
            };
            assert_eq!(c.status(), want, "{c}");
        }
    }
}
