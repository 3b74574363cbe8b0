//! Delivery logging: what the delivery engine logs, read from the log of the test's thread
//! (each test runs the workers on its own thread, `DeliveryRuntime::Caller`).

use crate::events_support::*;
use playfield::events::model::EpochMillis;
use playfield::events::sns::SnsSubscription;
use playfield::events::{
    Backoff, DeliveryConfig, DeliveryRuntime, EventHub, Format, SnsPending, Target,
};
use playfield_testkit::{fail_first, ok, Webhook};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

/// Captured log output.
#[derive(Clone, Default)]
pub struct LogBuf(Arc<parking_lot::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

thread_local! {
    /// Where this thread's log output goes while a [`LogCapture`] lives.
    static CAPTURE: RefCell<Option<LogBuf>> = const { RefCell::new(None) };
}

/// This thread's log output (INFO and above, without colours) while it lives; see
/// [`capture_logs`].
pub struct LogCapture {
    buf: LogBuf,
}

impl LogCapture {
    /// Everything logged on this thread since the capture started.
    pub fn text(&self) -> String {
        String::from_utf8(self.buf.0.lock().clone()).unwrap()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        CAPTURE.with(|c| c.borrow_mut().take());
    }
}

/// Captures what this thread logs, for as long as the returned [`LogCapture`] lives.
///
/// Not `tracing::subscriber::set_default`: tracing caches each callsite's interest
/// process-wide, and while exactly one subscriber is registered it asks only the subscriber
/// of the thread that reaches the callsite first. Every file's tests share this process: a
/// test elsewhere that reached a delivery callsite first, on a thread without a subscriber,
/// would switch that callsite off for a scoped subscriber here. So the process gets one global
/// subscriber (installed by the first capture, never removed) that sends each event to the
/// capture of the thread emitting it and drops it on threads that capture nothing.
pub fn capture_logs() -> LogCapture {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::Layer;
        let to_this_threads_capture = || match CAPTURE.with(|c| c.borrow().clone()) {
            Some(buf) => Box::new(buf) as Box<dyn std::io::Write>,
            None => Box::new(std::io::sink()),
        };
        let capturing = tracing_subscriber::filter::dynamic_filter_fn(|meta, _| {
            *meta.level() <= tracing::Level::INFO && CAPTURE.with(|c| c.borrow().is_some())
        })
        .with_max_level_hint(tracing::Level::INFO);
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(to_this_threads_capture)
            .with_ansi(false)
            .with_filter(capturing);
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("no other test of this binary installs a global subscriber");
    });
    // A callsite first reached while no subscriber was installed cached "never": recompute
    // every callsite's interest now that the global subscriber is there.
    tracing::callsite::rebuild_interest_cache();
    let buf = LogBuf::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(buf.clone()));
    LogCapture { buf }
}

/// Every attempt is logged with target, event name, tickets, attempt number and status.
#[tokio::test(start_paused = true)]
async fn every_attempt_is_logged() {
    let log = capture_logs();

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
    let text = log.text();
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
    let log = capture_logs();

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
    let logged = || log.text();
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
    let log = capture_logs();

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
        let text = log.text();
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
    let log = capture_logs();

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
    let text = log.text();
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
