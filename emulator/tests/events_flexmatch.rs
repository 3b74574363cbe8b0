//! FlexMatch EventBridge JSON and its SNS envelope, checked against the seed examples.
//!
//! The domain events are built with the seed's own ids and times, so no normalisation is
//! needed: the comparison is exact, every field, and `diff` names each differing path.

use crate::events_support::*;
use playfield::events::model::*;
use playfield::events::{flexmatch, sns};
use serde_json::Value;
use uuid::Uuid;

fn check(detail_type: &str) {
    let events = seed_events();
    let (_, event) = events
        .iter()
        .find(|(t, _)| *t == detail_type)
        .expect("seed event");
    let expected = fixture(&format!("flexmatch/{detail_type}.json"));
    let actual: Value = serde_json::from_str(&flexmatch::render(event)).expect("valid JSON");
    let d = diff(&expected, &actual);
    assert!(
        d.is_empty(),
        "{detail_type} differs from the seed:\n{}",
        d.join("\n")
    );
}

/// Seed 001 "MatchmakingSearching" (also 002 line 3148): `estimatedWaitMillis` is the string
/// `"NOT_AVAILABLE"` when unknown; `gameSessionInfo` has only `players`.
#[test]
fn matchmaking_searching_matches_seed() {
    check("MatchmakingSearching");
}

/// Seed 001 "PotentialMatchCreated": acceptanceTimeout, acceptanceRequired,
/// ruleEvaluationMetrics, matchId; players with teams.
#[test]
fn potential_match_created_matches_seed() {
    check("PotentialMatchCreated");
}

/// Seed 001 "AcceptMatch": `accepted: false` on the player who answered; absent for the
/// player who has not.
#[test]
fn accept_match_matches_seed() {
    check("AcceptMatch");
}

/// Seed 001 "AcceptMatchCompleted": `acceptance: "TimedOut"`.
#[test]
fn accept_match_completed_matches_seed() {
    check("AcceptMatchCompleted");
}

/// Seed 001 "MatchmakingSucceeded": player session ids, gameSessionArn, ipAddress, port.
#[test]
fn matchmaking_succeeded_matches_seed() {
    check("MatchmakingSucceeded");
}

/// Seed 001 "MatchmakingTimedOut": `reason: "TimedOut"`, message, metrics, no matchId.
#[test]
fn matchmaking_timed_out_matches_seed() {
    check("MatchmakingTimedOut");
}

/// Seed 001 "MatchmakingCancelled": `reason: "Cancelled"`, "Cancelled by request.".
#[test]
fn matchmaking_cancelled_matches_seed() {
    check("MatchmakingCancelled");
}

/// Seed 001 "MatchmakingFailed": customEventData, reason UNEXPECTED_ERROR, matchId, and no
/// ruleEvaluationMetrics.
#[test]
fn matchmaking_failed_matches_seed() {
    check("MatchmakingFailed");
}

/// Seed 001, every example: the envelope is `version` "0", `detail-type` "GameLift
/// Matchmaking Event", `source` "aws.gamelift", account/region from the configuration ARN.
#[test]
fn envelope_comes_from_the_configuration_arn() {
    let mut e = searching("t-1", 7);
    if let EventBody::Matchmaking(m) = &mut e.body {
        m.configuration.arn =
            "arn:aws:gamelift:eu-central-1:999988887777:matchmakingconfiguration/X".into();
    }
    let v: Value = serde_json::from_str(&flexmatch::render(&e)).unwrap();
    assert_eq!(v["account"], "999988887777");
    assert_eq!(v["region"], "eu-central-1");
    assert_eq!(v["detail"]["estimatedWaitMillis"], 7);
    assert_eq!(v["id"], Uuid::from_u128(8).hyphenated().to_string());
    assert_eq!(v["time"], "2020-09-13T12:26:40.007Z");
}

/// Custom event data is in every event of a configuration that has it (002, "自定义事件数据":
/// "该数据包含在与对战构建器关联的每个事件中").
#[test]
fn custom_event_data_is_in_every_event() {
    for (t, mut e) in seed_events() {
        if let EventBody::Matchmaking(m) = &mut e.body {
            m.configuration.custom_event_data = Some("bar".into());
        }
        let v: Value = serde_json::from_str(&flexmatch::render(&e)).unwrap();
        assert_eq!(v["detail"]["customEventData"], "bar", "{t}");
    }
}

