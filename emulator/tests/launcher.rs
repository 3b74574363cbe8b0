//! The launcher against real processes: the environment it passes, restarts, shutdown.
//!
//! The restart *schedule* is tested with explicit times in `launcher::policy`; these tests
//! check the wiring with a shell script as the game server, and wait only for the processes'
//! own effects (files they write), never for a timer.

use playfield::config::{Fleet, LaunchSpec};
use playfield::launcher::{Launcher, LauncherSettings, RestartPolicy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("playfield-launcher-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fleet(script: &str, out: &Path, processes: u32) -> Fleet {
    Fleet {
        id: "fleet-t".into(),
        name: "t".into(),
        locations: vec!["custom-local".into()],
        launch: Some(LaunchSpec {
            executable: "/bin/sh".into(),
            arguments: vec!["-c".into(), script.into()],
            concurrent_processes: processes,
            environment: BTreeMap::from([("OUT".to_owned(), out.display().to_string())]),
            working_directory: None,
            first_port: 7777,
        }),
    }
}

fn settings(policy: RestartPolicy) -> LauncherSettings {
    LauncherSettings {
        websocket_url: "ws://127.0.0.1:9081".into(),
        host_id: "laptop".into(),
        auth_token: "local-token".into(),
        policy,
        run_id: "r1".into(),
    }
}

/// Waits until `path` holds at least `lines` lines: the processes' progress, not a timer.
async fn wait_for_lines(path: &Path, lines: usize) -> Vec<String> {
    for _ in 0..1000 {
        if let Ok(text) = std::fs::read_to_string(path) {
            let got: Vec<String> = text.lines().map(str::to_owned).collect();
            if got.len() >= lines {
                return got;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{} never reached {lines} lines", path.display());
}

/// sdk-wire-protocol.md §1.5: the official SDKs' `InitSDK()` reads exactly these variables.
#[tokio::test]
async fn launched_process_gets_the_sdk_environment() {
    let dir = scratch("env");
    let out = dir.join("env.txt");
    let script = r#"env | grep -E '^(GAMELIFT_SDK_|OUT=)' | sort > "$OUT.tmp"; mv "$OUT.tmp" "$OUT"; exec sleep 30"#;
    let launcher = Launcher::start(
        &[fleet(script, &out, 1)],
        settings(RestartPolicy::default()),
    );
    assert_eq!(launcher.slot_count(), 1);
    let env = wait_for_lines(&out, 6).await;
    launcher.shutdown(Duration::ZERO).await;
    assert_eq!(
        env,
        [
            "GAMELIFT_SDK_AUTH_TOKEN=local-token".to_owned(),
            "GAMELIFT_SDK_FLEET_ID=fleet-t".to_owned(),
            "GAMELIFT_SDK_HOST_ID=laptop".to_owned(),
            "GAMELIFT_SDK_PROCESS_ID=fleet-t-r1-1-1".to_owned(),
            "GAMELIFT_SDK_WEBSOCKET_URL=ws://127.0.0.1:9081".to_owned(),
            format!("OUT={}", out.display()),
        ]
    );
}

/// Issue 17 item 6: "Every launched process gets its own port (as a managed fleet's runtime
/// configuration passes launch parameters: a documented placeholder filled from a port
/// range)": `{port}` in the arguments and the environment's values.
#[tokio::test]
async fn each_launched_process_gets_its_own_port() {
    let dir = scratch("ports");
    let out = dir.join("ports.txt");
    let mut f = fleet(r#"echo "$0 $PORT" >> "$OUT"; exec sleep 30"#, &out, 3);
    let launch = f.launch.as_mut().unwrap();
    launch.first_port = 9100;
    // `sh -c SCRIPT NAME`: NAME is the script's $0.
    launch.arguments.push("{port}".into());
    launch
        .environment
        .insert("PORT".into(), "port={port}".into());
    let launcher = Launcher::start(&[f], settings(RestartPolicy::default()));
    let mut lines = wait_for_lines(&out, 3).await;
    launcher.shutdown(Duration::ZERO).await;
    lines.sort();
    assert_eq!(
        lines,
        ["9100 port=9100", "9101 port=9101", "9102 port=9102"]
    );
}

/// A crashing server is started again, each time as a new process id.
#[tokio::test]
async fn crashing_process_is_restarted_with_a_new_process_id() {
    let dir = scratch("crash");
    let out = dir.join("starts.txt");
    let script = r#"echo "$GAMELIFT_SDK_PROCESS_ID" >> "$OUT"; exit 3"#;
    let quick = RestartPolicy {
        healthy_after: Duration::from_secs(10),
        clean_healthy_after: Duration::from_secs(1),
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    };
    let launcher = Launcher::start(&[fleet(script, &out, 1)], settings(quick));
    let starts = wait_for_lines(&out, 3).await;
    launcher.shutdown(Duration::ZERO).await;
    assert_eq!(
        &starts[..3],
        ["fleet-t-r1-1-1", "fleet-t-r1-1-2", "fleet-t-r1-1-3"]
    );
}

/// Each of `concurrent_processes` slots runs its own process; shutdown ends them all.
#[tokio::test]
async fn every_slot_runs_and_shutdown_stops_them() {
    let dir = scratch("slots");
    let out = dir.join("slots.txt");
    let script = r#"echo "$GAMELIFT_SDK_PROCESS_ID" >> "$OUT"; exec sleep 30"#;
    let launcher = Launcher::start(
        &[fleet(script, &out, 3)],
        settings(RestartPolicy::default()),
    );
    let mut started = wait_for_lines(&out, 3).await;
    started.sort();
    assert_eq!(
        started,
        ["fleet-t-r1-1-1", "fleet-t-r1-2-1", "fleet-t-r1-3-1"]
    );
    // `sleep 30` would outlive the test: shutdown with no grace must kill it now.
    tokio::time::timeout(Duration::from_secs(10), launcher.shutdown(Duration::ZERO))
        .await
        .expect("shutdown returns once the processes are gone");
}

/// A fleet without a launch spec has its servers started by hand: nothing is launched.
#[tokio::test]
async fn fleets_without_launch_spec_are_left_alone() {
    let mut f = fleet("true", Path::new("/dev/null"), 1);
    f.launch = None;
    let launcher = Launcher::start(&[f], settings(RestartPolicy::default()));
    assert_eq!(launcher.slot_count(), 0);
    launcher.shutdown(Duration::ZERO).await;
}

/// prctl(2), PR_SET_PDEATHSIG: the parent-death signal is sent when the *thread* that forked
/// the process ends, not the daemon. Runtime threads come and go (a test's thread, blocking-pool
/// threads after 10 s idle, a worker that `block_in_place` replaced), so a launched process must
/// survive the end of the thread whose task started it. Here that thread runs the runtime only
/// until the process has started, then ends; the process must still answer afterwards.
#[cfg(target_os = "linux")]
#[test]
fn launched_process_outlives_the_thread_that_started_it() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = scratch("thread");
    let out = dir.join("out.txt");
    let fifo = dir.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Waits for one line on the FIFO and writes it out: proof of life on demand.
    let script =
        r#"echo started >> "$OUT"; read line < "$FIFO"; echo "$line" >> "$OUT"; exec sleep 30"#;
    let mut f = fleet(script, &out, 1);
    if let Some(launch) = f.launch.as_mut() {
        launch
            .environment
            .insert("FIFO".to_owned(), fifo.display().to_string());
    }
    let runtime = std::sync::Arc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
    let (launcher, tid) = std::thread::spawn({
        let runtime = runtime.clone();
        let out = out.clone();
        move || {
            let tid = unsafe { libc::syscall(libc::SYS_gettid) };
            let launcher = runtime.block_on(async {
                let launcher = Launcher::start(&[f], settings(RestartPolicy::default()));
                wait_for_lines(&out, 1).await;
                launcher
            });
            (launcher, tid)
        }
    })
    .join()
    .unwrap();
    // The thread has been joined; once the kernel has also released it (its /proc entry gone),
    // a parent-death signal it triggered has been sent.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while Path::new(&format!("/proc/self/task/{tid}")).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "thread {tid} never ended"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Opening the FIFO without blocking fails (ENXIO) while no process has it open to read.
    let mut writer = loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
        {
            Ok(w) => break w,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the launched process died with the thread that started it"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("{}: {e}", fifo.display()),
        }
    };
    writer.write_all(b"alive\n").unwrap();
    drop(writer);
    let lines = runtime.block_on(wait_for_lines(&out, 2));
    assert_eq!(
        lines,
        ["started", "alive"],
        "the first process must answer, not a replacement for one that died with the thread"
    );
    runtime.block_on(launcher.shutdown(Duration::ZERO));
}

/// Issue 15 finding 6: a launched process's id is unique across daemon runs. Servers of a
/// previous run still alive reconnect with their old ids; each start's run id keeps this
/// run's ids apart from them.
#[test]
fn each_daemon_run_gets_its_own_run_id() {
    let (a, b) = (
        playfield::launcher::new_run_id(),
        playfield::launcher::new_run_id(),
    );
    assert_ne!(a, b);
    assert_eq!(a.len(), 8);
    assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
}
