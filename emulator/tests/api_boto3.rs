//! End to end with boto3 (awsJson1_1) against the API listener on loopback.
//!
//! The test sets up what it needs: a virtualenv under the target directory
//! (`$CARGO_TARGET_TMPDIR/boto3-venv`) with boto3 from PyPI, created once and
//! reused while `import boto3` works. It needs `python3` with the `venv`
//! module and network access to PyPI on first run; without them it fails with
//! a message saying so (it never skips silently).

#[path = "support/api_handlers.rs"]
mod handlers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

/// boto3 versions known to speak awsJson1_1 to GameLift (all of 1.x do).
const BOTO3_REQUIREMENT: &str = "boto3>=1.34,<2";

fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.output()
        .unwrap_or_else(|e| panic!("could not run {shown}: {e}"))
}

fn require_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Python with boto3, set up on first use.
fn boto3_python() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("boto3-venv");
    let python = venv.join("bin").join("python");
    let has_boto3 = |p: &Path| {
        Command::new(p)
            .args(["-c", "import boto3"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if has_boto3(&python) {
        return python;
    }
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "python3 is required by this test (it drives the API with boto3) but was not found on PATH; \
             install python3 with the venv module"
        ),
    }
    let _ = std::fs::remove_dir_all(&venv);
    let out = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    require_success(
        "python3 -m venv (is the python3-venv package installed?)",
        &out,
    );
    let out = run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        BOTO3_REQUIREMENT,
    ]));
    require_success("pip install boto3 (is PyPI reachable?)", &out);
    assert!(has_boto3(&python), "boto3 installed but cannot be imported");
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_talks_to_the_api() {
    let python = tokio::task::spawn_blocking(boto3_python).await.unwrap();
    let addr = handlers::start_server(None).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/api_boto3.py");
    let out = tokio::task::spawn_blocking(move || {
        run(Command::new(python)
            .arg(script)
            .arg(format!("http://{addr}"))
            // Keep a developer's own AWS setup out of the test.
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_GAMELIFT"))
    })
    .await
    .unwrap();
    require_success("tests/python/api_boto3.py", &out);
    let r: Value = serde_json::from_slice(&out.stdout).expect("script prints one JSON object");

    assert_eq!(r["protocol"], "json");

    let d = &r["describe"];
    assert_eq!(d["count"], 2);
    assert_eq!(d["creation_time"], json!(handlers::CREATION_TIME));
    assert_eq!(d["status"], "ACTIVE");
    assert_eq!(d["port"], 7777);
    assert_eq!(d["properties"], json!([{"Key": "mode", "Value": "ranked"}]));
    assert_eq!(d["request_id"].as_str().unwrap().len(), 36);

    assert_eq!(
        r["not_found"],
        json!({"class": "NotFoundException", "code": "NotFoundException",
               "message": "No game session with ID gs-missing", "status": 400})
    );
    assert_eq!(r["not_found_is_typed"], true);
    assert_eq!(r["valid"], true);

    let t = &r["ticket"];
    assert_eq!(t["status"], "QUEUED");
    assert_eq!(t["start_time"], json!(handlers::CREATION_TIME));
    let attrs = &t["players"][0]["PlayerAttributes"];
    assert_eq!(attrs["skill"]["N"].as_f64(), Some(10.0));
    assert_eq!(attrs["maps"]["SDM"]["dust"].as_f64(), Some(1.0));
    assert_eq!(attrs["maps"]["SDM"]["nuke"].as_f64(), Some(0.5));
    assert_eq!(t["players"][0]["LatencyInMs"]["us-west-2"], 42);

    assert_eq!(r["latency"].as_f64(), Some(12.5));
    assert_eq!(r["delete_keys"], json!([]));

    let m = &r["missing_required"];
    assert_eq!(m["class"], "InvalidRequestException");
    assert_eq!(m["status"], 400);
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .contains("'maximumPlayerSessionCount'"),
        "{m}"
    );

    let u = &r["unimplemented"];
    assert_eq!(u["code"], "UnknownOperationException");
    assert!(
        u["message"]
            .as_str()
            .unwrap()
            .contains("DescribeFleetAttributes"),
        "{u}"
    );
}
