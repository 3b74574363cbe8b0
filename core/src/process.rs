//! Server processes: identity, connections, readiness, health, and how they end.
//!
//! A process is known by its pID (the `pID` query parameter of its WebSocket connection,
//! sdk-wire-protocol.md §1.2). The SDKs reconnect on network errors and on RefreshConnection
//! (§1.8, §1.10), so one process may have several connections over its life, briefly more
//! than one at a time; pushes go to the newest. A process whose last connection closes is
//! kept, with its game session, for a grace period: reconnects must be boring
//! (lessons-from-peers.md).
//!
//! A connection superseded by a newer one is served on for a while, then closed with 1000
//! ([`SUPERSEDED_CONNECTION_GRACE_MS`]). A process that called ProcessEnding has ended for
//! good: a reconnect carrying one of its `IdempotencyToken`s is its SDK coming back, not a
//! new process, and is refused with [`CoreError::ProcessEnded`] (see [`Core::connect`]).

use std::fmt;

use super::event::{Effect, Event, GameSessionEndCause, GoneReason, Push};
use super::timers::TimerKey;
use super::{Core, CoreError, GameSessionStatusReason, ProcessId};
use crate::clock::Millis;

/// Identifies one WebSocket connection; allocated by the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl fmt::Display for ConnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Where a server process is in its life, from its first connection to ProcessEnding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessStatus {
    /// Connected; ProcessReady (ActivateServerProcess) not called yet.
    Connected,
    /// Ready to host a game session; heartbeats expected.
    Active,
    /// Called ProcessEnding; kept only until its connections close.
    Terminated,
}

impl ProcessStatus {
    /// The state's name for logs and tools (`CONNECTED`, `ACTIVE`, `TERMINATED`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessStatus::Connected => "CONNECTED",
            ProcessStatus::Active => "ACTIVE",
            ProcessStatus::Terminated => "TERMINATED",
        }
    }
}

/// What the connect query string says about the process (sdk-wire-protocol.md §1.2).
#[derive(Debug, Clone, Default)]
pub struct ConnectInfo {
    /// The process id the SDK sent (`pID`), unique across fleets.
    pub pid: String,
    /// The fleet it says it belongs to (`FleetId`).
    pub fleet_id: String,
    /// The compute it runs on (`ComputeId`, the SDK's HostId), if given.
    pub compute_id: Option<String>,
    /// The SDK's version (`sdkVersion`), for logs.
    pub sdk_version: Option<String>,
    /// The SDK's language (`sdkLanguage`), for logs.
    pub sdk_language: Option<String>,
    /// New on every Connect call (InitSDK, RefreshConnection), reused by transport-level
    /// reconnects, which reuse the URL as it is (§1.2).
    pub idempotency_token: Option<String>,
}

/// ActivateServerProcess fields (sdk-wire-protocol.md §3.1).
#[derive(Debug, Clone, Default)]
pub struct ProcessReady {
    /// The port game clients connect to (`Port`); `None` when the process gave none.
    pub port: Option<u16>,
    /// Log files the process names for upload after it ends (`LogPaths`).
    pub log_paths: Vec<String>,
    /// The SDK's version, when sent again with ProcessReady.
    pub sdk_version: Option<String>,
    /// The SDK's language, when sent again with ProcessReady.
    pub sdk_language: Option<String>,
}

