//! Property tests: whatever arrives, the router answers — no panic, no 5xx,
//! a body the client can parse, and an error body with `__type` + message.
//!
//! Drives `Router::handle` directly (no socket) so thousands of cases run in
//! seconds; the HTTP layer adds nothing but body collection.

use crate::support::api_handlers as handlers;

use axum::http::{HeaderMap, HeaderValue, Method};
use minicbor::Encoder;
use playfield::api::protocol::{cbor, json};
use playfield::api::router::ApiRequest;
use proptest::prelude::*;
use serde_json::{Map, Value};

const OPS: &[&str] = &[
    "DescribeGameSessions",
    "CreateGameSession",
    "ValidateMatchmakingRuleSet",
    "DeleteMatchmakingRuleSet",
    "StartMatchmaking",
    "StartGameSessionPlacement",
    "CreateFleet",
    "NoSuchOperation",
];

/// Member names from the registered operations' inputs, so generated trees
/// often get past the "unknown member" stage into real validation.
const KEYS: &[&str] = &[
    "GameSessionId",
    "FleetId",
    "Limit",
    "MaximumPlayerSessionCount",
    "GameProperties",
    "Key",
    "Value",
    "RuleSetBody",
    "Name",
    "ConfigurationName",
    "Players",
    "PlayerId",
    "PlayerAttributes",
    "N",
    "S",
    "SL",
    "SDM",
    "LatencyInMs",
    "PlacementId",
    "GameSessionQueueName",
    "PlayerLatencies",
    "LatencyInMilliseconds",
    "RegionIdentifier",
    "x",
];

#[derive(Clone, Copy, Debug)]
enum Wire {
    Json,
    Cbor,
}

fn call(wire: Wire, op: &str, body: &[u8]) -> (u16, Value) {
    let router = router();
    let mut headers = HeaderMap::new();
    let path = match wire {
        Wire::Json => {
            headers.insert(
                "x-amz-target",
                HeaderValue::from_str(&format!("GameLift.{op}")).unwrap(),
            );
            "/".to_string()
        }
        Wire::Cbor => format!("/service/GameLift/operation/{op}"),
    };
    let req = ApiRequest {
        method: &Method::POST,
        path: &path,
        query: None,
        headers: &headers,
        body,
    };
    let resp = router.handle(&handlers::TestState::default(), &req);
    let status = resp.status().as_u16();
    assert!(resp.headers().contains_key("x-amzn-requestid"));
    let decoded = match wire {
        Wire::Json => json::decode(resp.body()),
        Wire::Cbor => cbor::decode(resp.body()),
    };
    let value = decoded.unwrap_or_else(|e| panic!("response body does not decode: {e}"));
    (status, value)
}

fn router() -> &'static playfield::api::Router<handlers::TestState> {
    static ROUTER: std::sync::OnceLock<playfield::api::Router<handlers::TestState>> =
        std::sync::OnceLock::new();
    ROUTER.get_or_init(handlers::router)
}

