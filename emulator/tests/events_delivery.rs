//! The delivery engine against a loopback receiver, on tokio's paused clock (no real sleeping:
//! backoff waits are skipped by the runtime's auto-advance).
//!
//! Why retries matter: docs/lessons-from-peers.md, "A Go FlexMatch API emulator": "Events are
//! delivered at most once, never retried; an SNS-over-HTTP subscriber that is down loses them."

mod events_support;

use events_support::receiver::{self, Received};
use events_support::*;
use futures_util::StreamExt;
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::model::*;
use playfield::events::sns::SnsSubscription;
use playfield::events::stream::{sse_stream, LAGGED};
use playfield::events::{
    Backoff, DeliveryConfig, DeliveryRuntime, EventHub, Format, SnsConfirmation, Target,
    TargetStats,
};
use std::sync::Arc;
use std::time::Duration;

fn config() -> DeliveryConfig {
    DeliveryConfig {
        backoff: Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
        },
        // A paused clock would jump to a request timeout while the request is in flight.
        request_timeout: None,
        // The workers run on the test's runtime, whose clock is paused.
        runtime: DeliveryRuntime::Caller,
        ..DeliveryConfig::default()
    }
}

fn target(name: &str, url: &str, format: Format) -> Target {
    Target {
        name: name.into(),
        url: url.into(),
        format,
    }
}

