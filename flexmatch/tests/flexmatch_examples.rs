//! The guide's eleven example rule sets ("FlexMatch 规则集示例", 002 lines 803–1708):
//! each parses, and produces matches with the intent the guide states.

use crate::common::*;
use playfield_flexmatch::{Pool, Ticket};
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
    assert_eq!(&*example("03_three_team_game").teams[2].name, "trio_3");
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
) -> Vec<playfield_flexmatch::Match> {
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

/// Example 1 (lines 822–901): two teams of 4–8, equal sizes, team average skill within 10
/// of the match average. Sixteen similar players make one 8 v 8 match.
#[test]
fn aliens_vs_cowboys_makes_equal_fair_teams() {
    let rs = example("01_aliens_vs_cowboys");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..16)
        .map(|i| {
            solo(
                &format!("t{i}"),
                0,
                player(&format!("p{i}")).num("skill", 100.0 + (i % 8) as f64),
            )
        })
        .collect();
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 1_000, 1);
    assert_eq!(m.len(), 1);
    let t = teams_of(&m[0]);
    assert_eq!(t["cowboys"].len(), 8);
    assert_eq!(t["aliens"].len(), 8);
}

/// Example 1: "如果未提供，则默认为 10" — a player without skill gets 10.
#[test]
fn aliens_vs_cowboys_default_skill() {
    let rs = example("01_aliens_vs_cowboys");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..8)
        .map(|i| solo(&format!("t{i}"), 0, player(&format!("p{i}"))))
        .collect();
    fill(&mut pool, &tickets);
    assert_eq!(run(&mut pool, &tickets, 0, 1).len(), 1);
}

fn hunter(id: &str, desired: f64) -> P {
    player(id)
        .num("skill", 10.0)
        .num("desiredSkillOfMonster", desired)
        .num("wantsToBeMonster", 0.0)
}

/// Example 2 (lines 903–999): "玩家必须请求怪物角色" and the monster's skill must meet the
/// hunters' highest desired monster skill. Two players want to be the monster; only the
/// skilled one qualifies, and nobody who wants to be the monster becomes a hunter.
#[test]
fn the_monster_wants_to_be_the_monster() {
    let rs = example("02_players_vs_monster");
    let mut pool = Pool::new(rs);
    let mut tickets: Vec<Ticket> = (0..5)
        .map(|i| {
            solo(
                &format!("h{i}"),
                0,
                hunter(&format!("h{i}"), 30.0 + i as f64),
            )
        })
        .collect();
    tickets.push(solo(
        "weak",
        0,
        player("weak")
            .num("skill", 20.0)
            .num("wantsToBeMonster", 1.0),
    ));
    tickets.push(solo(
        "strong",
        1,
        player("strong")
            .num("skill", 50.0)
            .num("wantsToBeMonster", 1.0),
    ));
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 1_000, 3);
    assert_eq!(m.len(), 1);
    let t = teams_of(&m[0]);
    assert_eq!(t["monster"], vec!["strong".to_string()]);
    assert_eq!(t["players"].len(), 5);
    assert!(t["players"].iter().all(|p| p.starts_with('h')));
    assert!(pool.contains("weak"));
}

/// Example 2: "30 秒后，允许启动猎人团队只包含四个玩家的游戏" — with four hunters the match
/// forms at 30 s, not before (expansion on teams[players].minPlayers).
#[test]
fn monster_hunt_relaxes_team_size_at_30_seconds() {
    let rs = example("02_players_vs_monster");
    let mut pool = Pool::new(rs);
    let mut tickets: Vec<Ticket> = (0..4)
        .map(|i| solo(&format!("h{i}"), 0, hunter(&format!("h{i}"), 10.0)))
        .collect();
    tickets.push(solo(
        "m",
        0,
        player("m").num("skill", 50.0).num("wantsToBeMonster", 1.0),
    ));
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 29_999, 1).is_empty());
    assert_eq!(pool.next_expansion_due(29_999), Some(30_000));
    let m = run(&mut pool, &tickets, 30_000, 1);
    assert_eq!(m.len(), 1);
    assert_eq!(teams_of(&m[0])["players"].len(), 4);
}

