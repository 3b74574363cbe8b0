//! The core's matchmaker data as the JSON document game servers and the service API read
//! (sdk-wire-protocol.md §5.2), and the character count the daemon gives the core.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use playfield_core::{build_matchmaker_data, json_length_bound, Backfill};

fn player(id: &str, attributes: &[(&str, AttributeValue)]) -> Player {
    Player {
        id: id.into(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        ..Player::default()
    }
}

/// A 1v1 match's document as the matchmaker builds it: players "a" (red) and "b" (blue) with
/// a skill of 10, the configuration "cfg", the given backfill fields.
fn duel(backfill: Backfill<'_>) -> MatchmakerData {
    let (a, b) = (
        player("a", &[("skill", AttributeValue::Number(10.0))]),
        player("b", &[("skill", AttributeValue::Number(10.0))]),
    );
    build_matchmaker_data(
        "m-1",
        "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/cfg",
        &[("red".into(), vec![&a]), ("blue".into(), vec![&b])],
        backfill,
    )
}

fn raw(d: &MatchmakerData) -> Value {
    serde_json::from_str(&matchmaker_data_json(d)).expect("the document is JSON")
}

/// sdk-wire-protocol.md §5.2: the matchmaker data carries `"autoBackfillMode"` — "`AUTOMATIC`
/// or `MANUAL`; GO turns any other value into `NOT_SET`" — beside `autoBackfillTicketId`.
/// Moved from core::matchmaking::tests::backfill (same name), which checks the typed mode the
/// core keeps; this checks the string game servers read.
#[test]
fn the_matchmaker_data_names_the_backfill_mode() {
    let manual = duel(Backfill {
        mode: BackfillMode::Manual,
        auto_ticket_id: None,
    });
    let written = raw(&manual);
    assert_eq!(written["autoBackfillMode"], "MANUAL", "{written}");
    assert!(written.get("autoBackfillTicketId").is_none(), "{written}");

    let automatic = duel(Backfill {
        mode: BackfillMode::Automatic,
        auto_ticket_id: Some("b1f6"),
    });
    let written = raw(&automatic);
    assert_eq!(written["autoBackfillMode"], "AUTOMATIC", "{written}");
    assert_eq!(written["autoBackfillTicketId"], "b1f6", "{written}");
}

/// §5.2 (and the guide's matchmaker data, lines 2240–2290): each attribute is written as
/// `{"attributeType": …, "valueAttribute": …}` — DOUBLE, STRING, STRING_LIST,
/// STRING_DOUBLE_MAP. The DOUBLE case moved from
/// core::matchmaking::tests::placement::a_match_is_placed_and_completes_when_the_session_activates,
/// which checks the typed value.
#[test]
fn attributes_are_written_with_their_attribute_type() {
    let p = player(
        "player-1",
        &[
            ("skill", AttributeValue::Number(10.0)),
            ("mode", AttributeValue::String("ctf".into())),
            (
                "items",
                AttributeValue::StringList(vec!["a".into(), "b".into()]),
            ),
            (
                "ranks",
                AttributeValue::StringNumberMap([("ctf".to_string(), 3.5)].into()),
            ),
        ],
    );
    let md = build_matchmaker_data(
        "m-1",
        "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/Duel",
        &[("red".into(), vec![&p])],
        Backfill {
            mode: BackfillMode::Manual,
            auto_ticket_id: None,
        },
    );
    let written = raw(&md);
    let attributes = &written["teams"][0]["players"][0]["attributes"];
    assert_eq!(
        attributes["skill"],
        json!({"attributeType": "DOUBLE", "valueAttribute": 10.0})
    );
    assert_eq!(
        attributes["mode"],
        json!({"attributeType": "STRING", "valueAttribute": "ctf"})
    );
    assert_eq!(
        attributes["items"],
        json!({"attributeType": "STRING_LIST", "valueAttribute": ["a", "b"]})
    );
    assert_eq!(
        attributes["ranks"],
        json!({"attributeType": "STRING_DOUBLE_MAP", "valueAttribute": {"ctf": 3.5}})
    );
    // What the SDK reads back is the same document.
    let read = wire::MatchmakerData::parse(&matchmaker_data_json(&md)).unwrap();
    assert_eq!(read, wire_matchmaker_data(&md));
    assert_eq!(read.configuration_name(), Some("Duel"));
}

/// The count the daemon gives the core is the JSON's characters (not bytes: the service's
/// bound is "string(1..390000)", service-api.md, GameSession).
#[test]
fn the_length_is_the_characters_of_the_json() {
    let mut md = duel(Backfill {
        mode: BackfillMode::Manual,
        auto_ticket_id: None,
    });
    md.match_id = "玩家".into();
    let json = matchmaker_data_json(&md);
    assert_eq!(matchmaker_data_len(&md), json.chars().count());
    assert!(json.len() > json.chars().count(), "{json}");
}

/// The core's default count ([`json_length_bound`]) follows the sdk-wire-protocol.md §5.2 layout: exact for a
/// document without numbers or control characters (quotes, backslashes and non-ASCII
/// included), and above the JSON by the room it leaves for each number.
#[test]
fn the_cores_bound_is_exact_without_numbers() {
    let a = player(
        "a\"\\玩家",
        &[
            ("mode", AttributeValue::String("c\"tf".into())),
            ("items", AttributeValue::StringList(vec!["a".into()])),
            ("none", AttributeValue::StringList(Vec::new())),
        ],
    );
    let b = player("b", &[]);
    let md = build_matchmaker_data(
        "m-1",
        "arn:aws:gamelift:us-west-2:123456789012:matchmakingconfiguration/cfg",
        &[("red".into(), vec![&a, &b]), ("blue".into(), Vec::new())],
        Backfill {
            mode: BackfillMode::Automatic,
            auto_ticket_id: Some("b1f6"),
        },
    );
    assert_eq!(json_length_bound(&md), matchmaker_data_len(&md));
    let bare = MatchmakerData {
        match_id: "m-1".into(),
        ..MatchmakerData::default()
    };
    assert_eq!(json_length_bound(&bare), matchmaker_data_len(&bare));

    let numbers = duel(Backfill {
        mode: BackfillMode::Manual,
        auto_ticket_id: None,
    });
    // Two skills written "10.0", each counted as 24 characters.
    assert_eq!(
        json_length_bound(&numbers),
        matchmaker_data_len(&numbers) + 2 * (24 - "10.0".len())
    );
}

/// Any printable text (`any::<String>()` leaves out control characters), or a short one made
/// of what JSON escapes: control characters, quotes, backslashes.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[\\x00-\\x1f\"\\\\a玩]{0,6}"]
}

