//! The async part of the launcher: spawn, log, wait, restart, stop.
//!
//! Each process slot is one tokio task running a loop: start the process with the SDK
//! environment, log every line it prints with a `[fleet#slot]` prefix, wait for it to exit, ask
//! [`RestartPolicy`] how long to wait, and start it again. Shutdown stops the loops: running
//! processes get a grace period to end on their own (the gateway has sent them
//! TerminateProcess by then) and are killed after it, each with the processes it started
//! (`launcher::spawn` says how none outlives the daemon).

use super::policy::{Restart, RestartPolicy};
use super::sdk_environment;
use super::spawn::{kill_group, spawn};
use crate::config::{Fleet, LaunchSpec, PORT_PLACEHOLDER};
use parking_lot::Mutex;
use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Level;

/// What every launched process needs to find the daemon.
#[derive(Debug, Clone)]
pub struct LauncherSettings {
    /// The gateway's URL, e.g. `ws://127.0.0.1:9081`.
    pub websocket_url: String,
    /// The compute name processes report as `GAMELIFT_SDK_HOST_ID`.
    pub host_id: String,
    /// The token processes present as `GAMELIFT_SDK_AUTH_TOKEN`.
    pub auth_token: String,
    /// When a process that exited is started again.
    pub policy: RestartPolicy,
    /// Part of every launched process id (`<fleet>-<run>-<slot>-<generation>`), new on each
    /// daemon start ([`new_run_id`]): servers of a previous run still alive reconnect with
    /// their old ids, which then cannot be the ids of this run's processes.
    pub run_id: String,
}

/// A run id for [`LauncherSettings::run_id`]: 8 random hex digits, different on each start.
pub fn new_run_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

/// The running launcher. Dropping it without [`Launcher::shutdown`] kills the processes.
pub struct Launcher {
    /// `Some(grace)` once shutdown began: processes get `grace` to exit before being killed.
    stop: watch::Sender<Option<Duration>>,
    slots: Vec<JoinHandle<()>>,
    running: KillSwitch,
}

/// Kills every launched process still running, at once, from any thread: for a daemon that
/// exits without waiting (a second Ctrl-C or SIGTERM).
#[derive(Clone, Default)]
pub(crate) struct KillSwitch {
    /// The pids of the launched processes not yet waited for; each leads its process group.
    pids: Arc<Mutex<BTreeSet<u32>>>,
}

impl KillSwitch {
    /// Kills each running launched process with the processes it started; returns how many.
    pub(crate) fn kill_all(&self) -> usize {
        let pids = self.pids.lock();
        for &pid in pids.iter() {
            kill_group(pid);
        }
        pids.len()
    }

    /// Records `pid` as running until the returned guard is dropped.
    fn track(&self, pid: u32) -> Tracked {
        self.pids.lock().insert(pid);
        Tracked {
            pid,
            pids: self.pids.clone(),
        }
    }
}

/// A launched process counted as running by its [`KillSwitch`].
struct Tracked {
    pid: u32,
    pids: Arc<Mutex<BTreeSet<u32>>>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.pids.lock().remove(&self.pid);
    }
}

/// One process slot's fixed facts.
struct Slot {
    label: String,
    fleet_id: String,
    index: u32,
    spec: LaunchSpec,
    settings: Arc<LauncherSettings>,
    running: KillSwitch,
}

impl Launcher {
    /// Starts `concurrent_processes` processes for every fleet that has a launch spec.
    pub fn start(fleets: &[Fleet], settings: LauncherSettings) -> Launcher {
        let settings = Arc::new(settings);
        let (stop, stopped) = watch::channel(None);
        let running = KillSwitch::default();
        let mut slots = Vec::new();
        for fleet in fleets {
            let Some(spec) = &fleet.launch else { continue };
            for index in 1..=spec.concurrent_processes {
                let slot = Slot {
                    label: format!("{}#{index}", fleet.name),
                    fleet_id: fleet.id.clone(),
                    index,
                    spec: spec.clone(),
                    settings: settings.clone(),
                    running: running.clone(),
                };
                slots.push(tokio::spawn(slot.run(stopped.clone())));
            }
        }
        Launcher {
            stop,
            slots,
            running,
        }
    }

    /// Kills what is running at once, from outside the runtime if need be.
    pub(crate) fn kill_switch(&self) -> KillSwitch {
        self.running.clone()
    }

    /// How many process slots are supervised.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    /// Stops restarting, gives running processes `grace` to exit, kills the rest, and waits.
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.stop.send(Some(grace));
        let deadline = Instant::now() + grace;
        for slot in std::mem::take(&mut self.slots) {
            // A slot ends its process by the deadline; past it, it has already been killed.
            let _ = tokio::time::timeout_at(deadline + Duration::from_secs(5), slot).await;
        }
    }
}