fn trio_player(i: usize, medic: bool, ms: u32) -> P {
    let role = if medic { "medic" } else { "archer" };
    player(&format!("p{i}"))
        .num("skill", 10.0)
        .list("character", &[role])
        .lat("us-east-1", ms)
}

/// Example 3 (lines 1001–1101): "整个对战游戏最多可以包含 5 个医生" and team sizes within one.
/// With 15 players of whom 8 are medics, the match leaves at least 3 medics out.
#[test]
fn at_most_five_medics() {
    let rs = example("03_three_team_game");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..15)
        .map(|i| solo(&format!("t{i}"), i as u64, trio_player(i, i < 8, 30)))
        .collect();
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 1_000, 5);
    assert_eq!(m.len(), 1);
    let medics = m[0]
        .teams
        .iter()
        .flat_map(|t| &t.players)
        .filter(|p| p.player_id[1..].parse::<usize>().unwrap() < 8)
        .count();
    assert!(medics <= 5, "{medics} medics");
    let sizes: Vec<usize> = m[0].teams.iter().map(|t| t.players.len()).collect();
    assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
    assert_eq!(m[0].regions, vec!["us-east-1".to_string()]);
}

/// Example 3: "10 秒之后，允许将玩家的延迟时间值增加到 100 毫秒" — 80 ms players match at 10 s.
#[test]
fn latency_expansion_takes_effect_at_ten_seconds() {
    let rs = example("03_three_team_game");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..9)
        .map(|i| solo(&format!("t{i}"), 0, trio_player(i, false, 80)))
        .collect();
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 9_999, 1).is_empty());
    assert_eq!(run(&mut pool, &tickets, 10_000, 1).len(), 1);
}

/// Example 3: "如果对战请求忽略一个或多个玩家的延迟数据，则会拒绝所有对战游戏的请求" — refused on entry.
#[test]
fn latency_rule_needs_latency_data() {
    let mut pool = Pool::new(example("03_three_team_game"));
    let err = pool
        .insert(solo("t", 0, player("p").num("skill", 1.0)))
        .unwrap_err();
    assert!(err.to_string().contains("latency"), "{err}");
}

fn map_player(id: &str, exp: f64, prefs: &[(&str, f64)]) -> P {
    player(id)
        .num("experience", exp)
        .map("mapPreference", prefs)
        .list("gameMode", &["coop"])
}

/// Example 4 (lines 1103–1209): absoluteSort on the anchor's favourite map, descending, then
/// distanceSort on experience. The anchor prefers map A: candidates who rate A highest come
/// first, ties broken by closeness of experience.
#[test]
fn explicit_sort_prefers_the_anchors_map_then_close_experience() {
    let rs = example("04_multi_map_game");
    let mut pool = Pool::new(rs);
    let mut tickets = vec![solo(
        "anchor",
        0,
        map_player("anchor", 50.0, &[("A", 100.0), ("B", 5.0)]),
    )];
    for i in 0..4 {
        tickets.push(solo(
            &format!("a{i}"),
            10,
            map_player(&format!("a{i}"), 50.0 + i as f64, &[("A", 90.0)]),
        ));
    }
    tickets.push(solo(
        "a_far",
        10,
        map_player("a_far", 500.0, &[("A", 90.0)]),
    ));
    tickets.push(solo(
        "a_near",
        10,
        map_player("a_near", 51.0, &[("A", 90.0)]),
    ));
    for i in 0..5 {
        tickets.push(solo(
            &format!("b{i}"),
            5,
            map_player(&format!("b{i}"), 50.0, &[("A", 1.0), ("B", 100.0)]),
        ));
    }
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 1_000, 2);
    let m: Vec<_> = m
        .into_iter()
        .filter(|m| m.ticket_ids.iter().any(|t| &**t == "anchor"))
        .collect();
    assert_eq!(m.len(), 1);
    let mut ids: Vec<String> = m[0]
        .teams
        .iter()
        .flat_map(|t| t.players.iter().map(|p| p.player_id.clone()))
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["a0", "a1", "a2", "a3", "a_near", "anchor"]);
}

