//! Delivery logging, in its own test binary: tracing caches per-callsite interest process-wide,
//! so a scoped subscriber only sees every event when every test beside it also has one (each
//! test here sets its own, at INFO, and runs the workers on its own thread).

mod events_support;

use events_support::*;
use playfield::events::model::EpochMillis;
use playfield::events::sns::SnsSubscription;
use playfield::events::{
    Backoff, DeliveryConfig, DeliveryRuntime, EventHub, Format, SnsPending, Target,
};
use playfield_testkit::{fail_first, ok, Webhook};
use std::sync::Arc;
use std::time::Duration;

/// Captured log output.
#[derive(Clone, Default)]
struct LogBuf(Arc<parking_lot::Mutex<Vec<u8>>>);

impl LogBuf {
    /// Captures this thread's INFO-and-above log lines, without colours, until the guard is
    /// dropped.
    fn capture() -> (LogBuf, tracing::subscriber::DefaultGuard) {
        let buf = LogBuf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        (buf, tracing::subscriber::set_default(subscriber))
    }

    /// What was logged so far.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().clone()).unwrap()
    }
}

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every attempt is logged with target, event name, tickets, attempt number and status.
#[tokio::test(start_paused = true)]
async fn every_attempt_is_logged() {
    let (buf, _guard) = LogBuf::capture();

    let rx = Webhook::with_policy(fail_first(1)).await;
    let config = DeliveryConfig {
        backoff: Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        },
        request_timeout: None,
        // On the test's runtime and thread: the log capture above is this thread's.
        runtime: DeliveryRuntime::Caller,
        ..DeliveryConfig::default()
    };
    let target = Target {
        name: "logged".into(),
        url: rx.url(),
        format: Format::EventBridge,
    };
    let hub = EventHub::start(config, vec![target], EpochMillis(0)).unwrap();
    hub.publish(searching("ticket-42", 0));
    hub.flush().await;
    let text = buf.text();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("ticket-42")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    // One readable line per attempt: what, where, which attempt, how it went, what next.
    assert!(lines[0].contains("WARN"), "{}", lines[0]);
    assert!(
        lines[0].contains(
            "MatchmakingSearching to logged failed (attempt 1: HTTP 500); retrying in 100ms"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("INFO"), "{}", lines[1]);
    assert!(
        lines[1].contains("MatchmakingSearching delivered to logged (attempt 2, HTTP 200)"),
        "{}",
        lines[1]
    );
    for l in lines {
        assert!(l.contains("target_name=logged"), "{l}");
    }
}

