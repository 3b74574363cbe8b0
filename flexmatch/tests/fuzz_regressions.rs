//! Inputs the fuzz targets (`fuzz/` at the repository root) found to break the engine,
//! each reduced to what it needs.

use std::collections::BTreeMap;
use std::sync::Arc;

use playfield_flexmatch::{AttributeValue, Player, Pool, RuleSet, Ticket};

const MULTI_MAP: &str = include_str!("rulesets/04_multi_map_game.json");

fn player(id: &str, team: Option<&str>, attributes: &[(&str, AttributeValue)]) -> Player {
    Player {
        id: id.into(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        latency_ms: BTreeMap::new(),
        team: team.map(String::from),
    }
}

fn ticket(id: &str, created_ms: u64, backfill: bool, players: Vec<Player>) -> Ticket {
    Ticket {
        id: id.into(),
        players,
        created_ms,
        backfill,
    }
}

/// fuzz target pool_tickets: a backfill ticket (one player on red) and three regular tickets
/// fill the guide's multi-map rule set (3 v 3). The match, found around a newcomer, is built
/// again oldest ticket first; that rebuild asked `finish` to keep one ticket more than it had
/// added (the backfill ticket seeds, it is not added), so it failed, and so did the rebuild in
/// the order found: a debug build panicked ("a match found once builds again in the same
/// order"), a release build reported a match its builder had not judged.
#[test]
fn pool_tickets_multi_map_backfill_pass_does_not_panic() {
    let rs = Arc::new(RuleSet::parse(MULTI_MAP).unwrap());
    let mut pool = Pool::new(rs);
    let base = 65_271_758_757;
    pool.insert(ticket(
        "f",
        base + 12_602,
        false,
        vec![
            player("e", None, &[("experience", AttributeValue::Number(10.0))]),
            player("z", None, &[]),
        ],
    ))
    .unwrap();
    pool.insert(ticket(
        "c",
        base + 118_720,
        true,
        vec![player("c", Some("red"), &[])],
    ))
    .unwrap();
    pool.insert(ticket(
        "h",
        base + 97_076,
        false,
        vec![player("h", None, &[]), player("e", None, &[])],
    ))
    .unwrap();
    pool.insert(ticket(
        "g",
        base + 81_095,
        false,
        vec![player("g", None, &[])],
    ))
    .unwrap();
    let pass = pool.find_full_matches(base + 200_000, 1_544_171_723_403_270_019);
    assert_eq!(pass.matches.len(), 1, "{:?}", pass.matches);
    let m = &pass.matches[0];
    assert_eq!(m.backfill_ticket_id.as_deref(), Some("c"));
    let mut ids: Vec<&str> = m.ticket_ids.iter().map(|t| &**t).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["f", "g", "h"]);
    assert_eq!(m.player_count(), 6);
    assert!(pool.is_empty());
}