/// The invariant every answer must keep.
fn check_answer(status: u16, body: &Value) -> Result<(), TestCaseError> {
    prop_assert!(
        status == 200 || (400..500).contains(&status),
        "status {status}: {body}"
    );
    if status != 200 {
        prop_assert!(body["__type"].is_string(), "{body}");
        prop_assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    Ok(())
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        (0u32..100).prop_map(Value::from),
        "[a-zA-Z0-9 {}:\"-]{0,40}".prop_map(Value::String),
        proptest::sample::select(KEYS).prop_map(|k| Value::String(k.to_string())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

fn arb_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((proptest::sample::select(KEYS), arb_value()), 0..8).prop_map(|kv| {
        Value::Object(
            kv.into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Map<_, _>>(),
        )
    })
}

/// CBOR from a tree, choosing definite/indefinite containers and float widths
/// from `choices` so the decoder sees every encoding a client might use.
fn to_cbor(v: &Value, choices: &mut impl Iterator<Item = u8>, e: &mut Encoder<Vec<u8>>) {
    let mut pick = || choices.next().unwrap_or(0);
    match v {
        Value::Null => {
            e.null().unwrap();
        }
        Value::Bool(b) => {
            e.bool(*b).unwrap();
        }
        Value::Number(n) => match (n.as_i64(), n.as_f64(), pick() % 4) {
            (Some(i), _, 0..=1) => {
                e.i64(i).unwrap();
            }
            (_, Some(f), 2) => {
                e.f32(f as f32).unwrap();
            }
            (_, Some(f), 3) => {
                e.tag(minicbor::data::Tag::new(1)).unwrap().f64(f).unwrap();
            }
            (_, Some(f), _) => {
                e.f64(f).unwrap();
            }
            _ => {
                e.null().unwrap();
            }
        },
        Value::String(s) => {
            if pick() % 3 == 0 && s.len() > 1 {
                let mid = s
                    .char_indices()
                    .nth(s.chars().count() / 2)
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                e.begin_str()
                    .unwrap()
                    .str(&s[..mid])
                    .unwrap()
                    .str(&s[mid..])
                    .unwrap()
                    .end()
                    .unwrap();
            } else {
                e.str(s).unwrap();
            }
        }
        Value::Array(items) => {
            let indefinite = pick() % 2 == 0;
            if indefinite {
                e.begin_array().unwrap();
            } else {
                e.array(items.len() as u64).unwrap();
            }
            for item in items {
                to_cbor(item, choices, e);
            }
            if indefinite {
                e.end().unwrap();
            }
        }
        Value::Object(map) => {
            let indefinite = pick() % 2 == 0;
            if indefinite {
                e.begin_map().unwrap();
            } else {
                e.map(map.len() as u64).unwrap();
            }
            for (k, v) in map {
                e.str(k).unwrap();
                to_cbor(v, choices, e);
            }
            if indefinite {
                e.end().unwrap();
            }
        }
    }
}

fn cbor_bytes(v: &Value, choices: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    to_cbor(v, &mut choices.iter().copied().cycle(), &mut e);
    e.into_writer()
}

/// The case count: 512 by default (a few seconds in a debug build), `PROPTEST_CASES` to run
/// longer by hand (`PROPTEST_CASES=100000 cargo test -p playfield --test api_fuzz`).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(512)
}

/// Valid inputs of registered operations, from the service's own examples (service-api.md):
/// each member of these is replaced in turn by a value of the wrong kind.
fn valid_inputs() -> Vec<(&'static str, Value)> {
    vec![
        (
            "CreateGameSession",
            serde_json::json!({
                "FleetId": "fleet-1", "MaximumPlayerSessionCount": 4, "Name": "duel",
                "GameProperties": [{"Key": "mode", "Value": "ctf"}],
            }),
        ),
        (
            "StartMatchmaking",
            serde_json::json!({
                "TicketId": "t-1", "ConfigurationName": "duel",
                "Players": [{"PlayerId": "alice", "Team": "red",
                             "PlayerAttributes": {"skill": {"N": 10}, "mode": {"S": "ctf"}},
                             "LatencyInMs": {"us-west-2": 40}}],
            }),
        ),
        (
            "DescribeGameSessions",
            serde_json::json!({"GameSessionId": "gs-1", "Limit": 3}),
        ),
        (
            "StartGameSessionPlacement",
            serde_json::json!({
                "PlacementId": "p-1", "GameSessionQueueName": "q",
                "MaximumPlayerSessionCount": 4,
                "PlayerLatencies": [{"PlayerId": "a", "RegionIdentifier": "us-west-2",
                                      "LatencyInMilliseconds": 40}],
            }),
        ),
    ]
}

/// Every member path of `v` (`Players`, `Players.0.PlayerAttributes.skill.N`, …) with the
/// names a client wrote, so the error can be checked for the member it names.
fn member_paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(k.clone());
                out.push(at.clone());
                member_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(i.to_string());
                member_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn set_at(v: &mut Value, path: &[String], new: Value) {
    let (last, parents) = path.split_last().expect("a member path is not empty");
    let mut node = v;
    for step in parents {
        node = match node {
            Value::Object(m) => m.get_mut(step).unwrap(),
            Value::Array(a) => &mut a[step.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    node.as_object_mut().unwrap().insert(last.clone(), new);
}

/// A value of another JSON kind than `old`.
fn wrong_kind(old: &Value, pick: u8) -> Value {
    let candidates = [
        Value::from("text"),
        Value::from(12345),
        Value::from(true),
        serde_json::json!([1, "a"]),
        serde_json::json!({"x": 1}),
    ];
    let same = |c: &Value| {
        std::mem::discriminant(c) == std::mem::discriminant(old)
            || (old.is_string() && c.is_number()) // a number where a string belongs may be read as one
            || (old.is_number() && c.is_string())
    };
    let others: Vec<&Value> = candidates.iter().filter(|c| !same(c)).collect();
    others[pick as usize % others.len()].clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Structured but wrong: one member of a valid input holds a value of the wrong kind.
    /// Both protocols answer 400 with a typed error whose message names that member (the
    /// service's "Value … at 'players.1.member.playerId' failed to satisfy constraint"
    /// form, service-api.md), whatever the member's depth.
    #[test]
    fn a_member_of_the_wrong_kind_is_named_in_the_error(
        which in any::<prop::sample::Index>(),
        member in any::<prop::sample::Index>(),
        pick in any::<u8>(),
        choices in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let inputs = valid_inputs();
        let (op, valid) = &inputs[which.index(inputs.len())];
        let mut paths = Vec::new();
        member_paths(valid, &mut Vec::new(), &mut paths);
        let path = &paths[member.index(paths.len())];
        let mut old = valid.clone();
        for step in path {
            old = match old {
                Value::Object(mut m) => m.remove(step).unwrap(),
                Value::Array(mut a) => a.swap_remove(step.parse::<usize>().unwrap()),
                _ => unreachable!(),
            };
        }
        let mut input = valid.clone();
        set_at(&mut input, path, wrong_kind(&old, pick));
        let name = path.last().unwrap().to_lowercase();
        for wire in [Wire::Json, Wire::Cbor] {
            let body = match wire {
                Wire::Json => input.to_string().into_bytes(),
                Wire::Cbor => cbor_bytes(&input, &choices),
            };
            let (status, value) = call(wire, op, &body);
            check_answer(status, &value)?;
            prop_assert_eq!(status, 400, "{:?} {} {}: {}", wire, op, input, value);
            let message = value["message"].as_str().unwrap_or_default().to_lowercase();
            prop_assert!(
                message.contains(&name),
                "{:?} {}: the error does not name {:?}: {}", wire, input, path, value
            );
        }
        let (status, value) = call(Wire::Json, op, valid.to_string().as_bytes());
        prop_assert_eq!(status, 200, "the valid input is accepted: {}", value);
    }

    /// Headers are read into the request's protocol and operation whatever they hold: any
    /// method, `Content-Type`, `smithy-protocol` and `X-Amz-Target`, on either path, get an
    /// answer the client can parse; a refused `smithy-protocol` is named in the error.
    #[test]
    fn arbitrary_headers_are_answered(
        method in proptest::sample::select(vec!["POST", "GET", "PUT", "OPTIONS", "DELETE"]),
        cbor_path in any::<bool>(),
        op in proptest::sample::select(OPS),
        content_type in proptest::option::of(prop_oneof![
            Just("application/x-amz-json-1.1".to_string()),
            Just("application/cbor".to_string()),
            "[ -~]{0,30}",
        ]),
        smithy in proptest::option::of(prop_oneof![
            Just("rpc-v2-cbor".to_string()), "[ -~]{0,20}",
        ]),
        target in proptest::option::of(prop_oneof![
            Just(format!("GameLift.{}", OPS[0])), "GameLift\\.[ -~]{0,20}", "[ -~]{0,30}",
        ]),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let router = router();
        let mut headers = HeaderMap::new();
        for (name, value) in [("content-type", &content_type), ("smithy-protocol", &smithy), ("x-amz-target", &target)] {
            if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, v);
            }
        }
        let path = if cbor_path { format!("/service/GameLift/operation/{op}") } else { "/".to_string() };
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let req = ApiRequest { method: &method, path: &path, query: None, headers: &headers, body: &body };
        let resp = router.handle(&handlers::TestState::default(), &req);
        let status = resp.status().as_u16();
        let decoded = if cbor_path { cbor::decode(resp.body()) } else { json::decode(resp.body()) };
        let value = decoded.map_err(|e| TestCaseError::fail(format!("the answer does not decode: {e}")))?;
        check_answer(status, &value)?;
        let wrong_smithy = smithy.as_deref().is_some_and(|s| s != "rpc-v2-cbor" && HeaderValue::from_str(s).is_ok());
        if cbor_path && method == Method::POST && wrong_smithy {
            prop_assert_eq!(status, 400);
            prop_assert!(value["message"].as_str().unwrap_or_default().contains("smithy-protocol"), "{}", value);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_get_a_4xx_with_a_body(op in proptest::sample::select(OPS), body in prop::collection::vec(any::<u8>(), 0..256)) {
        for wire in [Wire::Json, Wire::Cbor] {
            let (status, value) = call(wire, op, &body);
            check_answer(status, &value)?;
        }
    }

    #[test]
    fn random_json_trees_never_break_the_router(op in proptest::sample::select(OPS), tree in arb_object()) {
        let (status, value) = call(Wire::Json, op, tree.to_string().as_bytes());
        check_answer(status, &value)?;
    }

    #[test]
    fn random_cbor_trees_never_break_the_router(
        op in proptest::sample::select(OPS),
        tree in arb_object(),
        choices in prop::collection::vec(any::<u8>(), 1..16),
    ) {
        let (status, value) = call(Wire::Cbor, op, &cbor_bytes(&tree, &choices));
        check_answer(status, &value)?;
    }

    #[test]
    fn mutated_valid_cbor_bodies_never_break_the_router(
        op in proptest::sample::select(OPS),
        tree in arb_object(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut body = cbor_bytes(&tree, &[1, 2, 3]);
        for (at, byte, kind) in edits {
            match kind {
                0 if !body.is_empty() => { let i = at.index(body.len()); body[i] = byte; }
                1 => { let i = at.index(body.len() + 1); body.insert(i, byte); }
                _ if !body.is_empty() => { let i = at.index(body.len()); body.truncate(i); }
                _ => {}
            }
        }
        let (status, value) = call(Wire::Cbor, op, &body);
        check_answer(status, &value)?;
    }

    #[test]
    fn truncated_and_padded_json_is_refused(tree in arb_object(), cut in any::<prop::sample::Index>(), pad in "[ -~]{1,4}") {
        let text = tree.to_string();
        let truncated = &text.as_bytes()[..cut.index(text.len())];
        let (status, value) = call(Wire::Json, "DescribeGameSessions", truncated);
        prop_assert!(status == 400 || truncated.iter().all(u8::is_ascii_whitespace), "{status} {value}");
        check_answer(status, &value)?;
        let padded = format!("{text}{pad}");
        let (status, value) = call(Wire::Json, "DescribeGameSessions", padded.as_bytes());
        check_answer(status, &value)?;
    }

    #[test]
    fn arbitrary_targets_and_paths_are_answered(target in "[ -~]{0,40}", path in "/[ -~]{0,60}") {
        let router = router();
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&target) {
            headers.insert("x-amz-target", v);
        }
        let req = ApiRequest { method: &Method::POST, path: &path, query: None, headers: &headers, body: b"{}" };
        let resp = router.handle(&handlers::TestState::default(), &req);
        let status = resp.status().as_u16();
        prop_assert!(status == 200 || (400..500).contains(&status));
        prop_assert!(!resp.body().is_empty());
    }
}
