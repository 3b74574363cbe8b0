//! GPM push bodies and match tokens (seed `000_994b961ae4091a2b.txt`).

use crate::events_support::*;
use playfield::events::gpm::{self, GpmOptions, MatchTokens, TokenError};
use playfield::events::model::*;
use playfield_flexmatch::AttributeValue;
use serde_json::Value;

fn options() -> GpmOptions {
    GpmOptions {
        account: "100012345678".into(),
        region: "ap-shanghai".into(),
        tokens: MatchTokens::new("tok-1").unwrap(),
    }
}

fn with_mode(mut e: DomainEvent, mode: FlexMatchMode) -> DomainEvent {
    if let EventBody::Matchmaking(m) = &mut e.body {
        m.configuration.flex_match_mode = mode;
        m.configuration.custom_event_data = Some("cpd".into());
    }
    e
}

fn push(e: &DomainEvent) -> Option<Value> {
    gpm::render(e, &options()).map(|s| serde_json::from_str(&s).expect("JSON"))
}

fn seed(name: &str) -> DomainEvent {
    seed_events()
        .into_iter()
        .find(|(t, _)| *t == name)
        .map(|(_, e)| e)
        .unwrap()
}

/// Seed 000 "事件推送协议": every push has Time ("1970-01-01T00:00:00Z" form), Account,
/// Region, Source "TencentCloud.GPM", Type, Id, MatchTickets, CustomEventPushData, MatchTokens.
#[test]
fn push_body_has_every_protocol_field() {
    let v = push(&with_mode(
        seed("MatchmakingSearching"),
        FlexMatchMode::WithQueue,
    ))
    .unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "Account",
            "CustomEventPushData",
            "Id",
            "MatchTickets",
            "MatchTokens",
            "Region",
            "Source",
            "Time",
            "Type"
        ]
    );
    assert_eq!(v["Time"], "2017-08-08T21:15:36Z");
    assert_eq!(v["Account"], "100012345678");
    assert_eq!(v["Region"], "ap-shanghai");
    assert_eq!(v["Source"], "TencentCloud.GPM");
    assert_eq!(v["Type"], "MatchmakingSearching");
    assert_eq!(v["Id"], "cc3d3ebe-1d90-48f8-b268-c96655b8f013");
    assert_eq!(v["CustomEventPushData"], "cpd");
    assert_eq!(v["MatchTokens"], serde_json::json!(["tok-1"]));
    let t = &v["MatchTickets"][0];
    assert_eq!(t["Id"], "ticket-1");
    assert_eq!(t["MatchCode"], "SampleConfiguration");
    assert_eq!(t["MatchType"], "GSE");
    assert_eq!(t["Status"], "SEARCHING");
    assert_eq!(t["StartTime"], "2017-08-08T21:15:35.676Z");
    assert!(t.get("EndTime").is_none());
    assert_eq!(t["Players"][0]["Id"], "player-1");
}

/// An empty region option falls back to the configuration ARN's region.
#[test]
fn region_defaults_to_the_arn_region() {
    let mut o = options();
    o.region.clear();
    let s = gpm::render(&seed("MatchmakingSearching"), &o).unwrap();
    let v: Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["Region"], "us-west-2");
}

