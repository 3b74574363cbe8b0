//! SDK request round trip on loopback: AcceptPlayerSession through our SDK against the daemon,
//! beside a raw tokio-tungstenite echo of a message of the same size, measured in the same
//! run so the machine's load affects both alike. Target: SDK p99 within 2x the echo's.
//!
//! `cargo bench -p playfield --bench sdk_round_trip` (samples from `PLAYFIELD_BENCH_SAMPLES`,
//! default 4000; `cargo test --benches` runs a short smoke pass).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use playfield::wiring::server::{Daemon, DaemonConfig};
use playfield_core::SystemClock;
use playfield_core::{CoreConfig, CreateGameSession, Fleet, NewPlayerSession};
use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const FLEET: &str = "fleet-bench";
/// Player sessions reserved, accepted and removed per round (under the 200-player cap).
const BATCH: usize = 100;

fn main() {
    let smoke =
        std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench");
    let samples: usize = std::env::var("PLAYFIELD_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if smoke { 200 } else { 4000 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let echo = echo_round_trips(samples).await;
        let sdk = sdk_round_trips(samples).await;
        report("raw tokio-tungstenite echo", &echo);
        report("SDK AcceptPlayerSession", &sdk);
        let (e99, s99) = (percentile(&echo, 99.0), percentile(&sdk, 99.0));
        let (e50, s50) = (percentile(&echo, 50.0), percentile(&sdk, 50.0));
        println!(
            "ratio SDK/echo: p50 {:.2}x, p99 {:.2}x (target p99 <= 2x)",
            s50.as_secs_f64() / e50.as_secs_f64(),
            s99.as_secs_f64() / e99.as_secs_f64()
        );
    });
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(what: &str, sorted: &[Duration]) {
    println!(
        "{what:<28} n={:<6} p50 {:>7.1} us  p90 {:>7.1} us  p99 {:>7.1} us  max {:>8.1} us",
        sorted.len(),
        percentile(sorted, 50.0).as_secs_f64() * 1e6,
        percentile(sorted, 90.0).as_secs_f64() * 1e6,
        percentile(sorted, 99.0).as_secs_f64() * 1e6,
        sorted.last().unwrap().as_secs_f64() * 1e6,
    );
}

/// A request of the size the SDK sends for AcceptPlayerSession, echoed back.
async fn echo_round_trips(samples: usize) -> Vec<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        while let Some(Ok(msg)) = ws.next().await {
            if msg.is_text() && ws.send(msg).await.is_err() {
                break;
            }
        }
    });
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}"))
        .await
        .unwrap();
    let body = r#"{"Action":"AcceptPlayerSession","RequestId":"6f1c2a9e-7d7b-4d4e-9d7f-1b2c3d4e5f60","GameSessionId":"arn:aws:gamelift:us-west-2::gamesession/fleet-bench/gsess-0123456789abcdef","PlayerSessionId":"psess-0123456789abcdef01234567"}"#;
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples + samples / 10 {
        let start = Instant::now();
        ws.send(Message::text(body)).await.unwrap();
        ws.next().await.unwrap().unwrap();
        times.push(start.elapsed());
    }
    times.drain(..samples / 10); // warm-up
    times.sort();
    times
}

async fn sdk_round_trips(samples: usize) -> Vec<Duration> {
    let config = DaemonConfig {
        api_listen: None,
        api_access_keys: Vec::new(),
        ws_listen: Some(([127, 0, 0, 1], 0).into()),
        wss_listen: None,
        tls_files: None,
        core: CoreConfig::default(),
        fleets: vec![Fleet {
            id: FLEET.into(),
            name: "bench".into(),
            locations: vec!["custom-local".into()],
        }],
        ..DaemonConfig::default()
    };
    let daemon = Daemon::start(config, Arc::new(SystemClock)).await.unwrap();
    let url = format!("ws://{}", daemon.ws_addr().unwrap());
    let sdk = ServerSdk::with_options(SdkOptions::new());
    sdk.init(
        ServerParameters::new()
            .web_socket_url(url)
            .process_id("proc-bench")
            .host_id("bench-host")
            .fleet_id(FLEET)
            .auth_token("bench"),
    )
    .await
    .unwrap();
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .await
        .unwrap();
    let gs = loop {
        let created = daemon.execute(|core, now| {
            core.create_game_session(
                now,
                CreateGameSession {
                    fleet_id: FLEET.into(),
                    maximum_player_session_count: BATCH as u32,
                    ..Default::default()
                },
            )
        });
        match created {
            Ok(gs) => break gs,
            // The process may not be ACTIVE yet: its ProcessReady reply raced this call.
            Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    };
    let ServerEvent::StartGameSession(_) = sdk.next_event().await else {
        panic!("expected the game session")
    };
    sdk.activate_game_session().await.unwrap();

    let warm_up = samples / 10;
    let mut times = Vec::with_capacity(samples + warm_up);
    while times.len() < samples + warm_up {
        let players: Vec<NewPlayerSession> = (0..BATCH)
            .map(|i| NewPlayerSession {
                player_id: format!("player-{}-{i}", times.len()),
                player_data: None,
            })
            .collect();
        // CreatePlayerSessions takes at most 25 players at a time (service-api.md).
        let mut reserved = Vec::with_capacity(BATCH);
        for chunk in players.chunks(25) {
            let chunk = chunk.to_vec();
            reserved.extend(
                daemon
                    .execute(|core, now| core.create_player_sessions(now, &gs.id, chunk))
                    .unwrap(),
            );
        }
        for ps in &reserved {
            let start = Instant::now();
            sdk.accept_player_session(&ps.id).await.unwrap();
            times.push(start.elapsed());
        }
        for ps in &reserved {
            sdk.remove_player_session(&ps.id).await.unwrap();
        }
    }
    times.drain(..warm_up);
    times.truncate(samples);
    times.sort();
    sdk.destroy().await.unwrap();
    daemon.shutdown().await;
    times
}
