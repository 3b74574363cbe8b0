//! FlexMatch events end to end: tickets through the service API (aws-sdk-gamelift), a match
//! placed on an SDK game server, and a webhook target receiving the EventBridge JSON.
//!
//! Spec: FlexMatch event reference, seed 002 from line 3142 (and seed 001's one example per
//! type): the envelope (`detail-type` "GameLift Matchmaking Event", `source` "aws.gamelift",
//! `resources` = [configuration ARN]) and each type's `detail` — tickets with players,
//! teams once matched, `matchId`, acceptance fields, `ruleEvaluationMetrics`,
//! `gameSessionInfo` with ARN, IP, port and player session ids on MatchmakingSucceeded,
//! `reason` and `message` on TimedOut/Cancelled, `customEventData` everywhere.

use std::time::Duration;

use crate::support::api_client::client;
use crate::support::events::*;
use crate::support::game_server::{ready_server, started_session};
use aws_sdk_gamelift::types::{AcceptanceType, AttributeValue, Player};
use playfield_core::QueueSpec;
use playfield_e2e::{bounded, FLEET};
use playfield_testkit::Received;
use serde_json::Value;

fn players_of(d: &Value) -> Vec<Value> {
    d["gameSessionInfo"]["players"].as_array().unwrap().clone()
}

fn find<'a>(rs: &'a [Received], kind: &str) -> &'a Received {
    rs.iter()
        .find(|r| r.json()["detail"]["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} among {:?}", types(rs)))
}

/// Seed 002 "MatchmakingSearching" / "PotentialMatchCreated" / "MatchmakingSucceeded": the
/// full sequence of a match placed without acceptance.
#[tokio::test]
async fn a_placed_match_sends_searching_potential_match_and_succeeded() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup::default()).await;
        let server = ready_server(&d, FLEET, "proc-1").await;
        let api = client(&d, "AKIDEXAMPLE");

        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = hook.wait_accepted(3).await;
        assert_eq!(
            types(&got),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated"
            ]
        );

        // The envelope (seed 002, every example).
        let env = got[0].json();
        assert_eq!(env["version"], "0");
        assert_eq!(env["detail-type"], "GameLift Matchmaking Event");
        assert_eq!(env["source"], "aws.gamelift");
        assert_eq!(env["region"], "us-west-2");
        let cfg_arn = env["resources"][0].as_str().unwrap();
        assert!(
            cfg_arn.ends_with(":matchmakingconfiguration/duel"),
            "{cfg_arn}"
        );
        assert_eq!(got[0].header("content-type"), Some("application/json"));

        // MatchmakingSearching: the one ticket, its players without team, no match id.
        let s = detail(&got[0]);
        assert_eq!(ticket_ids(&s), ["ticket-a"]);
        assert_eq!(s["tickets"][0]["players"][0]["playerId"], "player-a");
        assert!(s["tickets"][0]["players"][0].get("team").is_none());
        assert_eq!(s["gameSessionInfo"]["players"][0]["playerId"], "player-a");
        assert_eq!(s["estimatedWaitMillis"], "NOT_AVAILABLE");
        assert_eq!(s["customEventData"], CUSTOM);
        assert!(s.get("matchId").is_none());
        assert_eq!(ticket_ids(&detail(&got[1])), ["ticket-b"]);

        // PotentialMatchCreated: both tickets, teams, match id, acceptance, rule metrics.
        let pmc = detail(&got[2]);
        assert_eq!(ticket_ids(&pmc), ["ticket-a", "ticket-b"]);
        let match_id = pmc["matchId"].as_str().expect("matchId").to_string();
        assert_eq!(pmc["acceptanceRequired"], false);
        assert_eq!(pmc["ruleEvaluationMetrics"][0]["ruleName"], "FairSkill");
        assert!(
            pmc["ruleEvaluationMetrics"][0]["passedCount"]
                .as_u64()
                .unwrap()
                >= 1
        );
        let mut teams: Vec<String> = players_of(&pmc)
            .iter()
            .map(|p| p["team"].as_str().expect("a team per player").to_string())
            .collect();
        teams.sort();
        assert_eq!(teams, ["blue", "red"]);

        // Placed: the server activates, then MatchmakingSucceeded with the connection info.
        let gs = started_session(&server).await;
        server.activate_game_session().await.unwrap();
        let got = hook.wait_accepted(5).await;
        assert_eq!(
            types(&got[3..]),
            ["MatchmakingSucceeded", "PlacementFulfilled"]
        );
        let ok = detail(&got[3]);
        assert_eq!(
            ok["matchId"],
            match_id.as_str(),
            "one match id across events"
        );
        assert_eq!(ticket_ids(&ok), ["ticket-a", "ticket-b"]);
        let info = &ok["gameSessionInfo"];
        assert_eq!(info["gameSessionArn"], gs.game_session_id.as_str());
        assert_eq!(info["ipAddress"], "127.0.0.1");
        assert_eq!(info["port"], 7777);
        for p in players_of(&ok) {
            let psess = p["playerSessionId"].as_str().expect("playerSessionId");
            assert!(psess.starts_with("psess-"), "{psess}");
            assert!(p["team"].is_string());
        }
        // The same player session ids DescribeMatchmaking shows.
        let described = api
            .describe_matchmaking()
            .ticket_ids("ticket-a")
            .send()
            .await
            .unwrap();
        let conn = described.ticket_list()[0]
            .game_session_connection_info()
            .unwrap();
        let psess = conn.matched_player_sessions()[0]
            .player_session_id()
            .unwrap();
        assert!(players_of(&ok)
            .iter()
            .any(|p| p["playerSessionId"] == psess));

        // The queue placement event (GameLift Queue Placement Event).
        let placed = got[4].json();
        assert_eq!(placed["detail-type"], "GameLift Queue Placement Event");
        assert_eq!(
            placed["detail"]["gameSessionArn"],
            gs.game_session_id.as_str()
        );
        assert_eq!(
            placed["detail"]["placedPlayerSessions"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        d.shutdown().await;
    })
    .await;
}

