//! Server processes: connections, readiness, health, timeouts, termination.

use super::*;
use crate::process::SUPERSEDED_CONNECTION_GRACE_MS;

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

fn with_token(pid: &str, token: &str) -> ConnectInfo {
    ConnectInfo {
        idempotency_token: Some(token.into()),
        ..info(pid)
    }
}

fn closes(effects: &[Effect]) -> Vec<(ConnId, u16)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Close { conn, code, .. } => Some((*conn, *code)),
            _ => None,
        })
        .collect()
}

/// sdk-wire-protocol.md §10: with two sockets, requests are still answered on the old one;
/// GO keeps it for 5 s (§1.7). Past SUPERSEDED_CONNECTION_GRACE_MS it is closed with 1000,
/// which neither SDK reconnects (§1.8); pushes stay on the newest all along.
#[test]
fn a_superseded_connection_is_closed_after_the_grace() {
    let mut c = ready_core();
    c.connect(T0 + 5, ConnId(2), info("p1")).unwrap();
    c.connect(T0 + 7, ConnId(3), info("p1")).unwrap();
    c.take_effects();
    c.on_time(T0 + 5 + SUPERSEDED_CONNECTION_GRACE_MS - 1);
    assert_eq!(closes(&c.take_effects()), vec![]);
    c.on_time(T0 + 5 + SUPERSEDED_CONNECTION_GRACE_MS);
    assert_eq!(closes(&c.take_effects()), vec![(ConnId(1), 1000)]);
    c.on_time(T0 + 7 + SUPERSEDED_CONNECTION_GRACE_MS);
    assert_eq!(closes(&c.take_effects()), vec![(ConnId(2), 1000)]);
    assert_eq!(
        c.process("p1").unwrap().newest_connection(),
        Some(ConnId(3))
    );
}

/// An old socket its SDK closed in time is not closed again.
#[test]
fn a_superseded_connection_closed_in_time_is_left_alone() {
    let mut c = ready_core();
    c.connect(T0, ConnId(2), info("p1")).unwrap();
    c.disconnect(T0 + 5000, "p1", ConnId(1));
    c.take_effects();
    c.on_time(T0 + SUPERSEDED_CONNECTION_GRACE_MS);
    assert_eq!(closes(&c.take_effects()), vec![]);
    assert_eq!(c.process("p1").unwrap().connections, vec![ConnId(2)]);
}

/// §1.2: the IdempotencyToken is new on every Connect call and "reused by transport-level
/// automatic reconnects"; §1.8: both SDKs reconnect to the same URL on an abnormal close.
/// So after ProcessEnding a connection with the ended process's token is that process's
/// SDK coming back: refused (the gateway closes it with 1000), not adopted as a new process;
/// one with a new token (InitSDK again) is a new process. The memory lasts the reconnect
/// grace.
#[test]
fn a_reconnect_of_an_ended_process_is_refused_for_the_reconnect_grace() {
    let mut c = core();
    c.connect(T0, ConnId(1), with_token("p1", "tok-a")).unwrap();
    c.process_ready(T0, "p1", ProcessReady::default()).unwrap();
    // A RefreshConnection made a second token.
    c.connect(T0 + 1, ConnId(2), with_token("p1", "tok-b"))
        .unwrap();
    c.disconnect(T0 + 2, "p1", ConnId(1));
    c.process_ending(T0 + 3, "p1").unwrap();

    // Its socket still open.
    let err = c.connect(T0 + 4, ConnId(3), with_token("p1", "tok-a"));
    assert!(
        matches!(err, Err(CoreError::ProcessEnded { .. })),
        "{err:?}"
    );
    assert_eq!(c.process("p1").unwrap().status, ProcessStatus::Terminated);

    // Its socket gone.
    c.disconnect(T0 + 5, "p1", ConnId(2));
    assert!(c.process("p1").is_none());
    let grace = c.config().reconnect_grace_ms;
    c.on_time(T0 + 5 + grace - 1);
    for token in ["tok-a", "tok-b"] {
        let err = c.connect(T0 + 5 + grace - 1, ConnId(4), with_token("p1", token));
        assert!(
            matches!(err, Err(CoreError::ProcessEnded { .. })),
            "{err:?}"
        );
        assert!(c.process("p1").is_none(), "not adopted");
    }

    // Forgotten after the grace: the same token is then a new process.
    c.on_time(T0 + 5 + grace);
    assert_eq!(
        c.connect(T0 + 5 + grace, ConnId(5), with_token("p1", "tok-a")),
        Ok(false)
    );
    assert_eq!(c.process("p1").unwrap().status, ProcessStatus::Connected);
}

