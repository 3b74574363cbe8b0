//! Heartbeats (§6), on tokio's paused clock: no real waiting.

use crate::support::*;
use playfield_sdk::ProcessParameters;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// §6: the first heartbeat right after process_ready succeeds, then one per interval
/// (jitter 0 here); with no health callback the SDK reports `true`.
#[tokio::test(start_paused = true)]
async fn first_heartbeat_at_once_then_every_interval() {
    let (_sdk, _service, mut conn) = connected(options()).await;
    let ready_task = {
        let sdk = _sdk.clone();
        tokio::spawn(async move { sdk.process_ready(ProcessParameters::new(7777)).await })
    };
    let req = conn.expect("ActivateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    ready_task.await.unwrap().unwrap();
    let t0 = tokio::time::Instant::now();
    let first = conn.recv().await.unwrap();
    assert_eq!(first["Action"], "HeartbeatServerProcess");
    assert_eq!(keys(&first), ["Action", "HealthStatus", "RequestId"]);
    assert_eq!(first["HealthStatus"], true);
    assert!(t0.elapsed() < Duration::from_secs(1));
    conn.reply_ok(&first, json!({})).await;

    for n in 1..=3u64 {
        let hb = conn.recv().await.unwrap();
        assert_eq!(hb["Action"], "HeartbeatServerProcess");
        let at = t0.elapsed();
        assert!(
            at >= Duration::from_secs(60 * n) && at < Duration::from_secs(60 * n + 1),
            "heartbeat {n} at {at:?}"
        );
        conn.reply_ok(&hb, json!({})).await;
    }
}

/// §6: no heartbeat before process_ready succeeds.
#[tokio::test(start_paused = true)]
async fn no_heartbeat_before_process_ready() {
    let (_sdk, _service, mut conn) = connected(options()).await;
    assert!(conn.maybe_request(Duration::from_secs(180)).await.is_none());
    assert!(conn.heartbeats.is_empty());
}

/// §6: the report is the health callback's answer.
#[tokio::test(start_paused = true)]
async fn health_callback_decides_the_status() {
    let healthy = Arc::new(AtomicBool::new(false));
    let flag = healthy.clone();
    let process = ProcessParameters::new(7777).on_health_check(move || flag.load(Ordering::SeqCst));
    let (_sdk, _service, mut conn) = connected(options()).await;
    let ready_task = {
        let sdk = _sdk.clone();
        tokio::spawn(async move { sdk.process_ready(process).await })
    };
    let req = conn.expect("ActivateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    ready_task.await.unwrap().unwrap();
    let hb = conn.recv().await.unwrap();
    assert_eq!(hb["HealthStatus"], false);
    conn.reply_ok(&hb, json!({})).await;
    healthy.store(true, Ordering::SeqCst);
    let hb = conn.recv().await.unwrap();
    assert_eq!(hb["HealthStatus"], true);
}

/// §6 / §7.9: heartbeats stop after a successful process_ending.
#[tokio::test(start_paused = true)]
async fn heartbeats_stop_after_process_ending() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let s = sdk.clone();
    let (_, r) = answer(&mut conn, "TerminateServerProcess", json!({}), async move {
        s.process_ending().await
    })
    .await;
    r.unwrap();
    let seen = conn.heartbeats.len();
    assert!(conn.maybe_request(Duration::from_secs(250)).await.is_none());
    assert_eq!(
        conn.heartbeats.len(),
        seen,
        "no heartbeat after process_ending"
    );
}

/// §6: a health callback that does not answer within the timeout reports `false`.
/// (Real clock, short timeout: the callback runs on a real thread.)
#[tokio::test]
async fn slow_health_callback_reports_unhealthy() {
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let process = ProcessParameters::new(7777).on_health_check(move || {
        let _ = release_rx
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(5));
        true
    });
    let opts = options().health_check_timeout(Duration::from_millis(100));
    let (_sdk, _service, mut conn) = connected(opts).await;
    let ready_task = {
        let sdk = _sdk.clone();
        tokio::spawn(async move { sdk.process_ready(process).await })
    };
    let req = conn.expect("ActivateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    ready_task.await.unwrap().unwrap();
    let hb = conn.recv().await.unwrap();
    assert_eq!(hb["Action"], "HeartbeatServerProcess");
    assert_eq!(hb["HealthStatus"], false);
    release_tx.send(()).unwrap();
}

/// §6: a health callback that panics reports `false`, and the next report asks again.
#[tokio::test(start_paused = true)]
async fn panicking_health_callback_reports_unhealthy() {
    let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let count = calls.clone();
    let process = ProcessParameters::new(7777).on_health_check(move || {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("health check bug");
        }
        true
    });
    let (_sdk, _service, mut conn) = connected(options()).await;
    let ready_task = {
        let sdk = _sdk.clone();
        tokio::spawn(async move { sdk.process_ready(process).await })
    };
    let req = conn.expect("ActivateServerProcess").await;
    conn.reply_ok(&req, json!({})).await;
    ready_task.await.unwrap().unwrap();
    let hb = conn.recv().await.unwrap();
    assert_eq!(hb["HealthStatus"], false);
    conn.reply_ok(&hb, json!({})).await;
    let hb = conn.recv().await.unwrap();
    assert_eq!(hb["HealthStatus"], true);
}
