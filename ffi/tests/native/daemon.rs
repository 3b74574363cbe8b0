//! A whole game session between a native sample server and an in-process daemon.
//!
//! The daemon runs on a manual clock (nothing here depends on time passing on its side).
//! The test and the sample coordinate through the sample's stdout lines and the daemon's
//! state, never through sleeps: the test waits for a line or a state, then acts.

use playfield::config::{Config, LaunchSpec};
use playfield::launcher::{Launcher, LauncherSettings, RestartPolicy};
use playfield::wiring::server::{Daemon, DaemonConfig, DaemonHandle};
use playfield_core::{BackfillMode, StartMatchmaking};
use playfield_core::{Clock, ManualClock, Millis};
use playfield_core::{
    CoreConfig, CreateGameSession, Fleet, GameSessionStatus, NewPlayerSession, PlayerSessionStatus,
    ProcessStatus,
};
use playfield_core::{MatchedPlayer, MatchedTeam, MatchmakerData};
use playfield_flexmatch::{AttributeValue, Player};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const FLEET: &str = "fleet-test";
pub const CONFIG_ARN: &str =
    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel";

/// The matchmaker data FlexMatch would write for a 2-vs-1 match (sdk-wire-protocol.md §5.2).
pub fn matchmaker_data(extra_player: bool) -> MatchmakerData {
    let player = |id: &str, attributes: Vec<(&str, AttributeValue)>| MatchedPlayer {
        player_id: id.into(),
        attributes: attributes
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    let skill = |n: f64| vec![("skill", AttributeValue::Number(n))];
    let mut blue = vec![player("player-3", skill(20.0))];
    if extra_player {
        blue.push(player("player-4", skill(19.0)));
    }
    MatchmakerData {
        match_id: "match-1".into(),
        matchmaking_configuration_arn: CONFIG_ARN.into(),
        teams: vec![
            MatchedTeam {
                name: "red".into(),
                players: vec![
                    player(
                        "player-1",
                        vec![
                            ("skill", AttributeValue::Number(23.0)),
                            ("mode", AttributeValue::String("ctf".into())),
                            (
                                "items",
                                AttributeValue::StringList(vec!["a".into(), "b".into()]),
                            ),
                            (
                                "ranks",
                                AttributeValue::StringNumberMap([("ctf".to_string(), 3.5)].into()),
                            ),
                        ],
                    ),
                    player("player-2", skill(17.0)),
                ],
            },
            MatchedTeam {
                name: "blue".into(),
                players: blue,
            },
        ],
        auto_backfill_ticket_id: None,
        auto_backfill_mode: Some(BackfillMode::Manual),
    }
}

/// Whether the rule set of the [`MATCHMAKER`] has a latency rule. With one, a backfill request
/// whose players report no latency is refused (guide 002 line 2389: a backfill gives each
/// player's latency for the game session's region).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyRule {
    /// `{"type": "latency", "maxLatency": 100}`: the samples' backfills must report latencies.
    Yes,
    /// No latency rule: a backfill without latencies is accepted.
    No,
}

/// The matchmaker the samples' backfill requests go to: configuration `Duel` (the one the
/// matchmaker data names), two teams of up to two, placing onto [`FLEET`]; its `"rules"` are
/// filled in by [`LatencyRule`].
const MATCHMAKER: &str = r#"
[[fleets]]
id = "fleet-test"
name = "test"

[[queues]]
name = "duel-queue"
destinations = ["fleet-test"]

[[rule_sets]]
name = "duel-rules"
body = '''{
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [
    {"name": "skill", "type": "number", "default": 10},
    {"name": "mode", "type": "string", "default": "ctf"},
    {"name": "items", "type": "string_list", "default": []},
    {"name": "ranks", "type": "string_number_map", "default": {}}
  ],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
            {"name": "blue", "minPlayers": 1, "maxPlayers": 2}],
  "rules": []
}'''

[[matchmaking_configurations]]
name = "Duel"
rule_set = "duel-rules"
queue = "duel-queue"
"#;

