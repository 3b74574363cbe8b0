//! `playfield serve` as a user runs it: Ctrl-C, SIGTERM (IDE stop buttons, `docker stop`,
//! `systemctl stop`) and SIGHUP (a closed terminal) end it gracefully, a second signal at once,
//! and the game servers it launched never outlive it, even when it is killed.
//!
//! The daemon binary is started on free ports; a raw WebSocket game server connects and calls
//! ProcessReady. The first signal must reach the game server as TerminateProcess
//! (sdk-wire-protocol.md §4.3); the daemon then waits for ProcessEnding. The tests wait only for
//! I/O (log lines, messages, exit, processes ending), each bounded.

use futures_util::{SinkExt, StreamExt};
use std::cell::RefCell;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const BOUND: Duration = Duration::from_secs(20);

const PLAYFIELD: &str = env!("CARGO_BIN_EXE_playfield");

/// A running `playfield serve` and the lines it logs.
struct Serve {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every line received so far, so that lines can be awaited in any order.
    seen: RefCell<Vec<String>>,
}

impl Serve {
    fn start() -> Serve {
        Serve::spawn(Command::new(PLAYFIELD), &["--shutdown-grace", "30"])
    }

    /// `playfield serve` (run by `cmd`) on free ports, with `extra` arguments.
    fn spawn(mut cmd: Command, extra: &[&str]) -> Serve {
        // SIGHUP's default action, whatever the test runner's: under `nohup cargo test` the
        // daemon would otherwise inherit SIGHUP ignored. (`nohup` as `cmd` ignores it again.)
        #[cfg(unix)]
        unsafe {
            use std::os::unix::process::CommandExt;
            // SAFETY: signal() is async-signal-safe.
            cmd.pre_exec(|| {
                libc::signal(libc::SIGHUP, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = cmd
            .args([
                "serve",
                "--api-listen",
                "127.0.0.1:0",
                "--ws-listen",
                "127.0.0.1:0",
                "--wss-listen",
                "127.0.0.1:0",
            ])
            .args(extra)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("playfield starts");
        let (tx, lines) = mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Serve {
            child,
            lines,
            seen: RefCell::new(Vec::new()),
        }
    }

    /// Waits for a log line containing `needle` (or finds it among those already seen);
    /// returns it.
    fn wait_for(&self, needle: &str) -> String {
        if let Some(line) = self.seen.borrow().iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.borrow_mut().push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("playfield never logged {needle:?}"),
            }
        }
    }

    /// Every line the daemon logged, once it has exited and its output is closed.
    fn whole_log(&self) -> Vec<String> {
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.borrow_mut().push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => return self.seen.borrow().clone(),
                Err(mpsc::RecvTimeoutError::Timeout) => panic!("playfield's output never closed"),
            }
        }
    }

    /// Sends the daemon `signal` (a name `kill -s` takes: INT, TERM, HUP).
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    fn ctrl_c(&self) {
        self.signal("INT");
    }

