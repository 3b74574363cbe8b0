//! Playfield server SDK.
pub mod wire;
