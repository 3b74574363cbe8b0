//! What an open dashboard costs the matcher, and how fast its views load with a large pool.
//!
//! `cargo bench -p playfield --bench dashboard` starts the real daemon (`Daemon::start`,
//! system clock, loopback) and prints:
//!
//! (a) Matchmaking throughput with and without an open dashboard, side by side:
//!     `CONNECTIONS` (4) API connections send `TICKETS` (60,000) StartMatchmaking calls (awsJson1_1, a
//!     STANDALONE 1v1 configuration: every second ticket completes a match) as fast as they
//!     are answered. "Open" means what a browser on the matchmaking tab does: one
//!     `/dashboard/api/stream` subscription and, on each `changed`, a fetch of the header's
//!     totals and of the configuration's ticket list. Runs alternate (without, with, ...) `ROUNDS`
//!     (5) times on fresh daemons, since the machine is shared: the figure is the ratio of the
//!     medians, target >= 0.90.
//! (b) View load times with `IN_FLIGHT` (10,000) SEARCHING tickets that cannot match
//!     (their skills are farther apart than the rule allows): each view fetched `LOADS`
//!     times over HTTP; p50 and max per view, target < 200 ms.
//!
//! Without `--bench` (e.g. `cargo test --benches`) it runs a short smoke pass.

#[path = "support/json_api.rs"]
mod json_api;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use json_api::JsonApi;
use playfield::wiring::server::{Daemon, DaemonConfig, DaemonHandle};
use playfield_core::ConfigurationSpec;
use playfield_core::SystemClock;
use playfield_core::{FlexMatchMode, StartMatchmaking};
use playfield_flexmatch::{AttributeValue, Player};
use serde_json::json;
use tokio::sync::watch;

const CONFIG: &str = "bench-1v1";
const RULES: &str = r#"{"ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 0}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "SameSkill", "type": "distance",
               "measurements": ["avg(teams[red].players.attributes[skill])"],
               "referenceValue": "avg(teams[blue].players.attributes[skill])",
               "maxDistance": 0.5}]}"#;

