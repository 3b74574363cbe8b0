//! PGOS trigger calls and matchmaking post-processing (seed `003_b88cb9fe2efe5cb2.txt`,
//! "PGOS Extension Data Schema"). The schema's examples hold placeholders, so renderings are
//! compared by shape (every key, every value kind) and, where the domain decides them, by value.

use crate::events_support::*;
use playfield::events::model::*;
use playfield::events::pgos::{
    self, PgosOptions, PostProcessingError, PostProcessingRequest, PostProcessingResponse,
};
use playfield_flexmatch::AttributeValue;
use serde_json::Value;
use uuid::Uuid;

fn options() -> PgosOptions {
    let mut args = serde_json::Map::new();
    args.insert("env".into(), Value::from("dev"));
    PgosOptions {
        trigger_id: "c9aa5164-f79f-4472-9170-274f97b8dfe5".into(),
        args,
    }
}

fn render(e: &DomainEvent) -> Option<Value> {
    pgos::render(e, &options(), Uuid::from_u128(5)).map(|s| serde_json::from_str(&s).unwrap())
}

fn succeeded() -> DomainEvent {
    let mut e = seed_events().remove(4).1;
    if let EventBody::Matchmaking(m) = &mut e.body {
        m.configuration.rule_set_name = "SampleRuleSet".into();
        m.configuration.game_properties = vec![GameProperty {
            key: "mode".into(),
            value: "ctf".into(),
        }];
        let p = &mut m.tickets[0].players[0];
        p.attributes
            .insert("skill".into(), AttributeValue::Number(23.0));
        p.attributes
            .insert("maps".into(), AttributeValue::StringList(vec!["a".into()]));
        p.attributes
            .insert("name".into(), AttributeValue::String("n".into()));
        p.latency_in_ms.insert("us-west-2".into(), 40);
        for p in m.tickets.iter_mut().flat_map(|t| t.players.iter_mut()) {
            if p.attributes.is_empty() {
                p.attributes
                    .insert("skill".into(), AttributeValue::Number(1.0));
                p.latency_in_ms.insert("us-west-2".into(), 50);
            }
        }
    }
    e
}

fn placement(outcome: PlacementOutcome) -> DomainEvent {
    DomainEvent {
        id: Uuid::nil(),
        time: EpochMillis(1_601_654_400_000),
        body: EventBody::Placement(PlacementEvent {
            placement_id: "pl-1".into(),
            queue: QueueRef {
                name: "my-queue".into(),
                arn: "arn:aws:gamelift:us-west-2:123456789012:gamesessionqueue/my-queue".into(),
                notification_target: None,
            },
            outcome,
            start_time: EpochMillis(1_601_654_300_000),
            end_time: EpochMillis(1_601_654_400_000),
            timeout_seconds: 600,
            maximum_player_session_count: 10,
            game_properties: vec![GameProperty {
                key: "mode".into(),
                value: "ctf".into(),
            }],
            source: PlacementSource::Matchmaking {
                configuration_name: "SampleConfiguration".into(),
            },
            game_session: Some(PlacedGameSession {
                game_session_arn: "arn:aws:gamelift:us-west-2::gamesession/fleet-1/gs-1".into(),
                fleet_id: "fleet-1".into(),
                region: "us-west-2".into(),
                ip_address: "10.0.0.1".into(),
                dns_name: None,
                port: 7777,
                status: "ACTIVE".into(),
                status_reason: None,
                creation_time: EpochMillis(1_601_654_390_000),
                termination_time: None,
            }),
            player_sessions: vec![PlacedPlayerSession {
                player_id: "player-1".into(),
                player_session_id: "psess-1".into(),
                status: "RESERVED".into(),
                creation_time: EpochMillis(1_601_654_395_000),
            }],
        }),
    }
}

