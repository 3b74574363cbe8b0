//! Our Rust server SDK against our daemon, end to end over loopback: the whole process and
//! session lifecycle a game server goes through (sdk-wire-protocol.md §3, §4, §7), each
//! action's error path, reconnects that keep the game session (§1.8, lessons-from-peers.md),
//! and the heartbeat timeout on an advanced clock (§6).
//!
//! The daemon runs on a manual clock: time-based behaviour happens when the test advances
//! it. The only waiting is for I/O, bounded by the harness.

use playfield_core::MatchmakerData;
use playfield_core::{
    GameSessionStatus, PlayerSessionStatus as CoreStatus, ProcessStatus, UpdateReason,
};
use playfield_e2e::{bounded, TestDaemon, FLEET};
use playfield_sdk::model::{
    GameSession, PlayerSessionCreationPolicy, PlayerSessionStatus, UpdateGameSession,
};
use playfield_sdk::request::{
    DescribePlayerSessionsRequest, StartMatchBackfillRequest, StopMatchBackfillRequest,
};
use playfield_sdk::{
    blocking, Error, ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify};

fn params(url: &str, pid: &str) -> ServerParameters {
    ServerParameters::new()
        .web_socket_url(url)
        .process_id(pid)
        .host_id("my-host")
        .fleet_id(FLEET)
        .auth_token("local-token")
}

/// Quick reconnects for tests; the SDK's own heartbeat stays at its 60 s default, so the only
/// heartbeat during a test is the one right after ProcessReady.
fn options() -> SdkOptions {
    SdkOptions::new()
        .reconnect_delays(vec![Duration::from_millis(20); 50])
        .request_timeout(Duration::from_secs(5))
}

/// An async SDK, initialized and ready, taking its events by polling.
async fn ready_sdk(daemon: &TestDaemon, url: &str, pid: &str) -> ServerSdk {
    let sdk = ServerSdk::with_options(options());
    sdk.init(params(url, pid)).await.expect("init connects");
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

async fn next_event(sdk: &ServerSdk) -> ServerEvent {
    tokio::time::timeout(Duration::from_secs(5), sdk.next_event())
        .await
        .expect("an event arrives")
}

async fn start_session(daemon: &TestDaemon, sdk: &ServerSdk) -> GameSession {
    let created = daemon.create_game_session(4).expect("a free process");
    let ServerEvent::StartGameSession(gs) = next_event(sdk).await else {
        panic!("expected StartGameSession")
    };
    assert_eq!(gs.game_session_id, created.id);
    gs
}

/// §4.1 and §7: CreateGameSession reaches the server with every field; the server activates,
/// accepts and removes players, describes them, closes the session to new players, and ends.
#[tokio::test]
async fn whole_lifecycle_through_the_sdk() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ready_sdk(&daemon, &daemon.ws_url(), "proc-life").await;
        assert!(matches!(
            sdk.get_game_session_id(),
            Err(Error::GameSessionIdNotSet)
        ));

        let gs = start_session(&daemon, &sdk).await;
        assert_eq!(
            gs.fleet_id, FLEET,
            "§4.1: the SDK fills FleetId from its own state"
        );
        assert_eq!(gs.name, "test-session");
        assert_eq!(gs.maximum_player_session_count, 4);
        assert_eq!(gs.game_session_data, "map=arena");
        assert_eq!(
            gs.game_properties.get("mode").map(String::as_str),
            Some("ctf")
        );
        assert_eq!(gs.port, 7777);
        let md = gs
            .parsed_matchmaker_data()
            .unwrap()
            .expect("matchmaker data");
        assert_eq!(md.match_id, "m-1");
        assert_eq!(sdk.get_game_session_id().unwrap(), gs.game_session_id);

        sdk.activate_game_session().await.expect("activate");
        let status = daemon.read(|c| c.game_session(&gs.game_session_id).unwrap().status);
        assert_eq!(status, GameSessionStatus::Active);

        let reserved = daemon
            .create_player_sessions(&gs.game_session_id, &["alice", "bob"])
            .unwrap();
        for ps in &reserved {
            sdk.accept_player_session(&ps.id).await.expect("accept");
        }
        let described = sdk
            .describe_player_sessions(DescribePlayerSessionsRequest::for_game_session(
                &gs.game_session_id,
            ))
            .await
            .unwrap();
        let mut players: Vec<(String, PlayerSessionStatus)> = described
            .player_sessions
            .iter()
            .map(|p| (p.player_id.clone(), p.status))
            .collect();
        players.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            players,
            [
                ("alice".to_owned(), PlayerSessionStatus::Active),
                ("bob".to_owned(), PlayerSessionStatus::Active)
            ]
        );

        sdk.remove_player_session(&reserved[0].id)
            .await
            .expect("remove");
        assert_eq!(
            daemon.read(|c| c.player_session(&reserved[0].id).unwrap().status),
            CoreStatus::Completed
        );
        // Paging and the status filter (§3.6).
        let page = sdk
            .describe_player_sessions(
                DescribePlayerSessionsRequest::for_game_session(&gs.game_session_id)
                    .status_filter(PlayerSessionStatus::Active)
                    .limit(1),
            )
            .await
            .unwrap();
        assert_eq!(page.player_sessions.len(), 1);
        assert_eq!(page.player_sessions[0].player_id, "bob");
        let by_player = sdk
            .describe_player_sessions(DescribePlayerSessionsRequest::for_player("alice"))
            .await
            .unwrap();
        assert_eq!(
            by_player.player_sessions[0].status,
            PlayerSessionStatus::Completed
        );

        sdk.update_player_session_creation_policy(PlayerSessionCreationPolicy::DenyAll)
            .await
            .expect("deny all");
        let refused = daemon.create_player_sessions(&gs.game_session_id, &["carol"]);
        assert!(refused.is_err(), "DENY_ALL refuses new player sessions");

        sdk.process_ending().await.expect("process ending");
        let ended = daemon.read(|c| c.game_session(&gs.game_session_id).unwrap().status);
        assert_eq!(ended, GameSessionStatus::Terminated);
        assert_eq!(
            daemon.read(|c| c.process("proc-life").map(|p| p.status)),
            Some(ProcessStatus::Terminated)
        );
        sdk.destroy().await.expect("destroy");
        daemon
            .wait_until("the process is forgotten once its socket closed", |c| {
                c.process("proc-life").is_none()
            })
            .await;
        daemon.shutdown().await;
    })
    .await;
}

