//! `playfield serve` is quiet when nothing is wrong (issue 17 item 4): a notification target
//! nobody listens on is reported once and then summarised, not once per event and attempt, and
//! a clean shutdown (SIGTERM) prints no ERROR line, whatever events were left undelivered.
//!
//! The daemon binary runs on free ports with a configuration whose target is a closed port;
//! tickets are started over the service API (raw HTTP, JSON 1.1 as the AWS CLI sends it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(30);

/// A running `playfield serve` and the lines it prints (stdout and stderr).
struct Serve {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Serve {
    fn start(config: &std::path::Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_playfield"))
            .args(["serve", "--config"])
            .arg(config)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("playfield starts");
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
        Serve {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    fn wait_for(&mut self, needle: &str) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("never logged {needle:?}:\n{}", self.seen.join("\n")));
            self.seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// SIGTERM, then every line once the daemon has exited.
    fn terminate(mut self) -> (Option<i32>, Vec<String>) {
        let status = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + BOUND;
        let code = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s.code();
            }
            assert!(Instant::now() < deadline, "playfield did not exit");
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(BOUND) {
            self.seen.push(line);
        }
        (code, std::mem::take(&mut self.seen))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// One JSON 1.1 call, as the AWS CLI makes it (no credentials: `[auth]` is off).
fn call(api: &str, operation: &str, body: &str) -> String {
    let mut s = TcpStream::connect(api).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {api}\r\nX-Amz-Target: GameLift.{operation}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

fn config_with_unreachable_target(dir: &std::path::Path) -> std::path::PathBuf {
    let rule_set = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/rulesets/1v1.json")
        .canonicalize()
        .unwrap();
    // Port 1 on loopback: nothing listens there, every attempt is refused.
    let text = format!(
        r#"
[listen]
api = "127.0.0.1:0"
ws = "127.0.0.1:0"
wss = "127.0.0.1:0"

[[rule_sets]]
name = "duel"
path = "{}"

[[matchmaking_configurations]]
name = "quiet"
rule_set = "duel"
flex_match_mode = "STANDALONE"
notification_target = "down"

[[notification_targets]]
name = "down"
url = "http://127.0.0.1:1/events"
format = "flexmatch"
"#,
        rule_set.display()
    );
    let file = dir.join("playfield.toml");
    std::fs::write(&file, text).unwrap();
    file
}

/// Issue 17 item 4: "Failures are summarised ... and a clean shutdown prints no errors".
#[test]
fn an_unreachable_target_is_summarised_and_a_clean_shutdown_prints_no_error() {
    let dir = std::env::temp_dir().join(format!("playfield-cli-quiet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut serve = Serve::start(&config_with_unreachable_target(&dir));
    let line = serve.wait_for("service API: http://");
    let api = line[line.find("http://").unwrap() + 7..]
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    // Ten tickets, ten MatchmakingSearching events queued behind a target that refuses them.
    for player in 0..10 {
        let answer = call(
            &api,
            "StartMatchmaking",
            &format!(
                r#"{{"ConfigurationName":"quiet","Players":[{{"PlayerId":"p{player}","PlayerAttributes":{{"skill":{{"N":{}}}}}}}]}}"#,
                1000 + player * 1000
            ),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    serve.wait_for("MatchmakingSearching to down failed (attempt 1");
    let (code, log) = serve.terminate();
    let text = log.join("\n");
    assert_eq!(code, Some(0), "{text}");
    let errors: Vec<&String> = log.iter().filter(|l| l.contains("ERROR")).collect();
    assert!(
        errors.is_empty(),
        "a clean shutdown printed errors:\n{text}"
    );
    // The first failure, and one line at shutdown for the events never delivered; not one
    // per event (ten) or per attempt.
    let warnings: Vec<&String> = log.iter().filter(|l| l.contains("WARN")).collect();
    assert!(warnings.len() <= 3, "{} warnings:\n{text}", warnings.len());
    assert!(
        text.contains("event(s) for down not delivered before shutdown"),
        "{text}"
    );
}
