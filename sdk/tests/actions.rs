//! Every outbound action against the fake service: the exact JSON keys the SDK sends (§3),
//! how replies are read, and how error replies map to typed errors (§2.3).

use crate::support::*;
use playfield_sdk::model::{
    AttributeValue, Player, PlayerSessionCreationPolicy, PlayerSessionStatus,
};
use playfield_sdk::request::{
    DescribePlayerSessionsRequest, GetFleetRoleCredentialsRequest, StartMatchBackfillRequest,
    StopMatchBackfillRequest,
};
use playfield_sdk::{Error, ProcessParameters, ServerSdk};
use serde_json::json;
use std::time::Duration;

/// §3.1: `ActivateServerProcess` carries SdkVersion, SdkLanguage, Port and LogPaths, with a
/// UUIDv4 RequestId; no StatusCode goes out (§2.1).
#[tokio::test]
async fn activate_server_process_shape() {
    let (sdk, _service, mut conn) = connected(options()).await;
    let process = ProcessParameters::new(7777).log_paths(["/local/game/logs"]);
    let (req, result) = answer(&mut conn, "ActivateServerProcess", json!({}), {
        let sdk = sdk.clone();
        async move { sdk.process_ready(process).await }
    })
    .await;
    result.unwrap();
    assert_eq!(
        keys(&req),
        [
            "Action",
            "LogPaths",
            "Port",
            "RequestId",
            "SdkLanguage",
            "SdkVersion"
        ]
    );
    assert!(is_uuid_v4(&req["RequestId"]));
    assert_eq!(req["SdkVersion"], "5.6.0");
    assert_eq!(req["SdkLanguage"], "Go");
    assert_eq!(req["Port"], 7777);
    assert_eq!(req["LogPaths"], json!(["/local/game/logs"]));
}

/// §8.1: Port must be in 1..60000 (Go) — checked before anything is sent.
#[tokio::test]
async fn process_ready_rejects_bad_ports() {
    let (sdk, _service, mut conn) = connected(options()).await;
    for port in [0, -1, 60001] {
        let e = sdk
            .process_ready(ProcessParameters::new(port))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Validation { field: "Port", .. }), "{e}");
    }
    assert!(conn
        .maybe_request(Duration::from_millis(200))
        .await
        .is_none());
}

/// §7.3–7.5: ActivateGameSession, Accept/RemovePlayerSession and
/// UpdatePlayerSessionCreationPolicy use the stored game session ID.
#[tokio::test]
async fn game_session_actions_use_the_stored_id() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    conn.push_create_game_session().await;
    tokio::time::timeout(WAIT, async {
        while sdk.get_game_session_id().is_err() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap();

    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "ActivateGameSession", json!({}), async move {
        s.activate_game_session().await
    })
    .await;
    r.unwrap();
    assert_eq!(keys(&req), ["Action", "GameSessionId", "RequestId"]);
    assert_eq!(req["GameSessionId"], GAME_SESSION);

    for action in ["AcceptPlayerSession", "RemovePlayerSession"] {
        let s = sdk.clone();
        let (req, r) = answer(&mut conn, action, json!({}), async move {
            if action == "AcceptPlayerSession" {
                s.accept_player_session("psess-5f0e").await
            } else {
                s.remove_player_session("psess-5f0e").await
            }
        })
        .await;
        r.unwrap();
        assert_eq!(
            keys(&req),
            ["Action", "GameSessionId", "PlayerSessionId", "RequestId"]
        );
        assert_eq!(req["GameSessionId"], GAME_SESSION);
        assert_eq!(req["PlayerSessionId"], "psess-5f0e");
    }

    let s = sdk.clone();
    let (req, r) = answer(
        &mut conn,
        "UpdatePlayerSessionCreationPolicy",
        json!({}),
        async move {
            s.update_player_session_creation_policy(PlayerSessionCreationPolicy::DenyAll)
                .await
        },
    )
    .await;
    r.unwrap();
    assert_eq!(
        keys(&req),
        [
            "Action",
            "GameSessionId",
            "PlayerSessionPolicy",
            "RequestId"
        ]
    );
    assert_eq!(req["PlayerSessionPolicy"], "DENY_ALL");

    // §9 row 23: NOT_SET is rejected locally; §7.5: bad player session IDs too.
    let e = sdk
        .update_player_session_creation_policy(PlayerSessionCreationPolicy::NotSet)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e}");
    let e = sdk.accept_player_session("psess_bad").await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Validation {
                field: "PlayerSessionId",
                ..
            }
        ),
        "{e}"
    );
}

