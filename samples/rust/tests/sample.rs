//! Runs the sample server binary against the SDK's fake service and checks the whole dance:
//! ready, activate, accept, a player leaves, backfill, update, process ending.

#[path = "../../../sdk/tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn sample_server_does_the_full_dance() {
    let mut service = FakeService::start().await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_playfield-sample-server"))
        .args(["--session-seconds", "0.2", "--backfill-wait", "5"])
        .env("GAMELIFT_SDK_WEBSOCKET_URL", service.url())
        .env("GAMELIFT_SDK_AUTH_TOKEN", "dev")
        .env("GAMELIFT_SDK_FLEET_ID", FLEET)
        .env("GAMELIFT_SDK_HOST_ID", HOST)
        .env("GAMELIFT_SDK_PROCESS_ID", "ManagedResource")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("sample binary starts");

    let mut conn = service.next_conn().await;
    assert!(
        is_uuid_v4(&json!(conn.query()["pID"])),
        "ManagedResource → UUID"
    );
    let req = conn.expect("ActivateServerProcess").await;
    assert_eq!(req["Port"], 7777);
    conn.reply_ok(&req, json!({})).await;
    conn.push_create_game_session().await;
    let req = conn.expect("ActivateGameSession").await;
    conn.reply_ok(&req, json!({})).await;
    let req = conn.expect("DescribePlayerSessions").await;
    assert_eq!(req["GameSessionId"], GAME_SESSION);
    let session = |id: &str, player: &str| {
        json!({"PlayerSessionId": id, "PlayerId": player, "GameSessionId": GAME_SESSION,
            "FleetId": FLEET, "Status": "RESERVED", "CreationTime": 0, "TerminationTime": 0})
    };
    conn.reply_ok(
        &req,
        json!({"PlayerSessions": [session("psess-1", "player-1"), session("psess-2", "player-2")]}),
    )
    .await;
    for id in ["psess-1", "psess-2"] {
        let req = conn.expect("AcceptPlayerSession").await;
        assert_eq!(req["PlayerSessionId"], id);
        conn.reply_ok(&req, json!({})).await;
    }
    let req = conn.expect("RemovePlayerSession").await;
    assert_eq!(req["PlayerSessionId"], "psess-2");
    conn.reply_ok(&req, json!({})).await;
    let req = conn.expect("StartMatchBackfill").await;
    assert_eq!(req["MatchmakingConfigurationArn"], CONFIG_ARN);
    assert_eq!(req["Players"].as_array().unwrap().len(), 1, "{req}");
    assert_eq!(req["Players"][0]["PlayerId"], "player-1");
    assert_eq!(req["Players"][0]["Team"], "red");
    // Guide 002 line 2389: latency for the game session's region, read from its ARN.
    assert_eq!(
        req["Players"][0]["LatencyInMs"],
        json!({"us-west-2": 50}),
        "{req}"
    );
    conn.reply_ok(&req, json!({"TicketId": "t-1"})).await;
    conn.push(
        "UpdateGameSession",
        json!({"GameSession": {"GameSessionId": GAME_SESSION, "MatchmakerData": matchmaker_data()},
            "UpdateReason": "MATCHMAKING_DATA_UPDATED", "BackfillTicketId": "t-1"}),
    )
    .await;
    let req = conn.expect("RemovePlayerSession").await;
    assert_eq!(req["PlayerSessionId"], "psess-1");
    conn.reply_ok(&req, json!({})).await;
    let req = conn.expect("TerminateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    assert!(conn.maybe_request(Duration::from_secs(10)).await.is_none());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the sample exits")
        .unwrap();
    assert!(status.success(), "{status}");
}
