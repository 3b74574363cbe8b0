//! # playfield-sdk: the Rust server SDK
//!
//! A game server process uses this crate to talk to Amazon GameLift, or to Playfield standing
//! in for it on a laptop, over the GameLift Servers SDK 5 WebSocket protocol. It behaves like
//! the official Go SDK 5.6.0 on the wire (`docs/sdk-wire-protocol.md`), with a
//! Rust API: typed errors, builders, `async` (or [`blocking`]).
//!
//! The life of a game server process:
//!
//! 1. [`ServerSdk::init`] with [`ServerParameters`] (or the `GAMELIFT_SDK_*` environment):
//!    connect.
//! 2. [`ServerSdk::process_ready`] with [`ProcessParameters`]: the port, log paths and the
//!    callbacks (or [`EventDelivery::Queue`] to poll events instead). Heartbeats start.
//! 3. `on_start_game_session` ([`ServerEvent::StartGameSession`]): load the match, read the
//!    [`model::MatchmakerData`], then [`ServerSdk::activate_game_session`].
//! 4. Players arrive: [`ServerSdk::accept_player_session`]; they leave:
//!    [`ServerSdk::remove_player_session`]; open slots can be filled with
//!    [`ServerSdk::start_match_backfill`], whose outcome arrives at `on_update_game_session`.
//! 5. The match ends or `on_process_terminate` arrives: [`ServerSdk::process_ending`], then
//!    [`ServerSdk::destroy`], then exit.
//!
//! Modules: [`model`], [`request`] and [`result`] hold the data types (as in the Go SDK),
//! [`wire`] the exact JSON messages, [`blocking`] the facade for code that is not async,
//! [`validate`] the request field checks (for a service that checks requests as the SDK does).
//!
//! # Threads and events
//!
//! The connection, the dispatcher and the heartbeat run as Tokio tasks (on your runtime, or on
//! the blocking facade's own). Events reach the game server either through callbacks, run one
//! at a time on a dedicated thread `playfield-sdk-callbacks` with no SDK lock held (so a
//! callback may call the SDK), or through a queue the game polls ([`EventDelivery::Queue`],
//! [`ServerSdk::poll_event`]). Details and the TerminateProcess default are in [`process`].
//!
//! # Connection
//!
//! * The connect URL is built like the Go SDK's (sorted, form-encoded query; a new UUID
//!   `IdempotencyToken` per Connect). Token mode and SigV4 mode are both supported; `wss://`
//!   uses rustls with the webpki roots, or accepts any certificate with
//!   [`SdkOptions::accept_invalid_certs`].
//! * An abnormal end of the socket (anything but a close with 1000/1001) or two consecutive
//!   request timeouts make the SDK reconnect to the same URL, with the same
//!   `IdempotencyToken`, on the [`SdkOptions::reconnect_delays`] schedule. The process keeps
//!   its state across reconnects: ready, game session ID, termination time, credentials.
//! * RefreshConnection moves the SDK to the new endpoint and token (new `IdempotencyToken`);
//!   the old socket is closed after [`SdkOptions::old_socket_grace`].
//! * A request whose socket dies before its reply arrives fails at once with
//!   [`Error::ServiceCallFailed`]; it is **not** re-sent, because it may have been carried
//!   out (a re-sent StartMatchBackfill could open a second ticket). Requests made while a
//!   reconnect is under way wait for it, within their own timeout. Late and duplicate replies
//!   are dropped; pushes are never answered.
//!
//! # Where this SDK differs from the Go SDK on purpose
//!
//! * A failed `init` leaves the SDK uninitialized (Go stays "initialized").
//! * Without `on_health_check` heartbeats report healthy (as C++; Go reports unhealthy).
//! * TerminateProcess without `on_process_terminate` calls `process_ending` and `destroy` but
//!   does not exit the OS process.
//! * `get_game_session_id` returns [`Error::GameSessionIdNotSet`] instead of `""`.
//! * A failed `process_ready` returns the underlying error instead of wrapping it as
//!   `ProcessNotReady`.

pub mod blocking;
mod client;
mod error;
mod events;
mod heartbeat;
pub mod model;
mod options;
mod params;
pub mod process;
pub mod request;
pub mod result;
mod session;
mod transport;
pub mod validate;
pub mod wire;

pub use client::ServerSdk;
pub use error::{Error, Result};
pub use events::ServerEvent;
pub use options::{SdkOptions, SDK_LANGUAGE, SDK_VERSION};
pub use params::{Environment, ServerParameters, MANAGED_RESOURCE_PROCESS_ID};
pub use process::{EventDelivery, ProcessParameters};
pub use transport::AcceptAnyCertificate;

#[cfg(test)]
mod tests {
    /// Handles are shared across threads (engine thread, callback thread, FFI callers).
    #[test]
    fn public_handles_are_send_and_sync() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<crate::ServerSdk>();
        send_sync::<crate::blocking::ServerSdk>();
        send_sync::<crate::Error>();
        send_sync::<crate::ServerEvent>();
        send_sync::<crate::ProcessParameters>();
        send_sync::<crate::SdkOptions>();
    }
}