/// Example 4: "所有团队中的所有玩家必须至少选择一个共同的游戏模式" — no common mode, no match.
#[test]
fn shared_mode_is_required() {
    let rs = example("04_multi_map_game");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..6)
        .map(|i| {
            let mode = if i == 0 { "solo" } else { "coop" };
            solo(
                &format!("t{i}"),
                0,
                player(&format!("p{i}")).list("gameMode", &[mode]),
            )
        })
        .collect();
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 0, 1).is_empty());
}

fn brawler(id: &str, me: &str, wants: &[&str]) -> P {
    player(id)
        .list("myCharacter", &[me])
        .list("preferredOpponents", wants)
}

/// Example 5 (lines 1211–1282): every character in the match must be on every player's
/// preferred-opponent list; after 15 s minCount drops to 0 and anyone goes.
#[test]
fn preferred_characters_and_its_expansion() {
    let rs = example("05_preferred_characters");
    let mut pool = Pool::new(rs.clone());
    let all = ["orc", "elf", "dwarf"];
    let mut tickets: Vec<Ticket> = (0..4)
        .map(|i| {
            solo(
                &format!("t{i}"),
                0,
                brawler(&format!("p{i}"), all[i % 3], &all),
            )
        })
        .collect();
    tickets.push(solo("picky", 0, brawler("picky", "orc", &["elf"])));
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 14_999, 1).is_empty());
    assert_eq!(run(&mut pool, &tickets, 15_000, 1).len(), 1);

    let mut pool = Pool::new(rs);
    let mut ok: Vec<Ticket> = (0..5)
        .map(|i| {
            solo(
                &format!("u{i}"),
                0,
                brawler(&format!("u{i}"), all[i % 3], &all),
            )
        })
        .collect();
    ok.push(solo("picky", 0, brawler("picky", "orc", &["elf"])));
    fill(&mut pool, &ok);
    let m = run(&mut pool, &ok, 1_000, 1);
    assert_eq!(m.len(), 1);
    assert!(pool.contains("picky"));
}

/// Example 6 (lines 1284–1354): same mode, same map, different characters; `character` has
/// no default, so a player without it is refused.
#[test]
fn compare_all_players() {
    let rs = example("06_compare_all_players");
    let mut pool = Pool::new(rs);
    let c = |id: &str, mode: &str, ch: f64| {
        solo(id, 0, player(id).s("gameMode", mode).num("character", ch))
    };
    let tickets = vec![
        c("a", "ranked", 1.0),
        c("b", "casual", 2.0),
        c("c", "ranked", 1.0),
        c("d", "ranked", 2.0),
    ];
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 0, 4);
    assert_eq!(m.len(), 1);
    let ids: Vec<&str> = m[0]
        .teams
        .iter()
        .flat_map(|t| t.players.iter().map(|p| p.player_id.as_str()))
        .collect();
    assert!(
        ids.contains(&"d") && (ids.contains(&"a") || ids.contains(&"c")),
        "{ids:?}"
    );
    assert!(pool.contains("b"));
    let err = pool.insert(solo("x", 0, player("x"))).unwrap_err();
    assert!(
        err.to_string().contains("\"character\" is required"),
        "{err}"
    );
}

fn large(id: &str, skill: f64, lat: &[(&str, u32)]) -> Ticket {
    let mut p = player(id).num("skill", skill);
    for (r, ms) in lat {
        p = p.lat(r, *ms);
    }
    solo(id, 0, p)
}

/// Example 7 (lines 1356–1422): one team of 175–200 within 150 ms. 380 players make two
/// matches (200 and 180); after 10 s a team of 150 is enough.
#[test]
fn free_for_all_large_match() {
    let rs = example("07_free_for_all");
    let mut pool = Pool::new(rs.clone());
    let tickets: Vec<Ticket> = (0..380)
        .map(|i| large(&format!("t{i}"), i as f64, &[("eu", 40)]))
        .collect();
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 0, 1);
    let mut sizes: Vec<usize> = m.iter().map(|x| x.player_count()).collect();
    sizes.sort();
    assert_eq!(sizes, vec![180, 200]);

    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..160)
        .map(|i| large(&format!("t{i}"), i as f64, &[("eu", 40)]))
        .collect();
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 9_999, 1).is_empty());
    assert_eq!(run(&mut pool, &tickets, 10_000, 1).len(), 1);
}

