//! Placement through a queue onto a free process.

use super::*;
use crate::GameSessionStatus;
use playfield_flexmatch::AttributeValue;

/// Four players, a 2v2 WITH_QUEUE configuration with game properties, data and two extra
/// slots; returns the core after the match formed.
fn matched(with_process: bool) -> Core {
    let mut c = core_with(&teams_rule_set(2, 2), |s| {
        s.additional_player_count = 2;
        s.game_properties = props(&[("mode", "duel")]);
        s.game_session_data = Some("map=arena".into());
    });
    if with_process {
        ready(&mut c, T0, "p1", 1);
    }
    c.take_effects();
    start(&mut c, T0, "t1", &["a", "b"]);
    start(&mut c, T0 + 1, "t2", &["c", "d"]);
    c
}

/// service-api.md §9.1: "PLACING (WITH_QUEUE mode only) -> COMPLETED … the COMPLETED ticket
/// also carries `GameSessionConnectionInfo` (game session ARN, address, port, one player
/// session per player)". The guide's matchmaker data (lines 2240–2290) reaches the server in
/// CreateGameSession, with MaximumPlayerSessionCount = team maxima + AdditionalPlayerCount.
#[test]
fn a_match_is_placed_and_completes_when_the_session_activates() {
    let mut c = matched(true);
    assert_eq!(status(&c, "t1"), TicketStatus::Placing);
    let gs = match pushes(&mut c).into_iter().next() {
        Some(Push::CreateGameSession(gs)) => gs,
        other => panic!("expected CreateGameSession, got {other:?}"),
    };
    assert_eq!(gs.maximum_player_session_count, 6);
    assert_eq!(gs.game_properties, props(&[("mode", "duel")]));
    assert_eq!(gs.game_session_data.as_deref(), Some("map=arena"));
    let md = gs.matchmaker_data.as_ref().unwrap();
    assert_eq!(md.configuration_name(), Some("cfg"));
    assert_eq!(
        md.match_id,
        c.ticket("t1").unwrap().match_id.clone().unwrap()
    );
    assert_eq!(md.teams.len(), 2);
    let everyone: Vec<&str> = md
        .teams
        .iter()
        .flat_map(|t| t.players.iter().map(|p| p.player_id.as_str()))
        .collect();
    assert_eq!(everyone.len(), 4);
    // Written {"attributeType": "DOUBLE", "valueAttribute": 10.0}:
    // sdk_wire::tests::attributes_are_written_with_their_attribute_type.
    assert_eq!(
        md.teams[0].players[0].attributes["skill"],
        AttributeValue::Number(10.0)
    );
    assert!(md.auto_backfill_ticket_id.is_none(), "MANUAL backfill");

    c.activate_game_session(T0 + 50, "p1", &gs.id).unwrap();
    for t in ["t1", "t2"] {
        let t = c.ticket(t).unwrap();
        assert_eq!(t.status, TicketStatus::Completed);
        let ci = t.connection.as_ref().unwrap();
        assert_eq!(ci.game_session_arn, gs.id);
        assert_eq!(ci.port, Some(7001));
        assert_eq!(ci.matched_player_sessions.len(), 2);
        for mps in &ci.matched_player_sessions {
            let ps = c.player_session(&mps.player_session_id).unwrap();
            assert_eq!(ps.player_id, mps.player_id);
            assert_eq!(ps.game_session_id, gs.id);
        }
    }
    let p = c.matchmaking().placements.values().next().unwrap();
    assert_eq!(p.status, PlacementStatus::Fulfilled);
    assert_eq!(
        c.game_session(&gs.id).unwrap().status,
        GameSessionStatus::Active
    );
}

/// "No free process: keep trying until the queue's timeout, then fail with the right reason."
#[test]
fn with_no_ready_process_the_placement_times_out() {
    let mut c = matched(false);
    advance(&mut c, T0 + 29_000);
    assert_eq!(status(&c, "t1"), TicketStatus::Placing);
    advance(&mut c, T0 + 31_000);
    let t = c.ticket("t1").unwrap();
    assert_eq!(t.status, TicketStatus::Failed);
    assert_eq!(
        t.status_reason.map(|r| r.as_str()),
        Some("PLACEMENT_TIMED_OUT")
    );
    assert!(t.status_message.as_deref().unwrap().contains("'the-queue'"));
    let p = c.matchmaking().placements.values().next().unwrap();
    assert_eq!(p.status, PlacementStatus::TimedOut);
}

