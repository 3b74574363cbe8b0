//! Matchmaking cycles, large matches and party aggregation end to end (issue 14): the backend
//! on the real `aws-sdk-gamelift` client, the game server on our `ServerSdk`, time moved only
//! with `TestDaemon::advance` / `end_matchmaking_cycle` (the daemon's clock is manual).
//!
//! What the guide says and these tests hold the daemon to:
//! - guide 002 lines 446–452: the default algorithm puts every pending ticket in a pool, cuts
//!   it into batches and builds matches around each batch's oldest ticket — so tickets that
//!   arrive within one matchmaking cycle are matched together;
//! - guide 002 line 594: "FlexMatch 试图将队伍填满最大玩家人数，但确实会创建玩家人数较少的团队"
//!   (FlexMatch tries to fill teams to maxPlayers, but does create teams with fewer players);
//! - guide 002 line 193: a match whose slots are all filled is ready (so it forms at once);
//! - guide 002 lines 655–671: the fill order of large matches;
//! - guide 002 line 2900: batchDistance's partyAggregation min / max / avg;
//! - guide 002 line 1737 and line 376: the request timeout against an acceptance in progress.
//!
//! The boto3 twin of the 8 v 8 case is in `api_boto3_matchmaking.rs`.

use crate::support::api_client;
use crate::support::game_server;
use crate::support::matchmaking;

use std::collections::BTreeMap;
use std::time::Duration;

use api_client::client;
use aws_sdk_gamelift::types::{
    AcceptanceType, AttributeValue, FlexMatchMode, MatchmakingConfigurationStatus as Status,
    MatchmakingTicket, Player,
};
use aws_sdk_gamelift::Client;
use game_server::{ready_server, started_session};
use matchmaking::*;
use playfield_core::CoreConfig;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use serde_json::Value;

/// Two teams of `min..=max` players, a numeric `skill` (default 10), no rules: anyone
/// matches anyone.
fn two_teams(min: u32, max: u32) -> String {
    format!(
        r#"{{"ruleLanguageVersion": "1.0",
            "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}}],
            "teams": [{{"name": "red", "minPlayers": {min}, "maxPlayers": {max}}},
                      {{"name": "blue", "minPlayers": {min}, "maxPlayers": {max}}}],
            "rules": []}}"#
    )
}

/// A STANDALONE configuration `name` on rule set `rule_set` (no queue, no acceptance).
async fn standalone(c: &Client, name: &str, rule_set: &str) {
    c.create_matchmaking_configuration()
        .name(name)
        .rule_set_name(rule_set)
        .request_timeout_seconds(120)
        .acceptance_required(false)
        .flex_match_mode(FlexMatchMode::Standalone)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateMatchmakingConfiguration {name}: {e:?}"));
}

/// DescribeMatchmaking for any number of tickets, ten ids a call (the operation's limit).
async fn describe(c: &Client, ids: &[String]) -> Vec<MatchmakingTicket> {
    let mut out = Vec::new();
    for chunk in ids.chunks(10) {
        let r = c
            .describe_matchmaking()
            .set_ticket_ids(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("DescribeMatchmaking {chunk:?}: {e:?}"));
        out.extend(r.ticket_list().iter().cloned());
    }
    assert_eq!(out.len(), ids.len(), "every ticket is described");
    out
}

/// The statuses of `tickets`, counted.
fn statuses(tickets: &[MatchmakingTicket]) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for t in tickets {
        *n.entry(t.status().map_or("none", |s| s.as_str()).to_string())
            .or_insert(0) += 1;
    }
    n
}

/// Team name → players of the match as the game server's matchmaker data lists them.
fn md_team_sizes(matchmaker_data: &str) -> BTreeMap<String, usize> {
    let md: Value = serde_json::from_str(matchmaker_data).expect("matchmaker data JSON");
    md["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["players"].as_array().unwrap().len(),
            )
        })
        .collect()
}

/// Team name → players, from the Team each described ticket's players were given.
fn described_team_sizes(tickets: &[MatchmakingTicket]) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for t in tickets {
        for p in t.players() {
            *n.entry(p.team().expect("a matched player has a Team").to_string())
                .or_insert(0) += 1;
        }
    }
    n
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:02}")).collect()
}

