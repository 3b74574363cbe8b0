//! Playfield: a local stand-in for a FlexMatch matchmaker and GameLift session placement.
//!
//! The daemon is one core with several faces (the project's architecture notes). The core
//! (all state and rules, a synchronous state machine driven by commands and time, with its
//! injected clock and SearchGameSessions' expressions) is the `playfield-core` crate; the rule
//! engine (pure: no I/O, no clock, no globals) is `playfield-flexmatch`. This crate holds:
//! - [`api`]: the service API face (AWS SDKs, boto3, AWS CLI).
//! - [`gateway`]: the game-server face, the SDK 5 WebSocket endpoint.
//! - [`wiring`]: joins the core to the faces: the hub (the one lock), the server (listeners,
//!   timer task, start and shutdown) and the post-processing task.
//! - [`cli`]: the `playfield` command line (`serve`, `ruleset validate`).
//! - [`config`]: the startup file.
//! - [`dashboard`]: the web dashboard, `GET /metrics` ([`metrics`]) and `GET /healthz`.
//! - [`launcher`]: starts and supervises fleets' game server processes.
//! - [`log_safe`]: untrusted text escaped for a log line.
//! - [`sdk_wire`]: the core's values in the SDK's wire types (matchmaker data, players).
//! - [`events`]: notifications: the webhook formats, their delivery and `GET /events`.

#![deny(missing_docs)]
// The daemon's items are pub(crate) unless a test or benchmark in another crate needs them.
#![warn(unreachable_pub)]

pub mod api;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod events;
#[doc(hidden)]
pub mod fuzzing;
pub mod gateway;
pub mod launcher;
pub mod log_safe;
pub mod metrics;
pub mod sdk_wire;
pub mod wiring;