/// Issue 17 item 6: "when a placement then times out while idle processes wait in fleets the
/// queue does not target, the failure message ... name[s] those fleets".
#[test]
fn a_timed_out_placement_names_the_fleets_whose_idle_processes_it_could_not_use() {
    let mut c = matched(false);
    c.register_fleet(crate::Fleet {
        id: "fleet-other".into(),
        name: "other".into(),
        locations: Vec::new(),
    })
    .unwrap();
    c.connect(
        T0,
        ConnId(9),
        ConnectInfo {
            pid: "stray".into(),
            fleet_id: "fleet-other".into(),
            ..Default::default()
        },
    )
    .unwrap();
    c.process_ready(
        T0,
        "stray",
        ProcessReady {
            port: Some(7009),
            ..Default::default()
        },
    )
    .unwrap();
    advance(&mut c, T0 + 31_000);
    let t = c.ticket("t1").unwrap();
    assert_eq!(t.status, TicketStatus::Failed);
    let message = t.status_message.as_deref().unwrap();
    assert!(
        message.contains("idle server processes wait in fleet(s) 'fleet-other'"),
        "{message}"
    );
}

/// A process that becomes ready within the queue's timeout gets the waiting match, within
/// the ProcessReady that freed it: not at the next retry tick (issue 5: "from the last needed
/// ticket to the match is milliseconds" holds for capacity arriving late too). Two matches
/// wait; the older one takes the first process, the other the next.
#[test]
fn a_process_ready_later_gets_the_waiting_placement_at_once() {
    let mut c = matched(false);
    start(&mut c, T0 + 2, "t3", &["e", "f"]);
    start(&mut c, T0 + 3, "t4", &["g", "h"]);
    advance(&mut c, T0 + 5_000);
    assert!(pushes(&mut c).is_empty());
    ready(&mut c, T0 + 5_010, "late", 9);
    let created: Vec<_> = pushes(&mut c)
        .into_iter()
        .filter_map(|p| match p {
            Push::CreateGameSession(gs) => Some(gs),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 1, "one process, one placement");
    let md = created[0].matchmaker_data.as_ref().unwrap();
    assert_eq!(
        md.match_id,
        c.ticket("t1").unwrap().match_id.unwrap(),
        "the oldest waiting match goes first"
    );
    ready(&mut c, T0 + 5_020, "later", 10);
    assert_eq!(
        pushes(&mut c)
            .iter()
            .filter(|p| matches!(p, Push::CreateGameSession(_)))
            .count(),
        1,
        "the second match takes the second process"
    );
    assert!(!c.matchmaking().placements.any_waiting());
    assert_eq!(status(&c, "t3"), TicketStatus::Placing);
}

/// Player latency policies: a destination where a player reports more than the cap in force
/// is skipped; once the policy's duration ends the next (looser) cap lets it through.
#[test]
fn latency_policies_hold_back_placement_until_they_relax() {
    let mut c = core_with(&teams_rule_set(1, 1), |_| {});
    c.update_queue(QueueSpec {
        name: QUEUE.into(),
        destinations: vec![FLEET.into()],
        timeout_seconds: 60,
        player_latency_policies: vec![
            PlayerLatencyPolicy {
                maximum_individual_player_latency_ms: 50,
                policy_duration_seconds: Some(10),
            },
            PlayerLatencyPolicy {
                maximum_individual_player_latency_ms: 200,
                policy_duration_seconds: None,
            },
        ],
        ..Default::default()
    })
    .unwrap();
    ready(&mut c, T0, "p1", 1);
    c.take_effects();
    for (t, p, ms) in [("t1", "a", 20), ("t2", "b", 120)] {
        let mut pl = player(p, 1.0);
        pl.latency_ms.insert("custom-home".into(), ms);
        c.start_matchmaking(
            T0,
            StartMatchmaking {
                ticket_id: Some(t.into()),
                configuration_name: "cfg".into(),
                players: vec![pl],
            },
        )
        .unwrap();
    }
    assert_eq!(status(&c, "t1"), TicketStatus::Placing);
    advance(&mut c, T0 + 9_999);
    assert!(!pushes(&mut c)
        .iter()
        .any(|p| matches!(p, Push::CreateGameSession(_))));
    advance(&mut c, T0 + 10_000 + PLACEMENT_RETRY_MS);
    assert!(pushes(&mut c)
        .iter()
        .any(|p| matches!(p, Push::CreateGameSession(_))));
}

pub(super) fn direct(id: &str) -> super::placement_api::StartPlacement {
    super::placement_api::StartPlacement {
        placement_id: id.into(),
        queue_name: QUEUE.into(),
        maximum_player_session_count: 4,
        settings: super::placement_api::DirectPlacement {
            game_session_name: Some("arena".into()),
            game_properties: props(&[("mode", "ffa")]),
            desired_player_sessions: vec![crate::NewPlayerSession {
                player_id: "alice".into(),
                player_data: Some("blue hat".into()),
            }],
            ..Default::default()
        },
    }
}

/// service-api.md §9.2 StartGameSessionPlacement: "Returns the placement with `Status`
/// PENDING. It later becomes FULFILLED (with `GameSessionId`…, `PlacedPlayerSessions` for
/// each `DesiredPlayerSessions` entry), TIMED_OUT (queue timeout passed), CANCELLED".
#[test]
fn a_direct_placement_is_fulfilled_times_out_or_is_cancelled() {
    let mut c = core_with(&teams_rule_set(1, 1), |_| {});
    ready(&mut c, T0, "p1", 1);
    c.take_effects();
    let p = c.start_game_session_placement(T0, direct("pl-1")).unwrap();
    assert_eq!(p.status, PlacementStatus::Pending);
    let gs = match pushes(&mut c).into_iter().next() {
        Some(Push::CreateGameSession(gs)) => gs,
        other => panic!("expected CreateGameSession, got {other:?}"),
    };
    assert_eq!(gs.name.as_deref(), Some("arena"));
    assert_eq!(gs.maximum_player_session_count, 4);
    assert!(gs.matchmaker_data.is_none());
    c.activate_game_session(T0 + 5, "p1", &gs.id).unwrap();
    let p = c.describe_game_session_placement("pl-1").unwrap();
    assert_eq!(p.status, PlacementStatus::Fulfilled);
    assert_eq!(p.placed_player_sessions[0].player_id, "alice");
    let ps = c
        .player_session(&p.placed_player_sessions[0].player_session_id)
        .unwrap();
    assert_eq!(ps.player_data.as_deref(), Some("blue hat"));
    assert!(
        c.start_game_session_placement(T0, direct("pl-1")).is_err(),
        "ids are unique"
    );

    // No free process now: the next one times out with the queue.
    c.start_game_session_placement(T0 + 10, direct("pl-2"))
        .unwrap();
    advance(&mut c, T0 + 10 + 30_000);
    assert_eq!(
        c.describe_game_session_placement("pl-2").unwrap().status,
        PlacementStatus::TimedOut
    );

    c.start_game_session_placement(T0 + 40_000, direct("pl-3"))
        .unwrap();
    let stopped = c.stop_game_session_placement(T0 + 40_001, "pl-3").unwrap();
    assert_eq!(stopped.status, PlacementStatus::Cancelled);
    let err = c
        .stop_game_session_placement(T0 + 40_002, "pl-3")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "placement 'pl-3' is CANCELLED; only a PENDING placement can be stopped"
    );
    assert_eq!(
        c.describe_game_session_placement("zz")
            .unwrap_err()
            .to_string(),
        "no game session placement 'zz'"
    );
}

