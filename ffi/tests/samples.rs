//! The C and C++ sample servers, built with the system compilers against the built library,
//! each run through a whole game session against an in-process daemon, and again under
//! valgrind (required: `.ci/run` installs it where it is missing).

use crate::native::daemon::{
    require_valgrind, run_launched, run_session, run_until_sigterm, under_valgrind,
};
use crate::native::{build, repo_root, Lang};
use std::path::PathBuf;

fn c_sample() -> PathBuf {
    build(
        "sample_server_c",
        Lang::C,
        &[repo_root().join("samples/c/sample_server.c")],
        &[],
    )
}

#[test]
fn c_sample_hosts_a_whole_game_session() {
    let exe = c_sample();
    let exe = exe.to_str().expect("UTF-8 path");
    let run = run_session(
        &[exe, "--port", "7777", "--session-seconds", "120"],
        "proc-c",
    );
    assert!(run.stdout.iter().any(|l| l == "bye"));
}

/// Issue 17 item 6: launched with `--port {port}`, the sample reports its own port in
/// ProcessReady; one launched slot hosts game session after game session (a fresh process each
/// time, on the same port, as server SDK 5 has it), and its last process ends cleanly when
/// told to.
#[test]
fn c_sample_launched_hosts_game_sessions_on_its_own_port() {
    run_launched(&c_sample(), 7790);
}

/// SIGTERM (or Ctrl-C) while waiting for a game session: ProcessEnding, destroy, exit 0.
#[test]
fn c_sample_ends_cleanly_on_sigterm() {
    let exe = c_sample();
    let exe = exe.to_str().expect("UTF-8 path");
    let port = run_until_sigterm(&[exe, "--port", "7795"], "proc-c-sigterm");
    assert_eq!(port, Some(7795), "the port given on the command line");
}

#[test]
fn c_sample_is_clean_under_valgrind() {
    let exe = c_sample();
    require_valgrind();
    let command = under_valgrind(&exe);
    let command: Vec<&str> = command.iter().map(String::as_str).collect();
    let run = run_session(&command, "proc-c-valgrind");
    assert!(
        run.stderr.contains("ERROR SUMMARY: 0 errors"),
        "valgrind reported errors:\n{}",
        run.stderr
    );
    println!("{}", run.stderr);
}

fn cpp_sample() -> PathBuf {
    build(
        "sample_server_cpp",
        Lang::Cpp,
        &[repo_root().join("samples/cpp/sample_server.cpp")],
        &[repo_root().join("samples/cpp")],
    )
}

#[test]
fn cpp_sample_hosts_a_whole_game_session_with_callbacks() {
    let exe = cpp_sample();
    let exe = exe.to_str().expect("UTF-8 path");
    let run = run_session(
        &[exe, "--port", "7777", "--session-seconds", "120"],
        "proc-cpp",
    );
    assert!(run.stdout.iter().any(|l| l == "bye"));
}

/// As [`c_sample_launched_hosts_game_sessions_on_its_own_port`], with callbacks.
#[test]
fn cpp_sample_launched_hosts_game_sessions_on_its_own_port() {
    run_launched(&cpp_sample(), 7800);
}

#[test]
fn cpp_sample_ends_cleanly_on_sigterm() {
    let exe = cpp_sample();
    let exe = exe.to_str().expect("UTF-8 path");
    let port = run_until_sigterm(&[exe, "--port", "7805"], "proc-cpp-sigterm");
    assert_eq!(port, Some(7805), "the port given on the command line");
}

/// The callbacks path (SDK threads calling into C++ and back into the library) under
/// valgrind too.
#[test]
fn cpp_sample_is_clean_under_valgrind() {
    let exe = cpp_sample();
    require_valgrind();
    let command = under_valgrind(&exe);
    let command: Vec<&str> = command.iter().map(String::as_str).collect();
    let run = run_session(&command, "proc-cpp-valgrind");
    assert!(
        run.stderr.contains("ERROR SUMMARY: 0 errors"),
        "valgrind reported errors:\n{}",
        run.stderr
    );
}
