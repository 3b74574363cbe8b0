//! The HTTP edge of the API listener, with raw requests no SDK would send:
//! wrong methods, missing or garbled targets, bodies over the limit, a path
//! prefix before the rpcv2Cbor route. Every answer must be a 4xx with a
//! parseable error body and a request ID.

use crate::support::api_handlers as handlers;

use std::net::SocketAddr;
use std::sync::Arc;

use playfield::api::protocol::{cbor, json};
use playfield::api::{ApiConfig, ApiServer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn json(&self) -> Value {
        json::decode(&self.body).expect("JSON body")
    }
}

/// One request on its own connection (`connection: close`), read to the end.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(req.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    let head = String::from_utf8(raw[..at].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    Answer {
        status,
        head,
        body: raw[at + 4..].to_vec(),
    }
}

fn assert_error(a: &Answer, code: &str, needle: &str) {
    assert_eq!(a.status, 400, "{}", a.head);
    assert_eq!(
        a.header("x-amzn-requestid").map(str::len),
        Some(36),
        "{}",
        a.head
    );
    let body = if a.header("content-type") == Some("application/cbor") {
        cbor::decode(&a.body).unwrap()
    } else {
        a.json()
    };
    assert_eq!(body["__type"], code, "{body}");
    assert!(body["message"].as_str().unwrap().contains(needle), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_at_the_http_edge() {
    let addr = handlers::start_server(None).await;

    let a = send(addr, "GET", "/", &[], b"").await;
    assert_error(&a, "InvalidRequestException", "POST");

    let a = send(addr, "POST", "/", &[], b"{}").await;
    assert_error(&a, "UnknownOperationException", "missing X-Amz-Target");

    let a = send(addr, "POST", "/", &[("x-amz-target", "GameLift")], b"{}").await;
    assert_error(
        &a,
        "UnknownOperationException",
        "not of the form GameLift.<Operation>",
    );

    let target = [("x-amz-target", "GameLift.DescribeGameSessions")];
    let a = send(addr, "POST", "/", &target, b"{\"Limit\": ").await;
    assert_error(&a, "InvalidRequestException", "Malformed JSON request body");
    assert_eq!(a.header("content-type"), Some("application/x-amz-json-1.1"));

    let a = send(
        addr,
        "POST",
        "/service/GameLift/operation/DescribeGameSessions",
        &[],
        &[0xa0, 0x00],
    )
    .await;
    assert_error(&a, "InvalidRequestException", "trailing");
    assert_eq!(a.header("content-type"), Some("application/cbor"));
    assert_eq!(a.header("smithy-protocol"), Some("rpc-v2-cbor"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_prefix_before_the_cbor_route_is_accepted() {
    let addr = handlers::start_server(None).await;
    let a = send(
        addr,
        "POST",
        "/some/prefix/service/GameLift/operation/ValidateMatchmakingRuleSet",
        &[
            ("smithy-protocol", "rpc-v2-cbor"),
            ("content-type", "application/cbor"),
        ],
        b"\xa1\x6bRuleSetBody\x62{}",
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.head);
    assert_eq!(
        cbor::decode(&a.body).unwrap(),
        serde_json::json!({"Valid": true})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_refused_in_the_request_protocol() {
    let config = ApiConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        max_body_bytes: 1024,
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
    let big = vec![b' '; 4096];
    let a = send(
        addr,
        "POST",
        "/service/GameLift/operation/DescribeGameSessions",
        &[],
        &big,
    )
    .await;
    assert_error(&a, "InvalidRequestException", "limit 1024 bytes");
    assert_eq!(a.header("content-type"), Some("application/cbor"));
}

#[test]
fn default_listen_address_is_loopback_9080() {
    assert_eq!(
        ApiConfig::default().listen,
        SocketAddr::from(([127, 0, 0, 1], 9080))
    );
    assert!(ApiConfig::default().access_keys.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_until_stops_serving_on_shutdown() {
    let config = ApiConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
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
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    let a = send(
        addr,
        "POST",
        "/",
        &[("x-amz-target", "GameLift.DescribeGameSessions")],
        b"{}",
    )
    .await;
    assert_eq!(a.status, 200);
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), running)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err());
}

/// Lenient in, strict out: an integer given for a double member is accepted,
/// and the answer carries it as a 64-bit float (and the timestamp as tag 1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cbor_integer_for_a_double_is_accepted_and_answered_as_a_float() {
    let addr = handlers::start_server(None).await;
    let mut e = minicbor::Encoder::new(Vec::new());
    e.begin_map().unwrap();
    e.str("ConfigurationName").unwrap().str("cfg").unwrap();
    e.str("Players").unwrap().array(1).unwrap();
    e.map(2)
        .unwrap()
        .str("PlayerId")
        .unwrap()
        .str("p1")
        .unwrap();
    e.str("PlayerAttributes").unwrap().map(1).unwrap();
    e.str("skill")
        .unwrap()
        .map(1)
        .unwrap()
        .str("N")
        .unwrap()
        .u8(10)
        .unwrap();
    e.end().unwrap();
    let a = send(
        addr,
        "POST",
        "/service/GameLift/operation/StartMatchmaking",
        &[("smithy-protocol", "rpc-v2-cbor")],
        &e.into_writer(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.head);
    let n_as_double = [0x61, b'N', 0xfb, 0x40, 0x24, 0, 0, 0, 0, 0, 0];
    assert!(
        a.body.windows(n_as_double.len()).any(|w| w == n_as_double),
        "{:02x?}",
        a.body
    );
    let start_time = [
        b'S', b't', b'a', b'r', b't', b'T', b'i', b'm', b'e', 0xc1, 0xfb,
    ];
    assert!(
        a.body.windows(start_time.len()).any(|w| w == start_time),
        "{:02x?}",
        a.body
    );
    let body = cbor::decode(&a.body).unwrap();
    assert_eq!(
        body["MatchmakingTicket"]["Players"][0]["PlayerAttributes"]["skill"]["N"],
        10.0
    );
}
