//! Error paths: every bad request gets a reply with `Action`, `RequestId`, a non-200
//! `StatusCode` and an `ErrorMessage` naming what is wrong (sdk-wire-protocol.md §2.1–§2.3,
//! §10), and a bad message never harms other connections.

use futures_util::SinkExt;
use playfield_core::Fleet;
use playfield_e2e::{bounded, GameServer, TestDaemon};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

fn message(r: &Value) -> &str {
    r["ErrorMessage"].as_str().unwrap_or_default()
}

/// sdk-wire-protocol.md §2.3: 404 for unknown things, 403 for another process's session.
#[tokio::test]
async fn unknown_and_foreign_game_sessions() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 2).await;
        let r = gs
            .request(
                "ActivateGameSession",
                json!({"GameSessionId": "arn:aws:gamelift:us-west-2::gamesession/fleet-test/nope"}),
            )
            .await;
        assert_eq!(r["Action"], "ActivateGameSession");
        assert_eq!(r["StatusCode"], 404);
        assert!(
            message(&r).contains(
                "no game session 'arn:aws:gamelift:us-west-2::gamesession/fleet-test/nope'"
            ),
            "{r}"
        );

        let r = gs
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": "psess-123"}),
            )
            .await;
        assert_eq!(r["StatusCode"], 404);
        assert_eq!(message(&r), "no player session 'psess-123'");

        let mut other = GameServer::ready(&d, "proc-2").await;
        let r = other
            .request(
                "UpdatePlayerSessionCreationPolicy",
                json!({"GameSessionId": id, "PlayerSessionPolicy": "DENY_ALL"}),
            )
            .await;
        assert_eq!(r["StatusCode"], 403);
        assert!(
            message(&r).contains("not hosted by server process 'proc-2'"),
            "{r}"
        );
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §3.4 and §3 (error reply example): a player session in the wrong
/// state is refused with a message giving its state.
#[tokio::test]
async fn player_session_in_the_wrong_state() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 2).await;
        let ps = d.create_player_sessions(&id, &["alice"]).unwrap();
        let psid = ps[0].id.clone();
        let ok = gs
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": psid}),
            )
            .await;
        assert_eq!(ok["StatusCode"], 200);
        let r = gs
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": psid}),
            )
            .await;
        assert_eq!(r["Action"], "AcceptPlayerSession");
        assert_eq!(r["StatusCode"], 400);
        assert_eq!(
            message(&r),
            format!("player session '{psid}' is ACTIVE, not RESERVED")
        );
        gs.request(
            "RemovePlayerSession",
            json!({"GameSessionId": id, "PlayerSessionId": psid}),
        )
        .await;
        let r = gs
            .request(
                "RemovePlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": psid}),
            )
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(
            message(&r).contains("is COMPLETED, not RESERVED or ACTIVE"),
            "{r}"
        );
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §3.1, §3.3, §3.5, §7.14: bad or missing parameters are named.
#[tokio::test]
async fn bad_parameters_are_named() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut fresh = GameServer::connect_as(&d, "proc-0").await;
        let r = fresh
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(message(&r).contains("call ProcessReady first"), "{r}");
        let r = fresh
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.4.0","SdkLanguage":"Cpp","Port":70000}),
            )
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(message(&r).contains("Port 70000"), "{r}");

        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 2).await;
        let cases = [
            ("ActivateGameSession", json!({}), "GameSessionId is missing"),
            (
                "AcceptPlayerSession",
                json!({"GameSessionId": id}),
                "PlayerSessionId is missing",
            ),
            (
                "UpdatePlayerSessionCreationPolicy",
                json!({"GameSessionId": id, "PlayerSessionPolicy": "NOT_SET"}),
                "NOT_SET",
            ),
            (
                "UpdatePlayerSessionCreationPolicy",
                json!({"GameSessionId": id, "PlayerSessionPolicy": "MAYBE"}),
                "unknown variant `MAYBE`",
            ),
            (
                "HeartbeatServerProcess",
                json!({}),
                "missing field `HealthStatus`",
            ),
            (
                "HeartbeatServerProcess",
                json!({"HealthStatus": "yes"}),
                "expected a boolean",
            ),
            (
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "PlayerId": "a"}),
                "exactly one",
            ),
            (
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "PlayerSessionStatusFilter": "GONE"}),
                "PlayerSessionStatusFilter: 'GONE'",
            ),
            (
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "Limit": -1}),
                "Limit",
            ),
            (
                "DescribePlayerSessions",
                json!({"GameSessionId": id, "NextToken": "zzz"}),
                "NextToken",
            ),
        ];
        for (action, fields, expected) in cases {
            let r = gs.request(action, fields.clone()).await;
            assert_eq!(r["Action"], action, "{r}");
            assert_eq!(r["StatusCode"], 400, "{action} {fields}: {r}");
            assert!(
                message(&r).contains(expected),
                "{action} {fields}: expected {expected:?} in {r}"
            );
        }
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §2.1, §1.4: non-JSON, non-objects, missing Action or RequestId,
/// unknown actions, pushes sent the wrong way, binary garbage and oversized messages all get
/// a 400 reply saying what is wrong, and the connection and others keep working.
#[tokio::test]
async fn malformed_messages_get_error_replies_and_nothing_breaks() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&d, "proc-bystander").await;
        let mut gs = GameServer::ready(&d, "proc-1").await;

        let cases: [(&str, &str); 7] = [
            ("not json at all", "not valid JSON"),
            ("[1,2,3]", "must be a JSON object, got an array"),
            (r#"{"RequestId":"r1"}"#, "\"Action\" is missing"),
            (r#"{"Action":42,"RequestId":"r1"}"#, "\"Action\" must be a string"),
            (r#"{"Action":"HeartbeatServerProcess","HealthStatus":true}"#, "\"RequestId\" is missing"),
            (r#"{"Action":"LaunchMissiles","RequestId":"r2"}"#, "unknown Action \"LaunchMissiles\""),
            (r#"{"Action":"CreateGameSession","RequestId":"r3"}"#, "is a push the service sends"),
        ];
        for (text, expected) in cases {
            gs.send_text(text).await;
            let r = gs.recv().await.expect("an error reply");
            assert_eq!(r["StatusCode"], 400, "{text}: {r}");
            assert!(message(&r).contains(expected), "{text}: expected {expected:?} in {r}");
        }
        // The reply echoes what could be read.
        gs.send_text(r#"{"Action":"LaunchMissiles","RequestId":"r9"}"#).await;
        let r = gs.recv().await.unwrap();
        assert_eq!((r["Action"].as_str(), r["RequestId"].as_str()), (Some("LaunchMissiles"), Some("r9")));

        gs.ws.send(Message::binary(vec![0xff, 0xfe, 0x00])).await.unwrap();
        let r = gs.recv().await.unwrap();
        assert!(message(&r).contains("binary frame is not UTF-8"), "{r}");

        // Oversized: 1.5 MiB of padding, above the 1 MiB limit but readable (below the 2 MiB
        // hard limit); RequestId echoed.
        let big = format!(
            r#"{{"Action":"HeartbeatServerProcess","RequestId":"big-1","HealthStatus":true,"Pad":"{}"}}"#,
            "x".repeat(3 << 19)
        );
        gs.send_text(big).await;
        let r = gs.recv().await.unwrap();
        assert_eq!(r["RequestId"], "big-1");
        assert_eq!(r["StatusCode"], 400);
        assert!(message(&r).contains("the limit is 1048576 bytes"), "{r}");

        // Still serving this connection and the other one.
        let r = gs.request("HeartbeatServerProcess", json!({"HealthStatus": true})).await;
        assert_eq!(r["StatusCode"], 200);
        let r = bystander.request("HeartbeatServerProcess", json!({"HealthStatus": true})).await;
        assert_eq!(r["StatusCode"], 200);
        d.shutdown().await;
    })
    .await;
}

/// A message beyond the hard limit (2 MiB, twice the 1 MiB a message may have) is not read at all: the connection is closed
/// with 1009 (message too big) and a reason naming the limit; other connections keep
/// working. The daemon reads and discards what the client still sends until it ends, so
/// the close frame is not lost to a TCP reset (RFC 6455 §7.1.1: the server closes TCP only
/// after the close handshake).
#[tokio::test]
async fn a_message_beyond_the_hard_limit_closes_only_its_connection() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&d, "proc-bystander").await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let huge = format!(
            r#"{{"Action":"HeartbeatServerProcess","RequestId":"h","Pad":"{}"}}"#,
            "x".repeat(3 << 20)
        );
        // The daemon reads the rest away instead of resetting the connection under the
        // sender, which would make the SDK see a failed write, not the close.
        gs.ws
            .send(Message::text(huge))
            .await
            .expect("the message is sent whole");
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1009);
        assert!(
            close.reason.contains("the limit is 2097152 bytes"),
            "{}",
            close.reason
        );
        gs.expect_clean_end().await;
        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        d.shutdown().await;
    })
    .await;
}

