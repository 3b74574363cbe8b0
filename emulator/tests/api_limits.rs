//! Issue 15 finding 4, with raw HTTP: what a client sends is bounded in time, and the
//! connections one client may hold are bounded in number, so a request that declares a body
//! it never sends, or headers that never end, cannot hold the listener for ever.

use crate::support::api_handlers as handlers;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use playfield::api::listener::ConnectionLimits;
use playfield::api::{ApiConfig, ApiError, ApiServer, Ctx, Router, ServiceModel};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long a test waits for the daemon's answer (or close); the limits under test are far
/// shorter.
const BOUND: Duration = Duration::from_secs(5);

async fn start(limits: ConnectionLimits) -> SocketAddr {
    let config = ApiConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        limits,
        ..ApiConfig::default()
    };
    let server = ApiServer::bind(
        config,
        handlers::router(),
        Arc::new(handlers::TestState::default()),
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run());
    addr
}

fn short() -> ConnectionLimits {
    ConnectionLimits {
        max_connections: 64,
        header_read_timeout: Duration::from_millis(200),
        body_read_timeout: Duration::from_millis(200),
    }
}

/// Reads until the daemon closes the connection; returns what it sent.
async fn read_to_close(tcp: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(BOUND, tcp.read_to_end(&mut got)).await;
    assert!(
        read.is_ok(),
        "the connection was still open after {BOUND:?}"
    );
    String::from_utf8_lossy(&got).into_owned()
}

const JSON_HEAD: &str =
    "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-amz-json-1.1\r\n\
                         x-amz-target: GameLift.DescribeGameSessions\r\n";

#[tokio::test]
async fn headers_that_never_end_are_cut_off() {
    let addr = start(short()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"POST / HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    read_to_close(&mut tcp).await;
    // An idle connection that starts no request is closed too.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    read_to_close(&mut idle).await;
}

#[tokio::test]
async fn a_declared_body_that_never_arrives_is_answered_and_closed() {
    let addr = start(short()).await;
    for framing in [
        "content-length: 1000000000000000\r\n\r\n{".to_string(),
        "transfer-encoding: chunked\r\n\r\nffffffffffffffff\r\n{".to_string(),
        "content-length: 100\r\n\r\n{".to_string(),
    ] {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(format!("{JSON_HEAD}{framing}").as_bytes())
            .await
            .unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(BOUND, tcp.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no answer within {BOUND:?} to {framing:?}"))
            .unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 400"), "{framing:?}: {answer}");
    }
}

/// Past `max_connections`, a new connection waits until one closes; the others are served.
#[tokio::test]
async fn connections_past_the_limit_wait_for_a_free_slot() {
    let addr = start(ConnectionLimits {
        max_connections: 2,
        header_read_timeout: Duration::from_secs(60),
        ..short()
    })
    .await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    let request = format!("{JSON_HEAD}content-length: 2\r\n\r\n{{}}");
    third.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(300), third.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "the third connection was served past the limit"
    );
    drop(first);
    let n = tokio::time::timeout(BOUND, third.read(&mut buf))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}

/// Issue 15 finding 4: two parallel 4 MB CBOR bodies stalled every other API call and
/// WebSocket heartbeat for about 6 s. A large body is decoded, validated and handled off the
/// runtime's threads: on a one-thread runtime, a small request is answered while a large one
/// is still being handled (its handler here waits until the test lets it go, or 5 s).
#[tokio::test(flavor = "current_thread")]
async fn a_large_request_does_not_hold_the_runtime() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let (entered, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let (entered_h, done_h) = (entered.clone(), done.clone());
    let router = Router::new(ServiceModel::gamelift()).register(
        "ValidateMatchmakingRuleSet",
        move |_: &mut Ctx<'_, handlers::TestState>, input: handlers::ValidateInput| {
            if input.rule_set_body.len() > 1000 {
                entered_h.store(true, Ordering::SeqCst);
                let _ = release_rx
                    .lock()
                    .unwrap()
                    .recv_timeout(Duration::from_secs(5));
                done_h.store(true, Ordering::SeqCst);
            }
            Ok::<_, ApiError>(handlers::ValidateOutput { valid: true })
        },
    );
    let config = ApiConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..ApiConfig::default()
    };
    let server = ApiServer::bind(config, router, Arc::new(handlers::TestState::default()))
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    tokio::spawn(server.run());

    let call = |rule_set_body: String| async move {
        let body = serde_json::json!({ "RuleSetBody": rule_set_body }).to_string();
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let head = "POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-amz-json-1.1\r\n\
                    x-amz-target: GameLift.ValidateMatchmakingRuleSet\r\nconnection: close\r\n";
        tcp.write_all(format!("{head}content-length: {}\r\n\r\n{body}", body.len()).as_bytes())
            .await
            .unwrap();
        let mut got = Vec::new();
        tcp.read_to_end(&mut got).await.unwrap();
        String::from_utf8_lossy(&got).into_owned()
    };
    let large = tokio::spawn(call("x".repeat(60_000)));
    // Until the large request is in its handler (on one thread, without the fix the handler
    // holds that thread: this loop then resumes only once it has given up waiting).
    tokio::time::timeout(BOUND, async {
        while !entered.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the large request reaches its handler");
    let small = tokio::time::timeout(BOUND, call("{}".into()))
        .await
        .expect("the small request is answered");
    assert!(
        !done.load(Ordering::SeqCst),
        "the small request waited for the large one's handler"
    );
    release_tx.send(()).unwrap();
    assert!(small.starts_with("HTTP/1.1 200"), "{small}");
    let large = large.await.unwrap();
    assert!(large.starts_with("HTTP/1.1 200"), "{large}");
}
