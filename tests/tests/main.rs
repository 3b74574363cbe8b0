//! The end-to-end tests, in one test binary: every file of this folder is a module of it, so
//! `cargo test -p playfield-e2e --test e2e gateway_auth::` runs one file's tests (and
//! `cargo test -p playfield-e2e --test e2e gateway_auth::some_test` one test).
//!
//! Why one binary: each test binary links the daemon, the SDK and the AWS SDK (60 to 80 MB
//! each); one per file made `target/` 2 GB larger (issue 17 item 1).
//!
//! A new test file is added here as `mod x;` (Cargo.toml says `autotests = false`, so a file
//! not declared here is not built; `every_test_file_is_declared_in_its_main_rs`, in
//! the testkit, checks it).
//! Helpers shared by several files live in `support/`, declared once in `mod support` below;
//! a file uses them as `use crate::support::game_server::ready_server;`.
//!
//! The files' tests share one process and run on parallel threads: listen on port 0, name
//! scratch files after the test, never set environment variables or the current directory,
//! and install no tracing subscriber (`TestDaemon` installs the process's one).

/// Helpers shared by the test files.
mod support {
    pub mod api_client;
    pub mod boto3;
    pub mod events;
    pub mod game_server;
    pub mod matchmaking;
}

mod api_auth_routes;
mod api_boto3_e2e;
mod api_boto3_matchmaking;
mod api_boto3_start_match_script;
mod api_compute_e2e;
mod api_sdk_e2e;
mod api_tags_e2e;
mod api_terminate_e2e;
mod dashboard_browser;
mod docs_citations;
mod events_delivery;
mod events_flexmatch;
mod events_gpm_pgos;
mod gateway_actions;
mod gateway_auth;
mod gateway_close;
mod gateway_errors;
mod gateway_idempotency;
mod gateway_memory;
mod gateway_pushes;
mod gateway_reconnect;
mod gateway_time;
mod gateway_tls;
mod load_1000;
mod matchmaking_api_backfill;
mod matchmaking_api_cycles;
mod matchmaking_api_e2e;
mod post_processing_e2e;
mod queue_priority_api_e2e;
mod sdk_e2e;
