//! The daemon: listeners, the timer task, and their lifecycle.
//!
//! [`Daemon::start`] binds the service API listener and the game-server listeners (port 0 means "any free port"; the
//! handle tells which), spawns one task per listener and one timer task, and returns a
//! [`DaemonHandle`] that can run core commands, fire timers and shut everything down.
//!
//! The timer task sleeps until the core's next deadline on a real clock. On a
//! [`ManualClock`](playfield_core::ManualClock) it sleeps until the clock is advanced
//! instead, so tests move time without waiting for it.

use std::future::pending;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rustls::pki_types::CertificateDer;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::api::handlers;
use crate::api::{ApiConfig, ApiServer, ServiceModel};
use crate::config::NotificationTarget;
use crate::events::routing::{targets_from_config, Notifier};
use crate::events::{DeliveryConfig, EpochMillis, EventHub};
use crate::gateway::{conn, tls};
use crate::sdk_wire;
use crate::wiring::hub::{Hub, Shared};
use playfield_core::MatchmakingSetup;
use playfield_core::{Clock, Millis};
use playfield_core::{Core, CoreConfig, Fleet};

/// How long a client may take to finish the TLS and WebSocket handshakes (the CPP SDK
/// allows itself 20 s, sdk-wire-protocol.md §1.4).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long shutdown waits for queued events to go out.
const SHUTDOWN_DRAIN: Duration = Duration::from_secs(5);

/// What the daemon listens on and starts with.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// The service API listener (awsJson1_1 and rpcv2Cbor); `None` disables it.
    pub api_listen: Option<SocketAddr>,
    /// When not empty, API requests (and `GET /events`) must be SigV4-signed with one of
    /// these key pairs (`[auth] required = true` and its `access_keys`).
    pub api_access_keys: Vec<crate::api::auth::AccessKey>,
    /// Plain WebSocket listener; `None` disables it.
    pub ws_listen: Option<SocketAddr>,
    /// TLS WebSocket listener; `None` disables it.
    pub wss_listen: Option<SocketAddr>,
    /// Certificate and key PEM files for wss://; `None` generates a self-signed pair.
    pub tls_files: Option<(PathBuf, PathBuf)>,
    /// The core's settings (region, timeouts, seed).
    pub core: CoreConfig,
    /// Fleets game servers may join.
    pub fleets: Vec<Fleet>,
    /// Where configurations' and queues' events are delivered (`[[notification_targets]]`).
    pub notification_targets: Vec<NotificationTarget>,
    /// Delivery settings (queue size, retry backoff, SNS confirmation policy).
    pub delivery: DeliveryConfig,
    /// Game server connections each WebSocket listener (ws, wss) serves at once (default
    /// 8192); past it, new ones wait in the kernel's backlog until one closes, so a flood of
    /// connections cannot take the file descriptors the API listener needs (issue 15).
    pub max_game_server_connections: usize,
    /// The configuration file's rule sets, queues and matchmaking configurations. Applied
    /// before anything listens: a mistake in them ends the start before a "listening" line,
    /// and the first API request already finds them.
    pub matchmaking: MatchmakingSetup,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        Self {
            api_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9080))),
            api_access_keys: Vec::new(),
            ws_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9081))),
            wss_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9443))),
            tls_files: None,
            core: CoreConfig::default(),
            fleets: Vec::new(),
            notification_targets: Vec::new(),
            delivery: DeliveryConfig::default(),
            max_game_server_connections: 8192,
            matchmaking: MatchmakingSetup::default(),
        }
    }
}

/// Starts the daemon ([`Daemon::start`]).
pub struct Daemon;

