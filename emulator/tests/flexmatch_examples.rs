//! The guide's eleven example rule sets ("FlexMatch 规则集示例", 002 lines 803–1708):
//! each parses, and produces matches with the intent the guide states.

mod common;
use common::*;
use playfield::flexmatch::{Pool, Ticket};
use std::collections::HashMap;

const ALL: [&str; 11] = [
    "01_aliens_vs_cowboys",
    "02_players_vs_monster",
    "03_three_team_game",
    "04_multi_map_game",
    "05_preferred_characters",
    "06_compare_all_players",
    "07_free_for_all",
    "08_monster_hunters",
    "09_large_similar_attributes",
    "10_compound",
    "11_block_list",
];

/// Every example parses, comments and all (guide line 803: "完整复制这些规则集").
#[test]
fn all_examples_parse() {
    for name in ALL {
        let rs = example(name);
        assert!(!rs.teams.is_empty(), "{name}");
    }
    assert_eq!(example("03_three_team_game").teams.len(), 3);
    assert_eq!(example("03_three_team_game").teams[2].name, "trio_3");
    assert_eq!(example("08_monster_hunters").teams.len(), 11);
    assert!(example("08_monster_hunters").is_large());
    assert!(!example("10_compound").is_large());
}

/// Runs one pass and checks every match with the independent judge.
pub fn run(
    pool: &mut Pool,
    tickets: &[Ticket],
    now: u64,
    seed: u64,
) -> Vec<playfield::flexmatch::Match> {
    let by_id: HashMap<String, Ticket> =
        tickets.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let pass = pool.find_matches(now, seed);
    assert_valid(pool.rule_set(), &pass.matches, &by_id, now);
    pass.matches
}

pub fn fill(pool: &mut Pool, tickets: &[Ticket]) {
    for t in tickets {
        pool.insert(t.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", t.id));
    }
}
