//! DescribeGameSessions requests per second against the real handler, per protocol.
//!
//! `cargo bench -p playfield --bench api_daemon` starts the daemon (API and ws://
//! listeners on loopback), connects one game server with our server SDK, creates and
//! activates a game session through the API, gives it two player sessions, and then drives
//! `DescribeGameSessions` for that session (the full GameSession answer: ARN, timestamps,
//! enums, properties, live player count, all under the daemon's one lock) over keep-alive
//! HTTP/1.1 connections, first as awsJson1_1, then as rpcv2Cbor. The client is a minimal
//! hand-written HTTP/1.1 loop (shared with the `api` bench) so the figures measure the
//! daemon, not an SDK.
//!
//! Without `--bench` (e.g. `cargo test --benches`) it runs a short smoke pass.

#[path = "support/http_loop.rs"]
mod http_loop;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use playfield::wiring::server::{Daemon, DaemonConfig};
use playfield_core::SystemClock;
use playfield_core::{CoreConfig, CreateGameSession, Fleet, NewPlayerSession};
use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk};

const FLEET: &str = "fleet-bench";

fn json_request(addr: SocketAddr, id: &str) -> Vec<u8> {
    let body = format!(r#"{{"GameSessionId":"{id}"}}"#);
    let mut req = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-amz-json-1.1\r\n\
         x-amz-target: GameLift.DescribeGameSessions\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body.as_bytes());
    req
}

fn cbor_request(addr: SocketAddr, id: &str) -> Vec<u8> {
    // {_ "GameSessionId": "<id>"} as the Rust SDK writes it (indefinite map).
    let mut body = vec![0xbf, 0x6d];
    body.extend_from_slice(b"GameSessionId");
    let n = id.len();
    assert!(n < 256, "ids are short");
    if n < 24 {
        body.push(0x60 | n as u8);
    } else {
        body.extend_from_slice(&[0x78, n as u8]);
    }
    body.extend_from_slice(id.as_bytes());
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

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let per_connection = if benching { 10_000 } else { 100 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = DaemonConfig {
            api_listen: Some(([127, 0, 0, 1], 0).into()),
            api_access_keys: Vec::new(),
            ws_listen: Some(([127, 0, 0, 1], 0).into()),
            wss_listen: None,
            tls_files: None,
            core: CoreConfig::default(),
            fleets: vec![Fleet {
                id: FLEET.into(),
                name: "bench".into(),
                locations: vec!["custom-bench".into()],
            }],
            ..DaemonConfig::default()
        };
        let daemon = Daemon::start(config, Arc::new(SystemClock))
            .await
            .expect("daemon starts");
        let sdk = ServerSdk::with_options(SdkOptions::new());
        sdk.init(
            ServerParameters::new()
                .web_socket_url(format!("ws://{}", daemon.ws_addr().unwrap()))
                .process_id("proc-bench")
                .host_id("bench-host")
                .fleet_id(FLEET)
                .auth_token("bench"),
        )
        .await
        .expect("init");
        sdk.process_ready(ProcessParameters::new(7777).poll_events())
            .await
            .expect("process ready");
        // The process becomes free once the daemon has its ProcessReady.
        let gs = loop {
            let created = daemon.execute(|core, now| {
                core.create_game_session(
                    now,
                    CreateGameSession {
                        fleet_id: FLEET.into(),
                        maximum_player_session_count: 8,
                        name: Some("bench".into()),
                        game_properties: [("mode".to_string(), "ctf".to_string())].into(),
                        ..Default::default()
                    },
                )
            });
            match created {
                Ok(gs) => break gs,
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        };
        let ServerEvent::StartGameSession(_) = sdk.next_event().await else {
            panic!("expected StartGameSession")
        };
        sdk.activate_game_session().await.expect("activate");
        let players = ["p1", "p2"]
            .map(|p| NewPlayerSession {
                player_id: p.into(),
                player_data: None,
            })
            .to_vec();
        daemon
            .execute(|core, now| core.create_player_sessions(now, &gs.id, players))
            .expect("player sessions");

        let addr = daemon.api_addr().expect("api listener");
        http_loop::measure(
            "awsJson1_1",
            addr,
            json_request(addr, &gs.id),
            per_connection,
        )
        .await;
        http_loop::measure(
            "rpcv2Cbor",
            addr,
            cbor_request(addr, &gs.id),
            per_connection,
        )
        .await;
        drop(sdk);
        daemon.shutdown().await;
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
}
