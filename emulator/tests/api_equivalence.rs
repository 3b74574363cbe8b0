//! The same request in both protocols gets the same answer (as a value
//! tree), success or error — the protocols differ only on the wire.

use crate::support::api_handlers as handlers;

use playfield::api::protocol::Protocol;
use playfield::api::testing::call;
use serde_json::{json, Value};

fn cases() -> Vec<(&'static str, Value)> {
    vec![
        (
            "DescribeGameSessions",
            json!({"GameSessionId": "gs-1", "Limit": 2}),
        ),
        (
            "DescribeGameSessions",
            json!({"GameSessionId": handlers::MISSING}),
        ),
        ("DescribeGameSessions", json!({"Limit": 0})),
        (
            "CreateGameSession",
            json!({"FleetId": "fleet-1", "MaximumPlayerSessionCount": 3}),
        ),
        ("CreateGameSession", json!({"FleetId": "fleet-1"})),
        (
            "ValidateMatchmakingRuleSet",
            json!({"RuleSetBody": "{\"name\": \"x\"}"}),
        ),
        ("ValidateMatchmakingRuleSet", json!({"RuleSetBody": "nope"})),
        ("DeleteMatchmakingRuleSet", json!({"Name": "rs"})),
        (
            "StartMatchmaking",
            json!({"ConfigurationName": "cfg", "Players": [{
                "PlayerId": "p", "PlayerAttributes": {"skill": {"N": 3.5}, "tags": {"SL": ["a", "b"]}},
                "LatencyInMs": {"us-west-2": 30}}]}),
        ),
        (
            "StartGameSessionPlacement",
            json!({"PlacementId": "pl", "GameSessionQueueName": "q", "MaximumPlayerSessionCount": 2,
                   "PlayerLatencies": [{"PlayerId": "p", "RegionIdentifier": "r", "LatencyInMilliseconds": 0.25}]}),
        ),
        ("DescribeFleetAttributes", json!({})),
    ]
}

#[test]
fn both_protocols_answer_alike() {
    let router = handlers::router();
    let state = handlers::TestState::default();
    for (op, input) in cases() {
        let json = call(&router, &state, Protocol::AwsJson11, op, &input);
        let cbor = call(&router, &state, Protocol::RpcV2Cbor, op, &input);
        match (json, cbor) {
            (Ok(j), Ok(c)) => assert_eq!(j, c, "{op} {input}"),
            (Err(j), Err(c)) => assert_eq!(j, c, "{op} {input}"),
            (j, c) => panic!("{op} {input}: JSON {j:?} vs CBOR {c:?}"),
        }
    }
}
