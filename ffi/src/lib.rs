//! C ABI over the Playfield server SDK, for Unreal, Unity and other C/C++ engines.
//!
//! The header is `include/playfield.h`, generated from this crate by cbindgen. Rules that hold
//! for every function:
//!
//! * **Handles.** An SDK is a `PlayfieldSdk` (a `uint64_t` handle from `playfield_sdk_new`),
//!   never a pointer. A stale, freed or made-up handle gives `PLAYFIELD_ERROR_INVALID_HANDLE`.
//! * **Errors.** The last parameter is a `PlayfieldError *` the library always writes (see
//!   `PlayfieldError`). Functions returning `bool` return `true` on success; functions
//!   returning a pointer return NULL on failure; others return 0. No Rust panic crosses the
//!   boundary: it becomes `PLAYFIELD_ERROR_PANIC`.
//! * **Strings.** In: UTF-8, NUL-terminated, read only during the call; NULL or invalid UTF-8
//!   where a value is needed gives `PLAYFIELD_ERROR_INVALID_ARGUMENT`. Out: a `char *` returned
//!   by a function is the caller's, freed with `playfield_string_free`; strings inside a
//!   returned struct belong to the struct and go with the struct's free function.
//! * **Threads.** Every function may be called from any thread, concurrently. Calls block the
//!   calling thread until the service answers. Callbacks (`PLAYFIELD_DELIVERY_CALLBACKS`) run
//!   on the SDK's callback thread (health checks on an SDK worker thread) and may call the
//!   library, including with the same handle. With `PLAYFIELD_DELIVERY_QUEUE`, events wait in
//!   a queue the game drains on its own thread with `playfield_poll_event` /
//!   `playfield_next_event`.

mod arena;
mod callbacks;
mod error;
mod strings;
mod types;

pub use callbacks::*;
pub use error::*;
pub use types::*;

use arena::Owned;
use callbacks::{CCallbacks, Gate, UserData};
use error::{store, FfiError};
use ffi_support::{ConcurrentHandleMap, ExternError, IntoFfi};
use playfield_sdk::blocking::ServerSdk;
use playfield_sdk::model::PlayerSessionCreationPolicy;
use playfield_sdk::request::{
    DescribePlayerSessionsRequest, GetFleetRoleCredentialsRequest, StartMatchBackfillRequest,
    StopMatchBackfillRequest,
};
use playfield_sdk::{EventDelivery, ProcessParameters, SdkOptions, ServerEvent, ServerParameters};
use std::ffi::{c_char, c_void};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use strings::{opt_str, required_ref, required_str, slice};

/// An SDK instance: a handle from `playfield_sdk_new`, freed with `playfield_sdk_free`.
/// 0 is never a valid handle.
pub type PlayfieldSdk = u64;

/// One SDK behind a handle.
struct Entry {
    sdk: ServerSdk,
    /// The callback gates of every `process_ready` call, closed by destroy and free.
    gates: Mutex<Vec<Arc<Gate>>>,
}

impl Entry {
    fn close_gates(&self) {
        let gates = std::mem::take(&mut *self.gates.lock().unwrap_or_else(|e| e.into_inner()));
        for gate in gates {
            gate.close();
        }
    }
}

static SDKS: LazyLock<ConcurrentHandleMap<Arc<Entry>>> = LazyLock::new(ConcurrentHandleMap::new);

/// The entry behind a handle, cloned out so the map's lock is not held during a blocking call
/// (a callback may use the same handle meanwhile).
fn entry(handle: PlayfieldSdk) -> Result<Arc<Entry>, FfiError> {
    SDKS.get_u64(handle, |e: &Arc<Entry>| Ok(e.clone()))
}

fn sdk(handle: PlayfieldSdk) -> Result<ServerSdk, FfiError> {
    Ok(entry(handle)?.sdk.clone())
}

/// A value C gets when the call fails.
trait FfiDefault {
    fn ffi_default() -> Self;
}
impl FfiDefault for bool {
    fn ffi_default() -> Self {
        false
    }
}
impl FfiDefault for i64 {
    fn ffi_default() -> Self {
        0
    }
}
impl FfiDefault for u64 {
    fn ffi_default() -> Self {
        0
    }
}
impl<T> FfiDefault for *mut T {
    fn ffi_default() -> Self {
        std::ptr::null_mut()
    }
}

