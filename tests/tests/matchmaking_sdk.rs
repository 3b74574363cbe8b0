//! The matchmaker end to end with our Rust server SDK as the game server: tickets go in
//! through the core (the service API face comes with its own issue), a match is placed on the
//! SDK's process, the server sees the matchmaker data in onStartGameSession, accepts the
//! matched players, runs a backfill round it started itself, and hears StopMatchBackfill
//! come back as BACKFILL_CANCELLED (guide lines 2218–2487; sdk-wire-protocol.md §3.7–§3.8,
//! §4.2).

use playfield::core::matchmaking::configurations::ConfigurationSpec;
use playfield::core::matchmaking::queues::QueueSpec;
use playfield::core::matchmaking::{BackfillMode, StartMatchmaking, TicketStatus};
use playfield::core::Core;
use playfield::flexmatch::{AttributeValue, Player};
use playfield_e2e::{bounded, TestDaemon, FLEET};
use playfield_sdk::model::UpdateReason;
use playfield_sdk::request::{StartMatchBackfillRequest, StopMatchBackfillRequest};
use playfield_sdk::{ProcessParameters, SdkOptions, ServerEvent, ServerParameters, ServerSdk};
use std::time::Duration;

const RULES: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 2},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 2}],
    "rules": []
}"#;

fn set_up(core: &mut Core, now: u64) {
    set_up_with(core, now, BackfillMode::Manual)
}

fn set_up_with(core: &mut Core, now: u64, backfill: BackfillMode) {
    core.create_rule_set(now, "duel-rules", RULES).unwrap();
    core.create_queue(QueueSpec {
        name: "duel-queue".into(),
        destinations: vec![FLEET.into()],
        timeout_seconds: Some(30),
        player_latency_policies: vec![],
        custom_event_data: None,
        notification_target: None,
    })
    .unwrap();
    let mut spec = ConfigurationSpec::new("duel", "duel-rules", "duel-queue");
    spec.backfill_mode = backfill;
    core.create_configuration(now, spec).unwrap();
}

fn ticket(d: &TestDaemon, id: &str, player: &str, skill: f64) {
    let mut p = Player {
        id: player.into(),
        ..Default::default()
    };
    p.attributes
        .insert("skill".into(), AttributeValue::Number(skill));
    d.execute(|c, now| {
        c.start_matchmaking(
            now,
            StartMatchmaking {
                ticket_id: Some(id.into()),
                configuration_name: "duel".into(),
                players: vec![p],
            },
        )
    })
    .unwrap();
}

async fn next_event(sdk: &ServerSdk) -> ServerEvent {
    tokio::time::timeout(Duration::from_secs(5), sdk.next_event())
        .await
        .expect("an event arrives")
}

/// An SDK server, initialized and ready (ACTIVE), taking its events by polling.
async fn ready_sdk(d: &TestDaemon, pid: &str) -> ServerSdk {
    let sdk = ServerSdk::with_options(SdkOptions::new().request_timeout(Duration::from_secs(5)));
    sdk.init(
        ServerParameters::new()
            .web_socket_url(d.ws_url())
            .process_id(pid)
            .host_id("my-host")
            .fleet_id(FLEET)
            .auth_token("local-token"),
    )
    .await
    .unwrap();
    sdk.process_ready(ProcessParameters::new(7777).poll_events())
        .await
        .unwrap();
    d.wait_until("the process is ACTIVE", |c| {
        c.process(pid).is_some_and(|p| p.last_heartbeat.is_some())
    })
    .await;
    sdk
}