    fn wait_exit(&mut self) -> Option<i32> {
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "playfield did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to the ws:// URL logged by the daemon as a ready game server.
async fn ready_game_server(serve: &Serve) -> Ws {
    let line = serve.wait_for("game servers: ws://");
    let url = line[line.find("ws://").unwrap()..].trim().to_owned();
    let url = format!(
        "{url}/?pID=proc-1&FleetId=fleet-local&ComputeId=laptop&IdempotencyToken=t1&Authorization=x&sdkVersion=5.6.0&sdkLanguage=Go"
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("connects");
    ws.send(Message::text(
        r#"{"Action":"ActivateServerProcess","RequestId":"r1","SdkVersion":"5.6.0","SdkLanguage":"Go","Port":7777}"#,
    ))
    .await
    .unwrap();
    let reply = next_json(&mut ws).await;
    assert_eq!(reply["StatusCode"], 200, "{reply}");
    ws
}

async fn next_json(ws: &mut Ws) -> serde_json::Value {
    loop {
        let msg = tokio::time::timeout(BOUND, ws.next())
            .await
            .expect("a message in time")
            .expect("socket open")
            .expect("no socket error");
        if let Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

/// First Ctrl-C: the game server is told to terminate; once it calls ProcessEnding the daemon
/// exits cleanly (code 0).
#[tokio::test]
async fn ctrl_c_terminates_game_servers_then_exits() {
    let mut serve = Serve::start();
    let mut ws = ready_game_server(&serve).await;
    serve.ctrl_c();
    let push = next_json(&mut ws).await;
    assert_eq!(push["Action"], "TerminateProcess", "{push}");
    assert_eq!(push["StatusCode"], 200);
    ws.send(Message::text(
        r#"{"Action":"TerminateServerProcess","RequestId":"r2"}"#,
    ))
    .await
    .unwrap();
    assert_eq!(serve.wait_exit(), Some(0));
}

/// A second Ctrl-C does not wait for game servers that ignore TerminateProcess.
#[tokio::test]
async fn second_ctrl_c_exits_at_once() {
    let mut serve = Serve::start();
    let mut ws = ready_game_server(&serve).await;
    serve.ctrl_c();
    assert_eq!(next_json(&mut ws).await["Action"], "TerminateProcess");
    serve.wait_for("press Ctrl-C again");
    serve.ctrl_c();
    // The grace is 30 s; exiting well within the bound means it did not wait for it.
    assert_eq!(serve.wait_exit(), Some(130));
}

/// SIGHUP (the terminal or ssh session running the daemon closed) is a request to stop like
/// Ctrl-C: the daemon has no configuration to reload, and SIGHUP's default action would end it
/// without telling its game servers.
#[tokio::test]
async fn sighup_terminates_game_servers_then_exits() {
    let mut serve = Serve::start();
    let mut ws = ready_game_server(&serve).await;
    serve.signal("HUP");
    assert!(serve
        .wait_for("received SIGHUP")
        .contains("1 game server(s) asked to end within 30 s"));
    let push = next_json(&mut ws).await;
    assert_eq!(push["Action"], "TerminateProcess", "{push}");
    ws.send(Message::text(
        r#"{"Action":"TerminateServerProcess","RequestId":"r2"}"#,
    ))
    .await
    .unwrap();
    assert_eq!(serve.wait_exit(), Some(0));
}

/// Under `nohup` SIGHUP stays ignored, as the user asked: only the SIGTERM after it ends the
/// daemon, gracefully.
#[tokio::test]
async fn nohup_keeps_sighup_ignored() {
    let mut nohup = Command::new("nohup");
    nohup.arg(PLAYFIELD);
    let mut serve = Serve::spawn(nohup, &["--shutdown-grace", "30"]);
    let mut ws = ready_game_server(&serve).await;
    serve.wait_for("SIGHUP is ignored (nohup)");
    serve.signal("HUP");
    serve.signal("TERM");
    serve.wait_for("received SIGTERM");
    assert_eq!(next_json(&mut ws).await["Action"], "TerminateProcess");
    ws.send(Message::text(
        r#"{"Action":"TerminateServerProcess","RequestId":"r2"}"#,
    ))
    .await
    .unwrap();
    assert_eq!(serve.wait_exit(), Some(0));
    let log = serve.whole_log();
    assert!(
        !log.iter().any(|l| l.contains("SIGHUP (terminal closed)")),
        "SIGHUP was not ignored:\n{}",
        log.join("\n")
    );
}

/// `launched_sdk_game_server`'s name as the test harness knows it: its module path in the test
/// binary without the crate's name (`cli_serve_shutdown::launched_sdk_game_server`, this file
/// being a module of `tests/main.rs`).
fn launched_sdk_game_server_name() -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::launched_sdk_game_server"),
        None => "launched_sdk_game_server".to_owned(),
    }
}

/// Not a test: the well-behaved game server the daemon launches in the fleet tests below (the
/// fleet's executable is this test binary, run with `--exact <launched_sdk_game_server_name()>
/// --ignored`). Like the sample server, it connects with the `GAMELIFT_SDK_*` environment, calls
/// ProcessReady, and on TerminateProcess calls ProcessEnding and exits 0.
#[test]
#[ignore = "run by the daemon as a launched game server"]
fn launched_sdk_game_server() {
    use playfield_sdk::blocking::ServerSdk;
    use playfield_sdk::{ProcessParameters, ServerEvent};
    if std::env::var_os("GAMELIFT_SDK_WEBSOCKET_URL").is_none() {
        return;
    }
    let sdk = ServerSdk::new().unwrap();
    sdk.init_from_environment().unwrap();
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .unwrap();
    // A broken run must not leave it behind for ever: it gives up after five idle minutes.
    while let Some(event) = sdk.next_event(Duration::from_secs(300)) {
        if let ServerEvent::ProcessTerminate { .. } = event {
            break;
        }
    }
    sdk.process_ending().unwrap();
    sdk.destroy().unwrap();
}

/// Fleets the daemon launches itself, and what becomes of their processes when it stops. The
/// processes are watched through /proc, hence Linux only.
#[cfg(target_os = "linux")]
mod launched_fleet {
    use super::*;
    use std::path::PathBuf;

    /// Ignores SIGTERM and never connects, and is a wrapper script: the process it runs
    /// (`sleep`, "the sleeper") is the launched process's child, not the launched process.
    const STUBBORN_WRAPPER: &str = r#"trap '' TERM; sleep 600 & echo "sleeper $!"; wait"#;
    /// Ignores SIGTERM and never connects; the launched process itself is the sleeper.
    const STUBBORN: &str = r#"trap '' TERM; echo "sleeper $$"; exec sleep 600"#;

    /// A `playfield.toml` in a scratch folder with a fleet `good` of `good` well-behaved SDK
    /// servers (the test binary itself, see `launched_sdk_game_server`) and a fleet `stubborn`
    /// of one `sh -c stubborn_script`.
    fn config(test: &str, good: u32, stubborn_script: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("playfield-cli-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        let mut toml = String::new();
        if good > 0 {
            let me = std::env::current_exe().unwrap();
            toml += &format!(
                "[[fleets]]\nid = \"fleet-good\"\nname = \"good\"\n[fleets.launch]\n\
                 executable = {}\n\
                 arguments = [\"--exact\", {}, \"--ignored\", \"--nocapture\", \"--test-threads=1\"]\n\
                 concurrent_processes = {good}\n\n",
                quote(&me.display().to_string()),
                quote(&launched_sdk_game_server_name())
            );
        }
        toml += &format!(
            "[[fleets]]\nid = \"fleet-stubborn\"\nname = \"stubborn\"\n[fleets.launch]\n\
             executable = \"/bin/sh\"\narguments = [\"-c\", {}]\nconcurrent_processes = 1\n",
            quote(stubborn_script)
        );
        let path = dir.join("playfield.toml");
        std::fs::write(&path, toml).unwrap();
        path
    }

    fn serve(config: &std::path::Path, grace_secs: u64) -> Serve {
        let config = config.display().to_string();
        let grace = grace_secs.to_string();
        Serve::spawn(
            Command::new(PLAYFIELD),
            &["--config", &config, "--shutdown-grace", &grace],
        )
    }

    /// A process known by pid, told apart from a later one reusing the pid by its start time.
    struct Process {
        label: String,
        pid: i32,
        started: u64,
    }

    impl Process {
        fn new(label: &str, pid: i32) -> Process {
            let (_, started) = stat(pid).unwrap_or_else(|| panic!("{label} (pid {pid}) runs"));
            Process {
                label: label.to_owned(),
                pid,
                started,
            }
        }

        /// Still running: a zombie has ended (only its parent has not reaped it yet).
        fn alive(&self) -> bool {
            matches!(stat(self.pid), Some((state, started))
                if started == self.started && state != 'Z' && state != 'X')
        }
    }

    /// State and start time (in clock ticks since boot) from /proc/<pid>/stat.
    fn stat(pid: i32) -> Option<(char, u64)> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // "pid (comm) state ppid ... starttime ...": comm may hold spaces and parentheses.
        let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
        let state = fields.first()?.chars().next()?;
        // starttime is field 22 of the line; fields[0] is field 3 (state).
        let started = fields.get(22 - 3)?.parse().ok()?;
        Some((state, started))
    }

    /// The processes a test launched; whatever is left of them is killed when the test ends,
    /// passed or failed, so that a failing run leaves nothing behind.
    struct Launched(Vec<Process>);

    impl Launched {
        /// Learns the pids from the daemon's log: the launcher's "started [label] pid N" lines
        /// and the stubborn script's "sleeper N".
        fn from_log(serve: &Serve, labels: &[&str]) -> Launched {
            let mut processes = Vec::new();
            for label in labels {
                let line = serve.wait_for(&format!("launcher: started [{label}] pid "));
                processes.push(Process::new(label, number_after(&line, " pid ")));
            }
            let line = serve.wait_for("[stubborn#1] sleeper ");
            let sleeper = number_after(&line, " sleeper ");
            if processes.iter().all(|p| p.pid != sleeper) {
                processes.push(Process::new("the stubborn wrapper's sleeper", sleeper));
            }
            Launched(processes)
        }

        /// Waits (bounded) until none of the processes runs any more.
        fn wait_all_gone(&self) {
            let deadline = std::time::Instant::now() + BOUND;
            loop {
                let alive: Vec<String> = self
                    .0
                    .iter()
                    .filter(|p| p.alive())
                    .map(|p| format!("{} (pid {})", p.label, p.pid))
                    .collect();
                if alive.is_empty() {
                    return;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "launched processes outlived the daemon: {}",
                    alive.join(", ")
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    impl Drop for Launched {
        fn drop(&mut self) {
            for p in self.0.iter().filter(|p| p.alive()) {
                unsafe { libc::kill(p.pid, libc::SIGKILL) };
            }
        }
    }

    fn number_after(line: &str, marker: &str) -> i32 {
        let rest = &line[line.find(marker).unwrap_or_else(|| panic!("{line}")) + marker.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("no pid in {line:?}"))
    }

    /// SIGTERM takes the graceful path: the SDK servers get TerminateProcess and end on their
    /// own (exit status 0, sdk-wire-protocol.md §4.3: "the server should call ProcessEnding"),
    /// the stubborn one is killed after the grace with the process it started, and the daemon
    /// exits 0 leaving no process behind.
    #[test]
    fn sigterm_ends_the_launched_fleet_and_exits_0() {
        let config = config("sigterm", 2, STUBBORN_WRAPPER);
        let mut serve = serve(&config, 8);
        let launched = Launched::from_log(&serve, &["good#1", "good#2", "stubborn#1"]);
        wait_ready(&serve, "good#1");
        wait_ready(&serve, "good#2");
        serve.signal("TERM");
        let line = serve.wait_for("received SIGTERM");
        assert!(
            line.contains("shutting down, 2 game server(s) asked to end within 8 s"),
            "{line}"
        );
        assert_eq!(serve.wait_exit(), Some(0));
        serve.wait_for("[good#1] exited (exit status: 0)");
        serve.wait_for("[good#2] exited (exit status: 0)");
        serve.wait_for("[stubborn#1] did not exit within 8 s; killing it");
        launched.wait_all_gone();
    }

    /// A second SIGTERM does not wait out the grace (60 s here), and takes the launched
    /// processes along, the wrapper's child too.
    #[test]
    fn second_sigterm_exits_at_once_and_kills_the_launched_processes() {
        let config = config("sigterm-twice", 0, STUBBORN_WRAPPER);
        let mut serve = serve(&config, 60);
        let launched = Launched::from_log(&serve, &["stubborn#1"]);
        serve.signal("TERM");
        serve.wait_for("received SIGTERM");
        serve.signal("TERM");
        // 128 + SIGTERM (15), as a shell reports a process ended by the signal.
        assert_eq!(serve.wait_exit(), Some(143));
        launched.wait_all_gone();
    }

    /// SIGKILL leaves the daemon no say: the launched processes end by their parent-death
    /// signal (Linux), the well-behaved and the stubborn one alike.
    #[test]
    fn launched_processes_die_with_a_killed_daemon() {
        let config = config("sigkill", 1, STUBBORN);
        let mut serve = serve(&config, 30);
        let launched = Launched::from_log(&serve, &["good#1", "stubborn#1"]);
        wait_ready(&serve, "good#1");
        serve.child.kill().unwrap();
        assert_eq!(serve.wait_exit(), None, "killed by a signal");
        launched.wait_all_gone();
    }

    /// Waits until the process the launcher started in `slot` (`good#1`) is ready. Its id
    /// carries the daemon's run id (`fleet-good-<run>-1-1`), read from the launcher's line.
    fn wait_ready(serve: &Serve, slot: &str) {
        let started = serve.wait_for(&format!("launcher: started [{slot}]"));
        let id = started
            .split("as process ")
            .nth(1)
            .unwrap_or_else(|| panic!("no process id in {started:?}"))
            .trim();
        serve.wait_for(&format!("process {id} ready"));
    }
}