/// Example 8 (lines 1424–1496): ten hunter teams of 12–15 and five monsters. 155 players fill
/// every team; 125 players give 12 per hunter team and 5 monsters (the guide's fill walk-through).
#[test]
fn monster_hunters_fill_order() {
    let rs = example("08_monster_hunters");
    for (n, hunters) in [(155, 15), (125, 12)] {
        let mut pool = Pool::new(rs.clone());
        let tickets: Vec<Ticket> = (0..n)
            .map(|i| {
                solo(
                    &format!("t{i}"),
                    0,
                    player(&format!("p{i}"))
                        .num("monster-kills", i as f64)
                        .lat("us", 30),
                )
            })
            .collect();
        fill(&mut pool, &tickets);
        let m = run(&mut pool, &tickets, 0, 1);
        assert_eq!(m.len(), 1, "{n}");
        for t in &m[0].teams {
            let want = if &*t.name == "Monsters" { 5 } else { hunters };
            assert_eq!(t.players.len(), want, "{n}: {}", t.name);
        }
    }
}

/// Example 9 (lines 1498–1574): batchDistance on league (2), skill (10), map and mode:
/// players asking for another mode are never in the same match.
#[test]
fn large_match_batches_similar_players() {
    let rs = example("09_large_similar_attributes");
    let mut pool = Pool::new(rs);
    let mk = |i: usize, mode: &str| {
        let p = player(&format!("p{i}"))
            .num("league", 3.0)
            .num("skill", 100.0 + (i % 5) as f64)
            .s("map", "dust")
            .s("mode", mode)
            .lat("us", 20);
        solo(&format!("t{i}"), 0, p)
    };
    let mut tickets: Vec<Ticket> = (0..200).map(|i| mk(i, "ctf")).collect();
    tickets.extend((200..260).map(|i| mk(i, "dm")));
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 0, 1);
    assert_eq!(m.len(), 1);
    let t = teams_of(&m[0]);
    assert_eq!(t["red"].len(), 100);
    assert_eq!(t["blue"].len(), 100);
    assert!(t
        .values()
        .flatten()
        .all(|p| p[1..].parse::<usize>().unwrap() < 200));
    assert_eq!(pool.len(), 60);
}

/// Example 10 (lines 1576–1661): or(and(SameMap, SameMode), and(SimilarSkill, SimilarLeague)).
/// Players on one map and mode match whatever their skill; players on different maps match
/// only with close skill and league.
#[test]
fn compound_rule_either_branch() {
    let rs = example("10_compound");
    let mut pool = Pool::new(rs.clone());
    let tickets: Vec<Ticket> = (0..40)
        .map(|i| {
            let p = player(&format!("p{i}"))
                .num("league", (i % 10) as f64)
                .num("skill", (i * 37 % 100) as f64)
                .s("map", "m")
                .s("mode", "x");
            solo(&format!("t{i}"), 0, p)
        })
        .collect();
    fill(&mut pool, &tickets);
    assert_eq!(run(&mut pool, &tickets, 0, 1).len(), 1);

    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..40)
        .map(|i| {
            let p = player(&format!("p{i}"))
                .num("league", 1.0)
                .num("skill", 50.0 + (i % 3) as f64)
                .s("map", &format!("m{i}"))
                .s("mode", "x");
            solo(&format!("t{i}"), 0, p)
        })
        .collect();
    fill(&mut pool, &tickets);
    assert_eq!(run(&mut pool, &tickets, 0, 1).len(), 1);
}

