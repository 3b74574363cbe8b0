//! Helpers shared by the flexmatch integration tests.
#![allow(dead_code)]

use playfield_flexmatch::{judge, AttributeValue, Match, Player, RuleSet, Ticket, Verdict};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Reads `tests/rulesets/<name>.json` (one of the guide's examples) and parses it.
pub fn example(name: &str) -> Arc<RuleSet> {
    let path = format!("{}/tests/rulesets/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Arc::new(RuleSet::parse(&body).unwrap_or_else(|e| panic!("{name}: {e}")))
}

pub fn parse(body: &str) -> Arc<RuleSet> {
    Arc::new(RuleSet::parse(body).unwrap_or_else(|e| panic!("{e}")))
}

/// Builder for a player.
#[derive(Clone)]
pub struct P(pub Player);

pub fn player(id: &str) -> P {
    P(Player {
        id: id.to_string(),
        ..Default::default()
    })
}

impl P {
    pub fn num(mut self, k: &str, v: f64) -> P {
        self.0
            .attributes
            .insert(k.into(), AttributeValue::Number(v));
        self
    }
    pub fn s(mut self, k: &str, v: &str) -> P {
        self.0
            .attributes
            .insert(k.into(), AttributeValue::String(v.into()));
        self
    }
    pub fn list(mut self, k: &str, v: &[&str]) -> P {
        self.0.attributes.insert(
            k.into(),
            AttributeValue::StringList(v.iter().map(|x| x.to_string()).collect()),
        );
        self
    }
    pub fn map(mut self, k: &str, v: &[(&str, f64)]) -> P {
        let m: BTreeMap<String, f64> = v.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        self.0
            .attributes
            .insert(k.into(), AttributeValue::StringNumberMap(m));
        self
    }
    pub fn lat(mut self, region: &str, ms: u32) -> P {
        self.0.latency_ms.insert(region.into(), ms);
        self
    }
    pub fn team(mut self, t: &str) -> P {
        self.0.team = Some(t.into());
        self
    }
}

pub fn ticket(id: &str, created_ms: u64, players: Vec<P>) -> Ticket {
    Ticket {
        id: id.to_string(),
        players: players.into_iter().map(|p| p.0).collect(),
        created_ms,
        backfill: false,
    }
}

pub fn solo(id: &str, created_ms: u64, p: P) -> Ticket {
    ticket(id, created_ms, vec![p])
}

/// Judges every match with the independent [`judge`] entry point, as the tickets were given.
pub fn assert_valid(
    rs: &RuleSet,
    matches: &[Match],
    tickets: &HashMap<String, Ticket>,
    now_ms: u64,
) {
    for m in matches {
        let verdict = judge(rs, &lineup(m, tickets), now_ms);
        assert_eq!(verdict, Verdict::Valid, "match {m:?}");
    }
}

/// The (team, tickets) line-up of a match.
pub fn lineup<'a>(m: &'a Match, tickets: &HashMap<String, Ticket>) -> Vec<(&'a str, Vec<Ticket>)> {
    let mut out = Vec::new();
    for team in &m.teams {
        let mut ids: Vec<&str> = team.players.iter().map(|p| &*p.ticket_id).collect();
        ids.dedup();
        let mut list = Vec::new();
        for id in ids {
            if Some(id) == m.backfill_ticket_id.as_deref() {
                continue;
            }
            list.push(tickets[id].clone());
        }
        out.push((&*team.name, list));
    }
    if let Some(b) = &m.backfill_ticket_id {
        out[0].1.push(tickets[&**b].clone());
    }
    out
}

/// Team name → player ids of a match.
pub fn teams_of(m: &Match) -> HashMap<String, Vec<String>> {
    m.teams
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                t.players.iter().map(|p| p.player_id.clone()).collect(),
            )
        })
        .collect()
}