/// How long one step may take (generous: valgrind slows the sample down a lot).
const STEP: Duration = Duration::from_secs(90);

/// A running sample: its stdout lines as they come, its stderr at the end.
struct Sample {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: std::thread::JoinHandle<String>,
}

impl Sample {
    fn start(command: &[&str], envs: &[(&str, String)]) -> Sample {
        let mut child = Command::new(command[0])
            .args(&command[1..])
            .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", command[0]));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Sample {
            child,
            lines,
            seen: Vec::new(),
            stderr,
        }
    }

    /// Waits for the first line (from now on) that starts with `prefix` and returns it.
    fn expect(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => self.fail(&format!("no line starting with {prefix:?}")),
            }
        }
    }

    fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen.extend(self.lines.try_iter());
        panic!(
            "{what}\nstdout so far:\n{}\nstderr:\n{}",
            self.seen.join("\n"),
            self.stderr_text()
        )
    }

    fn stderr_text(&mut self) -> String {
        let handle = std::mem::replace(&mut self.stderr, std::thread::spawn(String::new));
        handle.join().unwrap_or_default()
    }

    /// Waits for the sample to exit; returns every stdout line and the stderr text.
    fn finish(mut self) -> (Vec<String>, String) {
        let deadline = Instant::now() + STEP;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the sample") {
                break status;
            }
            if Instant::now() > deadline {
                self.fail("the sample did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread ends at EOF; collect what is left.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let stderr = self.stderr_text();
        assert!(
            status.success(),
            "the sample exited with {status}\nstdout:\n{}\nstderr:\n{stderr}",
            self.seen.join("\n")
        );
        (self.seen, stderr)
    }
}

