//! `playfield serve` as a user runs it: Ctrl-C ends it gracefully, a second Ctrl-C at once.
//!
//! The daemon binary is started on free ports; a raw WebSocket game server connects and calls
//! ProcessReady. Ctrl-C (SIGINT) must reach the game server as TerminateProcess
//! (sdk-wire-protocol.md §4.3); the daemon then waits for ProcessEnding. The tests wait only for
//! I/O (log lines, messages, exit), each bounded.

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const BOUND: Duration = Duration::from_secs(20);

/// A running `playfield serve` and the lines it logs.
struct Serve {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Serve {
    fn start() -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_playfield"))
            .args([
                "serve",
                "--api-listen",
                "127.0.0.1:0",
                "--ws-listen",
                "127.0.0.1:0",
                "--wss-listen",
                "127.0.0.1:0",
                "--shutdown-grace",
                "30",
            ])
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
        Serve { child, lines }
    }

    /// Waits for a log line containing `needle`; returns it.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => continue,
                Err(_) => panic!("playfield never logged {needle:?}"),
            }
        }
    }

    fn ctrl_c(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
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