/// `args` are free-form (the schema shows `{}`), so they are left out of the shape check.
fn assert_shape(fixture_name: &str, actual: &Value) {
    let mut actual = actual.clone();
    if let Some(args) = actual.get_mut("args") {
        *args = serde_json::json!({});
    }
    let d = shape_diff(&fixture(&format!("pgos/{fixture_name}.json")), &actual);
    assert!(d.is_empty(), "{fixture_name}:\n{}", d.join("\n"));
}

/// Seed 003, "The event will be triggered when matchmaking managed to find a battle":
/// `event_matchmaking_completed` with battle_session_id, matched_players (match_attributes,
/// region_latencies, is_new, extra_data), timestamp, configuration_name, battle_properties,
/// ruleset_name.
#[test]
fn matchmaking_completed_matches_schema() {
    let v = render(&succeeded()).expect("PGOS renders MatchmakingSucceeded");
    assert_shape("event_matchmaking_completed", &v);
    assert_eq!(v["trigger_id"], options().trigger_id);
    assert_eq!(
        v["execution_id"],
        Uuid::from_u128(5).hyphenated().to_string()
    );
    assert_eq!(v["event_name"], "event_matchmaking_completed");
    assert_eq!(v["event_time"], 1_502_308_749_159i64);
    assert_eq!(v["args"]["env"], "dev");
    let d = &v["event_data"];
    assert_eq!(
        d["battle_session_id"],
        "arn:aws:gamelift:us-west-2:123456789012:gamesession/836cf48d-bcb0-4a2c-bec1-9c456541352a"
    );
    assert_eq!(d["configuration_name"], "SampleConfiguration");
    assert_eq!(d["ruleset_name"], "SampleRuleSet");
    assert_eq!(d["battle_properties"][0]["key"], "mode");
    let p = &d["matched_players"][0];
    assert_eq!(p["player_id"], "player-1");
    assert_eq!(p["team"], "red");
    assert_eq!(p["is_new"], true);
    assert_eq!(p["region_latencies"][0]["latency"], 40);
    assert_eq!(p["region_latencies"][0]["player_id"], "player-1");
    let attrs = p["match_attributes"].as_array().unwrap();
    assert_eq!(attrs.len(), 3);
    assert!(attrs
        .iter()
        .any(|a| a["name"] == "maps" && a["list_value"][0] == "a"));
    assert!(attrs
        .iter()
        .any(|a| a["name"] == "skill" && a["number_value"] == 23.0));
}

/// Backfill tickets hold the players already in the game: PGOS `is_new: false`.
#[test]
fn backfill_players_are_not_new() {
    let mut e = succeeded();
    if let EventBody::Matchmaking(m) = &mut e.body {
        m.tickets[1].kind = TicketKind::Backfill {
            game_session_arn: "arn:gs".into(),
        };
    }
    let v = render(&e).unwrap();
    assert_eq!(v["event_data"]["matched_players"][0]["is_new"], true);
    assert_eq!(v["event_data"]["matched_players"][1]["is_new"], false);
}

/// Seed 003, "...battle session placment is fulfilled": ip_address, port and
/// player_battle_sessions besides the common placement fields.
#[test]
fn placement_fulfilled_matches_schema() {
    let v = render(&placement(PlacementOutcome::Fulfilled)).unwrap();
    assert_shape("event_battle_session_placement_fulfilled", &v);
    let d = &v["event_data"];
    assert_eq!(v["event_name"], "event_battle_session_placement_fulfilled");
    assert_eq!(d["placer"], "my-queue");
    assert_eq!(d["fleet_id"], "fleet-1");
    assert_eq!(d["port"], 7777);
    assert_eq!(d["placing_timeout"], 600);
    assert_eq!(d["max_players"], 10);
    assert_eq!(d["source_type"], "matchmaking");
    assert_eq!(d["battle_session_status"], "ACTIVE");
    assert_eq!(d["terminated_time"], 0);
    assert_eq!(
        d["player_battle_sessions"][0]["player_battle_session_id"],
        "psess-1"
    );
    assert_eq!(
        d["player_battle_sessions"][0]["player_battle_session_status"],
        "RESERVED"
    );
}

