//! Core unit tests: commands and time in, state and effects out. No I/O, no sleeping.
//! Shared fixtures here; `processes` covers server processes and time, `sessions` game
//! and player sessions.

mod processes;
mod service_api;
mod sessions;

use super::*;

pub(super) const T0: Millis = 1_735_689_600_000;
pub(super) const FLEET: &str = "fleet-1a2b";

pub(super) fn core() -> Core {
    core_with(CoreConfig::default())
}

pub(super) fn core_with(cfg: CoreConfig) -> Core {
    let mut c = Core::new(cfg);
    c.register_fleet(Fleet {
        id: FLEET.into(),
        name: "test".into(),
        locations: vec!["custom-home".into()],
    })
    .unwrap();
    c
}

pub(super) fn info(pid: &str) -> ConnectInfo {
    ConnectInfo {
        pid: pid.into(),
        fleet_id: FLEET.into(),
        compute_id: Some("my-host".into()),
        ..Default::default()
    }
}

/// A core with one ACTIVE process "p1" on connection #1.
pub(super) fn ready_core() -> Core {
    ready_core_with(CoreConfig::default())
}

/// [`ready_core`] configured by `cfg`.
pub(super) fn ready_core_with(cfg: CoreConfig) -> Core {
    let mut c = core_with(cfg);
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

pub(super) fn create(c: &mut Core, now: Millis) -> GameSession {
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
pub(super) fn active_session() -> (Core, String) {
    let mut c = ready_core();
    let gs = create(&mut c, T0);
    c.activate_game_session(T0, "p1", &gs.id).unwrap();
    c.take_effects();
    (c, gs.id.into())
}

pub(super) fn player(id: &str) -> NewPlayerSession {
    NewPlayerSession {
        player_id: id.into(),
        player_data: None,
    }
}

pub(super) fn events(c: &mut Core) -> Vec<Event> {
    c.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Event(ev) => Some(ev),
            _ => None,
        })
        .collect()
}
