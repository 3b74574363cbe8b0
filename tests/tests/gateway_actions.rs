//! Every SDK action gets a reply that echoes `Action` and `RequestId` and carries
//! `StatusCode` (sdk-wire-protocol.md §2, §3, §10), and a game session goes through its
//! whole life over the socket.

use playfield_core::{GameSessionStatus, PlayerSessionStatus};
use playfield_e2e::{bounded, GameServer, TestDaemon, FLEET};
use serde_json::json;

/// sdk-wire-protocol.md §3, §4.1, §3.3–§3.6, §3.9: ProcessReady → CreateGameSession push →
/// ActivateGameSession → Accept/Describe/Remove player sessions → ProcessEnding.
#[tokio::test]
async fn a_game_session_lives_and_ends_over_the_socket() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;

        let hb = gs
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(hb["Action"], "HeartbeatServerProcess");
        assert_eq!(hb["StatusCode"], 200);

        let session = d.create_game_session(4).expect("a free process");
        let push = gs.expect_push("CreateGameSession").await;
        assert_eq!(push["GameSessionId"], session.id.as_str());
        let id = session.id.clone();

        let r = gs
            .request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;
        assert_eq!(
            (r["Action"].as_str(), r["StatusCode"].as_u64()),
            (Some("ActivateGameSession"), Some(200))
        );
        assert_eq!(
            d.read(|c| c.game_session(&id).unwrap().status),
            GameSessionStatus::Active
        );

        let ps = d.create_player_sessions(&id, &["alice", "bob"]).unwrap();
        let r = gs
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["Action"], "AcceptPlayerSession");
        assert_eq!(r["StatusCode"], 200, "{r}");

        let r = gs
            .request(
                "UpdatePlayerSessionCreationPolicy",
                json!({"GameSessionId": id, "PlayerSessionPolicy": "DENY_ALL"}),
            )
            .await;
        assert_eq!(r["Action"], "UpdatePlayerSessionCreationPolicy");
        assert_eq!(r["StatusCode"], 200, "{r}");
        assert!(
            d.create_player_sessions(&id, &["carol"]).is_err(),
            "DENY_ALL holds"
        );

        let r = gs
            .request("DescribePlayerSessions", json!({"GameSessionId": id}))
            .await;
        assert_eq!(r["Action"], "DescribePlayerSessions");
        assert_eq!(r["StatusCode"], 200, "{r}");
        let list = r["PlayerSessions"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        // §3.6 / §5.4: exactly these keys, times as integers (epoch ms), Status always sent.
        let first = list[0].as_object().unwrap();
        let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "CreationTime",
                "DnsName",
                "FleetId",
                "GameSessionId",
                "IpAddress",
                "PlayerData",
                "PlayerId",
                "PlayerSessionId",
                "Port",
                "Status",
                "TerminationTime"
            ]
        );
        assert_eq!(first["PlayerSessionId"], ps[0].id.as_str());
        assert_eq!(first["Status"], "ACTIVE");
        assert_eq!(first["CreationTime"].as_i64(), Some(d.now() as i64));
        assert_eq!(first["TerminationTime"].as_i64(), Some(0));
        assert_eq!(first["Port"].as_i64(), Some(7777));
        assert_eq!(first["FleetId"], FLEET);
        assert_eq!(list[1]["Status"], "RESERVED");

        let r = gs
            .request(
                "RemovePlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["Action"], "RemovePlayerSession");
        assert_eq!(r["StatusCode"], 200, "{r}");
        assert_eq!(
            d.read(|c| c.player_session(&ps[0].id).unwrap().status),
            PlayerSessionStatus::Completed
        );

        let r = gs.request("TerminateServerProcess", json!({})).await;
        assert_eq!(r["Action"], "TerminateServerProcess");
        assert_eq!(r["StatusCode"], 200);
        let ended = d.read(|c| c.game_session(&id).cloned().unwrap());
        assert_eq!(ended.status, GameSessionStatus::Terminated);
        assert_eq!(ended.status_reason, None, "ended by its own process");
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §3.6: paging with Limit and NextToken, and the status filter.
#[tokio::test]
async fn describe_player_sessions_pages_and_filters() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let id = d.create_game_session(10).unwrap().id;
        gs.expect_push("CreateGameSession").await;
        gs.request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;
        let ps = d.create_player_sessions(&id, &["a", "b", "c"]).unwrap();
        gs.request(
            "AcceptPlayerSession",
            json!({"GameSessionId": id, "PlayerSessionId": ps[2].id}),
        )
        .await;

        let p1 = gs
            .request(
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "Limit": 2}),
            )
            .await;
        assert_eq!(p1["PlayerSessions"].as_array().unwrap().len(), 2);
        let token = p1["NextToken"].as_str().expect("a second page").to_string();
        let p2 = gs
            .request(
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "Limit": 2, "NextToken": token}),
            )
            .await;
        assert_eq!(
            p2["PlayerSessions"][0]["PlayerSessionId"],
            ps[2].id.as_str()
        );
        assert!(p2.get("NextToken").is_none(), "last page: {p2}");

        let active = gs
            .request(
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "PlayerSessionStatusFilter": "ACTIVE"}),
            )
            .await;
        assert_eq!(active["PlayerSessions"].as_array().unwrap().len(), 1);
        let by_player = gs
            .request("DescribePlayerSessions", json!({"PlayerId": "b"}))
            .await;
        assert_eq!(
            by_player["PlayerSessions"][0]["PlayerSessionId"],
            ps[1].id.as_str()
        );
        let by_id = gs
            .request(
                "DescribePlayerSessions",
                json!({"PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(by_id["PlayerSessions"][0]["PlayerId"], "a");
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §3.10–§3.11: an Anywhere compute has no certificate and no fleet
/// role credentials (empty AccessKeyId), but both calls are answered with their keys.
#[tokio::test]
async fn compute_certificate_and_role_credentials_answer_as_anywhere() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let r = gs.request("GetComputeCertificate", json!({})).await;
        assert_eq!(r["Action"], "GetComputeCertificate");
        assert_eq!(r["StatusCode"], 200);
        assert_eq!(r["ComputeName"], "my-host");
        assert_eq!(r["CertificatePath"], "");

        let r = gs
            .request(
                "GetFleetRoleCredentials",
                json!({"RoleArn": "arn:aws:iam::123456789012:role/game-role", "RoleSessionName": "fleet-test-my-host"}),
            )
            .await;
        assert_eq!(r["Action"], "GetFleetRoleCredentials");
        assert_eq!(r["StatusCode"], 200);
        assert_eq!(r["AccessKeyId"], "");
        for key in ["AssumedRoleUserArn", "AssumedRoleId", "SecretAccessKey", "SessionToken", "Expiration"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        let r = gs.request("GetFleetRoleCredentials", json!({"RoleSessionName": "x"})).await;
        assert_eq!(r["StatusCode"], 400);
        assert!(r["ErrorMessage"].as_str().unwrap().contains("RoleArn"), "{r}");
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §3.7–§3.8, §7.14: backfill requests are validated like the GO SDK
/// does; a well-formed one naming a configuration the daemon does not run is refused with
/// 404 naming it (no ticket is pretended).
#[tokio::test]
async fn backfill_is_validated_and_names_an_unknown_configuration() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let id = d.create_game_session(2).unwrap().id;
        gs.expect_push("CreateGameSession").await;
        let config = "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel";
        let players = json!([{"PlayerId":"p1","Team":"red","PlayerAttributes":{"skill":{"AttrType":"DOUBLE","N":23}},"LatencyInMs":{"us-west-2":42}}]);

        let r = gs
            .request("StartMatchBackfill", json!({"GameSessionArn": id, "MatchmakingConfigurationArn": "Duel", "TicketId": "", "Players": players}))
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(r["ErrorMessage"].as_str().unwrap().contains("MatchmakingConfigurationArn 'Duel'"), "{r}");

        let r = gs
            .request("StartMatchBackfill", json!({"GameSessionArn": id, "MatchmakingConfigurationArn": config, "Players": []}))
            .await;
        assert!(r["ErrorMessage"].as_str().unwrap().contains("Players"), "{r}");

        let r = gs
            .request("StartMatchBackfill", json!({"GameSessionArn": id, "MatchmakingConfigurationArn": config, "TicketId": "", "Players": players}))
            .await;
        assert_eq!(r["Action"], "StartMatchBackfill");
        assert_eq!(r["StatusCode"], 404);
        assert!(r["ErrorMessage"].as_str().unwrap().contains("no matchmaking configuration 'arn:"), "{r}");
        assert!(r.get("TicketId").is_none());

        let r = gs
            .request("StopMatchBackfill", json!({"GameSessionArn": id, "MatchmakingConfigurationArn": config}))
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(r["ErrorMessage"].as_str().unwrap().contains("TicketId is missing"), "{r}");
        let r = gs
            .request("StopMatchBackfill", json!({"GameSessionArn": id, "MatchmakingConfigurationArn": config, "TicketId": "t-1"}))
            .await;
        assert_eq!(r["Action"], "StopMatchBackfill");
        assert_eq!(r["StatusCode"], 404);
        d.shutdown().await;
    })
    .await;
}

/// Shutdown closes every game server connection with 1001 (going away): both SDKs treat
/// 1000/1001 as a normal close and do not reconnect to a daemon that is gone
/// (sdk-wire-protocol.md §1.8).
#[tokio::test]
async fn shutdown_closes_connections_with_going_away() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let shutdown = tokio::spawn(d.shutdown());
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1001);
        shutdown.await.unwrap();
    })
    .await;
}

/// A graceful shutdown first pushes TerminateProcess (sdk-wire-protocol.md §4.3) and waits
/// for game servers to call ProcessEnding (§3.9).
#[tokio::test]
async fn terminate_processes_asks_every_game_server_to_end() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut a = GameServer::ready(&d, "proc-a").await;
        let mut b = GameServer::ready(&d, "proc-b").await;
        let waiting = async {
            for gs in [&mut a, &mut b] {
                let push = gs.expect_push("TerminateProcess").await;
                assert!(push["TerminationTime"].as_i64().unwrap() > d.now() as i64);
                let r = gs.request("TerminateServerProcess", json!({})).await;
                assert_eq!(r["StatusCode"], 200);
            }
        };
        let (left, ()) = tokio::join!(
            d.handle
                .terminate_processes(std::time::Duration::from_secs(30)),
            waiting
        );
        assert_eq!(left, 0);
        d.shutdown().await;
    })
    .await;
}
