//! The C and C++ sample servers, built with the system compilers against the built library,
//! each run through a whole game session against an in-process daemon, and again under
//! valgrind (required: `.ci/run` installs it where it is missing).

use crate::native::daemon::{require_valgrind, run_session, under_valgrind};
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
    let run = run_session(&[exe, "7777", "120"], "proc-c");
    assert!(run.stdout.iter().any(|l| l == "bye"));
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
    let run = run_session(&[exe, "7777", "120"], "proc-cpp");
    assert!(run.stdout.iter().any(|l| l == "bye"));
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
