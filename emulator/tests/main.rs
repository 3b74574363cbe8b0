//! The daemon's integration tests, in one test binary: every file of this folder is a module
//! of it, so `cargo test -p playfield --test emulator events_delivery::` runs one file's tests.
//!
//! Why one binary: each test binary links the daemon (30 to 50 MB each); one per file made
//! `target/` about 800 MB larger (issue 17 item 1).
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_its_main_rs`, in
//! the testkit, checks it).
//! Helpers shared by several files live in `support/` and `events_support/`, declared once
//! below; a file uses them as `use crate::support::api_handlers as handlers;`.
//!
//! The files' tests share one process and run on parallel threads: listen on port 0, name
//! scratch files after the test, never set environment variables or the current directory.
//! Two things are process-wide here:
//! - tracing: a test that reads the log captures it with `events_logging::capture_logs`
//!   (never `tracing::subscriber::set_default`: see there why);
//! - the delivery thread: `events_delivery` counts the process's threads named
//!   `playfield-events`, so other tests start their event hubs on `DeliveryRuntime::Caller`.
//!
//! `cli_serve_shutdown` runs this binary as a launched game server
//! (`--exact cli_serve_shutdown::launched_sdk_game_server --ignored`).

/// Helpers shared by the test files.
mod support {
    pub mod api_handlers;
    pub mod boto3_venv;
}

mod events_support;

mod api_boto3;
mod api_equivalence;
mod api_fuzz;
mod api_http;
mod api_limits;
mod api_sdk;
mod cli_ruleset_validate;
mod cli_serve_config;
mod cli_serve_logging;
mod cli_serve_quiet;
mod cli_serve_shutdown;
mod cli_serve_tls;
mod events_delivery;
mod events_flexmatch;
mod events_format;
mod events_gpm;
mod events_logging;
mod events_pgos;
mod events_props;
mod launcher;