fn ids(rs: &[Received]) -> Vec<String> {
    rs.iter()
        .map(|r| r.json()["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits (in virtual time) until `cond` holds. A fixed sleep would race: on a paused clock,
/// time jumps to the next timer while a request is still in flight.
async fn wait_until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..100_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("timed out waiting for {what}");
}

fn event_id(seq: i64) -> String {
    uuid::Uuid::from_u128(seq as u128 + 1)
        .hyphenated()
        .to_string()
}

/// A receiver that answers 500 twice and then 200 gets each event exactly once (as accepted),
/// in publish order, after three attempts each; backoff waited 100 ms then 200 ms per event.
#[tokio::test(start_paused = true)]
async fn retries_until_delivered_each_event_once_in_order() {
    let rx = receiver::start(receiver::fail_first(2)).await;
    let hub = EventHub::start(
        config(),
        vec![target("eb", &rx.url, Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    let started = tokio::time::Instant::now();
    for seq in 0..5 {
        hub.publish(searching("t-1", seq));
    }
    hub.flush().await;
    assert!(started.elapsed() >= Duration::from_millis(5 * 300));

    let accepted = rx.accepted();
    assert_eq!(ids(&accepted), (0..5).map(event_id).collect::<Vec<_>>());
    assert_eq!(rx.all().len(), 15);
    assert!(accepted
        .iter()
        .all(|r| r.header("content-type") == Some("application/json")));
    assert_eq!(
        hub.target_stats("eb").unwrap(),
        TargetStats {
            enqueued: 5,
            delivered: 5,
            attempts: 15,
            failed_attempts: 10,
            ..TargetStats::default()
        }
    );
}

/// A retry resends the very bytes of the first attempt: the event is rendered once, so an
/// SNS notification keeps its `MessageId` (and `Timestamp`) across attempts, which is what
/// lets a subscriber recognise a redelivery (at-least-once, module doc of `delivery`).
#[tokio::test(start_paused = true)]
async fn a_retried_event_is_sent_with_identical_bytes() {
    let rx = receiver::start(receiver::fail_first(2)).await;
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Skip,
        ..config()
    };
    let (t, _) = sns_target(&rx.url);
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t-1", 0));
    hub.flush().await;
    let all = rx.all();
    assert_eq!(all.len(), 3, "two failed attempts, then the delivered one");
    assert!(all[0].json()["MessageId"].is_string());
    assert!(all.iter().all(|r| r.body == all[0].body), "{all:?}");
    assert_eq!(hub.target_stats("sns").unwrap().delivered, 1);
}

/// Per-ticket order (and per-target FIFO): events of three tickets interleaved, every
/// second attempt failing; each ticket's events arrive in their order, each exactly once.
#[tokio::test(start_paused = true)]
async fn per_ticket_order_is_kept_under_failures() {
    let flaky: receiver::Policy = Arc::new(|seen, body| {
        // Fail the first sight of every event whose sequence number is odd.
        let odd = body.contains("\"estimatedWaitMillis\":1")
            || body.contains("\"estimatedWaitMillis\":3")
            || body.contains("\"estimatedWaitMillis\":5")
            || body.contains("\"estimatedWaitMillis\":7");
        if odd && seen == 0 {
            503
        } else {
            200
        }
    });
    let rx = receiver::start(flaky).await;
    let hub = EventHub::start(
        config(),
        vec![target("eb", &rx.url, Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    let tickets = ["a", "b", "c"];
    for seq in 0..9 {
        hub.publish(searching(tickets[(seq % 3) as usize], seq));
    }
    hub.flush().await;
    let got: Vec<(String, u64)> = rx
        .accepted()
        .iter()
        .map(|r| {
            let v = r.json();
            (
                v["detail"]["tickets"][0]["ticketId"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                v["detail"]["estimatedWaitMillis"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got.len(), 9);
    for t in tickets {
        let seqs: Vec<u64> = got
            .iter()
            .filter(|(x, _)| x == t)
            .map(|(_, s)| *s)
            .collect();
        let mut sorted = seqs.clone();
        sorted.sort();
        assert_eq!(seqs, sorted, "ticket {t} out of order");
        assert_eq!(seqs.len(), 3);
    }
    // Per-target FIFO: the global order is the publish order too.
    assert_eq!(
        got.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        (0..9).collect::<Vec<_>>()
    );
}

/// A full queue refuses events for that target: counted and logged, never silent; the queued
/// events are still delivered; other targets are unaffected.
#[tokio::test(start_paused = true)]
async fn overflow_is_counted() {
    let rx = receiver::start(receiver::ok()).await;
    let cfg = DeliveryConfig {
        queue_capacity: 2,
        ..config()
    };
    let hub = EventHub::start(
        cfg,
        vec![
            target("small", &rx.url, Format::EventBridge),
            target("also-small", &rx.url, Format::EventBridge),
        ],
        EpochMillis(0),
    )
    .unwrap();
    // The workers have not run yet (single-threaded runtime, no await since start).
    for seq in 0..5 {
        hub.publish(searching("t", seq));
    }
    let s = hub.target_stats("small").unwrap();
    assert_eq!((s.enqueued, s.overflowed, s.pending), (2, 3, 2));
    hub.flush().await;
    let s = hub.target_stats("small").unwrap();
    assert_eq!((s.delivered, s.overflowed, s.pending), (2, 3, 0));
    assert_eq!(hub.stats().len(), 2);
    assert_eq!(rx.accepted().len(), 4);
}

/// Connection failures are retried like non-2xx; with `max_attempts` the event is abandoned,
/// logged and counted, and the next one is tried.
#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_then_abandoned() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    drop(listener); // nothing listens there now
    let cfg = DeliveryConfig {
        max_attempts: Some(3),
        ..config()
    };
    let hub = EventHub::start(
        cfg,
        vec![target("dead", &url, Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    hub.publish(searching("t", 0));
    hub.publish(searching("t", 1));
    hub.flush().await;
    assert_eq!(
        hub.target_stats("dead").unwrap(),
        TargetStats {
            enqueued: 2,
            abandoned: 2,
            attempts: 6,
            failed_attempts: 6,
            ..TargetStats::default()
        }
    );
}

fn sns_target(url: &str) -> (Target, SnsSubscription) {
    let sub = SnsSubscription::new(
        "arn:aws:sns:us-west-2:111122223333:My_Matchmaking_SNS_Topic",
        "http://127.0.0.1:1/sns",
    );
    (target("sns", url, Format::Sns(sub.clone())), sub)
}

/// SNS: the SubscriptionConfirmation goes first; notifications wait until `confirm(token)`
/// (policy `Wait`), then arrive in order with the SNS headers.
#[tokio::test(start_paused = true)]
async fn sns_confirms_first_then_delivers() {
    let rx = receiver::start(receiver::ok()).await;
    let (t, sub) = sns_target(&rx.url);
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Wait,
        ..config()
    };
    let hub = EventHub::start(cfg, vec![t], EpochMillis(1_000)).unwrap();
    hub.publish(searching("t", 0));
    hub.publish(searching("t", 1));
    wait_until("the confirmation", || rx.accepted().len() == 1).await;
    // An hour passes: nothing but the confirmation was sent.
    tokio::time::sleep(Duration::from_secs(3600)).await;
    let all = rx.all();
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0].header("x-amz-sns-message-type"),
        Some("SubscriptionConfirmation")
    );
    assert_eq!(all[0].json()["Token"], sub.token.as_str());
    assert_eq!(all[0].json()["Timestamp"], "1970-01-01T00:00:01.000Z");

    assert!(!hub.confirm("wrong-token"));
    assert!(hub.confirm(&sub.token));
    hub.flush().await;
    let all = rx.all();
    assert_eq!(all.len(), 3);
    for (r, seq) in all[1..].iter().zip(0..) {
        assert_eq!(r.header("x-amz-sns-message-type"), Some("Notification"));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=UTF-8"));
        assert_eq!(
            r.header("x-amz-sns-topic-arn"),
            Some(sub.topic_arn.as_str())
        );
        let v = r.json();
        assert_eq!(r.header("x-amz-sns-message-id"), v["MessageId"].as_str());
        let inner: serde_json::Value =
            serde_json::from_str(v["Message"].as_str().unwrap()).unwrap();
        assert_eq!(inner["id"], event_id(seq));
    }
}

/// SNS with `WaitAtMost`: unconfirmed, delivery proceeds after the limit.
#[tokio::test(start_paused = true)]
async fn sns_proceeds_after_the_confirmation_limit() {
    let rx = receiver::start(receiver::ok()).await;
    let (t, _) = sns_target(&rx.url);
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::WaitAtMost(Duration::from_secs(5)),
        ..config()
    };
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t", 0));
    let before = tokio::time::Instant::now();
    hub.flush().await;
    assert!(before.elapsed() >= Duration::from_secs(5));
    let all = rx.all();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[1].header("x-amz-sns-message-type"),
        Some("Notification")
    );
}

/// A subscriber that is down when the confirmation is sent still gets it (retried), and then
/// everything published meanwhile.
#[tokio::test(start_paused = true)]
async fn sns_confirmation_is_retried() {
    let rx = receiver::start(receiver::fail_first(3)).await;
    let (t, sub) = sns_target(&rx.url);
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Wait,
        ..config()
    };
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t", 0));
    wait_until("the confirmation", || rx.accepted().len() == 1).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(rx.accepted().len(), 1);
    assert_eq!(rx.all().len(), 4, "three failures, then the confirmation");
    assert!(hub.confirm(&sub.token));
    hub.flush().await;
    let accepted = rx.accepted();
    assert_eq!(accepted.len(), 2);
    assert_eq!(
        accepted[1].header("x-amz-sns-message-type"),
        Some("Notification")
    );
}

/// A GPM target skips what GPM does not push (AcceptMatch) and carries the rolled tokens.
#[tokio::test(start_paused = true)]
async fn gpm_target_skips_and_rolls_tokens() {
    let rx = receiver::start(receiver::ok()).await;
    let gpm = Format::Gpm(GpmOptions {
        account: "1".into(),
        region: String::new(),
        tokens: MatchTokens::new("t1").unwrap(),
    });
    let hub = EventHub::start(config(), vec![target("gpm", &rx.url, gpm)], EpochMillis(0)).unwrap();
    let events = seed_events();
    let searching_ev = events[0].1.clone();
    let accept = events[2].1.clone();
    hub.publish(searching_ev.clone());
    hub.publish(accept);
    hub.flush().await;
    assert!(hub
        .set_gpm_token("gpm", "t2", 600, searching_ev.time)
        .unwrap());
    assert!(!hub
        .set_gpm_token("nope", "t3", 0, searching_ev.time)
        .unwrap());
    assert!(hub
        .set_gpm_token("gpm", "bad token", 0, searching_ev.time)
        .is_err());
    hub.publish(searching_ev);
    hub.flush().await;
    let s = hub.target_stats("gpm").unwrap();
    assert_eq!((s.delivered, s.skipped), (2, 1));
    let got = rx.accepted();
    assert_eq!(got[0].json()["MatchTokens"], serde_json::json!(["t1"]));
    assert_eq!(
        got[1].json()["MatchTokens"],
        serde_json::json!(["t2", "t1"])
    );
}

/// The broadcast reaches in-process subscribers as SSE-ready `(name, JSON)` items; a
/// subscriber that falls behind is told how many it missed.
#[tokio::test(start_paused = true)]
async fn sse_stream_yields_names_and_json_and_reports_lag() {
    let cfg = DeliveryConfig {
        broadcast_capacity: 2,
        ..config()
    };
    let hub = EventHub::start(cfg, vec![], EpochMillis(0)).unwrap();
    let mut s = Box::pin(sse_stream(hub.subscribe()));
    hub.publish(seed_events()[1].1.clone());
    let (name, json) = s.next().await.unwrap();
    assert_eq!(name, "PotentialMatchCreated");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["detail"]["matchId"],
        "3faf26ac-f06e-43e5-8d86-08feff26f692"
    );

    for seq in 0..5 {
        hub.publish(searching("t", seq));
    }
    let (name, json) = s.next().await.unwrap();
    assert_eq!(name, LAGGED);
    assert_eq!(json, r#"{"missed":3}"#);
    let (name, _) = s.next().await.unwrap();
    assert_eq!(name, "MatchmakingSearching");
    drop(hub);
    let _ = s.next().await; // the last buffered item
    assert!(s.next().await.is_none(), "stream ends with the hub");
}

/// Shutdown ends workers that would otherwise retry for ever: the event being retried and the
/// queued ones get a last attempt, are counted as abandoned, and later publishes are refused.
#[tokio::test(start_paused = true)]
async fn shutdown_drains_best_effort_and_ends_workers() {
    let rx = receiver::start(Arc::new(|_, _| 500)).await;
    let (sns, _) = sns_target(&rx.url);
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Wait,
        ..config()
    };
    let hub = EventHub::start(
        cfg,
        vec![target("down", &rx.url, Format::EventBridge), sns],
        EpochMillis(0),
    )
    .unwrap();
    for seq in 0..3 {
        hub.publish(searching("t", seq));
    }
    wait_until("retries", || {
        hub.target_stats("down").unwrap().attempts >= 4
    })
    .await;
    let stats = hub.shutdown().await;
    let down = stats[0].1;
    assert_eq!((down.delivered, down.abandoned), (0, 3));
    assert!(
        down.attempts > 3,
        "the first event was retried before shutdown"
    );
    let sns = stats[1].1;
    assert_eq!((sns.delivered, sns.abandoned), (0, 3));
    hub.publish(searching("t", 9));
    assert_eq!(hub.target_stats("down").unwrap().overflowed, 1);
    // flush returns: nothing is pending any more.
    hub.flush().await;
}

/// The nice values of this process's threads whose name is the delivery thread's (Linux:
/// `/proc/self/task`, where names are cut to 15 bytes). The other tests of this file run their
/// workers on the caller's runtime, so only the test below starts such threads.
#[cfg(target_os = "linux")]
fn delivery_threads() -> Vec<i64> {
    let name = &playfield::events::delivery::THREAD_NAME[..15];
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            // `stat`: "pid (comm) state ..."; nice is the 19th field, the 17th after ")".
            let nice = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(16)?
                .parse()
                .ok()?;
            (comm.trim_end() == name).then_some(nice)
        })
        .collect()
}

/// The default runtime is the engine's own thread (issue 6, "Delivery that never blocks the
/// matchmaker"): it delivers, `shutdown` ends it before returning, and dropping the last hub
/// clone ends it after the drain without anyone waiting.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_dedicated_delivery_thread_ends_with_the_hub() {
    let rx = receiver::start(receiver::fail_first(0)).await;
    let cfg = DeliveryConfig {
        runtime: DeliveryRuntime::default(),
        ..config()
    };
    assert_eq!(
        cfg.runtime,
        DeliveryRuntime::Dedicated {
            threads: 1,
            nice: playfield::events::delivery::DEFAULT_NICE
        }
    );
    let hub = EventHub::start(
        cfg.clone(),
        vec![target("eb", &rx.url, Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    hub.publish(searching("t-1", 0));
    tokio::time::timeout(Duration::from_secs(30), hub.flush())
        .await
        .expect("delivered from the dedicated thread");
    // Checked once the thread has run (it names itself and lowers its priority as it starts):
    // one thread, at the nice value that lets the matcher keep its core.
    let nice = delivery_threads();
    assert_eq!(nice.len(), 1, "{nice:?}");
    assert!(
        nice[0] >= i64::from(playfield::events::delivery::DEFAULT_NICE),
        "{nice:?}"
    );
    assert_eq!(ids(&rx.accepted()), vec![event_id(0)]);
    let stats = hub.shutdown().await;
    assert_eq!(stats[0].1.delivered, 1);
    assert!(delivery_threads().is_empty(), "shutdown ended the thread");

    // Dropped without shutdown: the queued event still drains, then the thread ends.
    let hub = EventHub::start(
        cfg,
        vec![target("eb", &rx.url, Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    hub.publish(searching("t-1", 1));
    drop(hub);
    // Real threads, real time: poll (bounded) for what the drain and the thread do.
    for _ in 0..3000 {
        if rx.accepted().len() == 2 && delivery_threads().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        delivery_threads().is_empty(),
        "the thread ended after its drain"
    );
    assert_eq!(ids(&rx.accepted()), vec![event_id(0), event_id(1)]);
}
