//! Property-based tests: every match a pass produces satisfies every rule in force at that
//! moment (judged independently by `judge`), no ticket is matched twice, matched tickets
//! leave the pool and the others stay.

use crate::common::*;
use playfield_flexmatch::{Pool, RuleSet, Ticket};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

const REGIONS: [&str; 3] = ["us", "eu", "ap"];

/// A random player: skill, a role, tags, a block entry and latencies.
#[derive(Debug, Clone)]
struct Gen {
    skill: f64,
    flag: bool,
    tags: Vec<u8>,
    block: u8,
    lat: [u32; 3],
}

fn gen() -> impl Strategy<Value = Gen> {
    (
        0.0..200.0f64,
        any::<bool>(),
        prop::collection::vec(0u8..4, 0..3),
        0u8..40,
        [20u32..200, 20u32..200, 20u32..200],
    )
        .prop_map(|(skill, flag, tags, block, lat)| Gen {
            skill,
            flag,
            tags,
            block,
            lat,
        })
}

fn make_player(rs: &RuleSet, id: &str, g: &Gen) -> P {
    let mut p = player(id);
    for a in &rs.attributes {
        p = match (a.name.as_str(), a.kind) {
            ("BlockList", _) => p.list("BlockList", &[&format!("p{}", g.block)]),
            ("wantsToBeMonster", _) => p.num("wantsToBeMonster", if g.flag { 1.0 } else { 0.0 }),
            ("character", playfield_flexmatch::AttrType::StringList) => {
                p.list("character", &[if g.flag { "medic" } else { "archer" }])
            }
            (_, playfield_flexmatch::AttrType::Number) => p.num(&a.name, g.skill),
            (_, playfield_flexmatch::AttrType::String) => {
                p.s(&a.name, if g.flag { "x" } else { "y" })
            }
            (_, playfield_flexmatch::AttrType::StringList) => {
                let t: Vec<String> = g.tags.iter().map(|t| format!("t{t}")).collect();
                let t: Vec<&str> = t.iter().map(String::as_str).collect();
                p.list(&a.name, &t)
            }
            _ => p,
        };
    }
    for (r, ms) in REGIONS.iter().zip(g.lat) {
        p = p.lat(r, ms);
    }
    p
}

/// Builds tickets (parties of 1–3 where `party` is set) and runs one pass at `now`.
fn check_pass(
    rs: Arc<RuleSet>,
    players: &[Gen],
    ages: &[u64],
    party: bool,
    now: u64,
    seed: u64,
) -> Result<(), TestCaseError> {
    let mut pool = Pool::new(rs.clone());
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < players.len() {
        let n = if party {
            1 + (players[i].block as usize % 3)
        } else {
            1
        }
        .min(players.len() - i);
        let ps: Vec<P> = (i..i + n)
            .map(|j| make_player(&rs, &format!("p{j}"), &players[j]))
            .collect();
        let t = ticket(&format!("t{k}"), ages[k % ages.len()], ps);
        if pool.insert(t.clone()).is_ok() {
            tickets.push(t);
        }
        i += n;
        k += 1;
    }
    let by_id: HashMap<String, Ticket> =
        tickets.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let before = pool.len();
    let pass = pool.find_matches(now, seed);
    let mut seen = HashSet::new();
    for m in &pass.matches {
        for id in &m.ticket_ids {
            prop_assert!(seen.insert(id.clone()), "ticket {} matched twice", id);
            prop_assert!(!pool.contains(id));
        }
        let verdict = playfield_flexmatch::judge(&rs, &lineup(m, &by_id), now);
        prop_assert_eq!(verdict, playfield_flexmatch::Verdict::Valid, "{:?}", m);
    }
    prop_assert_eq!(pool.len(), before - seen.len());
    Ok(())
}

fn five_v_five() -> Arc<RuleSet> {
    parse(
        r#"{"ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number"}],
        "teams": [{"name": "red", "minPlayers": 3, "maxPlayers": 5}, {"name": "blue", "minPlayers": 3, "maxPlayers": 5}],
        "rules": [{"name": "FairTeamSkill", "type": "distance", "measurements": ["avg(teams[*].players.attributes[skill])"],
                   "referenceValue": "avg(flatten(teams[*].players.attributes[skill]))", "maxDistance": 20},
                  {"name": "EqualTeamSizes", "type": "comparison", "measurements": ["count(teams[red].players)"],
                   "referenceValue": "count(teams[blue].players)", "operation": "="},
                  {"name": "latency", "type": "latency", "maxLatency": 100}],
        "expansions": [{"target": "rules[FairTeamSkill].maxDistance", "steps": [{"waitTimeSeconds": 10, "value": 60}]},
                       {"target": "rules[latency].maxLatency", "steps": [{"waitTimeSeconds": 20, "value": 150}]}]}"#,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Small-match rule sets, single-player tickets.
    #[test]
    fn small_matches_satisfy_their_rules(
        players in prop::collection::vec(gen(), 10..60),
        ages in prop::collection::vec(0u64..40_000, 1..8),
        which in 0usize..6,
        now in 30_000u64..60_000,
        seed in any::<u64>(),
    ) {
        let rs = match which {
            0 => five_v_five(),
            1 => example("01_aliens_vs_cowboys"),
            2 => example("02_players_vs_monster"),
            3 => example("03_three_team_game"),
            4 => example("11_block_list"),
            _ => example("10_compound"),
        };
        check_pass(rs, &players, &ages, false, now, seed)?;
    }

    /// Parties of 1–3 players: partyAggregation and whole-ticket placement.
    #[test]
    fn party_matches_satisfy_their_rules(
        players in prop::collection::vec(gen(), 10..60),
        ages in prop::collection::vec(0u64..40_000, 1..8),
        which in 0usize..3,
        now in 30_000u64..60_000,
        seed in any::<u64>(),
    ) {
        let rs = match which {
            0 => five_v_five(),
            1 => example("01_aliens_vs_cowboys"),
            _ => example("03_three_team_game"),
        };
        check_pass(rs, &players, &ages, true, now, seed)?;
    }

    /// Large matches with the balanced strategy.
    #[test]
    fn large_matches_satisfy_their_rules(
        players in prop::collection::vec(gen(), 100..400),
        ages in prop::collection::vec(0u64..30_000, 1..4),
        which in 0usize..2,
        party in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let rs = if which == 0 { example("07_free_for_all") } else { example("08_monster_hunters") };
        check_pass(rs, &players, &ages, party, 30_000, seed)?;
    }
}
