//! `playfield serve --config`: a launch executable that does not exist is a configuration
//! error when the file loads, naming the file, the line, the fleet and the path, and the
//! daemon exits before it listens, rather than restarting a missing program forever
//! (issue 17 item 2).

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn a_missing_launch_executable_is_a_located_error_at_load() {
    let dir = std::env::temp_dir().join(format!("playfield-cli-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("playfield.toml");
    std::fs::write(
        &file,
        "[[fleets]]\nid = \"fleet-missing\"\nname = \"missing\"\n[fleets.launch]\nexecutable = \"bin/no-such-server\"\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_playfield"))
        .args(["serve", "--config"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(Duration::from_secs(60)) else {
        let _ = Command::new("kill").arg(pid.to_string()).status();
        panic!("the daemon kept running on a configuration whose executable does not exist");
    };
    let out = out.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}{stderr}");
    let expected = format!(
        "{}:5:14: fleets[0].launch.executable: fleet \"fleet-missing\": {} does not exist",
        file.display(),
        dir.join("bin/no-such-server").display()
    );
    assert!(
        stderr.contains(&expected),
        "wanted {expected:?} in\n{stderr}"
    );
    assert!(
        !stdout.contains("listening") && !stderr.contains("listening"),
        "{stdout}{stderr}"
    );
}
