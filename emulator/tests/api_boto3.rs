//! End to end with boto3 (awsJson1_1) against the API listener on loopback.
//!
//! The test sets up what it needs: a virtualenv under the target directory
//! (`$CARGO_TARGET_TMPDIR/boto3-venv`) with boto3 from PyPI, created once and
//! reused while `import boto3` works (without the `venv` module it falls back
//! to `pip install --target`). It needs `python3` and network access to PyPI
//! on first run; without them it fails with a message saying so (it never
//! skips silently).

use crate::support::api_handlers as handlers;
use crate::support::boto3_venv;

use boto3_venv::{boto3_python, require_success, run};

use std::path::Path;

use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_talks_to_the_api() {
    let python = tokio::task::spawn_blocking(boto3_python).await.unwrap();
    let addr = handlers::start_server(None).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/api_boto3.py");
    let out = tokio::task::spawn_blocking(move || {
        run(python
            .command()
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
