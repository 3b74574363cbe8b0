//! The C# binding (`samples/unity/Binding`) and the C# console host (`samples/csharp`),
//! compiled with Mono's `mcs` and run under `mono` against `libplayfield_ffi.so` and an
//! in-process daemon through a whole game session, once per event mode of the C API
//! (callbacks on the SDK's threads, and polling from the game's own loop, as Unity's Update()
//! does). Mono's P/Invoke is what Unity's Mono backend uses, so this is the Unity path short
//! of the editor.
//!
//! The host leans on the managed/native boundary while it runs: health checks every 5 ms
//! (managed code entered from an SDK worker thread) that allocate and force a full GC, another
//! thread forcing GCs in a loop, every handler forcing one too, an SDK left to the finalizer,
//! and a second SDK disposed while an event is pending (see `samples/csharp/SampleServer.cs`).
//!
//! `mcs` and `mono` come from Debian's `mono-mcs` and `mono-runtime`; `.ci/run` installs
//! them. Where they are missing the tests fail under CI (`CI` set) and say so otherwise.

use crate::native::daemon::{run_session_with, LatencyRule, SessionRun, FLEET};
use crate::native::{build_library, library_dir, repo_root};
use playfield_core::CreateGameSession;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

/// Whether `program --version` runs.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether Mono is here. Under CI a missing Mono fails the test: a check that silently does
/// not run would pass for the wrong reason.
fn mono_available() -> bool {
    let missing: Vec<&str> = ["mcs", "mono"].into_iter().filter(|p| !runs(p)).collect();
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{} not found: install Mono (Debian: apt-get install mono-mcs mono-runtime; \
         .ci/run does this on a fresh machine)",
        missing.join(" and ")
    );
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(!ci, "{message}");
    eprintln!("SKIPPED (CI is not set): {message}");
    false
}

/// The C# sources: the binding and the console host.
fn sources() -> Vec<PathBuf> {
    let root = repo_root();
    vec![
        root.join("samples/unity/Binding/Playfield.cs"),
        root.join("samples/unity/Binding/PlayfieldSdk.cs"),
        root.join("samples/csharp/SampleServer.cs"),
    ]
}

/// Compiles the host once per test binary into the library's folder, with warnings as
/// errors. The compiler writes a file of this process's own, renamed into place when
/// complete (as `native::build` does for the C samples).
fn host() -> &'static Path {
    static HOST: OnceLock<PathBuf> = OnceLock::new();
    HOST.get_or_init(|| {
        build_library();
        let dir = library_dir();
        let out = dir.join("mono-sample-server.exe");
        let partial = dir.join(format!("mono-sample-server.{}.partial", std::process::id()));
        let result = Command::new("mcs")
            .args(["-target:exe", "-warnaserror+", "-nologo"])
            .arg(format!("-out:{}", partial.display()))
            .args(sources())
            .output()
            .unwrap_or_else(|e| panic!("cannot run mcs: {e}"));
        assert!(
            result.status.success(),
            "mcs failed to build the C# host:\n{}{}",
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
        std::fs::rename(&partial, &out).unwrap_or_else(|e| {
            panic!(
                "cannot move {} to {}: {e}",
                partial.display(),
                out.display()
            )
        });
        out
    })
}

