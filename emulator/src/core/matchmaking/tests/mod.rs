//! Matchmaker unit tests: the core driven directly, time moved by calling `on_time`.
//! Fixtures here; `lifecycle` covers tickets, expansion and STANDALONE mode, `acceptance`
//! the acceptance step, `placement` queues and placement, `backfill` manual and automatic
//! backfill.

mod acceptance;
mod backfill;
mod lifecycle;
mod notifications;
mod placement;
mod post_processing;
mod queue_priority;

use std::collections::BTreeMap;

use super::configurations::ConfigurationSpec;
use super::queues::{PriorityType, QueueSpec};
use super::*;
use crate::core::{
    ConnId, ConnectInfo, Core, CoreConfig, Effect, Event, Fleet, ProcessReady, Push,
};
use crate::flexmatch::{AttributeValue, Player};

pub(super) const T0: Millis = 1_735_689_600_000;
pub(super) const FLEET: &str = "fleet-1a2b";
pub(super) const QUEUE: &str = "the-queue";

/// Two teams of `min..=max` players; anyone matches anyone.
pub(super) fn teams_rule_set(min: u32, max: u32) -> String {
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
pub(super) const EXPANDING: &str = r#"{
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
pub(super) fn core_with(body: &str, edit: impl FnOnce(&mut ConfigurationSpec)) -> Core {
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
        timeout_seconds: Some(30),
        ..Default::default()
    })
    .unwrap();
    let mut spec = ConfigurationSpec::new("cfg", "rs", QUEUE);
    edit(&mut spec);
    c.create_configuration(T0, spec).unwrap();
    c.take_effects();
    c
}

/// A startup file with fleet FLEET, queue "q" onto it, rule set "rs" (1v1) and
/// configuration "m" using both, each entry's extra members appended (`sections` goes first:
/// e.g. `[[notification_targets]]`), applied to a fresh core the way `playfield serve` does.
pub(super) fn core_from_startup_file(
    sections: &str,
    queue: &str,
    configuration: &str,
) -> (crate::config::Config, Core) {
    let text = format!(
        r#"
{sections}

[[fleets]]
id = "{FLEET}"
name = "a"

[[queues]]
name = "q"
destinations = ["{FLEET}"]
{queue}

[[rule_sets]]
name = "rs"
body = '{body}'

[[matchmaking_configurations]]
name = "m"
rule_set = "rs"
queue = "q"
{configuration}
"#,
        body = teams_rule_set(1, 1).replace('\n', " ")
    );
    let cfg = crate::config::Config::from_toml_str(&text, std::path::Path::new("p.toml")).unwrap();
    let mut c = Core::new(CoreConfig::default());
    c.apply_matchmaking_config(T0, &cfg.matchmaking_setup())
        .unwrap();
    (cfg, c)
}

/// Connects process `pid` on connection `conn` and makes it ACTIVE.
pub(super) fn ready(c: &mut Core, now: Millis, pid: &str, conn: u64) {
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

pub(super) fn player(id: &str, skill: f64) -> Player {
    let mut p = Player {
        id: id.into(),
        ..Default::default()
    };
    p.attributes
        .insert("skill".into(), AttributeValue::Number(skill));
    p
}

pub(super) fn start(
    c: &mut Core,
    now: Millis,
    ticket: &str,
    players: &[&str],
) -> MatchmakingTicket {
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

pub(super) fn status(c: &Core, ticket: &str) -> TicketStatus {
    c.ticket(ticket).expect("ticket exists").status
}

/// Fires every timer due up to `until`, one deadline at a time.
pub(super) fn advance(c: &mut Core, until: Millis) {
    while let Some(at) = c.next_deadline() {
        if at > until {
            break;
        }
        c.on_time(at);
    }
}

pub(super) fn pushes(c: &mut Core) -> Vec<Push> {
    c.take_effects()
        .into_iter()
        .filter_map(|e| match e {
            Effect::Push { push, .. } => Some(push),
            _ => None,
        })
        .collect()
}

pub(super) fn mm_events(effects: &[Effect]) -> Vec<MatchmakingEvent> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Event(Event::Matchmaking(m)) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
