//! The matchmaker end to end as a team uses it: the backend on the real `aws-sdk-gamelift`
//! client (rule set, queue and configuration created through the API, tickets started,
//! described, accepted and stopped through it), the game server on our `ServerSdk`, time
//! moved only with `TestDaemon::advance`.
//!
//! Here: a match placed and played, acceptance, placement timeout, ticket replacement,
//! expansions, STANDALONE, request validation and Describe paging. Backfill is in
//! `matchmaking_api_backfill.rs`.

use crate::support::api_client;
use crate::support::game_server;
use crate::support::matchmaking;

use std::time::Duration;

use api_client::client;
use aws_sdk_gamelift::error::ProvideErrorMetadata;
use aws_sdk_gamelift::types::{
    AcceptanceType, BackfillMode, FlexMatchMode, GameProperty, GameSessionQueueDestination,
    GameSessionStatus, MatchmakingConfigurationStatus as Status, Player, PlayerLatencyPolicy,
    PlayerSessionStatus,
};
use game_server::{ready_server, started_session};
use matchmaking::*;
use playfield_e2e::{bounded, TestDaemon, FLEET};
use serde_json::{json, Value};

/// A match placed and played (guide, "将 FlexMatch 添加到 Amazon GameLift 托管的游戏服务器",
/// lines 2218–2290; service-api.md StartMatchmaking): the ticket comes back QUEUED, the match
/// is placed on the ready server, whose onStartGameSession sees the matchmaker data as the
/// guide shows it, the configuration's GameProperties and GameSessionData, and
/// MaximumPlayerSessionCount = team maxima + AdditionalPlayerCount. Once it activates, each
/// ticket is COMPLETED with its player's session in GameSessionConnectionInfo, and the
/// sessions the server accepts are ACTIVE for DescribePlayerSessions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_match_is_placed_and_played() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "duel", &duel_rules(), |b| {
            b.additional_player_count(1)
                .game_properties(GameProperty::builder().key("mode").value("duel").build())
                .game_session_data("map=arena")
                .backfill_mode(BackfillMode::Manual)
                .flex_match_mode(FlexMatchMode::WithQueue)
        })
        .await;
        let cfg_arn = c
            .describe_matchmaking_configurations()
            .names("duel")
            .send()
            .await
            .unwrap()
            .configurations()[0]
            .configuration_arn()
            .unwrap()
            .to_string();
        let sdk = ready_server(&d, FLEET, "proc-play").await;

        let t = start(&c, "duel", "t-alice", player("alice", 12.0)).await;
        assert_eq!(t.status(), Some(&Status::Queued), "a new ticket is QUEUED");
        assert_eq!(t.configuration_arn(), Some(cfg_arn.as_str()));
        assert_eq!(status(&c, "t-alice").await, Status::Searching);
        // The model: "You can use either the configuration name or ARN value."
        start(&c, &cfg_arn, "t-bob", player("bob", 14.0)).await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();

        // The match reaches the server before the game session is up: the tickets are
        // PLACING, their players already on teams.
        let gs = started_session(&sdk).await;
        let placing = ticket(&c, "t-bob").await;
        assert_eq!(placing.status(), Some(&Status::Placing));
        assert!(placing.players()[0].team().is_some());
        assert!(placing.game_session_connection_info().is_none());

        // The matchmaker data, as the guide's example shows it.
        let md: Value = serde_json::from_str(&gs.matchmaker_data).expect("matchmaker data JSON");
        assert!(
            md["matchId"].as_str().is_some_and(|m| m.len() == 36),
            "{md}"
        );
        assert_eq!(md["matchmakingConfigurationArn"], cfg_arn.as_str());
        let teams = md["teams"].as_array().unwrap();
        assert_eq!(
            teams.iter().map(|t| t["name"].clone()).collect::<Vec<_>>(),
            [json!("red"), json!("blue")],
            "every team of the rule set"
        );
        let alice = teams
            .iter()
            .flat_map(|t| t["players"].as_array().unwrap())
            .find(|p| p["playerId"] == "alice")
            .expect("alice is in the match");
        assert_eq!(
            alice["attributes"]["skill"],
            json!({"attributeType": "DOUBLE", "valueAttribute": 12.0})
        );
        // sdk-wire-protocol.md §5.2: "`autoBackfillMode` is `AUTOMATIC` or `MANUAL`; GO turns
        // any other value into `NOT_SET`" — the configuration's mode is always named; a
        // ticket id only ever comes with AUTOMATIC.
        assert_eq!(md["autoBackfillMode"], "MANUAL", "{md}");
        assert!(
            md.get("autoBackfillTicketId").is_none(),
            "MANUAL backfill: no automatic ticket: {md}"
        );
        assert!(!gs.matchmaker_data.contains("atency"), "no latencies");
        assert_eq!(
            gs.game_properties.get("mode").map(String::as_str),
            Some("duel")
        );
        assert_eq!(gs.game_session_data, "map=arena");
        assert_eq!(
            gs.maximum_player_session_count, 5,
            "two teams of at most 2, plus AdditionalPlayerCount 1"
        );

        sdk.activate_game_session().await.expect("activate");
        let mut session_ids = Vec::new();
        for (t, p) in [("t-alice", "alice"), ("t-bob", "bob")] {
            let done = wait_status(&c, t, Status::Completed).await;
            assert!(done.end_time().is_some());
            let ci = done
                .game_session_connection_info()
                .expect("GameSessionConnectionInfo");
            assert_eq!(ci.game_session_arn(), Some(gs.game_session_id.as_str()));
            assert!(ci.ip_address().is_some_and(|ip| !ip.is_empty()));
            assert_eq!(ci.port(), Some(7777));
            let mine = ci.matched_player_sessions();
            assert_eq!(mine.len(), 1, "one player session per player of the ticket");
            assert_eq!(mine[0].player_id(), Some(p));
            let ps = mine[0].player_session_id().unwrap().to_string();
            assert!(ps.starts_with("psess-"), "{ps}");
            sdk.accept_player_session(&ps)
                .await
                .unwrap_or_else(|e| panic!("{p}'s session is expected: {e}"));
            session_ids.push(ps);
        }

        let sessions = c
            .describe_player_sessions()
            .game_session_id(&gs.game_session_id)
            .send()
            .await
            .expect("DescribePlayerSessions");
        let mut seen: Vec<(String, PlayerSessionStatus)> = sessions
            .player_sessions()
            .iter()
            .map(|ps| {
                (
                    ps.player_id().unwrap().to_string(),
                    ps.status().unwrap().clone(),
                )
            })
            .collect();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            seen,
            [
                ("alice".to_string(), PlayerSessionStatus::Active),
                ("bob".to_string(), PlayerSessionStatus::Active)
            ]
        );
        let described = c
            .describe_game_sessions()
            .game_session_id(&gs.game_session_id)
            .send()
            .await
            .unwrap();
        let api_gs = &described.game_sessions()[0];
        assert_eq!(api_gs.status(), Some(&GameSessionStatus::Active));
        assert_eq!(api_gs.matchmaker_data(), Some(gs.matchmaker_data.as_str()));
        assert_eq!(api_gs.current_player_session_count(), Some(2));
        sdk.process_ending().await.unwrap();
    })
    .await
}

