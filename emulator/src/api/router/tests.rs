use super::*;
use crate::api::types::{Empty, Timestamp};
use serde::Deserialize;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Default)]
struct State {
    calls: AtomicUsize,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeIn {
    game_session_id: Option<String>,
    limit: Option<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeOut {
    game_sessions: Vec<Value>,
}

fn describe(ctx: &mut Ctx<'_, State>, input: DescribeIn) -> Result<DescribeOut, ApiError> {
    ctx.state().calls.fetch_add(1, Ordering::SeqCst);
    match input.game_session_id.as_deref() {
        Some("missing") => Err(ctx.error(ErrorCode::NotFound, "no game session missing")),
        Some("panic") => panic!("boom"),
        Some("unmodeled") => Err(ApiError::new(ErrorCode::Conflict, "not in the list")),
        _ => Ok(DescribeOut {
            game_sessions: vec![json!({
                "GameSessionId": "gs-1",
                "CreationTime": Timestamp::from_epoch_secs(1700000000.5),
                "MaximumPlayerSessionCount": input.limit.unwrap_or(8),
                "Status": "ACTIVE",
            })],
        }),
    }
}

/// Misspelt member and a missing required one: a handler bug.
fn describe_rule_sets(_: &mut Ctx<'_, State>, _: Empty) -> Result<Value, ApiError> {
    Ok(json!({"RuleSet": []}))
}

/// `()` is a fine output for an operation whose output has no members; the
/// region comes from the SigV4 scope.
fn accept(ctx: &mut Ctx<'_, State>, _: Empty) -> Result<(), ApiError> {
    match ctx.signing_region() {
        Some("eu-north-1") | None => Ok(()),
        Some(other) => Err(ctx.error(ErrorCode::InvalidRequest, format!("signed for {other}"))),
    }
}

fn stop(_: &mut Ctx<'_, State>, _: Empty) -> Result<Empty, ApiError> {
    Ok(Empty {})
}

fn router() -> Router<State> {
    Router::new(ServiceModel::gamelift())
        .register("DescribeGameSessions", describe)
        .register("StopMatchmaking", stop)
        .register("DescribeMatchmakingRuleSets", describe_rule_sets)
        .register("AcceptMatch", accept)
}

fn json_call(r: &Router<State>, target: &str, body: &str) -> (u16, HeaderMap, Value) {
    let mut headers = HeaderMap::new();
    headers.insert("x-amz-target", HeaderValue::from_str(target).unwrap());
    let req = ApiRequest {
        method: &Method::POST,
        path: "/",
        query: None,
        headers: &headers,
        body: body.as_bytes(),
    };
    let resp = r.handle(&State::default(), &req);
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (
        status,
        headers,
        serde_json::from_slice(resp.body()).unwrap(),
    )
}

fn cbor_call(r: &Router<State>, op: &str, body: &[u8]) -> (u16, HeaderMap, Value) {
    let headers = HeaderMap::new();
    let path = format!("/service/GameLift/operation/{op}");
    let req = ApiRequest {
        method: &Method::POST,
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let resp = r.handle(&State::default(), &req);
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, cbor::decode(resp.body()).unwrap())
}

#[test]
fn json_success_follows_the_model() {
    let (status, headers, body) = json_call(
        &router(),
        "GameLift.DescribeGameSessions",
        r#"{"Limit": 4}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/x-amz-json-1.1");
    assert_eq!(headers["x-amzn-requestid"].len(), 36);
    assert_eq!(
        body["GameSessions"][0]["MaximumPlayerSessionCount"],
        json!(4)
    );
    assert_eq!(body["GameSessions"][0]["CreationTime"], json!(1700000000.5));
}

#[test]
fn cbor_success_has_cbor_headers() {
    let (status, headers, body) = cbor_call(&router(), "DescribeGameSessions", &[0xa0]);
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/cbor");
    assert_eq!(headers["smithy-protocol"], "rpc-v2-cbor");
    assert_eq!(body["GameSessions"][0]["Status"], json!("ACTIVE"));
}

#[test]
fn empty_output_is_braces_in_json_and_empty_map_in_cbor() {
    let (status, _, body) = json_call(
        &router(),
        "GameLift.StopMatchmaking",
        r#"{"TicketId": "t"}"#,
    );
    assert_eq!((status, body), (200, json!({})));
    let (status, _, body) = cbor_call(
        &router(),
        "StopMatchmaking",
        &[
            0xa1, 0x68, b'T', b'i', b'c', b'k', b'e', b't', b'I', b'd', 0x61, b't',
        ],
    );
    assert_eq!((status, body), (200, json!({})));
}

#[test]
fn modeled_errors_carry_type_and_message() {
    let (status, headers, body) = json_call(
        &router(),
        "GameLift.DescribeGameSessions",
        r#"{"GameSessionId": "missing"}"#,
    );
    assert_eq!(status, 400);
    assert_eq!(headers["x-amzn-errortype"], "NotFoundException");
    assert_eq!(
        body,
        json!({"__type": "NotFoundException", "message": "no game session missing"})
    );
}

#[test]
fn validation_runs_before_the_handler() {
    let r = router();
    let (status, _, body) = json_call(&r, "GameLift.StopMatchmaking", "{}");
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "InvalidRequestException");
    assert!(body["message"].as_str().unwrap().contains("'ticketId'"));
}

#[test]
fn unknown_and_unimplemented_operations_are_named() {
    let (status, _, body) = json_call(&router(), "GameLift.FlyToTheMoon", "{}");
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "UnknownOperationException");
    assert!(body["message"].as_str().unwrap().contains("FlyToTheMoon"));
    let (_, _, body) = cbor_call(&router(), "CreateFleet", &[0xa0]);
    assert_eq!(body["__type"], "UnknownOperationException");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("CreateFleet is not implemented"));
}