/// Carries any [`FfiDefault`] value through `ffi_support::call_with_result`.
struct Out<T>(T);
// SAFETY: `T` is a C-representable value (bool, integer, pointer) returned as it is.
unsafe impl<T: FfiDefault> IntoFfi for Out<T> {
    type Value = T;
    fn ffi_default() -> T {
        T::ffi_default()
    }
    fn into_ffi_value(self) -> T {
        self.0
    }
}

/// Runs one API call: catches panics (`ffi_support::call_with_result`), maps errors and
/// writes the caller's error out-parameter.
fn call<T: FfiDefault>(err: *mut PlayfieldError, f: impl FnOnce() -> Result<T, FfiError>) -> T {
    let mut extern_error = ExternError::success();
    let value = ffi_support::call_with_result(&mut extern_error, AssertUnwindSafe(|| f().map(Out)));
    // SAFETY: the header requires `err` to be NULL or point to a PlayfieldError.
    unsafe { store(err, extern_error) };
    value
}

/// Frees a string the library returned (`char *` results and `PlayfieldError.message`).
/// NULL is a no-op. Never use it on strings inside a returned struct.
///
/// # Safety
/// `s` is NULL or a string returned by this library and not freed before.
// `ffi_support::define_string_destructor!` written out, so cbindgen sees it.
#[no_mangle]
pub unsafe extern "C" fn playfield_string_free(s: *mut c_char) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| {
        if !s.is_null() {
            ffi_support::destroy_c_string(s)
        }
    });
}

/// The version of this library (the Playfield release) as a NUL-terminated static string.
/// Never free it.
#[no_mangle]
pub extern "C" fn playfield_sdk_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// The GameLift server SDK version this library speaks on the wire (GetSdkVersion,
/// `"5.6.0"`), as a NUL-terminated static string. Never free it.
#[no_mangle]
pub extern "C" fn playfield_server_sdk_version() -> *const c_char {
    static VERSION: LazyLock<std::ffi::CString> =
        LazyLock::new(|| std::ffi::CString::new(playfield_sdk::SDK_VERSION).unwrap_or_default());
    VERSION.as_ptr()
}

/// Frees the message of an error and resets it to `PLAYFIELD_OK` / NULL, so the struct can be
/// reused. NULL, or an error without a message, is a no-op.
///
/// # Safety
/// `err` is NULL or points to a `PlayfieldError` written by this library (or zeroed).
#[no_mangle]
pub unsafe extern "C" fn playfield_error_free(err: *mut PlayfieldError) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| {
        if let Some(e) = err.as_mut() {
            if !e.message.is_null() {
                ffi_support::destroy_c_string(e.message);
            }
            e.message = std::ptr::null_mut();
            e.code = PLAYFIELD_OK;
        }
    })
}

// ---- SDK lifetime ---------------------------------------------------------------------------

/// Tuning for `playfield_sdk_new_with_options`. A zero field keeps the default (the Go SDK's
/// values, then the Go SDK's tuning environment variables such as `SERVICE_CALL_TIMEOUT`).
#[repr(C)]
pub struct PlayfieldSdkOptions {
    /// Wait for a reply to a request (default 20000).
    pub request_timeout_ms: u32,
    /// Wait for the ProcessReady reply (default 6000).
    pub activate_timeout_ms: u32,
    /// Heartbeat period (default 60000).
    pub heartbeat_interval_ms: u32,
    /// Time the health check callback gets (default 50000).
    pub health_check_timeout_ms: u32,
    /// Accept any TLS certificate on `wss://` (the self-signed one of `playfield serve`).
    /// Never against the real service.
    pub accept_invalid_certs: bool,
    /// `SdkLanguage` sent to the service; NULL for the default (`Go`).
    pub sdk_language: *const c_char,
}

fn new_entry(options: SdkOptions) -> Result<PlayfieldSdk, FfiError> {
    let sdk = ServerSdk::with_options(options)
        .map_err(|e| FfiError::Runtime(format!("cannot start the SDK runtime: {e}")))?;
    let entry = Arc::new(Entry {
        sdk,
        gates: Mutex::new(Vec::new()),
    });
    Ok(SDKS.insert(entry).into_u64())
}

