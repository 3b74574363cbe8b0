//! Issue 15 finding 4: a connection whose process is not ready cannot make the daemon buffer
//! a large frame. 30 connections each holding a nearly complete 16 MiB frame took the daemon
//! from 77 MB to 553 MB; now a not-ready connection that sends more than 64 KiB of one
//! message is closed with 1009 (RFC 6455 §7.4.1: message too big), while a ready process keeps
//! the message limits it had (tests/tests/gateway_errors.rs).

use playfield_e2e::{bounded, GameServer, TestDaemon};
use serde_json::json;
use tokio::io::AsyncWriteExt;

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
        raw.write_all(&partial_frame(15 << 20, 256 * 1024))
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