/// Issue 14: 16 compatible tickets within one cycle for two teams of 4–8 make one 8 v 8.
/// Guide 002 line 843 (example 1, teams of 4–8): "对于在有效规模范围内的团队，对战构建器会尽量尝试
/// 匹配允许的最大玩家数量" (for teams within the valid size range, the matchmaker tries to match
/// the maximum number of players); guide 002 line 193: a match is ready when its slots are
/// filled — so the 16th ticket forms the match in its own StartMatchmaking, before the cycle
/// ends. The 15 before it are still SEARCHING; the one game session holds all 16 players and
/// every ticket COMPLETES into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_tickets_in_one_cycle_make_one_8v8_at_once() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "eight", &two_teams(4, 8), |b| b).await;
        let sdk = ready_server(&d, FLEET, "proc-8v8").await;
        let ids = ids("t", 16);
        for (i, id) in ids.iter().enumerate().take(15) {
            start(&c, "eight", id, player(&format!("p{i:02}"), 10.0)).await;
        }
        assert_eq!(
            statuses(&describe(&c, &ids[..15]).await),
            BTreeMap::from([("SEARCHING".to_string(), 15)]),
            "15 players fill no match yet, and the cycle has not ended"
        );
        let at = d.now();
        start(&c, "eight", &ids[15], player("p15", 10.0)).await;
        // No time passes: the full match forms in the last ticket's call.
        let gs = started_session(&sdk).await;
        assert_eq!(d.now(), at, "the clock did not move");
        assert_eq!(
            md_team_sizes(&gs.matchmaker_data),
            BTreeMap::from([("blue".to_string(), 8), ("red".to_string(), 8)]),
            "{}",
            gs.matchmaker_data
        );
        assert_eq!(gs.maximum_player_session_count, 16);
        sdk.activate_game_session().await.expect("activate");
        for id in &ids {
            wait_status(&c, id, Status::Completed).await;
        }
        let done = describe(&c, &ids).await;
        for t in &done {
            assert_eq!(
                t.game_session_connection_info()
                    .and_then(|ci| ci.game_session_arn()),
                Some(gs.game_session_id.as_str()),
                "{t:?}"
            );
        }
        assert_eq!(
            described_team_sizes(&done),
            BTreeMap::from([("blue".to_string(), 8), ("red".to_string(), 8)])
        );
    })
    .await
}

/// Issue 14 item 2, guide 002 lines 655–671 (large matches): "首先：查找尚未达到其最低玩家要求的
/// 团队。其次：在这些团队中，查找具有最多空闲位置的团队" (first the teams below their minimum,
/// then the team with the most free slots) and "即使对战没有满员，一场对战中的团队也总是有几乎相等
/// 的玩家人数" (equal teams always have almost equal player counts). 50 players within one
/// cycle for Red and Blue of 15–30 and Green of 3–5 (balanced on skill) make one match of
/// 24/23/3 (or 23/24/3) at the end of the cycle — not a 15/15/3 cut while players were still
/// arriving — and, past the request timeout, not one player who fits it has timed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_players_make_one_large_match_in_the_guides_fill_order() {
    const LARGE: &str = r#"{
        "ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
        "algorithm": {"strategy": "balanced", "balancedAttribute": "skill"},
        "teams": [{"name": "red", "minPlayers": 15, "maxPlayers": 30},
                  {"name": "blue", "minPlayers": 15, "maxPlayers": 30},
                  {"name": "green", "minPlayers": 3, "maxPlayers": 5}]
    }"#;
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "large", LARGE, |b| b).await;
        let sdk = ready_server(&d, FLEET, "proc-large").await;
        let ids = ids("t", 50);
        for (i, id) in ids.iter().enumerate() {
            start(
                &c,
                "large",
                id,
                player(&format!("p{i:02}"), 10.0 + (i % 7) as f64),
            )
            .await;
        }
        assert_eq!(
            statuses(&describe(&c, &ids).await),
            BTreeMap::from([("SEARCHING".to_string(), 50)]),
            "the pool is not cut into a minimum-size match while the cycle lasts"
        );
        d.end_matchmaking_cycle();
        let gs = started_session(&sdk).await;
        let sizes = md_team_sizes(&gs.matchmaker_data);
        assert_eq!(sizes["green"], 3, "{sizes:?}");
        assert_eq!(sizes["red"] + sizes["blue"], 47, "{sizes:?}");
        assert!(sizes["red"].abs_diff(sizes["blue"]) <= 1, "{sizes:?}");
        sdk.activate_game_session().await.expect("activate");
        for id in &ids {
            wait_status(&c, id, Status::Completed).await;
        }
        // Past the request timeout (60 s): nobody who fits the match timed out.
        d.advance(Duration::from_secs(61));
        let done = describe(&c, &ids).await;
        assert_eq!(
            statuses(&done),
            BTreeMap::from([("COMPLETED".to_string(), 50)])
        );
        assert_eq!(described_team_sizes(&done), sizes);
    })
    .await
}