/// Seed 002 "AcceptMatch" / "AcceptMatchCompleted": with acceptance required, each answer
/// is told with every answer so far, then the outcome, then the placement's success.
#[tokio::test]
async fn acceptance_events_come_between_the_match_and_its_success() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup {
            acceptance: true,
            ..Setup::default()
        })
        .await;
        let server = ready_server(&d, FLEET, "proc-1").await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = hook.wait_accepted(3).await;
        let pmc = detail(&got[2]);
        assert_eq!(pmc["type"], "PotentialMatchCreated");
        assert_eq!(pmc["acceptanceRequired"], true);
        assert_eq!(pmc["acceptanceTimeout"], 20);
        let match_id = pmc["matchId"].clone();

        for (t, p) in [("ticket-a", "player-a"), ("ticket-b", "player-b")] {
            api.accept_match()
                .ticket_id(t)
                .player_ids(p)
                .acceptance_type(AcceptanceType::Accept)
                .send()
                .await
                .unwrap();
        }
        let got = hook.wait_accepted(6).await;
        assert_eq!(
            types(&got[3..]),
            ["AcceptMatch", "AcceptMatch", "AcceptMatchCompleted"]
        );
        let accepted = |d: &Value, player: &str| {
            players_of(d)
                .into_iter()
                .find(|p| p["playerId"] == player)
                .and_then(|p| p.get("accepted").cloned())
        };
        let first = detail(&got[3]);
        assert_eq!(first["matchId"], match_id);
        assert_eq!(accepted(&first, "player-a"), Some(Value::Bool(true)));
        assert_eq!(
            accepted(&first, "player-b"),
            None,
            "not answered yet: omitted"
        );
        let second = detail(&got[4]);
        assert_eq!(accepted(&second, "player-b"), Some(Value::Bool(true)));
        assert_eq!(accepted(&second, "player-a"), Some(Value::Bool(true)));
        let done = detail(&got[5]);
        assert_eq!(done["acceptance"], "Accepted");
        assert_eq!(done["matchId"], match_id);

        let _gs = started_session(&server).await;
        server.activate_game_session().await.unwrap();
        let got = hook.wait_accepted(8).await;
        let ok = detail(find(&got, "MatchmakingSucceeded"));
        assert_eq!(ok["matchId"], match_id);
        d.shutdown().await;
    })
    .await;
}