impl Daemon {
    /// Binds the listeners and starts serving. Must be called inside a tokio runtime.
    pub async fn start(
        config: DaemonConfig,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<DaemonHandle> {
        for warning in exposure_warnings(&config) {
            tracing::warn!(target: "playfield", "{warning}");
        }
        // The faces write a game session's matchmaker data as the SDK's JSON, so the service's
        // 390 000-character bound counts that JSON exactly, whatever `config.core` holds.
        let mut core = Core::new(CoreConfig {
            matchmaker_data_len: sdk_wire::matchmaker_data_len,
            ..config.core.clone()
        });
        for fleet in &config.fleets {
            core.register_fleet(fleet.clone())
                .with_context(|| format!("fleet '{}'", fleet.id))?;
        }
        let shared = Arc::new(Shared::new(core, clock));
        shared.execute(|core, now| core.stamp_fleet_creation(now));
        shared.execute(|core, now| core.apply_matchmaking_config(now, &config.matchmaking))?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut ws_addr = None;
        let mut api_addr = None;
        let mut wss_addr = None;
        let mut certificate = None;

        if let Some(addr) = config.ws_listen {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the ws:// listener on {addr}"))?;
            let local = listener.local_addr()?;
            tracing::info!(target: "playfield", "game servers: ws://{local}");
            ws_addr = Some(local);
            shared.set_sdk_endpoint(format!("ws://{local}"));
            tasks.push(tokio::spawn(accept_loop(
                listener,
                None,
                shared.clone(),
                shutdown_rx.clone(),
                config.max_game_server_connections,
            )));
        }
        if let Some(addr) = config.wss_listen {
            let files = config
                .tls_files
                .as_ref()
                .map(|(c, k)| (c.as_path(), k.as_path()));
            let tls = tls::load_or_generate(files)?;
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the wss:// listener on {addr}"))?;
            let local = listener.local_addr()?;
            let how = if files.is_some() {
                "configured"
            } else {
                "self-signed"
            };
            tracing::info!(target: "playfield", "game servers: wss://{local} ({how} certificate)");
            wss_addr = Some(local);
            certificate = Some(tls.certificate);
            tasks.push(tokio::spawn(accept_loop(
                listener,
                Some(TlsAcceptor::from(tls.config)),
                shared.clone(),
                shutdown_rx.clone(),
                config.max_game_server_connections,
            )));
        }
        let mut api_server = None;
        if let Some(addr) = config.api_listen {
            let api_config = ApiConfig {
                listen: addr,
                access_keys: config.api_access_keys.clone(),
                ..ApiConfig::default()
            };
            let router = handlers::router(ServiceModel::gamelift());
            let server = ApiServer::bind(api_config, router, shared.clone())
                .await
                .with_context(|| format!("binding the service API listener on {addr}"))?;
            api_addr = Some(server.local_addr()?);
            api_server = Some(server);
        }
        let events = start_events(&config, api_addr, &shared)?;
        if let Some(server) = api_server {
            let local = server.local_addr()?;
            let server = server
                .with_routes(crate::events::http::routes(
                    events.clone(),
                    shutdown_rx.clone(),
                ))
                .with_open_routes(crate::events::http::subscription_routes(
                    events.clone(),
                    shutdown_rx.clone(),
                ))
                // The dashboard checks the key pair itself: a browser cannot sign with SigV4.
                .with_open_routes(crate::dashboard::routes(
                    shared.clone(),
                    events.clone(),
                    config.api_access_keys.clone(),
                    shutdown_rx.clone(),
                ));
            // The accepted keys are not logged: a shared log must not hand them out.
            let auth = match config.api_access_keys.len() {
                0 => "any credentials accepted".to_string(),
                n => format!(
                    "requests must be SigV4-signed with one of the {n} configured access keys"
                ),
            };
            tracing::info!(target: "playfield", "service API: http://{local} ({auth}); events: GET http://{local}/events");
            tracing::info!(target: "playfield", "dashboard: http://{local}/ (metrics: http://{local}/metrics)");
            let mut stop = shutdown_rx.clone();
            tasks.push(tokio::spawn(async move {
                let stopped = async move {
                    let _ = stop.changed().await;
                };
                if let Err(e) = server.run_until(stopped).await {
                    tracing::error!(target: "playfield", "service API listener failed: {e}");
                }
            }));
        }
        tasks.push(tokio::spawn(crate::wiring::post_processing::run(
            shared.clone(),
            shutdown_rx.clone(),
        )));
        tasks.push(tokio::spawn(timer_loop(shared.clone(), shutdown_rx)));
        Ok(DaemonHandle {
            api_addr,
            ws_addr,
            wss_addr,
            certificate,
            shared,
            shutdown_tx,
            tasks,
            events,
        })
    }
}

/// Starts the delivery engine with the configured targets and puts its router in the hub.
/// SNS targets' SubscribeURLs point at the API listener (`/sns`).
fn start_events(
    config: &DaemonConfig,
    api_addr: Option<SocketAddr>,
    shared: &Arc<Shared>,
) -> anyhow::Result<EventHub> {
    let (region, account) = (&config.core.region, &config.core.account_id);
    let api = api_addr.map_or_else(|| "127.0.0.1:9080".to_string(), |a| a.to_string());
    let sns_endpoint = format!("http://{api}{}", crate::events::http::SNS_PATH);
    let targets = targets_from_config(&config.notification_targets, region, account, &sns_endpoint);
    for t in &targets {
        tracing::info!(target: "playfield", "notification target {}: {} events to {}", t.name, t.format.label(), t.url);
    }
    let now = EpochMillis(i64::try_from(shared.now()).unwrap_or(i64::MAX));
    let hub = EventHub::start(config.delivery.clone(), targets, now)
        .context("starting the events delivery engine")?;
    let notifier = Notifier::new(hub.clone(), &config.notification_targets, region, account);
    shared.with_hub(|h, _| h.notifier = Some(notifier));
    Ok(hub)
}

/// A running daemon.
pub struct DaemonHandle {
    api_addr: Option<SocketAddr>,
    ws_addr: Option<SocketAddr>,
    wss_addr: Option<SocketAddr>,
    certificate: Option<CertificateDer<'static>>,
    shared: Arc<Shared>,
    shutdown_tx: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    events: EventHub,
}

impl DaemonHandle {
    /// Where the service API listens, if enabled.
    pub fn api_addr(&self) -> Option<SocketAddr> {
        self.api_addr
    }

