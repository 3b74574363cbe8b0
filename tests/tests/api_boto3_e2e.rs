//! The service API end to end with boto3 (awsJson1_1) as the game backend and our server
//! SDK as the game server: the scenario and error paths of `api_sdk_e2e.rs`, as a Python
//! backend sees them.
//!
//! boto3 comes from a virtualenv the test sets up itself (see `support/boto3.rs`); it needs
//! `python3` and, on first run, PyPI.

use crate::support::boto3;
use crate::support::game_server;

use boto3::{assert_error, boto3, one, python};
use game_server::{ready_server, started_session};
use playfield::api::auth::AccessKey;
use playfield_core::CoreConfig;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_backend_and_sdk_server_play_a_session() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let daemon = TestDaemon::start().await;
        let sdk = ready_server(&daemon, FLEET, "proc-boto3").await;

        let created = one(
            &daemon,
            "create_game_session",
            json!({"FleetId": FLEET, "MaximumPlayerSessionCount": 4, "Name": "duel",
                   "IdempotencyToken": "match-1",
                   "GameProperties": [{"Key": "mode", "Value": "ctf"}]}),
        )
        .await;
        let gs = &created["GameSession"];
        let id = gs["GameSessionId"]
            .as_str()
            .expect("GameSessionId")
            .to_string();
        assert_eq!(
            id,
            "arn:aws:gamelift:us-west-2::gamesession/fleet-test/match-1"
        );
        assert_eq!(gs["Status"], "ACTIVATING");
        assert_eq!(gs["CreationTime"], json!((daemon.now() / 1000) as f64));
        assert_eq!(gs["Location"], "custom-test");

        let started = started_session(&sdk).await;
        assert_eq!(started.game_session_id, id);
        assert_eq!(started.name, "duel");
        sdk.activate_game_session().await.expect("activate");

        let r = one(
            &daemon,
            "create_player_sessions",
            json!({"GameSessionId": id, "PlayerIds": ["alice", "bob"],
                   "PlayerDataMap": {"alice": "team=red"}}),
        )
        .await;
        let reserved = r["PlayerSessions"].as_array().expect("PlayerSessions");
        assert_eq!(reserved.len(), 2);
        assert_eq!(reserved[0]["Status"], "RESERVED");
        assert_eq!(reserved[0]["PlayerData"], "team=red");
        let alice = reserved[0]["PlayerSessionId"].as_str().unwrap();
        let bob = reserved[1]["PlayerSessionId"].as_str().unwrap();
        assert!(alice.starts_with("psess-"));
        sdk.accept_player_session(alice)
            .await
            .expect("accept alice");
        sdk.accept_player_session(bob).await.expect("accept bob");
        sdk.remove_player_session(bob).await.expect("remove bob");

        let results = boto3(
            &daemon,
            "AKIDLOCAL",
            json!([
                ["describe_player_sessions", {"GameSessionId": id}],
                ["describe_game_sessions", {"FleetId": FLEET, "StatusFilter": "ACTIVE"}],
                ["search_game_sessions", {"FleetId": FLEET,
                    "FilterExpression": "hasAvailablePlayerSessions = true",
                    "SortExpression": "playerSessionCount DESC"}],
                ["update_game_session", {"GameSessionId": id,
                    "PlayerSessionCreationPolicy": "DENY_ALL"}],
                ["create_player_session", {"GameSessionId": id, "PlayerId": "carol"}],
                ["list_fleets", {}],
            ]),
        )
        .await;
        let players: Vec<(&str, &str)> = results[0]["PlayerSessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["PlayerId"].as_str().unwrap(),
                    p["Status"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(players, vec![("alice", "ACTIVE"), ("bob", "COMPLETED")]);
        let described = &results[1]["GameSessions"][0];
        assert_eq!(described["Status"], "ACTIVE");
        assert_eq!(described["CurrentPlayerSessionCount"], 1);
        assert_eq!(results[2]["GameSessions"][0]["GameSessionId"], id);
        assert_eq!(
            results[3]["GameSession"]["PlayerSessionCreationPolicy"],
            "DENY_ALL"
        );
        assert_error(&results[4], "InvalidGameSessionStatusException", "DENY_ALL");
        assert_eq!(results[5]["FleetIds"], json!([FLEET]));
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sees_each_error_typed() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let daemon = TestDaemon::start().await;
        let gone = "arn:aws:gamelift:us-west-2::gamesession/fleet-test/gone";
        let before_server = boto3(
            &daemon,
            "AKIDLOCAL",
            json!([
                ["create_game_session", {"FleetId": "fleet-nope", "MaximumPlayerSessionCount": 2}],
                ["describe_game_sessions", {"GameSessionId": gone}],
                ["describe_player_sessions", {"PlayerSessionId": "psess-nope"}],
                ["create_game_session", {"FleetId": FLEET, "MaximumPlayerSessionCount": 2}],
                ["create_fleet", {"Name": "ec2"}],
                ["search_game_sessions", {"FleetId": FLEET, "FilterExpression": "playerSessionCount >"}],
                ["describe_player_sessions", {}],
                ["create_game_session", {"AliasId": "alias-1", "MaximumPlayerSessionCount": 2}],
                ["create_location", {"LocationName": "custom-office"}],
                ["create_location", {"LocationName": "custom-office"}],
                ["describe_compute", {"FleetId": FLEET, "ComputeName": "no-such-host"}],
                ["terminate_game_session", {"GameSessionId": gone, "TerminationMode": "TRIGGER_ON_PROCESS_TERMINATE"}],
            ]),
        )
        .await;
        assert_error(&before_server[0], "NotFoundException", "fleet-nope");
        assert_error(&before_server[1], "NotFoundException", gone);
        assert_error(&before_server[2], "NotFoundException", "psess-nope");
        assert_error(&before_server[3], "FleetCapacityExceededException", FLEET);
        assert_error(&before_server[4], "InvalidRequestException", "ANYWHERE");
        assert_error(&before_server[5], "InvalidRequestException", "FilterExpression");
        assert_error(&before_server[6], "InvalidRequestException", "exactly one");
        assert_error(&before_server[7], "InvalidRequestException", "aliases");
        assert_eq!(before_server[8]["Location"]["LocationName"], "custom-office");
        assert_error(&before_server[9], "ConflictException", "custom-office");
        assert_error(&before_server[10], "NotFoundException", "no-such-host");
        assert_error(&before_server[11], "NotFoundException", gone);

        let sdk = ready_server(&daemon, FLEET, "proc-boto3-err").await;
        let created = one(
            &daemon,
            "create_game_session",
            json!({"FleetId": FLEET, "MaximumPlayerSessionCount": 1}),
        )
        .await;
        let id = created["GameSession"]["GameSessionId"].as_str().unwrap().to_string();
        started_session(&sdk).await;
        let activating = one(
            &daemon,
            "create_player_session",
            json!({"GameSessionId": id, "PlayerId": "early"}),
        )
        .await;
        assert_error(&activating, "InvalidGameSessionStatusException", "ACTIVATING");
        sdk.activate_game_session().await.unwrap();
        let full = one(
            &daemon,
            "create_player_sessions",
            json!({"GameSessionId": id, "PlayerIds": ["a", "b"]}),
        )
        .await;
        assert_error(&full, "GameSessionFullException", "full");

        let ended = boto3(
            &daemon,
            "AKIDLOCAL",
            json!([
                ["terminate_game_session", {"GameSessionId": id, "TerminationMode": "FORCE_TERMINATE"}],
                ["terminate_game_session", {"GameSessionId": id, "TerminationMode": "FORCE_TERMINATE"}],
                ["terminate_game_session", {"GameSessionId": gone, "TerminationMode": "FORCE_TERMINATE"}],
            ]),
        )
        .await;
        assert_eq!(ended[0]["GameSession"]["Status"], "TERMINATED");
        assert_eq!(ended[0]["GameSession"]["StatusReason"], "FORCE_TERMINATED");
        assert_error(&ended[1], "InvalidGameSessionStatusException", "TERMINATED");
        assert_error(&ended[2], "NotFoundException", gone);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_with_auth_on_needs_a_configured_key() {
    tokio::task::spawn_blocking(python).await.unwrap();
    bounded(async {
        let daemon = TestDaemon::start_configured(CoreConfig::default(), |cfg| {
            cfg.api_access_keys = vec![AccessKey::new("AKIDTEAM", "secret")];
        })
        .await;
        let r = boto3(&daemon, "AKIDSTRANGER", json!([["list_fleets", {}]])).await;
        assert_error(&r[0], "UnauthorizedException", "AKIDSTRANGER");
        let r = boto3(&daemon, "AKIDTEAM", json!([["list_fleets", {}]])).await;
        assert_eq!(r[0]["FleetIds"], json!([FLEET]));
        // Issue 15 finding 2: the signature is verified, not only the key id.
        let r = boto3(&daemon, "AKIDTEAM:wrong", json!([["list_fleets", {}]])).await;
        // A common AWS error, not one of the model's classes: boto3 raises a plain ClientError.
        assert_eq!(
            r[0]["Error"]["Code"], "InvalidSignatureException",
            "{}",
            r[0]
        );
        let message = r[0]["Error"]["Message"].as_str().unwrap();
        assert!(message.contains("does not match"), "{message}");
    })
    .await
}

/// The AWS CLI signs as boto3 does (botocore) and works under `[auth] required` with the
/// configured secret. Skipped, saying so, where no `aws` command is installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_with_auth_on_signs_with_the_configured_secret() {
    if std::process::Command::new("aws")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `aws` command on PATH");
        return;
    }
    bounded(async {
        let daemon = TestDaemon::start_configured(CoreConfig::default(), |cfg| {
            cfg.api_access_keys = vec![AccessKey::new("AKIDTEAM", "team-secret")];
        })
        .await;
        let run = |secret: &'static str| {
            let endpoint = daemon.api_url();
            tokio::task::spawn_blocking(move || {
                std::process::Command::new("aws")
                    .args(["gamelift", "list-fleets", "--output", "json"])
                    .args(["--endpoint-url", &endpoint, "--region", "us-west-2"])
                    .env("AWS_ACCESS_KEY_ID", "AKIDTEAM")
                    .env("AWS_SECRET_ACCESS_KEY", secret)
                    .env("AWS_CONFIG_FILE", "/nonexistent")
                    .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
                    .env_remove("AWS_PROFILE")
                    .env_remove("AWS_SESSION_TOKEN")
                    .env_remove("AWS_ENDPOINT_URL")
                    .env_remove("AWS_ENDPOINT_URL_GAMELIFT")
                    .output()
                    .expect("aws runs")
            })
        };
        let ok = run("team-secret").await.unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let out: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
        assert_eq!(out["FleetIds"], json!([FLEET]));
        let bad = run("wrong").await.unwrap();
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(err.contains("InvalidSignatureException"), "{err}");
    })
    .await
}
