//! Helpers shared by the events tests: seed fixtures, JSON comparison, the seed examples as
//! domain events (the webhook receiver is `playfield_testkit::Webhook`).
#![allow(dead_code)]

use playfield::events::model::*;
use serde_json::Value;
use std::path::PathBuf;
use uuid::Uuid;

pub const CONFIG_ARN: &str =
    "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/SampleConfiguration";

/// Epoch ms of an RFC 3339 time from a seed.
pub fn ms(iso: &str) -> EpochMillis {
    let t = time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339)
        .expect("seed time");
    EpochMillis((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

pub fn fixture(rel: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/events")
        .join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every difference between `expected` and `actual`, one line per field path.
pub fn diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, e: &Value, a: &Value, out: &mut Vec<String>) {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                match ao.get(k) {
                    Some(av) => diff_at(&format!("{path}.{k}"), ev, av, out),
                    None => out.push(format!("{path}.{k}: missing (expected {ev})")),
                }
            }
            for k in ao.keys().filter(|k| !eo.contains_key(*k)) {
                out.push(format!("{path}.{k}: unexpected field {}", ao[k]));
            }
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if ea.len() != aa.len() {
                out.push(format!("{path}: {} items, expected {}", aa.len(), ea.len()));
            }
            for (i, (ev, av)) in ea.iter().zip(aa).enumerate() {
                diff_at(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if e != a => out.push(format!("{path}: {a}, expected {e}")),
        _ => {}
    }
}

/// Differences of shape only: keys and value kinds (for schema examples with placeholders).
pub fn shape_diff(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    shape_at("$", expected, actual, &mut out);
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn shape_at(path: &str, e: &Value, a: &Value, out: &mut Vec<String>) {
    match (e, a) {
        (Value::Object(eo), Value::Object(ao)) => {
            for (k, ev) in eo {
                match ao.get(k) {
                    Some(av) => shape_at(&format!("{path}.{k}"), ev, av, out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in ao.keys().filter(|k| !eo.contains_key(*k)) {
                out.push(format!("{path}.{k}: not in the schema"));
            }
        }
        (Value::Array(ea), Value::Array(aa)) => {
            if let (Some(ev), Some(av)) = (ea.first(), aa.first()) {
                if !ev.is_null() {
                    shape_at(&format!("{path}[0]"), ev, av, out);
                }
            } else if !ea.is_empty() {
                out.push(format!("{path}: empty, the schema shows items"));
            }
        }
        _ if kind(e) != kind(a) => out.push(format!("{path}: {} expected {}", kind(a), kind(e))),
        _ => {}
    }
}

pub fn config() -> ConfigurationRef {
    ConfigurationRef {
        name: "SampleConfiguration".into(),
        arn: CONFIG_ARN.into(),
        ..ConfigurationRef::default()
    }
}

pub fn ticket(id: &str, start: &str, players: Vec<Player>) -> Ticket {
    Ticket {
        ticket_id: id.into(),
        start_time: ms(start),
        players,
        kind: TicketKind::Matchmaking,
    }
}

pub fn metrics(passed: u64) -> Vec<RuleEvaluationMetric> {
    [
        "EvenSkill",
        "EvenTeams",
        "FastConnection",
        "NoobSegregation",
    ]
    .iter()
    .map(|r| RuleEvaluationMetric {
        rule_name: (*r).into(),
        passed_count: passed,
        failed_count: 0,
    })
    .collect()
}

pub fn event(id: &str, time: &str, m: MatchmakingEvent) -> DomainEvent {
    DomainEvent {
        id: Uuid::parse_str(id).expect("uuid"),
        time: ms(time),
        body: EventBody::Matchmaking(m),
    }
}

fn gsi(players: Vec<Player>) -> GameSessionInfo {
    GameSessionInfo {
        players,
        ..GameSessionInfo::default()
    }
}

fn red() -> Player {
    Player::new("player-1").on_team("red")
}
fn blue() -> Player {
    Player::new("player-2").on_team("blue")
}

/// The eight seed examples (seed 001) as domain events, keyed by `detail.type`.
pub fn seed_events() -> Vec<(&'static str, DomainEvent)> {
    let c = config();
    let mk = |tickets, players, kind| MatchmakingEvent {
        configuration: c.clone(),
        tickets,
        game_session: gsi(players),
        kind,
    };
    let declined = Player {
        accepted: Some(false),
        ..blue()
    };
    let p1s = red().with_session("psess-6e7c13cf-10d6-4756-a53f-db7de782ed67");
    let p2s = blue().with_session("psess-786b342f-9c94-44eb-bb9e-c1de46c472ce");
    let mut succeeded = mk(
        vec![
            ticket("ticket-1", "2017-08-09T19:58:59.277Z", vec![p1s.clone()]),
            ticket("ticket-2", "2017-08-09T19:59:08.663Z", vec![p2s.clone()]),
        ],
        vec![p1s, p2s],
        MatchmakingEventKind::Succeeded {
            match_id: "c0ec1a54-7fec-4b55-8583-76d67adb7754".into(),
        },
    );
    succeeded.game_session.game_session_arn = Some(
        "arn:aws:gamelift:us-west-2:123456789012:gamesession/836cf48d-bcb0-4a2c-bec1-9c456541352a"
            .into(),
    );
    succeeded.game_session.ip_address = Some("192.168.1.1".into());
    succeeded.game_session.port = Some(10777);
    let mut failed = mk(
        vec![ticket("ticket-1", "2017-08-16T18:41:02.631Z", vec![red()])],
        vec![red()],
        MatchmakingEventKind::Failed {
            match_id: Some("3ea83c13-218b-43a3-936e-135cc570cba7".into()),
            reason: "UNEXPECTED_ERROR".into(),
            message: "An unexpected error was encountered during match placing.".into(),
            rule_evaluation_metrics: None,
        },
    );
    failed.configuration.custom_event_data = Some("foo".into());
    vec![
        (
            "MatchmakingSearching",
            event(
                "cc3d3ebe-1d90-48f8-b268-c96655b8f013",
                "2017-08-08T21:15:36.421Z",
                mk(
                    vec![ticket(
                        "ticket-1",
                        "2017-08-08T21:15:35.676Z",
                        vec![Player::new("player-1")],
                    )],
                    vec![Player::new("player-1")],
                    MatchmakingEventKind::Searching {
                        estimated_wait_millis: None,
                    },
                ),
            ),
        ),
        (
            "PotentialMatchCreated",
            event(
                "fce8633f-aea3-45bc-aeba-99d639cad2d4",
                "2017-08-08T21:17:41.178Z",
                mk(
                    vec![
                        ticket("ticket-1", "2017-08-08T21:15:35.676Z", vec![red()]),
                        ticket("ticket-2", "2017-08-08T21:17:40.657Z", vec![blue()]),
                    ],
                    vec![red(), blue()],
                    MatchmakingEventKind::PotentialMatchCreated {
                        match_id: "3faf26ac-f06e-43e5-8d86-08feff26f692".into(),
                        acceptance_required: true,
                        acceptance_timeout_seconds: 600,
                        rule_evaluation_metrics: metrics(3),
                    },
                ),
            ),
        ),
        (
            "AcceptMatch",
            event(
                "b3f76d66-c8e5-416a-aa4c-aa1278153edc",
                "2017-08-09T20:04:42.660Z",
                mk(
                    vec![
                        ticket("ticket-1", "2017-08-09T20:01:35.305Z", vec![red()]),
                        ticket(
                            "ticket-2",
                            "2017-08-09T20:04:16.637Z",
                            vec![declined.clone()],
                        ),
                    ],
                    vec![red(), declined],
                    MatchmakingEventKind::AcceptMatch {
                        match_id: "848b5f1f-0460-488e-8631-2960934d13e5".into(),
                    },
                ),
            ),
        ),
        (
            "AcceptMatchCompleted",
            event(
                "b1990d3d-f737-4d6c-b150-af5ace8c35d3",
                "2017-08-08T20:43:14.621Z",
                mk(
                    vec![
                        ticket("ticket-1", "2017-08-08T20:30:40.972Z", vec![red()]),
                        ticket("ticket-2", "2017-08-08T20:33:14.111Z", vec![blue()]),
                    ],
                    vec![red(), blue()],
                    MatchmakingEventKind::AcceptMatchCompleted {
                        match_id: "a0d9bd24-4695-4f12-876f-ea6386dd6dce".into(),
                        acceptance: AcceptanceOutcome::TimedOut,
                    },
                ),
            ),
        ),
        (
            "MatchmakingSucceeded",
            event(
                "5ccb6523-0566-412d-b63c-1569e00d023d",
                "2017-08-09T19:59:09.159Z",
                succeeded,
            ),
        ),
        (
            "MatchmakingTimedOut",
            event(
                "fe528a7d-46ad-4bdc-96cb-b094b5f6bf56",
                "2017-08-09T20:11:35.598Z",
                mk(
                    vec![ticket("ticket-1", "2017-08-09T20:01:35.305Z", vec![red()])],
                    vec![red()],
                    MatchmakingEventKind::TimedOut {
                        match_id: None,
                        message: TIMED_OUT_MESSAGE.into(),
                        rule_evaluation_metrics: metrics(3),
                    },
                ),
            ),
        ),
        (
            "MatchmakingCancelled",
            event(
                "8d6f84da-5e15-4741-8d5c-5ac99091c27f",
                "2017-08-09T20:00:07.843Z",
                mk(
                    vec![ticket(
                        "ticket-1",
                        "2017-08-09T19:59:26.118Z",
                        vec![Player::new("player-1")],
                    )],
                    vec![Player::new("player-1")],
                    MatchmakingEventKind::Cancelled {
                        match_id: None,
                        message: CANCELLED_MESSAGE.into(),
                        rule_evaluation_metrics: metrics(0),
                    },
                ),
            ),
        ),
        (
            "MatchmakingFailed",
            event(
                "025b55a4-41ac-4cf4-89d1-f2b3c6fd8f9d",
                "2017-08-16T18:41:09.970Z",
                failed,
            ),
        ),
    ]
}

/// A small searching event for ticket `ticket` with sequence number `seq` (in `time`).
pub fn searching(ticket_id: &str, seq: i64) -> DomainEvent {
    DomainEvent {
        id: Uuid::from_u128(seq as u128 + 1),
        time: EpochMillis(1_600_000_000_000 + seq),
        body: EventBody::Matchmaking(MatchmakingEvent {
            configuration: config(),
            tickets: vec![Ticket {
                ticket_id: ticket_id.into(),
                start_time: EpochMillis(1_600_000_000_000),
                players: vec![Player::new(format!("{ticket_id}-p"))],
                kind: TicketKind::Matchmaking,
            }],
            game_session: GameSessionInfo::default(),
            kind: MatchmakingEventKind::Searching {
                estimated_wait_millis: Some(seq as u64),
            },
        }),
    }
}
