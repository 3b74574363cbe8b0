//! Fixtures for tests that drive the core directly: a fixed start time, a fleet with a queue
//! onto it, rule sets, a matchmaking configuration made from the service's defaults, ready
//! processes and tickets. Time never comes from the wall clock here: tests pass `now` (from
//! [`T0`]) and move it themselves.
//!
//! Compiled for the crate's own unit tests and, with the `testing` feature, for tests and
//! tools outside it (the daemon's startup-file tests use it the same way).

use std::collections::BTreeMap;

use crate::clock::Millis;
use crate::matchmaking::configurations::ConfigurationSpec;
use crate::matchmaking::queues::QueueSpec;
use crate::matchmaking::{MatchmakingTicket, StartMatchmaking, TicketStatus};
use crate::{ConnId, ConnectInfo, Core, CoreConfig, Fleet, ProcessReady};
use playfield_flexmatch::{AttributeValue, Player};

/// The tests' "now" to start from: 2025-01-01T00:00:00Z.
pub const T0: Millis = 1_735_689_600_000;
/// The fleet [`core_with`] registers and [`ready`] connects processes to.
pub const FLEET: &str = "fleet-1a2b";
/// The queue [`core_with`] creates onto [`FLEET`].
pub const QUEUE: &str = "the-queue";

/// Two teams of `min..=max` players; anyone matches anyone.
pub fn teams_rule_set(min: u32, max: u32) -> String {
    format!(
        r#"{{
        "ruleLanguageVersion": "1.0",
        "playerAttributes": [{{"name": "skill", "type": "number", "default": 10}}],
        "teams": [{{"name": "red", "minPlayers": {min}, "maxPlayers": {max}}},
                  {{"name": "blue", "minPlayers": {min}, "maxPlayers": {max}}}],
        "rules": []
    }}"#
    )
}

/// A duel whose skill gap widens from 10 to 1000 after 5 s.
pub const EXPANDING: &str = r#"{
    "ruleLanguageVersion": "1.0",
    "playerAttributes": [{"name": "skill", "type": "number", "default": 10}],
    "teams": [{"name": "red", "minPlayers": 1, "maxPlayers": 1},
              {"name": "blue", "minPlayers": 1, "maxPlayers": 1}],
    "rules": [{"name": "close", "type": "distance",
               "measurements": "max(flatten(teams[*].players.attributes[skill]))",
               "referenceValue": "min(flatten(teams[*].players.attributes[skill]))",
               "maxDistance": 10}],
    "expansions": [{"target": "rules[close].maxDistance",
                    "steps": [{"waitTimeSeconds": 5, "value": 1000}]}]
}"#;

/// A core with fleet FLEET (location custom-home), queue QUEUE (timeout 30 s) onto it,
/// rule set "rs" = `body`, and configuration "cfg" made by `edit` from the defaults.
pub fn core_with(body: &str, edit: impl FnOnce(&mut ConfigurationSpec)) -> Core {
    let mut c = Core::new(CoreConfig {
        seed: 1,
        ..CoreConfig::default()
    });
    c.register_fleet(Fleet {
        id: FLEET.into(),
        name: "test".into(),
        locations: vec!["custom-home".into()],
    })
    .unwrap();
    c.create_rule_set(T0, "rs", body).unwrap();
    c.create_queue(QueueSpec {
        name: QUEUE.into(),
        destinations: vec![FLEET.into()],
        timeout_seconds: 30,
        ..Default::default()
    })
    .unwrap();
    let mut spec = ConfigurationSpec::new("cfg", "rs", QUEUE);
    edit(&mut spec);
    c.create_configuration(T0, spec).unwrap();
    c.take_effects();
    c
}

/// Connects process `pid` on connection `conn` and makes it ACTIVE.
pub fn ready(c: &mut Core, now: Millis, pid: &str, conn: u64) {
    c.connect(
        now,
        ConnId(conn),
        ConnectInfo {
            pid: pid.into(),
            fleet_id: FLEET.into(),
            ..Default::default()
        },
    )
    .unwrap();
    c.process_ready(
        now,
        pid,
        ProcessReady {
            port: Some(7000 + conn as u16),
            ..Default::default()
        },
    )
    .unwrap();
}

/// Player `id` with attribute `skill`.
pub fn player(id: &str, skill: f64) -> Player {
    let mut p = Player {
        id: id.into(),
        ..Default::default()
    };
    p.attributes
        .insert("skill".into(), AttributeValue::Number(skill));
    p
}

/// Starts ticket `ticket` for `players` (skill 10 each) in configuration "cfg".
pub fn start(c: &mut Core, now: Millis, ticket: &str, players: &[&str]) -> MatchmakingTicket {
    c.start_matchmaking(
        now,
        StartMatchmaking {
            ticket_id: Some(ticket.into()),
            configuration_name: "cfg".into(),
            players: players.iter().map(|p| player(p, 10.0)).collect(),
        },
    )
    .unwrap()
}

/// The status of ticket `ticket`, which must exist.
pub fn status(c: &Core, ticket: &str) -> TicketStatus {
    c.ticket(ticket).expect("ticket exists").status
}

/// A string map from pairs (game properties, tags).
pub fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
