use super::*;
use serde_json::json;

fn check(shape: &str, mut value: Value) -> Result<Value, String> {
    let m = ServiceModel::gamelift();
    validate_input(m, m.shape_id(shape).unwrap(), &mut value)
        .map(|_| value)
        .map_err(|e| {
            assert_eq!(e.code.name(), "InvalidRequestException");
            e.message
        })
}

#[test]
fn missing_required_member_is_named_like_the_service_does() {
    let err = check("CreateGameSessionInput", json!({"FleetId": "fleet-1"})).unwrap_err();
    assert_eq!(
        err,
        "1 validation error detected: Value null at 'maximumPlayerSessionCount' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn several_violations_are_counted_and_listed() {
    let err = check(
        "StartGameSessionPlacementInput",
        json!({"PlacementId": "bad id!", "MaximumPlayerSessionCount": -1}),
    )
    .unwrap_err();
    assert!(err.starts_with("3 validation errors detected: "), "{err}");
    assert!(err.contains("Value 'bad id!' at 'placementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]+$"), "{err}");
    assert!(
        err.contains("Value null at 'gameSessionQueueName'"),
        "{err}"
    );
    assert!(err.contains("Value '-1' at 'maximumPlayerSessionCount' failed to satisfy constraint: Member must have value greater than or equal to 0"), "{err}");
}

#[test]
fn nested_paths_enums_and_lengths() {
    let err = check(
        "CreateMatchmakingConfigurationInput",
        json!({
            "Name": "c", "RequestTimeoutSeconds": 10, "AcceptanceRequired": false, "RuleSetName": "r",
            "BackfillMode": "SOMETIMES",
            "GameProperties": [{"Key": "k"}],
        }),
    )
    .unwrap_err();
    assert!(err.contains("Value 'SOMETIMES' at 'backfillMode' failed to satisfy constraint: Member must satisfy enum value set: [AUTOMATIC, MANUAL]"), "{err}");
    assert!(
        err.contains("Value null at 'gameProperties.1.member.value'"),
        "{err}"
    );

    let err = check(
        "DescribeMatchmakingRuleSetsInput",
        json!({"Names": [], "Limit": 11}),
    )
    .unwrap_err();
    assert!(err.contains("at 'names' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{err}");
    assert!(
        err.contains("Member must have value less than or equal to 10"),
        "{err}"
    );
}

#[test]
fn integers_accepted_for_doubles_and_floats() {
    let v = check(
        "StartMatchmakingInput",
        json!({
            "ConfigurationName": "c",
            "Players": [{"PlayerId": "p", "PlayerAttributes": {"skill": {"N": 10}, "m": {"SDM": {"a": 1}}}}],
        }),
    )
    .unwrap();
    assert_eq!(v["Players"][0]["PlayerAttributes"]["skill"]["N"], json!(10));
    check(
        "StartGameSessionPlacementInput",
        json!({"PlacementId": "p", "GameSessionQueueName": "q", "MaximumPlayerSessionCount": 2,
               "PlayerLatencies": [{"PlayerId": "p", "RegionIdentifier": "r", "LatencyInMilliseconds": 20}]}),
    )
    .unwrap();
}

#[test]
fn integral_floats_become_integers_fractions_and_overflow_do_not() {
    let v = check("DescribeGameSessionsInput", json!({"Limit": 5.0})).unwrap();
    assert_eq!(v, json!({"Limit": 5}));
    assert!(v["Limit"].is_i64());
    let err = check("DescribeGameSessionsInput", json!({"Limit": 5.5})).unwrap_err();
    assert!(err.contains("Member must be a 32-bit integer"), "{err}");
    let err = check("DescribeGameSessionsInput", json!({"Limit": 4294967296u64})).unwrap_err();
    assert!(err.contains("Member must be a 32-bit integer"), "{err}");
}

#[test]
fn wrong_types_are_reported() {
    let err = check(
        "DescribeGameSessionsInput",
        json!({"Limit": "5", "FleetId": 3}),
    )
    .unwrap_err();
    assert!(err.contains("Value '5' at 'limit' failed to satisfy constraint: Member must be an integer, not a string"), "{err}");
    assert!(
        err.contains(
            "at 'fleetId' failed to satisfy constraint: Member must be a string, not a number"
        ),
        "{err}"
    );
    let err = check("DescribeMatchmakingInput", json!({"TicketIds": "t-1"})).unwrap_err();
    assert!(err.contains("Member must be a list"), "{err}");
    let err = check("DescribeMatchmakingInput", json!({"TicketIds": [null]})).unwrap_err();
    assert!(
        err.contains("'ticketIds.1.member' failed to satisfy constraint: Member must not be null"),
        "{err}"
    );
}

#[test]
fn unknown_and_null_members_are_dropped() {
    let v = check(
        "DescribeMatchmakingInput",
        json!({"TicketIds": ["t"], "Bogus": {"deep": [1]}, "Other": null}),
    )
    .unwrap();
    assert_eq!(v, json!({"TicketIds": ["t"]}));
}

#[test]
fn sensitive_values_are_not_echoed() {
    let err = check(
        "CreatePlayerSessionInput",
        json!({"GameSessionId": "gs", "PlayerId": ""}),
    )
    .unwrap_err();
    assert!(
        err.contains("Value at 'playerId' failed to satisfy constraint"),
        "{err}"
    );
}

#[test]
fn map_keys_and_values_are_checked() {
    let err = check(
        "CreatePlayerSessionsInput",
        json!({"GameSessionId": "gs", "PlayerIds": ["a"], "PlayerDataMap": {"": "x", "b": ""}}),
    )
    .unwrap_err();
    assert!(err.starts_with("2 validation errors"), "{err}");
}

#[test]
fn timestamps_and_blobs() {
    let m = ServiceModel::gamelift();
    // No input shape in GameLift has a timestamp or blob member that is easy to
    // reach, so use the shapes directly.
    let ts = m.shape_id("Timestamp").unwrap();
    let mut ok = json!(1700000000.25);
    validate_input(m, ts, &mut ok).unwrap();
    let mut bad = json!("2023-11-14T22:13:20Z");
    let err = validate_input(m, ts, &mut bad).unwrap_err();
    assert!(err.message.contains("timestamp"), "{}", err.message);
    let blob = m.shape_id("ZipBlob").unwrap();
    validate_input(m, blob, &mut json!("aGk=")).unwrap();
    let err = validate_input(m, blob, &mut json!("not base64!")).unwrap_err();
    assert!(err.message.contains("base64"), "{}", err.message);
}

#[test]
fn long_values_are_shortened_in_messages() {
    let long = "x".repeat(5000);
    let err = check("DescribeMatchmakingInput", json!({"TicketIds": [long]})).unwrap_err();
    assert!(err.len() < 400, "{err}");
    assert!(err.contains("..."), "{err}");
}