/// A new SDK, not yet initialized, with the default tuning (and the Go SDK's tuning
/// environment variables). Returns 0 on failure. Free it with `playfield_sdk_free`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_sdk_new(err: *mut PlayfieldError) -> PlayfieldSdk {
    call(err, || new_entry(SdkOptions::from_env()))
}

/// A new SDK with custom tuning (`options` may be NULL for the defaults). Returns 0 on
/// failure. Free it with `playfield_sdk_free`.
///
/// # Safety
/// `options` is NULL or points to a readable `PlayfieldSdkOptions`; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_sdk_new_with_options(
    options: *const PlayfieldSdkOptions,
    err: *mut PlayfieldError,
) -> PlayfieldSdk {
    call(err, || {
        let mut o = SdkOptions::from_env();
        if let Some(c) = options.as_ref() {
            let ms = |v: u32, d: Duration| {
                if v == 0 {
                    d
                } else {
                    Duration::from_millis(v.into())
                }
            };
            o.request_timeout = ms(c.request_timeout_ms, o.request_timeout);
            o.activate_timeout = ms(c.activate_timeout_ms, o.activate_timeout);
            o.heartbeat_interval = ms(c.heartbeat_interval_ms, o.heartbeat_interval);
            o.health_check_timeout = ms(c.health_check_timeout_ms, o.health_check_timeout);
            o.accept_invalid_certs = c.accept_invalid_certs;
            if let Some(lang) = opt_str(c.sdk_language, "options.sdk_language")? {
                o.sdk_language = lang.to_owned();
            }
        }
        new_entry(o)
    })
}

/// Frees an SDK handle: closes the connection if `playfield_destroy` was not called, and
/// waits for running callbacks to return (unless called from one). No callback runs after it
/// returns; the handle is invalid from then on. Returns false for an invalid handle.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_sdk_free(sdk: PlayfieldSdk, err: *mut PlayfieldError) -> bool {
    call(err, || {
        let entry = SDKS
            .remove_u64(sdk)?
            .ok_or_else(|| FfiError::invalid("the SDK handle was already freed"))?;
        entry.close_gates();
        // Close the connection now rather than when the last clone goes.
        let _ = entry.sdk.destroy();
        Ok(true)
    })
}

// ---- init and process ready -----------------------------------------------------------------

/// Connection settings for `playfield_init`. NULL fields are empty. The `GAMELIFT_SDK_*`
/// environment variables override them, as in the official SDKs.
#[repr(C)]
pub struct PlayfieldServerParameters {
    pub web_socket_url: *const c_char,
    /// `ManagedResource` makes up a random process ID.
    pub process_id: *const c_char,
    pub host_id: *const c_char,
    pub fleet_id: *const c_char,
    /// Token mode.
    pub auth_token: *const c_char,
    /// SigV4 mode: region, access key, secret key, optional session token.
    pub aws_region: *const c_char,
    pub access_key: *const c_char,
    pub secret_key: *const c_char,
    pub session_token: *const c_char,
}

/// InitSDK: connects to the service with `params` (NULL: from the environment only).
///
/// # Safety
/// `params` is NULL or points to a readable `PlayfieldServerParameters`; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_init(
    sdk: PlayfieldSdk,
    params: *const PlayfieldServerParameters,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let s = self::sdk(sdk)?;
        let mut p = ServerParameters::new();
        if let Some(c) = params.as_ref() {
            let field = |ptr, name| -> Result<String, FfiError> {
                Ok(opt_str(ptr, name)?.unwrap_or("").to_owned())
            };
            p.web_socket_url = field(c.web_socket_url, "params.web_socket_url")?;
            p.process_id = field(c.process_id, "params.process_id")?;
            p.host_id = field(c.host_id, "params.host_id")?;
            p.fleet_id = field(c.fleet_id, "params.fleet_id")?;
            p.auth_token = field(c.auth_token, "params.auth_token")?;
            p.aws_region = field(c.aws_region, "params.aws_region")?;
            p.access_key = field(c.access_key, "params.access_key")?;
            p.secret_key = field(c.secret_key, "params.secret_key")?;
            p.session_token = field(c.session_token, "params.session_token")?;
        }
        s.init(p)?;
        Ok(true)
    })
}

/// InitSDK from the `GAMELIFT_SDK_*` environment variables only.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_init_from_environment(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        self::sdk(sdk)?.init_from_environment()?;
        Ok(true)
    })
}

