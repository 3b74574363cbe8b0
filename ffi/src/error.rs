//! Errors across the boundary: `PlayfieldError` out-parameters with a code and a message.

use ffi_support::{ErrorCode, ExternError, HandleError};
use std::ffi::c_char;

/// The call succeeded (`PlayfieldError.code`).
pub const PLAYFIELD_OK: i32 = 0;
/// A Rust panic was caught inside the library (a bug; please report it).
pub const PLAYFIELD_ERROR_PANIC: i32 = -1;
/// The SDK handle is 0, was freed, or is not a handle of this library.
pub const PLAYFIELD_ERROR_INVALID_HANDLE: i32 = -1000;
/// An argument is NULL where a value is needed, not UTF-8, or out of range.
pub const PLAYFIELD_ERROR_INVALID_ARGUMENT: i32 = 1;
/// The SDK could not start its runtime (threads).
pub const PLAYFIELD_ERROR_RUNTIME: i32 = 2;
/// `init` on an SDK that is already initialized.
pub const PLAYFIELD_ERROR_ALREADY_INITIALIZED: i32 = 10;
/// The call needs `playfield_init` first.
pub const PLAYFIELD_ERROR_NOT_INITIALIZED: i32 = 11;
/// The call needs `playfield_process_ready` first.
pub const PLAYFIELD_ERROR_PROCESS_NOT_READY: i32 = 12;
/// No game session has been started on this process.
pub const PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET: i32 = 13;
/// No TerminateProcess has arrived.
pub const PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET: i32 = 14;
/// A parameter failed the client-side checks (ValidationException).
pub const PLAYFIELD_ERROR_VALIDATION: i32 = 15;
/// The service answered 400 (BadRequestException).
pub const PLAYFIELD_ERROR_BAD_REQUEST: i32 = 16;
/// The service answered 401.
pub const PLAYFIELD_ERROR_UNAUTHORIZED: i32 = 17;
/// The service answered 403.
pub const PLAYFIELD_ERROR_FORBIDDEN: i32 = 18;
/// The service answered 404.
pub const PLAYFIELD_ERROR_NOT_FOUND: i32 = 19;
/// The service answered 409.
pub const PLAYFIELD_ERROR_CONFLICT: i32 = 20;
/// The service answered 429.
pub const PLAYFIELD_ERROR_TOO_MANY_REQUESTS: i32 = 21;
/// The service answered 5xx or something unreadable.
pub const PLAYFIELD_ERROR_INTERNAL_SERVICE: i32 = 22;
/// No reply in time, or the connection failed under the request (ServiceCallFailed).
pub const PLAYFIELD_ERROR_SERVICE_CALL_FAILED: i32 = 23;
/// Every connect attempt failed.
pub const PLAYFIELD_ERROR_WEBSOCKET_CONNECT_FAILURE: i32 = 24;
/// The matchmaker data is not valid JSON of the expected shape.
pub const PLAYFIELD_ERROR_MATCHMAKER_DATA: i32 = 25;
/// An SDK error this version of the C API has no code for (see the message).
pub const PLAYFIELD_ERROR_UNKNOWN: i32 = 99;

/// How a call failed. Every function that can fail takes a `PlayfieldError *` as its last
/// parameter.
///
/// The library always writes it: `code` is `PLAYFIELD_OK` (0) and `message` NULL on
/// success; on failure `code` is one of `PLAYFIELD_ERROR_*` and `message` a UTF-8 text the
/// caller owns and frees with `playfield_error_free` (or `playfield_string_free`). The
/// previous contents are overwritten, not freed: free a message before reusing the struct.
/// Passing NULL is allowed: the error is then discarded.
#[repr(C)]
pub struct PlayfieldError {
    pub code: i32,
    pub message: *mut c_char,
}

/// Errors inside the library, before they become a `PlayfieldError`.
#[derive(Debug)]
pub(crate) enum FfiError {
    Invalid(String),
    Handle(HandleError),
    Runtime(String),
    Sdk(playfield_sdk::Error),
    MatchmakerData(String),
}

impl FfiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        FfiError::Invalid(message.into())
    }
}

impl From<HandleError> for FfiError {
    fn from(e: HandleError) -> Self {
        FfiError::Handle(e)
    }
}

impl From<playfield_sdk::Error> for FfiError {
    fn from(e: playfield_sdk::Error) -> Self {
        FfiError::Sdk(e)
    }
}

fn sdk_code(e: &playfield_sdk::Error) -> i32 {
    use playfield_sdk::Error as E;
    match e {
        E::AlreadyInitialized => PLAYFIELD_ERROR_ALREADY_INITIALIZED,
        E::NotInitialized => PLAYFIELD_ERROR_NOT_INITIALIZED,
        E::ProcessNotReady => PLAYFIELD_ERROR_PROCESS_NOT_READY,
        E::GameSessionIdNotSet => PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET,
        E::TerminationTimeNotSet => PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET,
        E::Validation { .. } => PLAYFIELD_ERROR_VALIDATION,
        E::BadRequest { .. } => PLAYFIELD_ERROR_BAD_REQUEST,
        E::Unauthorized { .. } => PLAYFIELD_ERROR_UNAUTHORIZED,
        E::Forbidden { .. } => PLAYFIELD_ERROR_FORBIDDEN,
        E::NotFound { .. } => PLAYFIELD_ERROR_NOT_FOUND,
        E::Conflict { .. } => PLAYFIELD_ERROR_CONFLICT,
        E::TooManyRequests { .. } => PLAYFIELD_ERROR_TOO_MANY_REQUESTS,
        E::InternalService { .. } => PLAYFIELD_ERROR_INTERNAL_SERVICE,
        E::Timeout { .. } | E::ServiceCallFailed { .. } => PLAYFIELD_ERROR_SERVICE_CALL_FAILED,
        E::WebsocketConnectFailure { .. } => PLAYFIELD_ERROR_WEBSOCKET_CONNECT_FAILURE,
        _ => PLAYFIELD_ERROR_UNKNOWN,
    }
}

impl From<FfiError> for ExternError {
    fn from(e: FfiError) -> Self {
        let (code, message) = match e {
            FfiError::Invalid(m) => (
                PLAYFIELD_ERROR_INVALID_ARGUMENT,
                format!("invalid argument: {m}"),
            ),
            FfiError::Handle(h) => {
                return ExternError::new_error(
                    ErrorCode::INVALID_HANDLE,
                    format!("invalid SDK handle: {h}"),
                )
            }
            FfiError::Runtime(m) => (PLAYFIELD_ERROR_RUNTIME, m),
            FfiError::Sdk(e) => (sdk_code(&e), e.to_string()),
            FfiError::MatchmakerData(m) => (PLAYFIELD_ERROR_MATCHMAKER_DATA, m),
        };
        ExternError::new_error(ErrorCode::new(code), message)
    }
}

/// Moves `e` into the caller's out-parameter (or discards it when that is NULL).
///
/// # Safety
/// `out` is NULL or points to writable memory for a `PlayfieldError`.
pub(crate) unsafe fn store(out: *mut PlayfieldError, e: ExternError) {
    let code = e.get_code().code();
    // ExternError has no Drop: the message now belongs to whoever holds this pointer.
    let message = e.get_raw_message() as *mut c_char;
    if out.is_null() {
        if !message.is_null() {
            ffi_support::destroy_c_string(message);
        }
        return;
    }
    out.write(PlayfieldError { code, message });
}
