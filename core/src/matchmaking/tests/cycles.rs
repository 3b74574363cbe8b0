//! Matchmaking cycles (issue 14 items 1, 2 and 5): tickets that arrive within one cycle are
//! matched together, matches grow toward maxPlayers, a full match forms at once, large
//! matches follow the guide's fill order, and a compatible pair is found in a pool of any size.

use super::*;

/// A STANDALONE core on `body` (no placement: a formed match completes its tickets at once).
fn standalone(body: &str) -> Core {
    core_with(body, |s| {
        s.flex_match_mode = FlexMatchMode::Standalone;
        s.game_session_queues.clear();
        s.request_timeout_seconds = 600;
    })
}

/// The matches formed, as their tickets' team sizes (team name → players), in order.
fn formed(effects: &[Effect]) -> Vec<Vec<String>> {
    mm_events(effects)
        .into_iter()
        .filter_map(|e| match e {
            MatchmakingEvent::PotentialMatchCreated { ticket_ids, .. } => {
                Some(ticket_ids.into_iter().map(String::from).collect())
            }
            _ => None,
        })
        .collect()
}

/// Team name → how many players of `tickets` were put on it.
fn team_sizes(c: &Core, tickets: &[String]) -> BTreeMap<String, usize> {
    let mut sizes = BTreeMap::new();
    for t in tickets {
        for p in c.ticket(t).unwrap().players {
            *sizes
                .entry(p.team.expect("a matched player has a team"))
                .or_insert(0) += 1;
        }
    }
    sizes
}

/// Guide 002 line 594: "FlexMatch 试图将队伍填满最大玩家人数" (FlexMatch tries to fill teams to
/// maxPlayers); lines 446–452: the pool's tickets are batched and matches built around each
/// batch's oldest ticket. Twelve compatible players within one cycle for teams of 4–8 make one
/// 6 v 6 at the end of the cycle, not a 4 v 4 as soon as eight have arrived.
#[test]
fn tickets_within_one_cycle_make_one_fuller_match() {
    let mut c = standalone(&teams_rule_set(4, 8));
    for i in 0..12 {
        start(&mut c, T0 + i, &format!("t{i:02}"), &[&format!("p{i:02}")]);
    }
    assert!(
        formed(&c.take_effects()).is_empty(),
        "nothing before the cycle ends"
    );
    advance(&mut c, T0 + CYCLE);
    let ms = formed(&c.take_effects());
    assert_eq!(ms.len(), 1, "{ms:?}");
    let sizes: Vec<usize> = team_sizes(&c, &ms[0]).into_values().collect();
    assert_eq!(sizes, [6, 6]);
}

/// Issue 14: 16 compatible tickets within one cycle for teams of 4–8 → one 8 v 8; the match is
/// full (guide 002 line 193: a match is ready when all its slots are filled), so it forms in
/// the call of its last ticket, without waiting for the cycle.
#[test]
fn sixteen_compatible_tickets_make_one_full_8v8_at_once() {
    let mut c = standalone(&teams_rule_set(4, 8));
    for i in 0..16 {
        start(&mut c, T0 + i, &format!("t{i:02}"), &[&format!("p{i:02}")]);
    }
    let ms = formed(&c.take_effects());
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(ms[0].len(), 16);
    let sizes: Vec<usize> = team_sizes(&c, &ms[0]).into_values().collect();
    assert_eq!(sizes, [8, 8]);
    assert_eq!(c.ticket("t15").unwrap().end_time, Some(T0 + 15));
}

/// A full match forms at once: the fourth player of a 2 v 2 (teams of exactly 2) completes it
/// inside its own StartMatchmaking.
#[test]
fn a_full_match_forms_at_once() {
    let mut c = standalone(&teams_rule_set(2, 2));
    for i in 0..4 {
        start(&mut c, T0 + i, &format!("t{i}"), &[&format!("p{i}")]);
    }
    assert_eq!(status(&c, "t3"), TicketStatus::Completed);
    assert_eq!(c.ticket("t0").unwrap().end_time, Some(T0 + 3));
}

