//! Party tickets under `partyAggregation`, through StartMatchmaking (issue 14 items 3 and 4;
//! the rule engine's own cases are in flexmatch's `tests/flexmatch_party.rs`).

use super::*;
use playfield_flexmatch::AttributeValue;

/// Two teams of `min..=max`, a number `skill` and a string_list `modes`, and `rule`.
fn rule_set(min: u32, max: u32, rule: &str) -> String {
    format!(
        r#"{{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}},
                                 {{"name": "modes", "type": "string_list", "default": []}}],
            "teams": [{{"name": "red", "minPlayers": {min}, "maxPlayers": {max}}},
                      {{"name": "blue", "minPlayers": {min}, "maxPlayers": {max}}}],
            "rules": [{rule}]}}"#
    )
}

fn standalone(body: &str) -> Core {
    core_with(body, |s| {
        s.flex_match_mode = FlexMatchMode::Standalone;
        s.game_session_queues.clear();
    })
}

fn with_modes(id: &str, modes: &[&str]) -> Player {
    let mut p = player(id, 10.0);
    p.attributes.insert(
        "modes".into(),
        AttributeValue::StringList(modes.iter().map(|m| m.to_string()).collect()),
    );
    p
}

fn request(c: &mut Core, now: Millis, ticket: &str, players: Vec<Player>) {
    c.start_matchmaking(
        now,
        StartMatchmaking {
            ticket_id: Some(ticket.into()),
            configuration_name: "cfg".into(),
            players,
        },
    )
    .unwrap();
}

/// Guide 002 line 2900 (batchDistance partyAggregation: "票证玩家的最小值 (min)、最大值 (max)
/// 和平均 (avg) 值。默认为 avg。"): a party [100, 140] and two players of 120, maxDistance 10,
/// teams of exactly 2. Under min (the party is 100) no match forms within 10 s; under avg
/// (120) the three tickets complete. Before the fix the min case matched too.
#[test]
fn batch_distance_min_keeps_a_party_out_of_a_match_its_average_fits() {
    for (agg, want) in [
        ("min", TicketStatus::Searching),
        ("avg", TicketStatus::Completed),
    ] {
        let mut c = standalone(&rule_set(
            2,
            2,
            &format!(
                r#"{{"name": "close", "type": "batchDistance", "batchAttribute": "skill",
                     "maxDistance": 10, "partyAggregation": "{agg}"}}"#
            ),
        ));
        request(
            &mut c,
            T0,
            "party",
            vec![player("p0", 100.0), player("p1", 140.0)],
        );
        request(&mut c, T0 + 1, "x", vec![player("x", 120.0)]);
        request(&mut c, T0 + 2, "y", vec![player("y", 120.0)]);
        advance(&mut c, T0 + 10_000);
        for t in ["party", "x", "y"] {
            assert_eq!(status(&c, t), want, "{agg}: {t}");
        }
    }
}

/// Guide 002 lines 811 ("请求中的所有玩家都必须满足对战要求"), 1117 and 2983 (collection
/// partyAggregation, "默认为 union"): a party [TDM] + [CTF] and a player [TDM] under
/// `intersection, minCount 1` have no mode in common, so no match forms; a party
/// [TDM] + [TDM, CTF] arriving next matches the player. Before the fix the first party's
/// merged list matched it at once.
#[test]
fn collection_union_keeps_a_party_whose_player_shares_nothing_out() {
    let mut c = standalone(&rule_set(
        1,
        3,
        r#"{"name": "SharedMode", "type": "collection", "operation": "intersection",
            "measurements": ["flatten(teams[*].players.attributes[modes])"], "minCount": 1}"#,
    ));
    request(
        &mut c,
        T0,
        "party",
        vec![with_modes("p0", &["TDM"]), with_modes("p1", &["CTF"])],
    );
    request(&mut c, T0 + 1, "x", vec![with_modes("x", &["TDM"])]);
    advance(&mut c, T0 + 10_000);
    assert_eq!(status(&c, "party"), TicketStatus::Searching);
    assert_eq!(status(&c, "x"), TicketStatus::Searching);
    request(
        &mut c,
        T0 + 10_001,
        "second",
        vec![
            with_modes("q0", &["TDM"]),
            with_modes("q1", &["TDM", "CTF"]),
        ],
    );
    advance(&mut c, T0 + 20_000);
    assert_eq!(status(&c, "second"), TicketStatus::Completed);
    assert_eq!(status(&c, "x"), TicketStatus::Completed);
    assert_eq!(status(&c, "party"), TicketStatus::Searching);
}
