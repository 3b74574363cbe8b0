//! The SDK's integration tests, in one test binary: every file of this folder is a module of
//! it, so `cargo test -p playfield-sdk --test sdk connection::` runs one file's tests.
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_its_main_rs`, in
//! the testkit, checks it).
//! The fake service in `support/` is declared once below: `use crate::support::*;`.
//!
//! The files' tests share one process and run on parallel threads: listen on port 0 and
//! never set environment variables (the SDK reads `GAMELIFT_SDK_*` only when told to).

mod support;

mod actions;
mod blocking;
mod connection;
mod events;
mod heartbeat;
mod tls;
