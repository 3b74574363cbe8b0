//! The blocking facade, used from plain threads as a game engine would.

use crate::support::*;
use playfield_sdk::blocking::ServerSdk;
use playfield_sdk::{ProcessParameters, ServerEvent};
use serde_json::json;
use std::time::Duration;

/// Runs the fake service on its own runtime, in its own thread, driven by `script`.
fn fake_service<F, Fut>(script: F) -> (String, std::thread::JoinHandle<()>)
where
    F: FnOnce(FakeService) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let service = FakeService::start().await;
            url_tx.send(service.url()).unwrap();
            script(service).await;
        });
    });
    (url_rx.recv().unwrap(), thread)
}

/// The whole dance from a plain thread; the start callback calls the blocking facade itself
/// (activate_game_session) without deadlocking.
#[test]
fn blocking_facade_from_a_plain_thread() {
    let (url, service) = fake_service(|mut service| async move {
        let mut conn = service.next_conn().await;
        let req = conn.expect("ActivateServerProcess").await;
        conn.reply_ok(&req, json!({})).await;
        conn.push_create_game_session().await;
        let req = conn.expect("ActivateGameSession").await;
        assert_eq!(req["GameSessionId"], GAME_SESSION);
        conn.reply_ok(&req, json!({})).await;
        let req = conn.expect("AcceptPlayerSession").await;
        conn.reply_ok(&req, json!({})).await;
        let req = conn.expect("TerminateServerProcess").await;
        conn.reply_ok(&req, json!({})).await;
        assert!(conn.maybe_request(Duration::from_secs(5)).await.is_none());
    });

    let sdk = ServerSdk::with_options(options()).unwrap();
    sdk.init(params(&url)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let in_callback = sdk.clone();
    sdk.process_ready(
        ProcessParameters::new(7777).on_start_game_session(move |gs| {
            let result = in_callback.activate_game_session();
            tx.send((gs.game_session_id, result)).unwrap();
        }),
    )
    .unwrap();
    let (id, result) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(id, GAME_SESSION);
    result.unwrap();
    sdk.accept_player_session("psess-1").unwrap();
    sdk.process_ending().unwrap();
    sdk.destroy().unwrap();
    service.join().unwrap();
}

/// Poll mode from a plain thread: the game loop takes events itself.
#[test]
fn blocking_poll_mode() {
    let (url, service) = fake_service(|mut service| async move {
        let mut conn = service.next_conn().await;
        let req = conn.expect("ActivateServerProcess").await;
        conn.reply_ok(&req, json!({})).await;
        conn.push_create_game_session().await;
        conn.push("TerminateProcess", json!({"TerminationTime": 5000}))
            .await;
        let _ = conn.maybe_request(Duration::from_secs(5)).await;
    });
    let sdk = ServerSdk::with_options(options()).unwrap();
    sdk.init(params(&url)).unwrap();
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .unwrap();
    let first = sdk.next_event(Duration::from_secs(10)).expect("an event");
    assert!(
        matches!(first, ServerEvent::StartGameSession(ref gs) if gs.game_session_id == GAME_SESSION)
    );
    let second = sdk.next_event(Duration::from_secs(10)).expect("an event");
    assert_eq!(
        second,
        ServerEvent::ProcessTerminate {
            termination_time: 5
        }
    );
    assert_eq!(sdk.get_termination_time().unwrap(), 5);
    assert_eq!(sdk.next_event(Duration::from_millis(50)), None);
    sdk.destroy().unwrap();
    service.join().unwrap();
}

/// The facade also works when called from inside an async context (it must not panic).
#[tokio::test]
async fn blocking_facade_inside_async_does_not_panic() {
    let sdk = ServerSdk::with_options(options()).unwrap();
    assert_eq!(
        sdk.activate_game_session(),
        Err(playfield_sdk::Error::NotInitialized)
    );
    assert_eq!(sdk.destroy(), Ok(()));
}
