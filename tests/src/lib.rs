//! End-to-end harness: the daemon in-process on ephemeral loopback ports, on a manual clock,
//! and a raw WebSocket "game server" that speaks the SDK 5 protocol byte for byte.
//!
//! Tests drive time with [`TestDaemon::advance`], never by sleeping. The only waiting is for
//! I/O (a message to arrive, a closed socket to be noticed), bounded by [`IO_TIMEOUT`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use futures_util::{SinkExt, StreamExt};
use playfield::wiring::hub::Hub;
use playfield::wiring::server::{Daemon, DaemonConfig, DaemonHandle};
use playfield_core::MatchmakerData;
use playfield_core::{Clock, ManualClock, Millis};
use playfield_core::{
    Core, CoreConfig, CoreError, CreateGameSession, Event, Fleet, GameSession, NewPlayerSession,
    PlayerSession,
};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub mod tls;

/// How long a test waits for a message or a state change caused by I/O (the webhook
/// receiver's wait too).
pub use playfield_testkit::IO_TIMEOUT;

/// The fleet test game servers join.
pub const FLEET: &str = "fleet-test";

/// A daemon on loopback with a manual clock.
pub struct TestDaemon {
    pub handle: DaemonHandle,
    pub clock: Arc<ManualClock>,
}

impl TestDaemon {
    pub async fn start() -> Self {
        Self::start_with(CoreConfig::default()).await
    }

    pub async fn start_with(core: CoreConfig) -> Self {
        Self::start_configured(core, |_| {}).await
    }

    /// Starts with the test defaults, then lets `adjust` change the daemon configuration
    /// (API access keys, fleets, ...).
    pub async fn start_configured(
        core: CoreConfig,
        adjust: impl FnOnce(&mut DaemonConfig),
    ) -> Self {
        init_logging();
        let clock = Arc::new(ManualClock::new());
        let mut config = DaemonConfig {
            api_listen: Some(([127, 0, 0, 1], 0).into()),
            api_access_keys: Vec::new(),
            ws_listen: Some(([127, 0, 0, 1], 0).into()),
            wss_listen: Some(([127, 0, 0, 1], 0).into()),
            tls_files: None,
            core: CoreConfig { seed: 42, ..core },
            fleets: vec![Fleet {
                id: FLEET.into(),
                name: "test".into(),
                locations: vec!["custom-test".into()],
            }],
            ..DaemonConfig::default()
        };
        adjust(&mut config);
        let handle = Daemon::start(config, clock.clone() as Arc<dyn Clock>)
            .await
            .expect("daemon starts on loopback");
        Self { handle, clock }
    }