impl Drop for Launcher {
    /// Kills what is still running, here and now: after [`Launcher::shutdown`], a process whose
    /// slot did not finish in time; otherwise every process (the slots may never run again, as
    /// when the runtime is shutting down).
    fn drop(&mut self) {
        let _ = self.stop.send(Some(Duration::ZERO));
        self.running.kill_all();
    }
}

impl Slot {
    async fn run(self, mut stop: watch::Receiver<Option<Duration>>) {
        let epoch = Instant::now();
        let now_ms = || epoch.elapsed().as_millis() as u64;
        let mut generation = 0u32;
        let mut quick_exits = 0u32;
        loop {
            if stop.borrow().is_some() {
                return;
            }
            generation += 1;
            let process_id = format!(
                "{}-{}-{}-{generation}",
                self.fleet_id, self.settings.run_id, self.index
            );
            let started = now_ms();
            let mut clean = false;
            match self.spawn(&process_id).await {
                Ok(mut child) => {
                    let pid = child.id().unwrap_or(0);
                    let _running = self.running.track(pid);
                    let port = if self.uses_port() {
                        format!(", port {}", self.port())
                    } else {
                        String::new()
                    };
                    tracing::info!(
                        "launcher: started [{}] pid {pid} as process {process_id}{port}",
                        self.label
                    );
                    tokio::select! {
                        status = child.wait() => {
                            match status {
                                Ok(s) => {
                                    clean = s.success();
                                    tracing::info!("launcher: [{}] exited ({s})", self.label);
                                }
                                Err(e) => tracing::warn!("launcher: [{}] could not be waited on: {e}", self.label),
                            }
                        }
                        _ = stop.changed() => {
                            let grace = stop.borrow().unwrap_or_default();
                            self.stop_child(&mut child, pid, grace).await;
                            return;
                        }
                    }
                }
                Err(e) => tracing::error!(
                    "launcher: cannot start [{}] ({}): {e}; check the fleet's launch.executable",
                    self.label,
                    self.spec.executable.display()
                ),
            }
            let Restart {
                at_ms,
                quick_exits: q,
            } = self
                .settings
                .policy
                .on_exit(started, now_ms(), clean, quick_exits);
            quick_exits = q;
            let wait = Duration::from_millis(at_ms.saturating_sub(now_ms()));
            if !wait.is_zero() {
                tracing::warn!(
                    "launcher: [{}] exited {quick_exits} time(s) in a row right after starting; restarting in {:.1} s",
                    self.label,
                    wait.as_secs_f64()
                );
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// This slot's own port, the same across restarts (see `LaunchSpec::first_port`).
    fn port(&self) -> u32 {
        u32::from(self.spec.first_port) + self.index.saturating_sub(1)
    }

    /// Whether the launch parameters ask for a port at all.
    fn uses_port(&self) -> bool {
        let spec = &self.spec;
        spec.arguments
            .iter()
            .chain(spec.environment.values())
            .any(|v| v.contains(PORT_PLACEHOLDER))
    }

    async fn spawn(&self, process_id: &str) -> std::io::Result<Child> {
        let s = &self.settings;
        let port = self.port();
        let with_port = |v: &String| v.replace(PORT_PLACEHOLDER, &port.to_string());
        let mut cmd = Command::new(&self.spec.executable);
        cmd.args(self.spec.arguments.iter().map(with_port))
            .envs(
                self.spec
                    .environment
                    .iter()
                    .map(|(k, v)| (k.clone(), with_port(v))),
            )
            .envs(sdk_environment(
                &s.websocket_url,
                process_id,
                &s.host_id,
                &self.fleet_id,
                &s.auth_token,
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(dir) = &self.spec.working_directory {
            cmd.current_dir(dir);
        }
        let mut child = spawn(cmd).await?;
        if let Some(out) = child.stdout.take() {
            tokio::spawn(log_lines(self.label.clone(), out));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(log_lines(self.label.clone(), err));
        }
        Ok(child)
    }

    /// Waits for a process asked to terminate; kills it, with the processes it started, if it
    /// does not end in time.
    async fn stop_child(&self, child: &mut Child, pid: u32, grace: Duration) {
        match tokio::time::timeout(grace, child.wait()).await {
            Ok(Ok(status)) => tracing::info!("launcher: [{}] exited ({status})", self.label),
            Ok(Err(e)) => {
                tracing::warn!("launcher: [{}] could not be waited on: {e}", self.label);
                kill_group(pid);
            }
            Err(_) => {
                tracing::warn!(
                    "launcher: [{}] did not exit within {} s; killing it",
                    self.label,
                    grace.as_secs()
                );
                // The group first, while the unreaped leader still holds its id.
                kill_group(pid);
                let _ = child.kill().await;
            }
        }
    }
}

/// Logs each line a process prints, prefixed with its slot label, at the level the line
/// gives itself (see [`relayed`]).
async fn log_lines(label: String, stream: impl AsyncRead + Unpin) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let line = strip_ansi(&line);
        let (level, text) = relayed(&line);
        match level {
            Level::ERROR => tracing::error!(target: "playfield::game_server", "[{label}] {text}"),
            Level::WARN => tracing::warn!(target: "playfield::game_server", "[{label}] {text}"),
            Level::DEBUG => tracing::debug!(target: "playfield::game_server", "[{label}] {text}"),
            Level::TRACE => tracing::trace!(target: "playfield::game_server", "[{label}] {text}"),
            _ => tracing::info!(target: "playfield::game_server", "[{label}] {text}"),
        }
    }
}

/// The level a game server's log line gives itself, and the line without its own timestamp
/// and level (the daemon's log adds both again): a server's WARN stays a WARN in the daemon's
/// log, with one timestamp (issue 17 item 5).
///
/// Read: an optional leading timestamp (one or two words starting with a digit, as
/// tracing-subscriber's `2026-11-21T08:18:44.123Z`, env_logger's `[2026-11-21T08:18:44Z`, Go's
/// `2026/11/21 08:18:44` write it), then a level word (`ERROR`, `WARN`, `WARNING`, `INFO`,
/// `DEBUG`, `TRACE`, any case, with a `[`, `]` or `:` around it). A line without a level is
/// INFO and kept whole.
fn relayed(line: &str) -> (Level, &str) {
    let mut rest = line.trim_start();
    for _ in 0..2 {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = rest[..word_end].trim_start_matches('[');
        if word.starts_with(|c: char| c.is_ascii_digit()) && word.contains(['-', '/', ':']) {
            rest = rest[word_end..].trim_start();
        } else {
            break;
        }
    }
    let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let word = rest[..word_end].trim_matches(['[', ']', ':']);
    let level = match word.to_ascii_uppercase().as_str() {
        "ERROR" => Level::ERROR,
        "WARN" | "WARNING" => Level::WARN,
        "INFO" => Level::INFO,
        "DEBUG" => Level::DEBUG,
        "TRACE" => Level::TRACE,
        _ => return (Level::INFO, line),
    };
    (level, rest[word_end..].trim_start())
}

/// `line` without ANSI escape sequences (`ESC [ ... final byte`, and any other `ESC x` pair).
///
/// Why: game servers often colour their logs even when writing to a pipe (tracing-subscriber
/// does by default). The daemon's own log escapes control characters, so the colours would
/// show up as literal `\x1b[2m` noise in front of every relayed line.
fn strip_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        // CSI: parameters and intermediates up to a final byte in '@'..='~'. Any other
        // escape is two characters long: the `next()` above already dropped the second.
        if let Some('[') = chars.next() {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod relayed_tests {
    use super::relayed;
    use tracing::Level;

    /// Issue 17 item 5: "a launched server's WARN stays a WARN in the daemon's log".
    #[test]
    fn a_lines_own_level_is_kept_and_its_timestamp_dropped() {
        assert_eq!(
            relayed("2026-11-21T08:18:44.123456Z  WARN sample_server: backfill failed"),
            (Level::WARN, "sample_server: backfill failed")
        );
        assert_eq!(
            relayed("[2026-11-21T08:18:44Z ERROR server] crashed"),
            (Level::ERROR, "server] crashed")
        );
        assert_eq!(
            relayed("2026/11/21 08:18:44 WARNING: low memory"),
            (Level::WARN, "low memory")
        );
        assert_eq!(relayed("DEBUG tick"), (Level::DEBUG, "tick"));
    }

    #[test]
    fn a_line_without_a_level_is_info_and_whole() {
        assert_eq!(
            relayed("listening on 7777"),
            (Level::INFO, "listening on 7777")
        );
        assert_eq!(
            relayed("2026-11-21 players: 2"),
            (Level::INFO, "2026-11-21 players: 2")
        );
    }
}

#[cfg(test)]
mod strip_ansi_tests {
    use super::strip_ansi;

    #[test]
    fn colour_codes_are_removed_and_text_kept() {
        let line = "\u{1b}[2m2026-11-21T08:18:44Z\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m process ready";
        assert_eq!(strip_ansi(line), "2026-11-21T08:18:44Z  INFO process ready");
    }

    #[test]
    fn plain_lines_and_odd_escapes() {
        assert!(matches!(
            strip_ansi("plain"),
            std::borrow::Cow::Borrowed("plain")
        ));
        // A lone ESC pair and a CSI cut off at the end of the line leave no residue.
        assert_eq!(strip_ansi("a\u{1b}Mb\u{1b}[3"), "ab");
    }
}