struct Sizes {
    connections: usize,
    tickets: usize,
    rounds: usize,
    in_flight: usize,
    loads: usize,
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let sizes = if benching {
        Sizes {
            connections: 4,
            tickets: 60_000,
            rounds: 5,
            in_flight: 10_000,
            loads: 20,
        }
    } else {
        Sizes {
            connections: 2,
            tickets: 200,
            rounds: 1,
            in_flight: 200,
            loads: 2,
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(sizes));
    runtime.shutdown_timeout(Duration::from_secs(1));
}

async fn start_daemon() -> DaemonHandle {
    let config = DaemonConfig {
        api_listen: Some(([127, 0, 0, 1], 0).into()),
        ws_listen: None,
        wss_listen: None,
        ..DaemonConfig::default()
    };
    let daemon = Daemon::start(config, Arc::new(SystemClock))
        .await
        .expect("daemon starts");
    daemon.execute(|core, now| {
        core.create_rule_set(now, "rules", RULES).expect("rule set");
        core.create_configuration(
            now,
            ConfigurationSpec {
                rule_set: "rules".into(),
                flex_match_mode: FlexMatchMode::Standalone,
                game_session_queues: Vec::new(),
                request_timeout_seconds: 43_200,
                ..ConfigurationSpec::service_defaults(CONFIG)
            },
        )
        .expect("configuration");
    });
    daemon
}

/// What an open page on the matchmaking tab does: follow the stream, and on each `changed`
/// fetch the overview and the ticket list. Returns how many refreshes it made.
async fn open_dashboard(addr: SocketAddr, mut stop: watch::Receiver<bool>) -> usize {
    let http = reqwest::Client::new();
    let base = format!("http://{addr}");
    let mut response = http
        .get(format!("{base}/dashboard/api/stream"))
        .send()
        .await
        .expect("stream");
    let mut refreshes = 0;
    loop {
        let chunk = tokio::select! {
            c = response.chunk() => c,
            _ = stop.changed() => return refreshes,
        };
        let Ok(Some(chunk)) = chunk else {
            return refreshes;
        };
        if !String::from_utf8_lossy(&chunk).contains("event: changed") {
            continue;
        }
        for path in [
            "/dashboard/api/totals".to_string(),
            format!("/dashboard/api/tickets?configuration={CONFIG}"),
        ] {
            let r = http.get(format!("{base}{path}")).send().await.expect(&path);
            let _ = r.bytes().await.expect("view body");
        }
        refreshes += 1;
    }
}

/// Sends `tickets` StartMatchmaking calls over `connections` connections; tickets/s.
async fn throughput(addr: SocketAddr, connections: usize, tickets: usize, run: usize) -> f64 {
    let per = tickets / connections;
    let mut apis = Vec::new();
    for _ in 0..connections {
        apis.push(JsonApi::connect(addr).await);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, mut api) in apis.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..per {
                // Pairs of equal skill: every second ticket of a connection makes a match.
                let body = json!({
                    "ConfigurationName": CONFIG,
                    "Players": [{"PlayerId": format!("r{run}-c{c}-p{i}"),
                                 "PlayerAttributes": {"skill": {"N": (c * per + i / 2) as f64}}}],
                });
                api.call("StartMatchmaking", body).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("connection task");
    }
    (per * connections) as f64 / started.elapsed().as_secs_f64()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

async fn run(s: Sizes) {
    // (a) Throughput, without and with an open dashboard, alternating.
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for round in 0..s.rounds {
        for open in [false, true] {
            let daemon = start_daemon().await;
            let addr = daemon.api_addr().expect("API address");
            let (stop_tx, stop_rx) = watch::channel(false);
            let page = open.then(|| tokio::spawn(open_dashboard(addr, stop_rx)));
            let rate = throughput(addr, s.connections, s.tickets, round * 2 + open as usize).await;
            let _ = stop_tx.send(true);
            let refreshes = match page {
                Some(p) => p.await.expect("page task"),
                None => 0,
            };
            println!(
                "round {round}: dashboard {}: {rate:.0} tickets/s{}",
                if open { "open  " } else { "closed" },
                if open {
                    format!(" ({refreshes} page refreshes)")
                } else {
                    String::new()
                }
            );
            if open {
                with.push(rate);
            } else {
                without.push(rate);
            }
            daemon.shutdown().await;
        }
    }
    let (a, b) = (median(&mut without), median(&mut with));
    println!(
        "throughput: median {a:.0} tickets/s closed, {b:.0} tickets/s open: ratio {:.3} (target >= 0.90)",
        b / a
    );

    // (b) Views with IN_FLIGHT tickets searching.
    let daemon = start_daemon().await;
    let addr = daemon.api_addr().expect("API address");
    let mut first = String::new();
    daemon.execute(|core, now| {
        for i in 0..s.in_flight {
            let t = core
                .start_matchmaking(
                    now,
                    StartMatchmaking {
                        ticket_id: None,
                        configuration_name: CONFIG.into(),
                        players: vec![Player {
                            id: format!("waiting-{i}"),
                            attributes: [(
                                "skill".to_string(),
                                AttributeValue::Number(i as f64 * 10.0),
                            )]
                            .into_iter()
                            .collect(),
                            latency_ms: Default::default(),
                            team: None,
                        }],
                    },
                )
                .expect("ticket");
            if i == 0 {
                first = t.id.to_string();
            }
        }
    });
    let searching = daemon.read(|c| c.tickets().filter(|t| !t.status.is_final()).count());
    println!(
        "views with {searching} tickets in flight ({} loads each):",
        s.loads
    );
    let http = reqwest::Client::new();
    for path in [
        "/".to_string(),
        "/dashboard/api/overview".into(),
        "/dashboard/api/totals".into(),
        format!("/dashboard/api/tickets?configuration={CONFIG}"),
        format!("/dashboard/api/tickets?configuration={CONFIG}&status=SEARCHING"),
        format!("/dashboard/api/tickets/{first}"),
        "/dashboard/api/fleets".into(),
        "/dashboard/api/sessions".into(),
        "/dashboard/api/matches".into(),
        "/dashboard/api/events".into(),
        "/metrics".into(),
    ] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..s.loads {
            let t = Instant::now();
            let r = http
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .expect(&path);
            assert!(r.status().is_success(), "{path}: {}", r.status());
            bytes = r.bytes().await.expect("body").len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!(
            "  {path:<58} p50 {:>7.2} ms  max {max:>7.2} ms  ({bytes} bytes)",
            median(&mut times)
        );
    }
    daemon.shutdown().await;
}