/// The guide's compound example (guide 002 lines 1576–1590, "参考：使用复合规则创建与属性相似或选择
/// 相似的玩家的对战", flexmatch/tests/rulesets/10_compound.json as printed): a match needs players
/// who "提出了同样的 `map` 和 `mode`" (asked for the same map and mode) or have close skill and
/// league; teams of 10–20. 30 players sharing a map and mode but far apart in skill and league
/// arrive within one cycle: at its end every one of them is in one 15 v 15 match (guide 002
/// line 594: teams are filled toward maxPlayers), where one 10 v 10 at the 20th arrival used to
/// strand ten. Five players asking for another map, skills and leagues far from everyone,
/// stay SEARCHING.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_players_sharing_map_and_mode_all_match_under_the_compound_example() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        let body = include_str!("../../flexmatch/tests/rulesets/10_compound.json");
        create_rule_set(&c, "compound", body).await;
        standalone(&c, "compound", "compound").await;
        let person = |id: &str, league: f64, skill: f64, map: &str| {
            Player::builder()
                .player_id(id)
                .player_attributes("league", AttributeValue::builder().n(league).build())
                .player_attributes("skill", AttributeValue::builder().n(skill).build())
                .player_attributes("map", AttributeValue::builder().s(map).build())
                .player_attributes("mode", AttributeValue::builder().s("ctf").build())
                .build()
        };
        let shared = ids("s", 30);
        for (i, id) in shared.iter().enumerate() {
            // Leagues 3 apart, skills 50 apart: only the map-and-mode branch can match them.
            let p = person(id, 3.0 * i as f64, 50.0 * i as f64, "canyon");
            start(&c, "compound", id, p).await;
        }
        let others = ids("o", 5);
        for (i, id) in others.iter().enumerate() {
            let p = person(
                id,
                1_000.0 + 3.0 * i as f64,
                9_000.0 + 50.0 * i as f64,
                "harbor",
            );
            start(&c, "compound", id, p).await;
        }
        d.end_matchmaking_cycle();
        let matched = describe(&c, &shared).await;
        assert_eq!(
            statuses(&matched),
            BTreeMap::from([("COMPLETED".to_string(), 30)]),
            "every player sharing the map and mode is matched"
        );
        assert_eq!(
            described_team_sizes(&matched),
            BTreeMap::from([("blue".to_string(), 15), ("red".to_string(), 15)])
        );
        assert_eq!(
            statuses(&describe(&c, &others).await),
            BTreeMap::from([("SEARCHING".to_string(), 5)])
        );
    })
    .await
}

/// Issue 14 item 3, guide 002 line 2900 (batchDistance): "**partyAggregation** – … 有效的选项包括
/// 票证玩家的最小值 (min)、最大值 (max) 和平均 (avg) 值。默认为 avg。" (the ticket's players'
/// minimum, maximum or average). A party [100, 140] and two solo players, teams of exactly
/// 2, batchDistance on skill with maxDistance 10, one STANDALONE configuration per case: under
/// min the party counts as 100, under max as 140, under avg as 120 — the match forms only
/// beside the solo players whose skill is within 10 of that value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_on_batch_distance_counts_as_its_min_max_or_avg() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        let cases = [
            ("min", 100.0, true),
            ("min", 120.0, false),
            ("max", 140.0, true),
            ("max", 120.0, false),
            ("avg", 120.0, true),
            ("avg", 100.0, false),
        ];
        for (i, (agg, solo, _)) in cases.iter().enumerate() {
            let body = format!(
                r#"{{"ruleLanguageVersion": "1.0",
                    "playerAttributes": [{{"name": "skill", "type": "number"}}],
                    "teams": [{{"name": "a", "minPlayers": 2, "maxPlayers": 2}},
                              {{"name": "b", "minPlayers": 2, "maxPlayers": 2}}],
                    "rules": [{{"name": "close", "type": "batchDistance",
                                "batchAttribute": "skill", "maxDistance": 10,
                                "partyAggregation": "{agg}"}}]}}"#
            );
            let cfg = format!("c{i}");
            create_rule_set(&c, &cfg, &body).await;
            standalone(&c, &cfg, &cfg).await;
            c.start_matchmaking()
                .ticket_id(format!("{cfg}-party"))
                .configuration_name(&cfg)
                .players(player(&format!("{cfg}-p100"), 100.0))
                .players(player(&format!("{cfg}-p140"), 140.0))
                .send()
                .await
                .expect("StartMatchmaking for a party");
            for s in ["x", "y"] {
                start(
                    &c,
                    &cfg,
                    &format!("{cfg}-{s}"),
                    player(&format!("{cfg}-{s}"), *solo),
                )
                .await;
            }
        }
        // Several cycles: whatever can match has.
        for _ in 0..3 {
            d.end_matchmaking_cycle();
        }
        for (i, (agg, solo, want)) in cases.iter().enumerate() {
            let cfg = format!("c{i}");
            let ids: Vec<String> = ["party", "x", "y"]
                .iter()
                .map(|s| format!("{cfg}-{s}"))
                .collect();
            let expected = if *want { "COMPLETED" } else { "SEARCHING" };
            assert_eq!(
                statuses(&describe(&c, &ids).await),
                BTreeMap::from([(expected.to_string(), 3)]),
                "party [100, 140] under {agg} beside two players of {solo}"
            );
        }
    })
    .await
}