/// Seed 003, "...placment is failed" and "...placemnt is timed out": no ip/port/player
/// sessions.
#[test]
fn placement_failed_and_timed_out_match_schema() {
    let v = render(&placement(PlacementOutcome::Failed)).unwrap();
    assert_shape("event_battle_session_placement_failed", &v);
    assert_eq!(v["event_name"], "event_battle_session_placement_failed");
    let v = render(&placement(PlacementOutcome::TimedOut)).unwrap();
    assert_shape("event_battle_session_placement_timedout", &v);
    assert_eq!(v["event_name"], "event_battle_session_placement_timedout");
}

/// Only the four mapped moments trigger PGOS calls.
#[test]
fn other_events_trigger_nothing() {
    for (t, e) in seed_events() {
        let expected = t == "MatchmakingSucceeded";
        assert_eq!(render(&e).is_some(), expected, "{t}");
    }
}

fn pmc() -> MatchmakingEvent {
    match succeeded().body {
        EventBody::Matchmaking(mut m) => {
            m.kind = MatchmakingEventKind::PotentialMatchCreated {
                match_id: "m-1".into(),
                acceptance_required: false,
                acceptance_timeout_seconds: 0,
                rule_evaluation_metrics: vec![],
            };
            m
        }
        EventBody::Placement(_) => unreachable!(),
    }
}

/// Seed 003, "This is the schema of request triggered by matchmaking service": trigger_id,
/// operation, trigger_time (string), data.battle.tickets, data.battle_properties.
#[test]
fn post_processing_request_matches_schema() {
    let req = PostProcessingRequest::for_match(&pmc(), "trig", EpochMillis(1234), |id| {
        u32::from(id == "ticket-2")
    })
    .expect("a request for PotentialMatchCreated");
    let v: Value = serde_json::from_str(&req.to_json()).unwrap();
    assert_shape("post_processing_request", &v);
    assert_eq!(v["trigger_time"], "1234");
    let t = &v["data"]["battle"]["tickets"];
    assert_eq!(t[0]["id"], "ticket-1");
    assert_eq!(t[0]["match_code"], "SampleConfiguration");
    assert_eq!(t[0]["status"], "PLACING");
    assert_eq!(t[0]["requeued_count"], 0);
    assert_eq!(t[1]["requeued_count"], 1);
    assert_eq!(t[0]["start_time"], 1_502_308_739_277i64);
    assert_eq!(v["data"]["battle_properties"][0]["value"], "ctf");
    // Not a match: no request.
    let mut other = pmc();
    other.kind = MatchmakingEventKind::Searching {
        estimated_wait_millis: None,
    };
    assert!(PostProcessingRequest::for_match(&other, "t", EpochMillis(0), |_| 0).is_none());
}

/// Seed 003, "This is the schema of response from virtual server": the seed example parses
/// into `battles` (2-D: battles of tickets) and `requeued_tickets`.
#[test]
fn post_processing_response_parses_the_seed_example() {
    let body = fixture("pgos/post_processing_response.json").to_string();
    let r = PostProcessingResponse::parse(body.as_bytes()).expect("seed example parses");
    assert_eq!(r.battles.len(), 1);
    assert_eq!(r.battles[0].tickets[0].id, "string");
    assert_eq!(
        r.battles[0].tickets[0].players[0].match_attributes[0].list_value,
        Vec::<String>::new()
    );
    assert_eq!(
        r.requeued_tickets[0].players[0].match_attributes[0].list_value,
        ["string"]
    );
    assert!(r.requeued_tickets[0].players[0].is_new);
}