/// A text frame that is not UTF-8 breaks the WebSocket protocol (RFC 6455 §8.1): that
/// connection is failed with 1007, the others go on.
#[tokio::test]
async fn an_invalid_utf8_text_frame_fails_only_its_connection() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    bounded(async {
        let d = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&d, "proc-bystander").await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let frame = Frame::message(vec![b'{', 0xff, b'}'], OpCode::Data(Data::Text), true);
        gs.ws.send(Message::Frame(frame)).await.unwrap();
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1007);
        assert!(close.reason.contains("UTF-8"), "{}", close.reason);
        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        d.shutdown().await;
    })
    .await;
}

/// A frame with a reserved opcode breaks the WebSocket protocol (RFC 6455 §5.2: "If an
/// unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket
/// Connection_"): that connection is closed with 1002 and a reason, then ends cleanly; the
/// others go on.
#[tokio::test]
async fn a_frame_with_a_reserved_opcode_fails_only_its_connection() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    bounded(async {
        let d = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&d, "proc-bystander").await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let frame = Frame::message(b"{}".to_vec(), OpCode::Data(Data::Reserved(3)), true);
        gs.ws.send(Message::Frame(frame)).await.unwrap();
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1002);
        assert!(close.reason.contains("protocol error"), "{}", close.reason);
        gs.expect_clean_end().await;
        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §1.2: an upgrade without pID or FleetId is refused with HTTP 400