/// §7.2–7.7: calls made too early fail locally with the right error.
#[tokio::test]
async fn preconditions() {
    let sdk = ServerSdk::with_options(options());
    assert_eq!(
        sdk.activate_game_session().await,
        Err(Error::NotInitialized)
    );
    assert_eq!(sdk.get_game_session_id(), Err(Error::NotInitialized));
    assert_eq!(sdk.process_ending().await, Err(Error::NotInitialized));
    assert_eq!(
        sdk.destroy().await,
        Ok(()),
        "destroy before init is a no-op (Go)"
    );

    let (sdk, service, mut conn) = connected(options()).await;
    assert_eq!(
        sdk.init(params(&service.url())).await,
        Err(Error::AlreadyInitialized)
    );
    assert_eq!(
        sdk.activate_game_session().await,
        Err(Error::ProcessNotReady)
    );
    assert_eq!(
        sdk.describe_player_sessions(DescribePlayerSessionsRequest::for_player("p"))
            .await,
        Err(Error::ProcessNotReady)
    );
    assert_eq!(
        sdk.get_compute_certificate().await,
        Err(Error::ProcessNotReady)
    );
    make_ready(&sdk, &mut conn, ProcessParameters::new(7777)).await;
    assert_eq!(
        sdk.activate_game_session().await,
        Err(Error::GameSessionIdNotSet)
    );
    assert_eq!(
        sdk.accept_player_session("psess-1").await,
        Err(Error::GameSessionIdNotSet)
    );
    assert_eq!(sdk.get_game_session_id(), Err(Error::GameSessionIdNotSet));
    assert_eq!(
        sdk.get_termination_time(),
        Err(Error::TerminationTimeNotSet)
    );
}

/// §3.6: request keys left out when empty; reply read into typed player sessions.
#[tokio::test]
async fn describe_player_sessions() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let s = sdk.clone();
    let reply = json!({"NextToken": "t-2", "PlayerSessions": [{"PlayerSessionId": "psess-5f0e",
        "PlayerId": "player-1", "GameSessionId": GAME_SESSION, "FleetId": FLEET,
        "CreationTime": 1735689600000i64, "TerminationTime": 0, "Status": "ACTIVE",
        "IpAddress": "10.0.0.5", "Port": 7777, "PlayerData": "{\"lvl\":3}", "DnsName": "ec2"}]});
    let (req, r) = answer(&mut conn, "DescribePlayerSessions", reply, async move {
        s.describe_player_sessions(
            DescribePlayerSessionsRequest::for_game_session(GAME_SESSION)
                .status_filter(PlayerSessionStatus::Active)
                .next_token("t-1")
                .limit(10),
        )
        .await
    })
    .await;
    assert_eq!(
        keys(&req),
        [
            "Action",
            "GameSessionId",
            "Limit",
            "NextToken",
            "PlayerSessionStatusFilter",
            "RequestId"
        ]
    );
    assert_eq!(req["PlayerSessionStatusFilter"], "ACTIVE");
    assert_eq!(req["Limit"], 10);
    let result = r.unwrap();
    assert_eq!(result.next_token.as_deref(), Some("t-2"));
    let ps = &result.player_sessions[0];
    assert_eq!(ps.player_session_id, "psess-5f0e");
    assert_eq!(ps.status, PlayerSessionStatus::Active);
    assert_eq!(ps.creation_time, 1735689600000);
    assert_eq!(ps.player_data, "{\"lvl\":3}");

    // Only one selector is sent; nothing else.
    let s = sdk.clone();
    let (req, r) = answer(
        &mut conn,
        "DescribePlayerSessions",
        json!({"PlayerSessions": null}),
        async move {
            s.describe_player_sessions(DescribePlayerSessionsRequest::for_player("player-1"))
                .await
        },
    )
    .await;
    assert_eq!(keys(&req), ["Action", "PlayerId", "RequestId"]);
    assert_eq!(r.unwrap().player_sessions, vec![]);
}

