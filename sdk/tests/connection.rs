//! The connection: URL and query (§1.1–1.2), connect retries (§1.7), reconnects (§1.8–1.9),
//! RefreshConnection (§1.10), replies that arrive late or twice (§10).

mod support;

use playfield_sdk::{Error, ProcessParameters, ServerSdk};
use serde_json::json;
use std::time::Duration;
use support::*;

/// §1.1–1.2: the Go URL: exact parameter names, keys sorted, form-encoded values (`+` in the
/// token travels as `%2B`, a space as `+`), a new UUIDv4 IdempotencyToken, path kept.
#[tokio::test]
async fn connect_url_is_the_go_sdks() {
    let mut service = FakeService::start().await;
    let sdk = ServerSdk::with_options(options());
    let url = format!("{}/sdk/path?dropped=1", service.url());
    sdk.init(params(&url).process_id("proc 1")).await.unwrap();
    let conn = service.next_conn().await;
    assert!(conn.uri.starts_with("/sdk/path?"), "{}", conn.uri);
    let raw: Vec<&str> = conn.raw_query().split('&').collect();
    let names: Vec<&str> = raw.iter().map(|kv| kv.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Authorization",
            "ComputeId",
            "FleetId",
            "IdempotencyToken",
            "pID",
            "sdkLanguage",
            "sdkVersion"
        ]
    );
    assert!(raw.contains(&"Authorization=tok%2Ben%2F1%3D"), "{raw:?}");
    assert!(raw.contains(&"pID=proc+1"), "{raw:?}");
    let q = conn.query();
    assert_eq!(q["Authorization"], TOKEN);
    assert_eq!(q["ComputeId"], HOST);
    assert_eq!(q["FleetId"], FLEET);
    assert_eq!(q["sdkVersion"], "5.6.0");
    assert_eq!(q["sdkLanguage"], "Go");
    assert!(is_uuid_v4(&json!(q["IdempotencyToken"])));

    // A new Connect (init after destroy) makes a new IdempotencyToken.
    sdk.destroy().await.unwrap();
    sdk.init(params(&url)).await.unwrap();
    let again = service.next_conn().await;
    assert_ne!(again.query()["IdempotencyToken"], q["IdempotencyToken"]);
}

/// §1.6 via init: validation errors come back before any dial.
#[tokio::test]
async fn init_validation_errors() {
    let sdk = ServerSdk::with_options(options());
    let field = |e: Error| match e {
        Error::Validation { field, .. } => field,
        other => panic!("{other}"),
    };
    let url = "ws://127.0.0.1:9";
    assert_eq!(
        field(sdk.init(params(url).fleet_id("")).await.unwrap_err()),
        "FleetId"
    );
    assert_eq!(
        field(sdk.init(params(url).host_id("a/b/c")).await.unwrap_err()),
        "HostId"
    );
    assert_eq!(
        field(sdk.init(params(url).auth_token("")).await.unwrap_err()),
        "AuthToken"
    );
    assert_eq!(
        field(sdk.init(params("http://x")).await.unwrap_err()),
        "WebSocketUrl"
    );
    // A failed init leaves the SDK uninitialized.
    assert_eq!(sdk.get_game_session_id(), Err(Error::NotInitialized));
}

/// §1.7: every dial fails → WebsocketConnectFailure after 1 + retries attempts.
#[tokio::test(start_paused = true)]
async fn connect_failure_after_the_schedule() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    drop(listener);
    let sdk = ServerSdk::with_options(options());
    match sdk.init(params(&url)).await.unwrap_err() {
        Error::WebsocketConnectFailure {
            attempts, endpoint, ..
        } => {
            assert_eq!(attempts, 4);
            assert!(!endpoint.contains(TOKEN));
        }
        other => panic!("{other}"),
    }
}

