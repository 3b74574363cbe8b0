//! Judging a given team line-up against a rule set, outside any pool.
//!
//! [`judge`] answers "does this match satisfy every rule in force at this
//! moment?" for tickets the caller has already placed on teams. Tests use it
//! to check every match the engine produces; the daemon can use it to explain
//! a match (which rules hold) or to check a manual line-up.

use super::build::{Builder, Ctx};
use super::rules::has_latency_rule;
use super::ruleset::RuleSet;
use super::store::Store;
use super::ticket::Ticket;

/// Why a line-up is not a valid match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every team is within its player limits and every rule passes.
    Valid,
    /// A ticket was refused (wrong attribute type, unknown team, …).
    BadTicket(String),
    /// Team `team` holds `players`, outside `min..=max`.
    TeamSize {
        /// The team instance's name.
        team: String,
        /// How many players the line-up puts on it.
        players: usize,
        /// Its minPlayers (after expansions at that time).
        min: usize,
        /// Its maxPlayers (after expansions at that time).
        max: usize,
    },
    /// These rules fail (names in rule set order).
    RulesFail(Vec<String>),
}

/// Judges `teams` — (team instance name, tickets on it) — at `now_ms`, with the expansion
/// stage chosen as the matcher would (newest or oldest ticket). A backfill ticket may be
/// listed under any team: its players stay on the teams they name.
pub fn judge(rs: &RuleSet, teams: &[(&str, Vec<Ticket>)], now_ms: u64) -> Verdict {
    let mut store = Store::new(rs);
    let needs_latency = has_latency_rule(rs);
    let mut placed = Vec::new();
    for (name, tickets) in teams {
        let Some(t) = rs.teams.iter().position(|x| *x.name == **name) else {
            return Verdict::BadTicket(format!("unknown team \"{name}\""));
        };
        for ticket in tickets {
            match store.insert(rs, ticket.clone(), needs_latency) {
                Ok(slot) => placed.push((slot, t)),
                Err(e) => return Verdict::BadTicket(e.to_string()),
            }
        }
    }
    let cx = Ctx {
        rs,
        store: &store,
        now_ms,
    };
    let mut b = Builder::new(rs);
    for &(slot, t) in &placed {
        if store.is_backfill(slot) {
            // A backfill ticket's players stay on the teams they name.
            b.seed_backfill(&cx, slot);
        } else {
            b.place_on(&cx, slot, t);
        }
    }
    let params = b.current_params(&cx);
    for (t, team) in rs.teams.iter().enumerate() {
        let def = &rs.team_defs[team.def];
        let (min, max) = (
            params[def.min_players] as usize,
            params[def.max_players] as usize,
        );
        let n = b.teams[t].len();
        if n < min || n > max {
            return Verdict::TeamSize {
                team: team.name.to_string(),
                players: n,
                min,
                max,
            };
        }
    }
    let failing = b.failing_rules(&cx);
    if failing.is_empty() {
        Verdict::Valid
    } else {
        Verdict::RulesFail(failing)
    }
}