/// ProcessReady parameters. Read only during the call (the callbacks and `user_data` are
/// kept).
#[repr(C)]
pub struct PlayfieldProcessParameters {
    /// The port players connect to (1..60000).
    pub port: i32,
    /// Log files the service should keep (may be NULL when `log_path_count` is 0).
    pub log_paths: *const *const c_char,
    pub log_path_count: usize,
    /// `PLAYFIELD_DELIVERY_CALLBACKS` or `PLAYFIELD_DELIVERY_QUEUE`.
    pub delivery: i32,
    /// Callbacks mode: called on the SDK callback thread. NULL: the event is dropped (for
    /// terminate: the SDK calls process_ending and destroy itself; it never exits the
    /// process). Ignored in queue mode.
    pub on_start_game_session: PlayfieldStartGameSessionCallback,
    pub on_update_game_session: PlayfieldUpdateGameSessionCallback,
    pub on_process_terminate: PlayfieldProcessTerminateCallback,
    /// Called before every heartbeat in both modes, on an SDK worker thread. NULL: healthy.
    pub on_health_check: PlayfieldHealthCheckCallback,
    /// Passed to every callback as it is. It must stay valid, and be usable from the SDK's
    /// threads, until `playfield_destroy` or `playfield_sdk_free` returns.
    pub user_data: *mut c_void,
}

/// ProcessReady: tells the service this process can host a game session and starts
/// heartbeats.
///
/// # Safety
/// `params` points to a readable `PlayfieldProcessParameters` whose pointers follow its
/// documentation; the callbacks are safe to call from other threads.
#[no_mangle]
pub unsafe extern "C" fn playfield_process_ready(
    sdk: PlayfieldSdk,
    params: *const PlayfieldProcessParameters,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let entry = entry(sdk)?;
        let c = required_ref(params, "params")?;
        let paths = slice(c.log_paths, c.log_path_count, "params.log_paths")?;
        let mut log_paths = Vec::with_capacity(paths.len());
        for (i, p) in paths.iter().enumerate() {
            log_paths.push(required_str(*p, &format!("params.log_paths[{i}]"))?.to_owned());
        }
        let delivery = match c.delivery {
            PLAYFIELD_DELIVERY_CALLBACKS => EventDelivery::Callbacks,
            PLAYFIELD_DELIVERY_QUEUE => EventDelivery::Queue,
            other => {
                return Err(FfiError::invalid(format!(
                    "params.delivery: unknown delivery {other}"
                )))
            }
        };
        let gate = Arc::new(Gate::default());
        let callbacks = CCallbacks {
            on_start: c.on_start_game_session,
            on_update: c.on_update_game_session,
            on_terminate: c.on_process_terminate,
            on_health: c.on_health_check,
            user_data: UserData(c.user_data),
        };
        let params = callbacks.install(
            ProcessParameters::new(c.port)
                .log_paths(log_paths)
                .delivery(delivery),
            &gate,
        );
        entry
            .gates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(gate);
        entry.sdk.process_ready(params)?;
        Ok(true)
    })
}

/// ProcessEnding: tells the service the process is shutting down.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_process_ending(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        self::sdk(sdk)?.process_ending()?;
        Ok(true)
    })
}

/// Destroy: closes the connection and forgets the process state; `playfield_init` may be
/// called again. Waits for running callbacks to return (unless called from one); no callback
/// registered so far runs after it returns. The handle stays valid.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_destroy(sdk: PlayfieldSdk, err: *mut PlayfieldError) -> bool {
    call(err, || {
        let entry = entry(sdk)?;
        entry.sdk.destroy()?;
        entry.close_gates();
        Ok(true)
    })
}

// ---- game session ---------------------------------------------------------------------------

/// ActivateGameSession: the game session is ready for players.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_activate_game_session(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        self::sdk(sdk)?.activate_game_session()?;
        Ok(true)
    })
}

/// UpdatePlayerSessionCreationPolicy: `PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_*`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_update_player_session_creation_policy(
    sdk: PlayfieldSdk,
    policy: i32,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let policy = match policy {
            PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_ACCEPT_ALL => {
                PlayerSessionCreationPolicy::AcceptAll
            }
            PLAYFIELD_PLAYER_SESSION_CREATION_POLICY_DENY_ALL => {
                PlayerSessionCreationPolicy::DenyAll
            }
            other => return Err(FfiError::invalid(format!("policy: unknown policy {other}"))),
        };
        self::sdk(sdk)?.update_player_session_creation_policy(policy)?;
        Ok(true)
    })
}