/// Seed 001 "MatchmakingCancelled" / "MatchmakingTimedOut": reason and message as the
/// service sends them; no match id while searching.
#[tokio::test]
async fn cancelled_and_timed_out_tickets_say_why() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup {
            request_timeout_seconds: Some(10),
            ..Setup::default()
        })
        .await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        api.stop_matchmaking()
            .ticket_id("ticket-a")
            .send()
            .await
            .unwrap();
        start_ticket(&api, "ticket-b", "player-b").await;
        d.advance(Duration::from_secs(11));
        let got = hook.wait_accepted(4).await;
        assert_eq!(
            types(&got),
            [
                "MatchmakingSearching",
                "MatchmakingCancelled",
                "MatchmakingSearching",
                "MatchmakingTimedOut"
            ]
        );
        let cancelled = detail(&got[1]);
        assert_eq!(ticket_ids(&cancelled), ["ticket-a"]);
        assert_eq!(cancelled["reason"], "Cancelled");
        assert_eq!(cancelled["message"], "Cancelled by request.");
        assert!(cancelled.get("matchId").is_none());
        let timed_out = detail(&got[3]);
        assert_eq!(ticket_ids(&timed_out), ["ticket-b"]);
        assert_eq!(timed_out["reason"], "TimedOut");
        assert_eq!(
            timed_out["message"],
            "Removed from matchmaking due to timing out."
        );
        assert_eq!(
            timed_out["gameSessionInfo"]["players"][0]["playerId"],
            "player-b"
        );
        // Seed 001 lines 69 and 79 (guide 002 lines 3560–3581, 3632–3656): one
        // {ruleName, passedCount, failedCount} per rule of the rule set. Each ticket was
        // judged (alone, no partner in the pool) and passed FairSkill.
        for d in [&cancelled, &timed_out] {
            let m = d["ruleEvaluationMetrics"]
                .as_array()
                .expect("ruleEvaluationMetrics");
            assert_eq!(m.len(), 1, "one per rule: {m:?}");
            assert_eq!(m[0]["ruleName"], "FairSkill");
            assert!(m[0]["passedCount"].as_u64().unwrap() >= 1, "{m:?}");
            assert_eq!(m[0]["failedCount"], 0);
        }
        // The event time is the injected clock's: 11 s after the ticket started.
        let t0 = got[2].json()["time"].as_str().unwrap().to_string();
        let t1 = got[3].json()["time"].as_str().unwrap().to_string();
        assert!(t1 > t0, "{t0} < {t1}");
        d.shutdown().await;
    })
    .await;
}

