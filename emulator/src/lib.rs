//! Playfield: a local stand-in for a FlexMatch matchmaker and GameLift session placement.
//!
//! The daemon is one core with several faces (docs/architecture.md):
//! - [`core`]: all state and rules, a synchronous state machine driven by commands and time.
//! - [`clock`]: injected time, so tests advance time instead of sleeping.
//! - [`gateway`]: the game-server face, the SDK 5 WebSocket endpoint.
//! - [`hub`]: the one lock around the core and the faces' bookkeeping.
//! - [`server`]: listeners, timer task, start and shutdown.
//! - [`config`]: the startup file.
//! - [`flexmatch`]: the rule engine. Pure: no I/O, no clock, no globals.

pub mod clock;
pub mod config;
pub mod core;
pub mod flexmatch;
pub mod gateway;
pub mod hub;
pub mod server;
