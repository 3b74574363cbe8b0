//! Core unit tests: commands and time in, state and effects out. No I/O, no sleeping.

use super::*;

const T0: Millis = 1_735_689_600_000;
const FLEET: &str = "fleet-1a2b";

fn core() -> Core {
    let mut c = Core::new(CoreConfig::default());
    c.register_fleet(Fleet {
        id: FLEET.into(),
        name: "test".into(),
        locations: vec!["custom-home".into()],
    })
    .unwrap();
    c
}

fn info(pid: &str) -> ConnectInfo {
    ConnectInfo {
        pid: pid.into(),
        fleet_id: FLEET.into(),
        compute_id: Some("my-host".into()),
        ..Default::default()
    }
}

/// A core with one ACTIVE process "p1" on connection #1.
fn ready_core() -> Core {
    let mut c = core();
    c.connect(T0, ConnId(1), info("p1")).unwrap();
    c.process_ready(
        T0,
        "p1",
        ProcessReady {
            port: Some(7777),
            ..Default::default()
        },
    )
    .unwrap();
    c.take_effects();
    c
}

fn create(c: &mut Core, now: Millis) -> GameSession {
    c.create_game_session(
        now,
        CreateGameSession {
            fleet_id: FLEET.into(),
            maximum_player_session_count: 2,
            name: Some("duel".into()),
            ..Default::default()
        },
    )
    .unwrap()
}

/// A core with "p1" hosting an ACTIVE game session; returns its id.
fn active_session() -> (Core, String) {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    c.take_effects();
    (c, gs.id)
}

fn player(id: &str) -> NewPlayerSession {
    NewPlayerSession {
        player_id: id.into(),
        player_data: None,
    }
}

fn events(c: &mut Core) -> Vec<Event> {
    c.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Event(ev) => Some(ev),
            _ => None,
        })
        .collect()
}

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
fn activation_timeout_terminates_and_frees_the_process() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    let timeout = c.config().activation_timeout_ms;
    assert_eq!(
        c.next_deadline(),
        Some(T0 + c.config().heartbeat_timeout_ms.min(timeout))
    );
    // Keep the process alive by heartbeating just before its timeout.
    c.heartbeat(T0 + timeout - 1, "p1", true).unwrap();
    c.on_time(T0 + timeout);
    let gs = c.game_session(&gs.id).unwrap();
    assert_eq!(gs.status, GameSessionStatus::Terminated);
    assert_eq!(gs.status_reason, Some(GameSessionStatusReason::Interrupted));
    assert_eq!(c.process("p1").unwrap().game_session_id, None);
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
        .get_mut(&id)
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
fn heartbeat_timeout_removes_the_process_interrupts_its_session_and_closes_it() {
    let (mut c, id) = active_session();
    let ps = c
        .create_player_sessions(T0, &id, vec![player("a")])
        .unwrap();
    c.accept_player_session(T0, "p1", &id, &ps[0].id).unwrap();
    let timeout = c.config().heartbeat_timeout_ms;
    c.heartbeat(T0 + 1000, "p1", true).unwrap();
    c.on_time(T0 + timeout);
    assert!(
        c.process("p1").is_some(),
        "the heartbeat moved the deadline"
    );
    c.take_effects();
    c.on_time(T0 + 1000 + timeout);
    assert!(c.process("p1").is_none());
    let gs = c.game_session(&id).unwrap();
    assert_eq!(gs.status, GameSessionStatus::Terminated);
    assert_eq!(
        c.player_session(&ps[0].id).unwrap().status,
        PlayerSessionStatus::Completed
    );
    let effects = c.take_effects();
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Close {
            conn: ConnId(1),
            code: 1000,
            ..
        }
    )));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Event(Event::ProcessGone {
            reason: GoneReason::HeartbeatTimeout,
            ..
        })
    )));
}