/// Runs the host in `mode` through the whole session (`native::daemon::run_session`), then
/// its stress steps: the test gives the stress SDK a game session, whose event the host
/// leaves pending while it disposes that SDK.
fn session(mode: &str) -> SessionRun {
    let exe = host().display().to_string();
    // Mono's DllImport("playfield_ffi") loads libplayfield_ffi.so through dlopen.
    let library_path = format!("LD_LIBRARY_PATH={}", library_dir().display());
    let command = [
        "env",
        &library_path,
        "mono",
        "--debug",
        &exe,
        mode,
        "7777",
        "120",
    ];
    let pid = format!("proc-cs-{mode}");
    let stress_pid = format!("{pid}-stress");
    // A rule set with a latency rule, as for the C and C++ samples: the host's backfill must
    // give each player's latency for the game session's region (run_session checks them).
    run_session_with(&command, &pid, LatencyRule::Yes, |steps| {
        steps.expect("stress: forgotten SDK finalized");
        let ready = steps.expect("stress: ready ");
        assert_eq!(ready, format!("stress: ready {stress_pid}"));
        // The main process has ended, so the stress process is the fleet's only free one.
        let gs = steps
            .execute(|core, now| {
                core.create_game_session(
                    now,
                    CreateGameSession {
                        fleet_id: FLEET.into(),
                        maximum_player_session_count: 2,
                        name: Some("pending-at-dispose".into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap_or_else(|e| steps.fail(&format!("stress game session: {e}")));
        assert_eq!(
            gs.pid, stress_pid,
            "the stress process got the game session"
        );
        let disposed = steps.expect("stress: disposed");
        match mode {
            "queue" => assert!(
                disposed.contains(gs.id.as_str()) && disposed.ends_with("unread (queue)"),
                "{disposed}"
            ),
            _ => assert!(
                disposed.ends_with("it returned before Dispose: True (callbacks)"),
                "Dispose must wait for the running handler: {disposed}"
            ),
        }
        steps.expect("stress: a new SDK after that works");
    })
}

/// Checks what every run must show, and returns the health check count.
fn check_run(run: &SessionRun, events_thread: &str) -> u64 {
    let out = run.stdout.join("\n");
    // Shown with --nocapture (and on failure).
    println!("{out}\n{}", run.stderr);
    let errors: Vec<&String> = run
        .stdout
        .iter()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert!(
        errors.is_empty(),
        "the host reported errors: {errors:?}\n{out}"
    );
    for bad in [
        "Unhandled Exception",
        "a handler threw",
        "a callback failed",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "{bad} on stderr:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stdout
            .iter()
            .any(|l| l.starts_with(&format!("events on: {events_thread}"))),
        "game session events arrive on the {events_thread}:\n{out}"
    );
    let update = run
        .stdout
        .iter()
        .find(|l| l.starts_with("game session updated:"))
        .expect("an update line");
    assert!(
        update.ends_with(&format!("(on {events_thread})")),
        "{update}"
    );
    assert!(
        run.stdout
            .iter()
            .any(|l| l.starts_with("updated player: ") && l.ends_with(" player player-4")),
        "the update's matchmaker data has the newcomer:\n{out}"
    );
    // The error path: code and message both arrive (the made-up session is refused).
    let expected = run
        .stdout
        .iter()
        .find(|l| l.starts_with("expected error: accept_player_session code "))
        .unwrap_or_else(|| panic!("no expected error line:\n{out}"));
    let message = expected.split_once("): ").map(|(_, m)| m).unwrap_or("");
    assert!(
        !message.is_empty(),
        "the exception carries the library's message: {expected}"
    );

    let stats = run
        .stdout
        .iter()
        .find(|l| l.starts_with("health checks: "))
        .unwrap_or_else(|| panic!("no statistics line:\n{out}"));
    let number = |name: &str| -> u64 {
        stats
            .split(", ")
            .find_map(|part| part.strip_prefix(name))
            .and_then(|n| n.trim_start_matches(": ").parse().ok())
            .unwrap_or_else(|| panic!("{name} in {stats}"))
    };
    assert_eq!(
        number("late callbacks"),
        0,
        "no handler after Dispose: {stats}"
    );
    assert_eq!(
        number("orphaned callbacks"),
        0,
        "no callback for a collected SDK: {stats}"
    );
    let checks = number("health checks");
    // The host plays on until 50 (samples/csharp/SampleServer.cs, MinHealthChecks).
    assert!(
        checks >= 50,
        "many health checks crossed the boundary: {stats}"
    );
    assert!(number("forced GCs") >= checks, "{stats}");
    checks
}

#[test]
fn csharp_host_runs_a_whole_session_with_callbacks_on_the_sdk_thread() {
    if !mono_available() {
        return;
    }
    let start = Instant::now();
    let run = session("callbacks");
    let checks = check_run(&run, "SDK thread");
    println!(
        "C# host (callbacks): {checks} health checks, {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

#[test]
fn csharp_host_runs_a_whole_session_polling_from_its_own_loop() {
    if !mono_available() {
        return;
    }
    let start = Instant::now();
    let run = session("queue");
    let checks = check_run(&run, "main thread");
    println!(
        "C# host (queue): {checks} health checks, {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

/// The thin Unity component compiles against the binding (UnityEngine's few types it uses
/// come from a stand-in: `tests/csharp/UnityEngineStub.cs`).
#[test]
fn the_unity_component_compiles_against_the_binding() {
    if !mono_available() {
        return;
    }
    let root = repo_root();
    let out = library_dir().join(format!("mono-unity-component.{}.dll", std::process::id()));
    let result = Command::new("mcs")
        .args(["-target:library", "-warnaserror+", "-nologo"])
        .arg(format!("-out:{}", out.display()))
        .arg(root.join("samples/unity/Binding/Playfield.cs"))
        .arg(root.join("samples/unity/Binding/PlayfieldSdk.cs"))
        .arg(root.join("samples/unity/PlayfieldServer.cs"))
        .arg(root.join("ffi/tests/csharp/UnityEngineStub.cs"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run mcs: {e}"));
    let _ = std::fs::remove_file(&out);
    assert!(
        result.status.success(),
        "mcs failed to build PlayfieldServer.cs:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}
