//! The connection: URL and query (§1.1–1.2), connect retries (§1.7), reconnects (§1.8–1.9),
//! RefreshConnection (§1.10), replies that arrive late or twice (§10).

use crate::support::*;
use playfield_sdk::{Error, ProcessParameters, ServerSdk};
use serde_json::json;
use std::time::Duration;

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

/// A service that accepts the handshake and closes at once with a non-normal code (Playfield
/// refuses an unknown process with 1008) must not make the SDK spin: reconnects without any
/// inbound frame back off on the schedule, then the SDK gives up and calls fail at once.
#[tokio::test(start_paused = true)]
async fn a_service_that_keeps_closing_is_not_hammered() {
    let mut service = FakeService::start().await;
    let sdk = ServerSdk::with_options(options());
    sdk.init(params(&service.url())).await.unwrap();
    let start = tokio::time::Instant::now();
    let mut seen = Vec::new();
    while let Some(conn) = service.maybe_conn(Duration::from_secs(10)).await {
        seen.push(start.elapsed());
        conn.close(1008).await;
    }
    // The initial connection, one immediate reconnect, then one per schedule step (3 × 100 ms).
    assert_eq!(seen.len(), 5, "{seen:?}");
    for pair in seen[1..].windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(100), "{seen:?}");
    }
    let e = sdk.get_game_session_id();
    assert_eq!(e, Err(Error::GameSessionIdNotSet), "still initialized");
    let e = sdk
        .process_ready(ProcessParameters::new(7777))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::ServiceCallFailed { reason, .. } if reason.contains("not connected")),
        "{e}"
    );
}

/// §1.10 + §11.6: if the service drops the old socket right after RefreshConnection, the SDK
/// still ends up on the new endpoint (a reconnect to the old URL racing with the refresh
/// never wins).
#[tokio::test]
async fn refresh_then_old_socket_dropped_ends_on_the_new_endpoint() {
    // Both orders: the old-URL reconnect finishing first, and the refresh finishing first.
    for (old_delay, new_delay) in [(0, 100), (300, 0)] {
        let (sdk, mut old_service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
        let mut new_service = FakeService::start().await;
        let delay = |s: &FakeService, ms| {
            s.handshake_delay_ms
                .store(ms, std::sync::atomic::Ordering::SeqCst)
        };
        delay(&old_service, old_delay);
        delay(&new_service, new_delay);
        conn.push(
            "RefreshConnection",
            json!({"RefreshConnectionEndpoint": new_service.url(), "AuthToken": "t2"}),
        )
        .await;
        conn.drop_abruptly();
        let mut fresh = new_service.next_conn().await;
        assert_eq!(fresh.query()["Authorization"], "t2");
        // Whatever reached the old endpoint in between is not used.
        let _stale = old_service.maybe_conn(Duration::from_millis(500)).await;
        let s = sdk.clone();
        let (_, r) = answer(
            &mut fresh,
            "GetComputeCertificate",
            json!({"ComputeName": "new"}),
            async move { s.get_compute_certificate().await },
        )
        .await;
        assert_eq!(
            r.unwrap().compute_name,
            "new",
            "old {old_delay} ms, new {new_delay} ms"
        );
        sdk.destroy().await.unwrap();
    }
}

/// Callers write their requests to the socket themselves (transport docs): many calls at
/// once still put whole messages on the wire, and each gets the reply with its own
/// `RequestId` (§2.2), whatever order the replies come in.
#[tokio::test]
async fn concurrent_calls_write_whole_messages_and_get_their_own_replies() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let s = sdk.clone();
            tokio::spawn(async move { s.get_compute_certificate().await })
        })
        .collect();
    let mut requests = Vec::new();
    for _ in 0..calls.len() {
        // `expect` fails on a message that is not whole, valid JSON.
        requests.push(conn.expect("GetComputeCertificate").await);
    }
    for req in requests.iter().rev() {
        conn.reply_ok(req, json!({"ComputeName": req["RequestId"]}))
            .await;
    }
    let mut answered = Vec::new();
    for call in calls {
        answered.push(call.await.unwrap().unwrap().compute_name);
    }
    let mut sent: Vec<String> = requests
        .iter()
        .map(|r| r["RequestId"].as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    answered.sort();
    assert_eq!(answered, sent);
}

/// Cancellation safety: calls dropped at their first await (here, by a zero timeout) leave
/// no torn frame and no stuck lock; the next call goes through and gets its own reply.
#[tokio::test]
async fn cancelled_calls_leave_the_socket_usable() {
    let (sdk, _service, mut conn) = ready(options(), ProcessParameters::new(7777)).await;
    for _ in 0..20 {
        let _ = tokio::time::timeout(Duration::ZERO, sdk.get_compute_certificate()).await;
    }
    let s = sdk.clone();
    let mut call = tokio::spawn(async move { s.get_compute_certificate().await });
    // The cancelled calls' requests may or may not have gone out; the live one is written
    // last. Every message that arrives is whole and gets its own reply.
    let mut last = None;
    let answer = loop {
        tokio::select! {
            done = &mut call => break done.unwrap().unwrap(),
            req = conn.expect("GetComputeCertificate") => {
                conn.reply_ok(&req, json!({"ComputeName": req["RequestId"]})).await;
                last = Some(req);
            }
        }
    };
    let last = last.expect("the live call's request arrived");
    assert_eq!(answer.compute_name, last["RequestId"].as_str().unwrap());
}