/// 2v2 with AcceptanceRequired (guide lines 2133–2137: "当建议的对战游戏中的任何一个玩家拒绝对战
/// 游戏，或者未能在接受时限内响应时，请求失败。接受对战的玩家的票证将自动退还到票证池中。未接受对战的玩家
/// 的票证将变为“失败”状态"). One rejects: the rejecting ticket (and the silent one) FAIL, the
/// accepting ones search again. One stays silent past AcceptanceTimeoutSeconds: the same. All
/// accept: the match is placed and every ticket COMPLETES with its player's session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_versus_two_with_acceptance() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "ranked", TWO_VS_TWO_RULES, |b| {
            b.acceptance_required(true).acceptance_timeout_seconds(10)
        })
        .await;
        let sdk = ready_server(&d, FLEET, "proc-2v2").await;
        let accept = |t: &'static str, p: &'static str, yes: bool| {
            let c = c.clone();
            async move {
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
        };
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c")] {
            start(&c, "ranked", t, player(p, 10.0)).await;
        }
        // Nothing to accept yet: AcceptMatch is refused, naming the ticket's state.
        let err = c
            .accept_match()
            .ticket_id("t1")
            .player_ids("a")
            .acceptance_type(AcceptanceType::Accept)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("SEARCHING"), "{err:?}");
        start(&c, "ranked", "t4", player("d", 10.0)).await;
        for t in ["t1", "t2", "t3", "t4"] {
            assert_eq!(status(&c, t).await, Status::RequiresAcceptance, "{t}");
        }

        // One rejects.
        accept("t1", "a", true).await;
        accept("t2", "b", true).await;
        accept("t3", "c", false).await;
        for t in ["t3", "t4"] {
            let failed = ticket(&c, t).await;
            assert_eq!(failed.status(), Some(&Status::Failed), "{t}");
            assert_eq!(failed.status_reason(), Some("ACCEPTANCE_FAILED"));
            assert!(failed.status_message().unwrap().contains("rejected"));
        }
        for t in ["t1", "t2"] {
            let back = ticket(&c, t).await;
            assert_eq!(back.status(), Some(&Status::Searching), "{t}");
            assert!(
                back.players()[0].team().is_none(),
                "the proposal's teams are gone"
            );
        }

        // One times out.
        start(&c, "ranked", "t5", player("e", 10.0)).await;
        start(&c, "ranked", "t6", player("f", 10.0)).await;
        assert_eq!(status(&c, "t6").await, Status::RequiresAcceptance);
        accept("t1", "a", true).await;
        accept("t2", "b", true).await;
        accept("t5", "e", true).await;
        d.advance(Duration::from_secs(9));
        assert_eq!(status(&c, "t6").await, Status::RequiresAcceptance);
        d.advance(Duration::from_secs(1));
        let silent = ticket(&c, "t6").await;
        assert_eq!(silent.status(), Some(&Status::Failed));
        assert_eq!(silent.status_reason(), Some("ACCEPTANCE_FAILED"));
        assert!(silent.status_message().unwrap().contains("timeout"));
        for t in ["t1", "t2", "t5"] {
            assert_eq!(status(&c, t).await, Status::Searching, "{t}");
        }

        // All accept: placed and completed.
        start(&c, "ranked", "t7", player("g", 10.0)).await;
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t5", "e"), ("t7", "g")] {
            accept(t, p, true).await;
        }
        let gs = started_session(&sdk).await;
        let md = gs.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(player_count(&md), 4);
        assert!(md.teams.iter().all(|t| t.players.len() == 2));
        sdk.activate_game_session().await.unwrap();
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t5", "e"), ("t7", "g")] {
            let done = wait_status(&c, t, Status::Completed).await;
            let ci = done.game_session_connection_info().unwrap();
            assert_eq!(ci.game_session_arn(), Some(gs.game_session_id.as_str()));
            assert_eq!(ci.matched_player_sessions()[0].player_id(), Some(p));
        }
        sdk.process_ending().await.unwrap();
    })
    .await
}