/// and a body naming the parameter.
#[tokio::test]
async fn upgrade_without_identity_is_refused_with_400() {
    bounded(async {
        let d = TestDaemon::start().await;
        for (query, expected) in [
            ("FleetId=fleet-test", "missing query parameter pID"),
            ("pID=proc-1", "missing query parameter FleetId"),
            ("pID=proc-1&FleetId=fleet.dotted", "FleetId"),
        ] {
            let url = format!("{}/?{query}", d.ws_url());
            let err = GameServer::connect(&url).await.err().expect("refused");
            let http = err
                .downcast_ref::<tokio_tungstenite::tungstenite::Error>()
                .and_then(|e| match e {
                    tokio_tungstenite::tungstenite::Error::Http(r) => Some(r),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("an HTTP refusal, got {err}"));
            assert_eq!(http.status().as_u16(), 400);
            let body =
                String::from_utf8_lossy(http.body().as_deref().unwrap_or_default()).to_string();
            assert!(body.contains(expected), "{query}: {body}");
        }
        // lessons-from-peers.md: fleet ids are validated. An unknown fleet is a 404 naming
        // the known ones.
        let url = format!("{}/?pID=proc-1&FleetId=fleet-typo", d.ws_url());
        let err = GameServer::connect(&url).await.err().expect("refused");
        assert!(err.to_string().contains("404"), "{err}");
        // A pID bound to another fleet is a conflict.
        d.execute(|c, _| {
            c.register_fleet(Fleet {
                id: "fleet-other".into(),
                name: "other".into(),
                locations: vec![],
            })
        })
        .unwrap();
        let _first = GameServer::connect_as(&d, "proc-1").await;
        let url = format!("{}/?pID=proc-1&FleetId=fleet-other", d.ws_url());
        let err = GameServer::connect(&url).await.err().expect("refused");
        assert!(err.to_string().contains("409"), "{err}");
        d.shutdown().await;
    })
    .await;
}
