//! Game sessions and player sessions.

use super::*;
use crate::matchmaking::matchmaker_data::MatchmakerData;

#[test]
fn create_game_session_pushes_to_the_ready_process_and_starts_activating() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    assert_eq!(gs.status, GameSessionStatus::Activating);
    assert_eq!(gs.port, Some(7777));
    assert!(gs
        .id
        .starts_with("arn:aws:gamelift:us-west-2::gamesession/fleet-1a2b/gsess-"));
    let effects = c.take_effects();
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Push { pid, conn: ConnId(1), push: Push::CreateGameSession(g) } if pid == "p1" && g.id == gs.id)));
    assert_eq!(
        c.process("p1").unwrap().game_session_id.as_deref(),
        Some(gs.id.as_str())
    );
}

#[test]
fn a_process_that_is_not_ready_or_busy_gets_no_game_session() {
    let mut c = core();
    c.connect(T0, ConnId(1), info("p1")).unwrap();
    let req = CreateGameSession {
        fleet_id: FLEET.into(),
        ..Default::default()
    };
    let err = c.create_game_session(T0, req.clone()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FleetCapacityExceeded);
    c.process_ready(T0, "p1", ProcessReady::default()).unwrap();
    c.create_game_session(T0, req.clone()).unwrap();
    // Busy now.
    assert!(matches!(
        c.create_game_session(T0, req).unwrap_err(),
        CoreError::NoFreeProcess { .. }
    ));
}

#[test]
fn idempotency_token_returns_the_same_session() {
    let mut c = ready_core();
    let req = CreateGameSession {
        fleet_id: FLEET.into(),
        idempotency_token: Some("my-token-1".into()),
        ..Default::default()
    };
    let a = c.create_game_session(T0, req.clone()).unwrap();
    let b = c.create_game_session(T0 + 5, req).unwrap();
    assert_eq!(a.id, b.id);
    assert!(a.id.ends_with("/fleet-1a2b/my-token-1"));
}

#[test]
fn activation_and_its_errors_name_the_thing() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    let err = c.activate_game_session(T0, "p1", "arn:nope").unwrap_err();
    assert_eq!(err.to_string(), "no game session 'arn:nope'");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    let err = c.activate_game_session(T0, "p1", &gs.id).unwrap_err();
    assert!(
        err.to_string().contains("is ACTIVE, not ACTIVATING"),
        "{err}"
    );
}

#[test]
fn another_process_cannot_touch_a_session_it_does_not_host() {
    let (mut c, id) = active_session();
    c.connect(T0, ConnId(2), info("p2")).unwrap();
    c.process_ready(T0, "p2", ProcessReady::default()).unwrap();
    let err = c.activate_game_session(T0, "p2", &id).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

#[test]
fn player_sessions_reserve_accept_remove() {
    let (mut c, id) = active_session();
    let ps = c
        .create_player_sessions(T0, &id, vec![player("a"), player("b")])
        .unwrap();
    assert!(ps.iter().all(|p| p.status == PlayerSessionStatus::Reserved));
    assert!(ps[0].id.starts_with("psess-"));
    c.accept_player_session(T0, "p1", &id, &ps[0].id).unwrap();
    let err = c
        .accept_player_session(T0, "p1", &id, &ps[0].id)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("player session '{}' is ACTIVE, not RESERVED", ps[0].id)
    );
    c.remove_player_session(T0 + 10, "p1", &id, &ps[0].id)
        .unwrap();
    let done = c.player_session(&ps[0].id).unwrap();
    assert_eq!(done.status, PlayerSessionStatus::Completed);
    assert_eq!(done.termination_time, Some(T0 + 10));
    let err = c
        .remove_player_session(T0, "p1", &id, "psess-unknown")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn maximum_player_count_and_deny_all_are_enforced() {
    let (mut c, id) = active_session();
    let err = c
        .create_player_sessions(T0, &id, vec![player("a"), player("b"), player("c")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::GameSessionFull);
    c.create_player_sessions(T0, &id, vec![player("a")])
        .unwrap();
    c.update_player_session_creation_policy("p1", &id, PlayerSessionCreationPolicy::DenyAll)
        .unwrap();
    let err = c
        .create_player_sessions(T0, &id, vec![player("b")])
        .unwrap_err();
    assert!(err.to_string().contains("DENY_ALL"), "{err}");
    c.update_player_session_creation_policy("p1", &id, PlayerSessionCreationPolicy::AcceptAll)
        .unwrap();
    // A player already holding a slot cannot take a second one.
    let err = c
        .create_player_sessions(T0, &id, vec![player("a")])
        .unwrap_err();
    assert!(
        err.to_string().contains("already has player session"),
        "{err}"
    );
    c.create_player_sessions(T0, &id, vec![player("b")])
        .unwrap();
}

#[test]
fn player_sessions_need_an_active_game_session() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    let err = c
        .create_player_sessions(T0, &gs.id, vec![player("a")])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidGameSessionStatus);
}