fn value() -> impl Strategy<Value = AttributeValue> {
    prop_oneof![
        text().prop_map(AttributeValue::String),
        any::<f64>().prop_map(AttributeValue::Number),
        vec(text(), 0..3).prop_map(AttributeValue::StringList),
        btree_map(text(), any::<f64>(), 0..3).prop_map(AttributeValue::StringNumberMap),
    ]
}

fn document() -> impl Strategy<Value = MatchmakerData> {
    let player = (text(), btree_map(text(), value(), 0..3)).prop_map(
        |(player_id, attributes): (String, BTreeMap<String, AttributeValue>)| MatchedPlayer {
            player_id,
            attributes,
        },
    );
    let team =
        (text(), vec(player, 0..3)).prop_map(|(name, players)| MatchedTeam { name, players });
    let mode = proptest::option::of(prop_oneof![
        Just(BackfillMode::Automatic),
        Just(BackfillMode::Manual)
    ]);
    (
        text(),
        text(),
        vec(team, 0..3),
        proptest::option::of(text()),
        mode,
    )
        .prop_map(|(match_id, arn, teams, ticket, mode)| MatchmakerData {
            match_id,
            matchmaking_configuration_arn: arn,
            teams,
            auto_backfill_ticket_id: ticket,
            auto_backfill_mode: mode,
        })
}

proptest! {
    /// Any document, any strings (control characters included), any doubles (NaN and the
    /// infinities included): the core's default count is never below the JSON's, so a core
    /// counting with it never admits a document longer than the service's bound.
    #[test]
    fn the_cores_bound_is_never_below_the_json(md in document()) {
        prop_assert!(json_length_bound(&md) >= matchmaker_data_len(&md));
    }
}