    /// `http://127.0.0.1:<port>`: the service API endpoint for the AWS SDKs.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.handle.api_addr().expect("api listener"))
    }

    /// `ws://127.0.0.1:<port>`
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.handle.ws_addr().expect("ws listener"))
    }

    /// `wss://127.0.0.1:<port>`
    pub fn wss_url(&self) -> String {
        format!("wss://{}", self.handle.wss_addr().expect("wss listener"))
    }

    /// The connect URL a GO SDK would build for `pid` (sdk-wire-protocol.md §1.1).
    pub fn connect_url(&self, pid: &str) -> String {
        self.connect_url_with_token(pid, "tok-1")
    }

    /// The connect URL of one Connect call: each makes a new `IdempotencyToken`, and
    /// transport-level reconnects reuse the URL as it is (sdk-wire-protocol.md §1.2).
    pub fn connect_url_with_token(&self, pid: &str, token: &str) -> String {
        format!(
            "{}/?Authorization=token&ComputeId=my-host&FleetId={FLEET}&IdempotencyToken={token}\
             &pID={pid}&sdkLanguage=Go&sdkVersion=5.6.0",
            self.ws_url()
        )
    }

    pub fn now(&self) -> Millis {
        self.clock.now_ms()
    }

    /// Moves time forward and fires every timer that became due.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.handle.fire_due_timers();
    }

    /// Moves time to the end of the matchmaking cycle the tickets started so far arrived in:
    /// a match below maxPlayers forms at the end of its cycle
    /// (`CoreConfig::matchmaking_cycle_ms`; a full one forms at once).
    pub fn end_matchmaking_cycle(&self) {
        let cycle = self.execute(|core, _| core.config().matchmaking_cycle_ms);
        self.advance(Duration::from_millis(cycle));
    }

    pub fn execute<R>(&self, f: impl FnOnce(&mut Core, Millis) -> R) -> R {
        self.handle.execute(f)
    }

    pub fn read<R>(&self, f: impl FnOnce(&Core) -> R) -> R {
        self.handle.read(f)
    }

    /// Domain events from now on; drain with [`drain_events`].
    pub fn events(&self) -> broadcast::Receiver<Event> {
        self.handle.subscribe()
    }

    /// Creates a game session on a free process of [`FLEET`].
    pub fn create_game_session(&self, max_players: u32) -> Result<GameSession, CoreError> {
        self.execute(|core, now| {
            core.create_game_session(
                now,
                CreateGameSession {
                    fleet_id: FLEET.into(),
                    maximum_player_session_count: max_players,
                    name: Some("test-session".into()),
                    game_properties: [("mode".to_string(), "ctf".to_string())].into(),
                    game_session_data: Some("map=arena".into()),
                    matchmaker_data: Some(MatchmakerData {
                        match_id: "m-1".into(),
                        ..MatchmakerData::default()
                    }),
                    ..Default::default()
                },
            )
        })
    }

    pub fn create_player_sessions(
        &self,
        game_session_id: &str,
        players: &[&str],
    ) -> Result<Vec<PlayerSession>, CoreError> {
        let players = players
            .iter()
            .map(|p| NewPlayerSession {
                player_id: p.to_string(),
                player_data: None,
            })
            .collect();
        self.execute(|core, now| core.create_player_sessions(now, game_session_id, players))
    }

    /// Waits (for I/O, not for time) until `cond` holds on the core.
    pub async fn wait_until(&self, what: &str, cond: impl Fn(&Core) -> bool) {
        self.wait_until_within(IO_TIMEOUT, what, cond).await
    }

    /// [`TestDaemon::wait_until`] with its own bound, for what takes longer than a message
    /// on a loaded machine (processes to start and connect).
    pub async fn wait_until_within(
        &self,
        limit: Duration,
        what: &str,
        cond: impl Fn(&Core) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + limit;
        while !self.read(&cond) {
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting until {what}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits (for I/O) until `cond` holds on the hub (core and gateway bookkeeping).
    pub async fn wait_until_hub(&self, what: &str, cond: impl Fn(&mut Hub) -> bool) {
        let deadline = tokio::time::Instant::now() + IO_TIMEOUT;
        while !self.handle.with_hub(|hub, _| cond(hub)) {
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting until {what}");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the daemon has noticed that `pid` has no open connection.
    pub async fn wait_disconnected(&self, pid: &str) {
        self.wait_until(&format!("{pid} is disconnected"), |c| {
            c.process(pid).is_none_or(|p| p.connections.is_empty())
        })
        .await;
    }

    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

/// Every event received so far (events are sent synchronously with the command that made
/// them, so after a reply has arrived its events are there).
pub fn drain_events(rx: &mut broadcast::Receiver<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        out.push(e);
    }
    out
}

fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}

/// Anything a WebSocket can run over (TCP, TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A raw game server: a WebSocket and helpers to speak the protocol.
pub struct GameServer {
    pub ws: WebSocketStream<Box<dyn Io>>,
    next_id: u64,
    prefix: String,
}

impl GameServer {
    /// Connects over plain TCP to `url` (which carries the query string).
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let addr = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .context("url has a host")?
            .to_string();
        let tcp = TcpStream::connect(&addr).await?;
        Self::handshake(url, Box::new(tcp)).await
    }

    /// Runs the WebSocket handshake over an already open stream.
    pub async fn handshake(url: &str, io: Box<dyn Io>) -> anyhow::Result<Self> {
        let (ws, _) = tokio_tungstenite::client_async(url, io).await?;
        Ok(Self {
            ws,
            next_id: 0,
            prefix: uuid_like(),
        })
    }

    /// Connects as process `pid` of [`FLEET`], and waits until the daemon has registered
    /// the connection (the client may see the handshake finish a moment before that).
    pub async fn connect_as(daemon: &TestDaemon, pid: &str) -> Self {
        let count = |c: &Core| c.process(pid).map_or(0, |p| p.connections.len());
        let before = daemon.read(count);
        let gs = Self::connect(&daemon.connect_url(pid))
            .await
            .expect("game server connects");
        daemon
            .wait_until(&format!("{pid} is connected"), |c| count(c) > before)
            .await;
        gs
    }

    /// Connects and calls ProcessReady (port 7777).
    pub async fn ready(daemon: &TestDaemon, pid: &str) -> Self {
        let mut gs = Self::connect_as(daemon, pid).await;
        let reply = gs
            .request(
                "ActivateServerProcess",
                json!({"SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777,"LogPaths":null}),
            )
            .await;
        assert_eq!(reply["StatusCode"], 200, "ProcessReady: {reply}");
        gs
    }

    /// A ready process hosting an ACTIVE game session for `max_players`: connects, calls
    /// ProcessReady, takes the CreateGameSession push and activates it. Returns the server and
    /// the game session id.
    pub async fn hosting(daemon: &TestDaemon, pid: &str, max_players: u32) -> (Self, String) {
        let mut gs = Self::ready(daemon, pid).await;
        let id = daemon
            .create_game_session(max_players)
            .expect("a game session on the ready process")
            .id;
        gs.expect_push("CreateGameSession").await;
        let r = gs
            .request("ActivateGameSession", json!({"GameSessionId": id}))
            .await;
        assert_eq!(r["StatusCode"], 200, "ActivateGameSession: {r}");
        (gs, id.into())
    }

    pub fn fresh_request_id(&mut self) -> String {
        self.next_id += 1;
        format!("{}-{}", self.prefix, self.next_id)
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::text(text.into()))
            .await
            .expect("send to daemon");
    }

    /// Sends `{"Action":action,"RequestId":request_id, ...fields}`.
    pub async fn send_request(&mut self, action: &str, request_id: &str, fields: Value) {
        let mut msg = json!({"Action": action, "RequestId": request_id});
        if let (Some(m), Value::Object(f)) = (msg.as_object_mut(), fields) {
            m.extend(f);
        }
        self.send_text(msg.to_string()).await;
    }

    /// The next message, as JSON.
    pub async fn recv(&mut self) -> anyhow::Result<Value> {
        loop {
            let msg = tokio::time::timeout(IO_TIMEOUT, self.ws.next())
                .await
                .map_err(|_| anyhow!("no message within {IO_TIMEOUT:?}"))?
                .ok_or_else(|| anyhow!("connection closed"))??;
            match msg {
                Message::Text(t) => return Ok(serde_json::from_str(t.as_str())?),
                Message::Close(f) => bail!("connection closed: {f:?}"),
                _ => continue,
            }
        }
    }

    /// Sends a request with a fresh RequestId and returns its reply. Pushes arriving in
    /// between are a test failure: use [`GameServer::recv`] where they are expected.
    pub async fn request(&mut self, action: &str, fields: Value) -> Value {
        let id = self.fresh_request_id();
        self.request_with_id(action, &id, fields).await
    }

    pub async fn request_with_id(
        &mut self,
        action: &str,
        request_id: &str,
        fields: Value,
    ) -> Value {
        self.send_request(action, request_id, fields).await;
        let reply = self.recv().await.expect("a reply");
        assert_eq!(reply["RequestId"], request_id, "reply to {action}: {reply}");
        reply
    }

    /// The next message, which must be the push `action`.
    pub async fn expect_push(&mut self, action: &str) -> Value {
        let msg = self.recv().await.expect("a push");
        assert_eq!(msg["Action"], action, "expected a {action} push, got {msg}");
        msg
    }

    /// Waits for the daemon to close the connection; returns the close frame.
    pub async fn expect_close(&mut self) -> Option<CloseFrame> {
        loop {
            let next = tokio::time::timeout(IO_TIMEOUT, self.ws.next())
                .await
                .expect("the daemon closes the connection in time");
            match next {
                Some(Ok(Message::Close(f))) => return f,
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// After the close handshake, asserts the daemon ends the transport cleanly and in time:
    /// over TCP a FIN, over TLS close_notify first. An error here is a reset or a TLS
    /// connection cut without close_notify.
    pub async fn expect_clean_end(&mut self) {
        let next = tokio::time::timeout(IO_TIMEOUT, self.ws.next())
            .await
            .expect("the daemon ends the connection after the close handshake");
        assert!(
            next.is_none(),
            "expected a clean end after the close handshake, got {next:?}"
        );
    }

    /// Asserts nothing arrives for a short while (used only to check "no second effect";
    /// time-based behaviour never relies on it).
    pub async fn expect_silence(&mut self, for_: Duration) {
        if let Ok(Some(Ok(m))) = tokio::time::timeout(for_, self.ws.next()).await {
            panic!("expected no message, got {m:?}");
        }
    }

    /// Drops the TCP connection without a close frame, as the GO SDK's Destroy does
    /// (sdk-wire-protocol.md §1.11).
    pub fn drop_connection(self) {
        drop(self.ws);
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("req{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Runs `f` with a bound, so a hung test fails instead of hanging CI.
pub async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("test finished within 60 s")
}
