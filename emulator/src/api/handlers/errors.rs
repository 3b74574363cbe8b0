//! Core errors as service exceptions.
//!
//! The core classifies each error ([`ErrorKind`]); the service names an exception per
//! class (service-api.md §8). An operation only models some exceptions, and the SDKs map
//! only modeled ones to typed errors, so a class the operation does not model falls back
//! to InvalidRequestException (which every operation here models). The message is the
//! core's as it is (uncapitalised), which names the thing that is wrong. This is the one
//! mapping from core errors to service exceptions: every handler uses it.

use crate::api::{ApiError, Ctx, ErrorCode};
use playfield_core::{CoreError, ErrorKind};

/// The exception for `err` in the operation `ctx` serves.
pub(crate) fn api_error<S>(ctx: &Ctx<'_, S>, err: CoreError) -> ApiError {
    let code = match err.kind() {
        ErrorKind::InvalidRequest => ErrorCode::InvalidRequest,
        ErrorKind::NotFound => ErrorCode::NotFound,
        ErrorKind::Forbidden => ErrorCode::Unauthorized,
        ErrorKind::Conflict => ErrorCode::Conflict,
        ErrorKind::InvalidGameSessionStatus => ErrorCode::InvalidGameSessionStatus,
        ErrorKind::GameSessionFull => ErrorCode::GameSessionFull,
        ErrorKind::FleetCapacityExceeded => ErrorCode::FleetCapacityExceeded,
        ErrorKind::TaggingFailed => ErrorCode::TaggingFailed,
    };
    let code = if ctx.models(code) {
        code
    } else {
        ErrorCode::InvalidRequest
    };
    ctx.error(code, err.to_string())
}