/// Seed 002: backfill tickets get the same events; their `gameSessionInfo` names the game
/// session being filled from the first event.
#[tokio::test]
async fn a_backfill_ticket_has_its_own_events() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup::default()).await;
        let server = ready_server(&d, FLEET, "proc-1").await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let gs = started_session(&server).await;
        server.activate_game_session().await.unwrap();
        hook.wait_accepted(5).await;
        let team_of = |p: &str| {
            let t = d.read(|c| {
                c.ticket(if p == "player-a" {
                    "ticket-a"
                } else {
                    "ticket-b"
                })
                .unwrap()
            });
            t.players[0].team.clone().unwrap()
        };
        let in_game = |p: &str| {
            Player::builder()
                .player_id(p)
                .team(team_of(p))
                .player_attributes("skill", AttributeValue::builder().n(10.0).build())
                .build()
        };
        api.start_match_backfill()
            .ticket_id("backfill-1")
            .configuration_name(CONFIG)
            .game_session_arn(&gs.game_session_id)
            .players(in_game("player-a"))
            .players(in_game("player-b"))
            .send()
            .await
            .unwrap();
        start_ticket(&api, "ticket-c", "player-c").await;
        let got = hook.wait_accepted(9).await;
        let rest = &got[5..];
        assert_eq!(
            types(rest),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated",
                "MatchmakingSucceeded"
            ]
        );
        let searching = detail(&rest[0]);
        assert_eq!(ticket_ids(&searching), ["backfill-1"]);
        assert_eq!(
            searching["gameSessionInfo"]["gameSessionArn"],
            gs.game_session_id.as_str()
        );
        let ok = detail(&rest[3]);
        assert_eq!(ticket_ids(&ok), ["backfill-1", "ticket-c"]);
        assert_eq!(
            ok["gameSessionInfo"]["gameSessionArn"],
            gs.game_session_id.as_str()
        );
        let everyone: Vec<Value> = players_of(&ok);
        assert_eq!(everyone.len(), 3, "the whole game: {everyone:?}");
        let newcomer = everyone
            .iter()
            .find(|p| p["playerId"] == "player-c")
            .unwrap();
        assert!(newcomer["playerSessionId"]
            .as_str()
            .unwrap()
            .starts_with("psess-"));
        assert!(newcomer["team"].is_string());
        d.shutdown().await;
    })
    .await;
}

/// STANDALONE backfill: the events are the backend's only answer. gamelift-service-2.json,
/// StartMatchBackfill: "When using FlexMatch as a standalone component, request a backfill
/// match by calling this operation without a game session identifier. As with newly formed
/// matches, matchmaking results are returned in a matchmaking event so that your game can
/// update the game session that is being backfilled." Guide (seed 002) line 200: "找到可接受的
/// 匹配项后，将更新所有匹配的票证，并为每张匹配的票证生成成功的对战事件"; line 202: "FlexMatch
/// 作为一项独立服务：在成功的对战活动中，您的游戏会收到匹配结果。结果数据包括所有匹配的玩家及其
/// 队伍分配的列表". The backend names its own game session here (the ARN "is not needed" in
/// STANDALONE mode, which we read as optional): the events carry it back.
#[tokio::test]
async fn a_standalone_backfill_tells_the_backend_who_joined() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup {
            standalone: true,
            ..Setup::default()
        })
        .await;
        let api = client(&d, "AKIDEXAMPLE");
        start_ticket(&api, "ticket-a", "player-a").await;
        start_ticket(&api, "ticket-b", "player-b").await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let got = hook.wait_accepted(4).await;
        assert_eq!(types(&got[3..]), ["MatchmakingSucceeded"]);
        let first = detail(&got[3]);
        let team_of = |p: &str| {
            players_of(&first)
                .into_iter()
                .find(|x| x["playerId"] == p)
                .and_then(|x| x["team"].as_str().map(str::to_string))
                .expect("a team per matched player")
        };
        let in_game = |p: &str| {
            Player::builder()
                .player_id(p)
                .team(team_of(p))
                .player_attributes("skill", AttributeValue::builder().n(10.0).build())
                .latency_in_ms("us-west-2", 40)
                .build()
        };
        let own_session = "arn:aws:gamelift:us-west-2::gamesession/backend-fleet/game-7";
        api.start_match_backfill()
            .ticket_id("backfill-1")
            .configuration_name(CONFIG)
            .game_session_arn(own_session)
            .players(in_game("player-a"))
            .players(in_game("player-b"))
            .send()
            .await
            .expect("a STANDALONE backfill of the backend's own game session");
        start_ticket(&api, "ticket-c", "player-c").await;
        let got = hook.wait_accepted(8).await;
        let rest = &got[4..];
        assert_eq!(
            types(rest),
            [
                "MatchmakingSearching",
                "MatchmakingSearching",
                "PotentialMatchCreated",
                "MatchmakingSucceeded"
            ]
        );
        let pmc = detail(&rest[2]);
        let ok = detail(&rest[3]);
        assert_eq!(ticket_ids(&pmc), ["backfill-1", "ticket-c"]);
        assert_eq!(ticket_ids(&ok), ["backfill-1", "ticket-c"]);
        assert_eq!(pmc["acceptanceRequired"], false);
        let match_id = pmc["matchId"].as_str().expect("matchId");
        assert_eq!(ok["matchId"], match_id);
        assert_eq!(ok["gameSessionInfo"]["gameSessionArn"], own_session);
        let everyone = players_of(&ok);
        assert_eq!(everyone.len(), 3, "the whole game: {everyone:?}");
        for p in &everyone {
            assert!(p["team"].is_string(), "every player with a team: {p}");
            assert!(p.get("playerSessionId").is_none(), "nothing placed: {p}");
        }
        for p in ["player-a", "player-b"] {
            let now = everyone.iter().find(|x| x["playerId"] == p).unwrap();
            assert_eq!(now["team"], team_of(p).as_str(), "{p} keeps their team");
        }
        let described = api
            .describe_matchmaking()
            .ticket_ids("ticket-c")
            .ticket_ids("backfill-1")
            .send()
            .await
            .unwrap();
        for t in described.ticket_list() {
            assert_eq!(
                t.status(),
                Some(&aws_sdk_gamelift::types::MatchmakingConfigurationStatus::Completed),
                "{t:?}"
            );
        }
        d.shutdown().await;
    })
    .await;
}