/// §1.8 + lessons: the service drops the TCP connection → the SDK reconnects to the same URL
/// (same pID, same IdempotencyToken), stays ready and keeps its game session.
#[tokio::test]
async fn reconnects_after_a_drop_and_keeps_its_state() {
    let (sdk, mut service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    conn.push_create_game_session().await;
    while sdk.get_game_session_id().is_err() {
        tokio::task::yield_now().await;
    }
    let first_query = conn.query();
    conn.drop_abruptly();

    let mut conn = service.next_conn().await;
    let q = conn.query();
    assert_eq!(q["pID"], first_query["pID"]);
    assert_eq!(q["IdempotencyToken"], first_query["IdempotencyToken"]);
    assert_eq!(sdk.get_game_session_id().unwrap(), GAME_SESSION);
    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "AcceptPlayerSession", json!({}), async move {
        s.accept_player_session("psess-1").await
    })
    .await;
    r.unwrap();
    assert_eq!(req["GameSessionId"], GAME_SESSION);
}

/// A call made while the SDK is reconnecting waits for the new socket (within its timeout)
/// and goes through it.
#[tokio::test]
async fn a_call_during_a_reconnect_waits_for_it() {
    let (sdk, mut service, conn) = ready(options(), ProcessParameters::new(7777)).await;
    service
        .handshake_delay_ms
        .store(300, std::sync::atomic::Ordering::SeqCst);
    conn.drop_abruptly();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let s = sdk.clone();
    let task = tokio::spawn(async move { s.get_compute_certificate().await });
    let mut conn = service.next_conn().await;
    let req = conn.expect("GetComputeCertificate").await;
    conn.reply_ok(&req, json!({"ComputeName": "after-reconnect"}))
        .await;
    assert_eq!(task.await.unwrap().unwrap().compute_name, "after-reconnect");
}

/// §1.8: a close with 1000 is final: no reconnect, later calls fail at once.
#[tokio::test]
async fn normal_close_is_final() {
    let (sdk, mut service, conn) = ready(options(), ProcessParameters::new(7777)).await;
    conn.close(1000).await;
    assert!(service
        .maybe_conn(Duration::from_millis(500))
        .await
        .is_none());
    let e = sdk.get_compute_certificate().await.unwrap_err();
    assert!(
        matches!(&e, Error::ServiceCallFailed { reason, .. } if reason.contains("not connected")),
        "{e}"
    );
}

/// §1.8: a close with another code (4000) reconnects like a drop.
#[tokio::test]
async fn abnormal_close_code_reconnects() {
    let (_sdk, mut service, conn) = ready(options(), ProcessParameters::new(7777)).await;
    let token = conn.query()["IdempotencyToken"].clone();
    conn.close(4000).await;
    let again = service.next_conn().await;
    assert_eq!(again.query()["IdempotencyToken"], token);
}

