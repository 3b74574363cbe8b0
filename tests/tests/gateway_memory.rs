//! Issue 15 finding 4: a connection whose process is not ready cannot make the daemon buffer
//! a large frame. 30 connections each holding a nearly complete 16 MiB frame took the daemon
//! from 77 MB to 553 MB; now a not-ready connection that sends more than 64 KiB of one
//! message is closed with 1009 (RFC 6455 §7.4.1: message too big), while a ready process keeps
//! the message limits it had (tests/tests/gateway_errors.rs).

use futures_util::StreamExt;
use playfield_e2e::{bounded, GameServer, TestDaemon};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;

/// The start of a masked client text frame (RFC 6455 §5.2) declaring `len` bytes, and
/// `sent` bytes of its payload (mask 0: the payload is sent as it is).
fn partial_frame(len: u64, sent: usize) -> Vec<u8> {
    let mut frame = vec![0x81, 0x80 | 127];
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.extend(std::iter::repeat_n(b'x', sent));
    frame
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_not_ready_connection_cannot_make_the_daemon_buffer_a_large_frame() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&daemon, "proc-bystander").await;
        let mut gs = GameServer::connect_as(&daemon, "proc-big").await;
        let raw = gs.ws.get_mut();
        raw.write_all(&partial_frame(2_000_000, 256 * 1024))
            .await
            .unwrap();
        raw.flush().await.unwrap();
        let close = gs.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1009, "{close:?}");
        assert!(
            close.reason.contains("before ProcessReady"),
            "{}",
            close.reason
        );

        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
    })
    .await
}

/// Issue 15, after ProcessReady: the pushes queued for a game server that stops reading its
/// connection were kept for ever (an unbounded queue behind a send that never completes).
/// Past 8 MiB of waiting pushes the daemon closes that connection (1008, "stopped reading",
/// when the game server reads again) and the core sees the process disconnected; other
/// game servers are not affected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ready_connection_that_stops_reading_is_closed_not_queued_for_ever() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&daemon, "proc-bystander").await;
        let mut deaf = GameServer::ready(&daemon, "proc-deaf").await;
        // 40 MiB of RefreshConnection pushes (sdk-wire-protocol.md §4.4), each with a 1 MiB
        // token: more than the loopback socket buffers and the 8 MiB queue together hold.
        let token = "t".repeat(1 << 20);
        for _ in 0..40 {
            daemon
                .execute(|core, _| {
                    core.refresh_connection("proc-deaf", daemon.ws_url(), token.clone())
                })
                .expect("proc-deaf is ready");
        }
        daemon.wait_disconnected("proc-deaf").await;
        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        // Reading again, the game server finds the pushes that were sent, then the close
        // (unless the daemon gave up waiting to send it: then the connection just ends).
        if let Some(close) = deaf.expect_close().await {
            assert_eq!(u16::from(close.code), 1008, "{close:?}");
            assert!(close.reason.contains("stopped reading"), "{}", close.reason);
        }
        daemon.shutdown().await;
    })
    .await
}

/// Issue 15, after ProcessReady: each ready connection could make the daemon buffer a
/// nearly complete 16 MiB message, so 1,000 game servers could take 16 GB. A ready
/// connection's message may now be 2 MiB (tests/tests/gateway_errors.rs), and all ready
/// connections together may hold 64 MiB of unfinished messages: the connection whose bytes go
/// over it is closed with 1009 and a reason that says so, and the others keep working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_connections_together_cannot_make_the_daemon_buffer_unbounded_messages() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let mut bystander = GameServer::ready(&daemon, "proc-bystander").await;
        let mut senders = Vec::new();
        for i in 0..40 {
            senders.push(GameServer::ready(&daemon, &format!("proc-big-{i}")).await);
        }
        // Each declares a 2,000,000-byte message (under the 2 MiB limit of one message) and
        // sends 1,900,000 bytes of it: 36 of them are over 64 MiB.
        for gs in &mut senders {
            let raw = gs.ws.get_mut();
            raw.write_all(&partial_frame(2_000_000, 1_900_000))
                .await
                .unwrap();
            raw.flush().await.unwrap();
        }
        // The first thing any of them hears is the close of the one that went over.
        let nexts = senders.iter_mut().map(|gs| Box::pin(gs.ws.next()));
        let (first, _, _) = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            futures_util::future::select_all(nexts),
        )
        .await
        .expect("a connection over the total is closed");
        match first {
            Some(Ok(Message::Close(Some(close)))) => {
                assert_eq!(u16::from(close.code), 1009, "{close:?}");
                assert!(
                    close.reason.contains("bytes of messages at once"),
                    "{}",
                    close.reason
                );
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
        let r = bystander
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        drop(senders);
        daemon.shutdown().await;
    })
    .await
}