/// No ready process: the match waits in PLACING while the queue keeps looking, and when the
/// queue's TimeoutInSeconds (30) has passed its tickets FAIL with PLACEMENT_TIMED_OUT and a
/// message naming the queue (service-api.md, GameSessionQueue `TimeoutInSeconds`). A server
/// that becomes ready while the next match is PLACING gets it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_ready_process_the_placement_times_out() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "duel", &duel_rules(), |b| b).await;
        start(&c, "duel", "t-alice", player("alice", 12.0)).await;
        start(&c, "duel", "t-bob", player("bob", 14.0)).await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        assert_eq!(status(&c, "t-alice").await, Status::Placing);
        d.advance(Duration::from_secs(29));
        assert_eq!(
            status(&c, "t-alice").await,
            Status::Placing,
            "still inside the queue's timeout"
        );
        d.advance(Duration::from_secs(1));
        for t in ["t-alice", "t-bob"] {
            let failed = ticket(&c, t).await;
            assert_eq!(failed.status(), Some(&Status::Failed), "{t}");
            assert_eq!(failed.status_reason(), Some("PLACEMENT_TIMED_OUT"));
            let msg = failed.status_message().unwrap();
            assert!(msg.contains("'q'") && msg.contains("30 s"), "{msg}");
            assert!(failed.game_session_connection_info().is_none());
        }

        // Capacity arriving while a match is PLACING: the server that gets ready takes it at
        // once, with no clock advance.
        start(&c, "duel", "t-carol", player("carol", 12.0)).await;
        start(&c, "duel", "t-dave", player("dave", 14.0)).await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        assert_eq!(status(&c, "t-carol").await, Status::Placing);
        let sdk = ready_server(&d, FLEET, "proc-late").await;
        let gs = started_session(&sdk).await;
        sdk.activate_game_session().await.unwrap();
        let done = wait_status(&c, "t-dave", Status::Completed).await;
        assert_eq!(
            done.game_session_connection_info()
                .unwrap()
                .game_session_arn(),
            Some(gs.game_session_id.as_str())
        );
    })
    .await
}