/// The current game session's ID, or NULL on error (`PLAYFIELD_ERROR_GAME_SESSION_ID_NOT_SET`
/// before one started). Free it with `playfield_string_free`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_get_game_session_id(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> *mut c_char {
    call(err, || {
        let id = self::sdk(sdk)?.get_game_session_id()?;
        Ok(ffi_support::rust_string_to_c(id.replace('\0', "")))
    })
}

/// When the service will stop this process (epoch seconds), once TerminateProcess arrived;
/// 0 with `PLAYFIELD_ERROR_TERMINATION_TIME_NOT_SET` before.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_get_termination_time(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> i64 {
    call(err, || Ok(self::sdk(sdk)?.get_termination_time()?))
}

// ---- players --------------------------------------------------------------------------------

/// AcceptPlayerSession: a player with this player session ID connected.
///
/// # Safety
/// `player_session_id` is NULL or a NUL-terminated string; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_accept_player_session(
    sdk: PlayfieldSdk,
    player_session_id: *const c_char,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let id = required_str(player_session_id, "player_session_id")?;
        self::sdk(sdk)?.accept_player_session(id)?;
        Ok(true)
    })
}

/// RemovePlayerSession: the player left.
///
/// # Safety
/// `player_session_id` is NULL or a NUL-terminated string; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_remove_player_session(
    sdk: PlayfieldSdk,
    player_session_id: *const c_char,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let id = required_str(player_session_id, "player_session_id")?;
        self::sdk(sdk)?.remove_player_session(id)?;
        Ok(true)
    })
}

/// DescribePlayerSessions: one page of player sessions, or NULL on error. Free it with
/// `playfield_describe_player_sessions_result_free`.
///
/// # Safety
/// `request` points to a readable request whose strings are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn playfield_describe_player_sessions(
    sdk: PlayfieldSdk,
    request: *const PlayfieldDescribePlayerSessionsRequest,
    err: *mut PlayfieldError,
) -> *mut PlayfieldDescribePlayerSessionsResult {
    call(err, || {
        let c = required_ref(request, "request")?;
        let owned = |p, name| -> Result<Option<String>, FfiError> {
            Ok(opt_str(p, name)?.map(str::to_owned))
        };
        let req = DescribePlayerSessionsRequest {
            game_session_id: owned(c.game_session_id, "request.game_session_id")?,
            player_id: owned(c.player_id, "request.player_id")?,
            player_session_id: owned(c.player_session_id, "request.player_session_id")?,
            player_session_status_filter: player_session_status(c.player_session_status_filter)?,
            next_token: owned(c.next_token, "request.next_token")?,
            limit: (c.limit > 0).then_some(c.limit),
        };
        let result = self::sdk(sdk)?.describe_player_sessions(req)?;
        Ok(Owned::build(|a| {
            let sessions = result
                .player_sessions
                .iter()
                .map(|ps| types::player_session(a, ps))
                .collect();
            let (player_sessions, player_session_count) = a.array(sessions);
            PlayfieldDescribePlayerSessionsResult {
                next_token: a.str(result.next_token.as_deref().unwrap_or("")),
                player_sessions,
                player_session_count,
            }
        })
        .into_raw())
    })
}

/// Frees a result of `playfield_describe_player_sessions`. NULL is a no-op.
///
/// # Safety
/// `result` is NULL or was returned by `playfield_describe_player_sessions` and not freed.
#[no_mangle]
pub unsafe extern "C" fn playfield_describe_player_sessions_result_free(
    result: *mut PlayfieldDescribePlayerSessionsResult,
) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| Owned::free(result))
}

// ---- backfill -------------------------------------------------------------------------------

