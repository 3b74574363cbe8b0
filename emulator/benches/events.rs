//! Events face throughput: events rendered per second per format, and events delivered per
//! second over loopback HTTP to a receiver answering 200.
//!
//! The `matching` group answers issue 6's budget: the daemon's matching throughput
//! (StartMatchmaking → match, through the hub as the API face calls it) with four webhook
//! targets attached (one per format, each receiving its configuration's events over loopback)
//! versus none. Targets may cost at most 10 %.
//!
//! Run: `cargo bench -p playfield --bench events`. Criterion prints `thrpt` in elements
//! (events, or matches for `matching`) per second for each line, and the `matching` lines
//! print per target how many events were enqueued, delivered, skipped and overflowed (none
//! is dropped: the backlog left at the end of a sample is delivered, unmeasured).
//!
//! Thread layout, the same for every line: the bench thread is the matcher; the receiver (the
//! user's backend) runs on its own thread, as a separate process would; the delivery engine
//! runs on its own thread (the default `DeliveryRuntime::Dedicated`). Before that layout the
//! receiver shared a runtime with the delivery workers, which made loopback delivery look
//! twice as fast (15.9k vs 8.5k events/s; the same 8.3k with the workers back on a shared
//! runtime and the receiver on its own thread, so the difference is the receiver's place, not
//! the engine).
//!
//! Why `four_targets` stays far from the 10 % budget on 2 cores (2026-11, 50.6k vs 82.7k
//! matches/s): the matcher produces about 4 events per match, 10x what the loopback
//! receiver takes, so for the whole measurement the delivery thread and the receiver are
//! busy and want about 1.5 cores besides the matcher's one (perf: of the CPU samples over the
//! run, 55 % delivery thread, 25 % receiver, 19 % matcher). Part of the cost is the held
//! backlog itself (`four_targets_queued`, nothing delivered: -16 %).

use axum::http::StatusCode;
use axum::Router;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use playfield::events::format::{self, Format};
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::model::*;
use playfield::events::pgos::PgosOptions;
use playfield::events::sns::SnsSubscription;
use playfield::events::{DeliveryConfig, EventHub, Target};
use playfield_core::testing::teams_rule_set;
use playfield_flexmatch::AttributeValue;
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
                .insert("skill".into(), AttributeValue::Number(f64::from(i) * 10.0));
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
            ticket_id: format!("ticket-{i}").into(),
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