/// Seed 000 "事件推送时机" and the glossary's ticket states: the six types, and the status
/// each reports. GSE (WITH_QUEUE) matches go to PLACING at MatchCreated; TIMEDOUT is spelled
/// without underscore.
#[test]
fn types_and_statuses_for_a_gse_match() {
    let gse = |n| with_mode(seed(n), FlexMatchMode::WithQueue);
    let mut pmc = gse("PotentialMatchCreated");
    if let EventBody::Matchmaking(m) = &mut pmc.body {
        if let MatchmakingEventKind::PotentialMatchCreated {
            acceptance_required,
            ..
        } = &mut m.kind
        {
            *acceptance_required = false;
        }
    }
    let cases = [
        (
            gse("MatchmakingSearching"),
            "MatchmakingSearching",
            "SEARCHING",
            false,
        ),
        (pmc, "MatchCreated", "PLACING", false),
        (
            gse("MatchmakingSucceeded"),
            "MatchmakingSucceeded",
            "COMPLETED",
            true,
        ),
        (
            gse("MatchmakingTimedOut"),
            "MatchmakingTimedOut",
            "TIMEDOUT",
            true,
        ),
        (
            gse("MatchmakingCancelled"),
            "MatchmakingCancelled",
            "CANCELLED",
            true,
        ),
        (
            gse("MatchmakingFailed"),
            "MatchmakingFailed",
            "FAILED",
            true,
        ),
    ];
    for (e, ty, status, ended) in cases {
        let v = push(&e).unwrap_or_else(|| panic!("{ty}: no push"));
        assert_eq!(v["Type"], ty);
        for t in v["MatchTickets"].as_array().unwrap() {
            assert_eq!(t["Status"], status, "{ty}");
            assert_eq!(t.get("EndTime").is_some(), ended, "{ty} EndTime");
        }
    }
    let failed = push(&gse("MatchmakingFailed")).unwrap();
    assert_eq!(
        failed["MatchTickets"][0]["StatusReason"],
        "UNEXPECTED_ERROR"
    );
    assert_eq!(
        failed["MatchTickets"][0]["StatusMessage"],
        "An unexpected error was encountered during match placing."
    );
    let ok = push(&gse("MatchmakingSucceeded")).unwrap();
    let result: Value =
        serde_json::from_str(ok["MatchTickets"][0]["MatchResult"].as_str().unwrap()).unwrap();
    assert_eq!(result["IpAddress"], "192.168.1.1");
    assert_eq!(result["Port"], 10777);
    assert_eq!(
        result["PlayerSessions"][1]["PlayerSessionId"],
        "psess-786b342f-9c94-44eb-bb9e-c1de46c472ce"
    );
}

/// Seed 000 "事件推送时机": for a match that requests no GSE resources (NORMAL, FlexMatch
/// STANDALONE), the tickets' life ends at MatchCreated: status COMPLETED, and no
/// MatchmakingSucceeded push follows.
#[test]
fn normal_match_ends_at_match_created() {
    let normal = |n| with_mode(seed(n), FlexMatchMode::Standalone);
    // Acceptance was required in the seed: MatchCreated comes when acceptance completes
    // with Accepted, not at PotentialMatchCreated.
    assert!(push(&normal("PotentialMatchCreated")).is_none());
    let mut accepted = normal("AcceptMatchCompleted");
    if let EventBody::Matchmaking(m) = &mut accepted.body {
        m.kind = MatchmakingEventKind::AcceptMatchCompleted {
            match_id: "m".into(),
            acceptance: AcceptanceOutcome::Accepted,
        };
    }
    let v = push(&accepted).unwrap();
    assert_eq!(v["Type"], "MatchCreated");
    assert_eq!(v["MatchTickets"][0]["MatchType"], "NORMAL");
    assert_eq!(v["MatchTickets"][0]["Status"], "COMPLETED");
    assert_eq!(v["MatchTickets"][1]["Players"][0]["Team"], "blue");
    assert!(v["MatchTickets"][0].get("EndTime").is_some());
    assert!(push(&normal("MatchmakingSucceeded")).is_none());
}

/// GPM has no acceptance step (glossary): AcceptMatch and an acceptance that failed are not
/// pushed, nor are placement events.
#[test]
fn no_push_for_acceptance_or_placement() {
    assert!(push(&seed("AcceptMatch")).is_none());
    assert!(push(&seed("AcceptMatchCompleted")).is_none()); // TimedOut
    let p = DomainEvent {
        id: uuid::Uuid::nil(),
        time: EpochMillis(0),
        body: EventBody::Placement(PlacementEvent {
            placement_id: "p".into(),
            queue: QueueRef::default(),
            outcome: PlacementOutcome::Fulfilled,
            start_time: EpochMillis(0),
            end_time: EpochMillis(0),
            timeout_seconds: 0,
            maximum_player_session_count: 0,
            game_properties: vec![],
            source: PlacementSource::Direct,
            game_session: None,
            player_sessions: vec![],
        }),
    };
    assert!(push(&p).is_none());
    assert_eq!(gpm::push_type(&p), None);
}

