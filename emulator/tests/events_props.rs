//! Property tests: renderers produce valid JSON that carries the caller's strings unchanged,
//! for any strings and any times; the post-processing parser never panics on any body.
//! (architecture.md, "Choices": nothing in the daemon panics on input.)

use crate::events_support::*;
use playfield::events::format::{render, Format};
use playfield::events::gpm::{GpmOptions, MatchTokens};
use playfield::events::model::*;
use playfield::events::pgos::{PgosOptions, PostProcessingResponse};
use playfield::events::sns::SnsSubscription;
use playfield_flexmatch::AttributeValue;
use proptest::prelude::*;
use serde_json::Value;
use uuid::Uuid;

fn formats() -> Vec<Format> {
    vec![
        Format::EventBridge,
        Format::Sns(SnsSubscription::new(
            "arn:aws:sns:us-west-2:1:t",
            "http://x",
        )),
        Format::Gpm(GpmOptions {
            account: "1".into(),
            region: String::new(),
            tokens: MatchTokens::new("t").unwrap(),
        }),
        Format::Pgos(PgosOptions::default()),
    ]
}

fn attr() -> impl Strategy<Value = AttributeValue> {
    prop_oneof![
        any::<String>().prop_map(AttributeValue::String),
        any::<f64>().prop_map(AttributeValue::Number),
        prop::collection::vec(any::<String>(), 0..3).prop_map(AttributeValue::StringList),
        prop::collection::btree_map(any::<String>(), any::<f64>(), 0..3)
            .prop_map(AttributeValue::StringNumberMap),
    ]
}

fn player() -> impl Strategy<Value = Player> {
    (
        any::<String>(),
        proptest::option::of(any::<String>()),
        proptest::option::of(any::<String>()),
        prop::collection::btree_map(any::<String>(), attr(), 0..3),
        prop::collection::btree_map(any::<String>(), any::<u32>(), 0..3),
    )
        .prop_map(|(id, team, session, attributes, latency_in_ms)| Player {
            player_id: id,
            team,
            player_session_id: session,
            accepted: None,
            attributes,
            latency_in_ms,
        })
}

fn event() -> impl Strategy<Value = DomainEvent> {
    (
        any::<i64>(),
        any::<i64>(),
        any::<String>(),
        proptest::option::of(any::<String>()),
        player(),
        0usize..8,
        proptest::option::of(any::<u16>()),
    )
        .prop_map(|(time, start, ticket_id, custom, p, kind, port)| {
            let kind = match kind {
                0 => MatchmakingEventKind::Searching {
                    estimated_wait_millis: None,
                },
                1 => MatchmakingEventKind::PotentialMatchCreated {
                    match_id: ticket_id.clone(),
                    acceptance_required: false,
                    acceptance_timeout_seconds: 1,
                    rule_evaluation_metrics: metrics(1),
                },
                2 => MatchmakingEventKind::AcceptMatch {
                    match_id: "m".into(),
                },
                3 => MatchmakingEventKind::AcceptMatchCompleted {
                    match_id: "m".into(),
                    acceptance: AcceptanceOutcome::Accepted,
                },
                4 => MatchmakingEventKind::Succeeded {
                    match_id: "m".into(),
                },
                5 => MatchmakingEventKind::TimedOut {
                    match_id: None,
                    message: ticket_id.clone(),
                    rule_evaluation_metrics: vec![],
                },
                6 => MatchmakingEventKind::Cancelled {
                    match_id: Some("m".into()),
                    message: String::new(),
                    rule_evaluation_metrics: vec![],
                },
                _ => MatchmakingEventKind::Failed {
                    match_id: None,
                    reason: ticket_id.clone(),
                    message: ticket_id.clone(),
                    rule_evaluation_metrics: None,
                },
            };
            let mut configuration = config();
            configuration.custom_event_data = custom;
            DomainEvent {
                id: Uuid::nil(),
                time: EpochMillis(time),
                body: EventBody::Matchmaking(MatchmakingEvent {
                    configuration,
                    tickets: vec![Ticket {
                        ticket_id: ticket_id.into(),
                        start_time: EpochMillis(start),
                        players: vec![p.clone()],
                        kind: TicketKind::Matchmaking,
                    }],
                    game_session: GameSessionInfo {
                        port,
                        players: vec![p],
                        ..GameSessionInfo::default()
                    },
                    kind,
                }),
            }
        })
}

proptest! {
    #[test]
    fn every_rendering_is_valid_json_carrying_the_strings(e in event()) {
        let EventBody::Matchmaking(m) = &e.body else { unreachable!() };
        for f in formats() {
            if let Some(r) = render(&f, &e, Uuid::nil()) {
                let v: Value = serde_json::from_str(&r.body).expect("valid JSON");
                let inner = match &f {
                    Format::Sns(_) => serde_json::from_str(v["Message"].as_str().unwrap()).unwrap(),
                    _ => v,
                };
                match &f {
                    Format::EventBridge | Format::Sns(_) => {
                        prop_assert_eq!(&inner["detail"]["tickets"][0]["ticketId"], &Value::from(m.tickets[0].ticket_id.as_str()));
                        prop_assert_eq!(&inner["detail"]["gameSessionInfo"]["players"][0]["playerId"], &Value::from(m.tickets[0].players[0].player_id.clone()));
                        let t = inner["time"].as_str().unwrap();
                        prop_assert_eq!(t.len(), 24, "{}", t);
                    }
                    Format::Gpm(_) => {
                        prop_assert_eq!(&inner["MatchTickets"][0]["Id"], &Value::from(m.tickets[0].ticket_id.as_str()));
                        prop_assert_eq!(inner["Time"].as_str().unwrap().len(), 20);
                    }
                    Format::Pgos(_) => {
                        prop_assert_eq!(&inner["event_data"]["matched_players"][0]["player_id"], &Value::from(m.tickets[0].players[0].player_id.clone()));
                    }
                }
            }
        }
    }

    #[test]
    fn post_processing_parse_never_panics_on_bytes(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = PostProcessingResponse::parse(&body);
    }

    #[test]
    fn post_processing_parse_never_panics_on_json(
        battles in prop::collection::vec(prop::collection::vec(any::<String>(), 0..3), 0..3),
        junk in any::<i64>(),
    ) {
        let body = serde_json::json!({
            "battles": battles.iter().map(|ids| serde_json::json!({
                "tickets": ids.iter().map(|id| serde_json::json!({"id": id, "start_time": junk})).collect::<Vec<_>>()
            })).collect::<Vec<_>>(),
            "requeued_tickets": [{"id": "x", "players": [{"player_id": "p", "match_attributes": [{"list_value": [null, "a"]}]}]}],
        });
        let r = PostProcessingResponse::parse(body.to_string().as_bytes()).expect("documented shape parses");
        prop_assert_eq!(r.battles.len(), battles.len());
        prop_assert_eq!(&r.requeued_tickets[0].players[0].match_attributes[0].list_value, &vec!["a".to_owned()]);
    }
}