/// An unconfirmed SNS subscription is warned about once (with the SubscribeURL to visit), its
/// full hold once, then summarised once per resend (events held and dropped), never one line
/// per held or dropped event; confirmation says what is delivered and what was dropped. The
/// dropped events are counted (`unconfirmed_dropped`).
#[tokio::test(start_paused = true)]
async fn an_unconfirmed_sns_subscription_is_warned_once_then_summarised() {
    let (buf, _guard) = LogBuf::capture();

    let rx = Webhook::with_policy(ok()).await;
    let sub = SnsSubscription::new(
        "arn:aws:sns:us-west-2:111122223333:My_Matchmaking_SNS_Topic",
        "http://127.0.0.1:1/sns",
    );
    let config = DeliveryConfig {
        request_timeout: None,
        runtime: DeliveryRuntime::Caller,
        sns_pending: SnsPending {
            hold_limit: 3,
            resend: Backoff {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(60),
            },
            ..SnsPending::default()
        },
        ..DeliveryConfig::default()
    };
    let target = Target {
        name: "topic".into(),
        url: rx.url(),
        format: Format::Sns(sub.clone()),
    };
    let hub = EventHub::start(config, vec![target], EpochMillis(0)).unwrap();
    for seq in 0..7 {
        hub.publish(searching("ticket-7", seq));
    }
    // Until the first resend (1 s after the first confirmation), in small steps of virtual
    // time: the second resend is 2 s later.
    let logged = || buf.text();
    for _ in 0..10_000 {
        if logged().contains("resend 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let s = hub.target_stats("topic").unwrap();
    assert_eq!((s.held, s.unconfirmed_dropped), (3, 4));
    let text = logged();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("WARN") && l.contains("SNS subscription for target topic"))
        .collect();
    assert_eq!(warnings.len(), 3, "{text}");
    assert!(
        warnings[0].contains(&format!(
            "is not confirmed yet: its events are held (at most 3) and none is delivered until \
             its SubscribeURL is visited; visit {} or have your endpoint do so",
            sub.subscribe_url()
        )),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("holds 3 events, its limit: newer events are dropped (counted)"),
        "{}",
        warnings[1]
    );
    assert!(
        warnings[2].contains(
            "is not confirmed yet: 3 events held, 4 dropped; sending the \
             SubscriptionConfirmation again (resend 1, the next 2s later)"
        ),
        "{}",
        warnings[2]
    );
    assert!(
        warnings[2].contains(&sub.subscribe_url()),
        "{}",
        warnings[2]
    );

    assert!(hub.confirm(&sub.token));
    hub.flush().await;
    let text = logged();
    assert!(
        text.contains(
            "SNS subscription for target topic confirmed: delivering the 3 events held, in \
             order (4 were dropped while unconfirmed)"
        ),
        "{text}"
    );
}

/// Issue 15 finding 7: a full queue is warned about once, then summarised once per
/// `overflow_report_interval`, never one line per dropped event (12,000 events into a 10,000
/// queue logged 1,999 warnings before); every drop is counted (`overflowed`).
#[tokio::test(start_paused = true)]
async fn a_full_queue_is_warned_once_then_summarised_per_interval() {
    let (buf, _guard) = LogBuf::capture();

    let config = DeliveryConfig {
        queue_capacity: 2,
        overflow_report_interval: Duration::from_secs(10),
        request_timeout: None,
        runtime: DeliveryRuntime::Caller,
        ..DeliveryConfig::default()
    };
    // Nothing listens there: the target is down and its queue stays full.
    let target = Target {
        name: "down".into(),
        url: "http://127.0.0.1:1/".into(),
        format: Format::EventBridge,
    };
    let hub = EventHub::start(config, vec![target], EpochMillis(0)).unwrap();
    // The worker has not run yet (no await since start): two queued, the rest refused.
    for seq in 0..1000 {
        hub.publish(searching("ticket-9", seq));
    }
    let drop_lines = || {
        let text = buf.text();
        text.lines()
            .filter(|l| l.contains("target_name=down") && l.contains("dropped"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let first = drop_lines();
    assert_eq!(first.len(), 1, "{first:#?}");
    assert!(first[0].contains("max_pending_events"), "{}", first[0]);
    assert_eq!(hub.target_stats("down").unwrap().overflowed, 998);

    tokio::time::advance(Duration::from_secs(11)).await;
    for seq in 1000..1010 {
        hub.publish(searching("ticket-9", seq));
    }
    let lines = drop_lines();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[1].contains("more events for target down dropped"),
        "{}",
        lines[1]
    );
    assert!(hub.target_stats("down").unwrap().overflowed >= 1006);
    hub.shutdown().await;
}

/// A target that keeps failing is warned about once, then summarised once a minute, never one
/// line per attempt or per event; when it accepts events again, one line says so (issue 17
/// item 4: "Failures are summarised").
#[tokio::test(start_paused = true)]
async fn a_failing_target_is_summarised_once_a_minute() {
    let (buf, _guard) = LogBuf::capture();

    // The event fails 150 times, 1 s apart (the cap): about two and a half minutes of failures.
    let rx = Webhook::with_policy(fail_first(150)).await;
    let config = DeliveryConfig {
        backoff: Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        },
        request_timeout: None,
        runtime: DeliveryRuntime::Caller,
        ..DeliveryConfig::default()
    };
    let target = Target {
        name: "flaky".into(),
        url: rx.url(),
        format: Format::EventBridge,
    };
    let hub = EventHub::start(config, vec![target], EpochMillis(0)).unwrap();
    hub.publish(searching("ticket-9", 0));
    hub.flush().await;
    assert_eq!(hub.target_stats("flaky").unwrap().delivered, 1);
    let text = buf.text();
    let warnings: Vec<&str> = text.lines().filter(|l| l.contains("WARN")).collect();
    // The first failure, then one summary per minute of failing (two).
    assert_eq!(warnings.len(), 3, "{text}");
    assert!(
        warnings[0].contains("failed (attempt 1: HTTP 500)"),
        "{}",
        warnings[0]
    );
    for w in &warnings[1..] {
        assert!(w.contains("flaky still failing"), "{w}");
    }
    assert!(
        text.contains("flaky accepts events again, after 150 failed attempt(s)"),
        "{text}"
    );
}