/// GPM Player shape (public API reference): MatchAttributes (Type 0 number, 1 string),
/// RegionLatencies {Region, Latency}.
#[test]
fn players_carry_attributes_and_latencies() {
    let mut e = seed("MatchmakingSearching");
    if let EventBody::Matchmaking(m) = &mut e.body {
        let p = &mut m.tickets[0].players[0];
        p.attributes
            .insert("skill".into(), AttributeValue::Number(23.0));
        p.attributes
            .insert("mode".into(), AttributeValue::String("ranked".into()));
        p.latency_in_ms.insert("ap-shanghai".into(), 35);
    }
    let v = push(&e).unwrap();
    let p = &v["MatchTickets"][0]["Players"][0];
    assert_eq!(
        p["MatchAttributes"],
        serde_json::json!([
            {"Name": "mode", "Type": 1, "StringValue": "ranked"},
            {"Name": "skill", "Type": 0, "NumberValue": 23.0}
        ])
    );
    assert_eq!(
        p["RegionLatencies"],
        serde_json::json!([{"Region": "ap-shanghai", "Latency": 35}])
    );
}

/// Glossary "GPM match tokens": after a replacement, pushes carry current + previous during
/// the compatibility span, only the current one after it.
#[test]
fn match_tokens_roll_with_a_compatibility_span() {
    let t0 = EpochMillis(1_000_000);
    let mut tokens = MatchTokens::new("old").unwrap();
    tokens.replace("new", 60, t0).unwrap();
    assert_eq!(tokens.valid_at(t0), ["new", "old"]);
    assert_eq!(tokens.valid_at(EpochMillis(t0.0 + 59_999)), ["new", "old"]);
    assert_eq!(tokens.valid_at(EpochMillis(t0.0 + 60_000)), ["new"]);
    // The span is capped at 1800 s.
    tokens.replace("newer", 99_999, t0).unwrap();
    assert_eq!(tokens.valid_at(t0.plus_secs(1799)), ["newer", "new"]);
    assert_eq!(tokens.valid_at(t0.plus_secs(1800)), ["newer"]);
    // Span 0: the old token stops at once.
    tokens.replace("x", 0, t0).unwrap();
    assert_eq!(tokens.valid_at(t0), ["x"]);
    assert_eq!(tokens.current(), "x");

    // In a push: the event time decides.
    let mut o = options();
    o.tokens
        .replace("tok-2", 30, ms("2017-08-08T21:15:20.000Z"))
        .unwrap();
    let within = gpm::render(&seed("MatchmakingSearching"), &o).unwrap();
    let v: Value = serde_json::from_str(&within).unwrap();
    assert_eq!(v["MatchTokens"], serde_json::json!(["tok-2", "tok-1"]));
    o.tokens
        .replace("tok-3", 10, ms("2017-08-08T21:15:00.000Z"))
        .unwrap();
    let after = gpm::render(&seed("MatchmakingSearching"), &o).unwrap();
    let v: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(v["MatchTokens"], serde_json::json!(["tok-3"]));
}

/// Tokens are 0–64 characters of [a-zA-Z0-9-_.].
#[test]
fn token_rules() {
    assert!(MatchTokens::new("").is_ok());
    assert!(MatchTokens::new("a-Z_0.9").is_ok());
    assert_eq!(MatchTokens::new("a b"), Err(TokenError::BadChar(' ')));
    assert_eq!(
        MatchTokens::new("x".repeat(65)),
        Err(TokenError::TooLong(65))
    );
    assert!(MatchTokens::new("x".repeat(64)).is_ok());
}
