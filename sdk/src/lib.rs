//! # playfield-sdk: the Rust server SDK
//!
//! A game server process uses this crate to talk to Amazon GameLift, or to Playfield standing
//! in for it on a laptop, over the GameLift Servers SDK 5 WebSocket protocol. It behaves like
//! the official Go SDK 5.6.0 on the wire (`shared/reference/sdk-wire-protocol.md`), with a
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
//! [`wire`] the exact JSON messages, [`blocking`] the facade for code that is not async.
//! Connection handling (reconnects, in-flight requests, RefreshConnection) is described in
//! the `transport` module source; threading and events in [`process`].

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
mod validate;
pub mod wire;

pub use client::ServerSdk;
pub use error::{Error, Result};
pub use events::ServerEvent;
pub use options::{SdkOptions, SDK_LANGUAGE, SDK_VERSION};
pub use params::{Environment, ServerParameters, MANAGED_RESOURCE_PROCESS_ID};
pub use process::{EventDelivery, ProcessParameters};