/// Guide 002 line 594: "但确实会创建玩家人数较少的团队" (but does create teams with fewer
/// players): a lone 2 v 2's worth with teams of 2–4 still matches, after one cycle.
#[test]
fn a_lone_small_group_matches_after_one_cycle() {
    let mut c = standalone(&teams_rule_set(2, 4));
    for i in 0..4 {
        start(&mut c, T0, &format!("t{i}"), &[&format!("p{i}")]);
    }
    assert_eq!(status(&c, "t0"), TicketStatus::Searching);
    advance(&mut c, T0 + CYCLE - 1);
    assert_eq!(status(&c, "t0"), TicketStatus::Searching);
    advance(&mut c, T0 + CYCLE);
    for i in 0..4 {
        assert_eq!(status(&c, &format!("t{i}")), TicketStatus::Completed);
    }
}

/// Issue 14 item 2, guide 002 lines 655–671 (large matches): players go first to teams under
/// their minPlayers, then to the team with the most free slots, so equal teams stay within
/// one player of each other. 50 players within one cycle for Red and Blue of 15–30 and Green
/// of 3–5 make one match of 24/23/3 (or 23/24/3), and nobody is left to time out.
#[test]
fn fifty_players_make_one_large_match_in_the_guides_fill_order() {
    let body = r#"{
        "ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
        "algorithm": {"strategy": "balanced", "balancedAttribute": "skill"},
        "teams": [{"name": "red", "minPlayers": 15, "maxPlayers": 30},
                  {"name": "blue", "minPlayers": 15, "maxPlayers": 30},
                  {"name": "green", "minPlayers": 3, "maxPlayers": 5}]
    }"#;
    let mut c = standalone(body);
    for i in 0..50 {
        start(&mut c, T0 + i, &format!("t{i:02}"), &[&format!("p{i:02}")]);
    }
    assert!(
        formed(&c.take_effects()).is_empty(),
        "not cut at the minimum"
    );
    advance(&mut c, T0 + 49 + CYCLE);
    let ms = formed(&c.take_effects());
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(ms[0].len(), 50, "every player who fits is in the match");
    let s = team_sizes(&c, &ms[0]);
    assert_eq!(s["green"], 3);
    assert_eq!(s["red"] + s["blue"], 47);
    assert!(s["red"].abs_diff(s["blue"]) <= 1, "{s:?}");
}

/// A 1 v 1 where two players match only with a skill gap of at most 0.5.
const CLOSE_DUEL: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number"}],
    "teams": [{"name": "a", "minPlayers": 1, "maxPlayers": 1},
              {"name": "b", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "close", "type": "distance",
               "measurements": "max(flatten(teams[*].players.attributes[skill]))",
               "referenceValue": "min(flatten(teams[*].players.attributes[skill]))",
               "maxDistance": 0.5}]
}"#;

/// Issue 14 item 5: `unmatchable` tickets searching (distinct skills one apart: no two match),
/// then a pair of identical tickets: the pair is matched within a few cycles whatever the
/// pool's size.
fn a_pair_is_found_among(unmatchable: u64) {
    let mut c = standalone(CLOSE_DUEL);
    for i in 0..unmatchable {
        c.start_matchmaking(
            T0 + i / 100,
            StartMatchmaking {
                ticket_id: Some(format!("u{i}")),
                configuration_name: "cfg".into(),
                players: vec![player(&format!("u{i}"), i as f64)],
            },
        )
        .unwrap();
    }
    // The pool settles: its burst is worked through over the cycles.
    let settled = T0 + 200 * CYCLE;
    advance(&mut c, settled);
    assert!(formed(&c.take_effects()).is_empty());
    for t in ["x", "y"] {
        c.start_matchmaking(
            settled + 1,
            StartMatchmaking {
                ticket_id: Some(t.into()),
                configuration_name: "cfg".into(),
                players: vec![player(t, -100.0)],
            },
        )
        .unwrap();
    }
    advance(&mut c, settled + 1 + 3 * CYCLE);
    assert_eq!(
        status(&c, "x"),
        TicketStatus::Completed,
        "among {unmatchable}"
    );
    assert_eq!(
        status(&c, "y"),
        TicketStatus::Completed,
        "among {unmatchable}"
    );
    assert_eq!(status(&c, "u0"), TicketStatus::Searching);
}

#[test]
fn a_pair_is_found_among_600_unmatchable_tickets() {
    a_pair_is_found_among(600);
}

#[test]
fn a_pair_is_found_among_2000_unmatchable_tickets() {
    a_pair_is_found_among(2_000);
}

#[test]
fn a_pair_is_found_among_20000_unmatchable_tickets() {
    a_pair_is_found_among(20_000);
}
