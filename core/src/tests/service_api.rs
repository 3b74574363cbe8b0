//! What the service API adds to the core: fleets made at run time, UpdateGameSession,
//! TerminateGameSession, search, and Anywhere computes with their tokens.

use super::*;
use crate::search_expr::{Filter, Sort};

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
fn an_unknown_fleet_is_adopted_on_connect_only_when_allowed() {
    let mut strict = core();
    let mut i = info("p1");
    i.fleet_id = "fleet-typo".into();
    let err = strict.connect(T0, ConnId(1), i.clone()).unwrap_err();
    assert!(err.to_string().contains("fleet-typo") && err.to_string().contains(FLEET));

    let mut lenient = Core::new(CoreConfig {
        accept_any_fleet: true,
        ..CoreConfig::default()
    });
    lenient.connect(T0, ConnId(1), i).unwrap();
    let fleet = lenient.fleet("fleet-typo").expect("adopted");
    assert_eq!(fleet.locations, vec![fleet::DEFAULT_LOCATION.to_string()]);
    assert_eq!(lenient.fleet_creation_time("fleet-typo"), Some(T0));
    assert!(events(&mut lenient).iter().any(|e| matches!(
        e,
        Event::FleetCreated { fleet_id, origin: FleetOrigin::UnknownFleetOnConnect, .. }
            if fleet_id == "fleet-typo"
    )));
}

#[test]
fn update_merges_properties_and_keeps_room_for_the_players_in() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    c.create_player_sessions(
        T0,
        &gs.id,
        vec![NewPlayerSession {
            player_id: "a".into(),
            player_data: None,
        }],
    )
    .unwrap();
    let err = c
        .update_game_session(UpdateGameSession {
            game_session_id: gs.id.to_string(),
            maximum_player_session_count: Some(0),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("below the 1 player sessions"),
        "{err}"
    );
    let updated = c
        .update_game_session(UpdateGameSession {
            game_session_id: gs.id.to_string(),
            game_properties: Some(vec![("mode".into(), "ctf".into())]),
            player_session_creation_policy: Some(PlayerSessionCreationPolicy::DenyAll),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        updated.game_properties.get("mode").map(String::as_str),
        Some("ctf")
    );
    let updated = c
        .update_game_session(UpdateGameSession {
            game_session_id: gs.id.to_string(),
            game_properties: Some(vec![("mode".into(), String::new())]),
            ..Default::default()
        })
        .unwrap();
    assert!(
        updated.game_properties.is_empty(),
        "an empty value removes the key"
    );
    assert_eq!(
        updated.player_session_creation_policy,
        PlayerSessionCreationPolicy::DenyAll
    );
}

#[test]
fn trigger_terminate_waits_for_the_process_and_force_does_not() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    c.take_effects();
    let t = c
        .terminate_game_session(T0, &gs.id, TerminationMode::TriggerOnProcessTerminate)
        .unwrap();
    assert_eq!(t.status, GameSessionStatus::Terminating);
    assert!(c.take_effects().iter().any(|e| matches!(
        e,
        Effect::Push {
            push: Push::TerminateProcess { .. },
            ..
        }
    )));
    c.process_ending(T0 + 10, "p1").unwrap();
    let ended = c.game_session(&gs.id).unwrap();
    assert_eq!(ended.status, GameSessionStatus::Terminated);
    assert_eq!(
        ended.status_reason,
        Some(GameSessionStatusReason::TriggeredOnProcessTerminate)
    );

    let mut c = ready_core();
    let gs = create(&mut c, T0);
    let t = c
        .terminate_game_session(T0, &gs.id, TerminationMode::ForceTerminate)
        .unwrap();
    assert_eq!(t.status, GameSessionStatus::Terminated);
    assert_eq!(
        t.status_reason,
        Some(GameSessionStatusReason::ForceTerminated)
    );
    let again = c
        .terminate_game_session(T0, &gs.id, TerminationMode::ForceTerminate)
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::InvalidGameSessionStatus);
}

#[test]
fn search_sees_active_sessions_with_their_player_counts() {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    let filter = Filter::parse("playerSessionCount = 0").unwrap();
    assert!(
        c.search_game_sessions(FLEET, None, Some(&filter), None)
            .is_empty(),
        "ACTIVATING sessions are not searched"
    );
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    let sort = Sort::parse("creationTimeMillis DESC").unwrap();
    let found = c.search_game_sessions(FLEET, None, Some(&filter), Some(&sort));
    assert_eq!(found.len(), 1);
    c.create_player_sessions(
        T0,
        &gs.id,
        vec![NewPlayerSession {
            player_id: "a".into(),
            player_data: None,
        }],
    )
    .unwrap();
    assert!(c
        .search_game_sessions(FLEET, None, Some(&filter), None)
        .is_empty());
    let other_location = c.search_game_sessions(FLEET, Some("custom-elsewhere"), None, None);
    assert!(other_location.is_empty());
}

#[test]
fn compute_tokens_admit_first_connections_until_they_expire() {
    let mut c = Core::new(CoreConfig {
        require_compute_auth: true,
        ..CoreConfig::default()
    });
    c.register_fleet(Fleet {
        id: FLEET.into(),
        name: "t".into(),
        locations: vec!["custom-home".into()],
    })
    .unwrap();
    let refused = c.check_compute_auth(T0, "p1", FLEET, Some("my-host"), None);
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(
        c.issue_compute_auth_token(T0, FLEET, "my-host")
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    c.register_compute(
        T0,
        RegisterCompute {
            fleet_id: FLEET.into(),
            name: "my-host".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let t = c.issue_compute_auth_token(T0, FLEET, "my-host").unwrap();
    let ok = |c: &Core, now, pid: &str, compute| {
        c.check_compute_auth(now, pid, FLEET, compute, Some(&t.token))
    };
    assert!(ok(&c, T0, "p1", Some("my-host")).is_ok());
    assert!(ok(&c, T0, "p1", Some("other-host")).is_err());
    c.connect(T0, ConnId(1), info("p1")).unwrap();
    let late = T0 + compute::AUTH_TOKEN_TTL_MS;
    assert!(
        ok(&c, late, "p1", Some("my-host")).is_ok(),
        "a known process reconnects"
    );
    let e = ok(&c, late, "p2", Some("my-host")).unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    let launcher = c.issue_launcher_token();
    assert!(c
        .check_compute_auth(late * 2, "p3", FLEET, None, Some(&launcher))
        .is_ok());
    c.deregister_compute(FLEET, "my-host").unwrap();
    assert!(
        ok(&c, T0, "p4", Some("my-host")).is_err(),
        "deregistering revokes"
    );
}