#[test]
fn unhealthy_process_gets_no_new_game_session() {
    let mut c = ready_core();
    c.heartbeat(T0, "p1", false).unwrap();
    assert!(events(&mut c).contains(&Event::ProcessHealthChanged {
        pid: "p1".into(),
        healthy: false
    }));
    let err = c
        .create_game_session(
            T0,
            CreateGameSession {
                fleet_id: FLEET.into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FleetCapacityExceeded);
}

#[test]
fn reconnect_within_grace_keeps_process_and_session() {
    let (mut c, id) = active_session();
    let grace = c.config().reconnect_grace_ms;
    c.disconnect(T0, "p1", ConnId(1));
    c.on_time(T0 + grace - 1);
    assert!(
        c.connect(T0 + grace - 1, ConnId(2), info("p1")).unwrap(),
        "a reconnect"
    );
    c.on_time(T0 + grace + 1);
    assert_eq!(
        c.game_session(&id).unwrap().status,
        GameSessionStatus::Active
    );
    assert_eq!(
        c.process("p1").unwrap().newest_connection(),
        Some(ConnId(2))
    );
}

#[test]
fn disconnect_beyond_grace_ends_process_and_session() {
    let (mut c, id) = active_session();
    let grace = c.config().reconnect_grace_ms;
    c.disconnect(T0, "p1", ConnId(1));
    c.on_time(T0 + grace);
    assert!(c.process("p1").is_none());
    let gs = c.game_session(&id).unwrap();
    assert_eq!(gs.status, GameSessionStatus::Terminated);
    assert_eq!(gs.status_reason, Some(GameSessionStatusReason::Interrupted));
}

#[test]
fn closing_an_older_connection_does_not_start_the_grace() {
    let (mut c, _) = active_session();
    c.connect(T0, ConnId(2), info("p1")).unwrap();
    c.disconnect(T0, "p1", ConnId(1));
    assert!(!events(&mut c)
        .iter()
        .any(|e| matches!(e, Event::ProcessDisconnected { .. })));
    c.on_time(T0 + c.config().reconnect_grace_ms + 1);
    assert!(c.process("p1").is_some());
}

#[test]
fn pushes_made_while_disconnected_are_delivered_on_reconnect() {
    let mut c = ready_core();
    c.disconnect(T0, "p1", ConnId(1));
    c.request_termination("p1", T0 + 300_000).unwrap();
    assert!(!c
        .take_effects()
        .iter()
        .any(|e| matches!(e, Effect::Push { .. })));
    c.connect(T0 + 1, ConnId(9), info("p1")).unwrap();
    assert!(c.take_effects().iter().any(|e| matches!(e,
        Effect::Push { conn: ConnId(9), push: Push::TerminateProcess { termination_time }, .. }
            if *termination_time == T0 + 300_000)));
}

#[test]
fn process_ending_terminates_the_session_without_reason() {
    let (mut c, id) = active_session();
    c.process_ending(T0 + 5, "p1").unwrap();
    let gs = c.game_session(&id).unwrap();
    assert_eq!(gs.status, GameSessionStatus::Terminated);
    assert_eq!(gs.status_reason, None);
    assert_eq!(gs.termination_time, Some(T0 + 5));
    // Kept (TERMINATED) while its socket stays open; later calls say so.
    let err = c.heartbeat(T0 + 6, "p1", true).unwrap_err();
    assert!(err.to_string().contains("TERMINATED"), "{err}");
    c.disconnect(T0 + 7, "p1", ConnId(1));
    assert!(c.process("p1").is_none());
    // Retention: forgotten later.
    c.on_time(T0 + 5 + c.config().terminated_retention_ms);
    assert!(c.game_session(&id).is_none());
}

/// lessons-from-peers.md: "fleet ids are not validated" was a trap; ours are.
#[test]
fn unknown_fleets_are_refused_naming_the_known_ones() {
    let mut c = core();
    let mut stray = info("p9");
    stray.fleet_id = "fleet-typo".into();
    let err = c.connect(T0, ConnId(9), stray).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        "no fleet 'fleet-typo' (known fleets: fleet-1a2b)"
    );
    let err = c
        .create_game_session(
            T0,
            CreateGameSession {
                fleet_id: "fleet-typo".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let mut open = Core::new(CoreConfig {
        accept_any_fleet: true,
        ..CoreConfig::default()
    });
    open.connect(T0, ConnId(1), info("p1")).unwrap();
}

#[test]
fn game_sessions_are_placed_in_the_fleet_location() {
    let mut c = ready_core();
    assert_eq!(create(&mut c, T0).location.as_deref(), Some("custom-home"));
}

#[test]
fn a_pid_bound_to_another_fleet_is_a_conflict() {
    let mut c = ready_core();
    c.register_fleet(Fleet {
        id: "fleet-other".into(),
        name: "other".into(),
        locations: vec![],
    })
    .unwrap();
    let mut other = info("p1");
    other.fleet_id = "fleet-other".into();
    let err = c.connect(T0, ConnId(5), other).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[test]
fn calls_before_process_ready_are_refused() {
    let mut c = core();
    c.connect(T0, ConnId(1), info("p1")).unwrap();
    let err = c.heartbeat(T0, "p1", true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "server process 'p1' is CONNECTED, not ACTIVE: call ProcessReady first"
    );
}

#[test]
fn update_pushes_the_new_matchmaker_data() {
    let (mut c, id) = active_session();
    c.notify_game_session_update(
        &id,
        Some("{\"matchId\":\"m\"}".into()),
        UpdateReason::MatchmakingDataUpdated,
        Some("ticket-1".into()),
    )
    .unwrap();
    assert!(c.take_effects().iter().any(|e| matches!(e,
        Effect::Push { push: Push::UpdateGameSession { game_session, reason: UpdateReason::MatchmakingDataUpdated, backfill_ticket_id: Some(t) }, .. }
            if t == "ticket-1" && game_session.matchmaker_data.as_deref() == Some("{\"matchId\":\"m\"}"))));
}

/// sdk-wire-protocol.md §7.8: after TerminateProcess the process should call ProcessEnding
/// before the termination time; the service shuts it down anyway when it does not.
#[test]
fn a_process_that_ignores_terminate_process_is_removed_at_the_termination_time() {
    let (mut c, id) = active_session();
    c.request_termination("p1", T0 + 300_000).unwrap();
    c.heartbeat(T0 + 250_000, "p1", true).unwrap();
    c.on_time(T0 + 299_999);
    assert!(c.process("p1").is_some());
    c.take_effects();
    c.on_time(T0 + 300_000);
    assert!(c.process("p1").is_none());
    assert_eq!(
        c.game_session(&id).unwrap().status,
        GameSessionStatus::Terminated
    );
    let effects = c.take_effects();
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Close {
            conn: ConnId(1),
            code: 1000,
            ..
        }
    )));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Event(Event::ProcessGone {
            reason: GoneReason::TerminationDeadline,
            ..
        })
    )));
}