/// A PlacementFailed is routed to its queue's target like every other event, with the
/// envelope's `account`, `region` and `resources` (the queue ARN) filled, whatever failed
/// it — here the queue was deleted while the placement was pending (general knowledge:
/// GameLift developer guide, "Game session placement events": `resources` is the ARN of the
/// queue processing the placement, `region` the queue's Region).
#[tokio::test]
async fn a_placement_failed_by_its_queue_deletion_reaches_the_queues_target() {
    bounded(async {
        let (hook, d) = flexmatch_to_webhook(Setup::default()).await;
        d.execute(|core, _| {
            core.create_queue(QueueSpec {
                name: "side".into(),
                destinations: vec![FLEET.into()],
                notification_target: Some(FLEXMATCH_TARGET.into()),
                ..Default::default()
            })
            .unwrap();
        });
        let api = client(&d, "AKIDEXAMPLE");
        // No game server: the placement waits for one.
        api.start_game_session_placement()
            .placement_id("pl-side")
            .game_session_queue_name("side")
            .maximum_player_session_count(2)
            .send()
            .await
            .expect("StartGameSessionPlacement");
        api.delete_game_session_queue()
            .name("side")
            .send()
            .await
            .expect("DeleteGameSessionQueue");
        d.advance(Duration::from_secs(1));
        let got = hook.wait_accepted(1).await;
        let failed = got[0].json();
        assert_eq!(failed["detail-type"], "GameLift Queue Placement Event");
        assert_eq!(failed["detail"]["type"], "PlacementFailed");
        assert_eq!(failed["detail"]["placementId"], "pl-side");
        let arn = failed["resources"][0].as_str().expect("resources[0]");
        assert!(arn.ends_with(":gamesessionqueue/side"), "{arn}");
        let fields: Vec<&str> = arn.split(':').collect();
        assert_eq!(failed["region"], "us-west-2");
        assert_eq!(failed["region"], fields[3]);
        assert_eq!(failed["account"], fields[4]);
        assert!(!fields[4].is_empty());
        d.shutdown().await;
    })
    .await;
}