#[tokio::test]
async fn a_match_is_placed_played_and_backfilled_from_the_server() {
    bounded(async {
        let d = TestDaemon::start().await;
        d.execute(set_up);
        let sdk = ready_sdk(&d, "proc-mm").await;

        // The second ticket makes the match within its own call; the server is asked to
        // host it with the matchmaker data the guide shows.
        ticket(&d, "t-alice", "alice", 12.0);
        ticket(&d, "t-bob", "bob", 14.0);
        let ServerEvent::StartGameSession(gs) = next_event(&sdk).await else {
            panic!("expected StartGameSession")
        };
        let md = gs
            .parsed_matchmaker_data()
            .unwrap()
            .expect("matchmaker data");
        assert!(md
            .matchmaking_configuration_arn
            .ends_with(":matchmakingconfiguration/duel"));
        assert_eq!(md.teams.len(), 2);
        assert_eq!(gs.maximum_player_session_count, 4, "two teams of at most 2");
        let alice = md
            .teams
            .iter()
            .flat_map(|t| t.players.iter())
            .find(|p| p.player_id == "alice")
            .expect("alice is in the match");
        assert_eq!(
            alice.attributes.get("skill"),
            Some(&playfield_sdk::wire::AttributeValue::Double(12.0))
        );
        sdk.activate_game_session().await.unwrap();

        // The tickets complete with connection info; the players' sessions are accepted.
        d.wait_until("the tickets are COMPLETED", |c| {
            c.ticket("t-bob")
                .is_some_and(|t| t.status == TicketStatus::Completed)
        })
        .await;
        for t in ["t-alice", "t-bob"] {
            let info = d.read(|c| c.ticket(t).unwrap().connection.unwrap());
            assert_eq!(info.game_session_arn, gs.game_session_id);
            assert_eq!(info.port, Some(7777));
            sdk.accept_player_session(&info.matched_player_sessions[0].player_session_id)
                .await
                .expect("the matched player is expected");
        }

        // A backfill round started by the server: carol fills the open slot.
        let players = md
            .teams
            .iter()
            .flat_map(|t| {
                t.players.iter().map(|p| {
                    let mut pl = playfield_sdk::model::Player::new(&p.player_id).with_team(&t.name);
                    for (k, v) in &p.attributes {
                        pl = pl.with_attribute(k, v.clone());
                    }
                    pl
                })
            })
            .collect();
        let bf = sdk
            .start_match_backfill(StartMatchBackfillRequest::new(
                &gs.game_session_id,
                &md.matchmaking_configuration_arn,
                players,
            ))
            .await
            .expect("a backfill ticket")
            .ticket_id;
        ticket(&d, "t-carol", "carol", 11.0);
        let ServerEvent::UpdateGameSession(up) = next_event(&sdk).await else {
            panic!("expected UpdateGameSession")
        };
        assert_eq!(up.update_reason, UpdateReason::MatchmakingDataUpdated);
        assert_eq!(up.backfill_ticket_id, bf);
        let md2 = up.game_session.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(md2.match_id, md.match_id);
        assert_eq!(md2.teams.iter().map(|t| t.players.len()).sum::<usize>(), 3);
        let carol = d.read(|c| c.ticket("t-carol").unwrap().connection.unwrap());
        sdk.accept_player_session(&carol.matched_player_sessions[0].player_session_id)
            .await
            .expect("carol's session is accepted");

        // StopMatchBackfill reaches the server as BACKFILL_CANCELLED with the ticket id.
        let players = md2
            .teams
            .iter()
            .flat_map(|t| {
                t.players
                    .iter()
                    .map(|p| playfield_sdk::model::Player::new(&p.player_id).with_team(&t.name))
            })
            .collect();
        let bf2 = sdk
            .start_match_backfill(
                StartMatchBackfillRequest::new(
                    &gs.game_session_id,
                    &md.matchmaking_configuration_arn,
                    players,
                )
                .ticket_id("bf-2"),
            )
            .await
            .unwrap()
            .ticket_id;
        assert_eq!(bf2, "bf-2");
        sdk.stop_match_backfill(StopMatchBackfillRequest::new(
            "bf-2",
            &gs.game_session_id,
            &md.matchmaking_configuration_arn,
        ))
        .await
        .unwrap();
        let ServerEvent::UpdateGameSession(up) = next_event(&sdk).await else {
            panic!("expected UpdateGameSession")
        };
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, "bf-2");
        sdk.process_ending().await.unwrap();
    })
    .await;
}

/// Automatic backfill (guide, "打开自动回填"): a session that started at minPlayers names its
/// backfill ticket in the matchmaker data, a newcomer is added and the server hears
/// MATCHMAKING_DATA_UPDATED; StopMatchBackfill on the next automatic ticket switches it off
/// and comes back as BACKFILL_CANCELLED.
#[tokio::test]
async fn automatic_backfill_fills_a_session_that_started_at_min_players() {
    bounded(async {
        let d = TestDaemon::start().await;
        d.execute(|c, now| set_up_with(c, now, BackfillMode::Automatic));
        let sdk = ready_sdk(&d, "proc-auto").await;
        ticket(&d, "t-alice", "alice", 12.0);
        ticket(&d, "t-bob", "bob", 14.0);
        let ServerEvent::StartGameSession(gs) = next_event(&sdk).await else {
            panic!("expected StartGameSession")
        };
        let md = gs.parsed_matchmaker_data().unwrap().unwrap();
        let auto = md
            .auto_backfill_ticket_id
            .clone()
            .expect("autoBackfillTicketId");
        sdk.activate_game_session().await.unwrap();
        d.wait_until("the automatic ticket searches", |c| {
            c.ticket(&auto)
                .is_some_and(|t| t.status == TicketStatus::Searching)
        })
        .await;
        ticket(&d, "t-carol", "carol", 11.0);
        let ServerEvent::UpdateGameSession(up) = next_event(&sdk).await else {
            panic!("expected UpdateGameSession")
        };
        assert_eq!(up.update_reason, UpdateReason::MatchmakingDataUpdated);
        assert_eq!(up.backfill_ticket_id, auto);
        let md2 = up.game_session.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(md2.teams.iter().map(|t| t.players.len()).sum::<usize>(), 3);
        let next = md2
            .auto_backfill_ticket_id
            .clone()
            .expect("one slot still open");
        sdk.stop_match_backfill(StopMatchBackfillRequest::new(
            &next,
            &gs.game_session_id,
            &md.matchmaking_configuration_arn,
        ))
        .await
        .unwrap();
        let ServerEvent::UpdateGameSession(up) = next_event(&sdk).await else {
            panic!("expected UpdateGameSession")
        };
        assert_eq!(up.update_reason, UpdateReason::BackfillCancelled);
        assert_eq!(up.backfill_ticket_id, next);
        sdk.process_ending().await.unwrap();
    })
    .await;
}