/// The user's backend: a loopback receiver answering 200 to everything, on its own
/// current-thread runtime on its own OS thread (as a separate process would be), so it never
/// shares a runtime with the matcher or the delivery engine. Returns its URL.
fn receiver() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-receiver".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("receiver runtime");
            rt.block_on(async move {
                let app = Router::new().fallback(|| async { StatusCode::OK });
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
                tx.send(url).expect("url");
                let _ = axum::serve(listener, app).await;
            });
        })
        .expect("receiver thread");
    rx.recv().expect("receiver url")
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
    let url = receiver();
    let hub = rt.block_on(async {
        let config = DeliveryConfig {
            queue_capacity: 10_000,
            // The engine's cost, not its priority: nothing competes for the cores here.
            runtime: playfield::events::DeliveryRuntime::Dedicated {
                threads: 1,
                nice: 0,
            },
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

/// The four formats as configured targets, each named after its configuration.
fn config_targets(url: &str) -> Vec<playfield::config::NotificationTarget> {
    use playfield::config::{EventFormat, NotificationTarget};
    [
        ("cfg-0", EventFormat::Flexmatch),
        ("cfg-1", EventFormat::Sns),
        ("cfg-2", EventFormat::Gpm),
        ("cfg-3", EventFormat::Pgos),
    ]
    .into_iter()
    .map(|(name, format)| NotificationTarget {
        name: name.into(),
        url: url.into(),
        format,
        match_token: Some("token".into()),
        args: Default::default(),
        default: false,
    })
    .collect()
}

/// A daemon hub with four STANDALONE 1v1 configurations (`cfg-0`..`cfg-3`, each naming the
/// target of the same name), with or without the notifier.
fn matching_hub(
    rt: &tokio::runtime::Runtime,
    url: &str,
    attached: bool,
    queued_only: bool,
    routed: bool,
    nice: i32,
) -> (
    std::sync::Arc<playfield::wiring::hub::Shared>,
    std::sync::Arc<playfield_core::ManualClock>,
    Option<EventHub>,
) {
    use playfield::events::routing::{targets_from_config, Notifier};
    use playfield_core::ConfigurationSpec;
    use playfield_core::FlexMatchMode;
    use playfield_core::{Core, CoreConfig};
    let clock = std::sync::Arc::new(playfield_core::ManualClock::new());
    let shared = std::sync::Arc::new(playfield::wiring::hub::Shared::new(
        Core::new(CoreConfig::default()),
        clock.clone(),
    ));
    shared.execute(|core, now| {
        core.create_rule_set(now, "rules", &teams_rule_set(1, 1))
            .expect("rule set");
        for i in 0..4 {
            let mut spec = ConfigurationSpec::new(&format!("cfg-{i}"), "rules", "");
            spec.flex_match_mode = FlexMatchMode::Standalone;
            spec.game_session_queues.clear();
            let prefix = if routed { "cfg" } else { "unrouted" };
            spec.notification_target = Some(format!("{prefix}-{i}"));
            core.create_configuration(now, spec).expect("configuration");
        }
    });
    if !attached {
        return (shared, clock, None);
    }
    let mut targets = config_targets(url);
    if queued_only {
        // Unconfirmed SNS subscriptions hold their events: routed, queued and held but not
        // delivered, which isolates the matcher's own cost of having targets.
        for t in &mut targets {
            t.format = playfield::config::EventFormat::Sns;
        }
    }
    let hub = rt.block_on(async {
        let config = DeliveryConfig {
            queue_capacity: 1_000_000,
            runtime: playfield::events::DeliveryRuntime::Dedicated { threads: 1, nice },
            sns_confirmation: if queued_only {
                playfield::events::SnsConfirmation::Wait
            } else {
                playfield::events::SnsConfirmation::Skip
            },
            // Hold as much as the queue takes: nothing is dropped while measuring.
            sns_pending: playfield::events::SnsPending {
                hold_limit: 1_000_000,
                ..playfield::events::SnsPending::default()
            },
            ..DeliveryConfig::default()
        };
        EventHub::start(
            config,
            targets_from_config(
                &targets,
                "us-west-2",
                "123456789012",
                "http://127.0.0.1:9/sns",
            ),
            EpochMillis(0),
        )
        .expect("hub")
    });
    let notifier = Notifier::new(hub.clone(), &targets, "us-west-2", "123456789012");
    shared.with_hub(|h, _| h.notifier = Some(notifier));
    (shared, clock, Some(hub))
}

/// `n` matches of two one-player tickets, spread over the four configurations. Finished
/// tickets are forgotten (clock moved past retention) outside the measured time.
fn run_matches(
    shared: &playfield::wiring::hub::Shared,
    clock: &playfield_core::ManualClock,
    next: &mut u64,
    n: u64,
) -> Duration {
    use playfield_core::StartMatchmaking;
    use playfield_flexmatch::Player;
    let mut measured = Duration::ZERO;
    let mut left = n;
    while left > 0 {
        let batch = left.min(5_000);
        let start = Instant::now();
        for _ in 0..batch {
            let cfg = format!("cfg-{}", (*next / 2) % 4);
            for _ in 0..2 {
                *next += 1;
                let req = StartMatchmaking {
                    ticket_id: None,
                    configuration_name: cfg.clone(),
                    players: vec![Player {
                        id: format!("p{}", *next),
                        ..Player::default()
                    }],
                };
                shared
                    .execute(|core, now| core.start_matchmaking(now, req))
                    .expect("ticket");
            }
        }
        measured += start.elapsed();
        left -= batch;
        clock.advance(Duration::from_secs(700));
        shared.fire_due_timers();
    }
    measured
}

fn matching(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let url = receiver();
    let mut g = c.benchmark_group("matching");
    g.throughput(Throughput::Elements(1));
    // `four_targets`: the matcher's own time while the workers deliver alongside on the same
    // cores (the backlog left at the end of a sample is drained unmeasured, so samples start
    // equal). `four_targets_until_delivered`: also counts waiting until every event was
    // delivered. `four_targets_queued`: targets attached, events routed and queued but held
    // (unconfirmed SNS), so only the matcher's own cost of the targets is measured; a fresh
    // hub per sample keeps the held queues small.
    //
    // Every line has the same threads: this one (the matcher, as an API request drives it),
    // the receiver's (the user's backend, see `receiver`), and with targets the engine's own
    // delivery thread (at the default nice value; `four_targets_nice0` runs it at normal
    // priority, to show what the nice value buys).
    let nice = playfield::events::delivery::DEFAULT_NICE;
    for (name, attached, count_delivery, nice) in [
        ("no_targets", false, false, nice),
        ("four_targets", true, false, nice),
        ("four_targets_nice0", true, false, 0),
        ("four_targets_until_delivered", true, true, nice),
    ] {
        let (shared, clock, hub) = matching_hub(&rt, &url, attached, false, true, nice);
        let mut next = 0;
        g.bench_function(name, |b| {
            b.iter_custom(|n| {
                let mut t = run_matches(&shared, &clock, &mut next, n);
                if let Some(hub) = &hub {
                    let start = Instant::now();
                    rt.block_on(hub.flush());
                    if count_delivery {
                        t += start.elapsed();
                    }
                }
                t
            })
        });
        if let Some(hub) = hub {
            for (target, s) in hub.stats() {
                println!(
                    "matching/{name}/{target}: {} enqueued, {} delivered, {} skipped (no such event in the format), {} overflowed, {} failed attempts",
                    s.enqueued, s.delivered, s.skipped, s.overflowed, s.failed_attempts
                );
            }
        }
    }
    // `notifier_unrouted`: the notifier attached but no configuration names a target, so
    // each event goes to the (unwatched) broadcast only: routing and publishing without
    // holding events in memory.
    {
        let (shared, clock, _hub) = matching_hub(&rt, &url, true, false, false, nice);
        let mut next = 0;
        g.bench_function("notifier_unrouted", |b| {
            b.iter_custom(|n| run_matches(&shared, &clock, &mut next, n))
        });
    }
    g.bench_function("four_targets_queued", |b| {
        b.iter_custom(|n| {
            let (shared, clock, hub) = matching_hub(&rt, &url, true, true, true, nice);
            let mut next = 0;
            let t = run_matches(&shared, &clock, &mut next, n);
            if let Some(hub) = hub {
                let queued: u64 = hub.stats().iter().map(|(_, s)| s.enqueued).sum();
                assert!(queued >= n, "events were queued");
                shared.with_hub(|h, _| h.notifier = None);
                rt.block_on(hub.shutdown());
            }
            t
        })
    });
    g.finish();
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
    targets = render, delivery, matching
}
criterion_main!(benches);
