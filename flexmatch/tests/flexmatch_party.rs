//! Party tickets under `partyAggregation` (issue 14, items 3 and 4): batchDistance with
//! min, max and avg, and collection rules with union and intersection. Judged on explicit
//! line-ups with `judge` (the rule engine alone) and through a [`Pool`] (batching included).
//!
//! Guide 002 quoted throughout:
//! - line 811: "当评估包含多个玩家的对战票证时，请求中的所有玩家都必须满足对战要求。"
//!   (every player of a multi-player request must meet the match requirements);
//! - line 2900 (batchDistance): "partyAggregation – … 有效的选项包括票证玩家的最小值 (min)、
//!   最大值 (max) 和平均 (avg) 值。默认为 avg。";
//! - lines 2979–2981 (collection operations): intersection "衡量所有玩家收藏中相同值的数量",
//!   contains "计量包含特定参考值的玩家属性集合的数量", reference_intersection_count
//!   "测量玩家属性集合中与参考值集合中的物品相匹配的物品数量";
//! - line 2983 (collection): "对于此值，您可以使用union合并队伍中所有玩家的玩家属性。或者，
//!   您可以intersection使用队伍的共同玩家属性。默认为 union。"
//!
//! The reading followed for collections (the guide does not spell it out): every operation
//! is stated over *players'* collections (2979–2981) and every player of a request must meet
//! the requirement (811), so a party never lends one player's values to another.
//! - `union` (the default) merges all the party's players' attributes into the
//!   measurement: each player enters with their own collection, and every one of them is
//!   counted and must meet the rule. (Giving each player the party's merged list instead
//!   lets a player who shares nothing with the match in, and counts a value once per member
//!   however few members chose it.)
//! - `intersection` uses the party's common attributes: each player of the party enters with
//!   the values the whole party shares.

mod common;
use common::*;
use playfield_flexmatch::{judge, Pool, RuleSet, Ticket, Verdict};
use std::sync::Arc;

fn ok(v: Verdict) -> bool {
    v == Verdict::Valid
}

fn skill_ticket(id: &str, skills: &[f64]) -> Ticket {
    ticket(
        id,
        0,
        skills
            .iter()
            .enumerate()
            .map(|(i, s)| player(&format!("{id}-{i}")).num("skill", *s))
            .collect(),
    )
}

/// Two teams of `min..=max` players, a number `skill` and a string_list `modes` (no defaults).
fn two_teams(min: u32, max: u32, rules: &str) -> Arc<RuleSet> {
    parse(&format!(
        r#"{{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{{"name": "skill", "type": "number", "default": 0}},
                                 {{"name": "modes", "type": "string_list", "default": []}},
                                 {{"name": "myCharacter", "type": "string_list", "default": []}},
                                 {{"name": "preferredOpponents", "type": "string_list", "default": []}}],
            "teams": [{{"name": "a", "minPlayers": {min}, "maxPlayers": {max}}},
                      {{"name": "b", "minPlayers": {min}, "maxPlayers": {max}}}],
            "rules": [{rules}]}}"#
    ))
}

fn batch_distance(agg: &str) -> Arc<RuleSet> {
    two_teams(
        2,
        2,
        &format!(
            r#"{{"name": "close", "type": "batchDistance", "batchAttribute": "skill", "maxDistance": 10, "partyAggregation": "{agg}"}}"#
        ),
    )
}

// ---------------------------------------------------------------------------------------
// Item 3: batchDistance
// ---------------------------------------------------------------------------------------

/// Guide 002 line 2900: batchDistance's partyAggregation takes the ticket's players' min,
/// max or avg. A party [100, 140] beside two players of 120 with maxDistance 10: under min
/// the party is 100 (20 away), under max 140 (20 away), under avg 120 (0 away). The avg
/// case held before the fix too (avg was always used); min and max failed.
#[test]
fn batch_distance_party_min_max_avg_judged() {
    for (agg, want) in [("min", false), ("max", false), ("avg", true)] {
        let v = judge(
            &batch_distance(agg),
            &[
                ("a", vec![skill_ticket("party", &[100.0, 140.0])]),
                (
                    "b",
                    vec![skill_ticket("x", &[120.0]), skill_ticket("y", &[120.0])],
                ),
            ],
            0,
        );
        assert_eq!(ok(v.clone()), want, "{agg}: {v:?}");
    }
}

/// The same party on the other side of each aggregate: next to two players of 100 it fits
/// under min only, next to two of 140 under max only (guide 002 line 2900).
#[test]
fn batch_distance_party_min_and_max_admit_their_own_side() {
    for (agg, others, want) in [
        ("min", 100.0, true),
        ("avg", 100.0, false),
        ("max", 100.0, false),
        ("max", 140.0, true),
        ("avg", 140.0, false),
        ("min", 140.0, false),
    ] {
        let v = judge(
            &batch_distance(agg),
            &[
                ("a", vec![skill_ticket("party", &[100.0, 140.0])]),
                (
                    "b",
                    vec![skill_ticket("x", &[others]), skill_ticket("y", &[others])],
                ),
            ],
            0,
        );
        assert_eq!(ok(v.clone()), want, "{agg} beside {others}: {v:?}");
    }
}

/// Through the pool (exhaustiveSearch, batches sorted on the batch attribute): the party
/// [100, 140] and two players of 120 form a 2v2 under avg only (guide 002 line 2900).
#[test]
fn batch_distance_party_aggregation_in_a_pool() {
    for (agg, want) in [("min", 0), ("max", 0), ("avg", 1)] {
        let mut pool = Pool::new(batch_distance(agg));
        pool.insert(skill_ticket("party", &[100.0, 140.0])).unwrap();
        pool.insert(skill_ticket("x", &[120.0])).unwrap();
        pool.insert(skill_ticket("y", &[120.0])).unwrap();
        let pass = pool.find_matches(1_000, 1);
        assert_eq!(pass.matches.len(), want, "{agg}: {:?}", pass.matches);
    }
}

/// A large match (more than 40 players: the balanced strategy, which sorts and windows the
/// pool on batchDistance attributes) applies the rule's partyAggregation too (guide 002
/// line 2900; large rule sets allow batchDistance, line ~2630). Party [100, 140] and two
/// players of 100: a match under min only; with two players of 120: under avg only.
#[test]
fn batch_distance_party_aggregation_in_a_large_match() {
    let large = |agg: &str| {
        parse(&format!(
            r#"{{"ruleLanguageVersion": "1.0",
                "playerAttributes": [{{"name": "skill", "type": "number", "default": 0}}],
                "algorithm": {{"strategy": "balanced", "balancedAttribute": "skill"}},
                "teams": [{{"name": "all", "minPlayers": 4, "maxPlayers": 50}}],
                "rules": [{{"name": "close", "type": "batchDistance", "batchAttribute": "skill",
                            "maxDistance": 10, "partyAggregation": "{agg}"}}]}}"#
        ))
    };
    for (agg, others, want) in [
        ("min", 100.0, 1),
        ("avg", 100.0, 0),
        ("min", 120.0, 0),
        ("max", 120.0, 0),
        ("avg", 120.0, 1),
    ] {
        let mut pool = Pool::new(large(agg));
        pool.insert(skill_ticket("party", &[100.0, 140.0])).unwrap();
        pool.insert(skill_ticket("x", &[others])).unwrap();
        pool.insert(skill_ticket("y", &[others])).unwrap();
        let pass = pool.find_matches(1_000, 1);
        assert_eq!(
            pass.matches.len(),
            want,
            "{agg} beside {others}: {:?}",
            pass.matches
        );
    }
}
