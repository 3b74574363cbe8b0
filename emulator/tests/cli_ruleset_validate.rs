//! `playfield ruleset validate`: exit codes for CI, located errors for people, JSON for tools.

use std::path::{Path, PathBuf};
use std::process::Command;

fn playfield() -> Command {
    Command::new(env!("CARGO_BIN_EXE_playfield"))
}

fn scratch_file(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("playfield-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

const BAD: &str = r#"{
  "name": "bad",
  "ruleLanguageVersion": "1.0",
  "playerAttributes": [{"name": "skill", "type": "number"}],
  "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1}],
  "rules": [
    {"name": "x", "type": "distance", "measurements": ["avg(teams[*].players.attributes[skil])"],
     "referenceValue": 1, "maxDistance": 10},
    {"name": "y", "type": "compound", "statement": "and(x, z)"}
  ]
}"#;

/// Every example rule set of the FlexMatch guide passes, with exit code 0.
#[test]
fn guide_examples_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../flexmatch/tests/rulesets");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 11,
        "the guide has eleven examples, found {}",
        files.len()
    );
    let out = playfield()
        .args(["ruleset", "validate"])
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        stdout.matches(": valid rule set").count(),
        files.len(),
        "{stdout}"
    );
}

/// Each problem is printed as `file:line:column: path: message`; exit code 1.
#[test]
fn invalid_rule_set_is_located_and_exits_1() {
    let bad = scratch_file("bad.json", BAD);
    let out = playfield()
        .args(["ruleset", "validate"])
        .arg(&bad)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let f = bad.display();
    assert!(
        stdout.contains(&format!("{f}:7:"))
            && stdout.contains("rules[0].measurements[0]: unknown attribute \"skil\""),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{f}:9:"))
            && stdout.contains("rules[1].statement: unknown rule \"z\""),
        "{stdout}"
    );
    assert!(stdout.contains("invalid rule set, 2 problems"), "{stdout}");
}

/// `--json`: one report per file with path, line, column and message.
#[test]
fn json_report_for_tools() {
    let bad = scratch_file("bad-json.json", BAD);
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/rulesets/1v1.json");
    let out = playfield()
        .args(["ruleset", "validate", "--json"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(reports[0]["valid"], true);
    assert_eq!(reports[0]["name"], "one-versus-one");
    assert_eq!(reports[1]["valid"], false);
    let first = &reports[1]["errors"][0];
    assert_eq!(first["path"], "rules[0].measurements[0]");
    assert_eq!(first["line"], 7);
    assert_eq!(
        first["message"],
        "unknown attribute \"skil\" (did you mean \"skill\"?)"
    );
}

/// A file that cannot be read is named, and exit code 2 tells CI it is not a rule set problem.
#[test]
fn unreadable_file_exits_2() {
    let out = playfield()
        .args(["ruleset", "validate", "/no/such/rules.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("/no/such/rules.json: cannot read the file")
    );
}

/// No file at all is a usage error from the argument parser, not a silent success.
#[test]
fn no_files_is_a_usage_error() {
    let out = playfield().args(["ruleset", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<FILE>"));
}

/// The README's example is real: `samples/rulesets/misspelt.json` has the mistake the README
/// shows, and the validator prints exactly the README's text for it (issue 17 item 7).
#[test]
fn readme_example_output_is_what_the_validator_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = "cargo run -p playfield -- ruleset validate samples/rulesets/misspelt.json";
    let at = readme
        .find(command)
        .unwrap_or_else(|| panic!("README.md shows `{command}`"));
    let after = &readme[at..];
    let start = after
        .find("```text\n")
        .map(|i| i + "```text\n".len())
        .expect("a ```text block with the output follows the command");
    let len = after[start..].find("```").expect("the output block ends");
    let shown = &after[start..start + len];
    assert!(
        after[..start].contains("exit code 1"),
        "the README gives the exit code"
    );

    let out = playfield()
        .current_dir(&root)
        .args(["ruleset", "validate", "samples/rulesets/misspelt.json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout, shown,
        "README.md's validate example differs from what the validator prints"
    );
}
