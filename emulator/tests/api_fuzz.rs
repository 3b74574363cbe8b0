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

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

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
