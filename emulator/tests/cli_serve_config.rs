//! `playfield serve --config`: a launch executable that does not exist is a configuration
//! error when the file loads, naming the file, the line, the fleet and the path, and the
//! daemon exits before it listens, rather than restarting a missing program forever
//! (issue 17 item 2).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Runs `playfield serve --config <file>`, which must exit within a minute (killed and failed
/// otherwise, the panic saying the daemon kept running on a configuration `whose ...`); gives
/// its status and output, stdout then stderr, as text.
fn serve_expecting_exit(file: &Path, whose: &str) -> (Output, String, String) {
    serve_with_flags_expecting_exit(file, &[], whose)
}

/// [`serve_expecting_exit`] with more `serve` arguments after `--config <file>`.
fn serve_with_flags_expecting_exit(
    file: &Path,
    flags: &[&str],
    whose: &str,
) -> (Output, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_playfield"))
        .args(["serve", "--config"])
        .arg(file)
        .args(flags)
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
        panic!("the daemon kept running on a configuration {whose}");
    };
    let out = out.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

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
    let (out, stdout, stderr) = serve_expecting_exit(&file, "whose executable does not exist");
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

/// Issue 17 item 6: "A rule set error in the configuration file names the file and the line
/// of the rule set (or its own file), and the daemon exits before printing any 'listening'
/// line."
#[test]
fn an_invalid_rule_set_is_a_located_error_before_anything_listens() {
    let dir = std::env::temp_dir().join(format!("playfield-cli-ruleset-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // "maxPlayers" misspelt on line 4 of the rule set's own file.
    std::fs::write(
        dir.join("broken.json"),
        "{\n  \"ruleLanguageVersion\": \"1.0\",\n  \"teams\": [\n    { \"name\": \"red\", \"minPlayers\": 1, \"maxPlayer\": 1 }\n  ]\n}\n",
    )
    .unwrap();
    let file = dir.join("playfield.toml");
    std::fs::write(
        &file,
        "[listen]\napi = \"127.0.0.1:0\"\nws = \"127.0.0.1:0\"\nwss = \"127.0.0.1:0\"\n\n[[rule_sets]]\nname = \"broken\"\npath = \"broken.json\"\n\n[[matchmaking_configurations]]\nname = \"uses-it\"\nrule_set = \"broken\"\nflex_match_mode = \"STANDALONE\"\n",
    )
    .unwrap();
    let (out, stdout, stderr) = serve_expecting_exit(&file, "whose rule set is invalid");
    assert!(!out.status.success(), "{stdout}{stderr}");
    // This file, the rule set's line, then the rule set's own file and line.
    let expected = format!(
        "{}:8:8: rule_sets[0].path: rule set \"broken\" is invalid: {}:4:",
        file.display(),
        dir.join("broken.json").display()
    );
    assert!(
        stderr.contains(&expected),
        "wanted {expected:?} in\n{stderr}"
    );
    // The configuration naming the rule set does not add an error of its own.
    assert!(!stderr.contains("matchmaking_configurations"), "{stderr}");
    for listening in ["listening", "service API", "game servers"] {
        assert!(
            !stdout.contains(listening) && !stderr.contains(listening),
            "{stdout}{stderr}"
        );
    }
}

/// `--ws-listen` replaces the file's `listen.ws`, so a fleet's `port_range` holding the flag's
/// port is refused when the file loads, the error naming the flag, before anything listens:
/// otherwise a game server would be given the port the daemon's own listener holds.
#[test]
fn a_listen_flag_inside_a_port_range_is_refused_naming_the_flag() {
    let dir = std::env::temp_dir().join(format!("playfield-cli-listen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("playfield.toml");
    std::fs::write(
        &file,
        "[listen]\napi = \"127.0.0.1:0\"\nws = \"127.0.0.1:0\"\nwss = \"127.0.0.1:0\"\n\n[[fleets]]\nid = \"fleet-x\"\nname = \"x\"\n[fleets.launch]\nexecutable = \"/bin/sh\"\narguments = [\"-c\", \"sleep 30\", \"{port}\"]\nport_range = [7000, 7099]\n",
    )
    .unwrap();
    let (out, stdout, stderr) = serve_with_flags_expecting_exit(
        &file,
        &["--ws-listen", "127.0.0.1:7005"],
        "whose port_range holds the --ws-listen port",
    );
    assert!(!out.status.success(), "{stdout}{stderr}");
    let expected = format!(
        "{}:12:14: fleets[0].launch.port_range: fleet \"x\"'s port_range [7000, 7099] (line 12) \
         holds a port the daemon listens on itself (--ws-listen 127.0.0.1:7005 on the command line)",
        file.display()
    );
    assert!(
        stderr.contains(&expected),
        "wanted {expected:?} in\n{stderr}"
    );
    assert!(
        stderr.contains("give --ws-listen a port outside [7000, 7099]"),
        "{stderr}"
    );
    for listening in ["listening", "service API", "game servers"] {
        assert!(
            !stdout.contains(listening) && !stderr.contains(listening),
            "{stdout}{stderr}"
        );
    }
}