/// Waits (for I/O, not time) until `cond` holds on the daemon's core.
fn wait_until(
    daemon: &DaemonHandle,
    sample: &mut Sample,
    what: &str,
    cond: impl Fn(&playfield_core::Core) -> bool,
) {
    let deadline = Instant::now() + STEP;
    while !daemon.read(&cond) {
        if Instant::now() > deadline {
            sample.fail(&format!("timed out waiting until {what}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A daemon on a manual clock with [`FLEET`] and the [`MATCHMAKER`], game servers on a plain
/// WebSocket listener on a free loopback port.
fn start_daemon(runtime: &tokio::runtime::Runtime, latency: LatencyRule) -> DaemonHandle {
    let clock = Arc::new(ManualClock::new());
    let daemon = runtime
        .block_on(Daemon::start(
            DaemonConfig {
                api_listen: None,
                api_access_keys: Vec::new(),
                ws_listen: Some(([127, 0, 0, 1], 0).into()),
                wss_listen: None,
                tls_files: None,
                core: CoreConfig {
                    seed: 42,
                    ..CoreConfig::default()
                },
                fleets: vec![Fleet {
                    id: FLEET.into(),
                    name: "test".into(),
                    locations: vec!["custom-test".into()],
                }],
                ..DaemonConfig::default()
            },
            clock.clone() as Arc<dyn Clock>,
        ))
        .expect("daemon starts on loopback");
    let matchmaker = match latency {
        LatencyRule::Yes => MATCHMAKER.replace(
            r#""rules": []"#,
            r#""rules": [{"name": "ping", "type": "latency", "maxLatency": 100}]"#,
        ),
        LatencyRule::No => MATCHMAKER.to_owned(),
    };
    let matchmaker = Config::from_toml_str(&matchmaker, Path::new("ffi-test.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    daemon
        .execute(|core, now| core.apply_matchmaking_config(now, &matchmaker.matchmaking_setup()))
        .expect("matchmaker set up");
    daemon
}

fn ws_url(daemon: &DaemonHandle) -> String {
    format!("ws://{}", daemon.ws_addr().expect("ws listener"))
}

/// What a server started by hand as process `pid` of [`FLEET`] is given.
fn sdk_environment(daemon: &DaemonHandle, pid: &str) -> [(&'static str, String); 5] {
    [
        ("GAMELIFT_SDK_WEBSOCKET_URL", ws_url(daemon)),
        ("GAMELIFT_SDK_AUTH_TOKEN", "token".to_owned()),
        ("GAMELIFT_SDK_FLEET_ID", FLEET.to_owned()),
        ("GAMELIFT_SDK_HOST_ID", "host-1".to_owned()),
        ("GAMELIFT_SDK_PROCESS_ID", pid.to_owned()),
    ]
}

/// Runs `command` as process `pid` of [`FLEET`], leaves it waiting for a game session, and
/// sends it SIGTERM (as `kill`, a container runtime or a service manager would): it must say
/// so, end with ProcessEnding (so the daemon does not wait for it to come back) and exit 0.
/// Returns the port it reported in ProcessReady.
pub fn run_until_sigterm(command: &[&str], pid: &str) -> Option<u16> {
    let runtime = runtime();
    let daemon = start_daemon(&runtime, LatencyRule::No);
    let mut sample = Sample::start(command, &sdk_environment(&daemon, pid));
    sample.expect("process ready");
    wait_until(&daemon, &mut sample, "the process is ready", |c| {
        c.process(pid)
            .is_some_and(|p| p.status == ProcessStatus::Active)
    });
    let port = daemon.read(|c| c.process(pid).and_then(|p| p.port));
    let killed = Command::new("kill")
        .args(["-TERM", &sample.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    sample.expect("terminate: signal 15");
    sample.expect("bye");
    let (stdout, _) = sample.finish();
    assert!(
        !stdout.iter().any(|l| l.starts_with("error:")),
        "{}",
        stdout.join("\n")
    );
    // A process that vanished without ProcessEnding would stay ACTIVE through the reconnect
    // grace, which never passes on the daemon's manual clock.
    let deadline = Instant::now() + STEP;
    while daemon.read(|c| {
        c.process(pid)
            .is_some_and(|p| p.status != ProcessStatus::Terminated)
    }) {
        assert!(
            Instant::now() < deadline,
            "the process never called ProcessEnding"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    runtime.block_on(daemon.shutdown());
    port
}

/// Launches `exe` the way `[fleets.launch]` does (`--port {port}` from a port range starting at
/// `first_port`, one process at a time) and checks, on the daemon's side, what a fleet's
/// operator sees: the process reports its port in ProcessReady and its game sessions carry it;
/// it hosts a game session (a player joins and leaves) and ends it with ProcessEnding; the
/// launcher's next process, on the same port, hosts the next one; told to end
/// (TerminateProcess, as when the daemon stops), the idle process ends cleanly. Every process
/// exits 0.
pub fn run_launched(exe: &Path, first_port: u16) {
    let runtime = runtime();
    let daemon = start_daemon(&runtime, LatencyRule::No);
    let dir = std::env::temp_dir().join(format!(
        "playfield-ffi-launched-{}-{}",
        exe.file_name().and_then(|n| n.to_str()).unwrap_or("sample"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let (exits, log) = (dir.join("exits.txt"), dir.join("output.txt"));
    // A wrapper that records each process's exit status (and keeps its output for failures).
    let script = r#""$0" "$@" >> "$LOG" 2>&1; echo "exit $?" >> "$EXITS""#;
    let fleet = playfield::config::Fleet {
        id: FLEET.into(),
        name: "test".into(),
        locations: vec!["custom-test".into()],
        launch: Some(LaunchSpec {
            executable: "/bin/sh".into(),
            arguments: ["-c", script, &exe.display().to_string(), "--port", "{port}"]
                .into_iter()
                .chain(["--session-seconds", "0.1"])
                .map(str::to_owned)
                .collect(),
            concurrent_processes: 1,
            environment: [
                ("EXITS".to_owned(), exits.display().to_string()),
                ("LOG".to_owned(), log.display().to_string()),
            ]
            .into(),
            working_directory: None,
            first_port,
        }),
    };
    let launcher = {
        let _in_runtime = runtime.enter();
        Launcher::start(
            &[fleet],
            LauncherSettings {
                websocket_url: ws_url(&daemon),
                host_id: "launch-host".into(),
                auth_token: "token".into(),
                // A process that hosted its game session is replaced at once, however short.
                policy: RestartPolicy {
                    healthy_after: Duration::ZERO,
                    clean_healthy_after: Duration::ZERO,
                    first_delay: Duration::ZERO,
                    max_delay: Duration::ZERO,
                },
                run_id: "r1".into(),
            },
        )
    };
    let fail = |what: &str| -> ! {
        panic!(
            "{what}\nthe launched processes printed:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        )
    };
    let wait = |what: &str, cond: &dyn Fn(&playfield_core::Core) -> bool| {
        let deadline = Instant::now() + STEP;
        while !daemon.read(cond) {
            if Instant::now() > deadline {
                fail(&format!("timed out waiting until {what}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let ready = |pid: &str| {
        wait(&format!("process {pid} is ready"), &|c| {
            c.process(pid)
                .is_some_and(|p| p.status == ProcessStatus::Active)
        });
        let port = daemon.read(|c| c.process(pid).and_then(|p| p.port));
        assert_eq!(
            port,
            Some(first_port),
            "process {pid}'s port in ProcessReady"
        );
    };

    for generation in 1..=2 {
        let pid = format!("{FLEET}-r1-1-{generation}");
        ready(&pid);
        let gs = daemon
            .execute(|core, now| {
                core.create_game_session(
                    now,
                    CreateGameSession {
                        fleet_id: FLEET.into(),
                        maximum_player_session_count: 2,
                        name: Some(format!("session-{generation}")),
                        ..Default::default()
                    },
                )
            })
            .unwrap_or_else(|e| fail(&format!("game session {generation}: {e}")));
        assert_eq!(gs.pid, pid);
        assert_eq!(gs.port, Some(first_port), "the game session's port");
        wait(&format!("game session {generation} is ACTIVE"), &|c| {
            c.game_session(&gs.id)
                .is_some_and(|g| g.status == GameSessionStatus::Active)
        });
        let player = daemon
            .execute(|core, now| {
                core.create_player_sessions(
                    now,
                    &gs.id,
                    vec![NewPlayerSession {
                        player_id: format!("player-{generation}"),
                        player_data: None,
                    }],
                )
            })
            .unwrap_or_else(|e| fail(&format!("player session: {e}")));
        // The sample accepts the player, who leaves; the match is over; ProcessEnding.
        wait(
            &format!("game session {generation} ends with its process"),
            &|c| {
                c.game_session(&gs.id)
                    .is_some_and(|g| g.status == GameSessionStatus::Terminated)
            },
        );
        let status = daemon.read(|c| c.player_session(&player[0].id).map(|p| p.status));
        assert_eq!(status, Some(PlayerSessionStatus::Completed));
    }

    // The third process waits for a game session until the daemon stops and tells it to end.
    let last = format!("{FLEET}-r1-1-3");
    ready(&last);
    runtime.block_on(async {
        // The launcher first stops restarting (its first poll), then the process is told.
        let shutdown = launcher.shutdown(STEP);
        let terminate = async {
            daemon.execute(|core, now| core.request_termination_of_all(now + 60_000));
        };
        tokio::join!(shutdown, terminate);
    });
    wait("the last process calls ProcessEnding", &|c| {
        c.process(&last)
            .is_none_or(|p| p.status == ProcessStatus::Terminated)
    });
    let exits = std::fs::read_to_string(&exits).unwrap_or_default();
    if exits.lines().collect::<Vec<_>>() != ["exit 0"; 3] {
        fail(&format!(
            "every process should exit 0, one after the other; got:\n{exits}"
        ));
    }
    runtime.block_on(daemon.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The running session, handed to the caller's extra steps (see [`run_session_with`]).
pub struct SessionSteps<'a> {
    daemon: &'a DaemonHandle,
    sample: &'a mut Sample,
}

impl SessionSteps<'_> {
    /// Waits for the sample's first line (from now on) that starts with `prefix`.
    pub fn expect(&mut self, prefix: &str) -> String {
        self.sample.expect(prefix)
    }

    /// Runs `f` on the daemon's core, at the daemon's (manual) time.
    pub fn execute<R>(&self, f: impl FnOnce(&mut playfield_core::Core, Millis) -> R) -> R {
        self.daemon.execute(f)
    }

    /// Fails the test with the sample's output so far.
    pub fn fail(&mut self, what: &str) -> ! {
        self.sample.fail(what)
    }
}

/// What a session run produced, for the caller's own assertions.
pub struct SessionRun {
    pub stdout: Vec<String>,
    pub stderr: String,
}

/// Runs `command` (the sample, possibly under valgrind) as process `pid` of [`FLEET`] through
/// a whole game session, checking each step on the daemon's side:
/// ready → game session with matchmaker data → activated → three players reserved and
/// accepted → one removed and a backfill ticket requested → a new player's matchmaking ticket
/// fills the slot through that backfill ticket → the UpdateGameSession push
/// (MATCHMAKING_DATA_UPDATED) → the sample ends cleanly. The rule set has a latency rule: the
/// backfill request must give each player's latency for the game session's region.
pub fn run_session(command: &[&str], pid: &str) -> SessionRun {
    run_session_with(command, pid, LatencyRule::Yes, |_| {})
}

/// [`run_session`] under a rule set with or without a latency rule, with `after_session` run
/// once the sample said "game session over" and before its "bye" (for samples that do more
/// before they exit).
pub fn run_session_with(
    command: &[&str],
    pid: &str,
    latency: LatencyRule,
    after_session: impl FnOnce(&mut SessionSteps),
) -> SessionRun {
    let runtime = runtime();
    let daemon = start_daemon(&runtime, latency);
    let mut sample = Sample::start(command, &sdk_environment(&daemon, pid));

    sample.expect("connected");
    sample.expect("process ready");
    wait_until(&daemon, &mut sample, "the process is ready", |c| {
        c.process(pid)
            .is_some_and(|p| p.status == ProcessStatus::Active)
    });

    let gs = daemon
        .execute(|core, now| {
            core.create_game_session(
                now,
                CreateGameSession {
                    fleet_id: FLEET.into(),
                    maximum_player_session_count: 4,
                    name: Some("ffi-session".into()),
                    game_properties: [("mode".to_string(), "ctf".to_string())].into(),
                    matchmaker_data: Some(matchmaker_data(false)),
                    ..Default::default()
                },
            )
        })
        .expect("game session created");
    let started = sample.expect("game session started");
    assert!(started.contains(gs.id.as_str()), "{started}");
    let match_line = sample.expect("matchmaker: match");
    assert!(
        match_line.contains("match-1") && match_line.contains(CONFIG_ARN),
        "{match_line}"
    );
    let p1 = sample.expect("matched player: team red player player-1");
    for attr in [
        "skill=23",
        "mode=\"ctf\"",
        "items=[\"a\",\"b\"]",
        "ranks={\"ctf\":3.5}",
    ] {
        assert!(p1.contains(attr), "{attr} missing in {p1}");
    }
    sample.expect("matched player: team blue player player-3");
    sample.expect("game session active");
    wait_until(&daemon, &mut sample, "the game session is ACTIVE", |c| {
        c.game_session(&gs.id)
            .is_some_and(|g| g.status == GameSessionStatus::Active)
    });

    let reserved = daemon
        .execute(|core, now| {
            core.create_player_sessions(
                now,
                &gs.id,
                ["player-1", "player-2", "player-3"]
                    .iter()
                    .map(|p| NewPlayerSession {
                        player_id: p.to_string(),
                        player_data: None,
                    })
                    .collect(),
            )
        })
        .expect("player sessions created");
    for _ in 0..3 {
        sample.expect("player accepted:");
    }
    let left = sample.expect("player left:");
    let left_player = left.trim_start_matches("player left:").trim().to_owned();
    let backfill = sample.expect("backfill request");
    let backfill_ticket = backfill
        .strip_prefix("backfill requested: ticket ")
        .unwrap_or_else(|| panic!("the backfill request should create a ticket: {backfill}"))
        .trim()
        .to_owned();
    let backfill_players = daemon
        .read(|c| c.ticket(&backfill_ticket))
        .unwrap_or_else(|| panic!("the daemon knows backfill ticket {backfill_ticket}"))
        .players;
    if latency == LatencyRule::Yes {
        // Guide 002 line 2389: each player's latency for the region in the game session's ARN
        // (the samples' default 50 ms).
        for p in &backfill_players {
            assert_eq!(
                p.latency_ms,
                [("us-west-2".to_owned(), 50)].into(),
                "player {}'s latencies in backfill ticket {backfill_ticket}",
                p.id
            );
        }
    }
    wait_until(
        &daemon,
        &mut sample,
        "the leaver's session is COMPLETED",
        |c| {
            reserved.iter().any(|ps| {
                ps.player_id == left_player
                    && c.player_session(&ps.id)
                        .is_some_and(|p| p.status == PlayerSessionStatus::Completed)
            })
        },
    );
    sample.expect("playing");

    // A new player looks for a match: the backfill ticket takes them into the running game,
    // and the server hears about it through onUpdateGameSession.
    let newcomer = Player {
        id: "player-4".into(),
        attributes: [("skill".to_string(), AttributeValue::Number(19.0))].into(),
        // The game session's location: the backfill's region latencies stand for it.
        latency_ms: [("custom-test".to_string(), 40)].into(),
        ..Default::default()
    };
    daemon
        .execute(|core, now| {
            core.start_matchmaking(
                now,
                StartMatchmaking {
                    ticket_id: Some("newcomer".into()),
                    configuration_name: "Duel".into(),
                    players: vec![newcomer],
                },
            )
        })
        .expect("matchmaking ticket accepted");
    let update = sample.expect("game session updated:");
    assert!(
        update.contains("MATCHMAKING_DATA_UPDATED")
            && update.contains(&backfill_ticket)
            && update.contains("players 3"),
        "{update}"
    );
    sample.expect("game session over");
    after_session(&mut SessionSteps {
        daemon: &daemon,
        sample: &mut sample,
    });
    sample.expect("bye");
    let (stdout, stderr) = sample.finish();

    // The daemon saw the whole session end cleanly.
    let states = daemon.read(|c| {
        (
            c.game_session(&gs.id).map(|g| g.status),
            reserved
                .iter()
                .map(|ps| c.player_session(&ps.id).map(|p| p.status))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(
        states.1,
        vec![Some(PlayerSessionStatus::Completed); 3],
        "every player session ends COMPLETED"
    );
    assert_eq!(
        states.0,
        Some(GameSessionStatus::Terminated),
        "process_ending ends the game session"
    );
    runtime.block_on(daemon.shutdown());
    SessionRun { stdout, stderr }
}

/// Fails the test unless `valgrind` can be run here: a memory check that silently does not run
/// would pass for the wrong reason. `.ci/run` installs it on a machine that lacks it.
pub fn require_valgrind() {
    let ok = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "valgrind is needed for this test and cannot be run here: install it \
         (Debian: apt-get install valgrind; .ci/run does this on a fresh machine)"
    );
}

/// The valgrind command line for `exe`: definite leaks and invalid accesses fail the run.
pub fn under_valgrind(exe: &Path) -> Vec<String> {
    vec![
        "valgrind".into(),
        "--leak-check=full".into(),
        "--errors-for-leak-kinds=definite".into(),
        "--show-leak-kinds=definite".into(),
        "--error-exitcode=1".into(),
        exe.display().to_string(),
        "--port".into(),
        "7777".into(),
        "--session-seconds".into(),
        "120".into(),
    ]
}