/// Guide 002 line 594: "但确实会创建玩家人数较少的团队" (but does create teams with fewer
/// players). A lone 2 v 2's worth of players with teams of 2–4 still matches, at the end of
/// one matchmaking cycle — here the daemon's cycle set to 500 ms (`[matchmaking]
/// cycle_millis`, `CoreConfig::matchmaking_cycle_ms`): SEARCHING at 499 ms, placed at 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_small_group_matches_after_one_cycle() {
    bounded(async {
        let d = TestDaemon::start_with(CoreConfig {
            matchmaking_cycle_ms: 500,
            ..CoreConfig::default()
        })
        .await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "small", &two_teams(2, 4), |b| b).await;
        let sdk = ready_server(&d, FLEET, "proc-small").await;
        let ids = ids("t", 4);
        for (i, id) in ids.iter().enumerate() {
            start(&c, "small", id, player(&format!("p{i}"), 10.0)).await;
        }
        d.advance(Duration::from_millis(499));
        assert_eq!(
            statuses(&describe(&c, &ids).await),
            BTreeMap::from([("SEARCHING".to_string(), 4)])
        );
        d.advance(Duration::from_millis(1));
        let gs = started_session(&sdk).await;
        assert_eq!(
            md_team_sizes(&gs.matchmaker_data),
            BTreeMap::from([("blue".to_string(), 2), ("red".to_string(), 2)])
        );
        assert_eq!(
            statuses(&describe(&c, &ids).await),
            BTreeMap::from([("PLACING".to_string(), 4)])
        );
    })
    .await
}

/// Issue 14 item 6. Guide 002 line 1737: the request timeout is "对战构建器针对每个请求完成对战
/// 游戏的最长时间 … FlexMatch 会取消超过此时间的对战请求" (the longest the matchmaker takes to
/// complete a match for a request; requests past it are cancelled); guide 002 line 376: a
/// proposed match needs every player's acceptance within its own time limit, tickets whose
/// players all accepted "返回到池中以继续处理" (go back to the pool) and a ticket with a
/// rejection "将进入失败状态" (fails). A 1 v 1 with RequestTimeoutSeconds 20 and
/// AcceptanceTimeoutSeconds 30: at 25 s both tickets still REQUIRE_ACCEPTANCE (the match was
/// made in time); one accepts, the other rejects: the rejecting ticket is FAILED, the accepting
/// one — past its request timeout — ends TIMED_OUT instead of searching again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_timeout_during_acceptance_ends_timed_out() {
    const ONE_VS_ONE: &str = r#"{"ruleLanguageVersion": "1.0",
        "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
        "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
                  {"name": "blue", "minPlayers": 1, "maxPlayers": 1}]}"#;
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "duel", ONE_VS_ONE, |b| {
            b.request_timeout_seconds(20)
                .acceptance_required(true)
                .acceptance_timeout_seconds(30)
        })
        .await;
        start(&c, "duel", "t-a", player("a", 10.0)).await;
        start(&c, "duel", "t-b", player("b", 10.0)).await;
        assert_eq!(status(&c, "t-a").await, Status::RequiresAcceptance);
        d.advance(Duration::from_secs(25));
        for t in ["t-a", "t-b"] {
            assert_eq!(
                status(&c, t).await,
                Status::RequiresAcceptance,
                "{t}: the proposal stands past the request timeout"
            );
        }
        for (t, p, yes) in [("t-a", "a", true), ("t-b", "b", false)] {
            c.accept_match()
                .ticket_id(t)
                .player_ids(p)
                .acceptance_type(if yes {
                    AcceptanceType::Accept
                } else {
                    AcceptanceType::Reject
                })
                .send()
                .await
                .unwrap_or_else(|e| panic!("AcceptMatch {t}: {e:?}"));
        }
        let b = ticket(&c, "t-b").await;
        assert_eq!(b.status(), Some(&Status::Failed));
        let a = ticket(&c, "t-a").await;
        assert_eq!(a.status(), Some(&Status::TimedOut), "{a:?}");
        assert_eq!(a.status_reason(), Some("TIMED_OUT"));
        assert!(a.end_time().is_some());
        assert!(a.players()[0].team().is_none(), "{a:?}");
    })
    .await
}