    /// Where the plain WebSocket listener listens, if enabled.
    pub fn ws_addr(&self) -> Option<SocketAddr> {
        self.ws_addr
    }

    /// Where the TLS WebSocket listener listens, if enabled.
    pub fn wss_addr(&self) -> Option<SocketAddr> {
        self.wss_addr
    }

    /// The certificate the wss:// listener presents.
    pub fn tls_certificate(&self) -> Option<&CertificateDer<'static>> {
        self.certificate.as_ref()
    }

    /// Runs a core command at the clock's current time and carries out its effects
    /// (pushes reach the game servers' connections).
    pub fn execute<R>(&self, f: impl FnOnce(&mut Core, Millis) -> R) -> R {
        self.shared.execute(f)
    }

    /// A stream of every domain event from now on (each one is also logged).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<playfield_core::Event> {
        self.shared.subscribe()
    }

    /// The events delivery engine: per-target stats, SNS confirmations, the SSE broadcast.
    pub fn events(&self) -> &EventHub {
        &self.events
    }

    /// Reads core state.
    pub fn read<R>(&self, f: impl FnOnce(&Core) -> R) -> R {
        self.shared.read(f)
    }

    /// Reads the hub (core and gateway bookkeeping).
    pub fn with_hub<R>(&self, f: impl FnOnce(&mut Hub, Millis) -> R) -> R {
        self.shared.with_hub(f)
    }

    /// Fires every timer due at the clock's current time, now, on the caller's thread.
    /// The timer task would do the same a moment later; calling this makes a test's next
    /// assertion independent of task scheduling.
    pub fn fire_due_timers(&self) {
        self.shared.fire_due_timers();
    }

    /// The first half of a graceful shutdown: pushes TerminateProcess to every ACTIVE game
    /// server with `grace` to spare (sdk-wire-protocol.md §4.3) and waits, at most `grace`,
    /// until each has called ProcessEnding or disconnected. Returns how many are left.
    pub async fn terminate_processes(&self, grace: Duration) -> usize {
        self.ask_processes_to_end(grace, |_| {});
        self.wait_for_processes_to_end(grace).await
    }

    /// Pushes TerminateProcess to every ACTIVE game server, to end within `grace`
    /// (sdk-wire-protocol.md §4.3); returns how many were asked. `announce` gets that number
    /// before the pushes go out and their events are logged, so that a log line saying why
    /// comes first.
    pub(crate) fn ask_processes_to_end(
        &self,
        grace: Duration,
        announce: impl FnOnce(usize),
    ) -> usize {
        self.shared.execute(|core, now| {
            let asked = core.request_termination_of_all(now + grace.as_millis() as Millis);
            announce(asked);
            asked
        })
    }

    /// Waits, at most `grace`, until every game server has called ProcessEnding or
    /// disconnected. Returns how many are left.
    pub(crate) async fn wait_for_processes_to_end(&self, grace: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let left = self.shared.read(|core| core.running_process_count());
            if left == 0 || tokio::time::Instant::now() >= deadline {
                return left;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops accepting, closes every connection with 1001 (going away), and waits for the
    /// tasks to finish.
    pub async fn shutdown(self) {
        let _ = self.shutdown_tx.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        // Queued events get one last attempt each, within a bound: a dead receiver must not
        // hold the daemon up.
        self.shared.with_hub(|h, _| h.notifier = None);
        if tokio::time::timeout(SHUTDOWN_DRAIN, self.events.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(target: "playfield", "events: undelivered events dropped at shutdown after {} s", SHUTDOWN_DRAIN.as_secs());
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    max_connections: usize,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            // Past the limit, accept nothing until a connection ends (reaped just below).
            accepted = listener.accept(), if conns.len() < max_connections.max(1) => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_stream(stream, peer, tls.clone(), shared.clone(), shutdown.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(target: "playfield", "accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    // Connections see the same shutdown signal and close themselves; give them a moment.
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(5), drain)
        .await
        .is_err()
    {
        conns.abort_all();
    }
}

async fn serve_stream(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    match tls {
        None => conn::serve(shared, stream, shutdown, HANDSHAKE_TIMEOUT).await,
        Some(acceptor) => {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls_stream)) => {
                    conn::serve(shared, tls_stream, shutdown, HANDSHAKE_TIMEOUT).await
                }
                Ok(Err(e)) => {
                    tracing::debug!(target: "playfield::gateway", "TLS handshake with {peer} failed: {e}")
                }
                Err(_) => {
                    tracing::debug!(target: "playfield::gateway", "TLS handshake with {peer} timed out")
                }
            }
        }
    }
}

async fn timer_loop(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut clock_rx = shared.clock().subscribe();
    loop {
        let next = shared.fire_due_timers();
        // A manual clock only moves when advanced: wait for that, not for real time.
        let sleep_for = match (&clock_rx, next) {
            (None, Some(at)) => Some(Duration::from_millis(at.saturating_sub(shared.now()))),
            _ => None,
        };
        tokio::select! {
            _ = async {
                match sleep_for {
                    Some(d) => tokio::time::sleep(d).await,
                    None => pending::<()>().await,
                }
            } => {}
            _ = async {
                match clock_rx.as_mut() {
                    Some(rx) => {
                        if rx.changed().await.is_err() {
                            pending::<()>().await
                        }
                    }
                    None => pending::<()>().await,
                }
            } => {}
            _ = shared.timer_wake.notified() => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// What start-up warns about: a listener reachable from other machines while `[auth]` is off,
/// where anyone who can reach it can drive the matchmaker and act as any game server.
pub fn exposure_warnings(config: &DaemonConfig) -> Vec<String> {
    let auth_on = config.core.require_compute_auth && !config.api_access_keys.is_empty();
    if auth_on {
        return Vec::new();
    }
    [
        ("service API", config.api_listen),
        ("game server (ws)", config.ws_listen),
        ("game server (wss)", config.wss_listen),
    ]
    .into_iter()
    .filter_map(|(face, addr)| addr.map(|a| (face, a)))
    .filter(|(_, addr)| !addr.ip().is_loopback())
    .map(|(face, addr)| {
        format!(
            "the {face} listener on {addr} is reachable beyond this machine and [auth] is not \
             required: anyone who reaches it can call the API and connect as any game server; \
             set [auth] required = true with access_keys, or listen on 127.0.0.1"
        )
    })
    .collect()
}

#[cfg(test)]
mod exposure_tests {
    use super::*;

    /// Issue 15 finding 8: a non-loopback listen address without `[auth] required` is warned
    /// about at start; loopback, or auth on, is not.
    #[test]
    fn a_listener_beyond_loopback_without_auth_is_warned_about() {
        let loopback = DaemonConfig::default();
        assert!(exposure_warnings(&loopback).is_empty());
        let exposed = DaemonConfig {
            api_listen: Some(SocketAddr::from(([0, 0, 0, 0], 9080))),
            ..DaemonConfig::default()
        };
        let w = exposure_warnings(&exposed);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("0.0.0.0:9080") && w[0].contains("[auth]"),
            "{}",
            w[0]
        );
        let guarded = DaemonConfig {
            api_access_keys: vec![crate::api::auth::AccessKey::new("AKID", "secret")],
            core: CoreConfig {
                require_compute_auth: true,
                ..CoreConfig::default()
            },
            ..exposed
        };
        assert!(exposure_warnings(&guarded).is_empty());
    }
}
