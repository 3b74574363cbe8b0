//! The delivery engine against a loopback receiver, on tokio's paused clock (no real sleeping:
//! backoff waits are skipped by the runtime's auto-advance).
//!
//! Why retries matter: docs/lessons-from-peers.md, "A Go FlexMatch API emulator": "Events are
//! delivered at most once, never retried; an SNS-over-HTTP subscriber that is down loses them."

use crate::events_support::*;
use futures_util::StreamExt;
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::model::*;
use playfield::events::sns::SnsSubscription;
use playfield::events::stream::{sse_stream, LAGGED};
use playfield::events::{
    Backoff, DeliveryConfig, DeliveryRuntime, EventHub, Format, SnsConfirmation, SnsPending,
    SubscriptionState, Target, TargetStats,
};
use playfield_testkit::{fail_first, ok, Policy, Received, Webhook};
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
    let rx = Webhook::with_policy(fail_first(2)).await;
    let hub = EventHub::start(
        config(),
        vec![target("eb", &rx.url(), Format::EventBridge)],
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
    assert_eq!(rx.received().len(), 15);
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
    let rx = Webhook::with_policy(fail_first(2)).await;
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Skip,
        ..config()
    };
    let (t, _) = sns_target(&rx.url());
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t-1", 0));
    hub.flush().await;
    let all = rx.received();
    assert_eq!(all.len(), 3, "two failed attempts, then the delivered one");
    assert!(all[0].json()["MessageId"].is_string());
    assert!(all.iter().all(|r| r.body == all[0].body), "{all:?}");
    assert_eq!(hub.target_stats("sns").unwrap().delivered, 1);
}