/// A virtual server that splits the battle and requeues a ticket; and the errors it can make.
#[test]
fn post_processing_response_is_checked_against_the_request() {
    let req = PostProcessingRequest::for_match(&pmc(), "t", EpochMillis(0), |_| 0).unwrap();
    let ok = br#"{"battles":[{"tickets":[{"id":"ticket-1"}]}],"requeued_tickets":[{"id":"ticket-2","requeued_count":1}]}"#;
    let r = PostProcessingResponse::parse(ok).unwrap();
    assert_eq!(r.check_against(&req), Ok(()));
    assert!(r.dropped(&req).is_empty());
    assert_eq!(r.requeued_tickets[0].requeued_count, 1);

    let only_one =
        PostProcessingResponse::parse(br#"{"battles":[{"tickets":[{"id":"ticket-1"}]}]}"#).unwrap();
    assert_eq!(only_one.dropped(&req), ["ticket-2"]);

    let unknown =
        PostProcessingResponse::parse(br#"{"battles":[{"tickets":[{"id":"zzz"}]}]}"#).unwrap();
    assert_eq!(
        unknown.check_against(&req),
        Err(PostProcessingError::UnknownTicket("zzz".into()))
    );
    let twice = PostProcessingResponse::parse(
        br#"{"battles":[{"tickets":[{"id":"ticket-1"}]}],"requeued_tickets":[{"id":"ticket-1"}]}"#,
    )
    .unwrap();
    assert_eq!(
        twice.check_against(&req),
        Err(PostProcessingError::DuplicateTicket("ticket-1".into()))
    );
}

/// A response that does not parse is an error value, never a panic.
#[test]
fn bad_post_processing_responses_are_errors() {
    for body in [
        &b""[..],
        b"not json",
        b"[]",
        b"{\"battles\": 5}",
        b"{\"battles\": [{\"tickets\": [{\"id\": 7}]}]}",
        b"{\"requeued_tickets\": [{\"start_time\": \"soon\"}]}",
        b"\xff\xfe",
    ] {
        match PostProcessingResponse::parse(body) {
            Err(PostProcessingError::InvalidJson(msg)) => assert!(!msg.is_empty()),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
    // Empty object: nothing kept, nothing requeued.
    let r = PostProcessingResponse::parse(b"{}").unwrap();
    assert!(r.battles.is_empty() && r.requeued_tickets.is_empty());
}

/// The post-processing call over HTTP: a virtual server that requeues ticket-2; one that
/// answers 500; one that answers garbage; one that invents a ticket.
#[tokio::test]
async fn post_processing_call_round_trip() {
    use axum::http::StatusCode;
    use playfield::events::delivery::virtual_server::{post_process, CallError};

    async fn serve(status: u16, body: &'static str) -> String {
        let app = axum::Router::new().fallback(move |req: String| async move {
            // The request is the documented JSON.
            let v: Value = serde_json::from_str(&req).expect("request JSON");
            assert_eq!(v["operation"], pgos::post_processing::OPERATION);
            (StatusCode::from_u16(status).unwrap(), body)
        });
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/vs", l.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        url
    }
    let req = PostProcessingRequest::for_match(&pmc(), "t", EpochMillis(0), |_| 0).unwrap();
    let client = reqwest::Client::new();

    let url = serve(
        200,
        r#"{"battles":[{"tickets":[{"id":"ticket-1"}]}],"requeued_tickets":[{"id":"ticket-2"}]}"#,
    )
    .await;
    let r = post_process(&client, &url, &req).await.unwrap();
    assert_eq!(r.requeued_tickets[0].id, "ticket-2");

    let url = serve(500, "{}").await;
    assert_eq!(
        post_process(&client, &url, &req).await,
        Err(CallError::Status(500))
    );

    let url = serve(200, "<html>").await;
    assert!(matches!(
        post_process(&client, &url, &req).await,
        Err(CallError::Invalid(PostProcessingError::InvalidJson(_)))
    ));

    let url = serve(200, r#"{"battles":[{"tickets":[{"id":"x"}]}]}"#).await;
    assert!(matches!(
        post_process(&client, &url, &req).await,
        Err(CallError::Invalid(PostProcessingError::UnknownTicket(_)))
    ));

    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/vs", l.local_addr().unwrap())
    };
    assert!(matches!(
        post_process(&client, &dead, &req).await,
        Err(CallError::Transport(_))
    ));
}
