//! Time-based behaviour, driven by advancing the daemon's manual clock (no sleeping):
//! heartbeat timeout, health, reconnect grace, reservation and activation timeouts.

use std::time::Duration;

use playfield_core::{CoreConfig, GameSessionStatus, GameSessionStatusReason, PlayerSessionStatus};
use playfield_e2e::{bounded, GameServer, TestDaemon};
use serde_json::json;

const SEC: Duration = Duration::from_secs(1);

/// sdk-wire-protocol.md §6: heartbeats every 50–70 s; a process that stops sending them is
/// gone after the heartbeat timeout (180 s by default), its game session is interrupted and
/// its socket closed with 1000 so the SDK does not reconnect (§1.8).
#[tokio::test]
async fn heartbeat_timeout_ends_the_process_and_its_session() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 4).await;
        d.advance(170 * SEC);
        let r = gs
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200);
        d.advance(179 * SEC);
        assert!(
            d.read(|c| c.process("proc-1").is_some()),
            "the heartbeat moved the deadline"
        );
        d.advance(SEC);
        assert!(d.read(|c| c.process("proc-1").is_none()));
        let s = d.read(|c| c.game_session(&id).cloned().unwrap());
        assert_eq!(s.status, GameSessionStatus::Terminated);
        assert_eq!(s.status_reason, Some(GameSessionStatusReason::Interrupted));
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1000);
        assert!(close.reason.contains("no heartbeat"), "{}", close.reason);
        d.shutdown().await;
    })
    .await;
}

/// The timer task wakes up on its own when the manual clock moves: no explicit tick.
#[tokio::test]
async fn the_timer_task_follows_the_manual_clock() {
    bounded(async {
        let d = TestDaemon::start().await;
        let _gs = GameServer::ready(&d, "proc-1").await;
        d.clock.advance(181 * SEC);
        d.wait_until("proc-1 timed out", |c| c.process("proc-1").is_none())
            .await;
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §6: `HealthStatus:false` marks the process unhealthy; it gets no new
/// game session until it reports healthy again.
#[tokio::test]
async fn an_unhealthy_process_gets_no_game_session() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        gs.request("HeartbeatServerProcess", json!({"HealthStatus": false}))
            .await;
        assert!(!d.read(|c| c.process("proc-1").unwrap().healthy));
        assert!(d.create_game_session(2).is_err());
        gs.request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        d.create_game_session(2).expect("healthy again");
        gs.expect_push("CreateGameSession").await;
        d.shutdown().await;
    })
    .await;
}

/// sdk-wire-protocol.md §1.8, §10 and lessons-from-peers.md: a process that loses its socket
/// and reconnects with the same pID within the grace period keeps its game session; pushes
/// then go to the new socket.
#[tokio::test]
async fn reconnect_within_grace_keeps_the_game_session() {
    bounded(async {
        let d = TestDaemon::start().await;
        let grace = d.read(|c| c.config().reconnect_grace_ms);
        let (gs, id) = GameServer::hosting(&d, "proc-1", 4).await;
        gs.drop_connection();
        d.wait_disconnected("proc-1").await;
        d.advance(Duration::from_millis(grace - 1000));

        let mut back = GameServer::connect_as(&d, "proc-1").await;
        d.advance(10 * SEC);
        assert_eq!(
            d.read(|c| c.game_session(&id).unwrap().status),
            GameSessionStatus::Active
        );
        let ps = d.create_player_sessions(&id, &["alice"]).unwrap();
        // The SDK is still "ready" after a reconnect: it goes on without a new ProcessReady.
        let r = back
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        let t = d.now() + 300_000;
        d.execute(|c, _| c.request_termination("proc-1", t))
            .unwrap();
        let push = back.expect_push("TerminateProcess").await;
        assert_eq!(push["TerminationTime"].as_i64(), Some(t as i64));
        d.shutdown().await;
    })
    .await;
}

/// A process that does not come back within the grace period is gone and its game session
/// interrupted; the same pID connecting later is a new process.
#[tokio::test]
async fn disconnect_beyond_grace_ends_the_game_session() {
    bounded(async {
        let d = TestDaemon::start().await;
        let grace = d.read(|c| c.config().reconnect_grace_ms);
        let (gs, id) = GameServer::hosting(&d, "proc-1", 4).await;
        gs.drop_connection();
        d.wait_disconnected("proc-1").await;
        d.advance(Duration::from_millis(grace));
        assert!(d.read(|c| c.process("proc-1").is_none()));
        let s = d.read(|c| c.game_session(&id).cloned().unwrap());
        assert_eq!(s.status, GameSessionStatus::Terminated);
        assert_eq!(s.status_reason, Some(GameSessionStatusReason::Interrupted));
        assert_eq!(s.termination_time, Some(d.now()));

        let mut late = GameServer::connect_as(&d, "proc-1").await;
        let r = late
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(
            r["StatusCode"], 400,
            "a new process must call ProcessReady: {r}"
        );
        d.shutdown().await;
    })
    .await;
}

/// service-api.md CreatePlayerSession: a RESERVED player session not accepted within 60 s
/// is TIMEDOUT (sdk-wire-protocol.md §3.6 for how it is described).
#[tokio::test]
async fn reserved_player_session_times_out() {
    bounded(async {
        let d = TestDaemon::start().await;
        let (mut gs, id) = GameServer::hosting(&d, "proc-1", 4).await;
        let ps = d.create_player_sessions(&id, &["alice"]).unwrap();
        d.advance(59 * SEC);
        let r = gs
            .request(
                "DescribePlayerSessions",
                json!({"PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["PlayerSessions"][0]["Status"], "RESERVED");
        d.advance(SEC);
        let r = gs
            .request(
                "DescribePlayerSessions",
                json!({"PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["PlayerSessions"][0]["Status"], "TIMEDOUT");
        assert_eq!(
            r["PlayerSessions"][0]["TerminationTime"].as_i64(),
            Some(d.now() as i64)
        );
        let r = gs
            .request(
                "AcceptPlayerSession",
                json!({"GameSessionId": id, "PlayerSessionId": ps[0].id}),
            )
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(
            r["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("is TIMEDOUT, not RESERVED"),
            "{r}"
        );
        assert_eq!(
            d.read(|c| c.player_session(&ps[0].id).unwrap().status),
            PlayerSessionStatus::Timedout
        );
        d.shutdown().await;
    })
    .await;
}

/// service-api.md RuntimeConfiguration.GameSessionActivationTimeoutSeconds: a session still
/// ACTIVATING after the timeout is TERMINATED and its process is free again.
#[tokio::test]
async fn activation_timeout_frees_the_process() {
    bounded(async {
        let d = TestDaemon::start_with(CoreConfig {
            activation_timeout_ms: 30_000,
            ..CoreConfig::default()
        })
        .await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let id = d.create_game_session(2).unwrap().id;
        gs.expect_push("CreateGameSession").await;
        d.advance(30 * SEC);
        let s = d.read(|c| c.game_session(&id).cloned().unwrap());
        assert_eq!(s.status, GameSessionStatus::Terminated);
        assert_eq!(s.status_reason, Some(GameSessionStatusReason::Interrupted));
        let r = gs
            .request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;
        assert_eq!(r["StatusCode"], 400);
        assert!(
            r["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("is TERMINATED, not ACTIVATING"),
            "{r}"
        );
        let next = d
            .create_game_session(2)
            .expect("the process is free again")
            .id;
        let push = gs.expect_push("CreateGameSession").await;
        assert_eq!(push["GameSessionId"], next.as_str());
        d.shutdown().await;
    })
    .await;
}
