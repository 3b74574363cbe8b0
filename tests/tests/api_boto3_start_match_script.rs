//! `samples/scripts/start_match.py`, the quick start's script, against the daemon: with a
//! latency rule every player must report latencies (issue 17 item 3), and `--latency
//! LOCATION=MS` sends them.
//!
//! boto3 comes from a virtualenv the test sets up itself (see `support/boto3.rs`); it needs
//! `python3` and, on first run, PyPI.

use crate::support::boto3;

use std::path::Path;

use boto3::{one, python};
use playfield_e2e::TestDaemon;
use serde_json::json;

/// A duel whose players must be within 100 ms of a common location.
const LATENCY_DUEL: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "ping", "type": "latency", "maxLatency": 100}]
}"#;

#[tokio::test]
async fn start_match_script_sends_latencies_a_latency_rule_needs() {
    tokio::task::spawn_blocking(python).await.unwrap();
    let d = TestDaemon::start().await;
    one(
        &d,
        "create_matchmaking_rule_set",
        json!({"Name": "ping", "RuleSetBody": LATENCY_DUEL}),
    )
    .await;
    // STANDALONE: a match completes the tickets without a game server.
    let cfg = one(
        &d,
        "create_matchmaking_configuration",
        json!({"Name": "duel", "RuleSetName": "ping", "RequestTimeoutSeconds": 60,
               "AcceptanceRequired": false, "FlexMatchMode": "STANDALONE"}),
    )
    .await;
    assert_eq!(cfg["Configuration"]["Name"], "duel", "{cfg}");

    let endpoint = d.api_url();
    let out = tokio::task::spawn_blocking(move || {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/scripts/start_match.py");
        python()
            .command()
            .arg(script)
            .args([
                "--endpoint",
                &endpoint,
                "--configuration",
                "duel",
                "--timeout",
                "30",
            ])
            .args([
                "--latency",
                "custom-local=50",
                "--latency",
                "custom-far=120",
            ])
            .args(["alice", "bob"])
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // "alice: ticket <id> QUEUED"
    let tickets: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.split_once(": ticket ")?.1.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert_eq!(tickets.len(), 2, "{stdout}");
    let described = one(&d, "describe_matchmaking", json!({"TicketIds": tickets})).await;
    for t in described["TicketList"].as_array().unwrap() {
        assert_eq!(t["Status"], "COMPLETED", "{t}");
        assert_eq!(
            t["Players"][0]["LatencyInMs"],
            json!({"custom-local": 50, "custom-far": 120}),
            "{t}"
        );
    }
}
