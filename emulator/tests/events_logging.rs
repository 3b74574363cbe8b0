//! Delivery logging, in its own test binary: tracing caches per-callsite interest process-wide,
//! so a scoped subscriber only sees every event when no other test runs beside it.

mod events_support;

use events_support::receiver;
use events_support::*;
use playfield::events::model::EpochMillis;
use playfield::events::{Backoff, DeliveryConfig, DeliveryRuntime, EventHub, Format, Target};
use std::sync::Arc;
use std::time::Duration;

/// Captured log output.
#[derive(Clone, Default)]
struct LogBuf(Arc<parking_lot::Mutex<Vec<u8>>>);

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
    let buf = LogBuf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rx = receiver::start(receiver::fail_first(1)).await;
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
        url: rx.url.clone(),
        format: Format::EventBridge,
    };
    let hub = EventHub::start(config, vec![target], EpochMillis(0)).unwrap();
    hub.publish(searching("ticket-42", 0));
    hub.flush().await;
    let text = String::from_utf8(buf.0.lock().clone()).unwrap();
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
