//! Events face throughput: events rendered per second per format, and events delivered per
//! second over loopback HTTP to a receiver answering 200.
//!
//! Run: `cargo bench -p playfield --bench events`. Criterion prints `thrpt` in elements
//! (events) per second for each line.

use axum::http::StatusCode;
use axum::Router;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use playfield::events::format::{self, Format};
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::model::*;
use playfield::events::pgos::PgosOptions;
use playfield::events::sns::SnsSubscription;
use playfield::events::{DeliveryConfig, EventHub, Target};
use playfield_sdk::wire::AttributeValue;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// A placed 5v5 match (the one event every format renders): 10 tickets of one player with
/// two attributes and two latencies each.
fn succeeded() -> DomainEvent {
    let players: Vec<Player> = (0..10)
        .map(|i| {
            let mut p = Player::new(format!("player-{i}"))
                .on_team(if i % 2 == 0 { "red" } else { "blue" })
                .with_session(format!("psess-{i:08}"));
            p.attributes
                .insert("skill".into(), AttributeValue::Double(f64::from(i) * 10.0));
            p.attributes
                .insert("mode".into(), AttributeValue::String("ranked".into()));
            p.latency_in_ms.insert("us-west-2".into(), 30 + i);
            p.latency_in_ms.insert("us-east-1".into(), 80 + i);
            p
        })
        .collect();
    let tickets = players
        .iter()
        .enumerate()
        .map(|(i, p)| Ticket {
            ticket_id: format!("ticket-{i}"),
            start_time: EpochMillis(1_700_000_000_000),
            players: vec![p.clone()],
            kind: TicketKind::Matchmaking,
        })
        .collect();
    DomainEvent {
        id: Uuid::from_u128(1),
        time: EpochMillis(1_700_000_010_000),
        body: EventBody::Matchmaking(MatchmakingEvent {
            configuration: ConfigurationRef {
                name: "Sample".into(),
                arn: "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Sample"
                    .into(),
                custom_event_data: Some("bench".into()),
                rule_set_name: "SampleRuleSet".into(),
                ..ConfigurationRef::default()
            },
            tickets,
            game_session: GameSessionInfo {
                game_session_arn: Some("arn:aws:gamelift:us-west-2::gamesession/f/gs".into()),
                ip_address: Some("10.0.0.1".into()),
                port: Some(7777),
                players,
            },
            kind: MatchmakingEventKind::Succeeded {
                match_id: "m-1".into(),
            },
        }),
    }
}

fn formats() -> Vec<Format> {
    vec![
        Format::EventBridge,
        Format::Sns(SnsSubscription::new(
            "arn:aws:sns:us-west-2:123456789012:topic",
            "http://127.0.0.1:9080/sns",
        )),
        Format::Gpm(GpmOptions {
            account: "1".into(),
            region: String::new(),
            tokens: MatchTokens::new("token").expect("valid token"),
        }),
        Format::Pgos(PgosOptions {
            trigger_id: "trigger".into(),
            args: serde_json::Map::new(),
        }),
    ]
}

fn render(c: &mut Criterion) {
    let event = succeeded();
    let mut g = c.benchmark_group("render");
    g.throughput(Throughput::Elements(1));
    for f in formats() {
        assert!(format::render(&f, &event, Uuid::nil()).is_some());
        g.bench_function(f.label(), |b| {
            b.iter(|| format::render(black_box(&f), black_box(&event), Uuid::nil()))
        });
    }
    g.finish();
}

/// Publishes `n` events and waits until the receiver has acknowledged all of them.
async fn deliver(hub: &EventHub, event: &DomainEvent, n: u64) -> Duration {
    let start = Instant::now();
    let mut left = n;
    while left > 0 {
        let batch = left.min(10_000);
        for _ in 0..batch {
            hub.publish(event.clone());
        }
        hub.flush().await;
        left -= batch;
    }
    start.elapsed()
}

fn delivery(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let hub = rt.block_on(async {
        let app = Router::new().fallback(|| async { StatusCode::OK });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let config = DeliveryConfig {
            queue_capacity: 10_000,
            ..DeliveryConfig::default()
        };
        let target = Target {
            name: "loopback".into(),
            url,
            format: Format::EventBridge,
        };
        EventHub::start(config, vec![target], EpochMillis(0)).expect("hub")
    });
    let event = succeeded();
    let mut g = c.benchmark_group("deliver");
    g.throughput(Throughput::Elements(1));
    g.bench_function("eventbridge_loopback", |b| {
        b.iter_custom(|n| rt.block_on(deliver(&hub, &event, n)))
    });
    g.finish();
    let stats = hub.target_stats("loopback").unwrap_or_default();
    println!(
        "deliver: {} events delivered, {} failed attempts, {} overflowed",
        stats.delivered, stats.failed_attempts, stats.overflowed
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = render, delivery
}
criterion_main!(benches);
