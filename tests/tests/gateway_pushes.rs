//! Pushes carry exactly the fields of sdk-wire-protocol.md §4, with `"StatusCode":200` and
//! a fresh `RequestId` (§2.2: a push with a RequestId and no 200 is dropped by both SDKs),
//! only after ProcessReady was acknowledged (§10), on the newest socket of the process.

use std::time::Duration;

use playfield::sdk_wire;
use playfield_core::BackfillMode;
use playfield_core::{json_length_bound, MatchedPlayer, MatchedTeam, MatchmakerData};
use playfield_core::{CreateGameSession, UpdateReason};
use playfield_e2e::{bounded, GameServer, TestDaemon, FLEET};
use playfield_flexmatch::AttributeValue;
use serde_json::{json, Value};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(k: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = k.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// sdk-wire-protocol.md §4.1: the name key is `GameSessionName`, `GameProperties` is an
/// object, integers are integers, no FleetId/Status.
#[tokio::test]
async fn create_game_session_push_has_exactly_the_section_4_1_fields() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let s = d.create_game_session(8).unwrap();
        let push = gs.expect_push("CreateGameSession").await;
        assert_eq!(
            keys(&push),
            sorted(&[
                "Action",
                "RequestId",
                "StatusCode",
                "GameSessionId",
                "GameSessionName",
                "GameSessionData",
                "MatchmakerData",
                "DnsName",
                "IpAddress",
                "Port",
                "MaximumPlayerSessionCount",
                "GameProperties"
            ])
        );
        assert_eq!(push["StatusCode"], 200);
        assert!(!push["RequestId"].as_str().unwrap().is_empty());
        assert_eq!(push["GameSessionId"], s.id.as_str());
        assert!(s.id.starts_with(&format!(
            "arn:aws:gamelift:us-west-2::gamesession/{FLEET}/gsess-"
        )));
        assert_eq!(push["GameSessionName"], "test-session");
        assert_eq!(push["GameSessionData"], "map=arena");
        assert_eq!(push["MatchmakerData"], r#"{"matchId":"m-1"}"#);
        assert_eq!(push["IpAddress"], "127.0.0.1");
        assert_eq!(push["DnsName"], "localhost");
        assert_eq!(push["Port"].as_i64(), Some(7777));
        assert_eq!(push["MaximumPlayerSessionCount"].as_i64(), Some(8));
        assert_eq!(push["GameProperties"], json!({"mode": "ctf"}));
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §4.2–§4.4: UpdateGameSession (with a `GameSession` object whose
/// name key is `Name`), TerminateProcess (epoch ms) and RefreshConnection.
#[tokio::test]
async fn update_terminate_and_refresh_pushes_have_their_fields() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let id = d.create_game_session(8).unwrap().id;
        let create = gs.expect_push("CreateGameSession").await;
        gs.request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;

        d.execute(|c, _| {
            c.notify_game_session_update(
                &id,
                Some(MatchmakerData {
                    match_id: "m-2".into(),
                    ..MatchmakerData::default()
                }),
                UpdateReason::MatchmakingDataUpdated,
                Some("ticket-1".into()),
            )
        })
        .unwrap();
        let up = gs.expect_push("UpdateGameSession").await;
        assert_eq!(
            keys(&up),
            sorted(&[
                "Action",
                "RequestId",
                "StatusCode",
                "GameSession",
                "UpdateReason",
                "BackfillTicketId"
            ])
        );
        assert_eq!(up["StatusCode"], 200);
        assert_ne!(
            up["RequestId"], create["RequestId"],
            "a fresh RequestId per push"
        );
        assert_eq!(up["UpdateReason"], "MATCHMAKING_DATA_UPDATED");
        assert_eq!(up["BackfillTicketId"], "ticket-1");
        let g = &up["GameSession"];
        assert_eq!(g["GameSessionId"], id.as_str());
        assert_eq!(g["Name"], "test-session");
        assert!(g.get("GameSessionName").is_none());
        assert_eq!(g["FleetId"], FLEET);
        assert_eq!(g["MatchmakerData"], r#"{"matchId":"m-2"}"#);
        assert_eq!(g["Status"], "ACTIVE");
        assert_eq!(g["MaximumPlayerSessionCount"].as_i64(), Some(8));

        let at = d.now() + 300_000;
        d.execute(|c, _| c.request_termination("proc-1", at))
            .unwrap();
        let t = gs.expect_push("TerminateProcess").await;
        assert_eq!(
            keys(&t),
            sorted(&["Action", "RequestId", "StatusCode", "TerminationTime"])
        );
        assert_eq!(t["StatusCode"], 200);
        assert_eq!(t["TerminationTime"].as_i64(), Some(at as i64));

        d.execute(|c, _| {
            c.refresh_connection("proc-1", "wss://127.0.0.1:1/".into(), "tok+/=".into())
        })
        .unwrap();
        let r = gs.expect_push("RefreshConnection").await;
        assert_eq!(
            keys(&r),
            sorted(&[
                "Action",
                "RequestId",
                "StatusCode",
                "RefreshConnectionEndpoint",
                "AuthToken"
            ])
        );
        assert_eq!(r["RefreshConnectionEndpoint"], "wss://127.0.0.1:1/");
        assert_eq!(r["AuthToken"], "tok+/=");
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §10: nothing is pushed before ProcessReady was acknowledged.
#[tokio::test]
async fn no_push_before_process_ready() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::connect_as(&d, "proc-1").await;
        assert!(
            d.create_game_session(2).is_err(),
            "no ready process to place on"
        );
        let err = d
            .execute(|c, now| c.request_termination("proc-1", now))
            .unwrap_err();
        assert!(err.to_string().contains("call ProcessReady first"), "{err}");
        gs.expect_silence(Duration::from_millis(50)).await;
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §10: with two sockets for one pID (a refresh or reconnect in
/// progress), pushes go to the newest, and requests are answered on the socket they came on.
#[tokio::test]
async fn pushes_go_to_the_newest_socket() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut old = GameServer::ready(&d, "proc-1").await;
        let mut new = GameServer::connect_as(&d, "proc-1").await;
        let id = d.create_game_session(2).unwrap().id;
        let push = new.expect_push("CreateGameSession").await;
        assert_eq!(push["GameSessionId"], id.as_str());
        let r = old
            .request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        // Closing the old socket is not a disconnect of the process.
        old.drop_connection();
        d.wait_until("old socket gone", |c| {
            c.process("proc-1").unwrap().connections.len() == 1
        })
        .await;
        d.advance(Duration::from_secs(120));
        assert!(d.read(|c| c.process("proc-1").is_some()));
        d.shutdown().await;
    })
    .await;
}

/// service-api.md, GameSession: `MatchmakerData` is "string(1..390000)", the characters of
/// the JSON document game servers read (sdk-wire-protocol.md §4.1, §5.2). The daemon counts exactly that JSON: a
/// document whose JSON is 390 000 characters long (with a number, which the core's own,
/// conservative count would put above the bound) is pushed whole; one character more is
/// refused, naming MatchmakerData.
#[tokio::test]
async fn matchmaker_data_of_390000_characters_is_pushed_whole() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let document = |match_id: String| MatchmakerData {
            match_id,
            matchmaking_configuration_arn:
                "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel".into(),
            teams: vec![MatchedTeam {
                name: "red".into(),
                players: vec![MatchedPlayer {
                    player_id: "player-1".into(),
                    attributes: [("skill".to_string(), AttributeValue::Number(23.0))].into(),
                }],
            }],
            auto_backfill_ticket_id: None,
            auto_backfill_mode: Some(BackfillMode::Manual),
        };
        let rest = sdk_wire::matchmaker_data_len(&document(String::new()));
        let longest = document("m".repeat(390_000 - rest));
        assert_eq!(sdk_wire::matchmaker_data_len(&longest), 390_000);
        assert!(json_length_bound(&longest) > 390_000);
        let create = |md: MatchmakerData| {
            d.execute(|c, now| {
                c.create_game_session(
                    now,
                    CreateGameSession {
                        fleet_id: FLEET.into(),
                        maximum_player_session_count: 2,
                        matchmaker_data: Some(md),
                        ..Default::default()
                    },
                )
            })
        };
        let err = create(document("m".repeat(390_001 - rest))).unwrap_err();
        assert!(
            err.to_string()
                .contains("MatchmakerData: must be 1..390000 characters, got 390001"),
            "{err}"
        );
        create(longest.clone()).expect("390 000 characters are allowed");
        let push = gs.expect_push("CreateGameSession").await;
        let pushed = push["MatchmakerData"].as_str().unwrap();
        assert_eq!(pushed.chars().count(), 390_000);
        assert_eq!(pushed, sdk_wire::matchmaker_data_json(&longest));
        d.shutdown().await;
    })
    .await;
}