/// StartMatchBackfill: asks the matchmaker for players for the open slots. Returns the ticket
/// ID (free it with `playfield_string_free`), or NULL on error. The outcome arrives later as
/// an update game session event with that ticket ID.
///
/// # Safety
/// `request` points to a readable request whose pointers follow its documentation.
#[no_mangle]
pub unsafe extern "C" fn playfield_start_match_backfill(
    sdk: PlayfieldSdk,
    request: *const PlayfieldStartMatchBackfillRequest,
    err: *mut PlayfieldError,
) -> *mut c_char {
    call(err, || {
        let c = required_ref(request, "request")?;
        let players_c = slice(c.players, c.player_count, "request.players")?;
        let mut players = Vec::with_capacity(players_c.len());
        for (i, p) in players_c.iter().enumerate() {
            players.push(types::read_player(p, &format!("request.players[{i}]"))?);
        }
        let mut req = StartMatchBackfillRequest::new(
            required_str(c.game_session_arn, "request.game_session_arn")?,
            required_str(
                c.matchmaking_configuration_arn,
                "request.matchmaking_configuration_arn",
            )?,
            players,
        );
        if let Some(ticket) = opt_str(c.ticket_id, "request.ticket_id")? {
            req = req.ticket_id(ticket);
        }
        let result = self::sdk(sdk)?.start_match_backfill(req)?;
        Ok(ffi_support::rust_string_to_c(
            result.ticket_id.replace('\0', ""),
        ))
    })
}

/// StopMatchBackfill: cancels a backfill ticket.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_stop_match_backfill(
    sdk: PlayfieldSdk,
    ticket_id: *const c_char,
    game_session_arn: *const c_char,
    matchmaking_configuration_arn: *const c_char,
    err: *mut PlayfieldError,
) -> bool {
    call(err, || {
        let req = StopMatchBackfillRequest::new(
            required_str(ticket_id, "ticket_id")?,
            required_str(game_session_arn, "game_session_arn")?,
            required_str(
                matchmaking_configuration_arn,
                "matchmaking_configuration_arn",
            )?,
        );
        self::sdk(sdk)?.stop_match_backfill(req)?;
        Ok(true)
    })
}

// ---- matchmaker data ------------------------------------------------------------------------

/// Parses a matchmaker data JSON document (a game session's `matchmaker_data_json`). Returns
/// NULL with `PLAYFIELD_OK` when `json` is empty (not a FlexMatch game session), NULL with
/// `PLAYFIELD_ERROR_MATCHMAKER_DATA` when it does not parse. Free the result with
/// `playfield_matchmaker_data_free`.
///
/// # Safety
/// `json` is NULL or a NUL-terminated string; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_matchmaker_data_parse(
    json: *const c_char,
    err: *mut PlayfieldError,
) -> *mut PlayfieldMatchmakerData {
    call(err, || {
        let json = required_str(json, "json")?;
        if json.trim().is_empty() {
            return Ok(std::ptr::null_mut());
        }
        let data = playfield_sdk::model::MatchmakerData::parse(json)
            .map_err(|e| FfiError::MatchmakerData(format!("matchmaker data: {e}")))?;
        Ok(Owned::build(|a| types::matchmaker_data(a, &data)).into_raw())
    })
}

/// Frees a result of `playfield_matchmaker_data_parse`. NULL is a no-op. (The
/// `matchmaker_data` inside a `PlayfieldGameSession` belongs to the game session: never
/// free it with this.)
///
/// # Safety
/// `data` is NULL or was returned by `playfield_matchmaker_data_parse` and not freed.
#[no_mangle]
pub unsafe extern "C" fn playfield_matchmaker_data_free(data: *mut PlayfieldMatchmakerData) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| Owned::free(data))
}

// ---- events (queue mode) --------------------------------------------------------------------

fn event(e: ServerEvent) -> *mut PlayfieldEvent {
    Owned::build(|a| {
        let blank = playfield_sdk::model::GameSession::default();
        let (kind, gs, reason, ticket, time) = match &e {
            ServerEvent::StartGameSession(gs) => (PLAYFIELD_EVENT_START_GAME_SESSION, gs, 0, "", 0),
            ServerEvent::UpdateGameSession(u) => (
                PLAYFIELD_EVENT_UPDATE_GAME_SESSION,
                &u.game_session,
                types::update_reason_code(u.update_reason),
                u.backfill_ticket_id.as_str(),
                0,
            ),
            ServerEvent::ProcessTerminate { termination_time } => (
                PLAYFIELD_EVENT_PROCESS_TERMINATE,
                &blank,
                0,
                "",
                *termination_time,
            ),
        };
        PlayfieldEvent {
            kind,
            game_session: types::game_session(a, gs),
            update_reason: reason,
            backfill_ticket_id: a.str(ticket),
            termination_time: time,
        }
    })
    .into_raw()
}

