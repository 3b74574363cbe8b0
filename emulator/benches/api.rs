//! Requests per second through the whole API stack on loopback, per protocol.
//!
//! `cargo bench -p playfield --bench api` starts the listener with the test
//! handlers and drives `DescribeGameSessions` (one game session with a
//! timestamp, enums and a list in the answer) over keep-alive HTTP/1.1
//! connections, first as awsJson1_1, then as rpcv2Cbor, and prints the
//! figures. The client is a minimal hand-written HTTP/1.1 loop so that the
//! numbers measure the server, not an SDK.
//!
//! Without `--bench` (e.g. `cargo test --benches`) it runs a short smoke pass.

#[path = "../tests/support/api_handlers.rs"]
mod handlers;
#[path = "support/http_loop.rs"]
mod http_loop;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use http_loop::{measure, CONNECTIONS};

fn json_request(addr: SocketAddr) -> Vec<u8> {
    let body = br#"{"GameSessionId":"gs-1"}"#;
    let mut req = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-amz-json-1.1\r\n\
         x-amz-target: GameLift.DescribeGameSessions\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

fn cbor_request(addr: SocketAddr) -> Vec<u8> {
    // {_ "GameSessionId": "gs-1"} as the Rust SDK writes it (indefinite map).
    let mut body = vec![0xbf, 0x6d];
    body.extend_from_slice(b"GameSessionId");
    body.push(0x64);
    body.extend_from_slice(b"gs-1");
    body.push(0xff);
    let mut req = format!(
        "POST /service/GameLift/operation/DescribeGameSessions HTTP/1.1\r\nhost: {addr}\r\n\
         content-type: application/cbor\r\naccept: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\n\
         content-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    req
}

/// The same request through `Router::handle` without a socket: what the
/// protocol layer itself costs (decode, validate, handler, encode).
fn measure_in_process(name: &str, request: &[u8], iterations: usize) {
    use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
    use playfield::api::router::ApiRequest;

    let text = String::from_utf8_lossy(request);
    let (head, _) = text.split_once("\r\n\r\n").expect("head");
    let body = &request[head.len() + 4..];
    let path = head.split(' ').nth(1).expect("path").to_string();
    let mut headers = HeaderMap::new();
    for line in head.lines().skip(1) {
        let (k, v) = line.split_once(": ").expect("header");
        headers.insert(
            HeaderName::from_bytes(k.as_bytes()).expect("name"),
            HeaderValue::from_str(v).expect("value"),
        );
    }
    let router = handlers::router();
    let state = handlers::TestState::default();
    let req = ApiRequest {
        method: &Method::POST,
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let start = Instant::now();
    for _ in 0..iterations {
        let resp = router.handle(&state, &req);
        assert_eq!(resp.status(), 200);
    }
    let elapsed = start.elapsed();
    println!(
        "router/{name:<11} {iterations:>7} calls in {:>6.2?}: {:>9.0} calls/s, {:>6.1} us per call (no socket)",
        elapsed,
        iterations as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / iterations as f64,
    );
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let per_connection = if benching { 10_000 } else { 100 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let placeholder = SocketAddr::from(([127, 0, 0, 1], 9080));
    let calls = per_connection * CONNECTIONS;
    measure_in_process("awsJson1_1", &json_request(placeholder), calls);
    measure_in_process("rpcv2Cbor", &cbor_request(placeholder), calls);
    runtime.block_on(async {
        let addr = handlers::start_server(None).await;
        measure("awsJson1_1", addr, json_request(addr), per_connection).await;
        measure("rpcv2Cbor", addr, cbor_request(addr), per_connection).await;
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
}
