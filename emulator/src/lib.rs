//! Playfield: a local stand-in for a FlexMatch matchmaker and GameLift session placement.
//!
//! The daemon is one core with several faces (the project's architecture notes):
//! - [`core`]: all state and rules, a synchronous state machine driven by commands and time.
//! - [`clock`]: injected time, so tests advance time instead of sleeping.
//! - [`gateway`]: the game-server face, the SDK 5 WebSocket endpoint.
//! - [`hub`]: the one lock around the core and the faces' bookkeeping.
//! - [`server`]: listeners, timer task, start and shutdown.
//! - [`stop_signals`]: the signals that stop `playfield serve` (Ctrl-C, SIGTERM, SIGHUP).
//! - [`config`]: the startup file.
//! - [`dashboard`]: the web dashboard, `GET /metrics` ([`metrics`]) and `GET /healthz`.
//! - [`launcher`]: starts and supervises fleets' game server processes.
//! - [`post_processing`]: makes the PGOS post-processing calls the core asks for.
//! - [`sdk_wire`]: the core's values in the SDK's wire types (matchmaker data, players).
//! - [`search_expr`]: SearchGameSessions' filter and sort expressions.
//! - [`flexmatch`]: the rule engine. Pure: no I/O, no clock, no globals.

pub mod api;
pub mod config;
pub mod dashboard;
// The core is its own crate (`core/`); these aliases keep `crate::core::`, `crate::clock::`,
// `crate::search_expr::` and the same `playfield::` paths working until the daemon imports it
// by name.
pub use playfield_core as core;
pub use playfield_core::{clock, search_expr};
pub mod events;
// The rule engine is its own crate (`flexmatch/`); this alias keeps `crate::flexmatch::` and
// `playfield::flexmatch::` paths working until the daemon imports it by name.
pub use playfield_flexmatch as flexmatch;
pub mod gateway;
pub mod hub;
pub mod launcher;
pub mod metrics;
pub mod post_processing;
pub mod ruleset_validate;
pub mod sdk_wire;
pub mod server;
pub mod stop_signals;