/// Example 10: neither branch holds (different maps, spread skills): no match.
#[test]
fn compound_rule_neither_branch() {
    let mut pool = Pool::new(example("10_compound"));
    let tickets: Vec<Ticket> = (0..40)
        .map(|i| {
            let p = player(&format!("p{i}"))
                .num("league", 1.0)
                .num("skill", (i * 10) as f64)
                .s("map", &format!("m{i}"))
                .s("mode", "x");
            solo(&format!("t{i}"), 0, p)
        })
        .collect();
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 0, 1).is_empty());
}

/// Example 11 (lines 1663–1707): "如果发现任何被封锁的玩家 ID，则拒绝提议的对战" — blocked players
/// are never together, whichever of them blocks the other.
#[test]
fn blocked_players_are_never_together() {
    let rs = example("11_block_list");
    for seed in 0..20 {
        let mut pool = Pool::new(rs.clone());
        let mut tickets: Vec<Ticket> = (0..21)
            .map(|i| solo(&format!("t{i}"), i as u64, player(&format!("p{i}"))))
            .collect();
        tickets[0] = solo("t0", 0, player("p0").list("BlockList", &["p1", "p2"]));
        tickets[3] = solo("t3", 3, player("p3").list("BlockList", &["p0"]));
        fill(&mut pool, &tickets);
        let m = run(&mut pool, &tickets, 0, seed);
        assert_eq!(m.len(), 2, "seed {seed}");
        for x in &m {
            let ids: Vec<&str> = x
                .teams
                .iter()
                .flat_map(|t| t.players.iter().map(|p| p.player_id.as_str()))
                .collect();
            if ids.contains(&"p0") {
                assert!(
                    !ids.contains(&"p1") && !ids.contains(&"p2") && !ids.contains(&"p3"),
                    "{ids:?}"
                );
            }
        }
    }
}

/// Example 8: "当为多团队定义（数量 > 1）定义了扩展时，扩展将应用于使用该定义创建的所有团队" — at 15 s every
/// hunter team accepts 10 players: 5 monsters and 100 hunters make a match then, not before.
#[test]
fn monster_hunters_expansion_applies_to_every_hunter_team() {
    let rs = example("08_monster_hunters");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..105)
        .map(|i| {
            solo(
                &format!("t{i}"),
                0,
                player(&format!("p{i}"))
                    .num("monster-kills", 1.0)
                    .lat("us", 30),
            )
        })
        .collect();
    fill(&mut pool, &tickets);
    assert!(run(&mut pool, &tickets, 14_999, 1).is_empty());
    assert_eq!(pool.next_expansion_due(14_999), Some(15_000));
    let m = run(&mut pool, &tickets, 15_000, 1);
    assert_eq!(m.len(), 1);
    assert!(m[0]
        .teams
        .iter()
        .all(|t| t.players.len() == if &*t.name == "Monsters" { 5 } else { 10 }));
}

/// Example 10 uses `strategy: balanced` with 20 v 20 (a small match, so its compound rule
/// applies): the teams are dealt to balance `balancedAttribute` (guide line ~2793: "平衡策略 …
/// 使用指定的玩家属性平衡对战中的每支团队"). Skills 0..39 in age order would otherwise alternate
/// 0,2,4… against 1,3,5… (averages 19 and 20).
#[test]
fn compound_example_balances_skill_across_teams() {
    let rs = example("10_compound");
    let mut pool = Pool::new(rs);
    let tickets: Vec<Ticket> = (0..40)
        .map(|i| {
            solo(
                &format!("t{i}"),
                i as u64,
                player(&format!("p{i}"))
                    .num("league", 1.0)
                    .num("skill", i as f64)
                    .s("map", "m")
                    .s("mode", "x"),
            )
        })
        .collect();
    fill(&mut pool, &tickets);
    let m = run(&mut pool, &tickets, 100, 1);
    assert_eq!(m.len(), 1);
    let avg = |team: &str| {
        let t = m[0].teams.iter().find(|t| &*t.name == team).unwrap();
        t.players
            .iter()
            .map(|p| p.player_id[1..].parse::<f64>().unwrap())
            .sum::<f64>()
            / t.players.len() as f64
    };
    assert!(
        (avg("red") - avg("blue")).abs() < 0.5,
        "{} vs {}",
        avg("red"),
        avg("blue")
    );
}