/// Player latency policies (service-api.md CreateGameSessionQueue `PlayerLatencyPolicies`; issue
/// 5: "latency policies honoured when latencies are given"): players reporting 120 ms to the
/// fleet's location are not placed while the first policy caps latency at 50 ms for 5 s, and
/// are placed once the next policy (200 ms) is in force.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_waits_for_the_latency_policy_that_admits_the_players() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        create_rule_set(&c, "rules", &duel_rules()).await;
        let q = c
            .create_game_session_queue()
            .name("near")
            .timeout_in_seconds(30)
            .destinations(
                GameSessionQueueDestination::builder()
                    .destination_arn(FLEET)
                    .build(),
            )
            .player_latency_policies(
                PlayerLatencyPolicy::builder()
                    .maximum_individual_player_latency_milliseconds(50)
                    .policy_duration_seconds(5)
                    .build(),
            )
            .player_latency_policies(
                PlayerLatencyPolicy::builder()
                    .maximum_individual_player_latency_milliseconds(200)
                    .build(),
            )
            .send()
            .await
            .expect("CreateGameSessionQueue")
            .game_session_queue
            .unwrap();
        send_config(configuration(
            &c,
            "duel",
            "rules",
            q.game_session_queue_arn().unwrap(),
        ))
        .await;
        let sdk = ready_server(&d, FLEET, "proc-lat").await;
        for (t, p) in [("t-alice", "alice"), ("t-bob", "bob")] {
            let far = Player::builder()
                .player_id(p)
                .latency_in_ms("custom-test", 120)
                .build();
            c.start_matchmaking()
                .ticket_id(t)
                .configuration_name("duel")
                .players(far)
                .send()
                .await
                .unwrap();
        }
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        assert_eq!(status(&c, "t-alice").await, Status::Placing);
        d.advance(Duration::from_secs(4));
        assert_eq!(status(&c, "t-alice").await, Status::Placing);
        expect_no_event(&sdk).await;
        d.advance(Duration::from_secs(1));
        let gs = started_session(&sdk).await;
        sdk.activate_game_session().await.unwrap();
        let done = wait_status(&c, "t-bob", Status::Completed).await;
        assert_eq!(
            done.game_session_connection_info()
                .unwrap()
                .game_session_arn(),
            Some(gs.game_session_id.as_str())
        );
    })
    .await
}

/// "A new ticket for a player cancels that player's older active ticket" (issue 5;
/// service-api.md StartMatchmaking): the first ticket ends CANCELLED, naming the newer one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_players_second_ticket_cancels_the_first() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "ranked", TWO_VS_TWO_RULES, |b| b).await;
        start(&c, "ranked", "first", player("alice", 10.0)).await;
        start(&c, "ranked", "second", player("alice", 10.0)).await;
        let first = ticket(&c, "first").await;
        assert_eq!(first.status(), Some(&Status::Cancelled));
        assert!(first.end_time().is_some());
        assert!(
            first.status_message().unwrap().contains("'second'"),
            "{:?}",
            first.status_message()
        );
        assert_eq!(status(&c, "second").await, Status::Searching);
        // The cancelled ticket is out of the pool: three more players make one match with
        // "second", not with "first".
        for (t, p) in [("t-b", "b"), ("t-c", "c"), ("t-d", "d")] {
            start(&c, "ranked", t, player(p, 10.0)).await;
        }
        assert_eq!(status(&c, "second").await, Status::Placing);
        assert_eq!(status(&c, "first").await, Status::Cancelled);
    })
    .await
}

/// Expansions (guide, "expansions", lines 413–628): two players too far apart in skill do
/// not match, until their wait reaches the step's waitTimeSeconds (5) and the rule relaxes
/// — on the advanced clock, with no new ticket coming in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expansion_lets_a_lonely_ticket_match_after_its_wait() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "wide", EXPANDING_RULES, |b| b).await;
        let sdk = ready_server(&d, FLEET, "proc-exp").await;
        start(&c, "wide", "t-low", player("low", 100.0)).await;
        start(&c, "wide", "t-high", player("high", 150.0)).await;
        d.advance(Duration::from_secs(4));
        assert_eq!(status(&c, "t-low").await, Status::Searching);
        assert_eq!(status(&c, "t-high").await, Status::Searching);
        d.advance(Duration::from_secs(1));
        let gs = started_session(&sdk).await;
        let md = gs.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(player_count(&md), 2);
        assert_eq!(status(&c, "t-low").await, Status::Placing);
        sdk.activate_game_session().await.unwrap();
        wait_status(&c, "t-high", Status::Completed).await;
    })
    .await
}