/// service-api.md, CreatePlayerSession: RESERVED → TIMEDOUT if not accepted within 60 s.
#[test]
fn reserved_player_session_times_out_after_60_s() {
    let (mut c, id) = active_session();
    let ps = c
        .create_player_sessions(T0, &id, vec![player("a")])
        .unwrap();
    c.on_time(T0 + 59_999);
    assert_eq!(
        c.player_session(&ps[0].id).unwrap().status,
        PlayerSessionStatus::Reserved
    );
    c.on_time(T0 + 60_000);
    assert_eq!(
        c.player_session(&ps[0].id).unwrap().status,
        PlayerSessionStatus::Timedout
    );
    let evs = events(&mut c);
    assert!(evs.contains(&Event::PlayerSessionEnded {
        player_session_id: ps[0].id.clone(),
        how: PlayerSessionEnd::TimedOut
    }));
    // An accepted one does not time out.
    let ps = c
        .create_player_sessions(T0 + 60_000, &id, vec![player("b")])
        .unwrap();
    c.accept_player_session(T0 + 60_000, "p1", &id, &ps[0].id)
        .unwrap();
    c.on_time(T0 + 170_000);
    assert_eq!(
        c.player_session(&ps[0].id).unwrap().status,
        PlayerSessionStatus::Active
    );
}

#[test]
fn describe_player_sessions_filters_and_pages() {
    let (mut c, id) = active_session();
    c.update_player_session_creation_policy("p1", &id, PlayerSessionCreationPolicy::AcceptAll)
        .unwrap();
    // Raise the limit so five players fit.
    c.game_sessions
        .get_mut(id.as_str())
        .unwrap()
        .maximum_player_session_count = 5;
    let ps = c
        .create_player_sessions(
            T0,
            &id,
            ["a", "b", "c", "d", "e"].into_iter().map(player).collect(),
        )
        .unwrap();
    c.accept_player_session(T0, "p1", &id, &ps[1].id).unwrap();
    let q = |status: Option<&str>, limit: Option<i64>, token: Option<&str>| {
        DescribePlayerSessions::from_parts(Some(id.clone()), None, None, status, limit, token)
            .unwrap()
    };
    let page = c.describe_player_sessions(&q(None, Some(2), None)).unwrap();
    assert_eq!(page.player_sessions.len(), 2);
    let token = page.next_token.clone().expect("more pages");
    let page2 = c
        .describe_player_sessions(&q(None, Some(2), Some(&token)))
        .unwrap();
    assert_eq!(page2.player_sessions[0].id, ps[2].id);
    let page3 = c
        .describe_player_sessions(&q(None, Some(2), page2.next_token.as_deref()))
        .unwrap();
    assert_eq!(page3.player_sessions.len(), 1);
    assert_eq!(page3.next_token, None);
    let active = c
        .describe_player_sessions(&q(Some("ACTIVE"), None, None))
        .unwrap();
    assert_eq!(active.player_sessions.len(), 1);
    assert_eq!(active.player_sessions[0].id, ps[1].id);
    let by_player =
        DescribePlayerSessions::from_parts(None, Some("c".into()), None, None, None, None).unwrap();
    assert_eq!(
        c.describe_player_sessions(&by_player)
            .unwrap()
            .player_sessions[0]
            .id,
        ps[2].id
    );
}

