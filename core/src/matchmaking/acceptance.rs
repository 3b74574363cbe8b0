//! Match acceptance (guide lines 2133–2137; service-api.md §9.1 AcceptMatch).
//!
//! With `AcceptanceRequired`, a formed match is only a proposal: its tickets wait in
//! REQUIRES_ACCEPTANCE until every player of every ticket accepts. The guide (line 2137):
//! "当建议的对战游戏中的任何一个玩家拒绝对战游戏，或者未能在接受时限内响应时，请求失败。接受对战的
//! 玩家的票证将自动退还到票证池中。未接受对战的玩家的票证将变为“失败”状态" — when anyone rejects
//! or the acceptance timeout runs out, the proposal is dropped: tickets whose players all
//! accepted go back to SEARCHING (into the pool, keeping their age), the others FAIL.

use super::tickets::{MatchmakingTicket, TicketStatus, TicketStatusReason};
use super::MatchmakingEvent;
use crate::clock::Millis;
use crate::ids::ticket_ids;
use crate::notifications::AcceptanceOutcome;
use crate::timers::TimerKey;
use crate::{Core, CoreError};
use playfield_flexmatch::Match;

/// A match waiting for its players' answers.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The configuration it was made in.
    pub configuration: String,
    /// The match: its teams and tickets.
    pub m: Match,
}

/// Every player of the ticket accepted the current proposal.
fn all_accepted(t: &MatchmakingTicket) -> bool {
    t.players
        .iter()
        .all(|x| t.answers.get(&x.id) == Some(&true))
}

impl Core {
    pub(crate) fn propose(
        &mut self,
        now: Millis,
        cfg: &super::MatchmakingConfiguration,
        match_id: String,
        m: Match,
    ) {
        let deadline = now + u64::from(cfg.spec.acceptance_timeout_seconds.unwrap_or(60)) * 1000;
        for id in &m.ticket_ids {
            self.set_status(now, id, TicketStatus::RequiresAcceptance, None, None);
        }
        self.timers
            .schedule(TimerKey::Acceptance(match_id.clone()), deadline);
        self.mm.proposals.insert(
            match_id,
            Proposal {
                configuration: cfg.spec.name.to_string(),
                m,
            },
        );
    }

    /// AcceptMatch: `accept` true for ACCEPT, false for REJECT.
    pub fn accept_match(
        &mut self,
        now: Millis,
        ticket_id: &str,
        player_ids: &[String],
        accept: bool,
    ) -> Result<(), CoreError> {
        let match_id = self.check_answer(ticket_id, player_ids)?;
        for p in player_ids {
            // Recorded before the event: it shows every answer so far, this one included.
            if let Some(t) = self.mm.tickets.get_mut(ticket_id) {
                t.answers.insert(p.clone(), accept);
            }
            self.mm_emit(
                now,
                MatchmakingEvent::AcceptMatch {
                    match_id: match_id.clone(),
                    ticket_id: ticket_id.into(),
                    player_id: p.clone(),
                    accepted: accept,
                },
            );
        }
        if !accept {
            self.drop_proposal(
                now,
                &match_id,
                &[ticket_id.to_string()],
                AcceptanceOutcome::Rejected,
            );
            return Ok(());
        }
        self.complete_if_all_accepted(now, match_id);
        Ok(())
    }

    /// AcceptMatch's checks: the ticket waits for acceptance and lists every player
    /// answering. Returns the proposed match's id.
    fn check_answer(&self, ticket_id: &str, player_ids: &[String]) -> Result<String, CoreError> {
        let t = self
            .mm
            .tickets
            .get(ticket_id)
            .ok_or_else(|| CoreError::NotFound {
                what: "matchmaking ticket",
                id: ticket_id.into(),
            })?;
        if t.status != TicketStatus::RequiresAcceptance {
            return Err(CoreError::TicketNotAwaitingAcceptance {
                id: ticket_id.into(),
                status: t.status.as_str(),
            });
        }
        if player_ids.is_empty() {
            return Err(CoreError::param(
                "PlayerIds",
                "at least one player id is needed",
            ));
        }
        if let Some(p) = player_ids
            .iter()
            .find(|p| !t.players.iter().any(|x| &x.id == *p))
        {
            return Err(CoreError::param(
                "PlayerIds",
                format!("player '{p}' is not in ticket '{ticket_id}'"),
            ));
        }
        Ok(t.match_id.clone().unwrap_or_default())
    }

    /// Once every player of every ticket accepted: the acceptance step ends, Accepted, and
    /// the match goes on.
    fn complete_if_all_accepted(&mut self, now: Millis, match_id: String) {
        let all = self.mm.proposals.get(&match_id).is_some_and(|p| {
            p.m.ticket_ids
                .iter()
                .all(|id| self.mm.tickets.get(id).is_some_and(all_accepted))
        });
        if all {
            if let Some(p) = self.mm.proposals.remove(&match_id) {
                self.timers.cancel(&TimerKey::Acceptance(match_id.clone()));
                self.mm_emit(
                    now,
                    MatchmakingEvent::AcceptMatchCompleted {
                        match_id: match_id.clone(),
                        outcome: AcceptanceOutcome::Accepted,
                        configuration: p.configuration.clone(),
                        ticket_ids: ticket_ids(&p.m.ticket_ids),
                    },
                );
                if let Ok(cfg) = self.configuration(&p.configuration).cloned() {
                    self.match_agreed(now, &cfg, match_id, p.m);
                }
            }
        }
    }

    pub(crate) fn acceptance_timed_out(&mut self, now: Millis, match_id: &str) {
        self.drop_proposal(now, match_id, &[], AcceptanceOutcome::TimedOut);
    }

    /// Drops a proposal: `rejecting` tickets and every ticket with a player who has not
    /// accepted fail; fully accepted tickets return to the pool, SEARCHING.
    pub(crate) fn drop_proposal(
        &mut self,
        now: Millis,
        match_id: &str,
        rejecting: &[String],
        outcome: AcceptanceOutcome,
    ) {
        let Some(p) = self.mm.proposals.remove(match_id) else {
            return;
        };
        self.timers.cancel(&TimerKey::Acceptance(match_id.into()));
        self.mm_emit(
            now,
            MatchmakingEvent::AcceptMatchCompleted {
                match_id: match_id.into(),
                outcome,
                configuration: p.configuration.clone(),
                ticket_ids: ticket_ids(&p.m.ticket_ids),
            },
        );
        for id in &p.m.ticket_ids {
            let Some(t) = self.mm.tickets.get_mut(id) else {
                continue;
            };
            if t.status.is_final() {
                continue; // cancelled while proposed
            }
            let all_accepted = all_accepted(t);
            t.answers.clear();
            for pl in &mut t.players {
                pl.team = None;
            }
            if rejecting.iter().any(|r| **r == **id) || !all_accepted {
                let message = if outcome == AcceptanceOutcome::TimedOut {
                    "a player did not accept the proposed match within the acceptance timeout"
                } else {
                    "a player rejected the proposed match"
                };
                self.finish_ticket(
                    now,
                    id,
                    TicketStatus::Failed,
                    Some(TicketStatusReason::AcceptanceFailed),
                    Some(message.into()),
                );
            } else {
                self.return_to_pool(now, id);
            }
        }
        self.request_pass(now, &p.configuration);
    }
}