/// The error path of each game-session action reaches the caller as a typed error carrying
/// the daemon's message.
#[tokio::test]
async fn error_paths_arrive_as_typed_errors() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ready_sdk(&daemon, &daemon.ws_url(), "proc-errors").await;

        // Before any game session: the SDK refuses locally (§7.4–7.5).
        assert!(matches!(
            sdk.activate_game_session().await,
            Err(Error::GameSessionIdNotSet)
        ));
        assert!(matches!(
            sdk.accept_player_session("psess-1").await,
            Err(Error::GameSessionIdNotSet)
        ));

        let gs = start_session(&daemon, &sdk).await;
        sdk.activate_game_session().await.unwrap();

        // Unknown player session.
        match sdk.accept_player_session("psess-does-not-exist").await {
            Err(Error::NotFound { message, .. }) => {
                assert!(message.contains("psess-does-not-exist"), "{message}")
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
        // A player session in the wrong state: accepting twice.
        let ps = daemon
            .create_player_sessions(&gs.game_session_id, &["alice"])
            .unwrap();
        sdk.accept_player_session(&ps[0].id).await.unwrap();
        match sdk.accept_player_session(&ps[0].id).await {
            Err(Error::BadRequest { message, .. }) => {
                assert!(message.contains("ACTIVE"), "{message}")
            }
            other => panic!("expected BadRequest for a second accept, got {other:?}"),
        }
        // Removing a session that was never accepted is fine, removing one twice is not.
        sdk.remove_player_session(&ps[0].id).await.unwrap();
        assert!(sdk.remove_player_session(&ps[0].id).await.is_err());

        // Bad parameters are caught by the SDK before sending (Go SDK rules, §7.14).
        assert!(matches!(
            sdk.accept_player_session("bad id with spaces").await,
            Err(Error::Validation { .. })
        ));
        // Backfill against a configuration the daemon does not run is refused, naming it
        // (the matchmaking e2e tests run real backfill rounds).
        let arn = "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel";
        let start = StartMatchBackfillRequest::new(
            gs.game_session_id.clone(),
            arn,
            vec![playfield_sdk::model::Player::new("alice").with_team("red")],
        );
        match sdk.start_match_backfill(start).await {
            Err(Error::NotFound { message, .. }) => {
                assert!(
                    message.contains("no matchmaking configuration"),
                    "{message}"
                )
            }
            other => panic!("expected a NotFound naming the configuration, got {other:?}"),
        }
        let stop = StopMatchBackfillRequest::new("ticket-1", gs.game_session_id.clone(), arn);
        assert!(matches!(
            sdk.stop_match_backfill(stop).await,
            Err(Error::NotFound { .. })
        ));
        // Anywhere compute: no fleet role credentials (§3.11).
        assert!(sdk
            .get_fleet_role_credentials(
                playfield_sdk::request::GetFleetRoleCredentialsRequest::new(
                    "arn:aws:iam::123456789012:role/game-role"
                )
            )
            .await
            .is_err());
        let cert = sdk
            .get_compute_certificate()
            .await
            .expect("certificate answer");
        assert_eq!(cert.compute_name, "my-host");

        sdk.destroy().await.unwrap();
        daemon.shutdown().await;
    })
    .await;
}