#[test]
fn describe_player_sessions_rejects_bad_queries() {
    let both = DescribePlayerSessions::from_parts(
        Some("arn:x".into()),
        Some("p".into()),
        None,
        None,
        None,
        None,
    );
    assert!(both.unwrap_err().to_string().contains("exactly one"));
    let none = DescribePlayerSessions::from_parts(None, None, None, None, None, None);
    assert!(none.is_err());
    let status =
        DescribePlayerSessions::from_parts(None, Some("p".into()), None, Some("GONE"), None, None);
    assert!(status.unwrap_err().to_string().contains("'GONE'"));
    let limit =
        DescribePlayerSessions::from_parts(None, Some("p".into()), None, None, Some(0), None);
    assert!(limit.unwrap_err().to_string().starts_with("Limit"));
    let token =
        DescribePlayerSessions::from_parts(None, Some("p".into()), None, None, None, Some("x"));
    assert!(token.unwrap_err().to_string().starts_with("NextToken"));
}

#[test]
fn game_sessions_are_placed_in_the_fleet_location() {
    let mut c = ready_core();
    assert_eq!(create(&mut c, T0).location.as_deref(), Some("custom-home"));
}

#[test]
fn update_pushes_the_new_matchmaker_data() {
    let (mut c, id) = active_session();
    let md = MatchmakerData {
        match_id: "m".into(),
        ..MatchmakerData::default()
    };
    c.notify_game_session_update(
        &id,
        Some(md.clone()),
        UpdateReason::MatchmakingDataUpdated,
        Some("ticket-1".into()),
    )
    .unwrap();
    assert!(c.take_effects().iter().any(|e| matches!(e,
        Effect::Push { push: Push::UpdateGameSession { game_session, reason: UpdateReason::MatchmakingDataUpdated, backfill_ticket_id: Some(t) }, .. }
            if t == "ticket-1" && game_session.matchmaker_data.as_ref() == Some(&md))));
}

/// service-api.md, GameSession: `MatchmakerData` is "string(1..390000)". The core writes no
/// JSON, so it counts the document with `CoreConfig::matchmaker_data_len` (the daemon's is the
/// exact count of the JSON its faces send): a document counted at 390 000 characters is
/// created, one counted above is refused naming MatchmakerData. The default count is an upper
/// bound, so a document whose JSON alone is above the bound is refused without the daemon.
#[test]
fn the_matchmaker_data_bound_counts_with_the_configured_length() {
    let md = MatchmakerData {
        match_id: "m".into(),
        ..MatchmakerData::default()
    };
    let create_with = |len: fn(&MatchmakerData) -> usize, md: &MatchmakerData| {
        let mut c = ready_core_with(CoreConfig {
            matchmaker_data_len: len,
            ..CoreConfig::default()
        });
        c.create_game_session(
            T0,
            CreateGameSession {
                fleet_id: FLEET.into(),
                maximum_player_session_count: 2,
                matchmaker_data: Some(md.clone()),
                ..Default::default()
            },
        )
    };
    let gs = create_with(|_| 390_000, &md).expect("390 000 characters are allowed");
    assert_eq!(gs.matchmaker_data, Some(md.clone()));
    let err = create_with(|_| 390_001, &md).unwrap_err();
    assert!(
        err.to_string()
            .contains("MatchmakerData: must be 1..390000 characters, got 390001"),
        "{err}"
    );

    let long = MatchmakerData {
        match_id: "m".repeat(390_000),
        ..MatchmakerData::default()
    };
    let err = create_with(CoreConfig::default().matchmaker_data_len, &long).unwrap_err();
    assert!(err.to_string().contains("MatchmakerData"), "{err}");
}
