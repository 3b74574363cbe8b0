//! The WebSocket close handshake (RFC 6455 §5.5.1, §7.1) between the daemon and game servers.
//!
//! Why it matters: the official C++ SDK 5.4's `Destroy()` closes with 1001 "Websocket client
//! closing" (sdk-wire-protocol.md §1.11). If the daemon drops TCP instead of answering,
//! websocketpp records the close as abnormal (1006), the SDK takes it for a lost connection
//! and reconnects from inside `Destroy()` (§1.8: "Otherwise the SDK calls Connect(m_uri)"),
//! and the game server hangs at shutdown. Every close the daemon starts carries a code and a
//! reason; 1000 and 1001 are the codes after which neither SDK reconnects (§1.8).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use playfield_core::ProcessStatus;
use playfield_core::SUPERSEDED_CONNECTION_GRACE_MS;
use playfield_e2e::{bounded, tls, GameServer, TestDaemon, IO_TIMEOUT};
use serde_json::json;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// Connects as the C++ SDK does: TLS 1.2, any certificate accepted (sdk-wire-protocol.md
/// §1.4), and waits until the daemon has registered the connection.
async fn cpp_over_tls(d: &TestDaemon, pid: &str) -> GameServer {
    let count = |c: &playfield_core::Core| c.process(pid).map_or(0, |p| p.connections.len());
    let before = d.read(count);
    let addr = d.handle.wss_addr().expect("wss listener");
    let stream = tls::connect(tls::accept_any(&rustls::version::TLS12), addr, "localhost")
        .await
        .expect("TLS 1.2 handshake");
    let url = d.connect_url(pid).replacen(&d.ws_url(), &d.wss_url(), 1);
    let gs = GameServer::handshake(&url, Box::new(stream))
        .await
        .expect("WebSocket over TLS");
    d.wait_until(&format!("{pid} is connected"), |c| count(c) > before)
        .await;
    gs
}

/// Sends Close 1001 "Websocket client closing", as the C++ SDK's `Destroy()` does
/// (sdk-wire-protocol.md §1.11), and asserts the daemon's Close reply arrives before the
/// connection ends, echoing the code (RFC 6455 §5.5.1), and that the connection then ends
/// cleanly. A tungstenite client reports `Protocol(ResetWithoutClosingHandshake)` when TCP
/// closes without the reply, and over TLS an `UnexpectedEof` when TCP closes without
/// close_notify.
async fn close_like_cpp_destroy(gs: &mut GameServer) {
    gs.ws
        .close(Some(CloseFrame {
            code: CloseCode::Away,
            reason: "Websocket client closing".into(),
        }))
        .await
        .expect("the Close frame is sent");
    let reply = tokio::time::timeout(IO_TIMEOUT, gs.ws.next())
        .await
        .expect("the daemon answers in time");
    match reply {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1001),
        other => {
            panic!("expected the daemon's Close reply before the connection ends, got {other:?}")
        }
    }
    gs.expect_clean_end().await;
}

/// RFC 6455 §5.5.1: "If an endpoint receives a Close frame and did not previously send a
/// Close frame, the endpoint MUST send a Close frame in response." sdk-wire-protocol.md
/// §1.11: "CPP Destroy(): ... closes the socket with 1001 and reason "Websocket client
/// closing"". Over ws://.
#[tokio::test]
async fn a_close_from_the_game_server_is_answered_before_the_tcp_fin() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        close_like_cpp_destroy(&mut gs).await;
        d.wait_disconnected("proc-1").await;
        d.shutdown().await;
    })
    .await;
}

/// The same over wss://, which is what the C++ SDK always uses (sdk-wire-protocol.md §1.4:
/// "TLS is always used"); the TLS layer is closed with close_notify.
#[tokio::test]
async fn a_close_from_the_game_server_is_answered_over_tls() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = cpp_over_tls(&d, "proc-tls").await;
        let r = gs
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.4.0","SdkLanguage":"Cpp","Port":7777}),
            )
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        close_like_cpp_destroy(&mut gs).await;
        d.wait_disconnected("proc-tls").await;
        d.shutdown().await;
    })
    .await;
}