/// Per-ticket order (and per-target FIFO): events of three tickets interleaved, every
/// second attempt failing; each ticket's events arrive in their order, each exactly once.
#[tokio::test(start_paused = true)]
async fn per_ticket_order_is_kept_under_failures() {
    let flaky: Policy = Arc::new(|seen, body| {
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
    let rx = Webhook::with_policy(flaky).await;
    let hub = EventHub::start(
        config(),
        vec![target("eb", &rx.url(), Format::EventBridge)],
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
    let rx = Webhook::with_policy(ok()).await;
    let cfg = DeliveryConfig {
        queue_capacity: 2,
        ..config()
    };
    let hub = EventHub::start(
        cfg,
        vec![
            target("small", &rx.url(), Format::EventBridge),
            target("also-small", &rx.url(), Format::EventBridge),
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

/// SNS: the SubscriptionConfirmation goes first; notifications wait until `confirm(token)`,
/// then arrive in order with the SNS headers.
#[tokio::test(start_paused = true)]
async fn sns_confirms_first_then_delivers() {
    let rx = Webhook::with_policy(ok()).await;
    let (t, sub) = sns_target(&rx.url());
    let hub = EventHub::start(config(), vec![t], EpochMillis(1_000)).unwrap();
    hub.publish(searching("t", 0));
    hub.publish(searching("t", 1));
    wait_until("the confirmation", || rx.accepted().len() == 1).await;
    // An hour passes: nothing but confirmations (resent meanwhile) was sent.
    advance(Duration::from_secs(3600)).await;
    let all = rx.received();
    assert_eq!(
        message_types(&all),
        vec!["SubscriptionConfirmation"; all.len()]
    );
    assert_eq!(all[0].json()["Token"], sub.token.as_str());
    assert_eq!(all[0].json()["Timestamp"], "1970-01-01T00:00:01.000Z");

    assert!(!hub.confirm("wrong-token"));
    assert!(hub.confirm(&sub.token));
    hub.flush().await;
    let notes = notifications(&rx.received());
    assert_eq!(notes.len(), 2);
    for (r, seq) in notes.iter().zip(0..) {
        assert_eq!(r.header("content-type"), Some("text/plain; charset=UTF-8"));
        assert_eq!(
            r.header("x-amz-sns-topic-arn"),
            Some(sub.topic_arn.as_str())
        );
        let v = r.json();
        assert_eq!(r.header("x-amz-sns-message-id"), v["MessageId"].as_str());
        assert_eq!(message_id(r), event_id(seq));
    }
}

/// Virtual time advanced in steps of this much at most: a request in flight lets tokio's
/// paused clock jump to the next timer, and this keeps that timer near.
const STEP: Duration = Duration::from_millis(100);

/// Advances tokio's paused clock by `d`, in [`STEP`]s.
async fn advance(d: Duration) {
    advance_in_steps(d, STEP).await;
}

/// Advances tokio's paused clock by `d`, in steps of `step` at most (coarser steps for long
/// spans where exchange times do not matter).
async fn advance_in_steps(d: Duration, step: Duration) {
    let end = tokio::time::Instant::now() + d;
    loop {
        let now = tokio::time::Instant::now();
        if now >= end {
            return;
        }
        tokio::time::sleep(step.min(end - now)).await;
    }
}

/// `x-amz-sns-message-type` of each request.
fn message_types(rs: &[Received]) -> Vec<&str> {
    rs.iter()
        .map(|r| r.header("x-amz-sns-message-type").unwrap_or("?"))
        .collect()
}

/// The SNS Notifications among `rs`, in arrival order.
fn notifications(rs: &[Received]) -> Vec<Received> {
    rs.iter()
        .filter(|r| r.header("x-amz-sns-message-type") == Some("Notification"))
        .cloned()
        .collect()
}

/// The event id inside an SNS Notification (`Message` is the EventBridge JSON, as a string).
fn message_id(r: &Received) -> String {
    let inner: serde_json::Value =
        serde_json::from_str(r.json()["Message"].as_str().expect("Message")).expect("JSON");
    inner["id"].as_str().unwrap_or_default().to_owned()
}

/// Seconds from `start` to each request's arrival (virtual time).
fn arrivals(rs: &[Received], start: tokio::time::Instant) -> Vec<f64> {
    rs.iter().map(|r| (r.at - start).as_secs_f64()).collect()
}

/// An SNS receiver that accepts the SubscriptionConfirmation but never visits its
/// SubscribeURL gets no Notification however long it waits, with the daemon's default
/// settings (which used to deliver after 30 s anyway). Amazon SNS developer guide, "HTTP/HTTPS
/// subscription confirmation JSON format": "Amazon SNS doesn't send notifications to this
/// endpoint until the subscription is confirmed".
///
/// Meanwhile it gets the confirmation again on the default resend schedule (1 minute after the
/// first, doubling: at 1, 3, 7 and 15 minutes; `SnsPending::resend`): each resend a new
/// message (new MessageId, its own Timestamp) with the same Token and SubscribeURL, so any of
/// them confirms. (SNS itself resends only when a delivery fails; see `SnsPending`.)
#[tokio::test(start_paused = true)]
async fn sns_never_confirmed_gets_no_notification_and_the_confirmation_again() {
    let rx = Webhook::with_policy(ok()).await;
    let (t, sub) = sns_target(&rx.url());
    let start = tokio::time::Instant::now();
    let hub = EventHub::start(config(), vec![t], EpochMillis(1_000)).unwrap();
    for seq in 0..3 {
        hub.publish(searching("t", seq));
    }
    advance(Duration::from_secs(16 * 60)).await;

    let all = rx.received();
    assert_eq!(
        message_types(&all),
        vec!["SubscriptionConfirmation"; all.len()],
        "no Notification before confirmation"
    );
    let expected = [0.0, 60.0, 180.0, 420.0, 900.0];
    let got = arrivals(&all, start);
    assert_eq!(got.len(), expected.len(), "sent at {got:?}");
    for (g, e) in got.iter().zip(expected) {
        // Each resend waits its full delay after the previous one was accepted; the slack
        // is the time the exchanges themselves took in virtual time.
        assert!(
            *g >= e && *g < e + 2.0,
            "sent at {got:?}, expected {expected:?}"
        );
    }
    let bodies: Vec<serde_json::Value> = all.iter().map(|r| r.json()).collect();
    let mut ids: Vec<&str> = bodies
        .iter()
        .map(|b| b["MessageId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), bodies.len(), "each resend is a new message");
    for b in &bodies {
        assert_eq!(b["Token"], sub.token.as_str());
        assert_eq!(b["SubscribeURL"], sub.subscribe_url().as_str());
    }
    assert_eq!(bodies[1]["Timestamp"], "1970-01-01T00:01:01.000Z");
    let s = hub.target_stats("sns").unwrap();
    assert_eq!((s.enqueued, s.delivered, s.pending), (3, 0, 3));
}

/// A receiver that confirms late (after two resends) gets every event published meanwhile,
/// in publish order, right after it confirms, then later events as usual; no confirmation is
/// resent once it is confirmed.
#[tokio::test(start_paused = true)]
async fn sns_confirmed_late_gets_every_held_event_in_order() {
    let rx = Webhook::with_policy(ok()).await;
    let (t, sub) = sns_target(&rx.url());
    let hub = EventHub::start(config(), vec![t], EpochMillis(0)).unwrap();
    for seq in 0..5 {
        hub.publish(searching("t", seq));
    }
    advance(Duration::from_secs(4 * 60)).await;
    assert_eq!(
        message_types(&rx.received()),
        ["SubscriptionConfirmation"; 3],
        "sent at 0, 1 and 3 minutes; nothing else"
    );

    assert!(hub.confirm(&sub.token));
    hub.publish(searching("t", 5));
    hub.flush().await;
    advance(Duration::from_secs(3600)).await;
    let all = rx.received();
    assert_eq!(message_types(&all[..3]), ["SubscriptionConfirmation"; 3]);
    let notes = notifications(&all);
    assert_eq!(
        notes.len(),
        all.len() - 3,
        "only notifications once confirmed"
    );
    assert_eq!(
        notes.iter().map(message_id).collect::<Vec<_>>(),
        (0..6).map(event_id).collect::<Vec<_>>(),
        "every held event, in order, then the later one"
    );
    let s = hub.target_stats("sns").unwrap();
    assert_eq!((s.enqueued, s.delivered, s.pending), (6, 6, 0));
}

/// The hold is bounded (`SnsPending::hold_limit`): past it, newer events are dropped and
/// counted, never silently (`TargetStats::unconfirmed_dropped`; events_logging.rs pins the
/// summarised warning). Once confirmed, the held ones arrive in order; the dropped ones never.
#[tokio::test(start_paused = true)]
async fn sns_hold_is_bounded_and_counts_what_it_drops() {
    let rx = Webhook::with_policy(ok()).await;
    let (t, sub) = sns_target(&rx.url());
    let cfg = DeliveryConfig {
        sns_pending: SnsPending {
            hold_limit: 3,
            ..SnsPending::default()
        },
        ..config()
    };
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    for seq in 0..5 {
        hub.publish(searching("t", seq));
    }
    wait_until("the worker to take every event", || {
        let s = hub.target_stats("sns").unwrap();
        s.held + s.unconfirmed_dropped == 5
    })
    .await;
    let s = hub.target_stats("sns").unwrap();
    assert_eq!(
        (
            s.enqueued,
            s.held,
            s.unconfirmed_dropped,
            s.pending,
            s.delivered
        ),
        (5, 3, 2, 3, 0)
    );
    assert_eq!(
        hub.subscription_state("sns"),
        Some(SubscriptionState::PendingConfirmation)
    );

    assert!(hub.confirm(&sub.token));
    hub.flush().await;
    let notes = notifications(&rx.received());
    assert_eq!(
        notes.iter().map(message_id).collect::<Vec<_>>(),
        (0..3).map(event_id).collect::<Vec<_>>()
    );
    let s = hub.target_stats("sns").unwrap();
    assert_eq!(
        (s.delivered, s.held, s.unconfirmed_dropped, s.pending),
        (3, 0, 2, 0)
    );
    assert_eq!(
        hub.subscription_state("sns"),
        Some(SubscriptionState::Confirmed)
    );
}

/// SNS deletes a subscription left pending for 48 hours (AWS What's New, 2023-05-10: "automatic
/// deletion of unconfirmed subscriptions once they have been in a pending confirmation state
/// for 48 hours"; the Subscribe API reference: "Confirmation tokens are valid for two days").
/// So does Playfield, by default: until then the token confirms; after, it does not, resends
/// stop, and the held and later events are dropped and counted.
#[tokio::test(start_paused = true)]
async fn sns_subscription_left_pending_for_48_hours_expires() {
    let rx = Webhook::with_policy(ok()).await;
    let (t, sub) = sns_target(&rx.url());
    let hub = EventHub::start(config(), vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t", 0));
    hub.publish(searching("t", 1));
    let hour = Duration::from_secs(3600);
    advance_in_steps(48 * hour - Duration::from_secs(60), Duration::from_secs(10)).await;
    assert_eq!(
        hub.subscription_state("sns"),
        Some(SubscriptionState::PendingConfirmation)
    );
    assert_eq!(hub.target_stats("sns").unwrap().held, 2);
    advance(Duration::from_secs(120)).await;
    assert_eq!(
        hub.subscription_state("sns"),
        Some(SubscriptionState::Expired)
    );
    assert!(
        !hub.confirm(&sub.token),
        "an expired token confirms nothing"
    );
    let s = hub.target_stats("sns").unwrap();
    assert_eq!((s.held, s.unconfirmed_dropped, s.pending), (0, 2, 0));

    let sent = rx.received().len();
    hub.publish(searching("t", 2));
    advance_in_steps(10 * hour, Duration::from_secs(10)).await;
    let s = hub.target_stats("sns").unwrap();
    assert_eq!((s.enqueued, s.unconfirmed_dropped, s.pending), (3, 3, 0));
    assert_eq!(rx.received().len(), sent, "no resend once expired");
    assert_eq!(
        message_types(&rx.received()),
        vec!["SubscriptionConfirmation"; sent]
    );
    hub.flush().await;
}

/// A subscriber that is down when the confirmation is sent still gets it (retried), and then
/// everything published meanwhile.
#[tokio::test(start_paused = true)]
async fn sns_confirmation_is_retried() {
    let rx = Webhook::with_policy(fail_first(3)).await;
    let (t, sub) = sns_target(&rx.url());
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Wait,
        ..config()
    };
    let hub = EventHub::start(cfg, vec![t], EpochMillis(0)).unwrap();
    hub.publish(searching("t", 0));
    wait_until("the confirmation", || rx.accepted().len() == 1).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(rx.accepted().len(), 1);
    assert_eq!(
        rx.received().len(),
        4,
        "three failures, then the confirmation"
    );
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
    let rx = Webhook::with_policy(ok()).await;
    let gpm = Format::Gpm(GpmOptions {
        account: "1".into(),
        region: String::new(),
        tokens: MatchTokens::new("t1").unwrap(),
    });
    let hub = EventHub::start(
        config(),
        vec![target("gpm", &rx.url(), gpm)],
        EpochMillis(0),
    )
    .unwrap();
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
    let rx = Webhook::with_policy(Arc::new(|_, _| 500)).await;
    let (sns, _) = sns_target(&rx.url());
    let cfg = DeliveryConfig {
        sns_confirmation: SnsConfirmation::Wait,
        ..config()
    };
    let hub = EventHub::start(
        cfg,
        vec![target("down", &rx.url(), Format::EventBridge), sns],
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
/// `/proc/self/task`, where names are cut to 15 bytes). The other tests of this test binary
/// (every file of `tests/` shares the process) run their workers on the caller's runtime, so
/// only the test below starts such threads.
#[cfg(target_os = "linux")]
/// Polls `done` every 10 ms for at most 30 s of real time (for what real threads do); true
/// when it held.
async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..3000 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done()
}

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
    let rx = Webhook::with_policy(fail_first(0)).await;
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
        vec![target("eb", &rx.url(), Format::EventBridge)],
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
    // `shutdown` joins the thread, but a joined thread can still be listed in /proc/self/task
    // for a moment: the kernel wakes the joiner (CLONE_CHILD_CLEARTID) on the thread's way out,
    // before the task is released. Seen once in 20 runs on a loaded machine; wait (bounded)
    // for the kernel to release it rather than read /proc once.
    let gone = wait_for(|| delivery_threads().is_empty()).await;
    assert!(gone, "shutdown ended the thread: {:?}", delivery_threads());

    // Dropped without shutdown: the queued event still drains, then the thread ends.
    let hub = EventHub::start(
        cfg,
        vec![target("eb", &rx.url(), Format::EventBridge)],
        EpochMillis(0),
    )
    .unwrap();
    hub.publish(searching("t-1", 1));
    drop(hub);
    // Real threads, real time: poll (bounded) for what the drain and the thread do.
    wait_for(|| rx.accepted().len() == 2 && delivery_threads().is_empty()).await;
    assert!(
        delivery_threads().is_empty(),
        "the thread ended after its drain"
    );
    assert_eq!(ids(&rx.accepted()), vec![event_id(0), event_id(1)]);
}