/// No ready process: the match waits in PLACING, retried as time advances, and fails with
/// PLACEMENT_TIMED_OUT when the queue's 30 s pass.
#[tokio::test]
async fn with_no_ready_process_the_placement_times_out() {
    bounded(async {
        let d = TestDaemon::start().await;
        d.execute(set_up);
        ticket(&d, "t-alice", "alice", 12.0);
        ticket(&d, "t-bob", "bob", 14.0);
        assert_eq!(
            d.read(|c| c.ticket("t-alice").unwrap().status),
            TicketStatus::Placing
        );
        for _ in 0..31 {
            d.advance(Duration::from_secs(1));
        }
        let t = d.read(|c| c.ticket("t-alice").unwrap());
        assert_eq!(t.status, TicketStatus::Failed);
        assert_eq!(t.status_reason.as_deref(), Some("PLACEMENT_TIMED_OUT"));
    })
    .await;
}

/// 2v2 with acceptance (guide lines 2133–2137): the proposal reaches the server only when all
/// four accept; a rejection fails the rejecting ticket and returns the accepted ones; a
/// silent player's ticket fails when the acceptance timeout passes on the advanced clock.
#[tokio::test]
async fn two_versus_two_with_acceptance() {
    const RULES_2V2: &str = r#"{
        "ruleLanguageVersion": "1.0",
        "teams": [{"name": "red", "minPlayers": 2, "maxPlayers": 2},
                  {"name": "blue", "minPlayers": 2, "maxPlayers": 2}]
    }"#;
    bounded(async {
        let d = TestDaemon::start().await;
        d.execute(|c, now| {
            c.create_rule_set(now, "two-v-two", RULES_2V2).unwrap();
            c.create_queue(QueueSpec {
                name: "q".into(),
                destinations: vec![FLEET.into()],
                timeout_seconds: Some(30),
                player_latency_policies: vec![],
                custom_event_data: None,
                notification_target: None,
            })
            .unwrap();
            let mut spec = ConfigurationSpec::new("duel", "two-v-two", "q");
            spec.acceptance_required = true;
            spec.acceptance_timeout_seconds = Some(10);
            c.create_configuration(now, spec).unwrap();
        });
        let sdk = ready_sdk(&d, "proc-2v2").await;
        let status = |t: &str| d.read(|c| c.ticket(t).unwrap().status);
        let accept = |t: &str, p: &str, yes: bool| {
            d.execute(|c, now| c.accept_match(now, t, &[p.to_string()], yes))
                .unwrap()
        };
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "d")] {
            ticket(&d, t, p, 10.0);
        }
        assert_eq!(status("t4"), TicketStatus::RequiresAcceptance);

        // One rejects: t3 fails, the ones that accepted search again, t4 (silent) fails.
        accept("t1", "a", true);
        accept("t2", "b", true);
        accept("t3", "c", false);
        assert_eq!(status("t1"), TicketStatus::Searching);
        assert_eq!(status("t3"), TicketStatus::Failed);
        assert_eq!(status("t4"), TicketStatus::Failed);

        // Two newcomers: a new proposal; one stays silent past the timeout.
        ticket(&d, "t5", "e", 10.0);
        ticket(&d, "t6", "f", 10.0);
        assert_eq!(status("t5"), TicketStatus::RequiresAcceptance);
        accept("t1", "a", true);
        accept("t2", "b", true);
        accept("t5", "e", true);
        d.advance(Duration::from_secs(10));
        assert_eq!(status("t6"), TicketStatus::Failed);
        assert_eq!(status("t5"), TicketStatus::Searching);

        // All accept: the match is placed on the server.
        ticket(&d, "t7", "g", 10.0);
        for (t, p) in [("t1", "a"), ("t2", "b"), ("t5", "e"), ("t7", "g")] {
            accept(t, p, true);
        }
        let ServerEvent::StartGameSession(gs) = next_event(&sdk).await else {
            panic!("expected StartGameSession")
        };
        let md = gs.parsed_matchmaker_data().unwrap().unwrap();
        assert_eq!(md.teams.iter().map(|t| t.players.len()).sum::<usize>(), 4);
        sdk.activate_game_session().await.unwrap();
        d.wait_until("the tickets are COMPLETED", |c| {
            c.ticket("t7")
                .is_some_and(|t| t.status == TicketStatus::Completed)
        })
        .await;
        sdk.process_ending().await.unwrap();
    })
    .await;
}