/// After ProcessEnding the socket stays open (sdk-wire-protocol.md §1.11: "`ProcessEnding`
/// does **not** close the socket in either SDK"; §7.9 "Neither closes the socket"), so the
/// daemon does not close it either: Destroy() closes it, and gets its answer.
#[tokio::test]
async fn process_ending_leaves_the_socket_open_for_destroy() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let r = gs.request("TerminateServerProcess", json!({})).await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        // Still open and served: a retried ProcessEnding gets its answer.
        let r = gs.request("TerminateServerProcess", json!({})).await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        close_like_cpp_destroy(&mut gs).await;
        d.wait_until("proc-1 forgotten", |c| c.process("proc-1").is_none())
            .await;
        d.shutdown().await;
    })
    .await;
}

/// A connection superseded by a newer one for the same pID keeps being served for a while
/// (sdk-wire-protocol.md §10: "still answer requests on the socket they came from"; §1.7:
/// GO keeps its previous socket for DISCONNECT_WEBSOCKET_TIMEOUT, 5 s, "so in-flight replies
/// can still arrive"). An old socket still open past the daemon's grace has no SDK looking
/// after it (a half-open TCP, or a second instance started with the same pID): the daemon
/// closes it with 1000, after which neither SDK reconnects it (§1.8), so two instances do not
/// take the pID from each other forever.
#[tokio::test]
async fn a_superseded_connection_is_closed_with_1000() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut old = GameServer::ready(&d, "proc-1").await;
        let mut new = GameServer::connect_as(&d, "proc-1").await;
        d.advance(Duration::from_millis(SUPERSEDED_CONNECTION_GRACE_MS - 1));
        let r = old
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200, "still served within the grace: {r}");

        d.advance(Duration::from_millis(1));
        let close = old.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1000);
        assert!(
            close.reason.contains("newer connection"),
            "{}",
            close.reason
        );
        old.expect_clean_end().await;
        d.wait_until("the old connection is gone", |c| {
            c.process("proc-1").unwrap().connections.len() == 1
        })
        .await;
        // The process lives on over the new connection.
        let r = new
            .request("HeartbeatServerProcess", json!({"HealthStatus": true}))
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        d.shutdown().await;
    })
    .await;
}

/// A stopping daemon closes every connection with 1001 (going away), so no SDK reconnects
/// to it (sdk-wire-protocol.md §1.8), and over TLS it ends with close_notify.
#[tokio::test]
async fn shutdown_closes_with_1001_over_tls() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = cpp_over_tls(&d, "proc-tls").await;
        let client = async {
            let close = gs.expect_close().await.expect("a close frame");
            assert_eq!(u16::from(close.code), 1001);
            assert!(!close.reason.is_empty());
            // Reading on sends the client's Close reply, and sees the end of the connection.
            gs.expect_clean_end().await;
        };
        tokio::join!(client, d.shutdown());
    })
    .await;
}