/// A game server process connected over the SDK's WebSocket: what it said about itself,
/// where it is in its lifecycle, and the game session it hosts.
#[derive(Debug, Clone)]
pub struct ServerProcess {
    /// The process id (`pID`).
    pub pid: ProcessId,
    /// The fleet it belongs to.
    pub fleet_id: String,
    /// The compute it runs on (Anywhere), if known.
    pub compute_id: Option<String>,
    /// The SDK's version, for logs.
    pub sdk_version: Option<String>,
    /// The SDK's language, for logs.
    pub sdk_language: Option<String>,
    /// Where it is in its lifecycle.
    pub status: ProcessStatus,
    /// The last health its heartbeats reported; an unhealthy process gets no game sessions.
    pub healthy: bool,
    /// The port game clients connect to, from ProcessReady.
    pub port: Option<u16>,
    /// Log files named in ProcessReady.
    pub log_paths: Vec<String>,
    /// Live connections, oldest first; pushes go to the last.
    pub connections: Vec<ConnId>,
    /// When its first connection opened (epoch ms).
    pub connected_at: Millis,
    /// When its last heartbeat came (epoch ms); `None` before the first.
    pub last_heartbeat: Option<Millis>,
    /// The game session it hosts (ACTIVATING or ACTIVE), if any.
    pub game_session_id: Option<String>,
    /// Pushes made while no connection was open, delivered on reconnect.
    pending: Vec<Push>,
    /// The IdempotencyTokens its connections carried, newest last (at most
    /// [`MAX_CONNECT_TOKENS`]): after ProcessEnding they identify its SDK reconnecting.
    connect_tokens: Vec<String>,
    /// Order of readiness, so placement picks processes deterministically.
    ready_seq: u64,
}

impl ServerProcess {
    /// A process that just connected for the first time: CONNECTED, healthy, no game
    /// session, not ready yet.
    fn connected(now: Millis, conn: ConnId, info: &ConnectInfo) -> Self {
        ServerProcess {
            pid: info.pid.clone().into(),
            fleet_id: info.fleet_id.clone(),
            compute_id: info.compute_id.clone(),
            sdk_version: info.sdk_version.clone(),
            sdk_language: info.sdk_language.clone(),
            status: ProcessStatus::Connected,
            healthy: true,
            port: None,
            log_paths: Vec::new(),
            connections: vec![conn],
            connected_at: now,
            last_heartbeat: None,
            game_session_id: None,
            pending: Vec::new(),
            connect_tokens: info.idempotency_token.iter().cloned().collect(),
            ready_seq: 0,
        }
    }

    pub(crate) fn newest_connection(&self) -> Option<ConnId> {
        self.connections.last().copied()
    }

    fn remember_token(&mut self, token: Option<&str>) {
        let Some(token) = token else { return };
        if self.connect_tokens.iter().any(|t| t == token) {
            return;
        }
        if self.connect_tokens.len() == MAX_CONNECT_TOKENS {
            self.connect_tokens.remove(0);
        }
        self.connect_tokens.push(token.to_string());
    }

    fn is_free(&self) -> bool {
        self.status == ProcessStatus::Active
            && self.healthy
            && self.game_session_id.is_none()
            && !self.connections.is_empty()
    }
}

/// At most this many pushes wait for a disconnected process; older ones are dropped.
const MAX_PENDING_PUSHES: usize = 16;

/// How long a connection superseded by a newer one for the same pID stays open before the
/// daemon closes it with 1000.
///
/// The SDKs close their old socket themselves: CPP at once with 1001, GO after
/// DISCONNECT_WEBSOCKET_TIMEOUT (5 s), keeping it "so in-flight replies can still arrive"
/// (sdk-wire-protocol.md §1.7), and requests are answered on the socket they came on (§10).
/// Twice GO's default delay, so the daemon does not close a socket an SDK still reads; what
/// is left after it has no SDK looking after it (a half-open TCP connection, or a second instance
/// started with the same pID). 1000 tells both SDKs not to reconnect it (§1.8), so two
/// instances do not take the pID from each other forever.
pub const SUPERSEDED_CONNECTION_GRACE_MS: Millis = 10_000;

/// Connect tokens kept per process: one per Connect call (InitSDK, each RefreshConnection).
const MAX_CONNECT_TOKENS: usize = 8;

/// How long a connected process may take to call ProcessReady before it is closed with 1000
/// and forgotten. The service gives a launched server process five minutes to call
/// ProcessReady (GameLift developer guide, "server process" lifecycle; from memory, not
/// checked against the live service); without a bound a connection that never gets ready
/// is held for ever.
pub const READY_TIMEOUT_MS: Millis = 5 * 60 * 1000;