/// §3.7–3.8: StartMatchBackfill sends `TicketId` even when empty (Go) and the players with
/// typed attributes; StopMatchBackfill sends the three IDs.
#[tokio::test]
async fn match_backfill() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let players = vec![Player::new("player-1")
        .with_team("red")
        .with_attribute("skill", AttributeValue::Double(23.0))
        .with_latency("us-west-2", 42)];
    let s = sdk.clone();
    let (req, r) = answer(
        &mut conn,
        "StartMatchBackfill",
        json!({"TicketId": "b1f6"}),
        async move {
            s.start_match_backfill(StartMatchBackfillRequest::new(
                GAME_SESSION,
                CONFIG_ARN,
                players,
            ))
            .await
        },
    )
    .await;
    assert_eq!(r.unwrap().ticket_id, "b1f6");
    assert_eq!(
        keys(&req),
        [
            "Action",
            "GameSessionArn",
            "MatchmakingConfigurationArn",
            "Players",
            "RequestId",
            "TicketId"
        ]
    );
    assert_eq!(req["TicketId"], "");
    assert_eq!(
        req["Players"],
        json!([{"PlayerId": "player-1", "Team": "red",
            "PlayerAttributes": {"skill": {"AttrType": "DOUBLE", "N": 23.0}},
            "LatencyInMs": {"us-west-2": 42}}])
    );

    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "StopMatchBackfill", json!({}), async move {
        s.stop_match_backfill(StopMatchBackfillRequest::new(
            "b1f6",
            GAME_SESSION,
            CONFIG_ARN,
        ))
        .await
    })
    .await;
    r.unwrap();
    assert_eq!(
        keys(&req),
        [
            "Action",
            "GameSessionArn",
            "MatchmakingConfigurationArn",
            "RequestId",
            "TicketId"
        ]
    );
    assert_eq!(req["TicketId"], "b1f6");

    // §7.14: validated before sending.
    let e = sdk
        .start_match_backfill(StartMatchBackfillRequest::new(
            GAME_SESSION,
            "Duel",
            vec![Player::new("p")],
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Validation {
                field: "MatchmakingConfigurationArn",
                ..
            }
        ),
        "{e}"
    );
}

/// §3.9: ProcessEnding sends `TerminateServerProcess` with no payload; afterwards the process
/// is no longer ready (§7.9).
#[tokio::test]
async fn process_ending() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "TerminateServerProcess", json!({}), async move {
        s.process_ending().await
    })
    .await;
    r.unwrap();
    assert_eq!(keys(&req), ["Action", "RequestId"]);
    assert_eq!(
        sdk.get_compute_certificate().await,
        Err(Error::ProcessNotReady)
    );
}

/// §3.10: GetComputeCertificate.
#[tokio::test]
async fn compute_certificate() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let s = sdk.clone();
    let reply =
        json!({"CertificatePath": "/local/gamemetadata/cert.pem", "ComputeName": "my-host"});
    let (req, r) = answer(&mut conn, "GetComputeCertificate", reply, async move {
        s.get_compute_certificate().await
    })
    .await;
    assert_eq!(keys(&req), ["Action", "RequestId"]);
    let r = r.unwrap();
    assert_eq!(r.certificate_path, "/local/gamemetadata/cert.pem");
    assert_eq!(r.compute_name, "my-host");
}

