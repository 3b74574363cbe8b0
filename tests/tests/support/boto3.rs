//! The backend's Python client for the end-to-end tests: boto3 (awsJson1_1) from the
//! virtualenv the tests set up themselves (`emulator/tests/support/boto3_venv.rs`), running
//! `tests/python/boto3_call.py` with a list of calls and reading the JSON it prints, so the
//! Rust side can drive the game server in between. Shared by the `api_boto3_*` test files.
//!
//! Include it next to `game_server.rs`: `#[path = "support/boto3.rs"] mod boto3;`
#![allow(dead_code)]

#[path = "../../../emulator/tests/support/boto3_venv.rs"]
mod boto3_venv;

use std::path::Path;
use std::sync::OnceLock;

use boto3_venv::{boto3_python, require_success, run, Boto3Python};
use playfield_e2e::TestDaemon;
use serde_json::{json, Value};

/// The Python with boto3, set up once per test binary (call it first from
/// `spawn_blocking`, so the first run's `pip install` is not counted against `bounded`).
pub fn python() -> &'static Boto3Python {
    static PYTHON: OnceLock<Boto3Python> = OnceLock::new();
    PYTHON.get_or_init(boto3_python)
}

/// Runs `calls` (`[["create_game_session", {...}], ...]`; `"paginate:<op>"` runs boto3's
/// paginator for `<op>`) with boto3 against the daemon and returns one result per call.
pub async fn boto3(daemon: &TestDaemon, access_key: &str, calls: Value) -> Vec<Value> {
    let endpoint = daemon.api_url();
    let access_key = access_key.to_string();
    let out = tokio::task::spawn_blocking(move || {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/boto3_call.py");
        run(python()
            .command()
            .arg(script)
            .arg(endpoint)
            .arg(access_key)
            .arg(calls.to_string())
            // Keep a developer's own AWS setup out of the test.
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_GAMELIFT"))
    })
    .await
    .unwrap();
    require_success("tests/python/boto3_call.py", &out);
    serde_json::from_slice(&out.stdout).expect("the script prints a JSON list")
}

/// One call with the default key.
pub async fn one(daemon: &TestDaemon, op: &str, params: Value) -> Value {
    boto3(daemon, "AKIDLOCAL", json!([[op, params]]))
        .await
        .remove(0)
}

/// Asserts `r` is the typed exception `code` and its message contains `needle`.
pub fn assert_error(r: &Value, code: &str, needle: &str) {
    let e = &r["Error"];
    assert_eq!(e["Code"], code, "{r}");
    assert_eq!(e["Typed"], true, "boto3 raised its modeled class: {r}");
    assert_eq!(e["Status"], 400, "{r}");
    assert!(
        e["Message"].as_str().unwrap_or("").contains(needle),
        "message should contain {needle:?}: {r}"
    );
}