/// How long a ready process whose reconnect grace ran out is remembered, so that its SDK's
/// reconnect restores it (see [`Core::connect`]). The SDKs' reconnect schedule runs about
/// 184 s (GO) and 156 s plus handshakes (CPP) (sdk-wire-protocol.md §1.7); twice the longer.
pub const LOST_PROCESS_MEMORY_MS: Millis = 10 * 60 * 1000;

/// What is remembered of a process that called ProcessEnding once its connections are gone,
/// or of a ready process whose reconnect grace ran out.
#[derive(Debug, Clone)]
pub(crate) struct EndedProcess {
    connect_tokens: Vec<String>,
    /// Set for a ready process lost to the grace period: what its reconnect restores.
    restore: Option<Box<ServerProcess>>,
}

impl Core {
    /// Whether [`Core::connect`] would accept `info`; lets a face refuse a connection before
    /// completing its handshake.
    pub fn check_connect(&self, info: &ConnectInfo) -> Result<(), CoreError> {
        if info.pid.is_empty() {
            return Err(CoreError::param("pID", "must not be empty"));
        }
        self.check_fleet(&info.fleet_id)?;
        match self.processes.get(info.pid.as_str()) {
            Some(p) if p.fleet_id != info.fleet_id => Err(CoreError::ProcessFleetConflict {
                pid: info.pid.clone(),
                fleet_id: p.fleet_id.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// A WebSocket connection for `info.pid` was opened. Returns whether it is a reconnect
    /// of a process the core already knows (which keeps its state and game session).
    ///
    /// A process that called ProcessEnding does not come back: a connection carrying one of
    /// its IdempotencyTokens is its SDK reconnecting after the socket was lost (both SDKs
    /// reconnect to the same URL on an abnormal close, sdk-wire-protocol.md §1.8, and only a
    /// new Connect call makes a new token, §1.2). It gets [`CoreError::ProcessEnded`], which
    /// the gateway turns into a close with 1000 so the SDK stops reconnecting (§1.8). A
    /// connection with a new token (InitSDK again after Destroy) is a new process.
    pub fn connect(
        &mut self,
        now: Millis,
        conn: ConnId,
        info: ConnectInfo,
    ) -> Result<bool, CoreError> {
        self.check_connect(&info)?;
        if self.is_ended_process(&info) {
            return Err(CoreError::ProcessEnded { pid: info.pid });
        }
        self.adopt_fleet(now, &info.fleet_id);
        let (fleet_id, compute_id) = (info.fleet_id.clone(), info.compute_id.clone());
        if let Some(p) = self.processes.get(info.pid.as_str()) {
            if p.status == ProcessStatus::Terminated {
                // The old process ended (ProcessEnding) and a new one reuses its pID, e.g.
                // InitSDK after Destroy: start afresh.
                self.remove_process(&info.pid);
            }
        }
        let pid = info.pid.clone();
        let heartbeat_timeout = self.cfg.heartbeat_timeout_ms;
        let restored = self.take_lost_process(&info);
        let reconnect = if let Some(p) = self.processes.get_mut(pid.as_str()) {
            if let Some(previous) = p.newest_connection() {
                // Older ones were scheduled when they were superseded.
                self.timers.schedule(
                    TimerKey::Superseded(pid.clone().into(), previous),
                    now + SUPERSEDED_CONNECTION_GRACE_MS,
                );
            }
            p.connections.push(conn);
            p.remember_token(info.idempotency_token.as_deref());
            self.timers
                .cancel(&TimerKey::ReconnectGrace(pid.clone().into()));
            // While it was away the grace period ruled, not the heartbeat timeout; coming
            // back is a sign of life, and heartbeats resume from here.
            if p.status == ProcessStatus::Active && p.connections.len() == 1 {
                p.last_heartbeat = Some(now);
                self.timers.schedule(
                    TimerKey::Heartbeat(pid.clone().into()),
                    now + heartbeat_timeout,
                );
            }
            true
        } else if let Some(mut p) = restored {
            // The SDK reconnected after its grace ran out, with the URL it first built: it
            // still counts itself ready and sends heartbeats, never ProcessReady again
            // (sdk-wire-protocol.md §1.8, §7 item 2). It is ready again, without the game
            // session it lost.
            let seq = self.next_seq();
            p.connections = vec![conn];
            p.connected_at = now;
            p.last_heartbeat = Some(now);
            p.ready_seq = seq;
            p.remember_token(info.idempotency_token.as_deref());
            let port = p.port;
            self.processes.insert(pid.clone().into(), *p);
            self.timers.schedule(
                TimerKey::Heartbeat(pid.clone().into()),
                now + heartbeat_timeout,
            );
            self.emit(Event::ProcessReady {
                pid: pid.clone().into(),
                fleet_id: info.fleet_id.clone(),
                port,
            });
            self.mm_on_capacity(now);
            true
        } else {
            self.forget_ended_process(&pid);
            self.timers.schedule(
                TimerKey::ReadyTimeout(pid.clone().into()),
                now + READY_TIMEOUT_MS,
            );
            self.processes.insert(
                pid.clone().into(),
                ServerProcess::connected(now, conn, &info),
            );
            false
        };
        self.emit(Event::ProcessConnected {
            pid: pid.clone().into(),
            fleet_id: info.fleet_id,
            conn,
            reconnect,
        });
        if let Some(compute) = compute_id {
            self.adopt_compute(now, &fleet_id, &compute, &pid);
        }
        if let Some(p) = self.processes.get_mut(pid.as_str()) {
            let pending = std::mem::take(&mut p.pending);
            for push in pending {
                self.outbox.push(Effect::Push {
                    pid: pid.clone().into(),
                    conn,
                    push,
                });
            }
        }
        Ok(reconnect)
    }

    /// A connection closed. The process is kept for the grace period if it was its last.
    pub fn disconnect(&mut self, now: Millis, pid: &str, conn: ConnId) {
        self.timers.cancel(&TimerKey::Superseded(pid.into(), conn));
        let Some(p) = self.processes.get_mut(pid) else {
            return;
        };
        let before = p.connections.len();
        p.connections.retain(|c| *c != conn);
        if p.connections.len() == before || !p.connections.is_empty() {
            return;
        }
        if p.status == ProcessStatus::Terminated {
            self.retire_ended_process(now, pid);
            return;
        }
        let grace = self.cfg.reconnect_grace_ms;
        // A process without a socket cannot send heartbeats: only the grace period counts
        // now, so a reconnect near the end of it still finds its process.
        self.timers.cancel(&TimerKey::Heartbeat(pid.into()));
        self.timers
            .schedule(TimerKey::ReconnectGrace(pid.into()), now + grace);
        self.emit(Event::ProcessDisconnected {
            pid: pid.into(),
            conn,
            grace_ms: grace,
        });
    }

    /// ActivateServerProcess: the process is ready to host a game session.
    pub fn process_ready(
        &mut self,
        now: Millis,
        pid: &str,
        ready: ProcessReady,
    ) -> Result<(), CoreError> {
        let seq = self.next_seq();
        let timeout = self.cfg.heartbeat_timeout_ms;
        let p = self.process_mut(pid)?;
        match p.status {
            ProcessStatus::Terminated => {
                return Err(CoreError::ProcessNotActive {
                    pid: pid.into(),
                    status: p.status.as_str(),
                    hint: ": it called ProcessEnding",
                })
            }
            // A repeated ProcessReady refreshes what it declares; it is not a new process.
            ProcessStatus::Active => {
                p.port = ready.port;
                p.log_paths = ready.log_paths;
                return Ok(());
            }
            ProcessStatus::Connected => {}
        }
        p.status = ProcessStatus::Active;
        p.port = ready.port;
        p.log_paths = ready.log_paths;
        if ready.sdk_version.is_some() {
            p.sdk_version = ready.sdk_version;
        }
        if ready.sdk_language.is_some() {
            p.sdk_language = ready.sdk_language;
        }
        p.last_heartbeat = Some(now);
        p.ready_seq = seq;
        let (fleet_id, port) = (p.fleet_id.clone(), p.port);
        self.timers.cancel(&TimerKey::ReadyTimeout(pid.into()));
        self.timers
            .schedule(TimerKey::Heartbeat(pid.into()), now + timeout);
        self.emit(Event::ProcessReady {
            pid: pid.into(),
            fleet_id,
            port,
        });
        // New capacity: a match waiting in PLACING takes it now.
        self.mm_on_capacity(now);
        Ok(())
    }

    /// HeartbeatServerProcess. An unhealthy process gets no new game sessions.
    pub fn heartbeat(&mut self, now: Millis, pid: &str, healthy: bool) -> Result<(), CoreError> {
        let timeout = self.cfg.heartbeat_timeout_ms;
        let p = self.active_process_mut(pid)?;
        p.last_heartbeat = Some(now);
        let changed = p.healthy != healthy;
        p.healthy = healthy;
        self.timers
            .schedule(TimerKey::Heartbeat(pid.into()), now + timeout);
        if changed {
            self.emit(Event::ProcessHealthChanged {
                pid: pid.into(),
                healthy,
            });
        }
        Ok(())
    }

    /// TerminateServerProcess (ProcessEnding): the process ends, and with it its game
    /// session. The SDK keeps the socket open (sdk-wire-protocol.md §1.11), so the record
    /// stays, TERMINATED, until the connection closes.
    pub fn process_ending(&mut self, now: Millis, pid: &str) -> Result<(), CoreError> {
        let p = self.process_mut(pid)?;
        if p.status == ProcessStatus::Terminated {
            return Ok(());
        }
        p.status = ProcessStatus::Terminated;
        let gs = p.game_session_id.take();
        let no_connections = p.connections.is_empty();
        self.timers.cancel(&TimerKey::Heartbeat(pid.into()));
        self.timers
            .cancel(&TimerKey::TerminationDeadline(pid.into()));
        if let Some(id) = gs {
            self.end_game_session(now, &id, None, GameSessionEndCause::ProcessEnding);
        }
        self.emit(Event::ProcessGone {
            pid: pid.into(),
            reason: GoneReason::ProcessEnding,
        });
        if no_connections {
            self.retire_ended_process(now, pid);
        }
        Ok(())
    }

    /// Asks a process to shut down: pushes TerminateProcess with the time by which it
    /// should have called ProcessEnding (sdk-wire-protocol.md §4.3). A process still there
    /// at that time is removed, as the service shuts it down anyway (§7.8).
    pub fn request_termination(
        &mut self,
        pid: &str,
        termination_time: Millis,
    ) -> Result<(), CoreError> {
        self.active_process_mut(pid)?;
        self.push(pid, Push::TerminateProcess { termination_time });
        self.timers
            .schedule(TimerKey::TerminationDeadline(pid.into()), termination_time);
        self.emit(Event::ProcessTerminationRequested {
            pid: pid.into(),
            termination_time,
        });
        Ok(())
    }

    /// Asks every ACTIVE process to end by `termination_time` (the daemon is shutting
    /// down); returns how many were asked.
    pub fn request_termination_of_all(&mut self, termination_time: Millis) -> usize {
        let mut pids: Vec<String> = self
            .processes
            .values()
            .filter(|p| p.status == ProcessStatus::Active)
            .map(|p| p.pid.to_string())
            .collect();
        pids.sort();
        for pid in &pids {
            let _ = self.request_termination(pid, termination_time);
        }
        pids.len()
    }

    /// Processes still ACTIVE and connected: those a shutdown is waiting for.
    pub fn running_process_count(&self) -> usize {
        self.processes
            .values()
            .filter(|p| p.status == ProcessStatus::Active && !p.connections.is_empty())
            .count()
    }

    /// Tells a process to reconnect to `endpoint` with `auth_token` (sdk-wire-protocol.md
    /// §1.10). The new connection carries the same pID and is treated as a reconnect.
    pub fn refresh_connection(
        &mut self,
        pid: &str,
        endpoint: String,
        auth_token: String,
    ) -> Result<(), CoreError> {
        self.active_process_mut(pid)?;
        self.push(
            pid,
            Push::RefreshConnection {
                endpoint,
                auth_token,
            },
        );
        Ok(())
    }

    // ---- internals ----------------------------------------------------------------------

    pub(super) fn process_mut(&mut self, pid: &str) -> Result<&mut ServerProcess, CoreError> {
        self.processes
            .get_mut(pid)
            .ok_or_else(|| CoreError::UnknownProcess { pid: pid.into() })
    }

    /// The process, which must be ACTIVE (ProcessReady acknowledged, not ended).
    pub(super) fn active_process_mut(
        &mut self,
        pid: &str,
    ) -> Result<&mut ServerProcess, CoreError> {
        let p = self.process_mut(pid)?;
        match p.status {
            ProcessStatus::Active => Ok(p),
            ProcessStatus::Connected => Err(CoreError::ProcessNotActive {
                pid: pid.into(),
                status: p.status.as_str(),
                hint: ": call ProcessReady first",
            }),
            ProcessStatus::Terminated => Err(CoreError::ProcessNotActive {
                pid: pid.into(),
                status: p.status.as_str(),
                hint: ": it called ProcessEnding",
            }),
        }
    }

    /// Sends a push to the process's newest connection, or keeps it for its reconnect.
    /// Callers have checked the process is ACTIVE: pushes before ProcessReady is
    /// acknowledged are dropped by the SDKs (sdk-wire-protocol.md §10).
    pub(super) fn push(&mut self, pid: &str, push: Push) {
        let Some(p) = self.processes.get_mut(pid) else {
            return;
        };
        match p.newest_connection() {
            Some(conn) => self.outbox.push(Effect::Push {
                pid: pid.into(),
                conn,
                push,
            }),
            None => {
                if p.pending.len() == MAX_PENDING_PUSHES {
                    p.pending.remove(0);
                }
                p.pending.push(push);
            }
        }
    }

    /// A free process of the fleet: ACTIVE, healthy, connected, no game session. The one
    /// ready longest goes first, so placement is deterministic.
    pub(super) fn free_process(&self, fleet_id: &str) -> Option<String> {
        self.processes
            .values()
            .filter(|p| p.fleet_id == fleet_id && p.is_free())
            .min_by_key(|p| p.ready_seq)
            .map(|p| p.pid.to_string())
    }

    /// The free processes of a fleet, in order of readiness (the first is `free_process`).
    pub(super) fn free_processes(&self, fleet_id: &str) -> Vec<&ServerProcess> {
        let mut free: Vec<&ServerProcess> = self
            .processes
            .values()
            .filter(|p| p.fleet_id == fleet_id && p.is_free())
            .collect();
        free.sort_by_key(|p| p.ready_seq);
        free
    }

    /// The fleets with at least one free process, for saying where capacity waits when a
    /// placement finds none in its queue's destinations.
    pub(super) fn fleets_with_free_processes(&self) -> std::collections::BTreeSet<&str> {
        self.processes
            .values()
            .filter(|p| p.is_free())
            .map(|p| p.fleet_id.as_str())
            .collect()
    }

    /// Where a process runs: its compute's custom location when it registered on one,
    /// otherwise its fleet's home location ([`Core::fleet_home_location`]).
    pub(crate) fn process_location(&self, p: &ServerProcess) -> String {
        p.compute_id
            .as_deref()
            .and_then(|c| self.compute(&p.fleet_id, c).ok())
            .map(|c| c.location.clone())
            .unwrap_or_else(|| self.fleet_home_location(&p.fleet_id))
    }

    /// [`READY_TIMEOUT_MS`] after a process connected, it has still not called ProcessReady.
    pub(super) fn ready_timed_out(&mut self, now: Millis, pid: &str) {
        if self
            .processes
            .get(pid)
            .is_some_and(|p| p.status == ProcessStatus::Connected)
        {
            let why = format!(
                "process {pid} removed: no ProcessReady within {} s of connecting",
                READY_TIMEOUT_MS / 1000
            );
            self.evict(now, pid, GoneReason::NeverReady, why);
        }
    }

    pub(super) fn heartbeat_timed_out(&mut self, now: Millis, pid: &str) {
        let secs = self.cfg.heartbeat_timeout_ms / 1000;
        let why = format!("process {pid} removed: no heartbeat for {secs} s");
        self.evict(now, pid, GoneReason::HeartbeatTimeout, why);
    }

    pub(super) fn termination_deadline_passed(&mut self, now: Millis, pid: &str) {
        if self
            .processes
            .get(pid)
            .is_some_and(|p| p.status != ProcessStatus::Terminated)
        {
            let why = format!(
                "process {pid} removed: it did not call ProcessEnding by its termination time"
            );
            self.evict(now, pid, GoneReason::TerminationDeadline, why);
        }
    }

    /// Removes a process the core gives up on and closes its sockets with 1000, which tells
    /// the SDKs not to reconnect (sdk-wire-protocol.md §1.8).
    fn evict(&mut self, now: Millis, pid: &str, reason: GoneReason, why: String) {
        let Some(p) = self.processes.get(pid) else {
            return;
        };
        let conns = p.connections.clone();
        self.process_gone(now, pid, reason);
        for conn in conns {
            self.outbox.push(Effect::Close {
                conn,
                code: 1000,
                reason: why.clone(),
            });
        }
    }

    /// Whether `info` is a reconnect of a process that called ProcessEnding: it carries one
    /// of that process's IdempotencyTokens (see [`Core::connect`]).
    fn is_ended_process(&self, info: &ConnectInfo) -> bool {
        let Some(token) = info.idempotency_token.as_deref() else {
            return false;
        };
        let tokens = match self.processes.get(info.pid.as_str()) {
            Some(p) if p.status == ProcessStatus::Terminated => &p.connect_tokens,
            Some(_) => return false,
            None => match self.ended_processes.get(info.pid.as_str()) {
                Some(ended) if ended.restore.is_none() => &ended.connect_tokens,
                _ => return false,
            },
        };
        tokens.iter().any(|t| t == token)
    }

    /// Removes a process that called ProcessEnding once its connections are gone. Its
    /// tokens are remembered for the reconnect grace: an SDK that lost its socket reconnects
    /// at once (§1.7, §1.8), so that is long enough to recognise it.
    fn retire_ended_process(&mut self, now: Millis, pid: &str) {
        let Some(p) = self.processes.get(pid) else {
            return;
        };
        let connect_tokens = p.connect_tokens.clone();
        self.remove_process(pid);
        if !connect_tokens.is_empty() {
            self.ended_processes.insert(
                pid.into(),
                EndedProcess {
                    connect_tokens,
                    restore: None,
                },
            );
            self.timers.schedule(
                TimerKey::EndedProcessForget(pid.into()),
                now + self.cfg.reconnect_grace_ms,
            );
        }
    }

    /// A ready process lost to the grace period, if `info` is its SDK reconnecting: same
    /// fleet, and one of its IdempotencyTokens (a transport reconnect reuses the URL, §1.2).
    /// A new Connect call (InitSDK again) has a new token and starts a new process.
    fn take_lost_process(&mut self, info: &ConnectInfo) -> Option<Box<ServerProcess>> {
        if self.processes.contains_key(info.pid.as_str()) {
            return None;
        }
        let token = info.idempotency_token.as_deref()?;
        let lost = self.ended_processes.get(info.pid.as_str())?;
        let p = lost.restore.as_ref()?;
        if p.fleet_id != info.fleet_id || !lost.connect_tokens.iter().any(|t| t == token) {
            return None;
        }
        let restore = self.ended_processes.remove(info.pid.as_str())?.restore;
        self.timers
            .cancel(&TimerKey::EndedProcessForget(info.pid.clone().into()));
        restore
    }

    pub(super) fn forget_ended_process(&mut self, pid: &str) {
        if self.ended_processes.remove(pid).is_some() {
            self.timers
                .cancel(&TimerKey::EndedProcessForget(pid.into()));
        }
    }

    /// A connection superseded [`SUPERSEDED_CONNECTION_GRACE_MS`] ago is still open: close
    /// it with 1000 so its SDK, if any, does not reconnect it (§1.8).
    pub(super) fn superseded_grace_expired(&mut self, pid: &str, conn: ConnId) {
        let Some(p) = self.processes.get(pid) else {
            return;
        };
        if p.connections.contains(&conn) && p.newest_connection() != Some(conn) {
            self.outbox.push(Effect::Close {
                conn,
                code: 1000,
                reason: format!(
                    "superseded: a newer connection of this process took over {} s ago",
                    SUPERSEDED_CONNECTION_GRACE_MS / 1000
                ),
            });
        }
    }

    /// The grace ran out: the process is gone, and its game session with it. A ready one
    /// is remembered for [`LOST_PROCESS_MEMORY_MS`] so that its SDK, which reconnects on its
    /// own and never sends ProcessReady again, finds it ready (see [`Core::connect`]).
    pub(super) fn grace_expired(&mut self, now: Millis, pid: &str) {
        let Some(p) = self.processes.get(pid).filter(|p| p.connections.is_empty()) else {
            return;
        };
        let lost = (p.status == ProcessStatus::Active && !p.connect_tokens.is_empty())
            .then(|| Box::new(p.clone()));
        self.process_gone(now, pid, GoneReason::Disconnected);
        if let Some(mut p) = lost {
            p.game_session_id = None;
            p.pending.clear();
            p.healthy = true;
            self.ended_processes.insert(
                pid.into(),
                EndedProcess {
                    connect_tokens: p.connect_tokens.clone(),
                    restore: Some(p),
                },
            );
            self.timers.schedule(
                TimerKey::EndedProcessForget(pid.into()),
                now + LOST_PROCESS_MEMORY_MS,
            );
        }
    }

    /// The process vanished without ending itself: its game session is interrupted.
    fn process_gone(&mut self, now: Millis, pid: &str, reason: GoneReason) {
        let gs = self
            .processes
            .get_mut(pid)
            .and_then(|p| p.game_session_id.take());
        if let Some(id) = gs {
            let cause = GameSessionEndCause::ProcessGone(reason);
            self.end_game_session(now, &id, Some(GameSessionStatusReason::Interrupted), cause);
        }
        self.remove_process(pid);
        self.emit(Event::ProcessGone {
            pid: pid.into(),
            reason,
        });
    }

    fn remove_process(&mut self, pid: &str) {
        self.forget_compute_auth(pid);
        if let Some(p) = self.processes.remove(pid) {
            for conn in p.connections {
                self.timers.cancel(&TimerKey::Superseded(pid.into(), conn));
            }
        }
        for key in [
            TimerKey::Heartbeat(pid.into()),
            TimerKey::ReconnectGrace(pid.into()),
            TimerKey::TerminationDeadline(pid.into()),
            TimerKey::ReadyTimeout(pid.into()),
        ] {
            self.timers.cancel(&key);
        }
    }
}
