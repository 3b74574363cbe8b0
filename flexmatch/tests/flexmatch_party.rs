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

use crate::common::*;
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

// ---------------------------------------------------------------------------------------
// Item 4: collection rules
// ---------------------------------------------------------------------------------------

fn modes(id: &str, lists: &[&[&str]]) -> Ticket {
    ticket(
        id,
        0,
        lists
            .iter()
            .enumerate()
            .map(|(i, l)| player(&format!("{id}-{i}")).list("modes", l))
            .collect(),
    )
}

fn collection(op_and_limits: &str, agg: Option<&str>) -> Arc<RuleSet> {
    let agg = agg.map_or(String::new(), |a| format!(r#", "partyAggregation": "{a}""#));
    two_teams(
        1,
        3,
        &format!(
            r#"{{"name": "k", "type": "collection", "measurements": "flatten(teams[*].players.attributes[modes])", {op_and_limits}{agg}}}"#
        ),
    )
}

/// Judges team a = `a`, team b = `b`.
fn lineup(rs: &RuleSet, a: Vec<Ticket>, b: Vec<Ticket>) -> Verdict {
    judge(rs, &[("a", a), ("b", b)], 0)
}

/// intersection under the default union (guide 002 lines 2979, 2983, 811, and line 1117:
/// "所有团队中的所有玩家必须至少选择一个共同的游戏模式"): a party [TDM] + [CTF] beside a
/// player [TDM] has no mode every player chose, so no match. Before the fix each member
/// carried the party's merged [CTF, TDM] and the CTF-only player was matched.
#[test]
fn intersection_under_union_requires_every_player_to_share() {
    for agg in [None, Some("union")] {
        let r = collection(r#""operation": "intersection", "minCount": 1"#, agg);
        let party = modes("party", &[&["TDM"], &["CTF"]]);
        assert_eq!(
            lineup(&r, vec![party.clone()], vec![modes("x", &[&["TDM"]])]),
            Verdict::RulesFail(vec!["k".into()]),
            "{agg:?}"
        );
        // The same three players as solo tickets: the same verdict.
        assert!(!ok(lineup(
            &r,
            vec![modes("p", &[&["TDM"]]), modes("q", &[&["CTF"]])],
            vec![modes("x", &[&["TDM"]])]
        )));
        // A party that does share a mode with everyone matches.
        let sharing = modes("party", &[&["TDM", "CTF"], &["TDM"]]);
        assert!(ok(lineup(&r, vec![sharing], vec![modes("x", &[&["TDM"]])])));
    }
}

/// contains counts players' collections (guide 002 line 2980: "计量包含特定参考值的玩家属性
/// 集合的数量"), one per player: a party [TDM, CTF] + [TDM] holds one CTF, like two solo
/// players with the same lists, so `contains CTF, minCount 2` fails for both. Before the fix
/// the party's merged list was counted once per member (2).
#[test]
fn contains_min_count_counts_each_player_once() {
    let r = collection(
        r#""operation": "contains", "referenceValue": "CTF", "minCount": 2"#,
        None,
    );
    let party = modes("party", &[&["TDM", "CTF"], &["TDM"]]);
    let solos = vec![modes("p", &[&["TDM", "CTF"]]), modes("q", &[&["TDM"]])];
    let other = || vec![modes("x", &[&["DOM"]])];
    assert!(!ok(lineup(&r, solos, other())));
    assert_eq!(
        lineup(&r, vec![party], other()),
        Verdict::RulesFail(vec!["k".into()])
    );
    // Two members who both chose CTF do count twice.
    let both = modes("party", &[&["TDM", "CTF"], &["CTF"]]);
    assert!(ok(lineup(&r, vec![both], other())));
}

/// contains with maxCount, as the guide's OverallMedicLimit (line ~1070, "maxCount": 5):
/// a party with one medic and one tank beside a solo medic holds two medics, within
/// maxCount 2 (guide 002 lines 2980, 2983). Before the fix the party counted two medics.
#[test]
fn contains_max_count_counts_only_the_players_who_chose_the_value() {
    let r = collection(
        r#""operation": "contains", "referenceValue": "medic", "maxCount": 2"#,
        None,
    );
    let party = modes("party", &[&["medic"], &["tank"]]);
    assert!(ok(lineup(&r, vec![party], vec![modes("x", &[&["medic"]])])));
    let medics = modes("party", &[&["medic"], &["medic"]]);
    assert!(!ok(lineup(
        &r,
        vec![medics],
        vec![modes("x", &[&["medic"]])]
    )));
}

/// reference_intersection_count as in the guide's preferred_characters example (lines
/// 1213–1271: every player's character must be on every player's preferredOpponents list).
/// A party A (plays X, wants Y) + B (plays Y, wants X) beside C (plays X, wants X and Y):
/// no character is on all three lists, so under the default union the match fails (line
/// 811). Before the fix the party's members each carried [X, Y] for both attributes.
#[test]
fn reference_intersection_count_under_union_judges_each_player() {
    let r = two_teams(
        1,
        3,
        r#"{"name": "OpponentMatch", "type": "collection", "operation": "reference_intersection_count",
            "measurements": ["flatten(teams[*].players.attributes[myCharacter])"],
            "referenceValue": "set_intersection(flatten(teams[*].players.attributes[preferredOpponents]))",
            "minCount": 1}"#,
    );
    let who = |id: &str, plays: &str, wants: &[&str]| {
        player(id)
            .list("myCharacter", &[plays])
            .list("preferredOpponents", wants)
    };
    let party = ticket(
        "party",
        0,
        vec![who("a", "X", &["Y"]), who("b", "Y", &["X"])],
    );
    let c = solo("c", 0, who("c", "X", &["X", "Y"]));
    assert_eq!(
        lineup(&r, vec![party], vec![c.clone()]),
        Verdict::RulesFail(vec!["OpponentMatch".into()])
    );
    // Everyone accepting both characters: a match.
    let party = ticket(
        "party",
        0,
        vec![who("a", "X", &["X", "Y"]), who("b", "Y", &["X", "Y"])],
    );
    assert!(ok(lineup(&r, vec![party], vec![c])));
}

/// partyAggregation intersection (guide 002 line 2983: "intersection使用队伍的共同玩家属性"):
/// each member is seen with only the values the whole party shares. These cases held before
/// the fix too; they pin the difference from union.
#[test]
fn intersection_aggregation_uses_the_partys_common_values() {
    let inter = |op: &str| collection(op, Some("intersection"));
    let party = modes("party", &[&["TDM", "CTF"], &["TDM"]]);
    let other = |l: &[&str]| vec![modes("x", &[l])];
    // The operation intersection: the party brings {TDM} only.
    let r = inter(r#""operation": "intersection", "minCount": 1"#);
    assert!(ok(lineup(&r, vec![party.clone()], other(&["TDM"]))));
    assert!(!ok(lineup(&r, vec![party.clone()], other(&["CTF"]))));
    // contains: both members count for a shared value, neither for a value one lacks.
    let r = inter(r#""operation": "contains", "referenceValue": "TDM", "minCount": 3"#);
    assert!(ok(lineup(&r, vec![party.clone()], other(&["TDM"]))));
    let r = inter(r#""operation": "contains", "referenceValue": "CTF", "minCount": 1"#);
    assert!(!ok(lineup(&r, vec![party.clone()], other(&["DOM"]))));
    // Under union the CTF player counts.
    let r = collection(
        r#""operation": "contains", "referenceValue": "CTF", "minCount": 1"#,
        Some("union"),
    );
    assert!(ok(lineup(&r, vec![party], other(&["DOM"]))));
}

/// Through the pool: a party [TDM] + [CTF] and a player [TDM], teams of 1–3 with a shared
/// mode required (guide 002 lines 811, 1117, 2983): no match forms; a second party
/// [TDM] + [TDM, CTF] does match the player.
#[test]
fn collection_party_in_a_pool() {
    let r = collection(r#""operation": "intersection", "minCount": 1"#, None);
    let mut pool = Pool::new(r.clone());
    pool.insert(modes("party", &[&["TDM"], &["CTF"]])).unwrap();
    pool.insert(modes("x", &[&["TDM"]])).unwrap();
    let pass = pool.find_matches(1_000, 1);
    assert!(pass.matches.is_empty(), "{:?}", pass.matches);
    let second = modes("second", &[&["TDM"], &["TDM", "CTF"]]);
    pool.insert(second).unwrap();
    let pass = pool.find_matches(2_000, 2);
    assert_eq!(pass.matches.len(), 1, "{:?}", pass.matches);
    let ids: Vec<&str> = pass.matches[0]
        .teams
        .iter()
        .flat_map(|t| t.players.iter().map(|p| &*p.ticket_id))
        .collect();
    assert!(!ids.contains(&"party"), "{ids:?}");
}
