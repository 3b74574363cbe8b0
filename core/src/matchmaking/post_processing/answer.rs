//! Checking the virtual server's answer before anything is applied (seed
//! `003_b88cb9fe2efe5cb2.txt`, "This is the schema of response from virtual server"): an answer
//! that fails a check is a failure of the hook, and the original match goes on.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::super::MatchmakingConfiguration;
use super::exchange::AnswerTicket;
use super::HeldMatch;
use super::VirtualServerAnswer;
use crate::Core;
use playfield_flexmatch::{Match, MatchTeam, MatchedPlayer};

/// A checked answer, ready to apply.
pub(super) struct Plan {
    pub(super) battles: Vec<Match>,
    pub(super) requeued: Vec<String>,
    pub(super) dropped: Vec<String>,
}

impl Core {
    /// Checks an answer against the held match: only its tickets, each once (see
    /// [`VirtualServerAnswer::check_against`]); players only of their own ticket; teams
    /// only of the rule set, none above its maxPlayers (the game session is sized by them).
    /// A battle may leave a team below minPlayers: splitting a battle is the point.
    pub(super) fn plan(
        &self,
        cfg: &MatchmakingConfiguration,
        held: &HeldMatch,
        r: &VirtualServerAnswer,
    ) -> Result<Plan, String> {
        r.check_against(&held.request).map_err(|e| e.to_string())?;
        let names: Vec<&str> = held.m.teams.iter().map(|t| &*t.name).collect();
        let original: HashMap<&str, &str> = held
            .m
            .teams
            .iter()
            .flat_map(|t| {
                t.players
                    .iter()
                    .map(move |p| (p.player_id.as_str(), &*t.name))
            })
            .collect();
        let maxima: BTreeMap<String, u32> = self
            .mm
            .rule_sets
            .get(&cfg.spec.rule_set)
            .map(|rs| rs.parsed.team_maxima().into_iter().collect())
            .unwrap_or_default();
        let mut battles = Vec::new();
        for (i, b) in r.battles.iter().enumerate() {
            if b.is_empty() {
                return Err(format!("battles[{i}] has no tickets"));
            }
            let teams = self.battle_teams(i, b, &names, &original)?;
            check_team_maxima(i, &teams, &maxima)?;
            battles.push(Match {
                teams,
                ticket_ids: b.iter().map(|t| t.id.as_str().into()).collect(),
                backfill_ticket_id: None,
                regions: held.m.regions.clone(),
                rule_metrics: held.m.rule_metrics.clone(),
            });
        }
        Ok(Plan {
            battles,
            requeued: r.requeued.clone(),
            dropped: r
                .dropped(&held.request)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })
    }

    /// The teams of battle `i` of an answer: each of its tickets' players on the team the
    /// answer asks, or else the team they had in the held match.
    fn battle_teams(
        &self,
        i: usize,
        b: &[AnswerTicket],
        names: &[&str],
        original: &HashMap<&str, &str>,
    ) -> Result<Vec<MatchTeam>, String> {
        let mut teams: Vec<MatchTeam> = names
            .iter()
            .map(|n| MatchTeam {
                name: (*n).into(),
                players: Vec::new(),
            })
            .collect();
        for (j, te) in b.iter().enumerate() {
            let t =
                self.mm.tickets.get(&te.id).ok_or_else(|| {
                    format!("battles[{i}].tickets[{j}]: ticket {:?} is gone", te.id)
                })?;
            let known: HashSet<&str> = t.players.iter().map(|p| p.id.as_str()).collect();
            if let Some((k, p)) = te
                .players
                .iter()
                .enumerate()
                .find(|(_, p)| !known.contains(p.player_id.as_str()))
            {
                return Err(format!(
                    "battles[{i}].tickets[{j}].players[{k}]: player {:?} is not in ticket {:?}",
                    p.player_id, te.id
                ));
            }
            for p in &t.players {
                let asked = te
                    .players
                    .iter()
                    .find(|x| x.player_id == p.id && x.team.is_some())
                    .and_then(|x| x.team.as_deref());
                let team = asked
                    .or_else(|| original.get(p.id.as_str()).copied())
                    .unwrap_or_default();
                let Some(slot) = teams.iter_mut().find(|x| &*x.name == team) else {
                    return Err(format!(
                        "battles[{i}].tickets[{j}]: player {:?} is on team {team:?}, which \
                         the rule set does not have (teams: {})",
                        p.id,
                        names.join(", ")
                    ));
                };
                slot.players.push(MatchedPlayer {
                    player_id: p.id.clone(),
                    ticket_id: t.id.as_str().into(),
                });
            }
        }
        Ok(teams)
    }
}

/// No team of battle `i` above its maxPlayers (the game session is sized by them).
fn check_team_maxima(
    i: usize,
    teams: &[MatchTeam],
    maxima: &BTreeMap<String, u32>,
) -> Result<(), String> {
    for t in teams {
        if let Some(max) = maxima.get(&*t.name) {
            if t.players.len() > *max as usize {
                return Err(format!(
                    "battles[{i}]: team {:?} has {} players, more than its maxPlayers {max}",
                    t.name,
                    t.players.len()
                ));
            }
        }
    }
    Ok(())
}