/// A ticket nobody matches ends TIMED_OUT when the configuration's RequestTimeoutSeconds (60)
/// have passed (service-api.md StartMatchmaking: "TIMED_OUT (after `RequestTimeoutSeconds`)").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lonely_ticket_times_out_after_the_request_timeout() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "ranked", TWO_VS_TWO_RULES, |b| b).await;
        start(&c, "ranked", "t-lonely", player("lonely", 10.0)).await;
        d.advance(Duration::from_secs(59));
        assert_eq!(status(&c, "t-lonely").await, Status::Searching);
        d.advance(Duration::from_secs(1));
        let t = ticket(&c, "t-lonely").await;
        assert_eq!(t.status(), Some(&Status::TimedOut));
        assert_eq!(t.status_reason(), Some("TIMED_OUT"));
        assert!(t.end_time().is_some());
    })
    .await
}

/// STANDALONE (service-api.md StartMatchmaking: "In STANDALONE mode there is no PLACING step
/// and no connection info"): the tickets end COMPLETED with their teams, and no game session
/// is created — the ready server hears nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_ends_completed_with_teams_and_no_game_session() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        create_rule_set(&c, "rules", &duel_rules()).await;
        c.create_matchmaking_configuration()
            .name("solo")
            .rule_set_name("rules")
            .request_timeout_seconds(60)
            .acceptance_required(false)
            .flex_match_mode(FlexMatchMode::Standalone)
            .send()
            .await
            .expect("a STANDALONE configuration needs no queue");
        let sdk = ready_server(&d, FLEET, "proc-idle").await;
        start(&c, "solo", "t-alice", player("alice", 12.0)).await;
        start(&c, "solo", "t-bob", player("bob", 14.0)).await;
        // A match below maxPlayers forms at the end of its matchmaking cycle.
        d.end_matchmaking_cycle();
        let mut teams = Vec::new();
        let mut teams_of = Vec::new();
        for t in ["t-alice", "t-bob"] {
            let done = ticket(&c, t).await;
            assert_eq!(done.status(), Some(&Status::Completed), "{t}");
            assert!(done.game_session_connection_info().is_none());
            let team = done.players()[0].team().expect("a team").to_string();
            teams_of.push((t, team.clone()));
            teams.push(team);
        }
        teams.sort();
        assert_eq!(teams, ["blue", "red"]);
        let sessions = c
            .describe_game_sessions()
            .fleet_id(FLEET)
            .send()
            .await
            .unwrap();
        assert!(sessions.game_sessions().is_empty(), "no placement");

        // Backfill in STANDALONE: the client describes the match (no game session); a
        // newcomer's ticket and the backfill ticket both COMPLETE, the newcomer on a team.
        let bf = c
            .start_match_backfill()
            .ticket_id("bf-solo")
            .configuration_name("solo")
            .players(player_on("alice", 12.0, &teams_of[0].1))
            .players(player_on("bob", 14.0, &teams_of[1].1))
            .send()
            .await
            .expect("StartMatchBackfill without a game session")
            .matchmaking_ticket
            .unwrap();
        assert_eq!(bf.ticket_id(), Some("bf-solo"));
        start(&c, "solo", "t-carol", player("carol", 11.0)).await;
        let carol = ticket(&c, "t-carol").await;
        assert_eq!(carol.status(), Some(&Status::Completed));
        assert!(carol.players()[0].team().is_some());
        assert!(carol.game_session_connection_info().is_none());
        assert_eq!(status(&c, "bf-solo").await, Status::Completed);
        expect_no_event(&sdk).await;
    })
    .await
}