#[test]
fn a_panicking_handler_answers_500() {
    let (status, _, body) = json_call(
        &router(),
        "GameLift.DescribeGameSessions",
        r#"{"GameSessionId": "panic"}"#,
    );
    assert_eq!(status, 500);
    assert_eq!(body["__type"], "InternalServiceException");
    assert!(body["message"].as_str().unwrap().contains("boom"));
}

#[test]
fn unmodeled_error_codes_are_caught_in_debug_builds() {
    let (status, _, body) = json_call(
        &router(),
        "GameLift.DescribeGameSessions",
        r#"{"GameSessionId": "unmodeled"}"#,
    );
    if cfg!(debug_assertions) {
        assert_eq!(status, 500);
        assert!(
            body["message"].as_str().unwrap().contains("does not model"),
            "{body}"
        );
    } else {
        assert_eq!(body["__type"], "ConflictException");
    }
}

#[test]
fn modeled_list_helper() {
    let m = ServiceModel::gamelift();
    let op = m.operation("DescribeMatchmaking").unwrap();
    assert!(!is_modeled(op, ErrorCode::NotFound));
    assert!(is_modeled(op, ErrorCode::InvalidRequest));
    assert!(is_modeled(op, ErrorCode::UnknownOperation));
}

#[test]
fn access_key_is_enforced_when_configured() {
    let r = router().require_access_keys(vec![crate::api::auth::AccessKey::new(
        "AKIDLOCAL",
        "secret",
    )]);
    let (status, _, body) = json_call(&r, "GameLift.StopMatchmaking", r#"{"TicketId": "t"}"#);
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "UnauthorizedException");
}

#[test]
#[should_panic(expected = "not an operation")]
fn registering_a_non_operation_panics_at_startup() {
    let _ = Router::<State>::new(ServiceModel::gamelift()).register("Nope", stop);
}

#[test]
fn outputs_that_do_not_fit_the_model_fail_loudly_in_debug_builds() {
    let (status, _, body) = json_call(&router(), "GameLift.DescribeMatchmakingRuleSets", "{}");
    if cfg!(debug_assertions) {
        assert_eq!(status, 500);
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("output does not match the model"),
            "{message}"
        );
        assert!(message.contains("'ruleSet'"), "{message}");
        assert!(message.contains("'ruleSets'"), "{message}");
    } else {
        assert_eq!((status, body), (200, json!({})));
    }
}

#[test]
fn unit_output_is_braces_and_signing_region_is_visible() {
    let body = r#"{"TicketId": "t", "PlayerIds": ["p"], "AcceptanceType": "ACCEPT"}"#;
    let (status, _, out) = json_call(&router(), "GameLift.AcceptMatch", body);
    assert_eq!((status, out), (200, json!({})));

    let mut headers = HeaderMap::new();
    headers.insert(
        "x-amz-target",
        HeaderValue::from_static("GameLift.AcceptMatch"),
    );
    headers.insert(
        "authorization",
        HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/20260101/ap-south-1/gamelift/aws4_request, Signature=x"),
    );
    let req = ApiRequest {
        method: &Method::POST,
        path: "/",
        query: None,
        headers: &headers,
        body: body.as_bytes(),
    };
    let resp = router().handle(&State::default(), &req);
    let out: Value = serde_json::from_slice(resp.body()).unwrap();
    assert_eq!(out["message"], "signed for ap-south-1");
}