/// InitSDK after Destroy makes a new token: a new process under the same pID, at once.
#[test]
fn a_new_connect_call_after_process_ending_is_a_new_process() {
    let mut c = core();
    c.connect(T0, ConnId(1), with_token("p1", "tok-a")).unwrap();
    c.process_ending(T0 + 1, "p1").unwrap();
    c.disconnect(T0 + 2, "p1", ConnId(1));
    assert_eq!(
        c.connect(T0 + 3, ConnId(2), with_token("p1", "tok-b")),
        Ok(false)
    );
    assert_eq!(c.process("p1").unwrap().status, ProcessStatus::Connected);
    // The new process's own reconnect is a reconnect, not a refusal.
    c.disconnect(T0 + 4, "p1", ConnId(2));
    assert_eq!(
        c.connect(T0 + 5, ConnId(3), with_token("p1", "tok-b")),
        Ok(true)
    );
    // The ended process's token no longer refers to anything: the live process owns the pID.
    assert_eq!(
        c.connect(T0 + 6, ConnId(4), with_token("p1", "tok-a")),
        Ok(true)
    );
}

/// Issue 15 finding 6: a ready process whose grace ran out reconnects with the URL it first
/// built (same IdempotencyToken, sdk-wire-protocol.md §1.8) and, as both SDKs do, never sends
/// ProcessReady again (§7 item 2) but keeps sending heartbeats. It comes back ready, without
/// the game session it lost, so its heartbeats are answered and it can host again.
#[test]
fn a_ready_process_reconnecting_after_its_grace_comes_back_ready() {
    let mut c = core();
    c.connect(T0, ConnId(1), with_token("p1", "tok-a")).unwrap();
    c.process_ready(
        T0,
        "p1",
        ProcessReady {
            port: Some(7777),
            ..Default::default()
        },
    )
    .unwrap();
    let grace = c.config().reconnect_grace_ms;
    c.disconnect(T0, "p1", ConnId(1));
    c.on_time(T0 + grace);
    assert!(c.process("p1").is_none(), "gone after the grace");

    let later = T0 + grace + 30_000;
    assert!(c
        .connect(later, ConnId(2), with_token("p1", "tok-a"))
        .unwrap());
    let p = c.process("p1").unwrap();
    assert_eq!(p.status, ProcessStatus::Active);
    assert_eq!(p.port, Some(7777));
    assert!(p.game_session_id.is_none());
    c.heartbeat(later + 1, "p1", true)
        .expect("its heartbeats are answered");

    // InitSDK again (a new Connect call, a new token) is a new process that must call
    // ProcessReady.
    c.disconnect(later, "p1", ConnId(2));
    c.on_time(later + grace);
    c.connect(later + grace, ConnId(3), with_token("p1", "tok-b"))
        .unwrap();
    assert_eq!(c.process("p1").unwrap().status, ProcessStatus::Connected);
}

/// Issue 15 finding 6: a connection that never sends ProcessReady is timed out (closed with
/// 1000, which tells the SDKs not to reconnect, §1.8) after [`process::READY_TIMEOUT_MS`].
#[test]
fn a_process_that_never_calls_process_ready_is_timed_out() {
    let mut c = core();
    c.connect(T0, ConnId(1), info("p1")).unwrap();
    c.on_time(T0 + process::READY_TIMEOUT_MS - 1);
    assert!(c.process("p1").is_some());
    c.take_effects();
    c.on_time(T0 + process::READY_TIMEOUT_MS);
    assert!(c.process("p1").is_none());
    assert_eq!(closes(&c.take_effects()), [(ConnId(1), 1000)]);

    // A process that did call ProcessReady is not affected.
    let mut c = ready_core();
    for at in [T0 + 120_000, T0 + 240_000] {
        c.on_time(at);
        c.heartbeat(at, "p1", true).unwrap();
    }
    c.on_time(T0 + process::READY_TIMEOUT_MS);
    assert!(c.process("p1").is_some());
}
