//! A game server for the API tests: our Rust server SDK, connected to the [`TestDaemon`]
//! and ready, taking its events by polling.
#![allow(dead_code)]

use std::time::Duration;

use playfield_e2e::TestDaemon;
use playfield_sdk::model::GameSession;
use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk};

/// An SDK server in `fleet_id`, ACTIVE in the daemon when this returns.
pub async fn ready_server(daemon: &TestDaemon, fleet_id: &str, pid: &str) -> ServerSdk {
    let sdk = ServerSdk::with_options(
        SdkOptions::new()
            .reconnect_delays(vec![Duration::from_millis(20); 50])
            .request_timeout(Duration::from_secs(5)),
    );
    sdk.init(
        ServerParameters::new()
            .web_socket_url(daemon.ws_url())
            .process_id(pid)
            .host_id("my-host")
            .fleet_id(fleet_id)
            .auth_token("local-token"),
    )
    .await
    .expect("init connects");
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .await
        .expect("process ready");
    daemon
        .wait_until("the process is ACTIVE", |c| {
            c.process(pid).is_some_and(|p| p.last_heartbeat.is_some())
        })
        .await;
    sdk
}

/// The StartGameSession (CreateGameSession push) the server receives next.
pub async fn started_session(sdk: &ServerSdk) -> GameSession {
    match tokio::time::timeout(Duration::from_secs(5), sdk.next_event())
        .await
        .expect("an event arrives")
    {
        ServerEvent::StartGameSession(gs) => gs,
        other => panic!("expected StartGameSession, got {other:?}"),
    }
}