/// Queue mode: the next event, or NULL when there is none (`PLAYFIELD_OK`) or on error.
/// Never waits. Free the event with `playfield_event_free`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_poll_event(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> *mut PlayfieldEvent {
    call(err, || {
        Ok(self::sdk(sdk)?
            .poll_event()
            .map_or(std::ptr::null_mut(), event))
    })
}

/// Queue mode: waits up to `timeout_ms` for the next event; NULL when none came
/// (`PLAYFIELD_OK`) or on error. Free the event with `playfield_event_free`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_next_event(
    sdk: PlayfieldSdk,
    timeout_ms: u32,
    err: *mut PlayfieldError,
) -> *mut PlayfieldEvent {
    call(err, || {
        Ok(self::sdk(sdk)?
            .next_event(Duration::from_millis(timeout_ms.into()))
            .map_or(std::ptr::null_mut(), event))
    })
}

/// Frees an event and everything it points to. NULL is a no-op.
///
/// # Safety
/// `event` is NULL or was returned by `playfield_poll_event` / `playfield_next_event` and
/// not freed.
#[no_mangle]
pub unsafe extern "C" fn playfield_event_free(event: *mut PlayfieldEvent) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| Owned::free(event))
}

// ---- compute and credentials ----------------------------------------------------------------

/// GetComputeCertificate, or NULL on error. Free it with `playfield_compute_certificate_free`.
///
/// # Safety
/// `err` is NULL or points to a writable `PlayfieldError`.
#[no_mangle]
pub unsafe extern "C" fn playfield_get_compute_certificate(
    sdk: PlayfieldSdk,
    err: *mut PlayfieldError,
) -> *mut PlayfieldComputeCertificate {
    call(err, || {
        let r = self::sdk(sdk)?.get_compute_certificate()?;
        Ok(Owned::build(|a| PlayfieldComputeCertificate {
            certificate_path: a.str(&r.certificate_path),
            compute_name: a.str(&r.compute_name),
        })
        .into_raw())
    })
}

/// Frees a result of `playfield_get_compute_certificate`. NULL is a no-op.
///
/// # Safety
/// `cert` is NULL or was returned by `playfield_get_compute_certificate` and not freed.
#[no_mangle]
pub unsafe extern "C" fn playfield_compute_certificate_free(
    cert: *mut PlayfieldComputeCertificate,
) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| Owned::free(cert))
}

/// GetFleetRoleCredentials for `role_arn` (`role_session_name` may be NULL for the default),
/// or NULL on error. Free it with `playfield_fleet_role_credentials_free`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `err` as everywhere.
#[no_mangle]
pub unsafe extern "C" fn playfield_get_fleet_role_credentials(
    sdk: PlayfieldSdk,
    role_arn: *const c_char,
    role_session_name: *const c_char,
    err: *mut PlayfieldError,
) -> *mut PlayfieldFleetRoleCredentials {
    call(err, || {
        let mut req = GetFleetRoleCredentialsRequest::new(required_str(role_arn, "role_arn")?);
        if let Some(name) = opt_str(role_session_name, "role_session_name")? {
            req = req.role_session_name(name);
        }
        let r = self::sdk(sdk)?.get_fleet_role_credentials(req)?;
        Ok(Owned::build(|a| PlayfieldFleetRoleCredentials {
            assumed_role_user_arn: a.str(&r.assumed_role_user_arn),
            assumed_role_id: a.str(&r.assumed_role_id),
            access_key_id: a.str(&r.access_key_id),
            secret_access_key: a.str(&r.secret_access_key),
            session_token: a.str(&r.session_token),
            expiration_ms: r.expiration_ms,
        })
        .into_raw())
    })
}

/// Frees a result of `playfield_get_fleet_role_credentials`. NULL is a no-op.
///
/// # Safety
/// `creds` is NULL or was returned by `playfield_get_fleet_role_credentials` and not freed.
#[no_mangle]
pub unsafe extern "C" fn playfield_fleet_role_credentials_free(
    creds: *mut PlayfieldFleetRoleCredentials,
) {
    ffi_support::abort_on_panic::with_abort_on_panic(|| Owned::free(creds))
}