/// §3.11: default role session name `<fleet>-<host>`; results cached per role ARN while more
/// than 15 minutes from expiry; an empty AccessKeyId means "not on a managed fleet" and every
/// later call fails locally.
#[tokio::test]
async fn fleet_role_credentials() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let role = "arn:aws:iam::123456789012:role/game-role";
    let reply = json!({"AssumedRoleUserArn": "arn:aws:sts::123456789012:assumed-role/game-role/x",
        "AssumedRoleId": "AROA:x", "AccessKeyId": "ASIA1", "SecretAccessKey": "s", "SessionToken": "t",
        "Expiration": now_ms + 3_600_000});
    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "GetFleetRoleCredentials", reply, async move {
        s.get_fleet_role_credentials(GetFleetRoleCredentialsRequest::new(role))
            .await
    })
    .await;
    assert_eq!(
        keys(&req),
        ["Action", "RequestId", "RoleArn", "RoleSessionName"]
    );
    assert_eq!(req["RoleSessionName"], format!("{FLEET}-{HOST}"));
    let first = r.unwrap();
    assert_eq!(first.access_key_id, "ASIA1");
    // Cached: answered without a request.
    let again = sdk
        .get_fleet_role_credentials(GetFleetRoleCredentialsRequest::new(role))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert!(conn
        .maybe_request(Duration::from_millis(200))
        .await
        .is_none());

    // Expiring within 15 minutes: asked again; this time not a managed fleet.
    let other = "arn:aws:iam::123456789012:role/other";
    let s = sdk.clone();
    let (_, r) = answer(
        &mut conn,
        "GetFleetRoleCredentials",
        json!({"AccessKeyId": ""}),
        async move {
            s.get_fleet_role_credentials(GetFleetRoleCredentialsRequest::new(other))
                .await
        },
    )
    .await;
    let e = r.unwrap_err();
    assert!(
        matches!(&e, Error::BadRequest { message, .. } if message.contains("not on a managed fleet")),
        "{e}"
    );
    let e = sdk
        .get_fleet_role_credentials(GetFleetRoleCredentialsRequest::new(other))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest { .. }));
    assert!(conn
        .maybe_request(Duration::from_millis(200))
        .await
        .is_none());
}

/// §2.3: error replies become typed errors carrying ErrorMessage; 201 is an error too.
#[tokio::test]
async fn error_replies_are_typed() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    for (status, want) in [
        (400, "BadRequestException"),
        (404, "NotFoundException"),
        (409, "ConflictException"),
        (201, "InternalServiceException"),
        (503, "InternalServiceException"),
    ] {
        let s = sdk.clone();
        let task = tokio::spawn(async move { s.get_compute_certificate().await });
        let req = conn.expect("GetComputeCertificate").await;
        conn.reply_error(&req, status, "Player session psess-123 is not RESERVED")
            .await;
        let e = task.await.unwrap().unwrap_err();
        assert_eq!(e.name(), want, "status {status}");
        assert!(e.to_string().contains("psess-123 is not RESERVED"), "{e}");
    }
}

/// §1.9: no reply within the request timeout (20 s by default) → ServiceCallFailed/Timeout;
/// ActivateServerProcess waits only 6 s. Paused clock: no real waiting.
#[tokio::test(start_paused = true)]
async fn request_timeouts() {
    let (sdk, _service, mut conn) = connected(options().timeout_reconnect_threshold(0)).await;
    let start = tokio::time::Instant::now();
    let s = sdk.clone();
    let task = tokio::spawn(async move { s.process_ready(ProcessParameters::new(7777)).await });
    conn.expect("ActivateServerProcess").await;
    let e = task.await.unwrap().unwrap_err();
    assert_eq!(
        e,
        Error::Timeout {
            action: "ActivateServerProcess",
            after: Duration::from_secs(6)
        }
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(6) && waited < Duration::from_secs(7),
        "{waited:?}"
    );
    assert_eq!(
        sdk.activate_game_session().await,
        Err(Error::ProcessNotReady)
    );
}
