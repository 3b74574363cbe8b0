//! Issue 15 finding 6, end to end with a raw client: a ready process whose reconnect grace
//! ran out, then reconnects as the SDKs do — the same URL, so the same IdempotencyToken
//! (sdk-wire-protocol.md §1.8) — and sends heartbeats without ProcessReady (§7 item 2),
//! gets its heartbeats answered (it is ready again) instead of a 400 for ever; a connection
//! that never sends ProcessReady is closed with 1000 after 5 minutes.

use std::time::Duration;

use playfield_core::ProcessStatus;
use playfield_core::READY_TIMEOUT_MS;
use playfield_e2e::{bounded, GameServer, TestDaemon};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_reconnecting_after_its_grace_is_ready_again() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let gs = GameServer::ready(&daemon, "proc-1").await;
        gs.drop_connection();
        daemon.wait_disconnected("proc-1").await;
        let grace = daemon.read(|c| c.config().reconnect_grace_ms);
        daemon.advance(Duration::from_millis(grace + 1));
        assert!(
            daemon.read(|c| c.process("proc-1").is_none()),
            "gone after the grace"
        );

        let mut again = GameServer::connect_as(&daemon, "proc-1").await;
        let hb = again
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(hb["StatusCode"], 200, "{hb}");
        assert_eq!(
            daemon.read(|c| c.process("proc-1").map(|p| p.status)),
            Some(ProcessStatus::Active)
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_sends_process_ready_is_closed() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let mut gs = GameServer::connect_as(&daemon, "proc-idle").await;
        daemon.advance(Duration::from_millis(READY_TIMEOUT_MS));
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1000, "{close:?}");
        assert!(daemon.read(|c| c.process("proc-idle").is_none()));
    })
    .await
}

/// Issue 15 finding 4: each game-server listener serves a bounded number of connections;
/// past it a new one waits (its handshake is not answered) until one closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_wait_for_a_free_slot() {
    bounded(async {
        let daemon = TestDaemon::start_configured(Default::default(), |cfg| {
            cfg.max_game_server_connections = 1;
        })
        .await;
        let first = GameServer::connect_as(&daemon, "proc-a").await;
        let url = daemon.connect_url("proc-b");
        let mut second = tokio::spawn(async move { GameServer::connect(&url).await });
        let early = tokio::time::timeout(Duration::from_millis(300), &mut second).await;
        assert!(
            early.is_err(),
            "a second connection was served past the limit"
        );
        first.drop_connection();
        second.await.unwrap().expect("served once a slot is free");
    })
    .await
}