/// §4.2 and §4.3: UpdateGameSession and TerminateProcess reach the callbacks, in order, and a
/// callback may call back into the SDK (the blocking facade, as engines and the C ABI use it).
#[test]
fn pushes_reach_callbacks_of_the_blocking_facade() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let daemon = rt.block_on(TestDaemon::start());
    let url = daemon.ws_url();

    let sdk = blocking::ServerSdk::with_options(options()).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let callbacks = {
        let (on_start, on_update, on_term) = (tx.clone(), tx.clone(), tx.clone());
        let in_callback = sdk.clone();
        ProcessParameters::new(7777)
            .on_start_game_session(move |gs| {
                // Calling into the SDK from the callback thread must not deadlock.
                let activated = in_callback.activate_game_session().is_ok();
                let _ = on_start.send(format!("start {} activated={activated}", gs.name));
            })
            .on_update_game_session(move |u: UpdateGameSession| {
                let _ = on_update.send(format!(
                    "update {} {}",
                    u.update_reason.as_str(),
                    u.backfill_ticket_id
                ));
            })
            .on_process_terminate(move || {
                let _ = on_term.send("terminate".into());
            })
            .on_health_check(|| true)
    };
    sdk.init(params(&url, "proc-callbacks")).unwrap();
    sdk.process_ready(callbacks).unwrap();

    rt.block_on(async {
        daemon
            .wait_until("ready", |c| {
                c.process("proc-callbacks")
                    .is_some_and(|p| p.last_heartbeat.is_some())
            })
            .await;
        let gs = daemon.create_game_session(2).unwrap();
        assert_eq!(recv(&mut rx).await, "start test-session activated=true");
        daemon
            .wait_until("ACTIVE", |c| {
                c.game_session(&gs.id).unwrap().status == GameSessionStatus::Active
            })
            .await;

        daemon
            .execute(|core, _| {
                core.notify_game_session_update(
                    &gs.id,
                    Some(MatchmakerData {
                        match_id: "m-2".into(),
                        ..MatchmakerData::default()
                    }),
                    UpdateReason::BackfillCancelled,
                    Some("ticket-9".into()),
                )
            })
            .unwrap();
        assert_eq!(recv(&mut rx).await, "update BACKFILL_CANCELLED ticket-9");

        let when = daemon.now() + 300_000;
        daemon
            .execute(|core, _| core.request_termination("proc-callbacks", when))
            .unwrap();
        assert_eq!(recv(&mut rx).await, "terminate");
    });
    assert_eq!(
        sdk.get_termination_time().unwrap(),
        ((daemon.now() + 300_000) / 1000) as i64
    );
    sdk.process_ending().unwrap();
    sdk.destroy().unwrap();
    rt.block_on(daemon.shutdown());
}

/// A TCP relay between SDK and daemon that the test can cut, as a flaky network would.
struct Relay {
    url: String,
    cut: Arc<Notify>,
}

impl Relay {
    async fn start(upstream: std::net::SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let cut = Arc::new(Notify::new());
        let cut_all = cut.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let cut = cut_all.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Relay { url, cut }
    }

