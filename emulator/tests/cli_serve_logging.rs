//! `playfield serve`'s log as a person or a collector reads it (issue 17 item 5):
//! `--log-format pretty|json`, `--log-level`, and no colour codes when the output is not a
//! terminal (here: a pipe) or `NO_COLOR` is set.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(30);

/// Runs `playfield <args> serve` on free ports until its service API answers, stops it with
/// SIGTERM and returns every line it printed.
fn serve_log(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    // A free port for the API, found by binding it (and letting it go) here, so that readiness
    // does not depend on what the log level lets through.
    let api = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_playfield"));
    cmd.args(args)
        .args([
            "serve",
            "--api-listen",
            &api.to_string(),
            "--ws-listen",
            "127.0.0.1:0",
            "--wss-listen",
            "127.0.0.1:0",
        ])
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("playfield starts");
    let (tx, lines) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    drop(tx);
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + BOUND;
    while std::net::TcpStream::connect(api).is_err() {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let seen: Vec<String> = lines.try_iter().collect();
            panic!("the API never listened:\n{}", seen.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-s", "TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    while let Ok(line) = lines.recv_timeout(BOUND) {
        seen.push(line);
    }
    let _ = child.wait();
    seen
}

/// Not a terminal: plain text, no ANSI escapes, even without NO_COLOR.
#[test]
fn piped_output_has_no_colour_codes() {
    let log = serve_log(&[], &[]);
    let text = log.join("\n");
    assert!(
        !text.contains('\u{1b}'),
        "colour codes in a pipe:\n{text:?}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains(" INFO ") && l.contains("service API")),
        "{text}"
    );
}

/// `--log-format json`: every line is one JSON object with the time, level, target and
/// message.
#[test]
fn json_format_writes_one_object_per_line() {
    let log = serve_log(&["--log-format", "json"], &[]);
    let mut messages = Vec::new();
    for line in &log {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        for key in ["timestamp", "level", "target", "message"] {
            assert!(v.get(key).is_some(), "no {key}: {line}");
        }
        messages.push(v["message"].as_str().unwrap_or_default().to_owned());
    }
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("service API: http://")),
        "{log:?}"
    );
}

/// `--log-level warn` wins over RUST_LOG: no INFO line; RUST_LOG alone is still honoured.
#[test]
fn log_level_flag_and_rust_log() {
    let quiet = serve_log(
        &["--log-level", "warn"],
        &[("RUST_LOG", "debug"), ("NO_COLOR", "1")],
    );
    assert!(
        quiet.iter().all(|l| !l.contains(" INFO ")),
        "{}",
        quiet.join("\n")
    );
    let debug = serve_log(&[], &[("RUST_LOG", "debug")]);
    assert!(
        debug.iter().any(|l| l.contains("DEBUG")),
        "{}",
        debug.join("\n")
    );
}