/// A match of more than 25 players is seated whole: CreatePlayerSessions takes 1..25 players a
/// call (service-api.md §9.2), but that is the operation's limit, not the matchmaker's — a
/// large match holds up to 200 (guide 002 line 196: "大型对战（41 至 200 名玩家）"). A 15 v 15
/// (30 players, full: it forms at once) activates with 30 player sessions and every ticket
/// COMPLETED. Before the fix every ticket FAILED with UNEXPECTED_ERROR.
#[test]
fn a_match_of_more_than_25_players_is_seated_whole() {
    let mut c = core_with(&teams_rule_set(15, 15), |_| {});
    ready(&mut c, T0, "p1", 1);
    c.take_effects();
    for i in 0..30 {
        start(&mut c, T0, &format!("t{i:02}"), &[&format!("p{i:02}")]);
    }
    let gs = pushes(&mut c)
        .into_iter()
        .find_map(|p| match p {
            Push::CreateGameSession(gs) => Some(gs),
            _ => None,
        })
        .expect("the full match is placed");
    c.activate_game_session(T0 + 5, "p1", &gs.id).unwrap();
    for i in 0..30 {
        let t = c.ticket(&format!("t{i:02}")).unwrap();
        assert_eq!(t.status, TicketStatus::Completed, "t{i:02}: {t:?}");
    }
    assert_eq!(c.current_player_session_count(&gs.id), 30);
}