    /// Drops every open connection without a close frame.
    fn cut(&self) {
        self.cut.notify_waiters();
    }
}

/// §1.8 and lessons-from-peers.md: a connection dropped under the SDK is restored by it, and
/// the process keeps its game session: the server goes on accepting players.
#[tokio::test]
async fn dropped_connection_is_restored_and_keeps_the_game_session() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let relay = Relay::start(daemon.handle.ws_addr().unwrap()).await;
        let sdk = ready_sdk(&daemon, &relay.url, "proc-flaky").await;
        let gs = start_session(&daemon, &sdk).await;
        sdk.activate_game_session().await.unwrap();
        let connections = |c: &playfield_core::Core| {
            c.process("proc-flaky")
                .map_or(vec![], |p| p.connections.clone())
        };
        let before = daemon.read(connections);
        assert_eq!(before.len(), 1);

        relay.cut();
        daemon
            .wait_until("the SDK reconnected on a new connection", |c| {
                let now = connections(c);
                now.len() == 1 && now != before
            })
            .await;

        let (status, hosted) = daemon.read(|c| {
            let p = c
                .process("proc-flaky")
                .expect("process kept across the reconnect");
            (
                c.game_session(&gs.game_session_id).unwrap().status,
                p.game_session_id.clone(),
            )
        });
        assert_eq!(status, GameSessionStatus::Active);
        assert_eq!(hosted.as_deref(), Some(gs.game_session_id.as_str()));
        let ps = daemon
            .create_player_sessions(&gs.game_session_id, &["late"])
            .unwrap();
        sdk.accept_player_session(&ps[0].id)
            .await
            .expect("accept after the reconnect");

        // Well past the reconnect grace: still there, because it did reconnect.
        daemon.advance(Duration::from_secs(120));
        assert_eq!(daemon.read(connections).len(), 1, "still connected");
        assert!(daemon.read(|c| c.game_session(&gs.game_session_id).unwrap().is_live()));
        sdk.destroy().await.unwrap();
        daemon.shutdown().await;
    })
    .await;
}

/// §6: a process that stops sending heartbeats is gone once the timeout passes on the
/// daemon's clock, and its game session ends with it. Advancing less than the timeout
/// changes nothing.
#[tokio::test]
async fn heartbeat_timeout_on_an_advanced_clock() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ready_sdk(&daemon, &daemon.ws_url(), "proc-silent").await;
        let gs = start_session(&daemon, &sdk).await;
        sdk.activate_game_session().await.unwrap();
        let timeout = daemon.read(|c| c.config().heartbeat_timeout_ms);

        daemon.advance(Duration::from_millis(timeout - 1));
        assert!(
            daemon.read(|c| c.process("proc-silent").is_some()),
            "not yet timed out"
        );

        daemon.advance(Duration::from_millis(2));
        assert!(
            daemon.read(|c| c.process("proc-silent").is_none()),
            "gone after the timeout"
        );
        assert_eq!(
            daemon.read(|c| c.game_session(&gs.game_session_id).unwrap().status),
            GameSessionStatus::Terminated
        );
        sdk.destroy().await.unwrap();
        daemon.shutdown().await;
    })
    .await;
}

/// The official C++ SDK always speaks TLS (§1.4): our SDK over wss:// with the daemon's
/// generated certificate gets a game session too.
#[tokio::test]
async fn sdk_over_wss_with_the_generated_certificate() {
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ServerSdk::with_options(options().accept_invalid_certs(true));
        sdk.init(params(&daemon.wss_url(), "proc-tls"))
            .await
            .expect("init over TLS");
        sdk.process_ready(ProcessParameters::new(7777).poll_events())
            .await
            .unwrap();
        daemon
            .wait_until("ready", |c| {
                c.process("proc-tls")
                    .is_some_and(|p| p.last_heartbeat.is_some())
            })
            .await;
        let gs = start_session(&daemon, &sdk).await;
        sdk.activate_game_session().await.unwrap();
        assert_eq!(
            daemon.read(|c| c.game_session(&gs.game_session_id).unwrap().status),
            GameSessionStatus::Active
        );
        sdk.destroy().await.unwrap();
        daemon.shutdown().await;
    })
    .await;
}

async fn recv(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a callback ran in time")
        .expect("callback channel open")
}
