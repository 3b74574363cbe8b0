//! Playfield: a local stand-in for a FlexMatch matchmaker and GameLift session placement.
//!
//! The daemon is one core with several faces (see `docs` in the repository's README):
//! - [`flexmatch`]: the rule engine. Pure: no I/O, no clock, no globals.

pub mod api;
pub mod flexmatch;