/// Design choice (transport docs): a request in flight when its socket dies fails at once
/// with ServiceCallFailed instead of waiting for its timeout or being re-sent.
#[tokio::test(start_paused = true)]
async fn in_flight_request_fails_when_the_socket_dies() {
    let (sdk, mut service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let start = tokio::time::Instant::now();
    let s = sdk.clone();
    let task = tokio::spawn(async move { s.get_compute_certificate().await });
    conn.expect("GetComputeCertificate").await;
    conn.drop_abruptly();
    let e = task.await.unwrap().unwrap_err();
    assert!(
        matches!(&e, Error::ServiceCallFailed { reason, .. } if reason.contains("connection lost")),
        "{e}"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
    // The next call goes through the reconnected socket.
    let mut conn = service.next_conn().await;
    let s = sdk.clone();
    let (_, r) = answer(
        &mut conn,
        "GetComputeCertificate",
        json!({"ComputeName": "c"}),
        async move { s.get_compute_certificate().await },
    )
    .await;
    assert_eq!(r.unwrap().compute_name, "c");
}

/// §1.9: two consecutive request timeouts → reconnect to the same URL (half-open socket).
#[tokio::test(start_paused = true)]
async fn two_timeouts_trigger_a_reconnect() {
    let opts = options().request_timeout(Duration::from_secs(2));
    let (sdk, mut service, mut conn) = ready(opts, ProcessParameters::new(7777)).await;
    let token = conn.query()["IdempotencyToken"].clone();
    for _ in 0..2 {
        let s = sdk.clone();
        let task = tokio::spawn(async move { s.get_compute_certificate().await });
        conn.expect("GetComputeCertificate").await;
        let e = task.await.unwrap().unwrap_err();
        assert!(
            matches!(
                e,
                Error::Timeout {
                    action: "GetComputeCertificate",
                    ..
                }
            ),
            "{e}"
        );
    }
    let again = service.next_conn().await;
    assert_eq!(again.query()["IdempotencyToken"], token);
}

/// §1.9: one timeout alone does not reconnect, and any inbound frame resets the count.
#[tokio::test(start_paused = true)]
async fn an_inbound_frame_resets_the_timeout_count() {
    let opts = options()
        .request_timeout(Duration::from_secs(2))
        .heartbeat_interval(Duration::from_secs(3600));
    let (sdk, mut service, mut conn) = ready(opts, ProcessParameters::new(7777)).await;
    for _ in 0..2 {
        let s = sdk.clone();
        let task = tokio::spawn(async move { s.get_compute_certificate().await });
        conn.expect("GetComputeCertificate").await;
        assert!(task.await.unwrap().is_err());
        // Any frame from the service, e.g. a reply nobody waits for.
        conn.send(
            json!({"Action": "GetComputeCertificate", "RequestId": "stale", "StatusCode": 200}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(service.maybe_conn(Duration::from_secs(1)).await.is_none());
}

/// §10: replies that arrive late (after the timeout) or twice are ignored; the next request
/// still gets its own reply. (Real clock with a short timeout: under the paused clock, tokio
/// may auto-advance past a timeout while a frame is already queued behind another one.)
#[tokio::test]
async fn late_and_duplicate_replies_are_ignored() {
    let opts = options().request_timeout(Duration::from_millis(300));
    let (sdk, _service, mut conn) = ready(opts, ProcessParameters::new(7777)).await;
    let s = sdk.clone();
    let task = tokio::spawn(async move { s.get_compute_certificate().await });
    let late = conn.expect("GetComputeCertificate").await;
    assert!(task.await.unwrap().is_err());
    conn.reply_ok(&late, json!({"ComputeName": "late"})).await;

    let s = sdk.clone();
    let task = tokio::spawn(async move { s.get_compute_certificate().await });
    let req = conn.expect("GetComputeCertificate").await;
    conn.reply_ok(&req, json!({"ComputeName": "right"})).await;
    conn.reply_ok(&req, json!({"ComputeName": "duplicate"}))
        .await;
    assert_eq!(task.await.unwrap().unwrap().compute_name, "right");

    let s = sdk.clone();
    let (_, r) = answer(
        &mut conn,
        "GetComputeCertificate",
        json!({"ComputeName": "third"}),
        async move { s.get_compute_certificate().await },
    )
    .await;
    assert_eq!(r.unwrap().compute_name, "third");
}

/// §1.10: RefreshConnection → a new socket to the given endpoint with the given token and a
/// new IdempotencyToken; traffic moves to it; the process keeps its state.
#[tokio::test]
async fn refresh_connection_switches_sockets() {
    let opts = options().old_socket_grace(Duration::from_millis(200));
    let (sdk, _service, mut conn) = ready(opts, ProcessParameters::new(7777)).await;
    let mut other = FakeService::start().await;
    let old_token = conn.query()["IdempotencyToken"].clone();
    conn.push(
        "RefreshConnection",
        json!({"RefreshConnectionEndpoint": format!("{}/refreshed", other.url()), "AuthToken": "new+token"}),
    )
    .await;
    let mut fresh = other.next_conn().await;
    assert!(fresh.uri.starts_with("/refreshed?"), "{}", fresh.uri);
    let q = fresh.query();
    assert_eq!(q["Authorization"], "new+token");
    assert_eq!(q["pID"], PROCESS);
    assert_ne!(q["IdempotencyToken"], old_token);
    assert!(is_uuid_v4(&json!(q["IdempotencyToken"])));

    let s = sdk.clone();
    let (_, r) = answer(
        &mut fresh,
        "GetComputeCertificate",
        json!({"ComputeName": "new"}),
        async move { s.get_compute_certificate().await },
    )
    .await;
    assert_eq!(r.unwrap().compute_name, "new");
    // Never answered a push: nothing else arrived on the old socket but heartbeats.
    assert!(conn
        .maybe_request(Duration::from_millis(200))
        .await
        .is_none());
}

/// §1.11: destroy closes the socket and fails later calls; init works again afterwards.
#[tokio::test]
async fn destroy_closes_and_allows_init_again() {
    let (sdk, mut service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    sdk.destroy().await.unwrap();
    assert!(
        conn.maybe_request(Duration::from_secs(5)).await.is_none(),
        "socket closed"
    );
    assert_eq!(sdk.get_game_session_id(), Err(Error::NotInitialized));
    assert!(
        service
            .maybe_conn(Duration::from_millis(300))
            .await
            .is_none(),
        "no reconnect"
    );
    sdk.init(params(&service.url())).await.unwrap();
    service.next_conn().await;
}

/// §1.5: init reads GAMELIFT_SDK_* over the explicit parameters (set-but-empty = unset),
/// `ManagedResource` becomes a UUID, and GAMELIFT_SDK_TOOL_NAME/VERSION reach
/// ActivateServerProcess (§3.1).
#[tokio::test]
async fn init_from_the_environment() {
    let mut service = FakeService::start().await;
    let env = playfield_sdk::Environment::Map(
        [
            ("GAMELIFT_SDK_WEBSOCKET_URL", service.url()),
            ("GAMELIFT_SDK_AUTH_TOKEN", "env-token".to_owned()),
            ("GAMELIFT_SDK_FLEET_ID", "fleet-env".to_owned()),
            ("GAMELIFT_SDK_HOST_ID", String::new()),
            ("GAMELIFT_SDK_PROCESS_ID", "ManagedResource".to_owned()),
            ("GAMELIFT_SDK_TOOL_NAME", "Metrics".to_owned()),
            ("GAMELIFT_SDK_TOOL_VERSION", "1.0.0".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
    );
    let sdk = ServerSdk::with_options(options().environment(env));
    // Explicit values lose to the environment, except the host ID (its variable is empty).
    sdk.init(params("ws://127.0.0.1:9").fleet_id("fleet-explicit"))
        .await
        .unwrap();
    let mut conn = service.next_conn().await;
    let q = conn.query();
    assert_eq!(q["FleetId"], "fleet-env");
    assert_eq!(q["Authorization"], "env-token");
    assert_eq!(q["ComputeId"], HOST);
    assert!(is_uuid_v4(&json!(q["pID"])), "{}", q["pID"]);
    let s = sdk.clone();
    let (req, r) = answer(&mut conn, "ActivateServerProcess", json!({}), async move {
        s.process_ready(ProcessParameters::new(7777)).await
    })
    .await;
    r.unwrap();
    assert_eq!(req["SdkToolName"], "Metrics");
    assert_eq!(req["SdkToolVersion"], "1.0.0");
}

/// §1.3: SigV4 mode presigns the query; automatic reconnects reuse the same signed URL.
#[tokio::test]
async fn sigv4_mode_and_reconnect_reuses_the_signed_url() {
    let mut service = FakeService::start().await;
    let sdk = ServerSdk::with_options(options());
    sdk.init(
        params(&service.url())
            .auth_token("")
            .aws_region("us-west-2")
            .access_key("AKID")
            .secret_key("SECRET")
            .session_token("st"),
    )
    .await
    .unwrap();
    let conn = service.next_conn().await;
    let q = conn.query();
    assert_eq!(q["Authorization"], "SigV4");
    assert_eq!(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    assert!(q["X-Amz-Credential"].starts_with("AKID/"));
    assert!(q["X-Amz-Credential"].ends_with("/us-west-2/gamelift/aws4_request"));
    assert_eq!(q["X-Amz-Security-Token"], "st");
    assert_eq!(q["X-Amz-Signature"].len(), 64);
    let first = conn.uri.clone();
    conn.drop_abruptly();
    let again = service.next_conn().await;
    assert_eq!(again.uri, first);
}