/// Placement events (general knowledge, not in the seeds): "GameLift Queue Placement Event",
/// resources = [queue ARN], `port` as a string, placed player sessions only when fulfilled.
#[test]
fn placement_events_render_queue_placement_shape() {
    let mut p = PlacementEvent {
        placement_id: "pl-1".into(),
        queue: QueueRef {
            name: "q".into(),
            arn: "arn:aws:gamelift:us-west-2:123456789012:gamesessionqueue/q".into(),
            notification_target: None,
        },
        outcome: PlacementOutcome::Fulfilled,
        start_time: EpochMillis(1000),
        end_time: EpochMillis(2000),
        timeout_seconds: 60,
        maximum_player_session_count: 10,
        game_properties: vec![],
        source: PlacementSource::Direct,
        game_session: Some(PlacedGameSession {
            game_session_arn: "arn:gs".into(),
            ip_address: "10.0.0.1".into(),
            port: 7777,
            region: "us-west-2".into(),
            ..PlacedGameSession::default()
        }),
        player_sessions: vec![PlacedPlayerSession {
            player_id: "p1".into(),
            player_session_id: "psess-1".into(),
            ..PlacedPlayerSession::default()
        }],
    };
    let e = |p: &PlacementEvent| DomainEvent {
        id: Uuid::nil(),
        time: EpochMillis(2000),
        body: EventBody::Placement(p.clone()),
    };
    let v: Value = serde_json::from_str(&flexmatch::render(&e(&p))).unwrap();
    assert_eq!(v["detail-type"], "GameLift Queue Placement Event");
    assert_eq!(v["resources"][0], p.queue.arn);
    assert_eq!(v["detail"]["type"], "PlacementFulfilled");
    assert_eq!(v["detail"]["port"], "7777");
    assert_eq!(
        v["detail"]["placedPlayerSessions"][0]["playerSessionId"],
        "psess-1"
    );
    p.outcome = PlacementOutcome::TimedOut;
    let v: Value = serde_json::from_str(&flexmatch::render(&e(&p))).unwrap();
    assert_eq!(v["detail"]["type"], "PlacementTimedOut");
    assert!(v["detail"].get("placedPlayerSessions").is_none());
    assert!(v["detail"].get("ipAddress").is_none());
}

fn subscription() -> sns::SnsSubscription {
    sns::SnsSubscription {
        topic_arn: "arn:aws:sns:us-west-2:111122223333:My_Matchmaking_SNS_Topic".into(),
        endpoint: "http://127.0.0.1:9080/sns/".into(),
        subscription_id: Uuid::from_u128(42),
        token: "abc123".into(),
    }
}

/// SNS HTTP notification (general SNS knowledge; the topic ARN is the seed's example from 002
/// "设置 FlexMatch 事件通知", `--notification-target "arn:aws:sns:us-west-2:111122223333:
/// My_Matchmaking_SNS_Topic"`): `Message` is the EventBridge JSON as a string.
#[test]
fn sns_notification_wraps_the_eventbridge_json() {
    let (_, e) = seed_events().remove(4);
    let inner = flexmatch::render(&e);
    let msg = sns::notification(&subscription(), Uuid::from_u128(7), &inner, e.time);
    let v: Value = serde_json::from_str(&msg.body).unwrap();
    assert_eq!(v["Type"], "Notification");
    assert_eq!(v["MessageId"], Uuid::from_u128(7).hyphenated().to_string());
    assert_eq!(v["TopicArn"], subscription().topic_arn);
    assert_eq!(v["Timestamp"], "2017-08-09T19:59:09.159Z");
    assert_eq!(v["SignatureVersion"], "1");
    assert!(v["Signature"].is_string());
    assert_eq!(
        v["SigningCertURL"],
        "http://127.0.0.1:9080/sns/SimpleNotificationService-playfield.pem"
    );
    let sub_arn = format!(
        "{}:{}",
        subscription().topic_arn,
        Uuid::from_u128(42).hyphenated()
    );
    assert_eq!(
        v["UnsubscribeURL"],
        format!("http://127.0.0.1:9080/sns/?Action=Unsubscribe&SubscriptionArn={sub_arn}")
    );
    let message: Value = serde_json::from_str(v["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message, fixture("flexmatch/MatchmakingSucceeded.json"));
    let h: std::collections::HashMap<_, _> = msg.headers.into_iter().collect();
    assert_eq!(h["x-amz-sns-message-type"], "Notification");
    assert_eq!(h["x-amz-sns-message-id"], v["MessageId"].as_str().unwrap());
    assert_eq!(h["x-amz-sns-topic-arn"], subscription().topic_arn);
    assert_eq!(h["x-amz-sns-subscription-arn"], sub_arn);
}

/// SNS SubscriptionConfirmation (general SNS knowledge): Token, SubscribeURL with
/// Action=ConfirmSubscription, TopicArn and Token.
#[test]
fn sns_subscription_confirmation_carries_token_and_subscribe_url() {
    let msg = sns::subscription_confirmation(&subscription(), Uuid::from_u128(9), EpochMillis(0));
    let v: Value = serde_json::from_str(&msg.body).unwrap();
    assert_eq!(v["Type"], "SubscriptionConfirmation");
    assert_eq!(v["Token"], "abc123");
    assert_eq!(v["TopicArn"], subscription().topic_arn);
    assert_eq!(
        v["SubscribeURL"],
        "http://127.0.0.1:9080/sns/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:\
         111122223333:My_Matchmaking_SNS_Topic&Token=abc123"
    );
    assert!(v["Message"].as_str().unwrap().contains("SubscribeURL"));
    assert_eq!(v["Timestamp"], "1970-01-01T00:00:00.000Z");
    for k in [
        "MessageId",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    assert!(v.get("UnsubscribeURL").is_none());
    let h: std::collections::HashMap<_, _> = msg.headers.into_iter().collect();
    assert_eq!(h["x-amz-sns-message-type"], "SubscriptionConfirmation");
    assert!(!h.contains_key("x-amz-sns-subscription-arn"));
}

/// Fresh subscriptions get distinct 64-hex-digit tokens.
#[test]
fn new_subscriptions_get_fresh_tokens() {
    let a = sns::SnsSubscription::new("arn:t", "http://x");
    let b = sns::SnsSubscription::new("arn:t", "http://x");
    assert_ne!(a.token, b.token);
    assert_eq!(a.token.len(), 64);
    assert!(a.token.chars().all(|c| c.is_ascii_hexdigit()));
}