#[test]
fn a_process_that_ends_in_time_is_not_evicted() {
    let (mut c, _) = active_session();
    c.request_termination("p1", T0 + 300_000).unwrap();
    c.process_ending(T0 + 1000, "p1").unwrap();
    c.take_effects();
    c.on_time(T0 + 300_000);
    assert!(!c
        .take_effects()
        .iter()
        .any(|e| matches!(e, Effect::Close { .. })));
    assert_eq!(c.process("p1").unwrap().status, ProcessStatus::Terminated);
}

/// Heartbeats cannot arrive while a process has no socket: the grace period rules then, and
/// the heartbeat timeout restarts on reconnect.
#[test]
fn the_heartbeat_timeout_does_not_run_while_disconnected() {
    let (mut c, id) = active_session();
    c.disconnect(T0 + 170_000, "p1", ConnId(1));
    c.on_time(T0 + 200_000);
    assert!(
        c.process("p1").is_some(),
        "within the grace; heartbeat timeout suspended"
    );
    c.connect(T0 + 200_000, ConnId(2), info("p1")).unwrap();
    c.on_time(T0 + 379_999);
    assert_eq!(
        c.game_session(&id).unwrap().status,
        GameSessionStatus::Active
    );
    c.on_time(T0 + 380_000);
    assert!(
        c.process("p1").is_none(),
        "no heartbeat since the reconnect"
    );
}