/// What a client gets wrong, it hears about (service-api.md StartMatchmaking and
/// DescribeMatchmaking): more than 10 players is InvalidRequestException naming the limit; a
/// TicketId is generated (a UUID) when omitted; an unknown configuration is
/// NotFoundException naming it; DescribeMatchmaking takes at most 10 ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_matchmaking_input_is_checked_as_clients_see_it() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        set_up(&c, "duel", &duel_rules(), |b| b).await;

        let eleven: Vec<Player> = (0..11).map(|i| player(&format!("p{i}"), 10.0)).collect();
        let err = c
            .start_matchmaking()
            .configuration_name("duel")
            .set_players(Some(eleven))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        let msg = err.message().unwrap();
        assert!(msg.contains("10") && msg.contains("11"), "{msg}");

        let t = c
            .start_matchmaking()
            .configuration_name("duel")
            .players(player("alice", 10.0))
            .send()
            .await
            .expect("StartMatchmaking without a TicketId")
            .matchmaking_ticket
            .unwrap();
        let id = t.ticket_id().expect("a generated TicketId");
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(id.matches('-').count(), 4, "a UUID: {id}");
        assert_eq!(status(&c, id).await, Status::Searching);

        let err = c
            .start_matchmaking()
            .configuration_name("no-such-config")
            .players(player("bob", 10.0))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_not_found_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("no-such-config"), "{err:?}");

        start(&c, "duel", "t-dup", player("carol", 10.0)).await;
        let err = c
            .start_matchmaking()
            .ticket_id("t-dup")
            .configuration_name("duel")
            .players(player("dave", 10.0))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("t-dup"), "{err:?}");

        let ids: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        let err = c
            .describe_matchmaking()
            .set_ticket_ids(Some(ids))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("at most 10"), "{err:?}");
        let ten: Vec<String> = std::iter::once(id.to_string())
            .chain((0..9).map(|i| format!("gone-{i}")))
            .collect();
        let found = c
            .describe_matchmaking()
            .set_ticket_ids(Some(ten))
            .send()
            .await
            .expect("10 ids are fine");
        assert_eq!(found.ticket_list().len(), 1, "unknown ids are left out");
    })
    .await
}

/// Describe paging (service-api.md DescribeMatchmakingRuleSets, DescribeMatchmakingConfigurations,
/// DescribeGameSessionQueues: "paged by Limit/NextToken"), through the SDK's own paginators
/// and by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn describe_operations_page_through_the_sdk_paginators() {
    bounded(async {
        let d = TestDaemon::start().await;
        let c = client(&d, "AKIDLOCAL");
        let mut queue_arns = Vec::new();
        for i in 0..5 {
            create_rule_set(&c, &format!("rs-{i}"), &duel_rules()).await;
            queue_arns.push(create_queue(&c, &format!("q-{i}"), 30).await);
        }
        for (i, q) in queue_arns.iter().enumerate() {
            send_config(configuration(&c, &format!("cfg-{i}"), "rs-0", q)).await;
        }
        let names = |prefix: &str| (0..5).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();

        let rule_sets: Vec<String> = c
            .describe_matchmaking_rule_sets()
            .into_paginator()
            .page_size(2)
            .items()
            .send()
            .try_collect()
            .await
            .expect("DescribeMatchmakingRuleSets pages")
            .iter()
            .map(|r| r.rule_set_name().unwrap().to_string())
            .collect();
        assert_eq!(rule_sets, names("rs-"));
        let configs: Vec<String> = c
            .describe_matchmaking_configurations()
            .into_paginator()
            .page_size(2)
            .items()
            .send()
            .try_collect()
            .await
            .expect("DescribeMatchmakingConfigurations pages")
            .iter()
            .map(|r| r.name().unwrap().to_string())
            .collect();
        assert_eq!(configs, names("cfg-"));
        let queues: Vec<String> = c
            .describe_game_session_queues()
            .into_paginator()
            .page_size(2)
            .items()
            .send()
            .try_collect()
            .await
            .expect("DescribeGameSessionQueues pages")
            .iter()
            .map(|q| q.name().unwrap().to_string())
            .collect();
        assert_eq!(queues, names("q-"));

        // By hand: three pages of 2, 2 and 1; the last has no NextToken.
        let mut token = None;
        let mut pages = Vec::new();
        loop {
            let out = c
                .describe_matchmaking_configurations()
                .limit(2)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            pages.push(out.configurations().len());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        assert_eq!(pages, [2, 2, 1]);
        // The rule set filter pages too; a token from another operation is refused.
        let using = c
            .describe_matchmaking_configurations()
            .rule_set_name("rs-0")
            .limit(10)
            .send()
            .await
            .unwrap();
        assert_eq!(using.configurations().len(), 5);
        let err = c
            .describe_game_session_queues()
            .next_token("configurations-2")
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(err.is_invalid_request_exception(), "{err:?}");
        assert!(err.message().unwrap().contains("configurations-2"));
    })
    .await
}