/// A reconnect of a process that already called ProcessEnding.
///
/// The reference: ProcessEnding does not close the socket (sdk-wire-protocol.md §1.11), and
/// on an abnormal close both SDKs reconnect to the same URL (§1.8: "the SDK calls
/// `Connect(m_uri)`: the same URI and token"), whose `IdempotencyToken` "is **reused** by
/// transport-level automatic reconnects" while "a new value is made on every *Connect* call
/// (InitSDK, RefreshConnection, ...)" (§1.2). So a connection carrying a token of the ended
/// process is that process coming back, not a new one: the daemon accepts it and closes it
/// at once with 1000 ("To detach a client for good, close with 1000", §1.8), after which
/// neither SDK reconnects. Refusing the upgrade instead would make the SDK retry for about
/// three minutes (§1.7), from inside the C++ SDK's Destroy(). A connection with a new token
/// (InitSDK again after Destroy) is a new process under the same pID.
#[tokio::test]
async fn a_reconnect_after_process_ending_is_closed_with_1000() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        let r = gs.request("TerminateServerProcess", json!({})).await;
        assert_eq!(r["StatusCode"], 200, "{r}");

        // While the ended process's socket is still open.
        let mut again = GameServer::connect(&d.connect_url("proc-1"))
            .await
            .expect("the upgrade is accepted");
        let upgraded = std::time::Instant::now();
        let close = again.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1000);
        // Not at once: the C++ SDK 5.4 takes a close that lands before its Connect has seen
        // the socket open for a failed connect, and retries for minutes inside Destroy()
        // (checked by hand against the official SDK). A lower bound on real time cannot flake.
        assert!(
            upgraded.elapsed() >= std::time::Duration::from_millis(400),
            "the refusal came {:?} after the upgrade",
            upgraded.elapsed()
        );
        assert!(close.reason.contains("ProcessEnding"), "{}", close.reason);
        assert_eq!(
            d.read(|c| c.process("proc-1").map(|p| p.status)),
            Some(ProcessStatus::Terminated)
        );

        // After it was lost without a close handshake (GO after a network error).
        gs.drop_connection();
        d.wait_until("proc-1 forgotten", |c| c.process("proc-1").is_none())
            .await;
        let mut again = GameServer::connect(&d.connect_url("proc-1"))
            .await
            .expect("the upgrade is accepted");
        let close = again.expect_close().await.expect("a close frame");
        assert_eq!(u16::from(close.code), 1000);
        assert!(close.reason.contains("ProcessEnding"), "{}", close.reason);
        again.expect_clean_end().await;
        assert!(d.read(|c| c.process("proc-1").is_none()), "not adopted");

        // InitSDK again: a new Connect call, a new token, a new process.
        let mut fresh = GameServer::connect(&d.connect_url_with_token("proc-1", "tok-2"))
            .await
            .expect("connects");
        d.wait_until("a new proc-1", |c| {
            c.process("proc-1")
                .is_some_and(|p| p.status == ProcessStatus::Connected)
        })
        .await;
        let r = fresh
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777}),
            )
            .await;
        assert_eq!(r["StatusCode"], 200, "{r}");
        d.shutdown().await;
    })
    .await;
}

/// A close frame's reason is at most 123 bytes (RFC 6455 §5.5: control frames carry at most
/// 125 bytes of payload, 2 of them the code). A longer one breaks the protocol and the SDK
/// takes the close for abnormal (§1.8) instead of reading its 1000. pIDs may be 1024 bytes.
#[tokio::test]
async fn a_long_close_reason_is_cut_to_fit_a_control_frame() {
    bounded(async {
        let d = TestDaemon::start().await;
        let pid = format!("proc-{}", "x".repeat(200));
        let mut gs = GameServer::ready(&d, &pid).await;
        let t = d.now() + 1000;
        d.execute(|c, _| c.request_termination(&pid, t)).unwrap();
        gs.expect_push("TerminateProcess").await;
        d.advance(Duration::from_secs(1));
        let close = gs.expect_close().await.expect("a valid close frame");
        assert_eq!(u16::from(close.code), 1000);
        assert!(close.reason.len() <= 123, "{} bytes", close.reason.len());
        assert!(
            close.reason.starts_with("process proc-xxx"),
            "{}",
            close.reason
        );
        d.shutdown().await;
    })
    .await;
}

/// Requests sent before a Close are answered, then the Close is: the reply comes after
/// them, as the daemon reads in order (RFC 6455 §5.5.1: an endpoint "MAY delay sending a
/// Close frame until its current message is sent").
#[tokio::test]
async fn requests_before_a_close_are_answered_then_the_close() {
    bounded(async {
        let d = TestDaemon::start().await;
        let mut gs = GameServer::ready(&d, "proc-1").await;
        for _ in 0..3 {
            let id = gs.fresh_request_id();
            gs.send_request("HeartbeatServerProcess", &id, json!({"HealthStatus": true}))
                .await;
        }
        gs.ws
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::Away,
                reason: "Websocket client closing".into(),
            })))
            .await
            .unwrap();
        let mut replies = 0;
        loop {
            match tokio::time::timeout(IO_TIMEOUT, gs.ws.next())
                .await
                .unwrap()
            {
                Some(Ok(Message::Text(_))) => replies += 1,
                Some(Ok(Message::Close(Some(f)))) => {
                    assert_eq!(u16::from(f.code), 1001);
                    break;
                }
                other => panic!("expected replies then a Close, got {other:?}"),
            }
        }
        assert_eq!(replies, 3);
        gs.expect_clean_end().await;
        d.shutdown().await;
    })
    .await;
}
